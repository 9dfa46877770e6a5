/*
 * IR to x86-64, second half: guest memory (user mode: one host access at r15 + address,
 * after a range check), atomics, helper calls (SysV AMD64 ABI), block exits and the
 * out-of-line cold section.
 *
 * Guest state is exact at every point where the block can stop.  Dirty guest slots are
 * written back before helper calls that are not pure and at every exit.  Memory accesses
 * do not write them back: each records which slots are dirty in which registers (the
 * pcmap entry's TbDirtySlot list), the host fault handler stores them from the
 * interrupted context (jit_host_pc_to_guest), and the out-of-range stub stores them
 * itself.
 */
#include <stddef.h>

#include "backend-x86_64/x64_internal.h"

/* Record the dirty guest slots held in registers right now; returns how many. */
uint32_t x64_capture_dirty(X64Gen *g, uint32_t *start)
{
    *start = g->dirty->len;
    for (unsigned r = 0; r < X64_NREGS; r++) {
        const X64RegInfo *ri = &g->regs[r];
        if (ri->slot >= 0 && ri->dirty) {
            TbDirtySlot d = { .offset = (uint32_t)ri->slot, .size = ri->slot_size, .reg = (uint8_t)r };
            g_array_append_val(g->dirty, d);
        }
    }
    return g->dirty->len - *start;
}

/* Right after a host instruction that may fault on guest memory. */
static void add_pcmap(X64Gen *g)
{
    TbPcMap m = {
        .host_offset = x64_offset(&g->buf),
        .guest_offset = (uint32_t)(g->insn_pc - g->tb->pc),
    };
    m.n_dirty = x64_capture_dirty(g, &m.dirty_start);
    g_array_append_val(g->pcmap, m);
}

static void add_memfault(X64Gen *g, uint32_t site, X64Reg r, bool addr32, uint64_t value, GuestAccess acc)
{
    X64Cold c = {
        .kind = X64_COLD_MEMFAULT, .site = site, .reg = (int8_t)r, .addr32 = addr32,
        .value = value, .access = (uint8_t)acc, .pc = g->insn_pc,
    };
    c.n_dirty = x64_capture_dirty(g, &c.dirty_start);
    g_array_append_val(g->cold, c);
}

/*
 * The range check of a 64-bit address register r (the base of an access at disp from it),
 * once per value and straight-line region: later accesses through the same value skip it.
 * A base below the limit keeps base + disp inside the guards around the guest range
 * (ExecMemModel.guard_size), where a wrong access faults on the host and reaches the
 * SIGSEGV path.  A base at or above the limit goes to a cold stub that checks the sum
 * itself and resumes the access when that is in range.
 */
static void check_base(X64Gen *g, IrTemp t, X64Reg r, int32_t disp, GuestAccess acc)
{
    X64Buf *b = &g->buf;
    X64TempInfo *ti = &g->temps[t];

    if (g->blk->temps[t].ndefs == 1 && ti->checked_epoch == g->check_epoch) {
        return;
    }
    x64_alu_rm(b, X64_CMP, 8, r, x64_limit_mem(g));
    uint32_t site = x64_jcc_rel32(b, X64_CC_AE);
    add_memfault(g, site, r, false, (uint64_t)g->rsp_adjust, acc);
    X64Cold *c = &g_array_index(g->cold, X64Cold, g->cold->len - 1);
    c->disp = disp;
    c->resume = x64_offset(b);
    ti->checked_epoch = g->check_epoch;
}

/*
 * The host operand for guest address temp a: [r15 + address], after checking that
 * the address is below 2^addr_bits.  Only the first byte is checked: the reserved guest
 * range is followed by an unmapped guard, so an access straddling the end faults on the
 * host and arrives through the SIGSEGV path instead.  A deferred base + disp (plan_addr)
 * becomes [r15 + base + disp] with the check on base.  May use r11.  With `direct` (a
 * plain load or store, which takes no fixed register after this), the low half of a
 * narrow trunc_src (computed by a 32-bit instruction: its upper half is zero) is the
 * index as it is, without the copy into r11d.
 */
