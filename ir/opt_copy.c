/*
 * Copy propagation and guest-state load forwarding.
 *
 * - `tB = mov tA` with both single-def: later uses of tB read tA.
 * - A GET of a guest-state slot that was just read or written (with no call that
 *   may write state, and no label, in between) becomes a MOV of the known value,
 *   which the first rule then removes.  This is what keeps a guest register in one
 *   temp for a whole block.
 */
#include "ir/ir.h"

typedef struct Known {
    uint32_t offset;
    uint8_t type;
    IrTemp value;
} Known;

/* The slots whose value a temp holds; at most one entry per instruction seen. */
typedef struct KnownList {
    Known *v;
    uint32_t len;
} KnownList;

static void append(KnownList *known, uint32_t offset, uint8_t type, IrTemp value)
{
    known->v[known->len++] = (Known){ offset, type, value };
}

static void forget_overlap(KnownList *known, uint32_t offset, unsigned size)
{
    for (uint32_t i = 0; i < known->len;) {
        Known *k = &known->v[i];
        unsigned ksize = k->type == IR_I32 ? 4 : 8;
        if (k->offset < offset + size && offset < k->offset + ksize) {
            *k = known->v[--known->len];
        } else {
            i++;
        }
    }
}

static IrTemp lookup(const KnownList *known, uint32_t offset, uint8_t type)
{
    for (uint32_t i = 0; i < known->len; i++) {
        const Known *k = &known->v[i];
        if (k->offset == offset && k->type == type) {
            return k->value;
        }
    }
    return IR_TEMP_NONE;
}

void ir_opt_copy(IrBlock *blk)
{
    IrTemp *repl = ir_block_scratch(blk, 0, blk->n_temps * sizeof(IrTemp));
    KnownList list = { ir_block_scratch(blk, 1, (blk->n_insns + 1) * sizeof(Known)), 0 };
    KnownList *known = &list;

    for (uint32_t i = 0; i < blk->n_insns; i++) {
        IrInsn *insn = &blk->insns[i];

        for (unsigned k = 0; k < insn->nin; k++) {
            if (repl[insn->in[k]] != IR_TEMP_NONE) {
                insn->in[k] = repl[insn->in[k]];
            }
        }
        switch ((IrOpcode)insn->op) {
        case IR_OP_MOV:
            if (blk->temps[insn->out].ndefs == 1 && blk->temps[insn->in[0]].ndefs == 1) {
                repl[insn->out] = insn->in[0];
            }
            break;
        case IR_OP_GET: {
            IrTemp v = lookup(known, (uint32_t)insn->imm[0], insn->type);
            if (v != IR_TEMP_NONE) {
                insn->op = IR_OP_MOV;
                insn->nin = 1;
                insn->in[0] = v;
                insn->imm[0] = 0;
                if (blk->temps[insn->out].ndefs == 1) {
                    repl[insn->out] = v;
                }
            } else if (blk->temps[insn->out].ndefs == 1) {
                append(known, (uint32_t)insn->imm[0], insn->type, insn->out);
            }
            break;
        }
        case IR_OP_SET: {
            uint32_t off = (uint32_t)insn->imm[0];
            forget_overlap(known, off, insn->type == IR_I32 ? 4 : 8);
            if (blk->temps[insn->in[0]].ndefs == 1) {
                append(known, off, insn->type, insn->in[0]);
            }
            break;
        }
        case IR_OP_CALL: {
            const IrHelper *h = (const IrHelper *)(uintptr_t)insn->imm[0];
            if (h->flags & IR_CALL_WRITES_STATE) {
                known->len = 0;
            }
            break;
        }
        case IR_OP_LABEL:
            known->len = 0;
            break;
        case IR_OP_NOP:
        case IR_OP_CONST:
        case IR_OP_ADD:
        case IR_OP_SUB:
        case IR_OP_MUL:
        case IR_OP_MULHS:
        case IR_OP_MULHU:
        case IR_OP_MULHSU:
        case IR_OP_DIVS:
        case IR_OP_DIVU:
        case IR_OP_REMS:
        case IR_OP_REMU:
        case IR_OP_NEG:
        case IR_OP_NOT:
        case IR_OP_AND:
        case IR_OP_OR:
        case IR_OP_XOR:
        case IR_OP_SHL:
        case IR_OP_SHR:
        case IR_OP_SAR:
        case IR_OP_ROTL:
        case IR_OP_ROTR:
        case IR_OP_SEXT:
        case IR_OP_ZEXT:
        case IR_OP_EXTU32:
        case IR_OP_EXTS32:
        case IR_OP_TRUNC:
        case IR_OP_EXTRACT:
        case IR_OP_DEPOSIT:
        case IR_OP_CLZ:
        case IR_OP_CTZ:
        case IR_OP_POPCNT:
        case IR_OP_FADD:
        case IR_OP_FSUB:
        case IR_OP_FMUL:
        case IR_OP_FDIV:
        case IR_OP_FSQRT:
        case IR_OP_FMA:
        case IR_OP_BSWAP:
        case IR_OP_SETCOND:
        case IR_OP_SELECT:
        case IR_OP_LOAD:
        case IR_OP_STORE:
        case IR_OP_ATOMIC_RMW:
        case IR_OP_CMPXCHG:
        case IR_OP_FENCE:
        case IR_OP_INSN_START:
        case IR_OP_BR:
        case IR_OP_BRCOND:
        case IR_OP_GOTO_BLOCK:
        case IR_OP_GOTO_PTR:
        case IR_OP_RAISE:
            break;
        case IR_OP_COUNT:
            g_assert_not_reached();
        }
    }
}
