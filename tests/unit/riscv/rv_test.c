/* Runner shared by the RISC-V unit tests (see rv_test.h). */
#include <check.h>
#include <string.h>

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
