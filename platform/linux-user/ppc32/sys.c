/*
 * ppc32 rows for the syscalls whose structs differ from the host's: 32-bit longs,
 * time_t in both its 32-bit and its 64-bit (*_time64) forms, and big-endian byte
 * order everywhere, so even an int written through a pointer needs converting.
 * Rows are in the generic numbering (ppc numbers are mapped in abi.c) and replace
 * the shared rows of the same number.  Layouts: arch/powerpc/include/uapi/asm/ and
 * include/uapi/asm-generic/ headers as a 32-bit big-endian port sees them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/linux-user/ppc32/ppc_user.h"

/* --- Time --- */

/* --- Files --- */

/* statx: the same fields everywhere, in guest byte order (include/uapi/linux/stat.h). */
static int64_t sys_statx(UserProc *p, const uint64_t a[6])
{
    static const struct { uint8_t off, size; } fields[] = {
        { 0, 4 }, { 4, 4 }, { 8, 8 }, { 16, 4 }, { 20, 4 }, { 24, 4 }, { 28, 2 },
        { 32, 8 }, { 40, 8 }, { 48, 8 }, { 56, 8 },
        { 64, 8 }, { 72, 4 }, { 80, 8 }, { 88, 4 }, { 96, 8 }, { 104, 4 }, { 112, 8 }, { 120, 4 },
        { 128, 4 }, { 132, 4 }, { 136, 4 }, { 140, 4 }, { 144, 8 }, { 152, 4 }, { 156, 4 },
    };
    int err = 0;
    g_autofree char *path = user_arg_path(p, a[1], &err);
    if (!path) {
        return err;
    }
    uint8_t host[256], guest[256];
    memset(host, 0, sizeof(host));
    long r = syscall(SYS_statx, (int)a[0], path, (int)a[2], (unsigned)a[3], host);
    if (r < 0) {
        return user_errno();
    }
    memset(guest, 0, sizeof(guest));
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        uint64_t v = user_get_uint(false, host + fields[i].off, fields[i].size);
        user_put_uint(true, guest + fields[i].off, fields[i].size, v);
    }
    return user_copy_to(&p->mem, a[4], guest, sizeof(guest)) < 0 ? -EFAULT : 0;
}

/* getdents64: struct linux_dirent64 {u64 ino; s64 off; u16 reclen; u8 type; name}. */
static int64_t sys_getdents64(UserProc *p, const uint64_t a[6])
{
    void *h;
    if (user_arg_wbuf(p, a[1], a[2], &h) < 0 || !h) {
        return -EFAULT;
    }
    long n = syscall(SYS_getdents64, (int)a[0], h, (unsigned)a[2]);
    if (n < 0) {
        return user_errno();
    }
    uint8_t *b = h;
    for (long off = 0; off + 19 <= n;) {
        uint64_t ino, doff;
        uint16_t reclen;
        memcpy(&ino, b + off, 8);
        memcpy(&doff, b + off + 8, 8);
        memcpy(&reclen, b + off + 16, 2);
        ppc_put64(b + off, ino);
        ppc_put64(b + off + 8, doff);
        ppc_put16(b + off + 16, reclen);
        if (reclen == 0) {
            break;
        }
        off += reclen;
    }
    return n;
}

