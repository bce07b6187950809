// ptgen/arch/aarch64_stage1.hpp: the AArch64 VMSAv8-64 stage 1 descriptor codec and geometry,
// for the 4 KiB, 16 KiB and 64 KiB granules and VA sizes of 25 to 48 bits (the regimes that use
// it, with their registers, are in aarch64.hpp), and 52 bits: FEAT_LVA and FEAT_LPA with 64 KiB,
// FEAT_LPA2 (TCR.DS = 1) with 4 KiB and 16 KiB.
// Reference: Arm Architecture Reference Manual for A-profile, DDI 0487 issue K.a:
// D8.2 "Translation table walk" (D8.2.6-D8.2.8: the 4KB, 16KB and 64KB granule walks, their
// starting levels and block sizes), D8.3 "Translation table descriptor formats" (D8.3.1.1 table descriptors, D8.3.1.2 block and
// page descriptors), D8.4.1.2 "Stage 1 Direct permissions", D8.6 "Memory region attributes",
// and the register descriptions of MAIR_ELx, TCR_EL1, TCR_EL2, TTBR0_ELx and SCTLR_ELx.
// (Older issues number the same sections D4.3-D4.5 or D5.3-D5.5.)
#pragma once

#include <array>
#include <cstdint>

#include "../core/field.hpp"
#include "../core/format.hpp"
#include "aarch64_registers.hpp"

