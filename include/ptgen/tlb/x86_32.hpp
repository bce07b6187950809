// ptgen/tlb/x86_32.hpp: TLB maintenance for IA-32 32-bit and PAE paging (ring 0).
// Reference: Intel SDM Vol. 3A, 4.10.4.1 "Operations that Invalidate TLBs and Paging-Structure
// Caches" and 4.4.1 "PDPTE Registers".
//
//   flush_page: INVLPG m invalidates the TLB entries of m's page (any size, global or not) and
//               the paging-structure caches. It does not reload the PDPTE registers.
//   flush_all:  with CR4.PGE = 1, clearing and setting CR4.PGE drops every TLB entry, global
//               ones included; then MOV to CR3 drops the rest and, with PAE paging, loads the
//               four PDPTEs from memory again (4.4.1), which is how a changed root entry takes
//               effect (x86_32::pae asks for a full flush whenever it links one).
// No break-before-make. The asm is compiled only for 32-bit x86 targets; elsewhere the policy is
// empty (host tests).
#pragma once

#include <cstdint>

#include "../core/address.hpp"
#include "../core/tlb_policy.hpp"

namespace ptgen::x86_32 {

struct invlpg_tlb {
    static constexpr bool break_before_make = false;
    static constexpr tlb_reach reach = tlb_reach::this_cpu;  // this CPU only
    void flush_page(vaddr va) const noexcept {
#if defined(__i386__)
        asm volatile("invlpg (%0)" : : "r"(std::uint32_t(va)) : "memory");
#else
        (void)va;
#endif
    }
    void flush_all() const noexcept {
#if defined(__i386__)
        constexpr std::uint32_t PGE = std::uint32_t{1} << 7;  // CR4.PGE, Vol. 3A 2.5
        std::uint32_t cr4, cr3;
        asm volatile("mov %%cr4, %0" : "=r"(cr4));
        if (cr4 & PGE)
            asm volatile("mov %0, %%cr4\n\tmov %1, %%cr4" : : "r"(cr4 & ~PGE), "r"(cr4) : "memory");
        asm volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3) : : "memory");
#endif
    }
};

}  // namespace ptgen::x86_32
