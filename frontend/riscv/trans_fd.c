/*
 * F and D extensions (RISC-V Unprivileged ISA 20191213, chapters 11-12).
 * Arithmetic, conversions, comparisons and classification call the fpu.c
 * helpers; loads, stores, moves and sign injection are plain integer IR.
 *
 * Rounding mode: a static rm of 5 or 6 is illegal (decided here); rm = 7 (dyn)
 * uses frm, which is checked once per block (again after a CSR write to frm) and
 * raises illegal instruction when it holds 5..7.  The helpers can then trust rm.
 *
 * Add, subtract, multiply, divide, square root and the fused multiply-adds have an
 * inline fast path (the IR floating-point ops) in front of the helper; see
 * rv_gen_fp_inline.  Compares without NaN operands are integer compares (rv_gen_fcmp).
 */
#include "frontend/riscv/internal.h"

#define RV_BOX      UINT64_C(0xffffffff00000000)
#define RV_CANON_S_BOXED UINT64_C(0xffffffff7fc00000)

/* False when the rounding mode field is reserved; emits the frm check for dyn. */
static bool rv_fp_check_rm(RvDisas *ctx, int rm)
{
    IrBlock *blk = ctx->blk;

    if (rm == 5 || rm == 6) {
        return false;
    }
    if (rm == RV_RM_DYN && !ctx->frm_checked) {
        uint32_t ok = ir_label_new(blk);

        ir_brcond(blk, IR_COND_LTU, ir_get(blk, IR_I32, RV_OFF(frm)), ir_const_i32(blk, 5), ok);
        ir_raise(blk, GUEST_EXIT_ILLEGAL, 0, rv_const(ctx, ctx->raw));
        ir_label(blk, ok);
        ctx->frm_checked = true;
    }
    return true;
}

static IrTemp rv_rm_arg(RvDisas *ctx, const RvArgs *a)
{
    return ir_const_i32(ctx->blk, (uint32_t)a->rm);
}

/* The register value a single-precision operation sees: canonical NaN unless boxed. */
static IrTemp rv_unbox_s(RvDisas *ctx, IrTemp v)
{
    IrBlock *blk = ctx->blk;

    return ir_select(blk, IR_COND_GEU, v, rv_const(ctx, RV_BOX), v, rv_const(ctx, RV_CANON_S_BOXED));
}

/* --- Loads and stores --- */

bool trans_flw(RvDisas *ctx, const RvArgs *a)
{
    IrTemp v = ir_load(ctx->blk, IR_I64, rv_mop(ctx, IR_MEM_32), rv_addr(ctx, a->rs1, a->imm));

    rv_set_f(ctx, a->rd, ir_or(ctx->blk, v, rv_const(ctx, RV_BOX)));
    return true;
}

bool trans_fld(RvDisas *ctx, const RvArgs *a)
{
    rv_set_f(ctx, a->rd, ir_load(ctx->blk, IR_I64, rv_mop(ctx, IR_MEM_64), rv_addr(ctx, a->rs1, a->imm)));
    return true;
}

bool trans_fsw(RvDisas *ctx, const RvArgs *a)
{
    ir_store(ctx->blk, rv_mop(ctx, IR_MEM_32), rv_addr(ctx, a->rs1, a->imm), rv_get_f(ctx, a->rs2));
    return true;
}

bool trans_fsd(RvDisas *ctx, const RvArgs *a)
{
    ir_store(ctx->blk, rv_mop(ctx, IR_MEM_64), rv_addr(ctx, a->rs1, a->imm), rv_get_f(ctx, a->rs2));
    return true;
}

/* --- Helper-based operations --- */

