/*
 * prctl(PR_SET_FPEXC / PR_GET_FPEXC): the FP exception mode of the calling thread,
 * MSR[FE0] and MSR[FE1] (arch/powerpc/kernel/process.c, set_fpexc_mode).  Linux starts
 * programs with both 0, FP exceptions ignored; glibc's feenableexcept asks for the
 * precise mode, after which an instruction that leaves FPSCR[FEX] set traps (SIGFPE).
 * The e500mc modelled here has the classic FPU and no SPE, so PR_FP_EXC_SW_ENABLE is
 * EINVAL, as the kernel says on such a CPU.
 *
 * Lifted code checks for the trap only once PpcCpu.fp_traps is set (the check is a helper
 * call per FP instruction), so the first thread to ask sets it on every thread of the
 * process, and the translations made without the check are dropped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/prctl.h>

#include "frontend/ppc/cpu.h"
#include "platform/linux-user/ppc32/ppc_user.h"

/* PR_FP_EXC_* (0..3) <-> MSR[FE0] (bit value 2) and MSR[FE1] (bit value 1): __pack_fe01. */
static uint32_t fe01_from_mode(uint32_t mode)
{
    return ((mode & 2) ? PPC_MSR_FE0 : 0) | ((mode & 1) ? PPC_MSR_FE1 : 0);
}

static uint32_t mode_from_fe01(uint32_t msr)
{
    return ((msr & PPC_MSR_FE0) ? 2u : 0u) | ((msr & PPC_MSR_FE1) ? 1u : 0u);
}

static void enable_trap_checks(UserProc *p)
{
    bool flush = false;
    g_mutex_lock(&p->threads_lock);
    for (unsigned i = 0; i < p->threads->len; i++) {
        UserThread *t = g_ptr_array_index(p->threads, i);
        PpcCpu *cpu = (PpcCpu *)t->cpu;
        if (!__atomic_exchange_n(&cpu->fp_traps, true, __ATOMIC_RELAXED)) {
            flush = true;
        }
    }
    g_mutex_unlock(&p->threads_lock);
    if (flush) {
        exec_flush(&p->exec);
    }
}

bool ppc_prctl(UserProc *p, const uint64_t a[6], int64_t *ret)
{
    PpcCpu *cpu = (PpcCpu *)user_self->cpu;
    switch ((int)a[0]) {
    case PR_SET_FPEXC: {
        uint32_t mode = (uint32_t)a[1];
        if ((mode & PR_FP_EXC_SW_ENABLE) || mode > PR_FP_EXC_PRECISE) {
            *ret = -EINVAL;
            return true;
        }
        cpu->msr = (cpu->msr & ~(PPC_MSR_FE0 | PPC_MSR_FE1)) | fe01_from_mode(mode);
        if (mode != PR_FP_EXC_DISABLED) {
            enable_trap_checks(p);
        }
        *ret = 0;
        return true;
    }
    case PR_GET_FPEXC:
        *ret = user_write_uint(p, a[1], 4, mode_from_fe01(cpu->msr)) < 0 ? -EFAULT : 0;
        return true;
    default:
        return false;
    }
}
