/*
 * thread_sync.c - POSIX synchronisation between guest threads: mutexes of every type (trylock,
 * timedlock), condition variables (signal, broadcast, timed waits on both clocks), barriers,
 * rwlocks, spinlocks, semaphores and pthread_once.
 *
 * All of these end up as futex waits/wakes and atomic sequences (LR/SC or AMOs) on shared
 * words, so they test that an emulator's threads share memory, that its atomics are atomic
 * across host threads, and that futex timeouts are honoured. Expected values follow from
 * POSIX/glibc semantics: exact counter totals, EBUSY/EDEADLK/EPERM/ETIMEDOUT codes, and a timed
 * wait lasting at least its timeout. Workers record, the main thread checks (thread_util.h).
 */
#define _GNU_SOURCE
#include <semaphore.h>
#include <string.h>

#include "guest_check.h"
#include "thread_util.h"

#define WORKERS 4
#define ITERS 2000
#define TIMEOUT_MS 50
#define TIMEOUT_NS ((int64_t)TIMEOUT_MS * 1000000)

static pthread_mutex_t mtx;
static pthread_spinlock_t spin;
static volatile long counter;

/* --- Mutexes --- */

static void *mutex_adder(void *arg)
{
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&mtx);
        counter = counter + 1;      /* non-atomic read-modify-write: only the lock protects it */
        pthread_mutex_unlock(&mtx);
    }
    return NULL;
}

static void *try_other(void *arg)
{
    /* Returns pthread_mutex_trylock's result from a thread that does not own the mutex. */
    int rc = pthread_mutex_trylock(&mtx);
    if (rc == 0) {
        pthread_mutex_unlock(&mtx);
    }
    return (void *)(intptr_t)rc;
}

static int trylock_from_other_thread(void)
{
    pthread_t t;
    void *rc;
    TU_OK(pthread_create(&t, NULL, try_other, NULL));
    TU_OK(pthread_join(t, &rc));
    return (int)(intptr_t)rc;
}

static void init_mutex(int type)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, type);
    TU_OK(pthread_mutex_init(&mtx, &a));
    pthread_mutexattr_destroy(&a);
}

static void test_mutex_normal(void)
{
    gc_group("mutex_normal");
    init_mutex(PTHREAD_MUTEX_NORMAL);
    counter = 0;
    tu_start(WORKERS, mutex_adder);
    tu_join(WORKERS, NULL);
    CHECK_EQ(counter, WORKERS * ITERS);
    pthread_mutex_lock(&mtx);
    CHECK_EQ(trylock_from_other_thread(), EBUSY);
    pthread_mutex_unlock(&mtx);
    CHECK_EQ(trylock_from_other_thread(), 0);
    pthread_mutex_destroy(&mtx);
}

static void test_mutex_recursive(void)
{
    gc_group("mutex_recursive");
    init_mutex(PTHREAD_MUTEX_RECURSIVE);
    CHECK_EQ(pthread_mutex_lock(&mtx), 0);
    CHECK_EQ(pthread_mutex_lock(&mtx), 0);
    CHECK_EQ(pthread_mutex_trylock(&mtx), 0);       /* the owner may always relock */
    CHECK_EQ(trylock_from_other_thread(), EBUSY);
    CHECK_EQ(pthread_mutex_unlock(&mtx), 0);
    CHECK_EQ(pthread_mutex_unlock(&mtx), 0);
    CHECK_EQ(trylock_from_other_thread(), EBUSY);   /* still held once */
    CHECK_EQ(pthread_mutex_unlock(&mtx), 0);
    CHECK_EQ(trylock_from_other_thread(), 0);
    CHECK_EQ(pthread_mutex_unlock(&mtx), EPERM);    /* not owned any more */
    counter = 0;
    tu_start(WORKERS, mutex_adder);
    tu_join(WORKERS, NULL);
    CHECK_EQ(counter, WORKERS * ITERS);
    pthread_mutex_destroy(&mtx);
}

static void *unlock_other(void *arg)
{
    return (void *)(intptr_t)pthread_mutex_unlock(&mtx);
}

