/*
 * The 32-bit PowerPC guest description: register table (names as GDB and objdump
 * print them), reset state, the architected XER/CR views and Book III-E interrupt
 * entry for system mode.
 */
#include "frontend/ppc/internal.h"

#define EM_PPC_NUM 20
#define ELFCLASS32_NUM 1

#define PPC_GPR(i) { .name = "r" #i, .offset = offsetof(PpcCpu, gpr[0]) + 4 * (i), .size = 4, .kind = GUEST_REG_GPR }
#define PPC_FPR(i) { .name = "f" #i, .offset = offsetof(PpcCpu, fpr[0]) + 8 * (i), .size = 8, .kind = GUEST_REG_FPR }
#define PPC_CSR(n, field) { .name = n, .offset = offsetof(PpcCpu, field), .size = 4, .kind = GUEST_REG_CSR }

/*
 * pc, r0..r31, f0..f31, then the control registers.  CR and XER are kept split
 * (cpu.h), so the table lists their parts: cr0..cr7 and xer_so/xer_ov/xer_ca/xer_bc.
 */
/* FPSCR with a pending lazy FR/FI/FPRF worked out (cpu.h, fp_lazy_op). */
static uint64_t ppc_reg_fpscr(const GuestCpu *cpu)
{
    return ppc_get_fpscr((const PpcCpu *)cpu);
}

static const GuestReg ppc_regs[] = {
    { .name = "pc", .offset = offsetof(PpcCpu, common.pc), .size = 8, .kind = GUEST_REG_PC },
    PPC_GPR(0), PPC_GPR(1), PPC_GPR(2), PPC_GPR(3), PPC_GPR(4), PPC_GPR(5), PPC_GPR(6), PPC_GPR(7),
    PPC_GPR(8), PPC_GPR(9), PPC_GPR(10), PPC_GPR(11), PPC_GPR(12), PPC_GPR(13), PPC_GPR(14), PPC_GPR(15),
    PPC_GPR(16), PPC_GPR(17), PPC_GPR(18), PPC_GPR(19), PPC_GPR(20), PPC_GPR(21), PPC_GPR(22), PPC_GPR(23),
    PPC_GPR(24), PPC_GPR(25), PPC_GPR(26), PPC_GPR(27), PPC_GPR(28), PPC_GPR(29), PPC_GPR(30), PPC_GPR(31),
    PPC_FPR(0), PPC_FPR(1), PPC_FPR(2), PPC_FPR(3), PPC_FPR(4), PPC_FPR(5), PPC_FPR(6), PPC_FPR(7),
    PPC_FPR(8), PPC_FPR(9), PPC_FPR(10), PPC_FPR(11), PPC_FPR(12), PPC_FPR(13), PPC_FPR(14), PPC_FPR(15),
    PPC_FPR(16), PPC_FPR(17), PPC_FPR(18), PPC_FPR(19), PPC_FPR(20), PPC_FPR(21), PPC_FPR(22), PPC_FPR(23),
    PPC_FPR(24), PPC_FPR(25), PPC_FPR(26), PPC_FPR(27), PPC_FPR(28), PPC_FPR(29), PPC_FPR(30), PPC_FPR(31),
    PPC_CSR("cr0", cr[0]), PPC_CSR("cr1", cr[1]), PPC_CSR("cr2", cr[2]), PPC_CSR("cr3", cr[3]),
    PPC_CSR("cr4", cr[4]), PPC_CSR("cr5", cr[5]), PPC_CSR("cr6", cr[6]), PPC_CSR("cr7", cr[7]),
    PPC_CSR("xer_so", xer_so), PPC_CSR("xer_ov", xer_ov), PPC_CSR("xer_ca", xer_ca), PPC_CSR("xer_bc", xer_bc),
    PPC_CSR("lr", lr), PPC_CSR("ctr", ctr),
    { .name = "fpscr", .offset = offsetof(PpcCpu, fpscr), .size = 4, .kind = GUEST_REG_CSR, .get = ppc_reg_fpscr },
    PPC_CSR("vrsave", vrsave), PPC_CSR("msr", msr), PPC_CSR("srr0", srr0), PPC_CSR("srr1", srr1),
};

uint32_t ppc_get_xer(const PpcCpu *cpu)
{
    return cpu->xer_so << 31 | cpu->xer_ov << 30 | cpu->xer_ca << 29 | (cpu->xer_bc & 0x7f);
}

