// Tests of the ARMv7-A short-descriptor format (ptgen/arch/arm.hpp). Expected raw values are
// computed by hand from DDI 0406C B3.5.1: section [1:0] = 0b10, B 2, C 3, XN 4, AP[1:0] 11:10,
// TEX 14:12, AP[2] 15, S 16, nG 17; small page [1] = 1, XN 0, B 2, C 3, AP[1:0] 5:4, TEX 8:6,
// AP[2] 9, S 10, nG 11; page-table descriptor [1:0] = 0b01, base 31:10.
#include <catch2/catch.hpp>

#include <cstdint>

#include <ptgen/arch/arm.hpp>

namespace {

using sd = ptgen::arm::short_descriptor;
using ptgen::entry_kind;
using ptgen::flags;

static_assert(ptgen::page_table_format<sd>);
static_assert(ptgen::geometry_of<sd>::coherent());
static_assert(ptgen::geometry_of<sd>::leaf_level_for(1u << 20) == 0);
static_assert(ptgen::geometry_of<sd>::leaf_level_for(4096) == 1);
static_assert(ptgen::geometry_of<sd>::leaf_level_for(64u << 10) == -1);  // no large pages
static_assert(ptgen::geometry_of<sd>::leaf_level_for(16u << 20) == -1);  // no supersections
static_assert(sd::levels[0].table_bytes() == 16384 && sd::levels[0].table_align == 16384);
static_assert(sd::levels[1].table_bytes() == 1024 && sd::levels[1].table_align == 1024);
static_assert(sd::encode_leaf(0x4000'0000, ptgen::rw | ptgen::global, 0) == 0x4001'141e);

constexpr flags F(unsigned bits) { return flags(std::uint8_t(bits)); }

}  // namespace

TEST_CASE("a section maps 1 MiB of Normal write-back shareable memory", "[arm]") {
    // 0b10 | B | C | XN | AP[1:0] = 01 | TEX 001 | S.
    const auto e = sd::encode_leaf(0x4000'0000, ptgen::rw | ptgen::global, 0);
    CHECK(e == 0x4001'141e);
    CHECK(sd::kind(e, 0) == entry_kind::leaf);
    CHECK(sd::address(e, 0) == 0x4000'0000);
    CHECK(sd::leaf_flags(e, 0) == (ptgen::rw | ptgen::global));
}

TEST_CASE("a Shareable Device section is TEX 000 C 0 B 1", "[arm]") {
    const auto e = sd::encode_leaf(0x0900'0000, ptgen::rw | ptgen::device | ptgen::global, 0);
    CHECK(e == 0x0900'0416);
    CHECK(sd::leaf_flags(e, 0) == (ptgen::rw | ptgen::device | ptgen::global));
}

TEST_CASE("a PL0 read/write/execute section has AP[2:0] = 011, nG set and XN clear", "[arm]") {
    const auto e = sd::encode_leaf(0x4010'0000, ptgen::rwx | ptgen::user, 0);
    CHECK(e == 0x4013'1c0e);
    CHECK(sd::leaf_flags(e, 0) == (ptgen::rwx | ptgen::user));
}

TEST_CASE("a PL1 read-only section has AP[2:0] = 101", "[arm]") {
    // 0b10 | B | C | XN | AP[1:0] = 01 | TEX 001 | AP[2] | S.
    CHECK(sd::encode_leaf(0x0010'0000, ptgen::r | ptgen::global, 0) == 0x0011'941e);
}

TEST_CASE("a small page maps 4 KiB with XN in bit 0", "[arm]") {
    // PL1 read-only, Normal non-cacheable: XN | 0b10 | AP[1:0] = 01 | TEX 001 | AP[2] | S.
    const auto ro_nc = sd::encode_leaf(0x4000'5000, ptgen::r | ptgen::uncached | ptgen::global, 1);
    CHECK(ro_nc == 0x4000'5653);
    CHECK(sd::kind(ro_nc, 1) == entry_kind::leaf);
    CHECK(sd::address(ro_nc, 1) == 0x4000'5000);
    CHECK(sd::leaf_flags(ro_nc, 1) == (ptgen::r | ptgen::uncached | ptgen::global));

    // PL0 read/execute: 0b10 | B | C | AP[1:0] = 11 | TEX 001 | AP[2] | S, AP[2:0] = 111.
    const auto rx_user = sd::encode_leaf(0x4000'6000, ptgen::rx | ptgen::user | ptgen::global, 1);
    CHECK(rx_user == 0x4000'667e);
    CHECK(sd::leaf_flags(rx_user, 1) == (ptgen::rx | ptgen::user | ptgen::global));
}

TEST_CASE("a page-table descriptor is 0b01 with the 1 KiB-aligned table base", "[arm]") {
    CHECK(sd::encode_table(0x4000'4400, 0) == 0x4000'4401);
    CHECK(sd::kind(0x4000'4401, 0) == entry_kind::table);
    CHECK(sd::address(0x4000'4401, 0) == 0x4000'4400);
    CHECK(sd::kind(0, 0) == entry_kind::empty);
    CHECK(sd::kind(0, 1) == entry_kind::empty);
    for (std::uint64_t pa : {0x4000'4400ull, 0xffff'fc00ull, 0ull}) {
        CHECK(sd::kind(sd::encode_table(pa, 0), 0) == entry_kind::table);
        CHECK(sd::address(sd::encode_table(pa, 0), 0) == pa);
    }
}

TEST_CASE("supersections and large pages are never written but are kept as leaves", "[arm]") {
    // Supersection: bit 18 set, base PA[31:24]; 0b10 | B | C | AP 01 | TEX 001 | S.
    const std::uint32_t super = 0x4005'140e;
    CHECK(sd::kind(super, 0) == entry_kind::leaf);
    CHECK(sd::address(super, 0) == 0x4000'0000);
    CHECK(sd::leaf_flags(super, 0) == (ptgen::rwx | ptgen::global));
    // Large page: 0b01 | B | C | AP 11 | TEX 001 (bits 14:12) | XN (bit 15), base PA[31:16].
    const std::uint32_t large = 0x4001'903d;
    CHECK(sd::kind(large, 1) == entry_kind::leaf);
    CHECK(sd::address(large, 1) == 0x4001'0000);
    CHECK(sd::leaf_flags(large, 1) == (ptgen::rw | ptgen::user | ptgen::global));
}

TEST_CASE("every accepted flag value round-trips as a section and as a small page", "[arm]") {
    for (unsigned bits = 0; bits < 128; ++bits) {
        const flags f = F(bits);
        CHECK(sd::accepts(f) == ptgen::flags_well_formed(f));
        if (!sd::accepts(f)) continue;
        const flags eff = sd::effective(f);
        INFO("flags " << bits);
        REQUIRE(ptgen::has(eff, ptgen::grants_access(f) ? f : f & ~flags::user));
        REQUIRE(sd::effective(eff) == eff);
        for (unsigned level = 0; level < 2; ++level) {
            INFO("level " << level);
            for (std::uint64_t pa : {0x4010'0000ull, 0xfff0'0000ull, 0ull}) {
                const auto e = sd::encode_leaf(pa, f, level);
                CHECK(sd::kind(e, level) == entry_kind::leaf);
                CHECK(sd::address(e, level) == pa);
                CHECK(sd::leaf_flags(e, level) == eff);
            }
        }
    }
}

TEST_CASE("a no-access leaf is a valid section or small page with AP[2:0] = 0b000 and XN", "[arm]") {
    // B3.7.1 Table B3-8 (SCTLR.AFE = 0): AP[2:0] = 0b000, every access a Permission fault.
    const auto section = sd::encode_leaf(0x4010'0000, ptgen::no_access | ptgen::global, 0);
    using sec = ptgen::arm::l1::section;
    CHECK(section == (0x4010'0000u | ptgen::arm::l1::type_section | sec::XN | sec::S | sec::C |
                      sec::B | sec::TEX::encode(0b001)));
    const auto page = sd::encode_leaf(0x4010'3000, ptgen::no_access | ptgen::user, 1);
    using small = ptgen::arm::l2::small_page;
    CHECK(page == (0x4010'3000u | ptgen::arm::l2::small_page_bit | small::XN | small::S |
                   small::C | small::B | small::nG | small::TEX::encode(0b001)));
    CHECK(sd::leaf_flags(page, 1) == flags::none);  // AP 0b000 has no PL0 variant: user dropped
    CHECK(sd::effective(ptgen::no_access | ptgen::user) == flags::none);
}

TEST_CASE("the short-descriptor VA space is 32 bits", "[arm]") {
    CHECK(sd::va_valid(0));
    CHECK(sd::va_valid(0xffff'ffff));
    CHECK_FALSE(sd::va_valid(0x1'0000'0000));
    CHECK_FALSE(sd::va_valid(0xffff'ffff'ffff'ffff));
}

TEST_CASE("TTBR0, TTBCR, DACR and SCTLR values", "[arm]") {
    // base | IRGN[0] (bit 6) | NOS (bit 5) | RGN = 01 (bit 3) | S (bit 1); IRGN[1] = 0.
    CHECK(sd::ttbr0(0x4000'4000) == 0x4000'406a);
    CHECK(sd::ttbcr == 0);
    CHECK(sd::dacr == 1);
    CHECK(sd::sctlr_mmu_bits == 0x1005);
}
