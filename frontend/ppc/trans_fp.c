/*
 * Classic floating point (Power ISA 2.06 Book I chapter 4): loads and stores,
 * moves, arithmetic, fused multiply-add, fsel, conversions, compares and the
 * FPSCR instructions.  FPRs hold binary64 bit patterns; lfs converts a single to
 * double (exact, no status change, Book I 4.6.2), stfs converts back by the
 * "DOUBLE to SINGLE" rule of 4.6.3 (truncation of an in-range value, no rounding).
 * Everything that rounds or touches FPSCR status calls fpu.c.
 *
 * Record forms (Rc=1) copy FPSCR[FX FEX VX OX] into CR1 (Book I 4.3).
 */
#include "frontend/ppc/internal.h"

static IrTemp ppc_c64(PpcDisas *ctx, uint64_t v)
{
    return ir_const_i64(ctx->blk, v);
}

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

/* --- Loads and stores (Book I 4.6.2-4.6.3) --- */

bool ppc_trans_fload(PpcDisas *ctx, const PpcArgs *a)
{
    bool update = a->param & PPC_LS_UPDATE;
    bool single = a->param & PPC_LS_SINGLE;
    IrTemp ea, v;

    if (update && a->ra == 0) {
        return false;
    }
    ea = ppc_gen_ea(ctx, a);
    if (single) {
        v = ppc_gen_s_to_d(ctx, ir_load(ctx->blk, IR_I32, IR_MEM_32 | IR_MEM_BE, ea));
    } else {
        v = ir_load(ctx->blk, IR_I64, IR_MEM_64 | IR_MEM_BE, ea);
    }
    if (update) {
        ppc_set_gpr(ctx, a->ra, ea);
    }
    ppc_set_fpr(ctx, a->rt, v);
    return true;
}

