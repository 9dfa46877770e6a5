/*
 * Differential fuzzing of the x86 frontend (both modes) and both engines, like the
 * PowerPC one: instructions built from the decoder's own map and group rows (random
 * prefixes, ModRM, SIB, displacement and immediate bytes, so every row is exercised)
 * mixed with fully random bytes are lifted and run for one block under the
 * interpreter and under the JIT from the same random state (GPRs, flags, xmm and
 * MXCSR).  The host must never crash and both must end alike in every register of
 * the guest's table (x87, MMX, SSE included).  rdtsc reads the host clock and is left out.
 */
#include <check.h>
#include <string.h>

#include "exec/exec.h"
#include "frontend/x86/internal.h"
#include "tests/support/block_run.h"

#define XFUZZ_MEM_BITS 20
#define XFUZZ_MEM_SIZE (1u << XFUZZ_MEM_BITS)
#define XFUZZ_CODE 0x1000u
#define XFUZZ_INSNS 24

typedef struct XfuzzRow {
    const X86OpDesc *d;
    X86Map map;
    unsigned op;
    int reg;
} XfuzzRow;

static GArray *xfuzz_rows;

static void xfuzz_collect(const X86OpDesc *d, X86Map map, unsigned op, int reg, void *opaque)
{
    XfuzzRow r = { d, map, op, reg };

    (void)opaque;
    if (d->trans != x86_trans_rdtsc) {
        g_array_append_val(xfuzz_rows, r);
    }
}

/* One instruction (or, one time in six, random bytes) at p; returns its length. */
static unsigned xfuzz_insn(GRand *rng, bool mode64, uint8_t *p)
{
    static const uint8_t prefixes[] = { 0x66, 0x67, 0xf3, 0xf2, 0xf0, 0x64, 0x65, 0x2e };

    for (;;) {
        uint8_t b[16];
        unsigned i = 0;
        X86Insn in;
        unsigned len;

        if (g_rand_int_range(rng, 0, 6) == 0) {
            for (unsigned j = 0; j < sizeof(b); j++) {
                b[j] = (uint8_t)g_rand_int(rng);
            }
        } else {
            const XfuzzRow *r = &g_array_index(xfuzz_rows, XfuzzRow, g_rand_int_range(rng, 0, xfuzz_rows->len));

            if (g_rand_int_range(rng, 0, 4) == 0) {
                b[i++] = prefixes[g_rand_int_range(rng, 0, G_N_ELEMENTS(prefixes))];
            }
            if (mode64 && g_rand_boolean(rng)) {
                b[i++] = (uint8_t)(0x40 | g_rand_int_range(rng, 0, 16));
            }
            if (r->map != X86_MAP_1) {
                b[i++] = 0x0f;
                if (r->map == X86_MAP_0F38) {
                    b[i++] = 0x38;
                } else if (r->map == X86_MAP_0F3A) {
                    b[i++] = 0x3a;
                }
            }
            b[i++] = (uint8_t)r->op;
            for (unsigned j = i; j < sizeof(b); j++) {
                b[j] = (uint8_t)g_rand_int(rng);
            }
            if (r->reg >= 0) {
                b[i] = (uint8_t)((b[i] & 0xc7) | r->reg << 3);
            }
            if (r->d->fmt == X86_FMT_J8 || r->d->fmt == X86_FMT_JZ) {
                /* relative branches mostly stay near the code */
                b[i] = (uint8_t)g_rand_int_range(rng, 0, 16);
                if (r->d->fmt == X86_FMT_JZ) {
                    b[i + 1] = b[i + 2] = b[i + 3] = 0;
                }
            }
        }
        len = x86_decode(b, sizeof(b), mode64, XFUZZ_CODE, &in);
        if (len && in.desc->trans == x86_trans_rdtsc) {
            continue;
        }
        if (len == 0) {
            len = 1;    /* an undecodable byte: the block ends there with an illegal exit */
        }
        memcpy(p, b, len);
        return len;
    }
}

static void xfuzz_init_state(GRand *rng, X86Cpu *cpu, uint8_t *mem)
{
    bool mode64 = cpu->mode == 64;

    memset(cpu->regs, 0, sizeof(cpu->regs));
    for (unsigned i = 0; i < 16; i++) {
        /* Mostly pointers into the buffer so loads and stores do something. */
        cpu->regs[i] = g_rand_boolean(rng) ? (uint64_t)g_rand_int_range(rng, 0, XFUZZ_MEM_SIZE) & ~7u
                                           : ((uint64_t)g_rand_int(rng) << 32 | g_rand_int(rng));
        if (g_rand_int_range(rng, 0, 4) == 0) {
            cpu->regs[i] = (uint64_t)g_rand_int_range(rng, 0, 40);
        }
        if (!mode64) {
            cpu->regs[i] = (uint32_t)cpu->regs[i];
        }
    }
    cpu->regs[X86_RSP] = (uint64_t)g_rand_int_range(rng, 0x1000, XFUZZ_MEM_SIZE) & ~7u;
    x86_set_eflags(cpu, (g_rand_int(rng) & (X86_ARITH_FLAGS | X86_DF)) | X86_IF);
    cpu->fs_base = g_rand_boolean(rng) ? 0 : (uint64_t)g_rand_int_range(rng, 0, XFUZZ_MEM_SIZE / 2);
    cpu->gs_base = 0;
    /* SSE state: random registers, random rounding/FTZ/DAZ and sticky flags (exceptions masked). */
    for (unsigned i = 0; i < 16; i++) {
        for (unsigned j = 0; j < 16; j += 4) {
            uint32_t v = g_rand_int(rng);

            memcpy(&cpu->xmm[i][j], &v, 4);
        }
    }
    cpu->mxcsr = 0x1f80u | (g_rand_int(rng) & 0xe07fu);
    cpu->common.pc = XFUZZ_CODE;
    for (unsigned i = 0; i < XFUZZ_MEM_SIZE / 4; i++) {
        ((uint32_t *)mem)[i] = g_rand_int(rng);
    }
}

