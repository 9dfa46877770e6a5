/*
 * SSE to SSE4.2 computations (sse.def): each runs on the host's SSE unit through a
 * stub (hoststub.c) that executes the same instruction re-encoded with ModRM.reg =
 * xmm1/rcx and ModRM.rm = xmm2/rdx, so results, NaNs, rounding and MXCSR flags are
 * the hardware's own.  The lifter reads a memory operand with IR loads first (so
 * faults are the engines' usual ones) and hands it to the helper; a GPR or memory
 * destination comes back as the helper's result and is written with IR.
 *
 * A misaligned 16-byte memory operand is #GP (GUEST_EXIT_EXCEPTION 13).  The stub
 * always runs with exceptions masked; an exception the guest has unmasked then
 * becomes #XM (GUEST_EXIT_FPE code 19) with the destination untouched, as on
 * hardware.  Approximation: an unmasked UE is only seen for inexact tiny results (the
 * masked definition), and the mm<->xmm conversions (trans_mmx.c) always get the
 * masked response.
 */
#include <string.h>

#include "frontend/x86/internal.h"

static const X86SseOp x86_sse_ops[] = {
#define X86_SSE(map_, op_, ext_, pfx_, name_, form_, msize_) \
    { .name = #name_, .map = (map_), .opcode = (op_), .ext = (ext_), .prefix = (pfx_), .form = (form_), \
      .msize = (msize_) },
#include "frontend/x86/sse.def"
#undef X86_SSE
};

X86SsePrefix x86_sse_prefix(const X86Insn *in)
{
    if (in->repne) {
        return X86_PFX_F2;
    }
    if (in->rep) {
        return X86_PFX_F3;
    }
    return in->p66 ? X86_PFX_66 : X86_PFX_NP;
}

const X86SseOp *x86_sse_lookup(const X86Insn *in)
{
    X86SsePrefix pfx = x86_sse_prefix(in);
    int ext = (in->modrm >> 3) & 7;

    for (size_t i = 0; i < G_N_ELEMENTS(x86_sse_ops); i++) {
        const X86SseOp *op = &x86_sse_ops[i];

        if (op->map == in->map && op->opcode == in->opcode && op->prefix == pfx && (op->ext < 0 || op->ext == ext)) {
            return op;
        }
    }
    return NULL;
}

/*
 * The extension a row belongs to (SDM Vol. 2 appendix A opcode tables), so that a
 * host without it reports #UD for it rather than crashing in the stub; CPUID hides
 * what the host lacks the same way (x86_host_has).  SSE and SSE2 are part of x86-64.
 */
static X86Isa x86_sse_isa(const X86SseOp *op)
{
    if (op->map == X86_MAP_0F38) {
        if (op->opcode <= 0x0b || (op->opcode >= 0x1c && op->opcode <= 0x1e)) {
            return X86_ISA_SSSE3;
        }
        return op->opcode == 0x37 || op->opcode >= 0xf0 ? X86_ISA_SSE42 : X86_ISA_SSE41;
    }
    if (op->map == X86_MAP_0F3A) {
        if (op->opcode == 0x0f) {
            return X86_ISA_SSSE3;
        }
        return op->opcode >= 0x60 ? X86_ISA_SSE42 : X86_ISA_SSE41;
    }
    if ((op->opcode == 0x7c || op->opcode == 0x7d || op->opcode == 0xd0) ||
        ((op->opcode == 0x12 || op->opcode == 0x16) && (op->prefix == X86_PFX_F3 || op->prefix == X86_PFX_F2))) {
        return X86_ISA_SSE3;
    }
    return X86_ISA_BASE;
}

static unsigned x86_sse_msize(const X86SseOp *op, const X86Insn *in)
{
    switch (op->msize) {
    case X86_SSE_MEM_REXW:
        return (in->rex & 8) ? 8 : 4;
    case X86_SSE_MEM_OPSZ:
        return in->opsz;
    default:
        return op->msize;
    }
}

