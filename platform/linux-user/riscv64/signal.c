/*
 * riscv64 signal frames, laid out as arch/riscv/kernel/signal.c (Linux 6.x) does:
 *   struct rt_sigframe { siginfo_t info; struct ucontext uc; };
 * with uc_mcontext = { user_regs_struct (pc, x1..x31), union __riscv_fp_state }
 * where the D state (f[32], fcsr) is followed, inside the same union, by the
 * extension header the kernel terminates with END_MAGIC/END_HDR_SIZE (both 0)
 * when there is no vector state.  The handler returns through ra to our
 * trampoline (`li a7, 139; ecall`), as the kernel's vdso would provide.
 */
#include <string.h>
#include <sys/mman.h>

#include "frontend/riscv/cpu.h"
#include "platform/linux-user/riscv64/rv_user.h"

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool rv_setup_frame(UserProc *p, int sig, const UserSigInfo *info, const UserSigAction *act,
                    GuestAddr sp, uint64_t old_mask)
{
    RvCpu *rv = (RvCpu *)user_self->cpu;
    if (sp < RV_FRAME_SIZE + 16) {
        return false;
    }
    GuestAddr frame = (sp - RV_FRAME_SIZE) & ~(GuestAddr)15;
    if (!user_mem_check(&p->mem, frame, RV_FRAME_SIZE, PROT_READ | PROT_WRITE)) {
        return false;
    }
    uint8_t buf[RV_FRAME_SIZE];
    memset(buf, 0, sizeof(buf));
    memcpy(buf + RV_FRAME_INFO, info->bytes, sizeof(info->bytes));

    uint8_t *uc = buf + RV_FRAME_UC;
    /* uc_stack: the altstack settings, with SS_ONSTACK if the interrupted code ran on it. */
    put64(uc + RV_UC_STACK, user_self->sig.altstack_sp);
    int ss_flags = user_self->sig.altstack_flags;
    if (!(ss_flags & SS_DISABLE) && user_signal_on_altstack(p, rv->x[2])) {
        ss_flags = SS_ONSTACK;
    }
    put32(uc + RV_UC_STACK + 8, ss_flags);
    put64(uc + RV_UC_STACK + 16, user_self->sig.altstack_size);
    put64(uc + RV_UC_SIGMASK, old_mask);

    uint8_t *sc = uc + RV_UC_MCONTEXT;
    put64(sc + RV_SC_REGS, user_self->cpu->pc);
    for (int i = 1; i < 32; i++) {
        put64(sc + RV_SC_REGS + 8 * i, rv->x[i]);
    }
    for (int i = 0; i < 32; i++) {
        put64(sc + RV_SC_FP + 8 * i, rv->f[i]);
    }
    put32(sc + RV_SC_FP_FCSR, (rv->frm << 5) | rv->fflags);
    /* sc_extdesc.reserved and the END header stay 0 (memset above). */

    if (user_copy_to(&p->mem, frame, buf, sizeof(buf)) < 0) {
        return false;
    }
    rv->x[10] = sig;
    rv->x[11] = frame + RV_FRAME_INFO;
    rv->x[12] = frame + RV_FRAME_UC;
    rv->x[2] = frame;
    rv->x[1] = p->sigreturn_tramp;
    user_self->cpu->pc = act->handler;
    return true;
}

bool rv_restore_frame(UserProc *p)
{
    RvCpu *rv = (RvCpu *)user_self->cpu;
    GuestAddr frame = rv->x[2];
    uint8_t buf[RV_FRAME_SIZE];
    if (user_copy_from(&p->mem, buf, frame, sizeof(buf)) < 0) {
        return false;
    }
    const uint8_t *uc = buf + RV_FRAME_UC;
    const uint8_t *sc = uc + RV_UC_MCONTEXT;
    user_self->cpu->pc = get64(sc + RV_SC_REGS);
    for (int i = 1; i < 32; i++) {
        rv->x[i] = get64(sc + RV_SC_REGS + 8 * i);
    }
    for (int i = 0; i < 32; i++) {
        rv->f[i] = get64(sc + RV_SC_FP + 8 * i);
    }
    uint32_t fcsr = get32(sc + RV_SC_FP_FCSR);
    rv->fflags = fcsr & 0x1f;
    rv->frm = (fcsr >> 5) & 7;
    rv->res_addr = ~(uint64_t)0;

    user_signal_set_mask(p, get64(uc + RV_UC_SIGMASK));
    user_signal_restore_altstack(p, frame, get64(uc + RV_UC_STACK), (int)get32(uc + RV_UC_STACK + 8),
                                 get64(uc + RV_UC_STACK + 16));
    return true;
}
