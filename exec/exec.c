/*
 * The exec loop and the block cache.
 *
 * Owns: looking blocks up by guest pc, translating on a miss (lift, optimize,
 * hand to the engine), chaining exits once both ends exist, the page -> blocks
 * map used to invalidate code that the guest overwrote, and the unwinding point
 * that faults and raising helpers jump back to.
 *
 * Must not: know any guest ISA (only GuestArch), or how an engine runs code.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "exec/exec.h"
#include "ir/host_fp.h"

__thread ExecThread exec_thread;

#define EXEC_DEFAULT_MAX_INSNS 256

const Engine *exec_engine_by_name(const char *name)
{
    if (g_strcmp0(name, "jit") == 0) {
        return &engine_jit;
    }
    if (g_strcmp0(name, "interp") == 0) {
        return &engine_interp;
    }
    return NULL;
}

static guint tb_key_hash(gconstpointer p)
{
    const TbKey *k = p;
    uint64_t h = k->pc * 0x9e3779b97f4a7c15ull ^ k->phys ^ ((uint64_t)k->flags << 40);
    return (guint)(h ^ (h >> 29));
}

static gboolean tb_key_equal(gconstpointer a, gconstpointer b)
{
    const TbKey *x = a, *y = b;
    return x->pc == y->pc && x->phys == y->phys && x->flags == y->flags;
}

static bool system_mode(const ExecCtx *x)
{
    return x->mem.mem_helpers != NULL;
}

/* The key of the block the CPU would run at pc; false on a fetch fault (system mode). */
static bool key_of(ExecCtx *x, GuestCpu *cpu, GuestAddr pc, TbKey *key)
{
    key->pc = pc;
    key->phys = pc;
    key->flags = 0;
    if (!system_mode(x)) {
        return true;
    }
    key->flags = x->arch->sys_mode_bits(cpu);
    return x->platform.code_paddr(x->platform.opaque, cpu, pc, &key->phys);
}

static GuestAddr page_of(ExecCtx *x, GuestAddr a)
{
    return a & ~(GuestAddr)(x->arch->page_size - 1);
}

/* Tracing that needs every block entry to pass through this loop disables chaining. */
static bool tracing_every_block(const ExecCtx *x)
{
    return (x->opts.trace & (EXEC_TRACE_INSN | EXEC_TRACE_REGS | EXEC_TRACE_BLOCK | EXEC_TRACE_EXEC)) != 0;
}

bool exec_trace_shows(const ExecCtx *x, GuestAddr pc)
{
    const ExecTraceRanges *rs = __atomic_load_n(&x->trace_ranges, __ATOMIC_ACQUIRE);

    if (rs == NULL) {
        return true;
    }
    for (unsigned i = 0; i < rs->n; i++) {
        if (pc >= rs->r[i].lo && pc < rs->r[i].hi) {
            return true;
        }
    }
    return false;
}

/* Where a block starting at pc must end so that it does not cross a range edge (0: nowhere). */
static GuestAddr trace_stop_pc(const ExecCtx *x, GuestAddr pc)
{
    const ExecTraceRanges *rs = __atomic_load_n(&x->trace_ranges, __ATOMIC_ACQUIRE);
    GuestAddr stop = 0;

    for (unsigned i = 0; rs != NULL && i < rs->n; i++) {
        GuestAddr edge = pc < rs->r[i].lo ? rs->r[i].lo : pc < rs->r[i].hi ? rs->r[i].hi : 0;
        if (edge != 0 && (stop == 0 || edge < stop)) {
            stop = edge;
        }
    }
    return stop;
}

bool exec_init(ExecCtx *x, const GuestArch *arch, const ExecOptions *opts,
               const ExecMemModel *mem, const ExecPlatform *platform, GError **error)
{
    memset(x, 0, sizeof(*x));
    x->arch = arch;
    x->opts = *opts;
    if (x->opts.trace_file == NULL) {
        x->opts.trace_file = stderr;
    }
    if (x->opts.max_block_insns == 0) {
        x->opts.max_block_insns = EXEC_DEFAULT_MAX_INSNS;
    }
    x->mem = *mem;
    x->platform = *platform;
    x->engine = exec_engine_by_name(opts->engine ? opts->engine : "jit");
    if (x->engine == NULL) {
        g_set_error(error, IR_MIMIC_ERROR, 0, "unknown engine '%s' (use jit or interp)", opts->engine);
        return false;
    }
    x->blocks = g_hash_table_new(tb_key_hash, tb_key_equal);
    x->pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    x->all_blocks = g_ptr_array_new();
    x->cpus = g_ptr_array_new();
    g_mutex_init(&x->lock);
    g_mutex_init(&x->excl_lock);
    g_cond_init(&x->excl_done);
    g_cond_init(&x->excl_resume);
    /*
     * Any trace output goes through the crash-safe writer (exec/trace_out.c) on the trace
     * file's descriptor; fprintf users get a stream that appends to it.
     */
    x->trace_any = x->opts.trace != 0 || x->opts.trace_last != 0 || x->opts.trace_watches != NULL;
    if (x->trace_any) {
        fflush(x->opts.trace_file);
        exec_trace_out_open(fileno(x->opts.trace_file));
        x->opts.trace_file = exec_trace_out_stream();
        x->trace_flush_often = exec_trace_out_shares_output();
    }
    /* Traces print a step counter, which needs the instruction count that --stats keeps. */
    x->count_insns = x->opts.stats || x->trace_any;
    /*
     * The cold tier saves work only when blocks would otherwise be compiled; tracing wants
     * every block to be what the JIT runs (and its lines to match the other engine's).
     */
    if (x->opts.tier_threshold == EXEC_TIER_THRESHOLD_GUEST) {
        x->opts.tier_threshold = arch->tier_threshold;
    }
    x->tiering = x->opts.tier_threshold > 0 && x->engine != &engine_interp && !x->trace_any;
    if ((x->opts.trace & EXEC_TRACE_MEM) || x->opts.trace_last != 0 || x->opts.trace_watches != NULL) {
        x->trace_mem_helper = &exec_trace_mem_helper;
    }
    if (x->opts.trace_last != 0 || x->opts.trace_watches != NULL) {
        /* The ring also gives --trace-watch exact step numbers. */
        exec_trace_last_init(x);
    }
    exec_trace_resolve(x);
    if (x->engine->init != NULL && !x->engine->init(x, error)) {
        return false;
    }
    return true;
}

