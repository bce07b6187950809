// ptgen/arch/riscv.hpp: RISC-V Sv32, Sv39, Sv48 and Sv57 page tables.
// Reference: The RISC-V Instruction Set Manual, Volume II: Privileged Architecture
// (20211203), section 4.3 "Sv32", 4.4 "Sv39", 4.5 "Sv48", 4.6 "Sv57", 3.1.18 "menvcfg", and
// the chapters "Svpbmt" Standard Extension for Page-Based Memory Types and "Svnapot" Standard
// Extension for NAPOT Translation Contiguity, Version 1.0 each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/field.hpp"
#include "../core/format.hpp"

namespace ptgen::riscv {

// PTE fields, Privileged spec 4.3.1 figure 4.18 (Sv32) and 4.4.1 figure 4.21 (Sv39).
namespace pte {
inline constexpr std::uint64_t V = bit<0>;  // valid
inline constexpr std::uint64_t R = bit<1>;  // readable
inline constexpr std::uint64_t W = bit<2>;  // writable
inline constexpr std::uint64_t X = bit<3>;  // executable
inline constexpr std::uint64_t U = bit<4>;  // user-mode accessible
inline constexpr std::uint64_t G = bit<5>;  // global mapping
inline constexpr std::uint64_t A = bit<6>;  // accessed
inline constexpr std::uint64_t D = bit<7>;  // dirty
using RSW = field<9, 8>;                    // reserved for supervisor software
inline constexpr std::uint64_t RSW0 = bit<RSW::lo>;  // RSW's low bit: ptgen's no-access mark
using PPN = field<53, 10>;                  // physical page number (PA bits 55:12)
using PPN_sv32 = field<31, 10, std::uint32_t>;  // Sv32 (figure 4.18): PA bits 33:12
using PBMT = field<62, 61>;  // Svpbmt: the page's memory type (reserved without it; 0 in tables)
inline constexpr std::uint64_t N = bit<63>;  // Svnapot: a NAPOT run (reserved without it)
// Svnapot, table "Page table entry encodings when pte.N=1": at the last level, PPN[3:0] = 1000
// is a 64 KiB run (16 pages); every other value, and N at any other level, is reserved.
inline constexpr std::uint64_t napot_64k_ppn = 0b1000;
}  // namespace pte

// PBMT values (Svpbmt, table "Encodings for PBMT field"; 3 is reserved).
namespace pbmt {
inline constexpr std::uint64_t PMA = 0;  // the physical memory attributes decide
inline constexpr std::uint64_t NC = 1;   // non-cacheable, idempotent, weakly-ordered main memory
inline constexpr std::uint64_t IO = 2;   // non-cacheable, non-idempotent, strongly-ordered I/O
}  // namespace pbmt

// menvcfg (3.1.18): PBMTE enables Svpbmt for S and U mode; M mode sets it before the tables of an
// Svpbmt format are used (without it PBMT is reserved: every access through such a leaf faults).
namespace menvcfg {
inline constexpr std::uint64_t PBMTE = bit<62>;
}  // namespace menvcfg

// satp, 4.1.11 figure 4.11 (RV64).
namespace satp_reg {
using MODE = field<63, 60>;  // 8 = Sv39, 9 = Sv48, 10 = Sv57 (table 4.4)
using ASID = field<59, 44>;
using PPN = field<43, 0>;    // physical page number of the root
}  // namespace satp_reg
// satp, 4.1.11 figure 4.10 (RV32).
namespace satp32_reg {
using MODE = field<31, 31, std::uint32_t>;  // 1 = Sv32 (table 4.3)
using ASID = field<30, 22, std::uint32_t>;
using PPN = field<21, 0, std::uint32_t>;
}  // namespace satp32_reg

// The PTE codec every mode shares (4.3.1, 4.4.1): the same low bits; the PPN field and the entry
// width are the mode's (Sv32: PPN in 31:10 of a 32-bit PTE, 34-bit PA; Sv39 and up: 53:10 of a
// 64-bit one), and PBMT exists with Svpbmt only (RV64).
//
// Flags the format cannot express exactly (4.3.1):
// - write without read is reserved: the format grants read too (effective() says so);
// - without Svpbmt, device and uncached are chosen by the platform's PMAs, not by the PTE: they
//   are accepted and not encoded, and query() does not report them. With Svpbmt (a format of its
//   own, sv39_svpbmt...: only some harts have it, and menvcfg.PBMTE must be set) a leaf's PBMT
//   says device = IO, uncached = NC, otherwise PMA.
//
// A no-access leaf (flags without read, write, execute) is V = 0, which faults on every access
// at any level, with RSW bit 8 set and PPN, U and G as a leaf would hold them (4.3.1: "If V =
// 0, ... all other bits in the PTE are don't-cares and may be used freely by software").
template <class Entry, class Ppn, unsigned Levels, bool Svpbmt>
struct sv_codec {
    using entry_type = Entry;
    static constexpr bool svpbmt = Svpbmt;

