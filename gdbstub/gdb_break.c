/* Breakpoint and watchpoint bookkeeping (see gdb_break.h). */
#include "gdbstub/gdb_break.h"

void gdb_breaks_init(GdbBreaks *b)
{
    b->bps = g_array_new(FALSE, FALSE, sizeof(GdbBp));
    b->n_watch = 0;
}

void gdb_breaks_free(GdbBreaks *b)
{
    if (b->bps != NULL) {
        g_array_unref(b->bps);
        b->bps = NULL;
    }
    b->n_watch = 0;
}

static int count_at(const GdbBreaks *b, GuestAddr addr, int type, int *index)
{
    int n = 0;
    for (guint i = 0; i < b->bps->len; i++) {
        const GdbBp *bp = &g_array_index(b->bps, GdbBp, i);
        if (bp->addr == addr) {
            n++;
            if (bp->type == type && index != NULL) {
                *index = (int)i;
            }
        }
    }
    return n;
}

bool gdb_breaks_add_bp(GdbBreaks *b, int type, GuestAddr addr, bool *pc_changed)
{
    int idx = -1;
    int n = count_at(b, addr, type, &idx);
    *pc_changed = false;
    if (idx >= 0) {
        return false;
    }
    GdbBp bp = { .addr = addr, .type = type };
    g_array_append_val(b->bps, bp);
    *pc_changed = n == 0;
    return true;
}

bool gdb_breaks_remove_bp(GdbBreaks *b, int type, GuestAddr addr, bool *pc_changed)
{
    int idx = -1;
    int n = count_at(b, addr, type, &idx);
    *pc_changed = false;
    if (idx < 0) {
        return false;
    }
    g_array_remove_index_fast(b->bps, (guint)idx);
    *pc_changed = n == 1;
    return true;
}

int gdb_breaks_type_at(const GdbBreaks *b, GuestAddr addr)
{
    int type = -1;
    for (guint i = 0; i < b->bps->len; i++) {
        const GdbBp *bp = &g_array_index(b->bps, GdbBp, i);
        if (bp->addr == addr && (type < 0 || bp->type == GDB_BP_SW)) {
            type = bp->type;
        }
    }
    return type;
}

bool gdb_breaks_add_watch(GdbBreaks *b, int type, GuestAddr addr, uint64_t len)
{
    if (b->n_watch >= GDB_MAX_WATCH || len == 0) {
        return false;
    }
    b->watch[b->n_watch] = (GdbWatch){ .addr = addr, .len = len, .type = type };
    __atomic_store_n(&b->n_watch, b->n_watch + 1, __ATOMIC_RELEASE);
    return true;
}

bool gdb_breaks_remove_watch(GdbBreaks *b, int type, GuestAddr addr, uint64_t len)
{
    for (unsigned i = 0; i < b->n_watch; i++) {
        GdbWatch *w = &b->watch[i];
        if (w->type == type && w->addr == addr && w->len == len) {
            b->watch[i] = b->watch[b->n_watch - 1];
            __atomic_store_n(&b->n_watch, b->n_watch - 1, __ATOMIC_RELEASE);
            return true;
        }
    }
    return false;
}

int gdb_breaks_watch_hit(const GdbBreaks *b, bool write, GuestAddr addr, unsigned size, GuestAddr *hit)
{
    unsigned n = __atomic_load_n(&b->n_watch, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < n; i++) {
        const GdbWatch *w = &b->watch[i];
        if (!(addr < w->addr + w->len && addr + size > w->addr)) {
            continue;
        }
        bool wants = w->type == GDB_WP_ACCESS || (write ? w->type == GDB_WP_WRITE : w->type == GDB_WP_READ);
        if (wants) {
            *hit = addr < w->addr ? w->addr : addr;
            return w->type;
        }
    }
    return 0;
}
