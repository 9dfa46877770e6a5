/*
 * Shared helpers of the x86 unit tests: a runner that executes code bytes from a
 * buffer under three engines -- the interpreter on unoptimized IR, the interpreter
 * on optimized IR and the JIT -- through the exec loop, and checks that all three
 * end in the same CPU state, memory and exit.
 */
#ifndef MIMIC_TEST_X86_TEST_H
#define MIMIC_TEST_X86_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec/exec.h"
#include "frontend/x86/cpu.h"

#define X86T_MEM_BITS 17
#define X86T_MEM_SIZE (1u << X86T_MEM_BITS)
/* A window the native differential test also maps at the same host address. */
#define X86T_WIN      0x10000u
#define X86T_WIN_SIZE 0x1000u
#define X86T_CODE     0x1000u
#define X86T_DATA     0x8000u
#define X86T_STACK    0xf000u

typedef struct X86tMachine {
    X86Cpu *cpu;                /* the state the tests inspect (the unoptimized interpreter's) */
    uint8_t *mem;
    bool mode64;
    unsigned max_insns;         /* 0: the lifter's default */
    uint32_t trace;             /* EXEC_TRACE_* for every engine run, written to trace_file */
    FILE *trace_file;
} X86tMachine;

/* Reset: zeroed CPU (after cpu_init), zeroed memory, rsp = X86T_STACK, pc = X86T_CODE. */
void x86t_init(X86tMachine *m, bool mode64);
void x86t_fini(X86tMachine *m);
/* Copy code bytes to X86T_CODE and point pc there. */
void x86t_load(X86tMachine *m, const uint8_t *code, unsigned n);
/* Run under the three engines until an exit other than "next block"; returns the exit kind. */
GuestExitKind x86t_run(X86tMachine *m);
/* Load code and run it; code should end with int3 (0xcc). */
GuestExitKind x86t_exec(X86tMachine *m, const uint8_t *code, unsigned n);
/* The six arithmetic flags now. */
uint32_t x86t_flags(const X86tMachine *m);

#endif
