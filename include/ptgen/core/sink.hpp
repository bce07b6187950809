// ptgen/core/sink.hpp: what the engine reports the side effects of a mutation to (a sink), as
// concepts, and the sink of callers that have no TLB to maintain.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "address.hpp"
#include "format.hpp"

namespace ptgen {

// Every sink:
//   changed(va)                one leaf changed or went (the TLB must drop va's translation);
//   changed_run(va, n, span)   n leaves of `span` bytes from va changed (runs of region calls);
//   retire(pa, level)          a table was unlinked: free it (if the memory policy owns it) only
//                              after the invalidation that makes it unreachable, which covers
//                              every translation below it (the leaves of a subtree unmapped
//                              whole are not reported one by one; a cursor flushes all);
//   invalidate_now(va)         break-before-make: invalidate va before the entry is rewritten;
//   break_before_make          true where the architecture requires that (Arm).
template <class S>
concept mutation_sink = requires(S& s, vaddr va, paddr pa, std::size_t n, std::uint64_t span,
                                 unsigned level) {
    s.changed(va);
    s.changed_run(va, n, span);
    s.retire(pa, level);
    s.invalidate_now(va);
    { S::break_before_make } -> std::convertible_to<bool>;
};

// A sink may also defer the reclaim of tables a single-page unmap emptied (a cursor does it at
// its next flush, so that mapping the page again finds its tables): reclaim_later(va).
template <class S>
concept defers_reclaim = requires(S& s, vaddr va) { s.reclaim_later(va); };

// A sink may invalidate every translation of the address space at once: invalidate_all_now()
// (break-before-make of a whole table, collapse: every leaf below it and the cached table
// entries on the way; without it the engine invalidates the table's leaves one by one).
template <class S>
concept invalidates_all_now = requires(S& s) { s.invalidate_all_now(); };

// A sink may defer a full invalidation to its flush: changed_all() (a root entry of a format
// that latches them changed: core/format.hpp latches_root_entries; every sink of such a format
// must have it).
template <class S>
concept invalidates_all_later = requires(S& s) { s.changed_all(); };

// A sink may remember the last-level table of the last descent, keyed by the tag of the VA
// range it covers (engine_base::leaf_table_tag), so that the next single-page call there skips
// the walk. It must forget it at every retire (the only way a table leaves the tree).
template <class S>
concept leaf_table_cache = requires(S& s, vaddr tag, paddr pa) {
    { s.cached_leaf_table(tag, pa) } -> std::same_as<bool>;  // true: pa is the table
    s.remember_leaf_table(tag, pa);
};

// A sink may keep tables it retired that are all zero (reclaimed because they were empty) for
// reuse once the TLB flush made them unreachable: take_zeroed_table(level, pa) hands one out
// in place of an allocation (no zeroing, no call to the memory policy); retire_zeroed(pa,
// level) is retire() of a table known to be all zero.
template <class S>
concept reuses_zeroed_tables = requires(S& s, unsigned level, paddr pa) {
    { s.take_zeroed_table(level, pa) } -> std::same_as<bool>;
    s.retire_zeroed(pa, level);
};

// The most unlinked tables a cursor holds until its flush (then as many reclaimed zero tables
// for reuse): what a pool must have beyond the tables in the tree (core/table_budget.hpp).
inline constexpr std::size_t cursor_retire_batch = 16;

// The cache of sinks that keep none.
struct no_leaf_table_cache {};

// The sink for callers that have no TLB to maintain (compile-time builds, tables not live):
// empty tables are freed at once.
template <class M, page_table_format F>
struct free_at_once {
    static constexpr bool break_before_make = false;
    M& memory;
    constexpr void changed(vaddr) noexcept {}
    constexpr void changed_run(vaddr, std::size_t, std::uint64_t) noexcept {}
    constexpr void changed_all() noexcept {}
    constexpr void invalidate_now(vaddr) noexcept {}
    constexpr void retire(paddr pa, unsigned level) {
        if (memory.owns(pa)) memory.free_table(pa, F::levels[level]);
    }
};

}  // namespace ptgen
