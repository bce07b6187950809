// A typical boot layout: 1 GiB of RAM identity-mapped with huge pages, a 64 MiB kernel in
// 4 KiB pages, a device window, for RISC-V Sv39. With -DBASELINE the same TU without the build.
#include <ptgen/boot.hpp>

using namespace ptgen;
#ifndef BASELINE
constexpr boot::layout<riscv::sv39> lay{
    .table_base = 0x8040'0000,
    .regions = {boot::identity(0x8000'0000, 1_GiB, rw | global, "ram"),
                boot::linear(0xffff'ffff'8000'0000, 0x8020'0000, 64_MiB, rx | global, "kernel")
                    .small_pages(),
                boot::device_window(0x1000'0000, 4_KiB, "uart")}};
constexpr auto image = boot::build<lay>();
PTGEN_BOOT_TABLES(boot_tables, image);
static_assert(ptgen::boot::verify(image, lay));
#endif
int main() { return 0; }
