// The checks a kernel writes after build<L>() add no errors of their own to the layout's one.
#include <ptgen/boot.hpp>
using namespace ptgen;
// expect-error: overlaps.in.virtual.space
// expect-error: "uart"
constexpr boot::layout<riscv::sv39> lay{
    .table_base = 0x8040'0000,
    .regions = {boot::identity(0x8000'0000, 1_GiB, rw, "ram"),
                boot::device_window(0x8000'0000, 4_KiB, "uart")}};
constexpr auto image = boot::build<lay>();
static_assert(boot::verify(image, lay));
static_assert(translate(image, 0x8000'1234)->pa == 0x8000'1234);
static_assert(translate(image, 0x8000'1234)->flags == rw);
PTGEN_BOOT_TABLES(boot_tables, image);
int main() { return int(image.registers().satp & 1) + int(boot_tables.size()); }
