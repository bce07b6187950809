// ptgen/core/engine_base.hpp: what every operation of the engine stands on, over the entry
// access of table_access.hpp: the reading calls (query, find_leaf, walk, subtree emptiness),
// entry replacement (break-before-make), pair normalisation and the retire of unlinked
// tables. The operations are layered on it (see engine.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "address.hpp"
#include "flags.hpp"
#include "format.hpp"
#include "memory.hpp"
#include "result.hpp"
#include "range_rules.hpp"
#include "sink.hpp"
#include "table_access.hpp"
#include "table_reserve.hpp"
#include "walker.hpp"

namespace ptgen {

// What query() reports: the physical address of the queried byte (offset inside a huge page
// included), the flags the hardware grants, and the size of the page that maps it.
struct translation {
    paddr pa;
    ptgen::flags flags;
    std::uint64_t size;
    friend constexpr bool operator==(const translation&, const translation&) = default;
};

// What unmap_region and protect_region do with pages of their range that nothing maps:
// refuse (not_mapped, nothing changes) or skip them (munmap and mprotect over a partly mapped
// range; the call is still all or nothing).
enum class holes : bool { refuse, skip };
inline constexpr holes skip_holes = holes::skip;

// The largest leaf a mapping call may write (boot regions with a page-size cap).
struct page_limit {
    std::uint64_t max_leaf;
};

// A sink (concept mutation_sink, core/sink.hpp) receives the side effects of a mutation; it
// may also remember the last-level table of the last descent (a cursor's leaf-table cache).

template <page_table_format F, class M>
class engine_base : public table_access<F, M> {
public:
    using entry = typename F::entry_type;
    using geo = geometry_of<F>;
    using walker_type = walker<F>;
    static constexpr unsigned depth = unsigned(geo::depth);
    static constexpr unsigned last_level = depth - 1;
    static_assert(geo::coherent(), "format geometry is not coherent (see geometry_of)");

    using access = table_access<F, M>;
    using access::load;
    using access::store;
    using access::table_zero;

    constexpr engine_base(M& memory, paddr root) noexcept : access(memory), root_(root) {}

    // ---- reading ---------------------------------------------------------------------

    constexpr result<translation> query(vaddr va) const { return query_through(*this, va); }
    // The same while other CPUs change the table: every entry of the descent read with acquire.
    constexpr result<translation> query_concurrent(vaddr va) const {
        struct acquiring {
            const engine_base& engine;
            constexpr entry load(paddr table, std::size_t i) const { return engine.load_acquire(table, i); }
        };
        return query_through(acquiring{*this}, va);
    }
    template <class Access>
    constexpr result<translation> query_through(const Access& access, vaddr va) const {
        if (!F::va_valid(va)) return fail(error::out_of_range);
        const auto d = walker_type::template descend<0, last_level>(access, root_, va);
        if (d.kind != entry_kind::leaf) return fail(error::not_mapped);
        const std::uint64_t span = geo::span(d.level);
        return translation{leaf_address<F>(d.raw, d.level, va) + (va & (span - 1)),
                           tlb_flags(d.table, d.index, d.raw, d.level), span};
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
        auto visit = [&pre](const walk_entry<entry>& e) {
            pre(e);
            return visit_next::descend;
        };
        walker_type::visit_tree(*this, root_, 0, base, limit, visit, post);
    }

    // Does the subtree of the table of `level` at pa map nothing (tables a single-page unmap
    // emptied and a cursor reclaims at its flush)?
    constexpr bool subtree_empty(paddr table, unsigned level) const {
        return walker_type::visit_tree(*this, table, level, 0, [](const walk_entry<entry>& e) {
            return e.kind == entry_kind::leaf ? visit_next::stop : visit_next::descend;
        });
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
        no_leaf_table_cache none;
        return find_leaf(va, none);
    }
    // The same, starting from the last-level table the sink remembers for va, if any (a linked
    // last-level table covers va: no huge leaf above can map it).
    template <class Sink>
    constexpr result<leaf_slot> find_leaf(vaddr va, Sink& sink) const {
        if (!F::va_valid(va)) return fail(error::out_of_range);
        descent<entry> d{};
        if (paddr t = 0; cached_leaf_table(sink, va, t)) {
            d = walker_type::template descend<last_level, last_level>(*this, t, va);
        } else {
            d = walker_type::template descend<0, last_level>(*this, root_, va, [&](unsigned level, paddr t) {
                if (level == last_level) remember(sink, va, t);
            });
        }
        if (d.kind != entry_kind::leaf) return fail(error::not_mapped);
        return leaf_slot{d.table, d.index, d.level, d.raw};
    }