static X64Mem guest_addr(X64Gen *g, IrTemp a, GuestAccess acc, bool direct)
{
    unsigned bits = g->x->mem.addr_bits;
    bool a32 = ir_temp_type(g->blk, a) == IR_I32;
    X64Buf *b = &g->buf;

    if (g->temps[a].trunc_defer) {
        /* A 32-bit guest address: the low half of the source, zero-extended (plan_trunc). */
        IrTemp src = g->temps[a].trunc_src;
        if (g->temps[src].addr_defer) {
            const X64TempInfo *ts = &g->temps[src];
            X64Reg rb = x64_ra_use(g, ts->addr_base);
            X64Reg ri = ts->addr_index != IR_TEMP_NONE ? x64_ra_use(g, ts->addr_index) : X64_NOREG;
            x64_lea(b, 4, X64_SCRATCH, ri == X64_NOREG ? x64_mem(rb, ts->addr_disp) :
                                       x64_mem_idx(rb, ri, ts->addr_shift, ts->addr_disp));
        } else if (direct && g->temps[src].narrow && !x64_is_const(g, src)) {
            return x64_mem_idx(X64_MEM_REG, x64_ra_use(g, src), 0, 0);
        } else {
            x64_mov_rr(b, 4, X64_SCRATCH, x64_ra_use(g, src));
        }
        return x64_mem_idx(X64_MEM_REG, X64_SCRATCH, 0, 0);
    }
    if (g->temps[a].addr_defer && a32) {
        /* 32-bit guest (plan_addr): the sum wraps in r11d; any 32-bit address is in range. */
        x64_lea(b, 4, X64_SCRATCH, x64_mem(x64_ra_use(g, g->temps[a].addr_base), g->temps[a].addr_disp));
        return x64_mem_idx(X64_MEM_REG, X64_SCRATCH, 0, 0);
    }
    if (g->temps[a].addr_defer) {
        IrTemp base = g->temps[a].addr_base;
        X64Reg rb = x64_ra_use(g, base);
        check_base(g, base, rb, g->temps[a].addr_disp, acc);
        return x64_mem_idx(X64_MEM_REG, rb, 0, g->temps[a].addr_disp);
    }

    if (x64_is_const(g, a)) {
        uint64_t v = x64_cval(g, a, a32 ? 4 : 8);
        if (bits < 64 && (v >> bits) != 0) {
            add_memfault(g, x64_jmp_rel32(b), X64_NOREG, false, v, acc);
            return x64_mem(X64_MEM_REG, 0);     /* unreachable access below */
        }
        if (v <= INT32_MAX) {
            return x64_mem(X64_MEM_REG, (int32_t)v);
        }
        x64_mov_ri(b, 8, X64_SCRATCH, v);
        return x64_mem_idx(X64_MEM_REG, X64_SCRATCH, 0, 0);
    }
    X64Reg r = x64_ra_use(g, a);
    if (!a32 && bits < 64) {
        /* One fused compare-and-branch against the limit kept in the frame. */
        check_base(g, a, r, 0, acc);
    } else if (a32 && bits < 32) {
        x64_mov_rr(b, 4, X64_SCRATCH, r);
        if (bits == 0) {
            x64_test_rr(b, 8, X64_SCRATCH, X64_SCRATCH);
        } else {
            x64_shift_ri(b, X64_SHR, 8, X64_SCRATCH, (uint8_t)bits);
        }
        add_memfault(g, x64_jcc_rel32(b, X64_CC_NE), r, a32, 0, acc);
    }
    if (a32) {
        x64_mov_rr(b, 4, X64_SCRATCH, r);       /* zero-extends */
        return x64_mem_idx(X64_MEM_REG, X64_SCRATCH, 0, 0);
    }
    return x64_mem_idx(X64_MEM_REG, r, 0, 0);
}

/* Reverse the low `size` bytes of r (upper bits of a 2-byte swap are kept). */
static void swap_bytes(X64Buf *b, unsigned size, X64Reg r)
{
    if (size == 2) {
        x64_shift_ri(b, X64_ROL, 2, r, 8);
    } else if (size >= 4) {
        x64_bswap(b, size, r);
    }
}

/* Extend the low `size` bytes of r to the full register, signed or not. */
static void extend(X64Buf *b, unsigned size, bool sign, X64Reg r)
{
    if (size == 8) {
        return;
    }
    if (sign) {
        x64_movsx_rr(b, 8, r, r, size);
    } else if (size == 4) {
        x64_mov_rr(b, 4, r, r);
    } else {
        x64_movzx_rr(b, r, r, size);
    }
}

