// ptgen/arch/arm_lpae.hpp: ARMv7-A Large Physical Address Extension, long-descriptor
// translation tables (VMSAv7, TTBCR.EAE = 1), stage 1 at PL1&0.
// Reference: ARM Architecture Reference Manual, ARMv7-A and ARMv7-R edition, DDI 0406C:
// B3.6.1 "Long-descriptor translation table format descriptors" (figures B3-15 and B3-16),
// B3.6.2 "Memory attributes in the Long-descriptor translation table format descriptors",
// B3.6.4 "Selecting between TTBR0 and TTBR1, Long-descriptor translation table format",
// B3.6.5 "Long-descriptor translation table format address lookup levels", B3.7.1 "Access
// permissions" (AP[2:1], Table B3-6), B3.7.2 "Execute-never restrictions on instruction
// fetching", B3.8.2 "Long-descriptor format memory region attributes", and registers B4.1.104
// MAIR0/MAIR1, B4.1.130 SCTLR, B4.1.153 TTBCR, B4.1.155 TTBR0 (64-bit form).
#pragma once

#include <array>
#include <cstdint>

#include "../core/field.hpp"
#include "../core/format.hpp"
#include "arm.hpp"  // sctlr

namespace ptgen::arm {

// Long descriptors (B3.6.1, figures B3-15 "level 1 and level 2 descriptor formats" and B3-16
// "level 3 descriptor format"): 64 bits, one layout for blocks and pages.
namespace ld {
inline constexpr std::uint64_t valid = bit<0>;      // bit[0] = 0: invalid (a Translation fault)
inline constexpr std::uint64_t table = bit<1>;      // levels 1, 2: table; level 3: page
inline constexpr std::uint64_t type_block = 0b01;   // levels 1 and 2 only
inline constexpr std::uint64_t type_table = 0b11;   // levels 1 and 2
inline constexpr std::uint64_t type_page = 0b11;    // level 3 (0b01 there is reserved: invalid)
using AttrIndx = field<4, 2>;                       // MAIR0/MAIR1 attribute index (B3.8.2)
inline constexpr std::uint64_t NS = bit<5>;         // non-secure (unused: 0)
inline constexpr std::uint64_t AP1 = bit<6>;        // AP[1]: PL0 access (B3.7.1)
inline constexpr std::uint64_t AP2 = bit<7>;        // AP[2]: read-only
using SH = field<9, 8>;                             // shareability (B3.8.2)
inline constexpr std::uint64_t sh_inner = 0b11;     // Inner Shareable
inline constexpr std::uint64_t AF = bit<10>;        // access flag (always checked with EAE = 1)
inline constexpr std::uint64_t nG = bit<11>;        // not global
using OA = field<39, 12>;                           // output / next-level table address, 40 bits
inline constexpr std::uint64_t contiguous = bit<52>;  // contiguous hint (unused: 0)
inline constexpr std::uint64_t PXN = bit<53>;       // privileged execute-never (B3.7.2)
inline constexpr std::uint64_t XN = bit<54>;        // execute-never, at PL1 and PL0 (B3.7.2)
using SW = field<58, 55>;                           // reserved for software use
inline constexpr std::uint64_t SW55 = bit<SW::lo>;  // ptgen's no-access mark
}  // namespace ld

// MAIR0 holds Attr0..Attr3, MAIR1 Attr4..Attr7 (B4.1.104); the encodings are those of
// AArch64's MAIR_ELx: 0x04 Device, 0xff Normal write-back non-transient read/write-allocate,
// 0x44 Normal non-cacheable, inner and outer.
namespace lpae_attr {
template <unsigned N>
using Attr = field<8 * N + 7, 8 * N, std::uint32_t>;  // of MAIR0, N = 0..3
inline constexpr std::uint32_t device = 0x04;
inline constexpr std::uint32_t normal_wb = 0xff;
inline constexpr std::uint32_t normal_nc = 0x44;
inline constexpr unsigned device_index = 0;    // flags::device
inline constexpr unsigned normal_index = 1;    // default memory
inline constexpr unsigned uncached_index = 2;  // flags::uncached
}  // namespace lpae_attr

// TTBCR with EAE = 1 (B4.1.153).
namespace ttbcr_ld {
using T0SZ = field<2, 0, std::uint32_t>;    // 0: TTBR0 translates all 4 GiB
using IRGN0 = field<9, 8, std::uint32_t>;   // inner cacheability of TTBR0 walks
using ORGN0 = field<11, 10, std::uint32_t>; // outer cacheability
using SH0 = field<13, 12, std::uint32_t>;   // shareability
inline constexpr std::uint32_t EPD1 = bit<23, std::uint32_t>;  // no walks from TTBR1
inline constexpr std::uint32_t EAE = bit<31, std::uint32_t>;   // long descriptors
inline constexpr std::uint32_t wbwa = 0b01;                    // write-back write-allocate
}  // namespace ttbcr_ld

// T0SZ = 0: the first lookup is at level 1 (B3.6.5), VA[31:30] into a 4-entry, 32-byte table
// (TTBR0 BADDR aligned to 2^(5 - T0SZ)), then levels 2 (VA[29:21]) and 3 (VA[20:12]) of 512
// entries in 4 KiB. Blocks of 1 GiB (level 1) and 2 MiB (level 2); 4 KiB pages at level 3.
// Physical addresses are 40 bits. TTBR1 is not used (EPD1 = 1): one root.
//
// Every leaf has AF = 1 (EAE = 1 always checks it), Contiguous = 0, NS = 0. Memory types
// through AttrIndx (MAIR0, see `mair0`): device = Device, uncached = Normal non-cacheable,
// otherwise Normal write-back; SH = Inner Shareable for Normal memory.
// Flags the format widens (effective()): read (every valid descriptor is readable at PL1,
// Table B3-6); a PL0 page is accessible at PL1 with the same read/write permission and is never
// PL1 code (PXN set): flags::execute on a user page means PL0 execute.
// A no-access leaf is the block or page descriptor with bit[0] = 0 (invalid: the other bits are
// ignored, B3.6.1) and software bit 55 set.
struct long_descriptor {
    using entry_type = std::uint64_t;
    static constexpr const char* name = "arm-lpae";
    static constexpr unsigned va_bits = 32;
    static constexpr unsigned pa_bits = 40;
    static constexpr auto levels = radix_levels<32, 12, 8>(0);  // 1 GiB, 2 MiB, 4 KiB
    static constexpr unsigned last_level = 2;

