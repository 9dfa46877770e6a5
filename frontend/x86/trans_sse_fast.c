/*
 * Scalar and packed-double SSE arithmetic inline: addsd/subsd/mulsd/divsd/sqrtsd, the
 * ss forms and the pd forms run as the IR floating-point ops (the host's own SSE
 * instruction in the JIT), with the host stub (trans_sse.c) as the slow path; the
 * scalar compares likewise (x86_sse_try_fast_cmp).
 *
 * The IR ops round to nearest, keep subnormals and raise no flags, so the inline
 * result is only taken when it is provably what the guest's MXCSR gives, flags
 * included:
 *   - MXCSR: round to nearest, no FTZ/DAZ, every exception masked, and PE already
 *     set ((mxcsr & 0xffe0) == 0x1fa0).  Any inexact result then changes no flag.
 *   - no input is denormal (that would raise DE);
 *   - the result is finite for add, subtract and square root (their tiny results are
 *     exact: the operands are multiples of the smallest subnormal, so no UE; a square
 *     root is never tiny); for multiply and divide it is normal, or an exact zero
 *     coming from a zero operand (0 * x, 0 / x).
 * Infinities and NaNs in, overflow, underflow, invalid operations and division by
 * zero all fail these tests and take the stub, which gives the hardware's result,
 * flags and #XM.  Programs start with PE clear (MXCSR 0x1f80); their first inexact
 * operation goes through the stub and sets it, and from then on the common case is
 * inline.
 */
#include "frontend/x86/internal.h"

/*
 * The slow path: the stub, then on to the next instruction in a new block, so that
 * the fast path runs on without a join (whose register shuffling would cost more than
 * the checks).
 */
static void x86_sse_gen_slow(X86Disas *ctx, const X86Insn *in, const X86SseOp *op)
{
    bool ok = x86_sse_gen_stub(ctx, in, op);

    g_assert(ok);       /* these rows have every form the caller lets through */
    x86_gen_goto(ctx, ctx->next_pc);
}

static bool x86_sse_known(const X86Disas *ctx, unsigned reg, unsigned half)
{
    return (ctx->sse_not_denormal >> (2 * reg + half)) & 1;
}

static void x86_sse_set_known(X86Disas *ctx, unsigned reg, unsigned half, bool known)
{
    uint32_t bit = UINT32_C(1) << (2 * reg + half);

    ctx->sse_not_denormal = known ? ctx->sse_not_denormal | bit : ctx->sse_not_denormal & ~bit;
}

/* IEEE layout of one lane: exponent bits; x2 below is the value shifted to drop the sign. */
typedef struct X86FastFmt {
    unsigned bytes;             /* 4 (single) or 8 (double) */
    unsigned ebits;             /* 8 or 11 */
} X86FastFmt;

/* The lane's bits (i64, zero-extended) with the sign shifted out: exponent on top. */
static IrTemp x86_fast_x2(X86Disas *ctx, const X86FastFmt *f, IrTemp x)
{
    return ir_shl(ctx->blk, x, x86_const(ctx, f->bytes == 8 ? 1 : 33));
}

/* 1 when x2 is a denormal (exponent 0, fraction not): 0 < x2 < 2^(64 - ebits). */
static IrTemp x86_fast_denormal(X86Disas *ctx, const X86FastFmt *f, IrTemp x2)
{
    IrBlock *blk = ctx->blk;
    uint64_t lim = UINT64_C(1) << (64 - f->ebits);

    return ir_setcond(blk, IR_COND_LTU, ir_sub(blk, x2, x86_const(ctx, 1)), x86_const(ctx, lim - 1));
}

/*
 * 1 when the lane must go to the stub: a denormal input, or a result the IR op may
 * not give with the right flags (see the file comment).  a2/b2 (b2 may be NONE for
 * square root) and v2: inputs and result as x86_fast_x2 gives them.
 */
