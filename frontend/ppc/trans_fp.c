/*
 * Classic floating point (Power ISA 2.06 Book I chapter 4): loads and stores,
 * moves, arithmetic, fused multiply-add, fsel, conversions, compares and the
 * FPSCR instructions.  FPRs hold binary64 bit patterns; lfs converts a single to
 * double (exact, no status change, Book I 4.6.2), stfs converts back by the
 * "DOUBLE to SINGLE" rule of 4.6.3 (truncation of an in-range value, no rounding).
 * Everything that rounds or touches FPSCR status calls fpu.c, except the fast path of
 * double-precision arithmetic below, which leaves FR/FI/FPRF pending.
 *
 * Record forms (Rc=1) copy FPSCR[FX FEX VX OX] into CR1 (Book I 4.3).
 */
#include "frontend/ppc/internal.h"

static IrTemp ppc_c64(PpcDisas *ctx, uint64_t v)
{
    return ir_const_i64(ctx->blk, v);
}

static void ppc_defer_fp_slow(PpcDisas *ctx, const PpcArgs *a, uint32_t opc,
                              void (*gen)(PpcDisas *ctx, const PpcArgs *a, uint32_t opc), uint32_t label);
static void ppc_gen_fload_slow(PpcDisas *ctx, const PpcArgs *a, uint32_t opc);

/* CR1 = FPSCR[0:3] after an FP instruction with Rc = 1. */
static void ppc_gen_cr1(PpcDisas *ctx, const PpcArgs *a)
{
    if (a->rc_bit) {
        ppc_set32(ctx, PPC_OFF_CR(1), ir_extract(ctx->blk, ppc_get32(ctx, PPC_OFF(fpscr)), 28, 4));
    }
}

/* --- Single <-> double without rounding (Book I 4.6.2, 4.6.3) --- */

/*
 * Single bit pattern (i32) to the double it denotes: the host conversion is exact
 * for every class; a signalling NaN must stay signalling, so NaNs are widened by
 * moving bits instead (sign, exponent all ones, fraction << 29).
 */
static IrTemp ppc_gen_s_to_d(PpcDisas *ctx, IrTemp s)
{
    return ir_call1(ctx->blk, &ir_helper_ppc_lfs_cvt, s);
}

static IrTemp ppc_gen_d_to_s(PpcDisas *ctx, IrTemp d)
{
    return ir_trunc(ctx->blk, ir_call1(ctx->blk, &ir_helper_ppc_stfs_cvt, d));
}

/*
 * The same inline for every single but a NaN: FEXT (the host's cvtss2sd, exact for
 * zeros, denormals, normals and infinities).  A NaN, which must stay signalling if it
 * is, branches to slow.
 */
static IrTemp ppc_gen_s_to_d_inline(PpcDisas *ctx, IrTemp s, uint32_t slow)
{
    IrBlock *blk = ctx->blk;

    ir_brcond(blk, IR_COND_GTU, ir_and(blk, s, ppc_const(ctx, 0x7fffffffu)), ppc_const(ctx, 0x7f800000u), slow);
    return ir_fext(blk, s);
}

/* --- Loads and stores (Book I 4.6.2-4.6.3) --- */

static bool ppc_gen_fload(PpcDisas *ctx, const PpcArgs *a, bool inline_ok)
{
    bool single = a->param & PPC_LS_SINGLE;
    IrTemp ea, v;

    if ((a->param & PPC_LS_UPDATE) && a->ra == 0) {
        return false;
    }
    ea = ppc_gen_ea(ctx, a);
    if (single && inline_ok) {
        uint32_t slow = ir_label_new(ctx->blk);

        ppc_defer_fp_slow(ctx, a, 0, ppc_gen_fload_slow, slow);
        v = ppc_gen_s_to_d_inline(ctx, ppc_gen_load(ctx, a, ea, IR_I32, IR_MEM_32 | IR_MEM_BE), slow);
    } else if (single) {
        v = ppc_gen_s_to_d(ctx, ppc_gen_load(ctx, a, ea, IR_I32, IR_MEM_32 | IR_MEM_BE));
    } else {
        v = ppc_gen_load(ctx, a, ea, IR_I64, IR_MEM_64 | IR_MEM_BE);
    }
    if (a->param & PPC_LS_UPDATE) {
        ppc_set_gpr(ctx, a->ra, ea);
    }
    ppc_set_fpr(ctx, a->rt, v);
    return true;
}

/* lfs of a NaN: the whole instruction again from the state before it, by the helper. */
static void ppc_gen_fload_slow(PpcDisas *ctx, const PpcArgs *a, uint32_t opc)
{
    (void)opc;
    ppc_gen_fload(ctx, a, false);
}

bool ppc_trans_fload(PpcDisas *ctx, const PpcArgs *a)
{
    return ppc_gen_fload(ctx, a, ppc_fp_slow_room(ctx));
}

bool ppc_trans_fstore(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp ea, v = ppc_get_fpr(ctx, a->rt);

    if ((a->param & PPC_LS_UPDATE) && a->ra == 0) {
        return false;
    }
    ea = ppc_gen_ea(ctx, a);
    if (a->param & PPC_LS_SINGLE) {
        ppc_gen_store(ctx, a, ea, IR_MEM_32 | IR_MEM_BE, ppc_gen_d_to_s(ctx, v));
    } else {
        ppc_gen_store(ctx, a, ea, IR_MEM_64 | IR_MEM_BE, v);
    }
    return true;
}

