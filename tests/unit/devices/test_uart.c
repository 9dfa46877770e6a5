/*
 * 16550 UART through the address space. Expected values: PC16550D datasheet (register
 * reset values table 5, IIR priorities table 4, LSR bits 8.6.3) and what QEMU shows
 * firmware (LSR 0x60 idle, MSR 0xb0: /work/shared/guests/logs/rv64-linux-mmio.txt).
 */
#include <string.h>

#include "devtest.h"

#define UART 0x10000000
#define RBR (UART + 0)
#define THR (UART + 0)
#define DLL (UART + 0)
#define IER (UART + 1)
#define DLM (UART + 1)
#define IIR (UART + 2)
#define FCR (UART + 2)
#define LCR (UART + 3)
#define MCR (UART + 4)
#define LSR (UART + 5)
#define MSR (UART + 6)
#define SCR (UART + 7)

static void uart_setup(void)
{
    devtest_board("[device uart0]\nclass=ns16550a\nbase=0x10000000\nsize=0x100\nirq=plic:10\n",
                  1);
}

static bool plic_pending(unsigned id)
{
    return (devtest_ld(0xc001000 + 4 * (id / 32), 4) >> (id % 32)) & 1;
}

START_TEST(test_reset_values)
{
    ck_assert_uint_eq(devtest_ld(IER, 1), 0);
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0x01);       /* no interrupt pending */
    ck_assert_uint_eq(devtest_ld(LCR, 1), 0);
    ck_assert_uint_eq(devtest_ld(MCR, 1), 0);
    ck_assert_uint_eq(devtest_ld(LSR, 1), 0x60);       /* THRE | TEMT */
    ck_assert_uint_eq(devtest_ld(MSR, 1), 0xb0);       /* DCD | DSR | CTS */
    ck_assert_uint_eq(devtest_ld(0x10000010, 1), 0);   /* beyond the registers */
}
END_TEST

START_TEST(test_thr_reaches_backend)
{
    const char *msg = "OpenSBI\r\n";
    for (const char *p = msg; *p; p++) {
        ck_assert(devtest_ld(LSR, 1) & 0x20);
        devtest_st(THR, 1, (uint8_t)*p);
    }
    g_autofree char *out = chardev_buffer_output(dt.serial, NULL);
    ck_assert_str_eq(out, msg);
}
END_TEST

START_TEST(test_divisor_latch)
{
    devtest_st(LCR, 1, 0x83);                   /* DLAB, 8N1 */
    devtest_st(DLL, 1, 0x02);
    devtest_st(DLM, 1, 0x01);
    ck_assert_uint_eq(devtest_ld(DLL, 1), 0x02);
    ck_assert_uint_eq(devtest_ld(DLM, 1), 0x01);
    devtest_st(LCR, 1, 0x03);
    ck_assert_uint_eq(devtest_ld(LCR, 1), 0x03);
    ck_assert_uint_eq(devtest_ld(IER, 1), 0);   /* IER again, untouched by DLM */
    devtest_st(THR, 1, 'x');                    /* THR again, not DLL */
    g_autofree char *out = chardev_buffer_output(dt.serial, NULL);
    ck_assert_str_eq(out, "x");
    devtest_st(LCR, 1, 0x80);
    ck_assert_uint_eq(devtest_ld(DLL, 1), 0x02);
}
END_TEST

START_TEST(test_rx_interrupt)
{
    /* Route source 10 to hart 0's M context, as Linux/OpenSBI do. */
    devtest_st(0xc000000 + 4 * 10, 4, 1);
    devtest_st(0xc002000, 4, 1u << 10);
    devtest_st(IER, 1, 0x01);                   /* ERBFI */
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0x01);
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    chardev_input(dt.serial, (const uint8_t *)"ab", 2);
    ck_assert_uint_eq(devtest_ld(LSR, 1) & 0x01, 0x01);
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0x04);       /* received data available */
    ck_assert(plic_pending(10));
    ck_assert(devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
    ck_assert_uint_eq(devtest_ld(0xc200004, 4), 10);   /* claim */
    ck_assert_uint_eq(devtest_ld(RBR, 1), 'a');
    ck_assert_uint_eq(devtest_ld(RBR, 1), 'b');        /* pulled in after 'a' left */
    ck_assert_uint_eq(devtest_ld(LSR, 1) & 0x01, 0);
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0x01);
    devtest_st(0xc200004, 4, 10);                      /* complete: line low now */
    ck_assert(!plic_pending(10));
    ck_assert(!devtest_cpu_line(0, BOARD_RV_IRQ_MEIP));
}
END_TEST

