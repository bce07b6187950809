// A constant too wide for its field does not compile, and the diagnostic says why.
#include <ptgen/core/field.hpp>
using namespace ptgen;
using mode = field<63, 60>;  // satp.MODE: 4 bits
// One error, on g++ and clang, naming field_value_too_wide.
// expect-error: field_value_too_wide
constexpr std::uint64_t satp_mode = mode::encode(16);
int main() { return int(satp_mode >> 60); }
