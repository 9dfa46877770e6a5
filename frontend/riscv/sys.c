/*
 * System-mode configuration of a RISC-V hart and the GuestArch system hooks the
 * exec loop and boards call (see frontend/guest.h): reset (Privileged Spec
 * 20211203, §3.4), mode bits and MMU indexes (cpu.h), turning exits into traps,
 * taking interrupts, and the TLB refill's page walk.
 */
#include <string.h>

#include "frontend/riscv/internal.h"

void rv_cpu_reset(RvCpu *cpu)
{
    RvSysConfig cfg = cpu->cfg;
    GuestCpu common = cpu->common;

    /* Architectural state back to zero, except what belongs to the host side. */
    memset((uint8_t *)cpu + sizeof(GuestCpu), 0, sizeof(*cpu) - sizeof(GuestCpu));
    cpu->common = common;
    cpu->common.exit_kind = GUEST_EXIT_NONE;
    cpu->cfg = cfg;
    cpu->sys = true;
    cpu->res_addr = ~UINT64_C(0);
    cpu->frm = RV_RM_RNE;
    /* §3.4: M mode, MIE = 0, MPRV = 0; misa at its maximal setting; pc = reset vector. */
    cpu->priv = RV_PRIV_M;
    cpu->misa = RV_MISA_MXL_64 | cfg.misa_ext | RV_MISA_EXT('S') | RV_MISA_EXT('U');
    cpu->mstatus = (RV_XL_64 << 32) | (RV_XL_64 << 34);
    cpu->common.pc = cfg.reset_pc;
}

void rv_cpu_init_system(RvCpu *cpu, const RvSysConfig *cfg)
{
    cpu->cfg = *cfg;
    rv_cpu_reset(cpu);
}

