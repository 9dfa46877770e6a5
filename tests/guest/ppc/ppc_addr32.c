/*
 * ppc_addr32.c - effective addresses are 32 bits (Power ISA 2.06 Book I 1.10.3: in
 * 32-bit mode the high-order 32 bits of the sum are ignored).  D-form loads and stores
 * whose sum exists only as an address:
 *
 *   - rA + D passing 2^32 (rA = 0xffffc020, D = 0x7ff0), which must wrap to a page
 *     mapped at 0x4000, and rA - 0x7ff0 from just above it, which must not pass 2^32;
 *   - rA + 0x20000000 (addis into a register overwritten at once) plus D, up and down;
 *   - the same with stw, stfd and lfd;
 *   - a wrapping sum that lands on an unmapped page: SIGSEGV with si_addr the wrapped
 *     32-bit address (compared with qemu-ppc).
 *
 * Each case runs many times so the translated code, not only its first runs, is checked.
 * Expected values come from the buffer's own contents.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "guest_check.h"

#define REPS 64

static uint32_t buf[8] __attribute__((aligned(32)));
/* Read through a volatile so the compiler cannot make the address a constant. */
static volatile uint32_t opaque;

static uint32_t hide(uint32_t v)
{
    opaque = v;
    return opaque;
}

#define LOW_PAGE 0x4000u

/* lwz D(rA) with D = 0x7ff0 and -0x7ff0. */
static __attribute__((noinline)) uint32_t load_d_up(uint32_t base)
{
    uint32_t v;
    __asm__ volatile("lwz %0,0x7ff0(%1)" : "=r"(v) : "b"(base) : "memory");
    return v;
}

static __attribute__((noinline)) uint32_t load_d_down(uint32_t base)
{
    uint32_t v;
    __asm__ volatile("lwz %0,-0x7ff0(%1)" : "=r"(v) : "b"(base) : "memory");
    return v;
}

/* stw and stfd at D = 0x7ff0 and 0x7ff8, lfd back at 0x7ff8. */
static __attribute__((noinline)) void store_d_up(uint32_t base, uint32_t v, double d, double *back)
{
    __asm__ volatile("stw %1,0x7ff0(%0)\n"
                     "stfd %2,0x7ff8(%0)\n"
                     : : "b"(base), "r"(v), "d"(d) : "memory");
    __asm__ volatile("lfd %0,0x7ff8(%1)" : "=d"(*back) : "b"(base) : "memory");
}

/* lwz through up + 0x20000000 + 4 (addis into r9, which li then overwrites) and down - 0x20000000 - 4. */
static __attribute__((noinline)) void load_addis(uint32_t up, uint32_t down, uint32_t out[2])
{
    __asm__ volatile("addis 9,%2,0x2000\n"
                     "lwz %0,4(9)\n"
                     "addis 9,%3,-0x2000\n"
                     "lwz %1,-4(9)\n"
                     "li 9,0\n"
                     : "=&r"(out[0]), "=&r"(out[1]) : "b"(up), "b"(down) : "r9", "memory");
}

/* stw and stfd through wrapping sums, then lfd through one. */
static __attribute__((noinline)) void store_wrap(uint32_t base, uint32_t v, double d, double *back)
{
    __asm__ volatile("addis 9,%0,0x2000\n"
                     "stw %1,8(9)\n"
                     "li 9,0\n"
                     "addis 10,%0,0x2000\n"
                     "stfd %2,16(10)\n"
                     "li 10,0\n"
                     : : "b"(base), "r"(v), "d"(d) : "r9", "r10", "memory");
    __asm__ volatile("addis 9,%1,0x2000\n"
                     "lfd %0,16(9)\n"
                     "li 9,0\n"
                     : "=d"(*back) : "b"(base) : "r9", "memory");
}

static sigjmp_buf jb;
static volatile uintptr_t fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fault_addr = (uintptr_t)si->si_addr;
    siglongjmp(jb, 1);
}

/* lwz through 0xfffffff0 + 0x20 (page 0, never mapped): a fault at 0x10. */
static __attribute__((noinline)) uint32_t load_fault(uint32_t base)
{
    uint32_t v;
    __asm__ volatile("lwz %0,0x20(%1)" : "=r"(v) : "b"(base) : "memory");
    return v;
}

int main(void)
{
    uint32_t a = (uint32_t)(uintptr_t)buf;
    double back;

    for (int i = 0; i < 8; i++) {
        buf[i] = 0x10203040u * (uint32_t)(i + 1);
    }
    uint32_t *low = mmap((void *)(uintptr_t)LOW_PAGE, 4096, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    gc_group("d_form");
    CHECK_EQ((uintptr_t)low, LOW_PAGE);
    if (low != MAP_FAILED) {
        for (int i = 0; i < 8; i++) {
            low[i] = 0x0a0b0c0du * (uint32_t)(i + 3);
        }
        for (int i = 0; i < REPS; i++) {
            /* 0xffffc020 + 0x7ff0 = 2^32 + 0x4010: low[4] */
            CHECK_EQ(load_d_up(hide(LOW_PAGE + 0x10u - 0x7ff0u)), low[4]);
            /* 0xc000 - 0x7ff0 = 0x4010 */
            CHECK_EQ(load_d_down(hide(LOW_PAGE + 0x10u + 0x7ff0u)), low[4]);
        }
        for (int i = 0; i < REPS; i++) {
            double d = -2.25 - i;

            back = 0;
            store_d_up(hide(LOW_PAGE + 0x20u - 0x7ff0u), 0x5a000000u + (uint32_t)i, d, &back);
            CHECK_EQ(low[8], 0x5a000000u + (uint32_t)i);
            CHECK_EQ(gc_f64_bits(back), gc_f64_bits(d));
            CHECK_EQ(((uint64_t)low[10] << 32) | low[11], gc_f64_bits(d));
        }
    }
    gc_group("addis");
    for (int i = 0; i < REPS; i++) {
        uint32_t o[2];

        load_addis(hide(a - 0x20000000u), hide(a + 0x20000000u + 8), o);
        CHECK_EQ(o[0], buf[1]);
        CHECK_EQ(o[1], buf[1]);
    }
    gc_group("store_wrap");
    for (int i = 0; i < REPS; i++) {
        double d = 1.5 + i;

        back = 0;
        store_wrap(hide(a - 0x20000000u), 0xabc00000u + (uint32_t)i, d, &back);
        CHECK_EQ(buf[2], 0xabc00000u + (uint32_t)i);
        CHECK_EQ(gc_f64_bits(back), gc_f64_bits(d));
    }
    gc_group("fault");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    for (int i = 0; i < REPS; i++) {
        fault_addr = 0;
        if (sigsetjmp(jb, 1) == 0) {
            load_fault(hide(0xfffffff0u));
            CHECK(0);                   /* must not be reached */
        }
        if (i == 0) {
            printf("fault at %#lx\n", (unsigned long)fault_addr);
        }
        CHECK_EQ(fault_addr, 0x10u);
    }
    return gc_finish();
}
