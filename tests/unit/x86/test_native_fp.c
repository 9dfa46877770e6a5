/*
 * Differential test of SSE..SSE4.2, the x87 and their control instructions against
 * the host CPU: random sequences run natively (between a harness that loads every
 * GPR, the flags, xmm0-15, MXCSR and the x87 state with frstor, and saves them all
 * again with fnsave) and under mimic (x86t_run: both interpreters and the JIT); all
 * of it must agree bit for bit: GPRs, flags, xmm, MXCSR with its sticky flags, x87
 * control/status/tag words and the eight 80-bit registers, and a 4 KiB memory window.
 *
 * Every SSE and MMX row of sse.def, every SSE move and every x87 opcode form is drawn, with
 * random register numbers (REX in 64-bit mode), memory operands in the window,
 * random imm8, random rounding modes, precision control, FTZ/DAZ and sticky flags,
 * and operands from a pool of specials (zeros, infinities, NaNs, denormals, x87
 * unnormals) mixed with random bits.  Exceptions stay masked (an unmasked one would
 * trap in the native run).  Control-word and environment loads only ever see images
 * the sequence wrote itself, with the instruction/data pointers (host addresses
 * natively) zeroed first.  The i386 runs use the encodings without REX, natively in
 * 64-bit mode, where they mean the same.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "frontend/x86/internal.h"
#include "tests/unit/x86/x86_test.h"

typedef struct FpState {
    uint64_t regs[16];          /* 0 */
    uint64_t flags;             /* 128 */
    uint32_t mxcsr;             /* 136 */
    uint32_t host_mxcsr;        /* 140 */
    uint8_t xmm[16][16];        /* 144 */
    X86FpuState fpu;            /* 400 */
} FpState;
G_STATIC_ASSERT(offsetof(FpState, flags) == 128);
G_STATIC_ASSERT(offsetof(FpState, mxcsr) == 136);
G_STATIC_ASSERT(offsetof(FpState, xmm) == 144);
G_STATIC_ASSERT(offsetof(FpState, fpu) == 400);

/*
 * fp_native(state, code): load the state, call code (which ends in ret and leaves
 * rsp alone), save the state.  rdi is the guest's rdi inside; the state pointer and
 * code address wait on the stack.
 */
