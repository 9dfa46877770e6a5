/*
 * ppc32 socket calls whose arguments hold integers in guest byte order: the sockaddr
 * family (and the host-order fields of sockaddr_in6 and sockaddr_nl), socklen_t through
 * pointers, int-valued socket options, and the SOL_SOCKET option numbers that
 * arch/powerpc/include/uapi/asm/socket.h gives other values than x86-64.  Ports and
 * addresses are in network order on every machine and pass as they are.  Options
 * holding a struct timeval (SO_RCVTIMEO/SO_SNDTIMEO, old and new) are
 * user32_sockopt_timeval()'s.  sendmsg/recvmsg are user_compat32_msg.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "platform/linux-user/ppc32/ppc_user.h"



/* A guest sockaddr of len bytes into buf, host order. */
static int get_sockaddr(UserProc *p, GuestAddr addr, uint32_t len, uint8_t *buf)
{
    if (len > USER_SOCKADDR_MAX) {
        return -EINVAL;
    }
    if (user_copy_from(&p->mem, buf, addr, len) < 0) {
        return -EFAULT;
    }
    user_sockaddr_swap_be(buf, len, true);
    return 0;
}

/* The kernel's sockaddr (len bytes, maybe more than the guest's room) out to the guest. */
static int put_sockaddr(UserProc *p, GuestAddr addr, GuestAddr lenp, uint8_t *buf,
                        uint32_t len, uint32_t room)
{
    user_sockaddr_swap_be(buf, MIN(len, room), false);
    if (user_copy_to(&p->mem, addr, buf, MIN(len, room)) < 0) {
        return -EFAULT;
    }
    return user_write_uint(p, lenp, 4, len);
}

static int64_t sock_addr_in(UserProc *p, const uint64_t a[6], long nr)
{
    uint8_t buf[USER_SOCKADDR_MAX];
    int r = get_sockaddr(p, a[1], (uint32_t)a[2], buf);
    if (r < 0) {
        return r;
    }
    return user_safe_syscall3(p, nr, (int)a[0], buf, (socklen_t)a[2]);
}

static int64_t sys_bind(UserProc *p, const uint64_t a[6])
{
    return sock_addr_in(p, a, SYS_bind);
}

static int64_t sys_connect(UserProc *p, const uint64_t a[6])
{
    return sock_addr_in(p, a, SYS_connect);
}

/* accept4 / getsockname / getpeername: (fd, addr, socklen_t *len [, flags]). */
static int64_t sock_addr_out(UserProc *p, const uint64_t a[6], long nr, bool accept)
{
    uint8_t buf[USER_SOCKADDR_MAX];
    uint64_t room = 0;
    if (a[1] && user_read_uint(p, a[2], 4, &room) < 0) {
        return -EFAULT;
    }
    socklen_t len = sizeof(buf);
    int64_t r;
    if (accept) {
        r = user_safe_syscall6(p, nr, (int)a[0], a[1] ? buf : NULL, a[1] ? &len : NULL,
                               (int)ppc_open_flags_to_host((uint32_t)a[3]), 0, 0);
    } else {
        r = user_ret(syscall(nr, (int)a[0], buf, &len));
    }
    if (r >= 0 && a[1] && put_sockaddr(p, a[1], a[2], buf, len, (uint32_t)room) < 0) {
        return -EFAULT;
    }
    return r;
}

static int64_t sys_accept4(UserProc *p, const uint64_t a[6])
{
    return sock_addr_out(p, a, SYS_accept4, true);
}

static int64_t sys_accept(UserProc *p, const uint64_t a[6])
{
    uint64_t b[6] = { a[0], a[1], a[2], 0, 0, 0 };
    return sock_addr_out(p, b, SYS_accept4, true);
}

static int64_t sys_getsockname(UserProc *p, const uint64_t a[6])
{
    return sock_addr_out(p, a, SYS_getsockname, false);
}

static int64_t sys_getpeername(UserProc *p, const uint64_t a[6])
{
    return sock_addr_out(p, a, SYS_getpeername, false);
}

/* sendto(fd, buf, len, flags, addr, addrlen) */
static int64_t sys_sendto(UserProc *p, const uint64_t a[6])
{
    void *data;
    uint8_t buf[USER_SOCKADDR_MAX];
    if (user_arg_ptr(p, a[1], a[2], &data) < 0) {
        return -EFAULT;
    }
    if (a[4]) {
        int r = get_sockaddr(p, a[4], (uint32_t)a[5], buf);
        if (r < 0) {
            return r;
        }
    }
    return user_safe_syscall6(p, SYS_sendto, (int)a[0], data, (size_t)(uint32_t)a[2], (int)a[3],
                              a[4] ? buf : NULL, (socklen_t)a[5]);
}

/* recvfrom(fd, buf, len, flags, addr, socklen_t *addrlen) */
static int64_t sys_recvfrom(UserProc *p, const uint64_t a[6])
{
    void *data;
    uint8_t buf[USER_SOCKADDR_MAX];
    uint64_t room = 0;
    if (user_arg_wbuf(p, a[1], a[2], &data) < 0) {
        return -EFAULT;
    }
    if (a[4] && user_read_uint(p, a[5], 4, &room) < 0) {
        return -EFAULT;
    }
    socklen_t len = sizeof(buf);
    int64_t r = user_safe_syscall6(p, SYS_recvfrom, (int)a[0], data, (size_t)(uint32_t)a[2],
                                   (int)a[3], a[4] ? buf : NULL, a[4] ? &len : NULL);
    if (r >= 0 && a[4] && put_sockaddr(p, a[4], a[5], buf, len, (uint32_t)room) < 0) {
        return -EFAULT;
    }
    return r;
}

