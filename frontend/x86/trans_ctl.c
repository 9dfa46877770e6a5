/*
 * Control transfer, stack and system instructions (Intel SDM Vol. 1 6.2-6.5, 7.3.8;
 * Vol. 2 PUSH, POP, CALL, RET, JMP, Jcc, LOOP/LOOPcc, JrCXZ, ENTER, LEAVE, INT n,
 * INT3, SYSCALL, SYSENTER, UD2, NOP, CPUID, RDTSC).
 *
 * In 64-bit mode near branches are always 64-bit (66 is ignored, as on Intel
 * parts) and push/pop default to 64 bits; in 32-bit mode a 66 prefix truncates the
 * target to 16 bits.  Privileged instructions (hlt, cli, sti) raise #GP in user mode:
 * an illegal-instruction exit here.
 */
#include "frontend/x86/internal.h"

/* The branch target of a relative jump. */
static uint64_t x86_rel_target(X86Disas *ctx, const X86Insn *in)
{
    uint64_t t = ctx->next_pc + (uint64_t)in->imm;

    if (!ctx->mode64) {
        t = in->opsz == 2 ? (t & 0xffff) : (uint32_t)t;
    }
    return t;
}

bool x86_trans_push_reg(X86Disas *ctx, const X86Insn *in)
{
    x86_push(ctx, in->opsz, x86_get_reg(ctx, in->reg, in->opsz));
    return true;
}

bool x86_trans_pop_reg(X86Disas *ctx, const X86Insn *in)
{
    IrTemp v = x86_pop(ctx, in->opsz);

    x86_set_reg(ctx, in->reg, in->opsz, v);
    return true;
}

bool x86_trans_push_imm(X86Disas *ctx, const X86Insn *in)
{
    uint64_t m = in->opsz == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (in->opsz * 8)) - 1;

    x86_push(ctx, in->opsz, x86_const(ctx, (uint64_t)in->imm & m));
    return true;
}

bool x86_trans_push_rm(X86Disas *ctx, const X86Insn *in)
{
    x86_push(ctx, in->opsz, x86_ld_rm(ctx, in->opsz));
    return true;
}

/* POP r/m: a memory address using rSP is computed after the increment (SDM Vol. 2 POP). */
bool x86_trans_pop_rm(X86Disas *ctx, const X86Insn *in)
{
    x86_st_rm(ctx, in->opsz, x86_pop(ctx, in->opsz));
    return true;
}

bool x86_trans_jcc(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    uint32_t taken = ir_label_new(blk);
    IrTemp a, b;
    IrCond c = x86_gen_cc(ctx, in->desc->param, &a, &b);
    uint64_t target = x86_rel_target(ctx, in);

    ir_brcond(blk, c, a, b, taken);
    /*
     * Lifting goes on with the fall-through path.  A forward target (an if-then, a
     * loop's early exit) gets its label placed before the target instruction by lift.c
     * if lifting reaches it, so the construct stays one block (often a self loop the
     * JIT keeps in registers); any other target (backward, far, another page) becomes a
     * side exit at the end of the block.  A jump back to the block's start still ends
     * the block: that is the loop the JIT chains to itself.  The flags are already in
     * their state slots for the taken path.
     */
    if (ctx->fwd_ok && target != ctx->block_pc && ctx->n_fwd < X86_MAX_FWD && !ctx->cc_pending) {
        ctx->fwd[ctx->n_fwd].pc = target;
        ctx->fwd[ctx->n_fwd].label = taken;
        ctx->fwd[ctx->n_fwd].cc_op = ctx->cc_op;
        ctx->fwd[ctx->n_fwd].x87_guessed = ctx->x87_guessed;
        ctx->fwd[ctx->n_fwd].x87_top = ctx->x87_top;
        ctx->fwd[ctx->n_fwd].x87_fcw = ctx->x87_fcw;
        ctx->n_fwd++;
        return true;
    }
    x86_gen_goto(ctx, ctx->next_pc);
    ir_label(blk, taken);
    x86_gen_goto(ctx, target);
    ctx->end_block = true;
    return true;
}

bool x86_trans_jmp_rel(X86Disas *ctx, const X86Insn *in)
{
    uint64_t target = x86_rel_target(ctx, in);

    if (x86_jmp_tail(ctx, target)) {
        return true;            /* lifting goes on at the target (lift.c) */
    }
    x86_gen_goto(ctx, target);
    ctx->end_block = true;
    return true;
}