void fp_native(FpState *st, void *code);
__asm__(
    ".text\n"
    ".globl fp_native\n"
    ".type fp_native, @function\n"
    "fp_native:\n"
    "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "  push %rdi\n push %rsi\n"
    "  stmxcsr 140(%rdi)\n"
    "  frstor 400(%rdi)\n"
    "  ldmxcsr 136(%rdi)\n"
    "  movdqu 144(%rdi), %xmm0\n movdqu 160(%rdi), %xmm1\n movdqu 176(%rdi), %xmm2\n"
    "  movdqu 192(%rdi), %xmm3\n movdqu 208(%rdi), %xmm4\n movdqu 224(%rdi), %xmm5\n"
    "  movdqu 240(%rdi), %xmm6\n movdqu 256(%rdi), %xmm7\n movdqu 272(%rdi), %xmm8\n"
    "  movdqu 288(%rdi), %xmm9\n movdqu 304(%rdi), %xmm10\n movdqu 320(%rdi), %xmm11\n"
    "  movdqu 336(%rdi), %xmm12\n movdqu 352(%rdi), %xmm13\n movdqu 368(%rdi), %xmm14\n"
    "  movdqu 384(%rdi), %xmm15\n"
    "  pushq 128(%rdi)\n popfq\n"
    "  mov 0(%rdi), %rax\n mov 8(%rdi), %rcx\n mov 16(%rdi), %rdx\n mov 24(%rdi), %rbx\n"
    "  mov 40(%rdi), %rbp\n mov 48(%rdi), %rsi\n mov 64(%rdi), %r8\n mov 72(%rdi), %r9\n"
    "  mov 80(%rdi), %r10\n mov 88(%rdi), %r11\n mov 96(%rdi), %r12\n mov 104(%rdi), %r13\n"
    "  mov 112(%rdi), %r14\n mov 120(%rdi), %r15\n"
    "  mov 56(%rdi), %rdi\n"
    "  call *(%rsp)\n"
    "  push %rdi\n"
    "  mov 16(%rsp), %rdi\n"
    "  popq 56(%rdi)\n"
    "  mov %rax, 0(%rdi)\n mov %rcx, 8(%rdi)\n mov %rdx, 16(%rdi)\n mov %rbx, 24(%rdi)\n"
    "  mov %rbp, 40(%rdi)\n mov %rsi, 48(%rdi)\n mov %r8, 64(%rdi)\n mov %r9, 72(%rdi)\n"
    "  mov %r10, 80(%rdi)\n mov %r11, 88(%rdi)\n mov %r12, 96(%rdi)\n mov %r13, 104(%rdi)\n"
    "  mov %r14, 112(%rdi)\n mov %r15, 120(%rdi)\n"
    "  pushfq\n popq 128(%rdi)\n"
    "  movdqu %xmm0, 144(%rdi)\n movdqu %xmm1, 160(%rdi)\n movdqu %xmm2, 176(%rdi)\n"
    "  movdqu %xmm3, 192(%rdi)\n movdqu %xmm4, 208(%rdi)\n movdqu %xmm5, 224(%rdi)\n"
    "  movdqu %xmm6, 240(%rdi)\n movdqu %xmm7, 256(%rdi)\n movdqu %xmm8, 272(%rdi)\n"
    "  movdqu %xmm9, 288(%rdi)\n movdqu %xmm10, 304(%rdi)\n movdqu %xmm11, 320(%rdi)\n"
    "  movdqu %xmm12, 336(%rdi)\n movdqu %xmm13, 352(%rdi)\n movdqu %xmm14, 368(%rdi)\n"
    "  movdqu %xmm15, 384(%rdi)\n"
    "  stmxcsr 136(%rdi)\n"
    "  fnsave 400(%rdi)\n"
    "  ldmxcsr 140(%rdi)\n"
    "  pop %rsi\n pop %rdi\n"
    "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "  ret\n"
    ".size fp_native, .-fp_native\n");

/* --- The generator --- */

typedef struct FpRow {
    uint8_t map, opcode, prefix;
    int8_t ext;
    uint16_t form;
    bool imm;
} FpRow;

static const FpRow fp_sse_rows[] = {
#define X86_SSE(map_, op_, ext_, pfx_, name_, form_, msize_) \
    { .map = (map_), .opcode = (op_), .prefix = (pfx_), .ext = (ext_), .form = (form_), \
      .imm = (map_) == X86_MAP_0F3A || ((map_) == X86_MAP_0F && (((op_) >= 0x70 && (op_) <= 0x73) || \
                                                                  ((op_) >= 0xc2 && (op_) <= 0xc6))) },
#include "frontend/x86/sse.def"
#undef X86_SSE
};

typedef struct FpGen {
    GRand *r;
    bool mode64;
    uint8_t buf[512];
    unsigned n;
} FpGen;

static void fb(FpGen *g, uint8_t b)
{
    g->buf[g->n++] = b;
}

static unsigned frnd(FpGen *g, unsigned n)
{
    return (unsigned)g_rand_int_range(g->r, 0, (gint32)n);
}

static void f32le(FpGen *g, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++) {
        fb(g, (uint8_t)(v >> (8 * i)));
    }
}

static unsigned fp_xmm(FpGen *g)
{
    return frnd(g, g->mode64 ? 16 : 8);
}

static unsigned fp_gpr(FpGen *g)
{
    unsigned r;

    do {
        r = frnd(g, g->mode64 ? 16 : 8);
    } while (r == X86_RSP);
    return r;
}

/* An address in the window, aligned to align. */
static uint32_t fp_addr(FpGen *g, unsigned align, unsigned size)
{
    return (X86T_WIN + frnd(g, X86T_WIN_SIZE - size - 16)) & ~(align - 1);
}

