/*
 * Fixed-point loads and stores, atomics, barriers and cache instructions (Power
 * ISA 2.06 Book I 3.3.2-3.3.7, Book II 3-4).  Memory is big-endian: every access
 * carries IR_MEM_BE, except the byte-reversed forms (lhbrx, lwbrx, sthbrx, stwbrx),
 * which are little-endian accesses.
 *
 * Update forms write the effective address back to rA; rA = 0, and for loads
 * rA = rT, are invalid forms (Book I 3.3.2): illegal here, as in QEMU.
 *
 * lwarx/stwcx. follow RISC-V's LR/SC (frontend/riscv/trans_a.c): lwarx records the
 * address and the value loaded; stwcx. succeeds iff the reservation is for its
 * address and a compare-and-swap of that value finds memory unchanged (an ABA
 * change is not detected, as in QEMU).  It sets CR0 to 00 || success || XER.SO and
 * always drops the reservation.  Both need a word-aligned address (else an
 * alignment interrupt: GUEST_EXIT_MISALIGNED, Linux sends SIGBUS).
 *
 * dcbz zeroes the aligned PPC_DCACHE_LINE (32-byte) block, the line size of e500
 * and of the 32-bit cores glibc's memset is tuned for; the auxv must say the same.
 *
 * Store-to-load forwarding: a load through the same base register and displacement
 * range as earlier stores of the block's straight path (nothing between that could
 * write memory or that register, no label) uses the stored values.  The load cannot
 * fault where those stores did not, since it reads bytes they just wrote; only user
 * mode (no devices, a page writable is readable) and only without memory traces.
 */
#include "frontend/ppc/internal.h"

IrMemOp ppc_memop(uint32_t param)
{
    return PPC_LS_SIZE(param) | ((param & PPC_LS_SIGN) ? IR_MEM_SIGN : 0) |
           ((param & PPC_LS_BREV) ? 0 : IR_MEM_BE);
}

IrTemp ppc_gen_ea(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp base = ppc_get_ra0(ctx, a->ra);

    if (a->param & PPC_LS_INDEXED) {
        return ir_add(ctx->blk, base, ppc_get_gpr(ctx, a->rb));
    }
    return a->imm == 0 ? base : ir_add(ctx->blk, base, ppc_const(ctx, (uint32_t)a->imm));
}

/* --- Store-to-load forwarding --- */

static void ppc_st_clear(PpcDisas *ctx)
{
    ctx->st.n = 0;
}

void ppc_st_forget_base(PpcDisas *ctx, int r)
{
    unsigned n = 0;

    for (unsigned i = 0; i < ctx->st.n; i++) {
        if (ctx->st.e[i].base != r) {
            ctx->st.e[n++] = ctx->st.e[i];
        }
    }
    ctx->st.n = n;
}

/*
 * What was emitted since the last look that ends forwarding: a label (another path joins),
 * a memory write or barrier the table does not describe (string stores, dcbz, stwcx.,
 * sync), or a helper that may write memory or guest registers behind the lifter's back.
 */
void ppc_st_scan(PpcDisas *ctx)
{
    const IrBlock *blk = ctx->blk;

    for (uint32_t i = ctx->st_scan; i < blk->n_insns && ctx->st.n > 0; i++) {
        const IrInsn *insn = &blk->insns[i];
        uint32_t flags = ir_op_info[insn->op].flags;

        if ((flags & IR_F_LABEL) || ((flags & IR_F_MEMORY) && insn->op != IR_OP_LOAD)) {
            ppc_st_clear(ctx);
        } else if (insn->op == IR_OP_CALL) {
            const IrHelper *h = (const IrHelper *)(uintptr_t)insn->imm[0];

            if (h->flags & (IR_CALL_WRITES_STATE | IR_CALL_MEMORY)) {
                ppc_st_clear(ctx);
            }
        }
    }
    ctx->st_scan = blk->n_insns;
}

/* A D-form access through rA that forwarding can describe: big-endian, not indexed, rA != 0. */
static bool ppc_st_plain(const PpcDisas *ctx, const PpcArgs *a, IrMemOp mop)
{
    return ctx->st_ok && a->ra != 0 && !(a->param & PPC_LS_INDEXED) && (mop & IR_MEM_BE);
}

