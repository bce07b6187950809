// A layout that breaks one rule must not compile, and the diagnostic names the region.
#include <ptgen/boot.hpp>
using namespace ptgen;
// One error, whose first line names the rule and the region(s), on g++ and clang.
// expect-error: physical.address.too.wide
// expect-error: "highmem"
constexpr boot::layout<arm::short_descriptor> lay{
    .table_base = 0x4000'0000,
    .regions = {
        boot::linear(0xc000'0000, 0x1'0000'0000, 1_MiB, rw, "highmem"),
    }};
constexpr auto image = boot::build<lay>();
int main() { return int(image.bytes); }
