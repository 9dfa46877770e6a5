/*
 * The optimizer pipeline and instruction compaction.  Passes mark removed
 * instructions as NOP; compaction drops them at the end.  With verification on
 * (MIMIC_VERIFY_IR=1) lifting and every pass are followed by ir_verify().
 */
#include <stdlib.h>

#include "ir/ir.h"

static int verify_passes = -1;

/*
 * The verifier costs about a tenth of translation time, so it runs only when asked:
 * MIMIC_VERIFY_IR=1 (the unit tests call ir_verify() themselves).
 */
bool ir_verify_wanted(void)
{
    if (verify_passes < 0) {
        const char *env = getenv("MIMIC_VERIFY_IR");
        verify_passes = env != NULL && env[0] == '1';
    }
    return verify_passes;
}

static void after(IrBlock *blk, const char *pass)
{
    if (ir_verify_wanted()) {
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
    ir_opt_fold_copy(blk);
    after(blk, "fold+copy");
    ir_opt_dead_set(blk);
    after(blk, "dead-set");
    ir_opt_dce(blk);
    after(blk, "dce");
    ir_opt_compact(blk);
    after(blk, "compact");
}
