/*
 * x86_call_inline.c - calls to short functions with branches on the caller's page,
 * which mimic lifts in place of the call: every path of the callee is lifted into the
 * caller's block, and each ret goes on in the caller when it pops the call's return
 * address (so a loop calling such a function, as C code calls libgcc's __umoddi3 for a
 * 64-bit modulo, stays one block).  Checks, each over enough trips that the loops run
 * translated: the results of every path of a callee (the path falling through from the
 * entry, paths at jcc targets, one jumping to a shared return sequence, one with a div)
 * and the caller's callee-saved registers; "ret $4" on one path; a path that rewrites its
 * return address (the ret must go where the stack says); a load that faults on a path
 * reached by a jcc (the handler sees that load's pc, the pushed return address on top of
 * the stack and the registers the path set); a divide error (#DE, SIGFPE) on a path;
 * a ret of the caller's own placed after the callee; and C's 64-bit modulo in a loop.
 * i386 asm, compared with the host's own run and qemu-i386.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <ucontext.h>

#include "guest_check.h"

/*
 * One page holds the callers and their callees.
 * int br_sum(int n): sum over i < n of br_fn(i, 9 * i); ebx, esi, edi preserved.
 * br_fn(a, b): even a < 50 -> a + b + 1; even a >= 50 -> b / 7 + b % 7;
 *              a % 4 == 1 -> (a * b) ^ 0x55; a % 4 == 3 -> (a - b) ^ 0x55.
 * int br_std_sum(int n): sum over i < n of br_std(i) (stdcall: ret $4 on the odd path):
 *              odd i -> i * 3, even i -> i + 11.
 * int br_redir_sum(int n): sum over i < n of br_redir(i): i < 10 -> i, else returns through
 *              br_redir_alt, which adds 1000: i + 1000.
 * int br_fault_sum(int *p, int n): sum over i < n of br_fault(p, i): even i -> i, odd i ->
 *              *p + i with ebx = 0x7a11 and esi = i * 5 at the load (br_fault_load).
 * int br_div_sum(int n, int d): sum over i < n of br_div(i, d): i < 8 -> i, else 1000 / d
 *              (d == 0 divides by zero at br_div_insn).
 * int br_own(int x): calls br_own_fn, whose rets come before its caller's own ret on the
 *              page: x even -> 2x + 1 + 5, odd -> x - 1 + 5.
 */
