/*
 * Classic floating point (Power ISA 2.06 Book I chapter 4): results, rounding
 * modes, FPSCR status bits (FX, VX*, OX, UX, ZX, XX, FR, FI, FPRF) for special
 * values, NaN propagation order, single-precision rounding, conversions, compares,
 * FPSCR moves and the record forms' CR1.  Expected values follow the manual.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "frontend/ppc/internal.h"
#include "tests/unit/ppc/ppc_test.h"

#define FA(op, xo, t, a, b, c, rc) ppct_a((op), (t), (a), (b), (c), (xo), (rc))
#define FADD(t, a, b)     FA(63, 21, (t), (a), (b), 0, 0)
#define FADD_(t, a, b)    FA(63, 21, (t), (a), (b), 0, 1)
#define FADDS(t, a, b)    FA(59, 21, (t), (a), (b), 0, 0)
#define FSUB(t, a, b)     FA(63, 20, (t), (a), (b), 0, 0)
#define FMUL(t, a, c)     FA(63, 25, (t), (a), 0, (c), 0)
#define FDIV(t, a, b)     FA(63, 18, (t), (a), (b), 0, 0)
#define FSQRT(t, b)       FA(63, 22, (t), 0, (b), 0, 0)
#define FMADD(t, a, c, b) FA(63, 29, (t), (a), (b), (c), 0)
#define FMADDS(t, a, c, b) FA(59, 29, (t), (a), (b), (c), 0)
#define FNMSUB(t, a, c, b) FA(63, 30, (t), (a), (b), (c), 0)
#define FSEL(t, a, c, b)  FA(63, 23, (t), (a), (b), (c), 0)
#define FX63(t, a, b, xo, rc) ppct_x(63, (t), (a), (b), (xo), (rc))
#define FCMPU(bf, a, b)   FX63((bf) << 2, (a), (b), 0, 0)
#define FCMPO(bf, a, b)   FX63((bf) << 2, (a), (b), 32, 0)
#define FRSP(t, b)        FX63((t), 0, (b), 12, 0)
#define FCTIW(t, b)       FX63((t), 0, (b), 14, 0)
#define FCTIWZ(t, b)      FX63((t), 0, (b), 15, 0)
#define FNEG(t, b)        FX63((t), 0, (b), 40, 0)
#define FMR(t, b)         FX63((t), 0, (b), 72, 0)
#define FABS(t, b)        FX63((t), 0, (b), 264, 0)
#define FNABS(t, b)       FX63((t), 0, (b), 136, 0)
#define MFFS(t)           FX63((t), 0, 0, 583, 0)
#define MTFSFI(bf, u)     (FX63((bf) << 2, 0, 0, 134, 0) | (uint32_t)(u) << 12)
#define MTFSB0(bt)        FX63((bt), 0, 0, 70, 0)
#define MTFSB1(bt)        FX63((bt), 0, 0, 38, 0)
#define MTFSF(flm, b)     (FX63(0, 0, (b), 711, 0) | (uint32_t)(flm) << 17)
#define MCRFS(bf, bfa)    FX63((bf) << 2, (bfa) << 2, 0, 64, 0)
#define LFS(t, ra, d)     ppct_d(48, (t), (ra), (d))
#define LFD(t, ra, d)     ppct_d(50, (t), (ra), (d))
#define STFS(s, ra, d)    ppct_d(52, (s), (ra), (d))
#define STFD(s, ra, d)    ppct_d(54, (s), (ra), (d))
#define STFIWX(s, ra, rb) ppct_x(31, (s), (ra), (rb), 983, 0)

#define ONE    UINT64_C(0x3ff0000000000000)
#define TWO    UINT64_C(0x4000000000000000)
#define PINF   UINT64_C(0x7ff0000000000000)
#define NINF   UINT64_C(0xfff0000000000000)
#define DNAN   UINT64_C(0x7ff8000000000000)
#define SNAN1  UINT64_C(0x7ff0000000000001)
#define QNAN2  UINT64_C(0x7ff8000000000002)
#define QNAN3  UINT64_C(0xfff8000000000003)

static PpctMachine m;

static void setup(void)
{
    ppct_init(&m);
}

static void teardown(void)
{
    ppct_fini(&m);
}

static void run(const uint32_t *code, unsigned n)
{
    ppct_load(&m, code, n);
    ck_assert_int_eq(ppct_run(&m), GUEST_EXIT_BREAKPOINT);
    ppc_fp_settle(m.cpu);       /* FPSCR below is read directly: no pending FR/FI/FPRF */
}

