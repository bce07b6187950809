// ptgen/core/engine_modify.hpp: unmap, protect and remap of the engine: the single-page
// calls, the range calls (check, plan_modify, reserve, apply_modify; splits through
// contiguous_runs.hpp) and the reclaim of tables left empty.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "engine_map.hpp"

namespace ptgen {

template <page_table_format F, class M>
class engine_modify : public engine_map<F, M> {
public:
    using base = engine_base<F, M>;
    using typename base::entry;
    using typename base::geo;
    using base::depth;
    using base::last_level;
    using base::load;
    using base::store;
    using base::find_leaf;
    using engine_map<F, M>::engine_map;

protected:
    using base::mem_;
    using base::root_;
    using typename base::level_counts;
    using typename base::table_reserve;
    using base::replace_live;
    using base::leaves_written;
    using typename base::walker_type;

public:
    // Removes every mapping in [va, va + size); all of it must be mapped (with skip_holes:
    // what is mapped of it). Huge pages only partly inside are split; tables left empty are
    // unlinked and retired.
    template <mutation_sink Sink>
    constexpr status unmap_region(vaddr va, std::uint64_t size, Sink& sink, holes h = holes::refuse) {
        PTGEN_TRY(range_rules<F>::check_va_range(va, size));
        return modify(va, size, modify_job{true, flags::none, h == holes::skip}, sink);
    }

    // Changes the flags of every mapping in [va, va + size); all of it must be mapped (with
    // skip_holes: what is mapped of it). Huge pages only partly inside are split (unless they
    // already carry the new flags).
    template <mutation_sink Sink>
    constexpr status protect_region(vaddr va, std::uint64_t size, flags f, Sink& sink,
                                    holes h = holes::refuse) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        PTGEN_TRY(range_rules<F>::check_va_range(va, size));
        return modify(va, size, modify_job{false, F::effective(f), h == holes::skip}, sink);
    }


    // Points the page that maps va at pa with flags f; returns the page size.
    template <mutation_sink Sink>
    constexpr result<std::uint64_t> remap(vaddr va, paddr pa, flags f, Sink& sink) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        auto slot = find_leaf(va, sink);
        if (!slot) return fail(slot.err());
        const std::uint64_t span = geo::span(slot->level);
        if (!is_aligned(pa, span)) return fail(error::not_aligned);
        if (!geo::pa_valid(pa)) return fail(error::out_of_range);
        this->unmark_run_of(*slot, va, sink);
        replace_live(slot->table, slot->index, F::encode_leaf(pa, f, slot->level),
                     align_down(va, span), F::address(slot->raw, slot->level) != pa, sink);
        leaves_written(slot->table, slot->level, slot->index, 1);
        sink.changed(align_down(va, span));
        return span;
    }

    // Changes the flags of the whole page that maps va; returns the page size.
    template <mutation_sink Sink>
    constexpr result<std::uint64_t> protect(vaddr va, flags f, Sink& sink) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        auto slot = find_leaf(va, sink);
        if (!slot) return fail(slot.err());
        const std::uint64_t span = geo::span(slot->level);
        this->unmark_run_of(*slot, va, sink);
        store(slot->table, slot->index,
              F::encode_leaf(F::address(slot->raw, slot->level), f, slot->level), slot->raw);
        leaves_written(slot->table, slot->level, slot->index, 1);
        sink.changed(align_down(va, span));
        return span;
    }

    // Unmaps the whole page that maps va; returns what it mapped (pa of the page's start).
    // The tables this may leave empty are reclaimed along va: at once, or when the sink can
    // defer it (a cursor: at its next flush, so that mapping the page again finds its tables).
    template <mutation_sink Sink>
    constexpr result<translation> unmap(vaddr va, Sink& sink) {
        auto slot = find_leaf(va, sink);
        if (!slot) return fail(slot.err());
        const std::uint64_t span = geo::span(slot->level);
        const translation old{leaf_address<F>(slot->raw, slot->level, va),
                              F::leaf_flags(slot->raw, slot->level), span};
        this->unmark_run_of(*slot, va, sink);
        store(slot->table, slot->index, entry{0}, slot->raw);
        leaves_written(slot->table, slot->level, slot->index, 1);
        sink.changed(align_down(va, span));
        if (slot->level != 0 && this->maybe_emptied(slot->table, slot->level)) {
            if constexpr (defers_reclaim<Sink>) sink.reclaim_later(va);
            else reclaim_along(va, sink);
        }
        return old;
    }

    // Unlinks and retires, from the bottom up, the tables on the path to va that are empty.
    template <class Sink>
    constexpr void reclaim_along(vaddr va, Sink& sink) {
        std::array<paddr, depth> path{};
        path[0] = root_;
        const auto d = base::walker_type::template descend<0, last_level>(
            *this, root_, va, [&path](unsigned level, paddr t) { path[level] = t; });
        unsigned level = d.level;
        for (; level > 0; --level) {
            if (!this->table_zero(path[level], level)) break;
            store(path[level - 1], F::levels[level - 1].index_of(va), entry{0});
            this->retire_emptied(path[level], level, sink);
        }
    }


