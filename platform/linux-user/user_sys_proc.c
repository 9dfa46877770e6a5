/*
 * Process syscalls: clone/clone3 (a thread goes to user_thread.c; anything else is a
 * fork: the child is a host fork running its own copy of mimic and of the guest memory),
 * execve (the new program runs under a fresh mimic), wait, ids, limits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

static int64_t do_fork(UserProc *p, uint64_t flags, GuestAddr newsp, GuestAddr ptid,
                       GuestAddr ctid, uint64_t tls)
{
    if (flags & CLONE_THREAD) {
        return user_thread_clone(p, flags, newsp, ptid, ctid, tls);
    }
    if (flags & CLONE_SIGHAND) {
        /* Shared handlers without a shared thread group: only threads share them here. */
        return -EINVAL;
    }
    /*
     * CLONE_VM without CLONE_THREAD is vfork-like (vfork, posix_spawn).  The child gets
     * a copy of the address space rather than a share of it, so a value it stores is not
     * seen by the parent (posix_spawn cannot report an exec failure through memory; the
     * child still exits 127).  What vfork promises is kept: with CLONE_VFORK the parent
     * waits until the child execs or exits, which a close-on-exec pipe tells it.
     */
    int exit_signal = flags & CSIGNAL;
    int vfork_pipe[2] = { -1, -1 };
    if ((flags & CLONE_VFORK) && pipe2(vfork_pipe, O_CLOEXEC) < 0) {
        return user_errno();
    }
    fflush(NULL);
    /*
     * glibc's fork() runs its atfork handlers (malloc, stdio), which a raw clone would
     * skip while other threads may hold those locks; only an unusual exit signal needs
     * the raw call.
     */
    user_fork_prepare(p);
    long pid = exit_signal == SIGCHLD ? (long)fork() : syscall(SYS_clone, (long)exit_signal, 0L, 0L, 0L, 0L);
    if (pid == 0) {
        user_fork_child(p);
    } else {
        user_fork_parent(p);
    }
    if (pid < 0) {
        int64_t err = user_errno();
        if (vfork_pipe[0] >= 0) {
            close(vfork_pipe[0]);
            close(vfork_pipe[1]);
        }
        return err;
    }
    if (vfork_pipe[0] >= 0) {
        close(vfork_pipe[pid == 0 ? 0 : 1]);
        if (pid != 0) {
            char c;
            while (read(vfork_pipe[0], &c, 1) < 0 && errno == EINTR) {
            }
            close(vfork_pipe[0]);
        }
    }
    if (pid == 0) {
        pid_t tid = gettid();
        if (flags & CLONE_CHILD_SETTID) {
            user_write_uint(p, ctid, 4, (uint32_t)tid);
        }
        if (flags & CLONE_PARENT_SETTID) {
            user_write_uint(p, ptid, 4, (uint32_t)tid);
        }
        if (flags & CLONE_CHILD_CLEARTID) {
            user_self->clear_child_tid = ctid;
        }
        p->abi->clone_child(user_self->cpu, newsp, (flags & CLONE_SETTLS) != 0, tls);
        return 0;
    }
    if (flags & CLONE_PARENT_SETTID) {
        user_write_uint(p, ptid, 4, (uint32_t)pid);
    }
    return pid;
}

static int64_t sys_clone(UserProc *p, const uint64_t a[6])
{
    uint64_t flags, tls;
    GuestAddr newsp, ptid, ctid;
    p->abi->clone_args(a, &flags, &newsp, &ptid, &ctid, &tls);
    return do_fork(p, flags, newsp, ptid, ctid, tls);
}

