/*
 * --trace-watch=ADDR+LEN (or a symbol): a "watch" line for every guest access that
 * overlaps a watched range, naming the instruction (pc, function, step) and the value
 * before and after.
 *
 * Every block gets the memory trace helper while watching (blocks stay chained and full
 * size), and the helper compares each access with the ranges.  The value before a store
 * comes from a shadow copy of the watched bytes (plus 8 on each side, so a wide store
 * that only overlaps the range is seen whole), refreshed after every store that touches
 * it: no helper is needed before the store.
 */
#include <string.h>

#include "exec/exec.h"

#define WATCH_MAX 16
#define WATCH_PAD 8

typedef struct Watch {
    GuestAddr lo;               /* watched range */
    uint64_t len;
    GuestAddr slo;              /* shadowed range: [lo - PAD, lo + len + PAD) */
    uint64_t slen;
    uint8_t *shadow;
    bool shadow_ok;             /* memory was readable when last copied */
} Watch;

static Watch watches[WATCH_MAX];
static volatile int n_watches;
static GMutex watch_lock;       /* several threads may access watched memory */

/* Longest range watched; longer ones are cut (a watch is for a variable, not an array). */
#define WATCH_MAX_LEN 4096

static void refresh(ExecCtx *x, Watch *w)
{
    w->shadow_ok = x->platform.read != NULL &&
                   x->platform.read(x->platform.opaque, w->slo, w->shadow, (unsigned)w->slen);
    if (!w->shadow_ok && x->platform.read != NULL) {
        /* The padding may be unmapped; the range itself is what matters. */
        memset(w->shadow, 0, w->slen);
        w->shadow_ok = x->platform.read(x->platform.opaque, w->lo, w->shadow + (w->lo - w->slo),
                                        (unsigned)w->len);
    }
}

void exec_trace_watch_add(ExecCtx *x, GuestAddr addr, uint64_t len)
{
    if (n_watches >= WATCH_MAX || len == 0) {
        return;
    }
    Watch *w = &watches[n_watches];
    w->lo = addr;
    w->len = MIN(len, WATCH_MAX_LEN);
    w->slo = addr >= WATCH_PAD ? addr - WATCH_PAD : 0;
    w->slen = w->lo + w->len + WATCH_PAD - w->slo;
    w->shadow = g_malloc0(w->slen);
    refresh(x, w);
    __atomic_store_n(&n_watches, n_watches + 1, __ATOMIC_RELEASE);
}

bool exec_trace_watching(void)
{
    return __atomic_load_n(&n_watches, __ATOMIC_ACQUIRE) > 0;
}

static uint64_t shadow_value(const Watch *w, GuestAddr addr, uint32_t size)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < size; i++) {
        GuestAddr a = addr + i;
        uint8_t b = a >= w->slo && a - w->slo < w->slen ? w->shadow[a - w->slo] : 0;
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

void exec_trace_watch_access(ExecCtx *x, uint32_t write, uint32_t size, uint64_t addr, uint64_t value,
                             uint64_t pc)
{
    int n = __atomic_load_n(&n_watches, __ATOMIC_ACQUIRE);

    for (int i = 0; i < n; i++) {
        Watch *w = &watches[i];
        if (!(addr < w->lo + w->len && addr + size > w->lo)) {
            continue;
        }
        g_mutex_lock(&watch_lock);
        if (!w->shadow_ok) {
            refresh(x, w);
        }
        /* Shadow bytes are little-endian values here; big-endian guests would swap. */
        uint64_t old = write ? shadow_value(w, addr, size) : value;
        if (write) {
            refresh(x, w);
        }
        g_mutex_unlock(&watch_lock);

        bool known;
        uint64_t step = exec_trace_last_step(pc, &known);
        if (!known) {
            step = exec_thread.cpu ? exec_trace_step(exec_thread.cpu) : 0;
        }
        const char *sym;
        uint64_t off;
        char where[160] = "";
        if (exec_sym_lookup(pc, &sym, &off)) {
            g_snprintf(where, sizeof(where), " <%s+0x%" G_GINT64_MODIFIER "x>", sym, off);
        }
        exec_trace_printf("watch %c %u 0x%" G_GINT64_MODIFIER "x old=0x%" G_GINT64_MODIFIER "x new=0x%"
                          G_GINT64_MODIFIER "x pc=0x%" G_GINT64_MODIFIER "x%s #%" G_GUINT64_FORMAT "\n",
                          write ? 'w' : 'r', size, addr, old, value, pc, where, step);
    }
}