/* pipe2(int fds[2], flags). */
static int64_t sys_pipe2(UserProc *p, const uint64_t a[6])
{
    int fds[2];
    if (pipe2(fds, (int)ppc_open_flags_to_host((uint32_t)a[1])) < 0) {
        return user_errno();
    }
    uint8_t b[8];
    ppc_put32(b, (uint32_t)fds[0]);
    ppc_put32(b + 4, (uint32_t)fds[1]);
    if (user_copy_to(&p->mem, a[0], b, 8) < 0) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

/*
 * fcntl and fcntl64: struct flock with 32-bit offsets for F_GETLK/F_SETLK(W) (5..7),
 * struct flock64 for the *64 commands (12..14) and the OFD ones; flag words of
 * F_GETFL/F_SETFL in the ppc open-flag encoding.
 */
#define PPC_F_GETLK64  12
#define PPC_F_SETLK64  13
#define PPC_F_SETLKW64 14

static int64_t sys_fcntl(UserProc *p, const uint64_t a[6])
{
    int fd = (int)a[0];
    int cmd = (int)a[1];
    switch (cmd) {
    case F_GETFL: {
        long r = syscall(SYS_fcntl, fd, F_GETFL);
        return r < 0 ? user_errno() : (int64_t)ppc_open_flags_from_host((int)r);
    }
    case F_SETFL:
        return user_ret(syscall(SYS_fcntl, fd, F_SETFL, ppc_open_flags_to_host((uint32_t)a[2])));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case PPC_F_GETLK64:
    case PPC_F_SETLK64:
    case PPC_F_SETLKW64:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
        bool l64 = cmd != F_GETLK && cmd != F_SETLK && cmd != F_SETLKW;
        int hcmd = cmd == PPC_F_GETLK64 ? F_GETLK : cmd == PPC_F_SETLK64 ? F_SETLK :
                   cmd == PPC_F_SETLKW64 ? F_SETLKW : cmd;
        uint8_t b[32];
        unsigned size = l64 ? 32 : 16;
        if (user_copy_from(&p->mem, b, a[2], size) < 0) {
            return -EFAULT;
        }
        struct flock fl;
        memset(&fl, 0, sizeof(fl));
        fl.l_type = (int16_t)user_get_uint(true, b, 2);
        fl.l_whence = (int16_t)user_get_uint(true, b + 2, 2);
        if (l64) {
            fl.l_start = (int64_t)ppc_get64(b + 8);
            fl.l_len = (int64_t)ppc_get64(b + 16);
            fl.l_pid = (int32_t)ppc_get32(b + 24);
        } else {
            fl.l_start = (int32_t)ppc_get32(b + 4);
            fl.l_len = (int32_t)ppc_get32(b + 8);
            fl.l_pid = (int32_t)ppc_get32(b + 12);
        }
        int64_t r;
        if (hcmd == F_SETLKW || hcmd == F_OFD_SETLKW) {
            r = user_safe_syscall3(p, SYS_fcntl, fd, hcmd, &fl);    /* waits for the lock */
        } else {
            r = user_ret(syscall(SYS_fcntl, fd, hcmd, &fl));
        }
        if (r < 0 || (hcmd != F_GETLK && hcmd != F_OFD_GETLK)) {
            return r;
        }
        user_put_uint(true, b, 2, (uint16_t)fl.l_type);
        user_put_uint(true, b + 2, 2, (uint16_t)fl.l_whence);
        if (l64) {
            ppc_put64(b + 8, (uint64_t)fl.l_start);
            ppc_put64(b + 16, (uint64_t)fl.l_len);
            ppc_put32(b + 24, (uint32_t)fl.l_pid);
        } else {
            if (fl.l_start > INT32_MAX || fl.l_len > INT32_MAX) {
                return -EOVERFLOW;
            }
            ppc_put32(b + 4, (uint32_t)fl.l_start);
            ppc_put32(b + 8, (uint32_t)fl.l_len);
            ppc_put32(b + 12, (uint32_t)fl.l_pid);
        }
        return user_copy_to(&p->mem, a[2], b, size) < 0 ? -EFAULT : r;
    }
    case F_GETOWN_EX:
    case F_SETOWN_EX: {
        uint8_t b[8];
        struct f_owner_ex o;
        if (user_copy_from(&p->mem, b, a[2], 8) < 0) {
            return -EFAULT;
        }
        o.type = (int)ppc_get32(b);
        o.pid = (pid_t)ppc_get32(b + 4);
        long r = syscall(SYS_fcntl, fd, cmd, &o);
        if (r < 0) {
            return user_errno();
        }
        ppc_put32(b, (uint32_t)o.type);
        ppc_put32(b + 4, (uint32_t)o.pid);
        return user_copy_to(&p->mem, a[2], b, 8) < 0 ? -EFAULT : r;
    }
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        int64_t r = user_ret(syscall(SYS_fcntl, fd, cmd, (long)(int32_t)a[2]));
        ppc_fd_dup_kind(fd, r);
        return r;
    }
    case F_GETFD:
    case F_SETFD:
    case F_GETOWN:
    case F_SETOWN:
    case F_GETSIG:
    case F_SETSIG:
    case F_GETLEASE:
    case F_SETLEASE:
    case F_NOTIFY:
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
    case F_ADD_SEALS:
    case F_GET_SEALS:
        /* Integer argument, the same numbers on ppc (asm-generic/fcntl.h). */
        return user_ret(syscall(SYS_fcntl, fd, cmd, (long)(int32_t)a[2]));
    default:
        return -EINVAL;
    }
}

