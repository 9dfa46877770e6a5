/*
 * thread_churn.c - thread create/join/exit stress: `thread_churn [ITERATIONS]` (default 50).
 *
 * Each iteration starts four threads: one returns, one calls pthread_exit, one starts and
 * joins a thread of its own, one is detached and reports through a semaphore; main joins the
 * joinable three. The races an emulator can get wrong here are in thread start-up (the child's
 * registers, tp and stack from clone), in exit (the CLONE_CHILD_CLEARTID futex wake that ends
 * pthread_join, freeing the dead thread's state) and in creating threads from threads. The
 * ctest entry uses a small count; tests/guest/stress-threads.sh runs it many times by hand.
 */
#define _GNU_SOURCE
#include <semaphore.h>

#include "guest_check.h"
#include "thread_util.h"

static sem_t detached_done;
static long work_sum;

static long work(long x)
{
    long s = 0;
    for (long i = 0; i < 50; i++) {
        s += (x + i) * (x ^ i);
    }
    return s;
}

static void *returner(void *arg)
{
    return (void *)work((intptr_t)arg);
}

static void *exiter(void *arg)
{
    pthread_exit((void *)work((intptr_t)arg + 1));
}

static void *grandchild(void *arg)
{
    return (void *)work((intptr_t)arg + 2);
}

static void *parent(void *arg)
{
    pthread_t t;
    void *r = NULL;
    if (pthread_create(&t, NULL, grandchild, arg) != 0 || pthread_join(t, &r) != 0) {
        return (void *)-1L;
    }
    return r;
}

static void *detached(void *arg)
{
    __atomic_fetch_add(&work_sum, work((intptr_t)arg + 3), __ATOMIC_RELAXED);
    sem_post(&detached_done);
    return NULL;
}

int main(int argc, char **argv)
{
    long iterations = argc > 1 ? atol(argv[1]) : 50;
    long want = 0, got = 0, failures = 0, detached_started = 0;
    void *(*const fns[3])(void *) = { returner, exiter, parent };
    gc_group("churn");
    sem_init(&detached_done, 0, 0);
    for (long it = 0; it < iterations; it++) {
        pthread_t t[3], d;
        int started[3];
        for (int k = 0; k < 3; k++) {
            started[k] = pthread_create(&t[k], NULL, fns[k], (void *)(intptr_t)it) == 0;
            failures += !started[k];
        }
        if (pthread_create(&d, NULL, detached, (void *)(intptr_t)it) == 0) {
            detached_started++;
            failures += pthread_detach(d) != 0;
        } else {
            failures++;
        }
        for (int k = 0; k < 3; k++) {
            void *r = NULL;
            if (started[k]) {
                failures += pthread_join(t[k], &r) != 0;
            }
            got += (long)r;
            want += work(it + k);
        }
        want += work(it + 3);
    }
    /* Wait only for detached threads that exist: a failed create must fail, not hang. */
    for (long it = 0; it < detached_started; it++) {
        sem_wait(&detached_done);
    }
    got += work_sum;
    CHECK_EQ(failures, 0);
    CHECK_EQ(got, want);
    printf("churn: %ld iterations, %ld threads\n", iterations, iterations * 5);
    return gc_finish();
}
