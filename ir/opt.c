/*
 * The optimizer pipeline and instruction compaction.  Passes mark removed
 * instructions as NOP; compaction drops them at the end.  With verification on
 * (tests, MIMIC_VERIFY_IR=1) every pass is followed by ir_verify().
 */
#include <stdlib.h>

#include "ir/ir.h"

static int verify_passes = -1;

static void after(IrBlock *blk, const char *pass)
{
    if (verify_passes < 0) {
        const char *env = getenv("MIMIC_VERIFY_IR");
        verify_passes = env != NULL && env[0] == '1';
    }
    if (verify_passes) {
        ir_verify_or_die(blk, pass);
    }
}

void ir_opt_compact(IrBlock *blk)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < blk->n_insns; i++) {
        if (blk->insns[i].op != IR_OP_NOP) {
            blk->insns[n++] = blk->insns[i];
        }
    }
    blk->n_insns = n;
}

void ir_optimize(IrBlock *blk)
{
    ir_opt_fold(blk);
    after(blk, "fold");
    ir_opt_copy(blk);
    after(blk, "copy");
    ir_opt_fold(blk);
    after(blk, "fold (2)");
    ir_opt_dead_set(blk);
    after(blk, "dead-set");
    ir_opt_dce(blk);
    after(blk, "dce");
    ir_opt_compact(blk);
    after(blk, "compact");
}
