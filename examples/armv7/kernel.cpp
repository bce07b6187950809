// examples/armv7/kernel.cpp: the ARMv7-A test kernel (QEMU virt, cortex-a15, PL1 SVC mode),
// short-descriptor tables (TTBCR.N = 0, TTBR0 only), or with PTGEN_KERNEL_LPAE long-descriptor
// tables (TTBCR.EAE = 1, T0SZ = 0). Boots on compile-time tables, then runs kernel::run_checks.
#include <cstdint>

#include <ptgen/arch/arm_lpae.hpp>
#include <ptgen/boot.hpp>
#include <ptgen/generators/recipes.hpp>
#include <ptgen/tlb/arm.hpp>

#include "../common/break_pte.hpp"
#include "../common/kernel_checks.hpp"
#include "../common/pl011.hpp"

using namespace ptgen::literals;

// CP15 access (ARM ARM B4.1 / B3.17: op1, CRn, CRm, op2).
#define PTGEN_CP15_READ(crn, op1, crm, op2)                                              \
    [] {                                                                                 \
        std::uint32_t v_;                                                                \
        asm volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : "=r"(v_));     \
        return v_;                                                                       \
    }()
#define PTGEN_CP15_WRITE(crn, op1, crm, op2, value)                                      \
    asm volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2                      \
                 : : "r"(std::uint32_t(value)) : "memory")
