/*
 * Differential fuzzing of the PowerPC frontend and both engines, like the RISC-V
 * one in test_fuzz.c: instruction words built from the decoder's own table rows
 * (random operand fields, so every row is exercised) mixed with fully random words
 * are lifted and run for one block under the interpreter and under the JIT from
 * the same random state.  The host must never crash and both must end alike.
 *
 * The time base (mftb, mfspr 268/269) reads the host clock and is left out.
 */
#include <check.h>
#include <string.h>

#include "exec/exec.h"
#include "frontend/ppc/internal.h"
#include "tests/support/block_run.h"

#define PFUZZ_MEM_BITS 20
#define PFUZZ_MEM_SIZE (1u << PFUZZ_MEM_BITS)
#define PFUZZ_CODE 0x1000u
#define PFUZZ_WORDS 24

typedef struct PfuzzRow {
    const PpcInsnDesc *d;
    unsigned opcd;
} PfuzzRow;

static GArray *pfuzz_rows;

static void pfuzz_collect(const PpcInsnDesc *d, unsigned opcd, void *opaque)
{
    PfuzzRow r = { d, opcd };

    g_array_append_val(pfuzz_rows, r);
}

static bool pfuzz_reads_clock(uint32_t w)
{
    PpcArgs a;
    const PpcInsnDesc *d = ppc_decode(w, &a);

    return d != NULL && (d->trans == ppc_trans_mftb || (d->trans == ppc_trans_mfspr && (a.spr == 268 || a.spr == 269)));
}

static uint32_t pfuzz_word(GRand *rng)
{
    for (;;) {
        uint32_t w;

        if (g_rand_int_range(rng, 0, 5) == 0) {
            w = g_rand_int(rng);
        } else {
            const PfuzzRow *r = &g_array_index(pfuzz_rows, PfuzzRow, g_rand_int_range(rng, 0, pfuzz_rows->len));
            uint32_t reserved = ppc_reserved_mask(r->d, r->opcd);
            bool ext = r->opcd == 19 || r->opcd == 31 || r->opcd == 59 || r->opcd == 63;
            uint32_t fixed = 0xfc000000u | (ext ? (uint32_t)r->d->xo_mask << 1 : 0);

            w = (r->opcd << 26 | (ext ? (uint32_t)r->d->xo << 1 : 0)) | (g_rand_int(rng) & ~reserved & ~fixed);
            if (r->d->flags & PPC_F_RC1) {
                w |= 1;
            }
            if (r->d->fmt == PPC_FMT_SC) {
                w |= 2;
            }
            if (r->d->fmt == PPC_FMT_B || r->d->fmt == PPC_FMT_I) {
                w &= ~2u;       /* relative branches mostly stay near the code */
            }
            if (r->d->fmt == PPC_FMT_B && g_rand_boolean(rng)) {
                /* A short forward branch: lifted inside the block (an if-then). */
                w = (w & ~0xfffcu) | (uint32_t)g_rand_int_range(rng, 1, 9) * 4;
            }
        }
        if (!pfuzz_reads_clock(w)) {
            return w;
        }
    }
}

static void pfuzz_init_state(GRand *rng, PpcCpu *cpu, uint8_t *mem)
{
    memset((uint8_t *)cpu + sizeof(GuestCpu), 0, sizeof(PpcCpu) - sizeof(GuestCpu));
    for (unsigned i = 0; i < 32; i++) {
        /* Mostly pointers into the buffer so loads and stores do something. */
        cpu->gpr[i] = g_rand_boolean(rng) ? (uint32_t)g_rand_int_range(rng, 0, PFUZZ_MEM_SIZE) & ~7u
                                          : g_rand_int(rng);
        cpu->fpr[i] = (uint64_t)g_rand_int(rng) << 32 | g_rand_int(rng);
        if (i % 3 == 1) {
            uint64_t exp = (uint64_t)g_rand_int_range(rng, 0x3f0, 0x410);

            cpu->fpr[i] = (cpu->fpr[i] & 0x800fffffffffffffull) | exp << 52;
        }
    }
    for (unsigned i = 0; i < 8; i++) {
        cpu->cr[i] = (uint32_t)g_rand_int_range(rng, 0, 16);
    }
    ppc_set_xer(cpu, g_rand_int(rng) & 0xe000007fu);
    cpu->lr = (uint32_t)g_rand_int_range(rng, 0, PFUZZ_MEM_SIZE);
    cpu->ctr = g_rand_boolean(rng) ? (uint32_t)g_rand_int_range(rng, 0, 4) : g_rand_int(rng);
    cpu->fpscr = g_rand_boolean(rng) ? (uint32_t)g_rand_int_range(rng, 0, 4) : (g_rand_int(rng) & 0xfff7ffffu);
    cpu->res_addr = g_rand_boolean(rng) ? 0xffffffffu : cpu->gpr[g_rand_int_range(rng, 0, 32)] & ~3u;
    cpu->res_val = g_rand_int(rng);
    cpu->common.pc = PFUZZ_CODE;
    for (unsigned i = 0; i < PFUZZ_MEM_SIZE / 4; i++) {
        ((uint32_t *)mem)[i] = g_rand_int(rng);
    }
}

