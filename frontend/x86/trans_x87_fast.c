/*
 * The fast form of an x87 run (trans_x87_seg.c): instead of frstor and fnsave of the
 * whole FPU around the run -- some 400 host cycles, which dominated x87 code such as
 * gcc -m32's double arithmetic -- the stub loads only the stack registers the run
 * touches (fld tbyte), runs the instructions and stores them back (fstp tbyte); C works
 * out the status and tag words.  The result is the one the full stub gives, bit for
 * bit, because the host starts from the same state in everything the run can see:
 *
 *   - the stack: which registers the run reads and which it pushes into are known from
 *     the instructions alone (x86_fast_op), so the stub loads positions 0..maxpos
 *     (relative to the guest's TOP) and the run pushes below.  It is taken only when
 *     the guest's tags say those positions are valid and the ones pushed into empty,
 *     so no stack fault can occur (else the full stub runs);
 *   - precision and rounding control: fldcw of the guest's control word (exceptions
 *     masked as in the full stub);
 *   - exception flags: the host's are cleared first unless all of them are already set
 *     in the guest's (fnclex costs 60 cycles, and the previous run usually left PE),
 *     and those the run raises are ORed in; an unmasked one makes it fall back to the
 *     full stub, which replays the run;
 *   - C3, C2, C0: fxam of a constant of the class that sets the guest's bits, before
 *     the loads (fld keeps them); the one pattern fxam cannot make (all three set) and
 *     "empty" fall back;
 *   - C1: every load clears it, so the host starts at 0 rather than the guest's value.
 *     The instructions that write it on real x87 (all but fcmov, fcomi and fnop, which
 *     leave it) make it the host's result; a run without one keeps the guest's;
 *   - the contents of registers the run pops stay in the FNSAVE image as hardware
 *     leaves them: each one that ends empty is copied out (fstp/fld tbyte, which keep
 *     C3/C2/C0 and raise nothing) just before the instruction that pops it last;
 *   - tags of the positions it touched: empty below the final TOP, else classified
 *     from the contents as FNSAVE does (x86_fpu_tag_of).
 * Instructions whose stack effect depends on the operands (fptan, fsincos: not on an
 * out-of-range operand), that pop without a plain st(0) (fyl2x, fpatan) or that
 * move TOP or tags alone (fincstp, fdecstp, ffree) and BCD keep the full stub.
 */
#include <limits.h>
#include <string.h>

#include "frontend/x86/internal.h"

/* The frame the fast stub reads and writes (rdi); memory operands at rsi + 16 * k. */
typedef struct X86FpuFastFrame {
    uint16_t fcw;               /* 0: the guest's, every exception masked */
    uint16_t host_fcw;          /* 2 */
    uint16_t fsw;               /* 4: out, right after the run */
    uint16_t c1;                /* 6: out, status after the last instruction that writes C1 */
    uint8_t clean;              /* 8: flags the guest lacks: clear the host's if any is set */
    uint8_t pad[7];
    uint64_t rflags_in;         /* 16: fcmov */
    uint64_t rflags;            /* 24: fcomi */
    uint8_t k[16];              /* 32: the fxam constant */
    uint8_t st[16][16];         /* 48: stack position p (from the guest's TOP) at st[p + 8] */
} X86FpuFastFrame;
G_STATIC_ASSERT(offsetof(X86FpuFastFrame, clean) == 8);
G_STATIC_ASSERT(offsetof(X86FpuFastFrame, rflags_in) == 16);
G_STATIC_ASSERT(offsetof(X86FpuFastFrame, k) == 32);
G_STATIC_ASSERT(offsetof(X86FpuFastFrame, st) == 48);

#define X86_FAST_ST(p) (48u + 16u * (unsigned)((p) + 8))
#define X86_FAST_CODE_MAX (4u * X86_STUB_CODE_MAX)     /* x86_host_code's limit */

/* What one instruction does to the stack: st(idx[]) before a push, push, pops after. */
typedef struct X86FastOp {
    uint8_t nidx, idx[2];
    bool push;
    uint8_t npop;
    bool c1;                    /* writes C1 */
    bool reads_flags, writes_flags;
} X86FastOp;

static void x86_fast_touch(X86FastOp *o, unsigned a, int b)
{
    o->idx[o->nidx++] = (uint8_t)a;
    if (b >= 0) {
        o->idx[o->nidx++] = (uint8_t)b;
    }
}

/* The memory forms (SDM Vol. 2 D8..DF with mod != 3). */
static bool x86_fast_mem_op(unsigned op, unsigned r, X86FastOp *o)
{
    switch (op) {
    case 0xd8:
    case 0xda:
    case 0xdc:
    case 0xde:                  /* arithmetic and compares with st(0) */
        x86_fast_touch(o, 0, -1);
        o->npop = r == 3;
        return true;
    case 0xd9:                  /* fld, fst, fstp m32 */
    case 0xdd:                  /* fld, fisttp, fst, fstp m64 */
    case 0xdb:                  /* fild, fisttp, fist, fistp m32, fld, fstp m80 */
    case 0xdf:                  /* fild, fisttp, fist, fistp m16, fild, fistp m64 */
        if (r == 0 || ((op == 0xdb || op == 0xdf) && r == 5)) {
            o->push = true;
            return true;
        }
        if (r == 2 || r == 3 || (r == 1 && op != 0xd9) || (r == 7 && (op == 0xdb || op == 0xdf))) {
            x86_fast_touch(o, 0, -1);
            o->npop = r != 2;
            return true;
        }
        return false;
    default:
        return false;
    }
}

