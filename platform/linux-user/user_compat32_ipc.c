/*
 * System V IPC for the 32-bit ABIs (ppc32, i386), through the ipc(call, first, second,
 * third, ptr, fifth) multiplexer glibc 2.36 uses there (ipc/syscall.c, compat_ksys_ipc)
 * and through the direct syscalls of newer kernels, which dispatch to the same handlers.
 *
 * The *id64_ds structs keep 32-bit times with separate high words and 32-bit counters;
 * where each field sits is the ABI's (UserIpc32Layout, below: ppc's ipc64_perm has a
 * 32-bit mode and seq, i386 uses asm-generic's 32-bit layouts but for x86's semid64_ds),
 * in the guest's byte order; a message's mtype is a 32-bit long, sembuf three shorts.
 * The host side is x86-64's layout (asm-generic, but for semid64_ds's padded times).
 * Shared memory attaches through user_shmat/user_shmdt, as for every guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

#define IPC_64_FLAG 0x0100      /* glibc ors it into *ctl commands; the x86-64 kernel refuses it */
#define IPC_MSG_MAX (1u << 20)  /* larger than any msgmax a kernel allows */
#define IPC_SEMOPS_MAX 500

enum {
    IPCCALL_SEMOP = 1, IPCCALL_SEMGET = 2, IPCCALL_SEMCTL = 3, IPCCALL_SEMTIMEDOP = 4,
    IPCCALL_MSGSND = 11, IPCCALL_MSGRCV = 12, IPCCALL_MSGGET = 13, IPCCALL_MSGCTL = 14,
    IPCCALL_SHMAT = 21, IPCCALL_SHMDT = 22, IPCCALL_SHMGET = 23, IPCCALL_SHMCTL = 24,
};

/*
 * A field copied between the guest's and the host's struct: guest offset and size (4),
 * host offset and size (4 or 8).  The high words of the guest's 64-bit times read as zero.
 */
typedef struct IpcField {
    uint8_t g_off, h_off, h_size;
} IpcField;

struct UserIpc32Layout {
    const IpcField *msq, *sem, *shm;
    uint8_t n_msq, n_sem, n_shm;
    uint8_t msq_size, sem_size, shm_size;   /* the guest's struct sizes */
};

#define HOST_MSQ_SIZE 120
#define HOST_SEM_SIZE 104
#define HOST_SHM_SIZE 112
#define HOST_SEQ_OFF 24

/*
 * ipc64_perm: key, uid, gid, cuid, cgid, mode, then seq at 24 (u32 on ppc; u16 and a pad on
 * i386 and the host, which a 4-byte copy of a little-endian u16 fills alike).
 */
#define PERM_FIELDS { 0, 0, 4 }, { 4, 4, 4 }, { 8, 8, 4 }, { 12, 12, 4 }, { 16, 16, 4 }, { 20, 20, 4 }

/* arch/powerpc/include/uapi/asm/{msgbuf,sembuf,shmbuf}.h */
static const IpcField ppc_msq[] = {
    PERM_FIELDS,
    { 52, 48, 8 }, { 60, 56, 8 }, { 68, 64, 8 },            /* stime, rtime, ctime */
    { 72, 72, 8 }, { 76, 80, 8 }, { 80, 88, 8 },            /* cbytes, qnum, qbytes */
    { 84, 96, 4 }, { 88, 100, 4 },                          /* lspid, lrpid */
};
static const IpcField ppc_sem[] = {
    PERM_FIELDS,
    { 52, 48, 8 }, { 60, 64, 8 }, { 64, 80, 8 },            /* otime, ctime, nsems */
};
static const IpcField ppc_shm[] = {
    PERM_FIELDS,
    { 52, 56, 8 }, { 60, 64, 8 }, { 68, 72, 8 },            /* atime, dtime, ctime */
    { 76, 48, 8 }, { 80, 80, 4 }, { 84, 84, 4 }, { 88, 88, 8 },  /* segsz, cpid, lpid, nattch */
};
const UserIpc32Layout user_ipc32_ppc = {
    ppc_msq, ppc_sem, ppc_shm, G_N_ELEMENTS(ppc_msq), G_N_ELEMENTS(ppc_sem), G_N_ELEMENTS(ppc_shm),
    100, 76, 100,
};

