/*
 * JIT tests: hand-written and randomly generated IR blocks run under the JIT and
 * under the reference interpreter (ir_interp_run) must end in the same guest state,
 * guest memory and exit.  Plus chaining, the interrupt poll, the inline jump-cache
 * probe, helper calls, self loops and host-fault pc lookup.
 *
 * Debugging knobs for the random tests (environment): X64_TEST_ROUNDS=n blocks per
 * seed (default 150), X64_TEST_SMALL=n at most n ops per block (X64_TEST_BRANCHES=1 to
 * keep branches), X64_TEST_DUMP=1 prints every block and its host code.
 */
#define _GNU_SOURCE
#include <check.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>

#include "backend-x86_64/x64_emit.h"
#include "exec/exec.h"
#include "ir/interp.h"
#include "ir/ir.h"

#define NSLOTS 16
#define MEM_BITS 12
#define MEM_SIZE (1u << MEM_BITS)

typedef struct FakeCpu {
    GuestCpu common;
    uint64_t r[NSLOTS];
} FakeCpu;

#define SLOT(i) ((uint32_t)(offsetof(FakeCpu, r) + 8 * (i)))

/* Tests mask x64_host by hand; afterwards back to the host's, minus MIMIC_HOST_FEATURES (the *_nohostext runs). */
static void restore_host_features(void)
{
    x64_detect_features();
    ck_assert(x64_features_apply_env(NULL));
}

static ExecCtx *ctx;
static uint8_t *mem_a, *mem_b;
/* The jump cache every FakeCpu probes (generated code reads cpu->jmp_cache). */
static TbBlock *test_jmp_cache[TB_JMP_CACHE_ALLOC];      /* and the return-address stack */

static void jit_setup(void)
{
    GError *err = NULL;
    ctx = g_new0(ExecCtx, 1);
    memset(test_jmp_cache, 0, sizeof(test_jmp_cache));
    ctx->opts.code_cache_size = 4u << 20;
    ctx->opts.trace_file = stderr;
    mem_a = g_malloc0(MEM_SIZE + 64);
    mem_b = g_malloc0(MEM_SIZE + 64);
    ctx->mem.base = mem_b;
    ctx->mem.addr_bits = MEM_BITS;
    ck_assert_msg(engine_jit.init(ctx, &err), "%s", err ? err->message : "");
    ctx->engine = &engine_jit;
}

static void jit_teardown(void)
{
    engine_jit.fini(ctx);
    g_free(ctx);
    g_free(mem_a);
    g_free(mem_b);
    restore_host_features();
}

static TbBlock *jit_translate(IrBlock *blk)
{
    GError *err = NULL;
    ck_assert_msg(ir_verify(blk, &err), "bad test IR: %s", err ? err->message : "");
    TbBlock *tb = g_malloc0(sizeof(TbBlock) + blk->n_exits * sizeof(TbExit));
    tb->pc = blk->guest_pc;
    tb->guest_insns = blk->guest_insns;
    tb->n_exits = blk->n_exits;
    tb->valid = true;
    if (!engine_jit.translate(ctx, tb, blk)) {
        /* Full cache: what the exec loop does (earlier blocks of a test stay unused). */
        engine_jit.flush(ctx);
        ck_assert(engine_jit.translate(ctx, tb, blk));
    }
    return tb;
}

static void tb_free(TbBlock *tb)
{
    engine_jit.free_block(ctx, tb);
    g_free(tb);
}

static void fill_state(FakeCpu *c, GRand *r)
{
    memset(c, 0, sizeof(*c));
    for (int i = 0; i < NSLOTS; i++) {
        c->r[i] = ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);
    }
    c->r[0] = 0;
    c->r[1] = 1;
    c->r[2] = (uint64_t)-1;
    c->r[3] = 0x8000000000000000ull;
    c->r[4] = 0x80000000u;
}

/*
 * Run blk under both engines from the same state and compare everything.
 * Returns a description of the first difference, or NULL.
 */
/* Compare the MXCSR flags each engine leaves too (blocks of FADDH..FCMPH only: the pure FP ops may differ). */
static bool compare_mxcsr;

static uint32_t host_mxcsr(void)
{
    uint32_t m;

    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

static void set_host_mxcsr(uint32_t m)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}

static char *run_both(IrBlock *blk, GRand *r)
{
    FakeCpu a, b;
    uint32_t saved_mxcsr = host_mxcsr(), flags_a, flags_b;
    fill_state(&a, r);
    b = a;
    b.common.jmp_cache = test_jmp_cache;
    for (unsigned i = 0; i < MEM_SIZE; i++) {
        mem_a[i] = mem_b[i] = (uint8_t)g_rand_int(r);
    }
    IrInterpEnv env = { .mem_base = mem_a, .addr_bits = MEM_BITS };
    IrInterpExit ex;
    set_host_mxcsr(saved_mxcsr & ~0x3fu);
    ir_interp_run(blk, &a, &env, &ex);
    flags_a = host_mxcsr() & 0x3f;

    TbBlock *tb = jit_translate(blk);
    TbBlock *from = NULL;
    unsigned slot = 0;
    b.common.exit_kind = GUEST_EXIT_NONE;
    set_host_mxcsr(saved_mxcsr & ~0x3fu);
    engine_jit.run(ctx, &b.common, tb, &from, &slot);
    flags_b = host_mxcsr() & 0x3f;
    set_host_mxcsr(saved_mxcsr);

    char *diff = NULL;
    if (compare_mxcsr && flags_a != flags_b) {
        diff = g_strdup_printf("MXCSR flags: interp 0x%x jit 0x%x", flags_a, flags_b);
    }
    for (int i = 0; i < NSLOTS && diff == NULL; i++) {
        if (a.r[i] != b.r[i]) {
            diff = g_strdup_printf("slot %d: interp 0x%" G_GINT64_MODIFIER "x jit 0x%" G_GINT64_MODIFIER "x",
                                   i, a.r[i], b.r[i]);
        }
    }
    if (diff == NULL && memcmp(mem_a, mem_b, MEM_SIZE) != 0) {
        diff = g_strdup("guest memory differs");
    }
    if (diff == NULL && b.common.pc != ex.pc) {
        diff = g_strdup_printf("pc: interp 0x%" G_GINT64_MODIFIER "x jit 0x%" G_GINT64_MODIFIER "x",
                               ex.pc, b.common.pc);
    }
    if (diff == NULL) {
        switch (ex.kind) {
        case IR_INTERP_GOTO_BLOCK:
            if (from != tb || slot != ex.slot || b.common.exit_kind != GUEST_EXIT_NONE) {
                diff = g_strdup_printf("goto_block: from %p slot %u kind %u", (void *)from, slot,
                                       b.common.exit_kind);
            }
            break;
        case IR_INTERP_GOTO_PTR:
            if (from != NULL || b.common.exit_kind != GUEST_EXIT_NONE) {
                diff = g_strdup("goto_ptr exit differs");
            }
            break;
        case IR_INTERP_RAISE:
            if (from != NULL || b.common.exit_kind != ex.raise_kind || b.common.exit_code != ex.code ||
                b.common.exit_aux != ex.aux) {
                diff = g_strdup_printf("raise: kind %u code %" G_GINT64_FORMAT " aux 0x%" G_GINT64_MODIFIER "x",
                                       b.common.exit_kind, b.common.exit_code, b.common.exit_aux);
            }
            break;
        case IR_INTERP_ADDR_FAULT:
            if (from != NULL || b.common.exit_kind != GUEST_EXIT_MEM_FAULT ||
                b.common.exit_code != ex.code || b.common.exit_aux != ex.aux) {
                diff = g_strdup_printf("fault: kind %u code %" G_GINT64_FORMAT " aux 0x%" G_GINT64_MODIFIER
                                       "x, want aux 0x%" G_GINT64_MODIFIER "x",
                                       b.common.exit_kind, b.common.exit_code, b.common.exit_aux, ex.aux);
            }
            break;
        }
    }
    tb_free(tb);
    return diff;
}

