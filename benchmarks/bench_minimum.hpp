// benchmarks/bench_minimum.hpp: the fewest tables (and frames) a set of mappings can live in,
// computed from the format's geometry alone (independently of the engine), to compare with
// what the engine actually allocated.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include <ptgen/core/address.hpp>
#include <ptgen/core/format.hpp>
#include <ptgen/core/handler_memory.hpp>

namespace ptgen::bench {

template <class F>
using level_counts = std::array<std::size_t, F::levels.size()>;

// Frames handler_memory takes for one table of `level` (whole frames: a 1 KiB ARMv7 second-level
// table still takes a 4 KiB frame from a paging handler, which hands out frames only).
template <class F>
constexpr std::size_t frames_per_table(unsigned level) {
    return (F::levels[level].table_bytes() + frame_size - 1) / frame_size;
}

template <class F>
constexpr std::size_t total_tables(const level_counts<F>& c) {
    std::size_t n = 0;
    for (auto k : c) n += k;
    return n;
}
template <class F>
constexpr std::size_t total_frames(const level_counts<F>& c) {
    std::size_t n = 0;
    for (unsigned l = 0; l < c.size(); ++l) n += c[l] * frames_per_table<F>(l);
    return n;
}

namespace detail {
// Tables below `level` needed for [first, last] mapped to first + delta, using the largest
// leaves when `huge` (an entry becomes a leaf when it is whole inside the range, its level may
// hold leaves and the physical address is aligned to its span).
template <class F>
constexpr void count_range(unsigned level, vaddr first, vaddr last, std::uint64_t delta,
                           bool huge, level_counts<F>& c) {
    constexpr unsigned last_level = unsigned(F::levels.size() - 1);
    const auto& g = F::levels[level];
    const std::uint64_t mask = g.span() - 1;
    for (vaddr va = first;;) {
        const vaddr entry_last = va | mask;
        const vaddr chunk_last = entry_last < last ? entry_last : last;
        const bool whole = (va & mask) == 0 && chunk_last == entry_last;
        const bool leaf = whole && g.leaf_allowed && (huge || level == last_level) &&
                          ((va + delta) & mask) == 0;
        if (!leaf) {
            ++c[level + 1];
            if (level + 1 < last_level) count_range<F>(level + 1, va, chunk_last, delta, huge, c);
        }
        if (chunk_last == last) return;
        va = chunk_last + 1;
    }
}
}  // namespace detail

// A linear range [va, va + size) -> [va + delta, ...).
template <class F>
constexpr level_counts<F> minimum_for_range(vaddr va, std::uint64_t size, std::uint64_t delta,
                                            bool huge) {
    level_counts<F> c{};
    c[0] = 1;
    detail::count_range<F>(0, va, va + (size - 1), delta, huge, c);
    return c;
}

// A set of 4 KiB (smallest) pages: one table per level per distinct prefix.
template <class F>
level_counts<F> minimum_for_pages(const std::vector<vaddr>& pages) {
    level_counts<F> c{};
    c[0] = 1;
    for (unsigned l = 1; l < F::levels.size(); ++l) {
        std::set<vaddr> prefixes;
        for (vaddr v : pages) prefixes.insert(v >> F::levels[l - 1].shift);
        c[l] = prefixes.size();
    }
    return c;
}

}  // namespace ptgen::bench
