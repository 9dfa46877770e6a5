/*
 * IR to x86-64: the floating-point ops (FADD, FSUB, FMUL, FDIV, FSQRT).
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
    default: g_assert_not_reached();
    }
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
            return;
        }
        X64Reg r0 = x64_ra_use(g, a);
        X64Reg r1 = x64_ra_use(g, insn->in[1]);
        X64Reg r2 = x64_ra_use(g, insn->in[2]);
        X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? r0 : X64_NOREG);
        x64_movq_xr(b, sz, 1, r0);
        x64_movq_xr(b, sz, 0, r1);
        x64_movq_xr(b, sz, 2, r2);
        x64_vfmadd213(b, sz, 0, 1, 2);
        x64_movq_rx(b, sz, r, 0);
        x64_ra_def_done(g, insn->out);
        return;
    }
    X64Reg ra = x64_ra_use(g, a);
    X64Reg rb = op == IR_OP_FSQRT ? X64_NOREG : x64_ra_use(g, insn->in[1]);
    X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? ra : X64_NOREG);

    if (op == IR_OP_FSQRT) {
        x64_movq_xr(b, sz, 1, ra);
        x64_sse_rr(b, X64_SSE_SQRT, sz, 0, 1);
    } else {
        x64_movq_xr(b, sz, 0, ra);
        x64_movq_xr(b, sz, 1, rb);
        x64_sse_rr(b, sse_op(op), sz, 0, 1);
    }
    x64_movq_rx(b, sz, r, 0);
    x64_ra_def_done(g, insn->out);
}
