// A layout that breaks one rule must not compile, and the diagnostic names the region.
#include <ptgen/boot.hpp>
using namespace ptgen;
// One error, whose first line names the rule and the region(s), on g++ and clang.
// expect-error: writable.and.executable.without
// expect-error: "text"
constexpr boot::layout<aarch64::stage1_4k_el1> lay{
    .table_base = 0x4008'0000,
    .regions = {
        boot::identity(0x4000'0000, 2_MiB, rwx, "text"),
    }};
constexpr auto image = boot::build<lay>();
int main() { return int(image.bytes); }
