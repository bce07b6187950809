#include "common.hpp"
constexpr ptgen::boot::layout<F> layout{.table_base = 0x8040'0000, .regions = {
    ptgen::boot::identity(0x8000'0000, 1_GiB, ptgen::rw, "ram")}};
constexpr auto image = ptgen::boot::build<layout>();
static_assert(ptgen::translate(image, 0x4000'0000)->pa == 0x4000'0000);
