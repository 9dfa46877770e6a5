/*
 * rv64f.c - the F extension (RISC-V unprivileged ISA, chapter 11) checked against IEEE 754-2008:
 * every arithmetic, fused, sign-injection, compare, classify and convert instruction, each row
 * with its rounding mode (through frm) and the exact fflags it must raise (NV DZ OF UF NX).
 * RISC-V specifics checked here: NaN results are the canonical NaN 0x7fc00000 (no payload
 * propagation), fmin/fmax follow minimumNumber/maximumNumber with -0 < +0 and signal NV only on
 * sNaN, out-of-range conversions saturate and raise NV, tininess is detected after rounding,
 * 0 * inf + qNaN still raises NV, and single values in 64-bit registers must be NaN-boxed.
 */
#define FSFX ".s"
#define FMV_TO_F "fmv.w.x"
#define FMV_FROM_F "fmv.x.w"
#include "fp_common.h"

#define P1 0x3f800000ull        /* 1.0 */
#define M1 0xbf800000ull        /* -1.0 */
#define P2 0x40000000ull
#define M2 0xc0000000ull
#define P3 0x40400000ull
#define PH 0x3f000000ull        /* 0.5 */
#define MH 0xbf000000ull
#define P1_5 0x3fc00000ull
#define M1_5 0xbfc00000ull
#define P2_5 0x40200000ull
#define M2_5 0xc0200000ull
#define PZ 0x00000000ull
#define MZ 0x80000000ull
#define PINF 0x7f800000ull
#define MINF 0xff800000ull
#define QNAN 0x7fc00000ull      /* the canonical NaN */
#define QNANP 0x7fc12345ull     /* quiet NaN with a payload */
#define NQNAN 0xffc00000ull
#define SNAN 0x7f800001ull
#define NSNAN 0xff800001ull
#define MAXF 0x7f7fffffull
#define NMAXF 0xff7fffffull
#define MINN 0x00800000ull      /* smallest normal 2^-126 */
#define MINS 0x00000001ull      /* smallest subnormal 2^-149 */
#define MAXS 0x007fffffull
#define EPS24 0x33800000ull     /* 2^-24: half an ulp of 1.0 */
#define NEPS24 0xb3800000ull
#define ONEP 0x3f800001ull      /* 1 + 2^-23 */
#define ONEM 0x3f7ffffeull      /* 1 - 2^-23 */
#define ALL1 0xffffffffffffffffull
#define MIN32 0xffffffff80000000ull
#define MAX64 0x7fffffffffffffffull
#define MIN64 0x8000000000000000ull

