/*
 * File and I/O syscalls.  Most are pass-through rows (open flags, fcntl and ioctl
 * numbers, termios, dirent64, statfs, pollfd and fd_set are identical between
 * asm-generic 64-bit guests and x86-64); the handlers here exist for what is not:
 * struct stat, epoll_event, iovec arrays (guest pointers inside), the
 * /proc/self/exe view of the guest program, and calls that take a signal mask.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

/* --- open / stat / readlink --- */

static int64_t sys_openat(UserProc *p, const uint64_t a[6])
{
    int err = 0;
    g_autofree char *path = user_arg_path(p, a[1], &err);
    if (!path) {
        return err;
    }
    int64_t fd;
    if (user_procfs_open(p, path, (int)a[2], &fd)) {
        return fd;
    }
    /* Opening a FIFO waits for the other end. */
    return user_safe_syscall6(p, SYS_openat, (int)a[0], path, (int)a[2], (mode_t)a[3], 0, 0);
}

static int64_t put_stat(UserProc *p, GuestAddr addr, const struct stat *st)
{
    uint8_t buf[256];
    g_assert(p->abi->stat_size <= sizeof(buf));
    p->abi->put_stat(buf, st);
    return user_copy_to(&p->mem, addr, buf, p->abi->stat_size) < 0 ? -EFAULT : 0;
}

static int64_t sys_fstat(UserProc *p, const uint64_t a[6])
{
    struct stat st;
    if (fstat((int)a[0], &st) < 0) {
        return user_errno();
    }
    return put_stat(p, a[1], &st);
}

static int64_t sys_newfstatat(UserProc *p, const uint64_t a[6])
{
    int err = 0;
    g_autofree char *path = user_arg_path(p, a[1], &err);
    if (!path) {
        return err;
    }
    struct stat st;
    if (fstatat((int)a[0], path, &st, (int)a[3]) < 0) {
        return user_errno();
    }
    return put_stat(p, a[2], &st);
}

static int64_t sys_readlinkat(UserProc *p, const uint64_t a[6])
{
    int err = 0;
    g_autofree char *gpath = user_strdup(&p->mem, a[1], PATH_MAX, &err);
    if (!gpath) {
        return err;
    }
    void *buf;
    if ((int64_t)a[3] <= 0) {
        return -EINVAL;
    }
    if (user_arg_wbuf(p, a[2], a[3], &buf) < 0 || !buf) {
        return -EFAULT;
    }
    if (user_path_is_proc_self_exe(gpath) && p->exe_path) {
        size_t n = MIN(strlen(p->exe_path), (size_t)a[3]);
        if (user_copy_to(&p->mem, a[2], p->exe_path, n) < 0) {
            return -EFAULT;
        }
        return n;
    }
    g_autofree char *path = user_path_redirect(p->sysroot, gpath);
    return user_ret(readlinkat((int)a[0], path, buf, a[3]));
}

/* --- Vectored I/O: iovec holds guest pointers --- */

static int64_t get_iovec(UserProc *p, GuestAddr addr, uint64_t cnt, bool kernel_writes,
                         struct iovec **out)
{
    if (cnt > IOV_MAX) {
        return -EINVAL;
    }
    unsigned w = p->abi->word_size;
    struct iovec *iov = g_new0(struct iovec, cnt ? cnt : 1);
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t base = 0, len = 0;
        /* struct iovec: two guest words in guest byte order. */
        if (user_read_uint(p, addr + 2 * w * i, w, &base) < 0 ||
            user_read_uint(p, addr + 2 * w * i + w, w, &len) < 0) {
            g_free(iov);
            return -EFAULT;
        }
        void *h;
        int r = kernel_writes ? user_arg_wbuf(p, base, len, &h) : user_arg_ptr(p, base, len, &h);
        if (r < 0) {
            g_free(iov);
            return r;
        }
        iov[i].iov_base = h;
        iov[i].iov_len = len;
    }
    *out = iov;
    return 0;
}

