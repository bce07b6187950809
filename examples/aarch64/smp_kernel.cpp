// examples/aarch64/smp_kernel.cpp: the AArch64 SMP test kernel (QEMU virt -cpu max -smp 4,
// multi-threaded TCG), EL1, 4 KiB granule. The boot CPU starts the others with PSCI CPU_ON
// (HVC conduit: QEMU virt without EL2; Arm DEN 0022 "Power State Coordination Interface"
// 5.1.4); the four share one address space, adopted from compile-time tables as
// page_table<stage1_4k_el1, ..., el1_tlb, many_cpus>, and run examples/common/smp_checks.hpp.
// TLBI VAE1IS / VMALLE1IS + DSB ISH reach every PE of the Inner Shareable domain and complete
// before the DSB does (Arm ARM D8.13 "TLB maintenance"), so no software shootdown is needed.
// With -DPTGEN_KERNEL_BREAK_PTE the table uses a policy that invalidates this PE only (TLBI
// VALE1) while claiming to reach all: the checks must fail.
#include <atomic>
#include <cstdint>

#include <ptgen/boot.hpp>
#include <ptgen/tlb/aarch64.hpp>

#include "../common/smp_checks.hpp"
#include "../common/link_symbols.hpp"
#include "platform.hpp"

using namespace ptgen::literals;

namespace {

using format = ptgen::aarch64::stage1_4k_el1;
constexpr ptgen::paddr ram_base = 0x4000'0000;
constexpr std::uint64_t ram_size = 128_MiB;
using platform::uart_base;

constexpr ptgen::boot::layout<format> layout{
    .table_base = 0x4040'0000,
    .regions = {
        ptgen::boot::identity(ram_base, ram_size, ptgen::rwx, "ram").writable_and_executable(),
        ptgen::boot::device_window(uart_base, 4_KiB, "uart"),
    }};
constexpr auto image = ptgen::boot::build<layout>();
static_assert(ptgen::boot::verify(image, layout));

constexpr unsigned harts = kernel::smp::harts;

#if defined(PTGEN_KERNEL_BREAK_PTE)
// Test-only: a wrong policy (this PE's TLBI VALE1 / VMALLE1) that claims the broadcast's reach.
struct wrong_reach_tlb : ptgen::aarch64::el1_local_tlb {
    static constexpr ptgen::tlb_reach reach = ptgen::tlb_reach::all_cpus_by_hardware;
};
using tlb = wrong_reach_tlb;
#else
using tlb = ptgen::aarch64::el1_tlb;
#endif
using table = ptgen::page_table<format, ptgen::handler_memory<kernel::smp::shared_frame_handler>, tlb,
                                ptgen::many_cpus>;


// PSCI CPU_ON (function 0xC4000003, SMC64/HVC64 calling convention): target MPIDR (QEMU virt:
// Aff0 = the CPU's index), entry point (physical, MMU off), context id (x0 at the entry).
std::int64_t psci_cpu_on(std::uint64_t mpidr, std::uint64_t entry, std::uint64_t context) {
    register std::uint64_t x0 asm("x0") = 0xC400'0003;
    register std::uint64_t x1 asm("x1") = mpidr;
    register std::uint64_t x2 asm("x2") = entry;
    register std::uint64_t x3 asm("x3") = context;
    asm volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
    return std::int64_t(x0);
}

}  // namespace

PTGEN_BOOT_TABLES(boot_tables, image);

PTGEN_KERNEL_TABLE_BASE_SYMBOL(layout)

extern "C" char __boot_tables_end[], vectors[], secondary_entry[];
// The secondary CPUs' stacks (start.S).
extern "C" alignas(16) unsigned char smp_stacks[harts - 1][PTGEN_SMP_STACK_BYTES];
alignas(16) unsigned char smp_stacks[harts - 1][PTGEN_SMP_STACK_BYTES];

namespace kernel::smp {

unsigned this_hart() { return unsigned(PTGEN_SYSREG_READ(tpidr_el1)); }

void poll() { asm volatile("yield"); }  // (the invalidations are broadcast by the hardware)

bool load(std::uint64_t va, std::uint64_t& value, fault& f) {
    return probe([&] { asm volatile("ldr %0, [%1]" : "+r"(value) : "r"(va) : "memory"); }, f);
}
bool store(std::uint64_t va, std::uint64_t value, fault& f) {
    return probe([&] { asm volatile("str %0, [%1]" : : "r"(value), "r"(va) : "memory"); }, f);
}
// ESR_EL1.EC 0x25: data abort from the current EL; ISS.WnR (bit 6): a write.
bool is_read_fault(const fault& f) { return (f.cause >> 26) == 0x25 && !(f.cause & (1u << 6)); }
bool is_write_fault(const fault& f) { return (f.cause >> 26) == 0x25 && (f.cause & (1u << 6)); }

}  // namespace kernel::smp


// Synchronous exceptions from EL1 (vector 4): an armed probe is skipped.
extern "C" void aarch64_trap(std::uint64_t*, std::uint64_t vector) {
    const std::uint64_t esr = PTGEN_SYSREG_READ(esr_el1), far = PTGEN_SYSREG_READ(far_el1),
                        elr = PTGEN_SYSREG_READ(elr_el1);
    if (vector != 4 || !kernel::smp::record_fault(esr, far)) {
        kernel::println("unexpected trap on hart ", kernel::smp::this_hart(), ": vector ", std::uint64_t(vector),
                        " ESR ", kernel::hex{esr}, " FAR ", kernel::hex{far}, " ELR ", kernel::hex{elr});
        kernel::println("ptgen-kernel: FAIL");
        arch::exit(false, 3);
    }
    PTGEN_SYSREG_WRITE(elr_el1, elr + 4);
}

namespace {

// The other CPUs, each with its index as PSCI's context id (start.S: secondary_entry).
void start_others() {
    for (unsigned h = 1; h < harts; ++h) {
        const std::int64_t r = psci_cpu_on(h, std::uintptr_t(secondary_entry), h);
        if (r != 0) {
            kernel::println("PSCI CPU_ON of CPU ", h, " failed: ", int(r));
            kernel::println("ptgen-kernel: FAIL");
            arch::exit(false, 4);
        }
    }
}

}  // namespace

// From start.S: the boot CPU with hart 0, the others from secondary_entry with their index.
extern "C" [[noreturn]] void kernel_entry(std::uint64_t hart) {
    constexpr auto regs = image.registers();
    PTGEN_SYSREG_WRITE(tpidr_el1, hart);
    platform::mmu_on_el1(regs, vectors);
    asm volatile("isb" ::: "memory");
    if (hart == 0) kernel::println("ptgen SMP kernel: aarch64-4k-el1, ", harts, " CPUs, one address space");
    const ptgen::paddr pool_base = (ptgen::paddr(std::uintptr_t(__boot_tables_end)) + 0x1f'ffff) & ~0x1f'ffffull;
    kernel::smp::run_hart<table>(unsigned(hart), image, tlb{}, pool_base, ram_base + ram_size,
                                 0x10'0000'0000, start_others, [] {});
}
