// Tests of ptgen/arch/x86_32.hpp against Intel SDM Vol. 3A, 4.3 (32-bit paging) and 4.4 (PAE
// paging). The values are computed by hand from the entry tables.
#include <catch2/catch.hpp>

#include <cstdint>

#include <ptgen/arch/x86_32.hpp>
#include <ptgen/boot.hpp>

#include "support/formats.hpp"

namespace {

using two = ptgen::x86_32::two_level;
using pae = ptgen::x86_32::pae;
using ptgen::entry_kind;
using ptgen::flags;
using namespace ptgen::literals;

static_assert(ptgen::page_table_format<two> && ptgen::page_table_format<pae>);
static_assert(ptgen::geometry_of<two>::coherent() && ptgen::geometry_of<pae>::coherent());
// 32-bit paging: 1024 x 4-byte entries at both levels, 4 MiB and 4 KiB pages.
static_assert(ptgen::geometry_of<two>::depth == 2 && two::levels[0].entries() == 1024 &&
              two::levels[1].table_bytes() == 4096);
static_assert(ptgen::geometry_of<two>::leaf_level_for(4_MiB) == 0);
// PAE: a 4-entry, 32-byte, 32-byte-aligned PDPT (4.4.1), then 512 x 8 bytes; no 1 GiB pages.
static_assert(ptgen::geometry_of<pae>::depth == 3 && pae::levels[0].entries() == 4 &&
              pae::levels[0].table_bytes() == 32 && pae::levels[0].table_align == 32);
static_assert(ptgen::geometry_of<pae>::leaf_level_for(1_GiB) == -1);
static_assert(ptgen::geometry_of<pae>::leaf_level_for(2_MiB) == 1);
static_assert(ptgen::latches_root_entries<pae> && !ptgen::latches_root_entries<two>);

}  // namespace