static const FpCase arith[] = {
    { OP_ADD, RNE, P1, P2, 0, P3, 0 },
    /* 1 + 2^-24 is a tie between 1.0 and 1 + 2^-23 */
    { OP_ADD, RNE, P1, EPS24, 0, P1, NX },
    { OP_ADD, RTZ, P1, EPS24, 0, P1, NX },
    { OP_ADD, RDN, P1, EPS24, 0, P1, NX },
    { OP_ADD, RUP, P1, EPS24, 0, 0x3f800001, NX },
    { OP_ADD, RMM, P1, EPS24, 0, 0x3f800001, NX },
    { OP_ADD, RNE, ONEP, EPS24, 0, 0x3f800002, NX },     /* tie to even goes up here */
    { OP_ADD, RNE, M1, NEPS24, 0, M1, NX },
    { OP_ADD, RTZ, M1, NEPS24, 0, M1, NX },
    { OP_ADD, RDN, M1, NEPS24, 0, 0xbf800001, NX },
    { OP_ADD, RUP, M1, NEPS24, 0, M1, NX },
    { OP_ADD, RMM, M1, NEPS24, 0, 0xbf800001, NX },
    /* signed zeros */
    { OP_SUB, RNE, P1, P1, 0, PZ, 0 },
    { OP_SUB, RDN, P1, P1, 0, MZ, 0 },
    { OP_ADD, RNE, MZ, MZ, 0, MZ, 0 },
    { OP_ADD, RNE, MZ, PZ, 0, PZ, 0 },
    { OP_ADD, RDN, MZ, PZ, 0, MZ, 0 },
    /* infinities and NaNs */
    { OP_ADD, RNE, PINF, MINF, 0, QNAN, NV },
    { OP_SUB, RNE, PINF, PINF, 0, QNAN, NV },
    { OP_ADD, RNE, PINF, P1, 0, PINF, 0 },
    { OP_ADD, RNE, QNANP, P1, 0, QNAN, 0 },
    { OP_ADD, RNE, P1, NQNAN, 0, QNAN, 0 },
    { OP_ADD, RNE, SNAN, P1, 0, QNAN, NV },
    { OP_SUB, RNE, P1, NSNAN, 0, QNAN, NV },
    /* overflow in every rounding mode */
    { OP_ADD, RNE, MAXF, MAXF, 0, PINF, OF | NX },
    { OP_ADD, RTZ, MAXF, MAXF, 0, MAXF, OF | NX },
    { OP_ADD, RDN, MAXF, MAXF, 0, MAXF, OF | NX },
    { OP_ADD, RUP, MAXF, MAXF, 0, PINF, OF | NX },
    { OP_ADD, RMM, MAXF, MAXF, 0, PINF, OF | NX },
    { OP_MUL, RNE, NMAXF, P2, 0, MINF, OF | NX },
    { OP_MUL, RTZ, NMAXF, P2, 0, NMAXF, OF | NX },
    { OP_MUL, RDN, NMAXF, P2, 0, MINF, OF | NX },
    { OP_MUL, RUP, NMAXF, P2, 0, NMAXF, OF | NX },
    { OP_MUL, RMM, NMAXF, P2, 0, MINF, OF | NX },
    /* multiply */
    { OP_MUL, RNE, P3, PH, 0, P1_5, 0 },
    { OP_MUL, RNE, MZ, 0x40a00000, 0, MZ, 0 },
    { OP_MUL, RNE, PZ, PINF, 0, QNAN, NV },
    { OP_MUL, RNE, MINF, M2, 0, PINF, 0 },
    /* underflow: 2^-150 is a tie between 0 and the smallest subnormal */
    { OP_MUL, RNE, MINS, PH, 0, PZ, UF | NX },
    { OP_MUL, RTZ, MINS, PH, 0, PZ, UF | NX },
    { OP_MUL, RDN, MINS, PH, 0, PZ, UF | NX },
    { OP_MUL, RUP, MINS, PH, 0, MINS, UF | NX },
    { OP_MUL, RMM, MINS, PH, 0, MINS, UF | NX },
    { OP_MUL, RNE, MINN, PH, 0, 0x00400000, 0 },         /* exact subnormal: no UF */
    /* 2^-126 * (1 - 2^-46): tiny before rounding but not after it, so NX without UF */
    { OP_MUL, RNE, ONEM, 0x00800001, 0, MINN, NX },
    { OP_MUL, RTZ, ONEM, 0x00800001, 0, MAXS, UF | NX },
    /* divide */
    { OP_DIV, RNE, P1, P3, 0, 0x3eaaaaab, NX },
    { OP_DIV, RTZ, P1, P3, 0, 0x3eaaaaaa, NX },
    { OP_DIV, RDN, P1, P3, 0, 0x3eaaaaaa, NX },
    { OP_DIV, RUP, P1, P3, 0, 0x3eaaaaab, NX },
    { OP_DIV, RMM, P1, P3, 0, 0x3eaaaaab, NX },
    { OP_DIV, RDN, M1, P3, 0, 0xbeaaaaab, NX },
    { OP_DIV, RUP, M1, P3, 0, 0xbeaaaaaa, NX },
    { OP_DIV, RNE, 0x40c00000, P3, 0, P2, 0 },
    { OP_DIV, RNE, P1, PZ, 0, PINF, DZ },
    { OP_DIV, RNE, M1, PZ, 0, MINF, DZ },
    { OP_DIV, RNE, P1, MZ, 0, MINF, DZ },
    { OP_DIV, RNE, PZ, PZ, 0, QNAN, NV },
    { OP_DIV, RNE, PINF, PINF, 0, QNAN, NV },
    { OP_DIV, RNE, PINF, PZ, 0, PINF, 0 },
    { OP_DIV, RNE, PZ, PINF, 0, PZ, 0 },
    { OP_DIV, RNE, SNAN, PZ, 0, QNAN, NV },
    /* square root */
    { OP_SQRT, RNE, 0x40800000, 0, 0, P2, 0 },
    { OP_SQRT, RNE, P2, 0, 0, 0x3fb504f3, NX },
    { OP_SQRT, RTZ, P2, 0, 0, 0x3fb504f3, NX },
    { OP_SQRT, RUP, P2, 0, 0, 0x3fb504f4, NX },
    { OP_SQRT, RNE, M1, 0, 0, QNAN, NV },
    { OP_SQRT, RNE, MZ, 0, 0, MZ, 0 },
    { OP_SQRT, RNE, PINF, 0, 0, PINF, 0 },
    { OP_SQRT, RNE, MINF, 0, 0, QNAN, NV },
    { OP_SQRT, RNE, QNANP, 0, 0, QNAN, 0 },
    { OP_SQRT, RNE, SNAN, 0, 0, QNAN, NV },
};

