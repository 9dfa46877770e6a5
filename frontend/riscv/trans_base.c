/*
 * RV64I (RISC-V Unprivileged ISA 20191213, chapters 2 and 5): integer
 * arithmetic, loads and stores, jumps, branches, fence, ecall/ebreak.
 * W instructions compute on 64 bits and sign-extend the low 32 (rv_set_x_w).
 */
#include "frontend/riscv/internal.h"

/* --- Upper immediates and jumps --- */

bool trans_lui(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, rv_const(ctx, (uint64_t)a->imm));
    return true;
}

bool trans_auipc(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, rv_const(ctx, ctx->pc + (uint64_t)a->imm));
    return true;
}

/*
 * x1 (ra) and x5 (t0) are the link registers of the ISA's return-address stack hints
 * (the JALR hint table of the unprivileged spec): writing one is a call, jumping through
 * one without writing one is a return.
 */
static bool rv_is_link(unsigned r)
{
    return r == 1 || r == 5;
}

bool trans_jal(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, rv_const(ctx, ctx->next_pc));
    if (rv_is_link(a->rd)) {
        ir_ras_push(ctx->blk, ctx->next_pc);
    }
    ir_goto_block(ctx->blk, ctx->pc + (uint64_t)a->imm);
    ctx->end_block = true;
    return true;
}

bool trans_jalr(RvDisas *ctx, const RvArgs *a)
{
    /* Compute the target before writing rd: rd may be rs1. */
    IrTemp target = ir_and(ctx->blk, rv_addr(ctx, a->rs1, a->imm), rv_const(ctx, ~(uint64_t)1));

    rv_set_x(ctx, a->rd, rv_const(ctx, ctx->next_pc));
    /* The hint table: pop; push; pop then push (rd != rs1, both links: a coroutine swap). */
    bool link_rd = rv_is_link(a->rd), link_rs1 = rv_is_link(a->rs1);
    if (link_rs1 && !link_rd) {
        ir_goto_ret(ctx->blk, target, 0);
    } else if (link_rs1 && a->rd != a->rs1) {
        ir_goto_ret(ctx->blk, target, ctx->next_pc);
    } else {
        if (link_rd) {
            ir_ras_push(ctx->blk, ctx->next_pc);
        }
        ir_goto_ptr(ctx->blk, target);
    }
    ctx->end_block = true;
    return true;
}

static bool rv_gen_branch(RvDisas *ctx, const RvArgs *a, IrCond cond)
{
    uint32_t taken = ir_label_new(ctx->blk);
    uint64_t target = ctx->pc + (uint64_t)a->imm;

    ir_brcond(ctx->blk, cond, rv_get_x(ctx, a->rs1), rv_get_x(ctx, a->rs2), taken);
    /*
     * A short forward branch on the same page (an if-then): keep lifting the fall-through
     * path; lift.c places the label before the target, so the whole construct (often a
     * loop body) becomes one block.
     */
    if (ctx->fwd_ok && a->imm > 0 && a->imm <= RV_FWD_SPAN && ctx->n_fwd < RV_MAX_FWD &&
        (target & ~(uint64_t)0xfff) == ctx->page) {
        ctx->fwd[ctx->n_fwd].pc = target;
        ctx->fwd[ctx->n_fwd].label = taken;
        ctx->n_fwd++;
        return true;
    }
    /*
     * A longer forward branch (an error check, the far side of an if-else): lifting goes
     * on with the fall-through path too, and the taken edge is a side exit placed after
     * the block's last instruction, so a loop with such a branch in its body is still one
     * block (the JIT's self loop) and the fall-through path keeps guest registers in host
     * registers (the JIT stores them on the exit's side only).
     */
    if (ctx->fwd_ok && a->imm > 0 && ctx->n_side < RV_MAX_SIDE_EXITS) {
        ctx->side[ctx->n_side].pc = target;
        ctx->side[ctx->n_side].label = taken;
        ctx->n_side++;
        return true;
    }
    ir_goto_block(ctx->blk, ctx->next_pc);
    ir_label(ctx->blk, taken);
    ir_goto_block(ctx->blk, target);
    ctx->end_block = true;
    return true;
}

bool trans_beq(RvDisas *ctx, const RvArgs *a) { return rv_gen_branch(ctx, a, IR_COND_EQ); }
bool trans_bne(RvDisas *ctx, const RvArgs *a) { return rv_gen_branch(ctx, a, IR_COND_NE); }
bool trans_blt(RvDisas *ctx, const RvArgs *a) { return rv_gen_branch(ctx, a, IR_COND_LT); }
bool trans_bge(RvDisas *ctx, const RvArgs *a) { return rv_gen_branch(ctx, a, IR_COND_GE); }
bool trans_bltu(RvDisas *ctx, const RvArgs *a) { return rv_gen_branch(ctx, a, IR_COND_LTU); }
bool trans_bgeu(RvDisas *ctx, const RvArgs *a) { return rv_gen_branch(ctx, a, IR_COND_GEU); }

