// examples/common/arch.hpp: what each test kernel's architecture code provides to the common
// code (console, exit, probes that survive a fault, the instruction counter).
#pragma once

#include <cstdint>

namespace kernel {

// What a fault was, as the architecture reports it.
enum class access : unsigned char { read, write, fetch, other };

// The last fault taken while a probe was armed.
struct fault_record {
    bool armed;
    bool taken;
    access kind;
    std::uint64_t addr;   // faulting address (stval, FAR, CR2, BADV, DFAR/IFAR)
    std::uint64_t cause;  // the architecture's raw cause (scause, ESR, error code, ESTAT, FSR)
    std::uint64_t pc;
};
extern constinit fault_record last_fault;

// Called by the architecture's trap handler. Returns when the fault was expected (a probe was
// armed); otherwise prints the trap and ends the run as a failure.
void trap_taken(access kind, std::uint64_t addr, std::uint64_t cause, std::uint64_t pc);

}  // namespace kernel

namespace arch {

void putc(char c);
[[noreturn]] void exit(bool pass, unsigned code);

// Probes: one access with a single fixed instruction; false when it faulted (the trap handler
// recorded the fault in kernel::last_fault and skipped the instruction).
bool load(std::uint64_t va, std::uint64_t& value);
bool store(std::uint64_t va, std::uint64_t value);
// Calls the code at va (a return instruction); false when the fetch faulted (the trap handler
// returned to the caller).
bool execute(std::uint64_t va);
// Writes a return instruction at the (identity-mapped) address pa and makes it visible to
// instruction fetch.
void write_return_instruction(std::uint64_t pa);

// The guest's instruction counter, and what it is.
std::uint64_t instructions();
extern const char* const counter_name;

// The root register(s) as the CPU holds them now, printed as "name = value" lines; true when
// they hold the values of the compile-time image.
bool print_and_check_root_registers();

}  // namespace arch
