/*
 * sse_shuf.c - the integer SSE shuffles mimic lifts to IR on the xmm halves
 * (frontend/x86/trans_sse_shuf.c): palignr for every shift 0..40 and a few larger
 * ones, pshufd/pshufhw/pshuflw for every immediate, punpckl/h bw/wd/dq, each with a
 * register and an aligned memory source, compared with the host's own run.  Inputs
 * come from a fixed generator; every result is printed for the first set and a hash
 * of many sets after it (so the same blocks also run hot in the JIT).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vec_sets.h"

static void out(const char *name, int imm, const char *form, V2 v)
{
    fold(v);
    if (verbose) {
        printf("%s %3d %s %016llx %016llx\n", name, imm, form, (unsigned long long)v[1], (unsigned long long)v[0]);
    }
}

#define R4(M, b) M(b) M(b + 1) M(b + 2) M(b + 3)
#define R16(M, b) R4(M, b) R4(M, b + 4) R4(M, b + 8) R4(M, b + 12)
#define R64(M, b) R16(M, b) R16(M, b + 16) R16(M, b + 32) R16(M, b + 48)
#define R256(M) R64(M, 0) R64(M, 64) R64(M, 128) R64(M, 192)

static V2 mem_src __attribute__((aligned(16)));

#define PALIGNR(i) \
    { V2 d = d0; __asm__("palignr %2, %1, %0" : "+x"(d) : "x"(s0), "i"(i)); out("palignr", i, "reg", d); \
      d = d0; __asm__("palignr %2, %1, %0" : "+x"(d) : "m"(mem_src), "i"(i)); out("palignr", i, "mem", d); }
#define PSHUF(i) \
    { V2 d; __asm__("pshufd %2, %1, %0" : "=x"(d) : "x"(s0), "i"(i)); out("pshufd", i, "reg", d); \
      __asm__("pshufd %2, %1, %0" : "=x"(d) : "m"(mem_src), "i"(i)); out("pshufd", i, "mem", d); \
      d = d0; __asm__("pshufhw %2, %1, %0" : "+x"(d) : "x"(s0), "i"(i)); out("pshufhw", i, "reg", d); \
      __asm__("pshufhw %2, %1, %0" : "=x"(d) : "m"(mem_src), "i"(i)); out("pshufhw", i, "mem", d); \
      d = d0; __asm__("pshuflw %2, %1, %0" : "+x"(d) : "x"(s0), "i"(i)); out("pshuflw", i, "reg", d); \
      __asm__("pshuflw %2, %1, %0" : "=x"(d) : "m"(mem_src), "i"(i)); out("pshuflw", i, "mem", d); }
#define PUNPCK(op) \
    { V2 d = d0; __asm__(op " %1, %0" : "+x"(d) : "x"(s0)); out(op, 0, "reg", d); \
      d = d0; __asm__(op " %1, %0" : "+x"(d) : "m"(mem_src)); out(op, 0, "mem", d); }

static void one_set(V2 d0, V2 s0)
{
    mem_src = s0;
    R16(PALIGNR, 0)
    R16(PALIGNR, 16)
    R4(PALIGNR, 32)
    R4(PALIGNR, 36)
    PALIGNR(41) PALIGNR(64) PALIGNR(127) PALIGNR(128) PALIGNR(255)
    R256(PSHUF)
    PUNPCK("punpcklbw") PUNPCK("punpcklwd") PUNPCK("punpckldq")
    PUNPCK("punpckhbw") PUNPCK("punpckhwd") PUNPCK("punpckhdq")
}

int main(void)
{
    /* A register used as both operands, and the source overwritten by the result. */
    V2 a = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull }, b = a;

    __asm__("punpcklbw %0, %0" : "+x"(a));
    __asm__("palignr $5, %0, %0" : "+x"(b));
    printf("self %016llx %016llx %016llx %016llx\n", (unsigned long long)a[1], (unsigned long long)a[0],
           (unsigned long long)b[1], (unsigned long long)b[0]);

    verbose = 1;
    one_set((V2){ 0x8877665544332211ull, 0xffeeddccbbaa9900ull }, (V2){ 0x0123456789abcdefull, 0xfedcba9876543210ull });
    verbose = 0;
    for (int i = 0; i < 400; i++) {
        V2 d = { next(), next() }, s = { next(), next() };

        one_set(d, s);
    }
    printf("hash %016llx\n", (unsigned long long)hash);
    return 0;
}
