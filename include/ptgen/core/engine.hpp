// ptgen/core/engine.hpp: the one mapping engine. Driven by the format's geometry and codec,
// it maps, unmaps, protects, splits huge pages and reclaims empty tables, in constant
// expressions and at run time alike.
//
// Every mutating range operation runs in three phases, so that a failed call changes nothing:
//   1. plan:    walk the range read-only, check every rule, count the tables it needs
//               (plan_map, plan_modify: they return the first error);
//   2. reserve: allocate those tables (table_reserve.hpp; on failure free them, no_memory);
//   3. apply:   walk again and write (apply_map, apply_modify: they return void).
// Single-page calls descend once and allocate before they write.
//
// One header per job: walker.hpp (every traversal), range_rules.hpp, table_reserve.hpp,
// sink.hpp (what a mutation reports), table_access.hpp (entry access, whole-table questions),
// engine_base.hpp (reading, replacement, pairs, retire), contiguous_runs.hpp (marked runs of
// leaves, the leaf-run writer, split), engine_map_walk.hpp (plan and apply of a mapping),
// engine_map.hpp (map calls), engine_modify.hpp (unmap, protect, remap, reclaim), engine_collapse.hpp (tables replaced by the huge leaf they split), and here the
// tables a page_table gives up at destruction.
#pragma once

#include <cstddef>

#include "engine_collapse.hpp"

namespace ptgen {

template <page_table_format F, class M>
class engine : public engine_collapse<F, M> {
public:
    using base = engine_base<F, M>;
    using typename base::entry;
    using base::store;
    using engine_collapse<F, M>::engine_collapse;

protected:
    using base::mem_;
    using base::root_;
    using typename base::walker_type;

public:
    // Frees every table below an owned root, skipping root entries for which
    // skip_root_entry(index) is true (entries borrowed from another table). For a table that is
    // being dropped whole (no TLB holds it: it is not loaded anywhere).
    template <class SkipRootEntry>
    constexpr void free_subtrees(SkipRootEntry&& skip_root_entry) {
        auto visit = [&](const walk_entry<entry>& e) {
            if (e.kind != entry_kind::table || skip_root_entry(e.index)) return visit_next::skip;
            this->free_tree(F::address(e.raw, 0), 1);
            return visit_next::skip;
        };
        no_post_visit nothing;
        walker_type::visit_tree(*this, root_, 0, 0, ~std::size_t{0}, visit, nothing);
    }

    // For a root the memory policy does not own (adopted boot tables, possibly live): clears
    // each link from a table it does not own to a table it owns and retires that subtree's
    // owned tables to the sink (freed after the flush that makes them unreachable). Tables it
    // does not own are descended but written only to clear such links; nothing else changes.
    template <class SkipRootEntry, mutation_sink Sink>
    constexpr void detach_owned(SkipRootEntry&& skip_root_entry, Sink& sink) {
        auto visit = [&](const walk_entry<entry>& e) {
            if (e.kind != entry_kind::table || (e.level == 0 && skip_root_entry(e.index)))
                return visit_next::skip;
            const paddr child = F::address(e.raw, e.level);
            if (!mem_.owns(child)) return visit_next::descend;
            store(e.table, e.index, entry{0});
            this->retire_tree(child, e.level + 1, sink);
            return visit_next::skip;
        };
        no_post_visit nothing;
        walker_type::visit_tree(*this, root_, 0, 0, ~std::size_t{0}, visit, nothing);
    }
};

}  // namespace ptgen
