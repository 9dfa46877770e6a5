/*
 * sse_mxcsr.c - SSE arithmetic and compares, which mimic runs inline when MXCSR and the
 * operands allow it (frontend/x86/trans_sse_fast.c) and through the host stub otherwise,
 * compared bit for bit with the host's own run: for every rounding mode, FTZ/DAZ
 * setting and with PE set beforehand or not, addsd/subsd/mulsd/divsd/sqrtsd, the ss
 * forms, addpd/mulpd/divpd and ucomisd/comisd/ucomiss on operands that are normal,
 * zero, denormal, tiny, huge, infinite or NaN; each result is printed with MXCSR read
 * back right after the instruction (stmxcsr), and the flags of the compares.  A loop
 * runs the same code many times (so the JIT's hot path is the one checked), and an
 * unmasked exception ends in SIGFPE (#XM) with its si_code and the destination kept.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const uint64_t vals[] = {
    0x3ff0000000000000ull,      /* 1 */
    0x4008000000000000ull,      /* 3 */
    0x3fb999999999999aull,      /* 0.1 */
    0xbfe0000000000000ull,      /* -0.5 */
    0x0000000000000000ull,      /* +0 */
    0x8000000000000000ull,      /* -0 */
    0x0000000000000001ull,      /* smallest denormal */
    0x000fffffffffffffull,      /* largest denormal */
    0x0010000000000000ull,      /* smallest normal */
    0x2000000000000000ull,      /* tiny: its square underflows */
    0x7fefffffffffffffull,      /* largest finite */
    0x7ff0000000000000ull,      /* +inf */
    0xfff0000000000000ull,      /* -inf */
    0x7ff8000000000000ull,      /* qNaN */
    0x7ff0000000000001ull,      /* sNaN */
};
#define NV (sizeof(vals) / sizeof(vals[0]))

static uint32_t get_mxcsr(void)
{
    uint32_t m;

    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

static void set_mxcsr(uint32_t m)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}

#define SD_OP(name, insn) \
    static uint64_t name(uint64_t a, uint64_t b, uint32_t *mx) \
    { \
        double x, y; \
        memcpy(&x, &a, 8); \
        memcpy(&y, &b, 8); \
        __asm__ volatile(insn " %[y], %[x]\n\tstmxcsr %[m]" : [x] "+x"(x), [m] "=m"(*mx) : [y] "x"(y)); \
        memcpy(&a, &x, 8); \
        return a; \
    }
SD_OP(op_addsd, "addsd")
SD_OP(op_subsd, "subsd")
SD_OP(op_mulsd, "mulsd")
SD_OP(op_divsd, "divsd")
SD_OP(op_sqrtsd, "sqrtsd")

#define SS_OP(name, insn) \
    static uint64_t name(uint64_t a, uint64_t b, uint32_t *mx) \
    { \
        float x, y; \
        uint32_t xa = (uint32_t)(a >> 32) ^ (uint32_t)a, yb = (uint32_t)(b >> 32) ^ (uint32_t)b; \
        memcpy(&x, &xa, 4); \
        memcpy(&y, &yb, 4); \
        __asm__ volatile(insn " %[y], %[x]\n\tstmxcsr %[m]" : [x] "+x"(x), [m] "=m"(*mx) : [y] "x"(y)); \
        memcpy(&xa, &x, 4); \
        return xa; \
    }
SS_OP(op_addss, "addss")
SS_OP(op_mulss, "mulss")
SS_OP(op_divss, "divss")
SS_OP(op_sqrtss, "sqrtss")

/* Packed: the pair (a, b) op (b, a). */
#define PD_OP(name, insn) \
    static uint64_t name(uint64_t a, uint64_t b, uint32_t *mx) \
    { \
        uint64_t x[2] __attribute__((aligned(16))) = { a, b }, y[2] __attribute__((aligned(16))) = { b, a }; \
        __asm__ volatile("movapd %[x], %%xmm0\n\t" insn " %[y], %%xmm0\n\tmovapd %%xmm0, %[x]\n\tstmxcsr %[m]" \
                         : [x] "+m"(x), [m] "=m"(*mx) : [y] "m"(y) : "xmm0"); \
        return x[0] ^ (x[1] << 1); \
    }
PD_OP(op_addpd, "addpd")
PD_OP(op_mulpd, "mulpd")
PD_OP(op_divpd, "divpd")

