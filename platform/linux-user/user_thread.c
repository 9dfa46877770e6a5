/*
 * Guest threads.  Every guest thread is one host thread with its own GuestCpu; they
 * share the process (UserProc: memory, dispositions, the exec context and its code
 * cache).  The host tid is the guest tid, so gettid, tgkill, /proc/self/task and the
 * tid words that the guest's libc keeps in memory all hold host values, and the host
 * kernel's futexes work on guest words directly.
 *
 * Life of a thread (Linux's copy_process and do_exit, as a guest sees them):
 *   clone   the parent copies its registers into a new CPU (pc after the ecall, a0 = 0,
 *           the new sp and tls), starts a host thread with every signal blocked and
 *           waits until the child has written CLONE_PARENT_SETTID/CLONE_CHILD_SETTID
 *           and joined the exec context; then it returns the tid.
 *   exit    the robust futex list is walked (owner-died), CLONE_CHILD_CLEARTID's word
 *           cleared and woken, the CPU leaves the exec context, and the host thread
 *           ends.  The last thread to go ends the process with the first thread's
 *           status, as Linux reports the group leader's exit code.
 *   exit_group  ends every thread at once (the host's exit_group).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

__thread UserThread *user_self;

/* Host stack of a guest thread: mimic's own frames only (translation, helpers, syscalls). */
#define USER_THREAD_HOST_STACK (2u << 20)
/* The kernel's ROBUST_LIST_LIMIT: a corrupted list cannot keep an exiting thread busy. */
#define USER_ROBUST_LIST_LIMIT 2048

static void thread_register(UserProc *p, UserThread *t)
{
    g_mutex_lock(&p->threads_lock);
    g_ptr_array_add(p->threads, t);
    g_mutex_unlock(&p->threads_lock);
}

G_NORETURN void user_thread_run_leader(UserProc *p, GuestCpu *cpu)
{
    UserThread *t = g_new0(UserThread, 1);

    t->proc = p;
    t->cpu = cpu;
    t->tid = gettid();
    t->leader = true;
    cpu->platform = t;
    user_signal_thread_init(t, user_host_getmask());
    user_self = t;
    user_thread_host_setup(t);
    thread_register(p, t);
    exec_cpu_register(&p->exec, cpu);
    if (p->opts.gdb != NULL) {
        g_autoptr(GError) error = NULL;
        if (!user_gdb_start(p, cpu, &error)) {
            fprintf(stderr, "mimic: %s\n", error->message);
            _exit(1);
        }
    }
    user_host_setmask(t->sig.blocked);
    user_loop(p, t);
}

/* --- clone --- */

typedef struct UserThreadStart {
    UserThread *t;
    uint64_t flags;
    GuestAddr ptid, ctid;
    int tid;                    /* the child's, for the parent: t may be gone when it looks */
    volatile int ready;         /* futex word: the child set its tid words and joined */
} UserThreadStart;

