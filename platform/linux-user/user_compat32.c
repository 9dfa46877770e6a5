/*
 * What every 32-bit Linux ABI (ppc32, i386) converts the same way: the kernel's compat
 * layouts (include/linux/compat.h, compat_*), which differ between those ABIs only in byte
 * order, taken here from the guest description.  struct old_timespec32 and the time64
 * struct __kernel_timespec; struct rusage of 32-bit longs; POSIX timers (struct sigevent,
 * struct itimerspec) and timerfd_settime/gettime; waitid with its siginfo and rusage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

#define COMPAT_SIGEVENT_SIZE 64
#define COMPAT_RUSAGE_SIZE 72

int user32_get_ts(UserProc *p, GuestAddr addr, bool t64, struct timespec *ts)
{
    bool be = user_guest_be(p);
    uint8_t b[16];
    if (user_copy_from(&p->mem, b, addr, t64 ? 16 : 8) < 0) {
        return -EFAULT;
    }
    if (t64) {
        ts->tv_sec = (int64_t)user_get_uint(be, b, 8);
        /* The kernel ignores the upper half of tv_nsec for 32-bit tasks (get_timespec64). */
        ts->tv_nsec = (int32_t)user_get_uint(be, b + (be ? 12 : 8), 4);
    } else {
        ts->tv_sec = (int32_t)user_get_uint(be, b, 4);
        ts->tv_nsec = (int32_t)user_get_uint(be, b + 4, 4);
    }
    return 0;
}

int user32_put_ts(UserProc *p, GuestAddr addr, bool t64, const struct timespec *ts)
{
    bool be = user_guest_be(p);
    uint8_t b[16];
    unsigned half = t64 ? 8 : 4;
    user_put_uint(be, b, half, (uint64_t)ts->tv_sec);
    user_put_uint(be, b + half, half, (uint64_t)ts->tv_nsec);
    return user_copy_to(&p->mem, addr, b, 2 * half) < 0 ? -EFAULT : 0;
}

/* struct compat_rusage: two old_timeval32, then fourteen 32-bit longs. */
int user32_put_rusage(UserProc *p, GuestAddr addr, const struct rusage *ru)
{
    bool be = user_guest_be(p);
    uint8_t b[COMPAT_RUSAGE_SIZE];
    user_put_uint(be, b, 4, (uint64_t)ru->ru_utime.tv_sec);
    user_put_uint(be, b + 4, 4, (uint64_t)ru->ru_utime.tv_usec);
    user_put_uint(be, b + 8, 4, (uint64_t)ru->ru_stime.tv_sec);
    user_put_uint(be, b + 12, 4, (uint64_t)ru->ru_stime.tv_usec);
    const long *rest = &ru->ru_maxrss;
    for (int i = 0; i < 14; i++) {
        user_put_uint(be, b + 16 + 4 * i, 4, (uint64_t)rest[i]);
    }
    return user_copy_to(&p->mem, addr, b, sizeof(b)) < 0 ? -EFAULT : 0;
}

/*
 * timer_create(clockid, struct sigevent *, timer_t *id): a 4-byte sigval, sigev_signo,
 * sigev_notify and the thread id; the id is an int.  Signal numbers are the host's on both
 * ABIs; the sigval comes back in the delivered siginfo through the usual conversion.
 * SIGEV_THREAD is glibc's own (a helper thread waiting for SIGEV_THREAD_ID).
 */
static int64_t sys_timer_create(UserProc *p, const uint64_t a[6])
{
    bool be = user_guest_be(p);
    struct sigevent ev;
    struct sigevent *evp = NULL;
    int id = 0;

    if (a[1]) {
        uint8_t g[COMPAT_SIGEVENT_SIZE];
        if (user_copy_from(&p->mem, g, a[1], sizeof(g)) < 0) {
            return -EFAULT;
        }
        memset(&ev, 0, sizeof(ev));
        ev.sigev_value.sival_ptr = (void *)(uintptr_t)user_get_uint(be, g, 4);
        ev.sigev_signo = (int)user_get_uint(be, g + 4, 4);
        ev.sigev_notify = (int)user_get_uint(be, g + 8, 4);
        /* sigev_notify_thread_id: the union's first int (the kernel's _sigev_un._tid). */
        int tid = (int)user_get_uint(be, g + 12, 4);
        memcpy((uint8_t *)&ev + offsetof(struct sigevent, _sigev_un), &tid, sizeof(tid));
        evp = &ev;
    }
    if (syscall(SYS_timer_create, (clockid_t)(int32_t)a[0], evp, &id) < 0) {
        return user_errno();
    }
    return user_write_uint(p, a[2], 4, (uint32_t)id) < 0 ? -EFAULT : 0;
}