static void free_blocks(ExecCtx *x)
{
    for (guint i = 0; i < x->all_blocks->len; i++) {
        TbBlock *tb = g_ptr_array_index(x->all_blocks, i);
        if (x->engine->free_block != NULL) {
            x->engine->free_block(x, tb);
        }
        ir_block_free(tb->ir);
        g_free(tb->trace_text);
        g_free(tb->insn_offsets);
        g_free(tb->pcmap);
        if (tb->incoming != NULL) {
            g_array_unref(tb->incoming);
        }
        g_free(tb);
    }
    g_ptr_array_set_size(x->all_blocks, 0);
}

void exec_fini(ExecCtx *x)
{
    if (x->blocks == NULL) {
        return;
    }
    free_blocks(x);
    ir_block_free(x->spare_ir);
    x->spare_ir = NULL;
    if (x->engine->fini != NULL) {
        x->engine->fini(x);
    }
    g_hash_table_unref(x->blocks);
    g_hash_table_unref(x->pages);
    g_ptr_array_unref(x->all_blocks);
    g_ptr_array_unref(x->cpus);
    g_mutex_clear(&x->lock);
    g_mutex_clear(&x->excl_lock);
    g_cond_clear(&x->excl_done);
    g_cond_clear(&x->excl_resume);
    x->blocks = NULL;
}

/* --- CPUs and exclusive sections --- */

void exec_cpu_register(ExecCtx *x, GuestCpu *cpu)
{
    g_assert(cpu->jmp_cache == NULL);
    cpu->jmp_cache = g_new0(TbBlock *, TB_JMP_CACHE_ALLOC);       /* and the return-address stack */
    if (tracing_every_block(x) || x->tiering) {
        cpu->loop_cache = g_new0(TbBlock *, TB_JMP_CACHE_SIZE);
    }
    g_mutex_lock(&x->lock);
    g_ptr_array_add(x->cpus, cpu);
    g_mutex_unlock(&x->lock);
}

void exec_cpu_unregister(ExecCtx *x, GuestCpu *cpu)
{
    g_assert(!cpu->running);
    g_mutex_lock(&x->lock);
    g_ptr_array_remove_fast(x->cpus, cpu);
    g_mutex_unlock(&x->lock);
    g_free(cpu->jmp_cache);
    cpu->jmp_cache = NULL;
    g_free(cpu->loop_cache);
    cpu->loop_cache = NULL;
}

/*
 * The handshake between a CPU entering or leaving exec_run() and a thread that wants to
 * run alone is Dekker's: each side stores its own flag (running / excl_pending) with a
 * full barrier, then reads the other's.  At least one sees the other, so either the
 * section counts the CPU as running and waits for it to step out (GUEST_REQ_EXCLUSIVE
 * makes generated code leave at the next block entry), or the CPU sees the section and
 * waits for it to end before running anything.
 */
static void exec_cpu_start(ExecCtx *x, GuestCpu *cpu)
{
    /* Cleared before `running` is set: a section that counts us from now on sets it anew. */
    __atomic_fetch_and(&cpu->exit_request, ~GUEST_REQ_EXCLUSIVE, __ATOMIC_SEQ_CST);
    __atomic_store_n(&cpu->running, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&x->excl_pending, __ATOMIC_SEQ_CST)) {
        g_mutex_lock(&x->excl_lock);
        if (cpu->excl_waiter) {
            cpu->excl_waiter = false;
            if (--x->excl_waiting == 0) {
                g_cond_signal(&x->excl_done);
            }
        }
        __atomic_store_n(&cpu->running, 0, __ATOMIC_SEQ_CST);
        while (x->excl_pending) {
            g_cond_wait(&x->excl_resume, &x->excl_lock);
        }
        __atomic_fetch_and(&cpu->exit_request, ~GUEST_REQ_EXCLUSIVE, __ATOMIC_SEQ_CST);
        __atomic_store_n(&cpu->running, 1, __ATOMIC_SEQ_CST);
        g_mutex_unlock(&x->excl_lock);
    }
}

static void exec_cpu_end(ExecCtx *x, GuestCpu *cpu)
{
    __atomic_store_n(&cpu->running, 0, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&x->excl_pending, __ATOMIC_SEQ_CST)) {
        g_mutex_lock(&x->excl_lock);
        if (cpu->excl_waiter) {
            cpu->excl_waiter = false;
            if (--x->excl_waiting == 0) {
                g_cond_signal(&x->excl_done);
            }
        }
        g_mutex_unlock(&x->excl_lock);
    }
}

void exec_start_exclusive(ExecCtx *x)
{
    g_mutex_lock(&x->excl_lock);
    while (x->excl_pending) {
        g_cond_wait(&x->excl_resume, &x->excl_lock);
    }
    __atomic_store_n(&x->excl_pending, 1, __ATOMIC_SEQ_CST);
    g_mutex_lock(&x->lock);
    for (guint i = 0; i < x->cpus->len; i++) {
        GuestCpu *cpu = g_ptr_array_index(x->cpus, i);
        if (__atomic_load_n(&cpu->running, __ATOMIC_SEQ_CST)) {
            cpu->excl_waiter = true;
            x->excl_waiting++;
            __atomic_fetch_or(&cpu->exit_request, GUEST_REQ_EXCLUSIVE, __ATOMIC_SEQ_CST);
        }
    }
    g_mutex_unlock(&x->lock);
    while (x->excl_waiting > 0) {
        g_cond_wait(&x->excl_done, &x->excl_lock);
    }
    g_mutex_unlock(&x->excl_lock);
}

