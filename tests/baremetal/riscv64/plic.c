/*
 * External interrupts on virt: the NS16550A UART's transmitter-empty interrupt (source
 * 10) through the PLIC (priority, pending bits, per-context enables, threshold,
 * claim/complete) to M mode (context 0, MEIP: cause 11) and, delegated with mideleg, to
 * S mode (context 1, SEIP: cause 9).
 */
#include "bm.h"

#define PLIC 0xc000000ul
#define PLIC_PRIORITY(id) (*(volatile uint32_t *)(PLIC + 4 * (id)))
#define PLIC_PENDING (*(volatile uint32_t *)(PLIC + 0x1000))
#define PLIC_ENABLE(ctx) (*(volatile uint32_t *)(PLIC + 0x2000 + 0x80 * (ctx)))
#define PLIC_THRESHOLD(ctx) (*(volatile uint32_t *)(PLIC + 0x200000 + 0x1000 * (ctx)))
#define PLIC_CLAIM(ctx) (*(volatile uint32_t *)(PLIC + 0x200004 + 0x1000 * (ctx)))
#define UART_IER (*(volatile uint8_t *)0x10000001ul)
#define UART_IRQ 10
#define IER_THRE 0x02
#define MIP_SEIP (1u << 9)
#define MIP_MEIP (1u << 11)
#define MSTATUS_MIE (1u << 3)
#define SSTATUS_SIE (1u << 1)

BmTrap bm_mtrap, bm_strap;
static volatile uint32_t m_claimed, s_claimed;

uint64_t m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    bm_mtrap.cause = cause;
    bm_mtrap.epc = epc;
    bm_mtrap.count++;
    if (cause == 9) {
        csrs(mstatus, 3ull << 11);
        return (uint64_t)bm_s_return;
    }
    if (cause == (CAUSE_INT | 11)) {
        /* Quiet the source before completing, or its level makes it pending again. */
        m_claimed = PLIC_CLAIM(0);
        UART_IER = 0;
        PLIC_CLAIM(0) = m_claimed;
        return epc;
    }
    return epc + bm_insn_len(epc);
}

uint64_t s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    bm_strap.cause = cause;
    bm_strap.count++;
    if (cause == (CAUSE_INT | 9)) {
        s_claimed = PLIC_CLAIM(1);
        UART_IER = 0;
        PLIC_CLAIM(1) = s_claimed;
        return epc;
    }
    return epc + bm_insn_len(epc);
}

static void in_s_mode(void)
{
    csrs(sie, MIP_SEIP);
    csrs(sstatus, SSTATUS_SIE);
    UART_IER = IER_THRE;            /* the transmitter is empty: the line goes high */
    for (volatile int i = 0; i < 100000 && bm_strap.count == 0; i++) {
    }
    csrc(sstatus, SSTATUS_SIE);
    __asm__ volatile("ecall");
}

int main(void)
{
    PLIC_PRIORITY(UART_IRQ) = 1;
    PLIC_THRESHOLD(0) = 1;          /* priority 1 does not exceed threshold 1: masked */
    PLIC_ENABLE(0) = 1u << UART_IRQ;
    csrs(mie, MIP_MEIP);
    csrs(mstatus, MSTATUS_MIE);

    UART_IER = IER_THRE;
    for (volatile int i = 0; i < 1000; i++) {
    }
    CHECK(bm_mtrap.count == 0);
    CHECK(PLIC_PENDING & (1u << UART_IRQ));
    CHECK((csrr(mip) & MIP_MEIP) == 0);

    /* Lowering the threshold lets it through: claim gives the source, complete ends it. */
    PLIC_THRESHOLD(0) = 0;
    for (volatile int i = 0; i < 100000 && bm_mtrap.count == 0; i++) {
    }
    CHECK(bm_mtrap.count == 1 && bm_mtrap.cause == (CAUSE_INT | 11));
    CHECK(m_claimed == UART_IRQ);
    CHECK((PLIC_PENDING & (1u << UART_IRQ)) == 0);
    CHECK(PLIC_CLAIM(0) == 0);      /* nothing else pending */

    /* Disabled in context 0: the source goes to context 1, S mode, with mideleg. */
    csrc(mstatus, MSTATUS_MIE);
    PLIC_ENABLE(0) = 0;
    PLIC_ENABLE(1) = 1u << UART_IRQ;
    PLIC_THRESHOLD(1) = 0;
    csrw(mideleg, MIP_SEIP);
    csrw(stvec, (uint64_t)s_vector);
    csrw(pmpaddr0, ~0ull >> 10);
    csrw(pmpcfg0, 0x1f);
    bm_run_in_s(in_s_mode);
    CHECK(bm_strap.count == 1 && bm_strap.cause == (CAUSE_INT | 9));
    CHECK(s_claimed == UART_IRQ);
    CHECK(bm_mtrap.count == 2 && bm_mtrap.cause == 9);
    return 0;
}
