/*
 * One-pass register allocator for the JIT.
 *
 * Every host register may hold at most one IR temp and at most one cached guest-state
 * slot at a time (both when a SET stores a temp or a GET reads one).  Temps are freed
 * after their last use; when registers run out the cheapest one is evicted: a clean
 * guest slot, a constant, a dirty slot (written back), then a temp (stored to a frame
 * slot).  Temps used across a label (or assigned more than once) are "global": they own
 * a frame slot that is updated at every definition, so labels only need to forget the
 * register mappings.
 */
#include "backend-x86_64/x64_internal.h"

/* Callee-saved registers first: values cached there survive helper calls. */
const X64Reg x64_alloc_order[] = {
    X64_RBX, X64_R12, X64_R13, X64_R14, X64_RSI, X64_RDI, X64_R8, X64_R9, X64_R10,
    X64_RAX, X64_RCX, X64_RDX,
};
const unsigned x64_n_alloc_order = G_N_ELEMENTS(x64_alloc_order);

bool x64_is_caller_saved(X64Reg r)
{
    return r == X64_RAX || r == X64_RCX || r == X64_RDX || r == X64_RSI || r == X64_RDI ||
           r == X64_R8 || r == X64_R9 || r == X64_R10 || r == X64_R11;
}

X64Mem x64_frame_mem(X64Gen *g, int32_t slot)
{
    return x64_mem(X64_RSP, 8 + slot * 8 + g->rsp_adjust);
}

X64Mem x64_limit_mem(X64Gen *g)
{
    return x64_mem(X64_RSP, g->rsp_adjust);
}

static uint32_t frame_alloc(X64Gen *g)
{
    if (g->free_frames->len > 0) {
        uint32_t s = g_array_index(g->free_frames, uint32_t, g->free_frames->len - 1);
        g_array_set_size(g->free_frames, g->free_frames->len - 1);
        return s;
    }
    g_assert(g->n_frame < X64_FRAME_SLOTS);
    return g->n_frame++;
}

void x64_ra_begin_block(X64Gen *g)
{
    for (unsigned r = 0; r < X64_NREGS; r++) {
        g->regs[r] = (X64RegInfo){ .temp = IR_TEMP_NONE, .slot = -1 };
    }
    g->locked = 0;
    g->n_frame = 0;
    g->rsp_adjust = 0;
    g_array_set_size(g->free_frames, 0);
}

void x64_ra_begin_insn(X64Gen *g)
{
    g->locked = 0;
}

void x64_ra_lock(X64Gen *g, X64Reg r)
{
    g->locked |= 1u << r;
}

void x64_ra_map(X64Gen *g, X64Reg r, IrTemp t)
{
    X64TempInfo *ti = &g->temps[t];
    if (ti->reg >= 0 && ti->reg != r) {
        g->regs[ti->reg].temp = IR_TEMP_NONE;
    }
    g->regs[r].temp = t;
    ti->reg = (int8_t)r;
}

void x64_ra_unmap(X64Gen *g, X64Reg r)
{
    IrTemp t = g->regs[r].temp;
    if (t != IR_TEMP_NONE) {
        g->temps[t].reg = -1;
        g->regs[r].temp = IR_TEMP_NONE;
    }
}

void x64_ra_store_slot(X64Gen *g, X64Reg r)
{
    X64RegInfo *ri = &g->regs[r];
    x64_mov_mr(&g->buf, ri->slot_size, x64_mem(X64_CPU_REG, ri->slot), r);
    ri->dirty = false;
}

/* Does t still matter after the current instruction (and is not rematerializable)? */
static bool temp_needs_saving(X64Gen *g, IrTemp t)
{
    X64TempInfo *ti = &g->temps[t];
    if (ti->is_const) {
        return false;
    }
    if (ti->global) {
        return !ti->in_frame;       /* homes are updated at definition, so normally false */
    }
    return ti->last_use >= g->cur;  /* includes inputs of the current instruction */
}

static void temp_spill(X64Gen *g, X64Reg r)
{
    IrTemp t = g->regs[r].temp;
    X64TempInfo *ti = &g->temps[t];
    if (temp_needs_saving(g, t) && !ti->in_frame) {
        if (ti->frame < 0) {
            ti->frame = (int32_t)frame_alloc(g);
        }
        x64_mov_mr(&g->buf, 8, x64_frame_mem(g, ti->frame), r);
        ti->in_frame = true;
    }
    x64_ra_unmap(g, r);
}

