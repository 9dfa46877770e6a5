/*
 * Reference semantics of the floating-point ops (ir_ops.def, "Floating point"), in
 * portable C: NaN inputs are handled here explicitly (a C compiler may swap the
 * operands of + and *, which on some hosts changes which NaN comes out), the rest is
 * the host's IEEE 754 arithmetic in its default round-to-nearest mode.
 *
 * The host's floating-point environment is saved and restored around the operation:
 * the constant folder runs this at translation time, and its exception flags must not
 * reach a guest that keeps its own flags in the host's flag register.
 */
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "ir/ir.h"

#define QUIET_D   UINT64_C(0x0008000000000000)
#define DEFAULT_D UINT64_C(0xfff8000000000000)
#define QUIET_S   UINT32_C(0x00400000)
#define DEFAULT_S UINT32_C(0xffc00000)

static bool is_nan_d(uint64_t v)
{
    return (v & ~(UINT64_C(1) << 63)) > UINT64_C(0x7ff0000000000000);
}

static bool is_nan_s(uint32_t v)
{
    return (v & 0x7fffffffu) > 0x7f800000u;
}

static uint64_t eval_d(IrOpcode op, uint64_t a, uint64_t b, uint64_t c)
{
    double x, y, z, r;
    uint64_t out;

    if (is_nan_d(a)) {
        return a | QUIET_D;
    }
    if (op != IR_OP_FSQRT && is_nan_d(b)) {
        return b | QUIET_D;
    }
    if (op == IR_OP_FMA && is_nan_d(c)) {
        return c | QUIET_D;
    }
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    memcpy(&z, &c, 8);
    switch (op) {
    case IR_OP_FADD: r = x + y; break;
    case IR_OP_FSUB: r = x - y; break;
    case IR_OP_FMUL: r = x * y; break;
    case IR_OP_FDIV: r = x / y; break;
    case IR_OP_FSQRT: r = sqrt(x); break;
    case IR_OP_FMA: r = fma(x, y, z); break;
    default: g_assert_not_reached();
    }
    if (isnan(r)) {
        return DEFAULT_D;       /* an invalid operation: the inputs were not NaNs */
    }
    memcpy(&out, &r, 8);
    return out;
}

static uint32_t eval_s(IrOpcode op, uint32_t a, uint32_t b, uint32_t c)
{
    float x, y, z, r;
    uint32_t out;

    if (is_nan_s(a)) {
        return a | QUIET_S;
    }
    if (op != IR_OP_FSQRT && is_nan_s(b)) {
        return b | QUIET_S;
    }
    if (op == IR_OP_FMA && is_nan_s(c)) {
        return c | QUIET_S;
    }
    memcpy(&x, &a, 4);
    memcpy(&y, &b, 4);
    memcpy(&z, &c, 4);
    switch (op) {
    case IR_OP_FADD: r = x + y; break;
    case IR_OP_FSUB: r = x - y; break;
    case IR_OP_FMUL: r = x * y; break;
    case IR_OP_FDIV: r = x / y; break;
    case IR_OP_FSQRT: r = sqrtf(x); break;
    case IR_OP_FMA: r = fmaf(x, y, z); break;
    default: g_assert_not_reached();
    }
    if (isnan(r)) {
        return DEFAULT_S;
    }
    memcpy(&out, &r, 4);
    return out;
}

uint64_t ir_eval_fp_noenv(const IrInsn *insn, uint64_t a, uint64_t b, uint64_t c)
{
    if (insn->type == IR_I32) {
        return eval_s((IrOpcode)insn->op, (uint32_t)a, (uint32_t)b, (uint32_t)c);
    }
    return eval_d((IrOpcode)insn->op, a, b, c);
}

uint64_t ir_eval_fp(const IrInsn *insn, uint64_t a, uint64_t b, uint64_t c)
{
    fenv_t env;
    uint64_t r;

    fegetenv(&env);
    r = ir_eval_fp_noenv(insn, a, b, c);
    fesetenv(&env);
    return r;
}

/*
 * FADDH..FSQRTH: the SSE instruction itself, as volatile asm so that the compiler neither
 * folds, moves nor drops it (its MXCSR flags are the point), with a as the destination
 * operand so that x86's NaN rule holds.
 */
#define FP_HOST(insn_text, x, y) __asm__ volatile(insn_text " %1, %0" : "+x"(x) : "x"(y))

static uint64_t eval_host_d(IrOpcode op, uint64_t a, uint64_t b)
{
    double x, y;
    uint64_t out;

    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    switch (op) {
    case IR_OP_FADDH: FP_HOST("addsd", x, y); break;
    case IR_OP_FSUBH: FP_HOST("subsd", x, y); break;
    case IR_OP_FMULH: FP_HOST("mulsd", x, y); break;
    case IR_OP_FDIVH: FP_HOST("divsd", x, y); break;
    case IR_OP_FSQRTH: FP_HOST("sqrtsd", x, x); break;
    default: g_assert_not_reached();
    }
    memcpy(&out, &x, 8);
    return out;
}

