/*
 * x86_loop_poll.c - the guest state a signal handler sees at the head of a tight loop.
 * A timer sends SIGALRM every 200 us while two loops run; when the interrupted pc is a
 * loop's head, the handler checks the registers and flags the previous trip left: a
 * register and the flags the next trip overwrites before reading them must still be
 * exact there.  (mimic's JIT does not store such guest slots at a self loop's back edge;
 * only the exit of its exit_request poll, where signals are delivered, stores them.)
 * Natively a signal lands anywhere, so only the hits at a head are checked (natively a
 * few a second; under mimic and qemu, which deliver at block starts, most signals hit).
 * The first loop's flags come from cmp (ZF, CF, SF), the second's from dec, which keeps
 * the CF of the add before it.  Written in asm with 32-bit operands so the
 * same code runs as i386 and x86-64.  Compared with the host's own run.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>

#define K 0x5a5a5a5au
#define EFL_CF 0x1u
#define EFL_ZF 0x40u
#define EFL_SF 0x80u
#define EFL_OF 0x800u

extern char x86_loop_poll_head1[], x86_loop_poll_head2[];
static volatile uint32_t hits1, hits2, bad, loop2_n;

#ifdef __x86_64__
#define GREG_PC REG_RIP
#define GREG_AX REG_RAX
#define GREG_BX REG_RBX
#define GREG_CX REG_RCX
#define GREG_DX REG_RDX
#define GREG_DI REG_RDI
#else
#define GREG_PC REG_EIP
#define GREG_AX REG_EAX
#define GREG_BX REG_EBX
#define GREG_CX REG_ECX
#define GREG_DX REG_EDX
#define GREG_DI REG_EDI
#endif

static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
    const greg_t *gr = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    uintptr_t pc = (uintptr_t)gr[GREG_PC];
    uint32_t eax = (uint32_t)gr[GREG_AX], ebx = (uint32_t)gr[GREG_BX];
    uint32_t ecx = (uint32_t)gr[GREG_CX], edx = (uint32_t)gr[GREG_DX];
    uint32_t edi = (uint32_t)gr[GREG_DI], efl = (uint32_t)gr[REG_EFL];
    uint32_t f = efl & (EFL_CF | EFL_ZF | EFL_SF | EFL_OF);

    (void)sig;
    (void)si;
    if (pc == (uintptr_t)x86_loop_poll_head1 && eax != 0) {
        /* after "mov %eax,%ecx; xor $K,%ecx; add $1,%eax; cmp %ebx,%eax" with eax < ebx */
        hits1++;
        if (ecx != ((eax - 1) ^ K) || f != (EFL_CF | EFL_SF)) {
            printf("loop 1: eax %#x ecx %#x flags %#x\n", eax, ecx, f);
            bad++;
        }
    } else if (pc == (uintptr_t)x86_loop_poll_head2 && ebx != loop2_n) {
        /* after "mov %edx,%ecx; xor $K,%ecx; add %edi,%edx; dec %ebx" with ebx > 0 */
        hits2++;
        if (ecx != ((edx - edi) ^ K) || (f & ~EFL_CF) != 0 || !!(f & EFL_CF) != (edx < edi)) {
            printf("loop 2: edx %#x ecx %#x ebx %#x flags %#x\n", edx, ecx, ebx, f);
            bad++;
        }
    }
}

/* The state before the loop differs from the state at its head: ZF set, ecx 0. */
static __attribute__((noinline)) uint32_t loop1(uint32_t n)
{
    uint32_t a = 0, c = 0;

    __asm__ volatile("cmp %[a], %[a]\n"
                     ".globl x86_loop_poll_head1\n"
                     "x86_loop_poll_head1:\n"
                     "   mov %[a], %[c]\n"
                     "   xor $0x5a5a5a5a, %[c]\n"
                     "   add $1, %[a]\n"
                     "   cmp %[n], %[a]\n"
                     "   jne x86_loop_poll_head1\n"
                     : [a] "+a"(a), [c] "+c"(c) : [n] "b"(n) : "cc");
    return a ^ c;
}

static __attribute__((noinline)) uint32_t loop2(uint32_t n, uint32_t x)
{
    uint32_t c = 0;

    loop2_n = n;
    __asm__ volatile("cmp %[n], %[n]\n"
                     ".globl x86_loop_poll_head2\n"
                     "x86_loop_poll_head2:\n"
                     "   mov %[x], %[c]\n"
                     "   xor $0x5a5a5a5a, %[c]\n"
                     "   add %[k], %[x]\n"
                     "   dec %[n]\n"
                     "   jnz x86_loop_poll_head2\n"
                     : [x] "+d"(x), [c] "+c"(c), [n] "+b"(n) : [k] "D"(0x9e3779b9u) : "cc");
    return x ^ c;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { .it_interval = { 0, 200 }, .it_value = { 0, 200 } };
    setitimer(ITIMER_REAL, &it, NULL);

    /* Until 20 hits at each head (mimic and qemu: soon, signals land at block starts), or 0.3 s. */
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    volatile uint32_t sink = 0;
    for (unsigned i = 0; hits1 < 20 || hits2 < 20; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) > 300000000L) {
            break;
        }
        sink += loop1(200000);
        sink += loop2(200000, i * 0x01000193u);
    }
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    /* Not the hit counts: natively few signals land at a head (the mov after a taken jne). */
    printf("wrong states at loop heads: %u\n", bad);
    return bad != 0;
}