static void check_both(IrBlock *blk, GRand *r)
{
    char *diff = run_both(blk, r);
    if (diff != NULL) {
        g_autofree char *text = ir_block_text(blk);
        ck_abort_msg("%s\n%s", diff, text);
    }
}

/* --- Hand-written blocks --- */

static const IrOpcode div_ops[] = { IR_OP_DIVS, IR_OP_DIVU, IR_OP_REMS, IR_OP_REMU };

/* x/0, MIN/-1 and friends with register and constant divisors, i32 and i64. */
START_TEST(test_div_edges)
{
    static const uint64_t vals[] = { 0, 1, 7, (uint64_t)-1, (uint64_t)-7, 0x8000000000000000ull,
                                     0x80000000u, 0xffffffff, 0x7fffffffffffffffull, 3 };
    g_autoptr(GRand) r = g_rand_new_with_seed(1);
    for (unsigned ty = 0; ty < 2; ty++) {
        for (unsigned o = 0; o < G_N_ELEMENTS(div_ops); o++) {
            for (unsigned i = 0; i < G_N_ELEMENTS(vals); i++) {
                for (unsigned j = 0; j < G_N_ELEMENTS(vals); j++) {
                    for (unsigned form = 0; form < 3; form++) {
                        g_autoptr(IrBlock) blk = ir_block_new();
                        IrType t = ty ? IR_I64 : IR_I32;
                        ir_insn_start(blk, 0x1000, 4);
                        IrTemp a = ir_const(blk, t, vals[i]);
                        IrTemp bb = ir_const(blk, t, vals[j]);
                        if (form != 1) {
                            /* through guest state so the values are not constants */
                            ir_set(blk, SLOT(5), a);
                            a = ir_get(blk, t, SLOT(5));
                        }
                        if (form != 2) {
                            ir_set(blk, SLOT(6), bb);
                            bb = ir_get(blk, t, SLOT(6));
                        }
                        ir_set(blk, SLOT(7), ir_binop(blk, div_ops[o], a, bb));
                        ir_set(blk, SLOT(8), a);
                        ir_goto_block(blk, 0x2000);
                        check_both(blk, r);
                    }
                }
            }
        }
    }
}
END_TEST

static const IrOpcode fp_ops[] = { IR_OP_FADD, IR_OP_FSUB, IR_OP_FMUL, IR_OP_FDIV, IR_OP_FSQRT,
                                   IR_OP_FMA, IR_OP_FCMP };

/*
 * The FP ops on zeros, subnormals, infinities, quiet and signalling NaNs of both signs,
 * as registers and as constants: the JIT must give ir_eval_fp's bits, NaNs included, and
 * FCMP ir_eval_fcmp's order (-0 = +0, unordered with a NaN of either kind).
 * Loop 1 repeats it as on a host without FMA3 (FMA through the C fallback).
 */
START_TEST(test_fp_edges)
{
    X64Features saved = x64_host;
    if (_i == 1) {
        x64_host.fma = false;
    }
    static const uint64_t d[] = {
        0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull, 1,
        0x000fffffffffffffull, 0x7fefffffffffffffull, 0x7ff0000000000000ull,
        0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff4000000000001ull, 0x7ff0000000000001ull,
        0x4000000000000000ull, 0x3fb999999999999aull,
    };
    static const uint64_t s[] = {
        0, 0x80000000u, 0x3f800000u, 0xbfc00000u, 1, 0x007fffffu, 0x7f7fffffu, 0x7f800000u,
        0xff800000u, 0x7fc00000u, 0xffa00001u, 0x7f800001u, 0x40000000u, 0x3dcccccdu,
    };
    g_autoptr(GRand) r = g_rand_new_with_seed(2);
    for (unsigned ty = 0; ty < 2; ty++) {
        const uint64_t *vals = ty ? d : s;
        IrType t = ty ? IR_I64 : IR_I32;
        for (unsigned o = 0; o < G_N_ELEMENTS(fp_ops); o++) {
            for (unsigned i = 0; i < G_N_ELEMENTS(d); i++) {
                for (unsigned j = 0; j < G_N_ELEMENTS(d); j++) {
                    for (unsigned form = 0; form < 2; form++) {
                        g_autoptr(IrBlock) blk = ir_block_new();
                        ir_insn_start(blk, 0x1000, 4);
                        IrTemp a = ir_const(blk, t, vals[i]);
                        IrTemp bb = ir_const(blk, t, vals[j]);
                        if (form == 0) {
                            ir_set(blk, SLOT(5), a);
                            a = ir_get(blk, t, SLOT(5));
                            ir_set(blk, SLOT(6), bb);
                            bb = ir_get(blk, t, SLOT(6));
                        }
                        /* FMA's addend: the values in the other order. */
                        IrTemp c = ir_const(blk, t, vals[G_N_ELEMENTS(d) - 1 - j]);
                        IrTemp res = fp_ops[o] == IR_OP_FSQRT ? ir_fsqrt(blk, a)
                                   : fp_ops[o] == IR_OP_FMA ? ir_fma(blk, a, bb, c)
                                                            : ir_binop(blk, fp_ops[o], a, bb);
                        ir_set(blk, SLOT(7), res);
                        ir_goto_block(blk, 0x2000);
                        check_both(blk, r);
                    }
                }
            }
        }
    }
    /* FEXT of each single (denormals, both NaN kinds), from a register and a constant. */
    for (unsigned i = 0; i < G_N_ELEMENTS(s); i++) {
        for (unsigned form = 0; form < 2; form++) {
            g_autoptr(IrBlock) blk = ir_block_new();
            ir_insn_start(blk, 0x1000, 4);
            IrTemp a = ir_const(blk, IR_I32, s[i]);
            if (form == 0) {
                ir_set(blk, SLOT(5), a);
                a = ir_get(blk, IR_I32, SLOT(5));
            }
            ir_set(blk, SLOT(7), ir_fext(blk, a));
            ir_goto_block(blk, 0x2000);
            check_both(blk, r);
        }
    }
    x64_host = saved;
}
END_TEST

/*
 * FADDH..FSQRTH and FCMPH (both kinds) on the same values: the JIT's result, EFLAGS image
 * and MXCSR flags must be the interpreter's (both are the host's instruction); without
 * AVX in loop 1.  An SSE guest's flags live in MXCSR (frontend/x86/mxcsr.c).
 */
