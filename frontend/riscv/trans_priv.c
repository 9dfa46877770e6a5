/*
 * Privileged instructions (Privileged Spec 20211203, §3.3 and §4.2.1): mret, sret,
 * wfi and sfence.vma.  In user mode (linux-user) they stay illegal instructions.
 * In system mode each calls a trap.c helper that checks the privilege rules at run
 * time (TSR, TW, TVM live in mstatus) and raises illegal instruction when they fail.
 *
 *   mret/sret   the helper changes privilege and pc and leaves with
 *               GUEST_EXIT_SYNC_MODE (code 0: the pc is already the target)
 *   wfi         GUEST_EXIT_HALT (resume at pc + 4) when no interrupt is pending, else a nop
 *   sfence.vma  GUEST_EXIT_TLB_FLUSH, resume at pc + 4; aux = rs1's address or ~0 (all);
 *               the ASID in rs2 is not used: dropping more entries is always correct
 */
#include "frontend/riscv/internal.h"

static bool rv_gen_xret(RvDisas *ctx, IrHelper *h)
{
    if (!ctx->sys) {
        return false;
    }
    ir_call1(ctx->blk, h, ir_const_i32(ctx->blk, ctx->insn));
    /* Not reached (the helper always leaves); it ends the block for the verifier. */
    ir_raise(ctx->blk, GUEST_EXIT_SYNC_MODE, 0, IR_TEMP_NONE);
    ctx->end_block = true;
    return true;
}

bool trans_mret(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_xret(ctx, &ir_helper_rv_mret);
}

bool trans_sret(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_xret(ctx, &ir_helper_rv_sret);
}

bool trans_wfi(RvDisas *ctx, const RvArgs *a)
{
    if (!ctx->sys) {
        return false;
    }
    ir_call1(ctx->blk, &ir_helper_rv_wfi, ir_const_i32(ctx->blk, ctx->insn));
    /* End the block so a pending interrupt is taken at the next block entry. */
    ir_goto_block(ctx->blk, ctx->next_pc);
    ctx->end_block = true;
    return true;
}

bool trans_sfence_vma(RvDisas *ctx, const RvArgs *a)
{
    IrTemp vaddr;

    if (!ctx->sys) {
        return false;
    }
    ir_call1(ctx->blk, &ir_helper_rv_sfence_vma, ir_const_i32(ctx->blk, ctx->insn));
    vaddr = a->rs1 == 0 ? rv_const(ctx, ~(uint64_t)0) : rv_get_x(ctx, a->rs1);
    ir_raise(ctx->blk, GUEST_EXIT_TLB_FLUSH, ctx->len, vaddr);
    ctx->end_block = true;
    return true;
}
