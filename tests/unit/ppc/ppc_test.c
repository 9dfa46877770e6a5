/* Runner shared by the PowerPC unit tests (see ppc_test.h). */
#include <check.h>
#include <string.h>

#include "tests/unit/ppc/ppc_test.h"
#include "tests/support/engine_diff.h"

void ppct_init(PpctMachine *m)
{
    memset(m, 0, sizeof(*m));
    m->mem = g_malloc0(PPCT_MEM_SIZE);
    m->cpu = (PpcCpu *)guest_cpu_new(&ppc32_arch);
    m->cpu->common.mem_base = m->mem;
    m->cpu->common.pc = PPCT_CODE;
}

void ppct_fini(PpctMachine *m)
{
    guest_cpu_free(&m->cpu->common);
    g_free(m->mem);
}

void ppct_load(PpctMachine *m, const uint32_t *words, unsigned n)
{
    ck_assert_uint_le(PPCT_CODE + 4 * n, PPCT_MEM_SIZE);
    for (unsigned i = 0; i < n; i++) {
        ppct_wr32(m, PPCT_CODE + 4 * i, words[i]);
    }
    m->cpu->common.pc = PPCT_CODE;
}

uint32_t ppct_rd32(const PpctMachine *m, uint32_t addr)
{
    const uint8_t *p = m->mem + addr;

    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void ppct_wr32(PpctMachine *m, uint32_t addr, uint32_t v)
{
    uint8_t *p = m->mem + addr;

    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint64_t ppct_rd64(const PpctMachine *m, uint32_t addr)
{
    return (uint64_t)ppct_rd32(m, addr) << 32 | ppct_rd32(m, addr + 4);
}

void ppct_wr64(PpctMachine *m, uint32_t addr, uint64_t v)
{
    ppct_wr32(m, addr, (uint32_t)(v >> 32));
    ppct_wr32(m, addr + 4, (uint32_t)v);
}

static void ppct_compare(const char *what, const GuestCpu *ga, const GuestCpu *gb, const uint8_t *ma,
                         const uint8_t *mb, size_t mem_size)
{
    const PpcCpu *a = (const PpcCpu *)ga, *b = (const PpcCpu *)gb;

    engine_diff_check_exit(what, ga, gb);
    for (unsigned i = 0; i < ppc32_arch.n_regs; i++) {
        const GuestReg *r = &ppc32_arch.regs[i];
        uint64_t va = 0, vb = 0;

        memcpy(&va, (const uint8_t *)a + r->offset, r->size);
        memcpy(&vb, (const uint8_t *)b + r->offset, r->size);
        ck_assert_msg(va == vb, "%s: %s 0x%lx vs 0x%lx", what, r->name, (unsigned long)va, (unsigned long)vb);
    }
    ck_assert_msg(memcmp((const uint8_t *)a + sizeof(GuestCpu), (const uint8_t *)b + sizeof(GuestCpu),
                         sizeof(PpcCpu) - sizeof(GuestCpu)) == 0, "%s: CPU state differs", what);
    ck_assert_msg(memcmp(ma, mb, mem_size) == 0, "%s: memory differs", what);
}

GuestExitKind ppct_run(PpctMachine *m)
{
    EngineDiff d = { .arch = &ppc32_arch, .cpu = &m->cpu->common, .mem = m->mem, .mem_size = PPCT_MEM_SIZE,
                     .addr_bits = PPCT_MEM_BITS, .max_insns = m->max_insns, .compare = ppct_compare };

    return engine_diff_run(&d);
}
