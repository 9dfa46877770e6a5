/*
 * x86 disassembler for --trace=insn: capstone (CS_ARCH_X86) in AT&T syntax, the
 * default of GNU objdump, post-processed toward objdump's text: operands separated
 * by "," without a space, immediates in hex ("$0x1"), and no operand-size suffix
 * when a register operand already gives the size ("add %rbx,%rax", but
 * "movl $0x1,(%rax)") or on call/ret/push/pop/jmp/leave.  Remaining differences
 * (objdump's explicit "0x0(...,1)" address forms, "%ds:" on string operands,
 * "xchg %ax,%ax" for 66 90) are left as capstone prints them.  Bytes capstone
 * cannot decode print as "(bad)", as objdump does; the length then comes from our
 * decoder (or 1).
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

/* Mnemonics whose b/w/l/q suffix objdump omits when a register operand gives the size. */
static const char *const x86_suffixed[] = {
    "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test", "inc", "dec", "neg", "not", "mov", "lea",
    "xchg", "shl", "shr", "sar", "sal", "rol", "ror", "rcl", "rcr", "shld", "shrd", "imul", "mul", "div",
    "idiv", "bt", "bts", "btr", "btc", "bsf", "bsr", "lzcnt", "tzcnt", "popcnt", "xadd", "cmpxchg", "bswap",
};
/* ... and always omits on these (their size is the mode's). */
static const char *const x86_stack_ops[] = { "call", "ret", "push", "pop", "jmp", "leave", "enter" };

static bool x86_in_list(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(list[i]) == len && strncmp(list[i], s, len) == 0) {
            return true;
        }
    }
    return false;
}

static bool x86_is_shift(const char *mn)
{
    return !strncmp(mn, "sh", 2) || !strncmp(mn, "sa", 2) || !strncmp(mn, "ro", 2) || !strncmp(mn, "rc", 2);
}

/* The mnemonic as objdump writes it, given capstone's and its operand text. */
static void x86_fix_mnemonic(const char *mn, const char *ops, GString *out)
{
    size_t len = strlen(mn);
    const char *last = strrchr(ops, ' ');
    bool first_reg = ops[0] == '%' && !(x86_is_shift(mn) && !strncmp(ops, "%cl", 3));
    bool last_reg = (last ? last + 1 : ops)[0] == '%';
    const char *sp = strchr(mn, ' ');

    if (sp) {                           /* "rep movsb": prefixes stay */
        g_string_append_len(out, mn, sp + 1 - mn);
        x86_fix_mnemonic(sp + 1, ops, out);
        return;
    }
    if (len > 1 && strchr("bwlq", mn[len - 1]) &&
        (x86_in_list(x86_stack_ops, G_N_ELEMENTS(x86_stack_ops), mn, len - 1) ||
         (x86_in_list(x86_suffixed, G_N_ELEMENTS(x86_suffixed), mn, len - 1) && (first_reg || last_reg)))) {
        len--;
    }
    g_string_append_len(out, mn, len);
}

/* Operands: ", " -> ",", "$12" -> "$0xc" (negative immediates stay as capstone prints them). */
static void x86_fix_operands(const char *ops, GString *out)
{
    for (const char *p = ops; *p; p++) {
        if (p[0] == ',' && p[1] == ' ') {
            g_string_append_c(out, ',');
            p++;
        } else if (p[0] == '$' && g_ascii_isdigit(p[1]) && !(p[1] == '0' && p[2] == 'x')) {
            char *end;
            unsigned long long v = g_ascii_strtoull(p + 1, &end, 10);

            g_string_append_printf(out, "$0x%llx", v);
            p = end - 1;
        } else {
            g_string_append_c(out, *p);
        }
    }
}

static unsigned x86_disas_mode(bool mode64, GuestAddr pc, const uint8_t *bytes, size_t len, char *buf,
                               size_t buflen)
{
    csh h = x86_cs_handle(mode64);
    cs_insn *insn = NULL;
    X86Insn in;
    unsigned ours = x86_decode(bytes, len, mode64, pc, &in);

    if (h && cs_disasm(h, bytes, len, pc, 1, &insn) == 1) {
        GString *s = g_string_new(NULL);
        unsigned n = insn->size;

        x86_fix_mnemonic(insn->mnemonic, insn->op_str, s);
        if (insn->op_str[0]) {
            g_string_append_c(s, ' ');
            x86_fix_operands(insn->op_str, s);
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