/* ModRM (+SIB, disp32) for register reg and either register rm or the absolute address a. */
static void fp_modrm(FpGen *g, unsigned reg, int rm, uint32_t a)
{
    if (rm >= 0) {
        fb(g, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
        return;
    }
    fb(g, (uint8_t)(0x04 | (reg & 7) << 3));
    fb(g, 0x25);
    f32le(g, a);
}

/* REX for 64-bit runs: W maybe, R and B from the register numbers (rm < 0: memory). */
static void fp_rex(FpGen *g, unsigned reg, int rm, bool w)
{
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | (rm >= 0 && (rm & 8) ? 1 : 0));

    if (g->mode64 && (rex != 0x40 || frnd(g, 4) == 0)) {
        fb(g, rex);
    }
}

static const uint8_t fp_pfx[] = { 0, 0x66, 0xf3, 0xf2 };

static void fp_gen_sse(FpGen *g)
{
    const FpRow *row;

    do {
        row = &fp_sse_rows[frnd(g, G_N_ELEMENTS(fp_sse_rows))];
    } while (row->map == X86_MAP_0F && row->opcode == 0xf7);       /* maskmovq: fp_gen_mov sets rdi */
    bool mem = (row->form & X86_SSE_MEMONLY) || (!(row->form & X86_SSE_NOMEM) && frnd(g, 3) == 0);
    bool mmx = row->form & X86_SSE_MMX;
    unsigned vec = mmx && !(row->form & X86_SSE_MIX_XREG) ? frnd(g, 8) : fp_xmm(g);
    unsigned vec2 = mmx && !(row->form & X86_SSE_MIX_XRM) ? frnd(g, 8) : fp_xmm(g);
    unsigned reg = row->ext >= 0 ? (unsigned)row->ext : (row->form & X86_SSE_RG) ? fp_gpr(g) : vec;
    int rm = mem ? -1 : (int)((row->form & X86_SSE_MG) ? fp_gpr(g) : vec2);

    if ((row->form & X86_SSE_OPSZ) && frnd(g, 3) == 0) {
        fb(g, 0x66);
    }
    if (row->prefix) {
        fb(g, fp_pfx[row->prefix]);
    }
    fp_rex(g, reg, rm, g->mode64 && frnd(g, 2));
    fb(g, 0x0f);
    if (row->map == X86_MAP_0F38) {
        fb(g, 0x38);
    } else if (row->map == X86_MAP_0F3A) {
        fb(g, 0x3a);
    }
    fb(g, row->opcode);
    fp_modrm(g, reg, rm, fp_addr(g, 16, 16));
    if (row->imm) {
        fb(g, (uint8_t)frnd(g, 256));
    }
}

/* SSE moves: prefix, opcode (0x38xx for 0F 38), which operand kinds. */
typedef struct FpMov {
    uint8_t pfx;
    uint16_t op;
    uint8_t kind;       /* 0: xmm/mem; 1: memory only; 2: rm GPR or memory, reg xmm; 3: reg GPR, memory */
} FpMov;

static const FpMov fp_movs[] = {
    { 0, 0x10, 0 }, { 1, 0x10, 0 }, { 2, 0x10, 0 }, { 3, 0x10, 0 },
    { 0, 0x11, 0 }, { 1, 0x11, 0 }, { 2, 0x11, 0 }, { 3, 0x11, 0 },
    { 0, 0x12, 0 }, { 1, 0x12, 1 }, { 0, 0x13, 1 }, { 1, 0x13, 1 },
    { 0, 0x16, 0 }, { 1, 0x16, 1 }, { 0, 0x17, 1 }, { 1, 0x17, 1 },
    { 0, 0x28, 0 }, { 1, 0x28, 0 }, { 0, 0x29, 0 }, { 1, 0x29, 0 }, { 0, 0x2b, 1 }, { 1, 0x2b, 1 },
    { 1, 0x6f, 0 }, { 2, 0x6f, 0 }, { 1, 0x7f, 0 }, { 2, 0x7f, 0 }, { 1, 0xe7, 1 }, { 3, 0xf0, 1 },
    { 1, 0x382a, 1 }, { 1, 0x6e, 2 }, { 1, 0x7e, 2 }, { 2, 0x7e, 0 }, { 1, 0xd6, 0 }, { 0, 0xc3, 3 },
};