__asm__(/* The loops' common frame: n in esi, i in ebx, the sum in edi; "1:" the test, "2:" the end. */
        ".macro LOOP_ENTER\n"
        "    push %ebx\n"
        "    push %esi\n"
        "    push %edi\n"
        "    mov 16(%esp), %esi\n"
        "    xor %edi, %edi\n"
        "    xor %ebx, %ebx\n"
        "1:  cmp %esi, %ebx\n"
        "    jge 2f\n"
        ".endm\n"
        ".macro LOOP_LEAVE\n"
        "    mov %edi, %eax\n"
        "    pop %edi\n"
        "    pop %esi\n"
        "    pop %ebx\n"
        "    ret\n"
        ".endm\n"
        ".pushsection .text.call_inline,\"ax\"\n"
        ".balign 4096\n"
        ".globl br_sum\n"
        "br_sum:\n"
        "    LOOP_ENTER\n"
        "    lea (%ebx,%ebx,8), %eax\n"
        "    push %eax\n"
        "    push %ebx\n"
        "    call br_fn\n"
        "    add $8, %esp\n"
        "    add %eax, %edi\n"
        "    inc %ebx\n"
        "    jmp 1b\n"
        "2:  LOOP_LEAVE\n"

        "br_fn:\n"
        "    push %ebx\n"
        "    mov 8(%esp), %eax\n"
        "    mov 12(%esp), %ecx\n"
        "    mov $0x1111, %ebx\n"
        "    test $1, %eax\n"
        "    jne 3f\n"
        "    cmp $50, %eax\n"
        "    jae 4f\n"
        "    lea 1(%eax,%ecx), %eax\n"
        "    pop %ebx\n"
        "    ret\n"
        "3:  test $2, %eax\n"
        "    jne 5f\n"
        "    imul %ecx, %eax\n"
        "    jmp 6f\n"
        "5:  sub %ecx, %eax\n"
        "6:  xor $0x55, %eax\n"
        "br_fn_epi:\n"
        "    pop %ebx\n"
        "    ret\n"
        "4:  xor %edx, %edx\n"
        "    mov %ecx, %eax\n"
        "    mov $7, %ebx\n"
        "    div %ebx\n"
        "    add %edx, %eax\n"
        "    jmp br_fn_epi\n"

        ".globl br_std_sum\n"
        "br_std_sum:\n"
        "    push %ebx\n"
        "    push %esi\n"
        "    mov 12(%esp), %esi\n"
        "    xor %ebx, %ebx\n"
        "    xor %eax, %eax\n"
        "1:  cmp %esi, %ebx\n"
        "    jge 2f\n"
        "    mov %eax, %ecx\n"
        "    push %ebx\n"
        "    call br_std\n"
        "    add %ecx, %eax\n"
        "    inc %ebx\n"
        "    jmp 1b\n"
        "2:  pop %esi\n"
        "    pop %ebx\n"
        "    ret\n"

        "br_std:\n"
        "    mov 4(%esp), %edx\n"
        "    test $1, %edx\n"
        "    jne 3f\n"
        "    lea 11(%edx), %eax\n"
        "    ret $4\n"
        "3:  lea (%edx,%edx,2), %eax\n"
        "    ret $4\n"

        ".globl br_redir_sum\n"
        "br_redir_sum:\n"
        "    LOOP_ENTER\n"
        "    mov %ebx, %eax\n"
        "    call br_redir\n"
        ".globl br_redir_ret\n"
        "br_redir_ret:\n"
        "    add %eax, %edi\n"
        "    inc %ebx\n"
        "    jmp 1b\n"
        "2:  LOOP_LEAVE\n"

        "br_redir:\n"
        "    cmp $10, %eax\n"
        "    jge 3f\n"
        "    ret\n"
        "3:  mov (%esp), %ecx\n"
        "    mov %ecx, br_redir_saved\n"
        "    movl $br_redir_alt, (%esp)\n"
        "    ret\n"
        "br_redir_alt:\n"
        "    add $1000, %eax\n"
        "    jmp *br_redir_saved\n"

        ".globl br_fault_sum\n"
        "br_fault_sum:\n"
        "    push %ebx\n"
        "    push %esi\n"
        "    push %edi\n"
        "    push %ebp\n"
        "    mov 20(%esp), %ebp\n"
        "    mov 24(%esp), %esi\n"
        "    xor %edi, %edi\n"
        "    xor %ebx, %ebx\n"
        "1:  cmp %esi, %ebx\n"
        "    jge 2f\n"
        "    push %esi\n"
        "    push %ebx\n"
        "    push %ebx\n"
        "    push %ebp\n"
        "    call br_fault\n"
        ".globl br_fault_ret\n"
        "br_fault_ret:\n"
        "    add $8, %esp\n"
        "    pop %ebx\n"
        "    pop %esi\n"
        "    add %eax, %edi\n"
        "    inc %ebx\n"
        "    jmp 1b\n"
        "2:  mov %edi, %eax\n"
        "    pop %ebp\n"
        "    pop %edi\n"
        "    pop %esi\n"
        "    pop %ebx\n"
        "    ret\n"

        "br_fault:\n"
        "    mov 4(%esp), %ecx\n"
        "    mov 8(%esp), %eax\n"
        "    test $1, %eax\n"
        "    jne 3f\n"
        "    ret\n"
        "3:  mov $0x7a11, %ebx\n"
        "    lea (%eax,%eax,4), %esi\n"
        ".globl br_fault_load\n"
        "br_fault_load:\n"
        "    add (%ecx), %eax\n"
        "    ret\n"

        ".globl br_div_sum\n"
        "br_div_sum:\n"
        "    push %ebx\n"
        "    push %esi\n"
        "    push %edi\n"
        "    mov 16(%esp), %esi\n"
        "    mov 20(%esp), %ecx\n"
        "    xor %edi, %edi\n"
        "    xor %ebx, %ebx\n"
        "1:  cmp %esi, %ebx\n"
        "    jge 2f\n"
        "    mov %ebx, %eax\n"
        "    call br_div\n"
        "    add %eax, %edi\n"
        "    inc %ebx\n"
        "    jmp 1b\n"
        "2:  LOOP_LEAVE\n"

        "br_div:\n"
        "    cmp $8, %eax\n"
        "    jae 3f\n"
        "    ret\n"
        "3:  mov $1000, %eax\n"
        "    xor %edx, %edx\n"
        ".globl br_div_insn\n"
        "br_div_insn:\n"
        "    div %ecx\n"
        "    ret\n"

        "br_own_fn:\n"
        "    test $1, %eax\n"
        "    jne 3f\n"
        "    lea 1(%eax,%eax), %eax\n"
        "    ret\n"
        "3:  dec %eax\n"
        "    ret\n"
        ".globl br_own\n"
        "br_own:\n"
        "    mov 4(%esp), %eax\n"
        "    call br_own_fn\n"
        "    add $5, %eax\n"
        "    ret\n"
        ".data\n"
        "br_redir_saved: .long 0\n"
        ".popsection\n");

int br_sum(int n);
int br_std_sum(int n);
int br_redir_sum(int n);
int br_fault_sum(const int *p, int n);
int br_div_sum(int n, int d);
int br_own(int x);
extern char br_fault_load[], br_fault_ret[], br_div_insn[];

