/*
 * ppc_fpscr.c - the edges of mimic's inline floating-point path, instruction by
 * instruction (Power ISA 2.06 Book I chapter 4).  mimic runs double-precision
 * arithmetic and the fused forms on the host when FPSCR[RN] is round-to-nearest, XX
 * is already set and the result is a normal number (or an exact zero); it leaves FR, FI
 * and FPRF to be worked out when FPSCR is read.  Everything else goes to exact helpers.
 * Two modes:
 *
 *   sweep   (compared with qemu-ppc) every A-form arithmetic instruction (double and
 *           single, fused forms), frsp, fctiw, fctiwz, fcmpu and fcmpo, over operands from zero
 *           through denormals, the bottom of the normal range, ordinary and huge
 *           values to infinities and NaNs (quiet and signalling), in each rounding
 *           mode, from an FPSCR with no flags, with XX set, and with sticky flags set:
 *           each line is a checksum of frT, FPSCR after the instruction (mffs), and
 *           frT, FPSCR and CR1 of the record form (fadd. ...).  qemu-ppc 7.2 never sets
 *           FR and sets FX on every exception rather than on a 0 -> 1 change of an
 *           exception bit, so FR and FX (in FPSCR and CR1) are left out of the sums.
 *   exact   (self-checking; the expected values are worked out by hand from the ISA)
 *           FR, FI and FX after operations that round up, round down and are exact,
 *           and after runs of inline operations read back every way the guest can:
 *           mffs, mcrfs of field 3, mtfsfi changing RN first, mtfsb0/mtfsb1, mtfsf of
 *           some fields, fcmpu (writes FPCC), a record form and a signal frame; FPRF
 *           of each class the inline path produces, read the same ways.
 *
 * "sweep verbose" prints one line per operand set instead of checksums.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include "fp_bits.h"
#include "guest_check.h"

static int verbose;

/* --- Operands --- */

static const uint64_t operands[] = {
    0x0000000000000000ull,  /* +0 */
    0x8000000000000000ull,  /* -0 */
    0x3ff0000000000000ull,  /* 1 */
    0xbff0000000000000ull,  /* -1 */
    0x3fd5555555555555ull,  /* ~1/3 */
    0x4008000000000000ull,  /* 3 */
    0x3ff0000000000001ull,  /* 1 + ulp */
    0xc1e0000000000000ull,  /* -2^31 */
    0x41dfffffffc00000ull,  /* 2^31 - 1 */
    0x0010000000000000ull,  /* smallest normal */
    0x0018000000000000ull,  /* 1.5 * smallest normal */
    0x0020000000000000ull,  /* 2^-1021: biased exponent 2 */
    0x000fffffffffffffull,  /* largest denormal */
    0x8000000000000001ull,  /* -smallest denormal */
    0x3ca0000000000000ull,  /* 2^-53 */
    0x7fefffffffffffffull,  /* DBL_MAX */
    0xffefffffffffffffull,  /* -DBL_MAX */
    0x7ff0000000000000ull,  /* +inf */
    0xfff0000000000000ull,  /* -inf */
    0x7ff8000000000000ull,  /* default qNaN */
    0xfff4000000000123ull,  /* sNaN with payload */
    0x47efffffe0000000ull,  /* FLT_MAX */
    0x3810000000000000ull,  /* FLT_MIN */
    0x36a0000000000000ull,  /* single denormal range */
};
#define N_OPS (sizeof(operands) / sizeof(operands[0]))

/* The FMA sweep uses a smaller set: every triple of these. */
static const unsigned fma_subset[] = { 0, 1, 2, 3, 4, 5, 6, 9, 11, 12, 15, 17, 18, 19, 20, 21 };
#define N_FMA (sizeof(fma_subset) / sizeof(fma_subset[0]))

/* --- Instructions under test: frT, FPSCR after, CR (CR1 from the record form) --- */

typedef struct {
    uint64_t r, r_rc;           /* frT of the plain and of the record form */
    uint32_t fpscr, fpscr_rc, cr;
} Outcome;

typedef void OpFn(double a, double b, double c, Outcome *o);

/*
 * One instruction and its record form, each from the same starting FPSCR.  ARGS are
 * the operand list in assembler order (%1.. for the plain form, %2.. for the record
 * form, whose %1 is the CR); IN the matching inputs.
 */
#define OP(name, insn, args, args_rc, ...)                                                    \
    static void name(double a, double b, double c, Outcome *o)                                \
    {                                                                                         \
        uint32_t start = get_fpscr(), cr;                                                     \
        double r = 0.0, r2 = 0.0;                                                             \
        (void)a, (void)b, (void)c;                                                            \
        __asm__ volatile(insn " %0," args : "+d"(r) : __VA_ARGS__);                           \
        o->r = u_of(r);                                                                       \
        o->fpscr = get_fpscr();                                                               \
        set_fpscr(start);                                                                     \
        __asm__ volatile(insn ". %0," args_rc "\n\tmfcr %1" : "+d"(r2), "=r"(cr) : __VA_ARGS__); \
        o->r_rc = u_of(r2);                                                                   \
        o->fpscr_rc = get_fpscr();                                                            \
        o->cr = (cr >> 24) & 0xf;                                                             \
    }
