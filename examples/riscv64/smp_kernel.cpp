// examples/riscv64/smp_kernel.cpp: the RISC-V SMP test kernel (QEMU virt -smp 4, multi-threaded
// TCG, -bios none), Sv39. Four harts share one address space, adopted from compile-time tables
// as page_table<sv39, ..., shootdown_tlb<sfence_tlb, mailbox_shootdown>, many_cpus>, and run
// examples/common/smp_checks.hpp. SFENCE.VMA reaches the executing hart only (Privileged spec
// 4.2.1), so the kernel supplies the shootdown: the hart that changes the table posts the
// pages in a mailbox and waits until every other hart has run SFENCE.VMA for them (harts
// serve the mailbox wherever they wait: locks, barriers, grace periods). With
// -DPTGEN_KERNEL_BREAK_PTE the shootdown forgets the other harts: the checks must fail.
#include <atomic>
#include <cstdint>

#include <ptgen/boot.hpp>
#include <ptgen/tlb/riscv.hpp>
#include <ptgen/tlb/shootdown.hpp>

#include "../common/smp_checks.hpp"
#include "../common/link_symbols.hpp"
#include "platform.hpp"

using namespace ptgen::literals;

namespace {

using format = ptgen::riscv::sv39;
using platform::ram_base;
using platform::ram_size;
using platform::uart_base;
using platform::test_device;

constexpr ptgen::boot::layout<format> layout{
    .table_base = 0x8020'0000,
    .regions = {
        ptgen::boot::identity(ram_base, ram_size, ptgen::rwx, "ram").writable_and_executable(),
        ptgen::boot::device_window(uart_base, 4_KiB, "uart"),
        ptgen::boot::device_window(test_device, 4_KiB, "test device"),
    }};
constexpr auto image = ptgen::boot::build<layout>();
static_assert(ptgen::boot::verify(image, layout));

constexpr unsigned harts = kernel::smp::harts;

// The shootdown mailbox: one request at a time (its sender holds the table's lock).
struct mailbox {
    std::atomic<std::uint64_t> generation{0};
    ptgen::vaddr pages[32]{};  // a cursor's batch: at most cursor::flush_batch (32) pages
    std::size_t count = 0;  // 0: every translation
    std::atomic<std::uint64_t> done[harts]{};
    std::atomic<std::uint64_t> served{0};
};
constinit mailbox shootdowns{};

struct mailbox_shootdown {
    struct completion {
        std::uint64_t generation;
        void wait() const {
            for (unsigned h = 0; h < harts; ++h)
                while (shootdowns.done[h].load(std::memory_order_acquire) < generation) {
                }
        }
    };
    completion post(const ptgen::vaddr* vas, std::size_t n) const {
#if defined(PTGEN_KERNEL_BREAK_PTE)
        (void)vas, (void)n;
        return {0};  // test-only: the other harts are never asked
#else
        for (std::size_t k = 0; k < n; ++k) shootdowns.pages[k] = vas[k];
        shootdowns.count = n;
        const std::uint64_t g = shootdowns.generation.fetch_add(1, std::memory_order_acq_rel) + 1;
        shootdowns.done[kernel::smp::this_hart()].store(g, std::memory_order_release);  // (local part)
        return {g};
#endif
    }
    completion shootdown_pages(const ptgen::vaddr* vas, std::size_t n) const { return post(vas, n); }
    completion shootdown_all() const { return post(nullptr, 0); }
};

using tlb = ptgen::shootdown_tlb<ptgen::riscv::sfence_tlb, mailbox_shootdown>;
using table = ptgen::page_table<format, ptgen::handler_memory<kernel::smp::shared_frame_handler>, tlb,
                                ptgen::many_cpus>;


}  // namespace

PTGEN_BOOT_TABLES(boot_tables, image);

PTGEN_KERNEL_TABLE_BASE_SYMBOL(layout)

