/*
 * Integer arithmetic, logic, moves and exchanges (Intel SDM Vol. 1 7.3.1-7.3.2,
 * 7.3.5; Vol. 2 entries ADD ... XOR, MOV, MOVZX, MOVSX/MOVSXD, LEA, XCHG, CMPXCHG,
 * CMPXCHG8B/16B, XADD, CBW/CWDE/CDQE, CWD/CDQ/CQO, CMOVcc, SETcc, BSWAP).
 *
 * Operand values are i64 temps zero-extended from their size; results are written
 * through x86_set_reg / x86_st_rm, which apply the partial-register rules.
 * LOCK forms: add/sub/and/or/xor/xchg/xadd are IR atomics; adc, sbb, not, neg, inc,
 * dec are a compare-and-swap that, when memory changed under it, ends the block
 * and runs the instruction again.
 */
#include "frontend/x86/internal.h"

static uint64_t x86_size_mask(unsigned size)
{
    return size == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (size * 8)) - 1;
}

/* The immediate of this instruction truncated to size (the operand-value convention). */
static IrTemp x86_imm(X86Disas *ctx, unsigned size)
{
    return x86_const(ctx, (uint64_t)ctx->in->imm & x86_size_mask(size));
}

/*
 * A 32-bit sum or difference zero-extended once, for both its readers: the register
 * write (which zero-extends it again, a no-op ir_opt_zext drops) and the flags (the
 * carry of a following adc/sbb compares it): one value for the JIT, not two copies.
 */
static IrTemp x86_alu_wrap(X86Disas *ctx, unsigned size, IrTemp r)
{
    return size == 4 ? ir_zext(ctx->blk, r, 32) : r;
}

/* a op b with its flags; op is X86_ALU_*. */
static IrTemp x86_alu_compute(X86Disas *ctx, unsigned op, unsigned size, IrTemp a, IrTemp b)
{
    IrBlock *blk = ctx->blk;
    IrTemp r, c;

    switch (op) {
    case X86_ALU_ADD:
        r = x86_alu_wrap(ctx, size, ir_add(blk, a, b));
        x86_cc_set(ctx, X86_CCK_ADD, size, r, b, a);
        return r;
    case X86_ALU_ADC:
        /* The carry right before its add: the JIT adds a compare's carry with adc (try_fuse_carry). */
        r = ir_add(blk, a, b);
        c = x86_gen_flag(ctx, X86_CF);
        r = x86_alu_wrap(ctx, size, ir_add(blk, r, c));
        x86_cc_set(ctx, X86_CCK_ADC, size, r, b, a);
        return r;
    case X86_ALU_SBB:
        r = ir_sub(blk, a, b);
        c = x86_gen_flag(ctx, X86_CF);
        r = x86_alu_wrap(ctx, size, ir_sub(blk, r, c));
        x86_cc_set(ctx, X86_CCK_SBB, size, r, b, a);
        return r;
    case X86_ALU_SUB:
        r = x86_alu_wrap(ctx, size, ir_sub(blk, a, b));
        x86_cc_set(ctx, X86_CCK_SUB, size, r, b, a);
        return r;
    case X86_ALU_CMP:
        r = ir_sub(blk, a, b);
        x86_cc_set(ctx, X86_CCK_SUB, size, r, b, a);
        return r;
    case X86_ALU_AND:
        r = ir_and(blk, a, b);
        break;
    case X86_ALU_OR:
        r = ir_or(blk, a, b);
        break;
    case X86_ALU_XOR:
        r = ir_xor(blk, a, b);
        break;
    default:
        g_assert_not_reached();
    }
    x86_cc_set(ctx, X86_CCK_LOGIC, size, r, IR_TEMP_NONE, IR_TEMP_NONE);
    return r;
}

/*
 * A locked read-modify-write that IR atomics cannot express: compare-and-swap the
 * computed value; if memory changed meanwhile, leave the block to run this
 * instruction again.  fn computes the new value from the old one (and records the
 * flags, stored only once the swap succeeded).  Ends the block.
 */
typedef IrTemp X86RmwFn(X86Disas *ctx, unsigned size, IrTemp old, void *opaque);

