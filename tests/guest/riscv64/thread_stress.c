/*
 * thread_stress.c - atomicity and code coherence with many threads at once.
 *
 * WORKERS threads each, starting together, HAMMER_ITERS times: (a) add 1 with an AMO
 * (__atomic_fetch_add -> amoadd), (b) add 1 with hand-written lr.w/sc.w and (c) lr.d/sc.d
 * retry loops; then ITERS times (d) add 1 under a pthread mutex and (e) call a tiny function
 * living on an RWX page. Meanwhile a rewriter thread flips that function between two versions
 * (`li a0, 111; ret` and `li a0, 222; ret`) REWRITES times, flushing with
 * __builtin___clear_cache (the riscv_flush_icache syscall, all harts) after each. After each
 * flip it waits until some worker has returned the new constant, so every version is really
 * executed (workers stuck on a stale translation hang the test until its timeout), and workers
 * keep calling until the rewriter is done.
 *
 * Expected: every call returns 111 or 222; each counter ends at exactly WORKERS times its count
 * (an emulator whose LR/SC or AMOs are not atomic across host threads loses increments; one
 * that lets a store by another thread slip between lr and sc without failing the sc does too);
 * after the last flip and a barrier, every worker sees the final version (the flush reached all
 * of them). The instruction words are written as aligned 32-bit stores, so a concurrent fetch
 * sees either the old or the new word, never a mix.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "guest_check.h"
#include "thread_util.h"

#define WORKERS 8
#define ITERS 3000          /* mutex increments and calls per worker */
#define HAMMER_ITERS 20000  /* AMO and LR/SC increments per worker */
#define REWRITES 200
#define V1 111
#define V2 222

static uint32_t amo_counter;
static int32_t lrsc_w_counter;
static int64_t lrsc_d_counter;
static long mutex_counter;
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;

static volatile uint32_t *code;
static int (*volatile fn)(void);
static int rewriter_done, last_seen;
static long bad_values[WORKERS], calls[WORKERS];
static int final_value[WORKERS];
static pthread_barrier_t start_barrier, end_barrier;

/* addi a0, zero, imm */
static uint32_t li_a0(int imm)
{
    return (uint32_t)imm << 20 | 10 << 7 | 0x13;
}

static void lrsc_add_w(int32_t *p, int32_t v)
{
    int32_t old, tmp;
    __asm__ volatile("1: lr.w.aq %0, (%2)\n"
                     "   addw %1, %0, %3\n"
                     "   sc.w.rl %1, %1, (%2)\n"
                     "   bnez %1, 1b"
                     : "=&r"(old), "=&r"(tmp)
                     : "r"(p), "r"(v)
                     : "memory");
}

static void lrsc_add_d(int64_t *p, int64_t v)
{
    int64_t old, tmp;
    __asm__ volatile("1: lr.d %0, (%2)\n"
                     "   add %1, %0, %3\n"
                     "   sc.d %1, %1, (%2)\n"
                     "   bnez %1, 1b"
                     : "=&r"(old), "=&r"(tmp)
                     : "r"(p), "r"(v)
                     : "memory");
}

/* Calls the rewritten function once, recording what it returned. */
static void call_code(int me)
{
    int v = fn();
    calls[me]++;
    if (v != V1 && v != V2) {
        bad_values[me]++;
    }
    if (__atomic_load_n(&last_seen, __ATOMIC_RELAXED) != v) {
        __atomic_store_n(&last_seen, v, __ATOMIC_RELEASE);
    }
}

static void *worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    /* All start together and hammer the three counters in a tight loop: the most contention,
       so a non-atomic implementation loses updates. Only when threads really overlap, so it
       is a matter of chance per run: plain loads/stores in place of lr/sc lost ~5000 of the
       160000 increments in one of five runs under qemu on a busy two-core host. Many runs
       with stress-threads.sh make a miss unlikely. */
    pthread_barrier_wait(&start_barrier);
    for (int i = 0; i < HAMMER_ITERS; i++) {
        __atomic_fetch_add(&amo_counter, 1, __ATOMIC_RELAXED);
        lrsc_add_w(&lrsc_w_counter, 1);
        lrsc_add_d(&lrsc_d_counter, 1);
    }
    /* Then the lock and the code being rewritten. */
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&mtx);
        mutex_counter = mutex_counter + 1;
        pthread_mutex_unlock(&mtx);
        call_code(me);
    }
    while (!__atomic_load_n(&rewriter_done, __ATOMIC_ACQUIRE)) {
        call_code(me);
        sched_yield();
    }
    pthread_barrier_wait(&end_barrier);
    final_value[me] = fn();
    return NULL;
}

static void *rewriter(void *arg)
{
    for (int k = 1; k <= REWRITES; k++) {
        int v = k % 2 ? V2 : V1;
        code[0] = li_a0(v);
        __builtin___clear_cache((char *)code, (char *)(code + 2));
        /* Wait until a worker ran the new version (workers never stop before we are done). */
        while (__atomic_load_n(&last_seen, __ATOMIC_ACQUIRE) != v) {
            sched_yield();
        }
    }
    __atomic_store_n(&rewriter_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

int main(void)
{
    pthread_t rw;
    gc_group("setup");
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(code != MAP_FAILED)) {
        return gc_finish();
    }
    code[0] = li_a0(V1);
    code[1] = 0x00008067;           /* ret */
    __builtin___clear_cache((char *)code, (char *)(code + 2));
    fn = (int (*)(void))(uintptr_t)code;
    last_seen = V1;
    CHECK_EQ(fn(), V1);
    TU_OK(pthread_barrier_init(&start_barrier, NULL, WORKERS));
    TU_OK(pthread_barrier_init(&end_barrier, NULL, WORKERS));

    tu_start(WORKERS, worker);
    TU_OK(pthread_create(&rw, NULL, rewriter, NULL));
    TU_OK(pthread_join(rw, NULL));
    tu_join(WORKERS, NULL);

    gc_group("counters");
    CHECK_EQ(amo_counter, WORKERS * HAMMER_ITERS);
    CHECK_EQ(lrsc_w_counter, WORKERS * HAMMER_ITERS);
    CHECK_EQ(lrsc_d_counter, WORKERS * HAMMER_ITERS);
    CHECK_EQ(mutex_counter, WORKERS * ITERS);
    printf("counters: amo %u lr/sc.w %d lr/sc.d %ld mutex %ld\n", amo_counter, lrsc_w_counter,
           (long)lrsc_d_counter, mutex_counter);

    gc_group("code");
    long bad = 0, total_calls = 0;
    int final_ok = 1;
    for (int i = 0; i < WORKERS; i++) {
        bad += bad_values[i];
        total_calls += calls[i];
        final_ok &= final_value[i] == V1;   /* REWRITES is even: the last flip wrote V1 */
    }
    CHECK_EQ(bad, 0);
    CHECK(total_calls >= WORKERS * ITERS);
    CHECK(final_ok);
    printf("code: %d rewrites, every call returned %d or %d, final version seen by all\n",
           REWRITES, V1, V2);
    return gc_finish();
}