START_TEST(test_fp_host_edges)
{
    static const IrOpcode ops[] = { IR_OP_FADDH, IR_OP_FSUBH, IR_OP_FMULH, IR_OP_FDIVH, IR_OP_FSQRTH,
                                    IR_OP_FCMPH, IR_OP_FCMPH };
    static const uint64_t d[] = {
        0, 0x8000000000000000ull, 0x3ff0000000000000ull, 1, 0x000fffffffffffffull, 0x7fefffffffffffffull,
        0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff4000000000001ull, 0x3fb999999999999aull,
        0x2000000000000000ull,
    };
    static const uint64_t s[] = {
        0, 0x80000000u, 0x3f800000u, 1, 0x007fffffu, 0x7f7fffffu, 0xff800000u, 0x7fc00000u, 0xffa00001u,
        0x3dcccccdu, 0x20000000u,
    };
    X64Features saved = x64_host;
    g_autoptr(GRand) r = g_rand_new_with_seed(3);

    if (_i == 1) {
        x64_host.avx = false;
    }
    compare_mxcsr = true;
    for (unsigned ty = 0; ty < 2; ty++) {
        const uint64_t *vals = ty ? d : s;
        IrType t = ty ? IR_I64 : IR_I32;
        for (unsigned o = 0; o < G_N_ELEMENTS(ops); o++) {
            for (unsigned i = 0; i < G_N_ELEMENTS(d); i++) {
                for (unsigned j = 0; j < G_N_ELEMENTS(d); j++) {
                    g_autoptr(IrBlock) blk = ir_block_new();
                    ir_insn_start(blk, 0x1000, 4);
                    ir_set(blk, SLOT(5), ir_const(blk, t, vals[i]));
                    ir_set(blk, SLOT(6), ir_const(blk, t, vals[j]));
                    IrTemp a = ir_get(blk, t, SLOT(5));
                    IrTemp bb = ir_get(blk, t, SLOT(6));
                    IrTemp res = ops[o] == IR_OP_FSQRTH ? ir_unop(blk, ops[o], bb)
                               : ops[o] == IR_OP_FCMPH ? ir_fcmph(blk, a, bb, o == G_N_ELEMENTS(ops) - 1)
                                                       : ir_binop(blk, ops[o], a, bb);
                    ir_set(blk, SLOT(7), res);
                    ir_goto_block(blk, 0x2000);
                    check_both(blk, r);
                }
            }
        }
    }
    compare_mxcsr = false;
    x64_host = saved;
}
END_TEST

START_TEST(test_get_set_cache)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(2);
    g_autoptr(IrBlock) blk = ir_block_new();
    ir_insn_start(blk, 0x1000, 4);
    IrTemp x = ir_get(blk, IR_I64, SLOT(5));
    ir_set(blk, SLOT(6), x);                                  /* two slots, one value */
    IrTemp y = ir_get(blk, IR_I64, SLOT(6));
    ir_set(blk, SLOT(7), ir_add(blk, y, ir_const_i64(blk, 5)));
    ir_set(blk, SLOT(8), ir_trunc(blk, x));                   /* i32 set over part of an i64 slot */
    IrTemp lo = ir_get(blk, IR_I32, SLOT(7));                 /* i32 read of a dirty i64 slot */
    ir_set(blk, SLOT(9), ir_exts32(blk, lo));
    IrTemp z = ir_get(blk, IR_I64, SLOT(8));
    ir_set(blk, SLOT(10), z);
    ir_goto_block(blk, 0x1004);
    check_both(blk, r);
}
END_TEST

/* x << k feeding an ADD becomes one lea: every shift, operand order and type. */
START_TEST(test_shift_add_lea)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(11);
    for (unsigned ty = 0; ty < 2; ty++) {
        for (unsigned k = 0; k <= 4; k++) {
            for (unsigned form = 0; form < 4; form++) {
                g_autoptr(IrBlock) blk = ir_block_new();
                IrType t = ty ? IR_I64 : IR_I32;
                ir_insn_start(blk, 0x1000, 4);
                IrTemp x = ir_get(blk, t, SLOT(5));
                IrTemp s = ir_binop(blk, IR_OP_SHL, x, ir_const(blk, t, k));
                IrTemp y = form == 2 ? ir_const(blk, t, 0x12345) : ir_get(blk, t, SLOT(6));
                IrTemp sum = form == 1 ? ir_add(blk, y, s) : ir_add(blk, s, y);
                ir_set(blk, SLOT(7), sum);
                if (form == 3) {
                    ir_set(blk, SLOT(8), x);          /* the shifted value outlives the add */
                    ir_set(blk, SLOT(9), y);
                }
                ir_goto_block(blk, 0x2000);
                for (unsigned n = 0; n < 4; n++) {
                    check_both(blk, r);
                }
            }
        }
    }
}
END_TEST

/*
 * i64 results read only as their low half are computed with 32-bit instructions, and a
 * SEXT/ZEXT 32 read only that way is a move (plan_narrow): every shape where that would
 * leak garbage into the upper half of a value something reads in full -- a ZEXT of an
 * aliased ZEXT, a result also stored whole, a SEXT also stored, shifts by 32 or more --
 * on inputs with their upper halves set.
 */
START_TEST(test_narrow_ops)
{
    static const IrOpcode ops[] = { IR_OP_ADD, IR_OP_SUB, IR_OP_AND, IR_OP_OR, IR_OP_XOR, IR_OP_MUL };
    static const unsigned shifts[] = { 0, 1, 31, 32, 40, 63 };
    g_autoptr(GRand) r = g_rand_new_with_seed(12);
    for (unsigned form = 0; form < 6; form++) {
        for (unsigned o = 0; o < G_N_ELEMENTS(ops); o++) {
            g_autoptr(IrBlock) blk = ir_block_new();
            ir_insn_start(blk, 0x1000, 4);
            IrTemp x = ir_get(blk, IR_I64, SLOT(5)), y = ir_get(blk, IR_I64, SLOT(6));
            IrTemp v = ir_binop(blk, ops[o], x, y), sx = IR_TEMP_NONE;
            switch (form) {
            case 0:     /* narrow, then a chain of narrow ops */
                v = ir_zext(blk, ir_add(blk, ir_unop(blk, IR_OP_NEG, v), ir_const_i64(blk, 0x7fffffff)), 32);
                break;
            case 1:     /* also read whole: stays 64-bit */
                ir_set(blk, SLOT(8), v);
                v = ir_zext(blk, v, 32);
                break;
            case 2:     /* sign extension for a narrow multiply, and read whole as well */
                sx = ir_sext(blk, v, 32);
                v = ir_zext(blk, ir_binop(blk, IR_OP_MUL, sx, ir_const_i64(blk, 0x1b3)), 32);
                ir_set(blk, SLOT(8), sx);
                break;
            case 3:     /* sign extension read only by a narrow op */
                sx = ir_sext(blk, x, 32);
                v = ir_zext(blk, ir_binop(blk, ops[o], sx, ir_unop(blk, IR_OP_NOT, y)), 32);
                break;
            case 4:     /* ZEXT of a ZEXT that is only read by it, of a value also read whole */
                ir_set(blk, SLOT(8), ir_binop(blk, IR_OP_SHR, v, ir_const_i64(blk, 32)));
                v = ir_zext(blk, ir_zext(blk, v, 32), 32);
                break;
            default:    /* SEXT 32 of a narrow result, read whole */
                v = ir_sext(blk, ir_unop(blk, IR_OP_NOT, v), 32);
                break;
            }
            ir_set(blk, SLOT(7), v);
            for (unsigned k = 0; k < G_N_ELEMENTS(shifts); k++) {
                IrTemp sh = ir_binop(blk, IR_OP_SHL, ir_binop(blk, ops[o], y, x), ir_const_i64(blk, shifts[k]));
                ir_set(blk, SLOT(9 + k % 6), ir_zext(blk, sh, 32));
            }
            ir_goto_block(blk, 0x2000);
            for (unsigned n = 0; n < 4; n++) {
                check_both(blk, r);
            }
        }
    }
}
END_TEST

/*
 * If-then shapes: guest slots dirty in registers at a forward branch must reach the
 * label on both paths, with the fall-through path holding them in other registers,
 * leaving some uncached, or spilling them around a memory access.
 */
