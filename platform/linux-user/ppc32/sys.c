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
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

/* statfs64(path or fd, size, buf): struct statfs64 with 32-bit words, 88 bytes. */
static int64_t statfs_common(UserProc *p, const uint64_t a[6], bool by_fd)
{
    struct statfs sf;
    if (a[1] != 88) {
        return -EINVAL;
    }
    if (by_fd) {
        if (fstatfs((int)a[0], &sf) < 0) {
            return user_errno();
        }
    } else {
        int err = 0;
        g_autofree char *path = user_arg_path(p, a[0], &err);
        if (!path) {
            return err;
        }
        if (statfs(path, &sf) < 0) {
            return user_errno();
        }
    }
    uint8_t b[88];
    memset(b, 0, sizeof(b));
    int fsid[2];
    memcpy(fsid, &sf.f_fsid, sizeof(fsid));
    ppc_put32(b, (uint32_t)sf.f_type);
    ppc_put32(b + 4, (uint32_t)sf.f_bsize);
    ppc_put64(b + 8, sf.f_blocks);
    ppc_put64(b + 16, sf.f_bfree);
    ppc_put64(b + 24, sf.f_bavail);
    ppc_put64(b + 32, sf.f_files);
    ppc_put64(b + 40, sf.f_ffree);
    ppc_put32(b + 48, (uint32_t)fsid[0]);
    ppc_put32(b + 52, (uint32_t)fsid[1]);
    ppc_put32(b + 56, (uint32_t)sf.f_namelen);
    ppc_put32(b + 60, (uint32_t)sf.f_frsize);
    ppc_put32(b + 64, (uint32_t)sf.f_flags);
    return user_copy_to(&p->mem, a[2], b, sizeof(b)) < 0 ? -EFAULT : 0;
}

static int64_t sys_statfs(UserProc *p, const uint64_t a[6])
{
    return statfs_common(p, a, false);
}

