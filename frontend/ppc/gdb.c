/*
 * How gdb sees a 32-bit PowerPC CPU: gdb's own power target descriptions
 * (gdb/features/rs6000/): r0..r31 = 0..31, f0..f31 = 32..63, pc = 64, msr = 65, cr = 66,
 * lr = 67, ctr = 68, xer = 69, fpscr = 70, all big-endian.  CR and XER are kept split in
 * the CPU state, so gdb reads and writes their architected views.  The 'g' packet holds
 * r0..r31; the rest go through p/P.
 */
#include "frontend/ppc/internal.h"

static uint64_t ppc_gdb_cr(const GuestCpu *cpu)
{
    return ppc_get_cr((const PpcCpu *)cpu);
}

static void ppc_gdb_set_cr(GuestCpu *cpu, uint64_t v)
{
    ppc_set_cr((PpcCpu *)cpu, (uint32_t)v);
}

/* FPSCR with its pending FR/FI/FPRF worked out; a write drops what is pending. */
static uint64_t ppc_gdb_fpscr(const GuestCpu *cpu)
{
    return ppc_get_fpscr((const PpcCpu *)cpu);
}

static void ppc_gdb_set_fpscr(GuestCpu *cpu, uint64_t v)
{
    ppc_set_fpscr((PpcCpu *)cpu, (uint32_t)v);
}

static uint64_t ppc_gdb_xer(const GuestCpu *cpu)
{
    return ppc_get_xer((const PpcCpu *)cpu);
}

static void ppc_gdb_set_xer(GuestCpu *cpu, uint64_t v)
{
    ppc_set_xer((PpcCpu *)cpu, (uint32_t)v);
}

#define CORE "org.gnu.gdb.power.core"
#define FPU "org.gnu.gdb.power.fpu"
#define R(i) { .name = "r" #i, .state = "r" #i, .regnum = (i), .bits = 32, .type = "uint32", .feature = CORE }
#define F(i) { .name = "f" #i, .state = "f" #i, .regnum = 32 + (i), .bits = 64, .type = "ieee_double", \
               .feature = FPU }

static const GuestGdbReg ppc_gdb_regs[] = {
    R(0), R(1), R(2), R(3), R(4), R(5), R(6), R(7),
    R(8), R(9), R(10), R(11), R(12), R(13), R(14), R(15),
    R(16), R(17), R(18), R(19), R(20), R(21), R(22), R(23),
    R(24), R(25), R(26), R(27), R(28), R(29), R(30), R(31),
    { .name = "pc", .state = "pc", .regnum = 64, .bits = 32, .type = "code_ptr", .feature = CORE },
    { .name = "msr", .state = "msr", .regnum = 65, .bits = 32, .type = "uint32", .feature = CORE },
    { .name = "cr", .regnum = 66, .bits = 32, .type = "uint32", .feature = CORE,
      .get = ppc_gdb_cr, .set = ppc_gdb_set_cr },
    { .name = "lr", .state = "lr", .regnum = 67, .bits = 32, .type = "code_ptr", .feature = CORE },
    { .name = "ctr", .state = "ctr", .regnum = 68, .bits = 32, .type = "uint32", .feature = CORE },
    { .name = "xer", .regnum = 69, .bits = 32, .type = "uint32", .feature = CORE,
      .get = ppc_gdb_xer, .set = ppc_gdb_set_xer },
    F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7),
    F(8), F(9), F(10), F(11), F(12), F(13), F(14), F(15),
    F(16), F(17), F(18), F(19), F(20), F(21), F(22), F(23),
    F(24), F(25), F(26), F(27), F(28), F(29), F(30), F(31),
    { .name = "fpscr", .state = "fpscr", .regnum = 70, .bits = 32, .type = "int", .feature = FPU,
      .get = ppc_gdb_fpscr, .set = ppc_gdb_set_fpscr },
};

const GuestGdb ppc_gdb = {
    .arch = "powerpc:common",
    .regs = ppc_gdb_regs,
    .n_regs = G_N_ELEMENTS(ppc_gdb_regs),
    .n_g_regs = 32,
};
