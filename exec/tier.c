/*
 * The cold tier of tiered translation: running a block that has not been compiled yet.
 *
 * Most blocks of a large program run once or a few times (a dynamically linked C++
 * program's start: about 5,000 blocks, a third of them once, fewer than 800 more than 16
 * times), where optimizing and emitting host code costs far more than running the block.
 * So a new block (tier TB_TIER_COLD) is only lifted, and its unoptimized IR run here by the
 * IR interpreter, the reference engine, which ends every block in the same state as the
 * JIT.  The lifted IR goes to a ring per thread, so a block run again soon is not lifted
 * again.  After ExecOptions.tier_threshold runs the exec loop (exec.c, tier_up) compiles it
 * in full and puts the compiled block in its place in the block table.
 *
 * A cold block has no host code, so nothing jumps into it: it is never chained to or from
 * and never put in a jump cache (like a traced block), and every entry passes through the
 * exec loop, which counts it.  Replacing it therefore unlinks nothing; the old block stays
 * allocated, invalid, until the next flush, so a thread still running it finishes safely.
 * Once lifted it is in the page map, so a write to its code invalidates it like any block.
 *
 * Must not: know a guest ISA or how the JIT runs code.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"
#include "ir/interp.h"

/* Set while this thread interprets a cold block: a host fault there is a guest access's. */
static __thread bool in_cold;

void exec_tier_unwound(void)
{
    in_cold = false;
}

/* --- The ring of lifted IR --- */

/*
 * Each thread has its own ring: it is the only one to write it and the only one to read it,
 * so it runs a record in place (no copy) while other threads store into theirs.  A record's
 * place is (ring id, absolute offset) in TbBlock.cold_ring/cold_at, read and written under
 * ExecCtx.lock; a block stored by another thread is lifted again (and stored here).  Ids are
 * never reused, so a ring freed at thread exit can never be mistaken for a new one.
 */
typedef struct ColdRing {
    uint64_t id;
    uint64_t size;              /* EXEC_COLD_RING for the first thread, EXEC_COLD_RING_THREAD after */
    uint8_t *mem;               /* size bytes, or NULL until the first store */
    uint64_t head;              /* bytes ever written: the next record's absolute offset */
    IrBlock *blk;               /* where this thread lifts cold blocks, reused */
} ColdRing;

static void cold_ring_free(gpointer p)
{
    ColdRing *r = p;
    if (r->mem != NULL) {
        munmap(r->mem, r->size);
    }
    ir_block_free(r->blk);
    g_free(r);
}

static GPrivate cold_ring_key = G_PRIVATE_INIT(cold_ring_free);

static ColdRing *cold_ring_self(void)
{
    static uint64_t next_id;
    ColdRing *r = g_private_get(&cold_ring_key);

    if (r == NULL) {
        r = g_new0(ColdRing, 1);
        r->id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
        /*
         * The thread that starts the program lifts most of its code; the others get a small
         * ring, so a program with many threads does not keep megabytes for each.
         */
        r->size = r->id == 1 ? EXEC_COLD_RING : EXEC_COLD_RING_THREAD;
        r->blk = ir_block_new();
        g_private_set(&cold_ring_key, r);
    }
    return r;
}

/*
 * What one record holds besides the instructions and temps that follow it (the rest of an
 * IrBlock is the same for every cold block of a context).
 */
typedef struct ColdRecord {
    uint32_t n_insns, n_temps, n_labels, n_exits;
    uint32_t guest_size, guest_insns;
} ColdRecord;
G_STATIC_ASSERT(sizeof(ColdRecord) % G_ALIGNOF(IrInsn) == 0);

#define COLD_ALIGN 16u

static uint64_t record_bytes(uint32_t n_insns, uint32_t n_temps)
{
    uint64_t n = sizeof(ColdRecord) + (uint64_t)n_insns * sizeof(IrInsn) + (uint64_t)n_temps * sizeof(IrTempInfo);
    return (n + COLD_ALIGN - 1) & ~(uint64_t)(COLD_ALIGN - 1);
}

/*
 * Prefault each chunk of the ring the first time the head reaches it: one madvise() costs
 * far less than a page fault per page, and page faults on fresh memory were what made
 * keeping every cold block's IR dearer than lifting it again.
 */
#define COLD_CHUNK (256u << 10)

/*
 * A large ring in transparent huge pages where the host allows it (aligned to 2 MiB, asked
 * for with MADV_HUGEPAGE): populating 4 KiB pages one by one cost about a tenth of a large
 * program's start-up, a huge page is one allocation.  Without them it works the same.
 */
#define COLD_HUGE (2u << 20)
G_STATIC_ASSERT(EXEC_COLD_RING % COLD_HUGE == 0);

static bool cold_ring_map(ColdRing *ring)
{
    bool huge = ring->size % COLD_HUGE == 0;
    size_t len = ring->size + (huge ? COLD_HUGE : 0);
    uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (m == MAP_FAILED) {
        return false;
    }
    if (huge) {
        uint8_t *a = (uint8_t *)(((uintptr_t)m + COLD_HUGE - 1) & ~(uintptr_t)(COLD_HUGE - 1));
        if (a > m) {
            munmap(m, a - m);
        }
        munmap(a + ring->size, m + len - (a + ring->size));
        madvise(a, ring->size, MADV_HUGEPAGE);
        m = a;
    }
    ring->mem = m;
    return true;
}

