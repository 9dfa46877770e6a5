/*
 * Time, system information, futex, prctl and other small syscalls.
 * struct timespec, timeval, itimerspec, itimerval, timex, sysinfo and utsname
 * have the same layout on asm-generic 64-bit guests and x86-64.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

static int64_t sys_uname(UserProc *p, const uint64_t a[6])
{
    struct utsname u;
    if (uname(&u) < 0) {
        return user_errno();
    }
    g_strlcpy(u.machine, p->abi->uname_machine, sizeof(u.machine));
    return user_copy_to(&p->mem, a[0], &u, sizeof(u)) < 0 ? -EFAULT : 0;
}

/* futex with a struct timespec in the host's layout (asm-generic 64-bit). */
static int64_t sys_futex(UserProc *p, const uint64_t a[6])
{
    void *ts = NULL;
    if (a[3] && user_futex_waits((int)a[1]) && user_arg_ptr(p, a[3], 16, &ts) < 0) {
        return -EFAULT;
    }
    return user_futex(p, a, ts);
}

static int64_t sys_prctl(UserProc *p, const uint64_t a[6])
{
    int option = (int)a[0];
    int64_t ret;
    if (p->abi->prctl && p->abi->prctl(p, a, &ret)) {
        return ret;
    }
    switch (option) {
    case PR_SET_NAME: {
        char name[16];
        if (user_copy_from(&p->mem, name, a[1], sizeof(name)) < 0) {
            /* The name may end near the end of a mapping: copy byte by byte. */
            int err = 0;
            g_autofree char *s = user_strdup(&p->mem, a[1], 4096, &err);
            if (!s) {
                return err;
            }
            g_strlcpy(name, s, sizeof(name));
        }
        name[15] = 0;
        return user_ret(prctl(PR_SET_NAME, name, 0, 0, 0));
    }
    case PR_GET_NAME: {
        char name[16];
        if (prctl(PR_GET_NAME, name, 0, 0, 0) < 0) {
            return user_errno();
        }
        return user_copy_to(&p->mem, a[1], name, sizeof(name)) < 0 ? -EFAULT : 0;
    }
    case PR_GET_PDEATHSIG:
    case PR_GET_CHILD_SUBREAPER: {
        int v;
        if (prctl(option, &v, 0, 0, 0) < 0) {
            return user_errno();
        }
        return user_write_uint(p, a[1], 4, (uint32_t)v);
    }
    case PR_GET_TID_ADDRESS:
        return user_write_uint(p, a[1], p->abi->word_size, user_self->clear_child_tid);
    case PR_SET_PDEATHSIG:
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_SET_CHILD_SUBREAPER:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
    case PR_GET_TIMERSLACK:
    case PR_SET_TIMERSLACK:
    case PR_GET_SECUREBITS:
    case PR_CAPBSET_READ:
        return user_ret(prctl(option, (unsigned long)a[1], (unsigned long)a[2],
                              (unsigned long)a[3], (unsigned long)a[4]));
#ifdef PR_SET_VMA
    case PR_SET_VMA:
        /* Naming anonymous mappings is advisory; glibc ignores the result anyway. */
        return 0;
#endif
    default:
        return -EINVAL;
    }
}

void user_fill_random(UserProc *p, void *buf, size_t len)
{
    uint8_t *b = buf;

    for (size_t i = 0; i < len; i++) {
        b[i] = (uint8_t)g_rand_int(p->seeded_random);
    }
}

static int64_t sys_getrandom(UserProc *p, const uint64_t a[6])
{
    void *h;
    if (user_arg_wbuf(p, a[0], a[1], &h) < 0) {
        return -EFAULT;
    }
    if (p->seeded_random != NULL) {
        /* --seed: reproducible bytes; a single call returns at most 32 MiB, like Linux. */
        size_t len = a[1] > (32u << 20) ? (32u << 20) : (size_t)a[1];
        user_fill_random(p, h, len);
        return (int64_t)len;
    }
    return user_ret(syscall(SYS_getrandom, h, (long)a[1], (int)a[2]));
}

const UserSyscallRow user_sys_misc_rows[] = {
    { USER_NR_uname, sys_uname },
    { USER_NR_sethostname, NULL, SYS_sethostname, "ri" },
    { USER_NR_setdomainname, NULL, SYS_setdomainname, "ri" },
    { USER_NR_sysinfo, NULL, SYS_sysinfo, "p", USER_SYS_LAYOUT64 },
    { USER_NR_clock_gettime, NULL, SYS_clock_gettime, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_clock_settime, NULL, SYS_clock_settime, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_clock_getres, NULL, SYS_clock_getres, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_clock_nanosleep, NULL, SYS_clock_nanosleep, "iipp", USER_SYS_BLOCKING | USER_SYS_LAYOUT64 },
    { USER_NR_nanosleep, NULL, SYS_nanosleep, "pp", USER_SYS_BLOCKING | USER_SYS_LAYOUT64 },
    { USER_NR_gettimeofday, NULL, SYS_gettimeofday, "pp", USER_SYS_LAYOUT64 },
    { USER_NR_settimeofday, NULL, SYS_settimeofday, "pp", USER_SYS_LAYOUT64 },
    { USER_NR_adjtimex, NULL, SYS_adjtimex, "p", USER_SYS_LAYOUT64 },
    { USER_NR_clock_adjtime, NULL, SYS_clock_adjtime, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_getitimer, NULL, SYS_getitimer, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_setitimer, NULL, SYS_setitimer, "ipp", USER_SYS_LAYOUT64 },
    /* struct sigevent and itimerspec have the same layout (sigev_value is opaque). */
    { USER_NR_timer_create, NULL, SYS_timer_create, "ipp", USER_SYS_LAYOUT64 },
    { USER_NR_timer_settime, NULL, SYS_timer_settime, "iipp", USER_SYS_LAYOUT64 },
    { USER_NR_timer_gettime, NULL, SYS_timer_gettime, "ip", USER_SYS_LAYOUT64 },
    { USER_NR_timer_getoverrun, NULL, SYS_timer_getoverrun, "i" },
    { USER_NR_timer_delete, NULL, SYS_timer_delete, "i" },
    { USER_NR_getrandom, sys_getrandom },
    { USER_NR_futex, sys_futex, .flags = USER_SYS_LAYOUT64 | USER_SYS_RESTART },
    { USER_NR_prctl, sys_prctl },
    /* Every guest thread is a host thread of this process: the host's barrier is the guest's. */
    { USER_NR_membarrier, NULL, SYS_membarrier, "iii" },
    { -1 },
};
