/* The interpreter: state access, memory (both byte orders), atomics, helpers via libffi, exits. */
#include <check.h>
#include <string.h>

#include "ir/host_fp.h"
#include "ir/interp.h"
#include "ir/ir.h"

typedef struct FakeCpu {
    uint64_t pc;
    uint64_t r[8];
} FakeCpu;

#define R(n) (uint32_t)(offsetof(FakeCpu, r) + 8 * (n))

static uint8_t mem[4096];

static IrInterpExit run(IrBlock *blk, FakeCpu *cpu, unsigned addr_bits)
{
    IrInterpEnv env = { .mem_base = mem, .addr_bits = addr_bits, .cur_pc = &cpu->pc };
    IrInterpExit e;

    ck_assert(ir_verify(blk, NULL));
    ir_interp_run(blk, cpu, &env, &e);
    return e;
}

static uint64_t helper_sum(void *cpu, uint64_t a, uint32_t b, uint64_t c)
{
    FakeCpu *f = cpu;
    f->r[7] = 0x77;
    return a + b + c;
}

static uint32_t helper_neg32(uint32_t a)
{
    return -a;
}

static const IrHelper h_sum = {
    .name = "sum", .fn = (void *)helper_sum, .flags = IR_CALL_WRITES_STATE,
    .ret = IR_HT_I64, .nargs = 4, .args = { IR_HT_CPU, IR_HT_I64, IR_HT_I32, IR_HT_I64 },
};
static const IrHelper h_neg32 = {
    .name = "neg32", .fn = (void *)helper_neg32, .flags = IR_CALL_PURE,
    .ret = IR_HT_I32, .nargs = 1, .args = { IR_HT_I32 },
};

/*
 * The FP ops: IEEE 754 results rounded to nearest-even, the NaN rule of ir_ops.def (first
 * NaN input quieted, else the negative default NaN), and MXCSR left exactly as it was
 * (the constant folder evaluates them at translation time).
 */
static uint64_t fp_eval3(IrOpcode op, IrType t, uint64_t a, uint64_t b, uint64_t c)
{
    IrInsn insn = { .op = op, .type = t, .nin = op == IR_OP_FSQRT ? 1 : op == IR_OP_FMA ? 3 : 2 };
    uint64_t in[3] = { a, b, c };
    return ir_eval_pure(&insn, in);
}

static uint64_t fp_eval(IrOpcode op, IrType t, uint64_t a, uint64_t b)
{
    return fp_eval3(op, t, a, b, 0);
}

