/*
 * The x86-64 JIT engine: code cache, entry trampoline, block chaining, host-pc lookup
 * for faults and --trace=host.
 *
 * The code cache is one RWX mapping filled by bump allocation; a full cache makes
 * translate() fail and the exec loop flushes everything.  Its first bytes hold the
 * trampoline: enter(cpu, mem_base, code, limit) saves the callee-saved registers, reserves
 * the spill frame, pins rbp = cpu and r15 = mem_base, keeps the address limit in the frame
 * and jumps to the block; the epilogue
 * undoes that and returns rax:rdx (X64ExitInfo).
 *
 * Each block is preceded by a table of its exits' stub offsets (uint32 per slot) so
 * unchain() can point a patched jump back at its stub.
 */
#define _GNU_SOURCE
#include <capstone/capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "backend-x86_64/x64_internal.h"

#define X64_DEFAULT_CACHE (64u << 20)

G_DEFINE_QUARK(mimic-x64-error-quark, x64_error)

static X64Engine *engine_of(ExecCtx *x)
{
    return x->engine_data;
}

static uint8_t *align_ptr(uint8_t *p, uintptr_t a)
{
    return (uint8_t *)(((uintptr_t)p + a - 1) & ~(a - 1));
}

static const X64Reg saved_regs[] = { X64_RBX, X64_RBP, X64_R12, X64_R13, X64_R14, X64_R15 };

static void emit_trampoline(X64Engine *e)
{
    X64Buf b;
    x64_buf_init(&b, e->cache, e->cache + e->cache_size);
    e->enter = (X64EnterFn)(void *)b.p;
    for (unsigned i = 0; i < G_N_ELEMENTS(saved_regs); i++) {
        x64_push(&b, saved_regs[i]);
    }
    /* 8 (return address) + 6 pushes + frame = a multiple of 16 at every call site. */
    G_STATIC_ASSERT((8 + 6 * 8 + X64_FRAME_BYTES) % 16 == 0);
    x64_alu_ri(&b, X64_SUB, 8, X64_RSP, (int32_t)X64_FRAME_BYTES);
    x64_mov_rr(&b, 8, X64_CPU_REG, X64_RDI);
    x64_mov_rr(&b, 8, X64_MEM_REG, X64_RSI);
    x64_mov_mr(&b, 8, x64_mem(X64_RSP, 0), X64_RCX);
    x64_jmp_r(&b, X64_RDX);

    b.p = align_ptr(b.p, 16);
    e->epilogue = b.p;
    x64_alu_ri(&b, X64_ADD, 8, X64_RSP, (int32_t)X64_FRAME_BYTES);
    for (int i = G_N_ELEMENTS(saved_regs) - 1; i >= 0; i--) {
        x64_pop(&b, saved_regs[i]);
    }
    x64_ret(&b);
    g_assert(!b.overflow);
    e->code_start = align_ptr(b.p, 64);
    e->ptr = e->code_start;
}

static bool jit_init(ExecCtx *x, GError **error)
{
    static gsize features_once;
    if (g_once_init_enter(&features_once)) {
        x64_detect_features();
        g_once_init_leave(&features_once, 1);
    }
    if (!x64_features_apply_env(error)) {
        return false;
    }
    size_t size = x->opts.code_cache_size ? x->opts.code_cache_size : X64_DEFAULT_CACHE;
    if (size < 65536) {
        size = 65536;
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        g_set_error(error, x64_error_quark(), 0, "cannot map a %zu-byte executable code cache: %s",
                    size, g_strerror(errno));
        return false;
    }
    X64Engine *e = g_new0(X64Engine, 1);
    e->cache = p;
    e->cache_size = size;
    e->blocks = g_new0(TbBlock *, EXEC_MAX_BLOCKS);
    e->gen.free_frames = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    e->gen.fixups = g_array_new(FALSE, FALSE, sizeof(X64Fixup));
    e->gen.cold = g_array_new(FALSE, FALSE, sizeof(X64Cold));
    e->gen.pcmap = g_array_new(FALSE, FALSE, sizeof(TbPcMap));
    e->gen.dirty = g_array_new(FALSE, FALSE, sizeof(TbDirtySlot));
    emit_trampoline(e);
    x->engine_data = e;
    return true;
}

