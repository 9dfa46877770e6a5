/*
 * ppc_fp.c - PowerPC floating point through C and fenv.h (Power ISA 2.06 Book I chapter 4,
 * IEEE 754): results of the basic operations in the four rounding modes (FPSCR[RN], set by
 * fesetround's mtfsb0/mtfsb1), the sticky exception flags in FPSCR (inexact, overflow,
 * underflow, divide by zero, invalid) read back with fetestexcept (mffs), single precision
 * rounding (frsp), fused multiply-add rounding once, and fctiwz/fctiw conversions.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include "guest_check.h"

static volatile double one = 1.0, three = 3.0, zero = 0.0, big = DBL_MAX, tiny = DBL_MIN;

static const int modes[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD };

static void test_rounding(void)
{
    /* 1/3 and -1/3 in binary64: the two neighbours differ in the last bit. */
    static const uint64_t third[4] = { 0x3fd5555555555555ull, 0x3fd5555555555555ull,
                                       0x3fd5555555555556ull, 0x3fd5555555555555ull };
    static const uint64_t mthird[4] = { 0xbfd5555555555555ull, 0xbfd5555555555555ull,
                                        0xbfd5555555555555ull, 0xbfd5555555555556ull };
    static const uint32_t third_f[4] = { 0x3eaaaaabu, 0x3eaaaaaau, 0x3eaaaaabu, 0x3eaaaaaau };
    gc_group("rounding");
    for (int m = 0; m < 4; m++) {
        CHECK_EQ(fesetround(modes[m]), 0);
        CHECK_EQ(fegetround(), modes[m]);
        CHECK_EQ(gc_f64_bits(one / three), third[m]);
        CHECK_EQ(gc_f64_bits(-one / three), mthird[m]);
        volatile float f = (float)one / (float)three;
        CHECK_EQ(gc_f32_bits(f), third_f[m]);
        CHECK_EQ((long)rint(2.5), m == 0 ? 2 : m == 2 ? 3 : 2);
        CHECK_EQ((long)rint(-2.5), m == 0 ? -2 : m == 3 ? -3 : -2);
    }
    fesetround(FE_TONEAREST);
}

static void test_flags(void)
{
    volatile double r;
    gc_group("flags");
    feclearexcept(FE_ALL_EXCEPT);
    r = one + one;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), 0);
    r = one / three;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_INEXACT);
    feclearexcept(FE_ALL_EXCEPT);
    r = one / zero;
    CHECK(isinf(r));
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_DIVBYZERO);
    feclearexcept(FE_ALL_EXCEPT);
    r = big * 2.0;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_OVERFLOW | FE_INEXACT);
    feclearexcept(FE_ALL_EXCEPT);
    r = tiny / 3.0;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_UNDERFLOW | FE_INEXACT);
    feclearexcept(FE_ALL_EXCEPT);
    r = zero / zero;
    CHECK(isnan(r));
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_INVALID);
    feclearexcept(FE_ALL_EXCEPT);
    r = sqrt(-one);
    CHECK(isnan(r));
    CHECK_EQ(fetestexcept(FE_INVALID), FE_INVALID);
    /* Flags are sticky: an exact operation leaves them set. */
    r = one + one;
    CHECK_EQ(fetestexcept(FE_INVALID), FE_INVALID);
    feclearexcept(FE_ALL_EXCEPT);
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), 0);
}

