// ptgen/page_tables.hpp: the seed's names. ptgen::x86_64::page_table<Handler> and friends are
// the generic page_table with a handler's memory and the format's native TLB policy.
#pragma once

#include "arch/aarch64.hpp"
#include "arch/arm.hpp"
#include "arch/arm_lpae.hpp"
#include "arch/loongarch64.hpp"
#include "arch/riscv.hpp"
#include "arch/x86_32.hpp"
#include "arch/x86_64.hpp"
#include "core/handler_memory.hpp"
#include "core/page_table.hpp"
#include "tlb/native.hpp"

namespace ptgen {

// The aliases use the native TLB policy of the format (tlb/native.hpp): the architecture's own
// in a kernel built for it, no_tlb elsewhere.
template <page_table_format F, class Handler>
using handler_page_table = page_table<F, handler_memory<Handler>, native_tlb<F>>;

namespace x86_64 {
template <class H>
using page_table = handler_page_table<long_mode_4level, H>;
template <class H>
using page_table_5level = handler_page_table<long_mode_5level, H>;  // CR4.LA57
}  // namespace x86_64
namespace x86_32 {
template <class H>
using page_table = handler_page_table<two_level, H>;
template <class H>
using pae_page_table = handler_page_table<pae, H>;  // CR4.PAE, IA32_EFER.NXE
}  // namespace x86_32
namespace aarch64 {
template <class H>
using page_table = handler_page_table<stage1_4k_el1, H>;
template <class H>
using el2_page_table = handler_page_table<stage1_4k_el2, H>;
}  // namespace aarch64
namespace arm {
template <class H>
using page_table = handler_page_table<short_descriptor, H>;
template <class H>
using lpae_page_table = handler_page_table<long_descriptor, H>;  // TTBCR.EAE
}
namespace riscv {
template <class H>
using sv32_page_table = handler_page_table<sv32, H>;
template <class H>
using sv39_page_table = handler_page_table<sv39, H>;
template <class H>
using sv48_page_table = handler_page_table<sv48, H>;
template <class H>
using sv57_page_table = handler_page_table<sv57, H>;
template <class H>
using sv39_svpbmt_page_table = handler_page_table<sv39_svpbmt, H>;  // menvcfg.PBMTE
template <class H>
using sv39_svnapot_page_table = handler_page_table<sv39_svnapot, H>;  // a hart with Svnapot
}  // namespace riscv
namespace loongarch64 {
template <class H>
using page_table = handler_page_table<la64_4level, H>;
}

}  // namespace ptgen
