// benchmarks/seed_baseline.hpp: the seed's algorithm (page_table_multiarch 0.8, bits64.rs),
// in C++, as the in-run baseline of the single-page workloads. Same frame pool, same entry
// encodings (the format's codec) as ptgen; what differs is the algorithm:
//   map:        walk from the root, creating each missing table on the way
//               (get_entry_mut_or_create: alloc_frame + zero it), refuse a used leaf slot,
//               store the leaf with a plain store;
//   unmap:      walk from the root to the leaf, clear it; never free a table;
//   protect:    walk from the root to the leaf, re-encode it;
//   unmap_region / protect_region: one unmap / protect per page;
//   query:      walk from the root;
//   map_region: one map() per page, choosing the largest page greedily (1 GiB / 2 MiB / 4 KiB).
// Tables are freed only when the whole table is dropped (free_all).
// map, unmap and query are calls, never inlined into the benchmark's loop (ptgen's are calls
// too, as a fault handler's are): without that, clang hoists the walk of a loop over pages and
// the baseline runs 2x faster than the seed itself (2.4 against 5.2 ns per x86-64 map).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>

#include <ptgen/core/format.hpp>
#include <ptgen/core/result.hpp>

#include "bench_pool.hpp"

namespace ptgen::bench {

template <page_table_format F>
class seed_table {
public:
    using entry = typename F::entry_type;
    static constexpr unsigned depth = unsigned(F::levels.size());

    seed_table() : root_(alloc_table(0)) {}
    ~seed_table() { free_all(root_, 0); }
    seed_table(const seed_table&) = delete;
    seed_table& operator=(const seed_table&) = delete;
    bool ok() const { return root_ != 0; }

    // MapPaging::map: the leaf slot for `size` (walking/creating tables), then the store.
    [[gnu::noinline]] status map(vaddr va, paddr pa, std::uint64_t size, flags f) {
        entry* e = nullptr;
        unsigned level = 0;
        PTGEN_TRY(entry_mut_or_create(va, size, e, level));
        if (F::kind(*e, level) != entry_kind::empty) return fail(error::already_mapped);
        *e = F::encode_leaf(pa & ~(size - 1), f, level);
        return {};
    }
    // unmap: clear the leaf that maps va; returns the page size. Tables stay.
    [[gnu::noinline]] result<std::uint64_t> unmap(vaddr va) {
        entry* e = nullptr;
        unsigned level = 0;
        PTGEN_TRY(entry_mut(va, e, level));
        if (F::kind(*e, level) == entry_kind::empty) return fail(error::not_mapped);
        *e = entry{0};
        return F::levels[level].span();
    }
    // protect: the leaf that maps va rewritten with flags f; returns the page size.
    [[gnu::noinline]] result<std::uint64_t> protect(vaddr va, flags f) {
        entry* e = nullptr;
        unsigned level = 0;
        PTGEN_TRY(entry_mut(va, e, level));
        if (F::kind(*e, level) == entry_kind::empty) return fail(error::not_mapped);
        *e = F::encode_leaf(F::address(*e, level), f, level);
        return F::levels[level].span();
    }
    // unmap_region / protect_region: one call per page (the seed's loops over the range).
    status unmap_region(vaddr va, std::uint64_t size) {
        for (vaddr end = va + size; va < end;) {
            auto r = unmap(va);
            if (!r) return fail(r.err());
            va += *r;
        }
        return {};
    }
    status protect_region(vaddr va, std::uint64_t size, flags f) {
        for (vaddr end = va + size; va < end;) {
            auto r = protect(va, f);
            if (!r) return fail(r.err());
            va += *r;
        }
        return {};
    }
    // query: pa, flags and size of the page that maps va (the seed returns all three).
    struct mapping {
        paddr pa;
        flags f;
        std::uint64_t size;
    };
    [[gnu::noinline]] result<mapping> query(vaddr va) const {
        entry* e = nullptr;
        unsigned level = 0;
        if (auto st = const_cast<seed_table*>(this)->entry_mut(va, e, level); !st) return fail(st.err());
        if (F::kind(*e, level) != entry_kind::leaf) return fail(error::not_mapped);
        const std::uint64_t span = F::levels[level].span();
        return mapping{F::address(*e, level) + (va & (span - 1)), F::leaf_flags(*e, level), span};
    }
    // map_region with allow_huge: the largest page whose alignment and remaining size fit.
    status map_region(vaddr va, paddr pa, std::uint64_t size, flags f, bool allow_huge) {
        while (size != 0) {
            std::uint64_t page = F::levels[depth - 1].span();
            if (allow_huge) {
                for (unsigned l = 0; l + 1 < depth; ++l) {
                    const std::uint64_t s = F::levels[l].span();
                    if (F::levels[l].leaf_allowed && is_aligned(va, s) && is_aligned(pa, s) && size >= s) {
                        page = s;
                        break;
                    }
                }
            }
            PTGEN_TRY(map(va, pa, page, f));
            va += page;
            pa += page;
            size -= page;
        }
        return {};
    }

private:
    paddr root_;

    static entry* table_of(paddr pa) { return static_cast<entry*>(pool_handler::phys_to_virt(pa)); }
    static std::size_t frames_of(unsigned level) { return (F::levels[level].table_bytes() + 4095) / 4096; }
    static paddr alloc_table(unsigned level) {
        const auto& g = F::levels[level];
        auto f = frames_of(level) == 1 && g.table_align <= 4096
                     ? pool_handler::alloc_frame()
                     : pool_handler::alloc_frames(frames_of(level), g.table_align);
        if (!f) return 0;
        std::memset(table_of(*f), 0, g.table_bytes());  // alloc_table: write_bytes(0)
        return *f;
    }

    // get_entry_mut_or_create: the entry of the level whose span is `size`.
    status entry_mut_or_create(vaddr va, std::uint64_t size, entry*& out, unsigned& out_level) {
        paddr table = root_;
        for (unsigned level = 0;; ++level) {
            entry* e = table_of(table) + F::levels[level].index_of(va);
            if (F::levels[level].span() == size) {
                out = e;
                out_level = level;
                return {};
            }
            switch (F::kind(*e, level)) {  // next_table_mut_or_create
                case entry_kind::empty: {
                    const paddr t = alloc_table(level + 1);
                    if (t == 0) return fail(error::no_memory);
                    *e = F::encode_table(t, level);
                    table = t;
                    break;
                }
                case entry_kind::leaf: return fail(error::mapped_to_huge_page);
                case entry_kind::table: table = F::address(*e, level); break;
            }
        }
    }
    // get_entry_mut: the leaf (or empty) entry that maps va.
    status entry_mut(vaddr va, entry*& out, unsigned& out_level) {
        paddr table = root_;
        for (unsigned level = 0;; ++level) {
            entry* e = table_of(table) + F::levels[level].index_of(va);
            if (level + 1 == depth || F::kind(*e, level) != entry_kind::table) {
                if (F::kind(*e, level) == entry_kind::empty && level + 1 != depth)
                    return fail(error::not_mapped);
                out = e;
                out_level = level;
                return {};
            }
            table = F::address(*e, level);
        }
    }
    void free_all(paddr table, unsigned level) {
        if (table == 0) return;
        if (level + 1 < depth)
            for (std::size_t i = 0; i < F::levels[level].entries(); ++i) {
                const entry e = table_of(table)[i];
                if (F::kind(e, level) == entry_kind::table) free_all(F::address(e, level), level + 1);
            }
        if (frames_of(level) == 1) pool_handler::dealloc_frame(table);
        else pool_handler::dealloc_frames(table, frames_of(level));
    }
};

}  // namespace ptgen::bench
