/* Runner shared by the PowerPC unit tests (see ppc_test.h). */
#include <check.h>
#include <string.h>

#include "tests/unit/ppc/ppc_test.h"

typedef struct PpctEngine {
    ExecCtx x;
    uint8_t *mem;
} PpctEngine;

static bool ppct_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    PpctEngine *e = opaque;

    if (addr + len > PPCT_MEM_SIZE || addr + len < addr) {
        return false;
    }
    memcpy(buf, e->mem + addr, len);
    return true;
}

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

/* Run one engine from m's state on copies; the copies are returned for comparison. */
static void ppct_run_engine(const PpctMachine *m, const char *engine, bool no_opt, unsigned max_insns,
                            PpcCpu **cpu_out, uint8_t **mem_out)
{
    PpctEngine e = { 0 };
    ExecOptions opts = { .engine = engine, .no_opt = no_opt, .max_block_insns = max_insns,
                         .trace_file = stderr };
    ExecPlatform platform = { .opaque = &e, .fetch = ppct_fetch };
    ExecMemModel mm;
    g_autoptr(GError) error = NULL;
    PpcCpu *cpu;

    e.mem = g_malloc(PPCT_MEM_SIZE);
    memcpy(e.mem, m->mem, PPCT_MEM_SIZE);
    mm = (ExecMemModel){ .base = e.mem, .addr_bits = PPCT_MEM_BITS };
    ck_assert_msg(exec_init(&e.x, &ppc32_arch, &opts, &mm, &platform, &error), "%s",
                  error ? error->message : "");
    cpu = (PpcCpu *)guest_cpu_new(&ppc32_arch);
    memcpy((uint8_t *)cpu + sizeof(GuestCpu), (uint8_t *)m->cpu + sizeof(GuestCpu),
           sizeof(PpcCpu) - sizeof(GuestCpu));
    cpu->common.pc = m->cpu->common.pc;
    cpu->common.mem_base = e.mem;
    exec_cpu_register(&e.x, &cpu->common);
    exec_run(&e.x, &cpu->common);
    exec_cpu_unregister(&e.x, &cpu->common);
    exec_fini(&e.x);
    *cpu_out = cpu;
    *mem_out = e.mem;
}

static void ppct_compare(const char *what, const PpcCpu *a, const PpcCpu *b, const uint8_t *ma, const uint8_t *mb)
{
    ck_assert_msg(a->common.exit_kind == b->common.exit_kind, "%s: exit kind %u vs %u", what,
                  a->common.exit_kind, b->common.exit_kind);
    ck_assert_msg(a->common.pc == b->common.pc, "%s: pc 0x%lx vs 0x%lx", what, (unsigned long)a->common.pc,
                  (unsigned long)b->common.pc);
    ck_assert_msg(a->common.exit_code == b->common.exit_code, "%s: exit code", what);
    ck_assert_msg(a->common.exit_aux == b->common.exit_aux, "%s: exit aux", what);
    for (unsigned i = 0; i < ppc32_arch.n_regs; i++) {
        const GuestReg *r = &ppc32_arch.regs[i];
        uint64_t va = 0, vb = 0;

        memcpy(&va, (const uint8_t *)a + r->offset, r->size);
        memcpy(&vb, (const uint8_t *)b + r->offset, r->size);
        ck_assert_msg(va == vb, "%s: %s 0x%lx vs 0x%lx", what, r->name, (unsigned long)va, (unsigned long)vb);
    }
    ck_assert_msg(memcmp((const uint8_t *)a + sizeof(GuestCpu), (const uint8_t *)b + sizeof(GuestCpu),
                         sizeof(PpcCpu) - sizeof(GuestCpu)) == 0, "%s: CPU state differs", what);
    ck_assert_msg(memcmp(ma, mb, PPCT_MEM_SIZE) == 0, "%s: memory differs", what);
}

GuestExitKind ppct_run(PpctMachine *m)
{
    PpcCpu *ref, *opt, *jit;
    uint8_t *mref, *mopt, *mjit;

    ppct_run_engine(m, "interp", true, m->max_insns, &ref, &mref);
    ppct_run_engine(m, "interp", false, m->max_insns, &opt, &mopt);
    ppct_run_engine(m, "jit", false, m->max_insns, &jit, &mjit);
    ppct_compare("optimized interpreter", ref, opt, mref, mopt);
    ppct_compare("jit", ref, jit, mref, mjit);
    memcpy((uint8_t *)m->cpu + sizeof(GuestCpu), (uint8_t *)ref + sizeof(GuestCpu),
           sizeof(PpcCpu) - sizeof(GuestCpu));
    m->cpu->common.pc = ref->common.pc;
    m->cpu->common.exit_kind = ref->common.exit_kind;
    m->cpu->common.exit_code = ref->common.exit_code;
    m->cpu->common.exit_aux = ref->common.exit_aux;
    memcpy(m->mem, mref, PPCT_MEM_SIZE);
    guest_cpu_free(&ref->common);
    guest_cpu_free(&opt->common);
    guest_cpu_free(&jit->common);
    g_free(mref);
    g_free(mopt);
    g_free(mjit);
    return (GuestExitKind)m->cpu->common.exit_kind;
}
