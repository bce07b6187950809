// examples/common/probes.hpp: one access that may fault, and whether it did as expected (the
// trap handler records the fault in kernel::last_fault and skips the access).
#pragma once

#include <cstdint>

#include "arch.hpp"

namespace kernel {

inline void arm_probe() {
    last_fault.taken = false;
    last_fault.armed = true;
    asm volatile("" ::: "memory");
}

// A probe that must fault: kind and address as expected.
inline bool faulted(access kind, std::uint64_t addr) {
    return last_fault.taken && last_fault.kind == kind && last_fault.addr == addr;
}

inline bool load_ok(std::uint64_t va, std::uint64_t expected) {
    std::uint64_t v = ~expected;
    arm_probe();
    const bool ok = arch::load(va, v);
    last_fault.armed = false;
    return ok && v == expected;
}
inline bool store_ok(std::uint64_t va, std::uint64_t value) {
    arm_probe();
    const bool ok = arch::store(va, value);
    last_fault.armed = false;
    return ok;
}
inline bool load_faults(std::uint64_t va) {
    std::uint64_t v = 0;
    arm_probe();
    const bool ok = arch::load(va, v);
    last_fault.armed = false;
    return !ok && faulted(access::read, va);
}
inline bool store_faults(std::uint64_t va, std::uint64_t value) {
    arm_probe();
    const bool ok = arch::store(va, value);
    last_fault.armed = false;
    return !ok && faulted(access::write, va);
}
inline bool execute_ok(std::uint64_t va) {
    arm_probe();
    const bool ok = arch::execute(va);
    last_fault.armed = false;
    return ok;
}
inline bool execute_faults(std::uint64_t va) {
    arm_probe();
    const bool ok = arch::execute(va);
    last_fault.armed = false;
    return !ok && faulted(access::fetch, va);
}

}  // namespace kernel
