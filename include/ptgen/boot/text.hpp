// ptgen/boot/text.hpp: short strings built in constant expressions (linker-script lines,
// diagnostics).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ptgen::boot {

// A short NUL-terminated string built in a constant expression.
template <std::size_t N>
struct fixed_text {
    std::array<char, N> text{};
    std::size_t length = 0;
    constexpr void append(const char* s) {
        while (*s && length + 1 < N) text[length++] = *s++;
    }
    constexpr void append_hex(std::uint64_t v) {
        append("0x");
        int shift = 60;
        while (shift > 0 && ((v >> shift) & 0xf) == 0) shift -= 4;
        for (; shift >= 0; shift -= 4) {
            const char digit[] = "0123456789abcdef";
            const char c[2] = {digit[(v >> shift) & 0xf], 0};
            append(c);
        }
    }
    constexpr const char* c_str() const { return text.data(); }
    constexpr const char* data() const { return text.data(); }
    constexpr std::size_t size() const { return length; }
};

}  // namespace ptgen::boot
