// ptgen/all_formats.hpp: every format of the library, as a Boost.Hana tuple of types, for
// tests, generators and the demo to iterate over.
#pragma once

#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "arch/aarch64.hpp"
#include "arch/arm.hpp"
#include "arch/arm_lpae.hpp"
#include "arch/loongarch64.hpp"
#include "arch/riscv.hpp"
#include "arch/x86_32.hpp"
#include "arch/x86_64.hpp"

namespace ptgen {

inline constexpr auto all_formats = boost::hana::tuple_t<
    x86_64::long_mode_4level, x86_64::long_mode_5level, x86_32::two_level, x86_32::pae,
    aarch64::stage1_4k_el1, aarch64::stage1_4k_el2, aarch64::stage1_16k_el1,
    aarch64::stage1_64k_el1, aarch64::stage1_4k_52bit_el1, arm::short_descriptor, arm::long_descriptor, riscv::sv32, riscv::sv39, riscv::sv48, riscv::sv57,
    riscv::sv39_svpbmt, riscv::sv39_svnapot, loongarch64::la64_4level>;

}  // namespace ptgen
