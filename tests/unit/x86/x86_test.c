/* Runner shared by the x86 unit tests (see x86_test.h). */
#include <check.h>
#include <string.h>

#include "tests/unit/x86/x86_test.h"

typedef struct X86tEngine {
    ExecCtx x;
    uint8_t *mem;
} X86tEngine;

static bool x86t_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    X86tEngine *e = opaque;

    if (addr + len > X86T_MEM_SIZE || addr + len < addr) {
        return false;
    }
    memcpy(buf, e->mem + addr, len);
    return true;
}

static const GuestArch *x86t_arch(const X86tMachine *m)
{
    return m->mode64 ? &x86_64_arch : &i386_arch;
}

void x86t_init(X86tMachine *m, bool mode64)
{
    memset(m, 0, sizeof(*m));
    m->mode64 = mode64;
    m->mem = g_malloc0(X86T_MEM_SIZE);
    m->cpu = (X86Cpu *)guest_cpu_new(x86t_arch(m));
    m->cpu->common.mem_base = m->mem;
    m->cpu->common.pc = X86T_CODE;
    m->cpu->regs[X86_RSP] = X86T_STACK;
}

void x86t_fini(X86tMachine *m)
{
    guest_cpu_free(&m->cpu->common);
    g_free(m->mem);
}

void x86t_load(X86tMachine *m, const uint8_t *code, unsigned n)
{
    ck_assert_uint_le(X86T_CODE + n, X86T_DATA);
    memcpy(m->mem + X86T_CODE, code, n);
    m->cpu->common.pc = X86T_CODE;
}

uint32_t x86t_flags(const X86tMachine *m)
{
    return (uint32_t)x86_get_eflags(m->cpu) & X86_ARITH_FLAGS;
}

static void x86t_run_engine(const X86tMachine *m, const char *engine, bool no_opt, X86Cpu **cpu_out,
                            uint8_t **mem_out)
{
    X86tEngine e = { 0 };
    ExecOptions opts = { .engine = engine, .no_opt = no_opt, .max_block_insns = m->max_insns,
                         .trace = m->trace, .trace_file = m->trace_file ? m->trace_file : stderr };
    ExecPlatform platform = { .opaque = &e, .fetch = x86t_fetch };
    ExecMemModel mm;
    g_autoptr(GError) error = NULL;
    const GuestArch *arch = x86t_arch(m);
    X86Cpu *cpu;

    if (!m->trace && g_getenv("X86T_TRACE") && !no_opt) {     /* debugging: X86T_TRACE=ir,host */
        exec_trace_parse(g_getenv("X86T_TRACE"), &opts.trace, NULL);
    }
    e.mem = g_malloc(X86T_MEM_SIZE);
    memcpy(e.mem, m->mem, X86T_MEM_SIZE);
    mm = (ExecMemModel){ .base = e.mem, .addr_bits = X86T_MEM_BITS };
    ck_assert_msg(exec_init(&e.x, arch, &opts, &mm, &platform, &error), "%s", error ? error->message : "");
    cpu = (X86Cpu *)guest_cpu_new(arch);
    memcpy((uint8_t *)cpu + sizeof(GuestCpu), (uint8_t *)m->cpu + sizeof(GuestCpu),
           sizeof(X86Cpu) - sizeof(GuestCpu));
    cpu->common.pc = m->cpu->common.pc;
    cpu->common.mem_base = e.mem;
    exec_cpu_register(&e.x, &cpu->common);
    exec_run(&e.x, &cpu->common);
    exec_cpu_unregister(&e.x, &cpu->common);
    exec_fini(&e.x);
    *cpu_out = cpu;
    *mem_out = e.mem;
}

static void x86t_compare(const char *what, const X86Cpu *a, const X86Cpu *b, const uint8_t *ma, const uint8_t *mb)
{
    uint64_t fa = x86_get_eflags(a), fb = x86_get_eflags(b);

    ck_assert_msg(a->common.exit_kind == b->common.exit_kind, "%s: exit kind %u vs %u", what,
                  a->common.exit_kind, b->common.exit_kind);
    ck_assert_msg(a->common.pc == b->common.pc, "%s: pc 0x%lx vs 0x%lx", what, (unsigned long)a->common.pc,
                  (unsigned long)b->common.pc);
    ck_assert_msg(a->common.exit_code == b->common.exit_code, "%s: exit code", what);
    ck_assert_msg(a->common.exit_aux == b->common.exit_aux, "%s: exit aux", what);
    for (unsigned i = 0; i < 16; i++) {
        ck_assert_msg(a->regs[i] == b->regs[i], "%s: r%u 0x%lx vs 0x%lx", what, i, (unsigned long)a->regs[i],
                      (unsigned long)b->regs[i]);
    }
    ck_assert_msg(fa == fb, "%s: eflags 0x%lx vs 0x%lx", what, (unsigned long)fa, (unsigned long)fb);
    ck_assert_msg(memcmp(a->xmm, b->xmm, sizeof(a->xmm)) == 0, "%s: xmm registers differ", what);
    ck_assert_msg(a->mxcsr == b->mxcsr, "%s: mxcsr 0x%x vs 0x%x", what, a->mxcsr, b->mxcsr);
    ck_assert_msg(memcmp(&a->fpu, &b->fpu, sizeof(a->fpu)) == 0, "%s: x87 state differs", what);
    ck_assert_msg(memcmp(ma, mb, X86T_MEM_SIZE) == 0, "%s: memory differs", what);
}

GuestExitKind x86t_run(X86tMachine *m)
{
    X86Cpu *ref, *opt, *jit;
    uint8_t *mref, *mopt, *mjit;

    x86t_run_engine(m, "interp", true, &ref, &mref);
    x86t_run_engine(m, "interp", false, &opt, &mopt);
    x86t_run_engine(m, "jit", false, &jit, &mjit);
    x86t_compare("optimized interpreter", ref, opt, mref, mopt);
    x86t_compare("jit", ref, jit, mref, mjit);
    memcpy((uint8_t *)m->cpu + sizeof(GuestCpu), (uint8_t *)ref + sizeof(GuestCpu),
           sizeof(X86Cpu) - sizeof(GuestCpu));
    m->cpu->common.pc = ref->common.pc;
    m->cpu->common.exit_kind = ref->common.exit_kind;
    m->cpu->common.exit_code = ref->common.exit_code;
    m->cpu->common.exit_aux = ref->common.exit_aux;
    memcpy(m->mem, mref, X86T_MEM_SIZE);
    guest_cpu_free(&ref->common);
    guest_cpu_free(&opt->common);
    guest_cpu_free(&jit->common);
    g_free(mref);
    g_free(mopt);
    g_free(mjit);
    return (GuestExitKind)m->cpu->common.exit_kind;
}

GuestExitKind x86t_exec(X86tMachine *m, const uint8_t *code, unsigned n)
{
    x86t_load(m, code, n);
    return x86t_run(m);
}
