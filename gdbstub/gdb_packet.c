/*
 * Packet framing for the GDB remote protocol (see gdb_packet.h).  The receiver is a
 * byte-at-a-time state machine so that a transport can feed whatever read() returned and
 * so that a unit test can feed it anything at all.
 */
#include "gdbstub/gdb_packet.h"

enum { RX_IDLE, RX_DATA, RX_SUM };

void gdb_rx_init(GdbRx *rx)
{
    *rx = (GdbRx){ .state = RX_IDLE, .payload = g_string_sized_new(256) };
}

void gdb_rx_free(GdbRx *rx)
{
    if (rx->payload != NULL) {
        g_string_free(rx->payload, TRUE);
        rx->payload = NULL;
    }
}

int gdb_hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

GdbRxEvent gdb_rx_feed(GdbRx *rx, uint8_t byte)
{
    switch (rx->state) {
    case RX_IDLE:
        if (byte == '$') {
            g_string_truncate(rx->payload, 0);
            rx->sum = 0;
            rx->escape = false;
            rx->overflow = false;
            rx->state = RX_DATA;
        } else if (byte == 0x03) {
            return GDB_RX_INTERRUPT;
        } else if (byte == '+') {
            return GDB_RX_ACK;
        } else if (byte == '-') {
            return GDB_RX_NACK;
        }
        /* Anything else between packets is noise: ignore it. */
        return GDB_RX_NONE;
    case RX_DATA:
        if (byte == '#') {
            rx->state = RX_SUM;
            rx->ndigits = 0;
            rx->want = 0;
            return GDB_RX_NONE;
        }
        if (byte == '$') {
            /* A new packet start inside one: gdb gave up on the old one. */
            g_string_truncate(rx->payload, 0);
            rx->sum = 0;
            rx->escape = false;
            rx->overflow = false;
            return GDB_RX_NONE;
        }
        rx->sum += byte;
        if (rx->payload->len >= GDB_MAX_PACKET) {
            rx->overflow = true;
            return GDB_RX_NONE;
        }
        if (rx->escape) {
            g_string_append_c(rx->payload, (char)(byte ^ 0x20));
            rx->escape = false;
        } else if (byte == '}') {
            rx->escape = true;
        } else {
            g_string_append_c(rx->payload, (char)byte);
        }
        return GDB_RX_NONE;
    case RX_SUM: {
        int d = gdb_hex_digit((char)byte);
        rx->want = (uint8_t)(rx->want << 4 | (d < 0 ? 0 : d));
        if (d < 0) {
            rx->overflow = true;        /* a bad checksum digit spoils the packet */
        }
        if (++rx->ndigits < 2) {
            return GDB_RX_NONE;
        }
        rx->state = RX_IDLE;
        if (rx->overflow || rx->escape || rx->want != rx->sum) {
            return GDB_RX_BAD_CHECKSUM;
        }
        return GDB_RX_PACKET;
    }
    }
    rx->state = RX_IDLE;
    return GDB_RX_NONE;
}

void gdb_frame(GString *out, const char *payload, size_t len)
{
    uint8_t sum = 0;

    g_string_append_c(out, '$');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)payload[i];
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            g_string_append_c(out, '}');
            sum += '}';
            c ^= 0x20;
        }
        g_string_append_c(out, (char)c);
        sum += c;
    }
    g_string_append_printf(out, "#%02x", sum);
}

bool gdb_hex_decode(const char *hex, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = gdb_hex_digit(hex[2 * i]);
        int lo = hi < 0 ? -1 : gdb_hex_digit(hex[2 * i + 1]);
        if (lo < 0) {
            return false;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

void gdb_hex_encode(GString *out, const uint8_t *data, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        g_string_append_c(out, digits[data[i] >> 4]);
        g_string_append_c(out, digits[data[i] & 15]);
    }
}

bool gdb_parse_hex(const char **p, uint64_t *value)
{
    const char *s = *p;
    uint64_t v = 0;
    int d, n = 0;

    while ((d = gdb_hex_digit(*s)) >= 0) {
        if (n++ >= 16) {
            return false;
        }
        v = v << 4 | (uint64_t)d;
        s++;
    }
    if (n == 0) {
        return false;
    }
    *p = s;
    *value = v;
    return true;
}

void gdb_escape_binary(GString *out, const uint8_t *data, size_t n)
{
    /* gdb_frame() escapes the framing characters; the payload carries the bytes as they are. */
    g_string_append_len(out, (const char *)data, (gssize)n);
}
