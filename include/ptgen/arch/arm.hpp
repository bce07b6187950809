// ptgen/arch/arm.hpp: ARMv7-A short-descriptor translation tables (VMSAv7, TTBCR.EAE = 0).
// Reference: ARM Architecture Reference Manual, ARMv7-A and ARMv7-R edition, DDI 0406C:
// B3.5.1 "Short-descriptor translation table format descriptors", B3.7.1 "Access permissions",
// B3.7.2 "Execute-never restrictions on instruction fetching", B3.8.2 "Short-descriptor format
// memory region attributes, without TEX remap", B3.9.1 "Global and process-specific translation
// table entries", and registers B4.1.43 DACR, B4.1.130 SCTLR, B4.1.153 TTBCR, B4.1.154 TTBR0.
#pragma once

#include <array>
#include <cstdint>

#include "../core/field.hpp"
#include "../core/format.hpp"

namespace ptgen::arm {

using u32 = std::uint32_t;

// The leaf descriptors (B3.5.1, "Short-descriptor first-level descriptor formats" and
// "... second-level descriptor formats"): one struct per figure, each field once. A section and a
// supersection share their attribute positions; small and large pages differ in TEX and XN.
// (The domain field, bits 8:5 of a section, is 0: domain 0.)
using type = field<1, 0, u32>;  // bits[1:0] of every descriptor: 0b00 = fault
namespace l1 {
inline constexpr u32 type_page_table = 0b01;  // [1:0] = 0b01: pointer to a L2 table
inline constexpr u32 type_section = 0b10;     // [1:0] = 0b1x: section (bit 0 = PXN)
inline constexpr u32 section_bit = bit<1, u32>;
using table_base = field<31, 10, u32>;        // page-table descriptor: L2 table base
// (a page-table descriptor's PXN, bit 2, and NS, bit 3, are left 0)
struct section {
    static constexpr u32 PXN = bit<0, u32>;   // privileged execute-never, if implemented (0)
    static constexpr u32 B = bit<2, u32>;     // memory type, with C and TEX
    static constexpr u32 C = bit<3, u32>;
    static constexpr u32 XN = bit<4, u32>;    // execute-never
    using AP = field<11, 10, u32>;            // AP[1:0]
    using TEX = field<14, 12, u32>;
    static constexpr u32 AP2 = bit<15, u32>;  // AP[2]
    static constexpr u32 S = bit<16, u32>;    // shareable
    static constexpr u32 nG = bit<17, u32>;   // not global
    static constexpr u32 supersection = bit<18, u32>;  // 0 = section, 1 = supersection
    static constexpr u32 NS = bit<19, u32>;   // non-secure (0)
    using base = field<31, 20, u32>;          // PA[31:20]
};
struct supersection : section {
    using base = field<31, 24, u32>;          // PA[31:24] (never written, decoded only)
};
}  // namespace l1

namespace l2 {
inline constexpr u32 type_large_page = 0b01;         // [1:0] = 0b01: 64 KiB page (decoded only)
inline constexpr u32 small_page_bit = bit<1, u32>;   // [1:0] = 0b1x: small page, bit 0 = XN
struct small_page {
    static constexpr u32 XN = bit<0, u32>;    // execute-never
    static constexpr u32 B = bit<2, u32>;
    static constexpr u32 C = bit<3, u32>;
    using AP = field<5, 4, u32>;              // AP[1:0]
    using TEX = field<8, 6, u32>;
    static constexpr u32 AP2 = bit<9, u32>;   // AP[2]
    static constexpr u32 S = bit<10, u32>;    // shareable
    static constexpr u32 nG = bit<11, u32>;   // not global
    using base = field<31, 12, u32>;          // PA[31:12]
};
struct large_page : small_page {
    using TEX = field<14, 12, u32>;
    static constexpr u32 XN = bit<15, u32>;
    using base = field<31, 16, u32>;          // PA[31:16]
};
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
inline constexpr u32 M = bit<0, u32>;     // MMU enable
inline constexpr u32 C = bit<2, u32>;     // data cache enable
inline constexpr u32 I = bit<12, u32>;    // instruction cache enable
inline constexpr u32 WXN = bit<19, u32>;  // write implies XN (LPAE: must stay 0 for rwx pages)
inline constexpr u32 UWXN = bit<20, u32>;  // PL0-writable implies PL1 XN (LPAE: must stay 0)
inline constexpr u32 TRE = bit<28, u32>;  // TEX remap enable: must stay 0
inline constexpr u32 AFE = bit<29, u32>;  // access flag enable: must stay 0
}  // namespace sctlr

// TTBR0 fields with the Multiprocessing Extensions (B4.1.154), TTBCR.N = 0.
namespace ttbr {
inline constexpr u32 IRGN1 = bit<0, u32>;   // IRGN[1]
inline constexpr u32 S = bit<1, u32>;       // walks to shareable memory
using RGN = field<4, 3, u32>;               // outer cacheability
inline constexpr u32 NOS = bit<5, u32>;     // not outer shareable: inner shareable walks
inline constexpr u32 IRGN0 = bit<6, u32>;   // IRGN[0]
inline constexpr u32 wbwa = 0b01;           // IRGN / RGN: write-back write-allocate
using base = field<31, 14, u32>;            // translation table base (N = 0)
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

private:
    // A leaf of layout L (l1::section, l2::small_page, l2::large_page) without its type bits.
    template <class L>
    static constexpr entry_type encode(paddr pa, flags f) noexcept {
        u32 perm = has(f, flags::user) ? ap::all_rw : ap::pl1_rw;
        if (!has(f, flags::write)) perm |= 0b100;  // AP[2]: read-only
        if (!grants_access(f)) perm = ap::none;
        const memtype::tex_c_b mt = has(f, flags::device)     ? memtype::shareable_device
                                    : has(f, flags::uncached) ? memtype::normal_nc
                                                              : memtype::normal_wb_wa;
        entry_type e = (entry_type(pa) & L::base::mask) | L::AP::encode(perm & 0b11) |
                       ((perm & 0b100) ? L::AP2 : 0) | L::TEX::encode(mt.tex) |
                       (mt.c ? L::C : 0) | (mt.b ? L::B : 0);
        if (!has(f, flags::device)) e |= L::S;  // S is ignored for Device memory (B3.8.2)
        if (!has(f, flags::execute)) e |= L::XN;
        if (!has(f, flags::global)) e |= L::nG;
        return e;
    }
    template <class L>
    static constexpr flags decode(entry_type e) noexcept {
        const u32 ap10 = L::AP::get(e);
        const u32 tex = L::TEX::get(e);
        const bool c = (e & L::C) != 0, b = (e & L::B) != 0;
        flags f = flags::none;
        if (ap10 != 0) f |= flags::read;
        if (ap10 != 0 && !(e & L::AP2)) f |= flags::write;
        if (ap10 & 0b10) f |= flags::user;
        if (!(e & L::XN)) f |= flags::execute;
        if (!(e & L::nG)) f |= flags::global;
        // Table B3-10: TEX 000 C0 = Strongly-ordered or Shareable Device, TEX 010 C0 B0 =
        // Non-shareable Device; TEX 001 C0 B0 = Normal non-cacheable; the rest is cacheable.
        if ((tex == 0b000 && !c) || (tex == 0b010 && !c && !b)) f |= flags::device;
        if (tex == 0b001 && !c && !b) f |= flags::uncached;
        return f;
    }

public:
    static constexpr bool va_valid(vaddr va) noexcept { return va <= 0xffff'ffff; }

    static constexpr bool accepts(flags f) noexcept { return flags_well_formed(f); }
    static constexpr flags effective(flags f) noexcept {
        return grants_access(f) ? f | flags::read : f & ~flags::user;
    }

    // B3.5.1: first level [1:0] = 0b00 fault, 0b01 page table, 0b1x section or supersection;
    // second level 0b00 fault, 0b01 large page, 0b1x small page.
    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        if (type::get(e) == 0) return entry_kind::empty;
        if (level == 0)
            return (e & l1::section_bit) ? entry_kind::leaf : entry_kind::table;
        return entry_kind::leaf;
    }
    static constexpr paddr address(entry_type e, unsigned level) noexcept {
        if (level == 0) {
            if (!(e & l1::section_bit)) return e & l1::table_base::mask;
            return e & ((e & l1::section::supersection) ? l1::supersection::base::mask
                                                         : l1::section::base::mask);
        }
        if (type::get(e) == l2::type_large_page) return e & l2::large_page::base::mask;
        return e & l2::small_page::base::mask;
    }
    static constexpr flags leaf_flags(entry_type e, unsigned level) noexcept {
        if (level == 0) return decode<l1::section>(e);
        if (type::get(e) == l2::type_large_page) return decode<l2::large_page>(e);
        return decode<l2::small_page>(e);
    }
    // B3.5.1: page-table descriptor, domain 0, PXN = NS = 0, base = L2 table address[31:10].
    static constexpr entry_type encode_table(paddr pa, unsigned) noexcept {
        return (entry_type(pa) & l1::table_base::mask) | l1::type_page_table;
    }
    [[gnu::always_inline]]  // (g++ kept it a call in the single-page map: 8 % of its time)
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned level) noexcept {
        f = effective(f);
        return level == 0 ? encode<l1::section>(pa, f) | l1::type_section
                          : encode<l2::small_page>(pa, f) | l2::small_page_bit;
    }

    // TTBR0 (B4.1.154, Multiprocessing Extensions): walks Inner Shareable (S = 1, NOS = 1),
    // inner and outer write-back write-allocate (IRGN = RGN = 0b01).
    static constexpr std::uint32_t ttbr0(paddr root) noexcept {
        return (u32(root) & ttbr::base::mask) | ttbr::IRGN0 | ttbr::NOS |
               ttbr::RGN::encode(ttbr::wbwa) | ttbr::S;
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
