/*
 * The x87 FPU (Intel SDM Vol. 1 ch. 8, Vol. 2 D8-DF escape opcodes) and emms, run
 * on the host's x87: each instruction executes in a stub (hoststub.c) between an
 * frstor of the guest's state (X86FpuState, the FNSAVE image) and an fnsave, so
 * stack, tags, C0-C3, precision and rounding control and the transcendentals are
 * exactly what x87 hardware gives.  A memory operand is copied through
 * X86Cpu.fpu_scratch with IR loads/stores (the stub addresses it in its frame).
 *
 * Exceptions: the stub always runs with every exception masked (an unmasked one
 * would trap inside mimic); the guest's masks are put back afterwards and ES/B
 * recomputed from them, so fnstsw/fnstenv show what hardware shows, and the next
 * waiting x87 instruction (or fwait) with ES set leaves with GUEST_EXIT_FPE, as the
 * #MF of real hardware.  The operation itself has the masked response.
 * A store's destination is probed before the stub runs, so a faulting fstp leaves the
 * stack as it was.
 */
#include <string.h>

#include "frontend/x86/internal.h"


/* Register forms (mod = 3) that exist, by opcode D8..DF and ModRM - 0xC0 (SDM Vol. 2 table A-10+). */
bool x86_x87_reg_valid(unsigned op, unsigned m)
{
    unsigned hi = m >> 3;

    switch (op) {
    case 0xd8:
        return true;
    case 0xd9:
        return hi <= 1 || m == 0x10 || m == 0x20 || m == 0x21 || m == 0x24 || m == 0x25 ||
               (m >= 0x28 && m <= 0x2e) || m >= 0x30;
    case 0xda:
        return hi <= 3 || m == 0x29;
    case 0xdb:
        return hi <= 3 || m == 0x22 || m == 0x23 || hi == 5 || hi == 6;
    case 0xdc:
        return hi <= 1 || hi >= 4;
    case 0xdd:
        return hi == 0 || hi == 2 || hi == 3 || hi == 4 || hi == 5;
    case 0xde:
        return hi <= 1 || m == 0x19 || hi >= 4;
    case 0xdf:
        return m == 0x20 || hi == 5 || hi == 6;
    default:
        return false;
    }
}

/*
 * Memory forms: operand bytes (0 = invalid) and whether it is written, by opcode and
 * ModRM.reg (SDM Vol. 2 table A-7 .. A-22).  Environment sizes are for 32-bit operands.
 */
static const struct { uint8_t size; bool store; } x86_x87_mem[8][8] = {
    [0] = { {4}, {4}, {4}, {4}, {4}, {4}, {4}, {4} },                                   /* D8 m32fp */
    [1] = { {4}, {0}, {4, true}, {4, true}, {28}, {2}, {28, true}, {2, true} },          /* D9 */
    [2] = { {4}, {4}, {4}, {4}, {4}, {4}, {4}, {4} },                                   /* DA m32int */
    [3] = { {4}, {4, true}, {4, true}, {4, true}, {0}, {10}, {0}, {10, true} },          /* DB */
    [4] = { {8}, {8}, {8}, {8}, {8}, {8}, {8}, {8} },                                   /* DC m64fp */
    [5] = { {8}, {8, true}, {8, true}, {8, true}, {108}, {0}, {108, true}, {2, true} },  /* DD */
    [6] = { {2}, {2}, {2}, {2}, {2}, {2}, {2}, {2} },                                   /* DE m16int */
    [7] = { {2}, {2, true}, {2, true}, {2, true}, {10}, {8}, {10, true}, {8, true} },    /* DF */
};

unsigned x86_x87_mem_size(unsigned op, unsigned reg, bool *store)
{
    *store = x86_x87_mem[op - 0xd8][reg].store;
    return x86_x87_mem[op - 0xd8][reg].size;
}

void x86_x87_copy(X86Disas *ctx, unsigned size, bool store)
{
    x86_x87_copy_at(ctx, size, store, 0);
}

