/*
 * ras.S - calls and returns that a return-address stack predicts wrongly (ras.c checks the
 * results).  The RISC-V hint table (unprivileged ISA, JALR): x1/x5 are link registers;
 * writing one pushes, jumping through one without writing one pops, and jalr between two
 * different links pops then pushes (a coroutine swap).  Uncompressed, so that offsets
 * added to ra are instruction sizes.
 */
    .option norvc
    .text

.macro FUNC name
    .globl \name
    .type \name, @function
    .p2align 2
\name:
.endm

/* x + 2: the callee returns one instruction past its return address, skipping the + 1. */
FUNC ras_skip_return
    addi    sp, sp, -16
    sd      ra, 8(sp)
    jal     ra, ras_skip_one
    addi    a0, a0, 1
    addi    a0, a0, 2
    ld      ra, 8(sp)
    addi    sp, sp, 16
    ret
FUNC ras_skip_one
    addi    ra, ra, 4
    ret

/* x + 1000: the callee returns to an address its caller passed in a1, not to ra. */
FUNC ras_return_elsewhere
    addi    sp, sp, -16
    sd      ra, 8(sp)
    la      a1, 1f
    jal     ra, ras_ret_to_a1
    addi    a0, a0, 100
    addi    a0, a0, 10
1:  addi    a0, a0, 1000
    ld      ra, 8(sp)
    addi    sp, sp, 16
    ret
FUNC ras_ret_to_a1
    mv      ra, a1
    ret

/* x + 5 + 7: a tail call through t1 (not a link register: no hint). */
FUNC ras_tail_t1
    addi    a0, a0, 5
    la      t1, ras_add7
    jr      t1
FUNC ras_add7
    addi    a0, a0, 7
    ret

/* x + 11 + 7: a tail call through t0, which the hint table reads as a return (a pop). */
FUNC ras_tail_t0
    addi    a0, a0, 11
    la      t0, ras_add7
    jr      t0

/* (x + 7) * 2: a millicode call linking t0 (push), returning with jr t0 (pop). */
FUNC ras_millicode
    addi    sp, sp, -16
    sd      ra, 8(sp)
    jal     t0, ras_milli_add7
    slli    a0, a0, 1
    ld      ra, 8(sp)
    addi    sp, sp, 16
    ret
FUNC ras_milli_add7
    addi    a0, a0, 7
    jr      t0

/* x + 3 + 4: jalr t0, 0(t0) links the register it jumps through (push only). */
FUNC ras_link_same
    addi    sp, sp, -16
    sd      ra, 8(sp)
    la      t0, 1f
    jalr    t0, 0(t0)
    addi    a0, a0, 4
    ld      ra, 8(sp)
    addi    sp, sp, 16
    ret
1:  addi    a0, a0, 3
    jr      t0

/*
 * n * 101 for n >= 1: two routines swap control n times, A through jalr ra, 0(t0) and B
 * through jalr t0, 0(ra) (each pops, then pushes).
 */
FUNC ras_coroutine
    addi    sp, sp, -16
    sd      ra, 8(sp)
    mv      a1, a0
    li      a0, 0
    la      t0, 2f
1:  addi    a0, a0, 1
    jalr    ra, 0(t0)
    addi    a1, a1, -1
    bnez    a1, 1b
    ld      ra, 8(sp)
    addi    sp, sp, 16
    ret
2:  addi    a0, a0, 100
    jalr    t0, 0(ra)
    j       2b

    .section .note.GNU-stack, "", @progbits
