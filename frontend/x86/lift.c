/*
 * The x86 block lifter: decodes instructions and calls their trans_ functions.  It
 * also owns the register and memory accessors every trans_ file uses, so each quirk
 * lives in one place: x86_get_reg8 (AH..BH versus SPL..DIL under REX, SDM Vol. 1
 * 3.4.1.1), partial writes as DEPOSIT and 32-bit writes zero-extending (Vol. 1 3.4.1.1),
 * address-size wrapping and FS/GS bases (Vol. 1 3.3.7, 3.4.2.1).
 *
 * Block ends: a branch, an exit (syscall, int3, illegal...), before an instruction on
 * the next 4 KiB page, after max_insns instructions, or before an instruction that
 * cannot be fetched.  A jcc does not end it (unless it jumps back to the block's
 * start): lifting goes on with the fall-through path and the taken edge jumps to a
 * label placed before the target if lifting reaches it (after an instruction that
 * does end the block, lifting resumes at the nearest target just ahead, or else at
 * one just before the block's start), else to a side exit, so if-then constructs and
 * loops that exit forward stay one block.  Resuming before the start takes in the
 * other arm of a loop body that the compiler laid out before the loop's head
 * ("L: ...; head: ...; jcc L; ...; jcc head"): the path from there runs into the
 * block's start, an exit to the block itself, which the JIT turns into a jump round
 * its self loop, so both arms run without leaving the block.
 */
#include <string.h>

#include "frontend/x86/internal.h"

#define X86_RESUME_SPAN 64
#define X86_RESUME_BACK_SPAN 128
#define X86_CALLEE_MAX 32       /* instructions from a branchy callee's entry to its first ret */
#define X86_CALLEE_SPAN 512     /* bytes from its entry that hold its rets */
#define X86_LOOP_REST_MAX 16    /* instructions after such a call that a later path lifts again */

/* --- Values --- */

IrTemp x86_const(X86Disas *ctx, uint64_t v)
{
    return ir_const_i64(ctx->blk, v);
}

IrTemp x86_zext(X86Disas *ctx, IrTemp v, unsigned size)
{
    return size == 8 ? v : ir_zext(ctx->blk, v, size * 8);
}

IrTemp x86_sext(X86Disas *ctx, IrTemp v, unsigned size)
{
    return size == 8 ? v : ir_sext(ctx->blk, v, size * 8);
}

/* --- Registers --- */

IrTemp x86_get_reg8(X86Disas *ctx, int r)
{
    if (!ctx->in->rex && r >= 4 && r < 8) {
        return ir_extract(ctx->blk, ir_get(ctx->blk, IR_I64, X86_OFF_REG(r - 4)), 8, 8);
    }
    return ir_extract(ctx->blk, ir_get(ctx->blk, IR_I64, X86_OFF_REG(r)), 0, 8);
}

void x86_set_reg8(X86Disas *ctx, int r, IrTemp v)
{
    unsigned pos = 0;

    if (!ctx->in->rex && r >= 4 && r < 8) {
        r -= 4;
        pos = 8;
    }
    ir_set(ctx->blk, X86_OFF_REG(r),
           ir_deposit(ctx->blk, ir_get(ctx->blk, IR_I64, X86_OFF_REG(r)), v, pos, 8));
}

IrTemp x86_get_reg(X86Disas *ctx, int r, unsigned size)
{
    IrTemp v;

    if (size == 1) {
        return x86_get_reg8(ctx, r);
    }
    v = ir_get(ctx->blk, IR_I64, X86_OFF_REG(r));
    return x86_zext(ctx, v, size);
}

