/*
 * The RISC-V block lifter: fetches instructions, expands compressed ones,
 * decodes them through the tables and calls their trans_ functions.  It also
 * owns the register accessors every trans_ file uses (the x0 rule lives here).
 *
 * Block ends: any control transfer or trap (the trans_ function sets
 * ctx->end_block; a forward conditional branch does not: lifting goes on with its
 * fall-through path, and the taken edge jumps to a label placed before the target when
 * that is near, else leaves the block through a side exit),
 * before an instruction that would start on the next 4 KiB page,
 * after ctx->max_insns instructions, or before an instruction that cannot be
 * fetched (a fetch fault on the first instruction raises GUEST_EXIT_FETCH_FAULT).
 */
#include "frontend/riscv/internal.h"

#define RV_DEFAULT_MAX_INSNS 512
#define RV_PAGE_MASK (~(uint64_t)0xfff)

/* --- Register accessors --- */

IrTemp rv_const(RvDisas *ctx, uint64_t v)
{
    return ir_const_i64(ctx->blk, v);
}

IrTemp rv_get_x(RvDisas *ctx, int r)
{
    if (r == 0) {
        return rv_const(ctx, 0);
    }
    return ir_get(ctx->blk, IR_I64, RV_OFF_X(r));
}

void rv_set_x(RvDisas *ctx, int r, IrTemp v)
{
    if (r != 0) {
        ir_set(ctx->blk, RV_OFF_X(r), v);
    }
}

void rv_set_x_w(RvDisas *ctx, int r, IrTemp v)
{
    if (r != 0) {
        ir_set(ctx->blk, RV_OFF_X(r), ir_sext(ctx->blk, v, 32));
    }
}

IrTemp rv_get_f(RvDisas *ctx, int r)
{
    return ir_get(ctx->blk, IR_I64, RV_OFF_F(r));
}

void rv_set_f(RvDisas *ctx, int r, IrTemp v)
{
    ir_set(ctx->blk, RV_OFF_F(r), v);
}

IrTemp rv_addr(RvDisas *ctx, int rs1, int64_t imm)
{
    IrTemp base = rv_get_x(ctx, rs1);

    return imm == 0 ? base : ir_add(ctx->blk, base, rv_const(ctx, (uint64_t)imm));
}

void rv_gen_illegal(RvDisas *ctx)
{
    ir_raise(ctx->blk, GUEST_EXIT_ILLEGAL, 0, rv_const(ctx, ctx->raw));
    ctx->end_block = true;
}

/* --- One instruction --- */

/*
 * Encodings of extensions this frontend does not implement: still illegal
 * instructions (as on a hart without them, and in qemu-riscv64's default CPU),
 * but a program using them deserves a one-time note on stderr.
 */
static const struct {
    uint32_t mask, match;
    const char *what;
} rv_unimplemented[] = {
    { 0x0000007f, 0x00000057, "vector extension (V)" },
    { 0x0000607f, 0x00000007, "vector loads (V)" },
    { 0x0000407f, 0x00004007, "vector or quad-precision loads (V, Q)" },
    { 0x0000607f, 0x00000027, "vector stores (V)" },
    { 0x0000407f, 0x00004027, "vector or quad-precision stores (V, Q)" },
    { 0x0000707f, 0x00001007, "half-precision loads (Zfh)" },
    { 0x0000707f, 0x00001027, "half-precision stores (Zfh)" },
    { 0x0600007f, 0x04000053, "half-precision arithmetic (Zfh)" },
    { 0x0600007f, 0x06000053, "quad-precision arithmetic (Q)" },
    { 0x0000707f, 0x0000200f, "cache-block operations (Zicbom/Zicboz)" },
};

static void rv_warn_if_known(uint32_t insn)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(rv_unimplemented); i++) {
        if ((insn & rv_unimplemented[i].mask) == rv_unimplemented[i].match) {
            guest_warn_unimplemented(&rv64_arch, rv_unimplemented[i].what);
            return;
        }
    }
}

