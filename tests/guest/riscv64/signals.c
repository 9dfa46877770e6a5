/*
 * signals.c - POSIX signals in Linux user mode; one sub-test per run, named by argv[1]:
 *   segv     SIGSEGV from a NULL write, an unmapped read and a read-only write: si_code and
 *            si_addr, escaping with siglongjmp, several times in a row
 *   ill      SIGILL from illegal instruction words, si_addr = the faulting pc; one handler
 *            longjmps, another skips the instruction by editing the ucontext pc and returns
 *   siginfo  raise/kill/sigqueue with SA_SIGINFO: si_signo, si_code, si_pid, si_value
 *   alarm    alarm() interrupting a busy loop; setitimer interrupting pause() (EINTR)
 *   altstack sigaltstack: a handler on the alternate stack, and stack overflow caught there
 *   mask     sigprocmask blocking, sigpending, delivery on unblock, sigsuspend,
 *            SA_RESETHAND, SIG_IGN
 *   samask   sa_mask blocks a signal raised inside a handler until the handler returns
 *            (expected order from native Linux; qemu-riscv64 7.2 gets this wrong)
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <time.h>
#include <unistd.h>
#include "guest_check.h"

static sigjmp_buf jump_back;
static volatile sig_atomic_t got_signo, got_code, handler_calls;
static void *volatile got_addr;
static volatile int got_value;
static volatile pid_t got_pid;
static int *volatile null_ptr;       /* volatile: the compiler must not know the store faults */

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void record_and_jump(int sig, siginfo_t *si, void *uc)
{
    got_signo = si->si_signo;
    got_code = si->si_code;
    got_addr = si->si_addr;
    handler_calls++;
    siglongjmp(jump_back, 1);
}

/* --- segv --- */
static void test_segv(void)
{
    gc_group("segv");
    install(SIGSEGV, record_and_jump, 0);
    for (int round = 0; round < 3; round++) {
        got_signo = 0;
        if (sigsetjmp(jump_back, 1) == 0) {
            *null_ptr = 1;
            CHECK(!"NULL write did not fault");
        }
        CHECK_EQ(got_signo, SIGSEGV);
        CHECK_EQ(got_code, SEGV_MAPERR);
        CHECK(got_addr == NULL);
    }
    long page = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    munmap(p + page, page);
    if (sigsetjmp(jump_back, 1) == 0) {
        (void)*(volatile char *)(p + page + 123);
        CHECK(!"unmapped read did not fault");
    }
    CHECK_EQ(got_signo, SIGSEGV);
    CHECK_EQ(got_code, SEGV_MAPERR);
    CHECK_EQ((char *)got_addr - p, page + 123);
    mprotect(p, page, PROT_READ);
    if (sigsetjmp(jump_back, 1) == 0) {
        *(volatile char *)(p + 8) = 1;
        CHECK(!"read-only write did not fault");
    }
    CHECK_EQ(got_signo, SIGSEGV);
    CHECK_EQ(got_code, SEGV_ACCERR);
    CHECK_EQ((char *)got_addr - p, 8);
    /* The handler ran on the way out of sigsetjmp with the mask restored: SIGSEGV usable again. */
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGSEGV));
    CHECK_EQ(handler_calls, 5);
}

/* --- ill --- */
static volatile uint64_t skipped_pc;

static void skip_insn(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    got_signo = si->si_signo;
    got_addr = si->si_addr;
    skipped_pc = uc->uc_mcontext.__gregs[REG_PC];
    uc->uc_mcontext.__gregs[REG_PC] += 4;     /* resume after the 4-byte illegal word */
    uc->uc_mcontext.__gregs[REG_A0] = 77;     /* and the handler's register edits stick */
    handler_calls++;
}