IrTemp x86_reg_after_write(X86Disas *ctx, int r, unsigned size, IrTemp v)
{
    IrTemp cur;

    switch (size) {
    case 1:
        if (!ctx->in->rex && r >= 4 && r < 8) {
            return ir_deposit(ctx->blk, ir_get(ctx->blk, IR_I64, X86_OFF_REG(r - 4)), v, 8, 8);
        }
        cur = ir_get(ctx->blk, IR_I64, X86_OFF_REG(r));
        return ir_deposit(ctx->blk, cur, v, 0, 8);
    case 2:
        return ir_deposit(ctx->blk, ir_get(ctx->blk, IR_I64, X86_OFF_REG(r)), v, 0, 16);
    case 4:
        return ir_zext(ctx->blk, v, 32);
    case 8:
        return v;
    default:
        g_assert_not_reached();
    }
}

void x86_set_reg(X86Disas *ctx, int r, unsigned size, IrTemp v)
{
    if (size == 1) {
        x86_set_reg8(ctx, r, v);
        return;
    }
    ir_set(ctx->blk, X86_OFF_REG(r), x86_reg_after_write(ctx, r, size, v));
}

/* --- Memory --- */

IrMemOp x86_memop(unsigned size)
{
    switch (size) {
    case 1: return IR_MEM_8;
    case 2: return IR_MEM_16;
    case 4: return IR_MEM_32;
    case 8: return IR_MEM_64;
    default: g_assert_not_reached();
    }
}

/*
 * An i386 guest address (already wrapped to 32 bits) as an i32 temp: the whole 32-bit
 * range is the guest's, so the JIT needs no range check for it, only a zero-extending
 * move (an i64 address is compared with the limit first).
 */
static IrTemp x86_mem_addr(X86Disas *ctx, IrTemp addr)
{
    return ctx->mode64 ? addr : ir_trunc(ctx->blk, addr);
}

IrTemp x86_ld(X86Disas *ctx, unsigned size, IrTemp addr)
{
    return ir_load(ctx->blk, IR_I64, x86_memop(size), x86_mem_addr(ctx, addr));
}

void x86_st(X86Disas *ctx, unsigned size, IrTemp addr, IrTemp v)
{
    ir_store(ctx->blk, x86_memop(size), x86_mem_addr(ctx, addr), v);
}

/* Wrap to the address size and add the segment base (only FS and GS have one in user mode). */
IrTemp x86_gen_addr(X86Disas *ctx, IrTemp offset, int seg)
{
    IrBlock *blk = ctx->blk;
    IrTemp a = ctx->in->adsz == 8 ? offset : ir_zext(blk, offset, 32);

    if (seg == X86_SEG_FS || seg == X86_SEG_GS) {
        a = ir_add(blk, a, ir_get(blk, IR_I64, seg == X86_SEG_FS ? X86_OFF(fs_base) : X86_OFF(gs_base)));
        if (!ctx->mode64) {
            a = ir_zext(blk, a, 32);
        }
    }
    return a;
}

/* base + index * scale + disp (or rip + disp), before wrapping and segments. */
static IrTemp x86_ea_offset(X86Disas *ctx)
{
    const X86Insn *in = ctx->in;
    IrBlock *blk = ctx->blk;
    IrTemp a;

    g_assert(!in->addr16);
    if (in->rip_rel) {
        a = x86_const(ctx, ctx->next_pc + (uint64_t)in->disp);
    } else {
        a = in->base >= 0 ? ir_get(blk, IR_I64, X86_OFF_REG(in->base)) : IR_TEMP_NONE;
        if (in->index >= 0) {
            IrTemp idx = ir_get(blk, IR_I64, X86_OFF_REG(in->index));

            if (in->scale) {
                idx = ir_shl(blk, idx, x86_const(ctx, in->scale));
            }
            a = a ? ir_add(blk, a, idx) : idx;
        }
        if (!a) {
            a = x86_const(ctx, (uint64_t)in->disp);
        } else if (in->disp) {
            a = ir_add(blk, a, x86_const(ctx, (uint64_t)in->disp));
        }
    }
    return a;
}

IrTemp x86_gen_ea(X86Disas *ctx)
{
    if (!ctx->ea) {
        ctx->ea = x86_gen_addr(ctx, x86_ea_offset(ctx), ctx->in->seg);
    }
    return ctx->ea;
}

