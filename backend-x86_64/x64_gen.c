/*
 * IR to x86-64: one forward pass over an optimized IrBlock, allocating registers as it
 * goes (x64_ra.c) and emitting through the encoder (x64_emit.c).
 *
 * Block layout: the exit_request poll, then the body, then out-of-line "cold" code
 * (the interrupt exit, unchained exit stubs, address-fault exits).  Memory ops, helper
 * calls and exits are in x64_gen_mem.c; this file has the pass itself, arithmetic and
 * control flow.  It must not know any guest: everything comes from the IR.
 */
#include "backend-x86_64/x64_internal.h"

#include <stddef.h>

/* --- Small helpers shared with x64_gen_mem.c --- */

unsigned x64_tsz(IrType t)
{
    return t == IR_I64 ? 8 : 4;
}

bool x64_is_const(X64Gen *g, IrTemp t)
{
    return g->temps[t].is_const;
}

/* The value of a constant temp as the op sees it (truncated to sz bytes). */
uint64_t x64_cval(X64Gen *g, IrTemp t, unsigned sz)
{
    uint64_t v = g->temps[t].cval;
    return sz == 8 ? v : (uint32_t)v;
}

/* A constant usable as an imm32 operand of an sz-byte instruction. */
bool x64_imm_ok(X64Gen *g, IrTemp t, unsigned sz, int32_t *imm)
{
    if (!g->temps[t].is_const) {
        return false;
    }
    uint64_t v = g->temps[t].cval;
    if (sz == 4) {
        *imm = (int32_t)(uint32_t)v;
        return true;
    }
    if (!x64_fits_i32((int64_t)v)) {
        return false;
    }
    *imm = (int32_t)(int64_t)v;
    return true;
}

X64Opnd x64_operand(X64Gen *g, IrTemp t, unsigned sz)
{
    X64Opnd o = { .is_imm = false, .reg = X64_NOREG, .imm = 0 };
    if (x64_imm_ok(g, t, sz, &o.imm)) {
        o.is_imm = true;
    } else {
        o.reg = x64_ra_use(g, t);
    }
    return o;
}

/* Store a 64-bit constant to memory; may use r11. */
void x64_store_imm64(X64Gen *g, X64Mem m, uint64_t v)
{
    if (x64_fits_i32((int64_t)v)) {
        x64_mov_mi(&g->buf, 8, m, (int32_t)(int64_t)v);
    } else {
        x64_mov_ri(&g->buf, 8, X64_SCRATCH, v);
        x64_mov_mr(&g->buf, 8, m, X64_SCRATCH);
    }
}

/*
 * Get t's value into the fixed register r, which the instruction will clobber: r ends
 * up locked and owned by nobody, and t (if still needed later) lives somewhere else.
 */
void x64_put_in(X64Gen *g, X64Reg r, IrTemp t, unsigned sz)
{
    X64TempInfo *ti = &g->temps[t];
    if (ti->reg == r && (ti->last_use <= g->cur || ti->is_const || ti->in_frame)) {
        X64RegInfo *ri = &g->regs[r];
        if (ri->slot >= 0) {
            if (ri->dirty) {
                x64_mov_mr(&g->buf, ri->slot_size, x64_mem(X64_CPU_REG, ri->slot), r);
            }
            ri->slot = -1;
            ri->dirty = false;
        }
        x64_ra_unmap(g, r);
        x64_ra_lock(g, r);
        return;
    }
    x64_ra_take(g, r);
    x64_ra_load_value(g, r, t, sz);
}

/* Define out as the constant v (a folded op): no code unless out needs a register. */
static void def_const(X64Gen *g, IrTemp out, uint64_t v)
{
    X64TempInfo *ti = &g->temps[out];
    if (g->blk->temps[out].ndefs <= 1) {
        if (ti->reg >= 0) {
            x64_ra_unmap(g, ti->reg);
        }
        ti->is_const = true;
        ti->cval = v;
        ti->in_frame = false;
        return;
    }
    X64Reg r = x64_ra_def(g, out, X64_NOREG);
    x64_mov_ri(&g->buf, 8, r, v);
    x64_ra_def_done(g, out);
}

static const X64Cond cond_map[IR_COND_COUNT] = {
    [IR_COND_EQ] = X64_CC_E,   [IR_COND_NE] = X64_CC_NE,
    [IR_COND_LT] = X64_CC_L,   [IR_COND_GE] = X64_CC_GE,
    [IR_COND_LE] = X64_CC_LE,  [IR_COND_GT] = X64_CC_G,
    [IR_COND_LTU] = X64_CC_B,  [IR_COND_GEU] = X64_CC_AE,
    [IR_COND_LEU] = X64_CC_BE, [IR_COND_GTU] = X64_CC_A,
    [IR_COND_TSTEQ] = X64_CC_E, [IR_COND_TSTNE] = X64_CC_NE,
};

/* Operands of a comparison, placed before any output is allocated. */
typedef struct Cmp {
    IrCond c;
    unsigned sz;
    X64Reg a;
    X64Opnd b;
} Cmp;

static Cmp cmp_prepare(X64Gen *g, IrCond c, IrType ty, IrTemp a, IrTemp b)
{
    Cmp k = { .c = c, .sz = x64_tsz(ty) };
    int32_t imm;
    if (x64_is_const(g, a) && !x64_imm_ok(g, b, k.sz, &imm)) {
        IrTemp t = a;
        a = b;
        b = t;
        k.c = ir_cond_swap(c);
    }
    k.a = x64_ra_use(g, a);
    k.b = x64_operand(g, b, k.sz);
    return k;
}

/* Emit the compare; returns the x86 condition that is true when the IR condition is. */
static X64Cond cmp_emit(X64Gen *g, const Cmp *k)
{
    bool tst = k->c == IR_COND_TSTEQ || k->c == IR_COND_TSTNE;
    if (k->b.is_imm) {
        if (tst) {
            x64_test_ri(&g->buf, k->sz, k->a, k->b.imm);
        } else if (k->b.imm == 0 && (k->c == IR_COND_EQ || k->c == IR_COND_NE) && k->a == g->zf_reg &&
                   g->zf_end == x64_offset(&g->buf) && (g->zf_size == k->sz || g->zf_size == 4)) {
            /* The ALU op just before left ZF for this register (a 32-bit one zeroed the rest). */
        } else if (k->b.imm == 0) {
            x64_test_rr(&g->buf, k->sz, k->a, k->a);   /* same flags as cmp a, 0 */
        } else {
            x64_alu_ri(&g->buf, X64_CMP, k->sz, k->a, k->b.imm);
        }
    } else if (tst) {
        x64_test_rr(&g->buf, k->sz, k->a, k->b.reg);
    } else {
        x64_alu_rr(&g->buf, X64_CMP, k->sz, k->a, k->b.reg);
    }
    return cond_map[k->c];
}

/* --- Arithmetic --- */

/* A register for out, reusing a's register when a dies here. */
static X64Reg def_from(X64Gen *g, IrTemp out, IrTemp a, X64Reg ra, unsigned sz)
{
    if (x64_ra_reusable(g, a) && g->temps[a].reg == ra) {
        return x64_ra_def(g, out, ra);
    }
    X64Reg r = x64_ra_def(g, out, X64_NOREG);
    x64_mov_rr(&g->buf, sz, r, ra);
    return r;
}

/* Operand size of an arithmetic op: 4 for a narrow i64 result (plan_narrow). */
static unsigned op_size(const X64Gen *g, const IrInsn *insn)
{
    return g->temps[insn->out].narrow ? 4 : x64_tsz(insn->type);
}

static void gen_alu(X64Gen *g, const IrInsn *insn, X64Alu op, bool commutes)
{
    unsigned sz = op_size(g, insn);
    IrTemp a = insn->in[0], b = insn->in[1];
    int32_t imm;
    if (commutes && ((x64_is_const(g, a) && !x64_is_const(g, b)) ||
                     (!x64_ra_reusable(g, a) && x64_ra_reusable(g, b) && !x64_imm_ok(g, b, sz, &imm)))) {
        IrTemp t = a;
        a = b;
        b = t;
    }
    X64Opnd ob = x64_operand(g, b, sz);
    X64Reg ra = x64_ra_use(g, a);
    X64Reg r;
    if (x64_ra_reusable(g, a)) {
        r = x64_ra_def(g, insn->out, ra);
    } else if (op == X64_ADD || (op == X64_SUB && ob.is_imm && ob.imm != INT32_MIN)) {
        /* Three-operand add without disturbing a. */
        r = x64_ra_def(g, insn->out, X64_NOREG);
        if (ob.is_imm) {
            x64_lea(&g->buf, sz, r, x64_mem(ra, op == X64_SUB ? -ob.imm : ob.imm));
        } else {
            x64_lea(&g->buf, sz, r, x64_mem_idx(ra, ob.reg, 0, 0));
        }
        x64_ra_def_done(g, insn->out);
        return;
    } else {
        r = x64_ra_def(g, insn->out, X64_NOREG);
        x64_mov_rr(&g->buf, sz, r, ra);
    }
    if (ob.is_imm) {
        x64_alu_ri(&g->buf, op, sz, r, ob.imm);
    } else {
        x64_alu_rr(&g->buf, op, sz, r, ob.reg);
    }
    g->zf_reg = r;
    g->zf_size = sz;
    g->zf_end = x64_offset(&g->buf);
    x64_ra_def_done(g, insn->out);
}

static void gen_mul(X64Gen *g, const IrInsn *insn)
{
    unsigned sz = op_size(g, insn);
    IrTemp a = insn->in[0], b = insn->in[1];
    int32_t imm;
    if (x64_is_const(g, a) || (!x64_ra_reusable(g, a) && x64_ra_reusable(g, b))) {
        IrTemp t = a;
        a = b;
        b = t;
    }
    if (x64_imm_ok(g, b, sz, &imm)) {
        X64Reg ra = x64_ra_use(g, a);
        X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? ra : X64_NOREG);
        x64_imul_rri(&g->buf, sz, r, ra, imm);
    } else {
        X64Reg rb = x64_ra_use(g, b);
        X64Reg ra = x64_ra_use(g, a);
        X64Reg r = def_from(g, insn->out, a, ra, sz);
        x64_imul_rr(&g->buf, sz, r, rb);
    }
    x64_ra_def_done(g, insn->out);
}

