/*
 * GDB remote serial protocol framing: "$payload#cs" packets with a modulo-256 checksum,
 * '}' escapes (byte ^ 0x20) for binary data, '+'/'-' acknowledgements and the bare 0x03
 * that asks a running target to stop.  Also the hex helpers every command needs.
 */
#ifndef MIMIC_GDB_PACKET_H
#define MIMIC_GDB_PACKET_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum GdbRxEvent {
    GDB_RX_NONE,                /* need more bytes */
    GDB_RX_PACKET,              /* a whole packet with a good checksum: GdbRx.payload */
    GDB_RX_BAD_CHECKSUM,        /* a whole packet whose checksum is wrong (answer '-') */
    GDB_RX_INTERRUPT,           /* 0x03 outside a packet */
    GDB_RX_ACK,
    GDB_RX_NACK,
} GdbRxEvent;

/* Largest payload we accept; longer packets are dropped as bad (PacketSize tells gdb). */
#define GDB_MAX_PACKET 0x4000

typedef struct GdbRx {
    int state;
    GString *payload;           /* unescaped bytes of the packet being read (may hold NULs) */
    uint8_t sum;                /* running checksum of the raw bytes */
    uint8_t want;               /* checksum digits read so far */
    int ndigits;
    bool escape;
    bool overflow;
} GdbRx;

void gdb_rx_init(GdbRx *rx);
void gdb_rx_free(GdbRx *rx);
/* Feed one byte; a returned GDB_RX_PACKET stays valid until the next call. */
GdbRxEvent gdb_rx_feed(GdbRx *rx, uint8_t byte);

/* Append "$<escaped payload>#cs" to out. */
void gdb_frame(GString *out, const char *payload, size_t len);

int gdb_hex_digit(char c);                  /* 0..15, or -1 */
/* Decode 2*n hex digits into n bytes; false on a bad digit. */
bool gdb_hex_decode(const char *hex, size_t n, uint8_t *out);
void gdb_hex_encode(GString *out, const uint8_t *data, size_t n);
/* Parse a hex number from *p, advancing it; false if no digit (or overflow). */
bool gdb_parse_hex(const char **p, uint64_t *value);
/* Binary data in a reply: '#', '$', '}' and '*' escaped. */
void gdb_escape_binary(GString *out, const uint8_t *data, size_t n);

#endif
