/*
 * x86_divide.c - DIV and IDIV of 8, 16 and 32 bits (Intel SDM Vol. 2 DIV, IDIV): quotient
 * and remainder, and #DE (SIGFPE, FPE_INTDIV) for a zero divisor or a quotient that does
 * not fit, at the boundaries (high half one below the divisor: fits; equal: #DE; signed
 * quotients of +2^(n-1) and -2^(n-1)).  At a #DE the handler checks the state the
 * instruction faulted in: pc at the div, the dividend untouched and a register written
 * just before the div in the same block (mimic's JIT stores it only on the way to the
 * fault).  Then random operands against C's 64-bit arithmetic, and the 64-bit division
 * of C itself (libgcc's __udivdi3/__umoddi3/__divdi3 on i386, built on div r/m32).
 * Written in asm with explicit operand sizes so the same code runs as i386 and x86-64.
 * Compared with the host's own run and qemu.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <ucontext.h>

#include "guest_check.h"

#ifdef __x86_64__
#define GREG_PC REG_RIP
#define GREG_AX REG_RAX
#define GREG_BX REG_RBX
#define GREG_DX REG_RDX
#else
#define GREG_PC REG_EIP
#define GREG_AX REG_EAX
#define GREG_BX REG_EBX
#define GREG_DX REG_EDX
#endif

static sigjmp_buf de_env;
static volatile uintptr_t de_pc;
static volatile uint32_t de_ax, de_bx, de_dx;
static volatile int de_code;

static void on_fpe(int sig, siginfo_t *si, void *ucv)
{
    const greg_t *gr = ((ucontext_t *)ucv)->uc_mcontext.gregs;

    (void)sig;
    de_pc = (uintptr_t)gr[GREG_PC];
    de_ax = (uint32_t)gr[GREG_AX];
    de_bx = (uint32_t)gr[GREG_BX];
    de_dx = (uint32_t)gr[GREG_DX];
    de_code = si->si_code;
    siglongjmp(de_env, 1);
}

/*
 * One division: ebx += 0x11 just before it (a register the faulting block has written),
 * then the div; *q, *r get eAX/eDX (AL/AH for bytes).  Returns 1 when it raised #DE, with
 * the handler's view of the state in de_*.
 */
#define DIV_FN(name, insn, dreg)                                                           \
    extern char name##_at[];                                                               \
    static __attribute__((noinline, noclone)) int name(uint32_t hi, uint32_t lo, uint32_t d, \
                                                       uint32_t *q, uint32_t *r)           \
    {                                                                                      \
        volatile uint32_t bx = 0x1000;                                                     \
        uint32_t a = lo, dx = hi, b = bx;                                                  \
        if (sigsetjmp(de_env, 1) != 0) {                                                   \
            return 1;                                                                      \
        }                                                                                  \
        __asm__ volatile("add $0x11, %%ebx\n\t"                                            \
                         ".globl " #name "_at\n" #name "_at:\n\t" insn " %" dreg "[d]"     \
                         : "+a"(a), "+d"(dx), "+b"(b)                                      \
                         : [d] "c"(d)                                                      \
                         : "cc");                                                          \
        *q = a;                                                                            \
        *r = dx;                                                                           \
        bx = b;                                                                            \
        return 0;                                                                          \
    }

DIV_FN(div32u, "divl", "k")
DIV_FN(div32s, "idivl", "k")
DIV_FN(div16u, "divw", "w")
DIV_FN(div16s, "idivw", "w")
DIV_FN(div8u, "divb", "b")
DIV_FN(div8s, "idivb", "b")

typedef int (*DivFn)(uint32_t, uint32_t, uint32_t, uint32_t *, uint32_t *);

typedef struct DivKind {
    const char *name;
    DivFn fn;
    const char *at;
    unsigned bits;
    int is_signed;
} DivKind;

static const DivKind kinds[] = {
    { "div32", div32u, div32u_at, 32, 0 },  { "idiv32", div32s, div32s_at, 32, 1 },
    { "div16", div16u, div16u_at, 16, 0 },  { "idiv16", div16s, div16s_at, 16, 1 },
    { "div8", div8u, div8u_at, 8, 0 },      { "idiv8", div8s, div8s_at, 8, 1 },
};

static int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/*
 * The architecture's answer for dividend hi:lo (8-bit forms: AX = lo, hi unused) and
 * divisor d, each taken at its size: 1 for #DE, else the quotient and remainder.
 */
static int expect(const DivKind *k, uint32_t hi, uint32_t lo, uint32_t d, uint32_t *q, uint32_t *r)
{
    unsigned n = k->bits;
    uint64_t mask = ((uint64_t)1 << n) - 1;
    uint64_t dd = d & mask;
    uint64_t num = n == 8 ? (lo & 0xffffu) : (((uint64_t)(hi & mask) << n) | (lo & mask));

    if (dd == 0) {
        return 1;
    }
    if (!k->is_signed) {
        uint64_t qq = num / dd;
        if (qq > mask) {
            return 1;
        }
        *q = (uint32_t)qq;
        *r = (uint32_t)(num % dd);
        return 0;
    }
    int64_t sn = sext(num, 2 * n), sd = sext(dd, n);
    int64_t qq = sn / sd, rr = sn % sd;
    if (qq != sext((uint64_t)qq & mask, n)) {
        return 1;
    }
    *q = (uint32_t)((uint64_t)qq & mask);
    *r = (uint32_t)((uint64_t)rr & mask);
    return 0;
}

