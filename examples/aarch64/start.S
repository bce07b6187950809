/* examples/aarch64/start.S: entry on QEMU virt (EL1 with -cpu max, EL2 with virtualization=on)
 * and the exception vectors (VBAR_ELx: 16 entries of 0x80 bytes, 2 KiB aligned; Arm ARM
 * D1.3 "Exception entry", "Exception vectors"). */
    .section .text.boot, "ax"
    .globl _start
_start:
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:
#if defined(PTGEN_KERNEL_SMP)
    mov     x0, #0          /* the boot CPU is hart 0 */
#endif
    bl      kernel_entry
3:  wfe
    b       3b

#if defined(PTGEN_KERNEL_SMP)
/* The other CPUs, started by PSCI CPU_ON with the context id = their hart index in x0 (MMU
 * off, at the boot CPU's EL): the stack smp_stacks[x0 - 1] (kernel-defined,
 * PTGEN_SMP_STACK_BYTES each), then kernel_entry(x0) as the boot CPU. */
    .globl secondary_entry
secondary_entry:
    ldr     x1, =smp_stacks
    mov     x2, #PTGEN_SMP_STACK_BYTES
    madd    x1, x0, x2, x1  /* the top of smp_stacks[x0 - 1] */
    mov     sp, x1
    bl      kernel_entry
    b       3b
#endif

/* Each vector saves x0/x1, puts its number in x1 and joins trap_common, which saves the other
 * general registers (frame: x[i] at 8*i), calls aarch64_trap(frame, vector) and returns. */
    .macro vector idx
    .balign 0x80
    sub     sp, sp, #256
    stp     x0, x1, [sp, #0]
    mov     x1, #\idx
    b       trap_common
    .endm

    .text
    .balign 2048
    .globl vectors
vectors:
    vector 0
    vector 1
    vector 2
    vector 3
    vector 4
    vector 5
    vector 6
    vector 7
    vector 8
    vector 9
    vector 10
    vector 11
    vector 12
    vector 13
    vector 14
    vector 15

trap_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mov     x0, sp
    bl      aarch64_trap
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #256
    eret