static void test_mutex_errorcheck(void)
{
    pthread_t t;
    void *rc;
    gc_group("mutex_errorcheck");
    init_mutex(PTHREAD_MUTEX_ERRORCHECK);
    CHECK_EQ(pthread_mutex_unlock(&mtx), EPERM);
    CHECK_EQ(pthread_mutex_lock(&mtx), 0);
    CHECK_EQ(pthread_mutex_lock(&mtx), EDEADLK);
    CHECK_EQ(pthread_mutex_trylock(&mtx), EBUSY);
    TU_OK(pthread_create(&t, NULL, unlock_other, NULL));
    TU_OK(pthread_join(t, &rc));
    CHECK_EQ((intptr_t)rc, EPERM);                  /* only the owner may unlock */
    CHECK_EQ(pthread_mutex_unlock(&mtx), 0);
    pthread_mutex_destroy(&mtx);
}

/* Holds mtx for hold_ms milliseconds, telling the main thread when it has it. */
static sem_t held;
static int hold_ms;

static void *holder(void *arg)
{
    pthread_mutex_lock(&mtx);
    sem_post(&held);
    tu_sleep_ms(hold_ms);
    pthread_mutex_unlock(&mtx);
    return NULL;
}

static void test_mutex_timedlock(void)
{
    pthread_t t;
    gc_group("mutex_timedlock");
    init_mutex(PTHREAD_MUTEX_NORMAL);
    sem_init(&held, 0, 0);

    /* Held for longer than our timeout: ETIMEDOUT, no earlier than the deadline. */
    hold_ms = 4 * TIMEOUT_MS;
    TU_OK(pthread_create(&t, NULL, holder, NULL));
    sem_wait(&held);
    int64_t t0 = tu_now_ns(CLOCK_MONOTONIC);
    struct timespec dl = tu_deadline(CLOCK_REALTIME, TIMEOUT_MS);
    CHECK_EQ(pthread_mutex_timedlock(&mtx, &dl), ETIMEDOUT);
    CHECK(tu_now_ns(CLOCK_MONOTONIC) - t0 >= TIMEOUT_NS);
    t0 = tu_now_ns(CLOCK_MONOTONIC);
    dl = tu_deadline(CLOCK_MONOTONIC, TIMEOUT_MS);
    CHECK_EQ(pthread_mutex_clocklock(&mtx, CLOCK_MONOTONIC, &dl), ETIMEDOUT);
    CHECK(tu_now_ns(CLOCK_MONOTONIC) - t0 >= TIMEOUT_NS);
    /* A generous deadline: the holder lets go first and we get the lock. */
    dl = tu_deadline(CLOCK_REALTIME, 20000);
    CHECK_EQ(pthread_mutex_timedlock(&mtx, &dl), 0);
    CHECK_EQ(pthread_mutex_unlock(&mtx), 0);
    TU_OK(pthread_join(t, NULL));

    /* A deadline already in the past on a free mutex still locks it (POSIX: no wait needed). */
    struct timespec past = { 0, 0 };
    CHECK_EQ(pthread_mutex_timedlock(&mtx, &past), 0);
    pthread_mutex_unlock(&mtx);
    sem_destroy(&held);
    pthread_mutex_destroy(&mtx);
}

/* --- Condition variables --- */

#define QUEUE_ITEMS 500
static pthread_cond_t cv_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cv_nonfull = PTHREAD_COND_INITIALIZER;
static int queue[4], q_head, q_count;
static long consumed_sum[2];

static void *producer(void *arg)
{
    for (int i = 1; i <= QUEUE_ITEMS; i++) {
        pthread_mutex_lock(&mtx);
        while (q_count == 4) {
            pthread_cond_wait(&cv_nonfull, &mtx);
        }
        queue[(q_head + q_count) % 4] = i;
        q_count++;
        pthread_cond_signal(&cv_nonempty);
        pthread_mutex_unlock(&mtx);
    }
    return NULL;
}

/* Two consumers take QUEUE_ITEMS/2 items each; item 0 is never produced. */
static void *consumer(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int i = 0; i < QUEUE_ITEMS / 2; i++) {
        pthread_mutex_lock(&mtx);
        while (q_count == 0) {
            pthread_cond_wait(&cv_nonempty, &mtx);
        }
        consumed_sum[me] += queue[q_head];
        q_head = (q_head + 1) % 4;
        q_count--;
        pthread_cond_signal(&cv_nonfull);
        pthread_mutex_unlock(&mtx);
    }
    return NULL;
}

static void test_cond_signal(void)
{
    pthread_t p, c[2];
    gc_group("cond_signal");
    init_mutex(PTHREAD_MUTEX_NORMAL);
    for (int i = 0; i < 2; i++) {
        TU_OK(pthread_create(&c[i], NULL, consumer, (void *)(intptr_t)i));
    }
    TU_OK(pthread_create(&p, NULL, producer, NULL));
    TU_OK(pthread_join(p, NULL));
    for (int i = 0; i < 2; i++) {
        TU_OK(pthread_join(c[i], NULL));
    }
    CHECK_EQ(consumed_sum[0] + consumed_sum[1], QUEUE_ITEMS * (QUEUE_ITEMS + 1) / 2);
    CHECK_EQ(q_count, 0);
    pthread_mutex_destroy(&mtx);
}