START_TEST(test_if_then_state)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(12);
    for (unsigned form = 0; form < 6; form++) {
        g_autoptr(IrBlock) blk = ir_block_new();
        ir_insn_start(blk, 0x1000, 4);
        IrTemp x = ir_get(blk, IR_I64, SLOT(5));
        IrTemp y = ir_get(blk, IR_I64, SLOT(6));
        ir_set(blk, SLOT(7), ir_add(blk, x, ir_const_i64(blk, 1)));          /* dirty at the branch */
        ir_set(blk, SLOT(9), ir_binop(blk, IR_OP_XOR, x, y));
        uint32_t l = ir_label_new(blk);
        uint32_t l2 = ir_label_new(blk);
        ir_brcond(blk, form & 1 ? IR_COND_LTU : IR_COND_GE, x, y, l);
        ir_insn_start(blk, 0x1004, 4);
        ir_set(blk, SLOT(7), ir_binop(blk, IR_OP_MUL, y, ir_const_i64(blk, 3)));
        if (form >= 2) {
            IrTemp a = ir_binop(blk, IR_OP_AND, y, ir_const_i64(blk, 0xff8));
            ir_set(blk, SLOT(10), ir_load(blk, IR_I64, IR_MEM_64, a));
        }
        if (form >= 4) {
            ir_set(blk, SLOT(9), ir_get(blk, IR_I64, SLOT(11)));
            ir_brcond(blk, IR_COND_EQ, x, ir_const_i64(blk, 0), l2);  /* a second edge */
            ir_set(blk, SLOT(11), y);
            ir_label(blk, l2);
        }
        ir_label(blk, l);
        ir_insn_start(blk, 0x1008, 4);
        IrTemp z = ir_get(blk, IR_I64, SLOT(7));
        ir_set(blk, SLOT(8), ir_add(blk, z, ir_get(blk, IR_I64, SLOT(9))));
        ir_goto_block(blk, 0x2000);
        for (unsigned n = 0; n < 8; n++) {
            check_both(blk, r);
        }
    }
}
END_TEST

static uint64_t helper_mix(void *cpu, uint64_t a, uint32_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    FakeCpu *fc = cpu;
    return a * 3 + b * 5 + c * 7 + d * 11 + e * 13 + f * 17 + fc->r[9];
}
static IrHelper helper_mix_desc = {
    .name = "mix", .fn = (void *)helper_mix, .flags = IR_CALL_READS_STATE, .ret = IR_HT_I64, .nargs = 7,
    .args = { IR_HT_CPU, IR_HT_I64, IR_HT_I32, IR_HT_I64, IR_HT_I64, IR_HT_I64, IR_HT_I64 },
};

static uint64_t helper_set(void *cpu, uint64_t a, uint64_t b)
{
    FakeCpu *fc = cpu;
    fc->r[11] = a - b;
    return fc->r[5] ^ a;
}
static IrHelper helper_set_desc = {
    .name = "set", .fn = (void *)helper_set, .flags = IR_CALL_READS_STATE | IR_CALL_WRITES_STATE,
    .ret = IR_HT_I64, .nargs = 3, .args = { IR_HT_CPU, IR_HT_I64, IR_HT_I64 },
};

static uint32_t helper_pure(uint32_t a, uint32_t b)
{
    return a * 31 + b;
}
static IrHelper helper_pure_desc = {
    .name = "pure", .fn = (void *)helper_pure, .flags = IR_CALL_PURE, .ret = IR_HT_I32, .nargs = 2,
    .args = { IR_HT_I32, IR_HT_I32 },
};

START_TEST(test_calls)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(3);
    for (int variant = 0; variant < 3; variant++) {
        g_autoptr(IrBlock) blk = ir_block_new();
        ir_insn_start(blk, 0x1000, 4);
        IrTemp v[8];
        for (int i = 0; i < 8; i++) {
            v[i] = ir_get(blk, IR_I64, SLOT(i + 4));
        }
        ir_set(blk, SLOT(5), ir_add(blk, v[0], v[1]));       /* dirty slot across the calls */
        IrTemp args[6] = { v[7], ir_trunc(blk, v[6]), v[5], v[4], v[3], variant ? v[2] : v[1] };
        IrTemp m = ir_call(blk, &helper_mix_desc, 6, args);
        IrTemp s = ir_call2(blk, &helper_set_desc, variant == 2 ? v[3] : m, v[0]);
        IrTemp p = ir_call2(blk, &helper_pure_desc, ir_trunc(blk, s), ir_trunc(blk, v[2]));
        ir_set(blk, SLOT(12), m);
        ir_set(blk, SLOT(13), s);
        ir_set(blk, SLOT(14), ir_extu32(blk, p));
        for (int i = 0; i < 8; i++) {
            ir_set(blk, SLOT((i + 1) % 4), ir_xor(blk, v[i], ir_get(blk, IR_I64, SLOT((i + 1) % 4))));
        }
        ir_set(blk, SLOT(15), ir_get(blk, IR_I64, SLOT(11)));
        ir_goto_block(blk, 0x1004);
        check_both(blk, r);
    }
}
END_TEST

/* A pure helper that leaves every xmm register but the result's changed, as C code may. */
static uint64_t helper_xmm_clobber(uint64_t a)
{
    __asm__ volatile("pcmpeqd %%xmm1, %%xmm1\n"
                     "movaps %%xmm1, %%xmm2\n movaps %%xmm1, %%xmm3\n movaps %%xmm1, %%xmm4\n"
                     "movaps %%xmm1, %%xmm5\n movaps %%xmm1, %%xmm6\n movaps %%xmm1, %%xmm7\n"
                     "movaps %%xmm1, %%xmm8\n movaps %%xmm1, %%xmm9\n movaps %%xmm1, %%xmm10\n"
                     "movaps %%xmm1, %%xmm11\n movaps %%xmm1, %%xmm12\n movaps %%xmm1, %%xmm13\n"
                     "movaps %%xmm1, %%xmm14\n movaps %%xmm1, %%xmm15\n"
                     : : : "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                       "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    return a + 1;
}
static IrHelper helper_xmm_clobber_desc = {
    .name = "xmm_clobber", .fn = (void *)helper_xmm_clobber, .flags = IR_CALL_PURE, .ret = IR_HT_I64,
    .nargs = 1, .args = { IR_HT_I64 },
};

/*
 * FP values the JIT keeps in xmm3..xmm15 between FP ops (x64_gen_fp.c) must be taken again
 * from their general registers after a helper call, which may change any xmm register:
 * operands and results used before and after the call, in every operand role.
 */
START_TEST(test_fp_xmm_reuse)
{
    X64Features saved = x64_host;
    if (_i == 1) {
        x64_host.fma = false;
    }
    g_autoptr(GRand) r = g_rand_new_with_seed(7);
    for (int variant = 0; variant < 4; variant++) {
        g_autoptr(IrBlock) blk = ir_block_new();
        ir_insn_start(blk, 0x1000, 4);
        IrTemp a = ir_get(blk, IR_I64, SLOT(5)), b = ir_get(blk, IR_I64, SLOT(6));
        IrTemp t1 = ir_fadd(blk, a, b);
        IrTemp t2 = ir_fmul(blk, t1, a);
        IrTemp t3 = ir_fma(blk, t2, t1, a);
        if (variant & 1) {
            ir_set(blk, SLOT(10), ir_call1(blk, &helper_xmm_clobber_desc, t3));
        }
        IrTemp t4 = ir_fsub(blk, t1, t2);
        IrTemp t5 = ir_fma(blk, a, t3, t1);
        IrTemp t6 = variant & 2 ? ir_fdiv(blk, t4, t5) : ir_fsqrt(blk, t4);
        IrTemp t7 = ir_fadd(blk, t6, t6);
        ir_set(blk, SLOT(7), t4);
        ir_set(blk, SLOT(8), t5);
        ir_set(blk, SLOT(9), t7);
        ir_goto_block(blk, 0x2000);
        for (int k = 0; k < 20; k++) {
            check_both(blk, r);
        }
    }
    x64_host = saved;
}
END_TEST

START_TEST(test_memory_ops)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(4);
    for (unsigned feat = 0; feat < 2; feat++) {
        x64_host.movbe = feat == 0 ? x64_host.movbe : false;
        for (unsigned mop = 0; mop < 16; mop++) {
            for (unsigned ty = 0; ty < 2; ty++) {
                IrType t = ty ? IR_I64 : IR_I32;
                if (ir_memop_size(mop) > (ty ? 8u : 4u)) {
                    continue;
                }
                g_autoptr(IrBlock) blk = ir_block_new();
                ir_insn_start(blk, 0x1000, 4);
                IrTemp a = ir_and(blk, ir_get(blk, IR_I64, SLOT(5)), ir_const_i64(blk, 0xff8));
                IrTemp a32 = ir_trunc(blk, ir_add(blk, a, ir_const_i64(blk, 0x100)));
                IrTemp x = ir_load(blk, t, mop, a);
                ir_set(blk, SLOT(6), t == IR_I64 ? x : ir_extu32(blk, x));
                IrTemp v = ty ? ir_get(blk, IR_I64, SLOT(7)) : ir_trunc(blk, ir_get(blk, IR_I64, SLOT(7)));
                ir_store(blk, mop, a32, v);
                ir_store(blk, mop, ir_const_i64(blk, 0x208), ir_const(blk, t, 0x8123456789abcdefull));
                IrTemp y = ir_load(blk, t, mop, ir_const_i32(blk, 0x208));
                ir_set(blk, SLOT(8), t == IR_I64 ? y : ir_exts32(blk, y));
                ir_insn_start(blk, 0x1004, 4);
                /* out of range: the second instruction faults */
                ir_store(blk, mop, ir_or(blk, a, ir_const_i64(blk, 1ull << 40)), v);
                ir_goto_block(blk, 0x1008);
                check_both(blk, r);
            }
        }
    }
}
END_TEST

