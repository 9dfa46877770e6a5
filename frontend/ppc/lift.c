/*
 * The PowerPC block lifter: fetches big-endian instruction words, decodes them
 * through the tables and calls their trans_ functions.  It also owns the
 * register accessors and the CR/XER idioms every trans_ file uses (the RA=0 rule,
 * CR0 of record forms, OV/SO), so each quirk lives in one place.
 *
 * Block ends: a branch, trap, sc or context-synchronizing instruction (the trans_
 * function sets ctx->end_block; a conditional branch does not, unless it jumps back to
 * the block's start: lifting goes on with its fall-through path, see PpcDisas.fwd),
 * before an instruction on the next 4 KiB page, after max_insns instructions, or before
 * an instruction that cannot be fetched (a fetch fault on the first instruction raises
 * GUEST_EXIT_FETCH_FAULT).  After an instruction that ends the block, lifting resumes at
 * the nearest pending branch target just ahead, if any, so a loop whose exit test jumps
 * over its back edge, or an if-then-else, stays one block.  When nothing is left ahead, a
 * loop path that branches back to just before (or into) the block is lifted again as a
 * copy up to the block's start (ppc_next_copy), so a loop entered in its middle with two
 * ways round stays in the block.
 */
#include "frontend/ppc/internal.h"

#define PPC_DEFAULT_MAX_INSNS 512
#define PPC_PAGE_MASK (~(uint64_t)0xfff)

/* --- Register accessors --- */

IrTemp ppc_const(PpcDisas *ctx, uint32_t v)
{
    return ir_const_i32(ctx->blk, v);
}

IrTemp ppc_get32(PpcDisas *ctx, uint32_t off)
{
    return ir_get(ctx->blk, IR_I32, off);
}

void ppc_set32(PpcDisas *ctx, uint32_t off, IrTemp v)
{
    if (off >= PPC_OFF_CR(0) && off < PPC_OFF_CR(8)) {
        ctx->cmp.valid = false;     /* a CR field no longer holds the last compare's result */
    }
    ir_set(ctx->blk, off, v);
}

IrTemp ppc_get_gpr(PpcDisas *ctx, int r)
{
    return ir_get(ctx->blk, IR_I32, PPC_OFF_GPR(r));
}

void ppc_set_gpr(PpcDisas *ctx, int r, IrTemp v)
{
    ppc_st_forget_base(ctx, r);
    ir_set(ctx->blk, PPC_OFF_GPR(r), v);
}

IrTemp ppc_get_ra0(PpcDisas *ctx, int ra)
{
    return ra == 0 ? ppc_const(ctx, 0) : ppc_get_gpr(ctx, ra);
}

IrTemp ppc_get_fpr(PpcDisas *ctx, int r)
{
    return ir_get(ctx->blk, IR_I64, PPC_OFF_FPR(r));
}

void ppc_set_fpr(PpcDisas *ctx, int r, IrTemp v)
{
    ir_set(ctx->blk, PPC_OFF_FPR(r), v);
}

/* --- CR and XER idioms (Book I 2.3.1, 3.3.8) --- */

/* CR field f = lt_gt_eq | SO, remembered as the compare of a and b for fused branches. */
static void ppc_set_compare(PpcDisas *ctx, int f, IrTemp lt_gt_eq, IrTemp a, IrTemp b, bool is_signed)
{
    ppc_set32(ctx, PPC_OFF_CR(f), ir_or(ctx->blk, lt_gt_eq, ppc_get32(ctx, PPC_OFF(xer_so))));
    ctx->cmp.valid = true;
    ctx->cmp.field = f;
    ctx->cmp.a = a;
    ctx->cmp.b = b;
    ctx->cmp.is_signed = is_signed;
}

void ppc_gen_compare(PpcDisas *ctx, int f, IrTemp a, IrTemp b, bool is_signed)
{
    IrBlock *blk = ctx->blk;
    IrTemp lt_gt_eq = ir_select(blk, is_signed ? IR_COND_LT : IR_COND_LTU, a, b, ppc_const(ctx, PPC_CR_LT),
                                ir_select(blk, is_signed ? IR_COND_GT : IR_COND_GTU, a, b,
                                          ppc_const(ctx, PPC_CR_GT), ppc_const(ctx, PPC_CR_EQ)));

    ppc_set_compare(ctx, f, lt_gt_eq, a, b, is_signed);
}

