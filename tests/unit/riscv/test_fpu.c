/*
 * F and D semantics through the lifter and the IR interpreter: a table of
 * qemu-riscv64 results (fpu_cases.inc) plus hand-written cases whose expected
 * values come from the ISA manual (chapter 11-12) and IEEE 754 arithmetic.
 */
#include <check.h>
#include <string.h>
#include <xmmintrin.h>

#include "tests/unit/riscv/rv_test.h"

typedef struct FpuCase {
    uint32_t insn, frm;
    uint64_t f11, f12, f13, x11;
    uint64_t f10, x10;
    uint32_t fflags, illegal;
} FpuCase;

static const FpuCase fpu_cases[] = {
#include "tests/unit/riscv/fpu_cases.inc"
};

#define BOX(v) (UINT64_C(0xffffffff00000000) | (v))
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

/* Run one instruction (then ebreak) with the given sources; returns true if it was illegal. */
static bool fpu_run(RvtMachine *m, uint32_t insn, uint32_t frm, const uint64_t *f, uint64_t x11)
{
    uint32_t code[2] = { insn, RVT_EBREAK };
    IrInterpExit ex;

    rvt_load(m, code, 2);
    m->cpu.f[10] = 0;
    m->cpu.x[10] = 0;
    m->cpu.f[11] = f[0];
    m->cpu.f[12] = f[1];
    m->cpu.f[13] = f[2];
    m->cpu.x[11] = x11;
    m->cpu.x[12] = f[1];
    m->cpu.frm = frm;
    ex = rvt_run(m, 4);
    ck_assert_int_eq(ex.kind, IR_INTERP_RAISE);
    if (ex.raise_kind == GUEST_EXIT_ILLEGAL) {
        ck_assert_uint_eq(ex.pc, RVT_CODE);
        ck_assert_uint_eq(ex.aux, insn);
        return true;
    }
    ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_BREAKPOINT);
    return false;
}

/*
 * preset_nx: start with NX already accrued (the helpers' fast path that reads no
 * host flags); the expected flags are then qemu's plus NX.
 */
static void fpu_check_case(const FpuCase *c, bool optimize, bool preset_nx)
{
    RvtMachine m;
    uint64_t f[3] = { c->f11, c->f12, c->f13 };
    uint32_t want_flags = c->fflags | (preset_nx ? NX : 0);
    bool ill;

    rvt_init(&m);
    m.optimize = optimize;
    m.cpu.fflags = preset_nx ? NX : 0;
    ill = fpu_run(&m, c->insn, c->frm, f, c->x11);
    ck_assert_msg(ill == (c->illegal != 0), "insn %08x: illegal %d", c->insn, ill);
    if (!ill) {
        ck_assert_msg(m.cpu.f[10] == c->f10 && m.cpu.x[10] == c->x10 && m.cpu.fflags == want_flags,
                      "insn %08x frm %u (%016llx %016llx %016llx x %016llx): got f %016llx x %016llx "
                      "flags %02x, want f %016llx x %016llx flags %02x",
                      c->insn, c->frm, (unsigned long long)c->f11, (unsigned long long)c->f12,
                      (unsigned long long)c->f13, (unsigned long long)c->x11,
                      (unsigned long long)m.cpu.f[10], (unsigned long long)m.cpu.x[10], m.cpu.fflags,
                      (unsigned long long)c->f10, (unsigned long long)c->x10, want_flags);
    }
    rvt_fini(&m);
}

START_TEST(test_fpu_qemu_table)
{
    fpu_check_case(&fpu_cases[_i], false, false);
}
END_TEST

START_TEST(test_fpu_qemu_table_opt)
{
    fpu_check_case(&fpu_cases[_i], true, false);
}
END_TEST

START_TEST(test_fpu_qemu_table_nx)
{
    fpu_check_case(&fpu_cases[_i], true, true);
}
END_TEST

/* Encodings with rd = 10, rs1 = 11, rs2 = 12. */
#define FADD_S(rm)   (0x00c58553u | (uint32_t)(rm) << 12)
#define FDIV_D(rm)   (0x1ac58553u | (uint32_t)(rm) << 12)
#define FMV_X_W      0xe0058553u
#define FMV_W_X      0xf0058553u
#define FSGNJ_S      0x20c58553u   /* fmv.s when rs1 == rs2; here rs2 = 12 */
#define FCVT_W_D(rm) (0xc2058553u | (uint32_t)(rm) << 12)
#define FCVT_WU_D(rm) (0xc2158553u | (uint32_t)(rm) << 12)

