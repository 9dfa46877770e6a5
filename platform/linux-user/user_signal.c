/*
 * Guest signals.  The guest's dispositions live in a table of our own; the host
 * side is arranged so the host kernel does most of the work:
 *   - each thread's host signal mask mirrors its guest mask (minus the synchronous
 *     fault signals, which mimic itself must always receive), so blocked signals stay
 *     pending in the host kernel exactly as they would for the guest, and a
 *     process-directed signal is given by the kernel to a thread that does not block it;
 *   - a signal the guest handles (or one whose default action dumps core, so we can
 *     turn core dumps off first) gets a host handler that only queues it for the thread
 *     it arrived on and sets GUEST_REQ_SIGNAL; that thread's exec loop then builds the
 *     guest frame (abi->setup_frame);
 *   - SIG_IGN is mirrored, and other SIG_DFL signals keep the host default, so a
 *     SIGTERM or SIGPIPE kills mimic the way it would kill the guest.
 * Synchronous guest faults (SIGSEGV from a bad guest load, SIGILL ...) are queued
 * by the faulting thread's exec loop with user_signal_raise_sync().
 *
 * Host masks and dispositions go through the raw rt_sigprocmask/rt_sigaction
 * syscalls: glibc's wrappers refuse or silently drop signals 32 and 33, which it
 * keeps for pthread cancellation and set*id broadcasts.  mimic never uses those on the
 * host (no host pthread_cancel; set*id syscalls are issued raw), so the guest's own
 * libc gets all 64 signals, SIGCANCEL included, with the same numbers.  The guest mask
 * (bit sig-1) is the kernel's 64-bit sigset on x86-64 as it is.
 *
 * Follows kernel/signal.c (delivery order, masks, SA_* flags) and the
 * sigaltstack rules of do_sigaltstack().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

#define SIGBIT(sig) ((uint64_t)1 << ((sig) - 1))
/* Fault signals mimic must never block on the host. */
#define SYNC_SIGS (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGFPE) | \
                   SIGBIT(SIGTRAP))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
/* Default action "ignore" (and SIGCONT: continue, which the host does itself). */
#define DFL_IGNORE (SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH) | SIGBIT(SIGCONT))
#define DFL_STOP (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define DFL_CORE (SIGBIT(SIGQUIT) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGABRT) | \
                  SIGBIT(SIGBUS) | SIGBIT(SIGFPE) | SIGBIT(SIGSEGV) | SIGBIT(SIGXCPU) | \
                  SIGBIT(SIGXFSZ) | SIGBIT(SIGSYS))

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31)
#endif

/* --- Host plumbing (raw syscalls, see the file comment) --- */

/* struct sigaction as the x86-64 kernel takes it. */
typedef struct HostKernelSigaction {
    void *handler;
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
} HostKernelSigaction;

#define HOST_SA_RESTORER 0x04000000ul
#define HOST_SIG_DFL ((void *)0)
#define HOST_SIG_IGN ((void *)1)

/* user_safe_syscall.S: rt_sigreturn for handlers installed without glibc. */
extern void user_host_sigreturn(void);

static void host_sigaction(int sig, void *handler, unsigned long flags)
{
    HostKernelSigaction ka = {
        .handler = handler, .flags = flags | HOST_SA_RESTORER, .restorer = user_host_sigreturn,
        .mask = 0,
    };
    syscall(SYS_rt_sigaction, sig, &ka, NULL, 8);
}

static void *host_handler_of(int sig)
{
    HostKernelSigaction old;
    if (syscall(SYS_rt_sigaction, sig, NULL, &old, 8) < 0) {
        return HOST_SIG_DFL;
    }
    return old.handler;
}

/* This host thread's mask: always the guest's minus what mimic must receive. */
void user_host_setmask(uint64_t mask)
{
    mask &= ~(SYNC_SIGS | UNBLOCKABLE);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, 8);
}

uint64_t user_host_getmask(void)
{
    uint64_t mask = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &mask, 8);
    return mask;
}

static void trace_death(int sig);