/*
 * Compare + branch: when an earlier instruction of the block compared a and b into
 * this CR field, no CR field was written since (ppc_set32 clears ctx->cmp) and no
 * label lies between (so it is the only way here), LT/GT/EQ are the comparison of
 * those IR values itself, whatever happened to the registers they came from since
 * (compilers schedule instructions between a compare and its branch).  SO comes from
 * XER and is always tested in the field.
 */
/* The condition "CR bit bi is set" as (cond, x, y): the fused compare, or a test of the field. */
static IrCond ppc_crbit_cond(PpcDisas *ctx, int bi, IrTemp *x, IrTemp *y)
{
    int f = bi >> 2, bit = bi & 3;

    if (ctx->cmp.valid && ctx->cmp.field == f && bit != 3) {
        bool s = ctx->cmp.is_signed;

        *x = ctx->cmp.a;
        *y = ctx->cmp.b;
        return bit == 0 ? (s ? IR_COND_LT : IR_COND_LTU) : bit == 1 ? (s ? IR_COND_GT : IR_COND_GTU) : IR_COND_EQ;
    }
    *x = ppc_get32(ctx, PPC_OFF_CR(f));
    *y = ppc_const(ctx, 8u >> bit);
    return IR_COND_TSTNE;
}

void ppc_gen_crbit_jump(PpcDisas *ctx, int bi, bool want, uint32_t label)
{
    IrTemp x, y;
    IrCond c = ppc_crbit_cond(ctx, bi, &x, &y);

    ir_brcond(ctx->blk, want ? c : ir_cond_invert(c), x, y, label);
}

IrTemp ppc_gen_crbit_select(PpcDisas *ctx, int bi, IrTemp if_set, IrTemp if_clear)
{
    IrTemp x, y;
    IrCond c = ppc_crbit_cond(ctx, bi, &x, &y);

    return ir_select(ctx->blk, c, x, y, if_set, if_clear);
}

void ppc_gen_cr0(PpcDisas *ctx, IrTemp result)
{
    ppc_gen_compare(ctx, 0, result, ppc_const(ctx, 0), true);
}

/*
 * CR0 of a result whose sign bit is known clear (andi., andis. of a mask below 2^31):
 * never LT, so GT or EQ by one test; as an unsigned compare with 0 it is the same
 * field, which is what a fused branch gets (LT: x <u 0, never).
 */
void ppc_gen_cr0_nonneg(PpcDisas *ctx, IrTemp result)
{
    IrTemp zero = ppc_const(ctx, 0);

    ppc_set_compare(ctx, 0, ir_select(ctx->blk, IR_COND_NE, result, zero, ppc_const(ctx, PPC_CR_GT),
                                      ppc_const(ctx, PPC_CR_EQ)),
                    result, zero, false);
}

/* CR bit b (0 = CR0[LT]) lives in cr[b / 4] at bit 3 - b % 4. */
IrTemp ppc_get_crbit(PpcDisas *ctx, int bit)
{
    return ir_extract(ctx->blk, ppc_get32(ctx, PPC_OFF_CR(bit >> 2)), 3 - (bit & 3), 1);
}

void ppc_set_crbit(PpcDisas *ctx, int bit, IrTemp v)
{
    uint32_t off = PPC_OFF_CR(bit >> 2);

    ppc_set32(ctx, off, ir_deposit(ctx->blk, ppc_get32(ctx, off), v, 3 - (bit & 3), 1));
}

void ppc_gen_set_ov(PpcDisas *ctx, IrTemp ov)
{
    ppc_set32(ctx, PPC_OFF(xer_ov), ov);
    ppc_set32(ctx, PPC_OFF(xer_so), ir_or(ctx->blk, ppc_get32(ctx, PPC_OFF(xer_so)), ov));
}

void ppc_gen_illegal(PpcDisas *ctx)
{
    ir_raise(ctx->blk, GUEST_EXIT_ILLEGAL, 0, ir_const_i64(ctx->blk, ctx->insn));
    ctx->end_block = true;
}

void ppc_gen_goto(PpcDisas *ctx, uint32_t pc)
{
    ir_goto_block(ctx->blk, pc);
}

/* --- One instruction --- */

/*
 * Encodings of facilities this frontend does not implement: illegal instructions
 * (Linux sends SIGILL, as on a core without them), with a one-time note on stderr.
 */
