/*
 * sockopt_time.c - socket options holding a time: SO_RCVTIMEO set and read back (whatever
 * form libc uses), the old 32/64-bit-long form and the time64 form set by number where the
 * ABI has them, and a receive that times out with EAGAIN after about that long.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <asm/socket.h>
#include "guest_check.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    gc_group("SO_RCVTIMEO");
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    struct timeval tv = { 0, 200000 }, back;
    socklen_t len = sizeof(back);
    CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    memset(&back, 0x55, sizeof(back));
    CHECK_EQ(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &back, &len), 0);
    CHECK_EQ(len, sizeof(back));
    CHECK_EQ(back.tv_sec, 0);
    CHECK_EQ(back.tv_usec, 200000);
    char c;
    double t0 = now();
    errno = 0;
    CHECK_EQ(recv(sv[0], &c, 1, 0), -1);
    CHECK_EQ(errno, EAGAIN);
    double dt = now() - t0;
    CHECK(dt > 0.15 && dt < 3.0);

#ifdef SO_SNDTIMEO_OLD
    /* The old form: a timeval of two longs of the ABI. */
    struct { long sec, usec; } old = { 3, 500000 }, old_back;
    len = sizeof(old_back);
    CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO_OLD, &old, sizeof(old)), 0);
    CHECK_EQ(getsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO_OLD, &old_back, &len), 0);
    CHECK_EQ(len, sizeof(old_back));
    CHECK_EQ(old_back.sec, 3);
    CHECK_EQ(old_back.usec, 500000);
#endif
#ifdef SO_SNDTIMEO_NEW
    /* The time64 form: two 64-bit values on every ABI. */
    struct { int64_t sec, usec; } nw = { 7, 500000 }, nw_back;
    len = sizeof(nw_back);
    CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO_NEW, &nw, sizeof(nw)), 0);
    CHECK_EQ(getsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO_NEW, &nw_back, &len), 0);
    CHECK_EQ(len, sizeof(nw_back));
    CHECK_EQ(nw_back.sec, 7);
    CHECK_EQ(nw_back.usec, 500000);
#endif
    close(sv[0]);
    close(sv[1]);
    return gc_finish();
}
