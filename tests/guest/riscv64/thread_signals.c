/*
 * thread_signals.c - signals in a multi-threaded process; one sub-test per run, named by argv[1]:
 *
 *   kill_thread   pthread_kill (tgkill) reaches exactly the named thread: its handler runs there
 *   process_kill  kill(getpid()) is taken by the one thread that has the signal unblocked
 *   sigwait       a dedicated thread takes blocked signals with sigwaitinfo/sigwait, with the
 *                 sigqueue value; queued real-time signals all arrive, in order
 *   masks         each thread's pthread_sigmask is its own; a signal sent to a thread that
 *                 blocks it stays pending for that thread until it unblocks it
 *   segv          SIGSEGV in several workers at once runs the handler on the faulting thread,
 *                 which siglongjmps back into its own stack
 *
 * The handler records gettid() and pthread_self(); the main thread compares them with what the
 * workers reported, so the output does not depend on which thread the host scheduled first.
 */
#define _GNU_SOURCE
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest_check.h"
#include "thread_util.h"

#define WORKERS 4

static pthread_t workers[WORKERS];
static pid_t worker_tid[WORKERS];
static __thread int my_index = -1;          /* set first thing by each worker */
static volatile pid_t handler_tid[WORKERS];
static pthread_t handler_self[WORKERS];
static volatile int handler_hits[WORKERS], handler_unknown, total_hits;
static volatile int stop;
static sem_t ready;

static pid_t my_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* Records which thread ran it, by pthread_self and by kernel thread id; main compares both
   with what pthread_create returned and what the worker itself reported. */
static void record_handler(int sig)
{
    int i = my_index;
    if (i < 0) {
        __atomic_fetch_add(&handler_unknown, 1, __ATOMIC_RELAXED);
    } else {
        handler_tid[i] = my_tid();
        handler_self[i] = pthread_self();
        __atomic_fetch_add(&handler_hits[i], 1, __ATOMIC_RELAXED);
    }
    __atomic_fetch_add(&total_hits, 1, __ATOMIC_RELEASE);
}

static void install(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void wait_hits(int n)
{
    for (int spins = 0; __atomic_load_n(&total_hits, __ATOMIC_ACQUIRE) < n && spins < 20000; spins++) {
        tu_sleep_ms(1);
    }
}

static void start_workers(void *(*fn)(void *))
{
    sem_init(&ready, 0, 0);
    stop = 0;
    tu_start(WORKERS, fn);
    memcpy(workers, tu_threads, sizeof(workers));
    for (int i = 0; i < WORKERS; i++) {
        sem_wait(&ready);
    }
}

static void stop_workers(void)
{
    stop = 1;
    tu_join(WORKERS, NULL);
}

/* --- kill_thread --- */

static void *idle_worker(void *arg)
{
    my_index = (int)(intptr_t)arg;
    worker_tid[my_index] = my_tid();
    sem_post(&ready);
    while (!stop) {
        tu_sleep_ms(1);
    }
    return NULL;
}

static void test_kill_thread(void)
{
    gc_group("kill_thread");
    install(SIGUSR1, record_handler);
    start_workers(idle_worker);
    /* Each worker once, in a fixed order unrelated to creation order. */
    static const int order[WORKERS] = { 2, 0, 3, 1 };
    for (int k = 0; k < WORKERS; k++) {
        CHECK_EQ(pthread_kill(workers[order[k]], SIGUSR1), 0);
        wait_hits(k + 1);
        CHECK_EQ(handler_hits[order[k]], 1);
    }
    stop_workers();
    for (int i = 0; i < WORKERS; i++) {
        CHECK_EQ(handler_hits[i], 1);
        CHECK_EQ(handler_tid[i], worker_tid[i]);
        CHECK(pthread_equal(handler_self[i], workers[i]));
        CHECK(worker_tid[i] != my_tid());
    }
    CHECK_EQ(handler_unknown, 0);
    CHECK_EQ(pthread_kill(pthread_self(), 0), 0);     /* signal 0: existence check only */
}

/* --- process_kill --- */

#define TAKER 1

static void *masked_worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    my_index = me;
    worker_tid[me] = my_tid();
    if (me == TAKER) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    }
    sem_post(&ready);
    while (!stop) {
        tu_sleep_ms(1);
    }
    return NULL;
}

