/*
 * Packet framing: checksums worked out by hand (sum of the bytes modulo 256), escapes,
 * interrupts, and garbage that must never produce a packet.
 */
#include <check.h>
#include <string.h>

#include "gdbstub/gdb_packet.h"

/* Feed a string; returns the last event that was not NONE. */
static GdbRxEvent feed(GdbRx *rx, const char *s, size_t n)
{
    GdbRxEvent last = GDB_RX_NONE;
    for (size_t i = 0; i < n; i++) {
        GdbRxEvent e = gdb_rx_feed(rx, (uint8_t)s[i]);
        if (e != GDB_RX_NONE) {
            last = e;
        }
    }
    return last;
}

START_TEST(test_good_packet)
{
    GdbRx rx;
    gdb_rx_init(&rx);
    /* 'g' = 0x67: checksum 67. */
    ck_assert_int_eq(feed(&rx, "$g#67", 5), GDB_RX_PACKET);
    ck_assert_int_eq(rx.payload->len, 1);
    ck_assert_int_eq(rx.payload->str[0], 'g');
    /* "m0,4": 0x6d + 0x30 + 0x2c + 0x34 = 0xfd. */
    ck_assert_int_eq(feed(&rx, "+$m0,4#fd", 9), GDB_RX_PACKET);
    ck_assert_str_eq(rx.payload->str, "m0,4");
    gdb_rx_free(&rx);
}
END_TEST

START_TEST(test_bad_checksum_and_noise)
{
    GdbRx rx;
    gdb_rx_init(&rx);
    ck_assert_int_eq(feed(&rx, "$g#68", 5), GDB_RX_BAD_CHECKSUM);
    ck_assert_int_eq(feed(&rx, "$g#zz", 5), GDB_RX_BAD_CHECKSUM);
    ck_assert_int_eq(feed(&rx, "xyz#12", 6), GDB_RX_NONE);    /* not inside a packet */
    ck_assert_int_eq(feed(&rx, "\x03", 1), GDB_RX_INTERRUPT);
    ck_assert_int_eq(feed(&rx, "-", 1), GDB_RX_NACK);
    /* A '$' inside a packet restarts it: only "g" counts. */
    ck_assert_int_eq(feed(&rx, "$abc$g#67", 9), GDB_RX_PACKET);
    ck_assert_str_eq(rx.payload->str, "g");
    gdb_rx_free(&rx);
}
END_TEST

START_TEST(test_overlong_packet_dropped)
{
    GdbRx rx;
    gdb_rx_init(&rx);
    GString *s = g_string_new("$");
    uint8_t sum = 0;
    for (int i = 0; i < GDB_MAX_PACKET + 100; i++) {
        g_string_append_c(s, 'a');
        sum += 'a';
    }
    g_string_append_printf(s, "#%02x", sum);
    ck_assert_int_eq(feed(&rx, s->str, s->len), GDB_RX_BAD_CHECKSUM);
    ck_assert_int_le(rx.payload->len, GDB_MAX_PACKET);
    g_string_free(s, TRUE);
    gdb_rx_free(&rx);
}
END_TEST

START_TEST(test_escapes_round_trip)
{
    const char payload[] = { 'X', '#', '$', '}', '*', 0, 'z' };
    GString *f = g_string_new(NULL);
    GdbRx rx;

    gdb_frame(f, payload, sizeof(payload));
    /* '#', '$', '}' and '*' each become '}' + (byte ^ 0x20). */
    ck_assert_mem_eq(f->str, "$X}\x03}\x04}]}\x0a\0z#", 13);
    gdb_rx_init(&rx);
    ck_assert_int_eq(feed(&rx, f->str, f->len), GDB_RX_PACKET);
    ck_assert_int_eq(rx.payload->len, sizeof(payload));
    ck_assert_mem_eq(rx.payload->str, payload, sizeof(payload));
    gdb_rx_free(&rx);
    g_string_free(f, TRUE);
}
END_TEST

START_TEST(test_hex)
{
    const char *p = "1f2a,";
    uint64_t v;
    uint8_t b[2];
    ck_assert(gdb_parse_hex(&p, &v));
    ck_assert_uint_eq(v, 0x1f2a);
    ck_assert_int_eq(*p, ',');
    p = "xyz";
    ck_assert(!gdb_parse_hex(&p, &v));
    p = "11112222333344445";        /* 17 digits: more than 64 bits */
    ck_assert(!gdb_parse_hex(&p, &v));
    ck_assert(gdb_hex_decode("a0FF", 2, b));
    ck_assert_uint_eq(b[0], 0xa0);
    ck_assert_uint_eq(b[1], 0xff);
    ck_assert(!gdb_hex_decode("g0", 1, b));
}
END_TEST

Suite *gdbstub_packet_suite(void)
{
    Suite *s = suite_create("gdbstub_packet");
    TCase *tc = tcase_create("framing");
    tcase_add_test(tc, test_good_packet);
    tcase_add_test(tc, test_bad_checksum_and_noise);
    tcase_add_test(tc, test_overlong_packet_dropped);
    tcase_add_test(tc, test_escapes_round_trip);
    tcase_add_test(tc, test_hex);
    suite_add_tcase(s, tc);
    return s;
}
