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
// The asm is compiled only for 32-bit Arm targets; elsewhere the policy is empty (host tests).
#pragma once

#include <cstdint>

#include "../core/address.hpp"

namespace ptgen::arm {

struct tlbimva_tlb {
    static constexpr bool break_before_make = true;
    std::uint8_t asid = 0;  // CONTEXTIDR.ASID of the tables' address space
    void flush_page(vaddr va) const noexcept {
#if defined(__arm__)
        const std::uint32_t mva = (std::uint32_t(va) & 0xffff'f000u) | asid;
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

}  // namespace ptgen::arm
