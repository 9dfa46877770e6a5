/*
 * Differential fuzzing of the RISC-V frontend and both engines: random
 * instruction words (and random mutations of valid ones) are lifted and run
 * for one block under the interpreter and under the JIT, from the same random
 * register state and memory.  The host must never crash, and both engines must
 * end in the same CPU state and memory.  The JIT's cold tier (exec/tier.c: the lifted,
 * unoptimized IR on the interpreter) is compared the same way with the interpreter engine
 * (optimized IR), both without tracing, so with the lifter's in-block branches.
 *
 * Guest memory is a 1 MiB buffer with addr_bits = 20, so every in-range access
 * hits mapped memory and every out-of-range one is the engines' own fault exit:
 * no host signal handling is needed here.
 */
#include <check.h>
#include <string.h>

#include "exec/exec.h"
#include "frontend/riscv/cpu.h"
#include "tests/support/block_run.h"

#define FUZZ_MEM_BITS 20
#define FUZZ_MEM_SIZE (1u << FUZZ_MEM_BITS)
#define FUZZ_CODE 0x1000u
#define FUZZ_WORDS 24

/* tier_threshold > 0: the JIT's cold tier, untraced (tiering is off while tracing). */
static void fuzz_setup(BlockRun *r, const char *engine, unsigned tier_threshold)
{
    /*
     * Block tracing marks every block "traced": the JIT then compiles no in-block loop
     * back to the block's start (which would run a random loop many times where the
     * interpreter runs the block once, or forever) and probes no jump cache.  Nothing
     * is printed: block lines come from the exec loop, which this test does not use.
     * Interpreters run one block either way.
     */
    ExecOptions opts = { .engine = engine, .max_block_insns = FUZZ_WORDS, .trace = EXEC_TRACE_BLOCK,
                         .tier_threshold = tier_threshold };
    if (tier_threshold > 0 || strcmp(engine, "interp-untraced") == 0) {
        opts.trace = 0;
        opts.engine = tier_threshold > 0 ? engine : "interp";
    }
    block_run_setup(r, &rv64_arch, &opts, FUZZ_MEM_BITS);
}

static uint32_t rand_word(GRand *rng)
{
    static const uint32_t valid[] = {
        0x00a50533, /* add a0,a0,a0 */   0x02b50533, /* mul a0,a0,a1 */
        0x02b54533, /* div a0,a0,a1 */   0x0005b503, /* ld a0,0(a1) */
        0x00a5b023, /* sd a0,0(a1) */    0x100525af, /* lr.w a1,(a0) */
        0x18b5262f, /* sc.w a2,a1,(a0) */ 0x00b505d3, /* fadd.s fa1,fa0,fa1 */
        0x02b57553, /* fadd.d fa0,fa0,fa1 (dyn rm) */ 0xc0051553, /* fcvt.w.s a0,fa0,rtz */
        0x00351073, /* fsflags? csrrw */ 0x00000013, /* nop */
        0xfe058ee3, /* beqz a1,-4 */     0x0000100f, /* fence.i */
        0xa2b51553, /* flt.d a0,fa0,fa1 */ 0xa0b52553, /* feq.s a0,fa0,fa1 */
        0xa2a58653, /* fle.d a2,fa1,fa0 */
        /* Destinations that are sources: the inline ops' slow paths read the registers again. */
        0x0ab57553, /* fsub.d fa0,fa0,fa1 */ 0x12a5f553, /* fmul.d fa0,fa1,fa0 */
        0x1ac585d3, /* fdiv.d fa1,fa1,fa2 (rne) */ 0x5a057653, /* fsqrt.d fa2,fa0 */
        0x10b57553, /* fmul.s fa0,fa0,fa1 */ 0x18a5f5d3, /* fdiv.s fa1,fa1,fa0 */
        0x62b57543, /* fmadd.d fa0,fa0,fa1,fa2 */ 0x52b675cf, /* fnmadd.d fa1,fa2,fa1,fa0 */
    };
    uint32_t w;

    switch (g_rand_int_range(rng, 0, 4)) {
    case 0:
        return g_rand_int(rng);
    case 1:                         /* a valid word with random register/immediate bits */
        w = valid[g_rand_int_range(rng, 0, G_N_ELEMENTS(valid))];
        return w ^ (g_rand_int(rng) & 0xfff8f80u);
    case 2:                         /* compressed pair */
        return g_rand_int(rng) & 0xfffcfffcu ? g_rand_int(rng) : 0x4501;
    default:
        return valid[g_rand_int_range(rng, 0, G_N_ELEMENTS(valid))];
    }
}

