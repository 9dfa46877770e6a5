/*
 * rv64i_branch.S - control transfer for rv64i.c: all six conditional branches (taken and not
 * taken, forward and backward, with x0 operands), jal and jalr link values, jalr with rd == rs1
 * and jalr clearing bit 0 of the target (RISC-V unprivileged ISA, 2.5).
 * Built with .option norvc so every instruction is 4 bytes and the offsets below are exact.
 */
    .option norvc
    .text

/* Sets bit \bit of a2 when "\insn a0, a1" branches. */
.macro BR insn, bit
    \insn   a0, a1, 1f
    j       2f
1:  ori     a2, a2, \bit
2:
.endm

/* uint64_t rv_branch_mask(uint64_t a, uint64_t b): bit 0 beq, 1 bne, 2 blt, 3 bge, 4 bltu, 5 bgeu */
    .globl rv_branch_mask
rv_branch_mask:
    li      a2, 0
    BR      beq, 1
    BR      bne, 2
    BR      blt, 4
    BR      bge, 8
    BR      bltu, 16
    BR      bgeu, 32
    mv      a0, a2
    ret

/* uint64_t rv_branch_zero_mask(int64_t a): x0 as an operand.
 * bit 0 beqz, 1 bnez, 2 bltz, 3 bgez, 4 bgtz (blt x0,a), 5 blez (bge x0,a), 6 bltu x0,a (a != 0) */
    .globl rv_branch_zero_mask
rv_branch_zero_mask:
    li      a2, 0
    beqz    a0, 1f
    j       2f
1:  ori     a2, a2, 1
2:  bnez    a0, 1f
    j       2f
1:  ori     a2, a2, 2
2:  bltz    a0, 1f
    j       2f
1:  ori     a2, a2, 4
2:  bgez    a0, 1f
    j       2f
1:  ori     a2, a2, 8
2:  blt     x0, a0, 1f
    j       2f
1:  ori     a2, a2, 16
2:  bge     x0, a0, 1f
    j       2f
1:  ori     a2, a2, 32
2:  bltu    x0, a0, 1f
    j       2f
1:  ori     a2, a2, 64
2:  mv      a0, a2
    ret

/* uint64_t rv_backward_loop(uint64_t n): counts iterations of a bgeu-closed backward loop. */
    .globl rv_backward_loop
rv_backward_loop:
    li      a1, 0
    li      a2, 1
    beqz    a0, 2f
1:  addi    a1, a1, 1
    addi    a0, a0, -1
    bgeu    a0, a2, 1b
2:  mv      a0, a1
    ret

/* int64_t rv_jal_link(void): 0 when jal jumps and links to the next instruction. */
    .globl rv_jal_link
rv_jal_link:
    jal     t0, 1f
2:  li      a0, -1
    ret
1:  la      t1, 2b
    sub     a0, t0, t1
    ret

/* int64_t rv_jal_x0(void): jal x0 (plain j) must not write anything; returns 0 */
    .globl rv_jal_x0
rv_jal_x0:
    li      a0, 5
    jal     x0, 1f
    li      a0, -1
1:  addi    a0, a0, -5
    ret

/* int64_t rv_jalr_same_reg(void): jalr t0, 0(t0) reads the target before writing the link. */
    .globl rv_jalr_same_reg
rv_jalr_same_reg:
    la      t0, 1f
    jalr    t0, 0(t0)
2:  li      a0, -1
    ret
1:  la      t1, 2b
    sub     a0, t0, t1
    ret

/* int64_t rv_jalr_odd(void): target = (rs1 + imm) & ~1, rs1 + imm odd here; returns 0. */
    .globl rv_jalr_odd
rv_jalr_odd:
    la      t0, 1f
    addi    t0, t0, -7
    jalr    t1, 8(t0)
    li      a0, -1
    ret
1:  li      a0, 0
    ret

/* int64_t rv_jalr_negative(void): negative immediate; returns 0. */
    .globl rv_jalr_negative
rv_jalr_negative:
    la      t0, 1f
    addi    t0, t0, 2040
    jalr    x0, -2040(t0)
    li      a0, -1
    ret
1:  li      a0, 0
    ret

/* uint64_t rv_call_indirect(uint64_t (*fn)(uint64_t), uint64_t x): jalr ra through a register. */
    .globl rv_call_indirect
rv_call_indirect:
    addi    sp, sp, -16
    sd      ra, 8(sp)
    mv      t2, a0
    mv      a0, a1
    jalr    ra, 0(t2)
    addi    a0, a0, 1
    ld      ra, 8(sp)
    addi    sp, sp, 16
    ret

/* uint64_t rv_auipc_delta(void): auipc rd, 1 minus auipc rd, 0 four bytes later = 4096 - 4. */
    .globl rv_auipc_delta
rv_auipc_delta:
    auipc   t0, 1
    auipc   t1, 0
    sub     a0, t0, t1
    ret

/* int64_t rv_auipc_label(void): auipc+addi (la) equals a label's address: 0 when equal. */
    .globl rv_auipc_label
rv_auipc_label:
1:  auipc   t0, 0
    la      t1, 1b
    sub     a0, t0, t1
    ret

/* uint64_t rv_x0_writes(void): writes to x0 vanish, reads give 0. */
    .globl rv_x0_writes
rv_x0_writes:
    li      t0, 123
    addi    x0, t0, 1
    add     x0, t0, t0
    lui     x0, 0x12345
    mv      a0, x0
    add     a0, a0, x0
    ret

/*
 * uint64_t rv_join_zero(uint64_t x, uint64_t sel): 1 when (sel ? x : x & 1) is zero.  The
 * andi runs straight into the join where beqz reads a0, while the other path arrives with
 * the host flags of its own compare: the JIT tests a register against zero with the flags
 * of the logic op that wrote it only when no label is between (X64Gen.zf_end).
 */
    .globl rv_join_zero
rv_join_zero:
    add     a3, a0, a1
    bnez    a1, 1f
    andi    a0, a0, 1
1:  li      a2, 1
    beqz    a0, 2f
    li      a2, 0
2:  mv      a0, a2
    ret
