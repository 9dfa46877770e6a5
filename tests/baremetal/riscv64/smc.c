/*
 * Self-modifying code under Sv39, from S mode: code written through a second (RW)
 * mapping of the same physical page runs after fence.i; so does code written through
 * the identity mapping; a PTE pointed at another physical page runs that page's code
 * after sfence.vma -- translations are keyed by physical page, not by virtual address.
 */
#include "bm.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE(pa, flags) ((((uint64_t)(pa)) >> 12) << 10 | (flags))
#define VA_CODE 0x40000000ul        /* code_a, R X */
#define VA_ALIAS 0x40001000ul       /* code_a again, R W */
#define VA_SWAP 0x40002000ul        /* code_b, later code_c */

BmTrap bm_mtrap, bm_strap;
static uint64_t pt_root[512] __attribute__((aligned(4096)));
static uint64_t pt_l1[512] __attribute__((aligned(4096)));
static uint64_t pt_l0[512] __attribute__((aligned(4096)));
static volatile uint32_t code_a[1024] __attribute__((aligned(4096)));
static volatile uint32_t code_b[1024] __attribute__((aligned(4096)));
static volatile uint32_t code_c[1024] __attribute__((aligned(4096)));
static volatile uint64_t results[8];

uint64_t m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    bm_mtrap.cause = cause;
    bm_mtrap.count++;
    if (cause == 9) {
        csrs(mstatus, 3ull << 11);
        return (uint64_t)bm_s_return;
    }
    return epc + bm_insn_len(epc);
}

uint64_t s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    return epc + bm_insn_len(epc);
}

/* "li a0, value; ret" at p. */
static void put_code(volatile uint32_t *p, int value)
{
    p[0] = ((uint32_t)value << 20) | (10u << 7) | 0x13;
    p[1] = 0x00008067;
}

static uint64_t call(uint64_t va)
{
    return ((uint64_t(*)(void))va)();
}

static void in_s_mode(void)
{
    volatile uint32_t *alias = (volatile uint32_t *)VA_ALIAS;

    put_code(alias, 1);
    __asm__ volatile("fence.i" ::: "memory");
    results[0] = call(VA_CODE);
    /* Rewritten after it has run (and been translated). */
    put_code(alias, 2);
    __asm__ volatile("fence.i" ::: "memory");
    results[1] = call(VA_CODE);
    /* Through the identity mapping of the same physical page. */
    put_code(code_a, 5);
    __asm__ volatile("fence.i" ::: "memory");
    results[2] = call(VA_CODE);
    /* The same virtual page pointed at another physical page. */
    results[3] = call(VA_SWAP);
    pt_l0[2] = PTE(code_c, PTE_V | PTE_R | PTE_X | PTE_A);
    __asm__ volatile("sfence.vma" ::: "memory");
    results[4] = call(VA_SWAP);
    /* And back: the first page's translation is still right. */
    pt_l0[2] = PTE(code_b, PTE_V | PTE_R | PTE_X | PTE_A);
    __asm__ volatile("sfence.vma" ::: "memory");
    results[5] = call(VA_SWAP);
    /* A loop rewriting the code it calls each time round. */
    uint64_t sum = 0;
    for (int i = 0; i < 50; i++) {
        put_code(alias, i);
        __asm__ volatile("fence.i" ::: "memory");
        sum += call(VA_CODE);
    }
    results[6] = sum;
    __asm__ volatile("ecall");
}

int main(void)
{
    put_code(code_b, 3);
    put_code(code_c, 4);
    pt_root[2] = PTE(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    pt_root[1] = PTE(pt_l1, PTE_V);
    pt_l1[0] = PTE(pt_l0, PTE_V);
    pt_l0[0] = PTE(code_a, PTE_V | PTE_R | PTE_X | PTE_A);
    pt_l0[1] = PTE(code_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    pt_l0[2] = PTE(code_b, PTE_V | PTE_R | PTE_X | PTE_A);

    csrw(pmpaddr0, ~0ull >> 10);
    csrw(pmpcfg0, 0x1f);
    csrw(stvec, (uint64_t)s_vector);
    csrw(satp, (8ull << 60) | ((uint64_t)pt_root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");

    bm_run_in_s(in_s_mode);

    CHECK(bm_mtrap.cause == 9);
    CHECK(results[0] == 1);
    CHECK(results[1] == 2);
    CHECK(results[2] == 5);
    CHECK(results[3] == 3);
    CHECK(results[4] == 4);
    CHECK(results[5] == 3);
    CHECK(results[6] == 49 * 50 / 2);
    return 0;
}
