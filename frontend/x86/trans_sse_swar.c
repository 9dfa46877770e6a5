/*
 * The integer SSE2 instructions glibc's string and memory functions live on, lifted
 * to 64-bit IR ops on the xmm halves ("SIMD within a register") instead of a stub
 * call: paddb/w/d, psubb/w/d, pcmpeqb/w/d and pmovmskb.  With H the top bit of
 * every lane and L = ~H (Intel SDM Vol. 2 for the instructions; the identities are
 * the usual carry-isolation ones, checked by the native differential test):
 *     add    ((a & L) + (b & L)) ^ ((a ^ b) & H)
 *     sub    ((a | H) - (b & L)) ^ ((a ^ ~b) & H)
 *     cmpeq  t = a ^ b; z = ~(((t & L) + L) | t | L)   (H bit set iff the lane is 0)
 *            then (z >> (lane bits - 1)) * lane mask
 *     movmsk ((x & 0x8080808080808080) * 0x0002040810204081) >> 56
 */
#include "frontend/x86/internal.h"

typedef enum X86Swar { X86_SWAR_ADD, X86_SWAR_SUB, X86_SWAR_CMPEQ } X86Swar;

static uint64_t x86_swar_high(unsigned lane)
{
    uint64_t h = 0;

    for (unsigned i = lane * 8 - 1; i < 64; i += lane * 8) {
        h |= (uint64_t)1 << i;
    }
    return h;
}

static IrTemp x86_swar_op(X86Disas *ctx, X86Swar op, unsigned lane, IrTemp a, IrTemp b)
{
    IrBlock *blk = ctx->blk;
    uint64_t hv = x86_swar_high(lane);
    IrTemp h = x86_const(ctx, hv), l = x86_const(ctx, ~hv), t, z;

    switch (op) {
    case X86_SWAR_ADD:
        return ir_xor(blk, ir_add(blk, ir_and(blk, a, l), ir_and(blk, b, l)), ir_and(blk, ir_xor(blk, a, b), h));
    case X86_SWAR_SUB:
        return ir_xor(blk, ir_sub(blk, ir_or(blk, a, h), ir_and(blk, b, l)),
                      ir_and(blk, ir_xor(blk, a, ir_not(blk, b)), h));
    case X86_SWAR_CMPEQ:
        t = ir_xor(blk, a, b);
        z = ir_not(blk, ir_or(blk, ir_or(blk, ir_add(blk, ir_and(blk, t, l), l), t), l));
        z = ir_shr(blk, z, x86_const(ctx, lane * 8 - 1));
        return ir_mul(blk, z, x86_const(ctx, lane == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (lane * 8)) - 1));
    }
    g_assert_not_reached();
}

static IrTemp x86_swar_movmsk(X86Disas *ctx, IrTemp x)
{
    IrBlock *blk = ctx->blk;

    x = ir_mul(blk, ir_and(blk, x, x86_const(ctx, 0x8080808080808080ull)), x86_const(ctx, 0x0002040810204081ull));
    return ir_shr(blk, x, x86_const(ctx, 56));
}

bool x86_sse_try_swar(X86Disas *ctx, const X86Insn *in)
{
    static const struct { uint8_t opcode, op, lane; } rows[] = {
        { 0xfc, X86_SWAR_ADD, 1 }, { 0xfd, X86_SWAR_ADD, 2 }, { 0xfe, X86_SWAR_ADD, 4 },
        { 0xf8, X86_SWAR_SUB, 1 }, { 0xf9, X86_SWAR_SUB, 2 }, { 0xfa, X86_SWAR_SUB, 4 },
        { 0x74, X86_SWAR_CMPEQ, 1 }, { 0x75, X86_SWAR_CMPEQ, 2 }, { 0x76, X86_SWAR_CMPEQ, 4 },
    };
    IrBlock *blk = ctx->blk;

    if (in->map != X86_MAP_0F || x86_sse_prefix(in) != X86_PFX_66) {
        return false;
    }
    if (in->opcode == 0xd7) {           /* pmovmskb r32, xmm */
        IrTemp lo, hi;

        if (in->mod != 3) {
            return false;
        }
        lo = x86_swar_movmsk(ctx, ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 0)));
        hi = x86_swar_movmsk(ctx, ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 1)));
        x86_set_reg(ctx, in->reg, 8, ir_or(blk, lo, ir_shl(blk, hi, x86_const(ctx, 8))));
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        IrTemp s[2], d[2];

        if (rows[i].opcode != in->opcode) {
            continue;
        }
        x86_sse_src128(ctx, in, s);
        for (unsigned h = 0; h < 2; h++) {
            d[h] = x86_swar_op(ctx, (X86Swar)rows[i].op, rows[i].lane, ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, h)),
                               s[h]);
        }
        ir_set(blk, X86_OFF_XMM(in->reg, 0), d[0]);
        ir_set(blk, X86_OFF_XMM(in->reg, 1), d[1]);
        return true;
    }
    return false;
}
