/*
 * vec_sets.h - input sets and result hashing shared by the xmm tests (sse_shift.c,
 * sse_shuf.c): a fixed 64-bit generator for the inputs, and an FNV-1a hash over every
 * result so the many sets run after the printed first one (hot in the JIT) still show
 * any difference from the host's own run in one line.
 */
#ifndef VEC_SETS_H
#define VEC_SETS_H

#include <stdint.h>

typedef uint64_t V2 __attribute__((vector_size(16)));

static uint64_t seed = 0x9e3779b97f4a7c15ull;
static uint64_t hash = 0xcbf29ce484222325ull;
static int verbose; /* print each result (the first set) or only hash it */

static uint64_t next(void)
{
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return seed ^ (seed >> 29);
}

static void fold(V2 v)
{
    hash = (hash ^ v[0]) * 0x100000001b3ull;
    hash = (hash ^ v[1]) * 0x100000001b3ull;
}

#endif
