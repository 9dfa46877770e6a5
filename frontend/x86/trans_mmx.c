/*
 * MMX (Intel SDM Vol. 1 ch. 9) and the SSE/SSSE3 instructions on mm registers
 * (sse.def rows with X86_SSE_MMX).  The mm registers are the mantissas of the x87
 * registers, so these run in an x87 stub (trans_x87.c): frstor of the guest state,
 * the instruction with the guest's own mm register numbers, fnsave -- which also
 * gives the x87 side effects hardware has (TOP = 0, every tag valid, exponent bits
 * all ones on a write; #MF for a pending x87 exception).  A GPR operand goes through
 * rax, a memory operand through the frame as for the x87.  The conversions between
 * mm and xmm registers (cvtpi2ps, cvtps2pi, movq2dq...) use an X87_XMM stub, which
 * has both register files and the guest MXCSR.
 */
#include "frontend/x86/internal.h"

/*
 * MASKMOVQ mm1, mm2 (SDM Vol. 2): the bytes of mm1 whose mask byte in mm2 has bit 7
 * set go to DS:[rDI + i].  An x87 stub does what any MMX instruction does to the x87
 * state (movd eax, mm1 reads without writing); after it TOP is 0, so mm i is the
 * mantissa of ST(i) in the image, and IR stores the bytes.
 */
static bool x86_gen_maskmovq(X86Disas *ctx, const X86Insn *in)
{
    IrBlock *blk = ctx->blk;
    const uint8_t code[] = { 0x0f, 0x7e, (uint8_t)(0xc0 | (in->reg & 7) << 3) };
    IrTemp base = x86_gen_addr(ctx, x86_get_reg(ctx, X86_RDI, in->adsz), in->seg), v, mask;

    if (in->mod != 3) {
        return false;
    }
    x86_x87_call(ctx, X86_STUB_X87, code, sizeof(code), X86_X87_WAIT, IR_TEMP_NONE);
    v = ir_get(blk, IR_I64, (uint32_t)offsetof(X86Cpu, fpu.st[in->reg & 7]));
    mask = ir_get(blk, IR_I64, (uint32_t)offsetof(X86Cpu, fpu.st[in->rm & 7]));
    for (unsigned i = 0; i < 8; i++) {
        uint32_t skip = ir_label_new(blk);
        IrTemp a = i ? ir_add(blk, base, x86_const(ctx, i)) : base;

        if (in->adsz == 4) {
            a = ir_zext(blk, a, 32);
        }
        ir_brcond(blk, IR_COND_EQ, ir_extract(blk, mask, 8 * i + 7, 1), x86_const(ctx, 0), skip);
        x86_st(ctx, 1, a, ir_extract(blk, v, 8 * i, 8));
        ir_label(blk, skip);
    }
    return true;
}

bool x86_trans_mmx_row(X86Disas *ctx, const X86Insn *in, const X86SseOp *op)
{
    unsigned form = op->form, msize;
    bool mem = in->mod != 3;
    uint64_t info = X86_X87_WAIT;
    unsigned reg = in->reg & 7, rm = in->rm & 7;
    uint8_t code[16];
    unsigned n = 0;
    IrTemp arg = IR_TEMP_NONE, ret;
    X86StubKind kind = X86_STUB_X87;

    if ((mem && (form & X86_SSE_NOMEM)) || (!mem && (form & X86_SSE_MEMONLY))) {
        return false;
    }
    if (in->map == X86_MAP_0F && in->opcode == 0xf7) {
        return x86_gen_maskmovq(ctx, in);
    }
    msize = op->msize == X86_SSE_MEM_REXW ? ((in->rex & 8) ? 8 : 4) : op->msize;
    if (form & X86_SSE_RG) {
        reg = X86_RAX;                          /* the GPR destination comes back in rax */
        info |= X86_X87_RAX;
    }
    if ((form & X86_SSE_MG) && !mem) {
        if (form & X86_SSE_WRM) {
            info |= X86_X87_RAX;
        } else {
            arg = x86_get_reg(ctx, in->rm, 8);
            info |= X86_X87_RAX_IN;
        }
        rm = X86_RAX;
    }
    if (form & (X86_SSE_MIX_XREG | X86_SSE_MIX_XRM)) {
        /* Between mm and xmm: the xmm operand is xmm1 (reg) or xmm2 (rm) of an X87_XMM stub. */
        static const uint8_t pfx_byte[] = { [X86_PFX_66] = 0x66, [X86_PFX_F3] = 0xf3, [X86_PFX_F2] = 0xf2 };

        kind = X86_STUB_X87_XMM;
        info |= X86_X87_XMM | (uint64_t)in->reg << X86_X87_XREG_SHIFT | (uint64_t)in->rm << X86_X87_XRM_SHIFT;
        if (form & X86_SSE_MIX_XREG) {
            reg = 1;
            info |= X86_X87_XMM_WREG;
        } else if (!mem) {
            rm = 2;
        }
        if (op->prefix != X86_PFX_NP) {
            code[n++] = pfx_byte[op->prefix];
        }
        if (mem && msize == 16) {
            x86_sse_check_align(ctx);
        }
    }
    if (in->rex & 8) {
        code[n++] = 0x48;
    }
    code[n++] = 0x0f;
    if (in->map == X86_MAP_0F38) {
        code[n++] = 0x38;
    } else if (in->map == X86_MAP_0F3A) {
        code[n++] = 0x3a;
    }
    code[n++] = in->opcode;
    if (op->ext >= 0) {
        reg = (unsigned)op->ext;
    }
    if (mem) {
        code[n++] = (uint8_t)(0x80 | reg << 3 | 7);     /* [rdi + disp32], the frame's memory */
        code[n++] = X86_FPU_FRAME_MEM;
        code[n++] = 0;
        code[n++] = 0;
        code[n++] = 0;
        info |= msize | ((form & X86_SSE_WRM) ? X86_X87_STORE : 0);
        if (!(form & X86_SSE_WRM)) {
            x86_x87_copy(ctx, msize, false);
        } else {
            x86_x87_probe_store(ctx, msize);
        }
    } else {
        code[n++] = (uint8_t)(0xc0 | reg << 3 | rm);
    }
    if (in->desc->fmt == X86_FMT_M_IB) {
        code[n++] = (uint8_t)in->imm;
    }
    ret = x86_x87_call(ctx, kind, code, n, info, arg);
    if (mem && (form & X86_SSE_WRM)) {
        x86_x87_copy(ctx, msize, true);
    }
    if (form & X86_SSE_RG) {
        x86_set_reg(ctx, in->reg, ctx->mode64 ? 8 : 4, ret);
    } else if ((form & X86_SSE_MG) && (form & X86_SSE_WRM) && !mem) {
        x86_set_reg(ctx, in->rm, ctx->mode64 ? 8 : 4, ret);
    }
    return true;
}
