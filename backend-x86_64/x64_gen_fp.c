/*
 * IR to x86-64: the floating-point ops (FADD, FSUB, FMUL, FDIV, FSQRT, FMA, and FADDH..FCMPH,
 * which are the same SSE instructions without the assumption about MXCSR's flags).
 *
 * IR temps live in general-purpose registers, so each op moves its inputs into xmm0/xmm1,
 * runs the SSE scalar instruction and moves the result back.  With the first input as the
 * destination operand, SSE's NaN rule is the IR's (ir_ops.def), so results match
 * ir_eval_fp() bit for bit.  Nothing else in generated code uses xmm
 * registers, and both are caller-saved, so no state needs keeping across the op.
 * The host runs with MXCSR at round-to-nearest and no flush-to-zero (mimic never
 * changes that outside a helper's own operation).
 *
 * FMA uses vfmadd213 with in0 in the vvvv operand: the instruction computes
 * vvvv * dst + r/m and takes NaNs in that order, which is the IR's in0, in1, in2.  A host
 * without FMA3 (or with MIMIC_HOST_FEATURES=-fma) calls ir_eval_fp_noenv() instead (C's fma(),
 * correctly rounded; the environment needs no saving, as for the inline ops).
 *
 * xmm3..xmm15 keep copies of recent FP values (X64Gen.xmm_temp): each op's inputs and
 * result, so that an op reading what an earlier one produced (a chain of dependent
 * operations: Newton steps, sums of products) or loaded takes it by a register copy
 * instead of another general register to xmm move, which is off the chain's latency too.
 * The general register stays the value's home.  The copies are forgotten at every label
 * (another path may arrive), at any instruction that may run C code (helper calls, the
 * FMA fallback, system mode's memory accesses, whose TLB-miss path returns into the block)
 * and when the temp is defined again; everything else in generated code leaves xmm alone.
 * One of them may hold the sign mask of FP negations instead (X64_XMM_SIGN_MASK).  FMA
 * takes its operands where their copies are and writes a copy of in1, its destination
 * operand, in a register of its own.
 */
#include "backend-x86_64/x64_internal.h"

static uint64_t fma_fallback_d(uint64_t a, uint64_t b, uint64_t c)
{
    IrInsn insn = { .op = IR_OP_FMA, .type = IR_I64, .nin = 3 };
    return ir_eval_fp_noenv(&insn, a, b, c);
}

static uint32_t fma_fallback_s(uint32_t a, uint32_t b, uint32_t c)
{
    IrInsn insn = { .op = IR_OP_FMA, .type = IR_I32, .nin = 3 };
    return (uint32_t)ir_eval_fp_noenv(&insn, a, b, c);
}

static IrHelper fma_helper_d = {
    .name = "fma_fallback_d", .fn = (void *)fma_fallback_d, .flags = IR_CALL_PURE,
    .ret = IR_HT_I64, .nargs = 3, .args = { IR_HT_I64, IR_HT_I64, IR_HT_I64 },
};
static IrHelper fma_helper_s = {
    .name = "fma_fallback_s", .fn = (void *)fma_fallback_s, .flags = IR_CALL_PURE,
    .ret = IR_HT_I32, .nargs = 3, .args = { IR_HT_I32, IR_HT_I32, IR_HT_I32 },
};

static X64SseOp sse_op(IrOpcode op)
{
    switch (op) {
    case IR_OP_FADD: return X64_SSE_ADD;
    case IR_OP_FSUB: return X64_SSE_SUB;
    case IR_OP_FMUL: return X64_SSE_MUL;
    case IR_OP_FDIV: return X64_SSE_DIV;
    case IR_OP_FSQRT: return X64_SSE_SQRT;
    case IR_OP_FADDH: return X64_SSE_ADD;
    case IR_OP_FSUBH: return X64_SSE_SUB;
    case IR_OP_FMULH: return X64_SSE_MUL;
    case IR_OP_FDIVH: return X64_SSE_DIV;
    case IR_OP_FSQRTH: return X64_SSE_SQRT;
    default: g_assert_not_reached();
    }
}

#define X64_XMM_CACHE_FIRST 3     /* xmm0..xmm2 are the operation's operands */
#define X64_XMM_COUNT 16

void x64_fp_cache_reset(X64Gen *g)
{
    for (unsigned k = 0; k < X64_XMM_COUNT; k++) {
        g->xmm_temp[k] = IR_TEMP_NONE;
    }
    g->xmm_next = X64_XMM_CACHE_FIRST;
}

