/*
 * 32-bit instruction decoding: field extractors (one per format) and the lookup
 * of an instruction word in the insn.def / insn_zb.def tables.
 *
 * Lookup scans only the rows of the word's major opcode (bits 6:2), indexed once
 * on first use; every row's mask covers bits 6:0 (checked when indexing).
 */
#include <string.h>

#include "frontend/riscv/internal.h"

static const RvInsnDesc rv_insn_table[] = {
#define RV_INSN(name_, mask_, match_, fmt_) \
    { .name = #name_, .mask = (mask_), .match = (match_), .fmt = (fmt_), .trans = trans_##name_ },
#include "frontend/riscv/insn.def"
#include "frontend/riscv/insn_zb.def"
#undef RV_INSN
};

/* --- Field extractors --- */

static inline int rv_rd(uint32_t insn) { return (int)rv_bits(insn, 7, 5); }
static inline int rv_rs1(uint32_t insn) { return (int)rv_bits(insn, 15, 5); }
static inline int rv_rs2(uint32_t insn) { return (int)rv_bits(insn, 20, 5); }

static inline void rv_args_r(uint32_t insn, RvArgs *a)
{
    a->rd = rv_rd(insn);
    a->rs1 = rv_rs1(insn);
    a->rs2 = rv_rs2(insn);
    a->rm = (int)rv_bits(insn, 12, 3);
}

static inline void rv_args_i(uint32_t insn, RvArgs *a)
{
    a->rd = rv_rd(insn);
    a->rs1 = rv_rs1(insn);
    a->imm = rv_sext(insn >> 20, 12);
}

static inline void rv_args_sh(uint32_t insn, RvArgs *a)
{
    a->rd = rv_rd(insn);
    a->rs1 = rv_rs1(insn);
    a->imm = rv_bits(insn, 20, 6);      /* the masks keep bit 25 clear for 5-bit shifts */
}

static inline void rv_args_s(uint32_t insn, RvArgs *a)
{
    a->rs1 = rv_rs1(insn);
    a->rs2 = rv_rs2(insn);
    a->imm = rv_sext((rv_bits(insn, 25, 7) << 5) | rv_bits(insn, 7, 5), 12);
}

static inline void rv_args_b(uint32_t insn, RvArgs *a)
{
    uint32_t imm = (rv_bits(insn, 31, 1) << 12) | (rv_bits(insn, 7, 1) << 11) |
                   (rv_bits(insn, 25, 6) << 5) | (rv_bits(insn, 8, 4) << 1);

    a->rs1 = rv_rs1(insn);
    a->rs2 = rv_rs2(insn);
    a->imm = rv_sext(imm, 13);
}

static inline void rv_args_u(uint32_t insn, RvArgs *a)
{
    a->rd = rv_rd(insn);
    a->imm = rv_sext(insn & 0xfffff000u, 32);
}

static inline void rv_args_j(uint32_t insn, RvArgs *a)
{
    uint32_t imm = (rv_bits(insn, 31, 1) << 20) | (rv_bits(insn, 12, 8) << 12) |
                   (rv_bits(insn, 20, 1) << 11) | (rv_bits(insn, 21, 10) << 1);

    a->rd = rv_rd(insn);
    a->imm = rv_sext(imm, 21);
}

static inline void rv_args_fence(uint32_t insn, RvArgs *a)
{
    a->rd = rv_rd(insn);
    a->rs1 = rv_rs1(insn);
    a->imm = rv_bits(insn, 20, 12);     /* fm[11:8] pred[7:4] succ[3:0] */
}

static inline void rv_args_csr(uint32_t insn, RvArgs *a)
{
    a->rd = rv_rd(insn);
    a->rs1 = rv_rs1(insn);              /* the uimm of the *I forms */
    a->imm = rv_rs1(insn);
    a->csr = rv_bits(insn, 20, 12);
}

static inline void rv_args_amo(uint32_t insn, RvArgs *a)
{
    rv_args_r(insn, a);
    a->rm = (int)rv_bits(insn, 25, 2);  /* aq (bit 1), rl (bit 0) */
}

static inline void rv_args_r4(uint32_t insn, RvArgs *a)
{
    rv_args_r(insn, a);
    a->rs3 = (int)rv_bits(insn, 27, 5);
}

static void rv_extract(RvFormat fmt, uint32_t insn, RvArgs *a)
{
    switch (fmt) {
    case RV_FMT_R:
    case RV_FMT_R2:
    case RV_FMT_FR:
    case RV_FMT_FRM:
    case RV_FMT_F1RM:
    case RV_FMT_XF:
    case RV_FMT_XFRM:
    case RV_FMT_FX:
    case RV_FMT_FXRM:
    case RV_FMT_XFF:
    case RV_FMT_SFENCE:
        rv_args_r(insn, a);
        return;
    case RV_FMT_I:
    case RV_FMT_LD:
    case RV_FMT_FLD:
        rv_args_i(insn, a);
        return;
    case RV_FMT_SH:
        rv_args_sh(insn, a);
        return;
    case RV_FMT_ST:
    case RV_FMT_FST:
        rv_args_s(insn, a);
        return;
    case RV_FMT_B:
        rv_args_b(insn, a);
        return;
    case RV_FMT_U:
        rv_args_u(insn, a);
        return;
    case RV_FMT_J:
        rv_args_j(insn, a);
        return;
    case RV_FMT_NONE:
        return;
    case RV_FMT_FENCE:
        rv_args_fence(insn, a);
        return;
    case RV_FMT_CSR:
    case RV_FMT_CSRI:
        rv_args_csr(insn, a);
        return;
    case RV_FMT_AMO:
    case RV_FMT_LR:
        rv_args_amo(insn, a);
        return;
    case RV_FMT_FR4:
        rv_args_r4(insn, a);
        return;
    case RV_FMT_COUNT:
        break;
    }
    g_assert_not_reached();
}

/* --- Lookup --- */

#define RV_N_ROWS G_N_ELEMENTS(rv_insn_table)

/* Per major opcode (bits 6:2 of a 32-bit word): row numbers, ending with -1. */
static int16_t *rv_index[32];

static void rv_build_index(void)
{
    for (unsigned op = 0; op < 32; op++) {
        unsigned n = 0;
        uint32_t word = (op << 2) | 3;

        rv_index[op] = g_new(int16_t, RV_N_ROWS + 1);
        for (unsigned i = 0; i < RV_N_ROWS; i++) {
            g_assert((rv_insn_table[i].mask & 0x7f) == 0x7f);
            if ((rv_insn_table[i].match & 0x7f) == word) {
                rv_index[op][n++] = (int16_t)i;
            }
        }
        rv_index[op][n] = -1;
    }
}

const RvInsnDesc *rv_decode32(uint32_t insn, RvArgs *a)
{
    static gsize once;
    const int16_t *rows;

    if (g_once_init_enter(&once)) {
        rv_build_index();
        g_once_init_leave(&once, 1);
    }
    if ((insn & 3) != 3) {
        return NULL;
    }
    for (rows = rv_index[rv_bits(insn, 2, 5)]; *rows >= 0; rows++) {
        const RvInsnDesc *d = &rv_insn_table[*rows];

        if ((insn & d->mask) == d->match) {
            memset(a, 0, sizeof(*a));
            rv_extract(d->fmt, insn, a);
            return d;
        }
    }
    return NULL;
}