#include "fp_cases_shared.h"

static const FpCase fused[] = {
    /* (1 + 2^-23)(1 - 2^-23) = 1 - 2^-46: one rounding keeps the 2^-46, two would give 0 */
    { OP_MADD, RNE, ONEP, ONEM, M1, 0xa8800000, 0 },
    { OP_MSUB, RNE, ONEP, ONEM, P1, 0xa8800000, 0 },
    { OP_NMSUB, RNE, ONEP, ONEM, P1, 0x28800000, 0 },
    { OP_NMADD, RNE, ONEP, ONEM, M1, 0x28800000, 0 },
    { OP_MADD, RNE, P2, P3, P1, 0x40e00000, 0 },
    { OP_MSUB, RNE, P2, P3, P1, 0x40a00000, 0 },
    { OP_NMSUB, RNE, P2, P3, P1, 0xc0a00000, 0 },
    { OP_NMADD, RNE, P2, P3, P1, 0xc0e00000, 0 },
    { OP_MADD, RNE, PZ, PINF, QNAN, QNAN, NV },          /* inf * 0 is invalid even + qNaN */
    { OP_MADD, RNE, PINF, P1, MINF, QNAN, NV },
    { OP_MADD, RNE, P1, P1, QNANP, QNAN, 0 },
    { OP_NMSUB, RNE, P1, P1, SNAN, QNAN, NV },
    { OP_MADD, RNE, P1, M1, P1, PZ, 0 },
    { OP_MADD, RDN, P1, M1, P1, MZ, 0 },
    { OP_MADD, RNE, MAXF, P2, NMAXF, MAXF, 0 },          /* no intermediate overflow */
    { OP_MADD, RNE, MAXF, P2, MINF, MINF, 0 },
    { OP_MADD, RNE, MAXF, P2, PZ, PINF, OF | NX },
    { OP_MADD, RTZ, MAXF, P2, PZ, MAXF, OF | NX },
    { OP_MADD, RNE, P1, EPS24, P1, P1, NX },
    { OP_MADD, RUP, P1, EPS24, P1, 0x3f800001, NX },
    { OP_MADD, RMM, P1, EPS24, P1, 0x3f800001, NX },
};

static const FpCase sign[] = {
    { OP_SGNJ, RNE, P1, M2, 0, M1, 0 },
    { OP_SGNJ, RNE, M1, P2, 0, P1, 0 },
    { OP_SGNJN, RNE, P1, M2, 0, P1, 0 },
    { OP_SGNJN, RNE, P1, P2, 0, M1, 0 },
    { OP_SGNJX, RNE, M1, M2, 0, P1, 0 },
    { OP_SGNJX, RNE, M1, P2, 0, M1, 0 },
    { OP_SGNJX, RNE, MINF, MZ, 0, PINF, 0 },
    { OP_SGNJ, RNE, SNAN, M1, 0, NSNAN, 0 },             /* NaNs pass unchanged, no NV */
    { OP_SGNJN, RNE, QNANP, QNANP, 0, 0xffc12345, 0 },
    { OP_SGNJX, RNE, NQNAN, NQNAN, 0, QNAN, 0 },
};

