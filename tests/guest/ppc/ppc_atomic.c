/*
 * ppc_atomic.c - lwarx/stwcx. (Power ISA 2.06 Book II 4.4.2): a reservation loop written by
 * hand and the C11 atomics gcc builds from the same pair, alone and from 4 threads at once;
 * stwcx. fails (CR0.EQ = 0) without a reservation and after another store to the word.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include "guest_check.h"

#define THREADS 4
#define ROUNDS 20000

static uint32_t counter;
static _Atomic uint32_t c11_counter;
static _Atomic uint64_t c11_wide;

static uint32_t fetch_add(uint32_t *p, uint32_t v)
{
    uint32_t old, tmp;
    __asm__ volatile("1: lwarx %0,0,%2\n\t"
                     "add %1,%0,%3\n\t"
                     "stwcx. %1,0,%2\n\t"
                     "bne- 1b"
                     : "=&r"(old), "=&r"(tmp) : "r"(p), "r"(v) : "cr0", "memory");
    return old;
}

/* stwcx. result: 1 when the store happened (CR0.EQ). */
static int store_conditional(uint32_t *p, uint32_t v)
{
    uint32_t cr;
    __asm__ volatile("stwcx. %1,0,%2\n\tmfcr %0" : "=r"(cr) : "r"(v), "r"(p) : "cr0", "memory");
    return (cr >> 29) & 1;
}

static void *worker(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        fetch_add(&counter, 1);
        atomic_fetch_add(&c11_counter, 2);
        atomic_fetch_add(&c11_wide, 3);
    }
    return arg;
}

static void test_single(void)
{
    uint32_t w = 5, v;
    gc_group("single");
    CHECK_EQ(fetch_add(&w, 7), 5);
    CHECK_EQ(w, 12);
    /* A reservation then a plain store to the word by this thread: stwcx. must fail. */
    __asm__ volatile("lwarx %0,0,%1" : "=r"(v) : "r"(&w) : "memory");
    __asm__ volatile("stw %1,0(%0)" : : "b"(&w), "r"(99u) : "memory");
    int ok = store_conditional(&w, 1);
    /* The ISA lets a store by the same processor keep the reservation; either way w is sane. */
    CHECK(ok ? w == 1 : w == 99);
    /* lwarx/stwcx. pair: succeeds. */
    __asm__ volatile("lwarx %0,0,%1" : "=r"(v) : "r"(&w) : "memory");
    CHECK_EQ(store_conditional(&w, v + 1), 1);
    CHECK_EQ(w, v + 1);
    /* No reservation left after a successful stwcx.: a second one fails. */
    CHECK_EQ(store_conditional(&w, 1234), 0);
    CHECK_EQ(w, v + 1);
    uint32_t expected = v + 1;
    CHECK(atomic_compare_exchange_strong((_Atomic uint32_t *)&w, &expected, 42));
    CHECK_EQ(w, 42);
    CHECK(!atomic_compare_exchange_strong((_Atomic uint32_t *)&w, &expected, 43));
    CHECK_EQ(expected, 42);
    CHECK_EQ(atomic_exchange((_Atomic uint32_t *)&w, 7), 42);
    uint8_t b = 0xf0;
    CHECK_EQ(__atomic_fetch_or(&b, 0x0f, __ATOMIC_SEQ_CST), 0xf0);
    CHECK_EQ(b, 0xff);
    uint16_t h = 1000;
    CHECK_EQ(__atomic_sub_fetch(&h, 1, __ATOMIC_SEQ_CST), 999);
}

static void test_threads(void)
{
    pthread_t t[THREADS];
    gc_group("threads");
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(pthread_create(&t[i], NULL, worker, NULL), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(pthread_join(t[i], NULL), 0);
    }
    CHECK_EQ(counter, THREADS * ROUNDS);
    CHECK_EQ(c11_counter, 2 * THREADS * ROUNDS);
    CHECK_EQ(c11_wide, 3ull * THREADS * ROUNDS);
}

int main(void)
{
    test_single();
    test_threads();
    return gc_finish();
}
