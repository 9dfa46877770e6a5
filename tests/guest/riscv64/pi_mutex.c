/*
 * pi_mutex.c - priority-inheritance mutexes (PTHREAD_PRIO_INHERIT), which glibc builds on
 * FUTEX_LOCK_PI / FUTEX_TRYLOCK_PI / FUTEX_UNLOCK_PI once a lock is contended: mutual
 * exclusion among four threads, trylock and timedlock on a held lock, an error-checking
 * relock, and a robust one whose owner exits holding it (EOWNERDEAD, then consistent).
 * Big-endian guests get these operations emulated (the kernel would write owner tids in
 * host order); little-endian ones pass them to the host kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "guest_check.h"

#define THREADS 4
#define ROUNDS 3000

static pthread_mutex_t m;
static volatile long counter;

static void init_pi(pthread_mutex_t *mx, int type, int robust)
{
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_setprotocol(&at, PTHREAD_PRIO_INHERIT);
    pthread_mutexattr_settype(&at, type);
    if (robust) {
        pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
    }
    CHECK_EQ(pthread_mutex_init(mx, &at), 0);
    pthread_mutexattr_destroy(&at);
}

static void *adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&m);
        long c = counter;
        if ((i & 63) == 0) {
            sched_yield();      /* make the others find it held */
        }
        counter = c + 1;
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

static volatile int holding, release;

static void *holder(void *arg)
{
    pthread_mutex_t *mx = arg;
    pthread_mutex_lock(mx);
    holding = 1;
    while (!release) {
        usleep(1000);
    }
    pthread_mutex_unlock(mx);
    return NULL;
}

static void *dies_holding(void *arg)
{
    pthread_mutex_lock((pthread_mutex_t *)arg);
    return NULL;            /* exits with the robust mutex held */
}

int main(void)
{
    gc_group("mutual exclusion");
    init_pi(&m, PTHREAD_MUTEX_NORMAL, 0);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(pthread_create(&t[i], NULL, adder, NULL), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(pthread_join(t[i], NULL), 0);
    }
    CHECK_EQ(counter, THREADS * ROUNDS);

    gc_group("held by another thread");
    pthread_t h;
    CHECK_EQ(pthread_create(&h, NULL, holder, &m), 0);
    while (!holding) {
        usleep(1000);
    }
    CHECK_EQ(pthread_mutex_trylock(&m), EBUSY);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 50 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    CHECK_EQ(pthread_mutex_timedlock(&m, &until), ETIMEDOUT);
    release = 1;
    CHECK_EQ(pthread_mutex_lock(&m), 0);        /* waits for the holder's unlock */
    CHECK_EQ(pthread_mutex_unlock(&m), 0);
    CHECK_EQ(pthread_join(h, NULL), 0);

    gc_group("error checking");
    pthread_mutex_t e;
    init_pi(&e, PTHREAD_MUTEX_ERRORCHECK, 0);
    CHECK_EQ(pthread_mutex_lock(&e), 0);
    CHECK_EQ(pthread_mutex_lock(&e), EDEADLK);
    CHECK_EQ(pthread_mutex_unlock(&e), 0);
    CHECK_EQ(pthread_mutex_unlock(&e), EPERM);

    gc_group("robust, owner died");
    pthread_mutex_t r;
    init_pi(&r, PTHREAD_MUTEX_NORMAL, 1);
    pthread_t d;
    CHECK_EQ(pthread_create(&d, NULL, dies_holding, &r), 0);
    CHECK_EQ(pthread_join(d, NULL), 0);
    CHECK_EQ(pthread_mutex_lock(&r), EOWNERDEAD);
    CHECK_EQ(pthread_mutex_consistent(&r), 0);
    CHECK_EQ(pthread_mutex_unlock(&r), 0);
    CHECK_EQ(pthread_mutex_lock(&r), 0);
    CHECK_EQ(pthread_mutex_unlock(&r), 0);
    return gc_finish();
}