#define RUN(...) do { const uint32_t code_[] = { __VA_ARGS__, PPCT_TRAP }; run(code_, G_N_ELEMENTS(code_)); } while (0)
#define F(i) (m.cpu->fpr[i])
#define FPSCR (m.cpu->fpscr)
#define FPRF ((FPSCR >> PPC_FPSCR_FPRF_SHIFT) & 0x1f)

static uint64_t bits(double d)
{
    uint64_t u;

    memcpy(&u, &d, 8);
    return u;
}

START_TEST(test_fadd_inexact_modes)
{
    F(1) = ONE;
    F(2) = bits(0x1p-60);
    RUN(FADD(3, 1, 2));
    ck_assert_uint_eq(F(3), ONE);
    ck_assert_uint_eq(FPSCR & (PPC_FPSCR_FX | PPC_FPSCR_XX | PPC_FPSCR_FI | PPC_FPSCR_FR),
                      PPC_FPSCR_FX | PPC_FPSCR_XX | PPC_FPSCR_FI);
    ck_assert_uint_eq(FPRF, 0x04);              /* +normal */

    FPSCR = 2;                                  /* RN = round toward +infinity */
    RUN(FADD(3, 1, 2), FSUB(4, 1, 2));
    ck_assert_uint_eq(F(3), ONE + 1);
    ck_assert_uint_eq(F(4), ONE);               /* 1 - tiny rounds up to 1 */
    ck_assert(FPSCR & PPC_FPSCR_FR);
    FPSCR = 3;                                  /* toward -infinity */
    RUN(FSUB(4, 1, 2));
    ck_assert_uint_eq(F(4), bits(nextafter(1.0, 0)));
    ck_assert(!(FPSCR & PPC_FPSCR_FR));
}
END_TEST

START_TEST(test_single_rounding)
{
    F(1) = bits(1 + 0x1p-12);
    F(2) = bits(1 + 0x1p-12 + 0x1p-23);
    F(3) = bits(-(0x1p-11 + 0x1p-23));
    F(4) = ONE;
    F(5) = bits(0x1p-30);
    /* exact 1 + 2^-24 + 2^-35: one rounding to single gives 1 + 2^-23 */
    RUN(FADDS(7, 4, 5), FMADDS(6, 1, 2, 3));
    ck_assert_uint_eq(F(6), bits(1 + 0x1p-23));
    ck_assert(FPSCR & PPC_FPSCR_FR);
    ck_assert_uint_eq(F(7), ONE);               /* rounded to single, stored as double */
    ck_assert(FPSCR & PPC_FPSCR_XX);
}
END_TEST

START_TEST(test_sqrt_and_estimates)
{
    F(1) = TWO;
    F(2) = bits(4.0);
    RUN(FSQRT(3, 1));
    ck_assert_uint_eq(F(3), UINT64_C(0x3ff6a09e667f3bcd));     /* rounded up: FR */
    ck_assert_uint_eq(FPSCR & (PPC_FPSCR_FR | PPC_FPSCR_FI | PPC_FPSCR_XX),
                      PPC_FPSCR_FR | PPC_FPSCR_FI | PPC_FPSCR_XX);
    RUN(FA(59, 22, 4, 0, 1, 0, 0), FA(59, 24, 5, 0, 1, 0, 0), FA(63, 26, 6, 0, 2, 0, 0));
    ck_assert_uint_eq(F(4), UINT64_C(0x3ff6a09e60000000));     /* fsqrts: single, rounded down */
    ck_assert_uint_eq(F(5), bits(0.5));                         /* fres 2 */
    ck_assert_uint_eq(F(6), bits(0.5));                         /* frsqrte 4 */
}
END_TEST