/* --- Loads and stores (little endian) --- */

static bool rv_gen_load(RvDisas *ctx, const RvArgs *a, IrMemOp mop)
{
    IrTemp v = ir_load(ctx->blk, IR_I64, rv_mop(ctx, mop), rv_addr(ctx, a->rs1, a->imm));

    rv_set_x(ctx, a->rd, v);
    return true;
}

bool trans_lb(RvDisas *ctx, const RvArgs *a) { return rv_gen_load(ctx, a, IR_MEM_8 | IR_MEM_SIGN); }
bool trans_lh(RvDisas *ctx, const RvArgs *a) { return rv_gen_load(ctx, a, IR_MEM_16 | IR_MEM_SIGN); }
bool trans_lw(RvDisas *ctx, const RvArgs *a) { return rv_gen_load(ctx, a, IR_MEM_32 | IR_MEM_SIGN); }
bool trans_ld(RvDisas *ctx, const RvArgs *a) { return rv_gen_load(ctx, a, IR_MEM_64); }
bool trans_lbu(RvDisas *ctx, const RvArgs *a) { return rv_gen_load(ctx, a, IR_MEM_8); }
bool trans_lhu(RvDisas *ctx, const RvArgs *a) { return rv_gen_load(ctx, a, IR_MEM_16); }
bool trans_lwu(RvDisas *ctx, const RvArgs *a) { return rv_gen_load(ctx, a, IR_MEM_32); }

static bool rv_gen_store(RvDisas *ctx, const RvArgs *a, IrMemOp mop)
{
    ir_store(ctx->blk, rv_mop(ctx, mop), rv_addr(ctx, a->rs1, a->imm), rv_get_x(ctx, a->rs2));
    return true;
}

bool trans_sb(RvDisas *ctx, const RvArgs *a) { return rv_gen_store(ctx, a, IR_MEM_8); }
bool trans_sh(RvDisas *ctx, const RvArgs *a) { return rv_gen_store(ctx, a, IR_MEM_16); }
bool trans_sw(RvDisas *ctx, const RvArgs *a) { return rv_gen_store(ctx, a, IR_MEM_32); }
bool trans_sd(RvDisas *ctx, const RvArgs *a) { return rv_gen_store(ctx, a, IR_MEM_64); }

/* --- Register-immediate --- */

static bool rv_gen_opi(RvDisas *ctx, const RvArgs *a, IrOpcode op)
{
    rv_set_x(ctx, a->rd, ir_binop(ctx->blk, op, rv_get_x(ctx, a->rs1), rv_const(ctx, (uint64_t)a->imm)));
    return true;
}

bool trans_addi(RvDisas *ctx, const RvArgs *a) { return rv_gen_opi(ctx, a, IR_OP_ADD); }
bool trans_xori(RvDisas *ctx, const RvArgs *a) { return rv_gen_opi(ctx, a, IR_OP_XOR); }
bool trans_ori(RvDisas *ctx, const RvArgs *a) { return rv_gen_opi(ctx, a, IR_OP_OR); }
bool trans_andi(RvDisas *ctx, const RvArgs *a) { return rv_gen_opi(ctx, a, IR_OP_AND); }
bool trans_slli(RvDisas *ctx, const RvArgs *a) { return rv_gen_opi(ctx, a, IR_OP_SHL); }
bool trans_srli(RvDisas *ctx, const RvArgs *a) { return rv_gen_opi(ctx, a, IR_OP_SHR); }
bool trans_srai(RvDisas *ctx, const RvArgs *a) { return rv_gen_opi(ctx, a, IR_OP_SAR); }

bool trans_slti(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_setcond(ctx->blk, IR_COND_LT, rv_get_x(ctx, a->rs1),
                                    rv_const(ctx, (uint64_t)a->imm)));
    return true;
}

bool trans_sltiu(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_setcond(ctx->blk, IR_COND_LTU, rv_get_x(ctx, a->rs1),
                                    rv_const(ctx, (uint64_t)a->imm)));
    return true;
}

/* --- Register-register --- */

static bool rv_gen_op(RvDisas *ctx, const RvArgs *a, IrOpcode op)
{
    rv_set_x(ctx, a->rd, ir_binop(ctx->blk, op, rv_get_x(ctx, a->rs1), rv_get_x(ctx, a->rs2)));
    return true;
}

bool trans_add(RvDisas *ctx, const RvArgs *a) { return rv_gen_op(ctx, a, IR_OP_ADD); }
bool trans_sub(RvDisas *ctx, const RvArgs *a) { return rv_gen_op(ctx, a, IR_OP_SUB); }
bool trans_sll(RvDisas *ctx, const RvArgs *a) { return rv_gen_op(ctx, a, IR_OP_SHL); }
bool trans_xor(RvDisas *ctx, const RvArgs *a) { return rv_gen_op(ctx, a, IR_OP_XOR); }
bool trans_srl(RvDisas *ctx, const RvArgs *a) { return rv_gen_op(ctx, a, IR_OP_SHR); }
bool trans_sra(RvDisas *ctx, const RvArgs *a) { return rv_gen_op(ctx, a, IR_OP_SAR); }
bool trans_or(RvDisas *ctx, const RvArgs *a) { return rv_gen_op(ctx, a, IR_OP_OR); }
bool trans_and(RvDisas *ctx, const RvArgs *a) { return rv_gen_op(ctx, a, IR_OP_AND); }

