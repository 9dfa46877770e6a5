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

__thread ExecThread exec_thread;

#define EXEC_DEFAULT_MAX_INSNS 256
/* Past this many blocks (valid or not) since the last flush, start afresh. */
#define EXEC_MAX_BLOCKS 400000

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
    return x->opts.trace_hi == 0 || (pc >= x->opts.trace_lo && pc < x->opts.trace_hi);
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
    x->blocks = g_hash_table_new(g_int64_hash, g_int64_equal);
    x->pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    x->all_blocks = g_ptr_array_new();
    if (x->opts.trace & EXEC_TRACE_MEM) {
        x->trace_mem_helper = &exec_trace_mem_helper;
    }
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
    if (x->engine->fini != NULL) {
        x->engine->fini(x);
    }
    g_hash_table_unref(x->blocks);
    g_hash_table_unref(x->pages);
    g_ptr_array_unref(x->all_blocks);
    x->blocks = NULL;
}

void exec_flush(ExecCtx *x)
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
    memset(x->jmp_cache, 0, sizeof(x->jmp_cache));
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
    if (g_hash_table_lookup(x->blocks, &tb->pc) == tb) {
        g_hash_table_remove(x->blocks, &tb->pc);
    }
    if (x->jmp_cache[tb_jmp_hash(tb->pc)] == tb) {
        x->jmp_cache[tb_jmp_hash(tb->pc)] = NULL;
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
}

/* --- Translation --- */

static void add_to_pages(ExecCtx *x, TbBlock *tb)
{
    GuestAddr first = page_of(x, tb->pc);
    GuestAddr last = page_of(x, tb->pc + (tb->guest_size ? tb->guest_size - 1 : 0));

    for (GuestAddr p = first;; p += x->arch->page_size) {
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
        if (p == last) {
            break;
        }
    }
}

static void trace_ir(ExecCtx *x, IrBlock *blk, const char *when)
{
    g_autofree char *text = ir_block_text(blk);

    fprintf(x->opts.trace_file, "ir-block 0x%" G_GINT64_MODIFIER "x %s\n%s", blk->guest_pc, when, text);
}

static TbBlock *translate(ExecCtx *x, GuestCpu *cpu, GuestAddr pc)
{
    IrBlock *blk = ir_block_new();
    uint64_t t0 = exec_now_ns();
    bool shown = exec_trace_shows(x, pc);
    bool traced = shown && tracing_every_block(x);
    GuestLiftCtx ctx = {
        .blk = blk, .cpu = cpu, .pc = pc, .max_insns = x->opts.max_block_insns,
        .fetch = x->platform.fetch, .fetch_opaque = x->platform.opaque,
    };
    TbBlock *tb;

    if (traced && (x->opts.trace & (EXEC_TRACE_INSN | EXEC_TRACE_REGS))) {
        ctx.max_insns = 1;                  /* one line per executed instruction */
    }
    if (x->opts.trace_hi != 0) {
        /* Blocks end at the range's edges, so no untraced block runs into it. */
        ctx.stop_pc = pc < x->opts.trace_lo ? x->opts.trace_lo : pc < x->opts.trace_hi ? x->opts.trace_hi : 0;
    }
    if (x->all_blocks->len >= EXEC_MAX_BLOCKS) {
        exec_flush(x);
    }
    blk->trace_mem_helper = shown ? x->trace_mem_helper : NULL;
    blk->guest_pc = pc;
    x->arch->lift_block(&ctx);
    if (shown && (x->opts.trace & EXEC_TRACE_IR)) {
        trace_ir(x, blk, "lifted");
    }
    ir_verify_or_die(blk, "lifting");
    if (!x->opts.no_opt) {
        ir_optimize(blk);
        if (shown && (x->opts.trace & EXEC_TRACE_IR)) {
            trace_ir(x, blk, "optimized");
        }
    }
    tb = g_malloc0(sizeof(TbBlock) + blk->n_exits * sizeof(TbExit));
    tb->pc = pc;
    tb->guest_size = blk->guest_size;
    tb->guest_insns = blk->guest_insns;
    tb->valid = true;
    tb->traced = traced;
    tb->generation = x->generation;
    tb->n_exits = blk->n_exits;
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        if (insn->op == IR_OP_GOTO_BLOCK) {
            tb->exits[insn->imm[1]].target = (GuestAddr)insn->imm[0];
        }
    }
    if (!x->engine->translate(x, tb, blk)) {
        exec_flush(x);
        tb->generation = x->generation;
        if (!x->engine->translate(x, tb, blk)) {
            g_error("block at 0x%" G_GINT64_MODIFIER "x does not fit in an empty code cache", pc);
        }
    }
    if (tb->ir != blk) {
        ir_block_free(blk);
    }
    g_ptr_array_add(x->all_blocks, tb);
    g_hash_table_insert(x->blocks, &tb->pc, tb);
    add_to_pages(x, tb);
    x->stats.blocks_translated++;
    x->stats.guest_insns_translated += tb->guest_insns;
    x->stats.host_code_bytes += tb->host_size;
    x->stats.translate_ns += exec_now_ns() - t0;
    return tb;
}

