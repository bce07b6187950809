// ptgen/core/engine_map.hpp: the mapping calls of the engine: map_region and map_linear
// (check, plan, reserve, apply through engine_map_walk) and the single-page map.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "engine_map_walk.hpp"

namespace ptgen {

template <page_table_format F, class M>
class engine_map : public engine_map_walk<F, M> {
public:
    using base = engine_base<F, M>;
    using typename base::entry;
    using typename base::geo;
    using base::depth;
    using base::last_level;
    using base::store;
    using base::subtree_empty;
    using typename base::walker_type;
    using map_walk_base = engine_map_walk<F, M>;
    using engine_map_walk<F, M>::engine_map_walk;

protected:
    using base::mem_;
    using base::root_;
    using typename base::level_counts;
    using typename base::table_reserve;
    using base::place_leaf;
    using base::leaves_written;
    template <class GetPaddr>
    using map_job = typename map_walk_base::template map_job<GetPaddr>;

public:
    // ---- mapping ---------------------------------------------------------------------

    // Maps [va, va + size) to get_paddr(page va) for each page, with the largest entries the
    // format allows at each step when allow_huge (a huge entry is used when the whole entry is
    // inside the range and get_paddr(first va) is aligned to it; the run is then assumed
    // physically contiguous). get_paddr is called in the plan and again in the apply phase
    // (unless the plan found it linear, va -> va + delta, over every leaf: then the apply phase
    // writes as map_linear does); it must be a pure function. `huge_conflict` is the error for
    // an existing leaf above the target.
    template <class GetPaddr, mutation_sink Sink>
    constexpr status map_region(vaddr va, GetPaddr&& get_paddr, std::uint64_t size, flags f,
                                bool allow_huge, Sink& sink,
                                error huge_conflict = error::already_mapped) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        PTGEN_TRY(range_rules<F>::check_va_range(va, size));
        map_job<GetPaddr> job{get_paddr, f, allow_huge ? ~std::uint64_t{0} : 0, huge_conflict,
                              false, 0};
        level_counts need{};
        PTGEN_TRY(this->plan_map(0, root_, true, va, va + (size - 1), job, need));
        table_reserve reserve(mem_);
        PTGEN_TRY(reserve.fill(need, sink));
        // The plan saw every leaf map va to va + delta (get_paddr is pure: apply sees the same):
        // write as map_linear does, the same leaves in runs, with no get_paddr call per page.
        if (job.any_leaf && job.one_delta) job.linear = true;
        this->apply_map(0, root_, va, va + (size - 1), job, reserve, sink);
        return {};
    }

    // Maps [va, va + size) to [pa, pa + size): map_region for a physically contiguous range.
    // Knowing that, the engine counts the tables of absent subtrees without visiting their
    // entries and writes runs of leaves with one fill per table: the path boot tables (built
    // by the compiler) and large run-time maps take.
    template <mutation_sink Sink>
    constexpr status map_linear(vaddr va, paddr pa, std::uint64_t size, flags f, bool allow_huge,
                                Sink& sink, error huge_conflict = error::already_mapped) {
        return map_linear(va, pa, size, f, page_limit{allow_huge ? ~std::uint64_t{0} : 0}, sink,
                          huge_conflict);
    }
    // The same with the largest leaf capped at limit.max_leaf bytes (the smallest pages are
    // always allowed): a region that will be re-protected in 2 MiB pieces, say.
    template <mutation_sink Sink>
    constexpr status map_linear(vaddr va, paddr pa, std::uint64_t size, flags f, page_limit limit,
                                Sink& sink, error huge_conflict = error::already_mapped) {
        if (!F::accepts(f)) return fail(error::invalid_flags);
        PTGEN_TRY(range_rules<F>::check_va_range(va, size));
        if (!is_aligned(pa, geo::min_page)) return fail(error::not_aligned);
        if (!range_rules<F>::pa_range_valid(pa, size)) return fail(error::out_of_range);
        const std::uint64_t delta = pa - va;
        auto linear = [delta](vaddr v) { return v + delta; };
        map_job<decltype(linear)> job{linear, f, limit.max_leaf, huge_conflict, true, delta};
        level_counts need{};
        PTGEN_TRY(this->plan_map(0, root_, true, va, va + (size - 1), job, need));
        table_reserve reserve(mem_);
        PTGEN_TRY(reserve.fill(need, sink));
        this->apply_map(0, root_, va, va + (size - 1), job, reserve, sink);
        return {};
    }

