/*
 * The SSE2 shifts by an immediate (66 0F 71/72/73 with ModRM.reg 2, 3, 4, 6, 7; SDM
 * Vol. 2 PSRLW/D/Q, PSRAW/D, PSLLW/D/Q, PSRLDQ, PSLLDQ) as IR on the two 64-bit
 * halves of the xmm register instead of a stub call: gcc's vectorised loops use them
 * for multiplies by constants and averaging (bench/memory.c's stencil).  The count
 * is known when lifting, so each half is a 64-bit shift and, for word and dword
 * lanes, a mask that clears the bits shifted across a lane boundary:
 *     logical    (x >> c) & lanes(ones >> c)      (x << c) & lanes(ones << c)
 *     arithmetic logical | (lanes with the sign bit set, as all ones) & lanes(~(ones >> c))
 * A count past the lane's last bit gives 0 (arithmetic: the sign, as count = bits - 1).
 * The byte shifts move the 128-bit value by 8 * imm bits, 0 past 15.  The native
 * differential test (test_native_fp.c) draws these rows with random immediates.
 */
#include "frontend/x86/internal.h"

typedef enum X86SseShift { X86_SHIFT_SRL, X86_SHIFT_SRA, X86_SHIFT_SLL } X86SseShift;

/* v repeated in every lane of a 64-bit half (lane bits wide). */
static uint64_t x86_shift_lanes(uint64_t v, unsigned bits)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < 64; i += bits) {
        r |= v << i;
    }
    return r;
}

static IrTemp x86_shift_half(X86Disas *ctx, X86SseShift op, unsigned bits, unsigned c, IrTemp x)
{
    IrBlock *blk = ctx->blk;
    uint64_t ones = bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
    IrTemp r, sign;

    if (c >= bits) {
        if (op != X86_SHIFT_SRA) {
            return x86_const(ctx, 0);
        }
        c = bits - 1;
    }
    if (c == 0) {
        return x;
    }
    if (op == X86_SHIFT_SLL) {
        r = ir_shl(blk, x, x86_const(ctx, c));
        return bits == 64 ? r : ir_and(blk, r, x86_const(ctx, x86_shift_lanes((ones << c) & ones, bits)));
    }
    r = ir_shr(blk, x, x86_const(ctx, c));
    if (bits < 64) {
        r = ir_and(blk, r, x86_const(ctx, x86_shift_lanes(ones >> c, bits)));
    }
    if (op == X86_SHIFT_SRA) {
        /* Each lane's sign bit moved to the lane's bit 0, times the lane mask: all ones or 0. */
        sign = ir_shr(blk, ir_and(blk, x, x86_const(ctx, x86_shift_lanes((uint64_t)1 << (bits - 1), bits))),
                      x86_const(ctx, bits - 1));
        sign = ir_mul(blk, sign, x86_const(ctx, ones));
        r = ir_or(blk, r, ir_and(blk, sign, x86_const(ctx, x86_shift_lanes(~(ones >> c) & ones, bits))));
    }
    return r;
}

/* psrldq (left = false) and pslldq: the 128-bit value hi:lo moved by 8 * n bits. */
static void x86_shift_bytes(X86Disas *ctx, bool left, unsigned n, IrTemp lo, IrTemp hi, IrTemp d[2])
{
    IrBlock *blk = ctx->blk;
    IrTemp zero = x86_const(ctx, 0);
    unsigned k = 8 * (n % 8);

    if (n >= 16) {
        d[0] = d[1] = zero;
        return;
    }
    if (n >= 8) {
        /* A whole half moves, then by k more bits. */
        d[0] = left ? zero : (k ? ir_shr(blk, hi, x86_const(ctx, k)) : hi);
        d[1] = left ? (k ? ir_shl(blk, lo, x86_const(ctx, k)) : lo) : zero;
        return;
    }
    if (k == 0) {
        d[0] = lo;
        d[1] = hi;
        return;
    }
    if (left) {
        d[0] = ir_shl(blk, lo, x86_const(ctx, k));
        d[1] = ir_or(blk, ir_shl(blk, hi, x86_const(ctx, k)), ir_shr(blk, lo, x86_const(ctx, 64 - k)));
    } else {
        d[0] = ir_or(blk, ir_shr(blk, lo, x86_const(ctx, k)), ir_shl(blk, hi, x86_const(ctx, 64 - k)));
        d[1] = ir_shr(blk, hi, x86_const(ctx, k));
    }
}

bool x86_sse_try_shift(X86Disas *ctx, const X86Insn *in)
{
    static const struct { uint8_t opcode, ext, op, bits; } rows[] = {
        { 0x71, 2, X86_SHIFT_SRL, 16 }, { 0x71, 4, X86_SHIFT_SRA, 16 }, { 0x71, 6, X86_SHIFT_SLL, 16 },
        { 0x72, 2, X86_SHIFT_SRL, 32 }, { 0x72, 4, X86_SHIFT_SRA, 32 }, { 0x72, 6, X86_SHIFT_SLL, 32 },
        { 0x73, 2, X86_SHIFT_SRL, 64 }, { 0x73, 6, X86_SHIFT_SLL, 64 },
    };
    IrBlock *blk = ctx->blk;
    unsigned ext = (in->modrm >> 3) & 7, c = (uint8_t)in->imm;
    IrTemp x[2], d[2];

    /* No prefix: the MMX forms (trans_mmx.c); a memory operand is #UD there too. */
    if (in->map != X86_MAP_0F || in->opcode < 0x71 || in->opcode > 0x73 || x86_sse_prefix(in) != X86_PFX_66 ||
        in->mod != 3) {
        return false;
    }
    x[0] = ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 0));
    x[1] = ir_get(blk, IR_I64, X86_OFF_XMM(in->rm, 1));
    if (in->opcode == 0x73 && (ext == 3 || ext == 7)) {
        x86_shift_bytes(ctx, ext == 7, c, x[0], x[1], d);
    } else {
        size_t i = 0;

        while (i < G_N_ELEMENTS(rows) && !(rows[i].opcode == in->opcode && rows[i].ext == ext)) {
            i++;
        }
        if (i == G_N_ELEMENTS(rows)) {
            return false;
        }
        for (unsigned h = 0; h < 2; h++) {
            d[h] = x86_shift_half(ctx, (X86SseShift)rows[i].op, rows[i].bits, c, x[h]);
        }
    }
    ir_set(blk, X86_OFF_XMM(in->rm, 0), d[0]);
    ir_set(blk, X86_OFF_XMM(in->rm, 1), d[1]);
    return true;
}