static void x86_locked_rmw(X86Disas *ctx, unsigned size, X86RmwFn *fn, void *opaque)
{
    IrBlock *blk = ctx->blk;
    IrTemp ea = x86_gen_ea(ctx);
    IrTemp old = x86_ld(ctx, size, ea);
    uint32_t retry = ir_label_new(blk);
    IrTemp nv, seen;

    /* The flags are stored only after success: the retry must see the old ones. */
    ctx->cc_defer = true;
    nv = fn(ctx, size, old, opaque);
    ctx->cc_defer = false;
    seen = ir_cmpxchg(blk, x86_memop(size), ea, old, nv);
    ir_brcond(blk, IR_COND_NE, seen, old, retry);
    x86_cc_flush(ctx);
    x86_gen_goto(ctx, ctx->next_pc);
    ir_label(blk, retry);
    x86_gen_goto(ctx, ctx->pc);
    ctx->end_block = true;
}

typedef struct X86AluArgs {
    unsigned op;
    IrTemp b;
} X86AluArgs;

static IrTemp x86_alu_rmw(X86Disas *ctx, unsigned size, IrTemp old, void *opaque)
{
    X86AluArgs *a = opaque;

    return x86_alu_compute(ctx, a->op, size, old, a->b);
}

/* ADD OR ADC SBB AND SUB XOR CMP in the four operand forms. */
bool x86_trans_alu(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned op = in->desc->param & 7, form = in->desc->param & 0x30, size = in->opsz;
    IrTemp a, b, r;

    if (form == X86_ALU_GE) {
        a = x86_get_reg(ctx, in->reg, size);
        /* Both operands one register (xor eax,eax; sub; cmp; test...): one temp, so x^x folds to 0. */
        b = in->mod == 3 && in->rm == in->reg ? a : x86_ld_rm(ctx, size);
        r = x86_alu_compute(ctx, op, size, a, b);
        if (op != X86_ALU_CMP) {
            x86_set_reg(ctx, in->reg, size, r);
        }
        return true;
    }
    if (form == X86_ALU_AI) {
        a = x86_get_reg(ctx, X86_RAX, size);
        r = x86_alu_compute(ctx, op, size, a, x86_imm(ctx, size));
        if (op != X86_ALU_CMP) {
            x86_set_reg(ctx, X86_RAX, size, r);
        }
        return true;
    }
    b = form == X86_ALU_EI ? x86_imm(ctx, size) : x86_get_reg(ctx, in->reg, size);
    if (form == X86_ALU_EG && in->mod == 3 && in->rm == in->reg && !in->lock) {
        r = x86_alu_compute(ctx, op, size, b, b);
        if (op != X86_ALU_CMP) {
            x86_set_reg(ctx, in->reg, size, r);
        }
        return true;
    }
    if (in->lock) {
        IrAtomicOp aop;
        IrTemp old, v = b;

        switch (op) {
        case X86_ALU_ADD: aop = IR_ATOMIC_ADD; break;
        case X86_ALU_SUB: aop = IR_ATOMIC_ADD; v = ir_neg(blk, b); break;
        case X86_ALU_AND: aop = IR_ATOMIC_AND; break;
        case X86_ALU_OR:  aop = IR_ATOMIC_OR; break;
        case X86_ALU_XOR: aop = IR_ATOMIC_XOR; break;
        default: {
            X86AluArgs args = { .op = op, .b = b };

            x86_locked_rmw(ctx, size, x86_alu_rmw, &args);
            return true;
        }
        }
        old = ir_atomic_rmw(blk, aop, x86_memop(size), x86_gen_ea(ctx), v);
        x86_alu_compute(ctx, op, size, old, b);
        return true;
    }
    a = x86_ld_rm(ctx, size);
    r = x86_alu_compute(ctx, op, size, a, b);
    if (op != X86_ALU_CMP) {
        x86_st_rm(ctx, size, r);
    }
    return true;
}

/* TEST: E,G (param 0), accumulator,imm (1), E,imm (2). */
bool x86_trans_test(X86Disas *ctx, const X86Insn *in)
{
    unsigned size = in->opsz;
    IrTemp a, b;

    switch (in->desc->param) {
    case 0:
        b = x86_get_reg(ctx, in->reg, size);
        a = in->mod == 3 && in->rm == in->reg ? b : x86_ld_rm(ctx, size);
        break;
    case 1:
        a = x86_get_reg(ctx, X86_RAX, size);
        b = x86_imm(ctx, size);
        break;
    default:
        a = x86_ld_rm(ctx, size);
        b = x86_imm(ctx, size);
        break;
    }
    x86_cc_set(ctx, X86_CCK_LOGIC, size, ir_and(ctx->blk, a, b), IR_TEMP_NONE, IR_TEMP_NONE);
    return true;
}