#define BIN(name, insn) OP(name, insn, "%1,%2", "%2,%3", "d"(a), "d"(b))
/* The fused forms: frT = frA * frC +- frB, written insn frT,frA,frC,frB. */
#define TERN(name, insn) OP(name, insn, "%1,%2,%3", "%2,%3,%4", "d"(a), "d"(c), "d"(b))
#define UN(name, insn) OP(name, insn, "%1", "%2", "d"(a))

BIN(op_fadd, "fadd")
BIN(op_fsub, "fsub")
BIN(op_fmul, "fmul")            /* frA, frC: b plays frC */
BIN(op_fdiv, "fdiv")
BIN(op_fadds, "fadds")
BIN(op_fsubs, "fsubs")
BIN(op_fmuls, "fmuls")
BIN(op_fdivs, "fdivs")
TERN(op_fmadd, "fmadd")
TERN(op_fmsub, "fmsub")
TERN(op_fnmadd, "fnmadd")
TERN(op_fnmsub, "fnmsub")
TERN(op_fmadds, "fmadds")
TERN(op_fmsubs, "fmsubs")
TERN(op_fnmadds, "fnmadds")
TERN(op_fnmsubs, "fnmsubs")
UN(op_frsp, "frsp")
UN(op_fctiw, "fctiw")
UN(op_fctiwz, "fctiwz")

/* Compares: CR5 and FPSCR (FPCC, VXSNAN, VXVC); frT is not written. */
#define CMP(name, insn)                                                                       \
    static void name(double a, double b, double c, Outcome *o)                                \
    {                                                                                         \
        uint32_t cr;                                                                          \
        (void)c;                                                                              \
        __asm__ volatile(insn " 5,%1,%2\n\tmfcr %0" : "=r"(cr) : "d"(a), "d"(b));             \
        o->r = o->r_rc = 0;                                                                   \
        o->fpscr = o->fpscr_rc = get_fpscr();                                                 \
        o->cr = (cr >> 8) & 0xf;                                                              \
    }
CMP(op_fcmpu, "fcmpu")
CMP(op_fcmpo, "fcmpo")

/*
 * The sweep's instructions and what of their FPSCR is compared with qemu-ppc: all but
 * FX and FR (see the top), and
 *   - for single-precision results not C, which with FPCC tells a single denormal
 *     from a normal: qemu 7.2 classifies the result as a double;
 *   - for fctiw/fctiwz not FPRF, which the ISA leaves undefined;
 *   - for fcmpo not C: the ISA sets only FPCC, qemu 7.2 sets C too for a NaN operand.
 * fnmadd and fnmsub are not in the sweep: qemu 7.2 negates before rounding in the
 * directed modes, where the ISA rounds first.  The exact mode checks them against
 * the ISA's definition instead (the fmadd/fmsub result negated).
 */
#define NOT_QEMU_SINGLE 0x00010000u
#define NOT_QEMU_C      0x00010000u
#define NOT_QEMU_FCTIW  0x0001f000u

static const struct {
    const char *name;
    OpFn *fn;
    int arity;
    uint32_t mask;              /* FPSCR bits left out besides FX and FR */
} ops[] = {
    { "fadd", op_fadd, 2, 0 }, { "fsub", op_fsub, 2, 0 }, { "fmul", op_fmul, 2, 0 }, { "fdiv", op_fdiv, 2, 0 },
    { "fadds", op_fadds, 2, NOT_QEMU_SINGLE }, { "fsubs", op_fsubs, 2, NOT_QEMU_SINGLE },
    { "fmuls", op_fmuls, 2, NOT_QEMU_SINGLE }, { "fdivs", op_fdivs, 2, NOT_QEMU_SINGLE },
    { "fmadd", op_fmadd, 3, 0 }, { "fmsub", op_fmsub, 3, 0 },
    { "fmadds", op_fmadds, 3, NOT_QEMU_SINGLE }, { "fmsubs", op_fmsubs, 3, NOT_QEMU_SINGLE },
    { "frsp", op_frsp, 1, NOT_QEMU_SINGLE }, { "fctiw", op_fctiw, 1, NOT_QEMU_FCTIW },
    { "fctiwz", op_fctiwz, 1, NOT_QEMU_FCTIW }, { "fcmpu", op_fcmpu, 2, 0 },
    { "fcmpo", op_fcmpo, 2, NOT_QEMU_C },
};

