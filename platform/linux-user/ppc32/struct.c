/*
 * ppc32 struct layouts used through UserArchAbi (stat64, sigaction) and the open(2)
 * flag bits that differ from the host's.  Everything is big-endian with 32-bit
 * longs and pointers: arch/powerpc/include/uapi/asm/stat.h, signal.h and fcntl.h.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>

#include "platform/linux-user/ppc32/ppc_user.h"

/*
 * struct stat64 (104 bytes):
 *   0 st_dev(u64)  8 st_ino(u64)  16 st_mode  20 st_nlink  24 st_uid  28 st_gid
 *   32 st_rdev(u64)  40 __pad2(u16)  48 st_size(i64)  56 st_blksize  64 st_blocks(i64)
 *   72 st_atime  76 st_atime_nsec  80 st_mtime  84 st_mtime_nsec  88 st_ctime
 *   92 st_ctime_nsec  96 __unused4  100 __unused5
 */
void ppc_put_stat64(uint8_t *dst, const struct stat *st)
{
    memset(dst, 0, PPC_STAT64_SIZE);
    ppc_put64(dst + 0, st->st_dev);
    ppc_put64(dst + 8, st->st_ino);
    ppc_put32(dst + 16, st->st_mode);
    ppc_put32(dst + 20, st->st_nlink);
    ppc_put32(dst + 24, st->st_uid);
    ppc_put32(dst + 28, st->st_gid);
    ppc_put64(dst + 32, st->st_rdev);
    ppc_put64(dst + 48, st->st_size);
    ppc_put32(dst + 56, st->st_blksize);
    ppc_put64(dst + 64, st->st_blocks);
    ppc_put32(dst + 72, (uint32_t)st->st_atim.tv_sec);
    ppc_put32(dst + 76, st->st_atim.tv_nsec);
    ppc_put32(dst + 80, (uint32_t)st->st_mtim.tv_sec);
    ppc_put32(dst + 84, st->st_mtim.tv_nsec);
    ppc_put32(dst + 88, (uint32_t)st->st_ctim.tv_sec);
    ppc_put32(dst + 92, st->st_ctim.tv_nsec);
}

/*
 * struct sigaction as rt_sigaction takes it (20 bytes):
 *   0 sa_handler  4 sa_flags  8 sa_restorer  12 sa_mask (sigset_t: two words)
 */
void ppc_get_sigaction(const uint8_t *src, UserSigAction *act)
{
    act->handler = ppc_get32(src);
    act->flags = ppc_get32(src + 4);
    act->restorer = ppc_get32(src + 8);
    act->mask = ppc_get32(src + 12) | (uint64_t)ppc_get32(src + 16) << 32;
}

void ppc_put_sigaction(uint8_t *dst, const UserSigAction *act)
{
    ppc_put32(dst, (uint32_t)act->handler);
    ppc_put32(dst + 4, (uint32_t)act->flags);
    ppc_put32(dst + 8, (uint32_t)act->restorer);
    ppc_put32(dst + 12, (uint32_t)act->mask);
    ppc_put32(dst + 16, (uint32_t)(act->mask >> 32));
}

/* The four bits that move; every other open flag has the same value on both. */
static const struct {
    uint32_t ppc;
    int host;
} ppc_open_bits[] = {
    { 040000, O_DIRECTORY },
    { 0100000, O_NOFOLLOW },
    { 0200000, 0100000 },       /* O_LARGEFILE: the host kernel's value (glibc's is 0) */
    { 0400000, O_DIRECT },
};

int ppc_open_flags_to_host(uint32_t flags)
{
    uint32_t moving = 040000 | 0100000 | 0200000 | 0400000;
    int h = (int)(flags & ~moving);
    for (size_t i = 0; i < G_N_ELEMENTS(ppc_open_bits); i++) {
        if (flags & ppc_open_bits[i].ppc) {
            h |= ppc_open_bits[i].host;
        }
    }
    return h;
}

uint32_t ppc_open_flags_from_host(int flags)
{
    int moving = O_DIRECTORY | O_NOFOLLOW | 0100000 | O_DIRECT;
    uint32_t g = (uint32_t)(flags & ~moving);
    for (size_t i = 0; i < G_N_ELEMENTS(ppc_open_bits); i++) {
        if (flags & ppc_open_bits[i].host) {
            g |= ppc_open_bits[i].ppc;
        }
    }
    return g;
}
