/*
 * POSIX timers for ppc32 guests: timer_create's struct sigevent (a 4-byte sigval, then
 * sigev_signo, sigev_notify and the thread id, big-endian) and the timer_settime/gettime
 * struct itimerspec of 32- or 64-bit (the *_time64 calls) big-endian timespecs.  Signal
 * numbers are the host's on ppc; the sigval comes back in the delivered siginfo through
 * the usual siginfo conversion, which carries the union's third int.  SIGEV_THREAD is
 * glibc's own (a helper thread waiting for SIGEV_THREAD_ID), so the kernel never sees it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "platform/linux-user/ppc32/ppc_user.h"

#define PPC_SIGEVENT_SIZE 64

/* timer_create(clockid, struct sigevent *, timer_t *id): the id is an int. */
static int64_t sys_timer_create(UserProc *p, const uint64_t a[6])
{
    struct sigevent ev;
    struct sigevent *evp = NULL;
    int id = 0;

    if (a[1]) {
        uint8_t g[PPC_SIGEVENT_SIZE];
        if (user_copy_from(&p->mem, g, a[1], sizeof(g)) < 0) {
            return -EFAULT;
        }
        memset(&ev, 0, sizeof(ev));
        ev.sigev_value.sival_ptr = (void *)(uintptr_t)ppc_get32(g);
        ev.sigev_signo = (int)ppc_get32(g + 4);
        ev.sigev_notify = (int)ppc_get32(g + 8);
        /* sigev_notify_thread_id: the union's first int (the kernel's _sigev_un._tid). */
        int tid = (int)ppc_get32(g + 12);
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
    if (ppc_get_ts(p, addr, t64, &v->it_interval) < 0 || ppc_get_ts(p, addr + size, t64, &v->it_value) < 0) {
        return -EFAULT;
    }
    return 0;
}

static int put_itimerspec(UserProc *p, GuestAddr addr, bool t64, const struct itimerspec *v)
{
    unsigned size = t64 ? 16 : 8;
    if (ppc_put_ts(p, addr, t64, &v->it_interval) < 0 || ppc_put_ts(p, addr + size, t64, &v->it_value) < 0) {
        return -EFAULT;
    }
    return 0;
}

/* timer_settime(id, flags, new, old) and timerfd_settime(fd, flags, new, old). */
int64_t ppc_settime(UserProc *p, const uint64_t a[6], bool t64, long host_nr)
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
int64_t ppc_gettime(UserProc *p, const uint64_t a[6], bool t64, long host_nr)
{
    struct itimerspec v;
    if (syscall(host_nr, (int)a[0], &v) < 0) {
        return user_errno();
    }
    return put_itimerspec(p, a[1], t64, &v);
}

static int64_t sys_timer_settime(UserProc *p, const uint64_t a[6])
{
    return ppc_settime(p, a, false, SYS_timer_settime);
}

static int64_t sys_timer_settime64(UserProc *p, const uint64_t a[6])
{
    return ppc_settime(p, a, true, SYS_timer_settime);
}

static int64_t sys_timer_gettime(UserProc *p, const uint64_t a[6])
{
    return ppc_gettime(p, a, false, SYS_timer_gettime);
}

static int64_t sys_timer_gettime64(UserProc *p, const uint64_t a[6])
{
    return ppc_gettime(p, a, true, SYS_timer_gettime);
}

const UserSyscallRow ppc_timer_rows[] = {
    { USER_NR_timer_create, sys_timer_create },
    { USER_NR_timer_settime, sys_timer_settime },
    { USER_NR_timer_settime64, sys_timer_settime64 },
    { USER_NR_timer_gettime, sys_timer_gettime },
    { USER_NR_timer_gettime64, sys_timer_gettime64 },
    { -1 },
};
