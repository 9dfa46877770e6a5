/*
 * futex for every ABI.  The futex word is guest memory, which is host memory at base +
 * address, so the host futex works on it directly: waits, timeouts and wakes across fork
 * and across guest threads.  Only the timeout's layout differs between ABIs, so each
 * ABI's row reads it and passes its host form here.
 *
 * A big-endian guest's word is stored byte-swapped as the host kernel sees it.  Plain
 * waits and wakes still work once every value the kernel compares with the word is
 * swapped too (FUTEX_WAIT's val, CMP_REQUEUE's val3; WAIT_BITSET's bitset is a mask of
 * waiters, not memory).  FUTEX_WAKE_OP makes the kernel modify the second word in its own
 * byte order, so it is done here: an atomic compare-and-swap in guest order, then the two
 * wakes.  The PI operations make the kernel read and write owner tids in the word in host
 * order, so for such a guest they are emulated on plain futex waits (futex_pi_be below):
 * the same word protocol (owner tid, FUTEX_WAITERS, FUTEX_OWNER_DIED) without priority
 * inheritance itself, which a user-mode emulator cannot give.  The requeue-to-PI pair
 * (condition variables on PI mutexes) stays ENOSYS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

/* The futex operations that wait, and so take a timeout in a[3]. */
bool user_futex_waits(int op)
{
    switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_WAIT_REQUEUE_PI:
        return true;
    default:
        return false;
    }
}