/* The register forms (mod = 3), m = ModRM - 0xC0. */
static bool x86_fast_reg_op(unsigned op, unsigned m, X86FastOp *o)
{
    unsigned r = m >> 3, i = m & 7;

    switch (op) {
    case 0xd8:
        x86_fast_touch(o, 0, (int)i);
        o->npop = r == 3;
        return true;
    case 0xd9:
        if (r == 0) {                                   /* fld st(i) */
            x86_fast_touch(o, i, -1);
            o->push = true;
            return true;
        }
        if (r == 1) {                                   /* fxch */
            x86_fast_touch(o, 0, (int)i);
            return true;
        }
        switch (m) {
        case 0x10:                                      /* fnop */
            o->c1 = false;
            return true;
        case 0x20: case 0x21: case 0x24: case 0x25:     /* fchs fabs ftst fxam */
        case 0x30: case 0x3a: case 0x3c: case 0x3e: case 0x3f:  /* f2xm1 fsqrt frndint fsin fcos */
            x86_fast_touch(o, 0, -1);
            return true;
        case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e:   /* constants */
            o->push = true;
            return true;
        case 0x35: case 0x38: case 0x3d:                /* fprem1 fprem fscale */
            x86_fast_touch(o, 0, 1);
            return true;
        default:
            return false;
        }
    case 0xda:
    case 0xdb:
        if (r <= 3) {                                   /* fcmovcc */
            x86_fast_touch(o, 0, (int)i);
            o->c1 = false;
            o->reads_flags = true;
            return true;
        }
        if (op == 0xda && m == 0x29) {                  /* fucompp */
            x86_fast_touch(o, 0, 1);
            o->npop = 2;
            return true;
        }
        if (op == 0xdb && (r == 5 || r == 6)) {         /* fucomi, fcomi */
            x86_fast_touch(o, 0, (int)i);
            o->c1 = false;
            o->writes_flags = true;
            return true;
        }
        return false;
    case 0xdc:
        if (r == 2 || r == 3) {
            return false;
        }
        x86_fast_touch(o, 0, (int)i);
        return true;
    case 0xdd:
        if (r < 2 || r > 5) {                           /* ffree */
            return false;
        }
        x86_fast_touch(o, 0, (int)i);                   /* fst, fstp, fucom, fucomp st(i) */
        o->npop = r == 3 || r == 5;
        return true;
    case 0xde:
        if (m == 0x19) {                                /* fcompp */
            x86_fast_touch(o, 0, 1);
            o->npop = 2;
            return true;
        }
        if (r == 2 || r == 3 || i == 0) {
            return false;       /* faddp st(0): the result lands in the register it pops */
        }
        x86_fast_touch(o, 0, (int)i);
        o->npop = 1;
        return true;
    case 0xdf:
        if (r != 5 && r != 6) {
            return false;
        }
        x86_fast_touch(o, 0, (int)i);                   /* fucomip, fcomip */
        o->npop = 1;
        o->c1 = false;
        o->writes_flags = true;
        return true;
    default:
        return false;
    }
}

static bool x86_fast_op(const X86Insn *in, X86FastOp *o)
{
    memset(o, 0, sizeof(*o));
    o->c1 = true;
    if (in->map != X86_MAP_1 || in->opcode < 0xd8 || in->opcode > 0xdf) {
        return false;
    }
    if (in->mod != 3) {
        return x86_fast_mem_op(in->opcode, (in->modrm >> 3) & 7, o);
    }
    return x86_x87_reg_valid(in->opcode, in->modrm - 0xc0u) && x86_fast_reg_op(in->opcode, in->modrm - 0xc0u, o);
}

/* --- Code --- */

typedef struct X86FastCode {
    uint8_t b[X86_FAST_CODE_MAX];
    unsigned n;
    bool full;
} X86FastCode;

static void x86_fast_emit(X86FastCode *c, const uint8_t *b, unsigned n)
{
    if (c->n + n > sizeof(c->b)) {
        c->full = true;
        return;
    }
    memcpy(c->b + c->n, b, n);
    c->n += n;
}

/* op /reg [rdi or rsi + disp32] */
static void x86_fast_mem(X86FastCode *c, uint8_t op, unsigned reg, unsigned base, unsigned disp)
{
    uint8_t b[6] = { op, (uint8_t)(0x80 | reg << 3 | base) };

    memcpy(b + 2, &(uint32_t){ disp }, 4);
    x86_fast_emit(c, b, 6);
}

#define X86_RDI 7
#define X86_RSI 6

static void x86_fast_emit2(X86FastCode *c, uint8_t a, uint8_t b)
{
    x86_fast_emit(c, (const uint8_t[]){ a, b }, 2);
}

