/*
 * SSE instructions lifted to IR, the xmm registers as two 64-bit halves in the CPU
 * state, so the hottest ones cost a few IR ops and no helper call: data moves (Intel
 * SDM Vol. 2 MOVAPS, MOVUPS, MOVDQA, MOVDQU, MOVSS, MOVSD, MOVLPS/MOVHPS/MOVLPD/MOVHPD,
 * MOVHLPS/MOVLHPS, MOVD/MOVQ, MOVNT*, LDDQU, MOVNTDQA, MASKMOVDQU), bitwise logic (PAND, PANDN,
 * POR, PXOR, ANDPS/ANDNPS/ORPS/XORPS and the PD forms) and PADDQ/PSUBQ.  Everything
 * here is exact in IR (none of it touches MXCSR); other computations go to trans_sse.c.
 * The SSE control instructions of group 15 (ldmxcsr, stmxcsr, fxsave, fxrstor) are
 * here too.
 */
#include <string.h>

#include "frontend/x86/internal.h"

static IrTemp x86_xget(X86Disas *ctx, unsigned r, unsigned half)
{
    return ir_get(ctx->blk, IR_I64, X86_OFF_XMM(r, half));
}

static void x86_xset(X86Disas *ctx, unsigned r, unsigned half, IrTemp v)
{
    ir_set(ctx->blk, X86_OFF_XMM(r, half), v);
}

static IrTemp x86_mem_at(X86Disas *ctx, unsigned off)
{
    IrTemp ea = x86_gen_ea(ctx);

    return off ? ir_add(ctx->blk, ea, x86_const(ctx, off)) : ea;
}

/*
 * Legacy SSE 16-byte memory operands must be 16-byte aligned except for the
 * unaligned moves, lddqu and the string compares (SDM Vol. 1 11.4.1): #GP otherwise.
 */
void x86_sse_check_align(X86Disas *ctx)
{
    IrBlock *blk = ctx->blk;
    IrTemp ea = x86_gen_ea(ctx), low;
    uint32_t ok;

    /*
     * The #GP after the block's last instruction: the path that goes on then has no label,
     * which would make the JIT keep its values in memory across it and check addresses again.
     */
    if (ctx->n_gp < X86_MAX_GP) {
        uint32_t gp = ir_label_new(blk);

        ir_brcond(blk, IR_COND_TSTNE, ea, x86_const(ctx, 15), gp);
        ctx->gp[ctx->n_gp].label = gp;
        ctx->gp[ctx->n_gp].pc = ctx->pc;
        ctx->gp[ctx->n_gp].len = (uint32_t)(ctx->next_pc - ctx->pc);
        ctx->n_gp++;
        return;
    }
    low = ir_and(blk, ea, x86_const(ctx, 15));
    ok = ir_label_new(blk);
    ir_brcond(blk, IR_COND_EQ, low, x86_const(ctx, 0), ok);
    ir_raise(blk, GUEST_EXIT_EXCEPTION, 13, IR_TEMP_NONE);
    ir_label(blk, ok);
}

void x86_sse_flush_gp(X86Disas *ctx)
{
    for (unsigned i = 0; i < ctx->n_gp; i++) {
        ir_label(ctx->blk, ctx->gp[i].label);
        ir_insn_start(ctx->blk, ctx->gp[i].pc, ctx->gp[i].len);
        ir_raise(ctx->blk, GUEST_EXIT_EXCEPTION, 13, IR_TEMP_NONE);
    }
    ctx->n_gp = 0;
}

void x86_sse_src128(X86Disas *ctx, const X86Insn *in, IrTemp s[2])
{
    if (in->mod == 3) {
        s[0] = x86_xget(ctx, in->rm, 0);
        s[1] = x86_xget(ctx, in->rm, 1);
        return;
    }
    x86_sse_check_align(ctx);
    s[0] = x86_ld(ctx, 8, x86_mem_at(ctx, 0));
    s[1] = x86_ld(ctx, 8, x86_mem_at(ctx, 8));
}

IrTemp x86_sse_src_half(X86Disas *ctx, const X86Insn *in, unsigned half)
{
    if (in->mod == 3) {
        return x86_xget(ctx, in->rm, half);
    }
    x86_sse_check_align(ctx);
    return x86_ld(ctx, 8, x86_mem_at(ctx, 8 * half));
}

