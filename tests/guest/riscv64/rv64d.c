/*
 * rv64d.c - the D extension (RISC-V unprivileged ISA, chapter 12) checked against IEEE 754-2008
 * binary64: the same instruction classes and corner cases as rv64f.c (see there), plus the
 * fcvt.s.d / fcvt.d.s conversions between the two formats and fld/fsd.
 * Canonical NaN for doubles is 0x7ff8000000000000.
 */
#define FSFX ".d"
#define FMV_TO_F "fmv.d.x"
#define FMV_FROM_F "fmv.x.d"
#include "fp_common.h"

#define P1 0x3ff0000000000000ull
#define M1 0xbff0000000000000ull
#define P2 0x4000000000000000ull
#define M2 0xc000000000000000ull
#define P3 0x4008000000000000ull
#define P5 0x4014000000000000ull
#define P6 0x4018000000000000ull
#define P7 0x401c000000000000ull
#define M5 0xc014000000000000ull
#define M7 0xc01c000000000000ull
#define PH 0x3fe0000000000000ull
#define MH 0xbfe0000000000000ull
#define P1_5 0x3ff8000000000000ull
#define M1_5 0xbff8000000000000ull
#define P2_5 0x4004000000000000ull
#define M2_5 0xc004000000000000ull
#define PZ 0x0000000000000000ull
#define MZ 0x8000000000000000ull
#define PINF 0x7ff0000000000000ull
#define MINF 0xfff0000000000000ull
#define QNAN 0x7ff8000000000000ull
#define QNANP 0x7ff8000000012345ull
#define NQNAN 0xfff8000000000000ull
#define SNAN 0x7ff0000000000001ull
#define NSNAN 0xfff0000000000001ull
#define MAXF 0x7fefffffffffffffull
#define NMAXF 0xffefffffffffffffull
#define MINN 0x0010000000000000ull
#define MINS 0x0000000000000001ull
#define MAXS 0x000fffffffffffffull
#define EPS53 0x3ca0000000000000ull     /* 2^-53: half an ulp of 1.0 */
#define NEPS53 0xbca0000000000000ull
#define ONEP 0x3ff0000000000001ull      /* 1 + 2^-52 */
#define ONEM 0x3feffffffffffffeull      /* 1 - 2^-52 */
#define THIRD 0x3fd5555555555555ull
#define ALL1 0xffffffffffffffffull
#define MIN32 0xffffffff80000000ull
#define MAX64 0x7fffffffffffffffull
#define MIN64 0x8000000000000000ull

