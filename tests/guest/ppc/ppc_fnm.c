/*
 * ppc_fnm.c - fnmadd and fnmsub (Power ISA 2.06 Book I 4.6.6.2) on operands of every sign
 * and class, in round to nearest with FPSCR[XX] clear and set.  Outside NaN results,
 * fnmadd is fmadd negated and fnmsub is fmsub negated: each result is checked against
 * fmadd/fmsub followed by fneg, and FPSCR's FR, FI and exception bits after it against
 * theirs (FPRF, the class, has the other sign).  A translator computing (-a)*c -+ b in
 * round to nearest must give the same bits there and take another way for exact zeros
 * (-(+0) is -0, while -a*c + b rounds to +0) and NaNs.  A checksum of every result and
 * FPSCR but FR (which QEMU does not model), NaNs included, goes to stdout for the
 * comparison with QEMU; a sqrt-like chain where frC is the value just computed checks
 * the operands' roles.  (The directed modes are left out: QEMU rounds the negated value
 * there, where fmadd's rounding is negated here.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>
#include "fp_bits.h"
#include "guest_check.h"

#define FPSCR_FX 0x80000000u
#define FPSCR_XX 0x02000000u
#define FPSCR_FPRF 0x0001f000u
#define FPSCR_FR 0x00040000u

static const uint64_t vals[] = {
    0x3fd5555555555555ull,      /* 1/3 */
    0xbfd5555555555555ull,      /* -1/3 */
    0x4008000000000000ull,      /* 3 */
    0xc01d000000000000ull,      /* -7.25 */
    0x3ff0000000000001ull,      /* 1 + ulp */
    0xbff0000000000000ull,      /* -1 */
    0x400921fb54442d18ull,      /* pi */
    0x7e37e43c8800759cull,      /* 1e300 */
    0x01a56e1fc2f8f359ull,      /* 1e-300 */
    0x0010000000000000ull,      /* smallest normal */
    0x0000000000000000ull,      /* +0 */
    0x8000000000000000ull,      /* -0 */
    0x7ff0000000000000ull,      /* +inf */
    0xfff0000000000000ull,      /* -inf */
    0x7ff8000000000123ull,      /* +QNaN */
    0xfff8000000000456ull,      /* -QNaN */
};
#define NV (sizeof(vals) / sizeof(vals[0]))

