/*
 * ppc32 signal frames, laid out as arch/powerpc/kernel/signal_32.c builds them:
 *   - with SA_SIGINFO, handle_rt_signal32(): struct rt_sigframe { siginfo; ucontext;
 *     abigap } with uc.uc_regs pointing at uc.uc_mcontext; the handler gets
 *     r3 = sig, r4 = &info, r5 = &uc, r6 = frame;
 *   - without it, handle_signal32(): struct sigframe { sigcontext; mcontext; abigap },
 *     r3 = sig, r4 = &sigcontext, and the return goes through sigreturn (119).
 * Either way the handler's r1 is 16 (rt) or 0 bytes plus __SIGNAL_FRAMESIZE below the
 * frame, with a back chain to the interrupted r1, and LR points at our trampoline
 * page (the kernel would use the vdso's; without one it writes the same two
 * instructions into mc_pad, which we do too).  The mcontext holds the GPRs, NIP, MSR,
 * CTR, LR, XER, CR, then the 32 FPRs and FPSCR; there is no AltiVec state.
 */
#include <string.h>
#include <sys/mman.h>

#include "frontend/ppc/cpu.h"
#include "platform/linux-user/ppc32/ppc_user.h"

/* MSR as a user process sees it (MSR_KERNEL bits aside): PR, FP, EE, ME. */
static uint32_t user_msr(const PpcCpu *c)
{
    return c->msr;
}

/* save_user_regs(): the registers into the mcontext at mc (a buffer of PPC_MC_SIZE). */
static void save_regs(const PpcCpu *c, uint8_t *mc)
{
    uint8_t *g = mc + PPC_MC_GREGS;
    for (int i = 0; i < 32; i++) {
        ppc_put32(g + 4 * i, c->gpr[i]);
    }
    ppc_put32(g + 4 * PPC_PT_NIP, (uint32_t)c->common.pc);
    ppc_put32(g + 4 * PPC_PT_MSR, user_msr(c));
    ppc_put32(g + 4 * PPC_PT_ORIG_R3, c->gpr[3]);
    ppc_put32(g + 4 * PPC_PT_CTR, c->ctr);
    ppc_put32(g + 4 * PPC_PT_LNK, c->lr);
    ppc_put32(g + 4 * PPC_PT_XER, ppc_get_xer(c));
    ppc_put32(g + 4 * PPC_PT_CCR, ppc_get_cr(c));
    uint8_t *f = mc + PPC_MC_FREGS;
    for (int i = 0; i < 32; i++) {
        ppc_put64(f + 8 * i, c->fpr[i]);
    }
    ppc_put64(f + 8 * 32, ppc_get_fpscr(c));
}

/* restore_user_regs(): everything but MSR, which user code cannot change. */
static void restore_regs(PpcCpu *c, const uint8_t *mc)
{
    const uint8_t *g = mc + PPC_MC_GREGS;
    for (int i = 0; i < 32; i++) {
        c->gpr[i] = ppc_get32(g + 4 * i);
    }
    c->common.pc = ppc_get32(g + 4 * PPC_PT_NIP);
    c->ctr = ppc_get32(g + 4 * PPC_PT_CTR);
    c->lr = ppc_get32(g + 4 * PPC_PT_LNK);
    ppc_set_xer(c, ppc_get32(g + 4 * PPC_PT_XER));
    ppc_set_cr(c, ppc_get32(g + 4 * PPC_PT_CCR));
    const uint8_t *f = mc + PPC_MC_FREGS;
    for (int i = 0; i < 32; i++) {
        c->fpr[i] = ppc_get64(f + 8 * i);
    }
    ppc_set_fpscr(c, (uint32_t)ppc_get64(f + 8 * 32));
    c->res_addr = 0xffffffffu;      /* a reservation does not survive a signal return */
}

