/*
 * CLINT / ACLINT through the address space. Expected behaviour: RISC-V ACLINT spec 1.0
 * (MSWI: msip bit 0 only; MTIMER: MTIP while mtime >= mtimecmp) at QEMU virt's offsets
 * (msip 0x0, mtimecmp 0x4000, mtime 0xbff8) and 10 MHz timebase. Time is virtual: the
 * test moves the board clock by hand.
 */
#include "devtest.h"
#include "platform/devices/clint.h"

#define CLINT 0x2000000
#define MSIP(h) (CLINT + 4 * (h))
#define MTIMECMP(h) (CLINT + 0x4000 + 8 * (h))
#define MTIME (CLINT + 0xbff8)

static void clint_setup(void)
{
    devtest_board("[device clint]\nclass=clint\nbase=0x2000000\nsize=0x10000\n", 2);
}

START_TEST(test_mtime_10mhz)
{
    ck_assert_uint_eq(devtest_ld(MTIME, 8), 0);
    dev_clock_advance(&dt.board->clock, 1000000);      /* 1 ms */
    ck_assert_uint_eq(devtest_ld(MTIME, 8), 10000);
    ck_assert_uint_eq(devtest_ld(MTIME, 4), 10000);    /* low half */
    ck_assert_uint_eq(devtest_ld(MTIME + 4, 4), 0);    /* high half */
    ck_assert_uint_eq(clint_mtime(board_find_device(dt.board, "clint")), 10000);
}
END_TEST

START_TEST(test_mtime_write)
{
    devtest_st(MTIME, 8, 0x123456789ull);
    ck_assert_uint_eq(devtest_ld(MTIME, 8), 0x123456789ull);
    dev_clock_advance(&dt.board->clock, 100);          /* one tick */
    ck_assert_uint_eq(devtest_ld(MTIME, 8), 0x12345678aull);
    devtest_st(MTIME + 4, 4, 0x7);                     /* RV32 high half */
    ck_assert_uint_eq(devtest_ld(MTIME, 8), 0x72345678aull);
}
END_TEST

START_TEST(test_timer_deadline_and_mtip)
{
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MTIP));   /* mtimecmp resets to ~0 */
    ck_assert_uint_eq(devtest_ld(MTIMECMP(0), 8), UINT64_MAX);
    devtest_st(MTIMECMP(0), 8, 20000);                 /* 2 ms at 10 MHz */
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MTIP));
    ck_assert_uint_eq(dev_clock_next_deadline(&dt.board->clock), 2000000);
    dev_clock_advance(&dt.board->clock, 1999900);
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MTIP));
    dev_clock_advance(&dt.board->clock, 100);          /* the timer fires */
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MTIP));
    ck_assert(!devtest_cpu_line(1, BOARD_RV_IRQ_MTIP));
    ck_assert_uint_gt(dt.cpu_irq_calls, 0);
    ck_assert_uint_eq(dev_clock_next_deadline(&dt.board->clock), DEV_CLOCK_NEVER);
    devtest_st(MTIMECMP(0), 8, UINT64_MAX);            /* how OpenSBI disarms it */
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MTIP));
    devtest_st(MTIMECMP(0), 8, 0);                     /* in the past: at once */
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MTIP));
}
END_TEST

START_TEST(test_mtimecmp_halves)
{
    /* RV32 writes: high word first to all-ones, then low, then high (priv spec 3.2.1). */
    devtest_st(MTIMECMP(1) + 4, 4, 0xffffffff);
    devtest_st(MTIMECMP(1), 4, 0x00000005);
    devtest_st(MTIMECMP(1) + 4, 4, 0x00000001);
    ck_assert_uint_eq(devtest_ld(MTIMECMP(1), 8), 0x100000005ull);
    ck_assert_uint_eq(devtest_ld(MTIMECMP(1) + 4, 4), 1);
    ck_assert(!devtest_cpu_line(1, BOARD_RV_IRQ_MTIP));
    devtest_st(MTIME, 8, 0x100000005ull);
    ck_assert(devtest_cpu_line(1, BOARD_RV_IRQ_MTIP));
}
END_TEST

START_TEST(test_msip)
{
    devtest_st(MSIP(1), 4, 0xffffffff);
    ck_assert_uint_eq(devtest_ld(MSIP(1), 4), 1);      /* only bit 0 */
    ck_assert(devtest_cpu_line(1, BOARD_RV_IRQ_MSIP));
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MSIP));
    devtest_st(MSIP(1), 4, 0);
    ck_assert(!devtest_cpu_line(1, BOARD_RV_IRQ_MSIP));
    ck_assert_uint_eq(devtest_ld(MSIP(2), 4), 0);      /* no hart 2 */
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&dt.board->mem, MSIP(0), 1, &v), MEM_ERR_SIZE);
    ck_assert_int_eq(mem_as_load(&dt.board->mem, MTIME + 2, 4, &v), MEM_ERR_ALIGN);
}
END_TEST

Suite *devices_clint_suite(void)
{
    Suite *s = suite_create("devices_clint");
    TCase *tc = tcase_create("clint");
    tcase_add_checked_fixture(tc, clint_setup, devtest_free);
    tcase_add_test(tc, test_mtime_10mhz);
    tcase_add_test(tc, test_mtime_write);
    tcase_add_test(tc, test_timer_deadline_and_mtip);
    tcase_add_test(tc, test_mtimecmp_halves);
    tcase_add_test(tc, test_msip);
    suite_add_tcase(s, tc);
    return s;
}