/* The registers an instruction writes, bit i for st(i) before any push (a push's new ST(0) aside). */
static unsigned x86_fast_writes(const X86Insn *in)
{
    unsigned op = in->opcode, r = (in->modrm >> 3) & 7, m = in->modrm - 0xc0u, i = m & 7;

    if (in->mod != 3) {         /* arithmetic writes st(0); compares, loads and stores do not */
        return (op == 0xd8 || op == 0xda || op == 0xdc || op == 0xde) && r != 2 && r != 3 ? 1u : 0u;
    }
    switch (op) {
    case 0xd8:
        return r == 2 || r == 3 ? 0u : 1u;
    case 0xd9:
        if (r == 0) {
            return 0;                                   /* fld st(i) */
        }
        if (r == 1) {
            return 1u | 1u << i;                        /* fxch */
        }
        if (m == 0x10 || m == 0x24 || m == 0x25 || (m >= 0x28 && m <= 0x2e)) {
            return 0;                                   /* fnop, ftst, fxam, constants */
        }
        return 1;                                       /* fchs ... fcos, fprem(1), fscale */
    case 0xda:
    case 0xdb:
        return r <= 3 ? 1u : 0u;                        /* fcmov; fucompp, fcomi, fucomi */
    case 0xdc:
        return 1u << i;
    case 0xdd:
        return r == 2 || r == 3 ? 1u << i : 0u;         /* fst, fstp st(i); fucom(p) */
    case 0xde:
        return m == 0x19 ? 0u : 1u << i;                /* fcompp; arithmetic and pop */
    default:
        return 0;                                       /* fucomip, fcomip */
    }
}

/* The stack shape of a run: what x86_x87_fast_plan and x86_x87_spec_plan both build on. */
typedef struct X86FastShape {
    int top_at[X86_X87_SEG_MAX];        /* position of ST(0) after instruction k's push */
    int last_pop[16];                   /* position p + 8: the instruction that pops it last */
    int lo, hi, cur;                    /* positions touched; TOP's position after the run */
    uint16_t written;                   /* position p + 8: some instruction writes it */
    int last_w, last_save;              /* the last instruction writing C1; the last copy-out */
    bool reads_flags, writes_flags;
    unsigned cc;                        /* X86_FAST_CC_* of the whole run */
} X86FastShape;

/* What an instruction does to C3, C2 and C0 on the host's x87 (checked there, not the SDM). */
enum { X86_FAST_CC_KEEP, X86_FAST_CC_SET, X86_FAST_CC_OTHER };

static unsigned x86_fast_cc(const X86Insn *in)
{
    unsigned op = in->opcode, r = (in->modrm >> 3) & 7, m = in->modrm - 0xc0u;

    if (in->mod != 3) {         /* fcom, fcomp, ficom, ficomp set them; loads and stores keep them */
        return (op == 0xd8 || op == 0xda || op == 0xdc || op == 0xde) && (r == 2 || r == 3);
    }
    switch (op) {
    case 0xd8:
        return r == 2 || r == 3;
    case 0xd9:
        if (r <= 1 || m == 0x10 || (m >= 0x28 && m <= 0x2e)) {
            return X86_FAST_CC_KEEP;                    /* fld, fxch, fnop, constants */
        }
        if (m == 0x24 || m == 0x25) {
            return X86_FAST_CC_SET;                     /* ftst, fxam */
        }
        if (m == 0x20 || m == 0x21 || m == 0x3a || m == 0x3c || m == 0x3d) {
            return X86_FAST_CC_KEEP;                    /* fchs fabs fsqrt frndint fscale */
        }
        return X86_FAST_CC_OTHER;                       /* f2xm1, fprem(1), fsin, fcos: C2 and more */
    case 0xda:
        return m == 0x29;                               /* fucompp; fcmov keeps them */
    case 0xdd:
        return r == 4 || r == 5;                        /* fucom(p); fst(p) keeps them */
    case 0xde:
        return m == 0x19;                               /* fcompp; arithmetic-and-pop keeps them */
    default:
        return X86_FAST_CC_KEEP;                        /* arithmetic, fcmov, fcomi, fucomi(p) */
    }
}

static bool x86_fast_shape(const X86Insn *const *x87, unsigned n, X86FastShape *s)
{
    X86FastOp o;

    memset(s, 0, sizeof(*s));
    g_assert(n <= X86_X87_SEG_MAX);
    s->hi = s->last_w = s->last_save = -1;
    s->cc = X86_FAST_CC_KEEP;
    for (unsigned p = 0; p < 16; p++) {
        s->last_pop[p] = -1;
    }
    for (unsigned k = 0; k < n; k++) {
        unsigned cc = x86_fast_cc(x87[k]);

        if (!x86_fast_op(x87[k], &o)) {
            return false;
        }
        for (unsigned j = 0; j < o.nidx; j++) {
            s->lo = MIN(s->lo, s->cur + o.idx[j]);
            s->hi = MAX(s->hi, s->cur + o.idx[j]);
        }
        for (unsigned i = 0, w = x86_fast_writes(x87[k]); i < 8; i++) {
            if (w >> i & 1) {
                s->written |= (uint16_t)(1u << (s->cur + (int)i + 8));
            }
        }
        if (o.push) {
            s->cur--;
            s->written |= (uint16_t)(1u << (s->cur + 8));
            s->lo = MIN(s->lo, s->cur);
            s->hi = MAX(s->hi, s->cur);
        }
        if (s->hi - s->lo > 7) {
            return false;       /* more registers than the host has (the full stub overflows) */
        }
        s->top_at[k] = s->cur;
        for (unsigned j = 0; j < o.npop; j++) {
            s->last_pop[s->cur + (int)j + 8] = (int)k;
        }
        s->cur += o.npop;
        if (o.c1) {
            s->last_w = (int)k;
        }
        s->reads_flags |= o.reads_flags;
        s->writes_flags |= o.writes_flags;
        if (cc != X86_FAST_CC_KEEP) {
            s->cc = cc;         /* the last one that writes them decides */
        }
    }
    for (int p = s->lo; p < s->cur; p++) {
        g_assert(s->last_pop[p + 8] >= 0);
        s->last_save = MAX(s->last_save, s->last_pop[p + 8]);
    }
    return true;
}

