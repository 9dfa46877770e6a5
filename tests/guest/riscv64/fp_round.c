/*
 * fp_round.c - rounding modes and exception flags as C programs see them through <fenv.h>:
 * fesetround/fegetround (frm), fetestexcept/feclearexcept/feraiseexcept (fflags), fegetenv/
 * fesetenv (fcsr), libm's rint/nearbyint/lrint/fma and glibc's printf/strtod, which both honour
 * the current rounding mode. Expected values follow IEEE 754 and C11 Annex F.
 * Built with -frounding-math -ffp-contract=off so GCC keeps every operation, unfused, at run time.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include "guest_check.h"

static volatile double v_one = 1.0, v_three = 3.0, v_zero = 0.0, v_two = 2.0;
static volatile float vf_one = 1.0f, vf_three = 3.0f;

static const struct {
    int mode;
    const char *name;
    uint64_t third;          /* 1.0 / 3.0 */
    uint32_t third_f;        /* 1.0f / 3.0f */
    double rint_2_5, rint_m2_5, nearby_m0_5;
    long lrint_3_5;
    const char *printed;     /* printf("%.3f", 2.0 / 3.0) */
    uint64_t strtod_0_1;
} modes[] = {
    { FE_TONEAREST, "nearest", 0x3fd5555555555555ull, 0x3eaaaaab, 2.0, -2.0, -0.0, 4, "0.667",
      0x3fb999999999999aull },
    { FE_TOWARDZERO, "towardzero", 0x3fd5555555555555ull, 0x3eaaaaaa, 2.0, -2.0, -0.0, 3, "0.666",
      0x3fb9999999999999ull },
    { FE_DOWNWARD, "downward", 0x3fd5555555555555ull, 0x3eaaaaaa, 2.0, -3.0, -1.0, 3, "0.666",
      0x3fb9999999999999ull },
    { FE_UPWARD, "upward", 0x3fd5555555555556ull, 0x3eaaaaab, 3.0, -2.0, -0.0, 4, "0.667",
      0x3fb999999999999aull },
};

static void test_modes(void)
{
    char buf[32];
    for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        gc_group(modes[i].name);
        CHECK_EQ(fesetround(modes[i].mode), 0);
        CHECK_EQ(fegetround(), modes[i].mode);
        CHECK_EQ(gc_f64_bits(v_one / v_three), modes[i].third);
        CHECK_EQ(gc_f32_bits(vf_one / vf_three), modes[i].third_f);
        CHECK_EQ(gc_f64_bits(rint(2.5 * v_one)), gc_f64_bits(modes[i].rint_2_5));
        CHECK_EQ(gc_f64_bits(rint(-2.5 * v_one)), gc_f64_bits(modes[i].rint_m2_5));
        CHECK_EQ(gc_f64_bits(nearbyint(-0.5 * v_one)), gc_f64_bits(modes[i].nearby_m0_5));
        CHECK_EQ(lrint(3.5 * v_one), modes[i].lrint_3_5);
        snprintf(buf, sizeof(buf), "%.3f", v_two / v_three);
        CHECK_STR(buf, modes[i].printed);
        CHECK_EQ(gc_f64_bits(strtod("0.1", NULL)), modes[i].strtod_0_1);
        /* x - x is -0 only when rounding downward */
        double z = v_one - v_one;
        CHECK_EQ(gc_f64_bits(z), modes[i].mode == FE_DOWNWARD ? 0x8000000000000000ull : 0);
    }
    fesetround(FE_TONEAREST);
}

