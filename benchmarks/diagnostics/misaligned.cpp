#include "common.hpp"
constexpr ptgen::boot::layout<F> layout{.table_base = 0x8040'0000, .regions = {
    ptgen::boot::identity(0x8000'0800, 1_MiB, ptgen::rw, "ram")}};
constexpr auto image = ptgen::boot::build<layout>();
