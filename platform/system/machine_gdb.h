/* A board's side of the gdb stub (machine_gdb.c): harts as gdb threads, virtual memory. */
#ifndef MIMIC_SYSTEM_MACHINE_GDB_H
#define MIMIC_SYSTEM_MACHINE_GDB_H

#include <glib.h>
#include <stdbool.h>

#include "exec/exec.h"
#include "softmmu/memory.h"

typedef struct MachineGdb {
    ExecCtx *x;
    GuestCpu **cpus;            /* by hart number */
    unsigned nr_cpus;
    AddressSpace *as;
} MachineGdb;

/* -gdb SPEC; wait: -S (no hart runs before gdb resumes).  g must outlive the machine. */
bool machine_gdb_start(MachineGdb *g, const char *spec, bool wait, GError **error);

#endif