static void test_flags(void)
{
    volatile double r;
    gc_group("exception_flags");
    feclearexcept(FE_ALL_EXCEPT);
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), 0);
    r = v_one / v_zero;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_DIVBYZERO);
    CHECK(isinf(r));
    feclearexcept(FE_ALL_EXCEPT);
    r = v_zero / v_zero;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_INVALID);
    CHECK(isnan(r));
    feclearexcept(FE_ALL_EXCEPT);
    r = DBL_MAX * v_two;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_OVERFLOW | FE_INEXACT);
    feclearexcept(FE_ALL_EXCEPT);
    r = DBL_MIN / v_three;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_UNDERFLOW | FE_INEXACT);
    feclearexcept(FE_ALL_EXCEPT);
    r = v_one / v_three;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_INEXACT);
    feclearexcept(FE_INEXACT);
    r = v_two * v_three;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), 0);
    CHECK_EQ(gc_f64_bits(r), 0x4018000000000000ull);
    /* rint raises inexact, nearbyint must not */
    feclearexcept(FE_ALL_EXCEPT);
    r = nearbyint(2.5 * v_one);
    CHECK_EQ(fetestexcept(FE_INEXACT), 0);
    r = rint(2.5 * v_one);
    CHECK_EQ(fetestexcept(FE_INEXACT), FE_INEXACT);
    /* raise, save, clear and restore */
    feclearexcept(FE_ALL_EXCEPT);
    CHECK_EQ(feraiseexcept(FE_OVERFLOW | FE_DIVBYZERO), 0);
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_OVERFLOW | FE_DIVBYZERO);
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), 0);
    fesetexceptflag(&saved, FE_DIVBYZERO);
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_DIVBYZERO);
    (void)r;
}

static void test_env(void)
{
    fenv_t env;
    gc_group("environment");
    feclearexcept(FE_ALL_EXCEPT);
    fesetround(FE_TONEAREST);
    CHECK_EQ(fegetenv(&env), 0);
    fesetround(FE_UPWARD);
    feraiseexcept(FE_INVALID);
    CHECK_EQ(fegetround(), FE_UPWARD);
    CHECK_EQ(fesetenv(&env), 0);
    CHECK_EQ(fegetround(), FE_TONEAREST);
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), 0);
    fesetround(FE_DOWNWARD);
    feholdexcept(&env);                    /* saves DOWNWARD, clears flags */
    fesetround(FE_TONEAREST);
    volatile double r = v_one / v_zero;
    (void)r;
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_DIVBYZERO);
    feupdateenv(&env);                     /* restores DOWNWARD and re-raises DIVBYZERO */
    CHECK_EQ(fegetround(), FE_DOWNWARD);
    CHECK_EQ(fetestexcept(FE_ALL_EXCEPT), FE_DIVBYZERO);
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
}

static void test_libm(void)
{
    volatile double a = 0x1.0000000000001p0, b = 0x1.ffffffffffffep-1, c = -1.0;
    gc_group("libm");
    CHECK_EQ(gc_f64_bits(fma(a, b, c)), 0xb970000000000000ull);     /* -2^-104: one rounding */
    CHECK_EQ(gc_f64_bits(a * b + c * v_one), 0);                      /* two roundings */
    volatile float af = 0x1.000002p0f, bf = 0x1.fffffcp-1f, cf = -1.0f;
    CHECK_EQ(gc_f32_bits(fmaf(af, bf, cf)), 0xa8800000);
    CHECK_EQ(gc_f64_bits(sqrt(v_two)), 0x3ff6a09e667f3bcdull);
    CHECK_EQ(gc_f64_bits(fabs(-v_three)), 0x4008000000000000ull);
    CHECK_EQ(gc_f64_bits(copysign(v_three, -0.0)), 0xc008000000000000ull);
    CHECK_EQ(gc_f64_bits(fmin(-0.0 * v_one, 0.0 * v_one)), 0x8000000000000000ull);
    CHECK_EQ(gc_f64_bits(fmax(NAN, v_one)), 0x3ff0000000000000ull);
    CHECK_EQ(gc_f64_bits(floor(-2.5 * v_one)), gc_f64_bits(-3.0));
    CHECK_EQ(gc_f64_bits(ceil(-2.5 * v_one)), gc_f64_bits(-2.0));
    CHECK_EQ(gc_f64_bits(trunc(-2.5 * v_one)), gc_f64_bits(-2.0));
    CHECK_EQ(gc_f64_bits(round(-2.5 * v_one)), gc_f64_bits(-3.0));
    CHECK_EQ(lround(2.5 * v_one), 3);
    CHECK_EQ(llrint(-2.5 * v_one), -2);
    CHECK_EQ(gc_f64_bits(ldexp(v_one, -1074)), 1);
    int e;
    CHECK_EQ(gc_f64_bits(frexp(48.0 * v_one, &e)), gc_f64_bits(0.75));
    CHECK_EQ(e, 6);
}

int main(void)
{
    test_modes();
    test_flags();
    test_env();
    test_libm();
    return gc_finish();
}
