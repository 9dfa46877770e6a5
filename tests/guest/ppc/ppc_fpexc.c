/*
 * ppc_fpexc.c - enabled FP exceptions (Book I 4.4, Linux's PR_SET_FPEXC).  One sub-test
 * per argument:
 *   ignored  Linux starts programs with MSR[FE0/FE1] = 0: an enabled exception sets
 *            FPSCR[FEX] and (for ZE/VE) leaves the target alone, but nothing traps;
 *   prctl    PR_GET_FPEXC / PR_SET_FPEXC and their EINVAL cases;
 *   traps    after PR_SET_FPEXC(PR_FP_EXC_PRECISE) each enabled exception traps at the
 *            instruction with SIGFPE and Linux's si_code, and the handler starts with
 *            FPSCR = 0; also feenableexcept (which makes the prctl itself).
 * qemu-ppc sets MSR[FE0/FE1] for every program and has no PR_SET_FPEXC, so only "traps"
 * (which does not look at the prctl result) is compared with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <math.h>
#include <float.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <ucontext.h>
#include "guest_check.h"

/* FPSCR bits (Book I 4.2.2, bit 0 = MSB of the low word). */
#define FX   0x80000000u
#define FEX  0x40000000u
#define ZX   0x04000000u
#define VE   0x00000080u
#define OE   0x00000040u
#define UE   0x00000020u
#define ZE   0x00000010u
#define XE   0x00000008u

static uint32_t get_fpscr(void)
{
    union { double d; uint64_t u; } v;
    __asm__ volatile("mffs %0" : "=f"(v.d));
    return (uint32_t)v.u;
}

static void set_fpscr(uint32_t f)
{
    union { double d; uint64_t u; } v = { .u = f };
    __asm__ volatile("mtfsf 0xff, %0" : : "f"(v.d));
}

/* The operations, each alone in a function so the trapping address is known. */
double op_fdiv(double a, double b);
double op_fsub(double a, double b);
double op_fmul(double a, double b);
void op_mtfsb1_xe(void);
__asm__(".text\n"
        ".globl op_fdiv\nop_fdiv: fdiv 1, 1, 2\n blr\n"
        ".globl op_fsub\nop_fsub: fsub 1, 1, 2\n blr\n"
        ".globl op_fmul\nop_fmul: fmul 1, 1, 2\n blr\n"
        ".globl op_mtfsb1_xe\nop_mtfsb1_xe: mtfsb1 28\n blr\n");

static sigjmp_buf back;
static volatile int got_code;
static volatile uintptr_t got_addr;
static volatile uint32_t got_handler_fpscr, got_frame_fpscr;

static void on_fpe(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    (void)sig;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    got_handler_fpscr = get_fpscr();
    /* The interrupted FPSCR, in the frame after the 32 FPRs (the low word of a double). */
    uint64_t bits;
    memcpy(&bits, &uc->uc_mcontext.uc_regs->fpregs.fpscr, 8);
    got_frame_fpscr = (uint32_t)bits;
    siglongjmp(back, 1);
}

/* Run op(a, b) with FPSCR = fpscr; true if it trapped, which fills got_*. */
static bool trapped(double (*op)(double, double), double a, double b, uint32_t fpscr)
{
    got_code = -1;
    if (sigsetjmp(back, 1) == 0) {
        set_fpscr(fpscr);
        volatile double r = op(a, b);
        (void)r;
        set_fpscr(0);
        return false;
    }
    return true;
}

static void one_trap(const char *name, double (*op)(double, double), double a, double b,
                     uint32_t enable, int code)
{
    gc_group(name);
    CHECK(trapped(op, a, b, enable));
    CHECK_EQ(got_code, code);
    CHECK_EQ(got_addr, (uintptr_t)op);
    CHECK_EQ(got_handler_fpscr, 0);
    CHECK_EQ(got_frame_fpscr & (FEX | 0xff), FEX | enable);
    CHECK_EQ(get_fpscr(), 0);       /* the handler's, kept by siglongjmp */
}

static void catch_fpe(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    prctl(PR_SET_FPEXC, PR_FP_EXC_PRECISE);     /* qemu-ppc: EINVAL, but it traps anyway */
}

