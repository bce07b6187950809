/* examples/c-kernels/aarch64/main.c: a C kernel on QEMU virt -cpu max (EL1, from start.S) that
 * boots on the aarch64-4k-el1 tables ptgen-gen wrote from layout.toml: the tables come from
 * gen/ptgen_boot.S (section .ptgen.boot, linked at table_base by gen/ptgen_boot.ld), the register
 * values from gen/ptgen_boot.h. It turns the MMU on, checks the tables, the TTBR1 alias and the
 * translation registers, prints the verdict line and exits QEMU by semihosting. */
#include <stdint.h>

#include "ptgen_boot.h" /* no PTGEN_BOOT_IMPLEMENTATION: the tables are defined by ptgen_boot.S */

#define RAM_BASE 0x40000000ull
#define KERNEL_HALF 0xffff000040000000ull /* layout.toml: the first 8 MiB of RAM, in the TTBR1 half */
#define KERNEL_HALF_SIZE 0x800000ull
#define UART_BASE 0x09000000ull /* PL011 */

#define SYSREG_WRITE(reg, value) \
    __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(value)) : "memory")
#define SYSREG_READ(reg, out) __asm__ volatile("mrs %0, " #reg : "=r"(out) : : "memory")

/* ---- output and exit ---------------------------------------------------------------------- */

static void putc_uart(char c) {
    volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;
    while (uart[0x18 / 4] & (1u << 5)) { /* UARTFR.TXFF: the transmit FIFO is full */
    }
    uart[0] = (uint8_t)c;
}

#include "../common/report.h"

/* Semihosting (Arm "Semihosting for AArch32 and AArch64", SYS_EXIT_EXTENDED): HLT #0xF000,
 * W0 = 0x20, X1 = a parameter block {ADP_Stopped_ApplicationExit (0x20026), exit code}; QEMU
 * (-semihosting) exits with that code. As examples/aarch64/kernel.cpp. */
static void __attribute__((noreturn)) qemu_exit(int pass) {
    static volatile uint64_t block[2];
    block[0] = 0x20026;
    block[1] = pass ? 0 : 1;
    register uint64_t x0 __asm__("x0") = 0x20;
    register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    for (;;) __asm__ volatile("wfe");
}

/* ---- checks ------------------------------------------------------------------------------- */

/* VMSAv8-64 descriptors, 4 KiB granule (Arm ARM DDI 0487, D8.3 "Translation table descriptor
 * formats"): bits [1:0] = 0b11 table (levels 0-2) or page (level 3), 0b01 block (levels 1-2);
 * the next-level table or output address in bits [47:12]. */
#define DESC_TYPE(e) ((e) & 0x3ull)
#define DESC_ADDR(e) ((e) & 0x0000fffffffff000ull)

/* A table descriptor that points into the generated tables. */
static int points_into_tables(uint64_t e) {
    const uint64_t pa = DESC_ADDR(e);
    return DESC_TYPE(e) == 0x3 && pa >= PTGEN_BOOT_TABLE_BASE &&
           pa < PTGEN_BOOT_TABLE_BASE + PTGEN_BOOT_BYTES;
}

/* The walk the MMU does, over the tables as linked (T0SZ = T1SZ = 16: 4 levels, 48 bits per
 * half): the physical address va maps to, or ~0 when it is not mapped. The tables are
 * identity-mapped, so a PA is a usable pointer. */
static uint64_t walk(uint64_t va) {
    const uint64_t top = va >> 48;
    uint64_t table;
    if (top == 0)
        table = PTGEN_BOOT_TTBR0_EL1 & DESC_ADDR(~0ull);
    else if (top == 0xffff)
        table = PTGEN_BOOT_TTBR1_EL1 & DESC_ADDR(~0ull);
    else
        return ~0ull;
    for (int level = 0; level <= 3; ++level) {
        const unsigned shift = 12 + 9 * (3 - level);
        const uint64_t e = ((volatile uint64_t *)(uintptr_t)table)[(va >> shift) & 0x1ff];
        const int leaf = level == 3 ? DESC_TYPE(e) == 0x3 : (level > 0 && DESC_TYPE(e) == 0x1);
        if (leaf) return DESC_ADDR(e) + (va & ((1ull << shift) - 1));
        if (level == 3 || DESC_TYPE(e) != 0x3) return ~0ull;
        table = DESC_ADDR(e);
    }
    return ~0ull;
}

