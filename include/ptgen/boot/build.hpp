// ptgen/boot/build.hpp: a layout turned into boot tables by the compiler, in an array of
// exactly the size the tables need (counted by a sizing pass before they are built).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/engine.hpp"
#include "../core/static_arena.hpp"
#include "layout.hpp"
#include "static_checks.hpp"

namespace ptgen::boot {

namespace diagnostic {
inline void region_could_not_be_mapped(const char* region) { (void)region; }
}  // namespace diagnostic

// The built tables: an array of entries meant to be linked at `base`, the root(s) inside it,
// and the values of the registers that make the MMU use them.
template <page_table_format F, std::size_t Bytes>
struct image {
    using format = F;
    using entry = typename F::entry_type;
    static constexpr std::size_t bytes = Bytes;
    static constexpr std::size_t entries = Bytes / sizeof(entry);
    static constexpr std::size_t alignment = geometry_of<F>::max_table_align;

    paddr base = 0;
    paddr root = 0;       // the only root, or the low half's (TTBR0, PGDL)
    paddr high_root = 0;  // the high half's root (TTBR1, PGDH); == root without split roots
    std::array<entry, entries> tables{};

    constexpr auto registers() const noexcept { return F::boot_registers(root, high_root); }
    constexpr std::size_t table_bytes() const noexcept { return Bytes; }
};

// The sizing pass. The engine tiles a region greedily: at each level it places a leaf on every
// entry-aligned block wholly inside the region when the level allows leaves, the region allows
// huge pages and pa - va is aligned to the block. So the part of a region that needs tables of
// level l is the region minus the blocks of the smallest such span above l: at most a head and
// a tail (or all of it). A level-l table exists for every level-(l-1) block touching that part;
// counting distinct blocks over all regions gives the exact number of tables, at a cost that
// does not depend on the regions' sizes.
struct block_range {
    std::uint64_t first, last;  // block numbers (va >> shift), inclusive
};

template <page_table_format F>
constexpr std::size_t tables_at_level(const layout<F>& l, unsigned level) {
    const unsigned parent_shift = F::levels[level - 1].shift;
    std::array<block_range, 2 * max_regions> ranges{};
    std::size_t n = 0;
    for (const region& r : l.regions) {
        if (r.size == 0) continue;
        const vaddr end = r.va + r.size;  // may wrap to 0 at the top: handled as 2^64
        const std::uint64_t delta = r.pa - r.va;
        std::uint64_t cover = 0;  // smallest usable leaf span above `level`
        for (unsigned k = 0; k < level; ++k) {
            const std::uint64_t s = F::levels[k].span();
            if (F::levels[k].leaf_allowed && s <= r.leaf_cap() && is_aligned(delta, s)) cover = s;
        }
        auto add = [&](vaddr first, vaddr last) {  // inclusive byte range
            ranges[n++] = {first >> parent_shift, last >> parent_shift};
        };
        const vaddr last = end - 1;
        if (cover == 0) {
            add(r.va, last);
            continue;
        }
        const vaddr up = (r.va + (cover - 1)) & ~(cover - 1);  // first covered byte
        const vaddr down = (last + 1) & ~(cover - 1);          // one past the covered part
        const bool any_covered = up - r.va < r.size && down - r.va > up - r.va;
        if (!any_covered) {
            add(r.va, last);
            continue;
        }
        if (up != r.va) add(r.va, up - 1);
        if (down - r.va < r.size) add(down, last);
    }
    // sort by first block, then count the union of the ranges
    for (std::size_t a = 1; a < n; ++a)
        for (std::size_t b = a; b > 0 && ranges[b].first < ranges[b - 1].first; --b) {
            const block_range t = ranges[b];
            ranges[b] = ranges[b - 1];
            ranges[b - 1] = t;
        }
    std::size_t count = 0;
    for (std::size_t a = 0; a < n;) {
        std::uint64_t first = ranges[a].first, last = ranges[a].last;
        for (++a; a < n && ranges[a].first <= last + 1; ++a)
            if (ranges[a].last > last) last = ranges[a].last;
        count += std::size_t(last - first + 1);
    }
    return count;
}

// Maps every region of l with arena `a`; returns the root(s).
template <page_table_format F, class Arena>
constexpr bool map_layout(const layout<F>& l, Arena& a, paddr& root, paddr& high_root) {
    if (!check_layout(l)) return false;
    root = *a.allocate_table(F::levels[0]);
    high_root = root;
    if constexpr (F::split_roots) high_root = *a.allocate_table(F::levels[0]);
    free_at_once<Arena, F> sink{a};
    for (const region& r : l.regions) {
        if (r.size == 0) continue;
        const bool high = range_rules<F>::high_root_walks(r.va);
        engine<F, Arena> e(a, high ? high_root : root);
        auto done = e.map_linear(r.va, r.pa, r.size, r.attrs, page_limit{r.leaf_cap()}, sink);
        if (!done) {
            diagnostic::region_could_not_be_mapped(r.name ? r.name : "(unnamed)");
            return false;
        }
    }
    return true;
}

// The exact size in bytes of the tables of l (0 for a layout with errors).
template <page_table_format F>
constexpr std::size_t table_bytes_of(const layout<F>& l) {
    if (!check_layout(l)) return 0;
    std::size_t bytes = (F::split_roots ? 2 : 1) * geometry_of<F>::root_footprint;
    for (unsigned level = 1; level < F::levels.size(); ++level)
        bytes += tables_at_level(l, level) * F::levels[level].table_bytes();
    return bytes;
}

// What build<L>() returns for a layout that breaks a rule, after its one error: no tables, and
// nothing that would add errors of its own to the checks that follow (verify() is true).
template <page_table_format F>
struct invalid_image {
    using format = F;
    using entry = typename F::entry_type;
    static constexpr std::size_t bytes = 0;
    static constexpr std::size_t entries = 0;
    static constexpr std::size_t alignment = geometry_of<F>::max_table_align;
    paddr base = 0, root = 0, high_root = 0;
    std::array<entry, 0> tables{};
    constexpr auto registers() const noexcept { return F::boot_registers(0, 0); }
    constexpr std::size_t table_bytes() const noexcept { return 0; }
};

namespace detail {
// The tables of a layout that obeys every rule (the image is returned from function scope:
// no copy of it at compile time).
template <const auto& L>
constexpr auto build_checked() {
    using F = typename std::remove_cvref_t<decltype(L)>::format_type;
    constexpr std::size_t bytes = table_bytes_of(L);
    static_arena<F, bytes> arena(L.table_base);
    image<F, bytes> img{};
    img.base = L.table_base;
    (void)map_layout(L, arena, img.root, img.high_root);
    // The count is exact: every byte of the arena is used, and none was missing.
    if (arena.high_water_bytes() != bytes) diagnostic::region_could_not_be_mapped("(sizing)");
    img.tables = arena.storage();
    return img;
}
}  // namespace detail

// The image of the layout L (a constexpr layout with static storage duration):
//   constexpr auto image = ptgen::boot::build<my_layout>();
template <const auto& L>
constexpr auto build() {
    using F = typename std::remove_cvref_t<decltype(L)>::format_type;
    constexpr violation broken = first_violation(L);
    if constexpr (broken) {
        PTGEN_LAYOUT_REPORT(broken.rule, name_of(L, broken.region), name_of(L, broken.other));
        return invalid_image<F>{};
    } else {
        return detail::build_checked<L>();
    }
}

// build<L>() for a layout without static storage duration (a constexpr variable inside a
// function) would otherwise be "no matching function": this overload says what to change.
template <page_table_format F>
struct layout_with_automatic_storage {
    using format = F;
    constexpr layout_with_automatic_storage(const layout<F>&) noexcept {}
};
template <layout_with_automatic_storage L, class... Never>
constexpr auto build(Never...) {
    static_assert(sizeof...(Never) != 0,
                  "ptgen: boot::build<L>() needs a layout L with static storage duration: "
                  "declare it constexpr at namespace scope, or static constexpr in a function");
    return invalid_image<typename decltype(L)::format>{};
}

}  // namespace ptgen::boot
