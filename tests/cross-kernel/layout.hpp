// The boot layout of the cross kernel (QEMU virt, RISC-V Sv39): RAM identity-mapped (the kernel
// runs there), the first 8 MiB of RAM again in the higher half (the boot tables' link address
// is there), the UART and the exit device. Included by the kernel and by the host program of
// ptgen_boot_linker_fragment: nothing but ptgen in it.
#pragma once
#include <ptgen/boot.hpp>

namespace cross_kernel {
using namespace ptgen::literals;
inline constexpr ptgen::paddr ram = 0x8000'0000;
inline constexpr ptgen::vaddr kernel_half = 0xffff'ffff'8000'0000;
inline constexpr ptgen::paddr uart = 0x1000'0000;
inline constexpr ptgen::paddr exit_device = 0x10'0000;  // sifive_test
inline constexpr ptgen::boot::layout<ptgen::riscv::sv39> layout{
    .table_base = 0x8040'0000,
    .regions = {
        ptgen::boot::identity(ram, 128_MiB, ptgen::rwx, "ram").writable_and_executable(),
        ptgen::boot::linear(kernel_half, ram, 8_MiB, ptgen::rw | ptgen::global, "kernel half"),
        ptgen::boot::device_window(uart, 4_KiB, "uart"),
        ptgen::boot::device_window(exit_device, 4_KiB, "exit")}};
inline constexpr auto image = ptgen::boot::build<layout>();
inline constexpr ptgen::vaddr tables_link_address = kernel_half + (layout.table_base - ram);
static_assert(ptgen::boot::verify(image, layout));
static_assert(ptgen::translate(image, tables_link_address)->pa == layout.table_base);
}  // namespace cross_kernel
