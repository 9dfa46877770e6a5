/*
 * The IR verifier: checks the structural rules every engine relies on.  It runs
 * after lifting and after every optimizer pass in tests and debug builds, so a
 * pass that breaks a block is caught at the pass, not at run time.
 */
#include "ir/ir.h"

#define FAIL(...)                                                              \
    do {                                                                       \
        g_set_error(error, IR_MIMIC_ERROR, 0, __VA_ARGS__);                    \
        return false;                                                          \
    } while (0)

static bool check_temp(const IrBlock *blk, IrTemp t)
{
    return t != IR_TEMP_NONE && t < blk->n_temps;
}

bool ir_verify(const IrBlock *blk, GError **error)
{
    g_autofree bool *defined = g_new0(bool, blk->n_temps);
    g_autofree uint8_t *label_placed = g_new0(uint8_t, blk->n_labels + 1);
    g_autofree uint8_t *exit_seen = g_new0(uint8_t, blk->n_exits + 1);
    bool terminated = false;

    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        const IrOpInfo *info;

        if (insn->op >= IR_OP_COUNT) {
            FAIL("insn %u: bad opcode %u", i, insn->op);
        }
        info = &ir_op_info[insn->op];
        if (insn->type != IR_I32 && insn->type != IR_I64) {
            FAIL("insn %u (%s): bad type %u", i, info->name, insn->type);
        }
        if (info->nin >= 0 && insn->nin != info->nin) {
            FAIL("insn %u (%s): %u inputs, expected %d", i, info->name, insn->nin, info->nin);
        }
        if (terminated && insn->op != IR_OP_LABEL && insn->op != IR_OP_NOP) {
            FAIL("insn %u (%s): unreachable after a block exit", i, info->name);
        }
        terminated = false;
        for (unsigned k = 0; k < insn->nin; k++) {
            if (!check_temp(blk, insn->in[k])) {
                FAIL("insn %u (%s): input %u is not a temp", i, info->name, k);
            }
            if (!defined[insn->in[k]]) {
                FAIL("insn %u (%s): t%u used before it is defined", i, info->name, insn->in[k]);
            }
        }
        if (info->nout == 1) {
            bool optional = insn->op == IR_OP_CALL;
            if (insn->out == IR_TEMP_NONE && !optional) {
                FAIL("insn %u (%s): missing output", i, info->name);
            }
            if (insn->out != IR_TEMP_NONE) {
                if (!check_temp(blk, insn->out)) {
                    FAIL("insn %u (%s): output is not a temp", i, info->name);
                }
                if (ir_temp_type(blk, insn->out) != insn->type) {
                    FAIL("insn %u (%s): output t%u has the wrong type", i, info->name, insn->out);
                }
                defined[insn->out] = true;
            }
        } else if (insn->out != IR_TEMP_NONE) {
            FAIL("insn %u (%s): unexpected output", i, info->name);
        }

        /* Per-op type rules. */
        switch ((IrOpcode)insn->op) {
        case IR_OP_EXTU32:
        case IR_OP_EXTS32:
            if (insn->type != IR_I64 || ir_temp_type(blk, insn->in[0]) != IR_I32) {
                FAIL("insn %u (%s): needs i32 -> i64", i, info->name);
            }
            break;
        case IR_OP_FEXT:
            if (insn->type != IR_I64 || ir_temp_type(blk, insn->in[0]) != IR_I32) {
                FAIL("insn %u (fext): needs i32 -> i64", i);
            }
            break;
        case IR_OP_TRUNC:
            if (insn->type != IR_I32 || ir_temp_type(blk, insn->in[0]) != IR_I64) {
                FAIL("insn %u (trunc): needs i64 -> i32", i);
            }
            break;
        case IR_OP_LOAD:
        case IR_OP_STORE:
        case IR_OP_ATOMIC_RMW:
        case IR_OP_CMPXCHG:
            if (ir_memop_size((IrMemOp)insn->imm[0]) > (insn->type == IR_I32 ? 4u : 8u)) {
                FAIL("insn %u (%s): access wider than its type", i, info->name);
            }
            for (unsigned k = 1; k < insn->nin; k++) {
                if (ir_temp_type(blk, insn->in[k]) != insn->type) {
                    FAIL("insn %u (%s): value type mismatch", i, info->name);
                }
            }
            if (insn->op == IR_OP_ATOMIC_RMW && (uint64_t)insn->imm[1] >= IR_ATOMIC_COUNT) {
                FAIL("insn %u (atomic_rmw): bad atomic op", i);
            }
            break;
        case IR_OP_SEXT:
        case IR_OP_ZEXT:
            if (insn->imm[0] != 8 && insn->imm[0] != 16 && insn->imm[0] != 32) {
                FAIL("insn %u (%s): bad width %" G_GINT64_FORMAT, i, info->name, insn->imm[0]);
            }
            break;
        case IR_OP_BSWAP:
            if (insn->imm[0] != 16 && insn->imm[0] != 32 && insn->imm[0] != 64) {
                FAIL("insn %u (bswap): bad width", i);
            }
            break;
        case IR_OP_EXTRACT:
        case IR_OP_DEPOSIT: {
            int64_t w = insn->type == IR_I32 ? 32 : 64;
            if (insn->imm[0] < 0 || insn->imm[1] <= 0 || insn->imm[0] + insn->imm[1] > w) {
                FAIL("insn %u (%s): field out of range", i, info->name);
            }
            break;
        }
        case IR_OP_SETCOND:
        case IR_OP_SELECT:
        case IR_OP_BRCOND:
            if ((uint64_t)insn->imm[0] >= IR_COND_COUNT) {
                FAIL("insn %u (%s): bad condition", i, info->name);
            }
            if (ir_temp_type(blk, insn->in[0]) != ir_temp_type(blk, insn->in[1])) {
                FAIL("insn %u (%s): compared temps differ in type", i, info->name);
            }
            if (insn->op == IR_OP_BRCOND && (uint64_t)insn->imm[1] >= blk->n_labels) {
                FAIL("insn %u (brcond): bad label", i);
            }
            break;
        case IR_OP_BR:
            if ((uint64_t)insn->imm[0] >= blk->n_labels) {
                FAIL("insn %u (br): bad label", i);
            }
            break;
        case IR_OP_LABEL:
            if ((uint64_t)insn->imm[0] >= blk->n_labels) {
                FAIL("insn %u (label): bad label", i);
            }
            if (label_placed[insn->imm[0]]++) {
                FAIL("insn %u: label L%" G_GINT64_FORMAT " placed twice", i, insn->imm[0]);
            }
            break;
        case IR_OP_GOTO_BLOCK:
            if ((uint64_t)insn->imm[1] >= blk->n_exits || exit_seen[insn->imm[1]]++) {
                FAIL("insn %u (goto_block): bad or repeated exit slot", i);
            }
            break;
        case IR_OP_CALL: {
            const IrHelper *h = (const IrHelper *)(uintptr_t)insn->imm[0];
            if (h == NULL || insn->nin != ir_helper_ninputs(h)) {
                FAIL("insn %u (call): argument count does not match the helper", i);
            }
            if ((h->ret == IR_HT_VOID) != (insn->out == IR_TEMP_NONE)) {
                FAIL("insn %u (call %s): result does not match the helper", i, h->name);
            }
            break;
        }
        case IR_OP_RAISE:
            if (insn->nin > 1 || (insn->nin == 1 && ir_temp_type(blk, insn->in[0]) != IR_I64)) {
                FAIL("insn %u (raise): aux must be one i64 temp", i);
            }
            break;
        case IR_OP_NOP:
        case IR_OP_CONST:
        case IR_OP_MOV:
        case IR_OP_GET:
        case IR_OP_SET:
        case IR_OP_ADD:
        case IR_OP_SUB:
        case IR_OP_MUL:
        case IR_OP_MULHS:
        case IR_OP_MULHU:
        case IR_OP_MULHSU:
        case IR_OP_DIVS:
        case IR_OP_DIVU:
        case IR_OP_REMS:
        case IR_OP_REMU:
        case IR_OP_NEG:
        case IR_OP_NOT:
        case IR_OP_AND:
        case IR_OP_OR:
        case IR_OP_XOR:
        case IR_OP_SHL:
        case IR_OP_SHR:
        case IR_OP_SAR:
        case IR_OP_ROTL:
        case IR_OP_ROTR:
        case IR_OP_CLZ:
        case IR_OP_CTZ:
        case IR_OP_POPCNT:
        case IR_OP_FADD:
        case IR_OP_FSUB:
        case IR_OP_FMUL:
        case IR_OP_FDIV:
        case IR_OP_FSQRT:
        case IR_OP_FMA:
        case IR_OP_FCMP:
        case IR_OP_FADDH:
        case IR_OP_FSUBH:
        case IR_OP_FMULH:
        case IR_OP_FDIVH:
        case IR_OP_FSQRTH:
        case IR_OP_FCMPH:
        case IR_OP_FENCE:
        case IR_OP_HOSTLD8:
        case IR_OP_INSN_START:
        case IR_OP_GOTO_PTR:
        case IR_OP_GOTO_RET:
        case IR_OP_RAS_PUSH:
            for (unsigned k = 0; k < insn->nin && insn->op != IR_OP_GOTO_PTR &&
                                 insn->op != IR_OP_GOTO_RET; k++) {
                if (ir_temp_type(blk, insn->in[k]) != insn->type) {
                    FAIL("insn %u (%s): input t%u has the wrong type", i, info->name, insn->in[k]);
                }
            }
            break;
        case IR_OP_COUNT:
            g_assert_not_reached();
        }
        if (info->flags & IR_F_ENDS_BLOCK) {
            terminated = true;
        }
    }
    if (blk->n_insns == 0 || !terminated) {
        FAIL("block does not end with an exit");
    }
    for (uint32_t l = 0; l < blk->n_labels; l++) {
        if (!label_placed[l]) {
            /* A label that no branch targets may be missing; a targeted one may not. */
            for (uint32_t i = 0; i < blk->n_insns; i++) {
                const IrInsn *insn = &blk->insns[i];
                if ((insn->op == IR_OP_BR && insn->imm[0] == l) ||
                    (insn->op == IR_OP_BRCOND && insn->imm[1] == l)) {
                    FAIL("label L%u is targeted but never placed", l);
                }
            }
        }
    }
    return true;
}

void ir_verify_or_die(const IrBlock *blk, const char *after)
{
    g_autoptr(GError) error = NULL;

    if (!ir_verify(blk, &error)) {
        g_autofree char *text = ir_block_text(blk);
        g_error("IR verification failed after %s: %s\n%s", after, error->message, text);
    }
}