void exec_end_exclusive(ExecCtx *x)
{
    g_mutex_lock(&x->excl_lock);
    __atomic_store_n(&x->excl_pending, 0, __ATOMIC_SEQ_CST);
    g_cond_broadcast(&x->excl_resume);
    g_mutex_unlock(&x->excl_lock);
}

/* Step out for a waiting exclusive section and come back when it has ended. */
static void exec_cpu_yield(ExecCtx *x, GuestCpu *cpu)
{
    exec_cpu_end(x, cpu);
    exec_cpu_start(x, cpu);
}

/* --- Flushing --- */

/* The flush proper: the caller runs exclusive and holds x->lock. */
static void flush_locked(ExecCtx *x)
{
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, x->pages);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (x->platform.unwatch_code_page != NULL) {
            x->platform.unwatch_code_page(x->platform.opaque, *(GuestAddr *)key);
        }
    }
    g_hash_table_remove_all(x->pages);
    g_hash_table_remove_all(x->blocks);
    for (guint i = 0; i < x->cpus->len; i++) {
        GuestCpu *cpu = g_ptr_array_index(x->cpus, i);
        /* With the return-address stack: its entries point at the blocks freed below. */
        memset(cpu->jmp_cache, 0, TB_JMP_CACHE_ALLOC * sizeof(TbBlock *));
        if (cpu->loop_cache != NULL) {
            memset(cpu->loop_cache, 0, TB_JMP_CACHE_SIZE * sizeof(TbBlock *));
        }
    }
    free_blocks(x);
    if (x->engine->flush != NULL) {
        x->engine->flush(x);
    }
    x->generation++;
    x->stats.cache_flushes++;
    if (x->opts.trace & EXEC_TRACE_EXEC) {
        fprintf(x->opts.trace_file, "exec flush\n");
    }
}

void exec_flush_held(ExecCtx *x)
{
    g_mutex_lock(&x->lock);
    flush_locked(x);
    g_mutex_unlock(&x->lock);
}

void exec_flush(ExecCtx *x)
{
    GuestCpu *self = exec_thread.ctx == x ? exec_thread.cpu : NULL;
    bool was_running = self != NULL && self->running;

    if (was_running) {
        exec_cpu_end(x, self);
    }
    exec_start_exclusive(x);
    g_mutex_lock(&x->lock);
    flush_locked(x);
    g_mutex_unlock(&x->lock);
    exec_end_exclusive(x);
    if (was_running) {
        exec_cpu_start(x, self);
    }
}

/* --- Chaining --- */

static void exec_chain(ExecCtx *x, TbBlock *from, unsigned slot, TbBlock *to)
{
    TbLink link = { .from = from, .slot = slot };

    g_assert(slot < from->n_exits && from->exits[slot].dest == NULL);
    from->exits[slot].dest = to;
    if (to->incoming == NULL) {
        to->incoming = g_array_new(FALSE, FALSE, sizeof(TbLink));
    }
    g_array_append_val(to->incoming, link);
    if (x->engine->chain != NULL) {
        x->engine->chain(x, from, slot, to);
    }
    x->stats.chains++;
}

