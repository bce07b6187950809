// ptgen/core/engine_map_walk.hpp: the two walks of a mapping (map_region, map_linear): the
// plan (checks, counts tables; absent subtrees counted from the geometry alone) and the apply
// (writes; cannot fail), with their last-level runs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "contiguous_runs.hpp"

namespace ptgen {

template <page_table_format F, class M>
class engine_map_walk : public engine_runs<F, M> {
public:
    using base = engine_base<F, M>;
    using typename base::entry;
    using typename base::geo;
    using base::depth;
    using base::last_level;
    using base::load;
    using base::store;
    using base::subtree_empty;
    using typename base::walker_type;
    using engine_runs<F, M>::engine_runs;

protected:
    using runs = runs_of<F>;
    using base::mem_;
    using typename base::level_counts;
    using typename base::table_reserve;
    using base::place_leaf;
    using base::leaves_written;
    using engine_runs<F, M>::store_leaves;

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

    // Does chunk c of `level` become one leaf, and at which pa (else it goes to a table below)?
    // The same answer in both phases: get_paddr is pure.
    template <class Job>
    static constexpr bool becomes_leaf(unsigned level, const chunk& c, Job& job, paddr& pa) {
        const level_geometry& g = F::levels[level];
        if (!c.whole || !g.leaf_allowed || (g.span() > job.max_leaf && level != last_level))
            return false;
        pa = job.get_paddr(c.first);
        return is_aligned(pa, g.span());
    }

    // Plan: checks mapping [first, last] inside the table of `level` at `table` (absent when
    // the table does not exist yet: every entry then reads as empty) and counts the tables.
    template <class Job>
    constexpr status plan_map(unsigned level, paddr table, bool present, vaddr first, vaddr last,
                              Job& job, level_counts& need) const {
        if (!present && job.linear) {
            count_absent(level, first, last, job, need);
            return {};
        }
        // In a last-level table every entry is whole and becomes a leaf: a tight loop.
        if (level == last_level) {
            return present ? plan_leaf_run<true>(table, first, last, job)
                           : plan_leaf_run<false>(table, first, last, job);
        }
        return walker_type::for_each_chunk(level, first, last, [&](const chunk& c) -> status {
            const entry e = present ? load(table, c.index) : entry{0};
            const entry_kind k = F::kind(e, level);
            if (paddr pa = 0; becomes_leaf(level, c, job, pa)) {
                // A table that maps nothing (left for a cursor's flush) gives way to the leaf.
                const bool emptied = k == entry_kind::table &&
                                     subtree_empty(F::address(e, level), level + 1);
                if (k != entry_kind::empty && !emptied) return fail(error::already_mapped);
                if (!geo::pa_valid(pa)) return fail(error::out_of_range);
                job.note_leaf(c.first, pa);
                job.displaces |= emptied;
                return {};
            }
            if (k == entry_kind::leaf) return fail(job.huge_conflict);
            if (k == entry_kind::table)
                return plan_map(level + 1, F::address(e, level), true, c.first, c.last, job, need);
            ++need[level + 1];
            return plan_map(level + 1, 0, false, c.first, c.last, job, need);
        });
    }

