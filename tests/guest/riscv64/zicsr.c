/*
 * zicsr.c - Zicsr instructions on the user-visible CSRs (RISC-V unprivileged ISA, chapters 9,
 * 10 and 11.2): fcsr/frm/fflags through csrrw/csrrs/csrrc and their immediate forms, the
 * aliasing between fcsr and its two fields (fcsr = frm << 5 | fflags, bits above 7 read as 0),
 * frm driving dynamic rounding, and the cycle/time/instret counters only moving forward.
 */
#include <setjmp.h>
#include <signal.h>
#include <time.h>
#include <ucontext.h>
#include "guest_check.h"

#define CSR_READ(csr) ({ uint64_t v_; __asm__ volatile("csrr %0, " csr : "=r"(v_)); v_; })
#define CSR_WRITE(csr, val) __asm__ volatile("csrw " csr ", %0" : : "r"((uint64_t)(val)))
#define CSR_SWAP(csr, val) ({ uint64_t v_; \
    __asm__ volatile("csrrw %0, " csr ", %1" : "=r"(v_) : "r"((uint64_t)(val))); v_; })
#define CSR_SET(csr, val) ({ uint64_t v_; \
    __asm__ volatile("csrrs %0, " csr ", %1" : "=r"(v_) : "r"((uint64_t)(val))); v_; })
#define CSR_CLEAR(csr, val) ({ uint64_t v_; \
    __asm__ volatile("csrrc %0, " csr ", %1" : "=r"(v_) : "r"((uint64_t)(val))); v_; })

static void test_fcsr(void)
{
    uint64_t v;
    gc_group("fcsr_fields");
    CSR_WRITE("fcsr", 0);
    CHECK_EQ(CSR_READ("fcsr"), 0);
    CSR_WRITE("fcsr", 0xff);
    CHECK_EQ(CSR_READ("fcsr"), 0xff);
    CHECK_EQ(CSR_READ("frm"), 7);
    CHECK_EQ(CSR_READ("fflags"), 0x1f);
    CSR_WRITE("fcsr", 0xfffff00 | 0x65);             /* reserved bits are ignored */
    CHECK_EQ(CSR_READ("fcsr"), 0x65);
    CHECK_EQ(CSR_READ("frm"), 3);
    CHECK_EQ(CSR_READ("fflags"), 5);
    CSR_WRITE("fflags", 0xff);                       /* only 5 bits */
    CHECK_EQ(CSR_READ("fflags"), 0x1f);
    CHECK_EQ(CSR_READ("fcsr"), 0x7f);
    CSR_WRITE("frm", 0xfa);                          /* only 3 bits */
    CHECK_EQ(CSR_READ("frm"), 2);
    CHECK_EQ(CSR_READ("fcsr"), 0x5f);

    gc_group("csr_instructions");
    CSR_WRITE("fcsr", 0);
    v = CSR_SWAP("fflags", 0x11);
    CHECK_EQ(v, 0);
    v = CSR_SET("fflags", 0x06);
    CHECK_EQ(v, 0x11);
    CHECK_EQ(CSR_READ("fflags"), 0x17);
    v = CSR_CLEAR("fflags", 0x03);
    CHECK_EQ(v, 0x17);
    CHECK_EQ(CSR_READ("fflags"), 0x14);
    __asm__ volatile("csrrwi %0, frm, 4" : "=r"(v));
    CHECK_EQ(v, 0);
    CHECK_EQ(CSR_READ("frm"), 4);
    __asm__ volatile("csrrsi %0, fflags, 1" : "=r"(v));
    CHECK_EQ(v, 0x14);
    __asm__ volatile("csrrci %0, fflags, 0x10" : "=r"(v));
    CHECK_EQ(v, 0x15);
    CHECK_EQ(CSR_READ("fcsr"), (4 << 5) | 0x05);
    __asm__ volatile("csrrci %0, fcsr, 0" : "=r"(v));   /* zimm = 0: read only */
    CHECK_EQ(v, (4 << 5) | 0x05);
    __asm__ volatile("csrrs %0, fcsr, x0" : "=r"(v));
    CHECK_EQ(v, (4 << 5) | 0x05);
    /* rd = x0 still writes */
    __asm__ volatile("csrrw x0, fcsr, %0" : : "r"(0x21L));
    CHECK_EQ(CSR_READ("fcsr"), 0x21);
    /* frrm/fsrm/frflags/fsflags pseudo-instructions */
    __asm__ volatile("fsrm %0, %1" : "=r"(v) : "r"(2L));
    CHECK_EQ(v, 1);
    __asm__ volatile("frrm %0" : "=r"(v));
    CHECK_EQ(v, 2);
    __asm__ volatile("fsflags %0, %1" : "=r"(v) : "r"(0x0aL));
    CHECK_EQ(v, 1);
    __asm__ volatile("frflags %0" : "=r"(v));
    CHECK_EQ(v, 0x0a);
    __asm__ volatile("fsflagsi %0, 0" : "=r"(v));
    CHECK_EQ(v, 0x0a);

    gc_group("frm_dynamic_rounding");
    static const uint64_t want[5] = { 0x3eaaaaab, 0x3eaaaaaa, 0x3eaaaaaa, 0x3eaaaaab, 0x3eaaaaab };
    for (uint64_t rm = 0; rm < 5; rm++) {
        uint64_t r, fl;
        CSR_WRITE("fcsr", rm << 5);
        __asm__ volatile("fmv.w.x ft0, %2\n\tfmv.w.x ft1, %3\n\tfdiv.s ft2, ft0, ft1\n\t"
                         "fmv.x.w %0, ft2\n\tcsrr %1, fcsr"
                         : "=r"(r), "=r"(fl) : "r"(0x3f800000L), "r"(0x40400000L) : "ft0", "ft1", "ft2");
        CHECK_EQ(r, want[rm]);
        CHECK_EQ(fl, (rm << 5) | 1);                  /* NX accrued, frm unchanged */
    }
    CSR_WRITE("fcsr", 0);
}

