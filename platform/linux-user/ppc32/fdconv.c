/*
 * Descriptors whose read()/write() data are integers in the kernel's byte order: the
 * eventfd and timerfd counters (a u64 per read or write), inotify events (four
 * 32-bit fields before each name) and signalfd records (struct signalfd_siginfo).  A ppc kernel hands them over big-endian; the host
 * gives them little-endian.  The kind of each such descriptor is noted when it is
 * created and its data converted in read() and write(); close, dup, dup2/dup3 and
 * fcntl(F_DUPFD) keep the table true.  (timerfd_settime/gettime are user_compat32.c's.)
 *
 * Not covered: readv/writev and sendfile on such descriptors, and descriptors passed in
 * from another process (SCM_RIGHTS) -- all unusual for these kinds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/ppc32/ppc_user.h"

typedef enum FdKind {
    FD_PLAIN = 0,
    FD_COUNTER,                 /* eventfd, timerfd: u64 values */
    FD_INOTIFY,                 /* struct inotify_event records */
    FD_SIGNALFD,                /* struct signalfd_siginfo records (128 bytes) */
} FdKind;

#define FD_TABLE_SIZE 65536     /* descriptors above this are never converted */
static uint8_t fd_kind[FD_TABLE_SIZE];

static FdKind kind_of(int64_t fd)
{
    return fd >= 0 && fd < FD_TABLE_SIZE ? __atomic_load_n(&fd_kind[fd], __ATOMIC_RELAXED) : FD_PLAIN;
}

static void set_kind(int64_t fd, FdKind k)
{
    if (fd >= 0 && fd < FD_TABLE_SIZE) {
        __atomic_store_n(&fd_kind[fd], (uint8_t)k, __ATOMIC_RELAXED);
    }
}

void ppc_fd_dup_kind(int64_t oldfd, int64_t newfd)
{
    if (newfd >= 0) {
        set_kind(newfd, kind_of(oldfd));
    }
}

/* struct signalfd_siginfo (include/uapi/linux/signalfd.h): twelve 32-bit fields, four
 * 64-bit ones, ssi_addr_lsb and a pad (16-bit), ssi_syscall (32), ssi_call_addr (64),
 * ssi_arch (32), then padding to 128 bytes.  Sizes of the fields in order: */
static const uint8_t signalfd_fields[] = { 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8, 8, 8, 2, 2, 4, 8, 4 };

static void swap_signalfd(uint8_t *rec)
{
    size_t off = 0;
    for (size_t i = 0; i < sizeof(signalfd_fields); i++) {
        unsigned size = signalfd_fields[i];
        user_put_uint(true, rec + off, size, user_get_uint(false, rec + off, size));
        off += size;
    }
}

/* Host <-> guest order of a read's or write's data, in place (n bytes). */
static void convert(FdKind k, uint8_t *buf, size_t n)
{
    if (k == FD_COUNTER) {
        for (size_t off = 0; off + 8 <= n; off += 8) {
            uint64_t v;
            memcpy(&v, buf + off, 8);
            v = GUINT64_SWAP_LE_BE(v);
            memcpy(buf + off, &v, 8);
        }
    } else if (k == FD_INOTIFY) {
        /* wd, mask, cookie, len; then len bytes of name.  Only whole records arrive. */
        for (size_t off = 0; off + 16 <= n;) {
            uint32_t len;
            memcpy(&len, buf + off + 12, 4);
            for (int i = 0; i < 4; i++) {
                uint32_t v;
                memcpy(&v, buf + off + 4 * i, 4);
                v = GUINT32_SWAP_LE_BE(v);
                memcpy(buf + off + 4 * i, &v, 4);
            }
            off += 16 + (size_t)len;
        }
    } else if (k == FD_SIGNALFD) {
        for (size_t off = 0; off + 128 <= n; off += 128) {
            swap_signalfd(buf + off);
        }
    }
}

static int64_t sys_read(UserProc *p, const uint64_t a[6])
{
    void *buf;
    if (user_arg_wbuf(p, a[1], a[2], &buf) < 0) {
        return -EFAULT;
    }
    int64_t r = user_safe_syscall3(p, SYS_read, (int)a[0], buf, (size_t)a[2]);
    FdKind k = kind_of((int)a[0]);
    if (r > 0 && k != FD_PLAIN) {
        convert(k, buf, (size_t)r);
    }
    return r;
}

