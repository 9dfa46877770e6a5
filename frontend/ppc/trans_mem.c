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

bool ppc_trans_load(PpcDisas *ctx, const PpcArgs *a)
{
    bool update = a->param & PPC_LS_UPDATE;
    IrTemp ea, v;

    if (update && (a->ra == 0 || a->ra == a->rt)) {
        return false;
    }
    ea = ppc_gen_ea(ctx, a);
    v = ir_load(ctx->blk, IR_I32, ppc_memop(a->param), ea);
    if (update) {
        ppc_set_gpr(ctx, a->ra, ea);
    }
    ppc_set_gpr(ctx, a->rt, v);
    return true;
}

bool ppc_trans_store(PpcDisas *ctx, const PpcArgs *a)
{
    bool update = a->param & PPC_LS_UPDATE;
    IrTemp ea;

    if (update && a->ra == 0) {
        return false;
    }
    ea = ppc_gen_ea(ctx, a);
    ir_store(ctx->blk, ppc_memop(a->param), ea, ppc_get_gpr(ctx, a->rt));
    if (update) {
        ppc_set_gpr(ctx, a->ra, ea);
    }
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
