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
    "  exec   exits to the exec loop and block chaining\n"
    "  int    (mimic boot) traps and interrupts: hart, cause, pc, tval, new pc\n";

bool exec_trace_parse(const char *list, uint32_t *flags, GError **error)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } items[] = {
        { "insn", EXEC_TRACE_INSN }, { "regs", EXEC_TRACE_REGS }, { "mem", EXEC_TRACE_MEM },
        { "block", EXEC_TRACE_BLOCK }, { "ir", EXEC_TRACE_IR }, { "host", EXEC_TRACE_HOST },
        { "exec", EXEC_TRACE_EXEC }, { "int", EXEC_TRACE_INT },
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

/* --- insn lines --- */

/* Hex digits of v into p (no 0x), returns the end. */
static char *put_hex(char *p, uint64_t v)
{
    char tmp[16];
    int n = 0;

    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v != 0);
    while (n > 0) {
        *p++ = tmp[--n];
    }
    return p;
}

static char *put_dec(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        *p++ = tmp[--n];
    }
    return p;
}

/* " #<step>\n": the end of every line. */
static char *put_step(char *p, uint64_t step)
{
    *p++ = ' ';
    *p++ = '#';
    p = put_dec(p, step);
    *p++ = '\n';
    return p;
}

char *exec_trace_insn_text(ExecCtx *x, GuestAddr pc)
{
    uint8_t bytes[16];
    unsigned avail = 0, len;
    char text[128];
    GString *out = g_string_sized_new(64);
    const char *sym;
    uint64_t off;

    /* As many bytes as are executable, up to 16 (x86's longest instruction is 15). */
    if (x->platform.fetch(x->platform.opaque, pc, bytes, sizeof(bytes))) {
        avail = sizeof(bytes);
    } else {
        while (avail < sizeof(bytes) && x->platform.fetch(x->platform.opaque, pc + avail, bytes + avail, 1)) {
            avail++;
        }
    }
    len = avail ? x->arch->disas(pc, bytes, avail, text, sizeof(text)) : 0;
    if (len == 0) {
        g_strlcpy(text, "(not decodable)", sizeof(text));
        len = avail < 4 ? avail : 4;
    }
    if (x->arch->insn_as_word && (len == 2 || len == 4)) {
        /* The instruction as one number, as objdump prints it: 00a50533, c.mv 852e. */
        uint32_t word = 0;
        for (unsigned i = 0; i < len; i++) {
            unsigned shift = x->arch->big_endian ? 8 * (len - 1 - i) : 8 * i;
            word |= (uint32_t)bytes[i] << shift;
        }
        g_string_append_printf(out, "%0*x", (int)(2 * len), word);
    } else {
        for (unsigned i = 0; i < len; i++) {
            g_string_append_printf(out, "%02x", bytes[i]);
        }
    }
    g_string_append_printf(out, " %s", text);
    if (exec_sym_lookup(pc, &sym, &off)) {
        g_string_append_printf(out, " <%s+0x%" G_GINT64_MODIFIER "x>", sym, off);
    }
    return g_string_free(out, FALSE);
}