    // Maps one page of `size` (a leaf size of the format) at va to pa: one descent from the
    // root (map_one), the missing tables allocated before anything is written.
    template <mutation_sink Sink>
    constexpr status map(vaddr va, paddr pa, std::uint64_t size, flags f, Sink& sink) {
        const int leaf = geo::leaf_level_for(size);
        if (leaf < 0) return fail(error::not_aligned);
        if (!is_aligned(va | pa, size)) return fail(error::not_aligned);
        if (!F::accepts(f)) return fail(error::invalid_flags);
        if (!range_rules<F>::va_range_valid(va, va + (size - 1)) ||
            !range_rules<F>::pa_range_valid(pa, size))
            return fail(error::out_of_range);
        return map_at<0>(unsigned(leaf), va, pa, f, sink);
    }


protected:
    // map_one of the leaf level `leaf`, each level its own instantiation (constant shifts).
    template <unsigned Level, class Sink>
    [[gnu::always_inline]] constexpr status map_at(unsigned leaf, vaddr va, paddr pa, flags f,
                                                   Sink& sink) {
        if constexpr (Level == last_level) {
            return map_one<Level>(va, pa, f, sink);
        } else {
            if (leaf == Level) return map_one<Level>(va, pa, f, sink);
            return map_at<Level + 1>(leaf, va, pa, f, sink);
        }
    }

    // The descent (from the last-level table the sink remembers, when it has one for va) and,
    // where every table exists, the store of the leaf.
    template <unsigned Leaf, class Sink>
    constexpr status map_one(vaddr va, paddr pa, flags f, Sink& sink) {
        descent<entry> d{};
        paddr cached = 0;
        if (Leaf == last_level && this->cached_leaf_table(sink, va, cached)) {
            d = walker_type::template descend<last_level, last_level>(*this, cached, va);
        } else {
            d = walker_type::template descend<0, Leaf>(*this, root_, va, [&](unsigned level, paddr t) {
                if (level == last_level) this->remember(sink, va, t);
            });
        }
        if (d.level < Leaf) {
            if (d.kind == entry_kind::leaf) return fail(error::mapped_to_huge_page);
            return map_with_new_tables(va, pa, Leaf, d.level, d.table, f, sink);
        }
        if (d.kind == entry_kind::empty) [[likely]] {
            store(d.table, d.index, F::encode_leaf(pa, f, Leaf), d.raw);
            leaves_written(d.table, Leaf, d.index, 1);
        } else if (d.kind == entry_kind::leaf || !subtree_empty(F::address(d.raw, Leaf), Leaf + 1)) {
            return fail(error::already_mapped);
        } else {
            place_leaf(d.table, d.index, d.raw, F::encode_leaf(pa, f, Leaf), Leaf, va, sink);
        }
        sink.changed(va);
        return {};
    }

    // The rest of map_one where the entry of `level` in `table` is empty: the tables of levels
    // level + 1 .. leaf are allocated first (a failure frees them and writes nothing), then
    // linked bottom-up, the link into the live tree last.
    template <class Sink>
    [[gnu::noinline]] constexpr status map_with_new_tables(vaddr va, paddr pa, unsigned leaf,
                                                           unsigned level, paddr table, flags f,
                                                           Sink& sink) {
        std::array<paddr, depth + 1> fresh{};  // tables of levels level + 1 .. leaf (+1: g++ bounds)
        for (unsigned l = level + 1; l <= leaf; ++l) {
            auto t = new_table<F>(mem_, l, sink);
            if (!t) {
                for (unsigned k = level + 1; k < l; ++k) mem_.free_table(fresh[k], F::levels[k]);
                return fail(error::no_memory);
            }
            fresh[l] = *t;
        }
        const std::size_t li = F::levels[leaf].index_of(va);
        store(fresh[leaf], li, F::encode_leaf(pa, f, leaf), entry{0});  // (new tables are zero)
        leaves_written(fresh[leaf], leaf, li, 1);
        for (unsigned l = leaf; l > level + 1; --l)
            store(fresh[l - 1], F::levels[l - 1].index_of(va), F::encode_table(fresh[l], l - 1), entry{0});
        store(table, F::levels[level].index_of(va), F::encode_table(fresh[level + 1], level));
        this->table_linked(level, sink);
        if (leaf == last_level) this->remember(sink, va, fresh[leaf]);
        sink.changed(va);
        return {};
    }
};

}  // namespace ptgen