/*
 * The value a load of size bytes at base + disp reads when remembered stores cover every
 * byte (the newest store of each byte wins); IR_TEMP_NONE when one is not covered.
 * Memory is big-endian: the byte at offset k of an n-byte store is bits 8(n-1-k) of its value.
 */
static IrTemp ppc_st_forward(PpcDisas *ctx, int base, int32_t disp, unsigned size, IrType type, bool sign)
{
    IrBlock *blk = ctx->blk;
    int src[8];
    IrTemp acc = IR_TEMP_NONE, r;

    for (unsigned b = 0; b < size; b++) {
        int64_t at = (int64_t)disp + b;

        src[b] = -1;
        for (int i = (int)ctx->st.n - 1; i >= 0 && src[b] < 0; i--) {
            if (ctx->st.e[i].base == base && at >= ctx->st.e[i].disp && at < (int64_t)ctx->st.e[i].disp + ctx->st.e[i].size) {
                src[b] = i;
            }
        }
        if (src[b] < 0) {
            return IR_TEMP_NONE;
        }
    }
    /* One store of the same size: its value as it is (narrower ones: the low bits, extended). */
    if (ctx->st.e[src[0]].disp == disp && ctx->st.e[src[0]].size == size) {
        IrTemp v = ctx->st.e[src[0]].val;

        if (ir_temp_type(blk, v) == type && size == (type == IR_I64 ? 8u : 4u)) {
            return v;
        }
        if (type == IR_I32 && size < 4) {
            if (ir_temp_type(blk, v) == IR_I64) {
                v = ir_trunc(blk, v);
            }
            return sign ? ir_sext(blk, v, 8 * size) : ir_zext(blk, v, 8 * size);
        }
    }
    /* Pieces of one or more stores, gathered on i64. */
    for (unsigned b = 0; b < size;) {
        unsigned n = 1;
        IrTemp v;
        int32_t end;

        while (b + n < size && src[b + n] == src[b]) {
            n++;
        }
        v = ctx->st.e[src[b]].val;
        if (ir_temp_type(blk, v) == IR_I32) {
            v = ir_extu32(blk, v);
        }
        end = ctx->st.e[src[b]].disp + ctx->st.e[src[b]].size;
        v = ir_shr(blk, v, ir_const_i64(blk, 8u * (uint32_t)(end - (disp + (int32_t)(b + n)))));
        /* bits above the piece: none, or shifted or truncated away when it is the top one */
        if (n < 8 && !(b == 0 && size == (type == IR_I64 ? 8u : 4u))) {
            v = ir_zext(blk, v, 8 * n);
        }
        v = ir_shl(blk, v, ir_const_i64(blk, 8 * (size - b - n)));
        acc = acc == IR_TEMP_NONE ? v : ir_or(blk, acc, v);
        b += n;
    }
    if (type == IR_I64) {
        return acc;
    }
    r = ir_trunc(blk, acc);
    return sign && size < 4 ? ir_sext(blk, r, 8 * size) : r;
}

IrTemp ppc_gen_load(PpcDisas *ctx, const PpcArgs *a, IrTemp ea, IrType type, IrMemOp mop)
{
    IrTemp v = IR_TEMP_NONE;

    ppc_st_scan(ctx);
    if (ppc_st_plain(ctx, a, mop)) {
        v = ppc_st_forward(ctx, a->ra, a->imm, ir_memop_size(mop), type, mop & IR_MEM_SIGN);
    }
    return v == IR_TEMP_NONE ? ir_load(ctx->blk, type, mop, ea) : v;
}

void ppc_gen_store(PpcDisas *ctx, const PpcArgs *a, IrTemp ea, IrMemOp mop, IrTemp val)
{
    bool update = a->param & PPC_LS_UPDATE;
    unsigned size = ir_memop_size(mop), n = 0;
    int32_t d = update ? 0 : a->imm;    /* after an update, rA holds the address */

    ppc_st_scan(ctx);
    ir_store(ctx->blk, mop, ea, val);
    ctx->st_scan = ctx->blk->n_insns;
    if (update) {
        ppc_set_gpr(ctx, a->ra, ea);
    }
    if (!ppc_st_plain(ctx, a, mop) || ctx->blk->temps[val].ndefs != 1) {
        ppc_st_clear(ctx);
        return;
    }
    /* Through another base it may write any remembered byte; through this one, the overlapped. */
    for (unsigned i = 0; i < ctx->st.n; i++) {
        if (ctx->st.e[i].base == a->ra &&
            ((int64_t)ctx->st.e[i].disp + ctx->st.e[i].size <= d || ctx->st.e[i].disp >= (int64_t)d + size)) {
            ctx->st.e[n++] = ctx->st.e[i];
        }
    }
    ctx->st.n = n;
    if (n == PPC_MAX_STORES) {
        memmove(&ctx->st.e[0], &ctx->st.e[1], (PPC_MAX_STORES - 1) * sizeof(ctx->st.e[0]));
        ctx->st.n--;
    }
    ctx->st.e[ctx->st.n].base = (int8_t)a->ra;
    ctx->st.e[ctx->st.n].size = (uint8_t)size;
    ctx->st.e[ctx->st.n].disp = d;
    ctx->st.e[ctx->st.n].val = val;
    ctx->st.n++;
}

