// Uses an installed ptgen through find_package(ptgen) and ptgen::ptgen.
#include <ptgen/ptgen.hpp>

#include <cstdio>

static_assert(ptgen::has(ptgen::rwx, ptgen::flags::write));
static_assert(!ptgen::has(ptgen::rx, ptgen::flags::write));
static_assert((ptgen::rw | ptgen::flags::execute) == ptgen::rwx);

int main() {
    // Not a constant expression: the compiled code path works too.
    volatile unsigned bits = unsigned(ptgen::rw | ptgen::flags::user);
    ptgen::flags f = ptgen::flags(bits);
    if (!ptgen::has(f, ptgen::flags::user) || ptgen::has(f, ptgen::flags::execute)) {
        std::puts("ptgen consumer: FAILED");
        return 1;
    }
    std::puts("ptgen consumer: ok");
    return 0;
}
