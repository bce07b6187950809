// ptgen/core/contiguous_runs.hpp: runs of N adjacent leaves that a TLB may hold as one
// translation (formats with contiguous_leaves: AArch64's Contiguous bit, RISC-V Svnapot). The
// rule the engine keeps in every table: a run is marked whole or not at all, and only while its
// N entries (N-aligned) are leaves of one set of flags that map one physically contiguous run aligned to
// N pages ("eligible"). Mapping calls mark the eligible runs they write whole, as they write
// them (the entries were empty: nothing to break). Any other change to an entry of a marked run
// first unmarks the whole run with break-before-make on a live table (every entry cleared, each
// page invalidated, then written back unmarked): a TLB never sees a half-marked run or a run
// whose entries disagree. A protect that covers a run rewrites it marked with its new flags in
// that one break-before-make; an unmap that covers a run just clears it (no translation is
// created; the flush that follows drops the run's).
// Here too are the two writers of runs of new leaves that apply that rule as they write:
// store_leaves (a linear run of one level) and split (a huge leaf made a table).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "engine_base.hpp"

namespace ptgen {

// A format's runs, with N = 1 (no runs) for formats without them.
template <page_table_format F>
struct runs_of {
    using entry = typename F::entry_type;
    static constexpr std::size_t at(unsigned level) noexcept {
        if constexpr (contiguous_leaves<F>) return F::contiguous_entries(level);
        else return (void)level, 1;
    }
    static constexpr std::size_t largest = [] {
        std::size_t n = 1;
        for (unsigned l = 0; l < F::levels.size(); ++l) n = at(l) > n ? at(l) : n;
        return n;
    }();
    static constexpr bool any = largest > 1;
    // Leaf e of `level`, mapping the page at pa, marked or unmarked.
    static constexpr entry mark(entry e, unsigned level, bool on, paddr pa) noexcept {
        if constexpr (contiguous_leaves<F>) return at(level) > 1 ? F::with_contiguous(e, level, on, pa) : e;
        else return (void)level, (void)on, (void)pa, e;
    }
    static constexpr bool marked(entry e, unsigned level) noexcept {
        if constexpr (contiguous_leaves<F>) return F::contiguous(e, level);
        else return (void)e, (void)level, false;
    }
    // The leaf of `level` mapping pa with f, marked or not.
    static constexpr entry leaf(paddr pa, flags f, unsigned level, bool marked_run) noexcept {
        const entry e = F::encode_leaf(pa, f, level);
        return marked_run ? mark(e, level, true, pa) : e;
    }
    // May the run of N entries of `level` whose first maps pa be marked (pa aligned to it)?
    static constexpr bool aligned(paddr pa, unsigned level) noexcept {
        return at(level) > 1 && is_aligned(pa, at(level) * F::levels[level].span());
    }
};

// What a change to a range does to the marked runs it covers whole.
enum class covered_runs : unsigned char {
    keep,     // unmap: their entries go to 0 (the run is cleared, never half-changed in place)
    reflag,   // protect: rewritten marked with the new flags
};

template <page_table_format F, class M>
class engine_runs : public engine_base<F, M> {
public:
    using base = engine_base<F, M>;
    using typename base::entry;
    using typename base::geo;
    using base::load;
    using base::store;
    using engine_base<F, M>::engine_base;

protected:
    using runs = runs_of<F>;
    using typename base::table_reserve;
    using base::replace_live;

