// Fault injection: in every call that allocates tables, the k-th allocation fails, for every k
// from the first to the last the call makes. The failed call reports no_memory and leaves every
// byte of every live frame (the tables) and the set of live frames as they were; with no
// failure the call succeeds. For every format.
#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <set>
#include <vector>

#include <ptgen/boot.hpp>

#include "support/formats.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

// Everything a failed call must leave unchanged: the frames handed out and their bytes.
struct memory_state {
    std::set<paddr> frames;
    std::vector<std::byte> bytes;
    friend bool operator==(const memory_state&, const memory_state&) = default;
};
memory_state state_of(const frame_pool& pool) {
    memory_state s{pool.live(), {}};
    s.bytes.resize(s.frames.size() * frame_pool::frame);
    std::size_t at = 0;
    for (paddr f : s.frames) {
        std::memcpy(s.bytes.data() + at, pool.to_virt(f), frame_pool::frame);
        at += frame_pool::frame;
    }
    return s;
}

// Runs call with its 1st, 2nd, ... allocation failing until it succeeds; checks every failure.
// Returns how many allocations the successful call made (every one of them was failed once).
template <class PT, class Call>
std::size_t fail_each_allocation(frame_pool& pool, const PT& pt, Call&& call) {
    for (std::size_t k = 1;; ++k) {
        const auto tables = take_snapshot(pt);
        const memory_state before = state_of(pool);
        const std::size_t allocations = pool.allocations();
        pool.fail_after(k);
        const bool ok = call();  // true: succeeded; false: failed with no_memory (checked inside)
        pool.fail_after(0);
        if (ok) {
            const std::size_t made = pool.allocations() - allocations;
            CHECK(made == k - 1);  // every allocation of the call failed once before
            CHECK(pool.bad_frees() == 0);
            return made;
        }
        INFO("allocation " << k << " failed");
        CHECK(take_snapshot(pt) == tables);
        CHECK(state_of(pool) == before);
        CHECK(pool.bad_frees() == 0);
        REQUIRE(k < 64);
    }
}

// A call's result: success, or a no_memory failure (anything else fails the test).
template <class R>
bool ok_or_no_memory(const R& r) {
    if (r) return true;
    CHECK(r.is(error::no_memory));
    return false;
}

// A small boot layout per format: a run of huge pages and a few 4 KiB pages.
template <class F>
constexpr boot::layout<F> small_layout{
    .table_base = 0x8000'0000,
    .regions = {boot::identity(2 * facts<F>::huge, 2 * facts<F>::huge, rw | global, "ram"),
                boot::identity(8 * facts<F>::huge + 3 * facts<F>::page, 5 * facts<F>::page, r,
                               "small")}};
template <class F>
constexpr auto small_image = boot::build<small_layout<F>>();

}  // namespace

TEMPLATE_LIST_TEST_CASE("create fails cleanly when the root cannot be allocated",
                        "[fault]", all_format_types) {
    frame_pool pool(64);
    pool.fail_after(1);
    auto pt = pool_table<TestType>::create(pool_handler{&pool});
    pool.fail_after(0);
    CHECK(pt.is(error::no_memory));
    CHECK(pool.live_frames() == 0);
    CHECK(pool.bad_frees() == 0);
    auto again = pool_table<TestType>::create(pool_handler{&pool});
    CHECK(again.has_value());
}