START_TEST(test_atomics)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(5);
    for (unsigned aop = 0; aop < IR_ATOMIC_COUNT; aop++) {
        for (unsigned mop = 0; mop < 16; mop++) {
            for (unsigned ty = 0; ty < 2; ty++) {
                IrType t = ty ? IR_I64 : IR_I32;
                if (ir_memop_size(mop) > (ty ? 8u : 4u)) {
                    continue;
                }
                g_autoptr(IrBlock) blk = ir_block_new();
                ir_insn_start(blk, 0x1000, 4);
                IrTemp a = ir_and(blk, ir_get(blk, IR_I64, SLOT(5)), ir_const_i64(blk, 0xff8));
                IrTemp v = ty ? ir_get(blk, IR_I64, SLOT(7)) : ir_trunc(blk, ir_get(blk, IR_I64, SLOT(7)));
                IrTemp old = ir_atomic_rmw(blk, (IrAtomicOp)aop, mop, a, v);
                ir_set(blk, SLOT(6), ty ? old : ir_extu32(blk, old));
                IrTemp e = ir_load(blk, t, mop, a);
                IrTemp c1 = ir_cmpxchg(blk, mop, a, e, v);          /* succeeds */
                IrTemp c2 = ir_cmpxchg(blk, mop, a, old, e);        /* usually fails */
                ir_set(blk, SLOT(8), ty ? c1 : ir_extu32(blk, c1));
                ir_set(blk, SLOT(9), ty ? c2 : ir_extu32(blk, c2));
                ir_fence(blk);
                ir_goto_block(blk, 0x1004);
                check_both(blk, r);
            }
        }
    }
}
END_TEST

/* Chaining, unchaining, the entry poll and the inline jump-cache probe. */
START_TEST(test_chain_and_poll)
{
    g_autoptr(IrBlock) b1 = ir_block_new();
    b1->guest_pc = 0x1000;
    b1->guest_insns = 1;
    ir_insn_start(b1, 0x1000, 4);
    ir_set(b1, SLOT(5), ir_add(b1, ir_get(b1, IR_I64, SLOT(5)), ir_const_i64(b1, 1)));
    ir_goto_block(b1, 0x2000);
    g_autoptr(IrBlock) b2 = ir_block_new();
    b2->guest_pc = 0x2000;
    b2->guest_insns = 2;
    ir_insn_start(b2, 0x2000, 4);
    ir_set(b2, SLOT(6), ir_add(b2, ir_get(b2, IR_I64, SLOT(6)), ir_const_i64(b2, 10)));
    ir_insn_start(b2, 0x2004, 4);
    ir_raise(b2, GUEST_EXIT_SYSCALL, 93, ir_get(b2, IR_I64, SLOT(6)));
    g_autoptr(IrBlock) b3 = ir_block_new();
    b3->guest_pc = 0x3000;
    ir_insn_start(b3, 0x3000, 4);
    ir_goto_ptr(b3, ir_const_i64(b3, 0x2000));

    TbBlock *t1 = jit_translate(b1), *t2 = jit_translate(b2), *t3 = jit_translate(b3);
    FakeCpu c = { 0 };
    c.common.jmp_cache = test_jmp_cache;
    TbBlock *from;
    unsigned slot;

    engine_jit.run(ctx, &c.common, t1, &from, &slot);
    ck_assert_ptr_eq(from, t1);
    ck_assert_uint_eq(slot, 0);
    ck_assert_uint_eq(c.common.pc, 0x2000);
    ck_assert_uint_eq(c.r[5], 1);

    engine_jit.chain(ctx, t1, 0, t2);
    engine_jit.run(ctx, &c.common, t1, &from, &slot);
    ck_assert_ptr_null(from);
    ck_assert_uint_eq(c.common.exit_kind, GUEST_EXIT_SYSCALL);
    ck_assert_int_eq(c.common.exit_code, 93);
    ck_assert_uint_eq(c.common.exit_aux, 10);
    ck_assert_uint_eq(c.common.pc, 0x2004);
    ck_assert_uint_eq(c.r[5], 2);

    engine_jit.unchain(ctx, t1, 0);
    c.common.exit_kind = GUEST_EXIT_NONE;
    engine_jit.run(ctx, &c.common, t1, &from, &slot);
    ck_assert_ptr_eq(from, t1);
    ck_assert_uint_eq(c.r[5], 3);
    ck_assert_uint_eq(c.r[6], 10);

    /* A pending request stops the block before it does anything. */
    c.common.exit_request = GUEST_REQ_SIGNAL;
    engine_jit.run(ctx, &c.common, t1, &from, &slot);
    ck_assert_ptr_null(from);
    ck_assert_uint_eq(c.common.exit_kind, GUEST_EXIT_INTERRUPT);
    ck_assert_uint_eq(c.common.pc, 0x1000);
    ck_assert_uint_eq(c.r[5], 3);
    c.common.exit_request = 0;

    /* goto_ptr: a jump-cache miss returns to C, a hit goes straight to the block. */
    c.common.exit_kind = GUEST_EXIT_NONE;
    engine_jit.run(ctx, &c.common, t3, &from, &slot);
    ck_assert_ptr_null(from);
    ck_assert_uint_eq(c.common.exit_kind, GUEST_EXIT_NONE);
    ck_assert_uint_eq(c.common.pc, 0x2000);
    test_jmp_cache[tb_jmp_hash(0x2000)] = t2;
    engine_jit.run(ctx, &c.common, t3, &from, &slot);
    ck_assert_uint_eq(c.common.exit_kind, GUEST_EXIT_SYSCALL);
    ck_assert_uint_eq(c.r[6], 20);
    test_jmp_cache[tb_jmp_hash(0x2000)] = NULL;

    tb_free(t1);
    tb_free(t2);
    tb_free(t3);
}
END_TEST