/* asm-generic/{msgbuf,shmbuf}.h for 32-bit longs; arch/x86/include/uapi/asm/sembuf.h. */
static const IpcField i386_msq[] = {
    PERM_FIELDS,
    { 36, 48, 8 }, { 44, 56, 8 }, { 52, 64, 8 },            /* stime, rtime, ctime */
    { 60, 72, 8 }, { 64, 80, 8 }, { 68, 88, 8 },            /* cbytes, qnum, qbytes */
    { 72, 96, 4 }, { 76, 100, 4 },                          /* lspid, lrpid */
};
static const IpcField i386_sem[] = {
    PERM_FIELDS,
    { 36, 48, 8 }, { 44, 64, 8 }, { 52, 80, 8 },            /* otime, ctime, nsems */
};
static const IpcField i386_shm[] = {
    PERM_FIELDS,
    { 40, 56, 8 }, { 48, 64, 8 }, { 56, 72, 8 },            /* atime, dtime, ctime */
    { 36, 48, 8 }, { 64, 80, 4 }, { 68, 84, 4 }, { 72, 88, 8 },  /* segsz, cpid, lpid, nattch */
};
const UserIpc32Layout user_ipc32_i386 = {
    i386_msq, i386_sem, i386_shm, G_N_ELEMENTS(i386_msq), G_N_ELEMENTS(i386_sem), G_N_ELEMENTS(i386_shm),
    88, 64, 84,
};

static void ds_to_guest(bool be, const IpcField *f, size_t n, const uint8_t *h, uint8_t *g, size_t g_size)
{
    memset(g, 0, g_size);
    for (size_t i = 0; i < n; i++) {
        user_put_uint(be, g + f[i].g_off, 4, (uint32_t)user_get_uint(false, h + f[i].h_off, f[i].h_size));
    }
    user_put_uint(be, g + HOST_SEQ_OFF, 4, (uint32_t)user_get_uint(false, h + HOST_SEQ_OFF, 2));
}

static void ds_to_host(bool be, const IpcField *f, size_t n, const uint8_t *g, uint8_t *h, size_t h_size)
{
    memset(h, 0, h_size);
    for (size_t i = 0; i < n; i++) {
        user_put_uint(false, h + f[i].h_off, f[i].h_size, user_get_uint(be, g + f[i].g_off, 4));
    }
}

static void ipc_unsupported(const char *what, int cmd)
{
    static volatile int said;
    if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED)) {
        fprintf(stderr, "mimic: unsupported 32-bit System V IPC command: %s %d (EINVAL)\n", what, cmd);
    }
}

