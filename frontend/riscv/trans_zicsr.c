/*
 * Zicsr and Zifencei (RISC-V Unprivileged ISA 20191213, chapters 3 and 9) for a
 * user-mode hart.  The CSRs a U-mode program may use are fflags, frm, fcsr and
 * the read-only counters cycle, time and instret; any other number, and any
 * write to a read-only counter, is an illegal instruction (decided at lift time
 * since the CSR number is part of the instruction).
 *
 * fflags is always current in RvCpu.fflags (the FPU helpers merge host flags
 * before returning), so the FP CSRs are plain guest-state reads and writes.
 *
 * fence.i ends the block with GUEST_EXIT_SYNC_CODE and exit code = instruction
 * length: the exec loop drops stale translations and resumes at pc + code.
 *
 * System mode (Privileged Spec 20211203, §2.1) sends every CSR instruction to the
 * CSR file (csr.c) through one helper that checks the access at run time and may
 * raise illegal instruction.  An unknown number is illegal at lift time already.  A
 * write to a CSR lifted code depends on ends the block (csr.def flags MODE and TLB:
 * GUEST_EXIT_SYNC_MODE / GUEST_EXIT_TLB_FLUSH, resuming at the next instruction).
 */
#include "frontend/riscv/internal.h"

bool trans_fence_i(RvDisas *ctx, const RvArgs *a)
{
    ir_raise(ctx->blk, GUEST_EXIT_SYNC_CODE, ctx->len, IR_TEMP_NONE);
    ctx->end_block = true;
    return true;
}

static bool rv_csr_known(uint32_t csr)
{
    switch (csr) {
    case RV_CSR_FFLAGS:
    case RV_CSR_FRM:
    case RV_CSR_FCSR:
    case RV_CSR_CYCLE:
    case RV_CSR_TIME:
    case RV_CSR_INSTRET:
        return true;
    }
    return false;
}

static IrTemp rv_csr_read(RvDisas *ctx, uint32_t csr)
{
    IrBlock *blk = ctx->blk;

    switch (csr) {
    case RV_CSR_FFLAGS:
        return ir_extu32(blk, ir_get(blk, IR_I32, RV_OFF(fflags)));
    case RV_CSR_FRM:
        return ir_extu32(blk, ir_get(blk, IR_I32, RV_OFF(frm)));
    case RV_CSR_FCSR:
        return ir_or(blk, ir_shl(blk, ir_extu32(blk, ir_get(blk, IR_I32, RV_OFF(frm))), rv_const(ctx, 5)),
                     ir_extu32(blk, ir_get(blk, IR_I32, RV_OFF(fflags))));
    case RV_CSR_CYCLE:
        return ir_call0(blk, &ir_helper_rv_rdcycle);
    case RV_CSR_TIME:
        return ir_call0(blk, &ir_helper_rv_rdtime);
    case RV_CSR_INSTRET:
        return ir_call0(blk, &ir_helper_rv_rdinstret);
    }
    g_assert_not_reached();
}

static void rv_csr_write(RvDisas *ctx, uint32_t csr, IrTemp v)
{
    IrBlock *blk = ctx->blk;
    IrTemp v32 = ir_trunc(blk, v);

    switch (csr) {
    case RV_CSR_FFLAGS:
        ir_set(blk, RV_OFF(fflags), ir_and(blk, v32, ir_const_i32(blk, 0x1f)));
        ctx->fp_fast_checked = false;
        return;
    case RV_CSR_FRM:
        ir_set(blk, RV_OFF(frm), ir_and(blk, v32, ir_const_i32(blk, 7)));
        ctx->frm_checked = false;
        ctx->fp_fast_checked = false;
        return;
    case RV_CSR_FCSR:
        ir_set(blk, RV_OFF(fflags), ir_and(blk, v32, ir_const_i32(blk, 0x1f)));
        ir_set(blk, RV_OFF(frm), ir_extract(blk, v32, 5, 3));
        ctx->frm_checked = false;
        ctx->fp_fast_checked = false;
        return;
    }
    g_assert_not_reached();     /* the counters are read-only: rejected before */
}

static bool rv_gen_csr_sys(RvDisas *ctx, const RvArgs *a, IrTemp src, bool writes)
{
    IrBlock *blk = ctx->blk;
    bool exists;
    uint32_t flags = rv_csr_flags(a->csr, &exists);
    IrTemp old;

    if (!exists) {
        return false;
    }
    old = ir_call2(blk, &ir_helper_rv_csr, ir_const_i32(blk, ctx->insn), src);
    rv_set_x(ctx, a->rd, old);
    if (flags & RV_CSRF_FP) {
        ctx->frm_checked = false;
        ctx->fp_fast_checked = false;
    }
    if (writes && (flags & RV_CSRF_TLB)) {
        ir_raise(blk, GUEST_EXIT_TLB_FLUSH, ctx->len, rv_const(ctx, ~(uint64_t)0));
        ctx->end_block = true;
    } else if (writes && (flags & RV_CSRF_MODE)) {
        ir_raise(blk, GUEST_EXIT_SYNC_MODE, ctx->len, IR_TEMP_NONE);
        ctx->end_block = true;
    }
    return true;
}

/* src: the rs1 value or the uimm; writes: whether the instruction writes the CSR. */
static bool rv_gen_csr(RvDisas *ctx, const RvArgs *a, RvCsrOp op, IrTemp src, bool writes)
{
    bool read_only = (a->csr >> 10) == 3;
    IrTemp old = IR_TEMP_NONE;

    if (ctx->sys) {
        return rv_gen_csr_sys(ctx, a, src, writes);
    }

    if (!rv_csr_known(a->csr) || (writes && read_only)) {
        return false;
    }
    if (op != RV_CSR_OP_W || a->rd != 0) {
        old = rv_csr_read(ctx, a->csr);
    }
    if (writes) {
        IrTemp v = src;

        if (op == RV_CSR_OP_S) {
            v = ir_or(ctx->blk, old, src);
        } else if (op == RV_CSR_OP_C) {
            v = ir_and(ctx->blk, old, ir_not(ctx->blk, src));
        }
        rv_csr_write(ctx, a->csr, v);
    }
    if (old != IR_TEMP_NONE) {
        rv_set_x(ctx, a->rd, old);
    }
    return true;
}

bool trans_csrrw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_csr(ctx, a, RV_CSR_OP_W, rv_get_x(ctx, a->rs1), true);
}

bool trans_csrrs(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_csr(ctx, a, RV_CSR_OP_S, rv_get_x(ctx, a->rs1), a->rs1 != 0);
}

bool trans_csrrc(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_csr(ctx, a, RV_CSR_OP_C, rv_get_x(ctx, a->rs1), a->rs1 != 0);
}

bool trans_csrrwi(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_csr(ctx, a, RV_CSR_OP_W, rv_const(ctx, (uint64_t)a->imm), true);
}

bool trans_csrrsi(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_csr(ctx, a, RV_CSR_OP_S, rv_const(ctx, (uint64_t)a->imm), a->imm != 0);
}

bool trans_csrrci(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_csr(ctx, a, RV_CSR_OP_C, rv_const(ctx, (uint64_t)a->imm), a->imm != 0);
}