static FakeCpu *alarm_cpu;

static void alarm_handler(int sig)
{
    alarm_cpu->common.exit_request = GUEST_REQ_SIGNAL;
}

START_TEST(test_stats_and_self_loop_poll)
{
    ctx->opts.stats = true;
    ctx->count_insns = true;    /* what exec_init() derives from --stats */
    g_autoptr(IrBlock) b1 = ir_block_new();
    b1->guest_pc = 0x1000;
    b1->guest_insns = 7;
    ir_insn_start(b1, 0x1000, 4);
    ir_set(b1, SLOT(5), ir_add(b1, ir_get(b1, IR_I64, SLOT(5)), ir_const_i64(b1, 1)));
    ir_goto_block(b1, 0x1000);
    TbBlock *t1 = jit_translate(b1);
    FakeCpu c = { 0 };
    c.common.jmp_cache = test_jmp_cache;
    TbBlock *from;
    unsigned slot;

    /* An endless self loop only stops through the poll (request set by a timer). */
    alarm_cpu = &c;
    struct sigaction sa = { 0 }, old;
    sa.sa_handler = alarm_handler;
    sigaction(SIGALRM, &sa, &old);
    struct itimerval it = { .it_value = { .tv_usec = 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    engine_jit.run(ctx, &c.common, t1, &from, &slot);
    sigaction(SIGALRM, &old, NULL);
    ck_assert_ptr_null(from);
    ck_assert_uint_eq(c.common.exit_kind, GUEST_EXIT_INTERRUPT);
    ck_assert_uint_eq(c.common.pc, 0x1000);
    ck_assert_uint_gt(c.r[5], 1000);
    /* every iteration counted, and the state is exact at the interrupt */
    ck_assert_uint_eq(c.common.insns_executed, 7 * c.r[5]);
    tb_free(t1);
    ctx->opts.stats = false;
    ctx->count_insns = false;
}
END_TEST

/* A counted self loop with a memory access: loops inside the block, exits by slot 0. */
START_TEST(test_self_loop_sum)
{
    for (int form = 0; form < 2; form++) {
        g_autoptr(IrBlock) b = ir_block_new();
        b->guest_pc = 0x2000;
        b->guest_insns = 4;
        ir_insn_start(b, 0x2000, 4);
        IrTemp n = ir_sub(b, ir_get(b, IR_I64, SLOT(5)), ir_const_i64(b, 1));
        ir_set(b, SLOT(5), n);
        IrTemp a = ir_and(b, ir_shl(b, n, ir_const_i64(b, 3)), ir_const_i64(b, 0xff8));
        ir_store(b, IR_MEM_64, a, n);
        IrTemp sum = ir_add(b, ir_get(b, IR_I64, SLOT(6)), ir_load(b, IR_I64, IR_MEM_64, a));
        ir_set(b, SLOT(6), sum);
        ir_set(b, SLOT(7), ir_xor(b, ir_get(b, IR_I64, SLOT(7)), sum));
        uint32_t l = ir_label_new(b);
        if (form == 0) {
            ir_brcond(b, IR_COND_NE, n, ir_const_i64(b, 0), l);
            ir_goto_block(b, 0x2004);
            ir_label(b, l);
            ir_goto_block(b, 0x2000);
        } else {
            ir_brcond(b, IR_COND_EQ, n, ir_const_i64(b, 0), l);
            ir_goto_block(b, 0x2000);
            ir_label(b, l);
            ir_goto_block(b, 0x2004);
        }
        TbBlock *t = jit_translate(b);
        FakeCpu c = { 0 };
        c.common.jmp_cache = test_jmp_cache;
        c.r[5] = 1000;
        c.r[6] = 5;
        c.r[7] = 9;
        uint64_t want6 = 5, want7 = 9;
        for (uint64_t k = 1000; k-- > 0;) {
            want6 += k;
            want7 ^= want6;
        }
        TbBlock *from;
        unsigned slot;
        engine_jit.run(ctx, &c.common, t, &from, &slot);
        ck_assert_ptr_eq(from, t);
        ck_assert_uint_eq(c.common.pc, 0x2004);
        ck_assert_uint_eq(c.r[5], 0);
        ck_assert_uint_eq(c.r[6], want6);
        ck_assert_uint_eq(c.r[7], want7);
        tb_free(t);
    }
}
END_TEST

/* --- Host faults inside generated code --- */

static sigjmp_buf fault_jmp;
static FakeCpu *fault_cpu;
static bool fault_found;

static void fault_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    fault_found = engine_jit.host_pc_to_guest(ctx, pc, uc, &fault_cpu->common);
    siglongjmp(fault_jmp, 1);
}

START_TEST(test_host_fault_pc)
{
    /* Guest memory: one readable page, then an inaccessible one (inside 2^addr_bits). */
    uint8_t *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(m != MAP_FAILED);
    ck_assert_int_eq(mprotect(m + 4096, 4096, PROT_NONE), 0);
    ctx->mem.base = m;
    ctx->mem.addr_bits = 13;

    g_autoptr(IrBlock) blk = ir_block_new();
    blk->guest_pc = 0x4000;
    ir_insn_start(blk, 0x4000, 4);
    IrTemp x = ir_add(blk, ir_get(blk, IR_I64, SLOT(5)), ir_const_i64(blk, 3));
    ir_set(blk, SLOT(5), x);
    ir_insn_start(blk, 0x4004, 4);
    ir_store(blk, IR_MEM_64, ir_const_i64(blk, 0x10), x);
    ir_insn_start(blk, 0x4008, 2);
    IrTemp y = ir_load(blk, IR_I64, IR_MEM_32, ir_add(blk, x, ir_const_i64(blk, 0x1000)));
    ir_set(blk, SLOT(6), y);
    ir_goto_block(blk, 0x400a);
    TbBlock *tb = jit_translate(blk);

    FakeCpu c = { 0 };

    c.common.jmp_cache = test_jmp_cache;
    c.r[5] = 0x20;
    fault_cpu = &c;
    fault_found = false;
    struct sigaction sa = { 0 }, old;
    sa.sa_sigaction = fault_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, &old);
    TbBlock *from;
    unsigned slot;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        engine_jit.run(ctx, &c.common, tb, &from, &slot);
    }
    sigaction(SIGSEGV, &old, NULL);
    ck_assert(fault_found);
    ck_assert_uint_eq(c.common.pc, 0x4008);
    ck_assert_uint_eq(c.r[5], 0x23);                  /* written back before the access */
    ck_assert_uint_eq(*(uint64_t *)(m + 0x10), 0x23);
    ck_assert(!engine_jit.host_pc_to_guest(ctx, (uintptr_t)&fault_handler, NULL, &c.common));
    tb_free(tb);
    munmap(m, 8192);
    ctx->mem.base = mem_b;
    ctx->mem.addr_bits = MEM_BITS;
}
END_TEST

/* --- Random blocks --- */

typedef struct Gen {
    IrBlock *blk;
    GRand *r;
    GArray *pool[2];            /* IrTemp by type */
    uint64_t pc;
    unsigned in_shadow;         /* open forward branches */
} Gen;

