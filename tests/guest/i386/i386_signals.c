/*
 * i386_signals.c - signal delivery to 32-bit x86 Linux programs (arch/x86/ia32/ia32_signal.c
 * on a 64-bit kernel), one sub-test per run (argv[1]):
 *   segv       SIGSEGV from a store to an unmapped page: si_addr, si_code, then siglongjmp out
 *   ill        SIGILL from ud2 (ILL_ILLOPN, as do_trap reports #UD); the handler steps over it
 *              through uc_mcontext (gregs[REG_EIP]) and sigreturn resumes after it; hlt in user
 *              mode is #GP, a SIGSEGV with si_code SI_KERNEL
 *   rt_regs    SA_SIGINFO frame: the ucontext's saved mask, EIP and registers, and that
 *              callee-saved registers survive the round trip through the frame
 *   old_frame  a handler installed with signal() (no SA_SIGINFO) gets the old sigframe and
 *              returns through sigreturn (119), not rt_sigreturn
 *   alarm      SIGALRM interrupting a busy loop
 *   altstack   SA_ONSTACK: the handler runs on the alternate stack
 *   mask       a blocked signal stays pending until unblocked
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include "guest_check.h"

static sigjmp_buf jb;
static volatile int hits;
static volatile uintptr_t fault_addr;
static volatile int fault_code;

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
    hits++;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    siglongjmp(jb, 1);
}

static void test_segv(void)
{
    struct sigaction sa;
    gc_group("segv");
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO;
    CHECK_EQ(sigaction(SIGSEGV, &sa, NULL), 0);
    char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jb, 1) == 0) {
        volatile int *bad = (volatile int *)(uintptr_t)0x100;
        __asm__ volatile("" : "+r"(bad));
        *bad = 1;
    }
    CHECK_EQ(hits, 1);
    CHECK_EQ(fault_addr, 0x100);
    CHECK_EQ(fault_code, SEGV_MAPERR);
    if (sigsetjmp(jb, 1) == 0) {
        page[8] = 1;                        /* read-only page */
    }
    CHECK_EQ(hits, 2);
    CHECK_EQ(fault_addr, (uintptr_t)page + 8);
    CHECK_EQ(fault_code, SEGV_ACCERR);
}

static volatile uintptr_t ill_eip;

static void ill_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    hits++;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    ill_eip = uc->uc_mcontext.gregs[REG_EIP];
    uc->uc_mcontext.gregs[REG_EIP] += 2;     /* step over ud2 */
}

static void test_ill(void)
{
    struct sigaction sa;
    gc_group("ill");
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = ill_handler;
    sa.sa_flags = SA_SIGINFO;
    CHECK_EQ(sigaction(SIGILL, &sa, NULL), 0);
    uintptr_t where;
    __asm__ volatile("call 1f\n1:\tpop %0\n\tud2\n" : "=r"(where));
    CHECK_EQ(hits, 1);
    CHECK_EQ(fault_addr, where + 1);
    CHECK_EQ(ill_eip, where + 1);
    CHECK_EQ(fault_code, ILL_ILLOPN);
    /* hlt is privileged: #GP, which Linux delivers as SIGSEGV (si_code SI_KERNEL). */
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO;
    CHECK_EQ(sigaction(SIGSEGV, &sa, NULL), 0);
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("hlt");
    }
    CHECK_EQ(hits, 2);
    CHECK_EQ(fault_code, SI_KERNEL);
    CHECK_EQ(fault_addr, 0);
}

static volatile uint32_t seen_sig, seen_mask_has_usr2, seen_eip_ok, seen_esp_ok;