static const struct {
    uint32_t mask, match;
    const char *what;
} ppc_unimplemented[] = {
    { 0xfc000000u, 0x10000000u, "AltiVec / SPE (primary opcode 4)" },
    { 0xfc000000u, 0x78000000u, "64-bit rotates (primary opcode 30)" },
    { 0xfc000000u, 0xe8000000u, "64-bit loads (ld, primary opcode 58)" },
    { 0xfc000000u, 0xf8000000u, "64-bit stores (std, primary opcode 62)" },
    { 0xfc000000u, 0x08000000u, "tdi (64-bit trap)" },
    { 0xfc0007feu, 0x7c00000eu, "AltiVec loads (lvebx...)" },
    { 0xfc0007feu, 0x7c0000ceu, "AltiVec loads (lvx)" },
    { 0xfc0007feu, 0x7c0001ceu, "AltiVec stores (stvx)" },
    { 0xfc0007feu, 0x7c0007eeu, "decimal / cache ops (dcbzl)" },
    { 0xfc0007feu, 0x7c0006acu, "mbar with a nonzero MO field" },
};

static void ppc_warn_if_known(uint32_t insn)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(ppc_unimplemented); i++) {
        if ((insn & ppc_unimplemented[i].mask) == ppc_unimplemented[i].match) {
            guest_warn_unimplemented(&ppc32_arch, ppc_unimplemented[i].what);
            return;
        }
    }
}

/*
 * FP instructions that can set an exception bit or an enable, and so FPSCR[FEX]: the
 * arithmetic of opcode 59, and opcode 63 but for the moves, fsel, mffs, mcrfs (which
 * only clears) and mtfsb0.
 */
static bool ppc_fp_can_trap(const PpcInsnDesc *d, uint32_t insn)
{
    static const char *const quiet[] = { "fmr", "fneg", "fabs", "fnabs", "fsel", "mffs", "mcrfs", "mtfsb0" };
    unsigned opcd = insn >> 26;

    if (opcd != 59 && opcd != 63) {
        return false;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(quiet); i++) {
        if (strcmp(d->name, quiet[i]) == 0) {
            return false;
        }
    }
    return true;
}

static void ppc_lift_insn(PpcDisas *ctx)
{
    PpcArgs a;
    const PpcInsnDesc *d = ppc_decode(ctx->insn, &a);

    if (d == NULL) {
        ppc_warn_if_known(ctx->insn);
        ppc_gen_illegal(ctx);
    } else if (!d->trans(ctx, &a)) {
        ppc_gen_illegal(ctx);
    } else if (ctx->fp_traps && ppc_fp_can_trap(d, ctx->insn)) {
        ir_call(ctx->blk, &ir_helper_ppc_fp_trap, 0, NULL);
    }
}

/* Forward branches whose target was not reached: their labels become exits to the target. */
static void ppc_flush_fwd(PpcDisas *ctx)
{
    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        ir_label(ctx->blk, ctx->fwd[i].label);
        ir_goto_block(ctx->blk, ctx->fwd[i].pc);
    }
    ctx->n_fwd = 0;
}

/*
 * After an instruction that ends the block, the code that follows is reachable only
 * through pending branch targets: lifting goes on at the nearest one ahead if it is
 * close (PPC_RESUME_SPAN: not a stretch of code reached by one rare branch).  Returns
 * that pc, or 0.
 */
static uint32_t ppc_next_fwd_target(const PpcDisas *ctx, uint32_t pc)
{
    uint32_t next = 0;

    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        if (ctx->fwd[i].pc >= pc && ctx->fwd[i].pc - pc <= PPC_RESUME_SPAN && (next == 0 || ctx->fwd[i].pc < next)) {
            next = ctx->fwd[i].pc;
        }
    }
    return next;
}

/* The running copy has used up its budget. */
static bool ppc_copy_spent(const PpcDisas *ctx)
{
    return ctx->copy_slow ? ctx->slow_copy_insns >= PPC_MAX_SLOW_COPY_INSNS : ctx->copy_insns >= PPC_MAX_COPY_INSNS;
}

/*
 * After the block's end with nothing ahead to resume at: a pending backward target close
 * to the block (a loop's other path: the odd step of a Collatz loop whose block started
 * at the even test) is lifted again as a copy, up to where it reaches the block's start,
 * which is then the JIT's self-loop back edge.  Without the copy, each trip through that
 * path left the block and came back through another one, storing and reloading every
 * register both ways.  Each target is copied once and the copies have a budget, so
 * lifting ends; code before the block's start only when nothing (a breakpoint, a trace
 * range's edge) must stop there.  Returns the pc to lift from, or 0.
 */