namespace ptgen::aarch64 {

// Descriptor bits, D8.3.1 (Table D8-48 descriptor type, Table D8-50 table descriptor fields,
// Table D8-52 stage 1 block and page descriptor fields). Without FEAT_LPA2 (TCR.DS = 0) bits
// 49:48 are RES0 and bits 9:8 hold SH. FEAT_LPA (52-bit OA, 64 KiB granule only) is used when
// the format's PA size is 52: bits 15:12 of a descriptor hold OA[51:48] (D8.3.1.1, D8.3.1.2,
// "OA[51:48]"); with 48 bits they are RES0. FEAT_LPA2 (4 KiB and 16 KiB granules, 52-bit VA or
// PA: TCR.DS = 1) keeps OA[49:12] in place in bits 49:12 and OA[51:50] in bits 9:8, where SH
// was: the shareability of Normal memory then comes from TCR_ELx.SH0/SH1 (inner, see
// aarch64.hpp), as for the table walks.
namespace desc {
inline constexpr std::uint64_t valid = bit<0>;         // D8.3: bit[0], 0 = invalid
inline constexpr std::uint64_t table = bit<1>;         // D8.3: bit[1], table (levels 0-2), page (3)
inline constexpr std::uint64_t type_block = 0b01;      // D8.3 Table D8-48: block levels only
inline constexpr std::uint64_t type_table = 0b11;      // D8.3 Table D8-48: all but the last level
inline constexpr std::uint64_t type_page = 0b11;       // D8.3 Table D8-48: the last level
using AttrIndx = field<4, 2>;                          // D8.3.1.2: MAIR_ELx attribute index
inline constexpr std::uint64_t NS = bit<5>;            // D8.3.1.2: non-secure (unused: 0)
inline constexpr std::uint64_t AP1 = bit<6>;           // D8.3.1.2: AP[1], EL0 access (RES1 at EL2)
inline constexpr std::uint64_t AP2 = bit<7>;           // D8.3.1.2: AP[2], read-only
using SH = field<9, 8>;                                // D8.3.1.2: shareability
inline constexpr std::uint64_t sh_inner = 0b11;        // D8.6: Inner Shareable
inline constexpr std::uint64_t AF = bit<10>;           // D8.3.1.2: access flag
inline constexpr std::uint64_t nG = bit<11>;           // D8.3.1.2: not global (RES0 at EL2)
// D8.3.1: output address / next-level table address, kept in place: bits 47:n for a granule of
// 2^n bytes (and a block's own alignment above that).
using OA = field<47, 12>;
using OA_51_48 = field<15, 12>;                        // FEAT_LPA, 64 KiB granule: OA[51:48]
using OA_49_12 = field<49, 12>;                        // FEAT_LPA2 (DS = 1): OA[49:12] in place
using OA_51_50 = field<9, 8>;                          // FEAT_LPA2 (DS = 1): OA[51:50]
inline constexpr std::uint64_t contiguous = bit<52>;   // D8.3.1.2, D8.7.1: Contiguous
inline constexpr std::uint64_t PXN = bit<53>;          // D8.3.1.2: privileged XN (EL1&0)
inline constexpr std::uint64_t UXN = bit<54>;          // D8.3.1.2: unprivileged XN (EL1&0)
inline constexpr std::uint64_t XN = bit<54>;           // D8.3.1.2: XN (one-EL regimes)
using SW = field<58, 55>;                              // D8.3.1.2: reserved for software use
inline constexpr std::uint64_t SW55 = bit<SW::lo>;     // SW's low bit: ptgen's no-access mark
}  // namespace desc

// MAIR_ELx attribute encodings (D8.6, MAIR_ELx Attr<n> in bits 8n+7:8n) and the index each flag
// selects.
namespace mair_attr {
template <unsigned N>
using Attr = field<8 * N + 7, 8 * N>;
inline constexpr std::uint64_t device_nGnRE = 0x04;  // Device-nGnRE
inline constexpr std::uint64_t normal_wb = 0xff;     // Normal, inner/outer WB non-transient RW-alloc
inline constexpr std::uint64_t normal_nc = 0x44;     // Normal, inner/outer non-cacheable
inline constexpr unsigned device_index = 0;          // flags::device
inline constexpr unsigned normal_index = 1;          // default memory
inline constexpr unsigned uncached_index = 2;        // flags::uncached
}  // namespace mair_attr


// Which stage 1 translation regime the tables serve.
enum class regime : unsigned char {
    el1_el0,  // EL1&0: two privilege levels, ASIDs, TTBR0_EL1 and TTBR1_EL1
    el2,      // EL2 with HCR_EL2.E2H = 0: one privilege level, no ASID, TTBR0_EL2 only
};

// The codec shared by both regimes, for a granule of 2^GranuleShift bytes and an input address
// of VaBits bits (TnSZ = 64 - VaBits). Every table below the root is one granule of 8-byte
// entries, so each level resolves GranuleShift - 3 bits (9, 11, 13); the root resolves what
// remains and is as small as that needs, 64-byte aligned at least (TTBR BADDR). D8.2: the 4 KiB
// granule with 48 bits walks 4 levels (VA[47:39], [38:30], [29:21], [20:12]), with 39 bits 3;
// 16 KiB with 47 bits 3 levels of 11 bits ([46:36], [35:25], [24:14]), with 48 bits 4 (a
// 2-entry root); 64 KiB with 48 bits 3 levels ([47:42], [41:29], [28:16]), with 42 bits 2.
// Blocks without FEAT_LPA/LPA2: 1 GiB and 2 MiB (4 KiB granule), 32 MiB (16 KiB), 512 MiB
// (64 KiB); pages of one granule at the last level. With FEAT_LPA2 (4 KiB and 16 KiB with a
// 52-bit VA or PA, TCR.DS = 1) 512 GiB blocks at level 0 (4 KiB) and 64 GiB at level 1 (16 KiB),
// and a 52-bit VA adds a level: 4 KiB walks 5 levels from a 16-entry level -1 table (VA[51:48]),
// 16 KiB 4 levels from a 32-entry level 0 (D8.2.6, D8.2.7). With the 64 KiB granule a PA size of 52
// bits means FEAT_LPA: 4 TiB blocks at level 1 too, OA[51:48] in bits 15:12 of every
// descriptor, and a VA size of 52 bits (FEAT_LVA, TnSZ = 12) makes the root 1024 entries, 8 KiB
// (D8.2.8).
//
// Every leaf is written with AF = 1 (no access-flag fault, TCR.HA not needed), NS = 0, and the
// Contiguous bit where the engine marks a run (contiguous_entries below). Memory type through
// AttrIndx (see `mair`): device = Device-nGnRE, uncached = Normal non-cacheable, otherwise Normal
// write-back. SH = Inner Shareable for Normal memory (with FEAT_LPA2 from TCR); for Device
// memory SH is 0b00, as the field is ignored there (D8.6: Device memory is Outer Shareable).
//
// Flags the format widens (effective()):
// - read: a valid descriptor always grants PrivRead (D8.4.1.2.1 Tables D8-62 and D8-63): there
//   is no write-only or execute-only encoding (FEAT_S1PIE is not used). PSTATE.PAN may still
//   deny EL1 access to user pages at run time; that is a CPU state, not an entry property.
// - EL1&0, user: an EL0 page is accessible at EL1 with the same read/write permission (AP[1]
//   only adds EL0 access), and is never executable at EL1 (PXN is set; D8.4.1.2.3 also removes
//   PrivExecute from any EL0-writable page). flags::execute on a user page means EL0 execute.
// - EL2: user is refused (no EL0 in this regime, AP[1] is RES1); every entry is global (nG is
//   RES0, there is no ASID), so effective() adds global.
//
// A no-access leaf (no AP encoding has no access) is the block or page descriptor with bit[0] = 0
// and software bit 55 set: D8.3 (Table D8-48), bit[0] = 0 is invalid (a Translation fault) and
// bits[63:1] are IGNORED: they keep the output address, bit[1] (block/page), the attributes.
template <regime R, unsigned GranuleShift = 12, unsigned VaBits = 48, unsigned PaBits = 48>
    requires((GranuleShift == 12 || GranuleShift == 14 || GranuleShift == 16) && VaBits >= 25 &&
             (VaBits <= 48 || VaBits == 52) &&
             (PaBits == 32 || PaBits == 36 || PaBits == 40 || PaBits == 42 || PaBits == 44 ||
              PaBits == 48 || PaBits == 52))
struct stage1 {
    using entry_type = std::uint64_t;
    static constexpr bool two_privilege_levels = R == regime::el1_el0;
    static constexpr unsigned granule_shift = GranuleShift;
    static constexpr unsigned va_bits = VaBits;  // T0SZ (and T1SZ) = 64 - VaBits
    static constexpr unsigned pa_bits = PaBits;  // TCR IPS / PS; OA[PaBits-1:granule]