static void test_process_kill(void)
{
    sigset_t s;
    gc_group("process_kill");
    install(SIGUSR1, record_handler);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);    /* inherited by every worker; TAKER unblocks */
    start_workers(masked_worker);
    for (int k = 0; k < 5; k++) {
        CHECK_EQ(kill(getpid(), SIGUSR1), 0);
        wait_hits(k + 1);
    }
    stop_workers();
    CHECK_EQ(handler_hits[TAKER], 5);
    CHECK_EQ(handler_tid[TAKER], worker_tid[TAKER]);
    CHECK(pthread_equal(handler_self[TAKER], workers[TAKER]));
    CHECK_EQ(total_hits, 5);
    CHECK_EQ(handler_unknown, 0);            /* main had it blocked */
}

/* --- sigwait --- */

#define RT_COUNT 5
static sem_t ack;
static int usr1_values[3], usr1_n, usr1_code_ok, usr1_pid_ok, usr2_n, rt_values[RT_COUNT], rt_n;
static pid_t waiter_tid;

static void *signal_waiter(void *arg)
{
    sigset_t s;
    siginfo_t si;
    waiter_tid = my_tid();
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGRTMIN + 1);
    sem_post(&ready);
    for (;;) {
        int sig = sigwaitinfo(&s, &si);
        if (sig == SIGUSR1) {
            usr1_values[usr1_n++] = si.si_value.sival_int;
            usr1_code_ok += si.si_code == SI_QUEUE;
            usr1_pid_ok += si.si_pid == getpid();
            sem_post(&ack);
        } else if (sig == SIGRTMIN + 1) {
            rt_values[rt_n++] = si.si_value.sival_int;
            if (rt_n == RT_COUNT) {
                sem_post(&ack);
            }
        } else if (sig == SIGTERM) {
            break;
        }
    }
    /* sigwait (no siginfo) for SIGUSR2 */
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    int sig = 0;
    if (sigwait(&s, &sig) == 0 && sig == SIGUSR2) {
        usr2_n++;
    }
    return NULL;
}

static void test_sigwait(void)
{
    sigset_t s;
    pthread_t t;
    gc_group("sigwait");
    /* Blocked everywhere before any thread starts, so no handler (there is none) can race. */
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGRTMIN + 1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    sem_init(&ready, 0, 0);
    sem_init(&ack, 0, 0);
    TU_OK(pthread_create(&t, NULL, signal_waiter, NULL));
    sem_wait(&ready);
    for (int k = 0; k < 3; k++) {
        /* One at a time: a second SIGUSR1 sent while one is pending would merge with it. */
        union sigval v = { .sival_int = 100 + k };
        CHECK_EQ(sigqueue(getpid(), SIGUSR1, v), 0);
        sem_wait(&ack);
    }
    /* Real-time signals queue: all five are delivered, lowest signal first, FIFO within one. */
    for (int k = 0; k < RT_COUNT; k++) {
        union sigval v = { .sival_int = 200 + k };
        CHECK_EQ(sigqueue(getpid(), SIGRTMIN + 1, v), 0);
    }
    sem_wait(&ack);
    CHECK_EQ(kill(getpid(), SIGTERM), 0);       /* would kill us if it were not blocked */
    tu_sleep_ms(10);
    CHECK_EQ(pthread_kill(t, SIGUSR2), 0);
    TU_OK(pthread_join(t, NULL));
    CHECK_EQ(usr1_n, 3);
    for (int k = 0; k < 3; k++) {
        CHECK_EQ(usr1_values[k], 100 + k);
    }
    CHECK_EQ(usr1_code_ok, 3);
    CHECK_EQ(usr1_pid_ok, 3);
    CHECK_EQ(rt_n, RT_COUNT);
    for (int k = 0; k < RT_COUNT; k++) {
        CHECK_EQ(rt_values[k], 200 + k);
    }
    CHECK_EQ(usr2_n, 1);
    CHECK(waiter_tid != my_tid());
    sigpending(&s);
    CHECK(!sigismember(&s, SIGUSR1) && !sigismember(&s, SIGTERM));
}

/* --- masks --- */

static pthread_barrier_t bar;
static int mask_ok[2], pending_seen[2], hits_while_blocked[2];