static void *thread_main(void *arg)
{
    UserThreadStart *st = arg;
    UserThread *t = st->t;
    UserProc *p = t->proc;
    int32_t tid = gettid();

    t->tid = tid;
    user_self = t;
    user_thread_host_setup(t);
    /* Both words before the parent returns and before the child runs (copy_process). */
    if (st->flags & CLONE_CHILD_SETTID) {
        user_write_uint(p, st->ctid, 4, (uint32_t)tid);
    }
    if (st->flags & CLONE_PARENT_SETTID) {
        user_write_uint(p, st->ptid, 4, (uint32_t)tid);
    }
    exec_cpu_register(&p->exec, t->cpu);
    st->tid = tid;
    /* st lives on the parent's stack: nothing touches it after this wake. */
    __atomic_store_n(&st->ready, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, &st->ready, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    user_host_setmask(t->sig.blocked);
    user_loop(p, t);
}

int64_t user_thread_clone(UserProc *p, uint64_t flags, GuestAddr newsp, GuestAddr ptid,
                          GuestAddr ctid, uint64_t tls)
{
    UserThread *parent = user_self;
    const UserArchAbi *abi = p->abi;

    /* copy_process(): a thread shares the handlers, and handlers need a shared VM. */
    if (!(flags & CLONE_SIGHAND) || !(flags & CLONE_VM)) {
        return -EINVAL;
    }
    if (flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
                 CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_PIDFD | CLONE_VFORK)) {
        return -EINVAL;
    }
    GuestCpu *cpu = guest_cpu_new(p->arch);
    memcpy(cpu, parent->cpu, p->arch->cpu_size);
    cpu->exit_request = 0;
    cpu->exit_kind = GUEST_EXIT_NONE;
    cpu->insns_executed = 0;
    cpu->jmp_cache = NULL;
    cpu->ras_top = 0;                           /* its own stack comes with its jump cache */
    cpu->running = 0;
    cpu->excl_waiter = false;
    cpu->debug = NULL;                          /* the debugger's record is per thread */
    cpu->debug_step = 0;
    cpu->debug_stepped = 0;
    cpu->pc += abi->syscall_insn_len;            /* the child returns from the ecall */
    abi->clone_child(cpu, newsp, (flags & CLONE_SETTLS) != 0, tls);

    UserThread *t = g_new0(UserThread, 1);
    t->proc = p;
    t->cpu = cpu;
    cpu->platform = t;
    /* The mask is inherited; the alternate stack is not (CLONE_VM without CLONE_VFORK). */
    user_signal_thread_init(t, parent->sig.blocked);
    t->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
    thread_register(p, t);

    UserThreadStart st = { .t = t, .flags = flags, .ptid = ptid, .ctid = ctid, .ready = 0 };
    pthread_attr_t attr;
    pthread_t host;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, USER_THREAD_HOST_STACK);
    /* The child starts with every signal blocked until it is a guest thread. */
    user_host_setmask(~(uint64_t)0);
    int rc = pthread_create(&host, &attr, thread_main, &st);
    user_host_setmask(parent->sig.blocked);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        g_mutex_lock(&p->threads_lock);
        g_ptr_array_remove(p->threads, t);
        g_mutex_unlock(&p->threads_lock);
        guest_cpu_free(cpu);
        g_free(t);
        return -EAGAIN;
    }
    while (!__atomic_load_n(&st.ready, __ATOMIC_ACQUIRE)) {
        syscall(SYS_futex, &st.ready, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    }
    return st.tid;
}

/* --- Exit --- */

/* Guest word (4 or 8 bytes) at addr; false if unreadable. */
static bool get_word(UserProc *p, GuestAddr addr, uint64_t *v)
{
    *v = 0;
    if (user_copy_from(&p->mem, v, addr, p->abi->word_size) < 0) {
        return false;
    }
    if (p->arch->big_endian) {
        *v = p->abi->word_size == 8 ? GUINT64_FROM_BE(*v) : GUINT32_FROM_BE((uint32_t)*v);
    }
    return true;
}

/*
 * handle_futex_death(): a futex the dying thread owns is marked FUTEX_OWNER_DIED and one
 * waiter woken, so a robust mutex's next locker gets EOWNERDEAD.  The wake is "shared",
 * as the kernel's, to match waiters of either kind on process-shared mutexes.
 */
static void futex_death(UserProc *p, GuestAddr uaddr, int tid, bool pi, bool pending_op)
{
    if ((uaddr & 3) || !user_mem_check(&p->mem, uaddr, 4, PROT_READ | PROT_WRITE)) {
        return;
    }
    uint32_t *word = user_g2h(&p->mem, uaddr);
    bool be = p->arch->big_endian;
    for (int tries = 0; tries < 1000; tries++) {
        uint32_t raw = __atomic_load_n(word, __ATOMIC_SEQ_CST);
        uint32_t uval = be ? GUINT32_FROM_BE(raw) : raw;
        if (pending_op && !pi && uval == 0) {
            syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
            return;
        }
        if ((uval & FUTEX_TID_MASK) != (uint32_t)tid) {
            return;
        }
        uint32_t mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        uint32_t want = be ? GUINT32_TO_BE(mval) : mval;
        if (__atomic_compare_exchange_n(word, &raw, want, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST)) {
            /* A PI futex's waiters are the host kernel's to hand over, but for a
             * big-endian guest's, which sleep in plain waits (user_futex.c). */
            if ((!pi || be) && (uval & FUTEX_WAITERS)) {
                syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
            }
            return;
        }
    }
}

