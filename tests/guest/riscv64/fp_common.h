/*
 * fp_common.h - one table-driven runner for the F and D test programs (rv64f.c, rv64d.c).
 *
 * The including file defines FSFX (".s" or ".d"), FMV_TO_F ("fmv.w.x"/"fmv.d.x") and
 * FMV_FROM_F ("fmv.x.w"/"fmv.x.d") first. Operands and results travel as raw bit patterns
 * through integer registers so the compiler can neither fold nor reorder the FP work; each
 * operation runs with frm set from the row (dynamic rounding), fflags cleared just before it
 * and read back just after it, so every row checks the accrued exception flags of exactly
 * one instruction (RISC-V unprivileged ISA, 11.2).
 */
#ifndef FP_COMMON_H
#define FP_COMMON_H

#include "guest_check.h"

enum { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4 };
enum { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16 };

typedef enum FpOp {
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_MIN, OP_MAX,
    OP_MADD, OP_MSUB, OP_NMSUB, OP_NMADD,
    OP_SGNJ, OP_SGNJN, OP_SGNJX,
    OP_EQ, OP_LT, OP_LE, OP_CLASS,
    OP_CVT_W, OP_CVT_WU, OP_CVT_L, OP_CVT_LU,        /* float -> integer register */
    OP_CVT_FROM_W, OP_CVT_FROM_WU, OP_CVT_FROM_L, OP_CVT_FROM_LU,
    OP_COUNT
} FpOp;

static const char *const fp_op_names[OP_COUNT] = {
    "fadd", "fsub", "fmul", "fdiv", "fsqrt", "fmin", "fmax",
    "fmadd", "fmsub", "fnmsub", "fnmadd", "fsgnj", "fsgnjn", "fsgnjx",
    "feq", "flt", "fle", "fclass", "fcvt.w", "fcvt.wu", "fcvt.l", "fcvt.lu",
    "fcvt.from.w", "fcvt.from.wu", "fcvt.from.l", "fcvt.from.lu",
};

/* Result in an FP register, moved out with FMV_FROM_F. */
#define FP_ASM_F(insn_and_operands) \
    __asm__ volatile("fsrm %[rm]\n\t" \
                     FMV_TO_F " ft0, %[a]\n\t" FMV_TO_F " ft1, %[b]\n\t" FMV_TO_F " ft2, %[c]\n\t" \
                     "csrw fflags, zero\n\t" \
                     insn_and_operands "\n\t" \
                     "frflags %[fl]\n\t" \
                     FMV_FROM_F " %[r], ft3" \
                     : [r] "=r"(r), [fl] "=&r"(fl) \
                     : [a] "r"(a), [b] "r"(b), [c] "r"(c), [rm] "r"(rm) \
                     : "ft0", "ft1", "ft2", "ft3")
/* Result in an integer register. */
#define FP_ASM_I(insn_and_operands) \
    __asm__ volatile("fsrm %[rm]\n\t" \
                     FMV_TO_F " ft0, %[a]\n\t" FMV_TO_F " ft1, %[b]\n\t" \
                     "csrw fflags, zero\n\t" \
                     insn_and_operands "\n\t" \
                     "frflags %[fl]" \
                     : [r] "=&r"(r), [fl] "=&r"(fl) \
                     : [a] "r"(a), [b] "r"(b), [rm] "r"(rm) \
                     : "ft0", "ft1")
/* Integer source register, FP result. */
#define FP_ASM_FROM_I(insn_and_operands) \
    __asm__ volatile("fsrm %[rm]\n\t" \
                     "csrw fflags, zero\n\t" \
                     insn_and_operands "\n\t" \
                     "frflags %[fl]\n\t" \
                     FMV_FROM_F " %[r], ft3" \
                     : [r] "=r"(r), [fl] "=&r"(fl) \
                     : [a] "r"(a), [rm] "r"(rm) \
                     : "ft3")

