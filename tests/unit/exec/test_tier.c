/*
 * Tiered translation (exec/tier.c): blocks start cold -- lifted IR run on the interpreter --
 * and are replaced by compiled blocks after ExecOptions.tier_threshold runs.  These tests
 * run small RISC-V programs through exec_run() at several thresholds and check the guest
 * results against values computed by hand, and the block cache's invariants afterwards:
 *   - a loop whose block is replaced while the loop runs (cold iterations, then compiled
 *     ones) ends with the exact count;
 *   - a compiled block chained into a block that was cold when the chain could first have
 *     been made: chains only ever point at valid compiled blocks, no jump cache entry holds
 *     a cold block, and every cold block the table still holds is valid;
 *   - a cold block whose lifted IR is kept in the ring runs the new code once its page has
 *     been invalidated (what linux-user does on a write to a code page);
 *   - more cold blocks than the ring holds (records overwritten, lifted again).
 * Memory is a plain buffer with addr_bits = 21: no guest memory access, no host faults.
 */
#include <check.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"
#include "frontend/riscv/cpu.h"

#define TI_MEM_BITS 21
#define TI_MEM_SIZE (1u << TI_MEM_BITS)

typedef struct TiWorld {
    ExecCtx x;
    uint8_t *mem;
    RvCpu *cpu;
} TiWorld;

static bool ti_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    TiWorld *w = opaque;

    if (addr + len > TI_MEM_SIZE || addr + len < addr) {
        return false;
    }
    memcpy(buf, w->mem + addr, len);
    return true;
}

static void put32(TiWorld *w, GuestAddr at, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(w->mem + at, &v, 4);
}

/* RISC-V encodings (Unprivileged ISA, chapter 2). */
static uint32_t rv_addi(int rd, int rs, int imm) { return ((uint32_t)imm & 0xfff) << 20 | rs << 15 | rd << 7 | 0x13; }
static uint32_t rv_jal0(int off)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 | 0x6f;
}
static uint32_t rv_branch(int funct3, int rs1, int rs2, int off)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 |
           ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
static uint32_t rv_bne(int rs1, int rs2, int off) { return rv_branch(1, rs1, rs2, off); }
static uint32_t rv_beq(int rs1, int rs2, int off) { return rv_branch(0, rs1, rs2, off); }
static uint32_t rv_andi(int rd, int rs, int imm) { return ((uint32_t)imm & 0xfff) << 20 | rs << 15 | 7 << 12 | rd << 7 | 0x13; }
#define RV_ECALL 0x00000073u

