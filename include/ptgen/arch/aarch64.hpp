// ptgen/arch/aarch64.hpp: AArch64 VMSAv8-64 stage 1 formats, EL1&0 and EL2 regimes, with the
// 4 KiB, 16 KiB or 64 KiB granule and a VA size of 25 to 48 bits, or 52 (64 KiB: FEAT_LVA, with
// a 52-bit PA FEAT_LPA; 4 KiB and 16 KiB: FEAT_LPA2, TCR.DS = 1) (the descriptor codec is in
// aarch64_stage1.hpp, the system register fields in aarch64_registers.hpp).
// Reference: Arm Architecture Reference Manual for A-profile, DDI 0487 issue K.a, the register
// descriptions of TCR_EL1, TCR_EL2, TTBR0_EL1, TTBR1_EL1 and TTBR0_EL2, and D8.2.4 (the VA ranges
// of TTBR0 and TTBR1).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "aarch64_registers.hpp"
#include "aarch64_stage1.hpp"

namespace ptgen::aarch64 {

// "aarch64-<granule>k[-<va>bit][-pa<pa>]-el<n>": the 48-bit / 48-bit forms keep the short names.
template <unsigned GranuleShift, unsigned VaBits, unsigned PaBits, unsigned El>
struct format_name {
    static constexpr auto text = [] {
        std::array<char, 32> s{};
        std::size_t n = 0;
        const auto put = [&](const char* t) { while (*t) s[n++] = *t++; };
        const auto num = [&](unsigned v) {
            char d[4]{};
            int k = 0;
            do d[k++] = char('0' + v % 10); while ((v /= 10) != 0);
            while (k) s[n++] = d[--k];
        };
        put("aarch64-");
        num(1u << (GranuleShift - 10));
        put("k");
        if (VaBits != 48) { put("-"); num(VaBits); put("bit"); }
        if (PaBits != 48) { put("-pa"); num(PaBits); }
        put(El == 1 ? "-el1" : "-el2");
        return s;
    }();
};

// EL1&0 regime (a kernel at EL1, user space at EL0): TTBR0_EL1 / TTBR1_EL1, TCR_EL1, MAIR_EL1.
template <unsigned GranuleShift = 12, unsigned VaBits = 48, unsigned PaBits = 48>
struct stage1_el1 : stage1<regime::el1_el0, GranuleShift, VaBits, PaBits> {
    using base = stage1<regime::el1_el0, GranuleShift, VaBits, PaBits>;
    static constexpr const char* name = format_name<GranuleShift, VaBits, PaBits, 1>::text.data();

    // TTBR0_EL1 / TTBR1_EL1: BADDR in bits 47:1 (the root is at least 64-byte aligned), ASID in
    // 63:48, CnP (bit 0) = 0. With TCR_EL1.AS = 0 only ASID[7:0] is used, and with TCR_EL1.A1 = 0
    // the ASID comes from TTBR0_EL1 (the value in TTBR1_EL1 is ignored).
    static constexpr std::uint64_t ttbr(paddr root, std::uint16_t asid = 0) noexcept {
        return ttbr_reg::ASID::encode(asid) | base::ttbr_address(root);
    }
    // TCR_EL1: T0SZ = T1SZ = 64 - VaBits, TG0 / TG1 for the granule, walks Inner Shareable and
    // write-back write-allocate at both cache levels, IPS from PaBits. EPD0 = EPD1 = 0 (both
    // halves walk), A1 = 0, AS = 0 (8-bit ASID), TBI0 = TBI1 = 0, HA = HD = 0.
    static constexpr std::uint64_t tcr_el1 =
        tcr::T0SZ::encode(64 - VaBits) | tcr::IRGN0::encode(tcr::wbwa) |
        tcr::ORGN0::encode(tcr::wbwa) | tcr::SH0::encode(tcr::inner_shareable) |
        tcr::TG0::encode(tcr::tg0_for(GranuleShift)) | tcr::T1SZ::encode(64 - VaBits) |
        tcr::IRGN1::encode(tcr::wbwa) | tcr::ORGN1::encode(tcr::wbwa) |
        tcr::SH1::encode(tcr::inner_shareable) | tcr::TG1::encode(tcr::tg1_for(GranuleShift)) |
        tcr::IPS::encode(tcr::size_for(PaBits)) | (base::lpa2 ? tcr::DS_EL1 : 0);