    static constexpr bool accepts(flags f) noexcept { return flags_well_formed(f); }
    static constexpr flags effective(flags f) noexcept {
        if constexpr (!Svpbmt) f &= ~(flags::device | flags::uncached);
        if (has(f, flags::write)) f |= flags::read;
        return f;
    }

    // 4.3.2 step 4: V with R = W = X = 0 points to the next level. Such an entry at the last
    // level is reserved (a page fault), so it counts as empty there. V = 0 with RSW bit 8 is a
    // no-access leaf.
    static constexpr entry_kind kind(entry_type e, unsigned level) noexcept {
        if (!(e & pte::V)) return (e & no_access_mark) ? entry_kind::leaf : entry_kind::empty;
        if (e & (pte::R | pte::W | pte::X)) return entry_kind::leaf;
        return level + 1 < Levels ? entry_kind::table : entry_kind::empty;
    }
    static constexpr paddr address(entry_type e, unsigned) noexcept {
        return paddr{Ppn::get(e)} << 12;
    }
    static constexpr flags leaf_flags(entry_type e, unsigned) noexcept {
        flags f = flags::none;
        if (e & pte::R) f |= flags::read;
        if (e & pte::W) f |= flags::write;
        if (e & pte::X) f |= flags::execute;
        if (e & pte::U) f |= flags::user;
        if (e & pte::G) f |= flags::global;
        if constexpr (Svpbmt) {
            if (pte::PBMT::get(e) == pbmt::IO) f |= flags::device;
            if (pte::PBMT::get(e) == pbmt::NC) f |= flags::uncached;
        }
        return f;
    }
    // 4.4.1: for non-leaf PTEs, D, A and U are reserved and must be zero.
    static constexpr entry_type encode_table(paddr pa, unsigned) noexcept {
        return entry_type(Ppn::encode(pa >> 12) | pte::V);
    }
    // A and D are set so the hardware never has to (4.3.1: Svade may fault instead of setting).
    [[gnu::always_inline]]  // (g++ kept it a call in the single-page map: 8 % of its time)
    static constexpr entry_type encode_leaf(paddr pa, flags f, unsigned) noexcept {
        f = effective(f);
        entry_type e = entry_type(Ppn::encode(pa >> 12) | pte::V | pte::A | pte::D);
        if (has(f, flags::read)) e |= pte::R;
        if (has(f, flags::write)) e |= pte::W;
        if (has(f, flags::execute)) e |= pte::X;
        if (has(f, flags::user)) e |= pte::U;
        if (has(f, flags::global)) e |= pte::G;
        if constexpr (Svpbmt) {
            if (has(f, flags::device)) e |= pte::PBMT::encode(pbmt::IO);
            if (has(f, flags::uncached)) e |= pte::PBMT::encode(pbmt::NC);
        }
        if (!grants_access(f)) e = entry_type((e & ~(pte::V | pte::A | pte::D)) | no_access_mark);
        return e;
    }
    static constexpr entry_type no_access_mark = entry_type(pte::RSW0);
};

// Sv39 (3 levels, satp MODE 8), Sv48 (4 levels, MODE 9) and Sv57 (5 levels, MODE 10), 4 KiB
// pages. Leaves are legal at every level (4.4.1: "any level of PTE may be a leaf PTE"): 4 KiB,
// 2 MiB, 1 GiB, in Sv48 and Sv57 512 GiB, and in Sv57 256 TiB pages (4.6.1).
//
// With Svnapot (a format of its own, sv39_svnapot...: an optional extension) the engine maps
// every 64 KiB-aligned run of 16 pages of one set of flags, contiguous in PA, as a NAPOT run
// (core/contiguous_runs.hpp): N set and PPN[3:0] = 1000 in each of the 16 PTEs, which are then
// the same PTE (the MMU takes PA[15:12] from VA[15:12], the Svnapot chapter's translation).
template <unsigned Levels, unsigned SatpMode, bool Svpbmt = false, bool Svnapot = false>
struct sv_format : sv_codec<std::uint64_t, pte::PPN, Levels, Svpbmt> {
    static constexpr const char* names[4][3] = {
        {"riscv-sv39", "riscv-sv48", "riscv-sv57"},
        {"riscv-sv39-svpbmt", "riscv-sv48-svpbmt", "riscv-sv57-svpbmt"},
        {"riscv-sv39-svnapot", "riscv-sv48-svnapot", "riscv-sv57-svnapot"},
        {"riscv-sv39-svpbmt-svnapot", "riscv-sv48-svpbmt-svnapot", "riscv-sv57-svpbmt-svnapot"}};
    static constexpr const char* name = names[Svpbmt + 2 * Svnapot][Levels - 3];
    static constexpr bool svnapot = Svnapot;
    static constexpr unsigned va_bits = 12 + 9 * Levels;  // 4.4.1: 39, 4.5.1: 48, 4.6.1: 57
    static constexpr unsigned pa_bits = 56;  // 4.4.1, 4.5.1, 4.6.1: 56-bit physical addresses