/* Setting an enable whose exception bit is already set traps at the mtfsb1. */
static void test_enable(void)
{
    catch_fpe();
    gc_group("mtfsb1 of an enable");
    volatile double r = op_fdiv(1.0, 3.0);      /* XX, with XE off: no trap */
    (void)r;
    CHECK(get_fpscr() & 0x02000000u);
    got_code = -1;
    if (sigsetjmp(back, 1) == 0) {
        op_mtfsb1_xe();
    }
    CHECK_EQ(got_code, FPE_FLTRES);
    CHECK_EQ(got_addr, (uintptr_t)op_mtfsb1_xe);
    CHECK_EQ(got_frame_fpscr & (FEX | XE), FEX | XE);
}

/* Kept apart: qemu-ppc 7.2 reports an invalid operation as FPE_FLTSUB. */
static void test_invalid(void)
{
    catch_fpe();
    one_trap("invalid", op_fsub, __builtin_inf(), __builtin_inf(), VE, FPE_FLTINV);
}

static void test_traps(void)
{
    catch_fpe();
    one_trap("zero divide", op_fdiv, 1.0, 0.0, ZE, FPE_FLTDIV);
    one_trap("overflow", op_fmul, DBL_MAX, 2.0, OE, FPE_FLTOVF);
    one_trap("underflow", op_fmul, DBL_MIN, DBL_MIN, UE, FPE_FLTUND);
    one_trap("inexact", op_fdiv, 1.0, 3.0, XE, FPE_FLTRES);
    gc_group("disabled exceptions do not trap");
    CHECK(!trapped(op_fdiv, 1.0, 0.0, 0));
    CHECK(!trapped(op_fdiv, 1.0, 3.0, ZE | VE));
}

/*
 * An inline operation followed at once by another whose slow path finds an enabled
 * invalid operation (0 * inf with VE = 1): that leaves FPRF as the first operation set
 * it (Book I 4.4), FR and FI cleared.  The translator stores the first one's lazy record
 * only in the second one's slow path, from the FPRs its operands came from (or keeps
 * the store of an operand the first overwrote): FPRF shows which operands it took.
 * which: 0 fsub, 1 fsub onto its own frA, 2 fmadd, 3 fdiv (inexact), 4 and 5 below.
 */
#define VX    0x20000000u
#define XX    0x02000000u
#define VXIMZ 0x00100000u

static uint32_t prev_record(int which, double *t_out, double *u_out)
{
    volatile double one = 1.0, three = 3.0, five = 5.0, a = 1.5, c = 2.0, b = 0.25, zero = 0.0, inf = INFINITY;
    double t = 0.0, u = 7.0, x = one, y = three, p = a, q = c, r = b, z = zero, w = inf;

    set_fpscr(XX | VE);
    switch (which) {
    case 0:
        __asm__ volatile("fsub %0,%2,%3\n fmul %1,%4,%5" : "=&f"(t), "+f"(u) : "f"(x), "f"(y), "f"(z), "f"(w));
        break;
    case 1:
        t = five;   /* 5 - 3: the result 2 as frA would give -1 */
        __asm__ volatile("fsub %0,%0,%2\n fmul %1,%3,%4" : "+f"(t), "+f"(u) : "f"(y), "f"(z), "f"(w));
        break;
    case 2:
        __asm__ volatile("fmadd %0,%2,%3,%4\n fmul %1,%5,%6"
                         : "=&f"(t), "+f"(u) : "f"(p), "f"(q), "f"(r), "f"(z), "f"(w));
        break;
    case 3:
        __asm__ volatile("fdiv %0,%2,%3\n fmul %1,%4,%5" : "=&f"(t), "+f"(u) : "f"(x), "f"(y), "f"(z), "f"(w));
        break;
    default: {
        /*
         * 4: register work between them (fneg of another register, integer adds); 5: an
         * fmr onto the first operation's frA between them (5 - 3 taken again from the
         * FPRs would be 0 - 3, a negative number).
         */
        double io[6] = { five, three, zero, inf, u, 0 };

        if (which == 4) {
            __asm__ volatile("lfd 1,0(%0)\n lfd 2,8(%0)\n lfd 3,16(%0)\n lfd 4,24(%0)\n lfd 5,32(%0)\n"
                             "fsub 6,1,2\n fneg 7,3\n li 0,5\n add 0,0,0\n fmul 5,3,4\n"
                             "stfd 6,40(%0)\n stfd 5,32(%0)"
                             : : "b"(io) : "fr1", "fr2", "fr3", "fr4", "fr5", "fr6", "fr7", "r0", "memory");
        } else {
            __asm__ volatile("lfd 1,0(%0)\n lfd 2,8(%0)\n lfd 3,16(%0)\n lfd 4,24(%0)\n lfd 5,32(%0)\n"
                             "fsub 6,1,2\n fmr 1,3\n fmul 5,3,4\n"
                             "stfd 6,40(%0)\n stfd 5,32(%0)"
                             : : "b"(io) : "fr1", "fr2", "fr3", "fr4", "fr5", "fr6", "r0", "memory");
        }
        t = io[5];
        u = io[4];
        break;
    }
    }
    uint32_t f = get_fpscr();
    set_fpscr(0);
    *t_out = t;
    *u_out = u;
    return f;
}