private:
    // ---- unmap / protect -----------------------------------------------------------------

    struct modify_job {
        bool unmap;        // else protect
        flags new_flags;   // effective flags, for protect
        bool skip_holes;   // else a page of the range that is not mapped fails the call
    };

    template <class Sink>
    constexpr status modify(vaddr va, std::uint64_t size, modify_job job, Sink& sink) {
        const vaddr last = va + (size - 1);
        level_counts need{};
        PTGEN_TRY(plan_modify(0, root_, no_leaf, va, last, job, need));
        table_reserve reserve(mem_);
        PTGEN_TRY(reserve.fill(need, sink));
        apply_modify(0, root_, va, last, job, reserve, sink);
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

    // Does the job leave leaf e (of e_level) as it is (protect to the flags it has)?
    static constexpr bool unchanged(const modify_job& job, entry e, unsigned e_level) {
        return !job.unmap && F::leaf_flags(e, e_level) == job.new_flags;
    }

    // Plan: every page of [first, last] inside the table of `level` (or inside virt) must be
    // mapped; counts the tables that splits need.
    constexpr status plan_modify(unsigned level, paddr table, split_leaf virt, vaddr first,
                                 vaddr last, const modify_job& job, level_counts& need) const {
        // In a real last-level table every entry is whole: no split, a tight loop.
        if (level == last_level && !virt.active)
            return job.skip_holes ? status{} : plan_modify_leaf_run(table, first, last);
        return walker_type::for_each_chunk(level, first, last, [&](const chunk& c) -> status {
            const entry e = virt.active ? virt.raw : load(table, c.index);
            const unsigned e_level = virt.active ? virt.level : level;
            const entry_kind k = virt.active ? entry_kind::leaf : F::kind(e, level);
            if (k == entry_kind::empty) return job.skip_holes ? status{} : fail(error::not_mapped);
            if (k == entry_kind::table)
                return plan_modify(level + 1, F::address(e, level), no_leaf, c.first, c.last, job,
                                   need);
            if (c.whole || unchanged(job, e, e_level)) return {};
            ++need[level + 1];
            return plan_modify(level + 1, 0, split_leaf{true, e, e_level}, c.first, c.last, job,
                               need);
        });
    }

    // Apply (after the plan succeeded and the reserve holds its tables): cannot fail.
    template <class Sink>
    constexpr void apply_modify(unsigned level, paddr table, vaddr first, vaddr last,
                                const modify_job& job, table_reserve& reserve, Sink& sink) {
        this->prepare_runs(table, level, first, last,
                           job.unmap ? covered_runs::keep : covered_runs::reflag, job.new_flags, sink);
        if (level == last_level) return modify_leaf_run(table, first, last, job, sink);
        walker_type::for_each_chunk(level, first, last, [&](const chunk& c) {
            const entry e = load(table, c.index);
            if (F::kind(e, level) == entry_kind::empty) return;  // a hole the plan let pass
            if (F::kind(e, level) == entry_kind::table) {
                const paddr child = F::address(e, level);
                if (job.unmap && c.whole) {
                    // The whole subtree goes: unlinked, its entries left as they are (no walker
                    // reaches them after the flush that precedes the frees; a table ptgen does
                    // not own is not written).
                    store(table, c.index, entry{0}, e);
                    this->retire_tree(child, level + 1, sink);
                    return;
                }
                apply_modify(level + 1, child, c.first, c.last, job, reserve, sink);
                if (job.unmap && this->table_zero(child, level + 1)) {
                    store(table, c.index, entry{0}, e);
                    this->retire_emptied(child, level + 1, sink);  // unreachable after the next flush
                }
            } else if (unchanged(job, e, level)) {
                // protect to the flags it already has: nothing to write, nothing to split
            } else if (c.whole) {
                store(table, c.index,
                      job.unmap ? entry{0}
                                : F::encode_leaf(F::address(e, level), job.new_flags, level));
                sink.changed(c.first);
            } else {
                const paddr child = this->split(reserve, table, c.index, e, level, c.first, c.last, sink);
                apply_modify(level + 1, child, c.first, c.last, job, reserve, sink);
            }
        });
    }

    // Plan of unmap/protect in a last-level table: every page must be mapped.
    [[gnu::flatten]] constexpr status plan_modify_leaf_run(paddr table, vaddr first,
                                                           vaddr last) const {
        const auto& g = F::levels[last_level];
        const std::size_t i0 = g.index_of(first);
        const std::size_t n = std::size_t((last - first) >> g.shift) + 1;
        const auto is_leaf = [](std::size_t, entry e) { return F::kind(e, last_level) == entry_kind::leaf; };
        if (!this->all_entries(table, i0, n, is_leaf)) return fail(error::not_mapped);
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
            // Is the whole run affine? (one branch-free pass) Then one pass writes it.
            const auto k_th = [=](std::size_t k, entry e) { return e == entry(e0 + k * old_stride); };
            if (this->all_entries(table, i0, n, k_th)) {
                m = n;
                if (f0 != nf) {
                    this->rewrite_leaves(view, i0, n, new0, new_stride);
                    sink.changed_run(first, n, span);
                }
            }
        }
        for (std::size_t k = m; k < n; ++k) {
            const entry e = view.load(i0 + k);
            if (F::kind(e, last_level) != entry_kind::leaf) continue;  // (a hole: skip_holes)
            if (F::leaf_flags(e, last_level) == job.new_flags) continue;
            this->store_over(view, i0 + k,
                             F::encode_leaf(F::address(e, last_level), job.new_flags, last_level), e);
            sink.changed(first + (vaddr(k) << g.shift));
        }
        if (job.skip_holes) this->normalise_pairs(table, last_level, i0, n);
        else leaves_written(table, last_level, i0, n);
    }
};

}  // namespace ptgen