    static constexpr bool lpa = PaBits == 52 && GranuleShift == 16;  // OA[51:48] in bits 15:12
    // FEAT_LPA2, TCR.DS = 1: OA[51:50] in descriptor bits 9:8 (4 KiB and 16 KiB granules)
    static constexpr bool lpa2 = GranuleShift != 16 && (VaBits == 52 || PaBits == 52);
    // The largest block (D8.3.1.2): 1 GiB, 32 MiB, 512 MiB; 4 TiB with FEAT_LPA (64 KiB),
    // 512 GiB and 64 GiB with FEAT_LPA2 (4 KiB, 16 KiB).
    static constexpr unsigned largest_block_shift = GranuleShift == 12 ? (lpa2 ? 39 : 30)
                                                    : GranuleShift == 14 ? (lpa2 ? 36 : 25)
                                                    : lpa                ? 42
                                                                         : 29;
    static constexpr auto levels = [] {
        auto ls = radix_levels<VaBits, GranuleShift, 8>(0);
        for (auto& l : ls) l.leaf_allowed = l.shift <= largest_block_shift;
        if (ls[0].table_align < 64) ls[0].table_align = 64;  // TTBR BADDR: 64-byte aligned
        return ls;
    }();
    static constexpr unsigned last_level = unsigned(levels.size() - 1);

    // EL1&0: the TTBR0 region is [0, 2^VaBits) and the TTBR1 region [2^64 - 2^VaBits, 2^64):
    // bits 63:VaBits all zero or all one. One table may serve either TTBR. EL2 without E2H has
    // one VA range, translated through TTBR0_EL2: bits 63:VaBits must be zero.
    static constexpr bool va_valid(vaddr va) noexcept {
        const std::uint64_t top = va >> va_bits;
        if constexpr (two_privilege_levels) return top == 0 || top == (~std::uint64_t{0} >> va_bits);
        else return top == 0;
    }

