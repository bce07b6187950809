// ptgen/arch/arm.hpp: ARMv7-A short-descriptor translation tables (VMSAv7, TTBCR.EAE = 0).
// Reference: ARM Architecture Reference Manual, ARMv7-A and ARMv7-R edition, DDI 0406C:
// B3.5.1 "Short-descriptor translation table format descriptors", B3.7.1 "Access permissions",
// B3.7.2 "Execute-never restrictions on instruction fetching", B3.8.2 "Short-descriptor format
// memory region attributes, without TEX remap", B3.9.1 "Global and process-specific translation
// table entries", and registers B4.1.43 DACR, B4.1.130 SCTLR, B4.1.153 TTBCR, B4.1.154 TTBR0.
#pragma once

#include <array>
#include <cstdint>

#include "../core/format.hpp"

namespace ptgen::arm {

// First-level descriptors (B3.5.1, "Short-descriptor first-level descriptor formats").
namespace l1 {
inline constexpr std::uint32_t type_mask = 0b11;
inline constexpr std::uint32_t type_page_table = 0b01;  // [1:0] = 0b01: pointer to a L2 table
inline constexpr std::uint32_t type_section = 0b10;     // [1:0] = 0b1x: section (bit 0 = PXN)
inline constexpr std::uint32_t section_bit = 1u << 1;
// Section fields.
inline constexpr std::uint32_t PXN = 1u << 0;     // privileged execute-never, if implemented (0)
inline constexpr std::uint32_t B = 1u << 2;       // memory type, with C and TEX
inline constexpr std::uint32_t C = 1u << 3;
inline constexpr std::uint32_t XN = 1u << 4;      // execute-never
inline constexpr unsigned domain_shift = 5;       // Domain[3:0], bits 8:5 (domain 0 here)
inline constexpr unsigned AP_shift = 10;          // AP[1:0], bits 11:10
inline constexpr unsigned TEX_shift = 12;         // TEX[2:0], bits 14:12
inline constexpr std::uint32_t AP2 = 1u << 15;    // AP[2]
inline constexpr std::uint32_t S = 1u << 16;      // shareable
inline constexpr std::uint32_t nG = 1u << 17;     // not global
inline constexpr std::uint32_t supersection = 1u << 18;  // 0 = section, 1 = supersection (unused)
inline constexpr std::uint32_t NS = 1u << 19;     // non-secure (0)
inline constexpr std::uint32_t section_base_mask = 0xfff0'0000;       // PA[31:20]
inline constexpr std::uint32_t supersection_base_mask = 0xff00'0000;  // PA[31:24]
// Page-table descriptor fields.
inline constexpr std::uint32_t table_PXN = 1u << 2;  // PXN for the whole L2 table (0)
inline constexpr std::uint32_t table_NS = 1u << 3;   // NS (0)
inline constexpr std::uint32_t table_base_mask = 0xffff'fc00;  // L2 table base, bits 31:10
}  // namespace l1

// Second-level descriptors (B3.5.1, "Short-descriptor second-level descriptor formats").
namespace l2 {
inline constexpr std::uint32_t type_mask = 0b11;
inline constexpr std::uint32_t type_large_page = 0b01;  // [1:0] = 0b01: 64 KiB page (unused)
inline constexpr std::uint32_t small_page_bit = 1u << 1;  // [1:0] = 0b1x: small page, bit 0 = XN
inline constexpr std::uint32_t XN = 1u << 0;      // execute-never
inline constexpr std::uint32_t B = 1u << 2;
inline constexpr std::uint32_t C = 1u << 3;
inline constexpr unsigned AP_shift = 4;           // AP[1:0], bits 5:4
inline constexpr unsigned TEX_shift = 6;          // TEX[2:0], bits 8:6
inline constexpr std::uint32_t AP2 = 1u << 9;     // AP[2]
inline constexpr std::uint32_t S = 1u << 10;      // shareable
inline constexpr std::uint32_t nG = 1u << 11;     // not global
inline constexpr std::uint32_t page_base_mask = 0xffff'f000;  // PA[31:12]
// Large page fields that differ from a small page (never written, decoded only).
inline constexpr unsigned large_TEX_shift = 12;       // TEX[2:0], bits 14:12
inline constexpr std::uint32_t large_XN = 1u << 15;   // execute-never
inline constexpr std::uint32_t large_base_mask = 0xffff'0000;  // PA[31:16]
}  // namespace l2

// AP[2:0] with SCTLR.AFE = 0 (B3.7.1, Table B3-8). AP[2] is the top bit.
namespace ap {
inline constexpr std::uint32_t pl1_rw = 0b001;      // PL1 read/write, PL0 no access
inline constexpr std::uint32_t all_rw = 0b011;      // read/write at PL1 and PL0
inline constexpr std::uint32_t pl1_ro = 0b101;      // PL1 read-only, PL0 no access
inline constexpr std::uint32_t all_ro = 0b111;      // read-only at PL1 and PL0 (0b110 deprecated)
inline constexpr std::uint32_t none = 0b000;        // no access: every access a Permission fault
}  // namespace ap

// TEX[2:0] C B with SCTLR.TRE = 0 (B3.8.2, Table B3-10). S is ignored for Device memory.
namespace memtype {
struct tex_c_b {
    std::uint32_t tex;
    bool c, b;
};
inline constexpr tex_c_b normal_wb_wa{0b001, true, true};    // Normal, inner/outer WB WA
inline constexpr tex_c_b normal_nc{0b001, false, false};     // Normal, inner/outer non-cacheable
inline constexpr tex_c_b shareable_device{0b000, false, true};  // Shareable Device
}  // namespace memtype

// SCTLR bits (B4.1.130).
namespace sctlr {
inline constexpr std::uint32_t M = 1u << 0;     // MMU enable
inline constexpr std::uint32_t C = 1u << 2;     // data cache enable
inline constexpr std::uint32_t I = 1u << 12;    // instruction cache enable
inline constexpr std::uint32_t TRE = 1u << 28;  // TEX remap enable: must stay 0
inline constexpr std::uint32_t AFE = 1u << 29;  // access flag enable: must stay 0
}  // namespace sctlr

// TTBR0 fields with the Multiprocessing Extensions (B4.1.154), TTBCR.N = 0.
namespace ttbr {
inline constexpr std::uint32_t IRGN1 = 1u << 0;  // IRGN[1]
inline constexpr std::uint32_t S = 1u << 1;      // walks to shareable memory
inline constexpr unsigned RGN_shift = 3;         // RGN[1:0], bits 4:3: outer cacheability
inline constexpr std::uint32_t NOS = 1u << 5;    // not outer shareable: inner shareable walks
inline constexpr std::uint32_t IRGN0 = 1u << 6;  // IRGN[0]
inline constexpr std::uint32_t wbwa = 0b01;      // IRGN / RGN: write-back write-allocate
inline constexpr std::uint32_t base_mask = 0xffff'c000;  // bits 31:14 (N = 0)
}  // namespace ttbr

// Short descriptors with TTBCR.N = 0 (TTBR0 translates all of the 32-bit VA space), SCTLR.AFE =
// 0 (AP[0] is a permission bit, no access flag) and SCTLR.TRE = 0 (TEX/C/B give the memory type).
// Level 0: 4096 x 4-byte entries (16 KiB, 16 KiB aligned), leaves are 1 MiB sections.
// Level 1: 256 x 4-byte entries (1 KiB, 1 KiB aligned), leaves are 4 KiB small pages.
// Supersections (16 MiB) and large pages (64 KiB) are never written; when found they count as
// leaves (so the engine never overwrites them) and are decoded by their own layout, but the
// geometry knows only 1 MiB and 4 KiB leaves. Every entry uses domain 0, which DACR makes a client
// domain, so AP is checked. PXN and NS are 0.
//
// Memory types: Normal write-back write-allocate Shareable (default), Normal non-cacheable
// Shareable (uncached), Shareable Device (device).
//
// Flags the format widens (effective()):
// - read: every AP value used is readable at PL1 (Table B3-8 has no write-only encoding).
// - user: a PL0 page has the same read/write permission at PL1 (0b011, 0b111), and without
//   PXN an executable user page is executable at PL1 too (flags keep one execute bit).
// - no access (no read, write or execute asked): the hardware has the encoding, AP[2:0] = 0b000
//   (Table B3-8: "All accesses generate Permission faults"), with XN set; the descriptor stays a
//   valid section or small page, so address, size and memory type are kept, but AP 0b000 has no
//   PL0 variant: user is dropped. (An invalid descriptor, bits[1:0] = 0b00, leaves no bit of a
//   small page free for a mark: every one of bits[11:2] is an attribute.)
struct short_descriptor {
    using entry_type = std::uint32_t;
    static constexpr const char* name = "arm-short-descriptor";
    static constexpr unsigned va_bits = 32;
    static constexpr unsigned pa_bits = 32;  // sections and small pages: 32-bit PA