unsigned rv_cpu_data_mmu_idx(const RvCpu *cpu)
{
    unsigned priv = cpu->priv;
    unsigned idx;

    if (!cpu->sys) {
        return 0;
    }
    /* §3.1.6.3: MPRV in M mode makes loads and stores use the privilege in MPP. */
    if (priv == RV_PRIV_M && (cpu->mstatus & RV_MSTATUS_MPRV)) {
        priv = (unsigned)((cpu->mstatus & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT);
    }
    if (priv == RV_PRIV_M) {
        return RV_MMU_IDX_M;
    }
    idx = priv == RV_PRIV_S ? RV_MMU_IDX_S : RV_MMU_IDX_U;
    if (priv == RV_PRIV_S && (cpu->mstatus & RV_MSTATUS_SUM)) {
        idx |= RV_MMU_IDX_SUM;
    }
    if (cpu->mstatus & RV_MSTATUS_MXR) {
        idx |= RV_MMU_IDX_MXR;
    }
    return idx;
}

unsigned rv_cpu_fetch_mmu_idx(const RvCpu *cpu)
{
    if (!cpu->sys) {
        return 0;
    }
    return cpu->priv == RV_PRIV_M ? RV_MMU_IDX_M : cpu->priv == RV_PRIV_S ? RV_MMU_IDX_S : RV_MMU_IDX_U;
}

uint32_t rv_cpu_mode_bits(const RvCpu *cpu)
{
    uint32_t bits;

    if (!cpu->sys) {
        return 0;
    }
    bits = RV_MODE_SYS | cpu->priv | rv_cpu_data_mmu_idx(cpu) << RV_MODE_IDX_SHIFT;
    if ((cpu->mstatus & RV_MSTATUS_FS) == 0) {
        bits |= RV_MODE_FS_OFF;
    }
    if (cpu->priv != RV_PRIV_M && (cpu->satp >> RV_SATP_MODE_SHIFT) != RV_SATP_MODE_BARE) {
        bits |= RV_MODE_PAGING;
    }
    return bits;
}

/* --- GuestArch hooks --- */

void rv_sys_reset(GuestCpu *gcpu)
{
    rv_cpu_reset((RvCpu *)gcpu);
}

uint64_t rv_sys_take_interrupt(GuestCpu *gcpu)
{
    RvCpu *cpu = (RvCpu *)gcpu;
    uint64_t cause;

    __atomic_fetch_and(&gcpu->exit_request, ~GUEST_REQ_INTERRUPT, __ATOMIC_SEQ_CST);
    cause = rv_cpu_pending_interrupt(cpu);
    if (cause != 0) {
        rv_cpu_do_trap(cpu, cause, 0);    /* mcause/scause: bit 63 set, so never 0 */
    }
    return cause;
}

/* The cause of a fault the lifted code or a bus reported without one: walk again to tell. */
static uint64_t rv_fault_cause(RvCpu *cpu, uint64_t vaddr, GuestAccess access)
{
    static const unsigned access_fault[] = {
        [GUEST_ACCESS_READ] = RV_EXC_LOAD_ACCESS,
        [GUEST_ACCESS_WRITE] = RV_EXC_STORE_ACCESS,
        [GUEST_ACCESS_EXEC] = RV_EXC_INSN_ACCESS,
    };
    unsigned idx = access == GUEST_ACCESS_EXEC ? rv_cpu_fetch_mmu_idx(cpu) : rv_cpu_data_mmu_idx(cpu);
    RvTranslation t;
    int cause = rv_mmu_translate(cpu, vaddr, access, idx, &t);

    /* The translation works: the physical access itself failed (no device there). */
    return cause >= 0 ? (uint64_t)cause : access_fault[access];
}

bool rv_sys_raise(GuestCpu *gcpu)
{
    RvCpu *cpu = (RvCpu *)gcpu;
    uint64_t aux = gcpu->exit_aux;
    GuestAccess access = (GuestAccess)(gcpu->exit_code & 3);
    uint64_t cause, tval = aux;

    switch ((GuestExitKind)gcpu->exit_kind) {
    case GUEST_EXIT_ILLEGAL:
        cause = RV_EXC_ILLEGAL_INSN;
        break;
    case GUEST_EXIT_BREAKPOINT:
        cause = RV_EXC_BREAKPOINT;
        tval = gcpu->pc;        /* §3.1.16: the address of the ebreak */
        break;
    case GUEST_EXIT_SYSCALL:
        cause = RV_EXC_ECALL_U + cpu->priv;     /* 8, 9 or 11 */
        tval = 0;
        break;
    case GUEST_EXIT_EXCEPTION:
        cause = (uint64_t)gcpu->exit_code;
        break;
    case GUEST_EXIT_MEM_FAULT:
        cause = rv_fault_cause(cpu, aux, access == GUEST_ACCESS_WRITE ? GUEST_ACCESS_WRITE : GUEST_ACCESS_READ);
        break;
    case GUEST_EXIT_FETCH_FAULT:
        cause = rv_fault_cause(cpu, aux, GUEST_ACCESS_EXEC);
        break;
    case GUEST_EXIT_MISALIGNED:
        cause = access == GUEST_ACCESS_WRITE ? RV_EXC_STORE_MISALIGNED :
                access == GUEST_ACCESS_EXEC ? RV_EXC_INSN_MISALIGNED : RV_EXC_LOAD_MISALIGNED;
        break;
    case GUEST_EXIT_NONE:
    case GUEST_EXIT_FPE:
    case GUEST_EXIT_HALT:
    case GUEST_EXIT_INTERRUPT:
    case GUEST_EXIT_SYNC_CODE:
    case GUEST_EXIT_SYNC_MODE:
    case GUEST_EXIT_TLB_FLUSH:
    case GUEST_EXIT_COUNT:
    default:
        return false;
    }
    rv_cpu_do_trap(cpu, cause, tval);
    gcpu->exit_kind = GUEST_EXIT_NONE;
    return true;
}

bool rv_sys_translate(GuestCpu *gcpu, GuestAddr vaddr, GuestAccess access, unsigned mmu_idx,
                      GuestTranslation *out)
{
    RvTranslation t;
    int cause = rv_mmu_translate((RvCpu *)gcpu, vaddr, access, mmu_idx, &t);

    if (cause >= 0) {
        out->exit_kind = GUEST_EXIT_EXCEPTION;
        out->exit_code = cause;
        out->exit_aux = vaddr;
        return false;
    }
    out->paddr = t.paddr;
    out->page_size = t.page_size;
    out->prot = t.prot;
    return true;
}

uint32_t rv_sys_mode_bits(const GuestCpu *gcpu)
{
    return rv_cpu_mode_bits((const RvCpu *)gcpu);
}

unsigned rv_sys_fetch_mmu_idx(const GuestCpu *gcpu)
{
    return rv_cpu_fetch_mmu_idx((const RvCpu *)gcpu);
}

bool rv_sys_wake_pending(const GuestCpu *gcpu)
{
    return rv_cpu_wake_pending((const RvCpu *)gcpu);
}

const char *rv_sys_mode_name(uint32_t mode_bits)
{
    static const char *const names[4] = { "U", "S", "H", "M" };
    return names[mode_bits & RV_MODE_PRIV_MASK];
}