static IrTemp x86_fast_lane_slow(X86Disas *ctx, const X86FastFmt *f, IrOpcode op, IrTemp a2, IrTemp b2, IrTemp v2,
                                 bool a_known, bool b_known)
{
    IrBlock *blk = ctx->blk;
    uint64_t lim = UINT64_C(1) << (64 - f->ebits);
    uint64_t emax = (UINT64_C(1) << f->ebits) - 1;
    IrTemp ok, bad;

    if (op == IR_OP_FADD || op == IR_OP_FSUB || op == IR_OP_FSQRT) {
        ok = ir_setcond(blk, IR_COND_LTU, v2, x86_const(ctx, emax * lim));      /* finite */
    } else {
        IrTemp normal = ir_setcond(blk, IR_COND_LTU, ir_sub(blk, v2, x86_const(ctx, lim)),
                                   x86_const(ctx, (emax - 1) * lim));
        /* An exact zero: the result is zero and so is a (or, multiplying, b). */
        IrTemp z = op == IR_OP_FMUL ? ir_select(blk, IR_COND_EQ, a2, x86_const(ctx, 0), a2, b2) : a2;
        IrTemp zero = ir_setcond(blk, IR_COND_EQ, ir_or(blk, v2, z), x86_const(ctx, 0));

        ok = ir_or(blk, normal, zero);
    }
    bad = ir_xor(blk, ok, x86_const(ctx, 1));
    if (op != IR_OP_FSQRT && !a_known) {
        bad = ir_or(blk, bad, x86_fast_denormal(ctx, f, a2));
    }
    if (!b_known) {
        bad = ir_or(blk, bad, x86_fast_denormal(ctx, f, b2));
    }
    return bad;
}

/*
 * One lane: dst (ignored for square root) op src; *res the lane result, returns the
 * slow bit.  dst_known/src_known: the operand is known not to be a denormal.
 */
static IrTemp x86_fast_lane(X86Disas *ctx, const X86FastFmt *f, IrOpcode op, IrTemp dst, IrTemp src, IrTemp *res,
                            bool dst_known, bool src_known)
{
    IrBlock *blk = ctx->blk;
    IrTemp a = dst, b = src, v, v64;

    if (f->bytes == 4) {
        a = ir_trunc(blk, dst);
        b = ir_trunc(blk, src);
    }
    v = op == IR_OP_FSQRT ? ir_fsqrt(blk, b) : ir_binop(blk, op, a, b);
    v64 = f->bytes == 4 ? ir_extu32(blk, v) : v;
    *res = v64;
    return x86_fast_lane_slow(ctx, f, op, op == IR_OP_FSQRT ? IR_TEMP_NONE : x86_fast_x2(ctx, f, dst),
                              x86_fast_x2(ctx, f, src), x86_fast_x2(ctx, f, v64), dst_known, src_known);
}

/*
 * ucomiss/ucomisd/comiss/comisd: raise nothing unless an operand is a NaN (IE) or a
 * denormal (DE), whatever MXCSR says; then the flags come from an integer compare of
 * sign-magnitude keys (-0 and +0 equal).  Those cases go to the stub.
 */
static bool x86_sse_try_fast_cmp(X86Disas *ctx, const X86Insn *in, const X86SseOp *op)
{
    IrBlock *blk = ctx->blk;
    X86SsePrefix pfx = x86_sse_prefix(in);
    X86FastFmt f = { .bytes = pfx == X86_PFX_66 ? 8 : 4, .ebits = pfx == X86_PFX_66 ? 11 : 8 };
    uint64_t lim = UINT64_C(1) << (64 - f.ebits), emax = (UINT64_C(1) << f.ebits) - 1;
    uint64_t sign = UINT64_C(1) << (f.bytes * 8 - 1);
    IrTemp x[2], key[2], slow, flags;
    uint32_t fast;

    x[0] = ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, 0));
    x[1] = in->mod != 3 ? x86_ld(ctx, f.bytes, x86_gen_ea(ctx)) : ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 0));
    slow = x86_const(ctx, 0);
    for (unsigned i = 0; i < 2; i++) {
        IrTemp m, x2;

        if (f.bytes == 4) {
            x[i] = ir_zext(blk, x[i], 32);
        }
        x2 = x86_fast_x2(ctx, &f, x[i]);
        slow = ir_or(blk, slow, x86_fast_denormal(ctx, &f, x2));
        slow = ir_or(blk, slow, ir_setcond(blk, IR_COND_GTU, x2, x86_const(ctx, emax * lim)));     /* NaN */
        m = ir_and(blk, x[i], x86_const(ctx, sign - 1));
        key[i] = ir_select(blk, IR_COND_NE, ir_and(blk, x[i], x86_const(ctx, sign)), x86_const(ctx, 0),
                           ir_neg(blk, m), m);
    }
    fast = ir_label_new(blk);
    ir_brcond(blk, IR_COND_EQ, slow, x86_const(ctx, 0), fast);
    x86_sse_gen_slow(ctx, in, op);
    ir_label(blk, fast);
    flags = ir_or(blk, ir_setcond(blk, IR_COND_LT, key[0], key[1]),
                  ir_shl(blk, ir_setcond(blk, IR_COND_EQ, key[0], key[1]), x86_const(ctx, 6)));
    x86_cc_set_flags(ctx, flags);
    ctx->sse_kept = true;       /* no xmm register or MXCSR written */
    return true;
}