/* Worker 0 blocks SIGUSR1, worker 1 blocks SIGUSR2; both then check their own mask. */
static void *mask_worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    my_index = me;
    int mine = me == 0 ? SIGUSR1 : SIGUSR2, other = me == 0 ? SIGUSR2 : SIGUSR1;
    sigset_t s, cur;
    sigemptyset(&s);
    sigaddset(&s, mine);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_barrier_wait(&bar);              /* both have set their masks */
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    mask_ok[me] = sigismember(&cur, mine) && !sigismember(&cur, other);
    pthread_barrier_wait(&bar);              /* main sends `mine` to us now */
    pthread_barrier_wait(&bar);              /* sent */
    sigpending(&cur);
    pending_seen[me] = sigismember(&cur, mine);
    hits_while_blocked[me] = handler_hits[me];
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);  /* the pending signal is delivered here, to us */
    pthread_barrier_wait(&bar);
    return NULL;
}

static void test_masks(void)
{
    sigset_t cur;
    gc_group("masks");
    install(SIGUSR1, record_handler);
    install(SIGUSR2, record_handler);
    TU_OK(pthread_barrier_init(&bar, NULL, 3));
    tu_start(2, mask_worker);
    memcpy(workers, tu_threads, 2 * sizeof(pthread_t));
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    CHECK_EQ(pthread_kill(workers[0], SIGUSR1), 0);
    CHECK_EQ(pthread_kill(workers[1], SIGUSR2), 0);
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    tu_join(2, NULL);
    for (int i = 0; i < 2; i++) {
        CHECK(mask_ok[i]);
        CHECK(pending_seen[i]);
        CHECK_EQ(hits_while_blocked[i], 0);
        CHECK_EQ(handler_hits[i], 1);
        CHECK(pthread_equal(handler_self[i], workers[i]));
    }
    CHECK_EQ(handler_unknown, 0);
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2));   /* main's is its own */
    pthread_barrier_destroy(&bar);
}

/* --- segv --- */

#define FAULTS 10
static __thread sigjmp_buf fault_jmp;
static volatile uintptr_t fault_addr[WORKERS][FAULTS];
static volatile pid_t fault_tid[WORKERS][FAULTS];
static pthread_t fault_self[WORKERS];

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
    int i = my_index;
    if (i < 0) {
        _exit(99);                           /* main never faults: a misrouted signal */
    }
    static __thread int n;
    fault_addr[i][n] = (uintptr_t)si->si_addr;
    fault_tid[i][n] = my_tid();
    fault_self[i] = pthread_self();
    n++;
    siglongjmp(fault_jmp, 1);
}

static void *faulting_worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    my_index = me;
    worker_tid[me] = my_tid();
    sem_post(&ready);
    for (volatile int k = 0; k < FAULTS; k++) {
        if (sigsetjmp(fault_jmp, 1) == 0) {
            volatile int *p = (volatile int *)(uintptr_t)(0x100 + 0x10 * me + 4 * (k % 4));
            *p = k;                          /* the first page is never mapped */
        }
    }
    while (!stop) {
        tu_sleep_ms(1);
    }
    return NULL;
}

static void test_segv(void)
{
    struct sigaction sa;
    gc_group("segv");
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    start_workers(faulting_worker);
    stop_workers();
    int addr_ok = 1, tid_ok = 1;
    for (int i = 0; i < WORKERS; i++) {
        for (int k = 0; k < FAULTS; k++) {
            addr_ok &= fault_addr[i][k] == (uintptr_t)(0x100 + 0x10 * i + 4 * (k % 4));
            tid_ok &= fault_tid[i][k] == worker_tid[i];
        }
    }
    CHECK(addr_ok);
    CHECK(tid_ok);
    for (int i = 0; i < WORKERS; i++) {
        CHECK(pthread_equal(fault_self[i], workers[i]));
    }
}

int main(int argc, char **argv)
{
    static const struct { const char *name; void (*fn)(void); } tests[] = {
        { "kill_thread", test_kill_thread }, { "process_kill", test_process_kill },
        { "sigwait", test_sigwait }, { "masks", test_masks }, { "segv", test_segv },
    };
    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (argc == 2 && strcmp(argv[1], tests[i].name) == 0) {
            tests[i].fn();
            return gc_finish();
        }
    }
    printf("usage: thread_signals kill_thread|process_kill|sigwait|masks|segv\n");
    return 2;
}
