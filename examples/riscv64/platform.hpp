// examples/riscv64/platform.hpp: what the RISC-V kernels (kernel.cpp, smp_kernel.cpp) share
// about QEMU virt: RAM, the 16550 UART and the sifive_test exit device.
#pragma once

#include <cstdint>

#include "../common/arch.hpp"

namespace platform {

inline constexpr std::uint64_t ram_base = 0x8000'0000;    // -bios none starts here
inline constexpr std::uint64_t ram_size = 128ull << 20;   // qemu -m 128M
inline constexpr std::uint64_t uart_base = 0x1000'0000;  // 16550
inline constexpr std::uint64_t test_device = 0x10'0000;  // sifive_test: exit

}  // namespace platform

namespace arch {

void putc(char c) {
    auto* uart = reinterpret_cast<volatile std::uint8_t*>(std::uintptr_t(platform::uart_base));
    while ((uart[5] & 0x20) == 0) {  // LSR.THRE
    }
    uart[0] = std::uint8_t(c);
}

void exit(bool pass, unsigned code) {
    // sifive_test: 0x5555 = pass (QEMU exits 0), (code << 16) | 0x3333 = fail (QEMU exits code).
    auto* dev = reinterpret_cast<volatile std::uint32_t*>(std::uintptr_t(platform::test_device));
    *dev = pass ? 0x5555u : (((code ? code : 1) << 16) | 0x3333u);
    for (;;) asm volatile("wfi");
}

}  // namespace arch
