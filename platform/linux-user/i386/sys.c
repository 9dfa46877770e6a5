/*
 * i386 rows for the syscalls whose structs differ from the host's: 32-bit longs and
 * the 32-bit time_t of the calls older than their *_time64 forms.  The byte order is
 * the host's, so the *_time64 calls and those whose structs hold only ints and
 * 64-bit fields (statx, linux_dirent64, rlimit64, pollfd, sockaddr) pass through.
 * Rows are in the generic numbering (abi.c maps the i386 numbers) and replace the
 * shared rows of the same number.  Layouts: arch/x86/include/uapi/asm/ and
 * include/uapi/asm-generic/ as a 32-bit x86 port sees them (compat_* in the kernel).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "platform/linux-user/i386/i386_user.h"

/* --- Time: struct old_timespec32 {s32, s32}; clocks, sleeps and itimers are user_compat32.c's --- */

/* time(tloc): a 32-bit time_t (kernel/time/time.c, compat). */
int64_t i386_sys_time(UserProc *p, const uint64_t a[6])
{
    time_t t = time(NULL);
    if (a[0] && user_write_uint(p, a[0], 4, (uint32_t)t) < 0) {
        return -EFAULT;
    }
    return (int32_t)t;
}

/* --- Files --- */

/*
 * fcntl and fcntl64: F_GETLK/F_SETLK/F_SETLKW (5-7) take struct flock with 32-bit
 * offsets (16 bytes), the *64 forms (12-14) and the OFD locks struct flock64,
 * packed on i386 (24 bytes).  Other commands take integers.
 */
#define I386_F_GETLK64  12
#define I386_F_SETLK64  13
#define I386_F_SETLKW64 14

static int64_t sys_fcntl(UserProc *p, const uint64_t a[6])
{
    int cmd = (int)a[1], hcmd;
    bool is64;
    switch (cmd) {
    case F_GETLK: case F_SETLK: case F_SETLKW:
        hcmd = cmd;
        is64 = false;
        break;
    case I386_F_GETLK64: case I386_F_SETLK64: case I386_F_SETLKW64:
        hcmd = F_GETLK + (cmd - I386_F_GETLK64);
        is64 = true;
        break;
    case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
        hcmd = cmd;
        is64 = true;
        break;
    case F_GETOWN_EX: case F_SETOWN_EX: {
        void *h;        /* struct f_owner_ex {int, int}: the same everywhere */
        if (user_arg_wbuf(p, a[2], 8, &h) < 0) {
            return -EFAULT;
        }
        return user_ret(syscall(SYS_fcntl, (int)a[0], cmd, h));
    }
    default:
        return user_ret(syscall(SYS_fcntl, (int)a[0], cmd, (long)(uint32_t)a[2]));
    }
    uint8_t b[24];
    size_t size = is64 ? 24 : 16;
    if (user_copy_from(&p->mem, b, a[2], size) < 0) {
        return -EFAULT;
    }
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = (int16_t)x86_get16(b);
    fl.l_whence = (int16_t)x86_get16(b + 2);
    if (is64) {
        fl.l_start = (int64_t)x86_get64(b + 4);
        fl.l_len = (int64_t)x86_get64(b + 12);
        fl.l_pid = (int32_t)x86_get32(b + 20);
    } else {
        fl.l_start = (int32_t)x86_get32(b + 4);
        fl.l_len = (int32_t)x86_get32(b + 8);
        fl.l_pid = (int32_t)x86_get32(b + 12);
    }
    int64_t r;
    if (hcmd == F_SETLKW || hcmd == F_OFD_SETLKW) {
        r = user_safe_syscall3(p, SYS_fcntl, (int)a[0], hcmd, &fl);
    } else {
        r = user_ret(syscall(SYS_fcntl, (int)a[0], hcmd, &fl));
    }
    if (r < 0 || (hcmd != F_GETLK && hcmd != F_OFD_GETLK)) {
        return r;
    }
    x86_put16(b, fl.l_type);
    x86_put16(b + 2, fl.l_whence);
    if (is64) {
        x86_put64(b + 4, fl.l_start);
        x86_put64(b + 12, fl.l_len);
        x86_put32(b + 20, fl.l_pid);
    } else {
        if (fl.l_start != (int32_t)fl.l_start || fl.l_len != (int32_t)fl.l_len) {
            return -EOVERFLOW;
        }
        x86_put32(b + 4, (uint32_t)fl.l_start);
        x86_put32(b + 8, (uint32_t)fl.l_len);
        x86_put32(b + 12, fl.l_pid);
    }
    return user_copy_to(&p->mem, a[2], b, size) < 0 ? -EFAULT : r;
}

/* sendfile(out, in, off_t *off (32-bit), count): i386's 187, not the sendfile64 the map sends to the host. */
int64_t i386_sys_sendfile32(UserProc *p, const uint64_t a[6])
{
    off_t off = 0;
    uint64_t v;
    if (a[2]) {
        if (user_read_uint(p, a[2], 4, &v) < 0) {
            return -EFAULT;
        }
        off = (int32_t)v;
    }
    int64_t r = user_safe_syscall6(p, SYS_sendfile, (int)a[0], (int)a[1], a[2] ? &off : NULL,
                                   (size_t)(uint32_t)a[3], 0, 0);
    if (a[2] && r >= 0 && user_write_uint(p, a[2], 4, (uint32_t)off) < 0) {
        return -EFAULT;
    }
    return r;
}

