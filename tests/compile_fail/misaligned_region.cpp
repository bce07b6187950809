// A layout that breaks one rule must not compile, and the diagnostic names the region.
#include <ptgen/boot.hpp>
using namespace ptgen;
// One error, whose first line names the rule and the region(s), on g++ and clang.
// expect-error: not.page.aligned
// expect-error: "uart"
constexpr boot::layout<x86_64::long_mode_4level> lay{
    .table_base = 0x20'0000,
    .regions = {
        boot::identity(0x8000'0000, 1_GiB, rw, "ram"),
        boot::device_window(0x1000'0800, 4_KiB, "uart"),
    }};
constexpr auto image = boot::build<lay>();
int main() { return int(image.bytes); }