static void test_fused(void)
{
    gc_group("fused");
    /* (1 + 2^-30)(1 - 2^-30) - 1 = -2^-60 exactly when rounded once; 0 when twice. */
    volatile double a = 1.0 + 0x1p-30, b = 1.0 - 0x1p-30, c = -1.0;
    CHECK_EQ(gc_f64_bits(fma(a, b, c)), gc_f64_bits(-0x1p-60));
    double d;
    __asm__ volatile("fmadd %0,%1,%2,%3" : "=d"(d) : "d"(a), "d"(b), "d"(c));
    CHECK_EQ(gc_f64_bits(d), gc_f64_bits(-0x1p-60));
    volatile double prod = a * b;
    CHECK_EQ(gc_f64_bits(prod + c), gc_f64_bits(0.0));
    __asm__ volatile("fnmsub %0,%1,%2,%3" : "=d"(d) : "d"(2.0), "d"(3.0), "d"(1.0));
    CHECK_EQ(gc_f64_bits(d), gc_f64_bits(-5.0));       /* -(2*3 - 1) */
}

static void test_convert(void)
{
    union { double d; uint64_t u; } v;
    gc_group("convert");
    __asm__ volatile("fctiwz %0,%1" : "=d"(v.d) : "d"(-2.75));
    CHECK_EQ((uint32_t)v.u, (uint32_t)-2);
    __asm__ volatile("fctiwz %0,%1" : "=d"(v.d) : "d"(1e12));
    CHECK_EQ((uint32_t)v.u, 0x7fffffffu);                 /* saturates */
    fesetround(FE_UPWARD);
    __asm__ volatile("fctiw %0,%1" : "=d"(v.d) : "d"(2.25));
    CHECK_EQ((uint32_t)v.u, 3);
    fesetround(FE_TONEAREST);
    __asm__ volatile("fctiw %0,%1" : "=d"(v.d) : "d"(2.5));
    CHECK_EQ((uint32_t)v.u, 2);
    volatile double x = 16777217.0;
    CHECK_EQ(gc_f32_bits((float)x), 0x4b800000u);          /* frsp: ties to even */
    CHECK_EQ((int)(double)-7.9, -7);
    CHECK_EQ((unsigned)(double)4000000000.0, 4000000000u);
}

/*
 * lfs/lfsx/lfsu of every class of single: the double it denotes (values from the host's
 * float-to-double conversion), a NaN widened bit by bit so a signalling one stays
 * signalling (Book I 4.6.2).  Each load runs in a loop so it is lifted next to others.
 */
static void test_load_single(void)
{
    static const struct { uint32_t s; uint64_t d; } cases[] = {
        { 0x00000000u, 0x0000000000000000ull }, { 0x80000000u, 0x8000000000000000ull },
        { 0x00000001u, 0x36a0000000000000ull }, { 0x80000001u, 0xb6a0000000000000ull },
        { 0x007fffffu, 0x380fffffc0000000ull }, { 0x00800000u, 0x3810000000000000ull },
        { 0x3f800000u, 0x3ff0000000000000ull }, { 0xbfc00000u, 0xbff8000000000000ull },
        { 0x7f7fffffu, 0x47efffffe0000000ull }, { 0x7f800000u, 0x7ff0000000000000ull },
        { 0xff800000u, 0xfff0000000000000ull }, { 0x7fc00000u, 0x7ff8000000000000ull },
        { 0x7f800001u, 0x7ff0000020000000ull }, { 0xffbfffffu, 0xfff7ffffe0000000ull },
    };
    uint32_t words[sizeof cases / sizeof cases[0]];
    union { double d; uint64_t u; } v, x, u;

    gc_group("load single");
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        words[i] = cases[i].s;
    }
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t *p = &words[i], *q = p - 1;

        __asm__ volatile("lfs %0,0(%3)\n\tlfsx %1,0,%3\n\tlfsu %2,4(%4)"
                         : "=&d"(v.d), "=&d"(x.d), "=&d"(u.d), "+b"(p), "+b"(q) : : "memory");
        CHECK_EQ(v.u, cases[i].d);
        CHECK_EQ(x.u, cases[i].d);
        CHECK_EQ(u.u, cases[i].d);
        CHECK(q == p);
    }
}

int main(void)
{
    test_rounding();
    test_flags();
    test_fused();
    test_convert();
    test_load_single();
    return gc_finish();
}
