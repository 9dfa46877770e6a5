/*
 * sse_fast_known.c - straight runs of SSE arithmetic in one block, which mimic runs inline
 * (frontend/x86/trans_sse_fast.c: the mode test once per straight path, flags left in
 * the host's MXCSR).  Each run hides a case whose flags differ from the rest of the run:
 * a denormal made by a subtraction, loaded from memory, moved in with movapd/movsd/unpckhpd,
 * or squared after a product; and ldmxcsr changing the rounding mode between two multiplies.
 * Results and MXCSR (sticky flags included) are compared with the host's own run.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef double V2 __attribute__((vector_size(16)));

static double bits(uint64_t u)
{
    double d;

    memcpy(&d, &u, 8);
    return d;
}

static uint64_t ubits(double d)
{
    uint64_t u;

    memcpy(&u, &d, 8);
    return u;
}

static uint32_t get_mxcsr(void)
{
    uint32_t m;

    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

static void set_mxcsr(uint32_t m)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}

static void show(const char *name, int round, V2 a, V2 b)
{
    uint32_t m = get_mxcsr();

    if (round == 0) {
        printf("%-14s %016llx %016llx %016llx %016llx mxcsr %04x\n", name, (unsigned long long)ubits(a[0]),
               (unsigned long long)ubits(a[1]), (unsigned long long)ubits(b[0]), (unsigned long long)ubits(b[1]), m);
    }
}

static V2 mem_v __attribute__((aligned(16)));
static double mem_d;

int main(void)
{
    const double two_m1022 = bits(0x0010000000000000ull);      /* smallest normal */
    const double den = bits(0x0008000000000000ull);            /* a denormal */
    const double big = bits(0x4630000000000000ull);            /* 2^100 */

    for (int round = 0; round < 300; round++) {
        V2 a, b;

        /* sub makes a denormal from normals (exact, no UE); the mul after it must see DE. */
        set_mxcsr(0x1fa0);
        a = (V2){ 1.5 * two_m1022, 3.0 };
        b = (V2){ two_m1022, 2.0 };
        __asm__ volatile("mulsd %1, %0\n\t"         /* b = 2^-1022 * 1.5*2^-1022: underflow, slow */
                         "mulsd %1, %1\n\t"
                         : "+x"(b) : "x"(a));
        show("underflow", round, a, b);
        set_mxcsr(0x1fa0);
        a = (V2){ 1.5 * two_m1022, 3.0 };
        b = (V2){ two_m1022, 2.0 };
        __asm__ volatile("mulsd %1, %1\n\t"         /* b*b ok... a checked as b's partner below */
                         "movapd %1, %%xmm15\n\t"
                         "mulsd %%xmm15, %0\n\t"    /* a = a * 4 (xmm15: known) */
                         "movapd %1, %0\n\t"        /* a = b (known) */
                         "subsd %2, %0\n\t"         /* a = 4 - 4 -> 0 */
                         : "+x"(a), "+x"(b) : "x"((V2){ 4.0, 0 }) : "xmm15");
        show("moves", round, a, b);
        set_mxcsr(0x1fa0);
        a = (V2){ 3.0 * two_m1022, 3.0 };
        b = (V2){ 1.0, 2.0 };
        __asm__ volatile("mulsd %1, %0\n\t"         /* a = 3*2^-1022, normal: a and b known */
                         "subsd %2, %0\n\t"         /* a = 0.5*2^-1022: a denormal, exact */
                         "mulsd %3, %0\n\t"         /* a normal product, but DE */
                         : "+x"(a), "+x"(b) : "x"((V2){ 2.5 * two_m1022, 0 }), "x"((V2){ big, 0 }));
        show("sub-denormal", round, a, b);

        /* A denormal loaded over a known register (movapd, movsd, unpckhpd from memory). */
        set_mxcsr(0x1fa0);
        mem_v = (V2){ den, den };
        mem_d = den;
        a = (V2){ big, big };
        b = (V2){ 7.0, 9.0 };
        __asm__ volatile("mulpd %1, %0\n\t"         /* both known */
                         "movapd %2, %1\n\t"        /* b = denormals */
                         "mulpd %1, %0\n\t"         /* DE */
                         : "+x"(a), "+x"(b) : "m"(mem_v));
        show("movapd-load", round, a, b);
        set_mxcsr(0x1fa0);
        a = (V2){ 3.0, 5.0 };
        b = (V2){ 7.0, 9.0 };
        __asm__ volatile("mulpd %1, %0\n\t"
                         "movsd %2, %1\n\t"         /* b = {den, 0} */
                         "addsd %1, %0\n\t"         /* DE */
                         : "+x"(a), "+x"(b) : "m"(mem_d));
        show("movsd-load", round, a, b);
        set_mxcsr(0x1fa0);
        a = (V2){ big, big };
        b = (V2){ 7.0, 9.0 };
        __asm__ volatile("mulpd %1, %0\n\t"
                         "unpckhpd %2, %1\n\t"      /* b = {9, den} */
                         "mulpd %1, %0\n\t"         /* DE from the high lane */
                         : "+x"(a), "+x"(b) : "m"(mem_v));
        show("unpckhpd-load", round, a, b);
        set_mxcsr(0x1fa0);
        a = (V2){ 3.0, 5.0 };
        b = (V2){ den, 9.0 };
        __asm__ volatile("mulsd %0, %0\n\t"         /* a known; b not */
                         "unpcklpd %1, %0\n\t"      /* a = {9, den}: high from b's low */
                         "addpd %0, %0\n\t"         /* a finite sum, but DE */
                         : "+x"(a), "+x"(b));
        show("unpcklpd-reg", round, a, b);
        set_mxcsr(0x1fa0);
        a = (V2){ 3.0, 5.0 };
        b = (V2){ den, 9.0 };
        __asm__ volatile("mulsd %0, %0\n\t"
                         "movsd %1, %0\n\t"         /* a = {den, 5} */
                         "sqrtsd %0, %0\n\t"        /* DE */
                         : "+x"(a), "+x"(b));
        show("movsd-reg", round, a, b);

        /* ldmxcsr between two multiplies: the second rounds up. */
        set_mxcsr(0x1fa0);
        a = (V2){ 1.0 / 3.0, 0 };
        b = (V2){ 3.0, 0 };
        __asm__ volatile("mulsd %1, %0\n\t"
                         "ldmxcsr %2\n\t"
                         "mulsd %1, %0\n\t"
                         "mulsd %1, %0\n\t"
                         : "+x"(a) : "x"(b), "m"((uint32_t){ 0x5fa0 }));
        show("ldmxcsr-up", round, a, b);
        /* A product of known normals whose square underflows, then squared again. */
        set_mxcsr(0x1fa0);
        a = (V2){ bits(0x2000000000000000ull), 1.0 };
        b = (V2){ 2.0, 1.0 };
        __asm__ volatile("mulsd %1, %0\n\t"
                         "mulsd %0, %0\n\t"
                         "mulsd %0, %0\n\t"
                         "divsd %1, %0\n\t"
                         : "+x"(a) : "x"(b));
        show("chain-uflow", round, a, b);
    }
    set_mxcsr(0x1f80);
    printf("done\n");
    return 0;
}