static void invalidate_block(ExecCtx *x, TbBlock *tb)
{
    if (!tb->valid) {
        return;
    }
    tb->valid = false;
    if (g_hash_table_lookup(x->blocks, &tb->key) == tb) {
        g_hash_table_remove(x->blocks, &tb->key);
    }
    for (guint i = 0; i < x->cpus->len; i++) {
        GuestCpu *cpu = g_ptr_array_index(x->cpus, i);
        TbBlock *expected = tb;
        /* Another thread may be probing this entry: it sees the block or NULL, both fine. */
        __atomic_compare_exchange_n(&cpu->jmp_cache[tb_jmp_hash(tb->pc)], &expected, NULL, false,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    }
    if (tb->incoming != NULL) {
        for (guint i = 0; i < tb->incoming->len; i++) {
            TbLink *l = &g_array_index(tb->incoming, TbLink, i);
            if (l->from->exits[l->slot].dest == tb) {
                l->from->exits[l->slot].dest = NULL;
                if (x->engine->unchain != NULL) {
                    x->engine->unchain(x, l->from, l->slot);
                }
            }
        }
        g_array_set_size(tb->incoming, 0);
    }
    x->stats.invalidations++;
}

void exec_invalidate_range(ExecCtx *x, GuestAddr start, uint64_t len)
{
    GuestAddr first, last;

    if (len == 0) {
        return;
    }
    g_mutex_lock(&x->lock);
    first = page_of(x, start);
    last = page_of(x, start + len - 1);
    for (GuestAddr p = first;; p += x->arch->page_size) {
        GPtrArray *list = g_hash_table_lookup(x->pages, &p);
        if (list != NULL) {
            for (guint i = 0; i < list->len; i++) {
                invalidate_block(x, g_ptr_array_index(list, i));
            }
            g_hash_table_remove(x->pages, &p);
            if (x->platform.unwatch_code_page != NULL) {
                x->platform.unwatch_code_page(x->platform.opaque, p);
            }
        }
        if (p == last) {
            break;
        }
    }
    g_mutex_unlock(&x->lock);
}

/* --- Translation --- */

/*
 * The page map is by physical page in system mode.  A block never crosses a virtual page
 * except by its last instruction, whose second page is mapped independently: it is
 * recorded through its own physical address.
 */
static void add_to_page(ExecCtx *x, TbBlock *tb, GuestAddr p)
{
    GPtrArray *list = g_hash_table_lookup(x->pages, &p);
    if (list == NULL) {
        GuestAddr *key = g_new(GuestAddr, 1);
        *key = p;
        list = g_ptr_array_new();
        g_hash_table_insert(x->pages, key, list);
        if (x->platform.watch_code_page != NULL) {
            x->platform.watch_code_page(x->platform.opaque, p);
        }
    }
    g_ptr_array_add(list, tb);
}

static void add_to_pages(ExecCtx *x, TbBlock *tb)
{
    GuestAddr first = page_of(x, tb->key.phys);
    GuestAddr last = page_of(x, tb->key.phys + (tb->guest_size ? tb->guest_size - 1 : 0));

    for (GuestAddr p = first;; p += x->arch->page_size) {
        add_to_page(x, tb, p);
        if (p == last) {
            break;
        }
    }
    /* User mode only (GuestLiftCtx.other_page_ok), where pages are virtual. */
    if (tb->code_page2 != 0 && (tb->code_page2 < first || tb->code_page2 > last)) {
        add_to_page(x, tb, page_of(x, tb->code_page2));
    }
    tb->in_pages = true;
}

static void trace_ir(ExecCtx *x, IrBlock *blk, const char *when)
{
    g_autofree char *text = ir_block_text(blk);

    fprintf(x->opts.trace_file, "ir-block 0x%" G_GINT64_MODIFIER "x %s\n%s", blk->guest_pc, when, text);
}

/*
 * Drop x->lock, flush exclusively, take the lock again.  Another thread may have
 * translated anything meanwhile, so callers look again afterwards.
 */
static void flush_unlocked(ExecCtx *x)
{
    g_mutex_unlock(&x->lock);
    exec_flush(x);
    g_mutex_lock(&x->lock);
}

/*
 * User mode: lifters fetch guest code an instruction (or a piece of one) at a time, and each
 * platform fetch checks the mapping and copies under a fault guard.  Fetching the rest of the
 * page once (at most sizeof buf) and serving the lifter from that is the same, since
 * permissions are per page: a page's bytes are all fetchable or none are.  A fetch the chunk
 * does not cover (the next page) goes to the platform as asked.  Not in system mode, where a
 * fetch may reach a device.
 */
typedef struct FetchChunk {
    ExecCtx *x;
    GuestAddr base;
    unsigned len;
    uint8_t buf[256];
} FetchChunk;

static bool fetch_chunked(void *opaque, GuestAddr addr, void *out, unsigned len)
{
    FetchChunk *c = opaque;
    ExecPlatform *pf = &c->x->platform;

    if (addr >= c->base && addr - c->base < c->len && len <= c->len - (addr - c->base)) {
        memcpy(out, c->buf + (addr - c->base), len);
        return true;
    }
    uint64_t n = MIN(sizeof(c->buf), page_of(c->x, addr) + c->x->arch->page_size - addr);
    if (len <= n && pf->fetch(pf->opaque, addr, c->buf, (unsigned)n)) {
        c->base = addr;
        c->len = (unsigned)n;
        memcpy(out, c->buf, len);
        return true;
    }
    return pf->fetch(pf->opaque, addr, out, len);
}

/*
 * Lift the block at key->pc into blk (reset first), with everything tracing and the debugger
 * ask of it.  Called with x->lock held.
 */
static void lift_locked(ExecCtx *x, GuestCpu *cpu, const TbKey *key, IrBlock *blk, bool shown, bool traced)
{
    GuestAddr pc = key->pc;
    bool stepping = (key->flags & EXEC_KEY_STEP) != 0;

    ir_block_reset(blk);
    FetchChunk chunk = { .x = x };
    GuestLiftCtx ctx = {
        .blk = blk, .cpu = cpu, .pc = pc, .max_insns = x->opts.max_block_insns,
        .fetch = x->platform.fetch, .fetch_opaque = x->platform.opaque,
        .straight_line = x->trace_any && !x->opts.trace_whole_blocks,
    };
    if (!system_mode(x)) {
        ctx.fetch = fetch_chunked;
        ctx.fetch_opaque = &chunk;
    }
    if ((traced && (x->opts.trace & (EXEC_TRACE_INSN | EXEC_TRACE_REGS))) ||
        (shown && (x->opts.trace & EXEC_TRACE_MEM))) {
        /* One line per executed instruction; a mem line's step is its block's count. */
        ctx.max_insns = 1;
    }
    /* Blocks end at the ranges' edges, so no untraced block runs into one. */
    ctx.stop_pc = trace_stop_pc(x, pc);
    /* --trace-last and --trace-watch see every access; --trace=mem only those in range. */
    blk->trace_mem_helper = (shown || x->opts.trace_last != 0 || x->opts.trace_watches != NULL) ?
                            x->trace_mem_helper : NULL;
    blk->trace_insn_helper = x->trace_insn_helper;
    blk->mem_helpers = x->mem.mem_helpers;
    blk->guest_pc = pc;
    /* Debugger: stepping and watching lift one instruction per block; breakpoints end blocks. */
    GuestAddr bp_next = exec_debug_breakpoint_after(x, pc);
    if (bp_next != 0 && (ctx.stop_pc == 0 || bp_next < ctx.stop_pc)) {
        ctx.stop_pc = bp_next;
    }
    ctx.no_code_before_pc = x->debug.breakpoints != NULL || x->trace_ranges != NULL;
    ctx.other_page_ok = !system_mode(x);
    if (!system_mode(x) && x->mem.page_prot != NULL) {
        ctx.page_prot = x->mem.page_prot;
        ctx.page_prot_write = x->mem.page_prot_write;
        ctx.page_prot_bits = x->mem.addr_bits;
    }
    if (stepping || x->debug.watching) {
        ctx.max_insns = 1;
    }
    if (x->debug.watching) {
        blk->trace_mem_helper = &exec_debug_watch_helper;
    }
    if (exec_debug_breakpoint_at(x, pc)) {
        /* The breakpoint's block: stop before the instruction, every time it is entered. */
        ir_insn_start(blk, pc, 2);
        ir_raise(blk, GUEST_EXIT_DEBUG, EXEC_STOP_BREAK, IR_TEMP_NONE);
        blk->guest_size = 1;
        blk->guest_insns = 0;
    } else {
        x->arch->lift_block(&ctx);
    }
    if (blk->trace_count_insn != 0) {
        g_assert(blk->insns[blk->trace_count_insn].op == IR_OP_CONST);
        blk->insns[blk->trace_count_insn].imm[0] = blk->guest_insns;
    }
    if (shown && (x->opts.trace & EXEC_TRACE_IR)) {
        trace_ir(x, blk, "lifted");
    }
    if (ir_verify_wanted()) {
        ir_verify_or_die(blk, "lifting");
    }
}

/*
 * The IR for one interpreted run of cold block tb (exec/tier.c): its record in this thread's
 * ring, else lifted into blk (the thread's own) and stored.  Takes x->lock: lifters and their
 * caches are serialized as in translation, and tb's record fields are guarded by it.
 */
const IrBlock *exec_lift_cold(ExecCtx *x, GuestCpu *cpu, TbBlock *tb, IrBlock *blk, IrBlock *view)
{
    const IrBlock *run = blk;

    g_mutex_lock(&x->lock);
    /* Watching lifts one instruction per block, with a helper after each access: never stored. */
    if (!x->debug.watching && exec_tier_load(x, tb, view)) {
        run = view;
    } else {
        /* Timed only for --stats: a clock read is a noticeable part of lifting a small block. */
        uint64_t t0 = x->opts.stats ? exec_now_ns() : 0;
        /* Host FP flags kept (ir/host_fp.h): a lifter's caches are GLib hash tables too. */
        uint32_t fp = host_fp_save();

        lift_locked(x, cpu, &tb->key, blk, false, false);
        if (!x->debug.watching) {
            exec_tier_store(x, tb, blk);
        }
        if (!tb->in_pages) {
            /* From now on a write to its code (or a breakpoint there) must drop the stored IR. */
            tb->guest_size = blk->guest_size;
            tb->code_page2 = blk->code_page2;
            add_to_pages(x, tb);
        }
        host_fp_restore(fp);
        if (x->opts.stats) {
            x->stats.cold_ns += exec_now_ns() - t0;
            x->stats.cold_lifts++;
        }
    }
    g_mutex_unlock(&x->lock);
    return run;
}

/*
 * TbBlock.insn_offsets of a block lifted straight-line (tracing): the pcs of its INSN_STARTs in first
 * appearance (slow paths after the last exit lift instructions again), NULL for one
 * instruction, whose faults count right as they are.
 */
static uint32_t *insn_offsets_of(const IrBlock *blk)
{
    if (blk->guest_insns < 2) {
        return NULL;
    }
    uint32_t *offs = g_new(uint32_t, blk->guest_insns);
    uint32_t n = 0;
    for (uint32_t i = 0; i < blk->n_insns && n < blk->guest_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        if (insn->op == IR_OP_INSN_START) {
            uint32_t off = (uint32_t)((uint64_t)insn->imm[0] - blk->guest_pc);
            if (n == 0 || off > offs[n - 1]) {
                offs[n++] = off;
            }
        }
    }
    while (n < blk->guest_insns) {
        offs[n++] = UINT32_MAX;         /* never a fault pc: counts as before */
    }
    return offs;
}

/*
 * Make the block at pc: lift, optimize and emit it -- or, for a cold block (tiering on,
 * and nothing that needs every block compiled), only record it: its runs lift it
 * (exec_lift_cold).  Called with x->lock held; returns with it held.
 */
static TbBlock *translate_locked_fp(ExecCtx *x, GuestCpu *cpu, const TbKey *key, TbTier tier)
{
    IrBlock *blk;
    GuestAddr pc = key->pc;
    uint64_t t0 = exec_now_ns();
    bool shown = exec_trace_shows(x, pc);
    bool traced = shown && tracing_every_block(x);
    TbBlock *tb;

    if (x->all_blocks->len >= EXEC_MAX_BLOCKS) {
        flush_unlocked(x);
        tb = g_hash_table_lookup(x->blocks, key);
        if (tb != NULL) {
            return tb;
        }
    }
    bool stepping = (key->flags & EXEC_KEY_STEP) != 0;
    traced = traced || stepping;
    if (tier == TB_TIER_COLD && x->tiering && !traced && !x->debug.watching) {
        /*
         * Nothing to make yet: its first run lifts it (and keeps the IR for a while in the
         * ring, exec/tier.c) and records its pages; it has no exits (never chained).
         */
        tb = g_new0(TbBlock, 1);
        tb->pc = pc;
        tb->key = *key;
        tb->flags = key->flags;
        tb->valid = true;
        tb->tier = TB_TIER_COLD;
        tb->generation = x->generation;
        g_ptr_array_add(x->all_blocks, tb);
        g_hash_table_insert(x->blocks, &tb->key, tb);
        x->stats.blocks_cold++;
        x->stats.cold_ns += exec_now_ns() - t0;
        return tb;
    }
    /* The last translation's IR storage, unless its engine kept it (tb->ir). */
    blk = x->spare_ir != NULL ? x->spare_ir : ir_block_new();
    x->spare_ir = NULL;
    lift_locked(x, cpu, key, blk, shown, traced);
    uint32_t *insn_offsets = x->trace_any && !x->opts.trace_whole_blocks ? insn_offsets_of(blk) : NULL;
    if (!x->opts.no_opt) {
        ir_optimize(blk);
        if (shown && (x->opts.trace & EXEC_TRACE_IR)) {
            trace_ir(x, blk, "optimized");
        }
    }
    tb = g_malloc0(sizeof(TbBlock) + blk->n_exits * sizeof(TbExit));
    tb->pc = pc;
    tb->key = *key;
    tb->flags = key->flags;
    tb->guest_size = blk->guest_size;
    tb->guest_insns = blk->guest_insns;
    tb->code_page2 = blk->code_page2;
    tb->valid = true;
    tb->traced = traced;
    tb->insn_offsets = insn_offsets;
    tb->generation = x->generation;
    tb->n_exits = blk->n_exits;
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        if (insn->op == IR_OP_GOTO_BLOCK) {
            tb->exits[insn->imm[1]].target = (GuestAddr)insn->imm[0];
        }
    }
    if (!x->engine->translate(x, tb, blk)) {
        /*
         * The code cache is full.  The lifted IR does not depend on the cache, so it is
         * emitted again after the flush, unless another thread made this block meanwhile.
         */
        flush_unlocked(x);
        TbBlock *other = g_hash_table_lookup(x->blocks, key);
        if (other != NULL) {
            x->spare_ir = blk;
            g_free(tb->insn_offsets);
            g_free(tb);
            return other;
        }
        tb->generation = x->generation;
        if (!x->engine->translate(x, tb, blk)) {
            g_error("block at 0x%" G_GINT64_MODIFIER "x does not fit in an empty code cache", pc);
        }
    }
    if (tb->ir != blk) {
        x->spare_ir = blk;
    }
    g_ptr_array_add(x->all_blocks, tb);
    g_hash_table_insert(x->blocks, &tb->key, tb);
    add_to_pages(x, tb);
    x->stats.blocks_translated++;
    x->stats.guest_insns_translated += tb->guest_insns;
    x->stats.host_code_bytes += tb->host_size;
    x->stats.translate_ns += exec_now_ns() - t0;
    return tb;
}

