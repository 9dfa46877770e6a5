/*
 * Debugger support in the exec layer: the breakpoint list the translator consults, the
 * watch helper, and the hooks platforms call on stops (see exec_debug.h).
 *
 * Breakpoints work at translation: a block never runs through a breakpoint pc (the lifter
 * ends it there through GuestLiftCtx.stop_pc) and the block that starts at one is a single
 * RAISE of GUEST_EXIT_DEBUG.  Adding or removing one invalidates the blocks of its page,
 * which also unchains them and clears them from every jump cache, so no stale
 * translation survives.  Nothing is checked per instruction.
 */
#include <string.h>

#include "exec/exec.h"

void exec_debug_attach(ExecCtx *x, const ExecDebugger *d)
{
    g_mutex_lock(&x->lock);
    if (x->debug.breakpoints == NULL) {
        x->debug.breakpoints = g_array_new(FALSE, FALSE, sizeof(GuestAddr));
    }
    x->debug.debugger = d;
    g_mutex_unlock(&x->lock);
}

void exec_debug_detach(ExecCtx *x)
{
    g_mutex_lock(&x->lock);
    x->debug.debugger = NULL;
    g_mutex_unlock(&x->lock);
}

void exec_debug_forget(ExecCtx *x)
{
    bool had;

    g_mutex_lock(&x->lock);
    x->debug.debugger = NULL;
    had = x->debug.watching || (x->debug.breakpoints != NULL && x->debug.breakpoints->len > 0);
    if (x->debug.breakpoints != NULL) {
        g_array_set_size(x->debug.breakpoints, 0);
    }
    x->debug.watching = false;
    g_mutex_unlock(&x->lock);
    if (had) {
        exec_flush(x);
    }
}

/* Index of the first breakpoint >= pc. */
static guint bp_lower_bound(GArray *bps, GuestAddr pc)
{
    guint lo = 0, hi = bps->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        if (g_array_index(bps, GuestAddr, mid) < pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

bool exec_debug_breakpoint_at(ExecCtx *x, GuestAddr pc)
{
    GArray *bps = x->debug.breakpoints;
    if (bps == NULL || bps->len == 0) {
        return false;
    }
    guint i = bp_lower_bound(bps, pc);
    return i < bps->len && g_array_index(bps, GuestAddr, i) == pc;
}

GuestAddr exec_debug_breakpoint_after(ExecCtx *x, GuestAddr pc)
{
    GArray *bps = x->debug.breakpoints;
    if (bps == NULL || bps->len == 0) {
        return 0;
    }
    guint i = bp_lower_bound(bps, pc + 1);
    return i < bps->len ? g_array_index(bps, GuestAddr, i) : 0;
}

/*
 * Make the blocks holding pc go away.  User mode: the page's blocks (the page map is by
 * guest address).  System mode keys the page map by physical address, which a virtual
 * breakpoint address does not give us: drop everything (breakpoints change only while
 * gdb has the guest stopped, so this costs a retranslation, not correctness).
 */
static void invalidate_pc(ExecCtx *x, GuestAddr pc)
{
    if (x->mem.mem_helpers != NULL) {
        exec_flush_held(x);
    } else {
        exec_invalidate_range(x, pc, 1);
    }
}

void exec_debug_breakpoint_add(ExecCtx *x, GuestAddr pc)
{
    g_mutex_lock(&x->lock);
    if (x->debug.breakpoints == NULL) {
        x->debug.breakpoints = g_array_new(FALSE, FALSE, sizeof(GuestAddr));
    }
    guint i = bp_lower_bound(x->debug.breakpoints, pc);
    bool have = i < x->debug.breakpoints->len && g_array_index(x->debug.breakpoints, GuestAddr, i) == pc;
    if (!have) {
        g_array_insert_val(x->debug.breakpoints, i, pc);
    }
    g_mutex_unlock(&x->lock);
    if (!have) {
        invalidate_pc(x, pc);
    }
}

void exec_debug_breakpoint_remove(ExecCtx *x, GuestAddr pc)
{
    bool had = false;

    g_mutex_lock(&x->lock);
    if (x->debug.breakpoints != NULL) {
        guint i = bp_lower_bound(x->debug.breakpoints, pc);
        if (i < x->debug.breakpoints->len && g_array_index(x->debug.breakpoints, GuestAddr, i) == pc) {
            g_array_remove_index(x->debug.breakpoints, i);
            had = true;
        }
    }
    g_mutex_unlock(&x->lock);
    if (had) {
        invalidate_pc(x, pc);
    }
}

void exec_debug_set_watching(ExecCtx *x, bool on)
{
    if (x->debug.watching == on) {
        return;
    }
    x->debug.watching = on;
    exec_flush_held(x);
}

int exec_debug_stop(ExecCtx *x, GuestCpu *cpu, ExecStopKind kind, int sig)
{
    const ExecDebugger *d = __atomic_load_n(&x->debug.debugger, __ATOMIC_ACQUIRE);
    ExecStop why = { .kind = kind, .sig = sig };

    if (d == NULL) {
        return sig;
    }
    return d->stop(d->opaque, cpu, &why);
}

void exec_debug_ended(ExecCtx *x, bool signalled, int value)
{
    const ExecDebugger *d = __atomic_load_n(&x->debug.debugger, __ATOMIC_ACQUIRE);

    if (d != NULL && d->ended != NULL) {
        d->ended(d->opaque, signalled, value);
    }
}

/*
 * After every guest access of a block lifted while watching.  Such blocks hold one
 * instruction, so the stop requested here takes effect at the next block entry: right
 * after the accessing instruction, as gdb expects of a hardware watchpoint.  The trace
 * helper runs too when a trace asked for it.
 */
static void debug_watch(uint32_t write, uint32_t size, uint64_t addr, uint64_t value, uint64_t pc)
{
    ExecCtx *x = exec_thread.ctx;
    GuestCpu *cpu = exec_thread.cpu;

    if (x == NULL || cpu == NULL) {
        return;
    }
    if (x->trace_mem_helper != NULL) {
        ((void (*)(uint32_t, uint32_t, uint64_t, uint64_t, uint64_t))x->trace_mem_helper->fn)(
            write, size, addr, value, pc);
    }
    const ExecDebugger *d = __atomic_load_n(&x->debug.debugger, __ATOMIC_ACQUIRE);
    if (d != NULL && d->watch_access != NULL && d->watch_access(d->opaque, cpu, write != 0, size, addr)) {
        __atomic_fetch_or(&cpu->exit_request, GUEST_REQ_STOP, __ATOMIC_SEQ_CST);
    }
}

const IrHelper exec_debug_watch_helper = {
    .name = "debug_watch",
    .fn = (void *)debug_watch,
    .flags = 0,
    .ret = IR_HT_VOID,
    .nargs = 5,
    .args = { IR_HT_I32, IR_HT_I32, IR_HT_I64, IR_HT_I64, IR_HT_I64 },
};