int x86_x87_stack_effect(const X86Insn *in)
{
    X86FastShape s;

    return x86_fast_shape(&in, 1, &s) ? s.cur : INT_MIN;
}

void x86_x87_fast_plan(const X86Insn *const *x87, unsigned n, X86X87Fast *f)
{
    X86FastShape s;
    const int *top_at = s.top_at, *last_pop = s.last_pop;
    int lo, hi, cur, last_w, last_save;
    bool reads_flags, writes_flags;
    X86FastCode c = { .n = 0 };

    memset(f, 0, sizeof(*f));
    if (!x86_fast_shape(x87, n, &s)) {
        return;
    }
    lo = s.lo;
    hi = s.hi;
    cur = s.cur;
    last_w = s.last_w;
    last_save = s.last_save;
    reads_flags = s.reads_flags;
    writes_flags = s.writes_flags;

    x86_fast_mem(&c, 0xd9, 7, X86_RDI, 2);                  /* fnstcw [rdi+2] */
    x86_fast_emit2(&c, 0xdf, 0xe0);                         /* fnstsw ax */
    x86_fast_mem(&c, 0x84, 0, X86_RDI, 8);                  /* test [rdi+8], al */
    x86_fast_emit2(&c, 0x74, 0x02);                         /* jz over: */
    x86_fast_emit2(&c, 0xdb, 0xe2);                         /* fnclex */
    x86_fast_mem(&c, 0xd9, 5, X86_RDI, 0);                  /* over: fldcw [rdi] */
    x86_fast_mem(&c, 0xdb, 5, X86_RDI, 32);                 /* fld tbyte [rdi+32] */
    x86_fast_emit2(&c, 0xd9, 0xe5);                         /* fxam */
    x86_fast_emit2(&c, 0xdd, 0xd8);                         /* fstp st(0) */
    for (int p = hi; p >= 0; p--) {
        x86_fast_mem(&c, 0xdb, 5, X86_RDI, X86_FAST_ST(p));  /* fld tbyte */
    }
    if (reads_flags) {
        x86_fast_mem(&c, 0xff, 6, X86_RDI, 16);             /* push qword [rdi+16] */
        x86_fast_emit(&c, (const uint8_t[]){ 0x9d }, 1);    /* popfq */
    }
    for (unsigned k = 0; k < n; k++) {
        const X86Insn *in = x87[k];

        /* Registers that end empty keep what they held when popped the last time. */
        for (int p = lo; p < cur; p++) {
            if (last_pop[p + 8] != (int)k) {
                continue;
            }
            if (p != top_at[k]) {
                x86_fast_emit2(&c, 0xd9, 0xc9);             /* fxch st(1) */
            }
            x86_fast_mem(&c, 0xdb, 7, X86_RDI, X86_FAST_ST(p));     /* fstp tbyte */
            x86_fast_mem(&c, 0xdb, 5, X86_RDI, X86_FAST_ST(p));     /* fld tbyte */
            if (p != top_at[k]) {
                x86_fast_emit2(&c, 0xd9, 0xc9);
            }
        }
        if (in->mod == 3) {
            x86_fast_emit2(&c, in->opcode, in->modrm);
        } else {
            x86_fast_mem(&c, in->opcode, (in->modrm >> 3) & 7, X86_RSI, 16 * k);
        }
        if ((int)k == last_w && last_save > last_w) {
            x86_fast_mem(&c, 0xdd, 7, X86_RDI, 6);          /* fnstsw [rdi+6] */
        }
    }
    x86_fast_mem(&c, 0xdd, 7, X86_RDI, 4);                  /* fnstsw [rdi+4] */
    for (int p = cur; p <= hi; p++) {
        x86_fast_mem(&c, 0xdb, 7, X86_RDI, X86_FAST_ST(p));  /* fstp tbyte */
    }
    x86_fast_mem(&c, 0xd9, 5, X86_RDI, 2);                  /* fldcw [rdi+2] */
    if (writes_flags) {
        x86_fast_emit(&c, (const uint8_t[]){ 0x9c }, 1);    /* pushfq */
        x86_fast_mem(&c, 0x8f, 0, X86_RDI, 24);             /* pop qword [rdi+24] */
    }
    x86_fast_emit(&c, (const uint8_t[]){ 0xc3 }, 1);
    if (c.full) {
        return;
    }
    f->stub = x86_host_code(c.b, c.n);
    f->need_valid = (uint8_t)((1u << (hi + 1)) - 1);
    for (int p = lo; p < 0; p++) {
        f->need_empty |= (uint8_t)(1u << (p + 8));
    }
    f->minpos = (int8_t)lo;
    f->maxpos = (int8_t)hi;
    f->final = (int8_t)cur;
    f->c1 = last_w < 0 ? X86_FAST_C1_GUEST : last_save > last_w ? X86_FAST_C1_CAPTURED : X86_FAST_C1_HOST;
    f->reads_flags = reads_flags;
    f->writes_flags = writes_flags;
}

/* --- Specialised on TOP and the control word --- */

