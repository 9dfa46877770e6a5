/*
 * ppc_waitid.c - waitid's siginfo (signo, code, status, pid, uid) and rusage in the
 * 32-bit big-endian layouts: a child that exits, one killed by a signal, and WNOHANG
 * with no child left.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest_check.h"

int main(void)
{
    siginfo_t si;
    struct rusage ru;
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

    c = fork();
    if (c == 0) {
        pause();
        _exit(1);
    }
    CHECK_EQ(kill(c, SIGTERM), 0);
    memset(&si, 0, sizeof(si));
    memset(&ru, 0x55, sizeof(ru));
    CHECK_EQ(syscall(SYS_waitid, P_ALL, 0, &si, WEXITED, &ru), 0);
    CHECK_EQ(si.si_code, CLD_KILLED);
    CHECK_EQ(si.si_status, SIGTERM);
    CHECK_EQ(si.si_pid, c);
    CHECK(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
    CHECK(ru.ru_maxrss > 0);

    errno = 0;
    CHECK_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG), -1);
    CHECK_EQ(errno, ECHILD);
    return gc_finish();
}
