/* One guest block at a time for the engine fuzz tests (see block_run.h). */
#include "tests/support/block_run.h"

#include <check.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>

static bool block_run_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    BlockRun *r = opaque;

    if (addr + len > r->mem_size || addr + len < addr) {
        return false;
    }
    memcpy(buf, r->mem + addr, len);
    return true;
}

void block_run_setup(BlockRun *r, const GuestArch *arch, const ExecOptions *opts, unsigned mem_bits)
{
    ExecPlatform platform = { .opaque = r, .fetch = block_run_fetch };
    g_autoptr(GError) error = NULL;

    r->arch = arch;
    r->mem_size = (size_t)1 << mem_bits;
    r->mem = mmap(NULL, r->mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(r->mem != MAP_FAILED);
    ExecMemModel mm = { .base = r->mem, .addr_bits = mem_bits };
    ck_assert_msg(exec_init(&r->x, arch, opts, &mm, &platform, &error), "%s", error ? error->message : "");
    r->cpu = guest_cpu_new(arch);
    r->cpu->mem_base = r->mem;
    exec_cpu_register(&r->x, r->cpu);
}

void block_run_teardown(BlockRun *r)
{
    exec_cpu_unregister(&r->x, r->cpu);
    exec_fini(&r->x);
    guest_cpu_free(r->cpu);
    munmap(r->mem, r->mem_size);
}

void block_run_copy_state(BlockRun *dst, const BlockRun *src)
{
    memcpy(dst->mem, src->mem, dst->mem_size);
    memcpy((uint8_t *)dst->cpu + sizeof(GuestCpu), (const uint8_t *)src->cpu + sizeof(GuestCpu),
           dst->arch->cpu_size - sizeof(GuestCpu));
    dst->cpu->pc = src->cpu->pc;
    exec_flush(&dst->x);
}

void block_run_one(BlockRun *r)
{
    sigjmp_buf unwind;
    TbBlock *from = NULL;
    unsigned slot = 0;
    TbBlock *tb;

    exec_thread.ctx = &r->x;
    exec_thread.cpu = r->cpu;
    if (sigsetjmp(unwind, 0) != 0) {
        exec_thread.unwind = NULL;
        return;                 /* a helper raised; the exit record is set */
    }
    exec_thread.unwind = &unwind;
    tb = exec_find_block(&r->x, r->cpu, r->cpu->pc);
    memset(r->cpu->jmp_cache, 0, TB_JMP_CACHE_ALLOC * sizeof(TbBlock *));
    r->cpu->exit_kind = GUEST_EXIT_NONE;
    if (tb->tier == TB_TIER_COLD) {
        exec_tier_run_cold(&r->x, r->cpu, tb);
    } else {
        r->x.engine->run(&r->x, r->cpu, tb, &from, &slot);
    }
    exec_thread.unwind = NULL;
}
