/*
 * Bit manipulation: Zba (address generation), Zbb (basic), Zbc (carry-less
 * multiply, through helpers) and Zbs (single bit), RISC-V Bitmanip 1.0.0.
 */
#include "frontend/riscv/internal.h"

#define X1 rv_get_x(ctx, a->rs1)
#define X2 rv_get_x(ctx, a->rs2)
#define IMM rv_const(ctx, (uint64_t)a->imm)

/* --- Zba --- */

static bool rv_gen_shadd(RvDisas *ctx, const RvArgs *a, unsigned sh, bool uw)
{
    IrTemp base = uw ? ir_zext(ctx->blk, X1, 32) : X1;

    if (sh) {
        base = ir_shl(ctx->blk, base, rv_const(ctx, sh));
    }
    rv_set_x(ctx, a->rd, ir_add(ctx->blk, base, X2));
    return true;
}

bool trans_sh1add(RvDisas *ctx, const RvArgs *a) { return rv_gen_shadd(ctx, a, 1, false); }
bool trans_sh2add(RvDisas *ctx, const RvArgs *a) { return rv_gen_shadd(ctx, a, 2, false); }
bool trans_sh3add(RvDisas *ctx, const RvArgs *a) { return rv_gen_shadd(ctx, a, 3, false); }
bool trans_add_uw(RvDisas *ctx, const RvArgs *a) { return rv_gen_shadd(ctx, a, 0, true); }
bool trans_sh1add_uw(RvDisas *ctx, const RvArgs *a) { return rv_gen_shadd(ctx, a, 1, true); }
bool trans_sh2add_uw(RvDisas *ctx, const RvArgs *a) { return rv_gen_shadd(ctx, a, 2, true); }
bool trans_sh3add_uw(RvDisas *ctx, const RvArgs *a) { return rv_gen_shadd(ctx, a, 3, true); }

bool trans_slli_uw(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_shl(ctx->blk, ir_zext(ctx->blk, X1, 32), IMM));
    return true;
}

/* --- Zbb --- */

bool trans_andn(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_and(ctx->blk, X1, ir_not(ctx->blk, X2)));
    return true;
}

bool trans_orn(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_or(ctx->blk, X1, ir_not(ctx->blk, X2)));
    return true;
}

bool trans_xnor(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_not(ctx->blk, ir_xor(ctx->blk, X1, X2)));
    return true;
}

static bool rv_gen_unary(RvDisas *ctx, const RvArgs *a, IrOpcode op, bool word)
{
    IrTemp r;

    if (word) {
        r = ir_extu32(ctx->blk, ir_unop(ctx->blk, op, ir_trunc(ctx->blk, X1)));
    } else {
        r = ir_unop(ctx->blk, op, X1);
    }
    rv_set_x(ctx, a->rd, r);
    return true;
}

bool trans_clz(RvDisas *ctx, const RvArgs *a) { return rv_gen_unary(ctx, a, IR_OP_CLZ, false); }
bool trans_ctz(RvDisas *ctx, const RvArgs *a) { return rv_gen_unary(ctx, a, IR_OP_CTZ, false); }
bool trans_cpop(RvDisas *ctx, const RvArgs *a) { return rv_gen_unary(ctx, a, IR_OP_POPCNT, false); }
bool trans_clzw(RvDisas *ctx, const RvArgs *a) { return rv_gen_unary(ctx, a, IR_OP_CLZ, true); }
bool trans_ctzw(RvDisas *ctx, const RvArgs *a) { return rv_gen_unary(ctx, a, IR_OP_CTZ, true); }
bool trans_cpopw(RvDisas *ctx, const RvArgs *a) { return rv_gen_unary(ctx, a, IR_OP_POPCNT, true); }

static bool rv_gen_minmax(RvDisas *ctx, const RvArgs *a, IrCond pick_rs1)
{
    IrTemp x = X1, y = X2;

    rv_set_x(ctx, a->rd, ir_select(ctx->blk, pick_rs1, x, y, x, y));
    return true;
}

