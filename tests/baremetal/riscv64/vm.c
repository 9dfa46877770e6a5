/*
 * Sv39 translation from S mode (Privileged Spec 20211203 §4.3-4.4): a 1 GiB superpage
 * identity-maps the program, 4 KiB pages at 0x40000000 map one data page with different
 * permissions; loads, stores and their page faults (cause 13/15, tval = the virtual
 * address), hardware-set A and D bits, SUM for S-mode access to U pages, and the
 * translation taking effect only after satp is written and sfence.vma runs.
 */
#include "bm.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define SSTATUS_SUM (1ull << 18)
#define PTE(pa, flags) ((((uint64_t)(pa)) >> 12) << 10 | (flags))
#define VA_BASE 0x40000000ul

BmTrap bm_mtrap, bm_strap;
static uint64_t pt_root[512] __attribute__((aligned(4096)));
static uint64_t pt_l1[512] __attribute__((aligned(4096)));
static uint64_t pt_l0[512] __attribute__((aligned(4096)));
static volatile uint64_t data_page[512] __attribute__((aligned(4096)));

/* What the S-mode part saw, checked by main once back in M mode. */
static volatile uint64_t got_read, got_after_sum;
static volatile uint64_t faults[8][2];      /* cause, tval of each page fault in order */
static volatile unsigned n_faults;

uint64_t m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    bm_mtrap.cause = cause;
    bm_mtrap.tval = tval;
    bm_mtrap.count++;
    if (cause == 9) {
        csrs(mstatus, 3ull << 11);
        return (uint64_t)bm_s_return;
    }
    if ((cause == 12 || cause == 13 || cause == 15) && n_faults < 8) {
        faults[n_faults][0] = cause;
        faults[n_faults][1] = tval;
        n_faults++;
    }
    return epc + bm_insn_len(epc);
}

uint64_t s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    return epc + bm_insn_len(epc);
}

static void in_s_mode(void)
{
    volatile uint64_t *rw = (volatile uint64_t *)VA_BASE;
    volatile uint64_t *ro = (volatile uint64_t *)(VA_BASE + 0x1000);
    volatile uint64_t *none = (volatile uint64_t *)(VA_BASE + 0x2000);
    volatile uint64_t *user = (volatile uint64_t *)(VA_BASE + 0x3000);

    got_read = rw[1];               /* sets A */
    rw[2] = 0x5a5a;                 /* sets D */
    (void)ro[0];
    ro[0] = 1;                      /* store page fault */
    (void)none[0];                  /* load page fault */
    (void)user[0];                  /* S reading a U page without SUM: load page fault */
    csrs(sstatus, SSTATUS_SUM);
    got_after_sum = user[1];
    csrc(sstatus, SSTATUS_SUM);
    __asm__ volatile("ecall");
}

int main(void)
{
    data_page[1] = 0x1234;
    data_page[2] = 0;
    pt_root[2] = PTE(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    pt_root[1] = PTE(pt_l1, PTE_V);
    pt_l1[0] = PTE(pt_l0, PTE_V);
    pt_l0[0] = PTE(data_page, PTE_V | PTE_R | PTE_W);
    pt_l0[1] = PTE(data_page, PTE_V | PTE_R | PTE_A);
    pt_l0[3] = PTE(data_page, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);

    csrw(pmpaddr0, ~0ull >> 10);
    csrw(pmpcfg0, 0x1f);
    csrw(stvec, (uint64_t)s_vector);
    csrw(satp, (8ull << 60) | ((uint64_t)pt_root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    CHECK(csrr(satp) >> 60 == 8);

    bm_run_in_s(in_s_mode);

    CHECK(got_read == 0x1234);
    CHECK(data_page[2] == 0x5a5a);
    CHECK((pt_l0[0] & (PTE_A | PTE_D)) == (PTE_A | PTE_D));
    CHECK((pt_l0[1] & PTE_D) == 0);
    CHECK(n_faults == 3);
    CHECK(faults[0][0] == 15 && faults[0][1] == VA_BASE + 0x1000);
    CHECK(faults[1][0] == 13 && faults[1][1] == VA_BASE + 0x2000);
    CHECK(faults[2][0] == 13 && faults[2][1] == VA_BASE + 0x3000);
    CHECK(got_after_sum == 0x1234);
    return 0;
}