/* fnmadd = -fmadd and fnmsub = -fmsub, except for NaN results (Book I 4.6.6.2). */
static const struct {
    const char *name;
    OpFn *fn, *positive;
} negated_ops[] = {
    { "fnmadd", op_fnmadd, op_fmadd }, { "fnmsub", op_fnmsub, op_fmsub },
    { "fnmadds", op_fnmadds, op_fmadds }, { "fnmsubs", op_fnmsubs, op_fmsubs },
};

/*
 * Starting FPSCR values (RN is or-ed in): no status; XX set (the inline path's
 * precondition); a mix of sticky bits with FX.  No enable bits: Linux leaves MSR[FE0
 * FE1] clear, so enabled exceptions do not trap there (nor in mimic), but qemu-ppc
 * raises SIGFPE for them.
 */
static const uint32_t starts[] = {
    0x00000000u, 0x02000000u, 0x9a0c0000u,
};
#define N_STARTS (sizeof(starts) / sizeof(starts[0]))

static int is_snan(uint64_t u)
{
    return (u & 0x7ff8000000000000ull) == 0x7ff0000000000000ull && (u & 0x000fffffffffffffull) != 0;
}

static int is_inf(uint64_t u)
{
    return (u & ~(1ull << 63)) == 0x7ff0000000000000ull;
}

static int is_zero(uint64_t u)
{
    return (u & ~(1ull << 63)) == 0;
}

static int is_nan(uint64_t u)
{
    return (u & ~(1ull << 63)) > 0x7ff0000000000000ull;
}

/* FX and FR: see the top of the file. */
#define QEMU_DIFFERS 0x80040000u

static uint64_t mix(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 0x100000001b3ull;
    }
    return h;
}

static void run_one(unsigned op, uint32_t start, double a, double b, double c, uint64_t *h)
{
    Outcome o;

    set_fpscr(start);
    ops[op].fn(a, b, c, &o);
    set_fpscr(0);
    o.fpscr &= ~(QEMU_DIFFERS | ops[op].mask);
    o.fpscr_rc &= ~(QEMU_DIFFERS | ops[op].mask);
    if (ops[op].fn != op_fcmpu && ops[op].fn != op_fcmpo) {
        o.cr &= 0x7;                /* CR1 = FX FEX VX OX: FX is bit 3 */
    }
    *h = mix(mix(mix(mix(mix(*h, o.r), o.fpscr), o.r_rc), o.fpscr_rc), o.cr);
    if (verbose) {
        printf("  %s %016llx %016llx %016llx fpscr %08x -> %016llx fpscr %08x, record form %016llx %08x cr1 %x\n",
               ops[op].name, (unsigned long long)u_of(a), (unsigned long long)u_of(b), (unsigned long long)u_of(c),
               start, (unsigned long long)o.r, o.fpscr, (unsigned long long)o.r_rc, o.fpscr_rc, o.cr);
    }
}

static void sweep(void)
{
    for (unsigned op = 0; op < sizeof(ops) / sizeof(ops[0]); op++) {
        for (uint32_t rn = 0; rn < 4; rn++) {
            for (unsigned s = 0; s < N_STARTS; s++) {
                uint64_t h = 0xcbf29ce484222325ull;
                uint32_t start = starts[s] | rn;

                if (ops[op].arity == 1) {
                    for (unsigned i = 0; i < N_OPS; i++) {
                        run_one(op, start, d_of(operands[i]), 0.0, 0.0, &h);
                    }
                } else if (ops[op].arity == 2) {
                    for (unsigned i = 0; i < N_OPS; i++) {
                        for (unsigned j = 0; j < N_OPS; j++) {
                            run_one(op, start, d_of(operands[i]), d_of(operands[j]), 0.0, &h);
                        }
                    }
                } else {
                    for (unsigned i = 0; i < N_FMA; i++) {
                        for (unsigned j = 0; j < N_FMA; j++) {
                            for (unsigned k = 0; k < N_FMA; k++) {
                                uint64_t a = operands[fma_subset[i]], b = operands[fma_subset[j]];
                                uint64_t c = operands[fma_subset[k]];

                                /* qemu 7.2 drops VXSNAN for a signalling addend when a * c is inf * 0 */
                                if (is_snan(b) && ((is_inf(a) && is_zero(c)) || (is_zero(a) && is_inf(c)))) {
                                    continue;
                                }
                                run_one(op, start, d_of(a), d_of(b), d_of(c), &h);
                            }
                        }
                    }
                }
                printf("sweep %-8s rn %u start %08x: %016llx\n", ops[op].name, rn, starts[s],
                       (unsigned long long)h);
            }
        }
    }
}

/* --- Exact FR, FI and FX, and reading them right after inline operations --- */

