/* examples/loongarch64/start.S: entry on QEMU virt (PLV0, direct address mode), the TLB refill
 * handler and the general exception entry.
 * LoongArch Reference Manual Vol. 1 (v1.10): 5.2 (direct address / mapped address translation
 * modes, CSR.CRMD), 5.4 (TLB refill: CSR.TLBRENTRY, TLBRBADV, TLBRELO0/1, TLBREHI; the refill
 * handler runs in direct address mode), 4.2.5 LDDIR / LDPTE, 7.4 (exception entry: CSR.EENTRY,
 * ESTAT.Ecode, ERA, BADV, ERTN). */
    .section .text.boot, "ax"
    .globl _start
_start:
    la.abs      $sp, __stack_top
    la.abs      $t0, __bss_start
    la.abs      $t1, __bss_end
1:  bgeu        $t0, $t1, 2f
    st.d        $zero, $t0, 0
    addi.d      $t0, $t0, 8
    b           1b
2:  bl          kernel_entry
3:  b           3b

/* TLB refill (CSR.TLBRENTRY, a physical address; runs with CRMD.DA = 1). The directories are
 * walked with LDDIR, which takes each level's index position and width from CSR.PWCL/PWCH (the
 * format's values): Dir3 (the root, from CSR.PGD) -> Dir2 -> Dir1. Then:
 *   - an empty directory entry (LDDIR returns 0) fills an invalid pair: the access then takes
 *     the page-invalid exception (PIL/PIS/PIF) at EENTRY;
 *   - a huge page (LDDIR passes it through, HUGE = bit 6): LDPTE makes the two halves;
 *   - a page table: the even/odd PTE pair is loaded with LD.D. (LDPTE would do, but QEMU 7.2's
 *     LDPTE keeps bits [47:0] of the entry only, dropping NR, NX and RPLV: execute-never would be
 *     lost.) The PT index position and width also come from CSR.PWCL. */
    .section .text.refill, "ax"
    .balign 4096
    .globl tlb_refill
tlb_refill:
    csrwr       $t0, 0x8b               /* TLBRSAVE */
    csrwr       $t1, 0x30               /* SAVE0 */
    csrwr       $t2, 0x31               /* SAVE1 */
    csrwr       $t3, 0x32               /* SAVE2 */
    csrrd       $t0, 0x1b               /* PGD: PGDL or PGDH, by TLBRBADV[47] */
    lddir       $t0, $t0, 3
    beqz        $t0, 8f
    lddir       $t0, $t0, 2
    beqz        $t0, 8f
    lddir       $t0, $t0, 1
    beqz        $t0, 8f
    andi        $t1, $t0, 0x40          /* HUGE */
    bnez        $t1, 7f
    /* t0 = the page table; the pair of entries is at t0 + 16 * ((TLBRBADV >> (PTbase + 1))
     * & ((1 << (PTwidth - 1)) - 1)) (PWCL.PTEWidth = 0: 8-byte entries) */
    csrrd       $t1, 0x1c               /* PWCL */
    andi        $t2, $t1, 0x1f          /* PTbase */
    addi.d      $t2, $t2, 1
    srli.d      $t1, $t1, 5
    andi        $t1, $t1, 0x1f          /* PTwidth */
    addi.d      $t1, $t1, -1
    csrrd       $t3, 0x89               /* TLBRBADV */
    srl.d       $t3, $t3, $t2
    li.d        $t2, 1
    sll.d       $t2, $t2, $t1
    addi.d      $t2, $t2, -1
    and         $t3, $t3, $t2
    slli.d      $t3, $t3, 4
    add.d       $t0, $t0, $t3
    ld.d        $t1, $t0, 0
    ld.d        $t2, $t0, 8
    csrwr       $t1, 0x8c               /* TLBRELO0: the even page */
    csrwr       $t2, 0x8d               /* TLBRELO1: the odd page */
    csrrd       $t1, 0x1c
    andi        $t1, $t1, 0x1f          /* PS = PTbase */
    li.w        $t2, 0x3f
    csrxchg     $t1, $t2, 0x8e          /* TLBREHI.PS */
    b           9f
