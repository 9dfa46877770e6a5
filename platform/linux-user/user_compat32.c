/*
 * What every 32-bit Linux ABI (ppc32, i386) converts the same way: the kernel's compat
 * layouts (include/linux/compat.h, compat_*), which differ between those ABIs only in byte
 * order, taken here from the guest description.  struct old_timespec32 and the time64
 * struct __kernel_timespec (clocks, sleeps, utimensat), old_timeval32 (gettimeofday,
 * itimers), struct tms and struct sysinfo of 32-bit longs; struct rusage (wait4, getrusage,
 * waitid's) and rlimit; POSIX timers (struct sigevent, struct itimerspec) and
 * timerfd_settime/gettime; waitid with its siginfo; rt_sigqueueinfo's siginfo in,
 * rt_sigtimedwait's and futex's timeouts; getgroups' gid array and sched_getaffinity's
 * mask of 32-bit words; struct statfs64 (only its size differs: UserArchAbi).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

#define COMPAT_SIGEVENT_SIZE 64
#define COMPAT_RUSAGE_SIZE 72

/* Guest-order access to a byte buffer holding a guest struct. */
static void put32(UserProc *p, uint8_t *dst, uint32_t v)
{
    user_put_uint(user_guest_be(p), dst, 4, v);
}

static void put16(UserProc *p, uint8_t *dst, uint16_t v)
{
    user_put_uint(user_guest_be(p), dst, 2, v);
}

static uint32_t get32(UserProc *p, const uint8_t *src)
{
    return (uint32_t)user_get_uint(user_guest_be(p), src, 4);
}

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

/* --- Clocks, sleeps, interval timers, file times --- */

/* struct old_timespec32 {i32, i32} or struct __kernel_timespec {i64, i64}. */
static int64_t clock_get(UserProc *p, const uint64_t a[6], bool t64, bool res)
{
    struct timespec ts;
    if ((res ? clock_getres : clock_gettime)((clockid_t)(int32_t)a[0], &ts) < 0) {
        return user_errno();
    }
    return a[1] ? user32_put_ts(p, a[1], t64, &ts) : 0;
}

static int64_t sys_clock_gettime(UserProc *p, const uint64_t a[6])
{
    return clock_get(p, a, false, false);
}

static int64_t sys_clock_gettime64(UserProc *p, const uint64_t a[6])
{
    return clock_get(p, a, true, false);
}

static int64_t sys_clock_getres(UserProc *p, const uint64_t a[6])
{
    return clock_get(p, a, false, true);
}

static int64_t sys_clock_getres_time64(UserProc *p, const uint64_t a[6])
{
    return clock_get(p, a, true, true);
}

/* clock_nanosleep(clock, flags, req, rem) and nanosleep(req, rem). */
static int64_t sleep_common(UserProc *p, int clock, int flags, GuestAddr req, GuestAddr rem,
                            bool t64)
{
    struct timespec r, left = { 0, 0 };
    if (user32_get_ts(p, req, t64, &r) < 0) {
        return -EFAULT;
    }
    int64_t ret = user_safe_syscall6(p, SYS_clock_nanosleep, clock, flags, &r, &left, 0, 0);
    if (ret == -EINTR && rem && !(flags & TIMER_ABSTIME) && user32_put_ts(p, rem, t64, &left) < 0) {
        return -EFAULT;
    }
    return ret;
}

static int64_t sys_clock_nanosleep(UserProc *p, const uint64_t a[6])
{
    return sleep_common(p, (int)a[0], (int)a[1], a[2], a[3], false);
}

static int64_t sys_clock_nanosleep_time64(UserProc *p, const uint64_t a[6])
{
    return sleep_common(p, (int)a[0], (int)a[1], a[2], a[3], true);
}

static int64_t sys_nanosleep(UserProc *p, const uint64_t a[6])
{
    return sleep_common(p, CLOCK_REALTIME, 0, a[0], a[1], false);
}

/* struct old_timeval32 {i32, i32}, struct timezone {int, int}. */
static int64_t sys_gettimeofday(UserProc *p, const uint64_t a[6])
{
    struct timeval tv;
    struct timezone tz;
    if (gettimeofday(&tv, &tz) < 0) {
        return user_errno();
    }
    uint8_t b[8];
    if (a[0]) {
        put32(p, b, (uint32_t)tv.tv_sec);
        put32(p, b + 4, (uint32_t)tv.tv_usec);
        if (user_copy_to(&p->mem, a[0], b, 8) < 0) {
            return -EFAULT;
        }
    }
    if (a[1]) {
        put32(p, b, (uint32_t)tz.tz_minuteswest);
        put32(p, b + 4, (uint32_t)tz.tz_dsttime);
        if (user_copy_to(&p->mem, a[1], b, 8) < 0) {
            return -EFAULT;
        }
    }
    return 0;
}