/* Offsets in X86Cpu of the FNSAVE image's fields and of stack entry ST(i). */
#define X86_SPEC_FPU      ((unsigned)offsetof(X86Cpu, fpu))
#define X86_SPEC_FCW      (X86_SPEC_FPU + (unsigned)offsetof(X86FpuState, fcw))
#define X86_SPEC_FSW      (X86_SPEC_FPU + (unsigned)offsetof(X86FpuState, fsw))
#define X86_SPEC_FTW      (X86_SPEC_FPU + (unsigned)offsetof(X86FpuState, ftw))
#define X86_SPEC_FIP      (X86_SPEC_FPU + (unsigned)offsetof(X86FpuState, fip))
#define X86_SPEC_FCS      (X86_SPEC_FPU + (unsigned)offsetof(X86FpuState, fcs))
#define X86_SPEC_FDP      (X86_SPEC_FPU + (unsigned)offsetof(X86FpuState, fdp))
#define X86_SPEC_FDS      (X86_SPEC_FPU + (unsigned)offsetof(X86FpuState, fds))
#define X86_SPEC_ST(i)    (X86_SPEC_FPU + (unsigned)offsetof(X86FpuState, st) + 10u * (unsigned)(i))

/* Registers in ModRM.reg / rm numbering. */
enum { X86_SPEC_RAX, X86_SPEC_RCX, X86_SPEC_RDX };

/* Opcode bytes op[0..nop) with ModRM /reg [rdi + disp32], then imm (nimm bytes). */
static void x86_spec_rm(X86FastCode *c, const char *op, unsigned nop, unsigned reg, unsigned disp, uint32_t imm,
                        unsigned nimm)
{
    uint8_t b[16];

    memcpy(b, op, nop);
    b[nop] = (uint8_t)(0x80 | reg << 3 | X86_RDI);
    memcpy(b + nop + 1, &(uint32_t){ disp }, 4);
    memcpy(b + nop + 5, &imm, nimm);
    x86_fast_emit(c, b, nop + 5 + nimm);
}

/* A short jump (opcode jcc) forward: its rel8 byte, patched by x86_spec_land. */
static unsigned x86_spec_jump(X86FastCode *c, uint8_t jcc)
{
    x86_fast_emit2(c, jcc, 0);
    return c->n;
}

static void x86_spec_land(X86FastCode *c, unsigned from)
{
    if (!c->full) {
        g_assert(c->n - from < 128);
        c->b[from - 1] = (uint8_t)(c->n - from);
    }
}

/*
 * edx |= the FNSAVE tag of the 80-bit value at disp, shifted to physical register phys:
 * x86_fpu_tag_of in code -- zero 1 (exponent and significand 0), valid 0 (exponent
 * neither 0 nor all ones, integer bit set), special 2 (everything else).
 */
static void x86_spec_tag(X86FastCode *c, unsigned disp, unsigned phys)
{
    unsigned nz, spec1, spec2, done1, done2;

    x86_spec_rm(c, "\x0f\xb7", 2, X86_SPEC_RAX, disp + 8, 0, 0);    /* movzx eax, word [exponent] */
    x86_spec_rm(c, "\x48\x8b", 2, X86_SPEC_RCX, disp, 0, 0);        /* mov rcx, [significand] */
    x86_fast_emit(c, (const uint8_t[]){ 0x25, 0xff, 0x7f, 0, 0 }, 5);   /* and eax, 0x7fff */
    nz = x86_spec_jump(c, 0x75);                                    /* jnz nz */
    x86_fast_emit(c, (const uint8_t[]){ 0x48, 0x85, 0xc9 }, 3);     /* test rcx, rcx */
    spec1 = x86_spec_jump(c, 0x75);                                 /* jnz special */
    x86_fast_emit2(c, 0x81, 0xca);                                  /* or edx, 1 << 2 * phys */
    x86_fast_emit(c, (const uint8_t *)&(uint32_t){ 1u << 2 * phys }, 4);
    done1 = x86_spec_jump(c, 0xeb);                                 /* jmp done */
    x86_spec_land(c, nz);
    x86_fast_emit(c, (const uint8_t[]){ 0x3d, 0xff, 0x7f, 0, 0 }, 5);   /* nz: cmp eax, 0x7fff */
    spec2 = x86_spec_jump(c, 0x74);                                 /* je special */
    x86_fast_emit(c, (const uint8_t[]){ 0x48, 0x85, 0xc9 }, 3);     /* test rcx, rcx */
    done2 = x86_spec_jump(c, 0x78);                                 /* js done (valid) */
    x86_spec_land(c, spec1);
    x86_spec_land(c, spec2);
    x86_fast_emit2(c, 0x81, 0xca);                                  /* special: or edx, 2 << 2 * phys */
    x86_fast_emit(c, (const uint8_t *)&(uint32_t){ 2u << 2 * phys }, 4);
    x86_spec_land(c, done1);
    x86_spec_land(c, done2);
}

/* Copy the 10 bytes of an FNSAVE stack entry within the image. */
static void x86_spec_move(X86FastCode *c, unsigned from, unsigned to)
{
    x86_spec_rm(c, "\x48\x8b", 2, X86_SPEC_RAX, X86_SPEC_ST(from), 0, 0);       /* mov rax, [from] */
    x86_spec_rm(c, "\x48\x89", 2, X86_SPEC_RAX, X86_SPEC_ST(to), 0, 0);         /* mov [to], rax */
    x86_spec_rm(c, "\x0f\xb7", 2, X86_SPEC_RAX, X86_SPEC_ST(from) + 8, 0, 0);   /* movzx eax, word [from+8] */
    x86_spec_rm(c, "\x66\x89", 2, X86_SPEC_RAX, X86_SPEC_ST(to) + 8, 0, 0);     /* mov [to+8], ax */
}

