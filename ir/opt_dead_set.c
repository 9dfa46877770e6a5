/*
 * Dead guest-state stores: a SET whose slot is written again, on every path from it,
 * before anything can observe it.  Observers are a GET of an overlapping slot, any block
 * exit, a helper that reads state or may raise, and any instruction that can fault (a
 * fault must see exact guest state).  One backward pass: the slots dead just after a
 * label are kept for the branches to it, which come earlier (a forward branch); at a
 * branch the dead slots are those dead on both ways on, at a backward branch (its label
 * not seen yet) none.  The slots still dead at the block's start are kept in the block
 * (IrBlock.entry_dead) for the JIT's self loops.
 */
#include "ir/ir.h"

typedef IrSlotRange Slot;

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

/* Slots kept per label (more are left out: fewer dead stores found, never a wrong one). */
#define DEAD_AT_LABEL_MAX 32

/* dead becomes its slots that are also dead at the label (len 0 unknown: nothing is). */
static void meet_label(SlotList *dead, const Slot *at, uint32_t known_len)
{
    SlotList lab = { (Slot *)at, known_len == 0 ? 0 : known_len - 1 };

    for (uint32_t i = 0; i < dead->len;) {
        if (covered(&lab, dead->v[i].offset, dead->v[i].size)) {
            i++;
        } else {
            dead->v[i] = dead->v[--dead->len];
        }
    }
}

/*
 * The backward walk.  With `faults` an instruction that can fault observes every slot
 * and dead SETs become NOPs; without, nothing is changed and only the slots dead at the
 * start are found (IrBlock.entry_dead_nofault).  Returns those slots (in scratch 0).
 */
static SlotList dead_walk(IrBlock *blk, bool faults)
{
    SlotList list = { ir_block_scratch(blk, 0, (blk->n_insns + 1) * sizeof(Slot)), 0 };
    SlotList *dead = &list;
    /* per label: its dead slots (DEAD_AT_LABEL_MAX each) and their count + 1 (0: not seen yet) */
    Slot *at = ir_block_scratch(blk, 1, ((size_t)blk->n_labels + 1) * DEAD_AT_LABEL_MAX * sizeof(Slot));
    uint32_t *at_len = ir_block_scratch(blk, 2, ((size_t)blk->n_labels + 1) * sizeof(uint32_t));

    for (uint32_t i = blk->n_insns; i-- > 0;) {
        IrInsn *insn = &blk->insns[i];
        const IrOpInfo *info = &ir_op_info[insn->op];
        uint32_t size = insn->type == IR_I32 ? 4 : 8;

        if (insn->op == IR_OP_SET) {
            if (covered(dead, (uint32_t)insn->imm[0], size)) {
                if (!faults) {
                    continue;
                }
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
        } else if (insn->op == IR_OP_LABEL) {
            uint32_t l = (uint32_t)insn->imm[0], n = MIN(dead->len, DEAD_AT_LABEL_MAX);

            g_assert(l < blk->n_labels);
            memcpy(&at[(size_t)l * DEAD_AT_LABEL_MAX], dead->v, n * sizeof(Slot));
            at_len[l] = n + 1;
        } else if (insn->op == IR_OP_BR || insn->op == IR_OP_BRCOND) {
            uint32_t l = (uint32_t)insn->imm[insn->op == IR_OP_BR ? 0 : 1];
            SlotList all;

            g_assert(l < blk->n_labels);
            if (insn->op == IR_OP_BR) {
                /* nothing falls through: what is dead is what is dead at the label */
                all = (SlotList){ at + (size_t)l * DEAD_AT_LABEL_MAX, at_len[l] == 0 ? 0 : at_len[l] - 1 };
                memcpy(dead->v, all.v, all.len * sizeof(Slot));
                dead->len = all.len;
            } else {
                meet_label(dead, at + (size_t)l * DEAD_AT_LABEL_MAX, at_len[l]);
            }
        } else if (info->flags & (IR_F_ENDS_BLOCK | IR_F_LABEL | IR_F_BRANCH | (faults ? IR_F_CAN_FAULT : 0))) {
            dead->len = 0;
        }
    }
    return list;
}

void ir_opt_dead_set(IrBlock *blk)
{
    SlotList dead = dead_walk(blk, false);
    blk->n_entry_dead_nofault = MIN(dead.len, IR_ENTRY_DEAD_MAX);
    memcpy(blk->entry_dead_nofault, dead.v, blk->n_entry_dead_nofault * sizeof(Slot));
    /* What is left is dead at the block's start: a self loop's back edge need not store it. */
    dead = dead_walk(blk, true);
    blk->n_entry_dead = MIN(dead.len, IR_ENTRY_DEAD_MAX);
    memcpy(blk->entry_dead, dead.v, blk->n_entry_dead * sizeof(Slot));
}

bool ir_entry_dead(const IrBlock *blk, uint32_t offset, uint32_t size)
{
    SlotList list = { (Slot *)blk->entry_dead, blk->n_entry_dead };
    return covered(&list, offset, size);
}

bool ir_entry_dead_nofault(const IrBlock *blk, uint32_t offset, uint32_t size)
{
    SlotList list = { (Slot *)blk->entry_dead_nofault, blk->n_entry_dead_nofault };
    return covered(&list, offset, size);
}