IrTemp x86_gen_lea(X86Disas *ctx)
{
    return x86_gen_addr(ctx, x86_ea_offset(ctx), X86_SEG_NONE);
}

IrTemp x86_ld_rm(X86Disas *ctx, unsigned size)
{
    if (ctx->in->mod == 3) {
        return x86_get_reg(ctx, ctx->in->rm, size);
    }
    return x86_ld(ctx, size, x86_gen_ea(ctx));
}

void x86_st_rm(X86Disas *ctx, unsigned size, IrTemp v)
{
    if (ctx->in->mod == 3) {
        x86_set_reg(ctx, ctx->in->rm, size, v);
        return;
    }
    x86_st(ctx, size, x86_gen_ea(ctx), v);
}

/* --- Stack (SDM Vol. 1 6.2.2: SS is flat; the stack size follows the mode) --- */

unsigned x86_stack_size(const X86Disas *ctx)
{
    return ctx->mode64 ? 8 : 4;
}

static IrTemp x86_stack_addr(X86Disas *ctx, IrTemp sp)
{
    return ctx->mode64 ? sp : ir_zext(ctx->blk, sp, 32);
}

void x86_push(X86Disas *ctx, unsigned size, IrTemp v)
{
    IrBlock *blk = ctx->blk;
    unsigned ss = x86_stack_size(ctx);
    IrTemp sp = ir_sub(blk, x86_get_reg(ctx, X86_RSP, ss), x86_const(ctx, size));

    x86_st(ctx, size, x86_stack_addr(ctx, sp), v);
    x86_set_reg(ctx, X86_RSP, ss, sp);
}

IrTemp x86_pop(X86Disas *ctx, unsigned size)
{
    IrBlock *blk = ctx->blk;
    unsigned ss = x86_stack_size(ctx);
    IrTemp sp = x86_get_reg(ctx, X86_RSP, ss);
    IrTemp v = x86_ld(ctx, size, x86_stack_addr(ctx, sp));

    x86_set_reg(ctx, X86_RSP, ss, ir_add(blk, sp, x86_const(ctx, size)));
    return v;
}

/* --- Control --- */

void x86_gen_goto(X86Disas *ctx, uint64_t pc)
{
    ir_goto_block(ctx->blk, ctx->mode64 ? pc : (uint32_t)pc);
}

void x86_gen_goto_ptr(X86Disas *ctx, IrTemp pc)
{
    ir_goto_ptr(ctx->blk, ctx->mode64 ? pc : ir_zext(ctx->blk, pc, 32));
}

void x86_gen_exit(X86Disas *ctx, GuestExitKind kind, int64_t code)
{
    ir_raise(ctx->blk, kind, code, IR_TEMP_NONE);
    ctx->end_block = true;
}

void x86_gen_illegal(X86Disas *ctx)
{
    ir_raise(ctx->blk, GUEST_EXIT_ILLEGAL, 0, x86_const(ctx, ctx->pc));
    ctx->end_block = true;
}

/* --- One instruction --- */

static void x86_lift_insn(X86Disas *ctx, const X86Insn *in, const GuestArch *arch)
{
    ctx->in = in;
    ctx->ea = IR_TEMP_NONE;
    if (in->addr16) {
        guest_warn_unimplemented(arch, "16-bit addressing");
        x86_gen_illegal(ctx);
        return;
    }
    if (!in->desc->trans(ctx, in)) {
        x86_gen_illegal(ctx);
    }
    x86_sse_fast_track(ctx, in);
}

/* Forward branches whose target was not reached: their labels become exits to the target. */
static void x86_flush_fwd(X86Disas *ctx)
{
    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        ir_label(ctx->blk, ctx->fwd[i].label);
        x86_gen_goto(ctx, ctx->fwd[i].pc);
    }
    ctx->n_fwd = 0;
}

