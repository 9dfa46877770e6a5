/*
 * Lazy arithmetic flags (Intel SDM Vol. 1 3.4.3.1 and appendix A, EFLAGS cross-
 * reference), and the instructions that move flags as a whole: pushf/popf,
 * lahf/sahf, clc/stc/cmc, cld/std.
 *
 * A producer stores cc_op and those of (cc_dst, cc_src, cc_src2) its kind uses in
 * state slots (meanings per kind in cpu.h); dead-set elimination drops the stores a
 * later producer overwrites before anything reads them.  A reader computes just the flag it asks for: from the
 * producer's temps when the producer is in the same block (X86Disas.cc_op known),
 * where compare + jcc/setcc/cmovcc become one IR comparison of the compared values,
 * or through the pure helper x86_cc_compute() on the stored slots otherwise (at block
 * entry, and after a label where paths join unless every path left the same cc_op:
 * x86_cc_reload).  AF and
 * PF are exact; flags the SDM leaves undefined get the value the formulas below give.
 */
#include "frontend/x86/internal.h"

/* --- The reference computation (also the helper readers call) --- */

static uint64_t x86_mask(unsigned bits)
{
    return bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
}

uint32_t x86_cc_compute(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    X86CcKind kind = (X86CcKind)(cc_op / 4);
    unsigned bits = 8u << (cc_op & 3);
    uint64_t m = x86_mask(bits);
    uint64_t d = dst & m, s = src & m, a = src2 & m, c;
    unsigned sign = bits - 1;
    uint32_t cf = 0, af = 0, of = 0;
    uint32_t f;

    /* These kinds do not store their result (x86_cc_flush): it follows from the operands. */
    if (kind == X86_CCK_ADD || kind == X86_CCK_SUB || kind == X86_CCK_INC || kind == X86_CCK_DEC) {
        uint64_t b = kind == X86_CCK_ADD || kind == X86_CCK_SUB ? s : 1;

        d = (kind == X86_CCK_ADD || kind == X86_CCK_INC ? a + b : a - b) & m;
    }
    switch (kind) {
    case X86_CCK_EFLAGS:
        return (uint32_t)src & X86_ARITH_FLAGS;
    case X86_CCK_ADD:
        cf = d < a;
        af = ((a ^ s ^ d) >> 4) & 1;
        of = (((a ^ d) & (s ^ d)) >> sign) & 1;
        break;
    case X86_CCK_ADC:
        c = (d - a - s) & m;
        cf = c ? d <= a : d < a;
        af = ((a ^ s ^ d) >> 4) & 1;
        of = (((a ^ d) & (s ^ d)) >> sign) & 1;
        break;
    case X86_CCK_SUB:
        cf = a < s;
        af = ((a ^ s ^ d) >> 4) & 1;
        of = (((a ^ s) & (a ^ d)) >> sign) & 1;
        break;
    case X86_CCK_SBB:
        c = (a - s - d) & m;
        cf = c ? a <= s : a < s;
        af = ((a ^ s ^ d) >> 4) & 1;
        of = (((a ^ s) & (a ^ d)) >> sign) & 1;
        break;
    case X86_CCK_LOGIC:
        break;
    case X86_CCK_INC:
        cf = src & 1;
        af = ((a ^ 1 ^ d) >> 4) & 1;
        of = d == (uint64_t)1 << sign;
        break;
    case X86_CCK_DEC:
        cf = src & 1;
        af = ((a ^ 1 ^ d) >> 4) & 1;
        of = a == (uint64_t)1 << sign;
        break;
    case X86_CCK_SHL:
        cf = (s >> sign) & 1;
        of = cf ^ ((d >> sign) & 1);
        break;
    case X86_CCK_SHR:
        cf = src & 1;
        of = (a >> sign) & 1;
        break;
    case X86_CCK_SAR:
        cf = src & 1;
        break;
    case X86_CCK_MUL:
        cf = of = s != 0;
        break;
    case X86_CCK_COUNT:
        g_assert_not_reached();
    }
    f = cf ? X86_CF : 0;
    f |= (__builtin_popcount((unsigned)(d & 0xff)) & 1) ? 0 : X86_PF;
    f |= af ? X86_AF : 0;
    f |= d == 0 ? X86_ZF : 0;
    f |= ((d >> sign) & 1) ? X86_SF : 0;
    f |= of ? X86_OF : 0;
    return f;
}