/* The instruction again, with the stub's registers in ModRM. */
static unsigned x86_sse_encode(const X86SseOp *op, const X86Insn *in, uint8_t *b)
{
    static const uint8_t pfx_byte[] = { [X86_PFX_66] = 0x66, [X86_PFX_F3] = 0xf3, [X86_PFX_F2] = 0xf2 };
    unsigned n = 0;
    uint8_t imm = (uint8_t)in->imm;

    if ((op->form & X86_SSE_OPSZ) && in->p66) {
        b[n++] = 0x66;
    }
    if (op->prefix != X86_PFX_NP) {
        b[n++] = pfx_byte[op->prefix];
    }
    if (in->rex & 8) {
        b[n++] = 0x48;
    }
    b[n++] = 0x0f;
    if (in->map == X86_MAP_0F38) {
        b[n++] = 0x38;
    } else if (in->map == X86_MAP_0F3A) {
        b[n++] = 0x3a;
    }
    b[n++] = in->opcode;
    b[n++] = (uint8_t)(0xc0 | (op->ext >= 0 ? op->ext : 1) << 3 | 2);
    if (in->desc->fmt == X86_FMT_M_IB) {
        if (op->form & X86_SSE_IMM3) {
            imm &= 7;
        }
        if ((op->form & X86_SSE_INSPS) && in->mod != 3) {
            imm &= 0x3f;        /* the m32 operand is the source element itself */
        }
        b[n++] = imm;
    }
    return n;
}

static void x86_sse_warn(X86Disas *ctx, const char *what)
{
    guest_warn_unimplemented(ctx->mode64 ? &x86_64_arch : &i386_arch, what);
}

bool x86_trans_sse(X86Disas *ctx, const X86Insn *in)
{
    const X86SseOp *op = x86_sse_lookup(in);

    if (x86_sse_try_ir(ctx, in) || x86_sse_try_swar(ctx, in) || x86_sse_try_unpck(ctx, in) ||
        x86_sse_try_shuf(ctx, in) || x86_sse_try_shift(ctx, in)) {
        return true;
    }
    if (!op) {
        if (x86_trans_ssemov(ctx, in)) {
            return true;
        }
        x86_sse_warn(ctx, "an SSE/MMX opcode with this mandatory prefix (not lifted)");
        return false;
    }
    if (!x86_host_has(x86_sse_isa(op))) {
        x86_sse_warn(ctx, "an SSE3/SSSE3/SSE4 instruction the host CPU lacks");
        return false;
    }
    if (op->form & X86_SSE_MMX) {
        return x86_trans_mmx_row(ctx, in, op);
    }
    if (x86_sse_try_fast(ctx, in, op)) {
        return true;
    }
    return x86_sse_gen_stub(ctx, in, op);
}

/* The row's instruction through its host stub (helper_x86_sse). */
bool x86_sse_gen_stub(X86Disas *ctx, const X86Insn *in, const X86SseOp *op)
{
    IrBlock *blk = ctx->blk;
    uint8_t code[16];
    unsigned n, msize, form;
    IrTemp lo, hi, args[4], ret;
    bool mem = in->mod != 3;
    uint64_t desc;

    form = op->form;
    if (mem && (form & X86_SSE_NOMEM)) {
        return false;
    }
    msize = x86_sse_msize(op, in);
    n = x86_sse_encode(op, in, code);

    lo = hi = x86_const(ctx, 0);
    if ((form & X86_SSE_MG) && !(form & X86_SSE_WRM)) {
        /* An integer source: the GPR (byte registers follow AH..BH rules) or memory. */
        lo = mem ? x86_ld(ctx, msize, x86_gen_ea(ctx))
                 : x86_get_reg(ctx, in->rm, (form & X86_SSE_OPSZ) ? msize : 8);    /* r/m8 only for crc32 */
    } else if (mem && !(form & X86_SSE_WRM)) {
        IrTemp ea = x86_gen_ea(ctx);

        if (msize == 16 && !(in->map == X86_MAP_0F3A && in->opcode >= 0x60 && in->opcode <= 0x63)) {
            x86_sse_check_align(ctx);           /* all but the string compares */
        }

        lo = x86_ld(ctx, msize < 8 ? msize : 8, ea);
        if (msize == 16) {
            hi = x86_ld(ctx, 8, ir_add(blk, ea, x86_const(ctx, 8)));
        }
    }
    if (form & X86_SSE_RG) {
        hi = x86_get_reg(ctx, in->reg, 8);      /* crc32's accumulator */
    }
    desc = (uint64_t)(op->ext >= 0 ? 0 : in->reg) | (uint64_t)in->rm << 8 | (uint64_t)form << 16 |
           (uint64_t)(mem ? 1 : 0) << 32;
    args[0] = x86_const(ctx, (uint64_t)(uintptr_t)x86_host_stub((form & X86_SSE_FP) ? X86_STUB_SSE : X86_STUB_SSE_INT,
                                                                  code, n));
    args[1] = x86_const(ctx, desc);
    args[2] = lo;
    args[3] = hi;
    ret = ir_call(blk, &ir_helper_x86_sse, 4, args);

    if (form & X86_SSE_FLAGS) {
        x86_cc_set_flags(ctx, ret);
    }
    if ((form & X86_SSE_RG) && (form & X86_SSE_WREG)) {
        x86_set_reg(ctx, in->reg, ctx->mode64 ? 8 : 4, ret);
    }
    if ((form & X86_SSE_MG) && (form & X86_SSE_WRM)) {
        if (mem) {
            x86_st(ctx, msize, x86_gen_ea(ctx), ret);
        } else {
            x86_set_reg(ctx, in->rm, ctx->mode64 ? 8 : 4, ret);
        }
    }
    return true;
}

