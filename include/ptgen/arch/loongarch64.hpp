// ptgen/arch/loongarch64.hpp: LoongArch64 4-level page tables walked by LDDIR/LDPTE (or by the
// hardware page-table walker of newer cores).
// Reference: LoongArch Reference Manual, Volume 1: Basic Architecture (v1.10):
// 5.4 "Page Table Mapping Storage Management" (TLB entry format, "Multi-level Page Table
// Structure Supported by Page Walking"), "Memory Access Types" (MAT), 4.2.5 LDDIR / LDPTE, and the
// CSRs of 7.5: TLBELO0/1 and TLBRELO0/1 (entry format), PGDL/PGDH, PWCL, PWCH, STLBPS, TLBREHI.
// (Anchors in LoongArch-Vol1-EN.html: #tlb-refill-exception-entry-low-order-bits,
// #section-multi-level-page-table-structure-supported-by-page-walking,
// #page-walk-controller-for-lower-half-address-space, #section-memory-access-types.)
#pragma once

#include <array>
#include <cstdint>

#include "../core/field.hpp"
#include "../core/format.hpp"

namespace ptgen::loongarch64 {

// Page-table entry bits: the TLBELO / TLBRELO layout (7.5, LA64), which LDPTE loads unchanged,
// plus the directory-entry bits LDDIR interprets (4.2.5, 5.4).
namespace pte {
inline constexpr std::uint64_t V = bit<0>;  // valid
inline constexpr std::uint64_t D = bit<1>;  // dirty: stores allowed (TLB view)
using PLV = field<3, 2>;                    // privilege level
using MAT = field<5, 4>;                    // memory access type
inline constexpr std::uint64_t G = bit<6>;        // global (4 KiB page entry)
inline constexpr std::uint64_t HUGE = bit<6>;     // huge page (directory entry)
inline constexpr std::uint64_t P = bit<7>;        // present (hardware walker)
inline constexpr std::uint64_t W = bit<8>;        // writable (hardware walker)
// Not in the manual's entry: bits 11:9 are no field of TLBELO/TLBRELO (7.5) nor of the hardware
// walker; ptgen marks a no-access leaf with bit 10.
inline constexpr std::uint64_t SW_NO_ACCESS = bit<10>;
inline constexpr std::uint64_t HGLOBAL = bit<12>;  // global (huge page entry)
using LEVEL = field<14, 13>;  // huge level, written by LDDIR in rd
inline constexpr std::uint64_t NR = bit<61>;    // no read (loads fault)
inline constexpr std::uint64_t NX = bit<62>;    // no execute (fetches fault)
inline constexpr std::uint64_t RPLV = bit<63>;  // restricted PLV (== PLV only)
// PPN: physical address bits [PALEN-1:12], kept in place; PALEN = 48 here.
using PPN = field<47, 12>;
// Not in the manual: a software mark in every directory entry that points to a table, so that a
// table at physical address 0 is not an all-zero (empty) entry. LDDIR and the hardware walker use
// only bits [PALEN-1:12] of a non-huge directory entry; Linux relies on this by storing kernel
// virtual addresses (DMW window 0x9000..., bits 63 and 60 set) in its directory entries.
inline constexpr std::uint64_t SW_TABLE = bit<60>;
}  // namespace pte

// MAT values ("Memory Access Types"; 3 is reserved).
namespace mat {
inline constexpr std::uint64_t SUC = 0;  // strongly-ordered uncached: device
inline constexpr std::uint64_t CC = 1;   // coherent cached: normal memory
inline constexpr std::uint64_t WUC = 2;  // weakly-ordered uncached: uncached
}  // namespace mat

inline constexpr std::uint64_t PLV_user = 3;  // PLV3: the least privileged level

// CSR.PWCL (CSR 0x1C, 7.5): page walk controller for the lower half address space. A width of
// 0 means no such level.
namespace pwcl {
using PTbase = field<4, 0, std::uint32_t>;       // start bit of the last-level (PT) index
using PTwidth = field<9, 5, std::uint32_t>;      // PT index bits
using Dir1_base = field<14, 10, std::uint32_t>;  // start bit of the Dir1 index
using Dir1_width = field<19, 15, std::uint32_t>;
using Dir2_base = field<24, 20, std::uint32_t>;
using Dir2_width = field<29, 25, std::uint32_t>;
using PTEWidth = field<31, 30, std::uint32_t>;   // entry size: 0 = 64 bits
}  // namespace pwcl

// CSR.PWCH (CSR 0x1D, 7.5): page walk controller for the higher half address space.
namespace pwch {
using Dir3_base = field<5, 0, std::uint32_t>;
using Dir3_width = field<11, 6, std::uint32_t>;
using Dir4_base = field<17, 12, std::uint32_t>;
using Dir4_width = field<23, 18, std::uint32_t>;
inline constexpr std::uint32_t HPTW_En = bit<24, std::uint32_t>;  // hardware walker (CPUCFG.2.HPTW)
}  // namespace pwch

// CSR.CRMD (CSR 0x0, 7.4.1 "Current Mode Information"): translation mode. Mapped mode is
// DA = 0, PG = 1; with PG = 1 the manual asks for DATF = DATM = 0b01 (coherent cached: the
// memory type of fetches and loads/stores during a TLB refill's direct accesses).
namespace crmd {
inline constexpr std::uint64_t DA = bit<3>;  // direct address translation
inline constexpr std::uint64_t PG = bit<4>;  // mapped address translation
using DATF = field<6, 5>;                    // fetch type in DA mode
using DATM = field<8, 7>;                    // load/store type in DA mode
}  // namespace crmd

// STLBPS (CSR 0x1E) and TLBREHI (CSR 0x8E), 7.5: PS, the page size of the STLB and of the
// entry a TLB refill writes (LDPTE overwrites TLBREHI.PS for a huge page).
using PS = field<5, 0>;

// Four levels: Dir3 (VA 47:39, the root, LDDIR level 3) -> Dir2 (38:30, level 2) -> Dir1 (29:21,
// level 1) -> PT (20:12, LDPTE), 512 entries of 8 bytes per 4 KiB table. Leaves: 4 KiB in the PT,
// and huge pages of 1 GiB in Dir2 and 2 MiB in Dir1 (HUGE set, global in HGLOBAL, address from
// bit 30 / 21). The TLB holds a huge page as two halves (PS 29 / 20): CSR.PRCFG2 must list them.
//
// Entries:
// - empty: 0. With LDDIR refill an empty directory entry reads as "next table at physical address
//   0": the refill handler must test for 0 after each LDDIR (Linux instead points empty entries at
//   a zero-filled table). LDDIR may return only bits [PALEN-1:0] (QEMU does), so SW_TABLE is
//   not visible to that test: on such targets keep frame 0 out of the table allocator;
// - table: the table's physical address | SW_TABLE (HUGE = 0, low 12 bits 0, as LDDIR ORs the
//   index into them);
// - leaf: V and P set; write sets W and D (D is the store permission of the TLB, W that of the
//   hardware walker), so a read-only page has D = 0 and a writable one is written already dirty;
//   read off sets NR, execute off sets NX; user sets PLV = 3 (RPLV = 0: PLV0 keeps access);
//   MAT = CC, SUC for device, WUC for uncached.
// effective(f) == f: every combination of read, write and execute is expressible, provided the
// core implements NR and NX (CPUCFG.1 RI and EP).
// - no-access leaf (no read, write or execute asked): the leaf with V = P = W = D = 0, NR and NX
//   set and SW_NO_ACCESS: a TLB entry with V = 0 raises a page-invalid exception (PIL, PIS or
//   PIF) on every access (5.4), and the hardware walker treats P = 0 as not present. PLV, MAT,
//   G/HGLOBAL, HUGE and the address stay as a leaf holds them.
// A TLB entry maps an even/odd pair of 4 KiB pages with one G bit (7.5, TLBELO0/TLBELO1: the
// entry is global only when G is set in both halves; the refill loads both PTEs). The engine
// keeps the partner of a lone global page at G alone (V = P = 0: not present, as Linux does),
// and query/translate report global only when both halves carry G (pair_flags). Keep global
// and non-global pages in different 8 KiB-aligned pairs.
struct la64_4level {
    using entry_type = std::uint64_t;
    static constexpr const char* name = "loongarch64-4level";
    static constexpr unsigned va_bits = 48;  // VALEN: bits 63:48 must equal bit 47
    static constexpr unsigned pa_bits = 48;  // PALEN