/* Called before each instruction the block compiles: forget what it may clobber. */
void x64_fp_cache_before(X64Gen *g, const IrInsn *insn)
{
    IrOpcode op = (IrOpcode)insn->op;
    bool keeps = (ir_op_info[op].flags & IR_F_PURE) != 0 || op == IR_OP_CONST || op == IR_OP_MOV ||
                 op == IR_OP_GET || op == IR_OP_SET || op == IR_OP_INSN_START || op == IR_OP_NOP ||
                 op == IR_OP_BRCOND || ir_op_is_fp_host(op) || ((op == IR_OP_LOAD || op == IR_OP_STORE) && !x64_softmmu(g));

    if (!keeps) {
        x64_fp_cache_reset(g);
        return;
    }
    for (unsigned k = X64_XMM_CACHE_FIRST; k < X64_XMM_COUNT && insn->out != IR_TEMP_NONE; k++) {
        if (g->xmm_temp[k] == insn->out) {
            g->xmm_temp[k] = IR_TEMP_NONE;
        }
    }
}

static int fp_cache_find(const X64Gen *g, IrTemp t)
{
    for (int k = X64_XMM_CACHE_FIRST; k < X64_XMM_COUNT; k++) {
        if (g->xmm_temp[k] == t) {
            return k;
        }
    }
    return -1;
}

/* The next cache register round robin, other than avoid1..avoid3 (operands of the same op; -1: none). */
static int fp_cache_slot(X64Gen *g, int avoid1, int avoid2, int avoid3)
{
    for (;;) {
        int k = (int)g->xmm_next;
        g->xmm_next = g->xmm_next + 1 < X64_XMM_COUNT ? g->xmm_next + 1 : X64_XMM_CACHE_FIRST;
        if (k != avoid1 && k != avoid2 && k != avoid3) {
            return k;
        }
    }
}

/* Record that cache register k now holds t (temps defined twice are not kept). */
static void fp_cache_set(X64Gen *g, int k, IrTemp t)
{
    g->xmm_temp[k] = t != IR_TEMP_NONE && g->blk->temps[t].ndefs == 1 ? t : IR_TEMP_NONE;
}

/* The cache register holding operand t: found, or loaded from its general register r. */
static int fp_operand(X64Gen *g, unsigned sz, IrTemp t, X64Reg r, int avoid1, int avoid2)
{
    int k = fp_cache_find(g, t);

    if (k < 0) {
        k = fp_cache_slot(g, avoid1, avoid2, -1);
        x64_movq_xr(&g->buf, sz, k, r);
        fp_cache_set(g, k, t);
    }
    return k;
}

/*
 * The cache register holding the sign mask (0x8000000000000000 in each half), made once
 * until the cache is forgotten: X64_XMM_SIGN_MASK in xmm_temp, a value no temp has.
 */
#define X64_XMM_SIGN_MASK UINT32_MAX

static int fp_sign_mask(X64Gen *g, int avoid)
{
    int k = fp_cache_find(g, X64_XMM_SIGN_MASK);

    if (k < 0) {
        k = fp_cache_slot(g, avoid, -1, -1);
        x64_sign_mask_x(&g->buf, k);
        g->xmm_temp[k] = X64_XMM_SIGN_MASK;
    }
    return k;
}

/*
 * After an i64 XOR with the sign bit (an FP negation: PowerPC fneg, the negations of
 * fnmadd/fnmsub) whose input has an xmm copy: give the result one too, by xorpd with the
 * sign mask, so a chain of FP operations through the negation stays in xmm registers
 * instead of going through the general register (movq out, xor, movq back in: three
 * steps on the chain's latency instead of one).
 */
void x64_fp_cache_sign_flip(X64Gen *g, const IrInsn *insn)
{
    int k, kr;

    if (insn->type != IR_I64 || !x64_is_const(g, insn->in[1]) ||
        g->temps[insn->in[1]].cval != UINT64_C(0x8000000000000000) || (k = fp_cache_find(g, insn->in[0])) < 0) {
        return;
    }
    if (x64_host.avx) {
        int km = fp_sign_mask(g, k);

        kr = fp_cache_slot(g, k, km, -1);
        x64_vxorpd_xxx(&g->buf, kr, km, k);
    } else {
        kr = fp_cache_slot(g, k, -1, -1);
        x64_sign_mask_x(&g->buf, kr);
        x64_xorpd_xx(&g->buf, kr, k);
    }
    fp_cache_set(g, kr, insn->out);
}

