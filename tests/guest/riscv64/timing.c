/*
 * timing.c - clocks and sleeping: time(), gettimeofday, clock_gettime on REALTIME, MONOTONIC,
 * PROCESS_CPUTIME_ID and BOOTTIME (through the vDSO when the loader offers one, or the syscall),
 * clock_getres, clock() CPU time growing with work, nanosleep/usleep lasting at least as long
 * as asked, times(). Only relations are checked; no time value is printed.
 */
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include "guest_check.h"

static double ts_sec(const struct timespec *t)
{
    return t->tv_sec + t->tv_nsec / 1e9;
}

int main(void)
{
    struct timespec a, b, res;
    struct timeval tv;

    gc_group("wall_clock");
    time_t t = time(NULL);
    CHECK(t > 1600000000);                      /* after September 2020 */
    CHECK_EQ(gettimeofday(&tv, NULL), 0);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK(tv.tv_sec >= t && tv.tv_sec <= t + 5);
    CHECK_EQ(clock_gettime(CLOCK_REALTIME, &a), 0);
    CHECK(a.tv_sec >= t && a.tv_sec <= t + 5);
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
    struct tm tm;
    time_t fixed = 1700000000;                  /* 2023-11-14 22:13:20 UTC */
    gmtime_r(&fixed, &tm);
    char buf[64];
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %a", &tm);
    CHECK_STR(buf, "2023-11-14 22:13:20 Tue");
    CHECK_EQ(timegm(&tm), fixed);

    gc_group("monotonic");
    CHECK_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
    CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000);
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
    int monotonic = 1;
    struct timespec prev = a;
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        monotonic &= (ts_sec(&b) >= ts_sec(&prev));
        prev = b;
    }
    CHECK(monotonic);
    CHECK_EQ(clock_gettime(CLOCK_BOOTTIME, &b), 0);
    CHECK(ts_sec(&b) > 0);

    gc_group("sleep");
    struct timespec req = { 0, 100 * 1000 * 1000 }, rem = { 9, 9 };
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK_EQ(nanosleep(&req, &rem), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double slept = ts_sec(&b) - ts_sec(&a);
    CHECK(slept >= 0.099 && slept < 2.0);
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK_EQ(usleep(30000), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    slept = ts_sec(&b) - ts_sec(&a);
    CHECK(slept >= 0.029 && slept < 2.0);
    struct timespec abs_deadline;
    clock_gettime(CLOCK_MONOTONIC, &abs_deadline);
    abs_deadline.tv_nsec += 50 * 1000 * 1000;
    if (abs_deadline.tv_nsec >= 1000000000) {
        abs_deadline.tv_sec++;
        abs_deadline.tv_nsec -= 1000000000;
    }
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_deadline, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK(ts_sec(&b) >= ts_sec(&abs_deadline));

    gc_group("cpu_time");
    clock_t c0 = clock();
    struct timespec p0, p1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p0);
    volatile uint64_t x = 1;
    for (int i = 0; i < 3000000; i++) {
        x = x * 3 + 1;
    }
    clock_t c1 = clock();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p1);
    CHECK(c0 != (clock_t)-1);
    CHECK(c1 > c0);
    CHECK(ts_sec(&p1) > ts_sec(&p0));
    struct tms tms;
    CHECK(times(&tms) != (clock_t)-1);
    CHECK(tms.tms_utime + tms.tms_stime >= 0);
    return gc_finish();
}