    // Boot: TTBR0_EL1 walks the low half, TTBR1_EL1 the high half (D8.2.4): one root each.
    static constexpr bool split_roots = true;
    struct registers {
        std::uint64_t ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1;
        std::uint64_t sctlr_el1_set, sctlr_el1_clear;  // SCTLR_EL1 = (SCTLR_EL1 | set) & ~clear
        constexpr std::array<named_register, 6> named() const noexcept {
            return {{{"ttbr0_el1", ttbr0_el1}, {"ttbr1_el1", ttbr1_el1}, {"tcr_el1", tcr_el1},
                     {"mair_el1", mair_el1}, {"sctlr_el1_set", sctlr_el1_set},
                     {"sctlr_el1_clear", sctlr_el1_clear}}};
        }
    };
    static constexpr registers boot_registers(paddr low, paddr high) noexcept {
        return {ttbr(low), ttbr(high), tcr_el1, base::mair, base::sctlr_set, base::sctlr_clear};
    }
};

// EL2 regime without VHE (HCR_EL2.E2H = 0), the Rust crate's arm-el2: TTBR0_EL2, TCR_EL2,
// MAIR_EL2. A hypervisor's own tables; no EL0, no ASID, one VA range.
template <unsigned GranuleShift = 12, unsigned VaBits = 48, unsigned PaBits = 48>
struct stage1_el2 : stage1<regime::el2, GranuleShift, VaBits, PaBits> {
    using base = stage1<regime::el2, GranuleShift, VaBits, PaBits>;
    static constexpr const char* name = format_name<GranuleShift, VaBits, PaBits, 2>::text.data();

    // TTBR0_EL2: BADDR in bits 47:1, CnP = 0; there is no ASID field when E2H = 0.
    static constexpr std::uint64_t ttbr(paddr root) noexcept { return base::ttbr_address(root); }
    // TCR_EL2 (E2H = 0): T0SZ = 64 - VaBits, TG0 for the granule, walks Inner Shareable
    // write-back write-allocate, PS from PaBits, bits 31 and 23 RES1, TBI = 0, HA = HD = 0.
    static constexpr std::uint64_t tcr_el2 =
        tcr::T0SZ::encode(64 - VaBits) | tcr::IRGN0::encode(tcr::wbwa) |
        tcr::ORGN0::encode(tcr::wbwa) | tcr::SH0::encode(tcr::inner_shareable) |
        tcr::TG0::encode(tcr::tg0_for(GranuleShift)) | tcr::PS::encode(tcr::size_for(PaBits)) |
        tcr::el2_res1 | (base::lpa2 ? tcr::DS_EL2 : 0);

    // Boot: one root in TTBR0_EL2 (no high half without VHE).
    static constexpr bool split_roots = false;
    struct registers {
        std::uint64_t ttbr0_el2, tcr_el2, mair_el2;
        std::uint64_t sctlr_el2_set, sctlr_el2_clear;  // SCTLR_EL2 = (SCTLR_EL2 | set) & ~clear
        constexpr std::array<named_register, 5> named() const noexcept {
            return {{{"ttbr0_el2", ttbr0_el2}, {"tcr_el2", tcr_el2}, {"mair_el2", mair_el2},
                     {"sctlr_el2_set", sctlr_el2_set}, {"sctlr_el2_clear", sctlr_el2_clear}}};
        }
    };
    static constexpr registers boot_registers(paddr root, paddr) noexcept {
        return {ttbr(root), tcr_el2, base::mair, base::sctlr_set, base::sctlr_clear};
    }
};

// The seed's formats (4 KiB granule, 48-bit VA and PA), and the other granules.
using stage1_4k_el1 = stage1_el1<12>;
using stage1_4k_el2 = stage1_el2<12>;
using stage1_16k_el1 = stage1_el1<14>;  // 48 bits: 4 levels, a 2-entry root
using stage1_16k_el2 = stage1_el2<14>;
using stage1_64k_el1 = stage1_el1<16>;  // 48 bits: 3 levels, a 64-entry root
using stage1_64k_el2 = stage1_el2<16>;
// FEAT_LPA2 (TCR.DS = 1): 52-bit VA and PA with 4 KiB pages, 5 levels from a 16-entry root.
using stage1_4k_52bit_el1 = stage1_el1<12, 52, 52>;

}  // namespace ptgen::aarch64
