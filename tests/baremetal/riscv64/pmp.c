/*
 * Physical memory protection (Privileged Spec 20211203 §3.7): NAPOT, NA4 and TOR
 * entries, R/W/X checked for S and U mode with access faults (cause 1, 5, 7; tval = the
 * address), the lowest-numbered matching entry deciding, a locked entry binding M mode
 * too and ignoring later writes to its pmpcfg byte and pmpaddr.
 */
#include "bm.h"

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_TOR 0x08
#define PMP_NA4 0x10
#define PMP_NAPOT 0x18
#define PMP_L 0x80
/* pmpaddr of a naturally aligned 4 KiB page: trailing ones encode the size (table 3.9). */
#define NAPOT_4K(p) ((((uint64_t)(p)) >> 2) | 0x1ff)

BmTrap bm_mtrap, bm_strap;
static volatile uint64_t locked_page[512] __attribute__((aligned(4096)));
static volatile uint64_t ro_page[512] __attribute__((aligned(4096)));
static volatile uint64_t none_page[512] __attribute__((aligned(4096)));
static volatile uint32_t nx_page[1024] __attribute__((aligned(4096)));
static volatile uint32_t na4_page[1024] __attribute__((aligned(4096)));

static volatile uint64_t faults[8][2];      /* cause, tval of each access fault in order */
static volatile unsigned n_faults;
static volatile uint64_t resume_pc;         /* where a fetch fault continues */
static volatile uint64_t s_read_ro;
static volatile uint32_t s_read_na4_next;

uint64_t m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    bm_mtrap.cause = cause;
    bm_mtrap.epc = epc;
    bm_mtrap.tval = tval;
    bm_mtrap.count++;
    if (cause == 9) {
        csrs(mstatus, 3ull << 11);
        return (uint64_t)bm_s_return;
    }
    if ((cause == 1 || cause == 5 || cause == 7) && n_faults < 8) {
        faults[n_faults][0] = cause;
        faults[n_faults][1] = tval;
        n_faults++;
    }
    if (cause == 1) {
        return resume_pc;
    }
    return epc + bm_insn_len(epc);
}

uint64_t s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    return epc + bm_insn_len(epc);
}

static void in_s_mode(void)
{
    s_read_ro = ro_page[3];         /* R: allowed */
    ro_page[3] = 7;                 /* no W: store access fault */
    (void)none_page[0];             /* no permissions: load access fault */
    none_page[0] = 1;               /* and store access fault */
    /* A word of the NA4 entry is writable, the next word falls to the TOR entry (R only). */
    na4_page[0] = 0x11;
    s_read_na4_next = na4_page[1];
    na4_page[1] = 0x22;             /* store access fault */
    /* Jump into a page without X: instruction access fault at its first byte. */
    __asm__ volatile("la t1, 1f\n"
                     "sd t1, 0(%0)\n"
                     "jalr %1\n"
                     "1:\n"
                     :: "r"(&resume_pc), "r"(nx_page) : "t1", "ra", "memory");
    __asm__ volatile("ecall");
}

int main(void)
{
    ro_page[3] = 0x3333;
    na4_page[1] = 0x4444;
    nx_page[0] = 0x00008067;        /* ret */

    csrw(pmpaddr0, NAPOT_4K(locked_page));
    csrw(pmpaddr1, NAPOT_4K(ro_page));
    csrw(pmpaddr2, NAPOT_4K(none_page));
    csrw(pmpaddr3, NAPOT_4K(nx_page));
    csrw(pmpaddr4, (uint64_t)na4_page >> 2);
    /* Entry 5 (TOR) covers [pmpaddr4, pmpaddr5): the rest of na4_page, read-only. */
    csrw(pmpaddr5, ((uint64_t)na4_page + 4096) >> 2);
    csrw(pmpaddr6, ~0ull >> 10);    /* everything else: R W X */
    csrw(pmpcfg0, (uint64_t)(PMP_NAPOT | PMP_R | PMP_L) << 0 |
                  (uint64_t)(PMP_NAPOT | PMP_R) << 8 |
                  (uint64_t)(PMP_NAPOT) << 16 |
                  (uint64_t)(PMP_NAPOT | PMP_R | PMP_W) << 24 |
                  (uint64_t)(PMP_NA4 | PMP_R | PMP_W) << 32 |
                  (uint64_t)(PMP_TOR | PMP_R) << 40 |
                  (uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 48);

    /* M mode ignores unlocked entries... */
    uint64_t before = bm_mtrap.count;
    ro_page[4] = 1;
    none_page[4] = 1;
    CHECK(bm_mtrap.count == before);
    /* ...but not a locked one: a store to the R-only locked page faults. */
    (void)locked_page[0];
    CHECK(bm_mtrap.count == before);
    locked_page[0] = 1;
    CHECK(bm_mtrap.count == before + 1 && bm_mtrap.cause == 7 &&
          bm_mtrap.tval == (uint64_t)&locked_page[0]);
    /* A locked entry's cfg byte and address ignore writes. */
    csrw(pmpaddr0, 0);
    CHECK(csrr(pmpaddr0) == NAPOT_4K(locked_page));
    csrc(pmpcfg0, PMP_L | PMP_R);
    CHECK((csrr(pmpcfg0) & 0xff) == (PMP_NAPOT | PMP_R | PMP_L));
    CHECK((csrr(pmpcfg0) >> 8 & 0xff) == (PMP_NAPOT | PMP_R));
    n_faults = 0;

    bm_run_in_s(in_s_mode);

    CHECK(s_read_ro == 0x3333 && ro_page[3] == 0x3333);
    CHECK(na4_page[0] == 0x11 && s_read_na4_next == 0x4444 && na4_page[1] == 0x4444);
    CHECK(n_faults == 5);
    CHECK(faults[0][0] == 7 && faults[0][1] == (uint64_t)&ro_page[3]);
    CHECK(faults[1][0] == 5 && faults[1][1] == (uint64_t)&none_page[0]);
    CHECK(faults[2][0] == 7 && faults[2][1] == (uint64_t)&none_page[0]);
    CHECK(faults[3][0] == 7 && faults[3][1] == (uint64_t)&na4_page[1]);
    CHECK(faults[4][0] == 1 && faults[4][1] == (uint64_t)nx_page);
    return 0;
}