static const FpCase arith[] = {
    { OP_ADD, RNE, P1, P2, 0, P3, 0 },
    { OP_ADD, RNE, P1, EPS53, 0, P1, NX },
    { OP_ADD, RTZ, P1, EPS53, 0, P1, NX },
    { OP_ADD, RDN, P1, EPS53, 0, P1, NX },
    { OP_ADD, RUP, P1, EPS53, 0, ONEP, NX },
    { OP_ADD, RMM, P1, EPS53, 0, ONEP, NX },
    { OP_ADD, RNE, ONEP, EPS53, 0, 0x3ff0000000000002ull, NX },
    { OP_ADD, RNE, M1, NEPS53, 0, M1, NX },
    { OP_ADD, RTZ, M1, NEPS53, 0, M1, NX },
    { OP_ADD, RDN, M1, NEPS53, 0, 0xbff0000000000001ull, NX },
    { OP_ADD, RUP, M1, NEPS53, 0, M1, NX },
    { OP_ADD, RMM, M1, NEPS53, 0, 0xbff0000000000001ull, NX },
    { OP_SUB, RNE, P1, P1, 0, PZ, 0 },
    { OP_SUB, RDN, P1, P1, 0, MZ, 0 },
    { OP_ADD, RNE, MZ, MZ, 0, MZ, 0 },
    { OP_ADD, RNE, MZ, PZ, 0, PZ, 0 },
    { OP_ADD, RDN, MZ, PZ, 0, MZ, 0 },
    { OP_ADD, RNE, PINF, MINF, 0, QNAN, NV },
    { OP_SUB, RNE, PINF, PINF, 0, QNAN, NV },
    { OP_ADD, RNE, PINF, P1, 0, PINF, 0 },
    { OP_ADD, RNE, QNANP, P1, 0, QNAN, 0 },
    { OP_ADD, RNE, P1, NQNAN, 0, QNAN, 0 },
    { OP_ADD, RNE, SNAN, P1, 0, QNAN, NV },
    { OP_SUB, RNE, P1, NSNAN, 0, QNAN, NV },
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
    { OP_MUL, RNE, P3, PH, 0, P1_5, 0 },
    { OP_MUL, RNE, MZ, P5, 0, MZ, 0 },
    { OP_MUL, RNE, PZ, PINF, 0, QNAN, NV },
    { OP_MUL, RNE, MINF, M2, 0, PINF, 0 },
    { OP_MUL, RNE, MINS, PH, 0, PZ, UF | NX },
    { OP_MUL, RTZ, MINS, PH, 0, PZ, UF | NX },
    { OP_MUL, RDN, MINS, PH, 0, PZ, UF | NX },
    { OP_MUL, RUP, MINS, PH, 0, MINS, UF | NX },
    { OP_MUL, RMM, MINS, PH, 0, MINS, UF | NX },
    { OP_MUL, RNE, MINN, PH, 0, 0x0008000000000000ull, 0 },
    { OP_MUL, RNE, ONEM, 0x0010000000000001ull, 0, MINN, NX },     /* tininess after rounding */
    { OP_MUL, RTZ, ONEM, 0x0010000000000001ull, 0, MAXS, UF | NX },
    { OP_DIV, RNE, P1, P3, 0, THIRD, NX },
    { OP_DIV, RTZ, P1, P3, 0, THIRD, NX },
    { OP_DIV, RDN, P1, P3, 0, THIRD, NX },
    { OP_DIV, RUP, P1, P3, 0, 0x3fd5555555555556ull, NX },
    { OP_DIV, RMM, P1, P3, 0, THIRD, NX },
    { OP_DIV, RDN, M1, P3, 0, 0xbfd5555555555556ull, NX },
    { OP_DIV, RUP, M1, P3, 0, 0xbfd5555555555555ull, NX },
    { OP_DIV, RNE, P6, P3, 0, P2, 0 },
    { OP_DIV, RNE, P1, PZ, 0, PINF, DZ },
    { OP_DIV, RNE, M1, PZ, 0, MINF, DZ },
    { OP_DIV, RNE, P1, MZ, 0, MINF, DZ },
    { OP_DIV, RNE, PZ, PZ, 0, QNAN, NV },
    { OP_DIV, RNE, PINF, PINF, 0, QNAN, NV },
    { OP_DIV, RNE, PINF, PZ, 0, PINF, 0 },
    { OP_DIV, RNE, PZ, PINF, 0, PZ, 0 },
    { OP_DIV, RNE, SNAN, PZ, 0, QNAN, NV },
    { OP_SQRT, RNE, 0x4010000000000000ull, 0, 0, P2, 0 },
    { OP_SQRT, RNE, P2, 0, 0, 0x3ff6a09e667f3bcdull, NX },
    { OP_SQRT, RTZ, P2, 0, 0, 0x3ff6a09e667f3bccull, NX },
    { OP_SQRT, RUP, P2, 0, 0, 0x3ff6a09e667f3bcdull, NX },
    { OP_SQRT, RNE, M1, 0, 0, QNAN, NV },
    { OP_SQRT, RNE, MZ, 0, 0, MZ, 0 },
    { OP_SQRT, RNE, PINF, 0, 0, PINF, 0 },
    { OP_SQRT, RNE, MINF, 0, 0, QNAN, NV },
    { OP_SQRT, RNE, QNANP, 0, 0, QNAN, 0 },
    { OP_SQRT, RNE, SNAN, 0, 0, QNAN, NV },
};

#include "fp_cases_shared.h"