static void run_checks(void) {
    uint64_t el;
    SYSREG_READ(CurrentEL, el);
    check(((el >> 2) & 3) == 1, "running at EL1");

    /* (1) the generated tables: where the linker put them, and their root entries. */
    check((uint64_t)(uintptr_t)ptgen_boot_tables == PTGEN_BOOT_TABLE_BASE,
          "ptgen_boot_tables is at PTGEN_BOOT_TABLE_BASE");
    check(PTGEN_BOOT_TTBR0_EL1 == PTGEN_BOOT_ROOT && PTGEN_BOOT_ROOT == PTGEN_BOOT_TABLE_BASE &&
              PTGEN_BOOT_TTBR1_EL1 == PTGEN_BOOT_HIGH_ROOT,
          "PTGEN_BOOT_TTBR0_EL1 / _TTBR1_EL1: the two roots");
    const volatile uint64_t *root0 = ptgen_boot_tables;
    const volatile uint64_t *root1 =
        ptgen_boot_tables + (PTGEN_BOOT_HIGH_ROOT - PTGEN_BOOT_TABLE_BASE) / sizeof(uint64_t);
    puts_uart("TTBR0 root[0] = ");
    puthex(root0[0]);
    puts_uart(", TTBR1 root[0] = ");
    puthex(root1[0]);
    putc_uart('\n');
    check(root0[0] != 0 && points_into_tables(root0[0]),
          "TTBR0 root[0] (RAM, UART) points into the tables");
    check(points_into_tables(root1[(KERNEL_HALF >> 39) & 0x1ff]),
          "TTBR1 root entry of the kernel half points into the tables");
    check(walk(RAM_BASE + 0x123458) == RAM_BASE + 0x123458 &&
              walk(KERNEL_HALF + 0x7ff008) == RAM_BASE + 0x7ff008 &&
              walk(UART_BASE + 0x18) == UART_BASE + 0x18 &&
              walk(KERNEL_HALF + KERNEL_HALF_SIZE) == ~0ull && walk(RAM_BASE + 0x8000000) == ~0ull &&
              walk(0xffff000000000000ull + UART_BASE) == ~0ull,
          "a software walk of the tables gives the layout's translations");

    /* (2) the higher-half alias and the identity map reach the same memory. */
    check_alias(root0[0]);

    /* (3) the translation registers as loaded. */
    uint64_t ttbr0, ttbr1, tcr, mair, sctlr;
    SYSREG_READ(ttbr0_el1, ttbr0);
    SYSREG_READ(ttbr1_el1, ttbr1);
    SYSREG_READ(tcr_el1, tcr);
    SYSREG_READ(mair_el1, mair);
    SYSREG_READ(sctlr_el1, sctlr);
    puts_uart("TTBR0_EL1 = ");
    puthex(ttbr0);
    puts_uart(", TTBR1_EL1 = ");
    puthex(ttbr1);
    puts_uart("\nTCR_EL1 = ");
    puthex(tcr);
    puts_uart(", MAIR_EL1 = ");
    puthex(mair);
    puts_uart(", SCTLR_EL1 = ");
    puthex(sctlr);
    putc_uart('\n');
    check(ttbr0 == PTGEN_BOOT_TTBR0_EL1 && ttbr1 == PTGEN_BOOT_TTBR1_EL1,
          "TTBR0_EL1 and TTBR1_EL1 read back as PTGEN_BOOT_TTBR0_EL1 / _TTBR1_EL1");
    check(tcr == PTGEN_BOOT_TCR_EL1 && mair == PTGEN_BOOT_MAIR_EL1,
          "TCR_EL1 and MAIR_EL1 read back as PTGEN_BOOT_TCR_EL1 / _MAIR_EL1");
    check((sctlr & PTGEN_BOOT_SCTLR_EL1_SET) == PTGEN_BOOT_SCTLR_EL1_SET &&
              (sctlr & PTGEN_BOOT_SCTLR_EL1_CLEAR) == 0,
          "SCTLR_EL1 has the SET bits and none of the CLEAR bits");
}

/* EL1, from start.S, MMU off. The first act: translation on with the generated tables, in the
 * order of the README's "Turning the MMU on". */
void __attribute__((noreturn)) c_main(void) {
    SYSREG_WRITE(mair_el1, PTGEN_BOOT_MAIR_EL1);
    SYSREG_WRITE(tcr_el1, PTGEN_BOOT_TCR_EL1);
    SYSREG_WRITE(ttbr0_el1, PTGEN_BOOT_TTBR0_EL1);
    SYSREG_WRITE(ttbr1_el1, PTGEN_BOOT_TTBR1_EL1);
    __asm__ volatile("isb\n\ttlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
    uint64_t sctlr;
    SYSREG_READ(sctlr_el1, sctlr);
    SYSREG_WRITE(sctlr_el1, (sctlr | PTGEN_BOOT_SCTLR_EL1_SET) & ~PTGEN_BOOT_SCTLR_EL1_CLEAR);
    __asm__ volatile("isb" ::: "memory");

    puts_uart("ptgen C kernel: aarch64-4k-el1, tables from ptgen-gen at ");
    puthex(PTGEN_BOOT_TABLE_BASE);
    puts_uart(", MMU on\n");
    run_checks();
    puts_uart(failures == 0 ? "ptgen-kernel: PASS\n" : "ptgen-kernel: FAIL\n");
    qemu_exit(failures == 0);
}

/* From start.S: any exception taken to EL1 (a translation fault lands here). */
void __attribute__((noreturn)) el1_trap(uint64_t esr, uint64_t far, uint64_t elr, uint64_t vector) {
    puts_uart("trap: vector ");
    puthex(vector);
    puts_uart(" ESR_EL1 ");
    puthex(esr);
    puts_uart(" FAR_EL1 ");
    puthex(far);
    puts_uart(" ELR_EL1 ");
    puthex(elr);
    puts_uart("\nptgen-kernel: FAIL\n");
    qemu_exit(0);
}
