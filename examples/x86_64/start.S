/* examples/x86_64/start.S: multiboot (v1) entry on QEMU pc, the switch to long mode on the
 * compile-time tables, and the interrupt stubs.
 * Intel SDM Vol. 3A: 9.8.5 "Initializing IA-32e Mode" (CR4.PAE, CR3, IA32_EFER.LME, CR0.PG, far
 * jump to a 64-bit code segment), 4.1.1 (CR0.WP), 4.6 / 4.5 (IA32_EFER.NXE), 6.14 "Exception and
 * Interrupt Handling in 64-bit Mode" (the stack frame, IRETQ). Multiboot Specification 0.6.96,
 * 3.1 "OS image format" and 3.2 "Machine state". */

    .section .multiboot, "a"
    .balign 4
    .long   0x1BADB002              /* magic */
    .long   0                       /* flags */
    .long   -0x1BADB002             /* checksum */

    .section .text.boot, "ax"
    .code32
    .globl _start
_start:
    cli
    mov     $__stack_top, %esp
    /* zero .bss */
    mov     $__bss_start, %edi
    mov     $__bss_end, %ecx
    sub     %edi, %ecx
    xor     %eax, %eax
    rep stosb
    /* CR4.PAE (bit 5) and CR4.PGE (bit 7); for 5-level paging CR4.LA57 (bit 12), which can
     * change only while paging is off (SDM 4.1.1) */
    mov     %cr4, %eax
#if defined(PTGEN_KERNEL_LA57)
    or      $0x10a0, %eax
#else
    or      $0xa0, %eax
#endif
    mov     %eax, %cr4
    /* IA32_PAT (MSR 0x277) = image.registers().ia32_pat: PA6 = write-combining, the memory
     * type of ptgen's uncached (x86_64.hpp, cache_bits) */
    mov     $0x277, %ecx
    mov     $ptgen_boot_pat_lo, %eax
    mov     $ptgen_boot_pat_hi, %edx
    wrmsr
    /* CR3: the PML4 (PML5) of the compile-time image (ptgen_boot_cr3 = image.registers().cr3) */
    mov     $ptgen_boot_cr3, %eax
    mov     %eax, %cr3
    /* IA32_EFER (0xC0000080): LME (bit 8), NXE (bit 11) */
    mov     $0xC0000080, %ecx
    rdmsr
    or      $0x900, %eax
    wrmsr
    /* CR0: PG (bit 31), WP (bit 16), PE (bit 0): paging on, IA-32e mode active */
    mov     %cr0, %eax
    or      $0x80010001, %eax
    mov     %eax, %cr0
    lgdt    gdt_pointer
    ljmp    $0x08, $start64

    .code64
start64:
    mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    mov     %ax, %fs
    mov     %ax, %gs
    mov     $__stack_top, %rsp
    call    kernel_entry
1:  hlt
    jmp     1b

/* Interrupt stubs (isr_table.inc: vector and error code, 0 where the CPU pushes none), then every
 * general register, then x86_trap(frame). Frame from the low address: r15..rax, vector, error,
 * rip, cs, rflags, rsp, ss. */
#include "isr_table.inc"

isr_common:
    push    %rax
    push    %rbx
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %rbp
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, %rdi
    call    x86_trap
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rbp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rbx
    pop     %rax
    add     $16, %rsp
    iretq

/* Where a faulting fetch resumes: the call into the page pushed the return address. */
    .globl fetch_fault_return
fetch_fault_return:
    ret

    .section .rodata
    .balign 16
gdt:
    .quad   0
    .quad   0x00209a0000000000      /* 0x08: 64-bit code, present, DPL 0 */
    .quad   0x0000920000000000      /* 0x10: data, present, writable */
gdt_end:
gdt_pointer:
    .word   gdt_end - gdt - 1
    .long   gdt