static int64_t sys_clone3(UserProc *p, const uint64_t a[6])
{
    /* struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls ... */
    uint64_t ca[8];
    if (a[1] < 64 || a[1] > 4096) {
        return -EINVAL;
    }
    /* Every field is a __u64 in guest byte order, whatever the word size. */
    for (int i = 0; i < 8; i++) {
        if (user_read_uint(p, a[0] + 8 * i, 8, &ca[i]) < 0) {
            return -EFAULT;
        }
    }
    if (ca[0] & CLONE_PIDFD) {
        return -EINVAL;
    }
    if (ca[4] & ~(uint64_t)CSIGNAL) {
        return -EINVAL;
    }
    uint64_t flags = (ca[0] & ~(uint64_t)CSIGNAL) | ca[4];
    GuestAddr newsp = ca[5] ? ca[5] + ca[6] : 0;
    return do_fork(p, flags, newsp, ca[3], ca[2], ca[7]);
}

/* Read a NULL-terminated array of guest string pointers. */
static char **get_strv(UserProc *p, GuestAddr addr, int *err)
{
    GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
    unsigned w = p->abi->word_size;
    for (unsigned i = 0; addr; i++) {
        uint64_t ptr = 0;
        if (i > 1u << 20) {
            *err = -E2BIG;
            goto fail;
        }
        if (user_read_uint(p, addr + (uint64_t)i * w, w, &ptr) < 0) {
            *err = -EFAULT;
            goto fail;
        }
        if (!ptr) {
            break;
        }
        char *s = user_strdup(&p->mem, ptr, 1u << 20, err);
        if (!s) {
            goto fail;
        }
        g_ptr_array_add(v, s);
    }
    g_ptr_array_add(v, NULL);
    g_ptr_array_set_free_func(v, NULL);
    return (char **)g_ptr_array_free(v, FALSE);
fail:
    g_ptr_array_free(v, TRUE);
    return NULL;
}

static int64_t sys_execve(UserProc *p, const uint64_t a[6])
{
    int err = 0;
    g_autofree char *path = user_strdup(&p->mem, a[0], PATH_MAX, &err);
    if (!path) {
        return err;
    }
    g_auto(GStrv) argv = get_strv(p, a[1], &err);
    if (!argv) {
        return err;
    }
    g_auto(GStrv) envp = get_strv(p, a[2], &err);
    if (!envp) {
        return err;
    }
    return user_execve(p, path, argv, envp);
}

static int64_t sys_enosys_quiet(UserProc *p, const uint64_t a[6])
{
    /* rseq: glibc registers it when available and works without it. */
    return -ENOSYS;
}

static int64_t sys_getgroups(UserProc *p, const uint64_t a[6])
{
    int n = (int)a[0];
    if (n < 0 || n > 65536) {
        return -EINVAL;
    }
    void *h;
    if (user_arg_wbuf(p, a[1], (uint64_t)n * 4, &h) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_getgroups, n, h));
}

static int64_t sys_setgroups(UserProc *p, const uint64_t a[6])
{
    int n = (int)a[0];
    if (n < 0 || n > 65536) {
        return -EINVAL;
    }
    void *h;
    if (user_arg_ptr(p, a[1], (uint64_t)n * 4, &h) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_setgroups, n, h));
}

/* sched_[gs]etaffinity(pid, len, mask): the length comes before the buffer. */
static int64_t sys_sched_getaffinity(UserProc *p, const uint64_t a[6])
{
    void *h;
    if (a[1] > 1u << 20 || user_arg_wbuf(p, a[2], a[1], &h) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_sched_getaffinity, (int)a[0], (long)a[1], h));
}

static int64_t sys_sched_setaffinity(UserProc *p, const uint64_t a[6])
{
    void *h;
    if (a[1] > 1u << 20 || user_arg_ptr(p, a[2], a[1], &h) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_sched_setaffinity, (int)a[0], (long)a[1], h));
}

