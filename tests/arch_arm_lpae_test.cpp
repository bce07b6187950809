// Tests of the ARMv7-A long-descriptor (LPAE) format (ptgen/arch/arm_lpae.hpp). Expected raw
// values are computed by hand from DDI 0406C B3.6.1: [1:0] = 0b01 block (levels 1, 2), 0b11
// table or page (level 3); AttrIndx 4:2, AP[1] 6, AP[2] 7, SH 9:8, AF 10, nG 11, OA 39:12,
// PXN 53, XN 54; TTBCR EAE 31, EPD1 23, SH0 13:12, ORGN0 11:10, IRGN0 9:8, T0SZ 2:0.
#include <catch2/catch.hpp>

#include <cstdint>

#include <ptgen/arch/arm_lpae.hpp>
#include <ptgen/boot.hpp>

#include "support/formats.hpp"
#include "support/frame_pool.hpp"

using namespace ptgen::literals;

namespace {

using ld = ptgen::arm::long_descriptor;
using ptgen::entry_kind;
using ptgen::flags;

static_assert(ptgen::page_table_format<ld>);
static_assert(ptgen::geometry_of<ld>::coherent());
static_assert(ptgen::geometry_of<ld>::leaf_level_for(1u << 30) == 0);
static_assert(ptgen::geometry_of<ld>::leaf_level_for(2u << 20) == 1);
static_assert(ptgen::geometry_of<ld>::leaf_level_for(4096) == 2);
// B3.6.5 with T0SZ = 0: a 4-entry first-level table, TTBR0 aligned to 2^(5 - T0SZ) = 32 bytes.
static_assert(ld::levels.size() == 3);
static_assert(ld::levels[0].entries() == 4 && ld::levels[0].table_bytes() == 32 &&
              ld::levels[0].table_align == 32);
static_assert(ld::levels[1].table_bytes() == 4096 && ld::levels[2].table_bytes() == 4096);

}  // namespace

