/*
 * exec_stack.c - code on the stack: GCC nested functions whose address is taken get a
 * trampoline written into the enclosing function's frame, so GCC marks the program's
 * PT_GNU_STACK executable and the loader (and glibc, for thread stacks) must map the stack
 * RWX. Sub-test by argv[1]: `main` runs on the main thread's stack, `thread` on new threads'.
 *
 * The trampolines are rewritten at the same stack addresses by later calls at the same depth,
 * with different static chains, so a translator that translated stack code must notice the
 * stack page being written. Each nested function reads its parent's locals through the
 * static chain; the expected values follow from plain C arithmetic.
 */
#include "guest_check.h"
#include "thread_util.h"

typedef long (*Fn)(long);

static __attribute__((noinline)) long apply(Fn f, long x)
{
    return f(x);
}

/* A nested function at each recursion level, called through the pointer at every level below. */
static __attribute__((noinline)) long nest(int depth, long base, Fn outer)
{
    long scale = depth * 10 + 1;
    long add_scaled(long x)
    {
        return x * scale + base;      /* parent's locals through the static chain */
    }
    long r = apply(add_scaled, depth);
    if (outer != NULL) {
        r += apply(outer, 1);         /* the caller's trampoline, further up the stack */
    }
    if (depth > 0) {
        r += nest(depth - 1, base + 1, add_scaled);
    }
    return r;
}

/* The same sum computed without nested functions. */
static long nest_want(int depth, long base, long outer_scale, long outer_base)
{
    long scale = depth * 10 + 1;
    long r = depth * scale + base;
    if (outer_scale >= 0) {
        r += 1 * outer_scale + outer_base;
    }
    if (depth > 0) {
        r += nest_want(depth - 1, base + 1, scale, base);
    }
    return r;
}

static long counter;

static __attribute__((noinline)) long count_with(int n)
{
    long bump(long by)
    {
        counter += by + n;            /* writes the parent's variable through the chain too */
        return counter;
    }
    long last = 0;
    for (int i = 0; i < 5; i++) {
        last = apply(bump, i);
    }
    return last;
}

static void run_checks(void)
{
    int ok = 1;
    /* Repeat at the same depths with different bases: the same stack slots get new trampolines. */
    for (int round = 0; round < 20; round++) {
        ok &= nest(6, round * 100, NULL) == nest_want(6, round * 100, -1, 0);
    }
    CHECK(ok);
    counter = 0;
    long a = count_with(1);               /* 0+1 .. 4+1 = 15 */
    long b = count_with(100);             /* + 0..4 + 5*100 = 15 + 510 */
    CHECK_EQ(a, 15);
    CHECK_EQ(b, 525);
}

static void *thread_main(void *arg)
{
    long ok = 1;
    for (int round = 0; round < 10; round++) {
        long base = (intptr_t)arg * 1000 + round;
        ok &= nest(5, base, NULL) == nest_want(5, base, -1, 0);
    }
    return (void *)ok;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "main") == 0) {
        gc_group("exec_stack_main");
        run_checks();
    } else if (argc == 2 && strcmp(argv[1], "thread") == 0) {
        void *ok[4];
        gc_group("exec_stack_thread");
        tu_start(4, thread_main);         /* thread stacks come from glibc's mmap: RWX too */
        tu_join(4, ok);
        for (int i = 0; i < 4; i++) {
            CHECK((intptr_t)ok[i]);
        }
    } else {
        printf("usage: exec_stack main|thread\n");
        return 2;
    }
    return gc_finish();
}
