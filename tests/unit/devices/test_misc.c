/*
 * The small devices: sifive_test (QEMU hw/misc/sifive_test.c commands), goldfish RTC
 * (goldfish virtual hardware spec), HTIF (riscv-isa-sim fesvr protocol), and the
 * board clock itself.
 */
#include <string.h>

#include "devtest.h"

static BoardExit last_exit;
static int last_code;
static unsigned exits;

static void record_exit(void *opaque, BoardExit exit, int code)
{
    last_exit = exit;
    last_code = code;
    exits++;
}

static void misc_setup(void)
{
    devtest_board("[device test]\nclass=sifive_test\nbase=0x100000\nsize=0x1000\n"
                  "[device rtc]\nclass=goldfish_rtc\nbase=0x101000\nsize=0x1000\nirq=plic:11\n"
                  "[device htif]\nclass=htif\nbase=@tohost\nfromhost=@fromhost\n", 1);
    board_set_exit_handler(dt.board, record_exit, NULL);
    exits = 0;
    last_exit = BOARD_EXIT_NONE;
    last_code = -1;
}

/* --- sifive_test --- */

START_TEST(test_finisher_pass)
{
    ck_assert_uint_eq(devtest_ld(0x100000, 4), 0);
    devtest_st(0x100000, 4, 0x5555);
    ck_assert_uint_eq(exits, 1);
    ck_assert_int_eq(last_exit, BOARD_EXIT_POWER_OFF);
    ck_assert_int_eq(last_code, 0);
    int code;
    ck_assert_int_eq(board_exit_status(dt.board, &code), BOARD_EXIT_POWER_OFF);
}
END_TEST

START_TEST(test_finisher_fail_and_reset)
{
    devtest_st(0x100000, 4, (42u << 16) | 0x3333);
    ck_assert_int_eq(last_exit, BOARD_EXIT_FAIL);
    ck_assert_int_eq(last_code, 42);
    devtest_st(0x100000, 4, 0x7777);
    ck_assert_int_eq(last_exit, BOARD_EXIT_RESET);
    devtest_st(0x100000, 4, 0x1234);            /* not a command */
    devtest_st(0x100004, 4, 0x5555);            /* not the register */
    ck_assert_uint_eq(exits, 2);
}
END_TEST

/* --- goldfish RTC --- */

START_TEST(test_rtc_time)
{
    uint64_t before = (uint64_t)g_get_real_time() * 1000;
    uint64_t lo = devtest_ld(0x101000, 4);
    uint64_t hi = devtest_ld(0x101004, 4);
    uint64_t after = (uint64_t)g_get_real_time() * 1000;
    uint64_t t = (hi << 32) | lo;
    ck_assert_uint_ge(t, before);
    ck_assert_uint_le(t, after);
    /* Setting the time: high then low, as Linux's goldfish driver does. */
    devtest_st(0x101004, 4, 0x10);
    devtest_st(0x101000, 4, 0x0);
    lo = devtest_ld(0x101000, 4);
    hi = devtest_ld(0x101004, 4);
    ck_assert_uint_eq(hi, 0x10);
    ck_assert_uint_lt(lo, 1000000000u);         /* well under a second has passed */
}
END_TEST

START_TEST(test_rtc_alarm_irq)
{
    devtest_st(0xc000000 + 4 * 11, 4, 1);
    devtest_st(0xc002000, 4, 1u << 11);
    devtest_st(0x101010, 4, 1);                 /* IRQ_ENABLED */
    ck_assert_uint_eq(devtest_ld(0x101010, 4), 1);
    /* An alarm 1 ms ahead: a DevTimer deadline on the board clock. */
    uint64_t now = (uint64_t)g_get_real_time() * 1000;
    uint64_t alarm = now + 1000000;
    devtest_st(0x10100c, 4, alarm >> 32);
    devtest_st(0x101008, 4, (uint32_t)alarm);
    ck_assert_uint_eq(devtest_ld(0x101018, 4), 1);     /* ALARM_STATUS: running */
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    ck_assert_uint_ne(dev_clock_next_deadline(&dt.board->clock), DEV_CLOCK_NEVER);
    g_usleep(2000);                             /* the wall clock must pass it too */
    dev_clock_advance(&dt.board->clock, 2000000);
    ck_assert_uint_eq(devtest_ld(0x101018, 4), 0);
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    /* The handler's order: claim, clear the device, complete; the line is low now so
     * the PLIC gateway does not forward it again. */
    ck_assert_uint_eq(devtest_ld(0xc200004, 4), 11);
    devtest_st(0x10101c, 4, 1);                 /* CLEAR_INTERRUPT */
    devtest_st(0xc200004, 4, 11);
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    /* An alarm in the past fires at once; CLEAR_ALARM stops a running one. */
    devtest_st(0x10100c, 4, 0);
    devtest_st(0x101008, 4, 1);
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    ck_assert_uint_eq(devtest_ld(0xc200004, 4), 11);
    devtest_st(0x10101c, 4, 1);
    devtest_st(0xc200004, 4, 11);
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    devtest_st(0x10100c, 4, 0xffffffff);
    devtest_st(0x101008, 4, 0);
    ck_assert_uint_eq(devtest_ld(0x101018, 4), 1);
    devtest_st(0x101014, 4, 1);
    ck_assert_uint_eq(devtest_ld(0x101018, 4), 0);
}
END_TEST