/* A single-precision source that is not NaN-boxed reads as the canonical NaN (ISA 12.2). */
START_TEST(test_fpu_nan_boxing)
{
    RvtMachine m;
    uint64_t f[3] = { 0x000000003f800000u, BOX(0x3f800000u), 0 };   /* unboxed 1.0, boxed 1.0 */

    rvt_init(&m);
    ck_assert(!fpu_run(&m, FADD_S(0), 0, f, 0));
    ck_assert_uint_eq(m.cpu.f[10], BOX(0x7fc00000u));
    ck_assert_uint_eq(m.cpu.fflags, 0);        /* a canonical (quiet) NaN operand raises nothing */
    /* fsgnj.s takes the magnitude from the unboxed rs1 -> canonical NaN with rs2's sign. */
    f[1] = BOX(0xbf800000u);
    ck_assert(!fpu_run(&m, FSGNJ_S, 0, f, 0));
    ck_assert_uint_eq(m.cpu.f[10], BOX(0xffc00000u));
    /* fmv.x.w moves the raw low bits, sign-extended, without unboxing. */
    f[0] = 0x12345678c0000000u;
    ck_assert(!fpu_run(&m, FMV_X_W, 0, f, 0));
    ck_assert_uint_eq(m.cpu.x[10], 0xffffffffc0000000u);
    /* fmv.w.x boxes. */
    ck_assert(!fpu_run(&m, FMV_W_X, 0, f, 0x1122334455667788u));
    ck_assert_uint_eq(m.cpu.f[10], BOX(0x55667788u));
    rvt_fini(&m);
}
END_TEST

/* fflags accrue: bits already set stay, new ones are ORed in. */
START_TEST(test_fpu_flags_accrue)
{
    RvtMachine m;
    uint64_t one = 0x3ff0000000000000u, zero = 0;
    uint64_t f[3] = { one, zero, 0 };

    rvt_init(&m);
    m.cpu.fflags = NX;
    ck_assert(!fpu_run(&m, FDIV_D(0), 0, f, 0));
    ck_assert_uint_eq(m.cpu.f[10], 0x7ff0000000000000u);   /* 1/0 = +inf */
    ck_assert_uint_eq(m.cpu.fflags, NX | DZ);
    rvt_fini(&m);
}
END_TEST

/*
 * Host code may leave flags in MXCSR between guest operations; they must not
 * reach fflags.  An exact guest operation after an inexact host one sets nothing.
 */
START_TEST(test_fpu_host_flags_do_not_leak)
{
    RvtMachine m;
    uint64_t f[3] = { 0x3ff0000000000000u, 0x4000000000000000u, 0 };   /* 1.0 / 2.0: exact */
    volatile double third = 1.0;

    rvt_init(&m);
    third /= 3.0;               /* sets PE on the host */
    _mm_setcsr(_mm_getcsr() | 0x3d);
    m.cpu.fflags = 0;
    ck_assert(!fpu_run(&m, FDIV_D(0), 0, f, 0));
    ck_assert_uint_eq(m.cpu.f[10], 0x3fe0000000000000u);
    ck_assert_uint_eq(m.cpu.fflags, 0);
    rvt_fini(&m);
}
END_TEST

