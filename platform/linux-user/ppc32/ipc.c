/*
 * System V IPC for ppc32 guests, through the ipc(call, first, second, third, ptr, fifth)
 * multiplexer glibc 2.36 uses there (ipc/syscall.c, compat_ksys_ipc) and through the
 * direct syscalls of newer kernels, which dispatch to the same handlers.
 *
 * Every struct differs from the host's: ppc's ipc64_perm has a 32-bit seq; its
 * msqid64_ds/semid64_ds/shmid64_ds keep 32-bit times with separate high words and
 * 32-bit counters (arch/powerpc/include/uapi/asm/{ipcbuf,msgbuf,sembuf,shmbuf}.h), all
 * big-endian; a message's mtype is a 32-bit long.  The host side is x86-64's layout
 * (asm-generic, but for semid64_ds's padded times), described below by offsets.
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

#include "platform/linux-user/ppc32/ppc_user.h"

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
 * host offset and size (4 or 8).  The high words of ppc's 64-bit times read as zero.
 */
typedef struct IpcField {
    uint8_t g_off, h_off, h_size;
} IpcField;

/* ipc64_perm: key, uid, gid, cuid, cgid, mode, then seq (u32 on ppc, u16 on the host). */
#define PERM_FIELDS { 0, 0, 4 }, { 4, 4, 4 }, { 8, 8, 4 }, { 12, 12, 4 }, { 16, 16, 4 }, { 20, 20, 4 }
static const IpcField msq_fields[] = {
    PERM_FIELDS,
    { 52, 48, 8 }, { 60, 56, 8 }, { 68, 64, 8 },            /* stime, rtime, ctime */
    { 72, 72, 8 }, { 76, 80, 8 }, { 80, 88, 8 },            /* cbytes, qnum, qbytes */
    { 84, 96, 4 }, { 88, 100, 4 },                          /* lspid, lrpid */
};
static const IpcField sem_fields[] = {
    PERM_FIELDS,
    { 52, 48, 8 }, { 60, 64, 8 }, { 64, 80, 8 },            /* otime, ctime, nsems */
};
static const IpcField shm_fields[] = {
    PERM_FIELDS,
    { 52, 56, 8 }, { 60, 64, 8 }, { 68, 72, 8 },            /* atime, dtime, ctime */
    { 76, 48, 8 }, { 80, 80, 4 }, { 84, 84, 4 }, { 88, 88, 8 },  /* segsz, cpid, lpid, nattch */
};
#define MSQ_SIZES 100, 120
#define SEM_SIZES 76, 104
#define SHM_SIZES 100, 112
#define HOST_SEQ_OFF 24

static void ds_to_guest(const IpcField *f, size_t n, const uint8_t *h, uint8_t *g, size_t g_size)
{
    memset(g, 0, g_size);
    for (size_t i = 0; i < n; i++) {
        ppc_put32(g + f[i].g_off, (uint32_t)user_get_uint(false, h + f[i].h_off, f[i].h_size));
    }
    ppc_put32(g + 24, (uint32_t)user_get_uint(false, h + HOST_SEQ_OFF, 2));
}

static void ds_to_host(const IpcField *f, size_t n, const uint8_t *g, uint8_t *h, size_t h_size)
{
    memset(h, 0, h_size);
    for (size_t i = 0; i < n; i++) {
        user_put_uint(false, h + f[i].h_off, f[i].h_size, ppc_get32(g + f[i].g_off));
    }
}