/*
 * The inline fast path: compute with the IR op and keep the result when the rounding
 * mode is round-to-nearest-even, fflags already holds NX and the result is a normal
 * finite number.  Such a result can only have raised inexact (a NaN comes from an
 * invalid operation -- for the fused forms also inf * 0 + qNaN, whose result is that
 * NaN --, an infinity from overflow or division by zero, and underflow needs a tiny
 * result), so fflags is already right.  Otherwise a slow path recomputes the operation
 * with the helper, which sets the flags, and the block ends there with a chainable exit
 * to the next instruction.
 *
 * Shape, chosen for the JIT: one branch to the slow path, before rd is written, and the
 * slow paths placed after the block's last exit (rv_flush_fp_slow), so the fast path
 * falls through with no label and no merge: guest registers stay in host registers
 * across it and the hot code is not interleaved with helper calls.  The slow path lifts
 * the instruction again from the guest state, which is still the one before it, so no
 * temp crosses the label.  The mode/NX check (two branches, frm = 0 and NX set) is
 * made before the first operation in a block; later ones rely on it until a write to
 * fflags/frm or a label (ctx->fp_fast_checked): helpers only ever add flags, and a
 * failed check ends the block.  Since frm = 0 past it, a dyn rm needs no check of frm
 * for the trap on the fast path either: the slow path makes it.
 *
 * The op runs before the decision, on exactly the helper's inputs (singles unboxed the
 * same way) and in round-to-nearest.  The helper keeps flags in MXCSR (fpu.c): whatever
 * the op left there, the helper's own operation raises too when it also runs in
 * round-to-nearest (RMM starts with that operation as well), and in any other mode the
 * helper clears MXCSR flags that fflags does not hold before it starts.
 */
/* Negations that turn FMA (a * b + c) into the other fused forms. */
#define RV_NEG_A 1u     /* fnmsub, fnmadd: -(a * b) */
#define RV_NEG_C 2u     /* fmsub, fnmadd: - c */

static IrTemp rv_fp_neg(RvDisas *ctx, IrTemp v, bool single)
{
    IrBlock *blk = ctx->blk;

    return ir_xor(blk, v, single ? ir_const_i32(blk, 0x80000000u) : rv_const(ctx, UINT64_C(1) << 63));
}

/* Queue the slow path of the instruction being lifted (rv_flush_fp_slow emits it at label). */
static void rv_defer_fp_slow(RvDisas *ctx, const RvArgs *a, uint32_t label, IrOpcode op, unsigned neg,
                             IrHelper *h, bool single)
{
    g_assert(ctx->n_fp_slow < RV_MAX_FP_SLOW);
    ctx->fp_slow[ctx->n_fp_slow++] = (RvFpSlow){
        .label = label, .pc = ctx->pc, .len = ctx->len, .raw = ctx->raw, .args = *a, .op = op, .neg = neg,
        .helper = h, .single = single,
    };
}

/*
 * The inputs of FP operation op as the helper sees them: singles unboxed, then the
 * fused forms' negations (exact).  args gets the helper's arguments (registers, rm).
 */
static unsigned rv_fp_inputs(RvDisas *ctx, const RvArgs *a, IrOpcode op, unsigned neg, bool single,
                             IrTemp *args, IrTemp *in)
{
    IrBlock *blk = ctx->blk;
    unsigned nin = op == IR_OP_FSQRT ? 1 : op == IR_OP_FMA ? 3 : 2;
    const int regs[3] = { a->rs1, a->rs2, a->rs3 };

    for (unsigned i = 0; i < nin; i++) {
        args[i] = rv_get_f(ctx, regs[i]);
        in[i] = single ? ir_trunc(blk, rv_unbox_s(ctx, args[i])) : args[i];
    }
    args[nin] = rv_rm_arg(ctx, a);
    if (neg & RV_NEG_A) {
        in[0] = rv_fp_neg(ctx, in[0], single);
    }
    if (neg & RV_NEG_C) {
        in[2] = rv_fp_neg(ctx, in[2], single);
    }
    return nin;
}

static IrTemp rv_fp_op(RvDisas *ctx, IrOpcode op, unsigned nin, const IrTemp *in)
{
    IrBlock *blk = ctx->blk;

    return nin == 1 ? ir_fsqrt(blk, in[0])
         : nin == 2 ? ir_binop(blk, op, in[0], in[1])
         : ir_fma(blk, in[0], in[1], in[2]);
}

/* The register value of a result: singles NaN-boxed. */
static IrTemp rv_fp_box(RvDisas *ctx, IrTemp v, bool single)
{
    return single ? ir_or(ctx->blk, ir_extu32(ctx->blk, v), rv_const(ctx, RV_BOX)) : v;
}

/*
 * The slow path of an operation.  A product (or quotient) of +-0 is an exact +-0 that
 * raises nothing, in every rounding mode; matrix code multiplies by zero often, so it
 * must not call the helper: a zero result whose first nzero inputs include a zero is
 * written to rd as it is (a zero result from nonzero inputs underflowed; x / inf, also
 * exact, is rare enough for the helper).  Everything else calls the helper.
 */