static int is_nan(uint64_t u)
{
    return (u & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}

/* FPSCR set to mode, then insn frT,a,c,b and the instructions in post; *fpscr after them */
#define FP_RUN(insn, post)                                                                  \
    __asm__ volatile("mtfsf 255,%2\n" insn " %0,%3,%4,%5\n" post "mffs %1\n"             \
                     : "=&d"(r), "=&d"(f) : "d"(mode), "d"(a), "d"(c), "d"(b))

/* op 0: fnmadd, 1: fnmsub; by_fneg: fmadd/fmsub, then fneg (which changes no FPSCR bit) */
static uint64_t run_op(int op, bool by_fneg, double mode, double a, double c, double b, uint32_t *fpscr)
{
    double r, f;

    switch (op * 2 + by_fneg) {
    case 0: FP_RUN("fnmadd", ""); break;
    case 1: FP_RUN("fmadd", "fneg %0,%0\n"); break;
    case 2: FP_RUN("fnmsub", ""); break;
    default: FP_RUN("fmsub", "fneg %0,%0\n"); break;
    }
    *fpscr = (uint32_t)u_of(f);
    return u_of(r);
}

static void test_table(void)
{
    static const uint32_t modes[] = { 0, FPSCR_FX | FPSCR_XX };      /* FX too: QEMU sets it again */

    gc_group("table");
    for (unsigned m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        double mode = d_of(modes[m]);
        for (int op = 0; op < 2; op++) {
            uint64_t sum = 0;
            int mismatches = 0;
            for (unsigned i = 0; i < NV; i++) {
                for (unsigned j = 0; j < NV; j++) {
                    for (unsigned k = 0; k < NV; k++) {
                        uint32_t f1, f2;
                        uint64_t r1 = run_op(op, false, mode, d_of(vals[i]), d_of(vals[j]), d_of(vals[k]), &f1);
                        uint64_t r2 = run_op(op, true, mode, d_of(vals[i]), d_of(vals[j]), d_of(vals[k]), &f2);

                        sum = sum * 1000003u + r1;
                        sum = sum * 1000003u + (f1 & ~FPSCR_FR);
                        if (!is_nan(r1) && (r1 != r2 || (f1 & ~FPSCR_FPRF) != (f2 & ~FPSCR_FPRF))) {
                            if (mismatches++ < 5) {
                                printf("mode %x %s %016llx %016llx %016llx: %016llx fpscr %08x, by fneg %016llx %08x\n",
                                       (unsigned)modes[m], op ? "fnmsub" : "fnmadd",
                                       (unsigned long long)vals[i], (unsigned long long)vals[j],
                                       (unsigned long long)vals[k], (unsigned long long)r1, (unsigned)f1,
                                       (unsigned long long)r2, (unsigned)f2);
                            }
                        }
                    }
                }
            }
            CHECK_EQ(mismatches, 0);
            printf("mode %x %s checksum %016llx\n", (unsigned)modes[m], op ? "fnmsub" : "fnmadd",
                   (unsigned long long)sum);
        }
    }
    set_fpscr(0);
}

/*
 * Exact zeros: -(3*2 - 6) is -0 and -(3*2 + -6) is -0 in round to nearest, where
 * (-3)*2 + 6 would be +0; in round toward -inf, a*c - b's exact zero is -0, negated +0.
 */
static void test_zero(void)
{
    double mode_rn = d_of(FPSCR_XX), mode_rm = d_of(FPSCR_XX | 3);
    uint32_t f;

    gc_group("zero");
    CHECK_EQ(run_op(1, false, mode_rn, 3.0, 2.0, 6.0, &f), 0x8000000000000000ull);
    CHECK_EQ(f & FPSCR_FPRF, 0x12000);                  /* -0 */
    CHECK_EQ(run_op(0, false, mode_rn, 3.0, 2.0, -6.0, &f), 0x8000000000000000ull);
    CHECK_EQ(run_op(0, false, mode_rn, -3.0, 2.0, 6.0, &f), 0x8000000000000000ull);
    CHECK_EQ(run_op(1, false, mode_rm, 3.0, 2.0, 6.0, &f), 0x0000000000000000ull);
    CHECK_EQ(f & FPSCR_FPRF, 0x02000);                  /* +0 */
    set_fpscr(0);
}

/*
 * Newton steps shaped like glibc's sqrt: frC is the value computed just before, frA an
 * older one and frB the input, in round to nearest with XX set; then the same registers
 * as every operand.  Each result is checked against fmadd/fmsub and fneg of the same
 * operands.
 */
static void test_chain(void)
{
    double mode = d_of(FPSCR_XX);
    double x = 2.0, g = 0.7, h = 0.35, r1, r2, t1, t2, e1, e2;

    gc_group("chain");
    __asm__ volatile("mtfsf 255,%6\n"
                     "fmul %2,%4,%5\n"          /* t = g*h */
                     "fnmsub %0,%2,%4,%3\n"     /* r = -(t*g - x) */
                     "fnmadd %1,%5,%0,%2\n"     /* e = -(h*r + t) */
                     "fnmsub %0,%1,%1,%0\n"     /* r = -(e*e - r) */
                     "fnmadd %1,%0,%0,%0\n"     /* e = -(r*r + r) */
                     : "=&d"(r1), "=&d"(e1), "=&d"(t1) : "d"(x), "d"(g), "d"(h), "d"(mode));
    __asm__ volatile("mtfsf 255,%6\n"
                     "fmul %2,%4,%5\n"
                     "fmsub %0,%2,%4,%3\n"
                     "fneg %0,%0\n"
                     "fmadd %1,%5,%0,%2\n"
                     "fneg %1,%1\n"
                     "fmsub %0,%1,%1,%0\n"
                     "fneg %0,%0\n"
                     "fmadd %1,%0,%0,%0\n"
                     "fneg %1,%1\n"
                     : "=&d"(r2), "=&d"(e2), "=&d"(t2) : "d"(x), "d"(g), "d"(h), "d"(mode));
    set_fpscr(0);
    CHECK_EQ(u_of(r1), u_of(r2));
    CHECK_EQ(u_of(e1), u_of(e2));
    CHECK_EQ(u_of(t1), u_of(t2));
    printf("chain %016llx %016llx\n", (unsigned long long)u_of(r1), (unsigned long long)u_of(e1));
}

int main(void)
{
    test_table();
    test_zero();
    test_chain();
    return gc_finish();
}