/* struct itimerval of two old_timeval32 (kernel/time/itimer.c, the compat forms). */
static int get_itv(UserProc *p, GuestAddr addr, struct itimerval *v)
{
    uint8_t b[16];
    if (user_copy_from(&p->mem, b, addr, 16) < 0) {
        return -EFAULT;
    }
    v->it_interval.tv_sec = (int32_t)get32(p, b);
    v->it_interval.tv_usec = (int32_t)get32(p, b + 4);
    v->it_value.tv_sec = (int32_t)get32(p, b + 8);
    v->it_value.tv_usec = (int32_t)get32(p, b + 12);
    return 0;
}

static int put_itv(UserProc *p, GuestAddr addr, const struct itimerval *v)
{
    uint8_t b[16];
    put32(p, b, (uint32_t)v->it_interval.tv_sec);
    put32(p, b + 4, (uint32_t)v->it_interval.tv_usec);
    put32(p, b + 8, (uint32_t)v->it_value.tv_sec);
    put32(p, b + 12, (uint32_t)v->it_value.tv_usec);
    return user_copy_to(&p->mem, addr, b, 16) < 0 ? -EFAULT : 0;
}

static int64_t sys_getitimer(UserProc *p, const uint64_t a[6])
{
    struct itimerval v;
    if (syscall(SYS_getitimer, (int)a[0], &v) < 0) {
        return user_errno();
    }
    return put_itv(p, a[1], &v);
}

static int64_t sys_setitimer(UserProc *p, const uint64_t a[6])
{
    struct itimerval nv, ov;
    if (a[1] && get_itv(p, a[1], &nv) < 0) {
        return -EFAULT;
    }
    if (syscall(SYS_setitimer, (int)a[0], a[1] ? &nv : NULL, &ov) < 0) {
        return user_errno();
    }
    return a[2] ? put_itv(p, a[2], &ov) : 0;
}

/* utimensat(dirfd, path, const struct timespec times[2], flags). */
static int64_t utimens_common(UserProc *p, const uint64_t a[6], bool t64)
{
    struct timespec ts[2];
    int err = 0;
    if (a[2]) {
        unsigned sz = t64 ? 16 : 8;
        if (user32_get_ts(p, a[2], t64, &ts[0]) < 0 || user32_get_ts(p, a[2] + sz, t64, &ts[1]) < 0) {
            return -EFAULT;
        }
    }
    g_autofree char *path = NULL;
    if (a[1]) {
        path = user_arg_path(p, a[1], &err);
        if (!path) {
            return err;
        }
    }
    return user_ret(syscall(SYS_utimensat, (int)a[0], path, a[2] ? ts : NULL, (int)a[3]));
}

static int64_t sys_utimensat(UserProc *p, const uint64_t a[6])
{
    return utimens_common(p, a, false);
}

static int64_t sys_utimensat_time64(UserProc *p, const uint64_t a[6])
{
    return utimens_common(p, a, true);
}

/* struct tms: four clock_t (32-bit longs); the return value is a clock_t too. */
static int64_t sys_times(UserProc *p, const uint64_t a[6])
{
    struct tms t;
    clock_t r = times(&t);
    if (r == (clock_t)-1) {
        return user_errno();
    }
    if (a[0]) {
        uint8_t b[16];
        put32(p, b, (uint32_t)t.tms_utime);
        put32(p, b + 4, (uint32_t)t.tms_stime);
        put32(p, b + 8, (uint32_t)t.tms_cutime);
        put32(p, b + 12, (uint32_t)t.tms_cstime);
        if (user_copy_to(&p->mem, a[0], b, 16) < 0) {
            return -EFAULT;
        }
    }
    /* Not an error however large: keep it clear of the -4095..-1 error range. */
    return (uint32_t)r & 0x7fffffff;
}

