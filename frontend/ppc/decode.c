/*
 * Instruction decoding: the 64-row primary-opcode table, the extended-opcode
 * tables of opcodes 19, 31, 59 and 63 (Power ISA 2.06 Book I, appendix "Opcode
 * maps"), one field extractor per operand format, and the reserved-bit check.
 *
 * An extended table is a list of rows; on first use each is indexed into a
 * 1024-entry array by the 10-bit extended opcode (instruction bits 21:30), a row
 * filling every entry its xo/xo_mask matches (XO forms ignore OE, A forms only look
 * at bits 26:30).  Two rows claiming one entry is a table bug, caught when indexing.
 */
#include <string.h>

#include "frontend/ppc/internal.h"

typedef struct PpcExtTable {
    const PpcInsnDesc *rows;
    unsigned n_rows;
    int16_t index[1024];        /* row number, or -1 */
} PpcExtTable;

#define PPC_INSN(name_, xo_, mask_, fmt_, fn_, param_, flags_) \
    { .name = #name_, .xo = (xo_), .xo_mask = (mask_), .fmt = PPC_FMT_##fmt_, .flags = (flags_), \
      .param = (param_), .trans = ppc_trans_##fn_ },
static const PpcInsnDesc ppc_rows19[] = {
#include "frontend/ppc/insn_19.def"
};
static const PpcInsnDesc ppc_rows31[] = {
#include "frontend/ppc/insn_31.def"
};
static const PpcInsnDesc ppc_rows59[] = {
#include "frontend/ppc/insn_59.def"
};
static const PpcInsnDesc ppc_rows63[] = {
#include "frontend/ppc/insn_63.def"
};
#undef PPC_INSN

static PpcExtTable ppc_ext19 = { ppc_rows19, G_N_ELEMENTS(ppc_rows19), { 0 } };
static PpcExtTable ppc_ext31 = { ppc_rows31, G_N_ELEMENTS(ppc_rows31), { 0 } };
static PpcExtTable ppc_ext59 = { ppc_rows59, G_N_ELEMENTS(ppc_rows59), { 0 } };
static PpcExtTable ppc_ext63 = { ppc_rows63, G_N_ELEMENTS(ppc_rows63), { 0 } };

typedef struct PpcPrimary {
    PpcInsnDesc insn;           /* used when ext is NULL and insn.trans is set */
    PpcExtTable *ext;
} PpcPrimary;

static const PpcPrimary ppc_primary[64] = {
#define PPC_OP(opcd_, name_, fmt_, fn_, param_, flags_) \
    [opcd_] = { .insn = { .name = #name_, .fmt = PPC_FMT_##fmt_, .flags = (flags_), .param = (param_), \
                          .trans = ppc_trans_##fn_ } },
#define PPC_EXT(opcd_, table_) [opcd_] = { .ext = &table_ },
#include "frontend/ppc/insn_primary.def"
#undef PPC_OP
#undef PPC_EXT
};

/* --- Field extraction --- */

static inline uint32_t ppc_bits(uint32_t insn, unsigned lo, unsigned len)
{
    return (insn >> lo) & ((1u << len) - 1);
}

static inline int32_t ppc_sext(uint32_t v, unsigned bits)
{
    return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

/* Register fields of most forms: RT/RS (bits 6:10), RA (11:15), RB (16:20), FRC (21:25). */
static inline void ppc_args_regs(uint32_t insn, PpcArgs *a)
{
    a->rt = (int)ppc_bits(insn, 21, 5);
    a->ra = (int)ppc_bits(insn, 16, 5);
    a->rb = (int)ppc_bits(insn, 11, 5);
    a->rc = (int)ppc_bits(insn, 6, 5);
    a->rc_bit = insn & 1;
}

static inline void ppc_args_d(uint32_t insn, PpcArgs *a)
{
    ppc_args_regs(insn, a);
    a->imm = ppc_sext(insn & 0xffff, 16);
    a->uimm = insn & 0xffff;
    a->crfd = a->rt >> 2;
    a->l = a->rt & 1;
}

static inline void ppc_args_i(uint32_t insn, PpcArgs *a)
{
    a->imm = ppc_sext(insn & 0x03fffffc, 26);
    a->aa = (insn >> 1) & 1;
    a->lk = insn & 1;
}

static inline void ppc_args_b(uint32_t insn, PpcArgs *a)
{
    ppc_args_regs(insn, a);
    a->imm = ppc_sext(insn & 0xfffc, 16);
    a->aa = (insn >> 1) & 1;
    a->lk = insn & 1;
}

static inline void ppc_args_m(uint32_t insn, PpcArgs *a)
{
    ppc_args_regs(insn, a);
    a->sh = a->rb;
    a->mb = a->rc;
    a->me = (int)ppc_bits(insn, 1, 5);
}

static inline void ppc_args_x(uint32_t insn, PpcArgs *a)
{
    ppc_args_regs(insn, a);
    a->crfd = a->rt >> 2;
    a->crfs = a->ra >> 2;
    a->l = a->rt & 3;           /* cmp: bit 10 (L); sync: bits 9:10 */
    a->sh = a->rb;
    a->lk = insn & 1;
    a->bh = (int)ppc_bits(insn, 11, 2);
}

static inline void ppc_args_xfx(uint32_t insn, PpcArgs *a)
{
    ppc_args_regs(insn, a);
    a->spr = ppc_bits(insn, 16, 5) | ppc_bits(insn, 11, 5) << 5;
    a->fxm = ppc_bits(insn, 12, 8);
    a->l = (insn >> 20) & 1;
}

static inline void ppc_args_xfl(uint32_t insn, PpcArgs *a)
{
    ppc_args_regs(insn, a);
    a->fxm = ppc_bits(insn, 17, 8);
    a->l = (insn >> 25) & 1;
    a->w = (insn >> 16) & 1;
}

static inline void ppc_args_mtfsfi(uint32_t insn, PpcArgs *a)
{
    ppc_args_regs(insn, a);
    a->crfd = a->rt >> 2;
    a->fxm = ppc_bits(insn, 12, 4);
    a->w = (insn >> 16) & 1;
}

static inline void ppc_args_xo(uint32_t insn, PpcArgs *a)
{
    ppc_args_regs(insn, a);
    a->oe = (insn >> 10) & 1;
}

static void ppc_extract(PpcFormat fmt, uint32_t insn, PpcArgs *a)
{
    switch (fmt) {
    case PPC_FMT_D:
    case PPC_FMT_DU:
    case PPC_FMT_DCMP:
    case PPC_FMT_DTO:
    case PPC_FMT_SC:
        ppc_args_d(insn, a);
        return;
    case PPC_FMT_I:
        ppc_args_i(insn, a);
        return;
    case PPC_FMT_B:
        ppc_args_b(insn, a);
        return;
    case PPC_FMT_M:
        ppc_args_m(insn, a);
        return;
    case PPC_FMT_X:
    case PPC_FMT_XTA:
    case PPC_FMT_XT:
    case PPC_FMT_XAB:
    case PPC_FMT_XTB:
    case PPC_FMT_XNONE:
    case PPC_FMT_XSYNC:
    case PPC_FMT_XCMP:
    case PPC_FMT_XFCMP:
    case PPC_FMT_XCRF:
    case PPC_FMT_XCRD:
    case PPC_FMT_XL:
    case PPC_FMT_XLBC:
    case PPC_FMT_A:
    case PPC_FMT_AAB:
    case PPC_FMT_AAC:
    case PPC_FMT_AB:
    case PPC_FMT_ISEL:
        ppc_args_x(insn, a);
        return;
    case PPC_FMT_XMTFSFI:
        ppc_args_mtfsfi(insn, a);
        return;
    case PPC_FMT_XFX_SPR:
    case PPC_FMT_XFX_CRF:
        ppc_args_xfx(insn, a);
        return;
    case PPC_FMT_XFL:
        ppc_args_xfl(insn, a);
        return;
    case PPC_FMT_XO:
    case PPC_FMT_XOA:
        ppc_args_xo(insn, a);
        return;
    case PPC_FMT_COUNT:
        break;
    }
    g_assert_not_reached();
}

/* --- Reserved bits --- */

#define PPC_M_RT   (0x1fu << 21)
#define PPC_M_RA   (0x1fu << 16)
#define PPC_M_RB   (0x1fu << 11)
#define PPC_M_RC   (0x1fu << 6)
#define PPC_M_CRFD (0x7u << 23)
#define PPC_M_CRFS (0x7u << 18)

/* Instruction bits a format gives a meaning to, outside the opcode fields. */
static uint32_t ppc_fmt_fields(PpcFormat fmt)
{
    switch (fmt) {
    case PPC_FMT_D:
    case PPC_FMT_DU:
    case PPC_FMT_DTO:
        return 0x03ffffffu;
    case PPC_FMT_DCMP:
        return PPC_M_CRFD | (1u << 21) | PPC_M_RA | 0xffffu;
    case PPC_FMT_I:
    case PPC_FMT_B:
        return 0x03ffffffu;
    case PPC_FMT_SC:
        return 0x2u;            /* the fixed 1 bit; LEV and the rest must be 0 */
    case PPC_FMT_M:
        return 0x03fffffeu;
    case PPC_FMT_X:
    case PPC_FMT_XO:
    case PPC_FMT_ISEL:
        return PPC_M_RT | PPC_M_RA | PPC_M_RB;
    case PPC_FMT_XTA:
    case PPC_FMT_XOA:
        return PPC_M_RT | PPC_M_RA;
    case PPC_FMT_XT:
        return PPC_M_RT;
    case PPC_FMT_XAB:
        return PPC_M_RA | PPC_M_RB;
    case PPC_FMT_XTB:
    case PPC_FMT_AB:
        return PPC_M_RT | PPC_M_RB;
    case PPC_FMT_XNONE:
        return 0;
    case PPC_FMT_XSYNC:
        return 0x3u << 21;
    case PPC_FMT_XCMP:
        return PPC_M_CRFD | (1u << 21) | PPC_M_RA | PPC_M_RB;
    case PPC_FMT_XFCMP:
        return PPC_M_CRFD | PPC_M_RA | PPC_M_RB;
    case PPC_FMT_XCRF:
        return PPC_M_CRFD | PPC_M_CRFS;
    case PPC_FMT_XCRD:
        return PPC_M_CRFD;
    case PPC_FMT_XMTFSFI:
        return PPC_M_CRFD | (1u << 16) | (0xfu << 12);
    case PPC_FMT_XL:
        return PPC_M_RT | PPC_M_RA | PPC_M_RB;
    case PPC_FMT_XLBC:
        return PPC_M_RT | PPC_M_RA | (0x3u << 11) | 1u;
    case PPC_FMT_XFX_SPR:
        return PPC_M_RT | PPC_M_RA | PPC_M_RB;
    case PPC_FMT_XFX_CRF:
        return PPC_M_RT | (1u << 20) | (0xffu << 12);
    case PPC_FMT_XFL:
        return (1u << 25) | (0xffu << 17) | (1u << 16) | PPC_M_RB;
    case PPC_FMT_A:
        return PPC_M_RT | PPC_M_RA | PPC_M_RB | PPC_M_RC;
    case PPC_FMT_AAB:
        return PPC_M_RT | PPC_M_RA | PPC_M_RB;
    case PPC_FMT_AAC:
        return PPC_M_RT | PPC_M_RA | PPC_M_RC;
    case PPC_FMT_COUNT:
        break;
    }
    g_assert_not_reached();
}

uint32_t ppc_reserved_mask(const PpcInsnDesc *d, unsigned opcd)
{
    uint32_t used = 0xfc000000u | ppc_fmt_fields((PpcFormat)d->fmt);

    if (ppc_primary[opcd].ext != NULL) {
        used |= (uint32_t)d->xo_mask << 1;
        if (d->fmt == PPC_FMT_ISEL) {
            used |= PPC_M_RC;   /* BC lives where A forms have FRC */
        }
        if (d->flags & PPC_F_OE) {
            used |= 1u << 10;
        }
    }
    if (d->flags & (PPC_F_RC | PPC_F_RC1 | PPC_F_EH)) {
        used |= 1u;
    }
    return ~used;
}

/* --- Lookup --- */

static void ppc_index_table(PpcExtTable *t)
{
    for (unsigned i = 0; i < 1024; i++) {
        t->index[i] = -1;
    }
    for (unsigned r = 0; r < t->n_rows; r++) {
        const PpcInsnDesc *d = &t->rows[r];

        for (unsigned i = 0; i < 1024; i++) {
            if ((i & d->xo_mask) == d->xo) {
                g_assert(t->index[i] == -1);
                t->index[i] = (int16_t)r;
            }
        }
    }
}

static void ppc_build_index(void)
{
    for (unsigned op = 0; op < 64; op++) {
        if (ppc_primary[op].ext != NULL) {
            ppc_index_table(ppc_primary[op].ext);
        }
    }
}

static void ppc_ensure_index(void)
{
    static gsize once;

    if (g_once_init_enter(&once)) {
        ppc_build_index();
        g_once_init_leave(&once, 1);
    }
}

const PpcInsnDesc *ppc_decode(uint32_t insn, PpcArgs *a)
{
    unsigned opcd = insn >> 26;
    const PpcPrimary *p = &ppc_primary[opcd];
    const PpcInsnDesc *d;

    ppc_ensure_index();
    if (p->ext != NULL) {
        int row = p->ext->index[(insn >> 1) & 0x3ff];

        if (row < 0) {
            return NULL;
        }
        d = &p->ext->rows[row];
    } else if (p->insn.trans != NULL) {
        d = &p->insn;
    } else {
        return NULL;
    }
    if ((insn & ppc_reserved_mask(d, opcd)) != 0) {
        return NULL;
    }
    if ((d->flags & PPC_F_RC1) && !(insn & 1)) {
        return NULL;
    }
    if (d->fmt == PPC_FMT_SC && !(insn & 2)) {
        return NULL;            /* sc's fixed 1 bit */
    }
    memset(a, 0, sizeof(*a));
    ppc_extract((PpcFormat)d->fmt, insn, a);
    a->param = d->param;
    return d;
}

void ppc_for_each_row(void (*fn)(const PpcInsnDesc *d, unsigned opcd, void *opaque), void *opaque)
{
    ppc_ensure_index();
    for (unsigned op = 0; op < 64; op++) {
        const PpcPrimary *p = &ppc_primary[op];

        if (p->ext != NULL) {
            for (unsigned r = 0; r < p->ext->n_rows; r++) {
                fn(&p->ext->rows[r], op, opaque);
            }
        } else if (p->insn.trans != NULL) {
            fn(&p->insn, op, opaque);
        }
    }
}
