/*
 * block_run.h - one guest block at a time, for the engine fuzz tests: a guest CPU on a flat
 * mmap'd memory under one engine, each run exactly one block at cpu->pc with no chaining
 * and an empty jump cache, so two engines given the same state can be compared block by
 * block.
 */
#ifndef MIMIC_TEST_BLOCK_RUN_H
#define MIMIC_TEST_BLOCK_RUN_H

#include <stdint.h>

#include "exec/exec.h"
#include "frontend/guest.h"

typedef struct BlockRun {
    ExecCtx x;
    const GuestArch *arch;
    uint8_t *mem;               /* mem_size bytes from guest address 0 */
    size_t mem_size;
    GuestCpu *cpu;
} BlockRun;

/* opts: the engine and its options; memory is 1 << mem_bits bytes, zeroed. */
void block_run_setup(BlockRun *r, const GuestArch *arch, const ExecOptions *opts, unsigned mem_bits);
void block_run_teardown(BlockRun *r);

/* dst's memory, CPU and pc become src's; dst's translations are dropped (code may differ). */
void block_run_copy_state(BlockRun *dst, const BlockRun *src);

/* One block at cpu->pc (a cold block on the cold tier); a raising helper ends it early. */
void block_run_one(BlockRun *r);

#endif
