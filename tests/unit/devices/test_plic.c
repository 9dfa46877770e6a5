/*
 * PLIC through the address space. Expected behaviour: RISC-V PLIC specification 1.0.0
 * (priorities ch. 4, gateways ch. 5, notification ch. 6, claim ch. 8, completion
 * ch. 9) and QEMU virt's map (priority 0x0, pending 0x1000, enable 0x2000 + 0x80*ctx,
 * threshold 0x200000 + 0x1000*ctx, claim +4).
 */
#include "devtest.h"

#define PLIC 0xc000000
#define PRIO(id) (PLIC + 4 * (id))
#define PENDING(w) (PLIC + 0x1000 + 4 * (w))
#define ENABLE(ctx, w) (PLIC + 0x2000 + 0x80 * (ctx) + 4 * (w))
#define THRESHOLD(ctx) (PLIC + 0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (PLIC + 0x200004 + 0x1000 * (ctx))

static void plic_setup(void)
{
    devtest_board("", 2);
}

static void source(unsigned id, bool level)
{
    Device *plic = board_find_device(dt.board, "plic");
    IrqLine line;
    ck_assert(plic->cls->irq_input(plic, id, &line, NULL));
    dev_irq_set(&line, level);
}

START_TEST(test_priority_registers)
{
    devtest_st(PRIO(1), 4, 7);
    ck_assert_uint_eq(devtest_ld(PRIO(1), 4), 7);
    devtest_st(PRIO(2), 4, 0xff);               /* 3 priority bits (QEMU virt) */
    ck_assert_uint_eq(devtest_ld(PRIO(2), 4), 7);
    devtest_st(PRIO(0), 4, 5);                  /* source 0 does not exist */
    ck_assert_uint_eq(devtest_ld(PRIO(0), 4), 0);
    devtest_st(PRIO(96), 4, 3);                 /* last of 96 sources */
    ck_assert_uint_eq(devtest_ld(PRIO(96), 4), 3);
    ck_assert_uint_eq(devtest_ld(PRIO(97), 4), 0);
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&dt.board->mem, PRIO(1), 1, &v), MEM_ERR_SIZE);
    ck_assert_int_eq(mem_as_load(&dt.board->mem, PRIO(1), 8, &v), MEM_ERR_SIZE);
}
END_TEST

START_TEST(test_enable_bits)
{
    devtest_st(ENABLE(0, 0), 4, 0xffffffff);
    ck_assert_uint_eq(devtest_ld(ENABLE(0, 0), 4), 0xfffffffe);   /* no id 0 */
    devtest_st(ENABLE(0, 3), 4, 0xffffffff);
    ck_assert_uint_eq(devtest_ld(ENABLE(0, 3), 4), 0x1);          /* only id 96 */
    ck_assert_uint_eq(devtest_ld(ENABLE(1, 0), 4), 0);
    ck_assert_uint_eq(devtest_ld(ENABLE(4, 0), 4), 0);   /* 2 harts = 4 contexts */
}
END_TEST

START_TEST(test_claim_complete_level)
{
    devtest_st(PRIO(10), 4, 1);
    devtest_st(ENABLE(0, 0), 4, 1u << 10);
    source(10, true);
    ck_assert_uint_eq(devtest_ld(PENDING(0), 4), 1u << 10);
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_SEIP));
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 10);
    ck_assert_uint_eq(devtest_ld(PENDING(0), 4), 0);       /* claim clears pending */
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 0);         /* nothing else */
    /* Still high at completion: the gateway forwards it again. */
    devtest_st(CLAIM(0), 4, 10);
    ck_assert_uint_eq(devtest_ld(PENDING(0), 4), 1u << 10);
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 10);
    source(10, false);
    devtest_st(CLAIM(0), 4, 10);
    ck_assert_uint_eq(devtest_ld(PENDING(0), 4), 0);
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
}
END_TEST

START_TEST(test_gateway_holds_while_in_service)
{
    devtest_st(PRIO(5), 4, 1);
    devtest_st(ENABLE(0, 0), 4, 1u << 5);
    source(5, true);
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 5);
    source(5, false);
    source(5, true);                            /* toggles while claimed: not pending */
    ck_assert_uint_eq(devtest_ld(PENDING(0), 4), 0);
    devtest_st(CLAIM(0), 4, 5);
    ck_assert_uint_eq(devtest_ld(PENDING(0), 4), 1u << 5);
}
END_TEST