    // Before the entries of the table of `level` that [first, last] touches change: every
    // marked run they touch but do not cover is unmarked; the runs they cover are kept
    // (`keep`) or rewritten with flags nf (`reflag`). Nothing to do in formats without runs.
    template <class Sink>
    constexpr void prepare_runs(paddr table, unsigned level, vaddr first, vaddr last,
                                covered_runs covered, flags nf, Sink& sink) {
        if constexpr (runs::any) {
            const std::size_t n = runs::at(level);
            if (n <= 1) return;
            const level_geometry& g = F::levels[level];
            const vaddr base_va = first & ~low_mask(g.shift + g.index_bits);
            const std::size_t i0 = g.index_of(first), i1 = g.index_of(last);
            const std::size_t r0 = i0 - i0 % n, r1 = i1 - i1 % n;
            for (std::size_t r = r0; r <= r1; r += n) {
                // Covered runs an unmap clears are left alone: only the end runs can be cut.
                if (covered == covered_runs::keep && r != r0 && r != r1) r = r1;
                const vaddr va = base_va + vaddr(r) * g.span();
                const bool inside = va >= first && va + (vaddr(n) * g.span() - 1) <= last;
                prepare_run(table, level, r, va, inside, covered, nf, sink);
            }
        } else {
            (void)table, (void)level, (void)first, (void)last, (void)covered, (void)nf, (void)sink;
        }
    }

    // The same for the single page at va of a leaf of `level` (remap, protect, unmap of one
    // page: its run, if marked, is unmarked first).
    template <class Sink>
    constexpr void prepare_runs(paddr table, unsigned level, vaddr va, Sink& sink) {
        const vaddr page = align_down(va, geo::span(level));
        prepare_runs(table, level, page, page, covered_runs::keep, flags::none, sink);
    }

    // Writes the n leaves of `level` that map [pa, pa + n * span) at entries i.. of a table:
    // one fill when the codec is affine in pa over the run (every format's leaves are; checked
    // at the run's end anyway), else one encode per entry.
    // The whole runs of the format's contiguous_leaves among them are written marked (a linear
    // run: all of them or, when pa is not aligned to a run, none).
    template <class View>
    static constexpr void store_leaves(const View& view, std::size_t i, std::size_t n, paddr pa,
                                       flags f, unsigned level) {
        if constexpr (runs::any) {
            const std::size_t run = runs::at(level);
            const std::uint64_t span = F::levels[level].span();
            const std::size_t b0 = (i + run - 1) / run * run, b1 = (i + n) / run * run;
            if (run > 1 && b0 < b1 && runs::aligned(pa + (b0 - i) * span, level)) {
                store_leaf_fill(view, i, b0 - i, pa, f, level, false);
                store_leaf_fill(view, b0, b1 - b0, pa + (b0 - i) * span, f, level, true);
                store_leaf_fill(view, b1, i + n - b1, pa + (b1 - i) * span, f, level, false);
                return;
            }
        }
        store_leaf_fill(view, i, n, pa, f, level, false);
    }
    template <class View>
    static constexpr void store_leaf_fill(const View& view, std::size_t i, std::size_t n, paddr pa,
                                          flags f, unsigned level, bool marked) {
        if (n == 0 || fill_if_affine(view, i, n, pa, f, level, marked)) return;
        const std::uint64_t span = F::levels[level].span();
        if (marked) {
            // Runs affine inside and to each other (Svnapot: a run is one PTE, 16 times, the
            // next run's 16 PPNs further): one fill per run, checked at the last entry.
            const std::size_t run = runs::at(level);
            const entry r0 = runs::leaf(pa, f, level, true);
            const entry inside = entry(runs::leaf(pa + span, f, level, true) - r0);
            const entry across = entry(runs::leaf(pa + run * span, f, level, true) - r0);
            const std::size_t count = n / run;
            if (entry(r0 + (count - 1) * across + (run - 1) * inside) ==
                runs::leaf(pa + (n - 1) * span, f, level, true)) {
                for (std::size_t r = 0; r < count; ++r)
                    view.fill(i + r * run, run, entry(r0 + r * across), inside);
                return;
            }
        }
        for (std::size_t k = 0; k < n; ++k) view.store(i + k, runs::leaf(pa + k * span, f, level, marked));
    }
    template <class View>
    [[gnu::always_inline]] static constexpr bool fill_if_affine(const View& view, std::size_t i, std::size_t n, paddr pa,
                                         flags f, unsigned level, bool marked) {
        if (n < 4) return false;
        const std::uint64_t span = F::levels[level].span();
        const entry e0 = runs::leaf(pa, f, level, marked);
        const entry stride = entry(runs::leaf(pa + span, f, level, marked) - e0);
        if (entry(e0 + (n - 1) * stride) != runs::leaf(pa + (n - 1) * span, f, level, marked))
            return false;
        view.fill(i, n, e0, stride);
        return true;
    }