TbBlock *exec_find_block(ExecCtx *x, GuestCpu *cpu, GuestAddr pc)
{
    TbBlock *tb = x->jmp_cache[tb_jmp_hash(pc)];

    if (tb == NULL || tb->pc != pc || !tb->valid) {
        tb = g_hash_table_lookup(x->blocks, &pc);
        if (tb == NULL) {
            tb = translate(x, cpu, pc);
        }
        if (!tb->traced) {
            x->jmp_cache[tb_jmp_hash(pc)] = tb;
        }
    }
    return tb;
}

/* --- The loop --- */

static const char *const exit_names[GUEST_EXIT_COUNT] = {
    [GUEST_EXIT_NONE] = "none", [GUEST_EXIT_SYSCALL] = "syscall", [GUEST_EXIT_ILLEGAL] = "illegal",
    [GUEST_EXIT_BREAKPOINT] = "breakpoint", [GUEST_EXIT_MEM_FAULT] = "mem-fault",
    [GUEST_EXIT_FETCH_FAULT] = "fetch-fault", [GUEST_EXIT_MISALIGNED] = "misaligned",
    [GUEST_EXIT_EXCEPTION] = "exception", [GUEST_EXIT_FPE] = "fpe", [GUEST_EXIT_HALT] = "halt",
    [GUEST_EXIT_INTERRUPT] = "interrupt", [GUEST_EXIT_SYNC_CODE] = "sync-code",
};

/*
 * The block loop proper.  Kept out of exec_run() so none of its locals live in the
 * frame that sigsetjmp() returns to twice.  Returns with cpu->exit_kind set.
 */
static void run_blocks(ExecCtx *x, GuestCpu *cpu, uint8_t *snap)
{
    TbBlock *from = NULL;
    uint64_t from_generation = 0;
    unsigned slot = 0;

    for (;;) {
        TbBlock *tb;

        if (cpu->exit_request != 0) {
            cpu->exit_kind = GUEST_EXIT_INTERRUPT;
            return;
        }
        tb = exec_find_block(x, cpu, cpu->pc);
        /* A flush while translating tb freed `from`: compare generations before touching it. */
        if (from != NULL && from_generation == x->generation && from->valid &&
            from->exits[slot].dest == NULL && from->exits[slot].target == tb->pc &&
            !from->traced && !tb->traced) {
            exec_chain(x, from, slot, tb);
            if (x->opts.trace & EXEC_TRACE_EXEC) {
                fprintf(x->opts.trace_file, "exec chain 0x%" G_GINT64_MODIFIER "x -> 0x%" G_GINT64_MODIFIER "x\n",
                        from->pc, tb->pc);
            }
        }
        if ((x->opts.trace & EXEC_TRACE_BLOCK) && tb->traced) {
            fprintf(x->opts.trace_file, "block 0x%" G_GINT64_MODIFIER "x %u\n", tb->pc, tb->guest_insns);
        }
        if ((x->opts.trace & EXEC_TRACE_INSN) && tb->traced) {
            exec_trace_insn(x, cpu, tb->pc);
        }
        bool diff_regs = snap != NULL && tb->traced;
        if (diff_regs) {
            exec_trace_regs_snapshot(x, cpu, snap);
        }
        x->stats.blocks_executed++;
        cpu->exit_kind = GUEST_EXIT_NONE;
        from = NULL;
        x->engine->run(x, cpu, tb, &from, &slot);
        from_generation = x->generation;
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

void exec_run(ExecCtx *x, GuestCpu *cpu)
{
    sigjmp_buf unwind;
    /* Static per thread so the unwinding path can free nothing: it is reused. */
    static __thread uint8_t *snap;
    static __thread size_t snap_size;

    exec_thread.ctx = x;
    exec_thread.cpu = cpu;
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
    if ((x->opts.trace & EXEC_TRACE_EXEC) && cpu->exit_kind < GUEST_EXIT_COUNT &&
        exec_trace_shows(x, cpu->pc)) {
        fprintf(x->opts.trace_file, "exec exit %s pc=0x%" G_GINT64_MODIFIER "x\n",
                exit_names[cpu->exit_kind], cpu->pc);
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
