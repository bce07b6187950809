// The field vocabulary (core/field.hpp) and the geometry helper radix_levels (core/format.hpp):
// positions, masks, encode/get/set in constant expressions and at run time, and the geometries
// the helper gives against the manuals' level tables.
#include <catch2/catch.hpp>

#include <ptgen/arch/riscv.hpp>
#include <ptgen/core/field.hpp>
#include <ptgen/core/format.hpp>

using namespace ptgen;

using ppn = field<53, 10>;  // RISC-V PTE PPN
static_assert(ppn::width == 44 && ppn::lo == 10 && ppn::hi == 53);
static_assert(ppn::max == (std::uint64_t{1} << 44) - 1);
static_assert(ppn::mask == ((std::uint64_t{1} << 54) - 1) - 0x3ff);
static_assert(ppn::encode(0x80201) == 0x2008'0400);
static_assert(ppn::get(0x2008'04c7) == 0x80201);
static_assert(ppn::set(0x2008'04c7, 0x1) == 0x4c7);
static_assert(field<63, 0>::max == ~std::uint64_t{0} && field<63, 0>::mask == ~std::uint64_t{0});
static_assert(field<31, 30, std::uint32_t>::mask == 0xc000'0000u);
static_assert(std::is_same_v<field<31, 30, std::uint32_t>::value_type, std::uint32_t>);
static_assert(bit<63> == std::uint64_t{1} << 63 && bit<0, std::uint32_t> == 1u);

// radix_levels against the manuals' tables.
constexpr auto sv39 = radix_levels<39, 12, 8>(0);  // Privileged 4.4.1: VPN[2:0], 9 bits each
static_assert(sv39.size() == 3 && sv39[0].shift == 30 && sv39[1].shift == 21 &&
              sv39[2].shift == 12 && sv39[0].index_bits == 9 && sv39[0].leaf_allowed);
constexpr auto x86 = radix_levels<48, 12, 8>(1);  // SDM 4.5: PML4 47:39 .. PT 20:12
static_assert(x86.size() == 4 && x86[0].shift == 39 && !x86[0].leaf_allowed &&
              x86[1].leaf_allowed && x86[3].table_bytes() == 4096 && x86[0].table_align == 4096);
constexpr auto la57 = radix_levels<57, 12, 8>(1);  // SDM 4.5: PML5 56:48
static_assert(la57.size() == 5 && la57[0].shift == 48 && la57[0].index_bits == 9);
constexpr auto i386 = radix_levels<32, 12, 4>(0);  // SDM 4.3: 1024 x 4-byte PDEs and PTEs
static_assert(i386.size() == 2 && i386[0].shift == 22 && i386[0].index_bits == 10 &&
              i386[1].index_bits == 10 && i386[0].table_bytes() == 4096);
constexpr auto pae = radix_levels<32, 12, 8>(1);  // SDM 4.4: a 4-entry PDPT, 32 bytes
static_assert(pae.size() == 3 && pae[0].shift == 30 && pae[0].index_bits == 2 &&
              pae[0].table_bytes() == 32 && pae[0].table_align == 32);
constexpr auto g64k = radix_levels<48, 16, 8>(2);  // Arm D8.2: 64K granule, 48 bits: 6+13+13
static_assert(g64k.size() == 3 && g64k[0].index_bits == 6 && g64k[0].shift == 42 &&
              g64k[1].shift == 29 && g64k[2].table_bytes() == 65536);
constexpr auto g16k = radix_levels<36, 14, 8>(1);  // Arm D8.2: 16K granule, 36 bits: 11+11
static_assert(g16k.size() == 2 && g16k[0].shift == 25 && g16k[0].index_bits == 11);

// The formats declare their geometry through it.
static_assert(riscv::sv48::levels[0].shift == 39 && riscv::sv48::levels.size() == 4);

TEST_CASE("a field encodes, reads and replaces at run time as in constant expressions",
          "[field]") {
    volatile std::uint64_t value = 0x80201;  // not a constant
    CHECK(ppn::encode(value) == 0x2008'0400);
    // A value wider than the field keeps its low bits at run time (a constant one does not
    // compile: compile_fail.field_value_too_wide).
    volatile std::uint64_t wide = (std::uint64_t{1} << 44) | 5;
    CHECK(ppn::encode(wide) == ppn::encode(5));
    CHECK(ppn::get(~std::uint64_t{0}) == ppn::max);
    CHECK(ppn::set(~std::uint64_t{0}, 0) == ~ppn::mask);
    CHECK(riscv::sv39::satp(0x8040'0000, 7) ==
          ((std::uint64_t{8} << 60) | (std::uint64_t{7} << 44) | 0x80400));
}
