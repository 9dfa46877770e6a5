/*
 * The C extension (RISC-V Unprivileged ISA 20191213, chapter 16) for RV64:
 * every 16-bit instruction is expanded to the 32-bit instruction it stands for,
 * which then goes through the normal decoder and trans_ functions.  Reserved
 * encodings (c.addi4spn with 0, c.lwsp/c.ldsp to x0, c.jr x0, c.lui/c.addi16sp
 * with 0, c.addiw to x0) are illegal, as in qemu-riscv64; hints execute as the
 * no-ops they are.
 */
#include <string.h>

#include "frontend/riscv/internal.h"

#define RV_CF_NZ_RD   (1u << 0)     /* rd == 0 is reserved */
#define RV_CF_NZ_IMM  (1u << 1)     /* imm == 0 is reserved */

#define RV_M_ADDI   0x00000013u
#define RV_M_ADDIW  0x0000001bu
#define RV_M_LUI    0x00000037u
#define RV_M_SLLI   0x00001013u
#define RV_M_SRLI   0x00005013u
#define RV_M_SRAI   0x40005013u
#define RV_M_ANDI   0x00007013u
#define RV_M_ADD    0x00000033u
#define RV_M_SUB    0x40000033u
#define RV_M_XOR    0x00004033u
#define RV_M_OR     0x00006033u
#define RV_M_AND    0x00007033u
#define RV_M_ADDW   0x0000003bu
#define RV_M_SUBW   0x4000003bu
#define RV_M_JAL    0x0000006fu
#define RV_M_JALR   0x00000067u
#define RV_M_BEQ    0x00000063u
#define RV_M_BNE    0x00001063u
#define RV_M_LW     0x00002003u
#define RV_M_LD     0x00003003u
#define RV_M_FLD    0x00003007u
#define RV_M_SW     0x00002023u
#define RV_M_SD     0x00003023u
#define RV_M_FSD    0x00003027u
#define RV_M_EBREAK 0x00100073u

