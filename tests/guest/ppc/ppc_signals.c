/*
 * ppc_signals.c - signal delivery on 32-bit PowerPC Linux (arch/powerpc/kernel/signal_32.c),
 * one sub-test per run (argv[1]): segv, alarm, altstack and mask from
 * ../compat32/signals_common.h, and
 *   ill        SIGILL from an illegal instruction; the handler steps over it through
 *              uc_mcontext (gregs[32] = NIP) and sigreturn resumes after it
 *   rt_regs    SA_SIGINFO frame: r3/r4/r5, the ucontext's saved mask and registers, and
 *              that callee-saved registers and FPRs survive the round trip through the frame
 *   old_frame  a handler installed with signal() (no SA_SIGINFO) gets the old sigframe and
 *              returns through sigreturn (119), not rt_sigreturn
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include "guest_check.h"
#include "../compat32/signals_common.h"

static void ill_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    sig_hits++;
    sig_fault_addr = (uintptr_t)si->si_addr;
    sig_fault_code = si->si_code;
    uc->uc_mcontext.uc_regs->gregs[32] += 4;   /* step over the bad word */
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
    __asm__ volatile("bl 1f\n1:\tmflr %0\n\t.long 0\n" : "=r"(where) : : "lr");
    CHECK_EQ(sig_hits, 1);
    CHECK_EQ(sig_fault_addr, where + 4);
    CHECK_EQ(sig_fault_code, ILL_ILLOPC);
}

static volatile uint32_t seen_r3, seen_r5_is_uc, seen_mask_has_usr2, seen_nip_ok;

static void rt_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    sig_hits++;
    seen_r3 = sig == SIGUSR1 && si->si_signo == SIGUSR1 && si->si_code == SI_TKILL;
    seen_r5_is_uc = uc->uc_mcontext.uc_regs == &uc->uc_mcontext.uc_regs[0] ||
                    uc->uc_mcontext.uc_regs != NULL;
    seen_mask_has_usr2 = sigismember(&uc->uc_sigmask, SIGUSR2);
    seen_nip_ok = uc->uc_mcontext.uc_regs->gregs[32] != 0;
    /* Clobber callee-saved registers: sigreturn must bring the interrupted ones back. */
    __asm__ volatile("li 14,0\n\tli 28,0\n\tfmr 14,1\n\tfmr 31,1" : : : "r14", "r28", "fr14", "fr31");
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
    register uint32_t r14 __asm__("r14") = 0x1234;
    register uint32_t r28 __asm__("r28") = 0xabcd;
    register double f14 __asm__("fr14") = 2.5;
    register double f31 __asm__("fr31") = -7.25;
    __asm__ volatile("" : "+r"(r14), "+r"(r28), "+d"(f14), "+d"(f31));
    raise(SIGUSR1);
    __asm__ volatile("" : "+r"(r14), "+r"(r28), "+d"(f14), "+d"(f31));
    CHECK_EQ(sig_hits, 1);
    CHECK_EQ(r14, 0x1234);
    CHECK_EQ(r28, 0xabcd);
    CHECK(f14 == 2.5);
    CHECK(f31 == -7.25);
    CHECK_EQ(seen_r3, 1);
    CHECK_EQ(seen_r5_is_uc, 1);
    CHECK_EQ(seen_mask_has_usr2, 1);
    CHECK_EQ(seen_nip_ok, 1);
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
    __asm__ volatile("li 15,0\n\tli 29,0" : : : "r15", "r29");
}

static void test_old_frame(void)
{
    gc_group("old_frame");
    CHECK(signal(SIGUSR2, old_handler) != SIG_ERR);
    register uint32_t r15 __asm__("r15") = 77;
    register uint32_t r29 __asm__("r29") = 88;
    __asm__ volatile("" : "+r"(r15), "+r"(r29));
    raise(SIGUSR2);
    raise(SIGUSR2);
    __asm__ volatile("" : "+r"(r15), "+r"(r29));
    CHECK_EQ(sig_hits, 2);
    CHECK_EQ(old_sig, SIGUSR2);
    CHECK_EQ(r15, 77);
    CHECK_EQ(r29, 88);
}

int main(int argc, char **argv)
{
    static const SigSubtest tests[] = {
        { "ill", test_ill }, { "rt_regs", test_rt_regs }, { "old_frame", test_old_frame },
    };
    return sig_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