/* --- Processes: wait4, rusage and rlimit are user_compat32.c's --- */

static int64_t sys_setgroups(UserProc *p, const uint64_t a[6])
{
    int n = (int)a[0];
    void *h;
    if (n < 0 || n > 65536) {
        return -EINVAL;
    }
    if (user_arg_ptr(p, a[1], (uint64_t)n * 4, &h) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_setgroups, n, h));
}

static int64_t sys_sched_setaffinity(UserProc *p, const uint64_t a[6])
{
    uint32_t len = (uint32_t)a[1];
    g_autofree uint8_t *mask = g_try_malloc0(len + 8);
    if (!mask) {
        return -ENOMEM;
    }
    if (user_copy_from(&p->mem, mask, a[2], len) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_sched_setaffinity, (pid_t)a[0], (size_t)((len + 7) & ~7u), mask));
}

/*
 * setsockopt/getsockopt: the option values are the host's bytes but for SO_RCVTIMEO_OLD and
 * SO_SNDTIMEO_OLD (20, 21), whose struct timeval is two 32-bit longs on i386.
 */
static int64_t sockopt(UserProc *p, const uint64_t a[6], bool set)
{
    int opt = (int)a[2];
    if ((int)a[1] == SOL_SOCKET && (opt == SO_RCVTIMEO || opt == SO_SNDTIMEO)) {
        return user32_sockopt_timeval(p, a, set, false, opt);
    }
    void *val = NULL;
    uint32_t len = (uint32_t)a[4];
    if (set) {
        if (len && user_arg_ptr(p, a[3], len, &val) < 0) {
            return -EFAULT;
        }
        return user_ret(syscall(SYS_setsockopt, (int)a[0], (int)a[1], opt, val, len));
    }
    void *lenp;
    if (user_arg_wbuf(p, a[4], 4, &lenp) < 0 || lenp == NULL) {
        return -EFAULT;
    }
    uint32_t room;
    memcpy(&room, lenp, 4);
    if (room && user_arg_wbuf(p, a[3], room, &val) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_getsockopt, (int)a[0], (int)a[1], opt, val, lenp));
}

static int64_t sys_setsockopt(UserProc *p, const uint64_t a[6])
{
    return sockopt(p, a, true);
}

static int64_t sys_getsockopt(UserProc *p, const uint64_t a[6])
{
    return sockopt(p, a, false);
}

const UserSyscallRow i386_sys_rows[] = {
    /* 64-bit time: struct __kernel_timespec is the host's timespec. */
    { USER_NR_clock_settime64, NULL, SYS_clock_settime, "ip" },
    /* Files. */
    { USER_NR_statx, NULL, SYS_statx, "isiip" },
    { USER_NR_fcntl, sys_fcntl, .flags = USER_SYS_RESTART },
    { USER_NR_ioctl, user_sys_ioctl, .flags = USER_SYS_RESTART },
    { USER_NR_pipe2, NULL, SYS_pipe2, "pi" },
    { USER_NR_getdents64, NULL, SYS_getdents64, "iwi" },
    { USER_NR_sendfile, NULL, SYS_sendfile, "iipi", USER_SYS_BLOCKING },
    { USER_NR_copy_file_range, NULL, SYS_copy_file_range, "ipipii", USER_SYS_BLOCKING },
    { USER_NR_splice, NULL, SYS_splice, "ipipii", USER_SYS_BLOCKING },
    { USER_NR_signalfd4, NULL, SYS_signalfd4, "ipii" },
    /* Processes. */
    { USER_NR_prlimit64, NULL, SYS_prlimit64, "iipp" },
    { USER_NR_getresuid, NULL, SYS_getresuid, "ppp" },
    { USER_NR_getresgid, NULL, SYS_getresgid, "ppp" },
    { USER_NR_setgroups, sys_setgroups },
    { USER_NR_capget, NULL, SYS_capget, "pp" },
    { USER_NR_capset, NULL, SYS_capset, "pp" },
    { USER_NR_sched_setaffinity, sys_sched_setaffinity },
    /* Sockets: sockaddr and socklen_t are the same bytes (SO_*TIMEO_OLD's timeval is not: net.c). */
    { USER_NR_socketpair, NULL, SYS_socketpair, "iiip" },
    { USER_NR_setsockopt, sys_setsockopt },
    { USER_NR_getsockopt, sys_getsockopt },
    { USER_NR_bind, NULL, SYS_bind, "iri" },
    { USER_NR_connect, NULL, SYS_connect, "iri", USER_SYS_RESTART },
    { USER_NR_accept, NULL, SYS_accept, "ipp", USER_SYS_RESTART },
    { USER_NR_accept4, NULL, SYS_accept4, "ippi", USER_SYS_RESTART },
    { USER_NR_getsockname, NULL, SYS_getsockname, "ipp" },
    { USER_NR_getpeername, NULL, SYS_getpeername, "ipp" },
    { USER_NR_sendto, NULL, SYS_sendto, "iriiri", USER_SYS_RESTART },
    { USER_NR_recvfrom, NULL, SYS_recvfrom, "iwiipp", USER_SYS_RESTART },
    { -1 },
};