static void rv_gen_fp_slow_op(RvDisas *ctx, const RvFpSlow *s)
{
    IrBlock *blk = ctx->blk;
    IrTemp args[4], in[3];
    unsigned nin = rv_fp_inputs(ctx, &s->args, s->op, s->neg, s->single, args, in);
    unsigned nzero = s->op == IR_OP_FMUL ? 2 : s->op == IR_OP_FDIV ? 1 : 0;

    if (nzero != 0) {
        IrTemp v = rv_fp_op(ctx, s->op, nin, in);
        IrTemp one = s->single ? ir_const_i32(blk, 1) : rv_const(ctx, 1);
        IrTemp zero = s->single ? ir_const_i32(blk, 0) : rv_const(ctx, 0);
        uint32_t helper = ir_label_new(blk);
        IrTemp any = IR_TEMP_NONE;

        ir_brcond(blk, IR_COND_NE, ir_shl(blk, v, one), zero, helper);      /* not +-0 */
        for (unsigned i = 0; i < nzero; i++) {
            IrTemp z = ir_setcond(blk, IR_COND_EQ, ir_shl(blk, in[i], one), zero);
            any = i == 0 ? z : ir_or(blk, any, z);
        }
        ir_brcond(blk, IR_COND_EQ, any, zero, helper);                      /* underflow */
        rv_set_f(ctx, s->args.rd, rv_fp_box(ctx, v, s->single));
        ir_goto_block(blk, s->pc + s->len);
        ir_label(blk, helper);
    }
    rv_set_f(ctx, s->args.rd, ir_call(blk, s->helper, nin + 1, args));
}

/* op is FADD..FSQRT or FMA (then neg says which form); h the helper for the same instruction. */
static bool rv_gen_fp_inline(RvDisas *ctx, const RvArgs *a, IrOpcode op, unsigned neg, IrHelper *h,
                             bool single)
{
    IrBlock *blk = ctx->blk;
    IrTemp args[4], in[3];

    if (a->rm != RV_RM_RNE && a->rm != RV_RM_DYN) {
        unsigned nin = op == IR_OP_FSQRT ? 1 : op == IR_OP_FMA ? 3 : 2;
        const int regs[3] = { a->rs1, a->rs2, a->rs3 };

        if (!rv_fp_check_rm(ctx, a->rm)) {
            return false;
        }
        for (unsigned i = 0; i < nin; i++) {
            args[i] = rv_get_f(ctx, regs[i]);
        }
        args[nin] = rv_rm_arg(ctx, a);
        rv_set_f(ctx, a->rd, ir_call(blk, h, nin + 1, args));
        return true;
    }

    unsigned nin = rv_fp_inputs(ctx, a, op, neg, single, args, in);
    IrTemp v = rv_fp_op(ctx, op, nin, in);

    /*
     * The biased exponent E rotated to the low bits (sign just above it), plus one: the
     * exponent field of that is zero exactly when E is all ones (infinity, NaN), and the
     * field without its lowest bit is zero exactly when E is all ones or zero (zero,
     * subnormal).  Sums, differences and square roots keep every finite result (the
     * first test): a tiny sum is exact (both operands are multiples of the smallest
     * subnormal), so it raises neither underflow nor inexact, and a square root is
     * never tiny.  Products, quotients and fused forms keep normal results only.  On
     * x86-64 this is rorx (or mov, rol), add, test.
     */
    bool any_finite = op == IR_OP_FADD || op == IR_OP_FSUB || op == IR_OP_FSQRT;
    uint64_t field = single ? 0xff : 0x7ff;
    IrTemp e1 = single ? ir_add(blk, ir_rotl(blk, v, ir_const_i32(blk, 9)), ir_const_i32(blk, 1))
                       : ir_add(blk, ir_rotl(blk, v, rv_const(ctx, 12)), rv_const(ctx, 1));
    IrTemp mask = single ? ir_const_i32(blk, (uint32_t)(any_finite ? field : field - 1))
                         : rv_const(ctx, any_finite ? field : field - 1);
    if (!ctx->fp_fast_checked) {
        /*
         * NX in fflags and frm = 0 (round to nearest, and a valid frm for dyn: the slow
         * path checks it for the illegal-instruction trap), else the slow path.  Each
         * branch has a label (and a copy of the slow path) of its own: the JIT keeps guest
         * registers dirty across a branch only to a label nothing else reaches.
         */
        uint32_t no_nx = ir_label_new(blk), not_rne = ir_label_new(blk);
        ir_brcond(blk, IR_COND_TSTEQ, ir_get(blk, IR_I32, RV_OFF(fflags)), ir_const_i32(blk, RV_FFLAG_NX), no_nx);
        ir_brcond(blk, IR_COND_NE, ir_get(blk, IR_I32, RV_OFF(frm)), ir_const_i32(blk, 0), not_rne);
        rv_defer_fp_slow(ctx, a, no_nx, op, neg, h, single);
        rv_defer_fp_slow(ctx, a, not_rne, op, neg, h, single);
        ctx->fp_fast_checked = true;
        ctx->frm_checked = true;
    }
    uint32_t slow = ir_label_new(blk);
    ir_brcond(blk, IR_COND_TSTEQ, e1, mask, slow);
    rv_set_f(ctx, a->rd, rv_fp_box(ctx, v, single));
    rv_defer_fp_slow(ctx, a, slow, op, neg, h, single);
    return true;
}