START_TEST(test_divide_by_zero)
{
    F(1) = ONE;
    F(2) = 0;
    RUN(FDIV(3, 1, 2));
    ck_assert_uint_eq(F(3), PINF);
    ck_assert_uint_eq(FPSCR & ~PPC_FPSCR_FPRF, PPC_FPSCR_FX | PPC_FPSCR_ZX);
    ck_assert_uint_eq(FPRF, 0x05);              /* +infinity */
}
END_TEST

START_TEST(test_divide_by_zero_enabled)
{
    F(1) = ONE;
    F(2) = 0;
    F(3) = TWO;
    FPSCR = PPC_FPSCR_ZE;
    RUN(FDIV(3, 1, 2));
    ck_assert_uint_eq(F(3), TWO);               /* ZE=1: frT unchanged */
    ck_assert_uint_eq(FPSCR, PPC_FPSCR_FX | PPC_FPSCR_FEX | PPC_FPSCR_ZX | PPC_FPSCR_ZE);
}
END_TEST

START_TEST(test_invalid_operations)
{
    F(1) = PINF;
    F(2) = 0;
    F(3) = bits(-1.0);
    RUN(FSUB(4, 1, 1), FMUL(5, 1, 2), FDIV(6, 2, 2), FDIV(7, 1, 1), FSQRT(8, 3));
    ck_assert_uint_eq(F(4), DNAN);
    ck_assert_uint_eq(F(5), DNAN);
    ck_assert_uint_eq(F(6), DNAN);
    ck_assert_uint_eq(F(7), DNAN);
    ck_assert_uint_eq(F(8), DNAN);
    ck_assert_uint_eq(FPSCR, PPC_FPSCR_FX | PPC_FPSCR_VX | PPC_FPSCR_VXISI | PPC_FPSCR_VXIMZ |
                             PPC_FPSCR_VXZDZ | PPC_FPSCR_VXIDI | PPC_FPSCR_VXSQRT | 0x11u << 12);
}
END_TEST

START_TEST(test_nan_propagation)
{
    F(1) = SNAN1;
    F(2) = ONE;
    F(3) = QNAN2;
    F(4) = QNAN3;
    RUN(FADD(10, 2, 1), FMADD(11, 3, 4, 1), FMADD(12, 2, 4, 3), FMUL(13, 2, 4), FADDS(14, 2, 1));
    ck_assert_uint_eq(F(10), SNAN1 | UINT64_C(0x0008000000000000));    /* quieted */
    ck_assert_uint_eq(F(11), QNAN2);            /* frA first */
    ck_assert_uint_eq(F(12), QNAN2);            /* then frB (frC = QNAN3 comes last) */
    ck_assert_uint_eq(F(13), QNAN3);            /* fmul: frA, frC */
    ck_assert_uint_eq(F(14), UINT64_C(0x7ff8000000000000));   /* single: payload cut */
    ck_assert_uint_eq(FPSCR, PPC_FPSCR_FX | PPC_FPSCR_VX | PPC_FPSCR_VXSNAN | 0x11u << 12);
}
END_TEST

START_TEST(test_fnmsub_sign)
{
    F(1) = TWO;
    F(2) = bits(3.0);
    F(3) = ONE;
    F(4) = QNAN3;
    RUN(FNMSUB(5, 1, 2, 3), FNMSUB(6, 1, 4, 3));
    ck_assert_uint_eq(F(5), bits(-5.0));        /* -(2 * 3 - 1) */
    ck_assert_uint_eq(F(6), QNAN3);             /* a NaN keeps its sign */
}
END_TEST

