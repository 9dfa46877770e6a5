/*
 * Runs of x87 arithmetic in one stub.  An x87 instruction alone costs a stub call
 * whose frstor and fnsave take far longer than the instruction; compiled x87 code
 * (gcc -m32 for double) has long runs of them back to back (fld, fmul, faddp, fxch,
 * fstp...), so consecutive x87 instructions of a block are lifted together: one stub
 * holds all of them between a single frstor and fnsave (hoststub.c), each memory
 * operand at its own 16-byte slot of the frame.
 *
 * What may join a run (x86_x87_seg_kind): the data instructions -- arithmetic, loads,
 * stores, compares, fxch, constants, transcendentals -- but not the control ones
 * (fldcw, fnstcw, fnstsw, fldenv/fnstenv, frstor/fnsave, fninit, fnclex, fwait), which
 * keep their own stubs.  An fcomi/fucomi ends a run (its flags come after the stub).
 * Stores may sit anywhere in a run: the stub leaves each stored value in its frame
 * slot and the IR writes them to memory after it, in program order.  Loads are read
 * before the stub, so a load (x87 or mov) that may read bytes an earlier store of the
 * run writes ends the run before it (x86_seg_disjoint: only the same base, index,
 * scale and segment with disjoint displacements, or RIP-relative addresses, are known
 * apart; gcc's code mostly stores and loads through one pointer with different
 * offsets).  Besides x87 instructions, a run may hold plain moves and lea
 * (x86_seg_int_move; compilers put address loads between x87 instructions) whose
 * destination no instruction before them in the run reads: nothing in a run then
 * writes a register the run reads before, so running it again from its start
 * recomputes the same values.
 *
 * Precision kept:
 *   - loads are read and stores probed (x86_x87_probe_store) before the stub, all
 *     under the run's first instruction (the block has one INSN_START for the run): a
 *     fault there leaves the x87 state as it was before the run and the guest resumes
 *     at its first instruction, re-running all of it (the signal's pc is that first
 *     instruction rather than the faulting one);
 *   - #MF: the stub runs with every exception masked as the single stubs do.  When an
 *     exception the guest left unmasked comes up anywhere in the run, the run is done
 *     again one instruction at a time with the single stubs (replay), from the state
 *     before it; the instruction after the one that raised it is where #MF is taken,
 *     so the helper stops there and the block continues at that instruction's pc
 *     (whose own helper call raises #MF); the stores of the instructions before that
 *     one are written on that path, the later ones not;
 *   - FIP/FDP/FOP come out as after the run's last instruction.
 * A traced block (GuestLiftCtx.straight_line) or single-stepping lifts one at a time.
 */
#include <limits.h>
#include <string.h>

#include "frontend/x86/internal.h"

#define X86_SEG_RESUME (UINT64_C(1) << 63)
#define X86_SEG_INSNS_MAX 48    /* x87 instructions and the moves between them */

typedef struct X86X87SegInsn {
    void *stub;                 /* the instruction alone (X86_STUB_X87, operand at mem[0]) */
    uint64_t info;              /* as for helper_x86_x87, pc included */
    uint64_t pc;
} X86X87SegInsn;

typedef struct X86X87Seg {
    void *fused;                /* every instruction, operand k at mem[16 * k] */
    uint64_t n;
    uint64_t reads_flags;       /* an fcmov: the stub needs the guest's arithmetic flags */
    X86X87Fast fast;            /* without frstor/fnsave, when the guest's tags allow */
    X86X87SegInsn insn[X86_X87_SEG_MAX];
} X86X87Seg;

typedef enum X86SegKind { X86_SEG_NO, X86_SEG_JOIN, X86_SEG_LAST } X86SegKind;

static uint32_t x86_seg_addr_regs(const X86Insn *in);

