/*
 * --trace-range and --trace-watch arguments: numbers ("0x10430-0x10500",
 * "0x10430+0x20") or symbols ("main", "libc.so.6:memcpy").  Symbols resolve when the
 * image that defines them is added (exec/trace_sym.c), so a range in a library that
 * ld.so maps later starts working from then on; until then it traces nothing.
 *
 * The list of ranges the exec loop reads (ExecCtx.trace_ranges) is immutable: a new
 * resolution publishes a new copy.  Old copies are left allocated because another
 * thread may still be reading one (a handful of small arrays per run).
 */
#include <string.h>

#include "exec/exec.h"

typedef struct TraceSpec {
    char *text;
    bool watch;                 /* --trace-watch, else --trace-range */
    bool resolved;
    GuestAddr lo, hi;
} TraceSpec;

static GMutex spec_lock;
static GArray *specs;           /* TraceSpec, in the order given */
static bool specs_loaded;

static bool is_numeric(const char *text)
{
    return g_ascii_isdigit(*text);
}

bool exec_trace_spec_check(const char *text, const char *option, GError **error)
{
    uint64_t lo, hi;

    if (is_numeric(text)) {
        return exec_trace_range_parse(text, &lo, &hi, error);
    }
    const char *name = strrchr(text, ':') ? strrchr(text, ':') + 1 : text;
    if (*name == '\0' || name == text + 1 || strpbrk(name, " \t+") != NULL) {
        g_set_error(error, IR_MIMIC_ERROR, 0,
                    "bad %s '%s' (use START-END, START+LENGTH, a symbol NAME or LIB:NAME)", option, text);
        return false;
    }
    return true;
}

/* Numbers now; symbols when known.  Under spec_lock. */
static bool resolve_one(TraceSpec *s)
{
    const char *colon = strrchr(s->text, ':');
    g_autofree char *lib = colon ? g_strndup(s->text, (gsize)(colon - s->text)) : NULL;
    const char *name = colon ? colon + 1 : s->text;
    GuestAddr addr;
    uint64_t size;

    if (is_numeric(s->text)) {
        return exec_trace_range_parse(s->text, &s->lo, &s->hi, NULL);
    }
    if (!exec_sym_find(lib, name, &addr, &size)) {
        return false;
    }
    s->lo = addr;
    s->hi = addr + (size ? size : 1);
    return true;
}

static void add_spec(const char *text, bool watch)
{
    TraceSpec s = { .text = g_strdup(text), .watch = watch };
    g_array_append_val(specs, s);
}

void exec_trace_resolve(ExecCtx *x)
{
    bool changed = false;

    g_mutex_lock(&spec_lock);
    if (!specs_loaded) {
        specs_loaded = true;
        specs = g_array_new(FALSE, FALSE, sizeof(TraceSpec));
        if (x->opts.trace_hi != 0) {
            TraceSpec s = { .text = g_strdup("(range)"), .resolved = true,
                            .lo = x->opts.trace_lo, .hi = x->opts.trace_hi };
            g_array_append_val(specs, s);
            changed = true;
        }
        for (char **r = x->opts.trace_ranges; r != NULL && *r != NULL; r++) {
            add_spec(*r, false);
        }
        for (char **w = x->opts.trace_watches; w != NULL && *w != NULL; w++) {
            add_spec(*w, true);
        }
        changed |= specs->len > 0;
    }
    for (guint i = 0; i < specs->len; i++) {
        TraceSpec *s = &g_array_index(specs, TraceSpec, i);
        if (!s->resolved && resolve_one(s)) {
            s->resolved = true;
            changed = true;
            if (s->watch) {
                exec_trace_watch_add(x, s->lo, s->hi - s->lo);
            }
        }
    }
    if (changed) {
        unsigned n = 0, total = 0;
        for (guint i = 0; i < specs->len; i++) {
            TraceSpec *s = &g_array_index(specs, TraceSpec, i);
            total += !s->watch;
            n += !s->watch && s->resolved;
        }
        if (total > 0) {
            ExecTraceRanges *rs = g_malloc0(sizeof(*rs) + n * sizeof(rs->r[0]));
            for (guint i = 0; i < specs->len; i++) {
                TraceSpec *s = &g_array_index(specs, TraceSpec, i);
                if (!s->watch && s->resolved) {
                    rs->r[rs->n].lo = s->lo;
                    rs->r[rs->n].hi = s->hi;
                    rs->n++;
                }
            }
            rs->pending = n < total;
            __atomic_store_n(&x->trace_ranges, rs, __ATOMIC_RELEASE);
        }
    }
    g_mutex_unlock(&spec_lock);
}

/* Names given that never resolved, for a warning at the end ("NAME, LIB:NAME"), or NULL. */
char *exec_trace_unresolved(void)
{
    GString *out = NULL;

    g_mutex_lock(&spec_lock);
    for (guint i = 0; specs != NULL && i < specs->len; i++) {
        TraceSpec *s = &g_array_index(specs, TraceSpec, i);
        if (!s->resolved) {
            if (out == NULL) {
                out = g_string_new(NULL);
            } else {
                g_string_append(out, ", ");
            }
            g_string_append(out, s->text);
        }
    }
    g_mutex_unlock(&spec_lock);
    return out ? g_string_free(out, FALSE) : NULL;
}