static void fp_gen_mov(FpGen *g)
{
    const FpMov *mv = &fp_movs[frnd(g, G_N_ELEMENTS(fp_movs))];

    if (frnd(g, 12) == 0) {         /* maskmovdqu / maskmovq to [rdi] in the window */
        bool q = frnd(g, 2);
        unsigned reg = q ? frnd(g, 8) : fp_xmm(g), rm = q ? frnd(g, 8) : fp_xmm(g);

        fb(g, 0xbf);
        f32le(g, fp_addr(g, 1, 16));
        if (!q) {
            fb(g, 0x66);
        }
        fp_rex(g, reg, (int)rm, false);
        fb(g, 0x0f);
        fb(g, 0xf7);
        fp_modrm(g, reg, (int)rm, 0);
        return;
    }
    bool mem = mv->kind == 1 || mv->kind == 3 || frnd(g, 3) == 0;
    unsigned reg = mv->kind == 3 ? fp_gpr(g) : fp_xmm(g);
    int rm = mem ? -1 : (int)(mv->kind == 2 ? fp_gpr(g) : fp_xmm(g));

    if (mv->pfx) {
        fb(g, fp_pfx[mv->pfx]);
    }
    fp_rex(g, reg, rm, g->mode64 && frnd(g, 2));
    fb(g, 0x0f);
    if (mv->op > 0xff) {
        fb(g, 0x38);
    }
    fb(g, (uint8_t)mv->op);
    fp_modrm(g, reg, rm, fp_addr(g, 16, 16));
}

/* mov dword [a], imm32 */
static void fp_store_imm32(FpGen *g, uint32_t a, uint32_t v)
{
    fb(g, 0xc7);
    fp_modrm(g, 0, -1, a);
    f32le(g, v);
}

/* Random MXCSR with every exception masked. */
static uint32_t fp_rand_mxcsr(FpGen *g)
{
    return 0x1f80u | (g_rand_int(g->r) & 0xe07fu);
}

/* Random x87 control word with every exception masked (and bit 6, always 1 on hardware). */
static uint16_t fp_rand_fcw(FpGen *g)
{
    return (uint16_t)(0x007fu | (g_rand_int(g->r) & 0x0f00u));
}

static void fp_gen_control(FpGen *g)
{
    uint32_t a = fp_addr(g, 16, 512);

    switch (frnd(g, g->mode64 ? 7 : 5)) {
    case 0:     /* ldmxcsr */
        fp_store_imm32(g, a, fp_rand_mxcsr(g));
        fb(g, 0x0f); fb(g, 0xae); fp_modrm(g, 2, -1, a);
        break;
    case 1:     /* stmxcsr */
        fb(g, 0x0f); fb(g, 0xae); fp_modrm(g, 3, -1, a);
        break;
    case 2:     /* fldcw, fnstcw */
        fp_store_imm32(g, a, fp_rand_fcw(g));
        fb(g, 0xd9); fp_modrm(g, 5, -1, a);
        fb(g, 0xd9); fp_modrm(g, 7, -1, a + 8);
        break;
    case 3:     /* fnstenv / fldenv, fnsave / frstor, 32- or 16-bit format (pointers zeroed in between) */
    {
        bool save = frnd(g, 2), e16 = frnd(g, 4) == 0;

        if (e16) {
            fb(g, 0x66);
        }
        fb(g, save ? 0xdd : 0xd9); fp_modrm(g, 6, -1, a);
        for (unsigned off = e16 ? 6 : 12; off < (e16 ? 14u : 28u); off += 4) {
            fp_store_imm32(g, a + off, 0);
        }
        if (frnd(g, 4)) {
            if (e16) {
                fb(g, 0x66);
            }
            fb(g, save ? 0xdd : 0xd9); fp_modrm(g, 4, -1, a);
        }
        break;
    }
    case 4:     /* fnstsw m16, fnstsw ax, fwait, fnclex, emms, fninit */
    {
        static const uint8_t ops[][2] = { { 0xdf, 0xe0 }, { 0x9b, 0x90 }, { 0xdb, 0xe2 }, { 0x0f, 0x77 },
                                          { 0xdb, 0xe3 } };
        unsigned k = frnd(g, G_N_ELEMENTS(ops) + 1);

        if (k == G_N_ELEMENTS(ops)) {
            fb(g, 0xdd); fp_modrm(g, 7, -1, a);
        } else {
            fb(g, ops[k][0]);
            fb(g, ops[k][1]);
        }
        break;
    }
    case 5:     /* lock cmpxchg16b, with rdx:rax loaded from the operand half the time (64-bit) */
        if (frnd(g, 2)) {
            fb(g, 0x48); fb(g, 0x8b); fp_modrm(g, 0, -1, a);
            fb(g, 0x48); fb(g, 0x8b); fp_modrm(g, 2, -1, a + 8);
        }
        fb(g, 0xf0); fb(g, 0x48); fb(g, 0x0f); fb(g, 0xc7); fp_modrm(g, 1, -1, a);
        break;
    default:    /* fxsave / fxrstor (64-bit: the native image has xmm8-15) */
        if (frnd(g, 2)) {
            fb(g, 0x48);
        }
        fb(g, 0x0f); fb(g, 0xae); fp_modrm(g, 0, -1, a);
        for (unsigned off = 8; off < 24; off += 4) {
            fp_store_imm32(g, a + off, 0);
        }
        fp_store_imm32(g, a + 24, fp_rand_mxcsr(g));
        if (frnd(g, 4)) {
            fb(g, 0x0f); fb(g, 0xae); fp_modrm(g, 1, -1, a);
        }
        break;
    }
}

