// ptgen/core/engine.hpp: the one mapping engine. Driven by the format's geometry and codec,
// it maps, unmaps, protects, splits huge pages and reclaims empty tables, in constant
// expressions and at run time alike.
//
// Every mutating operation runs in three phases, so that a failed call changes nothing:
//   1. plan:    walk the range read-only, check every rule, count the tables it needs;
//   2. reserve: allocate those tables (on failure free them again and report no_memory);
//   3. apply:   walk again and write; this phase cannot fail.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "address.hpp"
#include "flags.hpp"
#include "format.hpp"
#include "memory.hpp"
#include "result.hpp"

namespace ptgen {

// What query() reports: the physical address of the queried byte (offset inside a huge page
// included), the flags the hardware grants, and the size of the page that maps it.
struct translation {
    paddr pa;
    ptgen::flags flags;
    std::uint64_t size;
    friend constexpr bool operator==(const translation&, const translation&) = default;
};

// The largest leaf a mapping call may write (boot regions with a page-size cap).
struct page_limit {
    std::uint64_t max_leaf;
};

// What walk() shows of each present entry.
template <class Entry>
struct walk_entry {
    unsigned level;
    std::size_t index;
    vaddr va;       // first virtual address the entry maps
    Entry raw;      // the entry as stored
    entry_kind kind;
};

// A sink receives the side effects of a mutation: leaves changed (for TLB invalidation),
// tables unlinked from the tree (to free, if the memory policy owns them, after the
// invalidation), and, on architectures with break-before-make, the request to invalidate one
// address now:  changed(va), retire(pa, level), invalidate_now(va), bool break_before_make.

template <page_table_format F, class M>
class engine {
public:
    using entry = typename F::entry_type;
    using geo = geometry_of<F>;
    static constexpr unsigned depth = unsigned(geo::depth);
    static constexpr unsigned last_level = depth - 1;
    static_assert(geo::coherent(), "format geometry is not coherent (see geometry_of)");

    constexpr engine(M& memory, paddr root) noexcept : mem_(memory), root_(root) {}

    // ---- reading ---------------------------------------------------------------------

    constexpr result<translation> query(vaddr va) const {
        if (!F::va_valid(va)) return fail(error::out_of_range);
        return query_from<0>(root_, va);
    }
    // One level per instantiation: the shifts and the codec's level tests are constants (g++
    // does not unroll the loop form).
    template <unsigned Level>
    constexpr result<translation> query_from(paddr table, vaddr va) const {
        constexpr level_geometry g = F::levels[Level];
        const std::size_t i = g.index_of(va);
        const entry e = load(table, i);
        const entry_kind k = F::kind(e, Level);
        if (k == entry_kind::leaf)
            return translation{F::address(e, Level) + (va & (g.span() - 1)),
                               tlb_flags(table, i, e, Level), g.span()};
        if constexpr (Level + 1 < depth) {
            if (k == entry_kind::table) return query_from<Level + 1>(F::address(e, Level), va);
        }
        return fail(error::not_mapped);
    }

    // The flags a leaf grants as the TLB will hold it (with its pair partner, where pairs share
    // bits).
    constexpr flags tlb_flags(paddr table, std::size_t i, entry e, unsigned level) const {
        if constexpr (paired_leaves<F>) {
            if (level == last_level) return F::pair_flags(F::leaf_flags(e, level), load(table, i ^ 1));
        }
        return F::leaf_flags(e, level);
    }

    // Visits present entries depth first; `limit` caps the entries visited per table. `base`:
    // the VA of root entry 0 (geo::high_half_base for the high root of split roots).
    template <class Pre, class Post>
    constexpr void walk(std::size_t limit, Pre&& pre, Post&& post, vaddr base = 0) const {
        walk_table(0, root_, base, limit, pre, post);
    }

    // Does the subtree of the table of `level` at pa map nothing (tables a single-page unmap
    // emptied and a cursor reclaims at its flush)?
    constexpr bool subtree_empty(paddr table, unsigned level) const {
        for (std::size_t i = 0; i < F::levels[level].entries(); ++i) {
            const entry e = load(table, i);
            switch (F::kind(e, level)) {
                case entry_kind::empty: break;
                case entry_kind::leaf: return false;
                case entry_kind::table:
                    if (!subtree_empty(F::address(e, level), level + 1)) return false;
                    break;
            }
        }
        return true;
    }

    // Is the table of `level` at pa free of any present entry?
    constexpr bool table_empty(paddr table, unsigned level) const {
        for (std::size_t i = 0; i < F::levels[level].entries(); ++i)
            if (F::kind(load(table, i), level) != entry_kind::empty) return false;
        return true;
    }

    // ---- mapping ---------------------------------------------------------------------