/* First match wins: c.jr before c.mv, c.ebreak and c.jalr before c.add, c.addi16sp before c.lui. */
static const RvCInsnDesc rv_cinsn_table[] = {
    { "c_addi4spn", 0xe003, 0x0000, RV_CFMT_4SPN, RV_CF_NZ_IMM, RV_M_ADDI, false },
    { "c_fld",      0xe003, 0x2000, RV_CFMT_LD, 0, RV_M_FLD, true },
    { "c_lw",       0xe003, 0x4000, RV_CFMT_LW, 0, RV_M_LW, false },
    { "c_ld",       0xe003, 0x6000, RV_CFMT_LD, 0, RV_M_LD, false },
    { "c_fsd",      0xe003, 0xa000, RV_CFMT_SD, 0, RV_M_FSD, true },
    { "c_sw",       0xe003, 0xc000, RV_CFMT_SW, 0, RV_M_SW, false },
    { "c_sd",       0xe003, 0xe000, RV_CFMT_SD, 0, RV_M_SD, false },
    { "c_addi",     0xe003, 0x0001, RV_CFMT_ADDI, 0, RV_M_ADDI, false },
    { "c_addiw",    0xe003, 0x2001, RV_CFMT_ADDI, RV_CF_NZ_RD, RV_M_ADDIW, false },
    { "c_li",       0xe003, 0x4001, RV_CFMT_LI, 0, RV_M_ADDI, false },
    { "c_addi16sp", 0xef83, 0x6101, RV_CFMT_16SP, RV_CF_NZ_IMM, RV_M_ADDI, false },
    { "c_lui",      0xe003, 0x6001, RV_CFMT_LUI, RV_CF_NZ_IMM, RV_M_LUI, false },
    { "c_srli",     0xec03, 0x8001, RV_CFMT_SHIFTB, 0, RV_M_SRLI, false },
    { "c_srai",     0xec03, 0x8401, RV_CFMT_SHIFTB, 0, RV_M_SRAI, false },
    { "c_andi",     0xec03, 0x8801, RV_CFMT_ANDI, 0, RV_M_ANDI, false },
    { "c_sub",      0xfc63, 0x8c01, RV_CFMT_ARITH, 0, RV_M_SUB, false },
    { "c_xor",      0xfc63, 0x8c21, RV_CFMT_ARITH, 0, RV_M_XOR, false },
    { "c_or",       0xfc63, 0x8c41, RV_CFMT_ARITH, 0, RV_M_OR, false },
    { "c_and",      0xfc63, 0x8c61, RV_CFMT_ARITH, 0, RV_M_AND, false },
    { "c_subw",     0xfc63, 0x9c01, RV_CFMT_ARITH, 0, RV_M_SUBW, false },
    { "c_addw",     0xfc63, 0x9c21, RV_CFMT_ARITH, 0, RV_M_ADDW, false },
    { "c_j",        0xe003, 0xa001, RV_CFMT_J, 0, RV_M_JAL, false },
    { "c_beqz",     0xe003, 0xc001, RV_CFMT_BRANCH, 0, RV_M_BEQ, false },
    { "c_bnez",     0xe003, 0xe001, RV_CFMT_BRANCH, 0, RV_M_BNE, false },
    { "c_slli",     0xe003, 0x0002, RV_CFMT_SLLI, 0, RV_M_SLLI, false },
    { "c_fldsp",    0xe003, 0x2002, RV_CFMT_LDSP, 0, RV_M_FLD, true },
    { "c_lwsp",     0xe003, 0x4002, RV_CFMT_LWSP, RV_CF_NZ_RD, RV_M_LW, false },
    { "c_ldsp",     0xe003, 0x6002, RV_CFMT_LDSP, RV_CF_NZ_RD, RV_M_LD, false },
    { "c_jr",       0xf07f, 0x8002, RV_CFMT_JR, RV_CF_NZ_RD, RV_M_JALR, false },
    { "c_mv",       0xf003, 0x8002, RV_CFMT_MV, 0, RV_M_ADD, false },
    { "c_ebreak",   0xffff, 0x9002, RV_CFMT_NONE, 0, RV_M_EBREAK, false },
    { "c_jalr",     0xf07f, 0x9002, RV_CFMT_JALR, 0, RV_M_JALR, false },
    { "c_add",      0xf003, 0x9002, RV_CFMT_ADD, 0, RV_M_ADD, false },
    { "c_fsdsp",    0xe003, 0xa002, RV_CFMT_SDSP, 0, RV_M_FSD, true },
    { "c_swsp",     0xe003, 0xc002, RV_CFMT_SWSP, 0, RV_M_SW, false },
    { "c_sdsp",     0xe003, 0xe002, RV_CFMT_SDSP, 0, RV_M_SD, false },
};

/* --- 32-bit encoders (the inverse of decode.c's extractors) --- */

static uint32_t rv_enc_r(uint32_t m, int rd, int rs1, int rs2)
{
    return m | (uint32_t)rd << 7 | (uint32_t)rs1 << 15 | (uint32_t)rs2 << 20;
}

