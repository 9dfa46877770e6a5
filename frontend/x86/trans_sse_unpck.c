/*
 * unpcklps, unpckhps, unpcklpd, unpckhpd, punpcklqdq and punpckhqdq (SDM Vol. 2):
 * interleaving the low or high halves of two xmm registers is only moving 32- or
 * 64-bit pieces, so it is IR on the two 64-bit halves of each register rather than
 * a host stub call.
 */
#include "frontend/x86/internal.h"

bool x86_sse_try_unpck(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    X86SsePrefix pfx = x86_sse_prefix(in);
    bool high, dwords;
    IrTemp d, s, lo, hi;

    if (in->map != X86_MAP_0F) {
        return false;
    }
    if ((in->opcode == 0x14 || in->opcode == 0x15) && (pfx == X86_PFX_NP || pfx == X86_PFX_66)) {
        high = in->opcode == 0x15;
        dwords = pfx == X86_PFX_NP;
    } else if ((in->opcode == 0x6c || in->opcode == 0x6d) && pfx == X86_PFX_66) {
        high = in->opcode == 0x6d;
        dwords = false;
    } else {
        return false;
    }
    /* Only one half of each source is used. */
    d = ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, high));
    s = x86_sse_src_half(ctx, in, high);
    if (dwords) {
        /* d = d1:d0, s = s1:s0 -> lo = s0:d0, hi = s1:d1 */
        lo = ir_deposit(blk, d, s, 32, 32);
        hi = ir_deposit(blk, s, ir_shr(blk, d, x86_const(ctx, 32)), 0, 32);
    } else {
        lo = d;
        hi = s;
    }
    ir_set(blk, X86_OFF_XMM(in->reg, 0), lo);
    ir_set(blk, X86_OFF_XMM(in->reg, 1), hi);
    return true;
}
