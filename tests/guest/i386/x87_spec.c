/*
 * x87_spec.c - x87 runs that mimic specialises on the TOP and control word the guest has
 * when it translates them (frontend/x86/trans_x87_fast.c, x86_x87_spec_plan), behind a
 * guard that falls back to the general path; compared bit for bit with the host's run.
 * Each body below is a function of its own, so its block is translated on the first
 * call and entered later with other states:
 *   cases   every body after 0..8 registers pushed (runs that underflow or overflow
 *           the stack included), under several precision and rounding controls, with
 *           C3/C2/C1/C0 and exception flags preset: the status word, EFLAGS, the tag word,
 *           all eight FNSAVE registers (empty ones keep what was popped), FIP and FDP
 *   fault   the multiply-add body storing to a read-only page once the block exists: the
 *           handler makes it writable and the run starts again from the state before it;
 *           a run storing to two pages, the second read-only (its store is probed apart)
 *   signal  the multiply-add body in a loop while a timer's handler does x87 work of its
 *           own (the signal frame keeps the loop's stack)
 *   clear   a run that raises PE, fxrstor of an image without flags, an exact run: the
 *           flags stay clear (the stubs leave theirs in the host's x87)
 * The step bodies have an add, sub or lea of an address register inside the run (which
 * mimic sinks after the run's stores): later operands through it (base and index), a
 * lea reading it, a move reading it (which ends the run), an fucomip after it; the
 * registers and EFLAGS (pushf, setc, adc) after the body are printed.  They also run in
 * "fault" (the store after the add faults: the add must not be applied twice), in
 * "step-signal" (a loop walking an array through such an add under a timer) and in
 * "mf-step" (an unmasked PE after the add: at the #MF the add before it is done, the
 * store before it written, the sub after it not yet).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <ucontext.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>

/* Bodies: operands at (%eax); each reads ST(0) and ST(1) as the caller left them. */
extern char body_mac[], body_push[], body_pop[], body_pop2[], body_fcomi[], body_fxam[], body_cc[], body_mov[],
    body_two_pages[], body_cross[], body_step1[], body_step2[], body_step3[], body_step4[], body_step5[];
