/*
 * signals_common.h - the signal sub-tests that read the same on every 32-bit ABI, and the
 * argv[1] dispatcher the per-architecture signal programs share; each architecture's
 * program adds the sub-tests that need its registers or its ucontext layout.  Header-only
 * like guest_check.h (whose counters are per translation unit), so include it after that.
 *
 * Shared sub-tests:
 *   segv       SIGSEGV from a store to an unmapped page: si_addr, si_code, then siglongjmp out
 *   alarm      SIGALRM interrupting a busy loop
 *   altstack   SA_ONSTACK: the handler runs on the alternate stack
 *   mask       a blocked signal stays pending until unblocked
 */
#ifndef SIGNALS_COMMON_H
#define SIGNALS_COMMON_H

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct SigSubtest {
    const char *name;
    void (*fn)(void);
} SigSubtest;

static sigjmp_buf sig_jb;
static volatile int sig_hits;
static volatile uintptr_t sig_fault_addr;
static volatile int sig_fault_code;

/* Records si_addr/si_code, counts the hit and siglongjmps to sig_jb. */
static void sig_longjmp_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    sig_hits++;
    sig_fault_addr = (uintptr_t)si->si_addr;
    sig_fault_code = si->si_code;
    siglongjmp(sig_jb, 1);
}

static void sig_count_handler(int sig)
{
    (void)sig;
    sig_hits++;
}

static void test_segv(void)
{
    struct sigaction sa;
    gc_group("segv");
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = sig_longjmp_handler;
    sa.sa_flags = SA_SIGINFO;
    CHECK_EQ(sigaction(SIGSEGV, &sa, NULL), 0);
    char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(sig_jb, 1) == 0) {
        volatile int *bad = (volatile int *)(uintptr_t)0x100;
        __asm__ volatile("" : "+r"(bad));
        *bad = 1;
    }
    CHECK_EQ(sig_hits, 1);
    CHECK_EQ(sig_fault_addr, 0x100);
    CHECK_EQ(sig_fault_code, SEGV_MAPERR);
    if (sigsetjmp(sig_jb, 1) == 0) {
        page[8] = 1;                        /* read-only page */
    }
    CHECK_EQ(sig_hits, 2);
    CHECK_EQ(sig_fault_addr, (uintptr_t)page + 8);
    CHECK_EQ(sig_fault_code, SEGV_ACCERR);
}

static void test_alarm(void)
{
    gc_group("alarm");
    signal(SIGALRM, sig_count_handler);
    alarm(1);
    volatile unsigned long spin = 0;
    while (sig_hits == 0) {
        spin++;
    }
    CHECK_EQ(sig_hits, 1);
    CHECK(spin > 0);
}

static char altstack[65536];
static volatile uintptr_t handler_sp;

static void alt_handler(int sig)
{
    int local;
    (void)sig;
    handler_sp = (uintptr_t)&local;
    sig_hits++;
}

static void test_altstack(void)
{
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };
    struct sigaction sa;
    gc_group("altstack");
    CHECK_EQ(sigaltstack(&ss, NULL), 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = alt_handler;
    sa.sa_flags = SA_ONSTACK;
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    raise(SIGUSR1);
    CHECK_EQ(sig_hits, 1);
    CHECK(handler_sp > (uintptr_t)altstack && handler_sp < (uintptr_t)altstack + sizeof(altstack));
    stack_t old;
    CHECK_EQ(sigaltstack(NULL, &old), 0);
    CHECK(old.ss_sp == altstack);
    CHECK_EQ(old.ss_size, sizeof(altstack));
    CHECK_EQ(old.ss_flags, 0);
}

static void test_mask(void)
{
    sigset_t m, pend;
    gc_group("mask");
    signal(SIGUSR1, sig_count_handler);
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &m, NULL), 0);
    raise(SIGUSR1);
    CHECK_EQ(sig_hits, 0);
    CHECK_EQ(sigpending(&pend), 0);
    CHECK(sigismember(&pend, SIGUSR1));
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &m, NULL), 0);
    CHECK_EQ(sig_hits, 1);
}

static const SigSubtest shared_tests[] = {
    { "segv", test_segv }, { "alarm", test_alarm },
    { "altstack", test_altstack }, { "mask", test_mask },
};

static const SigSubtest *sig_find(const char *name, const SigSubtest *tests, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(name, tests[i].name) == 0) {
            return &tests[i];
        }
    }
    return NULL;
}

/* Runs the sub-test argv[1] names, from the shared ones or the architecture's own;
 * returns the exit status (2 for an unknown name). */
static int sig_main(int argc, char **argv, const SigSubtest *arch_tests, size_t n_arch)
{
    if (argc < 2) {
        return 2;
    }
    const SigSubtest *t = sig_find(argv[1], shared_tests, sizeof(shared_tests) / sizeof(shared_tests[0]));
    if (!t) {
        t = sig_find(argv[1], arch_tests, n_arch);
    }
    if (!t) {
        return 2;
    }
    t->fn();
    return gc_finish();
}

#endif