/* Translation runs between two guest instructions: MXCSR kept (ir/host_fp.h says why). */
static TbBlock *translate_locked(ExecCtx *x, GuestCpu *cpu, const TbKey *key, TbTier tier)
{
    uint32_t fp = host_fp_save();
    TbBlock *tb = translate_locked_fp(x, cpu, key, tier);

    host_fp_restore(fp);
    return tb;
}

TbBlock *exec_find_block(ExecCtx *x, GuestCpu *cpu, GuestAddr pc)
{
    TbBlock **slot = &cpu->jmp_cache[tb_jmp_hash(pc)];
    TbBlock *tb = *slot;
    TbKey key;

    /*
     * System mode: a jump cache entry counts only for the current mode bits (checked here
     * and by generated code against cpu->jmp_flags, which every mode change passes through
     * C to update); mapping changes flush it (exec_cpu_flush_jmp_cache*).
     */
    uint32_t flags = 0;
    if (system_mode(x)) {
        flags = cpu->jmp_flags = x->arch->sys_mode_bits(cpu);
    }
    if (tb != NULL && tb->pc == pc && tb->valid && tb->flags == flags) {
        return tb;
    }
    if (cpu->loop_cache != NULL) {
        tb = cpu->loop_cache[tb_jmp_hash(pc)];
        if (tb != NULL && tb->pc == pc && tb->valid && tb->flags == flags) {
            return tb;
        }
    }
    if (!key_of(x, cpu, pc, &key)) {
        return NULL;
    }
    g_mutex_lock(&x->lock);
    tb = g_hash_table_lookup(x->blocks, &key);
    if (tb == NULL) {
        tb = translate_locked(x, cpu, &key, TB_TIER_COLD);
    }
    if (!tb->traced && tb->tier == TB_TIER_FULL) {
        *slot = tb;
    } else if (cpu->loop_cache != NULL) {
        cpu->loop_cache[tb_jmp_hash(pc)] = tb;
    }
    g_mutex_unlock(&x->lock);
    return tb;
}

