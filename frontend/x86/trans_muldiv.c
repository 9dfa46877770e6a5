/*
 * Multiplication and division (Intel SDM Vol. 2 MUL, IMUL, DIV, IDIV).
 *
 * MUL/IMUL set CF = OF = "the high half is significant"; SF ZF AF PF are undefined
 * and come from the low half here (X86_CCK_MUL).  DIV/IDIV raise #DE
 * (GUEST_EXIT_FPE, code 0) for a zero divisor or a quotient that does not fit,
 * tested before the IR's total division; their flags are undefined and left as
 * they were.  The 128-bit dividend of the 64-bit forms goes to a helper.
 */
#include "frontend/x86/internal.h"

/* (value != its sign-extension from size): the IMUL overflow test. */
static IrTemp x86_not_sext(X86Disas *ctx, IrTemp p, unsigned size)
{
    return ir_setcond(ctx->blk, IR_COND_NE, p, x86_sext(ctx, p, size));
}

/* Signed size-byte product of a and b (zero-extended inputs): low part, overflow flag source. */
static IrTemp x86_imul(X86Disas *ctx, unsigned size, IrTemp a, IrTemp b, IrTemp *ovf, IrTemp *hi)
{
    IrBlock *blk = ctx->blk;
    IrTemp lo;

    if (size == 8) {
        lo = ir_mul(blk, a, b);
        *hi = ir_mulhs(blk, a, b);
        *ovf = ir_setcond(blk, IR_COND_NE, *hi, ir_sar(blk, lo, x86_const(ctx, 63)));
        return lo;
    }
    lo = ir_mul(blk, x86_sext(ctx, a, size), x86_sext(ctx, b, size));
    *ovf = x86_not_sext(ctx, lo, size);
    *hi = ir_sar(blk, lo, x86_const(ctx, size * 8));
    return lo;
}

/* Write the double-size product: AX for bytes, else rDX:rAX. */
static void x86_set_product(X86Disas *ctx, unsigned size, IrTemp lo, IrTemp hi)
{
    if (size == 1) {
        x86_set_reg(ctx, X86_RAX, 2, lo);
        return;
    }
    x86_set_reg(ctx, X86_RAX, size, lo);
    x86_set_reg(ctx, X86_RDX, size, hi);
}

/*
 * #DE when cond (a, b) holds: a branch round the raise to a label that only it reaches, so
 * the JIT keeps the registers it holds dirty and stores them only on the way out (a label
 * shared by two tests made it store them all before the first).
 */
static void x86_de_if(X86Disas *ctx, IrCond cond, IrTemp a, IrTemp b)
{
    IrBlock *blk = ctx->blk;
    uint32_t ok = ir_label_new(blk);

    ir_brcond(blk, ir_cond_invert(cond), a, b, ok);
    ir_raise(blk, GUEST_EXIT_FPE, 0, IR_TEMP_NONE);
    ir_label(blk, ok);
}

static void x86_gen_div(X86Disas *ctx, unsigned size, IrTemp v, bool is_signed)
{
    IrBlock *blk = ctx->blk;
    IrTemp n, q, r, d, hi;

    if (size == 8) {
        ir_call2(blk, &ir_helper_x86_div64, v, x86_const(ctx, is_signed));
        return;
    }
    if (size == 1) {
        n = x86_get_reg(ctx, X86_RAX, 2);
        hi = ir_extract(blk, n, 8, 8);
    } else {
        hi = x86_get_reg(ctx, X86_RDX, size);
        n = ir_or(blk, x86_get_reg(ctx, X86_RAX, size), ir_shl(blk, hi, x86_const(ctx, size * 8)));
    }
    if (is_signed) {
        x86_de_if(ctx, IR_COND_EQ, v, x86_const(ctx, 0));
        n = x86_sext(ctx, n, size * 2);
        d = x86_sext(ctx, v, size);
        q = ir_divs(blk, n, d);
        r = ir_rems(blk, n, d);
        x86_de_if(ctx, IR_COND_NE, q, x86_sext(ctx, q, size));
    } else {
        /* The quotient fits in size bytes exactly when the high half is below the divisor
         * (which also catches a zero divisor): one test before the division. */
        x86_de_if(ctx, IR_COND_GEU, hi, v);
        q = ir_divu(blk, n, v);
        r = ir_remu(blk, n, v);
    }
    if (size == 1) {
        x86_set_reg(ctx, X86_RAX, 2, ir_or(blk, x86_zext(ctx, q, 1), ir_shl(blk, x86_zext(ctx, r, 1),
                                                                              x86_const(ctx, 8))));
    } else {
        x86_set_reg(ctx, X86_RAX, size, x86_zext(ctx, q, size));
        x86_set_reg(ctx, X86_RDX, size, x86_zext(ctx, r, size));
    }
}

/* Group 3 /4../7: MUL, IMUL (one operand), DIV, IDIV. */
bool x86_trans_muldiv(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned size = in->opsz;
    IrTemp v = x86_ld_rm(ctx, size), a = x86_get_reg(ctx, X86_RAX, size), lo, hi, ovf;

    switch (in->desc->param) {
    case 0:
        if (size == 8) {
            lo = ir_mul(blk, a, v);
            hi = ir_mulhu(blk, a, v);
        } else {
            lo = ir_mul(blk, a, v);
            hi = ir_shr(blk, lo, x86_const(ctx, size * 8));
        }
        x86_set_product(ctx, size, lo, hi);
        x86_cc_set(ctx, X86_CCK_MUL, size, lo, hi, IR_TEMP_NONE);
        return true;
    case 1:
        lo = x86_imul(ctx, size, a, v, &ovf, &hi);
        x86_set_product(ctx, size, lo, hi);
        x86_cc_set(ctx, X86_CCK_MUL, size, lo, ovf, IR_TEMP_NONE);
        return true;
    default:
        x86_gen_div(ctx, size, v, in->desc->param == 3);
        return true;
    }
}

/* IMUL r, r/m, imm (69, 6B). */
bool x86_trans_imul_imm(X86Disas *ctx, const X86Insn *in)
{
    unsigned size = in->opsz;
    uint64_t m = size == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (size * 8)) - 1;
    IrTemp hi, ovf;
    IrTemp lo = x86_imul(ctx, size, x86_ld_rm(ctx, size), x86_const(ctx, (uint64_t)in->imm & m), &ovf, &hi);

    x86_set_reg(ctx, in->reg, size, lo);
    x86_cc_set(ctx, X86_CCK_MUL, size, lo, ovf, IR_TEMP_NONE);
    return true;
}

/* IMUL r, r/m (0F AF). */
bool x86_trans_imul2(X86Disas *ctx, const X86Insn *in)
{
    unsigned size = in->opsz;
    IrTemp hi, ovf;
    IrTemp lo = x86_imul(ctx, size, x86_get_reg(ctx, in->reg, size), x86_ld_rm(ctx, size), &ovf, &hi);

    x86_set_reg(ctx, in->reg, size, lo);
    x86_cc_set(ctx, X86_CCK_MUL, size, lo, ovf, IR_TEMP_NONE);
    return true;
}