/* Guest kill/tkill/tgkill calls in flight: a SIGABRT mimic sends itself outside them is its own abort(). */
static volatile int guest_kills;

static void host_queue_handler(int sig, siginfo_t *si, void *uc_)
{
    UserThread *t = user_self;
    if (sig == SIGABRT && si->si_code == SI_TKILL && si->si_pid == getpid() &&
        __atomic_load_n(&guest_kills, __ATOMIC_SEQ_CST) == 0) {
        /* mimic's own abort() (a failed assertion): the trace ends here; abort() goes on to kill. */
        exec_trace_end(EXEC_TRACE_END_INTERNAL, 0, NULL);
    }
    if (!t || sig < 1 || sig > USER_NSIG) {
        return;
    }
    if ((SYNC_SIGS & SIGBIT(sig)) && si->si_code > 0) {
        /* A real SIGILL/SIGFPE/SIGTRAP in mimic itself (guest code never runs natively). */
        static const char msg[] = "mimic: internal error: host fault signal in mimic\n";
        ssize_t ignored = write(2, msg, sizeof(msg) - 1);
        (void)ignored;
        exec_trace_end(EXEC_TRACE_END_INTERNAL, 0, NULL);
        host_sigaction(sig, HOST_SIG_DFL, 0);
        return;
    }
    user_siginfo_from_host(t->proc, &t->sig.info[sig], si);
    __atomic_fetch_or(&t->sig.pending, SIGBIT(sig), __ATOMIC_SEQ_CST);
    if (t->cpu) {
        __atomic_fetch_or(&t->cpu->exit_request, GUEST_REQ_SIGNAL, __ATOMIC_SEQ_CST);
    }
    user_safe_syscall_rewind(uc_);
}

/*
 * Tracing only: a signal whose guest disposition is SIG_DFL "terminate" (SIGINT, SIGTERM,
 * SIGHUP, SIGPIPE, ...) would kill mimic with the trace buffer unwritten.  This handler
 * stands in for the host's SIG_DFL: it writes the trace's tail and end line, then puts
 * SIG_DFL back and raises the signal again, so the process dies of it as before.  Masks
 * are untouched (a blocked signal stays pending in the kernel just as under SIG_DFL).
 */
static void host_death_handler(int sig, siginfo_t *si, void *uc_)
{
    UserProc *p = user_proc;
    if (p != NULL && p->sigaction[sig].handler != USER_SIG_DFL) {
        /* The guest installed a handler meanwhile (the host action follows shortly): queue. */
        host_queue_handler(sig, si, uc_);
        return;
    }
    trace_death(sig);
    host_sigaction(sig, HOST_SIG_DFL, 0);
    uint64_t unblock = SIGBIT(sig);
    syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &unblock, NULL, 8);
    syscall(SYS_tgkill, getpid(), gettid(), sig);
}

/* Host disposition for one guest signal; see the file comment.  Under p->sig_lock. */
static void apply_host_action(UserProc *p, int sig)
{
    if (sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS) {
        return;     /* SIGSEGV/SIGBUS keep mimic's fault handler (user_main.c) */
    }
    const UserSigAction *act = &p->sigaction[sig];
    bool queue = act->handler > USER_SIG_IGN || (SYNC_SIGS & SIGBIT(sig)) ||
                 (act->handler == USER_SIG_DFL && (DFL_CORE & SIGBIT(sig)));
    if (queue) {
        host_sigaction(sig, (void *)host_queue_handler, SA_SIGINFO | SA_ONSTACK);
    } else if (act->handler == USER_SIG_IGN) {
        host_sigaction(sig, HOST_SIG_IGN, 0);
    } else if (exec_trace_out_active() && !(DFL_IGNORE & SIGBIT(sig)) && !(DFL_STOP & SIGBIT(sig)) &&
               sig != SIGKILL && sig != SIGSTOP) {
        host_sigaction(sig, (void *)host_death_handler, SA_SIGINFO | SA_ONSTACK);
    } else {
        host_sigaction(sig, HOST_SIG_DFL, 0);
    }
}

void user_signal_set_mask(UserProc *p, uint64_t mask)
{
    mask &= ~UNBLOCKABLE;
    user_self->sig.blocked = mask;
    user_host_setmask(mask);
}

