/*
 * ppc32 ABI pieces of linux-user.  Expected values come from a powerpc-linux-gnu-gcc
 * program run under qemu-ppc printing offsetof/sizeof: the kernel's struct stat64
 * (<asm/stat.h>: size 104, ino 8, mode 16, rdev 32, size 48, blksize 56, blocks 64,
 * atime 72, ctime_nsec 92) and glibc's ucontext_t (uc_stack 8, uc_regs 48, uc_sigmask 52,
 * mcontext_t 16-aligned in uc_reg_space at 192, size 1184; mcontext gregs 0, fpregs 192,
 * vrregs 464, size 992).  Big-endian fields throughout.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "frontend/ppc/cpu.h"
#include "platform/linux-user/ppc32/ppc_user.h"

static uint64_t be(const uint8_t *b, size_t off, size_t size)
{
    return user_get_uint(true, b + off, size);
}

START_TEST(test_stat64)
{
    struct stat st;
    uint8_t buf[PPC_STAT64_SIZE];
    memset(&st, 0, sizeof(st));
    st.st_dev = 0x0803;
    st.st_ino = 0x123456789aull;
    st.st_mode = 0100644;
    st.st_size = 0x100000002ll;
    st.st_blksize = 4096;
    st.st_blocks = 9;
    st.st_atim.tv_sec = 1700000001;
    st.st_ctim.tv_nsec = 33;
    ppc_put_stat64(buf, &st);
    ck_assert_uint_eq(PPC_STAT64_SIZE, 104);
    ck_assert_uint_eq(be(buf, 0, 8), 0x0803);
    ck_assert_uint_eq(be(buf, 8, 8), 0x123456789aull);
    ck_assert_uint_eq(be(buf, 16, 4), 0100644);
    ck_assert_uint_eq(be(buf, 48, 8), 0x100000002ull);
    ck_assert_uint_eq(be(buf, 56, 4), 4096);
    ck_assert_uint_eq(be(buf, 64, 8), 9);
    ck_assert_uint_eq(be(buf, 72, 4), 1700000001);
    ck_assert_uint_eq(be(buf, 92, 4), 33);
}
END_TEST

START_TEST(test_frame_offsets)
{
    ck_assert_uint_eq(PPC_UC_STACK, 8);
    ck_assert_uint_eq(PPC_UC_REGS, 48);
    ck_assert_uint_eq(PPC_UC_SIGMASK, 52);
    ck_assert_uint_eq(PPC_UC_MCONTEXT, 192);
    ck_assert_uint_eq(PPC_UC_SIZE, 1184);
    ck_assert_uint_eq(PPC_MC_FREGS, 192);
    ck_assert_uint_eq(PPC_MC_VREGS, 464);
    ck_assert_uint_eq(PPC_MC_SIZE, 992);
    /* mc_pad sits right after the 33 doubles of mc_fregs. */
    ck_assert_uint_eq(PPC_MC_PAD, PPC_MC_FREGS + 33 * 8);
    /* The rt frame: siginfo (128), ucontext, abigap[56]. */
    ck_assert_uint_eq(PPC_RT_FRAME_SIZE, 128 + 1184 + 224);
}
END_TEST

START_TEST(test_sigaction)
{
    uint8_t buf[PPC_SIGACTION_SIZE];
    UserSigAction act = { .handler = 0x10001234, .flags = 0x04000004, .restorer = 0x10005678,
                          .mask = 0x8000000100000002ull }, back;
    ppc_put_sigaction(buf, &act);
    ck_assert_uint_eq(be(buf, 0, 4), 0x10001234);
    ck_assert_uint_eq(be(buf, 4, 4), 0x04000004);
    ck_assert_uint_eq(be(buf, 8, 4), 0x10005678);
    /* sigset_t: word 0 holds signals 1..32, word 1 signals 33..64. */
    ck_assert_uint_eq(be(buf, 12, 4), 0x00000002);
    ck_assert_uint_eq(be(buf, 16, 4), 0x80000001);
    ppc_get_sigaction(buf, &back);
    ck_assert_uint_eq(back.handler, act.handler);
    ck_assert_uint_eq(back.mask, act.mask);
}
END_TEST

START_TEST(test_open_flags)
{
    /* ppc O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_DIRECT 0400000 (asm/fcntl.h). */
    ck_assert_int_eq(ppc_open_flags_to_host(040000 | 0100000 | 02), O_DIRECTORY | O_NOFOLLOW | 02);
    ck_assert_int_eq(ppc_open_flags_to_host(0400000), O_DIRECT);
    ck_assert_uint_eq(ppc_open_flags_from_host(O_DIRECTORY | O_CLOEXEC), 040000 | O_CLOEXEC);
}
END_TEST

START_TEST(test_syscall_result)
{
    PpcCpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    user_abi_ppc32.set_result(&cpu.common, -ENOENT);
    ck_assert_uint_eq(cpu.gpr[3], ENOENT);
    ck_assert_uint_eq(cpu.cr[0] & PPC_CR_SO, PPC_CR_SO);
    user_abi_ppc32.set_result(&cpu.common, 0xb7000000u);   /* an mmap address is no error */
    ck_assert_uint_eq(cpu.gpr[3], 0xb7000000u);
    ck_assert_uint_eq(cpu.cr[0] & PPC_CR_SO, 0);
}
END_TEST

START_TEST(test_map_pairs)
{
    /* pread64(fd, buf, count, pad, pos_hi, pos_lo) */
    uint64_t a[6] = { 3, 0x1000, 16, 0, 0x1, 0x80000000u };
    ck_assert_int_eq(user_abi_ppc32.map_syscall(PPC_NR_pread64, a), USER_NR_pread64);
    ck_assert_uint_eq(a[3], 0x180000000ull);
    /* lseek's 32-bit offset is signed. */
    uint64_t b[6] = { 3, 0xfffffff6u, 1, 0, 0, 0 };
    ck_assert_int_eq(user_abi_ppc32.map_syscall(PPC_NR_lseek, b), USER_NR_lseek);
    ck_assert_uint_eq(b[1], (uint64_t)-10);
    /* mmap2's offset is in pages. */
    uint64_t c[6] = { 0, 4096, 3, 0x22, (uint32_t)-1, 3 };
    ck_assert_int_eq(user_abi_ppc32.map_syscall(PPC_NR_mmap2, c), USER_NR_mmap);
    ck_assert_uint_eq(c[5], 3 * 4096);
    /* open becomes openat(AT_FDCWD, ...). */
    uint64_t d[6] = { 0x1000, 0101, 0644, 0, 0, 0 };
    ck_assert_int_eq(user_abi_ppc32.map_syscall(PPC_NR_open, d), USER_NR_openat);
    ck_assert_uint_eq((uint32_t)d[0], (uint32_t)AT_FDCWD);
    ck_assert_uint_eq(d[1], 0x1000);
    ck_assert_uint_eq(d[3], 0644);
}
END_TEST

Suite *user_ppc32_suite(void)
{
    Suite *s = suite_create("user_ppc32");
    TCase *tc = tcase_create("abi");
    tcase_add_test(tc, test_stat64);
    tcase_add_test(tc, test_frame_offsets);
    tcase_add_test(tc, test_sigaction);
    tcase_add_test(tc, test_open_flags);
    tcase_add_test(tc, test_syscall_result);
    tcase_add_test(tc, test_map_pairs);
    suite_add_tcase(s, tc);
    return s;
}
