/*
 * poll(fds, nfds, timeout_ms): both x86 ABIs still have it and glibc calls it
 * directly when it exists (sysdeps/unix/sysv/linux/poll.c).  struct pollfd has the
 * same layout everywhere, so the host's poll does it through user_safe_syscall.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/syscall.h>

#include "platform/linux-user/x86/x86_user.h"

int64_t x86_sys_poll(UserProc *p, const uint64_t a[6])
{
    void *fds;
    uint32_t n = (uint32_t)a[1];
    if (n > (1u << 20)) {
        return -EINVAL;
    }
    if (user_arg_wbuf(p, a[0], (uint64_t)n * sizeof(struct pollfd), &fds) < 0) {
        return -EFAULT;
    }
    return user_safe_syscall6(p, SYS_poll, fds, n, (int)(int32_t)a[2], 0, 0, 0);
}