/* The 128-bit r/m source (register or memory) as two halves. */
static void x86_ld_rm128(X86Disas *ctx, IrTemp *lo, IrTemp *hi)
{
    if (ctx->in->mod == 3) {
        *lo = x86_xget(ctx, ctx->in->rm, 0);
        *hi = x86_xget(ctx, ctx->in->rm, 1);
        return;
    }
    *lo = x86_ld(ctx, 8, x86_mem_at(ctx, 0));
    *hi = x86_ld(ctx, 8, x86_mem_at(ctx, 8));
}

static void x86_st_rm128(X86Disas *ctx, IrTemp lo, IrTemp hi)
{
    if (ctx->in->mod == 3) {
        x86_xset(ctx, ctx->in->rm, 0, lo);
        x86_xset(ctx, ctx->in->rm, 1, hi);
        return;
    }
    x86_st(ctx, 8, x86_mem_at(ctx, 0), lo);
    x86_st(ctx, 8, x86_mem_at(ctx, 8), hi);
}

/* Full 128-bit load into ModRM.reg: movups/movupd/movaps/movapd/movdqa/movdqu/lddqu/movntdqa. */
static bool x86_mov_load(X86Disas *ctx, bool mem_only, bool aligned)
{
    IrTemp lo, hi;

    if (mem_only && ctx->in->mod == 3) {
        return false;
    }
    if (aligned && ctx->in->mod != 3) {
        x86_sse_check_align(ctx);
    }
    x86_ld_rm128(ctx, &lo, &hi);
    x86_xset(ctx, ctx->in->reg, 0, lo);
    x86_xset(ctx, ctx->in->reg, 1, hi);
    return true;
}

/* Full 128-bit store from ModRM.reg: the 11/29/7F forms and movntps/movntpd/movntdq. */
static bool x86_mov_store(X86Disas *ctx, bool mem_only, bool aligned)
{
    if (mem_only && ctx->in->mod == 3) {
        return false;
    }
    if (aligned && ctx->in->mod != 3) {
        x86_sse_check_align(ctx);
    }
    x86_st_rm128(ctx, x86_xget(ctx, ctx->in->reg, 0), x86_xget(ctx, ctx->in->reg, 1));
    return true;
}

/* movss (4 bytes) / movsd (8 bytes) to ModRM.reg: from memory the rest is zeroed, from a register merged. */
static bool x86_mov_scalar_load(X86Disas *ctx, unsigned size)
{
    const X86Insn *in = ctx->in;
    IrTemp v;

    if (in->mod != 3) {
        x86_xset(ctx, in->reg, 0, x86_ld(ctx, size, x86_gen_ea(ctx)));
        x86_xset(ctx, in->reg, 1, x86_const(ctx, 0));
        return true;
    }
    v = x86_xget(ctx, in->rm, 0);
    if (size == 4) {
        v = ir_deposit(ctx->blk, x86_xget(ctx, in->reg, 0), v, 0, 32);
    }
    x86_xset(ctx, in->reg, 0, v);
    return true;
}

static bool x86_mov_scalar_store(X86Disas *ctx, unsigned size)
{
    const X86Insn *in = ctx->in;
    IrTemp v = x86_xget(ctx, in->reg, 0);

    if (in->mod != 3) {
        x86_st(ctx, size, x86_gen_ea(ctx), v);
        return true;
    }
    if (size == 4) {
        v = ir_deposit(ctx->blk, x86_xget(ctx, in->rm, 0), v, 0, 32);
    }
    x86_xset(ctx, in->rm, 0, v);
    return true;
}

/*
 * movlps/movlpd (half 0) and movhps/movhpd (half 1) from memory; with a register
 * source (no prefix only) movhlps (low = source high) and movlhps (high = source low).
 */
static bool x86_mov_half_load(X86Disas *ctx, unsigned half, X86SsePrefix pfx)
{
    const X86Insn *in = ctx->in;
    IrTemp v;

    if (in->mod == 3) {
        if (pfx != X86_PFX_NP) {
            return false;
        }
        v = x86_xget(ctx, in->rm, 1 - half);
    } else {
        v = x86_ld(ctx, 8, x86_gen_ea(ctx));
    }
    x86_xset(ctx, in->reg, half, v);
    return true;
}

