#!/usr/bin/env bash
# Compile-time cost of boot tables: the smallest -fconstexpr-ops-limit (g++) and
# -fconstexpr-steps (clang++) that build a layout of N 4 KiB pages, for N = 2^12 .. 2^18,
# divided by N; and the compile seconds a typical boot layout adds.
#   benchmarks/compile_time/measure.sh [max_log2_pages]   (prints a markdown table)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
include="$here/../../include"
max=${1:-18}
gxx=${GXX:-g++}
clangxx=${CLANGXX:-clang++-22}

builds() {  # $1 compiler kind, $2 pages, $3 limit
    if [[ $1 == gcc ]]; then
        "$gxx" -std=c++20 -fsyntax-only -I"$include" -DPAGES="$2" -fconstexpr-ops-limit="$3" \
            -fconstexpr-loop-limit=100000000 "$here/leaves.cpp" 2>/dev/null
    else
        "$clangxx" -std=c++20 -fsyntax-only -I"$include" -DPAGES="$2" -fconstexpr-steps="$3" \
            "$here/leaves.cpp" 2>/dev/null
    fi
}
smallest_limit() {  # $1 kind, $2 pages: bisect to 1%
    local hi=65536 lo
    until builds "$1" "$2" "$hi"; do hi=$((hi * 2)); done
    lo=$((hi / 2))
    while ((hi - lo > hi / 100)); do
        local mid=$(((lo + hi) / 2))
        if builds "$1" "$2" "$mid"; then hi=$mid; else lo=$mid; fi
    done
    echo "$hi"
}

echo "| 4 KiB pages | g++ ops | ops / page | clang++ steps | steps / page |"
echo "|---:|---:|---:|---:|---:|"
for ((k = 12; k <= max; k++)); do
    n=$((1 << k))
    g=$(smallest_limit gcc "$n")
    c=$(smallest_limit clang "$n")
    printf '| 2^%d | %d | %.2f | %d | %.2f |\n' "$k" "$g" "$(awk "BEGIN{print $g / $n}")" \
        "$c" "$(awk "BEGIN{print $c / $n}")"
done

echo
echo "Default limits: g++ -fconstexpr-ops-limit=33554432, clang++ -fconstexpr-steps=1048576."
for kind in gcc clang; do
    if builds "$kind" $((1 << 18)) $([[ $kind == gcc ]] && echo 33554432 || echo 1048576); then
        echo "1 GiB of 4 KiB pages (2^18) builds under $kind's default limit: yes"
    else
        echo "1 GiB of 4 KiB pages (2^18) builds under $kind's default limit: NO"
    fi
done

echo
echo "| typical layout (1 GiB RAM huge + 64 MiB kernel 4 KiB + UART), Sv39 | g++ s | clang++ s |"
echo "|---|---:|---:|"
median_time() {  # $@ command: median wall seconds of 5 runs
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1
    done | sort -n | sed -n 3p
}
tg=$(median_time "$gxx" -std=c++20 -O2 -c -I"$include" "$here/typical.cpp" -o /dev/null)
tgb=$(median_time "$gxx" -std=c++20 -O2 -c -I"$include" -DBASELINE "$here/typical.cpp" -o /dev/null)
tc=$(median_time "$clangxx" -std=c++20 -O2 -c -I"$include" "$here/typical.cpp" -o /dev/null)
tcb=$(median_time "$clangxx" -std=c++20 -O2 -c -I"$include" -DBASELINE "$here/typical.cpp" -o /dev/null)
echo "| with the layout | $tg | $tc |"
echo "| same TU without it | $tgb | $tcb |"
printf '| added by the layout | %.2f | %.2f |\n' "$(awk "BEGIN{print $tg - $tgb}")" "$(awk "BEGIN{print $tc - $tcb}")"