static pthread_cond_t cv_go = PTHREAD_COND_INITIALIZER;
static int go, waiting, woken;

static void *broadcast_waiter(void *arg)
{
    pthread_mutex_lock(&mtx);
    waiting++;
    pthread_cond_signal(&cv_nonempty);      /* tell main one more is about to wait */
    while (!go) {
        pthread_cond_wait(&cv_go, &mtx);
    }
    woken++;
    pthread_mutex_unlock(&mtx);
    return NULL;
}

static void test_cond_broadcast(void)
{
    gc_group("cond_broadcast");
    init_mutex(PTHREAD_MUTEX_NORMAL);
    tu_start(WORKERS * 2, broadcast_waiter);
    pthread_mutex_lock(&mtx);
    while (waiting < WORKERS * 2) {
        pthread_cond_wait(&cv_nonempty, &mtx);
    }
    CHECK_EQ(woken, 0);
    go = 1;
    pthread_cond_broadcast(&cv_go);     /* one call must wake every waiter */
    pthread_mutex_unlock(&mtx);
    tu_join(WORKERS * 2, NULL);
    CHECK_EQ(woken, WORKERS * 2);
    pthread_mutex_destroy(&mtx);
}

static int flag_set_late;

static void *late_signaller(void *arg)
{
    tu_sleep_ms(TIMEOUT_MS / 5);
    pthread_mutex_lock(&mtx);
    flag_set_late = 1;
    pthread_cond_signal(&cv_go);
    pthread_mutex_unlock(&mtx);
    return NULL;
}

/* One timed wait that nobody signals, then one that is signalled long before its deadline. */
static void timedwait_on(clockid_t clk)
{
    pthread_condattr_t ca;
    pthread_cond_t cv;
    pthread_t t;
    pthread_condattr_init(&ca);
    CHECK_EQ(pthread_condattr_setclock(&ca, clk), 0);
    TU_OK(pthread_cond_init(&cv, &ca));
    pthread_condattr_destroy(&ca);

    pthread_mutex_lock(&mtx);
    int64_t t0 = tu_now_ns(CLOCK_MONOTONIC);
    struct timespec dl = tu_deadline(clk, TIMEOUT_MS);
    int rc;
    do {
        rc = pthread_cond_timedwait(&cv, &mtx, &dl);    /* spurious wake-ups are allowed */
    } while (rc == 0);
    CHECK_EQ(rc, ETIMEDOUT);
    CHECK(tu_now_ns(CLOCK_MONOTONIC) - t0 >= TIMEOUT_NS);
    CHECK_EQ(pthread_mutex_trylock(&mtx), EBUSY);       /* re-acquired on return */
    pthread_mutex_unlock(&mtx);

    /* pthread_cond_clockwait takes the clock per call instead of from the attribute. */
    pthread_mutex_lock(&mtx);
    t0 = tu_now_ns(CLOCK_MONOTONIC);
    dl = tu_deadline(clk, TIMEOUT_MS);
    do {
        rc = pthread_cond_clockwait(&cv, &mtx, clk, &dl);
    } while (rc == 0);
    CHECK_EQ(rc, ETIMEDOUT);
    CHECK(tu_now_ns(CLOCK_MONOTONIC) - t0 >= TIMEOUT_NS);
    pthread_mutex_unlock(&mtx);
    pthread_cond_destroy(&cv);

    /* Signalled after ~10 ms with a 20 s deadline: returns 0 with the flag set. */
    flag_set_late = 0;
    pthread_mutex_lock(&mtx);
    TU_OK(pthread_create(&t, NULL, late_signaller, NULL));
    dl = tu_deadline(CLOCK_REALTIME, 20000);
    rc = 0;
    while (!flag_set_late && rc == 0) {
        rc = pthread_cond_timedwait(&cv_go, &mtx, &dl);  /* cv_go uses CLOCK_REALTIME */
    }
    CHECK_EQ(rc, 0);
    CHECK_EQ(flag_set_late, 1);
    pthread_mutex_unlock(&mtx);
    TU_OK(pthread_join(t, NULL));
}