uint64_t helper_x86_cc_compute(uint64_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    return x86_cc_compute((uint32_t)cc_op, dst, src, src2);
}

uint64_t x86_get_eflags(const X86Cpu *cpu)
{
    return (cpu->eflags & ~(uint64_t)X86_ARITH_FLAGS) | X86_EFLAGS_FIXED |
           x86_cc_compute((uint32_t)cpu->cc_op, cpu->cc_dst, cpu->cc_src, cpu->cc_src2);
}

void x86_set_eflags(X86Cpu *cpu, uint64_t v)
{
    cpu->eflags = (v & ~(uint64_t)X86_ARITH_FLAGS) | X86_EFLAGS_FIXED;
    cpu->cc_op = X86_CC_EFLAGS;
    cpu->cc_src = v & X86_ARITH_FLAGS;
    cpu->cc_dst = cpu->cc_src2 = 0;
}

/* --- Producers --- */

static unsigned x86_log2_size(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

void x86_cc_set(X86Disas *ctx, X86CcKind kind, unsigned size, IrTemp dst, IrTemp src, IrTemp src2)
{
    uint32_t op = X86_CC_OP(kind, x86_log2_size(size));

    dst = dst ? dst : x86_const(ctx, 0);
    src = src ? src : x86_const(ctx, 0);
    src2 = src2 ? src2 : x86_const(ctx, 0);
    ctx->cc_op = op;
    ctx->cc_dst = dst;
    ctx->cc_src = src;
    ctx->cc_src2 = src2;
    ctx->cc_pending = true;
    if (!ctx->cc_defer) {
        x86_cc_flush(ctx);
    }
}

void x86_cc_flush(X86Disas *ctx)
{
    IrBlock *blk = ctx->blk;

    if (!ctx->cc_pending) {
        return;
    }
    ctx->cc_pending = false;
    ir_set(blk, X86_OFF(cc_op), x86_const(ctx, ctx->cc_op));
    /*
     * Only the slots x86_cc_compute reads for this kind: a logic result or a loaded
     * EFLAGS image costs two stores instead of four, add/sub/cmp/inc/dec three; the
     * stale slots are never read for this cc_op.
     */
    switch ((X86CcKind)(ctx->cc_op / 4)) {
    case X86_CCK_EFLAGS:
        ir_set(blk, X86_OFF(cc_src), ctx->cc_src);
        return;
    case X86_CCK_LOGIC:
        ir_set(blk, X86_OFF(cc_dst), ctx->cc_dst);
        return;
    case X86_CCK_SAR:
    case X86_CCK_MUL:
        ir_set(blk, X86_OFF(cc_dst), ctx->cc_dst);
        ir_set(blk, X86_OFF(cc_src), ctx->cc_src);
        return;
    case X86_CCK_ADD:
    case X86_CCK_SUB:
    case X86_CCK_INC:
    case X86_CCK_DEC:
        /* The result is src2 +/- src (or 1): x86_cc_compute recomputes it. */
        ir_set(blk, X86_OFF(cc_src), ctx->cc_src);
        ir_set(blk, X86_OFF(cc_src2), ctx->cc_src2);
        return;
    default:
        ir_set(blk, X86_OFF(cc_dst), ctx->cc_dst);
        ir_set(blk, X86_OFF(cc_src), ctx->cc_src);
        ir_set(blk, X86_OFF(cc_src2), ctx->cc_src2);
        return;
    }
}

void x86_cc_set_flags(X86Disas *ctx, IrTemp flags)
{
    x86_cc_set(ctx, X86_CCK_EFLAGS, 1, x86_const(ctx, 0), flags, x86_const(ctx, 0));
}

void x86_cc_forget(X86Disas *ctx)
{
    ctx->cc_op = X86_CC_DYNAMIC;
}

/*
 * After a label where every joining path left the same cc_op in the state slots: the
 * slots that kind stores (x86_cc_flush) become the producer's temps again, the result
 * of add/sub/inc/dec recomputed from them, so readers after the label compute their
 * flag inline instead of calling x86_cc_compute on all four slots.
 */
void x86_cc_reload(X86Disas *ctx, uint32_t cc_op)
{
    IrBlock *blk = ctx->blk;
    IrTemp zero = x86_const(ctx, 0), dst = zero, src = zero, src2 = zero;
    X86CcKind kind = (X86CcKind)(cc_op / 4);

    switch (kind) {
    case X86_CCK_EFLAGS:
        src = ir_get(blk, IR_I64, X86_OFF(cc_src));
        break;
    case X86_CCK_LOGIC:
        dst = ir_get(blk, IR_I64, X86_OFF(cc_dst));
        break;
    case X86_CCK_SAR:
    case X86_CCK_MUL:
        dst = ir_get(blk, IR_I64, X86_OFF(cc_dst));
        src = ir_get(blk, IR_I64, X86_OFF(cc_src));
        break;
    case X86_CCK_ADD:
    case X86_CCK_SUB:
    case X86_CCK_INC:
    case X86_CCK_DEC:
        src = ir_get(blk, IR_I64, X86_OFF(cc_src));
        src2 = ir_get(blk, IR_I64, X86_OFF(cc_src2));
        if (kind == X86_CCK_ADD || kind == X86_CCK_SUB) {
            dst = kind == X86_CCK_ADD ? ir_add(blk, src2, src) : ir_sub(blk, src2, src);
        } else {
            dst = kind == X86_CCK_INC ? ir_add(blk, src2, x86_const(ctx, 1)) : ir_sub(blk, src2, x86_const(ctx, 1));
        }
        break;
    default:
        dst = ir_get(blk, IR_I64, X86_OFF(cc_dst));
        src = ir_get(blk, IR_I64, X86_OFF(cc_src));
        src2 = ir_get(blk, IR_I64, X86_OFF(cc_src2));
        break;
    }
    ctx->cc_op = cc_op;
    ctx->cc_dst = dst;
    ctx->cc_src = src;
    ctx->cc_src2 = src2;
    ctx->cc_pending = false;
}

/* --- Readers --- */

static IrTemp x86_cc_helper(X86Disas *ctx)
{
    IrBlock *blk = ctx->blk;

    if (ctx->cc_op != X86_CC_DYNAMIC) {
        return ir_call4(blk, &ir_helper_x86_cc_compute, x86_const(ctx, ctx->cc_op), ctx->cc_dst, ctx->cc_src,
                        ctx->cc_src2);
    }
    return ir_call4(blk, &ir_helper_x86_cc_compute, ir_get(blk, IR_I64, X86_OFF(cc_op)),
                    ir_get(blk, IR_I64, X86_OFF(cc_dst)), ir_get(blk, IR_I64, X86_OFF(cc_src)),
                    ir_get(blk, IR_I64, X86_OFF(cc_src2)));
}

static IrTemp x86_flag_inline(X86Disas *ctx, uint32_t flag);

/*
 * All six arithmetic flags (an EFLAGS image): inline, one flag at a time, when the
 * producer is known -- bsf/bsr and bt merge their flags into these after every
 * pmovmskb test of glibc's string functions, and the flags a logic op leaves
 * constant fold away -- else x86_cc_compute on the slots.
 */
IrTemp x86_gen_arith_flags(X86Disas *ctx)
{
    static const uint32_t flags[] = { X86_CF, X86_PF, X86_AF, X86_ZF, X86_SF, X86_OF };
    IrTemp r;

    if (ctx->cc_op == X86_CC_EFLAGS) {
        return ctx->cc_src;
    }
    if (ctx->cc_op == X86_CC_DYNAMIC) {
        return x86_cc_helper(ctx);
    }
    r = x86_const(ctx, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(flags); i++) {
        r = ir_or(ctx->blk, r, ir_shl(ctx->blk, x86_flag_inline(ctx, flags[i]),
                                      x86_const(ctx, (unsigned)__builtin_ctz(flags[i]))));
    }
    return r;
}

static IrTemp x86_bit(X86Disas *ctx, IrTemp v, unsigned pos)
{
    return ir_extract(ctx->blk, v, pos, 1);
}

static IrTemp x86_set1(X86Disas *ctx, IrCond c, IrTemp a, IrTemp b)
{
    return ir_setcond(ctx->blk, c, a, b);
}

/* One flag computed inline from the producer's temps (cc_op known at lift time). */
static IrTemp x86_flag_inline(X86Disas *ctx, uint32_t flag)
{
    IrBlock *blk = ctx->blk;
    X86CcKind kind = (X86CcKind)(ctx->cc_op / 4);
    unsigned size = 1u << (ctx->cc_op & 3), sign = size * 8 - 1;
    IrTemp d, s, a, zero;

    if (kind == X86_CCK_EFLAGS) {
        return x86_bit(ctx, ctx->cc_src, (unsigned)__builtin_ctz(flag));
    }
    d = x86_zext(ctx, ctx->cc_dst, size);
    s = x86_zext(ctx, ctx->cc_src, size);
    a = x86_zext(ctx, ctx->cc_src2, size);
    zero = x86_const(ctx, 0);
    switch (flag) {
    case X86_ZF:
        return x86_set1(ctx, IR_COND_EQ, d, zero);
    case X86_SF:
        return x86_bit(ctx, d, sign);
    case X86_PF:
        return ir_xor(blk, ir_and(blk, ir_popcnt(blk, ir_and(blk, d, x86_const(ctx, 0xff))), x86_const(ctx, 1)),
                      x86_const(ctx, 1));
    case X86_AF:
        switch (kind) {
        case X86_CCK_ADD: case X86_CCK_ADC: case X86_CCK_SUB: case X86_CCK_SBB:
            return x86_bit(ctx, ir_xor(blk, ir_xor(blk, a, s), d), 4);
        case X86_CCK_INC: case X86_CCK_DEC:
            return x86_bit(ctx, ir_xor(blk, ir_xor(blk, a, x86_const(ctx, 1)), d), 4);
        default:
            return zero;
        }
    case X86_CF:
        switch (kind) {
        case X86_CCK_ADD:
            return x86_set1(ctx, IR_COND_LTU, d, a);
        case X86_CCK_ADC: {
            IrTemp c = x86_zext(ctx, ir_sub(blk, ir_sub(blk, d, a), s), size);
            return ir_select(blk, IR_COND_NE, c, zero, x86_set1(ctx, IR_COND_LEU, d, a),
                             x86_set1(ctx, IR_COND_LTU, d, a));
        }
        case X86_CCK_SUB:
            return x86_set1(ctx, IR_COND_LTU, a, s);
        case X86_CCK_SBB: {
            IrTemp c = x86_zext(ctx, ir_sub(blk, ir_sub(blk, a, s), d), size);
            return ir_select(blk, IR_COND_NE, c, zero, x86_set1(ctx, IR_COND_LEU, a, s),
                             x86_set1(ctx, IR_COND_LTU, a, s));
        }
        case X86_CCK_INC: case X86_CCK_DEC: case X86_CCK_SHR: case X86_CCK_SAR:
            return x86_bit(ctx, ctx->cc_src, 0);
        case X86_CCK_SHL:
            return x86_bit(ctx, s, sign);
        case X86_CCK_MUL:
            return x86_set1(ctx, IR_COND_NE, s, zero);
        default:
            return zero;
        }
    case X86_OF:
        switch (kind) {
        case X86_CCK_ADD: case X86_CCK_ADC:
            return x86_bit(ctx, ir_and(blk, ir_xor(blk, a, d), ir_xor(blk, s, d)), sign);
        case X86_CCK_SUB: case X86_CCK_SBB:
            return x86_bit(ctx, ir_and(blk, ir_xor(blk, a, s), ir_xor(blk, a, d)), sign);
        case X86_CCK_INC:
            return x86_set1(ctx, IR_COND_EQ, d, x86_const(ctx, (uint64_t)1 << sign));
        case X86_CCK_DEC:
            return x86_set1(ctx, IR_COND_EQ, a, x86_const(ctx, (uint64_t)1 << sign));
        case X86_CCK_SHL:
            return x86_bit(ctx, ir_xor(blk, s, d), sign);
        case X86_CCK_SHR:
            return x86_bit(ctx, a, sign);
        case X86_CCK_MUL:
            return x86_set1(ctx, IR_COND_NE, s, zero);
        default:
            return zero;
        }
    default:
        g_assert_not_reached();
    }
}

IrTemp x86_gen_flag(X86Disas *ctx, uint32_t flag)
{
    if (ctx->cc_op != X86_CC_DYNAMIC) {
        return x86_flag_inline(ctx, flag);
    }
    return x86_bit(ctx, x86_cc_helper(ctx), (unsigned)__builtin_ctz(flag));
}

/*
 * Condition codes (SDM Vol. 1 appendix B): cc >> 1 picks O, B, E, BE, S, P, L, LE and
 * bit 0 negates.  Right after a compare (SUB kind) the unsigned and signed relations
 * are comparisons of the compared values themselves.
 */
IrCond x86_gen_cc(X86Disas *ctx, unsigned cc, IrTemp *a, IrTemp *b)
{
    IrBlock *blk = ctx->blk;
    bool neg = cc & 1;
    unsigned base = cc >> 1;
    IrCond c = IR_COND_NE;
    IrTemp v = IR_TEMP_NONE, zero = x86_const(ctx, 0);

    if (ctx->cc_op != X86_CC_DYNAMIC && ctx->cc_op / 4 != X86_CCK_EFLAGS) {
        X86CcKind kind = (X86CcKind)(ctx->cc_op / 4);
        unsigned size = 1u << (ctx->cc_op & 3);

        if (kind == X86_CCK_SUB && (base == 1 || base == 2 || base == 3 || base == 6 || base == 7)) {
            bool sgn = base >= 6;

            *a = sgn ? x86_sext(ctx, ctx->cc_src2, size) : x86_zext(ctx, ctx->cc_src2, size);
            *b = sgn ? x86_sext(ctx, ctx->cc_src, size) : x86_zext(ctx, ctx->cc_src, size);
            c = base == 1 ? IR_COND_LTU : base == 2 ? IR_COND_EQ : base == 3 ? IR_COND_LEU :
                base == 6 ? IR_COND_LT : IR_COND_LE;
            return neg ? ir_cond_invert(c) : c;
        }
        if (base == 2 || base == 4 || (kind == X86_CCK_LOGIC && (base == 6 || base == 7))) {
            *a = base == 2 ? x86_zext(ctx, ctx->cc_dst, size) : x86_sext(ctx, ctx->cc_dst, size);
            *b = zero;
            c = base == 2 ? IR_COND_EQ : base == 4 || base == 6 ? IR_COND_LT : IR_COND_LE;
            return neg ? ir_cond_invert(c) : c;
        }
    }
    if (ctx->cc_op == X86_CC_DYNAMIC) {
        /* One helper call, then the bits the condition needs. */
        IrTemp f = x86_cc_helper(ctx);

        ctx->cc_op = X86_CC_EFLAGS;     /* read the bits from f below, then forget again */
        ctx->cc_src = f;
        v = IR_TEMP_NONE;
        switch (base) {
        case 0: v = x86_gen_flag(ctx, X86_OF); break;
        case 1: v = x86_gen_flag(ctx, X86_CF); break;
        case 2: v = x86_gen_flag(ctx, X86_ZF); break;
        case 3: v = ir_or(blk, x86_gen_flag(ctx, X86_CF), x86_gen_flag(ctx, X86_ZF)); break;
        case 4: v = x86_gen_flag(ctx, X86_SF); break;
        case 5: v = x86_gen_flag(ctx, X86_PF); break;
        case 6: v = ir_xor(blk, x86_gen_flag(ctx, X86_SF), x86_gen_flag(ctx, X86_OF)); break;
        default:
            v = ir_or(blk, x86_gen_flag(ctx, X86_ZF),
                      ir_xor(blk, x86_gen_flag(ctx, X86_SF), x86_gen_flag(ctx, X86_OF)));
            break;
        }
        ctx->cc_op = X86_CC_DYNAMIC;
    } else {
        switch (base) {
        case 0: v = x86_gen_flag(ctx, X86_OF); break;
        case 1: v = x86_gen_flag(ctx, X86_CF); break;
        case 2: v = x86_gen_flag(ctx, X86_ZF); break;
        case 3: v = ir_or(blk, x86_gen_flag(ctx, X86_CF), x86_gen_flag(ctx, X86_ZF)); break;
        case 4: v = x86_gen_flag(ctx, X86_SF); break;
        case 5: v = x86_gen_flag(ctx, X86_PF); break;
        case 6: v = ir_xor(blk, x86_gen_flag(ctx, X86_SF), x86_gen_flag(ctx, X86_OF)); break;
        default:
            v = ir_or(blk, x86_gen_flag(ctx, X86_ZF),
                      ir_xor(blk, x86_gen_flag(ctx, X86_SF), x86_gen_flag(ctx, X86_OF)));
            break;
        }
    }
    *a = v;
    *b = zero;
    return neg ? IR_COND_EQ : IR_COND_NE;
}

/* --- Whole-flags instructions --- */

/* cmc, clc, stc (SDM Vol. 2 CMC/CLC/STC), cld, std (DF lives in eflags). */
bool x86_trans_flagop(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp f, ef;

    switch (in->desc->param) {
    case 0:
        x86_cc_set_flags(ctx, ir_xor(blk, x86_gen_arith_flags(ctx), x86_const(ctx, X86_CF)));
        return true;
    case 1:
        x86_cc_set_flags(ctx, ir_and(blk, x86_gen_arith_flags(ctx), x86_const(ctx, ~(uint64_t)X86_CF)));
        return true;
    case 2:
        f = x86_gen_arith_flags(ctx);
        x86_cc_set_flags(ctx, ir_or(blk, f, x86_const(ctx, X86_CF)));
        return true;
    case 3:
    case 4:
        ef = ir_get(blk, IR_I64, X86_OFF(eflags));
        ef = in->desc->param == 3 ? ir_and(blk, ef, x86_const(ctx, ~(uint64_t)X86_DF))
                                  : ir_or(blk, ef, x86_const(ctx, X86_DF));
        ir_set(blk, X86_OFF(eflags), ef);
        return true;
    default:
        g_assert_not_reached();
    }
}

/* pushf (SDM Vol. 2 PUSHF): the whole EFLAGS image; 16 bits with 66. */
bool x86_trans_pushf(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp v = ir_or(blk, x86_gen_arith_flags(ctx), ir_get(blk, IR_I64, X86_OFF(eflags)));

    x86_push(ctx, in->opsz, x86_zext(ctx, v, in->opsz));
    return true;
}

/* popf: arithmetic flags, DF, TF, AC, ID from the stack; IF and IOPL stay (user mode). */
bool x86_trans_popf(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp v = x86_pop(ctx, in->opsz);
    uint64_t mask = X86_POPF_MASK & x86_mask(in->opsz * 8);
    IrTemp ef = ir_and(blk, ir_get(blk, IR_I64, X86_OFF(eflags)), x86_const(ctx, ~mask));

    ef = ir_or(blk, ef, ir_and(blk, v, x86_const(ctx, mask)));
    ir_set(blk, X86_OFF(eflags), ef);
    x86_cc_set_flags(ctx, ir_and(blk, v, x86_const(ctx, X86_ARITH_FLAGS)));
    return true;
}

#define X86_SAHF_FLAGS (X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF)

/* sahf: SF ZF AF PF CF from AH; OF stays. */
bool x86_trans_sahf(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp ah = ir_extract(blk, ir_get(blk, IR_I64, X86_OFF_REG(X86_RAX)), 8, 8);
    IrTemp f = ir_and(blk, x86_gen_arith_flags(ctx), x86_const(ctx, X86_OF));

    (void)in;
    x86_cc_set_flags(ctx, ir_or(blk, f, ir_and(blk, ah, x86_const(ctx, X86_SAHF_FLAGS))));
    return true;
}

/* lahf: AH = SF ZF 0 AF 0 PF 1 CF. */
bool x86_trans_lahf(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp f = ir_and(blk, x86_gen_arith_flags(ctx), x86_const(ctx, X86_SAHF_FLAGS));
    IrTemp rax = ir_get(blk, IR_I64, X86_OFF_REG(X86_RAX));

    (void)in;
    ir_set(blk, X86_OFF_REG(X86_RAX), ir_deposit(blk, rax, ir_or(blk, f, x86_const(ctx, X86_EFLAGS_FIXED)), 8, 8));
    return true;
}
