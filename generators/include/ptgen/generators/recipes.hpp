// ptgen/generators/recipes.hpp: constexpr layout recipes that kernels would otherwise write
// by hand, for every format: identity map of RAM with the largest pages, a higher-half kernel
// image with 4 KiB W^X sections, a direct map of all RAM at the architecture's usual kernel
// offset, and device windows.
#pragma once

#include <array>
#include <cstdint>

#include <ptgen/arch/aarch64.hpp>
#include <ptgen/arch/arm.hpp>
#include <ptgen/arch/arm_lpae.hpp>
#include <ptgen/arch/loongarch64.hpp>
#include <ptgen/arch/riscv.hpp>
#include <ptgen/arch/x86_32.hpp>
#include <ptgen/arch/x86_64.hpp>
#include <ptgen/boot/layout.hpp>

namespace ptgen::recipes {

// Where kernels of each architecture usually put their direct map and their image.
template <class F>
struct usual_addresses;
template <>
struct usual_addresses<x86_64::long_mode_4level> {  // Linux: page_offset_base, __START_KERNEL_map
    static constexpr vaddr direct_map = 0xffff'8880'0000'0000;
    static constexpr vaddr kernel_image = 0xffff'ffff'8000'0000;
};
template <>
struct usual_addresses<x86_64::long_mode_5level> {  // Linux with LA57: page_offset_base
    static constexpr vaddr direct_map = 0xff11'0000'0000'0000;
    static constexpr vaddr kernel_image = 0xffff'ffff'8000'0000;
};
// AArch64 EL1: Linux's PAGE_OFFSET (the start of the TTBR1 range) and KIMAGE_VADDR (its upper
// half): 0xffff'0000'0000'0000 and 0xffff'8000'0000'0000 with 48 bits.
template <unsigned G, unsigned VA, unsigned PA>
struct usual_addresses<aarch64::stage1_el1<G, VA, PA>> {
    static constexpr vaddr direct_map = ~low_mask(VA);
    static constexpr vaddr kernel_image = direct_map + (vaddr{1} << (VA - 1));
};
// AArch64 EL2 without VHE: one low range; the same places in its upper half (0x0000'8000'0000'0000
// and 0x0000'c000'0000'0000 with 48 bits).
template <unsigned G, unsigned VA, unsigned PA>
struct usual_addresses<aarch64::stage1_el2<G, VA, PA>> {
    static constexpr vaddr direct_map = vaddr{1} << (VA - 1);
    static constexpr vaddr kernel_image = direct_map + (vaddr{1} << (VA - 2));
};
template <>
struct usual_addresses<arm::short_descriptor> {  // Linux 3G/1G split: PAGE_OFFSET; image above
    static constexpr vaddr direct_map = 0xc000'0000;
    static constexpr vaddr kernel_image = 0xf000'0000;
};
template <>
struct usual_addresses<arm::long_descriptor> : usual_addresses<arm::short_descriptor> {};
// i386, 32-bit and PAE paging: Linux's 3G/1G split (PAGE_OFFSET); Linux links its image inside
// the direct map, here it gets a place of its own above it so that the recipes combine.
template <>
struct usual_addresses<x86_32::two_level> {
    static constexpr vaddr direct_map = 0xc000'0000;
    static constexpr vaddr kernel_image = 0xf000'0000;
};
template <>
struct usual_addresses<x86_32::pae> : usual_addresses<x86_32::two_level> {};
template <>
struct usual_addresses<riscv::sv32> {  // Linux rv32: PAGE_OFFSET; the image above it
    static constexpr vaddr direct_map = 0xc000'0000;
    static constexpr vaddr kernel_image = 0xf000'0000;
};
template <>
struct usual_addresses<riscv::sv39> {  // Linux: PAGE_OFFSET (sv39), KERNEL_LINK_ADDR
    static constexpr vaddr direct_map = 0xffff'ffd8'0000'0000;
    static constexpr vaddr kernel_image = 0xffff'ffff'8000'0000;
};
template <>
struct usual_addresses<riscv::sv48> {  // Linux: PAGE_OFFSET (sv48), KERNEL_LINK_ADDR
    static constexpr vaddr direct_map = 0xffff'af80'0000'0000;
    static constexpr vaddr kernel_image = 0xffff'ffff'8000'0000;
};
template <>
struct usual_addresses<riscv::sv57> {  // Linux: PAGE_OFFSET (sv57), KERNEL_LINK_ADDR
    static constexpr vaddr direct_map = 0xff60'0000'0000'0000;
    static constexpr vaddr kernel_image = 0xffff'ffff'8000'0000;
};
template <unsigned L, unsigned M>  // with Svpbmt: as without
struct usual_addresses<riscv::sv_format<L, M, true>> : usual_addresses<riscv::sv_format<L, M>> {};
template <unsigned L, unsigned M, bool Svpbmt>  // with Svnapot: as without
struct usual_addresses<riscv::sv_format<L, M, Svpbmt, true>> : usual_addresses<riscv::sv_format<L, M>> {};
template <>
struct usual_addresses<loongarch64::la64_4level> {  // the mapped (not DMW) kernel half
    static constexpr vaddr direct_map = 0xffff'8000'0000'0000;
    static constexpr vaddr kernel_image = 0xffff'ffff'8000'0000;
};

// RAM mapped at its own address, with the largest pages the format allows.
constexpr boot::region identity_ram(paddr base, std::uint64_t size, flags f = rw | global) {
    return boot::identity(base, size, f, "identity RAM");
}

// All RAM at the architecture's usual direct-map offset: va = direct_map + (pa - ram_base).
template <class F>
constexpr boot::region direct_map(paddr ram_base, std::uint64_t ram_size, flags f = rw | global) {
    return boot::linear(usual_addresses<F>::direct_map, ram_base, ram_size, f, "direct map");
}

// Physical addresses of a kernel image's sections, as its linker script lays them out
// (4 KiB aligned): [text, rodata) code, [rodata, data) read-only data, [data, end) data+bss.
struct kernel_sections {
    paddr text, rodata, data, end;
};

// The kernel image at the usual higher-half address, in 4 KiB pages so that each section
// gets its own permissions (W^X): text rx, rodata r, data rw; all global.
template <class F>
constexpr std::array<boot::region, 3> kernel_image(const kernel_sections& s,
                                                   vaddr base = usual_addresses<F>::kernel_image) {
    auto va = [&](paddr pa) { return base + (pa - s.text); };
    return {boot::linear(va(s.text), s.text, s.rodata - s.text, rx | global, "kernel text")
                .small_pages(),
            boot::linear(va(s.rodata), s.rodata, s.data - s.rodata, r | global, "kernel rodata")
                .small_pages(),
            boot::linear(va(s.data), s.data, s.end - s.data, rw | global, "kernel data")
                .small_pages()};
}

// An MMIO window: device memory, read-write, never executable.
constexpr boot::region device(paddr pa, std::uint64_t size, const char* name = "device") {
    return boot::device_window(pa, size, name);
}

// The typical boot layout: identity RAM (huge pages), the kernel image in the high half in
// 4 KiB W^X pages, the direct map, and one device window.
template <class F>
constexpr boot::layout<F> typical_layout(paddr table_base, paddr ram_base, std::uint64_t ram_size,
                                         const kernel_sections& kernel, paddr mmio,
                                         std::uint64_t mmio_size) {
    const auto image = kernel_image<F>(kernel);
    return boot::layout<F>{
        .table_base = table_base,
        .regions = {identity_ram(ram_base, ram_size), image[0], image[1], image[2],
                    direct_map<F>(ram_base, ram_size), device(mmio, mmio_size, "uart")}};
}

}  // namespace ptgen::recipes