/* struct sysinfo with 32-bit longs (include/uapi/linux/sysinfo.h): 64 bytes. */
static int64_t sys_sysinfo(UserProc *p, const uint64_t a[6])
{
    struct sysinfo si;
    if (sysinfo(&si) < 0) {
        return user_errno();
    }
    /* Counts that do not fit in 32 bits are reported in larger units, as the kernel does. */
    uint64_t mem_unit = si.mem_unit ? si.mem_unit : 1;
    uint64_t unit = mem_unit;
    uint64_t vals[6] = { si.totalram, si.freeram, si.sharedram, si.bufferram, si.totalswap,
                         si.freeswap };
    while (MAX(si.totalram, si.totalswap) * mem_unit / unit > 0xffffffffu && unit < (1u << 30)) {
        unit <<= 1;
    }
    uint8_t b[64];
    memset(b, 0, sizeof(b));
    put32(p, b, (uint32_t)si.uptime);
    for (int i = 0; i < 3; i++) {
        put32(p, b + 4 + 4 * i, (uint32_t)si.loads[i]);
    }
    for (int i = 0; i < 6; i++) {
        put32(p, b + 16 + 4 * i, (uint32_t)(vals[i] * mem_unit / unit));
    }
    put16(p, b + 40, si.procs);
    put32(p, b + 44, (uint32_t)(si.totalhigh * mem_unit / unit));
    put32(p, b + 48, (uint32_t)(si.freehigh * mem_unit / unit));
    put32(p, b + 52, (uint32_t)unit);
    return user_copy_to(&p->mem, a[0], b, sizeof(b)) < 0 ? -EFAULT : 0;
}

/* --- Processes: wait4, rusage, rlimit --- */

/*
 * statfs64(path, size, buf) / fstatfs64(fd, size, buf): struct statfs64 with 32-bit words
 * and 64-bit counts; 88 bytes, or 84 where the ABI packs it (i386): the kernel insists on
 * the exact size (UserArchAbi.statfs64_size).
 */
static int64_t statfs64_common(UserProc *p, const uint64_t a[6], bool by_fd)
{
    bool be = user_guest_be(p);
    struct statfs s;
    int r;
    if (a[1] != p->abi->statfs64_size) {
        return -EINVAL;
    }
    if (by_fd) {
        r = fstatfs((int)a[0], &s);
    } else {
        int err = 0;
        g_autofree char *path = user_arg_path(p, a[0], &err);
        if (!path) {
            return err;
        }
        r = statfs(path, &s);
    }
    if (r < 0) {
        return user_errno();
    }
    uint8_t b[88];
    int fsid[2];
    memset(b, 0, sizeof(b));
    memcpy(fsid, &s.f_fsid, sizeof(fsid));
    put32(p, b, (uint32_t)s.f_type);
    put32(p, b + 4, (uint32_t)s.f_bsize);
    user_put_uint(be, b + 8, 8, s.f_blocks);
    user_put_uint(be, b + 16, 8, s.f_bfree);
    user_put_uint(be, b + 24, 8, s.f_bavail);
    user_put_uint(be, b + 32, 8, s.f_files);
    user_put_uint(be, b + 40, 8, s.f_ffree);
    put32(p, b + 48, (uint32_t)fsid[0]);
    put32(p, b + 52, (uint32_t)fsid[1]);
    put32(p, b + 56, (uint32_t)s.f_namelen);
    put32(p, b + 60, (uint32_t)s.f_frsize);
    put32(p, b + 64, (uint32_t)s.f_flags);
    return user_copy_to(&p->mem, a[2], b, a[1]) < 0 ? -EFAULT : 0;
}

static int64_t sys_statfs64(UserProc *p, const uint64_t a[6])
{
    return statfs64_common(p, a, false);
}

static int64_t sys_fstatfs64(UserProc *p, const uint64_t a[6])
{
    return statfs64_common(p, a, true);
}

