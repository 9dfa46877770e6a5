/*
 * The command dispatcher: one packet in, one reply (or a request to resume, detach or
 * kill) out.  It holds the session state gdb builds up (selected threads, breakpoints,
 * open files, signals to pass) and knows nothing about sockets or threads; the server
 * (gdb_server.c) feeds it and acts on what it returns.  Malformed packets get an error
 * reply ("E01") or the empty "unsupported" reply, never anything worse.
 */
#ifndef MIMIC_GDB_DISPATCH_H
#define MIMIC_GDB_DISPATCH_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "gdbstub/gdb_break.h"
#include "gdbstub/gdb_target.h"

typedef enum GdbAction {
    GDB_ACT_REPLY,              /* send `reply` and wait for the next packet */
    GDB_ACT_RESUME,             /* run per GdbSession.resume (no reply now: the next stop is it) */
    GDB_ACT_DETACH,             /* send `reply`, remove everything, let the guest run alone */
    GDB_ACT_KILL,               /* send `reply` if any, end the guest */
} GdbAction;

/* One vCont action: tid (-1 = every thread not named before), 'c' or 's', signal to deliver. */
typedef struct GdbResume {
    int64_t tid;
    char action;
    int sig;                    /* Linux number, 0: none */
} GdbResume;

#define GDB_MAX_FILES 16

typedef struct GdbSession {
    const GdbTarget *t;
    GdbBreaks breaks;
    int64_t g_tid;              /* Hg: registers and memory (0 = any) */
    int64_t c_tid;              /* Hc: old-style c/s (0 or -1 = all) */
    bool no_ack;                /* QStartNoAckMode was accepted */
    GString *last_stop;         /* the last stop reply, for '?' */
    uint64_t pass[4];           /* QPassSignals: gdb signal numbers (bits) not to stop for */
    int files[GDB_MAX_FILES];   /* vFile descriptors: host fds, -1 free */
    GArray *resume;             /* of GdbResume, filled by a resume packet */
    GBytes *tdesc;              /* target.xml, made on first request */
    int64_t default_tid;        /* the thread that last stopped: 'any' means this one */
} GdbSession;

void gdb_session_init(GdbSession *s, const GdbTarget *t);
void gdb_session_free(GdbSession *s);
GdbAction gdb_dispatch(GdbSession *s, const char *pkt, size_t len, GString *reply);

/* Stop reasons for gdb_stop_reply. */
typedef enum GdbStopReason {
    GDB_STOP_SIGNAL,            /* plain signal (also: interrupted, initial stop) */
    GDB_STOP_SWBREAK,
    GDB_STOP_HWBREAK,
    GDB_STOP_WATCH,             /* kind: GDB_WP_* */
} GdbStopReason;

/* "T05thread:1f;swbreak:;" into s->last_stop and out. sig is a Linux number. */
void gdb_stop_reply(GdbSession *s, GString *out, int sig, int64_t tid, GdbStopReason why, int kind,
                    GuestAddr addr);
/* Remove every breakpoint and watchpoint (detach, lost connection). */
void gdb_session_remove_all(GdbSession *s);
/* gdb asked not to stop for this (Linux) signal (QPassSignals). */
bool gdb_session_passes(const GdbSession *s, int sig);

/* vFile:... (gdb_vfile.c); false if the packet is not a vFile one. */
bool gdb_vfile(GdbSession *s, const char *pkt, size_t len, GString *reply);
void gdb_vfile_close_all(GdbSession *s);

#endif