static bool x86_mov_half_store(X86Disas *ctx, unsigned half)
{
    if (ctx->in->mod == 3) {
        return false;
    }
    x86_st(ctx, 8, x86_gen_ea(ctx), x86_xget(ctx, ctx->in->reg, half));
    return true;
}

/* Bitwise logic and 64-bit lane add/sub on (reg, r/m): IR op per half. */
bool x86_sse_try_ir(X86Disas *ctx, const X86Insn *in)
{
    X86SsePrefix pfx = x86_sse_prefix(in);
    IrBlock *blk = ctx->blk;
    IrOpcode irop;
    bool invert = false;
    IrTemp lo, hi, d0, d1;

    if (in->map != X86_MAP_0F) {
        return false;
    }
    if (in->opcode >= 0x54 && in->opcode <= 0x57) {         /* andps andnps orps xorps (+pd) */
        if (pfx != X86_PFX_NP && pfx != X86_PFX_66) {
            return false;
        }
        irop = in->opcode == 0x56 ? IR_OP_OR : in->opcode == 0x57 ? IR_OP_XOR : IR_OP_AND;
        invert = in->opcode == 0x55;
    } else if (pfx == X86_PFX_66) {
        switch (in->opcode) {
        case 0xdb: irop = IR_OP_AND; break;
        case 0xdf: irop = IR_OP_AND; invert = true; break;
        case 0xeb: irop = IR_OP_OR; break;
        case 0xef: irop = IR_OP_XOR; break;
        case 0xd4: irop = IR_OP_ADD; break;
        case 0xfb: irop = IR_OP_SUB; break;
        default: return false;
        }
    } else {
        return false;
    }
    if (in->mod != 3) {
        x86_sse_check_align(ctx);
    }
    x86_ld_rm128(ctx, &lo, &hi);
    d0 = x86_xget(ctx, in->reg, 0);
    d1 = x86_xget(ctx, in->reg, 1);
    if (invert) {                                           /* andn: dst = ~dst & src */
        d0 = ir_not(blk, d0);
        d1 = ir_not(blk, d1);
    }
    x86_xset(ctx, in->reg, 0, ir_binop(blk, irop, d0, lo));
    x86_xset(ctx, in->reg, 1, ir_binop(blk, irop, d1, hi));
    return true;
}

/*
 * MASKMOVDQU (SDM Vol. 2): byte i of ModRM.reg goes to DS:[rDI + i] when bit 7 of
 * byte i of ModRM.rm is set; the other bytes are not accessed.
 */
static void x86_maskmovdqu(X86Disas *ctx)
{
    IrBlock *blk = ctx->blk;
    IrTemp base = x86_gen_addr(ctx, x86_get_reg(ctx, X86_RDI, ctx->in->adsz), ctx->in->seg);

    for (unsigned i = 0; i < 16; i++) {
        uint32_t skip = ir_label_new(blk);
        IrTemp mask = ir_extract(blk, x86_xget(ctx, ctx->in->rm, i / 8), (i % 8) * 8 + 7, 1);
        IrTemp a = i ? ir_add(blk, base, x86_const(ctx, i)) : base;

        if (ctx->in->adsz == 4) {
            a = ir_zext(blk, a, 32);
        }
        ir_brcond(blk, IR_COND_EQ, mask, x86_const(ctx, 0), skip);
        x86_st(ctx, 1, a, ir_extract(blk, x86_xget(ctx, ctx->in->reg, i / 8), (i % 8) * 8, 8));
        ir_label(blk, skip);
    }
}