/* x87 register forms that exist (SDM Vol. 2 tables A-8 .. A-22), as ModRM - 0xC0 ranges. */
static bool fp_x87_reg_ok(unsigned op, unsigned m)
{
    unsigned hi = m >> 3;

    switch (op) {
    case 0xd8: return true;
    case 0xd9: return hi <= 1 || m == 0x10 || m == 0x20 || m == 0x21 || m == 0x24 || m == 0x25 ||
                      (m >= 0x28 && m <= 0x2e) || m >= 0x30;
    case 0xda: return hi <= 3 || m == 0x29;
    case 0xdb: return hi <= 3 || m == 0x22 || hi == 5 || hi == 6;
    case 0xdc: return hi <= 1 || hi >= 4;
    case 0xdd: return hi == 0 || hi == 2 || hi == 3 || hi == 4 || hi == 5;
    case 0xde: return hi <= 1 || m == 0x19 || hi >= 4;
    case 0xdf: return hi == 5 || hi == 6;
    default: return false;
    }
}

static void fp_gen_x87(FpGen *g)
{
    unsigned op = 0xd8 + frnd(g, 8);

    if (frnd(g, 3)) {
        unsigned m;

        do {
            m = frnd(g, 64);
        } while (!fp_x87_reg_ok(op, m));
        fb(g, (uint8_t)op);
        fb(g, (uint8_t)(0xc0 + m));
        return;
    }
    for (;;) {
        unsigned r = frnd(g, 8);

        /* No control/environment loads and stores here (fp_gen_control), nor invalid forms. */
        if ((op == 0xd9 && r != 0 && r != 2 && r != 3) || (op == 0xdb && (r == 4 || r == 6)) ||
            (op == 0xdd && r >= 4)) {
            continue;
        }
        fb(g, (uint8_t)op);
        fp_modrm(g, r, -1, fp_addr(g, 1, 16));
        return;
    }
}

static void fp_gen_sequence(FpGen *g, unsigned count, unsigned mix)
{
    g->n = 0;
    for (unsigned i = 0; i < count; i++) {
        unsigned k = frnd(g, 10);

        if (mix == 3) {
            fp_gen_x87(g);      /* runs of x87 instructions only */
        } else if (mix == 1 || (mix == 0 && k < 5)) {
            fp_gen_sse(g);
        } else if (mix == 0 && k < 7) {
            fp_gen_mov(g);
        } else if (k < 8) {
            fp_gen_control(g);
        } else {
            fp_gen_x87(g);
        }
    }
}

/* --- Operand values --- */

