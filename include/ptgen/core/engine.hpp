// ptgen/core/engine.hpp: the one mapping engine. Driven by the format's geometry and codec,
// it maps, unmaps, protects, splits huge pages and reclaims empty tables, in constant
// expressions and at run time alike.
//
// Every mutating operation runs in three phases, so that a failed call changes nothing:
//   1. plan:    walk the range read-only, check every rule, count the tables it needs;
//   2. reserve: allocate those tables (on failure free them again and report no_memory);
//   3. apply:   walk again and write; this phase cannot fail.
//
// The engine is layered, one header per family of operations: engine_base.hpp (entry access,
// range rule, reserve, read-only traversals), engine_map_walk.hpp and engine_map.hpp (map),
// engine_modify.hpp (unmap, protect, remap, split, reclaim), and here the tables a page_table
// gives up at destruction.
#pragma once

#include <cstddef>

#include "engine_modify.hpp"

namespace ptgen {

template <page_table_format F, class M>
class engine : public engine_modify<F, M> {
public:
    using base = engine_base<F, M>;
    using typename base::entry;
    using typename base::geo;
    using base::depth;
    using base::last_level;
    using base::load;
    using base::store;
    using engine_modify<F, M>::engine_modify;

protected:
    using base::mem_;
    using base::root_;
    using base::free_tree;
    using base::retire_tree;

public:
    // Frees every table below an owned root, skipping root entries for which
    // skip_root_entry(index) is true (entries borrowed from another table). For a table that is
    // being dropped whole (no TLB holds it: it is not loaded anywhere).
    template <class SkipRootEntry>
    constexpr void free_subtrees(SkipRootEntry&& skip_root_entry) {
        const auto& g = F::levels[0];
        for (std::size_t i = 0; i < g.entries(); ++i) {
            const entry e = load(root_, i);
            if (F::kind(e, 0) != entry_kind::table || skip_root_entry(i)) continue;
            free_tree(F::address(e, 0), 1);
        }
    }

    // For a root the memory policy does not own (adopted boot tables, possibly live): clears
    // each link from a table it does not own to a table it owns and retires that subtree's
    // owned tables to the sink (freed after the flush that makes them unreachable). Tables it
    // does not own are descended but written only to clear such links; nothing else changes.
    template <class SkipRootEntry, class Sink>
    constexpr void detach_owned(SkipRootEntry&& skip_root_entry, Sink& sink) {
        detach_owned_in(root_, 0, skip_root_entry, sink);
    }

private:
    template <class SkipRootEntry, class Sink>
    constexpr void detach_owned_in(paddr table, unsigned level, SkipRootEntry& skip_root_entry,
                                   Sink& sink) {
        if (level == last_level) return;
        for (std::size_t i = 0; i < F::levels[level].entries(); ++i) {
            const entry e = load(table, i);
            if (F::kind(e, level) != entry_kind::table || (level == 0 && skip_root_entry(i)))
                continue;
            const paddr child = F::address(e, level);
            if (!mem_.owns(child)) {
                detach_owned_in(child, level + 1, skip_root_entry, sink);
                continue;
            }
            store(table, i, entry{0});
            retire_tree(child, level + 1, sink);
        }
    }
};

}  // namespace ptgen
