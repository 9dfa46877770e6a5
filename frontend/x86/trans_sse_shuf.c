/*
 * Byte, word and dword shuffles of the integer SSE2/SSSE3 set as IR on the two 64-bit
 * halves of an xmm register instead of a host stub call (SDM Vol. 2 for each):
 *     palignr xmm, xmm/m128, imm8      (66 0F3A 0F)  glibc's memmove/memcpy loops
 *     pshufd / pshufhw / pshuflw       (66/F3/F2 0F 70)
 *     punpckl/h bw, wd, dq             (66 0F 60-62, 68-6A)  memset's byte broadcast
 * The immediate is known when lifting, so each result half is a fixed combination of
 * shifts, extracts and deposits.  The native differential test (test_native_fp.c)
 * draws every one of these rows with random operands and immediates.
 */
#include "frontend/x86/internal.h"

static void x86_shuf_set(X86Disas *ctx, unsigned reg, IrTemp lo, IrTemp hi)
{
    ir_set(ctx->blk, X86_OFF_XMM(reg, 0), lo);
    ir_set(ctx->blk, X86_OFF_XMM(reg, 1), hi);
}

/* Bits [64 - 8k ...] of a and the low bits of b: (b:a) >> 8k as 64 bits; NONE is zero. */
static IrTemp x86_shuf_funnel(X86Disas *ctx, IrTemp a, IrTemp b, unsigned k)
{
    IrBlock *blk = ctx->blk;
    IrTemp r;

    if (a == IR_TEMP_NONE) {
        return b == IR_TEMP_NONE || k == 0 ? x86_const(ctx, 0) : ir_shl(blk, b, x86_const(ctx, 64 - 8 * k));
    }
    if (k == 0) {
        return a;
    }
    r = ir_shr(blk, a, x86_const(ctx, 8 * k));
    if (b != IR_TEMP_NONE) {
        r = ir_or(blk, r, ir_shl(blk, b, x86_const(ctx, 64 - 8 * k)));
    }
    return r;
}

/* palignr: dst = ((dst << 128) | src) >> (imm8 * 8), low 128 bits; imm8 >= 32 gives 0. */
static void x86_shuf_palignr(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp q[6] = { IR_TEMP_NONE, IR_TEMP_NONE, IR_TEMP_NONE, IR_TEMP_NONE, IR_TEMP_NONE, IR_TEMP_NONE };
    unsigned imm = (uint8_t)in->imm, w = imm / 8, k = imm % 8;
    IrTemp s[2];

    x86_sse_src128(ctx, in, s);
    q[0] = s[0];
    q[1] = s[1];
    q[2] = ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, 0));
    q[3] = ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, 1));
    if (w >= 4) {
        x86_shuf_set(ctx, in->reg, x86_const(ctx, 0), x86_const(ctx, 0));
        return;
    }
    /* q[4], q[5] stay NONE (zero): w + 2 <= 5. */
    x86_shuf_set(ctx, in->reg, x86_shuf_funnel(ctx, q[w], q[w + 1], k), x86_shuf_funnel(ctx, q[w + 1], q[w + 2], k));
}

/* Lane i (size bits) of the pair s[0], s[1] taken as one 128-bit value. */
static IrTemp x86_shuf_lane(X86Disas *ctx, const IrTemp s[2], unsigned i, unsigned bits)
{
    unsigned per = 64 / bits;

    return ir_extract(ctx->blk, s[i / per], (i % per) * bits, bits);
}

/* Lanes sel[0..n) (each bits wide) of s packed from bit 0 up into one 64-bit half. */
static IrTemp x86_shuf_pack(X86Disas *ctx, const IrTemp s[2], const unsigned *sel, unsigned n, unsigned bits)
{
    IrTemp r = x86_shuf_lane(ctx, s, sel[0], bits);

    for (unsigned i = 1; i < n; i++) {
        r = ir_deposit(ctx->blk, r, x86_shuf_lane(ctx, s, sel[i], bits), i * bits, bits);
    }
    return r;
}