static uint64_t rnd64(GRand *r)
{
    static const uint64_t special[] = {
        0, 1, 2, 3, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
        0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
        (uint64_t)-1, (uint64_t)-2, (uint64_t)-128, 0xdeadbeefcafef00dull,
    };
    switch (g_rand_int_range(r, 0, 4)) {
    case 0:
        return special[g_rand_int_range(r, 0, G_N_ELEMENTS(special))];
    case 1:
        return (uint64_t)g_rand_int_range(r, -300, 300);
    default:
        return ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);
    }
}

static IrTemp pick(Gen *g, IrType t)
{
    GArray *p = g->pool[t];
    if (p->len == 0 || g_rand_int_range(g->r, 0, 8) == 0) {
        IrTemp c = ir_const(g->blk, t, rnd64(g->r));
        g_array_append_val(p, c);
        return c;
    }
    /* Prefer recent temps so some die early and some live long. */
    guint n = p->len;
    guint i = g_rand_int_range(g->r, 0, 3) ? n - 1 - (guint)g_rand_int_range(g->r, 0, MIN(n, 6u))
                                         : (guint)g_rand_int_range(g->r, 0, n);
    return g_array_index(p, IrTemp, i);
}

static void add(Gen *g, IrTemp t)
{
    g_array_append_val(g->pool[ir_temp_type(g->blk, t)], t);
}

static const IrOpcode bin_ops[] = {
    IR_OP_ADD, IR_OP_SUB, IR_OP_MUL, IR_OP_MULHS, IR_OP_MULHU, IR_OP_MULHSU, IR_OP_DIVS, IR_OP_DIVU,
    IR_OP_REMS, IR_OP_REMU, IR_OP_AND, IR_OP_OR, IR_OP_XOR, IR_OP_SHL, IR_OP_SHR, IR_OP_SAR,
    IR_OP_ROTL, IR_OP_ROTR,
};

static IrMemOp rnd_mop(Gen *g, IrType t)
{
    unsigned size = (unsigned)g_rand_int_range(g->r, 0, t == IR_I64 ? 4 : 3);
    return size | (g_rand_boolean(g->r) ? IR_MEM_SIGN : 0) | (g_rand_boolean(g->r) ? IR_MEM_BE : 0);
}

/* A guest address: mostly inside the buffer (aligned to the access), sometimes far outside. */
static IrTemp rnd_addr(Gen *g, IrMemOp mop)
{
    IrBlock *blk = g->blk;
    unsigned size = ir_memop_size(mop);
    int k = g_rand_int_range(g->r, 0, 20);
    if (k == 0) {
        return ir_const_i64(blk, 0x10000 + 8 * (uint64_t)g_rand_int_range(g->r, 0, 100));
    }
    if (k == 1) {
        return ir_const_i64(blk, (uint64_t)g_rand_int_range(g->r, 0, MEM_SIZE / 8) * 8);
    }
    IrTemp base = pick(g, IR_I64);
    IrTemp a = ir_and(blk, base, ir_const_i64(blk, (MEM_SIZE - 1) & ~(uint64_t)(size - 1)));
    if (k == 2) {
        return ir_trunc(blk, a);
    }
    if (k == 3) {
        return ir_or(blk, base, ir_const_i64(blk, 1ull << 20));     /* faults */
    }
    return a;
}

/* HOSTLD8's table: every byte different from its index. */
static uint8_t hostld_table[256];

static void gen_op(Gen *g)
{
    IrBlock *blk = g->blk;
    GRand *r = g->r;
    IrType t = g_rand_boolean(r) ? IR_I64 : IR_I32;
    unsigned w = t == IR_I64 ? 64 : 32;
    switch (g_rand_int_range(r, 0, 23)) {
    case 0:
    case 1:
        add(g, ir_get(blk, t, SLOT(g_rand_int_range(r, 0, NSLOTS)) + (t == IR_I32 && g_rand_boolean(r) ? 4 : 0)));
        break;
    case 2:
    case 3: {
        IrTemp v = pick(g, t);
        ir_set(blk, SLOT(g_rand_int_range(r, 0, NSLOTS)) + (t == IR_I32 && g_rand_boolean(r) ? 4 : 0), v);
        break;
    }
    case 4: case 5: case 6: case 7: case 8: case 9: {
        IrOpcode op = bin_ops[g_rand_int_range(r, 0, G_N_ELEMENTS(bin_ops))];
        add(g, ir_binop(blk, op, pick(g, t), pick(g, t)));
        break;
    }
    case 10: {
        static const IrOpcode un[] = { IR_OP_NEG, IR_OP_NOT, IR_OP_CLZ, IR_OP_CTZ, IR_OP_POPCNT };
        add(g, ir_unop(blk, un[g_rand_int_range(r, 0, G_N_ELEMENTS(un))], pick(g, t)));
        break;
    }
    case 11: {
        static const unsigned bits[] = { 8, 16, 32 };
        unsigned b = bits[g_rand_int_range(r, 0, 3)];
        IrTemp a = pick(g, t);
        add(g, g_rand_boolean(r) ? ir_sext(blk, a, b) : ir_zext(blk, a, b));
        break;
    }
    case 12:
        if (t == IR_I64) {
            add(g, ir_trunc(blk, pick(g, IR_I64)));
        } else {
            IrTemp a = pick(g, IR_I32);
            add(g, g_rand_boolean(r) ? ir_extu32(blk, a) : ir_exts32(blk, a));
        }
        break;
    case 13: {
        unsigned pos = (unsigned)g_rand_int_range(r, 0, (int)w);
        unsigned len = (unsigned)g_rand_int_range(r, 1, (int)(w - pos) + 1);
        if (g_rand_boolean(r)) {
            add(g, ir_extract(blk, pick(g, t), pos, len));
        } else {
            add(g, ir_deposit(blk, pick(g, t), pick(g, t), pos, len));
        }
        break;
    }
    case 14: {
        unsigned bits = t == IR_I64 ? 16u << g_rand_int_range(r, 0, 3) : 16u << g_rand_int_range(r, 0, 2);
        add(g, ir_bswap(blk, pick(g, t), bits));
        break;
    }
    case 15:
        add(g, ir_setcond(blk, (IrCond)g_rand_int_range(r, 0, IR_COND_COUNT), pick(g, t), pick(g, t)));
        break;
    case 16: {
        IrTemp a = pick(g, t), b = pick(g, t), x = pick(g, t), y = pick(g, t);
        add(g, ir_select(blk, (IrCond)g_rand_int_range(r, 0, IR_COND_COUNT), a, b, x, y));
        break;
    }
    case 17:
    case 18: {
        IrMemOp mop = rnd_mop(g, t);
        add(g, ir_load(blk, t, mop, rnd_addr(g, mop)));
        break;
    }
    case 19: {
        IrMemOp mop = rnd_mop(g, t);
        IrTemp a = rnd_addr(g, mop);
        ir_store(blk, mop, a, pick(g, t));
        break;
    }
    case 20:
        if (g->in_shadow) {
            break;              /* frontends never branch over an instruction boundary */
        }
        g->pc += 4;
        ir_insn_start(blk, g->pc, 4);
        blk->guest_insns++;
        break;
    case 21: {
        IrMemOp mop = rnd_mop(g, t);
        IrTemp a = rnd_addr(g, mop);
        add(g, ir_atomic_rmw(blk, (IrAtomicOp)g_rand_int_range(r, 0, IR_ATOMIC_COUNT), mop, a, pick(g, t)));
        break;
    }
    case 22: {
        /* An index below 256; as i32, sometimes a truncation that may leave high bits set on the host. */
        IrTemp idx = ir_and(blk, pick(g, IR_I64), ir_const_i64(blk, 255));
        if (t == IR_I32) {
            idx = ir_trunc(blk, g_rand_boolean(r) ? ir_or(blk, idx, ir_const_i64(blk, 0xabcd00000000ull)) : idx);
        }
        add(g, ir_hostld8(blk, hostld_table, idx));
        break;
    }
    }
}

