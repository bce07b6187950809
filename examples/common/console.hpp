// examples/common/console.hpp: printing for the test kernels (UART through arch::putc).
#pragma once

#include <cstdint>

#include "arch.hpp"

namespace kernel {

inline void print(const char* s) {
    while (*s) {
        if (*s == '\n') arch::putc('\r');
        arch::putc(*s++);
    }
}

inline void print_hex(std::uint64_t v) {
    print("0x");
    int shift = 60;
    while (shift > 0 && ((v >> shift) & 0xf) == 0) shift -= 4;
    for (; shift >= 0; shift -= 4) arch::putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

inline void print_dec(std::uint64_t v) {
    char buf[24];
    int n = 0;
    do {
        buf[n++] = char('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) arch::putc(buf[--n]);
}

// print("a", x, "b") for strings and integers.
inline void print_one(const char* s) { print(s); }
inline void print_one(std::uint64_t v) { print_dec(v); }
inline void print_one(std::uint32_t v) { print_dec(v); }
inline void print_one(int v) {
    if (v < 0) {
        arch::putc('-');
        print_dec(std::uint64_t(-std::int64_t(v)));
    } else {
        print_dec(std::uint64_t(v));
    }
}
struct hex {
    std::uint64_t v;
};
inline void print_one(hex h) { print_hex(h.v); }

template <class... T>
void println(const T&... parts) {
    (print_one(parts), ...);
    print("\n");
}

}  // namespace kernel