void user_signal_init(UserProc *p)
{
    memset(p->sigaction, 0, sizeof(p->sigaction));
    g_mutex_lock(&p->sig_lock);
    for (int sig = 1; sig <= USER_NSIG; sig++) {
        /* Ignored signals stay ignored across execve (POSIX), so the guest inherits them. */
        if (sig != SIGSEGV && sig != SIGBUS && host_handler_of(sig) == HOST_SIG_IGN) {
            p->sigaction[sig].handler = USER_SIG_IGN;
        }
        apply_host_action(p, sig);
    }
    g_mutex_unlock(&p->sig_lock);
}

void user_signal_thread_init(UserThread *t, uint64_t blocked)
{
    memset(&t->sig, 0, sizeof(t->sig));
    t->sig.altstack_flags = SS_DISABLE;
    t->sig.blocked = blocked & ~UNBLOCKABLE;
}

bool user_signal_on_altstack(const UserProc *p, GuestAddr sp)
{
    const UserSignals *s = &user_self->sig;
    if (s->altstack_flags & SS_DISABLE) {
        return false;
    }
    return sp > s->altstack_sp && sp - s->altstack_sp <= s->altstack_size;
}

void user_signal_restore_altstack(const UserProc *p, GuestAddr frame, GuestAddr ss_sp, int ss_flags,
                                  uint64_t ss_size)
{
    if (user_signal_on_altstack(p, frame)) {
        return;
    }
    if (ss_flags & SS_DISABLE) {
        user_self->sig.altstack_flags = SS_DISABLE;
        user_self->sig.altstack_sp = 0;
        user_self->sig.altstack_size = 0;
    } else if (ss_size >= USER_MINSIGSTKSZ) {
        user_self->sig.altstack_flags = 0;
        user_self->sig.altstack_sp = ss_sp;
        user_self->sig.altstack_size = ss_size;
    }
}

/* The guest pc and fault address (si_addr) of signal sig on this thread, for trace lines. */
static void signal_where(int sig, uint64_t *pc, uint64_t *addr)
{
    UserThread *t = user_self;
    *pc = t && t->cpu ? t->cpu->pc : 0;
    *addr = 0;
    if (t && sig > 0 && sig <= USER_NSIG &&
        (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP)) {
        int32_t code;
        memcpy(&code, t->sig.info[sig].bytes + 8, 4);
        if (code > 0) {     /* a fault, not kill(): si_addr is there (asm-generic 64-bit siginfo) */
            memcpy(addr, t->sig.info[sig].bytes + 16, 8);
        }
    }
}

/* The step of the instruction the signal interrupted. */
static uint64_t signal_step(void)
{
    bool known;
    uint64_t step = exec_trace_last_step(user_self && user_self->cpu ? user_self->cpu->pc : 0, &known);
    if (!known && user_self && user_self->cpu) {
        step = exec_trace_step(user_self->cpu);
        step = step ? step - 1 : 0;
    }
    return step;
}

/* Traces end with the signal and "end signal SIG".  Async-signal-safe. */
static void trace_death(int sig)
{
    ExecTraceSignal death = { .sig = sig };
    if (!exec_trace_out_active()) {
        return;
    }
    signal_where(sig, &death.pc, &death.addr);
    death.step = signal_step();
    exec_trace_end(EXEC_TRACE_END_SIGNAL, sig, &death);
}

G_NORETURN void user_signal_die(int sig)
{
    struct rlimit none = { 0, 0 };
    trace_death(sig);
    if (user_proc != NULL && user_proc->exec_ready) {
        exec_debug_ended(&user_proc->exec, true, sig);
    }
    setrlimit(RLIMIT_CORE, &none);
    host_sigaction(sig, HOST_SIG_DFL, 0);
    uint64_t unblock = SIGBIT(sig);
    syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &unblock, NULL, 8);
    syscall(SYS_tgkill, getpid(), gettid(), sig);
    _exit(128 + sig);
}