static uint64_t fp_rand64(FpGen *g)
{
    return (uint64_t)g_rand_int(g->r) << 32 | g_rand_int(g->r);
}

static uint32_t fp_special32(FpGen *g)
{
    static const uint32_t v[] = { 0, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u, 0xff800000u,
                                  0x7fc00000u, 0xffc00000u, 0x7f800001u, 0x00000001u, 0x807fffffu, 0x4b000000u,
                                  0x7f7fffffu, 0x3effffffu, 0x4f000000u, 0xcf000000u, 0x00800000u };

    return frnd(g, 3) ? v[frnd(g, G_N_ELEMENTS(v))] : g_rand_int(g->r);
}

static uint64_t fp_special64(FpGen *g)
{
    static const uint64_t v[] = { 0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0x7ff0000000000000ull,
                                  0xfff8000000000000ull, 0x7ff0000000000001ull, 1, 0x800fffffffffffffull,
                                  0x43e0000000000000ull, 0xc3e0000000000000ull, 0x3fdfffffffffffffull,
                                  0x41dfffffffc00000ull, 0x0010000000000000ull };

    return frnd(g, 3) ? v[frnd(g, G_N_ELEMENTS(v))] : fp_rand64(g);
}

static void fp_rand_xmm(FpGen *g, uint8_t *x)
{
    switch (frnd(g, 4)) {
    case 0:
        for (unsigned i = 0; i < 4; i++) {
            uint32_t v = fp_special32(g);

            memcpy(x + 4 * i, &v, 4);
        }
        break;
    case 1:
        for (unsigned i = 0; i < 2; i++) {
            uint64_t v = fp_special64(g);

            memcpy(x + 8 * i, &v, 8);
        }
        break;
    case 2:     /* small integers: saturations, shifts, string compares */
        for (unsigned i = 0; i < 16; i++) {
            x[i] = (uint8_t)(frnd(g, 4) ? 'a' + frnd(g, 4) : frnd(g, 256));
        }
        break;
    default:
        for (unsigned i = 0; i < 16; i++) {
            x[i] = (uint8_t)g_rand_int(g->r);
        }
        break;
    }
}

static void fp_rand_st(FpGen *g, uint8_t *r)
{
    uint64_t m = fp_rand64(g);
    uint16_t e;

    switch (frnd(g, 6)) {
    case 0:     /* zero, infinity, NaN */
        e = frnd(g, 2) ? 0x7fff : 0;
        m = frnd(g, 2) ? 0 : e ? (0x8000000000000000ull | (frnd(g, 2) ? 1ull << 62 : 1)) : 0;
        if (e && frnd(g, 2)) {
            m = 0x8000000000000000ull;
        }
        break;
    case 1:     /* denormal or pseudo-denormal, unnormal */
        e = frnd(g, 2) ? 0 : (uint16_t)(1 + frnd(g, 0x7ffe));
        m &= ~(1ull << 63);
        if (e == 0 && frnd(g, 2)) {
            m |= 1ull << 63;
        }
        break;
    case 2:     /* near 1, small integers */
        e = (uint16_t)(0x3fff + frnd(g, 64) - 8);
        m |= 1ull << 63;
        break;
    default:
        e = (uint16_t)(0x3fff + frnd(g, 400) - 200);
        m |= 1ull << 63;
        break;
    }
    e |= frnd(g, 2) ? 0x8000 : 0;
    memcpy(r, &m, 8);
    memcpy(r + 8, &e, 2);
}

/* A normalized x87 image: the host's frstor + fnsave of a random one. */
static void fp_rand_fpu(FpGen *g, X86FpuState *s)
{
    memset(s, 0, sizeof(*s));
    s->fcw = fp_rand_fcw(g);
    s->fsw = (uint16_t)((g_rand_int(g->r) & 0x473f) & ~0x80u);
    s->ftw = 0;
    for (unsigned i = 0; i < 8; i++) {
        s->ftw |= (uint16_t)((frnd(g, 3) == 0 ? 3u : 0u) << (2 * i));
        fp_rand_st(g, s->st[i]);
    }
    __asm__ volatile("frstor %0\n\tfnsave %0" : "+m"(*s));
    s->fip = s->fdp = 0;
    s->fcs = s->fds = s->fop = 0;
}