    // 512 x 8-byte entries per 4 KiB table at every level; leaves at every level.
    static constexpr auto levels = radix_levels<va_bits, 12, 8>(0);

    // 4.4.1: bits 63..va_bits must all equal bit va_bits-1.
    static constexpr bool va_valid(vaddr va) noexcept { return is_sign_extended(va, va_bits); }

    // satp (4.1.11): MODE, ASID and the root's PPN.
    static constexpr std::uint64_t satp(paddr root, std::uint16_t asid = 0) noexcept {
        return satp_reg::MODE::encode(SatpMode) | satp_reg::ASID::encode(asid) |
               satp_reg::PPN::encode(root >> 12);
    }

    // Boot: one root for the whole address space; satp is all early boot writes.
    static constexpr bool split_roots = false;
    struct registers {
        std::uint64_t satp;
        constexpr std::array<named_register, 1> named() const noexcept { return {{{"satp", satp}}}; }
    };
    static constexpr registers boot_registers(paddr root, paddr) noexcept { return {satp(root)}; }

    // Svnapot runs (format concept contiguous_leaves): 16 PTEs of the last level.
    static constexpr std::size_t contiguous_entries(unsigned level) noexcept
        requires Svnapot
    {
        return level == Levels - 1 ? 16 : 1;
    }
    static constexpr bool contiguous(std::uint64_t e, unsigned) noexcept
        requires Svnapot
    {
        return (e & pte::N) != 0;
    }
    // A run's PTE holds the run's PPN with 1000 in its low 4 bits; unmarked, the page's own PPN.
    static constexpr std::uint64_t with_contiguous(std::uint64_t e, unsigned, bool on, paddr pa) noexcept
        requires Svnapot
    {
        const std::uint64_t ppn = pa >> 12;
        if (!on) return pte::PPN::set(e, ppn) & ~pte::N;
        return pte::PPN::set(e, (ppn & ~std::uint64_t{0xf}) | pte::napot_64k_ppn) | pte::N;
    }
};

// Sv32 (RV32, satp MODE 1, 4.3): two levels of 1024 x 4-byte PTEs, 4 KiB pages and 4 MiB
// megapages, 32-bit VAs (no sign extension), 34-bit PAs (PPN[1] in 31:20, PPN[0] in 19:10).
// No Svpbmt (an RV64-only extension).
struct sv32 : sv_codec<std::uint32_t, pte::PPN_sv32, 2, false> {
    static constexpr const char* name = "riscv-sv32";
    static constexpr unsigned va_bits = 32;
    static constexpr unsigned pa_bits = 34;  // 4.3.1
    static constexpr auto levels = radix_levels<32, 12, 4>(0);

    static constexpr bool va_valid(vaddr va) noexcept { return va <= 0xffff'ffff; }

    // satp on RV32 (4.1.11, figure 4.10): MODE in bit 31, ASID in 30:22, PPN in 21:0.
    static constexpr std::uint64_t satp(paddr root, std::uint16_t asid = 0) noexcept {
        return satp32_reg::MODE::encode(1) | satp32_reg::ASID::encode(asid) |
               satp32_reg::PPN::encode(root >> 12);
    }

    static constexpr bool split_roots = false;
    struct registers {
        std::uint64_t satp;
        constexpr std::array<named_register, 1> named() const noexcept { return {{{"satp", satp}}}; }
    };
    static constexpr registers boot_registers(paddr root, paddr) noexcept { return {satp(root)}; }
};

using sv39 = sv_format<3, 8>;
using sv48 = sv_format<4, 9>;
using sv57 = sv_format<5, 10>;
// The same with Svpbmt (QEMU: -cpu rv64,svpbmt=on).
using sv39_svpbmt = sv_format<3, 8, true>;
using sv48_svpbmt = sv_format<4, 9, true>;
using sv57_svpbmt = sv_format<5, 10, true>;
// The same with Svnapot (QEMU: -cpu rv64,svnapot=on), and with both extensions.
using sv39_svnapot = sv_format<3, 8, false, true>;
using sv48_svnapot = sv_format<4, 9, false, true>;
using sv57_svnapot = sv_format<5, 10, false, true>;
using sv39_svpbmt_svnapot = sv_format<3, 8, true, true>;

}  // namespace ptgen::riscv
