// Range iteration (for_each_mapping, find_next_mapped) and the hole-tolerant region calls
// (unmap_region / protect_region with skip_holes), on every format.
#include <catch2/catch.hpp>

#include <vector>

#include "support/formats.hpp"
#include "support/mappings_of.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

TEMPLATE_LIST_TEST_CASE("for_each_mapping reports leaves in order, clipped, merged on request",
                        "[mappings]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    const vaddr base = fx::biggest * 2;  // a huge page, then two pages, a hole, one page
    const paddr pa = fx::pa_offset;
    {
        auto c = pt.cursor();
        REQUIRE(c.map(base, pa, fx::huge, rw));
        REQUIRE(c.map_linear(base + fx::huge, pa + fx::huge, 2 * fx::page, rw, false));
        REQUIRE(c.map(base + fx::huge + 3 * fx::page, pa + 7 * fx::huge, fx::page, r));
    }
    const auto all = mappings_of(pt, base, 2 * fx::huge);
    REQUIRE(all.size() == 4);
    CHECK(all[0] == mapping{base, pa, fx::huge, F::effective(rw), fx::huge});
    CHECK(all[1] == mapping{base + fx::huge, pa + fx::huge, fx::page, F::effective(rw), fx::page});
    CHECK(all[2].va == base + fx::huge + fx::page);
    CHECK(all[3] == mapping{base + fx::huge + 3 * fx::page, pa + 7 * fx::huge, fx::page,
                            F::effective(r), fx::page});
    // merged: the huge page and the two pages that continue it are one mapping
    const auto merged = mappings_of(pt, base, 2 * fx::huge, merge_mappings::yes);
    REQUIRE(merged.size() == 2);
    CHECK(merged[0] == mapping{base, pa, fx::huge + 2 * fx::page, F::effective(rw), fx::huge});
    CHECK(merged[1].va == all[3].va);
    // clipped to a range that starts inside the huge page and ends inside the first page
    const auto inside = mappings_of(pt, base + fx::huge - fx::page, fx::page + 100);
    REQUIRE(inside.size() == 2);
    CHECK(inside[0] == mapping{base + fx::huge - fx::page, pa + fx::huge - fx::page, fx::page,
                               F::effective(rw), fx::huge});
    CHECK(inside[1] == mapping{base + fx::huge, pa + fx::huge, 100, F::effective(rw), fx::page});
    // a visitor returning false stops at once
    std::size_t calls = 0;
    REQUIRE(pt.for_each_mapping(base, 2 * fx::huge, [&](const mapping&) { return ++calls < 2; }));
    CHECK(calls == 2);
    // nothing mapped, an empty range, a range the format refuses
    CHECK(mappings_of(pt, 0, fx::huge).empty());
    CHECK(mappings_of(pt, base, 0).empty());
    CHECK(pt.for_each_mapping(fx::outside_va, fx::page, [](const mapping&) {}).is(error::out_of_range));
}

TEMPLATE_LIST_TEST_CASE("find_next_mapped finds the first mapping at or after an address",
                        "[mappings]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    CHECK(pt.find_next_mapped(0).is(error::not_mapped));
    const vaddr far = fx::biggest * 3 + fx::huge;  // other top-level entries lie before it
    {
        auto c = pt.cursor();
        REQUIRE(c.map(far, fx::pa_offset, fx::huge, rw));
        REQUIRE(c.map(far + 2 * fx::huge + fx::page, fx::pa_offset, fx::page, r));
    }
    auto from_zero = pt.find_next_mapped(0);
    REQUIRE(from_zero);
    CHECK(*from_zero == mapping{far, fx::pa_offset, fx::huge, F::effective(rw), fx::huge});
    auto inside = pt.find_next_mapped(far + 5 * fx::page);  // inside the huge page: from there
    REQUIRE(inside);
    CHECK(inside->va == far + 5 * fx::page);
    CHECK(inside->pa == fx::pa_offset + 5 * fx::page);
    auto after = pt.find_next_mapped(far + fx::huge);
    REQUIRE(after);
    CHECK(after->va == far + 2 * fx::huge + fx::page);
    CHECK(pt.find_next_mapped(far + 2 * fx::huge + 2 * fx::page).is(error::not_mapped));
    CHECK(pt.find_next_mapped(fx::outside_va).is(error::out_of_range));
}

TEMPLATE_LIST_TEST_CASE("unmap_region and protect_region with skip_holes act on what is mapped",
                        "[mappings][engine]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    const auto root_only = pool.live_frames();
    const vaddr base = fx::biggest * 2;
    auto c = pt.cursor();
    REQUIRE(c.map(base, fx::pa_offset, fx::huge, rw));                    // huge page
    REQUIRE(c.map(base + fx::huge + 4 * fx::page, 0x10'0000, fx::page, rw));  // after a hole
    const std::uint64_t range = fx::huge + 8 * fx::page;
    // without skip_holes the holes refuse, and nothing changes
    const auto before = take_snapshot(pt);
    CHECK(c.protect_region(base, range, r).is(error::not_mapped));
    CHECK(c.unmap_region(base, range).is(error::not_mapped));
    CHECK(take_snapshot(pt) == before);
    // protect from the middle of the huge page (split) over the hole to the last page
    REQUIRE(c.protect_region(base + fx::huge / 2, range - fx::huge / 2, r, skip_holes));
    CHECK(pt.query(base)->flags == F::effective(rw));
    CHECK(pt.query(base + fx::huge / 2)->flags == F::effective(r));
    CHECK(pt.query(base + fx::huge / 2)->size == fx::page);
    CHECK(pt.query(base + fx::huge + 4 * fx::page)->flags == F::effective(r));
    CHECK(pt.query(base + fx::huge).is(error::not_mapped));
    // a range with nothing mapped at all: fine, nothing changes
    const auto now = take_snapshot(pt);
    REQUIRE(c.unmap_region(base + 4 * fx::huge, fx::huge, skip_holes));
    REQUIRE(c.protect_region(base + 4 * fx::huge, fx::huge, rx, skip_holes));
    CHECK(take_snapshot(pt) == now);
    // unmap everything there with holes: every table goes
    REQUIRE(c.unmap_region(base, 2 * fx::huge, skip_holes));
    CHECK(pt.find_next_mapped(0).is(error::not_mapped));
    c.flush();
    CHECK(pool.live_frames() == root_only);
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("protect_region with skip_holes that cannot split changes nothing",
                        "[mappings][fault]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    const vaddr base = fx::biggest * 2;
    auto c = pt.cursor();
    REQUIRE(c.map(base, fx::pa_offset, fx::huge, rw));
    c.flush();
    const auto before = take_snapshot(pt);
    const auto frames = pool.live_frames();
    pool.fail_after(1);
    CHECK(c.protect_region(base + fx::page, fx::huge, r, skip_holes).is(error::no_memory));
    pool.fail_after(1);
    CHECK(c.unmap_region(base + fx::page, fx::page, skip_holes).is(error::no_memory));
    pool.fail_after(0);
    CHECK(take_snapshot(pt) == before);
    CHECK(pool.live_frames() == frames);
}