/* One source; from_x/to_x say which register files the source and result live in. */
static bool rv_gen_fp1(RvDisas *ctx, const RvArgs *a, IrHelper *h, bool from_x, bool to_x)
{
    IrTemp src, r;

    if (!rv_fp_check_rm(ctx, a->rm)) {
        return false;
    }
    src = from_x ? rv_get_x(ctx, a->rs1) : rv_get_f(ctx, a->rs1);
    r = ir_call2(ctx->blk, h, src, rv_rm_arg(ctx, a));
    if (to_x) {
        rv_set_x(ctx, a->rd, r);
    } else {
        rv_set_f(ctx, a->rd, r);
    }
    return true;
}

/* min/max (result in f) and compares (result in x): no rounding mode. */
static bool rv_gen_fpnr(RvDisas *ctx, const RvArgs *a, IrHelper *h, bool to_x)
{
    IrTemp r = ir_call2(ctx->blk, h, rv_get_f(ctx, a->rs1), rv_get_f(ctx, a->rs2));

    if (to_x) {
        rv_set_x(ctx, a->rd, r);
    } else {
        rv_set_f(ctx, a->rd, r);
    }
    return true;
}

/*
 * feq, flt and fle without NaN operands raise nothing and compare like integers: the order
 * key of an IEEE bit pattern is its magnitude, negated when the sign bit is set (so both
 * zeros have key 0), and keys compare as signed integers the way the numbers do.  A NaN
 * operand (for a single also an improperly NaN-boxed one, which reads as the canonical
 * NaN) branches, before rd is written, to a slow path after the block's last exit that
 * calls the helper, which raises NV as the instruction requires, and leaves the block
 * (the shape of rv_gen_fp_inline).
 */
static bool rv_gen_fcmp(RvDisas *ctx, const RvArgs *a, IrHelper *h, IrCond cond, bool single)
{
    IrBlock *blk = ctx->blk;
    IrTemp args[2] = { rv_get_f(ctx, a->rs1), rv_get_f(ctx, a->rs2) };
    IrTemp key[2], nan = IR_TEMP_NONE;

    for (unsigned i = 0; i < 2; i++) {
        IrTemp v = single ? ir_trunc(blk, rv_unbox_s(ctx, args[i])) : args[i];
        IrTemp mag = ir_and(blk, v, single ? ir_const_i32(blk, 0x7fffffff) : rv_const(ctx, INT64_MAX));
        IrTemp sign = ir_sar(blk, v, single ? ir_const_i32(blk, 31) : rv_const(ctx, 63));
        key[i] = ir_sub(blk, ir_xor(blk, mag, sign), sign);
        IrTemp is_nan = ir_setcond(blk, IR_COND_GTU, mag, single ? ir_const_i32(blk, 0x7f800000)
                                                                 : rv_const(ctx, UINT64_C(0x7ff0000000000000)));
        nan = i == 0 ? is_nan : ir_or(blk, nan, is_nan);
    }
    IrTemp r = ir_setcond(blk, cond, key[0], key[1]);
    IrTemp zero = single ? ir_const_i32(blk, 0) : rv_const(ctx, 0);
    uint32_t slow = ir_label_new(blk);

    ir_brcond(blk, IR_COND_NE, nan, zero, slow);
    rv_set_x(ctx, a->rd, single ? ir_extu32(blk, r) : r);
    rv_defer_fp_slow(ctx, a, slow, IR_OP_NOP, 0, h, single);
    return true;
}

