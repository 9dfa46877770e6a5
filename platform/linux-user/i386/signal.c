/*
 * i386 signal frames as a 64-bit kernel builds them for a 32-bit task
 * (arch/x86/ia32/ia32_signal.c, arch/x86/include/asm/sigframe.h):
 *   struct sigframe_ia32    { u32 pretcode; int sig; struct sigcontext_32 sc;
 *                             struct _fpstate_32 fpstate_unused; u32 extramask[1];
 *                             char retcode[8]; }
 *   struct rt_sigframe_ia32 { u32 pretcode; int sig; u32 pinfo; u32 puc;
 *                             compat_siginfo_t info; struct ucontext_ia32 uc; char retcode[8]; }
 * with the FP state below the frame (fpu__alloc_mathframe): the 112-byte legacy
 * i387 header followed by a 64-byte aligned FXSAVE image, sigcontext.fpstate
 * pointing at the header.  The handler gets eax = sig and, for rt frames,
 * edx = &info, ecx = &uc (regparm(3)); it returns through pretcode: sa_restorer,
 * else our trampoline page (the kernel's would be in the vDSO).
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/linux-user/i386/i386_user.h"

/* struct sigcontext_32 (88 bytes): word offsets. */
enum {
    SC_GS, SC_FS, SC_ES, SC_DS, SC_DI, SC_SI, SC_BP, SC_SP, SC_BX, SC_DX, SC_CX, SC_AX,
    SC_TRAPNO, SC_ERR, SC_IP, SC_CS, SC_FLAGS, SC_SP_AT_SIGNAL, SC_SS, SC_FPSTATE,
    SC_OLDMASK, SC_CR2, SC_WORDS
};
#define SC_SIZE             (4 * SC_WORDS)
#define FPSTATE32_SIZE      624
#define FREGS_SIZE          112         /* struct fregs_state: the legacy i387 header */
/* sigframe_ia32 */
#define SF_SC               8
#define SF_EXTRAMASK        (SF_SC + SC_SIZE + FPSTATE32_SIZE)
#define SF_RETCODE          (SF_EXTRAMASK + 4)
#define SF_SIZE             (SF_RETCODE + 8)
/* ucontext_ia32: flags, link, stack_t (sp, flags, size), sigcontext, sigmask */
#define UC_STACK            8
#define UC_MCONTEXT         20
#define UC_SIGMASK          (UC_MCONTEXT + SC_SIZE)
#define UC_SIZE             (UC_SIGMASK + 8)
/* rt_sigframe_ia32 */
#define RT_INFO             16
#define RT_UC               (RT_INFO + 128)
#define RT_RETCODE          (RT_UC + UC_SIZE)
#define RT_SIZE             (RT_RETCODE + 8)

/* EFLAGS bits sigreturn takes from the frame (FIX_EFLAGS: AC OF DF TF SF ZF AF PF CF RF). */
#define FIX_EFLAGS          0x00050dd5u

G_STATIC_ASSERT(SF_SIZE == 732);
G_STATIC_ASSERT(RT_SIZE == 268);
G_STATIC_ASSERT(I386_SIGFRAME_MAX >= RT_SIZE + FREGS_SIZE + X86_FXSAVE_SIZE + 64 + 16);

static void put_sigcontext(uint8_t *sc, const X86Cpu *c, GuestAddr fpstate, uint32_t oldmask)
{
    uint32_t w[SC_WORDS] = {
        [SC_GS] = c->gs, [SC_FS] = c->fs, [SC_ES] = c->es, [SC_DS] = c->ds,
        [SC_DI] = c->regs[X86_RDI], [SC_SI] = c->regs[X86_RSI], [SC_BP] = c->regs[X86_RBP],
        [SC_SP] = c->regs[X86_RSP], [SC_BX] = c->regs[X86_RBX], [SC_DX] = c->regs[X86_RDX],
        [SC_CX] = c->regs[X86_RCX], [SC_AX] = c->regs[X86_RAX],
        [SC_IP] = (uint32_t)c->common.pc, [SC_CS] = c->cs, [SC_FLAGS] = (uint32_t)x86_get_eflags(c),
        [SC_SP_AT_SIGNAL] = c->regs[X86_RSP], [SC_SS] = c->ss, [SC_FPSTATE] = (uint32_t)fpstate,
        [SC_OLDMASK] = oldmask,
    };
    for (int i = 0; i < SC_WORDS; i++) {
        x86_put32(sc + 4 * i, w[i]);
    }
}

/*
 * The math frame at fp: the legacy header (convert_from_fxsr(): control, status and
 * full tag words, the registers as 10-byte values, magic 0 = "FXSR image follows")
 * and the FXSAVE image at fp + 112.
 */
