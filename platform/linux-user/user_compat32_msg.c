/*
 * sendmsg/recvmsg (and sendmmsg/recvmmsg over them) for the 32-bit ABIs, in the guest's
 * byte order (net/compat.c): struct compat_msghdr holds 4-byte pointers and lengths (28
 * bytes), its iovec 4-byte pairs, and each control message a 12-byte header (compat_size_t
 * cmsg_len, level, type) with data aligned to 4, where the host's has 16 bytes and aligns
 * to 8.  A big-endian guest's sockaddr family (and the host-order fields of sockaddr_in6
 * and sockaddr_nl) is swapped, and so are the ints of the control messages whose payload
 * is known (SCM_RIGHTS descriptors, SCM_CREDENTIALS); another type is refused on send
 * (EINVAL) and passed on unchanged on receive, each saying so once.  A little-endian
 * guest's payloads are the host's bytes for the int-valued types (SCM_*, IP_PKTINFO...)
 * and pass as they are; those holding a 32-bit struct timeval (SO_TIMESTAMP_OLD) would
 * need converting and are not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

#define MSGHDR32_SIZE   28      /* name, namelen, iov, iovlen, control, controllen, flags */
#define CMSG32_HDR      12      /* cmsg_len, cmsg_level, cmsg_type */
#define CMSG32_ALIGN(n) (((n) + 3u) & ~3u)
#define MSG32_IOV_MAX   1024    /* UIO_MAXIOV */
#define MSG32_CMSG_MAX  (64u * 1024)

static void cmsg_unknown(bool send, int level, int type)
{
    static volatile int said;
    if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED)) {
        fprintf(stderr, "mimic: big-endian %s with a control message of level %d type %d that is not converted%s\n",
                send ? "sendmsg" : "recvmsg", level, type,
                send ? " (EINVAL)" : ": its payload is passed on unchanged");
    }
}

/* Control messages whose payload is an array of ints (descriptors, struct ucred). */
static bool cmsg_is_int_array(int level, int type)
{
    return level == SOL_SOCKET && (type == SCM_RIGHTS || type == SCM_CREDENTIALS);
}

/* A big-endian guest's ints to host order or back (the swap is its own inverse). */
static void swap_ints(uint8_t *data, uint32_t len)
{
    for (uint32_t off = 0; off + 4 <= len; off += 4) {
        user_put_uint(true, data + off, 4, user_get_uint(false, data + off, 4));
    }
}

/* Guest control messages (len bytes at g) into host ones; the host length or -errno. */
static int64_t cmsg_to_host(bool be, const uint8_t *g, uint32_t len, uint8_t *hbuf, size_t hroom)
{
    size_t used = 0;
    uint32_t off = 0;
    while (off + CMSG32_HDR <= len) {
        uint32_t clen = (uint32_t)user_get_uint(be, g + off, 4);
        int level = (int)user_get_uint(be, g + off + 4, 4);
        int type = (int)user_get_uint(be, g + off + 8, 4);
        if (clen < CMSG32_HDR || clen > len - off) {
            return -EINVAL;
        }
        uint32_t dlen = clen - CMSG32_HDR;
        if (be && !cmsg_is_int_array(level, type)) {
            cmsg_unknown(true, level, type);
            return -EINVAL;
        }
        if (used + CMSG_SPACE(dlen) > hroom) {
            return -ENOBUFS;
        }
        struct cmsghdr *h = (struct cmsghdr *)(hbuf + used);
        h->cmsg_len = CMSG_LEN(dlen);
        h->cmsg_level = level;
        h->cmsg_type = type;
        memcpy(CMSG_DATA(h), g + off + CMSG32_HDR, dlen);
        if (be) {
            swap_ints(CMSG_DATA(h), dlen);
        }
        used += CMSG_SPACE(dlen);
        off += CMSG32_ALIGN(clen);
    }
    return (int64_t)used;
}

/*
 * Host control messages (hlen bytes) out as guest ones in at most groom bytes; returns the
 * guest length and sets *truncated when something did not fit.  Descriptors that do not
 * reach the guest are closed, as the kernel would never have installed them.
 */