START_TEST(test_interp_fp_ops)
{
    /* binary64: 1.5 + 2.25 = 3.75; 1 / 3 rounds down to 0x3fd5555555555555. */
    ck_assert_uint_eq(fp_eval(IR_OP_FADD, IR_I64, 0x3ff8000000000000ull, 0x4002000000000000ull),
                      0x400e000000000000ull);
    ck_assert_uint_eq(fp_eval(IR_OP_FDIV, IR_I64, 0x3ff0000000000000ull, 0x4008000000000000ull),
                      0x3fd5555555555555ull);
    /* 1 + 2^-53 is a tie: to even gives 1.0. */
    ck_assert_uint_eq(fp_eval(IR_OP_FADD, IR_I64, 0x3ff0000000000000ull, 0x3ca0000000000000ull),
                      0x3ff0000000000000ull);
    ck_assert_uint_eq(fp_eval(IR_OP_FSUB, IR_I64, 0x4000000000000000ull, 0x4000000000000000ull), 0);
    ck_assert_uint_eq(fp_eval(IR_OP_FSQRT, IR_I64, 0x4010000000000000ull, 0), 0x4000000000000000ull);
    /* binary32: 3 * 0.5 = 1.5; sqrt(2) = 0x3fb504f3; the smallest subnormal halved ties to 0. */
    ck_assert_uint_eq(fp_eval(IR_OP_FMUL, IR_I32, 0x40400000u, 0x3f000000u), 0x3fc00000u);
    ck_assert_uint_eq(fp_eval(IR_OP_FSQRT, IR_I32, 0x40000000u, 0), 0x3fb504f3u);
    ck_assert_uint_eq(fp_eval(IR_OP_FMUL, IR_I32, 1, 0x3f000000u), 0);
    /* NaNs: a signalling first input comes out quieted; the first NaN wins over the second. */
    ck_assert_uint_eq(fp_eval(IR_OP_FADD, IR_I64, 0x7ff0000000000001ull, 0xfff8000000000002ull),
                      0x7ff8000000000001ull);
    ck_assert_uint_eq(fp_eval(IR_OP_FMUL, IR_I64, 0x3ff0000000000000ull, 0xfff4000000000000ull),
                      0xfffc000000000000ull);
    ck_assert_uint_eq(fp_eval(IR_OP_FSUB, IR_I32, 0x7fc00001u, 0x7fc00002u), 0x7fc00001u);
    /* Invalid operations give the default NaN, sign set. */
    ck_assert_uint_eq(fp_eval(IR_OP_FSUB, IR_I64, 0x7ff0000000000000ull, 0x7ff0000000000000ull),
                      0xfff8000000000000ull);
    ck_assert_uint_eq(fp_eval(IR_OP_FDIV, IR_I32, 0, 0), 0xffc00000u);
    ck_assert_uint_eq(fp_eval(IR_OP_FSQRT, IR_I64, 0xbff0000000000000ull, 0), 0xfff8000000000000ull);
    /* FMA rounds once: 0.1 * 10 - 1 is 2^-54 exactly (0 when the product is rounded first). */
    ck_assert_uint_eq(fp_eval3(IR_OP_FMA, IR_I64, 0x3fb999999999999aull, 0x4024000000000000ull,
                               0xbff0000000000000ull), 0x3c90000000000000ull);
    ck_assert_uint_eq(fp_eval3(IR_OP_FMA, IR_I32, 0x40400000u, 0x3f000000u, 0x3f800000u), 0x40200000u);
    /* Its NaNs: the first NaN input in order; inf * 0 + 1 is invalid. */
    ck_assert_uint_eq(fp_eval3(IR_OP_FMA, IR_I64, 0x3ff0000000000000ull, 0x7ff0000000000002ull,
                               0x7ff8000000000003ull), 0x7ff8000000000002ull);
    ck_assert_uint_eq(fp_eval3(IR_OP_FMA, IR_I64, 0x7ff0000000000000ull, 0, 0x7ff8000000000003ull),
                      0x7ff8000000000003ull);
    ck_assert_uint_eq(fp_eval3(IR_OP_FMA, IR_I64, 0x7ff0000000000000ull, 0, 0x3ff0000000000000ull),
                      0xfff8000000000000ull);
    /* FCMP, one-hot: 8 less, 4 greater, 2 equal (-0 = +0), 1 unordered (any NaN, even with itself). */
    ck_assert_uint_eq(fp_eval(IR_OP_FCMP, IR_I64, 0xbff0000000000000ull, 0x8000000000000000ull), 8);
    ck_assert_uint_eq(fp_eval(IR_OP_FCMP, IR_I64, 0x4000000000000000ull, 0x3ff0000000000000ull), 4);
    ck_assert_uint_eq(fp_eval(IR_OP_FCMP, IR_I64, 0x8000000000000000ull, 0), 2);
    ck_assert_uint_eq(fp_eval(IR_OP_FCMP, IR_I64, 0xfff0000000000000ull, 0xffefffffffffffffull), 8);
    ck_assert_uint_eq(fp_eval(IR_OP_FCMP, IR_I64, 0x7ff0000000000001ull, 0x7ff0000000000001ull), 1);
    ck_assert_uint_eq(fp_eval(IR_OP_FCMP, IR_I64, 0, 0xfff8000000000000ull), 1);
    ck_assert_uint_eq(fp_eval(IR_OP_FCMP, IR_I32, 0x80000001u, 0x80000002u), 4);
    ck_assert_uint_eq(fp_eval(IR_OP_FCMP, IR_I32, 0x7f800000u, 0x7f800000u), 2);
    ck_assert_uint_eq(fp_eval(IR_OP_FCMP, IR_I32, 0x7fc00000u, 0x3f800000u), 1);
    /* FEXT: exact, the smallest and largest denormals normalized, a signalling NaN quieted. */
    IrInsn fext = { .op = IR_OP_FEXT, .type = IR_I64, .nin = 1 };
    uint64_t fin[1] = { 0x3fc00000u };
    ck_assert_uint_eq(ir_eval_pure(&fext, fin), 0x3ff8000000000000ull);
    fin[0] = 0x80000001u;
    ck_assert_uint_eq(ir_eval_pure(&fext, fin), 0xb6a0000000000000ull);
    fin[0] = 0x007fffffu;
    ck_assert_uint_eq(ir_eval_pure(&fext, fin), 0x380fffffc0000000ull);
    fin[0] = 0xff800000u;
    ck_assert_uint_eq(ir_eval_pure(&fext, fin), 0xfff0000000000000ull);
    fin[0] = 0x7f800001u;
    ck_assert_uint_eq(ir_eval_pure(&fext, fin), 0x7ff8000020000000ull);
    fin[0] = 0x80000000u;
    ck_assert_uint_eq(ir_eval_pure(&fext, fin), 0x8000000000000000ull);
    /* Overflow and division by zero give infinities; flags stay out of MXCSR. */
    uint32_t before, after;
    __asm__ volatile("stmxcsr %0" : "=m"(before));
    ck_assert_uint_eq(fp_eval(IR_OP_FMUL, IR_I64, 0x7fefffffffffffffull, 0x4000000000000000ull),
                      0x7ff0000000000000ull);
    ck_assert_uint_eq(fp_eval(IR_OP_FDIV, IR_I32, 0xbf800000u, 0), 0xff800000u);
    __asm__ volatile("stmxcsr %0" : "=m"(after));
    ck_assert_uint_eq(before, after);
}
END_TEST

