/*
 * fdconv.c - descriptors whose data the kernel writes as integers: eventfd counters
 * (plain and EFD_SEMAPHORE, through dup and F_DUPFD copies), timerfd expirations with
 * timerfd_settime/gettime, inotify events; and dup2/dup3 with equal descriptors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "guest_check.h"

static void test_eventfd(void)
{
    uint64_t v = 0;
    gc_group("eventfd");
    int fd = eventfd(5, 0);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, 5);
    v = 0x100000007ull;
    CHECK_EQ(write(fd, &v, 8), 8);
    CHECK_EQ(v, 0x100000007ull);        /* the guest's buffer is left as it was */
    int d = dup(fd);
    CHECK(d > fd);
    v = 0;
    CHECK_EQ(read(d, &v, 8), 8);
    CHECK_EQ(v, 0x100000007ull);
    close(d);
    close(fd);

    fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, 1);
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(read(fd, &v, 8), 8);
    errno = 0;
    CHECK_EQ(read(fd, &v, 8), -1);
    CHECK_EQ(errno, EAGAIN);
    close(fd);

    /* A plain pipe reusing the number is not converted. */
    int p[2];
    CHECK_EQ(pipe(p), 0);
    uint64_t raw = 0x0102030405060708ull, back = 0;
    CHECK_EQ(write(p[1], &raw, 8), 8);
    CHECK_EQ(read(p[0], &back, 8), 8);
    CHECK_EQ(back, raw);
    close(p[0]);
    close(p[1]);
}

/* A copy made by fcntl(F_DUPFD) is an eventfd too. */
static void test_eventfd_dupfd(void)
{
    uint64_t v = 2;
    gc_group("eventfd F_DUPFD");
    int fd = eventfd(0, 0);
    int f = fcntl(fd, F_DUPFD, 40);
    CHECK(f >= 40);
    CHECK_EQ(write(f, &v, 8), 8);
    v = 0;
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, 2);
    close(f);
    close(fd);
}

static void test_timerfd(void)
{
    gc_group("timerfd");
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK(fd >= 0);
    struct itimerspec its = { .it_interval = { 0, 0 }, .it_value = { 0, 30 * 1000 * 1000 } }, cur;
    CHECK_EQ(timerfd_settime(fd, 0, &its, NULL), 0);
    CHECK_EQ(timerfd_gettime(fd, &cur), 0);
    /* At most what was set; 0 if the timer already fired (a busy machine may stall us 30 ms). */
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec >= 0 && cur.it_value.tv_nsec <= 30 * 1000 * 1000);
    CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 0);
    uint64_t n = 0;
    CHECK_EQ(read(fd, &n, 8), 8);       /* blocks until it fires */
    CHECK_EQ(n, 1);
    /* A periodic timer: the old value comes back, and expirations add up. */
    its.it_interval.tv_nsec = 5 * 1000 * 1000;
    its.it_value.tv_nsec = 5 * 1000 * 1000;
    struct itimerspec old;
    CHECK_EQ(timerfd_settime(fd, 0, &its, &old), 0);
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0);
    usleep(40 * 1000);
    CHECK_EQ(read(fd, &n, 8), 8);
    CHECK(n >= 2 && n < 1000);
    close(fd);
}

static void test_inotify(void)
{
    char dir[] = "/tmp/mimic-inotify-XXXXXX", path[64];
    union {
        struct inotify_event ev;
        char buf[512];
    } u;
    gc_group("inotify");
    CHECK(mkdtemp(dir) != NULL);
    int fd = inotify_init1(IN_NONBLOCK);
    CHECK(fd >= 0);
    int wd = inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE);
    CHECK(wd >= 1);
    snprintf(path, sizeof(path), "%s/created", dir);
    int f = open(path, O_CREAT | O_WRONLY, 0600);
    CHECK(f >= 0);
    close(f);
    unlink(path);
    int n = (int)read(fd, u.buf, sizeof(u.buf));
    CHECK(n >= (int)sizeof(struct inotify_event));
    CHECK_EQ(u.ev.wd, wd);
    CHECK_EQ(u.ev.mask, IN_CREATE);
    CHECK(u.ev.len > 0 && u.ev.len < 64);
    CHECK_STR(u.ev.name, "created");
    struct inotify_event *e2 = (struct inotify_event *)(u.buf + sizeof(struct inotify_event) + u.ev.len);
    CHECK((char *)e2 < u.buf + n);
    CHECK_EQ(e2->mask, IN_DELETE);
    CHECK_STR(e2->name, "created");
    close(fd);
    rmdir(dir);
}

static void test_dup_equal(void)
{
    gc_group("dup2 equal");
    CHECK_EQ(dup2(1, 1), 1);
    errno = 0;
    CHECK_EQ(dup2(77, 77), -1);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK_EQ(dup3(1, 1, 0), -1);
    CHECK_EQ(errno, EINVAL);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "dupfd") == 0) {
        test_eventfd_dupfd();
        return gc_finish();
    }
    test_eventfd();
    test_timerfd();
    test_inotify();
    test_dup_equal();
    return gc_finish();
}
