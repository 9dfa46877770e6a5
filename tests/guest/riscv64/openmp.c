/*
 * openmp.c - OpenMP through libgomp (-fopenmp): a thread pool kept alive between parallel
 * regions, parked on futexes, with work handed out by atomics. Run with OMP_NUM_THREADS=4
 * (the ctest entry sets it), so the team size is fixed and may be printed.
 *
 * Covers parallel for with reductions (+, max, ^), critical, atomic, schedule(dynamic) and
 * schedule(static), single, barrier, omp_set_num_threads. Every result is exact and does not
 * depend on which thread ran which iteration.
 */
#include <omp.h>

#include "guest_check.h"

#define N 20000

static int owner[N];
static long values[N];

static long f(long i)
{
    return (i * 2654435761L) % 1000003;
}

static void test_team(void)
{
    int team = -1, max = omp_get_max_threads(), ids = 0;
    gc_group("team");
    CHECK_EQ(max, 4);                                /* from OMP_NUM_THREADS */
    CHECK_EQ(omp_get_num_threads(), 1);              /* outside a parallel region */
#pragma omp parallel
    {
#pragma omp single
        team = omp_get_num_threads();
#pragma omp atomic
        ids += 1 << omp_get_thread_num();
    }
    CHECK_EQ(team, 4);
    CHECK_EQ(ids, 0xf);                              /* thread numbers 0..3, each once */
    printf("team: %d threads\n", team);
    omp_set_num_threads(2);
#pragma omp parallel
    {
#pragma omp master
        team = omp_get_num_threads();
    }
    CHECK_EQ(team, 2);
    omp_set_num_threads(4);
}

static void test_reduction(void)
{
    long sum = 0, mx = -1, x = 0;
    gc_group("reduction");
#pragma omp parallel for reduction(+ : sum) reduction(max : mx) reduction(^ : x)
    for (long i = 0; i < N; i++) {
        long v = f(i);
        sum += v;
        mx = v > mx ? v : mx;
        x ^= v;
    }
    long want_sum = 0, want_max = -1, want_x = 0;    /* the same loop, sequentially */
    for (long i = 0; i < N; i++) {
        long v = f(i);
        want_sum += v;
        want_max = v > want_max ? v : want_max;
        want_x ^= v;
    }
    CHECK_EQ(sum, want_sum);
    CHECK_EQ(mx, want_max);
    CHECK_EQ(x, want_x);
    printf("reduction: sum %ld max %ld xor %ld\n", sum, mx, x);
}

static void test_critical_atomic(void)
{
    long crit = 0, atom = 0;
    int singles = 0, after_barrier_ok = 1;
    int arrived = 0;
    gc_group("critical_atomic");
#pragma omp parallel
    {
        for (int i = 0; i < 1000; i++) {
#pragma omp critical
            crit = crit + 3;                        /* plain read-modify-write under the lock */
#pragma omp atomic
            atom += 5;
        }
#pragma omp atomic
        arrived++;
#pragma omp barrier
        /* After the barrier every thread has arrived. */
        int seen;
#pragma omp atomic read
        seen = arrived;
        if (seen != omp_get_num_threads()) {
#pragma omp atomic write
            after_barrier_ok = 0;
        }
#pragma omp single
        singles++;
    }
    CHECK_EQ(crit, 4 * 1000 * 3);
    CHECK_EQ(atom, 4 * 1000 * 5);
    CHECK_EQ(singles, 1);
    CHECK(after_barrier_ok);
}

static void test_schedules(void)
{
    int per_thread[4] = { 0 };
    gc_group("schedule");
#pragma omp parallel for schedule(dynamic, 7)
    for (int i = 0; i < N; i++) {
        values[i] = f(i) + 1;
        owner[i] = omp_get_thread_num();
    }
    int ok = 1;
    for (int i = 0; i < N; i++) {
        ok &= values[i] == f(i) + 1 && owner[i] >= 0 && owner[i] < 4;
        per_thread[owner[i]]++;
    }
    CHECK(ok);
    CHECK_EQ(per_thread[0] + per_thread[1] + per_thread[2] + per_thread[3], N);
    /* schedule(static) without a chunk size: thread t gets the t-th contiguous quarter. */
#pragma omp parallel for schedule(static)
    for (int i = 0; i < N; i++) {
        owner[i] = omp_get_thread_num();
    }
    ok = 1;
    for (int i = 0; i < N; i++) {
        ok &= owner[i] == i / (N / 4);
    }
    CHECK(ok);
}

int main(void)
{
    test_team();
    test_reduction();
    test_critical_atomic();
    test_schedules();
    return gc_finish();
}
