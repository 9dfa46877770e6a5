/*
 * fault_state.c - the register state a SIGSEGV handler sees for a faulting load or store
 * (fault_state.S) is the state just before that instruction: pc on the access, and
 * every register written before it in the same block.  Three kinds of bad address: an
 * unmapped page inside the address space, a PROT_NONE page, and an address far above
 * anything mapped (mimic rejects it before touching host memory).  Then accesses at a
 * negative displacement whose base is in range but the sum is not (below address 0), and
 * one whose base is out of range but the sum is not (the top of the stack).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest_check.h"

extern void fault_probe_load(uintptr_t addr, unsigned long seed);
extern void fault_probe_store(uintptr_t addr, unsigned long seed);
extern void fault_probe_disp(uintptr_t base, unsigned long seed);
extern uint64_t disp_read(uintptr_t base);

#define SEED 0x1000ul
extern char fault_load_insn[], fault_store_insn[], fault_disp_insn[];

static volatile unsigned long seen[32];
static volatile uintptr_t seen_addr;

static void on_segv(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    (void)sig;
    for (int i = 0; i < 32; i++) {
        seen[i] = uc->uc_mcontext.__gregs[i];     /* [0] is the pc */
    }
    seen_addr = (uintptr_t)si->si_addr;
    uc->uc_mcontext.__gregs[0] += 4;              /* skip the access and carry on */
}

static void check_load(const char *what, uintptr_t addr)
{
    gc_group(what);
    memset((void *)seen, 0, sizeof(seen));
    fault_probe_load(addr, SEED);
    CHECK_EQ(seen[0], (uintptr_t)fault_load_insn);
    CHECK_EQ(seen_addr, addr);
    CHECK_EQ(seen[10], addr);                       /* a0 */
    CHECK_EQ(seen[11], SEED);                       /* a1 */
    CHECK_EQ(seen[5], SEED + 0x111);                /* t0 */
    CHECK_EQ(seen[6], SEED ^ 0x222);                /* t1 */
    CHECK_EQ(seen[7], SEED - 7);                    /* t2 */
    CHECK_EQ(seen[12], (SEED ^ 0x222) << 4);        /* a2 */
    CHECK_EQ(seen[13], (SEED + 0x111) ^ ((SEED ^ 0x222) << 4));    /* a3 */
}

static void check_store(const char *what, uintptr_t addr)
{
    gc_group(what);
    memset((void *)seen, 0, sizeof(seen));
    fault_probe_store(addr, SEED);
    CHECK_EQ(seen[0], (uintptr_t)fault_store_insn);
    CHECK_EQ(seen_addr, addr + 8);
    CHECK_EQ(seen[5], SEED + 0x151);
    CHECK_EQ(seen[6], SEED ^ 0x262);
    CHECK_EQ(seen[7], SEED - 9);
    CHECK_EQ(seen[12], (SEED ^ 0x262) << 8);
    CHECK_EQ(seen[13], (SEED + 0x151) ^ ((SEED ^ 0x262) << 8));
    CHECK_EQ(seen[14], SEED + 0x77);                /* a4 */
}

static void check_disp(const char *what, uintptr_t base)
{
    gc_group(what);
    memset((void *)seen, 0, sizeof(seen));
    fault_probe_disp(base, SEED);
    CHECK_EQ(seen[0], (uintptr_t)fault_disp_insn);
    CHECK_EQ(seen_addr, base - 16);
    CHECK_EQ(seen[10], base);
    CHECK_EQ(seen[5], SEED + 0x111);
}

/*
 * The last doubleword of the stack, read through a base 8 bytes past its end: under mimic
 * the stack ends where the guest range does, so the base fails the range check and the
 * access must still happen (the cold path rechecks base + disp).
 */
static void check_stack_top(void)
{
    uintptr_t end = 0;
    char line[256];
    FILE *f = fopen("/proc/self/maps", "r");

    gc_group("load at the stack top via a base past it");
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        unsigned long lo, hi;
        if (strstr(line, "[stack]") != NULL && sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
            end = hi;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    CHECK_EQ(end != 0, 1);
    if (end != 0) {
        volatile uint64_t *top = (volatile uint64_t *)(end - 8);
        uint64_t old = *top;
        *top = 0x0123456789abcdefull;
        CHECK_EQ(disp_read(end + 8), 0x0123456789abcdefull);
        *top = old;
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        return 2;
    }
    munmap(m + page, page);                         /* a hole */
    mprotect(m + 2 * page, page, PROT_NONE);
    check_load("load unmapped", (uintptr_t)(m + page + 64));
    check_store("store unmapped", (uintptr_t)(m + page + 64));
    check_load("load prot_none", (uintptr_t)(m + 2 * page));
    check_store("store prot_none", (uintptr_t)(m + 2 * page));
    /* Far above any mapping: sv39 user space ends at 2^38. */
    check_load("load far", (uintptr_t)1 << 45);
    check_store("store far", (uintptr_t)1 << 45);
    check_disp("load below address 0", 8);
    check_disp("load below address 0, base 0", 0);
    check_disp("load below 2^45", ((uintptr_t)1 << 45) + 8);
    check_stack_top();
    return gc_finish();
}