static void test_cond_timedwait(void)
{
    init_mutex(PTHREAD_MUTEX_NORMAL);
    gc_group("cond_timedwait_realtime");
    timedwait_on(CLOCK_REALTIME);
    gc_group("cond_timedwait_monotonic");
    timedwait_on(CLOCK_MONOTONIC);
    pthread_mutex_destroy(&mtx);
}

/* --- Barriers --- */

#define PHASES 5
static pthread_barrier_t barrier;
static int phase_slots[PHASES][WORKERS];
static int phase_ok[WORKERS], serial_count[PHASES];

static void *barrier_worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    phase_ok[me] = 1;
    for (int p = 0; p < PHASES; p++) {
        phase_slots[p][me] = p * 10 + me;
        int rc = pthread_barrier_wait(&barrier);
        if (rc == PTHREAD_BARRIER_SERIAL_THREAD) {
            __atomic_fetch_add(&serial_count[p], 1, __ATOMIC_RELAXED);
        } else if (rc != 0) {
            phase_ok[me] = 0;
        }
        /* Past the barrier every thread's write of this phase is visible. */
        for (int i = 0; i < WORKERS; i++) {
            if (phase_slots[p][i] != p * 10 + i) {
                phase_ok[me] = 0;
            }
        }
    }
    return NULL;
}

static void test_barrier(void)
{
    gc_group("barrier");
    TU_OK(pthread_barrier_init(&barrier, NULL, WORKERS));
    tu_start(WORKERS, barrier_worker);
    tu_join(WORKERS, NULL);
    for (int i = 0; i < WORKERS; i++) {
        CHECK(phase_ok[i]);
    }
    for (int p = 0; p < PHASES; p++) {
        CHECK_EQ(serial_count[p], 1);   /* exactly one thread per phase gets SERIAL_THREAD */
    }
    pthread_barrier_destroy(&barrier);
}

/* --- Read-write locks --- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t readers_in;
static long rw_value;
static int reader_saw[WORKERS];

static void *concurrent_reader(void *arg)
{
    int me = (int)(intptr_t)arg;
    pthread_rwlock_rdlock(&rw);
    /* Every reader waits here for all the others while holding the read lock: this only
       completes if read locks are really shared. */
    pthread_barrier_wait(&readers_in);
    reader_saw[me] = (int)rw_value;
    pthread_rwlock_unlock(&rw);
    return NULL;
}

static void *rw_writer(void *arg)
{
    for (int i = 0; i < ITERS; i++) {
        pthread_rwlock_wrlock(&rw);
        rw_value = rw_value + 1;
        pthread_rwlock_unlock(&rw);
        if (i % 4 == 0) {
            pthread_rwlock_rdlock(&rw);
            (void)rw_value;
            pthread_rwlock_unlock(&rw);
        }
    }
    return NULL;
}

static void *rw_try(void *arg)
{
    int want_write = (int)(intptr_t)arg;
    int rc = want_write ? pthread_rwlock_trywrlock(&rw) : pthread_rwlock_tryrdlock(&rw);
    if (rc == 0) {
        pthread_rwlock_unlock(&rw);
    }
    return (void *)(intptr_t)rc;
}

static int rw_try_other(int want_write)
{
    pthread_t t;
    void *rc;
    TU_OK(pthread_create(&t, NULL, rw_try, (void *)(intptr_t)want_write));
    TU_OK(pthread_join(t, &rc));
    return (int)(intptr_t)rc;
}

static void test_rwlock(void)
{
    gc_group("rwlock");
    rw_value = 7;
    TU_OK(pthread_barrier_init(&readers_in, NULL, WORKERS));
    tu_start(WORKERS, concurrent_reader);
    tu_join(WORKERS, NULL);
    for (int i = 0; i < WORKERS; i++) {
        CHECK_EQ(reader_saw[i], 7);
    }
    pthread_barrier_destroy(&readers_in);

    pthread_rwlock_rdlock(&rw);
    CHECK_EQ(rw_try_other(0), 0);           /* another reader may join */
    CHECK_EQ(rw_try_other(1), EBUSY);       /* a writer may not */
    pthread_rwlock_unlock(&rw);
    pthread_rwlock_wrlock(&rw);
    CHECK_EQ(rw_try_other(0), EBUSY);
    CHECK_EQ(rw_try_other(1), EBUSY);
    pthread_rwlock_unlock(&rw);

    rw_value = 0;
    tu_start(WORKERS, rw_writer);
    tu_join(WORKERS, NULL);
    CHECK_EQ(rw_value, WORKERS * ITERS);
}

