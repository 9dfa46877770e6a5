/*
 * What the exec loop does for a debugger (the gdb stub): breakpoints that end blocks
 * and stop before the instruction, single steps, watchpoints on guest accesses, and the
 * hooks through which a platform hands every stop (and the end of the guest) to the
 * attached debugger.
 *
 * Nothing here costs anything while no breakpoint, step or watchpoint is set: blocks are
 * lifted, chained and run exactly as without a debugger.
 */
#ifndef MIMIC_EXEC_DEBUG_H
#define MIMIC_EXEC_DEBUG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "frontend/guest.h"

typedef enum ExecStopKind {
    EXEC_STOP_BREAK = 1,        /* a breakpoint at pc; the instruction has not run */
    EXEC_STOP_STEP,             /* one instruction has run */
    EXEC_STOP_SIGNAL,           /* a guest signal is about to be delivered (sig) */
    EXEC_STOP_REQUEST,          /* GUEST_REQ_STOP was seen: the debugger asked (or a watchpoint hit) */
} ExecStopKind;

typedef struct ExecStop {
    ExecStopKind kind;
    int sig;                    /* EXEC_STOP_SIGNAL: Linux signal number */
} ExecStop;

/* The debugger attached to an ExecCtx (gdbstub/gdb_server.c). */
typedef struct ExecDebugger {
    void *opaque;
    /*
     * cpu stopped, outside exec_run(); returns once the debugger lets it go on.  For
     * EXEC_STOP_SIGNAL, the signal to deliver instead (0: none); else ignored.
     */
    int (*stop)(void *opaque, GuestCpu *cpu, const ExecStop *why);
    /*
     * A guest access in a block lifted while watching (any thread, inside generated code):
     * true if it hits a watchpoint; the exec layer then stops the CPU after this instruction.
     */
    bool (*watch_access)(void *opaque, GuestCpu *cpu, bool write, unsigned size, GuestAddr addr);
    /* The guest ends: exit status, or killed by signal (Linux number). */
    void (*ended)(void *opaque, bool signalled, int value);
} ExecDebugger;

typedef struct ExecDebug {
    const ExecDebugger *debugger;   /* NULL: none attached */
    GArray *breakpoints;            /* sorted GuestAddr, under ExecCtx.lock */
    volatile bool watching;         /* blocks are lifted one instruction each with the watch helper */
} ExecDebug;

struct ExecCtx;

void exec_debug_attach(struct ExecCtx *x, const ExecDebugger *d);
void exec_debug_detach(struct ExecCtx *x);

/*
 * Breakpoints: a block starting at one stops there (GUEST_EXIT_DEBUG, EXEC_STOP_BREAK) and
 * no block runs through one.  Adding or removing invalidates the blocks that hold the pc.
 * Call only while every CPU is stopped (exec_start_exclusive held by the caller).
 */
void exec_debug_breakpoint_add(struct ExecCtx *x, GuestAddr pc);
void exec_debug_breakpoint_remove(struct ExecCtx *x, GuestAddr pc);
bool exec_debug_breakpoint_at(struct ExecCtx *x, GuestAddr pc);     /* caller holds ExecCtx.lock */
/* The first breakpoint above pc, or 0 (caller holds ExecCtx.lock). */
GuestAddr exec_debug_breakpoint_after(struct ExecCtx *x, GuestAddr pc);
/* Watchpoints exist: relift everything with the access check (caller exclusive). */
void exec_debug_set_watching(struct ExecCtx *x, bool on);

/* A forked child: no debugger, no breakpoints or watching (drops the blocks that had them). */
void exec_debug_forget(struct ExecCtx *x);

/* Drop every block while the caller already runs exclusive (no other CPU in exec_run). */
void exec_flush_held(struct ExecCtx *x);

/*
 * Platform side.  exec_debug_stop: hand a stop to the debugger (returns the signal to
 * deliver for EXEC_STOP_SIGNAL: sig itself when none is attached).  exec_debug_ended: the
 * guest ends now.
 */
int exec_debug_stop(struct ExecCtx *x, GuestCpu *cpu, ExecStopKind kind, int sig);
void exec_debug_ended(struct ExecCtx *x, bool signalled, int value);

/* The helper blocks call after each guest access while watching (write, size, addr, value, pc). */
extern const IrHelper exec_debug_watch_helper;

#endif
