/*
 * x86_call_inline.c - calls to short leaf functions (a few instructions and a ret, like
 * i386's __x86.get_pc_thunk.*), which mimic lifts in place of the call, here with the
 * callee on another page than the caller.  Checks: a pc thunk's result; a callee that
 * rewrites its return address (the ret must go where the stack says); a fault inside the
 * callee (the handler sees its pc and the pushed return address); a write to the callee's
 * page after the caller has run many times (the caller must see the new code); and a
 * leaf on the caller's own page.  i386 asm, compared with the host's own run and qemu-i386.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "guest_check.h"

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

uint32_t thunk_user(void);
int redirect_user(void);
int load_user(const int *p);
int patch_user(void);
int near_user(int x);
extern char thunk_user_ret[], leaf_load[], load_user_ret[], leaf_patch[];

static sigjmp_buf segv_env;
static volatile uintptr_t segv_pc;
static volatile uint32_t segv_top;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    const greg_t *gr = ((ucontext_t *)ucv)->uc_mcontext.gregs;

    (void)sig;
    (void)si;
    segv_pc = (uintptr_t)gr[REG_EIP];
    segv_top = *(const uint32_t *)(uintptr_t)gr[REG_ESP];
    siglongjmp(segv_env, 1);
}

int main(void)
{
    struct sigaction sa = { 0 };
    int v = 37;

    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

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
        const int *p = (i % 7 == 3) ? NULL : &v;
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
    int sum = 0;
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