static void xfuzz_compare(const BlockRun *a, const BlockRun *b, uint32_t seed)
{
    const X86Cpu *ca = (const X86Cpu *)a->cpu, *cb = (const X86Cpu *)b->cpu;

    ck_assert_msg(ca->common.exit_kind == cb->common.exit_kind, "seed %u: exit kind %u vs %u", seed,
                  ca->common.exit_kind, cb->common.exit_kind);
    ck_assert_msg(ca->common.pc == cb->common.pc, "seed %u: pc 0x%lx vs 0x%lx", seed,
                  (unsigned long)ca->common.pc, (unsigned long)cb->common.pc);
    if (ca->common.exit_kind != GUEST_EXIT_NONE) {
        ck_assert_msg(ca->common.exit_code == cb->common.exit_code, "seed %u: exit code", seed);
        ck_assert_msg(ca->common.exit_aux == cb->common.exit_aux, "seed %u: exit aux", seed);
    }
    for (unsigned i = 0; i < ca->common.arch->n_regs; i++) {
        const GuestReg *r = &ca->common.arch->regs[i];
        uint64_t va = 0, vb = 0;

        memcpy(&va, (const uint8_t *)ca + r->offset, r->size);
        memcpy(&vb, (const uint8_t *)cb + r->offset, r->size);
        ck_assert_msg(va == vb, "seed %u: %s 0x%lx vs 0x%lx", seed, r->name, (unsigned long)va,
                      (unsigned long)vb);
    }
    ck_assert_msg(memcmp((const uint8_t *)ca + sizeof(GuestCpu), (const uint8_t *)cb + sizeof(GuestCpu),
                         sizeof(X86Cpu) - sizeof(GuestCpu)) == 0, "seed %u: CPU state differs", seed);
    ck_assert_msg(memcmp(a->mem, b->mem, XFUZZ_MEM_SIZE) == 0, "seed %u: memory differs", seed);
}

START_TEST(test_fuzz_x86_engines_agree)
{
    /* Block tracing keeps the JIT from looping a block back to its own start (see test_fuzz.c). */
    const ExecOptions interp_opts = { .engine = "interp", .max_block_insns = XFUZZ_INSNS, .trace = EXEC_TRACE_BLOCK };
    const ExecOptions jit_opts = { .engine = "jit", .max_block_insns = XFUZZ_INSNS, .trace = EXEC_TRACE_BLOCK };
    BlockRun interp[2], jit[2];
    const char *rounds_env = g_getenv("MIMIC_FUZZ_ROUNDS");
    const char *first_env = g_getenv("MIMIC_FUZZ_FIRST");
    uint32_t rounds = rounds_env ? (uint32_t)g_ascii_strtoull(rounds_env, NULL, 10) : 3000;
    uint32_t first = first_env ? (uint32_t)g_ascii_strtoull(first_env, NULL, 10) : 1;

    xfuzz_rows = g_array_new(FALSE, FALSE, sizeof(XfuzzRow));
    x86_for_each_row(xfuzz_collect, NULL);
    for (unsigned m = 0; m < 2; m++) {
        block_run_setup(&interp[m], m ? &x86_64_arch : &i386_arch, &interp_opts, XFUZZ_MEM_BITS);
        block_run_setup(&jit[m], m ? &x86_64_arch : &i386_arch, &jit_opts, XFUZZ_MEM_BITS);
    }
    for (uint32_t seed = first; seed < first + rounds; seed++) {
        GRand *rng = g_rand_new_with_seed(seed);
        unsigned m = seed & 1;
        uint8_t code[16 * XFUZZ_INSNS];
        unsigned n = 0;

        for (unsigned i = 0; i < XFUZZ_INSNS; i++) {
            n += xfuzz_insn(rng, m == 1, code + n);
        }
        xfuzz_init_state(rng, (X86Cpu *)interp[m].cpu, interp[m].mem);
        memcpy(interp[m].mem + XFUZZ_CODE, code, n);
        exec_flush(&interp[m].x);
        block_run_copy_state(&jit[m], &interp[m]);
        block_run_one(&interp[m]);
        block_run_one(&jit[m]);
        xfuzz_compare(&interp[m], &jit[m], seed);
        g_rand_free(rng);
    }
    for (unsigned m = 0; m < 2; m++) {
        block_run_teardown(&interp[m]);
        block_run_teardown(&jit[m]);
    }
    g_array_free(xfuzz_rows, TRUE);
}
END_TEST

Suite *fuzz_x86_suite(void)
{
    Suite *s = suite_create("fuzz_x86");
    TCase *tc = tcase_create("x86");

    tcase_set_timeout(tc, 3600);
    tcase_add_test(tc, test_fuzz_x86_engines_agree);
    suite_add_tcase(s, tc);
    return s;
}