    // Apply (after the plan succeeded and the reserve holds what it counted): cannot fail.
    template <class Job, class Sink>
    constexpr void apply_map(unsigned level, paddr table, vaddr first, vaddr last, Job& job,
                             table_reserve& reserve, Sink& sink) {
        if (level == last_level && !job.linear) return apply_leaf_run(table, first, last, job, sink);
        if (job.linear && !job.displaces && job.leaves_at(level))
            return apply_linear_leaves(level, table, first, last, job, reserve, sink);
        std::size_t marked_until = 0;  // entries [.., marked_until) are a run this call marks
        walker_type::for_each_chunk(level, first, last, [&](const chunk& c) {
            if (c.index % runs::at(level) == 0 && runs::at(level) > 1)
                marked_until = run_becomes_leaves(level, c, last, job) ? c.index + runs::at(level) : 0;
            apply_map_chunk(level, table, c, job, reserve, sink, c.index < marked_until);
        });
    }
    // Do the N entries from chunk c (the first of a run) all become leaves of one eligible
    // run (inside [.., last], pa contiguous from a pa aligned to the run)?
    template <class Job>
    static constexpr bool run_becomes_leaves(unsigned level, const chunk& c, vaddr last, Job& job) {
        const std::uint64_t span = F::levels[level].span();
        const std::size_t n = runs::at(level);
        if (last - c.first < vaddr(n) * span - 1) return false;
        paddr pa0 = 0;
        if (!becomes_leaf(level, c, job, pa0) || !runs::aligned(pa0, level)) return false;
        for (std::size_t k = 1; k < n; ++k)
            if (job.get_paddr(c.first + k * span) != pa0 + k * span) return false;
        return true;
    }
    template <class Job, class Sink>
    constexpr void apply_map_chunk(unsigned level, paddr table, const chunk& c, Job& job,
                                   table_reserve& reserve, Sink& sink, bool marked_run = false) {
        const entry e = load(table, c.index);
        if (paddr pa = 0; becomes_leaf(level, c, job, pa)) {
            place_leaf(table, c.index, e, runs::leaf(pa, job.f, level, marked_run), level, c.first,
                       sink);
            sink.changed(c.first);
            return;
        }
        paddr child = 0;
        if (F::kind(e, level) == entry_kind::table) {
            child = F::address(e, level);
        } else {
            child = reserve.take(level + 1);
            store(table, c.index, F::encode_table(child, level));
            this->table_linked(level, sink);
        }
        apply_map(level + 1, child, c.first, c.last, job, reserve, sink);
    }

    // A linear job whose whole entries of `level` all become leaves (the plan proved them
    // empty): the partial entries at the ends go below, the whole ones between are one fill.
    template <class Job, class Sink>
    constexpr void apply_linear_leaves(unsigned level, paddr table, vaddr first, vaddr last,
                                       Job& job, table_reserve& reserve, Sink& sink) {
        const level_geometry& g = F::levels[level];
        const std::uint64_t mask = g.span() - 1;
        vaddr body_first = first;
        if ((first & mask) != 0) {
            const vaddr head_last = (first | mask) < last ? (first | mask) : last;
            apply_map_chunk(level, table, chunk{g.index_of(first), first, head_last, false}, job,
                            reserve, sink);
            if (head_last == last) return;
            body_first = head_last + 1;
        }
        const bool tail_partial = (last & mask) != mask;
        const vaddr tail_first = last & ~mask;
        if (!tail_partial || tail_first > body_first) {
            const vaddr body_last = tail_partial ? tail_first - 1 : last;
            const std::size_t i = g.index_of(body_first);
            const std::size_t n = std::size_t((body_last - body_first) >> g.shift) + 1;
            store_leaves(mem_.template view<entry>(table), i, n, body_first + job.delta, job.f, level);
            leaves_written(table, level, i, n);
            sink.changed_run(body_first, n, g.span());
        }
        if (tail_partial)
            apply_map_chunk(level, table, chunk{g.index_of(tail_first), tail_first, last, false},
                            job, reserve, sink);
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
        const std::size_t run = runs::at(last_level);
        std::size_t marked_until = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const vaddr va = first + (vaddr(k) << g.shift);
            if (run > 1 && (i0 + k) % run == 0 && k + run <= n)
                marked_until = run_becomes_leaves(last_level, chunk{i0 + k, va, va | (g.span() - 1), true},
                                                  last, job) ? k + run : 0;
            view.store(i0 + k, runs::leaf(job.get_paddr(va), f, last_level, k < marked_until));
        }
        leaves_written(table, last_level, i0, n);
        sink.changed_run(first, n, g.span());
    }
};

}  // namespace ptgen
