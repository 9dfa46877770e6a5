/*
 * FXSAVE/FXRSTOR (Intel SDM Vol. 1 10.5.1, table 10-2 and 10-3; Vol. 2 FXSAVE): the
 * 512-byte image built from and loaded into the guest state in C -- the x87 part
 * converted from and to the FNSAVE image X86Cpu.fpu (abridged tag word), MXCSR and
 * the xmm registers (xmm0-7 outside 64-bit mode).  The image goes through
 * X86Cpu.fpu_scratch; the lifter copies it with IR loads and stores.
 */
#include <string.h>

#include "frontend/x86/internal.h"

/*
 * The MXCSR bits the host accepts (its own fxsave image says, SDM Vol. 1 11.6.6);
 * the guest gets the same, since its SSE runs on the host.
 */
uint32_t x86_mxcsr_mask(void)
{
    static uint32_t mask;

    if (!mask) {
        uint8_t img[512] __attribute__((aligned(16)));
        uint32_t m;

        memset(img, 0, sizeof(img));
        __asm__ volatile("fxsave %0" : "=m"(img));
        memcpy(&m, img + 28, 4);
        __atomic_store_n(&mask, m ? m : 0xffbfu, __ATOMIC_RELAXED);
    }
    return mask;
}

/* Bytes of the image the instruction reads or writes: up to the last xmm register. */
static unsigned x86_fx_size(bool mode64)
{
    return mode64 ? 160 + 16 * 16 : 160 + 8 * 16;
}

static bool x86_fx_common(X86Disas *ctx, const X86Insn *in, bool save)
{
    IrTemp args[2];
    unsigned size = x86_fx_size(ctx->mode64);

    if (in->p66 || in->rep || in->repne) {
        return false;
    }
    x86_cc_flush(ctx);
    args[0] = x86_const(ctx, (in->rex & 8) ? 1 : 0);
    args[1] = x86_gen_ea(ctx);
    if (!save) {
        x86_x87_copy(ctx, size, false);
    }
    ir_call(ctx->blk, save ? &ir_helper_x86_fxsave : &ir_helper_x86_fxrstor, 2, args);
    if (save) {
        x86_x87_copy(ctx, size, true);
    }
    return true;
}

bool x86_trans_fxsave(X86Disas *ctx, const X86Insn *in)
{
    return x86_fx_common(ctx, in, true);
}

bool x86_trans_fxrstor(X86Disas *ctx, const X86Insn *in)
{
    return x86_fx_common(ctx, in, false);
}

/* The full tag of one register from its contents (SDM Vol. 1 8.1.7): valid, zero or special. */
unsigned x86_fpu_tag_of(const uint8_t *r)
{
    uint64_t mant;
    uint16_t exp;

    memcpy(&mant, r, 8);
    memcpy(&exp, r + 8, 2);
    exp &= 0x7fff;
    if (exp == 0x7fff) {
        return 2;
    }
    if (exp == 0) {
        return mant == 0 ? 1 : 2;
    }
    return (mant >> 63) ? 0 : 2;
}

void x86_fxsave_image(const X86Cpu *cpu, uint8_t *b, bool rexw)
{
    const X86FpuState *s = &cpu->fpu;
    uint8_t abridged = 0;
    uint32_t mask = x86_mxcsr_mask();

    memset(b, 0, 512);
    for (unsigned i = 0; i < 8; i++) {
        if (((s->ftw >> (2 * i)) & 3) != 3) {
            abridged |= (uint8_t)(1u << i);
        }
    }
    memcpy(b + 0, &s->fcw, 2);
    memcpy(b + 2, &s->fsw, 2);
    b[4] = abridged;
    memcpy(b + 6, &s->fop, 2);
    memcpy(b + 8, &s->fip, 4);
    memcpy(b + 16, &s->fdp, 4);
    if (!rexw) {
        memcpy(b + 12, &s->fcs, 2);
        memcpy(b + 20, &s->fds, 2);
    }
    memcpy(b + 24, &cpu->mxcsr, 4);
    memcpy(b + 28, &mask, 4);
    for (unsigned i = 0; i < 8; i++) {
        memcpy(b + 32 + 16 * i, s->st[i], 10);
    }
    memcpy(b + 160, cpu->xmm, (x86_fx_size(cpu->mode == 64) - 160));
}

bool x86_fxrstor_image(X86Cpu *cpu, const uint8_t *b, bool rexw)
{
    X86FpuState *s = &cpu->fpu;
    uint32_t mxcsr;
    unsigned top;

    memcpy(&mxcsr, b + 24, 4);
    if (mxcsr & ~x86_mxcsr_mask()) {
        return false;
    }
    memcpy(&s->fcw, b + 0, 2);
    memcpy(&s->fsw, b + 2, 2);
    memcpy(&s->fop, b + 6, 2);
    s->fop &= 0x7ff;
    memcpy(&s->fip, b + 8, 4);
    memcpy(&s->fdp, b + 16, 4);
    s->fcs = 0;
    s->fds = 0;
    if (!rexw) {
        memcpy(&s->fcs, b + 12, 2);
        memcpy(&s->fds, b + 20, 2);
    }
    for (unsigned i = 0; i < 8; i++) {
        memcpy(s->st[i], b + 32 + 16 * i, 10);
    }
    /* Abridged tags are by physical register; ST(i) is physical (TOP + i) mod 8. */
    top = (s->fsw >> 11) & 7;
    s->ftw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned tag = 3;

        if ((b[4] >> p) & 1) {
            tag = x86_fpu_tag_of(s->st[(p - top) & 7]);
        }
        s->ftw |= (uint16_t)(tag << (2 * p));
    }
    s->fsw &= (uint16_t)~0x8080u;
    if (s->fsw & ~s->fcw & 0x3f) {
        s->fsw |= 0x8080;
    }
    cpu->mxcsr = mxcsr;
    memcpy(cpu->xmm, b + 160, (x86_fx_size(cpu->mode == 64) - 160));
    return true;
}

void helper_x86_fxsave(void *opaque, uint64_t rexw, uint64_t ea)
{
    X86Cpu *cpu = opaque;

    if (ea & 15) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_EXCEPTION, 13, 0);
    }
    x86_mxcsr_gather(cpu);
    x86_fxsave_image(cpu, (uint8_t *)cpu->fpu_scratch, rexw);
}

void helper_x86_fxrstor(void *opaque, uint64_t rexw, uint64_t ea)
{
    X86Cpu *cpu = opaque;

    if ((ea & 15) || !x86_fxrstor_image(cpu, (const uint8_t *)cpu->fpu_scratch, rexw)) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_EXCEPTION, 13, 0);
    }
    x86_mxcsr_drop_host();      /* the image's flags replace the pending ones */
    x86_x87_drop_host();        /* and the host's x87 ones may not be the image's (x86_x87_spec_plan) */
}
