/*
 * loop_interrupt.c - a register-only loop interrupted by signals many times gives the
 * same result as the same loop with signals blocked.  mimic runs such a loop inside one
 * translated block and keeps the loop's guest registers in host registers across
 * iterations; every interruption must store them before the handler runs and resume
 * with them.  The handler itself clobbers caller-saved registers as any C function may.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>

#include "guest_check.h"

static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
    (void)sig;
    ticks++;
}

__attribute__((noipa)) static uint64_t spin(uint64_t n, uint64_t seed)
{
    uint64_t a = seed, b = seed ^ 0x9e3779b97f4a7c15ull, c = 0;
    for (uint64_t i = 0; i < n; i++) {
        a = a * 6364136223846793005ull + b;
        b ^= a >> 17;
        c += (a ^ b) & 0xffff;
    }
    return a ^ b ^ c;
}

int main(void)
{
    const uint64_t n = 10000000;
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    uint64_t quiet = spin(n, 12345);
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);

    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { { 0, 200 }, { 0, 200 } };
    setitimer(ITIMER_REAL, &it, NULL);
    uint64_t noisy = spin(n, 12345);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);

    gc_group("interrupted loop");
    CHECK_EQ(noisy, quiet);
    CHECK(ticks > 0);
    return gc_finish();
}
