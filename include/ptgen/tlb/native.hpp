// ptgen/tlb/native.hpp: the TLB policy a page_table uses when none is named.
//
// Code built for a format's own architecture as a kernel (freestanding: -ffreestanding sets
// __STDC_HOSTED__ to 0) gets that architecture's policy, so that a change is never left stale
// in the TLB by default:
//   RISC-V Sv32, Sv39/48/57 riscv::sfence_tlb       sfence.vma va / sfence.vma (every ASID)
//   x86-64 4- and 5-level   x86_64::invlpg_tlb      invlpg / CR4.PGE toggle
//   i386 2-level and PAE    x86_32::invlpg_tlb      invlpg / CR4.PGE toggle and CR3 reload
//   AArch64 EL1&0 (any)     aarch64::el1_tlb        TLBI VAE1IS / VMALLE1IS, DSB ISH, ISB
//   AArch64 EL2 (any)       aarch64::el2_tlb        TLBI VAE2IS / ALLE2IS, DSB ISH, ISB
//   ARMv7 short descriptor  arm::tlbimva_tlb        TLBIMVA / TLBIALL, BPIALL, DSB, ISB
//   LoongArch64             loongarch64::invtlb_tlb invtlb 0x6 / invtlb 0x0
// Each says what its invalidation reaches (tlb_reach): the AArch64 ones every PE, the others
// this CPU only, so they serve a page_table of one CPU; a table several CPUs load
// (page_table<F, M, Tlb, many_cpus>) names a policy that reaches them all (core/cpu_sharing.hpp).
// Everything else (a host program, a hosted test, a format of another architecture: a
// hypervisor building guest tables, the generator) gets no_tlb. Override with
// -DPTGEN_NATIVE_TLB=1 (a kernel built without -ffreestanding) or =0 (never), or name a
// policy: page_table<F, M, Tlb>, boot::adopt<F>(..., handler, tlb).
#pragma once

#include "../core/tlb_policy.hpp"

#if !defined(PTGEN_NATIVE_TLB)
#if __STDC_HOSTED__
#define PTGEN_NATIVE_TLB 0
#else
#define PTGEN_NATIVE_TLB 1
#endif
#endif

namespace ptgen {

template <class Format>
struct native_tlb_of {
    using type = no_tlb;
};
template <class Format>
using native_tlb = typename native_tlb_of<Format>::type;

}  // namespace ptgen

#if PTGEN_NATIVE_TLB
#if defined(__riscv) && __riscv_xlen == 64
#include "../arch/riscv.hpp"
#include "riscv.hpp"
template <unsigned L, unsigned M, bool P>  // Sv39, Sv48, Sv57, with or without Svpbmt
struct ptgen::native_tlb_of<ptgen::riscv::sv_format<L, M, P>> {
    using type = ptgen::riscv::sfence_tlb;
};
#elif defined(__riscv) && __riscv_xlen == 32
#include "../arch/riscv.hpp"
#include "riscv.hpp"
template <>
struct ptgen::native_tlb_of<ptgen::riscv::sv32> {
    using type = ptgen::riscv::sfence_tlb;
};
#elif defined(__x86_64__)
#include "../arch/x86_64.hpp"
#include "x86_64.hpp"
template <>
struct ptgen::native_tlb_of<ptgen::x86_64::long_mode_4level> {
    using type = ptgen::x86_64::invlpg_tlb;
};
template <>
struct ptgen::native_tlb_of<ptgen::x86_64::long_mode_5level> {
    using type = ptgen::x86_64::invlpg_tlb;
};
#elif defined(__i386__)
#include "../arch/x86_32.hpp"
#include "x86_32.hpp"
template <>
struct ptgen::native_tlb_of<ptgen::x86_32::two_level> {
    using type = ptgen::x86_32::invlpg_tlb;
};
template <>
struct ptgen::native_tlb_of<ptgen::x86_32::pae> {
    using type = ptgen::x86_32::invlpg_tlb;
};
#elif defined(__aarch64__)
#include "../arch/aarch64.hpp"
#include "aarch64.hpp"
template <unsigned G, unsigned VA, unsigned PA>  // every granule and VA size
struct ptgen::native_tlb_of<ptgen::aarch64::stage1_el1<G, VA, PA>> {
    using type = ptgen::aarch64::el1_tlb;
};
template <unsigned G, unsigned VA, unsigned PA>
struct ptgen::native_tlb_of<ptgen::aarch64::stage1_el2<G, VA, PA>> {
    using type = ptgen::aarch64::el2_tlb;
};
#elif defined(__arm__)
#include "../arch/arm.hpp"
#include "../arch/arm_lpae.hpp"
#include "arm.hpp"
template <>
struct ptgen::native_tlb_of<ptgen::arm::short_descriptor> {
    using type = ptgen::arm::tlbimva_tlb;
};
template <>  // the same TLB maintenance operations with either descriptor format
struct ptgen::native_tlb_of<ptgen::arm::long_descriptor> {
    using type = ptgen::arm::tlbimva_tlb;
};
#elif defined(__loongarch64)
#include "../arch/loongarch64.hpp"
#include "loongarch64.hpp"
template <>
struct ptgen::native_tlb_of<ptgen::loongarch64::la64_4level> {
    using type = ptgen::loongarch64::invtlb_tlb;
};
#endif
#endif