static const FpCase classify[] = {
    { OP_CLASS, RNE, MINF, 0, 0, 1 << 0, 0 },
    { OP_CLASS, RNE, M1, 0, 0, 1 << 1, 0 },
    { OP_CLASS, RNE, NMAXF, 0, 0, 1 << 1, 0 },
    { OP_CLASS, RNE, 0x80000001, 0, 0, 1 << 2, 0 },
    { OP_CLASS, RNE, 0x807fffff, 0, 0, 1 << 2, 0 },
    { OP_CLASS, RNE, MZ, 0, 0, 1 << 3, 0 },
    { OP_CLASS, RNE, PZ, 0, 0, 1 << 4, 0 },
    { OP_CLASS, RNE, MINS, 0, 0, 1 << 5, 0 },
    { OP_CLASS, RNE, MAXS, 0, 0, 1 << 5, 0 },
    { OP_CLASS, RNE, P1, 0, 0, 1 << 6, 0 },
    { OP_CLASS, RNE, MINN, 0, 0, 1 << 6, 0 },
    { OP_CLASS, RNE, PINF, 0, 0, 1 << 7, 0 },
    { OP_CLASS, RNE, SNAN, 0, 0, 1 << 8, 0 },
    { OP_CLASS, RNE, NSNAN, 0, 0, 1 << 8, 0 },
    { OP_CLASS, RNE, 0x7fbfffff, 0, 0, 1 << 8, 0 },
    { OP_CLASS, RNE, QNAN, 0, 0, 1 << 9, 0 },
    { OP_CLASS, RNE, NQNAN, 0, 0, 1 << 9, 0 },
    { OP_CLASS, RNE, QNANP, 0, 0, 1 << 9, 0 },
};

