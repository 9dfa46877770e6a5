/*
 * sse_mxcsr_pending.c - the MXCSR flags of inline SSE arithmetic, read back everywhere the
 * guest can see them.  mimic runs addsd & co. as the host's own instruction while MXCSR has
 * the host's modes and leaves their flags in the host's MXCSR until something reads them
 * (frontend/x86/mxcsr.c), so each check raises flags with several operations in a row, no
 * read between, then reads them one way: stmxcsr, fxsave, a syscall in between, a signal
 * frame (ucontext's fpstate) and the handler's own MXCSR, a guest SIGSEGV left by
 * siglongjmp, a new thread (it inherits its creator's MXCSR; its own flags stay its own),
 * ldmxcsr and fxrstor replacing pending flags, a directed rounding mode switched on and
 * off between operations of one block, and operations whose results are never read.  Each runs in a loop so the JIT's code is
 * checked as well as the first run's.  Compared with the host's own run.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

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

static double bits(uint64_t u)
{
    double d;

    memcpy(&d, &u, 8);
    return d;
}

static uint64_t ubits(double d)
{
    uint64_t u;

    memcpy(&u, &d, 8);
    return u;
}

/*
 * A run of operations with no MXCSR read between them: which flags it raises depends
 * on k (0: none, 1: PE, 2: PE UE, 3: PE OE, 4: ZE, 5: IE, 6: DE PE).  Returns a checksum.
 */
static uint64_t raise_some(unsigned k)
{
    static const uint64_t a[7] = { 0x3ff8000000000000ull, 0x3fb999999999999aull, 0x2000000000000000ull,
                                   0x7fe0000000000000ull, 0x3ff0000000000000ull, 0x0000000000000000ull,
                                   0x0000000000000003ull };
    static const uint64_t b[7] = { 0x4000000000000000ull, 0x4008000000000000ull, 0x2000000000000000ull,
                                   0x7fe0000000000000ull, 0x0000000000000000ull, 0x0000000000000000ull,
                                   0x3fb999999999999aull };
    double x = bits(a[k]), y = bits(b[k]), s = bits(a[k]), p = bits(a[k]);
    double two = 2.0;

    __asm__ volatile("mulsd %[y], %[p]\n\t"     /* 1: 0.1 * 3 inexact; 2: underflow; 3: overflow */
                     "addsd %[two], %[s]\n\t"   /* 6: denormal + 2 (DE, PE) */
                     "divsd %[y], %[x]\n\t"     /* 4: 1/0 (ZE); 5: 0/0 (IE) */
                     : [x] "+x"(x), [s] "+x"(s), [p] "+x"(p)
                     : [y] "x"(y), [two] "x"(two));
    return ubits(x) ^ ubits(s) * 3 ^ ubits(p) * 5;
}

/* Packed and single forms in one run: addpd, mulps-free (ss) and sqrtsd. */
static uint64_t raise_packed(unsigned k)
{
    typedef double V2 __attribute__((vector_size(16)));
    V2 v = { 1.0, bits(0x3fb999999999999aull) }, w = { 3.0, k & 1 ? 1e308 : 1.0 };
    float f = 1.0f, g = k & 2 ? 3.0f : 2.0f;
    double r = k & 4 ? -1.0 : 2.0;
    uint64_t out[2];
    uint32_t fo;

    __asm__ volatile("mulpd %[w], %[v]\n\t"
                     "addpd %[w], %[v]\n\t"
                     "divss %[g], %[f]\n\t"
                     "sqrtsd %[r], %[r]\n\t"
                     : [v] "+x"(v), [f] "+x"(f), [r] "+x"(r)
                     : [w] "x"(w), [g] "x"(g));
    memcpy(out, &v, 16);
    memcpy(&fo, &f, 4);
    return out[0] ^ out[1] * 7 ^ fo ^ ubits(r) * 11;
}

static void check_stmxcsr(void)
{
    for (unsigned k = 0; k < 7; k++) {
        uint64_t sum = 0;
        uint32_t first = 0, last = 0;

        for (int r = 0; r < 2000; r++) {
            set_mxcsr(0x1f80);
            sum += raise_some(k);
            last = get_mxcsr();
            if (r == 0) {
                first = last;
            }
        }
        printf("stmxcsr k=%u first %04x last %04x sum %016llx\n", k, first, last, (unsigned long long)sum);
    }
    for (unsigned k = 0; k < 8; k++) {
        uint64_t sum = 0;
        uint32_t mx = 0;

        for (int r = 0; r < 2000; r++) {
            set_mxcsr(0x1f80);
            sum += raise_packed(k);
            mx |= get_mxcsr() << (r & 1);
        }
        printf("packed k=%u mxcsr %05x sum %016llx\n", k, mx, (unsigned long long)sum);
    }
}

/* Flags pending, then ldmxcsr: the new value's flags replace them. */
static void check_ldmxcsr(void)
{
    uint32_t out[3] = { 0, 0, 0 };

    for (int r = 0; r < 1000; r++) {
        set_mxcsr(0x1f80);
        raise_some(3);
        set_mxcsr(0x1f80);
        out[0] |= get_mxcsr();
        raise_some(4);
        set_mxcsr(0x1f81);
        out[1] |= get_mxcsr();
        raise_some(1);
        out[2] |= get_mxcsr();
    }
    printf("ldmxcsr %04x %04x %04x\n", out[0], out[1], out[2]);
    set_mxcsr(0x1f80);
}

