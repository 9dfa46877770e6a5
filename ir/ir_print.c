/*
 * The IR printer (--trace=ir and test expectations).  The format is documented in
 * ir_text.h and read back by ir_parse.c.
 */
#include <string.h>

#include "ir/ir_text.h"

static GHashTable *helper_names;

void ir_text_register_helper(const IrHelper *h)
{
    if (helper_names == NULL) {
        helper_names = g_hash_table_new(g_str_hash, g_str_equal);
    }
    g_hash_table_insert(helper_names, (gpointer)h->name, (gpointer)h);
}

const IrHelper *ir_text_find_helper(const char *name)
{
    return helper_names ? g_hash_table_lookup(helper_names, name) : NULL;
}

const char *ir_text_op_name(IrOpcode op)
{
    static char names[IR_OP_COUNT][24];

    if (names[op][0] == '\0') {
        g_strlcpy(names[op], ir_op_info[op].name, sizeof(names[op]));
        for (char *p = names[op]; *p; p++) {
            *p = g_ascii_tolower(*p);
        }
    }
    return names[op];
}

IrImmKind ir_text_imm_kind(IrOpcode op, unsigned which)
{
    unsigned nimm = (unsigned)ir_op_info[op].nimm;

    if (which >= nimm) {
        return IR_IMM_NONE;
    }
    switch (op) {
    case IR_OP_SETCOND:
    case IR_OP_SELECT:
        return IR_IMM_COND;
    case IR_OP_BRCOND:
        return which == 0 ? IR_IMM_COND : IR_IMM_LABEL;
    case IR_OP_LABEL:
    case IR_OP_BR:
        return IR_IMM_LABEL;
    case IR_OP_LOAD:
    case IR_OP_STORE:
    case IR_OP_CMPXCHG:
        return IR_IMM_MEMOP;
    case IR_OP_ATOMIC_RMW:
        return which == 0 ? IR_IMM_MEMOP : IR_IMM_ATOMIC;
    case IR_OP_CALL:
        return IR_IMM_HELPER;
    default:
        return IR_IMM_NUM;
    }
}

void ir_text_memop(IrMemOp mop, GString *out)
{
    g_string_append_printf(out, "%c%u%s", (mop & IR_MEM_SIGN) ? 's' : 'u', ir_memop_size(mop) * 8,
                           (mop & IR_MEM_BE) ? "be" : "le");
    if (ir_memop_mmu(mop) != 0) {
        g_string_append_printf(out, "@%u", ir_memop_mmu(mop));
    }
}

void ir_print_insn(const IrBlock *blk, const IrInsn *insn, GString *out)
{
    const IrOpInfo *info = &ir_op_info[insn->op];
    bool first = true;

    if (insn->out != IR_TEMP_NONE) {
        g_string_append_printf(out, "t%u = ", insn->out);
    }
    g_string_append_printf(out, "%s.%s", ir_text_op_name(insn->op), insn->type == IR_I32 ? "i32" : "i64");
    for (unsigned k = 0; k < insn->nin; k++) {
        g_string_append_printf(out, "%st%u", first ? " " : ", ", insn->in[k]);
        first = false;
    }
    for (unsigned k = 0; k < (unsigned)info->nimm; k++) {
        int64_t v = insn->imm[k];

        g_string_append(out, first ? " " : ", ");
        first = false;
        switch (ir_text_imm_kind(insn->op, k)) {
        case IR_IMM_COND:
            g_string_append(out, ir_cond_names[v]);
            break;
        case IR_IMM_LABEL:
            g_string_append_printf(out, "L%" G_GINT64_FORMAT, v);
            break;
        case IR_IMM_MEMOP:
            ir_text_memop((IrMemOp)v, out);
            break;
        case IR_IMM_ATOMIC:
            g_string_append(out, ir_atomic_names[v]);
            break;
        case IR_IMM_HELPER:
            g_string_append(out, ((const IrHelper *)(uintptr_t)v)->name);
            break;
        case IR_IMM_NUM:
        case IR_IMM_NONE:
            if (insn->op == IR_OP_CONST) {
                v = (int64_t)ir_truncate((IrType)insn->type, (uint64_t)v);
            }
            if (v >= 0 && v < 10) {
                g_string_append_printf(out, "%" G_GINT64_FORMAT, v);
            } else if (v < 0 && v > -4096 && insn->op != IR_OP_CONST) {
                g_string_append_printf(out, "-0x%" G_GINT64_MODIFIER "x", (uint64_t)-v);
            } else {
                g_string_append_printf(out, "0x%" G_GINT64_MODIFIER "x", (uint64_t)v);
            }
            break;
        }
    }
    (void)blk;
}

void ir_print(const IrBlock *blk, GString *out)
{
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        if (blk->insns[i].op == IR_OP_NOP) {
            continue;
        }
        ir_print_insn(blk, &blk->insns[i], out);
        g_string_append_c(out, '\n');
    }
}

char *ir_block_text(const IrBlock *blk)
{
    GString *s = g_string_new(NULL);

    ir_print(blk, s);
    return g_string_free(s, FALSE);
}