    static constexpr bool va_valid(vaddr va) noexcept { return va <= 0xffff'ffff; }
    static constexpr bool accepts(flags f) noexcept { return flags_well_formed(f); }
    static constexpr flags effective(flags f) noexcept {
        return grants_access(f) ? f | flags::read : f;
    }

    // Figures B3-15/B3-16: 0b01 is a block at levels 1 and 2 and reserved (invalid) at level 3.
    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        if (e & ld::valid) {
            if (level == last_level) return (e & ld::table) ? entry_kind::leaf : entry_kind::empty;
            return (e & ld::table) ? entry_kind::table : entry_kind::leaf;
        }
        return (e & no_access_mark) ? entry_kind::leaf : entry_kind::empty;
    }
    static constexpr paddr address(entry_type e, unsigned level) noexcept {
        const bool block = level < last_level && !(e & ld::table);
        return e & output_mask(block ? level : last_level);
    }
    static constexpr flags leaf_flags(entry_type e, unsigned) noexcept {
        flags f = flags::read;
        if (!(e & ld::AP2)) f |= flags::write;
        const unsigned index = unsigned(ld::AttrIndx::get(e));
        if (index == lpae_attr::device_index) f |= flags::device;
        if (index == lpae_attr::uncached_index) f |= flags::uncached;
        const bool user = (e & ld::AP1) != 0;
        if (user) f |= flags::user;
        // B3.7.2: XN forbids execution at every level, PXN at PL1 only.
        if (!(e & ld::XN) && (user || !(e & ld::PXN))) f |= flags::execute;
        if (!(e & ld::nG)) f |= flags::global;
        if (!(e & ld::valid)) f &= ~permission_bits;  // a no-access leaf
        return f;
    }
    // B3.6.1: a table descriptor's PXNTable, XNTable, APTable and NSTable (bits 63:59) are 0,
    // so a table never limits what its leaves grant.
    static constexpr entry_type encode_table(paddr pa, unsigned) noexcept {
        return (pa & ld::OA::mask) | ld::type_table;
    }
    [[gnu::always_inline]]
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned level) noexcept {
        f = effective(f);
        entry_type e = (pa & output_mask(level)) | ld::AF |
                       (level == last_level ? ld::type_page : ld::type_block);
        unsigned index = lpae_attr::normal_index;
        if (has(f, flags::device)) index = lpae_attr::device_index;
        if (has(f, flags::uncached)) index = lpae_attr::uncached_index;
        e |= ld::AttrIndx::encode(index);
        if (!has(f, flags::device)) e |= ld::SH::encode(ld::sh_inner);
        if (!has(f, flags::write)) e |= ld::AP2;
        if (has(f, flags::user)) e |= ld::AP1 | ld::PXN;  // a PL0 page is never PL1 code
        if (!has(f, flags::execute)) e |= ld::XN;
        if (!has(f, flags::global)) e |= ld::nG;
        if (!grants_access(f)) e = (e & ~ld::valid) | no_access_mark;
        return e;
    }
    static constexpr entry_type no_access_mark = ld::SW55;

