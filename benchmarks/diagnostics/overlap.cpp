#include "common.hpp"
constexpr ptgen::boot::layout<F> layout{.table_base = 0x8040'0000, .regions = {
    ptgen::boot::identity(0x8000'0000, 1_GiB, ptgen::rw, "ram"),
    ptgen::boot::identity(0x8020'0000, 2_MiB, ptgen::rx, "kernel")}};
constexpr auto image = ptgen::boot::build<layout>();
