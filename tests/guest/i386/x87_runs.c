/*
 * x87_runs.c - consecutive x87 instructions, which mimic runs together in one host stub
 * (frontend/x86/trans_x87_seg.c), compared bit for bit with the host's own run and qemu:
 *   cw      one run of loads, arithmetic, fxch, fsqrt and an 80-bit store under every
 *           precision and rounding control, on operands that make PE/UE/OE/DE/ZE/IE come
 *           up (masked); the stored bits and fnstsw after the run
 *   loop    long double n-body steps (gcc's x87 code: runs split by branches and address
 *           moves, fucomip, fstp to memory), printed with %La
 *   mf      an unmasked PE in the middle of a run: SIGFPE (#MF) at the next waiting x87
 *           instruction with the state after the fdivrp in the frame; the handler masks it
 *           and clears the flags in the frame's legacy header (which sigreturn takes), and
 *           the code goes on from there.  (PE because its unmasked response -- the rounded
 *           result is delivered -- is the masked one, which is what mimic gives for all.)
 *   ill     ud2 between x87 instructions: the frame holds the stack the instructions
 *           before it left; the handler steps over it and the x87 code goes on
 *   segv    an x87 load from a page the handler then makes readable, in the middle of a run
 *   stores  stores in the middle of a run (written after the stub) followed by loads of the
 *           same bytes, of overlapping ones, of other ones through the same base, through
 *           another register holding the same address, and by an integer mov; two stores
 *           to one address; fistp and fstpt mid-run
 *   mfstore an unmasked PE after an fstl of the same run: the handler sees the stored
 *           value in memory, and the stores after the #MF point happen only once resumed
 *   status  short runs after an fldenv that presets C3/C2/C1/C0: fcmov/fcomi/fnop (which
 *           keep C1) alone and after instructions that write it, pops of one and two
 *           registers, fstp st(i), pushes; the status word and the FNSAVE image's tag word
 *           and all eight registers after each (empty ones keep what was popped)
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static void print_bytes(const char *what, const void *p, unsigned n)
{
    const uint8_t *b = p;

    printf("%s", what);
    for (unsigned i = n; i-- > 0;) {
        printf("%02x", b[i]);
    }
    printf("\n");
}

/* --- cw --- */
static const double cw_ops[][4] = {
    { 1.0, 3.0, 7.0, 0.1 },
    { 1e300, 1e300, 2.0, -1.0 },               /* overflow in 53/24-bit precision */
    { 1e-300, 1e-300, 3.0, 0.0 },              /* tiny */
    { 4.9406564584124654e-324, 2.0, 5.0, 1.0 }, /* denormal operand */
    { 1.0, 0.0, 1.0, 2.0 },                    /* division by zero */
    { -1.0, 1.0, 1.0, 0.5 },                   /* square root of a negative: invalid */
    { 2.0, 2.0, 8.0, -0.0 },                   /* exact */
};

static void test_cw(void)
{
    static const uint16_t cws[] = { 0x037f, 0x027f, 0x007f, 0x077f, 0x0b7f, 0x0f7f, 0x0c7f };

    for (unsigned c = 0; c < sizeof(cws) / sizeof(cws[0]); c++) {
        for (unsigned i = 0; i < sizeof(cw_ops) / sizeof(cw_ops[0]); i++) {
            uint8_t out[2][10];
            uint16_t sw, cw = cws[c];

            memset(out, 0, sizeof(out));
            /* a * b, c / that, sqrt, + d, squared minus itself: one run up to the fstp */
            __asm__ volatile("fninit\n\t"
                             "fldcw %[cw]\n\t"
                             "fldl %[a]\n\t"
                             "fmull %[b]\n\t"
                             "fldl %[c]\n\t"
                             "fdivp %%st, %%st(1)\n\t"
                             "fsqrt\n\t"
                             "faddl %[d]\n\t"
                             "fld %%st(0)\n\t"
                             "fmul %%st(0), %%st(0)\n\t"
                             "fxch %%st(1)\n\t"
                             "fsubr %%st(1), %%st(0)\n\t"
                             "fstpt %[o0]\n\t"
                             "fstpt %[o1]\n\t"
                             "fnstsw %%ax\n\t"
                             "fninit\n\t"
                             : [o0] "=m"(out[0]), [o1] "=m"(out[1]), "=a"(sw)
                             : [cw] "m"(cw), [a] "m"(cw_ops[i][0]), [b] "m"(cw_ops[i][1]), [c] "m"(cw_ops[i][2]),
                               [d] "m"(cw_ops[i][3]));
            printf("cw %04x op %u sw %04x ", cw, i, sw);
            print_bytes("r0 ", out[0], 10);
            print_bytes("    r1 ", out[1], 10);
        }
    }
}

