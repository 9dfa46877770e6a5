/*
 * Branches and sc (Power ISA 2.06 Book I 2.4, 3.3.1).  Targets are 32-bit:
 * relative ones wrap modulo 2^32.  BO (Book I 2.4.1, figure 40):
 *   16: ignore the CR bit       8: branch if the CR bit is 1 (when tested)
 *    4: do not touch CTR        2: branch if CTR == 0 (else CTR != 0) after decrement
 * The remaining bits are the static prediction hints ("at" or "y"); they change
 * nothing here.
 */
#include "frontend/ppc/internal.h"

#define PPC_BO_NO_COND  0x10
#define PPC_BO_COND_SET 0x08
#define PPC_BO_NO_CTR   0x04
#define PPC_BO_CTR_ZERO 0x02

bool ppc_trans_b(PpcDisas *ctx, const PpcArgs *a)
{
    uint32_t target = (uint32_t)a->imm + (a->aa ? 0 : ctx->pc);

    if (a->lk) {
        ppc_set32(ctx, PPC_OFF(lr), ppc_const(ctx, ctx->next_pc));
    }
    /* "bl .+4; mflr" (and "bcl 20,31,.+4") reads the pc in PIC code: no need to end the block. */
    if (target != ctx->next_pc) {
        ppc_gen_goto(ctx, target);
        ctx->end_block = true;
    }
    return true;
}

/*
 * Emit the branch condition: a jump to `not_taken` when the branch falls through.
 * Decrements CTR first unless BO says not to.
 */
static void ppc_gen_bo(PpcDisas *ctx, const PpcArgs *a, uint32_t not_taken)
{
    IrBlock *blk = ctx->blk;
    int bo = a->rt;

    if (!(bo & PPC_BO_NO_CTR)) {
        IrTemp ctr = ir_sub(blk, ppc_get32(ctx, PPC_OFF(ctr)), ppc_const(ctx, 1));

        ppc_set32(ctx, PPC_OFF(ctr), ctr);
        ir_brcond(blk, (bo & PPC_BO_CTR_ZERO) ? IR_COND_NE : IR_COND_EQ, ctr, ppc_const(ctx, 0), not_taken);
    }
    if (!(bo & PPC_BO_NO_COND)) {
        ppc_gen_crbit_jump(ctx, a->ra, !(bo & PPC_BO_COND_SET), not_taken);
    }
}

/* The same condition, as a jump to `taken` when the branch is taken (falls through otherwise). */
static void ppc_gen_bo_taken(PpcDisas *ctx, const PpcArgs *a, uint32_t taken)
{
    IrBlock *blk = ctx->blk;
    int bo = a->rt, bi = a->ra;
    uint32_t fail = ir_label_new(blk);
    bool test_ctr = !(bo & PPC_BO_NO_CTR), test_cond = !(bo & PPC_BO_NO_COND);

    if (test_ctr) {
        IrTemp ctr = ir_sub(blk, ppc_get32(ctx, PPC_OFF(ctr)), ppc_const(ctx, 1));
        IrCond ok = (bo & PPC_BO_CTR_ZERO) ? IR_COND_EQ : IR_COND_NE;

        ppc_set32(ctx, PPC_OFF(ctr), ctr);
        if (!test_cond) {
            ir_brcond(blk, ok, ctr, ppc_const(ctx, 0), taken);
            return;
        }
        ir_brcond(blk, ir_cond_invert(ok), ctr, ppc_const(ctx, 0), fail);
    }
    ppc_gen_crbit_jump(ctx, bi, (bo & PPC_BO_COND_SET) != 0, taken);
    if (test_ctr) {
        ir_label(blk, fail);
    }
}

static bool ppc_bo_always(int bo)
{
    return (bo & PPC_BO_NO_COND) && (bo & PPC_BO_NO_CTR);
}