/* Run one case; check it against expect() and the fault state.  Returns 1 for #DE. */
static int run_case(const DivKind *k, uint32_t hi, uint32_t lo, uint32_t d)
{
    unsigned n = k->bits;
    uint32_t mask = n == 32 ? 0xffffffffu : (1u << n) - 1;
    uint32_t q = 0, r = 0, wq = 0, wr = 0;
    int de = k->fn(hi, lo, d, &q, &r);
    int want_de = expect(k, hi, lo, d, &wq, &wr);

    CHECK_EQ(de, want_de);
    if (de) {
        CHECK_EQ(de_pc, (uintptr_t)k->at);
        CHECK_EQ(de_code, FPE_INTDIV);
        CHECK_EQ(de_bx, 0x1011);
        CHECK_EQ(de_ax, lo);
        CHECK_EQ(de_dx, hi);
        return 1;
    }
    if (n == 8) {
        CHECK_EQ(q & 0xffff, (wq & 0xff) | (wr & 0xff) << 8);
        CHECK_EQ(q >> 16, lo >> 16);
        CHECK_EQ(r, hi);
    } else {
        CHECK_EQ(q & mask, wq);
        CHECK_EQ(r & mask, wr);
        CHECK_EQ(q & ~mask, lo & ~mask);        /* 16-bit forms keep the upper halves */
        CHECK_EQ(r & ~mask, hi & ~mask);
    }
    return 0;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);

    for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        const DivKind *k = &kinds[i];
        unsigned n = k->bits;
        uint32_t mask = n == 32 ? 0xffffffffu : (1u << n) - 1, top = 1u << (n - 1);
        int des = 0;

        gc_group(k->name);
        /* Unsigned boundaries (the 8-bit forms divide AX: the high half is AH). */
        uint32_t d = 0x1234 & mask;
        if (n == 8) {
            des += run_case(k, 0, (d - 1) << 8 | 0xff, d);     /* AH = d - 1: fits */
            des += run_case(k, 0, d << 8, d);                  /* AH = d: #DE */
            des += run_case(k, 0, 0x1234, 0);                  /* zero divisor */
            des += run_case(k, 0, 0x7f, 0xff);                 /* -1 divisor (signed) */
            des += run_case(k, 0, 0x8000, 0xff);               /* MIN / -1 */
            des += run_case(k, 0, 0xff80, 1);                  /* -128 / 1 fits */
            des += run_case(k, 0, 0x0080, 1);                  /* +128 / 1 */
            des += run_case(k, 0, 0xff7f, 1);                  /* -129 / 1 */
            des += run_case(k, 0, 0xfffe, 0xff);               /* -2 / -1 */
        } else {
            des += run_case(k, d - 1, 0xffffffffu, d);
            des += run_case(k, d, 0, d);
            des += run_case(k, 0x5555, 0x1234, 0);
            des += run_case(k, 0, 7, mask);                      /* 7 / -1 signed */
            des += run_case(k, mask, top, mask);                 /* MIN / -1 */
            des += run_case(k, mask, top, 1);                    /* -2^(n-1): fits */
            des += run_case(k, 0, top, 1);                       /* +2^(n-1) */
            des += run_case(k, mask, top - 1, 1);                /* -2^(n-1) - 1 */
            des += run_case(k, 0, top - 1, 1);                   /* 2^(n-1) - 1 fits */
            des += run_case(k, mask, 0xfffffffeu, mask);         /* -2 / -1 */
            des += run_case(k, 0xffff0000u | (d - 1), 0xabcd0000u, d);   /* upper halves */
        }
        /* Random operands: mostly small high halves so most divisions fit. */
        for (unsigned j = 0; j < 400; j++) {
            uint32_t hi = next32(), lo = next32(), dv = next32();
            switch (j % 4) {
            case 0: hi &= 0xff; break;
            case 1: hi = (dv & mask) == 0 ? 0 : next32() % (dv & mask); break;
            case 2: dv &= 0xff; break;
            default: break;
            }
            if (k->is_signed && (j & 8)) {
                hi = (lo & top) ? mask : 0;             /* a sign-extended dividend */
            }
            des += run_case(k, hi, lo, dv);
        }
        printf("%s: %d divide errors\n", k->name, des);
    }

    /* C's 64-bit division: on i386 libgcc's helpers, built on div r/m32. */
    gc_group("c64");
    uint64_t h = 0;
    volatile uint64_t vx = 0;
    for (unsigned j = 0; j < 20000; j++) {
        uint64_t x = (uint64_t)next32() << 32 | next32();
        uint64_t y = (j & 1) ? next32() % 5000 + 1 : ((uint64_t)(next32() >> (j % 31)) << 32 | next32()) + 1;
        int64_t sx = (int64_t)x, sy = (int64_t)y * ((j & 2) ? -1 : 1);
        vx = x;
        uint64_t q = vx / y, r = vx % y;
        CHECK(q * y + r == x && r < y);
        int64_t sq = (int64_t)vx / sy, sr = (int64_t)vx % sy;
        CHECK((uint64_t)sq * (uint64_t)sy + (uint64_t)sr == (uint64_t)sx);
        h = h * 31 + q + r * 7 + (uint64_t)sq * 3 + (uint64_t)sr;
    }
    printf("c64 hash %016llx\n", (unsigned long long)h);
    return gc_finish();
}