/* Whether in can be part of a run, and whether it must end it. */
static X86SegKind x86_x87_seg_kind(const X86Insn *in)
{
    unsigned op = in->opcode, r = (in->modrm >> 3) & 7;
    bool store;
    unsigned size;

    if (in->addr16 || in->map != X86_MAP_1 || op < 0xd8 || op > 0xdf || in->desc->trans != x86_trans_x87) {
        return X86_SEG_NO;
    }
    if (in->mod == 3) {
        unsigned m = in->modrm - 0xc0;

        if (!x86_x87_reg_valid(op, m) || (op == 0xdb && (m == 0x22 || m == 0x23)) || (op == 0xdf && m == 0x20)) {
            return X86_SEG_NO;              /* fnclex, fninit, fnstsw ax */
        }
        if ((op == 0xdb || op == 0xdf) && (m >> 3) >= 5) {
            return X86_SEG_LAST;            /* fcomi, fucomi (p): the flags */
        }
        return X86_SEG_JOIN;
    }
    size = x86_x87_mem_size(op, r, &store);
    if (size == 0 || size > 10 || (op == 0xd9 && (r == 5 || r == 7)) || (op == 0xdd && r == 7)) {
        return X86_SEG_NO;                  /* environments, fldcw, fnstcw, fnstsw */
    }
    if (r == 1 && (op == 0xdb || op == 0xdd || op == 0xdf) && !x86_host_has(X86_ISA_SSE3)) {
        return X86_SEG_NO;                  /* fisttp: the single path refuses it */
    }
    return X86_SEG_JOIN;            /* stores too: written after the stub (x86_x87_try_seg) */
}

/* A memory operand of the run: its bytes, and the registers moves wrote since it. */
typedef struct X86SegStore {
    const X86Insn *in;
    uint64_t next_pc;           /* for RIP-relative addresses */
    unsigned size;
    uint32_t written;           /* registers a move of the run wrote after it */
} X86SegStore;

/*
 * Whether the memory operand of b (size nb, next_pc pb) cannot overlap the store s:
 * both RIP-relative at disjoint addresses, or the same segment, base, index and scale
 * (neither register written by a move in between) with disjoint displacement ranges.
 * Anything else may alias.  (Ranges are compared modulo the address size, as the
 * addresses wrap.)
 */
static bool x86_seg_disjoint(const X86SegStore *s, const X86Insn *b, uint64_t pb, unsigned nb)
{
    const X86Insn *a = s->in;
    uint64_t da, db, mask = a->adsz == 8 ? ~(uint64_t)0 : 0xffffffffu;

    if (a->rip_rel != b->rip_rel || a->seg != b->seg || a->adsz != b->adsz) {
        return false;
    }
    if (a->rip_rel) {
        da = s->next_pc + (uint64_t)a->disp;
        db = pb + (uint64_t)b->disp;
    } else {
        if (a->base != b->base || a->index != b->index || (a->index >= 0 && a->scale != b->scale) ||
            (s->written & x86_seg_addr_regs(a))) {
            return false;
        }
        da = (uint64_t)a->disp;
        db = (uint64_t)b->disp;
    }
    /* [da, da + na) and [db, db + nb) apart: each starts at or after the other's end. */
    return ((db - da) & mask) >= s->size && ((da - db) & mask) >= nb;
}

/* Registers an address reads (ModRM memory forms). */
static uint32_t x86_seg_addr_regs(const X86Insn *in)
{
    uint32_t m = 0;

    if (in->base >= 0) {
        m |= 1u << in->base;
    }
    if (in->index >= 0) {
        m |= 1u << in->index;
    }
    return m;
}

/*
 * An integer move that may sit inside a run: mov r, r/m (8B), mov r/m, r between
 * registers (89) and lea (8D), without prefixes that change their meaning.  Sets the
 * registers it reads and the one it writes.  It runs in place (its own IR, before the
 * stub), which is right because x87 instructions neither read nor write general
 * registers; x86_x87_try_seg checks that running it again from the start of the run
 * (after a fault) gives the same result.
 */