static void jit_fini(ExecCtx *x)
{
    X64Engine *e = engine_of(x);
    if (e == NULL) {
        return;
    }
    munmap(e->cache, e->cache_size);
    g_free(e->blocks);
    g_array_free(e->gen.free_frames, TRUE);
    g_array_free(e->gen.fixups, TRUE);
    g_array_free(e->gen.cold, TRUE);
    g_array_free(e->gen.pcmap, TRUE);
    g_array_free(e->gen.dirty, TRUE);
    g_free(e->gen.temps);
    g_free(e->gen.label_off);
    g_free(e->gen.label_refs);
    g_free(e->gen.label_insn);
    g_free(e->gen.label_fused);
    g_free(e->gen.label_state);
    g_free(e->gen.stub_off);
    g_free(e);
    x->engine_data = NULL;
}

static uint32_t *stub_table(TbBlock *tb)
{
    return (uint32_t *)tb->host_code - tb->n_exits;
}

static void trace_host(ExecCtx *x, TbBlock *tb)
{
    FILE *out = x->opts.trace_file ? x->opts.trace_file : stderr;
    csh cs;
    cs_insn *insn;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        return;
    }
    fprintf(out, "host-block 0x%" PRIx64 "\n", (uint64_t)tb->pc);
    size_t n = cs_disasm(cs, tb->host_code, tb->host_size, (uint64_t)(uintptr_t)tb->host_code, 0, &insn);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "host 0x%" PRIx64 " %s %s\n", insn[i].address, insn[i].mnemonic, insn[i].op_str);
    }
    if (n > 0) {
        cs_free(insn, n);
    }
    cs_close(&cs);
}

/*
 * MIMIC_PERF_MAP=1 writes /tmp/perf-PID.map (one "start size name" line per block), the
 * file `perf report` reads to name JIT code: profiling aid only.
 */
static void perf_map_add(TbBlock *tb)
{
    static FILE *map;
    static int state;           /* 0: not checked, 1: on, 2: off */
    if (state == 0) {
        const char *env = getenv("MIMIC_PERF_MAP");
        state = env != NULL && env[0] == '1' ? 1 : 2;
        if (state == 1) {
            char path[64];
            snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
            map = fopen(path, "w");
            state = map != NULL ? 1 : 2;
        }
    }
    if (state == 1) {
        fprintf(map, "%" PRIxPTR " %x guest_0x%" PRIx64 "\n", (uintptr_t)tb->host_code,
                (unsigned)tb->host_size, (uint64_t)tb->pc);
        fflush(map);
    }
}

static bool jit_translate(ExecCtx *x, TbBlock *tb, IrBlock *blk)
{
    X64Engine *e = engine_of(x);
    X64Gen *g = &e->gen;
    uint8_t *end = e->cache + e->cache_size;

    g_assert(tb->n_exits >= blk->n_exits);
    uint8_t *code = align_ptr(e->ptr + 4 * tb->n_exits, 16);
    if (code + 256 > end) {
        return false;
    }
    g->x = x;
    g->e = e;
    g->tb = tb;
    g->blk = blk;
    g->epilogue = e->epilogue;
    g->probe_jmp_cache = !tb->traced;
    g->stub_off = g_renew(uint32_t, g->stub_off, MAX(tb->n_exits, 1u));
    for (uint32_t k = 0; k < tb->n_exits; k++) {
        g->stub_off[k] = UINT32_MAX;
    }
    x64_buf_init(&g->buf, code, end);
    if (!x64_gen_block(g)) {
        return false;
    }
    tb->host_code = code;
    tb->host_size = x64_offset(&g->buf);
    tb->ir = NULL;
    uint32_t *stubs = stub_table(tb);
    for (uint32_t k = 0; k < tb->n_exits; k++) {
        /* A slot the optimizer removed has no stub: point it at the block start (never taken). */
        stubs[k] = g->stub_off[k] != UINT32_MAX ? g->stub_off[k] : 0;
    }
    g_free(tb->pcmap);
    g_free(tb->dirty);
    tb->n_pcmap = g->pcmap->len;
    tb->pcmap = tb->n_pcmap ? g_memdup2(g->pcmap->data, g->pcmap->len * sizeof(TbPcMap)) : NULL;
    tb->dirty = g->dirty->len ? g_memdup2(g->dirty->data, g->dirty->len * sizeof(TbDirtySlot)) : NULL;
    e->ptr = code + tb->host_size;
    g_assert(e->n_blocks < EXEC_MAX_BLOCKS);    /* the exec layer flushes before that */
    e->blocks[e->n_blocks] = tb;
    __atomic_store_n(&e->n_blocks, e->n_blocks + 1, __ATOMIC_RELEASE);
    perf_map_add(tb);
    if ((x->opts.trace & EXEC_TRACE_HOST) && exec_trace_shows(x, tb->pc)) {
        trace_host(x, tb);
    }
    return true;
}