    static constexpr std::array<level_geometry, 2> levels{{
        {20, 12, 4, true, 16384},  // level 0 (ARM "first level"): 1 MiB sections
        {12, 8, 4, true, 1024},    // level 1 (ARM "second level"): 4 KiB small pages
    }};

    static constexpr bool va_valid(vaddr va) noexcept { return va <= 0xffff'ffff; }

    static constexpr bool accepts(flags f) noexcept { return flags_well_formed(f); }
    static constexpr flags effective(flags f) noexcept {
        return grants_access(f) ? f | flags::read : f & ~flags::user;
    }

    // B3.5.1: first level [1:0] = 0b00 fault, 0b01 page table, 0b1x section or supersection;
    // second level 0b00 fault, 0b01 large page, 0b1x small page.
    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        if ((e & l1::type_mask) == 0) return entry_kind::empty;
        if (level == 0)
            return (e & l1::section_bit) ? entry_kind::leaf : entry_kind::table;
        return entry_kind::leaf;
    }
    static constexpr paddr address(entry_type e, unsigned level) noexcept {
        if (level == 0) {
            if (!(e & l1::section_bit)) return e & l1::table_base_mask;
            return e & ((e & l1::supersection) ? l1::supersection_base_mask
                                               : l1::section_base_mask);
        }
        if ((e & l2::type_mask) == l2::type_large_page) return e & l2::large_base_mask;
        return e & l2::page_base_mask;
    }
    // Sections and supersections share the attribute positions; small and large pages differ
    // in TEX and XN only.
    static constexpr flags leaf_flags(entry_type e, unsigned level) noexcept {
        const bool section = level == 0;
        const bool large = !section && (e & l2::type_mask) == l2::type_large_page;
        const std::uint32_t ap10 = (e >> (section ? l1::AP_shift : l2::AP_shift)) & 0b11;
        const bool ap2 = (e & (section ? l1::AP2 : l2::AP2)) != 0;
        const bool xn = (e & (section ? l1::XN : large ? l2::large_XN : l2::XN)) != 0;
        const unsigned tex_shift = section ? l1::TEX_shift
                                   : large ? l2::large_TEX_shift
                                           : l2::TEX_shift;
        const std::uint32_t tex = (e >> tex_shift) & 0b111;
        const bool c = (e & (section ? l1::C : l2::C)) != 0;
        const bool b = (e & (section ? l1::B : l2::B)) != 0;
        const bool ng = (e & (section ? l1::nG : l2::nG)) != 0;

        flags f = flags::none;
        if (ap10 != 0) f |= flags::read;
        if (ap10 != 0 && !ap2) f |= flags::write;
        if (ap10 & 0b10) f |= flags::user;
        if (!xn) f |= flags::execute;
        if (!ng) f |= flags::global;
        // Table B3-10: TEX 000 C0 = Strongly-ordered or Shareable Device, TEX 010 C0 B0 =
        // Non-shareable Device; TEX 001 C0 B0 = Normal non-cacheable; the rest is cacheable.
        if ((tex == 0b000 && !c) || (tex == 0b010 && !c && !b)) f |= flags::device;
        if (tex == 0b001 && !c && !b) f |= flags::uncached;
        return f;
    }
    // B3.5.1: page-table descriptor, domain 0, PXN = NS = 0, base = L2 table address[31:10].
    static constexpr entry_type encode_table(paddr pa, unsigned) noexcept {
        return (entry_type(pa) & l1::table_base_mask) | l1::type_page_table;
    }
    [[gnu::always_inline]]  // (g++ kept it a call in the single-page map: 8 % of its time)
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned level) noexcept {
        f = effective(f);
        std::uint32_t perm = has(f, flags::user) ? ap::all_rw : ap::pl1_rw;
        if (!has(f, flags::write)) perm |= 0b100;  // AP[2]: read-only
        if (!grants_access(f)) perm = ap::none;
        const memtype::tex_c_b mt = has(f, flags::device)     ? memtype::shareable_device
                                    : has(f, flags::uncached) ? memtype::normal_nc
                                                              : memtype::normal_wb_wa;
        const bool shareable = !has(f, flags::device);  // S is ignored for Device (B3.8.2)
        const bool xn = !has(f, flags::execute);
        const bool ng = !has(f, flags::global);
        if (level == 0) {
            entry_type e = (entry_type(pa) & l1::section_base_mask) | l1::type_section;
            e |= ((perm & 0b11) << l1::AP_shift) | ((perm & 0b100) ? l1::AP2 : 0);
            e |= (mt.tex << l1::TEX_shift) | (mt.c ? l1::C : 0) | (mt.b ? l1::B : 0);
            e |= (shareable ? l1::S : 0) | (xn ? l1::XN : 0) | (ng ? l1::nG : 0);
            return e;
        }
        entry_type e = (entry_type(pa) & l2::page_base_mask) | l2::small_page_bit;
        e |= ((perm & 0b11) << l2::AP_shift) | ((perm & 0b100) ? l2::AP2 : 0);
        e |= (mt.tex << l2::TEX_shift) | (mt.c ? l2::C : 0) | (mt.b ? l2::B : 0);
        e |= (shareable ? l2::S : 0) | (xn ? l2::XN : 0) | (ng ? l2::nG : 0);
        return e;
    }