/*
 * A stack as compiled code leaves it: the registers from TOP down to some depth valid,
 * the rest empty (runs mimic loads with fld tbyte and stores with fstp tbyte then).
 */
static void fp_stack_fpu(FpGen *g, X86FpuState *s)
{
    unsigned top = (s->fsw >> 11) & 7, depth = frnd(g, 9);

    s->ftw = 0;
    for (unsigned p = depth; p < 8; p++) {
        s->ftw |= (uint16_t)(3u << (2 * ((top + p) & 7)));
    }
    __asm__ volatile("frstor %0\n\tfnsave %0" : "+m"(*s));
    s->fip = s->fdp = 0;
    s->fcs = s->fds = s->fop = 0;
}

/* --- The test --- */

static uint8_t *fp_code, *fp_win;

static void fp_differential(bool mode64, unsigned seed, unsigned rounds, unsigned mix)
{
    FpGen g = { .r = g_rand_new_with_seed(seed), .mode64 = mode64 };
    static uint8_t win_before[X86T_WIN_SIZE];
    const char *more = g_getenv("X86T_NATIVE_ROUNDS");

    if (more) {
        rounds = (unsigned)g_ascii_strtoull(more, NULL, 10);
    }
    fp_code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(fp_code != MAP_FAILED);
    fp_win = mmap((void *)(uintptr_t)X86T_WIN, X86T_WIN_SIZE, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    ck_assert_msg(fp_win == (uint8_t *)(uintptr_t)X86T_WIN, "cannot map the window at 0x%x", X86T_WIN);

    for (unsigned round = 0; round < rounds; round++) {
        FpState st, init;
        X86tMachine m;
        char hex[1100] = "";

        fp_gen_sequence(&g, 1 + frnd(&g, 6), mix);
        memset(&st, 0, sizeof(st));
        for (unsigned r = 0; r < 16; r++) {
            uint64_t v = fp_rand64(&g);

            if (frnd(&g, 3) == 0) {
                v = frnd(&g, 40);
            }
            st.regs[r] = mode64 ? v : (uint32_t)v;
        }
        st.flags = 0x202 | (g_rand_int(g.r) & X86_ARITH_FLAGS);
        st.mxcsr = fp_rand_mxcsr(&g);
        for (unsigned i = 0; i < 16; i++) {
            fp_rand_xmm(&g, st.xmm[i]);
            if (!mode64 && i >= 8) {
                memset(st.xmm[i], 0, 16);
            }
        }
        fp_rand_fpu(&g, &st.fpu);
        if (mix == 3) {
            fp_stack_fpu(&g, &st.fpu);
        }
        init = st;
        for (unsigned i = 0; i < X86T_WIN_SIZE; i += 8) {
            uint64_t v = frnd(&g, 2) ? fp_special64(&g) : fp_rand64(&g);

            memcpy(fp_win + i, &v, 8);
        }
        memcpy(win_before, fp_win, X86T_WIN_SIZE);
        for (unsigned i = 0; i < g.n && 2 * i + 2 < sizeof(hex); i++) {
            g_snprintf(hex + 2 * i, 3, "%02x", g.buf[i]);
        }
        if (g_getenv("X86T_VERBOSE")) {
            fprintf(stderr, "%s\n", hex);
        }

        memcpy(fp_code, g.buf, g.n);
        fp_code[g.n] = 0xc3;
        __builtin___clear_cache((char *)fp_code, (char *)fp_code + g.n + 1);
        fp_native(&st, fp_code);

        x86t_init(&m, mode64);
        m.max_insns = round & 1;
        memcpy(m.cpu->regs, init.regs, sizeof(init.regs));
        m.cpu->regs[X86_RSP] = X86T_STACK;
        x86_set_eflags(m.cpu, init.flags);
        m.cpu->mxcsr = init.mxcsr;
        memcpy(m.cpu->xmm, init.xmm, sizeof(init.xmm));
        m.cpu->fpu = init.fpu;
        memcpy(m.mem + X86T_WIN, win_before, X86T_WIN_SIZE);
        g.buf[g.n] = 0xcc;
        ck_assert_int_eq(x86t_exec(&m, g.buf, g.n + 1), GUEST_EXIT_BREAKPOINT);

        for (unsigned r = 0; r < 16; r++) {
            if (r != X86_RSP) {
                ck_assert_msg(m.cpu->regs[r] == st.regs[r], "round %u (%s): r%u mimic 0x%lx native 0x%lx", round,
                              hex, r, (unsigned long)m.cpu->regs[r], (unsigned long)st.regs[r]);
            }
        }
        ck_assert_msg(x86t_flags(&m) == (st.flags & X86_ARITH_FLAGS), "round %u (%s): flags mimic 0x%x native 0x%x",
                      round, hex, x86t_flags(&m), (unsigned)(st.flags & X86_ARITH_FLAGS));
        for (unsigned i = 0; i < (mode64 ? 16u : 8u); i++) {
            ck_assert_msg(memcmp(m.cpu->xmm[i], st.xmm[i], 16) == 0, "round %u (%s): xmm%u differs", round, hex, i);
        }
        ck_assert_msg(m.cpu->mxcsr == st.mxcsr, "round %u (%s): mxcsr mimic 0x%x native 0x%x", round, hex,
                      m.cpu->mxcsr, st.mxcsr);
        ck_assert_msg(m.cpu->fpu.fcw == st.fpu.fcw, "round %u (%s): fcw mimic 0x%x native 0x%x", round, hex,
                      m.cpu->fpu.fcw, st.fpu.fcw);
        ck_assert_msg(m.cpu->fpu.fsw == st.fpu.fsw, "round %u (%s): fsw mimic 0x%x native 0x%x", round, hex,
                      m.cpu->fpu.fsw, st.fpu.fsw);
        ck_assert_msg(m.cpu->fpu.ftw == st.fpu.ftw, "round %u (%s): ftw mimic 0x%x native 0x%x", round, hex,
                      m.cpu->fpu.ftw, st.fpu.ftw);
        for (unsigned i = 0; i < 8; i++) {
            ck_assert_msg(memcmp(m.cpu->fpu.st[i], st.fpu.st[i], 10) == 0, "round %u (%s): st%u differs", round,
                          hex, i);
        }
        for (unsigned i = 0; i < X86T_WIN_SIZE; i++) {
            ck_assert_msg(m.mem[X86T_WIN + i] == fp_win[i], "round %u (%s): memory at 0x%x mimic 0x%x native 0x%x",
                          round, hex, X86T_WIN + i, m.mem[X86T_WIN + i], fp_win[i]);
        }
        x86t_fini(&m);
    }
    munmap(fp_code, 4096);
    munmap(fp_win, X86T_WIN_SIZE);
    g_rand_free(g.r);
}

START_TEST(test_sse_64)
{
    fp_differential(true, 777, 500, 0);
}
END_TEST

START_TEST(test_sse_32)
{
    fp_differential(false, 778, 300, 0);
}
END_TEST

START_TEST(test_sse_rows_64)
{
    fp_differential(true, 779, 600, 1);
}
END_TEST

START_TEST(test_x87_64)
{
    fp_differential(true, 780, 500, 2);
}
END_TEST

START_TEST(test_x87_32)
{
    fp_differential(false, 781, 300, 2);
}
END_TEST

START_TEST(test_x87_runs_64)
{
    fp_differential(true, 782, 600, 3);
}
END_TEST

START_TEST(test_x87_runs_32)
{
    fp_differential(false, 783, 400, 3);
}
END_TEST

Suite *x86_native_fp_suite(void)
{
    Suite *s = suite_create("x86_native_fp");
    TCase *tc = tcase_create("differential");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_sse_64);
    tcase_add_test(tc, test_sse_32);
    tcase_add_test(tc, test_sse_rows_64);
    tcase_add_test(tc, test_x87_64);
    tcase_add_test(tc, test_x87_32);
    tcase_add_test(tc, test_x87_runs_64);
    tcase_add_test(tc, test_x87_runs_32);
    suite_add_tcase(s, tc);
    return s;
}