START_TEST(test_underflow)
{
    F(1) = bits(0x1p-1000);
    F(2) = bits(0x1p-50);
    F(3) = bits(0x1.0000000000001p-1022);
    F(4) = bits(0.5);
    RUN(FMUL(5, 1, 2));                         /* exact subnormal: no UX */
    ck_assert_uint_eq(F(5), bits(0x1p-1050));
    ck_assert_uint_eq(FPSCR & PPC_FPSCR_UX, 0);
    ck_assert_uint_eq(FPRF, 0x14);              /* +denormal */
    RUN(FMUL(6, 3, 4));                         /* tiny and inexact */
    ck_assert(FPSCR & PPC_FPSCR_UX);
    ck_assert(FPSCR & PPC_FPSCR_XX);
}
END_TEST

START_TEST(test_overflow_frsp)
{
    F(1) = bits(1e300);
    F(2) = bits(1 + 0x1p-30);
    F(3) = bits(-0.0);
    RUN(FRSP(4, 1), FRSP(5, 2), FRSP(6, 3));
    ck_assert_uint_eq(F(4), PINF);
    ck_assert(FPSCR & PPC_FPSCR_OX);
    ck_assert(FPSCR & PPC_FPSCR_XX);
    ck_assert_uint_eq(F(5), ONE);
    ck_assert_uint_eq(F(6), bits(-0.0));
    ck_assert_uint_eq(FPRF, 0x12);              /* -zero */
}
END_TEST

START_TEST(test_fctiw)
{
    F(1) = bits(2.5);
    F(2) = bits(-2.7);
    F(3) = bits(3e9);
    F(4) = DNAN;
    RUN(FCTIW(10, 1), FCTIWZ(11, 2), FCTIW(12, 2), FCTIW(13, 3), FCTIW(14, 4));
    ck_assert_uint_eq((uint32_t)F(10), 2);      /* ties to even */
    ck_assert_uint_eq((uint32_t)F(11), (uint32_t)-2);
    ck_assert_uint_eq((uint32_t)F(12), (uint32_t)-3);
    ck_assert_uint_eq((uint32_t)F(13), 0x7fffffffu);
    ck_assert_uint_eq((uint32_t)F(14), 0x80000000u);
    ck_assert(FPSCR & PPC_FPSCR_VXCVI);
    ck_assert(FPSCR & PPC_FPSCR_XX);
}
END_TEST

START_TEST(test_compares)
{
    F(1) = ONE;
    F(2) = TWO;
    F(3) = QNAN2;
    RUN(FCMPU(7, 1, 2), FCMPU(6, 2, 1), FCMPU(5, 1, 1), FCMPU(4, 1, 3));
    ck_assert_uint_eq(m.cpu->cr[7], 8);
    ck_assert_uint_eq(m.cpu->cr[6], 4);
    ck_assert_uint_eq(m.cpu->cr[5], 2);
    ck_assert_uint_eq(m.cpu->cr[4], 1);
    ck_assert_uint_eq(FPSCR, 1u << 12);         /* FPCC = FU, no exception for fcmpu on a QNaN */
    RUN(FCMPO(3, 1, 3));
    ck_assert_uint_eq(m.cpu->cr[3], 1);
    ck_assert_uint_eq(FPSCR, PPC_FPSCR_FX | PPC_FPSCR_VX | PPC_FPSCR_VXVC | 1u << 12);
}
END_TEST