static const FpCase fused[] = {
    /* (1 + 2^-52)(1 - 2^-52) = 1 - 2^-104: only a single rounding keeps the 2^-104 */
    { OP_MADD, RNE, ONEP, ONEM, M1, 0xb970000000000000ull, 0 },
    { OP_MSUB, RNE, ONEP, ONEM, P1, 0xb970000000000000ull, 0 },
    { OP_NMSUB, RNE, ONEP, ONEM, P1, 0x3970000000000000ull, 0 },
    { OP_NMADD, RNE, ONEP, ONEM, M1, 0x3970000000000000ull, 0 },
    { OP_MADD, RNE, P2, P3, P1, P7, 0 },
    { OP_MSUB, RNE, P2, P3, P1, P5, 0 },
    { OP_NMSUB, RNE, P2, P3, P1, M5, 0 },
    { OP_NMADD, RNE, P2, P3, P1, M7, 0 },
    { OP_MADD, RNE, PZ, PINF, QNAN, QNAN, NV },
    { OP_MADD, RNE, PINF, P1, MINF, QNAN, NV },
    { OP_MADD, RNE, P1, P1, QNANP, QNAN, 0 },
    { OP_NMSUB, RNE, P1, P1, SNAN, QNAN, NV },
    { OP_MADD, RNE, P1, M1, P1, PZ, 0 },
    { OP_MADD, RDN, P1, M1, P1, MZ, 0 },
    { OP_MADD, RNE, MAXF, P2, NMAXF, MAXF, 0 },
    { OP_MADD, RNE, MAXF, P2, MINF, MINF, 0 },
    { OP_MADD, RNE, MAXF, P2, PZ, PINF, OF | NX },
    { OP_MADD, RTZ, MAXF, P2, PZ, MAXF, OF | NX },
    { OP_MADD, RNE, P1, EPS53, P1, P1, NX },
    { OP_MADD, RUP, P1, EPS53, P1, ONEP, NX },
    { OP_MADD, RMM, P1, EPS53, P1, ONEP, NX },
};

static const FpCase sign[] = {
    { OP_SGNJ, RNE, P1, M2, 0, M1, 0 },
    { OP_SGNJ, RNE, M1, P2, 0, P1, 0 },
    { OP_SGNJN, RNE, P1, M2, 0, P1, 0 },
    { OP_SGNJN, RNE, P1, P2, 0, M1, 0 },
    { OP_SGNJX, RNE, M1, M2, 0, P1, 0 },
    { OP_SGNJX, RNE, M1, P2, 0, M1, 0 },
    { OP_SGNJX, RNE, MINF, MZ, 0, PINF, 0 },
    { OP_SGNJ, RNE, SNAN, M1, 0, NSNAN, 0 },
    { OP_SGNJN, RNE, QNANP, QNANP, 0, 0xfff8000000012345ull, 0 },
    { OP_SGNJX, RNE, NQNAN, NQNAN, 0, QNAN, 0 },
};