bool ppc_setup_frame(UserProc *p, int sig, const UserSigInfo *info, const UserSigAction *act,
                     GuestAddr sp, uint64_t old_mask)
{
    PpcCpu *c = (PpcCpu *)user_self->cpu;
    bool rt = (act->flags & USER_SA_SIGINFO) != 0;
    unsigned size = rt ? PPC_RT_FRAME_SIZE : PPC_SF_FRAME_SIZE;
    unsigned below = PPC_SIGNAL_FRAMESIZE + (rt ? 16 : 0);
    if (sp < size + below + 16) {
        return false;
    }
    /* get_sigframe(): 16-byte aligned below sp. */
    GuestAddr frame = (sp - size) & ~(GuestAddr)15;
    GuestAddr newsp = frame - below;
    if (!user_mem_check(&p->mem, newsp, size + below, PROT_READ | PROT_WRITE)) {
        return false;
    }
    g_autofree uint8_t *buf = g_malloc0(size);
    GuestAddr mc_addr;
    uint8_t *mc;
    if (rt) {
        memcpy(buf + PPC_RT_INFO, info->bytes, sizeof(info->bytes));
        uint8_t *uc = buf + PPC_RT_UC;
        /* uc_stack: the altstack settings, SS_ONSTACK if the interrupted code ran on it. */
        int ss_flags = user_self->sig.altstack_flags;
        if (!(ss_flags & SS_DISABLE) && user_signal_on_altstack(p, c->gpr[1])) {
            ss_flags = SS_ONSTACK;
        }
        ppc_put32(uc + PPC_UC_STACK, (uint32_t)user_self->sig.altstack_sp);
        ppc_put32(uc + PPC_UC_STACK + 4, (uint32_t)ss_flags);
        ppc_put32(uc + PPC_UC_STACK + 8, (uint32_t)user_self->sig.altstack_size);
        mc_addr = frame + PPC_RT_UC + PPC_UC_MCONTEXT;
        ppc_put32(uc + PPC_UC_REGS, (uint32_t)mc_addr);
        user_put_sigset(p, uc + PPC_UC_SIGMASK, old_mask);
        mc = uc + PPC_UC_MCONTEXT;
    } else {
        uint8_t *sc = buf;
        mc_addr = frame + PPC_SF_MCONTEXT;
        ppc_put32(sc + PPC_SC_HANDLER, (uint32_t)act->handler);
        ppc_put32(sc + PPC_SC_OLDMASK, (uint32_t)old_mask);
        ppc_put32(sc + PPC_SC_UNUSED3, (uint32_t)(old_mask >> 32));
        ppc_put32(sc + PPC_SC_REGS, (uint32_t)mc_addr);
        ppc_put32(sc + PPC_SC_SIGNAL, (uint32_t)sig);
        mc = buf + PPC_SF_MCONTEXT;
    }
    save_regs(c, mc);
    ppc_put32(mc + PPC_MC_PAD, 0x38000000u | (rt ? 172u : 119u));     /* li r0, nr */
    ppc_put32(mc + PPC_MC_PAD + 4, 0x44000002u);                       /* sc */
    if (user_copy_to(&p->mem, frame, buf, size) < 0) {
        return false;
    }
    /* The back chain of the handler's frame: the interrupted r1. */
    if (user_write_uint(p, newsp, 4, c->gpr[1]) < 0) {
        return false;
    }
    c->lr = (uint32_t)(p->sigreturn_tramp + (rt ? PPC_TRAMP_RT : PPC_TRAMP_NONRT));
    c->gpr[1] = (uint32_t)newsp;
    c->gpr[3] = (uint32_t)sig;
    if (rt) {
        c->gpr[4] = (uint32_t)(frame + PPC_RT_INFO);
        c->gpr[5] = (uint32_t)(frame + PPC_RT_UC);
        c->gpr[6] = (uint32_t)frame;
    } else {
        c->gpr[4] = (uint32_t)frame;        /* the sigcontext */
    }
    c->res_addr = 0xffffffffu;
    /* The handler starts with every FP exception off (signal_32.c: "turn off all fp exceptions"). */
    ppc_set_fpscr(c, 0);
    user_self->cpu->pc = act->handler;
    return true;
}

/* sys_rt_sigreturn(): the frame is at r1 + __SIGNAL_FRAMESIZE + 16. */
bool ppc_restore_rt_frame(UserProc *p)
{
    PpcCpu *c = (PpcCpu *)user_self->cpu;
    GuestAddr frame = (GuestAddr)c->gpr[1] + PPC_SIGNAL_FRAMESIZE + 16;
    uint8_t uc[PPC_UC_MCONTEXT];
    if (user_copy_from(&p->mem, uc, frame + PPC_RT_UC, sizeof(uc)) < 0) {
        return false;
    }
    /* do_setcontext(): the registers come from where uc_regs points. */
    GuestAddr mc_addr = ppc_get32(uc + PPC_UC_REGS);
    uint8_t mc[PPC_MC_VREGS];
    if (user_copy_from(&p->mem, mc, mc_addr, sizeof(mc)) < 0) {
        return false;
    }
    user_signal_set_mask(p, user_get_sigset(p, uc + PPC_UC_SIGMASK));
    restore_regs(c, mc);
    const uint8_t *ss = uc + PPC_UC_STACK;
    user_signal_restore_altstack(p, frame, ppc_get32(ss), (int)ppc_get32(ss + 4), ppc_get32(ss + 8));
    return true;
}

/* sys_sigreturn(): the sigcontext is at r1 + __SIGNAL_FRAMESIZE. */
bool ppc_restore_frame(UserProc *p)
{
    PpcCpu *c = (PpcCpu *)user_self->cpu;
    GuestAddr frame = (GuestAddr)c->gpr[1] + PPC_SIGNAL_FRAMESIZE;
    uint8_t sc[PPC_SF_MCONTEXT];
    if (user_copy_from(&p->mem, sc, frame, sizeof(sc)) < 0) {
        return false;
    }
    GuestAddr mc_addr = ppc_get32(sc + PPC_SC_REGS);
    uint8_t mc[PPC_MC_VREGS];
    if (user_copy_from(&p->mem, mc, mc_addr, sizeof(mc)) < 0) {
        return false;
    }
    uint64_t mask = ppc_get32(sc + PPC_SC_OLDMASK) | (uint64_t)ppc_get32(sc + PPC_SC_UNUSED3) << 32;
    user_signal_set_mask(p, mask);
    restore_regs(c, mc);
    return true;
}