void x64_gen_load(X64Gen *g, const IrInsn *insn)
{
    if (x64_softmmu(g)) {
        x64_gen_load_softmmu(g, insn);
        return;
    }
    IrMemOp mop = (IrMemOp)insn->imm[0];
    unsigned size = ir_memop_size(mop), sz = x64_tsz(insn->type);
    bool sign = mop & IR_MEM_SIGN, be = (mop & IR_MEM_BE) && size > 1;
    IrTemp a = insn->in[0];
    X64Buf *b = &g->buf;

    X64Mem m = guest_addr(g, a, GUEST_ACCESS_READ, true);
    X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, a) ? g->temps[a].reg : X64_NOREG);
    switch (size) {
    case 1:
        if (sign) {
            x64_movsx_rm(b, sz, r, m, 1);
        } else {
            x64_movzx_rm(b, r, m, 1);
        }
        add_pcmap(g);
        break;
    case 2:
        if (be) {
            x64_movzx_rm(b, r, m, 2);
            add_pcmap(g);
            x64_shift_ri(b, X64_ROL, 2, r, 8);
            if (sign) {
                x64_movsx_rr(b, sz, r, r, 2);
            }
        } else {
            if (sign) {
                x64_movsx_rm(b, sz, r, m, 2);
            } else {
                x64_movzx_rm(b, r, m, 2);
            }
            add_pcmap(g);
        }
        break;
    case 4:
        if (be) {
            if (x64_host.movbe) {
                x64_movbe_rm(b, 4, r, m);
                add_pcmap(g);
            } else {
                x64_mov_rm(b, 4, r, m);
                add_pcmap(g);
                x64_bswap(b, 4, r);
            }
            if (sign && sz == 8) {
                x64_movsx_rr(b, 8, r, r, 4);
            }
        } else if (sign && sz == 8) {
            x64_movsx_rm(b, 8, r, m, 4);
            add_pcmap(g);
        } else {
            x64_mov_rm(b, 4, r, m);
            add_pcmap(g);
        }
        break;
    default:
        if (be && x64_host.movbe) {
            x64_movbe_rm(b, 8, r, m);
            add_pcmap(g);
        } else {
            x64_mov_rm(b, 8, r, m);
            add_pcmap(g);
            if (be) {
                x64_bswap(b, 8, r);
            }
        }
        break;
    }
    x64_ra_def_done(g, insn->out);
}

static uint64_t bswap_const(uint64_t v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16((uint16_t)v);
    case 4: return __builtin_bswap32((uint32_t)v);
    case 8: return __builtin_bswap64(v);
    default: return v;
    }
}

void x64_gen_store(X64Gen *g, const IrInsn *insn)
{
    if (x64_softmmu(g)) {
        x64_gen_store_softmmu(g, insn);
        return;
    }
    IrMemOp mop = (IrMemOp)insn->imm[0];
    unsigned size = ir_memop_size(mop);
    bool be = (mop & IR_MEM_BE) && size > 1;
    IrTemp v = insn->in[1];
    X64Buf *b = &g->buf;

    if (x64_is_const(g, v)) {
        uint64_t c = g->temps[v].cval;
        if (be) {
            c = bswap_const(c, size);
        }
        X64Reg t = X64_NOREG;
        if (size == 8 && !x64_fits_i32((int64_t)c)) {
            t = x64_ra_alloc(g);
            x64_mov_ri(b, 8, t, c);
        }
        X64Mem m = guest_addr(g, insn->in[0], GUEST_ACCESS_WRITE, true);
        if (t != X64_NOREG) {
            x64_mov_mr(b, 8, m, t);
        } else {
            x64_mov_mi(b, size, m, (int32_t)c);
        }
        add_pcmap(g);
        return;
    }
    X64Reg rv = x64_ra_use(g, v);
    X64Reg t = X64_NOREG;
    if (be && !(x64_host.movbe)) {
        t = x64_ra_alloc(g);
        x64_mov_rr(b, 8, t, rv);
        swap_bytes(b, size, t);
    }
    X64Mem m = guest_addr(g, insn->in[0], GUEST_ACCESS_WRITE, true);
    if (t != X64_NOREG) {
        x64_mov_mr(b, size, m, t);
    } else if (be) {
        x64_movbe_mr(b, size, m, rv);
    } else {
        x64_mov_mr(b, size, m, rv);
    }
    add_pcmap(g);
}

