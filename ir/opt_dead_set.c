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

static bool covered(GArray *dead, uint32_t off, uint32_t size)
{
    for (guint i = 0; i < dead->len; i++) {
        Slot *s = &g_array_index(dead, Slot, i);
        if (s->offset <= off && off + size <= s->offset + s->size) {
            return true;
        }
    }
    return false;
}

static void make_live(GArray *dead, uint32_t off, uint32_t size)
{
    for (guint i = 0; i < dead->len;) {
        Slot *s = &g_array_index(dead, Slot, i);
        if (s->offset < off + size && off < s->offset + s->size) {
            g_array_remove_index_fast(dead, i);
        } else {
            i++;
        }
    }
}

void ir_opt_dead_set(IrBlock *blk)
{
    g_autoptr(GArray) dead = g_array_new(FALSE, FALSE, sizeof(Slot));

    for (uint32_t i = blk->n_insns; i-- > 0;) {
        IrInsn *insn = &blk->insns[i];
        const IrOpInfo *info = &ir_op_info[insn->op];
        uint32_t size = insn->type == IR_I32 ? 4 : 8;

        if (insn->op == IR_OP_SET) {
            if (covered(dead, (uint32_t)insn->imm[0], size)) {
                insn->op = IR_OP_NOP;
                insn->nin = 0;
            } else {
                Slot s = { (uint32_t)insn->imm[0], size };
                g_array_append_val(dead, s);
            }
        } else if (insn->op == IR_OP_GET) {
            make_live(dead, (uint32_t)insn->imm[0], size);
        } else if (insn->op == IR_OP_CALL) {
            const IrHelper *h = (const IrHelper *)(uintptr_t)insn->imm[0];
            if (h->flags & (IR_CALL_READS_STATE | IR_CALL_CAN_RAISE | IR_CALL_MEMORY)) {
                g_array_set_size(dead, 0);
            }
        } else if (info->flags & (IR_F_ENDS_BLOCK | IR_F_LABEL | IR_F_BRANCH | IR_F_CAN_FAULT)) {
            g_array_set_size(dead, 0);
        }
    }
}
