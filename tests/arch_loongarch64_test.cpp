// Tests of ptgen/arch/loongarch64.hpp against the LoongArch Reference Manual Vol. 1 (v1.10):
// TLBELO/TLBRELO entry format, LDDIR/LDPTE, CSR.PWCL/PWCH/PGDL/PGDH/STLBPS.
#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>

#include <ptgen/arch/loongarch64.hpp>

namespace {

using F = ptgen::loongarch64::la64_4level;
using ptgen::entry_kind;
using ptgen::flags;
namespace pte = ptgen::loongarch64::pte;

static_assert(ptgen::page_table_format<F>);
static_assert(ptgen::geometry_of<F>::coherent());
static_assert(ptgen::geometry_of<F>::depth == 4);
static_assert(ptgen::geometry_of<F>::leaf_level_for(1ull << 30) == 1);  // Dir2 huge page
static_assert(ptgen::geometry_of<F>::leaf_level_for(2ull << 20) == 2);  // Dir1 huge page
static_assert(ptgen::geometry_of<F>::leaf_level_for(4096) == 3);
static_assert(ptgen::geometry_of<F>::leaf_level_for(512ull << 30) == -1);  // none at the root
static_assert(F::encode_leaf(0x20'0000, ptgen::rw | ptgen::global, 2) == 0x4000'0000'0020'11D3ull);
static_assert(F::pwcl() == 0x13E4'D52Cu);

constexpr flags as_flags(unsigned bits) { return flags(static_cast<std::uint8_t>(bits)); }

}  // namespace

TEST_CASE("LoongArch: a 4 KiB PT entry has V, P, PLV, MAT and the PPN from bit 12",
          "[loongarch64]") {
    // V(0) | PLV=3 (3:2) | MAT=CC (5:4 = 1) | P(7) = 0x9D; no W/D, no NR, no NX.
    CHECK(F::encode_leaf(0x1234'5000, ptgen::rx | ptgen::user, 3) == 0x0000'0000'1234'509Dull);
    // A global kernel page: G(6) at the last level; NX(62) for no execute.
    CHECK(F::encode_leaf(0x5000, ptgen::r | ptgen::global, 3) == 0x4000'0000'0000'50D1ull);
    // Execute-only: NR(61) set, NX clear.
    CHECK(F::encode_leaf(0x3000, flags::execute, 3) == 0x2000'0000'0000'3091ull);
    // Write-only: W(8) | D(1), NR and NX.
    CHECK(F::encode_leaf(0x3000, flags::write, 3) == 0x6000'0000'0000'3193ull);
    // The highest frame of a 48-bit physical space.
    CHECK(F::encode_leaf(0x0000'FFFF'FFFF'F000, ptgen::rwx, 3) == 0x0000'FFFF'FFFF'F193ull);
}

TEST_CASE("LoongArch: a 2 MiB huge entry in Dir1 has HUGE (6) and HGLOBAL (12)",
          "[loongarch64]") {
    // V | D | MAT=CC | HUGE | P | W | HGLOBAL = 0x11D3, NX(62).
    CHECK(F::encode_leaf(0x20'0000, ptgen::rw | ptgen::global, 2) == 0x4000'0000'0020'11D3ull);
    CHECK(F::kind(0x4000'0000'0020'11D3ull, 2) == entry_kind::leaf);
    CHECK(F::address(0x4000'0000'0020'11D3ull, 2) == 0x20'0000);
    CHECK(F::leaf_flags(0x4000'0000'0020'11D3ull, 2) == (ptgen::rw | ptgen::global));
    // In a huge entry bit 6 is HUGE, not G: a non-global huge page decodes as non-global.
    const auto local = F::encode_leaf(0x40'0000, ptgen::rw, 2);
    CHECK((local & pte::HUGE) != 0);
    CHECK((local & pte::HGLOBAL) == 0);
    CHECK(F::leaf_flags(local, 2) == ptgen::rw);
    // Bits 14:13 (LDDIR's level field) and 12 (HGLOBAL) stay out of a huge page's address.
    CHECK((F::encode_leaf(0x20'0000, ptgen::rwx | ptgen::global, 2) & (0x3ull << 13)) == 0);
}

TEST_CASE("LoongArch: a 1 GiB huge entry in Dir2 maps a 1 GiB page", "[loongarch64]") {
    CHECK(F::encode_leaf(0x4000'0000, ptgen::rwx | ptgen::global, 1) == 0x4000'11D3ull);
    CHECK(F::kind(0x4000'11D3ull, 1) == entry_kind::leaf);
    CHECK(F::address(0x4000'11D3ull, 1) == 0x4000'0000);
    CHECK(F::leaf_flags(0x4000'11D3ull, 1) == (ptgen::rwx | ptgen::global));
}

TEST_CASE("LoongArch: MAT 0 is strongly-ordered uncached, 1 coherent cached, 2 weakly-ordered "
          "uncached",
          "[loongarch64]") {
    // device: MAT = SUC (0).
    CHECK(F::encode_leaf(0x1FE0'0000, ptgen::rw | ptgen::device, 3) == 0x4000'0000'1FE0'0183ull);
    CHECK(F::leaf_flags(0x4000'0000'1FE0'0183ull, 3) == (ptgen::rw | ptgen::device));
    // uncached: MAT = WUC (2), here in a 2 MiB huge page.
    CHECK(F::encode_leaf(0x8000'0000, ptgen::r | ptgen::uncached, 2) == 0x4000'0000'8000'00E1ull);
    CHECK(F::leaf_flags(0x4000'0000'8000'00E1ull, 2) == (ptgen::r | ptgen::uncached));
    // normal memory: MAT = CC (1).
    CHECK(pte::MAT::get(F::encode_leaf(0x1000, ptgen::rw, 3)) == 1);
}

TEST_CASE("LoongArch: a directory entry is the next table's address, LDDIR-walkable",
          "[loongarch64]") {
    CHECK(F::encode_table(0x1000, 0) == 0x1000'0000'0000'1000ull);
    CHECK(F::encode_table(0x0000'FFFF'FFFF'F000, 2) == 0x1000'FFFF'FFFF'F000ull);
    for (unsigned level = 0; level < 3; ++level) {
        const auto e = F::encode_table(0x0000'00AB'CDEF'0000, level);
        // LDDIR: bit 6 clear (not huge), bits 11:0 clear (the index is ORed into them), and the
        // table address in [PALEN-1:12]; only the software mark lies above PALEN.
        CHECK((e & pte::HUGE) == 0);
        CHECK((e & ptgen::low_mask(12)) == 0);
        CHECK((e & pte::PPN::mask) == 0x0000'00AB'CDEF'0000ull);
        CHECK((e & ~pte::PPN::mask) == pte::SW_TABLE);
    }
    // A table at physical address 0 is not an empty entry.
    CHECK(F::encode_table(0, 1) != 0);
    CHECK(F::kind(F::encode_table(0, 1), 1) == entry_kind::table);
    CHECK(F::address(F::encode_table(0, 1), 1) == 0);
    // An address-only directory entry (as written by Linux or page_table_multiarch) is a table.
    CHECK(F::kind(0x8000'3000, 2) == entry_kind::table);
}

TEST_CASE("LoongArch: zero is empty at every level and a PT entry maps with V or P", "[loongarch64]") {
    for (unsigned level = 0; level < 4; ++level) CHECK(F::kind(0, level) == entry_kind::empty);
    CHECK(F::kind(pte::V | 0x1000, 3) == entry_kind::leaf);
    CHECK(F::kind(pte::P | 0x1000, 3) == entry_kind::leaf);
    CHECK(F::kind(pte::G, 3) == entry_kind::empty);      // Linux's "none" with a global buddy
    CHECK(F::kind(0x1000 | pte::HUGE, 0) == entry_kind::empty);  // no huge pages at the root
}

TEST_CASE("LoongArch: every accepted flag set round-trips at every leaf level", "[loongarch64]") {
    int accepted = 0;
    for (unsigned bits = 0; bits < 128; ++bits) {
        const flags f = as_flags(bits);
        REQUIRE(F::accepts(f) == ptgen::flags_well_formed(f));
        if (!F::accepts(f)) continue;
        ++accepted;
        INFO("flags " << bits);
        CHECK(F::effective(f) == f);  // NR, NX, W/D, PLV and MAT express every request exactly
        for (unsigned level = 0; level < 4; ++level) {
            if (!F::levels[level].leaf_allowed) continue;
            const std::uint64_t span = F::levels[level].span();
            for (std::uint64_t pa : std::initializer_list<std::uint64_t>{
                     0, span, 0x0000'0123'4000'0000ull, ptgen::low_mask(F::pa_bits)}) {
                pa &= ~(span - 1);
                INFO("level " << level << " pa " << pa);
                const auto e = F::encode_leaf(pa, f, level);
                CHECK(F::kind(e, level) == entry_kind::leaf);
                CHECK(F::address(e, level) == pa);
                CHECK(F::leaf_flags(e, level) == F::effective(f));
                // A no-access leaf: V = P = 0 (a page-invalid exception on every access).
                CHECK((e & (pte::V | pte::P)) == (ptgen::grants_access(f) ? pte::V | pte::P : 0));
                CHECK(((e & pte::SW_NO_ACCESS) != 0) == !ptgen::grants_access(f));
                // Writable pages are written dirty; read-only ones cannot be (D allows stores).
                CHECK(((e & pte::D) != 0) == ptgen::has(f, flags::write));
                CHECK((e & pte::RPLV) == 0);
                if (level != 3) CHECK((e & pte::HUGE) != 0);  // bit 6 is G in a PT entry
            }
        }
    }
    CHECK(accepted == 8 * 4 * 3);  // 8 permission sets (no access too) x 4 (user, global) x 3 types
}

TEST_CASE("LoongArch: table entries round-trip at every non-last level", "[loongarch64]") {
    for (unsigned level = 0; level < 3; ++level) {
        for (std::uint64_t pa : std::initializer_list<std::uint64_t>{
                 0, 0x1000, 0x0000'0008'0000'3000ull, ptgen::low_mask(48) & ~ptgen::low_mask(12)}) {
            INFO("level " << level << " pa " << pa);
            const auto e = F::encode_table(pa, level);
            CHECK(F::kind(e, level) == entry_kind::table);
            CHECK(F::address(e, level) == pa);
        }
    }
}

TEST_CASE("LoongArch: mapped addresses are legal when bits 63:48 repeat bit 47", "[loongarch64]") {
    CHECK(F::va_valid(0));
    CHECK(F::va_valid(0x0000'7FFF'FFFF'FFFFull));
    CHECK(F::va_valid(0xFFFF'8000'0000'0000ull));
    CHECK(F::va_valid(0xFFFF'FFFF'FFFF'FFFFull));
    CHECK_FALSE(F::va_valid(0x0000'8000'0000'0000ull));
    CHECK_FALSE(F::va_valid(0xFFFF'7FFF'FFFF'FFFFull));
    CHECK_FALSE(F::va_valid(0x9000'0000'0000'0000ull));  // a DMW window address, not mapped
}

TEST_CASE("LoongArch: PWCL/PWCH describe PT 12/9, Dir1 21/9, Dir2 30/9, Dir3 39/9",
          "[loongarch64]") {
    // PWCL: PTbase 12 | PTwidth 9 << 5 | Dir1_base 21 << 10 | Dir1_width 9 << 15 |
    //       Dir2_base 30 << 20 | Dir2_width 9 << 25 | PTEWidth 0 << 30.
    CHECK(F::pwcl() == 0x13E4'D52Cu);
    // PWCH: Dir3_base 39 | Dir3_width 9 << 6, no Dir4.
    CHECK(F::pwch() == 0x267u);
    CHECK(F::pwch(true) == 0x0100'0267u);  // HPTW_En (24)
    CHECK(F::stlbps() == 12u);
    CHECK(F::tlbrehi() == 12u);
    // PGDL/PGDH: Base in 63:12.
    CHECK(F::pgd(0x0000'0001'2345'6000ull) == 0x0000'0001'2345'6000ull);
    CHECK(F::pgd(0x9000'0000'0123'4000ull) == 0x9000'0000'0123'4000ull);
}