static bool x86_in_runs(const X86Disas *ctx, uint64_t pc)
{
    for (unsigned i = 0; i < ctx->n_runs; i++) {
        if (pc >= ctx->runs[i].start && pc < ctx->runs[i].end) {
            return true;
        }
    }
    return false;
}

static unsigned x86_tail_len(X86Disas *ctx, uint64_t target, bool other_page);

/*
 * After an instruction that ends the block, the code that follows is reachable only
 * through pending jcc targets: lifting goes on at the nearest one ahead, if it is
 * close (X86_RESUME_SPAN: not a whole page of code reached by one rare branch), else
 * at the nearest one shortly before the block's start on its page (a loop arm placed
 * before the loop head), never inside code already lifted; when there is none, at a
 * pending target that is a short return sequence (x86_tail_len), lifted or not.
 * Records the run that ended at pc.  Returns the pc to go on at, or 0.
 */
static uint64_t x86_end_run(X86Disas *ctx, uint64_t pc)
{
    uint64_t next = 0, back = 0;

    uint64_t callee_next = 0;

    ctx->inline_ret = 0;
    if (ctx->n_runs == X86_MAX_RUNS) {
        return 0;
    }
    if (pc != ctx->run_start) {
        ctx->runs[ctx->n_runs].start = ctx->run_start;
        ctx->runs[ctx->n_runs].end = pc;
        ctx->n_runs++;
    }
    if (ctx->n_runs == X86_MAX_RUNS) {
        return 0;
    }
    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        uint64_t t = ctx->fwd[i].pc;

        if (x86_in_runs(ctx, t)) {
            continue;
        }
        if (t >= pc && t - pc <= X86_RESUME_SPAN && (next == 0 || t < next)) {
            next = t;
        }
        if (t < ctx->block_pc && ctx->block_pc - t <= X86_RESUME_BACK_SPAN &&
            (t & X86_PAGE_MASK) == (ctx->block_pc & X86_PAGE_MASK) && t > back) {
            back = t;
        }
        if (t >= ctx->callee_start && t < ctx->callee_end && (callee_next == 0 || t < callee_next)) {
            callee_next = t;
        }
    }
    next = next != 0 ? next : callee_next != 0 ? callee_next : back;
    /* Nothing else to lift: a pending target that is a return sequence (x86_tail_len). */
    for (unsigned i = 0; i < ctx->n_fwd && next == 0; i++) {
        unsigned n = x86_tail_len(ctx, ctx->fwd[i].pc, false);

        if (n != 0) {
            next = ctx->fwd[i].pc;
            ctx->tail_left = n;
        }
    }
    ctx->run_start = next;
    return next;
}

/*
 * Decode the instruction at pc for a look-ahead scan (x86_tail_len, x86_call_branchy,
 * x86_loop_rest_len): its length, or 0 when it cannot be fetched, is not one we know,
 * uses 16-bit addresses or does not lie wholly on page.
 */
static unsigned x86_scan_insn(X86Disas *ctx, uint64_t pc, uint64_t page, X86Insn *in)
{
    GuestLiftCtx *lctx = ctx->lctx;
    uint8_t b[15];
    unsigned len;

    if ((pc & X86_PAGE_MASK) != page || !lctx->fetch(lctx->fetch_opaque, pc, b, 15)) {
        return 0;
    }
    len = x86_decode(b, 15, ctx->mode64, pc, in);
    if (len == 0 || in->addr16 || ((pc + len - 1) & X86_PAGE_MASK) != page) {
        return 0;
    }
    return len;
}

