/*
 * Traps and interrupts in system mode (Privileged Spec 20211203): trap entry with
 * delegation (§3.1.8, §3.3.1, §4.1.1), xRET (§3.3.2), WFI (§3.3.3), sfence.vma's
 * checks (§4.2.1), interrupt priority and enables (§3.1.9), device interrupt lines
 * and the Sstc timer (stimecmp).
 *
 * mip has two writers: devices (any host thread, atomically, mip_hw) and the hart's
 * own CSR writes (mip_sw); everything that reads mip goes through rv_cpu_read_mip.
 */
#include <time.h>

#include "frontend/riscv/internal.h"

uint64_t rv_cpu_read_time(const RvCpu *cpu)
{
    if (cpu->cfg.read_time) {
        return cpu->cfg.read_time(cpu->cfg.time_opaque);
    }
    return helper_rv_rdtime(NULL);
}

uint64_t rv_cpu_read_mip(const RvCpu *cpu)
{
    uint64_t mip = __atomic_load_n(&cpu->mip_hw, __ATOMIC_ACQUIRE) | cpu->mip_sw;

    /* Sstc: with menvcfg.STCE, STIP is time >= stimecmp and nothing else. */
    if (cpu->menvcfg & RV_MENVCFG_STCE) {
        mip &= ~RV_MIP_STIP;
        if (rv_cpu_read_time(cpu) >= cpu->stimecmp) {
            mip |= RV_MIP_STIP;
        }
    }
    return mip;
}

uint64_t rv_cpu_sstc_deadline(const RvCpu *cpu)
{
    return (cpu->menvcfg & RV_MENVCFG_STCE) ? cpu->stimecmp : UINT64_MAX;
}

void rv_cpu_set_irq(RvCpu *cpu, unsigned mip_bit, bool level)
{
    uint64_t bit = UINT64_C(1) << mip_bit;

    if (level) {
        __atomic_fetch_or(&cpu->mip_hw, bit, __ATOMIC_SEQ_CST);
        __atomic_fetch_or(&cpu->common.exit_request, GUEST_REQ_INTERRUPT, __ATOMIC_SEQ_CST);
    } else {
        __atomic_fetch_and(&cpu->mip_hw, ~bit, __ATOMIC_SEQ_CST);
    }
}

/* Highest-priority interrupt in set (§3.1.9: MEI, MSI, MTI, SEI, SSI, STI), or 0. */
static uint64_t rv_irq_pick(uint64_t set)
{
    static const unsigned order[] = {
        RV_IRQ_MEI, RV_IRQ_MSI, RV_IRQ_MTI, RV_IRQ_SEI, RV_IRQ_SSI, RV_IRQ_STI,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
        if (set & (UINT64_C(1) << order[i])) {
            return RV_CAUSE_INTERRUPT | order[i];
        }
    }
    return 0;
}

/*
 * §3.1.9: an interrupt for M (not delegated) is enabled when running below M, or in M
 * with mstatus.MIE; one delegated to S when running in U, or in S with mstatus.SIE,
 * and never in M.  Interrupts for the higher level go first.
 */
uint64_t rv_cpu_pending_interrupt(const RvCpu *cpu)
{
    uint64_t pending = rv_cpu_read_mip(cpu) & cpu->mie;
    uint64_t m_set = pending & ~cpu->mideleg;
    uint64_t s_set = pending & cpu->mideleg;
    bool m_on = cpu->priv < RV_PRIV_M || (cpu->mstatus & RV_MSTATUS_MIE);
    bool s_on = cpu->priv < RV_PRIV_S || (cpu->priv == RV_PRIV_S && (cpu->mstatus & RV_MSTATUS_SIE));

    if (m_on && m_set) {
        return rv_irq_pick(m_set);
    }
    if (s_on && s_set) {
        return rv_irq_pick(s_set);
    }
    return 0;
}

/* WFI wakes on any locally enabled pending interrupt, whatever the global enables (§3.3.3). */
bool rv_cpu_wake_pending(const RvCpu *cpu)
{
    return (rv_cpu_read_mip(cpu) & cpu->mie) != 0;
}

static uint64_t rv_trap_target(uint64_t tvec, uint64_t cause)
{
    uint64_t base = tvec & ~UINT64_C(3);

    /* Vectored mode: interrupts go to base + 4 * cause, exceptions to base (§3.1.7). */
    if ((tvec & 3) == 1 && (cause & RV_CAUSE_INTERRUPT)) {
        return base + 4 * (cause & ~RV_CAUSE_INTERRUPT);
    }
    return base;
}

void rv_cpu_do_trap(RvCpu *cpu, uint64_t cause, uint64_t tval)
{
    uint64_t code = cause & ~RV_CAUSE_INTERRUPT;
    uint64_t deleg = (cause & RV_CAUSE_INTERRUPT) ? cpu->mideleg : cpu->medeleg;
    uint64_t pc = cpu->common.pc;
    uint64_t ms = cpu->mstatus;

    /* A reservation does not survive a trap (an SC may always fail). */
    cpu->res_addr = ~UINT64_C(0);
    /* §3.1.8: traps from S or U whose bit is set in xdeleg go to S; M traps stay in M. */
    if (cpu->priv <= RV_PRIV_S && code < 64 && ((deleg >> code) & 1)) {
        cpu->scause = cause;
        cpu->sepc = pc;
        cpu->stval = tval;
        ms = (ms & ~RV_MSTATUS_SPIE) | ((ms & RV_MSTATUS_SIE) ? RV_MSTATUS_SPIE : 0);
        ms &= ~RV_MSTATUS_SIE;
        ms = (ms & ~RV_MSTATUS_SPP) | (cpu->priv == RV_PRIV_S ? RV_MSTATUS_SPP : 0);
        cpu->mstatus = ms;
        cpu->priv = RV_PRIV_S;
        cpu->common.pc = rv_trap_target(cpu->stvec, cause);
        return;
    }
    cpu->mcause = cause;
    cpu->mepc = pc;
    cpu->mtval = tval;
    ms = (ms & ~RV_MSTATUS_MPIE) | ((ms & RV_MSTATUS_MIE) ? RV_MSTATUS_MPIE : 0);
    ms &= ~RV_MSTATUS_MIE;
    ms = (ms & ~RV_MSTATUS_MPP) | ((uint64_t)cpu->priv << RV_MSTATUS_MPP_SHIFT);
    cpu->mstatus = ms;
    cpu->priv = RV_PRIV_M;
    cpu->common.pc = rv_trap_target(cpu->mtvec, cause);
}