extern "C" char __boot_tables_end[], trap_entry[];
// The secondary harts' stacks (start.S).
extern "C" alignas(16) unsigned char smp_stacks[harts - 1][PTGEN_SMP_STACK_BYTES];
alignas(16) unsigned char smp_stacks[harts - 1][PTGEN_SMP_STACK_BYTES];

namespace kernel::smp {

unsigned this_hart() {
    unsigned long tp;
    asm volatile("mv %0, tp" : "=r"(tp));
    return unsigned(tp);
}

// Runs the other harts' shootdown request, if one is new to this hart.
void poll() {
    const unsigned h = this_hart();
    const std::uint64_t g = shootdowns.generation.load(std::memory_order_acquire);
    if (shootdowns.done[h].load(std::memory_order_relaxed) >= g) return;
    if (shootdowns.count == 0) {
        ptgen::riscv::sfence_tlb{}.flush_all();
    } else {
        for (std::size_t k = 0; k < shootdowns.count; ++k) ptgen::riscv::sfence_tlb{}.flush_page(shootdowns.pages[k]);
    }
    shootdowns.served.fetch_add(1, std::memory_order_relaxed);
    shootdowns.done[h].store(g, std::memory_order_release);
}

// One 4-byte instruction each (the trap handler skips it).
bool load(std::uint64_t va, std::uint64_t& value, fault& f) {
    return probe([&] { asm volatile(".option push\n\t.option norvc\n\tld %0, 0(%1)\n\t.option pop" : "+r"(value) : "r"(va) : "memory"); }, f);
}
bool store(std::uint64_t va, std::uint64_t value, fault& f) {
    return probe([&] { asm volatile(".option push\n\t.option norvc\n\tsd %0, 0(%1)\n\t.option pop" : : "r"(value), "r"(va) : "memory"); }, f);
}
bool is_read_fault(const fault& f) { return f.cause == 13; }   // load page fault (4.1.9)
bool is_write_fault(const fault& f) { return f.cause == 15; }  // store/AMO page fault

}  // namespace kernel::smp


// scause 13 / 15: load / store page fault, stval the address; an armed probe is skipped.
extern "C" void riscv_trap(unsigned long*) {
    unsigned long cause, tval, epc;
    asm volatile("csrr %0, scause\n\tcsrr %1, stval\n\tcsrr %2, sepc" : "=r"(cause), "=r"(tval), "=r"(epc));
    if (!kernel::smp::record_fault(cause, tval)) {
        kernel::println("unexpected trap on hart ", kernel::smp::this_hart(), ": cause ", kernel::hex{cause},
                        " address ", kernel::hex{tval}, " pc ", kernel::hex{epc});
        kernel::println("ptgen-kernel: FAIL");
        arch::exit(false, 3);
    }
    asm volatile("csrw sepc, %0" : : "r"(epc + 4));
}

namespace {

void report() {
    kernel::println("  shootdown requests served by the other harts: ", std::uint64_t(shootdowns.served.load()));
}

}  // namespace

extern "C" [[noreturn]] void kernel_entry(unsigned long hart) {
    asm volatile("mv tp, %0" : : "r"(hart));
    asm volatile("csrw satp, %0\n\tsfence.vma zero, zero"
                 : : "r"(static_cast<unsigned long>(image.registers().satp)) : "memory");
    asm volatile("csrw stvec, %0" : : "r"(trap_entry));
    if (hart == 0) kernel::println("ptgen SMP kernel: riscv-sv39, ", harts, " harts, one address space");
    const ptgen::paddr pool_base = (ptgen::paddr(std::uintptr_t(__boot_tables_end)) + 0x1f'ffff) & ~0x1f'ffffull;
    // (-bios none starts every hart at once: they wait for hart 0's table)
    kernel::smp::run_hart<table>(unsigned(hart), image, tlb{}, pool_base, ram_base + ram_size,
                                 0x10'0000'0000, [] {}, report);
}
