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
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"
#include "frontend/ppc/internal.h"

#define PFUZZ_MEM_BITS 20
#define PFUZZ_MEM_SIZE (1u << PFUZZ_MEM_BITS)
#define PFUZZ_CODE 0x1000u
#define PFUZZ_WORDS 24

typedef struct PfuzzRun {
    ExecCtx x;
    uint8_t *mem;
    PpcCpu *cpu;
} PfuzzRun;

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

static bool pfuzz_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    PfuzzRun *r = opaque;

    if (addr + len > PFUZZ_MEM_SIZE || addr + len < addr) {
        return false;
    }
    memcpy(buf, r->mem + addr, len);
    return true;
}

static void pfuzz_setup(PfuzzRun *r, const char *engine)
{
    /* Block tracing keeps the JIT from looping a block back to its own start (see test_fuzz.c). */
    ExecOptions opts = { .engine = engine, .max_block_insns = PFUZZ_WORDS, .trace = EXEC_TRACE_BLOCK,
                         .trace_file = NULL };
    ExecPlatform platform = { .opaque = r, .fetch = pfuzz_fetch };
    g_autoptr(GError) error = NULL;
    ExecMemModel mm;

    r->mem = mmap(NULL, PFUZZ_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(r->mem != MAP_FAILED);
    mm = (ExecMemModel){ .base = r->mem, .addr_bits = PFUZZ_MEM_BITS };
    ck_assert_msg(exec_init(&r->x, &ppc32_arch, &opts, &mm, &platform, &error), "%s",
                  error ? error->message : "");
    r->cpu = (PpcCpu *)guest_cpu_new(&ppc32_arch);
    r->cpu->common.mem_base = r->mem;
    exec_cpu_register(&r->x, &r->cpu->common);
}

static void pfuzz_teardown(PfuzzRun *r)
{
    exec_cpu_unregister(&r->x, &r->cpu->common);
    exec_fini(&r->x);
    guest_cpu_free(&r->cpu->common);
    munmap(r->mem, PFUZZ_MEM_SIZE);
}

static void pfuzz_run_one_block(PfuzzRun *r)
{
    sigjmp_buf unwind;
    TbBlock *from = NULL;
    unsigned slot = 0;
    TbBlock *tb;

    exec_thread.ctx = &r->x;
    exec_thread.cpu = &r->cpu->common;
    if (sigsetjmp(unwind, 0) != 0) {
        exec_thread.unwind = NULL;
        return;
    }
    exec_thread.unwind = &unwind;
    tb = exec_find_block(&r->x, &r->cpu->common, r->cpu->common.pc);
    memset(r->cpu->common.jmp_cache, 0, TB_JMP_CACHE_ALLOC * sizeof(TbBlock *));
    r->cpu->common.exit_kind = GUEST_EXIT_NONE;
    r->x.engine->run(&r->x, &r->cpu->common, tb, &from, &slot);
    exec_thread.unwind = NULL;
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

static void pfuzz_compare(const PfuzzRun *a, const PfuzzRun *b, uint32_t seed)
{
    const PpcCpu *ca = a->cpu, *cb = b->cpu;

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
    PfuzzRun interp, jit;
    const char *rounds_env = g_getenv("MIMIC_FUZZ_ROUNDS");
    const char *first_env = g_getenv("MIMIC_FUZZ_FIRST");
    uint32_t rounds = rounds_env ? (uint32_t)g_ascii_strtoull(rounds_env, NULL, 10) : 3000;
    uint32_t first = first_env ? (uint32_t)g_ascii_strtoull(first_env, NULL, 10) : 1;

    pfuzz_rows = g_array_new(FALSE, FALSE, sizeof(PfuzzRow));
    ppc_for_each_row(pfuzz_collect, NULL);
    pfuzz_setup(&interp, "interp");
    pfuzz_setup(&jit, "jit");
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
        pfuzz_init_state(rng, interp.cpu, interp.mem);
        memcpy(interp.mem + PFUZZ_CODE, code, sizeof(code));
        memcpy(jit.mem, interp.mem, PFUZZ_MEM_SIZE);
        memcpy((uint8_t *)jit.cpu + sizeof(GuestCpu), (uint8_t *)interp.cpu + sizeof(GuestCpu),
               sizeof(PpcCpu) - sizeof(GuestCpu));
        jit.cpu->common.pc = interp.cpu->common.pc;
        exec_flush(&interp.x);
        exec_flush(&jit.x);
        pfuzz_run_one_block(&interp);
        pfuzz_run_one_block(&jit);
        pfuzz_compare(&interp, &jit, seed);
        g_rand_free(rng);
    }
    pfuzz_teardown(&interp);
    pfuzz_teardown(&jit);
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
