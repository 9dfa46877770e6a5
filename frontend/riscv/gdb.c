/*
 * How gdb sees a RISC-V hart: the numbering and feature names of gdb's own riscv target
 * descriptions (gdb/features/riscv/): x0..x31 = 0..31, pc = 32, f0..f31 = 33..64,
 * CSR n = 65 + n (fflags, frm, fcsr in the FPU feature as gdb expects), and the virtual
 * "priv" register at 65 + 4096.  The 'g' packet holds x0..x31 and pc.
 */
#include "frontend/riscv/internal.h"

#define RV_GDB_CSR(n) (65u + (n))

static uint64_t rv_gdb_zero(const GuestCpu *cpu)
{
    return 0;
}

static void rv_gdb_ignore(GuestCpu *cpu, uint64_t v)
{
    /* x0 stays 0. */
}

static uint64_t rv_gdb_fcsr(const GuestCpu *gcpu)
{
    const RvCpu *cpu = (const RvCpu *)gcpu;
    return (uint64_t)(cpu->frm & 7) << 5 | (cpu->fflags & 31);
}

static void rv_gdb_set_fcsr(GuestCpu *gcpu, uint64_t v)
{
    RvCpu *cpu = (RvCpu *)gcpu;
    cpu->fflags = v & 31;
    cpu->frm = (v >> 5) & 7;
}

static void rv_gdb_set_fflags(GuestCpu *gcpu, uint64_t v)
{
    ((RvCpu *)gcpu)->fflags = v & 31;
}

static void rv_gdb_set_frm(GuestCpu *gcpu, uint64_t v)
{
    ((RvCpu *)gcpu)->frm = v & 7;
}

static uint64_t rv_gdb_fflags(const GuestCpu *gcpu)
{
    return ((const RvCpu *)gcpu)->fflags;
}

static uint64_t rv_gdb_frm(const GuestCpu *gcpu)
{
    return ((const RvCpu *)gcpu)->frm;
}

#define CPU_FEATURE "org.gnu.gdb.riscv.cpu"
#define FPU_FEATURE "org.gnu.gdb.riscv.fpu"
#define CSR_FEATURE "org.gnu.gdb.riscv.csr"
#define VIRT_FEATURE "org.gnu.gdb.riscv.virtual"

#define X(i, n, t) { .name = n, .state = n, .regnum = i, .bits = 64, .type = t, .feature = CPU_FEATURE }
#define F(i, n) { .name = n, .state = n, .regnum = 33 + (i), .bits = 64, .type = "ieee_double", \
                  .feature = FPU_FEATURE }
#define CSR(n, num) { .name = #n, .state = #n, .regnum = RV_GDB_CSR(num), .bits = 64, .type = "int", \
                      .feature = CSR_FEATURE, .system_only = true }

static const GuestGdbReg rv_gdb_regs[] = {
    { .name = "zero", .regnum = 0, .bits = 64, .type = "int", .feature = CPU_FEATURE,
      .get = rv_gdb_zero, .set = rv_gdb_ignore },
    X(1, "ra", "code_ptr"), X(2, "sp", "data_ptr"), X(3, "gp", "data_ptr"), X(4, "tp", "data_ptr"),
    X(5, "t0", "int"), X(6, "t1", "int"), X(7, "t2", "int"), X(8, "s0", "data_ptr"),
    X(9, "s1", "int"), X(10, "a0", "int"), X(11, "a1", "int"), X(12, "a2", "int"),
    X(13, "a3", "int"), X(14, "a4", "int"), X(15, "a5", "int"), X(16, "a6", "int"),
    X(17, "a7", "int"), X(18, "s2", "int"), X(19, "s3", "int"), X(20, "s4", "int"),
    X(21, "s5", "int"), X(22, "s6", "int"), X(23, "s7", "int"), X(24, "s8", "int"),
    X(25, "s9", "int"), X(26, "s10", "int"), X(27, "s11", "int"), X(28, "t3", "int"),
    X(29, "t4", "int"), X(30, "t5", "int"), X(31, "t6", "int"),
    X(32, "pc", "code_ptr"),
    F(0, "ft0"), F(1, "ft1"), F(2, "ft2"), F(3, "ft3"), F(4, "ft4"), F(5, "ft5"), F(6, "ft6"),
    F(7, "ft7"), F(8, "fs0"), F(9, "fs1"), F(10, "fa0"), F(11, "fa1"), F(12, "fa2"), F(13, "fa3"),
    F(14, "fa4"), F(15, "fa5"), F(16, "fa6"), F(17, "fa7"), F(18, "fs2"), F(19, "fs3"),
    F(20, "fs4"), F(21, "fs5"), F(22, "fs6"), F(23, "fs7"), F(24, "fs8"), F(25, "fs9"),
    F(26, "fs10"), F(27, "fs11"), F(28, "ft8"), F(29, "ft9"), F(30, "ft10"), F(31, "ft11"),
    { .name = "fflags", .regnum = RV_GDB_CSR(1), .bits = 32, .type = "int", .feature = FPU_FEATURE,
      .get = rv_gdb_fflags, .set = rv_gdb_set_fflags },
    { .name = "frm", .regnum = RV_GDB_CSR(2), .bits = 32, .type = "int", .feature = FPU_FEATURE,
      .get = rv_gdb_frm, .set = rv_gdb_set_frm },
    { .name = "fcsr", .regnum = RV_GDB_CSR(3), .bits = 32, .type = "int", .feature = FPU_FEATURE,
      .get = rv_gdb_fcsr, .set = rv_gdb_set_fcsr },
    CSR(sscratch, 0x140), CSR(stvec, 0x105), CSR(sepc, 0x141), CSR(scause, 0x142), CSR(stval, 0x143),
    CSR(satp, 0x180), CSR(mstatus, 0x300), CSR(mie, 0x304), CSR(mtvec, 0x305), CSR(mscratch, 0x340),
    CSR(mepc, 0x341), CSR(mcause, 0x342), CSR(mtval, 0x343),
    { .name = "priv", .state = "priv", .regnum = RV_GDB_CSR(4096), .bits = 64, .type = "int",
      .feature = VIRT_FEATURE, .system_only = true },
};

const GuestGdb rv_gdb = {
    .arch = "riscv:rv64",
    .regs = rv_gdb_regs,
    .n_regs = G_N_ELEMENTS(rv_gdb_regs),
    .n_g_regs = 33,
};