static void gen_mulh(X64Gen *g, const IrInsn *insn)
{
    IrOpcode op = insn->op;
    IrTemp a = insn->in[0], b = insn->in[1];
    if (insn->type == IR_I32) {
        /* The full 64-bit product of the extended halves; its upper word is the answer. */
        X64Reg rb = x64_ra_use(g, b);
        X64Reg ra = x64_ra_use(g, a);
        X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? ra : X64_NOREG);
        if (op == IR_OP_MULHU) {
            x64_mov_rr(&g->buf, 4, X64_SCRATCH, rb);
            x64_mov_rr(&g->buf, 4, r, ra);
        } else {
            if (op == IR_OP_MULHS) {
                x64_movsx_rr(&g->buf, 8, X64_SCRATCH, rb, 4);
            } else {
                x64_mov_rr(&g->buf, 4, X64_SCRATCH, rb);
            }
            x64_movsx_rr(&g->buf, 8, r, ra, 4);
        }
        x64_imul_rr(&g->buf, 8, r, X64_SCRATCH);
        x64_shift_ri(&g->buf, op == IR_OP_MULHU ? X64_SHR : X64_SAR, 8, r, 32);
        x64_ra_def_done(g, insn->out);
        return;
    }
    x64_ra_take(g, X64_RDX);
    x64_put_in(g, X64_RAX, a, 8);
    X64Reg rb = b == a ? X64_RAX : x64_ra_use(g, b);
    X64Reg corr = X64_NOREG;
    if (op == IR_OP_MULHSU) {
        /* mulhsu(a, b) = mulhu(a, b) - (a < 0 ? b : 0) */
        corr = x64_ra_alloc(g);
        x64_mov_rr(&g->buf, 8, corr, X64_RAX);
        x64_shift_ri(&g->buf, X64_SAR, 8, corr, 63);
        x64_alu_rr(&g->buf, X64_AND, 8, corr, rb);
    }
    x64_grp3(&g->buf, op == IR_OP_MULHS ? X64_IMUL1 : X64_MUL, 8, rb);
    if (corr != X64_NOREG) {
        x64_alu_rr(&g->buf, X64_SUB, 8, X64_RDX, corr);
    }
    x64_ra_def(g, insn->out, X64_RDX);
    x64_ra_def_done(g, insn->out);
}

/*
 * Division with the IR's total semantics: never traps on the host.  pair, if not NULL, is
 * the next instruction: the remainder of the same division when insn is its quotient, or
 * the other way round (fuse_divrem); its result comes from the same host div.
 */
static void gen_div(X64Gen *g, const IrInsn *insn, const IrInsn *pair)
{
    unsigned sz = x64_tsz(insn->type);
    IrOpcode op = insn->op;
    bool sign = op == IR_OP_DIVS || op == IR_OP_REMS;
    bool rem = op == IR_OP_REMS || op == IR_OP_REMU;
    IrTemp a = insn->in[0], b = insn->in[1];
    uint64_t ones = sz == 8 ? ~0ull : 0xffffffffull;

    if (x64_is_const(g, b)) {           /* never with a pair (try_fuse_divrem) */
        uint64_t v = x64_cval(g, b, sz);
        if (v == 0) {
            if (rem) {
                X64Reg ra = x64_ra_use(g, a);
                def_from(g, insn->out, a, ra, sz);
                x64_ra_def_done(g, insn->out);
            } else {
                def_const(g, insn->out, ones);
            }
            return;
        }
        if (sign && v == ones) {
            if (rem) {
                def_const(g, insn->out, 0);
            } else {
                X64Reg ra = x64_ra_use(g, a);
                X64Reg r = def_from(g, insn->out, a, ra, sz);
                x64_grp3(&g->buf, X64_NEG, sz, r);
                x64_ra_def_done(g, insn->out);
            }
            return;
        }
    }
    bool check = !x64_is_const(g, b);
    x64_ra_take(g, X64_RDX);
    x64_put_in(g, X64_RAX, a, sz);
    X64Reg rb;
    if (b == a) {
        rb = X64_RAX;
    } else {
        rb = x64_ra_use(g, b);
    }
    X64Buf *bf = &g->buf;
    uint32_t j_zero = 0, j_m1 = 0;
    if (check) {
        x64_test_rr(bf, sz, rb, rb);
        j_zero = x64_jcc_rel8(bf, X64_CC_E);
        if (sign) {
            x64_alu_ri(bf, X64_CMP, sz, rb, -1);
            j_m1 = x64_jcc_rel8(bf, X64_CC_E);
        }
    }
    if (sign) {
        x64_cqo(bf, sz);
        x64_grp3(bf, X64_IDIV, sz, rb);
    } else {
        x64_zero(bf, X64_RDX);
        x64_grp3(bf, X64_DIV, sz, rb);
    }
    if (check) {
        uint32_t j_done = x64_jmp_rel8(bf);
        uint32_t j_done2 = 0;
        x64_patch_rel8(bf, j_zero, x64_offset(bf));
        if (rem || pair != NULL) {
            x64_mov_rr(bf, 8, X64_RDX, X64_RAX);        /* x % 0 = x */
        }
        if (!rem || pair != NULL) {
            x64_mov_ri(bf, 8, X64_RAX, ~0ull);          /* x / 0 = all ones */
        }
        if (sign) {
            j_done2 = x64_jmp_rel8(bf);
            x64_patch_rel8(bf, j_m1, x64_offset(bf));
            if (rem || pair != NULL) {
                x64_zero(bf, X64_RDX);                  /* x % -1 = 0 */
            }
            if (!rem || pair != NULL) {
                x64_grp3(bf, X64_NEG, sz, X64_RAX);     /* x / -1 = -x, MIN stays MIN */
            }
            x64_patch_rel8(bf, j_done2, x64_offset(bf));
        }
        x64_patch_rel8(bf, j_done, x64_offset(bf));
    }
    x64_ra_def(g, insn->out, rem ? X64_RDX : X64_RAX);
    if (pair != NULL) {
        x64_ra_def(g, pair->out, rem ? X64_RAX : X64_RDX);
        x64_ra_def_done(g, pair->out);
    }
    x64_ra_def_done(g, insn->out);
}

/*
 * DIVU/DIVS at i followed by REMU/REMS of the same operands (or the remainder first): one
 * host div gives both, where each alone costs a div.  Not when a constant divisor has a
 * cheaper form of its own (gen_div), or when the first result redefines an operand of
 * the second.  Returns true when it emitted both.
 */
static bool try_fuse_divrem(X64Gen *g, uint32_t i)
{
    const IrBlock *blk = g->blk;
    const IrInsn *insn = &blk->insns[i];
    if (i + 1 >= blk->n_insns || x64_is_const(g, insn->in[1])) {
        return false;
    }
    const IrInsn *pair = &blk->insns[i + 1];
    IrOpcode want;
    switch ((IrOpcode)insn->op) {
    case IR_OP_DIVU: want = IR_OP_REMU; break;
    case IR_OP_REMU: want = IR_OP_DIVU; break;
    case IR_OP_DIVS: want = IR_OP_REMS; break;
    case IR_OP_REMS: want = IR_OP_DIVS; break;
    default: return false;
    }
    if (pair->op != want || pair->type != insn->type || pair->in[0] != insn->in[0] ||
        pair->in[1] != insn->in[1] || insn->out == insn->in[0] || insn->out == insn->in[1] ||
        pair->out == insn->out) {
        return false;
    }
    x64_fp_cache_before(g, pair);
    gen_div(g, insn, pair);
    x64_ra_end_insn(g, insn);
    g->cur = i + 2;
    x64_ra_end_insn(g, pair);
    return true;
}

static void gen_unary(X64Gen *g, const IrInsn *insn, X64Grp3 op)
{
    unsigned sz = op_size(g, insn);
    X64Reg ra = x64_ra_use(g, insn->in[0]);
    X64Reg r = def_from(g, insn->out, insn->in[0], ra, sz);
    x64_grp3(&g->buf, op, sz, r);
    x64_ra_def_done(g, insn->out);
}

static void gen_shift(X64Gen *g, const IrInsn *insn)
{
    static const X64Shift kinds[] = {
        [IR_OP_SHL] = X64_SHL, [IR_OP_SHR] = X64_SHR, [IR_OP_SAR] = X64_SAR,
        [IR_OP_ROTL] = X64_ROL, [IR_OP_ROTR] = X64_ROR,
    };
    unsigned sz = op_size(g, insn);
    X64Shift k = kinds[insn->op];
    IrTemp a = insn->in[0], b = insn->in[1];

    if (x64_is_const(g, b)) {
        unsigned c = (unsigned)g->temps[b].cval & (sz * 8 - 1);
        X64Reg ra = x64_ra_use(g, a);
        if (x64_host.bmi2 && c != 0 && (k == X64_ROL || k == X64_ROR) && !x64_ra_reusable(g, a)) {
            /* Three-operand rotate: no copy of a source that stays live. */
            X64Reg r = x64_ra_def(g, insn->out, X64_NOREG);
            x64_rorx(&g->buf, sz, r, ra, (uint8_t)(k == X64_ROR ? c : sz * 8 - c));
            x64_ra_def_done(g, insn->out);
            return;
        }
        if (x64_host.bmi2 && g->temps[insn->out].low_only && !x64_ra_reusable(g, a)) {
            /* Only the low half is read, which a rotate gets right for a shift by up to 32. */
            X64Reg r = x64_ra_def(g, insn->out, X64_NOREG);
            x64_rorx(&g->buf, 8, r, ra, (uint8_t)c);
            x64_ra_def_done(g, insn->out);
            return;
        }
        X64Reg r = def_from(g, insn->out, a, ra, sz);
        if (c != 0) {
            x64_shift_ri(&g->buf, k, sz, r, (uint8_t)c);
        }
        x64_ra_def_done(g, insn->out);
        return;
    }
    if (x64_host.bmi2 && (k == X64_SHL || k == X64_SHR || k == X64_SAR)) {
        X64Reg rb = x64_ra_use(g, b);
        X64Reg ra = x64_ra_use(g, a);
        X64Reg reuse = X64_NOREG;
        if (x64_ra_reusable(g, a)) {
            reuse = ra;
        } else if (x64_ra_reusable(g, b)) {
            reuse = rb;
        }
        X64Reg r = x64_ra_def(g, insn->out, reuse);
        x64_shiftx(&g->buf, k == X64_SHL ? X64_SHLX : k == X64_SHR ? X64_SHRX : X64_SARX, sz, r, ra, rb);
        x64_ra_def_done(g, insn->out);
        return;
    }
    /* Count in cl. */
    if (g->temps[b].reg == X64_RCX) {
        x64_ra_lock(g, X64_RCX);
    } else {
        x64_ra_take(g, X64_RCX);
        x64_ra_load_value(g, X64_RCX, b, 8);
    }
    X64Reg ra = a == b ? X64_RCX : x64_ra_use(g, a);
    X64Reg r;
    if (ra != X64_RCX && x64_ra_reusable(g, a)) {
        r = x64_ra_def(g, insn->out, ra);
    } else {
        r = x64_ra_def(g, insn->out, X64_NOREG);
        x64_mov_rr(&g->buf, sz, r, ra);
    }
    x64_shift_cl(&g->buf, k, sz, r);
    x64_ra_def_done(g, insn->out);
}

