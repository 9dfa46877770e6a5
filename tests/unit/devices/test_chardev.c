/*
 * Character backends: the buffer backend and the QEMU escape keys (Ctrl-A X quits,
 * Ctrl-A H prints help, Ctrl-A Ctrl-A sends one Ctrl-A; QEMU's "-nographic" mux).
 */
#include <check.h>
#include <string.h>

#include "platform/devices/chardev.h"

static unsigned quits, rx_calls;

static void on_quit(void *opaque)
{
    quits++;
}

static void on_rx(void *opaque)
{
    rx_calls++;
}

START_TEST(test_buffer_output)
{
    Chardev *chr = chardev_new_buffer(false);
    chardev_write(chr, (const uint8_t *)"ab", 2);
    chardev_write(chr, (const uint8_t *)"c", 1);
    size_t len;
    g_autofree char *out = chardev_buffer_output(chr, &len);
    ck_assert_str_eq(out, "abc");
    ck_assert_uint_eq(len, 3);
    chardev_buffer_clear(chr);
    g_autofree char *empty = chardev_buffer_output(chr, NULL);
    ck_assert_str_eq(empty, "");
    chardev_free(chr);
}
END_TEST

START_TEST(test_input_queue)
{
    Chardev *chr = chardev_new_buffer(false);
    rx_calls = 0;
    chardev_set_rx_handler(chr, on_rx, NULL);
    chardev_input(chr, (const uint8_t *)"xy\x01z", 4);  /* no escapes: Ctrl-A is data */
    ck_assert_uint_eq(rx_calls, 1);
    ck_assert_uint_eq(chardev_rx_avail(chr), 4);
    uint8_t buf[8];
    ck_assert_uint_eq(chardev_read(chr, buf, 2), 2);
    ck_assert_mem_eq(buf, "xy", 2);
    ck_assert_uint_eq(chardev_read(chr, buf, 8), 2);
    ck_assert_mem_eq(buf, "\x01z", 2);
    ck_assert_uint_eq(chardev_read(chr, buf, 8), 0);
    chardev_free(chr);
}
END_TEST

START_TEST(test_escapes)
{
    Chardev *chr = chardev_new_buffer(true);
    quits = 0;
    chardev_set_quit_handler(chr, on_quit, NULL);
    chardev_input(chr, (const uint8_t *)"a\x01\x01" "b", 4);     /* C-a C-a = one C-a */
    uint8_t buf[8];
    ck_assert_uint_eq(chardev_read(chr, buf, 8), 3);
    ck_assert_mem_eq(buf, "a\x01" "b", 3);
    chardev_input(chr, (const uint8_t *)"\x01", 1);              /* split across reads */
    chardev_input(chr, (const uint8_t *)"h", 1);
    g_autofree char *help = chardev_buffer_output(chr, NULL);
    ck_assert_ptr_nonnull(strstr(help, "C-a x    exit emulator"));
    ck_assert_uint_eq(chardev_rx_avail(chr), 0);
    ck_assert_uint_eq(quits, 0);
    chardev_input(chr, (const uint8_t *)"\x01x", 2);
    ck_assert_uint_eq(quits, 1);
    chardev_free(chr);
}
END_TEST

Suite *devices_chardev_suite(void)
{
    Suite *s = suite_create("devices_chardev");
    TCase *tc = tcase_create("chardev");
    tcase_add_test(tc, test_buffer_output);
    tcase_add_test(tc, test_input_queue);
    tcase_add_test(tc, test_escapes);
    suite_add_tcase(s, tc);
    return s;
}
