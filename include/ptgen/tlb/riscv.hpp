// ptgen/tlb/riscv.hpp: TLB maintenance for RISC-V Sv32, Sv39, Sv48 and Sv57 (S-mode).
// Reference: The RISC-V Instruction Set Manual, Volume II: Privileged Architecture (20211203),
// 4.2.1 "Supervisor Memory-Management Fence Instruction" (SFENCE.VMA).
//
// SFENCE.VMA orders the stores to page tables before it against the implicit reads of later
// translations, and drops cached translations:
//   rs1 = va, rs2 = x0    the leaf that maps va, in every address space (global ones included)
//   rs1 = va, rs2 = asid  the leaf that maps va in that address space, but NOT global mappings
//   rs1 = x0, rs2 = x0    everything, including cached non-leaf entries
//   rs1 = x0, rs2 = asid  everything of that address space except global mappings
// No break-before-make: a valid PTE may be replaced by another in one store (4.2.1 commentary).
// The asm is compiled only for RISC-V targets; elsewhere the policies are empty (host tests).
#pragma once

#include <cstdint>

#include "../core/address.hpp"
#include "../core/tlb_policy.hpp"

namespace ptgen::riscv {

// For tables that may map global pages (kernel tables): every flush reaches every ASID.
struct sfence_tlb {
    static constexpr bool break_before_make = false;
    static constexpr tlb_reach reach = tlb_reach::this_cpu;  // this CPU only
    void flush_page(vaddr va) const noexcept {
#if defined(__riscv)
        asm volatile("sfence.vma %0, zero" : : "r"(static_cast<unsigned long>(va)) : "memory");  // (XLEN bits)
#else
        (void)va;
#endif
    }
    void flush_all() const noexcept {
#if defined(__riscv)
        asm volatile("sfence.vma zero, zero" : : : "memory");
#endif
    }
};

// For the tables of one address space (satp.ASID = asid) that map no global page: flushes
// leave other address spaces' translations alone. Global mappings are not flushed (4.2.1).
struct sfence_asid_tlb {
    static constexpr bool break_before_make = false;
    static constexpr tlb_reach reach = tlb_reach::this_cpu;  // this CPU only
    std::uint16_t asid = 0;
    void flush_page(vaddr va) const noexcept {
#if defined(__riscv)
        asm volatile("sfence.vma %0, %1"
                     :
                     : "r"(static_cast<unsigned long>(va)), "r"(static_cast<unsigned long>(asid))
                     : "memory");
#else
        (void)va;
#endif
    }
    void flush_all() const noexcept {
#if defined(__riscv)
        asm volatile("sfence.vma zero, %0" : : "r"(static_cast<unsigned long>(asid)) : "memory");
#endif
    }
};

}  // namespace ptgen::riscv