bool ppc_trans_load(PpcDisas *ctx, const PpcArgs *a)
{
    bool update = a->param & PPC_LS_UPDATE;
    IrTemp ea, v;

    if (update && (a->ra == 0 || a->ra == a->rt)) {
        return false;
    }
    ea = ppc_gen_ea(ctx, a);
    v = ppc_gen_load(ctx, a, ea, IR_I32, ppc_memop(a->param));
    if (update) {
        ppc_set_gpr(ctx, a->ra, ea);
    }
    ppc_set_gpr(ctx, a->rt, v);
    return true;
}

bool ppc_trans_store(PpcDisas *ctx, const PpcArgs *a)
{
    if ((a->param & PPC_LS_UPDATE) && a->ra == 0) {
        return false;
    }
    ppc_gen_store(ctx, a, ppc_gen_ea(ctx, a), ppc_memop(a->param), ppc_get_gpr(ctx, a->rt));
    return true;
}

/* --- Multiple and string (Book I 3.3.6-3.3.7) --- */

/* lmw: rT..r31 from consecutive words.  rA in that range (also rA = 0 = rT) is an invalid form. */
bool ppc_trans_lmw(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp ea;

    if (a->ra >= a->rt) {
        return false;
    }
    ea = ppc_gen_ea(ctx, a);
    for (int r = a->rt; r < 32; r++) {
        IrTemp addr = ir_add(ctx->blk, ea, ppc_const(ctx, 4u * (uint32_t)(r - a->rt)));

        ppc_set_gpr(ctx, r, ir_load(ctx->blk, IR_I32, IR_MEM_32 | IR_MEM_BE, addr));
    }
    return true;
}

bool ppc_trans_stmw(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp ea = ppc_gen_ea(ctx, a);

    for (int r = a->rt; r < 32; r++) {
        IrTemp addr = ir_add(ctx->blk, ea, ppc_const(ctx, 4u * (uint32_t)(r - a->rt)));

        ir_store(ctx->blk, IR_MEM_32 | IR_MEM_BE, addr, ppc_get_gpr(ctx, r));
    }
    return true;
}

/*
 * String loads fill registers from rT on (wrapping from r31 to r0), four bytes
 * each, high byte first; a last partial register gets zeros in its low bytes.
 */
static IrTemp ppc_gen_load_partial(PpcDisas *ctx, IrTemp addr, unsigned nbytes)
{
    IrBlock *blk = ctx->blk;
    IrTemp v = IR_TEMP_NONE;

    if (nbytes == 4) {
        return ir_load(blk, IR_I32, IR_MEM_32 | IR_MEM_BE, addr);
    }
    for (unsigned j = 0; j < nbytes; j++) {
        IrTemp b = ir_load(blk, IR_I32, IR_MEM_8, ir_add(blk, addr, ppc_const(ctx, j)));

        b = ir_shl(blk, b, ppc_const(ctx, 24 - 8 * j));
        v = v == IR_TEMP_NONE ? b : ir_or(blk, v, b);
    }
    return v;
}

static void ppc_gen_store_partial(PpcDisas *ctx, IrTemp addr, IrTemp v, unsigned nbytes)
{
    IrBlock *blk = ctx->blk;

    if (nbytes == 4) {
        ir_store(blk, IR_MEM_32 | IR_MEM_BE, addr, v);
        return;
    }
    for (unsigned j = 0; j < nbytes; j++) {
        ir_store(blk, IR_MEM_8, ir_add(blk, addr, ppc_const(ctx, j)), ir_extract(blk, v, 24 - 8 * j, 8));
    }
}