/* fxsave shows the pending flags; fxrstor replaces them with the image's. */
static void check_fxsave(void)
{
    static uint8_t img[512] __attribute__((aligned(16)));
    uint32_t saved, after_rstor, image_flags;

    set_mxcsr(0x1f80);
    raise_some(2);
    __asm__ volatile("fxsave %0" : "=m"(img));
    memcpy(&saved, img + 24, 4);
    raise_some(4);                      /* ZE pending, then the image (PE UE) comes back */
    __asm__ volatile("fxrstor %0" : : "m"(img));
    after_rstor = get_mxcsr();
    image_flags = 0x1f80;               /* an image with no flags clears pending ones */
    raise_some(5);
    __asm__ volatile("fxsave %0" : "=m"(img));
    memcpy(img + 24, &image_flags, 4);
    raise_some(3);
    __asm__ volatile("fxrstor %0" : : "m"(img));
    printf("fxsave %04x fxrstor %04x cleared %04x\n", saved, after_rstor, get_mxcsr());
    set_mxcsr(0x1f80);
}

/* A syscall between the operations and the read. */
static void check_syscall(void)
{
    uint32_t m;

    set_mxcsr(0x1f80);
    raise_some(4);
    syscall(SYS_getpid);
    raise_some(1);
    m = get_mxcsr();
    printf("syscall %04x\n", m);
    set_mxcsr(0x1f80);
}

static volatile uint32_t frame_mxcsr, handler_mxcsr;
static sigjmp_buf jb;

static void usr1_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)sig;
    (void)si;
    frame_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    handler_mxcsr = get_mxcsr();
    raise_some(5);                      /* the handler's own flags vanish at sigreturn */
}

static void segv_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)sig;
    (void)si;
    frame_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    handler_mxcsr = get_mxcsr();
    raise_some(6);                      /* left by siglongjmp: these stay */
    siglongjmp(jb, 1);
}

/* Signal frames: the pending flags are in the interrupted context's fpstate. */
static void check_signals(void)
{
    struct sigaction sa;
    uint32_t after;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = usr1_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    set_mxcsr(0x1f80);
    raise_some(3);
    raise(SIGUSR1);
    after = get_mxcsr();
    printf("signal frame %04x handler %04x after %04x\n", frame_mxcsr, handler_mxcsr, after);

    sa.sa_sigaction = segv_handler;
    sigaction(SIGSEGV, &sa, NULL);
    for (int r = 0; r < 3; r++) {
        set_mxcsr(0x1f80);
        if (sigsetjmp(jb, 1) == 0) {
            raise_some(2);
            raise_some(4);
            *(volatile int *)(uintptr_t)16 = 1;
        }
        after = get_mxcsr();
        printf("segv frame %04x handler %04x after %04x\n", frame_mxcsr, handler_mxcsr, after);
    }
    set_mxcsr(0x1f80);
}

static void *thread_main(void *arg)
{
    uint32_t *out = arg;

    out[0] = get_mxcsr();               /* the creator's MXCSR, pending flags included */
    set_mxcsr(0x1f80);
    raise_some(3);
    out[1] = get_mxcsr();
    return NULL;
}

static void check_thread(void)
{
    pthread_t t;
    uint32_t out[2];

    set_mxcsr(0x1f80);
    raise_some(1);
    pthread_create(&t, NULL, thread_main, out);
    pthread_join(t, NULL);
    raise_some(4);
    printf("thread start %04x own %04x creator %04x\n", out[0], out[1], get_mxcsr());
    set_mxcsr(0x1f80);
}

/* Operations whose results are overwritten unread: their flags still count. */
static void check_dead(void)
{
    uint32_t m = 0x1f80, out = 0, acc = 0;
    double x = 1.0, y = 3.0, z = 2.0, w = 0.0;

    for (int i = 0; i < 3000; i++) {
        __asm__ volatile("ldmxcsr %[m]\n\t"
                         "movapd %[x], %%xmm0\n\t"
                         "divsd %[y], %%xmm0\n\t"     /* PE */
                         "sqrtsd %[z], %%xmm1\n\t"    /* PE */
                         "ucomisd %[w], %[w]\n\t"     /* nothing; EFLAGS unread */
                         "divsd %[w], %%xmm1\n\t"     /* ZE */
                         "movapd %[z], %%xmm0\n\t"
                         "movapd %[z], %%xmm1\n\t"
                         "stmxcsr %[o]\n\t"
                         : [o] "=m"(out)
                         : [m] "m"(m), [x] "x"(x), [y] "x"(y), [z] "x"(z), [w] "x"(w)
                         : "xmm0", "xmm1", "cc");
        acc |= out << (i & 1);
    }
    printf("dead results %05x\n", acc);
    set_mxcsr(0x1f80);
}

/* Round down then back to nearest between operations of one block: each gives its mode's result. */
static void check_modes(void)
{
    uint64_t sum = 0;
    uint32_t mx = 0;

    for (int r = 0; r < 1000; r++) {
        double x = 1.0, y = 3.0, z = 1.0, w = 3.0;
        uint32_t down = 0x3f80, near = 0x1f80;

        __asm__ volatile("ldmxcsr %[down]\n\t"
                         "divsd %[y], %[x]\n\t"
                         "ldmxcsr %[near]\n\t"
                         "divsd %[w], %[z]\n\t"
                         : [x] "+x"(x), [z] "+x"(z)
                         : [y] "x"(y), [w] "x"(w), [down] "m"(down), [near] "m"(near));
        sum += ubits(x) * 3 + ubits(z);
        mx |= get_mxcsr();
    }
    printf("modes sum %016llx mxcsr %04x\n", (unsigned long long)sum, mx);
    set_mxcsr(0x1f80);
}

int main(void)
{
    check_stmxcsr();
    check_ldmxcsr();
    check_fxsave();
    check_syscall();
    check_signals();
    check_thread();
    check_modes();
    check_dead();
    return 0;
}
