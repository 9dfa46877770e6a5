/*
 * x86_loop_fault.c - a table-driven CRC loop (the shape of bench/hashing.c's) whose
 * scratch register ecx and flags are written every trip before they are read: the state
 * it leaves after its exit branch (ecx, and the flags through pushf, setc and adc), and
 * the state a fault at the loop's head sees (the load of the next byte hits an unmapped
 * page; the handler reads ecx, eax, edx and the flags the previous trip left).  mimic's
 * JIT keeps such slots in registers round the loop and stores them only at exits and
 * faults.  Printed and compared with the host's own run and qemu.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define EFL_ARITH 0x8d5u            /* CF PF AF ZF SF OF */

static uint32_t table[256];
static sigjmp_buf jb;
static volatile uint32_t f_eax, f_ecx, f_edx, f_efl, f_off;

extern char x86_loop_fault_head[];

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    const greg_t *gr = ((ucontext_t *)ucv)->uc_mcontext.gregs;

    (void)sig;
    (void)si;
    f_off = (uint32_t)((uintptr_t)gr[REG_EIP] - (uintptr_t)x86_loop_fault_head);
    f_eax = (uint32_t)gr[REG_EAX];
    f_ecx = (uint32_t)gr[REG_ECX];
    f_edx = (uint32_t)gr[REG_EDX];
    f_efl = (uint32_t)gr[REG_EFL] & EFL_ARITH;
    siglongjmp(jb, 1);
}

/* crc over [p, end): returns the crc; *ecx_out, *efl_out, *cf_out, *adc_out after the loop. */
static __attribute__((noinline)) uint32_t crc_loop(const uint8_t *p, const uint8_t *end, uint32_t crc,
                                                   uint32_t *ecx_out, uint32_t *efl_out,
                                                   uint32_t *cf_out, uint32_t *adc_out)
{
    uint32_t c = 0, efl, cf, adc = 7;

    __asm__ volatile("xor %[c], %[c]\n"
                     ".globl x86_loop_fault_head\n"
                     "x86_loop_fault_head:\n"
                     "   movzbl (%[p]), %[c]\n"
                     "   add $1, %[p]\n"
                     "   xor %[crc], %[c]\n"
                     "   shr $8, %[crc]\n"
                     "   movzbl %b[c], %[c]\n"
                     "   xor (%[t],%[c],4), %[crc]\n"
                     "   cmp %[p], %[end]\n"
                     "   jne x86_loop_fault_head\n"
                     "   pushf\n"
                     "   pop %[efl]\n"
                     "   setc %b[end]\n"
                     "   movzbl %b[end], %[end]\n"
                     "   adcl $0x10, %[adc]\n"
                     : [p] "+d"(p), [crc] "+a"(crc), [c] "=&c"(c), [efl] "=&S"(efl),
                       [end] "+b"(end), [adc] "+m"(adc)
                     : [t] "D"(table)
                     : "cc", "memory");
    cf = (uint32_t)(uintptr_t)end;
    *ecx_out = c;
    *efl_out = efl & EFL_ARITH;
    *cf_out = cf;
    *adc_out = adc;
    return crc;
}

int main(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
        }
        table[i] = c;
    }
    /* Two pages, the second one unmapped: the loop's head faults reading it. */
    uint8_t *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED || munmap(buf + 4096, 4096) != 0) {
        printf("mmap failed\n");
        return 1;
    }
    for (uint32_t i = 0; i < 4096; i++) {
        buf[i] = (uint8_t)(i * 131u + (i >> 5));
    }
    uint32_t sum = 0;
    /* Exits through the loop's branch with various lengths and data, many times over. */
    for (uint32_t r = 0; r < 2000; r++) {
        uint32_t ecx, efl, cf, adc;
        uint32_t len = 1 + (r * 37u) % 300, start = (r * 53u) % 3000;
        uint32_t crc = crc_loop(buf + start, buf + start + len, r * 0x9e3779b9u, &ecx, &efl, &cf, &adc);
        sum = sum * 31u + (crc ^ ecx ^ efl ^ cf ^ adc);
        if (r % 250 == 0) {
            printf("r %u len %u: crc %#x ecx %#x flags %#x cf %u adc %#x\n", r, len, crc, ecx, efl, cf,
                   adc);
        }
    }
    printf("sum %#x\n", sum);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    /* Faults after n trips, each run of the loop compiled by now. */
    static const uint32_t trips[] = { 1, 2, 3, 17, 255, 1000, 4095 };
    /* end - p at the last compare before the fault: the flags it leaves */
    static const uint32_t dist[] = { 1, 0x80, 0xff, 0x80000000u, 0xffff0000u, 0x7ffffff0u, 3 };
    for (unsigned k = 0; k < sizeof(trips) / sizeof(trips[0]); k++) {
        uint32_t ecx, efl, cf, adc;
        f_off = 0xffffffffu;
        if (sigsetjmp(jb, 1) == 0) {
            crc_loop(buf + 4096 - trips[k], (const uint8_t *)((uintptr_t)buf + 4096 + dist[k]), 0x12345678u * (k + 1), &ecx, &efl, &cf, &adc);
            printf("no fault after %u trips\n", trips[k]);
            return 1;
        } else {
            printf("fault after %u trips: at head+%u eax %#x ecx %#x edx-buf %#x flags %#x\n", trips[k],
                   f_off, f_eax, f_ecx, f_edx - (uint32_t)(uintptr_t)buf, f_efl);
        }
    }
    return 0;
}
