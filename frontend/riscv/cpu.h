/*
 * RISC-V (RV64GC) CPU state.  Generic code sees it as a GuestCpu; the lifter
 * reaches fields by offset through rv_get_x()/rv_set_x() and friends.
 */
#ifndef MIMIC_RISCV_CPU_H
#define MIMIC_RISCV_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/guest.h"

typedef struct RvCpu {
    GuestCpu common;            /* must stay first: generic code converts RvCpu * <-> GuestCpu * */
    uint64_t x[32];             /* x[0] stays 0; lifted code goes through rv_get_x()/rv_set_x() */
    uint64_t f[32];             /* raw FP registers; single values are NaN-boxed */
    uint32_t fflags;            /* accrued exception flags, fcsr[4:0] (NV DZ OF UF NX) */
    uint32_t frm;               /* dynamic rounding mode, fcsr[7:5] */
    uint64_t res_addr;          /* LR reservation: address, or ~0 when none */
    uint64_t res_val;           /* value LR loaded; SC succeeds if memory still holds it */
    uint64_t instret_base;      /* instret = common.insns_executed + instret_base */
} RvCpu;

G_STATIC_ASSERT(offsetof(RvCpu, common) == 0);
G_STATIC_ASSERT(offsetof(RvCpu, x) < 128);    /* hot registers within a disp8 of the base pointer */

extern const GuestArch rv64_arch;

#endif
