// ptgen/arch/x86_64.hpp: x86-64 4-level and 5-level paging (IA-32e paging, CR4.LA57 = 0 / 1).
// Reference: Intel 64 and IA-32 Architectures Software Developer's Manual, Vol. 3A, chapter 4
// "Paging": 4.5 "4-Level Paging and 5-Level Paging", tables 4-14..4-20 (entry formats, in the
// editions that describe 5-level paging; older editions number them 4-14..4-19 from the PML4E),
// 4.6 "Access Rights", 4.8 "Accessed and Dirty Flags", 4.9.2 "Paging and Memory Typing When the
// PAT is Supported", and the chapter "Memory Cache Control", section "Page Attribute Table (PAT)".
#pragma once

#include <array>
#include <cstdint>

#include "../core/field.hpp"
#include "../core/format.hpp"

namespace ptgen::x86_64 {

// Paging-structure entry bits, SDM Vol. 3A 4.5, tables 4-15 (PML4E), 4-16 (PDPTE, 1 GiB page),
// 4-17 (PDPTE, table), 4-18 (PDE, 2 MiB page), 4-19 (PDE, table), 4-20 (PTE, 4 KiB page).
namespace pte {
inline constexpr std::uint64_t P = bit<0>;    // present
inline constexpr std::uint64_t RW = bit<1>;   // read/write (0: no writes)
inline constexpr std::uint64_t US = bit<2>;   // user/supervisor (1: CPL 3 allowed)
inline constexpr std::uint64_t PWT = bit<3>;  // page-level write-through (4.9.2)
inline constexpr std::uint64_t PCD = bit<4>;  // page-level cache disable (4.9.2)
inline constexpr std::uint64_t A = bit<5>;    // accessed (4.8)
inline constexpr std::uint64_t D = bit<6>;    // dirty, in leaves only (4.8)
inline constexpr std::uint64_t PS = bit<7>;   // page size: PDPTE/PDE maps a page
inline constexpr std::uint64_t PAT_4K = bit<7>;     // PAT bit of a PTE (table 4-20)
inline constexpr std::uint64_t G = bit<8>;          // global, in leaves (CR4.PGE)
inline constexpr std::uint64_t AVL9 = bit<9>;       // ignored in every entry (4-15..4-20)
inline constexpr std::uint64_t PAT_HUGE = bit<12>;  // PAT bit of a 1 GiB/2 MiB page
inline constexpr std::uint64_t XD = bit<63>;  // execute-disable (IA32_EFER.NXE = 1)
// Address: bits 51:12 of a table pointer or a PTE; a 2 MiB / 1 GiB page uses bits 51:21 / 51:30
// of it (bits above MAXPHYADDR are reserved; 52 is the architectural maximum).
using address = field<51, 12>;
}  // namespace pte

// Memory types (4.9.2, and "Memory Cache Control", section "Page Attribute Table (PAT)"): a
// leaf's PAT, PCD and PWT bits pick one of the eight entries PA0..PA7 of IA32_PAT (MSR 277H),
// index = PAT * 4 + PCD * 2 + PWT. The PAT bit of a PTE is bit 7, of a 2 MiB / 1 GiB / 4 MiB
// page bit 12 (the caller says where).
//   device   = PCD|PWT       PA3 = UC  (strong uncacheable, at power-on and in `pat::msr`)
//   uncached = PAT|PCD       PA6 = WC  in `pat::msr` (UC- at power-on: safe if never written)
//   normal   = 0             PA0 = WB
// `uncached` means "normal memory, not cached; reads may be speculated, writes combined": the
// Normal-NC of AArch64 and ARMv7, Svpbmt's NC, LoongArch's WUC, and on x86 WC, which is what
// every other architecture's uncached already is (Linux's pgprot_writecombine on each). The
// kernel writes `pat::msr` to IA32_PAT before loading these tables (PA0..PA5 and PA7 keep
// their power-on values, so firmware's and BIOS tables' PCD/PWT encodings mean what they did).
// Shared by the 32-bit formats (x86_32.hpp), whose entries keep the bits at the same positions.
namespace pat {
// Memory type encodings of a PAT entry (table "Memory Types That Can Be Encoded With PAT").
inline constexpr std::uint64_t UC = 0x00, WC = 0x01, WT = 0x04, WP = 0x05, WB = 0x06,
                               UC_MINUS = 0x07;
constexpr std::uint64_t entry(unsigned index, std::uint64_t type) noexcept {
    return type << (8 * index);
}
// The power-on value (PA0..PA7 = WB, WT, UC-, UC, WB, WT, UC-, UC) with PA6 = WC.
inline constexpr std::uint64_t power_on = 0x0007'0406'0007'0406;
inline constexpr std::uint64_t msr = (power_on & ~entry(6, 0xff)) | entry(6, WC);
inline constexpr unsigned msr_index = 0x277;  // IA32_PAT
}  // namespace pat

template <class E>
constexpr E cache_bits(flags f, E pat_bit) noexcept {
    if (has(f, flags::device)) return E(pte::PCD | pte::PWT);      // PA3
    if (has(f, flags::uncached)) return E(pte::PCD) | pat_bit;     // PA6
    return 0;
}
// Read back: PA3/PA7 (UC) is device; PA2 (UC-, what ptgen wrote before `pat::msr` existed, and
// firmware's usual uncached) and PA6 are uncached; the WB and WT entries are normal memory.
template <class E>
constexpr flags cache_flags(E e) noexcept {
    if ((e & (pte::PCD | pte::PWT)) == (pte::PCD | pte::PWT)) return flags::device;
    if (e & pte::PCD) return flags::uncached;
    return flags::none;
}

// What early boot loads for every x86 format: CR3 and IA32_PAT (pat::msr).
struct cr3_pat_registers {
    std::uint64_t cr3, ia32_pat;
    constexpr std::array<named_register, 2> named() const noexcept {
        return {{{"cr3", cr3}, {"ia32_pat", ia32_pat}}};
    }
};

// CR3 with CR4.PCIDE = 1 (4.5, table 4-13). With CR4.PCIDE = 0 (table 4-12) bits 3/4 are
// PWT/PCD of the PML4 access: PCID 0 leaves them 0 (WB).
namespace cr3_bits {
using PCID = field<11, 0>;
using address = field<51, 12>;  // physical address of the root
}  // namespace cr3_bits

// 4-level paging: PML4 (bits 47:39) -> PDPT (38:30) -> PD (29:21) -> PT (20:12), 512 entries of
// 8 bytes per 4 KiB table at every level. 5-level paging (CR4.LA57 = 1, CPUID.(EAX=07H,
// ECX=0):ECX.LA57[16]) puts a PML5 (bits 56:48) above the PML4; the entries are the same (the
// PML5E has the PML4E's format, table 4-14). Leaves: 1 GiB (PDPTE with PS; needs
// CPUID.80000001H:EDX.Page1GB[26]), 2 MiB (PDE with PS) and 4 KiB (PTE). A PML5E or PML4E
// cannot map a page (its PS bit is reserved).
//
// What the hardware grants beyond the request (effective()), and what the codec assumes:
// - every present page is readable (4.6: there is no "no read" bit), so read is always granted;
// - execute off is encoded as XD, which is a reserved bit (a page fault) unless IA32_EFER.NXE = 1:
//   turn NXE on before loading these tables;
// - write off is enforced on supervisor accesses only with CR0.WP = 1 (assumed);
// - global needs CR4.PGE = 1, else G is ignored (a narrowing of TLB lifetime, not of access);
// - memory types go through the PAT (see cache_bits): device = UC, uncached = WC once the
//   kernel has written `pat_msr` to IA32_PAT (UC- until then), normal memory WB; the MTRRs can
//   make a type stricter, never looser (their default WB covers RAM).
// Table entries are P|RW|US with XD = 0: access rights are the AND (XD: the OR) of every level
// (4.6), so the leaf alone decides.
// A no-access leaf (no read, write or execute asked) is the leaf with P = 0 and bit 9 set: P = 0
// faults on every access and makes the processor ignore bits 63:1 (4.5, figure 4-11 "not
// present" rows), which keep the address, PS and the other attributes.
template <unsigned Levels>
    requires(Levels == 4 || Levels == 5)
struct long_mode {
    using entry_type = std::uint64_t;
    static constexpr const char* name = Levels == 4 ? "x86_64-4level" : "x86_64-5level";
    // 4.5: linear addresses are 48 bits (4-level) or 57 bits (5-level), sign-extended.
    static constexpr unsigned va_bits = Levels == 4 ? 48 : 57;
    static constexpr unsigned pa_bits = 52;  // 4.1.4: MAXPHYADDR is at most 52