/* A *ctl call on a *id64_ds (STAT, SET, RMID and the _STAT_ANY forms) or an info struct of ints. */
static int64_t ds_ctl(UserProc *p, long nr, int id, int num, int cmd, GuestAddr addr,
                      const IpcField *f, size_t n, size_t g_size, size_t h_size, bool set)
{
    uint8_t g[128], h[128];
    if (set) {
        if (user_copy_from(&p->mem, g, addr, g_size) < 0) {
            return -EFAULT;
        }
        ds_to_host(user_guest_be(p), f, n, g, h, h_size);
    } else {
        memset(h, 0, sizeof(h));
    }
    long r = nr == SYS_semctl ? syscall(nr, id, num, cmd, h) : syscall(nr, id, cmd, h);
    if (r < 0) {
        return user_errno();
    }
    if (!set) {
        ds_to_guest(user_guest_be(p), f, n, h, g, g_size);
        if (user_copy_to(&p->mem, addr, g, g_size) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

/*
 * IPC_INFO and the MSG_/SEM_/SHM_INFO forms: structs of ints and longs, all 32-bit in the
 * guest (msginfo ends in a short; shminfo64 and shm_info have longs that are 8 bytes on the
 * host).
 */
static int64_t info_ctl(UserProc *p, long nr, int id, int cmd, GuestAddr addr, const uint8_t *h_sizes,
                        size_t n)
{
    uint8_t h[128], g[64];
    memset(h, 0, sizeof(h));
    long r = nr == SYS_semctl ? syscall(nr, id, 0, cmd, h) : syscall(nr, id, cmd, h);
    if (r < 0) {
        return user_errno();
    }
    size_t ho = 0, go = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned hs = h_sizes[i], gs = hs == 2 ? 2 : 4;
        ho = (ho + hs - 1) / hs * hs;      /* natural alignment on the host */
        user_put_uint(user_guest_be(p), g + go, gs, user_get_uint(false, h + ho, hs));
        ho += hs;
        go += gs;
    }
    return user_copy_to(&p->mem, addr, g, go) < 0 ? -EFAULT : r;
}

static int64_t ipc32_msgctl(UserProc *p, int id, int cmd, GuestAddr addr)
{
    const UserIpc32Layout *l = p->abi->ipc32;
    static const uint8_t msginfo[] = { 4, 4, 4, 4, 4, 4, 4, 2 };
    cmd &= ~IPC_64_FLAG;
    switch (cmd) {
    case IPC_RMID:
        return user_ret(syscall(SYS_msgctl, id, cmd, NULL));
    case IPC_STAT:
    case MSG_STAT:
    case MSG_STAT_ANY:
    case IPC_SET:
        return ds_ctl(p, SYS_msgctl, id, 0, cmd, addr, l->msq, l->n_msq, l->msq_size, HOST_MSQ_SIZE,
                      cmd == IPC_SET);
    case IPC_INFO:
    case MSG_INFO:
        return info_ctl(p, SYS_msgctl, id, cmd, addr, msginfo, G_N_ELEMENTS(msginfo));
    default:
        ipc_unsupported("msgctl", cmd);
        return -EINVAL;
    }
}

static int64_t ipc32_shmctl(UserProc *p, int id, int cmd, GuestAddr addr)
{
    const UserIpc32Layout *l = p->abi->ipc32;
    static const uint8_t shminfo64[] = { 8, 8, 8, 8, 8, 8, 8, 8, 8 };
    static const uint8_t shm_info[] = { 4, 8, 8, 8, 8, 8 };
    cmd &= ~IPC_64_FLAG;
    switch (cmd) {
    case IPC_RMID:
    case SHM_LOCK:
    case SHM_UNLOCK:
        return user_ret(syscall(SYS_shmctl, id, cmd, NULL));
    case IPC_STAT:
    case SHM_STAT:
    case SHM_STAT_ANY:
    case IPC_SET:
        return ds_ctl(p, SYS_shmctl, id, 0, cmd, addr, l->shm, l->n_shm, l->shm_size, HOST_SHM_SIZE,
                      cmd == IPC_SET);
    case IPC_INFO:
        return info_ctl(p, SYS_shmctl, id, cmd, addr, shminfo64, G_N_ELEMENTS(shminfo64));
    case SHM_INFO:
        return info_ctl(p, SYS_shmctl, id, cmd, addr, shm_info, G_N_ELEMENTS(shm_info));
    default:
        ipc_unsupported("shmctl", cmd);
        return -EINVAL;
    }
}

/* semctl(id, num, cmd, arg): arg is the semun value (an int or a guest pointer). */
static int64_t ipc32_semctl(UserProc *p, int id, int num, int cmd, uint32_t arg)
{
    const UserIpc32Layout *l = p->abi->ipc32;
    static const uint8_t seminfo[] = { 4, 4, 4, 4, 4, 4, 4, 4, 4, 4 };
    cmd &= ~IPC_64_FLAG;
    switch (cmd) {
    case IPC_RMID:
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
    case SETVAL:
        return user_ret(syscall(SYS_semctl, id, num, cmd, (long)(int32_t)arg));
    case IPC_STAT:
    case SEM_STAT:
    case SEM_STAT_ANY:
    case IPC_SET:
        return ds_ctl(p, SYS_semctl, id, num, cmd, arg, l->sem, l->n_sem, l->sem_size, HOST_SEM_SIZE,
                      cmd == IPC_SET);
    case IPC_INFO:
    case SEM_INFO:
        return info_ctl(p, SYS_semctl, id, cmd, arg, seminfo, G_N_ELEMENTS(seminfo));
    case GETALL:
    case SETALL: {
        struct semid_ds ds;
        if (semctl(id, 0, IPC_STAT, &ds) < 0) {
            return user_errno();
        }
        size_t n = ds.sem_nsems;
        g_autofree uint16_t *v = g_new0(uint16_t, n + 1);
        g_autofree uint8_t *g = g_malloc0(2 * n + 2);
        if (cmd == SETALL) {
            if (user_copy_from(&p->mem, g, arg, 2 * n) < 0) {
                return -EFAULT;
            }
            for (size_t i = 0; i < n; i++) {
                v[i] = (uint16_t)user_get_uint(user_guest_be(p), g + 2 * i, 2);
            }
        }
        long r = syscall(SYS_semctl, id, 0, cmd, v);
        if (r < 0) {
            return user_errno();
        }
        if (cmd == GETALL) {
            for (size_t i = 0; i < n; i++) {
                user_put_uint(user_guest_be(p), g + 2 * i, 2, v[i]);
            }
            if (user_copy_to(&p->mem, arg, g, 2 * n) < 0) {
                return -EFAULT;
            }
        }
        return r;
    }
    default:
        ipc_unsupported("semctl", cmd);
        return -EINVAL;
    }
}

/* semtimedop(id, sops, nsops, timeout): struct sembuf is three shorts in guest order. */
static int64_t ipc32_semtimedop(UserProc *p, int id, GuestAddr sops, uint32_t nsops, GuestAddr timeout, bool t64)
{
    if (nsops > IPC_SEMOPS_MAX) {
        return -E2BIG;
    }
    struct sembuf ops[IPC_SEMOPS_MAX];
    uint8_t g[6 * IPC_SEMOPS_MAX];
    if (user_copy_from(&p->mem, g, sops, 6 * nsops) < 0) {
        return -EFAULT;
    }
    for (uint32_t i = 0; i < nsops; i++) {
        ops[i].sem_num = (unsigned short)user_get_uint(user_guest_be(p), g + 6 * i, 2);
        ops[i].sem_op = (short)user_get_uint(user_guest_be(p), g + 6 * i + 2, 2);
        ops[i].sem_flg = (short)user_get_uint(user_guest_be(p), g + 6 * i + 4, 2);
    }
    struct timespec ts;
    if (timeout && user32_get_ts(p, timeout, t64, &ts) < 0) {
        return -EFAULT;
    }
    return user_safe_syscall6(p, SYS_semtimedop, id, ops, nsops, timeout ? &ts : NULL, 0, 0);
}

/* msgsnd(id, msgp, size, flags): msgp is {int32 mtype; char mtext[size]}. */
static int64_t ipc32_msgsnd(UserProc *p, int id, GuestAddr msgp, uint32_t size, int flags)
{
    if (size > IPC_MSG_MAX) {
        return -EINVAL;
    }
    g_autofree uint8_t *h = g_malloc(8 + size);
    uint8_t t[4];
    if (user_copy_from(&p->mem, t, msgp, 4) < 0 || user_copy_from(&p->mem, h + 8, msgp + 4, size) < 0) {
        return -EFAULT;
    }
    int64_t mtype = (int32_t)user_get_uint(user_guest_be(p), t, 4);
    memcpy(h, &mtype, 8);
    return user_safe_syscall6(p, SYS_msgsnd, id, h, size, flags, 0, 0);
}

static int64_t ipc32_msgrcv(UserProc *p, int id, GuestAddr msgp, uint32_t size, int32_t type, int flags)
{
    if (size > IPC_MSG_MAX) {
        return -EINVAL;
    }
    g_autofree uint8_t *h = g_malloc(8 + size);
    int64_t r = user_safe_syscall6(p, SYS_msgrcv, id, h, size, (long)type, flags, 0);
    if (r < 0) {
        return r;
    }
    int64_t mtype;
    uint8_t t[4];
    memcpy(&mtype, h, 8);
    user_put_uint(user_guest_be(p), t, 4, (uint32_t)mtype);
    if (user_copy_to(&p->mem, msgp, t, 4) < 0 || user_copy_to(&p->mem, msgp + 4, h + 8, (size_t)r) < 0) {
        return -EFAULT;
    }
    return r;
}

/* ipc(call, first, second, third, ptr, fifth): ksys_ipc's dispatch, compat flavour. */
int64_t user32_sys_ipc(UserProc *p, const uint64_t a[6])
{
    unsigned version = (unsigned)(a[0] >> 16), call = (unsigned)(a[0] & 0xffff);
    int first = (int)a[1];
    uint32_t second = (uint32_t)a[2], third = (uint32_t)a[3];
    GuestAddr ptr = (uint32_t)a[4], fifth = (uint32_t)a[5];

    switch (call) {
    case IPCCALL_SEMOP:
        return ipc32_semtimedop(p, first, ptr, second, 0, false);
    case IPCCALL_SEMTIMEDOP:
        return ipc32_semtimedop(p, first, ptr, second, fifth, false);
    case IPCCALL_SEMGET:
        return user_ret(syscall(SYS_semget, first, (int)second, (int)third));
    case IPCCALL_SEMCTL: {
        uint64_t arg;
        if (ptr == 0) {
            return -EINVAL;
        }
        if (user_read_uint(p, ptr, 4, &arg) < 0) {
            return -EFAULT;
        }
        return ipc32_semctl(p, first, (int)second, (int)third, (uint32_t)arg);
    }
    case IPCCALL_MSGSND:
        return ipc32_msgsnd(p, first, ptr, second, (int)third);
    case IPCCALL_MSGRCV:
        if (version == 0) {
            /* struct ipc_kludge {msgp, msgtyp}. */
            uint8_t k[8];
            if (ptr == 0) {
                return -EINVAL;
            }
            if (user_copy_from(&p->mem, k, ptr, 8) < 0) {
                return -EFAULT;
            }
            return ipc32_msgrcv(p, first, (uint32_t)user_get_uint(user_guest_be(p), k, 4), second,
                                (int32_t)user_get_uint(user_guest_be(p), k + 4, 4), (int)third);
        }
        return ipc32_msgrcv(p, first, ptr, second, (int32_t)fifth, (int)third);
    case IPCCALL_MSGGET:
        return user_ret(syscall(SYS_msgget, first, (int)second));
    case IPCCALL_MSGCTL:
        return ipc32_msgctl(p, first, (int)second, ptr);
    case IPCCALL_SHMAT: {
        if (version == 1) {
            return -EINVAL;     /* the iBCS2 flavour, as in compat_ksys_ipc */
        }
        int64_t r = user_shmat(p, first, ptr, (int)second);
        if (r < 0) {
            return r;
        }
        return user_write_uint(p, third, 4, (uint32_t)r) < 0 ? -EFAULT : 0;
    }
    case IPCCALL_SHMDT:
        return user_shmdt(p, ptr);
    case IPCCALL_SHMGET:
        return user_ret(syscall(SYS_shmget, first, (size_t)second, (int)third));
    case IPCCALL_SHMCTL:
        return ipc32_shmctl(p, first, (int)second, ptr);
    default:
        return -ENOSYS;
    }
}

/* --- The direct syscalls (Linux 5.1+), same handlers --- */

static int64_t sys_msgsnd(UserProc *p, const uint64_t a[6])
{
    return ipc32_msgsnd(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], (int)a[3]);
}

static int64_t sys_msgrcv(UserProc *p, const uint64_t a[6])
{
    return ipc32_msgrcv(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], (int32_t)a[3], (int)a[4]);
}

