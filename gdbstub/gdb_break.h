/*
 * Breakpoint and watchpoint bookkeeping of one gdb session: what gdb inserted with Z0..Z4
 * (so z removes exactly that, and detach removes everything), and the watch check run on
 * guest accesses.  The exec layer only learns the set of breakpoint pcs.
 */
#ifndef MIMIC_GDB_BREAK_H
#define MIMIC_GDB_BREAK_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "frontend/guest.h"

/* Z packet types. */
enum {
    GDB_BP_SW = 0,
    GDB_BP_HW = 1,
    GDB_WP_WRITE = 2,
    GDB_WP_READ = 3,
    GDB_WP_ACCESS = 4,
};

#define GDB_MAX_WATCH 64

typedef struct GdbWatch {
    GuestAddr addr;
    uint64_t len;
    int type;                   /* GDB_WP_* */
} GdbWatch;

typedef struct GdbBp {
    GuestAddr addr;
    int type;                   /* GDB_BP_SW or GDB_BP_HW */
} GdbBp;

typedef struct GdbBreaks {
    GArray *bps;                /* of GdbBp */
    GdbWatch watch[GDB_MAX_WATCH];
    volatile unsigned n_watch;  /* changed only while the guest is stopped */
} GdbBreaks;

void gdb_breaks_init(GdbBreaks *b);
void gdb_breaks_free(GdbBreaks *b);
/*
 * Z/z for a breakpoint type: false if already present / absent.  *pc_changed: the pc
 * gained its first or lost its last breakpoint (the exec layer must be told).
 */
bool gdb_breaks_add_bp(GdbBreaks *b, int type, GuestAddr addr, bool *pc_changed);
bool gdb_breaks_remove_bp(GdbBreaks *b, int type, GuestAddr addr, bool *pc_changed);
/* The kind of breakpoint at addr: GDB_BP_SW if gdb inserted one there, else GDB_BP_HW, else -1. */
int gdb_breaks_type_at(const GdbBreaks *b, GuestAddr addr);
/* Z/z for a watchpoint: false when full / not found or len is 0. */
bool gdb_breaks_add_watch(GdbBreaks *b, int type, GuestAddr addr, uint64_t len);
bool gdb_breaks_remove_watch(GdbBreaks *b, int type, GuestAddr addr, uint64_t len);
/*
 * Does this access hit a watchpoint?  Returns its type (0: no) and in *hit the address to
 * report: the accessed address, or the watched range's start when a wider access began
 * below it (gdb checks that the address lies inside the watched range).
 */
int gdb_breaks_watch_hit(const GdbBreaks *b, bool write, GuestAddr addr, unsigned size, GuestAddr *hit);

#endif