static int get_itimerspec(UserProc *p, GuestAddr addr, bool t64, struct itimerspec *v)
{
    unsigned size = t64 ? 16 : 8;
    if (user32_get_ts(p, addr, t64, &v->it_interval) < 0 ||
        user32_get_ts(p, addr + size, t64, &v->it_value) < 0) {
        return -EFAULT;
    }
    return 0;
}

static int put_itimerspec(UserProc *p, GuestAddr addr, bool t64, const struct itimerspec *v)
{
    unsigned size = t64 ? 16 : 8;
    if (user32_put_ts(p, addr, t64, &v->it_interval) < 0 ||
        user32_put_ts(p, addr + size, t64, &v->it_value) < 0) {
        return -EFAULT;
    }
    return 0;
}

/* timer_settime(id, flags, new, old) and timerfd_settime(fd, flags, new, old). */
static int64_t settime(UserProc *p, const uint64_t a[6], bool t64, long host_nr)
{
    struct itimerspec nv, ov;
    if (get_itimerspec(p, a[2], t64, &nv) < 0) {
        return -EFAULT;
    }
    if (syscall(host_nr, (int)a[0], (int)a[1], &nv, &ov) < 0) {
        return user_errno();
    }
    return a[3] && put_itimerspec(p, a[3], t64, &ov) < 0 ? -EFAULT : 0;
}

/* timer_gettime(id, cur) and timerfd_gettime(fd, cur). */
static int64_t gettime(UserProc *p, const uint64_t a[6], bool t64, long host_nr)
{
    struct itimerspec v;
    if (syscall(host_nr, (int)a[0], &v) < 0) {
        return user_errno();
    }
    return put_itimerspec(p, a[1], t64, &v);
}

#define TIME_CALLS(name, fn, host_nr)                                           \
    static int64_t sys_##name(UserProc *p, const uint64_t a[6])                 \
    {                                                                           \
        return fn(p, a, false, host_nr);                                        \
    }                                                                           \
    static int64_t sys_##name##64(UserProc *p, const uint64_t a[6])             \
    {                                                                           \
        return fn(p, a, true, host_nr);                                         \
    }
TIME_CALLS(timer_settime, settime, SYS_timer_settime)
TIME_CALLS(timer_gettime, gettime, SYS_timer_gettime)
TIME_CALLS(timerfd_settime, settime, SYS_timerfd_settime)
TIME_CALLS(timerfd_gettime, gettime, SYS_timerfd_gettime)

/* waitid(idtype, id, siginfo *, options, struct rusage *): both out in the guest's layout. */
static int64_t sys_waitid(UserProc *p, const uint64_t a[6])
{
    siginfo_t si;
    struct rusage ru;
    memset(&si, 0, sizeof(si));
    int64_t r = user_safe_syscall6(p, SYS_waitid, (int)a[0], (pid_t)a[1], &si, (int)a[3],
                                   a[4] ? &ru : NULL, 0);
    if (r < 0) {
        return r;
    }
    if (a[2]) {
        UserSigInfo g;
        user_siginfo_from_host(p, &g, &si);
        if (user_copy_to(&p->mem, a[2], g.bytes, sizeof(g.bytes)) < 0) {
            return -EFAULT;
        }
    }
    if (a[4] && user32_put_rusage(p, a[4], &ru) < 0) {
        return -EFAULT;
    }
    return r;
}

const UserSyscallRow user32_time_rows[] = {
    { USER_NR_timer_create, sys_timer_create },
    { USER_NR_timer_settime, sys_timer_settime },
    { USER_NR_timer_settime64, sys_timer_settime64 },
    { USER_NR_timer_gettime, sys_timer_gettime },
    { USER_NR_timer_gettime64, sys_timer_gettime64 },
    { USER_NR_timerfd_settime, sys_timerfd_settime },
    { USER_NR_timerfd_settime64, sys_timerfd_settime64 },
    { USER_NR_timerfd_gettime, sys_timerfd_gettime },
    { USER_NR_timerfd_gettime64, sys_timerfd_gettime64 },
    { USER_NR_waitid, sys_waitid, .flags = USER_SYS_RESTART },
    { -1 },
};
