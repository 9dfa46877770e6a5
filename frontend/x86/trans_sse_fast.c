/*
 * Scalar and packed-double SSE arithmetic inline: addsd/subsd/mulsd/divsd/sqrtsd, the
 * ss forms and the pd forms run as the IR ops FADDH..FSQRTH, which are the host's own
 * SSE instruction, and the scalar compares (FCMPH); the host stub (trans_sse.c) is
 * the slow path of both.
 *
 * An x86 guest's SSE arithmetic is the host's: same rounding, NaN rule, denormal
 * handling and exception flags.  So while the guest's MXCSR has the host's modes --
 * round to nearest, no FTZ/DAZ, every exception masked: (mxcsr & 0xffc0) == 0x1f80 --
 * the host instruction gives the guest's result and raises the guest's flags, into the
 * host's MXCSR, from where mxcsr.c gathers them into X86Cpu.mxcsr whenever the guest
 * or anything else reads it.  The mode test is one compare per straight path: only
 * ldmxcsr and fxrstor change the modes (a signal frame's restore ends the block).  A
 * guest in another mode (a directed rounding, FTZ/DAZ, an unmasked exception) runs the
 * stub, which loads its MXCSR, and takes #XM (GUEST_EXIT_FPE) as the hardware would.
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

/* The mode test, once per straight path: a guest MXCSR not in the host's modes takes the stub. */
static void x86_sse_gen_mode_test(X86Disas *ctx, const X86Insn *in, const X86SseOp *op)
{
    IrBlock *blk = ctx->blk;
    IrTemp mxcsr;
    uint32_t fast;

    if (ctx->sse_mxcsr_ok) {
        return;
    }
    mxcsr = ir_get(blk, IR_I32, X86_OFF(mxcsr));
    fast = ir_label_new(blk);
    ir_brcond(blk, IR_COND_EQ, ir_and(blk, mxcsr, ir_const_i32(blk, X86_MXCSR_MODES)),
              ir_const_i32(blk, X86_MXCSR_HOST_MODES), fast);
    x86_sse_gen_slow(ctx, in, op);
    ir_label(blk, fast);
    ctx->sse_mxcsr_ok = true;
}

/*
 * ucomiss/ucomisd/comiss/comisd: the host's instruction (FCMPH) under the same mode test
 * (an unmasked IE or DE must trap, DAZ changes the result); ZF, PF and CF from it, OF, SF
 * and AF cleared.
 */
static bool x86_sse_try_fast_cmp(X86Disas *ctx, const X86Insn *in, const X86SseOp *op)
{
    IrBlock *blk = ctx->blk;
    bool single = x86_sse_prefix(in) == X86_PFX_NP;
    IrTemp a, b, flags;

    x86_sse_gen_mode_test(ctx, in, op);
    ctx->ea = IR_TEMP_NONE;
    a = ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, 0));
    b = in->mod != 3 ? x86_ld(ctx, single ? 4 : 8, x86_gen_ea(ctx)) : ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 0));
    if (single) {
        a = ir_trunc(blk, a);
        b = ir_trunc(blk, b);
    }
    flags = ir_fcmph(blk, a, b, in->opcode == 0x2f);
    x86_cc_set_flags(ctx, single ? ir_extu32(blk, flags) : flags);
    return true;
}

bool x86_sse_try_fast(X86Disas *ctx, const X86Insn *in, const X86SseOp *op)
{
    IrBlock *blk = ctx->blk;
    X86SsePrefix pfx = x86_sse_prefix(in);
    bool single = pfx == X86_PFX_F3, packed = pfx == X86_PFX_66, mem = in->mod != 3;
    unsigned lanes = packed ? 2 : 1;
    IrTemp src[2] = { IR_TEMP_NONE, IR_TEMP_NONE };
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
    case 0x51: irop = IR_OP_FSQRTH; break;
    case 0x58: irop = IR_OP_FADDH; break;
    case 0x59: irop = IR_OP_FMULH; break;
    case 0x5c: irop = IR_OP_FSUBH; break;
    case 0x5e: irop = IR_OP_FDIVH; break;
    default: return false;
    }

    /*
     * The mode test before the operands, so that no value crosses its label (the JIT would
     * keep it in memory); the stub computes its own address, which the fast path does not reuse.
     */
    x86_sse_gen_mode_test(ctx, in, op);
    ctx->ea = IR_TEMP_NONE;
    if (mem) {
        IrTemp ea = x86_gen_ea(ctx);

        if (packed) {
            x86_sse_check_align(ctx);
            src[0] = x86_ld(ctx, 8, ea);
            src[1] = x86_ld(ctx, 8, ir_add(blk, ea, x86_const(ctx, 8)));
        } else {
            src[0] = x86_ld(ctx, single ? 4 : 8, ea);
        }
    } else {
        src[0] = ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 0));
        src[1] = packed ? ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 1)) : IR_TEMP_NONE;
    }
    for (unsigned i = 0; i < lanes; i++) {
        IrTemp d = ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, i));
        IrTemp a = single ? ir_trunc(blk, d) : d, b = single ? ir_trunc(blk, src[i]) : src[i];
        IrTemp v = irop == IR_OP_FSQRTH ? ir_unop(blk, irop, b) : ir_binop(blk, irop, a, b);

        ir_set(blk, X86_OFF_XMM(in->reg, i), single ? ir_deposit(blk, d, ir_extu32(blk, v), 0, 32) : v);
    }
    return true;
}

void x86_sse_fast_forget(X86Disas *ctx)
{
    ctx->sse_mxcsr_ok = false;
}

void x86_sse_fast_track(X86Disas *ctx, const X86Insn *in)
{
    bool (*t)(X86Disas *, const X86Insn *) = in->desc->trans;

    /* Only these write MXCSR's modes (a signal return ends the block). */
    if (t == x86_trans_ldmxcsr || t == x86_trans_fxrstor) {
        x86_sse_fast_forget(ctx);
    }
}
