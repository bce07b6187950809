// ptgen/arch/x86_64.hpp: x86-64 4-level paging (IA-32e paging with CR4.LA57 = 0).
// Reference: Intel 64 and IA-32 Architectures Software Developer's Manual, Vol. 3A, chapter 4
// "Paging": 4.5 "4-Level Paging and 5-Level Paging", tables 4-14..4-20 (entry formats, in the
// editions that describe 5-level paging; older editions number them 4-14..4-19 from the PML4E),
// 4.6 "Access Rights", 4.8 "Accessed and Dirty Flags", 4.9.2 "Paging and Memory Typing When the
// PAT is Supported", and the chapter "Memory Cache Control", section "Page Attribute Table (PAT)".
#pragma once

#include <array>
#include <cstdint>

#include "../core/format.hpp"

namespace ptgen::x86_64 {

// Paging-structure entry bits, SDM Vol. 3A 4.5, tables 4-15 (PML4E), 4-16 (PDPTE, 1 GiB page),
// 4-17 (PDPTE, table), 4-18 (PDE, 2 MiB page), 4-19 (PDE, table), 4-20 (PTE, 4 KiB page).
namespace pte {
inline constexpr std::uint64_t P = std::uint64_t{1} << 0;    // present
inline constexpr std::uint64_t RW = std::uint64_t{1} << 1;   // read/write (0: no writes)
inline constexpr std::uint64_t US = std::uint64_t{1} << 2;   // user/supervisor (1: CPL 3 allowed)
inline constexpr std::uint64_t PWT = std::uint64_t{1} << 3;  // page-level write-through (4.9.2)
inline constexpr std::uint64_t PCD = std::uint64_t{1} << 4;  // page-level cache disable (4.9.2)
inline constexpr std::uint64_t A = std::uint64_t{1} << 5;    // accessed (4.8)
inline constexpr std::uint64_t D = std::uint64_t{1} << 6;    // dirty, in leaves only (4.8)
inline constexpr std::uint64_t PS = std::uint64_t{1} << 7;   // page size: PDPTE/PDE maps a page
inline constexpr std::uint64_t PAT_4K = std::uint64_t{1} << 7;    // PAT bit of a PTE (table 4-20)
inline constexpr std::uint64_t G = std::uint64_t{1} << 8;         // global, in leaves (CR4.PGE)
inline constexpr std::uint64_t PAT_HUGE = std::uint64_t{1} << 12;  // PAT bit of a 1 GiB/2 MiB page
inline constexpr std::uint64_t AVL9 = std::uint64_t{1} << 9;      // ignored in every entry (4-15..4-20)
inline constexpr std::uint64_t XD = std::uint64_t{1} << 63;  // execute-disable (IA32_EFER.NXE = 1)
// Address fields: 51:12 of a table pointer or a PTE, 51:21 of a 2 MiB page, 51:30 of a 1 GiB page
// (bits above MAXPHYADDR are reserved; 52 is the architectural maximum).
inline constexpr std::uint64_t addr_mask = low_mask(52) & ~low_mask(12);
}  // namespace pte

// CR3 with CR4.PCIDE = 1 (4.5, table 4-13): PML4 address in 51:12, PCID in 11:0. With
// CR4.PCIDE = 0 (table 4-12) bits 3/4 are PWT/PCD of the PML4 access: PCID 0 leaves them 0 (WB).
namespace cr3_bits {
inline constexpr std::uint64_t pcid_mask = low_mask(12);
}  // namespace cr3_bits

// 4-level paging: PML4 (bits 47:39) -> PDPT (38:30) -> PD (29:21) -> PT (20:12), 512 entries of
// 8 bytes per 4 KiB table at every level. Leaves: 1 GiB (PDPTE with PS; needs
// CPUID.80000001H:EDX.Page1GB[26]), 2 MiB (PDE with PS) and 4 KiB (PTE). A PML4E cannot map a
// page (its PS bit is reserved).
//
// What the hardware grants beyond the request (effective()), and what the codec assumes:
// - every present page is readable (4.6: there is no "no read" bit), so read is always granted;
// - execute off is encoded as XD, which is a reserved bit (a page fault) unless IA32_EFER.NXE = 1:
//   turn NXE on before loading these tables;
// - write off is enforced on supervisor accesses only with CR0.WP = 1 (assumed);
// - global needs CR4.PGE = 1, else G is ignored (a narrowing of TLB lifetime, not of access);
// - memory types go through the PAT with PAT = 0 in every entry (4.9.2): with the power-on PAT
//   (PA0..PA3 = WB, WT, UC-, UC) device = PCD|PWT selects PA3 = UC, uncached = PCD selects
//   PA2 = UC-, normal memory selects PA0 = WB. The MTRRs may further restrict UC- (to WC).
//   A kernel that reprograms IA32_PAT must keep entries 0, 2 and 3 as above.
// Table entries are P|RW|US with XD = 0: access rights are the AND (XD: the OR) of every level
// (4.6), so the leaf alone decides.
// A no-access leaf (no read, write or execute asked) is the leaf with P = 0 and bit 9 set: P = 0
// faults on every access and makes the processor ignore bits 63:1 (4.5, figure 4-11 "not
// present" rows), which keep the address, PS and the other attributes.
struct long_mode_4level {
    using entry_type = std::uint64_t;
    static constexpr const char* name = "x86_64-4level";
    static constexpr unsigned va_bits = 48;  // 4.5: linear addresses are 48 bits, sign-extended
    static constexpr unsigned pa_bits = 52;  // 4.1.4: MAXPHYADDR is at most 52

