/*
 * System V semaphores and message queues for i386: the ipc(call, first, second, third,
 * ptr, fifth) multiplexer glibc 2.36 uses on i386 (ipc/syscall.c, compat_ksys_ipc) and
 * the direct calls of Linux 5.1 (semget ... msgctl, 393-402).  Semaphore arrays and
 * sembuf are the same bytes everywhere; a message's `long mtype` is 32-bit here and is
 * widened for the host.  The *ctl commands that return or take a whole *id64_ds
 * (IPC_STAT, IPC_SET, IPC_INFO ...) and shared memory are not converted: ENOSYS,
 * reported once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/syscall.h>

#include "platform/linux-user/i386/i386_user.h"

/* ipc() call numbers (include/linux/ipc.h). */
enum {
    IPCCALL_SEMOP = 1, IPCCALL_SEMGET = 2, IPCCALL_SEMCTL = 3, IPCCALL_SEMTIMEDOP = 4,
    IPCCALL_MSGSND = 11, IPCCALL_MSGRCV = 12, IPCCALL_MSGGET = 13, IPCCALL_MSGCTL = 14,
};
#define I386_IPC_64 0x100       /* the version bit glibc ors into *ctl commands */
#define I386_MSGMAX (1u << 16)

static int64_t ipc_unsupported(const char *what, int cmd)
{
    static volatile int warned;
    if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED)) {
        fprintf(stderr, "mimic: unsupported i386 System V IPC call: %s %d (not converted)\n", what, cmd);
    }
    return -ENOSYS;
}

/* semop / semtimedop(id, sops, nsops, timeout: old_timespec32, __kernel_timespec with t64, or NULL). */
static int64_t sem_timedop(UserProc *p, int id, GuestAddr sops, uint32_t nsops, GuestAddr tsp, bool t64)
{
    void *h;
    struct timespec ts;
    if (nsops > 4096) {
        return -E2BIG;
    }
    if (user_arg_ptr(p, sops, (uint64_t)nsops * 6, &h) < 0) {
        return -EFAULT;
    }
    if (tsp) {
        uint8_t b[16];
        if (user_copy_from(&p->mem, b, tsp, t64 ? 16 : 8) < 0) {
            return -EFAULT;
        }
        ts.tv_sec = t64 ? (int64_t)x86_get64(b) : (int32_t)x86_get32(b);
        ts.tv_nsec = (int32_t)x86_get32(b + (t64 ? 8 : 4));
    }
    return user_safe_syscall6(p, SYS_semtimedop, id, h, nsops, tsp ? &ts : NULL, 0, 0);
}

/* semctl(id, num, cmd, arg): arg is the 32-bit union semun (an int or a guest pointer). */
static int64_t sem_ctl(UserProc *p, int id, int num, int cmd, uint32_t arg)
{
    void *h;
    cmd &= ~I386_IPC_64;
    switch (cmd) {
    case IPC_RMID:
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
        return user_ret(syscall(SYS_semctl, id, num, cmd, 0));
    case SETVAL:
        return user_ret(syscall(SYS_semctl, id, num, cmd, (unsigned long)arg));
    case GETALL:
    case SETALL: {
        /* An array of unsigned short, one per semaphore: its size from the set itself. */
        struct semid_ds ds;
        if (syscall(SYS_semctl, id, 0, IPC_STAT, &ds) < 0) {
            return user_errno();
        }
        int err = cmd == GETALL ? user_arg_wbuf(p, arg, ds.sem_nsems * 2, &h)
                                : user_arg_ptr(p, arg, ds.sem_nsems * 2, &h);
        if (err < 0 || h == NULL) {
            return -EFAULT;
        }
        return user_ret(syscall(SYS_semctl, id, num, cmd, h));
    }
    default:
        return ipc_unsupported("semctl", cmd);
    }
}

/* msgsnd(id, msgp, size, flags): struct msgbuf { s32 mtype; char mtext[]; }. */
static int64_t msg_snd(UserProc *p, int id, GuestAddr msgp, uint32_t size, int flags)
{
    if ((int32_t)size < 0 || size > I386_MSGMAX) {
        return -EINVAL;
    }
    g_autofree uint8_t *h = g_try_malloc(8 + size);
    uint8_t t[4];
    if (!h) {
        return -ENOMEM;
    }
    if (user_copy_from(&p->mem, t, msgp, 4) < 0 || user_copy_from(&p->mem, h + 8, msgp + 4, size) < 0) {
        return -EFAULT;
    }
    int64_t mtype = (int32_t)x86_get32(t);
    memcpy(h, &mtype, 8);
    return user_safe_syscall6(p, SYS_msgsnd, id, h, size, flags, 0, 0);
}