static void put_fpstate(uint8_t *buf, const X86Cpu *c)
{
    uint8_t *fx = buf + FREGS_SIZE;
    memset(buf, 0, FREGS_SIZE);
    const X86FpuState *f = &c->fpu;
    x86_fxsave_put(c, fx);
    x86_put32(buf + 0, 0xffff0000u | f->fcw);
    x86_put32(buf + 4, 0xffff0000u | f->fsw);
    x86_put32(buf + 8, 0xffff0000u | f->ftw);
    x86_put32(buf + 12, f->fip);
    x86_put32(buf + 16, (uint32_t)f->fop << 16 | f->fcs);
    x86_put32(buf + 20, f->fdp);
    x86_put32(buf + 24, 0xffff0000u | f->fds);
    for (int i = 0; i < 8; i++) {
        memcpy(buf + 28 + 10 * i, f->st[i], 10);
    }
    x86_put16(buf + 108, f->fsw);
    x86_put16(buf + 110, 0);
}

bool i386_setup_frame(UserProc *p, int sig, const UserSigInfo *info, const UserSigAction *act,
                      GuestAddr sp, uint64_t old_mask)
{
    X86Cpu *c = (X86Cpu *)user_self->cpu;
    bool rt = (act->flags & USER_SA_SIGINFO) != 0;
    size_t frame_size = rt ? RT_SIZE : SF_SIZE;

    /* fpu__alloc_mathframe(): the FXSAVE image 64-byte aligned, the legacy header below it. */
    GuestAddr fx = ((sp - X86_FXSAVE_SIZE) & ~(GuestAddr)63);
    GuestAddr fp = fx - FREGS_SIZE;
    /* align_sigframe(): (sp + 4) 16-byte aligned at the handler's entry, as after a call. */
    GuestAddr frame = ((fp - frame_size + 4) & ~(GuestAddr)15) - 4;
    if (sp > 0xffffffffu || frame >= sp || frame < USER_PAGE_SIZE) {
        return false;
    }
    size_t total = sp - frame;
    if (total > I386_SIGFRAME_MAX + 64 || !user_mem_check(&p->mem, frame, total, PROT_READ | PROT_WRITE)) {
        return false;
    }
    uint8_t fpbuf[FREGS_SIZE + X86_FXSAVE_SIZE];
    put_fpstate(fpbuf, c);

    uint8_t buf[SF_SIZE];
    memset(buf, 0, sizeof(buf));
    GuestAddr restorer = (act->flags & 0x04000000u) ? act->restorer
                         : p->sigreturn_tramp + (rt ? I386_TRAMP_RT : I386_TRAMP_NONRT);
    x86_put32(buf + 0, (uint32_t)restorer);
    x86_put32(buf + 4, sig);
    if (rt) {
        /* movl $173, %eax; int $0x80 -- only for debuggers that recognise it. */
        static const uint8_t code[8] = { 0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80, 0x00 };
        x86_put32(buf + 8, frame + RT_INFO);
        x86_put32(buf + 12, frame + RT_UC);
        memcpy(buf + RT_INFO, info->bytes, 128);
        uint8_t *uc = buf + RT_UC;
        x86_put32(uc + UC_STACK, (uint32_t)user_self->sig.altstack_sp);
        int ss_flags = user_self->sig.altstack_flags;
        if (!(ss_flags & SS_DISABLE) && user_signal_on_altstack(p, (uint32_t)c->regs[X86_RSP])) {
            ss_flags = SS_ONSTACK;
        }
        x86_put32(uc + UC_STACK + 4, ss_flags);
        x86_put32(uc + UC_STACK + 8, (uint32_t)user_self->sig.altstack_size);
        put_sigcontext(uc + UC_MCONTEXT, c, fp, (uint32_t)old_mask);
        x86_put64(uc + UC_SIGMASK, old_mask);
        memcpy(buf + RT_RETCODE, code, 8);
    } else {
        /* popl %eax; movl $119, %eax; int $0x80 */
        static const uint8_t code[8] = { 0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80 };
        put_sigcontext(buf + SF_SC, c, fp, (uint32_t)old_mask);
        x86_put32(buf + SF_EXTRAMASK, (uint32_t)(old_mask >> 32));
        memcpy(buf + SF_RETCODE, code, 8);
    }
    if (user_copy_to(&p->mem, fp, fpbuf, sizeof(fpbuf)) < 0 ||
        user_copy_to(&p->mem, frame, buf, frame_size) < 0) {
        return false;
    }
    c->regs[X86_RSP] = frame;
    c->regs[X86_RAX] = (uint32_t)sig;
    c->regs[X86_RDX] = rt ? frame + RT_INFO : 0;
    c->regs[X86_RCX] = rt ? frame + RT_UC : 0;
    c->ds = c->es = c->ss = 0x2b;
    c->cs = 0x23;
    /* The handler starts with DF and TF clear (the ABI's direction flag). */
    c->eflags &= ~(uint64_t)(X86_DF | X86_TF);
    x86_fpu_clear_for_handler(c);
    user_self->cpu->pc = act->handler;
    return true;
}

