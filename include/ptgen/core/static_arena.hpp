// ptgen/core/static_arena.hpp: table memory inside the object itself, usable in constant
// expressions. The physical address of a table is base + its byte offset, so a table image
// built by the compiler is valid once linked at `base`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "format.hpp"
#include "memory.hpp"

namespace ptgen {

// Space is handed out in units of the format's smallest table; a table takes a run of units
// aligned (in physical addresses) as its level requires.
template <page_table_format F>
inline constexpr std::size_t arena_unit_bytes = [] {
    std::size_t u = F::levels[0].table_bytes();
    for (const auto& g : F::levels) u = g.table_bytes() < u ? g.table_bytes() : u;
    return u;
}();

// A root smaller than the tables below it (AArch64's 16 and 64 KiB granules, x86 PAE) is taken
// from the top of the arena: taken first at the bottom, it would leave a gap up to the next
// table's alignment, and an arena of exactly the tables' bytes would not hold them.
template <page_table_format F>
inline constexpr bool small_root_on_top = [] {
    for (const auto& g : F::levels)
        if (g.table_bytes() > F::levels[0].table_bytes()) return true;
    return false;
}();

// The storage of an arena of Capacity bytes inside the object (constant expressions, linker
// sections). A run-time tool may supply another with the same members (generators/).
template <page_table_format F, std::size_t Capacity>
struct array_storage {
    using entry = typename F::entry_type;
    static constexpr std::size_t units = Capacity / arena_unit_bytes<F>;
    static_assert(Capacity % arena_unit_bytes<F> == 0,
                  "arena capacity must be a multiple of a table");
    std::array<bool, units> used{};
    std::array<entry, Capacity / sizeof(entry)> entries{};
    constexpr std::size_t unit_count() const noexcept { return units; }
};

template <page_table_format F, class Storage>
class basic_arena {
public:
    using entry = typename F::entry_type;
    static constexpr std::size_t unit_bytes = arena_unit_bytes<F>;
    static constexpr std::size_t unit_entries = unit_bytes / sizeof(entry);

    // (Two constructors: a default Storage built in place, not copied: at compile time a copy
    // of the array costs an operation per entry.)
    constexpr explicit basic_arena(paddr base = 0) : base_(base) {}
    constexpr basic_arena(paddr base, Storage storage)
        : base_(base), store_(static_cast<Storage&&>(storage)) {}

    constexpr paddr base() const noexcept { return base_; }
    constexpr std::size_t tables_in_use() const noexcept { return tables_; }
    // The most tables in use at once so far (sizing a pool: compare with worst_case_tables).
    constexpr std::size_t tables_high_water() const noexcept { return tables_high_; }
    constexpr std::size_t units_in_use() const noexcept { return used_units_; }
    // One past the highest unit ever handed out: the bytes a linker section must hold (all of
    // the arena once a small root sits on top).
    constexpr std::size_t high_water_bytes() const noexcept {
        return (top_low_ != ~std::size_t{0} ? store_.unit_count() : high_water_) * unit_bytes;
    }
    constexpr const auto& storage() const noexcept { return store_.entries; }

    template <class E>
    struct const_view {
        const basic_arena* arena;
        std::size_t first;
        constexpr E load(std::size_t i) const noexcept { return arena->store_.entries[first + i]; }
    };
    template <class E>
    struct mutable_view {
        basic_arena* arena;
        std::size_t first;
        constexpr E load(std::size_t i) const noexcept { return arena->store_.entries[first + i]; }
        constexpr void store(std::size_t i, E e) const noexcept { arena->store_.entries[first + i] = e; }
        // entries i .. i+n-1 = e0, e0 + stride, ... (one tight loop: cheap in constant evaluation)
        constexpr void fill(std::size_t i, std::size_t n, E e0, E stride) const noexcept {
            E* p = arena->store_.entries.data() + first + i;
            for (std::size_t k = 0; k < n; ++k, e0 += stride) p[k] = e0;
        }
    };
    template <class E>
    constexpr const_view<E> view(paddr pa) const noexcept {
        return {this, std::size_t(pa - base_) / sizeof(entry)};
    }
    template <class E>
    constexpr mutable_view<E> view(paddr pa) noexcept {
        return {this, std::size_t(pa - base_) / sizeof(entry)};
    }

    constexpr result<paddr> allocate_table(const level_geometry& g) noexcept {
        if constexpr (small_root_on_top<F>) {
            if (g.shift == F::levels[0].shift) return allocate_on_top(g);
        }
        const std::size_t need = g.table_bytes() / unit_bytes;
        const std::size_t units = store_.unit_count();
        for (std::size_t u = hint_; u + need <= units; ++u) {
            if (!is_aligned(base_ + u * unit_bytes, g.table_align)) continue;
            std::size_t run = 0;
            while (run < need && !store_.used[u + run]) ++run;
            if (run < need) {
                u += run;  // skip past the used unit
                continue;
            }
            for (std::size_t k = 0; k < need; ++k) store_.used[u + k] = true;
            // Units above the high-water mark were never handed out (but by allocate_on_top):
            // still zero.
            std::size_t dirty = u < high_water_ ? (high_water_ < u + need ? high_water_ : u + need) - u : 0;
            if (u + need > top_low_) dirty = need;
            for (std::size_t k = 0; k < dirty * unit_entries; ++k) store_.entries[u * unit_entries + k] = 0;
            if (u == hint_) hint_ = u + need;
            if (u + need > high_water_) high_water_ = u + need;
            used_units_ += need;
            if (++tables_ > tables_high_) tables_high_ = tables_;
            return base_ + u * unit_bytes;
        }
        return fail(error::no_memory);
    }

    constexpr void free_table(paddr pa, const level_geometry& g) noexcept {
        const std::size_t first = std::size_t(pa - base_) / unit_bytes;
        const std::size_t n = g.table_bytes() / unit_bytes;
        for (std::size_t k = 0; k < n; ++k) store_.used[first + k] = false;
        if (first < hint_) hint_ = first;
        used_units_ -= n;
        --tables_;
    }

    constexpr bool owns(paddr) const noexcept { return true; }

private:
    // A small root, from the highest free aligned run down (always zeroed: it is small).
    constexpr result<paddr> allocate_on_top(const level_geometry& g) noexcept {
        const std::size_t need = g.table_bytes() / unit_bytes;
        const std::size_t units = store_.unit_count();
        for (std::size_t u = units - need + 1; u-- > 0;) {
            if (!is_aligned(base_ + u * unit_bytes, g.table_align)) continue;
            std::size_t run = 0;
            while (run < need && !store_.used[u + run]) ++run;
            if (run < need) continue;
            for (std::size_t k = 0; k < need; ++k) store_.used[u + k] = true;
            for (std::size_t k = 0; k < need * unit_entries; ++k) store_.entries[u * unit_entries + k] = 0;
            if (u < top_low_) top_low_ = u;
            used_units_ += need;
            if (++tables_ > tables_high_) tables_high_ = tables_;
            return base_ + u * unit_bytes;
        }
        return fail(error::no_memory);
    }

    paddr base_;
    std::size_t hint_ = 0;          // no free unit below this one
    std::size_t high_water_ = 0;
    std::size_t used_units_ = 0;
    std::size_t tables_ = 0;
    std::size_t tables_high_ = 0;
    std::size_t top_low_ = ~std::size_t{0};  // the lowest unit allocate_on_top handed out
    Storage store_{};
};

// Capacity is in bytes.
template <page_table_format F, std::size_t Capacity>
using static_arena = basic_arena<F, array_storage<F, Capacity>>;

}  // namespace ptgen
