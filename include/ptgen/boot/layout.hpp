// ptgen/boot/layout.hpp: the regions DSL of compile-time boot tables, and the layout checks
// that reject a bad layout at compile time with a message naming the region and the rule.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/address.hpp"
#include "../core/flags.hpp"
#include "../core/format.hpp"
#include "../core/range_rules.hpp"

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
    std::uint64_t max_page = ~std::uint64_t{0};  // with allow_huge: the largest page to use

    // The largest leaf the region may use (the smallest pages are always allowed).
    constexpr std::uint64_t leaf_cap() const noexcept { return allow_huge ? max_page : 0; }

    // A region that will be re-protected page by page later: 4 KiB pages only.
    constexpr region small_pages() const noexcept {
        region r = *this;
        r.allow_huge = false;
        return r;
    }
    // Pages of at most `bytes` (a region re-protected in 2 MiB pieces later, say).
    constexpr region max_page_size(std::uint64_t bytes) const noexcept {
        region r = *this;
        r.max_page = bytes;
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
// A guard (below a stack, between regions): mapped without any access (a no-access leaf,
// flags.hpp), so every access faults, yet the range is taken and keeps its frames: protecting
// it back at run time gives access to [pa, pa + size) again.
constexpr region guard(vaddr va, paddr pa, std::uint64_t size, const char* name = "guard") noexcept {
    return region{name, va, pa, size, no_access | global};
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

// The rules a layout obeys, in the order they are checked: the table base first, then each
// region (its own rules, then overlap with every earlier region).
enum class rule : unsigned char {
    none,
    table_base_is_not_aligned_for_the_root_table,
    table_base_is_outside_the_physical_range,
    region_is_empty_or_not_page_aligned,
    region_has_a_non_canonical_virtual_address,
    region_has_a_physical_address_too_wide_for_the_format,
    region_is_writable_and_executable_without_allowance,
    region_has_flags_the_format_cannot_express,
    region_overlaps_in_virtual_space,
};

// The rule as a sentence about a region (or the table base), for messages.
constexpr const char* rule_text(rule r) noexcept {
    switch (r) {
        case rule::none: return "obeys every rule";
        case rule::table_base_is_not_aligned_for_the_root_table:
            return "is not aligned for the root table";
        case rule::table_base_is_outside_the_physical_range:
            return "is outside the format's physical range";
        case rule::region_is_empty_or_not_page_aligned:
            return "is empty or its va, pa or size is not page-aligned";
        case rule::region_has_a_non_canonical_virtual_address:
            return "has a non-canonical virtual address (outside the format)";
        case rule::region_has_a_physical_address_too_wide_for_the_format:
            return "has a physical address too wide for the format";
        case rule::region_is_writable_and_executable_without_allowance:
            return "is writable and executable without .writable_and_executable()";
        case rule::region_has_flags_the_format_cannot_express:
            return "has flags the format cannot express";
        case rule::region_overlaps_in_virtual_space: return "overlaps in virtual space region";
    }
    return "breaks a rule";
}

// The first rule a layout breaks: which, and the region(s) it concerns (indices into regions;
// `region` is no_region for the table base, `other` names the earlier region of an overlap).
struct violation {
    static constexpr std::size_t no_region = ~std::size_t{0};
    ptgen::boot::rule rule = rule::none;
    std::size_t region = no_region;
    std::size_t other = no_region;
    constexpr explicit operator bool() const noexcept { return rule != rule::none; }
};

// The rules, one predicate each.
namespace rules {
template <page_table_format F>
constexpr bool aligned(const region& r) {
    constexpr auto page = geometry_of<F>::min_page;
    return r.size != 0 && is_aligned(r.va, page) && is_aligned(r.pa, page) && is_aligned(r.size, page);
}
template <page_table_format F>
constexpr bool canonical(const region& r) {
    const vaddr last = r.va + (r.size - 1);
    return r.size == 0 || range_rules<F>::va_range_valid(r.va, last);
}
template <page_table_format F>
constexpr bool pa_in_range(const region& r) {
    return r.size == 0 || range_rules<F>::pa_range_valid(r.pa, r.size);
}
constexpr bool write_execute_allowed(const region& r) {
    return !has(r.attrs, flags::write | flags::execute) || r.allow_write_execute;
}
constexpr bool disjoint(const region& a, const region& b) {
    return a.size == 0 || b.size == 0 || a.va > b.va + (b.size - 1) || b.va > a.va + (a.size - 1);
}
constexpr bool used(const region& r) { return r.size != 0 || r.name != nullptr; }
}  // namespace rules

template <page_table_format F>
constexpr violation first_violation(const layout<F>& l) {
    if (!is_aligned(l.table_base, F::levels[0].table_align))
        return {rule::table_base_is_not_aligned_for_the_root_table};
    if (!geometry_of<F>::pa_valid(l.table_base))
        return {rule::table_base_is_outside_the_physical_range};
    for (std::size_t i = 0; i < max_regions; ++i) {
        const region& r = l.regions[i];
        if (!rules::used(r)) continue;
        if (!rules::aligned<F>(r)) return {rule::region_is_empty_or_not_page_aligned, i};
        if (!rules::canonical<F>(r)) return {rule::region_has_a_non_canonical_virtual_address, i};
        if (!rules::pa_in_range<F>(r))
            return {rule::region_has_a_physical_address_too_wide_for_the_format, i};
        if (!rules::write_execute_allowed(r))
            return {rule::region_is_writable_and_executable_without_allowance, i};
        if (!F::accepts(r.attrs)) return {rule::region_has_flags_the_format_cannot_express, i};
        for (std::size_t j = 0; j < i; ++j)
            if (!rules::disjoint(r, l.regions[j]))
                return {rule::region_overlaps_in_virtual_space, i, j};
    }
    return {};
}

// Does the layout obey every rule? (At run time: the generator, tests. At compile time
// build<L>() reports the broken rule itself, see static_checks.hpp.)
template <page_table_format F>
constexpr bool check_layout(const layout<F>& l) {
    return !first_violation(l);
}

}  // namespace ptgen::boot
