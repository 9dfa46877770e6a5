/*
 * Copy propagation one instruction at a time, so that constant folding can run in the
 * same forward walk (ir_opt_fold_copy) instead of a fold, a copy pass and a second fold.
 * Internal to ir/.
 */
#ifndef MIMIC_IR_OPT_COPY_H
#define MIMIC_IR_OPT_COPY_H

#include "ir/ir.h"

/* A guest-state slot whose current value a temp holds. */
typedef struct IrCopyKnown {
    uint32_t offset;
    uint8_t type;
    IrTemp value;
} IrCopyKnown;

typedef struct IrCopyState {
    IrTemp *repl;               /* per temp: the temp its uses read instead, or NONE */
    IrCopyKnown *known;         /* at most one entry per instruction seen */
    uint32_t n_known;
} IrCopyState;

/* Work arrays in the block's scratch slots repl_slot and known_slot. */
void ir_copy_begin(IrBlock *blk, IrCopyState *cs, unsigned repl_slot, unsigned known_slot);
/* Rewrites insn's inputs, forwards a GET of a known slot, records MOVs and state writes. */
void ir_copy_insn(IrBlock *blk, IrCopyState *cs, IrInsn *insn);
/* insn was turned into a MOV after ir_copy_insn saw it (by folding): record it too. */
void ir_copy_note_mov(const IrBlock *blk, IrCopyState *cs, const IrInsn *insn);

#endif
