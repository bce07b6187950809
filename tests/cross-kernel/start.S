/* M-mode entry on QEMU virt (-bios none): stack, .bss, PMP open to S mode, traps delegated,
 * mret to S mode at kernel_entry. Privileged spec 3.1.6 (mstatus.MPP), 3.7 (PMP), 3.3.2 (mret). */
    .option norvc
    .section .text.boot, "ax"
    .globl _start
_start:
    csrw    mie, zero
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, 0x1f
    csrw    pmpcfg0, t0
    li      t0, 0xb1ff
    csrw    medeleg, t0
    li      t0, 3 << 11
    csrc    mstatus, t0
    li      t0, 1 << 11
    csrs    mstatus, t0
    la      t0, kernel_entry
    csrw    mepc, t0
    mret

/* The link (virtual) address of the boot tables, as the kernel's code sees them: an absolute
 * 64-bit word (medany code cannot reach the higher half PC-relatively). */
    .section .rodata
    .balign 8
    .globl boot_tables_link_address
boot_tables_link_address:
    .quad boot_tables
