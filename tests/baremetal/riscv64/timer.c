/*
 * Interrupts through the CLINT (ACLINT spec: MSWI at 0x0, MTIMER mtimecmp at 0x4000 and
 * mtime at 0xbff8 on spike): a machine timer interrupt after a deadline, taken out of wfi,
 * and a machine software interrupt raised by writing msip; mcause has bit 63 set and the
 * interrupt number (7, 3); mepc is the interrupted instruction; enables are honoured.
 */
#include "bm.h"

#define CLINT 0x2000000ul
#define MSIP (*(volatile uint32_t *)(CLINT + 0x0))
#define MTIMECMP (*(volatile uint64_t *)(CLINT + 0x4000))
#define MTIME (*(volatile uint64_t *)(CLINT + 0xbff8))
#define MIP_MSIP (1u << 3)
#define MIP_MTIP (1u << 7)
#define MSTATUS_MIE (1u << 3)

BmTrap bm_mtrap, bm_strap;
static volatile uint64_t timer_at;

uint64_t m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    bm_mtrap.cause = cause;
    bm_mtrap.epc = epc;
    bm_mtrap.count++;
    if (cause == (CAUSE_INT | 7)) {
        timer_at = MTIME;
        MTIMECMP = ~0ull;           /* quiet again */
        return epc;                 /* interrupts resume at the interrupted instruction */
    }
    if (cause == (CAUSE_INT | 3)) {
        MSIP = 0;
        return epc;
    }
    return epc + bm_insn_len(epc);  /* an exception: not expected here */
}

uint64_t s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    return epc;
}

int main(void)
{
    /* mtime runs (10 MHz). */
    uint64_t t0 = MTIME;
    for (volatile int i = 0; i < 200000; i++) {
    }
    CHECK(MTIME > t0);

    /* A deadline 2 ms ahead; with MTIE and MIE set, wfi wakes and the handler runs. */
    MTIMECMP = ~0ull;
    csrs(mie, MIP_MTIP);
    uint64_t deadline = MTIME + 20000;
    MTIMECMP = deadline;
    csrs(mstatus, MSTATUS_MIE);
    uint64_t before = bm_mtrap.count;
    while (bm_mtrap.count == before) {
        __asm__ volatile("wfi");
    }
    csrc(mstatus, MSTATUS_MIE);
    CHECK(bm_mtrap.cause == (CAUSE_INT | 7));
    CHECK(timer_at >= deadline);
    CHECK((csrr(mip) & MIP_MTIP) == 0);

    /* Pending but disabled (MIE clear): no trap; enabling takes it at once. */
    MTIMECMP = 0;
    for (volatile int i = 0; i < 1000; i++) {
    }
    CHECK((csrr(mip) & MIP_MTIP) != 0);
    before = bm_mtrap.count;
    csrs(mstatus, MSTATUS_MIE);
    __asm__ volatile("nop");
    csrc(mstatus, MSTATUS_MIE);
    CHECK(bm_mtrap.count == before + 1 && bm_mtrap.cause == (CAUSE_INT | 7));

    /* Software interrupt: msip = 1 raises MSIP. */
    csrs(mie, MIP_MSIP);
    before = bm_mtrap.count;
    MSIP = 1;
    csrs(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 1000 && bm_mtrap.count == before; i++) {
    }
    csrc(mstatus, MSTATUS_MIE);
    CHECK(bm_mtrap.count == before + 1 && bm_mtrap.cause == (CAUSE_INT | 3));
    CHECK((csrr(mip) & MIP_MSIP) == 0);
    return 0;
}