static int64_t sys_fstatfs(UserProc *p, const uint64_t a[6])
{
    return statfs_common(p, a, true);
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

/*
 * ppoll(fds, nfds, timeout, sigmask, sigsetsize) and poll(fds, nfds, ms): struct pollfd
 * {int; short; short}.  ts: the host timeout (NULL: none), a[2] only says whether the
 * guest's is written back.
 */
static int64_t poll_core(UserProc *p, const uint64_t a[6], struct timespec *ts, bool with_mask);

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

int64_t ppc_poll(UserProc *p, const uint64_t a[6])
{
    int ms = (int)a[2];
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    uint64_t b[6] = { a[0], a[1], 0, 0, 0, 0 };
    return poll_core(p, b, ms < 0 ? NULL : &ts, false);
}

static int64_t poll_core(UserProc *p, const uint64_t a[6], struct timespec *ts, bool with_mask)
{
    uint64_t n = (uint32_t)a[1];
    if (n > 1u << 20) {
        return -EINVAL;
    }
    g_autofree uint8_t *g = g_try_malloc(n * 8 + 1);
    g_autofree struct pollfd *fds = g_try_new(struct pollfd, n + 1);
    if (!g || !fds) {
        return -ENOMEM;
    }
    if (n && user_copy_from(&p->mem, g, a[0], n * 8) < 0) {
        return -EFAULT;
    }
    for (uint64_t i = 0; i < n; i++) {
        fds[i].fd = (int)ppc_get32(g + 8 * i);
        fds[i].events = (short)user_get_uint(true, g + 8 * i + 4, 2);
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
            user_put_uint(true, g + 8 * i + 6, 2, (uint16_t)fds[i].revents);
        }
        if (n && user_copy_to(&p->mem, a[0], g, n * 8) < 0) {
            return -EFAULT;
        }
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

/* --- futex: the host kernel compares and writes the word in host byte order --- */

/*
 * Plain waits and wakes work on the guest word as is once the expected value is
 * byte-swapped (FUTEX_WAIT, WAIT_BITSET, CMP_REQUEUE's val3).  FUTEX_WAKE_OP makes the
 * kernel modify the second word in its own byte order, so it is emulated: the
 * operation is done here with an atomic compare-and-swap in guest order, then the two
 * wakes.  The PI operations make the kernel write owner tids in host order; a
 * big-endian guest gets ENOSYS for them (glibc uses them only for
 * PTHREAD_PRIO_INHERIT mutexes).
 */
static int64_t futex_wake_op(UserProc *p, uint32_t *uaddr, int op, int nr1, int nr2,
                             GuestAddr a2, uint32_t val3)
{
    uint32_t *uaddr2;
    if ((a2 & 3) || !user_mem_check(&p->mem, a2, 4, PROT_READ | PROT_WRITE)) {
        return -EFAULT;
    }
    user_mem_unwatch_range_dirty(&p->mem, a2, 4);
    uaddr2 = user_g2h(&p->mem, a2);
    unsigned wop = (val3 >> 28) & 7, cmp = (val3 >> 24) & 15;
    uint32_t oparg = (val3 >> 12) & 0xfff, cmparg = val3 & 0xfff;
    if ((val3 >> 28) & 8) {         /* FUTEX_OP_OPARG_SHIFT */
        oparg = oparg > 31 ? 0 : 1u << oparg;
    }
    uint32_t raw = __atomic_load_n(uaddr2, __ATOMIC_SEQ_CST), old, nv;
    do {
        old = GUINT32_FROM_BE(raw);
        switch (wop) {
        case FUTEX_OP_SET: nv = oparg; break;
        case FUTEX_OP_ADD: nv = old + oparg; break;
        case FUTEX_OP_OR: nv = old | oparg; break;
        case FUTEX_OP_ANDN: nv = old & ~oparg; break;
        case FUTEX_OP_XOR: nv = old ^ oparg; break;
        default: return -ENOSYS;
        }
    } while (!__atomic_compare_exchange_n(uaddr2, &raw, GUINT32_TO_BE(nv), false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    int32_t so = (int32_t)old, sa = (int32_t)(cmparg << 20) >> 20;
    bool hit;
    switch (cmp) {
    case FUTEX_OP_CMP_EQ: hit = so == sa; break;
    case FUTEX_OP_CMP_NE: hit = so != sa; break;
    case FUTEX_OP_CMP_LT: hit = so < sa; break;
    case FUTEX_OP_CMP_LE: hit = so <= sa; break;
    case FUTEX_OP_CMP_GT: hit = so > sa; break;
    case FUTEX_OP_CMP_GE: hit = so >= sa; break;
    default: return -ENOSYS;
    }
    int priv = op & FUTEX_PRIVATE_FLAG;
    long r = syscall(SYS_futex, uaddr, FUTEX_WAKE | priv, nr1, NULL, NULL, 0);
    if (r < 0) {
        return user_errno();
    }
    if (hit) {
        long r2 = syscall(SYS_futex, uaddr2, FUTEX_WAKE | priv, nr2, NULL, NULL, 0);
        if (r2 > 0) {
            r += r2;
        }
    }
    return r;
}

static int64_t futex_common(UserProc *p, const uint64_t a[6], bool t64)
{
    int op = (int)a[1];
    int cmd = op & FUTEX_CMD_MASK;
    void *uaddr, *uaddr2 = NULL;
    if (a[0] & 3) {
        return -EINVAL;
    }
    if (user_arg_ptr(p, a[0], 4, &uaddr) < 0 || !uaddr) {
        return -EFAULT;
    }
    /* As the shared row does: no code page may stay read-only under a futex word. */
    user_mem_unwatch_range_dirty(&p->mem, a[0], 4);
    uint32_t val = (uint32_t)a[2];
    struct timespec ts;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        if (a[3] && user32_get_ts(p, a[3], t64, &ts) < 0) {
            return -EFAULT;
        }
        return user_safe_syscall6(p, SYS_futex, uaddr, op, GUINT32_TO_BE(val),
                                  a[3] ? &ts : NULL, NULL, (uint32_t)a[5]);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        return user_ret(syscall(SYS_futex, uaddr, op, (int)val, NULL, NULL, (uint32_t)a[5]));
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        if (user_arg_ptr(p, a[4], 4, &uaddr2) < 0 || !uaddr2) {
            return -EFAULT;
        }
        /* a[3] is the requeue count (val2), not a timeout. */
        return user_ret(syscall(SYS_futex, uaddr, op, (int)val, (long)(uint32_t)a[3], uaddr2,
                                GUINT32_TO_BE((uint32_t)a[5])));
    case FUTEX_WAKE_OP:
        return futex_wake_op(p, uaddr, op, (int)val, (int)(uint32_t)a[3], a[4], (uint32_t)a[5]);
    default:
        return -ENOSYS;
    }
}

static int64_t sys_futex(UserProc *p, const uint64_t a[6])
{
    return futex_common(p, a, false);
}

static int64_t sys_futex_time64(UserProc *p, const uint64_t a[6])
{
    return futex_common(p, a, true);
}

const UserSyscallRow ppc_sys_rows[] = {
    { USER_NR_statx, sys_statx },
    { USER_NR_statfs, sys_statfs },
    { USER_NR_fstatfs, sys_fstatfs },
    { USER_NR_getdents64, sys_getdents64 },
    { USER_NR_pipe2, sys_pipe2 },
    { USER_NR_fcntl, sys_fcntl, .flags = USER_SYS_RESTART },
    { USER_NR_ioctl, sys_ioctl, .flags = USER_SYS_RESTART },
    { USER_NR_sendfile, sys_sendfile, .flags = USER_SYS_BLOCKING },
    { USER_NR_ppoll, sys_ppoll, .flags = USER_SYS_BLOCKING },
    { USER_NR_ppoll_time64, sys_ppoll_time64, .flags = USER_SYS_BLOCKING },
    { USER_NR_prlimit64, sys_prlimit64 },
    { USER_NR_getresuid, sys_getresuid },
    { USER_NR_getresgid, sys_getresgid },
    { USER_NR_futex, sys_futex, .flags = USER_SYS_RESTART },
    { USER_NR_futex_time64, sys_futex_time64, .flags = USER_SYS_RESTART },
    { -1 },
};