/* --- Spinlocks --- */

static void *spin_adder(void *arg)
{
    for (int i = 0; i < ITERS; i++) {
        pthread_spin_lock(&spin);
        counter = counter + 1;
        pthread_spin_unlock(&spin);
    }
    return NULL;
}

static void test_spinlock(void)
{
    gc_group("spinlock");
    TU_OK(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE));
    counter = 0;
    tu_start(WORKERS, spin_adder);
    tu_join(WORKERS, NULL);
    CHECK_EQ(counter, WORKERS * ITERS);
    pthread_spin_lock(&spin);
    CHECK_EQ(pthread_spin_trylock(&spin), EBUSY);
    pthread_spin_unlock(&spin);
    CHECK_EQ(pthread_spin_trylock(&spin), 0);
    pthread_spin_unlock(&spin);
    pthread_spin_destroy(&spin);
}

/* --- Semaphores --- */

#define SEM_ITEMS 300
static sem_t sem_items, sem_done;
static int sem_taken[WORKERS];

static void *sem_taker(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (;;) {
        sem_wait(&sem_items);
        if (__atomic_load_n(&go, __ATOMIC_ACQUIRE)) {   /* the stop token */
            break;
        }
        sem_taken[me]++;
        sem_post(&sem_done);
    }
    return NULL;
}

static void test_semaphore(void)
{
    int v = -1;
    gc_group("semaphore");
    TU_OK(sem_init(&sem_items, 0, 0));
    TU_OK(sem_init(&sem_done, 0, 0));
    CHECK_EQ(sem_trywait(&sem_items), -1);
    CHECK_EQ(errno, EAGAIN);
    int64_t t0 = tu_now_ns(CLOCK_MONOTONIC);
    struct timespec dl = tu_deadline(CLOCK_REALTIME, TIMEOUT_MS);
    CHECK_EQ(sem_timedwait(&sem_items, &dl), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK(tu_now_ns(CLOCK_MONOTONIC) - t0 >= TIMEOUT_NS);
    dl = tu_deadline(CLOCK_MONOTONIC, TIMEOUT_MS);
    CHECK_EQ(sem_clockwait(&sem_items, CLOCK_MONOTONIC, &dl), -1);
    CHECK_EQ(errno, ETIMEDOUT);

    go = 0;
    tu_start(WORKERS, sem_taker);
    for (int i = 0; i < SEM_ITEMS; i++) {
        sem_post(&sem_items);
    }
    for (int i = 0; i < SEM_ITEMS; i++) {
        sem_wait(&sem_done);
    }
    sem_getvalue(&sem_items, &v);
    CHECK_EQ(v, 0);                         /* every post was consumed exactly once */
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < WORKERS; i++) {
        sem_post(&sem_items);
    }
    tu_join(WORKERS, NULL);
    int total = 0;
    for (int i = 0; i < WORKERS; i++) {
        total += sem_taken[i];
    }
    CHECK_EQ(total, SEM_ITEMS);
    sem_post(&sem_items);
    sem_post(&sem_items);
    sem_getvalue(&sem_items, &v);
    CHECK_EQ(v, 2);
    CHECK_EQ(sem_trywait(&sem_items), 0);
    sem_destroy(&sem_items);
    sem_destroy(&sem_done);
}

/* --- pthread_once --- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs, once_seen[8];

static void once_init(void)
{
    tu_sleep_ms(5);             /* keep the others waiting inside pthread_once for a while */
    __atomic_fetch_add(&once_runs, 1, __ATOMIC_RELAXED);
}

static void *once_caller(void *arg)
{
    pthread_once(&once, once_init);
    once_seen[(intptr_t)arg] = __atomic_load_n(&once_runs, __ATOMIC_RELAXED);
    return NULL;
}

static void test_once(void)
{
    gc_group("once");
    tu_start(8, once_caller);
    tu_join(8, NULL);
    CHECK_EQ(once_runs, 1);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(once_seen[i], 1);  /* nobody returns before the initialiser finished */
    }
    pthread_once(&once, once_init);
    CHECK_EQ(once_runs, 1);
}

int main(void)
{
    test_mutex_normal();
    test_mutex_recursive();
    test_mutex_errorcheck();
    test_mutex_timedlock();
    test_cond_signal();
    test_cond_broadcast();
    test_cond_timedwait();
    test_barrier();
    test_rwlock();
    test_spinlock();
    test_semaphore();
    test_once();
    return gc_finish();
}