static int64_t vec_io(UserProc *p, const uint64_t a[6], long host_nr, bool kernel_writes,
                      int nargs)
{
    struct iovec *iov;
    int64_t r = get_iovec(p, a[1], a[2], kernel_writes, &iov);
    if (r < 0) {
        return r;
    }
    if (nargs == 3) {
        r = user_safe_syscall3(p, host_nr, (int)a[0], iov, (int)a[2]);
    } else {
        /* preadv/pwritev(2): the offset is one 64-bit argument, then flags. */
        r = user_safe_syscall6(p, host_nr, (int)a[0], iov, (int)a[2], a[3], a[4], (int)a[5]);
    }
    g_free(iov);
    return r;
}

static int64_t sys_readv(UserProc *p, const uint64_t a[6])
{
    return vec_io(p, a, SYS_readv, true, 3);
}

static int64_t sys_writev(UserProc *p, const uint64_t a[6])
{
    return vec_io(p, a, SYS_writev, false, 3);
}

/*
 * The kernel's preadv(fd, vec, vlen, pos_l, pos_h): on 64-bit guests pos_l is the
 * whole offset and pos_h is ignored; x86-64 works the same way.
 */
static int64_t sys_preadv(UserProc *p, const uint64_t a[6])
{
    return vec_io(p, a, SYS_preadv, true, 5);
}

static int64_t sys_pwritev(UserProc *p, const uint64_t a[6])
{
    return vec_io(p, a, SYS_pwritev, false, 5);
}

static int64_t sys_preadv2(UserProc *p, const uint64_t a[6])
{
    return vec_io(p, a, SYS_preadv2, true, 6);
}

static int64_t sys_pwritev2(UserProc *p, const uint64_t a[6])
{
    return vec_io(p, a, SYS_pwritev2, false, 6);
}

/* --- fcntl, ioctl --- */

static int64_t sys_fcntl(UserProc *p, const uint64_t a[6])
{
    int cmd = (int)a[1];
    switch (cmd) {
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
    case F_GETOWN_EX:
    case F_SETOWN_EX: {
        /* struct flock and f_owner_ex have the same layout; the kernel copies them. */
        void *h;
        if (user_arg_wbuf(p, a[2], 32, &h) < 0) {
            return -EFAULT;
        }
        if (cmd == F_SETLKW || cmd == F_OFD_SETLKW) {
            return user_safe_syscall3(p, SYS_fcntl, (int)a[0], cmd, h);    /* waits for the lock */
        }
        return user_ret(syscall(SYS_fcntl, (int)a[0], cmd, h));
    }
    default:
        return user_ret(syscall(SYS_fcntl, (int)a[0], cmd, (long)a[2]));
    }
}

int64_t user_sys_ioctl(UserProc *p, const uint64_t a[6])
{
    unsigned long req = a[1];
    size_t size;
    switch (req) {
    case TCGETS:
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        size = 36;      /* kernel struct termios: 4 flags, c_line, c_cc[19] */
        break;
    case TIOCGWINSZ:
    case TIOCSWINSZ:
        size = sizeof(struct winsize);
        break;
    case FIONREAD:
    case TIOCOUTQ:
    case TIOCGPGRP:
    case TIOCSPGRP:
    case TIOCGSID:
    case FIONBIO:
    case FIOASYNC:
    case TIOCGPTN:
    case TIOCSPTLCK:
    case TIOCMGET:
    case TIOCMSET:
        size = sizeof(int);
        break;
    case FIOCLEX:
    case FIONCLEX:
    case TIOCNOTTY:
    case TIOCSCTTY:
    case TCFLSH:
    case TCXONC:
    case TCSBRK:
    case TCSBRKP:
        /* Integer or no argument. */
        return user_ret(syscall(SYS_ioctl, (int)a[0], req, (long)a[2]));
    default:
        /* What Linux answers for a request the file does not know. */
        return -ENOTTY;
    }
    void *h;
    if (!a[2]) {
        return -EFAULT;
    }
    if (user_arg_wbuf(p, a[2], size, &h) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_ioctl, (int)a[0], req, h));
}

/* --- Waiting with a signal mask --- */

static int64_t read_sigmask(UserProc *p, GuestAddr addr, uint64_t size, uint64_t *mask)
{
    if (size != 8) {
        return -EINVAL;
    }
    return user_copy_from(&p->mem, mask, addr, 8) < 0 ? -EFAULT : 0;
}