#define CMP_OP(name, insn, ty) \
    static uint64_t name(uint64_t a, uint64_t b, uint32_t *mx) \
    { \
        ty x, y; \
        uint64_t fl; \
        memcpy(&x, &a, sizeof(x)); \
        memcpy(&y, &b, sizeof(y)); \
        __asm__ volatile(insn " %[y], %[x]\n\tpushfq\n\tpopq %[f]\n\tstmxcsr %[m]" \
                         : [f] "=r"(fl), [m] "=m"(*mx) : [x] "x"(x), [y] "x"(y) : "cc"); \
        return fl & 0x8d5; \
    }
CMP_OP(op_ucomisd, "ucomisd", double)
CMP_OP(op_comisd, "comisd", double)
CMP_OP(op_ucomiss, "ucomiss", float)

static const struct {
    const char *name;
    uint64_t (*fn)(uint64_t, uint64_t, uint32_t *);
} ops[] = {
    { "addsd", op_addsd }, { "subsd", op_subsd }, { "mulsd", op_mulsd }, { "divsd", op_divsd },
    { "sqrtsd", op_sqrtsd }, { "addss", op_addss }, { "mulss", op_mulss }, { "divss", op_divss },
    { "sqrtss", op_sqrtss }, { "addpd", op_addpd }, { "mulpd", op_mulpd }, { "divpd", op_divpd },
    { "ucomisd", op_ucomisd }, { "comisd", op_comisd }, { "ucomiss", op_ucomiss },
};

static void test_modes(void)
{
    /* Control values: every rounding mode; FTZ, DAZ; each with PE clear and set. */
    static const uint32_t ctl[] = { 0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80, 0x1fc0, 0x9fc0 };

    for (unsigned c = 0; c < sizeof(ctl) / sizeof(ctl[0]); c++) {
        for (unsigned pe = 0; pe < 2; pe++) {
            for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
                uint64_t sum = 0;
                unsigned long flags_or = 0;

                printf("mxcsr %04x op %s:", ctl[c] | pe * 0x20, ops[o].name);
                for (unsigned i = 0; i < NV; i++) {
                    for (unsigned j = 0; j < NV; j++) {
                        uint32_t mx;
                        uint64_t r;

                        set_mxcsr(ctl[c] | pe * 0x20);
                        r = ops[o].fn(vals[i], vals[j], &mx);
                        sum = sum * 31 + r;
                        sum ^= mx;
                        flags_or |= mx & 0x3f;
                        if (i == j || i + 1 == j) {
                            printf(" %llx/%x", (unsigned long long)r, mx & 0x3f);
                        }
                    }
                }
                printf(" | sum %016llx flags %02lx\n", (unsigned long long)sum, flags_or);
            }
        }
    }
    set_mxcsr(0x1f80);
}

/* The same sums many times over (the JIT's code for a hot loop), once with PE clear. */
static void test_hot(void)
{
    double acc = 0.25, v[64];
    uint32_t mx;

    for (int i = 0; i < 64; i++) {
        v[i] = (i - 31) * 0.37;
    }
    set_mxcsr(0x1f80);
    for (int r = 0; r < 20000; r++) {
        for (int i = 0; i < 64; i++) {
            acc = acc * 0.999 + v[i] * v[(i + r) & 63];
            if (acc > 1e6 || acc < -1e6) {
                acc = __builtin_sqrt(acc < 0 ? -acc : acc);
            }
        }
    }
    mx = get_mxcsr();
    printf("hot acc %a mxcsr %04x\n", acc, mx);
}

static sigjmp_buf jb;
static volatile int fpe_code;

static void fpe_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fpe_code = si->si_code;
    siglongjmp(jb, 1);
}

/* Unmasked ZE and PE: #XM, SIGFPE with FPE_FLTDIV / FPE_FLTRES, the destination as it was. */
static void test_xm(void)
{
    static const uint32_t ctl[] = { 0x1f80 & ~0x200u, 0x1f80 & ~0x1000u, 0x1fa0 & ~0x1000u };
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fpe_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    for (unsigned c = 0; c < sizeof(ctl) / sizeof(ctl[0]); c++) {
        volatile double x = 1.0, y = 0.0, z = 3.0;
        double d = 5.0;

        fpe_code = 0;
        if (sigsetjmp(jb, 1) == 0) {
            set_mxcsr(ctl[c]);
            __asm__ volatile("divsd %[y], %[d]" : [d] "+x"(d) : [y] "x"((double)y));
            __asm__ volatile("divsd %[z], %[d]" : [d] "+x"(d) : [z] "x"((double)z));
        }
        uint32_t mx = get_mxcsr();
        set_mxcsr(0x1f80);
        printf("xm ctl %04x code %d mxcsr %04x x %a\n", ctl[c], fpe_code, mx, (double)x);
    }
}

int main(void)
{
    test_modes();
    test_hot();
    test_xm();
    return 0;
}
