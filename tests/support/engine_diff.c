/* The three-engine differential runner of the guest unit tests (see engine_diff.h). */
#include "tests/support/engine_diff.h"

#include <check.h>
#include <string.h>

typedef struct EngineRun {
    ExecCtx x;
    uint8_t *mem;
    size_t mem_size;
    GuestCpu *cpu;
} EngineRun;

static bool engine_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    EngineRun *r = opaque;

    if (addr + len > r->mem_size || addr + len < addr) {
        return false;
    }
    memcpy(buf, r->mem + addr, len);
    return true;
}

/* The guest-specific part of a CPU: everything after the GuestCpu header. */
static void copy_guest_part(GuestCpu *dst, const GuestCpu *src, size_t cpu_size)
{
    memcpy((uint8_t *)dst + sizeof(GuestCpu), (const uint8_t *)src + sizeof(GuestCpu),
           cpu_size - sizeof(GuestCpu));
}

static void run_one(const EngineDiff *d, const char *engine, bool no_opt, EngineRun *r)
{
    ExecOptions opts = { .engine = engine, .no_opt = no_opt, .max_block_insns = d->max_insns,
                         .trace = d->trace, .trace_file = d->trace_file ? d->trace_file : stderr };
    ExecPlatform platform = { .opaque = r, .fetch = engine_fetch };
    g_autoptr(GError) error = NULL;

    r->mem_size = d->mem_size;
    r->mem = g_memdup2(d->mem, d->mem_size);
    ExecMemModel mm = { .base = r->mem, .addr_bits = d->addr_bits };
    ck_assert_msg(exec_init(&r->x, d->arch, &opts, &mm, &platform, &error), "%s",
                  error ? error->message : "");
    r->cpu = guest_cpu_new(d->arch);
    copy_guest_part(r->cpu, d->cpu, d->arch->cpu_size);
    r->cpu->pc = d->cpu->pc;
    r->cpu->mem_base = r->mem;
    exec_cpu_register(&r->x, r->cpu);
    exec_run(&r->x, r->cpu);
    exec_cpu_unregister(&r->x, r->cpu);
    exec_fini(&r->x);
}

static void free_run(EngineRun *r)
{
    guest_cpu_free(r->cpu);
    g_free(r->mem);
}

void engine_diff_check_exit(const char *what, const GuestCpu *a, const GuestCpu *b)
{
    ck_assert_msg(a->exit_kind == b->exit_kind, "%s: exit kind %u vs %u", what, a->exit_kind, b->exit_kind);
    ck_assert_msg(a->pc == b->pc, "%s: pc 0x%lx vs 0x%lx", what, (unsigned long)a->pc, (unsigned long)b->pc);
    ck_assert_msg(a->exit_code == b->exit_code, "%s: exit code", what);
    ck_assert_msg(a->exit_aux == b->exit_aux, "%s: exit aux", what);
}

GuestExitKind engine_diff_run(const EngineDiff *d)
{
    EngineRun ref, opt, jit;

    run_one(d, "interp", true, &ref);
    run_one(d, "interp", false, &opt);
    run_one(d, "jit", false, &jit);
    d->compare("optimized interpreter", ref.cpu, opt.cpu, ref.mem, opt.mem, d->mem_size);
    d->compare("jit", ref.cpu, jit.cpu, ref.mem, jit.mem, d->mem_size);
    copy_guest_part(d->cpu, ref.cpu, d->arch->cpu_size);
    d->cpu->pc = ref.cpu->pc;
    d->cpu->exit_kind = ref.cpu->exit_kind;
    d->cpu->exit_code = ref.cpu->exit_code;
    d->cpu->exit_aux = ref.cpu->exit_aux;
    memcpy(d->mem, ref.mem, d->mem_size);
    free_run(&ref);
    free_run(&opt);
    free_run(&jit);
    return (GuestExitKind)d->cpu->exit_kind;
}