static uint32_t ppc_next_copy(PpcDisas *ctx, uint32_t pc)
{
    if (!ctx->fwd_ok || ctx->n_copies >= PPC_MAX_COPIES || ctx->copy_insns >= PPC_MAX_COPY_INSNS) {
        return 0;
    }
    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        uint32_t t = ctx->fwd[i].pc;
        bool seen = t == ctx->block_pc;

        for (unsigned k = 0; k < ctx->n_copies && !seen; k++) {
            seen = ctx->copied[k] == t;
        }
        if (seen || t >= pc || (t & PPC_PAGE_MASK) != ctx->page ||
            (t < ctx->block_pc && (!ctx->copy_ok || ctx->block_pc - t > PPC_COPY_SPAN))) {
            continue;
        }
        ctx->copied[ctx->n_copies++] = t;
        ctx->copying = true;
        ctx->copy_slow = false;
        ctx->copy_closed = false;
        return t;
    }
    return 0;
}

/*
 * Once lifting has nowhere left to go: the deferred slow paths of inline FP instructions
 * (trans_fp.c), each emitted here after the block's exits.  After one, the code from the
 * next instruction is lifted again as a copy when that gets back to the block's start
 * within the copy budget (the instruction was itself in a copied loop part, or the copy
 * goes round the loop's back edge): a zero product in a loop (bench/fpmath's matrix
 * multiply with zero elements) then stays in the block instead of leaving it on every
 * trip.  Otherwise the slow path leaves to the next instruction.  Returns the pc to go on
 * lifting at, or 0 when all slow paths are out.
 */
static uint32_t ppc_next_slow_path(PpcDisas *ctx)
{
    for (uint32_t spc; (spc = ppc_fp_slow_next(ctx)) != 0;) {
        uint32_t next = spc + 4;
        bool before = next < ctx->block_pc;

        if (next == ctx->block_pc || !ctx->fwd_ok || ctx->slow_copy_insns >= PPC_MAX_SLOW_COPY_INSNS ||
            (next & PPC_PAGE_MASK) != ctx->page || (before && (!ctx->copy_ok || ctx->block_pc - next > PPC_COPY_SPAN))) {
            ir_goto_block(ctx->blk, next);
            continue;
        }
        /* what lifting knew before the helper no longer holds */
        ctx->cmp.valid = false;
        ctx->fp_mode_ok = false;
        ctx->copying = true;
        ctx->copy_slow = true;
        ctx->copy_closed = false;
        return next;
    }
    return 0;
}

/*
 * Place the labels of pending branches that target pc.  When one branch is the only way
 * there (the instruction before does not fall through), what held at that branch still
 * holds: its compare for a fused branch and its stores for forwarding; else both are
 * forgotten, as after any label.
 */
static void ppc_place_fwd(PpcDisas *ctx, uint32_t pc, bool reachable)
{
    unsigned n = 0, placed = 0, last = 0;

    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        if (ctx->fwd[i].pc == pc) {
            ir_label(ctx->blk, ctx->fwd[i].label);
            ctx->fp_mode_ok = false;
            placed++;
            last = i;
        }
    }
    if (placed == 1 && !reachable) {
        ctx->cmp = ctx->fwd[last].cmp;
        ctx->st = ctx->fwd[last].st;
        ctx->st_scan = ctx->blk->n_insns;
    } else if (placed > 0) {
        ctx->cmp.valid = false;     /* reached from another path too */
    }
    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        if (ctx->fwd[i].pc != pc) {
            ctx->fwd[n++] = ctx->fwd[i];
        }
    }
    ctx->n_fwd = n;
}

