/*
 * Classic PowerPC floating point (Power ISA 2.06 Book I chapter 4) on the host's
 * SSE unit: arithmetic, fused multiply-add, conversions, compares and FPSCR updates.
 *
 * Each operation loads MXCSR with FPSCR[RN] and no flags, runs on the host and
 * reads the flags back: OE/UE/PE/ZE become OX/UX/XX/ZX (x86 with underflow masked
 * sets UE only for a tiny inexact result, PowerPC's UX rule with UE=0).  Invalid
 * operations and NaN operands never reach the host: they are sorted out first by
 * the PowerPC rules (Book I 4.3.6 and 4.4.1):
 *   - a NaN operand propagates quieted, the first of frA, frB, frC that is a NaN
 *     (fmul: frA, frC; the fused forms: frA, frB, frC); a single-precision result
 *     keeps only the NaN's single-format fraction;
 *   - an invalid operation without NaN operands gives the default QNaN
 *     0x7ff8000000000000 and sets its VX* bit (VXSNAN for signalling NaNs);
 *   - the fused negative forms negate a result that is not a NaN.
 * FI is "inexact"; FR ("fraction incremented") is found by recomputing an inexact
 * result rounding toward zero: if that differs, rounding increased the magnitude.
 * PowerPC detects tininess before rounding, x86 after: the one case that differs, a
 * result rounded up to the smallest normal, gets UX here.
 *
 * Single-precision results (the A forms of opcode 59, frsp) are rounded once to
 * single: the operation runs in double rounding toward zero, the lost bits are
 * kept as a sticky low bit (round to odd, exact for the 29 extra bits), then
 * cvtsd2ss rounds in the guest's mode.  They are stored as doubles and FPRF
 * classifies them as singles.
 *
 * Enabled exceptions: with VE=1 (invalid) or ZE=1 (divide by zero) the target
 * register and FPRF are left unchanged, as Book I 4.4 requires.  The program
 * interrupt itself needs MSR[FE0/FE1] != 0, which Linux leaves at 0 for user programs
 * until prctl(PR_SET_FPEXC); then helper_ppc_fp_trap, lifted after every instruction
 * that can set an exception bit or an enable, traps when it leaves FEX set (precise
 * mode: at the instruction, whose results are written; as QEMU does, a FEX still set
 * from before traps again); with OE=1/UE=1 the result is the
 * disabled-exception result (the exponent-adjusted result of an enabled overflow or
 * underflow is not produced).  FPSCR[NI] (non-IEEE mode) is ignored: results are IEEE.
 *
 * The common case of the double-precision fadd/fsub/fmul/fdiv and fused forms is
 * lifted inline (trans_fp.c, ppc_gen_fp_fast) with FR and FI left pending in
 * PpcCpu.fp_lazy_*; these helpers are its slow path and must agree with it.  A helper
 * that writes FR and FI drops a pending operation; one that reads them or keeps them
 * settles it first (ppc_fp_settle).
 */
#define _GNU_SOURCE
#include <math.h>
#include <string.h>
#include <xmmintrin.h>
#include <emmintrin.h>

#include "frontend/ppc/internal.h"

#define PPC_MXCSR_IE      0x0001u
#define PPC_MXCSR_ZE      0x0004u
#define PPC_MXCSR_OE      0x0008u
#define PPC_MXCSR_UE      0x0010u
#define PPC_MXCSR_PE      0x0020u
#define PPC_MXCSR_FLAGS   0x003fu
#define PPC_MXCSR_CTRL    0x1f80u   /* every exception masked, no FTZ/DAZ */
#define PPC_MXCSR_RZ      0x6000u

#define PPC_DEFAULT_QNAN  UINT64_C(0x7ff8000000000000)
#define PPC_SIGN          (UINT64_C(1) << 63)
#define PPC_QUIET_BIT     (UINT64_C(1) << 51)

/* MXCSR RC per FPSCR[RN]: nearest, toward zero, toward +inf, toward -inf. */
static const uint32_t ppc_mxcsr_rc[4] = { 0x0000, 0x6000, 0x4000, 0x2000 };

