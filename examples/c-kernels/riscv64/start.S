/* examples/c-kernels/riscv64/start.S: M-mode entry on QEMU virt (-bios none), then mret into
 * S mode at c_main (main.c), which turns Sv39 on with the generated tables. Every trap goes to
 * M mode (nothing is delegated: medeleg = mideleg = 0 at reset), to m_trap (main.c), which
 * reports it and fails the run. RISC-V Privileged Architecture (20211203): 3.1.6.1 mstatus.MPP,
 * 3.1.7 mtvec, 3.1.14 mepc, 3.3.2 mret, 3.7.1 pmpcfg/pmpaddr. */
    .option norvc
    .section .text.boot, "ax"
    .globl _start
_start:
    csrw    mie, zero
    la      sp, __stack_top
    /* zero .bss */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    /* mtvec (3.1.7): MODE = 0 (direct), BASE = m_trap_entry (4-byte aligned) */
    la      t0, m_trap_entry
    csrw    mtvec, t0
    /* PMP entry 0 (3.7.1): pmpaddr0 = all ones with A = NAPOT covers all memory; pmpcfg0 byte 0
     * = 0x1f: R (bit 0), W (1), X (2), A = NAPOT (bits 3-4 = 3). Without it S mode has no access. */
    li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, 0x1f
    csrw    pmpcfg0, t0
    /* mstatus.MPP (3.1.6.1, bits 12:11) = 01: mret enters S mode; mepc (3.1.14) = c_main */
    li      t0, (3 << 11)
    csrc    mstatus, t0
    li      t0, (1 << 11)
    csrs    mstatus, t0
    la      t0, c_main
    csrw    mepc, t0
    mret

/* M-mode trap: m_trap(mcause, mtval, mepc) on the interrupted stack (identity-mapped RAM, and
 * M mode does not translate). It does not return. */
    .balign 4
m_trap_entry:
    csrr    a0, mcause
    csrr    a1, mtval
    csrr    a2, mepc
    andi    sp, sp, -16
    call    m_trap
3:  wfi
    j       3b
