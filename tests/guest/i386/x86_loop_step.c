/*
 * x86_loop_step.c - a loop whose steps overwrite a register from its own dying value
 * ("shr $1, %edx", then "xor %ebx, %edx"): mimic's JIT computes such a step
 * in the register that holds the guest register round the loop, dropping the old value
 * without a store because the step's result replaces it at once.  Checks the registers
 * the loop returns; the registers at a fault on the load that starts each trip (the
 * table runs into a PROT_NONE page; the handler sees the values of the last complete
 * trip); and the registers when a SIGALRM from a 100 us timer lands on the loop's head
 * (the JIT delivers it at the back edge's poll).  A second loop loads between the step and
 * the xor that overwrites edx: a fault on that load must see edx after the step.  i386 asm, compared with the host's own
 * run and qemu-i386.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>

#include "guest_check.h"

/* uint32_t step_loop(const uint32_t *tab, uint32_t n, uint32_t seed): edx ^ eax at the end. */
__asm__(/* tab in esi, n in edi, the seed in edx, the trip in ecx; returns edx ^ eax. */
        ".macro STEP_ENTER\n"
        "    push %ebx\n"
        "    push %esi\n"
        "    push %edi\n"
        "    push %ebp\n"
        "    mov 20(%esp), %esi\n"
        "    mov 24(%esp), %edi\n"
        "    mov 28(%esp), %edx\n"
        "    xor %ecx, %ecx\n"
        "    xor %eax, %eax\n"
        ".endm\n"
        ".macro STEP_LEAVE\n"
        "    xor %edx, %eax\n"
        "    pop %ebp\n"
        "    pop %edi\n"
        "    pop %esi\n"
        "    pop %ebx\n"
        "    ret\n"
        ".endm\n"
        ".text\n"
        ".globl step_loop\n"
        "step_loop:\n"
        "    STEP_ENTER\n"
        ".globl step_head\n"
        "step_head:\n"
        "    mov (%esi,%ecx,4), %ebx\n"
        "    shr $1, %edx\n"
        "    xor %ebx, %edx\n"
        "    or %edx, %eax\n"
        "    rol $3, %eax\n"
        "    add $1, %ecx\n"
        "    cmp %edi, %ecx\n"
        "    jne step_head\n"
        "    STEP_LEAVE\n"

        /* The same with the load between the step and the xor that overwrites edx. */
        ".globl step_loop2\n"
        "step_loop2:\n"
        "    STEP_ENTER\n"
        "1:  shr $1, %edx\n"
        ".globl step_load2\n"
        "step_load2:\n"
        "    xor (%esi,%ecx,4), %edx\n"
        "    or %edx, %eax\n"
        "    rol $3, %eax\n"
        "    add $1, %ecx\n"
        "    cmp %edi, %ecx\n"
        "    jne 1b\n"
        "    STEP_LEAVE\n");

uint32_t step_loop(const uint32_t *tab, uint32_t n, uint32_t seed);
uint32_t step_loop2(const uint32_t *tab, uint32_t n, uint32_t seed);
extern char step_head[], step_load2[];

#define N 1024                  /* table entries before the PROT_NONE page */
#define TRIPS 200000            /* trips of the timed runs (the table index wraps) */

static uint32_t exp_edx[N + 1], exp_eax[N + 1];
static sigjmp_buf segv_env;
static volatile uint32_t seg_ecx, seg_edx, seg_eax, seg_ebx, hits, bad;
static volatile uintptr_t seg_eip;

static uint32_t rol3(uint32_t v)
{
    return (v << 3) | (v >> 29);
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    const greg_t *gr = ((ucontext_t *)ucv)->uc_mcontext.gregs;

    (void)sig;
    (void)si;
    seg_ecx = (uint32_t)gr[REG_ECX];
    seg_edx = (uint32_t)gr[REG_EDX];
    seg_eax = (uint32_t)gr[REG_EAX];
    seg_ebx = (uint32_t)gr[REG_EBX];
    seg_eip = (uintptr_t)gr[REG_EIP];
    siglongjmp(segv_env, 1);
}