/*
 * The slow paths, after the block's last exit: each lifts its instruction again from the
 * guest state (the one before the instruction: the branch precedes the write of rd) and
 * leaves to the next instruction.
 */
void rv_flush_fp_slow(RvDisas *ctx)
{
    for (unsigned i = 0; i < ctx->n_fp_slow; i++) {
        const RvFpSlow *s = &ctx->fp_slow[i];

        ir_label(ctx->blk, s->label);
        ir_insn_start(ctx->blk, s->pc, s->len);
        ctx->pc = s->pc;
        ctx->next_pc = s->pc + s->len;
        ctx->raw = s->raw;
        ctx->frm_checked = false;
        if (s->op == IR_OP_NOP) {
            rv_set_x(ctx, s->args.rd, ir_call2(ctx->blk, s->helper, rv_get_f(ctx, s->args.rs1),
                                               rv_get_f(ctx, s->args.rs2)));
        } else {
            rv_fp_check_rm(ctx, s->args.rm);        /* a dyn rm with frm 5..7 traps */
            rv_gen_fp_slow_op(ctx, s);
        }
        ir_goto_block(ctx->blk, s->pc + s->len);
    }
    ctx->n_fp_slow = 0;
}

#define RV_FP_BOTH(MACRO) MACRO(s) MACRO(d)