/*
 * A function's return sequence ("L: add $n, %esp; pop...; ret", shared by several paths
 * and often lifted already by the one that falls into it) reached by a jmp, or by a jcc
 * whose target lifting did not reach, is lifted again there: the path leaves by its own
 * ret instead of exiting to a block of a few instructions, which costs the JIT a store
 * of every register it holds and reloads.  Only a sequence of at most X86_TAIL_MAX
 * instructions within the block's page (with other_page, a call's callee, within one
 * other page, recorded in IrBlock.code_page2 so that writes to it invalidate the block)
 * that reaches a ret without any other control transfer, never at the block's start
 * (the self loop), and not while breakpoints or trace ranges are set (lctx->stop_pc
 * looks only ahead of the block's pc).  Returns the sequence's length in instructions,
 * or 0.
 */
static unsigned x86_tail_len(X86Disas *ctx, uint64_t target, bool other_page)
{
    GuestLiftCtx *lctx = ctx->lctx;
    uint64_t pc = target, tpage = target & X86_PAGE_MASK, bpage = ctx->block_pc & X86_PAGE_MASK;
    unsigned max = lctx->max_insns ? lctx->max_insns : X86_DEFAULT_MAX_INSNS;

    if (!ctx->fwd_ok || lctx->no_code_before_pc || ctx->tail_left > 0 || target == ctx->block_pc ||
        ctx->n_runs + 2 >= X86_MAX_RUNS || ctx->blk->guest_insns + X86_TAIL_MAX >= max) {
        return 0;
    }
    if (tpage != bpage) {
        /* One other page, close enough for a signed 32-bit guest offset (TbPcMap). */
        uint64_t dist = tpage > bpage ? tpage - bpage : bpage - tpage;
        if (!other_page || !lctx->other_page_ok || tpage == 0 || dist >= ((uint64_t)1 << 30) ||
            (ctx->blk->code_page2 != 0 && ctx->blk->code_page2 != tpage)) {
            return 0;
        }
    }
    for (unsigned n = 0; n < X86_TAIL_MAX; n++) {
        X86Insn in;
        unsigned len = x86_scan_insn(ctx, pc, tpage, &in);

        if (len == 0) {
            return 0;
        }
        if (in.desc->trans == x86_trans_ret) {
            return n + 1;
        }
        if (in.desc->trans == x86_trans_jcc || in.desc->trans == x86_trans_jmp_rel ||
            in.desc->trans == x86_trans_jmp_rm || in.desc->trans == x86_trans_call_rel ||
            in.desc->trans == x86_trans_call_rm || in.desc->trans == x86_trans_loop) {
            return 0;
        }
        pc += len;
    }
    return 0;
}

/* The run lifted so far ends here; lifting goes on at pc (x86_tail_len made room for two runs). */
static void x86_new_run(X86Disas *ctx, uint64_t pc)
{
    ctx->runs[ctx->n_runs].start = ctx->run_start;
    ctx->runs[ctx->n_runs].end = ctx->next_pc;
    ctx->n_runs++;
    ctx->run_start = pc;
    ctx->next_pc = pc;
}

/* Lifting goes on at target, n instructions of a new run that may be lifted already. */
static void x86_tail_start(X86Disas *ctx, uint64_t target, unsigned n)
{
    x86_new_run(ctx, target);
    ctx->tail_left = n;
}

/*
 * The jmp case (x86_trans_jmp_rel): sets next_pc to the target and starts a run there;
 * returns false to lift the jmp as an exit.
 */
bool x86_jmp_tail(X86Disas *ctx, uint64_t target)
{
    unsigned n = x86_tail_len(ctx, target, false);

    if (n == 0) {
        return false;
    }
    x86_tail_start(ctx, target, n);
    return true;
}

/*
 * A call to a short function with branches on the block's page (a libgcc helper such as
 * __umoddi3 called from a loop): its paths are lifted in place, so the loop stays one
 * block that the JIT keeps in registers instead of leaving it twice a trip (the call,
 * then the ret through the jump cache).  Only when the path that falls through from the
 * entry reaches a ret within X86_CALLEE_MAX instructions, with nothing but jcc on the
 * way, only one such function per block, and not while breakpoints or trace ranges are
 * set (as x86_tail_len).  Its rets are those in [target, target + X86_CALLEE_SPAN) on
 * the page: each compares what it pops with ret (x86_trans_ret); lifting resumes at the
 * function's pending jcc targets before the caller's backward ones (x86_end_run).
 */