/* --- System mode: mstatus.FS (Privileged Spec 20211203, §3.1.6.6) --- */

static bool rv_fmt_is_fp(RvFormat fmt)
{
    switch (fmt) {
    case RV_FMT_FLD:
    case RV_FMT_FST:
    case RV_FMT_FR:
    case RV_FMT_FRM:
    case RV_FMT_FR4:
    case RV_FMT_F1RM:
    case RV_FMT_XF:
    case RV_FMT_XFRM:
    case RV_FMT_FX:
    case RV_FMT_FXRM:
    case RV_FMT_XFF:
        return true;
    default:
        return false;
    }
}

/*
 * An F/D instruction in system mode: illegal while FS is Off; otherwise FS becomes Dirty
 * (and SD set) before the first one of the block that may change FP state -- f registers
 * or fflags.  Stores and moves to x registers (FST, XF formats) change neither.  Setting
 * Dirty before the instruction runs is the conservative choice the spec allows.
 */
static bool rv_gen_fs(RvDisas *ctx, RvFormat fmt)
{
    IrBlock *blk = ctx->blk;

    if (ctx->fs_off) {
        return false;
    }
    if (!ctx->fs_dirty_done && fmt != RV_FMT_FST && fmt != RV_FMT_XF) {
        IrTemp ms = ir_get(blk, IR_I64, RV_OFF(mstatus));

        ir_set(blk, RV_OFF(mstatus), ir_or(blk, ms, rv_const(ctx, RV_MSTATUS_FS | RV_MSTATUS_SD)));
        ctx->fs_dirty_done = true;
    }
    return true;
}

static void rv_lift_insn(RvDisas *ctx)
{
    const RvInsnDesc *d;
    RvArgs a;

    if (ctx->len == 2) {
        if (rv_expand_rvc((uint16_t)ctx->raw, &ctx->insn, &a) == NULL) {
            rv_gen_illegal(ctx);
            return;
        }
    } else {
        ctx->insn = ctx->raw;
    }
    d = rv_decode32(ctx->insn, &a);
    if (d == NULL) {
        if (ctx->len == 4) {
            rv_warn_if_known(ctx->insn);
        }
        rv_gen_illegal(ctx);
    } else if (ctx->sys && rv_fmt_is_fp(d->fmt) && !rv_gen_fs(ctx, d->fmt)) {
        rv_gen_illegal(ctx);
    } else if (!d->trans(ctx, &a)) {
        rv_gen_illegal(ctx);
    }
}

/* Fetch the instruction at pc into ctx->raw/len; false if (part of) it is not executable. */
static bool rv_fetch(GuestLiftCtx *lctx, RvDisas *ctx, uint64_t pc, uint64_t *fault_addr)
{
    uint8_t b[4];

    if (!lctx->fetch(lctx->fetch_opaque, pc, b, 2)) {
        *fault_addr = pc;
        return false;
    }
    if ((b[0] & 3) != 3) {
        ctx->raw = (uint32_t)b[0] | (uint32_t)b[1] << 8;
        ctx->len = 2;
        return true;
    }
    /* The second half may be on the next page: fetch it separately. */
    if (!lctx->fetch(lctx->fetch_opaque, pc + 2, b + 2, 2)) {
        *fault_addr = pc + 2;
        return false;
    }
    ctx->raw = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    ctx->len = 4;
    return true;
}

/* Forward branches whose target was not reached: their labels become exits to the target. */
static void rv_flush_fwd(RvDisas *ctx)
{
    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        ir_label(ctx->blk, ctx->fwd[i].label);
        ir_goto_block(ctx->blk, ctx->fwd[i].pc);
    }
    ctx->n_fwd = 0;
}

/* The side exits of long forward branches (rv_gen_branch), after the block's last instruction. */
static void rv_flush_side_exits(RvDisas *ctx)
{
    for (unsigned i = 0; i < ctx->n_side; i++) {
        ir_label(ctx->blk, ctx->side[i].label);
        ir_goto_block(ctx->blk, ctx->side[i].pc);
    }
    ctx->n_side = 0;
}