void exec_trace_insn(ExecCtx *x, GuestCpu *cpu, TbBlock *tb)
{
    char line[320];
    char *p = line;
    size_t tlen;

    char *text = __atomic_load_n(&tb->trace_text, __ATOMIC_ACQUIRE);
    if (text == NULL) {
        /* Made on first execution; another thread may be doing the same: one of them wins. */
        char *mine = exec_trace_insn_text(x, tb->pc);
        if (x->mem.mem_helpers != NULL && x->arch->sys_mode_name != NULL) {
            /* System mode: the privilege level, and the physical address when it differs. */
            char *more = tb->key.phys != tb->pc ?
                g_strdup_printf("%s priv=%s pa=0x%" G_GINT64_MODIFIER "x", mine,
                                x->arch->sys_mode_name(tb->flags), tb->key.phys) :
                g_strdup_printf("%s priv=%s", mine, x->arch->sys_mode_name(tb->flags));
            g_free(mine);
            mine = more;
        }
        if (__atomic_compare_exchange_n(&tb->trace_text, &text, mine, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            text = mine;
        } else {
            g_free(mine);
        }
    }
    tlen = strlen(text);
    if (tlen > sizeof(line) - 64) {
        exec_trace_printf("insn 0x%" G_GINT64_MODIFIER "x %s #%" G_GUINT64_FORMAT "\n", tb->pc,
                          text, exec_trace_step(cpu));
        return;
    }
    memcpy(p, "insn 0x", 7);
    p = put_hex(p + 7, tb->pc);
    *p++ = ' ';
    memcpy(p, text, tlen);
    p = put_step(p + tlen, exec_trace_step(cpu));
    exec_trace_write(line, (size_t)(p - line));
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

/* The register table without the pc, with name lengths: made once, read per instruction. */
typedef struct TraceReg {
    uint32_t offset;
    uint8_t size;
    uint8_t name_len;
    const char *name;
    uint64_t (*get)(const GuestCpu *cpu);   /* computed registers (x86 eflags from lazy flags) */
} TraceReg;

static const TraceReg *trace_regs(const GuestArch *arch, unsigned *n)
{
    static const GuestArch *for_arch;
    static TraceReg *regs;
    static unsigned n_regs;

    if (__atomic_load_n(&for_arch, __ATOMIC_ACQUIRE) != arch) {
        static GMutex lock;
        g_mutex_lock(&lock);
        if (for_arch != arch) {
            TraceReg *t = g_new0(TraceReg, arch->n_regs);
            unsigned k = 0;
            for (unsigned i = 0; i < arch->n_regs; i++) {
                const GuestReg *r = &arch->regs[i];
                if (r->kind != GUEST_REG_PC) {
                    t[k++] = (TraceReg){ .offset = r->offset, .size = r->size,
                                         .name_len = (uint8_t)MIN(strlen(r->name), 32), .name = r->name,
                                         .get = r->get };
                }
            }
            regs = t;
            n_regs = k;
            __atomic_store_n(&for_arch, arch, __ATOMIC_RELEASE);
        }
        g_mutex_unlock(&lock);
    }
    *n = n_regs;
    return regs;
}

void exec_trace_regs_diff(ExecCtx *x, const GuestCpu *cpu, const uint8_t *snap)
{
    char line[2048];
    char *p = line;
    const uint8_t *now_base = (const uint8_t *)cpu;
    unsigned n;
    const TraceReg *regs = trace_regs(x->arch, &n);

    memcpy(p, "regs", 4);
    p += 4;
    for (unsigned i = 0; i < n; i++) {
        const TraceReg *r = &regs[i];
        uint64_t now, then;
        if (r->get != NULL) {
            now = r->get(cpu);
            then = r->get((const GuestCpu *)snap);
        } else if (r->size == 8) {     /* fixed sizes: a variable-size memcpy is a slow loop here */
            memcpy(&now, now_base + r->offset, 8);
            memcpy(&then, snap + r->offset, 8);
        } else {
            uint32_t a, b;
            memcpy(&a, now_base + r->offset, 4);
            memcpy(&b, snap + r->offset, 4);
            now = a;
            then = b;
        }
        if (now == then || p + r->name_len + 24 > line + sizeof(line) - 32) {
            continue;
        }
        *p++ = ' ';
        memcpy(p, r->name, r->name_len);
        p += r->name_len;
        memcpy(p, "=0x", 3);
        p = put_hex(p + 3, now);
    }
    if (p != line + 4) {
        /* The step of the instruction before: the counter has already moved past it. */
        uint64_t step = exec_trace_step(cpu);
        p = put_step(p, step ? step - 1 : 0);
        exec_trace_write(line, (size_t)(p - line));
    }
}

void exec_trace_state(ExecCtx *x, const GuestCpu *cpu)
{
    char line[2048];
    char *p = line;

    memcpy(p, "state", 5);
    p += 5;
    for (unsigned i = 0; i < x->arch->n_regs; i++) {
        const GuestReg *r = &x->arch->regs[i];
        size_t n = strlen(r->name);
        if (p + n + 24 > line + sizeof(line) - 32) {
            break;
        }
        *p++ = ' ';
        memcpy(p, r->name, n);
        p += n;
        memcpy(p, "=0x", 3);
        p = put_hex(p + 3, reg_value(r, (const uint8_t *)cpu));
    }
    p = put_step(p, exec_trace_step(cpu));
    exec_trace_write(line, (size_t)(p - line));
}

/*
 * The helper after every guest access when --trace=mem, --trace-last or --trace-watch
 * needs it.  The block was lifted with it because one of them applies; which ones is
 * decided here, per access.
 */
static void trace_mem(uint32_t write, uint32_t size, uint64_t addr, uint64_t value, uint64_t pc)
{
    ExecCtx *x = exec_thread.ctx;
    uint64_t mask = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;

    if (x == NULL) {
        return;
    }
    value &= mask;
    if ((x->opts.trace & EXEC_TRACE_MEM) && exec_trace_shows(x, pc)) {
        uint64_t step = exec_trace_step(exec_thread.cpu);
        step = step ? step - 1 : 0;
        if (exec_trace_window(x, step)) {
            char line[96];
            char *p = line;
            memcpy(p, write ? "mem w " : "mem r ", 6);
            p = put_dec(p + 6, size);
            memcpy(p, " 0x", 3);
            p = put_hex(p + 3, addr);
            memcpy(p, " 0x", 3);
            p = put_hex(p + 3, value);
            p = put_step(p, step);
            exec_trace_write(line, (size_t)(p - line));
        }
    }
    if (x->opts.trace_last) {
        exec_trace_last_mem(write, size, addr, value, pc);
    }
    if (exec_trace_watching()) {
        exec_trace_watch_access(x, write, size, addr, value, pc);
    }
}

const IrHelper exec_trace_mem_helper = {
    .name = "trace_mem",
    .fn = (void *)trace_mem,
    .flags = 0,
    .ret = IR_HT_VOID,
    .nargs = 5,
    .args = { IR_HT_I32, IR_HT_I32, IR_HT_I64, IR_HT_I64, IR_HT_I64 },
};

void exec_print_stats(ExecCtx *x, FILE *out)
{
    ExecStats *s = &x->stats;
    uint64_t insns = exec_thread.cpu ? exec_thread.cpu->insns_executed : s->insns_executed;

    fprintf(out, "mimic stats: engine %s\n", x->engine->name);
    fprintf(out, "  blocks translated      %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " guest insns)\n",
            s->blocks_translated + s->blocks_cold, s->guest_insns_translated);
    fprintf(out, "  instructions executed  %" G_GUINT64_FORMAT "\n", insns);
    fprintf(out, "  loop entries           %" G_GUINT64_FORMAT "\n", s->blocks_executed);
    fprintf(out, "  chains made            %" G_GUINT64_FORMAT "\n", s->chains);
    fprintf(out, "  invalidations          %" G_GUINT64_FORMAT "\n", s->invalidations);
    fprintf(out, "  cache flushes          %" G_GUINT64_FORMAT "\n", s->cache_flushes);
    fprintf(out, "  host code bytes        %" G_GUINT64_FORMAT "\n", s->host_code_bytes);
    fprintf(out, "  time translating       %.3f ms (%.2f us per block)\n",
            (s->translate_ns + s->cold_ns) / 1e6, s->blocks_translated + s->blocks_cold ?
            (s->translate_ns + s->cold_ns) / 1e3 / (s->blocks_translated + s->blocks_cold) : 0.0);
    if (x->tiering) {
        /* Tiered translation (exec/tier.c): the cold tier lifts only, the full tier compiles. */
        fprintf(out, "  tier cold              %" G_GUINT64_FORMAT " blocks, %.3f ms (%.2f us per block), "
                "%" G_GUINT64_FORMAT " runs, %" G_GUINT64_FORMAT " lifted\n", s->blocks_cold, s->cold_ns / 1e6,
                s->blocks_cold ? s->cold_ns / 1e3 / s->blocks_cold : 0.0, s->cold_runs, s->cold_lifts);
        fprintf(out, "  tier full              %" G_GUINT64_FORMAT " blocks (%" G_GUINT64_FORMAT
                " from cold), %.3f ms (%.2f us per block)\n", s->blocks_translated, s->tier_ups,
                s->translate_ns / 1e6, s->blocks_translated ? s->translate_ns / 1e3 / s->blocks_translated : 0.0);
    }
}

void exec_at_exit(ExecCtx *x)
{
    if (x == NULL) {
        return;
    }
    if (x->opts.stats) {
        exec_print_stats(x, stderr);
    }
    g_autofree char *missing = exec_trace_unresolved();
    exec_trace_flush();
    if (missing != NULL) {
        fprintf(stderr, "mimic: warning: --trace-range/--trace-watch symbol not found: %s\n", missing);
    }
    exec_trace_flush();
}
