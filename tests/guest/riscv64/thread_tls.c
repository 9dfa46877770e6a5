/*
 * thread_tls.c - thread-local storage: __thread variables (initialised from .tdata and zeroed
 * .tbss) reached through the tp register, and pthread keys with destructors.
 *
 * Each new thread's TLS block is set up by glibc from the tp value passed to clone
 * (CLONE_SETTLS); an emulator that loses or shares tp between threads makes threads read each
 * other's values or the wrong initial image. Key destructors run at thread exit, for
 * non-NULL values only, and again (up to PTHREAD_DESTRUCTOR_ITERATIONS rounds) while a
 * destructor stores a new non-NULL value (POSIX pthread_key_create).
 */
#define _GNU_SOURCE
#include <sched.h>

#include "guest_check.h"
#include "thread_util.h"

#define THREADS 8

static __thread int tls_init = 42;
static __thread long tls_zero;
static __thread char tls_buf[64];
static __thread const char *tls_name = "initial";

typedef struct TlsSeen {
    int init, zero, buf_zero, name_ok, kept;
    uintptr_t addr;
} TlsSeen;
static TlsSeen seen[THREADS];

static void *tls_worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    TlsSeen *s = &seen[me];
    s->init = tls_init;
    s->zero = (int)tls_zero;
    s->buf_zero = 1;
    for (int i = 0; i < 64; i++) {
        s->buf_zero &= tls_buf[i] == 0;
    }
    s->name_ok = strcmp(tls_name, "initial") == 0;
    s->addr = (uintptr_t)&tls_init;
    /* Write our own values, let the others run and write theirs, then read ours back. */
    tls_init = 100 + me;
    tls_zero = -me;
    memset(tls_buf, me + 1, sizeof(tls_buf));
    for (int i = 0; i < 50; i++) {
        sched_yield();
        tls_zero -= 1;
    }
    s->kept = tls_init == 100 + me && tls_zero == -me - 50 && tls_buf[63] == me + 1;
    return NULL;
}

static void test_tls_vars(void)
{
    gc_group("tls_vars");
    tls_init = 7;            /* the main thread's copy: new threads must not inherit it */
    tls_name = "main";
    tu_start(THREADS, tls_worker);
    tu_join(THREADS, NULL);
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(seen[i].init, 42);
        CHECK_EQ(seen[i].zero, 0);
        CHECK(seen[i].buf_zero);
        CHECK(seen[i].name_ok);
        CHECK(seen[i].kept);
        CHECK(seen[i].addr != (uintptr_t)&tls_init);
        for (int j = 0; j < i; j++) {
            CHECK(seen[i].addr != seen[j].addr);
        }
    }
    CHECK_EQ(tls_init, 7);
    CHECK_STR(tls_name, "main");
}

/* --- pthread keys --- */

static pthread_key_t key, key_again, key_unused;
static int destroyed[THREADS];      /* times the destructor of key ran with thread i's value */
static int again_calls[THREADS];    /* times key_again's destructor ran for thread i */
static int unused_calls;
static int values[THREADS];

static void key_dtor(void *v)
{
    int *p = v;
    __atomic_fetch_add(&destroyed[p - values], 1, __ATOMIC_RELAXED);
}

/* Stores a new value twice, so it must run three times for one thread. */
static void key_again_dtor(void *v)
{
    int *p = v;
    int n = __atomic_add_fetch(&again_calls[p - values], 1, __ATOMIC_RELAXED);
    if (n < 3) {
        pthread_setspecific(key_again, p);
    }
}

static void unused_dtor(void *v)
{
    __atomic_fetch_add(&unused_calls, 1, __ATOMIC_RELAXED);
}

static void *key_worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    int ok = pthread_getspecific(key) == NULL;      /* a new thread starts with NULL */
    pthread_setspecific(key, &values[me]);
    pthread_setspecific(key_again, &values[me]);
    sched_yield();
    ok &= pthread_getspecific(key) == &values[me];
    if (me % 2) {
        pthread_exit((void *)(intptr_t)ok);         /* destructors run on pthread_exit too */
    }
    return (void *)(intptr_t)ok;
}

static void test_keys(void)
{
    void *ok[THREADS];
    gc_group("pthread_key");
    TU_OK(pthread_key_create(&key, key_dtor));
    TU_OK(pthread_key_create(&key_again, key_again_dtor));
    TU_OK(pthread_key_create(&key_unused, unused_dtor));
    pthread_setspecific(key, &values[0]);           /* main's value is not touched by workers */
    tu_start(THREADS, key_worker);
    tu_join(THREADS, ok);
    for (int i = 0; i < THREADS; i++) {
        CHECK((intptr_t)ok[i]);
        CHECK_EQ(destroyed[i], 1);
        CHECK_EQ(again_calls[i], 3);
    }
    CHECK_EQ(unused_calls, 0);                      /* NULL values get no destructor call */
    CHECK(pthread_getspecific(key) == &values[0]);
    CHECK_EQ(pthread_key_delete(key_unused), 0);
}

int main(void)
{
    test_tls_vars();
    test_keys();
    return gc_finish();
}
