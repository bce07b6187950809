// A layout that breaks one rule must not compile, and the diagnostic names the region.
#include <ptgen/boot.hpp>
using namespace ptgen;
// One error, whose first line names the rule and the region(s), on g++ and clang.
// expect-error: non.canonical.virtual.address
// expect-error: "high"
constexpr boot::layout<riscv::sv48> lay{
    .table_base = 0x8040'0000,
    .regions = {
        boot::linear(0x0000'8000'0000'0000, 0x8000'0000, 2_MiB, rw, "high"),
    }};
constexpr auto image = boot::build<lay>();
int main() { return int(image.bytes); }