static int64_t msg_rcv(UserProc *p, int id, GuestAddr msgp, uint32_t size, int32_t type, int flags)
{
    if ((int32_t)size < 0 || size > I386_MSGMAX) {
        return -EINVAL;
    }
    g_autofree uint8_t *h = g_try_malloc(8 + size);
    if (!h) {
        return -ENOMEM;
    }
    int64_t r = user_safe_syscall6(p, SYS_msgrcv, id, h, size, (long)type, flags, 0);
    if (r < 0) {
        return r;
    }
    int64_t mtype;
    memcpy(&mtype, h, 8);
    uint8_t t[4];
    x86_put32(t, (uint32_t)mtype);
    if (user_copy_to(&p->mem, msgp, t, 4) < 0 || user_copy_to(&p->mem, msgp + 4, h + 8, r) < 0) {
        return -EFAULT;
    }
    return r;
}

static int64_t msg_ctl(int id, int cmd)
{
    cmd &= ~I386_IPC_64;
    if (cmd == IPC_RMID) {
        return user_ret(syscall(SYS_msgctl, id, cmd, NULL));
    }
    return ipc_unsupported("msgctl", cmd);
}

int64_t i386_sys_ipc(UserProc *p, const uint64_t a[6])
{
    uint32_t call = (uint32_t)a[0] & 0xffff, version = (uint32_t)a[0] >> 16;
    int first = (int)a[1], second = (int)a[2], third = (int)a[3];
    GuestAddr ptr = (uint32_t)a[4];
    switch (call) {
    case IPCCALL_SEMOP:
        return sem_timedop(p, first, ptr, (uint32_t)second, 0, false);
    case IPCCALL_SEMTIMEDOP:
        return sem_timedop(p, first, ptr, (uint32_t)second, (uint32_t)a[5], false);
    case IPCCALL_SEMGET:
        return user_ret(syscall(SYS_semget, (key_t)first, second, third));
    case IPCCALL_SEMCTL: {
        /* ptr points at the union semun (compat_sys_ipc reads one word). */
        uint64_t arg = 0;
        if (!ptr || user_read_uint(p, ptr, 4, &arg) < 0) {
            return -EFAULT;
        }
        return sem_ctl(p, first, second, third, (uint32_t)arg);
    }
    case IPCCALL_MSGSND:
        return msg_snd(p, first, ptr, (uint32_t)second, third);
    case IPCCALL_MSGRCV:
        if (version == 0) {
            /* struct ipc_kludge { u32 msgp; s32 msgtyp; } at ptr. */
            uint8_t k[8];
            if (!ptr || user_copy_from(&p->mem, k, ptr, 8) < 0) {
                return -EFAULT;
            }
            return msg_rcv(p, first, x86_get32(k), (uint32_t)second, (int32_t)x86_get32(k + 4), third);
        }
        return msg_rcv(p, first, ptr, (uint32_t)second, (int32_t)a[5], third);
    case IPCCALL_MSGGET:
        return user_ret(syscall(SYS_msgget, (key_t)first, second));
    case IPCCALL_MSGCTL:
        return msg_ctl(first, second);
    default:
        return ipc_unsupported("ipc", (int)call);
    }
}

/* The direct calls (Linux 5.1), the same operations with their own argument orders. */
static int64_t sys_semget(UserProc *p, const uint64_t a[6])
{
    return user_ret(syscall(SYS_semget, (key_t)a[0], (int)a[1], (int)a[2]));
}

static int64_t sys_semctl(UserProc *p, const uint64_t a[6])
{
    return sem_ctl(p, (int)a[0], (int)a[1], (int)a[2], (uint32_t)a[3]);
}

static int64_t sys_semtimedop_time64(UserProc *p, const uint64_t a[6])
{
    return sem_timedop(p, (int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3], true);
}

static int64_t sys_msgget(UserProc *p, const uint64_t a[6])
{
    return user_ret(syscall(SYS_msgget, (key_t)a[0], (int)a[1]));
}

static int64_t sys_msgsnd(UserProc *p, const uint64_t a[6])
{
    return msg_snd(p, (int)a[0], a[1], (uint32_t)a[2], (int)a[3]);
}

static int64_t sys_msgrcv(UserProc *p, const uint64_t a[6])
{
    return msg_rcv(p, (int)a[0], a[1], (uint32_t)a[2], (int32_t)a[3], (int)a[4]);
}

static int64_t sys_msgctl(UserProc *p, const uint64_t a[6])
{
    return msg_ctl((int)a[0], (int)a[1]);
}

const UserSyscallRow i386_ipc_rows[] = {
    { USER_NR_semget, sys_semget },
    { USER_NR_semctl, sys_semctl },
    { USER_NR_semtimedop_time64, sys_semtimedop_time64, .flags = USER_SYS_BLOCKING },
    { USER_NR_msgget, sys_msgget },
    { USER_NR_msgsnd, sys_msgsnd, .flags = USER_SYS_BLOCKING },
    { USER_NR_msgrcv, sys_msgrcv, .flags = USER_SYS_BLOCKING },
    { USER_NR_msgctl, sys_msgctl },
    { -1 },
};
