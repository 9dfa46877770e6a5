/*
 * ppc_fp_chain.c - chains of dependent double-precision operations (Power ISA 2.06 Book I
 * 4.6.6) in straight code: each result feeds the next operation, operands are used in
 * several roles (fmadd f1,f1,f1,f1), and instructions that run helper code (mffs, stfs,
 * frsp, a division by zero) sit between the producers and the consumers of values.  A
 * translator that keeps FP values in host vector registers across instructions must take
 * them again after anything that can clobber those registers.  Loops whose FP
 * instructions take their slow paths on some trips (zero products, denormal singles,
 * NaN compares) go on in the block after them.  All values are small
 * integers or exact binary fractions, so every result is exact and follows by hand.
 */
#include <stdint.h>
#include "guest_check.h"

static volatile double v_two = 2.0, v_three = 3.0, v_half = 0.5, v_zero = 0.0;

/* x = 3: a chain of 8 dependent operations reusing x and each result */
static double chain_plain(double x, double y)
{
    double r;
    __asm__ volatile("fmadd %0,%1,%1,%1\n"      /* 3*3+3 = 12 */
                     "fadd %0,%0,%1\n"          /* 15 */
                     "fmul %0,%0,%2\n"          /* 30 (y = 2) */
                     "fsub %0,%0,%1\n"          /* 27 */
                     "fnmsub %0,%1,%2,%0\n"     /* -(3*2 - 27) = 21 */
                     "fmsub %0,%0,%2,%1\n"      /* 21*2 - 3 = 39 */
                     "fnmadd %0,%0,%2,%0\n"     /* -(39*2 + 39) = -117 */
                     "fdiv %0,%0,%1\n"          /* -39 */
                     : "=&f"(r) : "f"(x), "f"(y));
    return r;
}

/* the same values, with mffs (a helper call) between producers and consumers */
static double chain_mffs(double x, double y, uint64_t *fpscr)
{
    double r, s, f;
    __asm__ volatile("fmul %0,%3,%4\n"          /* 6 */
                     "fadd %1,%3,%4\n"          /* 5 */
                     "mffs %2\n"
                     "fmadd %0,%0,%1,%3\n"      /* 6*5 + 3 = 33 */
                     "fsub %1,%0,%1\n"          /* 28 */
                     "mffs %2\n"
                     "fmul %0,%1,%0\n"          /* 28 * 33 = 924 */
                     "fadd %0,%0,%1\n"          /* 952 */
                     : "=&f"(r), "=&f"(s), "=&f"(f) : "f"(x), "f"(y));
    memcpy(fpscr, &f, 8);
    return r;
}

/* stfs (converted by a helper) and frsp between operations; the stored single is 7.5 */
static double chain_store(double x, double h, float *out)
{
    double r, t;
    __asm__ volatile("fadd %0,%2,%3\n"          /* 3.5 */
                     "fmadd %1,%0,%0,%2\n"      /* 12.25 + 3 = 15.25 */
                     "fmul %0,%0,%4\n"          /* 7 (y = 2) */
                     "fadd %0,%0,%3\n"          /* 7.5 */
                     "stfs %0,0(%5)\n"
                     "fadd %1,%1,%0\n"          /* 22.75 */
                     "frsp %0,%0\n"             /* 7.5 */
                     "fmul %1,%1,%0\n"          /* 170.625 */
                     "fsub %0,%1,%0\n"          /* 163.125 */
                     : "=&f"(r), "=&f"(t) : "f"(x), "f"(h), "f"(v_two), "b"(out) : "memory");
    return r;
}

/* a division by zero (helper path, then the next instruction) inside the chain */
static double chain_divzero(double x, double z, double *inf)
{
    double r, d;
    __asm__ volatile("fmul %0,%2,%2\n"          /* 9 */
                     "fdiv %1,%2,%3\n"          /* +inf, ZX */
                     "fadd %0,%0,%2\n"          /* 12 */
                     "fmul %0,%0,%2\n"          /* 36 */
                     : "=&f"(r), "=&f"(d) : "f"(x), "f"(z));
    *inf = d;
    return r;
}

/* the chain taken on one of two paths, joined again, and continued */
static double chain_paths(double x, int which)
{
    double r = x * x;                           /* 9 */
    if (which) {
        r = r * x + x;                          /* 30 */
    } else {
        r = r - x;                              /* 6 */
    }
    return r * x - r;                           /* 60 or 12 */
}