static void gen_ext(X64Gen *g, const IrInsn *insn)
{
    IrTemp a = insn->in[0];
    X64Reg ra = x64_ra_use(g, a);
    X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? ra : X64_NOREG);
    unsigned dsz = x64_tsz(insn->type);
    X64Buf *b = &g->buf;
    switch ((IrOpcode)insn->op) {
    case IR_OP_SEXT:
        if (g->temps[insn->out].low_read) {
            if (r != ra) {
                x64_mov_rr(b, 8, r, ra);    /* its readers use the low half only */
            }
            break;
        }
        if (insn->imm[0] >= (int64_t)dsz * 8) {
            x64_mov_rr(b, dsz, r, ra);
        } else {
            x64_movsx_rr(b, dsz, r, ra, (unsigned)insn->imm[0] / 8);
        }
        break;
    case IR_OP_ZEXT:
        if (insn->imm[0] == 32 && (g->temps[a].narrow || g->temps[insn->out].low_read) && r == ra) {
            break;                      /* the upper half is zero already, or never read */
        }
        if (insn->imm[0] >= 32) {
            x64_mov_rr(b, insn->imm[0] >= 64 ? 8 : 4, r, ra);
        } else {
            x64_movzx_rr(b, r, ra, (unsigned)insn->imm[0] / 8);
        }
        break;
    case IR_OP_EXTU32:
    case IR_OP_TRUNC:
        if (r != ra || insn->op == IR_OP_EXTU32) {
            x64_mov_rr(b, 4, r, ra);
        }
        break;
    case IR_OP_EXTS32:
        x64_movsx_rr(b, 8, r, ra, 4);
        break;
    default:
        g_assert_not_reached();
    }
    x64_ra_def_done(g, insn->out);
}

static void gen_extract(X64Gen *g, const IrInsn *insn)
{
    unsigned sz = x64_tsz(insn->type), w = sz * 8;
    unsigned pos = (unsigned)insn->imm[0], len = (unsigned)insn->imm[1];
    IrTemp a = insn->in[0];
    X64Reg ra = x64_ra_use(g, a);
    if (pos == 0 && (len == 8 || len == 16)) {
        X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? ra : X64_NOREG);
        x64_movzx_rr(&g->buf, r, ra, len / 8);
    } else if (pos == 0 && len == 32) {
        X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? ra : X64_NOREG);
        x64_mov_rr(&g->buf, 4, r, ra);
    } else {
        X64Reg r = def_from(g, insn->out, a, ra, sz);
        if (pos + len < w) {
            x64_shift_ri(&g->buf, X64_SHL, sz, r, (uint8_t)(w - pos - len));
        }
        if (len < w) {
            x64_shift_ri(&g->buf, X64_SHR, sz, r, (uint8_t)(w - len));
        }
    }
    x64_ra_def_done(g, insn->out);
}

/* movzx out, byte [table + index]: the index (zero-extended if i32) in out, the table in scratch. */
static void gen_hostld8(X64Gen *g, const IrInsn *insn)
{
    IrTemp a = insn->in[0];
    X64Reg ra = x64_ra_use(g, a);
    X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? ra : X64_NOREG);

    if (r != ra || insn->type == IR_I32) {
        x64_mov_rr(&g->buf, x64_tsz(insn->type), r, ra);
    }
    x64_mov_ri(&g->buf, 8, X64_SCRATCH, (uint64_t)insn->imm[0]);
    x64_movzx_rm(&g->buf, r, x64_mem_idx(X64_SCRATCH, r, 0, 0), 1);
    x64_ra_def_done(g, insn->out);
}

static void gen_deposit(X64Gen *g, const IrInsn *insn)
{
    unsigned sz = x64_tsz(insn->type), w = sz * 8;
    unsigned pos = (unsigned)insn->imm[0], len = (unsigned)insn->imm[1];
    IrTemp a = insn->in[0], v = insn->in[1];
    uint64_t fmask = (len >= 64 ? ~0ull : ((1ull << len) - 1)) << pos;
    if (sz == 4) {
        fmask &= 0xffffffffu;
    }
    if (len >= w) {
        X64Reg rv = x64_ra_use(g, v);
        def_from(g, insn->out, v, rv, sz);
        x64_ra_def_done(g, insn->out);
        return;
    }
    /* Field value, shifted into place, in r11 (or as a constant). */
    bool vconst = x64_is_const(g, v);
    uint64_t vbits = vconst ? (g->temps[v].cval << pos) & fmask : 0;
    X64Reg rv = vconst ? X64_NOREG : x64_ra_use(g, v);
    X64Reg ra = x64_ra_use(g, a);
    X64Reg tmp = X64_NOREG;
    if (sz == 8 && !x64_fits_i32((int64_t)~fmask)) {
        tmp = x64_ra_alloc(g);
    }
    X64Reg r = def_from(g, insn->out, a, ra, sz);
    X64Buf *b = &g->buf;
    if (!vconst) {
        /* The field first: v may share a's register, which the mask below clobbers. */
        x64_mov_rr(b, sz, X64_SCRATCH, rv);
        x64_shift_ri(b, X64_SHL, sz, X64_SCRATCH, (uint8_t)(w - len));
        if (w - len - pos > 0) {
            x64_shift_ri(b, X64_SHR, sz, X64_SCRATCH, (uint8_t)(w - len - pos));
        }
    }
    if (tmp != X64_NOREG) {
        x64_mov_ri(b, 8, tmp, ~fmask);
        x64_alu_rr(b, X64_AND, 8, r, tmp);
    } else {
        x64_alu_ri(b, X64_AND, sz, r, (int32_t)(uint32_t)~fmask);
    }
    if (!vconst) {
        x64_alu_rr(b, X64_OR, sz, r, X64_SCRATCH);
    } else if (vbits != 0) {
        if (sz == 4 || x64_fits_i32((int64_t)vbits)) {
            x64_alu_ri(b, X64_OR, sz, r, (int32_t)(uint32_t)vbits);
        } else {
            x64_mov_ri(b, 8, X64_SCRATCH, vbits);
            x64_alu_rr(b, X64_OR, 8, r, X64_SCRATCH);
        }
    }
    x64_ra_def_done(g, insn->out);
}

static void gen_bitcount(X64Gen *g, const IrInsn *insn)
{
    unsigned sz = x64_tsz(insn->type), w = sz * 8;
    IrTemp a = insn->in[0];
    X64Reg ra = x64_ra_use(g, a);
    X64Reg tmp = X64_NOREG;
    if (insn->op == IR_OP_POPCNT && !x64_host.popcnt) {
        tmp = x64_ra_alloc(g);
    }
    X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? ra : X64_NOREG);
    X64Buf *b = &g->buf;
    switch ((IrOpcode)insn->op) {
    case IR_OP_CLZ:
        if (x64_host.lzcnt) {
            x64_lzcnt(b, sz, r, ra);
        } else {
            /* clz = (w - 1) - bsr(x); bsr of 0 leaves ZF set: use -1 to get w. */
            x64_mov_ri(b, 8, X64_SCRATCH, ~0ull);
            x64_bsr(b, sz, r, ra);
            x64_cmov(b, X64_CC_E, sz, r, X64_SCRATCH);
            x64_grp3(b, X64_NEG, sz, r);
            x64_alu_ri(b, X64_ADD, sz, r, (int32_t)w - 1);
        }
        break;
    case IR_OP_CTZ:
        if (x64_host.bmi1) {
            x64_tzcnt(b, sz, r, ra);
        } else {
            x64_mov_ri(b, 4, X64_SCRATCH, w);
            x64_bsf(b, sz, r, ra);
            x64_cmov(b, X64_CC_E, sz, r, X64_SCRATCH);
        }
        break;
    case IR_OP_POPCNT:
        if (x64_host.popcnt) {
            x64_popcnt(b, sz, r, ra);
        } else {
            /* Clear the lowest set bit until none is left (hosts without popcnt only). */
            x64_mov_rr(b, sz, X64_SCRATCH, ra);
            x64_zero(b, r);
            x64_test_rr(b, sz, X64_SCRATCH, X64_SCRATCH);
            uint32_t j_end = x64_jcc_rel8(b, X64_CC_E);
            uint32_t loop = x64_offset(b);
            x64_alu_ri(b, X64_ADD, 4, r, 1);
            x64_lea(b, sz, tmp, x64_mem(X64_SCRATCH, -1));
            x64_alu_rr(b, X64_AND, sz, X64_SCRATCH, tmp);
            uint32_t j_loop = x64_jcc_rel8(b, X64_CC_NE);
            x64_patch_rel8(b, j_loop, loop);
            x64_patch_rel8(b, j_end, x64_offset(b));
        }
        break;
    case IR_OP_BSWAP:
        if (insn->imm[0] == 16) {
            x64_movzx_rr(b, r, ra, 2);
            x64_shift_ri(b, X64_ROL, 2, r, 8);
        } else {
            if (r != ra) {
                x64_mov_rr(b, insn->imm[0] == 64 ? 8 : 4, r, ra);
            }
            x64_bswap(b, insn->imm[0] == 64 ? 8 : 4, r);
        }
        break;
    default:
        g_assert_not_reached();
    }
    x64_ra_def_done(g, insn->out);
}

static void gen_setcond(X64Gen *g, const IrInsn *insn)
{
    IrTemp a = insn->in[0], b = insn->in[1];
    Cmp k = cmp_prepare(g, (IrCond)insn->imm[0], insn->type, a, b);
    X64Reg reuse = X64_NOREG;
    if (x64_ra_reusable(g, a) && g->temps[a].reg >= 0) {
        reuse = g->temps[a].reg;
    } else if (x64_ra_reusable(g, b) && g->temps[b].reg >= 0) {
        reuse = g->temps[b].reg;
    }
    X64Reg r = x64_ra_def(g, insn->out, reuse);
    X64Cond cc = cmp_emit(g, &k);
    x64_setcc(&g->buf, cc, r);
    x64_movzx_rr(&g->buf, r, r, 1);
    x64_ra_def_done(g, insn->out);
}

static void gen_select(X64Gen *g, const IrInsn *insn)
{
    unsigned sz = x64_tsz(insn->type);
    IrTemp t = insn->in[2], f = insn->in[3];
    Cmp k = cmp_prepare(g, (IrCond)insn->imm[0], insn->type, insn->in[0], insn->in[1]);
    X64Reg rt = x64_ra_use(g, t);
    bool fconst = x64_is_const(g, f);
    X64Reg rf = fconst ? X64_NOREG : x64_ra_use(g, f);
    X64Reg r = x64_ra_def(g, insn->out, (!fconst && x64_ra_reusable(g, f) && f != t) ? rf : X64_NOREG);
    X64Cond cc = cmp_emit(g, &k);
    if (fconst) {
        x64_mov_ri(&g->buf, sz, r, x64_cval(g, f, sz));    /* mov leaves the flags alone */
    } else if (r != rf) {
        x64_mov_rr(&g->buf, sz, r, rf);
    }
    x64_cmov(&g->buf, cc, sz, r, rt);
    x64_ra_def_done(g, insn->out);
}