/* --- loop --- */
typedef struct { long double x, y, vx, vy, m; } Body;

static void test_loop(void)
{
    Body b[3] = { { 0, 0, 0, 0, 40 }, { 1, 0, 0, 6, 1 }, { 0, 2.5L, -4, 0, 0.5L } };
    long double e = 0;

    for (int step = 0; step < 2000; step++) {
        for (int i = 0; i < 3; i++) {
            for (int j = i + 1; j < 3; j++) {
                long double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y;
                long double d2 = dx * dx + dy * dy;
                long double mag = 0.001L / (d2 * __builtin_sqrtl(d2));
                if (d2 < 1e-6L) {
                    continue;
                }
                b[i].vx -= dx * b[j].m * mag;
                b[i].vy -= dy * b[j].m * mag;
                b[j].vx += dx * b[i].m * mag;
                b[j].vy += dy * b[i].m * mag;
            }
        }
        for (int i = 0; i < 3; i++) {
            b[i].x += 0.001L * b[i].vx;
            b[i].y += 0.001L * b[i].vy;
        }
    }
    for (int i = 0; i < 3; i++) {
        e += 0.5L * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy);
        printf("loop body %d x %La y %La\n", i, b[i].x, b[i].y);
    }
    printf("loop energy %La (as double %a)\n", e, (double)e);
}

/* --- signal handlers that look at the frame's x87 state --- */
static volatile int hits;
static volatile uint16_t seen_sw, seen_cw, seen_tag;
static volatile int seen_code;
static volatile int seen_ip_ok;
static uint8_t seen_st[2][10];
extern const char mf_fdivp[];

static void fpe_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;

    (void)sig;
    hits++;
    seen_code = si->si_code;
    seen_sw = (uint16_t)fp->sw;
    seen_cw = (uint16_t)fp->cw;
    seen_tag = (uint16_t)fp->tag;
    seen_ip_ok = fp->ipoff == (unsigned long)(uintptr_t)mf_fdivp;
    memcpy(seen_st[0], &fp->_st[0], 10);
    memcpy(seen_st[1], &fp->_st[1], 10);
    fp->cw |= 0x3f;                 /* mask everything and clear the flags: the fld1 runs again */
    fp->sw &= ~0x80ffu;
}

static void test_mf(void)
{
    struct sigaction sa;
    uint16_t cw = 0x035f;           /* PE unmasked */
    double three = 3.0;
    uint8_t out[3][10];
    uint16_t sw;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fpe_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    memset(out, 0, sizeof(out));
    __asm__ volatile("fninit\n\t"
                     "fldcw %[cw]\n\t"
                     "fldpi\n\t"
                     "fld1\n\t"
                     "fldl %[t]\n\t"
                     ".globl mf_fdivp\n"
                     "mf_fdivp:\n\t"
                     "fdivrp %%st, %%st(1)\n\t"     /* 1 / 3: PE, unmasked */
                     "fld1\n\t"                     /* #MF here */
                     "faddp %%st, %%st(2)\n\t"
                     "fstpt %[o0]\n\t"
                     "fstpt %[o1]\n\t"
                     "fnstsw %%ax\n\t"
                     "fninit\n\t"
                     : [o0] "=m"(out[0]), [o1] "=m"(out[1]), "=a"(sw)
                     : [cw] "m"(cw), [t] "m"(three));
    printf("mf hits %d code %d sw %04x cw %04x tag %04x fip at fdivp %d\n", hits, seen_code, seen_sw, seen_cw,
           seen_tag, seen_ip_ok);
    print_bytes("mf frame st0 ", seen_st[0], 10);
    print_bytes("mf frame st1 ", seen_st[1], 10);
    printf("mf after sw %04x\n", sw);
    print_bytes("mf r0 ", out[0], 10);
    print_bytes("mf r1 ", out[1], 10);
}

static void ill_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;

    (void)sig;
    hits++;
    seen_code = si->si_code;
    seen_sw = (uint16_t)fp->sw;
    seen_tag = (uint16_t)fp->tag;
    memcpy(seen_st[0], &fp->_st[0], 10);
    memcpy(seen_st[1], &fp->_st[1], 10);
    uc->uc_mcontext.gregs[REG_EIP] += 2;
}

static void test_ill(void)
{
    struct sigaction sa;
    uint8_t out[10];

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = ill_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGILL, &sa, NULL);
    hits = 0;
    __asm__ volatile("fninit\n\t"
                     "fld1\n\t"
                     "fldpi\n\t"
                     "fmul %%st(0), %%st(0)\n\t"
                     "ud2\n\t"
                     "faddp %%st, %%st(1)\n\t"
                     "fstpt %[o]\n\t"
                     "fninit\n\t"
                     : [o] "=m"(out));
    printf("ill hits %d code %d sw %04x tag %04x\n", hits, seen_code, seen_sw, seen_tag);
    print_bytes("ill frame st0 ", seen_st[0], 10);
    print_bytes("ill frame st1 ", seen_st[1], 10);
    print_bytes("ill result ", out, 10);
}

