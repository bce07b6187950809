// static_assert on the translation of an address the image does not map: the diagnostic says
// the result holds not_mapped (clang in its note; g++ in the error after "non-constant condition").
#include <ptgen/boot.hpp>
using namespace ptgen;
// expect-error-count: any
// expect-anywhere: result_has_no_value_it_holds_not_mapped
constexpr boot::layout<riscv::sv39> lay{
    .table_base = 0x8040'0000,
    .regions = {boot::identity(0x8000'0000, 1_GiB, rw, "ram")}};
constexpr auto image = boot::build<lay>();
static_assert(translate(image, 0x4000'0000)->pa == 0x4000'0000);
int main() {}
