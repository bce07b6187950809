// examples/aarch64/kernel.cpp: the AArch64 test kernel (QEMU virt, -cpu max), at EL1 (EL1&0
// regime, TTBR0_EL1 + TTBR1_EL1) or, with -DPTGEN_KERNEL_EL2, at EL2 (HCR_EL2.E2H = 0,
// TTBR0_EL2); the granule (-DPTGEN_KERNEL_GRANULE_SHIFT=12, 14, 16) and the VA size
// (-DPTGEN_KERNEL_VA_BITS, 48 by default; 52: FEAT_LVA with 64 KiB, FEAT_LPA2 with 4 and 16 KiB)
// and the PA size (-DPTGEN_KERNEL_PA_BITS, 48 by default; 52: FEAT_LPA, FEAT_LPA2) chosen by the
// build. Boots on
// compile-time tables, then runs kernel::run_checks.
#include <cstdint>

#include <ptgen/boot.hpp>
#include <ptgen/generators/recipes.hpp>
#include <ptgen/tlb/aarch64.hpp>

#include "../common/break_pte.hpp"
#include "../common/kernel_checks.hpp"
#include "../common/link_symbols.hpp"
#include "platform.hpp"

using namespace ptgen::literals;

namespace {

#if !defined(PTGEN_KERNEL_GRANULE_SHIFT)
#define PTGEN_KERNEL_GRANULE_SHIFT 12
#endif
#if !defined(PTGEN_KERNEL_VA_BITS)
#define PTGEN_KERNEL_VA_BITS 48
#endif
#if !defined(PTGEN_KERNEL_PA_BITS)
#define PTGEN_KERNEL_PA_BITS 48
#endif
#if defined(PTGEN_KERNEL_EL2)
using format = ptgen::aarch64::stage1_el2<PTGEN_KERNEL_GRANULE_SHIFT, PTGEN_KERNEL_VA_BITS,
                                          PTGEN_KERNEL_PA_BITS>;
using tlb_policy = ptgen::aarch64::el2_tlb;
#else
using format = ptgen::aarch64::stage1_el1<PTGEN_KERNEL_GRANULE_SHIFT, PTGEN_KERNEL_VA_BITS,
                                          PTGEN_KERNEL_PA_BITS>;
using tlb_policy = ptgen::aarch64::el1_tlb;
#endif

// The smallest block of the granule (2 MiB, 32 MiB, 512 MiB): the run-time huge page. A 512 MiB
// one needs 512 MiB-aligned free RAM: the 64 KiB kernels run with -m 1G.
constexpr std::uint64_t block_size = ptgen::geometry_of<format>::span(ptgen::geometry_of<format>::last - 1);
constexpr ptgen::paddr ram_base = 0x4000'0000;
constexpr std::uint64_t ram_size = block_size > 128_MiB ? 1_GiB : 128_MiB;  // qemu -m
static_assert(ram_size / kernel::frame_pool::frame <= kernel::frame_pool::max_frames,
              "the frame pool's bitmap covers all RAM (PTGEN_KERNEL_MAX_FRAMES)");
constexpr ptgen::paddr kernel_pa = 0x4020'0000;
// EL1: the TTBR1 half at Linux's KIMAGE_VADDR; EL2 (one range): the recipes' usual address.
constexpr ptgen::vaddr kernel_half = ptgen::recipes::usual_addresses<format>::kernel_image;
using platform::uart_base;

// The boot layout: RAM identity-mapped (huge pages), the kernel image and its boot tables again
// in the kernel half (pages of one granule), the UART.
// After the kernel half, a 64 KiB guard region (no access) that kernel_checks.hpp probes.
constexpr ptgen::boot::layout<format> layout{
    .table_base = 0x4040'0000,
    .regions = {
        ptgen::boot::identity(ram_base, ram_size, ptgen::rwx, "ram").writable_and_executable(),
        ptgen::boot::linear(kernel_half, kernel_pa, 4_MiB, ptgen::rw | ptgen::global, "kernel half")
            .small_pages(),
        // a guard right after it: the next 64 KiB of RAM, mapped without access
        ptgen::boot::guard(kernel_half + 4_MiB, kernel_pa + 4_MiB, 64_KiB, "guard"),
        ptgen::boot::device_window(uart_base, ptgen::geometry_of<format>::min_page, "uart"),
    }};
constexpr auto built = ptgen::boot::build<layout>();
static_assert(ptgen::boot::verify(built, layout));
static_assert(ptgen::translate(built, kernel_half + 0x20'0123)->pa == 0x4040'0123);
#if defined(PTGEN_KERNEL_BREAK_PTE)
// Test-only: the kernel-half leaf that maps the boot tables points one page too far.
constexpr auto image = kernel::with_broken_leaf(built, kernel_half + (layout.table_base - kernel_pa));
#else
constexpr const auto& image = built;
#endif

}  // namespace

PTGEN_BOOT_TABLES(boot_tables, image);

PTGEN_KERNEL_TABLE_BASE_SYMBOL(layout)

extern "C" char __boot_tables_end[], vectors[];

namespace {

struct kernel_description {
    using format = ::format;
    using tlb = tlb_policy;
    static constexpr const auto& layout = ::layout;
    static constexpr const auto& image = ::image;
    static const void* section() { return boot_tables.data(); }
    static constexpr ptgen::vaddr kernel_half = ::kernel_half;
    static constexpr ptgen::paddr kernel_half_pa = kernel_pa;
    // With 52 VA bits (FEAT_LVA) the run-time mappings lie above bit 48, where a 48-bit walk
    // faults: the checks pass only if the MMU walks the 8 KiB root as a 52-bit one.
    static constexpr ptgen::vaddr above_48 = PTGEN_KERNEL_VA_BITS > 48 ? 0x0008'0000'0000'0000 : 0;
    static constexpr ptgen::vaddr test_va = above_48 + 0x10'0000'0000;
    static constexpr ptgen::vaddr huge_va = above_48 + 0x10'4000'0000;
    static constexpr std::uint64_t huge_size = block_size;
    static ptgen::paddr pool_base() {
        return (ptgen::paddr(std::uintptr_t(__boot_tables_end)) + 2_MiB - 1) & ~(2_MiB - 1);
    }
    static ptgen::paddr pool_end() { return ram_base + ram_size; }
};

}  // namespace

// ---- arch:: for AArch64 ----------------------------------------------------------------------

namespace arch {

bool load(std::uint64_t va, std::uint64_t& value) {
    asm volatile("ldr %0, [%1]" : "+r"(value) : "r"(va) : "memory");
    return !kernel::last_fault.taken;
}
bool store(std::uint64_t va, std::uint64_t value) {
    asm volatile("str %0, [%1]" : : "r"(value), "r"(va) : "memory");
    return !kernel::last_fault.taken;
}
bool execute(std::uint64_t va) {
    reinterpret_cast<void (*)()>(std::uintptr_t(va))();
    return !kernel::last_fault.taken;
}
void write_return_instruction(std::uint64_t pa) {
    *reinterpret_cast<volatile std::uint32_t*>(std::uintptr_t(pa)) = 0xd65f'03c0;  // ret
    // Make the new instruction visible to fetch (Arm ARM B2.4.4, "Concurrent modification and
    // execution of instructions"): clean D to PoU, invalidate I.
    asm volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %0\n\tdsb ish\n\tisb" : : "r"(pa) : "memory");
}

// PMU event counter 0 counting INST_RETIRED (event 0x08), at this EL (PMEVTYPER0_EL0.NSH = 1
// counts at EL2). QEMU implements the event only under -icount. PMEVCNTR0_EL0 is 32 bits.
std::uint64_t instructions() { return PTGEN_SYSREG_READ(pmevcntr0_el0) & 0xffff'ffff; }
const char* const counter_name = "PMU INST_RETIRED (PMEVCNTR0_EL0), QEMU -icount shift=0";

bool print_and_check_root_registers() {
    const auto want = image.registers();
#if defined(PTGEN_KERNEL_EL2)
    const std::uint64_t ttbr0 = PTGEN_SYSREG_READ(ttbr0_el2), tcr = PTGEN_SYSREG_READ(tcr_el2),
                        mair = PTGEN_SYSREG_READ(mair_el2);
    kernel::println("TTBR0_EL2 = ", kernel::hex{ttbr0}, "  TCR_EL2 = ", kernel::hex{tcr},
                    "  MAIR_EL2 = ", kernel::hex{mair}, "  SCTLR_EL2 = ",
                    kernel::hex{PTGEN_SYSREG_READ(sctlr_el2)});
    return ttbr0 == want.ttbr0_el2 && tcr == want.tcr_el2 && mair == want.mair_el2;
#else
    const std::uint64_t ttbr0 = PTGEN_SYSREG_READ(ttbr0_el1), ttbr1 = PTGEN_SYSREG_READ(ttbr1_el1),
                        tcr = PTGEN_SYSREG_READ(tcr_el1), mair = PTGEN_SYSREG_READ(mair_el1);
    kernel::println("TTBR0_EL1 = ", kernel::hex{ttbr0}, "  TTBR1_EL1 = ", kernel::hex{ttbr1},
                    "  TCR_EL1 = ", kernel::hex{tcr}, "  MAIR_EL1 = ", kernel::hex{mair},
                    "  SCTLR_EL1 = ", kernel::hex{PTGEN_SYSREG_READ(sctlr_el1)});
    return ttbr0 == want.ttbr0_el1 && ttbr1 == want.ttbr1_el1 && tcr == want.tcr_el1 &&
           mair == want.mair_el1;
#endif
}

}  // namespace arch

// Synchronous exceptions from the current EL (vectors 4-7 use SP_ELx): ESR_ELx.EC 0x21
// instruction abort, 0x25 data abort (ISS.WnR, bit 6, = write); FAR_ELx = the address.
extern "C" void aarch64_trap(std::uint64_t* regs, std::uint64_t vector) {
#if defined(PTGEN_KERNEL_EL2)
    const std::uint64_t esr = PTGEN_SYSREG_READ(esr_el2), far = PTGEN_SYSREG_READ(far_el2),
                        elr = PTGEN_SYSREG_READ(elr_el2);
#else
    const std::uint64_t esr = PTGEN_SYSREG_READ(esr_el1), far = PTGEN_SYSREG_READ(far_el1),
                        elr = PTGEN_SYSREG_READ(elr_el1);
#endif
    const std::uint64_t ec = esr >> 26;
    kernel::access kind = kernel::access::other;
    if (vector == 4 && ec == 0x21) kind = kernel::access::fetch;
    if (vector == 4 && ec == 0x25) kind = (esr & (1u << 6)) ? kernel::access::write : kernel::access::read;
    kernel::trap_taken(kind, far, esr, elr);
    // A fetch fault happened on the call into the page: return to the caller (x30).
    const std::uint64_t resume = kind == kernel::access::fetch ? regs[30] : elr + 4;
#if defined(PTGEN_KERNEL_EL2)
    PTGEN_SYSREG_WRITE(elr_el2, resume);
#else
    PTGEN_SYSREG_WRITE(elr_el1, resume);
#endif
}

// From start.S. The first act: translation on with the compile-time tables.
extern "C" [[noreturn]] void kernel_entry() {
    constexpr auto regs = image.registers();
#if defined(PTGEN_KERNEL_EL2)
    PTGEN_SYSREG_WRITE(hcr_el2, std::uint64_t{1} << 31);  // RW: EL1 is AArch64; E2H = 0
    PTGEN_SYSREG_WRITE(mair_el2, regs.mair_el2);
    PTGEN_SYSREG_WRITE(tcr_el2, regs.tcr_el2);
    PTGEN_SYSREG_WRITE(ttbr0_el2, regs.ttbr0_el2);
    asm volatile("isb\n\ttlbi alle2\n\tdsb nsh\n\tisb" ::: "memory");
    PTGEN_SYSREG_WRITE(sctlr_el2, (PTGEN_SYSREG_READ(sctlr_el2) | regs.sctlr_el2_set) & ~regs.sctlr_el2_clear);
    asm volatile("isb" ::: "memory");
    PTGEN_SYSREG_WRITE(vbar_el2, std::uintptr_t(vectors));
    PTGEN_SYSREG_WRITE(pmevtyper0_el0, 0x08 | (std::uint64_t{1} << 27));  // INST_RETIRED, NSH
#else
    platform::mmu_on_el1(regs, vectors);
    PTGEN_SYSREG_WRITE(pmevtyper0_el0, 0x08);  // INST_RETIRED at EL1
#endif
    asm volatile("isb" ::: "memory");
    PTGEN_SYSREG_WRITE(pmcr_el0, 0b11);         // E: enable, P: reset event counters
    PTGEN_SYSREG_WRITE(pmcntenset_el0, 1);      // event counter 0 on
    asm volatile("isb" ::: "memory");
    kernel::run_checks<kernel_description>();
}