static bool reg_is_free(X64Gen *g, X64Reg r)
{
    return g->regs[r].temp == IR_TEMP_NONE && g->regs[r].slot < 0 && !(g->locked & (1u << r));
}

X64Reg x64_ra_alloc_nospill(X64Gen *g)
{
    for (unsigned i = 0; i < x64_n_alloc_order; i++) {
        X64Reg r = x64_alloc_order[i];
        if (reg_is_free(g, r)) {
            x64_ra_lock(g, r);
            return r;
        }
    }
    return X64_NOREG;
}

/* A free register for t: its self loop home (X64TempInfo.home) when that is free. */
X64Reg x64_ra_alloc_home(X64Gen *g, IrTemp t)
{
    int8_t h = g->temps[t].home;
    if (h >= 0 && reg_is_free(g, (X64Reg)h)) {
        x64_ra_lock(g, (X64Reg)h);
        return (X64Reg)h;
    }
    return x64_ra_alloc_nospill(g);
}

/* Cost of evicting r (lower is cheaper). */
static unsigned evict_cost(X64Gen *g, X64Reg r)
{
    X64RegInfo *ri = &g->regs[r];
    unsigned cost = 0;
    if (ri->slot >= 0) {
        cost += ri->dirty ? 2 : 1;
    }
    if (ri->temp != IR_TEMP_NONE) {
        X64TempInfo *ti = &g->temps[ri->temp];
        if (ti->is_const) {
            cost += 1;
        } else if (ti->global || ti->in_frame) {
            cost += 3;
        } else {
            cost += 4;
        }
    }
    return cost;
}

void x64_ra_evict(X64Gen *g, X64Reg r)
{
    X64RegInfo *ri = &g->regs[r];
    if (ri->temp == IR_TEMP_NONE && ri->slot < 0) {
        return;
    }
    /* Prefer moving the contents to a free register over a memory round trip. */
    bool keep_t = ri->temp != IR_TEMP_NONE && temp_needs_saving(g, ri->temp);
    bool keep_s = ri->slot >= 0 && ri->dirty;
    if (keep_t || keep_s) {
        uint32_t saved = g->locked;
        g->locked |= 1u << r;
        X64Reg f = x64_ra_alloc_nospill(g);
        g->locked = saved;
        if (f != X64_NOREG) {
            x64_mov_rr(&g->buf, 8, f, r);
            g->regs[f] = *ri;
            if (ri->temp != IR_TEMP_NONE) {
                g->temps[ri->temp].reg = (int8_t)f;
            }
            *ri = (X64RegInfo){ .temp = IR_TEMP_NONE, .slot = -1 };
            return;
        }
    }
    if (ri->slot >= 0) {
        if (ri->dirty) {
            x64_ra_store_slot(g, r);
        }
        ri->slot = -1;
    }
    if (ri->temp != IR_TEMP_NONE) {
        temp_spill(g, r);
    }
}

X64Reg x64_ra_alloc(X64Gen *g)
{
    X64Reg r = x64_ra_alloc_nospill(g);
    if (r != X64_NOREG) {
        return r;
    }
    X64Reg best = X64_NOREG;
    unsigned best_cost = ~0u;
    uint32_t best_use = 0;
    for (unsigned i = 0; i < x64_n_alloc_order; i++) {
        X64Reg c = x64_alloc_order[i];
        if (g->locked & (1u << c)) {
            continue;
        }
        unsigned cost = evict_cost(g, c);
        IrTemp t = g->regs[c].temp;
        uint32_t use = t != IR_TEMP_NONE ? g->temps[t].last_use : 0;
        /* Among equals, evict the temp whose last use is farthest away. */
        if (cost < best_cost || (cost == best_cost && use > best_use)) {
            best = c;
            best_cost = cost;
            best_use = use;
        }
    }
    g_assert(best != X64_NOREG);
    /* Nothing is free, so eviction cannot move the value elsewhere: it goes to memory. */
    x64_ra_evict(g, best);
    x64_ra_lock(g, best);
    return best;
}

void x64_ra_take(X64Gen *g, X64Reg r)
{
    x64_ra_evict(g, r);
    x64_ra_lock(g, r);
}

