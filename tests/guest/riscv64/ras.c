/*
 * ras.c - calls and returns that a translator's return-address stack must not get wrong:
 * recursion far deeper than any such stack, longjmp out of nested calls, returns to an
 * address other than the one pushed (ra modified, tail calls through jr, millicode and
 * coroutine swaps through t0: ras.S), calls through function pointers, a signal handler
 * that runs its own calls in the middle of a recursion, and code that rewrites its
 * caller's return site (or a callee) between calls.  Expected values are closed forms or
 * hand-computed; a translator that trusts a stale prediction returns the wrong value.
 */
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include "guest_check.h"

#define NOINLINE __attribute__((noinline, noipa))

/* The asm hides the result from the compiler so the recursion stays a real one. */
static NOINLINE uint64_t rec_sum(uint64_t n)
{
    if (n == 0) {
        return 0;
    }
    uint64_t r = rec_sum(n - 1);
    __asm__ volatile("" : "+r"(r));
    return r + n;
}

static NOINLINE uint64_t fib(uint64_t n)
{
    if (n < 2) {
        return n;
    }
    uint64_t a = fib(n - 1);
    __asm__ volatile("" : "+r"(a));
    return a + fib(n - 2);
}

static NOINLINE uint64_t ack(uint64_t m, uint64_t n)
{
    if (m == 0) {
        return n + 1;
    }
    if (n == 0) {
        return ack(m - 1, 1);
    }
    uint64_t r = ack(m, n - 1);
    __asm__ volatile("" : "+r"(r));
    return ack(m - 1, r);
}

static NOINLINE int is_odd(uint64_t n);
static NOINLINE int is_even(uint64_t n)
{
    int r = n == 0 ? 1 : is_odd(n - 1);
    __asm__ volatile("" : "+r"(r));
    return r;
}
static NOINLINE int is_odd(uint64_t n)
{
    int r = n == 0 ? 0 : is_even(n - 1);
    __asm__ volatile("" : "+r"(r));
    return r;
}

static void test_recursion(void)
{
    static const uint64_t depths[] = { 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 50000 };
    gc_group("recursion");
    for (unsigned i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
        uint64_t n = depths[i];
        CHECK_EQ(rec_sum(n), n * (n + 1) / 2);
    }
    CHECK_EQ(fib(25), 75025);
    CHECK_EQ(ack(2, 3), 9);
    CHECK_EQ(ack(3, 5), 253);                   /* 2^(n+3) - 3 */
    CHECK_EQ(is_even(10001), 0);
    CHECK_EQ(is_odd(10001), 1);
    /* Shallow and deep in turn: the stack wraps, then is used from the bottom again. */
    uint64_t ok = 1;
    for (uint64_t k = 0; k < 200; k++) {
        uint64_t n = (k % 2) ? 100 + k : k % 7;
        ok &= rec_sum(n) == n * (n + 1) / 2;
    }
    CHECK(ok);
}

static jmp_buf env;
static volatile int dives;

static NOINLINE void dive(int n, int code)
{
    dives++;
    if (n == 0) {
        longjmp(env, code);
    }
    dive(n - 1, code);
    __asm__ volatile("" ::: "memory");
    dives += 1000;              /* never reached: the longjmp skips every return */
}

static void test_longjmp(void)
{
    static const int depths[] = { 0, 3, 31, 32, 33, 200 };
    gc_group("longjmp");
    for (unsigned i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
        dives = 0;
        int code = setjmp(env);
        if (code == 0) {
            dive(depths[i], (int)i + 1);
            CHECK(0);           /* dive returned */
        } else {
            CHECK_EQ(code, i + 1);
            CHECK_EQ(dives, depths[i] + 1);
            /* Calls after the stack was left full of entries nobody returns to. */
            CHECK_EQ(rec_sum(40), 820);
            CHECK_EQ(fib(10), 55);
        }
    }
}

uint64_t ras_skip_return(uint64_t x);
uint64_t ras_return_elsewhere(uint64_t x);
uint64_t ras_tail_t1(uint64_t x);
uint64_t ras_tail_t0(uint64_t x);
uint64_t ras_millicode(uint64_t x);
uint64_t ras_link_same(uint64_t x);
uint64_t ras_coroutine(uint64_t n);

/* The mismatched returns of ras.S, at a depth where the stack holds live entries. */
static NOINLINE uint64_t mismatch_at_depth(uint64_t depth, uint64_t x)
{
    if (depth > 0) {
        uint64_t r = mismatch_at_depth(depth - 1, x);
        __asm__ volatile("" : "+r"(r));
        return r + 1;
    }
    uint64_t s = ras_skip_return(x);            /* x + 2 */
    s = ras_return_elsewhere(s);                /* + 1000 */
    s = ras_tail_t1(s);                         /* + 12 */
    s = ras_tail_t0(s);                         /* + 18 */
    s = ras_millicode(s);                       /* (s + 7) * 2 */
    s = ras_link_same(s);                       /* + 7 */
    return s + ras_coroutine(3);                /* + 303 */
}

static void test_mismatch(void)
{
    gc_group("mismatch");
    CHECK_EQ(ras_skip_return(10), 12);
    CHECK_EQ(ras_return_elsewhere(10), 1010);
    CHECK_EQ(ras_tail_t1(1), 13);
    CHECK_EQ(ras_tail_t0(1), 19);
    CHECK_EQ(ras_millicode(5), 24);
    CHECK_EQ(ras_link_same(1), 8);
    CHECK_EQ(ras_coroutine(1), 101);
    CHECK_EQ(ras_coroutine(1000), 101000);
    for (uint64_t d = 0; d < 40; d += 13) {
        /* ((x + 1032 + 7) * 2 + 7 + 303) + d for x = 5 */
        CHECK_EQ(mismatch_at_depth(d, 5), (5 + 1032 + 7) * 2 + 7 + 303 + d);
    }
    uint64_t ok = 1;
    for (uint64_t i = 0; i < 500; i++) {
        ok &= ras_skip_return(i) == i + 2 && ras_tail_t0(i) == i + 18 && ras_millicode(i) == (i + 7) * 2;
    }
    CHECK(ok);
}