/* --- Guest state --- */

static void gen_get(X64Gen *g, const IrInsn *insn)
{
    IrTemp out = insn->out;
    unsigned size = x64_tsz(insn->type);
    int32_t off = (int32_t)insn->imm[0];
    if (g->temps[out].last_use <= g->cur && !g->temps[out].global) {
        return;                                 /* result unused */
    }
    X64Reg s = x64_ra_find_slot(g, off, size);
    if (s != X64_NOREG) {
        x64_ra_lock(g, s);
        if (g->regs[s].temp == IR_TEMP_NONE) {
            x64_ra_map(g, s, out);
            g->temps[out].is_const = false;
            g->temps[out].in_frame = false;
        } else {
            X64Reg r = x64_ra_def(g, out, X64_NOREG);
            x64_mov_rr(&g->buf, 8, r, s);
        }
        x64_ra_def_done(g, out);
        return;
    }
    x64_ra_clear_overlaps(g, off, size, false);
    X64Reg r = x64_ra_def(g, out, X64_NOREG);
    x64_mov_rm(&g->buf, size, r, x64_mem(X64_CPU_REG, off));
    g->regs[r].slot = off;
    g->regs[r].slot_size = (uint8_t)size;
    g->regs[r].dirty = false;
    x64_ra_def_done(g, out);
}

static void gen_set(X64Gen *g, const IrInsn *insn)
{
    IrTemp v = insn->in[0];
    unsigned size = x64_tsz(insn->type);
    int32_t off = (int32_t)insn->imm[0];
    int32_t imm;
    x64_ra_clear_overlaps(g, off, size, true);
    if (x64_imm_ok(g, v, size, &imm)) {
        /*
         * A constant (x86's cc_op at every flag producer) is kept dirty in a free register
         * like any other value: a later SET of the slot replaces it without a store, a
         * self loop's back edge moves it into the carried register instead of reloading,
         * and exits and fault points store it as they store the others.
         */
        X64Reg f = x64_ra_alloc_nospill(g);
        if (f == X64_NOREG) {
            x64_mov_mi(&g->buf, size, x64_mem(X64_CPU_REG, off), imm);
            return;
        }
        x64_mov_ri(&g->buf, size, f, size == 8 ? (uint64_t)(int64_t)imm : (uint32_t)imm);
        g->regs[f].slot = off;
        g->regs[f].slot_size = (uint8_t)size;
        g->regs[f].dirty = true;
        return;
    }
    X64Reg r = x64_ra_use(g, v);
    if (g->regs[r].slot < 0) {
        g->regs[r].slot = off;
        g->regs[r].slot_size = (uint8_t)size;
        g->regs[r].dirty = true;
        return;
    }
    /* r already caches another slot: give this one its own register if one is free. */
    X64Reg f = x64_ra_alloc_home(g, v);
    if (f == X64_NOREG) {
        x64_mov_mr(&g->buf, size, x64_mem(X64_CPU_REG, off), r);
        return;
    }
    x64_mov_rr(&g->buf, 8, f, r);
    g->regs[f].slot = off;
    g->regs[f].slot_size = (uint8_t)size;
    g->regs[f].dirty = true;
}

/* --- Control flow inside the block --- */

static void branch_to_label(X64Gen *g, int cc, uint32_t label)
{
    X64Buf *b = &g->buf;
    if (g->label_off[label] != UINT32_MAX) {
        uint32_t at = cc < 0 ? x64_jmp_rel32(b) : x64_jcc_rel32(b, (X64Cond)cc);
        x64_patch_rel32(b, at, g->label_off[label]);
    } else {
        uint32_t at = cc < 0 ? x64_jmp_rel32(b) : x64_jcc_rel32(b, (X64Cond)cc);
        X64Fixup f = { .label = label, .site = at };
        g_array_append_val(g->fixups, f);
        x64_label_edge(g, label);
    }
}

/*
 * Make the rel32 of the jump about to be emitted (opcode oplen bytes) 4-byte aligned, so
 * chaining patches it with one atomic store.  The padding is redundant DS prefixes on the
 * jump itself rather than nops: they cost no extra instruction on the hot path.
 */
void x64_align_rel32(X64Gen *g, unsigned oplen)
{
    unsigned mis = (x64_offset(&g->buf) + oplen) & 3;
    if (mis) {
        x64_prefix_pad(&g->buf, 4 - mis);
    }
}

/*
 * A BRCOND whose target label only leads to a GOTO_BLOCK (and is reached from nowhere
 * else) becomes a chainable jcc: returns that GOTO_BLOCK, or NULL.
 */
static const IrInsn *fused_exit(X64Gen *g, uint32_t label)
{
    const IrBlock *blk = g->blk;
    uint32_t li = g->label_insn[label];
    if (g->label_refs[label] != 1 || li == UINT32_MAX || li <= g->cur - 1) {
        return NULL;
    }
    /* The label must not be reachable by falling through. */
    int64_t p = (int64_t)li - 1;
    while (p >= 0 && (blk->insns[p].op == IR_OP_INSN_START || blk->insns[p].op == IR_OP_NOP)) {
        p--;
    }
    if (p < 0) {
        return NULL;
    }
    const IrInsn *prev = &blk->insns[p];
    if (!(ir_op_info[prev->op].flags & IR_F_ENDS_BLOCK) && prev->op != IR_OP_BR) {
        return NULL;
    }
    for (uint32_t i = li + 1; i < blk->n_insns; i++) {
        IrOpcode op = (IrOpcode)blk->insns[i].op;
        if (op == IR_OP_INSN_START || op == IR_OP_NOP) {
            continue;
        }
        return op == IR_OP_GOTO_BLOCK ? &blk->insns[i] : NULL;
    }
    return NULL;
}

/* --- Self loops --- */

/* Registers holding the loop-carried slots at loop_body: the first allocatable ones. */
static X64Reg carried_reg(unsigned i)
{
    return x64_alloc_order[i];
}

/* The first instruction after label, skipping INSN_START and NOP (NULL at the block's end). */
static const IrInsn *after_label(const X64Gen *g, uint32_t label)
{
    const IrBlock *blk = g->blk;
    for (uint32_t i = g->label_insn[label] + 1; g->label_insn[label] != UINT32_MAX && i < blk->n_insns; i++) {
        IrOpcode op = (IrOpcode)blk->insns[i].op;
        if (op != IR_OP_INSN_START && op != IR_OP_NOP) {
            return &blk->insns[i];
        }
    }
    return NULL;
}

static bool is_self_exit(const X64Gen *g, const IrInsn *insn)
{
    return insn != NULL && insn->op == IR_OP_GOTO_BLOCK && (uint64_t)insn->imm[0] == g->blk->guest_pc;
}

/* Slots carried before the fault-dead ones (carry_written) may add more. */
#define CARRIED_MAIN 6
/* Loops up to this many IR instructions carry those too. */
#define CARRY_EXTRA_MAX_INSNS 64

/*
 * Carry the slots the loop writes, up to `max` carried in all: with `only_fault_dead`,
 * only those whose value at the loop's head nothing but a fault can see before the loop
 * overwrites them (IrBlock.entry_dead_nofault): the back edge would store them every trip,
 * carried they stay in registers and are overwritten soon, freeing their registers.
 */
static void carry_written(X64Gen *g, uint32_t loop_end, unsigned max, bool only_fault_dead)
{
    const IrBlock *blk = g->blk;
    for (uint32_t i = 0; i <= loop_end && g->n_carried < max; i++) {
        const IrInsn *insn = &blk->insns[i];
        if (insn->op != IR_OP_SET) {
            continue;
        }
        int32_t off = (int32_t)insn->imm[0];
        uint8_t size = (uint8_t)x64_tsz((IrType)insn->type);
        /* A slot dead at the start is not stored at the back edge anyway (x64_loop_writeback). */
        bool skip = ir_entry_dead(blk, (uint32_t)off, size) ||
                    (only_fault_dead && !ir_entry_dead_nofault(blk, (uint32_t)off, size));
        for (unsigned k = 0; k < g->n_carried && !skip; k++) {
            /* A slot written with two widths (or overlapping another) stays uncarried. */
            skip = g->carried_off[k] < off + size && off < g->carried_off[k] + g->carried_size[k];
        }
        if (!skip) {
            g->carried_off[g->n_carried] = off;
            g->carried_size[g->n_carried] = size;
            g->n_carried++;
        }
    }
}

static void plan_self_loop(X64Gen *g)
{
    const IrBlock *blk = g->blk;
    g->self_loop = false;
    g->n_carried = 0;
    if (!g->probe_jmp_cache) {
        return;                 /* tracing wants every block entry through the exec loop */
    }
    /*
     * loop_end: the last instruction that goes round the loop (a branch to a label that
     * leads to the exit back to the block's start, or that exit itself in line).  Code
     * after it runs once, after the loop: its slots are not worth carrying.
     */
    uint32_t loop_end = 0;
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        if (is_self_exit(g, insn)) {
            g->self_loop = true;
            if (i == 0 || blk->insns[i - 1].op != IR_OP_LABEL) {
                loop_end = MAX(loop_end, i);
            }
        } else if ((insn->op == IR_OP_BRCOND && is_self_exit(g, after_label(g, (uint32_t)insn->imm[1]))) ||
                   (insn->op == IR_OP_BR && is_self_exit(g, after_label(g, (uint32_t)insn->imm[0])))) {
            loop_end = MAX(loop_end, i);
        }
    }
    if (!g->self_loop) {
        return;
    }
    if (loop_end == 0) {
        loop_end = blk->n_insns - 1;
    }
    /* Carry the first slots the loop reads before writing them. */
    int32_t set_off[32];
    unsigned n_set = 0;
    for (uint32_t i = 0; i <= loop_end && g->n_carried < CARRIED_MAIN; i++) {
        const IrInsn *insn = &blk->insns[i];
        if (insn->op == IR_OP_SET && n_set < G_N_ELEMENTS(set_off)) {
            set_off[n_set++] = (int32_t)insn->imm[0];
        }
        if (insn->op != IR_OP_GET) {
            continue;
        }
        int32_t off = (int32_t)insn->imm[0];
        bool skip = false;
        for (unsigned k = 0; k < n_set && !skip; k++) {
            skip = set_off[k] == off;
        }
        for (unsigned k = 0; k < g->n_carried && !skip; k++) {
            skip = g->carried_off[k] == off;
        }
        if (!skip) {
            g->carried_off[g->n_carried] = off;
            g->carried_size[g->n_carried] = (uint8_t)x64_tsz((IrType)insn->type);
            g->n_carried++;
        }
    }
    /*
     * Then, while there is room, the slots it writes: otherwise the back edge stores each
     * of them every trip, though the next trip overwrites it first.  Carried, they stay in
     * registers and only the exits (side-exit stubs, the poll's stub) store them.
     */
    /*
     * Then slots only a fault can see at the head, in a short loop only: a longer one needs
     * the registers for its values (measured: PowerPC's hashing and intloop loops ran more
     * host instructions with them carried).
     */
    bool small = loop_end < CARRY_EXTRA_MAX_INSNS;
    for (unsigned pass = 0; pass < (small ? 2u : 1u); pass++) {
        carry_written(g, loop_end, pass == 0 ? CARRIED_MAIN : G_N_ELEMENTS(g->carried_off), pass == 1);
    }
    /*
     * A value the loop stores to a carried slot is best computed in that slot's register
     * (x64_ra_alloc_home): the back edge then has nothing to move.
     */
    for (uint32_t i = 0; i <= loop_end; i++) {
        const IrInsn *insn = &blk->insns[i];
        for (unsigned k = 0; insn->op == IR_OP_SET && k < g->n_carried; k++) {
            if (g->carried_off[k] == (int32_t)insn->imm[0] &&
                g->carried_size[k] == x64_tsz((IrType)insn->type)) {
                g->temps[insn->in[0]].home = (int8_t)carried_reg(k);
            }
        }
    }
}

