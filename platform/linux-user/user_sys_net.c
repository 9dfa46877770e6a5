/*
 * Socket syscalls.  sockaddr, socket options, cmsghdr and the socket constants
 * are the same on asm-generic 64-bit guests and x86-64, so most calls pass
 * through; struct msghdr is rebuilt because it holds guest pointers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

/* Guest struct msghdr, 64-bit layout (56 bytes). */
typedef struct GuestMsghdr64 {
    uint64_t name;
    uint32_t namelen;
    uint32_t pad0;
    uint64_t iov;
    uint64_t iovlen;
    uint64_t control;
    uint64_t controllen;
    int32_t flags;
    uint32_t pad1;
} GuestMsghdr64;

static int64_t msg_call(UserProc *p, const uint64_t a[6], bool recv)
{
    if (p->abi->word_size != 8) {
        return -ENOSYS;
    }
    GuestMsghdr64 g;
    if (user_copy_from(&p->mem, &g, a[1], sizeof(g)) < 0) {
        return -EFAULT;
    }
    if (g.iovlen > 1024) {
        return -EMSGSIZE;
    }
    struct msghdr h;
    memset(&h, 0, sizeof(h));
    void *ptr;
    if ((recv ? user_arg_wbuf : user_arg_ptr)(p, g.name, g.namelen, &ptr) < 0) {
        return -EFAULT;
    }
    h.msg_name = ptr;
    h.msg_namelen = g.namelen;
    if ((recv ? user_arg_wbuf : user_arg_ptr)(p, g.control, g.controllen, &ptr) < 0) {
        return -EFAULT;
    }
    h.msg_control = ptr;
    h.msg_controllen = g.controllen;
    h.msg_flags = g.flags;
    g_autofree struct iovec *iov = g_new0(struct iovec, g.iovlen ? g.iovlen : 1);
    for (uint64_t i = 0; i < g.iovlen; i++) {
        uint64_t pair[2];
        if (user_copy_from(&p->mem, pair, g.iov + 16 * i, 16) < 0) {
            return -EFAULT;
        }
        if ((recv ? user_arg_wbuf : user_arg_ptr)(p, pair[0], pair[1], &ptr) < 0) {
            return -EFAULT;
        }
        iov[i].iov_base = ptr;
        iov[i].iov_len = pair[1];
    }
    h.msg_iov = iov;
    h.msg_iovlen = g.iovlen;
    int64_t r = user_safe_syscall3(p, recv ? SYS_recvmsg : SYS_sendmsg, (int)a[0], &h, (int)a[2]);
    if (r < 0) {
        return r;
    }
    if (recv) {
        g.namelen = h.msg_namelen;
        g.controllen = h.msg_controllen;
        g.flags = h.msg_flags;
        if (user_copy_to(&p->mem, a[1], &g, sizeof(g)) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

/* --- sendmmsg / recvmmsg over an ABI's own sendmsg/recvmsg conversion --- */

#define MMSG_VLEN_MAX 1024          /* UIO_MAXIOV, as the kernel caps vlen */

static struct timespec ts_sub(struct timespec a, struct timespec b)
{
    struct timespec r = { a.tv_sec - b.tv_sec, a.tv_nsec - b.tv_nsec };
    if (r.tv_nsec < 0) {
        r.tv_sec--;
        r.tv_nsec += 1000000000;
    }
    return r.tv_sec < 0 ? (struct timespec){ 0, 0 } : r;
}

int64_t user_sys_mmsg(UserProc *p, const uint64_t a[6], bool recv, bool t64, UserMsgFn msg)
{
    /* struct mmsghdr: the ABI's msghdr (28 or 56 bytes), then a 32-bit msg_len. */
    unsigned msghdr_size = p->abi->word_size == 4 ? 28 : 56;
    unsigned mmsghdr_size = p->abi->word_size == 4 ? 32 : 64;
    uint32_t vlen = MIN((uint32_t)a[2], MMSG_VLEN_MAX);
    int flags = (int)a[3];
    struct timespec deadline = { 0, 0 }, now;
    bool timed = recv && a[4];

    if (timed) {
        struct timespec ts;
        if (user32_get_ts(p, a[4], t64, &ts) < 0) {
            return -EFAULT;
        }
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) {
            return -EINVAL;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        deadline.tv_sec = now.tv_sec + ts.tv_sec + (now.tv_nsec + ts.tv_nsec) / 1000000000;
        deadline.tv_nsec = (now.tv_nsec + ts.tv_nsec) % 1000000000;
    }
    uint32_t n = 0;
    int64_t err = 0;
    while (n < vlen) {
        GuestAddr m = (GuestAddr)a[1] + (GuestAddr)mmsghdr_size * n;
        const uint64_t one[6] = { a[0], m, (uint32_t)(flags & ~MSG_WAITFORONE), 0, 0, 0 };
        int64_t r = msg(p, one, recv);
        if (r < 0) {
            err = r;
            break;
        }
        if (user_write_uint(p, m + msghdr_size, 4, (uint32_t)r) < 0) {
            err = -EFAULT;
            break;
        }
        n++;
        if (recv && (flags & MSG_WAITFORONE)) {
            flags |= MSG_DONTWAIT;
        }
        if (timed) {
            /* As the kernel: the timeout is looked at only after each datagram. */
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (ts_sub(deadline, now).tv_sec == 0 && ts_sub(deadline, now).tv_nsec == 0) {
                break;
            }
        }
    }
    if (timed) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        struct timespec left = ts_sub(deadline, now);
        if (user32_put_ts(p, a[4], t64, &left) < 0) {
            return -EFAULT;
        }
    }
    /* A failure after some messages went through is the count so far, as in the kernel. */
    return n ? (int64_t)n : err;
}

static int64_t sys_sendmsg(UserProc *p, const uint64_t a[6])
{
    return msg_call(p, a, false);
}

static int64_t sys_recvmsg(UserProc *p, const uint64_t a[6])
{
    return msg_call(p, a, true);
}

static int64_t sys_sendmmsg(UserProc *p, const uint64_t a[6])
{
    return user_sys_mmsg(p, a, false, true, msg_call);
}

static int64_t sys_recvmmsg(UserProc *p, const uint64_t a[6])
{
    return user_sys_mmsg(p, a, true, true, msg_call);
}

const UserSyscallRow user_sys_net_rows[] = {
    { USER_NR_socket, NULL, SYS_socket, "iii" },
    { USER_NR_socketpair, NULL, SYS_socketpair, "iiip", USER_SYS_LAYOUT64 },
    { USER_NR_bind, NULL, SYS_bind, "iri", USER_SYS_LAYOUT64 },
    { USER_NR_connect, NULL, SYS_connect, "iri", USER_SYS_RESTART | USER_SYS_LAYOUT64 },
    { USER_NR_listen, NULL, SYS_listen, "ii" },
    { USER_NR_accept, NULL, SYS_accept, "ipp", USER_SYS_RESTART | USER_SYS_LAYOUT64 },
    { USER_NR_accept4, NULL, SYS_accept4, "ippi", USER_SYS_RESTART | USER_SYS_LAYOUT64 },
    { USER_NR_getsockname, NULL, SYS_getsockname, "ipp", USER_SYS_LAYOUT64 },
    { USER_NR_getpeername, NULL, SYS_getpeername, "ipp", USER_SYS_LAYOUT64 },
    { USER_NR_sendto, NULL, SYS_sendto, "iriiri", USER_SYS_RESTART | USER_SYS_LAYOUT64 },
    { USER_NR_recvfrom, NULL, SYS_recvfrom, "iwiipp", USER_SYS_RESTART | USER_SYS_LAYOUT64 },
    { USER_NR_setsockopt, NULL, SYS_setsockopt, "iiiri", USER_SYS_LAYOUT64 },
    { USER_NR_getsockopt, NULL, SYS_getsockopt, "iiipp", USER_SYS_LAYOUT64 },
    { USER_NR_shutdown, NULL, SYS_shutdown, "ii" },
    { USER_NR_sendmsg, sys_sendmsg, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_recvmsg, sys_recvmsg, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_sendmmsg, sys_sendmmsg, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_recvmmsg, sys_recvmmsg, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { -1 },
};

/*
 * A big-endian guest's sockaddr to host order (to_host) or back, in place: the family and
 * the fields the kernel keeps in host order (sockaddr_in6's scope id, sockaddr_nl's pid and
 * groups); ports and addresses are in network order everywhere.
 */
void user_sockaddr_swap_be(uint8_t *b, uint32_t len, bool to_host)
{
    if (len < 2) {
        return;
    }
    /* Reading in one order and writing in the other swaps: the same both ways but for
     * which order the family is read in, which decides the fields that follow. */
    uint16_t fam = (uint16_t)user_get_uint(to_host, b, 2);
    user_put_uint(!to_host, b, 2, fam);
    if (fam == AF_INET6 && len >= 28) {
        user_put_uint(true, b + 24, 4, user_get_uint(false, b + 24, 4));
    } else if (fam == AF_NETLINK && len >= 12) {
        for (int off = 4; off < 12; off += 4) {
            user_put_uint(true, b + off, 4, user_get_uint(false, b + off, 4));
        }
    }
}