static int64_t sys_ppoll(UserProc *p, const uint64_t a[6])
{
    void *fds, *ts;
    if (a[1] > 1u << 20) {
        return -EINVAL;
    }
    if (user_arg_wbuf(p, a[0], a[1] * sizeof(struct pollfd), &fds) < 0 ||
        user_arg_wbuf(p, a[2], 16, &ts) < 0) {
        return -EFAULT;
    }
    uint64_t mask;
    bool with_mask = a[3] != 0;
    if (with_mask) {
        int64_t r = read_sigmask(p, a[3], a[4], &mask);
        if (r < 0) {
            return r;
        }
        user_signal_temp_mask(p, mask);
    }
    int64_t r = user_safe_syscall6(p, SYS_ppoll, fds, a[1], ts, NULL, 8, 0);
    if (with_mask) {
        user_signal_temp_mask_done(p);
    }
    return r;
}

static int64_t sys_pselect6(UserProc *p, const uint64_t a[6])
{
    void *sets[3], *ts;
    int n = (int)a[0];
    if (n < 0) {
        return -EINVAL;
    }
    size_t setsize = ((size_t)MIN(n, 1 << 20) + 63) / 64 * 8;
    for (int i = 0; i < 3; i++) {
        if (user_arg_wbuf(p, a[1 + i], setsize, &sets[i]) < 0) {
            return -EFAULT;
        }
    }
    if (user_arg_wbuf(p, a[4], 16, &ts) < 0) {
        return -EFAULT;
    }
    bool with_mask = false;
    if (a[5]) {
        /* struct { const sigset_t *ss; size_t ss_len; } */
        uint64_t pair[2];
        if (user_copy_from(&p->mem, pair, a[5], sizeof(pair)) < 0) {
            return -EFAULT;
        }
        if (pair[0]) {
            uint64_t mask;
            int64_t r = read_sigmask(p, pair[0], pair[1], &mask);
            if (r < 0) {
                return r;
            }
            user_signal_temp_mask(p, mask);
            with_mask = true;
        }
    }
    int64_t r = user_safe_syscall6(p, SYS_pselect6, n, sets[0], sets[1], sets[2], ts, NULL);
    if (with_mask) {
        user_signal_temp_mask_done(p);
    }
    return r;
}

/*
 * --- epoll: struct epoll_event {u32 events; u64 data} is packed on x86-64 (12 bytes),
 * 16 bytes elsewhere, in guest byte order ---
 */

static void get_epoll_event(const UserProc *p, const uint8_t *g, struct epoll_event *ev)
{
    bool be = user_guest_be(p);
    ev->events = (uint32_t)user_get_uint(be, g, 4);
    ev->data.u64 = user_get_uint(be, g + (p->abi->epoll_packed ? 4 : 8), 8);
}

static void put_epoll_event(const UserProc *p, uint8_t *g, const struct epoll_event *ev)
{
    bool be = user_guest_be(p);
    user_put_uint(be, g, 4, ev->events);
    user_put_uint(be, g + (p->abi->epoll_packed ? 4 : 8), 8, ev->data.u64);
}

static int64_t sys_epoll_ctl(UserProc *p, const uint64_t a[6])
{
    struct epoll_event ev;
    struct epoll_event *evp = NULL;
    if (a[3]) {
        uint8_t g[16];
        if (user_copy_from(&p->mem, g, a[3], p->abi->epoll_packed ? 12 : 16) < 0) {
            return -EFAULT;
        }
        get_epoll_event(p, g, &ev);
        evp = &ev;
    }
    return user_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], evp));
}

static int64_t sys_epoll_pwait(UserProc *p, const uint64_t a[6])
{
    int maxevents = (int)a[2];
    if (maxevents <= 0 || maxevents > (1 << 20)) {
        return -EINVAL;
    }
    size_t gsize = p->abi->epoll_packed ? 12 : 16;
    if (!user_mem_check(&p->mem, a[1], (uint64_t)maxevents * gsize, PROT_WRITE)) {
        return -EFAULT;
    }
    struct epoll_event *ev = g_try_malloc_n(maxevents, sizeof(struct epoll_event));
    if (!ev) {
        return -ENOMEM;
    }
    bool with_mask = false;
    if (a[4]) {
        uint64_t mask;
        if (a[5] != 8) {
            g_free(ev);
            return -EINVAL;
        }
        if (user_read_sigset(p, a[4], &mask) < 0) {
            g_free(ev);
            return -EFAULT;
        }
        user_signal_temp_mask(p, mask);
        with_mask = true;
    }
    int64_t r = user_safe_syscall6(p, SYS_epoll_pwait, (int)a[0], ev, maxevents, (int)a[3],
                                   NULL, 8);
    if (with_mask) {
        user_signal_temp_mask_done(p);
    }
    for (int64_t i = 0; i < r; i++) {
        uint8_t g[16] = { 0 };
        put_epoll_event(p, g, &ev[i]);
        user_copy_to(&p->mem, a[1] + i * gsize, g, gsize);
    }
    g_free(ev);
    return r;
}