/*
 * Entry of a self-loop block: load the carried slots into their registers.  From
 * loop_body on they count as dirty: after a trip round the loop the registers hold
 * newer values than the CPU state (the back edge does not store them), so every exit
 * and fault point in the body stores them.
 */
static void loop_preload(X64Gen *g)
{
    for (unsigned i = 0; i < g->n_carried; i++) {
        X64Reg r = carried_reg(i);
        x64_mov_rm(&g->buf, g->carried_size[i], r, x64_mem(X64_CPU_REG, g->carried_off[i]));
        g->regs[r].slot = g->carried_off[i];
        g->regs[r].slot_size = g->carried_size[i];
        g->regs[r].dirty = true;
    }
    g->loop_body = x64_offset(&g->buf);
}

static bool is_carried(const X64Gen *g, int32_t off)
{
    for (unsigned i = 0; i < g->n_carried; i++) {
        if (g->carried_off[i] == off) {
            return true;
        }
    }
    return false;
}

/*
 * A slot the next trip overwrites before anything can observe it (IrBlock.entry_dead): the
 * back edge leaves it dirty in its register and only the poll's exit stores it.
 */
static bool dead_at_loop_head(const X64Gen *g, const X64RegInfo *ri)
{
    return ir_entry_dead(g->blk, (uint32_t)ri->slot, ri->slot_size);
}

/* Before a self loop's back edge: store the dirty slots the loop neither carries nor overwrites. */
void x64_loop_writeback(X64Gen *g)
{
    for (unsigned r = 0; r < X64_NREGS; r++) {
        const X64RegInfo *ri = &g->regs[r];
        if (ri->slot >= 0 && ri->dirty && !is_carried(g, ri->slot) && !dead_at_loop_head(g, ri)) {
            x64_ra_store_slot(g, (X64Reg)r);
        }
    }
}

static void poll_dirty(X64Gen *g, X64Cold *c, int32_t off, uint8_t size, X64Reg r)
{
    TbDirtySlot d = { .offset = (uint32_t)off, .size = size, .reg = (uint8_t)r };
    g_array_append_val(g->dirty, d);
    c->n_dirty++;
}

/*
 * The exit_request poll.  At a back edge (back_edge) it comes before the carried slots move
 * to their registers, and its exit stores the slots dirty in registers there: the carried
 * ones and those dead at the loop's head, which the back edge does not store.
 */
static void emit_poll(X64Gen *g, bool back_edge)
{
    X64Buf *b = &g->buf;
    x64_alu_mi(b, X64_CMP, 4, x64_mem(X64_CPU_REG, offsetof(GuestCpu, exit_request)), 0);
    uint32_t at = x64_jcc_rel32(b, X64_CC_NE);
    X64Cold c = { .kind = X64_COLD_INTERRUPT, .site = at, .pc = g->tb->pc, .reg = -1 };
    c.dirty_start = g->dirty->len;
    for (unsigned i = 0; back_edge && i < g->n_carried; i++) {
        /* Not in a register: the CPU state holds it (the back edge loads it from there). */
        X64Reg s = x64_ra_find_slot(g, g->carried_off[i], g->carried_size[i]);
        if (s != X64_NOREG) {
            poll_dirty(g, &c, g->carried_off[i], g->carried_size[i], s);
        }
    }
    for (unsigned r = 0; back_edge && r < X64_NREGS; r++) {
        const X64RegInfo *ri = &g->regs[r];
        if (ri->slot >= 0 && ri->dirty && !is_carried(g, ri->slot)) {
            g_assert(dead_at_loop_head(g, ri));
            poll_dirty(g, &c, ri->slot, ri->slot_size, (X64Reg)r);
        }
    }
    g_array_append_val(g->cold, c);
    if (g->x->count_insns && g->blk->guest_insns > 0) {
        x64_alu_mi(b, X64_ADD, 8, x64_mem(X64_CPU_REG, offsetof(GuestCpu, insns_executed)),
                   (int32_t)g->blk->guest_insns);
    }
}

/*
 * The back edge of a self loop (other slots already stored, x64_loop_writeback): the poll,
 * then carried slots go to their registers by register moves where possible, then
 * loop_body.  Emits code only; the allocator state is left alone for the code after it.
 */
void x64_loop_back_edge(X64Gen *g)
{
    X64Buf *b = &g->buf;
    emit_poll(g, true);
    X64Move mv[G_N_ELEMENTS(g->carried_off)];
    unsigned n = 0;
    bool load[G_N_ELEMENTS(g->carried_off)];
    for (unsigned i = 0; i < g->n_carried; i++) {
        X64Reg r = carried_reg(i);
        X64Reg s = x64_ra_find_slot(g, g->carried_off[i], g->carried_size[i]);
        load[i] = s == X64_NOREG;
        if (s != X64_NOREG && s != r) {
            mv[n++] = (X64Move){ .dst = r, .src = s };
        }
    }
    x64_parallel_move(b, mv, n);
    for (unsigned i = 0; i < g->n_carried; i++) {
        if (load[i]) {
            x64_mov_rm(b, g->carried_size[i], carried_reg(i), x64_mem(X64_CPU_REG, g->carried_off[i]));
        }
    }
    uint32_t at = x64_jmp_rel32(b);
    x64_patch_rel32(b, at, g->loop_body);
}

/*
 * A conditional exit of the block.  Guest slots dirty in host registers are stored only
 * on the taken side, in a cold stub that ends in the exit's chainable jump: the path that
 * stays in the block (a loop going round, the common case of a guard) keeps them in
 * registers and pays no stores.  With nothing dirty the jcc itself is the exit.
 */
static void side_exit(X64Gen *g, X64Cond cc, const IrInsn *ex)
{
    uint32_t slot = (uint32_t)ex->imm[1];
    uint64_t target = (uint64_t)ex->imm[0];
    uint32_t start;
    uint32_t n_dirty = x64_capture_dirty(g, &start);

    if (n_dirty == 0) {
        g_array_set_size(g->dirty, start);
        x64_align_rel32(g, 2);
        x64_add_exit(g, slot, target, x64_jcc_rel32(&g->buf, cc));
        return;
    }
    X64Cold c = { .kind = X64_COLD_SIDE_EXIT, .site = x64_jcc_rel32(&g->buf, cc), .slot = slot,
                  .pc = target, .reg = -1, .dirty_start = start, .n_dirty = n_dirty };
    g_array_append_val(g->cold, c);
}

static void gen_brcond_cmp(X64Gen *g, IrCond c, IrType ty, IrTemp a, IrTemp b, uint32_t label)
{
    const IrInsn *ex = fused_exit(g, label);
    bool back_edge = ex != NULL && g->self_loop && (uint64_t)ex->imm[0] == g->blk->guest_pc;
    if (back_edge) {
        x64_loop_writeback(g);
    } else if (ex == NULL && !x64_label_keeps_dirty(g, label)) {
        x64_ra_writeback(g);
    }
    if (x64_is_const(g, a) && x64_is_const(g, b)) {
        unsigned sz = x64_tsz(ty);
        if (!ir_cond_eval(c, ty, x64_cval(g, a, sz), x64_cval(g, b, sz))) {
            return;
        }
        if (ex == NULL) {
            branch_to_label(g, -1, label);
            return;
        }
        c = IR_COND_EQ;             /* always true below: compare a register with itself */
        b = a;
    }
    Cmp k = cmp_prepare(g, c, ty, a, b);
    X64Cond cc = cmp_emit(g, &k);
    if (back_edge) {
        /* Taken: loop around inside the block.  Not taken: carry on. */
        uint32_t skip = x64_jcc_rel32(&g->buf, x64_cc_invert(cc));
        x64_loop_back_edge(g);
        x64_patch_rel32(&g->buf, skip, x64_offset(&g->buf));
        g->label_fused[label] = true;
    } else if (ex != NULL) {
        side_exit(g, cc, ex);
        g->label_fused[label] = true;
    } else {
        branch_to_label(g, cc, label);
    }
}

/*
 * Start label (reached by falling through if `fallthrough`).  Returns false when nothing
 * reaches it: the code up to the next label is skipped.
 */
static bool gen_label(X64Gen *g, uint32_t label, bool fallthrough)
{
    X64LabelState *ls = &g->label_state[label];
    g->check_epoch++;               /* another path may reach here without the checks above */
    g->zf_end = UINT32_MAX;         /* and with other flags */
    if (ls->backward) {
        if (fallthrough) {
            x64_ra_writeback(g);
        }
        x64_ra_reset(g);
    } else if (ls->n_edges > 0) {
        x64_label_enter(g, label, fallthrough);
    } else if (!fallthrough) {
        return false;
    }
    g->label_off[label] = x64_offset(&g->buf);
    return true;
}

/* --- The pass --- */

static void plan_lea(X64Gen *g);
static void plan_addr(X64Gen *g);
static void plan_trunc(X64Gen *g);
static void plan_narrow(X64Gen *g);

