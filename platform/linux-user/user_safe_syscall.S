/*
 * user_safe_syscall_base: a host syscall that a guest signal cannot slip past.
 *
 * A blocking syscall issued with plain syscall(2) loses a signal that arrives after
 * the exec loop last looked for one but before the kernel starts waiting: the host
 * handler only queues it, and the syscall then sleeps until something else wakes it.
 * Here the check of the "signal arrived" flag and the syscall instruction form one
 * window [user_safe_syscall_start, user_safe_syscall_end).  The host signal handler
 * moves an interrupted pc inside that window to user_safe_syscall_interrupted
 * (user_safe_syscall_rewind), so the call returns -EINTR instead of sleeping; once
 * the kernel is inside the syscall, the handler's arrival interrupts it with -EINTR
 * as usual (mimic's handlers have no SA_RESTART).
 *
 * long user_safe_syscall_base(const volatile uint32_t *flag, long nr,
 *                             long a0, long a1, long a2, long a3, long a4, long a5);
 * Returns the kernel's value: the result, or -errno.  The flag word is tested
 * against bit 0 (GUEST_REQ_SIGNAL; user_safe_syscall.c asserts the value).
 */
    .text
    .globl user_safe_syscall_base
    .globl user_safe_syscall_start
    .globl user_safe_syscall_end
    .globl user_safe_syscall_interrupted
    .type user_safe_syscall_base, @function
user_safe_syscall_base:
    .cfi_startproc
    push %rbp                   /* the flag pointer must survive into the window */
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset %rbp, 0
    mov %rdi, %rbp
    mov %rsi, %rax              /* C calling convention -> syscall convention */
    mov %rdx, %rdi
    mov %rcx, %rsi
    mov %r8, %rdx
    mov %r9, %r10
    mov 16(%rsp), %r8
    mov 24(%rsp), %r9
user_safe_syscall_start:
    testl $1, (%rbp)
    jnz user_safe_syscall_interrupted
    syscall
user_safe_syscall_end:
    pop %rbp
    .cfi_remember_state
    .cfi_adjust_cfa_offset -8
    .cfi_restore %rbp
    ret
    .cfi_restore_state
user_safe_syscall_interrupted:
    mov $-4, %rax               /* -EINTR */
    pop %rbp
    .cfi_adjust_cfa_offset -8
    .cfi_restore %rbp
    ret
    .cfi_endproc
    .size user_safe_syscall_base, . - user_safe_syscall_base

/*
 * bool user_probe_copy(void *dst, const void *src, size_t len): memcpy from guest memory
 * that another thread may unmap at any moment (the translator fetching code).  A host
 * fault inside [user_probe_copy_start, user_probe_copy_end) makes the SIGSEGV handler
 * resume at user_probe_copy_fault, which returns false.
 */
    .globl user_probe_copy
    .globl user_probe_copy_start
    .globl user_probe_copy_end
    .globl user_probe_copy_fault
    .type user_probe_copy, @function
user_probe_copy:
    mov %rdx, %rcx
user_probe_copy_start:
    rep movsb
user_probe_copy_end:
    mov $1, %eax
    ret
user_probe_copy_fault:
    xor %eax, %eax
    ret
    .size user_probe_copy, . - user_probe_copy

/*
 * user_host_sigreturn: the sa_restorer of host handlers mimic installs with the raw
 * rt_sigaction syscall (user_signal.c); the x86-64 kernel requires one.
 */
    .globl user_host_sigreturn
    .type user_host_sigreturn, @function
user_host_sigreturn:
    mov $15, %eax               /* __NR_rt_sigreturn */
    syscall
    .size user_host_sigreturn, . - user_host_sigreturn

    .section .note.GNU-stack, "", @progbits