#define XX 0x02000000u
#define FX 0x80000000u
#define UX 0x08000000u
#define FR 0x00040000u
#define FI 0x00020000u
#define PNORM 0x00004000u       /* FPRF +normal */
#define NNORM 0x00008000u       /* FPRF -normal */
#define PZERO 0x00002000u       /* FPRF +zero */
#define NZERO 0x00012000u       /* FPRF -zero (C and FE) */
#define C_BIT 0x00010000u       /* FPRF's class descriptor */

static volatile double one = 1.0, tiny = 0x1p-60, three = 3.0, third = 0x1.5555555555555p-2;

/* FPSCR set to start, then insn (a string of instructions ending in frT = %0) on a, b, c. */
#define RUN3(insn, start, a, b, c, res)                                                        \
    do {                                                                                      \
        double r_;                                                                            \
        set_fpscr(start);                                                                     \
        __asm__ volatile(insn : "=&d"(r_) : "d"(a), "d"(b), "d"(c));                          \
        (res) = u_of(r_);                                                                     \
    } while (0)

static void exact_rounding(void)
{
    uint64_t r;

    gc_group("rounding and FR/FI");
    /* 1 + 2^-60 to nearest: 1, rounded down; XX goes 0 -> 1, so FX too. */
    RUN3("fadd %0,%1,%2", 0, one, tiny, 0.0, r);
    CHECK_EQ(r, 0x3ff0000000000000ull);
    CHECK_EQ(get_fpscr(), FX | XX | FI | PNORM);
    /* The same with XX already set: FX stays clear. */
    RUN3("fadd %0,%1,%2", XX, one, tiny, 0.0, r);
    CHECK_EQ(get_fpscr(), XX | FI | PNORM);
    /* 1 - 2^-60: rounded up to 1 (FR). */
    RUN3("fsub %0,%1,%2", XX, one, tiny, 0.0, r);
    CHECK_EQ(r, 0x3ff0000000000000ull);
    CHECK_EQ(get_fpscr(), XX | FR | FI | PNORM);
    /* ... toward zero: 1 - 2^-53, not incremented. */
    RUN3("fsub %0,%1,%2", XX | 1, one, tiny, 0.0, r);
    CHECK_EQ(r, 0x3fefffffffffffffull);
    CHECK_EQ(get_fpscr(), XX | FI | PNORM | 1);
    /* third * 3 = 1 - 2^-54 exactly, a tie: to even, 1 (FR). */
    RUN3("fmul %0,%1,%2", XX, third, three, 0.0, r);
    CHECK_EQ(r, 0x3ff0000000000000ull);
    CHECK_EQ(get_fpscr(), XX | FR | FI | PNORM);
    /* 1/3 rounds down, 5/3 (1.1010...) rounds up. */
    RUN3("fdiv %0,%1,%2", XX, one, three, 0.0, r);
    CHECK_EQ(r, 0x3fd5555555555555ull);
    CHECK_EQ(get_fpscr(), XX | FI | PNORM);
    RUN3("fdiv %0,%1,%2", XX, 5.0, three, 0.0, r);
    CHECK_EQ(r, 0x3ffaaaaaaaaaaaabull);
    CHECK_EQ(get_fpscr(), XX | FR | FI | PNORM);
    /* 3 * 3 exact: FI and FR cleared. */
    RUN3("fmul %0,%1,%2", XX | FR | FI, three, three, 0.0, r);
    CHECK_EQ(get_fpscr(), XX | PNORM);
    /* -(third * 3 - 2^-60) fused: 1 - 2^-54 - 2^-60 rounds down to 1 - 2^-53, negated. */
    RUN3("fnmsub %0,%1,%2,%3", XX, third, three, tiny, r);
    CHECK_EQ(r, 0xbfefffffffffffffull);
    CHECK_EQ(get_fpscr(), XX | FI | NNORM);
    /* third * 3 + 2^-60 = 1 - 2^-54 + 2^-60 rounds up to 1. */
    RUN3("fmadd %0,%1,%2,%3", XX, third, three, tiny, r);
    CHECK_EQ(r, 0x3ff0000000000000ull);
    CHECK_EQ(get_fpscr(), XX | FR | FI | PNORM);
    /* fmsub: third * 3 - 2^-60 rounds down to 1 - 2^-53. */
    RUN3("fmsub %0,%1,%2,%3", XX, third, three, tiny, r);
    CHECK_EQ(r, 0x3fefffffffffffffull);
    CHECK_EQ(get_fpscr(), XX | FI | PNORM);
    /* Single precision once: third * 3 = 1 - 2^-54 rounds to the single 1.0 (FR). */
    RUN3("fmadds %0,%1,%2,%3", XX, third, three, 0.0, r);
    CHECK_EQ(r, 0x3ff0000000000000ull);
    CHECK_EQ(get_fpscr(), XX | FR | FI | PNORM);
    /* frsp of 1/3: the single 0x3eaaaaab, rounded up. */
    RUN3("frsp %0,%1", XX, third, 0.0, 0.0, r);
    CHECK_EQ(r, 0x3fd5555560000000ull);
    CHECK_EQ(get_fpscr(), XX | FR | FI | PNORM);
    /* fctiw: 2.5 -> 2 (ties to even, down), 3.5 -> 4 (up); fctiwz -2.5 -> -2 (toward zero). */
    RUN3("fctiw %0,%1", XX, 2.5, 0.0, 0.0, r);
    CHECK_EQ((uint32_t)r, 2);
    CHECK_EQ(get_fpscr() & ~0x1f000u, XX | FI);      /* FPRF is undefined after fctiw */
    RUN3("fctiw %0,%1", XX, 3.5, 0.0, 0.0, r);
    CHECK_EQ((uint32_t)r, 4);
    CHECK_EQ(get_fpscr() & ~0x1f000u, XX | FR | FI);
    RUN3("fctiwz %0,%1", XX, -2.5, 0.0, 0.0, r);
    CHECK_EQ((uint32_t)r, (uint32_t)-2);
    CHECK_EQ(get_fpscr() & ~0x1f000u, XX | FI);
    /* The bottom of the normal range leaves the inline path: 2^-1021 * 0.5 is exact ... */
    RUN3("fmul %0,%1,%2", XX, d_of(0x0020000000000000ull), 0.5, 0.0, r);
    CHECK_EQ(r, 0x0010000000000000ull);
    CHECK_EQ(get_fpscr(), XX | PNORM);
    /* ... 2^-1022 * (1 - 2^-53) is tiny before rounding and rounds up to 2^-1022: UX. */
    RUN3("fmul %0,%1,%2", XX, d_of(0x0010000000000000ull), d_of(0x3fefffffffffffffull), 0.0, r);
    CHECK_EQ(r, 0x0010000000000000ull);
    CHECK_EQ(get_fpscr(), FX | UX | XX | FR | FI | PNORM);
    set_fpscr(0);
}

