// Contiguous runs (AArch64's Contiguous bit, RISC-V Svnapot; core/contiguous_runs.hpp): mapping
// calls mark the whole aligned runs they write; a change to part of a marked run unmarks it
// first with break-before-make (every entry of the run clear when each of its pages is
// invalidated); a protect of a whole run keeps it marked; the rule holds after every call;
// compile-time builds mark runs too.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/formats.hpp"
#include "support/runs_check.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {

// A sink that checks, at every invalidation by address, that the page is unmapped (its
// entry cleared) and counts the invalidations.
template <class PT>
struct bbm_sink {
    static constexpr bool break_before_make = true;
    const PT* pt;
    std::size_t invalidations = 0;
    std::size_t live_at_invalidation = 0;
    void changed(vaddr) {}
    void changed_run(vaddr, std::size_t, std::uint64_t) {}
    void retire(paddr, unsigned) {}
    void invalidate_now(vaddr va) {
        ++invalidations;
        if (pt->query(va).has_value()) ++live_at_invalidation;
    }
};

template <class F>
struct run_facts {
    using fx = facts<F>;
    static constexpr unsigned last = unsigned(F::levels.size() - 1);
    static constexpr std::size_t n = runs_of<F>::at(last);
    static constexpr std::uint64_t page = fx::page;
    static constexpr std::uint64_t run = n * page;
    static constexpr vaddr va = 2 * fx::biggest;  // aligned to every run and leaf
    static constexpr paddr pa = fx::pa_offset;
};

template <class PT>
bool marked_at(const PT& pt, vaddr va) {
    using F = typename PT::format;
    const auto slot = pt.engine().find_leaf(va);
    return slot.has_value() && runs_of<F>::marked(slot->raw, slot->level);
}

}  // namespace

#define ARM_RUN_FORMATS aarch64::stage1_4k_el1, aarch64::stage1_4k_el2, aarch64::stage1_16k_el1, \
                        aarch64::stage1_64k_el1
#define RUN_FORMATS ARM_RUN_FORMATS, riscv::sv39_svnapot