const UserSyscallRow user_sys_file_rows[] = {
    { USER_NR_read, NULL, SYS_read, "iwi", USER_SYS_RESTART },
    { USER_NR_write, NULL, SYS_write, "iri", USER_SYS_RESTART },
    { USER_NR_openat, sys_openat, .flags = USER_SYS_RESTART },
    { USER_NR_close, NULL, SYS_close, "i" },
    { USER_NR_close_range, NULL, SYS_close_range, "iii" },
    { USER_NR_lseek, NULL, SYS_lseek, "iii" },
    { USER_NR_pread64, NULL, SYS_pread64, "iwii", USER_SYS_RESTART },
    { USER_NR_pwrite64, NULL, SYS_pwrite64, "irii", USER_SYS_RESTART },
    { USER_NR_readv, sys_readv, .flags = USER_SYS_RESTART },
    { USER_NR_writev, sys_writev, .flags = USER_SYS_RESTART },
    { USER_NR_preadv, sys_preadv, .flags = USER_SYS_RESTART },
    { USER_NR_pwritev, sys_pwritev, .flags = USER_SYS_RESTART },
    { USER_NR_preadv2, sys_preadv2, .flags = USER_SYS_RESTART },
    { USER_NR_pwritev2, sys_pwritev2, .flags = USER_SYS_RESTART },
    { USER_NR_fstat, sys_fstat },
    { USER_NR_newfstatat, sys_newfstatat },
    /* struct statx is arch-independent. */
    { USER_NR_statx, NULL, SYS_statx, "isiip", USER_SYS_LAYOUT64 },
    { USER_NR_statfs, NULL, SYS_statfs, "sp", USER_SYS_LAYOUT64 },
    { USER_NR_fstatfs, NULL, SYS_fstatfs, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_faccessat, NULL, SYS_faccessat, "isi" },
    { USER_NR_faccessat2, NULL, SYS_faccessat2, "isii" },
    { USER_NR_readlinkat, sys_readlinkat },
    { USER_NR_getcwd, NULL, SYS_getcwd, "wi" },
    { USER_NR_chdir, NULL, SYS_chdir, "s" },
    { USER_NR_fchdir, NULL, SYS_fchdir, "i" },
    { USER_NR_chroot, NULL, SYS_chroot, "s" },
    { USER_NR_mkdirat, NULL, SYS_mkdirat, "isi" },
    { USER_NR_mknodat, NULL, SYS_mknodat, "isii" },
    { USER_NR_unlinkat, NULL, SYS_unlinkat, "isi" },
    { USER_NR_renameat2, NULL, SYS_renameat2, "isisi" },
    { USER_NR_linkat, NULL, SYS_linkat, "isisi" },
    { USER_NR_symlinkat, NULL, SYS_symlinkat, "cis" },
    { USER_NR_truncate, NULL, SYS_truncate, "si" },
    { USER_NR_ftruncate, NULL, SYS_ftruncate, "ii" },
    { USER_NR_fallocate, NULL, SYS_fallocate, "iiii" },
    { USER_NR_fadvise64, NULL, SYS_fadvise64, "iiii" },
    { USER_NR_readahead, NULL, SYS_readahead, "iii" },
    { USER_NR_fsync, NULL, SYS_fsync, "i" },
    { USER_NR_fdatasync, NULL, SYS_fdatasync, "i" },
    { USER_NR_sync, NULL, SYS_sync, "" },
    { USER_NR_syncfs, NULL, SYS_syncfs, "i" },
    { USER_NR_sync_file_range, NULL, SYS_sync_file_range, "iiii" },
    { USER_NR_fchmod, NULL, SYS_fchmod, "ii" },
    { USER_NR_fchmodat, NULL, SYS_fchmodat, "isi" },
    { USER_NR_fchown, NULL, SYS_fchown, "iii" },
    { USER_NR_fchownat, NULL, SYS_fchownat, "isiii" },
    { USER_NR_utimensat, NULL, SYS_utimensat, "ispi", USER_SYS_LAYOUT64 },
    { USER_NR_umask, NULL, SYS_umask, "i" },
    { USER_NR_flock, NULL, SYS_flock, "ii", USER_SYS_RESTART },
    { USER_NR_fcntl, sys_fcntl, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_ioctl, user_sys_ioctl, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_dup, NULL, SYS_dup, "i" },
    { USER_NR_dup3, NULL, SYS_dup3, "iii" },
    { USER_NR_pipe2, NULL, SYS_pipe2, "pi", USER_SYS_LAYOUT64 },
    /* struct linux_dirent64 is arch-independent. */
    { USER_NR_getdents64, NULL, SYS_getdents64, "iwi", USER_SYS_LAYOUT64 },
    { USER_NR_sendfile, NULL, SYS_sendfile, "iipi", USER_SYS_BLOCKING | USER_SYS_LAYOUT64 },
    { USER_NR_copy_file_range, NULL, SYS_copy_file_range, "ipipii", USER_SYS_BLOCKING | USER_SYS_LAYOUT64 },
    { USER_NR_splice, NULL, SYS_splice, "ipipii", USER_SYS_BLOCKING | USER_SYS_LAYOUT64 },
    { USER_NR_tee, NULL, SYS_tee, "iiii", USER_SYS_BLOCKING },
    { USER_NR_ppoll, sys_ppoll, .flags = USER_SYS_LAYOUT64 | USER_SYS_BLOCKING },
    { USER_NR_pselect6, sys_pselect6, .flags = USER_SYS_LAYOUT64 | USER_SYS_BLOCKING },
    { USER_NR_epoll_create1, NULL, SYS_epoll_create1, "i" },
    { USER_NR_epoll_ctl, sys_epoll_ctl },
    { USER_NR_epoll_pwait, sys_epoll_pwait, .flags = USER_SYS_BLOCKING },
    { USER_NR_eventfd2, NULL, SYS_eventfd2, "ii" },
    { USER_NR_timerfd_create, NULL, SYS_timerfd_create, "ii" },
    { USER_NR_timerfd_settime, NULL, SYS_timerfd_settime, "iipp", USER_SYS_LAYOUT64 },
    { USER_NR_timerfd_gettime, NULL, SYS_timerfd_gettime, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_signalfd4, NULL, SYS_signalfd4, "ipii", USER_SYS_LAYOUT64 },
    { USER_NR_inotify_init1, NULL, SYS_inotify_init1, "i" },
    { USER_NR_inotify_add_watch, NULL, SYS_inotify_add_watch, "isi" },
    { USER_NR_inotify_rm_watch, NULL, SYS_inotify_rm_watch, "ii" },
    { USER_NR_memfd_create, NULL, SYS_memfd_create, "ci" },
    { USER_NR_getxattr, NULL, SYS_getxattr, "scwi" },
    { USER_NR_lgetxattr, NULL, SYS_lgetxattr, "scwi" },
    { USER_NR_fgetxattr, NULL, SYS_fgetxattr, "icwi" },
    { USER_NR_listxattr, NULL, SYS_listxattr, "swi" },
    { USER_NR_llistxattr, NULL, SYS_llistxattr, "swi" },
    { USER_NR_flistxattr, NULL, SYS_flistxattr, "iwi" },
    { USER_NR_setxattr, NULL, SYS_setxattr, "scrii" },
    { USER_NR_lsetxattr, NULL, SYS_lsetxattr, "scrii" },
    { USER_NR_fsetxattr, NULL, SYS_fsetxattr, "icrii" },
    { USER_NR_removexattr, NULL, SYS_removexattr, "sc" },
    { USER_NR_lremovexattr, NULL, SYS_lremovexattr, "sc" },
    { USER_NR_fremovexattr, NULL, SYS_fremovexattr, "ic" },
    { -1 },
};
