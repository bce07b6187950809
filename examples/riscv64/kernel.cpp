// examples/riscv64/kernel.cpp: the RISC-V test kernel (QEMU virt, S mode), Sv39, Sv48
// (-DPTGEN_KERNEL_SV48), Sv57 (-DPTGEN_KERNEL_SV57), Sv39 with Svpbmt (-DPTGEN_KERNEL_SVPBMT:
// the UART and the exit device mapped as I/O memory) or Sv39 with Svnapot
// (-DPTGEN_KERNEL_SVNAPOT: the kernel half's 4 KiB pages in 64 KiB NAPOT runs from the first
// instruction); built for RV32 (examples/riscv32/), Sv32.
// Boots on compile-time tables, then runs kernel::run_checks.
#include <cstdint>

#include <ptgen/boot.hpp>
#include <ptgen/tlb/riscv.hpp>

#include "../common/break_pte.hpp"
#include "../common/kernel_checks.hpp"
#include "../common/link_symbols.hpp"
#include "platform.hpp"

using namespace ptgen::literals;

namespace {

#if __riscv_xlen == 32
using format = ptgen::riscv::sv32;
#elif defined(PTGEN_KERNEL_SV48)
using format = ptgen::riscv::sv48;
#elif defined(PTGEN_KERNEL_SV57)
using format = ptgen::riscv::sv57;
#elif defined(PTGEN_KERNEL_SVPBMT)
using format = ptgen::riscv::sv39_svpbmt;
#elif defined(PTGEN_KERNEL_SVNAPOT)
using format = ptgen::riscv::sv39_svnapot;
#else
using format = ptgen::riscv::sv39;
#endif

using platform::ram_base;
using platform::ram_size;
// Linux's KERNEL_LINK_ADDR; on RV32 above its PAGE_OFFSET (0xc000'0000)
constexpr ptgen::vaddr kernel_half = format::va_bits == 32 ? 0xf000'0000 : 0xffff'ffff'8000'0000;
using platform::uart_base;
using platform::test_device;

// The boot layout: RAM identity-mapped (the kernel runs there; huge pages), the first 4 MiB
// of RAM again in the kernel half (4 KiB pages), the UART and the exit device.
// After the kernel half, a 64 KiB guard region (no access) that kernel_checks.hpp probes.
constexpr ptgen::boot::layout<format> layout{
    .table_base = 0x8020'0000,
    .regions = {
        ptgen::boot::identity(ram_base, ram_size, ptgen::rwx, "ram").writable_and_executable(),
        ptgen::boot::linear(kernel_half, ram_base, 4_MiB, ptgen::rw | ptgen::global, "kernel half")
            .small_pages(),
        // a guard right after it: the next 64 KiB of RAM, mapped without access
        ptgen::boot::guard(kernel_half + 4_MiB, ram_base + 4_MiB, 64_KiB, "guard"),
        ptgen::boot::device_window(uart_base, 4_KiB, "uart"),
        ptgen::boot::device_window(test_device, 4_KiB, "test device"),
    }};
constexpr auto built = ptgen::boot::build<layout>();
static_assert(ptgen::boot::verify(built, layout));
static_assert(ptgen::translate(built, kernel_half + 0x20'0123)->pa == 0x8020'0123);
#if defined(PTGEN_KERNEL_BREAK_PTE)
// Test-only: the kernel-half leaf that maps the boot tables points one page too far.
constexpr auto image = kernel::with_broken_leaf(built, kernel_half + (layout.table_base - ram_base));
#else
constexpr const auto& image = built;
#endif

}  // namespace

PTGEN_BOOT_TABLES(boot_tables, image);

PTGEN_KERNEL_TABLE_BASE_SYMBOL(layout)

extern "C" char __boot_tables_end[], trap_entry[];

namespace {

struct kernel_description {
    using format = ::format;
    using tlb = ptgen::riscv::sfence_tlb;
    static constexpr const auto& layout = ::layout;
    static constexpr const auto& image = ::image;
    static const void* section() { return boot_tables.data(); }
    static constexpr ptgen::vaddr kernel_half = ::kernel_half;
    static constexpr ptgen::paddr kernel_half_pa = ram_base;
    // With Sv57 the run-time mappings lie above bit 47, where an Sv48 walk would fault: the
    // checks prove the fifth level.
    static constexpr ptgen::vaddr high = format::va_bits > 48 ? 0x0080'0000'0000'0000 : 0;
    // Sv32: below RAM, 4 MiB megapages.
    static constexpr bool rv32 = format::va_bits == 32;
    static constexpr ptgen::vaddr test_va = rv32 ? 0x4000'0000 : high + 0x10'0000'0000;
    static constexpr ptgen::vaddr huge_va = rv32 ? 0x4040'0000 : high + 0x10'4000'0000;
    static constexpr std::uint64_t huge_size = rv32 ? 4_MiB : 2_MiB;
    static ptgen::paddr pool_base() {
        return (ptgen::paddr(std::uintptr_t(__boot_tables_end)) + huge_size - 1) & ~(huge_size - 1);
    }
    static ptgen::paddr pool_end() { return ram_base + ram_size; }
};

unsigned long read_satp() {  // XLEN bits
    unsigned long v;
    asm volatile("csrr %0, satp" : "=r"(v));
    return v;
}

}  // namespace

// ---- arch:: for RISC-V -----------------------------------------------------------------------

namespace arch {

// Each probe is one 4-byte instruction (no compressed encodings), so the handler skips 4 bytes;
// on RV32 two (the halves of an 8-byte-aligned word, one page), skipped together (probe_bytes).
#if __riscv_xlen == 64
constexpr unsigned long probe_bytes = 4;
bool load(std::uint64_t va, std::uint64_t& value) {
    asm volatile(".option push\n\t.option norvc\n\tld %0, 0(%1)\n\t.option pop"
                 : "+r"(value) : "r"(va) : "memory");
    return !kernel::last_fault.taken;
}
bool store(std::uint64_t va, std::uint64_t value) {
    asm volatile(".option push\n\t.option norvc\n\tsd %0, 0(%1)\n\t.option pop"
                 : : "r"(value), "r"(va) : "memory");
    return !kernel::last_fault.taken;
}
#else
constexpr unsigned long probe_bytes = 8;
bool load(std::uint64_t va, std::uint64_t& value) {
    std::uint32_t lo = std::uint32_t(value), hi = std::uint32_t(value >> 32);
    asm volatile(".option push\n\t.option norvc\n\tlw %0, 0(%2)\n\tlw %1, 4(%2)\n\t.option pop"
                 : "+r"(lo), "+r"(hi) : "r"(std::uint32_t(va)) : "memory");
    value = (std::uint64_t(hi) << 32) | lo;
    return !kernel::last_fault.taken;
}
bool store(std::uint64_t va, std::uint64_t value) {
    asm volatile(".option push\n\t.option norvc\n\tsw %0, 0(%2)\n\tsw %1, 4(%2)\n\t.option pop"
                 : : "r"(std::uint32_t(value)), "r"(std::uint32_t(value >> 32)), "r"(std::uint32_t(va))
                 : "memory");
    return !kernel::last_fault.taken;
}
#endif
bool execute(std::uint64_t va) {
    reinterpret_cast<void (*)()>(std::uintptr_t(va))();
    return !kernel::last_fault.taken;
}
void write_return_instruction(std::uint64_t pa) {
    *reinterpret_cast<volatile std::uint32_t*>(std::uintptr_t(pa)) = 0x0000'8067;  // jalr x0, 0(ra)
    asm volatile("fence.i" ::: "memory");
}

std::uint64_t instructions() {
#if __riscv_xlen == 64
    std::uint64_t v;
    asm volatile("rdinstret %0" : "=r"(v));
    return v;
#else
    std::uint32_t hi, lo, again;
    do {  // the high half must not change while the low half is read
        asm volatile("rdinstreth %0\n\trdinstret %1\n\trdinstreth %2" : "=r"(hi), "=r"(lo), "=r"(again));
    } while (hi != again);
    return (std::uint64_t(hi) << 32) | lo;
#endif
}
const char* const counter_name = "rdinstret, QEMU -icount shift=0";

bool print_and_check_root_registers() {
    const std::uint64_t satp = read_satp();
    kernel::println("satp = ", kernel::hex{satp}, " (compile-time value ",
                    kernel::hex{image.registers().satp}, ")");
    return satp == image.registers().satp;
}

}  // namespace arch

// scause (4.1.9): 12 instruction, 13 load, 15 store/AMO page fault; stval = the address.
extern "C" void riscv_trap(unsigned long* regs) {
    unsigned long cause, tval, epc;
    asm volatile("csrr %0, scause\n\tcsrr %1, stval\n\tcsrr %2, sepc"
                 : "=r"(cause), "=r"(tval), "=r"(epc));
    const kernel::access kind = cause == 12   ? kernel::access::fetch
                                : cause == 13 ? kernel::access::read
                                : cause == 15 ? kernel::access::write
                                              : kernel::access::other;
    kernel::trap_taken(kind, tval, cause, epc);
    // A fetch fault happened on the call into the page: return to the caller (ra).
    const unsigned long resume = kind == kernel::access::fetch ? regs[1] : epc + arch::probe_bytes;
    asm volatile("csrw sepc, %0" : : "r"(resume));
}

// S mode, straight from start.S. The first act: translation on with the compile-time tables.
extern "C" [[noreturn]] void kernel_entry() {
    asm volatile("csrw satp, %0\n\tsfence.vma zero, zero"
                 : : "r"(static_cast<unsigned long>(image.registers().satp)) : "memory");
    asm volatile("csrw stvec, %0" : : "r"(trap_entry));
    kernel::run_checks<kernel_description>();
}
