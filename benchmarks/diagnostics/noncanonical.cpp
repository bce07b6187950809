#include "common.hpp"
constexpr ptgen::boot::layout<F> layout{.table_base = 0x8040'0000, .regions = {
    ptgen::boot::linear(0x0000'8000'0000'0000, 0x8000'0000, 2_MiB, ptgen::rw, "kernel")}};
constexpr auto image = ptgen::boot::build<layout>();
