/*
 * Guest struct conversions.  Expected offsets: the riscv64 glibc struct stat
 * (offsetof printed by a riscv64-linux-gnu-gcc program: dev 0, ino 8, mode 16,
 * nlink 20, uid 24, gid 28, rdev 32, size 48, blksize 56, blocks 64, atim 72,
 * mtim 88, ctim 104, size 128), the kernel's struct sigaction without
 * sa_restorer, and the riscv64 ucontext (glibc: size 960, uc_mcontext at 176,
 * fp state at 432).
 */
#include <check.h>
#include <string.h>

#include "platform/linux-user/riscv64/rv_user.h"

static uint64_t get(const uint8_t *b, size_t off, size_t size)
{
    uint64_t v = 0;
    for (size_t i = 0; i < size; i++) {
        v |= (uint64_t)b[off + i] << (8 * i);
    }
    return v;
}

START_TEST(test_stat_generic64)
{
    struct stat st;
    memset(&st, 0, sizeof(st));
    st.st_dev = 0x1122334455667788ull;
    st.st_ino = 0x99aabbccddull;
    st.st_mode = 0100644;
    st.st_nlink = 3;
    st.st_uid = 1000;
    st.st_gid = 1001;
    st.st_rdev = 0x0801;
    st.st_size = 123456789;
    st.st_blksize = 4096;
    st.st_blocks = 242;
    st.st_atim.tv_sec = 1700000001;
    st.st_atim.tv_nsec = 11;
    st.st_mtim.tv_sec = 1700000002;
    st.st_mtim.tv_nsec = 22;
    st.st_ctim.tv_sec = 1700000003;
    st.st_ctim.tv_nsec = 33;
    uint8_t b[128];
    memset(b, 0xee, sizeof(b));
    ck_assert_uint_eq(user_abi_riscv64.stat_size, 128);
    user_abi_riscv64.put_stat(b, &st);
    ck_assert_uint_eq(get(b, 0, 8), 0x1122334455667788ull);
    ck_assert_uint_eq(get(b, 8, 8), 0x99aabbccddull);
    ck_assert_uint_eq(get(b, 16, 4), 0100644);
    ck_assert_uint_eq(get(b, 20, 4), 3);
    ck_assert_uint_eq(get(b, 24, 4), 1000);
    ck_assert_uint_eq(get(b, 28, 4), 1001);
    ck_assert_uint_eq(get(b, 32, 8), 0x0801);
    ck_assert_uint_eq(get(b, 40, 8), 0);            /* __pad1 */
    ck_assert_uint_eq(get(b, 48, 8), 123456789);
    ck_assert_uint_eq(get(b, 56, 4), 4096);
    ck_assert_uint_eq(get(b, 60, 4), 0);            /* __pad2 */
    ck_assert_uint_eq(get(b, 64, 8), 242);
    ck_assert_uint_eq(get(b, 72, 8), 1700000001);
    ck_assert_uint_eq(get(b, 80, 8), 11);
    ck_assert_uint_eq(get(b, 88, 8), 1700000002);
    ck_assert_uint_eq(get(b, 96, 8), 22);
    ck_assert_uint_eq(get(b, 104, 8), 1700000003);
    ck_assert_uint_eq(get(b, 112, 8), 33);
    ck_assert_uint_eq(get(b, 120, 8), 0);           /* __unused4/5 */
}
END_TEST

START_TEST(test_sigaction_generic64)
{
    uint8_t b[24];
    UserSigAction act = {
        .handler = 0x10abc, .flags = 0x14000004, .mask = 0x8000000000000401ull,
    };
    ck_assert_uint_eq(user_abi_riscv64.sigaction_size, 24);
    user_abi_riscv64.put_sigaction(b, &act);
    ck_assert_uint_eq(get(b, 0, 8), 0x10abc);
    ck_assert_uint_eq(get(b, 8, 8), 0x14000004);
    ck_assert_uint_eq(get(b, 16, 8), 0x8000000000000401ull);
    UserSigAction back;
    memset(&back, 0xff, sizeof(back));
    user_abi_riscv64.get_sigaction(b, &back);
    ck_assert_uint_eq(back.handler, 0x10abc);
    ck_assert_uint_eq(back.flags, 0x14000004);
    ck_assert_uint_eq(back.restorer, 0);
    ck_assert_uint_eq(back.mask, 0x8000000000000401ull);
}
END_TEST

START_TEST(test_rv_frame_layout)
{
    ck_assert_uint_eq(RV_UC_SIZE, 960);
    ck_assert_uint_eq(RV_UC_MCONTEXT, 176);
    ck_assert_uint_eq(RV_UC_MCONTEXT + RV_SC_FP, 432);
    ck_assert_uint_eq(RV_UC_SIGMASK, 40);
    ck_assert_uint_eq(RV_UC_STACK, 16);
    ck_assert_uint_eq(RV_FRAME_UC, 128);        /* after a 128-byte siginfo */
    ck_assert_uint_eq(RV_FRAME_SIZE % 16, 0);
    /* The END header sits at the end of the 528-byte FP union. */
    ck_assert_uint_eq(RV_SC_EXT_HDR + 8 - RV_SC_FP, 528);
}
END_TEST

Suite *user_struct_suite(void)
{
    Suite *s = suite_create("user_struct");
    TCase *tc = tcase_create("convert");
    tcase_add_test(tc, test_stat_generic64);
    tcase_add_test(tc, test_sigaction_generic64);
    tcase_add_test(tc, test_rv_frame_layout);
    suite_add_tcase(s, tc);
    return s;
}