bool x86_sse_try_fast(X86Disas *ctx, const X86Insn *in, const X86SseOp *op)
{
    IrBlock *blk = ctx->blk;
    X86SsePrefix pfx = x86_sse_prefix(in);
    X86FastFmt f = { .bytes = pfx == X86_PFX_F3 ? 4 : 8, .ebits = pfx == X86_PFX_F3 ? 8 : 11 };
    bool packed = pfx == X86_PFX_66, mem = in->mod != 3;
    unsigned lanes = packed ? 2 : 1;
    IrTemp src[2], res[2], slow, mxcsr;
    uint32_t fast;
    IrOpcode irop;

    /* A traced block must run whole once entered: no exit in the middle of it. */
    if (in->map != X86_MAP_0F || ctx->lctx->straight_line) {
        return false;
    }
    if ((in->opcode == 0x2e || in->opcode == 0x2f) && (pfx == X86_PFX_NP || pfx == X86_PFX_66)) {
        return x86_sse_try_fast_cmp(ctx, in, op);
    }
    if (pfx == X86_PFX_NP) {
        return false;
    }
    switch (in->opcode) {
    case 0x51: irop = IR_OP_FSQRT; break;
    case 0x58: irop = IR_OP_FADD; break;
    case 0x59: irop = IR_OP_FMUL; break;
    case 0x5c: irop = IR_OP_FSUB; break;
    case 0x5e: irop = IR_OP_FDIV; break;
    default: return false;
    }

    if (mem) {
        IrTemp ea = x86_gen_ea(ctx);

        if (packed) {
            x86_sse_check_align(ctx);
            src[0] = x86_ld(ctx, 8, ea);
            src[1] = x86_ld(ctx, 8, ir_add(blk, ea, x86_const(ctx, 8)));
        } else {
            src[0] = x86_ld(ctx, f.bytes, ea);
        }
    } else {
        src[0] = ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 0));
        src[1] = packed ? ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 1)) : IR_TEMP_NONE;
        if (f.bytes == 4) {
            src[0] = ir_zext(blk, src[0], 32);
        }
    }

    /* The mode test once per straight path: only ldmxcsr/fxrstor/xrstor change these bits. */
    if (ctx->sse_mxcsr_ok) {
        slow = x86_const(ctx, 0);
    } else {
        mxcsr = ir_get(blk, IR_I32, X86_OFF(mxcsr));
        slow = ir_extu32(blk, ir_xor(blk, ir_and(blk, mxcsr, ir_const_i32(blk, 0xffe0)), ir_const_i32(blk, 0x1fa0)));
    }
    for (unsigned i = 0; i < lanes; i++) {
        IrTemp d = ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, i));
        bool dk = f.bytes == 8 && x86_sse_known(ctx, in->reg, i);
        bool sk = f.bytes == 8 && !mem && x86_sse_known(ctx, in->rm, i);

        if (f.bytes == 4) {
            d = ir_zext(blk, d, 32);
        }
        slow = ir_or(blk, slow, x86_fast_lane(ctx, &f, irop, d, src[i], &res[i], dk, sk));
    }

    fast = ir_label_new(blk);
    ir_brcond(blk, IR_COND_EQ, slow, x86_const(ctx, 0), fast);
    x86_sse_gen_slow(ctx, in, op);
    ir_label(blk, fast);
    if (f.bytes == 4) {
        IrTemp lo = ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, 0));

        ir_set(blk, X86_OFF_XMM(in->reg, 0), ir_deposit(blk, lo, res[0], 0, 32));
        x86_sse_set_known(ctx, in->reg, 0, false);
    } else {
        for (unsigned i = 0; i < lanes; i++) {
            ir_set(blk, X86_OFF_XMM(in->reg, i), res[i]);
            /* The inputs passed the denormal test; a product, quotient or root is normal or zero. */
            if (!mem) {
                x86_sse_set_known(ctx, in->rm, i, true);
            }
            x86_sse_set_known(ctx, in->reg, i, irop == IR_OP_FMUL || irop == IR_OP_FDIV || irop == IR_OP_FSQRT);
        }
    }
    ctx->sse_mxcsr_ok = true;
    ctx->sse_kept = true;
    return true;
}

