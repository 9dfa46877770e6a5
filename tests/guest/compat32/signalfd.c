/*
 * signalfd.c - signals read from a signalfd: struct signalfd_siginfo records (the kernel
 * writes them in its byte order), two pending signals read at once in signal order, the
 * sigqueue value and SI_QUEUE code, EAGAIN when empty, a mask replaced on an existing
 * descriptor, and the flags.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "guest_check.h"

int main(void)
{
    gc_group("signalfd");
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &m, NULL), 0);
    int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);

    CHECK_EQ(sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 1234 }), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    struct signalfd_siginfo si[3];
    memset(si, 0x55, sizeof(si));
    CHECK_EQ(read(fd, si, sizeof(si)), 2 * (ssize_t)sizeof(si[0]));
    CHECK_EQ(si[0].ssi_signo, SIGUSR1);
    CHECK_EQ(si[0].ssi_code, SI_USER);
    CHECK_EQ(si[0].ssi_pid, (uint32_t)getpid());
    CHECK_EQ(si[0].ssi_uid, (uint32_t)getuid());
    CHECK_EQ(si[1].ssi_signo, SIGUSR2);
    CHECK_EQ(si[1].ssi_code, SI_QUEUE);
    CHECK_EQ(si[1].ssi_int, 1234);
    CHECK_EQ(si[1].ssi_ptr & 0xffffffffu, 1234);
    CHECK_EQ(si[1].ssi_pid, (uint32_t)getpid());

    errno = 0;
    CHECK_EQ(read(fd, si, sizeof(si)), -1);
    CHECK_EQ(errno, EAGAIN);

    /* A new mask on the same descriptor: SIGUSR1 is no longer read from it. */
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    CHECK_EQ(signalfd(fd, &only2, 0), fd);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    errno = 0;
    CHECK_EQ(read(fd, si, sizeof(si[0])), -1);
    CHECK_EQ(errno, EAGAIN);
    sigset_t pend;
    CHECK_EQ(sigpending(&pend), 0);
    CHECK_EQ(sigismember(&pend, SIGUSR1), 1);
    CHECK_EQ(raise(SIGUSR2), 0);
    CHECK_EQ(read(fd, si, sizeof(si[0])), (ssize_t)sizeof(si[0]));
    CHECK_EQ(si[0].ssi_signo, SIGUSR2);
    CHECK_EQ(si[0].ssi_code, SI_TKILL);
    close(fd);
    return gc_finish();
}