__asm__(".text\n"
        "body_mac:\n\t"             /* one push and one pop: the matmul inner loop */
        "fldl (%eax)\n\t"
        "fmul %st(1), %st\n\t"
        "faddl 8(%eax)\n\t"
        "fstpl 8(%eax)\n\t"
        "ret\n"
        "body_push:\n\t"            /* net one push */
        "fldl (%eax)\n\t"
        "fldl 8(%eax)\n\t"
        "fmul %st(1), %st\n\t"
        "faddp %st, %st(1)\n\t"
        "ret\n"
        "body_pop:\n\t"             /* net one pop */
        "fadd %st(1), %st\n\t"
        "fstpl 16(%eax)\n\t"
        "ret\n"
        "body_pop2:\n\t"            /* two pops, C3/C2/C0 from fucompp */
        "fld %st(1)\n\t"
        "fdivr %st(1), %st\n\t"
        "fstpl 24(%eax)\n\t"
        "fucompp\n\t"
        "ret\n"
        "body_fcomi:\n\t"           /* EFLAGS from fucomip */
        "fld %st(1)\n\t"
        "fmul %st(0), %st\n\t"
        "fucomip %st(1), %st\n\t"
        "ret\n"
        "body_fxam:\n\t"            /* ftst, then fxam, then fsqrt (which keeps C3/C2/C0) */
        "fld %st(0)\n\t"
        "fchs\n\t"
        "ftst\n\t"
        "fstp %st(0)\n\t"
        "fxam\n\t"
        "fsqrt\n\t"
        "ret\n"
        "body_cc:\n\t"              /* nothing writes C3/C2/C0: the preset stays */
        "fld1\n\t"
        "fadd %st(1), %st\n\t"
        "fdivr %st(2), %st\n\t"
        "fstpl 32(%eax)\n\t"
        "ret\n"
        "body_mov:\n\t"             /* an integer move inside the run, a net pop of two */
        "fldl (%eax)\n\t"
        "mov %eax, %edx\n\t"
        "fmulp %st, %st(2)\n\t"
        "fstpl 40(%edx)\n\t"
        "fstpl 48(%edx)\n\t"
        "ret\n"
        "body_two_pages:\n\t"     /* changes ST(1), stores to the end of a page and the next one */
        "fld %st(0)\n\t"
        "fmul %st(2), %st\n\t"
        "fmul %st, %st(1)\n\t"
        "fstl 4088(%eax)\n\t"
        "fstl 4080(%eax)\n\t"
        "fstpl 4096(%eax)\n\t"
        "ret\n"
        "body_cross:\n\t"         /* one store across a page's end */
        "fld %st(0)\n\t"
        "fmul %st(2), %st\n\t"
        "fstpl 4092(%eax)\n\t"
        "ret\n"
        "body_step1:\n\t"          /* add mid-run; a lea and later operands through it */
        "fldl (%eax)\n\t"
        "add $8, %eax\n\t"
        "fmul %st(1), %st\n\t"
        "lea 8(%eax), %edx\n\t"
        "faddl (%eax)\n\t"
        "fldl (%edx)\n\t"
        "fmulp %st, %st(1)\n\t"
        "fstpl 16(%eax)\n\t"
        "ret\n"
        "body_step2:\n\t"          /* add eax, imm32 (05) and sub of another register; fucomip last */
        "mov %eax, %ecx\n\t"
        "mov %eax, %edx\n\t"
        "fldl (%eax)\n\t"
        "add $0x1000, %eax\n\t"
        "sub $-8, %ecx\n\t"
        "fmull (%ecx)\n\t"
        "fadd %st(1), %st\n\t"
        "fstl -0x1000+32(%eax)\n\t"
        "fucomip %st(1), %st\n\t"
        "ret\n"
        "body_step3:\n\t"          /* lea of the register itself, add with a carry; setc, adc after */
        "mov %eax, %edx\n\t"
        "fldl (%eax)\n\t"
        "lea 16(%eax), %eax\n\t"
        "add $-8, %edx\n\t"
        "fmul %st(1), %st\n\t"
        "faddl 16(%edx)\n\t"
        "fstpl 8(%eax)\n\t"
        "setc %cl\n\t"
        "adc $0, %ecx\n\t"
        "ret\n"
        "body_step4:\n\t"          /* a move reads the stepped register: the run ends before it */
        "mov %eax, %edx\n\t"
        "fldl (%eax)\n\t"
        "sub $8, %eax\n\t"
        "fmul %st(1), %st\n\t"
        "mov %eax, %ecx\n\t"
        "fstpl 16(%ecx)\n\t"
        "ret\n"
        "body_step5:\n\t"          /* the stepped register as an index */
        "mov %eax, %edx\n\t"
        "mov $2, %ecx\n\t"
        "fldl (%eax)\n\t"
        "add $1, %ecx\n\t"
        "fmul %st(1), %st\n\t"
        "faddl (%eax,%ecx,8)\n\t"
        "fstpl -8(%eax,%ecx,8)\n\t"
        "ret\n"
        ".previous\n");

/*
 * FDP only where the last instruction has a memory operand: after a register form the
 * host keeps the one before, mimic clears it (x86_x87_commit).
 */
static const struct {
    const char *name;
    char *code;
    int fdp;
} bodies[] = {
    { "mac", body_mac, 1 }, { "push", body_push, 0 }, { "pop", body_pop, 1 }, { "pop2", body_pop2, 0 },
    { "fcomi", body_fcomi, 0 }, { "fxam", body_fxam, 0 }, { "cc", body_cc, 1 }, { "mov", body_mov, 1 },
    { "step1", body_step1, 3 }, { "step2", body_step2, 2 }, { "step3", body_step3, 3 }, { "step4", body_step4, 3 },
    { "step5", body_step5, 3 },
};

static const double pushed[9] = { 0, 1.0 / 3.0, -2.5, 7.25, 1e300, -0.0, 3.0, 1e-310, 0.1 };

static void print_bytes(const char *what, const void *p, unsigned n)
{
    const uint8_t *b = p;

    printf("%s", what);
    for (unsigned i = n; i-- > 0;) {
        printf("%02x", b[i]);
    }
}

