/*
 * PowerPC disassembler: capstone (CS_ARCH_PPC, 32-bit big-endian) produces the
 * text, post-processed toward GNU objdump's: operands separated by "," without a
 * space, register names as objdump prints them (r3, f1, cr7 -- capstone 4 already
 * uses these), D-form displacements and other immediates in decimal, branch
 * targets as absolute hex.  Signed immediates come from our decoder (capstone 4
 * prints some as unsigned 16-bit hex).  Instructions capstone 4 does not know (the
 * XO forms with OE=1, mcrxr, lswx/stswx, fcmpo) are formatted here from the decoded
 * fields, as objdump prints them.  Only words our decoder accepts are named;
 * anything else prints as ".long 0x...", like objdump for an unknown word.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/ppc/internal.h"

/*
 * One capstone handle per thread: a handle is not safe for concurrent use, and traces of
 * a multithreaded guest disassemble from several threads.  It lives as long as the thread.
 */
static csh ppc_cs_handle(void)
{
    static __thread csh handle;
    static __thread bool tried;

    if (!tried) {
        tried = true;
        if (cs_open(CS_ARCH_PPC, CS_MODE_32 | CS_MODE_BIG_ENDIAN, &handle) != CS_ERR_OK) {
            handle = 0;
        }
    }
    return handle;
}

/* Branch mnemonics (b, bl, beq, bdnz, bc...): their numeric operands stay as capstone prints them. */
static bool ppc_is_branch(const char *mn)
{
    return mn[0] == 'b';
}

/* Rewrite capstone's operand text: ", " -> ",", hex immediates -> decimal unless a branch target. */
static void ppc_fix_operands(const char *ops, bool branch, GString *out)
{
    const char *p = ops;

    while (*p) {
        if (p[0] == ',' && p[1] == ' ') {
            g_string_append_c(out, ',');
            p += 2;
            continue;
        }
        if (!branch && (p[0] == '0' && p[1] == 'x')) {
            char *end;
            unsigned long long v = g_ascii_strtoull(p + 2, &end, 16);

            g_string_append_printf(out, "%llu", v);     /* a "-" before it stays */
            p = end;
            continue;
        }
        g_string_append_c(out, *p++);
    }
}

/* Rows whose last operand is a signed 16-bit immediate (addi, cmpwi, twi...). */
static bool ppc_signed_imm_row(const PpcInsnDesc *d)
{
    return d->trans == ppc_trans_addi || d->trans == ppc_trans_addis || d->trans == ppc_trans_addic ||
           d->trans == ppc_trans_subfic || d->trans == ppc_trans_mulli || d->trans == ppc_trans_cmpi ||
           d->trans == ppc_trans_twi;
}

/* Replace the text after the last ',' (or the mnemonic) with the decoded immediate. */
static void ppc_fix_signed_imm(GString *s, int32_t imm)
{
    char *comma = strrchr(s->str, ',');
    char *space = strchr(s->str, ' ');
    char *from = comma ? comma + 1 : space ? space + 1 : NULL;

    if (from != NULL) {
        g_string_truncate(s, (gsize)(from - s->str));
        g_string_append_printf(s, "%d", imm);
    }
}

/* Text for the instructions capstone 4 lacks; false if this row is not one of them. */
static bool ppc_own_text(const PpcInsnDesc *d, uint32_t insn, const PpcArgs *a, GString *s)
{
    const char *oe = (d->flags & PPC_F_OE) && a->oe ? "o" : "";
    const char *rc = (d->flags & PPC_F_RC) && a->rc_bit ? "." : "";

    switch ((PpcFormat)d->fmt) {
    case PPC_FMT_XO:
        g_string_printf(s, "%s%s%s r%d,r%d,r%d", d->name, oe, rc, a->rt, a->ra, a->rb);
        return true;
    case PPC_FMT_XOA:
        g_string_printf(s, "%s%s%s r%d,r%d", d->name, oe, rc, a->rt, a->ra);
        return true;
    case PPC_FMT_XCRD:
        g_string_printf(s, "%s cr%d", d->name, a->crfd);
        return true;
    case PPC_FMT_XFCMP:
        g_string_printf(s, "%s cr%d,f%d,f%d", d->name, a->crfd, a->ra, a->rb);
        return true;
    case PPC_FMT_X:
        g_string_printf(s, "%s r%d,r%d,r%d", d->name, a->rt, a->ra, a->rb);
        return true;
    case PPC_FMT_XT:
        g_string_printf(s, "%s%s %d", d->name, rc, a->rt);       /* mtfsb0./mtfsb1. */
        return true;
    default:
        return false;
    }
}

unsigned ppc_disas(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen)
{
    uint32_t word;
    PpcArgs a;
    const PpcInsnDesc *d;
    csh h = ppc_cs_handle();
    cs_insn *insn = NULL;
    size_t n = 0;
    g_autoptr(GString) s = g_string_new(NULL);

    if (len < 4) {
        return 0;
    }
    word = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
    d = ppc_decode(word, &a);
    if (d != NULL && h != 0) {
        n = cs_disasm(h, bytes, 4, pc, 1, &insn);
    }
    if (n == 1) {
        const char *mn = insn[0].mnemonic;

        /* capstone 4 says "cntlz"; objdump and the ISA "cntlzw" */
        g_string_append(s, strncmp(mn, "cntlz", 5) == 0 ? (mn[5] == '.' ? "cntlzw." : "cntlzw") : mn);
        if (insn[0].op_str[0] != '\0' && !(strcmp(mn, "sync") == 0 && strcmp(insn[0].op_str, "0") == 0)) {
            g_string_append_c(s, ' ');
            ppc_fix_operands(insn[0].op_str, ppc_is_branch(mn), s);
            if (ppc_signed_imm_row(d)) {
                ppc_fix_signed_imm(s, a.imm);
            }
        }
        cs_free(insn, n);
    } else if (d != NULL && ppc_own_text(d, word, &a, s)) {
        /* formatted from the decoded fields */
    } else {
        g_string_append_printf(s, ".long 0x%08" PRIx32, word);
    }
    g_strlcpy(buf, s->str, buflen);
    return 4;
}
