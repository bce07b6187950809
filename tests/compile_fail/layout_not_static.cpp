// build<L>() of a layout inside a function (no static storage duration) says what to change.
#include <ptgen/boot.hpp>
using namespace ptgen;
// expect-error: needs a layout L with static storage duration
int main() {
    constexpr boot::layout<riscv::sv39> lay{
        .table_base = 0x8040'0000,
        .regions = {boot::identity(0x8000'0000, 1_GiB, rw, "ram")}};
    constexpr auto image = boot::build<lay>();
    return int(image.bytes);
}