void x86_x87_copy_at(X86Disas *ctx, unsigned size, bool store, unsigned base)
{
    IrBlock *blk = ctx->blk;
    IrTemp ea = x86_gen_ea(ctx);
    unsigned off = 0;

    while (off < size) {
        unsigned n = size - off >= 8 ? 8 : size - off >= 4 ? 4 : size - off >= 2 ? 2 : 1;
        IrTemp a = off ? ir_add(blk, ea, x86_const(ctx, off)) : ea;
        uint32_t slot = (uint32_t)offsetof(X86Cpu, fpu_scratch[0]) + base + off;

        if (store) {
            x86_st(ctx, n, a, ir_get(blk, IR_I64, slot));
        } else {
            ir_set(blk, slot, x86_zext(ctx, x86_ld(ctx, n, a), 8));
        }
        off += n;
    }
}

/* The locked probes: atomic ORs of 0 that leave memory as it is, of ea and of last if on another page. */
static void probe_locked(X86Disas *ctx, IrTemp ea, IrTemp last)
{
    IrBlock *blk = ctx->blk;
    uint32_t same_page;

    ir_atomic_rmw(blk, IR_ATOMIC_OR, IR_MEM_8, ea, x86_const(ctx, 0));
    if (last != IR_TEMP_NONE) {
        same_page = ir_label_new(blk);
        ir_brcond(blk, IR_COND_EQ, ir_and(blk, ir_xor(blk, ea, last), x86_const(ctx, X86_PAGE_MASK)),
                  x86_const(ctx, 0), same_page);
        ir_atomic_rmw(blk, IR_ATOMIC_OR, IR_MEM_8, last, x86_const(ctx, 0));
        ir_label(blk, same_page);
    }
}

/* Branch to label slow unless the page protection table says a's page is mapped writable. */
static void probe_table(X86Disas *ctx, IrTemp a, uint32_t slow)
{
    const GuestLiftCtx *lctx = ctx->lctx;
    IrBlock *blk = ctx->blk;
    IrTemp index;

    if (!ctx->mode64 && lctx->page_prot_bits >= 32) {
        index = ir_extract(blk, a, 12, 20);             /* a 32-bit address is inside the table */
    } else {
        ir_brcond(blk, IR_COND_NE, ir_shr(blk, a, x86_const(ctx, lctx->page_prot_bits)), x86_const(ctx, 0), slow);
        index = ir_shr(blk, a, x86_const(ctx, 12));
    }
    ir_brcond(blk, IR_COND_EQ, ir_and(blk, ir_hostld8(blk, lctx->page_prot, index),
                                      x86_const(ctx, lctx->page_prot_write)), x86_const(ctx, 0), slow);
}

/*
 * Before an x87/MMX instruction that stores size bytes changes the x87 state: make the
 * destination fault now if it is going to.  Where the platform keeps a table of the guest's
 * page protections (user mode), a plain load of the bytes of the first and the last byte's
 * pages that says both are writable is enough; otherwise (unmapped, read-only, no table, or
 * traced accesses, whose output keeps showing the probes) atomic ORs of 0 that leave memory
 * as it is -- of the first byte, and of the last one when that is on the next page (some 20
 * cycles each, a `lock` that drains the store buffer) -- fault the way the store would.
 * Another thread's mprotect between the table's load and the stub's store can still make the
 * store fault after the x87 state changed; the locked probe leaves the same window open.
 * A code page (read-only on the host while blocks from it exist) is writable in the table:
 * the stub's store then takes the host fault that any guest store there takes.
 */
void x86_x87_probe_store(X86Disas *ctx, unsigned size)
{
    IrBlock *blk = ctx->blk;
    IrTemp ea = x86_gen_ea(ctx);
    IrTemp last = size > 1 ? ir_add(blk, ea, x86_const(ctx, size - 1)) : IR_TEMP_NONE;
    uint32_t slow, done;

    if (ctx->lctx->page_prot == NULL || blk->trace_mem_helper != NULL) {
        probe_locked(ctx, ea, last);
        return;
    }
    slow = ir_label_new(blk);
    done = ir_label_new(blk);
    probe_table(ctx, ea, slow);
    if (last != IR_TEMP_NONE) {
        probe_table(ctx, last, slow);
    }
    ir_br(blk, done);
    ir_label(blk, slow);
    probe_locked(ctx, ea, last);
    ir_label(blk, done);
}

