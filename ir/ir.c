/*
 * Opcode table, condition helpers and block storage.  The opcode table is
 * expanded from ir_ops.def with designated initializers so that the order of
 * the list can never drift from the enum.
 */
#include <string.h>

#include "ir/ir.h"

G_DEFINE_QUARK(mimic-ir-error-quark, ir_error)

const IrOpInfo ir_op_info[IR_OP_COUNT] = {
#define IR_OP(NAME, NOUT, NIN, NIMM, FLAGS) \
    [IR_OP_##NAME] = { .name = #NAME, .nout = NOUT, .nin = NIN, .nimm = NIMM, .flags = FLAGS },
#include "ir_ops.def"
#undef IR_OP
};

const char *const ir_cond_names[IR_COND_COUNT] = {
    [IR_COND_EQ] = "eq",   [IR_COND_NE] = "ne",   [IR_COND_LT] = "lt",   [IR_COND_GE] = "ge",
    [IR_COND_LE] = "le",   [IR_COND_GT] = "gt",   [IR_COND_LTU] = "ltu", [IR_COND_GEU] = "geu",
    [IR_COND_LEU] = "leu", [IR_COND_GTU] = "gtu", [IR_COND_TSTEQ] = "tsteq", [IR_COND_TSTNE] = "tstne",
};

const char *const ir_atomic_names[IR_ATOMIC_COUNT] = {
    [IR_ATOMIC_XCHG] = "xchg", [IR_ATOMIC_ADD] = "add",   [IR_ATOMIC_AND] = "and",
    [IR_ATOMIC_OR] = "or",     [IR_ATOMIC_XOR] = "xor",   [IR_ATOMIC_SMIN] = "smin",
    [IR_ATOMIC_SMAX] = "smax", [IR_ATOMIC_UMIN] = "umin", [IR_ATOMIC_UMAX] = "umax",
};

IrCond ir_cond_invert(IrCond c)
{
    switch (c) {
    case IR_COND_EQ: return IR_COND_NE;
    case IR_COND_NE: return IR_COND_EQ;
    case IR_COND_LT: return IR_COND_GE;
    case IR_COND_GE: return IR_COND_LT;
    case IR_COND_LE: return IR_COND_GT;
    case IR_COND_GT: return IR_COND_LE;
    case IR_COND_LTU: return IR_COND_GEU;
    case IR_COND_GEU: return IR_COND_LTU;
    case IR_COND_LEU: return IR_COND_GTU;
    case IR_COND_GTU: return IR_COND_LEU;
    case IR_COND_TSTEQ: return IR_COND_TSTNE;
    case IR_COND_TSTNE: return IR_COND_TSTEQ;
    case IR_COND_COUNT: break;
    }
    g_assert_not_reached();
}

IrCond ir_cond_swap(IrCond c)
{
    switch (c) {
    case IR_COND_EQ:
    case IR_COND_NE:
    case IR_COND_TSTEQ:
    case IR_COND_TSTNE:
        return c;
    case IR_COND_LT: return IR_COND_GT;
    case IR_COND_GT: return IR_COND_LT;
    case IR_COND_GE: return IR_COND_LE;
    case IR_COND_LE: return IR_COND_GE;
    case IR_COND_LTU: return IR_COND_GTU;
    case IR_COND_GTU: return IR_COND_LTU;
    case IR_COND_GEU: return IR_COND_LEU;
    case IR_COND_LEU: return IR_COND_GEU;
    case IR_COND_COUNT: break;
    }
    g_assert_not_reached();
}

uint64_t ir_truncate(IrType type, uint64_t v)
{
    return type == IR_I32 ? (uint32_t)v : v;
}

bool ir_cond_eval(IrCond c, IrType type, uint64_t a, uint64_t b)
{
    int64_t sa, sb;

    a = ir_truncate(type, a);
    b = ir_truncate(type, b);
    sa = type == IR_I32 ? (int64_t)(int32_t)a : (int64_t)a;
    sb = type == IR_I32 ? (int64_t)(int32_t)b : (int64_t)b;
    switch (c) {
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return sa < sb;
    case IR_COND_GE: return sa >= sb;
    case IR_COND_LE: return sa <= sb;
    case IR_COND_GT: return sa > sb;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    case IR_COND_TSTEQ: return (a & b) == 0;
    case IR_COND_TSTNE: return (a & b) != 0;
    case IR_COND_COUNT: break;
    }
    g_assert_not_reached();
}

unsigned ir_helper_ninputs(const IrHelper *h)
{
    unsigned n = 0;

    for (unsigned i = 0; i < h->nargs; i++) {
        if (h->args[i] != IR_HT_CPU) {
            n++;
        }
    }
    return n;
}

/* --- Block storage --- */

IrBlock *ir_block_new(void)
{
    IrBlock *blk = g_new0(IrBlock, 1);

    blk->cap_insns = 256;
    blk->insns = g_new(IrInsn, blk->cap_insns);
    blk->cap_temps = 256;
    blk->temps = g_new0(IrTempInfo, blk->cap_temps);
    blk->n_temps = 1;       /* temp 0 is IR_TEMP_NONE */
    return blk;
}

void ir_block_reset(IrBlock *blk)
{
    blk->n_insns = 0;
    blk->n_temps = 1;
    blk->n_labels = 0;
    blk->n_exits = 0;
    blk->guest_pc = 0;
    blk->guest_size = 0;
    blk->guest_insns = 0;
    blk->code_page2 = 0;
    blk->trace_count_insn = 0;
    blk->trace_mem_helper = NULL;
    blk->trace_insn_helper = NULL;
    blk->mem_helpers = NULL;
    blk->cur_pc = 0;
    blk->narrow_slots = 0;
    blk->n_entry_dead = 0;
    blk->n_entry_dead_nofault = 0;
    blk->n_label_pos = 0;
}

void *ir_block_scratch(IrBlock *blk, unsigned slot, size_t bytes)
{
    g_assert(slot < IR_SCRATCH_SLOTS);
    if (blk->scratch_cap[slot] < bytes) {
        /* Grow geometrically: the next, slightly longer block needs no new allocation. */
        size_t cap = MAX(bytes, 2 * blk->scratch_cap[slot]);
        g_free(blk->scratch[slot]);
        blk->scratch[slot] = g_malloc(cap);
        blk->scratch_cap[slot] = cap;
    }
    memset(blk->scratch[slot], 0, bytes);
    return blk->scratch[slot];
}

void ir_block_free(IrBlock *blk)
{
    if (blk == NULL) {
        return;
    }
    g_free(blk->insns);
    g_free(blk->temps);
    g_free(blk->label_pos);
    for (unsigned i = 0; i < IR_SCRATCH_SLOTS; i++) {
        g_free(blk->scratch[i]);
    }
    g_free(blk);
}

IrTemp ir_temp_new(IrBlock *blk, IrType type)
{
    if (blk->n_temps == blk->cap_temps) {
        blk->cap_temps *= 2;
        blk->temps = g_renew(IrTempInfo, blk->temps, blk->cap_temps);
    }
    blk->temps[blk->n_temps] = (IrTempInfo){ .type = type, .ndefs = 0 };
    return blk->n_temps++;
}

uint32_t ir_label_new(IrBlock *blk)
{
    return blk->n_labels++;
}

IrInsn *ir_emit(IrBlock *blk, IrOpcode op, IrType type, IrTemp out, unsigned nin, const IrTemp *in)
{
    IrInsn *insn;

    g_assert(nin <= IR_MAX_IN);
    if (blk->n_insns == blk->cap_insns) {
        blk->cap_insns *= 2;
        blk->insns = g_renew(IrInsn, blk->insns, blk->cap_insns);
    }
    insn = &blk->insns[blk->n_insns++];
    memset(insn, 0, sizeof(*insn));
    insn->op = op;
    insn->type = type;
    insn->out = out;
    insn->nin = nin;
    for (unsigned i = 0; i < nin; i++) {
        insn->in[i] = in[i];
    }
    if (out != IR_TEMP_NONE && blk->temps[out].ndefs < 2) {
        blk->temps[out].ndefs++;
    }
    return insn;
}
