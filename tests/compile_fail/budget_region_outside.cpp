// A table budget over a region the format cannot map must not compile, and the diagnostic
// names the rule.
#include <ptgen/ptgen.hpp>
using namespace ptgen;
// expect-error: ptgen table budget: a region is empty, wraps, or lies outside
constexpr std::array regions{va_region{0x40'0000'0000, 4096}};  // bit 38 alone: not canonical
constexpr auto budget = worst_case_tables<riscv::sv39, regions>();
int main() { return int(budget.total); }