    static constexpr std::array<level_geometry, 4> levels{{
        {39, 9, 8, false, 4096},  // PML4: 512 GiB per entry, no pages
        {30, 9, 8, true, 4096},   // PDPT: 1 GiB pages (PS = 1)
        {21, 9, 8, true, 4096},   // PD:   2 MiB pages (PS = 1)
        {12, 9, 8, true, 4096},   // PT:   4 KiB pages
    }};
    static constexpr unsigned last_level = 3;

    // 3.3.7.1 (Vol. 1) / 4.5: bits 63:47 must all equal bit 47 (canonical form).
    static constexpr bool va_valid(vaddr va) noexcept { return is_sign_extended(va, va_bits); }

    static constexpr bool accepts(flags f) noexcept { return flags_well_formed(f); }
    static constexpr flags effective(flags f) noexcept {
        return grants_access(f) ? f | flags::read : f;
    }

    // Table 4-15..4-20: P = 0 is "not present" whatever the other bits hold (for ptgen: empty,
    // or a no-access leaf with bit 9). A PML4E never maps a page; a PDPTE or PDE with PS maps
    // one; a PTE always does.
    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        if (!(e & pte::P))
            return (e & no_access_mark) && level != 0 ? entry_kind::leaf : entry_kind::empty;
        if (level == last_level) return entry_kind::leaf;
        if (level != 0 && (e & pte::PS)) return entry_kind::leaf;
        return entry_kind::table;
    }
    // A 1 GiB / 2 MiB page keeps PAT in bit 12, so its address starts at bit 30 / 21.
    static constexpr paddr address(entry_type e, unsigned level) noexcept {
        if (is_huge(e, level)) return e & pte::addr_mask & ~low_mask(levels[level].shift);
        return e & pte::addr_mask;
    }
    static constexpr flags leaf_flags(entry_type e, unsigned) noexcept {
        flags f = flags::read;
        if (e & pte::RW) f |= flags::write;
        if (!(e & pte::XD)) f |= flags::execute;
        if (!(e & pte::P)) f &= ~permission_bits;  // a no-access leaf
        if (e & pte::US) f |= flags::user;
        if (e & pte::G) f |= flags::global;
        if ((e & (pte::PCD | pte::PWT)) == (pte::PCD | pte::PWT))
            f |= flags::device;
        else if (e & pte::PCD)
            f |= flags::uncached;
        return f;
    }
    // Tables 4-15, 4-17, 4-19: permissive pointer, WB access to the next table (PWT = PCD = 0).
    // A is preset in table entries too (4.8: the processor sets it in every paging-structure
    // entry it uses), so walking read-only or compile-time tables never writes them.
    static constexpr entry_type encode_table(paddr pa, unsigned) noexcept {
        return (pa & pte::addr_mask) | pte::P | pte::RW | pte::US | pte::A;
    }
    // Tables 4-16, 4-18, 4-20. A and D are preset (4.8) so the processor never writes the entry.
    [[gnu::always_inline]]  // (g++ kept it a call in the single-page map: 8 % of its time)
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned level) noexcept {
        f = effective(f);
        entry_type e = (pa & pte::addr_mask) | pte::P | pte::A | pte::D;
        if (level != last_level) e |= pte::PS;
        if (has(f, flags::write)) e |= pte::RW;
        if (has(f, flags::user)) e |= pte::US;
        if (has(f, flags::global)) e |= pte::G;
        if (!has(f, flags::execute)) e |= pte::XD;
        if (has(f, flags::device))
            e |= pte::PCD | pte::PWT;
        else if (has(f, flags::uncached))
            e |= pte::PCD;
        if (!grants_access(f)) e = (e & ~pte::P) | no_access_mark;
        return e;
    }
    static constexpr entry_type no_access_mark = pte::AVL9;

    // CR3 (4.5, tables 4-12/4-13): PML4 physical address in 51:12, PCID in 11:0 (CR4.PCIDE = 1).
    // Bit 63 (no-flush on a PCID switch) is left 0.
    static constexpr std::uint64_t cr3(paddr root, std::uint16_t pcid = 0) noexcept {
        return (root & pte::addr_mask) | (std::uint64_t{pcid} & cr3_bits::pcid_mask);
    }

    // Boot: one root (PML4); CR3 is all early boot writes (with CR4.PAE, EFER.LME/NXE, CR0.PG).
    static constexpr bool split_roots = false;
    struct registers {
        std::uint64_t cr3;
        constexpr std::array<named_register, 1> named() const noexcept { return {{{"cr3", cr3}}}; }
    };
    static constexpr registers boot_registers(paddr root, paddr) noexcept { return {cr3(root)}; }

private:
    static constexpr bool is_huge(entry_type e, unsigned level) noexcept {
        return level != 0 && level != last_level && (e & pte::PS);
    }
};

}  // namespace ptgen::x86_64
