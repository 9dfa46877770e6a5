/*
 * x86-64 signal frames (arch/x86/kernel/signal_64.c, asm/sigframe.h):
 *   struct rt_sigframe { char *pretcode; struct ucontext uc; struct siginfo info; }
 * below the 128-byte red zone and a 64-byte aligned FXSAVE image that
 * uc_mcontext.fpstate points at; rsp + 8 is 16-byte aligned at the handler's entry,
 * as after a call.  The handler gets rdi = sig, rsi = &info, rdx = &uc, rax = 0,
 * and returns through pretcode, which must be the sa_restorer glibc always sets
 * (the kernel refuses a handler without SA_RESTORER with SIGSEGV, and so do we).
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/linux-user/x86_64/x86_64_user.h"

/* struct sigcontext_64: the 18 general words, then cs/gs/fs/ss, err, trapno, oldmask, cr2, fpstate. */
enum {
    SC_R8, SC_R9, SC_R10, SC_R11, SC_R12, SC_R13, SC_R14, SC_R15, SC_DI, SC_SI, SC_BP, SC_BX,
    SC_DX, SC_AX, SC_CX, SC_SP, SC_IP, SC_FLAGS, SC_SEGS, SC_ERR, SC_TRAPNO, SC_OLDMASK, SC_CR2,
    SC_FPSTATE, SC_WORDS
};
#define SC_SIZE      256        /* with reserved1[8] */
#define UC_FLAGS     0
#define UC_STACK     16
#define UC_MCONTEXT  40
#define UC_SIGMASK   (UC_MCONTEXT + SC_SIZE)
#define UC_SIZE      (UC_SIGMASK + 8)
#define RT_UC        8
#define RT_INFO      (RT_UC + UC_SIZE)
#define RT_SIZE      (RT_INFO + 128)
#define REDZONE      128
#define UC_SIGCONTEXT_SS     0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FIX_EFLAGS   0x00050dd5u

G_STATIC_ASSERT(RT_SIZE == 440);
G_STATIC_ASSERT(X64_SIGFRAME_MAX >= REDZONE + X86_FXSAVE_SIZE + 64 + RT_SIZE + 32);

static const int sc_gpr[16] = {
    [X86_RAX] = SC_AX, [X86_RCX] = SC_CX, [X86_RDX] = SC_DX, [X86_RBX] = SC_BX, [X86_RSP] = SC_SP,
    [X86_RBP] = SC_BP, [X86_RSI] = SC_SI, [X86_RDI] = SC_DI, [X86_R8] = SC_R8, [X86_R9] = SC_R9,
    [X86_R10] = SC_R10, [X86_R11] = SC_R11, [X86_R12] = SC_R12, [X86_R13] = SC_R13,
    [X86_R14] = SC_R14, [X86_R15] = SC_R15,
};