void ppc_lift_block(GuestLiftCtx *lctx)
{
    IrBlock *blk = lctx->blk;
    unsigned max = lctx->max_insns ? lctx->max_insns : PPC_DEFAULT_MAX_INSNS;
    PpcDisas ctx = { .blk = blk };
    uint64_t pc = (uint32_t)lctx->pc;
    uint64_t page = pc & PPC_PAGE_MASK;

    /* One-instruction blocks (insn tracing) stay simple; traces that count steps need every insn to run. */
    ctx.fwd_ok = max > 1 && !lctx->straight_line;
    ctx.copy_ok = !lctx->no_code_before_pc;
    ctx.fp_traps = lctx->cpu && __atomic_load_n(&((const PpcCpu *)lctx->cpu)->fp_traps, __ATOMIC_RELAXED);
    /*
     * Forwarding stores to loads needs plain memory: not system mode's devices and page
     * permissions, and not traces that list every access.
     */
    ctx.st_ok = (lctx->cpu == NULL || lctx->cpu->tlb == NULL) && blk->trace_mem_helper == NULL &&
                blk->trace_insn_helper == NULL;
    ctx.page = (uint32_t)page;
    ctx.block_pc = (uint32_t)pc;
    blk->guest_pc = pc;
    blk->guest_size = 0;
    blk->guest_insns = 0;
    /* reachable: the previous instruction can fall through to pc (false after a resume) */
    for (bool reachable = true;;) {
        uint8_t b[4];
        unsigned n_fwd;

        /*
         * A copy got back to the block's start, went round the loop (the code after its
         * back edge runs once, after the loop), or used up the copy budget.
         */
        if (ctx.copying && (pc == ctx.block_pc || ctx.copy_closed || ppc_copy_spent(&ctx))) {
            uint32_t next;

            if (reachable) {
                ir_goto_block(blk, pc);
            }
            next = ppc_next_copy(&ctx, (uint32_t)pc);
            if (next == 0) {
                pc = ppc_next_slow_path(&ctx);
                if (pc == 0) {
                    break;
                }
                reachable = true;
                continue;
            }
            reachable = false;
            pc = next;
        }
        if (blk->guest_insns > 0 &&
            (blk->guest_insns >= max || (pc & PPC_PAGE_MASK) != page || pc == lctx->stop_pc)) {
            if (reachable) {
                ir_goto_block(blk, pc);
            }
            break;
        }
        if (!lctx->fetch(lctx->fetch_opaque, pc, b, 4)) {
            if (blk->guest_insns > 0) {
                if (reachable) {
                    ir_goto_block(blk, pc);
                }
                break;
            }
            ir_insn_start(blk, pc, 4);
            ir_raise(blk, GUEST_EXIT_FETCH_FAULT, GUEST_ACCESS_EXEC, ir_const_i64(blk, pc));
            break;
        }
        ctx.insn = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        /*
         * An undecodable word after other instructions (perhaps never run: past a
         * conditional branch, or data) starts a block of its own, which reports it
         * only if it runs.
         */
        if (blk->guest_insns > 0 && ppc_decode(ctx.insn, &(PpcArgs){ 0 }) == NULL) {
            if (reachable) {
                ir_goto_block(blk, pc);
            }
            break;
        }
        ctx.insn_index = blk->guest_insns;
        ppc_place_fwd(&ctx, (uint32_t)pc, reachable);
        reachable = true;
        ctx.pc = (uint32_t)pc;
        ctx.next_pc = (uint32_t)(pc + 4);
        ir_insn_start(blk, pc, 4);
        n_fwd = ctx.n_fwd;
        ppc_lift_insn(&ctx);
        if (ctx.n_fwd > n_fwd && ctx.fwd[ctx.n_fwd - 1].pc == ctx.block_pc) {
            ctx.copy_closed = ctx.copying;
        }
        blk->guest_insns++;
        if (ctx.copying) {
            *(ctx.copy_slow ? &ctx.slow_copy_insns : &ctx.copy_insns) += 1;
        }
        pc = ctx.next_pc;
        if (pc > lctx->pc) {
            /* Bytes from the block's start to the end of its farthest instruction (copies lie within). */
            blk->guest_size = MAX(blk->guest_size, (uint32_t)(pc - lctx->pc));
        }
        if (ctx.end_block) {
            uint32_t target = ppc_next_fwd_target(&ctx, (uint32_t)pc);

            /* Never past stop_pc (a breakpoint, a trace range's edge) by skipping over it. */
            if (target == 0 || (lctx->stop_pc != 0 && lctx->stop_pc >= pc && lctx->stop_pc < target)) {
                target = ppc_next_copy(&ctx, (uint32_t)pc);
            }
            ctx.end_block = false;
            if (target == 0) {
                pc = ppc_next_slow_path(&ctx);
                if (pc == 0) {
                    break;
                }
                reachable = true;
                continue;
            }
            reachable = false;
            pc = target;
        }
    }
    /* Slow paths left (lifting stopped at a limit): each leaves to its next instruction. */
    for (uint32_t spc; (spc = ppc_fp_slow_next(&ctx)) != 0;) {
        ir_goto_block(blk, spc + 4);
    }
    ppc_flush_fwd(&ctx);
}
