/*
 * x86 disassembler for --trace=insn: capstone (CS_ARCH_X86) in AT&T syntax, the
 * default of GNU objdump, with its operand separator ("," without space is objdump's
 * too: capstone prints ", ", which is rewritten).  Bytes capstone cannot decode
 * print as "(bad)", as objdump does; the length then comes from our decoder (or 1).
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

#include "frontend/x86/internal.h"

/* One handle per thread and mode: a handle is not safe for concurrent use. */
static csh x86_cs_handle(bool mode64)
{
    static __thread csh handle[2];
    static __thread bool tried[2];
    int i = mode64 ? 1 : 0;

    if (!tried[i]) {
        tried[i] = true;
        if (cs_open(CS_ARCH_X86, mode64 ? CS_MODE_64 : CS_MODE_32, &handle[i]) != CS_ERR_OK) {
            handle[i] = 0;
        } else {
            cs_option(handle[i], CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
        }
    }
    return handle[i];
}

static unsigned x86_disas_mode(bool mode64, GuestAddr pc, const uint8_t *bytes, size_t len, char *buf,
                               size_t buflen)
{
    csh h = x86_cs_handle(mode64);
    cs_insn *insn = NULL;
    X86Insn in;
    unsigned ours = x86_decode(bytes, len, mode64, pc, &in);

    if (h && cs_disasm(h, bytes, len, pc, 1, &insn) == 1) {
        GString *s = g_string_new(insn->mnemonic);
        unsigned n = insn->size;

        if (insn->op_str[0]) {
            g_string_append_c(s, ' ');
            for (const char *p = insn->op_str; *p; p++) {
                if (p[0] == ',' && p[1] == ' ') {
                    g_string_append_c(s, ',');
                    p++;
                } else {
                    g_string_append_c(s, *p);
                }
            }
        }
        g_strlcpy(buf, s->str, buflen);
        g_string_free(s, TRUE);
        cs_free(insn, 1);
        return n;
    }
    if (len < 15 && ours == 0) {
        return 0;
    }
    g_strlcpy(buf, "(bad)", buflen);
    return ours ? ours : 1;
}

unsigned x86_disas(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen)
{
    return x86_disas_mode(true, pc, bytes, len, buf, buflen);
}

unsigned x86_disas32(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen)
{
    return x86_disas_mode(false, pc, bytes, len, buf, buflen);
}
