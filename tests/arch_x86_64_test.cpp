// Tests of ptgen/arch/x86_64.hpp against Intel SDM Vol. 3A, 4.5 (4-level paging).
#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>

#include <ptgen/arch/x86_64.hpp>

namespace {

using F = ptgen::x86_64::long_mode_4level;
using ptgen::entry_kind;
using ptgen::flags;
namespace pte = ptgen::x86_64::pte;

static_assert(ptgen::page_table_format<F>);
static_assert(ptgen::geometry_of<F>::coherent());
static_assert(ptgen::geometry_of<F>::depth == 4);
static_assert(ptgen::geometry_of<F>::leaf_level_for(1ull << 30) == 1);
static_assert(ptgen::geometry_of<F>::leaf_level_for(2ull << 20) == 2);
static_assert(ptgen::geometry_of<F>::leaf_level_for(4096) == 3);
static_assert(ptgen::geometry_of<F>::leaf_level_for(512ull << 30) == -1);  // no PML4E pages
// The codec is usable in constant expressions (compile-time tables).
static_assert(F::encode_leaf(0x20'0000, ptgen::rw | ptgen::global, 2) == 0x8000'0000'0020'01E3ull);
static_assert(F::kind(F::encode_table(0x1000, 0), 0) == entry_kind::table);

constexpr flags as_flags(unsigned bits) { return flags(static_cast<std::uint8_t>(bits)); }

}  // namespace

TEST_CASE("x86-64: a 4 KiB PTE maps a page with P, A, D and the address in bits 51:12",
          "[x86_64]") {
    // Table 4-20: P(0) | A(5) | D(6) = 0x61, U/S(2) = 0x4; R/W clear; XD clear (executable).
    CHECK(F::encode_leaf(0x1234'5000, ptgen::rx | ptgen::user, 3) == 0x0000'0000'1234'5065ull);
    // Read-only, not executable, supervisor: P | A | D | XD.
    CHECK(F::encode_leaf(0x7000, ptgen::r, 3) == 0x8000'0000'0000'7061ull);
    // The highest 4 KiB frame of a 52-bit physical space.
    CHECK(F::encode_leaf(0x000F'FFFF'FFFF'F000, ptgen::rwx, 3) == 0x000F'FFFF'FFFF'F063ull);
    // A PTE never carries PS: bit 7 of a PTE is PAT, left 0.
    CHECK((F::encode_leaf(0x1000, ptgen::rwx, 3) & pte::PAT_4K) == 0);
}

TEST_CASE("x86-64: a 2 MiB PDE with PS maps a 2 MiB page", "[x86_64]") {
    // Table 4-18: P | R/W | A | D | PS | G = 0x1E3, XD (63) for no execute.
    CHECK(F::encode_leaf(0x20'0000, ptgen::rw | ptgen::global, 2) == 0x8000'0000'0020'01E3ull);
    CHECK(F::kind(0x8000'0000'0020'01E3ull, 2) == entry_kind::leaf);
    CHECK(F::address(0x8000'0000'0020'01E3ull, 2) == 0x20'0000);
    CHECK(F::leaf_flags(0x8000'0000'0020'01E3ull, 2) == (ptgen::rw | ptgen::global));
    // Bit 12 of a 2 MiB page is its PAT bit, not part of the address.
    CHECK(F::address(0x0000'0000'0020'1083ull, 2) == 0x20'0000);
}

TEST_CASE("x86-64: a 1 GiB PDPTE with PS maps a 1 GiB page", "[x86_64]") {
    // Table 4-16: address in 51:30; P | R/W | A | D | PS | G = 0x1E3, executable.
    CHECK(F::encode_leaf(0x4000'0000, ptgen::rwx | ptgen::global, 1) == 0x4000'01E3ull);
    CHECK(F::kind(0x4000'01E3ull, 1) == entry_kind::leaf);
    CHECK(F::address(0x4000'01E3ull, 1) == 0x4000'0000);
    CHECK(F::address(0x4000'11E3ull, 1) == 0x4000'0000);  // PAT (bit 12) is not address
}

TEST_CASE("x86-64: memory types select PAT entries: device PA3 = UC, uncached PA6 = WC", "[x86_64]") {
    // device: PWT(3) | PCD(4) -> PAT index 3 = UC (at power-on and in pat::msr).
    CHECK(F::encode_leaf(0xFEE0'0000, ptgen::rw | ptgen::device, 3) == 0x8000'0000'FEE0'007Bull);
    CHECK(F::leaf_flags(0x8000'0000'FEE0'007Bull, 3) == (ptgen::rw | ptgen::device));
    // uncached: PAT | PCD -> index 6; the PAT bit is bit 7 of a PTE, bit 12 of a 2 MiB/1 GiB page.
    CHECK(F::encode_leaf(0xC000'0000, ptgen::r | ptgen::uncached, 3) == 0x8000'0000'C000'00F1ull);
    CHECK(F::encode_leaf(0xC000'0000, ptgen::r | ptgen::uncached, 2) == 0x8000'0000'C000'10F1ull);
    CHECK(F::encode_leaf(0xC000'0000, ptgen::r | ptgen::uncached, 1) == 0x8000'0000'C000'10F1ull);
    CHECK(F::leaf_flags(0x8000'0000'C000'00F1ull, 3) == (ptgen::r | ptgen::uncached));
    CHECK(F::leaf_flags(0x8000'0000'C000'10F1ull, 2) == (ptgen::r | ptgen::uncached));
    CHECK(F::address(0x8000'0000'C000'10F1ull, 2) == 0xC000'0000);
    // PCD alone (PA2 = UC-: firmware's uncached, and ptgen's before IA32_PAT was published)
    // reads back as uncached too.
    CHECK(F::leaf_flags(0x8000'0000'C000'0071ull, 3) == (ptgen::r | ptgen::uncached));
    // Normal memory: PAT = PWT = PCD = 0 -> PA0 = WB. PWT alone (WT) is neither type.
    CHECK((F::encode_leaf(0x1000, ptgen::rw, 3) & (pte::PWT | pte::PCD | pte::PAT_4K)) == 0);
    CHECK((F::encode_leaf(0x20'0000, ptgen::rw, 2) & (pte::PWT | pte::PCD | pte::PAT_HUGE)) == 0);
    CHECK(F::leaf_flags(0x1000 | pte::P | pte::PWT, 3) == (ptgen::r | flags::execute));
}

TEST_CASE("x86-64: IA32_PAT is the power-on value with PA6 = WC", "[x86_64]") {
    namespace pat = ptgen::x86_64::pat;
    // Each PAn is the byte n (SDM "Page Attribute Table (PAT)", IA32_PAT layout).
    constexpr std::uint64_t power_on[8] = {pat::WB, pat::WT, pat::UC_MINUS, pat::UC,
                                           pat::WB, pat::WT, pat::UC_MINUS, pat::UC};
    for (unsigned i = 0; i < 8; ++i) {
        CHECK(((pat::power_on >> (8 * i)) & 0xff) == power_on[i]);
        CHECK(((F::pat_msr >> (8 * i)) & 0xff) == (i == 6 ? pat::WC : power_on[i]));
    }
    CHECK(F::pat_msr == 0x0001'0406'0007'0406ull);
    // The boot registers carry it, for start code and for ptgen-gen's emitters.
    CHECK(F::boot_registers(0x1000, 0).ia32_pat == F::pat_msr);
    CHECK(F::boot_registers(0x1000, 0).named()[1].value == F::pat_msr);
}

TEST_CASE("x86-64: a table entry is P | R/W | U/S | A with XD clear, so the leaf alone decides",
          "[x86_64]") {
    // Tables 4-15, 4-17, 4-19.
    CHECK(F::encode_table(0x1000, 0) == 0x1027ull);  // P RW US A
    CHECK(F::encode_table(0x000F'FFFF'FFFF'F000, 2) == 0x000F'FFFF'FFFF'F027ull);
    for (unsigned level = 0; level < 3; ++level) {
        const auto e = F::encode_table(0x0000'00AB'CDEF'0000, level);
        CHECK(e == (0x0000'00AB'CDEF'0000ull | pte::P | pte::RW | pte::US | pte::A));
        CHECK((e & (pte::XD | pte::PS)) == 0);
    }
}

TEST_CASE("x86-64: a PML4E never maps a page; P = 0 is empty, or a no-access leaf with bit 9", "[x86_64]") {
    CHECK(F::kind(0x1000 | pte::P | pte::PS, 0) == entry_kind::table);  // PS reserved in a PML4E
    CHECK(F::kind(0x1000 | pte::P, 1) == entry_kind::table);
    CHECK(F::kind(0x1000 | pte::P, 2) == entry_kind::table);
    CHECK(F::kind(0x1000 | pte::P, 3) == entry_kind::leaf);
    for (unsigned level = 0; level < 4; ++level) {
        CHECK(F::kind(0, level) == entry_kind::empty);
        CHECK(F::kind(~(pte::P | pte::AVL9), level) == entry_kind::empty);  // 63:1 ignored if P = 0
        CHECK(F::kind(pte::AVL9, level) == (level == 0 ? entry_kind::empty : entry_kind::leaf));
    }
}

TEST_CASE("x86-64: a no-access leaf is not present and keeps address, size and attributes", "[x86_64]") {
    for (unsigned level = 1; level < 4; ++level) {
        const std::uint64_t pa = F::levels[level].span() * 5;
        const auto e = F::encode_leaf(pa, ptgen::no_access | ptgen::user | ptgen::global, level);
        INFO("level " << level);
        CHECK((e & pte::P) == 0);  // table 4-20 (and 4-16, 4-18): not present, every access faults
        CHECK((e & pte::AVL9) != 0);
        CHECK((e & pte::PS) == (level == 3 ? 0 : pte::PS));
        CHECK(F::address(e, level) == pa);
        CHECK(F::leaf_flags(e, level) == (ptgen::user | ptgen::global));
        // Protecting back gives exactly the leaf a map would write.
        CHECK(((e | pte::P) & ~pte::AVL9) ==
              F::encode_leaf(pa, ptgen::r | ptgen::user | ptgen::global, level));
    }
    CHECK(F::encode_leaf(0x5000, ptgen::no_access, 3) == (0x5000 | pte::AVL9 | pte::A | pte::D | pte::XD));
}

TEST_CASE("x86-64: every accepted flag set round-trips at every leaf level", "[x86_64]") {
    int accepted = 0;
    for (unsigned bits = 0; bits < 128; ++bits) {
        const flags f = as_flags(bits);
        REQUIRE(F::accepts(f) == ptgen::flags_well_formed(f));
        if (!F::accepts(f)) continue;
        ++accepted;
        INFO("flags " << bits);
        // Never less than asked; the only widening is read (4.6: present means readable).
        CHECK((F::effective(f) & f) == f);
        CHECK(F::effective(f) == (ptgen::grants_access(f) ? f | flags::read : f));
        CHECK(F::effective(F::effective(f)) == F::effective(f));
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
                // Accessed and dirty are preset (4.8): the processor never writes the entry.
                CHECK((e & (pte::A | pte::D)) == (pte::A | pte::D));
            }
        }
    }
    CHECK(accepted == 8 * 4 * 3);  // 8 permission sets (no access too) x 4 (user, global) x 3 types
}

TEST_CASE("x86-64: table entries round-trip at every non-last level", "[x86_64]") {
    for (unsigned level = 0; level < 3; ++level) {
        for (std::uint64_t pa : std::initializer_list<std::uint64_t>{
                 0, 0x1000, 0x0000'0008'0000'3000ull, ptgen::low_mask(52) & ~ptgen::low_mask(12)}) {
            INFO("level " << level << " pa " << pa);
            const auto e = F::encode_table(pa, level);
            CHECK(F::kind(e, level) == entry_kind::table);
            CHECK(F::address(e, level) == pa);
        }
    }
}

TEST_CASE("x86-64: linear addresses are canonical when bits 63:47 are equal", "[x86_64]") {
    CHECK(F::va_valid(0));
    CHECK(F::va_valid(0x0000'7FFF'FFFF'FFFFull));
    CHECK(F::va_valid(0xFFFF'8000'0000'0000ull));
    CHECK(F::va_valid(0xFFFF'FFFF'FFFF'FFFFull));
    CHECK_FALSE(F::va_valid(0x0000'8000'0000'0000ull));
    CHECK_FALSE(F::va_valid(0xFFFF'7FFF'FFFF'FFFFull));
    CHECK_FALSE(F::va_valid(0x0001'0000'0000'0000ull));
    CHECK_FALSE(F::va_valid(0x8000'0000'0000'0000ull));
}

TEST_CASE("x86-64: CR3 holds the PML4 address in 51:12 and the PCID in 11:0", "[x86_64]") {
    CHECK(F::cr3(0x1000) == 0x1000ull);
    CHECK(F::cr3(0x0000'0001'2345'6000ull, 7) == 0x0000'0001'2345'6007ull);
    CHECK(F::cr3(0x5000, 0xFFFF) == 0x5FFFull);  // a PCID is 12 bits
}

// 5-level paging (SDM 4.5 with CR4.LA57 = 1): a PML5 (bits 56:48) above the same four levels.
namespace {
using F5 = ptgen::x86_64::long_mode_5level;
static_assert(ptgen::page_table_format<F5> && ptgen::geometry_of<F5>::coherent());
static_assert(ptgen::geometry_of<F5>::depth == 5 && F5::levels[0].shift == 48);
static_assert(ptgen::geometry_of<F5>::leaf_level_for(1ull << 30) == 2);
static_assert(ptgen::geometry_of<F5>::leaf_level_for(512ull << 30) == -1);  // no PML4E pages
static_assert(ptgen::geometry_of<F5>::leaf_level_for(256ull << 40) == -1);  // no PML5E pages
}  // namespace

TEST_CASE("x86-64 5-level: PML5 and PML4 entries never map; the PDPTE, PDE and PTE encode as in 4-level",
          "[x86_64]") {
    // 1 GiB page at level 2 (PDPT): P | RW | A | D | PS | G | XD, as a 4-level PDPTE at level 1.
    CHECK(F5::encode_leaf(0x4000'0000, ptgen::rw | ptgen::global, 2) == 0x8000'0000'4000'01E3ull);
    CHECK(F5::encode_leaf(0x4000'0000, ptgen::rw | ptgen::global, 2) ==
          F::encode_leaf(0x4000'0000, ptgen::rw | ptgen::global, 1));
    CHECK(F5::encode_leaf(0x1234'5000, ptgen::rwx, 4) == F::encode_leaf(0x1234'5000, ptgen::rwx, 3));
    // PS in a PML5E or a PML4E is reserved: such an entry is a table pointer, never a page.
    CHECK(F5::kind(0x4000'0000 | pte::P | pte::PS, 0) == entry_kind::table);
    CHECK(F5::kind(0x4000'0000 | pte::P | pte::PS, 1) == entry_kind::table);
    CHECK(F5::kind(0x4000'0000 | pte::P | pte::PS, 2) == entry_kind::leaf);
    // A no-access mark (P = 0, bit 9) is a leaf only where pages are allowed.
    CHECK(F5::kind(pte::AVL9, 1) == entry_kind::empty);
    CHECK(F5::kind(pte::AVL9 | pte::PS, 3) == entry_kind::leaf);
    CHECK(F5::address(0x4000'0000 | pte::P | pte::PS | pte::PAT_HUGE, 2) == 0x4000'0000);
    // the PML5 index of the Linux LA57 direct map 0xff11'0000'0000'0000 is bits 56:48 = 0x111
    CHECK(F5::levels[0].index_of(0xff11'0000'0000'0000) == 0x111);
    CHECK(F5::cr3(0x7000) == 0x7000);
}

TEST_CASE("x86-64 5-level: linear addresses are canonical when bits 63:56 are equal", "[x86_64]") {
    CHECK(F5::va_valid(0x00ff'ffff'ffff'ffff));
    CHECK(F5::va_valid(0xff00'0000'0000'0000));
    CHECK(F5::va_valid(0x0000'8000'0000'0000));  // not canonical with 4 levels
    CHECK_FALSE(F::va_valid(0x0000'8000'0000'0000));
    CHECK_FALSE(F5::va_valid(0x0100'0000'0000'0000));
    CHECK_FALSE(F5::va_valid(0xfeff'ffff'ffff'ffff));
}