static const FpCase to_int[] = {
    { OP_CVT_W, RNE, P1_5, 0, 0, 2, NX },
    { OP_CVT_W, RTZ, P1_5, 0, 0, 1, NX },
    { OP_CVT_W, RDN, P1_5, 0, 0, 1, NX },
    { OP_CVT_W, RUP, P1_5, 0, 0, 2, NX },
    { OP_CVT_W, RMM, P1_5, 0, 0, 2, NX },
    { OP_CVT_W, RNE, P2_5, 0, 0, 2, NX },
    { OP_CVT_W, RMM, P2_5, 0, 0, 3, NX },
    { OP_CVT_W, RNE, M2_5, 0, 0, (uint64_t)-2, NX },
    { OP_CVT_W, RTZ, M2_5, 0, 0, (uint64_t)-2, NX },
    { OP_CVT_W, RDN, M2_5, 0, 0, (uint64_t)-3, NX },
    { OP_CVT_W, RUP, M2_5, 0, 0, (uint64_t)-2, NX },
    { OP_CVT_W, RMM, M2_5, 0, 0, (uint64_t)-3, NX },
    { OP_CVT_W, RNE, M1, 0, 0, ALL1, 0 },                /* results sign-extend to 64 bits */
    { OP_CVT_W, RNE, MZ, 0, 0, 0, 0 },
    { OP_CVT_W, RNE, QNAN, 0, 0, 0x7fffffff, NV },
    { OP_CVT_W, RNE, NQNAN, 0, 0, 0x7fffffff, NV },      /* NaN saturates positive whatever its sign */
    { OP_CVT_W, RNE, PINF, 0, 0, 0x7fffffff, NV },
    { OP_CVT_W, RNE, MINF, 0, 0, MIN32, NV },
    { OP_CVT_W, RNE, 0x4f32d05e, 0, 0, 0x7fffffff, NV },  /* 3e9 */
    { OP_CVT_W, RNE, 0xcf32d05e, 0, 0, MIN32, NV },
    { OP_CVT_W, RNE, 0xcf000000, 0, 0, MIN32, 0 },        /* -2^31 fits exactly */
    { OP_CVT_W, RNE, 0x4f000000, 0, 0, 0x7fffffff, NV },  /* 2^31 does not */
    { OP_CVT_WU, RNE, M1, 0, 0, 0, NV },
    { OP_CVT_WU, RNE, QNAN, 0, 0, ALL1, NV },
    { OP_CVT_WU, RNE, PINF, 0, 0, ALL1, NV },
    { OP_CVT_WU, RNE, MINF, 0, 0, 0, NV },
    { OP_CVT_WU, RNE, 0x4f800000, 0, 0, ALL1, NV },       /* 2^32 */
    { OP_CVT_WU, RNE, 0x4f32d05e, 0, 0, 0xffffffffb2d05e00ull, 0 },   /* 3e9, sign-extended */
    { OP_CVT_WU, RNE, 0x4f7fffff, 0, 0, 0xffffffffffffff00ull, 0 },
    { OP_CVT_WU, RTZ, MH, 0, 0, 0, NX },                  /* rounds to 0: in range, no NV */
    { OP_CVT_WU, RDN, MH, 0, 0, 0, NV },                  /* rounds to -1: out of range */
    { OP_CVT_WU, RNE, P2_5, 0, 0, 2, NX },
    { OP_CVT_L, RNE, QNAN, 0, 0, MAX64, NV },
    { OP_CVT_L, RNE, PINF, 0, 0, MAX64, NV },
    { OP_CVT_L, RNE, MINF, 0, 0, MIN64, NV },
    { OP_CVT_L, RNE, 0x5f000000, 0, 0, MAX64, NV },       /* 2^63 */
    { OP_CVT_L, RNE, 0xdf000000, 0, 0, MIN64, 0 },        /* -2^63 */
    { OP_CVT_L, RNE, 0x5effffff, 0, 0, 0x7fffff8000000000ull, 0 },
    { OP_CVT_L, RNE, P1_5, 0, 0, 2, NX },
    { OP_CVT_L, RNE, M1_5, 0, 0, (uint64_t)-2, NX },
    { OP_CVT_L, RMM, M2_5, 0, 0, (uint64_t)-3, NX },
    { OP_CVT_L, RUP, M2_5, 0, 0, (uint64_t)-2, NX },
    { OP_CVT_LU, RNE, M1, 0, 0, 0, NV },
    { OP_CVT_LU, RNE, QNAN, 0, 0, ALL1, NV },
    { OP_CVT_LU, RNE, 0x5f800000, 0, 0, ALL1, NV },       /* 2^64 */
    { OP_CVT_LU, RNE, 0x5f000000, 0, 0, MIN64, 0 },
    { OP_CVT_LU, RTZ, 0xbf666666, 0, 0, 0, NX },          /* -0.9 truncates to 0 */
    { OP_CVT_LU, RNE, MZ, 0, 0, 0, 0 },
    { OP_CVT_LU, RUP, P1_5, 0, 0, 2, NX },
};

static const FpCase from_int[] = {
    { OP_CVT_FROM_W, RNE, 0x7fffffff, 0, 0, 0x4f000000, NX },
    { OP_CVT_FROM_W, RTZ, 0x7fffffff, 0, 0, 0x4effffff, NX },
    { OP_CVT_FROM_W, RDN, 0x7fffffff, 0, 0, 0x4effffff, NX },
    { OP_CVT_FROM_W, RUP, 0x7fffffff, 0, 0, 0x4f000000, NX },
    { OP_CVT_FROM_W, RMM, 0x7fffffff, 0, 0, 0x4f000000, NX },
    { OP_CVT_FROM_W, RNE, 0xffffffff00000005ull, 0, 0, 0x40a00000, 0 },   /* low word only */
    { OP_CVT_FROM_W, RNE, 0x80000000, 0, 0, 0xcf000000, 0 },
    { OP_CVT_FROM_W, RNE, 0xffffffff, 0, 0, M1, 0 },
    { OP_CVT_FROM_W, RNE, 0x01000001, 0, 0, 0x4b800000, NX },            /* 2^24 + 1 */
    { OP_CVT_FROM_W, RUP, 0x01000001, 0, 0, 0x4b800001, NX },
    { OP_CVT_FROM_W, RNE, 0, 0, 0, PZ, 0 },
    { OP_CVT_FROM_WU, RNE, 0xffffffff, 0, 0, 0x4f800000, NX },
    { OP_CVT_FROM_WU, RTZ, 0xffffffff, 0, 0, 0x4f7fffff, NX },
    { OP_CVT_FROM_WU, RNE, 0x1234567800000003ull, 0, 0, P3, 0 },
    { OP_CVT_FROM_WU, RNE, 0x80000000, 0, 0, 0x4f000000, 0 },
    { OP_CVT_FROM_L, RNE, MIN64, 0, 0, 0xdf000000, 0 },
    { OP_CVT_FROM_L, RNE, MAX64, 0, 0, 0x5f000000, NX },
    { OP_CVT_FROM_L, RTZ, MAX64, 0, 0, 0x5effffff, NX },
    { OP_CVT_FROM_L, RNE, ALL1, 0, 0, M1, 0 },
    { OP_CVT_FROM_L, RNE, 0x100000000ull, 0, 0, 0x4f800000, 0 },
    { OP_CVT_FROM_LU, RNE, ALL1, 0, 0, 0x5f800000, NX },
    { OP_CVT_FROM_LU, RTZ, ALL1, 0, 0, 0x5f7fffff, NX },
    { OP_CVT_FROM_LU, RNE, MIN64, 0, 0, 0x5f000000, 0 },
    { OP_CVT_FROM_LU, RNE, 0, 0, 0, PZ, 0 },
};

