// RISC-V Sv39/Sv48/Sv57 encodings, checked against the Privileged spec's PTE layout (4.3.1, 4.4.1)
// with values computed by hand.
#include <catch2/catch.hpp>

#include <string_view>
#include <type_traits>

#include <ptgen/arch/riscv.hpp>

using namespace ptgen;
using riscv::sv39;
using riscv::sv48;

static_assert(page_table_format<sv39> && page_table_format<sv48>);
static_assert(geometry_of<sv39>::coherent() && geometry_of<sv48>::coherent());

TEST_CASE("an Sv39 4 KiB leaf: PPN at bit 10, V R W A D set", "[arch][riscv]") {
    // pa 0x8020_1000 -> PPN 0x80201 -> bits 0x80201 << 10 = 0x2008_0400; V|R|W|A|D = 0xc7
    CHECK(sv39::encode_leaf(0x8020'1000, rw, 2) == 0x2008'04c7);
    // + X (0x8) + U (0x10) + G (0x20)
    CHECK(sv39::encode_leaf(0x8020'1000, rwx | user | global, 2) == 0x2008'04ff);
    CHECK(sv39::kind(0x2008'04c7, 2) == entry_kind::leaf);
    CHECK(sv39::address(0x2008'04c7, 2) == 0x8020'1000);
}

TEST_CASE("an Sv39 gigapage at level 0 and a megapage at level 1 are leaves", "[arch][riscv]") {
    // 1 GiB at pa 0x4000_0000: PPN 0x40000 << 10 = 0x1000_0000; R|X|V|A|D = 0xcb
    CHECK(sv39::encode_leaf(0x4000'0000, rx, 0) == 0x1000'00cb);
    CHECK(sv39::kind(0x1000'00cb, 0) == entry_kind::leaf);
    CHECK(sv39::encode_leaf(0x20'0000, r, 1) == ((0x200ull << 10) | 0xc3));
    CHECK(sv48::kind(sv48::encode_leaf(0x80'0000'0000, r, 0), 0) == entry_kind::leaf);
}

TEST_CASE("an Sv39 pointer has V only: D, A and U are reserved in non-leaf PTEs",
          "[arch][riscv]") {
    CHECK(sv39::encode_table(0x8040'3000, 0) == ((0x80403ull << 10) | 1));
    CHECK(sv39::kind(sv39::encode_table(0x8040'3000, 1), 1) == entry_kind::table);
    // a pointer at the last level is reserved: not a mapping
    CHECK(sv39::kind(1, 2) == entry_kind::empty);
    CHECK(sv39::kind(0, 0) == entry_kind::empty);
    CHECK(sv39::kind(0x2008'04c6, 2) == entry_kind::empty);  // V clear
}

TEST_CASE("write without read is reserved: the format grants read", "[arch][riscv]") {
    CHECK(sv39::effective(flags::write) == rw);
    CHECK(sv39::leaf_flags(sv39::encode_leaf(0x1000, flags::write, 2), 2) == rw);
    CHECK(sv39::effective(flags::execute) == flags::execute);  // execute-only is legal
    CHECK(sv39::effective(rw | device) == rw);                 // memory type is the PMA's
}

TEST_CASE("Sv39 and Sv48 virtual addresses are sign-extended", "[arch][riscv]") {
    CHECK(sv39::va_valid(0x3f'ffff'ffff));
    CHECK(sv39::va_valid(0xffff'ffc0'0000'0000));
    CHECK_FALSE(sv39::va_valid(0x40'0000'0000));
    CHECK_FALSE(sv39::va_valid(0xffff'ff80'0000'0000));
    CHECK(sv48::va_valid(0x7fff'ffff'ffff));
    CHECK(sv48::va_valid(0xffff'8000'0000'0000));
    CHECK_FALSE(sv48::va_valid(0x8000'0000'0000));
}

TEST_CASE("satp holds MODE, ASID and the root's PPN", "[arch][riscv]") {
    CHECK(sv39::satp(0x8040'0000) == 0x8000'0000'0008'0400);
    CHECK(sv48::satp(0x8040'0000, 5) == 0x9000'5000'0008'0400);
}

TEST_CASE("an Sv39 no-access leaf: V = 0 with RSW bit 8, PPN, U and G kept", "[arch][riscv]") {
    // 4.3.1: with V = 0 every other bit is free for software; the access faults (4.3.2 step 3).
    // PPN 0x80201 << 10 = 0x2008_0400 | RSW0 (0x100) | U (0x10) | G (0x20)
    CHECK(sv39::encode_leaf(0x8020'1000, no_access | user | global, 2) == 0x2008'0530);
    CHECK(sv39::kind(0x2008'0530, 2) == entry_kind::leaf);
    CHECK(sv39::leaf_flags(0x2008'0530, 2) == (user | global));
    // a no-access gigapage is a leaf at level 0 too, with its address
    const auto giga = sv39::encode_leaf(0x4000'0000, no_access, 0);
    CHECK(giga == 0x1000'0100);
    CHECK(sv39::kind(giga, 0) == entry_kind::leaf);
    CHECK(sv39::address(giga, 0) == 0x4000'0000);
    // V = 0 without the mark stays empty whatever else it holds (stray software bits)
    CHECK(sv39::kind(0x2008'04ce, 2) == entry_kind::empty);
}

TEST_CASE("Sv57: five levels, a 256 TiB leaf at the root, satp MODE 10", "[arch][riscv]") {
    using riscv::sv57;
    static_assert(page_table_format<sv57> && geometry_of<sv57>::coherent());
    static_assert(geometry_of<sv57>::depth == 5 && sv57::levels[0].shift == 48);
    static_assert(geometry_of<sv57>::leaf_level_for(256ull << 40) == 0);  // 4.6.1: any level
    // 256 TiB at pa 2^48: PPN 2^36 << 10 = 2^46; R | X | V | A | D = 0xcb
    CHECK(sv57::encode_leaf(std::uint64_t{1} << 48, rx, 0) == ((std::uint64_t{1} << 46) | 0xcb));
    CHECK(sv57::kind((std::uint64_t{1} << 46) | 0xcb, 0) == entry_kind::leaf);
    CHECK(sv57::encode_leaf(0x8020'1000, rw, 4) == 0x2008'04c7);  // as Sv39's 4 KiB leaf
    // 4.6.1: bits 63:57 equal bit 56
    CHECK(sv57::va_valid(0x00ff'ffff'ffff'ffff));
    CHECK(sv57::va_valid(0xff00'0000'0000'0000));
    CHECK_FALSE(sv57::va_valid(0x0100'0000'0000'0000));
    CHECK(sv57::satp(0x8040'0000, 3) == ((10ull << 60) | (3ull << 44) | 0x80400));
    CHECK(std::string_view(sv57::name) == "riscv-sv57");
}

TEST_CASE("Svpbmt: device is PBMT = IO, uncached is NC, normal memory PMA; tables carry none",
          "[arch][riscv]") {
    using riscv::sv39_svpbmt;
    static_assert(page_table_format<sv39_svpbmt> && geometry_of<sv39_svpbmt>::coherent());
    // Svpbmt table "Encodings for PBMT field": bits 62:61, 1 = NC, 2 = IO.
    CHECK(sv39_svpbmt::encode_leaf(0x8020'1000, rw | device, 2) ==
          (0x2008'04c7 | (std::uint64_t{2} << 61)));
    CHECK(sv39_svpbmt::encode_leaf(0x8020'1000, rw | uncached, 2) ==
          (0x2008'04c7 | (std::uint64_t{1} << 61)));
    CHECK(sv39_svpbmt::encode_leaf(0x8020'1000, rw, 2) == 0x2008'04c7);  // PMA: as Sv39
    CHECK(sv39_svpbmt::leaf_flags(0x2008'04c7 | (std::uint64_t{2} << 61), 2) == (rw | device));
    CHECK(sv39_svpbmt::leaf_flags(0x2008'04c7 | (std::uint64_t{1} << 61), 2) == (rw | uncached));
    CHECK(sv39_svpbmt::address(0x2008'04c7 | (std::uint64_t{3} << 61), 2) == 0x8020'1000);
    // PBMT is reserved in non-leaf PTEs (Svpbmt: "for non-leaf PTEs, bits 62-61 are reserved").
    CHECK(sv39_svpbmt::encode_table(0x8040'3000, 0) == sv39::encode_table(0x8040'3000, 0));
    CHECK(sv39_svpbmt::effective(rw | device) == (rw | device));
    CHECK(sv39::effective(rw | device) == rw);  // without Svpbmt the PMAs decide
    CHECK(std::string_view(sv39_svpbmt::name) == "riscv-sv39-svpbmt");
    CHECK(riscv::menvcfg::PBMTE == std::uint64_t{1} << 62);
}

TEST_CASE("Svnapot: a 64 KiB run is 16 equal PTEs with N and PPN[3:0] = 1000; the page from the VA",
          "[arch][riscv]") {
    using riscv::sv39_svnapot;
    static_assert(page_table_format<sv39_svnapot> && contiguous_leaves<sv39_svnapot>);
    static_assert(!contiguous_leaves<riscv::sv39> && !contiguous_leaves<riscv::sv39_svpbmt>);
    // Svnapot, "Page table entry encodings when pte.N=1": last level only, 16 entries.
    CHECK(sv39_svnapot::contiguous_entries(2) == 16);
    CHECK(sv39_svnapot::contiguous_entries(1) == 1);
    CHECK(sv39_svnapot::contiguous_entries(0) == 1);
    const std::uint64_t plain = sv39_svnapot::encode_leaf(0x8021'3000, rw, 2);
    CHECK(plain == 0x2008'4cc7);  // PPN 0x80213, D A W R V: as Sv39
    const std::uint64_t run = sv39_svnapot::with_contiguous(plain, 2, true, 0x8021'3000);
    CHECK(run == (0x2008'60c7 | (std::uint64_t{1} << 63)));  // PPN 0x80218 (low bits 1000), N
    CHECK(sv39_svnapot::with_contiguous(plain, 2, true, 0x8021'f000) == run);  // one PTE for all 16
    CHECK(sv39_svnapot::contiguous(run, 2));
    CHECK_FALSE(sv39_svnapot::contiguous(plain, 2));
    CHECK(sv39_svnapot::leaf_flags(run, 2) == sv39_svnapot::leaf_flags(plain, 2));
    CHECK(sv39_svnapot::kind(run, 2) == entry_kind::leaf);
    // The MMU's address: PPN[3:0] from VPN[0][3:0].
    CHECK(leaf_address<sv39_svnapot>(run, 2, 0xffff'ffff'c123'3000) == 0x8021'3000);
    CHECK(leaf_address<sv39_svnapot>(run, 2, 0xffff'ffff'c123'a000) == 0x8021'a000);
    CHECK(leaf_address<sv39_svnapot>(plain, 2, 0xffff'ffff'c123'a000) == 0x8021'3000);
    CHECK(sv39_svnapot::with_contiguous(run, 2, false, 0x8021'3000) == plain);
    CHECK(std::string_view(sv39_svnapot::name) == "riscv-sv39-svnapot");
    CHECK(std::string_view(riscv::sv39_svpbmt_svnapot::name) == "riscv-sv39-svpbmt-svnapot");
    CHECK(riscv::pte::N == std::uint64_t{1} << 63);
}

TEST_CASE("Sv32: 32-bit PTEs with PPN[1] in 31:20 and PPN[0] in 19:10, a 34-bit PA", "[arch][riscv]") {
    using riscv::sv32;
    static_assert(page_table_format<sv32> && geometry_of<sv32>::coherent());
    static_assert(std::is_same_v<sv32::entry_type, std::uint32_t>);
    static_assert(geometry_of<sv32>::depth == 2 && sv32::levels[0].entries() == 1024 &&
                  sv32::levels[1].table_bytes() == 4096);
    static_assert(geometry_of<sv32>::leaf_level_for(4ull << 20) == 0);  // megapages (4.3.1)
    // pa 0x3_8020_1000 (above 4 GiB: PA bits 33:32 are PPN[1]'s top) -> PPN 0x380201 << 10 =
    // 0xe008_0400; V|R|W|A|D = 0xc7
    CHECK(sv32::encode_leaf(0x3'8020'1000, rw, 1) == 0xe008'04c7u);
    CHECK(sv32::address(0xe008'04c7u, 1) == 0x3'8020'1000);
    CHECK(sv32::leaf_flags(0xe008'04c7u, 1) == rw);
    // A 4 MiB megapage at the root, and a pointer: V only (4.3.1: D, A, U reserved)
    CHECK(sv32::encode_leaf(0x8040'0000, rx | global, 0) == 0x2010'00ebu);
    CHECK(sv32::kind(0x2010'00ebu, 0) == entry_kind::leaf);
    CHECK(sv32::encode_table(0x8020'3000, 0) == 0x2008'0c01u);
    CHECK(sv32::kind(0x2008'0c01u, 0) == entry_kind::table);
    CHECK(sv32::kind(0x2008'0c01u, 1) == entry_kind::empty);  // a pointer at the last level
    // no access: V = 0, RSW bit 8
    const auto none = sv32::encode_leaf(0x8020'1000, flags::none, 1);
    CHECK(none == 0x2008'0500u);
    CHECK(sv32::kind(none, 1) == entry_kind::leaf);
    // no memory types without Svpbmt; VAs are 32 bits, not sign-extended
    CHECK(sv32::effective(rw | flags::device) == rw);
    CHECK(sv32::va_valid(0xffff'ffff));
    CHECK_FALSE(sv32::va_valid(0x1'0000'0000));
    // satp (RV32, figure 4.10): MODE 1 in bit 31, ASID in 30:22, PPN in 21:0
    CHECK(sv32::satp(0x8020'0000) == 0x8008'0200u);
    CHECK(sv32::satp(0x3'ffff'f000, 0x1ff) == 0xffff'ffffu);
}