/* --- xRET, WFI, SFENCE.VMA (helpers called by trans_priv.c) --- */

static void rv_request_if_pending(RvCpu *cpu)
{
    if (rv_cpu_pending_interrupt(cpu) != 0) {
        __atomic_fetch_or(&cpu->common.exit_request, GUEST_REQ_INTERRUPT, __ATOMIC_SEQ_CST);
    }
}

/*
 * mret (§3.3.2): privilege <- MPP, MIE <- MPIE, MPIE <- 1, MPP <- U (the least privileged
 * mode), MPRV <- 0 when the new privilege is not M; pc <- mepc.  False when not in M.
 */
bool rv_cpu_mret(RvCpu *cpu)
{
    uint64_t ms = cpu->mstatus;
    unsigned mpp = (unsigned)((ms & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT);

    if (cpu->priv != RV_PRIV_M) {
        return false;
    }
    ms = (ms & ~RV_MSTATUS_MIE) | ((ms & RV_MSTATUS_MPIE) ? RV_MSTATUS_MIE : 0);
    ms |= RV_MSTATUS_MPIE;
    ms &= ~RV_MSTATUS_MPP;
    if (mpp != RV_PRIV_M) {
        ms &= ~RV_MSTATUS_MPRV;
    }
    cpu->mstatus = ms;
    cpu->priv = mpp;
    cpu->common.pc = cpu->mepc & ((cpu->misa & RV_MISA_EXT('C')) ? ~UINT64_C(1) : ~UINT64_C(3));
    return true;
}

/*
 * sret (§3.3.2): privilege <- SPP, SIE <- SPIE, SPIE <- 1, SPP <- U, MPRV <- 0 (the new
 * privilege is never M); pc <- sepc.  Illegal in U, and in S when mstatus.TSR is set.
 */
bool rv_cpu_sret(RvCpu *cpu)
{
    uint64_t ms = cpu->mstatus;

    if (cpu->priv == RV_PRIV_U || (cpu->priv == RV_PRIV_S && (ms & RV_MSTATUS_TSR))) {
        return false;
    }
    cpu->priv = (ms & RV_MSTATUS_SPP) ? RV_PRIV_S : RV_PRIV_U;
    ms = (ms & ~RV_MSTATUS_SIE) | ((ms & RV_MSTATUS_SPIE) ? RV_MSTATUS_SIE : 0);
    ms |= RV_MSTATUS_SPIE;
    ms &= ~(RV_MSTATUS_SPP | RV_MSTATUS_MPRV);
    cpu->mstatus = ms;
    cpu->common.pc = cpu->sepc & ((cpu->misa & RV_MISA_EXT('C')) ? ~UINT64_C(1) : ~UINT64_C(3));
    return true;
}

/* mret/sret: the new pc and privilege are dynamic, so leave to C from here. */
void helper_rv_mret(void *opaque, uint32_t insn)
{
    RvCpu *cpu = opaque;

    if (!rv_cpu_mret(cpu)) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_ILLEGAL, 0, insn);
    }
    rv_request_if_pending(cpu);
    guest_cpu_exit(&cpu->common, GUEST_EXIT_SYNC_MODE, 0, 0);
}

void helper_rv_sret(void *opaque, uint32_t insn)
{
    RvCpu *cpu = opaque;

    if (!rv_cpu_sret(cpu)) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_ILLEGAL, 0, insn);
    }
    rv_request_if_pending(cpu);
    guest_cpu_exit(&cpu->common, GUEST_EXIT_SYNC_MODE, 0, 0);
}

/*
 * wfi (§3.3.3): illegal in U mode and, with mstatus.TW, in S mode (this hart's time
 * limit is zero, as on QEMU).  Halts (GUEST_EXIT_HALT, resume at pc + 4) unless an
 * interrupt is already pending; then it is a nop.
 */
void helper_rv_wfi(void *opaque, uint32_t insn)
{
    RvCpu *cpu = opaque;

    if (cpu->priv == RV_PRIV_U || (cpu->priv == RV_PRIV_S && (cpu->mstatus & RV_MSTATUS_TW))) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_ILLEGAL, 0, insn);
    }
    if (!rv_cpu_wake_pending(cpu)) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_HALT, 4, 0);
    }
}

/* sfence.vma (§4.2.1): illegal in U mode, and in S mode when mstatus.TVM is set. */
void helper_rv_sfence_vma(void *opaque, uint32_t insn)
{
    RvCpu *cpu = opaque;

    if (cpu->priv == RV_PRIV_U || (cpu->priv == RV_PRIV_S && (cpu->mstatus & RV_MSTATUS_TVM))) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_ILLEGAL, 0, insn);
    }
}