/* The EFLAGS bits printed: fewer where an add's result is a stack or mmap'ed address. */
static uint32_t efl_mask = 0x8d5;

/* depth registers pushed, control word cw, sw ORed into the status word, then body. */
static void run_case(const char *name, char *body, int show_fdp, unsigned depth, uint16_t cw, uint16_t sw, double *mem)
{
    uint8_t env[28], img[108];
    uint32_t efl, fip, fdp, ra, rc, rd;
    uint16_t w;

    const double *vals = pushed;

    __asm__ volatile("fninit\n\t"
                     "mov %[d], %%ecx\n\t"
                     "mov %[v], %%edx\n"
                     "1: test %%ecx, %%ecx\n\t"
                     "jz 2f\n\t"
                     "fldl (%%edx, %%ecx, 8)\n\t"
                     "dec %%ecx\n\t"
                     "jmp 1b\n"
                     "2: fnstenv (%[e])\n\t"
                     "movw %[sw], %%dx\n\t"
                     "orw %%dx, 4(%[e])\n\t"
                     "fldenv (%[e])\n\t"
                     "fldcw %[cw]\n\t"
                     "mov %[m], %%eax\n\t"
                     "call *%[b]\n\t"
                     "pushf\n\t"
                     "pop %[efl]\n\t"
                     "mov %%eax, %[ra]\n\t"
                     "mov %%ecx, %[rc]\n\t"
                     "mov %%edx, %[rd]\n\t"
                     "fnsave (%[i])\n\t"
                     "fninit"
                     : [efl] "=&r"(efl), [ra] "=m"(ra), [rc] "=m"(rc), [rd] "=m"(rd)
                     : [d] "m"(depth), [v] "m"(vals), [e] "r"(env), [sw] "m"(sw), [cw] "m"(cw), [m] "m"(mem),
                       [b] "m"(body), [i] "r"(img)
                     : "eax", "ecx", "edx", "memory", "cc");
    memcpy(&w, img + 4, 2);
    memcpy(&fip, img + 12, 4);
    memcpy(&fdp, img + 20, 4);
    printf("%s d%u cw %04x in %04x: sw %04x fl %03x tw %02x%02x fip +%u", name, depth, cw, sw, w,
           (unsigned)(efl & efl_mask), img[9], img[8], (unsigned)(fip - (uint32_t)(uintptr_t)body));
    if (show_fdp & 1) {
        printf(" fdp +%d", (int)(fdp - (uint32_t)(uintptr_t)mem));
    }
    if (show_fdp & 2) {         /* eax and edx relative to mem, ecx as is unless step2's */
        printf(" eax +%d ecx %d edx +%d", (int)(ra - (uint32_t)(uintptr_t)mem),
               (int)(rc - (body == body_step2 || body == body_step4 ? (uint32_t)(uintptr_t)mem : 0)), (int)(rd - (uint32_t)(uintptr_t)mem));
    }
    print_bytes(" st ", img + 28, 80);
    printf("\n");
}

static void test_cases(void)
{
    static const unsigned depths[] = { 3, 3, 2, 5, 8, 0, 1, 3, 7, 6, 4, 3 };
    static const uint16_t cws[] = { 0x37f, 0x37f, 0x07f, 0xf7f, 0x27f, 0x77f, 0x37f };
    static const uint16_t sws[] = { 0x0000, 0x4500, 0x0200, 0x4121, 0x0001, 0x4700 };

    /*
     * Even bodies are translated under 0x37f (the form that keeps the host's control word),
     * odd ones under 0x07f (the form that loads the guest's, which 0x37f passes too).
     */
    for (unsigned b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
        for (unsigned cc = 0; cc < sizeof(cws) / sizeof(cws[0]); cc++) {
            unsigned c = (cc + 2 * (b & 1)) % (sizeof(cws) / sizeof(cws[0]));

            for (unsigned d = 0; d < sizeof(depths) / sizeof(depths[0]); d++) {
                /* Operands whose results are zero, infinite, NaN or denormal in some cases: every tag. */
                static const double first[5] = { 1.0 / 7.0, 0.0, __builtin_inf(), __builtin_nan(""), -0.0 };
                static const double second[4] = { 1e308, -0.0, 0.0, 1e-320 };
                /* Static: the step bodies' flags depend on the address (the same on the host). */
                static double mem[8] __attribute__((aligned(64)));
                const double init[8] = { first[(b + d) % 5], second[(c + d) % 4], -1.0 / 3.0, 5.5, 2.0, -0.5, 1e-300, 3.0 };

                memcpy(mem, init, sizeof(mem));

                run_case(bodies[b].name, bodies[b].code, bodies[b].fdp, depths[d], cws[c], sws[(b + c + d) % 6], mem);
                for (unsigned i = 0; i < 8; i++) {
                    printf(" %a", mem[i]);
                }
                printf("\n");
            }
        }
    }
}

