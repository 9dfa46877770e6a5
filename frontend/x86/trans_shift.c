/*
 * Shifts and rotates (Intel SDM Vol. 2 SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD,
 * SHRD).  The count is masked to 5 bits (6 for 64-bit operands); a zero count
 * leaves the flags alone, so with a count from CL the flag stores sit behind a
 * branch.  SHL/SHR/SAR and 32/64-bit SHLD/SHRD are inline (X86_CCK_SHL/SHR/SAR keep
 * the last bit shifted out), and so are ROL/ROR by a constant; the other rotates and
 * 16-bit double shifts go to helpers that update the lazy flags.
 */
#include "frontend/x86/internal.h"

static IrTemp x86_shift_count(X86Disas *ctx, const X86Insn *in, unsigned mode)
{
    IrBlock *blk = ctx->blk;
    uint64_t mask = in->opsz == 8 ? 63 : 31;

    switch (mode) {
    case X86_SH_1:
        return x86_const(ctx, 1);
    case X86_SH_CL:
        return ir_and(blk, ir_extract(blk, ir_get(blk, IR_I64, X86_OFF_REG(X86_RCX)), 0, 8), x86_const(ctx, mask));
    default:
        return x86_const(ctx, (uint64_t)in->imm & mask);
    }
}

/* Store the flags of a shift by count, unless count is 0 (tested at run time if needed). */
static void x86_shift_flags(X86Disas *ctx, X86CcKind kind, unsigned size, IrTemp count, uint64_t const_count,
                            bool is_const, IrTemp r, IrTemp src, IrTemp a)
{
    IrBlock *blk = ctx->blk;
    uint32_t skip;

    if (is_const) {
        if (const_count) {
            x86_cc_set(ctx, kind, size, r, src, a);
        }
        return;
    }
    skip = ir_label_new(blk);
    x86_cc_flush(ctx);
    ir_brcond(blk, IR_COND_EQ, count, x86_const(ctx, 0), skip);
    x86_cc_set(ctx, kind, size, r, src, a);
    ir_label(blk, skip);
    x86_cc_forget(ctx);
}

/*
 * ROL/ROR by a constant count c (already masked) inline: the rotate, then (c != 0) CF
 * and OF merged into the other flags as helper_x86_rotate does (ROL: CF = bit 0 of the
 * result, OF = its top bit ^ CF; ROR: CF = the top bit, OF = top ^ the bit below).
 * Flags nothing reads fold away, which the helper call could not.
 */
static void x86_rotate_const(X86Disas *ctx, const X86Insn *in, bool left, IrTemp a, uint64_t c)
{
    IrBlock *blk = ctx->blk;
    unsigned size = in->opsz, bits = size * 8, r = (unsigned)(c % bits);
    IrTemp v = a, cf, of, f;

    if (r != 0) {
        unsigned lsh = left ? r : bits - r;

        v = ir_or(blk, ir_shl(blk, a, x86_const(ctx, lsh)), ir_shr(blk, a, x86_const(ctx, bits - lsh)));
        v = x86_zext(ctx, v, size);
    }
    x86_st_rm(ctx, size, v);
    if (c == 0) {
        return;
    }
    if (left) {
        cf = ir_extract(blk, v, 0, 1);
        of = ir_xor(blk, ir_extract(blk, v, bits - 1, 1), cf);
    } else {
        cf = ir_extract(blk, v, bits - 1, 1);
        of = ir_xor(blk, cf, ir_extract(blk, v, bits - 2, 1));
    }
    f = ir_and(blk, x86_gen_arith_flags(ctx), x86_const(ctx, ~(uint64_t)(X86_CF | X86_OF)));
    f = ir_or(blk, f, ir_or(blk, cf, ir_shl(blk, of, x86_const(ctx, (unsigned)__builtin_ctz(X86_OF)))));
    x86_cc_set_flags(ctx, f);
}

/* Group 2: ROL ROR RCL RCR SHL SHR SAL SAR by 1, CL or imm8. */
bool x86_trans_shift(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned op = (in->modrm >> 3) & 7, size = in->opsz, mode = in->desc->param;
    uint64_t mask = size == 8 ? 63 : 31;
    bool is_const = mode != X86_SH_CL;
    uint64_t cc = mode == X86_SH_1 ? 1 : (uint64_t)in->imm & mask;
    IrTemp count = x86_shift_count(ctx, in, mode);
    IrTemp a = x86_ld_rm(ctx, size), r, src, cm1;

    if (op < 2 && is_const) {
        x86_rotate_const(ctx, in, op == 0, a, cc);
        return true;
    }
    if (op < 4) {
        unsigned lg = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;

        x86_cc_flush(ctx);
        r = ir_call3(blk, &ir_helper_x86_rotate, a, count, x86_const(ctx, op | lg << 8));
        x86_cc_forget(ctx);
        x86_st_rm(ctx, size, r);
        return true;
    }
    cm1 = ir_sub(blk, count, x86_const(ctx, 1));
    switch (op) {
    case 4:
    case 6:
        r = ir_shl(blk, a, count);
        src = ir_shl(blk, a, cm1);
        x86_st_rm(ctx, size, r);
        x86_shift_flags(ctx, X86_CCK_SHL, size, count, cc, is_const, r, src, a);
        return true;
    case 5:
        r = ir_shr(blk, a, count);
        src = ir_shr(blk, a, cm1);
        x86_st_rm(ctx, size, r);
        x86_shift_flags(ctx, X86_CCK_SHR, size, count, cc, is_const, r, src, a);
        return true;
    default: {
        IrTemp as = x86_sext(ctx, a, size);

        r = ir_sar(blk, as, count);
        src = ir_sar(blk, as, cm1);
        x86_st_rm(ctx, size, r);
        x86_shift_flags(ctx, X86_CCK_SAR, size, count, cc, is_const, r, src, a);
        return true;
    }
    }
}

