// Regression tests for the defects a new user found (issue 9): LoongArch TLB pairs and the G
// bit, W+X verification of a high root, split roots adopted half by half, the native TLB
// default, result accessors.
#include <catch2/catch.hpp>

#include <cstring>
#include <type_traits>

#include <ptgen/boot.hpp>

#include "support/formats.hpp"

using namespace ptgen;

namespace {

using la = loongarch64::la64_4level;
namespace pte = loongarch64::pte;

template <class PageTable>
typename PageTable::entry raw_leaf(const PageTable& pt, vaddr va) {
    typename PageTable::entry e{};
    pt.walk(~std::size_t{0}, [&](const auto& w) {
        if (w.level == 3 && w.va == (va & ~vaddr{0xfff})) e = w.raw;
    });
    return e;
}
// The raw last-level entry at va, present or not.
template <class PageTable>
typename PageTable::entry raw_entry(const PageTable& pt, test::frame_pool& pool, vaddr va) {
    paddr table = pt.root_paddr();
    for (unsigned level = 0; level < 3; ++level)
        table = la::address(pt.engine().load(table, la::levels[level].index_of(va)), level);
    (void)pool;
    return pt.engine().load(table, la::levels[3].index_of(va));
}

}  // namespace

TEST_CASE("LoongArch: the empty partner of a global 4 KiB page carries G, so the TLB entry is global",
          "[loongarch64][defect]") {
    test::frame_pool pool(64);
    auto pt = test::pool_table<la>::create(test::pool_handler{&pool});
    REQUIRE(pt);
    const auto root_only = pool.live_frames();
    {
        auto c = pt->cursor();
        REQUIRE(c.map(0x1000'0000, 0x2000'0000, 4_KiB, rw | global));
    }
    // The partner (0x1000'1000) is not present, yet carries G (Vol. 1, 7.5: G of the TLB entry
    // is the AND of both halves' G).
    CHECK(raw_entry(*pt, pool, 0x1000'1000) == pte::G);
    CHECK(pt->query(0x1000'1000).is(error::not_mapped));
    CHECK(has(pt->query(0x1000'0000)->flags, global));
    // A non-global partner makes the pair non-global: query says what the TLB will hold.
    REQUIRE(pt->cursor().map(0x1000'1000, 0x2000'1000, 4_KiB, rw));
    CHECK_FALSE(has(pt->query(0x1000'0000)->flags, global));
    CHECK_FALSE(has(pt->query(0x1000'1000)->flags, global));
    // Unmapping the partner restores its filler; unmapping both leaves zeroes, then nothing.
    REQUIRE(pt->cursor().unmap(0x1000'1000));
    CHECK(raw_entry(*pt, pool, 0x1000'1000) == pte::G);
    CHECK(has(pt->query(0x1000'0000)->flags, global));
    // protect to non-global drops the filler's G with it
    REQUIRE(pt->cursor().protect(0x1000'0000, rw));
    CHECK(raw_entry(*pt, pool, 0x1000'1000) == 0);
    REQUIRE(pt->cursor().protect_region(0x1000'0000, 4_KiB, rw | global));
    CHECK(raw_entry(*pt, pool, 0x1000'1000) == pte::G);
    // an odd page: the even partner gets the filler
    REQUIRE(pt->cursor().map(0x1000'3000, 0x2000'3000, 4_KiB, r | global));
    CHECK(raw_entry(*pt, pool, 0x1000'2000) == pte::G);
    REQUIRE(pt->cursor().unmap_region(0x1000'0000, 16_KiB).is(error::not_mapped));  // a hole
    REQUIRE(pt->cursor().unmap(0x1000'0000));
    REQUIRE(pt->cursor().unmap(0x1000'3000));
    CHECK(pool.live_frames() == root_only);  // the table emptied was reclaimed
}

TEST_CASE("LoongArch boot image: a lone global 4 KiB window has a G partner and translates global",
          "[loongarch64][boot][defect]") {
    static constexpr boot::layout<la> lay{
        .table_base = 0x20'0000,
        .regions = {boot::identity(0x4000'0000, 1_GiB, rw | global, "ram"),
                    boot::device_window(0x1fe0'0000, 4_KiB, "uart")}};
    static constexpr auto img = boot::build<lay>();
    static_assert(boot::verify(img, lay));
    static_assert(has(translate(img, 0x1fe0'0000)->flags, global));
    // the partner entry in the image's last-level table
    bool found = false;
    for (std::size_t i = 0; i + 1 < img.entries; i += 2) {
        const auto a = img.tables[i], b = img.tables[i + 1];
        if (la::kind(a, 3) == entry_kind::leaf && la::address(a, 3) == 0x1fe0'0000) {
            CHECK(b == pte::G);
            found = true;
        }
    }
    CHECK(found);
}

TEST_CASE("verify accepts a W+X region with its allowance in the high half of split roots",
          "[aarch64][boot][defect]") {
    static constexpr boot::layout<aarch64::stage1_4k_el1> lay{
        .table_base = 0x4020'0000,
        .regions = {boot::identity(0x4000'0000, 1_GiB, rw, "ram"),
                    boot::linear(0xffff'0000'4000'0000, 0x4000'0000, 2_MiB, rwx, "kernel")
                        .writable_and_executable()}};
    static constexpr auto img = boot::build<lay>();
    // Before the fix the high root was walked from VA 0: its W+X leaves looked unallowed.
    static_assert(boot::no_unasked_write_execute(img, lay));
    static_assert(boot::verify(img, lay));
    // and an unasked W+X leaf in the high half is still caught
    static constexpr boot::layout<aarch64::stage1_4k_el1> other{
        .table_base = 0x4020'0000,
        .regions = {boot::identity(0x4000'0000, 1_GiB, rw, "ram").writable_and_executable(),
                    boot::linear(0xffff'0000'4000'0000, 0x4000'0000, 2_MiB, rw, "kernel")}};
    static constexpr auto img2 = boot::build<other>();
    static_assert(boot::verify(img2, other));
    static_assert(!boot::no_unasked_write_execute(img, other));  // img's high leaf is rwx
    SUCCEED();
}

TEMPLATE_TEST_CASE("split roots: each half's table refuses the other half's addresses",
                   "[boot][adopt][defect]", aarch64::stage1_4k_el1, loongarch64::la64_4level) {
    using F = TestType;
    constexpr vaddr high = geometry_of<F>::high_half_base | 0x0000'ff00'0000'0000;
    static constexpr boot::layout<F> lay{
        .table_base = 0x8040'0000,
        .regions = {boot::identity(0x8000'0000, 1_GiB, rw, "ram"),
                    boot::linear(high, 0x8000'0000, 2_MiB, rx | global, "kernel").small_pages()}};
    static constexpr auto img = boot::build<lay>();
    static_assert(img.root != img.high_root);
    test::frame_pool pool(64, img.base);
    REQUIRE(pool.alloc((img.bytes + 4095) / 4096, 4096) == img.base);
    std::memcpy(pool.to_virt(img.base), img.tables.data(), img.bytes);
    auto low_pt = boot::adopt_image(img, test::pool_handler{&pool});
    auto high_pt = boot::adopt_image_high(img, test::pool_handler{&pool});
    CHECK(low_pt.half() == root_half::low);
    CHECK(high_pt.half() == root_half::high);
    CHECK(low_pt.query(0x8000'1000)->pa == 0x8000'1000);
    CHECK(high_pt.query(high + 0x1000)->pa == 0x8000'1000);
    // the other half: out_of_range, not "mapped where the MMU never looks"
    CHECK(low_pt.query(high + 0x1000).is(error::out_of_range));
    CHECK(high_pt.query(0x8000'1000).is(error::out_of_range));
    CHECK(low_pt.cursor().map(high + 4_MiB, 0x9000'0000, 4_KiB, rw).is(error::out_of_range));
    CHECK(high_pt.cursor().map(0x1000'0000, 0x9000'0000, 4_KiB, rw).is(error::out_of_range));
    CHECK(high_pt.cursor().unmap_region(0x8000'0000, 4_KiB).is(error::out_of_range));
    // mapping in its own half works, and walk() reports high-half addresses
    REQUIRE(high_pt.cursor().map(high + 4_MiB, 0x9000'0000, 4_KiB, rw));
    bool seen = false;
    high_pt.walk(~std::size_t{0}, [&](const auto& e) {
        if (e.kind == entry_kind::leaf && e.va == high + 4_MiB) seen = true;
        CHECK(e.va >= geometry_of<F>::high_half_base);
    });
    CHECK(seen);
    REQUIRE(high_pt.cursor().unmap(high + 4_MiB));
}

TEST_CASE("the native TLB policy is no_tlb in a hosted build", "[tlb][defect]") {
    // (tests/freestanding/all_headers.cpp proves the freestanding x86-64 choice.)
    STATIC_REQUIRE(std::is_same_v<native_tlb<riscv::sv39>, no_tlb>);
    STATIC_REQUIRE(std::is_same_v<native_tlb<x86_64::long_mode_4level>, no_tlb>);
    STATIC_REQUIRE(std::is_same_v<x86_64::page_table<test::pool_handler>::tlb_type, no_tlb>);
}

TEST_CASE("result accessors: err() of a failure, value of a success, in constant expressions",
          "[result][defect]") {
    constexpr result<int> bad = fail(error::not_mapped);
    constexpr result<int> good = 7;
    STATIC_REQUIRE(!bad.has_value());
    STATIC_REQUIRE(bad.err() == error::not_mapped);
    STATIC_REQUIRE(*good == 7);
    STATIC_REQUIRE(good.value() == 7);
    STATIC_REQUIRE(bad.is(error::not_mapped) && !good.is(error::not_mapped));
    constexpr status s = fail(error::borrowed_range);
    STATIC_REQUIRE(s.err() == error::borrowed_range);
    CHECK(std::string(to_string(error::borrowed_range)) == "borrowed_range");
    // (value() of a failure and err() of a success do not compile in a constant expression:
    // tests/compile_fail/translate_unmapped.cpp; at run time they trap.)
}