bool x64_setup_frame(UserProc *p, int sig, const UserSigInfo *info, const UserSigAction *act,
                     GuestAddr sp, uint64_t old_mask)
{
    X86Cpu *c = (X86Cpu *)user_self->cpu;
    if (!(act->flags & 0x04000000u)) {
        return false;
    }
    if (sp == c->regs[X86_RSP]) {
        sp -= REDZONE;          /* not on a fresh altstack: keep the leaf function's red zone */
    }
    GuestAddr fx = (sp - X86_FXSAVE_SIZE) & ~(GuestAddr)63;
    GuestAddr frame = ((fx - RT_SIZE) & ~(GuestAddr)15) - 8;
    if (frame >= sp || frame < USER_PAGE_SIZE ||
        !user_mem_check(&p->mem, frame, sp - frame, PROT_READ | PROT_WRITE)) {
        return false;
    }
    uint8_t fxbuf[X86_FXSAVE_SIZE];
    x86_fxsave_put(c, fxbuf);

    uint8_t buf[RT_SIZE];
    memset(buf, 0, sizeof(buf));
    x86_put64(buf, act->restorer);
    uint8_t *uc = buf + RT_UC;
    x86_put64(uc + UC_FLAGS, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
    x86_put64(uc + UC_STACK, user_self->sig.altstack_sp);
    int ss_flags = user_self->sig.altstack_flags;
    if (!(ss_flags & SS_DISABLE) && user_signal_on_altstack(p, c->regs[X86_RSP])) {
        ss_flags = SS_ONSTACK;
    }
    x86_put32(uc + UC_STACK + 8, ss_flags);
    x86_put64(uc + UC_STACK + 16, user_self->sig.altstack_size);
    uint8_t *sc = uc + UC_MCONTEXT;
    for (int r = 0; r < 16; r++) {
        x86_put64(sc + 8 * sc_gpr[r], c->regs[r]);
    }
    x86_put64(sc + 8 * SC_IP, user_self->cpu->pc);
    x86_put64(sc + 8 * SC_FLAGS, x86_get_eflags(c));
    x86_put16(sc + 8 * SC_SEGS, c->cs);
    x86_put16(sc + 8 * SC_SEGS + 2, c->gs);
    x86_put16(sc + 8 * SC_SEGS + 4, c->fs);
    x86_put16(sc + 8 * SC_SEGS + 6, c->ss);
    x86_put64(sc + 8 * SC_OLDMASK, old_mask);
    x86_put64(sc + 8 * SC_FPSTATE, fx);
    x86_put64(uc + UC_SIGMASK, old_mask);
    memcpy(buf + RT_INFO, info->bytes, 128);
    if (user_copy_to(&p->mem, fx, fxbuf, sizeof(fxbuf)) < 0 ||
        user_copy_to(&p->mem, frame, buf, sizeof(buf)) < 0) {
        return false;
    }
    c->regs[X86_RDI] = (uint64_t)sig;
    c->regs[X86_RSI] = frame + RT_INFO;
    c->regs[X86_RDX] = frame + RT_UC;
    c->regs[X86_RAX] = 0;
    c->regs[X86_RSP] = frame;
    c->eflags &= ~(uint64_t)(X86_DF | X86_TF);
    x86_fpu_clear_for_handler(c);
    user_self->cpu->pc = act->handler;
    return true;
}

/* rt_sigreturn: the frame starts 8 bytes below rsp (the handler's ret popped pretcode). */
bool x64_restore_frame(UserProc *p)
{
    X86Cpu *c = (X86Cpu *)user_self->cpu;
    GuestAddr frame = c->regs[X86_RSP] - 8;
    uint8_t buf[RT_SIZE];
    if (user_copy_from(&p->mem, buf, frame, sizeof(buf)) < 0) {
        return false;
    }
    const uint8_t *uc = buf + RT_UC;
    const uint8_t *sc = uc + UC_MCONTEXT;
    user_signal_set_mask(p, x86_get64(uc + UC_SIGMASK));
    GuestAddr fpstate = x86_get64(sc + 8 * SC_FPSTATE);
    if (fpstate) {
        uint8_t fx[X86_FXSAVE_SIZE];
        if (user_copy_from(&p->mem, fx, fpstate, sizeof(fx)) < 0 || !x86_fxsave_get(c, fx)) {
            return false;
        }
    }
    for (int r = 0; r < 16; r++) {
        c->regs[r] = x86_get64(sc + 8 * sc_gpr[r]);
    }
    user_self->cpu->pc = x86_get64(sc + 8 * SC_IP);
    uint64_t fl = (x86_get_eflags(c) & ~(uint64_t)FIX_EFLAGS) | (x86_get64(sc + 8 * SC_FLAGS) & FIX_EFLAGS);
    x86_set_eflags(c, fl);
    user_signal_restore_altstack(p, frame, x86_get64(uc + UC_STACK), (int)x86_get32(uc + UC_STACK + 8),
                                 x86_get64(uc + UC_STACK + 16));
    return true;
}