/*
 * ATOMIC_RMW.  Little-endian add and exchange map to lock xadd / xchg; everything else
 * runs a lock cmpxchg loop on the natural width (min/max compare the values extended
 * from the access size, like the interpreter).
 */
void x64_gen_atomic(X64Gen *g, const IrInsn *insn)
{
    IrMemOp mop = (IrMemOp)insn->imm[0];
    IrAtomicOp aop = (IrAtomicOp)insn->imm[1];
    unsigned size = ir_memop_size(mop);
    bool sign = mop & IR_MEM_SIGN, be = (mop & IR_MEM_BE) && size > 1;
    IrTemp v = insn->in[1];
    X64Buf *b = &g->buf;

    if (!be && (aop == IR_ATOMIC_ADD || aop == IR_ATOMIC_XCHG)) {
        X64Reg rv = x64_ra_use(g, v);
        X64Mem m = guest_addr(g, insn->in[0], GUEST_ACCESS_WRITE, false);
        X64Reg r = x64_ra_def(g, insn->out, x64_ra_reusable(g, v) ? rv : X64_NOREG);
        if (r != rv) {
            x64_mov_rr(b, 8, r, rv);
        }
        if (aop == IR_ATOMIC_ADD) {
            x64_lock_xadd_mr(b, size, m, r);
        } else {
            x64_xchg_mr(b, size, m, r);
        }
        add_pcmap(g);
        extend(b, size, sign, r);
        x64_ra_def_done(g, insn->out);
        return;
    }

    x64_ra_take(g, X64_RAX);
    X64Reg rv = x64_ra_use(g, v);
    bool minmax = aop >= IR_ATOMIC_SMIN;
    bool smm = aop == IR_ATOMIC_SMIN || aop == IR_ATOMIC_SMAX;
    X64Reg rv2 = rv;
    if (minmax && size < 8) {
        rv2 = x64_ra_alloc(g);
        x64_mov_rr(b, 8, rv2, rv);
        extend(b, size, smm, rv2);
    }
    X64Reg rn = x64_ra_alloc(g);
    X64Mem m = guest_addr(g, insn->in[0], GUEST_ACCESS_WRITE, false);
    if (size < 4) {
        x64_movzx_rm(b, X64_RAX, m, size);
    } else {
        x64_mov_rm(b, size, X64_RAX, m);
    }
    add_pcmap(g);
    uint32_t loop = x64_offset(b);
    x64_mov_rr(b, 8, rn, X64_RAX);
    if (be) {
        swap_bytes(b, size, rn);
    }
    switch (aop) {
    case IR_ATOMIC_XCHG:
        x64_mov_rr(b, 8, rn, rv);
        break;
    case IR_ATOMIC_ADD:
        x64_alu_rr(b, X64_ADD, 8, rn, rv);
        break;
    case IR_ATOMIC_AND:
        x64_alu_rr(b, X64_AND, 8, rn, rv);
        break;
    case IR_ATOMIC_OR:
        x64_alu_rr(b, X64_OR, 8, rn, rv);
        break;
    case IR_ATOMIC_XOR:
        x64_alu_rr(b, X64_XOR, 8, rn, rv);
        break;
    case IR_ATOMIC_SMIN:
    case IR_ATOMIC_SMAX:
    case IR_ATOMIC_UMIN:
    case IR_ATOMIC_UMAX: {
        static const X64Cond take_val[] = {
            [IR_ATOMIC_SMIN] = X64_CC_GE, [IR_ATOMIC_SMAX] = X64_CC_LE,
            [IR_ATOMIC_UMIN] = X64_CC_AE, [IR_ATOMIC_UMAX] = X64_CC_BE,
        };
        extend(b, size, smm, rn);
        x64_alu_rr(b, X64_CMP, 8, rn, rv2);
        x64_cmov(b, take_val[aop], 8, rn, rv2);
        break;
    }
    case IR_ATOMIC_COUNT:
        g_assert_not_reached();
    }
    if (be) {
        swap_bytes(b, size, rn);
    }
    x64_lock_cmpxchg_mr(b, size, m, rn);
    add_pcmap(g);
    uint32_t j = x64_jcc_rel8(b, X64_CC_NE);
    x64_patch_rel8(b, j, loop);
    if (be) {
        swap_bytes(b, size, X64_RAX);
    }
    extend(b, size, sign, X64_RAX);
    x64_ra_def(g, insn->out, X64_RAX);
    x64_ra_def_done(g, insn->out);
}