TEST_CASE("i386 2-level: a 4 KiB PTE is P | A | D with the frame in bits 31:12", "[x86_32]") {
    // "Format of a 32-Bit Page-Table Entry that Maps a 4-KByte Page": P(0) R/W(1) U/S(2) A(5)
    // D(6) G(8).
    CHECK(two::encode_leaf(0x1234'5000, ptgen::rw | ptgen::user, 1) == 0x1234'5067u);
    CHECK(two::encode_leaf(0xffff'f000, ptgen::r | ptgen::global, 1) == 0xffff'f161u);
    CHECK(two::kind(0x1234'5067u, 1) == entry_kind::leaf);
    CHECK(two::address(0x1234'5067u, 1) == 0x1234'5000);
    // There is no execute-disable bit: every present page is readable and executable.
    CHECK(two::leaf_flags(0x1234'5067u, 1) == (ptgen::rwx | ptgen::user));
    CHECK(two::effective(ptgen::rw) == ptgen::rwx);
    CHECK(two::effective(flags::none) == flags::none);
}

TEST_CASE("i386 2-level: a 4 MiB PDE has PS and the frame in bits 31:22; bit 12 is PAT",
          "[x86_32]") {
    // "Format of a 32-Bit Page-Directory Entry that Maps a 4-MByte Page": PS(7).
    CHECK(two::encode_leaf(0x0040'0000, ptgen::rwx | ptgen::global, 0) == 0x0040'01e3u);
    CHECK(two::kind(0x0040'01e3u, 0) == entry_kind::leaf);
    CHECK(two::address(0x0040'11e3u, 0) == 0x0040'0000);  // PAT (12) and PSE-36 bits are not PA 21:12
    // A PDE without PS references a page table: P | R/W | U/S | A.
    CHECK(two::encode_table(0x0001'2000, 0) == 0x0001'2027u);
    CHECK(two::kind(0x0001'2027u, 0) == entry_kind::table);
    CHECK(two::address(0x0001'2027u, 0) == 0x0001'2000);
}

TEST_CASE("i386 2-level: memory types, no-access leaves and CR3", "[x86_32]") {
    CHECK(two::encode_leaf(0xfee0'0000, ptgen::rw | ptgen::device, 1) == 0xfee0'007bu);  // PCD|PWT
    CHECK(two::leaf_flags(0xfee0'007bu, 1) == (ptgen::rwx | ptgen::device));
    // uncached: PAT | PCD (PA6 = WC with pat_msr): PAT is bit 12 of a 4 MiB page, 7 of a PTE.
    CHECK(two::encode_leaf(0x8000'0000, ptgen::r | ptgen::uncached, 0) == 0x8000'10f1u);
    CHECK(two::encode_leaf(0x8000'0000, ptgen::r | ptgen::uncached, 1) == 0x8000'00f1u);
    CHECK(two::leaf_flags(0x8000'10f1u, 0) == (ptgen::rx | ptgen::uncached));
    CHECK(two::address(0x8000'10f1u, 0) == 0x8000'0000);
    CHECK(two::pat_msr == ptgen::x86_64::pat::msr);
    CHECK(ptgen::x86_32::pae::boot_registers(0x1000, 0).ia32_pat == ptgen::x86_64::pat::msr);
    // No access: P = 0 with bit 9, keeping PS and the address.
    const auto none = two::encode_leaf(0x0080'0000, flags::none, 0);
    CHECK(none == 0x0080'02e0u);
    CHECK(two::kind(none, 0) == entry_kind::leaf);
    CHECK(two::leaf_flags(none, 0) == flags::none);
    CHECK(two::kind(0, 0) == entry_kind::empty);
    CHECK(two::cr3(0x0040'0000) == 0x0040'0000);
    CHECK(two::va_valid(0xffff'ffff));
    CHECK_FALSE(two::va_valid(0x1'0000'0000));
}

TEST_CASE("i386 2-level: every accepted flag set round-trips at both levels", "[x86_32]") {
    for (unsigned bits = 0; bits < 128; ++bits) {  // every combination of the 7 flags
        const auto f = flags(static_cast<std::uint8_t>(bits));
        if (!two::accepts(f)) continue;
        for (unsigned level = 0; level < 2; ++level) {
            const auto e = two::encode_leaf(0x0040'0000, f, level);
            CHECK(two::kind(e, level) == entry_kind::leaf);
            CHECK(two::leaf_flags(e, level) == two::effective(f));
            CHECK(two::address(e, level) == 0x0040'0000);
        }
    }
}

TEST_CASE("i386 PAE: a PDPTE is P and the address only; bits 2:1 and 8:5 stay 0", "[x86_32]") {
    // "Format of a PAE Page-Directory-Pointer-Table Entry (PDPTE)".
    CHECK(pae::encode_table(0x0012'3000, 0) == 0x0012'3001ull);
    CHECK((pae::encode_table(0x000f'ffff'ffff'f000, 0) & 0x1e6) == 0);
    CHECK(pae::kind(0x0012'3001ull, 0) == entry_kind::table);
    CHECK(pae::kind(0, 0) == entry_kind::empty);
    // A PDPTE never maps a page, whatever bit 7 holds.
    CHECK(pae::kind(0x4000'0081ull, 0) == entry_kind::table);
    // The PDE that references a page table is long mode's: P | R/W | U/S | A.
    CHECK(pae::encode_table(0x0012'3000, 1) == 0x0012'3027ull);
}

TEST_CASE("i386 PAE: PDEs and PTEs are IA-32e entries, with XD for no execute", "[x86_32]") {
    // "PAE Page-Directory Entry that Maps a 2-MByte Page": PS(7), XD(63).
    CHECK(pae::encode_leaf(0x0020'0000, ptgen::rw | ptgen::global, 1) == 0x8000'0000'0020'01e3ull);
    CHECK(pae::kind(0x8000'0000'0020'01e3ull, 1) == entry_kind::leaf);
    CHECK(pae::address(0x8000'0000'0020'11e3ull, 1) == 0x0020'0000);
    // "PAE Page-Table Entry that Maps a 4-KByte Page": a 36-bit frame.
    CHECK(pae::encode_leaf(0xf'1234'5000, ptgen::rx, 2) == 0x0000'000f'1234'5061ull);
    CHECK(pae::leaf_flags(0x0000'000f'1234'5061ull, 2) == ptgen::rx);
    CHECK(pae::effective(flags::write) == ptgen::rw);
    // CR3 bits 31:5: the 32-byte-aligned PDPT.
    CHECK(pae::cr3(0x0040'0fe0) == 0x0040'0fe0);
    CHECK(pae::boot_registers(0x0040'0000, 0).cr3 == 0x0040'0000);
}

TEST_CASE("i386 PAE: the boot image is exactly its tables, the PDPT taken from the top",
          "[x86_32]") {
    static constexpr ptgen::boot::layout<pae> layout{
        .table_base = 0x40'0000,
        .regions = {ptgen::boot::identity(0, 8_MiB, ptgen::rwx, "ram").writable_and_executable(),
                    ptgen::boot::linear(0xc000'0000, 0x10'0000, 64_KiB, ptgen::rw, "kernel")
                        .small_pages()}};
    static constexpr auto image = ptgen::boot::build<layout>();
    static_assert(ptgen::boot::verify(image, layout));
    // Two page directories, one page table, and the 32-byte PDPT (a page of its own would waste
    // 4064 bytes).
    STATIC_REQUIRE(image.table_bytes() == 3 * 4096 + 32);
    STATIC_REQUIRE(image.alignment == 4096);  // the page directories' alignment, not the PDPT's
    STATIC_REQUIRE(ptgen::translate(image, 0xc000'1234)->pa == 0x10'1234);
    STATIC_REQUIRE(ptgen::translate(image, 0x7f'fff0)->size == 2_MiB);
    STATIC_REQUIRE(image.registers().cr3 == image.root && image.root == image.base + 3 * 4096);
}

TEST_CASE("i386 PAE: linking a page directory into the PDPT asks the cursor for a full flush",
          "[x86_32]") {
    ptgen::test::frame_pool pool(64);
    auto pt = ptgen::test::make_table<pae>(pool);
    {
        auto c = pt.cursor();
        REQUIRE(c.map(0x4000'0000, 0x10'0000, 4_KiB, ptgen::rw));
        CHECK(c.full_flush_pending());  // PDPTE 1 changed: only a CR3 load makes the CPU see it
    }
    {
        auto c = pt.cursor();
        REQUIRE(c.map(0x4000'1000, 0x10'1000, 4_KiB, ptgen::rw));
        CHECK_FALSE(c.full_flush_pending());  // the PDPTE was there: INVLPG of the page suffices
        CHECK(c.pending() == 1);
    }
    // The same in 32-bit paging, whose root entries the CPU reads from memory: no full flush.
    auto two_pt = ptgen::test::make_table<two>(pool);
    auto c = two_pt.cursor();
    REQUIRE(c.map(0x4000'0000, 0x10'0000, 4_KiB, ptgen::rw));
    CHECK_FALSE(c.full_flush_pending());
}
