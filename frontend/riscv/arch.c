/*
 * The RISC-V RV64GC guest description: register table, reset state and the
 * hooks the exec loop, traces and the gdb stub call (system-mode hooks: sys.c).
 */
#include "frontend/riscv/internal.h"

#define EM_RISCV_NUM 243
#define ELFCLASS64_NUM 2

const char *const rv_xreg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *const rv_freg_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

#define RV_XREG(i, n) { .name = n, .offset = offsetof(RvCpu, x[0]) + 8 * (i), .size = 8, .kind = GUEST_REG_GPR }
#define RV_FREG(i, n) { .name = n, .offset = offsetof(RvCpu, f[0]) + 8 * (i), .size = 8, .kind = GUEST_REG_FPR }
#define RV_CSREG(f) { .name = #f, .offset = offsetof(RvCpu, f), .size = 8, .kind = GUEST_REG_CSR }

/* pc, x0..x31, f0..f31 (ABI names, as in rv_xreg_names/rv_freg_names), fflags, frm, system CSRs. */
static const GuestReg rv_regs[] = {
    { .name = "pc", .offset = offsetof(RvCpu, common.pc), .size = 8, .kind = GUEST_REG_PC },
    RV_XREG(0, "zero"), RV_XREG(1, "ra"), RV_XREG(2, "sp"), RV_XREG(3, "gp"),
    RV_XREG(4, "tp"), RV_XREG(5, "t0"), RV_XREG(6, "t1"), RV_XREG(7, "t2"),
    RV_XREG(8, "s0"), RV_XREG(9, "s1"), RV_XREG(10, "a0"), RV_XREG(11, "a1"),
    RV_XREG(12, "a2"), RV_XREG(13, "a3"), RV_XREG(14, "a4"), RV_XREG(15, "a5"),
    RV_XREG(16, "a6"), RV_XREG(17, "a7"), RV_XREG(18, "s2"), RV_XREG(19, "s3"),
    RV_XREG(20, "s4"), RV_XREG(21, "s5"), RV_XREG(22, "s6"), RV_XREG(23, "s7"),
    RV_XREG(24, "s8"), RV_XREG(25, "s9"), RV_XREG(26, "s10"), RV_XREG(27, "s11"),
    RV_XREG(28, "t3"), RV_XREG(29, "t4"), RV_XREG(30, "t5"), RV_XREG(31, "t6"),
    RV_FREG(0, "ft0"), RV_FREG(1, "ft1"), RV_FREG(2, "ft2"), RV_FREG(3, "ft3"),
    RV_FREG(4, "ft4"), RV_FREG(5, "ft5"), RV_FREG(6, "ft6"), RV_FREG(7, "ft7"),
    RV_FREG(8, "fs0"), RV_FREG(9, "fs1"), RV_FREG(10, "fa0"), RV_FREG(11, "fa1"),
    RV_FREG(12, "fa2"), RV_FREG(13, "fa3"), RV_FREG(14, "fa4"), RV_FREG(15, "fa5"),
    RV_FREG(16, "fa6"), RV_FREG(17, "fa7"), RV_FREG(18, "fs2"), RV_FREG(19, "fs3"),
    RV_FREG(20, "fs4"), RV_FREG(21, "fs5"), RV_FREG(22, "fs6"), RV_FREG(23, "fs7"),
    RV_FREG(24, "fs8"), RV_FREG(25, "fs9"), RV_FREG(26, "fs10"), RV_FREG(27, "fs11"),
    RV_FREG(28, "ft8"), RV_FREG(29, "ft9"), RV_FREG(30, "ft10"), RV_FREG(31, "ft11"),
    { .name = "fflags", .offset = offsetof(RvCpu, fflags), .size = 4, .kind = GUEST_REG_CSR },
    { .name = "frm", .offset = offsetof(RvCpu, frm), .size = 4, .kind = GUEST_REG_CSR },
    /* System mode: the privilege level and the trap CSRs (never change in user mode). */
    { .name = "priv", .offset = offsetof(RvCpu, priv), .size = 4, .kind = GUEST_REG_CSR },
    RV_CSREG(mstatus), RV_CSREG(mie), RV_CSREG(mtvec), RV_CSREG(mscratch), RV_CSREG(mepc),
    RV_CSREG(mcause), RV_CSREG(mtval), RV_CSREG(stvec), RV_CSREG(sscratch), RV_CSREG(sepc),
    RV_CSREG(scause), RV_CSREG(stval), RV_CSREG(satp),
};


static void rv_cpu_init(GuestCpu *gcpu)
{
    RvCpu *cpu = (RvCpu *)gcpu;

    cpu->common.arch = &rv64_arch;
    cpu->res_addr = ~(uint64_t)0;
    cpu->fflags = 0;
    cpu->frm = RV_RM_RNE;
}

const GuestArch rv64_arch = {
    .name = "riscv64",
    .elf_machine = EM_RISCV_NUM,
    .elf_class = ELFCLASS64_NUM,
    .word_size = 8,
    .big_endian = false,
    .cpu_size = sizeof(RvCpu),
    .page_size = 4096,
    .tier_threshold = 16,       /* bench/startup.cpp: 0.55 of the time of compiling every block */
    .regs = rv_regs,
    .n_regs = G_N_ELEMENTS(rv_regs),
    .cpu_init = rv_cpu_init,
    .lift_block = rv_lift_block,
    .disas = rv_disas,
    .sys_reset = rv_sys_reset,
    .sys_take_interrupt = rv_sys_take_interrupt,
    .sys_raise = rv_sys_raise,
    .sys_translate = rv_sys_translate,
    .sys_mode_bits = rv_sys_mode_bits,
    .sys_fetch_mmu_idx = rv_sys_fetch_mmu_idx,
    .sys_wake_pending = rv_sys_wake_pending,
    .sys_mode_name = rv_sys_mode_name,
    .sys_mmu_idx_count = RV_MMU_IDX_COUNT,
    .insn_as_word = true,
    .gdb = &rv_gdb,
};
