/*
 * memory.c - memory-bound code: streaming over a 64 MiB array (sum, scaled copy, a
 * stencil), then dependent random accesses (pointer chasing through a random cyclic
 * permutation) and random read-modify-writes, which defeat caches and prefetchers.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N (8u << 20)          /* 8 Mi 64-bit words = 64 MiB */

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1;     /* about 1 s natively */
    uint64_t *a = malloc(N * sizeof(uint64_t));
    uint64_t *b = malloc(N * sizeof(uint64_t));
    uint32_t *next = malloc(N * sizeof(uint32_t));
    uint64_t h = 0, x = 0x2545f4914f6cdd1dull;

    for (uint32_t i = 0; i < N; i++) {
        a[i] = i * 0x9e3779b97f4a7c15ull;
        next[i] = i;
    }
    /* Sattolo's algorithm: one cycle through all elements. */
    for (uint32_t i = N - 1; i > 0; i--) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t j = (uint32_t)(x % i);
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
    for (int r = 0; r < scale; r++) {
        for (int pass = 0; pass < 4; pass++) {
            uint64_t s = 0;
            for (uint32_t i = 0; i < N; i++) {
                s += a[i];
            }
            for (uint32_t i = 0; i < N; i++) {
                b[i] = a[i] * 3 + s;
            }
            for (uint32_t i = 1; i < N - 1; i++) {
                a[i] = (b[i - 1] + 2 * b[i] + b[i + 1]) >> 2;
            }
            h = h * 31 + s;
        }
        uint32_t p = 0;
        for (uint32_t i = 0; i < N / 2; i++) {
            p = next[p];
            h += p;
        }
        for (uint32_t i = 0; i < N / 2; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b[x % N] += i;
        }
        h ^= b[12345] + a[N / 3];
    }
    printf("memory checksum %016" PRIx64 "\n", h);
    free(a);
    free(b);
    free(next);
    return 0;
}
