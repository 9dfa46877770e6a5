/*
 * Blocking host syscalls made on the guest's behalf (see user_safe_syscall.S for
 * the race this closes).  The exec loop delivers a signal that is already pending
 * before it lets the guest's syscall start (user_syscall); these two pieces cover
 * the signals that arrive after that check.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <ucontext.h>

#include "platform/linux-user/user_internal.h"

/* The assembly tests bit 0 of the flag word. */
G_STATIC_ASSERT(GUEST_REQ_SIGNAL == 1);

extern long user_safe_syscall_base(const volatile uint32_t *flag, long nr, long a0, long a1,
                                   long a2, long a3, long a4, long a5);
extern const char user_safe_syscall_start[], user_safe_syscall_end[];
extern const char user_safe_syscall_interrupted[];

int64_t user_safe_syscall(UserProc *p, long nr, long a0, long a1, long a2, long a3, long a4,
                          long a5)
{
    return user_safe_syscall_base(&user_self->cpu->exit_request, nr, a0, a1, a2, a3, a4, a5);
}

void user_safe_syscall_rewind(void *ucontext)
{
    ucontext_t *uc = ucontext;
    uintptr_t pc = uc->uc_mcontext.gregs[REG_RIP];
    if (pc >= (uintptr_t)user_safe_syscall_start && pc < (uintptr_t)user_safe_syscall_end) {
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)user_safe_syscall_interrupted;
    }
}
