// A layout that breaks one rule must not compile, and the diagnostic names the region.
#include <ptgen/boot.hpp>
using namespace ptgen;
// One error, whose first line names the rule and the region(s), on g++ and clang.
// expect-error: overlaps.in.virtual.space
// expect-error: "kernel"
// expect-error: "ram"
constexpr boot::layout<riscv::sv39> lay{
    .table_base = 0x8040'0000,
    .regions = {
        boot::identity(0x8000'0000, 1_GiB, rw, "ram"),
        boot::linear(0x8010'0000, 0x9000'0000, 2_MiB, rx, "kernel"),
    }};
constexpr auto image = boot::build<lay>();
int main() { return int(image.bytes); }