/* NOT (0), NEG (1), INC (2), DEC (3) of v, with flags (NOT has none). */
static IrTemp x86_unary_compute(X86Disas *ctx, unsigned size, IrTemp v, void *opaque)
{
    IrBlock *blk = ctx->blk;
    unsigned op = *(unsigned *)opaque;
    IrTemp r, cf;

    switch (op) {
    case 0:
        return ir_not(blk, v);
    case 1:
        r = ir_neg(blk, v);
        x86_cc_set(ctx, X86_CCK_SUB, size, r, v, x86_const(ctx, 0));
        return r;
    default:
        cf = x86_gen_flag(ctx, X86_CF);
        r = op == 2 ? ir_add(blk, v, x86_const(ctx, 1)) : ir_sub(blk, v, x86_const(ctx, 1));
        x86_cc_set(ctx, op == 2 ? X86_CCK_INC : X86_CCK_DEC, size, r, cf, v);
        return r;
    }
}

bool x86_trans_unary(X86Disas *ctx, const X86Insn *in)
{
    unsigned op = in->desc->param;

    if (in->lock) {
        x86_locked_rmw(ctx, in->opsz, x86_unary_compute, &op);
        return true;
    }
    x86_st_rm(ctx, in->opsz, x86_unary_compute(ctx, in->opsz, x86_ld_rm(ctx, in->opsz), &op));
    return true;
}

/* 40+r / 48+r in 32-bit mode. */
bool x86_trans_incdec_reg(X86Disas *ctx, const X86Insn *in)
{
    unsigned op = 2 + in->desc->param;

    x86_set_reg(ctx, in->reg, in->opsz,
                x86_unary_compute(ctx, in->opsz, x86_get_reg(ctx, in->reg, in->opsz), &op));
    return true;
}

/* MOV E,G / G,E / E,imm. */
bool x86_trans_mov(X86Disas *ctx, const X86Insn *in)
{
    switch (in->desc->param) {
    case X86_ALU_EG:
        x86_st_rm(ctx, in->opsz, x86_get_reg(ctx, in->reg, in->opsz));
        return true;
    case X86_ALU_GE:
        x86_set_reg(ctx, in->reg, in->opsz, x86_ld_rm(ctx, in->opsz));
        return true;
    default:
        x86_st_rm(ctx, in->opsz, x86_imm(ctx, in->opsz));
        return true;
    }
}

/* B0+r ib, B8+r iz/io. */
bool x86_trans_mov_ri(X86Disas *ctx, const X86Insn *in)
{
    x86_set_reg(ctx, in->reg, in->opsz, x86_imm(ctx, in->opsz));
    return true;
}

/* A0-A3: accumulator from/to an absolute offset (segment overrides apply). */
bool x86_trans_mov_moffs(X86Disas *ctx, const X86Insn *in)
{
    IrTemp addr = x86_gen_addr(ctx, x86_const(ctx, (uint64_t)in->imm), in->seg);

    if (in->desc->param == 0) {
        x86_set_reg(ctx, X86_RAX, in->opsz, x86_ld(ctx, in->opsz, addr));
    } else {
        x86_st(ctx, in->opsz, addr, x86_get_reg(ctx, X86_RAX, in->opsz));
    }
    return true;
}

/* MOVZX from a byte or word (param = source bytes). */
bool x86_trans_movzx(X86Disas *ctx, const X86Insn *in)
{
    x86_set_reg(ctx, in->reg, in->opsz, x86_ld_rm(ctx, in->desc->param));
    return true;
}

/* MOVSX (byte, word) and MOVSXD (param 4; a plain 32-bit move without REX.W). */
bool x86_trans_movsx(X86Disas *ctx, const X86Insn *in)
{
    unsigned src = in->desc->param;

    if (src >= in->opsz) {
        x86_set_reg(ctx, in->reg, in->opsz, x86_ld_rm(ctx, in->opsz));
        return true;
    }
    x86_set_reg(ctx, in->reg, in->opsz, x86_sext(ctx, x86_ld_rm(ctx, src), src));
    return true;
}

