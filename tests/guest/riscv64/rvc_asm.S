/*
 * rvc_asm.S - explicit RV64C instructions (RISC-V unprivileged ISA, chapter 16), one small
 * function per group so rvc_asm.c can check each result. The c.* mnemonics force the 16-bit
 * encodings; registers of the 3-bit forms are x8..x15 (s0, s1, a0..a5).
 */
    .option rvc
    .text

.macro FUNC name
    .globl \name
    .type \name, @function
    .p2align 1
\name:
.endm

/* uint64_t c_arith(uint64_t x, int which) - selected by a1 */
FUNC c_addi_m5          /* x - 5 */
    c.addi  a0, -5
    c.jr    ra
FUNC c_addi_31          /* x + 31 */
    c.addi  a0, 31
    ret
FUNC c_addiw_1          /* sext32(x + 1) */
    c.addiw a0, 1
    ret
FUNC c_addiw_0          /* sext.w */
    c.addiw a0, 0
    ret
FUNC c_li_m32
    c.li    a0, -32
    ret
FUNC c_li_31
    c.li    a0, 31
    ret
FUNC c_lui_31           /* 31 << 12 */
    c.lui   a0, 31
    ret
FUNC c_lui_neg          /* nzimm = -32 -> 0xfffffffffffe0000 */
    c.lui   a0, 0xfffe0
    ret
FUNC c_addi16sp_delta   /* sp moves by -64 then back; returns the distance */
    c.mv    a1, sp
    c.addi16sp sp, -64
    sub     a0, a1, sp
    c.addi16sp sp, 64
    ret
FUNC c_addi4spn_delta   /* a0 = sp + 1020 - sp */
    c.addi4spn a0, sp, 1020
    sub     a0, a0, sp
    ret
FUNC c_srli_63
    c.srli  a0, 63
    ret
FUNC c_srai_4
    c.srai  a0, 4
    ret
FUNC c_slli_40
    c.slli  a0, 40
    ret
FUNC c_andi_m16
    c.andi  a0, -16
    ret
FUNC c_andi_15
    c.andi  a0, 15
    ret
FUNC c_sub              /* a0 - a1 */
    c.sub   a0, a1
    ret
FUNC c_xor
    c.xor   a0, a1
    ret
FUNC c_or
    c.or    a0, a1
    ret
FUNC c_and
    c.and   a0, a1
    ret
FUNC c_subw
    c.subw  a0, a1
    ret
FUNC c_addw
    c.addw  a0, a1
    ret
FUNC c_add              /* a0 + a1 via a non-x8..x15 register */
    c.mv    t0, a0
    c.add   t0, a1
    c.mv    a0, t0
    ret
FUNC c_nop_mv           /* returns a1 after a c.nop */
    c.nop
    c.mv    a0, a1
    ret

/* void c_mem(uint64_t *buf): buf[0] is an input; writes results to buf[1..] */
FUNC c_mem
    c.ld    a1, 0(a0)           /* a1 = buf[0] */
    c.sd    a1, 8(a0)           /* buf[1] = buf[0] */
    c.lw    a2, 0(a0)           /* sign-extended low word */
    c.sd    a2, 16(a0)          /* buf[2] */
    c.sw    a1, 28(a0)          /* high word of buf[3] = low word of buf[0] */
    c.fld   fa0, 0(a0)
    c.fsd   fa0, 32(a0)         /* buf[4] = buf[0] bit for bit */
    c.ld    a3, 248(a0)         /* largest c.ld offset: buf[31] */
    c.sd    a3, 40(a0)          /* buf[5] = buf[31] */
    ret

/* void c_stack(uint64_t *buf): the sp-relative forms, through a 64-byte frame */
FUNC c_stack
    c.addi16sp sp, -64
    c.ld    a1, 0(a0)
    c.sdsp  a1, 8(sp)
    c.swsp  a1, 16(sp)
    c.fsdsp fa0, 24(sp)         /* fa0 was set by the caller */
    c.ldsp  t1, 8(sp)
    c.lwsp  t2, 16(sp)
    c.fldsp fa1, 24(sp)
    c.sd    a1, 0(a0)
    sd      t1, 8(a0)           /* buf[1] = value through ldsp */
    sd      t2, 16(a0)          /* buf[2] = low word through lwsp, sign-extended */
    fsd     fa1, 24(a0)         /* buf[3] = fa0 through fsdsp/fldsp */
    c.addi16sp sp, 64
    ret

/* uint64_t c_branches(uint64_t x): bit 0 beqz taken, bit 1 bnez taken; plus c.j over a trap */
FUNC c_branches
    c.li    a1, 0
    c.beqz  a0, 1f
    c.j     2f
1:  ori     a1, a1, 1
2:  c.bnez  a0, 3f
    c.j     4f
3:  ori     a1, a1, 2
4:  c.j     5f
    c.ebreak                    /* skipped */
5:  c.mv    a0, a1
    ret

/* uint64_t c_call(uint64_t (*fn)(uint64_t), uint64_t x): c.jalr links to the next halfword */
FUNC c_call
    c.addi  sp, -16
    c.sdsp  ra, 8(sp)
    c.mv    t0, a0
    c.mv    a0, a1
    c.jalr  t0
    c.addi  a0, 1
    c.ldsp  ra, 8(sp)
    c.addi  sp, 16
    c.jr    ra

/* int64_t c_jalr_link(void): c.jalr links to its own address + 2; returns that distance */
FUNC c_jalr_link
    c.mv    t2, ra
    la      t0, 2f
1:  c.jalr  t0
    li      a0, -1              /* skipped */
    c.mv    ra, t2
    ret
2:  la      t1, 1b
    sub     a0, ra, t1
    c.mv    ra, t2
    ret
