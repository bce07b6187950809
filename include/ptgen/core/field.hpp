// ptgen/core/field.hpp: the bits of an entry or register, each declared once by its position
// as the manual's descriptor figure gives it (bits Hi down to Lo), so that a codec reads like
// the figure. Everything works in constant expressions.
//
//   using PPN = field<53, 10>;                  // RISC-V PTE, bits 53:10
//   inline constexpr std::uint64_t V = bit<0>;  // one-bit fields are plain masks
//   e = PPN::encode(pa >> 12) | V;  pa = PPN::get(e) << 12;
//
// encode() of a value wider than the field is a compile error in a constant expression (the
// call to field_value_too_wide below is not constexpr) and keeps the low bits at run time, as
// the hardware does when it ignores what lies beyond a field.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

namespace ptgen {

// The value given to field<Hi, Lo>::encode does not fit in Hi - Lo + 1 bits.
inline void field_value_too_wide() noexcept {}

template <unsigned N, std::unsigned_integral T = std::uint64_t>
    requires(N < sizeof(T) * 8)
inline constexpr T bit = T{1} << N;

template <unsigned Hi, unsigned Lo, std::unsigned_integral T = std::uint64_t>
    requires(Lo <= Hi && Hi < sizeof(T) * 8)
struct field {
    using value_type = T;
    static constexpr unsigned hi = Hi;
    static constexpr unsigned lo = Lo;  // also the shift of the field
    static constexpr unsigned width = Hi - Lo + 1;
    static constexpr T max = width == sizeof(T) * 8 ? T(~T{0}) : T((T{1} << width) - 1);
    static constexpr T mask = T(max << Lo);  // the field in place

    // The field holding `value` (the other bits 0).
    static constexpr T encode(std::uint64_t value) noexcept {
        if (std::is_constant_evaluated() && value > max) field_value_too_wide();
        return T((T(value) & max) << Lo);
    }
    // The field's value, shifted down.
    static constexpr T get(T entry) noexcept { return T((entry >> Lo) & max); }
    // `entry` with the field replaced by `value`.
    static constexpr T set(T entry, std::uint64_t value) noexcept {
        return T((entry & T(~mask)) | encode(value));
    }
};

}  // namespace ptgen
