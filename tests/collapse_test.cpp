// collapse: tables whose leaves make one huge page replaced by it, for every format; what is
// not uniform stays bit for bit, tables go back to the pool after the flush, break-before-make
// clears the entry and invalidates before the leaf is written.
#include <catch2/catch.hpp>

#include <string>
#include <tuple>
#include <vector>

#include "support/formats.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

// A sink that records the order of events (for the break-before-make check).
template <class Memory, class F>
struct recording_sink {
    static constexpr bool break_before_make = true;
    Memory* memory;
    paddr table;          // the table whose entry is watched
    std::size_t index;
    std::vector<std::string>* events;
    void changed(vaddr) {}
    void changed_run(vaddr, std::size_t, std::uint64_t) {}
    void retire(paddr, unsigned) { events->push_back("retire"); }
    void invalidate_now(vaddr) {}
    void invalidate_all_now() {
        // the entry is already cleared when the TLB is flushed
        events->push_back(memory->load(table, index) == 0 ? "invalidate (entry clear)"
                                                          : "invalidate (entry live)");
    }
};

// Every leaf entry of the table, with its level and VA (table addresses aside).
template <class PT>
std::vector<std::tuple<unsigned, vaddr, std::uint64_t>> leaf_entries(const PT& pt) {
    std::vector<std::tuple<unsigned, vaddr, std::uint64_t>> out;
    pt.walk(~std::size_t{0}, [&](const auto& e) {
        if (e.kind == entry_kind::leaf) out.emplace_back(e.level, e.va, std::uint64_t(e.raw));
    });
    return out;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("collapse replaces a uniform table by one huge leaf", "[collapse]",
                        all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(512);
    auto pt = make_table<F>(pool);
    const auto root_frames = pool.live_frames();
    const vaddr va = 2 * fx::biggest;
    const paddr pa = fx::pa_offset;
    auto c = pt.cursor();
    // two huge spans of small pages: one uniform, one with a page of other flags
    REQUIRE(c.map_linear(va, pa, 2 * fx::huge, rw | global, false));
    REQUIRE(c.protect(va + fx::huge + 5 * fx::page, r | global));
    c.flush();
    const auto tables = pool.live_frames();
    const auto got = c.collapse(va, 2 * fx::huge);
    REQUIRE(got);
    CHECK(*got == 1);
    const auto t = pt.query(va + fx::huge - 8);
    REQUIRE(t);
    CHECK(t->size == fx::huge);
    CHECK(t->pa == pa + fx::huge - 8);
    CHECK(t->flags == F::effective(rw | global));
    CHECK(pt.query(va + fx::huge)->size == fx::page);  // not uniform: kept
    CHECK(pt.query(va + fx::huge + 5 * fx::page)->flags == F::effective(r | global));
    c.flush();
    CHECK(pool.live_frames() < tables);  // the collapsed table went back after the flush
    // collapsing what is already collapsed, or not uniform, changes nothing
    const auto before = take_snapshot(pt);
    CHECK(*c.collapse(va, 2 * fx::huge) == 0);
    CHECK(take_snapshot(pt) == before);
    // once the odd page is like its neighbours, the second span collapses too
    REQUIRE(c.protect(va + fx::huge + 5 * fx::page, rw | global));
    CHECK(*c.collapse(va + fx::huge, fx::huge) == 1);
    CHECK(pt.query(va + fx::huge + 5 * fx::page)->size == fx::huge);
    // the result is the leaf a huge map writes
    REQUIRE(c.unmap_region(va, 2 * fx::huge));
    REQUIRE(c.map(va, pa, fx::huge, rw | global));
    REQUIRE(c.map(va + fx::huge, pa + fx::huge, fx::huge, rw | global));
    const auto mapped_huge = leaf_entries(pt);
    REQUIRE(mapped_huge.size() == 2);
    REQUIRE(c.unmap_region(va, 2 * fx::huge));
    REQUIRE(c.map_linear(va, pa, 2 * fx::huge, rw | global, false));
    CHECK(*c.collapse(va, 2 * fx::huge) == 2);
    CHECK(leaf_entries(pt) == mapped_huge);
    REQUIRE(c.unmap_region(va, 2 * fx::huge));
    c.flush();
    CHECK(pool.live_frames() == root_frames);
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("collapse keeps tables that are not one huge page", "[collapse]",
                        all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(512);
    auto pt = make_table<F>(pool);
    const vaddr va = 2 * fx::biggest;
    const paddr pa = fx::pa_offset;
    auto c = pt.cursor();
    const std::uint64_t span = fx::huge;
    // 1: a hole
    REQUIRE(c.map_linear(va, pa, span, rw, false));
    REQUIRE(c.unmap(va + 3 * fx::page));
    // 2: contiguous but not aligned to the huge span (pa one page off)
    REQUIRE(c.map_linear(va + span, pa + span + fx::page, span, rw, false));
    // 3: aligned, every page present, but two pages swapped
    REQUIRE(c.map_linear(va + 2 * span, pa + 2 * span, span, rw, false));
    REQUIRE(c.remap(va + 2 * span, pa + 2 * span + fx::page, rw));
    REQUIRE(c.remap(va + 2 * span + fx::page, pa + 2 * span, rw));
    // 4: a uniform table, but the range covers only part of it
    REQUIRE(c.map_linear(va + 3 * span, pa + 3 * span, span, rw, false));
    c.flush();
    const auto before = take_snapshot(pt);
    CHECK(*c.collapse(va, 3 * span + span / 2) == 0);
    CHECK(take_snapshot(pt) == before);
    // a stray bit in one entry (set by the hardware or the kernel) keeps its table
    if constexpr (sizeof(typename F::entry_type) == 8) {
        const vaddr v = va + 3 * span;
        const auto d = pt.engine().find_leaf(v);
        REQUIRE(d);
        pt.engine().store(d->table, d->index, d->raw | (typename F::entry_type{1} << 58));
        CHECK(*c.collapse(v, span) == 0);
        pt.engine().store(d->table, d->index, d->raw);
    }
    CHECK(*c.collapse(va + 3 * span, span) == 1);
    // bad input is an error, nothing changes
    CHECK(c.collapse(va + 1, span).is(error::not_aligned));
    CHECK(c.collapse(va, 0).is(error::not_aligned));
    CHECK(c.collapse(fx::outside_va, span).is(error::out_of_range));
}

TEMPLATE_LIST_TEST_CASE("collapse goes bottom up: small pages to the largest leaf that fits",
                        "[collapse]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    using geo = geometry_of<F>;
    // the two smallest huge spans: 2 MiB and 1 GiB (ARMv7 has one, 1 MiB: nothing to nest)
    std::uint64_t upper = 0;
    for (unsigned l = geo::depth - 1; l-- > 0;)
        if (F::levels[l].leaf_allowed && geo::span(l) > fx::huge) {
            upper = geo::span(l);
            break;
        }
    if (upper == 0 || upper > (std::uint64_t{1} << 30)) return;
    frame_pool pool(2048);
    auto pt = make_table<F>(pool);
    const vaddr va = upper;
    auto c = pt.cursor();
    // 1 GiB in 2 MiB pages but for one 2 MiB span in 4 KiB pages
    for (std::uint64_t off = 0; off < upper; off += fx::huge)
        REQUIRE(c.map(va + off, upper + off, fx::huge, rwx));
    REQUIRE(c.protect_region(va + 7 * fx::huge, fx::page, r));  // a split ...
    REQUIRE(c.protect_region(va + 7 * fx::huge, fx::page, rwx));  // ... uniform again
    c.flush();
    CHECK(pt.query(va)->size == fx::huge);
    CHECK(pt.query(va + 7 * fx::huge)->size == fx::page);
    CHECK(*c.collapse(va, upper) == 2);  // the 4 KiB table, then the 2 MiB one
    CHECK(pt.query(va + 7 * fx::huge + 8)->size == upper);
    CHECK(pt.query(va + 7 * fx::huge + 8)->pa == upper + 7 * fx::huge + 8);
}

TEMPLATE_LIST_TEST_CASE("collapse with break-before-make clears the entry before invalidating",
                        "[collapse][bbm]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(512);
    auto pt = make_table<F>(pool);
    const vaddr va = 2 * fx::biggest;
    REQUIRE(pt.cursor().map_linear(va, fx::pa_offset, fx::huge, rw, false));
    // the entry that points to the last-level table
    const auto d = walker<F>::template descend<0, geometry_of<F>::last - 1>(pt.engine(), pt.root_paddr(), va);
    REQUIRE(d.kind == entry_kind::table);
    std::vector<std::string> events;
    auto eng = pt.engine();
    recording_sink<decltype(eng), F> sink{&eng, d.table, d.index, &events};
    const auto got = eng.collapse(va, fx::huge, sink);
    REQUIRE(got);
    CHECK(*got == 1);
    CHECK(events == std::vector<std::string>{"invalidate (entry clear)", "retire"});
    CHECK(pt.query(va)->size == fx::huge);
    // (the table was retired to this sink, which did not free it)
    pool.dealloc(F::address(d.raw, d.level), 1);
}
