// ptgen/core/engine_map_walk.hpp: the mapping walk of the engine (plan and apply of
// map_region and map_linear): the job, the count of absent subtrees from the geometry, the
// per-level walk and the last-level runs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "engine_base.hpp"

namespace ptgen {

template <page_table_format F, class M>
class engine_map_walk : public engine_base<F, M> {
public:
    using base = engine_base<F, M>;
    using typename base::entry;
    using typename base::geo;
    using base::depth;
    using base::last_level;
    using base::load;
    using base::store;
    using base::subtree_empty;
    using engine_base<F, M>::engine_base;

protected:
    using base::mem_;
    using base::root_;
    using typename base::level_counts;
    using typename base::table_reserve;
    using base::take;
    using base::place_leaf;
    using base::leaves_written;

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
};

}  // namespace ptgen