static bool x86_seg_int_move(const X86Insn *in, uint32_t *reads, uint32_t *writes)
{
    if (in->map != X86_MAP_1 || in->p66 || in->lock || in->rep || in->repne || in->addr16 || in->rip_rel ||
        (in->seg != X86_SEG_NONE && in->seg != X86_SEG_DS && in->seg != X86_SEG_SS)) {
        return false;
    }
    switch (in->opcode) {
    case 0x8b:
    case 0x8d:
        if (in->opcode == 0x8d && in->mod == 3) {
            return false;
        }
        *reads = in->mod == 3 ? 1u << in->rm : x86_seg_addr_regs(in);
        *writes = 1u << in->reg;
        return true;
    case 0x89:
        if (in->mod != 3) {
            return false;
        }
        *reads = 1u << in->reg;
        *writes = 1u << in->rm;
        return true;
    default:
        return false;
    }
}

/* The stub encoding of in with its memory operand (if any) at frame offset disp. */
static unsigned x86_x87_seg_encode(const X86Insn *in, unsigned disp, uint8_t *b)
{
    unsigned r = (in->modrm >> 3) & 7;

    b[0] = in->opcode;
    if (in->mod == 3) {
        b[1] = in->modrm;
        return 2;
    }
    b[1] = (uint8_t)(0x80 | r << 3 | 7);    /* [rdi + disp32] */
    memcpy(b + 2, &(uint32_t){ disp }, 4);
    return 6;
}

static uint64_t x86_x87_seg_info(const X86Insn *in, uint64_t pc)
{
    uint64_t info = X86_X87_WAIT | X86_X87_DATA;
    bool store = false;

    info |= (uint64_t)(((in->opcode & 7) << 8) | in->modrm) << X86_X87_FOP_SHIFT;
    info |= (uint64_t)(uint32_t)pc << X86_X87_PC_SHIFT;
    if (in->mod != 3) {
        info |= x86_x87_mem_size(in->opcode, (in->modrm >> 3) & 7, &store);
        info |= store ? X86_X87_STORE : 0;
    }
    return info;
}

/* Descriptors live as long as the code that names them: interned, never freed. */
static const X86X87Seg *x86_x87_seg_intern(const X86X87Seg *s)
{
    static GMutex lock;
    static GHashTable *segs;
    g_autoptr(GBytes) k = g_bytes_new(s, offsetof(X86X87Seg, insn) + s->n * sizeof(s->insn[0]));
    const X86X87Seg *r;

    g_mutex_lock(&lock);
    if (!segs) {
        segs = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
    }
    r = g_hash_table_lookup(segs, k);
    if (!r) {
        X86X87Seg *copy = g_new0(X86X87Seg, 1);

        memcpy(copy, s, g_bytes_get_size(k));
        g_hash_table_insert(segs, g_steal_pointer(&k), copy);
        r = copy;
    }
    g_mutex_unlock(&lock);
    return r;
}

/*
 * The run's stores from their scratch slots to memory, in program order; with resume
 * (the pc of the instruction that takes #MF) only those before it.
 */
static void x86_x87_seg_stores(X86Disas *ctx, const X86Insn *ins, unsigned n, const bool *is_x87, const uint64_t *pcs,
                               const IrTemp *eas, const X86X87Seg *seg, IrTemp resume)
{
    IrBlock *blk = ctx->blk;

    for (unsigned i = 0, k = 0; i < n; i++) {
        uint32_t skip;

        if (!is_x87[i]) {
            continue;
        }
        if (ins[i].mod != 3 && (seg->insn[k].info & X86_X87_STORE)) {
            ctx->in = &ins[i];
            ctx->ea = eas[i];
            if (resume != IR_TEMP_NONE) {
                skip = ir_label_new(blk);
                ir_brcond(blk, IR_COND_LEU, resume, x86_const(ctx, pcs[i]), skip);
                x86_x87_copy_at(ctx, seg->insn[k].info & X86_X87_MSIZE, true, 16 * k);
                ir_label(blk, skip);
            } else {
                x86_x87_copy_at(ctx, seg->insn[k].info & X86_X87_MSIZE, true, 16 * k);
            }
        }
        k++;
    }
}

