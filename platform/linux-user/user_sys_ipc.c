/*
 * System V IPC: message queues, semaphore sets and shared memory, for guests whose
 * structs have the asm-generic 64-bit layout (ipc64_perm, msqid64_ds, semid64_ds,
 * shmid64_ds, sembuf, msgbuf with a 64-bit mtype).  x86-64 has the same layouts but for
 * semid64_ds, converted here; the other calls pass through with their pointers
 * translated.  Every row is USER_SYS_LAYOUT64.
 *
 * Shared memory is the one that touches the guest's memory map: shmat attaches the
 * segment on the host at base + the guest address (SHM_REMAP over the PROT_NONE
 * reservation) and records the mapping like mmap does; shmdt and munmap put the
 * reservation back.  Attachments are remembered by address so shmdt knows the length.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

#define IPC_SEMOPS_MAX 500      /* the kernel's SEMOPM: more is E2BIG there too */
#define IPC_64_FLAG 0x0100      /* IPC_64 (linux/ipc.h), ORed into cmd by some libcs */

/* msgsnd(id, msgp, msgsz, flags): msgp is {long mtype; char mtext[msgsz]}. */
static int64_t sys_msgsnd(UserProc *p, const uint64_t a[6])
{
    void *buf;
    if ((int64_t)a[2] < 0) {
        return -EINVAL;
    }
    if (user_arg_ptr(p, a[1], 8 + a[2], &buf) < 0) {
        return -EFAULT;
    }
    return user_safe_syscall(p, SYS_msgsnd, (long)(int)a[0], (long)buf, (long)a[2], (long)(int)a[3], 0, 0);
}

/* msgrcv(id, msgp, msgsz, msgtyp, flags). */
static int64_t sys_msgrcv(UserProc *p, const uint64_t a[6])
{
    void *buf;
    if ((int64_t)a[2] < 0) {
        return -EINVAL;
    }
    if (user_arg_wbuf(p, a[1], 8 + a[2], &buf) < 0) {
        return -EFAULT;
    }
    return user_safe_syscall(p, SYS_msgrcv, (long)(int)a[0], (long)buf, (long)a[2], (long)a[3],
                             (long)(int)a[4], 0);
}

/* semop / semtimedop(id, sops, nsops[, timeout]): struct sembuf is three shorts. */
static int64_t semop_call(UserProc *p, const uint64_t a[6], bool timed)
{
    void *sops, *ts = NULL;
    if (a[2] > IPC_SEMOPS_MAX) {
        return -E2BIG;
    }
    if (user_arg_ptr(p, a[1], a[2] * sizeof(struct sembuf), &sops) < 0) {
        return -EFAULT;
    }
    if (timed && user_arg_ptr(p, a[3], sizeof(struct timespec), &ts) < 0) {
        return -EFAULT;
    }
    return user_safe_syscall(p, SYS_semtimedop, (long)(int)a[0], (long)sops, (long)a[2], (long)ts, 0, 0);
}

static int64_t sys_semop(UserProc *p, const uint64_t a[6])
{
    return semop_call(p, a, false);
}

static int64_t sys_semtimedop(UserProc *p, const uint64_t a[6])
{
    return semop_call(p, a, true);
}

/*
 * struct semid64_ds is the one IPC struct whose x86-64 layout is not asm-generic's: x86
 * keeps a padding word after each time field (arch/x86/include/uapi/asm/sembuf.h).
 * Guest: ipc64_perm (48 bytes), otime, ctime, nsems, 2 unused = 88 bytes; host: ipc64_perm,
 * otime, pad, ctime, pad, nsems, 2 unused = 104 bytes.
 */
#define GUEST_SEMID_DS_SIZE 88
#define HOST_SEMID_DS_SIZE 104

