// fork_copy: the mappings of a range copied into another table (its own tables), shared or
// copy-on-write; all or nothing at every failing allocation.
#include <catch2/catch.hpp>

#include <vector>

#include "support/formats.hpp"
#include "support/mappings_of.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

// A source with a huge page, a run of pages with a hole, and pages of other flags.
template <class F, class PT>
void populate(PT& pt, vaddr base) {
    using fx = facts<F>;
    auto c = pt.cursor();
    REQUIRE(c.map(base, fx::pa_offset, fx::huge, rw | flags::user));
    REQUIRE(c.map_linear(base + fx::huge, fx::pa_offset + 2 * fx::huge, 5 * fx::page,
                         rw | flags::user, false));
    REQUIRE(c.map(base + fx::huge + 7 * fx::page, 0x7'0000, fx::page, r | flags::user));
    REQUIRE(c.map(base + 2 * fx::huge, fx::pa_offset + 3 * fx::huge, fx::huge, rx | flags::user));
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("fork_copy copies a range's mappings into another table",
                        "[fork]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    if constexpr (!F::accepts(rw | flags::user)) return;  // (AArch64 EL2: no EL0)
    frame_pool pool(512);
    auto parent = make_table<F>(pool);
    auto child = make_table<F>(pool);
    const vaddr base = 2 * fx::biggest;
    const std::uint64_t size = 3 * fx::huge;
    populate<F>(parent, base);
    const auto before = mappings_of(parent, base, size);
    SECTION("shared: the same pages, sizes and flags") {
        auto into = child.cursor();
        auto from = parent.cursor();
        REQUIRE(fork_copy(into, from, base, size));
        into.flush();
        CHECK(mappings_of(child, base, size) == before);
        CHECK(mappings_of(parent, base, size) == before);
        // its own tables: unmapping the child leaves the parent alone
        REQUIRE(into.unmap_region(base, size, skip_holes));
        CHECK(mappings_of(parent, base, size) == before);
    }
    SECTION("copy-on-write: both sides lose write, nothing else") {
        auto into = child.cursor();
        auto from = parent.cursor();
        REQUIRE(fork_copy(into, from, base, size, fork_mode::copy_on_write));
        std::vector<mapping> expected = before;
        for (auto& m : expected) m.flags = F::effective(m.flags & ~flags::write);
        CHECK(mappings_of(child, base, size) == expected);
        CHECK(mappings_of(parent, base, size) == expected);
        CHECK(from.pending() != 0);  // the parent's TLB must drop the writable translations
    }
    SECTION("a part of a huge page: shared in small pages; copy-on-write refuses") {
        auto into = child.cursor();
        auto from = parent.cursor();
        const vaddr mid = base + fx::huge / 2;
        CHECK(fork_copy(into, from, mid, fx::huge, fork_mode::copy_on_write).is(error::not_aligned));
        REQUIRE(fork_copy(into, from, mid, fx::huge));
        const auto got = mappings_of(child, mid, fx::huge);
        REQUIRE(!got.empty());
        CHECK(got.front().va == mid);
        CHECK(got.front().page_size == fx::page);
        CHECK(mappings_of(parent, base, size) == before);
    }
    SECTION("into a range that maps something: already_mapped") {
        auto into = child.cursor();
        auto from = parent.cursor();
        REQUIRE(into.map(base + fx::huge + 3 * fx::page, 0, fx::page, r));
        CHECK(fork_copy(into, from, base, size).is(error::already_mapped));
        CHECK(fork_copy(into, from, base + 1, size).is(error::not_aligned));
        CHECK(fork_copy(into, from, fx::outside_va, fx::page).is(error::out_of_range));
    }
}

TEMPLATE_LIST_TEST_CASE("fork_copy that runs out of memory changes neither table",
                        "[fork][fault]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    if constexpr (!F::accepts(rw | flags::user)) return;
    const vaddr base = 2 * fx::biggest;
    const std::uint64_t size = 3 * fx::huge;
    for (std::size_t k = 1;; ++k) {
        frame_pool pool(512);
        auto parent = make_table<F>(pool);
        auto child = make_table<F>(pool);
        populate<F>(parent, base);
        {  // the child already maps something nearby (its tables must survive the failure)
            auto c = child.cursor();
            REQUIRE(c.map(base + size, 0, fx::page, r));
        }
        const auto parent_before = take_snapshot(parent);
        const auto child_before = take_snapshot(child);
        const auto frames = pool.live_frames();
        status st;
        {
            auto into = child.cursor();
            auto from = parent.cursor();
            pool.fail_after(k);
            st = fork_copy(into, from, base, size, fork_mode::copy_on_write);
            pool.fail_after(0);
        }
        if (st) {
            CHECK(k > 1);  // the copy needs tables: the first allocation's failure fails it
            break;
        }
        INFO("allocation " << k << " failed");
        CHECK(st.is(error::no_memory));
        CHECK(take_snapshot(parent) == parent_before);
        CHECK(take_snapshot(child) == child_before);
        CHECK(pool.live_frames() == frames);
        CHECK(pool.bad_frees() == 0);
    }
}