static void x86_x87_guess_init(X86Disas *ctx)
{
    if (!ctx->x87_guessed) {
        const X86FpuState *f = &((const X86Cpu *)ctx->lctx->cpu)->fpu;

        ctx->x87_guessed = true;
        ctx->x87_top = (f->fsw >> 11) & 7;
        ctx->x87_fcw = f->fcw;
    }
}

static void x86_x87_guess_move(X86Disas *ctx, int delta)
{
    if (delta == INT_MIN) {
        ctx->x87_top = -1;
    } else if (ctx->x87_top >= 0) {
        ctx->x87_top = (ctx->x87_top + delta) & 7;
    }
}

void x86_x87_guess(X86Disas *ctx, const X86Insn *in)
{
    unsigned op = in->opcode, r = (in->modrm >> 3) & 7;

    x86_x87_guess_init(ctx);
    if (in->mod == 3) {
        if (op == 0xdb && in->modrm == 0xe3) {
            ctx->x87_top = 0;                           /* fninit */
            ctx->x87_fcw = 0x37f;
        } else if (!(op == 0xdb && in->modrm == 0xe2) && !(op == 0xdf && in->modrm == 0xe0)) {
            x86_x87_guess_move(ctx, x86_x87_stack_effect(in));     /* not fnclex, fnstsw ax */
        }
        return;
    }
    if (op == 0xdd && r == 6) {
        ctx->x87_top = 0;                               /* fnsave */
        ctx->x87_fcw = 0x37f;
    } else if ((op == 0xd9 && r == 4) || (op == 0xdd && r == 4)) {
        ctx->x87_top = ctx->x87_fcw = -1;               /* fldenv, frstor */
    } else if (op == 0xd9 && (r == 5 || r == 6)) {
        ctx->x87_fcw = -1;                              /* fldcw, fnstenv */
    } else if (!(op == 0xd9 && r == 7) && !(op == 0xdd && r == 7)) {
        x86_x87_guess_move(ctx, x86_x87_stack_effect(in));         /* not fnstcw, fnstsw */
    }
}

/*
 * The guard of a specialised run: TOP as expected, no #MF pending, the control word
 * (0x37f, or every exception masked), the registers read valid and those pushed into
 * empty.  Branches to slow otherwise.
 */
static void x86_x87_spec_guard(X86Disas *ctx, const X86X87Spec *sp, unsigned top, bool fcw_default, uint32_t slow)
{
    IrBlock *blk = ctx->blk;
    uint32_t fpu = (uint32_t)offsetof(X86Cpu, fpu);
    uint64_t mask = (fcw_default ? 0xffffu : 0x3fu) | (UINT64_C(0x3880) << 32);
    uint64_t want = (fcw_default ? 0x37fu : 0x3fu) | ((uint64_t)top << 43);
    uint64_t tags = 0, empty = 0;
    IrTemp w, t;

    G_STATIC_ASSERT(offsetof(X86FpuState, fsw) == 4 && offsetof(X86FpuState, ftw) == 8);
    w = ir_get(blk, IR_I64, fpu);
    ir_brcond(blk, IR_COND_NE, ir_and(blk, w, x86_const(ctx, mask)), x86_const(ctx, want), slow);
    for (unsigned r = 0; r < 8; r++) {
        tags |= ((sp->need_valid | sp->need_empty) >> r & 1) << 2 * r;
        empty |= (sp->need_empty >> r & 1) << 2 * r;
    }
    /* Tag 3 (empty) is the only one with both bits set. */
    t = ir_get(blk, IR_I64, fpu + (uint32_t)offsetof(X86FpuState, ftw));
    t = ir_and(blk, ir_and(blk, t, ir_shr(blk, t, x86_const(ctx, 1))), x86_const(ctx, tags));
    ir_brcond(blk, IR_COND_NE, t, x86_const(ctx, empty), slow);
}