bool x86_trans_lea(X86Disas *ctx, const X86Insn *in)
{
    x86_set_reg(ctx, in->reg, in->opsz, x86_gen_lea(ctx));
    return true;
}

/* XCHG r/m, r: with memory always atomic (an implicit LOCK, SDM Vol. 2 XCHG). */
bool x86_trans_xchg(X86Disas *ctx, const X86Insn *in)
{
    unsigned size = in->opsz;
    IrTemp r = x86_get_reg(ctx, in->reg, size), old;

    if (in->mod == 3) {
        old = x86_get_reg(ctx, in->rm, size);
        x86_set_reg(ctx, in->rm, size, r);
    } else {
        old = ir_atomic_rmw(ctx->blk, IR_ATOMIC_XCHG, x86_memop(size), x86_gen_ea(ctx), r);
    }
    x86_set_reg(ctx, in->reg, size, old);
    return true;
}

/* 90+r: xchg with the accumulator; 90 itself (without REX.B) is nop, F3 90 pause. */
bool x86_trans_xchg_acc(X86Disas *ctx, const X86Insn *in)
{
    unsigned size = in->opsz;
    IrTemp a, r;

    if (in->reg == X86_RAX) {
        return true;
    }
    a = x86_get_reg(ctx, X86_RAX, size);
    r = x86_get_reg(ctx, in->reg, size);
    x86_set_reg(ctx, X86_RAX, size, r);
    x86_set_reg(ctx, in->reg, size, a);
    return true;
}

/* CBW / CWDE / CDQE: the accumulator's lower half sign-extended into it. */
bool x86_trans_cbw(X86Disas *ctx, const X86Insn *in)
{
    unsigned half = in->opsz / 2;

    x86_set_reg(ctx, X86_RAX, in->opsz, x86_sext(ctx, x86_get_reg(ctx, X86_RAX, half), half));
    return true;
}

/* CWD / CDQ / CQO: rDX = the sign of rAX. */
bool x86_trans_cwd(X86Disas *ctx, const X86Insn *in)
{
    IrTemp s = x86_sext(ctx, x86_get_reg(ctx, X86_RAX, in->opsz), in->opsz);

    x86_set_reg(ctx, X86_RDX, in->opsz, ir_sar(ctx->blk, s, x86_const(ctx, 63)));
    return true;
}

/* CMOVcc: the source is read (and may fault) whatever the condition; a 32-bit
 * destination is zero-extended even when nothing moves. */
bool x86_trans_cmov(X86Disas *ctx, const X86Insn *in)
{
    IrTemp v = x86_ld_rm(ctx, in->opsz), a, b;
    IrCond c = x86_gen_cc(ctx, in->desc->param, &a, &b);

    x86_set_reg(ctx, in->reg, in->opsz, ir_select(ctx->blk, c, a, b, v, x86_get_reg(ctx, in->reg, in->opsz)));
    return true;
}

bool x86_trans_setcc(X86Disas *ctx, const X86Insn *in)
{
    IrTemp a, b;
    IrCond c = x86_gen_cc(ctx, in->desc->param, &a, &b);

    x86_st_rm(ctx, 1, ir_setcond(ctx->blk, c, a, b));
    return true;
}

/* BSWAP r32/r64; with a 16-bit operand the result is undefined: 0, as Intel parts give. */
bool x86_trans_bswap(X86Disas *ctx, const X86Insn *in)
{
    IrTemp v = x86_get_reg(ctx, in->reg, in->opsz);

    if (in->opsz == 2) {
        x86_set_reg(ctx, in->reg, 2, x86_const(ctx, 0));
        return true;
    }
    x86_set_reg(ctx, in->reg, in->opsz, ir_bswap(ctx->blk, v, in->opsz * 8));
    return true;
}