static void test_prev_record(void)
{
    static const uint32_t fprf[6] = { 0x08, 0x04, 0x04, 0x04, 0x04, 0x04 };   /* -2, 2, 3.25, 1/3, 2, 2 */
    static const double want_t[6] = { -2.0, 2.0, 3.25, 1.0 / 3.0, 2.0, 2.0 };

    gc_group("record before an ignored invalid operation");
    for (int round = 0; round < 40; round++) {
        for (int which = 0; which < 6; which++) {
            double t, u;
            uint32_t f = prev_record(which, &t, &u);

            CHECK_EQ(f, FX | FEX | VX | XX | VXIMZ | VE | fprf[which] << 12);
            CHECK(t == want_t[which]);
            CHECK(u == 7.0);        /* an enabled invalid operation leaves the target alone */
        }
    }
}

static void test_ignored(void)
{
    test_prev_record();
    gc_group("ignored");
    CHECK_EQ(prctl(PR_GET_FPEXC, (unsigned long)&(unsigned){ 0 }), 0);
    volatile double one = 1.0, zero = 0.0;
    double t = 5.0;
    set_fpscr(ZE);
    __asm__ volatile("fdiv %0, %1, %2" : "+f"(t) : "f"(one), "f"(zero));
    uint32_t f = get_fpscr();
    CHECK_EQ(f & (FX | FEX | ZX | ZE), FX | FEX | ZX | ZE);
    CHECK(t == 5.0);            /* an enabled zero divide leaves the target alone */
    set_fpscr(0);
}

static void test_prctl(void)
{
    gc_group("prctl");
    unsigned mode = 99;
    CHECK_EQ(prctl(PR_GET_FPEXC, (unsigned long)&mode), 0);
    CHECK_EQ(mode, PR_FP_EXC_DISABLED);
    CHECK_EQ(prctl(PR_SET_FPEXC, PR_FP_EXC_PRECISE), 0);
    CHECK_EQ(prctl(PR_GET_FPEXC, (unsigned long)&mode), 0);
    CHECK_EQ(mode, PR_FP_EXC_PRECISE);
    CHECK_EQ(prctl(PR_SET_FPEXC, PR_FP_EXC_NONRECOV), 0);
    CHECK_EQ(prctl(PR_GET_FPEXC, (unsigned long)&mode), 0);
    CHECK_EQ(mode, PR_FP_EXC_NONRECOV);
    errno = 0;
    CHECK_EQ(prctl(PR_SET_FPEXC, 4), -1);
    CHECK_EQ(errno, EINVAL);
    errno = 0;
    CHECK_EQ(prctl(PR_SET_FPEXC, PR_FP_EXC_SW_ENABLE | PR_FP_EXC_DIV), -1);
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(prctl(PR_SET_FPEXC, PR_FP_EXC_DISABLED), 0);
    CHECK_EQ(prctl(PR_GET_FPEXC, (unsigned long)&mode), 0);
    CHECK_EQ(mode, PR_FP_EXC_DISABLED);
    /* glibc's feenableexcept sets ZE and asks the kernel for the precise mode. */
    CHECK_EQ(feenableexcept(FE_DIVBYZERO), 0);
    CHECK_EQ(prctl(PR_GET_FPEXC, (unsigned long)&mode), 0);
    CHECK_EQ(mode, PR_FP_EXC_PRECISE);
    CHECK_EQ(get_fpscr() & ZE, ZE);
    catch_fpe();
    CHECK(trapped(op_fdiv, 2.0, 0.0, ZE));
    CHECK_EQ(got_code, FPE_FLTDIV);
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "ignored";
    if (strcmp(which, "ignored") == 0) {
        test_ignored();
    } else if (strcmp(which, "prctl") == 0) {
        test_prctl();
    } else if (strcmp(which, "traps") == 0) {
        test_traps();
    } else if (strcmp(which, "invalid") == 0) {
        test_invalid();
    } else if (strcmp(which, "enable") == 0) {
        test_enable();
    }
    return gc_finish();
}