/*
 * ioctl: the ppc request numbers (arch/powerpc/include/uapi/asm/ioctls.h) encode
 * size and direction, so they differ from x86-64's.  Terminal attributes and the other
 * terminal requests are in termios.c.  Any other request gets ENOTTY, as from a device
 * that does not know it, and a note on stderr the first time.
 */
#define PPC_FIONBIO     0x8004667eu
#define PPC_FIONREAD    0x4004667fu
#define PPC_FIOCLEX     0x20006601u
#define PPC_FIONCLEX    0x20006602u
#define PPC_TIOCGWINSZ  0x40087468u
#define PPC_TIOCSWINSZ  0x80087467u
#define PPC_TIOCGPGRP   0x40047477u
#define PPC_TIOCSPGRP   0x80047476u

static int64_t ioctl_int(UserProc *p, int fd, unsigned long hreq, GuestAddr addr, bool in)
{
    uint64_t v = 0;
    if (in && user_read_uint(p, addr, 4, &v) < 0) {
        return -EFAULT;
    }
    int iv = (int)v;
    long r = syscall(SYS_ioctl, fd, hreq, &iv);
    if (r < 0) {
        return user_errno();
    }
    if (!in && user_write_uint(p, addr, 4, (uint32_t)iv) < 0) {
        return -EFAULT;
    }
    return r;
}

static void ioctl_unsupported(uint32_t req)
{
    static GMutex lock;
    static GHashTable *seen;

    g_mutex_lock(&lock);
    if (seen == NULL) {
        seen = g_hash_table_new(NULL, NULL);
    }
    if (g_hash_table_add(seen, GUINT_TO_POINTER(req))) {
        fprintf(stderr, "mimic: unsupported ppc ioctl request 0x%08x (ENOTTY)\n", req);
    }
    g_mutex_unlock(&lock);
}

static int64_t sys_ioctl(UserProc *p, const uint64_t a[6])
{
    int fd = (int)a[0];
    uint32_t req = (uint32_t)a[1];
    switch (req) {
    case PPC_FIONBIO:
        return ioctl_int(p, fd, FIONBIO, a[2], true);
    case PPC_FIONREAD:
        return ioctl_int(p, fd, FIONREAD, a[2], false);
    case PPC_TIOCGPGRP:
        return ioctl_int(p, fd, TIOCGPGRP, a[2], false);
    case PPC_TIOCSPGRP:
        return ioctl_int(p, fd, TIOCSPGRP, a[2], true);
    case PPC_FIOCLEX:
        return user_ret(syscall(SYS_ioctl, fd, FIOCLEX));
    case PPC_FIONCLEX:
        return user_ret(syscall(SYS_ioctl, fd, FIONCLEX));
    case PPC_TIOCGWINSZ:
    case PPC_TIOCSWINSZ: {
        /* struct winsize: four unsigned shorts. */
        struct winsize ws;
        uint8_t b[8];
        if (req == PPC_TIOCSWINSZ) {
            if (user_copy_from(&p->mem, b, a[2], 8) < 0) {
                return -EFAULT;
            }
            ws.ws_row = user_get_uint(true, b, 2);
            ws.ws_col = user_get_uint(true, b + 2, 2);
            ws.ws_xpixel = user_get_uint(true, b + 4, 2);
            ws.ws_ypixel = user_get_uint(true, b + 6, 2);
            return user_ret(syscall(SYS_ioctl, fd, TIOCSWINSZ, &ws));
        }
        if (syscall(SYS_ioctl, fd, TIOCGWINSZ, &ws) < 0) {
            return user_errno();
        }
        ppc_put16(b, ws.ws_row);
        ppc_put16(b + 2, ws.ws_col);
        ppc_put16(b + 4, ws.ws_xpixel);
        ppc_put16(b + 6, ws.ws_ypixel);
        return user_copy_to(&p->mem, a[2], b, 8) < 0 ? -EFAULT : 0;
    }
    default: {
        int64_t ret;
        if (ppc_ioctl_termios(p, fd, req, a[2], &ret)) {
            return ret;
        }
        ioctl_unsupported(req);
        return -ENOTTY;
    }
    }
}

