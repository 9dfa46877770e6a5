/*
 * waitid.c - waitid's siginfo (signo, code, status, pid, uid) and rusage in the
 * 32-bit layouts (big-endian on ppc32): a child that exits, one killed by a signal, and WNOHANG
 * with no child left.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest_check.h"

/* What the raw syscall writes for a 32-bit task (struct compat_rusage), whatever glibc's
 * struct rusage is with _TIME_BITS=64. */
struct compat_rusage {
    int32_t utime_sec, utime_usec, stime_sec, stime_usec;
    int32_t maxrss, rest[13];
};

int main(void)
{
    siginfo_t si;
    struct compat_rusage ru;
    gc_group("waitid");
    pid_t c = fork();
    if (c == 0) {
        _exit(42);
    }
    memset(&si, 0x55, sizeof(si));
    CHECK_EQ(waitid(P_PID, c, &si, WEXITED), 0);
    CHECK_EQ(si.si_signo, SIGCHLD);
    CHECK_EQ(si.si_code, CLD_EXITED);
    CHECK_EQ(si.si_status, 42);
    CHECK_EQ(si.si_pid, c);
    CHECK_EQ(si.si_uid, getuid());

    /* The child says it runs before it is killed: one that never ran has no RSS. */
    int ready[2];
    CHECK_EQ(pipe(ready), 0);
    c = fork();
    if (c == 0) {
        (void)!write(ready[1], "r", 1);
        pause();
        _exit(1);
    }
    char r;
    CHECK_EQ(read(ready[0], &r, 1), 1);
    CHECK_EQ(kill(c, SIGTERM), 0);
    memset(&si, 0, sizeof(si));
    memset(&ru, 0x55, sizeof(ru));
    CHECK_EQ(syscall(SYS_waitid, P_ALL, 0, &si, WEXITED, &ru), 0);
    CHECK_EQ(si.si_code, CLD_KILLED);
    CHECK_EQ(si.si_status, SIGTERM);
    CHECK_EQ(si.si_pid, c);
    CHECK(ru.utime_usec >= 0 && ru.utime_usec < 1000000);
    CHECK(ru.stime_usec >= 0 && ru.stime_usec < 1000000);
    CHECK(ru.maxrss > 0);

    errno = 0;
    CHECK_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG), -1);
    CHECK_EQ(errno, ECHILD);
    return gc_finish();
}