static void ti_init(TiWorld *w, const char *engine, unsigned threshold)
{
    ExecOptions opts = { .engine = engine, .tier_threshold = threshold, .stats = true };
    ExecPlatform platform = { .opaque = w, .fetch = ti_fetch };
    ExecMemModel mm;
    g_autoptr(GError) error = NULL;

    memset(w, 0, sizeof(*w));
    w->mem = mmap(NULL, TI_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(w->mem != MAP_FAILED);
    mm = (ExecMemModel){ .base = w->mem, .addr_bits = TI_MEM_BITS };
    ck_assert_msg(exec_init(&w->x, &rv64_arch, &opts, &mm, &platform, &error), "%s",
                  error ? error->message : "");
    w->cpu = (RvCpu *)guest_cpu_new(&rv64_arch);
    w->cpu->common.mem_base = w->mem;
    exec_cpu_register(&w->x, &w->cpu->common);
}

static void ti_fini(TiWorld *w)
{
    exec_cpu_unregister(&w->x, &w->cpu->common);
    guest_cpu_free(&w->cpu->common);
    exec_fini(&w->x);
    munmap(w->mem, TI_MEM_SIZE);
}

/* Run from pc until the guest's ecall. */
static void ti_run(TiWorld *w, GuestAddr pc)
{
    w->cpu->common.pc = pc;
    for (;;) {
        exec_run(&w->x, &w->cpu->common);
        if (w->cpu->common.exit_kind == GUEST_EXIT_SYSCALL) {
            return;
        }
        ck_assert_uint_eq(w->cpu->common.exit_kind, GUEST_EXIT_NONE);
    }
}

/* The block cache's invariants with tiers (see the file comment). */
static void ti_check_cache(TiWorld *w)
{
    for (guint i = 0; i < w->x.all_blocks->len; i++) {
        TbBlock *tb = g_ptr_array_index(w->x.all_blocks, i);
        for (uint32_t k = 0; k < tb->n_exits; k++) {
            TbBlock *d = tb->exits[k].dest;
            if (d != NULL) {
                ck_assert_msg(tb->tier == TB_TIER_FULL, "a cold block was chained from");
                ck_assert_msg(d->tier == TB_TIER_FULL && d->valid, "a chain into a cold or replaced block");
            }
        }
        if (tb->tier == TB_TIER_COLD) {
            ck_assert_ptr_null(tb->incoming);
            if (g_hash_table_lookup(w->x.blocks, &tb->key) == tb) {
                ck_assert(tb->valid);
            }
        }
    }
    for (unsigned h = 0; h < TB_JMP_CACHE_SIZE; h++) {
        TbBlock *tb = w->cpu->common.jmp_cache[h];
        ck_assert_msg(tb == NULL || tb->tier == TB_TIER_FULL, "a cold block in the jump cache");
    }
}

/*
 * One self-looping block: a0 counts to a1.  At threshold T the first T iterations run cold,
 * then the compiled block takes over in the middle of the loop.
 */
static void ti_loop(unsigned threshold)
{
    TiWorld w;

    ti_init(&w, "jit", threshold);
    put32(&w, 0x1000, rv_addi(10, 10, 1));
    put32(&w, 0x1004, rv_bne(10, 11, -4));
    put32(&w, 0x1008, RV_ECALL);
    w.cpu->x[11] = 100000;
    ti_run(&w, 0x1000);
    ck_assert_uint_eq(w.cpu->x[10], 100000);
    if (threshold > 0) {
        ck_assert_uint_ge(w.x.stats.tier_ups, 1);
        ck_assert_uint_ge(w.x.stats.cold_runs, threshold);
    } else {
        ck_assert_uint_eq(w.x.stats.blocks_cold, 0);
    }
    ti_check_cache(&w);
    ti_fini(&w);
}

START_TEST(test_tier_loop_replaced)
{
    static const unsigned thresholds[] = { 0, 1, 2, 7, 1000 };
    ti_loop(thresholds[_i]);
}
END_TEST

/*
 * A runs twice for every run of B, so A is compiled (and wants to chain to B) while B is
 * still cold; B is replaced later and A's exit must then chain to the compiled B:
 *   A: addi a0, a0, 1;  andi t1, a0, 1;  beq t1, x0, B;  jal x0, A
 *   B: addi a2, a2, 1;  bne a0, a1, A;  ecall
 */
START_TEST(test_tier_chain_into_replaced)
{
    static const unsigned thresholds[] = { 1, 3, 10 };
    TiWorld w;

    ti_init(&w, "jit", thresholds[_i]);
    put32(&w, 0x2000, rv_addi(10, 10, 1));
    put32(&w, 0x2004, rv_andi(6, 10, 1));
    put32(&w, 0x2008, rv_beq(6, 0, 0x100 - 8));
    put32(&w, 0x200c, rv_jal0(-0xc));
    put32(&w, 0x2100, rv_addi(12, 12, 1));
    put32(&w, 0x2104, rv_bne(10, 11, -0x104));
    put32(&w, 0x2108, RV_ECALL);
    w.cpu->x[11] = 20000;
    ti_run(&w, 0x2000);
    ck_assert_uint_eq(w.cpu->x[10], 20000);
    ck_assert_uint_eq(w.cpu->x[12], 10000);
    ck_assert_uint_ge(w.x.stats.tier_ups, 2);
    ck_assert_uint_ge(w.x.stats.chains, 1);
    ti_check_cache(&w);
    ti_fini(&w);
}
END_TEST

/* A cold block's stored IR goes with its page: after the invalidation the new code runs. */
START_TEST(test_tier_invalidate_cold)
{
    TiWorld w;

    ti_init(&w, "jit", 5);
    put32(&w, 0x3000, rv_addi(10, 10, 1));
    put32(&w, 0x3004, RV_ECALL);
    ti_run(&w, 0x3000);
    ti_run(&w, 0x3000);                     /* the second run takes the stored IR */
    ck_assert_uint_eq(w.cpu->x[10], 2);
    ck_assert_uint_eq(w.x.stats.tier_ups, 0);
    put32(&w, 0x3000, rv_addi(10, 10, 100));
    exec_invalidate_range(&w.x, 0x3000, 4);
    ti_run(&w, 0x3000);
    ck_assert_uint_eq(w.cpu->x[10], 102);
    for (unsigned i = 0; i < 10; i++) {     /* on to the compiled tier: the same new code */
        ti_run(&w, 0x3000);
    }
    ck_assert_uint_eq(w.cpu->x[10], 1102);
    ck_assert_uint_ge(w.x.stats.tier_ups, 1);
    ti_check_cache(&w);
    ti_fini(&w);
}
END_TEST

/*
 * More cold blocks than the ring keeps records of: 4096 blocks of 12 "addi a0, a0, imm" and a
 * jal to the next (about 2.5 KiB of lifted IR each, 10 MiB in all against a 4 MiB ring), run
 * three times: cold and stored, cold again (records overwritten meanwhile: lifted again),
 * then compiled (threshold 2).
 */
START_TEST(test_tier_ring_overwritten)
{
    enum { N = 4096, STRIDE = 0x100, ADDIS = 12 };
    TiWorld w;
    uint64_t expect = 0;

    ti_init(&w, "jit", 2);
    for (unsigned i = 0; i < N; i++) {
        GuestAddr at = 0x10000 + (GuestAddr)i * STRIDE;
        for (unsigned k = 0; k < ADDIS; k++) {
            int imm = (int)((i * 7 + k) % 2000);
            put32(&w, at + 4 * k, rv_addi(10, 10, imm));
            expect += (uint64_t)imm;
        }
        put32(&w, at + 4 * ADDIS, i + 1 < N ? rv_jal0(STRIDE - 4 * ADDIS) : RV_ECALL);
    }
    for (unsigned round = 0; round < 3; round++) {
        ti_run(&w, 0x10000);
    }
    ck_assert_uint_eq(w.cpu->x[10], 3 * expect);
    ck_assert_uint_eq(w.x.stats.tier_ups, N);
    /* Round 1 found the early blocks' records overwritten: lifted again. */
    ck_assert_uint_gt(w.x.stats.cold_lifts, N + N / 4);
    ck_assert_uint_eq(w.x.stats.cold_runs, 2 * N);
    ti_check_cache(&w);
    ti_fini(&w);
}
END_TEST

Suite *exec_tier_suite(void)
{
    Suite *s = suite_create("exec_tier");
    TCase *tc = tcase_create("tiers");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_tier_loop_replaced, 0, 5);
    tcase_add_loop_test(tc, test_tier_chain_into_replaced, 0, 3);
    tcase_add_test(tc, test_tier_invalidate_cold);
    tcase_add_test(tc, test_tier_ring_overwritten);
    suite_add_tcase(s, tc);
    return s;
}