/*
 * exit_robust_list(): struct robust_list_head { list, futex_offset, list_op_pending },
 * each a guest word; entries are guest pointers whose bit 0 marks a PI futex.
 */
static void robust_list_exit(UserProc *p, UserThread *t)
{
    unsigned w = p->abi->word_size;
    GuestAddr head = t->robust_list;
    uint64_t entry, offset, pending;

    if (head == 0 || !get_word(p, head, &entry) || !get_word(p, head + w, &offset) ||
        !get_word(p, head + 2 * w, &pending)) {
        return;
    }
    if (w == 4) {
        offset = (uint64_t)(int64_t)(int32_t)offset;
    }
    GuestAddr pending_addr = pending & ~(uint64_t)1;
    for (int n = 0; entry != head && n < USER_ROBUST_LIST_LIMIT; n++) {
        GuestAddr e = entry & ~(uint64_t)1;
        uint64_t next;
        if (!get_word(p, e, &next)) {
            break;
        }
        /* The pending entry is handled last, once. */
        if (e != pending_addr) {
            futex_death(p, e + offset, t->tid, entry & 1, false);
        }
        entry = next;
    }
    if (pending_addr) {
        futex_death(p, pending_addr + offset, t->tid, pending & 1, true);
    }
}

/* CLONE_CHILD_CLEARTID: what pthread_join waits on (a shared futex wait on the tid word). */
static void clear_child_tid(UserProc *p, UserThread *t)
{
    if (t->clear_child_tid == 0) {
        return;
    }
    uint32_t zero = 0;
    if (user_copy_to(&p->mem, t->clear_child_tid, &zero, 4) == 0) {
        syscall(SYS_futex, user_g2h(&p->mem, t->clear_child_tid), FUTEX_WAKE, 1, NULL, NULL, 0);
    }
}

G_NORETURN void user_process_exit(UserProc *p, int status)
{
    UserThread *t = user_self;

    if (t != NULL) {
        robust_list_exit(p, t);
    }
    if (p->exec_ready) {
        exec_at_exit(&p->exec);
        exec_trace_end(EXEC_TRACE_END_EXIT, status & 0xff, NULL);
        exec_debug_ended(&p->exec, false, status & 0xff);
    }
    fflush(NULL);
    _exit(status & 0xff);
}

G_NORETURN void user_thread_exit(UserProc *p, int status)
{
    UserThread *t = user_self;

    /* From here on the kernel gives process-wide signals to the threads that stay. */
    user_host_setmask(~(uint64_t)0);
    robust_list_exit(p, t);
    clear_child_tid(p, t);
    exec_cpu_unregister(&p->exec, t->cpu);

    g_mutex_lock(&p->threads_lock);
    g_ptr_array_remove(p->threads, t);
    bool last = p->threads->len == 0;
    if (t->leader) {
        p->leader_exited = true;
        p->leader_status = status & 0xff;
    }
    int final = p->leader_exited ? p->leader_status : status;
    g_mutex_unlock(&p->threads_lock);
    if (last) {
        user_process_exit(p, final);
    }
    user_self = NULL;
    guest_cpu_free(t->cpu);
    /*
     * The host altstack stays allocated: a signal could still be arriving on it.  It is
     * 64 KiB per ended thread; the leader's thread keeps its own.
     */
    g_free(t);
    pthread_exit(NULL);
}