START_TEST(test_priority_order_and_ties)
{
    devtest_st(ENABLE(0, 0), 4, (1u << 3) | (1u << 4) | (1u << 7));
    devtest_st(PRIO(3), 4, 2);
    devtest_st(PRIO(4), 4, 6);
    devtest_st(PRIO(7), 4, 6);
    source(3, true);
    source(4, true);
    source(7, true);
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 4);     /* highest, lowest id of the tie */
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 7);
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 3);
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 0);
}
END_TEST

START_TEST(test_threshold_and_priority_zero)
{
    devtest_st(ENABLE(0, 0), 4, 1u << 9);
    devtest_st(PRIO(9), 4, 0);                  /* priority 0: never */
    source(9, true);
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 0);
    devtest_st(PRIO(9), 4, 3);
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    devtest_st(THRESHOLD(0), 4, 3);             /* must exceed the threshold */
    ck_assert_uint_eq(devtest_ld(THRESHOLD(0), 4), 3);
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    devtest_st(THRESHOLD(0), 4, 2);
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
}
END_TEST

START_TEST(test_contexts_per_hart)
{
    /* ctx 1 = hart 0 S-mode, ctx 3 = hart 1 S-mode. */
    devtest_st(PRIO(1), 4, 1);
    devtest_st(ENABLE(3, 0), 4, 1u << 1);
    source(1, true);
    ck_assert(devtest_cpu_line(1, BOARD_RV_IRQ_SEIP));
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_SEIP));
    ck_assert(!devtest_cpu_line(1, BOARD_RV_IRQ_MEIP));
    ck_assert_uint_eq(devtest_ld(CLAIM(1), 4), 0);     /* not enabled for hart 0's S */
    ck_assert_uint_eq(devtest_ld(CLAIM(3), 4), 1);
}
END_TEST

START_TEST(test_complete_needs_enable)
{
    devtest_st(PRIO(2), 4, 1);
    devtest_st(ENABLE(0, 0), 4, 1u << 2);
    source(2, true);
    ck_assert_uint_eq(devtest_ld(CLAIM(0), 4), 2);
    devtest_st(ENABLE(0, 0), 4, 0);
    devtest_st(CLAIM(0), 4, 2);                 /* not enabled here: ignored */
    devtest_st(ENABLE(0, 0), 4, 1u << 2);
    ck_assert_uint_eq(devtest_ld(PENDING(0), 4), 0);  /* still in service */
    devtest_st(CLAIM(0), 4, 2);
    ck_assert_uint_eq(devtest_ld(PENDING(0), 4), 1u << 2);
}
END_TEST

START_TEST(test_bad_input_number)
{
    Device *plic = board_find_device(dt.board, "plic");
    IrqLine line;
    GError *err = NULL;
    ck_assert(!plic->cls->irq_input(plic, 0, &line, &err));
    g_clear_error(&err);
    ck_assert(!plic->cls->irq_input(plic, 97, &line, &err));
    ck_assert_int_eq(err->code, DEV_ERROR_IRQ);
    g_clear_error(&err);
}
END_TEST

Suite *devices_plic_suite(void)
{
    Suite *s = suite_create("devices_plic");
    TCase *tc = tcase_create("plic");
    tcase_add_checked_fixture(tc, plic_setup, devtest_free);
    tcase_add_test(tc, test_priority_registers);
    tcase_add_test(tc, test_enable_bits);
    tcase_add_test(tc, test_claim_complete_level);
    tcase_add_test(tc, test_gateway_holds_while_in_service);
    tcase_add_test(tc, test_priority_order_and_ties);
    tcase_add_test(tc, test_threshold_and_priority_zero);
    tcase_add_test(tc, test_contexts_per_hart);
    tcase_add_test(tc, test_complete_needs_enable);
    tcase_add_test(tc, test_bad_input_number);
    suite_add_tcase(s, tc);
    return s;
}
