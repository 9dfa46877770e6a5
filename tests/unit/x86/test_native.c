/*
 * Differential test against the host CPU: short random sequences of register-only
 * integer instructions run natively (in an mmap'd buffer, between a prologue that
 * loads every register and the flags and an epilogue that saves them with pushf)
 * and under mimic; every GPR and the six arithmetic flags must agree bit for bit.
 *
 * Instructions whose flags the SDM leaves partly undefined (shifts and rotates by
 * more than 1, mul, bsf, bt...) are followed by an instruction that defines all six
 * (adc/sbb when CF is defined, so CF still reaches a register; otherwise cmp).
 * Memory operands are absolute addresses in a 4 KiB window mapped at the same
 * address natively and in the guest (X86T_WIN), compared byte for byte afterwards;
 * LOCK forms and string instructions (rep, DF set) work there too.
 * The i386 runs use only encodings that mean the same in both modes with 32-bit or
 * smaller operands (no REX, no inc/dec 40-4F, no movsxd, no RIP-relative lea), run
 * natively in 64-bit mode and under mimic's i386 frontend.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/unit/x86/x86_test.h"

typedef struct X86tNativeState {
    uint64_t regs[16];
    uint64_t flags;
} X86tNativeState;

#define X86T_DEF_ALL 0      /* every arithmetic flag defined */
#define X86T_DEF_CF  1      /* CF defined, some others not */
#define X86T_DEF_NONE 2     /* CF undefined too */

typedef struct X86tGen {
    GRand *r;
    bool mode64;
    bool mem;           /* memory operands allowed this round (the window is mapped natively) */
    bool mem_ok;        /* ... and for this instruction */
    bool force_mem;     /* this instruction's r/m must be memory (LOCK) */
    uint8_t buf[256];
    unsigned n;
} X86tGen;

static void gen_b(X86tGen *g, uint8_t b)
{
    g->buf[g->n++] = b;
}

static unsigned gen_rnd(X86tGen *g, unsigned n)
{
    return g_rand_int_range(g->r, 0, (gint32)n);
}

/* A register number other than rsp (and other than 4 as a byte register with REX: spl). */
static unsigned gen_reg(X86tGen *g)
{
    unsigned r;

    do {
        r = gen_rnd(g, g->mode64 ? 16 : 8);
    } while (r == 4);
    return r;
}

/*
 * Operand size prefix / REX for a random size; returns the size.  rex_r/rex_b are the
 * high bits of the ModRM reg and rm registers.  Byte ops never use REX in i386 runs.
 */
static unsigned gen_prefix(X86tGen *g, bool byte_op, unsigned reg, unsigned rm, bool allow16)
{
    unsigned size = byte_op ? 1 : 4;
    uint8_t rex = 0;

    if (!byte_op) {
        unsigned k = gen_rnd(g, g->mode64 ? 3 : 2);

        if (k == 1 && allow16) {
            size = 2;
            gen_b(g, 0x66);
        } else if (k == 2) {
            size = 8;
            rex |= 0x48;
        }
    }
    if (reg & 8) {
        rex |= 0x44;
    }
    if (rm & 8) {
        rex |= 0x41;
    }
    if (g->mode64 && byte_op && gen_rnd(g, 2)) {
        rex |= 0x40;        /* byte registers 4-7 are then spl..dil, 4 avoided by gen_reg */
    }
    if (rex) {
        gen_b(g, rex);
    }
    return size;
}

/* The prefixes of operand size size (2, 4, 8) for an instruction whose ModRM.rm is rm. */
static void gen_prefix_same(X86tGen *g, unsigned size, unsigned rm)
{
    uint8_t rex = (uint8_t)((size == 8 ? 0x48 : 0) | ((rm & 8) ? 0x41 : 0));

    if (size == 2) {
        gen_b(g, 0x66);
    }
    if (rex) {
        gen_b(g, rex);
    }
}

static void gen_modrm_reg(X86tGen *g, unsigned reg, unsigned rm)
{
    gen_b(g, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* A byte-register operand without REX may be AH..BH (4..7); never spl (4 with REX). */
static unsigned gen_reg_byte(X86tGen *g, bool *need_no_rex)
{
    unsigned r = gen_rnd(g, 8);

    *need_no_rex = r >= 4;
    return r;
}

static void gen_imm32(X86tGen *g, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++) {
        gen_b(g, (uint8_t)(v >> (8 * i)));
    }
}

static void gen_imm(X86tGen *g, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        gen_b(g, (uint8_t)gen_rnd(g, 256));
    }
}

