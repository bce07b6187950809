// ptgen/boot/layout.hpp: the regions DSL of compile-time boot tables, and the layout checks
// that reject a bad layout at compile time with a message naming the region and the rule.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/address.hpp"
#include "../core/flags.hpp"
#include "../core/format.hpp"

namespace ptgen::boot {

inline constexpr std::size_t max_regions = 32;

// One mapping of the layout: [va, va + size) -> [pa, pa + size).
struct region {
    const char* name = nullptr;
    vaddr va = 0;
    paddr pa = 0;
    std::uint64_t size = 0;  // 0: an unused slot of the layout
    flags attrs = flags::none;
    bool allow_huge = true;           // use the largest pages that fit
    bool allow_write_execute = false;  // W+X is refused unless asked for

    // A region that will be re-protected page by page later: 4 KiB pages only.
    constexpr region small_pages() const noexcept {
        region r = *this;
        r.allow_huge = false;
        return r;
    }
    // Writable and executable on purpose (early boot code that patches itself, say).
    constexpr region writable_and_executable() const noexcept {
        region r = *this;
        r.allow_write_execute = true;
        return r;
    }
};

// va == pa.
constexpr region identity(paddr pa, std::uint64_t size, flags f,
                          const char* name = "identity") noexcept {
    return region{name, pa, pa, size, f};
}
// A linear window (kernel half, direct map): va -> pa.
constexpr region linear(vaddr va, paddr pa, std::uint64_t size, flags f,
                        const char* name = "linear") noexcept {
    return region{name, va, pa, size, f};
}
// MMIO: device memory, read-write, never executable, global.
constexpr region device_window(vaddr va, paddr pa, std::uint64_t size,
                               const char* name = "device") noexcept {
    return region{name, va, pa, size, rw | device | global};
}
constexpr region device_window(paddr pa, std::uint64_t size, const char* name = "device") noexcept {
    return device_window(pa, pa, size, name);
}

// A format, where its tables are linked (the physical address of .ptgen.boot), and regions.
template <page_table_format F>
struct layout {
    using format_type = F;
    paddr table_base = 0;
    std::array<region, max_regions> regions{};
};

// The diagnostics. They are not constexpr: reaching one during constant evaluation stops
// compilation, and the compiler's note shows the function's name (the rule) and its
// argument (the region's name).
namespace diagnostic {
inline void region_is_misaligned_or_empty(const char* region) { (void)region; }
inline void region_has_a_non_canonical_virtual_address(const char* region) { (void)region; }
inline void region_has_a_physical_address_too_wide_for_the_format(const char* region) {
    (void)region;
}
inline void region_is_writable_and_executable_without_allowance(const char* region) {
    (void)region;
}
inline void region_flags_cannot_be_expressed_by_the_format(const char* region) { (void)region; }
inline void regions_overlap_in_virtual_space(const char* region, const char* other) {
    (void)region;
    (void)other;
}
inline void table_base_is_not_aligned_for_the_root_table(paddr table_base) { (void)table_base; }
inline void table_base_is_outside_the_physical_range(paddr table_base) { (void)table_base; }
}  // namespace diagnostic

// The rules, one predicate each (used by check_layout and by the static checks of build()).
namespace rules {
template <page_table_format F>
constexpr bool aligned(const region& r) {
    constexpr auto page = geometry_of<F>::min_page;
    return r.size != 0 && is_aligned(r.va, page) && is_aligned(r.pa, page) && is_aligned(r.size, page);
}
template <page_table_format F>
constexpr bool canonical(const region& r) {
    const vaddr last = r.va + (r.size - 1);
    return r.size == 0 || (last >= r.va && F::va_valid(r.va) && F::va_valid(last) &&
                           ((last - r.va) >> F::va_bits) == 0);
}
template <page_table_format F>
constexpr bool pa_in_range(const region& r) {
    const paddr last = r.pa + (r.size - 1);
    return r.size == 0 || (last >= r.pa && geometry_of<F>::pa_valid(r.pa) &&
                           geometry_of<F>::pa_valid(last));
}
constexpr bool write_execute_allowed(const region& r) {
    return !has(r.attrs, flags::write | flags::execute) || r.allow_write_execute;
}
constexpr bool disjoint(const region& a, const region& b) {
    return a.size == 0 || b.size == 0 || a.va > b.va + (b.size - 1) || b.va > a.va + (a.size - 1);
}
constexpr bool used(const region& r) { return r.size != 0 || r.name != nullptr; }
}  // namespace rules

// Checks a layout; returns false after reaching a diagnostic (a compile error in a constant
// expression, a false result at run time).
template <page_table_format F>
constexpr bool check_layout(const layout<F>& l) {
    using geo = geometry_of<F>;
    if (!is_aligned(l.table_base, F::levels[0].table_align)) {
        diagnostic::table_base_is_not_aligned_for_the_root_table(l.table_base);
        return false;
    }
    if (!geo::pa_valid(l.table_base)) {
        diagnostic::table_base_is_outside_the_physical_range(l.table_base);
        return false;
    }
    for (std::size_t i = 0; i < max_regions; ++i) {
        const region& r = l.regions[i];
        if (r.size == 0 && r.name == nullptr) continue;  // unused slot
        const char* name = r.name ? r.name : "(unnamed)";
        if (r.size == 0 || !is_aligned(r.va, geo::min_page) || !is_aligned(r.pa, geo::min_page) ||
            !is_aligned(r.size, geo::min_page)) {
            diagnostic::region_is_misaligned_or_empty(name);
            return false;
        }
        const vaddr last = r.va + (r.size - 1);
        if (last < r.va || !F::va_valid(r.va) || !F::va_valid(last) ||
            ((last - r.va) >> F::va_bits) != 0) {
            diagnostic::region_has_a_non_canonical_virtual_address(name);
            return false;
        }
        const paddr pa_last = r.pa + (r.size - 1);
        if (pa_last < r.pa || !geo::pa_valid(r.pa) || !geo::pa_valid(pa_last)) {
            diagnostic::region_has_a_physical_address_too_wide_for_the_format(name);
            return false;
        }
        if (has(r.attrs, flags::write | flags::execute) && !r.allow_write_execute) {
            diagnostic::region_is_writable_and_executable_without_allowance(name);
            return false;
        }
        if (!F::accepts(r.attrs)) {
            diagnostic::region_flags_cannot_be_expressed_by_the_format(name);
            return false;
        }
        for (std::size_t j = 0; j < i; ++j) {
            const region& o = l.regions[j];
            if (o.size == 0) continue;
            if (r.va <= o.va + (o.size - 1) && o.va <= last) {
                diagnostic::regions_overlap_in_virtual_space(name, o.name ? o.name : "(unnamed)");
                return false;
            }
        }
    }
    return true;
}

}  // namespace ptgen::boot