/* Saturating conversions (ISA table 11.4): NaN -> max, out of range -> bound, NV. */
START_TEST(test_fpu_fcvt_saturation)
{
    static const struct {
        uint32_t insn;
        uint64_t src, want;
        uint32_t flags;
    } cases[] = {
        { FCVT_W_D(1), 0x7ff8000000000000u, 0x000000007fffffffu, NV },     /* NaN */
        { FCVT_W_D(1), 0xfff0000000000000u, 0xffffffff80000000u, NV },     /* -inf */
        { FCVT_W_D(1), 0x41e0000000000000u, 0x000000007fffffffu, NV },     /* 2^31 */
        { FCVT_W_D(1), 0xc1e0000000100000u, 0xffffffff80000000u, NX },     /* -2^31 - 0.5, rtz */
        { FCVT_W_D(2), 0xc1e0000000100000u, 0xffffffff80000000u, NV },     /* same, rdn: -2^31-1 */
        { FCVT_WU_D(1), 0xbfe0000000000000u, 0, NX },                      /* -0.5 rtz -> 0, no NV */
        { FCVT_WU_D(0), 0xbff0000000000000u, 0, NV },                      /* -1.0 */
        { FCVT_WU_D(1), 0x7ff0000000000000u, 0xffffffffffffffffu, NV },    /* +inf: sext(2^32-1) */
        { FCVT_WU_D(1), 0x41efffffffe00000u, 0xffffffffffffffffu, 0 },     /* 2^32-1 exactly */
        { FCVT_W_D(4), 0x4004000000000000u, 3, NX },                       /* 2.5 rmm -> 3 */
        { FCVT_W_D(0), 0x4004000000000000u, 2, NX },                       /* 2.5 rne -> 2 */
        { FCVT_W_D(3), 0xc004000000000000u, 0xfffffffffffffffeu, NX },     /* -2.5 rup -> -2 */
    };
    RvtMachine m;

    rvt_init(&m);
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint64_t f[3] = { cases[i].src, 0, 0 };

        m.cpu.fflags = 0;
        ck_assert(!fpu_run(&m, cases[i].insn, 0, f, 0));
        ck_assert_msg(m.cpu.x[10] == cases[i].want && m.cpu.fflags == cases[i].flags,
                      "case %u: %016llx flags %x", i, (unsigned long long)m.cpu.x[10], m.cpu.fflags);
    }
    rvt_fini(&m);
}
END_TEST

/* Static rm 5/6 is illegal; dyn with frm 5..7 is illegal; dyn with a valid frm rounds by it. */
START_TEST(test_fpu_rounding_mode_checks)
{
    RvtMachine m;
    /* 1 + 2^-24 (f12 = 2^-24 = 0x33800000) in single: a tie between 1 and 1 + 2^-23. */
    uint64_t f[3] = { BOX(0x3f800000u), BOX(0x33800000u), 0 };

    rvt_init(&m);
    ck_assert(fpu_run(&m, FADD_S(5), 0, f, 0));
    ck_assert(fpu_run(&m, FADD_S(6), 0, f, 0));
    for (uint32_t frm = 5; frm <= 7; frm++) {
        ck_assert(fpu_run(&m, FADD_S(7), frm, f, 0));
    }
    ck_assert(!fpu_run(&m, FADD_S(7), 4, f, 0));          /* dyn = rmm: tie away */
    ck_assert_uint_eq(m.cpu.f[10], BOX(0x3f800001u));
    ck_assert(!fpu_run(&m, FADD_S(7), 0, f, 0));          /* dyn = rne: tie to even */
    ck_assert_uint_eq(m.cpu.f[10], BOX(0x3f800000u));
    ck_assert(!fpu_run(&m, FADD_S(3), 0, f, 0));          /* rup */
    ck_assert_uint_eq(m.cpu.f[10], BOX(0x3f800001u));
    ck_assert(!fpu_run(&m, FADD_S(1), 3, f, 0));          /* static rtz beats frm = rup */
    ck_assert_uint_eq(m.cpu.f[10], BOX(0x3f800000u));
    rvt_fini(&m);
}
END_TEST

Suite *riscv_fpu_suite(void)
{
    Suite *s = suite_create("riscv_fpu");
    TCase *tc = tcase_create("qemu");
    TCase *tm = tcase_create("manual");

    tcase_add_loop_test(tc, test_fpu_qemu_table, 0, G_N_ELEMENTS(fpu_cases));
    tcase_add_loop_test(tc, test_fpu_qemu_table_opt, 0, G_N_ELEMENTS(fpu_cases));
    tcase_add_loop_test(tc, test_fpu_qemu_table_nx, 0, G_N_ELEMENTS(fpu_cases));
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    tcase_add_test(tm, test_fpu_nan_boxing);
    tcase_add_test(tm, test_fpu_flags_accrue);
    tcase_add_test(tm, test_fpu_host_flags_do_not_leak);
    tcase_add_test(tm, test_fpu_fcvt_saturation);
    tcase_add_test(tm, test_fpu_rounding_mode_checks);
    suite_add_tcase(s, tm);
    return s;
}