bool x86_x87_try_seg(X86Disas *ctx, const X86Insn *in)
{
    GuestLiftCtx *lctx = ctx->lctx;
    IrBlock *blk = ctx->blk;
    unsigned max = lctx->max_insns ? lctx->max_insns : X86_DEFAULT_MAX_INSNS;
    X86Insn ins[X86_SEG_INSNS_MAX];
    bool is_x87[X86_SEG_INSNS_MAX];
    uint64_t pcs[X86_SEG_INSNS_MAX + 1];
    IrTemp ea_last = IR_TEMP_NONE, probed = IR_TEMP_NONE;     /* the first store's address */
    uint8_t code[X86_STUB_CODE_MAX];
    X86X87Seg seg;
    unsigned n = 1, nx87 = 1, ncode = 0, last = 0;
    uint32_t reads = in->mod == 3 ? 0 : x86_seg_addr_regs(in);
    X86SegKind kind = x86_x87_seg_kind(in);
    X86SegStore stores[X86_X87_SEG_MAX];
    const X86Insn *x87[X86_X87_SEG_MAX];
    X86X87Fast fast;
    IrTemp eas[X86_SEG_INSNS_MAX];
    unsigned nstores = 0;
    IrTemp args[2], ret, resume;
    uint32_t ok, slow = 0, done = 0, flags_slot;
    X86X87Spec spec = { .stub = NULL };
    bool store, fcw_default = false;
    int top;

    if (kind != X86_SEG_JOIN || lctx->straight_line || max <= 1) {
        return false;
    }
    ins[0] = *in;
    is_x87[0] = true;
    pcs[0] = ctx->pc;
    pcs[1] = ctx->next_pc;
    if (in->mod != 3) {
        unsigned size = x86_x87_mem_size(in->opcode, (in->modrm >> 3) & 7, &store);

        if (store) {
            stores[nstores++] = (X86SegStore){ .in = &ins[0], .next_pc = pcs[1], .size = size };
        }
    }
    /* The following instructions, within the block's limits (lift.c). */
    while (n < X86_SEG_INSNS_MAX && nx87 < X86_X87_SEG_MAX && blk->guest_insns + n < max) {
        uint64_t pc = pcs[n];
        uint8_t b[16] = { 0 };
        uint32_t r, w;
        unsigned len;

        if ((pc & X86_PAGE_MASK) != (blk->guest_pc & X86_PAGE_MASK) || pc == lctx->stop_pc ||
            !lctx->fetch(lctx->fetch_opaque, pc, b, 15)) {
            break;
        }
        len = x86_decode(b, 15, ctx->mode64, pc, &ins[n]);
        if (len == 0) {
            break;
        }
        pcs[n + 1] = ctx->mode64 ? pc + len : (uint32_t)(pc + len);
        kind = x86_x87_seg_kind(&ins[n]);
        if (kind != X86_SEG_NO && ins[n].mod != 3) {
            /*
             * Stores are written after the stub and loads read before it: a load that
             * may read what a store before it in the run writes starts the next run.
             */
            unsigned size = x86_x87_mem_size(ins[n].opcode, (ins[n].modrm >> 3) & 7, &store);
            bool clash = false;

            for (unsigned k = 0; k < nstores && !store; k++) {
                clash |= !x86_seg_disjoint(&stores[k], &ins[n], pcs[n + 1], size);
            }
            if (clash) {
                break;
            }
            if (store) {
                stores[nstores++] = (X86SegStore){ .in = &ins[n], .next_pc = pcs[n + 1], .size = size };
            }
        }
        if (kind != X86_SEG_NO) {
            is_x87[n] = true;
            reads |= ins[n].mod == 3 ? 0 : x86_seg_addr_regs(&ins[n]);
            last = n++;
            nx87++;
            if (kind == X86_SEG_LAST) {
                break;
            }
            continue;
        }
        /* A move whose destination nothing before it in the run (itself included) reads. */
        if (!x86_seg_int_move(&ins[n], &r, &w) || ((reads | r) & w)) {
            break;
        }
        if (ins[n].mod != 3 && ins[n].opcode == 0x8b) {
            bool clash = false;         /* it loads in place, before the stub writes the stores */

            for (unsigned k = 0; k < nstores; k++) {
                clash |= !x86_seg_disjoint(&stores[k], &ins[n], pcs[n + 1], ins[n].opsz);
            }
            if (clash) {
                break;
            }
        }
        for (unsigned k = 0; k < nstores; k++) {
            stores[k].written |= w;
        }
        reads |= r;
        is_x87[n++] = false;
    }
    n = last + 1;           /* moves after the last x87 instruction are lifted as usual */
    for (unsigned i = 0, k = 0; i < n; i++) {
        if (is_x87[i]) {
            x87[k++] = &ins[i];
        }
    }
    x86_x87_fast_plan(x87, nx87, &fast);
    if (nx87 == 1 && !fast.stub) {
        return false;       /* alone, the single stub is as good */
    }
    /* The form for the TOP and control word the guest is expected to have here. */
    x86_x87_guess_init(ctx);
    top = ctx->x87_top;
    if (top >= 0 && (ctx->x87_fcw < 0 || (ctx->x87_fcw & 0x3f) == 0x3f)) {
        fcw_default = ctx->x87_fcw == 0x37f;
        x86_x87_spec_plan(x87, nx87, (unsigned)top, fcw_default, (uint32_t)pcs[last], ins[last].mod != 3, &spec);
    }
    x86_x87_guess_move(ctx, fast.stub ? fast.final : INT_MIN);

    /*
     * In program order: moves as they are, x87 operands read and stores probed at each
     * instruction's own address and registers; then the stub.
     */
    memset(&seg, 0, sizeof(seg));
    seg.fast = fast;
    x86_cc_flush(ctx);
    for (unsigned i = 0; i < n; i++) {
        const X86Insn *ii = &ins[i];
        unsigned k = seg.n, len1;
        uint8_t one[8];

        ctx->in = ii;
        ctx->ea = IR_TEMP_NONE;
        ctx->pc = pcs[i];
        ctx->next_pc = pcs[i + 1];
        if (!is_x87[i]) {
            bool done = ii->desc->trans(ctx, ii);

            g_assert(done && !ctx->end_block);
            continue;
        }
        seg.insn[k].info = x86_x87_seg_info(ii, pcs[i]);
        if ((ii->opcode == 0xda || ii->opcode == 0xdb) && ii->mod == 3 && ((ii->modrm >> 3) & 7) <= 3) {
            seg.reads_flags = 1;
        }
        seg.insn[k].pc = pcs[i];
        len1 = x86_x87_seg_encode(ii, X86_FPU_FRAME_MEM, one);
        seg.insn[k].stub = x86_host_stub(X86_STUB_X87, one, len1);
        ncode += x86_x87_seg_encode(ii, X86_FPU_FRAME_MEM + 16 * k, code + ncode);
        ea_last = IR_TEMP_NONE;
        eas[i] = IR_TEMP_NONE;
        if (ii->mod != 3) {
            unsigned size = seg.insn[k].info & X86_X87_MSIZE;

            ea_last = x86_gen_ea(ctx);
            if ((seg.insn[k].info & X86_X87_STORE) && probed != IR_TEMP_NONE) {
                /* Not again for a store within the page the run's first store probed. */
                uint32_t skip = ir_label_new(blk);
                IrTemp last = ir_add(blk, ea_last, x86_const(ctx, size - 1));
                IrTemp apart = ir_or(blk, ir_xor(blk, ea_last, probed), ir_xor(blk, last, probed));

                ir_brcond(blk, IR_COND_EQ, ir_and(blk, apart, x86_const(ctx, X86_PAGE_MASK)), x86_const(ctx, 0), skip);
                x86_x87_probe_store(ctx, size);
                ir_label(blk, skip);
            } else if (seg.insn[k].info & X86_X87_STORE) {
                x86_x87_probe_store(ctx, size);
                probed = ea_last;
            } else {
                x86_x87_copy_at(ctx, size, false, 16 * k);
            }
            eas[i] = ea_last;
        }
        seg.n++;
    }
    seg.fused = x86_host_stub(X86_STUB_X87, code, ncode);

    /*
     * The specialised form behind its guard; the general helper when the guess was wrong.
     * An fcomi's flags come through a scratch slot no instruction of the run uses (its
     * register form has no data address).
     */
    flags_slot = X86_OFF_FPU_SCRATCH(X86_X87_SEG_EA / 8 + nx87 - 1);
    if (spec.stub) {
        IrTemp r;

        slow = ir_label_new(blk);
        done = ir_label_new(blk);
        x86_x87_spec_guard(ctx, &spec, (unsigned)top, fcw_default, slow);
        r = ir_call2(blk, &ir_helper_x86_x87_spec, x86_const(ctx, (uint64_t)(uintptr_t)spec.stub),
                     ea_last ? ea_last : x86_const(ctx, 0));
        if (spec.writes_flags) {
            ir_set(blk, flags_slot, ir_and(blk, r, x86_const(ctx, X86_ARITH_FLAGS)));
        }
        ir_br(blk, done);
        ir_label(blk, slow);
    }
    /* The data addresses for a replay (x86_x87_seg_replay), on this path only. */
    for (unsigned i = 0, k = 0; i < n; i++) {
        if (is_x87[i]) {
            if (eas[i] != IR_TEMP_NONE) {
                ir_set(blk, X86_OFF_FPU_SCRATCH(X86_X87_SEG_EA / 8 + k), eas[i]);
            }
            k++;
        }
    }
    args[0] = x86_const(ctx, (uint64_t)(uintptr_t)x86_x87_seg_intern(&seg));
    args[1] = ea_last ? ea_last : x86_const(ctx, 0);
    ret = ir_call(blk, &ir_helper_x86_x87_seg, 2, args);

    /*
     * An unmasked exception within the run: the stores of the instructions before the
     * one that takes #MF are done, then go on at that one.
     */
    ok = ir_label_new(blk);
    ir_brcond(blk, IR_COND_EQ, ir_and(blk, ret, x86_const(ctx, X86_SEG_RESUME)), x86_const(ctx, 0), ok);
    resume = ir_and(blk, ret, x86_const(ctx, ~X86_SEG_RESUME));
    x86_x87_seg_stores(ctx, ins, n, is_x87, pcs, eas, &seg, resume);
    x86_gen_goto_ptr(ctx, resume);
    ir_label(blk, ok);
    if (spec.stub) {
        if (spec.writes_flags) {
            ir_set(blk, flags_slot, ret);
        }
        ir_label(blk, done);
        if (spec.writes_flags) {
            ret = ir_get(blk, IR_I64, flags_slot);
        }
    }

    x86_x87_seg_stores(ctx, ins, n, is_x87, pcs, eas, &seg, IR_TEMP_NONE);
    kind = x86_x87_seg_kind(&ins[n - 1]);
    if (kind == X86_SEG_LAST) {
        x86_cc_set_flags(ctx, ret);     /* fcomi, fucomi */
    }

    /* The lift loop counts the first instruction and goes on after the run. */
    ctx->in = in;
    ctx->pc = pcs[0];
    ctx->next_pc = pcs[n];
    blk->guest_insns += n - 1;
    blk->guest_size += (uint32_t)(pcs[n] - pcs[1]);
    return true;
}