static void test_ill(void)
{
    long page = sysconf(_SC_PAGESIZE);
    uint32_t *code = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    gc_group("ill_longjmp");
    CHECK(code != MAP_FAILED);
    code[0] = 0x00000013;           /* nop */
    code[1] = 0x00000000;           /* all zeros: defined to be illegal */
    code[2] = 0x00008067;           /* ret */
    code[3] = 0xffffffff;           /* reserved long encoding: illegal */
    __asm__ volatile("fence.i" ::: "memory");
    install(SIGILL, record_and_jump, 0);
    got_signo = 0;
    if (sigsetjmp(jump_back, 1) == 0) {
        ((void (*)(void))(uintptr_t)code)();
        CHECK(!"zero word did not trap");
    }
    CHECK_EQ(got_signo, SIGILL);
    CHECK_EQ(got_code, ILL_ILLOPC);
    CHECK_EQ((char *)got_addr - (char *)code, 4);
    got_signo = 0;
    if (sigsetjmp(jump_back, 1) == 0) {
        ((void (*)(void))(uintptr_t)(code + 3))();
        CHECK(!"0xffffffff did not trap");
    }
    CHECK_EQ(got_signo, SIGILL);
    CHECK_EQ((char *)got_addr - (char *)code, 12);
    /* Writing a read-only CSR is illegal too. */
    got_signo = 0;
    if (sigsetjmp(jump_back, 1) == 0) {
        __asm__ volatile("csrw cycle, x0");
        CHECK(!"csrw cycle did not trap");
    }
    CHECK_EQ(got_signo, SIGILL);

    gc_group("ill_resume");
    install(SIGILL, skip_insn, 0);
    uint64_t a0;
    code[0] = 0x00000513;           /* li a0, 0 */
    code[1] = 0x00000000;           /* illegal: the handler skips it and sets a0 = 77 */
    code[2] = 0x00150513;           /* addi a0, a0, 1 */
    code[3] = 0x00008067;           /* ret */
    __asm__ volatile("fence.i" ::: "memory");
    a0 = ((uint64_t (*)(void))(uintptr_t)code)();
    CHECK_EQ(a0, 78);
    CHECK_EQ(got_signo, SIGILL);
    CHECK_EQ((char *)(uintptr_t)skipped_pc - (char *)code, 4);
    CHECK_EQ((char *)got_addr - (char *)code, 4);
    a0 = ((uint64_t (*)(void))(uintptr_t)code)();        /* and again */
    CHECK_EQ(a0, 78);
}

/* --- siginfo --- */
static void record_info(int sig, siginfo_t *si, void *uc)
{
    got_signo = si->si_signo;
    got_code = si->si_code;
    got_pid = si->si_pid;
    got_value = si->si_value.sival_int;
    handler_calls++;
}

static void test_siginfo(void)
{
    gc_group("siginfo");
    install(SIGUSR1, record_info, 0);
    install(SIGUSR2, record_info, 0);
    handler_calls = 0;
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(handler_calls, 1);
    CHECK_EQ(got_signo, SIGUSR1);
    CHECK_EQ(got_code, SI_TKILL);
    CHECK_EQ(got_pid, getpid());
    CHECK_EQ(kill(getpid(), SIGUSR2), 0);
    CHECK_EQ(handler_calls, 2);
    CHECK_EQ(got_signo, SIGUSR2);
    CHECK_EQ(got_code, SI_USER);
    CHECK_EQ(got_pid, getpid());
    union sigval v = { .sival_int = 1234 };
    CHECK_EQ(sigqueue(getpid(), SIGUSR1, v), 0);
    CHECK_EQ(handler_calls, 3);
    CHECK_EQ(got_signo, SIGUSR1);
    CHECK_EQ(got_code, SI_QUEUE);
    CHECK_EQ(got_value, 1234);
    /* A plain (non-SA_SIGINFO) handler gets the signal number as its argument. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = (void (*)(int))(void (*)(void))0;
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);
    CHECK_EQ(raise(SIGCHLD), 0);          /* default action for SIGCHLD: ignore */
    CHECK_EQ(handler_calls, 3);
}

/* --- alarm --- */
static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig)
{
    alarm_fired = 1;
    handler_calls++;
}