/* stfiwx: the low word of frS, unchanged (Book I 4.6.3). */
bool ppc_trans_stfiwx(PpcDisas *ctx, const PpcArgs *a)
{
    PpcArgs x = *a;

    x.param = PPC_LS_INDEXED;
    ir_store(ctx->blk, IR_MEM_32 | IR_MEM_BE, ppc_gen_ea(ctx, &x), ir_trunc(ctx->blk, ppc_get_fpr(ctx, a->rt)));
    return true;
}

/* --- Moves (Book I 4.6.5): sign bit only, no FPSCR change --- */

bool ppc_trans_fmove(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp v = ppc_get_fpr(ctx, a->rb);
    IrTemp sign = ppc_c64(ctx, UINT64_C(1) << 63);

    switch (a->param) {
    case PPC_FMOVE_NEG:
        v = ir_xor(blk, v, sign);
        break;
    case PPC_FMOVE_ABS:
        v = ir_and(blk, v, ppc_c64(ctx, ~(UINT64_C(1) << 63)));
        break;
    case PPC_FMOVE_NABS:
        v = ir_or(blk, v, sign);
        break;
    default:
        break;
    }
    ppc_set_fpr(ctx, a->rt, v);
    ppc_gen_cr1(ctx, a);
    return true;
}

/* --- Arithmetic (Book I 4.6.6) --- */

/*
 * The inline fast path of the double-precision fadd, fsub, fmul, fdiv, fsqrt and the
 * fused forms, in front of the helper.  It applies when FPSCR[RN] is round-to-nearest
 * (the IR FP ops round to nearest), XX is already set, and the result is a normal
 * number of biased exponent 2 or more, or an exact zero (fadd, fsub, fmul: see
 * ppc_gen_zero_slow, which lets those out of the slow path).  Such a result means no operand was a NaN, no invalid operation, no
 * division by zero, no overflow and no underflow (a result in the lowest normal binade
 * could be tiny before rounding: Book I 4.4.4), so the instruction raised at most
 * inexact, which XX already holds: FX, FEX and the other status bits stay as they are.
 * What it changes is FPRF (the result's class), FI and FR.  All three are left
 * pending: the operation and its operands go to PpcCpu.fp_lazy_*, and whatever reads
 * them next works them out (ppc_get_fpscr in fpu.c; mffs by a pure call,
 * helper_ppc_fpscr_settled; mcrfs and partial FPSCR writes settle, so do the helpers,
 * since an enabled exception leaves FPRF as it was).  So the fast path writes no FPSCR bit at all.  A following
 * fast-path instruction simply replaces the record, and the optimizer drops the stores
 * it overwrites within the block.  The record forms' CR1 (FX FEX VX OX) needs nothing
 * pending.
 * Otherwise the helper recomputes the instruction from the original state and the
 * block ends with an exit to the next instruction, as on RISC-V (rv_gen_fp_inline);
 * those slow paths are placed after the block's last exit (ppc_fp_slow_next).  The
 * RN/XX test is made once per block: only mtfsf*, mtfsb* and mcrfs change them.
 */
#define PPC_SIGN64 (UINT64_C(1) << 63)

/* The helper computing frT (and FPSCR) of an A-form instruction. */
static void ppc_gen_fp_helper(PpcDisas *ctx, const PpcArgs *a, uint32_t opc)
{
    IrTemp args[5] = {
        ppc_get_fpr(ctx, a->ra), ppc_get_fpr(ctx, a->rb), ppc_get_fpr(ctx, a->rc), ppc_get_fpr(ctx, a->rt),
        ppc_const(ctx, opc),
    };

    ppc_set_fpr(ctx, a->rt, ir_call(ctx->blk, &ir_helper_ppc_farith, 5, args));
    ppc_gen_cr1(ctx, a);
}

/* Queue the slow path of the instruction being lifted, at label (ppc_fp_slow_next emits it). */
static void ppc_defer_fp_slow(PpcDisas *ctx, const PpcArgs *a, uint32_t opc,
                              void (*gen)(PpcDisas *ctx, const PpcArgs *a, uint32_t opc), uint32_t label)
{
    g_assert(ctx->n_fp_slow < PPC_MAX_FP_SLOW);
    ctx->fp_slow[ctx->n_fp_slow].label = label;
    ctx->fp_slow[ctx->n_fp_slow].pc = ctx->pc;
    ctx->fp_slow[ctx->n_fp_slow].opc = opc;
    ctx->fp_slow[ctx->n_fp_slow].args = *a;
    ctx->fp_slow[ctx->n_fp_slow].gen = gen;
    ctx->fp_slow[ctx->n_fp_slow].prev = (PpcFpRecord){ .opc = 0 };
    ctx->n_fp_slow++;
}

/*
 * The lazy record's slots, in role order: the operations' frA, frB, frC.
 */
static const uint32_t ppc_fp_lazy_off[3] = { PPC_OFF(fp_lazy_a), PPC_OFF(fp_lazy_b), PPC_OFF(fp_lazy_c) };

