// examples/aarch64/platform.hpp: what the AArch64 kernels (kernel.cpp, smp_kernel.cpp) share
// about QEMU virt: the PL011 UART, the exit through semihosting, system register access.
#pragma once

#include <cstdint>

#include "../common/arch.hpp"
#include "../common/pl011.hpp"

#define PTGEN_SYSREG_READ(reg)                          \
    [] {                                                \
        std::uint64_t v_;                               \
        asm volatile("mrs %0, " #reg : "=r"(v_));       \
        return v_;                                      \
    }()
#define PTGEN_SYSREG_WRITE(reg, value) \
    asm volatile("msr " #reg ", %0" : : "r"(std::uint64_t(value)) : "memory")

namespace platform {

inline constexpr std::uint64_t uart_base = 0x0900'0000;  // PL011

// Semihosting (Arm "Semihosting for AArch32 and AArch64"): HLT #0xF000, W0 = operation, X1 =
// parameter block. SYS_EXIT_EXTENDED (0x20) {ADP_Stopped_ApplicationExit, code}: QEMU exits
// with `code`.
[[noreturn]] inline void semihosting_exit(std::uint64_t code) {
    static std::uint64_t block[2];
    block[0] = 0x20026;
    block[1] = code;
    register std::uint64_t x0 asm("x0") = 0x20;
    register std::uint64_t x1 asm("x1") = std::uint64_t(std::uintptr_t(block));
    asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    for (;;) asm volatile("wfe");
}

// Translation on at EL1 with an image's registers (MAIR, TCR, both TTBRs, then SCTLR.M and
// the bits the format asks for), and the vectors.
template <class Registers>
void mmu_on_el1(const Registers& regs, const void* vectors) {
    PTGEN_SYSREG_WRITE(mair_el1, regs.mair_el1);
    PTGEN_SYSREG_WRITE(tcr_el1, regs.tcr_el1);
    PTGEN_SYSREG_WRITE(ttbr0_el1, regs.ttbr0_el1);
    PTGEN_SYSREG_WRITE(ttbr1_el1, regs.ttbr1_el1);
    asm volatile("isb\n\ttlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
    PTGEN_SYSREG_WRITE(sctlr_el1, (PTGEN_SYSREG_READ(sctlr_el1) | regs.sctlr_el1_set) & ~regs.sctlr_el1_clear);
    asm volatile("isb" ::: "memory");
    PTGEN_SYSREG_WRITE(vbar_el1, std::uintptr_t(vectors));
}

}  // namespace platform

namespace arch {

void putc(char c) { kernel::pl011_putc(platform::uart_base, c); }
void exit(bool pass, unsigned code) { platform::semihosting_exit(pass ? 0 : (code ? code : 1)); }

}  // namespace arch
