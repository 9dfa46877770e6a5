/*
 * The gdb stub at run time: a thread that owns the connection, the all-stop model over
 * the exec layer, and the ExecDebugger hooks guest threads call when they stop.
 *
 * All-stop: when any CPU stops (breakpoint, step, watchpoint, signal) or gdb sends Ctrl-C,
 * the server takes an exclusive section of the ExecCtx, so every other CPU steps out at
 * its next block boundary and waits; threads inside a host syscall wait when they come
 * back.  gdb then reads and writes state freely.  Resuming ends the section; threads gdb
 * left stopped (vCont without an action for them) park in the stop hook instead.
 */
#ifndef MIMIC_GDB_SERVER_H
#define MIMIC_GDB_SERVER_H

#include <glib.h>
#include <stdbool.h>

#include "exec/exec.h"
#include "gdbstub/gdb_target.h"

typedef struct GdbServer GdbServer;

/*
 * Listen on spec, say where on stderr, and serve gdb from a thread of its own.
 * start_stopped: no CPU runs until gdb connects and resumes (mimic run -g, boot -S);
 * else the guest runs and is stopped when gdb connects.  initial_cpu is the thread the
 * first stop names.  target supplies the platform's parts (thread_id, memory, files); the
 * server fills in the rest.  NULL + error if it cannot listen.
 */
GdbServer *gdb_server_start(ExecCtx *x, const GdbTarget *target, GuestCpu *initial_cpu, const char *spec,
                            bool start_stopped, GError **error);

#endif
