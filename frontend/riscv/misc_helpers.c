/*
 * RISC-V helpers that are not floating point: the user-level counters (Zicsr)
 * and carry-less multiplication (Zbc).  This file also instantiates every
 * IrHelper descriptor of helpers.def.
 */
#include <time.h>
#include <x86intrin.h>

#define IR_HELPER_DEFINE
#include "frontend/riscv/internal.h"

/* cycle: the host time-stamp counter, as qemu-riscv64 does. */
uint64_t helper_rv_rdcycle(void *opaque)
{
    return __rdtsc();
}

/* time: a 10 MHz count of CLOCK_MONOTONIC, the timebase of QEMU's virt board. */
uint64_t helper_rv_rdtime(void *opaque)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100u;
}

/*
 * instret: exact only with --stats, which counts executed instructions per block.
 * Without it insns_executed stays 0 and the cycle counter stands in, so that
 * the value still increases (approximate, like a 1-IPC machine).
 */
uint64_t helper_rv_rdinstret(void *opaque)
{
    RvCpu *cpu = opaque;

    if (cpu->common.insns_executed == 0) {
        return __rdtsc() + cpu->instret_base;
    }
    return cpu->common.insns_executed + cpu->instret_base;
}

/* Zbc: the 128-bit carry-less product of a and b, low and high halves. */
static void rv_clmul128(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t l = 0, h = 0;

    for (unsigned i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            l ^= a << i;
            h ^= i ? a >> (64 - i) : 0;
        }
    }
    *lo = l;
    *hi = h;
}

uint64_t helper_rv_clmul(uint64_t a, uint64_t b)
{
    uint64_t lo, hi;

    rv_clmul128(a, b, &lo, &hi);
    return lo;
}

uint64_t helper_rv_clmulh(uint64_t a, uint64_t b)
{
    uint64_t lo, hi;

    rv_clmul128(a, b, &lo, &hi);
    return hi;
}

/* clmulr: bits 126..63 of the product. */
uint64_t helper_rv_clmulr(uint64_t a, uint64_t b)
{
    uint64_t lo, hi;

    rv_clmul128(a, b, &lo, &hi);
    return hi << 1 | lo >> 63;
}