void ppc_set_xer(PpcCpu *cpu, uint32_t v)
{
    cpu->xer_so = (v >> 31) & 1;
    cpu->xer_ov = (v >> 30) & 1;
    cpu->xer_ca = (v >> 29) & 1;
    cpu->xer_bc = v & 0x7f;
}

uint32_t ppc_get_cr(const PpcCpu *cpu)
{
    uint32_t v = 0;

    for (int f = 0; f < 8; f++) {
        v |= (cpu->cr[f] & 0xf) << (28 - 4 * f);
    }
    return v;
}

void ppc_set_cr(PpcCpu *cpu, uint32_t v)
{
    for (int f = 0; f < 8; f++) {
        cpu->cr[f] = (v >> (28 - 4 * f)) & 0xf;
    }
}

void ppc_cpu_interrupt(PpcCpu *cpu, PpcIvor ivor, uint32_t resume_pc)
{
    bool critical = ivor == PPC_IVOR_CRITICAL || ivor == PPC_IVOR_WATCHDOG || ivor == PPC_IVOR_DEBUG;
    uint32_t keep = PPC_MSR_ME;

    if (critical) {
        cpu->csrr0 = resume_pc;
        cpu->csrr1 = cpu->msr;
    } else {
        cpu->srr0 = resume_pc;
        cpu->srr1 = cpu->msr;
        keep |= PPC_MSR_CE | PPC_MSR_DE;   /* a non-critical interrupt leaves CE and DE alone */
    }
    if (ivor == PPC_IVOR_MACHINE_CHECK) {
        keep = 0;
    }
    cpu->msr &= keep;
    cpu->common.pc = (cpu->ivpr & 0xffff0000u) | (cpu->ivor[ivor] & 0xfff0u);
    cpu->res_addr = 0xffffffffu;    /* an interrupt clears the reservation */
}

bool ppc_exit_to_interrupt(GuestExitKind kind, int64_t code, PpcIvor *ivor, uint32_t *esr)
{
    *esr = 0;
    switch (kind) {
    case GUEST_EXIT_SYSCALL:
        *ivor = PPC_IVOR_SYSCALL;
        return true;
    case GUEST_EXIT_ILLEGAL:
        *ivor = PPC_IVOR_PROGRAM;
        *esr = PPC_ESR_PIL;
        return true;
    case GUEST_EXIT_BREAKPOINT:
        *ivor = PPC_IVOR_PROGRAM;
        *esr = PPC_ESR_PTR;
        return true;
    case GUEST_EXIT_MEM_FAULT:
        *ivor = PPC_IVOR_DSI;
        *esr = code == GUEST_ACCESS_WRITE ? PPC_ESR_ST : 0;
        return true;
    case GUEST_EXIT_FETCH_FAULT:
        *ivor = PPC_IVOR_ISI;
        return true;
    case GUEST_EXIT_MISALIGNED:
        *ivor = PPC_IVOR_ALIGNMENT;
        *esr = code == GUEST_ACCESS_WRITE ? PPC_ESR_ST : 0;
        return true;
    default:
        return false;
    }
}

static void ppc_cpu_init(GuestCpu *gcpu)
{
    PpcCpu *cpu = (PpcCpu *)gcpu;

    cpu->common.arch = &ppc32_arch;
    cpu->res_addr = 0xffffffffu;
    cpu->fpscr = 0;
    /*
     * e500mc (QEMU's CPU_POWERPC_e500mc): Book III-E like the e500 board's cores, but
     * with the classic FPU that Debian's powerpc port needs (e500v1/v2 have SPE instead).
     */
    cpu->pvr = 0x80230020u;
    cpu->msr = PPC_MSR_PR | PPC_MSR_FP | PPC_MSR_EE | PPC_MSR_ME;   /* a user process */
}

const GuestArch ppc32_arch = {
    .name = "ppc",
    .elf_machine = EM_PPC_NUM,
    .elf_class = ELFCLASS32_NUM,
    .word_size = 4,
    .big_endian = true,
    .cpu_size = sizeof(PpcCpu),
    .page_size = 4096,
    .tier_threshold = 16,       /* bench/startup.cpp: 0.75 of the time of compiling every block */
    .regs = ppc_regs,
    .n_regs = G_N_ELEMENTS(ppc_regs),
    .cpu_init = ppc_cpu_init,
    .lift_block = ppc_lift_block,
    .disas = ppc_disas,
    .gdb = &ppc_gdb,
};