bool ppc_trans_fstore(PpcDisas *ctx, const PpcArgs *a)
{
    bool update = a->param & PPC_LS_UPDATE;
    IrTemp ea, v = ppc_get_fpr(ctx, a->rt);

    if (update && a->ra == 0) {
        return false;
    }
    ea = ppc_gen_ea(ctx, a);
    if (a->param & PPC_LS_SINGLE) {
        ir_store(ctx->blk, IR_MEM_32 | IR_MEM_BE, ea, ppc_gen_d_to_s(ctx, v));
    } else {
        ir_store(ctx->blk, IR_MEM_64 | IR_MEM_BE, ea, v);
    }
    if (update) {
        ppc_set_gpr(ctx, a->ra, ea);
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
 * The inline fast path of double-precision fadd, fsub, fmul and fdiv, in front of
 * the helper.  It applies when FPSCR[RN] is round-to-nearest and XX is already set,
 * and the operation's result is a normal number of magnitude at least 2^-969 (and,
 * for fdiv, the dividend too).  Then the operation raised at most inexact, which XX
 * already holds, so FX, XX, FEX and the VX/OX/UX/ZX bits stay as they are; what
 * changes is FI (inexact), FR and FPRF (+/- normal).  The IR FP ops round to
 * nearest; the exact error of the result decides FI and FR without the host flags:
 *   fadd/fsub: TwoSum, err = exact - r (exact for any finite operands);
 *   fmul: err = a * c - r by one FMA (exact above 2^-969: no underflow in err);
 *   fdiv: rem = a - r * b by one FMA (exact likewise), exact = r + rem / b.
 * FR is set when rounding increased the magnitude: err nonzero with the sign
 * opposite to r's (for fdiv, the sign of rem / b).  Otherwise the helper recomputes
 * the instruction from the original state and the block ends with an exit to the
 * next instruction, as on RISC-V (rv_gen_fp_inline).
 */
#define PPC_SIGN64 (UINT64_C(1) << 63)

static IrTemp ppc_sign_bit(PpcDisas *ctx, IrTemp v)
{
    return ir_trunc(ctx->blk, ir_extract(ctx->blk, v, 63, 1));
}

/* 1 when the biased exponent of v is in [54, 0x7fe]: normal, finite, at least 2^-969. */
static IrTemp ppc_exp_ok(PpcDisas *ctx, IrTemp v)
{
    IrBlock *blk = ctx->blk;
    IrTemp e = ir_sub(blk, ir_extract(blk, v, 52, 11), ppc_c64(ctx, 54));

    return ir_trunc(blk, ir_setcond(blk, IR_COND_LTU, e, ppc_c64(ctx, 0x7fe - 54 + 1)));
}

static void ppc_gen_fp_fast(PpcDisas *ctx, const PpcArgs *a, IrTemp *args)
{
    IrBlock *blk = ctx->blk;
    unsigned op = PPC_FP_OP(a->param);
    IrTemp x = args[0], y = op == PPC_FP_MUL ? args[2] : args[1];
    IrTemp r, err, ok, err_sign, inexact, fr, fpscr, newf;
    uint32_t fast = ir_label_new(blk);

    switch (op) {
    case PPC_FP_ADD:
    case PPC_FP_SUB: {
        IrTemp yy = op == PPC_FP_SUB ? ir_xor(blk, y, ppc_c64(ctx, PPC_SIGN64)) : y;
        IrTemp bb;

        r = ir_fadd(blk, x, yy);
        bb = ir_fsub(blk, r, x);
        err = ir_fadd(blk, ir_fsub(blk, x, ir_fsub(blk, r, bb)), ir_fsub(blk, yy, bb));
        ok = ppc_exp_ok(ctx, r);
        err_sign = ppc_sign_bit(ctx, err);
        break;
    }
    case PPC_FP_MUL:
        r = ir_fmul(blk, x, y);
        err = ir_fma(blk, x, y, ir_xor(blk, r, ppc_c64(ctx, PPC_SIGN64)));
        ok = ppc_exp_ok(ctx, r);
        err_sign = ppc_sign_bit(ctx, err);
        break;
    default:        /* PPC_FP_DIV */
        r = ir_fdiv(blk, x, y);
        err = ir_fma(blk, ir_xor(blk, r, ppc_c64(ctx, PPC_SIGN64)), y, x);
        ok = ir_and(blk, ir_and(blk, ppc_exp_ok(ctx, r), ppc_exp_ok(ctx, x)), ppc_exp_ok(ctx, y));
        err_sign = ir_xor(blk, ppc_sign_bit(ctx, err), ppc_sign_bit(ctx, y));
        break;
    }
    /* err may be -0.0 when exact: test the magnitude. */
    inexact = ir_trunc(blk, ir_setcond(blk, IR_COND_TSTNE, err, ppc_c64(ctx, ~PPC_SIGN64)));
    fr = ir_and(blk, inexact, ir_xor(blk, err_sign, ppc_sign_bit(ctx, r)));
    fpscr = ppc_get32(ctx, PPC_OFF(fpscr));
    /* RN = 0 and XX set */
    ok = ir_and(blk, ok, ir_setcond(blk, IR_COND_EQ, ir_and(blk, fpscr, ppc_const(ctx, PPC_FPSCR_XX | 3)),
                                    ppc_const(ctx, PPC_FPSCR_XX)));
    newf = ir_and(blk, fpscr, ppc_const(ctx, ~(PPC_FPSCR_FR | PPC_FPSCR_FI | PPC_FPSCR_FPRF)));
    newf = ir_or(blk, newf, ir_shl(blk, inexact, ppc_const(ctx, 17)));
    newf = ir_or(blk, newf, ir_shl(blk, fr, ppc_const(ctx, 18)));
    /* FPRF: +normal 0x04, -normal 0x08 (<< 12) */
    newf = ir_or(blk, newf, ir_shl(blk, ppc_const(ctx, 0x4000), ppc_sign_bit(ctx, r)));

    ppc_set_fpr(ctx, a->rt, r);
    ppc_set32(ctx, PPC_OFF(fpscr), newf);
    ir_brcond(blk, IR_COND_NE, ok, ppc_const(ctx, 0), fast);
    ppc_set32(ctx, PPC_OFF(fpscr), fpscr);
    ppc_set_fpr(ctx, a->rt, ir_call(blk, &ir_helper_ppc_farith, 5, args));
    ppc_gen_cr1(ctx, a);
    ir_goto_block(blk, ctx->next_pc);
    ir_label(blk, fast);
}

bool ppc_trans_farith(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp args[5] = {
        ppc_get_fpr(ctx, a->ra), ppc_get_fpr(ctx, a->rb), ppc_get_fpr(ctx, a->rc), ppc_get_fpr(ctx, a->rt),
        ppc_const(ctx, a->param),
    };
    unsigned op = PPC_FP_OP(a->param);

    if (!(a->param & PPC_FP_S) && op <= PPC_FP_DIV) {
        ppc_gen_fp_fast(ctx, a, args);
    } else {
        ppc_set_fpr(ctx, a->rt, ir_call(ctx->blk, &ir_helper_ppc_farith, 5, args));
    }
    ppc_gen_cr1(ctx, a);
    return true;
}

/* The fused forms: frA * frC + frB (0x80 tells the helper), negations from the row. */
bool ppc_trans_fmadd(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp args[5] = {
        ppc_get_fpr(ctx, a->ra), ppc_get_fpr(ctx, a->rb), ppc_get_fpr(ctx, a->rc), ppc_get_fpr(ctx, a->rt),
        ppc_const(ctx, a->param | 0x80),
    };

    ppc_set_fpr(ctx, a->rt, ir_call(ctx->blk, &ir_helper_ppc_farith, 5, args));
    ppc_gen_cr1(ctx, a);
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

/* fcmpu (param 0) / fcmpo (1). */
bool ppc_trans_fcmp(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp c = ir_call3(ctx->blk, &ir_helper_ppc_fcmp, ppc_get_fpr(ctx, a->ra), ppc_get_fpr(ctx, a->rb),
                        ppc_const(ctx, a->param));

    ppc_set32(ctx, PPC_OFF_CR(a->crfd), c);
    return true;
}

/* --- FPSCR (Book I 4.6.10) --- */

/* mffs: FPSCR into the low word of frT; the high word is 0 (undefined in the ISA; as QEMU). */
bool ppc_trans_mffs(PpcDisas *ctx, const PpcArgs *a)
{
    ppc_set_fpr(ctx, a->rt, ir_extu32(ctx->blk, ppc_get32(ctx, PPC_OFF(fpscr))));
    ppc_gen_cr1(ctx, a);
    return true;
}

static void ppc_gen_fpscr_write(PpcDisas *ctx, IrTemp value, uint32_t mask, bool set_fx)
{
    ir_call3(ctx->blk, &ir_helper_ppc_fpscr_write, value, ppc_const(ctx, mask), ppc_const(ctx, set_fx));
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
    ppc_set32(ctx, PPC_OFF_CR(a->crfd), ir_call1(ctx->blk, &ir_helper_ppc_mcrfs, ppc_const(ctx, (uint32_t)a->crfs)));
    return true;
}