void x64_ra_load_value(X64Gen *g, X64Reg dst, IrTemp t, unsigned sz)
{
    X64TempInfo *ti = &g->temps[t];
    if (ti->reg >= 0) {
        if (ti->reg != dst) {
            x64_mov_rr(&g->buf, sz == 8 ? 8 : 4, dst, ti->reg);
        }
    } else if (ti->is_const) {
        x64_mov_ri(&g->buf, sz == 8 ? 8 : 4, dst, sz == 8 ? ti->cval : (uint32_t)ti->cval);
    } else {
        g_assert(ti->in_frame);
        x64_mov_rm(&g->buf, sz == 8 ? 8 : 4, dst, x64_frame_mem(g, ti->frame));
    }
}

X64Reg x64_ra_use(X64Gen *g, IrTemp t)
{
    X64TempInfo *ti = &g->temps[t];
    if (ti->reg >= 0) {
        x64_ra_lock(g, ti->reg);
        return ti->reg;
    }
    X64Reg r = x64_ra_alloc(g);
    x64_ra_load_value(g, r, t, 8);
    x64_ra_map(g, r, t);
    return r;
}

/* Instructions slot_dies_next looks ahead for the SET that kills a slot. */
#define SLOT_DIES_LOOKAHEAD 12

/* A pure operation that cannot fault, touch memory or state, call or branch. */
static bool quiet_op(const IrInsn *insn)
{
    uint32_t f = ir_op_info[insn->op].flags;
    return (f & IR_F_PURE) && insn->op != IR_OP_CALL &&
           !(f & (IR_F_MEMORY | IR_F_CAN_FAULT | IR_F_READS_STATE | IR_F_WRITES_STATE | IR_F_ENDS_BLOCK |
                  IR_F_LABEL | IR_F_BRANCH));
}

/*
 * r caches a slot whose value dies before anything can see it: the current instruction
 * and those up to a SET of that whole slot are quiet (quiet_op, or a GET or SET of other
 * slots), as in "t = shr u, 1; t2 = xor t, v; set t2, slot" (a self loop's step of a
 * guest register, u its old value dying here).  The current instruction may then
 * compute its result in r, dropping the slot without a store: this keeps the register's
 * value in the register that carries it round the loop, with no move at the back edge.
 */
static bool slot_dies_next(const X64Gen *g, X64Reg r)
{
    const IrBlock *blk = g->blk;
    const X64RegInfo *ri = &g->regs[r];
    if (g->cur == 0 || g->cur > blk->n_insns || !quiet_op(&blk->insns[g->cur - 1])) {
        return false;
    }
    for (uint32_t k = g->cur; k < blk->n_insns && k < g->cur + SLOT_DIES_LOOKAHEAD; k++) {
        const IrInsn *x = &blk->insns[k];
        if (x->op == IR_OP_INSN_START) {
            continue;
        }
        if (x->op == IR_OP_GET || x->op == IR_OP_SET) {
            int32_t off = (int32_t)x->imm[0];
            unsigned size = x64_tsz((IrType)x->type);
            if (off < ri->slot + ri->slot_size && ri->slot < off + (int32_t)size) {
                return x->op == IR_OP_SET && off == ri->slot && size == ri->slot_size;
            }
            continue;
        }
        if (!quiet_op(x)) {
            return false;
        }
    }
    return false;
}

bool x64_ra_reusable(X64Gen *g, IrTemp t)
{
    X64TempInfo *ti = &g->temps[t];
    if (ti->reg < 0 || (g->regs[ti->reg].slot >= 0 && !slot_dies_next(g, (X64Reg)ti->reg))) {
        return false;
    }
    return ti->last_use <= g->cur || ti->is_const;
}

X64Reg x64_ra_def(X64Gen *g, IrTemp t, X64Reg reuse)
{
    X64TempInfo *ti = &g->temps[t];
    X64Reg r;
    if (reuse != X64_NOREG) {
        x64_ra_unmap(g, reuse);
        if (g->regs[reuse].slot >= 0) {
            g_assert(slot_dies_next(g, reuse));
            g->regs[reuse].slot = -1;
            g->regs[reuse].dirty = false;
        }
        r = reuse;
        x64_ra_lock(g, r);
    } else {
        if (ti->reg >= 0) {
            x64_ra_unmap(g, ti->reg);    /* redefinition of a multi-def temp */
        }
        r = ti->home >= 0 ? x64_ra_alloc_home(g, t) : X64_NOREG;
        if (r == X64_NOREG) {
            r = x64_ra_alloc(g);
        }
    }
    x64_ra_map(g, r, t);
    ti->is_const = false;
    ti->in_frame = false;
    return r;
}

