/*
 * Shared between the IR printer and parser: how each op's immediates are written.
 * The text form is `[tN = ]name.type operand, operand...` with inputs first, then
 * immediates, e.g. `t3 = add.i64 t1, t2`, `set.i64 t3, 0x50`,
 * `t4 = load.i64 t2, u32le`, `brcond.i64 t1, t2, lt, L0`, `t5 = call.i64 t1, rv_fadd_d`.
 */
#ifndef MIMIC_IR_TEXT_H
#define MIMIC_IR_TEXT_H

#include "ir/ir.h"

typedef enum IrImmKind {
    IR_IMM_NONE,
    IR_IMM_NUM,
    IR_IMM_COND,
    IR_IMM_MEMOP,
    IR_IMM_LABEL,
    IR_IMM_HELPER,
    IR_IMM_ATOMIC,
} IrImmKind;

IrImmKind ir_text_imm_kind(IrOpcode op, unsigned which);
const char *ir_text_op_name(IrOpcode op);     /* lower case */
void ir_text_memop(IrMemOp mop, GString *out);

/* Helpers the parser can name (tests register theirs). */
void ir_text_register_helper(const IrHelper *h);
const IrHelper *ir_text_find_helper(const char *name);

#endif