static char *ro_page;
static volatile int hits;
static volatile int fault_page_only;

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    hits++;
    if (fault_page_only) {      /* a store across pages: where in the page the CPU reports varies */
        printf("fault in page %d\n", (char *)si->si_addr >= ro_page && (char *)si->si_addr < ro_page + 4096);
    } else {
        printf("fault at page+%ld\n", (long)((char *)si->si_addr - ro_page));
    }
    mprotect(ro_page, 4096, PROT_READ | PROT_WRITE);
}

static void test_fault(void)
{
    struct sigaction sa;
    double ok[8] = { 0.5, 0.25 };
    char *two;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    ro_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ((double *)ro_page)[0] = 1.0 / 3.0;
    ((double *)ro_page)[1] = 0.75;
    mprotect(ro_page, 4096, PROT_READ);
    for (unsigned i = 0; i < 3; i++) {
        run_case("fault-warm", body_mac, 1, 3, 0x37f, 0, ok);
    }
    hits = 0;
    run_case("fault", body_mac, 1, 3, 0x37f, 0, (double *)ro_page);
    printf("fault hits %d result %a\n", hits, ((double *)ro_page)[1]);

    /* The store after a sunk add faults: the add is done once. */
    efl_mask = 0;               /* the add's flags depend on the stack's address */
    for (unsigned i = 0; i < 3; i++) {
        run_case("fault-step-warm", body_step1, 3, 3, 0x37f, 0, ok);
    }
    ((double *)ro_page)[2] = 2.0;
    mprotect(ro_page, 4096, PROT_READ);
    hits = 0;
    efl_mask = 0x855;
    run_case("fault-step", body_step1, 3, 3, 0x37f, 0, (double *)ro_page);
    efl_mask = 0x8d5;
    printf("fault-step hits %d result %a\n", hits, ((double *)ro_page)[3]);

    /* Two pages, the second read-only: the first page's stores wait for the fault. */
    two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (unsigned i = 0; i < 3; i++) {
        run_case("two-warm", body_two_pages, 0, 3, 0x37f, 0, (double *)two);
    }
    for (unsigned ro = 0; ro < 2; ro++) {
        memset(two, 0, 8192);
        ro_page = two + 4096 * (1 - ro);
        mprotect(ro_page, 4096, PROT_READ);
        hits = 0;
        run_case("two", body_two_pages, 0, 3, 0x37f, 0, (double *)two);
        printf("two hits %d %a %a %a\n", hits, *(double *)(two + 4080), *(double *)(two + 4088),
               *(double *)(two + 4096));
    }

    /*
     * Pages a run has stored to, made read-only or inaccessible after it ran: the store
     * faults before the x87 state changes, whatever the run saw of the page before.
     */
    for (unsigned prot = 0; prot < 2; prot++) {
        ro_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (unsigned i = 0; i < 3; i++) {
            run_case("reprotect-warm", body_pop, 1, 3, 0x37f, 0, (double *)ro_page);
        }
        ((double *)ro_page)[2] = 0.125;
        mprotect(ro_page, 4096, prot ? PROT_NONE : PROT_READ);
        hits = 0;
        run_case("reprotect", body_pop, 1, 3, 0x37f, 0, (double *)ro_page);
        printf("reprotect %u hits %d result %a\n", prot, hits, ((double *)ro_page)[2]);
        munmap(ro_page, 4096);
    }

    /* One store across two pages, the second (then the first) made read-only after runs. */
    two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fault_page_only = 1;
    for (unsigned ro = 0; ro < 2; ro++) {
        for (unsigned i = 0; i < 3; i++) {
            run_case("cross-warm", body_cross, 1, 3, 0x37f, 0, (double *)two);
        }
        memset(two, 0, 8192);
        ro_page = two + 4096 * (1 - ro);
        mprotect(ro_page, 4096, ro ? PROT_READ : PROT_NONE);
        hits = 0;
        run_case("cross", body_cross, 1, 3, 0x37f, 0, (double *)two);
        printf("cross hits %d", hits);
        print_bytes(" ", (const uint8_t *)two + 4088, 16);
        printf("\n");
    }
    fault_page_only = 0;
    signal(SIGSEGV, SIG_DFL);
}