/* mtfsf and mtfsfi: FEX and VX are summaries, never written (Book I 4.6.10). */
static void exact_moves(void)
{
    double r;

    gc_group("mtfsf/mtfsfi summaries");
    set_fpscr(XX | 0x08u);                      /* XE enabled with XX set: FEX */
    CHECK_EQ(get_fpscr(), 0x40000000u | XX | 0x08u);
    set_fpscr(0x01000000u | 0x40000000u);       /* VXSNAN: VX; FEX written as 1 is ignored */
    CHECK_EQ(get_fpscr(), 0x20000000u | 0x01000000u);
    __asm__ volatile("mtfsfi 6,8");             /* VE (bit 24) with VXSNAN: FEX */
    CHECK_EQ(get_fpscr(), 0x60000000u | 0x01000000u | 0x80u);
    __asm__ volatile("mtfsfi 1,0");             /* field 1 = UX ZX XX VXSNAN: no VX*, so no VX, FEX */
    CHECK_EQ(get_fpscr(), 0x80u);
    set_fpscr(XX);
    __asm__ volatile("fdiv %0,%1,%2\n\tmtfsfi 4,0" : "=&d"(r) : "d"(one), "d"(three));   /* FPCC := 0 */
    CHECK_EQ(get_fpscr(), XX | FI);
    set_fpscr(0);
}

