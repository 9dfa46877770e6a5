/*
 * The FXSAVE image (SDM Vol. 1 10.5.1, 512 bytes) signal frames carry for the x87 and
 * SSE state, filled from and restored to whatever of that state X86Cpu holds:
 * control, status and tag words, MXCSR, the eight 80-bit registers and the XMM
 * registers (8 in 32-bit mode, 16 in 64-bit mode).  The kernel writes this with
 * fxsave/xsave from the real registers (arch/x86/kernel/fpu/signal.c); without XSAVE
 * the image ends after the legacy area, as here (no FP_XSTATE_MAGIC1).
 */
#include <string.h>

#include "platform/linux-user/x86/x86_user.h"

#define FX_CWD     0
#define FX_SWD     2
#define FX_TWD     4       /* abridged: one bit per register, 1 = not empty */
#define FX_MXCSR   24
#define FX_MXCSR_MASK 28
#define FX_ST      32
#define FX_XMM     160
/* MXCSR bits a program may set (FZ, RC, masks, flags, DAZ); others make the restore fail. */
#define FX_MXCSR_VALID 0xffffu

void x86_fxsave_put(const X86Cpu *cpu, uint8_t *fx)
{
    memset(fx, 0, X86_FXSAVE_SIZE);
    x86_put16(fx + FX_CWD, cpu->fpu_control);
    x86_put16(fx + FX_SWD, cpu->fpu_status);
    /* fpu_tag holds the full tag word (2 bits per register, 3 = empty): abridge it. */
    uint8_t abridged = 0;
    for (int i = 0; i < 8; i++) {
        if (((cpu->fpu_tag >> (2 * i)) & 3) != 3) {
            abridged |= 1u << i;
        }
    }
    fx[FX_TWD] = abridged;
    x86_put32(fx + FX_MXCSR, cpu->mxcsr);
    x86_put32(fx + FX_MXCSR_MASK, FX_MXCSR_VALID);
    for (int i = 0; i < 8; i++) {
        memcpy(fx + FX_ST + 16 * i, cpu->st[i], 10);
    }
    unsigned nxmm = cpu->mode == 64 ? 16 : 8;
    for (unsigned i = 0; i < nxmm; i++) {
        memcpy(fx + FX_XMM + 16 * i, cpu->xmm[i], 16);
    }
}

bool x86_fxsave_get(X86Cpu *cpu, const uint8_t *fx)
{
    uint32_t mxcsr = x86_get32(fx + FX_MXCSR);
    if (mxcsr & ~FX_MXCSR_VALID) {
        return false;       /* the kernel's fxrstor would fault: the sigreturn fails */
    }
    cpu->fpu_control = x86_get16(fx + FX_CWD);
    cpu->fpu_status = x86_get16(fx + FX_SWD);
    uint16_t tag = 0;
    for (int i = 0; i < 8; i++) {
        if (!(fx[FX_TWD] >> i & 1)) {
            tag |= 3u << (2 * i);
        }
    }
    cpu->fpu_tag = tag;
    cpu->mxcsr = mxcsr;
    for (int i = 0; i < 8; i++) {
        memcpy(cpu->st[i], fx + FX_ST + 16 * i, 10);
    }
    unsigned nxmm = cpu->mode == 64 ? 16 : 8;
    for (unsigned i = 0; i < nxmm; i++) {
        memcpy(cpu->xmm[i], fx + FX_XMM + 16 * i, 16);
    }
    return true;
}
