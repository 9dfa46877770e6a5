/*
 * F and D arithmetic helpers (RISC-V Unprivileged ISA 20191213, chapters 11-12)
 * computed on the host's SSE unit.
 *
 * Rounding and flags go through MXCSR (stmxcsr/ldmxcsr), not fenv: the
 * operation runs on the host and rv_fp_leave() ORs the host flags into fflags.
 * Host flags stay set in MXCSR once fflags holds them, so a stream of inexact
 * operations costs one stmxcsr each and no ldmxcsr.  rv_fp_enter() loads the
 * rounding mode and clears host flags fflags does not hold (fflags cleared by a
 * CSR write, or flags set by host code) -- skipped while nothing changed since
 * the last operation (see rv_fp_synced_cpu).  Host code running between two
 * guest FP operations must therefore not leave new flags in MXCSR; mimic's own
 * C code does no floating point on those paths.  A directed rounding mode is
 * reset to nearest on the way out so host C code always runs round-to-nearest.
 *
 * Why the host flags are the RISC-V flags: x86 SSE detects tininess after
 * rounding and, with underflow masked, sets UE only when the result is tiny and
 * inexact -- exactly RISC-V's UF.  OE/ZE/PE/IE map to OF/DZ/NX/NV; DE (denormal
 * operand) has no RISC-V counterpart and is ignored.  x86 returns the first NaN
 * operand (or a negative default NaN); RISC-V wants the canonical NaN, so every
 * NaN result is replaced.  Single values are NaN-boxed in the 64-bit registers:
 * an input that is not properly boxed reads as the canonical NaN.
 *
 * RMM (round to nearest, ties away) has no x86 equivalent: operations run in
 * round-to-nearest-even and a tie (found from an exact residual, or for single
 * precision from the exact double result) is moved away from zero.  Conversions to integer, comparisons, min/max and classify
 * are done in C without MXCSR.
 */
#define _GNU_SOURCE
#include <math.h>
#include <string.h>
#include <xmmintrin.h>

#include "frontend/riscv/internal.h"

#define RV_MXCSR_IE      0x0001u
#define RV_MXCSR_DE      0x0002u
#define RV_MXCSR_ZE      0x0004u
#define RV_MXCSR_OE      0x0008u
#define RV_MXCSR_UE      0x0010u
#define RV_MXCSR_PE      0x0020u
#define RV_MXCSR_RC_MASK 0x6000u
#define RV_MXCSR_CTRL    0x1f80u    /* every exception masked, round to nearest, no FTZ/DAZ */

#define RV_CANON_S 0x7fc00000u
#define RV_CANON_D UINT64_C(0x7ff8000000000000)
#define RV_BOX     UINT64_C(0xffffffff00000000)

/* MXCSR RC per RISC-V mode; RMM runs as nearest-even and is fixed up afterwards. */
static const uint32_t rv_mxcsr_rc[8] = {
    [RV_RM_RNE] = 0x0000, [RV_RM_RTZ] = 0x6000, [RV_RM_RDN] = 0x2000,
    [RV_RM_RUP] = 0x4000, [RV_RM_RMM] = 0x0000,
};

/*
 * MXCSR access as volatile asm: GCC treats _mm_getcsr() as a value it may reuse,
 * which would read the flags from before the operation.
 */
