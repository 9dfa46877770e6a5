/*
 * Sv48 translation (Privileged Spec 20211203 §4.5) and the permission rules Sv39 shares
 * with it (§4.3.2): a 4-level walk, a misaligned 2 MiB megapage (page fault), an
 * execute-only page readable only with MXR, S mode fetching from a U page (instruction
 * page fault), U mode touching an S page (load page fault), a PTE with W but not R
 * (reserved: page fault), and satp ignoring a write of an unsupported mode.
 */
#include "bm.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define SSTATUS_MXR (1ull << 19)
#define PTE(pa, flags) ((((uint64_t)(pa)) >> 12) << 10 | (flags))
/* Above 2^38: only reachable through Sv48's fourth level. */
#define VA_BASE 0x8000000000ul
#define VA_XONLY (VA_BASE + 0x0000)
#define VA_UCODE (VA_BASE + 0x1000)
#define VA_SDATA (VA_BASE + 0x2000)
#define VA_WONLY (VA_BASE + 0x3000)
#define VA_MEGA 0x8000200000ul      /* a 2 MiB megapage whose PPN is not 2 MiB aligned */

BmTrap bm_mtrap, bm_strap;
static uint64_t pt_l3[512] __attribute__((aligned(4096)));
static uint64_t pt_l2[512] __attribute__((aligned(4096)));
static uint64_t pt_l2_hi[512] __attribute__((aligned(4096)));
static uint64_t pt_l1[512] __attribute__((aligned(4096)));
static uint64_t pt_l0[512] __attribute__((aligned(4096)));
static volatile uint64_t data_page[512] __attribute__((aligned(4096)));
static volatile uint32_t ucode_page[1024] __attribute__((aligned(4096)));

static volatile uint64_t faults[8][2];      /* cause, tval of each page fault in order */
static volatile unsigned n_faults;
static volatile uint64_t resume_pc;
static volatile uint64_t read_mxr;
static void s_finish(void);

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
    if (cause == 12) {
        return resume_pc;
    }
    if (cause == 8) {
        /* U mode is done: finish in S, which ecalls to M. */
        csrc(mstatus, 3ull << 11);
        csrs(mstatus, 1ull << 11);
        return (uint64_t)s_finish;
    }
    return epc + bm_insn_len(epc);
}

uint64_t s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    return epc + bm_insn_len(epc);
}


static void in_s_mode(void)
{
    (void)*(volatile uint64_t *)VA_XONLY;       /* X without R: load page fault */
    csrs(sstatus, SSTATUS_MXR);
    read_mxr = *(volatile uint64_t *)VA_XONLY;  /* MXR makes X readable */
    csrc(sstatus, SSTATUS_MXR);
    (void)*(volatile uint64_t *)VA_WONLY;       /* W without R is reserved */
    (void)*(volatile uint64_t *)VA_MEGA;        /* misaligned megapage */
    /* S fetching from a U page: instruction page fault (SUM does not apply to fetches). */
    __asm__ volatile("la t1, 1f\n"
                     "sd t1, 0(%0)\n"
                     "jalr %1\n"
                     "1:\n"
                     :: "r"(&resume_pc), "r"(VA_UCODE) : "t1", "ra", "memory");
    /* Now to U mode (SPP = 0), at the U page's code, which loads from an S page. */
    csrc(sstatus, 1ull << 8);
    __asm__ volatile("mv a0, %0\n"
                     "csrw sepc, %1\n"
                     "sret\n"
                     :: "r"(VA_SDATA), "r"(VA_UCODE + 16) : "a0", "memory");
}

/* Back from U mode (through M): end the S excursion. */
static void s_finish(void)
{
    __asm__ volatile("ecall");
}

int main(void)
{
    data_page[0] = 0x77;
    ucode_page[0] = 0x00008067;     /* ret */
    ucode_page[4] = 0x00053283;     /* ld t0, 0(a0): an S page from U, load page fault */
    ucode_page[5] = 0x00000073;     /* ecall */

    /* satp ignores a write of a mode it does not support (57-bit Sv57 is mode 10). */
    csrw(satp, 0);
    csrw(satp, 15ull << 60);
    CHECK(csrr(satp) >> 60 == 0);

    /* Identity map of RAM: a 1 GiB gigapage under the Sv48 root. */
    pt_l3[0] = PTE(pt_l2, PTE_V);
    pt_l2[2] = PTE(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    /* VA_BASE = 2^39: level-3 index 1, then index 0 at levels 2, 1 and 0. */
    pt_l3[1] = PTE(pt_l2_hi, PTE_V);
    pt_l2_hi[0] = PTE(pt_l1, PTE_V);
    pt_l1[0] = PTE(pt_l0, PTE_V);
    pt_l0[0] = PTE(data_page, PTE_V | PTE_X | PTE_A);
    pt_l0[1] = PTE(ucode_page, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
    pt_l0[2] = PTE(data_page, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    pt_l0[3] = PTE(data_page, PTE_V | PTE_W | PTE_A | PTE_D);
    pt_l1[1] = PTE(0x80001000ul, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);

    csrw(pmpaddr0, ~0ull >> 10);
    csrw(pmpcfg0, 0x1f);
    csrw(stvec, (uint64_t)s_vector);
    csrw(satp, (9ull << 60) | ((uint64_t)pt_l3 >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    CHECK(csrr(satp) >> 60 == 9);

    bm_run_in_s(in_s_mode);

    CHECK(read_mxr == 0x77);
    CHECK(n_faults == 5);
    CHECK(faults[0][0] == 13 && faults[0][1] == VA_XONLY);
    CHECK(faults[1][0] == 13 && faults[1][1] == VA_WONLY);
    CHECK(faults[2][0] == 13 && faults[2][1] == VA_MEGA);
    CHECK(faults[3][0] == 12 && faults[3][1] == VA_UCODE);
    CHECK(faults[4][0] == 13 && faults[4][1] == VA_SDATA);
    return 0;
}