/* FUTEX_WAKE_OP on a big-endian guest's words: the operation in guest order, then the wakes. */
static int64_t futex_wake_op_be(UserProc *p, uint32_t *uaddr, int op, int nr1, int nr2,
                                GuestAddr a2, uint32_t val3)
{
    if ((a2 & 3) || !user_mem_check(&p->mem, a2, 4, PROT_READ | PROT_WRITE)) {
        return -EFAULT;
    }
    user_mem_unwatch_range_dirty(&p->mem, a2, 4);
    uint32_t *uaddr2 = user_g2h(&p->mem, a2);
    unsigned wop = (val3 >> 28) & 7, cmp = (val3 >> 24) & 15;
    uint32_t oparg = (val3 >> 12) & 0xfff, cmparg = val3 & 0xfff;
    if ((val3 >> 28) & 8) {         /* FUTEX_OP_OPARG_SHIFT */
        oparg = oparg > 31 ? 0 : 1u << oparg;
    }
    uint32_t raw = __atomic_load_n(uaddr2, __ATOMIC_SEQ_CST), old, nv;
    do {
        old = GUINT32_FROM_BE(raw);
        switch (wop) {
        case FUTEX_OP_SET: nv = oparg; break;
        case FUTEX_OP_ADD: nv = old + oparg; break;
        case FUTEX_OP_OR: nv = old | oparg; break;
        case FUTEX_OP_ANDN: nv = old & ~oparg; break;
        case FUTEX_OP_XOR: nv = old ^ oparg; break;
        default: return -ENOSYS;
        }
    } while (!__atomic_compare_exchange_n(uaddr2, &raw, GUINT32_TO_BE(nv), false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    int32_t so = (int32_t)old, sa = (int32_t)(cmparg << 20) >> 20;
    bool hit;
    switch (cmp) {
    case FUTEX_OP_CMP_EQ: hit = so == sa; break;
    case FUTEX_OP_CMP_NE: hit = so != sa; break;
    case FUTEX_OP_CMP_LT: hit = so < sa; break;
    case FUTEX_OP_CMP_LE: hit = so <= sa; break;
    case FUTEX_OP_CMP_GT: hit = so > sa; break;
    case FUTEX_OP_CMP_GE: hit = so >= sa; break;
    default: return -ENOSYS;
    }
    int priv = op & FUTEX_PRIVATE_FLAG;
    long r = syscall(SYS_futex, uaddr, FUTEX_WAKE | priv, nr1, NULL, NULL, 0);
    if (r < 0) {
        return user_errno();
    }
    if (hit) {
        long r2 = syscall(SYS_futex, uaddr2, FUTEX_WAKE | priv, nr2, NULL, NULL, 0);
        if (r2 > 0) {
            r += r2;
        }
    }
    return r;
}

/* The word of a big-endian guest in guest order, and a compare-and-swap on it. */
static uint32_t load_be(uint32_t *w)
{
    return GUINT32_FROM_BE(__atomic_load_n(w, __ATOMIC_SEQ_CST));
}

static bool cas_be(uint32_t *w, uint32_t old, uint32_t nv)
{
    uint32_t raw = GUINT32_TO_BE(old);
    return __atomic_compare_exchange_n(w, &raw, GUINT32_TO_BE(nv), false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

/*
 * FUTEX_LOCK_PI, LOCK_PI2 and TRYLOCK_PI on a big-endian guest's word (kernel/futex/pi.c's
 * protocol): a free word (no owner tid) is taken with the caller's tid, keeping
 * OWNER_DIED so a robust mutex's locker sees EOWNERDEAD; an owned one gets WAITERS, so
 * its owner's unlock comes here, and the caller sleeps until the word changes.  Having
 * waited, a locker keeps WAITERS set, as others may still wait.  The timeout is absolute
 * (CLOCK_REALTIME for LOCK_PI and with FUTEX_CLOCK_REALTIME, else CLOCK_MONOTONIC); a
 * signal restarts the call after its handler, as -ERESTARTNOINTR does.
 */
static int64_t futex_lock_pi_be(UserProc *p, uint32_t *w, int op, const struct timespec *abs_timeout)
{
    uint32_t tid = (uint32_t)user_self->tid;
    int cmd = op & FUTEX_CMD_MASK;
    bool realtime = cmd == FUTEX_LOCK_PI || (op & FUTEX_CLOCK_REALTIME);
    int wait_op = FUTEX_WAIT_BITSET | (op & FUTEX_PRIVATE_FLAG) | (realtime ? FUTEX_CLOCK_REALTIME : 0);
    bool waited = false;
    for (;;) {
        uint32_t v = load_be(w);
        uint32_t owner = v & FUTEX_TID_MASK;
        if (owner == 0) {
            if (cas_be(w, v, tid | (v & FUTEX_OWNER_DIED) | (waited ? FUTEX_WAITERS : 0))) {
                return 0;
            }
            continue;
        }
        if (owner == tid) {
            return -EDEADLK;
        }
        if (cmd == FUTEX_TRYLOCK_PI) {
            return -EWOULDBLOCK;
        }
        if (!(v & FUTEX_WAITERS)) {
            if (!cas_be(w, v, v | FUTEX_WAITERS)) {
                continue;
            }
            v |= FUTEX_WAITERS;
        }
        waited = true;
        int64_t r = user_safe_syscall6(p, SYS_futex, w, wait_op, GUINT32_TO_BE(v), abs_timeout, NULL,
                                       FUTEX_BITSET_MATCH_ANY);
        if (r == -ETIMEDOUT) {
            return r;
        }
        if (r == -EINTR) {
            return USER_SYSRET_RESTART;
        }
    }
}

/* FUTEX_UNLOCK_PI: only the owner may; the word is freed and one sleeper woken to retry. */
static int64_t futex_unlock_pi_be(uint32_t *w, int op)
{
    uint32_t tid = (uint32_t)user_self->tid, v;
    do {
        v = load_be(w);
        if ((v & FUTEX_TID_MASK) != tid) {
            return -EPERM;
        }
    } while (!cas_be(w, v, 0));
    if (v & FUTEX_WAITERS) {
        syscall(SYS_futex, w, FUTEX_WAKE | (op & FUTEX_PRIVATE_FLAG), 1, NULL, NULL, 0);
    }
    return 0;
}

/* The operations a big-endian guest can have (see the top of the file). */
static int64_t futex_be(UserProc *p, void *uaddr, const uint64_t a[6], const struct timespec *timeout)
{
    int op = (int)a[1];
    uint32_t val = (uint32_t)a[2];
    void *uaddr2;
    switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        return user_safe_syscall6(p, SYS_futex, uaddr, op, GUINT32_TO_BE(val), timeout, NULL,
                                  (uint32_t)a[5]);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        return user_ret(syscall(SYS_futex, uaddr, op, (int)val, NULL, NULL, (uint32_t)a[5]));
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        if (user_arg_ptr(p, a[4], 4, &uaddr2) < 0 || !uaddr2) {
            return -EFAULT;
        }
        /* a[3] is the requeue count (val2), not a timeout. */
        return user_ret(syscall(SYS_futex, uaddr, op, (int)val, (long)(uint32_t)a[3], uaddr2,
                                GUINT32_TO_BE((uint32_t)a[5])));
    case FUTEX_WAKE_OP:
        return futex_wake_op_be(p, uaddr, op, (int)val, (int)(uint32_t)a[3], a[4], (uint32_t)a[5]);
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_TRYLOCK_PI:
        return futex_lock_pi_be(p, uaddr, op, timeout);
    case FUTEX_UNLOCK_PI:
        return futex_unlock_pi_be(uaddr, op);
    default: {
        static volatile int said;
        if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED)) {
            fprintf(stderr, "mimic: futex operation %d is not supported for a big-endian guest (ENOSYS)\n",
                    op & FUTEX_CMD_MASK);
        }
        return -ENOSYS;
    }
    }
}

int64_t user_futex(UserProc *p, const uint64_t a[6], const struct timespec *timeout)
{
    int op = (int)a[1];
    int cmd = op & FUTEX_CMD_MASK;
    void *uaddr, *uaddr2 = NULL;
    long arg4 = (long)a[3];
    if (a[0] & 3) {
        return -EINVAL;
    }
    if (user_arg_ptr(p, a[0], 4, &uaddr) < 0 || !uaddr) {
        return -EFAULT;
    }
    /* PI and WAKE_OP operations make the kernel write the words: no code page may be read-only there. */
    user_mem_unwatch_range_dirty(&p->mem, a[0], 4);
    if (user_guest_be(p)) {
        return futex_be(p, uaddr, a, timeout);
    }
    if (user_futex_waits(op)) {
        arg4 = (long)timeout;
    }
    switch (cmd) {
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
    case FUTEX_CMP_REQUEUE_PI:
    case FUTEX_WAIT_REQUEUE_PI:
        if (user_arg_ptr(p, a[4], 4, &uaddr2) < 0) {
            return -EFAULT;
        }
        if (uaddr2 != NULL) {
            user_mem_unwatch_range_dirty(&p->mem, a[4], 4);
        }
        break;
    default:
        break;
    }
    if (user_futex_waits(op)) {
        return user_safe_syscall6(p, SYS_futex, uaddr, op, (int)a[2], arg4, uaddr2, (int)a[5]);
    }
    return user_ret(syscall(SYS_futex, uaddr, op, (int)a[2], arg4, uaddr2, (int)a[5]));
}
