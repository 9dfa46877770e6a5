/* Runner shared by the RISC-V unit tests (see rv_test.h). */
#include <check.h>
#include <string.h>

#include "exec/exec.h"
#include "frontend/riscv/internal.h"
#include "tests/unit/riscv/rv_test.h"

static bool rvt_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    RvtMachine *m = opaque;

    if (addr + len > RVT_MEM_SIZE || addr + len < addr) {
        return false;
    }
    memcpy(buf, m->mem + addr, len);
    return true;
}

void rvt_init(RvtMachine *m)
{
    memset(m, 0, sizeof(*m));
    m->mem = g_malloc0(RVT_MEM_SIZE);
    rv64_arch.cpu_init(&m->cpu.common);
    m->cpu.common.mem_base = m->mem;
    m->cpu.common.pc = RVT_CODE;
}

void rvt_fini(RvtMachine *m)
{
    g_free(m->mem);
    m->mem = NULL;
}

void rvt_load_bytes(RvtMachine *m, const void *bytes, unsigned n)
{
    ck_assert_uint_le(RVT_CODE + n, RVT_MEM_SIZE);
    memcpy(m->mem + RVT_CODE, bytes, n);
    m->cpu.common.pc = RVT_CODE;
}

void rvt_load(RvtMachine *m, const uint32_t *words, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t w = GUINT32_TO_LE(words[i]);

        memcpy(m->mem + RVT_CODE + 4 * i, &w, 4);
    }
    m->cpu.common.pc = RVT_CODE;
}

IrBlock *rvt_lift(RvtMachine *m, uint64_t pc)
{
    IrBlock *blk = ir_block_new();
    GuestLiftCtx lctx = {
        .blk = blk, .cpu = &m->cpu.common, .pc = pc, .max_insns = m->max_insns,
        .fetch = rvt_fetch, .fetch_opaque = m,
    };

    rv64_arch.lift_block(&lctx);
    ir_verify_or_die(blk, "riscv lift");
    if (m->optimize) {
        ir_optimize(blk);
    }
    return blk;
}

IrInterpExit rvt_run(RvtMachine *m, unsigned max_blocks)
{
    IrInterpEnv env = { .mem_base = m->mem, .addr_bits = RVT_MEM_BITS, .cur_pc = &m->cpu.common.pc };
    IrInterpExit ex = { 0 };

    for (unsigned n = 0; n < max_blocks; n++) {
        g_autoptr(IrBlock) blk = rvt_lift(m, m->cpu.common.pc);

        ir_interp_run(blk, &m->cpu, &env, &ex);
        m->blocks++;
        m->cpu.common.pc = ex.pc;
        if (ex.kind == IR_INTERP_RAISE || ex.kind == IR_INTERP_ADDR_FAULT) {
            break;
        }
    }
    return ex;
}

/* --- System mode --- */

static bool rvt_bus_load(void *opaque, uint64_t paddr, unsigned size, uint64_t *value)
{
    RvtMachine *m = opaque;
    uint64_t v = 0;

    if (paddr + size > RVT_MEM_SIZE || paddr + size < paddr) {
        return false;
    }
    memcpy(&v, m->mem + paddr, size);
    *value = GUINT64_FROM_LE(v);
    return true;
}

static bool rvt_bus_cmpxchg(void *opaque, uint64_t paddr, unsigned size, uint64_t expected,
                            uint64_t desired, uint64_t *old)
{
    RvtMachine *m = opaque;

    if (!rvt_bus_load(opaque, paddr, size, old)) {
        return false;
    }
    if (*old == expected) {
        uint64_t v = GUINT64_TO_LE(desired);

        memcpy(m->mem + paddr, &v, size);
    }
    return true;
}

void rvt_sys_init(RvtMachine *m, unsigned priv)
{
    RvSysConfig cfg = {
        .hart_id = 0,
        .reset_pc = RVT_CODE,
        .misa_ext = RV_MISA_EXT('I') | RV_MISA_EXT('M') | RV_MISA_EXT('A') | RV_MISA_EXT('F') |
                    RV_MISA_EXT('D') | RV_MISA_EXT('C'),
        .bus = { .opaque = m, .load = rvt_bus_load, .cmpxchg = rvt_bus_cmpxchg },
    };

    rv_cpu_init_system(&m->cpu, &cfg);
    m->cpu.common.mem_base = m->mem;
    m->cpu.priv = priv;
}

/* Lifted and run between sigsetjmp and its longjmp: kept outside the frame. */
static IrBlock *rvt_sys_blk;

RvtSysResult rvt_sys_run(RvtMachine *m, uint64_t stop_pc, unsigned max_blocks)
{
    IrInterpEnv env = { .mem_base = m->mem, .addr_bits = RVT_MEM_BITS, .cur_pc = &m->cpu.common.pc };
    GuestCpu *cpu = &m->cpu.common;
    RvtSysResult r = { 0 };
    sigjmp_buf unwind;

    for (volatile unsigned n = 0; n < max_blocks && cpu->pc != stop_pc; n++) {
        IrInterpExit ex = { 0 };

        /* What the exec loop does at a block boundary when a device or CSR write asked. */
        if ((cpu->exit_request & GUEST_REQ_INTERRUPT) && rv64_arch.sys_take_interrupt(cpu)) {
            r.interrupts++;
            continue;
        }
        cpu->exit_kind = GUEST_EXIT_NONE;
        exec_thread.cpu = cpu;
        exec_thread.unwind = &unwind;
        if (sigsetjmp(unwind, 0) == 0) {
            rvt_sys_blk = rvt_lift(m, cpu->pc);
            ir_interp_run(rvt_sys_blk, &m->cpu, &env, &ex);
            cpu->pc = ex.pc;
            if (ex.kind == IR_INTERP_RAISE) {
                cpu->exit_kind = ex.raise_kind;
                cpu->exit_code = ex.code;
                cpu->exit_aux = ex.aux;
            }
            ck_assert_int_ne(ex.kind, IR_INTERP_ADDR_FAULT);
        }
        exec_thread.unwind = NULL;
        ir_block_free(rvt_sys_blk);
        rvt_sys_blk = NULL;
        m->blocks++;
        if (cpu->exit_kind == GUEST_EXIT_NONE) {
            continue;
        }
        r.last_kind = cpu->exit_kind;
        r.last_code = cpu->exit_code;
        r.last_aux = cpu->exit_aux;
        if (cpu->exit_kind == GUEST_EXIT_SYNC_MODE || cpu->exit_kind == GUEST_EXIT_TLB_FLUSH) {
            cpu->pc += (uint64_t)cpu->exit_code;
        } else if (cpu->exit_kind == GUEST_EXIT_HALT) {
            break;
        } else {
            ck_assert(rv64_arch.sys_raise(cpu));
            r.traps++;
        }
    }
    return r;
}
