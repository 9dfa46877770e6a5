/*
 * i386 struct layouts the shared handlers fill through UserArchAbi: struct stat64
 * (arch/x86/include/uapi/asm/stat.h, packed, 96 bytes) and the kernel's struct
 * sigaction (handler, flags, restorer, 64-bit mask; 20 bytes), both little-endian.
 */
#include <string.h>

#include "platform/linux-user/i386/i386_user.h"

void i386_put_stat64(uint8_t *d, const struct stat *st)
{
    memset(d, 0, I386_STAT64_SIZE);
    x86_put64(d + 0, st->st_dev);
    x86_put32(d + 12, (uint32_t)st->st_ino);        /* __st_ino: the low bits */
    x86_put32(d + 16, st->st_mode);
    x86_put32(d + 20, (uint32_t)st->st_nlink);
    x86_put32(d + 24, st->st_uid);
    x86_put32(d + 28, st->st_gid);
    x86_put64(d + 32, st->st_rdev);
    x86_put64(d + 44, (uint64_t)st->st_size);
    x86_put32(d + 52, (uint32_t)st->st_blksize);
    x86_put64(d + 56, (uint64_t)st->st_blocks);
    x86_put32(d + 64, (uint32_t)st->st_atim.tv_sec);
    x86_put32(d + 68, (uint32_t)st->st_atim.tv_nsec);
    x86_put32(d + 72, (uint32_t)st->st_mtim.tv_sec);
    x86_put32(d + 76, (uint32_t)st->st_mtim.tv_nsec);
    x86_put32(d + 80, (uint32_t)st->st_ctim.tv_sec);
    x86_put32(d + 84, (uint32_t)st->st_ctim.tv_nsec);
    x86_put64(d + 88, st->st_ino);
}

void i386_get_sigaction(const uint8_t *s, UserSigAction *act)
{
    act->handler = x86_get32(s);
    act->flags = x86_get32(s + 4);
    act->restorer = x86_get32(s + 8);
    act->mask = x86_get64(s + 12);
}

void i386_put_sigaction(uint8_t *d, const UserSigAction *act)
{
    x86_put32(d, (uint32_t)act->handler);
    x86_put32(d + 4, (uint32_t)act->flags);
    x86_put32(d + 8, (uint32_t)act->restorer);
    x86_put64(d + 12, act->mask);
}