void x64_ra_def_done(X64Gen *g, IrTemp t)
{
    X64TempInfo *ti = &g->temps[t];
    g_assert(ti->reg >= 0);
    if (ti->global) {
        if (ti->frame < 0) {
            ti->frame = (int32_t)frame_alloc(g);
        }
        x64_mov_mr(&g->buf, 8, x64_frame_mem(g, ti->frame), ti->reg);
        ti->in_frame = true;
    }
    if (ti->last_use <= g->cur) {
        x64_ra_unmap(g, ti->reg);       /* never read again */
    }
}

/*
 * Temps a memory access reads in place of its address in[0] when that address is not
 * computed (plan_addr, plan_trunc): the base and index of a deferred add, or the source
 * of a deferred TRUNC.  Returns how many were put in out.
 */
static unsigned deferred_reads(const X64Gen *g, const IrInsn *insn, IrTemp out[2])
{
    if (insn->nin == 0 || insn->in[0] == IR_TEMP_NONE) {
        return 0;
    }
    IrTemp a = insn->in[0];
    IrTemp s = g->temps[a].trunc_defer ? g->temps[a].trunc_src : a;
    if (g->temps[s].addr_defer) {
        out[0] = g->temps[s].addr_base;
        out[1] = g->temps[s].addr_index;
        return 2;
    }
    out[0] = s;
    return s != a;
}

/* Release t's register and frame slot if insn was its last reader. */
static void release_if_last(X64Gen *g, IrTemp t)
{
    if (t == IR_TEMP_NONE) {
        return;
    }
    X64TempInfo *ti = &g->temps[t];
    if (ti->last_use != g->cur) {
        return;
    }
    if (ti->reg >= 0) {
        x64_ra_unmap(g, ti->reg);
    }
    if (!ti->global && ti->frame >= 0) {
        g_array_append_val(g->free_frames, ti->frame);
        ti->frame = -1;
        ti->in_frame = false;
    }
}

void x64_ra_end_insn(X64Gen *g, const IrInsn *insn)
{
    IrTemp extra[2];
    unsigned n_extra = deferred_reads(g, insn, extra);

    for (unsigned i = 0; i < insn->nin; i++) {
        release_if_last(g, insn->in[i]);
    }
    for (unsigned i = 0; i < n_extra; i++) {
        release_if_last(g, extra[i]);
    }
    g->locked = 0;
}

void x64_ra_writeback(X64Gen *g)
{
    for (unsigned r = 0; r < X64_NREGS; r++) {
        if (g->regs[r].slot >= 0 && g->regs[r].dirty) {
            x64_ra_store_slot(g, (X64Reg)r);
        }
    }
}

void x64_ra_forget(X64Gen *g)
{
    for (unsigned r = 0; r < X64_NREGS; r++) {
        g_assert(g->regs[r].slot < 0 || !g->regs[r].dirty);
        x64_ra_unmap(g, (X64Reg)r);
        g->regs[r].slot = -1;
    }
}

void x64_ra_drop_slots(X64Gen *g)
{
    for (unsigned r = 0; r < X64_NREGS; r++) {
        g_assert(g->regs[r].slot < 0 || !g->regs[r].dirty);
        g->regs[r].slot = -1;
    }
}

X64Reg x64_ra_find_slot(X64Gen *g, int32_t off, unsigned size)
{
    for (unsigned r = 0; r < X64_NREGS; r++) {
        if (g->regs[r].slot == off && g->regs[r].slot_size == size) {
            return (X64Reg)r;
        }
    }
    return X64_NOREG;
}

/*
 * Make room for an access to [off, off+size): every other cached slot overlapping it is
 * written back (if dirty) and dropped.  With `overwrite` (a SET), slots entirely covered
 * by the new value are dropped without a store.
 */
void x64_ra_clear_overlaps(X64Gen *g, int32_t off, unsigned size, bool overwrite)
{
    for (unsigned r = 0; r < X64_NREGS; r++) {
        X64RegInfo *ri = &g->regs[r];
        if (ri->slot < 0) {
            continue;
        }
        int32_t s = ri->slot, e = ri->slot + ri->slot_size;
        if (e <= off || s >= off + (int32_t)size) {
            continue;
        }
        if (!overwrite && s == off && ri->slot_size == size) {
            continue;
        }
        bool covered = overwrite && s >= off && e <= off + (int32_t)size;
        if (ri->dirty && !covered) {
            x64_ra_store_slot(g, (X64Reg)r);
        }
        ri->slot = -1;
        ri->dirty = false;
    }
}

