/* examples/c-kernels/common/report.h: what both C kernels share: output on the UART, the
 * [PASS]/[FAIL] lines, and the check that the higher-half alias and the identity map reach the
 * same memory. The including file defines putc_uart(char), RAM_BASE and KERNEL_HALF first. */
#ifndef PTGEN_C_KERNEL_REPORT_H
#define PTGEN_C_KERNEL_REPORT_H

#include <stdint.h>

static void puts_uart(const char *s) {
    while (*s) putc_uart(*s++);
}

static void puthex(uint64_t v) {
    puts_uart("0x");
    for (int shift = 60; shift >= 0; shift -= 4) putc_uart("0123456789abcdef"[(v >> shift) & 0xf]);
}

static int failures;

static void check(int ok, const char *what) {
    puts_uart(ok ? "[PASS] " : "[FAIL] ");
    puts_uart(what);
    putc_uart('\n');
    if (!ok) ++failures;
}

static volatile uint64_t probe; /* in .bss, inside the first 8 MiB of RAM */

/* A word written through the higher-half alias reads back through the identity map, and the
 * reverse; the alias also sees the tables (their first entry, `root0`). */
static void check_alias(uint64_t root0) {
    const uint64_t pa = (uint64_t)(uintptr_t)&probe;
    volatile uint64_t *alias = (volatile uint64_t *)(uintptr_t)(KERNEL_HALF + (pa - RAM_BASE));
    *alias = 0x1234567890abcdefull;
    const uint64_t seen_identity = probe;
    probe = 0xfedcba0987654321ull;
    const uint64_t seen_alias = *alias;
    puts_uart("probe at ");
    puthex(pa);
    puts_uart(", alias ");
    puthex((uint64_t)(uintptr_t)alias);
    putc_uart('\n');
    check(seen_identity == 0x1234567890abcdefull,
          "a word written in the kernel half reads back through the identity map");
    check(seen_alias == 0xfedcba0987654321ull,
          "a word written through the identity map reads back in the kernel half");
    check(((volatile uint64_t *)(uintptr_t)(KERNEL_HALF + (PTGEN_BOOT_TABLE_BASE - RAM_BASE)))[0] == root0,
          "the kernel half sees the tables");
}

#endif