static void analyze(X64Gen *g)
{
    const IrBlock *blk = g->blk;
    if (g->temps_cap < blk->n_temps) {
        g->temps_cap = MAX(blk->n_temps, g->temps_cap * 2);
        g->temps = g_renew(X64TempInfo, g->temps, g->temps_cap);
    }
    for (uint32_t t = 0; t < blk->n_temps; t++) {
        g->temps[t] = (X64TempInfo){ .reg = -1, .home = -1, .frame = -1 };
    }
    uint32_t nl = MAX(blk->n_labels, 1u);
    if (g->labels_cap < nl) {
        g->labels_cap = MAX(nl, g->labels_cap * 2);
        g->label_off = g_renew(uint32_t, g->label_off, g->labels_cap);
        g->label_refs = g_renew(uint32_t, g->label_refs, g->labels_cap);
        g->label_insn = g_renew(uint32_t, g->label_insn, g->labels_cap);
        g->label_fused = g_renew(bool, g->label_fused, g->labels_cap);
        g->label_state = g_renew(X64LabelState, g->label_state, g->labels_cap);
    }
    for (uint32_t l = 0; l < nl; l++) {
        g->label_off[l] = UINT32_MAX;
        g->label_refs[l] = 0;
        g->label_insn[l] = UINT32_MAX;
        g->label_fused[l] = false;
        g->label_state[l].backward = false;
        g->label_state[l].n_edges = 0;
    }
    uint32_t region = 1;
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        switch ((IrOpcode)insn->op) {
        case IR_OP_LABEL:
            region++;
            g->label_insn[insn->imm[0]] = i;
            break;
        case IR_OP_BR:
        case IR_OP_BRCOND: {
            uint32_t l = (uint32_t)insn->imm[insn->op == IR_OP_BR ? 0 : 1];
            g->label_refs[l]++;
            if (g->label_insn[l] != UINT32_MAX) {
                g->label_state[l].backward = true;
            }
            break;
        }
        default:
            break;
        }
        for (unsigned k = 0; k < insn->nin; k++) {
            IrTemp t = insn->in[k];
            if (t == IR_TEMP_NONE) {
                continue;
            }
            X64TempInfo *ti = &g->temps[t];
            ti->last_use = i + 1;
            ti->n_uses++;
            if (ti->def_region != region) {
                ti->global = true;
            }
        }
        if (ir_op_info[insn->op].nout > 0 && insn->out != IR_TEMP_NONE) {
            X64TempInfo *ti = &g->temps[insn->out];
            ti->def_at = i + 1;
            if (ti->def_region == 0) {
                ti->def_region = region;
            } else if (ti->def_region != region) {
                ti->global = true;
            }
            if (blk->temps[insn->out].ndefs > 1) {
                ti->global = true;
            }
        }
    }
    plan_lea(g);
    plan_addr(g);
    plan_trunc(g);
    plan_narrow(g);
}

/* Fold x << k (k = 1..3) into the ADD that is its only reader: one lea instead of two ops. */
static void plan_lea(X64Gen *g)
{
    const IrBlock *blk = g->blk;
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        if (insn->op != IR_OP_SHL || insn->out == IR_TEMP_NONE) {
            continue;
        }
        X64TempInfo *to = &g->temps[insn->out];
        X64TempInfo *tc = &g->temps[insn->in[1]];
        IrTemp src = insn->in[0];
        if (to->global || to->n_uses != 1 || blk->temps[insn->out].ndefs != 1 ||
            blk->temps[src].ndefs != 1 || tc->def_at == 0 ||
            blk->insns[tc->def_at - 1].op != IR_OP_CONST || blk->temps[insn->in[1]].ndefs != 1) {
            continue;
        }
        uint64_t k = (uint64_t)blk->insns[tc->def_at - 1].imm[0];
        const IrInsn *use = &blk->insns[to->last_use - 1];
        if (k < 1 || k > 3 || use->op != IR_OP_ADD || use->type != insn->type) {
            continue;
        }
        to->lea_defer = true;
        to->lea_shift = (uint8_t)k;
        to->lea_src = src;
        g->temps[src].last_use = MAX(g->temps[src].last_use, to->last_use);
    }
}

/* Const value of temp t if a single-def CONST defines it. */
static bool const_def(X64Gen *g, IrTemp t, int64_t *v)
{
    const X64TempInfo *ti = &g->temps[t];
    if (ti->def_at == 0 || g->blk->temps[t].ndefs != 1 || g->blk->insns[ti->def_at - 1].op != IR_OP_CONST) {
        return false;
    }
    *v = g->blk->insns[ti->def_at - 1].imm[0];
    return true;
}

/*
 * User mode: an address base + constant that only loads and stores read (the lifted
 * `imm(rs1)`) is folded into their addressing mode, and their range check is on the base,
 * once per straight-line region (guest_addr).  The displacement must stay well inside the
 * guard zones around the guest range (ExecMemModel.guard_size).
 */
#define X64_ADDR_DISP_MAX (1 << 20)

static void plan_addr(X64Gen *g)
{
    const IrBlock *blk = g->blk;
    /*
     * No guards to catch base + disp out of range: no i64 sums.  4x: after a base in
     * [limit, limit + max) passed the cold recheck, other accesses through it reach
     * base + disp < limit + 2 * max unchecked.
     */
    bool sum64 = g->x->mem.addr_bits < 64 && g->x->mem.guard_size >= 4 * X64_ADDR_DISP_MAX;
    /*
     * A 32-bit guest's i32 sum needs no guard and no check: `lea r11d, [base + disp]` at
     * each access wraps it as the IR does, and every 32-bit address is in the guest range.
     */
    bool sum32 = g->x->mem.addr_bits == 32;

    if (x64_softmmu(g) || (!sum64 && !sum32)) {
        return;
    }
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        int64_t disp, dummy;
        if (insn->op != IR_OP_ADD || insn->out == IR_TEMP_NONE ||
            !(insn->type == IR_I64 ? sum64 : sum32)) {
            continue;
        }
        X64TempInfo *to = &g->temps[insn->out];
        IrTemp base = insn->in[0];
        if (to->global || blk->temps[insn->out].ndefs != 1 || blk->temps[base].ndefs != 1 ||
            g->temps[base].lea_defer || const_def(g, base, &dummy) || !const_def(g, insn->in[1], &disp)) {
            continue;
        }
        if (insn->type == IR_I32) {
            disp = (int32_t)(uint32_t)disp;     /* any: the sum wraps in the lea */
        } else if (disp <= -X64_ADDR_DISP_MAX || disp >= X64_ADDR_DISP_MAX) {
            continue;
        }
        to->addr_defer = true;
        to->addr_base = base;
        to->addr_disp = (int32_t)disp;
    }
    /* Any other reader (a helper, a stored value, an atomic) needs the sum itself. */
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        for (unsigned k = 0; k < insn->nin; k++) {
            IrTemp t = insn->in[k];
            if (t != IR_TEMP_NONE && g->temps[t].addr_defer &&
                !(k == 0 && (insn->op == IR_OP_LOAD || insn->op == IR_OP_STORE))) {
                g->temps[t].addr_defer = false;
            }
        }
    }
    for (uint32_t t = 1; t < blk->n_temps; t++) {
        X64TempInfo *ti = &g->temps[t];
        if (ti->addr_defer) {
            X64TempInfo *tb = &g->temps[ti->addr_base];
            tb->last_use = MAX(tb->last_use, ti->last_use);
        }
    }
}

/* True if every reader of t is a LOAD or STORE reading it as the address. */
static bool only_addresses(const X64Gen *g, IrTemp t)
{
    const IrBlock *blk = g->blk;
    uint32_t seen = 0;
    for (uint32_t i = g->temps[t].def_at; i < g->temps[t].last_use; i++) {
        const IrInsn *insn = &blk->insns[i];
        for (unsigned k = 0; k < insn->nin; k++) {
            if (insn->in[k] != t) {
                continue;
            }
            if (k != 0 || (insn->op != IR_OP_LOAD && insn->op != IR_OP_STORE)) {
                return false;
            }
            seen++;
        }
    }
    return seen == g->temps[t].n_uses;
}

/* An operand an address lea can take as a register: single-def, not a constant, not deferred. */
static bool plain_operand(X64Gen *g, IrTemp t)
{
    int64_t v;
    return g->blk->temps[t].ndefs == 1 && !g->temps[t].lea_defer && !g->temps[t].addr_defer &&
           !g->temps[t].trunc_defer && !const_def(g, t, &v);
}

/* t is an i64 ADD read by one instruction of its own region, so that reader may absorb it. */
static bool deferrable_add(X64Gen *g, IrTemp t)
{
    const X64TempInfo *ti = &g->temps[t];
    return ti->def_at != 0 && g->blk->insns[ti->def_at - 1].op == IR_OP_ADD &&
           g->blk->insns[ti->def_at - 1].type == IR_I64 && g->blk->temps[t].ndefs == 1 &&
           ti->n_uses == 1 && !ti->global && !ti->addr_defer;
}

/* t = base + (index << k) with the shift deferred into it by plan_lea. */
static bool base_index(X64Gen *g, IrTemp t, IrTemp *base, IrTemp *index, unsigned *shift)
{
    const IrInsn *def = &g->blk->insns[g->temps[t].def_at - 1];
    for (unsigned k = 0; k < 2; k++) {
        IrTemp s = def->in[k], b = def->in[1 - k];
        if (g->temps[s].lea_defer && plain_operand(g, b) && plain_operand(g, g->temps[s].lea_src)) {
            *base = b;
            *index = g->temps[s].lea_src;
            *shift = g->temps[s].lea_shift;
            return true;
        }
    }
    return false;
}

/*
 * User mode, 32-bit guest addresses (i386): the TRUNC.i32 that wraps an address is not
 * emitted; each access takes the low half of its input into r11 itself, and when that
 * input is base + constant read by nothing else, one lea r11d, [base + disp] does the
 * add and the wrap at 2^32 together (guest_addr).  The whole 32-bit range is the
 * guest's, so no range check is needed.
 */
