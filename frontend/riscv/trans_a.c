/*
 * A extension (RISC-V Unprivileged ISA 20191213, chapter 8).  AMOs map onto the
 * IR's atomic read-modify-write; the aq/rl bits need nothing more because every
 * IR atomic is sequentially consistent on the host.
 *
 * LR/SC: LR records the address and the loaded value in res_addr/res_val; SC
 * succeeds iff the reservation is for its address and a compare-and-swap of
 * res_val -> rs2 finds memory still holding res_val (so an ABA change between
 * LR and SC is not detected, as in qemu-riscv64).  SC always drops the
 * reservation.  A misaligned address raises GUEST_EXIT_MISALIGNED before any
 * access (code = GUEST_ACCESS_READ for LR, WRITE for SC and AMOs).
 */
#include "frontend/riscv/internal.h"

/* Raise a misaligned-access exit unless addr is a multiple of size. */
static void rv_gen_check_align(RvDisas *ctx, IrTemp addr, unsigned size, GuestAccess access)
{
    uint32_t ok = ir_label_new(ctx->blk);

    ir_brcond(ctx->blk, IR_COND_TSTEQ, addr, rv_const(ctx, size - 1), ok);
    ir_raise(ctx->blk, GUEST_EXIT_MISALIGNED, access, addr);
    ir_label(ctx->blk, ok);
}

static bool rv_gen_lr(RvDisas *ctx, const RvArgs *a, bool is_d)
{
    IrTemp addr = rv_get_x(ctx, a->rs1);
    IrTemp v;

    rv_gen_check_align(ctx, addr, is_d ? 8 : 4, GUEST_ACCESS_READ);
    v = ir_load(ctx->blk, IR_I64, rv_mop(ctx, is_d ? IR_MEM_64 : (IR_MEM_32 | IR_MEM_SIGN)), addr);
    ir_set(ctx->blk, RV_OFF(res_addr), addr);
    ir_set(ctx->blk, RV_OFF(res_val), v);
    rv_set_x(ctx, a->rd, v);
    return true;
}

static bool rv_gen_sc(RvDisas *ctx, const RvArgs *a, bool is_d)
{
    IrBlock *blk = ctx->blk;
    IrTemp addr = rv_get_x(ctx, a->rs1);
    IrTemp src = rv_get_x(ctx, a->rs2);
    IrTemp result = ir_temp_new(blk, IR_I64);
    uint32_t fail = ir_label_new(blk), done = ir_label_new(blk);
    IrTemp expected, old, failed;

    rv_gen_check_align(ctx, addr, is_d ? 8 : 4, GUEST_ACCESS_WRITE);
    ir_brcond(blk, IR_COND_NE, ir_get(blk, IR_I64, RV_OFF(res_addr)), addr, fail);
    expected = ir_get(blk, IR_I64, RV_OFF(res_val));
    if (is_d) {
        old = ir_cmpxchg(blk, rv_mop(ctx, IR_MEM_64), addr, expected, src);
        failed = ir_setcond(blk, IR_COND_NE, old, expected);
    } else {
        IrTemp exp32 = ir_trunc(blk, expected);

        old = ir_cmpxchg(blk, rv_mop(ctx, IR_MEM_32), addr, exp32, ir_trunc(blk, src));
        failed = ir_extu32(blk, ir_setcond(blk, IR_COND_NE, old, exp32));
    }
    ir_mov_to(blk, result, failed);
    ir_br(blk, done);
    ir_label(blk, fail);
    ir_mov_to(blk, result, rv_const(ctx, 1));
    ir_label(blk, done);
    ir_set(blk, RV_OFF(res_addr), rv_const(ctx, ~(uint64_t)0));
    rv_set_x(ctx, a->rd, result);
    return true;
}

bool trans_lr_w(RvDisas *ctx, const RvArgs *a) { return rv_gen_lr(ctx, a, false); }
bool trans_lr_d(RvDisas *ctx, const RvArgs *a) { return rv_gen_lr(ctx, a, true); }
bool trans_sc_w(RvDisas *ctx, const RvArgs *a) { return rv_gen_sc(ctx, a, false); }
bool trans_sc_d(RvDisas *ctx, const RvArgs *a) { return rv_gen_sc(ctx, a, true); }

static bool rv_gen_amo(RvDisas *ctx, const RvArgs *a, IrAtomicOp aop, bool is_d)
{
    IrBlock *blk = ctx->blk;
    IrTemp addr = rv_get_x(ctx, a->rs1);
    IrTemp src = rv_get_x(ctx, a->rs2);
    IrTemp old;

    rv_gen_check_align(ctx, addr, is_d ? 8 : 4, GUEST_ACCESS_WRITE);
    if (is_d) {
        old = ir_atomic_rmw(blk, aop, rv_mop(ctx, IR_MEM_64), addr, src);
    } else {
        /* i32 operation: signed min/max compare the 32-bit values. */
        old = ir_exts32(blk, ir_atomic_rmw(blk, aop, rv_mop(ctx, IR_MEM_32), addr, ir_trunc(blk, src)));
    }
    rv_set_x(ctx, a->rd, old);
    return true;
}

#define RV_AMO(name, aop) \
    bool trans_##name##_w(RvDisas *ctx, const RvArgs *a) { return rv_gen_amo(ctx, a, aop, false); } \
    bool trans_##name##_d(RvDisas *ctx, const RvArgs *a) { return rv_gen_amo(ctx, a, aop, true); }
RV_AMO(amoswap, IR_ATOMIC_XCHG)
RV_AMO(amoadd, IR_ATOMIC_ADD)
RV_AMO(amoxor, IR_ATOMIC_XOR)
RV_AMO(amoand, IR_ATOMIC_AND)
RV_AMO(amoor, IR_ATOMIC_OR)
RV_AMO(amomin, IR_ATOMIC_SMIN)
RV_AMO(amomax, IR_ATOMIC_SMAX)
RV_AMO(amominu, IR_ATOMIC_UMIN)
RV_AMO(amomaxu, IR_ATOMIC_UMAX)
#undef RV_AMO