7:  /* a huge page: LDPTE makes the two halves and sets TLBREHI.PS */
    ldpte       $t0, 0
    ldpte       $t0, 1
    b           9f
8:  /* nothing mapped: an invalid pair of 4 KiB pages */
    csrwr       $zero, 0x8c             /* TLBRELO0 */
    csrwr       $zero, 0x8d             /* TLBRELO1 */
    li.w        $t1, 12
    li.w        $t2, 0x3f
    csrxchg     $t1, $t2, 0x8e          /* TLBREHI.PS = 12 */
9:  tlbfill
    csrrd       $t3, 0x32
    csrrd       $t2, 0x31
    csrrd       $t1, 0x30
    csrrd       $t0, 0x8b
    ertn

/* General exceptions (CSR.EENTRY, ECFG.VS = 0): save r1-r31 in a frame (r[i] at 8*i), call
 * loongarch_trap(frame), restore, ERTN (to CSR.ERA, which the handler may change). */
    .section .text.exception, "ax"
    .balign 4096
    .globl exception_entry
exception_entry:
    addi.d      $sp, $sp, -256
    st.d        $r1, $sp, 8
    st.d        $r2, $sp, 16
    st.d        $r4, $sp, 32
    st.d        $r5, $sp, 40
    st.d        $r6, $sp, 48
    st.d        $r7, $sp, 56
    st.d        $r8, $sp, 64
    st.d        $r9, $sp, 72
    st.d        $r10, $sp, 80
    st.d        $r11, $sp, 88
    st.d        $r12, $sp, 96
    st.d        $r13, $sp, 104
    st.d        $r14, $sp, 112
    st.d        $r15, $sp, 120
    st.d        $r16, $sp, 128
    st.d        $r17, $sp, 136
    st.d        $r18, $sp, 144
    st.d        $r19, $sp, 152
    st.d        $r20, $sp, 160
    st.d        $r21, $sp, 168
    st.d        $r22, $sp, 176
    st.d        $r23, $sp, 184
    st.d        $r24, $sp, 192
    st.d        $r25, $sp, 200
    st.d        $r26, $sp, 208
    st.d        $r27, $sp, 216
    st.d        $r28, $sp, 224
    st.d        $r29, $sp, 232
    st.d        $r30, $sp, 240
    st.d        $r31, $sp, 248
    move        $a0, $sp
    bl          loongarch_trap
    ld.d        $r1, $sp, 8
    ld.d        $r2, $sp, 16
    ld.d        $r4, $sp, 32
    ld.d        $r5, $sp, 40
    ld.d        $r6, $sp, 48
    ld.d        $r7, $sp, 56
    ld.d        $r8, $sp, 64
    ld.d        $r9, $sp, 72
    ld.d        $r10, $sp, 80
    ld.d        $r11, $sp, 88
    ld.d        $r12, $sp, 96
    ld.d        $r13, $sp, 104
    ld.d        $r14, $sp, 112
    ld.d        $r15, $sp, 120
    ld.d        $r16, $sp, 128
    ld.d        $r17, $sp, 136
    ld.d        $r18, $sp, 144
    ld.d        $r19, $sp, 152
    ld.d        $r20, $sp, 160
    ld.d        $r21, $sp, 168
    ld.d        $r22, $sp, 176
    ld.d        $r23, $sp, 184
    ld.d        $r24, $sp, 192
    ld.d        $r25, $sp, 200
    ld.d        $r26, $sp, 208
    ld.d        $r27, $sp, 216
    ld.d        $r28, $sp, 224
    ld.d        $r29, $sp, 232
    ld.d        $r30, $sp, 240
    ld.d        $r31, $sp, 248
    addi.d      $sp, $sp, 256
    ertn
