/*
 * sse_align.c - #GP of misaligned 16-byte SSE accesses (movapd/movaps loads and stores,
 * addpd/mulpd with a memory operand), which mimic places after the block's last
 * instruction (frontend/x86/trans_ssemov.c, x86_sse_check_align).  A hot loop walks an
 * array and, on one chosen iteration, meets a misaligned address in one of the
 * instructions: the SIGSEGV must come at that instruction (rip relative to the loop's
 * start), with the loop's counter and the memory written so far as they were.
 * Compared with the host's own run.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

extern char loop_start[];
static sigjmp_buf jb;
static volatile long fault_rip, fault_rcx, fault_code;

static void segv_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)sig;
    fault_rip = (long)uc->uc_mcontext.gregs[REG_RIP] - (long)(uintptr_t)loop_start;
    fault_rcx = (long)uc->uc_mcontext.gregs[REG_RCX];
    fault_code = si->si_code;
    siglongjmp(jb, 1);
}

/*
 * for rcx in 0..n-1: c = a * k + c, 16 bytes each, then each pointer moves on by its stride
 * table's entry rcx (16, 16, 0 normally; one entry of the chosen table is off by 8).
 * rdi = a, rsi = c, rdx = k, r8 = n.
 */
long stride_a[64], stride_c[64], stride_k[64];

__asm__(".text\n"
        "run_loop:\n"
        "\txor %ecx, %ecx\n"
        "loop_start:\n"
        "\tmovapd (%rdi), %xmm0\n"
        "\tmulpd (%rdx), %xmm0\n"
        "\taddpd (%rsi), %xmm0\n"
        "\tmovaps %xmm0, (%rsi)\n"
        "\tlea stride_a(%rip), %r9\n"
        "\tadd (%r9,%rcx,8), %rdi\n"
        "\tlea stride_c(%rip), %r9\n"
        "\tadd (%r9,%rcx,8), %rsi\n"
        "\tlea stride_k(%rip), %r9\n"
        "\tadd (%r9,%rcx,8), %rdx\n"
        "\tinc %rcx\n"
        "\tcmp %r8, %rcx\n"
        "\tjne loop_start\n"
        "\tret\n");
void run_loop(const double *a, double *c, const double *k, long unused, long n);

static double abuf[2 * 64 + 4] __attribute__((aligned(16)));
static double cbuf[2 * 64 + 4] __attribute__((aligned(16)));
static double kbuf[4] __attribute__((aligned(16))) = { 1.5, 0.25, 3.0, 2.0 };

int main(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    /* which: 0 = no fault, 1 = movapd load, 2 = mulpd operand, 3 = addpd/movaps on c */
    for (int which = 0; which < 4; which++) {
        for (int at = 0; at < 3; at++) {
            double sum = 0;

            for (int i = 0; i < 2 * 64 + 4; i++) {
                abuf[i] = i * 0.5;
                cbuf[i] = 100 - i;
            }
            fault_rip = fault_rcx = fault_code = -1;
            for (int i = 0; i < 64; i++) {
                stride_a[i] = 16;
                stride_c[i] = 16;
                stride_k[i] = 0;
            }
            /* Misaligned from iteration at * 20 + 3 on (none for which 0). */
            if (which == 1) {
                stride_a[at * 20 + 2] = 8;
            } else if (which == 2) {
                stride_k[at * 20 + 2] = 8;
            } else if (which == 3) {
                stride_c[at * 20 + 2] = 8;
            }
            if (sigsetjmp(jb, 1) == 0) {
                run_loop(abuf, cbuf, kbuf, 0, 62);
            }
            for (int i = 0; i < 2 * 64 + 4; i++) {
                sum += cbuf[i] * (i + 1);
            }
            printf("which %d at %d: rip +%ld rcx %ld code %ld sum %.17g\n", which, at, fault_rip, fault_rcx,
                   fault_code, sum);
        }
    }
    return 0;
}
