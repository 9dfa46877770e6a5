/*
 * Where the guest's MXCSR exception flags are while x86 code runs.
 *
 * X86Cpu.mxcsr holds the modes and masks, and the flags that ldmxcsr, fxrstor, the
 * host stubs (trans_sse.c, trans_x87.c) and signal frames put there.  The inline SSE
 * arithmetic (FADDH..FSQRTH, trans_sse_fast.c) is the host's own instruction, run only
 * while the guest's modes are the host's, and it raises its flags in the host's
 * MXCSR; collecting them after each operation would cost more than the operation.  So
 * the guest's flags are X86Cpu.mxcsr's or'ed with the host's, and the host's are
 * gathered into X86Cpu.mxcsr (and cleared on the host) by whatever reads or replaces
 * them: stmxcsr, fxsave, ldmxcsr, fxrstor here, and exec_run() through
 * GuestArch.host_fp_sync as it returns, so that everything outside it (signal frames,
 * the gdb stub, traces of a whole run, the unit tests' engine comparisons) sees exact
 * flags in X86Cpu.mxcsr.  exec_run() keeps the host's MXCSR from one run of guest code
 * to the next (exec.c), and mimic's own code between them raises no flags.
 */
#include "frontend/x86/internal.h"

#define X86_MXCSR_FLAGS 0x3fu

static inline uint32_t x86_host_getcsr(void)
{
    uint32_t v;

    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static inline void x86_host_setcsr(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

void x86_mxcsr_gather(X86Cpu *cpu)
{
    uint32_t host = x86_host_getcsr();

    if (host & X86_MXCSR_FLAGS) {
        cpu->mxcsr |= host & X86_MXCSR_FLAGS;
        x86_host_setcsr(host & ~X86_MXCSR_FLAGS);
    }
}

void x86_mxcsr_drop_host(void)
{
    uint32_t host = x86_host_getcsr();

    if (host & X86_MXCSR_FLAGS) {
        x86_host_setcsr(host & ~X86_MXCSR_FLAGS);
    }
}

void x86_x87_drop_host(void)
{
    __asm__ volatile("fnclex");
}

/* Also the host's x87 exception flags: the guest's have them (x86_x87_spec_plan), and C code may clear those. */
void x86_host_fp_sync(GuestCpu *cpu)
{
    x86_mxcsr_gather((X86Cpu *)cpu);
    x86_x87_drop_host();
}

/* STMXCSR: the flags gathered first. */
uint64_t helper_x86_stmxcsr(void *opaque)
{
    X86Cpu *cpu = opaque;

    x86_mxcsr_gather(cpu);
    return cpu->mxcsr;
}

/* LDMXCSR (SDM Vol. 2): a bit outside MXCSR_MASK is #GP; the flags pending on the host are replaced too. */
void helper_x86_ldmxcsr(void *opaque, uint64_t v)
{
    X86Cpu *cpu = opaque;

    if (v & ~(uint64_t)x86_mxcsr_mask()) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_EXCEPTION, 13, 0);
    }
    x86_mxcsr_drop_host();
    cpu->mxcsr = (uint32_t)v;
}
