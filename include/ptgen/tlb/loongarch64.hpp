// ptgen/tlb/loongarch64.hpp: TLB maintenance for LoongArch64 (PLV0).
// Reference: LoongArch Reference Manual, Volume 1: Basic Architecture (v1.10), 4.2.4.7 INVTLB
// (op 0x0: all entries; op 0x6: entries with G = 1 or ASID = rj, and VA = rk) and 5.4 (a TLB
// entry maps an even/odd page pair of its page size; the lookup compares VPPN at the entry's
// PS, so any address inside a huge page selects it).
//
// A DBAR 0 before INVTLB orders the table stores before the refill's LDDIR/LDPTE loads.
// No break-before-make. The asm is compiled only for LoongArch64 targets; elsewhere the policy
// is empty (host tests).
#pragma once

#include <cstdint>

#include "../core/address.hpp"
#include "../core/tlb_policy.hpp"

namespace ptgen::loongarch64 {

struct invtlb_tlb {
    static constexpr bool break_before_make = false;
    static constexpr tlb_reach reach = tlb_reach::this_cpu;  // this CPU only
    std::uint16_t asid = 0;  // CSR.ASID.ASID of the tables' address space
    void flush_page(vaddr va) const noexcept {
#if defined(__loongarch64)
        asm volatile("dbar 0\n\tinvtlb 0x6, %0, %1" : : "r"(std::uint64_t{asid}), "r"(va) : "memory");
#else
        (void)va;
#endif
    }
    void flush_all() const noexcept {
#if defined(__loongarch64)
        asm volatile("dbar 0\n\tinvtlb 0x0, $zero, $zero" : : : "memory");
#endif
    }
};

}  // namespace ptgen::loongarch64
