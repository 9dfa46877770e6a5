/*
 * The CPU models boards can name.  The only place where system mode meets a specific
 * guest: everything else goes through GuestArch's sys_* hooks.
 */
#include "frontend/riscv/cpu.h"
#include "frontend/riscv/priv.h"
#include "platform/system/machine.h"
#include "softmmu/memory.h"

static void rv64_init(GuestCpu *cpu, unsigned hart, uint64_t reset_pc, AddressSpace *as,
                      uint64_t (*read_time)(void *), void *time_opaque)
{
    RvSysConfig cfg = {
        .hart_id = hart,
        .reset_pc = reset_pc,
        .misa_ext = RV_MISA_EXT('I') | RV_MISA_EXT('M') | RV_MISA_EXT('A') | RV_MISA_EXT('F') |
                    RV_MISA_EXT('D') | RV_MISA_EXT('C'),
        .bus = { .opaque = as, .load = mem_as_bus_load, .cmpxchg = mem_as_bus_cmpxchg },
        .read_time = read_time,
        .time_opaque = time_opaque,
    };
    rv_cpu_init_system((RvCpu *)cpu, &cfg);
}

static void rv64_set_irq(GuestCpu *cpu, unsigned line, bool level)
{
    rv_cpu_set_irq((RvCpu *)cpu, line, level);
}

static const MachineCpuModel models[] = {
    {
        .name = "rv64", .arch = &rv64_arch,
        /* What the lifter implements; Sstc and the others stay out of the tree until they work. */
        .isa = "rv64imafdc_zicsr_zifencei_zba_zbb_zbc_zbs_sstc", .mmu_type = "riscv,sv48",
        .init = rv64_init, .set_irq = rv64_set_irq,
    },
};

const MachineCpuModel *machine_cpu_model(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        if (g_strcmp0(models[i].name, name) == 0) {
            return &models[i];
        }
    }
    return NULL;
}