    // Maps [va, va + size) to get_paddr(page va) for each page, with the largest entries the
    // format allows at each step when allow_huge (a huge entry is used when the whole entry is
    // inside the range and get_paddr(first va) is aligned to it; the run is then assumed
    // physically contiguous). get_paddr is called in the plan and again in the apply phase
    // (unless the plan found it linear, va -> va + delta, over every leaf: then the apply phase
    // writes as map_linear does); it must be a pure function. `huge_conflict` is the error for
    // an existing leaf above the target.
    template <class GetPaddr, class Sink>
    constexpr status map_region(vaddr va, GetPaddr&& get_paddr, std::uint64_t size, flags f,
                                bool allow_huge, Sink& sink,
                                error huge_conflict = error::already_mapped) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        PTGEN_TRY(check_range(va, size));
        map_job<GetPaddr> job{get_paddr, f, allow_huge ? ~std::uint64_t{0} : 0, huge_conflict,
                              false, 0};
        level_counts need{};
        PTGEN_TRY((map_walk<false>(0, root_, true, va, va + (size - 1), job, need, nullptr, sink)));
        table_reserve reserve{};
        PTGEN_TRY(fill_reserve(reserve, need));
        // The plan saw every leaf map va to va + delta (get_paddr is pure: apply sees the same):
        // write as map_linear does, the same leaves in runs, with no get_paddr call per page.
        if (job.any_leaf && job.one_delta) job.linear = true;
        (void)map_walk<true>(0, root_, true, va, va + (size - 1), job, need, &reserve, sink);
        return {};
    }

    // Maps [va, va + size) to [pa, pa + size): map_region for a physically contiguous range.
    // Knowing that, the engine counts the tables of absent subtrees without visiting their
    // entries and writes runs of leaves with one fill per table: the path boot tables (built
    // by the compiler) and large run-time maps take.
    template <class Sink>
    constexpr status map_linear(vaddr va, paddr pa, std::uint64_t size, flags f, bool allow_huge,
                                Sink& sink, error huge_conflict = error::already_mapped) {
        return map_linear(va, pa, size, f, page_limit{allow_huge ? ~std::uint64_t{0} : 0}, sink,
                          huge_conflict);
    }
    // The same with the largest leaf capped at limit.max_leaf bytes (the smallest pages are
    // always allowed): a region that will be re-protected in 2 MiB pieces, say.
    template <class Sink>
    constexpr status map_linear(vaddr va, paddr pa, std::uint64_t size, flags f, page_limit limit,
                                Sink& sink, error huge_conflict = error::already_mapped) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        PTGEN_TRY(check_range(va, size));
        if (!is_aligned(pa, geo::min_page)) return fail(error::not_aligned);
        const paddr pa_last = pa + (size - 1);
        if (pa_last < pa || !geo::pa_valid(pa) || !geo::pa_valid(pa_last))
            return fail(error::out_of_range);
        const std::uint64_t delta = pa - va;
        auto linear = [delta](vaddr v) { return v + delta; };
        map_job<decltype(linear)> job{linear, f, limit.max_leaf, huge_conflict, true, delta};
        level_counts need{};
        PTGEN_TRY((map_walk<false>(0, root_, true, va, va + (size - 1), job, need, nullptr, sink)));
        table_reserve reserve{};
        PTGEN_TRY(fill_reserve(reserve, need));
        (void)map_walk<true>(0, root_, true, va, va + (size - 1), job, need, &reserve, sink);
        return {};
    }

    // Maps one page of `size` (a leaf size of the format) at va to pa: one descent from the
    // root; the missing tables are allocated first (a failure frees them and writes nothing),
    // then linked bottom-up, the link into the live tree last.
    template <class Sink>
    constexpr status map(vaddr va, paddr pa, std::uint64_t size, flags f, Sink& sink) {
        const int leaf = geo::leaf_level_for(size);
        if (leaf < 0) return fail(error::not_aligned);
        if (!is_aligned(va, size) || !is_aligned(pa, size)) return fail(error::not_aligned);
        if (!F::accepts(f)) return fail(error::invalid_flags);
        PTGEN_TRY(check_range(va, size));
        const paddr pa_last = pa + (size - 1);
        if (pa_last < pa || !geo::pa_valid(pa) || !geo::pa_valid(pa_last))
            return fail(error::out_of_range);
        return map_one(va, pa, unsigned(leaf), f, sink);
    }

    // Removes every mapping in [va, va + size); all of it must be mapped. Huge pages only
    // partly inside are split; tables left empty are unlinked and retired.
    template <class Sink>
    constexpr status unmap_region(vaddr va, std::uint64_t size, Sink& sink) {
        PTGEN_TRY(check_range(va, size));
        return modify(va, size, modify_job{true, flags::none}, sink);
    }

    // Changes the flags of every mapping in [va, va + size); all of it must be mapped. Huge
    // pages only partly inside are split (unless they already carry the new flags).
    template <class Sink>
    constexpr status protect_region(vaddr va, std::uint64_t size, flags f, Sink& sink) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        PTGEN_TRY(check_range(va, size));
        return modify(va, size, modify_job{false, F::effective(f)}, sink);
    }

    // The leaf that maps va: its level and its raw entry (the seed's single-page calls act
    // on the whole entry, whatever its size).
    struct leaf_slot {
        paddr table;
        std::size_t index;
        unsigned level;
        entry raw;
    };
    constexpr result<leaf_slot> find_leaf(vaddr va) const {
        if (!F::va_valid(va)) return fail(error::out_of_range);
        paddr table = root_;
        for (unsigned level = 0;; ++level) {
            const std::size_t i = F::levels[level].index_of(va);
            const entry e = load(table, i);
            switch (F::kind(e, level)) {
                case entry_kind::empty: return fail(error::not_mapped);
                case entry_kind::leaf: return leaf_slot{table, i, level, e};
                case entry_kind::table: table = F::address(e, level); break;
            }
        }
    }

    // Points the page that maps va at pa with flags f; returns the page size.
    template <class Sink>
    constexpr result<std::uint64_t> remap(vaddr va, paddr pa, flags f, Sink& sink) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        auto slot = find_leaf(va);
        if (!slot) return fail(slot.err());
        const std::uint64_t span = geo::span(slot->level);
        if (!is_aligned(pa, span)) return fail(error::not_aligned);
        if (!geo::pa_valid(pa)) return fail(error::out_of_range);
        replace_live(slot->table, slot->index, F::encode_leaf(pa, f, slot->level),
                     align_down(va, span), F::address(slot->raw, slot->level) != pa, sink);
        leaves_written(slot->table, slot->level, slot->index, 1);
        sink.changed(align_down(va, span));
        return span;
    }

    // Changes the flags of the whole page that maps va; returns the page size.
    template <class Sink>
    constexpr result<std::uint64_t> protect(vaddr va, flags f, Sink& sink) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        auto slot = find_leaf(va);
        if (!slot) return fail(slot.err());
        const std::uint64_t span = geo::span(slot->level);
        store(slot->table, slot->index,
              F::encode_leaf(F::address(slot->raw, slot->level), f, slot->level));
        leaves_written(slot->table, slot->level, slot->index, 1);
        sink.changed(align_down(va, span));
        return span;
    }

    // Unmaps the whole page that maps va; returns what it mapped (pa of the page's start).
    // The tables this may leave empty are reclaimed along va: at once, or when the sink can
    // defer it (a cursor: at its next flush, so that mapping the page again finds its tables).
    template <class Sink>
    constexpr result<translation> unmap(vaddr va, Sink& sink) {
        if (!F::va_valid(va)) return fail(error::out_of_range);
        paddr table = root_;
        for (unsigned level = 0;; ++level) {
            const std::size_t i = F::levels[level].index_of(va);
            const entry e = load(table, i);
            switch (F::kind(e, level)) {
                case entry_kind::empty: return fail(error::not_mapped);
                case entry_kind::table: table = F::address(e, level); break;
                case entry_kind::leaf: {
                    const std::uint64_t span = geo::span(level);
                    const translation old{F::address(e, level), F::leaf_flags(e, level), span};
                    store(table, i, entry{0});
                    leaves_written(table, level, i, 1);
                    sink.changed(align_down(va, span));
                    if (level != 0) {
                        if constexpr (requires { sink.reclaim_later(va); }) sink.reclaim_later(va);
                        else reclaim_along(va, sink);
                    }
                    return old;
                }
            }
        }
    }

    // Unlinks and retires, from the bottom up, the tables on the path to va that are empty.
    template <class Sink>
    constexpr void reclaim_along(vaddr va, Sink& sink) {
        std::array<paddr, depth> path{};
        path[0] = root_;
        unsigned level = 0;
        while (level + 1 < depth) {
            const entry e = load(path[level], F::levels[level].index_of(va));
            if (F::kind(e, level) != entry_kind::table) break;
            path[level + 1] = F::address(e, level);
            ++level;
        }
        for (; level > 0 && table_empty(path[level], level); --level) {
            store(path[level - 1], F::levels[level - 1].index_of(va), entry{0});
            sink.retire(path[level], level);
        }
    }

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

    constexpr entry load(paddr table, std::size_t i) const {
        return mem_.template view<entry>(table).load(i);
    }
    constexpr void store(paddr table, std::size_t i, entry e) {
        mem_.template view<entry>(table).store(i, e);
    }