/* --- fork --- */

/*
 * A fork copies only the calling thread.  No lock of ours may be held by another thread
 * at that moment (the child would wait on it for ever), so the forking thread takes them
 * all first, in the order their users nest them: threads, dispositions, memory map, then
 * the exec context (glibc's fork does the same for malloc and stdio).
 */
void user_fork_prepare(UserProc *p)
{
    g_mutex_lock(&p->threads_lock);
    g_mutex_lock(&p->sig_lock);
    g_mutex_lock(&p->mem.lock);
    g_mutex_lock(&p->exec.excl_lock);
    g_mutex_lock(&p->exec.lock);
    exec_trace_fork_prepare();
}

/* Release what user_fork_prepare() took (child: also the trace writer's child mode). */
static void fork_release(UserProc *p, bool child)
{
    exec_trace_fork_done(child);
    g_mutex_unlock(&p->exec.lock);
    g_mutex_unlock(&p->exec.excl_lock);
    g_mutex_unlock(&p->mem.lock);
    g_mutex_unlock(&p->sig_lock);
    g_mutex_unlock(&p->threads_lock);
}

void user_fork_parent(UserProc *p)
{
    fork_release(p, false);
}

/* In the child: the forking thread is the only one left. */
void user_fork_child(UserProc *p)
{
    UserThread *self = user_self;
    ExecCtx *x = &p->exec;

    g_ptr_array_set_size(p->threads, 0);
    g_ptr_array_add(p->threads, self);
    self->tid = gettid();
    self->leader = true;
    p->leader_exited = false;
    g_ptr_array_set_size(x->cpus, 0);
    g_ptr_array_add(x->cpus, self->cpu);
    x->excl_pending = 0;
    x->excl_waiting = 0;
    fork_release(p, true);
    /* gdb debugs the parent: the child runs free of its breakpoints and its connection. */
    exec_debug_forget(x);
    self->cpu->debug = NULL;
    self->cpu->debug_step = 0;
}

/* --- Syscalls that name threads --- */

static int64_t sys_set_robust_list(UserProc *p, const uint64_t a[6])
{
    if (a[1] != 3u * p->abi->word_size) {
        return -EINVAL;
    }
    user_self->robust_list = a[0];
    return 0;
}

static int64_t sys_get_robust_list(UserProc *p, const uint64_t a[6])
{
    int tid = (int)a[0];
    GuestAddr head = 0;
    bool found = false;
    unsigned w = p->abi->word_size;

    g_mutex_lock(&p->threads_lock);
    for (guint i = 0; i < p->threads->len; i++) {
        UserThread *t = g_ptr_array_index(p->threads, i);
        if (tid == 0 ? t == user_self : t->tid == tid) {
            head = t->robust_list;
            found = true;
        }
    }
    g_mutex_unlock(&p->threads_lock);
    if (!found) {
        return -ESRCH;
    }
    uint64_t len = 3u * w;
    if (user_write_uint(p, a[1], w, head) < 0 || user_write_uint(p, a[2], w, len) < 0) {
        return -EFAULT;
    }
    return 0;
}

static int64_t sys_set_tid_address(UserProc *p, const uint64_t a[6])
{
    user_self->clear_child_tid = a[0];
    return user_self->tid;
}

static int64_t sys_exit(UserProc *p, const uint64_t a[6])
{
    user_thread_exit(p, (int)(a[0] & 0xff));
}

static int64_t sys_exit_group(UserProc *p, const uint64_t a[6])
{
    user_process_exit(p, (int)(a[0] & 0xff));
}

const UserSyscallRow user_sys_thread_rows[] = {
    { USER_NR_exit, sys_exit },
    { USER_NR_exit_group, sys_exit_group },
    { USER_NR_set_tid_address, sys_set_tid_address },
    { USER_NR_set_robust_list, sys_set_robust_list },
    { USER_NR_get_robust_list, sys_get_robust_list },
    { -1 },
};