static uint32_t cmsg_to_guest(bool be, uint8_t *hbuf, size_t hlen, uint8_t *g, uint32_t groom,
                              bool *truncated)
{
    struct msghdr fake = { .msg_control = hbuf, .msg_controllen = hlen };
    uint32_t off = 0;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&fake); h != NULL; h = CMSG_NXTHDR(&fake, h)) {
        uint32_t dlen = (uint32_t)(h->cmsg_len - CMSG_LEN(0));
        uint32_t room = groom > off + CMSG32_HDR ? groom - off - CMSG32_HDR : 0;
        uint32_t keep = MIN(dlen, room);
        bool ints = cmsg_is_int_array(h->cmsg_level, h->cmsg_type);
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
            keep &= ~3u;        /* whole descriptors only */
            for (uint32_t i = keep; i + 4 <= dlen; i += 4) {
                int fd;
                memcpy(&fd, CMSG_DATA(h) + i, 4);
                close(fd);
            }
        }
        if (keep < dlen) {
            *truncated = true;
        }
        if (room == 0 && dlen > 0) {
            continue;
        }
        if (be && !ints) {
            cmsg_unknown(false, h->cmsg_level, h->cmsg_type);
        }
        user_put_uint(be, g + off, 4, CMSG32_HDR + keep);
        user_put_uint(be, g + off + 4, 4, (uint32_t)h->cmsg_level);
        user_put_uint(be, g + off + 8, 4, (uint32_t)h->cmsg_type);
        memcpy(g + off + CMSG32_HDR, CMSG_DATA(h), keep);
        if (be && ints) {
            swap_ints(g + off + CMSG32_HDR, keep);
        }
        off = MIN(groom, off + CMSG32_ALIGN(CMSG32_HDR + keep));
    }
    return off;
}

/* The iovec array of n 32-bit pairs at addr, as host iovecs into guest memory. */
static int get_iov(UserProc *p, GuestAddr addr, uint32_t n, bool recv, struct iovec *iov)
{
    bool be = user_guest_be(p);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t pair[8];
        void *ptr;
        if (user_copy_from(&p->mem, pair, addr + 8 * i, 8) < 0) {
            return -EFAULT;
        }
        uint32_t base = (uint32_t)user_get_uint(be, pair, 4);
        uint32_t len = (uint32_t)user_get_uint(be, pair + 4, 4);
        if ((recv ? user_arg_wbuf : user_arg_ptr)(p, base, len, &ptr) < 0) {
            return -EFAULT;
        }
        iov[i].iov_base = ptr;
        iov[i].iov_len = len;
    }
    return 0;
}