private:
    M& mem_;
    paddr root_;

    using level_counts = std::array<std::size_t, depth>;

    // Tables allocated in phase 2, kept as a list threaded through each table's entry 0
    // (the tables are not linked anywhere yet, so nothing else reads them).
    struct table_reserve {
        std::array<paddr, depth> head{};
        std::array<std::size_t, depth> count{};
    };

    constexpr status check_range(vaddr va, std::uint64_t size) const {
        if (size == 0 || !is_aligned(va, geo::min_page) || !is_aligned(size, geo::min_page))
            return fail(error::not_aligned);
        const vaddr last = va + (size - 1);
        if (last < va || !F::va_valid(va) || !F::va_valid(last) || ((last - va) >> F::va_bits) != 0)
            return fail(error::out_of_range);
        return {};
    }

    constexpr status fill_reserve(table_reserve& r, const level_counts& need) {
        for (unsigned level = 1; level < depth; ++level) {
            for (std::size_t n = 0; n < need[level]; ++n) {
                auto t = mem_.allocate_table(F::levels[level]);
                // A table the format cannot point to (above its physical range) is no memory.
                if (t && !geo::pa_valid(*t)) {
                    mem_.free_table(*t, F::levels[level]);
                    drain_reserve(r);
                    return fail(error::no_memory);
                }
                if (!t) {
                    drain_reserve(r);
                    return fail(error::no_memory);
                }
                store(*t, 0, entry(r.head[level]));
                r.head[level] = *t;
                ++r.count[level];
            }
        }
        return {};
    }
    constexpr void drain_reserve(table_reserve& r) {
        for (unsigned level = 1; level < depth; ++level)
            while (r.count[level] != 0) mem_.free_table(take(r, level), F::levels[level]);
    }
    constexpr paddr take(table_reserve& r, unsigned level) {
        const paddr t = r.head[level];
        r.head[level] = paddr(load(t, 0));
        --r.count[level];
        store(t, 0, entry{0});
        return t;
    }

    // Replaces a present entry. When the output address or the entry's size changes, Arm
    // requires break-before-make: invalidate, flush that address, then write the new entry.
    template <class Sink>
    constexpr void replace_live(paddr table, std::size_t i, entry e, vaddr va, bool remapped,
                                Sink& sink) {
        if constexpr (Sink::break_before_make) {
            if (remapped) {
                store(table, i, entry{0});
                sink.invalidate_now(va);
            }
        }
        store(table, i, e);
    }

    // ---- map ---------------------------------------------------------------------------

    // Writes leaf e at table[i] of `level` where `old` is empty, or a table that maps nothing:
    // that one is replaced (break-before-make where required) and its tables retired.
    template <class Sink>
    constexpr void place_leaf(paddr table, std::size_t i, entry old, entry e, unsigned level,
                              vaddr va, Sink& sink) {
        if (F::kind(old, level) == entry_kind::table) {
            replace_live(table, i, e, va, true, sink);
            retire_tree(F::address(old, level), level + 1, sink);
        } else {
            store(table, i, e);
        }
        leaves_written(table, level, i, 1);
    }

    template <class Sink>
    constexpr status map_one(vaddr va, paddr pa, unsigned leaf, flags f, Sink& sink) {
        paddr table = root_;
        unsigned level = 0;
        for (; level < leaf; ++level) {
            const entry e = load(table, F::levels[level].index_of(va));
            const entry_kind k = F::kind(e, level);
            if (k == entry_kind::leaf) return fail(error::mapped_to_huge_page);
            if (k == entry_kind::empty) break;
            table = F::address(e, level);
        }
        const std::size_t li = F::levels[leaf].index_of(va);
        if (level == leaf) {
            const entry old = load(table, li);
            const entry_kind k = F::kind(old, leaf);
            if (k == entry_kind::leaf ||
                (k == entry_kind::table && !subtree_empty(F::address(old, leaf), leaf + 1)))
                return fail(error::already_mapped);
            place_leaf(table, li, old, F::encode_leaf(pa, f, leaf), leaf, va, sink);
            sink.changed(va);
            return {};
        }
        std::array<paddr, depth + 1> fresh{};  // tables of levels level + 1 .. leaf (+1: g++ bounds)
        for (unsigned l = level + 1; l <= leaf; ++l) {
            auto t = mem_.allocate_table(F::levels[l]);
            if (!t || !geo::pa_valid(*t)) {  // (a table the format cannot point to: no memory)
                if (t) mem_.free_table(*t, F::levels[l]);
                for (unsigned k = level + 1; k < l; ++k) mem_.free_table(fresh[k], F::levels[k]);
                return fail(error::no_memory);
            }
            fresh[l] = *t;
        }
        store(fresh[leaf], li, F::encode_leaf(pa, f, leaf));
        leaves_written(fresh[leaf], leaf, li, 1);
        for (unsigned l = leaf; l > level + 1; --l)
            store(fresh[l - 1], F::levels[l - 1].index_of(va), F::encode_table(fresh[l], l - 1));
        store(table, F::levels[level].index_of(va), F::encode_table(fresh[level + 1], level));
        sink.changed(va);
        return {};
    }

    // The last byte of the run of whole entries that starts at va, within the table and [.., last].
    static constexpr vaddr last_whole_entry(vaddr va, vaddr last, std::uint64_t span_mask,
                                            std::size_t index, const level_geometry& g) {
        const std::uint64_t in_table = g.entries() - index;               // entries left here
        const std::uint64_t in_range = ((last - va) >> g.shift) + 1;     // whole or not
        std::uint64_t n = in_table < in_range ? in_table : in_range;
        vaddr run_last = va + ((n - 1) << g.shift) + span_mask;
        if (run_last > last) run_last -= g.span();  // the final entry is partial
        return run_last;
    }

    template <class GetPaddr>
    struct map_job {
        GetPaddr& get_paddr;
        flags f;
        std::uint64_t max_leaf;  // leaves above the last level span at most this
        error huge_conflict;
        bool linear;          // get_paddr(v) == v + delta
        std::uint64_t delta;
        // Plan phase of other jobs: did every leaf planned so far map va to va + delta?
        bool any_leaf = false;
        bool one_delta = true;
        bool displaces = false;  // a leaf replaces an emptied table: no blind fills

        constexpr void note_leaf(vaddr va, paddr pa) {
            if (!any_leaf) {
                delta = pa - va;
                any_leaf = true;
            } else if (pa - va != delta) {
                one_delta = false;
            }
        }

        // Do the whole entries of `level` become leaves (linear jobs only)?
        constexpr bool leaves_at(unsigned level) const {
            return F::levels[level].leaf_allowed &&
                   (F::levels[level].span() <= max_leaf || level == last_level) &&
                   is_aligned(delta, F::levels[level].span());
        }
    };

    // Plan phase of a linear job inside a table that does not exist yet: every entry is empty,
    // so the tables below follow from the geometry alone. Adds to need; visits no entry.
    template <class Job>
    static constexpr void count_absent(unsigned level, vaddr first, vaddr last, const Job& job,
                                       level_counts& need) {
        if (level == last_level) return;
        const auto& g = F::levels[level];
        const unsigned shift = g.shift;
        const std::uint64_t span_mask = g.span() - 1;
        const std::uint64_t first_block = first >> shift, last_block = last >> shift;
        const bool leaves = job.leaves_at(level);
        // head and tail blocks may be partial; the blocks between are whole
        const bool head_whole = (first & span_mask) == 0 &&
                                (first_block != last_block || (last & span_mask) == span_mask);
        const bool tail_whole = (last & span_mask) == span_mask;
        auto partial = [&](vaddr a, vaddr b) {
            ++need[level + 1];
            count_absent(level + 1, a, b, job, need);
        };
        std::uint64_t whole_blocks = 0;
        if (first_block == last_block) {
            if (head_whole) whole_blocks = 1;
            else partial(first, last);
        } else {
            if (head_whole) ++whole_blocks;
            else partial(first, first | span_mask);
            if (tail_whole) ++whole_blocks;
            else partial(last & ~span_mask, last);
            whole_blocks += last_block - first_block - 1;
        }
        if (whole_blocks == 0 || leaves) return;
        // each whole block needs a table and the same subtree below it
        level_counts one{};
        const vaddr b = (head_whole ? first : (first | span_mask) + 1);
        count_absent(level + 1, b, b | span_mask, job, one);
        need[level + 1] += std::size_t(whole_blocks);
        for (unsigned l = level + 2; l < depth; ++l) need[l] += std::size_t(whole_blocks) * one[l];
    }

    // Maps [first, last] inside the table of `level` at `table` (absent in the plan phase
    // when the table does not exist yet: every entry then reads as empty).
    template <bool Apply, class Job, class Sink>
    constexpr status map_walk(unsigned level, paddr table, bool present, vaddr first,
                              vaddr last, Job& job, level_counts& need, table_reserve* reserve,
                              Sink& sink) {
        const auto& g = F::levels[level];
        const std::uint64_t span_mask = g.span() - 1;
        if constexpr (!Apply) {
            if (!present && job.linear) {
                count_absent(level, first, last, job, need);
                return {};
            }
            // In a last-level table every entry is whole and becomes a leaf: a tight loop.
            if (level == last_level) {
                return present ? plan_leaf_run<true>(table, first, last, job)
                               : plan_leaf_run<false>(table, first, last, job);
            }
        } else {
            if (level == last_level && !job.linear) {
                apply_leaf_run(table, first, last, job, sink);
                return {};
            }
        }
        for (vaddr va = first;;) {
            const vaddr entry_last = va | span_mask;
            const vaddr chunk_last = entry_last < last ? entry_last : last;
            const std::size_t i = g.index_of(va);
            const bool whole = (va & span_mask) == 0 && chunk_last == entry_last;
            if constexpr (Apply) {
                // A run of whole entries that all become leaves: one fill, no per-entry walk
                // (the plan phase proved them empty).
                if (job.linear && whole && job.leaves_at(level) && !job.displaces) {
                    const vaddr run_last = last_whole_entry(va, last, span_mask, i, g);
                    const std::size_t n = std::size_t((run_last - va) >> g.shift) + 1;
                    store_leaves(mem_.template view<entry>(table), i, n, va + job.delta, job.f,
                                 level);
                    leaves_written(table, level, i, n);
                    sink.changed_run(va, n, g.span());
                    if (run_last == last) return {};
                    va = run_last + 1;
                    continue;
                }
            }
            const entry e = present ? load(table, i) : entry{0};
            const entry_kind k = F::kind(e, level);

            bool placed = false;
            if (whole && g.leaf_allowed && (g.span() <= job.max_leaf || level == last_level)) {
                const paddr pa = job.get_paddr(va);
                if (is_aligned(pa, g.span())) {
                    // A table that maps nothing (left for a cursor's flush) gives way to the leaf.
                    const bool emptied = k == entry_kind::table &&
                                         subtree_empty(F::address(e, level), level + 1);
                    if (k != entry_kind::empty && !emptied) return fail(error::already_mapped);
                    if (!geo::pa_valid(pa)) return fail(error::out_of_range);
                    if constexpr (Apply) {
                        place_leaf(table, i, e, F::encode_leaf(pa, job.f, level), level, va, sink);
                        sink.changed(va);
                    } else {
                        job.note_leaf(va, pa);
                        job.displaces |= emptied;
                    }
                    placed = true;
                } else if (level == last_level) {
                    return fail(error::not_aligned);
                }
            }
            if (!placed) {
                if (k == entry_kind::leaf) return fail(job.huge_conflict);
                paddr child = 0;
                bool child_present = false;
                if (k == entry_kind::table) {
                    child = F::address(e, level);
                    child_present = true;
                } else if constexpr (Apply) {
                    child = take(*reserve, level + 1);
                    store(table, i, F::encode_table(child, level));
                    child_present = true;
                } else {
                    ++need[level + 1];
                }
                PTGEN_TRY((map_walk<Apply>(level + 1, child, child_present, va, chunk_last, job,
                                           need, reserve, sink)));
            }
            if (chunk_last == last) return {};
            va = chunk_last + 1;
        }
    }

    // Runs of last-level entries: [first, last] inside one last-level table, where every entry
    // is whole. Small loops of their own, so that the codec and get_paddr inline and nothing
    // is re-derived per entry; same checks, in the same order, as the general loops.

    // Plan: each page's pa aligned, its entry empty (in a table that exists), its pa in range.
    template <bool Present, class Job>
    [[gnu::flatten]] constexpr status plan_leaf_run(paddr table, vaddr first, vaddr last,
                                                    Job& job) const {
        const auto& g = F::levels[last_level];
        const std::size_t i0 = g.index_of(first);
        const std::size_t n = std::size_t((last - first) >> g.shift) + 1;
        if constexpr (!Present) {
            // A new table and a physically contiguous run (the usual get_paddr): one compare
            // per page, and the checks of the loop below hold for all pages when they hold at
            // the run's ends. Anything else takes the loop, which finds the first failing page.
            const paddr pa0 = job.get_paddr(first);
            std::size_t k = 1;
            while (k < n && job.get_paddr(first + (vaddr(k) << g.shift)) ==
                                pa0 + (std::uint64_t(k) << g.shift))
                ++k;
            const vaddr va_end = first + (vaddr(n - 1) << g.shift);
            const paddr pa_end = pa0 + (va_end - first);
            if (k == n && is_aligned(pa0, g.span()) && pa_end >= pa0 && geo::pa_valid(pa_end)) {
                job.note_leaf(first, pa0);
                job.note_leaf(va_end, pa_end);
                return {};
            }
        }
        Job local = job;  // note_leaf's state in registers
        for (std::size_t k = 0; k < n; ++k) {
            const vaddr va = first + (vaddr(k) << g.shift);
            const paddr pa = local.get_paddr(va);
            if (!is_aligned(pa, g.span())) return fail(error::not_aligned);
            if constexpr (Present) {
                if (F::kind(load(table, i0 + k), last_level) != entry_kind::empty)
                    return fail(error::already_mapped);
            }
            if (!geo::pa_valid(pa)) return fail(error::out_of_range);
            local.note_leaf(va, pa);
        }
        job.any_leaf = local.any_leaf;
        job.one_delta = local.one_delta;
        job.delta = local.delta;
        return {};
    }

    // Apply (after plan_leaf_run succeeded) of a job that is not linear: one encode per page.
    template <class Job, class Sink>
    [[gnu::flatten]] constexpr void apply_leaf_run(paddr table, vaddr first, vaddr last,
                                                   const Job& job, Sink& sink) {
        const auto& g = F::levels[last_level];
        const std::size_t i0 = g.index_of(first);
        const std::size_t n = std::size_t((last - first) >> g.shift) + 1;
        const auto view = mem_.template view<entry>(table);
        const flags f = job.f;
        for (std::size_t k = 0; k < n; ++k)
            view.store(i0 + k, F::encode_leaf(job.get_paddr(first + (vaddr(k) << g.shift)), f,
                                              last_level));
        leaves_written(table, last_level, i0, n);
        sink.changed_run(first, n, g.span());
    }

    // Writes the n leaves of `level` that map [pa, pa + n * span) at entries i.. of a table:
    // one fill when the codec is affine in pa over the run (every format's leaves are; checked
    // at the run's end anyway), else one encode per entry.
    template <class View>
    static constexpr void store_leaves(const View& view, std::size_t i, std::size_t n, paddr pa,
                                       flags f, unsigned level) {
        const std::uint64_t span = F::levels[level].span();
        const entry e0 = F::encode_leaf(pa, f, level);
        if (n >= 4) {
            const entry stride = entry(F::encode_leaf(pa + span, f, level) - e0);
            if (entry(e0 + (n - 1) * stride) == F::encode_leaf(pa + (n - 1) * span, f, level)) {
                view.fill(i, n, e0, stride);
                return;
            }
        }
        view.store(i, e0);
        for (std::size_t k = 1; k < n; ++k)
            view.store(i + k, F::encode_leaf(pa + k * span, f, level));
    }

    // ---- unmap / protect -----------------------------------------------------------------

    struct modify_job {
        bool unmap;        // else protect
        flags new_flags;   // effective flags, for protect
    };

    template <class Sink>
    constexpr status modify(vaddr va, std::uint64_t size, modify_job job, Sink& sink) {
        const vaddr last = va + (size - 1);
        level_counts need{};
        PTGEN_TRY((modify_walk<false>(0, root_, no_leaf, va, last, job, need, nullptr, sink)));
        table_reserve reserve{};
        PTGEN_TRY(fill_reserve(reserve, need));
        (void)modify_walk<true>(0, root_, no_leaf, va, last, job, need, &reserve, sink);
        return {};
    }

    // In the plan phase a leaf that would be split is walked as a virtual table whose
    // entries are all pieces of that leaf (`raw`, decoded at `level`).
    struct split_leaf {
        bool active;
        entry raw;
        unsigned level;
    };
    static constexpr split_leaf no_leaf{false, entry{0}, 0};

    // Applies job to [first, last] inside the table of `level` (or inside virt).
    template <bool Apply, class Sink>
    constexpr status modify_walk(unsigned level, paddr table, split_leaf virt, vaddr first,
                                 vaddr last, const modify_job& job, level_counts& need,
                                 table_reserve* reserve, Sink& sink) {
        const auto& g = F::levels[level];
        const std::uint64_t span_mask = g.span() - 1;
        // In a real last-level table every entry is whole: no split, a tight loop.
        if (level == last_level && !virt.active) {
            if constexpr (Apply) {
                modify_leaf_run(table, first, last, job, sink);
                return {};
            } else {
                return plan_modify_leaf_run(table, first, last);
            }
        }
        for (vaddr va = first;;) {
            const vaddr entry_last = va | span_mask;
            const vaddr chunk_last = entry_last < last ? entry_last : last;
            const std::size_t i = g.index_of(va);
            const bool whole = (va & span_mask) == 0 && chunk_last == entry_last;
            const entry e = virt.active ? virt.raw : load(table, i);
            const unsigned e_level = virt.active ? virt.level : level;
            const entry_kind k = virt.active ? entry_kind::leaf : F::kind(e, level);

            if (k == entry_kind::empty) return fail(error::not_mapped);
            if (k == entry_kind::leaf) {
                const bool unchanged = !job.unmap && F::leaf_flags(e, e_level) == job.new_flags;
                if (unchanged) {
                    // protect to the flags it already has: nothing to write, nothing to split
                } else if (whole) {
                    if constexpr (Apply) {
                        store(table, i,
                              job.unmap ? entry{0}
                                        : F::encode_leaf(F::address(e, level), job.new_flags,
                                                         level));
                        sink.changed(va);
                    }
                } else if constexpr (!Apply) {
                    ++need[level + 1];
                    PTGEN_TRY((modify_walk<false>(level + 1, 0, split_leaf{true, e, e_level}, va,
                                                  chunk_last, job, need, reserve, sink)));
                } else {
                    const paddr child = split(*reserve, table, i, e, level, va, sink);
                    (void)modify_walk<true>(level + 1, child, no_leaf, va, chunk_last, job, need,
                                            reserve, sink);
                }
            } else {
                const paddr child = F::address(e, level);
                PTGEN_TRY((modify_walk<Apply>(level + 1, child, no_leaf, va, chunk_last, job,
                                              need, reserve, sink)));
                if constexpr (Apply) {
                    // A table whose whole span was unmapped is empty without looking.
                    if (job.unmap && (whole || table_empty(child, level + 1))) {
                        store(table, i, entry{0});
                        sink.retire(child, level + 1);  // unreachable after the next flush
                    }
                }
            }
            if (chunk_last == last) return {};
            va = chunk_last + 1;
        }
    }

    // Plan of unmap/protect in a last-level table: every page must be mapped.
    [[gnu::flatten]] constexpr status plan_modify_leaf_run(paddr table, vaddr first,
                                                           vaddr last) const {
        const auto& g = F::levels[last_level];
        const std::size_t i0 = g.index_of(first);
        const std::size_t n = std::size_t((last - first) >> g.shift) + 1;
        bool all_leaves = true;  // no branch per entry: the failure is rare, its place moot
        for (std::size_t k = 0; k < n; ++k)
            all_leaves &= F::kind(load(table, i0 + k), last_level) == entry_kind::leaf;
        if (!all_leaves) return fail(error::not_mapped);
        return {};
    }

    // Apply (after plan_modify_leaf_run succeeded): clear the run, or re-encode each leaf whose
    // flags change.
    template <class Sink>
    [[gnu::flatten]] constexpr void modify_leaf_run(paddr table, vaddr first, vaddr last,
                                                    const modify_job& job, Sink& sink) {
        const auto& g = F::levels[last_level];
        const std::size_t i0 = g.index_of(first);
        const std::size_t n = std::size_t((last - first) >> g.shift) + 1;
        const auto view = mem_.template view<entry>(table);
        if (job.unmap) {
            view.fill(i0, n, entry{0}, entry{0});
            leaves_written(table, last_level, i0, n);
            sink.changed_run(first, n, g.span());
            return;
        }
        // The head of leaves one stride apart from the first (physically contiguous, one set of
        // flags) is re-encoded in one pass, the new leaves one stride apart too, when the codec
        // is affine over the run (checked at its ends first); the rest entry by entry.
        const std::uint64_t span = g.span();
        const flags nf = job.new_flags;
        const entry e0 = view.load(i0);
        const paddr a0 = F::address(e0, last_level);
        const paddr a_end = a0 + (n - 1) * span;
        const flags f0 = F::leaf_flags(e0, last_level);
        const entry old0 = F::encode_leaf(a0, f0, last_level);
        const entry old_stride = entry(F::encode_leaf(a0 + span, f0, last_level) - old0);
        const entry new0 = F::encode_leaf(a0, nf, last_level);
        const entry new_stride = entry(F::encode_leaf(a0 + span, nf, last_level) - new0);
        std::size_t m = 0;
        if (n >= 4 && entry(old0 + (n - 1) * old_stride) == F::encode_leaf(a_end, f0, last_level) &&
            entry(new0 + (n - 1) * new_stride) == F::encode_leaf(a_end, nf, last_level)) {
            entry expect = e0, put = new0;
            if (f0 == nf) {  // unchanged leaves: nothing to write
                for (; m < n && view.load(i0 + m) == expect; ++m) expect += old_stride;
            } else {
                for (; m < n && view.load(i0 + m) == expect; ++m) {
                    view.store(i0 + m, put);
                    expect += old_stride;
                    put += new_stride;
                }
                sink.changed_run(first, m, span);
            }
        }
        for (std::size_t k = m; k < n; ++k) {
            const entry e = view.load(i0 + k);
            if (F::leaf_flags(e, last_level) == job.new_flags) continue;
            view.store(i0 + k,
                       F::encode_leaf(F::address(e, last_level), job.new_flags, last_level));
            sink.changed(first + (vaddr(k) << g.shift));
        }
        leaves_written(table, last_level, i0, n);
    }

    // After entries [i, i + n) of a last-level table were written: keep the pairs at the run's
    // ends normalised (formats with paired_leaves; the pairs inside the run are whole).
    constexpr void leaves_written(paddr table, unsigned level, std::size_t i, std::size_t n) {
        if constexpr (paired_leaves<F>) {
            if (level != last_level) return;
            normalise_pair(table, i & ~std::size_t{1});
            if (((i + n - 1) & ~std::size_t{1}) != (i & ~std::size_t{1}))
                normalise_pair(table, (i + n - 1) & ~std::size_t{1});
        } else {
            (void)table, (void)level, (void)i, (void)n;
        }
    }
    constexpr void normalise_pair(paddr table, std::size_t even) {
        const entry a = load(table, even), b = load(table, even + 1);
        const bool a_leaf = F::kind(a, last_level) == entry_kind::leaf;
        const bool b_leaf = F::kind(b, last_level) == entry_kind::leaf;
        if (a_leaf == b_leaf) {
            if (!a_leaf && a != 0) store(table, even, entry{0});
            if (!b_leaf && b != 0) store(table, even + 1, entry{0});
        } else if (a_leaf) {
            if (b != F::pair_filler(a)) store(table, even + 1, F::pair_filler(a));
        } else if (a != F::pair_filler(b)) {
            store(table, even, F::pair_filler(b));
        }
    }

    // Replaces the leaf e (at table[i], level) by a table of equivalent smaller leaves.
    template <class Sink>
    constexpr paddr split(table_reserve& reserve, paddr table, std::size_t i, entry e,
                          unsigned level, vaddr va, Sink& sink) {
        const paddr child = take(reserve, level + 1);
        const auto& cg = F::levels[level + 1];
        const paddr base = F::address(e, level);
        const flags f = F::leaf_flags(e, level);
        for (std::size_t j = 0; j < cg.entries(); ++j)
            store(child, j, F::encode_leaf(base + j * cg.span(), f, level + 1));
        replace_live(table, i, F::encode_table(child, level), align_down(va, F::levels[level].span()),
                     true, sink);
        return child;
    }

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
    // Retires the owned tables of an unlinked subtree, children first (a retire may flush and
    // free at once; a freed table's entries are never read again).
    template <class Sink>
    constexpr void retire_tree(paddr table, unsigned level, Sink& sink) {
        if (level < last_level) {
            for (std::size_t i = 0; i < F::levels[level].entries(); ++i) {
                const entry e = load(table, i);
                if (F::kind(e, level) == entry_kind::table && mem_.owns(F::address(e, level)))
                    retire_tree(F::address(e, level), level + 1, sink);
            }
        }
        sink.retire(table, level);
    }

    constexpr void free_tree(paddr table, unsigned level) {
        if (level < last_level) {
            for (std::size_t i = 0; i < F::levels[level].entries(); ++i) {
                const entry e = load(table, i);
                if (F::kind(e, level) == entry_kind::table) free_tree(F::address(e, level), level + 1);
            }
        }
        if (mem_.owns(table)) mem_.free_table(table, F::levels[level]);
    }

    static constexpr vaddr canonical(vaddr va) noexcept {
        return F::va_valid(va) ? va : (va | ~low_mask(F::va_bits));
    }

    template <class Pre, class Post>
    constexpr void walk_table(unsigned level, paddr table, vaddr base, std::size_t limit,
                              Pre& pre, Post& post) const {
        const auto& g = F::levels[level];
        std::size_t visited = 0;
        for (std::size_t i = 0; i < g.entries() && visited < limit; ++i) {
            const entry e = load(table, i);
            const entry_kind k = F::kind(e, level);
            if (k == entry_kind::empty) continue;
            ++visited;
            const walk_entry<entry> we{level, i, canonical(base + i * g.span()), e, k};
            pre(we);
            if (k == entry_kind::table)
                walk_table(level + 1, F::address(e, level), base + i * g.span(), limit, pre, post);
            post(we);
        }
    }
};

// The sink for callers that have no TLB to maintain (compile-time builds, tables not live):
// empty tables are freed at once.
template <class M, page_table_format F>
struct free_at_once {
    static constexpr bool break_before_make = false;
    M& memory;
    constexpr void changed(vaddr) noexcept {}
    constexpr void changed_run(vaddr, std::size_t, std::uint64_t) noexcept {}
    constexpr void invalidate_now(vaddr) noexcept {}
    constexpr void retire(paddr pa, unsigned level) {
        if (memory.owns(pa)) memory.free_table(pa, F::levels[level]);
    }
};

}  // namespace ptgen