#define RV_T_FPI(P, name, OP, NEG) \
    bool trans_##name##_##P(RvDisas *ctx, const RvArgs *a) \
    { \
        return rv_gen_fp_inline(ctx, a, IR_OP_##OP, NEG, &ir_helper_rv_##name##_##P, \
                                RV_FP_SINGLE_##P); \
    }
#define RV_FP_SINGLE_s true
#define RV_FP_SINGLE_d false
#define RV_T_ARITH(P) \
    RV_T_FPI(P, fadd, FADD, 0) RV_T_FPI(P, fsub, FSUB, 0) RV_T_FPI(P, fmul, FMUL, 0) \
    RV_T_FPI(P, fdiv, FDIV, 0) RV_T_FPI(P, fsqrt, FSQRT, 0) \
    RV_T_FPI(P, fmadd, FMA, 0) RV_T_FPI(P, fmsub, FMA, RV_NEG_C) \
    RV_T_FPI(P, fnmsub, FMA, RV_NEG_A) RV_T_FPI(P, fnmadd, FMA, RV_NEG_A | RV_NEG_C) \
    bool trans_fmin_##P(RvDisas *ctx, const RvArgs *a) \
    { \
        return rv_gen_fpnr(ctx, a, &ir_helper_rv_fmin_##P, false); \
    } \
    bool trans_fmax_##P(RvDisas *ctx, const RvArgs *a) \
    { \
        return rv_gen_fpnr(ctx, a, &ir_helper_rv_fmax_##P, false); \
    } \
    bool trans_feq_##P(RvDisas *ctx, const RvArgs *a) \
    { \
        return rv_gen_fcmp(ctx, a, &ir_helper_rv_feq_##P, IR_COND_EQ, RV_FP_SINGLE_##P); \
    } \
    bool trans_flt_##P(RvDisas *ctx, const RvArgs *a) \
    { \
        return rv_gen_fcmp(ctx, a, &ir_helper_rv_flt_##P, IR_COND_LT, RV_FP_SINGLE_##P); \
    } \
    bool trans_fle_##P(RvDisas *ctx, const RvArgs *a) \
    { \
        return rv_gen_fcmp(ctx, a, &ir_helper_rv_fle_##P, IR_COND_LE, RV_FP_SINGLE_##P); \
    } \
    bool trans_fclass_##P(RvDisas *ctx, const RvArgs *a) \
    { \
        rv_set_x(ctx, a->rd, ir_call1(ctx->blk, &ir_helper_rv_fclass_##P, rv_get_f(ctx, a->rs1))); \
        return true; \
    }
RV_FP_BOTH(RV_T_ARITH)

/* Conversions between integers and floats: name is fcvt_<dst>_<src>. */
#define RV_T_CVT(name, from_x, to_x) \
    bool trans_##name(RvDisas *ctx, const RvArgs *a) \
    { \
        return rv_gen_fp1(ctx, a, &ir_helper_rv_##name, from_x, to_x); \
    }
#define RV_T_CVTS(P) \
    RV_T_CVT(fcvt_w_##P, false, true) RV_T_CVT(fcvt_wu_##P, false, true) \
    RV_T_CVT(fcvt_l_##P, false, true) RV_T_CVT(fcvt_lu_##P, false, true) \
    RV_T_CVT(fcvt_##P##_w, true, false) RV_T_CVT(fcvt_##P##_wu, true, false) \
    RV_T_CVT(fcvt_##P##_l, true, false) RV_T_CVT(fcvt_##P##_lu, true, false)
RV_FP_BOTH(RV_T_CVTS)
RV_T_CVT(fcvt_s_d, false, false)
RV_T_CVT(fcvt_d_s, false, false)

/* --- Sign injection and moves (no flags, no rounding) --- */

typedef enum RvSgnj { RV_SGNJ, RV_SGNJN, RV_SGNJX } RvSgnj;

static bool rv_gen_sgnj(RvDisas *ctx, const RvArgs *a, RvSgnj kind, bool is_d)
{
    IrBlock *blk = ctx->blk;
    IrTemp x = rv_get_f(ctx, a->rs1), y = rv_get_f(ctx, a->rs2);
    IrTemp sign = rv_const(ctx, is_d ? UINT64_C(1) << 63 : UINT64_C(1) << 31);
    IrTemp r;

    if (!is_d) {
        x = rv_unbox_s(ctx, x);
        y = a->rs2 == a->rs1 ? x : rv_unbox_s(ctx, y);
    }
    switch (kind) {
    case RV_SGNJ:
        r = ir_or(blk, ir_and(blk, x, ir_not(blk, sign)), ir_and(blk, y, sign));
        break;
    case RV_SGNJN:
        r = ir_or(blk, ir_and(blk, x, ir_not(blk, sign)), ir_and(blk, ir_not(blk, y), sign));
        break;
    case RV_SGNJX:
    default:
        r = ir_xor(blk, x, ir_and(blk, y, sign));
        break;
    }
    rv_set_f(ctx, a->rd, r);
    return true;
}

bool trans_fsgnj_s(RvDisas *ctx, const RvArgs *a) { return rv_gen_sgnj(ctx, a, RV_SGNJ, false); }
bool trans_fsgnjn_s(RvDisas *ctx, const RvArgs *a) { return rv_gen_sgnj(ctx, a, RV_SGNJN, false); }
bool trans_fsgnjx_s(RvDisas *ctx, const RvArgs *a) { return rv_gen_sgnj(ctx, a, RV_SGNJX, false); }
bool trans_fsgnj_d(RvDisas *ctx, const RvArgs *a) { return rv_gen_sgnj(ctx, a, RV_SGNJ, true); }
bool trans_fsgnjn_d(RvDisas *ctx, const RvArgs *a) { return rv_gen_sgnj(ctx, a, RV_SGNJN, true); }
bool trans_fsgnjx_d(RvDisas *ctx, const RvArgs *a) { return rv_gen_sgnj(ctx, a, RV_SGNJX, true); }

/* fmv.x.w copies the raw low 32 bits (no unboxing) and sign-extends them. */
bool trans_fmv_x_w(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_sext(ctx->blk, rv_get_f(ctx, a->rs1), 32));
    return true;
}

bool trans_fmv_w_x(RvDisas *ctx, const RvArgs *a)
{
    IrBlock *blk = ctx->blk;

    rv_set_f(ctx, a->rd, ir_or(blk, ir_zext(blk, rv_get_x(ctx, a->rs1), 32), rv_const(ctx, RV_BOX)));
    return true;
}

bool trans_fmv_x_d(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, rv_get_f(ctx, a->rs1));
    return true;
}

bool trans_fmv_d_x(RvDisas *ctx, const RvArgs *a)
{
    rv_set_f(ctx, a->rd, rv_get_x(ctx, a->rs1));
    return true;
}