static uint32_t rv_enc_i(uint32_t m, int rd, int rs1, int64_t imm)
{
    return m | (uint32_t)rd << 7 | (uint32_t)rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

static uint32_t rv_enc_s(uint32_t m, int rs1, int rs2, int64_t imm)
{
    uint32_t u = (uint32_t)imm;

    return m | (u & 0x1f) << 7 | (uint32_t)rs1 << 15 | (uint32_t)rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}

static uint32_t rv_enc_b(uint32_t m, int rs1, int rs2, int64_t imm)
{
    uint32_t u = (uint32_t)imm;

    return m | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | (uint32_t)rs1 << 15 |
           (uint32_t)rs2 << 20 | ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}

static uint32_t rv_enc_j(uint32_t m, int rd, int64_t imm)
{
    uint32_t u = (uint32_t)imm;

    return m | (uint32_t)rd << 7 | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 |
           ((u >> 1) & 0x3ff) << 21 | ((u >> 20) & 1) << 31;
}

/* --- Field extraction --- */

static inline uint32_t cb(uint16_t c, unsigned lo, unsigned len)
{
    return rv_bits(c, lo, len);
}

static inline int creg(uint16_t c, unsigned lo)     /* the 3-bit x8..x15 fields */
{
    return 8 + (int)cb(c, lo, 3);
}

static inline int64_t cimm6(uint16_t c)
{
    return rv_sext(cb(c, 12, 1) << 5 | cb(c, 2, 5), 6);
}

/* Fill a (as the 32-bit form's operands) from c; returns the encoded 32-bit word. */
static uint32_t rv_cexpand(const RvCInsnDesc *d, uint16_t c, RvArgs *a)
{
    switch (d->fmt) {
    case RV_CFMT_4SPN:
        a->rd = creg(c, 2);
        a->rs1 = 2;
        a->imm = cb(c, 11, 2) << 4 | cb(c, 7, 4) << 6 | cb(c, 6, 1) << 2 | cb(c, 5, 1) << 3;
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_LW:
        a->rd = creg(c, 2);
        a->rs1 = creg(c, 7);
        a->imm = cb(c, 10, 3) << 3 | cb(c, 6, 1) << 2 | cb(c, 5, 1) << 6;
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_LD:
        a->rd = creg(c, 2);
        a->rs1 = creg(c, 7);
        a->imm = cb(c, 10, 3) << 3 | cb(c, 5, 2) << 6;
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_SW:
        a->rs2 = creg(c, 2);
        a->rs1 = creg(c, 7);
        a->imm = cb(c, 10, 3) << 3 | cb(c, 6, 1) << 2 | cb(c, 5, 1) << 6;
        return rv_enc_s(d->base, a->rs1, a->rs2, a->imm);
    case RV_CFMT_SD:
        a->rs2 = creg(c, 2);
        a->rs1 = creg(c, 7);
        a->imm = cb(c, 10, 3) << 3 | cb(c, 5, 2) << 6;
        return rv_enc_s(d->base, a->rs1, a->rs2, a->imm);
    case RV_CFMT_ADDI:
        a->rd = a->rs1 = (int)cb(c, 7, 5);
        a->imm = cimm6(c);
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_LI:
        a->rd = (int)cb(c, 7, 5);
        a->rs1 = 0;
        a->imm = cimm6(c);
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_LUI:
        a->rd = (int)cb(c, 7, 5);
        a->imm = cimm6(c) * 4096;
        return d->base | (uint32_t)a->rd << 7 | ((uint32_t)a->imm & 0xfffff000u);
    case RV_CFMT_16SP:
        a->rd = a->rs1 = 2;
        a->imm = rv_sext(cb(c, 12, 1) << 9 | cb(c, 6, 1) << 4 | cb(c, 5, 1) << 6 |
                         cb(c, 3, 2) << 7 | cb(c, 2, 1) << 5, 10);
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_SHIFTB:
        a->rd = a->rs1 = creg(c, 7);
        a->imm = cb(c, 12, 1) << 5 | cb(c, 2, 5);
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_ANDI:
        a->rd = a->rs1 = creg(c, 7);
        a->imm = cimm6(c);
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_ARITH:
        a->rd = a->rs1 = creg(c, 7);
        a->rs2 = creg(c, 2);
        return rv_enc_r(d->base, a->rd, a->rs1, a->rs2);
    case RV_CFMT_J:
        a->rd = 0;
        a->imm = rv_sext(cb(c, 12, 1) << 11 | cb(c, 11, 1) << 4 | cb(c, 9, 2) << 8 |
                         cb(c, 8, 1) << 10 | cb(c, 7, 1) << 6 | cb(c, 6, 1) << 7 |
                         cb(c, 3, 3) << 1 | cb(c, 2, 1) << 5, 12);
        return rv_enc_j(d->base, a->rd, a->imm);
    case RV_CFMT_BRANCH:
        a->rs1 = creg(c, 7);
        a->rs2 = 0;
        a->imm = rv_sext(cb(c, 12, 1) << 8 | cb(c, 10, 2) << 3 | cb(c, 5, 2) << 6 |
                         cb(c, 3, 2) << 1 | cb(c, 2, 1) << 5, 9);
        return rv_enc_b(d->base, a->rs1, a->rs2, a->imm);
    case RV_CFMT_SLLI:
        a->rd = a->rs1 = (int)cb(c, 7, 5);
        a->imm = cb(c, 12, 1) << 5 | cb(c, 2, 5);
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_LWSP:
        a->rd = (int)cb(c, 7, 5);
        a->rs1 = 2;
        a->imm = cb(c, 12, 1) << 5 | cb(c, 4, 3) << 2 | cb(c, 2, 2) << 6;
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_LDSP:
        a->rd = (int)cb(c, 7, 5);
        a->rs1 = 2;
        a->imm = cb(c, 12, 1) << 5 | cb(c, 5, 2) << 3 | cb(c, 2, 3) << 6;
        return rv_enc_i(d->base, a->rd, a->rs1, a->imm);
    case RV_CFMT_JR:
        a->rd = 0;
        a->rs1 = (int)cb(c, 7, 5);
        a->imm = 0;
        return rv_enc_i(d->base, a->rd, a->rs1, 0);
    case RV_CFMT_MV:
        a->rd = (int)cb(c, 7, 5);
        a->rs1 = 0;
        a->rs2 = (int)cb(c, 2, 5);
        return rv_enc_r(d->base, a->rd, a->rs1, a->rs2);
    case RV_CFMT_NONE:
        return d->base;
    case RV_CFMT_JALR:
        a->rd = 1;
        a->rs1 = (int)cb(c, 7, 5);
        a->imm = 0;
        return rv_enc_i(d->base, a->rd, a->rs1, 0);
    case RV_CFMT_ADD:
        a->rd = a->rs1 = (int)cb(c, 7, 5);
        a->rs2 = (int)cb(c, 2, 5);
        return rv_enc_r(d->base, a->rd, a->rs1, a->rs2);
    case RV_CFMT_SWSP:
        a->rs1 = 2;
        a->rs2 = (int)cb(c, 2, 5);
        a->imm = cb(c, 9, 4) << 2 | cb(c, 7, 2) << 6;
        return rv_enc_s(d->base, a->rs1, a->rs2, a->imm);
    case RV_CFMT_SDSP:
        a->rs1 = 2;
        a->rs2 = (int)cb(c, 2, 5);
        a->imm = cb(c, 10, 3) << 3 | cb(c, 7, 3) << 6;
        return rv_enc_s(d->base, a->rs1, a->rs2, a->imm);
    }
    g_assert_not_reached();
}

const RvCInsnDesc *rv_expand_rvc(uint16_t c, uint32_t *insn, RvArgs *a)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(rv_cinsn_table); i++) {
        const RvCInsnDesc *d = &rv_cinsn_table[i];

        if ((c & d->mask) != d->match) {
            continue;
        }
        memset(a, 0, sizeof(*a));
        *insn = rv_cexpand(d, c, a);
        /* c.jr's "rd" check is on its rs1 field, which sits where rd does. */
        if ((d->flags & RV_CF_NZ_RD) && cb(c, 7, 5) == 0) {
            return NULL;
        }
        if ((d->flags & RV_CF_NZ_IMM) && a->imm == 0) {
            return NULL;
        }
        return d;
    }
    return NULL;
}