/* --- Guest slots cached across labels --- */

/*
 * A label reached only by forward branches starts with the registers that hold the same
 * guest slot on every incoming edge.  A label with a single branch to it (the common
 * if-then) takes that edge's state whole, dirty slots included, so the branch needs no
 * write-back; the fall-through path is then made to conform (moves, loads, stores).
 */
bool x64_label_keeps_dirty(X64Gen *g, uint32_t label)
{
    return !g->label_state[label].backward && g->label_refs[label] == 1 &&
           g->label_off[label] == UINT32_MAX;
}

void x64_label_edge(X64Gen *g, uint32_t label)
{
    X64LabelState *ls = &g->label_state[label];
    if (ls->backward || g->label_off[label] != UINT32_MAX) {
        return;
    }
    for (unsigned r = 0; r < X64_NREGS; r++) {
        const X64RegInfo *ri = &g->regs[r];
        if (ls->n_edges == 0) {
            ls->slot[r] = ri->slot;
            ls->size[r] = ri->slot_size;
            ls->dirty[r] = ri->slot >= 0 && ri->dirty;
        } else if (ls->slot[r] != ri->slot || ls->size[r] != ri->slot_size) {
            g_assert(!ls->dirty[r]);
            ls->slot[r] = -1;
        } else {
            g_assert(!ls->dirty[r] && !ri->dirty);
        }
    }
    ls->n_edges++;
}

/* Drop every register mapping, dirty slots included (their values went elsewhere). */
void x64_ra_reset(X64Gen *g)
{
    for (unsigned r = 0; r < X64_NREGS; r++) {
        x64_ra_unmap(g, (X64Reg)r);
        g->regs[r].slot = -1;
        g->regs[r].dirty = false;
    }
}

static X64Reg state_find(const X64LabelState *ls, int32_t off, uint8_t size)
{
    for (unsigned r = 0; r < X64_NREGS; r++) {
        if (ls->slot[r] == off && ls->size[r] == size) {
            return (X64Reg)r;
        }
    }
    return X64_NOREG;
}

/*
 * At a label with recorded edges: make the fall-through path (if reachable) hold the
 * label's slots in the label's registers, then adopt that state.  Temps do not live
 * in registers across labels (those used after one have frame homes).
 */
void x64_label_enter(X64Gen *g, uint32_t label, bool fallthrough)
{
    X64LabelState *ls = &g->label_state[label];
    bool dirty[X64_NREGS];
    for (unsigned r = 0; r < X64_NREGS; r++) {
        dirty[r] = ls->slot[r] >= 0 && ls->dirty[r];
    }
    if (fallthrough) {
        X64Move mv[X64_NREGS];
        unsigned n = 0;
        for (unsigned r = 0; r < X64_NREGS; r++) {
            X64RegInfo *ri = &g->regs[r];
            if (ri->slot >= 0 && ri->dirty && state_find(ls, ri->slot, ri->slot_size) == X64_NOREG) {
                x64_ra_store_slot(g, (X64Reg)r);
            }
        }
        bool load[X64_NREGS] = { false };
        for (unsigned r = 0; r < X64_NREGS; r++) {
            if (ls->slot[r] < 0) {
                continue;
            }
            X64Reg s = x64_ra_find_slot(g, ls->slot[r], ls->size[r]);
            if (s == X64_NOREG) {
                load[r] = true;
                continue;
            }
            dirty[r] |= g->regs[s].dirty;
            if (s != (X64Reg)r) {
                mv[n++] = (X64Move){ .dst = (X64Reg)r, .src = s };
            }
        }
        x64_parallel_move(&g->buf, mv, n);
        for (unsigned r = 0; r < X64_NREGS; r++) {
            if (load[r]) {
                x64_mov_rm(&g->buf, ls->size[r], (X64Reg)r, x64_mem(X64_CPU_REG, ls->slot[r]));
            }
        }
    }
    x64_ra_reset(g);
    for (unsigned r = 0; r < X64_NREGS; r++) {
        g->regs[r].slot = ls->slot[r];
        g->regs[r].slot_size = ls->size[r];
        g->regs[r].dirty = dirty[r];
    }
}