TEMPLATE_TEST_CASE("runs: the manual's N per level", "[runs]", ARM_RUN_FORMATS) {
    using F = TestType;
    using rf = run_facts<F>;
    // D8.7.1: 16 x 4 KiB, 128 x 16 KiB, 32 x 64 KiB at the last level; 16 x 2 MiB, 32 x 32 MiB,
    // 32 x 512 MiB one level up; none above.
    CHECK(rf::run == (F::granule_shift == 14 ? (std::uint64_t{2} << 20)
                      : F::granule_shift == 16 ? (std::uint64_t{2} << 20)
                                               : (std::uint64_t{64} << 10)));
    const std::uint64_t block_run = runs_of<F>::at(rf::last - 1) * F::levels[rf::last - 1].span();
    CHECK(block_run == (F::granule_shift == 12   ? (std::uint64_t{32} << 20)
                        : F::granule_shift == 14 ? (std::uint64_t{1} << 30)
                                                 : (std::uint64_t{16} << 30)));
    for (unsigned l = 0; l + 1 < rf::last; ++l) CHECK(runs_of<F>::at(l) == 1);
    // bit 52, nothing else
    const auto e = F::encode_leaf(0x4000'0000, rw, rf::last);
    const auto marked = F::with_contiguous(e, rf::last, true, 0x4000'0000);
    CHECK(marked == (e | (std::uint64_t{1} << 52)));
    CHECK(F::leaf_flags(marked, rf::last) == F::leaf_flags(e, rf::last));
    CHECK(F::address(marked, rf::last) == 0x4000'0000);  // its own page's address, kept
}

TEMPLATE_TEST_CASE("runs: mappings mark the whole aligned runs they write", "[runs]", RUN_FORMATS) {
    using F = TestType;
    using rf = run_facts<F>;
    frame_pool pool(64 * facts<F>::table_frames);
    auto pt = make_table<F>(pool);
    {
        auto c = pt.cursor();
        // a page into the first run, three runs long: runs 1 and 2 whole, 0 and 3 cut
        REQUIRE(c.map_linear(rf::va + rf::page, rf::pa + rf::page, 3 * rf::run, rw, false));
    }
    CHECK(marked_runs(pt, rf::last) == 2);
    CHECK_FALSE(marked_at(pt, rf::va + rf::page));
    CHECK(marked_at(pt, rf::va + rf::run));
    CHECK(marked_at(pt, rf::va + 3 * rf::run - rf::page));
    CHECK_FALSE(marked_at(pt, rf::va + 3 * rf::run));
    CHECK(runs_violation(pt).empty());
    {
        // pa one page off a run's alignment: no run can be marked
        auto c = pt.cursor();
        REQUIRE(c.map_linear(rf::va + 4 * rf::run, rf::pa + 8 * rf::run + rf::page, 2 * rf::run, rw, false));
    }
    CHECK(marked_runs(pt, rf::last) == 2);
    {
        // map_region, not linear: two aligned runs with different deltas, and one run whose
        // last page breaks the contiguity
        auto c = pt.cursor();
        const vaddr v = rf::va + 8 * rf::run;
        auto pa_of = [&](vaddr x) {
            const std::uint64_t off = x - v;
            if (off < rf::run) return rf::pa + 20 * rf::run + off;
            if (off < 2 * rf::run) return rf::pa + 30 * rf::run + off;
            if (off == 3 * rf::run - rf::page) return rf::pa + 50 * rf::run;
            return rf::pa + 40 * rf::run + off;
        };
        REQUIRE(c.map_region(v, pa_of, 3 * rf::run, rw, false));
        CHECK(marked_at(pt, v));
        CHECK(marked_at(pt, v + rf::run));
        CHECK_FALSE(marked_at(pt, v + 2 * rf::run));
    }
    CHECK(marked_runs(pt, rf::last) == 4);
    CHECK(runs_violation(pt).empty());
    // queries see pages, as before
    const auto q = pt.query(rf::va + rf::run + 5 * rf::page + 12);
    REQUIRE(q.has_value());
    CHECK(q->pa == rf::pa + rf::run + 5 * rf::page + 12);
    CHECK(q->size == rf::page);
}

TEMPLATE_TEST_CASE("runs: changing part of a run unmarks it with break-before-make", "[runs]",
                   RUN_FORMATS) {
    using F = TestType;
    using rf = run_facts<F>;
    frame_pool pool(64 * facts<F>::table_frames);
    auto pt = make_table<F>(pool);
    using PT = decltype(pt);
    {
        auto c = pt.cursor();
        REQUIRE(c.map_linear(rf::va, rf::pa, 4 * rf::run, rw, false));
    }
    REQUIRE(marked_runs(pt, rf::last) == 4);
    auto eng = pt.engine();
    bbm_sink<PT> s{&pt};

    SECTION("protect of one page") {
        REQUIRE(eng.protect(rf::va + 3 * rf::page, r, s).has_value());
        CHECK(s.invalidations == rf::n);
        CHECK(s.live_at_invalidation == 0);
        CHECK(marked_runs(pt, rf::last) == 3);
        CHECK(pt.query(rf::va + 3 * rf::page)->flags == F::effective(r));
        CHECK(pt.query(rf::va + 4 * rf::page)->flags == F::effective(rw));
        CHECK(pt.query(rf::va + 4 * rf::page)->pa == rf::pa + 4 * rf::page);
    }
    SECTION("remap and unmap of one page") {
        REQUIRE(eng.remap(rf::va + rf::run, rf::pa + 99 * rf::run, rw, s).has_value());
        REQUIRE(eng.unmap(rf::va + 2 * rf::run + rf::page, s).has_value());
        CHECK(s.invalidations == 2 * rf::n + 1);  // two runs, and the remapped page's BBM
        CHECK(s.live_at_invalidation == 0);
        CHECK(marked_runs(pt, rf::last) == 2);
        CHECK(pt.query(rf::va + rf::run)->pa == rf::pa + 99 * rf::run);
        CHECK(pt.query(rf::va + 2 * rf::run + rf::page).is(error::not_mapped));
        CHECK(pt.query(rf::va + 2 * rf::run)->pa == rf::pa + 2 * rf::run);
    }
    SECTION("protect of whole runs keeps them marked, in one break-before-make each") {
        REQUIRE(eng.protect_region(rf::va + rf::run, 2 * rf::run, r, s));
        CHECK(s.invalidations == 2 * rf::n);
        CHECK(s.live_at_invalidation == 0);
        CHECK(marked_runs(pt, rf::last) == 4);
        CHECK(pt.query(rf::va + rf::run)->flags == F::effective(r));
        CHECK(pt.query(rf::va)->flags == F::effective(rw));
        s.invalidations = 0;
        REQUIRE(eng.protect_region(rf::va + rf::run, 2 * rf::run, r, s));  // no change: no BBM
        CHECK(s.invalidations == 0);
    }
    SECTION("protect of a range that cuts two runs") {
        REQUIRE(eng.protect_region(rf::va + rf::run / 2, 2 * rf::run, r, s));
        CHECK(s.invalidations == 3 * rf::n);  // runs 0 and 2 unmarked, run 1 reflagged
        CHECK(marked_runs(pt, rf::last) == 2);  // runs 1 (covered, reflagged) and 3
        CHECK(marked_at(pt, rf::va + rf::run));
        CHECK(pt.query(rf::va + rf::run / 2 - rf::page)->flags == F::effective(rw));
        CHECK(pt.query(rf::va + rf::run / 2)->flags == F::effective(r));
    }
    SECTION("unmap of whole runs clears them; a cut run is unmarked first") {
        REQUIRE(eng.unmap_region(rf::va + rf::run, rf::run, s));
        CHECK(s.invalidations == 0);
        CHECK(marked_runs(pt, rf::last) == 3);
        REQUIRE(eng.unmap_region(rf::va + 2 * rf::run, rf::page, s));
        CHECK(s.invalidations == rf::n);
        CHECK(s.live_at_invalidation == 0);
        CHECK(marked_runs(pt, rf::last) == 2);
    }
    CHECK(runs_violation(pt).empty());
}

TEMPLATE_TEST_CASE("runs: splits mark the runs the change leaves whole; collapse takes them",
                   "[runs]", RUN_FORMATS) {
    using F = TestType;
    using rf = run_facts<F>;
    using fx = facts<F>;
    frame_pool pool(64 * fx::table_frames);
    auto pt = make_table<F>(pool);
    using PT = decltype(pt);
    {
        auto c = pt.cursor();
        REQUIRE(c.map_linear(rf::va, rf::pa, fx::huge, rw, true));
    }
    REQUIRE(pt.query(rf::va)->size == fx::huge);
    auto eng = pt.engine();
    bbm_sink<PT> s{&pt};
    REQUIRE(eng.protect_region(rf::va + 3 * rf::page, rf::page, r, s));
    const std::size_t runs_in_table = F::levels[rf::last].entries() / rf::n;
    CHECK(marked_runs(pt, rf::last) == runs_in_table - 1);
    CHECK_FALSE(marked_at(pt, rf::va));
    CHECK(marked_at(pt, rf::va + rf::run));
    CHECK(runs_violation(pt).empty());
    // the page back to rw: the table is uniform again (marked runs and an unmarked one)
    REQUIRE(eng.protect_region(rf::va + 3 * rf::page, rf::page, rw, s));
    {
        auto c = pt.cursor();
        const auto collapsed = c.collapse(rf::va, fx::huge);
        REQUIRE(collapsed.has_value());
        CHECK(*collapsed == 1);
    }
    CHECK(pt.query(rf::va + rf::run)->size == fx::huge);
}

TEMPLATE_TEST_CASE("runs: blocks form runs too", "[runs]", ARM_RUN_FORMATS) {
    using F = TestType;
    using rf = run_facts<F>;
    constexpr unsigned level = rf::last - 1;
    constexpr std::uint64_t block = F::levels[level].span();
    constexpr std::uint64_t run = runs_of<F>::at(level) * block;
    frame_pool pool(64 * facts<F>::table_frames);
    auto pt = make_table<F>(pool);
    {
        auto c = pt.cursor();
        REQUIRE(c.map_linear(2 * run - block, 2 * run - block, run + 2 * block, rw, true));
    }
    CHECK(marked_runs(pt, level) == 1);
    CHECK(marked_at(pt, 2 * run));
    CHECK_FALSE(marked_at(pt, 2 * run - block));
    CHECK_FALSE(marked_at(pt, 3 * run));
    CHECK(runs_violation(pt).empty());
    {
        // one page of a block of the run made read-only: the run is unmarked, the block split
        auto c = pt.cursor();
        REQUIRE(c.protect_region(2 * run + block + rf::page, rf::page, r));
    }
    CHECK(marked_runs(pt, level) == 0);
    CHECK(pt.query(2 * run)->size == block);
    CHECK(runs_violation(pt).empty());
}

namespace {
// The compiler marks runs in constant expressions as well: a boot image's leaves.
template <class F>
constexpr bool constexpr_marks_runs() {
    using rf = run_facts<F>;
    constexpr std::size_t bytes = 2 * geometry_of<F>::root_footprint + 8 * F::levels[1].table_bytes();
    auto pt = page_table<F, static_arena<F, bytes>>::create(static_arena<F, bytes>{0x4000'0000});
    if (!pt) return false;
    {
        auto c = pt->cursor();
        if (!c.map_linear(rf::va, rf::pa, 2 * rf::run, rw, false)) return false;
        if (!c.protect_region(rf::va + rf::page, rf::page, r)) return false;
    }
    const auto first = pt->engine().find_leaf(rf::va);
    const auto second = pt->engine().find_leaf(rf::va + rf::run);
    return first && second && !runs_of<F>::marked(first->raw, rf::last) &&
           runs_of<F>::marked(second->raw, rf::last);
}
static_assert(constexpr_marks_runs<aarch64::stage1_4k_el1>());
static_assert(constexpr_marks_runs<aarch64::stage1_16k_el1>());
static_assert(constexpr_marks_runs<riscv::sv39_svnapot>());
}  // namespace
