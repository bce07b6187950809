#!/usr/bin/env bash
# The ptgen demo: installs what is missing (Debian 12), builds the hosted demo with the gcc
# preset and runs it, then builds the QEMU test kernels (examples/<arch>/), boots each one and
# prints a table per format: checks passed, boot-table bytes, and the guest instructions spent
# building page tables at boot (0: the compiler built them) beside the same layout built at run
# time in the same guest. Run from anywhere:
#
#   bash examples/run-demo.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../cmake/ensure-packages.sh
source cmake/ensure-packages.sh

ptgen_ensure_packages "${PTGEN_BASE_PACKAGES[@]}"

jobs="${PTGEN_JOBS:-2}"

echo "== configure (preset gcc)"
cmake --preset gcc >/dev/null
echo "== build ptgen_demo"
cmake --build --preset gcc -j "$jobs" --target ptgen_demo
echo "== run"
./build/gcc/examples/hosted/ptgen_demo build/gcc/ptgen-boot-image.svg

echo
echo "== build the QEMU test kernels"
kernel_targets=()
for arch in riscv64 aarch64 x86_64 armv7 loongarch64; do
    if ninja -C build/gcc -t targets all 2>/dev/null | grep -q "^ptgen_kernels_${arch}:"; then
        kernel_targets+=("ptgen_kernels_${arch}")
    fi
done
if ((${#kernel_targets[@]} == 0)); then
    echo "no kernels to build (see the 'ptgen kernels:' lines of the configure step)"
    exit 0
fi
cmake --build --preset gcc -j "$jobs" --target "${kernel_targets[@]}"

echo "== boot every kernel (ctest -L qemu)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
ctest --test-dir build/gcc -L qemu -j "$jobs" -V >"$log" 2>&1 || status=$?
grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: qemu\.' "$log" | sed 's/  */ /g' || true

echo
echo "== page tables in the guests: compile time (boot) versus the same layout built at run time"
printf '%-32s %-7s %-7s %11s %11s %15s  %s\n' format checks skipped "table bytes" \
    "boot instr." "run-time instr." counter
# Each kernel prints "ptgen-stats key=value..." and "ptgen-counter <how it counted>"; ctest -V
# prefixes the lines of test N with "N: ".
sed -n 's/^[0-9]*: //p' "$log" | awk '
    /^ptgen-stats / {
        delete kv
        for (i = 2; i <= NF; ++i) { split($i, p, "="); kv[p[1]] = p[2] }
        fmt = kv["format"]; row[fmt] = sprintf("%-32s %-7s %-7s %11s %11s %15s", fmt, kv["checks"],
            kv["skipped"], kv["boot_table_bytes"], kv["boot_build_instructions"],
            kv["runtime_build_instructions"]); last = fmt; order[++n] = fmt
    }
    /^ptgen-counter / { sub(/^ptgen-counter /, ""); counter[last] = $0 }
    END { for (i = 1; i <= n; ++i) printf "%s  %s\n", row[order[i]], counter[order[i]] }' |
    sort -u
echo
echo "boot instr.: instructions the guest spent building its boot tables: 0, the compiler built"
echo "them (they are linked in .ptgen.boot). run-time instr.: the same layout built in the same"
echo "guest with page_table::create + cursor::map_linear, counted as the last column says."
echo "+broken-pte: the kernel built with -DPTGEN_KERNEL_BREAK_PTE (one boot-table leaf wrong): its"
echo "checks must fail, and its CTest test qemu.<format>.break-pte passes only when they do."
exit "$status"
