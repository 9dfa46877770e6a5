/*
 * PowerPC disassembler: capstone (CS_ARCH_PPC, 32-bit big-endian) produces the
 * text, post-processed toward GNU objdump's: operands separated by "," without a
 * space, register names as objdump prints them (r3, f1, cr7 -- capstone 4 already
 * uses these), D-form displacements and other immediates in decimal, branch
 * targets as absolute hex.  Only words our decoder accepts are named; anything else
 * prints as ".long 0x...", like objdump for an unknown word.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/ppc/internal.h"

static csh ppc_cs_handle(void)
{
    static gsize once;
    static csh handle;

    if (g_once_init_enter(&once)) {
        if (cs_open(CS_ARCH_PPC, CS_MODE_32 | CS_MODE_BIG_ENDIAN, &handle) != CS_ERR_OK) {
            handle = 0;
        }
        g_once_init_leave(&once, 1);
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

unsigned ppc_disas(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen)
{
    uint32_t word;
    PpcArgs a;
    csh h = ppc_cs_handle();
    cs_insn *insn = NULL;
    size_t n = 0;
    g_autoptr(GString) s = g_string_new(NULL);

    if (len < 4) {
        return 0;
    }
    word = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
    if (ppc_decode(word, &a) != NULL && h != 0) {
        n = cs_disasm(h, bytes, 4, pc, 1, &insn);
    }
    if (n == 1) {
        g_string_append(s, insn[0].mnemonic);
        if (insn[0].op_str[0] != '\0') {
            g_string_append_c(s, ' ');
            ppc_fix_operands(insn[0].op_str, ppc_is_branch(insn[0].mnemonic), s);
        }
        cs_free(insn, n);
    } else {
        g_string_append_printf(s, ".long 0x%08" PRIx32, word);
    }
    g_strlcpy(buf, s->str, buflen);
    return 4;
}
