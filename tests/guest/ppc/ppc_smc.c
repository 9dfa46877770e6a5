/*
 * ppc_smc.c - self-modifying code on PowerPC: instruction words written into an RWX page,
 * made visible with dcbst/sync/icbi/isync (Book II 1.8, the sequence __builtin___clear_cache
 * emits), called, rewritten and called again; then a page made executable with mprotect
 * after being written (the JIT pattern).  A stale translation returns the old value.
 */
#include <stdint.h>
#include <sys/mman.h>
#include "guest_check.h"

#define LI(rt, v) (0x38000000u | (rt) << 21 | ((uint32_t)(v) & 0xffff))    /* addi rt,0,v */
#define ADDI(rt, ra, v) (0x38000000u | (rt) << 21 | (ra) << 16 | ((uint32_t)(v) & 0xffff))
#define BLR 0x4e800020u

typedef int (*Fn)(int);

static void sync_icache(void *p, size_t len)
{
    __builtin___clear_cache((char *)p, (char *)p + len);
}

static void test_rewrite(void)
{
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    gc_group("rewrite");
    if (!CHECK(code != MAP_FAILED)) {
        return;
    }
    Fn fn = (Fn)(void *)code;
    int sum = 0;
    for (int gen = 0; gen < 50; gen++) {
        code[0] = ADDI(3, 3, gen);          /* r3 += gen */
        code[1] = BLR;
        sync_icache(code, 8);
        sum += fn(1000) - 1000 == gen;
    }
    CHECK_EQ(sum, 50);
    /* Patch the instruction after the one running now: a second function in the page. */
    code[8] = LI(3, 1);
    code[9] = BLR;
    sync_icache(code + 8, 8);
    Fn fn2 = (Fn)(void *)(code + 8);
    CHECK_EQ(fn2(0), 1);
    code[8] = LI(3, 2);
    sync_icache(code + 8, 4);
    CHECK_EQ(fn2(0), 2);
    munmap(code, 4096);
}

static void test_mprotect(void)
{
    gc_group("mprotect");
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(code != MAP_FAILED)) {
        return;
    }
    for (int round = 1; round <= 3; round++) {
        CHECK_EQ(mprotect(code, 4096, PROT_READ | PROT_WRITE), 0);
        code[0] = LI(3, round * 11);
        code[1] = BLR;
        sync_icache(code, 8);
        CHECK_EQ(mprotect(code, 4096, PROT_READ | PROT_EXEC), 0);
        CHECK_EQ(((Fn)(void *)code)(0), round * 11);
    }
    munmap(code, 4096);
}

int main(void)
{
    test_rewrite();
    test_mprotect();
    return gc_finish();
}