void x64_gen_cmpxchg(X64Gen *g, const IrInsn *insn)
{
    IrMemOp mop = (IrMemOp)insn->imm[0];
    unsigned size = ir_memop_size(mop);
    bool sign = mop & IR_MEM_SIGN, be = (mop & IR_MEM_BE) && size > 1;
    IrTemp e = insn->in[1], n = insn->in[2];
    X64Buf *b = &g->buf;

    x64_ra_take(g, X64_RAX);
    X64Reg rn = x64_ra_use(g, n);
    if (be) {
        X64Reg t = x64_ra_alloc(g);
        x64_mov_rr(b, 8, t, rn);
        swap_bytes(b, size, t);
        rn = t;
    }
    X64Mem m = guest_addr(g, insn->in[0], GUEST_ACCESS_WRITE, false);
    x64_ra_load_value(g, X64_RAX, e, 8);
    if (be) {
        swap_bytes(b, size, X64_RAX);
    }
    x64_lock_cmpxchg_mr(b, size, m, rn);
    add_pcmap(g);
    if (be) {
        swap_bytes(b, size, X64_RAX);
    }
    extend(b, size, sign, X64_RAX);
    x64_ra_def(g, insn->out, X64_RAX);
    x64_ra_def_done(g, insn->out);
}

/* --- Helper calls --- */

static const X64Reg arg_regs[6] = { X64_RDI, X64_RSI, X64_RDX, X64_RCX, X64_R8, X64_R9 };

/* Register moves that happen "at once": emit a move whose destination no pending move
 * still reads; break cycles through r11. */
void x64_parallel_move(X64Buf *b, X64Move *moves, unsigned nmoves)
{
    while (nmoves > 0) {
        bool progress = false;
        for (unsigned i = 0; i < nmoves; i++) {
            bool blocked = false;
            for (unsigned j = 0; j < nmoves; j++) {
                if (j != i && moves[j].src == moves[i].dst) {
                    blocked = true;
                    break;
                }
            }
            if (!blocked) {
                x64_mov_rr(b, 8, moves[i].dst, moves[i].src);
                moves[i] = moves[--nmoves];
                progress = true;
                break;
            }
        }
        if (!progress) {
            X64Reg s = moves[0].src;
            x64_mov_rr(b, 8, X64_SCRATCH, s);
            for (unsigned j = 0; j < nmoves; j++) {
                if (moves[j].src == s) {
                    moves[j].src = X64_SCRATCH;
                }
            }
        }
    }
}