void x64_gen_fp(X64Gen *g, const IrInsn *insn)
{
    unsigned sz = x64_tsz(insn->type);
    IrOpcode op = (IrOpcode)insn->op;
    X64Buf *b = &g->buf;
    IrTemp a = insn->in[0];

    if (op == IR_OP_FMA) {
        if (!x64_host.fma) {
            IrInsn call = *insn;
            call.op = IR_OP_CALL;
            call.imm[0] = (int64_t)(uintptr_t)(sz == 8 ? &fma_helper_d : &fma_helper_s);
            x64_gen_call(g, &call);
            x64_fp_cache_reset(g);
            return;
        }
        X64Reg r0 = x64_ra_use(g, a);
        X64Reg r1 = x64_ra_use(g, insn->in[1]);
        X64Reg r2 = x64_ra_use(g, insn->in[2]);
        X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? r0 : X64_NOREG);
        /*
         * Operands where their copies are (loaded into cache registers when not), the
         * result into a cache register of its own: a copy of in1 there is the destination
         * operand, the one vfmadd213 overwrites.
         */
        int k0 = fp_operand(g, sz, a, r0, -1, -1);
        int k1 = fp_operand(g, sz, insn->in[1], r1, k0, -1);
        int k2 = fp_operand(g, sz, insn->in[2], r2, k0, k1);
        int kr = fp_cache_slot(g, k0, k1, k2);
        x64_movaps_xx(b, kr, k1);
        x64_vfmadd213(b, sz, kr, k0, k2);
        x64_movq_rx(b, sz, r, kr);
        fp_cache_set(g, kr, insn->out);
        x64_ra_def_done(g, insn->out);
        return;
    }
    if (op == IR_OP_FEXT) {
        /* cvtss2sd into a cache register of its own (with AVX, upper bits from the source) */
        X64Reg ra = x64_ra_use(g, a);
        X64Reg r = x64_ra_def(g, insn->out, X64_NOREG);
        int ka = fp_operand(g, 4, a, ra, -1, -1);
        int kr = fp_cache_slot(g, ka, -1, -1);

        if (x64_host.avx) {
            x64_vsse_rrr(b, X64_SSE_CVT, 4, kr, ka, ka);
        } else {
            x64_sse_rr(b, X64_SSE_CVT, 4, kr, ka);
        }
        x64_movq_rx(b, 8, r, kr);
        fp_cache_set(g, kr, insn->out);
        x64_ra_def_done(g, insn->out);
        return;
    }
    if (op == IR_OP_FCMP || op == IR_OP_FCMPH) {
        X64Reg ra = x64_ra_use(g, a);
        X64Reg rb = x64_ra_use(g, insn->in[1]);
        X64Reg r = x64_ra_def(g, insn->out, X64_NOREG);
        int ka = fp_operand(g, sz, a, ra, -1, -1);
        int kb = fp_operand(g, sz, insn->in[1], rb, ka, -1);

        x64_comis(b, sz, op == IR_OP_FCMPH && insn->imm[0] != 0, ka, kb);
        if (op == IR_OP_FCMPH) {
            /* (u)comis sets ZF/PF/CF and clears OF/SF/AF: the EFLAGS image is the flags and 0x45. */
            x64_pushfq(b);
            x64_pop(b, r);
            x64_alu_ri(b, X64_AND, 4, r, 0x45);
        } else {
            /*
             * FCMP, from ucomis's CF (less), ZF (equal), all of CF, ZF and PF (unordered):
             * the one-hot value by moves of constants (flags untouched) and cmovs, PF last.
             */
            static const struct { X64Cond cc; uint32_t v; } steps[] = {
                { X64_CC_B, 8 }, { X64_CC_E, 2 }, { X64_CC_P, 1 },
            };

            x64_mov_ri(b, 4, r, 4);
            for (unsigned i = 0; i < G_N_ELEMENTS(steps); i++) {
                x64_mov_ri(b, 4, X64_SCRATCH, steps[i].v);
                x64_cmov(b, steps[i].cc, 4, r, X64_SCRATCH);
            }
        }
        x64_ra_def_done(g, insn->out);
        return;
    }
    /*
     * The operands and the result stay in cache registers: with AVX the three-operand
     * form reads both where they are, else the first is copied to the result's register.
     */
    X64Reg ra = x64_ra_use(g, a);
    bool sqrt = op == IR_OP_FSQRT || op == IR_OP_FSQRTH;
    X64Reg rb = sqrt ? X64_NOREG : x64_ra_use(g, insn->in[1]);
    X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? ra : X64_NOREG);
    int ka = fp_operand(g, sz, a, ra, -1, -1);
    int kb = sqrt ? ka : fp_operand(g, sz, insn->in[1], rb, ka, -1);
    int kr = fp_cache_slot(g, ka, kb, -1);

    if (x64_host.avx) {
        x64_vsse_rrr(b, sse_op(op), sz, kr, ka, kb);
    } else if (sqrt) {
        x64_sse_rr(b, X64_SSE_SQRT, sz, kr, ka);
    } else {
        x64_movaps_xx(b, kr, ka);
        x64_sse_rr(b, sse_op(op), sz, kr, kb);
    }
    x64_movq_rx(b, sz, r, kr);
    fp_cache_set(g, kr, insn->out);
    x64_ra_def_done(g, insn->out);
}