/* The r/m operand: a register, or (sometimes, when allowed) an absolute address in the window. */
static void gen_rm(X86tGen *g, unsigned reg, unsigned rm)
{
    if (g->force_mem || (g->mem && g->mem_ok && gen_rnd(g, 3) == 0)) {
        uint32_t a = X86T_WIN + gen_rnd(g, X86T_WIN_SIZE - 8);

        gen_b(g, (uint8_t)(0x04 | (reg & 7) << 3));     /* mod 0, SIB: no base, no index, disp32 */
        gen_b(g, 0x25);
        for (unsigned i = 0; i < 4; i++) {
            gen_b(g, (uint8_t)(a >> (8 * i)));
        }
        return;
    }
    gen_modrm_reg(g, reg, rm);
}

/* op r/m, r with ModRM mod=3 (byte forms use AL..BH without REX). */
static int gen_rr(X86tGen *g, const uint8_t *op, unsigned oplen, bool byte_op, bool allow16, int def)
{
    if (byte_op) {
        bool a, b;
        unsigned reg = gen_reg_byte(g, &a), rm = gen_reg_byte(g, &b);

        for (unsigned i = 0; i < oplen; i++) {
            gen_b(g, op[i]);
        }
        gen_rm(g, reg, rm);
        return def;
    }
    {
        unsigned reg = gen_reg(g), rm = gen_reg(g);

        gen_prefix(g, false, reg, rm, allow16);
        for (unsigned i = 0; i < oplen; i++) {
            gen_b(g, op[i]);
        }
        gen_rm(g, reg, rm);
    }
    return def;
}

/* Group op with /ext on a register, followed by imm bytes (0, 1 or by size). */
static int gen_grp(X86tGen *g, uint8_t op, unsigned ext, bool byte_op, int immkind, bool allow16, int def)
{
    unsigned rm, size;

    if (byte_op) {
        bool nr;

        rm = gen_reg_byte(g, &nr);
        size = 1;
    } else {
        rm = gen_reg(g);
        size = gen_prefix(g, false, 0, rm, allow16);
    }
    if (op == 0x0f) {
        gen_b(g, 0x0f);
        op = 0xba;
    }
    gen_b(g, op);
    gen_rm(g, ext, rm);
    if (immkind == 1) {
        gen_imm(g, 1);
    } else if (immkind == 2) {
        gen_imm(g, size == 1 ? 1 : size == 2 ? 2 : 4);
    }
    return def;
}

