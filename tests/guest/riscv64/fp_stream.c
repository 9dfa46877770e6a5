/*
 * fp_stream.c - long streams of F/D arithmetic with the exception flags left to
 * accrue, as real programs run them: the case mimic computes inline (round to nearest,
 * NX already set, normal results) interleaved with everything that must leave it
 * (zeros, subnormals, overflow, NaNs, unboxed singles, other rounding modes, flags
 * cleared midway).  Results and fflags are folded into one hash per section; the
 * output is compared with qemu-riscv64 and between mimic's engines.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint64_t special_d[] = {
    0, 0x8000000000000000ull, 1, 0x000fffffffffffffull, 0x0010000000000000ull,
    0x7fefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0x7ff4000000000000ull, 0x3ff0000000000000ull, 0x3ca0000000000000ull,
};
static const uint32_t special_s[] = {
    0, 0x80000000u, 1, 0x007fffffu, 0x00800000u, 0x7f7fffffu, 0x7f800000u, 0xff800000u,
    0x7fc00000u, 0x7fa00000u, 0x3f800000u, 0x33800000u,
};

/* Mostly ordinary magnitudes, sometimes extremes or specials. */
static uint64_t pick_d(void)
{
    uint64_t r = next();
    switch (r % 16) {
    case 0: return special_d[(r >> 8) % (sizeof(special_d) / 8)];
    case 1: return (r >> 4) & 0x801fffffffffffffull;                      /* tiny */
    case 2: return ((r >> 4) & 0x800fffffffffffffull) | 0x7fe0000000000000ull; /* huge */
    default: return ((r >> 4) & 0x800fffffffffffffull) | (uint64_t)(0x3f0 + (r >> 58)) << 52;
    }
}

static uint64_t pick_s(void)
{
    uint64_t r = next();
    uint32_t v;
    switch (r % 16) {
    case 0: v = special_s[(r >> 8) % (sizeof(special_s) / 4)]; break;
    case 1: v = (uint32_t)(r >> 4) & 0x80ffffffu; break;
    case 2: v = ((uint32_t)(r >> 4) & 0x807fffffu) | 0x7f000000u; break;
    case 3: return r;                                   /* not NaN-boxed: reads as NaN */
    default: v = ((uint32_t)(r >> 4) & 0x807fffffu) | (uint32_t)(0x70 + (r >> 59)) << 23; break;
    }
    return 0xffffffff00000000ull | v;
}