static int64_t sys_write(UserProc *p, const uint64_t a[6])
{
    void *buf;
    if (user_arg_ptr(p, a[1], a[2], &buf) < 0) {
        return -EFAULT;
    }
    FdKind k = kind_of((int)a[0]);
    if (k != FD_COUNTER || a[2] < 8) {
        return user_safe_syscall3(p, SYS_write, (int)a[0], buf, (size_t)a[2]);
    }
    /* eventfd takes exactly one u64; the guest's buffer is not ours to convert in place. */
    uint64_t v;
    memcpy(&v, buf, 8);
    v = GUINT64_SWAP_LE_BE(v);
    return user_safe_syscall3(p, SYS_write, (int)a[0], &v, (size_t)a[2] < 8 ? (size_t)a[2] : 8);
}

static int64_t sys_close(UserProc *p, const uint64_t a[6])
{
    (void)p;
    int64_t r = user_ret(syscall(SYS_close, (int)a[0]));
    /* Linux frees the number even when close reports an error (other than EBADF). */
    if (r != -EBADF) {
        set_kind((int)a[0], FD_PLAIN);
    }
    return r;
}

static int64_t sys_dup(UserProc *p, const uint64_t a[6])
{
    (void)p;
    int64_t r = user_ret(syscall(SYS_dup, (int)a[0]));
    ppc_fd_dup_kind((int)a[0], r);
    return r;
}

static int64_t sys_dup3(UserProc *p, const uint64_t a[6])
{
    (void)p;
    int64_t r = user_ret(syscall(SYS_dup3, (int)a[0], (int)a[1], (int)ppc_open_flags_to_host((uint32_t)a[2])));
    ppc_fd_dup_kind((int)a[0], r);
    return r;
}

static int64_t made(int64_t fd, FdKind k)
{
    set_kind(fd, k);
    return fd;
}

static int64_t sys_eventfd2(UserProc *p, const uint64_t a[6])
{
    (void)p;
    return made(user_ret(syscall(SYS_eventfd2, (unsigned)a[0], (int)ppc_open_flags_to_host((uint32_t)a[1]))),
                FD_COUNTER);
}

/* signalfd4(fd, mask, sizemask, flags): the mask is a guest sigset; fd -1 makes a new one. */
static int64_t sys_signalfd4(UserProc *p, const uint64_t a[6])
{
    uint64_t mask;
    if ((uint32_t)a[2] != 8) {
        return -EINVAL;
    }
    if (user_read_sigset(p, a[1], &mask) < 0) {
        return -EFAULT;
    }
    int64_t r = user_ret(syscall(SYS_signalfd4, (int)a[0], &mask, (size_t)8,
                                 (int)ppc_open_flags_to_host((uint32_t)a[3])));
    return (int32_t)a[0] == -1 ? made(r, FD_SIGNALFD) : r;
}

static int64_t sys_timerfd_create(UserProc *p, const uint64_t a[6])
{
    (void)p;
    return made(user_ret(syscall(SYS_timerfd_create, (int)a[0], (int)ppc_open_flags_to_host((uint32_t)a[1]))),
                FD_COUNTER);
}

static int64_t sys_inotify_init1(UserProc *p, const uint64_t a[6])
{
    (void)p;
    return made(user_ret(syscall(SYS_inotify_init1, (int)ppc_open_flags_to_host((uint32_t)a[0]))),
                FD_INOTIFY);
}

const UserSyscallRow ppc_fd_rows[] = {
    { USER_NR_read, sys_read, .flags = USER_SYS_RESTART },
    { USER_NR_write, sys_write, .flags = USER_SYS_RESTART },
    { USER_NR_close, sys_close },
    { USER_NR_dup, sys_dup },
    { USER_NR_dup3, sys_dup3 },
    { USER_NR_eventfd2, sys_eventfd2 },
    { USER_NR_timerfd_create, sys_timerfd_create },
    { USER_NR_inotify_init1, sys_inotify_init1 },
    { USER_NR_signalfd4, sys_signalfd4 },
    { -1 },
};