static char *segv_page;
static volatile uintptr_t segv_addr;

static void segv_handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)ucv;
    hits++;
    segv_addr = (uintptr_t)si->si_addr;
    mprotect(segv_page, 4096, PROT_READ);
}

static void test_segv(void)
{
    struct sigaction sa;
    uint8_t out[10];
    double three = 3.0;
    uint16_t sw;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    segv_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ((double *)segv_page)[5] = 0.7;
    mprotect(segv_page, 4096, PROT_NONE);
    hits = 0;
    __asm__ volatile("fninit\n\t"
                     "fldl %[t]\n\t"
                     "fldpi\n\t"
                     "fmul %%st(1), %%st(0)\n\t"
                     "fdivl 40(%[p])\n\t"           /* faults once */
                     "faddp %%st, %%st(1)\n\t"
                     "fstpt %[o]\n\t"
                     "fnstsw %%ax\n\t"
                     "fninit\n\t"
                     : [o] "=m"(out), "=a"(sw)
                     : [t] "m"(three), [p] "r"(segv_page));
    printf("segv hits %d at page+%ld sw %04x\n", hits, (long)(segv_addr - (uintptr_t)segv_page), sw);
    print_bytes("segv result ", out, 10);
}

/* --- stores --- */
static void test_stores(void)
{
    static double buf[8] __attribute__((aligned(16)));
    double a = 1.25, b = -3.5, c = 1.0 / 3.0;
    uint32_t hi = 0;

    for (int round = 0; round < 200; round++) {
        double r[6];
        int32_t ir = 0;
        uint8_t t[10];

        memset(buf, 0, sizeof(buf));
        memset(r, 0, sizeof(r));
        __asm__ volatile("fldl %[a]\n\t"
                         "fldl %[b]\n\t"
                         "fmul %%st(1), %%st\n\t"
                         "fstl 8(%[p])\n\t"           /* store, then the same bytes */
                         "fldl 8(%[p])\n\t"
                         "faddp %%st, %%st(1)\n\t"
                         "fstl 16(%[p])\n\t"
                         "flds 20(%[p])\n\t"          /* the upper half of that store */
                         "fstpl 24(%[p])\n\t"
                         "fldl 0(%[p])\n\t"           /* other bytes, same base */
                         "faddl %[c]\n\t"
                         "fstpl 32(%[p])\n\t"
                         "fstl (%[q])\n\t"            /* q == p + 40: another register */
                         "fldl 40(%[p])\n\t"
                         "fmul %%st(0), %%st\n\t"
                         "fstpl 48(%[p])\n\t"
                         "fistl 56(%[p])\n\t"
                         "movl 56(%[p]), %[hi]\n\t"   /* an integer load of what fistl stored */
                         "fstl 0(%[p])\n\t"           /* two stores to one place: the second stays */
                         "fldpi\n\t"
                         "fstpl 0(%[p])\n\t"
                         "fldl %[c]\n\t"
                         "fstpt %[t]\n\t"
                         "fistpl %[ir]\n\t"
                         "fstp %%st(0)\n\t"
                         : [hi] "=&r"(hi), [ir] "=m"(ir), [t] "=m"(t)
                         : [a] "m"(a), [b] "m"(b), [c] "m"(c), [p] "r"(buf), [q] "r"(buf + 5)
                         : "memory");
        if (round == 0) {
            for (unsigned i = 0; i < 8; i++) {
                printf("stores buf[%u] %a\n", i, buf[i]);
            }
            printf("stores hi %08x ir %d\n", (unsigned)hi, (int)ir);
            print_bytes("stores t ", t, 10);
        }
        a += 0.5;
        b -= 0.25;
    }
    printf("stores last %a %a\n", buf[3], buf[6]);
}

/* --- mfstore --- */
static double mf_mem[2];
static volatile double seen_mem[2];

static void fpe_store_handler(int sig, siginfo_t *si, void *ucv)
{
    seen_mem[0] = mf_mem[0];
    seen_mem[1] = mf_mem[1];
    fpe_handler(sig, si, ucv);
}