START_TEST(test_fpscr_moves)
{
    F(1) = UINT64_C(0xfff80000000000f3);        /* low word: XE, RN = 3 */
    RUN(MTFSFI(7, 1), MFFS(2), MTFSB1(5), MTFSB1(0), MFFS(3), MTFSF(0x01, 1), MFFS(4), MTFSB0(5),
        MCRFS(2, 1), MFFS(5));
    ck_assert_uint_eq(F(2), 1);                 /* RN = toward zero */
    ck_assert_uint_eq((uint32_t)F(3), PPC_FPSCR_FX | PPC_FPSCR_ZX | 1);   /* mtfsb1 ZX sets FX */
    ck_assert_uint_eq((uint32_t)F(4), PPC_FPSCR_FX | PPC_FPSCR_ZX | 3);   /* field 7 = 0x3 */
    ck_assert_uint_eq(m.cpu->cr[2], 0);         /* field 1 (UX ZX XX VXSNAN): ZX was cleared */
    ck_assert_uint_eq((uint32_t)F(5), PPC_FPSCR_FX | 3);
}
END_TEST

START_TEST(test_record_cr1)
{
    F(1) = PINF;
    F(2) = NINF;
    RUN(FADD_(3, 1, 2));
    ck_assert_uint_eq(m.cpu->cr[1], 0xa);       /* FX | VX */
}
END_TEST

START_TEST(test_moves_and_fsel)
{
    F(1) = bits(-3.0);
    F(2) = bits(5.0);
    F(3) = bits(-0.0);
    F(4) = DNAN;
    RUN(FNEG(10, 1), FABS(11, 1), FNABS(12, 2), FMR(13, 2), FSEL(14, 3, 1, 2), FSEL(15, 1, 1, 2),
        FSEL(16, 4, 1, 2));
    ck_assert_uint_eq(F(10), bits(3.0));
    ck_assert_uint_eq(F(11), bits(3.0));
    ck_assert_uint_eq(F(12), bits(-5.0));
    ck_assert_uint_eq(F(13), bits(5.0));
    ck_assert_uint_eq(F(14), bits(-3.0));       /* -0 >= 0: frC */
    ck_assert_uint_eq(F(15), bits(5.0));        /* -3 < 0: frB */
    ck_assert_uint_eq(F(16), bits(5.0));        /* NaN: frB */
    ck_assert_uint_eq(FPSCR, 0);
}
END_TEST

START_TEST(test_fp_load_store)
{
    ppct_wr32(&m, PPCT_DATA, 0x3fc00000u);      /* 1.5f */
    ppct_wr32(&m, PPCT_DATA + 4, 0x7f800001u);  /* single SNaN */
    ppct_wr64(&m, PPCT_DATA + 8, UINT64_C(0x400921fb54442d18));
    m.cpu->gpr[1] = PPCT_DATA;
    m.cpu->gpr[2] = 40;
    RUN(LFS(1, 1, 0), LFS(2, 1, 4), LFD(3, 1, 8), STFS(1, 1, 16), STFS(2, 1, 20), STFD(3, 1, 24),
        FCTIWZ(4, 3), STFIWX(4, 1, 2));
    ck_assert_uint_eq(F(1), UINT64_C(0x3ff8000000000000));
    ck_assert_uint_eq(F(2), UINT64_C(0x7ff0000020000000));   /* still signalling */
    ck_assert_uint_eq(F(3), UINT64_C(0x400921fb54442d18));
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 16), 0x3fc00000u);
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 20), 0x7f800001u);
    ck_assert_uint_eq(ppct_rd64(&m, PPCT_DATA + 24), UINT64_C(0x400921fb54442d18));
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 40), 3);
    ck_assert_uint_eq(FPSCR & PPC_FPSCR_VX, 0); /* loads and stores raise nothing */
}
END_TEST

/*
 * The inline fast path of the double-precision arithmetic and fused forms (taken with
 * RN = 0 and XX set, FR/FI/FPRF left pending) must give what the helper gives: run
 * many operand triples through lifted code and compare frT and FPSCR (including FR,
 * FI and FPRF, read back by mffs) with direct calls of the helper.
 */
#define FAST_N 400
#define FAST_IN 0x3000u
#define FAST_OUT 0x7000u