static int64_t sys_msgctl(UserProc *p, const uint64_t a[6])
{
    return ipc32_msgctl(p, (int)a[0], (int)a[1], (uint32_t)a[2]);
}

static int64_t sys_semctl(UserProc *p, const uint64_t a[6])
{
    return ipc32_semctl(p, (int)a[0], (int)a[1], (int)a[2], (uint32_t)a[3]);
}

static int64_t sys_semop(UserProc *p, const uint64_t a[6])
{
    return ipc32_semtimedop(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], 0, false);
}

static int64_t sys_semtimedop(UserProc *p, const uint64_t a[6])
{
    return ipc32_semtimedop(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3], false);
}

static int64_t sys_semtimedop_time64(UserProc *p, const uint64_t a[6])
{
    return ipc32_semtimedop(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3], true);
}

static int64_t sys_shmctl(UserProc *p, const uint64_t a[6])
{
    return ipc32_shmctl(p, (int)a[0], (int)a[1], (uint32_t)a[2]);
}

static int64_t sys_shmat(UserProc *p, const uint64_t a[6])
{
    return user_shmat(p, (int)a[0], (uint32_t)a[1], (int)a[2]);
}

static int64_t sys_shmdt(UserProc *p, const uint64_t a[6])
{
    return user_shmdt(p, (uint32_t)a[0]);
}

const UserSyscallRow user32_ipc_rows[] = {
    { USER_NR_msgget, NULL, SYS_msgget, "ii" },
    { USER_NR_msgsnd, sys_msgsnd, .flags = USER_SYS_RESTART },
    { USER_NR_msgrcv, sys_msgrcv, .flags = USER_SYS_RESTART },
    { USER_NR_msgctl, sys_msgctl },
    { USER_NR_semget, NULL, SYS_semget, "iii" },
    { USER_NR_semctl, sys_semctl },
    { USER_NR_semop, sys_semop, .flags = USER_SYS_RESTART },
    { USER_NR_semtimedop, sys_semtimedop, .flags = USER_SYS_RESTART },
    { USER_NR_semtimedop_time64, sys_semtimedop_time64, .flags = USER_SYS_RESTART },
    { USER_NR_shmget, NULL, SYS_shmget, "iii" },
    { USER_NR_shmctl, sys_shmctl },
    { USER_NR_shmat, sys_shmat },
    { USER_NR_shmdt, sys_shmdt },
    { -1 },
};
