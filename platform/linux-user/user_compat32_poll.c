/*
 * poll and ppoll for the 32-bit ABIs (ppc32, i386): struct pollfd {int fd; short events;
 * short revents} in the guest's byte order, ppoll's timeout as old_timespec32 (ppoll) or
 * __kernel_timespec (ppoll_time64), the time left written back as the kernel does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/syscall.h>
#include <time.h>

#include "platform/linux-user/user_internal.h"

#define POLLFD_SIZE 8

/* ts: the host timeout (NULL: none), updated to the time left; with_mask: a[3], a[4] are a sigset. */
static int64_t poll_core(UserProc *p, const uint64_t a[6], struct timespec *ts, bool with_mask)
{
    bool be = user_guest_be(p);
    uint64_t n = (uint32_t)a[1];
    if (n > 1u << 20) {
        return -EINVAL;
    }
    g_autofree uint8_t *g = g_try_malloc(n * POLLFD_SIZE + 1);
    g_autofree struct pollfd *fds = g_try_new(struct pollfd, n + 1);
    if (!g || !fds) {
        return -ENOMEM;
    }
    if (n && user_copy_from(&p->mem, g, a[0], n * POLLFD_SIZE) < 0) {
        return -EFAULT;
    }
    for (uint64_t i = 0; i < n; i++) {
        fds[i].fd = (int)user_get_uint(be, g + POLLFD_SIZE * i, 4);
        fds[i].events = (short)user_get_uint(be, g + POLLFD_SIZE * i + 4, 2);
        fds[i].revents = 0;
    }
    if (with_mask) {
        uint64_t mask;
        if (a[4] != 8) {
            return -EINVAL;
        }
        if (user_read_sigset(p, a[3], &mask) < 0) {
            return -EFAULT;
        }
        user_signal_temp_mask(p, mask);
    }
    int64_t r = user_safe_syscall6(p, SYS_ppoll, fds, n, ts, NULL, 8, 0);
    if (with_mask) {
        user_signal_temp_mask_done(p);
    }
    if (r >= 0) {
        for (uint64_t i = 0; i < n; i++) {
            user_put_uint(be, g + POLLFD_SIZE * i + 6, 2, (uint16_t)fds[i].revents);
        }
        if (n && user_copy_to(&p->mem, a[0], g, n * POLLFD_SIZE) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

int64_t user32_poll(UserProc *p, const uint64_t a[6])
{
    int ms = (int)a[2];
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    uint64_t b[6] = { a[0], a[1], 0, 0, 0, 0 };
    return poll_core(p, b, ms < 0 ? NULL : &ts, false);
}

static int64_t ppoll_common(UserProc *p, const uint64_t a[6], bool t64)
{
    struct timespec ts;
    if (a[2] && user32_get_ts(p, a[2], t64, &ts) < 0) {
        return -EFAULT;
    }
    int64_t r = poll_core(p, a, a[2] ? &ts : NULL, a[3] != 0);
    if (a[2] && (r >= 0 || r == -EINTR)) {
        user32_put_ts(p, a[2], t64, &ts);
    }
    return r;
}

static int64_t sys_ppoll(UserProc *p, const uint64_t a[6])
{
    return ppoll_common(p, a, false);
}

static int64_t sys_ppoll_time64(UserProc *p, const uint64_t a[6])
{
    return ppoll_common(p, a, true);
}

const UserSyscallRow user32_poll_rows[] = {
    { USER_NR_ppoll, sys_ppoll, .flags = USER_SYS_BLOCKING },
    { USER_NR_ppoll_time64, sys_ppoll_time64, .flags = USER_SYS_BLOCKING },
    { -1 },
};