static int64_t sys_wait4(UserProc *p, const uint64_t a[6])
{
    int status = 0;
    struct rusage ru;
    int64_t r = user_safe_syscall6(p, SYS_wait4, (pid_t)a[0], a[1] ? &status : NULL, (int)a[2],
                                   a[3] ? &ru : NULL, 0, 0);
    if (r > 0) {
        if (a[1] && user_write_uint(p, a[1], 4, (uint32_t)status) < 0) {
            return -EFAULT;
        }
        if (a[3] && user32_put_rusage(p, a[3], &ru) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

static int64_t sys_getrusage(UserProc *p, const uint64_t a[6])
{
    struct rusage ru;
    if (getrusage((int)a[0], &ru) < 0) {
        return user_errno();
    }
    return user32_put_rusage(p, a[1], &ru);
}

/* ugetrlimit / setrlimit: struct rlimit of two 32-bit longs, ~0 = RLIM_INFINITY. */
static uint32_t rlim32(rlim_t v)
{
    return v >= 0xffffffffu ? 0xffffffffu : (uint32_t)v;
}

static rlim_t rlim_from32(uint32_t v)
{
    return v == 0xffffffffu ? RLIM_INFINITY : v;
}

static int64_t sys_getrlimit(UserProc *p, const uint64_t a[6])
{
    struct rlimit rl;
    if (getrlimit((int)a[0], &rl) < 0) {
        return user_errno();
    }
    uint8_t b[8];
    put32(p, b, rlim32(rl.rlim_cur));
    put32(p, b + 4, rlim32(rl.rlim_max));
    return user_copy_to(&p->mem, a[1], b, 8) < 0 ? -EFAULT : 0;
}

static int64_t sys_setrlimit(UserProc *p, const uint64_t a[6])
{
    uint8_t b[8];
    if (user_copy_from(&p->mem, b, a[1], 8) < 0) {
        return -EFAULT;
    }
    struct rlimit rl = { rlim_from32(get32(p, b)), rlim_from32(get32(p, b + 4)) };
    return user_ret(setrlimit((int)a[0], &rl));
}

/* --- pselect6: fd_set of 32-bit longs --- */

/*
 * pselect6(n, in, out, ex, timeout, {sigmask, size}): fd_set is an array of 32-bit guest
 * longs; the host's are 64-bit little-endian, which puts the same bits in 32-bit
 * little-endian groups, so each word is taken in guest byte order (a no-op on i386).
 */
static int64_t pselect_common(UserProc *p, const uint64_t a[6], bool t64)
{
    int n = (int)a[0];
    if (n < 0 || n > (1 << 20)) {
        return -EINVAL;
    }
    size_t gbytes = ((size_t)n + 31) / 32 * 4, hbytes = ((size_t)n + 63) / 64 * 8;
    uint8_t *sets[3] = { NULL, NULL, NULL };
    int64_t r = 0;
    for (int i = 0; i < 3; i++) {
        if (!a[1 + i]) {
            continue;
        }
        sets[i] = g_malloc0(hbytes + 8);
        if (user_copy_from(&p->mem, sets[i], a[1 + i], gbytes) < 0) {
            r = -EFAULT;
            goto out;
        }
        for (size_t j = 0; j < gbytes; j += 4) {
            uint32_t w = get32(p, sets[i] + j);
            memcpy(sets[i] + j, &w, 4);
        }
    }
    struct timespec ts;
    if (a[4] && user32_get_ts(p, a[4], t64, &ts) < 0) {
        r = -EFAULT;
        goto out;
    }
    bool with_mask = false;
    if (a[5]) {
        uint8_t b[8];
        if (user_copy_from(&p->mem, b, a[5], 8) < 0) {
            r = -EFAULT;
            goto out;
        }
        if (get32(p, b)) {
            uint64_t mask;
            if (get32(p, b + 4) != 8) {
                r = -EINVAL;
                goto out;
            }
            if (user_read_sigset(p, get32(p, b), &mask) < 0) {
                r = -EFAULT;
                goto out;
            }
            user_signal_temp_mask(p, mask);
            with_mask = true;
        }
    }
    r = user_safe_syscall6(p, SYS_pselect6, n, sets[0], sets[1], sets[2], a[4] ? &ts : NULL, NULL);
    if (with_mask) {
        user_signal_temp_mask_done(p);
    }
    if (r >= 0) {
        for (int i = 0; i < 3; i++) {
            if (!sets[i]) {
                continue;
            }
            for (size_t j = 0; j < gbytes; j += 4) {
                uint32_t w;
                memcpy(&w, sets[i] + j, 4);
                put32(p, sets[i] + j, w);
            }
            if (user_copy_to(&p->mem, a[1 + i], sets[i], gbytes) < 0) {
                r = -EFAULT;
                goto out;
            }
        }
    }
    if (a[4] && (r >= 0 || r == -EINTR)) {
        user32_put_ts(p, a[4], t64, &ts);
    }
out:
    for (int i = 0; i < 3; i++) {
        g_free(sets[i]);
    }
    return r;
}

static int64_t sys_pselect6(UserProc *p, const uint64_t a[6])
{
    return pselect_common(p, a, false);
}

static int64_t sys_pselect6_time64(UserProc *p, const uint64_t a[6])
{
    return pselect_common(p, a, true);
}

/* --- Socket options holding a time --- */

/*
 * setsockopt/getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO or SO_SNDTIMEO (host_opt), val, len)
 * for a guest's old_timeval32 (t64 false: SO_*TIMEO_OLD) or its __kernel_sock_timeval
 * (t64: SO_*TIMEO_NEW, two s64), in guest byte order; the host takes its own timeval.
 */
int64_t user32_sockopt_timeval(UserProc *p, const uint64_t a[6], bool set, bool t64, int host_opt)
{
    bool be = user_guest_be(p);
    unsigned half = t64 ? 8 : 4;
    uint8_t g[16];
    struct timeval tv;
    if (set) {
        if ((uint32_t)a[4] < 2 * half) {
            return -EINVAL;
        }
        if (user_copy_from(&p->mem, g, a[3], 2 * half) < 0) {
            return -EFAULT;
        }
        tv.tv_sec = half == 8 ? (int64_t)user_get_uint(be, g, 8) : (int32_t)user_get_uint(be, g, 4);
        tv.tv_usec = half == 8 ? (int64_t)user_get_uint(be, g + 8, 8) : (int32_t)user_get_uint(be, g + 4, 4);
        return user_ret(syscall(SYS_setsockopt, (int)a[0], SOL_SOCKET, host_opt, &tv, sizeof(tv)));
    }
    uint64_t room;
    if (user_read_uint(p, a[4], 4, &room) < 0) {
        return -EFAULT;
    }
    socklen_t len = sizeof(tv);
    if (syscall(SYS_getsockopt, (int)a[0], SOL_SOCKET, host_opt, &tv, &len) < 0) {
        return user_errno();
    }
    user_put_uint(be, g, half, (uint64_t)tv.tv_sec);
    user_put_uint(be, g + half, half, (uint64_t)tv.tv_usec);
    uint32_t n = MIN((uint32_t)room, 2 * half);     /* the kernel truncates to the room given */
    if (user_copy_to(&p->mem, a[3], g, n) < 0) {
        return -EFAULT;
    }
    return user_write_uint(p, a[4], 4, n);
}

/* --- Signals (siginfo in, timed waits) and process attributes --- */

/*
 * rt_sigqueueinfo(tgid, sig, info) and rt_tgsigqueueinfo(tgid, tid, sig, info): the guest
 * siginfo back into the host layout -- signo, errno, code and the first three ints of the
 * union (pid, uid, sigval), the inverse of user_siginfo_from_host().
 */
static int get_host_siginfo(UserProc *p, GuestAddr addr, siginfo_t *si)
{
    uint8_t g[128];
    uint8_t *h = (uint8_t *)si;
    if (user_copy_from(&p->mem, g, addr, sizeof(g)) < 0) {
        return -EFAULT;
    }
    memset(si, 0, sizeof(*si));
    for (int i = 0; i < 3; i++) {
        uint32_t v = get32(p, g + 4 * i);
        memcpy(h + 4 * i, &v, 4);
        v = get32(p, g + 12 + 4 * i);
        memcpy(h + 16 + 4 * i, &v, 4);
    }
    return 0;
}

static int64_t sys_rt_sigqueueinfo(UserProc *p, const uint64_t a[6])
{
    siginfo_t si;
    if (get_host_siginfo(p, a[2], &si) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_rt_sigqueueinfo, (pid_t)a[0], (int)a[1], &si));
}

static int64_t sys_rt_tgsigqueueinfo(UserProc *p, const uint64_t a[6])
{
    siginfo_t si;
    if (get_host_siginfo(p, a[3], &si) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_rt_tgsigqueueinfo, (pid_t)a[0], (pid_t)a[1], (int)a[2], &si));
}

/* rt_sigtimedwait with an old_timespec32 or (rt_sigtimedwait_time64) a 64-bit one. */
static int64_t sigtimedwait_common(UserProc *p, const uint64_t a[6], bool t64)
{
    struct timespec ts;
    if (a[2] && user32_get_ts(p, a[2], t64, &ts) < 0) {
        return -EFAULT;
    }
    return user_sigtimedwait(p, a, a[2] ? &ts : NULL);
}

static int64_t sys_rt_sigtimedwait(UserProc *p, const uint64_t a[6])
{
    return sigtimedwait_common(p, a, false);
}

static int64_t sys_rt_sigtimedwait_time64(UserProc *p, const uint64_t a[6])
{
    return sigtimedwait_common(p, a, true);
}

/* futex and futex_time64: the timeout of a waiting operation in its 32- or 64-bit form. */
static int64_t futex_common(UserProc *p, const uint64_t a[6], bool t64)
{
    struct timespec ts;
    bool timed = a[3] && user_futex_waits((int)a[1]);
    if (timed && user32_get_ts(p, a[3], t64, &ts) < 0) {
        return -EFAULT;
    }
    return user_futex(p, a, timed ? &ts : NULL);
}

static int64_t sys_futex(UserProc *p, const uint64_t a[6])
{
    return futex_common(p, a, false);
}

static int64_t sys_futex_time64(UserProc *p, const uint64_t a[6])
{
    return futex_common(p, a, true);
}

/* sched_getaffinity(pid, len, mask): unsigned long words, 32-bit big-endian here. */
static int64_t sys_sched_getaffinity(UserProc *p, const uint64_t a[6])
{
    uint64_t len = (uint32_t)a[1];
    if (len > 1u << 16 || (len & 3)) {
        return -EINVAL;
    }
    g_autofree uint8_t *b = g_malloc0(len + 8);
    /* The host wants a multiple of 8 bytes; the kernel returns the bytes it wrote. */
    long r = syscall(SYS_sched_getaffinity, (pid_t)a[0], (len + 7) & ~(uint64_t)7, b);
    if (r < 0) {
        return user_errno();
    }
    uint64_t n = MIN((uint64_t)r, len);
    for (uint64_t i = 0; i + 4 <= n; i += 4) {
        uint32_t w;
        memcpy(&w, b + i, 4);
        put32(p, b + i, w);
    }
    if (user_copy_to(&p->mem, a[2], b, n) < 0) {
        return -EFAULT;
    }
    return (int64_t)n;
}

static int64_t sys_getgroups(UserProc *p, const uint64_t a[6])
{
    int n = (int)a[0];
    if (n < 0 || n > 65536) {
        return -EINVAL;
    }
    g_autofree gid_t *g = g_new0(gid_t, n + 1);
    int r = getgroups(n, g);
    if (r < 0) {
        return user_errno();
    }
    for (int i = 0; n && i < r; i++) {
        if (user_write_uint(p, a[1] + 4 * i, 4, g[i]) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

const UserSyscallRow user32_rows[] = {
    { USER_NR_pselect6, sys_pselect6, .flags = USER_SYS_BLOCKING },
    { USER_NR_pselect6_time64, sys_pselect6_time64, .flags = USER_SYS_BLOCKING },
    { USER_NR_rt_sigtimedwait, sys_rt_sigtimedwait, .flags = USER_SYS_RESTART },
    { USER_NR_rt_sigtimedwait_time64, sys_rt_sigtimedwait_time64, .flags = USER_SYS_RESTART },
    { USER_NR_rt_sigqueueinfo, sys_rt_sigqueueinfo },
    { USER_NR_rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo },
    { USER_NR_sched_getaffinity, sys_sched_getaffinity },
    { USER_NR_getgroups, sys_getgroups },
    { USER_NR_clock_gettime, sys_clock_gettime },
    { USER_NR_clock_gettime64, sys_clock_gettime64 },
    { USER_NR_clock_getres, sys_clock_getres },
    { USER_NR_clock_getres_time64, sys_clock_getres_time64 },
    { USER_NR_clock_nanosleep, sys_clock_nanosleep, .flags = USER_SYS_BLOCKING },
    { USER_NR_clock_nanosleep_time64, sys_clock_nanosleep_time64, .flags = USER_SYS_BLOCKING },
    { USER_NR_nanosleep, sys_nanosleep, .flags = USER_SYS_BLOCKING },
    { USER_NR_gettimeofday, sys_gettimeofday },
    { USER_NR_getitimer, sys_getitimer },
    { USER_NR_setitimer, sys_setitimer },
    { USER_NR_utimensat, sys_utimensat },
    { USER_NR_utimensat_time64, sys_utimensat_time64 },
    { USER_NR_times, sys_times },
    { USER_NR_sysinfo, sys_sysinfo },
    { USER_NR_wait4, sys_wait4, .flags = USER_SYS_RESTART },
    { USER_NR_getrusage, sys_getrusage },
    { USER_NR_getrlimit, sys_getrlimit },
    { USER_NR_setrlimit, sys_setrlimit },

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
    { USER_NR_futex, sys_futex, .flags = USER_SYS_RESTART },
    { USER_NR_statfs, sys_statfs64 },
    { USER_NR_fstatfs, sys_fstatfs64 },
    { USER_NR_futex_time64, sys_futex_time64, .flags = USER_SYS_RESTART },
    { -1 },
};
