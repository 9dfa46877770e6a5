/*
 * work.c - a leaf function for trace comparisons (tests/cli/run-tracediff.py): integer
 * arithmetic with carries and flags read back, shifts, division, and floating point
 * (SSE doubles on x86-64, x87 on i386 and for long double; the classic FPU on ppc).  It
 * touches no stack memory of its own, so no flag result depends on where the stack is.
 */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) unsigned long long work(unsigned n, double *fout, long double *lout)
{
    unsigned long long acc = 0x0123456789abcdefULL, carry = 0;
    unsigned x = 7;
    double d = 1.0;
    long double l = 3.0L;
    for (unsigned i = 1; i <= n; i++) {
        unsigned long long t = acc + (unsigned long long)i * 0x9e3779b97f4a7c15ULL;
        carry += t < acc;
        acc = (t << 7) | (t >> 57);
        x = x * 1103515245u + 12345u;
        acc ^= x / (i | 1) + x % 13 + (x > 0x80000000u);
        d = d * 1.0000001 + (double)(x & 0xff) / 3.0;
        l = l * 0.999L + (long double)(i & 7);
    }
    *fout = d;
    *lout = l;
    return acc + carry;
}

int main(int argc, char **argv)
{
    double d;
    long double l;
    unsigned long long r = work(argc > 1 ? (unsigned)atoi(argv[1]) : 40, &d, &l);
    printf("%llx %.17g %.17Lg\n", r, d, l);
    return 0;
}
