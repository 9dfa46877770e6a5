/*
 * Traps, their causes and tval (Privileged Spec 20211203 §3.1.15-3.1.16, §3.3.1), and
 * delegation: exceptions in M mode, then a U-mode ecall delegated to S (medeleg), then
 * back to M through an S-mode ecall.
 */
#include "bm.h"

BmTrap bm_mtrap, bm_strap;

uint64_t m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    bm_mtrap.cause = cause;
    bm_mtrap.epc = epc;
    bm_mtrap.tval = tval;
    bm_mtrap.count++;
    if (cause == 9) {
        /* The end of an excursion to S (bm_run_in_s): back in M mode. */
        csrs(mstatus, 3ull << 11);
        return (uint64_t)bm_s_return;
    }
    return epc + bm_insn_len(epc);
}

uint64_t s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    bm_strap.cause = cause;
    bm_strap.epc = epc;
    bm_strap.tval = tval;
    bm_strap.count++;
    if (cause == 8) {
        /* From U: finish in S with an ecall to M (cause 9, not delegated). */
        __asm__ volatile("ecall");
    }
    return epc + bm_insn_len(epc);
}

static void user_code(void)
{
    __asm__ volatile("ecall");
    for (;;) {
    }
}

static void supervisor_code(void)
{
    /* sret to U mode (SPP = 0) at user_code. */
    csrw(sepc, (uint64_t)user_code);
    csrc(sstatus, 1ull << 8);
    __asm__ volatile("sret");
}

int main(void)
{
    uint64_t before;

    /* ecall from M: cause 11, epc = the ecall. */
    before = bm_mtrap.count;
    __asm__ volatile("ecall");
    CHECK(bm_mtrap.count == before + 1 && bm_mtrap.cause == 11 && bm_mtrap.tval == 0);

    /* An illegal instruction: cause 2, tval = its bits. */
    __asm__ volatile(".4byte 0xffffffff");
    CHECK(bm_mtrap.cause == 2 && bm_mtrap.tval == 0xffffffff);

    /* ebreak: cause 3; tval is its pc (as on Spike) or zero (as on QEMU 7.2), both allowed by §3.1.16. */
    __asm__ volatile("ebreak");
    CHECK(bm_mtrap.cause == 3 && (bm_mtrap.tval == bm_mtrap.epc || bm_mtrap.tval == 0));

    /* Nothing at 0x40000000 on spike: access faults with the address in tval. */
    volatile uint64_t *hole = (volatile uint64_t *)0x40000000;
    (void)*hole;
    CHECK(bm_mtrap.cause == 5 && bm_mtrap.tval == 0x40000000);
    *hole = 1;
    CHECK(bm_mtrap.cause == 7 && bm_mtrap.tval == 0x40000000);

    /* A CSR that does not exist is illegal. */
    __asm__ volatile("csrr t0, 0x7ff" ::: "t0");
    CHECK(bm_mtrap.cause == 2);

    /* Delegation: U ecall to S; S ecall comes back to M. */
    csrw(medeleg, 1ull << 8);
    csrw(stvec, (uint64_t)s_vector);
    /* PMP: give S and U all memory (without an entry they may touch nothing). */
    csrw(pmpaddr0, ~0ull >> 10);
    csrw(pmpcfg0, 0x1f);        /* NAPOT, R W X */
    before = bm_mtrap.count;
    bm_run_in_s(supervisor_code);
    CHECK(bm_strap.count == 1 && bm_strap.cause == 8);
    CHECK(bm_mtrap.count == before + 1 && bm_mtrap.cause == 9);
    /* Back in M mode: M CSRs are accessible; mret left MPP at U, the lowest mode (§3.1.6.1). */
    before = bm_mtrap.count;
    (void)csrr(mscratch);
    CHECK(bm_mtrap.count == before);
    CHECK((csrr(mstatus) >> 11 & 3) == 0);
    return 0;
}
