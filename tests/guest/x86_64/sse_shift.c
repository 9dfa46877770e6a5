/*
 * sse_shift.c - the SSE2 shifts by an immediate that mimic lifts to IR on the xmm
 * halves (frontend/x86/trans_sse_shift.c): psrlw/psraw/psllw, psrld/psrad/pslld,
 * psrlq/psllq for every count 0..65 and a few larger ones, psrldq/pslldq for every
 * count 0..17 and 255, compared with the host's own run.  Inputs come from a fixed
 * generator with sign bits set and clear; every result is printed for the first set
 * and a hash of many sets after it (so the same blocks also run hot in the JIT).
 */
#include <stdint.h>
#include <stdio.h>

#include "vec_sets.h"

static void out(const char *name, int imm, V2 v)
{
    fold(v);
    if (verbose) {
        printf("%s %3d %016llx %016llx\n", name, imm, (unsigned long long)v[1], (unsigned long long)v[0]);
    }
}

#define R4(M, b) M(b) M(b + 1) M(b + 2) M(b + 3)
#define R16(M, b) R4(M, b) R4(M, b + 4) R4(M, b + 8) R4(M, b + 12)
#define R64(M, b) R16(M, b) R16(M, b + 16) R16(M, b + 32) R16(M, b + 48)

#define SH(op, i) { V2 d = s0; __asm__(op " %1, %0" : "+x"(d) : "i"(i)); out(op, i, d); }
#define LANES(i) SH("psrlw", i) SH("psraw", i) SH("psllw", i) SH("psrld", i) SH("psrad", i) SH("pslld", i) \
                 SH("psrlq", i) SH("psllq", i)
#define BYTES(i) SH("psrldq", i) SH("pslldq", i)

static void one_set(V2 s0)
{
    R64(LANES, 0)
    LANES(64) LANES(65) LANES(127) LANES(128) LANES(255)
    R16(BYTES, 0)
    BYTES(16) BYTES(17) BYTES(255)
}

int main(void)
{
    verbose = 1;
    one_set((V2){ 0x8877665544332211ull, 0x7fee8dcc3baa9900ull });
    verbose = 0;
    for (int i = 0; i < 300; i++) {
        one_set((V2){ next(), next() });
    }
    printf("hash %016llx\n", (unsigned long long)hash);
    return 0;
}