/*
 * The one-instruction block at pc for a single step: its own key (EXEC_KEY_STEP), never in
 * a jump cache and never chained (traced), so the exec loop sees its end.
 */
static TbBlock *find_step_block(ExecCtx *x, GuestCpu *cpu, GuestAddr pc)
{
    TbKey key;
    TbBlock *tb;

    if (!key_of(x, cpu, pc, &key)) {
        return NULL;
    }
    key.flags |= EXEC_KEY_STEP;
    g_mutex_lock(&x->lock);
    tb = g_hash_table_lookup(x->blocks, &key);
    if (tb == NULL) {
        tb = translate_locked(x, cpu, &key, TB_TIER_FULL);
    }
    g_mutex_unlock(&x->lock);
    return tb;
}

/*
 * A cold block has run often enough: compile it in full and put the result in its place.
 * Nothing is chained to a cold block and no jump cache holds it, so retiring it only
 * takes it out of the block table (its page-map entry stays, harmlessly, until the page
 * is invalidated or the cache flushed).  Another thread may have replaced or invalidated
 * it already: then this takes whatever the table holds now.
 */
static TbBlock *tier_up(ExecCtx *x, GuestCpu *cpu, TbBlock *cold)
{
    TbKey key = cold->key;              /* a flush while translating frees `cold` */
    TbBlock *tb;

    g_mutex_lock(&x->lock);
    tb = g_hash_table_lookup(x->blocks, &key);
    if (tb == cold) {
        cold->valid = false;
        g_hash_table_remove(x->blocks, &key);
        tb = translate_locked(x, cpu, &key, TB_TIER_FULL);
        x->stats.tier_ups++;
    } else if (tb == NULL) {
        tb = translate_locked(x, cpu, &key, TB_TIER_COLD);
    }
    if (!tb->traced && tb->tier == TB_TIER_FULL) {
        cpu->jmp_cache[tb_jmp_hash(tb->pc)] = tb;
    } else if (cpu->loop_cache != NULL) {
        cpu->loop_cache[tb_jmp_hash(tb->pc)] = tb;
    }
    g_mutex_unlock(&x->lock);
    return tb;
}

void exec_cpu_clear_ras(GuestCpu *cpu)
{
    memset(tb_ras(cpu->jmp_cache), 0, TB_RAS_SIZE * sizeof(TbBlock *));
}

/*
 * The return-address stack goes with the jump cache: both map a virtual pc to a block,
 * and a mapping change may put other code at the same pc.
 */
void exec_cpu_flush_jmp_cache(GuestCpu *cpu)
{
    memset(cpu->jmp_cache, 0, TB_JMP_CACHE_ALLOC * sizeof(TbBlock *));
    if (cpu->loop_cache != NULL) {
        memset(cpu->loop_cache, 0, TB_JMP_CACHE_SIZE * sizeof(TbBlock *));
    }
}

void exec_cpu_flush_jmp_cache_page(ExecCtx *x, GuestCpu *cpu, GuestAddr addr)
{
    GuestAddr page = page_of(x, addr);
    /* The entries a pc of this page can hash to: tb_jmp_hash() is (pc >> 1) & mask. */
    for (GuestAddr pc = page; pc < page + x->arch->page_size && pc - page < 2 * TB_JMP_CACHE_SIZE; pc += 2) {
        TbBlock **e = &cpu->jmp_cache[tb_jmp_hash(pc)];
        if (*e != NULL && page_of(x, (*e)->pc) == page) {
            *e = NULL;
        }
        if (cpu->loop_cache != NULL) {
            e = &cpu->loop_cache[tb_jmp_hash(pc)];
            if (*e != NULL && page_of(x, (*e)->pc) == page) {
                *e = NULL;
            }
        }
    }
    exec_cpu_clear_ras(cpu);            /* 32 entries: cheaper to clear than to search */
}