IrTemp x86_x87_call(X86Disas *ctx, X86StubKind kind, const uint8_t *code, unsigned n, uint64_t info, IrTemp ea)
{
    IrTemp args[3];

    x86_cc_flush(ctx);
    if (info & X86_X87_DATA) {
        info |= (uint64_t)(uint32_t)ctx->pc << X86_X87_PC_SHIFT;
    }
    args[0] = x86_const(ctx, (uint64_t)(uintptr_t)x86_host_stub(kind, code, n));
    args[1] = x86_const(ctx, info);
    args[2] = ea ? ea : x86_const(ctx, 0);
    return ir_call(ctx->blk, &ir_helper_x86_x87, 3, args);
}

bool x86_trans_x87(X86Disas *ctx, const X86Insn *in)
{
    unsigned op = in->opcode, r = (in->modrm >> 3) & 7;
    uint64_t info = X86_X87_WAIT | X86_X87_DATA;
    uint8_t code[8];
    unsigned n = 0;
    IrTemp ret;

    info |= (uint64_t)(((op & 7) << 8) | in->modrm) << X86_X87_FOP_SHIFT;
    if (x86_x87_try_seg(ctx, in)) {
        return true;
    }
    x86_x87_guess(ctx, in);
    if (in->mod == 3) {
        unsigned m = in->modrm - 0xc0;

        if (!x86_x87_reg_valid(op, m)) {
            return false;
        }
        if (op == 0xdb && m == 0x22) {          /* fnclex */
            info &= ~(X86_X87_WAIT | X86_X87_DATA);
        } else if (op == 0xdb && m == 0x23) {   /* fninit */
            info = X86_X87_CW_LOADED;
        } else if (op == 0xdf && m == 0x20) {   /* fnstsw ax */
            info = X86_X87_STSW | X86_X87_RAX;
        }
        code[n++] = (uint8_t)op;
        code[n++] = in->modrm;
        ret = x86_x87_call(ctx, X86_STUB_X87, code, n, info, IR_TEMP_NONE);
        if (info & X86_X87_RAX) {
            x86_set_reg(ctx, X86_RAX, 2, ret);
        } else if ((op == 0xdb || op == 0xdf) && (m >> 3) >= 5) {   /* fcomi, fucomi (p) */
            x86_cc_set_flags(ctx, ret);
        }
        return true;
    }

    {
        unsigned size = x86_x87_mem[op - 0xd8][r].size;
        bool store = x86_x87_mem[op - 0xd8][r].store;
        bool env = false;
        IrTemp ea;

        if (size == 0) {
            return false;
        }
        if (r == 1 && (op == 0xdb || op == 0xdd || op == 0xdf) && !x86_host_has(X86_ISA_SSE3)) {
            return false;                   /* fisttp is SSE3 and runs on the host */
        }
        if (op == 0xd9 && (r == 4 || r == 6)) {           /* fldenv, fnstenv */
            env = true;
        } else if (op == 0xdd && (r == 4 || r == 6)) {    /* frstor, fnsave */
            env = true;
        }
        if (env) {
            info &= ~X86_X87_DATA;
            if (in->p66) {
                size = size == 28 ? 14 : 94;
                info |= X86_X87_ENV16;
            }
            if (r == 4) {
                info |= X86_X87_CW_LOADED;
            } else {
                info &= ~X86_X87_WAIT;
                info |= X86_X87_ENV | (op == 0xd9 ? X86_X87_CW_MASKALL : X86_X87_CW_LOADED);
            }
        } else if (op == 0xd9 && r == 5) {                /* fldcw */
            info = (info & ~X86_X87_DATA) | X86_X87_CW_LOADED;
        } else if (op == 0xd9 && r == 7) {                /* fnstcw */
            info = X86_X87_STCW;
        } else if (op == 0xdd && r == 7) {                /* fnstsw m16 */
            info = X86_X87_STSW;
        }
        info |= size | (store ? X86_X87_STORE : 0);
        ea = x86_gen_ea(ctx);
        if (!store) {
            x86_x87_copy(ctx, size, false);
        } else {
            x86_x87_probe_store(ctx, size);
        }
        if (in->p66 && env) {
            code[n++] = 0x66;
        }
        code[n++] = (uint8_t)op;
        code[n++] = (uint8_t)(0x80 | r << 3 | 7);         /* [rdi + disp32] */
        code[n++] = X86_FPU_FRAME_MEM;
        code[n++] = 0;
        code[n++] = 0;
        code[n++] = 0;
        x86_x87_call(ctx, X86_STUB_X87, code, n, info, ea);
        if (store) {
            x86_x87_copy(ctx, size, true);
        }
        return true;
    }
}

