// ptgen/core/flags.hpp: the seed's MappingFlags, as a bit-mask enum.
#pragma once

#include <cstdint>

namespace ptgen {

enum class flags : std::uint8_t {
    none = 0,
    read = 1u << 0,
    write = 1u << 1,
    execute = 1u << 2,
    user = 1u << 3,      // accessible from the least privileged level (EL0, U-mode, ring 3, PLV3)
    device = 1u << 4,    // device memory (strongly ordered / uncached, no speculation)
    uncached = 1u << 5,  // normal memory, not cached
    global = 1u << 6,    // translation shared by all address spaces (not tagged by ASID/PCID)
};

constexpr flags operator|(flags a, flags b) noexcept {
    return flags(std::uint8_t(a) | std::uint8_t(b));
}
constexpr flags operator&(flags a, flags b) noexcept {
    return flags(std::uint8_t(a) & std::uint8_t(b));
}
constexpr flags operator~(flags a) noexcept { return flags(~std::uint8_t(a) & 0x7f); }
constexpr flags& operator|=(flags& a, flags b) noexcept { return a = a | b; }
constexpr flags& operator&=(flags& a, flags b) noexcept { return a = a & b; }

// True when every flag of `wanted` is in `f`.
constexpr bool has(flags f, flags wanted) noexcept { return (f & wanted) == wanted; }
constexpr bool any(flags f) noexcept { return f != flags::none; }

inline constexpr flags all_flag_bits = flags(0x7f);
inline constexpr flags permission_bits = flags::read | flags::write | flags::execute;

// Short names for layouts: ptgen::rw | ptgen::global ...
inline constexpr flags r = flags::read;
inline constexpr flags rw = flags::read | flags::write;
inline constexpr flags rx = flags::read | flags::execute;
inline constexpr flags rwx = flags::read | flags::write | flags::execute;
inline constexpr flags global = flags::global;
inline constexpr flags user = flags::user;
inline constexpr flags device = flags::device;
inline constexpr flags uncached = flags::uncached;
// No access at all (mprotect(PROT_NONE), page-out bookkeeping, guard regions): a leaf that keeps
// its frame, its size and the other attributes, in an encoding every access faults on (each
// format's header says which). query() reports it with no permission bit: grants_access()
// tells the two kinds of leaf apart.
inline constexpr flags no_access = flags::none;

constexpr bool grants_access(flags f) noexcept { return any(f & permission_bits); }

// The common rule every format applies before encoding a leaf: one memory type at most. (An
// empty permission set is a no-access leaf, not an error.)
constexpr bool flags_well_formed(flags f) noexcept {
    return !has(f, flags::device | flags::uncached);
}

}  // namespace ptgen
