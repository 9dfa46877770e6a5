/*
 * socketcall(call, args): the one socket syscall of old i386 programs (net/socket.c,
 * compat_sys_socketcall).  The arguments are 32-bit words in guest memory; each call
 * goes to the generic row of the same socket call, so the direct socket syscalls
 * (socket ... accept4, which glibc 2.36 uses) and socketcall behave the same.
 */
#include <errno.h>

#include "platform/linux-user/i386/i386_user.h"

/* SYS_SOCKET ... SYS_SENDMMSG (include/uapi/linux/net.h): generic number and argument count. */
static const struct {
    int16_t generic;
    uint8_t nargs;
} socketcalls[] = {
    [1] = { USER_NR_socket, 3 },        [2] = { USER_NR_bind, 3 },
    [3] = { USER_NR_connect, 3 },       [4] = { USER_NR_listen, 2 },
    [5] = { USER_NR_accept, 3 },        [6] = { USER_NR_getsockname, 3 },
    [7] = { USER_NR_getpeername, 3 },   [8] = { USER_NR_socketpair, 4 },
    [9] = { USER_NR_sendto, 4 },        [10] = { USER_NR_recvfrom, 4 },
    [11] = { USER_NR_sendto, 6 },       [12] = { USER_NR_recvfrom, 6 },
    [13] = { USER_NR_shutdown, 2 },     [14] = { USER_NR_setsockopt, 5 },
    [15] = { USER_NR_getsockopt, 5 },   [16] = { USER_NR_sendmsg, 3 },
    [17] = { USER_NR_recvmsg, 3 },      [18] = { USER_NR_accept4, 4 },
    [19] = { USER_NR_recvmmsg, 5 },     [20] = { USER_NR_sendmmsg, 4 },
};

int64_t i386_sys_socketcall(UserProc *p, const uint64_t a[6])
{
    uint32_t call = (uint32_t)a[0];
    if (call < 1 || call >= G_N_ELEMENTS(socketcalls)) {
        return -EINVAL;
    }
    uint8_t b[24];
    unsigned n = socketcalls[call].nargs;
    if (user_copy_from(&p->mem, b, a[1], 4 * n) < 0) {
        return -EFAULT;
    }
    /* send and recv are sendto/recvfrom without an address (args 5 and 6 stay 0). */
    uint64_t args[6] = { 0 };
    for (unsigned i = 0; i < n; i++) {
        args[i] = x86_get32(b + 4 * i);
    }
    uint32_t flags;
    return user_syscall_generic(p, socketcalls[call].generic, args, &flags);
}