/*
 * May insn come between the operation that stored the last lazy record and the next
 * one, which then stores that record in its slow path only?  Yes for register-only
 * work: instruction starts, pure operations, reads of guest state other than the
 * record, and writes of guest state other than the record, FPSCR and the FPRs the
 * record's operands are to be taken from.  No for anything that can leave the block,
 * fault, call a helper or join paths (a label): there the record must be in the state.
 */
static bool ppc_fp_record_survives(const PpcDisas *ctx, const IrInsn *insn)
{
    uint32_t lazy_lo = PPC_OFF(fp_lazy_op), lazy_hi = PPC_OFF(fp_lazy_c) + 8;
    uint32_t off;

    switch (insn->op) {
    case IR_OP_INSN_START:
    case IR_OP_NOP:
        return true;
    case IR_OP_GET:
        off = (uint32_t)insn->imm[0];
        return off + 8 <= lazy_lo || off >= lazy_hi;
    case IR_OP_SET:
        off = (uint32_t)insn->imm[0];
        if (off < lazy_hi && off + 8 > lazy_lo) {
            return false;
        }
        if (off < PPC_OFF(fpscr) + 4 && off + 8 > PPC_OFF(fpscr)) {
            return false;
        }
        for (int k = 0; k < 3; k++) {
            int reg = ctx->fp_last.rec.reg[k];

            if (reg >= 0 && off < PPC_OFF_FPR(reg) + 8 && off + 8 > PPC_OFF_FPR(reg)) {
                return false;
            }
        }
        return true;
    default:
        return (ir_op_info[insn->op].flags & IR_F_PURE) != 0;
    }
}

/*
 * Called by an inline FP operation about to be lifted: if the previous FP operation
 * was inline too and only register work came in between (ppc_fp_record_survives), the
 * record that one stored is overwritten by this one's on the fast path, and only this
 * one's slow path (state before it) can see it.
 * Its SETs are taken out and the slow path stores the record instead, taking the
 * operands from the FPRs they came from, which hold them still (an operand the
 * previous operation overwrote with its result keeps its SET).  A chain of inline
 * operations then stores one record, its last, instead of one per operation.  Returns
 * what the slow path must store (opc 0: nothing).
 */
static PpcFpRecord ppc_fp_take_prev(PpcDisas *ctx)
{
    IrBlock *blk = ctx->blk;
    PpcFpRecord none = { .opc = 0 };

    if (!ctx->fp_last.valid) {
        return none;
    }
    ctx->fp_last.valid = false;
    for (uint32_t i = ctx->fp_last.end; i < blk->n_insns; i++) {
        if (!ppc_fp_record_survives(ctx, &blk->insns[i])) {
            return none;
        }
    }
    blk->insns[ctx->fp_last.set_op].op = IR_OP_NOP;
    for (int k = 0; k < 3; k++) {
        if (ctx->fp_last.rec.reg[k] >= 0) {
            blk->insns[ctx->fp_last.set_x[k]].op = IR_OP_NOP;
        }
    }
    return ctx->fp_last.rec;
}

/*
 * Can an inline fast path with a deferred slow path be lifted here?  Not once FP traps
 * are on: the slow paths leave the block without the trap check, and the helpers alone
 * are where the checks are lifted after (ppc_lift_insn).
 */
bool ppc_fp_slow_room(const PpcDisas *ctx)
{
    return !ctx->fp_traps && ctx->n_fp_slow < PPC_MAX_FP_SLOW;
}

/*
 * The slow paths: each reads its operands again (the state there is the one before the
 * instruction, so no temp crosses a label) and calls the helper.  ppc_fp_slow_next emits
 * the next one not emitted yet and returns its pc (0: none left); the lifter then either
 * lifts the code after it again as a copy (lift.c) or leaves to the next instruction.
 * Slow paths of the copied code join the queue.
 */
uint32_t ppc_fp_slow_next(PpcDisas *ctx)
{
    unsigned i = ctx->fp_slow_done;

    if (i >= ctx->n_fp_slow) {
        return 0;
    }
    ctx->fp_slow_done++;
    ir_label(ctx->blk, ctx->fp_slow[i].label);
    ir_insn_start(ctx->blk, ctx->fp_slow[i].pc, 4);
    ctx->pc = ctx->fp_slow[i].pc;
    if (ctx->fp_slow[i].prev.opc != 0) {
        const PpcFpRecord *prev = &ctx->fp_slow[i].prev;

        ppc_set32(ctx, PPC_OFF(fp_lazy_op), ppc_const(ctx, prev->opc));
        for (int k = 0; k < 3; k++) {
            if (prev->reg[k] >= 0) {
                ir_set(ctx->blk, ppc_fp_lazy_off[k], ppc_get_fpr(ctx, prev->reg[k]));
            }
        }
    }
    ctx->fp_slow[i].gen(ctx, &ctx->fp_slow[i].args, ctx->fp_slow[i].opc);
    return ctx->fp_slow[i].pc;
}