/* XADD: dest = dest + src, src = old dest, flags of the addition. */
bool x86_trans_xadd(X86Disas *ctx, const X86Insn *in)
{
    unsigned size = in->opsz;
    IrTemp s = x86_get_reg(ctx, in->reg, size), old, r;

    if (in->mod == 3) {
        old = x86_get_reg(ctx, in->rm, size);
        r = x86_alu_compute(ctx, X86_ALU_ADD, size, old, s);
        x86_set_reg(ctx, in->reg, size, old);
        x86_set_reg(ctx, in->rm, size, r);
        return true;
    }
    if (in->lock) {
        old = ir_atomic_rmw(ctx->blk, IR_ATOMIC_ADD, x86_memop(size), x86_gen_ea(ctx), s);
        x86_alu_compute(ctx, X86_ALU_ADD, size, old, s);
    } else {
        old = x86_ld_rm(ctx, size);
        x86_st_rm(ctx, size, x86_alu_compute(ctx, X86_ALU_ADD, size, old, s));
    }
    x86_set_reg(ctx, in->reg, size, old);
    return true;
}

/*
 * CMPXCHG: compare the accumulator with the destination; equal: dest = src, else
 * accumulator = dest.  Each register is written only in its case, so a 32-bit
 * accumulator (or register destination) keeps its upper half in the other case, as
 * the host CPU does.  Flags as CMP accumulator, dest.  Memory forms are
 * always a compare-and-swap.
 */
bool x86_trans_cmpxchg(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned size = in->opsz;
    IrTemp acc = x86_get_reg(ctx, X86_RAX, size), s = x86_get_reg(ctx, in->reg, size), old, rax;

    if (in->mod == 3) {
        /* A register destination is written only on success (a 32-bit one keeps its upper half otherwise). */
        old = x86_get_reg(ctx, in->rm, size);
        if (size == 1) {
            x86_set_reg8(ctx, in->rm, ir_select(blk, IR_COND_EQ, acc, old, s, old));
        } else {
            ir_set(blk, X86_OFF_REG(in->rm),
                   ir_select(blk, IR_COND_EQ, acc, old, x86_reg_after_write(ctx, in->rm, size, s),
                             ir_get(blk, IR_I64, X86_OFF_REG(in->rm))));
        }
    } else {
        old = ir_cmpxchg(blk, x86_memop(size), x86_gen_ea(ctx), acc, s);
    }
    x86_alu_compute(ctx, X86_ALU_CMP, size, acc, old);
    rax = ir_get(blk, IR_I64, X86_OFF_REG(X86_RAX));
    ir_set(blk, X86_OFF_REG(X86_RAX),
           ir_select(blk, IR_COND_EQ, acc, old, rax, x86_reg_after_write(ctx, X86_RAX, size, old)));
    return true;
}

/*
 * CMPXCHG16B m128 (REX.W 0F C7 /1): #GP unless 16-byte aligned.  The IR first
 * touches both halves with atomic ORs of 0 (so a page that is missing or read-only
 * faults like any store, before anything changes); the helper then runs the host's
 * lock cmpxchg16b on the guest memory, atomic against other guest threads' atomics.
 */
static bool x86_gen_cmpxchg16b(X86Disas *ctx)
{
    IrBlock *blk = ctx->blk;
    IrTemp ea = x86_gen_ea(ctx), zf;

    x86_sse_check_align(ctx);
    ir_atomic_rmw(blk, IR_ATOMIC_OR, IR_MEM_64, ea, x86_const(ctx, 0));
    ir_atomic_rmw(blk, IR_ATOMIC_OR, IR_MEM_64, ir_add(blk, ea, x86_const(ctx, 8)), x86_const(ctx, 0));
    zf = ir_call1(blk, &ir_helper_x86_cmpxchg16b, ea);
    x86_cc_set_flags(ctx, ir_or(blk, ir_and(blk, x86_gen_arith_flags(ctx), x86_const(ctx, ~(uint64_t)X86_ZF)),
                                ir_shl(blk, zf, x86_const(ctx, 6))));
    return true;
}

/*
 * CMPXCHG8B / CMPXCHG16B (REX.W): compare edx:eax with m64 (rdx:rax with m128).
 * The 16-byte form needs a 128-bit compare-and-swap the IR does not have: a helper.
 */
