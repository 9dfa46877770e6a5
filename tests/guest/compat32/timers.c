/*
 * timers.c - POSIX timers (SIGEV_SIGNAL with a sigval, SIGEV_THREAD, timer_gettime,
 * overruns), and the calls glibc still uses on ppc32 and i386 where asm-generic has none:
 * poll (readiness and its millisecond timeout), sendfile with a 32-bit offset, pause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "guest_check.h"

static volatile int hits, value;
static volatile int thread_sum;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    hits++;
    value = si->si_value.sival_int;
}

static void on_thread(union sigval v)
{
    thread_sum += v.sival_int;
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void test_timers(void)
{
    gc_group("timers");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    struct sigevent ev;
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 1234;
    timer_t t;
    CHECK_EQ(timer_create(CLOCK_MONOTONIC, &ev, &t), 0);
    struct itimerspec its = { { 0, 10 * 1000 * 1000 }, { 0, 10 * 1000 * 1000 } }, cur;
    CHECK_EQ(timer_settime(t, 0, &its, NULL), 0);
    while (hits < 3) {
        pause();
    }
    CHECK_EQ(value, 1234);
    CHECK_EQ(timer_gettime(t, &cur), 0);
    CHECK_EQ(cur.it_interval.tv_nsec, 10 * 1000 * 1000);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 10 * 1000 * 1000);
    CHECK(timer_getoverrun(t) >= 0);
    struct itimerspec off = { { 0, 0 }, { 0, 0 } }, old;
    CHECK_EQ(timer_settime(t, 0, &off, &old), 0);
    CHECK_EQ(old.it_interval.tv_nsec, 10 * 1000 * 1000);
    CHECK_EQ(timer_delete(t), 0);
    errno = 0;
    CHECK_EQ(timer_delete(t), -1);
    CHECK_EQ(errno, EINVAL);

    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = on_thread;
    ev.sigev_value.sival_int = 5;
    CHECK_EQ(timer_create(CLOCK_REALTIME, &ev, &t), 0);
    struct itimerspec once = { { 0, 0 }, { 0, 20 * 1000 * 1000 } };
    CHECK_EQ(timer_settime(t, 0, &once, NULL), 0);
    for (int i = 0; i < 200 && thread_sum == 0; i++) {
        usleep(10 * 1000);
    }
    CHECK_EQ(thread_sum, 5);
    CHECK_EQ(timer_delete(t), 0);
}

static void test_poll_sendfile_pause(void)
{
    gc_group("poll, sendfile, pause");
    int p[2];
    CHECK_EQ(pipe(p), 0);
    struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
    /* poll itself, not ppoll: the syscall glibc's poll() makes on ppc32. */
    CHECK_EQ(syscall(SYS_poll, pf, 2, 30), 1);
    CHECK_EQ(pf[0].revents, 0);
    CHECK_EQ(pf[1].revents, POLLOUT);
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(poll(pf, 1, -1), 1);
    CHECK_EQ(pf[0].revents, POLLIN);

    char path[] = "/tmp/mimic-sendfile-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    long off = 3;       /* the 32-bit off_t of the old sendfile syscall */
    CHECK_EQ(syscall(SYS_sendfile, p[1], fd, &off, 4), 4);
    CHECK_EQ(off, 7);
    char buf[8] = { 0 };
    CHECK_EQ(read(p[0], buf, 5), 5);
    CHECK_STR(buf, "x3456");
    close(fd);
    unlink(path);

    signal(SIGALRM, on_alarm);
    alarm(1);
    errno = 0;
    CHECK_EQ(syscall(SYS_pause), -1);
    CHECK_EQ(errno, EINTR);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    test_timers();
    test_poll_sendfile_pause();
    return gc_finish();
}
