// The AArch64 stage 1 formats with the 16 KiB and 64 KiB granules and VA sizes other than 48
// bits (ptgen/arch/aarch64.hpp), against DDI 0487 D8.2 (the granule walks: levels, index bits,
// block sizes) and the TCR_ELx / TTBR fields. Raw values computed by hand.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <tuple>

#include <ptgen/arch/aarch64.hpp>
#include <ptgen/boot.hpp>
#include <ptgen/generators/recipes.hpp>

#include "support/formats.hpp"
#include "support/layout_bytes.hpp"
#include "support/table_snapshot.hpp"

namespace {

namespace a64 = ptgen::aarch64;
using ptgen::entry_kind;
using ptgen::geometry_of;

// 16 KiB, 48 bits: 4 levels, a 2-entry root (VA[47]), then 11 bits each; blocks of 32 MiB only.
using g16 = a64::stage1_16k_el1;
static_assert(ptgen::page_table_format<g16> && geometry_of<g16>::coherent());
static_assert(g16::levels.size() == 4 && g16::levels[0].shift == 47 && g16::levels[0].entries() == 2);
static_assert(g16::levels[1].shift == 36 && g16::levels[2].shift == 25 && g16::levels[3].shift == 14);
static_assert(g16::levels[0].table_align == 64);  // TTBR BADDR: a root under 64 bytes
static_assert(geometry_of<g16>::leaf_level_for(32ull << 20) == 2);
static_assert(geometry_of<g16>::leaf_level_for(64ull << 30) == -1);  // level 1 blocks need LPA2
static_assert(geometry_of<g16>::min_page == 16384 && g16::levels[3].table_bytes() == 16384);
// 16 KiB, 47 bits: 3 levels of 11 bits ([46:36], [35:25], [24:14]).
using g16_47 = a64::stage1_el1<14, 47>;
static_assert(g16_47::levels.size() == 3 && g16_47::levels[0].entries() == 2048);
// 64 KiB, 48 bits: 3 levels, a 64-entry root ([47:42]), then 13 bits; 512 MiB blocks.
using g64 = a64::stage1_64k_el1;
static_assert(ptgen::page_table_format<g64> && geometry_of<g64>::coherent());
static_assert(g64::levels.size() == 3 && g64::levels[0].entries() == 64 &&
              g64::levels[0].table_align == 512 && g64::levels[1].shift == 29);
static_assert(geometry_of<g64>::leaf_level_for(512ull << 20) == 1);
static_assert(geometry_of<g64>::leaf_level_for(4ull << 40) == -1);  // level 1 blocks need LPA
// 64 KiB, 42 bits: 2 levels of 13 bits.
using g64_42 = a64::stage1_el2<16, 42, 40>;
static_assert(g64_42::levels.size() == 2 && g64_42::levels[0].shift == 29 &&
              g64_42::levels[0].entries() == 8192 && g64_42::levels[0].leaf_allowed);
// 64 KiB, 52-bit VA (FEAT_LVA) and PA (FEAT_LPA): 3 levels, a 1024-entry, 8 KiB root
// ([51:42]); 4 TiB blocks at level 1 (the root) with FEAT_LPA.
using g64_52 = a64::stage1_el1<16, 52, 52>;
static_assert(ptgen::page_table_format<g64_52> && geometry_of<g64_52>::coherent());
static_assert(g64_52::levels.size() == 3 && g64_52::levels[0].shift == 42 &&
              g64_52::levels[0].entries() == 1024 && g64_52::levels[0].table_bytes() == 8192);
static_assert(geometry_of<g64_52>::leaf_level_for(4ull << 40) == 0);
static_assert(geometry_of<g64_52>::leaf_level_for(512ull << 20) == 1);
static_assert(g64_52::pa_bits == 52 && g64_52::va_bits == 52);
// 48-bit VA with a 52-bit PA: the 64-entry root may hold 4 TiB blocks.
static_assert(geometry_of<a64::stage1_el1<16, 48, 52>>::leaf_level_for(4ull << 40) == 0);
// FEAT_LPA2 (TCR.DS = 1), 52-bit VA and PA: 4 KiB walks 5 levels from a 16-entry, 128-byte
// level -1 table ([51:48]; no blocks), 512 GiB blocks at level 0; 16 KiB walks 4 levels from a
// 32-entry level 0 ([51:47]; no blocks), 64 GiB blocks at level 1 (D8.2.6, D8.2.7).
using g4_52 = a64::stage1_el1<12, 52, 52>;
static_assert(ptgen::page_table_format<g4_52> && geometry_of<g4_52>::coherent());
static_assert(g4_52::lpa2 && !g4_52::lpa && g4_52::levels.size() == 5 &&
              g4_52::levels[0].shift == 48 && g4_52::levels[0].entries() == 16 &&
              !g4_52::levels[0].leaf_allowed && g4_52::levels[0].table_align == 128);
static_assert(geometry_of<g4_52>::leaf_level_for(512ull << 30) == 1);
static_assert(geometry_of<g4_52>::leaf_level_for(1ull << 30) == 2);
using g16_52 = a64::stage1_el1<14, 52, 52>;
static_assert(ptgen::page_table_format<g16_52> && geometry_of<g16_52>::coherent());
static_assert(g16_52::lpa2 && g16_52::levels.size() == 4 && g16_52::levels[0].shift == 47 &&
              g16_52::levels[0].entries() == 32 && !g16_52::levels[0].leaf_allowed);
static_assert(geometry_of<g16_52>::leaf_level_for(64ull << 30) == 1);
static_assert(!a64::stage1_4k_el1::lpa2 && !g64_52::lpa2);
// 4 KiB, 39 bits: 3 levels, 1 GiB blocks in the root.
using g4_39 = a64::stage1_el1<12, 39>;
static_assert(g4_39::levels.size() == 3 && g4_39::levels[0].shift == 30 &&
              g4_39::levels[0].leaf_allowed);

}  // namespace