static void test_mfstore(void)
{
    struct sigaction sa;
    uint16_t cw = 0x035f;           /* PE unmasked */

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fpe_store_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    hits = 0;
    mf_mem[0] = mf_mem[1] = 0;
    __asm__ volatile("fninit\n\t"
                     "fldcw %[cw]\n\t"
                     "fld1\n\t"
                     "fstl %[m0]\n\t"             /* done before the #MF */
                     "fld1\n\t"                   /* 3, from registers only: one run */
                     "fadd %%st(0), %%st\n\t"
                     "fadd %%st(1), %%st\n\t"
                     "fdivrp %%st, %%st(1)\n\t"   /* 1 / 3: PE, unmasked */
                     "fld1\n\t"                   /* #MF here */
                     "fstl %[m1]\n\t"             /* only after the handler */
                     "faddp %%st, %%st(1)\n\t"
                     "fstpl %[m0]\n\t"
                     "fninit\n\t"
                     : [m0] "+m"(mf_mem[0]), [m1] "+m"(mf_mem[1])
                     : [cw] "m"(cw));
    printf("mfstore hits %d code %d seen %a %a after %a %a\n", hits, seen_code, seen_mem[0], seen_mem[1],
           mf_mem[0], mf_mem[1]);
}

/* --- status --- */
/*
 * Runs that mimic gives its fast form (only the touched registers loaded and stored,
 * trans_x87_fast.c), each after an fldenv that presets C3/C2/C1/C0, then the status
 * word and the whole FNSAVE image's tags and registers -- empty ones included, which
 * keep what was popped from them.  Instructions that leave C1 as it was (fcmov, fcomi,
 * fnop) alone, after ones that write it, and before pops.
 */
#define STATUS_RUN(name, body)                                                              \
    static void status_##name(const uint8_t *env, uint8_t *img, uint16_t *sw, double *m)    \
    {                                                                                       \
        __asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tfldl2e\n\tfxch %%st(2)\n\t"            \
                         "clc\n\tfldenv %[env]\n\t" body "\n\t"                             \
                         "fnstsw %%ax\n\tfnsave %[img]\n\tfninit"                           \
                         : [img] "=m"(*(uint8_t(*)[108])img), "=a"(*sw), [m0] "=m"(m[0]),   \
                           [m1] "=m"(m[1])                                                  \
                         : [env] "m"(*(const uint8_t(*)[28])env)                            \
                         : "cc");                                                           \
    }
STATUS_RUN(fxch_fcmov, "fxch %%st(1)\n\tfcmovb %%st(2), %%st")
STATUS_RUN(fcmov, "fcmovnb %%st(1), %%st")
STATUS_RUN(fnop, "fnop")
STATUS_RUN(fucomip, "fldz\n\tfucomip %%st(1), %%st")
STATUS_RUN(fmul_fcomip, "fmul %%st(1), %%st\n\tfldz\n\tfcomip %%st(2), %%st")
STATUS_RUN(fcomi, "fmul %%st(2), %%st\n\tfcomi %%st(1), %%st")
STATUS_RUN(stores, "fstl %[m0]\n\tfstpl %[m1]\n\tfstp %%st(0)\n\tfstp %%st(0)")
STATUS_RUN(fcompp, "fadd %%st(1), %%st\n\tfcompp")
STATUS_RUN(faddp, "fld %%st(1)\n\tfsqrt\n\tfaddp %%st, %%st(2)\n\tfxch %%st(2)")
STATUS_RUN(fstp_st, "fld1\n\tfdiv %%st(2), %%st\n\tfstp %%st(3)\n\tfxam")
STATUS_RUN(push, "fldz\n\tfld1\n\tfldpi\n\tfmul %%st(3), %%st\n\tfstl %[m0]")

static void test_status(void)
{
    static void (*const runs[])(const uint8_t *, uint8_t *, uint16_t *, double *) = {
        status_fxch_fcmov, status_fcmov, status_fnop, status_fucomip, status_fmul_fcomip, status_fcomi,
        status_stores, status_fcompp, status_faddp, status_fstp_st, status_push,
    };
    static const uint16_t ccs[] = { 0x0000, 0x4700, 0x4500, 0x0200, 0x4100, 0x0500, 0x4000 };

    for (unsigned r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
        for (unsigned c = 0; c < sizeof(ccs) / sizeof(ccs[0]); c++) {
            uint8_t env[28], img[108];
            uint16_t sw, w;
            double m[2] = { 0, 0 };

            __asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tfldl2e\n\tfxch %%st(2)\n\tfnstenv %0\n\tfninit"
                             : "=m"(env));
            memcpy(&w, env + 4, 2);
            w = (uint16_t)((w & ~0x4700u) | ccs[c]);
            memcpy(env + 4, &w, 2);
            runs[r](env, img, &sw, m);
            printf("status run %u cc %04x sw %04x tw %02x%02x %a %a", r, ccs[c], sw, img[9], img[8], m[0], m[1]);
            print_bytes(" st ", img + 28, 80);
        }
    }
}

int main(void)
{
    test_status();
    test_cw();
    test_loop();
    test_mf();
    test_ill();
    test_segv();
    test_stores();
    test_mfstore();
    return 0;
}
