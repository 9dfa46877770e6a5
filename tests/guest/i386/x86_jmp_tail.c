/*
 * x86_jmp_tail.c - short return sequences that mimic lifts in place of a control
 * transfer to them.  First, functions whose paths share one return sequence, one path
 * falling into it and others jumping to it ("jmp epilogue", or a jcc back to it).
 * Checks: both paths' results and callee-saved registers; "ret $n"; a path that
 * rewrites its return address before the jump (the ret must go where the stack says); a
 * load in the shared sequence that faults on the jumping path (the handler sees the pc
 * of that load and the registers the path set); a sequence too long to copy and a jump
 * back to the function's start (a loop).  Then calls to short leaf functions (a few
 * instructions and a ret, like i386's __x86.get_pc_thunk.*), the callee on another page
 * than the caller: a pc thunk's result; a callee that rewrites its return address; a
 * fault inside the callee (the handler sees its pc and the pushed return address); a
 * write to the callee's page after the caller has run many times (the caller must see
 * the new code); and a leaf on the caller's own page.  i386 asm, compared with the host's
 * own run and qemu-i386.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "guest_check.h"

/* int tail_a(int x): odd x -> x * 3 + x + 7, even x -> x + 107; ebx, esi preserved. */
/* int tail_b(int x) (ret $4, the callee pops its argument): odd -> x - 5, even -> x * 2 + 1. */
/* int tail_r(int x): odd -> returns through tail_r_alt (x + 1000 + 1), even -> x + 1. */
/* int tail_f(int *p, int x): *p + x * 5 + 9 via the jumping path when x is odd, else *p + 9. */
/* int tail_c(int x): even -> 2x + 3; odd -> 5x if 4x > 40 (a jcc back to the shared sequence), else -4x. */
/* int tail_long(int x): the shared sequence is 10 instructions long. */
/* int tail_loop(int n): sum 1..n by jumping back to the function's start. */
__asm__(".text\n"
        ".globl tail_a\n"
        "tail_a:\n"
        "    push %ebx\n"
        "    push %esi\n"
        "    mov 12(%esp), %eax\n"
        "    mov %eax, %ebx\n"
        "    mov $0x5eed, %esi\n"
        "    test $1, %eax\n"
        "    jne 1f\n"
        "    lea 100(%eax), %eax\n"
        "tail_a_epi:\n"
        "    add $7, %eax\n"
        "    pop %esi\n"
        "    pop %ebx\n"
        "    ret\n"
        "1:  imul $3, %eax, %eax\n"
        "    add %ebx, %eax\n"
        "    mov $0xbad, %ebx\n"
        "    jmp tail_a_epi\n"

        ".globl tail_b\n"
        "tail_b:\n"
        "    mov 4(%esp), %eax\n"
        "    test $1, %eax\n"
        "    jne 1f\n"
        "    add %eax, %eax\n"
        "    inc %eax\n"
        "tail_b_epi:\n"
        "    ret $4\n"
        "1:  sub $5, %eax\n"
        "    jmp tail_b_epi\n"

        ".globl tail_r\n"
        "tail_r:\n"
        "    push %ebx\n"
        "    mov 8(%esp), %eax\n"
        "    test $1, %eax\n"
        "    jne 1f\n"
        "tail_r_epi:\n"
        "    inc %eax\n"
        "    pop %ebx\n"
        "    ret\n"
        "1:  mov 4(%esp), %ecx\n"
        "    mov %ecx, tail_r_saved\n"
        "    movl $tail_r_alt, 4(%esp)\n"
        "    add $1000, %eax\n"
        "    jmp tail_r_epi\n"
        "tail_r_alt:\n"
        "    jmp *tail_r_saved\n"

        ".globl tail_f\n"
        "tail_f:\n"
        "    push %ebx\n"
        "    push %esi\n"
        "    mov 12(%esp), %ecx\n"
        "    mov 16(%esp), %eax\n"
        "    xor %esi, %esi\n"
        "    test $1, %eax\n"
        "    jne 1f\n"
        "    xor %eax, %eax\n"
        "tail_f_epi:\n"
        "    add $9, %eax\n"
        ".globl tail_f_load\n"
        "tail_f_load:\n"
        "    add (%ecx), %eax\n"
        "    pop %esi\n"
        "    pop %ebx\n"
        "    ret\n"
        "1:  lea (%eax,%eax,4), %eax\n"
        "    mov %eax, %esi\n"
        "    mov $0x7a11, %ebx\n"
        "    jmp tail_f_epi\n"

        ".globl tail_c\n"
        "tail_c:\n"
        "    push %ebx\n"
        "    mov 8(%esp), %eax\n"
        "    mov %eax, %ebx\n"
        "    test $1, %eax\n"
        "    jne 1f\n"
        "    add $3, %eax\n"
        "tail_c_epi:\n"
        "    add %ebx, %eax\n"
        "    pop %ebx\n"
        "    ret\n"
        "1:  shl $2, %eax\n"
        "    cmp $40, %eax\n"
        "    jg tail_c_epi\n"
        "    neg %eax\n"
        "    pop %ebx\n"
        "    ret\n"

        ".globl tail_long\n"
        "tail_long:\n"
        "    mov 4(%esp), %eax\n"
        "    test $1, %eax\n"
        "    jne 1f\n"
        "    shl $4, %eax\n"
        "tail_long_epi:\n"
        "    add $1, %eax\n"
        "    add $2, %eax\n"
        "    add $3, %eax\n"
        "    add $4, %eax\n"
        "    add $5, %eax\n"
        "    add $6, %eax\n"
        "    add $7, %eax\n"
        "    add $8, %eax\n"
        "    add $9, %eax\n"
        "    ret\n"
        "1:  neg %eax\n"
        "    jmp tail_long_epi\n"

        ".globl tail_loop\n"
        "tail_loop:\n"
        "    mov 4(%esp), %ecx\n"
        "    xor %eax, %eax\n"
        "tail_loop_head:\n"
        "    test %ecx, %ecx\n"
        "    je 1f\n"
        "    add %ecx, %eax\n"
        "    dec %ecx\n"
        "    jmp tail_loop_head\n"
        "1:  ret\n"

        ".data\n"
        "tail_r_saved: .long 0\n"
        ".text\n");

