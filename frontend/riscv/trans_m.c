/*
 * M extension (RISC-V Unprivileged ISA 20191213, chapter 7).  The IR's division
 * ops already follow the RISC-V rules (x / 0 = -1, x % 0 = x, MIN / -1 = MIN,
 * MIN % -1 = 0), so no special cases are lifted here.
 */
#include "frontend/riscv/internal.h"

static bool rv_gen_m(RvDisas *ctx, const RvArgs *a, IrOpcode op)
{
    rv_set_x(ctx, a->rd, ir_binop(ctx->blk, op, rv_get_x(ctx, a->rs1), rv_get_x(ctx, a->rs2)));
    return true;
}

bool trans_mul(RvDisas *ctx, const RvArgs *a) { return rv_gen_m(ctx, a, IR_OP_MUL); }
bool trans_mulh(RvDisas *ctx, const RvArgs *a) { return rv_gen_m(ctx, a, IR_OP_MULHS); }
bool trans_mulhsu(RvDisas *ctx, const RvArgs *a) { return rv_gen_m(ctx, a, IR_OP_MULHSU); }
bool trans_mulhu(RvDisas *ctx, const RvArgs *a) { return rv_gen_m(ctx, a, IR_OP_MULHU); }
bool trans_div(RvDisas *ctx, const RvArgs *a) { return rv_gen_m(ctx, a, IR_OP_DIVS); }
bool trans_divu(RvDisas *ctx, const RvArgs *a) { return rv_gen_m(ctx, a, IR_OP_DIVU); }
bool trans_rem(RvDisas *ctx, const RvArgs *a) { return rv_gen_m(ctx, a, IR_OP_REMS); }
bool trans_remu(RvDisas *ctx, const RvArgs *a) { return rv_gen_m(ctx, a, IR_OP_REMU); }

bool trans_mulw(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x_w(ctx, a->rd, ir_mul(ctx->blk, rv_get_x(ctx, a->rs1), rv_get_x(ctx, a->rs2)));
    return true;
}

/* 32-bit division on i32 operands; the i32 result is sign-extended (also for divuw/remuw). */
static bool rv_gen_m_w(RvDisas *ctx, const RvArgs *a, IrOpcode op)
{
    IrTemp x = ir_trunc(ctx->blk, rv_get_x(ctx, a->rs1));
    IrTemp y = ir_trunc(ctx->blk, rv_get_x(ctx, a->rs2));

    if (a->rd != 0) {
        rv_set_x(ctx, a->rd, ir_exts32(ctx->blk, ir_binop(ctx->blk, op, x, y)));
    }
    return true;
}

bool trans_divw(RvDisas *ctx, const RvArgs *a) { return rv_gen_m_w(ctx, a, IR_OP_DIVS); }
bool trans_divuw(RvDisas *ctx, const RvArgs *a) { return rv_gen_m_w(ctx, a, IR_OP_DIVU); }
bool trans_remw(RvDisas *ctx, const RvArgs *a) { return rv_gen_m_w(ctx, a, IR_OP_REMS); }
bool trans_remuw(RvDisas *ctx, const RvArgs *a) { return rv_gen_m_w(ctx, a, IR_OP_REMU); }
