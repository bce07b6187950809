// ptgen/core/table_budget.hpp: the most tables a set of VA regions can ever need, computed by
// the compiler, so that a kernel without an allocator sizes its static pool (a static_arena)
// exactly instead of by trial and error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "address.hpp"
#include "format.hpp"
#include "range_rules.hpp"
#include "sink.hpp"

namespace ptgen {

// Tables a cursor may hold between its flushes beyond those in the tree: retired ones waiting
// for the flush, and reclaimed zero ones kept for reuse (cursor_retire_batch each).
inline constexpr std::size_t cursor_held_tables = 2 * cursor_retire_batch;

// A region of virtual addresses that may be mapped at run time, in any page sizes.
struct va_region {
    vaddr va;
    std::uint64_t size;
};

template <page_table_format F>
struct table_budget {
    static constexpr unsigned depth = unsigned(F::levels.size());
    std::array<std::size_t, depth> tables{};  // per level; [0]: the root
    std::size_t total = 0;
    std::uint64_t bytes = 0;                  // of the tables above (root first, at an aligned base)

    // The same with `cursors` cursors open at once, each holding up to cursor_held_tables
    // (of the largest non-root table) until it flushes.
    constexpr std::uint64_t bytes_with_cursors(std::size_t cursors) const noexcept {
        std::uint64_t largest = 0;
        for (unsigned l = 1; l < depth; ++l)
            if (F::levels[l].table_bytes() > largest) largest = F::levels[l].table_bytes();
        return bytes + cursors * cursor_held_tables * largest;
    }
};

namespace detail {
template <page_table_format F, std::size_t N>
constexpr bool regions_valid(const std::array<va_region, N>& regions) {
    for (const auto& r : regions)
        if (r.size == 0 || !range_rules<F>::va_range_valid(r.va, r.va + (r.size - 1))) return false;
    return true;
}
template <page_table_format F, std::size_t N>
constexpr table_budget<F> budget_of(std::array<va_region, N> regions);
}  // namespace detail

// The tables mapping every byte of every region at once needs at worst (4 KiB pages
// everywhere: huge pages and their splits never need more), tables shared by regions counted
// once, and one root. Whatever is mapped or unmapped later inside the regions, a table never
// holds more (plus what open cursors hold: bytes_with_cursors). Regions: a constexpr
// std::array<va_region, N>, for example
//   constexpr std::array heap{ptgen::va_region{0xffff'ffc0'0000'0000, 64_MiB}};
//   ptgen::static_arena<F, ptgen::worst_case_tables<F, heap>().bytes> pool{base};
template <page_table_format F, auto Regions>
consteval table_budget<F> worst_case_tables() {
    static_assert(detail::regions_valid<F>(Regions),
                  "ptgen table budget: a region is empty, wraps, or lies outside the format's "
                  "virtual address space");
    return detail::budget_of<F>(Regions);
}

namespace detail {
template <page_table_format F, std::size_t N>
constexpr table_budget<F> budget_of(std::array<va_region, N> regions) {
    const vaddr mask = low_mask(F::va_bits);  // (the high half sorts after the low one)
    for (std::size_t i = 1; i < N; ++i)  // insertion sort (no <algorithm> in freestanding builds)
        for (std::size_t j = i; j > 0 && (regions[j].va & mask) < (regions[j - 1].va & mask); --j) {
            const va_region t = regions[j];
            regions[j] = regions[j - 1];
            regions[j - 1] = t;
        }
    table_budget<F> b{};
    b.tables[0] = 1;
    for (unsigned l = 1; l < b.depth; ++l) {
        // A table of level l covers one entry of level l - 1: count the distinct entries.
        const unsigned shift = F::levels[l - 1].shift;
        bool any = false;
        vaddr done = 0;  // the last entry counted so far
        for (const auto& r : regions) {
            vaddr first = (r.va & mask) >> shift;
            const vaddr last = ((r.va + (r.size - 1)) & mask) >> shift;
            if (any && first <= done) first = done + 1;
            if (first <= last) b.tables[l] += std::size_t(last - first + 1);
            if (!any || last > done) done = last;
            any = true;
        }
    }
    for (unsigned l = 0; l < b.depth; ++l) {
        b.total += b.tables[l];
        b.bytes += b.tables[l] * (l == 0 ? geometry_of<F>::root_footprint : F::levels[l].table_bytes());
    }
    return b;
}
}  // namespace detail

}  // namespace ptgen