/*
 * The slow path of fadd, fsub and fmul: an exact zero raises nothing, so it takes the
 * fast path's way out (result and pending record) instead of the helper.  A zero sum is
 * always exact (a nonzero exact sum of doubles is at least 2^-1074); a zero product is
 * when an operand is zero (0 * inf is a NaN; nonzero operands underflowed).  Checked
 * here, off the fast path, since only code that adds or multiplies zeros often (sparse
 * data) needs it; the RN/XX test is repeated as the slow path is also where a block's
 * failed mode test lands.
 */
static void ppc_gen_zero_slow(PpcDisas *ctx, const PpcArgs *a, uint32_t opc)
{
    IrBlock *blk = ctx->blk;
    uint32_t helper = ir_label_new(blk), join = ir_label_new(blk);
    bool mul = PPC_FP_OP(opc) == PPC_FP_MUL;
    IrTemp fa = ppc_get_fpr(ctx, a->ra), fy = ppc_get_fpr(ctx, mul ? a->rc : a->rb);
    IrTemp zero = ppc_c64(ctx, 0), one = ppc_c64(ctx, 1);
    IrTemp r;

    r = mul ? ir_fmul(blk, fa, fy) : PPC_FP_OP(opc) == PPC_FP_ADD ? ir_fadd(blk, fa, fy) : ir_fsub(blk, fa, fy);
    ir_brcond(blk, IR_COND_NE, ir_and(blk, ppc_get32(ctx, PPC_OFF(fpscr)), ppc_const(ctx, PPC_FPSCR_XX | 3)),
              ppc_const(ctx, PPC_FPSCR_XX), helper);
    ir_brcond(blk, IR_COND_NE, ir_shl(blk, r, one), zero, helper);      /* not +-0 */
    if (mul) {
        IrTemp za = ir_setcond(blk, IR_COND_EQ, ir_shl(blk, fa, one), zero);
        IrTemp zc = ir_setcond(blk, IR_COND_EQ, ir_shl(blk, fy, one), zero);

        ir_brcond(blk, IR_COND_EQ, ir_or(blk, za, zc), zero, helper);   /* underflow */
    }
    ppc_set_fpr(ctx, a->rt, r);
    ppc_set32(ctx, PPC_OFF(fp_lazy_op), ppc_const(ctx, opc | PPC_FP_LAZY | PPC_FP_LAZY_FPRF));
    ir_set(blk, PPC_OFF(fp_lazy_a), fa);
    ir_set(blk, mul ? PPC_OFF(fp_lazy_c) : PPC_OFF(fp_lazy_b), fy);
    ppc_gen_cr1(ctx, a);
    ir_br(blk, join);
    ir_label(blk, helper);
    ppc_gen_fp_helper(ctx, a, opc);
    ir_label(blk, join);
}