TEMPLATE_LIST_TEST_CASE("map, map_region and map_linear fail cleanly at every allocation",
                        "[fault]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(2048);
    auto pt = make_table<F>(pool);
    const std::size_t depth = F::levels.size();

    SECTION("map of a 4 KiB page in an empty table allocates every level below the root") {
        const auto n = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(pt.cursor().map(5 * fx::biggest + fx::page, 0x4'0000, fx::page, rw));
        });
        CHECK(n == depth - 1);
    }
    SECTION("map of a huge page") {
        const auto n = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(pt.cursor().map(3 * fx::huge, fx::huge, fx::huge, rw));
        });
        CHECK(n == depth - 2);
    }
    SECTION("map_region with huge pages across a biggest-page boundary, sharing tables") {
        const vaddr va = 2 * fx::biggest - fx::huge - 3 * fx::page;
        REQUIRE(pt.cursor().map(va - 2 * fx::page, 0x7'0000, fx::page, rw));  // same last-level table
        const std::uint64_t size = 3 * fx::page + fx::huge + fx::biggest + fx::huge + 2 * fx::page;
        const auto n = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(pt.cursor().map_region(
                va, [](vaddr v) { return v + fx::pa_offset; }, size, rw, true));
        });
        CHECK(n >= 1);  // the head shares the existing table; the tail needs its own
        CHECK(pt.query(va + size - 1)->pa == va + size - 1 + fx::pa_offset);
    }
    SECTION("map_region of scattered 4 KiB pages over several last-level tables") {
        const vaddr va = 4 * fx::huge - 2 * fx::page;
        auto scattered = [](vaddr v) { return ((v >> 12) * 3 % 1024) << 12; };
        const auto n = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(pt.cursor().map_region(va, scattered, fx::huge + 4 * fx::page,
                                                          rw, false));
        });
        CHECK(n >= 3);  // at least three last-level tables
        CHECK(pt.query(va + fx::page)->pa == scattered(va + fx::page));
    }
    SECTION("map_linear of many tables at once") {
        const vaddr va = fx::biggest - 5 * fx::page;
        const std::uint64_t size = 3 * fx::huge + 10 * fx::page;
        const auto n = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(
                pt.cursor().map_linear(va, va + fx::pa_offset + fx::page, size, rw, true));
        });
        CHECK(n >= 4);
    }
}

TEMPLATE_LIST_TEST_CASE("splits by protect_region, unmap_region and unmap fail cleanly at every allocation",
                        "[fault][split]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(2048);
    auto pt = make_table<F>(pool);
    REQUIRE(pt.cursor().map(fx::biggest, 0, fx::biggest, rw));
    REQUIRE(pt.cursor().map(2 * fx::biggest, fx::biggest, fx::biggest, rw));
    const std::size_t splits_to_page = [] {  // levels between the biggest leaf and 4 KiB
        std::size_t n = 0;
        for (unsigned l = 0; l < F::levels.size(); ++l)
            if (F::levels[l].leaf_allowed && geometry_of<F>::span(l) < fx::biggest) ++n;
        return n;
    }();

    SECTION("protect_region of one 4 KiB page inside the biggest page splits down to 4 KiB") {
        const vaddr target = fx::biggest + fx::biggest / 2 + 3 * fx::page;
        const auto n = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(pt.cursor().protect_region(target, fx::page, r));
        });
        CHECK(n == splits_to_page);
        CHECK(pt.query(target)->flags == F::effective(r));
        CHECK(pt.query(target + fx::page)->flags == F::effective(rw));
    }
    SECTION("protect_region across two biggest pages splits both") {
        const vaddr va = 2 * fx::biggest - fx::page;
        const auto n = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(pt.cursor().protect_region(va, 2 * fx::page, r));
        });
        CHECK(n == 2 * splits_to_page);
    }
    SECTION("unmap_region of a hole splits") {
        const vaddr hole = 2 * fx::biggest + fx::biggest / 2 + fx::page;
        const auto n = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(pt.cursor().unmap_region(hole, fx::page));
        });
        CHECK(n == splits_to_page);
        CHECK(pt.query(hole).is(error::not_mapped));
        CHECK(pt.query(hole + fx::page)->pa == fx::biggest + fx::biggest / 2 + 2 * fx::page);
    }
    SECTION("the cursor's unmap(va, size) is unmap_region: it splits too") {
        const vaddr hole = fx::biggest + 5 * fx::page;
        const auto n = fail_each_allocation(pool, pt, [&] {
            auto c = pt.cursor();
            return ok_or_no_memory(c.unmap(hole, fx::page));
        });
        CHECK(n == splits_to_page);
    }
    SECTION("unmap of a whole page and protect of a whole page never allocate") {
        const auto n1 = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(pt.cursor().protect(fx::biggest + 8, r));
        });
        const auto n2 = fail_each_allocation(pool, pt, [&] {
            return ok_or_no_memory(pt.cursor().unmap(2 * fx::biggest + 8));
        });
        CHECK(n1 == 0);
        CHECK(n2 == 0);
    }
}