bool x86_trans_cmpxchg8b(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp exp, nv, old, eq;

    if (in->opsz == 8) {
        return x86_gen_cmpxchg16b(ctx);
    }
    exp = ir_or(blk, x86_get_reg(ctx, X86_RAX, 4), ir_shl(blk, x86_get_reg(ctx, X86_RDX, 4), x86_const(ctx, 32)));
    nv = ir_or(blk, x86_get_reg(ctx, X86_RBX, 4), ir_shl(blk, x86_get_reg(ctx, X86_RCX, 4), x86_const(ctx, 32)));
    old = ir_cmpxchg(blk, IR_MEM_64, x86_gen_ea(ctx), exp, nv);
    eq = ir_setcond(blk, IR_COND_EQ, old, exp);
    /* ZF = equal; the other flags stay. */
    x86_cc_set_flags(ctx, ir_or(blk, ir_and(blk, x86_gen_arith_flags(ctx), x86_const(ctx, ~(uint64_t)X86_ZF)),
                                ir_shl(blk, eq, x86_const(ctx, 6))));
    /* On failure edx:eax = the memory value (on success they are unchanged). */
    ir_set(blk, X86_OFF_REG(X86_RAX), ir_select(blk, IR_COND_EQ, old, exp, ir_get(blk, IR_I64, X86_OFF_REG(X86_RAX)),
                                                ir_zext(blk, old, 32)));
    ir_set(blk, X86_OFF_REG(X86_RDX), ir_select(blk, IR_COND_EQ, old, exp, ir_get(blk, IR_I64, X86_OFF_REG(X86_RDX)),
                                                ir_shr(blk, old, x86_const(ctx, 32))));
    return true;
}

/* MOVBE (0F 38 F0 load, F1 store): a byte-reversed move; with F2 it is CRC32 (not lifted). */
bool x86_trans_movbe(X86Disas *ctx, const X86Insn *in)
{
    unsigned size = in->opsz;

    if (in->repne) {
        return x86_trans_sse(ctx, in);      /* crc32 */
    }
    if (in->rep || in->mod == 3) {
        return false;
    }
    if (in->desc->param == 0) {
        x86_set_reg(ctx, in->reg, size, ir_bswap(ctx->blk, x86_ld_rm(ctx, size), size * 8));
    } else {
        x86_st_rm(ctx, size, ir_bswap(ctx->blk, x86_get_reg(ctx, in->reg, size), size * 8));
    }
    return true;
}

/* XLAT: AL = [rBX + AL] (DS, or the override). */
bool x86_trans_xlat(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp off = ir_add(blk, x86_get_reg(ctx, X86_RBX, in->adsz), x86_get_reg(ctx, X86_RAX, 1));

    x86_set_reg(ctx, X86_RAX, 1, x86_ld(ctx, 1, x86_gen_addr(ctx, off, in->seg)));
    return true;
}

/* MOV r/m16, Sreg: the selector (loads are x86_trans_mov_to_seg's); reg 6 and 7 are #UD. */
bool x86_trans_mov_from_seg(X86Disas *ctx, const X86Insn *in)
{
    static const uint32_t offs[6] = { X86_OFF(es), X86_OFF(cs), X86_OFF(ss), X86_OFF(ds), X86_OFF(fs),
                                      X86_OFF(gs) };
    unsigned sreg = (in->modrm >> 3) & 7;
    IrTemp v;

    if (sreg > 5) {
        return false;
    }
    v = ir_extract(ctx->blk, ir_extu32(ctx->blk, ir_get(ctx->blk, IR_I32, offs[sreg])), 0, 16);
    /* A register destination takes the size of the operand (zero-extended), memory 16 bits. */
    if (in->mod == 3) {
        unsigned size = in->rex & 8 ? 8 : in->p66 ? 2 : 4;

        x86_set_reg(ctx, in->rm, size, v);
    } else {
        x86_st_rm(ctx, 2, v);
    }
    return true;
}

/*
 * MOV Sreg, r/m16 (SDM Vol. 2 MOV): the selector is checked and the segment's base
 * loaded by a helper (only FS and GS have a base in user mode: glibc's i386 TLS is a
 * set_thread_area descriptor loaded into GS).  CS cannot be loaded (#UD).
 */
bool x86_trans_mov_to_seg(X86Disas *ctx, const X86Insn *in)
{
    unsigned sreg = (in->modrm >> 3) & 7;

    if (sreg > 5 || sreg == X86_SEG_CS) {
        return false;
    }
    IrTemp sel = x86_ld_rm(ctx, 2);
    ir_call2(ctx->blk, &ir_helper_x86_load_seg, x86_const(ctx, sreg), sel);
    return true;
}