static void plan_trunc(X64Gen *g)
{
    const IrBlock *blk = g->blk;
    if (x64_softmmu(g) || g->x->mem.addr_bits < 32) {
        return;
    }
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        int64_t disp;
        if (insn->op != IR_OP_TRUNC || insn->out == IR_TEMP_NONE) {
            continue;
        }
        X64TempInfo *to = &g->temps[insn->out];
        IrTemp src = insn->in[0];
        X64TempInfo *ts = &g->temps[src];
        if (to->global || to->n_uses == 0 || blk->temps[insn->out].ndefs != 1 ||
            blk->temps[src].ndefs != 1 || ts->lea_defer || const_def(g, src, &disp) ||
            !only_addresses(g, insn->out)) {
            continue;
        }
        to->trunc_defer = true;
        to->trunc_src = src;
        ts->last_use = MAX(ts->last_use, to->last_use);
        if (ts->addr_defer) {
            g->temps[ts->addr_base].last_use = MAX(g->temps[ts->addr_base].last_use, to->last_use);
            continue;
        }
        /*
         * Read only here, base + index << k + disp, base + index << k (the SHL deferred by
         * plan_lea) or base + disp: folded into the lea (any disp: the sum wraps anyway).
         */
        IrTemp base = IR_TEMP_NONE, index = IR_TEMP_NONE, inner = IR_TEMP_NONE;
        unsigned shift = 0;
        disp = 0;
        if (deferrable_add(g, src)) {
            const IrInsn *def = &blk->insns[ts->def_at - 1];
            int64_t d;
            if (const_def(g, def->in[1], &d) && plain_operand(g, def->in[0])) {
                disp = d;
                if (deferrable_add(g, def->in[0]) && base_index(g, def->in[0], &base, &index, &shift)) {
                    inner = def->in[0];
                } else {
                    base = def->in[0];
                }
            } else {
                base_index(g, src, &base, &index, &shift);
            }
        }
        if (base == IR_TEMP_NONE) {
            continue;
        }
        ts->addr_defer = true;
        ts->addr_base = base;
        ts->addr_index = index;
        ts->addr_shift = (uint8_t)shift;
        ts->addr_disp = (int32_t)(uint32_t)(uint64_t)disp;
        if (inner != IR_TEMP_NONE) {
            /* Not emitted either: src, its only reader, is not. */
            X64TempInfo *tn = &g->temps[inner];
            tn->addr_defer = true;
            tn->addr_base = base;
            tn->addr_index = index;
            tn->addr_shift = (uint8_t)shift;
            tn->addr_disp = 0;
        }
        g->temps[base].last_use = MAX(g->temps[base].last_use, to->last_use);
        if (index != IR_TEMP_NONE) {
            g->temps[index].last_use = MAX(g->temps[index].last_use, to->last_use);
        }
    }
}

/*
 * An i64 ADD/SUB/AND/OR/XOR/MUL/NEG/NOT (or SHL by a constant below 32) whose readers all
 * use only its low 32 bits -- ZEXT/SEXT of 32 bits or fewer, TRUNC, or ops that are narrow
 * themselves -- is computed with the 32-bit instruction: the low half is the same, and the
 * upper half comes out zero, so the ZEXT 32 that x86 guests put after every 32-bit result
 * costs nothing (gen_ext).  Likewise a SEXT/ZEXT 32 read only that way is a plain move
 * (x86's imul sign-extends its operands for the flags' sake; a 32-bit imul does not need
 * it).  One backward walk: readers come after the value they read (single-def, one region).
 */
static bool narrow_candidate(const X64Gen *g, const IrInsn *insn)
{
    int64_t c;
    if (insn->type != IR_I64 || insn->out == IR_TEMP_NONE || g->blk->temps[insn->out].ndefs != 1 ||
        g->temps[insn->out].global || g->temps[insn->out].addr_defer || g->temps[insn->out].n_uses == 0) {
        return false;
    }
    switch ((IrOpcode)insn->op) {
    case IR_OP_ADD: case IR_OP_SUB: case IR_OP_AND: case IR_OP_OR: case IR_OP_XOR:
    case IR_OP_MUL: case IR_OP_NEG: case IR_OP_NOT:
        return true;
    case IR_OP_SHL:
        return const_def((X64Gen *)g, insn->in[1], &c) && (c & 63) < 32;
    case IR_OP_SEXT: case IR_OP_ZEXT:
        return insn->imm[0] == 32;
    default:
        return false;
    }
}

/* An i64 SHR/SAR by a constant 1..32 that plan_narrow may mark low_only. */
static bool narrow_shift_candidate(const X64Gen *g, const IrInsn *insn)
{
    int64_t c;
    return insn->type == IR_I64 && insn->out != IR_TEMP_NONE && g->blk->temps[insn->out].ndefs == 1 &&
           !g->temps[insn->out].global && g->temps[insn->out].n_uses != 0 &&
           const_def((X64Gen *)g, insn->in[1], &c) && (c & 63) >= 1 && (c & 63) <= 32;
}

static void plan_narrow(X64Gen *g)
{
    const IrBlock *blk = g->blk;
    bool *wide = ir_block_scratch((IrBlock *)blk, 5, blk->n_temps * sizeof(bool));
    for (uint32_t i = blk->n_insns; i-- > 0;) {
        const IrInsn *insn = &blk->insns[i];
        bool low_only;
        if (narrow_candidate(g, insn) && !wide[insn->out]) {
            if (insn->op == IR_OP_SEXT || insn->op == IR_OP_ZEXT) {
                g->temps[insn->out].low_read = true;    /* upper half left as it is */
            } else {
                g->temps[insn->out].narrow = true;      /* upper half zero */
            }
            low_only = true;
        } else {
            low_only = ((insn->op == IR_OP_ZEXT || insn->op == IR_OP_SEXT) && insn->imm[0] <= 32) ||
                       insn->op == IR_OP_TRUNC;
            if (insn->out != IR_TEMP_NONE) {
                g->temps[insn->out].low_only = (insn->op == IR_OP_SHR || insn->op == IR_OP_SAR) &&
                                               narrow_shift_candidate(g, insn) && !wide[insn->out];
            }
        }
        for (unsigned k = 0; k < insn->nin && !low_only; k++) {
            if (insn->in[k] != IR_TEMP_NONE) {
                wide[insn->in[k]] = true;
            }
        }
    }
}

/* ADD with a deferred shift as an operand (see plan_lea); false if neither input is one. */
static bool gen_add_lea(X64Gen *g, const IrInsn *insn)
{
    unsigned sz = op_size(g, insn);
    IrTemp d = insn->in[0], o = insn->in[1];
    if (!g->temps[d].lea_pending) {
        d = insn->in[1];
        o = insn->in[0];
        if (!g->temps[d].lea_pending) {
            return false;
        }
    }
    X64TempInfo *td = &g->temps[d];
    IrTemp src = td->lea_src;
    td->lea_pending = false;
    X64Reg rs = x64_ra_use(g, src);
    if (x64_is_const(g, o)) {
        /* Rare (the other operand folded to a constant): shift then add. */
        X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, src) ? rs : X64_NOREG);
        if (r != rs) {
            x64_mov_rr(&g->buf, sz, r, rs);
        }
        x64_shift_ri(&g->buf, X64_SHL, sz, r, td->lea_shift);
        uint64_t c = x64_cval(g, o, sz);
        if (sz == 4 || x64_fits_i32((int64_t)c)) {
            x64_alu_ri(&g->buf, X64_ADD, sz, r, (int32_t)(uint32_t)c);
        } else {
            x64_mov_ri(&g->buf, 8, X64_SCRATCH, c);
            x64_alu_rr(&g->buf, X64_ADD, 8, r, X64_SCRATCH);
        }
    } else {
        X64Reg ro = x64_ra_use(g, o);
        X64Reg reuse = X64_NOREG;
        if (x64_ra_reusable(g, o)) {
            reuse = ro;
        } else if (x64_ra_reusable(g, src)) {
            reuse = rs;
        }
        X64Reg r = x64_ra_def(g, insn->out, reuse);
        x64_lea(&g->buf, sz, r, x64_mem_idx(ro, rs, td->lea_shift, 0));
    }
    x64_ra_def_done(g, insn->out);
    /* src is not an input of the ADD, so x64_ra_end_insn would not free it. */
    X64TempInfo *ts = &g->temps[src];
    if (ts->last_use <= g->cur && ts->reg >= 0 && ts->reg != g->temps[insn->out].reg) {
        x64_ra_unmap(g, ts->reg);
    }
    return true;
}

/* All inputs constant and the op pure: fold it here (also covers --no-opt blocks). */
static bool try_fold(X64Gen *g, const IrInsn *insn)
{
    uint64_t in[IR_MAX_IN];
    for (unsigned k = 0; k < insn->nin; k++) {
        if (!x64_is_const(g, insn->in[k])) {
            return false;
        }
        in[k] = g->temps[insn->in[k]].cval;
    }
    def_const(g, insn->out, ir_eval_pure(insn, in));
    return true;
}