void x64_gen_call(X64Gen *g, const IrInsn *insn)
{
    const IrHelper *h = (const IrHelper *)(uintptr_t)insn->imm[0];
    X64Buf *b = &g->buf;

    /* A helper that may leave through guest_cpu_exit() must find the state exact. */
    if (!(h->flags & IR_CALL_PURE) || (h->flags & IR_CALL_CAN_RAISE)) {
        x64_ra_writeback(g);
    }
    if (h->flags & (IR_CALL_CAN_RAISE | IR_CALL_MEMORY)) {
        x64_store_imm64(g, x64_mem(X64_CPU_REG, offsetof(GuestCpu, pc)), g->insn_pc);
    }

    /* Values in caller-saved registers that outlive the call move to callee-saved ones. */
    uint32_t saved_locks = g->locked;
    for (unsigned k = 0; k < x64_n_alloc_order; k++) {
        if (x64_is_caller_saved(x64_alloc_order[k])) {
            g->locked |= 1u << x64_alloc_order[k];
        }
    }
    for (unsigned k = 0; k < x64_n_alloc_order; k++) {
        X64Reg r = x64_alloc_order[k];
        if (!x64_is_caller_saved(r)) {
            continue;
        }
        X64RegInfo *ri = &g->regs[r];
        IrTemp t = ri->temp;
        bool dying_input = false;
        if (t != IR_TEMP_NONE && g->temps[t].last_use <= g->cur) {
            dying_input = true;     /* read by the argument setup below, then dropped */
        }
        if (ri->slot >= 0 && !ri->dirty && (t == IR_TEMP_NONE || dying_input)) {
            ri->slot = -1;          /* a clean cached slot is cheaper to reload than to move */
        }
        if (ri->temp == IR_TEMP_NONE && ri->slot < 0) {
            continue;
        }
        if (dying_input && ri->slot < 0) {
            continue;
        }
        x64_ra_evict(g, r);
    }
    g->locked = saved_locks;

    /* Arguments: a stack one first (it shifts the frame), then register moves, then the rest. */
    unsigned nargs = h->nargs, k_in = 0;
    X64Opnd src[IR_MAX_IN + 1];
    bool is_cpu[IR_MAX_IN + 1];
    IrTemp tmp_of[IR_MAX_IN + 1];
    for (unsigned i = 0; i < nargs; i++) {
        is_cpu[i] = h->args[i] == IR_HT_CPU;
        tmp_of[i] = is_cpu[i] ? IR_TEMP_NONE : insn->in[k_in++];
    }
    g_assert(nargs <= 7);
    if (nargs == 7) {
        if (is_cpu[6]) {
            x64_mov_rr(b, 8, X64_SCRATCH, X64_CPU_REG);
        } else {
            x64_ra_load_value(g, X64_SCRATCH, tmp_of[6], 8);
        }
        x64_alu_ri(b, X64_SUB, 8, X64_RSP, 8);
        x64_push(b, X64_SCRATCH);
        g->rsp_adjust = 16;
        nargs = 6;
    }
    X64Move moves[6];
    unsigned nmoves = 0;
    for (unsigned i = 0; i < nargs; i++) {
        src[i].is_imm = false;
        src[i].reg = X64_NOREG;
        if (!is_cpu[i] && g->temps[tmp_of[i]].reg >= 0) {
            src[i].reg = g->temps[tmp_of[i]].reg;
            if (src[i].reg != arg_regs[i]) {
                moves[nmoves++] = (X64Move){ .dst = arg_regs[i], .src = src[i].reg };
            }
        }
    }
    x64_parallel_move(b, moves, nmoves);
    for (unsigned i = 0; i < nargs; i++) {
        if (is_cpu[i]) {
            x64_mov_rr(b, 8, arg_regs[i], X64_CPU_REG);
        } else if (src[i].reg == X64_NOREG) {
            x64_ra_load_value(g, arg_regs[i], tmp_of[i], 8);
        }
    }
    x64_call_abs(b, h->fn, X64_SCRATCH);
    if (g->rsp_adjust) {
        x64_alu_ri(b, X64_ADD, 8, X64_RSP, 16);
        g->rsp_adjust = 0;
    }

    /* Every caller-saved register is garbage now. */
    for (unsigned k = 0; k < x64_n_alloc_order; k++) {
        X64Reg r = x64_alloc_order[k];
        if (x64_is_caller_saved(r)) {
            g_assert(g->regs[r].slot < 0);
            x64_ra_unmap(g, r);
        }
    }
    if (h->flags & IR_CALL_WRITES_STATE) {
        x64_ra_drop_slots(g);
    }
    if (insn->out != IR_TEMP_NONE) {
        x64_ra_def(g, insn->out, X64_RAX);
        if (h->ret == IR_HT_I32 && insn->type == IR_I64) {
            x64_mov_rr(b, 4, X64_RAX, X64_RAX);
        }
        x64_ra_def_done(g, insn->out);
    }
}

/* --- Exits --- */

void x64_add_exit(X64Gen *g, uint32_t slot, uint64_t pc, uint32_t site)
{
    g_assert(slot < g->tb->n_exits);
    g->tb->exits[slot].patch_offset = site;
    g->tb->exits[slot].target = pc;
    X64Cold c = { .kind = X64_COLD_EXIT, .site = site, .slot = slot, .pc = pc, .reg = -1 };
    g_array_append_val(g->cold, c);
}

void x64_gen_goto_block(X64Gen *g, const IrInsn *insn)
{
    if (g->self_loop && (uint64_t)insn->imm[0] == g->tb->pc) {
        x64_loop_writeback(g);
        x64_loop_back_edge(g);
        x64_ra_reset(g);        /* carried values live on in their registers at loop_body */
        return;
    }
    x64_ra_writeback(g);
    x64_align_rel32(g, 1);
    uint32_t site = x64_jmp_rel32(&g->buf);
    x64_add_exit(g, (uint32_t)insn->imm[1], (uint64_t)insn->imm[0], site);
    x64_ra_forget(g);
}