static volatile long double alarm_sum;
static volatile int alarms;

static void alarm_handler(int sig)
{
    long double x = 1.1L + alarms;

    (void)sig;
    for (int i = 0; i < 20; i++) {
        x = x * 1.0001L + 0.5L;
    }
    alarm_sum += x;
    alarms++;
}

static void test_signal(void)
{
    struct itimerval it = { .it_interval = { 0, 200 }, .it_value = { 0, 200 } };
    double m[2] = { 1.0 / 3.0, 0 };
    uint8_t img[108];
    unsigned n = 3000000;

    signal(SIGALRM, alarm_handler);
    setitimer(ITIMER_REAL, &it, NULL);
    __asm__ volatile("fninit\n\t"
                     "fldl %[k]\n\t"
                     "fldl2e\n\t"
                     "fldpi\n\t"
                     "mov %[m], %%eax\n\t"
                     "1: call body_mac\n\t"
                     "dec %[n]\n\t"
                     "jnz 1b\n\t"
                     "fnsave %[i]\n\t"
                     "fninit"
                     : [n] "+r"(n), [i] "=m"(img)
                     : [k] "m"(m[0]), [m] "r"(m)
                     : "eax", "edx", "memory", "cc");
    memset(&it, 0, sizeof(it));
    setitimer(ITIMER_REAL, &it, NULL);
    printf("signal sum %a handler ran %s\n", m[1], alarms > 0 ? "yes" : "no");
    print_bytes("signal sw ", img + 4, 2);
    print_bytes(" tw ", img + 8, 2);
    print_bytes(" st ", img + 28, 80);
    printf("\n");
}

/* A loop walking an array through a sunk add, under a timer. */
static void test_step_signal(void)
{
    struct itimerval it = { .it_interval = { 0, 200 }, .it_value = { 0, 200 } };
    static double arr[1025];
    static const double k = 0.0625;
    uint8_t img[108];
    double sum = 0;

    for (unsigned i = 0; i < 1025; i++) {
        arr[i] = 1.0 / (i + 1);
    }
    alarms = 0;
    signal(SIGALRM, alarm_handler);
    setitimer(ITIMER_REAL, &it, NULL);
    for (unsigned round = 0; round < 3000; round++) {
        unsigned n = 1024;

        __asm__ volatile("fninit\n\t"
                         "fldl %[k]\n\t"
                         "mov %[a], %%eax\n"
                         "1: fldl (%%eax)\n\t"
                         "add $8, %%eax\n\t"
                         "fmul %%st(1), %%st\n\t"
                         "faddl (%%eax)\n\t"
                         "fstpl (%%eax)\n\t"
                         "dec %[n]\n\t"
                         "jnz 1b\n\t"
                         "fnsave %[i]\n\t"
                         "fninit"
                         : [n] "+r"(n), [i] "=m"(img)
                         : [k] "m"(k), [a] "r"(arr)
                         : "eax", "memory", "cc");
    }
    memset(&it, 0, sizeof(it));
    setitimer(ITIMER_REAL, &it, NULL);
    for (unsigned i = 0; i < 1025; i++) {
        sum += arr[i] * (i + 1);
    }
    printf("step-signal sum %a last %a handler ran %s\n", sum, arr[1024], alarms > 0 ? "yes" : "no");
    print_bytes("step-signal sw ", img + 4, 2);
    print_bytes(" tw ", img + 8, 2);
    print_bytes(" st ", img + 28, 80);
    printf("\n");
}