static uint64_t fast_operand(GRand *rng)
{
    static const uint64_t special[] = {
        0, UINT64_C(0x8000000000000000), ONE, PINF, DNAN, UINT64_C(0x0010000000000000),
        UINT64_C(0x7fefffffffffffff), UINT64_C(0x000fffffffffffff), UINT64_C(0x0370000000000000),
        UINT64_C(0x0020000000000000), UINT64_C(0x001fffffffffffff), UINT64_C(0x7ff4000000000000),
    };
    uint64_t mant = ((uint64_t)g_rand_int(rng) << 32 | g_rand_int(rng)) & UINT64_C(0x800fffffffffffff);

    switch (g_rand_int_range(rng, 0, 9)) {
    case 0:
        return special[g_rand_int_range(rng, 0, G_N_ELEMENTS(special))];
    case 1:                     /* anywhere, including near under- and overflow */
        return mant | (uint64_t)g_rand_int_range(rng, 0, 0x7ff) << 52;
    case 2:                     /* short mantissas: exact results */
        return (mant & UINT64_C(0x800ff00000000000)) | (uint64_t)g_rand_int_range(rng, 0x3f0, 0x410) << 52;
    case 3:                     /* results near the bottom of the normal range */
        return mant | (uint64_t)g_rand_int_range(rng, 0x1f0, 0x210) << 52;
    default:
        return mant | (uint64_t)g_rand_int_range(rng, 0x3c0, 0x440) << 52;
    }
}

/* One A-form (opcode 63, extended opcode xo) over FAST_N operand triples frA, frB, frC. */
static void fast_path_case(unsigned xo, uint32_t opc)
{
    GRand *rng = g_rand_new_with_seed(xo);
    uint32_t code[] = {
        PPCT_LI(3, FAST_IN - 32), PPCT_LI(4, FAST_OUT - 16), PPCT_LI(5, FAST_N), PPCT_MTSPR(9, 5),
        LFD(0, 0, 0x2ff8),                          /* the FPSCR image at 0x2ff8 */
        ppct_d(51, 1, 3, 32), LFD(2, 3, 8), LFD(6, 3, 16),  /* lfdu f1,32(r3); frB f2, frC f6 */
        MTFSF(0xff, 0),
        /* fields an instruction does not use must be 0 (reserved) */
        FA(63, xo, 3, xo == 22 ? 0 : 1, xo == 25 ? 0 : 2, (opc & PPC_FP_FMA) || xo == 25 ? 6 : 0, 0),
        ppct_d(55, 3, 4, 16),                       /* stfdu f3,16(r4) */
        MFFS(4), STFD(4, 4, 8),
        ppct_bc(16, 0, -32, 0, 0),                  /* bdnz back to the lfdu */
        PPCT_TRAP,
    };
    uint64_t in[FAST_N][3];
    PpcCpu *ref = (PpcCpu *)guest_cpu_new(&ppc32_arch);

    ppct_wr64(&m, 0x2ff8, PPC_FPSCR_XX);
    for (unsigned i = 0; i < FAST_N; i++) {
        for (unsigned k = 0; k < 3; k++) {
            in[i][k] = fast_operand(rng);
            ppct_wr64(&m, FAST_IN + 32 * i + 8 * k, in[i][k]);
        }
    }
    run(code, G_N_ELEMENTS(code));
    for (unsigned i = 0; i < FAST_N; i++) {
        uint64_t want;

        ref->fpscr = PPC_FPSCR_XX;
        want = helper_ppc_farith(ref, in[i][0], in[i][1], in[i][2], 0, opc);
        ck_assert_msg(ppct_rd64(&m, FAST_OUT + 16 * i) == want,
                      "xo %u case %u: %016lx %016lx %016lx: %016lx vs %016lx", xo, i, (unsigned long)in[i][0],
                      (unsigned long)in[i][1], (unsigned long)in[i][2],
                      (unsigned long)ppct_rd64(&m, FAST_OUT + 16 * i), (unsigned long)want);
        ck_assert_msg(ppct_rd32(&m, FAST_OUT + 16 * i + 12) == ref->fpscr, "xo %u case %u: FPSCR %08x vs %08x",
                      xo, i, ppct_rd32(&m, FAST_OUT + 16 * i + 12), ref->fpscr);
    }
    guest_cpu_free(&ref->common);
    g_rand_free(rng);
}