static int64_t semid_ds_call(UserProc *p, int id, int num, int cmd, GuestAddr addr)
{
    uint64_t g[GUEST_SEMID_DS_SIZE / 8], h[HOST_SEMID_DS_SIZE / 8];
    bool set = (cmd & ~IPC_64_FLAG) == IPC_SET;

    memset(h, 0, sizeof(h));
    if (set) {
        if (user_copy_from(&p->mem, g, addr, sizeof(g)) < 0) {
            return -EFAULT;
        }
        memcpy(h, g, 48);
        h[6] = g[6];
        h[8] = g[7];
        h[10] = g[8];
    }
    long r = syscall(SYS_semctl, id, num, cmd, h);
    if (r < 0) {
        return user_errno();
    }
    if (!set) {
        memset(g, 0, sizeof(g));
        memcpy(g, h, 48);
        g[6] = h[6];            /* sem_otime */
        g[7] = h[8];            /* sem_ctime */
        g[8] = h[10];           /* sem_nsems */
        if (user_copy_to(&p->mem, addr, g, sizeof(g)) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

/* semctl(id, num, cmd, arg): arg is an int, a small struct, or the set's array of shorts. */
static int64_t sys_semctl(UserProc *p, const uint64_t a[6])
{
    int id = (int)a[0], cmd = (int)a[2];
    void *ptr = NULL;

    switch (cmd & ~IPC_64_FLAG) {
    case GETALL:
    case SETALL: {
        struct semid_ds ds;
        if (semctl(id, 0, IPC_STAT, &ds) < 0) {
            return user_errno();
        }
        int r = cmd == GETALL ? user_arg_wbuf(p, a[3], ds.sem_nsems * sizeof(unsigned short), &ptr)
                              : user_arg_ptr(p, a[3], ds.sem_nsems * sizeof(unsigned short), &ptr);
        if (r < 0) {
            return -EFAULT;
        }
        break;
    }
    case IPC_STAT:
    case SEM_STAT:
    case SEM_STAT_ANY:
    case IPC_SET:
        return semid_ds_call(p, id, (int)a[1], cmd, a[3]);
    case IPC_INFO:
    case SEM_INFO:
        /* struct seminfo: ten ints on every port. */
        if (user_arg_wbuf(p, a[3], sizeof(struct seminfo), &ptr) < 0) {
            return -EFAULT;
        }
        break;
    default:
        return user_ret(syscall(SYS_semctl, id, (int)a[1], cmd, (long)a[3]));
    }
    return user_ret(syscall(SYS_semctl, id, (int)a[1], cmd, (long)ptr));
}

/* --- Shared memory --- */

static GHashTable *shm_attached;    /* guest address -> length; under UserMem.lock */

static int64_t do_shmat(UserProc *p, const uint64_t a[6])
{
    UserMem *m = &p->mem;
    int id = (int)a[0], flags = (int)a[2];
    GuestAddr addr = a[1];
    struct shmid_ds ds;

    if (shmctl(id, IPC_STAT, &ds) < 0) {
        return user_errno();
    }
    uint64_t len = USER_PAGE_ALIGN(ds.shm_segsz);
    if (addr != 0) {
        if (addr & (USER_PAGE_SIZE - 1)) {
            if (!(flags & SHM_RND)) {
                return -EINVAL;
            }
            addr &= USER_PAGE_MASK;
        }
        if (!user_mem_in_range(m, addr, len) || addr < USER_PAGE_SIZE) {
            return -EINVAL;
        }
        if (!(flags & SHM_REMAP) && !user_mem_is_free(m, addr, len)) {
            return -EINVAL;
        }
    } else {
        addr = user_mem_find_free(m, len, 0, 0);
        if (addr == 0) {
            return -ENOMEM;
        }
    }
    bool had_exec = user_mem_range_has_exec(m, addr, len);
    if (shmat(id, user_g2h(m, addr), (flags & SHM_RDONLY) | SHM_REMAP) == (void *)-1) {
        return user_errno();
    }
    int prot = PROT_READ | (flags & SHM_RDONLY ? 0 : PROT_WRITE) | (flags & SHM_EXEC ? PROT_EXEC : 0);
    if (!(prot & PROT_WRITE)) {
        /* Matches the guest's view; the host mapping came read-only from SHM_RDONLY already. */
        mprotect(user_g2h(m, addr), len, user_mem_host_prot(prot));
    }
    user_mem_record(m, addr, len, prot, USER_VMA_SHARED | USER_VMA_SYSV, "SYSV");
    if (shm_attached == NULL) {
        shm_attached = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    }
    GuestAddr *key = g_new(GuestAddr, 1);
    *key = addr;
    g_hash_table_replace(shm_attached, key, GSIZE_TO_POINTER(len));
    if (had_exec) {
        user_invalidate(p, addr, len);
    }
    return addr;
}

static int64_t do_shmdt(UserProc *p, const uint64_t a[6])
{
    UserMem *m = &p->mem;
    GuestAddr addr = a[0];
    const UserVma *v = user_mem_find(m, addr);
    gpointer len;

    if (shm_attached == NULL || !g_hash_table_lookup_extended(shm_attached, &addr, NULL, &len)) {
        return -EINVAL;
    }
    g_hash_table_remove(shm_attached, &addr);
    if (v == NULL || !(v->flags & USER_VMA_SYSV)) {
        return -EINVAL;         /* unmapped (or replaced) since: nothing attached there now */
    }
    uint64_t n = MIN(GPOINTER_TO_SIZE(len), v->end - addr);
    bool had_exec = user_mem_range_has_exec(m, addr, n);
    /* Mapping the reservation back over the attachment detaches it on the host. */
    int r = user_mem_unmap(m, addr, n);
    if (r == 0 && had_exec) {
        user_invalidate(p, addr, n);
    }
    return r;
}

int64_t user_shmat(UserProc *p, int id, GuestAddr addr, int flags)
{
    const uint64_t a[6] = { (uint64_t)id, addr, (uint64_t)flags };
    g_mutex_lock(&p->mem.lock);
    int64_t r = do_shmat(p, a);
    g_mutex_unlock(&p->mem.lock);
    return r;
}

int64_t user_shmdt(UserProc *p, GuestAddr addr)
{
    const uint64_t a[6] = { addr };
    g_mutex_lock(&p->mem.lock);
    int64_t r = do_shmdt(p, a);
    g_mutex_unlock(&p->mem.lock);
    return r;
}

static int64_t sys_shmat(UserProc *p, const uint64_t a[6])
{
    return user_shmat(p, (int)a[0], a[1], (int)a[2]);
}

static int64_t sys_shmdt(UserProc *p, const uint64_t a[6])
{
    return user_shmdt(p, a[0]);
}

const UserSyscallRow user_sys_ipc_rows[] = {
    { USER_NR_msgget, NULL, SYS_msgget, "ii", USER_SYS_LAYOUT64 },
    { USER_NR_msgctl, NULL, SYS_msgctl, "iip", USER_SYS_LAYOUT64 },
    { USER_NR_msgsnd, sys_msgsnd, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_msgrcv, sys_msgrcv, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_semget, NULL, SYS_semget, "iii", USER_SYS_LAYOUT64 },
    { USER_NR_semctl, sys_semctl, .flags = USER_SYS_LAYOUT64 },
    { USER_NR_semop, sys_semop, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_semtimedop, sys_semtimedop, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_shmget, NULL, SYS_shmget, "iii", USER_SYS_LAYOUT64 },
    { USER_NR_shmctl, NULL, SYS_shmctl, "iip", USER_SYS_LAYOUT64 },
    { USER_NR_shmat, sys_shmat, .flags = USER_SYS_LAYOUT64 },
    { USER_NR_shmdt, sys_shmdt, .flags = USER_SYS_LAYOUT64 },
    { -1 },
};