TEST_CASE("AArch64 granules: names say granule, VA and PA size", "[aarch64][granule]") {
    CHECK(std::string_view(a64::stage1_4k_el1::name) == "aarch64-4k-el1");
    CHECK(std::string_view(g16::name) == "aarch64-16k-el1");
    CHECK(std::string_view(g16_47::name) == "aarch64-16k-47bit-el1");
    CHECK(std::string_view(g64::name) == "aarch64-64k-el1");
    CHECK(std::string_view(g64_42::name) == "aarch64-64k-42bit-pa40-el2");
    CHECK(std::string_view(g64_52::name) == "aarch64-64k-52bit-pa52-el1");
}

TEST_CASE("AArch64 FEAT_LPA: OA[51:48] in descriptor bits 15:12, and in TTBR bits 5:2",
          "[aarch64][granule]") {
    // A 64 KiB page at PA 0x000a'bcd0'1234'0000: bits 47:16 in place, 0xa in bits 15:12.
    const auto page = g64_52::encode_leaf(0x000a'bcd0'1234'0000, ptgen::rw, 2);
    CHECK(page == 0x0060'bcd0'1234'af07);
    CHECK(g64_52::address(page, 2) == 0x000a'bcd0'1234'0000);
    CHECK(g64_52::leaf_flags(page, 2) == ptgen::rw);
    // A 4 TiB block at level 1 (the root): OA[51:42].
    const auto block = g64_52::encode_leaf(0x0005'0400'0000'0000, ptgen::rx | ptgen::global, 0);
    CHECK(block == 0x0040'0400'0000'5785);
    CHECK(g64_52::kind(block, 0) == entry_kind::leaf);
    CHECK(g64_52::address(block, 0) == 0x0005'0400'0000'0000);
    // A table descriptor: the next table's PA[51:48] in bits 15:12 as well.
    CHECK(g64_52::encode_table(0x0003'0000'0001'0000, 0) == 0x0000'0000'0001'3003);
    CHECK(g64_52::address(0x0000'0000'0001'3003, 0) == 0x0003'0000'0001'0000);
    // Without FEAT_LPA the same bits are RES0 and not address (g64 above).
    CHECK(g64::address(0x0060'0000'4001'af07, 2) == 0x4001'0000);
    // TTBR: BADDR[47:1], and PA[51:48] of the root in bits 5:2; TCR: T0SZ = T1SZ = 12, IPS 0b110.
    CHECK(g64_52::ttbr(0x000a'0000'4044'0000) == 0x0000'0000'4044'0028);
    CHECK(g64_52::tcr_el1 == 0x0000'0006'f50c'750c);
    CHECK(g64_52::va_valid(0x000f'ffff'ffff'ffff));
    CHECK_FALSE(g64_52::va_valid(0x0010'0000'0000'0000));
    CHECK(g64_52::va_valid(0xfff0'0000'0000'0000));
}

TEST_CASE("AArch64 FEAT_LPA2: OA[49:12] in place, OA[51:50] in bits 9:8 (no SH), TCR.DS",
          "[aarch64][granule]") {
    CHECK(std::string_view(g4_52::name) == "aarch64-4k-52bit-pa52-el1");
    CHECK(std::string_view(g16_52::name) == "aarch64-16k-52bit-pa52-el1");
    // A 4 KiB page at 0x000a'bcd0'1234'5000: bits 49:12 in place (0x0002'bcd0'1234'5), OA[51:50]
    // = 0b10 in bits 9:8 (0x200), nG AF, AttrIndx 1, UXN PXN (rw kernel page), no SH.
    const auto page = g4_52::encode_leaf(0x000a'bcd0'1234'5000, ptgen::rw, 4);
    CHECK(page == 0x0062'bcd0'1234'5e07);
    CHECK(g4_52::address(page, 4) == 0x000a'bcd0'1234'5000);
    CHECK(g4_52::leaf_flags(page, 4) == ptgen::rw);
    // A 512 GiB block at level 0 (ptgen level 1): rx global, OA[51:50] = 0b01.
    const auto block = g4_52::encode_leaf(0x0005'0080'0000'0000, ptgen::rx | ptgen::global, 1);
    CHECK(block == 0x0041'0080'0000'0585);
    CHECK(g4_52::kind(block, 1) == entry_kind::leaf);
    CHECK(g4_52::address(block, 1) == 0x0005'0080'0000'0000);
    // A table descriptor: NLTA[49:12] in place, NLTA[51:50] in bits 9:8.
    CHECK(g4_52::encode_table(0x000f'0000'4001'0000, 0) == 0x0003'0000'4001'0303);
    CHECK(g4_52::address(0x0003'0000'4001'0303, 0) == 0x000f'0000'4001'0000);
    // 16 KiB: the same layout above the granule.
    CHECK(g16_52::encode_leaf(0x000a'bcd0'1234'4000, ptgen::rw, 3) == 0x0062'bcd0'1234'4e07);
    // TTBR: PA[51:48] of the root in bits 5:2; TCR_EL1: T0SZ = T1SZ = 12, TG0 4K, TG1 4K, IPS
    // 0b110, DS (bit 59).
    CHECK(g4_52::ttbr(0x000a'0000'4044'0000) == 0x0000'0000'4044'0028);
    CHECK(g4_52::tcr_el1 == 0x0800'0006'b50c'350c);
    CHECK(a64::stage1_el2<12, 52, 52>::tcr_el2 == 0x0000'0001'8086'350c);
    CHECK(g4_52::va_valid(0x000f'ffff'ffff'ffff));
    CHECK_FALSE(g4_52::va_valid(0x0010'0000'0000'0000));
    CHECK(g4_52::va_valid(0xfff0'0000'0000'0000));
    // Without DS, bits 9:8 are SH and bits 49:48 not address.
    CHECK(a64::stage1_4k_el1::address(0x0003'0000'4001'0303, 3) == 0x4001'0000);
}

TEST_CASE("AArch64 granules: a 32 MiB block and a 16 KiB page, a 64 KiB page", "[aarch64][granule]") {
    // rw global EL1 block: type 01 | AttrIndx 1 (0x4) | SH 11 (0x300) | AF (0x400) | PXN | UXN
    CHECK(g16::encode_leaf(0x4200'0000, ptgen::rw | ptgen::global, 2) == 0x0060'0000'4200'0705);
    CHECK(g16::kind(0x0060'0000'4200'0705, 2) == entry_kind::leaf);
    CHECK(g16::kind(0x0060'0000'4200'0705, 1) == entry_kind::empty);  // no block at level 1
    CHECK(g16::address(0x0060'0000'43ff'c705, 2) == 0x4200'0000);
    CHECK(g16::encode_leaf(0x4000'4000, ptgen::rw, 3) == 0x0060'0000'4000'4f07);  // page, nG
    // 64 KiB page: bits 15:12 of the address field are RES0 (no FEAT_LPA): not address bits
    CHECK(g64::encode_leaf(0x4001'0000, ptgen::rw, 2) == 0x0060'0000'4001'0f07);
    CHECK(g64::address(0x0060'0000'4001'ff07, 2) == 0x4001'0000);
    CHECK(g64::encode_table(0x4002'0000, 0) == 0x4002'0003);
    CHECK(g64::encode_leaf(0x6000'0000, ptgen::rx | ptgen::global, 1) == 0x0040'0000'6000'0785);
}

TEST_CASE("AArch64 granules: TCR T0SZ/T1SZ, TG0/TG1 and IPS/PS from the format", "[aarch64][granule]") {
    // T0SZ = T1SZ = 17, TG0 = 0b10 (16K), TG1 = 0b01 (16K), IRGN/ORGN WBWA, SH inner, IPS 48
    CHECK(g16_47::tcr_el1 == 0x0000'0005'7511'b511);
    // T0SZ = 22, TG0 = 0b01 (64K), PS = 0b010 (40 bits), RES1 31 and 23
    CHECK(g64_42::tcr_el2 == 0x8082'7516);
    // 64K EL1, 48 bits: T0SZ = T1SZ = 16, TG0 = 0b01, TG1 = 0b11
    CHECK(g64::tcr_el1 == 0x0000'0005'f510'7510);
    CHECK(g64::ttbr(0x4040'0200, 5) == 0x0005'0000'4040'0200);  // a 512-byte root, 64-aligned
}

TEST_CASE("AArch64 granules: VA ranges follow T0SZ/T1SZ", "[aarch64][granule]") {
    CHECK(g4_39::va_valid(0x0000'007f'ffff'ffff));
    CHECK_FALSE(g4_39::va_valid(0x0000'0080'0000'0000));
    CHECK(g4_39::va_valid(0xffff'ff80'0000'0000));
    CHECK_FALSE(g4_39::va_valid(0xffff'ff7f'ffff'ffff));
    CHECK(g64_42::va_valid(0x0000'03ff'ffff'ffff));
    CHECK_FALSE(g64_42::va_valid(0xffff'fc00'0000'0000));  // EL2: one low range
    CHECK(g64_42::pa_bits == 40);
}

// ---- the engine and boot images with the large granules ------------------------------------
// (The generic suite of all_formats runs on the 4 KiB formats; these cases take the same engine
// and boot paths with 16 and 64 KiB pages, 32 and 512 MiB blocks and roots of 16 to 512 bytes.)

namespace {

using namespace ptgen::literals;
using ptgen::test::frame_pool;
using ptgen::test::pool_handler;
using granule_formats = std::tuple<a64::stage1_16k_el1, a64::stage1_64k_el1, g16_47,
                                   a64::stage1_el1<16, 42>, a64::stage1_64k_el2, g64_52, g4_52,
                                   g16_52>;

template <class F>
constexpr std::uint64_t page_of = ptgen::test::facts<F>::page;
template <class F>
constexpr std::uint64_t block_of = ptgen::test::facts<F>::huge;  // the smallest block
template <class F>
constexpr ptgen::vaddr kernel_half = ptgen::recipes::usual_addresses<F>::kernel_image;

// The QEMU kernels' layout: RAM identity-mapped (blocks), a kernel alias in pages, a guard, a
// UART page.
template <class F>
constexpr ptgen::boot::layout<F> kernel_layout{
    .table_base = 0x4040'0000,
    .regions = {
        ptgen::boot::identity(0x4000'0000, block_of<F> > 128_MiB ? 1_GiB : 128_MiB, ptgen::rwx,
                              "ram").writable_and_executable(),
        ptgen::boot::linear(kernel_half<F>, 0x4020'0000, 4_MiB, ptgen::rw | ptgen::global,
                            "kernel half").small_pages(),
        ptgen::boot::guard(kernel_half<F> + 4_MiB, 0x4060'0000, 4 * page_of<F>, "guard"),
        ptgen::boot::device_window(0x0900'0000, page_of<F>, "uart")}};
template <class F>
constexpr auto kernel_image = ptgen::boot::build<kernel_layout<F>>();

}  // namespace

TEMPLATE_LIST_TEST_CASE("AArch64 granules: boot images verify, are exact, small roots on top",
                        "[aarch64][granule][boot]", granule_formats) {
    using F = TestType;
    const auto& img = kernel_image<F>;
    STATIC_REQUIRE(ptgen::boot::verify(img, kernel_layout<F>));
    STATIC_REQUIRE(ptgen::translate(img, kernel_half<F> + 0x1234)->pa == 0x4020'1234);
    STATIC_REQUIRE(ptgen::translate(img, kernel_half<F> + 0x1234)->size == page_of<F>);
    STATIC_REQUIRE(ptgen::translate(img, 0x4000'0000 + block_of<F> + 8)->size == block_of<F>);
    // The image holds the tables a run-time build of the layout reaches, each root taking its
    // footprint: nothing more (a small root sits at the top, with no gap below it).
    CHECK(img.bytes == ptgen::test::runtime_layout_bytes(kernel_layout<F>));
    const bool small_root = F::levels[0].table_bytes() < F::levels[1].table_bytes();
    CHECK((img.root - img.base >= img.bytes - 2 * geometry_of<F>::root_footprint) == small_root);
    CHECK(ptgen::is_aligned(img.root, F::levels[0].table_align));
    CHECK(ptgen::is_aligned(img.high_root, F::levels[0].table_align));
}

TEMPLATE_LIST_TEST_CASE("AArch64 granules: map, split, collapse, reclaim with large pages",
                        "[aarch64][granule]", granule_formats) {
    using F = TestType;
    constexpr std::uint64_t page = page_of<F>, block = block_of<F>;
    frame_pool pool(4096);
    auto pt = ptgen::test::make_table<F>(pool);
    const auto root_only = pool.live_frames();
    auto c = pt.cursor();
    const ptgen::vaddr va = 4 * block;
    REQUIRE(c.map(va, 0x4000'0000 + page, page, ptgen::rw));
    CHECK(pt.query(va + 0x123)->pa == 0x4000'0000 + page + 0x123);
    CHECK(pt.query(va)->size == page);
    CHECK(c.map(va + page / 2, 0x4000'0000, page, ptgen::rw).is(ptgen::error::not_aligned));
    CHECK(c.map(va, 0x4000'0000, page, ptgen::rw).is(ptgen::error::already_mapped));
    // a block, split by protecting its first half, made whole again by collapse
    const ptgen::vaddr hva = 8 * block;
    REQUIRE(c.map(hva, 2 * block, block, ptgen::rw));
    CHECK(pt.query(hva + 8)->size == block);
    REQUIRE(c.protect_region(hva, block / 2, ptgen::r));
    CHECK(pt.query(hva)->size == page);
    CHECK(pt.query(hva)->flags == F::effective(ptgen::r));
    CHECK(pt.query(hva + block / 2)->flags == F::effective(ptgen::rw));
    REQUIRE(c.protect_region(hva, block / 2, ptgen::rw));
    const auto collapsed = c.collapse(hva, block);
    REQUIRE(collapsed);
    CHECK(*collapsed == 1);
    CHECK(pt.query(hva + block - 8)->size == block);
    CHECK(pt.query(hva + block - 8)->pa == 3 * block - 8);
    // a failed allocation changes nothing, at every allocation of a map that needs tables
    for (std::size_t k = 1; k < 8; ++k) {
        const auto before = ptgen::test::take_snapshot(pt);
        const auto frames = pool.live_frames();
        pool.fail_after(k);
        const auto r = c.map(16 * block + block / 2, 0x4000'0000, page, ptgen::rw);
        pool.fail_after(0);
        if (r) {
            REQUIRE(c.unmap(16 * block + block / 2));
            c.flush();
            break;
        }
        CHECK(r.is(ptgen::error::no_memory));
        CHECK(ptgen::test::take_snapshot(pt) == before);
        CHECK(pool.live_frames() == frames);
    }
    // the whole PA range of the format: with FEAT_LPA or FEAT_LPA2 a frame above 2^48
    if constexpr (F::pa_bits == 52) {
        REQUIRE(c.map(32 * block, 0x000a'0000'0001'0000, page, ptgen::rw));
        CHECK(pt.query(32 * block + 8)->pa == 0x000a'0000'0001'0008);
        REQUIRE(c.unmap(32 * block));
    }
    // unmapping everything gives back every table but the root
    REQUIRE(c.unmap(va));
    REQUIRE(c.unmap_region(hva, block));
    c.flush();
    CHECK(pool.live_frames() == root_only);
    CHECK(pool.bad_frees() == 0);
}
