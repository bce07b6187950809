// Bounded table memory: worst_case_tables counts, at compile time, the most tables a set of
// regions can need; a static_arena of exactly that size serves every mapping inside them (and
// refuses one that needs a table more); static_arena and counting_handler report high waters.
#include <catch2/catch.hpp>

#include <memory>

#include "support/formats.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

// One page: a table per level. Two regions in one 2 MiB: shared. A region across 1 GiB and
// 2 MiB boundaries: two of each below the root.
constexpr std::array one_page{va_region{0x4000'0000, 4096}};
constexpr auto one = worst_case_tables<riscv::sv39, one_page>();
static_assert(one.total == 3 && one.bytes == 3 * 4096);
constexpr std::array two_in_one{va_region{0x4000'0000, 4096}, va_region{0x4010'0000, 8192}};
constexpr auto shared = worst_case_tables<riscv::sv39, two_in_one>();
static_assert(shared.total == 3);
constexpr std::array crossing{va_region{0x7fff'f000, 8192}};
constexpr auto across = worst_case_tables<riscv::sv39, crossing>();
static_assert(across.tables[1] == 2 && across.tables[2] == 2 && across.total == 5);
// Overlapping and contained regions, in any order, and the high half apart from the low.
constexpr std::array mixed{va_region{0x20'0000, 6 * 0x20'0000}, va_region{0, 0x40'0000},
                           va_region{0x60'0000, 4096}, va_region{0xffff'8000'0000'0000, 4096}};
constexpr auto overlapping = worst_case_tables<x86_64::long_mode_4level, mixed>();
static_assert(overlapping.tables[1] == 2 && overlapping.tables[2] == 2 &&
              overlapping.tables[3] == 7 + 1);
static_assert(overlapping.bytes_with_cursors(1) == overlapping.bytes + 32 * 4096);

template <class F>
constexpr auto regions_of = [] {
    using fx = facts<F>;
    // across a huge-page boundary, one page far away, and one crossing the biggest leaf's
    return std::array{va_region{fx::biggest + fx::huge - 3 * fx::page, 6 * fx::page},
                      va_region{5 * fx::biggest + 7 * fx::huge, fx::page},
                      va_region{3 * fx::biggest - fx::page, 2 * fx::page},
                      va_region{7 * fx::biggest + 2 * fx::huge, fx::huge}};
}();

}  // namespace

TEMPLATE_LIST_TEST_CASE("a static_arena of worst_case_tables bytes serves its regions exactly",
                        "[budget][static_arena]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    constexpr auto regions = regions_of<F>;
    constexpr auto budget = worst_case_tables<F, regions_of<F>>();
    using A = static_arena<F, budget.bytes>;
    auto made = page_table<F, A>::create(A{0x4000'0000});
    REQUIRE(made);
    auto pt = std::make_unique<page_table<F, A>>(std::move(*made));
    {
        auto c = pt->cursor();
        for (const auto& r : regions) REQUIRE(c.map_linear(r.va, r.va, r.size, rw, false));
        // the last region as one huge page, then split by a protect of one of its pages
        REQUIRE(c.unmap_region(regions[3].va, regions[3].size));
        c.flush();
        REQUIRE(c.map_linear(regions[3].va, regions[3].va, regions[3].size, rw, true));
        CHECK(pt->query(regions[3].va)->size == fx::huge);
        REQUIRE(c.protect_region(regions[3].va + fx::page, fx::page, r));
        CHECK(pt->query(regions[3].va)->size == fx::page);
    }
    CHECK(pt->memory().tables_high_water() == budget.total);
    CHECK(pt->memory().tables_in_use() == budget.total);
    // the count is the same evaluated at run time (and so seen by line coverage)
    const auto at_run_time = detail::budget_of<F>(regions);
    CHECK(at_run_time.total == budget.total);
    CHECK(at_run_time.bytes == budget.bytes);
    CHECK(at_run_time.bytes_with_cursors(2) == budget.bytes_with_cursors(2));
    CHECK(at_run_time.bytes_with_cursors(1) > at_run_time.bytes);
    CHECK(detail::regions_valid<F>(regions));
    CHECK_FALSE(detail::regions_valid<F>(std::array{va_region{fx::outside_va, fx::page}}));
    CHECK_FALSE(detail::regions_valid<F>(std::array{va_region{0, 0}}));
    // huge pages, splits and reclaims inside the regions never need more
    {
        auto c = pt->cursor();
        for (const auto& r : regions) REQUIRE(c.unmap_region(r.va, r.size));
        c.flush();
        REQUIRE(c.map(regions[0].va, regions[0].va, fx::page, r));
        REQUIRE(c.protect_region(regions[0].va, 6 * fx::page, rw, skip_holes));
        REQUIRE(c.unmap(regions[0].va));
        c.flush();
        for (const auto& r : regions) REQUIRE(c.map_linear(r.va, r.va, r.size, rw, false));
    }
    CHECK(pt->memory().tables_high_water() == budget.total);
    // a page that needs a table more than the budget: no_memory, nothing changes
    auto c = pt->cursor();
    CHECK(c.map(20 * fx::biggest + 11 * fx::huge, 0, fx::page, rw).is(error::no_memory));
}

TEST_CASE("counting_handler counts frames in use and the most at once", "[budget]") {
    frame_pool pool(64);
    frame_counts counts;
    using H = counting_handler<pool_handler>;
    {  // a root of several frames (ARMv7's 16 KiB) goes through alloc_frames / dealloc_frames
        auto arm = page_table<arm::short_descriptor, handler_memory<H>>::create(H{pool_handler{&pool}, &counts});
        REQUIRE(arm);
        CHECK(counts.in_use == 4);
    }
    CHECK(counts.in_use == 0);
    CHECK(counts.high_water == 4);
    counts = {};
    auto made = page_table<riscv::sv39, handler_memory<H>>::create(H{pool_handler{&pool}, &counts});
    REQUIRE(made);
    auto& pt = *made;
    CHECK(counts.in_use == 1);
    {
        auto c = pt.cursor();
        REQUIRE(c.map_linear(0x4000'0000, 0x8000'0000, 3 * 4096, rw, false));
        REQUIRE(c.map(0x8000'0000, 0x8000'0000, 4096, rw));
    }
    CHECK(counts.in_use == 5);
    {
        auto c = pt.cursor();
        REQUIRE(c.unmap_region(0x8000'0000, 4096));
    }
    CHECK(counts.in_use == 3);
    CHECK(counts.high_water == 5);
    CHECK(counts.in_use == pool.live_frames());
}
