/*
 * String instructions (Intel SDM Vol. 1 7.3.9; Vol. 2 MOVS, CMPS, STOS, LODS, SCAS,
 * REP/REPE/REPNE).  rSI/rDI/rCX are of the address size; DF picks the direction.
 * The source segment may be overridden (FS/GS have bases), the destination is
 * always ES (flat).
 *
 * A repeated instruction does up to X86_REP_UNROLL iterations per block run: if
 * rCX is 0 it goes on to the next instruction, else it does elements one by one,
 * each decrementing rCX and leaving for the next instruction when rCX reached 0 or
 * (cmps/scas) the REPE/REPNE condition ended it, then jumps back to itself.  Pending
 * exit requests are therefore seen every few elements at the block entry, and a
 * fault leaves exact registers (each element's register updates are stored before
 * the next one's access; SDM Vol. 1 7.3.9.3).
 */
#include "frontend/x86/internal.h"

/* Elements per block run: the block entry costs about as much as one element. */
#define X86_REP_UNROLL 8

/*
 * One element: the access, rSI/rDI stepped and, under a rep prefix, rCX decremented,
 * leaving for done when it reaches 0 or the REPE/REPNE condition fails.
 */
static void x86_string_once(X86Disas *ctx, const X86Insn *in, IrTemp step, uint32_t done)
{
    IrBlock *blk = ctx->blk;
    unsigned op = in->desc->param, size = in->opsz, as = in->adsz;
    IrTemp si = IR_TEMP_NONE, di = IR_TEMP_NONE, v, cnt;
    int src_seg = in->seg == X86_SEG_NONE ? X86_SEG_DS : in->seg;

    if (op == X86_STR_MOVS || op == X86_STR_CMPS || op == X86_STR_LODS) {
        si = x86_get_reg(ctx, X86_RSI, as);
    }
    if (op != X86_STR_LODS) {
        di = x86_get_reg(ctx, X86_RDI, as);
    }
    switch (op) {
    case X86_STR_MOVS:
        v = x86_ld(ctx, size, x86_gen_addr(ctx, si, src_seg));
        x86_st(ctx, size, x86_gen_addr(ctx, di, X86_SEG_NONE), v);
        break;
    case X86_STR_CMPS: {
        IrTemp a = x86_ld(ctx, size, x86_gen_addr(ctx, si, src_seg));
        IrTemp b = x86_ld(ctx, size, x86_gen_addr(ctx, di, X86_SEG_NONE));

        x86_cc_set(ctx, X86_CCK_SUB, size, ir_sub(blk, a, b), b, a);
        break;
    }
    case X86_STR_STOS:
        x86_st(ctx, size, x86_gen_addr(ctx, di, X86_SEG_NONE), x86_get_reg(ctx, X86_RAX, size));
        break;
    case X86_STR_LODS:
        x86_set_reg(ctx, X86_RAX, size, x86_ld(ctx, size, x86_gen_addr(ctx, si, src_seg)));
        break;
    default: {
        IrTemp a = x86_get_reg(ctx, X86_RAX, size);
        IrTemp b = x86_ld(ctx, size, x86_gen_addr(ctx, di, X86_SEG_NONE));

        x86_cc_set(ctx, X86_CCK_SUB, size, ir_sub(blk, a, b), b, a);
        break;
    }
    }
    if (si) {
        x86_set_reg(ctx, X86_RSI, as, ir_add(blk, si, step));
    }
    if (di) {
        x86_set_reg(ctx, X86_RDI, as, ir_add(blk, di, step));
    }
    if (!in->rep && !in->repne) {
        return;
    }
    cnt = x86_zext(ctx, ir_sub(blk, x86_get_reg(ctx, X86_RCX, as), x86_const(ctx, 1)), as);
    x86_set_reg(ctx, X86_RCX, as, cnt);
    ir_brcond(blk, IR_COND_EQ, cnt, x86_const(ctx, 0), done);
    if (op == X86_STR_CMPS || op == X86_STR_SCAS) {
        /* REPE stops when ZF = 0, REPNE when ZF = 1. */
        IrTemp a, b;
        IrCond c = x86_gen_cc(ctx, in->rep ? 5 : 4, &a, &b);

        ir_brcond(blk, c, a, b, done);
    }
}

bool x86_trans_string(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned size = in->opsz;
    bool rep = in->rep || in->repne;
    uint32_t done = ir_label_new(blk);
    IrTemp df, step;

    if (rep) {
        x86_cc_flush(ctx);
        ir_brcond(blk, IR_COND_EQ, x86_get_reg(ctx, X86_RCX, in->adsz), x86_const(ctx, 0), done);
    }
    df = ir_and(blk, ir_get(blk, IR_I64, X86_OFF(eflags)), x86_const(ctx, X86_DF));
    step = ir_select(blk, IR_COND_NE, df, x86_const(ctx, 0), x86_const(ctx, -(uint64_t)size), x86_const(ctx, size));
    for (unsigned i = 0; i < (rep ? X86_REP_UNROLL : 1); i++) {
        x86_string_once(ctx, in, step, done);
    }
    if (!rep) {
        return true;
    }
    x86_gen_goto(ctx, ctx->pc);
    ir_label(blk, done);
    x86_gen_goto(ctx, ctx->next_pc);
    ctx->end_block = true;
    return true;
}