TEST_CASE("LPAE: a 2 MiB block of Normal write-back memory, Inner Shareable, XN", "[arm_lpae]") {
    // 0b01 | AttrIndx 1 | SH 11 | AF | XN.
    const auto e = ld::encode_leaf(0x4000'0000, ptgen::rw | ptgen::global, 1);
    CHECK(e == 0x0040'0000'4000'0705ull);
    CHECK(ld::kind(e, 1) == entry_kind::leaf);
    CHECK(ld::address(e, 1) == 0x4000'0000);
    CHECK(ld::leaf_flags(e, 1) == (ptgen::rw | ptgen::global));
}

TEST_CASE("LPAE: a 1 GiB block at level 1, read-only kernel code", "[arm_lpae]") {
    // 0b01 | AttrIndx 1 | AP[2] | SH 11 | AF; XN and PXN clear.
    const auto e = ld::encode_leaf(0x4000'0000, ptgen::rx | ptgen::global, 0);
    CHECK(e == 0x4000'0785ull);
    CHECK(ld::leaf_flags(e, 0) == (ptgen::rx | ptgen::global));
}

TEST_CASE("LPAE: pages are 0b11 at level 3; device is AttrIndx 0 with SH 00", "[arm_lpae]") {
    const auto dev = ld::encode_leaf(0x0900'0000, ptgen::rw | ptgen::device | ptgen::global, 2);
    CHECK(dev == 0x0040'0000'0900'0403ull);
    CHECK(ld::leaf_flags(dev, 2) == (ptgen::rw | ptgen::device | ptgen::global));
    // uncached: AttrIndx 2, AP[2], nG, XN.
    const auto nc = ld::encode_leaf(0x4000'5000, ptgen::r | ptgen::uncached, 2);
    CHECK(nc == 0x0040'0000'4000'5F8Bull);
    CHECK(ld::leaf_flags(nc, 2) == (ptgen::r | ptgen::uncached));
    // 0b01 at level 3 is reserved: an invalid entry, not a leaf.
    CHECK(ld::kind(0x4000'5F89ull, 2) == entry_kind::empty);
}

TEST_CASE("LPAE: a PL0 page has AP[1] and PXN; its execute is PL0's", "[arm_lpae]") {
    const auto e = ld::encode_leaf(0x4010'0000, ptgen::rwx | ptgen::user, 2);
    CHECK(e == 0x0020'0000'4010'0F47ull);
    CHECK(ld::leaf_flags(e, 2) == (ptgen::rwx | ptgen::user));
    // B3.7.2: XN stops execution at both levels; PXN only at PL1.
    CHECK(ld::leaf_flags(e | ld::encode_leaf(0, ptgen::rw | ptgen::user, 2), 2) ==
          (ptgen::rw | ptgen::user));
    CHECK(ld::leaf_flags(0x4010'0F47ull, 2) == (ptgen::rwx | ptgen::user));  // PXN clear: still PL0 code
    CHECK(ld::leaf_flags(0x0020'0000'4010'0707ull, 2) == (ptgen::rw | ptgen::global));  // PL1 page, PXN
}

TEST_CASE("LPAE: tables, no-access leaves and the 40-bit output address", "[arm_lpae]") {
    CHECK(ld::encode_table(0x4040'1000, 0) == 0x4040'1003ull);
    CHECK(ld::kind(0x4040'1003ull, 0) == entry_kind::table);
    CHECK(ld::address(0x4040'1003ull, 1) == 0x4040'1000);
    CHECK(ld::kind(0, 1) == entry_kind::empty);
    // No access: bit[0] = 0 and bit 55, keeping the address and the block type bit.
    const auto none = ld::encode_leaf(0x4000'0000, flags::none, 1);
    CHECK(none == 0x00C0'0000'4000'0F84ull);
    CHECK(ld::kind(none, 1) == entry_kind::leaf);
    CHECK(ld::leaf_flags(none, 1) == flags::none);
    CHECK(ld::address(none, 1) == 0x4000'0000);
    CHECK(ld::address(ld::encode_leaf(0xff'ffff'f000, ptgen::rw, 2), 2) == 0xff'ffff'f000);
    CHECK(ld::address(ld::encode_leaf(0xff'c000'0000, ptgen::rw, 0), 0) == 0xff'c000'0000);
    CHECK(ld::va_valid(0xffff'ffff));
    CHECK_FALSE(ld::va_valid(0x1'0000'0000));
}

TEST_CASE("LPAE: TTBCR, MAIR0 and TTBR0", "[arm_lpae]") {
    CHECK(ld::ttbcr == 0x8080'3500u);  // EAE | EPD1 | SH0 11 | ORGN0 01 | IRGN0 01, T0SZ 0
    CHECK(ld::mair0 == 0x0044'ff04u);  // Attr0 Device, Attr1 Normal WB, Attr2 Normal NC
    CHECK(ld::mair1 == 0);
    const auto regs = ld::boot_registers(0x4040'0fe0, 0);
    CHECK(regs.ttbr0 == 0x4040'0fe0ull);  // BADDR[39:5], ASID 0
    CHECK(ld::boot_registers(0xff'4040'0fe0, 0).ttbr0 == 0xff'4040'0fe0ull);
    CHECK(regs.named()[2].value == ld::mair0);
    CHECK((regs.sctlr_clear & (1u << 19)) != 0);  // WXN
}

TEST_CASE("LPAE: the boot image is exactly its tables, the 32-byte root from the top",
          "[arm_lpae]") {
    static constexpr ptgen::boot::layout<ld> layout{
        .table_base = 0x4040'0000,
        .regions = {ptgen::boot::identity(0x4000'0000, 8_MiB, ptgen::rwx, "ram")
                        .writable_and_executable(),
                    ptgen::boot::linear(0xc000'0000, 0x4020'0000, 64_KiB, ptgen::rw, "kernel")
                        .small_pages()}};
    static constexpr auto image = ptgen::boot::build<layout>();
    static_assert(ptgen::boot::verify(image, layout));
    STATIC_REQUIRE(image.table_bytes() == 3 * 4096 + 32);
    STATIC_REQUIRE(ptgen::translate(image, 0xc000'1234)->pa == 0x4020'1234);
    STATIC_REQUIRE(ptgen::translate(image, 0x407f'fff0)->size == 2_MiB);
    STATIC_REQUIRE(image.registers().ttbr0 == image.root);
}

TEST_CASE("LPAE: map, query and unmap at run time", "[arm_lpae]") {
    ptgen::test::frame_pool pool(64);
    auto pt = ptgen::test::make_table<ld>(pool);
    auto c = pt.cursor();
    REQUIRE(c.map(0xff00'0000, 0xfe'0000'0000, 2_MiB, ptgen::rw));
    REQUIRE(c.map(0x1000, 0x12'3456'7000, 4_KiB, ptgen::rx | ptgen::user));
    CHECK(pt.query(0xff01'2345)->pa == 0xfe'0001'2345);
    CHECK(pt.query(0x1008)->pa == 0x12'3456'7008);
    CHECK(pt.query(0x1008)->flags == (ptgen::rx | ptgen::user));
    REQUIRE(c.unmap(0x1000));
    CHECK(pt.query(0x1008).is(ptgen::error::not_mapped));
    CHECK(c.map(0x2000, 0x100'0000'0000, 4_KiB, ptgen::rw).is(ptgen::error::out_of_range));
}