TEMPLATE_LIST_TEST_CASE("adopted boot tables: map and split fail cleanly at every allocation",
                        "[fault][adopt]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    const auto& img = small_image<F>;
    const std::size_t boot_frames = (img.bytes + 4095) / 4096;
    frame_pool pool(2048, img.base);
    REQUIRE(pool.alloc(boot_frames, 4096) == img.base);
    std::memcpy(pool.to_virt(img.base), img.tables.data(), img.bytes);
    const auto boot_live = pool.live();
    {
        auto pt = boot::adopt<F>(img.root, img.base, img.bytes, pool_handler{&pool});
        REQUIRE(pt.query(2 * fx::huge + 8)->pa == 2 * fx::huge + 8);
        SECTION("map next to the boot regions") {
            const auto n = fail_each_allocation(pool, pt, [&] {
                return ok_or_no_memory(pt.cursor().map(6 * fx::huge, 0x9'0000, fx::page, rw));
            });
            CHECK(n >= 1);
        }
        SECTION("map into a boot table") {
            const vaddr va = 8 * fx::huge + 20 * fx::page;
            const auto n = fail_each_allocation(pool, pt, [&] {
                return ok_or_no_memory(pt.cursor().map_linear(va, 0x9'0000, 2 * fx::page, rw, true));
            });
            CHECK(n == 0);  // the boot tables hold it already
        }
        SECTION("split a boot huge page by unmap_region and by protect_region") {
            const auto n1 = fail_each_allocation(pool, pt, [&] {
                return ok_or_no_memory(pt.cursor().unmap_region(2 * fx::huge + fx::page, fx::page));
            });
            const auto n2 = fail_each_allocation(pool, pt, [&] {
                return ok_or_no_memory(pt.cursor().protect_region(3 * fx::huge, fx::page, r));
            });
            CHECK(n1 == 1);
            CHECK(n2 == 1);
        }
        SECTION("unmapping a whole boot region unlinks its tables and frees none of them") {
            const auto n = fail_each_allocation(pool, pt, [&] {
                return ok_or_no_memory(
                    pt.cursor().unmap_region(8 * fx::huge + 3 * fx::page, 5 * fx::page));
            });
            CHECK(n == 0);
            CHECK(pool.live() == boot_live);
        }
    }
    CHECK(pool.live() == boot_live);  // every frame the table took is back, no boot frame
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("copy_from allocates nothing", "[fault][copy_from]", all_format_types) {
    using F = TestType;
    frame_pool pool(1024);
    constexpr std::uint64_t span = F::levels[0].span();
    const vaddr kernel = F::va_valid(vaddr{0} - span) ? vaddr{0} - span
                         : F::va_valid(16 * span)     ? 16 * span
                                                      : (F::levels[0].entries() - 1) * span;
    auto lender = make_table<F>(pool);
    REQUIRE(lender.cursor().map(kernel, 0x8'0000, facts<F>::page, rw | global));
    auto pt = make_table<F>(pool);
    const auto n = fail_each_allocation(pool, pt, [&] {
        return ok_or_no_memory(pt.cursor().copy_from(lender, kernel, span));
    });
    CHECK(n == 0);
    CHECK(pt.query(kernel)->pa == 0x8'0000);
}