bool x86_trans_ssemov(X86Disas *ctx, const X86Insn *in)
{
    X86SsePrefix pfx = x86_sse_prefix(in);
    unsigned w = (in->rex & 8) ? 8 : 4;
    IrTemp lo, hi;

    if (in->map == X86_MAP_0F38) {
        return in->opcode == 0x2a && pfx == X86_PFX_66 && x86_mov_load(ctx, true, true);     /* movntdqa */
    }
    if (in->map != X86_MAP_0F) {
        return false;
    }
    switch (in->opcode) {
    case 0x10:
        if (pfx == X86_PFX_F3 || pfx == X86_PFX_F2) {
            return x86_mov_scalar_load(ctx, pfx == X86_PFX_F3 ? 4 : 8);
        }
        return x86_mov_load(ctx, false, false);
    case 0x11:
        if (pfx == X86_PFX_F3 || pfx == X86_PFX_F2) {
            return x86_mov_scalar_store(ctx, pfx == X86_PFX_F3 ? 4 : 8);
        }
        return x86_mov_store(ctx, false, false);
    case 0x12:
    case 0x16:
        return (pfx == X86_PFX_NP || pfx == X86_PFX_66) &&
               x86_mov_half_load(ctx, in->opcode == 0x16, pfx);
    case 0x13:
    case 0x17:
        return (pfx == X86_PFX_NP || pfx == X86_PFX_66) && x86_mov_half_store(ctx, in->opcode == 0x17);
    case 0x28:
        return (pfx == X86_PFX_NP || pfx == X86_PFX_66) && x86_mov_load(ctx, false, true);
    case 0x29:
        return (pfx == X86_PFX_NP || pfx == X86_PFX_66) && x86_mov_store(ctx, false, true);
    case 0x2b:
        return (pfx == X86_PFX_NP || pfx == X86_PFX_66) && x86_mov_store(ctx, true, true);
    case 0x6f:
        return (pfx == X86_PFX_66 || pfx == X86_PFX_F3) && x86_mov_load(ctx, false, pfx == X86_PFX_66);
    case 0x7f:
        return (pfx == X86_PFX_66 || pfx == X86_PFX_F3) && x86_mov_store(ctx, false, pfx == X86_PFX_66);
    case 0xe7:
        return pfx == X86_PFX_66 && x86_mov_store(ctx, true, true);
    case 0xf0:
        return pfx == X86_PFX_F2 && x86_mov_load(ctx, true, false);       /* lddqu */
    case 0x6e:      /* movd/movq xmm, r/m32/64 */
        if (pfx != X86_PFX_66) {
            return false;
        }
        x86_xset(ctx, in->reg, 0, x86_ld_rm(ctx, w));
        x86_xset(ctx, in->reg, 1, x86_const(ctx, 0));
        return true;
    case 0x7e:
        if (pfx == X86_PFX_66) {        /* movd/movq r/m32/64, xmm */
            x86_st_rm(ctx, w, x86_zext(ctx, x86_xget(ctx, in->reg, 0), w));
            return true;
        }
        if (pfx != X86_PFX_F3) {        /* movq xmm, xmm/m64 */
            return false;
        }
        lo = in->mod == 3 ? x86_xget(ctx, in->rm, 0) : x86_ld(ctx, 8, x86_gen_ea(ctx));
        x86_xset(ctx, in->reg, 0, lo);
        x86_xset(ctx, in->reg, 1, x86_const(ctx, 0));
        return true;
    case 0xd6:      /* movq xmm/m64, xmm */
        if (pfx != X86_PFX_66) {
            return false;
        }
        lo = x86_xget(ctx, in->reg, 0);
        if (in->mod != 3) {
            x86_st(ctx, 8, x86_gen_ea(ctx), lo);
            return true;
        }
        hi = x86_const(ctx, 0);
        x86_xset(ctx, in->rm, 0, lo);
        x86_xset(ctx, in->rm, 1, hi);
        return true;
    case 0xf7:      /* maskmovdqu xmm, xmm: the bytes whose mask byte has bit 7 set, to [rDI] */
        if (pfx != X86_PFX_66 || in->mod != 3) {
            return false;
        }
        x86_maskmovdqu(ctx);
        return true;
    case 0xc3:      /* movnti m32/64, r32/64 */
        if (pfx != X86_PFX_NP || in->mod == 3) {
            return false;
        }
        x86_st(ctx, w, x86_gen_ea(ctx), x86_get_reg(ctx, in->reg, w));
        return true;
    default:
        return false;
    }
}

/* --- Group 15 memory forms: fxsave, fxrstor, ldmxcsr, stmxcsr --- */

bool x86_trans_ldmxcsr(X86Disas *ctx, const X86Insn *in)
{
    IrTemp v = x86_ld(ctx, 4, x86_gen_ea(ctx));

    (void)in;
    ir_call1(ctx->blk, &ir_helper_x86_ldmxcsr, v);
    return true;
}

bool x86_trans_stmxcsr(X86Disas *ctx, const X86Insn *in)
{
    IrTemp ea = x86_gen_ea(ctx);

    (void)in;
    /* The address first: a faulting store then has not gathered the flags yet, which is harmless. */
    x86_st(ctx, 4, ea, ir_call0(ctx->blk, &ir_helper_x86_stmxcsr));
    return true;
}
