/*
 * Parser for the printer's text form (see ir_text.h), so tests can state a block
 * and its expected rewrite as text.  Temps keep the numbers written in the text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir_text.h"

#define PFAIL(...)                                                             \
    do {                                                                       \
        g_autofree char *msg_ = g_strdup_printf(__VA_ARGS__);                  \
        g_set_error(error, IR_MIMIC_ERROR, 0, "line %u: %s", lineno, msg_);    \
        return false;                                                          \
    } while (0)

static IrTemp use_temp(IrBlock *blk, unsigned n, IrType type)
{
    while (blk->n_temps <= n) {
        ir_temp_new(blk, type);
    }
    return n;
}

static bool parse_num(const char *s, int64_t *v)
{
    char *end;
    bool neg = s[0] == '-';

    errno = 0;
    *v = (int64_t)strtoull(neg ? s + 1 : s, &end, 0);
    if (neg) {
        *v = -*v;
    }
    return *s != '\0' && *end == '\0' && errno == 0;
}

static bool parse_memop(const char *s, int64_t *v)
{
    IrMemOp m = 0;
    unsigned bits;
    char *end;

    if (s[0] == 's') {
        m |= IR_MEM_SIGN;
    } else if (s[0] != 'u') {
        return false;
    }
    bits = (unsigned)strtoul(s + 1, &end, 10);
    switch (bits) {
    case 8: m |= IR_MEM_8; break;
    case 16: m |= IR_MEM_16; break;
    case 32: m |= IR_MEM_32; break;
    case 64: m |= IR_MEM_64; break;
    default: return false;
    }
    if (strncmp(end, "be", 2) == 0) {
        m |= IR_MEM_BE;
    } else if (strncmp(end, "le", 2) != 0) {
        return false;
    }
    end += 2;
    if (*end == '@') {
        m |= (IrMemOp)strtoul(end + 1, NULL, 10) << IR_MEM_MMU_SHIFT;
    }
    *v = m;
    return true;
}

static bool lookup_name(const char *s, const char *const *names, unsigned n, int64_t *v)
{
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *v = i;
            return true;
        }
    }
    return false;
}

static bool parse_line(IrBlock *blk, char *line, unsigned lineno, GError **error)
{
    char *eq = strstr(line, " = ");
    char *opname, *type_s, *rest;
    IrTemp out = IR_TEMP_NONE;
    unsigned out_num = 0;
    IrOpcode op = IR_OP_COUNT;
    IrType type;
    IrTemp in[IR_MAX_IN];
    int64_t imm[2] = { 0, 0 };
    unsigned nin = 0, nimm = 0;
    g_auto(GStrv) operands = NULL;

    if (eq != NULL) {
        *eq = '\0';
        if (line[0] != 't' || sscanf(line + 1, "%u", &out_num) != 1) {
            PFAIL("bad result '%s'", line);
        }
        line = eq + 3;
    }
    opname = line;
    rest = strchr(line, ' ');
    if (rest != NULL) {
        *rest++ = '\0';
    }
    type_s = strchr(opname, '.');
    if (type_s == NULL) {
        PFAIL("missing .i32/.i64 on '%s'", opname);
    }
    *type_s++ = '\0';
    if (strcmp(type_s, "i32") == 0) {
        type = IR_I32;
    } else if (strcmp(type_s, "i64") == 0) {
        type = IR_I64;
    } else {
        PFAIL("bad type '%s'", type_s);
    }
    for (unsigned o = 0; o < IR_OP_COUNT; o++) {
        if (strcmp(opname, ir_text_op_name((IrOpcode)o)) == 0) {
            op = (IrOpcode)o;
        }
    }
    if (op == IR_OP_COUNT) {
        PFAIL("unknown op '%s'", opname);
    }
    operands = g_strsplit(rest ? rest : "", ",", -1);
    for (char **p = operands; *p; p++) {
        char *tok = g_strstrip(*p);
        IrImmKind kind;
        unsigned tn;

        if (*tok == '\0') {
            continue;
        }
        if (tok[0] == 't' && g_ascii_isdigit(tok[1]) && nimm == 0) {
            if (nin == IR_MAX_IN) {
                PFAIL("too many inputs");
            }
            tn = (unsigned)strtoul(tok + 1, NULL, 10);
            in[nin++] = use_temp(blk, tn, type);
            continue;
        }
        kind = ir_text_imm_kind(op, nimm);
        switch (kind) {
        case IR_IMM_NONE:
            PFAIL("too many operands for %s", opname);
        case IR_IMM_NUM:
            if (!parse_num(tok, &imm[nimm])) {
                PFAIL("bad number '%s'", tok);
            }
            break;
        case IR_IMM_COND:
            if (!lookup_name(tok, ir_cond_names, IR_COND_COUNT, &imm[nimm])) {
                PFAIL("bad condition '%s'", tok);
            }
            break;
        case IR_IMM_ATOMIC:
            if (!lookup_name(tok, ir_atomic_names, IR_ATOMIC_COUNT, &imm[nimm])) {
                PFAIL("bad atomic op '%s'", tok);
            }
            break;
        case IR_IMM_MEMOP:
            if (!parse_memop(tok, &imm[nimm])) {
                PFAIL("bad memop '%s'", tok);
            }
            break;
        case IR_IMM_LABEL:
            if (tok[0] != 'L' || !parse_num(tok + 1, &imm[nimm])) {
                PFAIL("bad label '%s'", tok);
            }
            while ((int64_t)blk->n_labels <= imm[nimm]) {
                ir_label_new(blk);
            }
            break;
        case IR_IMM_HELPER: {
            const IrHelper *h = ir_text_find_helper(tok);
            if (h == NULL) {
                PFAIL("unknown helper '%s'", tok);
            }
            imm[nimm] = (int64_t)(uintptr_t)h;
            break;
        }
        }
        nimm++;
    }
    if (eq != NULL) {
        out = use_temp(blk, out_num, type);
    }
    IrInsn *insn = ir_emit(blk, op, type, out, nin, in);
    insn->imm[0] = imm[0];
    insn->imm[1] = imm[1];
    if (op == IR_OP_GOTO_BLOCK && (uint32_t)imm[1] >= blk->n_exits) {
        blk->n_exits = (uint32_t)imm[1] + 1;
    }
    return true;
}

IrBlock *ir_parse(const char *text, GError **error)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    unsigned lineno = 0;

    for (char **l = lines; *l; l++) {
        char *line = g_strstrip(*l);

        lineno++;
        if (*line == '\0' || *line == '#') {
            continue;
        }
        if (!parse_line(blk, line, lineno, error)) {
            return NULL;
        }
    }
    return g_steal_pointer(&blk);
}