static bool x86_call_branchy(X86Disas *ctx, uint64_t target, uint64_t ret)
{
    GuestLiftCtx *lctx = ctx->lctx;
    uint64_t pc = target, page = target & X86_PAGE_MASK;
    unsigned max = lctx->max_insns ? lctx->max_insns : X86_DEFAULT_MAX_INSNS;

    if (!ctx->fwd_ok || lctx->no_code_before_pc || ctx->tail_left > 0 || ctx->callee_ret != 0 ||
        ctx->inline_ret != 0 || target == ctx->block_pc || page != (ctx->block_pc & X86_PAGE_MASK) ||
        x86_in_runs(ctx, target) || ctx->n_runs + 8 >= X86_MAX_RUNS ||
        ctx->blk->guest_insns + 2 * X86_CALLEE_MAX >= max) {
        return false;
    }
    for (unsigned n = 0;; n++) {
        X86Insn in;
        unsigned len = n < X86_CALLEE_MAX ? x86_scan_insn(ctx, pc, page, &in) : 0;

        if (len == 0) {
            return false;
        }
        if (in.desc->trans == x86_trans_ret) {
            break;
        }
        if (in.desc->trans == x86_trans_jmp_rel || in.desc->trans == x86_trans_jmp_rm ||
            in.desc->trans == x86_trans_call_rel || in.desc->trans == x86_trans_call_rm ||
            in.desc->trans == x86_trans_loop) {
            return false;
        }
        pc += len;
    }
    ctx->callee_start = target;
    ctx->callee_end = MIN(target + X86_CALLEE_SPAN, page + ~X86_PAGE_MASK + 1);
    ctx->callee_ret = ret;
    x86_new_run(ctx, target);
    return true;
}

/*
 * The call case (x86_trans_call_rel, after the push): the callee's instructions follow,
 * and its ret (x86_trans_ret) compares what it pops with the call's return address: the
 * same goes on lifting there (x86_inline_return), any other leaves as a ret does.
 */
bool x86_call_inline(X86Disas *ctx, uint64_t target)
{
    uint64_t ret = ctx->next_pc;
    unsigned n = x86_tail_len(ctx, target, true);

    if (n == 0) {
        return x86_call_branchy(ctx, target, ctx->mode64 ? ret : (uint32_t)ret);
    }
    if ((target & X86_PAGE_MASK) != (ctx->block_pc & X86_PAGE_MASK)) {
        ctx->blk->code_page2 = target & X86_PAGE_MASK;
    }
    x86_tail_start(ctx, target, n);
    ctx->inline_ret = ctx->mode64 ? ret : (uint32_t)ret;
    return true;
}

/*
 * The code a branchy callee's later paths return to was lifted already, by its first
 * path: when it is a short straight run back to the block's start (the rest of a loop's
 * body after the call), it is lifted again on this path, so that the path goes round the
 * self loop too instead of exiting to a block of that code.  Returns its length in
 * instructions (the last one the jmp or jcc to the block's start), or 0.
 */
static unsigned x86_loop_rest_len(X86Disas *ctx, uint64_t pc)
{
    GuestLiftCtx *lctx = ctx->lctx;
    uint64_t page = ctx->block_pc & X86_PAGE_MASK;
    unsigned max = lctx->max_insns ? lctx->max_insns : X86_DEFAULT_MAX_INSNS;

    if (ctx->n_runs + 2 >= X86_MAX_RUNS || ctx->blk->guest_insns + X86_LOOP_REST_MAX >= max) {
        return 0;
    }
    for (unsigned n = 0; n < X86_LOOP_REST_MAX; n++) {
        X86Insn in;
        unsigned len = x86_scan_insn(ctx, pc, page, &in);

        if (len == 0) {
            return 0;
        }
        if ((in.desc->trans == x86_trans_jcc || in.desc->trans == x86_trans_jmp_rel) &&
            (ctx->mode64 || in.opsz != 2)) {
            uint64_t target = pc + len + (uint64_t)in.imm;

            target = ctx->mode64 ? target : (uint32_t)target;
            return target == ctx->block_pc ? n + 1 : 0;
        }
        if (in.desc->trans == x86_trans_ret || in.desc->trans == x86_trans_jmp_rm ||
            in.desc->trans == x86_trans_call_rel || in.desc->trans == x86_trans_call_rm ||
            in.desc->trans == x86_trans_loop) {
            return 0;
        }
        pc += len;
    }
    return 0;
}

