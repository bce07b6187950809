// ptgen/core/engine_collapse.hpp: collapse (transparent huge pages, khugepaged's job): a table
// whose entries are the leaves of one aligned, physically contiguous run with equal flags is
// replaced by the one huge leaf that maps the same, and retired.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine_modify.hpp"

namespace ptgen {

template <page_table_format F, class M>
class engine_collapse : public engine_modify<F, M> {
public:
    using base = engine_base<F, M>;
    using typename base::entry;
    using typename base::geo;
    using base::last_level;
    using base::load;
    using base::store;
    using engine_modify<F, M>::engine_modify;

protected:
    using base::root_;
    using typename base::walker_type;

public:
    // Every table whose whole span lies in [va, va + size), deepest first (so 4 KiB pages can
    // become a 2 MiB page and then, with their neighbours, a 1 GiB one), is replaced by one
    // huge leaf where the format has leaves of its span and the table's entries are exactly
    // the leaves that huge leaf would split into: all present, pa contiguous from a pa aligned
    // to the span, the same flags, no other bit set (a bit the hardware or the kernel set in
    // one entry, an accessed or dirty bit say, keeps its table). Returns how many tables went.
    // Allocates nothing; what is not uniform stays as it was. With break-before-make the
    // table's entry is cleared and every translation invalidated before the leaf is written.
    template <mutation_sink Sink>
    constexpr result<std::size_t> collapse(vaddr va, std::uint64_t size, Sink& sink) {
        PTGEN_TRY(range_rules<F>::check_va_range(va, size));
        std::size_t collapsed = 0;
        collapse_in(0, root_, va, va + (size - 1), collapsed, sink);
        return collapsed;
    }

private:
    template <class Sink>
    constexpr void collapse_in(unsigned level, paddr table, vaddr first, vaddr last,
                               std::size_t& collapsed, Sink& sink) {
        walker_type::for_each_chunk(level, first, last, [&](const chunk& c) {
            const entry e = load(table, c.index);
            if (F::kind(e, level) != entry_kind::table) return;
            const paddr child = F::address(e, level);
            if (level + 1 < last_level) collapse_in(level + 1, child, c.first, c.last, collapsed, sink);
            if (!c.whole || !F::levels[level].leaf_allowed) return;
            entry huge{};
            if (!uniform(child, level + 1, level, huge)) return;
            if constexpr (Sink::break_before_make) {
                store(table, c.index, entry{0});
                invalidate_span(c.first, level, sink);
            }
            store(table, c.index, huge);
            sink.retire(child, level + 1);  // its invalidation covers every leaf it held
            ++collapsed;
        });
    }

    // Is the table of `level` at pa the split of one leaf of `up`? Then `leaf` is that leaf.
    constexpr bool uniform(paddr table, unsigned level, unsigned up, entry& leaf) const {
        const entry e0 = load(table, 0);
        if (F::kind(e0, level) != entry_kind::leaf) return false;
        const paddr pa = leaf_address<F>(e0, level, 0);
        if (!is_aligned(pa, geo::span(up))) return false;
        const flags f = F::leaf_flags(e0, level);
        const std::uint64_t step = geo::span(level);
        for (std::size_t i = 0; i < F::levels[level].entries(); ++i) {
            // (a run of contiguous_leaves may be marked: the huge leaf holds it as well)
            const entry e = load(table, i), plain = F::encode_leaf(pa + i * step, f, level);
            if (e != plain && e != runs_of<F>::mark(plain, level, true, pa + i * step)) return false;
        }
        leaf = F::encode_leaf(pa, f, up);
        return true;
    }

    // Break-before-make of a table entry: every translation under it goes before the new leaf.
    template <class Sink>
    static constexpr void invalidate_span(vaddr first, unsigned level, Sink& sink) {
        if constexpr (invalidates_all_now<Sink>) {
            (void)first, (void)level;
            sink.invalidate_all_now();
        } else {
            const std::uint64_t step = geo::span(level + 1);
            for (std::size_t i = 0; i < F::levels[level + 1].entries(); ++i)
                sink.invalidate_now(first + i * step);
        }
    }
};

}  // namespace ptgen