static const FpCase classify[] = {
    { OP_CLASS, RNE, MINF, 0, 0, 1 << 0, 0 },
    { OP_CLASS, RNE, M1, 0, 0, 1 << 1, 0 },
    { OP_CLASS, RNE, NMAXF, 0, 0, 1 << 1, 0 },
    { OP_CLASS, RNE, 0x8000000000000001ull, 0, 0, 1 << 2, 0 },
    { OP_CLASS, RNE, 0x800fffffffffffffull, 0, 0, 1 << 2, 0 },
    { OP_CLASS, RNE, MZ, 0, 0, 1 << 3, 0 },
    { OP_CLASS, RNE, PZ, 0, 0, 1 << 4, 0 },
    { OP_CLASS, RNE, MINS, 0, 0, 1 << 5, 0 },
    { OP_CLASS, RNE, MAXS, 0, 0, 1 << 5, 0 },
    { OP_CLASS, RNE, P1, 0, 0, 1 << 6, 0 },
    { OP_CLASS, RNE, MINN, 0, 0, 1 << 6, 0 },
    { OP_CLASS, RNE, PINF, 0, 0, 1 << 7, 0 },
    { OP_CLASS, RNE, SNAN, 0, 0, 1 << 8, 0 },
    { OP_CLASS, RNE, NSNAN, 0, 0, 1 << 8, 0 },
    { OP_CLASS, RNE, 0x7ff7ffffffffffffull, 0, 0, 1 << 8, 0 },
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
    { OP_CVT_W, RNE, M1, 0, 0, ALL1, 0 },
    { OP_CVT_W, RNE, MZ, 0, 0, 0, 0 },
    { OP_CVT_W, RNE, QNAN, 0, 0, 0x7fffffff, NV },
    { OP_CVT_W, RNE, NQNAN, 0, 0, 0x7fffffff, NV },
    { OP_CVT_W, RNE, PINF, 0, 0, 0x7fffffff, NV },
    { OP_CVT_W, RNE, MINF, 0, 0, MIN32, NV },
    { OP_CVT_W, RNE, 0x41e65a0bc0000000ull, 0, 0, 0x7fffffff, NV },     /* 3e9 */
    { OP_CVT_W, RNE, 0xc1e65a0bc0000000ull, 0, 0, MIN32, NV },
    { OP_CVT_W, RNE, 0xc1e0000000000000ull, 0, 0, MIN32, 0 },           /* -2^31 */
    { OP_CVT_W, RNE, 0x41e0000000000000ull, 0, 0, 0x7fffffff, NV },     /* 2^31 */
    /* 2^31 - 0.5 and -2^31 - 0.5: in range or not depending on the rounding */
    { OP_CVT_W, RTZ, 0x41dfffffffe00000ull, 0, 0, 0x7fffffff, NX },
    { OP_CVT_W, RNE, 0x41dfffffffe00000ull, 0, 0, 0x7fffffff, NV },
    { OP_CVT_W, RTZ, 0xc1e0000000100000ull, 0, 0, MIN32, NX },
    { OP_CVT_W, RDN, 0xc1e0000000100000ull, 0, 0, MIN32, NV },
    { OP_CVT_WU, RNE, M1, 0, 0, 0, NV },
    { OP_CVT_WU, RNE, QNAN, 0, 0, ALL1, NV },
    { OP_CVT_WU, RNE, PINF, 0, 0, ALL1, NV },
    { OP_CVT_WU, RNE, MINF, 0, 0, 0, NV },
    { OP_CVT_WU, RNE, 0x41f0000000000000ull, 0, 0, ALL1, NV },          /* 2^32 */
    { OP_CVT_WU, RNE, 0x41efffffffe00000ull, 0, 0, ALL1, 0 },           /* 2^32-1, sign-extended */
    { OP_CVT_WU, RNE, 0x41e65a0bc0000000ull, 0, 0, 0xffffffffb2d05e00ull, 0 },
    { OP_CVT_WU, RTZ, MH, 0, 0, 0, NX },
    { OP_CVT_WU, RDN, MH, 0, 0, 0, NV },
    { OP_CVT_WU, RNE, P2_5, 0, 0, 2, NX },
    { OP_CVT_L, RNE, QNAN, 0, 0, MAX64, NV },
    { OP_CVT_L, RNE, PINF, 0, 0, MAX64, NV },
    { OP_CVT_L, RNE, MINF, 0, 0, MIN64, NV },
    { OP_CVT_L, RNE, 0x43e0000000000000ull, 0, 0, MAX64, NV },          /* 2^63 */
    { OP_CVT_L, RNE, 0xc3e0000000000000ull, 0, 0, MIN64, 0 },
    { OP_CVT_L, RNE, 0x43dfffffffffffffull, 0, 0, 0x7ffffffffffffc00ull, 0 },
    { OP_CVT_L, RNE, P1_5, 0, 0, 2, NX },
    { OP_CVT_L, RNE, M1_5, 0, 0, (uint64_t)-2, NX },
    { OP_CVT_L, RMM, M2_5, 0, 0, (uint64_t)-3, NX },
    { OP_CVT_L, RUP, M2_5, 0, 0, (uint64_t)-2, NX },
    { OP_CVT_LU, RNE, M1, 0, 0, 0, NV },
    { OP_CVT_LU, RNE, QNAN, 0, 0, ALL1, NV },
    { OP_CVT_LU, RNE, 0x43f0000000000000ull, 0, 0, ALL1, NV },          /* 2^64 */
    { OP_CVT_LU, RNE, 0x43efffffffffffffull, 0, 0, 0xfffffffffffff800ull, 0 },
    { OP_CVT_LU, RNE, 0x43e0000000000000ull, 0, 0, MIN64, 0 },
    { OP_CVT_LU, RTZ, 0xbfeccccccccccccdull, 0, 0, 0, NX },             /* -0.9 */
    { OP_CVT_LU, RNE, MZ, 0, 0, 0, 0 },
    { OP_CVT_LU, RUP, P1_5, 0, 0, 2, NX },
};

