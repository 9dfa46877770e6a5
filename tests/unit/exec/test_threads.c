/*
 * One ExecCtx shared by several host threads, each running its own CPU, while another
 * thread flushes the whole cache again and again (exec_flush is an exclusive section)
 * and invalidates code pages: every thread must still finish its loop with the exact
 * count, under both engines (and the JIT tiered: cold blocks replaced as they run), and
 * nothing may crash.  Threads run their loop again until TT_MIN_FLUSHES flushes have
 * landed, so the test means the same on a fast machine as on a slow one.
 *
 * Guest code (RISC-V), one copy per thread on its own page, so threads translate and
 * chain concurrently, and one shared page that every thread also runs:
 *   A: addi a0, a0, 1        (a0 counts iterations)
 *      jal  x0, B            (a chained exit to another block)
 *   B: bne  a0, a1, A        (a1 = the target count)
 *      jalr x0, 0(t0)        (computed jump: the jump cache, to the shared page)
 *   S: addi a2, a2, 1        (shared block: every thread counts once more here)
 *      ecall                 (leave to the "platform": the test loop)
 * Memory is a plain buffer with addr_bits = 16: no guest memory access, no host faults.
 */
#include <check.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"
#include "frontend/riscv/cpu.h"

#define TT_MEM_BITS 16
#define TT_MEM_SIZE (1u << TT_MEM_BITS)
#define TT_THREADS 4
#define TT_SHARED 0x8000u

/* Flushes that must land while the threads run, however fast the machine runs their loops. */
#define TT_MIN_FLUSHES 20

typedef struct TtWorld {
    ExecCtx x;
    uint8_t *mem;
    unsigned flushes;           /* atomic: flushes done so far */
} TtWorld;

typedef struct TtThread {
    TtWorld *w;
    unsigned index;
    uint64_t count;
    unsigned rounds;            /* loops run to their ecall */
    unsigned bad_rounds;        /* rounds whose a0 or a2 was wrong */
    unsigned done;              /* atomic: finished */
} TtThread;

static bool tt_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    TtWorld *w = opaque;

    if (addr + len > TT_MEM_SIZE || addr + len < addr) {
        return false;
    }
    memcpy(buf, w->mem + addr, len);
    return true;
}

static void put32(uint8_t *p, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, 4);
}

static uint64_t code_of(unsigned i)
{
    return 0x1000u + 0x1000u * i;
}

/* RISC-V encodings (Unprivileged ISA, chapter 2). */
static uint32_t rv_addi(int rd, int rs, int imm) { return ((uint32_t)imm & 0xfff) << 20 | rs << 15 | rd << 7 | 0x13; }
static uint32_t rv_jal0(int off)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 | 0x6f;
}
static uint32_t rv_bne(int rs1, int rs2, int off)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | 1 << 12 |
           ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
static uint32_t rv_jalr0(int rs) { return rs << 15 | 0x67; }

