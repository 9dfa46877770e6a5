/*
 * sendmsg/recvmsg for ppc32 guests.  Everything in a 32-bit big-endian struct msghdr
 * differs from the host's: pointers and lengths are 4 bytes, the iovec array holds
 * 4-byte pairs, the sockaddr family is big-endian, and each control message has a
 * 12-byte header (size_t cmsg_len) with data aligned to 4, where the host's has 16
 * bytes and aligns to 8.  Control messages are converted by type: SCM_RIGHTS (file
 * descriptors) and SCM_CREDENTIALS (pid, uid, gid) have their ints swapped; a type
 * whose payload is not known is refused on send (EINVAL) and passed through unchanged
 * on receive, each saying so once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "platform/linux-user/ppc32/ppc_user.h"

#define PPC_MSGHDR_SIZE 28      /* name, namelen, iov, iovlen, control, controllen, flags */
#define PPC_CMSG_HDR 12         /* cmsg_len (size_t), cmsg_level, cmsg_type */
#define PPC_CMSG_ALIGN(n) (((n) + 3u) & ~3u)
#define PPC_IOV_MAX 1024
#define PPC_CONTROL_MAX (64 * 1024)

static void cmsg_unknown(bool send, int level, int type)
{
    static volatile int said;
    if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED)) {
        fprintf(stderr, "mimic: ppc %s with a control message of level %d type %d that is not converted%s\n",
                send ? "sendmsg" : "recvmsg", level, type,
                send ? " (EINVAL)" : ": its payload is passed on unchanged");
    }
}

/* The payload's 32-bit ints swapped (fds, ucred); false for a type not known here. */
static bool cmsg_is_int_array(int level, int type)
{
    return level == SOL_SOCKET && (type == SCM_RIGHTS || type == SCM_CREDENTIALS);
}

static void swap_ints(uint8_t *data, uint32_t len, bool to_host)
{
    for (uint32_t off = 0; off + 4 <= len; off += 4) {
        uint32_t v = to_host ? ppc_get32(data + off) : (uint32_t)user_get_uint(false, data + off, 4);
        user_put_uint(!to_host, data + off, 4, v);
    }
}