bool exec_tier_load(ExecCtx *x, TbBlock *tb, IrBlock *view)
{
    ColdRing *ring = cold_ring_self();

    /* Stored by this thread, and not overwritten since. */
    if (tb->cold_ring != ring->id || tb->cold_at >= ring->head || ring->head > tb->cold_at + ring->size) {
        return false;
    }
    uint8_t *p = ring->mem + tb->cold_at % ring->size;
    ColdRecord r;
    memcpy(&r, p, sizeof(r));
    p += sizeof(r);
    *view = (IrBlock){
        .insns = (IrInsn *)(void *)p, .n_insns = r.n_insns, .cap_insns = r.n_insns,
        .temps = (IrTempInfo *)(void *)(p + r.n_insns * sizeof(IrInsn)), .n_temps = r.n_temps,
        .cap_temps = r.n_temps, .n_labels = r.n_labels, .n_exits = r.n_exits, .guest_pc = tb->pc,
        .guest_size = r.guest_size, .guest_insns = r.guest_insns, .mem_helpers = x->mem.mem_helpers,
    };
    return true;
}

void exec_tier_store(ExecCtx *x, TbBlock *tb, const IrBlock *blk)
{
    ColdRing *ring = cold_ring_self();
    uint64_t n = record_bytes(blk->n_insns, blk->n_temps);

    if (n > ring->size / 16) {
        return;             /* a huge block: lifted again each time rather than flushing the ring */
    }
    if (ring->mem == NULL && !cold_ring_map(ring)) {
        return;             /* no ring: every run lifts */
    }
    uint64_t at = ring->head;
    if (at % ring->size + n > ring->size) {
        at += ring->size - at % ring->size;     /* records never wrap: start over */
    }
    for (uint64_t c = (ring->head + COLD_CHUNK - 1) / COLD_CHUNK * COLD_CHUNK;
         c < at + n && c < ring->size; c += COLD_CHUNK) {
        /* Failure (an older kernel) only means the pages fault in one by one. */
        madvise(ring->mem + c, COLD_CHUNK, MADV_POPULATE_WRITE);
    }
    uint8_t *p = ring->mem + at % ring->size;
    ColdRecord r = {
        .n_insns = blk->n_insns, .n_temps = blk->n_temps, .n_labels = blk->n_labels,
        .n_exits = blk->n_exits, .guest_size = blk->guest_size, .guest_insns = blk->guest_insns,
    };
    memcpy(p, &r, sizeof(r));
    p += sizeof(r);
    memcpy(p, blk->insns, r.n_insns * sizeof(IrInsn));
    p += r.n_insns * sizeof(IrInsn);
    memcpy(p, blk->temps, r.n_temps * sizeof(IrTempInfo));
    tb->cold_ring = ring->id;
    tb->cold_at = at;
    ring->head = at + n;
}

/* --- Running cold blocks --- */

void exec_tier_run_cold(ExecCtx *x, GuestCpu *cpu, TbBlock *tb)
{
    IrBlock view;
    const IrBlock *blk = exec_lift_cold(x, cpu, tb, cold_ring_self()->blk, &view);
    IrInterpEnv env = {
        .mem_base = x->mem.base,
        .addr_bits = x->mem.addr_bits,
        .cur_pc = &cpu->pc,             /* exact pc for a host fault inside the block */
        .mem_helpers = x->mem.mem_helpers,
    };
    IrInterpExit e;

    if (x->count_insns) {
        cpu->insns_executed += blk->guest_insns;
    }
    if (x->opts.stats) {
        __atomic_fetch_add(&x->stats.cold_runs, 1, __ATOMIC_RELAXED);
    }
    in_cold = true;
    ir_interp_run(blk, cpu, &env, &e);
    in_cold = false;
    cpu->pc = e.pc;
    switch (e.kind) {
    case IR_INTERP_GOTO_BLOCK:
    case IR_INTERP_GOTO_PTR:
        cpu->exit_kind = GUEST_EXIT_NONE;
        return;
    case IR_INTERP_RAISE:
        cpu->exit_kind = e.raise_kind;
        cpu->exit_code = e.code;
        cpu->exit_aux = e.aux;
        return;
    case IR_INTERP_ADDR_FAULT:
        cpu->exit_kind = GUEST_EXIT_MEM_FAULT;
        cpu->exit_code = e.code;
        cpu->exit_aux = e.aux;
        return;
    }
    g_assert_not_reached();
}

bool exec_host_pc_to_guest(ExecCtx *x, uintptr_t host_pc, const void *host_context, GuestCpu *cpu)
{
    if (in_cold) {
        /* cpu->pc already holds the current instruction (INSN_START writes it), the state is exact. */
        in_cold = false;
        return true;
    }
    return x->engine->host_pc_to_guest != NULL && x->engine->host_pc_to_guest(x, host_pc, host_context, cpu);
}