static void tt_world_init(TtWorld *w, const char *engine, unsigned tier_threshold)
{
    ExecOptions opts = { .engine = engine, .tier_threshold = tier_threshold };
    ExecPlatform platform = { .opaque = w, .fetch = tt_fetch };
    ExecMemModel mm;
    g_autoptr(GError) error = NULL;

    memset(w, 0, sizeof(*w));
    w->mem = mmap(NULL, TT_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(w->mem != MAP_FAILED);
    for (unsigned i = 0; i < TT_THREADS; i++) {
        uint8_t *c = w->mem + code_of(i);
        put32(c + 0, rv_addi(10, 10, 1));           /* A */
        put32(c + 4, rv_jal0(0x100 - 4));           /* to B at +0x100: a second block */
        put32(c + 0x100, rv_bne(10, 11, -0x100));   /* B: back to A */
        put32(c + 0x104, rv_jalr0(5));              /* to the shared page */
    }
    put32(w->mem + TT_SHARED, rv_addi(12, 12, 1));
    put32(w->mem + TT_SHARED + 4, 0x00000073);      /* ecall */
    mm = (ExecMemModel){ .base = w->mem, .addr_bits = TT_MEM_BITS };
    ck_assert_msg(exec_init(&w->x, &rv64_arch, &opts, &mm, &platform, &error), "%s",
                  error ? error->message : "");
}

static gpointer tt_thread_main(gpointer arg)
{
    TtThread *t = arg;
    RvCpu *cpu = (RvCpu *)guest_cpu_new(&rv64_arch);

    cpu->common.mem_base = t->w->mem;
    cpu->common.pc = code_of(t->index);
    cpu->x[11] = t->count;
    cpu->x[5] = TT_SHARED;
    exec_cpu_register(&t->w->x, &cpu->common);
    for (;;) {
        exec_run(&t->w->x, &cpu->common);
        if (cpu->common.exit_kind == GUEST_EXIT_SYSCALL) {
            /* A whole loop ran: check its counts, and run it again until enough flushes landed. */
            t->rounds++;
            t->bad_rounds += cpu->x[10] != t->count || cpu->x[12] != 1;
            if (__atomic_load_n(&t->w->flushes, __ATOMIC_SEQ_CST) >= TT_MIN_FLUSHES) {
                break;
            }
            cpu->x[10] = 0;
            cpu->x[12] = 0;
            cpu->common.pc = code_of(t->index);
            continue;
        }
        /* INTERRUPT (a flush asked us out) or NONE: carry on from cpu->pc. */
        ck_assert_uint_eq(cpu->common.exit_kind == GUEST_EXIT_INTERRUPT ||
                          cpu->common.exit_kind == GUEST_EXIT_NONE, 1);
        __atomic_fetch_and(&cpu->common.exit_request, ~GUEST_REQ_EXCLUSIVE, __ATOMIC_SEQ_CST);
    }
    __atomic_store_n(&t->done, 1, __ATOMIC_SEQ_CST);
    exec_cpu_unregister(&t->w->x, &cpu->common);
    guest_cpu_free(&cpu->common);
    return NULL;
}

/* Threads run their loops while this thread flushes and invalidates as fast as it can. */
static void tt_run(const char *engine, uint64_t count, unsigned tier_threshold)
{
    TtWorld w;
    TtThread th[TT_THREADS];
    GThread *threads[TT_THREADS];

    tt_world_init(&w, engine, tier_threshold);
    for (unsigned i = 0; i < TT_THREADS; i++) {
        th[i] = (TtThread){ .w = &w, .index = i, .count = count };
        threads[i] = g_thread_new("tt", tt_thread_main, &th[i]);
    }
    for (;;) {
        bool all_done = true;
        for (unsigned i = 0; i < TT_THREADS; i++) {
            all_done &= __atomic_load_n(&th[i].done, __ATOMIC_SEQ_CST) != 0;
        }
        if (all_done) {
            break;
        }
        unsigned n = __atomic_load_n(&w.flushes, __ATOMIC_SEQ_CST);
        exec_flush(&w.x);
        exec_invalidate_range(&w.x, code_of(n % TT_THREADS), 0x1000);
        exec_invalidate_range(&w.x, TT_SHARED, 4);
        __atomic_store_n(&w.flushes, n + 1, __ATOMIC_SEQ_CST);
        g_usleep(200);
    }
    for (unsigned i = 0; i < TT_THREADS; i++) {
        g_thread_join(threads[i]);
        ck_assert_uint_ge(th[i].rounds, 1);
        ck_assert_uint_eq(th[i].bad_rounds, 0);
    }
    /* Every thread was still running when the last of TT_MIN_FLUSHES flushes landed. */
    ck_assert_uint_ge(w.flushes, TT_MIN_FLUSHES);
    ck_assert_uint_ge(w.x.stats.cache_flushes, w.flushes);
    exec_fini(&w.x);
    munmap(w.mem, TT_MEM_SIZE);
}

START_TEST(test_threads_flush_jit)
{
    tt_run("jit", 100000000, 0);
}
END_TEST

/* Tiered: after each flush every block is cold again, run on the interpreter, then replaced. */
START_TEST(test_threads_flush_tiered)
{
    tt_run("jit", 30000000, 3);
}
END_TEST

START_TEST(test_threads_flush_interp)
{
    tt_run("interp", 3000000, 0);
}
END_TEST

Suite *exec_threads_suite(void)
{
    Suite *s = suite_create("exec_threads");
    TCase *tc = tcase_create("shared_cache");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_threads_flush_jit);
    tcase_add_test(tc, test_threads_flush_interp);
    tcase_add_test(tc, test_threads_flush_tiered);
    suite_add_tcase(s, tc);
    return s;
}
