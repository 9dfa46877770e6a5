/*
 * Reference semantics of every pure op on concrete values.  The constant folder
 * and the interpreter both call this, so "what an op means" is written once;
 * the JIT is tested against it.
 */
#include "ir/ir.h"

static unsigned width(IrType t)
{
    return t == IR_I32 ? 32 : 64;
}

static int64_t sval(IrType t, uint64_t v)
{
    return t == IR_I32 ? (int64_t)(int32_t)v : (int64_t)v;
}

static uint64_t mask_bits(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

/* High half of a 64x64 product; for i32 the operands are already extended. */
static uint64_t mulh(IrType t, uint64_t a, uint64_t b, bool sa, bool sb)
{
    if (t == IR_I32) {
        int64_t x = sa ? (int64_t)(int32_t)a : (int64_t)(uint32_t)a;
        int64_t y = sb ? (int64_t)(int32_t)b : (int64_t)(uint32_t)b;
        return (uint64_t)((__int128)x * y >> 32);
    }
    __int128 x = sa ? (__int128)(int64_t)a : (__int128)a;
    __int128 y = sb ? (__int128)(int64_t)b : (__int128)b;
    return (uint64_t)((x * y) >> 64);
}

static uint64_t divide(IrOpcode op, IrType t, uint64_t a, uint64_t b)
{
    unsigned w = width(t);
    int64_t min = t == IR_I32 ? INT32_MIN : INT64_MIN;
    int64_t x = sval(t, a), y = sval(t, b);

    switch (op) {
    case IR_OP_DIVU:
        return b == 0 ? mask_bits(w) : a / b;
    case IR_OP_REMU:
        return b == 0 ? a : a % b;
    case IR_OP_DIVS:
        if (y == 0) {
            return ~0ull;
        }
        if (x == min && y == -1) {
            return (uint64_t)min;
        }
        return (uint64_t)(x / y);
    case IR_OP_REMS:
        if (y == 0) {
            return a;
        }
        if (x == min && y == -1) {
            return 0;
        }
        return (uint64_t)(x % y);
    default:
        g_assert_not_reached();
    }
}

static uint64_t bswap_bits(uint64_t v, unsigned bits)
{
    switch (bits) {
    case 16: return __builtin_bswap16((uint16_t)v);
    case 32: return __builtin_bswap32((uint32_t)v);
    case 64: return __builtin_bswap64(v);
    default: g_assert_not_reached();
    }
}

uint64_t ir_eval_pure(const IrInsn *insn, const uint64_t *in)
{
    IrType t = (IrType)insn->type;
    unsigned w = width(t);
    uint64_t a = insn->nin > 0 ? ir_truncate(t, in[0]) : 0;
    uint64_t b = insn->nin > 1 ? ir_truncate(t, in[1]) : 0;
    uint64_t r;
    unsigned sh;

    switch ((IrOpcode)insn->op) {
    case IR_OP_CONST: r = (uint64_t)insn->imm[0]; break;
    case IR_OP_MOV: r = a; break;
    case IR_OP_ADD: r = a + b; break;
    case IR_OP_SUB: r = a - b; break;
    case IR_OP_MUL: r = a * b; break;
    case IR_OP_MULHS: r = mulh(t, a, b, true, true); break;
    case IR_OP_MULHU: r = mulh(t, a, b, false, false); break;
    case IR_OP_MULHSU: r = mulh(t, a, b, true, false); break;
    case IR_OP_DIVS:
    case IR_OP_DIVU:
    case IR_OP_REMS:
    case IR_OP_REMU:
        r = divide((IrOpcode)insn->op, t, a, b);
        break;
    case IR_OP_NEG: r = -a; break;
    case IR_OP_NOT: r = ~a; break;
    case IR_OP_AND: r = a & b; break;
    case IR_OP_OR: r = a | b; break;
    case IR_OP_XOR: r = a ^ b; break;
    case IR_OP_SHL: r = a << (b & (w - 1)); break;
    case IR_OP_SHR: r = a >> (b & (w - 1)); break;
    case IR_OP_SAR: r = (uint64_t)(sval(t, a) >> (b & (w - 1))); break;
    case IR_OP_ROTL:
        sh = b & (w - 1);
        r = sh == 0 ? a : (a << sh) | (a >> (w - sh));
        break;
    case IR_OP_ROTR:
        sh = b & (w - 1);
        r = sh == 0 ? a : (a >> sh) | (a << (w - sh));
        break;
    case IR_OP_SEXT:
        sh = 64 - (unsigned)insn->imm[0];
        r = (uint64_t)((int64_t)(a << sh) >> sh);
        break;
    case IR_OP_ZEXT: r = a & mask_bits((unsigned)insn->imm[0]); break;
    case IR_OP_EXTU32: r = (uint32_t)in[0]; break;
    case IR_OP_EXTS32: r = (uint64_t)(int64_t)(int32_t)in[0]; break;
    case IR_OP_TRUNC: r = (uint32_t)in[0]; break;
    case IR_OP_EXTRACT:
        r = (a >> insn->imm[0]) & mask_bits((unsigned)insn->imm[1]);
        break;
    case IR_OP_DEPOSIT: {
        uint64_t m = mask_bits((unsigned)insn->imm[1]) << insn->imm[0];
        r = (a & ~m) | ((b << insn->imm[0]) & m);
        break;
    }
    case IR_OP_CLZ: r = a == 0 ? w : (unsigned)__builtin_clzll(a) - (64 - w); break;
    case IR_OP_CTZ: r = a == 0 ? w : (unsigned)__builtin_ctzll(a); break;
    case IR_OP_POPCNT: r = (unsigned)__builtin_popcountll(a); break;
    case IR_OP_BSWAP: r = bswap_bits(a, (unsigned)insn->imm[0]); break;
    case IR_OP_SETCOND: r = ir_cond_eval((IrCond)insn->imm[0], t, a, b); break;
    case IR_OP_SELECT:
        /* The compare is done at the op type too: frontends compare like-typed values. */
        r = ir_cond_eval((IrCond)insn->imm[0], t, a, b) ? in[2] : in[3];
        break;
    case IR_OP_FADD:
    case IR_OP_FSUB:
    case IR_OP_FMUL:
    case IR_OP_FDIV:
        r = ir_eval_fp(insn, a, b, 0);
        break;
    case IR_OP_FSQRT:
        r = ir_eval_fp(insn, a, 0, 0);
        break;
    case IR_OP_FMA:
        r = ir_eval_fp(insn, a, b, ir_truncate(t, in[2]));
        break;
    case IR_OP_FCMP:
        r = ir_eval_fcmp(t, a, b);
        break;
    case IR_OP_FEXT:
        r = ir_eval_fext((uint32_t)in[0]);
        break;
    case IR_OP_FADDH:
    case IR_OP_FSUBH:
    case IR_OP_FMULH:
    case IR_OP_FDIVH:
    case IR_OP_FSQRTH:
    case IR_OP_FCMPH:
    case IR_OP_NOP:
    case IR_OP_GET:
    case IR_OP_SET:
    case IR_OP_LOAD:
    case IR_OP_STORE:
    case IR_OP_ATOMIC_RMW:
    case IR_OP_CMPXCHG:
    case IR_OP_FENCE:
    case IR_OP_HOSTLD8:
    case IR_OP_CALL:
    case IR_OP_INSN_START:
    case IR_OP_LABEL:
    case IR_OP_BR:
    case IR_OP_BRCOND:
    case IR_OP_GOTO_BLOCK:
    case IR_OP_GOTO_PTR:
    case IR_OP_RAS_PUSH:
    case IR_OP_GOTO_RET:
    case IR_OP_RAISE:
    case IR_OP_COUNT:
        g_assert_not_reached();
    }
    return ir_truncate(t, r);
}