static const FpCase from_int[] = {
    { OP_CVT_FROM_W, RNE, 0x7fffffff, 0, 0, 0x41dfffffffc00000ull, 0 },  /* every int32 is exact */
    { OP_CVT_FROM_W, RNE, 0xffffffff00000005ull, 0, 0, P5, 0 },
    { OP_CVT_FROM_W, RNE, 0x80000000, 0, 0, 0xc1e0000000000000ull, 0 },
    { OP_CVT_FROM_W, RNE, 0xffffffff, 0, 0, M1, 0 },
    { OP_CVT_FROM_W, RNE, 0, 0, 0, PZ, 0 },
    { OP_CVT_FROM_WU, RNE, 0xffffffff, 0, 0, 0x41efffffffe00000ull, 0 },
    { OP_CVT_FROM_WU, RNE, 0x1234567800000003ull, 0, 0, P3, 0 },
    { OP_CVT_FROM_L, RNE, MIN64, 0, 0, 0xc3e0000000000000ull, 0 },
    { OP_CVT_FROM_L, RNE, MAX64, 0, 0, 0x43e0000000000000ull, NX },
    { OP_CVT_FROM_L, RTZ, MAX64, 0, 0, 0x43dfffffffffffffull, NX },
    { OP_CVT_FROM_L, RDN, MAX64, 0, 0, 0x43dfffffffffffffull, NX },
    { OP_CVT_FROM_L, RUP, MAX64, 0, 0, 0x43e0000000000000ull, NX },
    { OP_CVT_FROM_L, RMM, MAX64, 0, 0, 0x43e0000000000000ull, NX },
    { OP_CVT_FROM_L, RNE, 0x20000000000001ull, 0, 0, 0x4340000000000000ull, NX },   /* 2^53 + 1 */
    { OP_CVT_FROM_L, RUP, 0x20000000000001ull, 0, 0, 0x4340000000000001ull, NX },
    { OP_CVT_FROM_L, RNE, ALL1, 0, 0, M1, 0 },
    { OP_CVT_FROM_LU, RNE, ALL1, 0, 0, 0x43f0000000000000ull, NX },
    { OP_CVT_FROM_LU, RTZ, ALL1, 0, 0, 0x43efffffffffffffull, NX },
    { OP_CVT_FROM_LU, RNE, MIN64, 0, 0, 0x43e0000000000000ull, 0 },
    { OP_CVT_FROM_LU, RNE, 0, 0, 0, PZ, 0 },
};

/* fcvt.s.d (single result, NaN-boxed) and fcvt.d.s with frm = rm; returns the result bits. */
static uint64_t cvt_s_d(uint64_t rm, uint64_t a, uint64_t *fl)
{
    uint64_t r;
    __asm__ volatile("fsrm %3\n\tfmv.d.x ft0, %2\n\tcsrw fflags, zero\n\tfcvt.s.d ft1, ft0\n\t"
                     "frflags %1\n\tfmv.x.d %0, ft1\n\tfsrmi 0"
                     : "=r"(r), "=&r"(*fl) : "r"(a), "r"(rm) : "ft0", "ft1");
    return r;
}

static uint64_t cvt_d_s(uint64_t a, uint64_t *fl)
{
    uint64_t r;
    __asm__ volatile("fmv.w.x ft0, %2\n\tcsrw fflags, zero\n\tfcvt.d.s ft1, ft0\n\t"
                     "frflags %1\n\tfmv.x.d %0, ft1"
                     : "=r"(r), "=&r"(*fl) : "r"(a) : "ft0", "ft1");
    return r;
}

