#!/usr/bin/env bash
# Errors and lines of compiler output for eight typical mistakes (one snippet each here):
#   bash benchmarks/diagnostics/measure.sh [include dir] [extra compilers...]
# Counts lines matching "(^|: )error: " and all lines, per compiler (g++, clang++-22, extras),
# and prints the first error line of each to stdout after the table.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
inc=${1:-$here/../../include}
shift || true
compilers=(g++ clang++-22 "$@")
firsts=$(mktemp)
trap 'rm -f "$firsts"' EXIT
printf '%-14s' mistake
for cxx in "${compilers[@]}"; do printf ' %-14s' "$cxx"; done
echo
for f in wx overlap misaligned noncanonical table_base local handler unmapped; do
    printf '%-14s' "$f"
    for cxx in "${compilers[@]}"; do
        out=$("$cxx" -std=c++20 -fsyntax-only -I"$inc" "$here/$f.cpp" 2>&1)
        printf ' %-14s' "$(grep -cE '(^|: )error: ' <<<"$out")/$(wc -l <<<"$out")"
        echo "$f $cxx: $(grep -m1 -E '(^|: )error: ' <<<"$out" | sed 's|.*include/ptgen/||')" >> "$firsts"
    done
    echo
done
echo
cat "$firsts"
