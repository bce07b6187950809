// ptgen/core/walker.hpp: the one walker every traversal of the library uses (boot's translate
// aside: it stays an independent second opinion written like the MMU):
//   for_each_chunk  the entries of one table a VA range touches, each with its part of the range;
//   descend         root to leaf along one VA, one instantiation per level (constant shifts);
//   visit_tree      depth first over the present entries of a subtree, with pre and post visits.
// Tables are read through an `Access`: anything with load(table, i) (the engine, over its
// memory policy; boot's image_access, over an image's array of tables).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "address.hpp"
#include "format.hpp"

namespace ptgen {

// What a traversal shows of each present entry.
template <class Entry>
struct walk_entry {
    unsigned level;
    std::size_t index;
    vaddr va;       // first virtual address the entry maps (canonical)
    Entry raw;      // the entry as stored
    entry_kind kind;
    paddr table;    // the table that holds it
};

// Where a descent stopped: the first entry on the way that is not a table, or the entry of the
// deepest level it was allowed to read.
template <class Entry>
struct descent {
    paddr table;
    std::size_t index;
    unsigned level;
    Entry raw;
    entry_kind kind;
};

// The part of a range that one entry covers.
struct chunk {
    std::size_t index;  // of the entry in its table
    vaddr first, last;  // the range clipped to the entry
    bool whole;         // the range covers the entry's whole span
};

// What a visit_tree visitor asks next.
enum class visit_next : unsigned char { descend, skip, stop };

// The post-visit of walks that have none (skipped at compile time: boot images are walked in
// constant expressions, where every call counts against the compiler's step limit).
struct no_post_visit {
    template <class E>
    constexpr void operator()(const walk_entry<E>&) const noexcept {}
};

template <page_table_format F>
struct walker {
    using entry = typename F::entry_type;
    static constexpr unsigned depth = unsigned(F::levels.size());

    // step(chunk) for each entry of a table of `level` that [first, last] touches (a range
    // inside the table's span), in address order. A step that returns a status ends the walk
    // at its first failure and the walk returns it; a step that returns void runs for all.
    template <class Step>
    static constexpr auto for_each_chunk(unsigned level, vaddr first, vaddr last, Step&& step) {
        const level_geometry& g = F::levels[level];
        const std::uint64_t span_mask = g.span() - 1;
        using R = decltype(step(chunk{}));
        for (vaddr va = first;;) {
            const vaddr entry_last = va | span_mask;
            const vaddr chunk_last = entry_last < last ? entry_last : last;
            const chunk c{g.index_of(va), va, chunk_last,
                          (va & span_mask) == 0 && chunk_last == entry_last};
            if constexpr (std::is_void_v<R>) {
                step(c);
                if (chunk_last == last) return;
            } else {
                R r = step(c);
                if (!r || chunk_last == last) return r;
            }
            va = chunk_last + 1;
        }
    }

    // From the table of `Level` at `table` along va, following table entries down to level
    // Stop at most; on_table(level, table) sees each table entered below `Level`.
    template <unsigned Level, unsigned Stop, class Access, class OnTable>
    static constexpr descent<entry> descend(const Access& a, paddr table, vaddr va,
                                            OnTable&& on_table) {
        constexpr level_geometry g = F::levels[Level];
        const std::size_t i = g.index_of(va);
        const entry e = a.load(table, i);
        const entry_kind k = F::kind(e, Level);
        if constexpr (Level < Stop) {
            if (k == entry_kind::table) {
                const paddr child = F::address(e, Level);
                on_table(Level + 1, child);
                return descend<Level + 1, Stop>(a, child, va, on_table);
            }
        }
        return {table, i, Level, e, k};
    }
    template <unsigned Level, unsigned Stop, class Access>
    static constexpr descent<entry> descend(const Access& a, paddr table, vaddr va) {
        return descend<Level, Stop>(a, table, va, [](unsigned, paddr) {});
    }

    // Depth first over the present entries of the table of `level` at `table`, whose entry 0
    // maps `base`: visit(walk_entry) first (its answer: descend into a table entry's subtree,
    // skip it, or stop everything), then, unless stopped, after(walk_entry). At most `limit`
    // entries per table. Returns false when a visit stopped the walk.
    template <class Access, class Visit, class After>
    static constexpr bool visit_tree(const Access& a, paddr table, unsigned level, vaddr base,
                                     std::size_t limit, Visit& visit, After& after) {
        const level_geometry& g = F::levels[level];
        std::size_t visited = 0;
        for (std::size_t i = 0; i < g.entries() && visited < limit; ++i) {
            const entry e = a.load(table, i);
            const entry_kind k = F::kind(e, level);
            if (k == entry_kind::empty) continue;
            ++visited;
            // (below the root an entry's VA stays canonical: only root entries need the fix-up)
            const vaddr va = base + i * g.span();
            const walk_entry<entry> we{level, i, level == 0 ? canonical(va) : va, e, k, table};
            const visit_next next = visit(we);
            if (next == visit_next::stop) return false;
            // (level + 1 < depth holds for every table entry: said, so that g++ -O2 sees the
            // recursion's bound and does not warn of an index past the levels)
            if (next == visit_next::descend && k == entry_kind::table && level + 1 < F::levels.size() &&
                !visit_tree(a, F::address(e, level), level + 1, we.va, limit, visit, after))
                return false;
            if constexpr (!std::is_same_v<std::remove_cvref_t<After>, no_post_visit>) after(we);
        }
        return true;
    }
    template <class Access, class Visit>
    static constexpr bool visit_tree(const Access& a, paddr table, unsigned level, vaddr base,
                                     Visit&& visit) {
        no_post_visit nothing;
        return visit_tree(a, table, level, base, ~std::size_t{0}, visit, nothing);
    }

    // The canonical form of an address a table entry maps (the upper half sign-extended).
    static constexpr vaddr canonical(vaddr va) noexcept {
        return F::va_valid(va) ? va : (va | ~low_mask(F::va_bits));
    }
};

}  // namespace ptgen
