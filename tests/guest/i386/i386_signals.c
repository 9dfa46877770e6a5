/*
 * i386_signals.c - signal delivery to 32-bit x86 Linux programs (arch/x86/ia32/ia32_signal.c
 * on a 64-bit kernel), one sub-test per run (argv[1]): segv, alarm, altstack and mask from
 * ../compat32/signals_common.h, and
 *   ill        SIGILL from ud2 (ILL_ILLOPN, as do_trap reports #UD); the handler steps over it
 *              through uc_mcontext (gregs[REG_EIP]) and sigreturn resumes after it; hlt in user
 *              mode is #GP, a SIGSEGV with si_code SI_KERNEL
 *   rt_regs    SA_SIGINFO frame: the ucontext's saved mask, EIP and registers, and that
 *              callee-saved registers survive the round trip through the frame
 *   old_frame  a handler installed with signal() (no SA_SIGINFO) gets the old sigframe and
 *              returns through sigreturn (119), not rt_sigreturn
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include "guest_check.h"
#include "../compat32/signals_common.h"

static volatile uintptr_t ill_eip;

static void ill_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    sig_hits++;
    sig_fault_addr = (uintptr_t)si->si_addr;
    sig_fault_code = si->si_code;
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
    CHECK_EQ(sig_hits, 1);
    CHECK_EQ(sig_fault_addr, where + 1);
    CHECK_EQ(ill_eip, where + 1);
    CHECK_EQ(sig_fault_code, ILL_ILLOPN);
    /* hlt is privileged: #GP, which Linux delivers as SIGSEGV (si_code SI_KERNEL). */
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = sig_longjmp_handler;
    sa.sa_flags = SA_SIGINFO;
    CHECK_EQ(sigaction(SIGSEGV, &sa, NULL), 0);
    if (sigsetjmp(sig_jb, 1) == 0) {
        __asm__ volatile("hlt");
    }
    CHECK_EQ(sig_hits, 2);
    CHECK_EQ(sig_fault_code, SI_KERNEL);
    CHECK_EQ(sig_fault_addr, 0);
}

static volatile uint32_t seen_sig, seen_mask_has_usr2, seen_eip_ok, seen_esp_ok;

static void rt_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    int local;
    sig_hits++;
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
    CHECK_EQ(sig_hits, 1);
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
    sig_hits++;
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
    CHECK_EQ(sig_hits, 2);
    CHECK_EQ(old_sig, SIGUSR2);
    CHECK_EQ(esi_v, 77);
    CHECK_EQ(edi_v, 88);
}

int main(int argc, char **argv)
{
    static const SigSubtest tests[] = {
        { "ill", test_ill }, { "rt_regs", test_rt_regs }, { "old_frame", test_old_frame },
    };
    return sig_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
