/*
 * Shared helpers of the PowerPC unit tests: instruction encoders (Power ISA 2.06
 * Book I 1.6 formats) and a runner that executes code from a buffer under three
 * engines -- the interpreter on unoptimized IR, the interpreter on optimized IR and
 * the JIT -- through the exec loop, and checks that all three end in the same CPU
 * state, memory and exit.
 */
#ifndef MIMIC_TEST_PPC_TEST_H
#define MIMIC_TEST_PPC_TEST_H

#include <stdint.h>

#include "exec/exec.h"
#include "frontend/ppc/cpu.h"

#define PPCT_MEM_BITS 16
#define PPCT_MEM_SIZE (1u << PPCT_MEM_BITS)
#define PPCT_CODE     0x1000u
#define PPCT_DATA     0x8000u

/* --- Encoders --- */
static inline uint32_t ppct_d(unsigned op, int rt, int ra, int32_t d)
{
    return op << 26 | (uint32_t)rt << 21 | (uint32_t)ra << 16 | ((uint32_t)d & 0xffff);
}

static inline uint32_t ppct_x(unsigned op, int rt, int ra, int rb, unsigned xo, int rc)
{
    return op << 26 | (uint32_t)rt << 21 | (uint32_t)ra << 16 | (uint32_t)rb << 11 | xo << 1 | (uint32_t)rc;
}

static inline uint32_t ppct_xo(int rt, int ra, int rb, int oe, unsigned xo, int rc)
{
    return 31u << 26 | (uint32_t)rt << 21 | (uint32_t)ra << 16 | (uint32_t)rb << 11 | (uint32_t)oe << 10 |
           xo << 1 | (uint32_t)rc;
}

static inline uint32_t ppct_m(unsigned op, int rs, int ra, int sh, int mb, int me, int rc)
{
    return op << 26 | (uint32_t)rs << 21 | (uint32_t)ra << 16 | (uint32_t)sh << 11 | (uint32_t)mb << 6 |
           (uint32_t)me << 1 | (uint32_t)rc;
}

static inline uint32_t ppct_a(unsigned op, int frt, int fra, int frb, int frc, unsigned xo, int rc)
{
    return op << 26 | (uint32_t)frt << 21 | (uint32_t)fra << 16 | (uint32_t)frb << 11 | (uint32_t)frc << 6 |
           xo << 1 | (uint32_t)rc;
}

static inline uint32_t ppct_bc(int bo, int bi, int32_t bd, int aa, int lk)
{
    return 16u << 26 | (uint32_t)bo << 21 | (uint32_t)bi << 16 | ((uint32_t)bd & 0xfffc) | (uint32_t)aa << 1 |
           (uint32_t)lk;
}

static inline uint32_t ppct_b(int32_t li, int aa, int lk)
{
    return 18u << 26 | ((uint32_t)li & 0x03fffffc) | (uint32_t)aa << 1 | (uint32_t)lk;
}

static inline uint32_t ppct_spr(unsigned xo, int rt, unsigned spr)
{
    return 31u << 26 | (uint32_t)rt << 21 | (spr & 0x1f) << 16 | ((spr >> 5) & 0x1f) << 11 | xo << 1;
}

#define PPCT_ADDI(rt, ra, i)  ppct_d(14, (rt), (ra), (i))
#define PPCT_LI(rt, i)        ppct_d(14, (rt), 0, (i))
#define PPCT_ADDIS(rt, ra, i) ppct_d(15, (rt), (ra), (i))
#define PPCT_ORI(ra, rs, i)   ppct_d(24, (rs), (ra), (i))
#define PPCT_TRAP             0x7fe00008u       /* tw 31,0,0 */
#define PPCT_SC               0x44000002u
#define PPCT_MTSPR(spr, rs)   ppct_spr(467, (rs), (spr))
#define PPCT_MFSPR(rt, spr)   ppct_spr(339, (rt), (spr))

typedef struct PpctMachine {
    PpcCpu *cpu;                /* the state the tests inspect (the unoptimized interpreter's) */
    uint8_t *mem;
    unsigned max_insns;         /* 0: the lifter's default */
} PpctMachine;

/* Reset the machine: zeroed CPU (after cpu_init) and memory. */
void ppct_init(PpctMachine *m);
void ppct_fini(PpctMachine *m);
/* Copy big-endian code words to PPCT_CODE. */
void ppct_load(PpctMachine *m, const uint32_t *words, unsigned n);
/*
 * Run from PPCT_CODE until an exit other than "next block" under the three engines
 * (each from a copy of m's state and memory); asserts they agree, leaves the result
 * in m and returns the exit kind.
 */
GuestExitKind ppct_run(PpctMachine *m);
/* Big-endian memory helpers. */
uint32_t ppct_rd32(const PpctMachine *m, uint32_t addr);
void ppct_wr32(PpctMachine *m, uint32_t addr, uint32_t v);
uint64_t ppct_rd64(const PpctMachine *m, uint32_t addr);
void ppct_wr64(PpctMachine *m, uint32_t addr, uint64_t v);

#endif