    // TTBR0 (B4.1.154, Multiprocessing Extensions): walks Inner Shareable (S = 1, NOS = 1),
    // inner and outer write-back write-allocate (IRGN = RGN = 0b01).
    static constexpr std::uint32_t ttbr0(paddr root) noexcept {
        return (std::uint32_t(root) & ttbr::base_mask) | ttbr::IRGN0 | ttbr::NOS |
               (ttbr::wbwa << ttbr::RGN_shift) | ttbr::S;
    }
    // TTBCR (B4.1.153): EAE = 0 (short descriptors), N = 0 (TTBR0 for every VA), PD0 = PD1 = 0.
    static constexpr std::uint32_t ttbcr = 0;
    // DACR (B4.1.43): domain 0 = client (0b01), domains 1-15 = no access.
    static constexpr std::uint32_t dacr = 0b01;
    // SCTLR bits to set (M, C, I); AFE and TRE must stay clear (AP[0] is an access permission
    // bit and TEX/C/B are not remapped in these descriptors).
    static constexpr std::uint32_t sctlr_mmu_bits = sctlr::M | sctlr::C | sctlr::I;
    static constexpr std::uint32_t sctlr_set = sctlr_mmu_bits;
    static constexpr std::uint32_t sctlr_clear = sctlr::AFE | sctlr::TRE;

    // Boot: TTBCR.N = 0, so TTBR0 covers all 4 GiB: one root.
    static constexpr bool split_roots = false;
    struct registers {
        std::uint32_t ttbr0, ttbcr, dacr;
        std::uint32_t sctlr_set, sctlr_clear;  // SCTLR = (SCTLR | set) & ~clear
        constexpr std::array<named_register, 5> named() const noexcept {
            return {{{"ttbr0", ttbr0}, {"ttbcr", ttbcr}, {"dacr", dacr}, {"sctlr_set", sctlr_set},
                     {"sctlr_clear", sctlr_clear}}};
        }
    };
    static constexpr registers boot_registers(paddr root, paddr) noexcept {
        return {ttbr0(root), ttbcr, dacr, sctlr_set, sctlr_clear};
    }
};

}  // namespace ptgen::arm