/* One random instruction; returns how defined its flags are. */
static int gen_insn(X86tGen *g)
{
    static const uint8_t alu_ops[] = { 0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38 };
    unsigned k = gen_rnd(g, g->mem ? 30 : 27);
    bool byte_op = gen_rnd(g, 3) == 0;
    uint8_t op[3];

    g->mem_ok = k != 13;        /* bt r/m, reg: a register offset may address far outside */
    g->force_mem = false;

    switch (k) {
    case 0: case 1: case 2: {
        uint8_t base = alu_ops[gen_rnd(g, 8)];
        op[0] = (uint8_t)(base + (byte_op ? 0 : 1) + 2 * gen_rnd(g, 2));
        /* AND/OR/XOR leave AF undefined. */
        return gen_rr(g, op, 1, byte_op, true, (base == 0x08 || base == 0x20 || base == 0x30) ? X86T_DEF_CF : 0);
    }
    case 3: {
        unsigned ext = gen_rnd(g, 8);
        int def = (ext == 1 || ext == 4 || ext == 6) ? X86T_DEF_CF : 0;

        if (byte_op) {
            return gen_grp(g, 0x80, ext, true, 1, true, def);
        }
        if (gen_rnd(g, 2)) {
            return gen_grp(g, 0x83, ext, false, 1, true, def);
        }
        return gen_grp(g, 0x81, ext, false, 2, true, def);
    }
    case 4:     /* test, not, neg */
        if (gen_rnd(g, 2)) {
            op[0] = byte_op ? 0x84 : 0x85;
            return gen_rr(g, op, 1, byte_op, true, X86T_DEF_CF);
        }
        return gen_grp(g, byte_op ? 0xf6 : 0xf7, 2 + gen_rnd(g, 2), byte_op, 0, true, 0);
    case 5:     /* inc, dec */
        return gen_grp(g, byte_op ? 0xfe : 0xff, gen_rnd(g, 2), byte_op, 0, true, 0);
    case 6:     /* mov */
        op[0] = (uint8_t)((byte_op ? 0x88 : 0x89) + 2 * gen_rnd(g, 2));
        return gen_rr(g, op, 1, byte_op, true, 0);
    case 7: {   /* movzx / movsx */
        op[0] = 0x0f;
        op[1] = (uint8_t)(0xb6 + gen_rnd(g, 2) + 8 * gen_rnd(g, 2));
        if (op[1] & 1) {
            return gen_rr(g, op, 2, false, false, 0);
        }
        {
            static const uint8_t rms[] = { 0, 1, 2, 3, 5, 6, 7 };    /* never 4: spl under REX */
            unsigned reg = gen_reg(g), rm = rms[gen_rnd(g, G_N_ELEMENTS(rms))];

            gen_prefix(g, false, reg, 0, true);
            gen_b(g, op[0]);
            gen_b(g, op[1]);
            gen_modrm_reg(g, reg, rm);
            return 0;
        }
    }
    case 8:     /* shifts and rotates by 1, cl, imm */
    {
        unsigned ext = gen_rnd(g, 8), form = gen_rnd(g, 3);
        uint8_t o = form == 0 ? 0xd0 : form == 1 ? 0xd2 : 0xc0;
        int def = X86T_DEF_CF;

        if (ext == 6) {
            ext = 4;
        }
        if (form == 1) {
            /*
             * Keep CL small enough that CF is defined for every size (below 8) for
             * shifts; rotates define CF for any count.
             */
            gen_b(g, 0xb1);
            gen_b(g, (uint8_t)gen_rnd(g, ext < 4 ? 256 : 8));
        }
        gen_grp(g, (uint8_t)(o + (byte_op ? 0 : 1)), ext, byte_op, 0, true, def);
        if (form == 2) {
            gen_b(g, (uint8_t)gen_rnd(g, ext < 4 ? 256 : 8));
        }
        return def;
    }
    case 9:     /* imul r, r/m; imul r, r/m, imm */
        if (gen_rnd(g, 2)) {
            op[0] = 0x0f;
            op[1] = 0xaf;
            return gen_rr(g, op, 2, false, true, X86T_DEF_CF);
        }
        op[0] = 0x6b;
        gen_rr(g, op, 1, false, true, X86T_DEF_CF);
        gen_imm(g, 1);
        return X86T_DEF_CF;
    case 10:    /* mul, imul one operand */
        return gen_grp(g, byte_op ? 0xf6 : 0xf7, 4 + gen_rnd(g, 2), byte_op, 0, true, X86T_DEF_CF);
    case 11:    /* cmov */
        op[0] = 0x0f;
        op[1] = (uint8_t)(0x40 + gen_rnd(g, 16));
        return gen_rr(g, op, 2, false, true, 0);
    case 12: {  /* setcc */
        bool nr;
        unsigned rm = gen_reg_byte(g, &nr);

        gen_b(g, 0x0f);
        gen_b(g, (uint8_t)(0x90 + gen_rnd(g, 16)));
        gen_rm(g, 0, rm);
        return 0;
    }
    case 13:    /* bt/bts/btr/btc reg, reg */
        op[0] = 0x0f;
        op[1] = (uint8_t)(0xa3 + 8 * gen_rnd(g, 4));
        return gen_rr(g, op, 2, false, false, X86T_DEF_CF);
    case 14:    /* bt* reg, imm */
        return gen_grp(g, 0x0f, 4 + gen_rnd(g, 4), false, 1, false, X86T_DEF_CF);
    case 15:    /* xchg, xadd, cmpxchg */
        switch (gen_rnd(g, 3)) {
        case 0:
            op[0] = byte_op ? 0x86 : 0x87;
            return gen_rr(g, op, 1, byte_op, true, 0);
        case 1:
            op[0] = 0x0f;
            op[1] = byte_op ? 0xc0 : 0xc1;
            return gen_rr(g, op, 2, byte_op, true, 0);
        default:
            op[0] = 0x0f;
            op[1] = byte_op ? 0xb0 : 0xb1;
            return gen_rr(g, op, 2, byte_op, true, 0);
        }
    case 16:    /* cbw family, cwd family */
        gen_prefix(g, false, 0, 0, true);
        gen_b(g, (uint8_t)(0x98 + gen_rnd(g, 2)));
        return 0;
    case 17:    /* clc stc cmc, lahf, sahf */
    {
        static const uint8_t ops[] = { 0xf8, 0xf9, 0xf5, 0x9f, 0x9e };

        gen_b(g, ops[gen_rnd(g, G_N_ELEMENTS(ops))]);
        return 0;
    }
    case 18:    /* shld / shrd by imm and cl (32/64-bit only); counts 0..63 test the masking */
    {
        unsigned reg = gen_reg(g), rm = gen_reg(g);
        bool cl = gen_rnd(g, 2);

        if (cl) {
            gen_b(g, 0xb1);
            gen_b(g, (uint8_t)gen_rnd(g, 64));
        }
        gen_prefix(g, false, reg, rm, false);
        gen_b(g, 0x0f);
        gen_b(g, (uint8_t)((gen_rnd(g, 2) ? 0xa4 : 0xac) + cl));
        gen_modrm_reg(g, reg, rm);
        if (!cl) {
            gen_b(g, (uint8_t)gen_rnd(g, 64));
        }
        return X86T_DEF_CF;
    }
    case 19:    /* bsf / bsr */
        op[0] = 0x0f;
        op[1] = (uint8_t)(0xbc + gen_rnd(g, 2));
        return gen_rr(g, op, 2, false, false, X86T_DEF_NONE);
    case 20:    /* bswap r32/r64 */
    {
        unsigned r = gen_reg(g);

        gen_prefix(g, false, 0, r, false);
        gen_b(g, 0x0f);
        gen_b(g, (uint8_t)(0xc8 + (r & 7)));
        return 0;
    }
    case 21:    /* lea with a register-only address computation */
    {
        unsigned reg = gen_reg(g), base = gen_reg(g), index = gen_reg(g);
        uint8_t rex = (uint8_t)(0x40 | ((reg & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) | ((base & 8) ? 1 : 0));

        if (gen_rnd(g, 3) == 0) {
            gen_b(g, 0x66);
        } else if (g->mode64 && gen_rnd(g, 2)) {
            rex |= 8;
        }
        if (rex != 0x40) {
            gen_b(g, rex);
        }
        gen_b(g, 0x8d);
        gen_b(g, (uint8_t)(0x40 | (reg & 7) << 3 | 4));
        gen_b(g, (uint8_t)(gen_rnd(g, 4) << 6 | (index & 7) << 3 | (base & 7)));
        gen_imm(g, 1);
        return 0;
    }
    case 22:    /* alu with accumulator and immediate */
    {
        uint8_t base = alu_ops[gen_rnd(g, 8)];
        unsigned size = byte_op ? 1 : gen_prefix(g, false, 0, 0, true);

        gen_b(g, (uint8_t)(base + 4 + (byte_op ? 0 : 1)));
        gen_imm(g, size == 1 ? 1 : size == 2 ? 2 : 4);
        return (base == 0x08 || base == 0x20 || base == 0x30) ? X86T_DEF_CF : 0;
    }
    case 23:    /* div / idiv of rDX:rAX by a small positive divisor, so that no #DE is raised */
    {
        unsigned d;
        unsigned size;
        bool is_signed = gen_rnd(g, 2);

        do {
            d = gen_reg(g);
        } while (d == X86_RAX || d == X86_RDX);
        size = gen_prefix(g, false, 0, d, true);
        gen_b(g, 0x81);                         /* and d, 0x7fff */
        gen_modrm_reg(g, 4, d);
        gen_b(g, 0xff);
        gen_b(g, 0x7f);
        if (size != 2) {
            gen_b(g, 0);
            gen_b(g, 0);
        }
        gen_prefix_same(g, size, d);            /* or d, 1 */
        gen_b(g, 0x83);
        gen_modrm_reg(g, 1, d);
        gen_b(g, 1);
        if (is_signed) {
            gen_prefix_same(g, size, 0);        /* cwd / cdq / cqo, then keep the dividend small */
            gen_b(g, 0x99);
        } else {
            gen_prefix_same(g, size, 0);        /* xor edx, edx (sized) */
            gen_b(g, 0x31);
            gen_b(g, 0xd2);
        }
        gen_prefix_same(g, size, d);
        gen_b(g, 0xf7);
        gen_modrm_reg(g, is_signed ? 7 : 6, d);
        return X86T_DEF_NONE;
    }
    case 24:    /* push r / pop r, push imm / pop r (balanced; push imm sign-extends to 64 bits natively) */
    {
        unsigned a = gen_reg(g), b = gen_reg(g);

        if (!g->mode64 || gen_rnd(g, 2)) {
            if (a & 8) {
                gen_b(g, 0x41);
            }
            gen_b(g, (uint8_t)(0x50 + (a & 7)));
        } else {
            gen_b(g, 0x6a);
            gen_imm(g, 1);
        }
        if (b & 8) {
            gen_b(g, 0x41);
        }
        gen_b(g, (uint8_t)(0x58 + (b & 7)));
        return 0;
    }
    case 25:    /* pushf / pop r: the whole flags image */
    {
        unsigned b = gen_reg(g);

        gen_b(g, 0x9c);
        if (b & 8) {
            gen_b(g, 0x41);
        }
        gen_b(g, (uint8_t)(0x58 + (b & 7)));
        return 0;
    }
    case 27:    /* LOCK read-modify-write on memory */
    case 28:
    {
        unsigned w = gen_rnd(g, 6);
        int def;

        gen_b(g, 0xf0);
        g->force_mem = true;
        switch (w) {
        case 0: {
            static const uint8_t ops[] = { 0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30 };
            uint8_t base = ops[gen_rnd(g, G_N_ELEMENTS(ops))];

            op[0] = (uint8_t)(base + (byte_op ? 0 : 1));
            def = (base == 0x08 || base == 0x20 || base == 0x30) ? X86T_DEF_CF : 0;
            gen_rr(g, op, 1, byte_op, true, def);
            break;
        }
        case 1:
            def = gen_grp(g, byte_op ? 0x80 : 0x83, gen_rnd(g, 7), byte_op, 1, true, X86T_DEF_CF);
            break;
        case 2:
            def = gen_grp(g, byte_op ? 0xf6 : 0xf7, 2 + gen_rnd(g, 2), byte_op, 0, true, 0);
            break;
        case 3:
            def = gen_grp(g, byte_op ? 0xfe : 0xff, gen_rnd(g, 2), byte_op, 0, true, 0);
            break;
        case 4:
            op[0] = 0x0f;
            op[1] = (uint8_t)((gen_rnd(g, 2) ? 0xc0 : 0xb0) + (byte_op ? 0 : 1));
            def = gen_rr(g, op, 2, byte_op, true, 0);
            break;
        default:
            def = gen_grp(g, 0x0f, 5 + gen_rnd(g, 3), false, 1, false, X86T_DEF_CF);
            break;
        }
        g->force_mem = false;
        return def;
    }
    case 29:    /* string instructions on the window, maybe repeated, maybe backwards */
    {
        uint8_t o = (uint8_t)(0xa4 + gen_rnd(g, 12));
        bool back = gen_rnd(g, 4) == 0;
        unsigned rep = gen_rnd(g, 3);

        if (o == 0xa8 || o == 0xa9) {
            o = (uint8_t)(o + 4);           /* test acc, imm: not a string op */
        }
        gen_b(g, 0xbe);                     /* mov esi, window middle */
        gen_imm32(g, X86T_WIN + 0x800 + gen_rnd(g, 0x100));
        gen_b(g, 0xbf);                     /* mov edi, ... */
        gen_imm32(g, X86T_WIN + 0x800 + gen_rnd(g, 0x100));
        gen_b(g, 0xb9);                     /* mov ecx, count: 0..19 crosses the lifter's 8 per block run */
        gen_imm32(g, gen_rnd(g, 20));
        if (back) {
            gen_b(g, 0xfd);
        }
        if (rep) {
            gen_b(g, rep == 1 ? 0xf3 : 0xf2);
        }
        if (!(o & 1) ? false : gen_rnd(g, 2) == 0) {
            if (g->mode64 && gen_rnd(g, 2)) {
                gen_b(g, 0x48);
            } else {
                gen_b(g, 0x66);
                if (g->buf[g->n - 2] == 0xf3 || g->buf[g->n - 2] == 0xf2) {
                    /* 66 after the rep prefix is fine as well */
                }
            }
        }
        gen_b(g, o);
        if (back) {
            gen_b(g, 0xfc);
        }
        return 0;
    }
    default:    /* mov reg, imm */
    {
        unsigned r = gen_reg(g);
        unsigned size = gen_prefix(g, false, 0, r, true);

        gen_b(g, (uint8_t)(0xb8 + (r & 7)));
        gen_imm(g, size);
        return 0;
    }
    }
}

/* Follow an instruction with partly undefined flags by one that defines all six. */
static void gen_definer(X86tGen *g, int def)
{
    uint8_t op[1];

    if (def == X86T_DEF_ALL) {
        return;
    }
    op[0] = def == X86T_DEF_CF ? (gen_rnd(g, 2) ? 0x11 : 0x19) : 0x39;
    gen_rr(g, op, 1, false, false, 0);
}

static void gen_sequence(X86tGen *g, unsigned count)
{
    g->n = 0;
    for (unsigned i = 0; i < count; i++) {
        gen_definer(g, gen_insn(g));
    }
}

/* --- The native harness (System V: rdi = state) --- */

static uint8_t *native_code;

static size_t emit_native(uint8_t *p, const uint8_t *body, unsigned n)
{
    size_t i = 0;
    static const uint8_t save[] = { 0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, 0x57 };
    static const uint8_t restore[] = { 0x5f, 0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3 };

    memcpy(p + i, save, sizeof(save));      /* push rbx rbp r12-r15; push rdi */
    i += sizeof(save);
    /* push qword [rdi + 128]; popfq */
    p[i++] = 0xff; p[i++] = 0xb7; p[i++] = 0x80; p[i++] = 0; p[i++] = 0; p[i++] = 0;
    p[i++] = 0x9d;
    for (unsigned r = 0; r < 16; r++) {
        if (r == 4 || r == 7) {
            continue;
        }
        /* mov r, [rdi + 8r] */
        p[i++] = (uint8_t)(0x48 | ((r & 8) ? 4 : 0));
        p[i++] = 0x8b;
        p[i++] = (uint8_t)(0x47 | (r & 7) << 3);
        p[i++] = (uint8_t)(8 * r);
    }
    p[i++] = 0x48; p[i++] = 0x8b; p[i++] = 0x7f; p[i++] = 56;     /* mov rdi, [rdi + 56] */
    memcpy(p + i, body, n);
    i += n;
    p[i++] = 0x57;                                                  /* push rdi */
    p[i++] = 0x48; p[i++] = 0x8b; p[i++] = 0x7c; p[i++] = 0x24; p[i++] = 8;   /* mov rdi, [rsp + 8] */
    p[i++] = 0x8f; p[i++] = 0x47; p[i++] = 56;                      /* pop qword [rdi + 56] */
    for (unsigned r = 0; r < 16; r++) {
        if (r == 4 || r == 7) {
            continue;
        }
        p[i++] = (uint8_t)(0x48 | ((r & 8) ? 4 : 0));
        p[i++] = 0x89;
        p[i++] = (uint8_t)(0x47 | (r & 7) << 3);
        p[i++] = (uint8_t)(8 * r);
    }
    p[i++] = 0x9c;                                                  /* pushfq; pop qword [rdi + 128] */
    p[i++] = 0x8f; p[i++] = 0x87; p[i++] = 0x80; p[i++] = 0; p[i++] = 0; p[i++] = 0;
    memcpy(p + i, restore, sizeof(restore));
    i += sizeof(restore);
    return i;
}

static void run_native(const uint8_t *body, unsigned n, X86tNativeState *st)
{
    void (*fn)(X86tNativeState *);

    emit_native(native_code, body, n);
    __builtin___clear_cache((char *)native_code, (char *)native_code + 4096);
    fn = (void (*)(X86tNativeState *))(void *)native_code;
    fn(st);
}

static uint8_t *native_win;

static void differential(bool mode64, unsigned seed, unsigned rounds)
{
    X86tGen g = { .r = g_rand_new_with_seed(seed), .mode64 = mode64 };
    const char *more = g_getenv("X86T_NATIVE_ROUNDS");     /* longer local runs: rounds and seed */

    if (more) {
        rounds = (unsigned)g_ascii_strtoull(more, NULL, 10);
        seed += (unsigned)g_ascii_strtoull(g_getenv("X86T_NATIVE_SEED") ? g_getenv("X86T_NATIVE_SEED") : "0",
                                           NULL, 10);
        g_rand_set_seed(g.r, seed);
    }

    native_code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(native_code != MAP_FAILED);
    /* The memory window at the same address natively and in the guest; without it, registers only. */
    native_win = mmap((void *)(uintptr_t)X86T_WIN, X86T_WIN_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (native_win != (uint8_t *)(uintptr_t)X86T_WIN) {
        if (native_win != MAP_FAILED) {
            munmap(native_win, X86T_WIN_SIZE);
        }
        native_win = NULL;
    }
    g.mem = native_win != NULL;
    for (unsigned round = 0; round < rounds; round++) {
        X86tNativeState st = { 0 }, init;
        static uint8_t win_before[X86T_WIN_SIZE];
        X86tMachine m;
        char hex[600] = "";

        gen_sequence(&g, 1 + gen_rnd(&g, 8));
        for (unsigned r = 0; r < 16; r++) {
            uint64_t v = (uint64_t)g_rand_int(g.r) << 32 | g_rand_int(g.r);

            if (gen_rnd(&g, 4) == 0) {
                v = gen_rnd(&g, 3) == 0 ? 0 : (uint64_t)(int64_t)(int8_t)v;
            }
            st.regs[r] = mode64 ? v : (uint32_t)v;
        }
        st.flags = 0x202 | (g_rand_int(g.r) & X86_ARITH_FLAGS);
        init = st;
        if (native_win) {
            for (unsigned i = 0; i < X86T_WIN_SIZE; i++) {
                native_win[i] = (uint8_t)g_rand_int(g.r);
            }
        }
        if (g_getenv("X86T_VERBOSE")) {
            for (unsigned i = 0; i < g.n; i++) {
                fprintf(stderr, "%02x", g.buf[i]);
            }
            fprintf(stderr, "\n");
        }
        if (native_win) {
            memcpy(win_before, native_win, X86T_WIN_SIZE);
        }
        run_native(g.buf, g.n, &st);

        x86t_init(&m, mode64);
        m.max_insns = round & 1;       /* odd rounds: one instruction per block (flags through the helper) */
        memcpy(m.cpu->regs, init.regs, sizeof(init.regs));
        if (native_win) {
            memcpy(m.mem + X86T_WIN, win_before, X86T_WIN_SIZE);
        }
        m.cpu->regs[X86_RSP] = X86T_STACK;
        x86_set_eflags(m.cpu, init.flags);
        g.buf[g.n] = 0xcc;
        ck_assert_int_eq(x86t_exec(&m, g.buf, g.n + 1), GUEST_EXIT_BREAKPOINT);
        for (unsigned i = 0; i < g.n && i < 280; i++) {
            g_snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), "%02x", g.buf[i]);
        }
        for (unsigned r = 0; r < 16; r++) {
            if (r == 4) {
                continue;
            }
            ck_assert_msg(m.cpu->regs[r] == st.regs[r], "round %u (%s): r%u mimic 0x%lx native 0x%lx", round, hex, r,
                          (unsigned long)m.cpu->regs[r], (unsigned long)st.regs[r]);
        }
        ck_assert_msg(x86t_flags(&m) == (st.flags & X86_ARITH_FLAGS), "round %u (%s): flags mimic 0x%x native 0x%x",
                      round, hex, x86t_flags(&m), (unsigned)(st.flags & X86_ARITH_FLAGS));
        if (native_win) {
            for (unsigned i = 0; i < X86T_WIN_SIZE; i++) {
                ck_assert_msg(m.mem[X86T_WIN + i] == native_win[i], "round %u (%s): memory at 0x%x mimic 0x%x native 0x%x",
                              round, hex, X86T_WIN + i, m.mem[X86T_WIN + i], native_win[i]);
            }
        }
        x86t_fini(&m);
    }
    munmap(native_code, 4096);
    if (native_win) {
        munmap(native_win, X86T_WIN_SIZE);
    }
    g_rand_free(g.r);
}

START_TEST(test_native_64)
{
    differential(true, 1234, 400);
}
END_TEST

START_TEST(test_native_32)
{
    differential(false, 4321, 300);
}
END_TEST

Suite *x86_native_suite(void)
{
    Suite *s = suite_create("x86_native");
    TCase *tc = tcase_create("differential");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_native_64);
    tcase_add_test(tc, test_native_32);
    suite_add_tcase(s, tc);
    return s;
}