/* --- The loop --- */

static const char *const exit_names[GUEST_EXIT_COUNT] = {
    [GUEST_EXIT_NONE] = "none", [GUEST_EXIT_SYSCALL] = "syscall", [GUEST_EXIT_ILLEGAL] = "illegal",
    [GUEST_EXIT_BREAKPOINT] = "breakpoint", [GUEST_EXIT_MEM_FAULT] = "mem-fault",
    [GUEST_EXIT_FETCH_FAULT] = "fetch-fault", [GUEST_EXIT_MISALIGNED] = "misaligned",
    [GUEST_EXIT_EXCEPTION] = "exception", [GUEST_EXIT_FPE] = "fpe", [GUEST_EXIT_HALT] = "halt",
    [GUEST_EXIT_INTERRUPT] = "interrupt", [GUEST_EXIT_SYNC_CODE] = "sync-code",
    [GUEST_EXIT_SYNC_MODE] = "sync-mode", [GUEST_EXIT_TLB_FLUSH] = "tlb-flush",
    [GUEST_EXIT_DEBUG] = "debug",
};

const char *exec_exit_name(unsigned kind)
{
    return kind < GUEST_EXIT_COUNT && exit_names[kind] != NULL ? exit_names[kind] : "?";
}

/*
 * The block loop proper.  Kept out of exec_run() so none of its locals live in the
 * frame that sigsetjmp() returns to twice.  Returns with cpu->exit_kind set.
 */
static void run_blocks(ExecCtx *x, GuestCpu *cpu, uint8_t *snap)
{
    /* This thread's last block was traced and shown: no state line for the next. */
    static __thread bool in_range;
    TbBlock *from = NULL;
    uint64_t from_generation = 0;
    unsigned slot = 0;

    for (;;) {
        TbBlock *tb;
        uint32_t req = cpu->exit_request;

        if (cpu->debug_step && cpu->debug_stepped) {
            /* The step's instruction has run (and its syscall or trap been handled). */
            cpu->exit_kind = GUEST_EXIT_DEBUG;
            cpu->exit_code = EXEC_STOP_STEP;
            return;
        }
        if (req != 0) {
            if (req == GUEST_REQ_EXCLUSIVE) {
                /* Only a flush wants us out: step aside, then carry on. */
                exec_cpu_yield(x, cpu);
                from = NULL;
                continue;
            }
            cpu->exit_kind = GUEST_EXIT_INTERRUPT;
            return;
        }
        tb = cpu->debug_step ? find_step_block(x, cpu, cpu->pc) : exec_find_block(x, cpu, cpu->pc);
        if (tb != NULL && tb->tier == TB_TIER_COLD &&
            __atomic_add_fetch(&tb->cold_runs, 1, __ATOMIC_RELAXED) > x->opts.tier_threshold) {
            tb = tier_up(x, cpu, tb);
        }
        if (tb == NULL) {
            if (cpu->debug_step) {
                cpu->debug_stepped = 1;     /* the fetch fault is the step's outcome */
            }
            return;             /* fetch fault: the platform's code_paddr set the exit */
        }
        /*
         * System mode chains only within one virtual page and one mode: a jump to another
         * page must look up its mapping, which a page-table change may have moved.
         */
        if (system_mode(x) && from != NULL &&
            (page_of(x, from->pc) != page_of(x, tb->pc) || from->flags != tb->flags)) {
            from = NULL;
        }
        if (from != NULL && !from->traced && !tb->traced && tb->tier == TB_TIER_FULL) {
            g_mutex_lock(&x->lock);
            /*
             * A flush while translating tb freed `from`: compare generations before touching
             * it.  Another thread may have chained this exit or invalidated either block.
             */
            if (from_generation == x->generation && from->valid && tb->valid &&
                from->exits[slot].dest == NULL && from->exits[slot].target == tb->pc) {
                exec_chain(x, from, slot, tb);
                if ((x->opts.trace & EXEC_TRACE_EXEC) && exec_trace_window(x, exec_trace_step(cpu))) {
                    exec_trace_printf("exec chain 0x%" G_GINT64_MODIFIER "x -> 0x%" G_GINT64_MODIFIER
                                      "x #%" G_GUINT64_FORMAT "\n", from->pc, tb->pc, exec_trace_step(cpu));
                }
            }
            g_mutex_unlock(&x->lock);
        }
        bool shown = tb->traced && exec_trace_window(x, exec_trace_step(cpu));
        if (shown && !in_range && (x->opts.trace & (EXEC_TRACE_INSN | EXEC_TRACE_REGS))) {
            /* Entering a traced range (or the trace window): the whole state once. */
            exec_trace_state(x, cpu);
        }
        in_range = shown;
        if ((x->opts.trace & EXEC_TRACE_BLOCK) && shown) {
            exec_trace_printf("block 0x%" G_GINT64_MODIFIER "x %u #%" G_GUINT64_FORMAT "\n", tb->pc,
                              tb->guest_insns, exec_trace_step(cpu));
        }
        if ((x->opts.trace & EXEC_TRACE_INSN) && shown) {
            exec_trace_insn(x, cpu, tb);
        }
        bool diff_regs = snap != NULL && shown;
        if (diff_regs) {
            exec_trace_regs_snapshot(x, cpu, snap);
        }
        if (x->opts.stats) {
            __atomic_fetch_add(&x->stats.blocks_executed, 1, __ATOMIC_RELAXED);
        }
        cpu->exit_kind = GUEST_EXIT_NONE;
        /* Untraced blocks chain: engines say which one faulted (interp loop, JIT fault map). */
        exec_thread.counted_tb = tb->traced && tb->insn_offsets != NULL ? tb : NULL;
        from = NULL;
        from_generation = __atomic_load_n(&x->generation, __ATOMIC_RELAXED);
        if (tb->tier == TB_TIER_COLD) {
            exec_tier_run_cold(x, cpu, tb);     /* no host code: never chained from */
        } else {
            x->engine->run(x, cpu, tb, &from, &slot);
        }
        if (cpu->debug_step && cpu->exit_kind != GUEST_EXIT_DEBUG && cpu->exit_kind != GUEST_EXIT_INTERRUPT) {
            cpu->debug_stepped = 1;
            from = NULL;
        }
        if (diff_regs) {
            exec_trace_regs_diff(x, cpu, snap);
        }
        if (cpu->exit_kind == GUEST_EXIT_SYNC_CODE) {
            /* fence.i / isync: stores already invalidated stale blocks; resume after it. */
            cpu->pc += (uint64_t)cpu->exit_code;
            cpu->exit_kind = GUEST_EXIT_NONE;
            continue;
        }
        if (cpu->exit_kind != GUEST_EXIT_NONE) {
            return;
        }
    }
}

