/*
 * Start-up and trap entry of the bare-metal test programs (spike board, M mode at reset).
 * _start sets the stack and mtvec, runs main and reports its value through HTIF: tohost =
 * (value << 1) | 1 ends the run with that exit status (0 = pass); on virt (BM_VIRT) through
 * the sifive_test power-off device instead.
 * Both trap vectors save every register, call the C handler of their mode with (cause,
 * epc, tval), and return to the epc it gives back.
 */
    .section .text.init
    .globl _start
_start:
    la sp, stack_top
    la t0, m_vector
    csrw mtvec, t0
    call main
    .globl bm_exit
bm_exit:
#ifdef BM_VIRT
    /* virt: the sifive_test device, 0x5555 = pass, (status << 16) | 0x3333 = fail. */
    li t0, 0x100000
    li t1, 0x5555
    beqz a0, 1f
    slli t1, a0, 16
    li t2, 0x3333
    or t1, t1, t2
1:  sw t1, 0(t0)
    j 1b
#else
    slli a0, a0, 1
    ori a0, a0, 1
    la t0, tohost
1:  sd a0, 0(t0)
    j 1b
#endif

/*
 * bm_run_in_s(fn): run fn in S mode (MPP = S, mret) and come back here when the M-mode
 * handler sees an ecall from S and returns to bm_s_return (with MPP = M).
 */
    .globl bm_run_in_s
bm_run_in_s:
    addi sp, sp, -224
    sd ra, 0(sp)
    .irp r, 8,9,18,19,20,21,22,23,24,25,26,27
    sd x\r, (\r*8)(sp)
    .endr
    la t0, bm_saved_sp
    sd sp, 0(t0)
    csrw mepc, a0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    mret
    .globl bm_s_return
bm_s_return:
    la t0, bm_saved_sp
    ld sp, 0(t0)
    ld ra, 0(sp)
    .irp r, 8,9,18,19,20,21,22,23,24,25,26,27
    ld x\r, (\r*8)(sp)
    .endr
    addi sp, sp, 224
    ret

.macro TRAP_ENTRY name, handler, csr_epc, csr_cause, csr_tval, ret
    .align 4
    .globl \name
\name:
    addi sp, sp, -256
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd x\r, (\r*8)(sp)
    .endr
    csrr a0, \csr_cause
    csrr a1, \csr_epc
    csrr a2, \csr_tval
    call \handler
    csrw \csr_epc, a0
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld x\r, (\r*8)(sp)
    .endr
    addi sp, sp, 256
    \ret
.endm

    TRAP_ENTRY m_vector, m_trap, mepc, mcause, mtval, mret
    TRAP_ENTRY s_vector, s_trap, sepc, scause, stval, sret

    .section .tohost, "aw"
    .align 6
    .globl tohost
    .type tohost, @object
    .size tohost, 8
tohost: .dword 0
    .align 6
    .globl fromhost
    .type fromhost, @object
    .size fromhost, 8
fromhost: .dword 0

    .bss
    .align 4
bm_saved_sp: .dword 0
    .space 16384
stack_top:
