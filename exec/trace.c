/*
 * Tracing (--trace=LIST) and --stats output.  Every trace line starts with its
 * kind so traces of two runs (two engines, or mimic and a reference) can be
 * diffed line by line; the format is documented in docs/TRACE.md and stays
 * stable:
 *
 *   insn 0x<pc> <raw bytes, hex, in memory order> <disassembly>
 *   regs <name>=0x<value> ...            registers changed by the instruction
 *   mem <r|w> <size> 0x<addr> 0x<value>
 *   block 0x<pc> <guest insns>
 *   exec chain 0x<from> -> 0x<to> | exec exit <kind> pc=0x<pc> | exec flush
 *   ir-block 0x<pc> <lifted|optimized> followed by the IR text
 *   host-block 0x<pc> followed by host lines
 */
#include <errno.h>
#include <string.h>

#include "exec/exec.h"

const char exec_trace_help[] =
    "  insn   pc, raw bytes and disassembly of each executed instruction\n"
    "  regs   registers changed by each instruction\n"
    "  mem    guest loads and stores (size, address, value)\n"
    "  block  entry to each translated block\n"
    "  ir     IR of each block, as lifted and as optimized\n"
    "  host   emitted x86-64 code, disassembled\n"
    "  exec   exits to the exec loop and block chaining\n";

bool exec_trace_parse(const char *list, uint32_t *flags, GError **error)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } items[] = {
        { "insn", EXEC_TRACE_INSN }, { "regs", EXEC_TRACE_REGS }, { "mem", EXEC_TRACE_MEM },
        { "block", EXEC_TRACE_BLOCK }, { "ir", EXEC_TRACE_IR }, { "host", EXEC_TRACE_HOST },
        { "exec", EXEC_TRACE_EXEC },
    };
    g_auto(GStrv) words = g_strsplit(list, ",", -1);

    for (char **w = words; *w; w++) {
        bool found = false;
        if (**w == '\0') {
            continue;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(items); i++) {
            if (strcmp(*w, items[i].name) == 0) {
                *flags |= items[i].bit;
                found = true;
            }
        }
        if (!found) {
            g_set_error(error, IR_MIMIC_ERROR, 0,
                        "unknown trace item '%s' (use insn, regs, mem, block, ir, host, exec)", *w);
            return false;
        }
    }
    return true;
}

