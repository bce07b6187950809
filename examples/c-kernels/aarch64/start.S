/* examples/c-kernels/aarch64/start.S: entry on QEMU virt -cpu max at EL1 (MMU off), then c_main
 * (main.c), which turns the MMU on with the generated tables. Every exception goes to el1_trap
 * (main.c), which reports it and fails the run. Arm ARM (DDI 0487): SPSel (C5.2, "Special-purpose
 * registers"), VBAR_EL1 (AArch64 System Register Descriptions), the vector table layout (D1,
 * "Exception vectors": 16 entries of 0x80 bytes). */
    .section .text.boot, "ax"
    .globl _start
_start:
    /* SPSel = 1: run on SP_EL1, the stack exceptions taken to EL1 use (EL1h) */
    msr     spsel, #1
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:  /* VBAR_EL1 = vectors: bits [10:0] are RES0, so the table is 2 KiB aligned */
    ldr     x0, =vectors
    msr     vbar_el1, x0
    isb
    bl      c_main
3:  wfe
    b       3b

/* Each vector calls el1_trap(ESR_EL1, FAR_EL1, ELR_EL1, vector number); it does not return. */
    .macro vector idx
    .balign 0x80
    mov     x3, #\idx
    b       trap_common
    .endm

    .text
    .balign 2048
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
    mrs     x0, esr_el1
    mrs     x1, far_el1
    mrs     x2, elr_el1
    bl      el1_trap
4:  wfe
    b       4b