static void exact_lazy(void)
{
    double r, s, f;
    uint32_t cr;

    gc_group("FR/FI read after inline operations");
    /* A run of inline operations, then mffs: FR/FI of the last one. */
    set_fpscr(XX);
    __asm__ volatile("fmul %0,%2,%3\n\tfadd %0,%0,%3\n\tfsub %1,%2,%4\n\tmffs %0"
                     : "=&d"(f), "=&d"(r) : "d"(one), "d"(three), "d"(tiny));
    CHECK_EQ((uint32_t)u_of(f), XX | FR | FI | PNORM);
    CHECK_EQ(u_of(r), 0x3ff0000000000000ull);

    /* mcrfs of field 3 (VXVC FR FI C) after an inexact add (FI), then after an exact one. */
    set_fpscr(XX);
    __asm__ volatile("fadd %1,%2,%3\n\tmcrfs 2,3\n\tmfcr %0" : "=r"(cr), "=&d"(r) : "d"(one), "d"(tiny));
    CHECK_EQ((cr >> 20) & 0xf, 0x2);
    __asm__ volatile("fsub %1,%2,%3\n\tmcrfs 2,3\n\tmfcr %0" : "=r"(cr), "=&d"(r) : "d"(one), "d"(tiny));
    CHECK_EQ((cr >> 20) & 0xf, 0x6);
    __asm__ volatile("fadd %1,%2,%2\n\tmcrfs 2,3\n\tmfcr %0" : "=r"(cr), "=&d"(r) : "d"(one));
    CHECK_EQ((cr >> 20) & 0xf, 0x0);
    CHECK_EQ(get_fpscr(), XX | PNORM);

    /* RN changed after the operation: its FR/FI are still those of round to nearest. */
    set_fpscr(XX);
    __asm__ volatile("fdiv %1,%2,%3\n\tmtfsfi 7,1\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(one), "d"(three));
    CHECK_EQ((uint32_t)u_of(f), XX | FI | PNORM | 1);
    set_fpscr(XX);
    __asm__ volatile("fmadd %1,%2,%3,%4\n\tmtfsfi 7,3\n\tmffs %0"
                     : "=&d"(f), "=&d"(r) : "d"(third), "d"(three), "d"(tiny));
    CHECK_EQ((uint32_t)u_of(f), XX | FR | FI | PNORM | 3);

    /* mtfsb0 FR (bit 13) keeps FI; mtfsb1 FI (bit 14) after an exact add. */
    set_fpscr(XX);
    __asm__ volatile("fsub %1,%2,%3\n\tmtfsb0 13\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(one), "d"(tiny));
    CHECK_EQ((uint32_t)u_of(f), XX | FI | PNORM);
    set_fpscr(XX);
    __asm__ volatile("fadd %1,%2,%2\n\tmtfsb1 14\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(one));
    CHECK_EQ((uint32_t)u_of(f), XX | FI | PNORM);

    /* mtfsf of field 3 (VXVC FR FI C := 1 1 1 1, so VX) overwrites them; of field 4 keeps them. */
    s = d_of(0x00000000000f0000ull);
    set_fpscr(XX);
    __asm__ volatile("fsub %1,%2,%3\n\tmtfsf 0x10,%4\n\tmffs %0"
                     : "=&d"(f), "=&d"(r) : "d"(one), "d"(tiny), "d"(s));
    CHECK_EQ((uint32_t)u_of(f), 0x20000000u | XX | 0x00080000u | FR | FI | 0x00010000u | PNORM);
    set_fpscr(XX);
    __asm__ volatile("fsub %1,%2,%3\n\tmtfsf 0x08,%4\n\tmffs %0"
                     : "=&d"(f), "=&d"(r) : "d"(one), "d"(tiny), "d"(s));
    CHECK_EQ((uint32_t)u_of(f), XX | FR | FI);

    /* fcmpu writes FPCC (1 > 2^-60: FG) and leaves FR/FI of the fsub. */
    set_fpscr(XX);
    __asm__ volatile("fsub %1,%2,%3\n\tfcmpu 5,%2,%3\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(one), "d"(tiny));
    CHECK_EQ((uint32_t)u_of(f), XX | FR | FI | 0x4000u);

    /* An exact product after an inexact difference: the later one wins. */
    set_fpscr(XX);
    __asm__ volatile("fsub %1,%2,%3\n\tfmul %1,%2,%4\n\tmffs %0"
                     : "=&d"(f), "=&d"(r) : "d"(one), "d"(tiny), "d"(three));
    CHECK_EQ((uint32_t)u_of(f), XX | PNORM);

    /* A record form after inline operations: CR1 = FX FEX VX OX = 0. */
    set_fpscr(XX);
    __asm__ volatile("fadd %1,%2,%3\n\tfadd. %1,%1,%3\n\tmfcr %0" : "=r"(cr), "=&d"(r) : "d"(one), "d"(tiny));
    CHECK_EQ((cr >> 24) & 0xf, 0);
    CHECK_EQ(get_fpscr(), XX | FI | PNORM);
    set_fpscr(0);
}

/*
 * FPRF is worked out when read, like FR and FI: after every class the inline path
 * produces (+ and - normal, + and - zero of an exact sum), through every reader, and
 * with compares in between (FPCC theirs, C still the operation's).
 */
static void exact_lazy_fprf(void)
{
    double r, f;
    double mzero = -0.0, mone = -1.0, zero = 0.0, inf = __builtin_inf(), small = 0x1p-600;
    uint32_t cr;

    gc_group("FPRF read after inline operations");
    /* 1 - 1 = +0 exactly (round to nearest), -0 + -0 = -0: FPRF 0x02 and 0x12, no FI. */
    set_fpscr(XX);
    __asm__ volatile("fsub %1,%2,%2\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(one));
    CHECK_EQ((uint32_t)u_of(f), XX | PZERO);
    CHECK_EQ(u_of(r), 0);
    set_fpscr(XX);
    __asm__ volatile("fadd %1,%2,%2\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(mzero));
    CHECK_EQ((uint32_t)u_of(f), XX | NZERO);
    CHECK_EQ(u_of(r), 0x8000000000000000ull);
    /* an inexact sum, then an exact zero one: FI cleared, FPRF +zero */
    set_fpscr(XX);
    __asm__ volatile("fadd %1,%2,%3\n\tfsub %1,%2,%2\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(one), "d"(tiny));
    CHECK_EQ((uint32_t)u_of(f), XX | PZERO);

    /* Products: of a zero (exact, +0 and -0), of a zero and an infinity (VXIMZ), and one too small (UX). */
    set_fpscr(XX);
    __asm__ volatile("fmul %1,%2,%3\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(zero), "d"(three));
    CHECK_EQ((uint32_t)u_of(f), XX | PZERO);
    CHECK_EQ(u_of(r), 0);
    set_fpscr(XX);
    __asm__ volatile("fmul %1,%2,%3\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(mone), "d"(zero));
    CHECK_EQ((uint32_t)u_of(f), XX | NZERO);
    CHECK_EQ(u_of(r), 0x8000000000000000ull);
    set_fpscr(XX);
    __asm__ volatile("fmul %1,%2,%3\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(zero), "d"(inf));
    CHECK_EQ((uint32_t)u_of(f), FX | 0x20000000u | XX | 0x00100000u | 0x11000u);  /* VX VXIMZ, quiet NaN */
    CHECK_EQ(u_of(r), 0x7ff8000000000000ull);
    set_fpscr(XX);
    __asm__ volatile("fmul %1,%2,%2\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(small));
    CHECK_EQ((uint32_t)u_of(f), FX | UX | XX | FI | PZERO);
    CHECK_EQ(u_of(r), 0);

    /* fnmadd: -(1/3 * 3 + 2^-60) rounds 1 - 2^-54 + 2^-60 up to 1, then negates: -normal, FR FI. */
    set_fpscr(XX);
    __asm__ volatile("fnmadd %1,%2,%3,%4\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(third), "d"(three), "d"(tiny));
    CHECK_EQ((uint32_t)u_of(f), XX | FR | FI | NNORM);
    CHECK_EQ(u_of(r), 0xbff0000000000000ull);

    /* mcrfs of field 4 (FPCC) after a negative product: FL (0x8). */
    set_fpscr(XX);
    __asm__ volatile("fmul %1,%2,%3\n\tmcrfs 2,4\n\tmfcr %0" : "=r"(cr), "=&d"(r) : "d"(mone), "d"(three));
    CHECK_EQ((cr >> 20) & 0xf, 0x8);
    CHECK_EQ(get_fpscr(), XX | NNORM);
    /* ... and after a zero sum: FE (0x2) */
    set_fpscr(XX);
    __asm__ volatile("fsub %1,%2,%2\n\tmcrfs 2,4\n\tmfcr %0" : "=r"(cr), "=&d"(r) : "d"(three));
    CHECK_EQ((cr >> 20) & 0xf, 0x2);

    /* fcmpu after -0 + -0: FPCC the compare's (1 > 2^-60: FG), C the sum's (1). */
    set_fpscr(XX);
    __asm__ volatile("fadd %1,%2,%2\n\tfcmpu 5,%3,%4\n\tmffs %0"
                     : "=&d"(f), "=&d"(r) : "d"(mzero), "d"(one), "d"(tiny));
    CHECK_EQ((uint32_t)u_of(f), XX | C_BIT | 0x4000u);
    /* two compares after a negative product: the last one's FPCC (FL), C 0 */
    set_fpscr(XX);
    __asm__ volatile("fmul %1,%2,%3\n\tfcmpu 5,%3,%3\n\tfcmpu 6,%4,%3\n\tmffs %0"
                     : "=&d"(f), "=&d"(r) : "d"(mone), "d"(three), "d"(tiny));
    CHECK_EQ((uint32_t)u_of(f), XX | 0x8000u);
    /* mcrfs of field 3 after -0 + -0 and a compare: C (the low bit of the field) */
    set_fpscr(XX);
    __asm__ volatile("fadd %1,%2,%2\n\tfcmpu 5,%3,%3\n\tmcrfs 2,3\n\tmfcr %0"
                     : "=r"(cr), "=&d"(r) : "d"(mzero), "d"(one));
    CHECK_EQ((cr >> 20) & 0xf, 0x1);
    CHECK_EQ(get_fpscr(), XX | C_BIT | 0x2000u);           /* mcrfs clears exception bits only */

    /* Partial writes of FPRF settle it first: mtfsb0 C, mtfsfi of field 4 (FPCC) only. */
    set_fpscr(XX);
    __asm__ volatile("fadd %1,%2,%2\n\tmtfsb0 15\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(mzero));
    CHECK_EQ((uint32_t)u_of(f), XX | PZERO);
    set_fpscr(XX);
    __asm__ volatile("fadd %1,%2,%2\n\tmtfsfi 4,0\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(mzero));
    CHECK_EQ((uint32_t)u_of(f), XX | C_BIT);
    set_fpscr(XX);
    __asm__ volatile("fmul %1,%2,%3\n\tmtfsb1 19\n\tmffs %0" : "=&d"(f), "=&d"(r) : "d"(mone), "d"(three));
    CHECK_EQ((uint32_t)u_of(f), XX | NNORM | 0x1000u);     /* FU set, no exception bit: no FX */
    set_fpscr(0);
}

/*
 * fnmadd/fnmsub (double and single) against the ISA's definition, over every operand
 * triple, rounding mode and starting FPSCR of the sweep: the fmadd/fmsub result with
 * its sign flipped (a NaN unchanged), the same FPSCR but for FPRF's sign (+x <-> -x).
 */
static uint32_t fprf_negated(uint32_t fpscr)
{
    uint32_t fprf = (fpscr >> 12) & 0x1f, swapped = fprf;

    switch (fprf) {
    case 0x04: swapped = 0x08; break;
    case 0x08: swapped = 0x04; break;
    case 0x14: swapped = 0x18; break;
    case 0x18: swapped = 0x14; break;
    case 0x02: swapped = 0x12; break;
    case 0x12: swapped = 0x02; break;
    case 0x05: swapped = 0x09; break;
    case 0x09: swapped = 0x05; break;
    }
    return (fpscr & ~0x1f000u) | swapped << 12;
}

static void exact_negated(void)
{
    gc_group("fnmadd/fnmsub = -(fmadd/fmsub)");
    for (unsigned n = 0; n < sizeof(negated_ops) / sizeof(negated_ops[0]); n++) {
        unsigned bad = 0;

        for (uint32_t rn = 0; rn < 4; rn++) {
            for (unsigned st = 0; st < N_STARTS; st++) {
                for (unsigned i = 0; i < N_FMA; i++) {
                    for (unsigned j = 0; j < N_FMA; j++) {
                        for (unsigned k = 0; k < N_FMA; k++) {
                            double a = d_of(operands[fma_subset[i]]), b = d_of(operands[fma_subset[j]]);
                            double c = d_of(operands[fma_subset[k]]);
                            Outcome neg, pos;
                            uint64_t want;

                            set_fpscr(starts[st] | rn);
                            negated_ops[n].fn(a, b, c, &neg);
                            set_fpscr(starts[st] | rn);
                            negated_ops[n].positive(a, b, c, &pos);
                            want = is_nan(pos.r) ? pos.r : pos.r ^ (1ull << 63);
                            if (neg.r != want || neg.fpscr != (is_nan(pos.r) ? pos.fpscr : fprf_negated(pos.fpscr))
                                || neg.cr != pos.cr) {
                                if (bad++ < 5) {
                                    printf("  %s %016llx %016llx %016llx rn %u: %016llx %08x, fm* gives %016llx %08x\n",
                                           negated_ops[n].name, (unsigned long long)u_of(a),
                                           (unsigned long long)u_of(b), (unsigned long long)u_of(c), rn,
                                           (unsigned long long)neg.r, neg.fpscr, (unsigned long long)pos.r,
                                           pos.fpscr);
                                }
                            }
                        }
                    }
                }
            }
        }
        CHECK_EQ(bad, 0);
    }
    set_fpscr(0);
}

/* A signal frame holds the exact FPSCR, and sigreturn restores it. */
static volatile uint32_t frame_fpscr;

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    (void)sig, (void)si;

    frame_fpscr = (uint32_t)u_of(uc->uc_mcontext.uc_regs->fpregs.fpscr);  /* a double's bits */
    uc->uc_mcontext.uc_regs->gregs[32] += 4;      /* NIP: past the trap */
}

static void exact_signal_frame(void)
{
    struct sigaction sa;
    double r;

    gc_group("signal frame");
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO;
    CHECK_EQ(sigaction(SIGTRAP, &sa, NULL), 0);
    set_fpscr(XX);
    __asm__ volatile("fsub %0,%1,%2\n\ttrap" : "=&d"(r) : "d"(one), "d"(tiny));
    CHECK_EQ(frame_fpscr, XX | FR | FI | PNORM);
    CHECK_EQ(get_fpscr(), XX | FR | FI | PNORM);
    set_fpscr(0);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "exact") == 0) {
        exact_rounding();
        exact_moves();
        exact_lazy();
        exact_lazy_fprf();
        exact_signal_frame();
        exact_negated();
        return gc_finish();
    }
    if (argc > 1 && strcmp(argv[1], "sweep") == 0) {
        verbose = argc > 2 && strcmp(argv[2], "verbose") == 0;
        sweep();
        return 0;
    }
    fprintf(stderr, "usage: ppc_fpscr exact | sweep [verbose]\n");
    return 2;
}
