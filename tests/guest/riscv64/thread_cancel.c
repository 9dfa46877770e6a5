/*
 * thread_cancel.c - pthread cancellation: deferred cancellation of threads blocked at
 * cancellation points (read on an empty pipe, nanosleep, pthread_cond_wait), asynchronous
 * cancellation of a thread spinning in pure computation, pthread_testcancel, and the
 * cancel-state switch; cleanup handlers run in reverse order of pushing.
 *
 * glibc cancels by sending SIGCANCEL (a real-time signal, 32) to the thread with tgkill; its
 * handler either acts at once (asynchronous) or marks the thread so that the interrupted
 * blocking syscall returns and the cancellation is acted on. Then the thread unwinds through
 * libgcc (through the signal frame, for the asynchronous case) running the cleanup handlers.
 * An emulator has to deliver the signal to the right host thread and interrupt the blocking
 * syscall that thread is in. A lost cancel hangs the test until its timeout. The asynchronous
 * case also needs a signal frame libgcc can unwind through: it recognises one by the code at
 * the handler's return address (`li a7, 139; ecall`, rt_sigreturn, as in Linux's vDSO).
 */
#define _GNU_SOURCE
#include <semaphore.h>
#include <unistd.h>

#include "guest_check.h"
#include "thread_util.h"

static sem_t started;
static int cleanup_log[8], cleanup_n;
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void log_cleanup(void *arg)
{
    cleanup_log[cleanup_n++] = (int)(intptr_t)arg;
}

static void reset_log(void)
{
    cleanup_n = 0;
    memset(cleanup_log, 0, sizeof(cleanup_log));
}

/* Starts fn, waits until it says it is about to block, gives it time to get into the kernel,
   cancels it and returns what pthread_join reported. */
static void *cancel_when_blocked(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    void *ret = NULL;
    TU_OK(pthread_create(&t, NULL, fn, arg));
    sem_wait(&started);
    tu_sleep_ms(20);
    TU_OK(pthread_cancel(t));
    TU_OK(pthread_join(t, &ret));
    return ret;
}

/* --- Deferred cancellation at cancellation points --- */

static int pipe_fds[2];

static void *reader(void *arg)
{
    char c;
    pthread_cleanup_push(log_cleanup, (void *)1);
    pthread_cleanup_push(log_cleanup, (void *)2);
    sem_post(&started);
    ssize_t n = read(pipe_fds[0], &c, 1);       /* nobody writes: only the cancel ends this */
    log_cleanup((void *)(intptr_t)(100 + n));   /* not reached */
    pthread_cleanup_pop(0);
    pthread_cleanup_pop(0);
    return NULL;
}

static void test_cancel_read(void)
{
    gc_group("cancel_read");
    reset_log();
    TU_OK(pipe(pipe_fds));
    CHECK(cancel_when_blocked(reader, NULL) == PTHREAD_CANCELED);
    CHECK_EQ(cleanup_n, 2);
    CHECK_EQ(cleanup_log[0], 2);        /* last pushed runs first */
    CHECK_EQ(cleanup_log[1], 1);
    /* The pipe still works: the cancelled read consumed nothing. */
    CHECK_EQ(write(pipe_fds[1], "x", 1), 1);
    char c = 0;
    CHECK_EQ(read(pipe_fds[0], &c, 1), 1);
    CHECK_EQ(c, 'x');
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static void *sleeper(void *arg)
{
    struct timespec ts = { 60, 0 };
    pthread_cleanup_push(log_cleanup, (void *)3);
    sem_post(&started);
    nanosleep(&ts, NULL);
    log_cleanup((void *)99);
    pthread_cleanup_pop(0);
    return NULL;
}

static void test_cancel_nanosleep(void)
{
    gc_group("cancel_nanosleep");
    reset_log();
    int64_t t0 = tu_now_ns(CLOCK_MONOTONIC);
    CHECK(cancel_when_blocked(sleeper, NULL) == PTHREAD_CANCELED);
    CHECK(tu_now_ns(CLOCK_MONOTONIC) - t0 < 30 * (int64_t)1000000000);  /* not the 60 s sleep */
    CHECK_EQ(cleanup_n, 1);
    CHECK_EQ(cleanup_log[0], 3);
}

static void unlock_cleanup(void *arg)
{
    log_cleanup(arg);
    pthread_mutex_unlock(&mtx);
}

static void *cond_waiter(void *arg)
{
    pthread_mutex_lock(&mtx);
    pthread_cleanup_push(unlock_cleanup, (void *)4);
    sem_post(&started);
    for (;;) {
        pthread_cond_wait(&cv, &mtx);   /* never signalled */
    }
    pthread_cleanup_pop(1);
    return NULL;
}

static void test_cancel_cond_wait(void)
{
    gc_group("cancel_cond_wait");
    reset_log();
    CHECK(cancel_when_blocked(cond_waiter, NULL) == PTHREAD_CANCELED);
    CHECK_EQ(cleanup_n, 1);
    CHECK_EQ(cleanup_log[0], 4);
    /* A thread cancelled in pthread_cond_wait owns the mutex again when its handlers run, so
       the handler's unlock leaves it free. */
    CHECK_EQ(pthread_mutex_trylock(&mtx), 0);
    pthread_mutex_unlock(&mtx);
}

/* --- Asynchronous cancellation --- */

static volatile unsigned long spins;

static void *spinner(void *arg)
{
    pthread_cleanup_push(log_cleanup, (void *)5);
    TU_OK(pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL));
    sem_post(&started);
    for (;;) {
        spins = spins * 3 + 1;          /* no calls, no syscalls: no cancellation point */
    }
    pthread_cleanup_pop(0);
    return NULL;
}

static void test_cancel_async(void)
{
    gc_group("cancel_async");
    reset_log();
    CHECK(cancel_when_blocked(spinner, NULL) == PTHREAD_CANCELED);
    CHECK_EQ(cleanup_n, 1);
    CHECK_EQ(cleanup_log[0], 5);
}

/* --- pthread_testcancel and the cancel state --- */

static volatile int cancel_sent;
static int work_done;

static void *polite_worker(void *arg)
{
    int old;
    pthread_cleanup_push(log_cleanup, (void *)6);
    /* Disabled: the cancel stays pending while this part runs to its end. */
    TU_OK(pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old));
    sem_post(&started);
    while (!cancel_sent) {
        sched_yield();
    }
    pthread_testcancel();               /* no effect while disabled */
    tu_sleep_ms(1);                     /* nanosleep is a cancellation point: no effect either */
    work_done = 1;
    TU_OK(pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old));
    for (int i = 0; i < 1000000; i++) {
        work_done++;
        pthread_testcancel();           /* acts on the pending cancel at the first call */
    }
    pthread_cleanup_pop(0);
    return NULL;
}

static void test_testcancel(void)
{
    pthread_t t;
    void *ret = NULL;
    gc_group("testcancel");
    reset_log();
    TU_OK(pthread_create(&t, NULL, polite_worker, NULL));
    sem_wait(&started);
    TU_OK(pthread_cancel(t));
    cancel_sent = 1;
    TU_OK(pthread_join(t, &ret));
    CHECK(ret == PTHREAD_CANCELED);
    CHECK_EQ(work_done, 2);             /* cancelled at the first testcancel after enabling */
    CHECK_EQ(cleanup_n, 1);
    CHECK_EQ(cleanup_log[0], 6);
}

int main(void)
{
    sem_init(&started, 0, 0);
    test_cancel_read();
    test_cancel_nanosleep();
    test_cancel_cond_wait();
    test_cancel_async();
    test_testcancel();
    return gc_finish();
}