bool trans_slt(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_setcond(ctx->blk, IR_COND_LT, rv_get_x(ctx, a->rs1), rv_get_x(ctx, a->rs2)));
    return true;
}

bool trans_sltu(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x(ctx, a->rd, ir_setcond(ctx->blk, IR_COND_LTU, rv_get_x(ctx, a->rs1), rv_get_x(ctx, a->rs2)));
    return true;
}

/* --- 32-bit (W) operations --- */

bool trans_addiw(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x_w(ctx, a->rd, ir_add(ctx->blk, rv_get_x(ctx, a->rs1), rv_const(ctx, (uint64_t)a->imm)));
    return true;
}

bool trans_addw(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x_w(ctx, a->rd, ir_add(ctx->blk, rv_get_x(ctx, a->rs1), rv_get_x(ctx, a->rs2)));
    return true;
}

bool trans_subw(RvDisas *ctx, const RvArgs *a)
{
    rv_set_x_w(ctx, a->rd, ir_sub(ctx->blk, rv_get_x(ctx, a->rs1), rv_get_x(ctx, a->rs2)));
    return true;
}

/* Shifts work on the low 32 bits as i32 (the count is taken modulo 32 by the op). */
static bool rv_gen_shiftw(RvDisas *ctx, const RvArgs *a, IrOpcode op, IrTemp count32)
{
    IrTemp v = ir_trunc(ctx->blk, rv_get_x(ctx, a->rs1));

    if (a->rd != 0) {
        rv_set_x(ctx, a->rd, ir_exts32(ctx->blk, ir_binop(ctx->blk, op, v, count32)));
    }
    return true;
}

bool trans_slliw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_shiftw(ctx, a, IR_OP_SHL, ir_const_i32(ctx->blk, (uint32_t)a->imm));
}

bool trans_srliw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_shiftw(ctx, a, IR_OP_SHR, ir_const_i32(ctx->blk, (uint32_t)a->imm));
}

bool trans_sraiw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_shiftw(ctx, a, IR_OP_SAR, ir_const_i32(ctx->blk, (uint32_t)a->imm));
}

bool trans_sllw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_shiftw(ctx, a, IR_OP_SHL, ir_trunc(ctx->blk, rv_get_x(ctx, a->rs2)));
}

bool trans_srlw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_shiftw(ctx, a, IR_OP_SHR, ir_trunc(ctx->blk, rv_get_x(ctx, a->rs2)));
}

bool trans_sraw(RvDisas *ctx, const RvArgs *a)
{
    return rv_gen_shiftw(ctx, a, IR_OP_SAR, ir_trunc(ctx->blk, rv_get_x(ctx, a->rs2)));
}

/* --- Fences and environment calls --- */

/*
 * The host is x86-64, whose memory model (TSO) already keeps every order RVWMO asks a
 * fence for except a store before a later load.  So a fence becomes a host barrier
 * only when its predecessor set has writes (W, or O for device output) and its
 * successor set has reads (R, or I); fence.tso never needs one.  Lifted code keeps
 * guest memory accesses in program order, so nothing else is needed.
 */
#define RV_FENCE_I 8
#define RV_FENCE_O 4
#define RV_FENCE_R 2
#define RV_FENCE_W 1

bool trans_fence(RvDisas *ctx, const RvArgs *a)
{
    unsigned pred = (a->imm >> 4) & 0xf, succ = a->imm & 0xf;

    if ((pred & (RV_FENCE_W | RV_FENCE_O)) && (succ & (RV_FENCE_R | RV_FENCE_I))) {
        ir_fence(ctx->blk);
    }
    return true;
}

bool trans_fence_tso(RvDisas *ctx, const RvArgs *a)
{
    return true;
}

bool trans_ecall(RvDisas *ctx, const RvArgs *a)
{
    if (ctx->sys) {
        /* System mode: environment-call exception, cause 8/9/11 by privilege (§3.1.15). */
        ir_raise(ctx->blk, GUEST_EXIT_EXCEPTION, RV_EXC_ECALL_U + ctx->priv, rv_const(ctx, 0));
        ctx->end_block = true;
        return true;
    }
    /* User mode: the platform handles the call and resumes at pc + 4. */
    ir_raise(ctx->blk, GUEST_EXIT_SYSCALL, 0, IR_TEMP_NONE);
    ctx->end_block = true;
    return true;
}

bool trans_ebreak(RvDisas *ctx, const RvArgs *a)
{
    ir_raise(ctx->blk, GUEST_EXIT_BREAKPOINT, 0, IR_TEMP_NONE);
    ctx->end_block = true;
    return true;
}
