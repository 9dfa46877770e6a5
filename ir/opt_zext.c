/*
 * Redundant zero extensions: ZEXT n (and AND with 2^n - 1) of a value whose bits
 * from n up are already zero.  Guests with 32-bit registers on 64-bit temps (i386,
 * and 32-bit operations of x86-64) zero-extend every register read and every result,
 * so after copy propagation one value passes through chains of ZEXT 32: each would
 * cost the JIT a "mov r32, r32".  The pass tracks, for single-def i64 temps, how many
 * low bits can be non-zero, and replaces the uses of a redundant extension's result
 * by its input (DCE then drops the extension).  A GET of a slot the lifter declared
 * narrow (IrBlock.narrow_slots: i386 registers) has 32 bits, and a TRUNC of a ZEXT 32
 * reads the ZEXT's input (an i386 address: the wrap needs only the low half).
 */
#include "ir/ir.h"

static unsigned const_bits(uint64_t v)
{
    return v == 0 ? 0 : 64 - (unsigned)__builtin_clzll(v);
}

static unsigned min_u(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

static unsigned max_u(unsigned a, unsigned b)
{
    return a > b ? a : b;
}

/* Bits that can be non-zero in the output of insn (64: unknown). */
static unsigned out_bits(const IrBlock *blk, const uint8_t *bits, const IrInsn *insn)
{
    switch ((IrOpcode)insn->op) {
    case IR_OP_GET: {
        uint64_t off = (uint64_t)insn->imm[0];

        return off % 8 == 0 && off / 8 < 64 && (blk->narrow_slots >> (off / 8) & 1) ? 32 : 64;
    }
    case IR_OP_CONST:
        return const_bits((uint64_t)insn->imm[0]);
    case IR_OP_MOV:
        return bits[insn->in[0]];
    case IR_OP_ZEXT:
        return min_u((unsigned)insn->imm[0], bits[insn->in[0]]);
    case IR_OP_EXTU32:
        return 32;
    case IR_OP_EXTRACT:
        return min_u((unsigned)insn->imm[1], 64);
    case IR_OP_SETCOND:
        return 1;
    case IR_OP_CLZ:
    case IR_OP_CTZ:
    case IR_OP_POPCNT:
        return 7;
    case IR_OP_LOAD: {
        IrMemOp mop = (IrMemOp)insn->imm[0];

        return (mop & IR_MEM_SIGN) ? 64 : min_u(ir_memop_size(mop) * 8, 64);
    }
    case IR_OP_AND:
        return min_u(bits[insn->in[0]], bits[insn->in[1]]);
    case IR_OP_OR:
    case IR_OP_XOR:
        return max_u(bits[insn->in[0]], bits[insn->in[1]]);
    case IR_OP_ADD:
        return min_u(max_u(bits[insn->in[0]], bits[insn->in[1]]) + 1, 64);
    case IR_OP_MUL:
        return min_u(bits[insn->in[0]] + bits[insn->in[1]], 64);
    case IR_OP_SELECT:
        return max_u(bits[insn->in[2]], bits[insn->in[3]]);
    default:
        return 64;      /* shifts: by constant counts only, in ir_opt_zext */
    }
}

void ir_opt_zext(IrBlock *blk)
{
    uint8_t *bits = ir_block_scratch(blk, 0, blk->n_temps);
    IrTemp *repl = ir_block_scratch(blk, 1, blk->n_temps * sizeof(IrTemp));
    uint64_t *cval = ir_block_scratch(blk, 2, blk->n_temps * sizeof(uint64_t));
    bool *is_const = ir_block_scratch(blk, 3, blk->n_temps * sizeof(bool));
    IrTemp *zext_of = ir_block_scratch(blk, 4, blk->n_temps * sizeof(IrTemp));

    for (uint32_t t = 0; t < blk->n_temps; t++) {
        bits[t] = 64;
    }
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        IrInsn *insn = &blk->insns[i];
        IrTemp out = insn->out;
        unsigned b;

        for (unsigned k = 0; k < insn->nin; k++) {
            if (insn->in[k] != IR_TEMP_NONE && repl[insn->in[k]] != IR_TEMP_NONE) {
                insn->in[k] = repl[insn->in[k]];
            }
        }
        /* The low half of a zero extension from 32 bits or more is its input's low half. */
        if (insn->op == IR_OP_TRUNC && zext_of[insn->in[0]] != IR_TEMP_NONE) {
            insn->in[0] = zext_of[insn->in[0]];
        }
        if (ir_op_info[insn->op].nout == 0 || out == IR_TEMP_NONE || blk->temps[out].ndefs != 1 ||
            insn->type != IR_I64) {
            continue;
        }
        if (insn->op == IR_OP_CONST) {
            is_const[out] = true;
            cval[out] = (uint64_t)insn->imm[0];
        }
        b = out_bits(blk, bits, insn);
        if (insn->op == IR_OP_ZEXT && insn->imm[0] >= 32 && blk->temps[insn->in[0]].ndefs == 1 &&
            ir_temp_type(blk, insn->in[0]) == IR_I64) {
            zext_of[out] = insn->in[0];
        }
        if ((insn->op == IR_OP_SHR || insn->op == IR_OP_SHL) && is_const[insn->in[1]]) {
            unsigned c = (unsigned)(cval[insn->in[1]] & 63), a = bits[insn->in[0]];

            b = insn->op == IR_OP_SHR ? (a > c ? a - c : 0) : min_u(a + c, 64);
        }
        /* The extension changes nothing: later uses read its input instead. */
        if ((insn->op == IR_OP_ZEXT && bits[insn->in[0]] <= (unsigned)insn->imm[0]) ||
            (insn->op == IR_OP_AND && is_const[insn->in[1]] && cval[insn->in[1]] != ~(uint64_t)0 &&
             ((cval[insn->in[1]] + 1) & cval[insn->in[1]]) == 0 &&
             bits[insn->in[0]] <= const_bits(cval[insn->in[1]]))) {
            IrTemp src = insn->in[0];

            if (blk->temps[src].ndefs == 1) {
                repl[out] = src;
            }
        }
        bits[out] = (uint8_t)b;
    }
}