/* The leaves, each group on a page of its own (the patched one alone on its page). */
__asm__(".pushsection .text.inline_leaves,\"ax\"\n"
        ".balign 4096\n"
        "leaf_thunk_bx:\n"
        "    mov (%esp), %ebx\n"
        "    ret\n"
        "leaf_redirect:\n"
        "    movl $redirect_target, (%esp)\n"
        "    mov $1, %eax\n"
        "    ret\n"
        ".globl leaf_load\n"
        "leaf_load:\n"
        "    mov (%eax), %eax\n"
        "    ret\n"
        ".balign 4096\n"
        ".globl leaf_patch\n"
        "leaf_patch:\n"
        "    mov $1, %eax\n"
        "    ret\n"
        ".balign 4096\n"
        ".popsection\n"

        ".text\n"
        ".globl thunk_user\n"
        "thunk_user:\n"
        "    push %ebx\n"
        "    call leaf_thunk_bx\n"
        ".globl thunk_user_ret\n"
        "thunk_user_ret:\n"
        "    mov %ebx, %eax\n"
        "    pop %ebx\n"
        "    ret\n"

        ".globl redirect_user\n"
        "redirect_user:\n"
        "    call leaf_redirect\n"
        "    mov $3, %eax\n"            /* not reached: the leaf returns to redirect_target */
        "    ret\n"
        "redirect_target:\n"
        "    add $1, %eax\n"            /* 2 */
        "    ret\n"

        ".globl load_user\n"
        "load_user:\n"
        "    mov 4(%esp), %eax\n"
        "    call leaf_load\n"
        ".globl load_user_ret\n"
        "load_user_ret:\n"
        "    add $5, %eax\n"
        "    ret\n"

        ".globl patch_user\n"
        "patch_user:\n"
        "    call leaf_patch\n"
        "    add $100, %eax\n"
        "    ret\n"

        ".globl near_user\n"
        "near_user:\n"
        "    mov 4(%esp), %eax\n"
        "    call near_leaf\n"
        "    add %eax, %eax\n"
        "    ret\n"
        "near_leaf:\n"
        "    lea 7(%eax,%eax,2), %eax\n"
        "    ret\n");

int tail_a(int x);
int __attribute__((stdcall)) tail_b(int x);
int tail_r(int x);
int tail_f(int *p, int x);
int tail_c(int x);
int tail_long(int x);
int tail_loop(int n);
extern char tail_f_load[];

uint32_t thunk_user(void);
int redirect_user(void);
int load_user(const int *p);
int patch_user(void);
int near_user(int x);
extern char thunk_user_ret[], leaf_load[], load_user_ret[], leaf_patch[];

static sigjmp_buf segv_env;
static volatile uintptr_t segv_pc;
static volatile uint32_t segv_eax, segv_ebx, segv_esi, segv_top;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    const greg_t *gr = ((ucontext_t *)ucv)->uc_mcontext.gregs;

    (void)sig;
    (void)si;
    segv_pc = (uintptr_t)gr[REG_EIP];
    segv_eax = (uint32_t)gr[REG_EAX];
    segv_ebx = (uint32_t)gr[REG_EBX];
    segv_esi = (uint32_t)gr[REG_ESI];
    segv_top = *(const uint32_t *)(uintptr_t)gr[REG_ESP];
    siglongjmp(segv_env, 1);
}

