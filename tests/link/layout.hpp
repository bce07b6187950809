// The layout of the link test: RISC-V Sv39 tables linked at 0x8040'0000.
#pragma once
#include <ptgen/boot.hpp>

namespace link_test {
using namespace ptgen::literals;
inline constexpr ptgen::boot::layout<ptgen::riscv::sv39> layout{
    .table_base = 0x8040'0000,
    .regions = {ptgen::boot::identity(0x8000'0000, 64_MiB, ptgen::rw, "ram"),
                ptgen::boot::device_window(0x1000'0000, 4_KiB, "uart")}};
inline constexpr auto image = ptgen::boot::build<layout>();
}  // namespace link_test
