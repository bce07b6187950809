// ptgen/tlb/x86_64.hpp: TLB maintenance for x86-64 4-level paging (ring 0).
// Reference: Intel 64 and IA-32 Architectures Software Developer's Manual, Vol. 3A,
// 4.10.4.1 "Operations that Invalidate TLBs and Paging-Structure Caches" and 4.10.4.2
// "Recommended Invalidation".
//
//   flush_page: INVLPG m invalidates the TLB entries of the page that contains m (any page
//               size, global or not) and all paging-structure-cache entries (current PCID).
//   flush_all:  with CR4.PGE = 1, clearing and setting CR4.PGE invalidates every TLB entry,
//               global ones included; with CR4.PGE = 0, MOV to CR3 invalidates all entries
//               (there are no global ones then).
// No break-before-make. The asm is compiled only for x86-64 targets; elsewhere the policy is
// empty (host tests).
#pragma once

#include <cstdint>

#include "../core/address.hpp"
#include "../core/tlb_policy.hpp"

namespace ptgen::x86_64 {

struct invlpg_tlb {
    static constexpr bool break_before_make = false;
    static constexpr tlb_reach reach = tlb_reach::this_cpu;  // this CPU only
    void flush_page(vaddr va) const noexcept {
#if defined(__x86_64__)
        asm volatile("invlpg (%0)" : : "r"(va) : "memory");
#else
        (void)va;
#endif
    }
    void flush_all() const noexcept {
#if defined(__x86_64__)
        constexpr std::uint64_t PGE = std::uint64_t{1} << 7;  // CR4.PGE, Vol. 3A 2.5
        std::uint64_t cr4;
        asm volatile("mov %%cr4, %0" : "=r"(cr4));
        if (cr4 & PGE) {
            asm volatile("mov %0, %%cr4\n\tmov %1, %%cr4" : : "r"(cr4 & ~PGE), "r"(cr4) : "memory");
        } else {
            std::uint64_t cr3;
            asm volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3) : : "memory");
        }
#endif
    }
};

}  // namespace ptgen::x86_64