/* pshufd (66), pshufhw (F3), pshuflw (F2). */
static void x86_shuf_pshuf(X86Disas *ctx, const X86Insn *in, X86SsePrefix pfx)
{
    unsigned imm = (uint8_t)in->imm, sel[4];
    IrTemp s[2], lo, hi;

    x86_sse_src128(ctx, in, s);
    if (pfx == X86_PFX_66) {
        for (unsigned i = 0; i < 4; i++) {
            sel[i] = (imm >> (2 * i)) & 3;
        }
        lo = x86_shuf_pack(ctx, s, sel, 2, 32);
        hi = x86_shuf_pack(ctx, s, sel + 2, 2, 32);
    } else {
        unsigned half = pfx == X86_PFX_F3;          /* the half whose words move */
        IrTemp h[2] = { s[half], s[half] };

        for (unsigned i = 0; i < 4; i++) {
            sel[i] = (imm >> (2 * i)) & 3;
        }
        lo = half ? s[0] : x86_shuf_pack(ctx, h, sel, 4, 16);
        hi = half ? x86_shuf_pack(ctx, h, sel, 4, 16) : s[1];
    }
    x86_shuf_set(ctx, in->reg, lo, hi);
}

/*
 * The low 32 bits of x with each lane (bytes bytes) moved to twice its position,
 * zeros between: the Morton spread, (x | x << 16) & 0x0000ffff0000ffff and for bytes
 * then (x | x << 8) & 0x00ff00ff00ff00ff.
 */
static IrTemp x86_shuf_spread(X86Disas *ctx, IrTemp x, unsigned bytes)
{
    IrBlock *blk = ctx->blk;

    x = ir_zext(blk, x, 32);
    if (bytes == 4) {
        return x;
    }
    x = ir_and(blk, ir_or(blk, x, ir_shl(blk, x, x86_const(ctx, 16))), x86_const(ctx, 0x0000ffff0000ffffull));
    if (bytes == 2) {
        return x;
    }
    return ir_and(blk, ir_or(blk, x, ir_shl(blk, x, x86_const(ctx, 8))), x86_const(ctx, 0x00ff00ff00ff00ffull));
}

/* punpckl/h bw, wd, dq: the lanes of one half of dst and src, alternating (dst first). */
static void x86_shuf_punpck(X86Disas *ctx, const X86Insn *in, unsigned bytes, bool high)
{
    IrBlock *blk = ctx->blk;
    IrTemp d = ir_get(blk, IR_I64, X86_OFF_XMM(in->reg, high)), s, c = x86_const(ctx, 32), sh = x86_const(ctx, 8 * bytes);
    IrTemp lo, hi;

    s = x86_sse_src_half(ctx, in, high);     /* still an aligned m128 */
    lo = ir_or(blk, x86_shuf_spread(ctx, d, bytes), ir_shl(blk, x86_shuf_spread(ctx, s, bytes), sh));
    hi = ir_or(blk, x86_shuf_spread(ctx, ir_shr(blk, d, c), bytes),
               ir_shl(blk, x86_shuf_spread(ctx, ir_shr(blk, s, c), bytes), sh));
    x86_shuf_set(ctx, in->reg, lo, hi);
}

bool x86_sse_try_shuf(X86Disas *ctx, const X86Insn *in)
{
    X86SsePrefix pfx = x86_sse_prefix(in);

    if (in->map == X86_MAP_0F3A && in->opcode == 0x0f && pfx == X86_PFX_66) {
        if (!x86_host_has(X86_ISA_SSSE3)) {
            return false;               /* the row's path reports #UD as for any SSSE3 row */
        }
        x86_shuf_palignr(ctx, in);
        return true;
    }
    if (in->map != X86_MAP_0F) {
        return false;
    }
    if (in->opcode == 0x70 && pfx != X86_PFX_NP) {
        x86_shuf_pshuf(ctx, in, pfx);
        return true;
    }
    if (pfx == X86_PFX_66 && ((in->opcode >= 0x60 && in->opcode <= 0x62) || (in->opcode >= 0x68 && in->opcode <= 0x6a))) {
        x86_shuf_punpck(ctx, in, 1u << (in->opcode & 3), in->opcode >= 0x68);
        return true;
    }
    return false;
}