/* lswi/stswi: NB in the RB field, 0 meaning 32; EA = (rA|0). */
static bool ppc_gen_swi(PpcDisas *ctx, const PpcArgs *a, bool is_load)
{
    unsigned n = a->rb ? (unsigned)a->rb : 32;
    IrTemp ea = ppc_get_ra0(ctx, a->ra);

    for (unsigned i = 0; i < n; i += 4) {
        int r = (a->rt + (int)(i / 4)) & 31;
        unsigned k = MIN(4u, n - i);
        IrTemp addr = i ? ir_add(ctx->blk, ea, ppc_const(ctx, i)) : ea;

        if (is_load) {
            ppc_set_gpr(ctx, r, ppc_gen_load_partial(ctx, addr, k));
        } else {
            ppc_gen_store_partial(ctx, addr, ppc_get_gpr(ctx, r), k);
        }
    }
    return true;
}

bool ppc_trans_lswi(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_swi(ctx, a, true); }
bool ppc_trans_stswi(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_swi(ctx, a, false); }

/*
 * lswx/stswx: the count is XER[57:63] (0..127 bytes) at run time, but the register
 * of each 4-byte chunk is known from rT: unrolled per chunk.  Chunk k runs when the
 * count exceeds 4k; a full chunk is one word access, the (only) partial one is
 * lifted out of line with its 1-3 byte accesses.
 */
static bool ppc_gen_swx(PpcDisas *ctx, const PpcArgs *a, bool is_load)
{
    IrBlock *blk = ctx->blk;
    IrTemp n = ppc_get32(ctx, PPC_OFF(xer_bc));
    IrTemp ea = ir_add(blk, ppc_get_ra0(ctx, a->ra), ppc_get_gpr(ctx, a->rb));
    uint32_t done = ir_label_new(blk);
    uint32_t partial[32];

    for (unsigned k = 0; k < 32; k++) {
        int r = (a->rt + (int)k) & 31;
        IrTemp addr = ir_add(blk, ea, ppc_const(ctx, 4 * k));

        partial[k] = ir_label_new(blk);
        ir_brcond(blk, IR_COND_LEU, n, ppc_const(ctx, 4 * k), done);
        ir_brcond(blk, IR_COND_LTU, n, ppc_const(ctx, 4 * k + 4), partial[k]);
        if (is_load) {
            ppc_set_gpr(ctx, r, ppc_gen_load_partial(ctx, addr, 4));
        } else {
            ppc_gen_store_partial(ctx, addr, ppc_get_gpr(ctx, r), 4);
        }
    }
    ir_br(blk, done);
    for (unsigned k = 0; k < 32; k++) {
        int r = (a->rt + (int)k) & 31;
        IrTemp addr, v = IR_TEMP_NONE;
        uint32_t finish = ir_label_new(blk);

        ir_label(blk, partial[k]);
        addr = ir_add(blk, ea, ppc_const(ctx, 4 * k));
        if (is_load) {
            v = ir_temp_new(blk, IR_I32);
            ir_mov_to(blk, v, ir_shl(blk, ir_load(blk, IR_I32, IR_MEM_8, addr), ppc_const(ctx, 24)));
        } else {
            ir_store(blk, IR_MEM_8, addr, ir_extract(blk, ppc_get_gpr(ctx, r), 24, 8));
        }
        for (unsigned j = 1; j < 3; j++) {
            IrTemp baddr;

            ir_brcond(blk, IR_COND_LEU, n, ppc_const(ctx, 4 * k + j), finish);
            baddr = ir_add(blk, addr, ppc_const(ctx, j));
            if (is_load) {
                IrTemp b = ir_shl(blk, ir_load(blk, IR_I32, IR_MEM_8, baddr), ppc_const(ctx, 24 - 8 * j));

                ir_mov_to(blk, v, ir_or(blk, v, b));
            } else {
                ir_store(blk, IR_MEM_8, baddr, ir_extract(blk, ppc_get_gpr(ctx, r), 24 - 8 * j, 8));
            }
        }
        ir_label(blk, finish);
        if (is_load) {
            ppc_set_gpr(ctx, r, v);
        }
        ir_br(blk, done);
    }
    ir_label(blk, done);
    return true;
}

bool ppc_trans_lswx(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_swx(ctx, a, true); }
bool ppc_trans_stswx(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_swx(ctx, a, false); }

/* --- Reservations (Book II 4.4.2) --- */

