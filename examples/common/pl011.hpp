// examples/common/pl011.hpp: output through the PL011 UART of QEMU's Arm virt machines
// (PrimeCell UART (PL011) Technical Reference Manual: UARTDR at 0x000, UARTFR.TXFF bit 5 at 0x018).
#pragma once

#include <cstdint>

namespace kernel {

inline void pl011_putc(std::uintptr_t base, char c) {
    auto* uart = reinterpret_cast<volatile std::uint32_t*>(base);
    while (uart[0x18 / 4] & (1u << 5)) {  // UARTFR.TXFF
    }
    uart[0] = std::uint8_t(c);
}

}  // namespace kernel