/* The timed runs use a table of N entries with n = N: ecx at the head says which trip. */
static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
    const greg_t *gr = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    uint32_t i = (uint32_t)gr[REG_ECX];

    (void)sig;
    (void)si;
    if ((uintptr_t)gr[REG_EIP] != (uintptr_t)step_head || i > N) {
        return;
    }
    hits++;
    if ((uint32_t)gr[REG_EDX] != exp_edx[i] || (uint32_t)gr[REG_EAX] != exp_eax[i]) {
        bad++;
    }
}

int main(void)
{
    long page = 4096;
    uint8_t *mem = mmap(NULL, 2 * N * 4 + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct sigaction sa = { 0 };
    uint32_t *tab;

    CHECK(mem != MAP_FAILED);
    /* N entries ending right at a PROT_NONE page. */
    CHECK_EQ(mprotect(mem + 2 * N * 4, (size_t)page, PROT_NONE), 0);
    tab = (uint32_t *)(mem + N * 4);
    for (uint32_t i = 0; i < N; i++) {
        tab[i] = i * 0x9e3779b1u ^ (i << 17);
    }
    exp_edx[0] = 0x13579bdfu;
    exp_eax[0] = 0;
    for (uint32_t i = 0; i < N; i++) {
        exp_edx[i + 1] = (exp_edx[i] >> 1) ^ tab[i];
        exp_eax[i + 1] = rol3(exp_eax[i] | exp_edx[i + 1]);
    }

    gc_group("results");
    for (uint32_t n = 1; n <= N; n += 7) {
        CHECK_EQ(step_loop(tab, n, 0x13579bdfu), exp_edx[n] ^ exp_eax[n]);
    }

    gc_group("fault");
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    for (int r = 0; r < 20; r++) {
        if (sigsetjmp(segv_env, 1) == 0) {
            step_loop(tab, N + 5, 0x13579bdfu);
            CHECK(0);
        } else {
            CHECK_EQ(seg_eip, (uintptr_t)step_head);
            CHECK_EQ(seg_ecx, N);
            CHECK_EQ(seg_edx, exp_edx[N]);
            CHECK_EQ(seg_eax, exp_eax[N]);
            CHECK_EQ(seg_ebx, tab[N - 1]);
        }
    }
    printf("fault at trip %u: edx %#x eax %#x\n", seg_ecx, seg_edx, seg_eax);
    gc_group("fault_after_step");
    for (uint32_t n = 1; n <= N; n += 11) {
        CHECK_EQ(step_loop2(tab, n, 0x13579bdfu), exp_edx[n] ^ exp_eax[n]);
    }
    for (int r = 0; r < 20; r++) {
        if (sigsetjmp(segv_env, 1) == 0) {
            step_loop2(tab, N + 5, 0x13579bdfu);
            CHECK(0);
        } else {
            /* The shr of trip N is done, its xor faults: edx holds the shifted value. */
            CHECK_EQ(seg_eip, (uintptr_t)step_load2);
            CHECK_EQ(seg_ecx, N);
            CHECK_EQ(seg_edx, exp_edx[N] >> 1);
            CHECK_EQ(seg_eax, exp_eax[N]);
        }
    }

    gc_group("signal_at_head");
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { { 0, 100 }, { 0, 100 } };
    setitimer(ITIMER_REAL, &it, NULL);
    uint32_t sum = 0;
    for (int r = 0; r < TRIPS / N; r++) {
        sum += step_loop(tab, N, 0x13579bdfu);
    }
    memset(&it, 0, sizeof(it));
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK_EQ(sum, (exp_edx[N] ^ exp_eax[N]) * (uint32_t)(TRIPS / N));
    CHECK_EQ(bad, 0);
    printf("signal checks done\n");      /* hits vary from run to run: not printed */
    return gc_finish();
}