static void gen_insn(X64Gen *g, const IrInsn *insn)
{
    IrOpcode op = (IrOpcode)insn->op;
    switch (op) {
    case IR_OP_NOP:
        break;
    case IR_OP_CONST:
        def_const(g, insn->out, ir_truncate((IrType)insn->type, (uint64_t)insn->imm[0]));
        break;
    case IR_OP_MOV: {
        IrTemp a = insn->in[0];
        if (x64_is_const(g, a)) {
            def_const(g, insn->out, g->temps[a].cval);
            break;
        }
        X64Reg ra = x64_ra_use(g, a);
        def_from(g, insn->out, a, ra, 8);
        x64_ra_def_done(g, insn->out);
        break;
    }
    case IR_OP_GET:
        gen_get(g, insn);
        break;
    case IR_OP_SET: {
        /* Only movs (the flags stay): an add/sub/logic op's ZF survives a SET after it. */
        bool zf = g->zf_end == x64_offset(&g->buf);
        gen_set(g, insn);
        if (zf) {
            g->zf_end = x64_offset(&g->buf);
        }
        break;
    }
    case IR_OP_ADD:
    case IR_OP_SUB:
    case IR_OP_MUL:
    case IR_OP_MULHS:
    case IR_OP_MULHU:
    case IR_OP_MULHSU:
    case IR_OP_DIVS:
    case IR_OP_DIVU:
    case IR_OP_REMS:
    case IR_OP_REMU:
    case IR_OP_NEG:
    case IR_OP_NOT:
    case IR_OP_AND:
    case IR_OP_OR:
    case IR_OP_XOR:
    case IR_OP_SHL:
    case IR_OP_SHR:
    case IR_OP_SAR:
    case IR_OP_ROTL:
    case IR_OP_ROTR:
    case IR_OP_SEXT:
    case IR_OP_ZEXT:
    case IR_OP_EXTU32:
    case IR_OP_EXTS32:
    case IR_OP_TRUNC:
    case IR_OP_EXTRACT:
    case IR_OP_DEPOSIT:
    case IR_OP_CLZ:
    case IR_OP_CTZ:
    case IR_OP_POPCNT:
    case IR_OP_BSWAP:
    case IR_OP_SETCOND:
    case IR_OP_SELECT:
    case IR_OP_FADD:
    case IR_OP_FSUB:
    case IR_OP_FMUL:
    case IR_OP_FDIV:
    case IR_OP_FSQRT:
    case IR_OP_FMA:
    case IR_OP_FCMP:
    case IR_OP_FEXT:
        if (try_fold(g, insn)) {
            break;
        }
        switch (op) {
        case IR_OP_ADD:
            if (g->temps[insn->out].addr_defer) {
                break;                  /* folded into the accesses that read it */
            }
            if (!gen_add_lea(g, insn)) {
                gen_alu(g, insn, X64_ADD, true);
            }
            break;
        case IR_OP_SUB: gen_alu(g, insn, X64_SUB, false); break;
        case IR_OP_AND: gen_alu(g, insn, X64_AND, true); break;
        case IR_OP_OR: gen_alu(g, insn, X64_OR, true); break;
        case IR_OP_XOR:
            gen_alu(g, insn, X64_XOR, true);
            x64_fp_cache_sign_flip(g, insn);
            break;
        case IR_OP_MUL: gen_mul(g, insn); break;
        case IR_OP_MULHS: case IR_OP_MULHU: case IR_OP_MULHSU: gen_mulh(g, insn); break;
        case IR_OP_DIVS: case IR_OP_DIVU: case IR_OP_REMS: case IR_OP_REMU: gen_div(g, insn, NULL); break;
        case IR_OP_NEG: gen_unary(g, insn, X64_NEG); break;
        case IR_OP_NOT: gen_unary(g, insn, X64_NOT); break;
        case IR_OP_SHL: case IR_OP_SHR: case IR_OP_SAR: case IR_OP_ROTL: case IR_OP_ROTR:
            if (g->temps[insn->out].lea_defer) {
                g->temps[insn->out].lea_pending = true;    /* the ADD emits it */
                break;
            }
            gen_shift(g, insn);
            break;
        case IR_OP_SEXT: case IR_OP_ZEXT: case IR_OP_EXTU32: case IR_OP_EXTS32: case IR_OP_TRUNC:
            if (g->temps[insn->out].trunc_defer) {
                break;                  /* each access takes the low half itself */
            }
            gen_ext(g, insn);
            break;
        case IR_OP_EXTRACT: gen_extract(g, insn); break;
        case IR_OP_DEPOSIT: gen_deposit(g, insn); break;
        case IR_OP_CLZ: case IR_OP_CTZ: case IR_OP_POPCNT: case IR_OP_BSWAP: gen_bitcount(g, insn); break;
        case IR_OP_SETCOND: gen_setcond(g, insn); break;
        case IR_OP_SELECT: gen_select(g, insn); break;
        case IR_OP_FADD: case IR_OP_FSUB: case IR_OP_FMUL: case IR_OP_FDIV: case IR_OP_FSQRT:
        case IR_OP_FMA: case IR_OP_FCMP: case IR_OP_FEXT:
            x64_gen_fp(g, insn);
            break;
        default: g_assert_not_reached();
        }
        break;
    case IR_OP_FADDH:
    case IR_OP_FSUBH:
    case IR_OP_FMULH:
    case IR_OP_FDIVH:
    case IR_OP_FSQRTH:
    case IR_OP_FCMPH:
        x64_gen_fp(g, insn);        /* never folded: the flags they raise are the point */
        break;
    case IR_OP_LOAD:
        x64_gen_load(g, insn);
        break;
    case IR_OP_STORE:
        x64_gen_store(g, insn);
        break;
    case IR_OP_ATOMIC_RMW:
        x64_gen_atomic(g, insn);
        break;
    case IR_OP_CMPXCHG:
        x64_gen_cmpxchg(g, insn);
        break;
    case IR_OP_FENCE:
        x64_mfence(&g->buf);
        break;
    case IR_OP_HOSTLD8:
        gen_hostld8(g, insn);
        break;
    case IR_OP_CALL:
        x64_gen_call(g, insn);
        break;
    case IR_OP_INSN_START:
        g->insn_pc = (uint64_t)insn->imm[0];
        break;
    case IR_OP_LABEL:
        g_assert_not_reached();     /* x64_gen_block handles labels */
        break;
    case IR_OP_BR:
        if (!x64_label_keeps_dirty(g, (uint32_t)insn->imm[0])) {
            x64_ra_writeback(g);
        }
        branch_to_label(g, -1, (uint32_t)insn->imm[0]);
        x64_ra_reset(g);
        break;
    case IR_OP_BRCOND:
        gen_brcond_cmp(g, (IrCond)insn->imm[0], (IrType)insn->type, insn->in[0], insn->in[1],
                       (uint32_t)insn->imm[1]);
        break;
    case IR_OP_GOTO_BLOCK:
        x64_gen_goto_block(g, insn);
        break;
    case IR_OP_GOTO_PTR:
        x64_gen_goto_ptr(g, insn);
        break;
    case IR_OP_RAS_PUSH:
        x64_gen_ras_push(g, insn);
        break;
    case IR_OP_GOTO_RET:
        x64_gen_goto_ret(g, insn);
        break;
    case IR_OP_RAISE:
        x64_gen_raise(g, insn);
        break;
    case IR_OP_COUNT:
        g_assert_not_reached();
    }
}

/*
 * SETCOND t followed by BRCOND eq/ne t, 0 where t dies: branch on the original compare.
 * Returns true when it emitted both.
 */
static bool try_fuse_setcond(X64Gen *g, uint32_t i)
{
    const IrBlock *blk = g->blk;
    const IrInsn *sc = &blk->insns[i];
    if (i + 1 >= blk->n_insns) {
        return false;
    }
    const IrInsn *br = &blk->insns[i + 1];
    if (br->op != IR_OP_BRCOND || br->in[0] != sc->out || br->type != sc->type) {
        return false;
    }
    IrCond bc = (IrCond)br->imm[0];
    IrTemp z = br->in[1];
    if ((bc != IR_COND_EQ && bc != IR_COND_NE) || !x64_is_const(g, z) ||
        x64_cval(g, z, x64_tsz((IrType)br->type)) != 0) {
        return false;
    }
    X64TempInfo *ti = &g->temps[sc->out];
    if (ti->global || ti->last_use != i + 2) {
        return false;
    }
    IrCond c = (IrCond)sc->imm[0];
    if (bc == IR_COND_EQ) {
        c = ir_cond_invert(c);
    }
    gen_brcond_cmp(g, c, (IrType)sc->type, sc->in[0], sc->in[1], (uint32_t)br->imm[1]);
    x64_ra_end_insn(g, sc);
    g->cur = i + 2;
    x64_ra_end_insn(g, br);
    return true;
}

/*
 * SETCOND ltu t followed by an ADD of t (or a SUB of t from something) that is t's only
 * reader: the carry of x86's adc/sbb, lifted as a compare of the sum before with an addend.
 * The host's carry flag is added straight away: cmp a, b; mov r, x; adc r, 0 (the SUB:
 * sbb r, 0).  Nothing between the compare and the adc touches the flags: the compare's
 * operands are in registers before it, and x's register, the result's (spills are
 * stores) and a mov of x do not change them.  Returns true when it emitted both.
 */
static bool try_fuse_carry(X64Gen *g, uint32_t i)
{
    const IrBlock *blk = g->blk;
    const IrInsn *sc = &blk->insns[i];
    IrCond c = (IrCond)sc->imm[0];
    IrTemp t = sc->out;
    if (i + 1 >= blk->n_insns || c != IR_COND_LTU || x64_is_const(g, sc->in[0]) ||
        g->temps[t].global || g->temps[t].n_uses != 1 || g->temps[t].last_use != i + 2) {
        return false;
    }
    const IrInsn *op = &blk->insns[i + 1];
    IrTemp x;
    if (op->op == IR_OP_ADD && (op->in[0] == t) != (op->in[1] == t)) {
        x = op->in[0] == t ? op->in[1] : op->in[0];
    } else if (op->op == IR_OP_SUB && op->in[1] == t && op->in[0] != t) {
        x = op->in[0];
    } else {
        return false;
    }
    const X64TempInfo *tx = &g->temps[x], *to = &g->temps[op->out];
    if (tx->lea_defer || tx->addr_defer || tx->trunc_defer || to->addr_defer || to->lea_defer ||
        to->trunc_defer) {
        return false;
    }
    Cmp k = cmp_prepare(g, c, (IrType)sc->type, sc->in[0], sc->in[1]);
    X64Cond cc = cmp_emit(g, &k);
    g_assert(cc == X64_CC_B);      /* cmp_prepare swaps the operands only for a constant a */
    x64_ra_end_insn(g, sc);
    g->cur = i + 2;
    x64_fp_cache_before(g, op);
    x64_ra_begin_insn(g);
    unsigned sz = op_size(g, op);
    X64Reg r;
    if (x64_is_const(g, x)) {
        r = x64_ra_def(g, op->out, X64_NOREG);
        x64_mov_ri(&g->buf, sz, r, x64_cval(g, x, sz));     /* mov leaves the flags alone */
    } else {
        r = def_from(g, op->out, x, x64_ra_use(g, x), sz);
    }
    x64_alu_ri(&g->buf, op->op == IR_OP_ADD ? X64_ADC : X64_SBB, sz, r, 0);
    x64_ra_def_done(g, op->out);
    x64_ra_end_insn(g, op);
    return true;
}

bool x64_gen_block(X64Gen *g)
{
    g->check_epoch = 1;             /* temps start with checked_epoch 0 (analyze) */
    const IrBlock *blk = g->blk;
    X64Buf *b = &g->buf;

    analyze(g);
    x64_ra_begin_block(g);
    g_array_set_size(g->fixups, 0);
    g_array_set_size(g->cold, 0);
    g_array_set_size(g->pcmap, 0);
    g_array_set_size(g->dirty, 0);
    g->insn_pc = blk->guest_pc;
    g->zf_end = UINT32_MAX;

    /* Block entry: the interrupt poll comes first so chained jumps stay interruptible. */
    emit_poll(g, false);
    plan_self_loop(g);
    if (g->self_loop) {
        loop_preload(g);
    }

    bool skipping = false;
    x64_fp_cache_reset(g);
    for (uint32_t i = 0; i < blk->n_insns && !b->overflow; i++) {
        const IrInsn *insn = &blk->insns[i];
        g->cur = i + 1;
        if (insn->op == IR_OP_LABEL) {
            uint32_t l = (uint32_t)insn->imm[0];
            skipping = g->label_fused[l] || !gen_label(g, l, !skipping);
            x64_fp_cache_reset(g);
            continue;
        }
        if (skipping) {
            continue;
        }
        x64_fp_cache_before(g, insn);
        x64_ra_begin_insn(g);
        if ((insn->op == IR_OP_SETCOND && (try_fuse_setcond(g, i) || try_fuse_carry(g, i))) ||
            try_fuse_divrem(g, i)) {
            i++;
            continue;
        }
        gen_insn(g, insn);
        x64_ra_end_insn(g, insn);
        /* Code after an unconditional jump or exit is unreachable until the next label. */
        if (insn->op == IR_OP_BR || (ir_op_info[insn->op].flags & IR_F_ENDS_BLOCK)) {
            skipping = true;
        }
    }
    /* A block never falls off its end (the verifier checks); be safe anyway. */
    x64_ra_writeback(g);
    if (b->overflow) {
        return false;
    }
    for (unsigned k = 0; k < g->fixups->len; k++) {
        X64Fixup *f = &g_array_index(g->fixups, X64Fixup, k);
        g_assert(g->label_off[f->label] != UINT32_MAX);
        x64_patch_rel32(b, f->site, g->label_off[f->label]);
    }
    x64_emit_cold(g);
    return !b->overflow;
}