START_TEST(test_fifo_trigger_and_timeout)
{
    devtest_st(FCR, 1, 0xc7);                   /* enable, clear both, trigger 14 */
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0xc1);       /* FIFOs enabled, no interrupt */
    devtest_st(IER, 1, 0x01);
    chardev_input(dt.serial, (const uint8_t *)"hello", 5);
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0xc1);       /* below the trigger level */
    /* Four character times at divisor 1 (10 bits * 16 / 3.6864 MHz each) later: */
    dev_clock_advance(&dt.board->clock, 200000);
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0xcc);       /* character timeout */
    char got[6] = { 0 };
    for (unsigned i = 0; i < 5; i++) {
        got[i] = (char)devtest_ld(RBR, 1);
    }
    ck_assert_str_eq(got, "hello");
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0xc1);
    /* 14 bytes reach the trigger at once; the FIFO holds 16, the rest waits. */
    chardev_input(dt.serial, (const uint8_t *)"0123456789abcdefXY", 18);
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0xc4);
    for (unsigned i = 0; i < 18; i++) {
        ck_assert_uint_eq(devtest_ld(RBR, 1), (uint8_t)"0123456789abcdefXY"[i]);
    }
    ck_assert_uint_eq(devtest_ld(LSR, 1) & 0x01, 0);
}
END_TEST

START_TEST(test_thre_interrupt)
{
    devtest_st(IER, 1, 0x02);                   /* ETBEI with THR empty: at once */
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0x02);
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0x01);       /* reading IIR cleared it */
    devtest_st(THR, 1, 'z');
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0x02);       /* sent: empty again */
    devtest_st(IER, 1, 0x00);
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0x01);
}
END_TEST

START_TEST(test_loopback_and_line_status)
{
    devtest_st(MCR, 1, 0x1f);                   /* loop with DTR RTS OUT1 OUT2 */
    ck_assert_uint_eq(devtest_ld(MSR, 1) & 0xf0, 0xf0);
    devtest_st(MCR, 1, 0x10);
    ck_assert_uint_eq(devtest_ld(MSR, 1) & 0xf0, 0x00);
    devtest_st(THR, 1, 'q');
    g_autofree char *out = chardev_buffer_output(dt.serial, NULL);
    ck_assert_str_eq(out, "");                  /* looped, not sent */
    ck_assert_uint_eq(devtest_ld(LSR, 1) & 0x01, 0x01);
    devtest_st(THR, 1, 'r');                    /* no FIFO: overrun */
    devtest_st(IER, 1, 0x04);                   /* ELSI */
    ck_assert_uint_eq(devtest_ld(IIR, 1), 0x06);       /* receiver line status first */
    ck_assert_uint_eq(devtest_ld(LSR, 1) & 0x03, 0x03);
    ck_assert_uint_eq(devtest_ld(LSR, 1) & 0x02, 0);  /* OE cleared by reading LSR */
    ck_assert_uint_eq(devtest_ld(RBR, 1), 'q');
}
END_TEST

START_TEST(test_scratch)
{
    devtest_st(SCR, 1, 0x5a);
    ck_assert_uint_eq(devtest_ld(SCR, 1), 0x5a);
    devtest_st(LSR, 1, 0x00);                   /* read-only */
    ck_assert_uint_eq(devtest_ld(LSR, 1), 0x60);
}
END_TEST

Suite *devices_uart_suite(void)
{
    Suite *s = suite_create("devices_uart");
    TCase *tc = tcase_create("ns16550a");
    tcase_add_checked_fixture(tc, uart_setup, devtest_free);
    tcase_add_test(tc, test_reset_values);
    tcase_add_test(tc, test_thr_reaches_backend);
    tcase_add_test(tc, test_divisor_latch);
    tcase_add_test(tc, test_rx_interrupt);
    tcase_add_test(tc, test_fifo_trigger_and_timeout);
    tcase_add_test(tc, test_thre_interrupt);
    tcase_add_test(tc, test_loopback_and_line_status);
    tcase_add_test(tc, test_scratch);
    suite_add_tcase(s, tc);
    return s;
}
