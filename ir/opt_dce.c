/*
 * Dead-code elimination: one backward walk with a liveness bit per temp removes
 * pure instructions (and GETs, and calls to IR_CALL_PURE helpers) whose result is
 * never used, including whole chains of them.  Multi-def temps are live if any
 * definition's value may be read, which the backward walk over-approximates by
 * never clearing their liveness.
 */
#include "ir/ir.h"

static bool removable(const IrInsn *insn)
{
    const IrOpInfo *info = &ir_op_info[insn->op];

    if (insn->op == IR_OP_NOP || insn->op == IR_OP_LABEL) {
        return false;
    }
    if (insn->op == IR_OP_GET) {
        return true;
    }
    if (insn->op == IR_OP_CALL) {
        const IrHelper *h = (const IrHelper *)(uintptr_t)insn->imm[0];
        return (h->flags & IR_CALL_PURE) && insn->out != IR_TEMP_NONE;
    }
    return (info->flags & IR_F_PURE) && insn->out != IR_TEMP_NONE;
}

void ir_opt_dce(IrBlock *blk)
{
    bool *live = ir_block_scratch(blk, 0, blk->n_temps * sizeof(bool));

    for (uint32_t i = blk->n_insns; i-- > 0;) {
        IrInsn *insn = &blk->insns[i];

        if (removable(insn) && !live[insn->out]) {
            insn->op = IR_OP_NOP;
            insn->nin = 0;
            insn->out = IR_TEMP_NONE;
            continue;
        }
        if (insn->out != IR_TEMP_NONE && blk->temps[insn->out].ndefs == 1) {
            live[insn->out] = false;
        }
        for (unsigned k = 0; k < insn->nin; k++) {
            live[insn->in[k]] = true;
        }
    }
}