    template <class Sink>
    static constexpr bool cached_leaf_table(Sink& sink, vaddr va, paddr& table) {
        if constexpr (leaf_table_cache<Sink>) return sink.cached_leaf_table(leaf_table_tag(va), table);
        else return (void)sink, (void)va, (void)table, false;
    }
    template <class Sink>
    static constexpr void remember(Sink& sink, vaddr va, paddr leaf_table) {
        if constexpr (leaf_table_cache<Sink>) sink.remember_leaf_table(leaf_table_tag(va), leaf_table);
        else (void)sink, (void)va, (void)leaf_table;
    }
    // A table was just linked into an entry of `level`. Where the CPU latches root entries
    // (latches_root_entries), a new root entry is seen only after a full flush: ask for one.
    template <class Sink>
    static constexpr void table_linked(unsigned level, Sink& sink) {
        if constexpr (latches_root_entries<F>) {
            static_assert(invalidates_all_later<Sink>,
                          "a format that latches its root entries needs a sink with changed_all()");
            if (level == 0) sink.changed_all();
        } else {
            (void)level, (void)sink;
        }
    }
    // What a leaf-table cache keys on: the span of one last-level table.
    static constexpr vaddr leaf_table_tag(vaddr va) noexcept {
        return va >> (F::levels[last_level].shift + F::levels[last_level].index_bits);
    }

protected:
    using access::mem_;
    paddr root_;

    using level_counts = std::array<std::size_t, depth>;

    using table_reserve = ptgen::table_reserve<F, M>;

    // Retires a table unmapping emptied: all zero (proved by table_zero, the rule of emptiness),
    // it may be reused without zeroing.
    template <class Sink>
    static constexpr void retire_emptied(paddr table, unsigned level, Sink& sink) {
        if constexpr (reuses_zeroed_tables<Sink>) sink.retire_zeroed(table, level);
        else sink.retire(table, level);
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

    // After entries [i, i + n) of a last-level table were written: keep the pairs at the run's
    // ends normalised (formats with paired_leaves; the pairs inside the run are whole).
    [[gnu::always_inline]] constexpr void leaves_written(paddr table, unsigned level, std::size_t i,
                                                         std::size_t n) {
        if constexpr (paired_leaves<F>) {
            if (level != last_level) return;
            normalise_pair(table, i & ~std::size_t{1});
            if (((i + n - 1) & ~std::size_t{1}) != (i & ~std::size_t{1}))
                normalise_pair(table, (i + n - 1) & ~std::size_t{1});
        } else {
            (void)table, (void)level, (void)i, (void)n;
        }
    }
    // The same for every pair of the run (a run with holes: a pair inside may be half a leaf).
    constexpr void normalise_pairs(paddr table, unsigned level, std::size_t i, std::size_t n) {
        if constexpr (paired_leaves<F>) {
            if (level != last_level) return;
            for (std::size_t even = i & ~std::size_t{1}; even < i + n; even += 2) normalise_pair(table, even);
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

    // Retires the owned tables of an unlinked subtree, children first (a retire may flush and
    // free at once; a freed table's entries are never read again). Tables it does not own are
    // walked through (they may hold owned ones) and kept; last-level tables are not read.
    template <class Sink>
    constexpr void retire_tree(paddr table, unsigned level, Sink& sink) {
        if (level < last_level) {
            auto visit = [](const walk_entry<entry>& e) {
                return e.level + 1 < last_level ? visit_next::descend : visit_next::skip;
            };
            auto after = [&](const walk_entry<entry>& e) {
                if (e.kind == entry_kind::table && mem_.owns(F::address(e.raw, e.level)))
                    sink.retire(F::address(e.raw, e.level), e.level + 1);
            };
            walker_type::visit_tree(*this, table, level, 0, ~std::size_t{0}, visit, after);
        }
        sink.retire(table, level);
    }

    // Frees the tables of a subtree that no TLB holds, children first; a table the policy does
    // not own is descended but kept.
    constexpr void free_tree(paddr table, unsigned level) {
        if (level < last_level) {
            auto visit = [](const walk_entry<entry>&) { return visit_next::descend; };
            auto after = [this](const walk_entry<entry>& e) {
                if (e.kind == entry_kind::table) free_owned(F::address(e.raw, e.level), e.level + 1);
            };
            walker_type::visit_tree(*this, table, level, 0, ~std::size_t{0}, visit, after);
        }
        free_owned(table, level);
    }
    constexpr void free_owned(paddr table, unsigned level) {
        if (mem_.owns(table)) mem_.free_table(table, F::levels[level]);
    }
};

}  // namespace ptgen