void x86_sse_fast_forget(X86Disas *ctx)
{
    ctx->sse_mxcsr_ok = false;
    ctx->sse_not_denormal = 0;
}

/*
 * Moves whose effect on the known halves is plain: 128-bit moves between registers
 * copy both bits, loads clear them (movsd's load zeroes the high half: +0 is no
 * denormal), stores keep them; movsd between registers and unpcklpd/unpckhpd move
 * halves.  Returns false for anything else.
 */
static bool x86_sse_track_move(X86Disas *ctx, const X86Insn *in)
{
    X86SsePrefix pfx = x86_sse_prefix(in);
    bool reg = in->mod == 3, np66 = pfx == X86_PFX_NP || pfx == X86_PFX_66;
    bool r0 = x86_sse_known(ctx, in->reg, 0), r1 = x86_sse_known(ctx, in->reg, 1);
    bool m0 = reg && x86_sse_known(ctx, in->rm, 0), m1 = reg && x86_sse_known(ctx, in->rm, 1);
    unsigned op = in->opcode;

    if (in->map != X86_MAP_0F) {
        return false;
    }
    if (((op == 0x28 || op == 0x10) && np66) || (op == 0x6f && (pfx == X86_PFX_66 || pfx == X86_PFX_F3))) {
        x86_sse_set_known(ctx, in->reg, 0, m0);         /* loads: m0 = m1 = false */
        x86_sse_set_known(ctx, in->reg, 1, m1);
        return true;
    }
    if (((op == 0x29 || op == 0x11) && np66) || (op == 0x7f && (pfx == X86_PFX_66 || pfx == X86_PFX_F3))) {
        if (reg) {
            x86_sse_set_known(ctx, in->rm, 0, r0);
            x86_sse_set_known(ctx, in->rm, 1, r1);
        }
        return true;
    }
    if (pfx == X86_PFX_F2 && op == 0x10) {              /* movsd */
        x86_sse_set_known(ctx, in->reg, 0, m0);
        if (!reg) {
            x86_sse_set_known(ctx, in->reg, 1, true);
        }
        return true;
    }
    if (pfx == X86_PFX_F2 && op == 0x11) {
        if (reg) {
            x86_sse_set_known(ctx, in->rm, 0, r0);
        }
        return true;
    }
    if (pfx == X86_PFX_66 && op == 0x14) {              /* unpcklpd: hi = src lo */
        x86_sse_set_known(ctx, in->reg, 1, m0);
        return true;
    }
    if (pfx == X86_PFX_66 && op == 0x15) {              /* unpckhpd: lo = dst hi, hi = src hi */
        x86_sse_set_known(ctx, in->reg, 0, r1);
        x86_sse_set_known(ctx, in->reg, 1, m1);
        return true;
    }
    return false;
}

void x86_sse_fast_track(X86Disas *ctx, const X86Insn *in)
{
    bool (*t)(X86Disas *, const X86Insn *) = in->desc->trans;

    if (ctx->sse_kept) {
        return;
    }
    /* Everything else that may write an xmm register or MXCSR is lifted by these. */
    if (t != x86_trans_sse && t != x86_trans_ssemov && t != x86_trans_ldmxcsr && t != x86_trans_x87 &&
        t != x86_trans_fwait && t != x86_trans_emms && t != x86_trans_fxsave && t != x86_trans_fxrstor) {
        return;
    }
    if ((t == x86_trans_sse || t == x86_trans_ssemov) && !in->lock && x86_sse_track_move(ctx, in)) {
        return;
    }
    x86_sse_fast_forget(ctx);
}