    // Dir3 (the root), Dir2 (1 GiB huge pages), Dir1 (2 MiB huge pages), PT (4 KiB pages).
    static constexpr auto levels = radix_levels<va_bits, 12, 8>(1);
    static constexpr unsigned last_level = 3;

    // 5.2 (mapped address translation): bits 63:VALEN must equal bit VALEN-1, else ADE.
    static constexpr bool va_valid(vaddr va) noexcept { return is_sign_extended(va, va_bits); }

    static constexpr bool accepts(flags f) noexcept { return flags_well_formed(f); }
    static constexpr flags effective(flags f) noexcept { return f; }

    // A non-zero directory entry is a huge page when HUGE is set (LDDIR's test) and a table
    // otherwise; the root holds no huge pages here. A PT entry maps a page when V or P is set, or is a no-access leaf.
    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        if (level == last_level)
            return (e & (pte::V | pte::P | pte::SW_NO_ACCESS)) ? entry_kind::leaf
                                                                : entry_kind::empty;
        if (e == 0) return entry_kind::empty;
        if (e & pte::HUGE) return levels[level].leaf_allowed ? entry_kind::leaf : entry_kind::empty;
        return entry_kind::table;
    }
    static constexpr paddr address(entry_type e, unsigned level) noexcept {
        if (is_huge(e, level)) return e & pte::PPN::mask & ~low_mask(levels[level].shift);
        return e & pte::PPN::mask;
    }
    static constexpr flags leaf_flags(entry_type e, unsigned level) noexcept {
        flags f = flags::none;
        if (!(e & pte::NR)) f |= flags::read;
        if (e & (pte::W | pte::D)) f |= flags::write;
        if (!(e & pte::NX)) f |= flags::execute;
        if (pte::PLV::get(e) == PLV_user) f |= flags::user;
        if (e & (is_huge(e, level) ? pte::HGLOBAL : pte::G)) f |= flags::global;
        const std::uint64_t m = pte::MAT::get(e);
        if (m == mat::SUC) f |= flags::device;
        if (m == mat::WUC) f |= flags::uncached;
        return f;
    }
    static constexpr entry_type encode_table(paddr pa, unsigned) noexcept {
        return (pa & pte::PPN::mask) | pte::SW_TABLE;
    }
    [[gnu::always_inline]]  // (g++ kept it a call in the single-page map: 8 % of its time)
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned level) noexcept {
        f = effective(f);
        const bool huge = level != last_level;
        entry_type e = (pa & pte::PPN::mask & ~low_mask(levels[level].shift)) | pte::V | pte::P;
        if (has(f, flags::write)) e |= pte::W | pte::D;
        if (!has(f, flags::read)) e |= pte::NR;
        if (!has(f, flags::execute)) e |= pte::NX;
        if (has(f, flags::user)) e |= pte::PLV::encode(PLV_user);
        const std::uint64_t m = has(f, flags::device)     ? mat::SUC
                                : has(f, flags::uncached) ? mat::WUC
                                                          : mat::CC;
        e |= pte::MAT::encode(m);
        if (huge) e |= pte::HUGE;
        if (has(f, flags::global)) e |= huge ? pte::HGLOBAL : pte::G;
        if (!grants_access(f)) e = (e & ~(pte::V | pte::P)) | pte::SW_NO_ACCESS;
        return e;
    }

    // The even/odd PTE pair of a TLB entry (see above): the empty partner of a global page
    // carries G alone; a page is global in the TLB only when its partner carries G too.
    static constexpr entry_type pair_filler(entry_type partner) noexcept { return partner & pte::G; }
    static constexpr flags pair_flags(flags own, entry_type partner) noexcept {
        return (partner & pte::G) ? own : own & ~flags::global;
    }

    // PGDL (CSR 0x19) / PGDH (CSR 0x1A), 7.5: Base in bits 63:12, the root for VA[47] = 0 / 1.
    // A run-time table (root_half::both) serves both halves with one root (its entries 0..255 /
    // 256..511): pass it to both. Boot images have one root per half (split_roots).
    static constexpr std::uint64_t pgd(paddr root) noexcept { return root & ~low_mask(12); }

    // PWCL/PWCH for this geometry: PT 12/9, Dir1 21/9, Dir2 30/9, Dir3 39/9, no Dir4, 64-bit
    // entries. hardware_walk sets PWCH.HPTW_En (only on cores with CPUCFG.2.HPTW).
    static constexpr std::uint32_t pwcl() noexcept {
        return pwcl::PTbase::encode(levels[3].shift) | pwcl::PTwidth::encode(levels[3].index_bits) |
               pwcl::Dir1_base::encode(levels[2].shift) |
               pwcl::Dir1_width::encode(levels[2].index_bits) |
               pwcl::Dir2_base::encode(levels[1].shift) |
               pwcl::Dir2_width::encode(levels[1].index_bits) | pwcl::PTEWidth::encode(0);
    }
    static constexpr std::uint32_t pwch(bool hardware_walk = false) noexcept {
        return pwch::Dir3_base::encode(levels[0].shift) |
               pwch::Dir3_width::encode(levels[0].index_bits) | pwch::Dir4_base::encode(0) |
               pwch::Dir4_width::encode(0) | (hardware_walk ? pwch::HPTW_En : 0);
    }
    // STLBPS.PS and TLBREHI.PS: 4 KiB pages.
    static constexpr std::uint32_t stlbps() noexcept { return std::uint32_t(PS::encode(levels[3].shift)); }
    static constexpr std::uint64_t tlbrehi() noexcept { return PS::encode(levels[3].shift); }

    // CRMD: csrxchg crmd_value, crmd_mask, CSR.CRMD turns mapped translation on (PG = 1, DA = 0,
    // DATF = DATM = CC) and leaves PLV, IE and WE as they are.
    static constexpr std::uint64_t crmd_value =
        crmd::PG | crmd::DATF::encode(mat::CC) | crmd::DATM::encode(mat::CC);
    static constexpr std::uint64_t crmd_mask =
        crmd::DA | crmd::PG | crmd::DATF::mask | crmd::DATM::mask;

    // Boot: PGDL serves addresses with VA bit 47 clear, PGDH those with it set: one root each.
    // Direct mapping windows (DMW0-3) translate before the page tables: a window whose VSEG
    // (VA 63:60) covers a mapped region hides it, so keep them off (0) or outside the layout.
    static constexpr bool split_roots = true;
    struct registers {
        std::uint64_t pgdl, pgdh;
        std::uint32_t pwcl, pwch, stlbps;
        std::uint64_t crmd_value, crmd_mask;  // csrxchg crmd_value, crmd_mask, CSR.CRMD
        constexpr std::array<named_register, 7> named() const noexcept {
            return {{{"pgdl", pgdl}, {"pgdh", pgdh}, {"pwcl", pwcl}, {"pwch", pwch},
                     {"stlbps", stlbps}, {"crmd_value", crmd_value}, {"crmd_mask", crmd_mask}}};
        }
    };
    static constexpr registers boot_registers(paddr low, paddr high) noexcept {
        return {pgd(low), pgd(high), pwcl(), pwch(), stlbps(), crmd_value, crmd_mask};
    }

private:
    static constexpr bool is_huge(entry_type e, unsigned level) noexcept {
        return level != last_level && (e & pte::HUGE);
    }
};

}  // namespace ptgen::loongarch64