void user_signal_raise_sync(UserProc *p, int sig, int code, GuestAddr addr)
{
    UserSignals *s = &user_self->sig;
    UserSigInfo *si = &s->info[sig];
    memset(si, 0, sizeof(*si));
    /* si_signo, si_errno, si_code, then si_addr at the union (after padding on 64-bit). */
    bool be = user_guest_be(p);
    user_put_uint(be, si->bytes, 4, (uint32_t)sig);
    user_put_uint(be, si->bytes + 8, 4, (uint32_t)code);
    if (p->abi->word_size == 8) {
        user_put_uint(be, si->bytes + 16, 8, addr);
    } else {
        user_put_uint(be, si->bytes + 12, 4, addr);
    }
    s->sync_pending |= SIGBIT(sig);
}

static uint64_t deliverable(const UserSignals *s)
{
    return (s->pending & ~s->blocked) | s->sync_pending;
}

bool user_signal_pending(UserProc *p)
{
    return deliverable(&user_self->sig) != 0;
}

int user_signal_next(UserProc *p)
{
    uint64_t d = deliverable(&user_self->sig);
    return d ? __builtin_ctzll(d) + 1 : 0;
}

/* Build the frame for one signal; false if it was consumed without a handler. */
static bool deliver_one(UserProc *p, int sig, bool sync)
{
    UserSignals *s = &user_self->sig;
    UserSigAction copy;

    if (p->exec.debug.debugger != NULL) {
        /* As under a native gdb, the debugger sees the signal first and says what to deliver. */
        s->debug_sig = sig;
        int give = exec_debug_stop(&p->exec, user_self->cpu, EXEC_STOP_SIGNAL, sig);
        s->debug_sig = 0;
        if (give <= 0 || give > USER_NSIG) {
            return false;
        }
        if (give != sig) {
            UserSigInfo *si = &s->info[give];
            memset(si, 0, sizeof(*si));
            user_put_uint(user_guest_be(p), si->bytes, 4, (uint32_t)give);
            sig = give;
            sync = false;
        }
    }

    g_mutex_lock(&p->sig_lock);
    UserSigAction *act = &p->sigaction[sig];
    copy = *act;
    if (copy.handler > USER_SIG_IGN && (copy.flags & USER_SA_RESETHAND) &&
        !(sync && (s->blocked & SIGBIT(sig)))) {
        act->handler = USER_SIG_DFL;
        act->flags &= ~USER_SA_SIGINFO;
        apply_host_action(p, sig);
    }
    g_mutex_unlock(&p->sig_lock);

    if (sync && (copy.handler <= USER_SIG_IGN || (s->blocked & SIGBIT(sig)))) {
        /* force_sig_fault(): a blocked or ignored fault still kills. */
        user_signal_die(sig);
    }
    if (copy.handler == USER_SIG_IGN) {
        return false;
    }
    if (copy.handler == USER_SIG_DFL) {
        if (DFL_IGNORE & SIGBIT(sig)) {
            return false;
        }
        if (DFL_STOP & SIGBIT(sig)) {
            kill(getpid(), SIGSTOP);    /* the whole process stops, as for the guest */
            return false;
        }
        user_signal_die(sig);
    }
    if (exec_trace_out_active()) {
        uint64_t pc, addr;
        signal_where(sig, &pc, &addr);
        exec_trace_signal_line(sig, pc, addr, signal_step());
    }
    GuestAddr sp = p->abi->get_sp(user_self->cpu);
    if ((copy.flags & USER_SA_ONSTACK) && !(s->altstack_flags & SS_DISABLE) &&
        !user_signal_on_altstack(p, sp)) {
        sp = s->altstack_sp + s->altstack_size;
    }
    uint64_t old_mask = s->have_saved_mask ? s->saved_mask : s->blocked;
    if (!p->abi->setup_frame(p, sig, &s->info[sig], &copy, sp, old_mask)) {
        /* force_sigsegv(): no room for the frame. */
        user_signal_die(SIGSEGV);
    }
    s->have_saved_mask = false;
    uint64_t mask = s->blocked | copy.mask;
    if (!(copy.flags & USER_SA_NODEFER)) {
        mask |= SIGBIT(sig);
    }
    user_signal_set_mask(p, mask);
    return true;
}

