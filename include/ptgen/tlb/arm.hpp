// ptgen/tlb/arm.hpp: TLB maintenance for ARMv7-A short-descriptor tables (PL1).
// Reference: ARM Architecture Reference Manual, ARMv7-A and ARMv7-R edition, DDI 0406C:
// B3.10 "TLB maintenance requirements" (B3.10.1 general requirements, B3.10.2 "Maintenance
// requirements on changing translation table entries", including break-before-make for
// changes of output address or size with the Multiprocessing Extensions), B4.2.2 "TLB
// maintenance operations, not in Hyp mode" (TLBIMVA c8,c7,1 and TLBIALL c8,c7,0), and
// B2.2.7 on branch predictor maintenance (BPIALL c7,c5,6).
//
// Sequence: DSB (the table store is visible to the walk), TLBI..., BPIALL, DSB (complete), ISB.
// TLBIMVA takes MVA[31:12] with the ASID in bits 7:0 (global entries match any ASID).
// With the Multiprocessing Extensions, TLBIMVAIS / TLBIALLIS / BPIALLIS (B4.2.2, "Inner
// Shareable" forms: c8,c3,1 / c8,c3,0 / c7,c1,6) reach every processor of the Inner Shareable
// domain, and the DSB after them waits for their completion on all of them (B3.10.4).
// The asm is compiled only for 32-bit Arm targets; elsewhere the policy is empty (host tests).
#pragma once

#include <cstdint>

#include "../core/address.hpp"
#include "../core/tlb_policy.hpp"

namespace ptgen::arm {

// Scope true: the Inner Shareable forms (every processor); false: this processor only.
template <bool InnerShareable>
struct tlbimva_policy {
    static constexpr bool break_before_make = true;
    static constexpr tlb_reach reach = InnerShareable ? tlb_reach::all_cpus_by_hardware : tlb_reach::this_cpu;
    std::uint8_t asid = 0;  // CONTEXTIDR.ASID of the tables' address space
    void flush_page(vaddr va) const noexcept {
#if defined(__arm__)
        const std::uint32_t mva = (std::uint32_t(va) & 0xffff'f000u) | asid;
        if constexpr (InnerShareable)
            asm volatile(
                "dsb\n\t"
                "mcr p15, 0, %0, c8, c3, 1\n\t"  // TLBIMVAIS
                "mcr p15, 0, %1, c7, c1, 6\n\t"  // BPIALLIS
                "dsb\n\t"
                "isb"
                :
                : "r"(mva), "r"(0)
                : "memory");
        else
            asm volatile(
                "dsb\n\t"
                "mcr p15, 0, %0, c8, c7, 1\n\t"  // TLBIMVA
                "mcr p15, 0, %1, c7, c5, 6\n\t"  // BPIALL
                "dsb\n\t"
                "isb"
                :
                : "r"(mva), "r"(0)
                : "memory");
#else
        (void)va;
#endif
    }
    void flush_all() const noexcept {
#if defined(__arm__)
        if constexpr (InnerShareable)
            asm volatile(
                "dsb\n\t"
                "mcr p15, 0, %0, c8, c3, 0\n\t"  // TLBIALLIS
                "mcr p15, 0, %0, c7, c1, 6\n\t"  // BPIALLIS
                "dsb\n\t"
                "isb"
                :
                : "r"(0)
                : "memory");
        else
            asm volatile(
                "dsb\n\t"
                "mcr p15, 0, %0, c8, c7, 0\n\t"  // TLBIALL
                "mcr p15, 0, %0, c7, c5, 6\n\t"  // BPIALL
                "dsb\n\t"
                "isb"
                :
                : "r"(0)
                : "memory");
#endif
    }
};
using tlbimva_tlb = tlbimva_policy<false>;   // this processor (a uniprocessor's, the default)
using tlbimvais_tlb = tlbimva_policy<true>;  // every processor (Multiprocessing Extensions)

}  // namespace ptgen::arm
