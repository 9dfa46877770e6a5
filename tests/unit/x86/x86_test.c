/* Runner shared by the x86 unit tests (see x86_test.h). */
#include <check.h>
#include <string.h>

#include "tests/unit/x86/x86_test.h"
#include "tests/support/engine_diff.h"

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

static void x86t_compare(const char *what, const GuestCpu *ga, const GuestCpu *gb, const uint8_t *ma,
                         const uint8_t *mb, size_t mem_size)
{
    const X86Cpu *a = (const X86Cpu *)ga, *b = (const X86Cpu *)gb;
    uint64_t fa = x86_get_eflags(a), fb = x86_get_eflags(b);

    engine_diff_check_exit(what, ga, gb);
    for (unsigned i = 0; i < 16; i++) {
        ck_assert_msg(a->regs[i] == b->regs[i], "%s: r%u 0x%lx vs 0x%lx", what, i, (unsigned long)a->regs[i],
                      (unsigned long)b->regs[i]);
    }
    /* The lazy-flag slots may differ (each engine leaves its own producer); eflags may not. */
    ck_assert_msg(fa == fb, "%s: eflags 0x%lx vs 0x%lx", what, (unsigned long)fa, (unsigned long)fb);
    ck_assert_msg(memcmp(a->xmm, b->xmm, sizeof(a->xmm)) == 0, "%s: xmm registers differ", what);
    ck_assert_msg(a->mxcsr == b->mxcsr, "%s: mxcsr 0x%x vs 0x%x", what, a->mxcsr, b->mxcsr);
    ck_assert_msg(memcmp(&a->fpu, &b->fpu, sizeof(a->fpu)) == 0, "%s: x87 state differs", what);
    ck_assert_msg(memcmp(ma, mb, mem_size) == 0, "%s: memory differs", what);
}

GuestExitKind x86t_run(X86tMachine *m)
{
    EngineDiff d = { .arch = x86t_arch(m), .cpu = &m->cpu->common, .mem = m->mem, .mem_size = X86T_MEM_SIZE,
                     .addr_bits = X86T_MEM_BITS, .max_insns = m->max_insns, .trace = m->trace,
                     .trace_file = m->trace_file, .compare = x86t_compare };

    if (!m->trace && g_getenv("X86T_TRACE")) {      /* debugging: X86T_TRACE=ir,host */
        exec_trace_parse(g_getenv("X86T_TRACE"), &d.trace, NULL);
    }
    return engine_diff_run(&d);
}

GuestExitKind x86t_exec(X86tMachine *m, const uint8_t *code, unsigned n)
{
    x86t_load(m, code, n);
    return x86t_run(m);
}
