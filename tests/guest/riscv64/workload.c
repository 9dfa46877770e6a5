/*
 * workload.c - one mixed workload built twice, with -march=rv64gc (compressed instructions
 * almost everywhere) and -march=rv64g (none): both binaries must produce the checksums below,
 * which a native x86-64 run computed. Covers integer matrix multiply, bit tricks, a hash table
 * with linear probing, recursive quicksort on structs, double-precision series and string
 * building: ordinary compiler output rather than hand-picked instructions. Built with
 * -ffp-contract=off so neither build fuses multiply-adds the native one did not.
 */
#include <math.h>
#include "guest_check.h"

typedef struct { uint32_t key; int16_t a; uint8_t b; double w; } Rec;

static uint64_t rng_state = 2463534242u;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t matmul(void)
{
    enum { N = 64 };
    static int32_t a[N][N], b[N][N], c[N][N];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            a[i][j] = (int32_t)(rng() % 201) - 100;
            b[i][j] = (int32_t)(rng() % 201) - 100;
        }
    }
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++) {
                s += a[i][k] * b[k][j];
            }
            c[i][j] = s;
        }
    }
    uint64_t h = 0;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            h = h * 31 + (uint32_t)c[i][j];
        }
    }
    return h;
}

static uint64_t bits(void)
{
    uint64_t h = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t x = rng();
        h += (uint64_t)__builtin_popcountll(x);
        h ^= (uint64_t)__builtin_clzll(x | 1) << 8;
        h += (uint64_t)__builtin_ctzll(x | (1ull << 63)) << 16;
        h = (h << 7 | h >> 57) ^ __builtin_bswap64(x);
        h += (uint32_t)((int32_t)x >> 3) + (uint64_t)((int64_t)x >> 61);
    }
    return h;
}

static uint64_t hashing(void)
{
    enum { CAP = 1 << 14 };
    static uint64_t keys[CAP];
    static uint32_t vals[CAP];
    memset(keys, 0, sizeof(keys));
    uint64_t probes = 0;
    for (uint32_t i = 1; i <= 10000; i++) {
        uint64_t k = rng() | 1;
        uint32_t slot = (uint32_t)((k * 0x9e3779b97f4a7c15ull) >> 50);
        while (keys[slot] != 0 && keys[slot] != k) {
            slot = (slot + 1) & (CAP - 1);
            probes++;
        }
        keys[slot] = k;
        vals[slot] += i;
    }
    uint64_t h = probes;
    for (uint32_t s = 0; s < CAP; s++) {
        h = h * 1099511628211ull ^ vals[s];
    }
    return h;
}

static void quicksort(Rec *r, int lo, int hi)
{
    while (lo < hi) {
        uint32_t pivot = r[(lo + hi) / 2].key;
        int i = lo, j = hi;
        while (i <= j) {
            while (r[i].key < pivot) {
                i++;
            }
            while (r[j].key > pivot) {
                j--;
            }
            if (i <= j) {
                Rec t = r[i];
                r[i++] = r[j];
                r[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quicksort(r, lo, j);
            lo = i;
        } else {
            quicksort(r, i, hi);
            hi = j;
        }
    }
}

static uint64_t sorting(void)
{
    enum { N = 20000 };
    static Rec r[N];
    for (int i = 0; i < N; i++) {
        r[i].key = (uint32_t)rng();
        r[i].a = (int16_t)rng();
        r[i].b = (uint8_t)i;
        r[i].w = (double)(int16_t)r[i].a / 7.0;
    }
    quicksort(r, 0, N - 1);
    uint64_t h = 0;
    for (int i = 0; i < N; i++) {
        h = h * 131 + r[i].key + (uint64_t)(r[i].a * 3) + r[i].b;
        if (i && r[i - 1].key > r[i].key) {
            return 0;
        }
    }
    return h;
}

static uint64_t series(void)
{
    double pi = 0, e = 0, fact = 1, harmonic = 0;
    for (int k = 0; k < 100000; k++) {
        pi += (k % 2 ? -4.0 : 4.0) / (2 * k + 1);
        harmonic += 1.0 / (k + 1);
    }
    for (int k = 0; k < 20; k++) {
        e += 1.0 / fact;
        fact *= k + 1;
    }
    double s = sqrt(pi * e) + harmonic + fma(pi, e, -harmonic);
    float f = (float)s * 1.5f;
    return gc_f64_bits(pi) ^ gc_f64_bits(e) * 3 ^ gc_f64_bits(s) * 5 ^ gc_f32_bits(f);
}

static uint64_t strings(void)
{
    char buf[64];
    uint64_t h = 5381;
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(buf, sizeof(buf), "%d:%x:%.3f:%s", i * 37, i * 91, i / 7.0,
                         i % 3 ? "odd" : "triple");
        for (int k = 0; k < n; k++) {
            h = h * 33 + (uint8_t)buf[k];
        }
    }
    return h;
}

int main(void)
{
    static const struct { const char *name; uint64_t (*fn)(void); uint64_t want; } parts[] = {
        { "matmul", matmul, 0xa9171d502be746a3ull },
        { "bits", bits, 0xb7f1101355986d30ull },
        { "hashing", hashing, 0x8d68d1e520406b8aull },
        { "sorting", sorting, 0xa8305da1ef0c3c4cull },
        { "series", series, 0xc0da8247a2b85ac6ull },
        { "strings", strings, 0xf5e9b51668116717ull },
    };
    for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        gc_group(parts[i].name);
        uint64_t h = parts[i].fn();
        printf("  %s checksum %016" PRIx64 "\n", parts[i].name, h);
        CHECK_EQ(h, parts[i].want);
    }
    return gc_finish();
}