/* Single values live NaN-boxed in the 64-bit f registers (11.2, 12.2). */
static void test_nan_boxing(void)
{
    uint64_t r, fl;
    gc_group("nan_boxing");
    /* Properly boxed 1.0 + 1.0 = 2.0; the result is boxed. */
    __asm__ volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\tfadd.s ft1, ft0, ft0\n\t"
                     "frflags %1\n\tfmv.x.d %0, ft1"
                     : "=r"(r), "=r"(fl) : "r"(0xffffffff3f800000ull) : "ft0", "ft1");
    CHECK_EQ(r, 0xffffffff40000000ull);
    CHECK_EQ(fl, 0);
    /* Not boxed: the operand reads as the canonical NaN; quiet, so no NV. */
    __asm__ volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\tfadd.s ft1, ft0, ft0\n\t"
                     "frflags %1\n\tfmv.x.d %0, ft1"
                     : "=r"(r), "=r"(fl) : "r"(0x000000003f800000ull) : "ft0", "ft1");
    CHECK_EQ(r, 0xffffffff7fc00000ull);
    CHECK_EQ(fl, 0);
    __asm__ volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\tfmul.s ft1, ft0, ft0\n\t"
                     "frflags %1\n\tfmv.x.d %0, ft1"
                     : "=r"(r), "=r"(fl) : "r"(0xfffffffe3f800000ull) : "ft0", "ft1");
    CHECK_EQ(r, 0xffffffff7fc00000ull);
    CHECK_EQ(fl, 0);
    /* fclass.s and feq.s see the canonical NaN too. */
    __asm__ volatile("fmv.d.x ft0, %1\n\tfclass.s %0, ft0" : "=r"(r) : "r"(0x12345678ull) : "ft0");
    CHECK_EQ(r, 1 << 9);
    __asm__ volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\tfeq.s %0, ft0, ft0\n\tfrflags %1"
                     : "=r"(r), "=r"(fl) : "r"(0x3f800000ull) : "ft0");
    CHECK_EQ(r, 0);
    CHECK_EQ(fl, 0);
    /* Sign injection with an unboxed rs1: canonical NaN magnitude, sign from rs2. */
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.w.x ft1, %2\n\tfsgnj.s ft2, ft0, ft1\n\tfmv.x.d %0, ft2"
                     : "=r"(r) : "r"(0x3f800000ull), "r"(M1) : "ft0", "ft1", "ft2");
    CHECK_EQ(r, 0xffffffffffc00000ull);
    /* Transfers do not check the box: fmv.x.w and fsw move the low 32 bits as they are. */
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.x.w %0, ft0" : "=r"(r) : "r"(0x00000000bf800000ull) : "ft0");
    CHECK_EQ(r, 0xffffffffbf800000ull);
    uint32_t word = 0;
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)" : : "r"(&word), "r"(0x123456783fc00000ull)
                     : "ft0", "memory");
    CHECK_EQ(word, 0x3fc00000);
    /* flw and fmv.w.x box what they write. */
    word = 0x40490fdb;
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(&word) : "ft0", "memory");
    CHECK_EQ(r, 0xffffffff40490fdbull);
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(0xabcdef0112345678ull) : "ft0");
    CHECK_EQ(r, 0xffffffff12345678ull);
    /* fcvt.d.s of an unboxed operand converts the canonical NaN. */
    __asm__ volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\tfcvt.d.s ft1, ft0\n\tfrflags %1\n\t"
                     "fmv.x.d %0, ft1" : "=r"(r), "=r"(fl) : "r"(0x3f800000ull) : "ft0", "ft1");
    CHECK_EQ(r, 0x7ff8000000000000ull);
    CHECK_EQ(fl, 0);
}