bool x86_trans_call_rel(X86Disas *ctx, const X86Insn *in)
{
    uint64_t target = x86_rel_target(ctx, in);

    x86_push(ctx, in->opsz, x86_const(ctx, ctx->next_pc));
    if (x86_call_inline(ctx, target)) {
        return true;            /* lifting goes on in the callee (lift.c) */
    }
    x86_gen_goto(ctx, target);
    ctx->end_block = true;
    return true;
}

bool x86_trans_jmp_rm(X86Disas *ctx, const X86Insn *in)
{
    x86_gen_goto_ptr(ctx, x86_ld_rm(ctx, in->opsz));
    ctx->end_block = true;
    return true;
}

bool x86_trans_call_rm(X86Disas *ctx, const X86Insn *in)
{
    IrTemp t = x86_ld_rm(ctx, in->opsz);

    x86_push(ctx, in->opsz, x86_const(ctx, ctx->next_pc));
    x86_gen_goto_ptr(ctx, t);
    ctx->end_block = true;
    return true;
}

/* RET, RET imm16 (param 1: release imm16 more bytes). */
bool x86_trans_ret(X86Disas *ctx, const X86Insn *in)
{
    IrTemp t = x86_pop(ctx, in->opsz);

    if (in->desc->param) {
        unsigned ss = x86_stack_size(ctx);

        x86_set_reg(ctx, X86_RSP, ss, ir_add(ctx->blk, x86_get_reg(ctx, X86_RSP, ss),
                                             x86_const(ctx, (uint16_t)in->imm)));
    }
    uint64_t ret = ctx->inline_ret;
    if (ret == 0 && ctx->pc >= ctx->callee_start && ctx->pc < ctx->callee_end) {
        ret = ctx->callee_ret;
    }
    if (ret != 0 && ctx->tail_left == 0) {
        /* The ret of a callee lifted in place: on at the return address if it is that. */
        uint32_t ok = ir_label_new(ctx->blk);

        ir_brcond(ctx->blk, IR_COND_EQ, t, x86_const(ctx, ret), ok);
        x86_gen_goto_ptr(ctx, t);
        ir_label(ctx->blk, ok);
        x86_inline_return(ctx, ret);
        return true;
    }
    x86_gen_goto_ptr(ctx, t);
    ctx->end_block = true;
    return true;
}

/* LOOPNE (0), LOOPE (1), LOOP (2), JrCXZ (3): the counter is rCX of the address size. */
bool x86_trans_loop(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned op = in->desc->param, as = in->adsz;
    uint32_t taken = ir_label_new(blk), not_taken = ir_label_new(blk);
    IrTemp zero = x86_const(ctx, 0), cnt;

    if (op == 3) {
        ir_brcond(blk, IR_COND_EQ, x86_get_reg(ctx, X86_RCX, as), zero, taken);
    } else {
        cnt = x86_zext(ctx, ir_sub(blk, x86_get_reg(ctx, X86_RCX, as), x86_const(ctx, 1)), as);
        x86_set_reg(ctx, X86_RCX, as, cnt);
        if (op < 2) {
            ir_brcond(blk, op == 1 ? IR_COND_EQ : IR_COND_NE, x86_gen_flag(ctx, X86_ZF), zero, not_taken);
        }
        ir_brcond(blk, IR_COND_NE, cnt, zero, taken);
    }
    ir_label(blk, not_taken);
    x86_gen_goto(ctx, ctx->next_pc);
    ir_label(blk, taken);
    x86_gen_goto(ctx, x86_rel_target(ctx, in));
    ctx->end_block = true;
    return true;
}

/* ENTER imm16, 0 (nesting levels above 0 are not lifted: illegal, warned once). */
bool x86_trans_enter(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned ss = x86_stack_size(ctx), size = in->opsz;
    IrTemp frame;

    if ((in->imm2 & 31) != 0) {
        guest_warn_unimplemented(ctx->mode64 ? &x86_64_arch : &i386_arch, "enter with a nesting level");
        return false;
    }
    x86_push(ctx, size, x86_get_reg(ctx, X86_RBP, size));
    frame = x86_get_reg(ctx, X86_RSP, ss);
    x86_set_reg(ctx, X86_RBP, size, frame);
    x86_set_reg(ctx, X86_RSP, ss, ir_sub(blk, frame, x86_const(ctx, (uint64_t)in->imm)));
    return true;
}

/* LEAVE: rsp = rbp, then pop rbp; the load comes first, so a fault leaves rsp as it was. */
bool x86_trans_leave(X86Disas *ctx, const X86Insn *in)
{
    unsigned ss = x86_stack_size(ctx);
    IrTemp bp = x86_get_reg(ctx, X86_RBP, ss);
    IrTemp v = x86_ld(ctx, in->opsz, ctx->mode64 ? bp : ir_zext(ctx->blk, bp, 32));

    x86_set_reg(ctx, X86_RSP, ss, ir_add(ctx->blk, bp, x86_const(ctx, in->opsz)));
    x86_set_reg(ctx, X86_RBP, in->opsz, v);
    return true;
}