bool trans_max(RvDisas *ctx, const RvArgs *a) { return rv_gen_minmax(ctx, a, IR_COND_GT); }
bool trans_maxu(RvDisas *ctx, const RvArgs *a) { return rv_gen_minmax(ctx, a, IR_COND_GTU); }
bool trans_min(RvDisas *ctx, const RvArgs *a) { return rv_gen_minmax(ctx, a, IR_COND_LT); }
bool trans_minu(RvDisas *ctx, const RvArgs *a) { return rv_gen_minmax(ctx, a, IR_COND_LTU); }

bool trans_sext_b(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_sext(ctx->blk, X1, 8));
    return true;
}

bool trans_sext_h(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_sext(ctx->blk, X1, 16));
    return true;
}

bool trans_zext_h(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_zext(ctx->blk, X1, 16));
    return true;
}

bool trans_rol(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_rotl(ctx->blk, X1, X2));
    return true;
}

bool trans_ror(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_rotr(ctx->blk, X1, X2));
    return true;
}

bool trans_rori(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_rotr(ctx->blk, X1, IMM));
    return true;
}

static bool rv_gen_rotw(RvDisas *ctx, const RvArgs *a, IrOpcode op, IrTemp count32)
{
    IrTemp r = ir_binop(ctx->blk, op, ir_trunc(ctx->blk, X1), count32);

    rv_set_x(ctx, a->rd, ir_exts32(ctx->blk, r));
    return true;
}

bool trans_rolw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_rotw(ctx, a, IR_OP_ROTL, ir_trunc(ctx->blk, X2));
}

bool trans_rorw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_rotw(ctx, a, IR_OP_ROTR, ir_trunc(ctx->blk, X2));
}

bool trans_roriw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_rotw(ctx, a, IR_OP_ROTR, ir_const_i32(ctx->blk, (uint32_t)a->imm));
}

/* orc.b: each byte becomes 0xff if it was non-zero, else 0x00. */
bool trans_orc_b(RvDisas *ctx, const RvArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp x = X1;
    IrTemp low7 = rv_const(ctx, UINT64_C(0x7f7f7f7f7f7f7f7f));
    /* Bit 7 of each byte of t is set iff the byte is non-zero (no carry crosses bytes). */
    IrTemp t = ir_or(blk, ir_add(blk, ir_and(blk, x, low7), low7), x);
    IrTemp ones = ir_shr(blk, ir_and(blk, t, rv_const(ctx, UINT64_C(0x8080808080808080))), rv_const(ctx, 7));

    rv_set_x(ctx, a->rd, ir_mul(blk, ones, rv_const(ctx, 0xff)));
    return true;
}

bool trans_rev8(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_bswap(ctx->blk, X1, 64));
    return true;
}

/* --- Zbc --- */

bool trans_clmul(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_call2(ctx->blk, &ir_helper_rv_clmul, X1, X2));
    return true;
}

bool trans_clmulh(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_call2(ctx->blk, &ir_helper_rv_clmulh, X1, X2));
    return true;
}

bool trans_clmulr(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_call2(ctx->blk, &ir_helper_rv_clmulr, X1, X2));
    return true;
}

/* --- Zbs: the bit index is rs2 (or the immediate) modulo 64 --- */

static IrTemp rv_bit(RvDisas *ctx, IrTemp index)
{
    return ir_shl(ctx->blk, rv_const(ctx, 1), index);
}

bool trans_bclr(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_and(ctx->blk, X1, ir_not(ctx->blk, rv_bit(ctx, X2))));
    return true;
}

bool trans_bclri(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_and(ctx->blk, X1, rv_const(ctx, ~(UINT64_C(1) << a->imm))));
    return true;
}

bool trans_bext(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_and(ctx->blk, ir_shr(ctx->blk, X1, X2), rv_const(ctx, 1)));
    return true;
}

bool trans_bexti(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_extract(ctx->blk, X1, (unsigned)a->imm, 1));
    return true;
}

bool trans_binv(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_xor(ctx->blk, X1, rv_bit(ctx, X2)));
    return true;
}

bool trans_binvi(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_xor(ctx->blk, X1, rv_const(ctx, UINT64_C(1) << a->imm)));
    return true;
}

bool trans_bset(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_or(ctx->blk, X1, rv_bit(ctx, X2)));
    return true;
}

bool trans_bseti(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_or(ctx->blk, X1, rv_const(ctx, UINT64_C(1) << a->imm)));
    return true;
}
