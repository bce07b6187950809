/* examples/i386/start.S: multiboot (v1) entry on QEMU pc (32-bit protected mode, paging off),
 * paging on with the compile-time tables, and the interrupt stubs.
 * Intel SDM Vol. 3A: 4.1.1 "Four Paging Modes" (CR0.PG, CR4.PAE, CR4.PSE), 4.1.3 (CR0.WP), 4.4.1
 * (the PDPTEs are loaded when CR0.PG turns PAE paging on), 4.5 / 4.6 (IA32_EFER.NXE), 2.5 (CR4.PGE),
 * 6.12 "Exception and Interrupt Handling" (the frame without a privilege change: EFLAGS, CS, EIP,
 * error code; IRET). Multiboot Specification 0.6.96, 3.1 and 3.2 (EAX, EBX, CS/DS flat, PG off). */

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
    mov     %cr4, %eax
#if defined(PTGEN_KERNEL_PAE)
    /* CR4.PAE (bit 5) and CR4.PGE (bit 7); IA32_EFER (0xC0000080) NXE (bit 11) for XD */
    or      $0xa0, %eax
    mov     %eax, %cr4
    mov     $0xC0000080, %ecx
    rdmsr
    or      $0x800, %eax
    wrmsr
#else
    /* CR4.PSE (bit 4: 4 MiB pages) and CR4.PGE (bit 7) */
    or      $0x90, %eax
    mov     %eax, %cr4
#endif
    /* IA32_PAT (MSR 0x277) = image.registers().ia32_pat: PA6 = write-combining, the memory
     * type of ptgen's uncached (x86_64.hpp, cache_bits) */
    mov     $0x277, %ecx
    mov     $ptgen_boot_pat_lo, %eax
    mov     $ptgen_boot_pat_hi, %edx
    wrmsr
    /* CR3: the root of the compile-time image (ptgen_boot_cr3 = image.registers().cr3) */
    mov     $ptgen_boot_cr3, %eax
    mov     %eax, %cr3
    /* CR0: PG (bit 31), WP (bit 16); PE is on already */
    mov     %cr0, %eax
    or      $0x80010000, %eax
    mov     %eax, %cr0
    lgdt    gdt_pointer
    ljmp    $0x08, $1f
1:  mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    mov     %ax, %fs
    mov     %ax, %gs
    call    kernel_entry
2:  hlt
    jmp     2b

/* Interrupt stubs (isr_table.inc: error code, 0 where the CPU pushes none, and vector), then
 * PUSHA, then x86_trap(frame). Frame from the low address: edi, esi, ebp, esp, ebx, edx, ecx,
 * eax, vector, error, eip, cs, eflags. */
#include "../x86_64/isr_table.inc"

isr_common:
    pusha
    push    %esp
    call    x86_trap
    add     $4, %esp
    popa
    add     $8, %esp
    iret

/* Where a faulting fetch resumes: the call into the page pushed the return address. */
    .globl fetch_fault_return
fetch_fault_return:
    ret

    .section .rodata
    .balign 16
gdt:
    .quad   0
    .quad   0x00cf9a000000ffff      /* 0x08: 32-bit code, flat 4 GiB, present, DPL 0 */
    .quad   0x00cf92000000ffff      /* 0x10: data, flat 4 GiB, present, writable */
gdt_end:
gdt_pointer:
    .word   gdt_end - gdt - 1
    .long   gdt