/* opc: helper_ppc_farith's (no PPC_FP_S); ctx->n_fp_slow < PPC_MAX_FP_SLOW. */
static void ppc_gen_fp_fast(PpcDisas *ctx, const PpcArgs *a, uint32_t opc)
{
    IrBlock *blk = ctx->blk;
    PpcFpRecord prev = ppc_fp_take_prev(ctx);      /* first: before this one emits anything */
    IrTemp fa = ppc_get_fpr(ctx, a->ra), fb = ppc_get_fpr(ctx, a->rb), fc = ppc_get_fpr(ctx, a->rc);
    bool uses_a = true, uses_b = true, uses_c = false;
    uint32_t slow = ir_label_new(blk);
    IrTemp r;

    ppc_defer_fp_slow(ctx, a, opc, PPC_FP_OP(opc) <= PPC_FP_MUL && !(opc & PPC_FP_FMA) ? ppc_gen_zero_slow
                                                                                         : ppc_gen_fp_helper, slow);
    ctx->fp_slow[ctx->n_fp_slow - 1].prev = prev;

    if (opc & PPC_FP_FMA) {
        IrTemp sign = ppc_c64(ctx, PPC_SIGN64);

        uses_c = true;
        if (opc & PPC_FMA_NEG_R) {
            /*
             * fnmadd, fnmsub: -(a*c + b) as (-a)*c - b, -(a*c - b) as (-a)*c + b.  Rounding
             * to nearest is symmetric, so the two round to values of opposite sign alike;
             * they differ only for an exact zero (+0 against -0) and a NaN's sign, which
             * the fast path below leaves to the slow path.  frA is the one negated: the
             * multiplicand, off the chain when frC is the value just computed (glibc's
             * sqrt), where negating the result was one more step on it.
             */
            r = ir_fma(blk, ir_xor(blk, fa, sign), fc, (opc & PPC_FMA_NEG_C) ? fb : ir_xor(blk, fb, sign));
        } else {
            r = ir_fma(blk, fa, fc, (opc & PPC_FMA_NEG_C) ? ir_xor(blk, fb, sign) : fb);
        }
    } else {
        switch (PPC_FP_OP(opc)) {
        case PPC_FP_ADD:
            r = ir_fadd(blk, fa, fb);
            break;
        case PPC_FP_SUB:
            r = ir_fsub(blk, fa, fb);
            break;
        case PPC_FP_MUL:
            uses_b = false;
            uses_c = true;
            r = ir_fmul(blk, fa, fc);
            break;
        case PPC_FP_DIV:
            r = ir_fdiv(blk, fa, fb);
            break;
        default:    /* PPC_FP_SQRT */
            uses_a = false;
            r = ir_fsqrt(blk, fb);
            break;
        }
    }
    /*
     * Biased exponent in [2, 0x7fe] (exact zeros: ppc_gen_zero_slow).  On the low word of
     * r >> 31, which holds the exponent in bits 21-31 with the sign shifted out:
     * exp_off = that - (2 << 21) is below (0x7ff - 2) << 21 just for those exponents.  A
     * shift and a 32-bit subtract, where the exponent alone takes two shifts and a subtract.
     */
    IrTemp exp_off = ir_sub(blk, ir_trunc(blk, ir_shr(blk, r, ppc_c64(ctx, 31))), ppc_const(ctx, 2u << 21));
    IrTemp exp_lim = ppc_const(ctx, (0x7ffu - 2) << 21);
    if (!ctx->fp_mode_ok) {
        IrTemp mode = ir_and(blk, ppc_get32(ctx, PPC_OFF(fpscr)), ppc_const(ctx, PPC_FPSCR_XX | 3));

        if (ctx->n_fp_slow < PPC_MAX_FP_SLOW) {
            /*
             * And RN = 0 with XX set, tested by a branch to a second copy of the slow
             * path: a label with one branch to it lets the JIT enter it with the
             * registers as they are (two branches to one label make it store every guest
             * register it holds before the first), and two branches are shorter than
             * the two tests or-ed into one.
             */
            uint32_t mode_slow = ir_label_new(blk);

            ppc_defer_fp_slow(ctx, a, opc, ctx->fp_slow[ctx->n_fp_slow - 1].gen, mode_slow);
            ctx->fp_slow[ctx->n_fp_slow - 1].prev = prev;
            ir_brcond(blk, IR_COND_NE, mode, ppc_const(ctx, PPC_FPSCR_XX), mode_slow);
            ir_brcond(blk, IR_COND_GEU, exp_off, exp_lim, slow);
        } else {
            IrTemp mode_bad = ir_setcond(blk, IR_COND_NE, mode, ppc_const(ctx, PPC_FPSCR_XX));
            IrTemp exp_bad = ir_setcond(blk, IR_COND_GEU, exp_off, exp_lim);

            ir_brcond(blk, IR_COND_NE, ir_or(blk, mode_bad, exp_bad), ppc_const(ctx, 0), slow);
        }
        ctx->fp_mode_ok = true;
    } else {
        ir_brcond(blk, IR_COND_GEU, exp_off, exp_lim, slow);
    }

    ppc_set_fpr(ctx, a->rt, r);
    /* FR, FI and FPRF (the class of r) all pending */
    {
        const bool uses[3] = { uses_a, uses_b, uses_c };
        const IrTemp vals[3] = { fa, fb, fc };
        const int regs[3] = { a->ra, a->rb, a->rc };

        ctx->fp_last.rec.opc = opc | PPC_FP_LAZY | PPC_FP_LAZY_FPRF;
        ppc_set32(ctx, PPC_OFF(fp_lazy_op), ppc_const(ctx, ctx->fp_last.rec.opc));
        ctx->fp_last.set_op = blk->n_insns - 1;
        for (int k = 0; k < 3; k++) {
            ctx->fp_last.set_x[k] = UINT32_MAX;
            ctx->fp_last.rec.reg[k] = -1;
            if (uses[k]) {
                ir_set(blk, ppc_fp_lazy_off[k], vals[k]);
                ctx->fp_last.set_x[k] = blk->n_insns - 1;
                ctx->fp_last.rec.reg[k] = regs[k] == a->rt ? -1 : (int8_t)regs[k];
            }
        }
        ctx->fp_last.end = blk->n_insns;
        ctx->fp_last.valid = true;
    }
    ppc_gen_cr1(ctx, a);
}

static bool ppc_fp_fast_ok(PpcDisas *ctx, uint32_t opc)
{
    return !(opc & PPC_FP_S) && ((opc & PPC_FP_FMA) || PPC_FP_OP(opc) <= PPC_FP_SQRT) &&
           ppc_fp_slow_room(ctx);
}

bool ppc_trans_farith(PpcDisas *ctx, const PpcArgs *a)
{
    if (ppc_fp_fast_ok(ctx, a->param)) {
        ppc_gen_fp_fast(ctx, a, a->param);
    } else {
        ppc_gen_fp_helper(ctx, a, a->param);
    }
    return true;
}

/* The fused forms: frA * frC + frB (PPC_FP_FMA tells the helper), negations from the row. */
bool ppc_trans_fmadd(PpcDisas *ctx, const PpcArgs *a)
{
    uint32_t opc = a->param | PPC_FP_FMA;

    if (ppc_fp_fast_ok(ctx, opc)) {
        ppc_gen_fp_fast(ctx, a, opc);
    } else {
        ppc_gen_fp_helper(ctx, a, opc);
    }
    return true;
}

/*
 * fsel (Book I 4.6.9): frT = frA >= 0 ? frC : frB, where -0 counts as >= 0 and a NaN
 * does not.  As integers: +0..+inf are the bit patterns up to 0x7ff0000000000000, -0 is
 * the sign bit alone.  No status bits change.
 */