#define OP3(insn, sfx) \
    static uint64_t op_##insn##_##sfx(uint64_t a, uint64_t b, uint64_t c) \
    { \
        double x, y, z, r; \
        __asm__ volatile("fmv.d.x %0, %1" : "=f"(x) : "r"(a)); \
        __asm__ volatile("fmv.d.x %0, %1" : "=f"(y) : "r"(b)); \
        __asm__ volatile("fmv.d.x %0, %1" : "=f"(z) : "r"(c)); \
        __asm__ volatile(#insn "." #sfx " %0, %1, %2, %3" : "=f"(r) : "f"(x), "f"(y), "f"(z)); \
        uint64_t out; \
        __asm__ volatile("fmv.x.d %0, %1" : "=r"(out) : "f"(r)); \
        return out; \
    }
#define OP2(insn, sfx) \
    static uint64_t op_##insn##_##sfx(uint64_t a, uint64_t b, uint64_t c) \
    { \
        double x, y, r; \
        (void)c; \
        __asm__ volatile("fmv.d.x %0, %1" : "=f"(x) : "r"(a)); \
        __asm__ volatile("fmv.d.x %0, %1" : "=f"(y) : "r"(b)); \
        __asm__ volatile(#insn "." #sfx " %0, %1, %2" : "=f"(r) : "f"(x), "f"(y)); \
        uint64_t out; \
        __asm__ volatile("fmv.x.d %0, %1" : "=r"(out) : "f"(r)); \
        return out; \
    }
#define OP1(insn, sfx) \
    static uint64_t op_##insn##_##sfx(uint64_t a, uint64_t b, uint64_t c) \
    { \
        double x, r; \
        (void)b; \
        (void)c; \
        __asm__ volatile("fmv.d.x %0, %1" : "=f"(x) : "r"(a)); \
        __asm__ volatile(#insn "." #sfx " %0, %1" : "=f"(r) : "f"(x)); \
        uint64_t out; \
        __asm__ volatile("fmv.x.d %0, %1" : "=r"(out) : "f"(r)); \
        return out; \
    }
OP2(fadd, d) OP2(fsub, d) OP2(fmul, d) OP2(fdiv, d) OP1(fsqrt, d)
OP2(fadd, s) OP2(fsub, s) OP2(fmul, s) OP2(fdiv, s) OP1(fsqrt, s)
OP3(fmadd, d) OP3(fmsub, d) OP3(fnmsub, d) OP3(fnmadd, d)
OP3(fmadd, s) OP3(fmsub, s) OP3(fnmsub, s) OP3(fnmadd, s)

typedef uint64_t (*OpFn)(uint64_t, uint64_t, uint64_t);
static const struct {
    const char *name;
    OpFn fn;
    int single;
} ops[] = {
    { "fadd.d", op_fadd_d, 0 }, { "fsub.d", op_fsub_d, 0 }, { "fmul.d", op_fmul_d, 0 },
    { "fdiv.d", op_fdiv_d, 0 }, { "fsqrt.d", op_fsqrt_d, 0 },
    { "fadd.s", op_fadd_s, 1 }, { "fsub.s", op_fsub_s, 1 }, { "fmul.s", op_fmul_s, 1 },
    { "fdiv.s", op_fdiv_s, 1 }, { "fsqrt.s", op_fsqrt_s, 1 },
    { "fmadd.d", op_fmadd_d, 0 }, { "fmsub.d", op_fmsub_d, 0 }, { "fnmsub.d", op_fnmsub_d, 0 },
    { "fnmadd.d", op_fnmadd_d, 0 }, { "fmadd.s", op_fmadd_s, 1 }, { "fmsub.s", op_fmsub_s, 1 },
    { "fnmsub.s", op_fnmsub_s, 1 }, { "fnmadd.s", op_fnmadd_s, 1 },
};

/*
 * One straight-line run of 60 operations and 12 compares (a block holds at most 64 slow
 * paths, so mimic splits it), with destinations that are also sources: the slow path of
 * an operation lifts it again from the registers as they were before it.  Returns a hash
 * of the results and the compares.
 */
#define CHAIN_STEP(P) \
    "fmul." #P " f0, f0, f1\n\tfadd." #P " f1, f2, f1\n\tfdiv." #P " f2, f2, f0\n\t" \
    "flt." #P " t0, f0, f1\n\tadd %0, %0, t0\n\tfsub." #P " f1, f1, f1\n\t" \
    "fadd." #P " f1, f1, f2\n\t"
#define CHAIN_STEPS(P) CHAIN_STEP(P) CHAIN_STEP(P) CHAIN_STEP(P) CHAIN_STEP(P) CHAIN_STEP(P) CHAIN_STEP(P)
#define CHAIN(P, MV_TO, MV_FROM) \
    static uint64_t chain_##P(uint64_t a, uint64_t b, uint64_t c) \
    { \
        uint64_t lt = 0, x, y, z; \
        __asm__ volatile(MV_TO " f0, %4\n\t" MV_TO " f1, %5\n\t" MV_TO " f2, %6\n\t" \
                         CHAIN_STEPS(P) CHAIN_STEPS(P) \
                         MV_FROM " %1, f0\n\t" MV_FROM " %2, f1\n\t" MV_FROM " %3, f2" \
                         : "+r"(lt), "=r"(x), "=r"(y), "=r"(z) : "r"(a), "r"(b), "r"(c) \
                         : "t0", "f0", "f1", "f2"); \
        return ((x * 31 + y) * 31 + z) * 31 + lt; \
    }
CHAIN(d, "fmv.d.x", "fmv.x.d")
CHAIN(s, "fmv.d.x", "fmv.x.d")

static unsigned get_flags(void)
{
    unsigned f;
    __asm__ volatile("frflags %0" : "=r"(f));
    return f;
}

int main(void)
{
    for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
        for (unsigned mode = 0; mode < 5; mode++) {
            uint64_t h = 0xcbf29ce484222325ull;
            __asm__ volatile("fsrm %0" : : "r"(mode));
            __asm__ volatile("fsflags zero");
            for (unsigned i = 0; i < 20000; i++) {
                if (i % 997 == 0) {
                    __asm__ volatile("fsflags zero");      /* flags cleared midway */
                }
                uint64_t a = ops[o].single ? pick_s() : pick_d();
                uint64_t b = ops[o].single ? pick_s() : pick_d();
                uint64_t c = ops[o].single ? pick_s() : pick_d();
                uint64_t r = ops[o].fn(a, b, c);
                h = (h ^ r) * 0x100000001b3ull;
                h = (h ^ get_flags()) * 0x100000001b3ull;
            }
            printf("%-9s rm %u: %016" PRIx64 "\n", ops[o].name, mode, h);
        }
    }
    for (unsigned single = 0; single < 2; single++) {
        for (unsigned mode = 0; mode < 5; mode++) {
            uint64_t h = 0xcbf29ce484222325ull;
            __asm__ volatile("fsrm %0" : : "r"(mode));
            __asm__ volatile("fsflags zero");
            for (unsigned i = 0; i < 4000; i++) {
                if (i % 397 == 0) {
                    __asm__ volatile("fsflags zero");
                }
                uint64_t r = single ? chain_s(pick_s(), pick_s(), pick_s()) : chain_d(pick_d(), pick_d(), pick_d());
                h = (h ^ r) * 0x100000001b3ull;
                h = (h ^ get_flags()) * 0x100000001b3ull;
            }
            printf("chain.%c   rm %u: %016" PRIx64 "\n", single ? 's' : 'd', mode, h);
        }
    }
    __asm__ volatile("fsrm zero");
    return 0;
}