/* Calls fn with ebx and esi holding known values and checks that they survive. */
static int call_saved(int (*fn)(int), int x)
{
    uint32_t bx = 0x12345678, si = 0x9abcdef0;
    int r;

    __asm__ volatile("push %[x]\n\tcall *%[fn]\n\tadd $4, %%esp"
                     : "=a"(r), "+b"(bx), "+S"(si)
                     : [fn] "r"(fn), [x] "r"(x)
                     : "ecx", "edx", "memory", "cc");
    CHECK_EQ(bx, 0x12345678);
    CHECK_EQ(si, 0x9abcdef0);
    return r;
}

int main(void)
{
    struct sigaction sa = { 0 };
    int sum = 0, v37 = 37;

    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    gc_group("fall_and_jump");
    for (int x = -20; x < 20; x++) {
        int want = (x & 1) ? x * 3 + x + 7 : x + 107;
        CHECK_EQ(call_saved(tail_a, x), want);
    }
    gc_group("jcc_to_tail");
    for (int x = -20; x < 40; x++) {
        int want = !(x & 1) ? 2 * x + 3 : (x << 2) > 40 ? 5 * x : -4 * x;
        CHECK_EQ(call_saved(tail_c, x), want);
    }
    gc_group("ret_imm");
    for (int x = -20; x < 20; x++) {
        /* the callee pops its argument: call through a stdcall declaration */
        int want = (x & 1) ? x - 5 : x * 2 + 1;
        CHECK_EQ(tail_b(x), want);
    }
    gc_group("changed_return");
    for (int x = 0; x < 40; x++) {
        int want = (x & 1) ? x + 1001 : x + 1;
        CHECK_EQ(call_saved(tail_r, x), want);
    }
    gc_group("fault_in_tail");
    int v = 1000;
    for (int x = 0; x < 40; x++) {
        int *p = (x % 5 == 3) ? NULL : &v;
        if (sigsetjmp(segv_env, 1) == 0) {
            int r = tail_f(p, x);
            CHECK(p != NULL);
            CHECK_EQ(r, 1000 + 9 + ((x & 1) ? x * 5 : 0));
        } else {
            CHECK(p == NULL);
            CHECK_EQ(segv_pc, (uintptr_t)tail_f_load);
            CHECK_EQ(segv_eax, 9 + ((x & 1) ? x * 5 : 0));
            CHECK_EQ(segv_esi, (x & 1) ? (uint32_t)(x * 5) : 0);
            if (x & 1) {
                CHECK_EQ(segv_ebx, 0x7a11);
            }
            printf("fault at x=%d\n", x);
        }
    }
    gc_group("long_tail");
    for (int x = -10; x < 10; x++) {
        CHECK_EQ(tail_long(x), ((x & 1) ? -x : x << 4) + 45);
    }
    gc_group("loop");
    for (int n = 0; n < 200; n += 7) {
        CHECK_EQ(tail_loop(n), n * (n + 1) / 2);
        sum += tail_loop(n);
    }
    printf("loop sum %d\n", sum);
    gc_group("pc_thunk");
    for (int i = 0; i < 100; i++) {
        CHECK_EQ(thunk_user(), (uintptr_t)thunk_user_ret);
    }
    gc_group("changed_return");
    for (int i = 0; i < 100; i++) {
        CHECK_EQ(redirect_user(), 2);
    }
    gc_group("fault_in_callee");
    for (int i = 0; i < 30; i++) {
        const int *p = (i % 7 == 3) ? NULL : &v37;
        if (sigsetjmp(segv_env, 1) == 0) {
            int r = load_user(p);
            CHECK(p != NULL);
            CHECK_EQ(r, 42);
        } else {
            CHECK(p == NULL);
            CHECK_EQ(segv_pc, (uintptr_t)leaf_load);
            CHECK_EQ(segv_top, (uintptr_t)load_user_ret);
        }
    }
    gc_group("near_leaf");
    for (int x = -50; x < 50; x++) {
        CHECK_EQ(near_user(x), 2 * (3 * x + 7));
    }
    gc_group("patched_callee");
    sum = 0;
    for (int i = 0; i < 1000; i++) {
        sum += patch_user();
    }
    CHECK_EQ(sum, 101000);
    uintptr_t page = (uintptr_t)leaf_patch & ~(uintptr_t)4095;
    CHECK_EQ(mprotect((void *)page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC), 0);
    leaf_patch[1] = 9;                      /* mov $1, %eax -> mov $9, %eax */
    __asm__ volatile("" ::: "memory");
    CHECK_EQ(patch_user(), 109);
    sum = 0;
    for (int i = 0; i < 1000; i++) {
        sum += patch_user();
    }
    CHECK_EQ(sum, 109000);
    printf("patched sum %d\n", sum);
    return gc_finish();
}
