// ptgen/arch/x86_32.hpp: IA-32 paging in protected mode: 32-bit paging (two levels, CR4.PAE = 0)
// and PAE paging (three levels, CR4.PAE = 1, IA32_EFER.LME = 0).
// Reference: Intel 64 and IA-32 Architectures Software Developer's Manual, Vol. 3A, chapter 4
// "Paging": 4.3 "32-Bit Paging" (figure "Formats of CR3 and Paging-Structure Entries with 32-Bit
// Paging" and the tables "Format of a 32-Bit Page-Directory Entry that Maps a 4-MByte Page",
// "... that References a Page Table", "Format of a 32-Bit Page-Table Entry that Maps a 4-KByte
// Page"), 4.4.1 "PDPTE Registers" (tables "Use of CR3 with PAE Paging", "Format of a PAE
// Page-Directory-Pointer-Table Entry (PDPTE)"), 4.4.2 (the PAE PDE and PTE tables), 4.6 "Access
// Rights", 4.8 "Accessed and Dirty Flags", 4.9.2 (PAT), 4.10.4.1 (what loads the PDPTEs).
#pragma once

#include <array>
#include <cstdint>

#include "../core/field.hpp"
#include "../core/format.hpp"
#include "x86_64.hpp"

namespace ptgen::x86_32 {

// 32-bit paging entries (4.3): the low 12 bits are those of the 64-bit formats (P, R/W, U/S,
// PWT, PCD, A, D, PS, G at the same positions); there is no execute-disable bit.
namespace pte {
inline constexpr std::uint32_t P = bit<0, std::uint32_t>;
inline constexpr std::uint32_t RW = bit<1, std::uint32_t>;
inline constexpr std::uint32_t US = bit<2, std::uint32_t>;
inline constexpr std::uint32_t PWT = bit<3, std::uint32_t>;
inline constexpr std::uint32_t PCD = bit<4, std::uint32_t>;
inline constexpr std::uint32_t A = bit<5, std::uint32_t>;
inline constexpr std::uint32_t D = bit<6, std::uint32_t>;            // leaves only
inline constexpr std::uint32_t PS = bit<7, std::uint32_t>;           // PDE: maps a 4 MiB page
inline constexpr std::uint32_t PAT_4K = bit<7, std::uint32_t>;       // PAT bit of a PTE
inline constexpr std::uint32_t G = bit<8, std::uint32_t>;            // global (CR4.PGE)
inline constexpr std::uint32_t AVL9 = bit<9, std::uint32_t>;         // ignored in every entry
inline constexpr std::uint32_t PAT_4M = bit<12, std::uint32_t>;      // PAT bit of a 4 MiB page
using address = field<31, 12, std::uint32_t>;        // a page table or a 4 KiB frame
using address_4m = field<31, 22, std::uint32_t>;     // PA bits 31:22 of a 4 MiB page
using address_4m_high = field<20, 13, std::uint32_t>;  // PSE-36: PA bits 39:32 (left 0 here)
}  // namespace pte

// 32-bit paging (CR0.PG = 1, CR4.PAE = 0): page directory (bits 31:22) -> page table (21:12),
// 1024 entries of 4 bytes per 4 KiB table. A PDE with PS maps a 4 MiB page (needs CR4.PSE = 1).
//
// What the hardware grants beyond the request (effective()):
// - every present page is readable and executable (4.6: no "no read" bit, and no
//   execute-disable in 32-bit paging), so a writable page is also executable: a layout that asks
//   for rw must say writable_and_executable() to pass boot::verify, which is what the CPU does;
// - write off is enforced on supervisor accesses only with CR0.WP = 1 (assumed);
// - memory types (x86_64::cache_bits: IA32_PAT = pat_msr, which needs CPUID.01H:EDX.PAT[16],
//   every CPU since the Pentium III: without PAT, bit 7 of a PTE and bit 12 of a 4 MiB PDE are
//   reserved) and the no-access leaf (P = 0, bit 9) as in x86_64::long_mode.
// Physical addresses are 32 bits: PSE-36 (PA bits 39:32 in a 4 MiB PDE) is not used.
// Table entries are P|RW|US|A: the leaf alone decides access (4.6).
struct two_level {
    using entry_type = std::uint32_t;
    static constexpr const char* name = "i386-2level";
    static constexpr unsigned va_bits = 32;
    static constexpr unsigned pa_bits = 32;
    static constexpr auto levels = radix_levels<32, 12, 4>(0);  // 4 MiB and 4 KiB pages

