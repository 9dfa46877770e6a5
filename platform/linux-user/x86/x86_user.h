/*
 * linux-user pieces shared by the two x86 ABIs (i386/ and x86_64/): the rewrite of
 * legacy syscalls into their *at forms (legacy.c), HWCAP and /proc/cpuinfo from the
 * guest's own CPUID (cpu.c), the GDT TLS entries of set_thread_area (tls.c), and
 * little-endian access to guest structs.
 */
#ifndef MIMIC_X86_USER_H
#define MIMIC_X86_USER_H

#include "frontend/x86/cpu.h"
#include "platform/linux-user/user_internal.h"

/* How a legacy call's arguments become those of the generic call it maps to. */
typedef enum X86Legacy {
    X86_LEGACY_NONE,
    X86_LEGACY_OPEN,            /* open(path, flags, mode) -> openat(cwd, ...) */
    X86_LEGACY_CREAT,           /* creat(path, mode) -> openat(cwd, path, O_CREAT|O_WRONLY|O_TRUNC, mode) */
    X86_LEGACY_AT3,             /* f(path, x, y) -> fAt(cwd, path, x, y) */
    X86_LEGACY_CHOWN,           /* chown(path, uid, gid) -> fchownat(cwd, path, uid, gid, 0) */
    X86_LEGACY_LCHOWN,          /* ... AT_SYMLINK_NOFOLLOW */
    X86_LEGACY_UNLINK,          /* unlink(path) -> unlinkat(cwd, path, 0) */
    X86_LEGACY_RMDIR,           /* ... AT_REMOVEDIR */
    X86_LEGACY_RENAME,          /* rename(old, new) -> renameat2(cwd, old, cwd, new, 0) */
    X86_LEGACY_LINK,            /* link(old, new) -> linkat(cwd, old, cwd, new, 0) */
    X86_LEGACY_RENAMEAT,        /* renameat(...) -> renameat2(..., 0) */
    X86_LEGACY_SYMLINK,         /* symlink(target, path) -> symlinkat(target, cwd, path) */
    X86_LEGACY_STAT,            /* stat(path, buf) -> newfstatat(cwd, path, buf, 0) */
    X86_LEGACY_LSTAT,           /* ... AT_SYMLINK_NOFOLLOW */
    X86_LEGACY_PIPE,            /* pipe(fds) -> pipe2(fds, 0) */
    X86_LEGACY_DUP2,            /* dup2(a, b) -> dup3(a, b, 0); a == b is x86_dup2_same()'s */
    X86_LEGACY_FORK,            /* fork() -> clone(SIGCHLD, 0 ...) */
    X86_LEGACY_VFORK,           /* vfork() -> clone(CLONE_VM|CLONE_VFORK|SIGCHLD, 0 ...) */
    X86_LEGACY_WAITPID,         /* waitpid(pid, st, opt) -> wait4(pid, st, opt, NULL) */
    X86_LEGACY_GETPGRP,         /* getpgrp() -> getpgid(0) */
    X86_LEGACY_EPOLL_CREATE,    /* epoll_create(n) -> epoll_create1(0) */
    X86_LEGACY_INOTIFY_INIT,    /* inotify_init() -> inotify_init1(0) */
    X86_LEGACY_EPOLL_WAIT,      /* epoll_wait(...) -> epoll_pwait(..., NULL, 8) */
    X86_LEGACY_EVENTFD,         /* eventfd(n) -> eventfd2(n, 0) */
    X86_LEGACY_SIGNALFD,        /* signalfd(fd, mask, size) -> signalfd4(..., 0) */
} X86Legacy;

/* One row of an ABI's syscall map: the generic number (-1: none) and the rewrite. */
typedef struct X86SyscallMap {
    int16_t generic;
    uint8_t legacy;             /* X86Legacy */
} X86SyscallMap;

/* Rewrite a[] for the generic call; returns the generic number (dup2(a, a) becomes fcntl). */
int x86_legacy_rewrite(const X86SyscallMap *m, uint64_t a[6], uint64_t at_fdcwd);
/* dup2(fd, fd), which the arch_syscall hooks answer before the map's dup3 rewrite. */
bool x86_dup2_same(const uint64_t a[6], int64_t *ret);

/* cpu.c: CPUID leaf 1 EDX of the guest CPU (AT_HWCAP), and /proc/cpuinfo from its CPUID. */
uint32_t x86_user_hwcap(unsigned mode);
void x86_user_cpuinfo(GString *out, unsigned ncpus, unsigned mode);

/* tls.c: set_thread_area / get_thread_area on this thread's CPU (struct user_desc at addr). */
int64_t x86_set_thread_area(UserProc *p, X86Cpu *cpu, GuestAddr addr);
int64_t x86_get_thread_area(UserProc *p, X86Cpu *cpu, GuestAddr addr);
/* The fs and gs bases again after a descriptor changed under a loaded selector. */
void x86_reload_seg_bases(X86Cpu *cpu);

/*
 * cpu.c: the frontend's GUEST_EXIT_EXCEPTION (#GP from a selector load, int n other than
 * 0x80 and 3) as Linux delivers a general-protection fault: SIGSEGV, SI_KERNEL, address 0.
 */
void x86_raise_exception(UserProc *p, GuestCpu *cpu);
/* cpu.c: GUEST_EXIT_ILLEGAL as Linux reports it: #UD (SIGILL, ILL_ILLOPN) or #GP for privileged ones. */
bool x86_emulate_illegal(UserProc *p, GuestCpu *cpu);

/* poll(fds, n, timeout_ms): the same on both ABIs (struct pollfd has no pointers or longs). */
int64_t x86_sys_poll(UserProc *p, const uint64_t a[6]);

/* fpstate.c: the 512-byte FXSAVE image of the x87/SSE state X86Cpu holds; get: false if invalid. */
#define X86_FXSAVE_SIZE 512
void x86_fxsave_put(const X86Cpu *cpu, uint8_t *fx);
bool x86_fxsave_get(X86Cpu *cpu, const uint8_t *fx);
/*
 * A signal handler starts from the initial FPU state (fpu__clear_user_states() after the
 * frame is written): x87 as after fninit, registers and xmm zero, MXCSR 0x1f80.
 */
void x86_fpu_clear_for_handler(X86Cpu *cpu);

/* fs (sreg 4) or gs (5) written back by sigreturn, base from its TLS entry; false if unusable. */
bool x86_restore_seg(X86Cpu *cpu, int sreg, uint32_t sel);

/* Little-endian guest struct access. */
static inline void x86_put16(uint8_t *d, uint16_t v) { user_put_uint(false, d, 2, v); }
static inline void x86_put32(uint8_t *d, uint32_t v) { user_put_uint(false, d, 4, v); }
static inline void x86_put64(uint8_t *d, uint64_t v) { user_put_uint(false, d, 8, v); }
static inline uint32_t x86_get32(const uint8_t *s) { return (uint32_t)user_get_uint(false, s, 4); }
static inline uint64_t x86_get64(const uint8_t *s) { return user_get_uint(false, s, 8); }
static inline uint16_t x86_get16(const uint8_t *s) { return (uint16_t)user_get_uint(false, s, 2); }

#endif
