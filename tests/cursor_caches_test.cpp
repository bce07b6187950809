// The caches of cursors (core/sink.hpp). The leaf-table cache: single-page calls start from
// the last-level table the previous one reached, and no cursor ever reaches a table that was
// retired, whichever cursor retired it and however (unmap_region, a huge page replacing an
// emptied table, the deferred reclaim of a flush). The zeroed tables: tables reclaimed empty
// are reused by the next maps after the TLB flush, at most retire_batch of them, freed by
// flush().
#include <catch2/catch.hpp>

#include <utility>

#include "support/formats.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

// Every frame the pool holds is a table reachable from the root, and va maps pa.
template <class PageTable>
void check_tree(const PageTable& pt, const frame_pool& pool, vaddr va, paddr pa) {
    using F = typename PageTable::format;
    std::size_t frames = 0;
    for (const auto& [table, level] : reachable_tables(pt))
        frames += (F::levels[level].table_bytes() + 4095) / 4096;
    CHECK(frames == pool.live_frames());
    const auto t = pt.query(va);
    REQUIRE(t);
    CHECK(t->pa == pa);
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("a table another cursor retired is not reached through the cache",
                        "[engine][cursor][cache]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    const auto root_only = pool.live_frames();
    const vaddr va = fx::huge;
    auto first = pt.cursor();
    REQUIRE(first.map(va, 0x10'0000, fx::page, rw));  // the cache holds va's last-level table
    {
        auto second = pt.cursor();
        REQUIRE(second.unmap_region(va, fx::page));  // retires it; freed at the flush
    }
    CHECK(pool.live_frames() == root_only);
    CHECK_FALSE(first.unmap(va + fx::page));  // not_mapped: no stale table read as mapped
    REQUIRE(first.map(va + fx::page, 0x20'0000, fx::page, rw));
    first.flush();
    check_tree(pt, pool, va + fx::page, 0x20'0000);
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("the cache forgets a table a huge page replaced and one a flush reclaimed",
                        "[engine][cursor][cache]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    if constexpr (fx::huge != fx::page) {
        frame_pool pool(256);
        auto pt = make_table<F>(pool);
        const auto root_only = pool.live_frames();
        auto c = pt.cursor();
        REQUIRE(c.map(fx::huge, 0x10'0000, fx::page, rw));
        REQUIRE(c.unmap(fx::huge));                     // emptied, reclaim deferred
        REQUIRE(c.map(fx::huge, 0, fx::huge, rw));      // the huge leaf displaces the table
        const auto st = c.map(fx::huge + fx::page, 0x10'0000, fx::page, rw);
        REQUIRE_FALSE(st);
        CHECK(st.err() == error::mapped_to_huge_page);  // not a write into the retired table
        CHECK(c.protect(fx::huge + fx::page, flags::read).value() == fx::huge);
        REQUIRE(c.unmap(fx::huge));
        // the flush reclaims the emptied table the cache holds
        REQUIRE(c.map(fx::huge, 0x10'0000, fx::page, rw));
        REQUIRE(c.unmap(fx::huge));
        c.flush();
        CHECK(pool.live_frames() == root_only);
        REQUIRE(c.map(fx::huge + fx::page, 0x30'0000, fx::page, rw));
        check_tree(pt, pool, fx::huge + fx::page, 0x30'0000);
        CHECK(c.remap(fx::huge + fx::page, 0x40'0000, rw).value() == fx::page);
        CHECK(pt.query(fx::huge + fx::page)->pa == 0x40'0000);
        CHECK(c.unmap(fx::huge + fx::page)->pa == 0x40'0000);
        c.flush();
        CHECK(pool.live_frames() == root_only);
        CHECK(pool.bad_frees() == 0);
    }
}

TEMPLATE_LIST_TEST_CASE("tables reclaimed empty are reused without the memory policy, freed by flush()",
                        "[engine][cursor][cache]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    using cursor_type = decltype(std::declval<pool_table<F>&>().cursor());
    // one page per last-level table, in distinct tables
    const std::uint64_t stride = F::levels[F::levels.size() - 2].span();
    constexpr std::size_t pages = 3 * cursor_type::retire_batch;
    frame_pool pool(1024 * fx::table_frames);
    auto pt = make_table<F>(pool);
    const auto root_only = pool.live_frames();
    auto c = pt.cursor();
    auto va_of = [&](std::size_t k) { return vaddr(k) * stride + fx::page; };
    for (std::size_t k = 0; k < pages; ++k) REQUIRE(c.map(va_of(k), 0x10'0000, fx::page, rw));
    for (std::size_t k = 0; k < pages; ++k) REQUIRE(c.unmap(va_of(k)));
    const std::size_t cached = pool.live_frames() - root_only;  // reachable or kept
    const std::size_t allocations = pool.allocations();
    for (std::size_t k = 0; k < pages; ++k)
        REQUIRE(c.map(va_of(k + pages), 0x20'0000 + k * fx::page, fx::page, rw));
    CHECK(pool.allocations() - allocations < pages);  // some tables came back from the cursor
    CHECK(cached > 0);
    // every reused table reads as empty but for the one new page
    std::size_t leaves = 0;
    pt.walk(~std::size_t{0}, [&](const auto& e) { leaves += e.kind == entry_kind::leaf; });
    CHECK(leaves == pages);
    for (std::size_t k = 0; k < pages; ++k) {
        CHECK(pt.query(va_of(k + pages))->pa == 0x20'0000 + k * fx::page);
        CHECK(pt.query(va_of(k + pages) + fx::page).err() == error::not_mapped);
    }
    c.flush();
    check_tree(pt, pool, va_of(pages), 0x20'0000);  // nothing kept after flush()
    for (std::size_t k = 0; k < pages; ++k) REQUIRE(c.unmap(va_of(k + pages)));
    c.flush();
    CHECK(pool.live_frames() == root_only);
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("copy_from over root entries a single-page unmap emptied reclaims them first",
                        "[engine][cursor][cache]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    using table = pool_table<F>;
    constexpr std::uint64_t span = table::root_span;
    // a root entry's range valid in the format, above the first (which holds nothing here)
    const vaddr start = F::va_valid(2 * span - 1) ? span : 0;
    frame_pool pool(256);
    auto lender = make_table<F>(pool);
    auto pt = make_table<F>(pool);
    REQUIRE(lender.cursor().map(start + fx::page, 0x9'0000, fx::page, rw));
    const auto before = pool.live_frames();
    auto c = pt.cursor();
    REQUIRE(c.map(start, 0x8'0000, fx::page, rw));
    REQUIRE(c.unmap(start));               // its tables wait for the flush
    REQUIRE(c.copy_from(lender, start, span));
    CHECK(c.reclaims_pending() == 0);
    c.flush();
    CHECK(pool.live_frames() == before);   // the emptied tables went at the flush, none leaked
    CHECK(pt.query(start + fx::page)->pa == 0x9'0000);
    CHECK(pt.query(start).err() == error::not_mapped);
    CHECK(pool.bad_frees() == 0);
}

// (A table is empty when all its entries are 0: one that holds a non-zero entry the walker
// ignores keeps it, with or without a count of its entries.)
template <class F, class Handler>
void stray_bits_case() {
    using fx = facts<F>;
    using entry = typename F::entry_type;
    constexpr unsigned last = unsigned(F::levels.size() - 1);
    // an entry the walker reads as empty that is not 0 (bits an invalid entry ignores)
    entry stray = 0;
    for (unsigned b = 1; b < 8 * sizeof(entry) && stray == 0; ++b)
        if (F::kind(entry(entry{1} << b), last) == entry_kind::empty) stray = entry(entry{1} << b);
    REQUIRE(stray != 0);
    frame_pool pool(256 * fx::table_frames);
    auto created = page_table<F, handler_memory<Handler>>::create(Handler{&pool});
    REQUIRE(created);
    auto& pt = *created;
    const auto root_only = pool.live_frames();
    auto c = pt.cursor();
    const vaddr va = fx::huge;
    REQUIRE(c.map(va, 0x10'0000, fx::page, rw));
    const auto slot = pt.engine().find_leaf(va);
    REQUIRE(slot);
    const std::size_t other = (slot->index + 2) % F::levels[last].entries();  // not its pair
    pt.engine().store(slot->table, other, stray);
    REQUIRE(c.unmap(va));
    // enough other emptied tables that the cursor reclaims, flushes and keeps zeroed ones;
    // each new table, reused or not, must read as fresh: the stray one is never kept
    const std::uint64_t stride = F::levels[last - 1].span();
    auto map_clean = [&](std::size_t k) {
        REQUIRE(c.map(va + k * stride, 0x10'0000, fx::page, rw));
        const auto leaf = pt.engine().find_leaf(va + k * stride);
        REQUIRE(leaf);
        for (std::size_t i = 0; i < F::levels[last].entries(); ++i)
            if ((i | 1) != (leaf->index | 1)) REQUIRE(pt.engine().load(leaf->table, i) == 0);
    };
    for (std::size_t k = 1; k <= 40; ++k) {
        map_clean(k);
        REQUIRE(c.unmap(va + k * stride));
    }
    for (std::size_t k = 41; k <= 80; ++k) map_clean(k);
    for (std::size_t k = 41; k <= 80; ++k) REQUIRE(c.unmap(va + k * stride));
    c.flush();
    // the stray entry's table and the tables above it stay; every other table went
    std::size_t path_frames = 0;
    for (unsigned level = 1; level < F::levels.size(); ++level)
        path_frames += (F::levels[level].table_bytes() + 4095) / 4096;
    CHECK(pool.live_frames() == root_only + path_frames);
    CHECK(pt.engine().load(slot->table, other) == stray);
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("an emptied table with stray bits in its empty entries is kept, not reused",
                        "[engine][cursor][cache]", all_format_types) {
    SECTION("entries counted") { stray_bits_case<TestType, pool_handler>(); }
    SECTION("entries not counted") { stray_bits_case<TestType, plain_pool_handler>(); }
}