/*
 * The stub call.  desc: ModRM.reg (bits 0-3), ModRM.rm (8-11), the row's form
 * (16-31), memory operand (32).  lo/hi: the memory operand or the rm GPR value (lo),
 * the reg GPR value (hi).  Returns the flags, or the GPR/memory result.
 */
uint64_t helper_x86_sse(void *opaque, uint64_t stub, uint64_t desc, uint64_t lo, uint64_t hi)
{
    X86Cpu *cpu = opaque;
    unsigned reg = desc & 15, rm = (desc >> 8) & 15, form = (desc >> 16) & 0xffff;
    bool mem = (desc >> 32) & 1;
    X86SseFrame f;

    memcpy(f.xmm[0], cpu->xmm[0], 16);
    memcpy(f.xmm[1], cpu->xmm[reg], 16);
    if (mem || (form & X86_SSE_MG)) {
        memcpy(f.xmm[2], &lo, 8);
        memcpy(f.xmm[2] + 8, &hi, 8);
    } else {
        memcpy(f.xmm[2], cpu->xmm[rm], 16);
    }
    f.rax = cpu->regs[X86_RAX];
    f.rcx = (form & X86_SSE_RG) ? hi : cpu->regs[X86_RCX];
    f.rdx = (form & X86_SSE_MG) ? lo : cpu->regs[X86_RDX];
    f.rflags = 0;
    f.mxcsr = (cpu->mxcsr | 0x1f80u) & ~0x3fu;      /* masked, and only this operation's flags */
    ((void (*)(X86SseFrame *))(uintptr_t)stub)(&f);
    if (form & X86_SSE_FP) {
        uint32_t raised = f.mxcsr & 0x3fu;

        if (raised & ~(cpu->mxcsr >> 7) & 0x3fu) {
            /*
             * An unmasked exception: #XM before anything is written.  A pre-computation
             * one (IE, DE, ZE) leaves only those flags; otherwise all that were raised.
             */
            cpu->mxcsr |= (raised & 0x7u) ? raised & 0x7u : raised;
            guest_cpu_exit(&cpu->common, GUEST_EXIT_FPE, 19, x86_fpe_si_code(cpu->mxcsr & ~(cpu->mxcsr >> 7)));
        }
        cpu->mxcsr |= raised;
    }

    if ((form & X86_SSE_WREG) && !(form & X86_SSE_RG)) {
        memcpy(cpu->xmm[reg], f.xmm[1], 16);
    }
    if ((form & X86_SSE_WRM) && !(form & X86_SSE_MG)) {
        memcpy(cpu->xmm[rm], f.xmm[2], 16);
    }
    if (form & X86_SSE_WX0) {
        memcpy(cpu->xmm[0], f.xmm[0], 16);
    }
    if (form & X86_SSE_WRCX) {
        cpu->regs[X86_RCX] = f.rcx;
    }
    if (form & X86_SSE_FLAGS) {
        return f.rflags & X86_ARITH_FLAGS;
    }
    if (form & X86_SSE_RG) {
        return f.rcx;
    }
    return f.rdx;
}