static void rt_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    int local;
    hits++;
    seen_sig = sig == SIGUSR1 && si->si_signo == SIGUSR1 && si->si_code == SI_TKILL;
    seen_mask_has_usr2 = sigismember(&uc->uc_sigmask, SIGUSR2);
    seen_eip_ok = uc->uc_mcontext.gregs[REG_EIP] != 0 && uc->uc_mcontext.gregs[REG_CS] != 0;
    /* The interrupted esp is above this handler's frame. */
    seen_esp_ok = (uintptr_t)uc->uc_mcontext.gregs[REG_ESP] > (uintptr_t)&local;
    /* Clobber callee-saved registers: sigreturn must bring the interrupted ones back. */
    __asm__ volatile("xor %%ebx, %%ebx\n\txor %%esi, %%esi\n\txor %%edi, %%edi" : : : "ebx", "esi", "edi");
}

static void test_rt_regs(void)
{
    struct sigaction sa;
    sigset_t m;
    gc_group("rt_regs");
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = rt_handler;
    sa.sa_flags = SA_SIGINFO;
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);
    register uint32_t rsi __asm__("esi") = 0x1234;
    register uint32_t rdi __asm__("edi") = 0xabcd;
    __asm__ volatile("" : "+r"(rsi), "+r"(rdi));
    raise(SIGUSR1);
    __asm__ volatile("" : "+r"(rsi), "+r"(rdi));
    CHECK_EQ(hits, 1);
    CHECK_EQ(rsi, 0x1234);
    CHECK_EQ(rdi, 0xabcd);
    CHECK_EQ(seen_sig, 1);
    CHECK_EQ(seen_mask_has_usr2, 1);
    CHECK_EQ(seen_eip_ok, 1);
    CHECK_EQ(seen_esp_ok, 1);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR2));
    CHECK(!sigismember(&now, SIGUSR1));     /* the handler's own block ended with it */
}

static volatile int old_sig;

static void old_handler(int sig)
{
    hits++;
    old_sig = sig;
    __asm__ volatile("xor %%esi, %%esi\n\txor %%edi, %%edi" : : : "esi", "edi");
}

static void test_old_frame(void)
{
    gc_group("old_frame");
    CHECK(signal(SIGUSR2, old_handler) != SIG_ERR);
    register uint32_t esi_v __asm__("esi") = 77;
    register uint32_t edi_v __asm__("edi") = 88;
    __asm__ volatile("" : "+r"(esi_v), "+r"(edi_v));
    raise(SIGUSR2);
    raise(SIGUSR2);
    __asm__ volatile("" : "+r"(esi_v), "+r"(edi_v));
    CHECK_EQ(hits, 2);
    CHECK_EQ(old_sig, SIGUSR2);
    CHECK_EQ(esi_v, 77);
    CHECK_EQ(edi_v, 88);
}

static void count_handler(int sig)
{
    hits++;
}

static void test_alarm(void)
{
    gc_group("alarm");
    signal(SIGALRM, count_handler);
    alarm(1);
    volatile unsigned long spin = 0;
    while (hits == 0) {
        spin++;
    }
    CHECK_EQ(hits, 1);
    CHECK(spin > 0);
}

static char altstack[65536];
static volatile uintptr_t handler_sp;

static void alt_handler(int sig)
{
    int local;
    handler_sp = (uintptr_t)&local;
    hits++;
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
    CHECK_EQ(hits, 1);
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
    signal(SIGUSR1, count_handler);
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &m, NULL), 0);
    raise(SIGUSR1);
    CHECK_EQ(hits, 0);
    CHECK_EQ(sigpending(&pend), 0);
    CHECK(sigismember(&pend, SIGUSR1));
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &m, NULL), 0);
    CHECK_EQ(hits, 1);
}

int main(int argc, char **argv)
{
    static const struct { const char *name; void (*fn)(void); } tests[] = {
        { "segv", test_segv }, { "ill", test_ill }, { "rt_regs", test_rt_regs },
        { "old_frame", test_old_frame }, { "alarm", test_alarm },
        { "altstack", test_altstack }, { "mask", test_mask },
    };
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name) == 0) {
            tests[i].fn();
            return gc_finish();
        }
    }
    return 2;
}