/* An unmasked PE after a sunk add: the frame at the #MF. */
extern const char mfs_at[];
static volatile int mf_hits, mf_eip_ok;
static volatile int32_t mf_eax, mf_ecx;
static volatile double mf_stored[2];
static double mf_mem[8];

static void mf_step_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;

    (void)sig;
    (void)si;
    mf_hits++;
    mf_eax = (int32_t)(uc->uc_mcontext.gregs[REG_EAX] - (uint32_t)(uintptr_t)mf_mem);
    mf_ecx = (int32_t)(uc->uc_mcontext.gregs[REG_ECX] - (uint32_t)(uintptr_t)mf_mem);
    mf_eip_ok = (uint32_t)uc->uc_mcontext.gregs[REG_EIP] == (uint32_t)(uintptr_t)mfs_at;
    mf_stored[0] = mf_mem[4];
    mf_stored[1] = mf_mem[2];
    fp->cw |= 0x3f;                 /* mask everything and clear the flags: the fstl runs again */
    fp->sw &= ~0x80ffu;
}

static void test_mf_step(void)
{
    struct sigaction sa;
    uint16_t cw = 0x035f, sw;       /* PE unmasked */
    int32_t eax, ecx;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = mf_step_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    for (unsigned round = 0; round < 3; round++) {
        memset(mf_mem, 0, sizeof(mf_mem));
        mf_mem[0] = 1.0;
        mf_mem[1] = 3.0;
        mf_hits = 0;
        __asm__ volatile("fninit\n\t"
                         "fldcw %[cw]\n\t"
                         "mov %[m], %%eax\n\t"
                         "mov %%eax, %%ecx\n\t"
                         "fldl (%%eax)\n\t"
                         "add $8, %%eax\n\t"
                         "fldl (%%eax)\n\t"
                         "fstl 24(%%eax)\n\t"
                         "fdivr %%st(1), %%st\n\t"    /* 1 / 3: PE, unmasked */
                         ".globl mfs_at\n"
                         "mfs_at:\n\t"
                         "fstl 8(%%eax)\n\t"          /* #MF here */
                         "sub $8, %%ecx\n\t"
                         "fstpl 16(%%ecx)\n\t"
                         "fstpl 32(%%eax)\n\t"
                         "sub %[m], %%eax\n\t"
                         "sub %[m], %%ecx\n\t"
                         "mov %%eax, %[ea]\n\t"
                         "mov %%ecx, %[ec]\n\t"
                         "fnstsw %[sw]\n\t"
                         "fninit"
                         : [ea] "=m"(eax), [ec] "=m"(ecx), [sw] "=m"(sw)
                         : [cw] "m"(cw), [m] "r"(mf_mem)
                         : "eax", "ecx", "memory", "cc");
        printf("mf-step hits %d eax +%d ecx +%d eip at fstl %d stored %a %a; after eax +%d ecx %+d sw %04x:", mf_hits,
               mf_eax, mf_ecx, mf_eip_ok, mf_stored[0], mf_stored[1], eax, ecx, sw);
        for (unsigned i = 0; i < 6; i++) {
            printf(" %a", mf_mem[i]);
        }
        printf("\n");
    }
    signal(SIGFPE, SIG_DFL);
}

static void test_clear(void)
{
    static uint8_t fx[512] __attribute__((aligned(16)));
    double out[2];
    uint16_t sw2;

    __asm__ volatile("fninit\n\t"
                     "fxsave %[fx]\n\t"
                     "fldpi\n\t"
                     "fld1\n\t"
                     "fdiv %%st(1), %%st\n\t"       /* PE */
                     "fstpl %[o0]\n\t"
                     "fstp %%st(0)\n\t"
                     "fxrstor %[fx]\n\t"            /* no flags */
                     "fld1\n\t"
                     "fadd %%st(0), %%st\n\t"       /* exact */
                     "fstpl %[o1]\n\t"
                     "fnstsw %[s2]\n\t"
                     "fninit"
                     : [o0] "=m"(out[0]), [o1] "=m"(out[1]), [s2] "=m"(sw2), [fx] "+m"(fx));
    printf("clear %a %a sw %04x\n", out[0], out[1], sw2);
}

int main(void)
{
    test_cases();
    test_fault();
    test_signal();
    test_step_signal();
    test_mf_step();
    test_clear();
    return 0;
}