static inline uint32_t rv_getcsr(void)
{
    uint32_t v;

    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static inline void rv_setcsr(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

/* Keep the compiler from moving FP arithmetic across MXCSR accesses. */
#define RV_FP_BARRIER(v) __asm__ volatile("" : "+x"(v))
#define RV_INT_BARRIER(v) __asm__ volatile("" : "+r"(v))

static inline uint32_t rv_host_flags_of(uint32_t fflags)
{
    return (fflags & RV_FFLAG_NX) << 5 | (fflags & RV_FFLAG_UF) << 3 | (fflags & RV_FFLAG_OF) << 1 |
           (fflags & RV_FFLAG_DZ) >> 1 | (fflags & RV_FFLAG_NV) >> 4 | RV_MXCSR_DE;
}

static inline uint32_t rv_fflags_of_host(uint32_t mxcsr)
{
    return (mxcsr & RV_MXCSR_PE) >> 5 | (mxcsr & RV_MXCSR_UE) >> 3 | (mxcsr & RV_MXCSR_OE) >> 1 |
           (mxcsr & RV_MXCSR_ZE) << 1 | (mxcsr & RV_MXCSR_IE) << 4;
}

static inline unsigned rv_fp_mode(const RvCpu *cpu, uint32_t rm)
{
    return (rm == RV_RM_DYN ? cpu->frm : rm) & 7;
}

/*
 * What this thread's MXCSR holds since the last rv_fp_leave(): round-to-nearest
 * and only flags that cpu's fflags (then equal to rv_fp_synced_fflags) already
 * has.  While that is still true, an operation in round-to-nearest needs no
 * MXCSR access before it.  A change of fflags behind our back (a CSR write, a
 * signal frame) or another CPU or rounding mode takes the checked path.
 */
static __thread const RvCpu *rv_fp_synced_cpu;
static __thread uint32_t rv_fp_synced_fflags;

static inline unsigned rv_fp_enter(RvCpu *cpu, uint32_t rm)
{
    unsigned mode = rv_fp_mode(cpu, rm);
    uint32_t cur, want;

    if (G_LIKELY(rv_fp_synced_cpu == cpu && rv_fp_synced_fflags == cpu->fflags &&
                 rv_mxcsr_rc[mode] == 0)) {
        return mode;
    }
    cur = rv_getcsr();
    want = RV_MXCSR_CTRL | rv_mxcsr_rc[mode] | (cur & rv_host_flags_of(cpu->fflags));
    if (cur != want) {
        rv_setcsr(want);
    }
    return mode;
}

static inline void rv_fp_leave(RvCpu *cpu)
{
    uint32_t cur = rv_getcsr();

    cpu->fflags |= rv_fflags_of_host(cur);
    if (G_UNLIKELY(cur & RV_MXCSR_RC_MASK)) {
        rv_setcsr(cur & ~RV_MXCSR_RC_MASK);
    }
    rv_fp_synced_cpu = cpu;
    rv_fp_synced_fflags = cpu->fflags;
}

/*
 * The common case needs no flag read at all: a finite result of normal magnitude
 * (above the smallest normal, so not tiny even before rounding) can only have
 * raised inexact, and when fflags already holds NX there is nothing to add.
 * MXCSR then holds no flag fflags lacks, so the synced state stays valid.
 */
static inline void rv_fp_done_d(RvCpu *cpu, unsigned mode, double r)
{
    /* isgreater/isless: quiet compares, a NaN r must not raise invalid here. */
    if (G_LIKELY((cpu->fflags & RV_FFLAG_NX) && rv_mxcsr_rc[mode] == 0 &&
                 isgreater(fabs(r), 0x1p-1022) && isless(fabs(r), INFINITY))) {
        return;
    }
    rv_fp_leave(cpu);
}

static inline void rv_fp_done_s(RvCpu *cpu, unsigned mode, float r)
{
    if (G_LIKELY((cpu->fflags & RV_FFLAG_NX) && rv_mxcsr_rc[mode] == 0 &&
                 isgreater(fabsf(r), 0x1p-126f) && isless(fabsf(r), INFINITY))) {
        return;
    }
    rv_fp_leave(cpu);
}

/* --- Boxing and bit views --- */

static inline float rv_unbox_s(uint64_t v)
{
    uint32_t u = (v & RV_BOX) == RV_BOX ? (uint32_t)v : RV_CANON_S;
    float f;

    memcpy(&f, &u, 4);
    return f;
}

static inline uint32_t rv_bits_s(uint64_t v)
{
    return (v & RV_BOX) == RV_BOX ? (uint32_t)v : RV_CANON_S;
}

static inline uint64_t rv_box_s(float f)
{
    uint32_t u;

    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) {
        u = RV_CANON_S;
    }
    return RV_BOX | u;
}

static inline double rv_as_d(uint64_t v)
{
    double d;

    memcpy(&d, &v, 8);
    return d;
}

static inline uint64_t rv_ret_d(double d)
{
    uint64_t u;

    memcpy(&u, &d, 8);
    if ((u & ~(UINT64_C(1) << 63)) > UINT64_C(0x7ff0000000000000)) {
        u = RV_CANON_D;
    }
    return u;
}

static inline bool rv_isnan_s(uint32_t u) { return (u & 0x7fffffffu) > 0x7f800000u; }
static inline bool rv_issnan_s(uint32_t u) { return rv_isnan_s(u) && !(u & 0x00400000u); }
static inline bool rv_isnan_d(uint64_t u) { return (u & ~(UINT64_C(1) << 63)) > UINT64_C(0x7ff0000000000000); }
static inline bool rv_issnan_d(uint64_t u) { return rv_isnan_d(u) && !(u & (UINT64_C(1) << 51)); }

/* --- RMM tie fix-ups --- */

/*
 * r is the nearest-even result and err the exact residual (exact value - r), or
 * for division the residual scaled by the divisor.  On an exact tie nearest-even
 * may have rounded toward zero; RMM takes the neighbour away from zero.
 */
static double rv_rmm_d(double r, double err, double scale)
{
    double n, half;

    if (err == 0 || !isfinite(r)) {
        return r;
    }
    n = nextafter(r, (err > 0) == (scale > 0) ? INFINITY : -INFINITY);
    half = (n - r) * 0.5;
    return (err == half * scale && fabs(n) > fabs(r)) ? n : r;
}

/* r = x rounded to float (nearest-even); move an exact tie away from zero. */
static float rv_rmm_d_to_s(double x, float r)
{
    double err = x - (double)r;     /* exact: x and r are within one float ulp */
    double half;
    float n;

    if (err == 0 || !isfinite(r)) {
        return r;
    }
    n = nextafterf(r, err > 0 ? INFINITY : -INFINITY);
    half = ((double)n - (double)r) * 0.5;
    return (err == half && fabsf(n) > fabsf(r)) ? n : r;
}

/*
 * Single precision RMM: redo the operation in double.  If that is exact, a tie
 * is visible in it; if it is not, the exact value has more than 25 significant
 * bits and cannot be a tie.
 */
#define RV_RMM_SINGLE(mode, r, DEXPR) \
    do { \
        if (G_UNLIKELY((mode) == RV_RM_RMM)) { \
            uint32_t saved_ = rv_getcsr(); \
            double d_; \
            rv_setcsr(saved_ & ~0x3fu); \
            d_ = (DEXPR); \
            RV_FP_BARRIER(d_); \
            if (!(rv_getcsr() & RV_MXCSR_PE)) { \
                (r) = rv_rmm_d_to_s(d_, (r)); \
            } \
            rv_setcsr(saved_); \
        } \
    } while (0)

static inline double rv_opaque_d(double v)
{
    RV_FP_BARRIER(v);
    return v;
}

/* Double precision residuals; only called in RMM mode, which runs as nearest-even. */
/* Addition: the TwoSum error term is exact. */
static double rv_rmm_add_d(double x, double y, double s)
{
    double bb = s - x;
    double err = (x - (s - bb)) + (y - bb);

    return rv_rmm_d(s, err, 1);
}

/*
 * A tiny (subnormal) product or quotient has a residual below the subnormal
 * range: scale the computation by 2^k (exact for these operands) before taking it.
 * For a quotient the residual x - q*y is about x * 2^-53, so a tiny dividend needs
 * the scaling even when the quotient itself is of ordinary size.
 */
#define RV_RMM_SCALE 0x1p200
#define RV_RMM_TINY  0x1p-900

static double rv_rmm_mul_d(double x, double y, double p)
{
    double n, half;
    double err;

    if (fabs(p) >= RV_RMM_TINY || !isfinite(p)) {
        return rv_rmm_d(p, fma(x, y, -p), 1);
    }
    if (fabs(x) > fabs(y)) {
        double t = x;

        x = y;
        y = t;
    }
    err = fma(x * RV_RMM_SCALE, y, -p * RV_RMM_SCALE);
    if (err == 0) {
        return p;
    }
    n = nextafter(p, err > 0 ? INFINITY : -INFINITY);
    half = (n - p) * RV_RMM_SCALE * 0.5;
    return (err == half && fabs(n) > fabs(p)) ? n : p;
}

/*
 * Fused: with p + e1 = x*y and s + e2 = p + z (both exact), the exact value is
 * s + e2 + e1; it is a tie iff (s - r - h) + e2 + e1 is zero, h being the signed
 * half-gap from r toward it.  Exact except when x*y underflows.
 */
static double rv_two_sum(double a, double b, double *err)
{
    double s = a + b, bb = s - a;

    *err = (a - (s - bb)) + (b - bb);
    return s;
}

static double rv_rmm_fma_d(double x, double y, double z, double r)
{
    double scale = 1, p, e1, e2, s, t, n, h, u, w, ew, zz, ez, dir;

    if (!isfinite(r) || !isfinite(x) || !isfinite(y) || !isfinite(z)) {
        return r;
    }
    if (fabs(x * y) < RV_RMM_TINY) {
        if (fabs(r) >= 0x1p-800) {
            return r;           /* a product this small is far below r's half-ulp: no tie */
        }
        /* Work on (x, z, r) * 2^200 so the product's error term stays representable. */
        if (fabs(x) > fabs(y)) {
            double tmp = x;

            x = y;
            y = tmp;
        }
        scale = RV_RMM_SCALE;
        x *= scale;
        z *= scale;
    }
    p = x * y;
    e1 = fma(x, y, -p);
    s = rv_two_sum(p, z, &e2);
    t = s - r * scale;
    dir = t + (e2 + e1);
    if (dir == 0) {
        return r;               /* exact */
    }
    n = nextafter(r, dir > 0 ? INFINITY : -INFINITY);
    h = (n - r) * scale * 0.5;
    u = t - h;
    w = rv_two_sum(u, e2, &ew);
    zz = rv_two_sum(w, e1, &ez);
    return (zz + (ez + ew) == 0 && fabs(n) > fabs(r)) ? n : r;
}

static double rv_rmm_div_d(double x, double y, double q)
{
    double n, half, rem;

    if ((fabs(q) >= RV_RMM_TINY && fabs(x) >= RV_RMM_TINY) || !isfinite(q) || !isfinite(x) ||
        y == 0) {
        return rv_rmm_d(q, fma(-q, y, x), y);
    }
    rem = fma(-q * RV_RMM_SCALE, y, x * RV_RMM_SCALE);
    if (rem == 0) {
        return q;
    }
    n = nextafter(q, (rem > 0) == (y > 0) ? INFINITY : -INFINITY);
    half = (n - q) * RV_RMM_SCALE * 0.5;
    return (rem == half * y && fabs(n) > fabs(q)) ? n : q;
}

/* Run fix(x, y, r) for RMM without letting its own arithmetic change the flags. */
#define RV_RMM_FIX(mode, expr) \
    do { \
        if (G_UNLIKELY((mode) == RV_RM_RMM)) { \
            uint32_t saved_ = rv_getcsr(); \
            expr; \
            rv_setcsr(saved_); \
        } \
    } while (0)

/* --- Arithmetic --- */

#define RV_FP_BINOP(NAME, OP, RMMFIX) \
    uint64_t helper_rv_##NAME##_s(void *opaque, uint64_t a, uint64_t b, uint32_t rm) \
    { \
        RvCpu *cpu = opaque; \
        float x = rv_unbox_s(a), y = rv_unbox_s(b), r; \
        unsigned mode = rv_fp_enter(cpu, rm); \
        RV_FP_BARRIER(x); \
        RV_FP_BARRIER(y); \
        r = x OP y; \
        RV_FP_BARRIER(r); \
        RV_RMM_SINGLE(mode, r, rv_opaque_d(x) OP rv_opaque_d(y)); \
        rv_fp_done_s(cpu, mode, r); \
        return rv_box_s(r); \
    } \
    uint64_t helper_rv_##NAME##_d(void *opaque, uint64_t a, uint64_t b, uint32_t rm) \
    { \
        RvCpu *cpu = opaque; \
        double x = rv_as_d(a), y = rv_as_d(b), r; \
        unsigned mode = rv_fp_enter(cpu, rm); \
        RV_FP_BARRIER(x); \
        RV_FP_BARRIER(y); \
        r = x OP y; \
        RV_FP_BARRIER(r); \
        RV_RMM_FIX(mode, r = RMMFIX##_d(x, (NAME##_sign) * y, r)); \
        rv_fp_done_d(cpu, mode, r); \
        return rv_ret_d(r); \
    }

/* The residual helpers see subtraction as addition of -y. */
#define fadd_sign 1
#define fsub_sign (-1)
#define fmul_sign 1
#define fdiv_sign 1
RV_FP_BINOP(fadd, +, rv_rmm_add)
RV_FP_BINOP(fsub, -, rv_rmm_add)
RV_FP_BINOP(fmul, *, rv_rmm_mul)
RV_FP_BINOP(fdiv, /, rv_rmm_div)
#undef fadd_sign
#undef fsub_sign
#undef fmul_sign
#undef fdiv_sign
#undef RV_FP_BINOP

/* A square root is never exactly halfway between two floats, so RMM = RNE. */
uint64_t helper_rv_fsqrt_s(void *opaque, uint64_t a, uint32_t rm)
{
    RvCpu *cpu = opaque;
    __m128 x = _mm_set_ss(rv_unbox_s(a));
    float r;

    unsigned mode = rv_fp_enter(cpu, rm);
    RV_FP_BARRIER(x);
    r = _mm_cvtss_f32(_mm_sqrt_ss(x));
    RV_FP_BARRIER(r);
    rv_fp_done_s(cpu, mode, r);
    return rv_box_s(r);
}

uint64_t helper_rv_fsqrt_d(void *opaque, uint64_t a, uint32_t rm)
{
    RvCpu *cpu = opaque;
    __m128d x = _mm_set_sd(rv_as_d(a));
    double r;

    unsigned mode = rv_fp_enter(cpu, rm);
    RV_FP_BARRIER(x);
    r = _mm_cvtsd_f64(_mm_sqrt_sd(x, x));
    RV_FP_BARRIER(r);
    rv_fp_done_d(cpu, mode, r);
    return rv_ret_d(r);
}

/*
 * Fused multiply-add with one rounding (fma()/fmaf() use the host FMA unit when
 * present, and honour MXCSR either way).  RISC-V requires invalid for inf * 0
 * even when the addend is a quiet NaN; x86 does not raise it then, so that case
 * is flagged here.
 * RMM ties of the double forms are found with error-free transformations
 * (rv_rmm_fma_d), scaled by 2^200 when a*b is tiny so they stay exact.
 */
static inline void rv_fma_inf_zero(RvCpu *cpu, double x, double y, double z)
{
    if (isnan(z) && ((isinf(x) && y == 0) || (x == 0 && isinf(y)))) {
        cpu->fflags |= RV_FFLAG_NV;
    }
}
#define RV_FP_FMA(NAME, NA, NC) \
    uint64_t helper_rv_##NAME##_s(void *opaque, uint64_t a, uint64_t b, uint64_t c, uint32_t rm) \
    { \
        RvCpu *cpu = opaque; \
        float x = NA rv_unbox_s(a), y = rv_unbox_s(b), z = NC rv_unbox_s(c), r; \
        unsigned mode = rv_fp_enter(cpu, rm); \
        rv_fma_inf_zero(cpu, x, y, z); \
        RV_FP_BARRIER(x); \
        RV_FP_BARRIER(y); \
        RV_FP_BARRIER(z); \
        r = fmaf(x, y, z); \
        RV_FP_BARRIER(r); \
        RV_RMM_SINGLE(mode, r, fma(rv_opaque_d(x), rv_opaque_d(y), rv_opaque_d(z))); \
        rv_fp_done_s(cpu, mode, r); \
        return rv_box_s(r); \
    } \
    uint64_t helper_rv_##NAME##_d(void *opaque, uint64_t a, uint64_t b, uint64_t c, uint32_t rm) \
    { \
        RvCpu *cpu = opaque; \
        double x = NA rv_as_d(a), y = rv_as_d(b), z = NC rv_as_d(c), r; \
        unsigned mode = rv_fp_enter(cpu, rm); \
        rv_fma_inf_zero(cpu, x, y, z); \
        RV_FP_BARRIER(x); \
        RV_FP_BARRIER(y); \
        RV_FP_BARRIER(z); \
        r = fma(x, y, z); \
        RV_FP_BARRIER(r); \
        RV_RMM_FIX(mode, r = rv_rmm_fma_d(x, y, z, r)); \
        rv_fp_done_d(cpu, mode, r); \
        return rv_ret_d(r); \
    }
RV_FP_FMA(fmadd, +, +)
RV_FP_FMA(fmsub, +, -)
RV_FP_FMA(fnmsub, -, +)
RV_FP_FMA(fnmadd, -, -)
#undef RV_FP_FMA

/* --- Min/max (IEEE 754-2019 minimumNumber/maximumNumber, ISA 2.2+) --- */

static uint64_t rv_fminmax_s(RvCpu *cpu, uint64_t a, uint64_t b, bool is_max)
{
    uint32_t ua = rv_bits_s(a), ub = rv_bits_s(b);
    float x = rv_unbox_s(a), y = rv_unbox_s(b);

    if (rv_issnan_s(ua) || rv_issnan_s(ub)) {
        cpu->fflags |= RV_FFLAG_NV;
    }
    if (rv_isnan_s(ua)) {
        return RV_BOX | (rv_isnan_s(ub) ? RV_CANON_S : ub);
    }
    if (rv_isnan_s(ub)) {
        return RV_BOX | ua;
    }
    if (x == y) {               /* equal values; -0 < +0 */
        return RV_BOX | (is_max ? (ua & ub) : (ua | ub));
    }
    return RV_BOX | (((x < y) != is_max) ? ua : ub);
}

static uint64_t rv_fminmax_d(RvCpu *cpu, uint64_t a, uint64_t b, bool is_max)
{
    double x = rv_as_d(a), y = rv_as_d(b);

    if (rv_issnan_d(a) || rv_issnan_d(b)) {
        cpu->fflags |= RV_FFLAG_NV;
    }
    if (rv_isnan_d(a)) {
        return rv_isnan_d(b) ? RV_CANON_D : b;
    }
    if (rv_isnan_d(b)) {
        return a;
    }
    if (x == y) {
        return is_max ? (a & b) : (a | b);
    }
    return ((x < y) != is_max) ? a : b;
}

uint64_t helper_rv_fmin_s(void *cpu, uint64_t a, uint64_t b) { return rv_fminmax_s(cpu, a, b, false); }
uint64_t helper_rv_fmax_s(void *cpu, uint64_t a, uint64_t b) { return rv_fminmax_s(cpu, a, b, true); }
uint64_t helper_rv_fmin_d(void *cpu, uint64_t a, uint64_t b) { return rv_fminmax_d(cpu, a, b, false); }
uint64_t helper_rv_fmax_d(void *cpu, uint64_t a, uint64_t b) { return rv_fminmax_d(cpu, a, b, true); }

/* --- Comparisons: feq is quiet (NV on sNaN only), flt/fle signal on any NaN --- */

uint64_t helper_rv_feq_s(void *opaque, uint64_t a, uint64_t b)
{
    RvCpu *cpu = opaque;
    uint32_t ua = rv_bits_s(a), ub = rv_bits_s(b);

    if (rv_isnan_s(ua) || rv_isnan_s(ub)) {
        if (rv_issnan_s(ua) || rv_issnan_s(ub)) {
            cpu->fflags |= RV_FFLAG_NV;
        }
        return 0;
    }
    return rv_unbox_s(a) == rv_unbox_s(b);
}

uint64_t helper_rv_feq_d(void *opaque, uint64_t a, uint64_t b)
{
    RvCpu *cpu = opaque;

    if (rv_isnan_d(a) || rv_isnan_d(b)) {
        if (rv_issnan_d(a) || rv_issnan_d(b)) {
            cpu->fflags |= RV_FFLAG_NV;
        }
        return 0;
    }
    return rv_as_d(a) == rv_as_d(b);
}

#define RV_FP_CMP(NAME, OP) \
    uint64_t helper_rv_##NAME##_s(void *opaque, uint64_t a, uint64_t b) \
    { \
        RvCpu *cpu = opaque; \
        if (rv_isnan_s(rv_bits_s(a)) || rv_isnan_s(rv_bits_s(b))) { \
            cpu->fflags |= RV_FFLAG_NV; \
            return 0; \
        } \
        return rv_unbox_s(a) OP rv_unbox_s(b); \
    } \
    uint64_t helper_rv_##NAME##_d(void *opaque, uint64_t a, uint64_t b) \
    { \
        RvCpu *cpu = opaque; \
        if (rv_isnan_d(a) || rv_isnan_d(b)) { \
            cpu->fflags |= RV_FFLAG_NV; \
            return 0; \
        } \
        return rv_as_d(a) OP rv_as_d(b); \
    }
RV_FP_CMP(flt, <)
RV_FP_CMP(fle, <=)
#undef RV_FP_CMP

/* --- Classify --- */

static uint64_t rv_fclass(bool neg, bool is_inf, bool is_nan, bool quiet, bool is_zero, bool is_sub)
{
    if (is_nan) {
        return quiet ? 1u << 9 : 1u << 8;
    }
    if (is_inf) {
        return neg ? 1u << 0 : 1u << 7;
    }
    if (is_zero) {
        return neg ? 1u << 3 : 1u << 4;
    }
    if (is_sub) {
        return neg ? 1u << 2 : 1u << 5;
    }
    return neg ? 1u << 1 : 1u << 6;
}

uint64_t helper_rv_fclass_s(uint64_t a)
{
    uint32_t u = rv_bits_s(a), e = (u >> 23) & 0xff, m = u & 0x7fffff;

    return rv_fclass(u >> 31, e == 0xff && m == 0, e == 0xff && m != 0, m & 0x400000,
                     e == 0 && m == 0, e == 0 && m != 0);
}

uint64_t helper_rv_fclass_d(uint64_t a)
{
    uint64_t e = (a >> 52) & 0x7ff, m = a & ((UINT64_C(1) << 52) - 1);

    return rv_fclass(a >> 63, e == 0x7ff && m == 0, e == 0x7ff && m != 0, m >> 51,
                     e == 0 && m == 0, e == 0 && m != 0);
}

/* --- Float to integer: round in the chosen mode, then saturate (NaN -> max) --- */

static double rv_round_to_int(double x, unsigned mode)
{
    switch (mode) {
    case RV_RM_RTZ:
        return trunc(x);
    case RV_RM_RDN:
        return floor(x);
    case RV_RM_RUP:
        return ceil(x);
    case RV_RM_RMM:
        return round(x);
    default:
        return roundeven(x);
    }
}

/*
 * libm's rounding functions may leave host flags behind that fflags lacks; make
 * the next MXCSR-based operation check and clear them.
 */
static inline void rv_fp_unsync(void)
{
    rv_fp_synced_cpu = NULL;
}

/* Signed conversion to `bits` (32 or 64) bits; the result is sign-extended to 64. */
static uint64_t rv_fcvt_signed(RvCpu *cpu, double x, uint32_t rm, unsigned bits)
{
    double lim = bits == 32 ? 2147483648.0 : 9223372036854775808.0;
    int64_t max = bits == 32 ? INT32_MAX : INT64_MAX;
    int64_t min = bits == 32 ? INT32_MIN : INT64_MIN;
    double r;

    if (isnan(x)) {
        cpu->fflags |= RV_FFLAG_NV;
        return (uint64_t)max;
    }
    r = rv_round_to_int(x, rv_fp_mode(cpu, rm));
    rv_fp_unsync();
    if (r >= lim) {
        cpu->fflags |= RV_FFLAG_NV;
        return (uint64_t)max;
    }
    if (r < -lim) {
        cpu->fflags |= RV_FFLAG_NV;
        return (uint64_t)min;
    }
    if (r != x) {
        cpu->fflags |= RV_FFLAG_NX;
    }
    return (uint64_t)(int64_t)r;
}

/* Unsigned conversion; a 32-bit result is sign-extended to 64 bits like every W result. */
static uint64_t rv_fcvt_unsigned(RvCpu *cpu, double x, uint32_t rm, unsigned bits)
{
    double lim = bits == 32 ? 4294967296.0 : 18446744073709551616.0;
    uint64_t max = bits == 32 ? UINT64_MAX : UINT64_MAX;    /* sext(0xffffffff) = all ones */
    double r;

    if (isnan(x)) {
        cpu->fflags |= RV_FFLAG_NV;
        return max;
    }
    r = rv_round_to_int(x, rv_fp_mode(cpu, rm));
    rv_fp_unsync();
    if (r >= lim) {
        cpu->fflags |= RV_FFLAG_NV;
        return max;
    }
    if (r < 0) {                /* -0.0 (e.g. -0.3 toward zero) is a valid 0 */
        cpu->fflags |= RV_FFLAG_NV;
        return 0;
    }
    if (r != x) {
        cpu->fflags |= RV_FFLAG_NX;
    }
    if (bits == 32) {
        return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
    }
    return (uint64_t)r;
}

uint64_t helper_rv_fcvt_w_s(void *cpu, uint64_t a, uint32_t rm) { return rv_fcvt_signed(cpu, rv_unbox_s(a), rm, 32); }
uint64_t helper_rv_fcvt_l_s(void *cpu, uint64_t a, uint32_t rm) { return rv_fcvt_signed(cpu, rv_unbox_s(a), rm, 64); }
uint64_t helper_rv_fcvt_wu_s(void *cpu, uint64_t a, uint32_t rm) { return rv_fcvt_unsigned(cpu, rv_unbox_s(a), rm, 32); }
uint64_t helper_rv_fcvt_lu_s(void *cpu, uint64_t a, uint32_t rm) { return rv_fcvt_unsigned(cpu, rv_unbox_s(a), rm, 64); }
uint64_t helper_rv_fcvt_w_d(void *cpu, uint64_t a, uint32_t rm) { return rv_fcvt_signed(cpu, rv_as_d(a), rm, 32); }
uint64_t helper_rv_fcvt_l_d(void *cpu, uint64_t a, uint32_t rm) { return rv_fcvt_signed(cpu, rv_as_d(a), rm, 64); }
uint64_t helper_rv_fcvt_wu_d(void *cpu, uint64_t a, uint32_t rm) { return rv_fcvt_unsigned(cpu, rv_as_d(a), rm, 32); }
uint64_t helper_rv_fcvt_lu_d(void *cpu, uint64_t a, uint32_t rm) { return rv_fcvt_unsigned(cpu, rv_as_d(a), rm, 64); }

/* --- Integer to float: the host conversion rounds per MXCSR; RMM ties fixed exactly --- */

static double rv_rmm_int_d(__int128 v, double r)
{
    __int128 err = v - (__int128)r;
    double n;

    if (err == 0) {
        return r;
    }
    n = nextafter(r, err > 0 ? INFINITY : -INFINITY);
    return (2 * err == (__int128)n - (__int128)r && fabs(n) > fabs(r)) ? n : r;
}

static float rv_rmm_int_s(__int128 v, float r)
{
    __int128 err = v - (__int128)r;
    float n;

    if (err == 0) {
        return r;
    }
    n = nextafterf(r, err > 0 ? INFINITY : -INFINITY);
    return (2 * err == (__int128)n - (__int128)r && fabsf(n) > fabsf(r)) ? n : r;
}

#define RV_FCVT_FROM_INT(NAME, CT) \
    uint64_t helper_rv_fcvt_s_##NAME(void *opaque, uint64_t a, uint32_t rm) \
    { \
        RvCpu *cpu = opaque; \
        CT v = (CT)a; \
        unsigned mode = rv_fp_enter(cpu, rm); \
        float r; \
        RV_INT_BARRIER(v); \
        r = (float)v; \
        RV_FP_BARRIER(r); \
        RV_RMM_FIX(mode, r = rv_rmm_int_s((__int128)v, r)); \
        rv_fp_done_s(cpu, mode, r); \
        return rv_box_s(r); \
    } \
    uint64_t helper_rv_fcvt_d_##NAME(void *opaque, uint64_t a, uint32_t rm) \
    { \
        RvCpu *cpu = opaque; \
        CT v = (CT)a; \
        unsigned mode = rv_fp_enter(cpu, rm); \
        double r; \
        RV_INT_BARRIER(v); \
        r = (double)v; \
        RV_FP_BARRIER(r); \
        RV_RMM_FIX(mode, r = rv_rmm_int_d((__int128)v, r)); \
        rv_fp_done_d(cpu, mode, r); \
        return rv_ret_d(r); \
    }
RV_FCVT_FROM_INT(w, int32_t)
RV_FCVT_FROM_INT(wu, uint32_t)
RV_FCVT_FROM_INT(l, int64_t)
RV_FCVT_FROM_INT(lu, uint64_t)
#undef RV_FCVT_FROM_INT

/* --- Between precisions --- */

uint64_t helper_rv_fcvt_s_d(void *opaque, uint64_t a, uint32_t rm)
{
    RvCpu *cpu = opaque;
    double x = rv_as_d(a);
    unsigned mode = rv_fp_enter(cpu, rm);
    float r;

    RV_FP_BARRIER(x);
    r = (float)x;
    RV_FP_BARRIER(r);
    RV_RMM_FIX(mode, r = rv_rmm_d_to_s(x, r));
    rv_fp_done_s(cpu, mode, r);
    return rv_box_s(r);
}

uint64_t helper_rv_fcvt_d_s(void *opaque, uint64_t a, uint32_t rm)
{
    RvCpu *cpu = opaque;
    float x = rv_unbox_s(a);
    double r;

    unsigned mode = rv_fp_enter(cpu, rm);
    RV_FP_BARRIER(x);
    r = (double)x;              /* exact; raises invalid for a signalling NaN */
    RV_FP_BARRIER(r);
    rv_fp_done_d(cpu, mode, r);
    return rv_ret_d(r);
}