START_TEST(test_interp_arith_and_exit)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    FakeCpu cpu = { .r = { 5, 7 } };

    ir_insn_start(blk, 0x400, 4);
    IrTemp a = ir_get(blk, IR_I64, R(0));
    IrTemp b = ir_get(blk, IR_I64, R(1));
    ir_set(blk, R(2), ir_sub(blk, a, b));
    ir_set(blk, R(3), ir_setcond(blk, IR_COND_LT, ir_sub(blk, a, b), ir_const_i64(blk, 0)));
    ir_goto_block(blk, 0x404);
    IrInterpExit e = run(blk, &cpu, 12);
    ck_assert_int_eq(e.kind, IR_INTERP_GOTO_BLOCK);
    ck_assert_uint_eq(e.pc, 0x404);
    ck_assert_uint_eq(cpu.r[2], (uint64_t)-2);
    ck_assert_uint_eq(cpu.r[3], 1);
    ck_assert_uint_eq(cpu.pc, 0x400);
}
END_TEST

START_TEST(test_interp_memory_orders)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    FakeCpu cpu = { 0 };

    memset(mem, 0, sizeof(mem));
    mem[0x100] = 0x80;
    mem[0x101] = 0x01;
    IrTemp addr = ir_const_i64(blk, 0x100);
    ir_set(blk, R(0), ir_load(blk, IR_I64, IR_MEM_16 | IR_MEM_SIGN, addr));
    ir_set(blk, R(1), ir_load(blk, IR_I64, IR_MEM_16 | IR_MEM_SIGN | IR_MEM_BE, addr));
    ir_store(blk, IR_MEM_32 | IR_MEM_BE, ir_const_i64(blk, 0x200), ir_const_i32(blk, 0x11223344));
    ir_goto_block(blk, 0);
    run(blk, &cpu, 12);
    ck_assert_uint_eq(cpu.r[0], 0x180);                 /* little endian 0x0180 */
    ck_assert_uint_eq(cpu.r[1], 0xffffffffffff8001ull); /* big endian 0x8001, sign-extended */
    ck_assert_uint_eq(mem[0x200], 0x11);
    ck_assert_uint_eq(mem[0x203], 0x44);
}
END_TEST

START_TEST(test_interp_addr_fault)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    FakeCpu cpu = { 0 };

    ir_insn_start(blk, 0x500, 4);
    ir_store(blk, IR_MEM_64, ir_const_i64(blk, 4092), ir_const_i64(blk, 1));   /* crosses 2^12 */
    ir_goto_block(blk, 0);
    IrInterpExit e = run(blk, &cpu, 12);
    ck_assert_int_eq(e.kind, IR_INTERP_ADDR_FAULT);
    ck_assert_uint_eq(e.aux, 4092);
    ck_assert_int_eq(e.code, 1);
    ck_assert_uint_eq(e.pc, 0x500);
}
END_TEST

START_TEST(test_interp_atomics)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    FakeCpu cpu = { 0 };
    uint32_t v = 0xfffffff0u;

    memcpy(&mem[0x300], &v, 4);
    IrTemp addr = ir_const_i64(blk, 0x300);
    /* amomax.w semantics: signed compare of -16 and 5 -> memory 5, old -16 sign-extended */
    IrTemp old = ir_atomic_rmw(blk, IR_ATOMIC_SMAX, IR_MEM_32 | IR_MEM_SIGN, addr, ir_const_i64(blk, 5));
    ir_set(blk, R(0), old);
    IrTemp o2 = ir_cmpxchg(blk, IR_MEM_32, addr, ir_const_i64(blk, 5), ir_const_i64(blk, 9));
    ir_set(blk, R(1), o2);
    IrTemp o3 = ir_cmpxchg(blk, IR_MEM_32, addr, ir_const_i64(blk, 5), ir_const_i64(blk, 11));
    ir_set(blk, R(2), o3);
    ir_goto_block(blk, 0);
    run(blk, &cpu, 12);
    memcpy(&v, &mem[0x300], 4);
    ck_assert_uint_eq(cpu.r[0], 0xfffffffffffffff0ull);
    ck_assert_uint_eq(cpu.r[1], 5);
    ck_assert_uint_eq(cpu.r[2], 9);    /* failed exchange returns the current value */
    ck_assert_uint_eq(v, 9);
}
END_TEST