START_TEST(test_fast_path_matches_helper)
{
    fast_path_case(21, PPC_FP_ADD);
    fast_path_case(20, PPC_FP_SUB);
    fast_path_case(25, PPC_FP_MUL);
    fast_path_case(18, PPC_FP_DIV);
    fast_path_case(22, PPC_FP_SQRT);
    fast_path_case(29, PPC_FP_FMA);
    fast_path_case(28, PPC_FP_FMA | PPC_FMA_NEG_C);
    fast_path_case(31, PPC_FP_FMA | PPC_FMA_NEG_R);
    fast_path_case(30, PPC_FP_FMA | PPC_FMA_NEG_C | PPC_FMA_NEG_R);
}
END_TEST

/*
 * The settle of a pending fadd/fsub (Fast2Sum on the operands ordered by magnitude)
 * against the helper, which finds FR and FI by rerunning the operation in two rounding
 * modes: every operand pair whose result the fast path would defer (a normal result of
 * biased exponent 2 or more, or an exact zero), with the smaller operand first or
 * second, cancellation, far-apart exponents, and FPRF pending whole or only its C.
 */
START_TEST(test_settle_addsub_matches_helper)
{
    GRand *rng = g_rand_new_with_seed(77);
    PpcCpu *ref = (PpcCpu *)guest_cpu_new(&ppc32_arch);
    unsigned checked = 0;

    for (unsigned i = 0; i < 20000; i++) {
        uint64_t a = fast_operand(rng), b = fast_operand(rng);
        uint32_t op = (i & 1) ? PPC_FP_SUB : PPC_FP_ADD;
        uint32_t lazy = op | PPC_FP_LAZY | ((i & 2) ? PPC_FP_LAZY_C : PPC_FP_LAZY_FPRF);
        uint32_t base = PPC_FPSCR_XX | ((i & 4) ? PPC_FPSCR_FR | PPC_FPSCR_FI | 0x1fu << 12 : 0);
        uint64_t r, exp;
        uint32_t want, got;

        if ((i & 24) == 8) {
            b = (a ^ (op == PPC_FP_SUB ? 0 : UINT64_C(0x8000000000000000))) + g_rand_int_range(rng, -3, 4);
        } else if ((i & 24) == 16) {
            b = (b & UINT64_C(0x800fffffffffffff)) | ((((a >> 52) & 0x7ff) - 53 + g_rand_int_range(rng, -2, 3)) & 0x7ff) << 52;
        }
        ref->fpscr = base;
        r = helper_ppc_farith(ref, a, b, 0, 0, op);
        exp = (r >> 52) & 0x7ff;
        if ((r << 1) != 0 && (exp < 2 || exp == 0x7ff)) {
            continue;               /* the fast path takes the helper for these */
        }
        if ((ref->fpscr & ~(PPC_FPSCR_FR | PPC_FPSCR_FI | PPC_FPSCR_FPRF)) !=
            (base & ~(PPC_FPSCR_FR | PPC_FPSCR_FI | PPC_FPSCR_FPRF))) {
            continue;               /* raised more than inexact */
        }
        want = ref->fpscr;
        if (lazy & PPC_FP_LAZY_C) {  /* FPCC as an fcmp since left it: the old one */
            want = (want & ~PPC_FPSCR_FPCC) | (base & PPC_FPSCR_FPCC);
        }
        got = helper_ppc_fpscr_settled(base, lazy, a, b, 0);
        ck_assert_msg(got == want, "%s %016lx %016lx: FPSCR %08x, helper %08x", op ? "fsub" : "fadd",
                      (unsigned long)a, (unsigned long)b, got, want);
        checked++;
    }
    ck_assert_uint_gt(checked, 10000);
    guest_cpu_free(&ref->common);
    g_rand_free(rng);
}
END_TEST

