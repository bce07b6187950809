// No-access leaves (mprotect(PROT_NONE), guard regions): a leaf that keeps its frame and size
// in an encoding every access faults on (each arch header says which; the arch tests check
// the bits). Here, for every format, what the engine and the boot builder do with them.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include <ptgen/boot.hpp>

#include "support/formats.hpp"
#include "support/mappings_of.hpp"
#include "support/table_snapshot.hpp"

using namespace ptgen;
using namespace ptgen::test;

namespace {


// RAM identity-mapped, with a no-access guard region inside it: a stack guard below the
// stack, whose frames come back into use when protected back.
template <class F>
constexpr boot::layout<F> guard_layout{
    .table_base = 0x8000'0000,
    .regions = {boot::identity(0x4000'0000, 0x40'0000, rw | global, "ram"),
                boot::guard(0x4040'0000, 0x4040'0000, 0x1'0000, "stack guard"),
                boot::identity(0x4041'0000, 0x1'0000, rw | global, "stack")},
};
template <class F>
constexpr auto guard_image = boot::build<guard_layout<F>>();

template <class F>
constexpr bool guard_translates_without_access() {
    const auto& img = guard_image<F>;
    if (!boot::verify(img, guard_layout<F>)) return false;  // every region, guard included
    const auto t = translate(img, 0x4040'8008);
    return t && t->pa == 0x4040'8008 && !grants_access(t->flags) &&
           t->flags == F::effective(no_access | global) && translate(img, 0x4041'0000)->flags ==
           F::effective(rw | global);
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("protect to no access keeps frame and size; protect back restores the leaf",
                        "[no_access]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    const auto root_frames = pool.live_frames();
    auto c = pt.cursor();
    for (const std::uint64_t size : {fx::page, fx::huge}) {
        INFO(F::name << " size " << size);
        const vaddr va = 2 * fx::biggest + 4 * size;
        const paddr pa = fx::pa_offset + 2 * size;
        REQUIRE(c.map(va, pa, size, rw | global));
        const auto mapped = take_snapshot(pt);
        REQUIRE(c.protect(va, no_access));
        const auto t = pt.query(va + size - 8);
        REQUIRE(t);  // mapped, without access: not not_mapped
        CHECK(t->pa == pa + size - 8);
        CHECK(t->size == size);
        CHECK(t->flags == F::effective(no_access));
        CHECK_FALSE(grants_access(t->flags));
        // still a mapping: a map over it is refused, remap and protect reach it
        CHECK(c.map(va, pa, size, rw).is(error::already_mapped));
        REQUIRE(c.remap(va, pa, no_access | global));
        CHECK(pt.query(va)->flags == F::effective(no_access | global));
        REQUIRE(c.protect(va, rw | global));
        CHECK(take_snapshot(pt) == mapped);  // bit for bit the leaf a map writes
        // unmap frees it like any leaf and reports its frame
        REQUIRE(c.protect(va, no_access));
        const auto gone = c.unmap(va);
        REQUIRE(gone);
        CHECK(gone->pa == pa);
        CHECK(pt.query(va).is(error::not_mapped));
    }
    c.flush();
    CHECK(pool.live_frames() == root_frames);  // every table reclaimed but the root
}

TEMPLATE_LIST_TEST_CASE("no access splits huge pages both ways, and unmap_region frees it all",
                        "[no_access][split]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    const auto root_frames = pool.live_frames();
    const vaddr va = 2 * fx::biggest;
    const paddr pa = fx::pa_offset;
    const std::uint64_t half = fx::huge / 2;
    {
        auto c = pt.cursor();
        // a huge rw page loses all access in its first half: split, second half untouched
        REQUIRE(c.map(va, pa, fx::huge, rw));
        REQUIRE(c.protect_region(va, half, no_access));
        CHECK(pt.query(va)->size == fx::page);
        CHECK_FALSE(grants_access(pt.query(va + half - fx::page)->flags));
        CHECK(pt.query(va + half - fx::page)->pa == pa + half - fx::page);
        CHECK(pt.query(va + half)->flags == F::effective(rw));
        // a huge no-access page gets access back in one of its pages: split the other way
        REQUIRE(c.map(va + fx::huge, pa + fx::huge, fx::huge, no_access));
        CHECK(pt.query(va + fx::huge)->size == fx::huge);
        REQUIRE(c.protect_region(va + fx::huge + fx::page, fx::page, r));
        CHECK_FALSE(grants_access(pt.query(va + fx::huge)->flags));
        CHECK(pt.query(va + fx::huge)->pa == pa + fx::huge);
        CHECK(pt.query(va + fx::huge + fx::page)->flags == F::effective(r));
        CHECK(pt.query(va + fx::huge + fx::page)->pa == pa + fx::huge + fx::page);
        // merged in address order: no access, rw, no access, r, no access
        const auto ms = mappings_of(pt, va, 2 * fx::huge, merge_mappings::yes);
        REQUIRE(ms.size() == 5);
        CHECK(ms[0].size == half);
        CHECK_FALSE(grants_access(ms[0].flags));
        CHECK(ms[3].flags == F::effective(r));
        CHECK(pt.find_next_mapped(va + fx::huge)->va == va + fx::huge);
        // unmap_region does not call no-access pages holes
        REQUIRE(c.unmap_region(va, 2 * fx::huge));
    }
    CHECK(pool.live_frames() == root_frames);
    CHECK(pool.bad_frees() == 0);
}

TEMPLATE_LIST_TEST_CASE("a no-access split that runs out of memory changes nothing",
                        "[no_access][fault]", all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto pt = make_table<F>(pool);
    const vaddr va = 2 * fx::biggest;
    REQUIRE(pt.cursor().map(va, fx::pa_offset, fx::huge, rw));
    const auto before = take_snapshot(pt);
    const auto frames = pool.live_frames();
    pool.fail_after(1);
    {
        auto c = pt.cursor();
        CHECK(c.protect_region(va + fx::page, fx::page, no_access).is(error::no_memory));
    }
    pool.fail_after(0);
    CHECK(take_snapshot(pt) == before);
    CHECK(pool.live_frames() == frames);
}

TEMPLATE_LIST_TEST_CASE("fork_copy copies no-access leaves as they are", "[no_access][fork]",
                        all_format_types) {
    using F = TestType;
    using fx = facts<F>;
    frame_pool pool(256);
    auto parent = make_table<F>(pool);
    auto child = make_table<F>(pool);
    const vaddr va = 2 * fx::biggest;
    {
        auto c = parent.cursor();
        REQUIRE(c.map(va, fx::pa_offset, fx::huge, no_access));
        REQUIRE(c.map(va + fx::huge, 0x7'0000, fx::page, rw));
    }
    {
        auto into = child.cursor();
        auto from = parent.cursor();
        REQUIRE(fork_copy(into, from, va, 2 * fx::huge, fork_mode::copy_on_write));
    }
    const auto got = mappings_of(child, va, 2 * fx::huge, merge_mappings::yes);
    REQUIRE(got.size() == 2);
    CHECK(got[0].size == fx::huge);
    CHECK(got[0].flags == F::effective(no_access));
    CHECK(got[1].flags == F::effective(r));  // copy-on-write: write gone on both sides
    CHECK(parent.query(va + fx::huge)->flags == F::effective(r));
}

TEMPLATE_LIST_TEST_CASE("a boot layout declares a guard region: no access, its frames kept",
                        "[no_access][boot]", all_format_types) {
    using F = TestType;
    STATIC_REQUIRE(guard_translates_without_access<F>());
    // The compile-time image adopted at run time: the guard is a mapping without access, and
    // protecting it back gives the stack its guard pages (frames and size as declared).
    const auto& img = guard_image<F>;
    frame_pool pool(64, img.base);
    REQUIRE(pool.alloc((img.bytes + 4095) / 4096, 4096) == img.base);
    std::memcpy(pool.to_virt(img.base), img.tables.data(), img.bytes);
    auto pt = boot::adopt<F>(img.root, img.base, img.bytes, pool_handler{&pool});
    CHECK_FALSE(grants_access(pt.query(0x4040'0000)->flags));
    auto c = pt.cursor();
    REQUIRE(c.protect_region(0x4040'0000, 0x1'0000, rw | global));
    CHECK(pt.query(0x4040'f008)->pa == 0x4040'f008);
    CHECK(pt.query(0x4040'f008)->flags == F::effective(rw | global));
}