bool x86_trans_int3(X86Disas *ctx, const X86Insn *in)
{
    (void)in;
    x86_gen_exit(ctx, GUEST_EXIT_BREAKPOINT, 3);
    return true;
}

/* INT n: 0x80 is the i386 Linux system call; 3 a breakpoint; others an exception (code n). */
bool x86_trans_int_n(X86Disas *ctx, const X86Insn *in)
{
    unsigned n = (uint8_t)in->imm;

    if (n == 0x80) {
        x86_gen_exit(ctx, GUEST_EXIT_SYSCALL, 0x80);
    } else if (n == 3) {
        x86_gen_exit(ctx, GUEST_EXIT_BREAKPOINT, 3);
    } else {
        x86_gen_exit(ctx, GUEST_EXIT_EXCEPTION, n);
    }
    return true;
}

/* SYSCALL (param 0) and SYSENTER (1): the platform reads the registers; code tells which. */
bool x86_trans_syscall(X86Disas *ctx, const X86Insn *in)
{
    x86_gen_exit(ctx, GUEST_EXIT_SYSCALL, in->desc->param);
    return true;
}

bool x86_trans_ud2(X86Disas *ctx, const X86Insn *in)
{
    (void)in;
    x86_gen_illegal(ctx);
    return true;
}

bool x86_trans_privileged(X86Disas *ctx, const X86Insn *in)
{
    (void)in;
    x86_gen_illegal(ctx);
    return true;
}

/* NOP, 0F 1F /0 (long nop), 0F 18-1F hints, endbr64/endbr32 (F3 0F 1E FA/FB), prefetchw. */
bool x86_trans_nop(X86Disas *ctx, const X86Insn *in)
{
    (void)ctx;
    (void)in;
    return true;
}

bool x86_trans_cpuid(X86Disas *ctx, const X86Insn *in)
{
    (void)in;
    x86_cc_flush(ctx);
    ir_call0(ctx->blk, &ir_helper_x86_cpuid);
    return true;
}

bool x86_trans_rdtsc(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    IrTemp t = ir_call0(blk, &ir_helper_x86_rdtsc);

    (void)in;
    x86_set_reg(ctx, X86_RAX, 4, t);
    x86_set_reg(ctx, X86_RDX, 4, ir_shr(blk, t, x86_const(ctx, 32)));
    return true;
}

/*
 * PUSHA/PUSHAD (i386 only): eax ecx edx ebx, the original esp, ebp esi edi.  All
 * stores happen before esp moves, so a fault leaves the registers as they were.
 */
bool x86_trans_pusha(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned sz = in->opsz;
    IrTemp sp = x86_get_reg(ctx, X86_RSP, 4);

    for (int r = X86_RAX; r <= X86_RDI; r++) {
        IrTemp a = ir_zext(blk, ir_sub(blk, sp, x86_const(ctx, sz * (unsigned)(r + 1))), 32);

        x86_st(ctx, sz, a, r == X86_RSP ? x86_zext(ctx, sp, sz) : x86_get_reg(ctx, r, sz));
    }
    x86_set_reg(ctx, X86_RSP, 4, ir_sub(blk, sp, x86_const(ctx, sz * 8)));
    return true;
}

/* POPA/POPAD: the reverse order; the saved esp is skipped.  Loads first, then writes. */
bool x86_trans_popa(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    unsigned sz = in->opsz;
    IrTemp sp = x86_get_reg(ctx, X86_RSP, 4), v[8];

    for (int r = X86_RDI; r >= X86_RAX; r--) {
        v[r] = x86_ld(ctx, sz, ir_zext(blk, ir_add(blk, sp, x86_const(ctx, sz * (unsigned)(X86_RDI - r))), 32));
    }
    for (int r = X86_RDI; r >= X86_RAX; r--) {
        if (r != X86_RSP) {
            x86_set_reg(ctx, r, sz, v[r]);
        }
    }
    x86_set_reg(ctx, X86_RSP, 4, ir_add(blk, sp, x86_const(ctx, sz * 8)));
    return true;
}

/* LFENCE, MFENCE, SFENCE (0F AE /5 /6 /7 with a register form) and CLFLUSH (/7 memory): a full barrier. */
bool x86_trans_fence(X86Disas *ctx, const X86Insn *in)
{
    (void)in;
    ir_fence(ctx->blk);
    return true;
}
