#!/usr/bin/env bash
# Every emitter's output builds: for each layout of generators/layouts/ (one per format),
# ptgen-gen writes .S .h .rs .bin .ld; the assembly is assembled for the format's target by
# clang-22 and linked by ld.lld-22 with the fragment (its ASSERTs hold), the C header compiles
# with gcc (C11) and defines the section of the right size, the Rust source type-checks with
# rustc (no_std), and the binary is the section's bytes.
#   emitters.sh <ptgen-gen> <layouts dir> <work dir>
set -euo pipefail
gen=$1 layouts=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
declare -A target=(
    [riscv-sv32]=riscv32-unknown-elf [riscv-sv39]=riscv64-unknown-elf [riscv-sv48]=riscv64-unknown-elf
    [riscv-sv57]=riscv64-unknown-elf [riscv-sv39-svpbmt]=riscv64-unknown-elf
    [riscv-sv39-svnapot]=riscv64-unknown-elf [x86_64-5level]=x86_64-unknown-elf
    [i386-2level]=i386-unknown-none-elf [i386-pae]=i386-unknown-none-elf
    [aarch64-4k-el1]=aarch64-unknown-elf [aarch64-4k-el2]=aarch64-unknown-elf
    [aarch64-16k-el1]=aarch64-unknown-elf [aarch64-64k-el1]=aarch64-unknown-elf
    [aarch64-4k-52bit-pa52-el1]=aarch64-unknown-elf
    [x86_64-4level]=x86_64-unknown-elf [arm-short-descriptor]=armv7a-none-eabi [arm-lpae]=armv7a-none-eabi
    [loongarch64-4level]=loongarch64-unknown-elf)
section_size() {  # <elf> <section>: its size in bytes (readelf reads every ELF machine)
    local hex
    hex=$(readelf -SW "$1" | awk -v s="$2" '{ for (i = 1; i <= NF; ++i) if ($i == s) { print $(i + 4); exit } }')
    echo $((16#${hex:-0}))
}
status=0
for layout in "$layouts"/*.toml; do
    format=$(basename "$layout" .toml)
    out="$work/$format"
    before=$status
    status=0
    "$gen" "$layout" -o "$out" >/dev/null
    bytes=$(stat -c %s "$out/ptgen_boot.bin")
    # assembly: assemble for the target, link with the fragment
    clang-22 --target="${target[$format]}" -c "$out/ptgen_boot.S" -o "$out/tables.o"
    printf 'ENTRY(ptgen_boot_tables)\nSECTIONS { . = 0x1000; .text : { *(.text) } .rodata : { *(.rodata) } }\nINCLUDE ptgen_boot.ld\n' > "$out/link.ld"
    (cd "$out" && ld.lld-22 -T link.ld tables.o -o tables.elf)
    [[ "$(section_size "$out/tables.elf" .ptgen.boot)" == "$bytes" ]] || { echo "FAIL $format: .S section size"; status=1; }
    # the linked section holds exactly the binary's bytes
    (cd "$out" &&
        llvm-objcopy-22 -O binary --only-section=.ptgen.boot tables.elf from-elf.bin)
    cmp -s "$out/from-elf.bin" "$out/ptgen_boot.bin" || { echo "FAIL $format: .S bytes != .bin"; status=1; }
    # C header: C11, every warning an error
    printf '#define PTGEN_BOOT_IMPLEMENTATION\n#include "ptgen_boot.h"\nunsigned long long first(void) { return ptgen_boot_tables[0] + PTGEN_BOOT_ROOT; }\n' > "$out/use.c"
    gcc -std=c11 -Wall -Wextra -Werror -c "$out/use.c" -I"$out" -o "$out/use.o"
    [[ "$(section_size "$out/use.o" .ptgen.boot)" == "$bytes" ]] || { echo "FAIL $format: .h section size"; status=1; }
    # Rust: type-checks as no_std
    if command -v rustc >/dev/null; then
        printf '#![no_std]\n#![allow(dead_code)]\ninclude!("ptgen_boot.rs");\n' > "$out/lib.rs"
        rustc --edition=2021 --crate-type=lib --emit=metadata -o "$out/lib.rmeta" "$out/lib.rs"
    else
        echo "rustc not installed: Rust source not checked"
    fi
    [[ $status == 0 ]] && echo "ok $format: $bytes bytes (.S linked with the fragment, .h, .rs, .bin agree)"
    status=$((status | before))
done
exit $status