/*
 * helper_x86_x87_spec (helpers.def): the call goes on to the stub (rsi) with the CPU in
 * rdi and the data address in rdx as they are -- a trampoline rather than a descriptor
 * per stub, so both engines call every stub through the one helper.
 */
__asm__(".text\n"
        ".globl helper_x86_x87_spec\n"
        ".type helper_x86_x87_spec, @function\n"
        "helper_x86_x87_spec:\n\t"
        "jmp *%rsi\n"
        ".size helper_x86_x87_spec, . - helper_x86_x87_spec\n"
        ".previous\n");

bool x86_x87_spec_plan(const X86Insn *const *x87, unsigned n, unsigned top, bool fcw_default, uint32_t fip,
                       bool last_mem, X86X87Spec *sp)
{
    X86FastShape s;
    X86FastCode c = { .n = 0 };
    unsigned keep, host, touched = 0, empty = 0;
    bool captured;

    memset(sp, 0, sizeof(*sp));
    if (!x86_fast_shape(x87, n, &s) || s.reads_flags || s.cc == X86_FAST_CC_OTHER) {
        return false;
    }
    captured = s.last_w >= 0 && s.last_save > s.last_w;
    /* The status bits kept from the guest's word and those taken from the host's. */
    keep = 0x7f | (s.cc == X86_FAST_CC_KEEP ? 0x4500 : 0) | (s.last_w < 0 ? 0x200 : 0);
    host = 0x7f | (s.cc == X86_FAST_CC_SET ? 0x4500 : 0) | (s.last_w >= 0 && !captured ? 0x200 : 0);

    /* The pointers of the last instruction, as x86_x87_commit sets them (FOP only with ES). */
    x86_spec_rm(&c, "\xc7", 1, 0, X86_SPEC_FIP, fip, 4);                        /* mov dword [fip], pc */
    x86_spec_rm(&c, "\x0f\xb7", 2, X86_SPEC_RAX, (unsigned)offsetof(X86Cpu, cs), 0, 0);
    x86_spec_rm(&c, "\x66\x89", 2, X86_SPEC_RAX, X86_SPEC_FCS, 0, 0);           /* fcs = cs */
    if (last_mem) {
        x86_spec_rm(&c, "\x89", 1, X86_SPEC_RDX, X86_SPEC_FDP, 0, 0);           /* mov [fdp], edx */
        x86_spec_rm(&c, "\x0f\xb7", 2, X86_SPEC_RAX, (unsigned)offsetof(X86Cpu, ds), 0, 0);
        x86_spec_rm(&c, "\x66\x89", 2, X86_SPEC_RAX, X86_SPEC_FDS, 0, 0);       /* fds = ds */
    } else {
        x86_spec_rm(&c, "\xc7", 1, 0, X86_SPEC_FDP, 0, 4);                      /* mov dword [fdp], 0 */
        x86_spec_rm(&c, "\x66\xc7", 2, 0, X86_SPEC_FDS, 0, 2);                  /* mov word [fds], 0 */
    }
    /* The host's control word saved, the guest's loaded (its exceptions are all masked). */
    if (!fcw_default) {
        x86_fast_emit(&c, (const uint8_t[]){ 0xd9, 0x7c, 0x24, 0xe0 }, 4);     /* fnstcw [rsp-32] */
        x86_spec_rm(&c, "\xd9", 1, 5, X86_SPEC_FCW, 0, 0);                      /* fldcw [fcw] */
    }
    /* The host's exception flags are among the guest's already (x86_x87_drop_host): no fnclex. */
    for (int p = s.hi; p >= 0; p--) {
        x86_spec_rm(&c, "\xdb", 1, 5, X86_SPEC_ST(p), 0, 0);                    /* fld tbyte [ST(p)] */
    }
    /*
     * Entries the run does not touch turn with TOP: position p (hi < p < lo + 8) goes from
     * ST(p) to ST(p - cur).  Moved in the order that reads each before it is overwritten
     * (cur < hi - lo + 2, so no move lands on an entry still to be read).
     */
    if (s.cur > 0) {
        for (int p = s.hi + 1; p <= s.lo + 7; p++) {
            x86_spec_move(&c, (unsigned)p, (unsigned)(p - s.cur) & 7);
        }
    } else if (s.cur < 0) {
        for (int p = s.lo + 7; p > s.hi; p--) {
            x86_spec_move(&c, (unsigned)p, (unsigned)(p - s.cur) & 7);
        }
    }
    for (unsigned k = 0; k < n; k++) {
        const X86Insn *in = x87[k];

        /* Registers that end empty keep what they held when popped the last time. */
        for (int p = s.lo; p < s.cur; p++) {
            if (s.last_pop[p + 8] != (int)k) {
                continue;
            }
            if (s.hi - s.top_at[k] < 7) {                                       /* a free register */
                x86_fast_emit2(&c, 0xd9, (uint8_t)(0xc0 + p - s.top_at[k]));     /* fld st(p) */
                x86_spec_rm(&c, "\xdb", 1, 7, X86_SPEC_ST((unsigned)(p - s.cur) & 7), 0, 0);   /* fstp tbyte */
                continue;
            }
            if (p != s.top_at[k]) {
                x86_fast_emit2(&c, 0xd9, 0xc9);                                 /* fxch st(1) */
            }
            x86_spec_rm(&c, "\xdb", 1, 7, X86_SPEC_ST((unsigned)(p - s.cur) & 7), 0, 0);   /* fstp tbyte */
            x86_spec_rm(&c, "\xdb", 1, 5, X86_SPEC_ST((unsigned)(p - s.cur) & 7), 0, 0);   /* fld tbyte */
            if (p != s.top_at[k]) {
                x86_fast_emit2(&c, 0xd9, 0xc9);
            }
        }
        if (in->mod == 3) {
            x86_fast_emit2(&c, in->opcode, in->modrm);
        } else {
            x86_spec_rm(&c, (const char *)&in->opcode, 1, (in->modrm >> 3) & 7, X86_OFF_FPU_SCRATCH(2 * k), 0, 0);
        }
        if (captured && (int)k == s.last_w) {
            x86_fast_emit(&c, (const uint8_t[]){ 0xdd, 0x7c, 0x24, 0xe8 }, 4);     /* fnstsw [rsp-24] */
        }
    }
    if (s.writes_flags) {
        x86_fast_emit(&c, (const uint8_t[]){ 0x9c, 0x41, 0x58 }, 3);           /* pushfq; pop r8 */
    }
    /* The status word: flags ORed, C3/C2/C0 and C1 from the guest or the host, the new TOP. */
    x86_fast_emit2(&c, 0xdf, 0xe0);                                             /* fnstsw ax */
    x86_spec_rm(&c, "\x0f\xb7", 2, X86_SPEC_RCX, X86_SPEC_FSW, 0, 0);           /* movzx ecx, word [fsw] */
    x86_fast_emit2(&c, 0x81, 0xe1);                                             /* and ecx, keep */
    x86_fast_emit(&c, (const uint8_t *)&(uint32_t){ keep }, 4);
    x86_fast_emit(&c, (const uint8_t[]){ 0x25 }, 1);                            /* and eax, host */
    x86_fast_emit(&c, (const uint8_t *)&(uint32_t){ host }, 4);
    x86_fast_emit2(&c, 0x09, 0xc8);                                             /* or eax, ecx */
    if (captured) {
        x86_fast_emit(&c, (const uint8_t[]){ 0x0f, 0xb7, 0x54, 0x24, 0xe8 }, 5);   /* movzx edx, word [rsp-24] */
        x86_fast_emit(&c, (const uint8_t[]){ 0x81, 0xe2, 0x00, 0x02, 0, 0 }, 6);   /* and edx, 0x200 */
        x86_fast_emit2(&c, 0x09, 0xd0);                                         /* or eax, edx */
    }
    x86_fast_emit(&c, (const uint8_t[]){ 0x0d }, 1);                            /* or eax, TOP << 11 */
    x86_fast_emit(&c, (const uint8_t *)&(uint32_t){ ((top + (unsigned)s.cur) & 7) << 11 }, 4);
    x86_spec_rm(&c, "\x66\x89", 2, X86_SPEC_RAX, X86_SPEC_FSW, 0, 0);           /* mov [fsw], ax */
    /* Back to the image: registers written, and all of them when TOP moved; the rest dropped. */
    for (int p = s.cur; p <= s.hi; p++) {
        if (s.cur != 0 || (s.written >> (p + 8) & 1)) {
            x86_spec_rm(&c, "\xdb", 1, 7, X86_SPEC_ST((unsigned)(p - s.cur) & 7), 0, 0);   /* fstp tbyte */
        } else {
            x86_fast_emit2(&c, 0xdd, 0xd8);                                     /* fstp st(0) */
        }
    }
    if (!fcw_default) {
        x86_fast_emit(&c, (const uint8_t[]){ 0xd9, 0x6c, 0x24, 0xe0 }, 4);     /* fldcw [rsp-32] */
    }
    /* Tags of the registers the run popped (empty) or wrote (by contents); the rest keep theirs. */
    for (int p = s.lo; p <= s.hi; p++) {
        unsigned phys = (top + (unsigned)p) & 7;

        if (p < s.cur || (s.written >> (p + 8) & 1)) {
            touched |= 3u << 2 * phys;
        }
        empty |= p < s.cur ? 3u << 2 * phys : 0;
    }
    x86_spec_rm(&c, "\x0f\xb7", 2, X86_SPEC_RDX, X86_SPEC_FTW, 0, 0);           /* movzx edx, word [ftw] */
    x86_fast_emit2(&c, 0x81, 0xe2);                                             /* and edx, ~touched */
    x86_fast_emit(&c, (const uint8_t *)&(uint32_t){ ~touched & 0xffff }, 4);
    if (empty) {
        x86_fast_emit2(&c, 0x81, 0xca);                                         /* or edx, empty */
        x86_fast_emit(&c, (const uint8_t *)&(uint32_t){ empty }, 4);
    }
    for (int p = s.cur; p <= s.hi; p++) {
        if (s.written >> (p + 8) & 1) {
            x86_spec_tag(&c, X86_SPEC_ST((unsigned)(p - s.cur) & 7), (top + (unsigned)p) & 7);
        }
    }
    x86_spec_rm(&c, "\x66\x89", 2, X86_SPEC_RDX, X86_SPEC_FTW, 0, 0);           /* mov [ftw], dx */
    if (s.writes_flags) {
        x86_fast_emit(&c, (const uint8_t[]){ 0x4c, 0x89, 0xc0 }, 3);           /* mov rax, r8 */
    }
    x86_fast_emit(&c, (const uint8_t[]){ 0xc3 }, 1);
    if (c.full) {
        return false;
    }
    sp->stub = x86_host_code(c.b, c.n);
    for (int p = s.lo; p <= s.hi; p++) {
        unsigned phys = (top + (unsigned)p) & 7;

        if (p < 0) {
            sp->need_empty |= (uint8_t)(1u << phys);
        } else {
            sp->need_valid |= (uint8_t)(1u << phys);
        }
    }
    sp->writes_flags = s.writes_flags;
    return true;
}