bool ppc_trans_fsel(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp x = ppc_get_fpr(ctx, a->ra), c = ppc_get_fpr(ctx, a->rc), b = ppc_get_fpr(ctx, a->rb);
    IrTemp r = ir_select(blk, IR_COND_LEU, x, ppc_c64(ctx, UINT64_C(0x7ff0000000000000)), c,
                         ir_select(blk, IR_COND_EQ, x, ppc_c64(ctx, UINT64_C(1) << 63), c, b));

    ppc_set_fpr(ctx, a->rt, r);
    ppc_gen_cr1(ctx, a);
    return true;
}

bool ppc_trans_fconv(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp r = ir_call3(ctx->blk, &ir_helper_ppc_fconv, ppc_get_fpr(ctx, a->rb), ppc_get_fpr(ctx, a->rt),
                        ppc_const(ctx, a->param));

    ppc_set_fpr(ctx, a->rt, r);
    ppc_gen_cr1(ctx, a);
    return true;
}

/* fcmpu (param 0) / fcmpo (1) by the helper. */
static void ppc_gen_fcmp_helper(PpcDisas *ctx, const PpcArgs *a, uint32_t opc)
{
    IrTemp c = ir_call3(ctx->blk, &ir_helper_ppc_fcmp, ppc_get_fpr(ctx, a->ra), ppc_get_fpr(ctx, a->rb),
                        ppc_const(ctx, opc));

    ppc_set32(ctx, PPC_OFF_CR(a->crfd), c);
}

/*
 * Is the lazy record's PPC_FP_LAZY_FPRF bit known clear here, because an inline fcmp
 * cleared it and nothing since can have set it (no label, no helper call, no store to
 * fp_lazy_op)?  Then the next fcmp need not turn a pending FPRF into a pending C.
 */
static bool ppc_fcmp_lazy_known(const PpcDisas *ctx)
{
    const IrBlock *blk = ctx->blk;
    uint32_t lazy = PPC_OFF(fp_lazy_op);

    if (!ctx->fcmp_lazy.valid) {
        return false;
    }
    for (uint32_t i = ctx->fcmp_lazy.end; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];

        if (insn->op == IR_OP_LABEL || insn->op == IR_OP_CALL ||
            (insn->op == IR_OP_SET && (uint32_t)insn->imm[0] < lazy + 4 && (uint32_t)insn->imm[0] + 8 > lazy)) {
            return false;
        }
    }
    return true;
}

/*
 * Without NaN operands a compare raises nothing: the CR field and FPSCR[FPCC] are
 * FL/FG/FE, which is what FCMP gives (one-hot 8/4/2, PowerPC's own order).  Its FU (1, a
 * NaN operand: FU, VXSNAN, VXVC) takes the deferred slow path.  FR, FI and FPRF's C
 * are not touched, so a pending lazy operation stays pending for them
 * (PPC_FP_LAZY_FPRF becomes PPC_FP_LAZY_C).
 */
bool ppc_trans_fcmp(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp c, fpscr, lazy;
    bool lazy_known;
    uint32_t slow;

    if (!ppc_fp_slow_room(ctx)) {
        ppc_gen_fcmp_helper(ctx, a, a->param);
        return true;
    }
    lazy_known = ppc_fcmp_lazy_known(ctx);
    slow = ir_label_new(blk);
    ppc_defer_fp_slow(ctx, a, a->param, ppc_gen_fcmp_helper, slow);
    c = ir_fcmp(blk, ppc_get_fpr(ctx, a->ra), ppc_get_fpr(ctx, a->rb));
    ir_brcond(blk, IR_COND_TSTNE, c, ppc_c64(ctx, 1), slow);
    c = ir_trunc(blk, c);
    fpscr = ppc_get32(ctx, PPC_OFF(fpscr));
    ppc_set32(ctx, PPC_OFF(fpscr), ir_or(blk, ir_and(blk, fpscr, ppc_const(ctx, ~PPC_FPSCR_FPCC)),
                                         ir_shl(blk, c, ppc_const(ctx, PPC_FPSCR_FPRF_SHIFT))));
    /* a pending FPRF becomes a pending C: FPCC is now this compare's */
    if (!lazy_known) {
        lazy = ppc_get32(ctx, PPC_OFF(fp_lazy_op));
        ppc_set32(ctx, PPC_OFF(fp_lazy_op),
                  ir_or(blk, ir_and(blk, lazy, ppc_const(ctx, ~PPC_FP_LAZY_FPRF)),
                        ir_shr(blk, ir_and(blk, lazy, ppc_const(ctx, PPC_FP_LAZY_FPRF)), ppc_const(ctx, 1))));
    }
    ppc_set32(ctx, PPC_OFF_CR(a->crfd), c);
    ctx->fcmp_lazy.valid = true;
    ctx->fcmp_lazy.end = blk->n_insns;
    return true;
}

/* --- FPSCR (Book I 4.6.10) --- */