void x86_inline_return(X86Disas *ctx, uint64_t ret)
{
    unsigned n = ret != ctx->block_pc && x86_in_runs(ctx, ret) ? x86_loop_rest_len(ctx, ret) : 0;

    if (n != 0) {
        x86_tail_start(ctx, ret, n);
    } else {
        x86_new_run(ctx, ret);
    }
    ctx->inline_ret = 0;
}

/*
 * Place the labels of pending forward branches that target pc (a target inside an
 * instruction, as in "je 1f; lock; 1: cmpxchg", is never placed and exits instead).
 * The paths joining there have their lazy flags in the state slots; readers after the
 * label load them, inline when every path left the same kind (cc_op) there.
 */
static void x86_place_fwd(X86Disas *ctx, uint64_t pc, bool reachable)
{
    unsigned n = 0;
    bool placed = false;
    uint32_t common = reachable ? ctx->cc_op : 0;

    for (unsigned i = 0; i < ctx->n_fwd; i++) {
        if (ctx->fwd[i].pc == pc) {
            if (!placed && reachable) {
                x86_cc_flush(ctx);
            }
            ir_label(ctx->blk, ctx->fwd[i].label);
            common = placed || reachable ? (common == ctx->fwd[i].cc_op ? common : X86_CC_DYNAMIC) : ctx->fwd[i].cc_op;
            if (!placed && !reachable) {
                ctx->x87_guessed = ctx->fwd[i].x87_guessed;     /* the x87 guess of the first path */
                ctx->x87_top = ctx->fwd[i].x87_top;
                ctx->x87_fcw = ctx->fwd[i].x87_fcw;
            }
            placed = true;
        } else {
            ctx->fwd[n++] = ctx->fwd[i];
        }
    }
    ctx->n_fwd = n;
    if (placed) {
        ctx->cc_pending = false;
        x86_cc_forget(ctx);
        x86_sse_fast_forget(ctx);
        if (common != X86_CC_DYNAMIC) {
            x86_cc_reload(ctx, common);
        }
    }
}

/* IrBlock.narrow_slots has a bit per 8-byte slot of the first 512 bytes. */
G_STATIC_ASSERT(offsetof(X86Cpu, regs) % 8 == 0 && offsetof(X86Cpu, regs) + 8 * 8 <= 512);

