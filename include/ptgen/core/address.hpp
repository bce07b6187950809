// ptgen/core/address.hpp: address types, sizes and alignment arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptgen {

using vaddr = std::uint64_t;  // virtual address (32-bit formats use the low half)
using paddr = std::uint64_t;  // physical address

inline namespace literals {
constexpr std::uint64_t operator""_KiB(unsigned long long n) { return n << 10; }
constexpr std::uint64_t operator""_MiB(unsigned long long n) { return n << 20; }
constexpr std::uint64_t operator""_GiB(unsigned long long n) { return n << 30; }
constexpr std::uint64_t operator""_TiB(unsigned long long n) { return n << 40; }
}  // namespace literals

constexpr bool is_aligned(std::uint64_t x, std::uint64_t align) noexcept {
    return (x & (align - 1)) == 0;
}
constexpr std::uint64_t align_down(std::uint64_t x, std::uint64_t align) noexcept {
    return x & ~(align - 1);
}
constexpr std::uint64_t low_mask(unsigned bits) noexcept {
    return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

// Sign-extension canonical form (x86-64, RISC-V, LoongArch, AArch64 with one table per half):
// bits [63 : va_bits-1] all equal.
constexpr bool is_sign_extended(vaddr va, unsigned va_bits) noexcept {
    if (va_bits >= 64) return true;
    const std::uint64_t top = va >> (va_bits - 1);
    return top == 0 || top == (~std::uint64_t{0} >> (va_bits - 1));
}

}  // namespace ptgen