static void ppc_gen_check_align(PpcDisas *ctx, IrTemp addr, GuestAccess access)
{
    IrBlock *blk = ctx->blk;
    uint32_t ok = ir_label_new(blk);

    ir_brcond(blk, IR_COND_TSTEQ, addr, ppc_const(ctx, 3), ok);
    ir_raise(blk, GUEST_EXIT_MISALIGNED, access, ir_extu32(blk, addr));
    ir_label(blk, ok);
}

bool ppc_trans_lwarx(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp ea = ppc_gen_ea(ctx, &(PpcArgs){ .ra = a->ra, .rb = a->rb, .param = PPC_LS_INDEXED });
    IrTemp v;

    ppc_gen_check_align(ctx, ea, GUEST_ACCESS_READ);
    v = ir_load(ctx->blk, IR_I32, IR_MEM_32 | IR_MEM_BE, ea);
    ppc_set32(ctx, PPC_OFF(res_addr), ea);
    ppc_set32(ctx, PPC_OFF(res_val), v);
    ppc_set_gpr(ctx, a->rt, v);
    return true;
}

bool ppc_trans_stwcx(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp ea = ppc_gen_ea(ctx, &(PpcArgs){ .ra = a->ra, .rb = a->rb, .param = PPC_LS_INDEXED });
    IrTemp ok = ir_temp_new(blk, IR_I32);
    uint32_t fail = ir_label_new(blk), done = ir_label_new(blk);
    IrTemp expected, old;

    ppc_gen_check_align(ctx, ea, GUEST_ACCESS_WRITE);
    ir_brcond(blk, IR_COND_NE, ppc_get32(ctx, PPC_OFF(res_addr)), ea, fail);
    expected = ppc_get32(ctx, PPC_OFF(res_val));
    old = ir_cmpxchg(blk, IR_MEM_32 | IR_MEM_BE, ea, expected, ppc_get_gpr(ctx, a->rt));
    ir_mov_to(blk, ok, ir_select(blk, IR_COND_EQ, old, expected, ppc_const(ctx, PPC_CR_EQ), ppc_const(ctx, 0)));
    ir_br(blk, done);
    ir_label(blk, fail);
    ir_mov_to(blk, ok, ppc_const(ctx, 0));
    ir_label(blk, done);
    ppc_set32(ctx, PPC_OFF(res_addr), ppc_const(ctx, 0xffffffffu));
    ppc_set32(ctx, PPC_OFF_CR(0), ir_or(blk, ok, ppc_get32(ctx, PPC_OFF(xer_so))));
    return true;
}

/* --- Barriers and cache management --- */

/* sync (L=0), lwsync (L=1), eieio/mbar: a full host barrier.  L=2/3 (ptesync) is 64-bit only. */
bool ppc_trans_sync(PpcDisas *ctx, const PpcArgs *a)
{
    if (a->l >= 2) {
        return false;
    }
    ir_fence(ctx->blk);
    return true;
}

/*
 * isync and icbi end the block and go back through the exec loop, which drops
 * translations of code that changed (GUEST_EXIT_SYNC_CODE, code = the length to
 * skip), so a program that wrote code and then ran icbi; isync sees the new code.
 */
static bool ppc_gen_sync_code(PpcDisas *ctx)
{
    ir_raise(ctx->blk, GUEST_EXIT_SYNC_CODE, 4, IR_TEMP_NONE);
    ctx->end_block = true;
    return true;
}

bool ppc_trans_isync(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_sync_code(ctx); }
bool ppc_trans_icbi(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_sync_code(ctx); }

/* dcbst, dcbf, dcbt, dcbtst: caches are coherent with everything mimic does. */
bool ppc_trans_cache_nop(PpcDisas *ctx, const PpcArgs *a)
{
    return true;
}

bool ppc_trans_dcbz(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp ea = ir_add(blk, ppc_get_ra0(ctx, a->ra), ppc_get_gpr(ctx, a->rb));
    IrTemp line = ir_and(blk, ea, ppc_const(ctx, ~(PPC_DCACHE_LINE - 1)));
    IrTemp zero = ir_const_i64(blk, 0);

    for (unsigned off = 0; off < PPC_DCACHE_LINE; off += 8) {
        ir_store(blk, IR_MEM_64, off ? ir_add(blk, line, ppc_const(ctx, off)) : line, zero);
    }
    return true;
}