/* --- Running it --- */

/*
 * A value whose fxam gives C3 C2 C0 (index C3 << 2 | C2 << 1 | C0): unsupported
 * (an unnormal), NaN, normal, infinity, zero, -, denormal, -.
 */
static const uint8_t x86_fast_fxam[8][10] = {
    [0] = { 0, 0, 0, 0, 0, 0, 0, 0x40, 0xff, 0x3f },
    [1] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0x7f },
    [2] = { 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f },
    [3] = { 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x7f },
    [4] = { 0 },
    [6] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};

bool x86_x87_fast_run(X86Cpu *cpu, const X86X87Fast *f, uint64_t info, uint64_t ea, uint64_t *flags)
{
    X86FpuState *s = &cpu->fpu;
    unsigned fsw = s->fsw, fcw = s->fcw, top = (fsw >> 11) & 7;
    unsigned cc = ((fsw >> 12) & 4) | ((fsw >> 9) & 2) | ((fsw >> 8) & 1);
    unsigned size = info & X86_X87_MSIZE, e, c1;
    X86FpuFastFrame fr;

    if (cc == 5 || cc == 7) {
        return false;
    }
    /* Empty registers, one bit each by position from TOP: the run needs exactly its own. */
    e = s->ftw & (s->ftw >> 1) & 0x5555u;
    e = (e | e >> 1) & 0x3333u;
    e = (e | e >> 2) & 0x0f0fu;
    e = (e | e >> 4) & 0x00ffu;
    e = ((e >> top) | (e << (8 - top))) & 0xffu;
    if ((e & f->need_valid) || (e & f->need_empty) != f->need_empty) {
        return false;           /* a stack fault: the full stub gives its masked response */
    }
    fr.fcw = (uint16_t)(fcw | 0x3f);
    fr.clean = (uint8_t)(~fsw & 0x3f);
    fr.rflags_in = f->reads_flags ? (x86_get_eflags(cpu) & X86_ARITH_FLAGS) | 0x202 : 0x202;
    memcpy(fr.k, x86_fast_fxam[cc], 10);
    for (int p = 0; p <= f->maxpos; p++) {
        memcpy(fr.st[p + 8], s->st[p], 10);
    }
    ((void (*)(X86FpuFastFrame *, void *))f->stub)(&fr, cpu->fpu_scratch);
    if (fr.fsw & ~fcw & 0x3f) {
        return false;           /* unmasked: the full stub replays the run */
    }

    /* The FNSAVE image keeps ST(i) in stack order: it turns with TOP. */
    if (f->final == 0) {
        for (int p = f->minpos; p <= f->maxpos; p++) {
            memcpy(s->st[(unsigned)p & 7], fr.st[p + 8], 10);
        }
    } else {
        uint8_t st[8][10];

        memcpy(st, s->st, sizeof(st));
        for (int i = 0; i < 8; i++) {
            int w = f->final + i;

            if (w > f->maxpos) {
                w -= 8;         /* the same physical register, below the run's */
            }
            memcpy(s->st[i], w >= f->minpos ? fr.st[w + 8] : st[(unsigned)w & 7], 10);
        }
    }
    for (int p = f->minpos; p <= f->maxpos; p++) {
        unsigned phys = (top + (unsigned)p) & 7;
        unsigned tag = p >= f->final ? x86_fpu_tag_of(fr.st[p + 8]) : 3;

        s->ftw = (uint16_t)((s->ftw & ~(3u << (2 * phys))) | tag << (2 * phys));
    }
    c1 = f->c1 == X86_FAST_C1_GUEST ? fsw : f->c1 == X86_FAST_C1_CAPTURED ? fr.c1 : fr.fsw;
    fsw = ((fsw | fr.fsw) & 0x7f) | (fr.fsw & 0x4500) | (c1 & 0x200) | (((top + (unsigned)f->final) & 7) << 11);
    /* ES and B stay clear: a flag whose mask is clear went to the full stub. */
    s->fsw = (uint16_t)fsw;
    /* The pointers of the last instruction, as x86_x87_commit sets them (FOP only with ES). */
    s->fip = (uint32_t)(info >> X86_X87_PC_SHIFT);
    s->fcs = (uint16_t)cpu->cs;
    s->fdp = size ? (uint32_t)ea : 0;
    s->fds = size ? (uint16_t)cpu->ds : 0;
    *flags = f->writes_flags ? fr.rflags & X86_ARITH_FLAGS : 0;
    return true;
}