static inline uint32_t ppc_getcsr(void)
{
    uint32_t v;

    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static inline void ppc_setcsr(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

#define PPC_FP_BARRIER(v) __asm__ volatile("" : "+x"(v))

static inline double ppc_d(uint64_t v)
{
    double d;

    memcpy(&d, &v, 8);
    return d;
}

static inline uint64_t ppc_u(double d)
{
    uint64_t u;

    memcpy(&u, &d, 8);
    return u;
}

static inline bool ppc_isnan(uint64_t u) { return (u & ~PPC_SIGN) > UINT64_C(0x7ff0000000000000); }
static inline bool ppc_issnan(uint64_t u) { return ppc_isnan(u) && !(u & PPC_QUIET_BIT); }
static inline bool ppc_isinf(uint64_t u) { return (u & ~PPC_SIGN) == UINT64_C(0x7ff0000000000000); }
static inline bool ppc_iszero(uint64_t u) { return (u & ~PPC_SIGN) == 0; }
static inline bool ppc_neg(uint64_t u) { return u >> 63; }

uint32_t ppc_fpscr_summary(uint32_t fpscr)
{
    uint32_t en = fpscr & (PPC_FPSCR_VE | PPC_FPSCR_OE | PPC_FPSCR_UE | PPC_FPSCR_ZE | PPC_FPSCR_XE);

    fpscr &= ~(PPC_FPSCR_VX | PPC_FPSCR_FEX);
    if (fpscr & PPC_FPSCR_VX_ALL) {
        fpscr |= PPC_FPSCR_VX;
    }
    /* VE..XE (bits 7..3) line up with VX, OX, UX, ZX, XX (bits 29..25) shifted by 22. */
    if (((fpscr >> 22) & en) != 0) {
        fpscr |= PPC_FPSCR_FEX;
    }
    return fpscr;
}

/* Record new exception bits: sticky OR, FX when any of them goes from 0 to 1. */
static void ppc_fp_raise(PpcCpu *cpu, uint32_t exc)
{
    if (exc & ~cpu->fpscr) {
        cpu->fpscr |= PPC_FPSCR_FX;
    }
    cpu->fpscr = ppc_fpscr_summary(cpu->fpscr | exc);
}

static void ppc_set_fprf(PpcCpu *cpu, uint32_t fprf)
{
    cpu->fpscr = (cpu->fpscr & ~PPC_FPSCR_FPRF) | fprf << PPC_FPSCR_FPRF_SHIFT;
}

static void ppc_set_fr_fi(PpcCpu *cpu, bool fr, bool fi)
{
    cpu->fpscr = (cpu->fpscr & ~(PPC_FPSCR_FR | PPC_FPSCR_FI)) | (fr ? PPC_FPSCR_FR : 0) |
                 (fi ? PPC_FPSCR_FI : 0);
}

static uint32_t ppc_class_d(uint64_t u)
{
    bool n = ppc_neg(u);
    uint64_t e = (u >> 52) & 0x7ff;

    if (ppc_isnan(u)) {
        return PPC_FPRF_QNAN;
    }
    if (ppc_isinf(u)) {
        return n ? PPC_FPRF_NINF : PPC_FPRF_PINF;
    }
    if (ppc_iszero(u)) {
        return n ? PPC_FPRF_NZERO : PPC_FPRF_PZERO;
    }
    if (e == 0) {
        return n ? PPC_FPRF_NDENORM : PPC_FPRF_PDENORM;
    }
    return n ? PPC_FPRF_NNORM : PPC_FPRF_PNORM;
}

static uint32_t ppc_class_s(float f)
{
    uint32_t u;

    memcpy(&u, &f, 4);
    if ((u & 0x7f800000u) == 0 && (u & 0x7fffffu) != 0) {
        return (u >> 31) ? PPC_FPRF_NDENORM : PPC_FPRF_PDENORM;
    }
    return ppc_class_d(ppc_u((double)f));
}

/* A NaN operand as a result: quieted, and for single results cut to single's fraction. */
static uint64_t ppc_quiet(uint64_t u, bool single)
{
    u |= PPC_QUIET_BIT;
    return single ? u & UINT64_C(0xffffffffe0000000) : u;
}

/* --- The host computation --- */

typedef enum PpcFpKind {
    PPC_K_ADD, PPC_K_SUB, PPC_K_MUL, PPC_K_DIV, PPC_K_SQRT, PPC_K_RE, PPC_K_RSQRTE, PPC_K_FMA,
} PpcFpKind;

typedef struct PpcFpOp {
    PpcFpKind kind;
    bool single;
    double x, y, z;             /* operands in role order (FMA: x * y + z) */
} PpcFpOp;

static double ppc_host_op(const PpcFpOp *op)
{
    double x = op->x, y = op->y, z = op->z, r;

    PPC_FP_BARRIER(x);
    PPC_FP_BARRIER(y);
    PPC_FP_BARRIER(z);
    switch (op->kind) {
    case PPC_K_ADD: r = x + y; break;
    case PPC_K_SUB: r = x - y; break;
    case PPC_K_MUL: r = x * y; break;
    case PPC_K_DIV: r = x / y; break;
    case PPC_K_SQRT: r = _mm_cvtsd_f64(_mm_sqrt_sd(_mm_set_sd(x), _mm_set_sd(x))); break;
    case PPC_K_RE: r = 1.0 / x; break;
    case PPC_K_RSQRTE: r = 1.0 / _mm_cvtsd_f64(_mm_sqrt_sd(_mm_set_sd(x), _mm_set_sd(x))); break;
    case PPC_K_FMA: r = fma(x, y, z); break;
    default: g_assert_not_reached();
    }
    PPC_FP_BARRIER(r);
    return r;
}

/*
 * Run op with MXCSR rounding rc; returns the result bits (a double, or for single
 * ops the single result widened) and the host flags it raised.
 */
static uint64_t ppc_run(const PpcFpOp *op, uint32_t rc, uint32_t *flags)
{
    double r;

    if (!op->single) {
        ppc_setcsr(PPC_MXCSR_CTRL | rc);
        r = ppc_host_op(op);
        *flags = ppc_getcsr() & PPC_MXCSR_FLAGS;
        return ppc_u(r);
    }
    ppc_setcsr(PPC_MXCSR_CTRL | PPC_MXCSR_RZ);
    r = ppc_host_op(op);
    uint32_t first = ppc_getcsr() & PPC_MXCSR_FLAGS;
    if (first & PPC_MXCSR_PE) {
        r = ppc_d(ppc_u(r) | 1);        /* round to odd */
    }
    ppc_setcsr(PPC_MXCSR_CTRL | rc);
    if ((ppc_u(r) & ~PPC_SIGN) == 0) {
        /* An exact zero's sign depends on the mode (x + -x is -0 toward -inf): redo it in rc. */
        r = ppc_host_op(op);
    }
    float f = _mm_cvtss_f32(_mm_cvtsd_ss(_mm_setzero_ps(), _mm_set_sd(r)));
    __asm__ volatile("" : "+x"(f));
    *flags = (ppc_getcsr() & PPC_MXCSR_FLAGS) | (first & (PPC_MXCSR_ZE | PPC_MXCSR_PE));
    return ppc_u((double)f);
}

/*
 * Finish a finite-operand operation: status bits from the host flags, FR by the
 * round-toward-zero rerun, FPRF.  Returns the result.
 */
static uint64_t ppc_fp_compute(PpcCpu *cpu, const PpcFpOp *op, bool set_fprf)
{
    uint32_t saved = ppc_getcsr(), flags, rzflags, exc = 0;
    uint32_t rc = ppc_mxcsr_rc[cpu->fpscr & PPC_FPSCR_RN];
    uint64_t r = ppc_run(op, rc, &flags);
    bool fr = false, fi = (flags & PPC_MXCSR_PE) != 0;

    if (fi && rc != PPC_MXCSR_RZ) {
        fr = (ppc_run(op, PPC_MXCSR_RZ, &rzflags) & ~PPC_SIGN) != (r & ~PPC_SIGN);
    }
    ppc_setcsr(saved);
    if (flags & PPC_MXCSR_OE) {
        exc |= PPC_FPSCR_OX;
    }
    if (flags & PPC_MXCSR_UE) {
        exc |= PPC_FPSCR_UX;
    } else if (fi && fr) {
        /* Rounded up to the smallest normal from below: tiny before rounding. */
        uint64_t mag = r & ~PPC_SIGN;

        if (mag == (op->single ? ppc_u(0x1p-126) : UINT64_C(0x0010000000000000))) {
            exc |= PPC_FPSCR_UX;
        }
    }
    if (fi) {
        exc |= PPC_FPSCR_XX;
    }
    ppc_fp_raise(cpu, exc);
    ppc_set_fr_fi(cpu, fr, fi);
    if (set_fprf) {
        ppc_set_fprf(cpu, op->single ? ppc_class_s((float)ppc_d(r)) : ppc_class_d(r));
    }
    return r;
}

/* An invalid operation or NaN result: FR/FI cleared; with VE=1 nothing else is written. */
static uint64_t ppc_fp_nan_result(PpcCpu *cpu, uint32_t exc, uint64_t result, uint64_t old)
{
    ppc_fp_raise(cpu, exc);
    ppc_set_fr_fi(cpu, false, false);
    if ((exc & PPC_FPSCR_VX_ALL) && (cpu->fpscr & PPC_FPSCR_VE)) {
        return old;
    }
    ppc_set_fprf(cpu, PPC_FPRF_QNAN);
    return result;
}

/* --- The lazy FR/FI of the inline fast path (PpcCpu.fp_lazy_op) --- */

/*
 * The FPSCR the pending operation leaves.  trans_fp.c defers only operations that ran
 * with RN = round to nearest (a later mtfsfi may have changed RN since), raised
 * nothing but inexact with XX already set, and gave a normal result of biased exponent
 * 2 or more (so no tininess question); it wrote FPRF itself.  So what ppc_fp_compute()
 * would still change is FI and FR (by the round-toward-zero rerun).
 */
/*
 * FI and FR of a round-to-nearest result r without changing MXCSR (each ldmxcsr costs
 * more than the whole computation): err = exact - r by an error-free transformation,
 * exact when no intermediate underflows, which a result exponent of at least -969
 * (biased 54) and, for fdiv, operands as large guarantee (fsqrt: its operand).  FI = err != 0, FR = err
 * opposite in sign to r (rounding went away from zero).  Returns false to fall back to
 * reruns in two rounding modes (fused forms, small exponents).
 */
static bool ppc_lazy_error(const PpcFpOp *op, uint64_t *r_out, bool *fi, bool *fr)
{
    double x = op->x, y = op->y, r, err, bb;
    bool flip = false;

    PPC_FP_BARRIER(x);
    PPC_FP_BARRIER(y);
    switch (op->kind) {
    case PPC_K_ADD:
    case PPC_K_SUB:
        if (op->kind == PPC_K_SUB) {
            y = -y;
        }
        r = x + y;
        PPC_FP_BARRIER(r);
        bb = r - x;
        PPC_FP_BARRIER(bb);
        err = (x - (r - bb)) + (y - bb);        /* TwoSum: exact for any finite operands */
        break;
    case PPC_K_MUL:
        r = x * y;
        err = fma(x, y, -r);
        if (((ppc_u(r) >> 52) & 0x7ff) < 54) {
            return false;
        }
        break;
    case PPC_K_DIV:
        r = x / y;
        err = fma(-r, y, x);                    /* x - r * y: exact / y has its sign ^ y's */
        flip = ppc_neg(ppc_u(y));
        if (((ppc_u(r) >> 52) & 0x7ff) < 54 || ((ppc_u(x) >> 52) & 0x7ff) < 54 ||
            ((ppc_u(y) >> 52) & 0x7ff) < 54) {
            return false;
        }
        break;
    case PPC_K_SQRT:
        r = _mm_cvtsd_f64(_mm_sqrt_sd(_mm_set_sd(x), _mm_set_sd(x)));
        err = fma(-r, r, x);                    /* x - r * r, a multiple of ulp(x) * 2^-52 */
        if (((ppc_u(x) >> 52) & 0x7ff) < 54) {
            return false;
        }
        break;
    default:
        return false;
    }
    PPC_FP_BARRIER(err);
    if ((ppc_u(err) & ~PPC_SIGN) >= UINT64_C(0x7ff0000000000000)) {
        return false;               /* an intermediate overflowed (TwoSum next to DBL_MAX) */
    }
    *r_out = ppc_u(r);
    *fi = (ppc_u(err) & ~PPC_SIGN) != 0;
    *fr = *fi && (ppc_neg(ppc_u(err)) ^ flip) != ppc_neg(ppc_u(r));
    return true;
}

/*
 * FPRF bits (shifted into place) of a pending operation's result r, which the fast
 * path let through only as a normal number or an exact zero; lazy says what of FPRF is
 * still pending (all, or C alone after an inline fcmp).
 */
static inline uint32_t ppc_lazy_fprf(uint32_t fpscr, uint32_t lazy, uint64_t r)
{
    bool neg = ppc_neg(r);
    uint32_t fprf = ppc_iszero(r) ? (neg ? PPC_FPRF_NZERO : PPC_FPRF_PZERO) : (neg ? PPC_FPRF_NNORM : PPC_FPRF_PNORM);
    uint32_t mask = 0;

    if (lazy & PPC_FP_LAZY_FPRF) {
        mask = PPC_FPSCR_FPRF;
    } else if (lazy & PPC_FP_LAZY_C) {
        mask = PPC_FPSCR_FPRF & ~PPC_FPSCR_FPCC;
    }
    return (fpscr & ~mask) | ((fprf << PPC_FPSCR_FPRF_SHIFT) & mask);
}

/*
 * ppc_fpscr_settled for a pending fadd or fsub, the usual one (glibc's sqrt reads FPSCR
 * right after its caller summed squares; ppc_trans_mffs does the same inline): Fast2Sum
 * with the operands ordered by magnitude (err = small - (r - big) is exact when
 * |big| >= |small| in round to nearest, and r is finite here), three dependent
 * operations instead of TwoSum's five, and the ordering by an integer compare rather
 * than a branch.
 */
static uint32_t ppc_settle_addsub(uint32_t fpscr, uint32_t opc, uint64_t ua, uint64_t ub)
{
    uint64_t uy = PPC_FP_OP(opc) == PPC_FP_SUB ? ub ^ PPC_SIGN : ub;
    /*
     * All ones when a is the bigger: the operands are ordered by masks, since which one is
     * bigger is as good as random and gcc 12 turned the selects into a branch.
     */
    uint64_t a_big = -(uint64_t)((ua & ~PPC_SIGN) >= (uy & ~PPC_SIGN));
    uint64_t ubig, usmall;
    double big, small, r, z, err;
    uint64_t ur, ue;
    bool fi, fr;

    __asm__("" : "+r"(a_big));      /* keeps the mask a mask, not a branch */
    ubig = (ua & a_big) | (uy & ~a_big);
    usmall = ua ^ uy ^ ubig;
    big = ppc_d(ubig);
    small = ppc_d(usmall);

    PPC_FP_BARRIER(big);
    PPC_FP_BARRIER(small);
    r = big + small;
    PPC_FP_BARRIER(r);
    z = r - big;
    PPC_FP_BARRIER(z);
    err = small - z;
    PPC_FP_BARRIER(err);
    ur = ppc_u(r);
    ue = ppc_u(err);
    fi = (ue & ~PPC_SIGN) != 0;
    fr = fi && ppc_neg(ue) != ppc_neg(ur);
    fpscr &= ~(PPC_FPSCR_FR | PPC_FPSCR_FI);
    fpscr |= (fr ? PPC_FPSCR_FR : 0) | (fi ? PPC_FPSCR_FI : 0);
    return ppc_lazy_fprf(fpscr, opc, ur);
}

/*
 * The FPSCR the pending operation leaves.  trans_fp.c defers only operations that ran
 * with RN = round to nearest (a later mtfsfi may have changed RN since), raised
 * nothing but inexact with XX already set, and gave a normal result of biased exponent
 * 2 or more, or an exact zero (so no tininess question).  So what ppc_fp_compute()
 * would still change is FI, FR and FPRF (the class of the result; an inline fcmp since
 * may have written FPCC, leaving only C: PPC_FP_LAZY_C).
 */
static uint32_t ppc_fpscr_settled_any(uint32_t fpscr, uint32_t opc, uint64_t ua, uint64_t ub, uint64_t uc)
{
    uint32_t flags, rzflags;
    double a = ppc_d(ua), b = ppc_d(ub), c = ppc_d(uc);
    PpcFpOp op = { .kind = (PpcFpKind)PPC_FP_OP(opc), .x = a, .y = b };
    uint64_t r;
    bool fi, fr;

    if (opc == 0) {
        return fpscr;
    }
    g_assert(!(opc & PPC_FP_S));
    if (opc & PPC_FP_FMA) {
        op.kind = PPC_K_FMA;
        op.y = c;
        op.z = (opc & PPC_FMA_NEG_C) ? -b : b;
    } else if (op.kind == PPC_K_MUL) {
        op.y = c;
    } else if (op.kind == PPC_K_SQRT) {
        op.x = b;
    }
    /*
     * MXCSR is round-to-nearest here (generated code and C run with the host default;
     * only ppc_run changes it, and puts it back), so it is not read unless the reruns
     * need it: stmxcsr alone cost as much as the rest of this function.
     */
    if (!ppc_lazy_error(&op, &r, &fi, &fr)) {
        uint32_t saved = ppc_getcsr();

        r = ppc_run(&op, ppc_mxcsr_rc[0], &flags);
        fi = (flags & PPC_MXCSR_PE) != 0;
        fr = fi && (ppc_run(&op, PPC_MXCSR_RZ, &rzflags) & ~PPC_SIGN) != (r & ~PPC_SIGN);
        ppc_setcsr(saved);
    }
    fpscr &= ~(PPC_FPSCR_FR | PPC_FPSCR_FI);
    fpscr |= (fr ? PPC_FPSCR_FR : 0) | (fi ? PPC_FPSCR_FI : 0);
    if ((opc & PPC_FP_FMA) && (opc & PPC_FMA_NEG_R)) {
        r ^= PPC_SIGN;
    }
    if (opc & PPC_FP_LAZY_FPRF) {
        fpscr = (fpscr & ~PPC_FPSCR_FPRF) | ppc_class_d(r) << PPC_FPSCR_FPRF_SHIFT;
    } else if (opc & PPC_FP_LAZY_C) {
        uint32_t c = PPC_FPSCR_FPRF & ~PPC_FPSCR_FPCC;

        fpscr = (fpscr & ~c) | ((ppc_class_d(r) << PPC_FPSCR_FPRF_SHIFT) & c);
    }
    return fpscr;
}

/* ppc_fpscr_settled_any, with the common fadd/fsub case first. */
static uint32_t ppc_fpscr_settled(uint32_t fpscr, uint32_t opc, uint64_t ua, uint64_t ub, uint64_t uc)
{
    if ((opc & (PPC_FP_FMA | PPC_FP_S)) == 0 && PPC_FP_OP(opc) <= PPC_FP_SUB && opc != 0) {
        return ppc_settle_addsub(fpscr, opc, ua, ub);
    }
    return ppc_fpscr_settled_any(fpscr, opc, ua, ub, uc);
}

uint32_t ppc_get_fpscr(const PpcCpu *cpu)
{
    return ppc_fpscr_settled(cpu->fpscr, cpu->fp_lazy_op, cpu->fp_lazy_a, cpu->fp_lazy_b, cpu->fp_lazy_c);
}

/*
 * The same from values (mffs): a pure call, so the JIT need not store the guest
 * registers it holds before it nor load them again after it, as a call that reads and
 * writes the CPU state requires.
 */
uint32_t helper_ppc_fpscr_settled(uint32_t fpscr, uint32_t opc, uint64_t a, uint64_t b, uint64_t c)
{
    return ppc_fpscr_settled(fpscr, opc, a, b, c);
}

void ppc_fp_settle(PpcCpu *cpu)
{
    if (cpu->fp_lazy_op != 0) {
        cpu->fpscr = ppc_get_fpscr(cpu);
        cpu->fp_lazy_op = 0;
    }
}

void ppc_set_fpscr(PpcCpu *cpu, uint32_t v)
{
    cpu->fpscr = v;
    cpu->fp_lazy_op = 0;
}


uint64_t helper_ppc_farith(void *opaque, uint64_t a, uint64_t b, uint64_t c, uint64_t old, uint32_t opc)
{
    PpcCpu *cpu = opaque;
    bool single = opc & PPC_FP_S;
    bool is_fma = opc & PPC_FP_FMA;
    PpcFpOp op = { .kind = is_fma ? PPC_K_FMA : (PpcFpKind)PPC_FP_OP(opc), .single = single };
    uint64_t in[3];                 /* operands in NaN-priority order */
    unsigned n;
    uint32_t exc = 0;

    /* every way out below writes FR and FI, but an enabled exception leaves FPRF */
    ppc_fp_settle(cpu);
    /* Roles and NaN priority (frA, frB, frC among the operands used). */
    switch (op.kind) {
    case PPC_K_MUL:
        in[0] = a, in[1] = c, n = 2;
        break;
    case PPC_K_SQRT:
    case PPC_K_RE:
    case PPC_K_RSQRTE:
        in[0] = b, n = 1;
        break;
    case PPC_K_FMA:
        in[0] = a, in[1] = b, in[2] = c, n = 3;
        break;
    default:
        in[0] = a, in[1] = b, n = 2;
        break;
    }
    for (unsigned i = 0; i < n; i++) {
        if (ppc_issnan(in[i])) {
            exc |= PPC_FPSCR_VXSNAN;
        }
    }
    if (op.kind == PPC_K_FMA && ((ppc_isinf(a) && ppc_iszero(c)) || (ppc_iszero(a) && ppc_isinf(c)))) {
        exc |= PPC_FPSCR_VXIMZ;     /* even with a NaN addend */
    }
    for (unsigned i = 0; i < n; i++) {
        if (ppc_isnan(in[i])) {
            return ppc_fp_nan_result(cpu, exc, ppc_quiet(in[i], single), old);
        }
    }

    /* No NaN operands: the invalid operations (Book I 4.4.1). */
    bool neg_y = false;
    switch (op.kind) {
    case PPC_K_SUB:
        neg_y = true;
        /* fall through */
    case PPC_K_ADD:
        if (ppc_isinf(a) && ppc_isinf(b) && (ppc_neg(a) != (ppc_neg(b) ^ neg_y))) {
            exc |= PPC_FPSCR_VXISI;
        }
        break;
    case PPC_K_MUL:
        if ((ppc_isinf(a) && ppc_iszero(c)) || (ppc_iszero(a) && ppc_isinf(c))) {
            exc |= PPC_FPSCR_VXIMZ;
        }
        break;
    case PPC_K_DIV:
        if (ppc_iszero(a) && ppc_iszero(b)) {
            exc |= PPC_FPSCR_VXZDZ;
        } else if (ppc_isinf(a) && ppc_isinf(b)) {
            exc |= PPC_FPSCR_VXIDI;
        }
        break;
    case PPC_K_SQRT:
    case PPC_K_RSQRTE:
        if (ppc_neg(b) && !ppc_iszero(b)) {
            exc |= PPC_FPSCR_VXSQRT;
        }
        break;
    case PPC_K_FMA:
        if (!(exc & PPC_FPSCR_VXIMZ) && (ppc_isinf(a) || ppc_isinf(c)) && ppc_isinf(b) &&
            ((ppc_neg(a) ^ ppc_neg(c)) != (ppc_neg(b) ^ !!(opc & PPC_FMA_NEG_C)))) {
            exc |= PPC_FPSCR_VXISI;
        }
        break;
    case PPC_K_RE:
        break;
    }
    if (exc) {
        return ppc_fp_nan_result(cpu, exc, PPC_DEFAULT_QNAN, old);
    }

    /* Division by zero (fdiv, fres, frsqrte of a zero): ZX; with ZE=1 frT is kept. */
    if ((op.kind == PPC_K_DIV && ppc_iszero(b) && !ppc_isinf(a)) ||
        ((op.kind == PPC_K_RE || op.kind == PPC_K_RSQRTE) && ppc_iszero(b))) {
        if (cpu->fpscr & PPC_FPSCR_ZE) {
            ppc_fp_raise(cpu, PPC_FPSCR_ZX);
            ppc_set_fr_fi(cpu, false, false);
            return old;
        }
    }

    switch (op.kind) {
    case PPC_K_MUL:
        op.x = ppc_d(a), op.y = ppc_d(c);
        break;
    case PPC_K_SQRT:
    case PPC_K_RE:
    case PPC_K_RSQRTE:
        op.x = ppc_d(b);
        break;
    case PPC_K_FMA:
        op.x = ppc_d(a), op.y = ppc_d(c);
        op.z = (opc & PPC_FMA_NEG_C) ? -ppc_d(b) : ppc_d(b);
        break;
    default:
        op.x = ppc_d(a), op.y = ppc_d(b);
        break;
    }
    uint64_t r = ppc_fp_compute(cpu, &op, true);
    if (op.kind == PPC_K_DIV || op.kind == PPC_K_RE || op.kind == PPC_K_RSQRTE) {
        /*
         * The host's ZE became nothing above; a zero divisor is ZX with FR/FI clear,
         * except for fdiv of an infinity, which is exact (Book I 4.4.2: the dividend
         * must be finite and nonzero; 0/0 was VXZDZ above).
         */
        if (ppc_iszero(b) && !(op.kind == PPC_K_DIV && ppc_isinf(a))) {
            ppc_fp_raise(cpu, PPC_FPSCR_ZX);
            ppc_set_fr_fi(cpu, false, false);
        }
    }
    if (is_fma && (opc & PPC_FMA_NEG_R)) {
        r ^= PPC_SIGN;
        ppc_set_fprf(cpu, single ? ppc_class_s((float)ppc_d(r)) : ppc_class_d(r));
    }
    return r;
}

/* --- Conversions (Book I 4.6.7) --- */

static uint64_t ppc_fctiw(PpcCpu *cpu, uint64_t b, uint64_t old, bool toward_zero)
{
    double x = ppc_d(b), t;
    uint32_t exc = 0;
    unsigned rn = toward_zero ? 1 : (cpu->fpscr & PPC_FPSCR_RN);

    if (ppc_isnan(b)) {
        exc = PPC_FPSCR_VXCVI | (ppc_issnan(b) ? PPC_FPSCR_VXSNAN : 0);
        ppc_fp_raise(cpu, exc);
        ppc_set_fr_fi(cpu, false, false);
        return (cpu->fpscr & PPC_FPSCR_VE) ? old : UINT64_C(0x80000000);
    }
    switch (rn) {
    case 0: t = roundeven(x); break;
    case 1: t = trunc(x); break;
    case 2: t = ceil(x); break;
    default: t = floor(x); break;
    }
    if (t >= 2147483648.0 || t < -2147483648.0) {
        ppc_fp_raise(cpu, PPC_FPSCR_VXCVI);
        ppc_set_fr_fi(cpu, false, false);
        if (cpu->fpscr & PPC_FPSCR_VE) {
            return old;
        }
        return t > 0 ? UINT64_C(0x7fffffff) : UINT64_C(0xffffffff80000000);
    }
    ppc_set_fr_fi(cpu, fabs(t) > fabs(x), t != x);
    if (t != x) {
        ppc_fp_raise(cpu, PPC_FPSCR_XX);
    }
    /* FRT[0:31] is undefined; like QEMU, the sign extension of the word. */
    return (uint64_t)(int64_t)(int32_t)t;
}

static uint64_t ppc_frsp(PpcCpu *cpu, uint64_t b, uint64_t old)
{
    PpcFpOp op = { .kind = PPC_K_ADD, .single = true, .x = ppc_d(b), .y = 0.0 };

    if (ppc_isnan(b)) {
        return ppc_fp_nan_result(cpu, ppc_issnan(b) ? PPC_FPSCR_VXSNAN : 0, ppc_quiet(b, true), old);
    }
    if (ppc_iszero(b)) {
        /* x + 0.0 would turn -0 into +0 (in round-to-nearest); a zero converts exactly. */
        ppc_set_fr_fi(cpu, false, false);
        ppc_set_fprf(cpu, ppc_class_d(b));
        return b;
    }
    return ppc_fp_compute(cpu, &op, true);
}

uint64_t helper_ppc_fconv(void *opaque, uint64_t b, uint64_t old, uint32_t kind)
{
    PpcCpu *cpu = opaque;

    ppc_fp_settle(cpu);             /* an invalid conversion leaves FPRF */
    switch (kind) {
    case PPC_FCONV_FRSP:
        return ppc_frsp(cpu, b, old);
    case PPC_FCONV_FCTIW:
        return ppc_fctiw(cpu, b, old, false);
    case PPC_FCONV_FCTIWZ:
        return ppc_fctiw(cpu, b, old, true);
    }
    g_assert_not_reached();
}

/* --- Compares (Book I 4.6.8): FL 8, FG 4, FE 2, FU 1, also into FPSCR[FPCC] --- */

uint32_t helper_ppc_fcmp(void *opaque, uint64_t a, uint64_t b, uint32_t ordered)
{
    PpcCpu *cpu = opaque;
    uint32_t c, exc = 0;

    ppc_fp_settle(cpu);             /* FPRF's C stays as the pending operation left it */
    if (ppc_isnan(a) || ppc_isnan(b)) {
        c = 1;
        if (ppc_issnan(a) || ppc_issnan(b)) {
            exc |= PPC_FPSCR_VXSNAN;
            if (ordered && !(cpu->fpscr & PPC_FPSCR_VE)) {
                exc |= PPC_FPSCR_VXVC;
            }
        } else if (ordered) {
            exc |= PPC_FPSCR_VXVC;
        }
    } else if (ppc_d(a) < ppc_d(b)) {
        c = 8;
    } else if (ppc_d(a) > ppc_d(b)) {
        c = 4;
    } else {
        c = 2;
    }
    cpu->fpscr = (cpu->fpscr & ~PPC_FPSCR_FPCC) | c << PPC_FPSCR_FPRF_SHIFT;
    ppc_fp_raise(cpu, exc);
    return c;
}

/* --- FPSCR moves (Book I 4.6.10) --- */

/*
 * Write the masked bits of value into FPSCR.  FEX and VX are summaries and cannot
 * be written; for mtfsb1 (set_fx), an exception bit going from 0 to 1 also sets FX.
 */
void helper_ppc_fpscr_write(void *opaque, uint32_t value, uint32_t mask, uint32_t set_fx)
{
    PpcCpu *cpu = opaque;
    uint32_t old;
    uint32_t exc_bits = PPC_FPSCR_OX | PPC_FPSCR_UX | PPC_FPSCR_ZX | PPC_FPSCR_XX | PPC_FPSCR_VX_ALL;
    uint32_t v;

    /* A pending FR/FI/FPRF matters only if one of them is kept. */
    if ((mask & PPC_FPSCR_LAZY_BITS) == PPC_FPSCR_LAZY_BITS) {
        cpu->fp_lazy_op = 0;
    } else if (mask & PPC_FPSCR_LAZY_BITS) {
        ppc_fp_settle(cpu);
    }
    old = cpu->fpscr;
    mask &= ~(PPC_FPSCR_FEX | PPC_FPSCR_VX);
    v = (old & ~mask) | (value & mask);
    if (set_fx && (v & ~old & exc_bits)) {
        v |= PPC_FPSCR_FX;
    }
    cpu->fpscr = ppc_fpscr_summary(v);
}

/* mcrfs: the field's value, then its exception bits (FX, OX...VXVC, VXSOFT..VXCVI) are cleared. */
uint32_t helper_ppc_mcrfs(void *opaque, uint32_t field)
{
    PpcCpu *cpu = opaque;
    uint32_t shift = 28 - 4 * field;
    uint32_t clearable = PPC_FPSCR_FX | PPC_FPSCR_OX | PPC_FPSCR_UX | PPC_FPSCR_ZX | PPC_FPSCR_XX |
                         PPC_FPSCR_VX_ALL;
    uint32_t v;

    if (field == 3 || field == 4) {
        ppc_fp_settle(cpu);         /* FR, FI, C (field 3) and FPCC (4) may be pending */
    }
    v = (cpu->fpscr >> shift) & 0xf;
    cpu->fpscr = ppc_fpscr_summary(cpu->fpscr & ~((0xfu << shift) & clearable));
    return v;
}

/* --- lfs / stfs format conversions (Book I 4.6.2, 4.6.3) --- */

/* Single to double: exact; a NaN keeps its payload (and stays signalling) by bit moves. */
uint64_t helper_ppc_lfs_cvt(uint32_t s)
{
    uint64_t sign = (uint64_t)(s >> 31) << 63;
    uint32_t e = (s >> 23) & 0xff, m = s & 0x7fffff;
    float f;

    if (e == 0xff) {
        return sign | UINT64_C(0x7ff0000000000000) | (uint64_t)m << 29;
    }
    memcpy(&f, &s, 4);
    return ppc_u((double)f);        /* exact for zeros, denormals and normals */
}

/*
 * Double to single without rounding: in range (or NaN/inf), the sign, the exponent's
 * low bits and the fraction's top 23 bits; a value below single's normal range is
 * denormalized by shifting (truncating), as the "DOUBLE to SINGLE" rule says.
 */
uint64_t helper_ppc_stfs_cvt(uint64_t d)
{
    uint32_t sign = (uint32_t)(d >> 63) << 31;
    int e = (int)((d >> 52) & 0x7ff);
    uint64_t frac = d & UINT64_C(0xfffffffffffff);

    if (e > 896 || (e == 0 && frac == 0)) {
        if (e == 0) {
            return sign;
        }
        return sign | (uint32_t)((d >> 32) & 0x40000000u) | (uint32_t)((d >> 29) & 0x3fffffffu);
    }
    if (e >= 874) {
        /* Denormalize: the implicit 1 and fraction shifted right by 897 - e more places. */
        uint64_t m = (frac | (UINT64_C(1) << 52)) >> (29 + 897 - e);

        return sign | (uint32_t)m;
    }
    return sign;                    /* undefined in the ISA: too small even for a denormal */
}

/*
 * The program interrupt of an enabled FP exception, with the cause Linux reports
 * (arch/powerpc/kernel/traps.c, __parse_fpscr): invalid, overflow, underflow, divide
 * by zero, inexact, in that order.
 */
void helper_ppc_fp_trap(void *opaque)
{
    PpcCpu *cpu = opaque;
    uint32_t f = cpu->fpscr;
    int code;

    if (!(cpu->msr & (PPC_MSR_FE0 | PPC_MSR_FE1)) || !(f & PPC_FPSCR_FEX)) {
        return;
    }
    if ((f & PPC_FPSCR_VE) && (f & PPC_FPSCR_VX)) {
        code = 7;       /* FPE_FLTINV */
    } else if ((f & PPC_FPSCR_OE) && (f & PPC_FPSCR_OX)) {
        code = 4;       /* FPE_FLTOVF */
    } else if ((f & PPC_FPSCR_UE) && (f & PPC_FPSCR_UX)) {
        code = 5;       /* FPE_FLTUND */
    } else if ((f & PPC_FPSCR_ZE) && (f & PPC_FPSCR_ZX)) {
        code = 3;       /* FPE_FLTDIV */
    } else {
        code = 6;       /* FPE_FLTRES */
    }
    guest_cpu_exit(&cpu->common, GUEST_EXIT_FPE, 0, (uint64_t)code);
}