static void test_convert_formats(void)
{
    uint64_t fl;
    const uint64_t box = 0xffffffff00000000ull;
    gc_group("convert_s_d");
    CHECK_EQ(cvt_s_d(RNE, THIRD, &fl), box | 0x3eaaaaab);
    CHECK_EQ(fl, NX);
    CHECK_EQ(cvt_s_d(RTZ, THIRD, &fl), box | 0x3eaaaaaa);
    CHECK_EQ(fl, NX);
    CHECK_EQ(cvt_s_d(RNE, P1_5, &fl), box | 0x3fc00000);
    CHECK_EQ(fl, 0);
    CHECK_EQ(cvt_s_d(RNE, MAXF, &fl), box | 0x7f800000);
    CHECK_EQ(fl, OF | NX);
    CHECK_EQ(cvt_s_d(RTZ, MAXF, &fl), box | 0x7f7fffff);
    CHECK_EQ(fl, OF | NX);
    CHECK_EQ(cvt_s_d(RNE, MINS, &fl), box | 0);
    CHECK_EQ(fl, UF | NX);
    CHECK_EQ(cvt_s_d(RUP, MINS, &fl), box | 1);
    CHECK_EQ(fl, UF | NX);
    CHECK_EQ(cvt_s_d(RNE, SNAN, &fl), box | 0x7fc00000);
    CHECK_EQ(fl, NV);
    CHECK_EQ(cvt_s_d(RNE, QNANP, &fl), box | 0x7fc00000);
    CHECK_EQ(fl, 0);
    CHECK_EQ(cvt_s_d(RNE, MINF, &fl), box | 0xff800000);
    CHECK_EQ(fl, 0);
    CHECK_EQ(cvt_s_d(RNE, MZ, &fl), box | 0x80000000);
    CHECK_EQ(fl, 0);
    CHECK_EQ(cvt_d_s(0x3eaaaaab, &fl), 0x3fd5555560000000ull);
    CHECK_EQ(fl, 0);
    CHECK_EQ(cvt_d_s(0x00000001, &fl), 0x36a0000000000000ull);     /* subnormal becomes normal */
    CHECK_EQ(fl, 0);
    CHECK_EQ(cvt_d_s(0x7f800001, &fl), QNAN);
    CHECK_EQ(fl, NV);
    CHECK_EQ(cvt_d_s(0xffc12345, &fl), QNAN);
    CHECK_EQ(fl, 0);
    CHECK_EQ(cvt_d_s(0xff800000, &fl), MINF);
    CHECK_EQ(fl, 0);
}

static void test_moves(void)
{
    uint64_t r, fl;
    gc_group("moves_loads_stores");
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(SNAN) : "ft0");
    CHECK_EQ(r, SNAN);
    uint64_t in = NSNAN, out = 0;
    __asm__ volatile("csrw fflags, zero\n\tfld ft0, 0(%1)\n\tfsgnjx.d ft1, ft0, ft0\n\t"
                     "fsd ft1, 0(%2)\n\tfrflags %0"
                     : "=r"(fl) : "r"(&in), "r"(&out) : "ft0", "ft1", "memory");
    CHECK_EQ(out, SNAN);
    CHECK_EQ(fl, 0);
    double arr[4] = { 1.0, 2.0, 3.0, 4.0 };
    double sum;
    __asm__ volatile("fld ft0, 0(%1)\n\tfld ft1, 8(%1)\n\tfld ft2, 16(%1)\n\tfld ft3, 24(%1)\n\t"
                     "fadd.d ft0, ft0, ft1\n\tfadd.d ft2, ft2, ft3\n\tfadd.d %0, ft0, ft2\n\t"
                     "fsd %0, -8(%2)"
                     : "=f"(sum) : "r"(arr), "r"(&arr[1]) : "ft0", "ft1", "ft2", "ft3", "memory");
    CHECK_EQ(gc_f64_bits(sum), 0x4024000000000000ull);
    CHECK_EQ(gc_f64_bits(arr[0]), 0x4024000000000000ull);
    /* Misaligned fld/fsd are allowed in Linux user mode. */
    static uint8_t buf[24];
    uint64_t v = 0x400921fb54442d18ull;
    memcpy(buf + 3, &v, 8);
    __asm__ volatile("fld ft0, 3(%1)\n\tfsd ft0, 13(%1)\n\tfmv.x.d %0, ft0"
                     : "=r"(r) : "r"(buf) : "ft0", "memory");
    CHECK_EQ(r, v);
    memcpy(&r, buf + 13, 8);
    CHECK_EQ(r, v);
}