// 64-bit CP15 registers (B4.1.155 TTBR0 with EAE = 1: MCRR/MRRC p15, 0, <lo>, <hi>, c2).
#define PTGEN_CP15_WRITE64(op1, crm, value)                                                \
    asm volatile("mcrr p15, " #op1 ", %Q0, %R0, " #crm : : "r"(std::uint64_t(value)) : "memory")
#define PTGEN_CP15_READ64(op1, crm)                                                        \
    [] {                                                                                   \
        std::uint64_t v_;                                                                  \
        asm volatile("mrrc p15, " #op1 ", %Q0, %R0, " #crm : "=r"(v_));                    \
        return v_;                                                                         \
    }()

namespace {

#if defined(PTGEN_KERNEL_LPAE)
using format = ptgen::arm::long_descriptor;
constexpr std::uint64_t huge_page = 2_MiB;  // a level 2 block
#else
using format = ptgen::arm::short_descriptor;
constexpr std::uint64_t huge_page = 1_MiB;  // a section
#endif

constexpr ptgen::paddr ram_base = 0x4000'0000;
constexpr std::uint64_t ram_size = 128_MiB;  // qemu -m 128M
constexpr ptgen::paddr kernel_pa = 0x4020'0000;
constexpr ptgen::vaddr kernel_half = ptgen::recipes::usual_addresses<format>::kernel_image;
constexpr ptgen::paddr uart_base = 0x0900'0000;  // PL011

// The boot layout: RAM identity-mapped (1 MiB sections; LPAE: 2 MiB blocks), the kernel image
// and its boot tables again in the kernel half (4 KiB small pages), the UART.
// After the kernel half, a 64 KiB guard region (no access) that kernel_checks.hpp probes.
constexpr ptgen::boot::layout<format> layout{
    .table_base = 0x4040'0000,
    .regions = {
        ptgen::boot::identity(ram_base, ram_size, ptgen::rwx, "ram").writable_and_executable(),
        ptgen::boot::linear(kernel_half, kernel_pa, 4_MiB, ptgen::rw | ptgen::global, "kernel half")
            .small_pages(),
        // a guard right after it: the next 64 KiB of RAM, mapped without access
        ptgen::boot::guard(kernel_half + 4_MiB, kernel_pa + 4_MiB, 64_KiB, "guard"),
        ptgen::boot::device_window(uart_base, 4_KiB, "uart"),
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

// ptgen_table_base: the layout's table_base as an absolute symbol for the linker script's ASSERT.
[[gnu::used]] static void ptgen_symbols() {
    asm volatile(".globl ptgen_table_base\n\t.set ptgen_table_base, %c0"
                 : : "i"(std::uint32_t(layout.table_base)));
}

extern "C" char __boot_tables_end[], vectors[];

namespace {

struct kernel_description {
    using format = ::format;
    using tlb = ptgen::arm::tlbimva_tlb;
    static constexpr const auto& layout = ::layout;
    static constexpr const auto& image = ::image;
    static const void* section() { return boot_tables.data(); }
    static constexpr ptgen::vaddr kernel_half = ::kernel_half;
    static constexpr ptgen::paddr kernel_half_pa = kernel_pa;
    static constexpr ptgen::vaddr test_va = 0xa000'0000;
    static constexpr ptgen::vaddr huge_va = 0xb000'0000;
    static constexpr std::uint64_t huge_size = huge_page;
#if defined(PTGEN_KERNEL_LPAE)
    // QEMU -m 4G: RAM up to 0x1'4000'0000; this page cut to 32 bits is 0x3000'0000, the PCIe
    // MMIO window, where nothing answers (a 32-bit walk would lose the store).
    static constexpr ptgen::paddr high_frame = 0x1'3000'0000;
#endif
    static ptgen::paddr pool_base() {
        return (ptgen::paddr(std::uintptr_t(__boot_tables_end)) + 2_MiB - 1) & ~(2_MiB - 1);
    }
    static ptgen::paddr pool_end() { return ram_base + ram_size; }
};

// Semihosting (Arm "Semihosting for AArch32 and AArch64"), ARM state: SVC 0x123456, R0 =
// operation, R1 = parameter block. SYS_EXIT_EXTENDED (0x20) {ADP_Stopped_ApplicationExit,
// code}: QEMU exits with `code`.
[[noreturn]] void semihosting_exit(std::uint32_t code) {
    static std::uint32_t block[2];
    block[0] = 0x20026;
    block[1] = code;
    register std::uint32_t r0 asm("r0") = 0x20;
    register std::uint32_t r1 asm("r1") = std::uint32_t(std::uintptr_t(block));
    asm volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
    for (;;) asm volatile("wfi");
}

}  // namespace

// ---- arch:: for ARMv7 ------------------------------------------------------------------------

namespace arch {

void putc(char c) { kernel::pl011_putc(uart_base, c); }

void exit(bool pass, unsigned code) { semihosting_exit(pass ? 0 : (code ? code : 1)); }

// LDRD / STRD: one 4-byte instruction for the 64-bit access, skipped by the handler.
bool load(std::uint64_t va, std::uint64_t& value) {
    asm volatile("ldrd %Q0, %R0, [%1]" : "+r"(value) : "r"(std::uint32_t(va)) : "memory");
    return !kernel::last_fault.taken;
}
bool store(std::uint64_t va, std::uint64_t value) {
    asm volatile("strd %Q0, %R0, [%1]" : : "r"(value), "r"(std::uint32_t(va)) : "memory");
    return !kernel::last_fault.taken;
}
bool execute(std::uint64_t va) {
    reinterpret_cast<void (*)()>(std::uintptr_t(va))();
    return !kernel::last_fault.taken;
}
void write_return_instruction(std::uint64_t pa) {
    *reinterpret_cast<volatile std::uint32_t*>(std::uintptr_t(pa)) = 0xe12f'ff1e;  // bx lr
    // B2.2.7: clean the D-cache line to PoU (DCCMVAU), invalidate the I-cache (ICIALLU).
    PTGEN_CP15_WRITE(c7, 0, c11, 1, pa);
    asm volatile("dsb" ::: "memory");
    PTGEN_CP15_WRITE(c7, 0, c5, 0, 0);
    asm volatile("dsb\n\tisb" ::: "memory");
}

// PMU event counter 0 (PMSELR = 0) counting event 0x08, instruction architecturally executed
// (ARM ARM C12.8); QEMU implements the event only under -icount.
std::uint64_t instructions() {
    PTGEN_CP15_WRITE(c9, 0, c12, 5, 0);  // PMSELR
    asm volatile("isb" ::: "memory");
    return PTGEN_CP15_READ(c9, 0, c13, 2);  // PMXEVCNTR
}
const char* const counter_name = "PMU event 0x08 INST_RETIRED (PMXEVCNTR), QEMU -icount shift=0";

bool print_and_check_root_registers() {
    const auto want = image.registers();
    const std::uint32_t ttbcr = PTGEN_CP15_READ(c2, 0, c0, 2);
#if defined(PTGEN_KERNEL_LPAE)
    const std::uint64_t ttbr0 = PTGEN_CP15_READ64(0, c2);
    const std::uint32_t mair0 = PTGEN_CP15_READ(c10, 0, c2, 0), mair1 = PTGEN_CP15_READ(c10, 0, c2, 1);
    kernel::println("TTBR0 = ", kernel::hex{ttbr0}, "  TTBCR = ", kernel::hex{ttbcr}, "  MAIR0 = ",
                    kernel::hex{mair0}, "  SCTLR = ", kernel::hex{PTGEN_CP15_READ(c1, 0, c0, 0)});
    return ttbr0 == want.ttbr0 && ttbcr == want.ttbcr && mair0 == want.mair0 && mair1 == want.mair1;
#else
    const std::uint32_t ttbr0 = PTGEN_CP15_READ(c2, 0, c0, 0), dacr = PTGEN_CP15_READ(c3, 0, c0, 0);
    kernel::println("TTBR0 = ", kernel::hex{ttbr0}, "  TTBCR = ", kernel::hex{ttbcr}, "  DACR = ",
                    kernel::hex{dacr}, "  SCTLR = ", kernel::hex{PTGEN_CP15_READ(c1, 0, c0, 0)});
    return ttbr0 == want.ttbr0 && ttbcr == want.ttbcr && dacr == want.dacr;
#endif
}

}  // namespace arch

// Aborts (B3.13.6): DFSR/DFAR for data aborts (DFSR.WnR, bit 11 = write), IFSR/IFAR for
// prefetch aborts. frame[13] = the faulting instruction, and where to resume.
extern "C" void arm_abort(std::uint32_t* frame, std::uint32_t prefetch, std::uint32_t lr_svc) {
    if (prefetch) {
        const std::uint32_t ifsr = PTGEN_CP15_READ(c5, 0, c0, 1), ifar = PTGEN_CP15_READ(c6, 0, c0, 2);
        kernel::trap_taken(kernel::access::fetch, ifar, ifsr, frame[13]);
        frame[13] = lr_svc;  // the call into the page faulted: return to the caller
    } else {
        const std::uint32_t dfsr = PTGEN_CP15_READ(c5, 0, c0, 0), dfar = PTGEN_CP15_READ(c6, 0, c0, 0);
        kernel::trap_taken((dfsr & (1u << 11)) ? kernel::access::write : kernel::access::read, dfar,
                           dfsr, frame[13]);
        frame[13] += 4;
    }
}

extern "C" [[noreturn]] void arm_unexpected(std::uint32_t vector, std::uint32_t lr) {
    kernel::last_fault.armed = false;
    kernel::trap_taken(kernel::access::other, vector, vector, lr);
    for (;;) {
    }
}

// From start.S. The first act: translation on with the compile-time tables.
extern "C" [[noreturn]] void kernel_entry() {
    constexpr auto regs = image.registers();
    PTGEN_CP15_WRITE(c2, 0, c0, 2, regs.ttbcr);  // TTBCR
#if defined(PTGEN_KERNEL_LPAE)
    PTGEN_CP15_WRITE(c10, 0, c2, 0, regs.mair0);  // MAIR0 (PRRR's encoding with EAE = 1)
    PTGEN_CP15_WRITE(c10, 0, c2, 1, regs.mair1);  // MAIR1 (NMRR's)
    PTGEN_CP15_WRITE64(0, c2, regs.ttbr0);        // TTBR0, 64 bits
#else
    PTGEN_CP15_WRITE(c3, 0, c0, 0, regs.dacr);   // DACR
    PTGEN_CP15_WRITE(c2, 0, c0, 0, regs.ttbr0);  // TTBR0
#endif
    asm volatile("isb" ::: "memory");
    PTGEN_CP15_WRITE(c8, 0, c7, 0, 0);           // TLBIALL
    asm volatile("dsb\n\tisb" ::: "memory");
    const std::uint32_t sctlr = PTGEN_CP15_READ(c1, 0, c0, 0);
    PTGEN_CP15_WRITE(c1, 0, c0, 0,
                     (sctlr | regs.sctlr_set) & ~regs.sctlr_clear);
    asm volatile("isb" ::: "memory");
    PTGEN_CP15_WRITE(c12, 0, c0, 0, std::uintptr_t(vectors));  // VBAR
    PTGEN_CP15_WRITE(c9, 0, c12, 0, 0b11);   // PMCR: E, P (reset event counters)
    PTGEN_CP15_WRITE(c9, 0, c12, 5, 0);      // PMSELR: counter 0
    PTGEN_CP15_WRITE(c9, 0, c13, 1, 0x08);   // PMXEVTYPER: instructions executed
    PTGEN_CP15_WRITE(c9, 0, c12, 1, 1);      // PMCNTENSET: counter 0 on
    asm volatile("isb" ::: "memory");
    kernel::run_checks<kernel_description>();
}
