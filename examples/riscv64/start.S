/* examples/riscv64/start.S: M-mode entry on QEMU virt (-bios none), the drop to S mode, and
 * the S-mode trap entry. Privileged spec 3.1.6 (mstatus.MPP), 3.7 (PMP), 3.1.8 (medeleg),
 * 4.1.2 (stvec), 3.3.2 (mret), 4.3.2 (sret). Also built for RV32 (examples/riscv32/, Sv32):
 * registers are XLEN bits wide. */
#if __riscv_xlen == 64
#define SREG sd
#define LREG ld
#define REGBYTES 8
#else
#define SREG sw
#define LREG lw
#define REGBYTES 4
#endif
    .option norvc
    .section .text.boot, "ax"
    .globl _start
_start:
    csrw    mie, zero
#if defined(PTGEN_KERNEL_SMP)
    /* -smp N: every hart starts here with a0 = mhartid; hart 0 boots, the others wait */
    csrr    a0, mhartid
    bnez    a0, secondary_start
#endif
    la      sp, __stack_top
    /* zero .bss */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    SREG    zero, 0(t0)
    addi    t0, t0, REGBYTES
    j       1b
2:
#if defined(PTGEN_KERNEL_SMP)
    fence   rw, w
    la      t0, smp_bss_ready
    li      t1, 1
    sw      t1, 0(t0)
    li      a0, 0
#endif
to_s_mode:
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
    call    kernel_entry    /* (with PTGEN_KERNEL_SMP: a0 = hart id) */
3:  wfi
    j       3b

#if defined(PTGEN_KERNEL_SMP)
/* Harts 1..PTGEN_KERNEL_SMP-1: wait until hart 0 has zeroed .bss, then take the stack
 * smp_stacks[hartid - 1] (kernel-defined, PTGEN_SMP_STACK_BYTES each) and go to S mode as
 * hart 0 does. Harts beyond park. */
secondary_start:
    li      t0, PTGEN_KERNEL_SMP
    bgeu    a0, t0, 3b
    la      t0, smp_bss_ready
4:  lw      t1, 0(t0)
    beqz    t1, 4b
    fence   r, rw
    la      sp, smp_stacks
    li      t0, PTGEN_SMP_STACK_BYTES
    mul     t1, a0, t0
    add     sp, sp, t1      /* the top of smp_stacks[a0 - 1] */
    j       to_s_mode

    .section .data
    .balign 4
smp_bss_ready:
    .word   0
    .section .text.boot, "ax"
#endif

/* S-mode traps: save x1, x3-x31 in a frame (x[i] at REGBYTES*i), call riscv_trap(frame), return. */
    .balign 4
    .globl trap_entry
trap_entry:
    addi    sp, sp, -32*REGBYTES
    SREG    x1, 1*REGBYTES(sp)
    SREG    x3, 3*REGBYTES(sp)
    SREG    x4, 4*REGBYTES(sp)
    SREG    x5, 5*REGBYTES(sp)
    SREG    x6, 6*REGBYTES(sp)
    SREG    x7, 7*REGBYTES(sp)
    SREG    x8, 8*REGBYTES(sp)
    SREG    x9, 9*REGBYTES(sp)
    SREG    x10, 10*REGBYTES(sp)
    SREG    x11, 11*REGBYTES(sp)
    SREG    x12, 12*REGBYTES(sp)
    SREG    x13, 13*REGBYTES(sp)
    SREG    x14, 14*REGBYTES(sp)
    SREG    x15, 15*REGBYTES(sp)
    SREG    x16, 16*REGBYTES(sp)
    SREG    x17, 17*REGBYTES(sp)
    SREG    x18, 18*REGBYTES(sp)
    SREG    x19, 19*REGBYTES(sp)
    SREG    x20, 20*REGBYTES(sp)
    SREG    x21, 21*REGBYTES(sp)
    SREG    x22, 22*REGBYTES(sp)
    SREG    x23, 23*REGBYTES(sp)
    SREG    x24, 24*REGBYTES(sp)
    SREG    x25, 25*REGBYTES(sp)
    SREG    x26, 26*REGBYTES(sp)
    SREG    x27, 27*REGBYTES(sp)
    SREG    x28, 28*REGBYTES(sp)
    SREG    x29, 29*REGBYTES(sp)
    SREG    x30, 30*REGBYTES(sp)
    SREG    x31, 31*REGBYTES(sp)
    mv      a0, sp
    call    riscv_trap
    LREG    x1, 1*REGBYTES(sp)
    LREG    x3, 3*REGBYTES(sp)
    LREG    x4, 4*REGBYTES(sp)
    LREG    x5, 5*REGBYTES(sp)
    LREG    x6, 6*REGBYTES(sp)
    LREG    x7, 7*REGBYTES(sp)
    LREG    x8, 8*REGBYTES(sp)
    LREG    x9, 9*REGBYTES(sp)
    LREG    x10, 10*REGBYTES(sp)
    LREG    x11, 11*REGBYTES(sp)
    LREG    x12, 12*REGBYTES(sp)
    LREG    x13, 13*REGBYTES(sp)
    LREG    x14, 14*REGBYTES(sp)
    LREG    x15, 15*REGBYTES(sp)
    LREG    x16, 16*REGBYTES(sp)
    LREG    x17, 17*REGBYTES(sp)
    LREG    x18, 18*REGBYTES(sp)
    LREG    x19, 19*REGBYTES(sp)
    LREG    x20, 20*REGBYTES(sp)
    LREG    x21, 21*REGBYTES(sp)
    LREG    x22, 22*REGBYTES(sp)
    LREG    x23, 23*REGBYTES(sp)
    LREG    x24, 24*REGBYTES(sp)
    LREG    x25, 25*REGBYTES(sp)
    LREG    x26, 26*REGBYTES(sp)
    LREG    x27, 27*REGBYTES(sp)
    LREG    x28, 28*REGBYTES(sp)
    LREG    x29, 29*REGBYTES(sp)
    LREG    x30, 30*REGBYTES(sp)
    LREG    x31, 31*REGBYTES(sp)
    addi    sp, sp, 32*REGBYTES
    sret