static void test_alarm(void)
{
    struct sigaction sa;
    struct timespec t0, t1;
    gc_group("alarm");
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    alarm(1);
    uint64_t spins = 0, x = 1;
    while (!alarm_fired) {           /* busy loop: only the signal can end it */
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        spins++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double elapsed = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(alarm_fired);
    CHECK(spins > 0);
    CHECK(elapsed > 0.9 && elapsed < 5.0);
    CHECK(x != 0 || spins == 0);
    /* setitimer + pause: the signal interrupts the blocking call. */
    alarm_fired = 0;
    struct itimerval it = { { 0, 0 }, { 0, 50000 } };
    CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
    int r = pause();
    CHECK_EQ(r, -1);
    CHECK_EQ(errno, EINTR);
    CHECK(alarm_fired);
    /* A tight loop with no memory access in its body except the flag test. */
    alarm_fired = 0;
    it.it_value.tv_usec = 20000;
    setitimer(ITIMER_REAL, &it, NULL);
    while (!alarm_fired) {
    }
    CHECK(alarm_fired);
    CHECK_EQ(handler_calls, 3);
}

/* --- altstack --- */
static char *alt_base;
static size_t alt_size;
static volatile int on_alt_stack, alt_flag_seen;

static void on_usr1_alt(int sig, siginfo_t *si, void *uc)
{
    char local;
    stack_t st;
    on_alt_stack = (&local >= alt_base && &local < alt_base + alt_size);
    sigaltstack(NULL, &st);
    alt_flag_seen = (st.ss_flags & SS_ONSTACK) != 0;
    handler_calls++;
}

static void on_overflow(int sig, siginfo_t *si, void *uc)
{
    char local;
    on_alt_stack = (&local >= alt_base && &local < alt_base + alt_size);
    got_signo = sig;
    siglongjmp(jump_back, 1);
}

static int recurse(volatile char *prev, int depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    frame[511] = prev ? prev[0] : 0;
    if (depth > (1 << 30)) {         /* never: the stack runs out long before */
        return 0;
    }
    return recurse(frame, depth + 1) + frame[511];
}

static void test_altstack(void)
{
    stack_t st, old;
    gc_group("altstack");
    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    st.ss_sp = alt_base;
    st.ss_size = alt_size;
    st.ss_flags = 0;
    CHECK_EQ(sigaltstack(&st, &old), 0);
    CHECK_EQ(old.ss_flags, SS_DISABLE);
    install(SIGUSR1, on_usr1_alt, SA_ONSTACK);
    raise(SIGUSR1);
    CHECK_EQ(handler_calls, 1);
    CHECK(on_alt_stack);
    CHECK(alt_flag_seen);
    sigaltstack(NULL, &old);
    CHECK_EQ(old.ss_flags, 0);                  /* not on it any more */
    /* Without SA_ONSTACK the handler stays on the normal stack. */
    install(SIGUSR1, on_usr1_alt, 0);
    raise(SIGUSR1);
    CHECK(!on_alt_stack);
    /* Stack overflow: only a handler on the alternate stack can run. */
    install(SIGSEGV, on_overflow, SA_ONSTACK);
    on_alt_stack = 0;
    if (sigsetjmp(jump_back, 1) == 0) {
        recurse(NULL, 0);
        CHECK(!"recursion returned");
    }
    CHECK_EQ(got_signo, SIGSEGV);
    CHECK(on_alt_stack);
}

/* --- mask --- */
static volatile int order[8], norder;

static void on_usr_order(int sig)
{
    order[norder++] = sig;
    if (sig == SIGUSR1) {
        raise(SIGUSR2);                  /* blocked by sa_mask: runs after this handler */
        order[norder++] = -1;
    }
}

static void test_mask(void)
{
    sigset_t set, old, pending;
    gc_group("mask");
    install(SIGUSR1, record_info, 0);
    handler_calls = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
    CHECK(!sigismember(&old, SIGUSR1));
    raise(SIGUSR1);
    raise(SIGUSR1);                      /* standard signals do not queue: one delivery */
    CHECK_EQ(handler_calls, 0);
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGUSR1));
    CHECK(!sigismember(&pending, SIGUSR2));
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
    CHECK_EQ(handler_calls, 1);          /* delivered before sigprocmask returned */
    sigpending(&pending);
    CHECK(!sigismember(&pending, SIGUSR1));

    /* sigsuspend atomically unblocks and waits. */
    install(SIGUSR1, record_info, 0);
    handler_calls = 0;
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    CHECK_EQ(handler_calls, 0);
    sigset_t empty;
    sigemptyset(&empty);
    CHECK_EQ(sigsuspend(&empty), -1);
    CHECK_EQ(errno, EINTR);
    CHECK_EQ(handler_calls, 1);
    sigprocmask(SIG_BLOCK, NULL, &old);
    CHECK(sigismember(&old, SIGUSR1));   /* the old mask is back */
    sigprocmask(SIG_UNBLOCK, &set, NULL);

    /* SA_RESETHAND: one-shot handler; SIGURG's default action then ignores it. */
    install(SIGURG, record_info, SA_RESETHAND);
    handler_calls = 0;
    raise(SIGURG);
    raise(SIGURG);
    CHECK_EQ(handler_calls, 1);
    /* SIG_IGN */
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    CHECK_EQ(handler_calls, 1);
}

/* --- samask (qemu-riscv64 7.2 ignores sa_mask: this one runs under mimic only) --- */
static void test_samask(void)
{
    struct sigaction sa;
    sigset_t cur;
    gc_group("samask");
    /* sa_mask defers SIGUSR2 raised inside the SIGUSR1 handler. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr_order;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
    norder = 0;
    raise(SIGUSR1);
    CHECK_EQ(norder, 3);
    CHECK_EQ(order[0], SIGUSR1);
    CHECK_EQ(order[1], -1);
    CHECK_EQ(order[2], SIGUSR2);

    /* The handler's mask is gone again after it returned. */
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGUSR1));
    CHECK(!sigismember(&cur, SIGUSR2));
}

int main(int argc, char **argv)
{
    static const struct { const char *name; void (*fn)(void); } tests[] = {
        { "segv", test_segv }, { "ill", test_ill }, { "siginfo", test_siginfo },
        { "alarm", test_alarm }, { "altstack", test_altstack }, { "mask", test_mask },
        { "samask", test_samask },
    };
    int ran = 0;
    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
            handler_calls = 0;
            tests[i].fn();
            ran++;
        }
    }
    if (ran == 0) {
        printf("unknown sub-test '%s'\n", argv[1]);
        return 2;
    }
    return gc_finish();
}
