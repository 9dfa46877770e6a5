/*
 * sendmsg / recvmsg for i386: struct msghdr holds guest pointers and 32-bit lengths
 * (compat_msghdr, 28 bytes), its iovec 32-bit pairs, and control messages have a 12-byte
 * header with 4-byte alignment (compat_cmsghdr, net/compat.c) where the host's has 16
 * and 8.  The payloads are copied as they are: right for the int-valued ones
 * (SCM_RIGHTS, SCM_CREDENTIALS, IP_PKTINFO ...); those holding a struct timeval or
 * timespec (SO_TIMESTAMP_OLD ...) would need converting and are not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "platform/linux-user/i386/i386_user.h"

#define MSGHDR32_SIZE   28
#define CMSG32_HDR      12
#define CMSG32_ALIGN(n) (((n) + 3u) & ~3u)
#define I386_IOV_MAX    1024
#define I386_CMSG_MAX   (64u * 1024)

typedef struct MsgHdr32 {
    uint32_t name, namelen, iov, iovlen, control, controllen;
    int32_t flags;
} MsgHdr32;

static int get_msghdr(UserProc *p, GuestAddr addr, MsgHdr32 *m)
{
    uint8_t b[MSGHDR32_SIZE];
    if (user_copy_from(&p->mem, b, addr, sizeof(b)) < 0) {
        return -EFAULT;
    }
    m->name = x86_get32(b);
    m->namelen = x86_get32(b + 4);
    m->iov = x86_get32(b + 8);
    m->iovlen = x86_get32(b + 12);
    m->control = x86_get32(b + 16);
    m->controllen = x86_get32(b + 20);
    m->flags = (int32_t)x86_get32(b + 24);
    return 0;
}

/* Guest control messages into host ones (hbuf of hroom bytes); the host length or -errno. */
static int64_t cmsg_to_host(const uint8_t *g, uint32_t glen, uint8_t *hbuf, size_t hroom)
{
    size_t hlen = 0;
    uint32_t off = 0;
    while (off + CMSG32_HDR <= glen) {
        uint32_t len = x86_get32(g + off);
        if (len < CMSG32_HDR || len > glen - off) {
            return -EINVAL;
        }
        uint32_t data = len - CMSG32_HDR;
        if (hlen + CMSG_SPACE(data) > hroom) {
            return -ENOBUFS;
        }
        struct cmsghdr *c = (struct cmsghdr *)(hbuf + hlen);
        c->cmsg_len = CMSG_LEN(data);
        c->cmsg_level = (int32_t)x86_get32(g + off + 4);
        c->cmsg_type = (int32_t)x86_get32(g + off + 8);
        memcpy(CMSG_DATA(c), g + off + CMSG32_HDR, data);
        hlen += CMSG_SPACE(data);
        off += CMSG32_ALIGN(len);
    }
    return (int64_t)hlen;
}

/* Host control messages into the guest's room; sets MSG_CTRUNC when they do not fit. */
static uint32_t cmsg_to_guest(struct msghdr *h, uint8_t *g, uint32_t room, int *flags)
{
    uint32_t off = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
        uint32_t data = (uint32_t)(c->cmsg_len - CMSG_LEN(0));
        if (off + CMSG32_HDR + data > room) {
            *flags |= MSG_CTRUNC;
            break;
        }
        x86_put32(g + off, CMSG32_HDR + data);
        x86_put32(g + off + 4, (uint32_t)c->cmsg_level);
        x86_put32(g + off + 8, (uint32_t)c->cmsg_type);
        memcpy(g + off + CMSG32_HDR, CMSG_DATA(c), data);
        off += MIN(CMSG32_ALIGN(CMSG32_HDR + data), room);
    }
    return MIN(off, room);
}

