/*
 * What the protocol layer needs from the thing being debugged.  gdb_server.c implements
 * it over an ExecCtx and a platform (linux-user process or board); unit tests implement
 * it over a plain buffer.  Every call is made while the guest is stopped.
 */
#ifndef MIMIC_GDB_TARGET_H
#define MIMIC_GDB_TARGET_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "frontend/guest.h"

typedef struct GdbTarget {
    void *opaque;
    const GuestArch *arch;
    bool system;                /* a board's harts (CSRs described, no files) */
    /* The thread id gdb sees for a CPU (> 0): the host tid, or hart + 1 on a board. */
    int64_t (*thread_id)(void *opaque, GuestCpu *cpu);
    /* Thread ids gdb sees (> 0), first the main thread or hart 0; returns how many. */
    unsigned (*list_threads)(void *opaque, int64_t *ids, unsigned max);
    /* The CPU of a thread id, or NULL if there is none (any more). */
    GuestCpu *(*cpu_of)(void *opaque, int64_t tid);
    /* Guest virtual memory as cpu sees it; false if any byte is not accessible. */
    bool (*read_mem)(void *opaque, GuestCpu *cpu, GuestAddr addr, uint8_t *buf, size_t len);
    bool (*write_mem)(void *opaque, GuestCpu *cpu, GuestAddr addr, const uint8_t *buf, size_t len);
    /* The first breakpoint at pc appeared / the last one went away. */
    void (*bp_insert)(void *opaque, GuestAddr pc);
    void (*bp_remove)(void *opaque, GuestAddr pc);
    /* Watchpoints exist (on) or no longer (off). */
    void (*set_watching)(void *opaque, bool on);
    /* User mode (NULL on a board): the auxiliary vector, the program's path, a guest path
     * as a host path (the -L sysroot first), the process id. */
    GBytes *(*auxv)(void *opaque);
    char *(*exec_file)(void *opaque);
    char *(*host_path)(void *opaque, const char *guest_path);
    /* The siginfo of the signal cpu stopped for, as the guest would see it (NULL: none). */
    GBytes *(*siginfo)(void *opaque, GuestCpu *cpu);
    int pid;
} GdbTarget;

#endif
