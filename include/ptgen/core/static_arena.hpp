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

// Capacity is in bytes. Space is handed out in units of the format's smallest table; a table
// takes a run of units aligned (in physical addresses) as its level requires.
template <page_table_format F, std::size_t Capacity>
class static_arena {
public:
    using entry = typename F::entry_type;
    static constexpr std::size_t unit_bytes = [] {
        std::size_t u = F::levels[0].table_bytes();
        for (const auto& g : F::levels) u = g.table_bytes() < u ? g.table_bytes() : u;
        return u;
    }();
    static constexpr std::size_t unit_entries = unit_bytes / sizeof(entry);
    static constexpr std::size_t units = Capacity / unit_bytes;
    static_assert(Capacity % unit_bytes == 0, "arena capacity must be a multiple of a table");

    constexpr explicit static_arena(paddr base = 0) : base_(base) {}

    constexpr paddr base() const noexcept { return base_; }
    constexpr std::size_t tables_in_use() const noexcept { return tables_; }
    constexpr std::size_t units_in_use() const noexcept { return used_units_; }
    // One past the highest unit ever handed out: the bytes a linker section must hold.
    constexpr std::size_t high_water_bytes() const noexcept { return high_water_ * unit_bytes; }
    constexpr const std::array<entry, units * unit_entries>& storage() const noexcept {
        return storage_;
    }

    template <class E>
    struct const_view {
        const static_arena* arena;
        std::size_t first;
        constexpr E load(std::size_t i) const noexcept { return arena->storage_[first + i]; }
    };
    template <class E>
    struct mutable_view {
        static_arena* arena;
        std::size_t first;
        constexpr E load(std::size_t i) const noexcept { return arena->storage_[first + i]; }
        constexpr void store(std::size_t i, E e) const noexcept { arena->storage_[first + i] = e; }
        // entries i .. i+n-1 = e0, e0 + stride, ... (one tight loop: cheap in constant evaluation)
        constexpr void fill(std::size_t i, std::size_t n, E e0, E stride) const noexcept {
            E* p = arena->storage_.data() + first + i;
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
        const std::size_t need = g.table_bytes() / unit_bytes;
        for (std::size_t u = hint_; u + need <= units; ++u) {
            if (!is_aligned(base_ + u * unit_bytes, g.table_align)) continue;
            std::size_t run = 0;
            while (run < need && !used_[u + run]) ++run;
            if (run < need) {
                u += run;  // skip past the used unit
                continue;
            }
            for (std::size_t k = 0; k < need; ++k) used_[u + k] = true;
            // Units above the high-water mark were never handed out: still zero.
            const std::size_t dirty = u < high_water_ ? (high_water_ < u + need ? high_water_ : u + need) - u : 0;
            for (std::size_t k = 0; k < dirty * unit_entries; ++k) storage_[u * unit_entries + k] = 0;
            if (u == hint_) hint_ = u + need;
            if (u + need > high_water_) high_water_ = u + need;
            used_units_ += need;
            ++tables_;
            return base_ + u * unit_bytes;
        }
        return fail(error::no_memory);
    }

    constexpr void free_table(paddr pa, const level_geometry& g) noexcept {
        const std::size_t first = std::size_t(pa - base_) / unit_bytes;
        const std::size_t n = g.table_bytes() / unit_bytes;
        for (std::size_t k = 0; k < n; ++k) used_[first + k] = false;
        if (first < hint_) hint_ = first;
        used_units_ -= n;
        --tables_;
    }

    constexpr bool owns(paddr) const noexcept { return true; }

private:
    paddr base_;
    std::size_t hint_ = 0;          // no free unit below this one
    std::size_t high_water_ = 0;
    std::size_t used_units_ = 0;
    std::size_t tables_ = 0;
    std::array<bool, units> used_{};
    std::array<entry, units * unit_entries> storage_{};
};

}  // namespace ptgen