static void init_state(GRand *rng, RvCpu *cpu, uint8_t *mem)
{
    for (unsigned i = 1; i < 32; i++) {
        /* Mostly pointers into the buffer so loads and stores do something. */
        cpu->x[i] = g_rand_boolean(rng) ? (uint64_t)g_rand_int_range(rng, 0, FUZZ_MEM_SIZE) & ~7ull
                                        : ((uint64_t)g_rand_int(rng) << 32 | g_rand_int(rng));
        cpu->f[i] = (uint64_t)g_rand_int(rng) << 32 | g_rand_int(rng);
        if (i % 3 == 1) {
            /* A double of ordinary magnitude, so results stay normal (the inline FP path). */
            uint64_t exp = (uint64_t)g_rand_int_range(rng, 0x3f0, 0x410);
            cpu->f[i] = (cpu->f[i] & 0x800fffffffffffffull) | exp << 52;
        } else if (i % 3 == 2) {
            cpu->f[i] = 0xffffffff00000000ull | (uint32_t)g_rand_int_range(rng, 0x3c000000, 0x42000000);
        }
    }
    cpu->f[0] = 0xffffffff3f800000ull;  /* 1.0f, NaN-boxed */
    cpu->frm = g_rand_boolean(rng) ? 0 : (uint32_t)g_rand_int_range(rng, 0, 5);
    cpu->fflags = g_rand_boolean(rng) ? 1 : (uint32_t)g_rand_int_range(rng, 0, 32);
    cpu->common.pc = FUZZ_CODE;
    for (unsigned i = 0; i < FUZZ_MEM_SIZE / 4; i++) {
        ((uint32_t *)mem)[i] = g_rand_int(rng);
    }
}

static void compare(const BlockRun *a, const BlockRun *b, uint32_t seed)
{
    const RvCpu *ca = (const RvCpu *)a->cpu, *cb = (const RvCpu *)b->cpu;

    ck_assert_msg(ca->common.exit_kind == cb->common.exit_kind, "seed %u: exit kind %u vs %u", seed,
                  ca->common.exit_kind, cb->common.exit_kind);
    ck_assert_msg(ca->common.pc == cb->common.pc, "seed %u: pc 0x%lx vs 0x%lx", seed,
                  (unsigned long)ca->common.pc, (unsigned long)cb->common.pc);
    if (ca->common.exit_kind != GUEST_EXIT_NONE) {
        ck_assert_msg(ca->common.exit_code == cb->common.exit_code, "seed %u: exit code", seed);
        ck_assert_msg(ca->common.exit_aux == cb->common.exit_aux, "seed %u: exit aux", seed);
    }
    for (unsigned i = 0; i < 32; i++) {
        ck_assert_msg(ca->x[i] == cb->x[i], "seed %u: x%u 0x%lx vs 0x%lx", seed, i,
                      (unsigned long)ca->x[i], (unsigned long)cb->x[i]);
        ck_assert_msg(ca->f[i] == cb->f[i], "seed %u: f%u 0x%lx vs 0x%lx", seed, i,
                      (unsigned long)ca->f[i], (unsigned long)cb->f[i]);
    }
    ck_assert_msg(ca->fflags == cb->fflags, "seed %u: fflags %x vs %x", seed, ca->fflags, cb->fflags);
    ck_assert_msg(ca->frm == cb->frm, "seed %u: frm", seed);
    ck_assert_msg(ca->res_addr == cb->res_addr, "seed %u: reservation", seed);
    ck_assert_msg(memcmp(a->mem, b->mem, FUZZ_MEM_SIZE) == 0, "seed %u: memory differs", seed);
}

START_TEST(test_fuzz_engines_agree)
{
    BlockRun interp, jit, cold, plain;
    /* MIMIC_FUZZ_ROUNDS / MIMIC_FUZZ_FIRST: longer or different runs by hand. */
    const char *rounds_env = g_getenv("MIMIC_FUZZ_ROUNDS");
    const char *first_env = g_getenv("MIMIC_FUZZ_FIRST");
    uint32_t rounds = rounds_env ? (uint32_t)g_ascii_strtoull(rounds_env, NULL, 10) : 3000;
    uint32_t first = first_env ? (uint32_t)g_ascii_strtoull(first_env, NULL, 10) : 1;

    fuzz_setup(&interp, "interp", 0);
    fuzz_setup(&jit, "jit", 0);
    fuzz_setup(&cold, "jit", 1);
    fuzz_setup(&plain, "interp-untraced", 0);
    for (uint32_t seed = first; seed < first + rounds; seed++) {
        GRand *rng = g_rand_new_with_seed(seed);
        uint32_t words[FUZZ_WORDS];

        for (unsigned i = 0; i < FUZZ_WORDS; i++) {
            words[i] = rand_word(rng);
        }
        init_state(rng, (RvCpu *)interp.cpu, interp.mem);
        memcpy(interp.mem + FUZZ_CODE, words, sizeof(words));
        /* Fresh translations each round: the code bytes changed. */
        block_run_copy_state(&jit, &interp);
        block_run_copy_state(&cold, &interp);
        block_run_copy_state(&plain, &interp);
        exec_flush(&interp.x);
        uint64_t cold_before = cold.x.stats.blocks_cold;
        block_run_one(&interp);
        block_run_one(&jit);
        block_run_one(&cold);
        block_run_one(&plain);
        ck_assert_msg(cold.x.stats.blocks_cold == cold_before + 1, "seed %u: the cold tier was not used", seed);
        compare(&interp, &jit, seed);
        compare(&plain, &cold, seed);
        g_rand_free(rng);
    }
    block_run_teardown(&interp);
    block_run_teardown(&jit);
    block_run_teardown(&cold);
    block_run_teardown(&plain);
}
END_TEST

Suite *fuzz_engines_suite(void)
{
    Suite *s = suite_create("fuzz_engines");
    TCase *tc = tcase_create("riscv64");

    tcase_set_timeout(tc, 3600);
    tcase_add_test(tc, test_fuzz_engines_agree);
    suite_add_tcase(s, tc);
    return s;
}
