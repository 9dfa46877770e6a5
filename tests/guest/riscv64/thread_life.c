/*
 * thread_life.c - how threads and the process end; one sub-test per run, named by argv[1]:
 *
 *   detached     detached threads (by attribute and by pthread_detach) run to their end
 *   thread_exit  a worker calls pthread_exit deep in its call stack while others keep running
 *   main_exit    main calls pthread_exit while workers still run; the process ends with status 0
 *                when the last worker returns (POSIX: exit(0) after the last thread)
 *   worker_exit  a worker calls exit(5) while main and other threads are blocked: every
 *                thread ends, atexit handlers run once, and the status is 5 (exit_group)
 *   waves        500 threads created and joined with at most 16 alive, with explicit stack
 *                sizes and a guard page, each using a large part of its stack
 *
 * Thread exit is the exit syscall (one thread) and process exit is exit_group; an emulator
 * must keep them apart, free a finished thread's resources (a leak shows in `waves`) and clear
 * the CLONE_CHILD_CLEARTID word with a futex wake, which is how pthread_join learns of the end.
 */
#define _GNU_SOURCE
#include <semaphore.h>
#include <unistd.h>

#include "guest_check.h"
#include "thread_util.h"

/* --- detached --- */

static sem_t done_sem;
static int detached_sum;

static void *detached_worker(void *arg)
{
    __atomic_fetch_add(&detached_sum, (int)(intptr_t)arg + 1, __ATOMIC_RELAXED);
    sem_post(&done_sem);
    return NULL;
}

static void test_detached(void)
{
    pthread_attr_t attr;
    pthread_t t;
    int state = -1;
    gc_group("detached");
    sem_init(&done_sem, 0, 0);
    pthread_attr_init(&attr);
    TU_OK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
    pthread_attr_getdetachstate(&attr, &state);
    CHECK_EQ(state, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 8; i++) {
        if (i % 2) {
            TU_OK(pthread_create(&t, &attr, detached_worker, (void *)(intptr_t)i));
        } else {
            TU_OK(pthread_create(&t, NULL, detached_worker, (void *)(intptr_t)i));
            CHECK_EQ(pthread_detach(t), 0);
        }
    }
    pthread_attr_destroy(&attr);
    for (int i = 0; i < 8; i++) {
        sem_wait(&done_sem);
    }
    CHECK_EQ(detached_sum, 8 * 9 / 2);
    /* Ends with the detached threads possibly still exiting: that must not disturb exit. */
}

/* --- thread_exit --- */

static volatile int stop_runners;
static long runner_loops[3];

static void *runner(void *arg)
{
    int me = (int)(intptr_t)arg;
    while (!stop_runners) {
        runner_loops[me]++;
        sched_yield();
    }
    return (void *)(intptr_t)(me + 10);
}

static __attribute__((noinline)) int leave_from_depth(int depth)
{
    if (depth == 0) {
        pthread_exit((void *)(intptr_t)1234);
    }
    /* depth + 1 after the call keeps the recursion a real call chain, not a jump */
    return leave_from_depth(depth - 1) + depth;
}

static void *exiter(void *arg)
{
    return (void *)(intptr_t)leave_from_depth(20);     /* never returns */
}

static void test_thread_exit(void)
{
    pthread_t r[3], e;
    void *ret;
    gc_group("thread_exit");
    for (int i = 0; i < 3; i++) {
        TU_OK(pthread_create(&r[i], NULL, runner, (void *)(intptr_t)i));
    }
    TU_OK(pthread_create(&e, NULL, exiter, NULL));
    TU_OK(pthread_join(e, &ret));
    CHECK_EQ((intptr_t)ret, 1234);
    /* The runners were not taken down with it: they still make progress. */
    long before = runner_loops[0] + runner_loops[1] + runner_loops[2];
    int progressed = 0;
    for (int ms = 0; ms < 20000 && !progressed; ms++) {     /* generous for a loaded host */
        tu_sleep_ms(1);
        progressed = runner_loops[0] + runner_loops[1] + runner_loops[2] > before;
    }
    CHECK(progressed);
    stop_runners = 1;
    for (int i = 0; i < 3; i++) {
        TU_OK(pthread_join(r[i], &ret));
        CHECK_EQ((intptr_t)ret, i + 10);
    }
}

/* --- main_exit --- */

#define MAIN_EXIT_WORKERS 4
static int workers_left = MAIN_EXIT_WORKERS;
static long worker_results[MAIN_EXIT_WORKERS];
static pthread_t main_thread;

static void *late_worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    tu_sleep_ms(50 + 10 * me);          /* main is long gone by now */
    long sum = 0;
    for (int i = 1; i <= 1000; i++) {
        sum += (long)i * (me + 1);
    }
    worker_results[me] = sum;
    /* The last worker to finish reports for everybody, so the output has one fixed order. */
    if (__atomic_sub_fetch(&workers_left, 1, __ATOMIC_ACQ_REL) == 0) {
        long total = 0;
        for (int i = 0; i < MAIN_EXIT_WORKERS; i++) {
            total += worker_results[i];
        }
        /* sum over me of 500500 * (me + 1) = 500500 * 10 */
        int joinable = pthread_join(main_thread, NULL);   /* main has exited: join succeeds */
        printf("main_exit: last worker total %ld (want %ld), join main %d\n", total,
               500500L * 10, joinable);
        fflush(stdout);
        if (total != 500500L * 10 || joinable != 0) {
            exit(1);
        }
    }
    return NULL;
}

