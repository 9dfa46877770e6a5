/*
 * thread_util.h - small helpers shared by the thread tests: start/join a group of threads that
 * get their index as argument, clock reading and deadlines.
 *
 * The thread tests never call CHECK from a worker: guest_check.h keeps its counters in plain
 * globals. Workers record what they saw in per-thread slots and the main thread checks after
 * joining, so the printed lines and their order do not depend on scheduling.
 */
#ifndef THREAD_UTIL_H
#define THREAD_UTIL_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TU_MAX_THREADS 64

/* A failed pthread call outside a check is a broken test set-up: stop with a clear message. */
#define TU_OK(call)                                                                   \
    do {                                                                              \
        int tu_rc_ = (call);                                                          \
        if (tu_rc_ != 0) {                                                            \
            printf("line %d: %s failed with %d\n", __LINE__, #call, tu_rc_);          \
            fflush(stdout);                                                           \
            exit(3);                                                                  \
        }                                                                             \
    } while (0)

static pthread_t tu_threads[TU_MAX_THREADS];

/* Starts n threads running fn((void *)index). */
static inline void tu_start(int n, void *(*fn)(void *))
{
    for (int i = 0; i < n; i++) {
        TU_OK(pthread_create(&tu_threads[i], NULL, fn, (void *)(intptr_t)i));
    }
}

/* Joins the n threads started by tu_start; their return values go to results when not NULL. */
static inline void tu_join(int n, void **results)
{
    for (int i = 0; i < n; i++) {
        TU_OK(pthread_join(tu_threads[i], results ? &results[i] : NULL));
    }
}

static inline int64_t tu_now_ns(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* An absolute deadline ms milliseconds from now on clock clk (for the timed waits). */
static inline struct timespec tu_deadline(clockid_t clk, int ms)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    ts.tv_nsec += (long)(ms % 1000) * 1000000;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    return ts;
}

static inline void tu_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

#endif /* THREAD_UTIL_H */