/* Computed jump, first half: write guest state back, target pc in RDX and in cpu->pc. */
void x64_goto_ptr_target(X64Gen *g, const IrInsn *insn)
{
    X64Buf *b = &g->buf;
    IrTemp t = insn->in[0];
    bool t32 = ir_temp_type(g->blk, t) == IR_I32;

    x64_ra_writeback(g);
    /* Every register is free from here on: the block ends. */
    if (x64_is_const(g, t)) {
        x64_mov_ri(b, 8, X64_RDX, x64_cval(g, t, t32 ? 4 : 8));
    } else {
        x64_ra_load_value(g, X64_RDX, t, t32 ? 4 : 8);
        if (t32 && g->temps[t].reg == X64_RDX) {
            x64_mov_rr(b, 4, X64_RDX, X64_RDX);
        }
    }
    x64_mov_mr(b, 8, x64_mem(X64_CPU_REG, offsetof(GuestCpu, pc)), X64_RDX);
}

/* Computed jump, second half: the inline jump-cache probe for the pc in RDX, else exit to C. */
void x64_goto_ptr_probe(X64Gen *g)
{
    X64Buf *b = &g->buf;
    uint32_t miss1 = 0, miss2 = 0;
    if (g->probe_jmp_cache) {
        /* tb = cpu->jmp_cache[tb_jmp_hash(pc)]; if (tb && tb->pc == pc) goto tb->host_code */
        x64_mov_rr(b, 4, X64_RCX, X64_RDX);
        x64_shift_ri(b, X64_SHR, 4, X64_RCX, 1);
        x64_alu_ri(b, X64_AND, 4, X64_RCX, TB_JMP_CACHE_SIZE - 1);
        x64_mov_rm(b, 8, X64_RAX, x64_mem(X64_CPU_REG, offsetof(GuestCpu, jmp_cache)));
        x64_mov_rm(b, 8, X64_RAX, x64_mem_idx(X64_RAX, X64_RCX, 3, 0));
        x64_test_rr(b, 8, X64_RAX, X64_RAX);
        miss1 = x64_jcc_rel8(b, X64_CC_E);
        x64_alu_rm(b, X64_CMP, 8, X64_RDX, x64_mem(X64_RAX, offsetof(TbBlock, pc)));
        miss2 = x64_jcc_rel8(b, X64_CC_NE);
        uint32_t miss3 = 0;
        if (x64_softmmu(g)) {
            /* System mode: the block must have been lifted in the CPU's current mode. */
            x64_mov_rm(b, 4, X64_RCX, x64_mem(X64_CPU_REG, offsetof(GuestCpu, jmp_flags)));
            x64_alu_rm(b, X64_CMP, 4, X64_RCX, x64_mem(X64_RAX, offsetof(TbBlock, flags)));
            miss3 = x64_jcc_rel8(b, X64_CC_NE);
        }
        x64_jmp_m(b, x64_mem(X64_RAX, offsetof(TbBlock, host_code)));
        x64_patch_rel8(b, miss1, x64_offset(b));
        x64_patch_rel8(b, miss2, x64_offset(b));
        if (miss3 != 0) {
            x64_patch_rel8(b, miss3, x64_offset(b));
        }
    }
    x64_zero(b, X64_RAX);
    x64_jmp_to(b, g->epilogue);
    x64_ra_forget(g);
}

void x64_gen_goto_ptr(X64Gen *g, const IrInsn *insn)
{
    x64_goto_ptr_target(g, insn);
    x64_goto_ptr_probe(g);
}

void x64_gen_raise(X64Gen *g, const IrInsn *insn)
{
    X64Buf *b = &g->buf;

    x64_ra_writeback(g);
    X64Mem aux = x64_mem(X64_CPU_REG, offsetof(GuestCpu, exit_aux));
    if (insn->nin > 0 && insn->in[0] != IR_TEMP_NONE) {
        IrTemp t = insn->in[0];
        bool t32 = ir_temp_type(g->blk, t) == IR_I32;
        if (x64_is_const(g, t)) {
            x64_store_imm64(g, aux, x64_cval(g, t, t32 ? 4 : 8));
        } else {
            x64_ra_load_value(g, X64_SCRATCH, t, t32 ? 4 : 8);
            x64_mov_mr(b, 8, aux, X64_SCRATCH);
        }
    } else {
        x64_mov_mi(b, 8, aux, 0);
    }
    x64_store_imm64(g, x64_mem(X64_CPU_REG, offsetof(GuestCpu, pc)), g->insn_pc);
    x64_mov_mi(b, 4, x64_mem(X64_CPU_REG, offsetof(GuestCpu, exit_kind)), (int32_t)insn->imm[0]);
    x64_store_imm64(g, x64_mem(X64_CPU_REG, offsetof(GuestCpu, exit_code)), (uint64_t)insn->imm[1]);
    x64_zero(b, X64_RAX);
    x64_jmp_to(b, g->epilogue);
    x64_ra_forget(g);
}