/*
 * After an instruction that ends the block (a jump, a backward branch, a trap), the code
 * that follows is reachable only through pending forward branches: lifting goes on at
 * the nearest such target, so a loop whose exit test jumps over its back edge (strcmp:
 * beqz out; beq loop; out: ...) stays one block and becomes a self loop.  Returns that
 * pc, or 0 when nothing is pending.
 */
static uint64_t rv_next_fwd_target(const RvDisas *ctx)
{
    uint64_t next = 0;
    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        if (next == 0 || ctx->fwd[i].pc < next) {
            next = ctx->fwd[i].pc;
        }
    }
    return next;
}

/* Place the labels of pending forward branches that target pc. */
static void rv_place_fwd(RvDisas *ctx, uint64_t pc)
{
    unsigned n = 0;
    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        if (ctx->fwd[i].pc == pc) {
            ir_label(ctx->blk, ctx->fwd[i].label);
            ctx->fp_fast_checked = false;       /* reached from a path that may not have checked */
            ctx->fs_dirty_done = false;
            ctx->frm_checked = false;
        } else {
            ctx->fwd[n++] = ctx->fwd[i];
        }
    }
    ctx->n_fwd = n;
}

void rv_lift_block(GuestLiftCtx *lctx)
{
    IrBlock *blk = lctx->blk;
    unsigned max = lctx->max_insns ? lctx->max_insns : RV_DEFAULT_MAX_INSNS;
    RvDisas ctx = { .blk = blk, .pc = lctx->pc };
    uint64_t pc = lctx->pc;

    /* One-instruction blocks (insn tracing) stay simple; traces that count steps need every insn to run. */
    ctx.fwd_ok = max > 1 && !lctx->straight_line;
    if (lctx->cpu != NULL && ((const RvCpu *)lctx->cpu)->sys) {
        const RvCpu *cpu = (const RvCpu *)lctx->cpu;

        ctx.sys = true;
        ctx.priv = cpu->priv;
        ctx.mmu_bits = rv_cpu_data_mmu_idx(cpu) << IR_MEM_MMU_SHIFT;
        ctx.fs_off = (cpu->mstatus & RV_MSTATUS_FS) == 0;
    }
    ctx.page = pc & RV_PAGE_MASK;
    blk->guest_pc = pc;
    blk->guest_size = 0;
    blk->guest_insns = 0;
    for (;;) {
        uint64_t fault_addr;

        if (blk->guest_insns > 0 &&
            (blk->guest_insns >= max || (pc & RV_PAGE_MASK) != ctx.page || pc == lctx->stop_pc ||
             ctx.n_fp_slow + RV_FP_SLOW_PER_INSN > RV_MAX_FP_SLOW)) {
            ir_goto_block(blk, pc);
            break;
        }
        if (!rv_fetch(lctx, &ctx, pc, &fault_addr)) {
            if (blk->guest_insns > 0) {
                ir_goto_block(blk, pc);
                break;
            }
            ir_insn_start(blk, pc, 2);
            ir_raise(blk, GUEST_EXIT_FETCH_FAULT, GUEST_ACCESS_EXEC, ir_const_i64(blk, fault_addr));
            break;
        }
        rv_place_fwd(&ctx, pc);
        ctx.pc = pc;
        ctx.next_pc = pc + ctx.len;
        ir_insn_start(blk, pc, ctx.len);
        rv_lift_insn(&ctx);
        blk->guest_insns++;
        pc = ctx.next_pc;
        blk->guest_size = (uint32_t)(pc - lctx->pc);
        if (ctx.end_block) {
            uint64_t target = rv_next_fwd_target(&ctx);
            if (target < pc) {
                break;
            }
            ctx.end_block = false;
            pc = target;
        }
    }
    rv_flush_fwd(&ctx);
    rv_flush_side_exits(&ctx);
    rv_flush_fp_slow(&ctx);
}