/* mffs: FPSCR into the low word of frT; the high word is 0 (undefined in the ISA; as QEMU). */
static void ppc_gen_mffs_helper(PpcDisas *ctx, const PpcArgs *a, uint32_t opc)
{
    IrBlock *blk = ctx->blk;
    IrTemp args[5] = {
        ppc_get32(ctx, PPC_OFF(fpscr)), ppc_get32(ctx, PPC_OFF(fp_lazy_op)),
        ir_get(blk, IR_I64, PPC_OFF(fp_lazy_a)), ir_get(blk, IR_I64, PPC_OFF(fp_lazy_b)),
        ir_get(blk, IR_I64, PPC_OFF(fp_lazy_c)),
    };
    IrTemp v = ir_call(blk, &ir_helper_ppc_fpscr_settled, 5, args);

    (void)opc;
    /* settled: the pending operation is worked out (ppc_fp_settle's effect, as values) */
    ppc_set32(ctx, PPC_OFF(fpscr), v);
    ppc_set32(ctx, PPC_OFF(fp_lazy_op), ppc_const(ctx, 0));
    ppc_set_fpr(ctx, a->rt, ir_extu32(blk, v));
    ppc_gen_cr1(ctx, a);
}

/*
 * mffs with a pending fadd/fsub (glibc's sqrt saves FPSCR right after its caller summed
 * squares) or nothing pending, inline: ppc_settle_addsub's Fast2Sum on the operands
 * ordered by magnitude gives FI (the error is not zero) and FR (it has the other sign
 * than the result), and the result's class FPRF (zero or normal, by its sign) where the
 * record holds it back.  Anything else pending takes the deferred slow path, the helper.
 * A call here would make the JIT store the registers C may clobber and load them again;
 * inline, the settling is a few operations off the FP values' own chain.
 */
bool ppc_trans_mffs(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp fpscr, opc, ua, uy, ma, my, big, small, r, err, fi, fr, neg, fprf, fprf_mask, v;
    IrTemp mag_mask, zero64, one64;
    uint32_t slow;

    if (!ppc_fp_slow_room(ctx)) {
        ppc_gen_mffs_helper(ctx, a, 0);
        return true;
    }
    slow = ir_label_new(blk);
    ppc_defer_fp_slow(ctx, a, 0, ppc_gen_mffs_helper, slow);
    fpscr = ppc_get32(ctx, PPC_OFF(fpscr));
    opc = ppc_get32(ctx, PPC_OFF(fp_lazy_op));
    /* not fadd/fsub: kind bits other than SUB's, FMA or single precision */
    ir_brcond(blk, IR_COND_TSTNE, opc, ppc_const(ctx, 6u | PPC_FP_FMA | PPC_FP_S), slow);
    mag_mask = ppc_c64(ctx, ~PPC_SIGN64);
    zero64 = ppc_c64(ctx, 0);
    one64 = ppc_c64(ctx, 1);
    ua = ir_get(blk, IR_I64, PPC_OFF(fp_lazy_a));
    uy = ir_xor(blk, ir_get(blk, IR_I64, PPC_OFF(fp_lazy_b)),
                ir_shl(blk, ir_extu32(blk, ir_and(blk, opc, ppc_const(ctx, PPC_FP_SUB))), ppc_c64(ctx, 63)));
    ma = ir_and(blk, ua, mag_mask);
    my = ir_and(blk, uy, mag_mask);
    big = ir_select(blk, IR_COND_GEU, ma, my, ua, uy);
    small = ir_select(blk, IR_COND_GEU, ma, my, uy, ua);
    r = ir_fadd(blk, big, small);
    err = ir_fsub(blk, small, ir_fsub(blk, r, big));
    fi = ir_setcond(blk, IR_COND_NE, ir_shl(blk, err, one64), zero64);
    fr = ir_and(blk, fi, ir_shr(blk, ir_xor(blk, err, r), ppc_c64(ctx, 63)));
    neg = ir_shr(blk, r, ppc_c64(ctx, 63));
    fprf = ir_select(blk, IR_COND_EQ, ir_shl(blk, r, one64), zero64,
                     ir_select(blk, IR_COND_NE, neg, zero64, ppc_c64(ctx, PPC_FPRF_NZERO), ppc_c64(ctx, PPC_FPRF_PZERO)),
                     ir_select(blk, IR_COND_NE, neg, zero64, ppc_c64(ctx, PPC_FPRF_NNORM), ppc_c64(ctx, PPC_FPRF_PNORM)));
    /* what of FPRF the record holds back: all of it, C only, or nothing */
    fprf_mask = ir_select(blk, IR_COND_TSTNE, opc, ppc_const(ctx, PPC_FP_LAZY_FPRF), ppc_const(ctx, PPC_FPSCR_FPRF),
                          ir_select(blk, IR_COND_TSTNE, opc, ppc_const(ctx, PPC_FP_LAZY_C),
                                    ppc_const(ctx, PPC_FPSCR_FPRF & ~PPC_FPSCR_FPCC), ppc_const(ctx, 0)));
    v = ir_or(blk, ir_and(blk, fpscr, ppc_const(ctx, ~(PPC_FPSCR_FR | PPC_FPSCR_FI))),
              ir_trunc(blk, ir_or(blk, ir_shl(blk, fr, ppc_c64(ctx, __builtin_ctz(PPC_FPSCR_FR))),
                                     ir_shl(blk, fi, ppc_c64(ctx, __builtin_ctz(PPC_FPSCR_FI))))));
    v = ir_or(blk, ir_and(blk, v, ir_not(blk, fprf_mask)),
              ir_and(blk, ir_shl(blk, ir_trunc(blk, fprf), ppc_const(ctx, PPC_FPSCR_FPRF_SHIFT)), fprf_mask));
    /* nothing pending: FPSCR as it is */
    v = ir_select(blk, IR_COND_EQ, opc, ppc_const(ctx, 0), fpscr, v);
    ppc_set32(ctx, PPC_OFF(fpscr), v);
    ppc_set32(ctx, PPC_OFF(fp_lazy_op), ppc_const(ctx, 0));
    ppc_set_fpr(ctx, a->rt, ir_extu32(blk, v));
    ppc_gen_cr1(ctx, a);
    return true;
}

