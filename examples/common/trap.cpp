// examples/common/trap.cpp: the architecture-independent half of the trap handlers.
#include "arch.hpp"
#include "console.hpp"

namespace kernel {

constinit fault_record last_fault{};

void trap_taken(access kind, std::uint64_t addr, std::uint64_t cause, std::uint64_t pc) {
    if (!last_fault.armed) {
        print("unexpected trap: cause ");
        print_hex(cause);
        print(" address ");
        print_hex(addr);
        print(" pc ");
        print_hex(pc);
        print("\nptgen-kernel: FAIL\n");
        arch::exit(false, 3);
    }
    last_fault.armed = false;
    last_fault.taken = true;
    last_fault.kind = kind;
    last_fault.addr = addr;
    last_fault.cause = cause;
    last_fault.pc = pc;
}

}  // namespace kernel