/* sendfile64(out, in, loff_t *off, count). */
/* sendfile(out, in, off_t *off, count) with a 4-byte offset, sendfile64 with an 8-byte one. */
int64_t ppc_sendfile(UserProc *p, const uint64_t a[6], unsigned off_size)
{
    uint64_t off = 0;
    if (a[2] && user_read_uint(p, a[2], off_size, &off) < 0) {
        return -EFAULT;
    }
    off_t o = off_size == 4 ? (off_t)(int32_t)off : (off_t)off;
    int64_t r = user_safe_syscall6(p, SYS_sendfile, (int)a[0], (int)a[1], a[2] ? &o : NULL,
                                   (size_t)(uint32_t)a[3], 0, 0);
    if (a[2] && user_write_uint(p, a[2], off_size, (uint64_t)o) < 0) {
        return -EFAULT;
    }
    return r;
}

static int64_t sys_sendfile(UserProc *p, const uint64_t a[6])
{
    return ppc_sendfile(p, a, 8);
}

/* --- Processes and limits --- */

/* struct rusage with 32-bit longs: two old_timeval32 and 14 longs, 72 bytes. */
/* prlimit64(pid, resource, new, old): struct rlimit64 of two u64. */
static int64_t sys_prlimit64(UserProc *p, const uint64_t a[6])
{
    struct rlimit nl, ol;
    uint8_t b[16];
    if (a[2]) {
        if (user_copy_from(&p->mem, b, a[2], 16) < 0) {
            return -EFAULT;
        }
        nl.rlim_cur = ppc_get64(b);
        nl.rlim_max = ppc_get64(b + 8);
    }
    long r = syscall(SYS_prlimit64, (pid_t)a[0], (int)a[1], a[2] ? &nl : NULL, a[3] ? &ol : NULL);
    if (r < 0) {
        return user_errno();
    }
    if (a[3]) {
        ppc_put64(b, ol.rlim_cur);
        ppc_put64(b + 8, ol.rlim_max);
        if (user_copy_to(&p->mem, a[3], b, 16) < 0) {
            return -EFAULT;
        }
    }
    return 0;
}

static int64_t getres_common(UserProc *p, const uint64_t a[6], bool gid)
{
    unsigned r[3];
    long ret = gid ? syscall(SYS_getresgid, &r[0], &r[1], &r[2]) :
               syscall(SYS_getresuid, &r[0], &r[1], &r[2]);
    if (ret < 0) {
        return user_errno();
    }
    for (int i = 0; i < 3; i++) {
        if (user_write_uint(p, a[i], 4, r[i]) < 0) {
            return -EFAULT;
        }
    }
    return 0;
}

static int64_t sys_getresuid(UserProc *p, const uint64_t a[6])
{
    return getres_common(p, a, false);
}

static int64_t sys_getresgid(UserProc *p, const uint64_t a[6])
{
    return getres_common(p, a, true);
}

const UserSyscallRow ppc_sys_rows[] = {
    { USER_NR_statx, sys_statx },
    { USER_NR_getdents64, sys_getdents64 },
    { USER_NR_pipe2, sys_pipe2 },
    { USER_NR_fcntl, sys_fcntl, .flags = USER_SYS_RESTART },
    { USER_NR_ioctl, sys_ioctl, .flags = USER_SYS_RESTART },
    { USER_NR_sendfile, sys_sendfile, .flags = USER_SYS_BLOCKING },
    { USER_NR_prlimit64, sys_prlimit64 },
    { USER_NR_getresuid, sys_getresuid },
    { USER_NR_getresgid, sys_getresgid },
    { -1 },
};