START_TEST(test_interp_helpers)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    FakeCpu cpu = { 0 };

    IrTemp s = ir_call3(blk, &h_sum, ir_const_i64(blk, 1ull << 40), ir_const_i32(blk, 0xffffffff),
                        ir_const_i64(blk, 1));
    ir_set(blk, R(0), s);
    ir_set(blk, R(1), ir_extu32(blk, ir_call1(blk, &h_neg32, ir_const_i32(blk, 1))));
    ir_goto_block(blk, 0);
    run(blk, &cpu, 12);
    ck_assert_uint_eq(cpu.r[0], (1ull << 40) + 0xffffffffull + 1);
    ck_assert_uint_eq(cpu.r[1], 0xffffffff);
    ck_assert_uint_eq(cpu.r[7], 0x77);
}
END_TEST

/*
 * A helper's first call builds its libffi descriptor in the middle of guest code, where a
 * guest may keep its FP exception flags in the host's MXCSR (RISC-V fflags, x86 SSE): the
 * interpreter must leave them alone, although GLib's hash tables raise inexact as they grow.
 */
#define N_FRESH 300
static IrHelper fresh[N_FRESH];

START_TEST(test_interp_helper_first_call_keeps_mxcsr)
{
    for (unsigned i = 0; i < N_FRESH; i++) {
        g_autoptr(IrBlock) blk = ir_block_new();
        FakeCpu cpu = { 0 };

        fresh[i] = h_neg32;
        ir_set(blk, R(0), ir_extu32(blk, ir_call1(blk, &fresh[i], ir_const_i32(blk, i))));
        ir_goto_block(blk, 0);
        host_fp_restore(host_fp_save() & ~0x3fu);
        run(blk, &cpu, 12);
        ck_assert_uint_eq(host_fp_save() & 0x3f, 0);
        ck_assert_uint_eq(cpu.r[0], (uint32_t)-i);
    }
}
END_TEST

START_TEST(test_interp_branches_and_raise)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    FakeCpu cpu = { .r = { 3 } };
    uint32_t skip = ir_label_new(blk), loop = ir_label_new(blk);
    IrTemp acc = ir_temp_new(blk, IR_I64);
    IrTemp n = ir_temp_new(blk, IR_I64);

    /* acc = 0; n = r0; do { acc += n; n -= 1 } while (n != 0); r1 = acc; raise if acc == 6 */
    ir_insn_start(blk, 0x600, 4);
    ir_mov_to(blk, acc, ir_const_i64(blk, 0));
    ir_mov_to(blk, n, ir_get(blk, IR_I64, R(0)));
    ir_label(blk, loop);
    ir_mov_to(blk, acc, ir_add(blk, acc, n));
    ir_mov_to(blk, n, ir_sub(blk, n, ir_const_i64(blk, 1)));
    ir_brcond(blk, IR_COND_NE, n, ir_const_i64(blk, 0), loop);
    ir_set(blk, R(1), acc);
    ir_insn_start(blk, 0x604, 4);
    ir_brcond(blk, IR_COND_NE, acc, ir_const_i64(blk, 6), skip);
    ir_raise(blk, 3, 42, ir_const_i64(blk, 0xdead));
    ir_label(blk, skip);
    ir_goto_ptr(blk, acc);
    ir_optimize(blk);
    IrInterpExit e = run(blk, &cpu, 12);
    ck_assert_uint_eq(cpu.r[1], 6);
    ck_assert_int_eq(e.kind, IR_INTERP_RAISE);
    ck_assert_uint_eq(e.raise_kind, 3);
    ck_assert_int_eq(e.code, 42);
    ck_assert_uint_eq(e.aux, 0xdead);
    ck_assert_uint_eq(e.pc, 0x604);
}
END_TEST

Suite *ir_interp_suite(void)
{
    Suite *s = suite_create("ir_interp");
    TCase *tc = tcase_create("interp");

    tcase_add_test(tc, test_interp_arith_and_exit);
    tcase_add_test(tc, test_interp_fp_ops);
    tcase_add_test(tc, test_interp_memory_orders);
    tcase_add_test(tc, test_interp_addr_fault);
    tcase_add_test(tc, test_interp_atomics);
    tcase_add_test(tc, test_interp_helpers);
    tcase_add_test(tc, test_interp_helper_first_call_keeps_mxcsr);
    tcase_add_test(tc, test_interp_branches_and_raise);
    suite_add_tcase(s, tc);
    return s;
}