bool ppc_trans_bc(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    uint32_t target = (uint32_t)a->imm + (a->aa ? 0 : ctx->pc);
    uint32_t not_taken;

    if (a->lk) {
        ppc_set32(ctx, PPC_OFF(lr), ppc_const(ctx, ctx->next_pc));
    }
    if (ppc_bo_always(a->rt)) {
        if (target != ctx->next_pc) {       /* see ppc_trans_b */
            ppc_gen_goto(ctx, target);
            ctx->end_block = true;
        }
        return true;
    }
    /*
     * Lifting goes on with the fall-through path (as for x86 jcc).  A target lifting
     * reaches later (an if-then, a loop's early exit) gets its label placed there by
     * lift.c, so the construct stays one block; any other (backward, far, another page)
     * becomes a side exit after the block's last instruction, which the JIT stores the
     * dirty registers for only on the taken side; one back to the block's start (bdnz,
     * a loop's bottom test) is the JIT's self loop, and the code after the loop stays
     * in the block too.  bcl (a call) ends it.
     */
    if (ctx->fwd_ok && !a->lk && ctx->n_fwd < PPC_MAX_FWD) {
        uint32_t taken = ir_label_new(blk);

        /* the stores known here hold on both edges (the CTR test's label joins only this path) */
        ppc_st_scan(ctx);
        ppc_gen_bo_taken(ctx, a, taken);
        ctx->st_scan = blk->n_insns;
        ctx->fwd[ctx->n_fwd].pc = target;
        ctx->fwd[ctx->n_fwd].label = taken;
        ctx->fwd[ctx->n_fwd].cmp = ctx->cmp;
        ctx->fwd[ctx->n_fwd].st = ctx->st;
        ctx->n_fwd++;
        return true;
    }
    ctx->end_block = true;
    not_taken = ir_label_new(blk);
    ppc_gen_bo(ctx, a, not_taken);
    ppc_gen_goto(ctx, target);
    ir_label(blk, not_taken);
    ppc_gen_goto(ctx, ctx->next_pc);
    return true;
}

/* Branch to a register (LR or CTR) value with its low two bits cleared. */
static void ppc_gen_bcreg(PpcDisas *ctx, const PpcArgs *a, IrTemp reg)
{
    IrBlock *blk = ctx->blk;
    IrTemp target = ir_and(blk, reg, ppc_const(ctx, ~3u));
    uint32_t not_taken;

    /* The target was read above, before bclrl overwrites LR. */
    if (a->lk) {
        ppc_set32(ctx, PPC_OFF(lr), ppc_const(ctx, ctx->next_pc));
    }
    ctx->end_block = true;
    if (ppc_bo_always(a->rt)) {
        ir_goto_ptr(blk, ir_extu32(blk, target));
        return;
    }
    not_taken = ir_label_new(blk);
    ppc_gen_bo(ctx, a, not_taken);
    ir_goto_ptr(blk, ir_extu32(blk, target));
    ir_label(blk, not_taken);
    ppc_gen_goto(ctx, ctx->next_pc);
}

bool ppc_trans_bclr(PpcDisas *ctx, const PpcArgs *a)
{
    ppc_gen_bcreg(ctx, a, ppc_get32(ctx, PPC_OFF(lr)));
    return true;
}

/* bcctr with CTR decrement is an invalid form (Book I 2.4.1): illegal here. */
bool ppc_trans_bcctr(PpcDisas *ctx, const PpcArgs *a)
{
    if (!(a->rt & PPC_BO_NO_CTR)) {
        return false;
    }
    ppc_gen_bcreg(ctx, a, ppc_get32(ctx, PPC_OFF(ctr)));
    return true;
}

/* sc: the platform sees GUEST_EXIT_SYSCALL with pc at the sc (and resumes at pc + 4). */
bool ppc_trans_sc(PpcDisas *ctx, const PpcArgs *a)
{
    ir_raise(ctx->blk, GUEST_EXIT_SYSCALL, 0, IR_TEMP_NONE);
    ctx->end_block = true;
    return true;
}
