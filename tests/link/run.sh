#!/usr/bin/env bash
# The linker side of boot tables: the generated fragment places .ptgen.boot at the layout's
# table_base and links; the same ASSERT with the section placed elsewhere fails the link.
#   run.sh <c++ compiler> <include dir> <work dir>
set -euo pipefail
cxx=$1 include=$2 work=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$work" && cd "$work"
flags=(-std=c++20 -O1 -I"$include" -ffreestanding -fno-exceptions -fno-rtti
       -fno-asynchronous-unwind-tables -fno-stack-protector -fno-pie)
"$cxx" "${flags[@]}" -c "$here/boot_image.cpp" -o boot_image.o
"$cxx" -std=c++20 -I"$include" "$here/print_fragment.cpp" -o print_fragment
./print_fragment > fragment.ld
cat fragment.ld
script() {  # $1: the fragment to include
    printf 'ENTRY(_start)\nSECTIONS {\n  . = 0x400000;\n  .text : { *(.text*) }\n'
    printf '  /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }\n}\n'
    cat "$1"
}
script fragment.ld > good.ld
# the wrong placement: the section one MiB too high, the ASSERT unchanged
sed -E '1s/(\.ptgen\.boot) 0x[0-9a-f]+/\1 0x80500000/' fragment.ld > wrong-fragment.ld
script wrong-fragment.ld > wrong.ld

linker=${LD:-ld}
$linker -T good.ld boot_image.o -o good.elf
addr=$(readelf -SW good.elf | sed -n 's/.*\.ptgen\.boot *PROGBITS *\([0-9a-f]*\).*/\1/p')
[[ "$addr" == 0000000080400000 ]] || { echo "FAIL: .ptgen.boot at $addr"; exit 1; }
echo "good link: .ptgen.boot at 0x$addr"

if $linker -T wrong.ld boot_image.o -o wrong.elf 2> wrong.log; then
    echo "FAIL: the link with .ptgen.boot at the wrong address succeeded"
    exit 1
fi
cat wrong.log
grep -q "must be linked at 0x80400000" wrong.log || { echo "FAIL: no ptgen message"; exit 1; }
echo "PASS: a wrong placement fails the link"

# Higher half: linked at 0xffffffff80400000 (the kernel's pointers), loaded at 0x80400000 (what
# the MMU walks); a script that loads it elsewhere fails with ptgen's message.
./print_fragment high > high-fragment.ld
cat high-fragment.ld
script high-fragment.ld > high.ld
$linker -T high.ld boot_image.o -o high.elf
vma=$(readelf -SW high.elf | sed -n 's/.*\.ptgen\.boot *PROGBITS *\([0-9a-f]*\).*/\1/p')
lma=$(readelf -lW high.elf | awk '$1 == "LOAD" && $3 == "0xffffffff80400000" {print $4}')
[[ "$vma" == ffffffff80400000 && "$lma" == 0x0000000080400000 ]] ||
    { echo "FAIL: .ptgen.boot linked at $vma, loaded at $lma"; readelf -lW high.elf; exit 1; }
echo "higher-half link: .ptgen.boot linked at 0x$vma, loaded at $lma"
sed -E '1s/AT\(0x[0-9a-f]+\)/AT(0x80500000)/' high-fragment.ld > wrong-high-fragment.ld
script wrong-high-fragment.ld > wrong-high.ld
if $linker -T wrong-high.ld boot_image.o -o wrong-high.elf 2> wrong-high.log; then
    echo "FAIL: the link with .ptgen.boot loaded at the wrong address succeeded"
    exit 1
fi
cat wrong-high.log
grep -q "must be loaded at 0x80400000" wrong-high.log || { echo "FAIL: no ptgen message"; exit 1; }
echo "PASS: a wrong load address fails the link"