static int64_t msg_call(UserProc *p, const uint64_t a[6], bool recv)
{
    MsgHdr32 m;
    if (get_msghdr(p, a[1], &m) < 0) {
        return -EFAULT;
    }
    if (m.iovlen > I386_IOV_MAX || m.controllen > I386_CMSG_MAX) {
        return m.iovlen > I386_IOV_MAX ? -EMSGSIZE : -ENOBUFS;
    }
    struct msghdr h;
    memset(&h, 0, sizeof(h));
    void *name = NULL;
    if (m.name && user_arg_wbuf(p, m.name, m.namelen, &name) < 0) {
        return -EFAULT;
    }
    h.msg_name = name;
    h.msg_namelen = m.namelen;
    g_autofree struct iovec *iov = g_new0(struct iovec, m.iovlen ? m.iovlen : 1);
    for (uint32_t i = 0; i < m.iovlen; i++) {
        uint8_t pair[8];
        void *base;
        if (user_copy_from(&p->mem, pair, m.iov + 8 * i, 8) < 0) {
            return -EFAULT;
        }
        uint32_t len = x86_get32(pair + 4);
        int err = recv ? user_arg_wbuf(p, x86_get32(pair), len, &base)
                       : user_arg_ptr(p, x86_get32(pair), len, &base);
        if (err < 0) {
            return -EFAULT;
        }
        iov[i].iov_base = base;
        iov[i].iov_len = len;
    }
    h.msg_iov = iov;
    h.msg_iovlen = m.iovlen;
    /* Host control messages take at most twice the guest's room (16- vs 12-byte headers). */
    size_t hroom = 2 * (size_t)m.controllen + 64;
    g_autofree uint8_t *gctl = g_malloc0(m.controllen + 1);
    g_autofree uint8_t *hctl = g_malloc0(hroom);
    if (m.control && m.controllen) {
        if (user_copy_from(&p->mem, gctl, m.control, m.controllen) < 0) {
            return -EFAULT;
        }
        h.msg_control = hctl;
        if (recv) {
            h.msg_controllen = hroom;
        } else {
            int64_t n = cmsg_to_host(gctl, m.controllen, hctl, hroom);
            if (n < 0) {
                return n;
            }
            h.msg_controllen = n;
        }
    }
    h.msg_flags = m.flags;
    int64_t r = user_safe_syscall3(p, recv ? SYS_recvmsg : SYS_sendmsg, (int)a[0], &h, (int)a[2]);
    if (r < 0 || !recv) {
        return r;
    }
    uint32_t clen = 0;
    int flags = h.msg_flags;
    if (h.msg_control && h.msg_controllen) {
        clen = cmsg_to_guest(&h, gctl, m.controllen, &flags);
        if (user_copy_to(&p->mem, m.control, gctl, clen) < 0) {
            return -EFAULT;
        }
    }
    /* msg_namelen, msg_controllen and msg_flags go back into the guest's msghdr. */
    uint8_t b[4];
    x86_put32(b, h.msg_namelen);
    if (user_copy_to(&p->mem, a[1] + 4, b, 4) < 0) {
        return -EFAULT;
    }
    x86_put32(b, clen);
    if (user_copy_to(&p->mem, a[1] + 20, b, 4) < 0) {
        return -EFAULT;
    }
    x86_put32(b, (uint32_t)flags);
    if (user_copy_to(&p->mem, a[1] + 24, b, 4) < 0) {
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

const UserSyscallRow i386_msg_rows[] = {
    { USER_NR_sendmsg, sys_sendmsg, .flags = USER_SYS_RESTART },
    { USER_NR_recvmsg, sys_recvmsg, .flags = USER_SYS_RESTART },
    { USER_NR_sendmmsg, sys_sendmmsg, .flags = USER_SYS_RESTART },
    { USER_NR_recvmmsg, sys_recvmmsg, .flags = USER_SYS_RESTART },
    { USER_NR_recvmmsg_time64, sys_recvmmsg_time64, .flags = USER_SYS_RESTART },
    { -1 },
};