static void ipc_unsupported(const char *what, int cmd)
{
    static volatile int said;
    if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED)) {
        fprintf(stderr, "mimic: unsupported ppc System V IPC command: %s %d (EINVAL)\n", what, cmd);
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
        ds_to_host(f, n, g, h, h_size);
    } else {
        memset(h, 0, sizeof(h));
    }
    long r = nr == SYS_semctl ? syscall(nr, id, num, cmd, h) : syscall(nr, id, cmd, h);
    if (r < 0) {
        return user_errno();
    }
    if (!set) {
        ds_to_guest(f, n, h, g, g_size);
        if (user_copy_to(&p->mem, addr, g, g_size) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

/*
 * IPC_INFO and the MSG_/SEM_/SHM_INFO forms: structs of ints and longs, all 32-bit on ppc
 * (msginfo ends in a short; shminfo64 and shm_info have longs that are 8 bytes on the host).
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
        user_put_uint(true, g + go, gs, user_get_uint(false, h + ho, hs));
        ho += hs;
        go += gs;
    }
    return user_copy_to(&p->mem, addr, g, go) < 0 ? -EFAULT : r;
}

static int64_t ppc_msgctl(UserProc *p, int id, int cmd, GuestAddr addr)
{
    static const uint8_t msginfo[] = { 4, 4, 4, 4, 4, 4, 4, 2 };
    cmd &= ~IPC_64_FLAG;
    switch (cmd) {
    case IPC_RMID:
        return user_ret(syscall(SYS_msgctl, id, cmd, NULL));
    case IPC_STAT:
    case MSG_STAT:
    case MSG_STAT_ANY:
    case IPC_SET:
        return ds_ctl(p, SYS_msgctl, id, 0, cmd, addr, msq_fields, G_N_ELEMENTS(msq_fields), MSQ_SIZES,
                      cmd == IPC_SET);
    case IPC_INFO:
    case MSG_INFO:
        return info_ctl(p, SYS_msgctl, id, cmd, addr, msginfo, G_N_ELEMENTS(msginfo));
    default:
        ipc_unsupported("msgctl", cmd);
        return -EINVAL;
    }
}

static int64_t ppc_shmctl(UserProc *p, int id, int cmd, GuestAddr addr)
{
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
        return ds_ctl(p, SYS_shmctl, id, 0, cmd, addr, shm_fields, G_N_ELEMENTS(shm_fields), SHM_SIZES,
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
static int64_t ppc_semctl(UserProc *p, int id, int num, int cmd, uint32_t arg)
{
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
        return ds_ctl(p, SYS_semctl, id, num, cmd, arg, sem_fields, G_N_ELEMENTS(sem_fields), SEM_SIZES,
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
                v[i] = (uint16_t)user_get_uint(true, g + 2 * i, 2);
            }
        }
        long r = syscall(SYS_semctl, id, 0, cmd, v);
        if (r < 0) {
            return user_errno();
        }
        if (cmd == GETALL) {
            for (size_t i = 0; i < n; i++) {
                user_put_uint(true, g + 2 * i, 2, v[i]);
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

/* semtimedop(id, sops, nsops, timeout): struct sembuf is three big-endian shorts. */
static int64_t ppc_semtimedop(UserProc *p, int id, GuestAddr sops, uint32_t nsops, GuestAddr timeout, bool t64)
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
        ops[i].sem_num = (unsigned short)user_get_uint(true, g + 6 * i, 2);
        ops[i].sem_op = (short)user_get_uint(true, g + 6 * i + 2, 2);
        ops[i].sem_flg = (short)user_get_uint(true, g + 6 * i + 4, 2);
    }
    struct timespec ts;
    if (timeout && user32_get_ts(p, timeout, t64, &ts) < 0) {
        return -EFAULT;
    }
    return user_safe_syscall6(p, SYS_semtimedop, id, ops, nsops, timeout ? &ts : NULL, 0, 0);
}

/* msgsnd(id, msgp, size, flags): msgp is {int32 mtype; char mtext[size]}. */
static int64_t ppc_msgsnd(UserProc *p, int id, GuestAddr msgp, uint32_t size, int flags)
{
    if (size > IPC_MSG_MAX) {
        return -EINVAL;
    }
    g_autofree uint8_t *h = g_malloc(8 + size);
    uint8_t t[4];
    if (user_copy_from(&p->mem, t, msgp, 4) < 0 || user_copy_from(&p->mem, h + 8, msgp + 4, size) < 0) {
        return -EFAULT;
    }
    int64_t mtype = (int32_t)ppc_get32(t);
    memcpy(h, &mtype, 8);
    return user_safe_syscall6(p, SYS_msgsnd, id, h, size, flags, 0, 0);
}