static void test_main_exit(void)
{
    pthread_t t;
    main_thread = pthread_self();
    for (int i = 0; i < MAIN_EXIT_WORKERS; i++) {
        TU_OK(pthread_create(&t, NULL, late_worker, (void *)(intptr_t)i));
        TU_OK(pthread_detach(t));
    }
    printf("main_exit: main thread leaves with pthread_exit\n");
    fflush(stdout);
    pthread_exit(NULL);
}

/* --- worker_exit --- */

static int block_pipe[2];
static sem_t blocked_sem;
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int atexit_runs;

static void at_exit_handler(void)
{
    atexit_runs++;
    printf("worker_exit: atexit handler ran %d time(s)\n", atexit_runs);
    fflush(stdout);
}

static void *pipe_blocker(void *arg)
{
    char c;
    sem_post(&blocked_sem);
    read(block_pipe[0], &c, 1);
    printf("worker_exit: read returned (wrong)\n");
    return NULL;
}

static void *cond_blocker(void *arg)
{
    pthread_mutex_lock(&mtx);
    sem_post(&blocked_sem);
    for (;;) {
        pthread_cond_wait(&cv, &mtx);
    }
    return NULL;
}

static void *exit_caller(void *arg)
{
    for (int i = 0; i < 3; i++) {
        sem_wait(&blocked_sem);
    }
    tu_sleep_ms(20);
    printf("worker_exit: 3 threads blocked, worker calls exit(5)\n");
    fflush(stdout);
    exit(5);
}

static void test_worker_exit(void)
{
    pthread_t t[3];
    atexit(at_exit_handler);
    TU_OK(pipe(block_pipe));
    sem_init(&blocked_sem, 0, 0);
    TU_OK(pthread_create(&t[0], NULL, pipe_blocker, NULL));
    TU_OK(pthread_create(&t[1], NULL, pipe_blocker, NULL));
    TU_OK(pthread_create(&t[2], NULL, cond_blocker, NULL));
    pthread_t e;
    TU_OK(pthread_create(&e, NULL, exit_caller, NULL));
    pthread_join(t[0], NULL);           /* main blocks too; never returns */
    printf("worker_exit: main's join returned (wrong)\n");
    exit(1);
}

/* --- waves --- */

#define WAVE_TOTAL 500
#define WAVE_ALIVE 16
#define WAVE_STACK (128 * 1024)
static long wave_result[WAVE_TOTAL];
static int alive, max_alive;

static void *wave_worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    int now = __atomic_add_fetch(&alive, 1, __ATOMIC_RELAXED);
    int seen = __atomic_load_n(&max_alive, __ATOMIC_RELAXED);
    while (now > seen && !__atomic_compare_exchange_n(&max_alive, &seen, now, 0,
                                                       __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    /* Touch 64 KiB of the 128 KiB stack: a stack that is too small or shared faults. */
    volatile unsigned char buf[64 * 1024];
    for (unsigned i = 0; i < sizeof(buf); i += 512) {
        buf[i] = (unsigned char)(i / 512 + me);
    }
    long sum = 0;
    for (unsigned i = 0; i < sizeof(buf); i += 512) {
        sum += buf[i];
    }
    wave_result[me] = sum;
    __atomic_sub_fetch(&alive, 1, __ATOMIC_RELAXED);
    return NULL;
}

static void test_waves(void)
{
    static pthread_t t[WAVE_TOTAL];
    pthread_attr_t attr;
    gc_group("waves");
    pthread_attr_init(&attr);
    TU_OK(pthread_attr_setstacksize(&attr, WAVE_STACK));
    TU_OK(pthread_attr_setguardsize(&attr, 4096));
    int create_failures = 0;
    for (int i = 0; i < WAVE_TOTAL; i++) {
        if (i >= WAVE_ALIVE) {
            TU_OK(pthread_join(t[i - WAVE_ALIVE], NULL));   /* a sliding window of 16 */
        }
        if (pthread_create(&t[i], &attr, wave_worker, (void *)(intptr_t)i) != 0) {
            create_failures++;
        }
    }
    for (int i = WAVE_TOTAL - WAVE_ALIVE; i < WAVE_TOTAL; i++) {
        TU_OK(pthread_join(t[i], NULL));
    }
    pthread_attr_destroy(&attr);
    CHECK_EQ(create_failures, 0);
    int wrong = 0;
    for (int i = 0; i < WAVE_TOTAL; i++) {
        /* 128 slots holding (k + i) mod 256 for k = 0..127 */
        long want = 0;
        for (int k = 0; k < 128; k++) {
            want += (unsigned char)(k + i);
        }
        wrong += wave_result[i] != want;
    }
    CHECK_EQ(wrong, 0);
    CHECK(max_alive >= 1 && max_alive <= WAVE_ALIVE);
    CHECK_EQ(alive, 0);
}

int main(int argc, char **argv)
{
    static const struct { const char *name; void (*fn)(void); } tests[] = {
        { "detached", test_detached }, { "thread_exit", test_thread_exit },
        { "main_exit", test_main_exit }, { "worker_exit", test_worker_exit },
        { "waves", test_waves },
    };
    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (argc == 2 && strcmp(argv[1], tests[i].name) == 0) {
            tests[i].fn();
            return gc_finish();
        }
    }
    printf("usage: thread_life detached|thread_exit|main_exit|worker_exit|waves\n");
    return 2;
}