/* a long sum of products with one operand shared by all (a row of a matrix product) */
static double dot_shared(double a)
{
    static volatile double b[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    double s = 0;
    for (int i = 0; i < 16; i++) {
        s += a * b[i];
    }
    return s;
}

/*
 * Loops whose FP instructions take their slow paths on some trips (a zero product, an
 * lfs of a denormal, an fcmpu with a NaN): the code after a slow path goes on in the
 * block.  a[i] is 0 when i % 3 == 0, b[i] when i % 5 == 0, else 1 and 2: 32 of the
 * 60 products are 2, the sum 64 (exact, so FPRF says positive normal, FR = FI = 0).
 */
static double dot_zeros(uint64_t *fpscr)
{
    static volatile double a[60], b[60];
    double s = 0, f;
    for (int i = 0; i < 60; i++) {
        a[i] = i % 3 == 0 ? (i % 2 ? -0.0 : 0.0) : 1.0;
        b[i] = i % 5 == 0 ? 0.0 : 2.0;
    }
    for (int i = 0; i < 60; i++) {
        s += a[i] * b[i];
    }
    __asm__ volatile("mffs %0" : "=f"(f) : "f"(s));
    memcpy(fpscr, &f, 8);
    return s;
}

/* 40 singles, every fourth the denormal 1e-40f, else 1: the denormals vanish in the sum, 30 */
static double sum_denormal_singles(void)
{
    static volatile float x[40];
    double s = 0;
    for (int i = 0; i < 40; i++) {
        x[i] = i % 4 == 0 ? 1e-40f : 1.0f;
    }
    for (int i = 0; i < 40; i++) {
        s += x[i];
    }
    return s;
}

/* x[i] < 1 for odd i (0.5), not for even i (2) nor NaN (i % 7 == 0): 18 of 42 */
static int count_below_one(void)
{
    static volatile double x[42];
    int n = 0;
    for (int i = 0; i < 42; i++) {
        x[i] = i % 7 == 0 ? __builtin_nan("") : i % 2 ? 0.5 : 2.0;
    }
    for (int i = 0; i < 42; i++) {
        n += x[i] < 1.0;
    }
    return n;
}

/*
 * Two fcmpu in a row after an operation whose FPRF is still to be written (C from the
 * operation, FPCC from the last compare), and an fadd between two compares, which makes
 * FPRF pending again: FPSCR read back by mffs.  which 0: fadd -0 + -0 (C = 1), then 2 < 3
 * twice: FPRF C|FL = 0x18; 1: fcmpu, fadd 1 + 1 (+normal), fcmpu 2 < 3: FPRF FL = 0x08.
 */
static uint32_t compares_after_op(int which, double m0, double two, double three)
{
    double t, f;
    uint64_t u;

    if (which == 0) {
        __asm__ volatile("fadd %0,%2,%2\n fcmpu 0,%3,%4\n fcmpu 1,%3,%4\n mffs %1"
                         : "=&f"(t), "=&f"(f) : "f"(m0), "f"(two), "f"(three) : "cr0", "cr1");
    } else {
        __asm__ volatile("fcmpu 0,%3,%4\n fadd %0,%5,%5\n fcmpu 1,%3,%4\n mffs %1"
                         : "=&f"(t), "=&f"(f) : "f"(m0), "f"(two), "f"(three), "f"(v_half) : "cr0", "cr1");
    }
    memcpy(&u, &f, 8);
    return (uint32_t)u;
}

/*
 * fcmpu over every pair of signed zeros, denormals, normals, infinities and quiet and
 * signalling NaNs: CR6 and FPSCR[FPCC] must be the order worked out here on the bit
 * patterns (FL 8, FG 4, FE 2, FU 1; -0 = +0).  And a loop branching on < and == of
 * the same pairs, NaNs (the compare's slow path) on some trips.
 */
static const uint64_t cmp_vals[] = {
    UINT64_C(0xfff0000000000000), UINT64_C(0xbff0000000000000), UINT64_C(0x8000000000000001),
    UINT64_C(0x8000000000000000), 0, 1, UINT64_C(0x000fffffffffffff), UINT64_C(0x3ff0000000000000),
    UINT64_C(0x3ff0000000000001), UINT64_C(0x7fefffffffffffff), UINT64_C(0x7ff0000000000000),
    UINT64_C(0x7ff8000000000000), UINT64_C(0xfff4000000000001),
};
#define N_CMP_VALS (sizeof(cmp_vals) / sizeof(cmp_vals[0]))

static unsigned cmp_ref(uint64_t a, uint64_t b)
{
    uint64_t ma = a & ~(UINT64_C(1) << 63), mb = b & ~(UINT64_C(1) << 63);
    int64_t ka, kb;

    if (ma > UINT64_C(0x7ff0000000000000) || mb > UINT64_C(0x7ff0000000000000)) {
        return 1;
    }
    ka = (a >> 63) ? -(int64_t)ma : (int64_t)ma;
    kb = (b >> 63) ? -(int64_t)mb : (int64_t)mb;
    return ka < kb ? 8 : ka > kb ? 4 : 2;
}

static int fcmp_pairs_wrong(void)
{
    int wrong = 0;

    for (unsigned i = 0; i < N_CMP_VALS; i++) {
        for (unsigned j = 0; j < N_CMP_VALS; j++) {
            double a, b, f;
            uint32_t cr;
            uint64_t fpscr;

            memcpy(&a, &cmp_vals[i], 8);
            memcpy(&b, &cmp_vals[j], 8);
            __asm__ volatile("mtfsfi 4,0\n fcmpu 6,%2,%3\n mfcr %0\n mffs %1"
                             : "=r"(cr), "=&f"(f) : "f"(a), "f"(b) : "cr6");
            memcpy(&fpscr, &f, 8);
            if (((cr >> 4) & 0xf) != cmp_ref(cmp_vals[i], cmp_vals[j]) ||
                ((fpscr >> 12) & 0xf) != cmp_ref(cmp_vals[i], cmp_vals[j])) {
                wrong++;
            }
        }
    }
    __asm__ volatile("mtfsf 0xff,%0" : : "f"(0.0));       /* the NaNs' sticky VXSNAN, VXVC and FX */
    return wrong;
}

/* sum over the pairs of (a < b) * 1 + (a == b) * 100, from branches, against the reference */
static int fcmp_branch_loop_ok(void)
{
    static volatile double x[N_CMP_VALS * N_CMP_VALS], y[N_CMP_VALS * N_CMP_VALS];
    int got = 0, want = 0;

    for (unsigned i = 0; i < N_CMP_VALS * N_CMP_VALS; i++) {
        uint64_t a = cmp_vals[i / N_CMP_VALS], b = cmp_vals[i % N_CMP_VALS];
        double da, db;

        memcpy(&da, &a, 8);
        memcpy(&db, &b, 8);
        x[i] = da;
        y[i] = db;
        want += cmp_ref(a, b) == 8 ? 1 : cmp_ref(a, b) == 2 ? 100 : 0;
    }
    for (unsigned i = 0; i < N_CMP_VALS * N_CMP_VALS; i++) {
        double a = x[i], b = y[i];

        if (a < b) {
            got += 1;
        } else if (a == b) {
            got += 100;
        }
    }
    return got == want;
}

int main(void)
{
    uint64_t fpscr;
    float f = 0;
    double inf = 0;

    for (int round = 0; round < 3; round++) {
        gc_group("chains");
        CHECK_EQ(gc_f64_bits(chain_plain(v_three, v_two)), gc_f64_bits(-39.0));
        CHECK_EQ(gc_f64_bits(chain_mffs(v_three, v_two, &fpscr)), gc_f64_bits(952.0));
        CHECK_EQ((fpscr >> 12) & 0x1f, 0x04);      /* FPRF at the second mffs: 28, a positive normal */
        CHECK_EQ((fpscr >> 17) & 3, 0);             /* FR, FI: exact */
        CHECK_EQ(gc_f64_bits(chain_store(v_three, v_half, &f)), gc_f64_bits(163.125));
        CHECK_EQ(gc_f32_bits(f), gc_f32_bits(7.5f));
        CHECK_EQ(gc_f64_bits(chain_divzero(v_three, v_zero, &inf)), gc_f64_bits(36.0));
        CHECK_EQ(gc_f64_bits(inf), UINT64_C(0x7ff0000000000000));
        CHECK_EQ(gc_f64_bits(chain_paths(v_three, 1)), gc_f64_bits(60.0));
        CHECK_EQ(gc_f64_bits(chain_paths(v_three, 0)), gc_f64_bits(12.0));
        CHECK_EQ(gc_f64_bits(dot_shared(v_half)), gc_f64_bits(68.0));
        CHECK_EQ(gc_f64_bits(dot_shared(v_three)), gc_f64_bits(408.0));
        CHECK_EQ((compares_after_op(0, -v_zero, v_two, v_three) >> 12) & 0x1f, 0x18);
        CHECK_EQ((compares_after_op(1, -v_zero, v_two, v_three) >> 12) & 0x1f, 0x08);
        gc_group("slow paths in loops");
        CHECK_EQ(gc_f64_bits(dot_zeros(&fpscr)), gc_f64_bits(64.0));
        CHECK_EQ((fpscr >> 12) & 0x1f, 0x04);
        CHECK_EQ((fpscr >> 17) & 3, 0);
        CHECK_EQ(gc_f64_bits(sum_denormal_singles()), gc_f64_bits(30.0));
        CHECK_EQ(count_below_one(), 18);
        gc_group("compares");
        CHECK_EQ(fcmp_pairs_wrong(), 0);
        CHECK_EQ(fcmp_branch_loop_ok(), 1);
    }
    return gc_finish();
}
