/*
 * Copy propagation and guest-state load forwarding.
 *
 * - `tB = mov tA` with both single-def: later uses of tB read tA.
 * - A GET of a guest-state slot that was just read or written (with no call that
 *   may write state, and no label, in between) becomes a MOV of the known value,
 *   which the first rule then removes.  This is what keeps a guest register in one
 *   temp for a whole block.
 */
#include "ir/opt_copy.h"

static void append(IrCopyState *cs, uint32_t offset, uint8_t type, IrTemp value)
{
    cs->known[cs->n_known++] = (IrCopyKnown){ offset, type, value };
}

static void forget_overlap(IrCopyState *cs, uint32_t offset, unsigned size)
{
    for (uint32_t i = 0; i < cs->n_known;) {
        IrCopyKnown *k = &cs->known[i];
        unsigned ksize = k->type == IR_I32 ? 4 : 8;
        if (k->offset < offset + size && offset < k->offset + ksize) {
            *k = cs->known[--cs->n_known];
        } else {
            i++;
        }
    }
}

static IrTemp lookup(const IrCopyState *cs, uint32_t offset, uint8_t type)
{
    for (uint32_t i = 0; i < cs->n_known; i++) {
        const IrCopyKnown *k = &cs->known[i];
        if (k->offset == offset && k->type == type) {
            return k->value;
        }
    }
    return IR_TEMP_NONE;
}

void ir_copy_begin(IrBlock *blk, IrCopyState *cs, unsigned repl_slot, unsigned known_slot)
{
    cs->repl = ir_block_scratch(blk, repl_slot, blk->n_temps * sizeof(IrTemp));
    cs->known = ir_block_scratch(blk, known_slot, (blk->n_insns + 1) * sizeof(IrCopyKnown));
    cs->n_known = 0;
}

void ir_copy_note_mov(const IrBlock *blk, IrCopyState *cs, const IrInsn *insn)
{
    if (insn->op == IR_OP_MOV && blk->temps[insn->out].ndefs == 1 &&
        blk->temps[insn->in[0]].ndefs == 1) {
        cs->repl[insn->out] = insn->in[0];
    }
}

void ir_copy_insn(IrBlock *blk, IrCopyState *cs, IrInsn *insn)
{
    IrTemp *repl = cs->repl;

    for (unsigned k = 0; k < insn->nin; k++) {
        if (repl[insn->in[k]] != IR_TEMP_NONE) {
            insn->in[k] = repl[insn->in[k]];
        }
    }
    switch ((IrOpcode)insn->op) {
    case IR_OP_MOV:
        ir_copy_note_mov(blk, cs, insn);
        break;
    case IR_OP_GET: {
        IrTemp v = lookup(cs, (uint32_t)insn->imm[0], insn->type);
        if (v != IR_TEMP_NONE) {
            insn->op = IR_OP_MOV;
            insn->nin = 1;
            insn->in[0] = v;
            insn->imm[0] = 0;
            if (blk->temps[insn->out].ndefs == 1) {
                repl[insn->out] = v;
            }
        } else if (blk->temps[insn->out].ndefs == 1) {
            append(cs, (uint32_t)insn->imm[0], insn->type, insn->out);
        }
        break;
    }
    case IR_OP_SET: {
        uint32_t off = (uint32_t)insn->imm[0];
        forget_overlap(cs, off, insn->type == IR_I32 ? 4 : 8);
        if (blk->temps[insn->in[0]].ndefs == 1) {
            append(cs, off, insn->type, insn->in[0]);
        }
        break;
    }
    case IR_OP_CALL: {
        const IrHelper *h = (const IrHelper *)(uintptr_t)insn->imm[0];
        if (h->flags & IR_CALL_WRITES_STATE) {
            cs->n_known = 0;
        }
        break;
    }
    case IR_OP_LABEL:
        cs->n_known = 0;
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
    case IR_OP_FCMP:
    case IR_OP_FEXT:
    case IR_OP_FADDH:
    case IR_OP_FSUBH:
    case IR_OP_FMULH:
    case IR_OP_FDIVH:
    case IR_OP_FSQRTH:
    case IR_OP_FCMPH:
    case IR_OP_BSWAP:
    case IR_OP_SETCOND:
    case IR_OP_SELECT:
    case IR_OP_LOAD:
    case IR_OP_STORE:
    case IR_OP_ATOMIC_RMW:
    case IR_OP_CMPXCHG:
    case IR_OP_FENCE:
    case IR_OP_HOSTLD8:
    case IR_OP_INSN_START:
    case IR_OP_BR:
    case IR_OP_BRCOND:
    case IR_OP_GOTO_BLOCK:
    case IR_OP_GOTO_PTR:
    case IR_OP_RAS_PUSH:
    case IR_OP_GOTO_RET:
    case IR_OP_RAISE:
        break;
    case IR_OP_COUNT:
        g_assert_not_reached();
    }
}

void ir_opt_copy(IrBlock *blk)
{
    IrCopyState cs;

    ir_copy_begin(blk, &cs, 0, 1);
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        ir_copy_insn(blk, &cs, &blk->insns[i]);
    }
}