/* One unsigned number in C syntax filling all of text. */
static bool parse_u64(const char *text, uint64_t *out)
{
    char *end;

    if (!g_ascii_isdigit(*text)) {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(text, &end, 0);
    return errno == 0 && *end == '\0';
}

bool exec_trace_range_parse(const char *text, uint64_t *lo, uint64_t *hi, GError **error)
{
    const char *sep = strpbrk(text, "-+");
    uint64_t a, b;

    if (sep != NULL) {
        g_autofree char *first = g_strndup(text, (gsize)(sep - text));
        if (parse_u64(first, &a) && parse_u64(sep + 1, &b)) {
            if (*sep == '+') {
                b = a + b < a ? UINT64_MAX : a + b;
            }
            if (b > a) {
                *lo = a;
                *hi = b;
                return true;
            }
            g_set_error(error, IR_MIMIC_ERROR, 0, "empty --trace-range '%s'", text);
            return false;
        }
    }
    g_set_error(error, IR_MIMIC_ERROR, 0,
                "bad --trace-range '%s' (use START-END or START+LENGTH, e.g. 0x10430-0x10500)", text);
    return false;
}

void exec_trace_insn(ExecCtx *x, GuestCpu *cpu, GuestAddr pc)
{
    uint8_t bytes[16];
    unsigned avail = 0, len;
    char text[128];
    GString *hex = g_string_new(NULL);

    /* Fetch as many bytes as are executable, up to 16 (x86's longest instruction is 15). */
    while (avail < sizeof(bytes) && x->platform.fetch(x->platform.opaque, pc + avail, bytes + avail, 1)) {
        avail++;
    }
    len = avail ? x->arch->disas(pc, bytes, avail, text, sizeof(text)) : 0;
    if (len == 0) {
        g_strlcpy(text, "(not decodable)", sizeof(text));
        len = avail < 4 ? avail : 4;
    }
    for (unsigned i = 0; i < len; i++) {
        g_string_append_printf(hex, "%02x", bytes[i]);
    }
    fprintf(x->opts.trace_file, "insn 0x%" G_GINT64_MODIFIER "x %s %s\n", pc, hex->str, text);
    g_string_free(hex, TRUE);
}

void exec_trace_regs_snapshot(ExecCtx *x, const GuestCpu *cpu, uint8_t *snap)
{
    memcpy(snap, cpu, x->arch->cpu_size);
}

static uint64_t reg_value(const GuestReg *r, const uint8_t *base)
{
    if (r->get) {
        return r->get((const GuestCpu *)base);
    }
    if (r->size == 4) {
        uint32_t v;
        memcpy(&v, base + r->offset, 4);
        return v;
    }
    uint64_t v;
    memcpy(&v, base + r->offset, 8);
    return v;
}

void exec_trace_regs_diff(ExecCtx *x, const GuestCpu *cpu, const uint8_t *snap)
{
    GString *line = g_string_new("regs");
    bool any = false;

    for (unsigned i = 0; i < x->arch->n_regs; i++) {
        const GuestReg *r = &x->arch->regs[i];
        uint64_t now = reg_value(r, (const uint8_t *)cpu);
        if (r->kind == GUEST_REG_PC || now == reg_value(r, snap)) {
            continue;
        }
        g_string_append_printf(line, " %s=0x%" G_GINT64_MODIFIER "x", r->name, now);
        any = true;
    }
    if (any) {
        fprintf(x->opts.trace_file, "%s\n", line->str);
    }
    g_string_free(line, TRUE);
}

static void trace_mem(uint32_t write, uint32_t size, uint64_t addr, uint64_t value)
{
    ExecCtx *x = exec_thread.ctx;
    uint64_t mask = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;

    if (x != NULL) {
        fprintf(x->opts.trace_file, "mem %c %u 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x\n",
                write ? 'w' : 'r', size, addr, value & mask);
    }
}

const IrHelper exec_trace_mem_helper = {
    .name = "trace_mem",
    .fn = (void *)trace_mem,
    .flags = 0,
    .ret = IR_HT_VOID,
    .nargs = 4,
    .args = { IR_HT_I32, IR_HT_I32, IR_HT_I64, IR_HT_I64 },
};

void exec_print_stats(ExecCtx *x, FILE *out)
{
    ExecStats *s = &x->stats;
    uint64_t insns = exec_thread.cpu ? exec_thread.cpu->insns_executed : s->insns_executed;

    fprintf(out, "mimic stats: engine %s\n", x->engine->name);
    fprintf(out, "  blocks translated      %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " guest insns)\n",
            s->blocks_translated, s->guest_insns_translated);
    fprintf(out, "  instructions executed  %" G_GUINT64_FORMAT "\n", insns);
    fprintf(out, "  loop entries           %" G_GUINT64_FORMAT "\n", s->blocks_executed);
    fprintf(out, "  chains made            %" G_GUINT64_FORMAT "\n", s->chains);
    fprintf(out, "  invalidations          %" G_GUINT64_FORMAT "\n", s->invalidations);
    fprintf(out, "  cache flushes          %" G_GUINT64_FORMAT "\n", s->cache_flushes);
    fprintf(out, "  host code bytes        %" G_GUINT64_FORMAT "\n", s->host_code_bytes);
    fprintf(out, "  time translating       %.3f ms\n", s->translate_ns / 1e6);
}

void exec_at_exit(ExecCtx *x)
{
    if (x == NULL) {
        return;
    }
    if (x->opts.stats) {
        exec_print_stats(x, stderr);
    }
    if (x->opts.trace_file != NULL) {
        fflush(x->opts.trace_file);
    }
}