    // (PML5, 256 TiB per entry, no pages), PML4 (512 GiB per entry, no pages), PDPT (1 GiB
    // pages, PS = 1), PD (2 MiB pages, PS = 1), PT (4 KiB pages).
    static constexpr auto levels = radix_levels<va_bits, 12, 8>(Levels - 3);
    static constexpr unsigned last_level = Levels - 1;

    // 3.3.7.1 (Vol. 1) / 4.5: bits 63:va_bits-1 must all equal bit va_bits-1 (canonical form).
    static constexpr bool va_valid(vaddr va) noexcept { return is_sign_extended(va, va_bits); }

    static constexpr bool accepts(flags f) noexcept { return flags_well_formed(f); }
    static constexpr flags effective(flags f) noexcept {
        return grants_access(f) ? f | flags::read : f;
    }

    // Table 4-14..4-20: P = 0 is "not present" whatever the other bits hold (for ptgen: empty,
    // or a no-access leaf with bit 9). A PML5E or PML4E never maps a page; a PDPTE or PDE with
    // PS maps one; a PTE always does.
    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        const bool pages_here = levels[level].leaf_allowed;
        if (!(e & pte::P))
            return (e & no_access_mark) && pages_here ? entry_kind::leaf : entry_kind::empty;
        if (level == last_level) return entry_kind::leaf;
        if (pages_here && (e & pte::PS)) return entry_kind::leaf;
        return entry_kind::table;
    }
    // A 1 GiB / 2 MiB page keeps PAT in bit 12, so its address starts at bit 30 / 21.
    static constexpr paddr address(entry_type e, unsigned level) noexcept {
        if (is_huge(e, level)) return e & pte::address::mask & ~low_mask(levels[level].shift);
        return e & pte::address::mask;
    }
    static constexpr flags leaf_flags(entry_type e, unsigned) noexcept {
        flags f = flags::read;
        if (e & pte::RW) f |= flags::write;
        if (!(e & pte::XD)) f |= flags::execute;
        if (!(e & pte::P)) f &= ~permission_bits;  // a no-access leaf
        if (e & pte::US) f |= flags::user;
        if (e & pte::G) f |= flags::global;
        return f | cache_flags(e);
    }
    // Tables 4-15, 4-17, 4-19: permissive pointer, WB access to the next table (PWT = PCD = 0).
    // A is preset in table entries too (4.8: the processor sets it in every paging-structure
    // entry it uses), so walking read-only or compile-time tables never writes them.
    static constexpr entry_type encode_table(paddr pa, unsigned) noexcept {
        return (pa & pte::address::mask) | pte::P | pte::RW | pte::US | pte::A;
    }
    // Tables 4-16, 4-18, 4-20. A and D are preset (4.8) so the processor never writes the entry.
    [[gnu::always_inline]]  // (g++ kept it a call in the single-page map: 8 % of its time)
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned level) noexcept {
        f = effective(f);
        entry_type e = (pa & pte::address::mask) | pte::P | pte::A | pte::D;
        if (level != last_level) e |= pte::PS;
        if (has(f, flags::write)) e |= pte::RW;
        if (has(f, flags::user)) e |= pte::US;
        if (has(f, flags::global)) e |= pte::G;
        if (!has(f, flags::execute)) e |= pte::XD;
        e |= cache_bits<entry_type>(f, level == last_level ? pte::PAT_4K : pte::PAT_HUGE);
        if (!grants_access(f)) e = (e & ~pte::P) | no_access_mark;
        return e;
    }
    static constexpr entry_type no_access_mark = pte::AVL9;

    // CR3 (4.5, tables 4-12/4-13): PML4 (PML5) physical address in 51:12, PCID in 11:0
    // (CR4.PCIDE = 1).
    // Bit 63 (no-flush on a PCID switch) is left 0.
    static constexpr std::uint64_t cr3(paddr root, std::uint16_t pcid = 0) noexcept {
        return (root & cr3_bits::address::mask) | cr3_bits::PCID::encode(pcid);
    }

    // Boot: one root (PML4 or PML5); early boot writes IA32_PAT (pat_msr, see cache_bits) and
    // CR3 (with CR4.PAE, CR4.LA57 for 5-level paging, EFER.LME/NXE, CR0.PG: LA57 can change
    // only while paging is off, 4.1.1).
    static constexpr bool split_roots = false;
    static constexpr std::uint64_t pat_msr = pat::msr;
    using registers = cr3_pat_registers;
    static constexpr registers boot_registers(paddr root, paddr) noexcept {
        return {cr3(root), pat_msr};
    }

private:
    static constexpr bool is_huge(entry_type e, unsigned level) noexcept {
        return levels[level].leaf_allowed && level != last_level && (e & pte::PS);
    }
};

using long_mode_4level = long_mode<4>;
using long_mode_5level = long_mode<5>;

}  // namespace ptgen::x86_64