/*
 * A pending FR/FI/FPRF must be worked out by whatever reads FPSCR next: the FP helpers
 * (here fcmpu, which writes FPCC over it, and mtfsfi), mcrfs, and the register table.
 */
START_TEST(test_lazy_fpscr_readers)
{
    F(1) = ONE;
    F(2) = bits(0x1p-60);
    FPSCR = PPC_FPSCR_XX;
    RUN(FADD(3, 1, 2));                         /* inexact, FI set, +normal */
    ck_assert_uint_eq(FPSCR, PPC_FPSCR_XX | PPC_FPSCR_FI | 0x04u << PPC_FPSCR_FPRF_SHIFT);

    FPSCR = PPC_FPSCR_XX;
    RUN(FADD(3, 1, 2), FCMPU(7, 1, 1));         /* FPCC = equal, C from the add's FPRF (0) */
    ck_assert_uint_eq(FPSCR, PPC_FPSCR_XX | PPC_FPSCR_FI | 0x02u << PPC_FPSCR_FPRF_SHIFT);

    FPSCR = PPC_FPSCR_XX;
    F(4) = bits(-3.0);
    RUN(FMUL(3, 4, 4), FSUB(3, 1, 2), MCRFS(2, 3)); /* field 3: C FI FR VXVC of the fsub */
    ck_assert_uint_eq(m.cpu->cr[2], 0x6);       /* 1 - 2^-60 rounds up to 1: FI and FR */

    FPSCR = PPC_FPSCR_XX;
    {
        const uint32_t code[] = { FSUB(3, 1, 2), PPCT_TRAP };

        ppct_load(&m, code, G_N_ELEMENTS(code));
        ck_assert_int_eq(ppct_run(&m), GUEST_EXIT_BREAKPOINT);
    }
    ck_assert_uint_ne(m.cpu->fp_lazy_op, 0);   /* still pending: the register table works it out */
    ck_assert_uint_eq(ppc_get_fpscr(m.cpu), PPC_FPSCR_XX | PPC_FPSCR_FI | PPC_FPSCR_FR | 0x04u << 12);
    ppc_fp_settle(m.cpu);
    ck_assert_uint_eq(m.cpu->fp_lazy_op, 0);
    ck_assert_uint_eq(FPSCR, PPC_FPSCR_XX | PPC_FPSCR_FI | PPC_FPSCR_FR | 0x04u << 12);
}
END_TEST

Suite *ppc_fp_suite(void)
{
    Suite *s = suite_create("ppc_fp");
    TCase *tc = tcase_create("fpu");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_fadd_inexact_modes);
    tcase_add_test(tc, test_single_rounding);
    tcase_add_test(tc, test_sqrt_and_estimates);
    tcase_add_test(tc, test_divide_by_zero);
    tcase_add_test(tc, test_divide_by_zero_enabled);
    tcase_add_test(tc, test_invalid_operations);
    tcase_add_test(tc, test_nan_propagation);
    tcase_add_test(tc, test_fnmsub_sign);
    tcase_add_test(tc, test_underflow);
    tcase_add_test(tc, test_overflow_frsp);
    tcase_add_test(tc, test_fctiw);
    tcase_add_test(tc, test_compares);
    tcase_add_test(tc, test_fpscr_moves);
    tcase_add_test(tc, test_record_cr1);
    tcase_add_test(tc, test_moves_and_fsel);
    tcase_add_test(tc, test_fp_load_store);
    tcase_add_test(tc, test_fast_path_matches_helper);
    tcase_add_test(tc, test_lazy_fpscr_readers);
    tcase_add_test(tc, test_settle_addsub_matches_helper);
    suite_add_tcase(s, tc);
    return s;
}