    static constexpr bool accepts(flags f) noexcept {
        if constexpr (two_privilege_levels) return flags_well_formed(f);
        else return flags_well_formed(f) && !has(f, flags::user);
    }
    static constexpr flags effective(flags f) noexcept {
        if (grants_access(f)) f |= flags::read;
        if constexpr (!two_privilege_levels) f |= flags::global;
        return f;
    }

    // D8.3 Table D8-48. bits[1:0] = 0b01 is a block where blocks are allowed; above (level 0 of
    // the 4 KiB granule, level 1 of the others, without LPA/LPA2) it faults, and at the last
    // level it is reserved and treated as invalid: empty there.
    // bit[0] = 0 is empty, or a no-access leaf where blocks or pages are allowed.
    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        if (e & desc::valid) [[likely]] {
            if (level == last_level) return (e & desc::table) ? entry_kind::leaf : entry_kind::empty;
            if (e & desc::table) return entry_kind::table;
            return levels[level].leaf_allowed ? entry_kind::leaf : entry_kind::empty;
        }
        return (e & no_access_mark) && levels[level].leaf_allowed ? entry_kind::leaf : entry_kind::empty;
    }
    // D8.3.1.1: NLTA[47:granule]; D8.3.1.2: OA[47:block size] of a block, OA[47:granule]
    // (and [51:48] from bits 15:12 with FEAT_LPA; with FEAT_LPA2 [49:granule] in place and
    // [51:50] from bits 9:8).
    static constexpr paddr address(entry_type e, unsigned level) noexcept {
        const bool block = level < last_level && !(e & desc::table);  // (valid or no-access)
        const paddr pa = e & output_mask(block ? level : last_level);
        if constexpr (lpa) return pa | (desc::OA_51_48::get(e) << 48);
        else if constexpr (lpa2) return pa | (desc::OA_51_50::get(e) << 50);
        else return pa;
    }
    static constexpr flags leaf_flags(entry_type e, unsigned) noexcept {
        flags f = flags::read;
        if (!(e & desc::AP2)) f |= flags::write;
        const unsigned index = unsigned(desc::AttrIndx::get(e));
        if (index == mair_attr::device_index) f |= flags::device;
        if (index == mair_attr::uncached_index) f |= flags::uncached;
        if constexpr (two_privilege_levels) {
            const bool user = (e & desc::AP1) != 0;
            if (user) f |= flags::user;
            if (!(e & (user ? desc::UXN : desc::PXN))) f |= flags::execute;
            if (!(e & desc::nG)) f |= flags::global;
        } else {
            if (!(e & desc::XN)) f |= flags::execute;
            f |= flags::global;
        }
        if (!(e & desc::valid)) f &= ~permission_bits;  // a no-access leaf
        return f;
    }
    // D8.3.1.1: next-level attributes (PXNTable, UXNTable, APTable, NSTable) are left 0, so a
    // table never limits what its leaves grant.
    static constexpr entry_type encode_table(paddr pa, unsigned) noexcept {
        return (pa & oa_mask) | high_oa(pa) | desc::type_table;
    }
    [[gnu::always_inline]]  // (g++ kept it a call in the single-page map: 8 % of its time)
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned level) noexcept {
        f = effective(f);
        entry_type e = (pa & output_mask(level)) | high_oa(pa) | desc::AF |
                       (level == last_level ? desc::type_page : desc::type_block);
        unsigned index = mair_attr::normal_index;
        if (has(f, flags::device)) index = mair_attr::device_index;
        if (has(f, flags::uncached)) index = mair_attr::uncached_index;
        e |= desc::AttrIndx::encode(index);
        if constexpr (!lpa2) {  // (with DS = 1 bits 9:8 are OA[51:50]; SH is TCR's)
            if (!has(f, flags::device)) e |= desc::SH::encode(desc::sh_inner);
        }
        if (!has(f, flags::write)) e |= desc::AP2;
        if constexpr (two_privilege_levels) {
            if (has(f, flags::user)) {
                e |= desc::AP1 | desc::PXN;                       // EL0 page: never EL1 code
                if (!has(f, flags::execute)) e |= desc::UXN;
            } else {
                e |= desc::UXN;                                   // EL1 page: never EL0 code
                if (!has(f, flags::execute)) e |= desc::PXN;
            }
            if (!has(f, flags::global)) e |= desc::nG;
        } else {
            e |= desc::AP1;                                       // RES1 (D8.4.1.2.1)
            if (!has(f, flags::execute)) e |= desc::XN;
        }
        if (!grants_access(f)) e = (e & ~desc::valid) | no_access_mark;
        return e;
    }
    static constexpr entry_type no_access_mark = desc::SW55;

    // D8.7.1 "The Contiguous bit": a TLB may hold N adjacent, N-aligned entries that all set
    // it as one translation. N is 16 at levels 2 and 3 with the 4 KiB granule (32 MiB and
    // 64 KiB), 32 and 128 with 16 KiB (1 GiB, 2 MiB), 32 and 32 with 64 KiB (16 GiB, 2 MiB);
    // level 1 of the 4 KiB granule is left out (Linux does not use it either), as are
    // FEAT_LPA's level-1 blocks. Arm's last level is level 3 at every granule and VA size.
    static constexpr std::size_t contiguous_entries(unsigned level) noexcept {
        if (level == last_level) return GranuleShift == 12 ? 16 : GranuleShift == 14 ? 128 : 32;
        if (level + 1 == last_level && levels[level].leaf_allowed) return GranuleShift == 12 ? 16 : 32;
        return 1;
    }
    static constexpr bool contiguous(entry_type e, unsigned) noexcept {
        return (e & desc::contiguous) != 0;
    }
    // (a marked descriptor keeps its own output address)
    static constexpr entry_type with_contiguous(entry_type e, unsigned, bool on, paddr) noexcept {
        return on ? (e | desc::contiguous) : (e & ~desc::contiguous);
    }

    // MAIR_ELx: Attr0 = Device-nGnRE, Attr1 = Normal WB, Attr2 = Normal NC (see mair_attr).
    static constexpr std::uint64_t mair =
        mair_attr::Attr<mair_attr::device_index>::encode(mair_attr::device_nGnRE) |
        mair_attr::Attr<mair_attr::normal_index>::encode(mair_attr::normal_wb) |
        mair_attr::Attr<mair_attr::uncached_index>::encode(mair_attr::normal_nc);
    // SCTLR_ELx: set M, C, I to turn on translation and caches; clear WXN (bit 19, "write
    // implies XN"), which would make every writable page execute-never whatever the tables say.
    // Write SCTLR_ELx = (SCTLR_ELx | sctlr_set) & ~sctlr_clear, then ISB.
    static constexpr std::uint64_t sctlr_mmu_bits = sctlr::M | sctlr::C | sctlr::I;
    static constexpr std::uint64_t sctlr_set = sctlr_mmu_bits;
    static constexpr std::uint64_t sctlr_clear = sctlr::WXN;

    // A root's address in TTBR_ELx: BADDR in bits 47:1 (the root is 64-byte aligned at least);
    // with a 52-bit PA (FEAT_LPA, or FEAT_LPA2 and TCR.DS = 1), PA[51:48] of the root in TTBR
    // bits 5:2 (the TTBR_ELx descriptions).
    static constexpr std::uint64_t ttbr_address(paddr root) noexcept {
        const std::uint64_t low = root & ttbr_reg::BADDR::mask;
        if constexpr (PaBits == 52) return low | ttbr_reg::BADDR_51_48::encode(field<51, 48>::get(root));
        else return low;
    }

  private:
    static constexpr std::uint64_t oa_mask = lpa2 ? desc::OA_49_12::mask : desc::OA::mask;
    static constexpr std::uint64_t output_mask(unsigned level) noexcept {
        return oa_mask & ~low_mask(levels[level].shift);
    }
    static constexpr std::uint64_t high_oa(paddr pa) noexcept {
        if constexpr (lpa) return desc::OA_51_48::encode(field<51, 48>::get(pa));
        else if constexpr (lpa2) return desc::OA_51_50::encode(field<51, 50>::get(pa));
        else return 0;
    }
};

}  // namespace ptgen::aarch64
