// A layout that breaks one rule must not compile, and the diagnostic names the region.
#include <ptgen/boot.hpp>
using namespace ptgen;
// One error, whose first line names the rule and the region(s), on g++ and clang.
// expect-error: table.base.is.not.aligned.for.the.root.table
constexpr boot::layout<arm::short_descriptor> lay{
    .table_base = 0x4000'1000,
    .regions = {
        boot::identity(0x4000'0000, 1_MiB, rw, "ram"),
    }};
constexpr auto image = boot::build<lay>();
int main() { return int(image.bytes); }
