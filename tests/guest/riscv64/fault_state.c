/*
 * fault_state.c - the register state a SIGSEGV handler sees for a faulting load or store
 * (fault_state.S) is the state just before that instruction: pc on the access, and
 * every register written before it in the same block.  Three kinds of bad address: an
 * unmapped page inside the address space, a PROT_NONE page, and an address far above
 * anything mapped (mimic rejects it before touching host memory).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest_check.h"

extern void fault_probe_load(uintptr_t addr, unsigned long seed);
extern void fault_probe_store(uintptr_t addr, unsigned long seed);

#define SEED 0x1000ul
extern char fault_load_insn[], fault_store_insn[];

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
    return gc_finish();
}