static NOINLINE uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
static NOINLINE uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ b; }
static NOINLINE uint64_t op_mul(uint64_t a, uint64_t b) { return a * b; }
static NOINLINE uint64_t op_rec(uint64_t a, uint64_t b) { return a + rec_sum(b & 63); }

static uint64_t (*volatile ops[4])(uint64_t, uint64_t) = { op_add, op_xor, op_mul, op_rec };

static void test_function_pointers(void)
{
    gc_group("function_pointers");
    uint64_t via_ptr = 1, direct = 1, seed = 12345;
    for (int i = 0; i < 5000; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned k = (unsigned)(seed >> 62);
        uint64_t b = (seed >> 20) | 1;
        via_ptr = ops[k](via_ptr, b);
        switch (k) {
        case 0: direct = direct + b; break;
        case 1: direct = direct ^ b; break;
        case 2: direct = direct * b; break;
        default: direct = direct + (b & 63) * ((b & 63) + 1) / 2; break;
        }
    }
    CHECK_EQ(via_ptr, direct);
}

static volatile uint64_t handler_result;
static volatile int handler_depth;

static void on_usr1(int sig)
{
    (void)sig;
    handler_result = rec_sum(300) + fib(12);
}

static NOINLINE uint64_t rec_raise(uint64_t n)
{
    if (n == 0) {
        raise(SIGUSR1);
        return 0;
    }
    uint64_t r = rec_raise(n - 1);
    __asm__ volatile("" : "+r"(r));
    return r + n;
}

static void test_signal(void)
{
    gc_group("signal");
    signal(SIGUSR1, on_usr1);
    CHECK_EQ(rec_raise(50), 1275);
    CHECK_EQ(handler_result, 45150 + 144);
    handler_result = 0;
    CHECK_EQ(rec_raise(5), 15);
    CHECK_EQ(handler_result, 45150 + 144);
    signal(SIGUSR1, SIG_DFL);
}

/* --- Code that changes between calls --- */

enum { ZERO = 0, RA = 1, SP = 2, A0 = 10, A1 = 11 };

static uint32_t enc_i(uint32_t opcode, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}

static uint32_t enc_s(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm & 0xfff;
    return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | 0x23;
}

#define ADDI(rd, rs1, imm) enc_i(0x13, 0, rd, rs1, imm)
#define LD(rd, imm, rs1) enc_i(0x03, 3, rd, rs1, imm)
#define SD(rs2, imm, rs1) enc_s(3, rs1, rs2, imm)
#define JALR(rd, rs1, imm) enc_i(0x67, 0, rd, rs1, imm)
#define RET JALR(ZERO, RA, 0)

static void fence_i(void)
{
    __asm__ volatile("fence.i" : : : "memory");
}

typedef uint64_t (*Callee)(uint64_t);
typedef uint64_t (*Caller)(uint64_t, Callee);

static volatile uint32_t *site;
static volatile int32_t next_k;

/* Rewrites the instruction its caller returns to, then returns there. */
static NOINLINE uint64_t rewrite_return_site(uint64_t v)
{
    *site = ADDI(A0, A0, next_k);
    fence_i();
    return v;
}

static NOINLINE uint64_t leave_return_site(uint64_t v)
{
    return v;
}

static void test_smc(void)
{
    gc_group("smc");
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(code != MAP_FAILED)) {
        return;
    }
    /* caller(v, f): return f(v) + K, with K the immediate of the instruction at code[3]. */
    code[0] = ADDI(SP, SP, -16);
    code[1] = SD(RA, 8, SP);
    code[2] = JALR(RA, A1, 0);
    code[3] = ADDI(A0, A0, 1);
    code[4] = LD(RA, 8, SP);
    code[5] = ADDI(SP, SP, 16);
    code[6] = RET;
    fence_i();
    site = &code[3];
    Caller caller = (Caller)(uintptr_t)code;
    /* Warm the return site up, so a call has something to predict. */
    for (int i = 0; i < 20; i++) {
        CHECK_EQ(caller(100, leave_return_site), 101);
    }
    /* Each call returns to a site its callee has just rewritten. */
    uint64_t ok = 1;
    for (int k = 2; k < 300; k++) {
        next_k = k;
        ok &= caller(1000, rewrite_return_site) == (uint64_t)(1000 + k);
        ok &= caller(2000, leave_return_site) == (uint64_t)(2000 + k);
    }
    CHECK(ok);
    /* A callee rewritten between calls from the same call site. */
    uint32_t *fn = code + 64;
    Callee f = (Callee)(uintptr_t)fn;
    ok = 1;
    for (int k = 0; k < 100; k++) {
        fn[0] = ADDI(A0, A0, k);
        fn[1] = RET;
        fence_i();
        ok &= f(7) == (uint64_t)(7 + k);
        ok &= f(8) == (uint64_t)(8 + k);
    }
    CHECK(ok);
    munmap(code, 4096);
}

int main(void)
{
    test_recursion();
    test_longjmp();
    test_mismatch();
    test_function_pointers();
    test_signal();
    test_smc();
    return gc_finish();
}
