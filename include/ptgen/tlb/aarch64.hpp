// ptgen/tlb/aarch64.hpp: TLB maintenance for AArch64 stage 1 tables at EL1 (EL1&0 regime) and
// EL2 (HCR_EL2.E2H = 0).
// Reference: Arm Architecture Reference Manual for A-profile, DDI 0487 issue K.a, chapter D8
// "The AArch64 Virtual Memory System Architecture": "TLB maintenance instructions" (TLBI VAE1IS,
// VALE1, VMALLE1IS, VMALLE1, VAE2, ALLE2 in the system instruction descriptions), "Ordering and
// completion of TLB maintenance instructions", "Using break-before-make when updating translation
// table entries".
//
// Sequence for every invalidation:
//   DSB ISHST (NSHST local)   the new entry is visible to the walker before the invalidation
//   TLBI ...                  the invalidation (argument: VA[55:12] in bits 43:0, ASID in 63:48)
//   DSB ISH (NSH local)       the invalidation is complete
//   ISB                       later instructions of this PE use the new translation
// Break-before-make is required when a valid entry changes its output address or its block size
// (break-before-make): the engine then writes an invalid entry, flushes that address, and writes the new one.
// The ...IS forms reach every PE of the Inner Shareable domain, and the DSB ISH after them waits
// until every PE completed them ("Ordering and completion of TLB maintenance instructions").
// The asm is compiled only for AArch64 targets; elsewhere the policies are empty (host tests).
#pragma once

#include <cstdint>

#include "../core/address.hpp"
#include "../core/tlb_policy.hpp"

namespace ptgen::aarch64 {

enum class tlb_scope : unsigned char {
    inner_shareable,  // every PE of the Inner Shareable domain (TLBI ...IS, DSB ISH)
    local,            // this PE only (TLBI without IS, DSB NSH)
};

namespace detail {
// TLBI by VA operand (TLBI VAE1 register format): VA[55:12] in bits 43:0,
// ASID in bits 63:48 (ignored for global entries, and at EL2 without E2H).
constexpr std::uint64_t tlbi_va_operand(vaddr va, std::uint16_t asid) noexcept {
    return ((va >> 12) & low_mask(44)) | (std::uint64_t{asid} << 48);
}
}  // namespace detail

// EL1&0 regime. flush_page: TLBI VAE1IS (all levels, Inner Shareable) or TLBI VALE1 (last level,
// this PE: the engine invalidates only entries that were leaves); flush_all: TLBI VMALLE1IS or
// TLBI VMALLE1 (every entry of the current VMID at EL1&0, walk caches included).
template <tlb_scope Scope = tlb_scope::inner_shareable>
struct el1_tlb_policy {
    static constexpr bool break_before_make = true;
    static constexpr tlb_reach reach =
        Scope == tlb_scope::inner_shareable ? tlb_reach::all_cpus_by_hardware : tlb_reach::this_cpu;
    std::uint16_t asid = 0;  // the ASID of the tables' address space (TTBR0_EL1.ASID)
    void flush_page(vaddr va) const noexcept {
#if defined(__aarch64__)
        const std::uint64_t arg = detail::tlbi_va_operand(va, asid);
        if constexpr (Scope == tlb_scope::inner_shareable)
            asm volatile("dsb ishst\n\ttlbi vae1is, %0\n\tdsb ish\n\tisb" : : "r"(arg) : "memory");
        else
            asm volatile("dsb nshst\n\ttlbi vale1, %0\n\tdsb nsh\n\tisb" : : "r"(arg) : "memory");
#else
        (void)va;
#endif
    }
    void flush_all() const noexcept {
#if defined(__aarch64__)
        if constexpr (Scope == tlb_scope::inner_shareable)
            asm volatile("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb" : : : "memory");
        else
            asm volatile("dsb nshst\n\ttlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
#endif
    }
};
using el1_tlb = el1_tlb_policy<tlb_scope::inner_shareable>;
using el1_local_tlb = el1_tlb_policy<tlb_scope::local>;

// EL2 regime without VHE: flush_page TLBI VAE2IS or VAE2 (no ASID), flush_all TLBI ALLE2IS or
// ALLE2, with the same barriers (the EL2 regime has one translation table base, TTBR0_EL2).
template <tlb_scope Scope = tlb_scope::inner_shareable>
struct el2_tlb_policy {
    static constexpr bool break_before_make = true;
    static constexpr tlb_reach reach =
        Scope == tlb_scope::inner_shareable ? tlb_reach::all_cpus_by_hardware : tlb_reach::this_cpu;
    void flush_page(vaddr va) const noexcept {
#if defined(__aarch64__)
        const std::uint64_t arg = detail::tlbi_va_operand(va, 0);
        if constexpr (Scope == tlb_scope::inner_shareable)
            asm volatile("dsb ishst\n\ttlbi vae2is, %0\n\tdsb ish\n\tisb" : : "r"(arg) : "memory");
        else
            asm volatile("dsb nshst\n\ttlbi vae2, %0\n\tdsb nsh\n\tisb" : : "r"(arg) : "memory");
#else
        (void)va;
#endif
    }
    void flush_all() const noexcept {
#if defined(__aarch64__)
        if constexpr (Scope == tlb_scope::inner_shareable)
            asm volatile("dsb ishst\n\ttlbi alle2is\n\tdsb ish\n\tisb" : : : "memory");
        else
            asm volatile("dsb nshst\n\ttlbi alle2\n\tdsb nsh\n\tisb" : : : "memory");
#endif
    }
};
using el2_tlb = el2_tlb_policy<tlb_scope::inner_shareable>;
using el2_local_tlb = el2_tlb_policy<tlb_scope::local>;

}  // namespace ptgen::aarch64