/*
 * Write the masked bits of value into FPSCR (helper_ppc_fpscr_write's rules).  Inline
 * when no FX rule applies (mtfsf, mtfsfi) and the mask writes all of FR, FI and FPRF (a
 * pending operation is dropped) or none (it stays pending: it is worked out in round to
 * nearest whatever RN becomes); otherwise the helper, which settles first.
 */
static void ppc_gen_fpscr_write(PpcDisas *ctx, IrTemp value, uint32_t mask, bool set_fx)
{
    IrBlock *blk = ctx->blk;
    uint32_t lazy = PPC_FPSCR_LAZY_BITS;
    uint32_t en_bits = PPC_FPSCR_VE | PPC_FPSCR_OE | PPC_FPSCR_UE | PPC_FPSCR_ZE | PPC_FPSCR_XE;
    IrTemp v, vx, fex;

    ctx->fp_mode_ok = false;
    if (set_fx || ((mask & lazy) != 0 && (mask & lazy) != lazy)) {
        ir_call3(blk, &ir_helper_ppc_fpscr_write, value, ppc_const(ctx, mask), ppc_const(ctx, set_fx));
        return;
    }
    if (mask & lazy) {
        ppc_set32(ctx, PPC_OFF(fp_lazy_op), ppc_const(ctx, 0));
    }
    mask &= ~(PPC_FPSCR_FEX | PPC_FPSCR_VX);
    v = ir_or(blk, ir_and(blk, ppc_get32(ctx, PPC_OFF(fpscr)), ppc_const(ctx, ~mask)),
              ir_and(blk, value, ppc_const(ctx, mask)));
    /* the summaries (ppc_fpscr_summary): VX = any VX*, FEX = an exception bit with its enable */
    vx = ir_setcond(blk, IR_COND_TSTNE, v, ppc_const(ctx, PPC_FPSCR_VX_ALL));
    v = ir_or(blk, ir_and(blk, v, ppc_const(ctx, ~(PPC_FPSCR_VX | PPC_FPSCR_FEX))), ir_shl(blk, vx, ppc_const(ctx, 29)));
    fex = ir_setcond(blk, IR_COND_TSTNE, ir_shr(blk, v, ppc_const(ctx, 22)), ir_and(blk, v, ppc_const(ctx, en_bits)));
    ppc_set32(ctx, PPC_OFF(fpscr), ir_or(blk, v, ir_shl(blk, fex, ppc_const(ctx, 30))));
}

/* mtfsf FLM, frB (L=1: the whole FPSCR; W=1 names fields 8-15, which a 32-bit FPSCR lacks). */
bool ppc_trans_mtfsf(PpcDisas *ctx, const PpcArgs *a)
{
    uint32_t mask = 0;

    if (a->l) {
        mask = 0xffffffffu;
    } else if (!a->w) {
        for (int f = 0; f < 8; f++) {
            if (a->fxm & (0x80u >> f)) {
                mask |= 0xfu << (28 - 4 * f);
            }
        }
    }
    if (mask != 0) {
        ppc_gen_fpscr_write(ctx, ir_trunc(ctx->blk, ppc_get_fpr(ctx, a->rb)), mask, false);
    }
    ppc_gen_cr1(ctx, a);
    return true;
}

bool ppc_trans_mtfsfi(PpcDisas *ctx, const PpcArgs *a)
{
    if (!a->w) {
        uint32_t shift = 28 - 4 * (uint32_t)a->crfd;

        ppc_gen_fpscr_write(ctx, ppc_const(ctx, a->fxm << shift), 0xfu << shift, false);
    }
    ppc_gen_cr1(ctx, a);
    return true;
}

/* mtfsb0/mtfsb1 BT (param: the value); bits 1 and 2 (FEX, VX) are not writable. */
bool ppc_trans_mtfsb(PpcDisas *ctx, const PpcArgs *a)
{
    uint32_t bit = 0x80000000u >> a->rt;

    ppc_gen_fpscr_write(ctx, ppc_const(ctx, a->param ? bit : 0), bit, a->param != 0);
    ppc_gen_cr1(ctx, a);
    return true;
}

bool ppc_trans_mcrfs(PpcDisas *ctx, const PpcArgs *a)
{
    ctx->fp_mode_ok = false;        /* may clear XX */
    ppc_set32(ctx, PPC_OFF_CR(a->crfd), ir_call1(ctx->blk, &ir_helper_ppc_mcrfs, ppc_const(ctx, (uint32_t)a->crfs)));
    return true;
}