static void gen_exit(Gen *g)
{
    IrBlock *blk = g->blk;
    switch (g_rand_int_range(g->r, 0, 5)) {
    case 4: {
        /* The conditional-branch shape a frontend emits: two chainable exits. */
        IrType t = g_rand_boolean(g->r) ? IR_I64 : IR_I32;
        uint32_t label = ir_label_new(blk);
        ir_brcond(blk, (IrCond)g_rand_int_range(g->r, 0, IR_COND_COUNT), pick(g, t), pick(g, t), label);
        ir_goto_block(blk, g->pc + 4);
        ir_label(blk, label);
        ir_goto_block(blk, 0x9000);
        break;
    }
    case 0:
        ir_goto_ptr(blk, pick(g, IR_I64));
        break;
    case 1:
        ir_raise(blk, GUEST_EXIT_SYSCALL + g_rand_int_range(g->r, 0, 3), g_rand_int_range(g->r, -5, 5000),
                 g_rand_boolean(g->r) ? pick(g, IR_I64) : IR_TEMP_NONE);
        break;
    default:
        ir_goto_block(blk, 0x8000 + 4 * (uint64_t)g_rand_int_range(g->r, 0, 100));
        break;
    }
}

/*
 * A random block: straight-line runs separated by forward branches.  Temps made inside
 * a branch's shadow are dropped at its label (they would be undefined on the taken
 * path); a multi-def temp carries a value across.
 */
static IrBlock *gen_block(GRand *r, unsigned nops, bool with_branches)
{
    Gen g = { .blk = ir_block_new(), .r = r, .pc = 0x1000 };
    g.pool[0] = g_array_new(FALSE, FALSE, sizeof(IrTemp));
    g.pool[1] = g_array_new(FALSE, FALSE, sizeof(IrTemp));
    g.blk->guest_pc = 0x1000;
    g.blk->guest_insns = 1;
    ir_insn_start(g.blk, 0x1000, 4);
    for (int i = 0; i < 4; i++) {
        add(&g, ir_get(g.blk, IR_I64, SLOT(g_rand_int_range(r, 0, NSLOTS))));
    }
    unsigned done = 0;
    while (done < nops) {
        if (with_branches && g_rand_int_range(r, 0, 10) == 0) {
            IrType t = g_rand_boolean(r) ? IR_I64 : IR_I32;
            uint32_t label = ir_label_new(g.blk);
            IrTemp merged = ir_mov(g.blk, pick(&g, t));
            ir_brcond(g.blk, (IrCond)g_rand_int_range(r, 0, IR_COND_COUNT), pick(&g, t), pick(&g, t), label);
            guint keep[2] = { g.pool[0]->len, g.pool[1]->len };
            unsigned n = (unsigned)g_rand_int_range(r, 1, 8);
            g.in_shadow++;
            for (unsigned k = 0; k < n; k++) {
                gen_op(&g);
            }
            done += n;
            ir_mov_to(g.blk, merged, pick(&g, t));
            if (g_rand_int_range(r, 0, 3) == 0) {
                /* the not-taken path leaves the block: the taken one continues */
                gen_exit(&g);
            }
            g_array_set_size(g.pool[0], keep[0]);
            g_array_set_size(g.pool[1], keep[1]);
            ir_label(g.blk, label);
            g.in_shadow--;
            add(&g, merged);
            continue;
        }
        gen_op(&g);
        done++;
    }
    /* Keep many temps alive to the end: register pressure and spills. */
    for (unsigned i = 0; i < 6; i++) {
        IrType t = g_rand_boolean(r) ? IR_I64 : IR_I32;
        if (g.pool[t]->len > 0) {
            IrTemp v = g_array_index(g.pool[t], IrTemp, g_rand_int_range(r, 0, g.pool[t]->len));
            ir_set(g.blk, SLOT(i + 8), t == IR_I64 ? v : ir_exts32(g.blk, v));
        }
    }
    gen_exit(&g);
    g_array_free(g.pool[0], TRUE);
    g_array_free(g.pool[1], TRUE);
    return g.blk;
}

static void random_round(unsigned seed, bool optimize, bool features)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(seed);
    for (unsigned i = 0; i < sizeof(hostld_table); i++) {
        hostld_table[i] = (uint8_t)(i * 37 + 11);
    }
    if (!features) {
        x64_host = (X64Features){ 0 };
    }
    unsigned rounds = g_getenv("X64_TEST_ROUNDS") ? (unsigned)atoi(g_getenv("X64_TEST_ROUNDS")) : 150;
    for (unsigned n = 0; n < rounds; n++) {
        unsigned nops = (unsigned)g_rand_int_range(r, 5, n % 3 != 2 ? 40 : 160);
        bool branches = n % 3 != 0;
        if (g_getenv("X64_TEST_SMALL") != NULL) {
            nops = (unsigned)g_rand_int_range(r, 1, atoi(g_getenv("X64_TEST_SMALL")));
            branches = g_getenv("X64_TEST_BRANCHES") != NULL;
        }
        IrBlock *blk = gen_block(r, nops, branches);
        if (optimize) {
            ir_optimize(blk);
        }
        if (g_getenv("X64_TEST_DUMP") != NULL) {
            g_autofree char *text = ir_block_text(blk);
            fprintf(stderr, "--- seed %u block %u\n%s", seed, n, text);
            ctx->opts.trace |= EXEC_TRACE_HOST;
        }
        char *diff = run_both(blk, r);
        if (diff != NULL) {
            g_autofree char *text = ir_block_text(blk);
            ck_abort_msg("seed %u block %u (opt %d, features %d): %s\n%s", seed, n, optimize, features, diff, text);
        }
        ir_block_free(blk);
    }
    restore_host_features();
}

START_TEST(test_random)
{
    random_round(100 + (unsigned)_i, _i % 2 == 0, _i % 4 < 2);
}
END_TEST

Suite *x64_jit_suite(void)
{
    Suite *s = suite_create("x64_jit");
    TCase *tc = tcase_create("jit");
    tcase_add_checked_fixture(tc, jit_setup, jit_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_div_edges);
    tcase_add_loop_test(tc, test_fp_edges, 0, 2);
    tcase_add_loop_test(tc, test_fp_host_edges, 0, 2);
    tcase_add_test(tc, test_get_set_cache);
    tcase_add_test(tc, test_shift_add_lea);
    tcase_add_test(tc, test_narrow_ops);
    tcase_add_test(tc, test_if_then_state);
    tcase_add_test(tc, test_calls);
    tcase_add_loop_test(tc, test_fp_xmm_reuse, 0, 2);
    tcase_add_test(tc, test_memory_ops);
    tcase_add_test(tc, test_atomics);
    tcase_add_test(tc, test_chain_and_poll);
    tcase_add_test(tc, test_stats_and_self_loop_poll);
    tcase_add_test(tc, test_self_loop_sum);
    tcase_add_test(tc, test_host_fault_pc);
    tcase_add_loop_test(tc, test_random, 0, 16);
    suite_add_tcase(s, tc);
    return s;
}
