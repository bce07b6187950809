/* examples/riscv64/start.S: M-mode entry on QEMU virt (-bios none), the drop to S mode, and
 * the S-mode trap entry. Privileged spec 3.1.6 (mstatus.MPP), 3.7 (PMP), 3.1.8 (medeleg),
 * 4.1.2 (stvec), 3.3.2 (mret), 4.3.2 (sret). */
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
    /* PMP entry 0: NAPOT over all memory, RWX for S mode (satp does not translate M mode) */
    li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, 0x1f            /* NAPOT, R, W, X */
    csrw    pmpcfg0, t0
    /* exceptions and interrupts handled in S mode */
    li      t0, 0xb1ff
    csrw    medeleg, t0
    li      t0, 0x222
    csrw    mideleg, t0
#if defined(PTGEN_KERNEL_SVPBMT)
    /* menvcfg.PBMTE (bit 62, 3.1.18): Svpbmt's PBMT field in effect for S mode */
    li      t0, 1
    slli    t0, t0, 62
    csrs    0x30a, t0           /* menvcfg */
#endif
    /* counters (instret) readable in S mode */
    li      t0, -1
    csrw    mcounteren, t0
    /* mret into S mode at s_entry */
    li      t0, (3 << 11)
    csrc    mstatus, t0
    li      t0, (1 << 11)
    csrs    mstatus, t0
    la      t0, s_entry
    csrw    mepc, t0
    mret

s_entry:
    call    kernel_entry
3:  wfi
    j       3b

/* S-mode traps: save x1, x3-x31 in a frame (x[i] at 8*i), call riscv_trap(frame), return. */
    .balign 4
    .globl trap_entry
trap_entry:
    addi    sp, sp, -256
    sd      x1, 8(sp)
    sd      x3, 24(sp)
    sd      x4, 32(sp)
    sd      x5, 40(sp)
    sd      x6, 48(sp)
    sd      x7, 56(sp)
    sd      x8, 64(sp)
    sd      x9, 72(sp)
    sd      x10, 80(sp)
    sd      x11, 88(sp)
    sd      x12, 96(sp)
    sd      x13, 104(sp)
    sd      x14, 112(sp)
    sd      x15, 120(sp)
    sd      x16, 128(sp)
    sd      x17, 136(sp)
    sd      x18, 144(sp)
    sd      x19, 152(sp)
    sd      x20, 160(sp)
    sd      x21, 168(sp)
    sd      x22, 176(sp)
    sd      x23, 184(sp)
    sd      x24, 192(sp)
    sd      x25, 200(sp)
    sd      x26, 208(sp)
    sd      x27, 216(sp)
    sd      x28, 224(sp)
    sd      x29, 232(sp)
    sd      x30, 240(sp)
    sd      x31, 248(sp)
    mv      a0, sp
    call    riscv_trap
    ld      x1, 8(sp)
    ld      x3, 24(sp)
    ld      x4, 32(sp)
    ld      x5, 40(sp)
    ld      x6, 48(sp)
    ld      x7, 56(sp)
    ld      x8, 64(sp)
    ld      x9, 72(sp)
    ld      x10, 80(sp)
    ld      x11, 88(sp)
    ld      x12, 96(sp)
    ld      x13, 104(sp)
    ld      x14, 112(sp)
    ld      x15, 120(sp)
    ld      x16, 128(sp)
    ld      x17, 136(sp)
    ld      x18, 144(sp)
    ld      x19, 152(sp)
    ld      x20, 160(sp)
    ld      x21, 168(sp)
    ld      x22, 176(sp)
    ld      x23, 184(sp)
    ld      x24, 192(sp)
    ld      x25, 200(sp)
    ld      x26, 208(sp)
    ld      x27, 216(sp)
    ld      x28, 224(sp)
    ld      x29, 232(sp)
    ld      x30, 240(sp)
    ld      x31, 248(sp)
    addi    sp, sp, 256
    sret
