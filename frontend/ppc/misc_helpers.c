/*
 * PowerPC helpers that are not floating point: the time base.  This file also
 * instantiates every IrHelper descriptor of helpers.def.
 */
#include <time.h>

#define IR_HELPER_DEFINE
#include "frontend/ppc/internal.h"

/*
 * mftb / mfspr 268-269: a PPC_TB_FREQ count of CLOCK_MONOTONIC.  User mode has no
 * writable time base, so the host clock is the time base (like RISC-V's rdtime).
 */
uint64_t helper_ppc_mftb(void *opaque)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * PPC_TB_FREQ + (uint64_t)ts.tv_nsec * (PPC_TB_FREQ / 1000000u) / 1000u;
}