static void test_moves(void)
{
    uint64_t r, fl;
    gc_group("moves_loads_stores");
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.w %0, ft0" : "=r"(r) : "r"(MZ) : "ft0");
    CHECK_EQ(r, 0xffffffff80000000ull);                   /* fmv.x.w sign-extends bit 31 */
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.w %0, ft0" : "=r"(r) : "r"(PINF) : "ft0");
    CHECK_EQ(r, PINF);
    /* Loads, stores and moves keep sNaN payloads bit for bit and raise nothing. */
    uint32_t in = (uint32_t)SNAN, out = 0;
    __asm__ volatile("csrw fflags, zero\n\tflw ft0, 0(%1)\n\tfsgnj.s ft1, ft0, ft0\n\t"
                     "fsw ft1, 0(%2)\n\tfrflags %0"
                     : "=r"(fl) : "r"(&in), "r"(&out) : "ft0", "ft1", "memory");
    CHECK_EQ(out, SNAN);
    CHECK_EQ(fl, 0);
    float arr[4] = { 1.0f, 2.0f, 3.0f, 4.0f };
    float sum;
    __asm__ volatile("flw ft0, 0(%1)\n\tflw ft1, 4(%1)\n\tflw ft2, 8(%1)\n\tflw ft3, 12(%1)\n\t"
                     "fadd.s ft0, ft0, ft1\n\tfadd.s ft2, ft2, ft3\n\tfadd.s %0, ft0, ft2\n\t"
                     "fsw %0, -4(%2)"
                     : "=f"(sum) : "r"(arr), "r"(&arr[1]) : "ft0", "ft1", "ft2", "ft3", "memory");
    CHECK_EQ(gc_f32_bits(sum), 0x41200000);              /* 10.0 */
    CHECK_EQ(gc_f32_bits(arr[0]), 0x41200000);
}

