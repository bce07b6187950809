/* examples/c-kernels/riscv64/main.c: a C kernel on QEMU virt (S mode, from start.S) that boots on
 * the Sv39 tables ptgen-gen wrote from layout.toml: the tables come from gen/ptgen_boot.S
 * (section .ptgen.boot, linked at table_base by gen/ptgen_boot.ld), the values from
 * gen/ptgen_boot.h. It turns translation on, checks the tables, the higher-half alias and satp,
 * prints the verdict line and exits QEMU through the sifive_test device. */
#include <stdint.h>

#include "ptgen_boot.h" /* no PTGEN_BOOT_IMPLEMENTATION: the tables are defined by ptgen_boot.S */

#define RAM_BASE 0x80000000ull
#define KERNEL_HALF 0xffffffff80000000ull /* layout.toml: the first 8 MiB of RAM, again */
#define KERNEL_HALF_SIZE 0x800000ull
#define UART_BASE 0x10000000ull   /* 16550 */
#define TEST_DEVICE 0x100000ull   /* sifive_test */

/* ---- output and exit ---------------------------------------------------------------------- */

static void putc_uart(char c) {
    volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
    while ((uart[5] & 0x20) == 0) { /* LSR.THRE: the transmit holding register is empty */
    }
    uart[0] = (uint8_t)c;
}

#include "../common/report.h"

/* sifive_test (QEMU hw/misc/sifive_test.c): 0x5555 = pass (QEMU exits 0), (code << 16) | 0x3333 =
 * fail (QEMU exits code). Physical and identity-mapped, so it works from M and S mode. */
static void __attribute__((noreturn)) qemu_exit(int pass) {
    volatile uint32_t *dev = (volatile uint32_t *)TEST_DEVICE;
    *dev = pass ? 0x5555u : ((1u << 16) | 0x3333u);
    for (;;) __asm__ volatile("wfi");
}

/* ---- checks ------------------------------------------------------------------------------- */

static uint64_t read_satp(void) {
    uint64_t v;
    __asm__ volatile("csrr %0, satp" : "=r"(v));
    return v;
}

/* Sv39 PTE (Privileged spec 20211203, 4.4.1 "Addressing and Memory Protection"): bit 0 V,
 * bits 1-3 R W X (all zero: a pointer to the next level), PPN in bits 10-53. */
#define PTE_V 0x1ull
#define PTE_RWX 0xeull
#define PTE_PA(e) ((((e) >> 10) & ((1ull << 44) - 1)) << 12)

/* A non-leaf entry that points into the generated tables. */
static int points_into_tables(uint64_t e) {
    const uint64_t pa = PTE_PA(e);
    return (e & PTE_V) && (e & PTE_RWX) == 0 && pa >= PTGEN_BOOT_TABLE_BASE &&
           pa < PTGEN_BOOT_TABLE_BASE + PTGEN_BOOT_BYTES && (pa & 0xfff) == 0;
}

/* The walk the MMU does (4.3.2 "Virtual Address Translation Process", LEVELS = 3 for Sv39)
 * over the tables as linked: the physical address va maps to, or ~0 when it is not mapped.
 * The tables are identity-mapped, so a PA is a usable pointer. */
static uint64_t walk(uint64_t va) {
    uint64_t table = PTGEN_BOOT_ROOT;
    for (int level = 2; level >= 0; --level) {
        const uint64_t e = ((volatile uint64_t *)(uintptr_t)table)[(va >> (12 + 9 * level)) & 0x1ff];
        if (!(e & PTE_V)) return ~0ull;
        if (e & PTE_RWX) {
            const uint64_t span = 1ull << (12 + 9 * level);
            return PTE_PA(e) + (va & (span - 1));
        }
        table = PTE_PA(e);
    }
    return ~0ull;
}

static void run_checks(void) {
    /* (1) the generated tables: where the linker put them, and their root entries. */
    check((uint64_t)(uintptr_t)ptgen_boot_tables == PTGEN_BOOT_TABLE_BASE,
          "ptgen_boot_tables is at PTGEN_BOOT_TABLE_BASE");
    check(PTGEN_BOOT_ROOT == PTGEN_BOOT_TABLE_BASE && (PTGEN_BOOT_SATP >> 60) == 8 &&
              (PTGEN_BOOT_SATP & ((1ull << 44) - 1)) == PTGEN_BOOT_ROOT >> 12,
          "PTGEN_BOOT_SATP: MODE Sv39, PPN of the root table");
    const volatile uint64_t *root = ptgen_boot_tables;
    puts_uart("root[0] = ");
    puthex(root[0]);
    puts_uart(", root[2] = ");
    puthex(root[2]);
    puts_uart(", root[510] = ");
    puthex(root[510]);
    putc_uart('\n');
    check(root[0] != 0 && points_into_tables(root[0]),
          "root[0] (UART, test device) points into the tables");
    check(points_into_tables(root[(RAM_BASE >> 30) & 0x1ff]),
          "root entry of RAM points into the tables (128 MiB: no 1 GiB leaf)");
    check(points_into_tables(root[(KERNEL_HALF >> 30) & 0x1ff]),
          "root entry of the kernel half points into the tables");
    check(walk(RAM_BASE + 0x123458) == RAM_BASE + 0x123458 &&
              walk(KERNEL_HALF + 0x7ff008) == RAM_BASE + 0x7ff008 &&
              walk(UART_BASE) == UART_BASE && walk(TEST_DEVICE) == TEST_DEVICE &&
              walk(KERNEL_HALF + KERNEL_HALF_SIZE) == ~0ull && walk(RAM_BASE + 0x8000000) == ~0ull,
          "a software walk of the tables gives the layout's translations");

    /* (2) the higher-half alias and the identity map reach the same memory. */
    check_alias(root[0]);

    /* (3) satp as loaded. */
    const uint64_t satp = read_satp();
    puts_uart("satp = ");
    puthex(satp);
    puts_uart(" (PTGEN_BOOT_SATP ");
    puthex(PTGEN_BOOT_SATP);
    puts_uart(")\n");
    check(satp == PTGEN_BOOT_SATP, "satp reads back as PTGEN_BOOT_SATP");
}

/* S mode, from start.S (mret). The first act: translation on with the generated tables. */
void __attribute__((noreturn)) c_main(void) {
    __asm__ volatile("csrw satp, %0\n\tsfence.vma zero, zero" : : "r"(PTGEN_BOOT_SATP) : "memory");
    puts_uart("ptgen C kernel: riscv-sv39, tables from ptgen-gen at ");
    puthex(PTGEN_BOOT_TABLE_BASE);
    puts_uart(", Sv39 on\n");
    run_checks();
    puts_uart(failures == 0 ? "ptgen-kernel: PASS\n" : "ptgen-kernel: FAIL\n");
    qemu_exit(failures == 0);
}

/* M mode, from start.S: any trap (nothing is delegated to S mode, so a page fault lands here). */
void __attribute__((noreturn)) m_trap(uint64_t mcause, uint64_t mtval, uint64_t mepc) {
    puts_uart("trap: mcause ");
    puthex(mcause);
    puts_uart(" mtval ");
    puthex(mtval);
    puts_uart(" mepc ");
    puthex(mepc);
    puts_uart("\nptgen-kernel: FAIL\n");
    qemu_exit(0);
}