/* FWAIT: #MF if an unmasked exception is pending (SDM Vol. 1 8.6). */
bool x86_trans_fwait(X86Disas *ctx, const X86Insn *in)
{
    static const uint8_t nop[] = { 0x90 };

    (void)in;
    x86_x87_call(ctx, X86_STUB_X87, nop, 1, X86_X87_WAIT, IR_TEMP_NONE);
    return true;
}

/* EMMS: every x87 register empty (it is an MMX instruction, but all x87 state). */
bool x86_trans_emms(X86Disas *ctx, const X86Insn *in)
{
    static const uint8_t emms[] = { 0x0f, 0x77 };

    if (in->p66 || in->rep || in->repne) {
        return false;
    }
    x86_x87_call(ctx, X86_STUB_X87, emms, 2, 0, IR_TEMP_NONE);
    return true;
}

static void x86_put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static void x86_put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

uint64_t x86_fpe_si_code(uint32_t unmasked)
{
    if (unmasked & 0x01) {
        return 7;       /* FPE_FLTINV */
    }
    if (unmasked & 0x04) {
        return 3;       /* FPE_FLTDIV */
    }
    if (unmasked & 0x08) {
        return 4;       /* FPE_FLTOVF */
    }
    if (unmasked & 0x12) {
        return 5;       /* FPE_FLTUND */
    }
    return (unmasked & 0x20) ? 6 : 0;   /* FPE_FLTRES */
}

/* ES and B (status bits 7 and 15): some exception flag set whose mask is clear. */
static uint16_t x86_fsw_with_es(uint16_t fsw, uint16_t fcw)
{
    fsw &= (uint16_t)~0x8080u;
    if (fsw & ~fcw & 0x3f) {
        fsw |= 0x8080;
    }
    return fsw;
}

void x86_x87_commit(X86Cpu *cpu, const X86FpuState *old, const X86FpuState *image, uint64_t info, uint64_t ea)
{
    unsigned size = info & X86_X87_MSIZE;
    uint16_t fcw;

    if (info & X86_X87_CW_LOADED) {
        fcw = image->fcw;
    } else if (info & X86_X87_CW_MASKALL) {
        fcw = old->fcw | 0x3f;
    } else {
        fcw = old->fcw;
    }
    cpu->fpu = *image;
    cpu->fpu.fcw = fcw;
    cpu->fpu.fsw = x86_fsw_with_es(image->fsw, fcw);
    if (!(info & X86_X87_CW_LOADED)) {
        /* The host's instruction and data pointers are its own: keep or set the guest's. */
        cpu->fpu.fip = old->fip;
        cpu->fpu.fcs = old->fcs;
        cpu->fpu.fop = old->fop;
        cpu->fpu.fdp = old->fdp;
        cpu->fpu.fds = old->fds;
        if (info & X86_X87_DATA) {
            cpu->fpu.fip = (uint32_t)(info >> X86_X87_PC_SHIFT);
            cpu->fpu.fcs = (uint16_t)cpu->cs;
            /* FOP "compatibility mode" off, as on current parts: kept for unmasked exceptions only. */
            if (cpu->fpu.fsw & 0x80) {
                cpu->fpu.fop = (uint16_t)((info >> X86_X87_FOP_SHIFT) & 0x7ff);
            }
            cpu->fpu.fdp = size ? (uint32_t)ea : 0;     /* (x87 instructions never take RAX_IN) */
            cpu->fpu.fds = size ? (uint16_t)cpu->ds : 0;
        }
    }
}