const UserSyscallRow user_sys_proc_rows[] = {
    { USER_NR_clone, sys_clone },
    { USER_NR_clone3, sys_clone3 },
    { USER_NR_execve, sys_execve },
    /* status int, struct rusage and siginfo have the same layout. */
    { USER_NR_wait4, NULL, SYS_wait4, "ipip", USER_SYS_RESTART | USER_SYS_LAYOUT64 },
    { USER_NR_waitid, NULL, SYS_waitid, "iipip", USER_SYS_RESTART | USER_SYS_LAYOUT64 },
    { USER_NR_rseq, sys_enosys_quiet },
    { USER_NR_getpid, NULL, SYS_getpid, "" },
    { USER_NR_getppid, NULL, SYS_getppid, "" },
    { USER_NR_gettid, NULL, SYS_gettid, "" },
    { USER_NR_getuid, NULL, SYS_getuid, "" },
    { USER_NR_geteuid, NULL, SYS_geteuid, "" },
    { USER_NR_getgid, NULL, SYS_getgid, "" },
    { USER_NR_getegid, NULL, SYS_getegid, "" },
    { USER_NR_getresuid, NULL, SYS_getresuid, "ppp", USER_SYS_LAYOUT64 },
    { USER_NR_getresgid, NULL, SYS_getresgid, "ppp", USER_SYS_LAYOUT64 },
    { USER_NR_getgroups, sys_getgroups, .flags = USER_SYS_LAYOUT64 },
    { USER_NR_setgroups, sys_setgroups, .flags = USER_SYS_LAYOUT64 },
    { USER_NR_setuid, NULL, SYS_setuid, "i" },
    { USER_NR_setgid, NULL, SYS_setgid, "i" },
    { USER_NR_setreuid, NULL, SYS_setreuid, "ii" },
    { USER_NR_setregid, NULL, SYS_setregid, "ii" },
    { USER_NR_setresuid, NULL, SYS_setresuid, "iii" },
    { USER_NR_setresgid, NULL, SYS_setresgid, "iii" },
    { USER_NR_setfsuid, NULL, SYS_setfsuid, "i" },
    { USER_NR_setfsgid, NULL, SYS_setfsgid, "i" },
    { USER_NR_getpgid, NULL, SYS_getpgid, "i" },
    { USER_NR_setpgid, NULL, SYS_setpgid, "ii" },
    { USER_NR_getsid, NULL, SYS_getsid, "i" },
    { USER_NR_setsid, NULL, SYS_setsid, "" },
    { USER_NR_getpriority, NULL, SYS_getpriority, "ii" },
    { USER_NR_setpriority, NULL, SYS_setpriority, "iii" },
    /* struct rlimit (two u64) is the same on every 64-bit port. */
    { USER_NR_getrlimit, NULL, SYS_getrlimit, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_setrlimit, NULL, SYS_setrlimit, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_prlimit64, NULL, SYS_prlimit64, "iipp", USER_SYS_LAYOUT64 },
    { USER_NR_getrusage, NULL, SYS_getrusage, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_times, NULL, SYS_times, "p", USER_SYS_LAYOUT64 },
    { USER_NR_personality, NULL, SYS_personality, "i" },
    { USER_NR_capget, NULL, SYS_capget, "pp", USER_SYS_LAYOUT64 },
    { USER_NR_capset, NULL, SYS_capset, "pp", USER_SYS_LAYOUT64 },
    { USER_NR_sched_yield, NULL, SYS_sched_yield, "" },
    { USER_NR_sched_getaffinity, sys_sched_getaffinity, .flags = USER_SYS_LAYOUT64 },
    { USER_NR_sched_setaffinity, sys_sched_setaffinity, .flags = USER_SYS_LAYOUT64 },
    { USER_NR_sched_getparam, NULL, SYS_sched_getparam, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_sched_setparam, NULL, SYS_sched_setparam, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_sched_getscheduler, NULL, SYS_sched_getscheduler, "i" },
    { USER_NR_sched_setscheduler, NULL, SYS_sched_setscheduler, "iip", USER_SYS_LAYOUT64 },
    { USER_NR_sched_get_priority_max, NULL, SYS_sched_get_priority_max, "i" },
    { USER_NR_sched_get_priority_min, NULL, SYS_sched_get_priority_min, "i" },
    { USER_NR_getcpu, NULL, SYS_getcpu, "ppp", USER_SYS_LAYOUT64 },
    { -1 },
};