    // A single-page call changes one entry: a marked run holding it is unmarked first (and
    // the slot's raw entry re-read).
    template <class Slot, class Sink>
    [[gnu::always_inline]] constexpr void unmark_run_of(Slot& slot, vaddr va, Sink& sink) {
        if constexpr (runs::any) {
            if (!runs::marked(slot.raw, slot.level)) return;
            prepare_runs(slot.table, slot.level, va, sink);
            slot.raw = load(slot.table, slot.index);
        } else {
            (void)slot, (void)va, (void)sink;
        }
    }

    // Replaces the leaf e (at table[i], level) by a table of equivalent smaller leaves, about
    // to change in [first, last] (its runs that this range does not touch are marked).
    template <class Sink>
    constexpr paddr split(table_reserve& reserve, paddr table, std::size_t i, entry e,
                          unsigned level, vaddr first, vaddr last, Sink& sink) {
        const vaddr va = first;
        const paddr child = reserve.take(level + 1);
        const level_geometry& cg = F::levels[level + 1];
        const paddr base = F::address(e, level);
        const flags f = F::leaf_flags(e, level);
        const std::size_t run = runs::at(level + 1);
        const vaddr va0 = align_down(first, F::levels[level].span());
        for (std::size_t j = 0; j < cg.entries(); ++j) {
            const vaddr run_first = va0 + vaddr(j - j % run) * cg.span();
            const vaddr run_last = run_first + (vaddr(run) * cg.span() - 1);
            const bool marked = run > 1 && (run_last < first || run_first > last) &&
                                runs::aligned(base + (j - j % run) * cg.span(), level + 1);
            store(child, j, runs::leaf(base + j * cg.span(), f, level + 1, marked),
                  entry{0});  // (a new table)
        }
        replace_live(table, i, F::encode_table(child, level), align_down(va, F::levels[level].span()),
                     true, sink);
        return child;
    }

private:
    template <class Sink>
    constexpr void prepare_run(paddr table, unsigned level, std::size_t r, vaddr va, bool inside,
                               covered_runs covered, flags nf, Sink& sink) {
        const entry e0 = load(table, r);
        if (F::kind(e0, level) != entry_kind::leaf || !runs::marked(e0, level)) return;
        const std::size_t n = runs::at(level);
        const std::uint64_t span = geo::span(level);
        if (inside && covered == covered_runs::keep) return;
        // A protect to the flags the run has changes none of its entries, covered or cut.
        if (covered == covered_runs::reflag && F::leaf_flags(e0, level) == nf) return;
        const bool reflag = inside;
        // Break-before-make whatever the sink's break_before_make says: a TLB may hold the
        // run's translation from any one of its entries (Arm: the Contiguous bit; Svnapot: the
        // 16 PTEs are one), so none may change while another still holds the old run.
        std::array<entry, runs::largest> was{};
        for (std::size_t k = 0; k < n; ++k) was[k] = load(table, r + k);
        for (std::size_t k = 0; k < n; ++k) store(table, r + k, entry{0}, was[k]);
        for (std::size_t k = 0; k < n; ++k) sink.invalidate_now(va + k * span);
        const paddr pa0 = leaf_address<F>(e0, level, va);
        for (std::size_t k = 0; k < n; ++k) {
            const entry now = reflag ? runs::leaf(pa0 + k * span, nf, level, true)
                                     : runs::mark(was[k], level, false, pa0 + k * span);
            store(table, r + k, now, entry{0});
        }
        if (reflag) sink.changed_run(va, n, span);
    }
};

}  // namespace ptgen