/* --- Cold section --- */

void x64_emit_cold(X64Gen *g)
{
    X64Buf *b = &g->buf;
    X64Mem pc = x64_mem(X64_CPU_REG, offsetof(GuestCpu, pc));

    for (unsigned k = 0; k < g->cold->len && !b->overflow; k++) {
        X64Cold *c = &g_array_index(g->cold, X64Cold, k);
        x64_patch_rel32(b, c->site, x64_offset(b));
        if (c->kind == X64_COLD_TLB_LOAD || c->kind == X64_COLD_TLB_STORE) {
            x64_emit_cold_tlb(g, c);        /* returns into the block */
            continue;
        }
        /* Guest slots still in registers where this path leaves (out-of-range access, poll). */
        for (uint32_t i = 0; i < c->n_dirty; i++) {
            const TbDirtySlot *d = &g_array_index(g->dirty, TbDirtySlot, c->dirty_start + i);
            x64_mov_mr(b, d->size, x64_mem(X64_CPU_REG, (int32_t)d->offset), (X64Reg)d->reg);
        }
        switch ((X64ColdKind)c->kind) {
        case X64_COLD_SIDE_EXIT: {
            /* The chainable jump lives here; its own unchained stub is added (and emitted) later. */
            uint32_t slot = c->slot;
            uint64_t target = c->pc;
            x64_align_rel32(g, 1);
            uint32_t site = x64_jmp_rel32(b);
            x64_add_exit(g, slot, target, site);      /* may move g->cold: c is stale now */
            continue;
        }
        case X64_COLD_INTERRUPT:
            x64_store_imm64(g, pc, c->pc);
            x64_mov_mi(b, 4, x64_mem(X64_CPU_REG, offsetof(GuestCpu, exit_kind)), GUEST_EXIT_INTERRUPT);
            x64_zero(b, X64_RAX);
            break;
        case X64_COLD_EXIT:
            g->stub_off[c->slot] = x64_offset(b);
            x64_store_imm64(g, pc, c->pc);
            x64_mov_ri(b, 8, X64_RAX, (uint64_t)(uintptr_t)g->tb);
            x64_mov_ri(b, 4, X64_RDX, c->slot);
            break;
        case X64_COLD_MEMFAULT: {
            X64Mem aux = x64_mem(X64_CPU_REG, offsetof(GuestCpu, exit_aux));
            if (c->reg >= 0 && c->disp != 0) {
                /* Only the base was checked: the access itself may still be in range. */
                x64_lea(b, 8, X64_SCRATCH, x64_mem(c->reg, c->disp));
                x64_alu_rm(b, X64_CMP, 8, X64_SCRATCH, x64_mem(X64_RSP, (int32_t)c->value));
                x64_patch_rel32(b, x64_jcc_rel32(b, X64_CC_B), c->resume);
                x64_mov_mr(b, 8, aux, X64_SCRATCH);
            } else if (c->reg >= 0) {
                x64_mov_rr(b, c->addr32 ? 4 : 8, X64_SCRATCH, (X64Reg)c->reg);
                x64_mov_mr(b, 8, aux, X64_SCRATCH);
            } else {
                x64_store_imm64(g, aux, c->value);
            }
            x64_store_imm64(g, pc, c->pc);
            x64_mov_mi(b, 4, x64_mem(X64_CPU_REG, offsetof(GuestCpu, exit_kind)), GUEST_EXIT_MEM_FAULT);
            x64_mov_mi(b, 8, x64_mem(X64_CPU_REG, offsetof(GuestCpu, exit_code)), c->access);
            x64_zero(b, X64_RAX);
            break;
        }
        case X64_COLD_TLB_LOAD:
        case X64_COLD_TLB_STORE:
            g_assert_not_reached();
        }
        x64_jmp_to(b, g->epilogue);
    }
}