static uint32_t eval_host_s(IrOpcode op, uint32_t a, uint32_t b)
{
    float x, y;
    uint32_t out;

    memcpy(&x, &a, 4);
    memcpy(&y, &b, 4);
    switch (op) {
    case IR_OP_FADDH: FP_HOST("addss", x, y); break;
    case IR_OP_FSUBH: FP_HOST("subss", x, y); break;
    case IR_OP_FMULH: FP_HOST("mulss", x, y); break;
    case IR_OP_FDIVH: FP_HOST("divss", x, y); break;
    case IR_OP_FSQRTH: FP_HOST("sqrtss", x, x); break;
    default: g_assert_not_reached();
    }
    memcpy(&out, &x, 4);
    return out;
}

/* FCMPH: the flags of (u)comis{s,d} a, b as EFLAGS bits. */
static uint64_t eval_host_cmp(const IrInsn *insn, uint64_t a, uint64_t b)
{
    uint8_t z, p, c;

    if (insn->type == IR_I32) {
        float x, y;
        uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;

        memcpy(&x, &a32, 4);
        memcpy(&y, &b32, 4);
        if (insn->imm[0]) {
            __asm__ volatile("comiss %3, %4\n\tsete %0\n\tsetp %1\n\tsetb %2"
                             : "=q"(z), "=q"(p), "=q"(c) : "x"(y), "x"(x) : "cc");
        } else {
            __asm__ volatile("ucomiss %3, %4\n\tsete %0\n\tsetp %1\n\tsetb %2"
                             : "=q"(z), "=q"(p), "=q"(c) : "x"(y), "x"(x) : "cc");
        }
    } else {
        double x, y;

        memcpy(&x, &a, 8);
        memcpy(&y, &b, 8);
        if (insn->imm[0]) {
            __asm__ volatile("comisd %3, %4\n\tsete %0\n\tsetp %1\n\tsetb %2"
                             : "=q"(z), "=q"(p), "=q"(c) : "x"(y), "x"(x) : "cc");
        } else {
            __asm__ volatile("ucomisd %3, %4\n\tsete %0\n\tsetp %1\n\tsetb %2"
                             : "=q"(z), "=q"(p), "=q"(c) : "x"(y), "x"(x) : "cc");
        }
    }
    return (uint64_t)z << 6 | (uint64_t)p << 2 | c;
}

uint64_t ir_eval_fp_host(const IrInsn *insn, uint64_t a, uint64_t b)
{
    if (insn->op == IR_OP_FCMPH) {
        return eval_host_cmp(insn, a, b);
    }
    if (insn->type == IR_I32) {
        return eval_host_s((IrOpcode)insn->op, (uint32_t)a, (uint32_t)b);
    }
    return eval_host_d((IrOpcode)insn->op, a, b);
}

/* FCMP: by integer compares of the bit patterns, so no host flag is raised. */
uint64_t ir_eval_fcmp(IrType type, uint64_t a, uint64_t b)
{
    unsigned bits = type == IR_I32 ? 32 : 64;
    uint64_t sign = UINT64_C(1) << (bits - 1);
    uint64_t mag = sign - 1;
    uint64_t inf = type == IR_I32 ? UINT64_C(0x7f800000) : UINT64_C(0x7ff0000000000000);
    uint64_t ma = a & mag, mb = b & mag;
    int64_t ka, kb;

    if (ma > inf || mb > inf) {
        return 1;
    }
    /* order keys: the magnitude, negated when the sign is set (+0 and -0 both 0) */
    ka = (a & sign) ? -(int64_t)ma : (int64_t)ma;
    kb = (b & sign) ? -(int64_t)mb : (int64_t)mb;
    return ka < kb ? 8 : ka > kb ? 4 : 2;
}

/* FEXT: by moving bits (a denormal normalized), so no host flag is raised. */
uint64_t ir_eval_fext(uint32_t a)
{
    uint64_t sign = (uint64_t)(a >> 31) << 63;
    uint32_t exp = (a >> 23) & 0xff, frac = a & 0x7fffffu;
    int dexp;

    if (exp == 0xff) {
        /* infinity, or a NaN with the quiet bit set */
        return sign | UINT64_C(0x7ff0000000000000) | (uint64_t)frac << 29 | (frac ? UINT64_C(0x0008000000000000) : 0);
    }
    if (exp == 0) {
        int shift;

        if (frac == 0) {
            return sign;
        }
        shift = __builtin_clz(frac) - 8;        /* brings the leading one to bit 23 */
        frac = (frac << shift) & 0x7fffffu;
        dexp = 1023 - 126 - shift;
    } else {
        dexp = (int)exp - 127 + 1023;
    }
    return sign | (uint64_t)dexp << 52 | (uint64_t)frac << 29;
}