uint64_t helper_x86_x87(void *opaque, uint64_t stub, uint64_t info, uint64_t ea)
{
    X86Cpu *cpu = opaque;
    X86FpuState old = cpu->fpu;
    unsigned size = info & X86_X87_MSIZE;
    uint8_t *scratch = (uint8_t *)cpu->fpu_scratch;
    X86FpuFrame f;

    if ((info & X86_X87_WAIT) && (old.fsw & 0x80)) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_FPE, 16, x86_fpe_si_code(old.fsw & ~old.fcw));
    }
    memset(&f, 0, sizeof(f));
    f.image = old;
    f.image.fcw |= 0x3f;
    f.image.fsw &= (uint16_t)~0x8080u;
    if (size && !(info & X86_X87_STORE)) {
        memcpy(f.mem, scratch, size);
    }
    f.rax = (info & X86_X87_RAX_IN) ? ea : cpu->regs[X86_RAX];
    f.rflags_in = (x86_get_eflags(cpu) & X86_ARITH_FLAGS) | 0x202;
    if (info & X86_X87_XMM) {
        memcpy(f.xmm[0], cpu->xmm[(info >> X86_X87_XREG_SHIFT) & 15], 16);
        memcpy(f.xmm[1], cpu->xmm[(info >> X86_X87_XRM_SHIFT) & 15], 16);
        f.mxcsr = cpu->mxcsr | 0x1f80u;
    }
    ((void (*)(X86FpuFrame *))(uintptr_t)stub)(&f);
    if (info & X86_X87_XMM) {
        if (info & X86_X87_XMM_WREG) {
            memcpy(cpu->xmm[(info >> X86_X87_XREG_SHIFT) & 15], f.xmm[0], 16);
        }
        cpu->mxcsr |= f.mxcsr & 0x3fu;
    }

    x86_x87_commit(cpu, &old, &f.image, info, ea);
    /* What the stored images say: the guest's control and status words, not the masked ones. */
    if (info & X86_X87_STCW) {
        x86_put16(f.mem, old.fcw);
    }
    if (info & X86_X87_STSW) {
        x86_put16(f.mem, old.fsw);
        f.rax = (f.rax & ~(uint64_t)0xffff) | old.fsw;
    }
    if (info & X86_X87_ENV) {
        if (info & X86_X87_ENV16) {
            x86_put16(f.mem + 0, old.fcw);
            x86_put16(f.mem + 2, old.fsw);
            x86_put16(f.mem + 6, (uint16_t)old.fip);
            x86_put16(f.mem + 8, old.fcs);
            x86_put16(f.mem + 10, (uint16_t)old.fdp);
            x86_put16(f.mem + 12, old.fds);
        } else {
            x86_put16(f.mem + 0, old.fcw);
            x86_put16(f.mem + 4, old.fsw);
            x86_put32(f.mem + 12, old.fip);
            x86_put32(f.mem + 16, (uint32_t)old.fcs | (uint32_t)old.fop << 16);
            x86_put32(f.mem + 20, old.fdp);
            x86_put16(f.mem + 24, old.fds);
        }
    }
    if (size && (info & X86_X87_STORE)) {
        memcpy(scratch, f.mem, size);
    }
    if (info & X86_X87_RAX) {
        return f.rax;
    }
    return f.rflags & X86_ARITH_FLAGS;
}