static int64_t ppc_msgrcv(UserProc *p, int id, GuestAddr msgp, uint32_t size, int32_t type, int flags)
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
    ppc_put32(t, (uint32_t)mtype);
    if (user_copy_to(&p->mem, msgp, t, 4) < 0 || user_copy_to(&p->mem, msgp + 4, h + 8, (size_t)r) < 0) {
        return -EFAULT;
    }
    return r;
}

/* ipc(call, first, second, third, ptr, fifth): ksys_ipc's dispatch, compat flavour. */
int64_t ppc_sys_ipc(UserProc *p, const uint64_t a[6])
{
    unsigned version = (unsigned)(a[0] >> 16), call = (unsigned)(a[0] & 0xffff);
    int first = (int)a[1];
    uint32_t second = (uint32_t)a[2], third = (uint32_t)a[3];
    GuestAddr ptr = (uint32_t)a[4], fifth = (uint32_t)a[5];

    switch (call) {
    case IPCCALL_SEMOP:
        return ppc_semtimedop(p, first, ptr, second, 0, false);
    case IPCCALL_SEMTIMEDOP:
        return ppc_semtimedop(p, first, ptr, second, fifth, false);
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
        return ppc_semctl(p, first, (int)second, (int)third, (uint32_t)arg);
    }
    case IPCCALL_MSGSND:
        return ppc_msgsnd(p, first, ptr, second, (int)third);
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
            return ppc_msgrcv(p, first, ppc_get32(k), second, (int32_t)ppc_get32(k + 4), (int)third);
        }
        return ppc_msgrcv(p, first, ptr, second, (int32_t)fifth, (int)third);
    case IPCCALL_MSGGET:
        return user_ret(syscall(SYS_msgget, first, (int)second));
    case IPCCALL_MSGCTL:
        return ppc_msgctl(p, first, (int)second, ptr);
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
        return ppc_shmctl(p, first, (int)second, ptr);
    default:
        return -ENOSYS;
    }
}

/* --- The direct syscalls (Linux 5.1+), same handlers --- */

static int64_t sys_msgsnd(UserProc *p, const uint64_t a[6])
{
    return ppc_msgsnd(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], (int)a[3]);
}

static int64_t sys_msgrcv(UserProc *p, const uint64_t a[6])
{
    return ppc_msgrcv(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], (int32_t)a[3], (int)a[4]);
}

static int64_t sys_msgctl(UserProc *p, const uint64_t a[6])
{
    return ppc_msgctl(p, (int)a[0], (int)a[1], (uint32_t)a[2]);
}

static int64_t sys_semctl(UserProc *p, const uint64_t a[6])
{
    return ppc_semctl(p, (int)a[0], (int)a[1], (int)a[2], (uint32_t)a[3]);
}

static int64_t sys_semop(UserProc *p, const uint64_t a[6])
{
    return ppc_semtimedop(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], 0, false);
}

static int64_t sys_semtimedop(UserProc *p, const uint64_t a[6])
{
    return ppc_semtimedop(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3], false);
}

static int64_t sys_semtimedop_time64(UserProc *p, const uint64_t a[6])
{
    return ppc_semtimedop(p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3], true);
}

static int64_t sys_shmctl(UserProc *p, const uint64_t a[6])
{
    return ppc_shmctl(p, (int)a[0], (int)a[1], (uint32_t)a[2]);
}

static int64_t sys_shmat(UserProc *p, const uint64_t a[6])
{
    return user_shmat(p, (int)a[0], (uint32_t)a[1], (int)a[2]);
}

static int64_t sys_shmdt(UserProc *p, const uint64_t a[6])
{
    return user_shmdt(p, (uint32_t)a[0]);
}

const UserSyscallRow ppc_ipc_rows[] = {
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