/*
 * The legacy header wins over the FXSAVE image (__fpu_restore_sig() for ia32 frames
 * converts it back with convert_to_fxsr()): a handler that changes the control or
 * status word there -- to mask an exception and clear its flag after #MF, say -- gets
 * them.  Of the tag word only empty / not empty counts, as in the FXSAVE format.
 */
static void get_fpstate_env(X86Cpu *c, const uint8_t *env)
{
    X86FpuState *f = &c->fpu;
    uint32_t fcs = x86_get32(env + 16);

    f->fcw = (uint16_t)x86_get32(env + 0);
    f->fsw = (uint16_t)x86_get32(env + 4);
    f->ftw = (uint16_t)x86_get32(env + 8);
    f->fip = x86_get32(env + 12);
    f->fcs = (uint16_t)fcs;
    f->fop = (uint16_t)(fcs >> 16) & 0x7ff;
    f->fdp = x86_get32(env + 20);
    f->fds = (uint16_t)x86_get32(env + 24);
    for (int i = 0; i < 8; i++) {
        memcpy(f->st[i], env + 28 + 10 * i, 10);
    }
}

/* ia32_restore_sigcontext(): registers, segments, the FIX_EFLAGS bits and the FP state. */
static bool restore_sigcontext(UserProc *p, const uint8_t *sc)
{
    X86Cpu *c = (X86Cpu *)user_self->cpu;
    uint32_t w[SC_WORDS];
    for (int i = 0; i < SC_WORDS; i++) {
        w[i] = x86_get32(sc + 4 * i);
    }
    if (!x86_restore_seg(c, 5, w[SC_GS]) || !x86_restore_seg(c, 4, w[SC_FS])) {
        return false;
    }
    c->regs[X86_RDI] = w[SC_DI];
    c->regs[X86_RSI] = w[SC_SI];
    c->regs[X86_RBP] = w[SC_BP];
    c->regs[X86_RSP] = w[SC_SP];
    c->regs[X86_RBX] = w[SC_BX];
    c->regs[X86_RDX] = w[SC_DX];
    c->regs[X86_RCX] = w[SC_CX];
    c->regs[X86_RAX] = w[SC_AX];
    c->common.pc = w[SC_IP];
    uint64_t fl = (x86_get_eflags(c) & ~(uint64_t)FIX_EFLAGS) | (w[SC_FLAGS] & FIX_EFLAGS);
    x86_set_eflags(c, fl);
    if (w[SC_FPSTATE]) {
        uint8_t fx[X86_FXSAVE_SIZE], env[FREGS_SIZE];
        if (user_copy_from(&p->mem, fx, (GuestAddr)w[SC_FPSTATE] + FREGS_SIZE, sizeof(fx)) < 0 ||
            user_copy_from(&p->mem, env, (GuestAddr)w[SC_FPSTATE], sizeof(env)) < 0 || !x86_fxsave_get(c, fx)) {
            return false;
        }
        get_fpstate_env(c, env);
    }
    return true;
}

/* rt_sigreturn: the frame starts 4 bytes below esp (the handler's ret popped pretcode). */
bool i386_restore_rt_frame(UserProc *p)
{
    X86Cpu *c = (X86Cpu *)user_self->cpu;
    GuestAddr frame = (uint32_t)(c->regs[X86_RSP] - 4);
    uint8_t buf[RT_SIZE];
    if (user_copy_from(&p->mem, buf, frame, sizeof(buf)) < 0) {
        return false;
    }
    const uint8_t *uc = buf + RT_UC;
    user_signal_set_mask(p, x86_get64(uc + UC_SIGMASK));
    if (!restore_sigcontext(p, uc + UC_MCONTEXT)) {
        return false;
    }
    user_signal_restore_altstack(p, frame, x86_get32(uc + UC_STACK), (int)x86_get32(uc + UC_STACK + 4),
                                 x86_get32(uc + UC_STACK + 8));
    return true;
}

/* sigreturn: the frame starts 8 bytes below esp (pretcode and, popped by the trampoline, sig). */
bool i386_restore_frame(UserProc *p)
{
    X86Cpu *c = (X86Cpu *)user_self->cpu;
    GuestAddr frame = (uint32_t)(c->regs[X86_RSP] - 8);
    uint8_t buf[SF_SIZE];
    if (user_copy_from(&p->mem, buf, frame, sizeof(buf)) < 0) {
        return false;
    }
    uint64_t mask = x86_get32(buf + SF_SC + 4 * SC_OLDMASK) |
                    (uint64_t)x86_get32(buf + SF_EXTRAMASK) << 32;
    user_signal_set_mask(p, mask);
    return restore_sigcontext(p, buf + SF_SC);
}
