/*
 * engine_diff.h - the three-engine differential runner of the guest unit tests: code and
 * data in a flat buffer run from one start state under the interpreter on unoptimized IR
 * (the reference), the interpreter on optimized IR and the JIT, each on its own copy of
 * the CPU and the memory, through the exec loop; the guest's own compare function says
 * whether each copy ended where the reference did, and the reference's end state is
 * written back into the caller's CPU and memory.
 */
#ifndef MIMIC_TEST_ENGINE_DIFF_H
#define MIMIC_TEST_ENGINE_DIFF_H

#include <stdint.h>
#include <stdio.h>

#include "exec/exec.h"
#include "frontend/guest.h"

typedef struct EngineDiff {
    const GuestArch *arch;
    GuestCpu *cpu;              /* start state in, the reference's end state out */
    uint8_t *mem;               /* likewise; mem_size bytes from guest address 0 */
    size_t mem_size;
    unsigned addr_bits;
    unsigned max_insns;         /* per block; 0: the lifter's default */
    uint32_t trace;             /* EXEC_TRACE_* for every run */
    FILE *trace_file;           /* NULL: stderr */
    /* Fails the test (ck_assert) when b's CPU or memory differs from the reference a's. */
    void (*compare)(const char *what, const GuestCpu *a, const GuestCpu *b, const uint8_t *ma,
                    const uint8_t *mb, size_t mem_size);
} EngineDiff;

/* The checks every guest's compare makes first: exit kind, pc, exit code and aux. */
void engine_diff_check_exit(const char *what, const GuestCpu *a, const GuestCpu *b);

/* Runs all three engines, compares, adopts the reference's end state; returns its exit. */
GuestExitKind engine_diff_run(const EngineDiff *d);

#endif