static void jit_run(ExecCtx *x, GuestCpu *cpu, TbBlock *tb, TbBlock **from, unsigned *slot)
{
    X64Engine *e = engine_of(x);
    uint64_t limit = x->mem.addr_bits >= 64 ? ~0ull : 1ull << x->mem.addr_bits;
    X64ExitInfo r = e->enter(cpu, x->mem.base, tb->host_code, limit);
    *from = r.tb;
    *slot = (unsigned)r.slot;
}

/* Patch a 4-byte aligned rel32 with one store, so a concurrent executor sees old or new. */
static void patch_jump(uint8_t *disp, const uint8_t *target)
{
    int64_t rel = target - (disp + 4);
    g_assert(((uintptr_t)disp & 3) == 0 && x64_fits_i32(rel));
    __atomic_store_n((int32_t *)(void *)disp, (int32_t)rel, __ATOMIC_RELEASE);
}

static void jit_chain(ExecCtx *x, TbBlock *from, unsigned slot, TbBlock *to)
{
    g_assert(slot < from->n_exits);
    patch_jump(from->host_code + from->exits[slot].patch_offset, to->host_code);
}

static void jit_unchain(ExecCtx *x, TbBlock *from, unsigned slot)
{
    g_assert(slot < from->n_exits);
    patch_jump(from->host_code + from->exits[slot].patch_offset, from->host_code + stub_table(from)[slot]);
}

static void jit_free_block(ExecCtx *x, TbBlock *tb)
{
    g_free(tb->pcmap);
    tb->pcmap = NULL;
    tb->n_pcmap = 0;
    g_free(tb->dirty);
    tb->dirty = NULL;
}

static void jit_flush(ExecCtx *x)
{
    X64Engine *e = engine_of(x);
    e->ptr = e->code_start;
    __atomic_store_n(&e->n_blocks, 0, __ATOMIC_RELEASE);
}

/* Where the kernel saved each host register in a ucontext_t (X64Reg order). */
static const int greg_of[X64_NREGS] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static bool jit_host_pc_to_guest(ExecCtx *x, uintptr_t host_pc, const void *host_context, GuestCpu *cpu)
{
    X64Engine *e = engine_of(x);
    if (e == NULL || host_pc < (uintptr_t)e->code_start || host_pc >= (uintptr_t)e->cache + e->cache_size) {
        return false;
    }
    /* Blocks are bump-allocated, so the array is sorted by host address. */
    size_t lo = 0, hi = __atomic_load_n(&e->n_blocks, __ATOMIC_ACQUIRE);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        TbBlock *tb = e->blocks[mid];
        if ((uintptr_t)tb->host_code <= host_pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return false;
    }
    TbBlock *tb = e->blocks[lo - 1];
    uintptr_t off = host_pc - (uintptr_t)tb->host_code;
    if (off >= tb->host_size) {
        return false;
    }
    /* The faulting instruction ends at the first entry whose end lies beyond host_pc. */
    for (uint32_t i = 0; i < tb->n_pcmap; i++) {
        if (tb->pcmap[i].host_offset > off) {
            const TbPcMap *m = &tb->pcmap[i];
            const ucontext_t *uc = host_context;
            cpu->pc = tb->pc + (GuestAddr)(int64_t)(int32_t)m->guest_offset;
            /* Tracing: exec_run() counts this block's instructions only up to the fault. */
            exec_thread.counted_tb = tb->insn_offsets != NULL ? tb : NULL;
            for (uint32_t k = 0; k < m->n_dirty && uc != NULL; k++) {
                const TbDirtySlot *d = &tb->dirty[m->dirty_start + k];
                uint64_t v = (uint64_t)uc->uc_mcontext.gregs[greg_of[d->reg]];
                memcpy((uint8_t *)cpu + d->offset, &v, d->size);     /* little-endian host */
            }
            return true;
        }
    }
    return false;
}

const Engine engine_jit = {
    .name = "jit",
    .init = jit_init,
    .fini = jit_fini,
    .translate = jit_translate,
    .run = jit_run,
    .chain = jit_chain,
    .unchain = jit_unchain,
    .free_block = jit_free_block,
    .flush = jit_flush,
    .host_pc_to_guest = jit_host_pc_to_guest,
};