    // MAIR0: Attr0 = Device, Attr1 = Normal WB, Attr2 = Normal NC; MAIR1 unused (0).
    static constexpr std::uint32_t mair0 =
        lpae_attr::Attr<lpae_attr::device_index>::encode(lpae_attr::device) |
        lpae_attr::Attr<lpae_attr::normal_index>::encode(lpae_attr::normal_wb) |
        lpae_attr::Attr<lpae_attr::uncached_index>::encode(lpae_attr::normal_nc);
    static constexpr std::uint32_t mair1 = 0;
    // TTBCR: EAE, T0SZ = 0, TTBR0 walks inner/outer WB WA and Inner Shareable, EPD1.
    static constexpr std::uint32_t ttbcr =
        ttbcr_ld::EAE | ttbcr_ld::EPD1 | ttbcr_ld::IRGN0::encode(ttbcr_ld::wbwa) |
        ttbcr_ld::ORGN0::encode(ttbcr_ld::wbwa) | ttbcr_ld::SH0::encode(ld::sh_inner);
    // TTBR0 (64-bit, MCRR p15, 0, <lo>, <hi>, c2): BADDR[39:5], ASID (55:48) 0.
    static constexpr std::uint64_t ttbr0(paddr root) noexcept {
        return root & field<39, 5>::mask;
    }
    // SCTLR: set M, C, I; clear WXN and UWXN, which would make writable pages execute-never
    // whatever the tables say. (AFE and TRE are ignored with EAE = 1.)
    static constexpr std::uint32_t sctlr_mmu_bits = sctlr::M | sctlr::C | sctlr::I;
    static constexpr std::uint32_t sctlr_set = sctlr_mmu_bits;
    static constexpr std::uint32_t sctlr_clear = sctlr::WXN | sctlr::UWXN;

    // Boot: MAIR0, MAIR1, TTBCR, TTBR0, TLBIALL, then SCTLR = (SCTLR | set) & ~clear.
    static constexpr bool split_roots = false;
    struct registers {
        std::uint64_t ttbr0;
        std::uint32_t ttbcr, mair0, mair1;
        std::uint32_t sctlr_set, sctlr_clear;
        constexpr std::array<named_register, 6> named() const noexcept {
            return {{{"ttbr0", ttbr0}, {"ttbcr", ttbcr}, {"mair0", mair0}, {"mair1", mair1},
                     {"sctlr_set", sctlr_set}, {"sctlr_clear", sctlr_clear}}};
        }
    };
    static constexpr registers boot_registers(paddr root, paddr) noexcept {
        return {ttbr0(root), ttbcr, mair0, mair1, sctlr_set, sctlr_clear};
    }

private:
    static constexpr std::uint64_t output_mask(unsigned level) noexcept {
        return ld::OA::mask & ~low_mask(levels[level].shift);
    }
};

}  // namespace ptgen::arm
