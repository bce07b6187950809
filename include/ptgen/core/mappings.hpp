// ptgen/core/mappings.hpp: the leaves of a VA range in address order (what a memory manager
// walks for mprotect, munmap, fork or /proc/<pid>/maps), and the first mapping at or after an
// address. Read-only, over the walker's chunk iterator.
#pragma once

#include <cstdint>
#include <type_traits>

#include "address.hpp"
#include "flags.hpp"
#include "format.hpp"
#include "range_rules.hpp"
#include "result.hpp"
#include "walker.hpp"

namespace ptgen {

// One leaf, or the part of it inside the range asked about: [va, va + size) -> [pa, pa + size)
// with the flags the TLB holds. `page_size`: the size of the leaf (several, merged: the first).
struct mapping {
    vaddr va;
    paddr pa;
    std::uint64_t size;
    ptgen::flags flags;
    std::uint64_t page_size;
    friend constexpr bool operator==(const mapping&, const mapping&) = default;
};

// Whether for_each_mapping reports each leaf, or merges neighbours that continue one another
// (next va and pa, the same flags) into one mapping.
enum class merge_mappings : bool { no, yes };

// The last address of the part of the address space va lies in (its half, where the format
// has two): where a search onward from va ends.
template <page_table_format F>
constexpr vaddr last_of_half(vaddr va) noexcept {
    const vaddr top = low_mask(F::va_bits);                // the format's whole space, unsigned
    if (F::va_valid(top) && (top >> 63) == 0) return top;  // (no sign extension: 32-bit formats)
    return (va >> 63) != 0 ? ~vaddr{0} : low_mask(F::va_bits - 1);
}

template <page_table_format F, class Engine>
class mapping_walk {
public:
    using entry = typename F::entry_type;

    constexpr mapping_walk(const Engine& engine, paddr root) noexcept : eng_(engine), root_(root) {}

    // visit(mapping) for each leaf in [va, va + size), in address order, clipped to the range;
    // a visitor returning bool stops the walk with false. Returns false if it was stopped.
    template <class Visit>
    constexpr bool each(vaddr va, std::uint64_t size, Visit& visit, merge_mappings merge) const {
        if (size == 0 || !range_rules<F>::va_range_valid(va, va + (size - 1))) return true;
        if (merge == merge_mappings::no) return walk(0, root_, va, va + (size - 1), visit);
        mapping run{};
        bool have = false;
        auto merging = [&](const mapping& m) {
            if (have && m.va == run.va + run.size && m.pa == run.pa + run.size && m.flags == run.flags) {
                run.size += m.size;
                return true;
            }
            const bool go = !have || deliver(visit, run);
            run = m;
            have = true;
            return go;
        };
        return walk(0, root_, va, va + (size - 1), merging) && (!have || deliver(visit, run));
    }

private:
    template <class Visit>
    static constexpr bool deliver(Visit& visit, const mapping& m) {
        if constexpr (std::is_same_v<decltype(visit(m)), bool>) return visit(m);
        else return visit(m), true;
    }

    template <class Visit>
    constexpr bool walk(unsigned level, paddr table, vaddr first, vaddr last, Visit& visit) const {
        return walker<F>::for_each_chunk(level, first, last, [&](const chunk& c) -> bool {
            const entry e = eng_.load(table, c.index);
            switch (F::kind(e, level)) {
                case entry_kind::empty: return true;
                case entry_kind::table: return walk(level + 1, F::address(e, level), c.first, c.last, visit);
                case entry_kind::leaf: break;
            }
            const std::uint64_t span = F::levels[level].span();
            const mapping m{c.first, leaf_address<F>(e, level, c.first) + (c.first & (span - 1)),
                            c.last - c.first + 1, eng_.tlb_flags(table, c.index, e, level), span};
            return deliver(visit, m);
        });
    }

    const Engine& eng_;
    paddr root_;
};

}  // namespace ptgen