/*
 * SHLD/SHRD of 32/64-bit operands, inline.  Flags as the host CPU (AMD, and Bochs)
 * produces them: CF is the last bit shifted out of the destination; OF (defined for
 * count 1 only) is CF ^ MSB(result) for SHLD and MSB(result) ^ MSB-1(result) for
 * SHRD; SF ZF PF from the result, AF 0.  SHLD is then exactly the SHL kind with
 * src = dst << (count - 1), SHRD the SHR kind with src = dst >> (count - 1) and
 * src2 = result ^ (result << 1), so readers compute single flags inline.
 */
static void x86_shld_inline(X86Disas *ctx, const X86Insn *in, bool right, IrTemp count, uint64_t cc, bool is_const)
{
    IrBlock *blk = ctx->blk;
    unsigned size = in->opsz;
    IrTemp d = x86_ld_rm(ctx, size), s = x86_get_reg(ctx, in->reg, size);
    IrTemp r, src, src2, cm1 = ir_sub(blk, count, x86_const(ctx, 1));

    if (size == 4 && is_const && cc != 0) {
        /*
         * A constant count 1..31: the two halves shifted and or-ed, so the JIT does it in
         * 32-bit host operations (the or and the shift of the incoming half narrow, the
         * zero extension free) with one shift and the or on dst's path.
         */
        IrTemp keep = right ? ir_shr(blk, d, count) : ir_shl(blk, d, count);
        IrTemp in_ = right ? ir_shl(blk, s, x86_const(ctx, 32 - cc)) : ir_shr(blk, s, x86_const(ctx, 32 - cc));

        r = x86_zext(ctx, ir_or(blk, keep, in_), 4);
    } else if (size == 4) {
        /* The 64-bit concatenation shifted as a whole: count 0 gives dst back. */
        IrTemp w = right ? ir_or(blk, ir_shl(blk, s, x86_const(ctx, 32)), d)
                         : ir_or(blk, ir_shl(blk, d, x86_const(ctx, 32)), s);

        r = right ? x86_zext(ctx, ir_shr(blk, w, count), 4) : ir_shr(blk, ir_shl(blk, w, count), x86_const(ctx, 32));
    } else {
        /* s >> 1 >> (63 - count) is s >> (64 - count) but 0 for count 0 (IR counts wrap). */
        IrTemp inv = ir_xor(blk, count, x86_const(ctx, 63)), one = x86_const(ctx, 1);

        r = right ? ir_or(blk, ir_shr(blk, d, count), ir_shl(blk, ir_shl(blk, s, one), inv))
                  : ir_or(blk, ir_shl(blk, d, count), ir_shr(blk, ir_shr(blk, s, one), inv));
    }
    x86_st_rm(ctx, size, r);
    if (right) {
        src = ir_shr(blk, d, cm1);
        src2 = ir_xor(blk, r, ir_shl(blk, r, x86_const(ctx, 1)));
        x86_shift_flags(ctx, X86_CCK_SHR, size, count, cc, is_const, r, src, src2);
    } else {
        src = ir_shl(blk, d, cm1);
        x86_shift_flags(ctx, X86_CCK_SHL, size, count, cc, is_const, r, src, d);
    }
}

/* SHLD (param 0 imm8, 1 CL), SHRD (2 imm8, 3 CL). */
bool x86_trans_shld(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned p = in->desc->param, size = in->opsz;
    unsigned lg = size == 2 ? 1 : size == 4 ? 2 : 3;
    bool is_const = !(p & 1);
    IrTemp count = x86_shift_count(ctx, in, is_const ? X86_SH_IB : X86_SH_CL);
    IrTemp d, s, r, arg;

    if (size != 2) {
        x86_shld_inline(ctx, in, p >> 1, count, (uint64_t)in->imm & (size == 8 ? 63 : 31), is_const);
        return true;
    }
    /* 16-bit counts above 16 reach into a second copy of dst: the helper does that. */
    d = x86_ld_rm(ctx, size);
    s = x86_get_reg(ctx, in->reg, size);
    arg = ir_or(blk, count, x86_const(ctx, (uint64_t)((p >> 1) << 8 | lg << 16)));
    x86_cc_flush(ctx);
    r = ir_call3(blk, &ir_helper_x86_shld, d, s, arg);
    x86_cc_forget(ctx);
    x86_st_rm(ctx, size, r);
    return true;
}