void x86_lift_block(GuestLiftCtx *lctx)
{
    IrBlock *blk = lctx->blk;
    const GuestArch *arch = lctx->cpu->arch;
    unsigned max = lctx->max_insns ? lctx->max_insns : X86_DEFAULT_MAX_INSNS;
    X86Disas ctx = { .blk = blk, .lctx = lctx, .cc_op = X86_CC_DYNAMIC };
    uint64_t pc = lctx->pc;
    uint64_t page = pc & X86_PAGE_MASK;

    ctx.mode64 = ((const X86Cpu *)lctx->cpu)->mode == 64;
    /* One-instruction blocks (insn tracing) stay simple; traces that count steps need every insn to run. */
    ctx.fwd_ok = max > 1 && !lctx->straight_line;
    ctx.block_pc = pc;
    ctx.run_start = pc;
    blk->guest_pc = pc;
    blk->guest_size = 0;
    blk->guest_insns = 0;
    if (!ctx.mode64) {
        /*
         * i386: every write of a register zero-extends (x86_reg_after_write), and C writes
         * 32-bit values, so ir_opt_zext may take a register read as already zero-extended.
         */
        for (int r = 0; r < 8; r++) {
            blk->narrow_slots |= 1ull << (X86_OFF_REG(r) / 8);
        }
    }
    for (bool reachable = true;;) {
        uint8_t b[16];
        unsigned got = 0, len;
        X86Insn in;

        /* A path that runs into code lifted already exits to it (maybe the self loop). */
        if (blk->guest_insns > 0 && ctx.tail_left == 0 && x86_in_runs(&ctx, pc)) {
            if (reachable) {
                x86_gen_goto(&ctx, pc);
            }
            pc = x86_end_run(&ctx, pc);
            if (pc == 0) {
                break;
            }
            reachable = false;
            continue;
        }
        /* Where lifting stops, the path falling through (if any) exits to pc. */
        bool off_page = (pc & X86_PAGE_MASK) != page && ctx.tail_left == 0;
        if (blk->guest_insns > 0 && (blk->guest_insns >= max || off_page || pc == lctx->stop_pc)) {
            if (reachable) {
                x86_gen_goto(&ctx, pc);
            }
            break;
        }
        /*
         * Fetch 15 bytes at once, or byte by byte up to the end of executable memory; the
         * rest reads as zero, so an instruction that runs past what could be fetched is a
         * fetch fault.
         */
        memset(b, 0, sizeof(b));
        if (lctx->fetch(lctx->fetch_opaque, pc, b, 15)) {
            got = 15;
        }
        while (got < 15 && lctx->fetch(lctx->fetch_opaque, pc + got, b + got, 1)) {
            got++;
        }
        len = got ? x86_decode(b, 15, ctx.mode64, pc, &in) : 0;
        /*
         * An instruction that cannot be fetched or decoded after others (perhaps never
         * run: past a jcc) starts a block of its own, which reports it if it runs.
         */
        if (blk->guest_insns > 0 && (got == 0 || len > got || len == 0)) {
            if (reachable) {
                x86_gen_goto(&ctx, pc);
            }
            break;
        }
        if (got == 0 || len > got) {
            ir_insn_start(blk, pc, 1);
            ir_raise(blk, GUEST_EXIT_FETCH_FAULT, GUEST_ACCESS_EXEC, ir_const_i64(blk, pc + got));
            break;
        }
        if (len == 0) {
            ir_insn_start(blk, pc, 1);
            guest_warn_unimplemented(arch, "an opcode the decoder does not know");
            ir_raise(blk, GUEST_EXIT_ILLEGAL, 0, ir_const_i64(blk, pc));
            blk->guest_insns++;
            blk->guest_size = (uint32_t)(pc + 1 - lctx->pc);
            break;
        }
        x86_place_fwd(&ctx, pc, reachable);
        reachable = true;
        ctx.pc = pc;
        ctx.next_pc = pc + len;
        ir_insn_start(blk, pc, len);
        if (ctx.tail_left > 0) {
            ctx.tail_left--;
        }
        x86_lift_insn(&ctx, &in, arch);
        blk->guest_insns++;
        /* The bytes from the block's pc to the end of the furthest code lifted (same page). */
        if (ctx.next_pc > lctx->pc && (ctx.pc & X86_PAGE_MASK) == page) {
            blk->guest_size = MAX(blk->guest_size, (uint32_t)(ctx.next_pc - lctx->pc));
        }
        pc = ctx.mode64 ? ctx.next_pc : (uint32_t)ctx.next_pc;
        if (ctx.end_block) {
            uint64_t target = x86_end_run(&ctx, pc);

            if (target == 0) {
                break;
            }
            ctx.end_block = false;
            reachable = false;
            pc = target;
        }
    }
    x86_flush_fwd(&ctx);
    x86_sse_flush_gp(&ctx);
}