    static constexpr bool va_valid(vaddr va) noexcept { return va <= 0xffff'ffff; }
    static constexpr bool accepts(flags f) noexcept { return flags_well_formed(f); }
    static constexpr flags effective(flags f) noexcept {
        return grants_access(f) ? f | flags::read | flags::execute : f;
    }

    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        if (!(e & pte::P)) return (e & no_access_mark) ? entry_kind::leaf : entry_kind::empty;
        if (level == 1 || (e & pte::PS)) return entry_kind::leaf;
        return entry_kind::table;
    }
    static constexpr paddr address(entry_type e, unsigned level) noexcept {
        if (level == 0 && (e & pte::PS)) return e & pte::address_4m::mask;  // bit 12 is PAT
        return e & pte::address::mask;
    }
    static constexpr flags leaf_flags(entry_type e, unsigned) noexcept {
        flags f = flags::read | flags::execute;
        if (e & pte::RW) f |= flags::write;
        if (!(e & pte::P)) f &= ~permission_bits;  // a no-access leaf
        if (e & pte::US) f |= flags::user;
        if (e & pte::G) f |= flags::global;
        return f | x86_64::cache_flags(e);  // PWT and PCD where IA-32e has them
    }
    // "PDE that References a Page Table": A preset (4.8), so walks never write the tables.
    static constexpr entry_type encode_table(paddr pa, unsigned) noexcept {
        return entry_type(pa & pte::address::mask) | pte::P | pte::RW | pte::US | pte::A;
    }
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned level) noexcept {
        f = effective(f);
        entry_type e = level == 0 ? entry_type(pa & pte::address_4m::mask) | pte::PS
                                  : entry_type(pa & pte::address::mask);
        e |= pte::P | pte::A | pte::D;
        if (has(f, flags::write)) e |= pte::RW;
        if (has(f, flags::user)) e |= pte::US;
        if (has(f, flags::global)) e |= pte::G;
        e |= x86_64::cache_bits<entry_type>(f, level == 0 ? pte::PAT_4M : pte::PAT_4K);
        if (!grants_access(f)) e = (e & ~pte::P) | no_access_mark;
        return e;
    }
    static constexpr entry_type no_access_mark = pte::AVL9;

    // CR3 with 32-bit paging: the page directory's address in bits 31:12, PWT = PCD = 0 (WB).
    static constexpr std::uint64_t cr3(paddr root) noexcept { return root & pte::address::mask; }

    // Boot: IA32_PAT (pat_msr), CR3, then CR4.PSE (4 MiB pages) and CR4.PGE, then CR0.PG | CR0.WP.
    static constexpr bool split_roots = false;
    static constexpr std::uint64_t pat_msr = x86_64::pat::msr;
    using registers = x86_64::cr3_pat_registers;
    static constexpr registers boot_registers(paddr root, paddr) noexcept {
        return {cr3(root), pat_msr};
    }
};

// PAE paging (CR0.PG = 1, CR4.PAE = 1, IA32_EFER.LME = 0): a page-directory-pointer table of 4
// PDPTEs (bits 31:30; 32 bytes, 32-byte aligned) -> page directory (29:21) -> page table
// (20:12), 8-byte entries. The PDE and PTE are those of IA-32e paging (4.4.2: the same formats
// as x86_64::long_mode's PD and PT: 2 MiB pages, XD with IA32_EFER.NXE = 1). A PDPTE is not:
// only P, PWT, PCD and the address; bits 2:1 and 8:5 are reserved (a MOV to CR3 with them set in
// a present PDPTE is #GP), and it never maps a page.
//
// The CPU reads the four PDPTEs into registers when CR3 is loaded (4.4.1; INVLPG does not reload
// them): a change of a root entry takes effect at the next full flush (a MOV to CR3 or a toggle
// of CR4.PGE, as invlpg_tlb's flush_all does), which root_entries_latched makes the engine ask
// for. The root must lie below 4 GiB (CR3 holds bits 31:5 of its address).
struct pae {
private:
    using long_mode = x86_64::long_mode<4>;

public:
    using entry_type = std::uint64_t;
    static constexpr const char* name = "i386-pae";
    static constexpr unsigned va_bits = 32;
    static constexpr unsigned pa_bits = 52;  // 4.4: up to MAXPHYADDR, at most 52
    static constexpr auto levels = radix_levels<32, 12, 8>(1);  // 2 MiB and 4 KiB pages
    static constexpr bool root_entries_latched = true;

    static constexpr bool va_valid(vaddr va) noexcept { return va <= 0xffff'ffff; }
    static constexpr bool accepts(flags f) noexcept { return long_mode::accepts(f); }
    static constexpr flags effective(flags f) noexcept { return long_mode::effective(f); }

    // Levels 1 and 2 are long mode's PD and PT (its levels 2 and 3).
    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        if (level == 0) return (e & x86_64::pte::P) ? entry_kind::table : entry_kind::empty;
        return long_mode::kind(e, level + 1);
    }
    static constexpr paddr address(entry_type e, unsigned level) noexcept {
        return long_mode::address(e, level + 1);
    }
    static constexpr flags leaf_flags(entry_type e, unsigned level) noexcept {
        return long_mode::leaf_flags(e, level + 1);
    }
    // "Format of a PAE Page-Directory-Pointer-Table Entry": P and the address only (WB access).
    static constexpr entry_type encode_table(paddr pa, unsigned level) noexcept {
        if (level == 0) return (pa & x86_64::pte::address::mask) | x86_64::pte::P;
        return long_mode::encode_table(pa, level + 1);
    }
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned level) noexcept {
        return long_mode::encode_leaf(pa, f, level + 1);
    }
    static constexpr entry_type no_access_mark = long_mode::no_access_mark;

    // "Use of CR3 with PAE Paging": bits 31:5 hold the PDPT's address, 4:0 are ignored.
    static constexpr std::uint64_t cr3(paddr root) noexcept { return root & 0xffff'ffe0; }

    // Boot: IA32_PAT (pat_msr), CR4.PAE (and PGE), CR3, IA32_EFER.NXE, then CR0.PG | CR0.WP
    // (which loads the PDPTEs).
    static constexpr bool split_roots = false;
    static constexpr std::uint64_t pat_msr = x86_64::pat::msr;
    using registers = x86_64::cr3_pat_registers;
    static constexpr registers boot_registers(paddr root, paddr) noexcept {
        return {cr3(root), pat_msr};
    }
};

}  // namespace ptgen::x86_32
