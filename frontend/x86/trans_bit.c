/*
 * Bit tests and scans (Intel SDM Vol. 2 BT, BTS, BTR, BTC, BSF, BSR, TZCNT, LZCNT,
 * POPCNT).  Flags the SDM leaves undefined keep their previous values here, except
 * that popcnt clears all but ZF as specified.  BSF/BSR of 0 leave the destination
 * unchanged (all 64 bits), as AMD documents and Intel parts do.
 */
#include "frontend/x86/internal.h"

/* Replace the flags in mask with bits (i64 in EFLAGS positions), keeping the others. */
static void x86_merge_flags(X86Disas *ctx, uint32_t mask, IrTemp bits)
{
    IrBlock *blk = ctx->blk;
    IrTemp f = ir_and(blk, x86_gen_arith_flags(ctx), x86_const(ctx, ~(uint64_t)mask));

    x86_cc_set_flags(ctx, ir_or(blk, f, bits));
}

/*
 * BT/BTS/BTR/BTC (param & 3: test, set, reset, complement; 0x10: immediate offset).
 * A register offset into memory is signed and may reach outside the addressed
 * operand: the address moves by (offset >> log2(bits)) operands.
 */
bool x86_trans_bt(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned op = in->desc->param & 3, size = in->opsz, bits = size * 8;
    IrTemp off, bit, v, mask, nv = IR_TEMP_NONE, cf, addr = IR_TEMP_NONE;

    if (in->desc->param & 0x10) {
        off = x86_const(ctx, (uint64_t)in->imm & (bits - 1));
    } else {
        off = x86_get_reg(ctx, in->reg, size);
    }
    bit = ir_and(blk, off, x86_const(ctx, bits - 1));
    mask = ir_shl(blk, x86_const(ctx, 1), bit);
    if (in->mod == 3) {
        v = x86_get_reg(ctx, in->rm, size);
    } else {
        addr = x86_gen_ea(ctx);
        if (!(in->desc->param & 0x10)) {
            IrTemp disp = ir_shl(blk, ir_sar(blk, x86_sext(ctx, off, size), x86_const(ctx, __builtin_ctz(bits))),
                                 x86_const(ctx, __builtin_ctz(size)));

            addr = x86_gen_addr(ctx, ir_add(blk, addr, disp), X86_SEG_NONE);
        }
        if (in->lock && op != 0) {
            static const IrAtomicOp aops[4] = { IR_ATOMIC_OR, IR_ATOMIC_OR, IR_ATOMIC_AND, IR_ATOMIC_XOR };
            IrTemp arg = op == 2 ? ir_not(blk, mask) : mask;

            v = ir_atomic_rmw(blk, aops[op], x86_memop(size), addr, arg);
            cf = ir_and(blk, ir_shr(blk, v, bit), x86_const(ctx, 1));
            x86_merge_flags(ctx, X86_CF, cf);
            return true;
        }
        v = x86_ld(ctx, size, addr);
    }
    cf = ir_and(blk, ir_shr(blk, v, bit), x86_const(ctx, 1));
    switch (op) {
    case 1: nv = ir_or(blk, v, mask); break;
    case 2: nv = ir_and(blk, v, ir_not(blk, mask)); break;
    case 3: nv = ir_xor(blk, v, mask); break;
    default: break;
    }
    if (nv) {
        if (in->mod == 3) {
            x86_set_reg(ctx, in->rm, size, nv);
        } else {
            x86_st(ctx, size, addr, nv);
        }
    }
    x86_merge_flags(ctx, X86_CF, cf);
    return true;
}

/* BSF (param 0) / BSR (1); with F3: TZCNT / LZCNT. */
bool x86_trans_bsf(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned size = in->opsz, bits = size * 8;
    bool rev = in->desc->param == 1;
    IrTemp v = x86_ld_rm(ctx, size), zero = x86_const(ctx, 0), r, z;

    if (in->rep) {
        if (rev) {
            r = ir_sub(blk, ir_clz(blk, v), x86_const(ctx, 64 - bits));
        } else {
            r = ir_select(blk, IR_COND_EQ, v, zero, x86_const(ctx, bits), ir_ctz(blk, v));
        }
        x86_set_reg(ctx, in->reg, size, r);
        z = ir_setcond(blk, IR_COND_EQ, r, zero);
        x86_merge_flags(ctx, X86_CF | X86_ZF,
                        ir_or(blk, ir_setcond(blk, IR_COND_EQ, v, zero), ir_shl(blk, z, x86_const(ctx, 6))));
        return true;
    }
    r = rev ? ir_sub(blk, x86_const(ctx, 63), ir_clz(blk, v)) : ir_ctz(blk, v);
    r = ir_select(blk, IR_COND_EQ, v, zero, ir_get(blk, IR_I64, X86_OFF_REG(in->reg)),
                  x86_reg_after_write(ctx, in->reg, size, r));
    ir_set(blk, X86_OFF_REG(in->reg), r);
    x86_merge_flags(ctx, X86_ZF, ir_shl(blk, ir_setcond(blk, IR_COND_EQ, v, zero), x86_const(ctx, 6)));
    return true;
}

/* POPCNT (F3 0F B8 only): ZF = source is 0, the other five flags cleared. */
bool x86_trans_popcnt(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp v;

    if (!in->rep) {
        return false;
    }
    v = x86_ld_rm(ctx, in->opsz);
    x86_set_reg(ctx, in->reg, in->opsz, ir_popcnt(blk, v));
    x86_cc_set_flags(ctx, ir_shl(blk, ir_setcond(blk, IR_COND_EQ, v, x86_const(ctx, 0)), x86_const(ctx, 6)));
    return true;
}