/*
 * A traced block counts all its instructions when entered; when one of them faults or
 * makes a system call, only those up to it have run, and the trace's step counter (the
 * signal line, the handler's instructions) must say so, as with one instruction per block.
 */
static void count_to_fault(GuestCpu *cpu, const TbBlock *tb)
{
    switch (cpu->exit_kind) {
    case GUEST_EXIT_SYSCALL:
    case GUEST_EXIT_ILLEGAL:
    case GUEST_EXIT_BREAKPOINT:
    case GUEST_EXIT_MEM_FAULT:
    case GUEST_EXIT_MISALIGNED:
    case GUEST_EXIT_EXCEPTION:
    case GUEST_EXIT_FPE:
        break;
    default:
        return;
    }
    uint64_t off = cpu->pc - tb->pc;
    for (uint32_t i = 0; i + 1 < tb->guest_insns; i++) {
        if (tb->insn_offsets[i] == off) {
            cpu->insns_executed -= tb->guest_insns - (i + 1);
            return;
        }
    }
}

void exec_run(ExecCtx *x, GuestCpu *cpu)
{
    sigjmp_buf unwind;
    /* Static per thread so the unwinding path can free nothing: it is reused. */
    static __thread uint8_t *snap;
    static __thread size_t snap_size;

    g_assert(cpu->jmp_cache != NULL);       /* exec_cpu_register() first */
    /*
     * The host's FP flags as guest code left them: guests may keep their own flags in
     * MXCSR between operations (see translate_locked), and the host code that ran since
     * (syscalls, signal delivery, GLib) may have raised some.
     */
    if (exec_thread.has_mxcsr) {
        host_fp_restore(exec_thread.guest_mxcsr);
    } else {
        host_fp_restore(host_fp_save() & ~0x3fu);     /* a new thread: no flags from C code */
    }
    exec_thread.ctx = x;
    exec_thread.cpu = cpu;
    exec_cpu_start(x, cpu);
    if (x->trace_insn_helper != NULL) {
        exec_trace_last_thread(x, cpu);
    }
    if ((x->opts.trace & EXEC_TRACE_REGS) && snap_size < x->arch->cpu_size) {
        g_free(snap);
        snap = g_malloc(x->arch->cpu_size);
        snap_size = x->arch->cpu_size;
    }
    /*
     * No signal mask is saved: that would cost a syscall on every entry (every guest
     * syscall).  exec_fault_unwind() unblocks the fault signals itself instead.
     */
    if (sigsetjmp(unwind, 0) == 0) {
        exec_thread.unwind = &unwind;
        run_blocks(x, cpu, (x->opts.trace & EXEC_TRACE_REGS) ? snap : NULL);
    }
    /* Here after a normal exit, or after a fault handler or raising helper unwound. */
    exec_thread.unwind = NULL;
    if (exec_thread.counted_tb != NULL) {
        count_to_fault(cpu, exec_thread.counted_tb);
        exec_thread.counted_tb = NULL;
    }
    if (x->arch->host_fp_sync != NULL) {
        x->arch->host_fp_sync(cpu);
    }
    exec_thread.guest_mxcsr = host_fp_save();
    exec_thread.has_mxcsr = true;
    exec_tier_unwound();
    exec_cpu_end(x, cpu);
    if ((x->opts.trace & EXEC_TRACE_EXEC) && cpu->exit_kind < GUEST_EXIT_COUNT &&
        exec_trace_shows(x, cpu->pc) && exec_trace_window(x, exec_trace_step(cpu))) {
        exec_trace_printf("exec exit %s pc=0x%" G_GINT64_MODIFIER "x #%" G_GUINT64_FORMAT "\n",
                          exit_names[cpu->exit_kind], cpu->pc, exec_trace_step(cpu));
    }
}

G_NORETURN void exec_fault_unwind(uintptr_t host_pc, GuestExitKind kind, int64_t code, uint64_t aux)
{
    GuestCpu *cpu = exec_thread.cpu;
    sigset_t faults;

    (void)host_pc;
    g_assert(exec_thread.unwind != NULL);
    /* Leaving the handler by longjmp skips the kernel's restore of the signal mask. */
    sigemptyset(&faults);
    sigaddset(&faults, SIGSEGV);
    sigaddset(&faults, SIGBUS);
    pthread_sigmask(SIG_UNBLOCK, &faults, NULL);
    cpu->exit_kind = kind;
    cpu->exit_code = code;
    cpu->exit_aux = aux;
    siglongjmp(*exec_thread.unwind, 1);
}

G_NORETURN void guest_cpu_exit(GuestCpu *cpu, GuestExitKind kind, int64_t code, uint64_t aux)
{
    g_assert(exec_thread.unwind != NULL && exec_thread.cpu == cpu);
    cpu->exit_kind = kind;
    cpu->exit_code = code;
    cpu->exit_aux = aux;
    siglongjmp(*exec_thread.unwind, 1);
}