static sigjmp_buf sig_env;
static volatile uintptr_t sig_pc;
static volatile uint32_t sig_eax, sig_ebx, sig_esi, sig_top;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    const greg_t *gr = ((ucontext_t *)ucv)->uc_mcontext.gregs;

    (void)sig;
    (void)si;
    sig_pc = (uintptr_t)gr[REG_EIP];
    sig_eax = (uint32_t)gr[REG_EAX];
    sig_ebx = (uint32_t)gr[REG_EBX];
    sig_esi = (uint32_t)gr[REG_ESI];
    sig_top = *(const uint32_t *)(uintptr_t)gr[REG_ESP];
    siglongjmp(sig_env, 1);
}

static uint32_t want_fn(uint32_t a, uint32_t b)
{
    if (!(a & 1)) {
        return a < 50 ? a + b + 1 : b / 7 + b % 7;
    }
    return ((a & 2) ? a - b : a * b) ^ 0x55;
}

/* Calls br_sum(n) with ebx, esi and edi holding known values and checks that they survive. */
static int sum_saved(int n)
{
    uint32_t bx = 0x12345678, si = 0x9abcdef0, di = 0x0badf00d;
    int r;

    __asm__ volatile("push %[n]\n\tcall br_sum\n\tadd $4, %%esp"
                     : "=a"(r), "+b"(bx), "+S"(si), "+D"(di)
                     : [n] "r"(n)
                     : "ecx", "edx", "memory", "cc");
    CHECK_EQ(bx, 0x12345678);
    CHECK_EQ(si, 0x9abcdef0);
    CHECK_EQ(di, 0x0badf00d);
    return r;
}

int main(int argc, char **argv)
{
    struct sigaction sa = { 0 };
    int v = 1000;

    (void)argv;
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);

    gc_group("paths");
    for (int n = 0; n < 3000; n += 37) {
        uint32_t want = 0;
        for (int i = 0; i < n; i++) {
            want += want_fn((uint32_t)i, (uint32_t)(9 * i));
        }
        CHECK_EQ((uint32_t)sum_saved(n), want);
    }
    printf("paths %d\n", sum_saved(3000));

    gc_group("ret_imm");
    for (int n = 0; n < 2000; n += 29) {
        int want = 0;
        for (int i = 0; i < n; i++) {
            want += (i & 1) ? i * 3 : i + 11;
        }
        CHECK_EQ(br_std_sum(n), want);
    }

    gc_group("changed_return");
    for (int n = 0; n < 500; n += 13) {
        int want = 0;
        for (int i = 0; i < n; i++) {
            want += i < 10 ? i : i + 1000;
        }
        CHECK_EQ(br_redir_sum(n), want);
    }

    gc_group("fault_in_callee");
    for (int r = 0; r < 40; r++) {
        /* Odd trips load through p: NULL faults on the first odd trip of the loop. */
        const int *p = (r % 5 == 3) ? NULL : &v;
        int n = 200 + r;
        if (sigsetjmp(sig_env, 1) == 0) {
            int s = br_fault_sum(p, n), want = 0;
            CHECK(p != NULL);
            for (int i = 0; i < n; i++) {
                want += (i & 1) ? 1000 + i : i;
            }
            CHECK_EQ(s, want);
        } else {
            CHECK(p == NULL);
            CHECK_EQ(sig_pc, (uintptr_t)br_fault_load);
            CHECK_EQ(sig_top, (uintptr_t)br_fault_ret);
            CHECK_EQ(sig_eax, 1);
            CHECK_EQ(sig_ebx, 0x7a11);
            CHECK_EQ(sig_esi, 5);
            printf("fault at r=%d\n", r);
        }
    }

    gc_group("divide_error");
    for (int r = 0; r < 40; r++) {
        int d = (r % 7 == 4) ? 0 : 3 + r;
        int n = 100 + r;
        if (sigsetjmp(sig_env, 1) == 0) {
            int s = br_div_sum(n, d), want = 0;
            CHECK(d != 0);
            for (int i = 0; i < n; i++) {
                want += i < 8 ? i : 1000 / d;
            }
            CHECK_EQ(s, want);
        } else {
            CHECK(d == 0);
            CHECK_EQ(sig_pc, (uintptr_t)br_div_insn);
            CHECK_EQ(sig_eax, 1000);
            printf("divide error at r=%d\n", r);
        }
    }

    gc_group("own_ret");
    for (int x = -1000; x < 1000; x++) {
        CHECK_EQ(br_own(x), (x & 1) ? x - 1 + 5 : 2 * x + 1 + 5);
    }

    gc_group("c_modulo");
    {
        /* The shape of a Sattolo shuffle: a 64-bit xorshift modulo a shrinking 32-bit i. */
        uint64_t x = 0x2545f4914f6cdd1dull + (uint64_t)argc, h = 0;
        for (uint32_t i = 100000; i > 0; i--) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            uint64_t m = x % i, d = x / (i | ((uint64_t)i << 33));
            CHECK(m < i);
            h = h * 31 + m + d;
        }
        printf("modulo hash %016llx\n", (unsigned long long)h);
    }
    return gc_finish();
}
