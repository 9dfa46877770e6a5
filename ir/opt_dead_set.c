/*
 * Dead guest-state stores: a SET whose slot is written again before anything can
 * observe it.  Observers are a GET of an overlapping slot, any block exit, a label
 * or branch (another path may read it), a helper that reads state or may raise, and
 * any instruction that can fault (a fault must see exact guest state).
 */
#include "ir/ir.h"

typedef struct Slot {
    uint32_t offset;
    uint32_t size;
} Slot;

/* The slots written later with nothing observing them in between; at most one per insn. */
typedef struct SlotList {
    Slot *v;
    uint32_t len;
} SlotList;

static bool covered(const SlotList *dead, uint32_t off, uint32_t size)
{
    for (uint32_t i = 0; i < dead->len; i++) {
        const Slot *s = &dead->v[i];
        if (s->offset <= off && off + size <= s->offset + s->size) {
            return true;
        }
    }
    return false;
}

static void make_live(SlotList *dead, uint32_t off, uint32_t size)
{
    for (uint32_t i = 0; i < dead->len;) {
        Slot *s = &dead->v[i];
        if (s->offset < off + size && off < s->offset + s->size) {
            *s = dead->v[--dead->len];
        } else {
            i++;
        }
    }
}

void ir_opt_dead_set(IrBlock *blk)
{
    SlotList list = { ir_block_scratch(blk, 0, (blk->n_insns + 1) * sizeof(Slot)), 0 };
    SlotList *dead = &list;

    for (uint32_t i = blk->n_insns; i-- > 0;) {
        IrInsn *insn = &blk->insns[i];
        const IrOpInfo *info = &ir_op_info[insn->op];
        uint32_t size = insn->type == IR_I32 ? 4 : 8;

        if (insn->op == IR_OP_SET) {
            if (covered(dead, (uint32_t)insn->imm[0], size)) {
                insn->op = IR_OP_NOP;
                insn->nin = 0;
            } else {
                dead->v[dead->len++] = (Slot){ (uint32_t)insn->imm[0], size };
            }
        } else if (insn->op == IR_OP_GET) {
            make_live(dead, (uint32_t)insn->imm[0], size);
        } else if (insn->op == IR_OP_CALL) {
            const IrHelper *h = (const IrHelper *)(uintptr_t)insn->imm[0];
            if (h->flags & (IR_CALL_READS_STATE | IR_CALL_CAN_RAISE | IR_CALL_MEMORY)) {
                dead->len = 0;
            }
        } else if (info->flags & (IR_F_ENDS_BLOCK | IR_F_LABEL | IR_F_BRANCH | IR_F_CAN_FAULT)) {
            dead->len = 0;
        }
    }
}
