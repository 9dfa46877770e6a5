/*
 * intloop.c - integer and branchy code: a sieve of Eratosthenes over a byte array, Collatz
 * sequence lengths (data-dependent branches, 64-bit multiply/shift), and a gcd sweep (divide
 * and remainder). Prints a checksum so runs under different engines can be compared.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t sieve(int n)
{
    uint8_t *composite = calloc(n + 1, 1);
    uint64_t count = 0, sum = 0;
    for (int i = 2; (int64_t)i * i <= n; i++) {
        if (!composite[i]) {
            for (int j = i * i; j <= n; j += i) {
                composite[j] = 1;
            }
        }
    }
    for (int i = 2; i <= n; i++) {
        if (!composite[i]) {
            count++;
            sum += (uint64_t)i;
        }
    }
    free(composite);
    return count * 1000003 + sum;
}

static uint64_t collatz(uint64_t limit)
{
    uint64_t best = 0, best_n = 0, total = 0;
    for (uint64_t n = 1; n < limit; n++) {
        uint64_t x = n, steps = 0;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            steps++;
        }
        total += steps;
        if (steps > best) {
            best = steps;
            best_n = n;
        }
    }
    return total ^ (best << 32) ^ best_n;
}

static uint64_t gcd_sweep(uint32_t n)
{
    uint64_t sum = 0;
    for (uint32_t a = 1; a < n; a++) {
        for (uint32_t b = a; b < n; b += 7) {
            uint32_t x = a, y = b;
            while (y) {
                uint32_t t = x % y;
                x = y;
                y = t;
            }
            sum += x;
        }
    }
    return sum;
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 3;     /* about 1 s natively */
    uint64_t h = 0;
    for (int r = 0; r < scale; r++) {
        h = h * 31 + sieve(20000000);
        h = h * 31 + collatz(1500000);
        h = h * 31 + gcd_sweep(3000);
    }
    printf("intloop checksum %016" PRIx64 "\n", h);
    return 0;
}