/*
 * The run again, instruction by instruction, from the state before it.  Each single
 * stub takes its operand at the start of the scratch area, which is also the first
 * instruction's slot: a store there is kept aside until the end.
 */
static uint64_t x86_x87_seg_replay(X86Cpu *cpu, const X86X87Seg *s)
{
    uint8_t *scratch = (uint8_t *)cpu->fpu_scratch;
    uint8_t first[16];
    bool first_store = false;
    uint64_t r = 0;

    for (unsigned i = 0; i < s->n; i++) {
        const X86X87SegInsn *in = &s->insn[i];
        unsigned size = in->info & X86_X87_MSIZE;
        uint64_t ea;

        if (i > 0 && (cpu->fpu.fsw & 0x80)) {
            r = X86_SEG_RESUME | in->pc;        /* this one takes #MF */
            break;
        }
        memcpy(&ea, scratch + X86_X87_SEG_EA + 8 * i, 8);
        if (size && !(in->info & X86_X87_STORE)) {
            memmove(scratch, scratch + 16 * i, size);
        }
        r = helper_x86_x87(cpu, (uint64_t)(uintptr_t)in->stub, in->info, ea);
        if (size && (in->info & X86_X87_STORE)) {
            memmove(scratch + 16 * i, scratch, size);
            if (i == 0) {
                memcpy(first, scratch, 16);
                first_store = true;
            }
        }
    }
    if (first_store) {
        memcpy(scratch, first, 16);
    }
    return r;
}

