/*
 * The legacy path-based and argument-less syscalls both x86 ABIs still have, as the
 * generic calls linux-user dispatches on (the same rewrites as fs/namei.c, fs/open.c
 * and kernel/fork.c do in the kernel: open is openat(AT_FDCWD, ...), and so on).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/x86/x86_user.h"

int x86_legacy_rewrite(const X86SyscallMap *m, uint64_t a[6], uint64_t at_fdcwd)
{
    switch ((X86Legacy)m->legacy) {
    case X86_LEGACY_NONE:
        break;
    case X86_LEGACY_OPEN:
    case X86_LEGACY_AT3:
        a[3] = a[2];
        a[2] = a[1];
        a[1] = a[0];
        a[0] = at_fdcwd;
        break;
    case X86_LEGACY_CREAT:
        a[3] = a[1];
        a[2] = O_CREAT | O_WRONLY | O_TRUNC;
        a[1] = a[0];
        a[0] = at_fdcwd;
        break;
    case X86_LEGACY_CHOWN:
    case X86_LEGACY_LCHOWN:
        a[4] = m->legacy == X86_LEGACY_LCHOWN ? AT_SYMLINK_NOFOLLOW : 0;
        a[3] = a[2];
        a[2] = a[1];
        a[1] = a[0];
        a[0] = at_fdcwd;
        break;
    case X86_LEGACY_UNLINK:
    case X86_LEGACY_RMDIR:
        a[2] = m->legacy == X86_LEGACY_RMDIR ? AT_REMOVEDIR : 0;
        a[1] = a[0];
        a[0] = at_fdcwd;
        break;
    case X86_LEGACY_RENAME:
    case X86_LEGACY_LINK:
        a[3] = a[1];
        a[1] = a[0];
        a[0] = a[2] = at_fdcwd;
        a[4] = 0;
        break;
    case X86_LEGACY_RENAMEAT:
        a[4] = 0;
        break;
    case X86_LEGACY_SYMLINK:
        a[2] = a[1];
        a[1] = at_fdcwd;
        break;
    case X86_LEGACY_STAT:
    case X86_LEGACY_LSTAT:
        a[3] = m->legacy == X86_LEGACY_LSTAT ? AT_SYMLINK_NOFOLLOW : 0;
        a[2] = a[1];
        a[1] = a[0];
        a[0] = at_fdcwd;
        break;
    case X86_LEGACY_PIPE:
        a[1] = 0;
        break;
    case X86_LEGACY_DUP2:
        /* The equal case never gets here: x86_dup2_same() answers it. */
        a[2] = 0;
        break;
    case X86_LEGACY_FORK:
        a[0] = SIGCHLD;
        a[1] = a[2] = a[3] = a[4] = 0;
        break;
    case X86_LEGACY_VFORK:
        a[0] = CLONE_VM | CLONE_VFORK | SIGCHLD;
        a[1] = a[2] = a[3] = a[4] = 0;
        break;
    case X86_LEGACY_WAITPID:
        a[3] = 0;
        break;
    case X86_LEGACY_GETPGRP:
    case X86_LEGACY_INOTIFY_INIT:
        a[0] = 0;
        break;
    case X86_LEGACY_EPOLL_CREATE:
        /* epoll_create(size) fails for size <= 0; epoll_create1(0) otherwise. */
        if ((int32_t)a[0] <= 0) {
            a[0] = ~(uint64_t)0;        /* an invalid flag set: EINVAL */
        } else {
            a[0] = 0;
        }
        break;
    case X86_LEGACY_EPOLL_WAIT:
        a[4] = 0;
        a[5] = 8;
        break;
    case X86_LEGACY_EVENTFD:
        a[1] = 0;
        break;
    case X86_LEGACY_SIGNALFD:
        a[3] = 0;
        break;
    }
    return m->generic;
}

bool x86_dup2_same(const uint64_t a[6], int64_t *ret)
{
    if ((uint32_t)a[0] != (uint32_t)a[1]) {
        return false;       /* dup3(old, new, 0) through the map */
    }
    /* dup2(fd, fd) returns fd if it is open; dup3 would refuse equal numbers. */
    *ret = user_ret(syscall(SYS_fcntl, (int)a[0], F_GETFD));
    if (*ret >= 0) {
        *ret = (int32_t)a[1];
    }
    return true;
}
