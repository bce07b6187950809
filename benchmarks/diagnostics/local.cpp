#include "common.hpp"
void kernel_main() {
    constexpr ptgen::boot::layout<F> layout{.table_base = 0x8040'0000, .regions = {
        ptgen::boot::identity(0x8000'0000, 1_GiB, ptgen::rw, "ram")}};
    constexpr auto image = ptgen::boot::build<layout>();
    (void)image;
}