static uint64_t fp_run(FpOp op, uint64_t rm, uint64_t a, uint64_t b, uint64_t c, uint64_t *flags)
{
    uint64_t r = 0, fl = 0;
    switch (op) {
    case OP_ADD: FP_ASM_F("fadd" FSFX " ft3, ft0, ft1"); break;
    case OP_SUB: FP_ASM_F("fsub" FSFX " ft3, ft0, ft1"); break;
    case OP_MUL: FP_ASM_F("fmul" FSFX " ft3, ft0, ft1"); break;
    case OP_DIV: FP_ASM_F("fdiv" FSFX " ft3, ft0, ft1"); break;
    case OP_SQRT: FP_ASM_F("fsqrt" FSFX " ft3, ft0"); break;
    case OP_MIN: FP_ASM_F("fmin" FSFX " ft3, ft0, ft1"); break;
    case OP_MAX: FP_ASM_F("fmax" FSFX " ft3, ft0, ft1"); break;
    case OP_MADD: FP_ASM_F("fmadd" FSFX " ft3, ft0, ft1, ft2"); break;
    case OP_MSUB: FP_ASM_F("fmsub" FSFX " ft3, ft0, ft1, ft2"); break;
    case OP_NMSUB: FP_ASM_F("fnmsub" FSFX " ft3, ft0, ft1, ft2"); break;
    case OP_NMADD: FP_ASM_F("fnmadd" FSFX " ft3, ft0, ft1, ft2"); break;
    case OP_SGNJ: FP_ASM_F("fsgnj" FSFX " ft3, ft0, ft1"); break;
    case OP_SGNJN: FP_ASM_F("fsgnjn" FSFX " ft3, ft0, ft1"); break;
    case OP_SGNJX: FP_ASM_F("fsgnjx" FSFX " ft3, ft0, ft1"); break;
    case OP_EQ: FP_ASM_I("feq" FSFX " %[r], ft0, ft1"); break;
    case OP_LT: FP_ASM_I("flt" FSFX " %[r], ft0, ft1"); break;
    case OP_LE: FP_ASM_I("fle" FSFX " %[r], ft0, ft1"); break;
    case OP_CLASS: FP_ASM_I("fclass" FSFX " %[r], ft0"); break;
    case OP_CVT_W: FP_ASM_I("fcvt.w" FSFX " %[r], ft0"); break;
    case OP_CVT_WU: FP_ASM_I("fcvt.wu" FSFX " %[r], ft0"); break;
    case OP_CVT_L: FP_ASM_I("fcvt.l" FSFX " %[r], ft0"); break;
    case OP_CVT_LU: FP_ASM_I("fcvt.lu" FSFX " %[r], ft0"); break;
    case OP_CVT_FROM_W: FP_ASM_FROM_I("fcvt" FSFX ".w ft3, %[a]"); break;
    case OP_CVT_FROM_WU: FP_ASM_FROM_I("fcvt" FSFX ".wu ft3, %[a]"); break;
    case OP_CVT_FROM_L: FP_ASM_FROM_I("fcvt" FSFX ".l ft3, %[a]"); break;
    case OP_CVT_FROM_LU: FP_ASM_FROM_I("fcvt" FSFX ".lu ft3, %[a]"); break;
    case OP_COUNT: break;
    }
    *flags = fl;
    return r;
}

static int fp_int_result(FpOp op)
{
    return (op >= OP_EQ && op <= OP_CVT_LU);
}

typedef struct FpCase {
    FpOp op;
    uint8_t rm;
    uint64_t a, b, c;
    uint64_t want;       /* FP results: the format's bits; integer results: all 64 bits */
    uint8_t flags;
} FpCase;

/* Runs a table; FP results are compared in the format's width (fmv.x.w sign-extends). */
static void fp_run_table(const FpCase *cases, unsigned n, uint64_t fp_mask)
{
    for (unsigned i = 0; i < n; i++) {
        const FpCase *t = &cases[i];
        uint64_t fl;
        uint64_t r = fp_run(t->op, t->rm, t->a, t->b, t->c, &fl);
        if (!fp_int_result(t->op)) {
            r &= fp_mask;
        }
        int ok = CHECK_EQ(r, t->want);
        ok &= CHECK_EQ(fl, t->flags);
        if (!ok) {
            printf("  (row %u: %s%s rm=%u a=0x%" PRIx64 " b=0x%" PRIx64 " c=0x%" PRIx64 ")\n",
                   i, fp_op_names[t->op], FSFX, t->rm, t->a, t->b, t->c);
        }
    }
}

#define FP_TABLE(name, mask) fp_run_table(name, sizeof(name) / sizeof(name[0]), mask)

#endif /* FP_COMMON_H */