/* sendmsg(fd, msg, flags) or recvmsg: a[1] is the guest's struct compat_msghdr. */
static int64_t msg_call(UserProc *p, const uint64_t a[6], bool recv)
{
    bool be = user_guest_be(p);
    uint8_t g[MSGHDR32_SIZE];
    if (user_copy_from(&p->mem, g, a[1], sizeof(g)) < 0) {
        return -EFAULT;
    }
    GuestAddr name = (uint32_t)user_get_uint(be, g, 4);
    uint32_t namelen = (uint32_t)user_get_uint(be, g + 4, 4);
    GuestAddr iov_addr = (uint32_t)user_get_uint(be, g + 8, 4);
    uint32_t iovlen = (uint32_t)user_get_uint(be, g + 12, 4);
    GuestAddr control = (uint32_t)user_get_uint(be, g + 16, 4);
    uint32_t controllen = (uint32_t)user_get_uint(be, g + 20, 4);
    if (iovlen > MSG32_IOV_MAX) {
        return -EMSGSIZE;
    }
    if (controllen > MSG32_CMSG_MAX) {
        return -ENOBUFS;
    }
    if (name != 0 && (int32_t)namelen < 0) {
        return -EINVAL;
    }

    struct msghdr h;
    memset(&h, 0, sizeof(h));
    uint8_t addr[USER_SOCKADDR_MAX];
    if (name != 0) {
        if (recv) {
            h.msg_namelen = sizeof(addr);
        } else {
            if (namelen > sizeof(addr)) {
                return -EINVAL;
            }
            if (user_copy_from(&p->mem, addr, name, namelen) < 0) {
                return -EFAULT;
            }
            if (be) {
                user_sockaddr_swap_be(addr, namelen, true);
            }
            h.msg_namelen = namelen;
        }
        h.msg_name = addr;
    }
    g_autofree struct iovec *iov = g_new0(struct iovec, iovlen ? iovlen : 1);
    if (get_iov(p, iov_addr, iovlen, recv, iov) < 0) {
        return -EFAULT;
    }
    h.msg_iov = iov;
    h.msg_iovlen = iovlen;

    /* Host control messages need at most twice the guest's room (16- vs 12-byte headers). */
    size_t hroom = controllen ? 2 * (size_t)controllen + CMSG_SPACE(0) : 0;
    g_autofree uint8_t *gctl = g_malloc0(controllen ? controllen : 1);
    g_autofree uint8_t *hctl = g_malloc0(hroom ? hroom : 1);
    if (controllen && control) {
        if (!recv) {
            if (user_copy_from(&p->mem, gctl, control, controllen) < 0) {
                return -EFAULT;
            }
            int64_t n = cmsg_to_host(be, gctl, controllen, hctl, hroom);
            if (n < 0) {
                return n;
            }
            hroom = (size_t)n;
        }
        h.msg_control = hroom ? hctl : NULL;
        h.msg_controllen = hroom;
    }

    int64_t r = user_safe_syscall3(p, recv ? SYS_recvmsg : SYS_sendmsg, (int)a[0], &h, (int)a[2]);
    if (r < 0 || !recv) {
        return r;
    }
    /* The kernel writes msg_namelen, msg_controllen and msg_flags back. */
    int flags = h.msg_flags;
    uint32_t glen = 0;
    if (h.msg_control) {
        bool truncated = false;
        glen = cmsg_to_guest(be, hctl, h.msg_controllen, gctl, controllen, &truncated);
        if (truncated) {
            flags |= MSG_CTRUNC;
        }
        if (user_copy_to(&p->mem, control, gctl, glen) < 0) {
            return -EFAULT;
        }
    }
    if (name != 0) {
        uint32_t n = MIN(h.msg_namelen, namelen);
        if (be) {
            user_sockaddr_swap_be(addr, n, false);
        }
        if (user_copy_to(&p->mem, name, addr, n) < 0) {
            return -EFAULT;
        }
        user_put_uint(be, g + 4, 4, h.msg_namelen);
    }
    user_put_uint(be, g + 20, 4, glen);
    user_put_uint(be, g + 24, 4, (uint32_t)flags);
    if (user_copy_to(&p->mem, a[1], g, sizeof(g)) < 0) {
        return -EFAULT;
    }
    return r;
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
    return user_sys_mmsg(p, a, false, false, msg_call);
}

static int64_t sys_recvmmsg(UserProc *p, const uint64_t a[6])
{
    return user_sys_mmsg(p, a, true, false, msg_call);
}

static int64_t sys_recvmmsg_time64(UserProc *p, const uint64_t a[6])
{
    return user_sys_mmsg(p, a, true, true, msg_call);
}

const UserSyscallRow user32_msg_rows[] = {
    { USER_NR_sendmsg, sys_sendmsg, .flags = USER_SYS_RESTART },
    { USER_NR_recvmsg, sys_recvmsg, .flags = USER_SYS_RESTART },
    { USER_NR_sendmmsg, sys_sendmmsg, .flags = USER_SYS_RESTART },
    { USER_NR_recvmmsg, sys_recvmmsg, .flags = USER_SYS_RESTART },
    { USER_NR_recvmmsg_time64, sys_recvmmsg_time64, .flags = USER_SYS_RESTART },
    { -1 },
};
