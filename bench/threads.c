/*
 * threads.c - CPU-bound work split across T pthreads: `threads T [SCALE]`.
 *
 * A fixed total amount of integer work (SCALE x 2^20 independent items, each a chain of
 * multiply/xor-shift rounds plus a trial-division primality test of a derived number) is cut
 * into T contiguous ranges, one per thread. Threads share nothing while they work: each sums
 * into a local and stores it once at the end into its own cache line. The printed result is the
 * sum over all items (addition commutes), so it is the same for every T, and the wall time with
 * T = 1 versus T = 2 shows how much a second guest thread really runs in parallel.
 * run-bench builds this with -pthread and runs it with T = 1 and T = 2 (see bench/README.md).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_THREADS 64

typedef struct Slot {
    uint64_t lo, hi;            /* this thread's item range */
    uint64_t sum, primes;
    char pad[64 - 4 * sizeof(uint64_t)];   /* one cache line each: no false sharing */
} Slot;

static Slot slots[MAX_THREADS];

static int is_prime(uint32_t n)
{
    if (n < 2) {
        return 0;
    }
    if (n % 2 == 0) {
        return n == 2;
    }
    for (uint32_t d = 3; d * d <= n; d += 2) {
        if (n % d == 0) {
            return 0;
        }
    }
    return 1;
}

static void *worker(void *arg)
{
    Slot *s = arg;
    uint64_t sum = 0, primes = 0;
    for (uint64_t i = s->lo; i < s->hi; i++) {
        uint64_t x = i;
        for (int r = 0; r < 32; r++) {
            x = x * 0x9e3779b97f4a7c15ull + (uint64_t)r;
            x ^= x >> 29;
        }
        sum += x;
        primes += is_prime((uint32_t)(x & 0xffff) | 1);    /* odd numbers below 2^16 */
    }
    s->sum = sum;
    s->primes = primes;
    return NULL;
}

int main(int argc, char **argv)
{
    int nthreads = argc > 1 ? atoi(argv[1]) : 1;
    uint64_t items = (uint64_t)(argc > 2 ? atoi(argv[2]) : 10) << 20;
    pthread_t tids[MAX_THREADS];
    if (nthreads < 1 || nthreads > MAX_THREADS) {
        fprintf(stderr, "usage: threads T [SCALE] (1 <= T <= %d)\n", MAX_THREADS);
        return 2;
    }
    for (int t = 0; t < nthreads; t++) {
        slots[t].lo = items * t / nthreads;
        slots[t].hi = items * (t + 1) / nthreads;
        /* Every T runs its work on created threads, so T = 1 pays the same start-up. */
        if (pthread_create(&tids[t], NULL, worker, &slots[t]) != 0) {
            fprintf(stderr, "threads: pthread_create failed\n");
            return 1;
        }
    }
    uint64_t sum = 0, primes = 0;
    for (int t = 0; t < nthreads; t++) {
        pthread_join(tids[t], NULL);
        sum += slots[t].sum;
        primes += slots[t].primes;
    }
    printf("threads: %" PRIu64 " items, sum %016" PRIx64 ", %" PRIu64 " primes\n", items, sum, primes);
    return 0;
}
