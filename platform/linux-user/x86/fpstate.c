/*
 * The FXSAVE image (SDM Vol. 1 10.5.1, 512 bytes) signal frames carry for the x87 and
 * SSE state.  The kernel writes it with fxsave/xsave from the real registers
 * (arch/x86/kernel/fpu/signal.c); here the frontend's own image conversion does it
 * (x86_fxsave_image: the FXSAVE64 pointer format in 64-bit mode).  Without XSAVE the
 * image ends after the legacy area (no FP_XSTATE_MAGIC1).
 */
#include <string.h>

#include "platform/linux-user/x86/x86_user.h"

void x86_fxsave_put(const X86Cpu *cpu, uint8_t *fx)
{
    x86_fxsave_image(cpu, fx, cpu->mode == 64);
}

bool x86_fxsave_get(X86Cpu *cpu, const uint8_t *fx)
{
    /* MXCSR bits the CPU refuses: the kernel's fxrstor would fault, so the sigreturn fails. */
    return x86_fxrstor_image(cpu, fx, cpu->mode == 64);
}

void x86_fpu_clear_for_handler(X86Cpu *cpu)
{
    memset(&cpu->fpu, 0, sizeof(cpu->fpu));
    cpu->fpu.fcw = 0x37f;
    cpu->fpu.ftw = 0xffff;
    cpu->mxcsr = 0x1f80;
    memset(cpu->xmm, 0, sizeof(cpu->xmm));
}