static sigjmp_buf ill_jmp;
static volatile uint64_t ill_pc, ill_expect;

static void on_ill(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    ill_pc = ((ucontext_t *)uc)->uc_mcontext.__gregs[REG_PC];
    siglongjmp(ill_jmp, 1);
}

/*
 * A dynamic-rounding operation with frm = 5..7 (reserved) is an illegal instruction,
 * whether fflags already holds NX or not, and also after an operation of the same
 * straight-line code ran in round to nearest; the trap reports the operation's pc.
 */
static void test_frm_reserved(void)
{
    struct sigaction sa = { .sa_sigaction = on_ill, .sa_flags = SA_SIGINFO }, old;
    gc_group("frm_reserved_traps");
    sigaction(SIGILL, &sa, &old);
    for (uint64_t frm = 5; frm < 8; frm++) {
        for (uint64_t nx = 0; nx < 2; nx++) {
            ill_pc = 0;
            if (sigsetjmp(ill_jmp, 1) == 0) {
                __asm__ volatile("csrw fflags, %2\n\t"
                                 "fmul.d ft0, ft0, ft1, rne\n\t"
                                 "csrw frm, %1\n\t"
                                 "lla t0, 1f\n\t"
                                 "sd t0, 0(%0)\n\t"
                                 "1: fadd.d ft0, ft0, ft1\n\t"
                                 : : "r"(&ill_expect), "r"(frm), "r"(nx) : "t0", "ft0", "memory");
                CHECK(0);       /* not reached */
            }
            CHECK_EQ(ill_pc, ill_expect);
            CHECK_EQ(CSR_READ("frm"), frm);
        }
    }
    CSR_WRITE("fcsr", 0);
    sigaction(SIGILL, &old, NULL);
}

static void test_counters(void)
{
    uint64_t c0, c1, t0, t1, i0, i1;
    volatile uint64_t sink = 0;
    gc_group("counters");
    __asm__ volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c0), "=r"(t0), "=r"(i0));
    for (int k = 0; k < 200000; k++) {
        sink += k;
    }
    __asm__ volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c1), "=r"(t1), "=r"(i1));
    CHECK(c1 > c0);
    CHECK(i1 > i0);
    CHECK(t1 >= t0);
    /* The time counter must advance across a 20 ms sleep. */
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    __asm__ volatile("rdtime %0" : "=r"(t0));
    CHECK(t0 > t1);
    /* csrr of the same counters works too (rdcycle is an alias of csrrs rd, cycle, x0). */
    uint64_t prev = CSR_READ("cycle");
    int monotonic = 1;
    for (int k = 0; k < 1000; k++) {
        uint64_t now = CSR_READ("cycle");
        monotonic &= (now >= prev);
        prev = now;
    }
    CHECK(monotonic);
    prev = CSR_READ("instret");
    monotonic = 1;
    for (int k = 0; k < 1000; k++) {
        uint64_t now = CSR_READ("instret");
        monotonic &= (now > prev);
        prev = now;
    }
    CHECK(monotonic);
    prev = CSR_READ("time");
    monotonic = 1;
    for (int k = 0; k < 1000; k++) {
        uint64_t now = CSR_READ("time");
        monotonic &= (now >= prev);
        prev = now;
    }
    CHECK(monotonic);
}

int main(void)
{
    test_fcsr();
    test_frm_reserved();
    test_counters();
    return gc_finish();
}