/* Static rounding modes in the instruction override frm (set to the opposite mode here). */
static void test_static_rm(void)
{
    uint64_t r[5];
    uint64_t a = P1, b = EPS24;
    gc_group("static_rounding");
    __asm__ volatile("fsrmi 3\n\t"      /* frm = RUP, which every static mode below must ignore */
                     "fmv.w.x ft0, %5\n\tfmv.w.x ft1, %6\n\t"
                     "fadd.s ft2, ft0, ft1, rne\n\tfmv.x.w %0, ft2\n\t"
                     "fadd.s ft2, ft0, ft1, rtz\n\tfmv.x.w %1, ft2\n\t"
                     "fadd.s ft2, ft0, ft1, rdn\n\tfmv.x.w %2, ft2\n\t"
                     "fadd.s ft2, ft0, ft1, rup\n\tfmv.x.w %3, ft2\n\t"
                     "fadd.s ft2, ft0, ft1, rmm\n\tfmv.x.w %4, ft2\n\t"
                     "fsrmi 0"
                     : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4])
                     : "r"(a), "r"(b) : "ft0", "ft1", "ft2");
    CHECK_EQ(r[0], P1);
    CHECK_EQ(r[1], P1);
    CHECK_EQ(r[2], P1);
    CHECK_EQ(r[3], 0x3f800001);
    CHECK_EQ(r[4], 0x3f800001);
    a = M2_5;
    __asm__ volatile("fsrmi 1\n\t"
                     "fmv.w.x ft0, %5\n\t"
                     "fcvt.w.s %0, ft0, rne\n\t"
                     "fcvt.w.s %1, ft0, rtz\n\t"
                     "fcvt.w.s %2, ft0, rdn\n\t"
                     "fcvt.w.s %3, ft0, rup\n\t"
                     "fcvt.w.s %4, ft0, rmm\n\t"
                     "fsrmi 0"
                     : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4])
                     : "r"(a) : "ft0");
    CHECK_EQ(r[0], (uint64_t)-2);
    CHECK_EQ(r[1], (uint64_t)-2);
    CHECK_EQ(r[2], (uint64_t)-3);
    CHECK_EQ(r[3], (uint64_t)-2);
    CHECK_EQ(r[4], (uint64_t)-3);
    a = P1;
    b = P3;
    __asm__ volatile("fsrmi 4\n\t"
                     "fmv.w.x ft0, %5\n\tfmv.w.x ft1, %6\n\t"
                     "fdiv.s ft2, ft0, ft1, rne\n\tfmv.x.w %0, ft2\n\t"
                     "fdiv.s ft2, ft0, ft1, rtz\n\tfmv.x.w %1, ft2\n\t"
                     "fdiv.s ft2, ft0, ft1, rdn\n\tfmv.x.w %2, ft2\n\t"
                     "fdiv.s ft2, ft0, ft1, rup\n\tfmv.x.w %3, ft2\n\t"
                     "fdiv.s ft2, ft0, ft1, dyn\n\tfmv.x.w %4, ft2\n\t"
                     "fsrmi 0"
                     : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4])
                     : "r"(a), "r"(b) : "ft0", "ft1", "ft2");
    CHECK_EQ(r[0] & 0xffffffff, 0x3eaaaaab);
    CHECK_EQ(r[1] & 0xffffffff, 0x3eaaaaaa);
    CHECK_EQ(r[2] & 0xffffffff, 0x3eaaaaaa);
    CHECK_EQ(r[3] & 0xffffffff, 0x3eaaaaab);
    CHECK_EQ(r[4] & 0xffffffff, 0x3eaaaaab);              /* dyn = frm = RMM */
}

/* fflags accumulate until cleared: several operations OR their flags together. */
static void test_accrue(void)
{
    uint64_t fl, fcsr;
    gc_group("flags_accrue");
    __asm__ volatile("csrw fflags, zero\n\t"
                     "fmv.w.x ft0, %2\n\tfmv.w.x ft1, %3\n\t"
                     "fdiv.s ft2, ft0, ft1\n\t"         /* 1/0: DZ */
                     "fsub.s ft2, ft2, ft2\n\t"         /* inf-inf: NV */
                     "fmv.w.x ft1, %4\n\t"
                     "fdiv.s ft2, ft0, ft1\n\t"         /* 1/3: NX */
                     "frflags %0\n\tfrcsr %1"
                     : "=r"(fl), "=r"(fcsr) : "r"(P1), "r"(PZ), "r"(P3) : "ft0", "ft1", "ft2");
    CHECK_EQ(fl, NV | DZ | NX);
    CHECK_EQ(fcsr, NV | DZ | NX);                         /* frm is RNE (0) here */
}

int main(void)
{
    gc_group("arith");
    FP_TABLE(arith, 0xffffffff);
    gc_group("min_max");
    FP_TABLE(minmax, 0xffffffff);
    gc_group("fused");
    FP_TABLE(fused, 0xffffffff);
    gc_group("sign_injection");
    FP_TABLE(sign, 0xffffffff);
    gc_group("compare");
    FP_TABLE(compare, 0xffffffff);
    gc_group("classify");
    FP_TABLE(classify, 0xffffffff);
    gc_group("convert_to_int");
    FP_TABLE(to_int, 0xffffffff);
    gc_group("convert_from_int");
    FP_TABLE(from_int, 0xffffffff);
    test_nan_boxing();
    test_moves();
    test_static_rm();
    test_accrue();
    return gc_finish();
}
