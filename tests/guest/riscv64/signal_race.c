/*
 * signal_race.c - waits that unblock signals atomically (ppoll, pselect, epoll_pwait with a
 * signal mask, sigsuspend) must be ended by a signal that is already pending, or that arrives
 * while the call is starting.
 *
 * SIGALRM stays blocked except inside the wait, and the wait has nothing else to wake it, so
 * on Linux every call returns -1/EINTR after the handler ran exactly once.  First the signal
 * is made pending before the call; then one-shot timers a few microseconds ahead sweep across
 * the time the call takes to start, so some signals land between an emulator's last look for
 * signals and the host's wait.  An emulator that loses one of them waits forever (the test's
 * timeout fails it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "guest_check.h"

#define ROUNDS 300

static volatile sig_atomic_t hits;
static int epfd;

static void on_alarm(int sig)
{
    (void)sig;
    hits++;
}

static void arm(long usec)
{
    struct itimerval it = { { 0, 0 }, { 0, usec } };
    setitimer(ITIMER_REAL, &it, NULL);
}

/* Wait with SIGALRM unblocked for the duration of the call only. */
static int wait_unblocked(int kind)
{
    sigset_t open;
    sigemptyset(&open);
    fd_set none;
    struct epoll_event ev;
    FD_ZERO(&none);
    switch (kind) {
    case 0:
        return ppoll(NULL, 0, NULL, &open);
    case 1:
        return pselect(0, &none, NULL, NULL, NULL, &open);
    case 2:
        return epoll_pwait(epfd, &ev, 1, -1, &open);
    default:
        return sigsuspend(&open);
    }
}

/* Busy-wait until the blocked SIGALRM is pending. */
static void until_pending(void)
{
    sigset_t set;
    do {
        sigpending(&set);
    } while (!sigismember(&set, SIGALRM));
}

int main(void)
{
    static const char *const names[] = { "ppoll", "pselect6", "epoll_pwait", "sigsuspend" };
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGALRM, &sa, NULL);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    epfd = epoll_create1(0);
    CHECK(epfd >= 0);

    for (int kind = 0; kind < 4; kind++) {
        gc_group(names[kind]);
        int pending_ok = 0, sweep_ok = 0;
        for (int r = 0; r < 20; r++) {
            int before = hits;
            arm(10);
            until_pending();
            int ret = wait_unblocked(kind);
            pending_ok += ret == -1 && errno == EINTR && hits == before + 1;
        }
        CHECK_EQ(pending_ok, 20);
        for (int r = 0; r < ROUNDS; r++) {
            int before = hits;
            arm(1 + (r * 7) % 50);
            int ret = wait_unblocked(kind);
            sweep_ok += ret == -1 && errno == EINTR && hits == before + 1;
        }
        CHECK_EQ(sweep_ok, ROUNDS);
    }
    return gc_finish();
}
