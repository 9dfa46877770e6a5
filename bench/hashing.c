/*
 * hashing.c - byte- and word-oriented hashing over a 16 MiB buffer: FNV-1a (byte loop,
 * 64-bit multiply), MurmurHash3's 64-bit finalizer over words, a table-driven CRC-32 and
 * an xxHash-like 4-lane mixer (rotates, multiplies, unaligned 64-bit loads).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE (16u << 20)

static uint32_t crc_table[256];

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ull;
    }
    return h;
}

static uint64_t fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

static uint64_t murmur_words(const uint8_t *p, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ fmix64(w)) * 5 + 0x52dce729;
    }
    return h;
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    }
    return ~c;
}

static uint64_t rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static uint64_t lanes(const uint8_t *p, size_t n)
{
    const uint64_t p1 = 0x9e3779b185ebca87ull, p2 = 0xc2b2ae3d27d4eb4full;
    uint64_t v[4] = { p1 + p2, p2, 0, (uint64_t)0 - p1 };
    for (size_t i = 1; i + 32 <= n; i += 32) {          /* odd start: unaligned loads */
        for (int l = 0; l < 4; l++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * l, 8);
            v[l] = rotl(v[l] + w * p2, 31) * p1;
        }
    }
    return rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 12;    /* about 1 s natively */
    uint8_t *buf = malloc(SIZE);
    uint64_t x = 88172645463325252ull, h = 0;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
    for (size_t i = 0; i < SIZE; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)(x >> 24);
    }
    for (int r = 0; r < scale; r++) {
        h = h * 31 + fnv1a(buf, SIZE);
        h = h * 31 + murmur_words(buf, SIZE);
        h = h * 31 + crc32(buf, SIZE);
        h = h * 31 + lanes(buf, SIZE);
        buf[r % SIZE] ^= 1;
    }
    printf("hashing checksum %016" PRIx64 "\n", h);
    free(buf);
    return 0;
}
