// Behaviour of the engine through the run-time page_table, for every format.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>

#include "support/formats.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

template <class PT>
std::map<unsigned, std::size_t> leaves_per_level(const PT& pt) {
    std::map<unsigned, std::size_t> n;
    pt.walk(~std::size_t{0}, [&](const auto& e) {
        if (e.kind == entry_kind::leaf) ++n[e.level];
    });
    return n;
}

// The greedy tiling the engine must produce: at each step the largest leaf span to which
// both va and pa are aligned and that fits in what remains.
template <class F>
std::map<unsigned, std::size_t> greedy_tiling(vaddr va, paddr pa, std::uint64_t size) {
    std::map<unsigned, std::size_t> n;
    while (size != 0) {
        for (unsigned l = 0; l < geometry_of<F>::depth; ++l) {
            const auto s = geometry_of<F>::span(l);
            if (F::levels[l].leaf_allowed && va % s == 0 && pa % s == 0 && s <= size) {
                ++n[l];
                va += s;
                pa += s;
                size -= s;
                break;
            }
        }
    }
    return n;
}

// A TLB policy that records what it is asked to do.
struct tlb_log {
    std::vector<vaddr> pages;
    std::size_t full = 0;
};
struct recording_tlb {
    [[maybe_unused]] static constexpr bool break_before_make = false;
    tlb_log* log;
    void flush_page(vaddr va) const { log->pages.push_back(va); }
    void flush_all() const { ++log->full; }
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("the seed's example: map a 4 KiB page and query it", "[engine]",
                        all_format_types) {
    using fx = facts<TestType>;  // (a page of the format: 4, 16 or 64 KiB)
    frame_pool pool(256);
    auto pt = make_table<TestType>(pool);
    CHECK(is_aligned(pt.root_paddr(), TestType::levels[0].table_align));
    const vaddr va = fx::page == 4096 ? 0xdead'b000 : 0xdead'0000;
    const paddr pa = 2 * fx::page;
    CHECK(pt.cursor().map(va, pa, fx::page, rw).has_value());
    auto q = pt.query(va + 0x123);
    REQUIRE(q.has_value());
    CHECK(q->pa == pa + 0x123);
    CHECK(q->flags == TestType::effective(rw));
    CHECK(q->size == fx::page);
}

TEMPLATE_LIST_TEST_CASE("map_region with huge pages uses the largest entry at every level",
                        "[engine][huge]", all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(1024);
    auto pt = make_table<TestType>(pool);
    // From 3 pages and a huge page below a biggest-page boundary to one biggest page, one
    // huge page and 2 pages above it: every leaf level is used on the way up and down.
    const vaddr va = 2 * fx::biggest - fx::huge - 3 * fx::page;
    const std::uint64_t size = 3 * fx::page + fx::huge + fx::biggest + fx::huge + 2 * fx::page;
    const paddr pa = va + fx::pa_offset;
    REQUIRE(pt.cursor()
                .map_region(va, [](vaddr v) { return v + fx::pa_offset; }, size, rw, true)
                .has_value());
    const auto got = leaves_per_level(pt);
    CHECK(got == greedy_tiling<TestType>(va, pa, size));
    const auto spans = fx::leaf_spans();  // every leaf level up to `biggest` is used
    CHECK(got.size() == std::size_t(std::count_if(spans.begin(), spans.end(),
                                                  [](std::uint64_t s) { return s <= fx::biggest; })));
    for (vaddr probe : {va, va + 3 * fx::page, 2 * fx::biggest, 2 * fx::biggest + fx::biggest / 2 + 8,
                        va + size - 1}) {
        auto q = pt.query(probe);
        REQUIRE(q.has_value());
        CHECK(q->pa == probe + fx::pa_offset);
    }
    CHECK(pt.query(2 * fx::biggest + 12345)->size == fx::biggest);
}

TEMPLATE_LIST_TEST_CASE("map_region without huge pages maps only smallest pages",
                        "[engine]", all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(1024);
    auto pt = make_table<TestType>(pool);
    REQUIRE(pt.cursor().map_region(0, [](vaddr v) { return v; }, 2 * fx::huge, rw, false));
    const auto got = leaves_per_level(pt);
    REQUIRE(got.size() == 1);
    CHECK(got.begin()->first == geometry_of<TestType>::last);
    CHECK(got.begin()->second == 2 * fx::huge / fx::page);
}

TEMPLATE_LIST_TEST_CASE("unmapping part of a huge page splits it and keeps the rest",
                        "[engine][split]", all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(1024);
    auto pt = make_table<TestType>(pool);
    const vaddr va = 4 * fx::huge;
    const paddr pa = 8 * fx::huge;
    REQUIRE(pt.cursor().map(va, pa, fx::huge, rwx | global));
    const auto frames_before = pool.live_frames();
    const vaddr hole = va + fx::huge / 2;
    REQUIRE(pt.cursor().unmap_region(hole, fx::page));
    // one new leaf table (of 1, 4 or 16 frames of 4 KiB)
    CHECK(pool.live_frames() == frames_before + (geometry_of<TestType>::at(geometry_of<TestType>::last).table_bytes() + 4095) / 4096);
    CHECK(pt.query(hole).is(error::not_mapped));
    for (vaddr v : {va, hole - fx::page, hole + fx::page, va + fx::huge - 1}) {
        auto q = pt.query(v);
        REQUIRE(q.has_value());
        CHECK(q->pa == pa + (v - va));
        CHECK(q->size == fx::page);
        CHECK(q->flags == TestType::effective(rwx | global));
    }
    // Unmapping the rest leaves only the root.
    REQUIRE(pt.cursor().unmap_region(va, hole - va));
    REQUIRE(pt.cursor().unmap_region(hole + fx::page, va + fx::huge - hole - fx::page));
    CHECK(pool.live_frames() == root_frames<TestType>());
}

TEMPLATE_LIST_TEST_CASE("protect_region on part of the biggest page splits down to 4 KiB",
                        "[engine][split]", all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(1024);
    auto pt = make_table<TestType>(pool);
    const vaddr va = fx::biggest;
    REQUIRE(pt.cursor().map(va, 2 * fx::biggest, fx::biggest, rw));
    const vaddr target = va + fx::biggest / 2 + fx::page;  // not aligned to any huge page
    REQUIRE(pt.cursor().protect_region(target, fx::page, r));
    CHECK(pt.query(target)->flags == TestType::effective(r));
    CHECK(pt.query(target)->size == fx::page);
    CHECK(pt.query(target - fx::page)->flags == TestType::effective(rw));
    CHECK(pt.query(va)->flags == TestType::effective(rw));
    CHECK(pt.query(va)->pa == 2 * fx::biggest);
    CHECK(pt.query(va + fx::biggest - 1)->pa == 3 * fx::biggest - 1);
    // Protecting to the flags it already has splits nothing.
    const auto frames = pool.live_frames();
    REQUIRE(pt.cursor().protect_region(va, fx::page, rw));
    CHECK(pool.live_frames() == frames);
}

TEMPLATE_LIST_TEST_CASE("tables emptied by unmap are freed at once", "[engine][reclaim]",
                        all_format_types) {
    constexpr std::uint64_t page = facts<TestType>::page;
    frame_pool pool(256);
    auto pt = make_table<TestType>(pool);
    const auto root_only = pool.live_frames();
    {
        auto c = pt.cursor();
        REQUIRE(c.map(0x4000'0000, 0x1000'0000, page, rw));
        REQUIRE(c.map(0x4000'0000 + page, 0x1000'0000 + page, page, rw));
        CHECK(pool.live_frames() > root_only);
        REQUIRE(c.unmap(0x4000'0000).has_value());
        auto old = c.unmap(0x4000'0000 + page);
        REQUIRE(old.has_value());
        CHECK(old->pa == 0x1000'0000 + page);
        c.flush();
        CHECK(pool.live_frames() == root_only);  // freed at the flush, not at destruction
    }
    CHECK(pool.live_frames() == root_only);
}

TEMPLATE_LIST_TEST_CASE("a failed map_region changes nothing, for every failing allocation",
                        "[engine][atomicity]", all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(2048);
    auto pt = make_table<TestType>(pool);
    // Something already there, so that the region shares tables with it.
    REQUIRE(pt.cursor().map(fx::biggest, 0x1000'0000, fx::page, rw));
    const vaddr va = fx::biggest + fx::huge - 2 * fx::page;
    const std::uint64_t size = fx::huge + 5 * fx::page;
    auto linear = [](vaddr v) { return v + 0x2000'0000; };
    std::size_t k = 1;
    for (;; ++k) {
        const auto before = take_snapshot(pt);
        const auto frames = pool.live_frames();
        pool.fail_after(k);
        auto r = pt.cursor().map_region(va, linear, size, rw, true);
        pool.fail_after(0);
        if (r) break;
        CHECK(r.is(error::no_memory));
        CHECK(take_snapshot(pt) == before);
        CHECK(pool.live_frames() == frames);
    }
    CHECK(k > 1);  // at least one allocation could fail
    CHECK(pt.query(va + size - 1)->pa == linear(va + size - 1));
}

TEMPLATE_LIST_TEST_CASE("a failed split changes nothing, for every failing allocation",
                        "[engine][atomicity]", all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(2048);
    auto pt = make_table<TestType>(pool);
    REQUIRE(pt.cursor().map(fx::biggest, 0, fx::biggest, rw));
    REQUIRE(pt.cursor().map(2 * fx::biggest, fx::biggest, fx::biggest, rw));
    REQUIRE(pt.cursor().map(3 * fx::biggest, 2 * fx::biggest, fx::biggest, rw));
    // Around the boundary of two biggest pages: both are split; then a hole in a third.
    const vaddr va = 2 * fx::biggest - fx::page;
    const vaddr hole = 3 * fx::biggest + fx::biggest / 2;
    for (int op = 0; op < 2; ++op) {
        std::size_t k = 1;
        for (;; ++k) {
            const auto before = take_snapshot(pt);
            const auto frames = pool.live_frames();
            pool.fail_after(k);
            auto res = op == 0 ? pt.cursor().protect_region(va, 2 * fx::page, r)
                               : pt.cursor().unmap_region(hole, fx::page);
            pool.fail_after(0);
            if (res) break;
            CHECK(res.is(error::no_memory));
            CHECK(take_snapshot(pt) == before);
            CHECK(pool.live_frames() == frames);
        }
        CHECK(k > 1);
    }
    CHECK(pt.query(va)->flags == TestType::effective(r));
    CHECK(pt.query(hole).is(error::not_mapped));
    CHECK(pt.query(hole + fx::page)->pa == 2 * fx::biggest + fx::biggest / 2 + fx::page);
}

TEMPLATE_LIST_TEST_CASE("errors are values and leave the table as it was", "[engine][errors]",
                        all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(256);
    auto pt = make_table<TestType>(pool);
    REQUIRE(pt.cursor().map(fx::huge, fx::huge, fx::huge, rw));
    REQUIRE(pt.cursor().map(4 * fx::huge, 0x3'0000, fx::page, rw));
    const auto before = take_snapshot(pt);
    auto c = pt.cursor();
    CHECK(c.map(4 * fx::huge, 0x5'0000, fx::page, rw).is(error::already_mapped));
    CHECK(c.map(fx::huge + fx::page, 0x5'0000, fx::page, rw).is(error::mapped_to_huge_page));
    CHECK(c.map(0, 0, fx::huge, rw).is(error::already_mapped) == false);  // room there
    CHECK(c.unmap_region(0, fx::huge).has_value());                        // undo it
    CHECK(c.map(4 * fx::huge + 0x800, 0x5'0000, fx::page, rw).is(error::not_aligned));
    CHECK(c.map(6 * fx::huge, 0x5800, fx::page, rw).is(error::not_aligned));
    CHECK(c.map(6 * fx::huge, 0x5'0000, 3 * fx::page, rw).is(error::not_aligned));
    CHECK(c.map(6 * fx::huge, 0x5'0000, fx::page, device | uncached).is(error::invalid_flags));
    CHECK(c.map(6 * fx::huge, 0x5'0000, fx::page, rw | device | uncached).is(error::invalid_flags));
    CHECK(c.map(fx::outside_va, 0x5'0000, fx::page, rw).is(error::out_of_range));
    if constexpr (TestType::pa_bits < 64)
        CHECK(c.map(6 * fx::huge, paddr{1} << TestType::pa_bits, fx::page, rw).is(error::out_of_range));
    CHECK(c.map_region(6 * fx::huge, [](vaddr v) { return v; }, 0, rw, true).is(error::not_aligned));
    CHECK(c.unmap(6 * fx::huge).is(error::not_mapped));
    CHECK(c.unmap_region(4 * fx::huge, 2 * fx::page).is(error::not_mapped));  // a hole inside
    CHECK(c.protect(6 * fx::huge, r).is(error::not_mapped));
    CHECK(c.protect_region(4 * fx::huge - fx::page, 2 * fx::page, r).is(error::not_mapped));
    CHECK(c.remap(6 * fx::huge, 0x5'0000, rw).is(error::not_mapped));
    CHECK(c.remap(fx::huge, 0x5'0000, rw).is(error::not_aligned));  // a huge page needs a huge pa
    CHECK(c.map_region(fx::huge - fx::page, [](vaddr v) { return v; }, 2 * fx::page, rw, true)
              .is(error::already_mapped));
    CHECK(c.unmap_region(vaddr{0} - fx::page, 2 * fx::page).is(error::out_of_range));  // wraps
    c.flush();
    CHECK(take_snapshot(pt) == before);
}

TEMPLATE_LIST_TEST_CASE("remap points a page at a new frame, protect changes its flags",
                        "[engine]", all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(256);
    auto pt = make_table<TestType>(pool);
    auto c = pt.cursor();
    REQUIRE(c.map(0x1000'0000, 0x20'0000, fx::page, rw));
    CHECK(*c.remap(0x1000'0000, 0x30'0000, rx) == fx::page);
    CHECK(pt.query(0x1000'0010)->pa == 0x30'0010);
    CHECK(pt.query(0x1000'0010)->flags == TestType::effective(rx));
    REQUIRE(c.map(2 * fx::huge, 0, fx::huge, rw));
    CHECK(*c.protect(2 * fx::huge + 5 * fx::page, r) == fx::huge);  // the whole huge page
    CHECK(pt.query(2 * fx::huge)->flags == TestType::effective(r));
    CHECK(*c.remap(2 * fx::huge + 8, 4 * fx::huge, rw) == fx::huge);
    CHECK(pt.query(2 * fx::huge + 8)->pa == 4 * fx::huge + 8);
}

TEMPLATE_LIST_TEST_CASE("the cursor batches TLB flushes and flushes when destroyed",
                        "[engine][tlb]", all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(512);
    tlb_log log;
    using PT = page_table<TestType, handler_memory<pool_handler>, recording_tlb>;
    auto pt = PT::create(pool_handler{&pool}, recording_tlb{&log});
    REQUIRE(pt.has_value());
    {
        auto c = pt->cursor();
        REQUIRE(c.map(0x10'0000, 0x10'0000, fx::page, rw));
        REQUIRE(c.map(0x11'0000, 0x11'0000, fx::page, rw));
        CHECK(log.pages.empty());
        if constexpr (latches_root_entries<TestType>) {
            CHECK(c.full_flush_pending());  // the first map linked a root entry (i386 PAE)
        } else {
            CHECK(c.pending() == 2);
        }
    }
    if constexpr (latches_root_entries<TestType>) {
        CHECK(log.pages.empty());
        CHECK(log.full == 1);
        log.full = 0;
    } else {
        CHECK(log.pages == std::vector<vaddr>{0x10'0000, 0x11'0000});
        CHECK(log.full == 0);
    }
    {
        auto c = pt->cursor();
        REQUIRE(c.map_region(fx::huge * 4, [](vaddr v) { return v; }, 64 * fx::page, rw, false));
        CHECK(c.full_flush_pending());
    }
    CHECK(log.full == 1);
    log = {};
    REQUIRE(pt->cursor().unmap(0x10'0000));
    CHECK(log.full == 0);
    REQUIRE(pt->cursor().unmap(0x11'0000));  // empties tables: needs a full flush
    CHECK(log.full == 1);
}

TEMPLATE_LIST_TEST_CASE("copy_from shares root entries that the borrower never frees",
                        "[engine][copy_from]", all_format_types) {
    frame_pool pool(1024);
    constexpr std::uint64_t span = TestType::levels[0].span();
    const vaddr kernel = TestType::va_valid(vaddr{0} - span) ? vaddr{0} - span : span;
    auto kernel_pt = make_table<TestType>(pool);
    constexpr std::uint64_t page = facts<TestType>::page;
    REQUIRE(kernel_pt.cursor().map(kernel, 0x8000'0000, page, rw | global));
    const auto kernel_frames = pool.live_frames();
    {
        auto user_pt = make_table<TestType>(pool);
        auto c = user_pt.cursor();
        CHECK(c.copy_from(kernel_pt, kernel + page, span).is(error::not_aligned));
        REQUIRE(c.copy_from(kernel_pt, kernel, span));
        CHECK(user_pt.query(kernel).has_value());
        CHECK(c.copy_from(kernel_pt, kernel, span).is(error::already_mapped));
        CHECK(c.map(kernel + 2 * page, 9 * page, page, rw).is(error::borrowed_range));
        CHECK(c.unmap(kernel).is(error::borrowed_range));
        REQUIRE(c.map(page, page, page, TestType::accepts(rw | user) ? rw | user : rw));
    }
    CHECK(pool.live_frames() == kernel_frames);  // the user table freed only its own frames
    CHECK(kernel_pt.query(kernel).has_value());
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("walk visits every present entry, pre before post", "[engine][walk]",
                        all_format_types) {
    using fx = facts<TestType>;
    frame_pool pool(256);
    auto pt = make_table<TestType>(pool);
    REQUIRE(pt.cursor().map(fx::huge, 0, fx::huge, rw));
    REQUIRE(pt.cursor().map(4 * fx::huge, 0, fx::page, rw));
    REQUIRE(pt.cursor().map(4 * fx::huge + fx::page, 0, fx::page, rw));
    std::vector<vaddr> leaves;
    int depth = 0, max_depth = 0;
    pt.walk(
        ~std::size_t{0},
        [&](const auto& e) {
            max_depth = std::max(max_depth, ++depth);
            if (e.kind == entry_kind::leaf) leaves.push_back(e.va);
        },
        [&](const auto&) { --depth; });
    CHECK(depth == 0);
    CHECK(max_depth == int(geometry_of<TestType>::depth));
    CHECK(leaves == std::vector<vaddr>{fx::huge, 4 * fx::huge, 4 * fx::huge + fx::page});
    std::size_t limited = 0;
    pt.walk(1, [&](const auto& e) { limited += e.kind == entry_kind::leaf; });
    CHECK(limited == 1);
}

TEMPLATE_LIST_TEST_CASE("2048 random maps and unmaps return every frame (the seed's test)",
                        "[engine][alloc]", all_format_types) {
    frame_pool pool(8192);
    std::mt19937_64 rng(2048);
    {
        auto pt = make_table<TestType>(pool);
        std::vector<vaddr> mapped;
        auto c = pt.cursor();
        for (int i = 0; i < 2048; ++i) {
            if (mapped.empty() || rng() % 3 != 0) {
                constexpr std::uint64_t page = facts<TestType>::page;
                const vaddr va = (rng() % ((std::uint64_t{1} << 32) / page)) * page;  // 4 GiB
                auto r = c.map(va, va & 0xfff'ffff, page, rw);
                if (r) mapped.push_back(va);
                else CHECK(r.is(error::already_mapped));
            } else {
                const std::size_t k = rng() % mapped.size();
                CHECK(c.unmap(mapped[k]).has_value());
                mapped.erase(mapped.begin() + long(k));
            }
        }
        CHECK(pool.live_frames() > root_frames<TestType>());
    }
    CHECK(pool.live_frames() == 0);
    CHECK(pool.bad_frees() == 0);
}
