// ptgen/arch/aarch64_registers.hpp: the AArch64 system register fields the stage 1 formats
// compute (SCTLR_ELx, TCR_EL1 / TCR_EL2, TTBR0_ELx / TTBR1_EL1).
// Reference: Arm Architecture Reference Manual for A-profile, DDI 0487 issue K.a, the register
// descriptions of SCTLR_EL1, SCTLR_EL2, TCR_EL1, TCR_EL2, TTBR0_EL1, TTBR1_EL1 and TTBR0_EL2.
#pragma once

#include <cstdint>

#include "../core/field.hpp"

namespace ptgen::aarch64 {

// SCTLR_ELx bits that turn translation and caches on (same positions at EL1 and EL2).
namespace sctlr {
inline constexpr std::uint64_t M = bit<0>;     // stage 1 MMU enable
inline constexpr std::uint64_t C = bit<2>;     // data and unified caches enable
inline constexpr std::uint64_t I = bit<12>;    // instruction cache enable
inline constexpr std::uint64_t WXN = bit<19>;  // write implies XN: must stay 0 for rwx mappings
}  // namespace sctlr

// TCR_EL1 / TCR_EL2 fields (register descriptions TCR_EL1 and TCR_EL2, !ELIsInHost(EL2)).
namespace tcr {
using T0SZ = field<5, 0>;     // size offset of the TTBR0 region
using IRGN0 = field<9, 8>;    // inner cacheability of TTBR0 walks
using ORGN0 = field<11, 10>;  // outer cacheability of TTBR0 walks
using SH0 = field<13, 12>;    // shareability of TTBR0 walks
using TG0 = field<15, 14>;    // TTBR0 granule: 0b00 = 4 KiB
using T1SZ = field<21, 16>;   // TCR_EL1: size offset of the TTBR1 region
using PS = field<18, 16>;     // TCR_EL2: physical address size
using IRGN1 = field<25, 24>;  // TCR_EL1
using ORGN1 = field<27, 26>;  // TCR_EL1
using SH1 = field<29, 28>;    // TCR_EL1
using TG1 = field<31, 30>;    // TCR_EL1: TTBR1 granule: 0b10 = 4 KiB
using IPS = field<34, 32>;    // TCR_EL1: intermediate physical address size
inline constexpr std::uint64_t DS_EL1 = bit<59>;  // TCR_EL1.DS: FEAT_LPA2's 52-bit descriptors
inline constexpr std::uint64_t DS_EL2 = bit<32>;  // TCR_EL2.DS (E2H = 0)
inline constexpr std::uint64_t wbwa = 0b01;           // IRGN/ORGN: write-back, write-allocate
inline constexpr std::uint64_t inner_shareable = 0b11;
// TG0: 0b00 = 4 KiB, 0b10 = 16 KiB, 0b01 = 64 KiB; TG1: 0b10 = 4 KiB, 0b01 = 16 KiB, 0b11 =
// 64 KiB (the two fields encode the granules differently).
constexpr std::uint64_t tg0_for(unsigned granule_shift) noexcept {
    return granule_shift == 12 ? 0b00 : granule_shift == 14 ? 0b10 : 0b01;
}
constexpr std::uint64_t tg1_for(unsigned granule_shift) noexcept {
    return granule_shift == 12 ? 0b10 : granule_shift == 14 ? 0b01 : 0b11;
}
// IPS / PS: 0b000 = 32 bits, 0b001 = 36, 0b010 = 40, 0b011 = 42, 0b100 = 44, 0b101 = 48,
// 0b110 = 52 (FEAT_LPA).
constexpr std::uint64_t size_for(unsigned pa_bits) noexcept {
    return pa_bits <= 32 ? 0 : pa_bits <= 36 ? 1 : pa_bits <= 40 ? 2 : pa_bits <= 42 ? 3
           : pa_bits <= 44 ? 4 : pa_bits <= 48 ? 5 : 6;
}
inline constexpr std::uint64_t el2_res1 = bit<31> | bit<23>;
}  // namespace tcr

// TTBR0_ELx / TTBR1_EL1: the root's address and, at EL1, the ASID. CnP (bit 0) is left 0.
namespace ttbr_reg {
using ASID = field<63, 48>;
using BADDR = field<47, 1>;
using BADDR_51_48 = field<5, 2>;  // FEAT_LPA, 52-bit PA: the root's PA[51:48]
}  // namespace ttbr_reg

}  // namespace ptgen::aarch64