static int64_t sys_socketpair(UserProc *p, const uint64_t a[6])
{
    int sv[2];
    long r = syscall(SYS_socketpair, (int)a[0], (int)ppc_open_flags_to_host((uint32_t)a[1]),
                     (int)a[2], sv);
    if (r < 0) {
        return user_errno();
    }
    if (user_write_uint(p, a[3], 4, (uint32_t)sv[0]) < 0 ||
        user_write_uint(p, a[3] + 4, 4, (uint32_t)sv[1]) < 0) {
        close(sv[0]);
        close(sv[1]);
        return -EFAULT;
    }
    return 0;
}

/* SOL_SOCKET option numbers: ppc moves six of them (asm/socket.h). */
static int sol_socket_opt(int opt)
{
    switch (opt) {
    case 16: return SO_RCVLOWAT;
    case 17: return SO_SNDLOWAT;
    case 18: return SO_RCVTIMEO;
    case 19: return SO_SNDTIMEO;
    case 20: return SO_PASSCRED;
    case 21: return SO_PEERCRED;
    default: return opt;
    }
}

/* SO_RCVTIMEO/SO_SNDTIMEO in their old (18, 19: old_timeval32) and new (66, 67) forms. */
static bool timeval_opt(const uint64_t a[6], bool *t64, int *host_opt)
{
    if ((int)a[1] != SOL_SOCKET) {
        return false;
    }
    switch ((int)a[2]) {
    case 18: case 66: *host_opt = SO_RCVTIMEO; break;
    case 19: case 67: *host_opt = SO_SNDTIMEO; break;
    default: return false;
    }
    *t64 = (int)a[2] >= 66;
    return true;
}

/* setsockopt(fd, level, opt, val, len): int-sized values and arrays of ints are swapped. */
static int64_t sys_setsockopt(UserProc *p, const uint64_t a[6])
{
    int level = (int)a[1], opt = (int)a[2], host_opt;
    uint32_t len = (uint32_t)a[4];
    bool t64;
    if (timeval_opt(a, &t64, &host_opt)) {
        return user32_sockopt_timeval(p, a, true, t64, host_opt);
    }
    if (level == SOL_SOCKET) {
        opt = sol_socket_opt(opt);
    }
    if (len > 256) {
        return -EINVAL;
    }
    uint8_t buf[256];
    if (len && user_copy_from(&p->mem, buf, a[3], len) < 0) {
        return -EFAULT;
    }
    if ((len & 3) == 0 && level != IPPROTO_IP && level != IPPROTO_IPV6) {
        for (uint32_t i = 0; i < len; i += 4) {
            uint32_t v = ppc_get32(buf + i);
            memcpy(buf + i, &v, 4);
        }
    } else if (len == 4) {
        uint32_t v = ppc_get32(buf);
        memcpy(buf, &v, 4);
    }
    return user_ret(syscall(SYS_setsockopt, (int)a[0], level, opt, len ? buf : NULL, len));
}

static int64_t sys_getsockopt(UserProc *p, const uint64_t a[6])
{
    int level = (int)a[1], opt = (int)a[2], host_opt;
    uint64_t room;
    bool t64;
    if (timeval_opt(a, &t64, &host_opt)) {
        return user32_sockopt_timeval(p, a, false, t64, host_opt);
    }
    if (level == SOL_SOCKET) {
        opt = sol_socket_opt(opt);
    }
    if (user_read_uint(p, a[4], 4, &room) < 0) {
        return -EFAULT;
    }
    uint8_t buf[256];
    socklen_t len = MIN(room, sizeof(buf));
    if (syscall(SYS_getsockopt, (int)a[0], level, opt, buf, &len) < 0) {
        return user_errno();
    }
    /* Integer-valued options (and SO_PEERCRED's three ints) in guest order. */
    if ((len & 3) == 0 && !(len > 4 && (level == IPPROTO_IP || level == IPPROTO_IPV6))) {
        for (uint32_t i = 0; i < len; i += 4) {
            uint32_t v;
            memcpy(&v, buf + i, 4);
            ppc_put32(buf + i, v);
        }
    }
    if (user_copy_to(&p->mem, a[3], buf, len) < 0) {
        return -EFAULT;
    }
    return user_write_uint(p, a[4], 4, len);
}

const UserSyscallRow ppc_net_rows[] = {
    { USER_NR_socketpair, sys_socketpair },
    { USER_NR_bind, sys_bind },
    { USER_NR_connect, sys_connect, .flags = USER_SYS_RESTART },
    { USER_NR_accept, sys_accept, .flags = USER_SYS_RESTART },
    { USER_NR_accept4, sys_accept4, .flags = USER_SYS_RESTART },
    { USER_NR_getsockname, sys_getsockname },
    { USER_NR_getpeername, sys_getpeername },
    { USER_NR_sendto, sys_sendto, .flags = USER_SYS_RESTART },
    { USER_NR_recvfrom, sys_recvfrom, .flags = USER_SYS_RESTART },
    { USER_NR_setsockopt, sys_setsockopt },
    { USER_NR_getsockopt, sys_getsockopt },
    { -1 },
};
