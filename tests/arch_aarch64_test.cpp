// Tests of the AArch64 VMSAv8-64 stage 1 formats (ptgen/arch/aarch64.hpp). Expected raw values
// are computed by hand from the descriptor bit table of DDI 0487 D8.3.1.2 (Table D8-52):
// bits[1:0] type, AttrIndx 4:2, AP[1] 6, AP[2] 7, SH 9:8, AF 10, nG 11, PXN 53, UXN/XN 54.
#include <catch2/catch.hpp>

#include <cstdint>

#include <ptgen/arch/aarch64.hpp>

namespace {

using el1 = ptgen::aarch64::stage1_4k_el1;
using el2 = ptgen::aarch64::stage1_4k_el2;
using ptgen::entry_kind;
using ptgen::flags;

static_assert(ptgen::page_table_format<el1>);
static_assert(ptgen::page_table_format<el2>);
static_assert(ptgen::geometry_of<el1>::coherent());
static_assert(ptgen::geometry_of<el2>::coherent());
static_assert(ptgen::geometry_of<el1>::leaf_level_for(4096) == 3);
static_assert(ptgen::geometry_of<el1>::leaf_level_for(2u << 20) == 2);
static_assert(ptgen::geometry_of<el1>::leaf_level_for(1u << 30) == 1);
static_assert(ptgen::geometry_of<el1>::leaf_level_for(std::uint64_t{1} << 39) == -1);
// The hand-computed block from the brief, checked at compile time too.
static_assert(el1::encode_leaf(0x4020'0000, ptgen::rw | ptgen::global, 2) ==
              0x0060'0000'4020'0705);

constexpr flags F(unsigned bits) { return flags(std::uint8_t(bits)); }

// Output addresses aligned for every level (1 GiB aligned), one of them using PA bit 47.
constexpr std::uint64_t test_pas[] = {0x0000'5555'4000'0000, 0x0000'ffff'c000'0000, 0};

template <class Format>
void check_round_trip() {
    for (unsigned bits = 0; bits < 128; ++bits) {
        const flags f = F(bits);
        if (!Format::accepts(f)) continue;
        const flags eff = Format::effective(f);
        INFO("flags " << bits);
        REQUIRE(ptgen::has(eff, f));  // never less than asked for (no access: nothing asked)
        REQUIRE(Format::effective(eff) == eff);
        for (unsigned level = 0; level < Format::levels.size(); ++level) {
            if (!Format::levels[level].leaf_allowed) continue;
            INFO("level " << level);
            for (std::uint64_t pa : test_pas) {
                const auto e = Format::encode_leaf(pa, f, level);
                CHECK(Format::kind(e, level) == entry_kind::leaf);
                CHECK(Format::address(e, level) == pa);
                CHECK(Format::leaf_flags(e, level) == eff);
                CHECK((e & ptgen::aarch64::desc::AF) != 0);
            }
        }
    }
}

template <class Format>
void check_tables() {
    for (unsigned level = 0; level < Format::levels.size(); ++level) {
        INFO("level " << level);
        CHECK(Format::kind(0, level) == entry_kind::empty);
        if (level + 1 == Format::levels.size()) continue;
        for (std::uint64_t pa : {0x4000'3000ull, 0x0000'ffff'ffff'f000ull, 0ull}) {
            const auto e = Format::encode_table(pa, level);
            CHECK(Format::kind(e, level) == entry_kind::table);
            CHECK(Format::address(e, level) == pa);
        }
    }
}

}  // namespace

TEST_CASE("a level-2 block descriptor maps 2 MiB with AF set", "[aarch64]") {
    // 0b01 block | AttrIndx 1 (Normal WB) | SH 0b11 | AF | PXN | UXN; AP[2:1] = 00, nG = 0.
    const auto e = el1::encode_leaf(0x4020'0000, ptgen::rw | ptgen::global, 2);
    CHECK(e == 0x0060'0000'4020'0705);
    CHECK(el1::kind(e, 2) == entry_kind::leaf);
    CHECK(el1::address(e, 2) == 0x4020'0000);
    CHECK(el1::leaf_flags(e, 2) == (ptgen::rw | ptgen::global));
}

TEST_CASE("a level-1 block descriptor maps 1 GiB of EL1 code: PXN clear, UXN set", "[aarch64]") {
    CHECK(el1::encode_leaf(0x4000'0000, ptgen::rwx | ptgen::global, 1) == 0x0040'0000'4000'0705);
}

TEST_CASE("a level-3 page descriptor has bits[1:0] = 0b11", "[aarch64]") {
    // EL0 read/write, not global: AP[2:1] = 01, nG, PXN and UXN.
    const auto rw_user = el1::encode_leaf(0x4000'1000, ptgen::rw | ptgen::user, 3);
    CHECK(rw_user == 0x0060'0000'4000'1f47);
    CHECK(el1::leaf_flags(rw_user, 3) == (ptgen::rw | ptgen::user));

    // EL0 read/execute, global: AP[2:1] = 11, PXN set, UXN clear.
    const auto rx_user = el1::encode_leaf(0x4000'2000, ptgen::rx | ptgen::user | ptgen::global, 3);
    CHECK(rx_user == 0x0020'0000'4000'27c7);
    CHECK(el1::leaf_flags(rx_user, 3) == (ptgen::rx | ptgen::user | ptgen::global));
}

TEST_CASE("AttrIndx selects the MAIR attribute: device 0, normal 1, non-cacheable 2", "[aarch64]") {
    // Device-nGnRE: AttrIndx 0, SH left 0b00 (ignored for Device memory), PXN | UXN.
    const auto dev = el1::encode_leaf(0x0900'0000, ptgen::rw | ptgen::device | ptgen::global, 2);
    CHECK(dev == 0x0060'0000'0900'0401);
    CHECK(el1::leaf_flags(dev, 2) == (ptgen::rw | ptgen::device | ptgen::global));

    // Normal non-cacheable, EL1 read-only, not global, PA bit 47 set: AttrIndx 2, AP[2], nG.
    const auto nc = el1::encode_leaf(0x0000'8000'1234'5000, ptgen::r | ptgen::uncached, 3);
    CHECK(nc == 0x0060'8000'1234'5f8b);
    CHECK(el1::address(nc, 3) == 0x0000'8000'1234'5000);
    CHECK(el1::leaf_flags(nc, 3) == (ptgen::r | ptgen::uncached));
}

TEST_CASE("an EL1 execute-only request is widened to read and execute", "[aarch64]") {
    CHECK(el1::effective(flags::execute) == ptgen::rx);
    CHECK(el1::encode_leaf(0x4020'0000, flags::execute | ptgen::global, 2) ==
          0x0040'0000'4020'0785);
}

TEST_CASE("EL0-accessible pages are never executable at EL1 and EL1 pages never at EL0", "[aarch64]") {
    using namespace ptgen::aarch64;
    for (unsigned bits = 0; bits < 128; ++bits) {
        const flags f = F(bits);
        if (!el1::accepts(f)) continue;
        const auto e = el1::encode_leaf(0x4000'0000, f, 3);
        if (ptgen::has(f, flags::user)) CHECK((e & desc::PXN) != 0);
        else CHECK((e & desc::UXN) != 0);
    }
}

TEST_CASE("a table descriptor has bits[1:0] = 0b11 and the next-level table address", "[aarch64]") {
    CHECK(el1::encode_table(0x4000'3000, 0) == 0x4000'3003);
    CHECK(el1::encode_table(0x0000'8000'0000'1000, 2) == 0x0000'8000'0000'1003);
    CHECK(el1::kind(0x4000'3003, 0) == entry_kind::table);
    CHECK(el1::address(0x4000'3003, 0) == 0x4000'3000);
}

TEST_CASE("descriptor type follows D8.3 Table D8-48 at every level", "[aarch64]") {
    for (unsigned level = 0; level < 4; ++level) CHECK(el1::kind(0, level) == entry_kind::empty);
    // bit[0] = 0 is invalid whatever the rest holds.
    CHECK(el1::kind(0x0060'0000'4020'0704, 2) == entry_kind::empty);
    // 0b01 is a block at levels 1 and 2, faults at level 0 and is reserved at level 3.
    CHECK(el1::kind(0x4000'0701, 0) == entry_kind::empty);
    CHECK(el1::kind(0x4000'0701, 1) == entry_kind::leaf);
    CHECK(el1::kind(0x4000'0701, 2) == entry_kind::leaf);
    CHECK(el1::kind(0x4000'0701, 3) == entry_kind::empty);
    // 0b11 is a table above level 3 and a page at level 3.
    CHECK(el1::kind(0x4000'0703, 2) == entry_kind::table);
    CHECK(el1::kind(0x4000'0703, 3) == entry_kind::leaf);
    // A block's output address ignores the bits below the block size (RES0 / nT).
    CHECK(el1::address(0x0000'0000'7fff'f701, 1) == 0x4000'0000);
    CHECK(el1::address(0x0000'0000'403f'f701, 2) == 0x4020'0000);
}

TEST_CASE("every accepted EL1&0 flag value round-trips at levels 1, 2 and 3", "[aarch64]") {
    check_round_trip<el1>();
    check_tables<el1>();
    // EL1&0 refuses only what every format refuses.
    for (unsigned bits = 0; bits < 128; ++bits)
        CHECK(el1::accepts(F(bits)) == ptgen::flags_well_formed(F(bits)));
}

TEST_CASE("EL1&0 accepts both the TTBR0 and the TTBR1 half", "[aarch64]") {
    CHECK(el1::va_valid(0));
    CHECK(el1::va_valid(0x0000'ffff'ffff'ffff));
    CHECK(el1::va_valid(0xffff'0000'0000'0000));
    CHECK(el1::va_valid(0xffff'ffff'ffff'ffff));
    CHECK_FALSE(el1::va_valid(0x0001'0000'0000'0000));
    CHECK_FALSE(el1::va_valid(0xfffe'ffff'ffff'ffff));
    CHECK_FALSE(el1::va_valid(0x8000'0000'0000'0000));
}

TEST_CASE("MAIR_EL1, TCR_EL1, TTBR0_EL1 and SCTLR_EL1 values", "[aarch64]") {
    CHECK(el1::mair == 0x44ff04);
    // T0SZ 16 | IRGN0 01 | ORGN0 01 | SH0 11 | TG0 00 | T1SZ 16 | IRGN1 01 | ORGN1 01 | SH1 11 |
    // TG1 10 | IPS 101.
    CHECK(el1::tcr_el1 == 0x0000'0005'b510'3510);
    CHECK(el1::ttbr(0x4008'0000) == 0x4008'0000);
    CHECK(el1::ttbr(0x4008'0000, 5) == 0x0005'0000'4008'0000);
    CHECK(el1::sctlr_mmu_bits == 0x1005);
}

TEST_CASE("an EL2 block has AP[1] set (RES1), no nG and XN at bit 54", "[aarch64][el2]") {
    // 0b01 | AttrIndx 1 | AP[1] | SH 11 | AF | XN.
    const auto e = el2::encode_leaf(0x4020'0000, ptgen::rw, 2);
    CHECK(e == 0x0040'0000'4020'0745);
    CHECK(el2::leaf_flags(e, 2) == (ptgen::rw | ptgen::global));

    // EL2 code page: AP[2:1] = 11, XN clear, bit 53 (RES0) clear.
    CHECK(el2::encode_leaf(0x4000'0000, ptgen::rx, 3) == 0x0000'0000'4000'07c7);
    // Device page: AttrIndx 0, SH 00.
    CHECK(el2::encode_leaf(0x0900'0000, ptgen::rw | ptgen::device, 3) == 0x0040'0000'0900'0443);
}

TEST_CASE("EL2 without VHE refuses user and makes every mapping global", "[aarch64][el2]") {
    CHECK_FALSE(el2::accepts(ptgen::rw | ptgen::user));
    CHECK_FALSE(el2::accepts(ptgen::r | ptgen::user | ptgen::global));
    CHECK(el2::accepts(ptgen::rwx));
    CHECK(el2::effective(ptgen::rw) == (ptgen::rw | ptgen::global));
    CHECK(el2::effective(flags::write) == (ptgen::rw | ptgen::global));
    for (unsigned bits = 0; bits < 128; ++bits) {
        const flags f = F(bits);
        CHECK(el2::accepts(f) == (ptgen::flags_well_formed(f) && !ptgen::has(f, flags::user)));
        if (!el2::accepts(f)) continue;
        const auto e = el2::encode_leaf(0x4000'0000, f, 3);
        CHECK((e & ptgen::aarch64::desc::nG) == 0);
        CHECK((e & ptgen::aarch64::desc::AP1) != 0);
        CHECK((e & (std::uint64_t{1} << 53)) == 0);
    }
}

TEST_CASE("every accepted EL2 flag value round-trips at levels 1, 2 and 3", "[aarch64][el2]") {
    check_round_trip<el2>();
    check_tables<el2>();
}

TEST_CASE("EL2 without VHE has one VA range, the low one", "[aarch64][el2]") {
    CHECK(el2::va_valid(0));
    CHECK(el2::va_valid(0x0000'ffff'ffff'ffff));
    CHECK_FALSE(el2::va_valid(0xffff'0000'0000'0000));
    CHECK_FALSE(el2::va_valid(0x0001'0000'0000'0000));
}

TEST_CASE("MAIR_EL2, TCR_EL2 and TTBR0_EL2 values", "[aarch64][el2]") {
    CHECK(el2::mair == 0x44ff04);
    // T0SZ 16 | IRGN0 01 | ORGN0 01 | SH0 11 | TG0 00 | PS 101 | RES1 bits 23 and 31.
    CHECK(el2::tcr_el2 == 0x8085'3510);
    CHECK(el2::ttbr(0x4008'0000) == 0x4008'0000);
    CHECK(el2::sctlr_mmu_bits == 0x1005);
}

TEST_CASE("a no-access leaf is an invalid descriptor with bit 55, address and attributes kept",
          "[aarch64]") {
    // D8.3 Table D8-48: bit[0] = 0 is invalid (a Translation fault), bits[63:1] IGNORED. The
    // rw | global block of the test above, with bit[0] clear, AP[2] set (no write), bit 55 set.
    const auto e = el1::encode_leaf(0x4020'0000, ptgen::no_access | ptgen::global, 2);
    CHECK(e == 0x00e0'0000'4020'0784);
    CHECK(el1::kind(e, 2) == entry_kind::leaf);
    CHECK(el1::address(e, 2) == 0x4020'0000);
    CHECK(el1::leaf_flags(e, 2) == ptgen::global);
    const auto page = el1::encode_leaf(0x4020'3000, ptgen::no_access | ptgen::user, 3);
    CHECK((page & 0b11) == 0b10);  // invalid, bit[1] still says page
    CHECK(el1::kind(page, 3) == entry_kind::leaf);
    CHECK(el1::leaf_flags(page, 3) == ptgen::user);
    CHECK(el2::leaf_flags(el2::encode_leaf(0x4020'3000, ptgen::no_access, 3), 3) == ptgen::global);
    for (unsigned level = 0; level < 4; ++level) {  // without the mark, bit[0] = 0 is empty
        CHECK(el1::kind(~(std::uint64_t{1} | ptgen::aarch64::desc::SW55), level) == entry_kind::empty);
        CHECK(el1::kind(ptgen::aarch64::desc::SW55, level) ==
              (level == 0 ? entry_kind::empty : entry_kind::leaf));  // level 0 has no blocks
    }
}