/* --- HTIF --- */

static bool htif_symbols(void *opaque, const char *name, uint64_t *value)
{
    if (g_str_equal(name, "tohost")) {
        *value = 0x80001000;
        return true;
    }
    if (g_str_equal(name, "fromhost")) {
        *value = 0x80001040;
        return true;
    }
    return false;
}

static void htif_place(void)
{
    /* Put a program word in the RAM that HTIF is laid over, to see it survive. */
    devtest_st(0x80001048, 8, 0x1122334455667788ull);
    GError *err = NULL;
    ck_assert_msg(board_place_deferred(dt.board, htif_symbols, NULL, &err), "%s",
                  err ? err->message : "");
}

START_TEST(test_htif_console_and_exit)
{
    htif_place();
    devtest_st(0x80001000, 8, (1ull << 56) | (1ull << 48) | 'H');
    devtest_st(0x80001000, 8, (1ull << 56) | (1ull << 48) | 'i');
    g_autofree char *out = chardev_buffer_output(dt.serial, NULL);
    ck_assert_str_eq(out, "Hi");
    ck_assert_uint_eq(devtest_ld(0x80001000, 8), 0);           /* command taken */
    ck_assert_uint_eq(devtest_ld(0x80001040, 8), (1ull << 56) | (1ull << 48));
    devtest_st(0x80001040, 8, 0);
    /* RAM around the two words is still RAM, contents kept. */
    ck_assert_uint_eq(devtest_ld(0x80001048, 8), 0x1122334455667788ull);
    devtest_st(0x80000ff8, 8, 7);
    ck_assert_uint_eq(devtest_ld(0x80000ff8, 8), 7);
    ck_assert_ptr_null(mem_as_ram_ptr(&dt.board->mem, 0x80001000, 8, NULL));
    /* riscv-tests' failure of test 3: (3 << 1) | 1, as two RV32 stores. */
    devtest_st(0x80001000, 4, 7);
    ck_assert_uint_eq(exits, 0);
    devtest_st(0x80001004, 4, 0);
    ck_assert_int_eq(last_exit, BOARD_EXIT_FAIL);
    ck_assert_int_eq(last_code, 3);
    devtest_st(0x80001000, 8, 1);               /* pass */
    ck_assert_int_eq(last_exit, BOARD_EXIT_POWER_OFF);
    ck_assert_int_eq(last_code, 0);
}
END_TEST

START_TEST(test_htif_getchar)
{
    htif_place();
    devtest_st(0x80001000, 8, (1ull << 56) | (0ull << 48));    /* getchar */
    ck_assert_uint_eq(devtest_ld(0x80001040, 8), 0);           /* nothing typed yet */
    chardev_input(dt.serial, (const uint8_t *)"k", 1);
    ck_assert_uint_eq(devtest_ld(0x80001040, 8), (1ull << 56) | 'k');
}
END_TEST

static bool no_symbols(void *opaque, const char *name, uint64_t *value)
{
    return false;
}

START_TEST(test_htif_missing_symbol)
{
    GError *err = NULL;
    ck_assert(!board_place_deferred(dt.board, no_symbols, NULL, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "'tohost'"));
    g_clear_error(&err);
}
END_TEST

/* --- The clock --- */

static unsigned fired[3];

static void count_fire(void *opaque)
{
    fired[GPOINTER_TO_UINT(opaque)]++;
}

START_TEST(test_clock_deadlines)
{
    DevClock clock;
    dev_clock_init(&clock);
    dev_clock_set_virtual(&clock, 1000);
    DevTimer a, b;
    memset(fired, 0, sizeof(fired));
    dev_timer_init(&a, &clock, count_fire, GUINT_TO_POINTER(0), NULL);
    dev_timer_init(&b, &clock, count_fire, GUINT_TO_POINTER(1), NULL);
    ck_assert_uint_eq(dev_clock_next_deadline(&clock), DEV_CLOCK_NEVER);
    dev_timer_mod(&a, 5000);
    dev_timer_mod(&b, 3000);
    ck_assert_uint_eq(dev_clock_next_deadline(&clock), 3000);
    ck_assert_uint_eq(dev_clock_run_expired(&clock), 0);
    dev_clock_advance(&clock, 2000);            /* now 3000: b fires */
    ck_assert_uint_eq(fired[1], 1);
    ck_assert_uint_eq(fired[0], 0);
    ck_assert_uint_eq(dev_clock_next_deadline(&clock), 5000);
    dev_timer_del(&a);
    ck_assert_uint_eq(dev_clock_next_deadline(&clock), DEV_CLOCK_NEVER);
    dev_clock_advance(&clock, 10000);
    ck_assert_uint_eq(fired[0], 0);
    /* wait returns at once when the limit has passed. */
    ck_assert(!dev_clock_wait(&clock, 0));
    dev_timer_destroy(&a);
    dev_timer_destroy(&b);
    dev_clock_destroy(&clock);
}
END_TEST

