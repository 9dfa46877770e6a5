/*
 * ppc_sqrt.c - glibc's sqrt() for 32-bit PowerPC without fsqrt (sysdeps/powerpc/fpu/
 * e_sqrt.c): a table estimate refined by fmadd/fnmsub Newton steps in round to nearest,
 * bracketed by mffs, mtfsfi 7,0 and mtfsf 255 restoring the caller's FPSCR before the
 * last, correctly rounded step.  Over many inputs (normals, denormals, zeros, infinities,
 * NaNs, negatives, near-squares) in each rounding mode, with an inexact fadd, fsub, fmul
 * or fmadd pending just before the call (so the mffs inside works it out), it prints the
 * result's bits and FPSCR read back after it, and the FPSCR an mffs reads right after an
 * fadd/fsub of random operands.  The output is compared with qemu-ppc's; FPSCR[FR] is left
 * out (qemu-ppc 7.2 never sets it).  Self-checks: in round to nearest the result r of a
 * positive finite x is the correctly rounded root (x - r*r computed exactly by fmadd is
 * within half an ulp either way), and in the directed modes it lies on the right side.
 */
#include <fenv.h>
#include <math.h>
#include "fp_bits.h"
#include "guest_check.h"

#define FPSCR_FR 0x00040000u
#define FPSCR_FI 0x00020000u

static double (*volatile sqrt_fn)(double) = sqrt;

static void clear_fpscr_status(void)
{
    /* status fields 0-4 (FX FEX VX OX, UX ZX XX VXSNAN, VXISI.., VXVC FR FI, FPRF) to 0 */
    __asm__ volatile("mtfsfi 0,0\n mtfsfi 1,0\n mtfsfi 2,0\n mtfsfi 3,0\n mtfsfi 4,0" ::: "memory");
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* An input of some class: k picks it. */
static uint64_t input(unsigned k)
{
    static const uint64_t special[] = {
        0, 0x8000000000000000u, 0x3ff0000000000000u, 0x4010000000000000u, 0x7ff0000000000000u,
        0xfff0000000000000u, 0x7ff8000000000000u, 0x7ff4000000000000u, 0xfff8000000000001u,
        0x0000000000000001u, 0x000fffffffffffffu, 0x0010000000000000u, 0x7fefffffffffffffu,
        0xbff0000000000000u, 0x8000000000000001u, 0x3fe0000000000000u, 0x0000000000000002u,
    };
    uint64_t m = rnd64() & 0x000fffffffffffffu;

    if (k < sizeof special / sizeof special[0]) {
        return special[k];
    }
    switch (k % 6) {
    case 0:                     /* denormals */
        return m >> (rnd64() % 52);
    case 1:                     /* anywhere positive */
        return m | (rnd64() % 0x7ff) << 52;
    case 2:                     /* negatives */
        return 0x8000000000000000u | m | (rnd64() % 0x7ff) << 52;
    case 3: {                   /* squares of short mantissas (exact roots) and their neighbours */
        double s = (double)(rnd64() % 100000000u + 1) * 0x1p-20;
        return u_of(s * s) + (uint64_t)(rnd64() % 3) - 1;
    }
    default:                    /* around 1 */
        return m | (uint64_t)(0x3f0 + rnd64() % 32) << 52;
    }
}

/* An inexact operation of kind k left pending, then sqrt. */
static double sqrt_after(unsigned k, double x)
{
    double a = 1.0, b = 0x1.8p-60, r;

    switch (k & 3) {
    case 0:
        __asm__ volatile("fadd %0,%1,%2" : "=f"(r) : "f"(a), "f"(b));
        break;
    case 1:
        __asm__ volatile("fsub %0,%1,%2" : "=f"(r) : "f"(a), "f"(b));
        break;
    case 2:
        __asm__ volatile("fmul %0,%1,%2" : "=f"(r) : "f"(d_of(0x3ff0000000000001u)), "f"(d_of(0x3ff0000000000003u)));
        break;
    default:
        __asm__ volatile("fmadd %0,%1,%2,%1" : "=f"(r) : "f"(a), "f"(b));
        break;
    }
    __asm__ volatile("" : : "f"(r));
    return sqrt_fn(x);
}

/* The self-check of r = sqrt(x) for a positive finite x in rounding mode rn. */
static int root_ok(double x, double r, int rn)
{
    double err, half;

    if (!(r > 0) || isinf(r)) {
        return 0;
    }
    err = fma(-r, r, x);                /* x - r*r, exact for these magnitudes (r*r normal) */
    if (u_of(x) < 0x0030000000000000u) {
        return 1;                       /* a denormal's r*r is inexact: qemu is the oracle there */
    }
    switch (rn) {
    case FE_TONEAREST:
        half = fma(r, 0x1p-53 * d_of(u_of(r) & 0x7ff0000000000000u) * 2, 0);  /* r * ulp(r) ~ 2 r h */
        return fabs(err) <= half;
    case FE_TOWARDZERO:
    case FE_DOWNWARD:
        return err >= 0;
    default:
        return err <= 0;
    }
}

int main(void)
{
    static const int modes[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD };
    static const char *const names[4] = { "nearest", "zero", "up", "down" };

    for (unsigned m = 0; m < 4; m++) {
        gc_group(names[m]);
        rng_state = 0x9e3779b97f4a7c15u + m;
        for (unsigned k = 0; k < 400; k++) {
            double x = d_of(input(k)), r;
            uint32_t fpscr;

            clear_fpscr_status();
            fesetround(modes[m]);
            r = sqrt_after(k, x);
            fpscr = get_fpscr();
            fesetround(FE_TONEAREST);
            printf("%s %016llx -> %016llx fpscr %08x\n", names[m], (unsigned long long)u_of(x),
                   (unsigned long long)u_of(r), fpscr & ~FPSCR_FR);
            if (x > 0 && !isinf(x)) {
                CHECK(root_ok(x, r, modes[m]));
            }
        }
    }

    /* FR/FI/FPRF of a pending fadd/fsub, read by mffs at once (the settle of glibc's mffs) */
    gc_group("pending_addsub");
    rng_state = 12345;
    for (unsigned k = 0; k < 400; k++) {
        double a = d_of(input(100 + k)), b = d_of(input(200 + k)), r;
        uint32_t fpscr;

        if (k & 1) {
            b = d_of(u_of(a) ^ (uint64_t)(rnd64() & 0x8000000000000fffu));    /* cancellation */
        }
        clear_fpscr_status();
        if (k & 2) {
            __asm__ volatile("fsub %0,%1,%2" : "=f"(r) : "f"(a), "f"(b));
        } else {
            __asm__ volatile("fadd %0,%1,%2" : "=f"(r) : "f"(a), "f"(b));
        }
        fpscr = get_fpscr();
        printf("%s %016llx %016llx -> %016llx fpscr %08x\n", (k & 2) ? "fsub" : "fadd",
               (unsigned long long)u_of(a), (unsigned long long)u_of(b), (unsigned long long)u_of(r),
               fpscr & ~FPSCR_FR);
        CHECK((fpscr & FPSCR_FR) == 0 || (fpscr & FPSCR_FI) != 0);  /* FR only with FI */
    }
    return gc_finish();
}