void user_signal_deliver(UserProc *p)
{
    UserSignals *s = &user_self->sig;
    __atomic_fetch_and(&user_self->cpu->exit_request, ~GUEST_REQ_SIGNAL, __ATOMIC_SEQ_CST);
    for (;;) {
        int sig;
        bool sync = false;
        if (s->sync_pending) {
            sig = __builtin_ctzll(s->sync_pending) + 1;
            s->sync_pending &= ~SIGBIT(sig);
            sync = true;
        } else {
            uint64_t d = s->pending & ~s->blocked;
            if (!d) {
                break;
            }
            sig = __builtin_ctzll(d) + 1;
            __atomic_fetch_and(&s->pending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
        }
        deliver_one(p, sig, sync);
    }
    if (s->have_saved_mask) {
        /* No handler ran: the temporary mask of rt_sigsuspend ends here. */
        s->have_saved_mask = false;
        user_signal_set_mask(p, s->saved_mask);
    }
}

/* --- Temporary masks (rt_sigsuspend, ppoll, pselect6, epoll_pwait) --- */

/* Switch to mask for the call; the original comes back through the frame or at delivery. */
void user_signal_temp_mask(UserProc *p, uint64_t mask)
{
    UserSignals *s = &user_self->sig;
    s->saved_mask = s->blocked;
    s->have_saved_mask = true;
    user_signal_set_mask(p, mask);
}

/* After the call: if nothing is deliverable, restore at once. */
void user_signal_temp_mask_done(UserProc *p)
{
    UserSignals *s = &user_self->sig;
    if (s->have_saved_mask && !user_signal_pending(p)) {
        s->have_saved_mask = false;
        user_signal_set_mask(p, s->saved_mask);
    }
}

/* --- Syscalls --- */

static int64_t sys_rt_sigaction(UserProc *p, const uint64_t a[6])
{
    int sig = a[0];
    if (a[3] != 8) {
        return -EINVAL;
    }
    if (sig < 1 || sig > USER_NSIG) {
        return -EINVAL;
    }
    const UserArchAbi *abi = p->abi;
    uint8_t buf[64];
    g_assert(abi->sigaction_size <= sizeof(buf));
    UserSigAction act, old;
    if (a[1]) {
        if (sig == SIGKILL || sig == SIGSTOP) {
            return -EINVAL;
        }
        if (user_copy_from(&p->mem, buf, a[1], abi->sigaction_size) < 0) {
            return -EFAULT;
        }
        abi->get_sigaction(buf, &act);
        act.mask &= ~UNBLOCKABLE;
    }
    g_mutex_lock(&p->sig_lock);
    old = p->sigaction[sig];
    if (a[1]) {
        p->sigaction[sig] = act;
        apply_host_action(p, sig);
    }
    g_mutex_unlock(&p->sig_lock);
    if (a[1] && (act.handler == USER_SIG_IGN ||
                 (act.handler == USER_SIG_DFL && (DFL_IGNORE & SIGBIT(sig))))) {
        /* Setting SIG_IGN discards a pending instance (kernel: sig_handler_ignored). */
        __atomic_fetch_and(&user_self->sig.pending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
    }
    if (a[2]) {
        abi->put_sigaction(buf, &old);
        if (user_copy_to(&p->mem, a[2], buf, abi->sigaction_size) < 0) {
            return -EFAULT;
        }
    }
    return 0;
}

static int64_t sys_rt_sigprocmask(UserProc *p, const uint64_t a[6])
{
    if (a[3] != 8) {
        return -EINVAL;
    }
    uint64_t old = user_self->sig.blocked, set = 0;
    if (a[1] && user_read_sigset(p, a[1], &set) < 0) {
        return -EFAULT;
    }
    if (a[1]) {
        uint64_t mask;
        switch ((int)a[0]) {
        case SIG_BLOCK:
            mask = old | set;
            break;
        case SIG_UNBLOCK:
            mask = old & ~set;
            break;
        case SIG_SETMASK:
            mask = set;
            break;
        default:
            return -EINVAL;
        }
        user_signal_set_mask(p, mask);
    }
    if (a[2] && user_write_sigset(p, a[2], old) < 0) {
        return -EFAULT;
    }
    return 0;
}

static int64_t sys_rt_sigreturn(UserProc *p, const uint64_t a[6])
{
    if (!p->abi->restore_frame(p)) {
        user_signal_raise_sync(p, SIGSEGV, SI_KERNEL, 0);
    }
    return USER_SYSRET_NORETURN;
}

/* stack_t: ss_sp (word), ss_flags (int), ss_size (word), in guest order and word size. */
static int64_t sys_sigaltstack(UserProc *p, const uint64_t a[6])
{
    unsigned w = p->abi->word_size;
    bool be = user_guest_be(p);
    size_t size = 3 * w;
    uint8_t old[24], ss[24];
    GuestAddr sp = p->abi->get_sp(user_self->cpu);
    bool on = user_signal_on_altstack(p, sp);
    memset(old, 0, sizeof(old));
    int32_t oflags = on ? SS_ONSTACK : user_self->sig.altstack_flags;
    user_put_uint(be, old, w, user_self->sig.altstack_sp);
    user_put_uint(be, old + w, 4, (uint32_t)oflags);
    user_put_uint(be, old + 2 * w, w, user_self->sig.altstack_size);
    if (a[0]) {
        if (user_copy_from(&p->mem, ss, a[0], size) < 0) {
            return -EFAULT;
        }
        if (on) {
            return -EPERM;
        }
        uint64_t nsp = user_get_uint(be, ss, w);
        int32_t nflags = (int32_t)user_get_uint(be, ss + w, 4);
        uint64_t nsize = user_get_uint(be, ss + 2 * w, w);
        int mode = nflags & ~SS_AUTODISARM;
        if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0) {
            return -EINVAL;
        }
        if (mode == SS_DISABLE) {
            user_self->sig.altstack_sp = 0;
            user_self->sig.altstack_size = 0;
            user_self->sig.altstack_flags = SS_DISABLE;
        } else {
            if (nsize < USER_MINSIGSTKSZ) {
                return -ENOMEM;
            }
            user_self->sig.altstack_sp = nsp;
            user_self->sig.altstack_size = nsize;
            user_self->sig.altstack_flags = nflags & SS_AUTODISARM;
        }
    }
    if (a[1] && user_copy_to(&p->mem, a[1], old, size) < 0) {
        return -EFAULT;
    }
    return 0;
}

static int64_t sys_rt_sigpending(UserProc *p, const uint64_t a[6])
{
    if (a[1] > 8) {
        return -EINVAL;
    }
    uint64_t host = 0;
    syscall(SYS_rt_sigpending, &host, 8);
    uint64_t set = (user_self->sig.pending | host) & user_self->sig.blocked;
    uint8_t buf[8];
    user_put_sigset(p, buf, set);
    return user_copy_to(&p->mem, a[0], buf, a[1]) < 0 ? -EFAULT : 0;
}

static int64_t sys_rt_sigsuspend(UserProc *p, const uint64_t a[6])
{
    uint64_t mask;
    if (a[1] != 8) {
        return -EINVAL;
    }
    if (user_read_sigset(p, a[0], &mask) < 0) {
        return -EFAULT;
    }
    mask &= ~UNBLOCKABLE;
    /* Block everything on the host, then check our queue, then wait atomically. */
    user_signal_temp_mask(p, mask);
    user_host_setmask(~(uint64_t)0);
    if (!user_signal_pending(p)) {
        uint64_t wait = mask & ~(SYNC_SIGS | UNBLOCKABLE);
        syscall(SYS_rt_sigsuspend, &wait, 8);
    }
    user_signal_set_mask(p, user_self->sig.blocked);
    user_signal_temp_mask_done(p);
    return -EINTR;
}

/*
 * rt_sigtimedwait(set, info, timeout, sigsetsize) with the timeout already read (NULL:
 * none); the ABI's row reads it in its own layout.  siginfo goes out in guest layout.
 */
int64_t user_sigtimedwait(UserProc *p, const uint64_t a[6], const struct timespec *ts)
{
    uint64_t set;
    if (a[3] != 8) {
        return -EINVAL;
    }
    if (user_read_sigset(p, a[0], &set) < 0) {
        return -EFAULT;
    }
    set &= ~UNBLOCKABLE;
    uint64_t ready = user_self->sig.pending & set;
    if (ready) {
        int sig = __builtin_ctzll(ready) + 1;
        __atomic_fetch_and(&user_self->sig.pending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
        if (a[1] && user_copy_to(&p->mem, a[1], user_self->sig.info[sig].bytes, 128) < 0) {
            return -EFAULT;
        }
        return sig;
    }
    uint64_t hs = set;
    siginfo_t si;
    struct timespec hts;
    if (ts) {
        hts = *ts;
    }
    /* The waited-for signals are blocked; any other one interrupts the wait. */
    int64_t r = user_safe_syscall6(p, SYS_rt_sigtimedwait, &hs, &si, ts ? &hts : NULL, 8, 0, 0);
    if (r < 0) {
        return r;
    }
    if (a[1]) {
        UserSigInfo gi;
        user_siginfo_from_host(p, &gi, &si);
        if (user_copy_to(&p->mem, a[1], gi.bytes, 128) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

/* The asm-generic 64-bit form: struct __kernel_timespec, two 64-bit words. */
static int64_t sys_rt_sigtimedwait(UserProc *p, const uint64_t a[6])
{
    struct timespec ts;
    if (a[2]) {
        uint64_t sec, nsec;
        if (user_read_uint(p, a[2], 8, &sec) < 0 || user_read_uint(p, a[2] + 8, 8, &nsec) < 0) {
            return -EFAULT;
        }
        ts.tv_sec = (time_t)sec;
        ts.tv_nsec = (long)nsec;
    }
    return user_sigtimedwait(p, a, a[2] ? &ts : NULL);
}

static int64_t sys_kill_like(UserProc *p, long host_nr, const uint64_t a[6], int nargs)
{
    __atomic_add_fetch(&guest_kills, 1, __ATOMIC_SEQ_CST);
    long r = nargs == 2 ? syscall(host_nr, (long)a[0], (long)a[1]) :
             syscall(host_nr, (long)a[0], (long)a[1], (long)a[2]);
    int64_t ret = user_ret(r);
    __atomic_sub_fetch(&guest_kills, 1, __ATOMIC_SEQ_CST);
    return ret;
}

static int64_t sys_kill(UserProc *p, const uint64_t a[6])
{
    return sys_kill_like(p, SYS_kill, a, 2);
}

static int64_t sys_tkill(UserProc *p, const uint64_t a[6])
{
    return sys_kill_like(p, SYS_tkill, a, 2);
}

static int64_t sys_tgkill(UserProc *p, const uint64_t a[6])
{
    return sys_kill_like(p, SYS_tgkill, a, 3);
}

const UserSyscallRow user_sys_signal_rows[] = {
    { USER_NR_rt_sigaction, sys_rt_sigaction },
    { USER_NR_rt_sigprocmask, sys_rt_sigprocmask },
    { USER_NR_rt_sigreturn, sys_rt_sigreturn },
    { USER_NR_sigaltstack, sys_sigaltstack },
    { USER_NR_rt_sigpending, sys_rt_sigpending },
    { USER_NR_rt_sigsuspend, sys_rt_sigsuspend },
    { USER_NR_rt_sigtimedwait, sys_rt_sigtimedwait, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_kill, sys_kill },
    { USER_NR_tkill, sys_tkill },
    { USER_NR_tgkill, sys_tgkill },
    /* siginfo_t has the same layout: a pass-through is exact. */
    { USER_NR_rt_sigqueueinfo, NULL, SYS_rt_sigqueueinfo, "iip", USER_SYS_LAYOUT64 },
    { USER_NR_rt_tgsigqueueinfo, NULL, SYS_rt_tgsigqueueinfo, "iiip", USER_SYS_LAYOUT64 },
    { -1 },
};