static gpointer kicker(gpointer opaque)
{
    g_usleep(10000);
    dev_clock_kick(opaque);
    return NULL;
}

START_TEST(test_clock_real_time_wait_and_kick)
{
    DevClock clock;
    dev_clock_init(&clock);
    uint64_t t0 = dev_clock_now(&clock);
    ck_assert(!dev_clock_wait(&clock, t0 + 2000000));   /* sleeps ~2 ms */
    ck_assert_uint_ge(dev_clock_now(&clock), t0 + 2000000);
    GThread *t = g_thread_new("kick", kicker, &clock);
    ck_assert(dev_clock_wait(&clock, DEV_CLOCK_NEVER)); /* woken by the kick */
    g_thread_join(t);
    /* The timer thread runs a deadline on its own. */
    DevTimer a;
    memset(fired, 0, sizeof(fired));
    dev_timer_init(&a, &clock, count_fire, GUINT_TO_POINTER(2), NULL);
    dev_clock_start_thread(&clock);
    dev_timer_mod(&a, dev_clock_now(&clock) + 1000000);
    for (unsigned i = 0; i < 500 && !g_atomic_int_get(&fired[2]); i++) {
        g_usleep(1000);
    }
    ck_assert_uint_eq(g_atomic_int_get(&fired[2]), 1);
    dev_clock_stop_thread(&clock);
    dev_timer_destroy(&a);
    dev_clock_destroy(&clock);
}
END_TEST

/* --- wfi on a real clock --- */

static gpointer raise_msip(gpointer opaque)
{
    g_usleep(5000);
    gint *done = opaque;
    g_atomic_int_set(done, 1);      /* before the store: the waiter may return at once */
    mem_as_store(&dt.board->mem, 0x2000000, 4, 1);
    return NULL;
}

START_TEST(test_wfi)
{
    devtest_free();
    /* A board on the host clock (devtest boards run on virtual time). */
    Chardev *chr = chardev_new_buffer(false);
    BoardOptions opts = { .serial = chr };
    GError *err = NULL;
    Board *b = board_create_from_data("[board]\nname=w\ncpu=rv64\nram-base=0x80000000\n"
                                      "ram-size=1M\n[device clint]\nclass=clint\n"
                                      "base=0x2000000\n", "w", &opts, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    dt.board = b;
    dt.serial = chr;
    uint64_t mtip = 1u << BOARD_RV_IRQ_MTIP, msip = 1u << BOARD_RV_IRQ_MSIP;
    /* Nothing pending: the limit ends the wait. */
    uint64_t t0 = dev_clock_now(&b->clock);
    ck_assert(!board_wfi(b, 0, mtip | msip, t0 + 2000000));
    ck_assert_uint_ge(dev_clock_now(&b->clock), t0 + 2000000);
    /* The CLINT deadline 1 ms ahead wakes it: the device timer runs inside the wait. */
    uint64_t mtime;
    ck_assert_int_eq(mem_as_load(&b->mem, 0x200bff8, 8, &mtime), MEM_OK);
    ck_assert_int_eq(mem_as_store(&b->mem, 0x2004000, 8, mtime + 10000), MEM_OK);
    ck_assert(board_wfi(b, 0, mtip, DEV_CLOCK_NEVER));
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MTIP));
    ck_assert_int_eq(mem_as_store(&b->mem, 0x2004000, 8, UINT64_MAX), MEM_OK);
    /* Another thread's store to msip wakes it. */
    gint done = 0;
    GThread *t = g_thread_new("ipi", raise_msip, &done);
    ck_assert(board_wfi(b, 0, msip, DEV_CLOCK_NEVER));
    ck_assert(g_atomic_int_get(&done));
    g_thread_join(t);
    /* Masked inputs do not wake it. */
    ck_assert(!board_wfi(b, 0, mtip, dev_clock_now(&b->clock) + 1000000));
}
END_TEST

Suite *devices_misc_suite(void)
{
    Suite *s = suite_create("devices_misc");
    TCase *tc = tcase_create("small_devices");
    tcase_add_checked_fixture(tc, misc_setup, devtest_free);
    tcase_add_test(tc, test_finisher_pass);
    tcase_add_test(tc, test_finisher_fail_and_reset);
    tcase_add_test(tc, test_rtc_time);
    tcase_add_test(tc, test_rtc_alarm_irq);
    tcase_add_test(tc, test_htif_console_and_exit);
    tcase_add_test(tc, test_htif_getchar);
    tcase_add_test(tc, test_htif_missing_symbol);
    tcase_add_test(tc, test_wfi);
    suite_add_tcase(s, tc);
    TCase *clk = tcase_create("clock");
    tcase_add_test(clk, test_clock_deadlines);
    tcase_add_test(clk, test_clock_real_time_wait_and_kick);
    suite_add_tcase(s, clk);
    return s;
}