/* Guest control messages (len bytes at gbuf) into host ones; the host length or -errno. */
static int64_t control_to_host(const uint8_t *gbuf, uint32_t len, uint8_t *hbuf, size_t hroom)
{
    size_t used = 0;
    uint32_t off = 0;

    while (off + PPC_CMSG_HDR <= len) {
        uint32_t clen = ppc_get32(gbuf + off);
        int level = (int)ppc_get32(gbuf + off + 4);
        int type = (int)ppc_get32(gbuf + off + 8);
        if (clen < PPC_CMSG_HDR || clen > len - off) {
            return -EINVAL;
        }
        uint32_t dlen = clen - PPC_CMSG_HDR;
        if (!cmsg_is_int_array(level, type)) {
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
        memcpy(CMSG_DATA(h), gbuf + off + PPC_CMSG_HDR, dlen);
        swap_ints(CMSG_DATA(h), dlen, true);
        used += CMSG_SPACE(dlen);
        off += PPC_CMSG_ALIGN(clen);
    }
    return (int64_t)used;
}

/*
 * Host control messages (hlen bytes) out as guest ones in at most groom bytes; returns
 * the guest length and sets *truncated when something did not fit.  File descriptors
 * that do not reach the guest are closed, as the kernel would never have installed them.
 */
static uint32_t control_from_host(uint8_t *hbuf, size_t hlen, uint8_t *gbuf, uint32_t groom, bool *truncated)
{
    struct msghdr fake = { .msg_control = hbuf, .msg_controllen = hlen };
    uint32_t off = 0;

    for (struct cmsghdr *h = CMSG_FIRSTHDR(&fake); h != NULL; h = CMSG_NXTHDR(&fake, h)) {
        uint32_t dlen = (uint32_t)(h->cmsg_len - CMSG_LEN(0));
        uint32_t room = groom > off + PPC_CMSG_HDR ? groom - off - PPC_CMSG_HDR : 0;
        uint32_t keep = MIN(dlen, room);
        bool fds = h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS;

        if (fds) {
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
        if (!cmsg_is_int_array(h->cmsg_level, h->cmsg_type)) {
            cmsg_unknown(false, h->cmsg_level, h->cmsg_type);
        }
        ppc_put32(gbuf + off, PPC_CMSG_HDR + keep);
        ppc_put32(gbuf + off + 4, (uint32_t)h->cmsg_level);
        ppc_put32(gbuf + off + 8, (uint32_t)h->cmsg_type);
        memcpy(gbuf + off + PPC_CMSG_HDR, CMSG_DATA(h), keep);
        if (cmsg_is_int_array(h->cmsg_level, h->cmsg_type)) {
            swap_ints(gbuf + off + PPC_CMSG_HDR, keep, false);
        }
        off = MIN(groom, off + PPC_CMSG_ALIGN(PPC_CMSG_HDR + keep));
    }
    return off;
}

static int64_t msg_call(UserProc *p, const uint64_t a[6], bool recv)
{
    uint8_t g[PPC_MSGHDR_SIZE];
    if (user_copy_from(&p->mem, g, a[1], sizeof(g)) < 0) {
        return -EFAULT;
    }
    GuestAddr name = ppc_get32(g), iov_addr = ppc_get32(g + 8), control = ppc_get32(g + 16);
    uint32_t namelen = ppc_get32(g + 4), iovlen = ppc_get32(g + 12), controllen = ppc_get32(g + 20);
    if (iovlen > PPC_IOV_MAX) {
        return -EMSGSIZE;
    }
    if (controllen > PPC_CONTROL_MAX || (name != 0 && (int32_t)namelen < 0)) {
        return -EINVAL;
    }

    struct msghdr h;
    memset(&h, 0, sizeof(h));
    uint8_t addr[PPC_SOCKADDR_MAX];
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
            ppc_swap_sockaddr(addr, namelen, true);
            h.msg_namelen = namelen;
        }
        h.msg_name = addr;
    }

    g_autofree struct iovec *iov = g_new0(struct iovec, iovlen ? iovlen : 1);
    for (uint32_t i = 0; i < iovlen; i++) {
        uint8_t pair[8];
        void *ptr;
        if (user_copy_from(&p->mem, pair, iov_addr + 8 * i, 8) < 0) {
            return -EFAULT;
        }
        uint32_t base = ppc_get32(pair), len = ppc_get32(pair + 4);
        if ((recv ? user_arg_wbuf : user_arg_ptr)(p, base, len, &ptr) < 0) {
            return -EFAULT;
        }
        iov[i].iov_base = ptr;
        iov[i].iov_len = len;
    }
    h.msg_iov = iov;
    h.msg_iovlen = iovlen;

    /* Host control messages need at most twice the guest's room (16- vs 12-byte headers, 8 vs 4 alignment). */
    size_t hroom = controllen ? 2 * (size_t)controllen + CMSG_SPACE(0) : 0;
    g_autofree uint8_t *gctl = g_malloc0(controllen ? controllen : 1);
    g_autofree uint8_t *hctl = g_malloc0(hroom ? hroom : 1);
    if (controllen) {
        if (!recv) {
            if (user_copy_from(&p->mem, gctl, control, controllen) < 0) {
                return -EFAULT;
            }
            int64_t n = control_to_host(gctl, controllen, hctl, hroom);
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
    int flags = h.msg_flags;
    uint32_t glen = 0;
    if (controllen) {
        bool truncated = false;
        glen = control_from_host(hctl, h.msg_controllen, gctl, controllen, &truncated);
        if (truncated) {
            flags |= MSG_CTRUNC;
        }
        if (user_copy_to(&p->mem, control, gctl, glen) < 0) {
            return -EFAULT;
        }
    }
    if (name != 0) {
        uint32_t n = MIN(h.msg_namelen, namelen);
        ppc_swap_sockaddr(addr, n, false);
        if (user_copy_to(&p->mem, name, addr, n) < 0) {
            return -EFAULT;
        }
        ppc_put32(g + 4, h.msg_namelen);
    }
    ppc_put32(g + 20, glen);
    ppc_put32(g + 24, (uint32_t)flags);
    if (user_copy_to(&p->mem, a[1], g, sizeof(g)) < 0) {
        return -EFAULT;
    }
    return r;
}

int64_t ppc_sys_sendmsg(UserProc *p, const uint64_t a[6])
{
    return msg_call(p, a, false);
}

int64_t ppc_sys_recvmsg(UserProc *p, const uint64_t a[6])
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

const UserSyscallRow ppc_mmsg_rows[] = {
    { USER_NR_sendmmsg, sys_sendmmsg, .flags = USER_SYS_RESTART },
    { USER_NR_recvmmsg, sys_recvmmsg, .flags = USER_SYS_RESTART },
    { USER_NR_recvmmsg_time64, sys_recvmmsg_time64, .flags = USER_SYS_RESTART },
    { -1 },
};
