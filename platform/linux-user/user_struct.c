/*
 * Guest struct layouts that differ from the x86-64 host's, for the asm-generic
 * 64-bit ports (riscv64 ...).  Each function writes the guest layout field by
 * field in little-endian order, so the offsets below are the guest ABI:
 * include/uapi/asm-generic/stat.h and include/uapi/asm-generic/signal.h.
 *
 * Structs that are the same on x86-64 and asm-generic 64-bit, so passed through:
 * timespec, timeval, rusage, rlimit, sysinfo, utsname, tms, statfs, statx,
 * linux_dirent64, pollfd, flock, termios (kernel struct termios, NCCS 19),
 * winsize, siginfo, iovec (after pointer translation), sockaddr*, msghdr (idem).
 * Different: stat (x86-64 has its own 144-byte layout), sigaction (x86-64 has
 * sa_restorer, riscv64 has not), epoll_event (packed on x86-64 only).
 */
#include <errno.h>
#include <string.h>

#include "platform/linux-user/user_internal.h"

static void put64(uint8_t *dst, size_t off, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        dst[off + i] = v >> (8 * i);
    }
}

static void put32(uint8_t *dst, size_t off, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        dst[off + i] = v >> (8 * i);
    }
}

static uint64_t get64(const uint8_t *src, size_t off)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)src[off + i] << (8 * i);
    }
    return v;
}

/*
 * struct stat (asm-generic, 128 bytes):
 *   0 st_dev  8 st_ino  16 st_mode(u32)  20 st_nlink(u32)  24 st_uid  28 st_gid
 *   32 st_rdev  40 __pad1  48 st_size  56 st_blksize(i32)  60 __pad2(i32)
 *   64 st_blocks  72 st_atime  80 st_atime_nsec  88 st_mtime  96 st_mtime_nsec
 *   104 st_ctime  112 st_ctime_nsec  120 __unused4(u32)  124 __unused5(u32)
 */
void user_put_stat_generic64(uint8_t *dst, const struct stat *st)
{
    memset(dst, 0, USER_GENERIC64_STAT_SIZE);
    put64(dst, 0, st->st_dev);
    put64(dst, 8, st->st_ino);
    put32(dst, 16, st->st_mode);
    put32(dst, 20, st->st_nlink);
    put32(dst, 24, st->st_uid);
    put32(dst, 28, st->st_gid);
    put64(dst, 32, st->st_rdev);
    put64(dst, 48, st->st_size);
    put32(dst, 56, st->st_blksize);
    put64(dst, 64, st->st_blocks);
    put64(dst, 72, st->st_atim.tv_sec);
    put64(dst, 80, st->st_atim.tv_nsec);
    put64(dst, 88, st->st_mtim.tv_sec);
    put64(dst, 96, st->st_mtim.tv_nsec);
    put64(dst, 104, st->st_ctim.tv_sec);
    put64(dst, 112, st->st_ctim.tv_nsec);
}

/* struct sigaction without SA_RESTORER: 0 sa_handler, 8 sa_flags, 16 sa_mask. */
void user_get_sigaction_generic64(const uint8_t *src, UserSigAction *act)
{
    act->handler = get64(src, 0);
    act->flags = get64(src, 8);
    act->restorer = 0;
    act->mask = get64(src, 16);
}

void user_put_sigaction_generic64(uint8_t *dst, const UserSigAction *act)
{
    put64(dst, 0, act->handler);
    put64(dst, 8, act->flags);
    put64(dst, 16, act->mask);
}

/*
 * sigset_t (include/uapi/asm-generic/signal.h, arch/powerpc/include/uapi/asm/signal.h):
 * unsigned long sig[64 / bits-per-long], so a 32-bit guest stores signals 1..32 in its
 * first word and 33..64 in its second, each in guest byte order.
 */
void user_put_sigset(const UserProc *p, uint8_t *dst, uint64_t mask)
{
    unsigned w = p->abi->word_size;
    bool be = user_guest_be(p);
    if (w == 8) {
        user_put_uint(be, dst, 8, mask);
    } else {
        user_put_uint(be, dst, 4, (uint32_t)mask);
        user_put_uint(be, dst + 4, 4, mask >> 32);
    }
}

uint64_t user_get_sigset(const UserProc *p, const uint8_t *src)
{
    bool be = user_guest_be(p);
    if (p->abi->word_size == 8) {
        return user_get_uint(be, src, 8);
    }
    return user_get_uint(be, src, 4) | user_get_uint(be, src + 4, 4) << 32;
}

int user_read_sigset(UserProc *p, GuestAddr addr, uint64_t *mask)
{
    uint8_t buf[8];
    if (user_copy_from(&p->mem, buf, addr, 8) < 0) {
        return -EFAULT;
    }
    *mask = user_get_sigset(p, buf);
    return 0;
}

int user_write_sigset(UserProc *p, GuestAddr addr, uint64_t mask)
{
    uint8_t buf[8];
    user_put_sigset(p, buf, mask);
    return user_copy_to(&p->mem, addr, buf, 8) < 0 ? -EFAULT : 0;
}

/*
 * siginfo_t (include/uapi/asm-generic/siginfo.h): three ints, then the union, which
 * starts at offset 16 on 64-bit ports (x86-64 included) and 12 on 32-bit ones.
 */
void user_siginfo_from_host(const UserProc *p, UserSigInfo *dst, const siginfo_t *si)
{
    const uint8_t *src = (const uint8_t *)si;
    if (p->abi->layout_generic64) {
        memcpy(dst->bytes, src, sizeof(dst->bytes));
        return;
    }
    bool be = user_guest_be(p);
    unsigned u = p->abi->word_size == 8 ? 16 : 12;
    memset(dst->bytes, 0, sizeof(dst->bytes));
    for (unsigned i = 0; i < 3; i++) {
        uint32_t v;
        memcpy(&v, src + 4 * i, 4);
        user_put_uint(be, dst->bytes + 4 * i, 4, v);
        memcpy(&v, src + 16 + 4 * i, 4);
        user_put_uint(be, dst->bytes + u + 4 * i, 4, v);
    }
}

int user_write_uint(UserProc *p, GuestAddr addr, unsigned size, uint64_t v)
{
    uint8_t buf[8];
    g_assert(size <= sizeof(buf));
    user_put_uint(user_guest_be(p), buf, size, v);
    return user_copy_to(&p->mem, addr, buf, size) < 0 ? -EFAULT : 0;
}

int user_read_uint(UserProc *p, GuestAddr addr, unsigned size, uint64_t *v)
{
    uint8_t buf[8];
    g_assert(size <= sizeof(buf));
    if (user_copy_from(&p->mem, buf, addr, size) < 0) {
        return -EFAULT;
    }
    *v = user_get_uint(user_guest_be(p), buf, size);
    return 0;
}