static void pfuzz_compare(const BlockRun *a, const BlockRun *b, uint32_t seed)
{
    const PpcCpu *ca = (const PpcCpu *)a->cpu, *cb = (const PpcCpu *)b->cpu;

    ck_assert_msg(ca->common.exit_kind == cb->common.exit_kind, "seed %u: exit kind %u vs %u", seed,
                  ca->common.exit_kind, cb->common.exit_kind);
    ck_assert_msg(ca->common.pc == cb->common.pc, "seed %u: pc 0x%lx vs 0x%lx", seed,
                  (unsigned long)ca->common.pc, (unsigned long)cb->common.pc);
    if (ca->common.exit_kind != GUEST_EXIT_NONE) {
        ck_assert_msg(ca->common.exit_code == cb->common.exit_code, "seed %u: exit code", seed);
        ck_assert_msg(ca->common.exit_aux == cb->common.exit_aux, "seed %u: exit aux", seed);
    }
    for (unsigned i = 0; i < ppc32_arch.n_regs; i++) {
        const GuestReg *r = &ppc32_arch.regs[i];
        uint64_t va = 0, vb = 0;

        memcpy(&va, (const uint8_t *)ca + r->offset, r->size);
        memcpy(&vb, (const uint8_t *)cb + r->offset, r->size);
        ck_assert_msg(va == vb, "seed %u: %s 0x%lx vs 0x%lx", seed, r->name, (unsigned long)va,
                      (unsigned long)vb);
    }
    ck_assert_msg(memcmp((const uint8_t *)ca + sizeof(GuestCpu), (const uint8_t *)cb + sizeof(GuestCpu),
                         sizeof(PpcCpu) - sizeof(GuestCpu)) == 0, "seed %u: CPU state differs", seed);
    ck_assert_msg(memcmp(a->mem, b->mem, PFUZZ_MEM_SIZE) == 0, "seed %u: memory differs", seed);
}

START_TEST(test_fuzz_ppc_engines_agree)
{
    /* Block tracing keeps the JIT from looping a block back to its own start (see test_fuzz.c). */
    const ExecOptions interp_opts = { .engine = "interp", .max_block_insns = PFUZZ_WORDS, .trace = EXEC_TRACE_BLOCK };
    const ExecOptions jit_opts = { .engine = "jit", .max_block_insns = PFUZZ_WORDS, .trace = EXEC_TRACE_BLOCK };
    BlockRun interp, jit;
    const char *rounds_env = g_getenv("MIMIC_FUZZ_ROUNDS");
    const char *first_env = g_getenv("MIMIC_FUZZ_FIRST");
    uint32_t rounds = rounds_env ? (uint32_t)g_ascii_strtoull(rounds_env, NULL, 10) : 3000;
    uint32_t first = first_env ? (uint32_t)g_ascii_strtoull(first_env, NULL, 10) : 1;

    pfuzz_rows = g_array_new(FALSE, FALSE, sizeof(PfuzzRow));
    ppc_for_each_row(pfuzz_collect, NULL);
    block_run_setup(&interp, &ppc32_arch, &interp_opts, PFUZZ_MEM_BITS);
    block_run_setup(&jit, &ppc32_arch, &jit_opts, PFUZZ_MEM_BITS);
    for (uint32_t seed = first; seed < first + rounds; seed++) {
        GRand *rng = g_rand_new_with_seed(seed);
        uint8_t code[4 * PFUZZ_WORDS];

        for (unsigned i = 0; i < PFUZZ_WORDS; i++) {
            uint32_t w = pfuzz_word(rng);

            code[4 * i] = (uint8_t)(w >> 24);
            code[4 * i + 1] = (uint8_t)(w >> 16);
            code[4 * i + 2] = (uint8_t)(w >> 8);
            code[4 * i + 3] = (uint8_t)w;
        }
        pfuzz_init_state(rng, (PpcCpu *)interp.cpu, interp.mem);
        memcpy(interp.mem + PFUZZ_CODE, code, sizeof(code));
        exec_flush(&interp.x);
        block_run_copy_state(&jit, &interp);
        block_run_one(&interp);
        block_run_one(&jit);
        pfuzz_compare(&interp, &jit, seed);
        g_rand_free(rng);
    }
    block_run_teardown(&interp);
    block_run_teardown(&jit);
    g_array_free(pfuzz_rows, TRUE);
}
END_TEST

Suite *fuzz_ppc_suite(void)
{
    Suite *s = suite_create("fuzz_ppc");
    TCase *tc = tcase_create("ppc");

    tcase_set_timeout(tc, 3600);
    tcase_add_test(tc, test_fuzz_ppc_engines_agree);
    suite_add_tcase(s, tc);
    return s;
}
