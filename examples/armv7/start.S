/* examples/armv7/start.S: entry on QEMU virt (cortex-a15, SVC mode), stacks for SVC, abort and
 * undefined modes, and the exception vectors (VBAR, 32-byte aligned).
 * ARM ARM DDI 0406C: B1.8 "Exception handling" (vector offsets, the LR offsets of Table B1-7:
 * data abort LR = faulting instruction + 8, prefetch abort LR = faulting instruction + 4),
 * B9.3.19 SRS/RFE, B4.1.156 VBAR, B9.3.2 CPS. */
    .syntax unified
    .arm
    .section .text.boot, "ax"
    .globl _start
_start:
    cpsid   if
    cps     #0x17                   /* abort mode */
    ldr     sp, =__abort_stack_top
    cps     #0x1b                   /* undefined mode */
    ldr     sp, =__abort_stack_top
    cps     #0x13                   /* SVC mode */
    ldr     sp, =__stack_top
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
1:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     1b
    bl      kernel_entry
2:  wfi
    b       2b

    .text
    .balign 32
    .globl vectors
vectors:
    b       unexpected_0
    b       unexpected_1
    b       unexpected_2
    b       prefetch_abort
    b       data_abort
    b       unexpected_5
    b       unexpected_6
    b       unexpected_7

    .macro unexpected n
unexpected_\n:
    mov     r0, #\n
    mov     r1, lr
    b       arm_unexpected
    .endm
    unexpected 0
    unexpected 1
    unexpected 2
    unexpected 5
    unexpected 6
    unexpected 7

/* Frame on the abort stack: r0-r12, then the resume address (the handler may change it).
 * arm_abort(frame, is_prefetch, lr_svc) */
data_abort:
    sub     lr, lr, #8              /* the faulting instruction */
    push    {r0-r12, lr}
    mov     r0, sp
    mov     r1, #0
    cps     #0x13                   /* SVC mode for a moment: r2 = LR_svc */
    mov     r2, lr
    cps     #0x17
    bl      arm_abort
    pop     {r0-r12, lr}
    movs    pc, lr                  /* CPSR = SPSR_abt */

prefetch_abort:
    sub     lr, lr, #4              /* the instruction whose fetch faulted */
    push    {r0-r12, lr}
    mov     r0, sp
    mov     r1, #1
    cps     #0x13                   /* SVC mode for a moment: r2 = LR_svc */
    mov     r2, lr
    cps     #0x17
    bl      arm_abort
    pop     {r0-r12, lr}
    movs    pc, lr