uint64_t helper_x86_x87_seg(void *opaque, uint64_t segp, uint64_t ea)
{
    X86Cpu *cpu = opaque;
    const X86X87Seg *s = (const X86X87Seg *)(uintptr_t)segp;
    const X86X87SegInsn *last = &s->insn[s->n - 1];
    uint8_t *scratch = (uint8_t *)cpu->fpu_scratch;
    X86FpuState old;
    X86FpuSegFrame f;

    if (s->fast.stub && !(cpu->fpu.fsw & 0x80)) {
        uint64_t flags;

        if (x86_x87_fast_run(cpu, &s->fast, last->info, ea, &flags)) {
            return flags;
        }
    }
    old = cpu->fpu;
    G_STATIC_ASSERT(offsetof(X86FpuSegFrame, image) == offsetof(X86FpuFrame, image));
    G_STATIC_ASSERT(offsetof(X86FpuSegFrame, mem) == X86_FPU_FRAME_MEM);
    G_STATIC_ASSERT(X86_X87_SEG_EA + 8 * X86_X87_SEG_MAX <= sizeof(((X86Cpu *)0)->fpu_scratch));

    if (old.fsw & 0x80) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_FPE, 16, x86_fpe_si_code(old.fsw & ~old.fcw));  /* #MF, first */
    }
    f.rax = cpu->regs[X86_RAX];
    f.rflags_in = s->reads_flags ? (x86_get_eflags(cpu) & X86_ARITH_FLAGS) | 0x202 : 0x202;
    f.rflags = 0;
    f.image = old;
    f.image.fcw |= 0x3f;
    f.image.fsw &= (uint16_t)~0x8080u;
    memcpy(f.mem, scratch, 16 * s->n);
    ((void (*)(X86FpuSegFrame *))s->fused)(&f);
    if (f.image.fsw & ~old.fcw & 0x3f) {
        return x86_x87_seg_replay(cpu, s);
    }
    x86_x87_commit(cpu, &old, &f.image, last->info, ea);
    for (unsigned i = 0; i < s->n; i++) {
        if (s->insn[i].info & X86_X87_STORE) {
            memcpy(scratch + 16 * i, f.mem + 16 * i, s->insn[i].info & X86_X87_MSIZE);
        }
    }
    return f.rflags & X86_ARITH_FLAGS;
}
