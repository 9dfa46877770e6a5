/*
 * lzcomp.c - a real-world style workload: LZSS compression with hash chains (window 32 KiB,
 * matches 3..258 bytes), its decompressor, CRC-32 and Adler-32, over 256 KiB of generated text
 * and over incompressible bytes. Checks the round trip, the standard CRC-32 check value
 * (CRC of "123456789" = 0xcbf43926) and Adler-32 of "Wikipedia" (0x11e60398); compressed
 * sizes and checksums of the generated data were computed by a native x86-64 run.
 */
#include "guest_check.h"

#define WINDOW 32768
#define MIN_MATCH 3
#define MAX_MATCH 258
#define HASH_BITS 15
#define MAX_CHAIN 64

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    }
    return c ^ 0xffffffffu;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return b << 16 | a;
}

static uint32_t hash3(const uint8_t *p)
{
    return ((uint32_t)p[0] << 10 ^ (uint32_t)p[1] << 5 ^ p[2]) & ((1 << HASH_BITS) - 1);
}

/* Output: groups of 8 items behind a flag byte; literal = 1 byte, match = 3 bytes
 * (length - 3, then a 16-bit distance - 1). */
static size_t compress(const uint8_t *in, size_t n, uint8_t *out)
{
    static int32_t head[1 << HASH_BITS];
    static int32_t prev[WINDOW];
    size_t o = 0, i = 0;
    memset(head, -1, sizeof(head));
    while (i < n) {
        size_t flag_pos = o++;
        uint8_t flags = 0;
        for (int item = 0; item < 8 && i < n; item++) {
            size_t best_len = 0, best_dist = 0;
            if (i + MIN_MATCH <= n) {
                uint32_t h = hash3(in + i);
                int32_t cand = head[h];
                for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; chain++) {
                    size_t dist = i - (size_t)cand;
                    if (dist > WINDOW - 1) {
                        break;
                    }
                    size_t len = 0, max = n - i < MAX_MATCH ? n - i : MAX_MATCH;
                    while (len < max && in[cand + len] == in[i + len]) {
                        len++;
                    }
                    if (len > best_len) {
                        best_len = len;
                        best_dist = dist;
                    }
                    cand = prev[cand % WINDOW];
                }
            }
            size_t advance = best_len >= MIN_MATCH ? best_len : 1;
            if (best_len >= MIN_MATCH) {
                flags |= (uint8_t)(1 << item);
                out[o++] = (uint8_t)(best_len - MIN_MATCH);
                out[o++] = (uint8_t)((best_dist - 1) & 0xff);
                out[o++] = (uint8_t)((best_dist - 1) >> 8);
            } else {
                out[o++] = in[i];
            }
            for (size_t k = 0; k < advance; k++, i++) {
                if (i + MIN_MATCH <= n) {
                    uint32_t h = hash3(in + i);
                    prev[i % WINDOW] = head[h];
                    head[h] = (int32_t)i;
                }
            }
        }
        out[flag_pos] = flags;
    }
    return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t flags = in[i++];
        for (int item = 0; item < 8 && i < n; item++) {
            if (flags & (1 << item)) {
                size_t len = (size_t)in[i] + MIN_MATCH;
                size_t dist = ((size_t)in[i + 1] | (size_t)in[i + 2] << 8) + 1;
                i += 3;
                for (size_t k = 0; k < len; k++, o++) {
                    out[o] = out[o - dist];       /* overlapping copies are intended */
                }
            } else {
                out[o++] = in[i++];
            }
        }
    }
    return o;
}

static void make_text(uint8_t *buf, size_t n)
{
    static const char *words[] = {
        "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "translation", "block",
        "register", "guest", "host", "cache", "memory", "instruction", "branch", "a", "of", "and",
    };
    uint64_t x = 88172645463325252ull;
    size_t o = 0;
    while (o < n) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const char *w = words[(x >> 3) % 20];
        while (*w && o < n) {
            buf[o++] = (uint8_t)*w++;
        }
        if (o < n) {
            buf[o++] = (x & 0xf) == 0 ? '\n' : ' ';
        }
    }
}

static void run_case(const char *name, const uint8_t *in, size_t n, size_t want_size, uint32_t want_crc)
{
    uint8_t *packed = malloc(n + n / 8 + 16);
    uint8_t *unpacked = malloc(n + MAX_MATCH);
    gc_group(name);
    size_t psize = compress(in, n, packed);
    size_t usize = decompress(packed, psize, unpacked);
    CHECK_EQ(usize, n);
    CHECK(memcmp(in, unpacked, n) == 0);
    uint32_t crc = crc32(in, n);
    printf("  %zu -> %zu bytes, crc32 %08x, adler32 %08x\n", n, psize, crc, adler32(in, n));
    CHECK_EQ(psize, want_size);
    CHECK_EQ(crc, want_crc);
    CHECK_EQ(crc32(unpacked, usize), crc);
    free(packed);
    free(unpacked);
}

int main(void)
{
    crc_init();
    gc_group("check_values");
    CHECK_EQ(crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
    CHECK_EQ(crc32((const uint8_t *)"", 0), 0);
    CHECK_EQ(adler32((const uint8_t *)"Wikipedia", 9), 0x11e60398u);

    size_t n = 256 << 10;
    uint8_t *text = malloc(n);
    make_text(text, n);
    run_case("text", text, n, 67847, 0x58e8c535u);

    uint64_t x = 0x123456789abcdefull;
    for (size_t i = 0; i < n / 4; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        text[i] = (uint8_t)(x >> 56);
    }
    run_case("random", text, n / 4, 73703, 0x60eaddb2u);

    memset(text, 'z', 100000);
    run_case("runs", text, 100000, 1214, 0xffe19724u);
    free(text);
    return gc_finish();
}