static void test_static_rm(void)
{
    uint64_t r[5];
    uint64_t a = P1, b = P3;
    gc_group("static_rounding");
    __asm__ volatile("fsrmi 2\n\t"
                     "fmv.d.x ft0, %5\n\tfmv.d.x ft1, %6\n\t"
                     "fdiv.d ft2, ft0, ft1, rne\n\tfmv.x.d %0, ft2\n\t"
                     "fdiv.d ft2, ft0, ft1, rtz\n\tfmv.x.d %1, ft2\n\t"
                     "fdiv.d ft2, ft0, ft1, rdn\n\tfmv.x.d %2, ft2\n\t"
                     "fdiv.d ft2, ft0, ft1, rup\n\tfmv.x.d %3, ft2\n\t"
                     "fdiv.d ft2, ft0, ft1, rmm\n\tfmv.x.d %4, ft2\n\t"
                     "fsrmi 0"
                     : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4])
                     : "r"(a), "r"(b) : "ft0", "ft1", "ft2");
    CHECK_EQ(r[0], THIRD);
    CHECK_EQ(r[1], THIRD);
    CHECK_EQ(r[2], THIRD);
    CHECK_EQ(r[3], 0x3fd5555555555556ull);
    CHECK_EQ(r[4], THIRD);
    a = P1;
    b = EPS53;
    __asm__ volatile("fsrmi 1\n\t"
                     "fmv.d.x ft0, %5\n\tfmv.d.x ft1, %6\n\t"
                     "fmadd.d ft2, ft0, ft1, ft0, rne\n\tfmv.x.d %0, ft2\n\t"
                     "fmadd.d ft2, ft0, ft1, ft0, rtz\n\tfmv.x.d %1, ft2\n\t"
                     "fmadd.d ft2, ft0, ft1, ft0, rdn\n\tfmv.x.d %2, ft2\n\t"
                     "fmadd.d ft2, ft0, ft1, ft0, rup\n\tfmv.x.d %3, ft2\n\t"
                     "fmadd.d ft2, ft0, ft1, ft0, rmm\n\tfmv.x.d %4, ft2\n\t"
                     "fsrmi 0"
                     : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4])
                     : "r"(a), "r"(b) : "ft0", "ft1", "ft2");
    CHECK_EQ(r[0], P1);
    CHECK_EQ(r[1], P1);
    CHECK_EQ(r[2], P1);
    CHECK_EQ(r[3], ONEP);
    CHECK_EQ(r[4], ONEP);
    a = M2_5;
    __asm__ volatile("fsrmi 3\n\t"
                     "fmv.d.x ft0, %5\n\t"
                     "fcvt.l.d %0, ft0, rne\n\t"
                     "fcvt.l.d %1, ft0, rtz\n\t"
                     "fcvt.l.d %2, ft0, rdn\n\t"
                     "fcvt.l.d %3, ft0, rup\n\t"
                     "fcvt.l.d %4, ft0, rmm\n\t"
                     "fsrmi 0"
                     : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4])
                     : "r"(a) : "ft0");
    CHECK_EQ(r[0], (uint64_t)-2);
    CHECK_EQ(r[1], (uint64_t)-2);
    CHECK_EQ(r[2], (uint64_t)-3);
    CHECK_EQ(r[3], (uint64_t)-2);
    CHECK_EQ(r[4], (uint64_t)-3);
}

int main(void)
{
    gc_group("arith");
    FP_TABLE(arith, ALL1);
    gc_group("min_max");
    FP_TABLE(minmax, ALL1);
    gc_group("fused");
    FP_TABLE(fused, ALL1);
    gc_group("sign_injection");
    FP_TABLE(sign, ALL1);
    gc_group("compare");
    FP_TABLE(compare, ALL1);
    gc_group("classify");
    FP_TABLE(classify, ALL1);
    gc_group("convert_to_int");
    FP_TABLE(to_int, ALL1);
    gc_group("convert_from_int");
    FP_TABLE(from_int, ALL1);
    test_convert_formats();
    test_moves();
    test_static_rm();
    return gc_finish();
}
