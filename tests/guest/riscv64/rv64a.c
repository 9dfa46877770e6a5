/*
 * rv64a.c - the A extension (RISC-V unprivileged ISA, chapter 8): lr/sc success and failure,
 * every AMO in .w and .d form with each of the aq/rl orderings, sign extension of 32-bit
 * results (old values are returned sign-extended; the upper half of the containing doubleword
 * must stay untouched), and the lr/sc loops GCC emits for C11 atomics on bytes and halves.
 * Single-threaded: the orderings cannot be observed here, only that each encoding executes.
 */
#include "guest_check.h"

#define AMO(insn, addr, val) ({ uint64_t r_; \
    __asm__ volatile(insn " %0, %2, (%1)" : "=r"(r_) : "r"(addr), "r"((uint64_t)(val)) : "memory"); r_; })

static uint64_t cell[32] __attribute__((aligned(64)));

/* Runs one AMO with all four orderings; memory starts at init each time. */
#define AMO_ALL(base, width, init, src, want_old, want_new) do { \
    static const char *const names_[4] = { base width, base width ".aq", base width ".rl", \
                                           base width ".aqrl" }; \
    for (int k_ = 0; k_ < 4; k_++) { \
        uint64_t old_ = 0; \
        cell[0] = (init); \
        switch (k_) { \
        case 0: old_ = AMO(base width, cell, src); break; \
        case 1: old_ = AMO(base width ".aq", cell, src); break; \
        case 2: old_ = AMO(base width ".rl", cell, src); break; \
        default: old_ = AMO(base width ".aqrl", cell, src); break; \
        } \
        int ok_ = CHECK_EQ(old_, want_old); \
        ok_ &= CHECK_EQ(cell[0], want_new); \
        if (!ok_) { \
            printf("  (%s)\n", names_[k_]); \
        } \
    } \
} while (0)

static void test_amo_w(void)
{
    /* Low word 0x80000001 is negative; the upper word 0xcafebabe must survive every .w AMO. */
    const uint64_t init = 0xcafebabe80000001ull;
    const uint64_t src = 0xffffffff00000003ull;      /* only the low word 3 is used */
    const uint64_t old = 0xffffffff80000001ull;
    const uint64_t hi = 0xcafebabe00000000ull;

    gc_group("amo_w");
    AMO_ALL("amoswap", ".w", init, src, old, hi | 3);
    AMO_ALL("amoadd", ".w", init, src, old, hi | 0x80000004);
    AMO_ALL("amoxor", ".w", init, src, old, hi | 0x80000002);
    AMO_ALL("amoand", ".w", init, src, old, hi | 1);
    AMO_ALL("amoor", ".w", init, src, old, hi | 0x80000003);
    AMO_ALL("amomin", ".w", init, src, old, hi | 0x80000001);
    AMO_ALL("amomax", ".w", init, src, old, hi | 3);
    AMO_ALL("amominu", ".w", init, src, old, hi | 3);
    AMO_ALL("amomaxu", ".w", init, src, old, hi | 0x80000001);
    /* Positive old value: no sign extension; add wraps within 32 bits. */
    AMO_ALL("amoadd", ".w", 0x00000000ffffffffull, 1, 0xffffffffffffffffull, 0);
    AMO_ALL("amoadd", ".w", 0x000000007fffffffull, 1, 0x7fffffff, 0x80000000ull);
    AMO_ALL("amomin", ".w", 0x0000000000000005ull, 0xfffffffe, 5, 0xfffffffe);
    AMO_ALL("amomaxu", ".w", 0x0000000000000005ull, 0xfffffffe, 5, 0xfffffffe);
    AMO_ALL("amominu", ".w", 0x0000000000000005ull, 0xfffffffe, 5, 5);
}

static void test_amo_d(void)
{
    const uint64_t init = 0x8000000000000001ull;
    gc_group("amo_d");
    AMO_ALL("amoswap", ".d", init, 3, init, 3);
    AMO_ALL("amoadd", ".d", init, 3, init, 0x8000000000000004ull);
    AMO_ALL("amoxor", ".d", init, 3, init, 0x8000000000000002ull);
    AMO_ALL("amoand", ".d", init, 3, init, 1);
    AMO_ALL("amoor", ".d", init, 3, init, 0x8000000000000003ull);
    AMO_ALL("amomin", ".d", init, 3, init, init);
    AMO_ALL("amomax", ".d", init, 3, init, 3);
    AMO_ALL("amominu", ".d", init, 3, init, 3);
    AMO_ALL("amomaxu", ".d", init, 3, init, init);
    AMO_ALL("amoadd", ".d", 0xffffffffffffffffull, 1, 0xffffffffffffffffull, 0);
    AMO_ALL("amomin", ".d", 0xffffffffffffffffull, 0, 0xffffffffffffffffull, 0xffffffffffffffffull);
    AMO_ALL("amomaxu", ".d", 0xffffffffffffffffull, 0, 0xffffffffffffffffull, 0xffffffffffffffffull);

    /* rd = x0: an atomic store whose old value is discarded. */
    cell[0] = 10;
    __asm__ volatile("amoadd.d x0, %1, (%0)" : : "r"(cell), "r"(5L) : "memory");
    CHECK_EQ(cell[0], 15);
    /* rd == rs2: the old value replaces the source only after it was used. */
    uint64_t v = 7;
    cell[0] = 100;
    __asm__ volatile("amoadd.d %0, %0, (%1)" : "+r"(v) : "r"(cell) : "memory");
    CHECK_EQ(v, 100);
    CHECK_EQ(cell[0], 107);
}

/* Retries lr/sc until it succeeds (SC may fail spuriously, but not forever). */
static int lr_sc_w_add(uint32_t *p, uint32_t add, uint64_t *loaded)
{
    for (int tries = 0; tries < 1000; tries++) {
        uint64_t val, fail;
        __asm__ volatile("lr.w %0, (%2)\n\t"
                         "addw t0, %0, %3\n\t"
                         "sc.w %1, t0, (%2)"
                         : "=&r"(val), "=&r"(fail) : "r"(p), "r"((uint64_t)add) : "t0", "memory");
        if (fail == 0) {
            *loaded = val;
            return 1;
        }
    }
    return 0;
}

static int lr_sc_d_swap(uint64_t *p, uint64_t nv, uint64_t *loaded)
{
    for (int tries = 0; tries < 1000; tries++) {
        uint64_t val, fail;
        __asm__ volatile("lr.d.aq %0, (%2)\n\t"
                         "sc.d.rl %1, %3, (%2)"
                         : "=&r"(val), "=&r"(fail) : "r"(p), "r"(nv) : "memory");
        if (fail == 0) {
            *loaded = val;
            return 1;
        }
    }
    return 0;
}

static void test_lr_sc(void)
{
    uint64_t loaded = 0, fail, val;
    uint32_t *w = (uint32_t *)&cell[0];

    gc_group("lr_sc");
    cell[0] = 0x1111111180000000ull;
    CHECK(lr_sc_w_add(w, 5, &loaded));
    CHECK_EQ(loaded, 0xffffffff80000000ull);        /* lr.w sign-extends */
    CHECK_EQ(cell[0], 0x1111111180000005ull);

    cell[1] = 0x0123456789abcdefull;
    CHECK(lr_sc_d_swap(&cell[1], 42, &loaded));
    CHECK_EQ(loaded, 0x0123456789abcdefull);
    CHECK_EQ(cell[1], 42);

    /* A successful sc consumes the reservation: a second sc must fail and not store. */
    cell[2] = 1;
    for (int tries = 0; tries < 1000; tries++) {
        __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)"
                         : "=&r"(val), "=&r"(fail) : "r"(&cell[2]), "r"(2L) : "memory");
        if (fail == 0) {
            break;
        }
    }
    CHECK_EQ(fail, 0);
    CHECK_EQ(cell[2], 2);
    __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(fail) : "r"(&cell[2]), "r"(3L) : "memory");
    CHECK(fail != 0);
    CHECK_EQ(cell[2], 2);
    __asm__ volatile("sc.w.aqrl %0, %2, (%1)" : "=&r"(fail) : "r"(&cell[2]), "r"(4L) : "memory");
    CHECK(fail != 0);
    CHECK_EQ(cell[2], 2);

    /* sc to an address outside the reservation set (another 64-byte line) fails. */
    cell[16] = 77;
    cell[3] = 5;
    __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %4, (%3)"
                     : "=&r"(val), "=&r"(fail) : "r"(&cell[3]), "r"(&cell[16]), "r"(99L) : "memory");
    CHECK_EQ(val, 5);
    CHECK(fail != 0);
    CHECK_EQ(cell[16], 77);

    /* lr.w.aqrl / sc.w.aqrl encodings. */
    cell[4] = 0xffffffff7ffffffeull;
    for (int tries = 0; tries < 1000; tries++) {
        __asm__ volatile("lr.w.aqrl %0, (%2)\n\tsc.w.aqrl %1, %3, (%2)"
                         : "=&r"(val), "=&r"(fail) : "r"(&cell[4]), "r"(0x12345678ffffffffull) : "memory");
        if (fail == 0) {
            break;
        }
    }
    CHECK_EQ(fail, 0);
    CHECK_EQ(val, 0x7ffffffe);
    CHECK_EQ(cell[4], 0xffffffffffffffffull);
}

static void test_c11_atomics(void)
{
    static uint8_t b = 250;
    static uint16_t h = 0xfff0;
    static uint32_t w = 0xfffffff0u;
    static uint64_t d = 1;

    gc_group("c11_atomics");
    CHECK_EQ(__atomic_fetch_add(&b, 10, __ATOMIC_SEQ_CST), 250);
    CHECK_EQ(b, 4);
    CHECK_EQ(__atomic_fetch_or(&h, 0x000f, __ATOMIC_ACQUIRE), 0xfff0);
    CHECK_EQ(h, 0xffff);
    CHECK_EQ(__atomic_add_fetch(&h, 2, __ATOMIC_RELEASE), 1);
    CHECK_EQ(__atomic_fetch_sub(&w, 1, __ATOMIC_RELAXED), 0xfffffff0u);
    CHECK_EQ(w, 0xffffffefu);
    CHECK_EQ(__atomic_exchange_n(&d, 99, __ATOMIC_SEQ_CST), 1);

    uint8_t eb = 4;
    CHECK(__atomic_compare_exchange_n(&b, &eb, 9, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK_EQ(b, 9);
    eb = 4;
    CHECK(!__atomic_compare_exchange_n(&b, &eb, 11, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK_EQ(eb, 9);
    uint64_t ed = 99;
    CHECK(__atomic_compare_exchange_n(&d, &ed, 0x8000000000000000ull, 0, __ATOMIC_SEQ_CST,
                                      __ATOMIC_SEQ_CST));
    CHECK_EQ(d, 0x8000000000000000ull);
    uint32_t ew = 0;
    CHECK(!__atomic_compare_exchange_n(&w, &ew, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK_EQ(ew, 0xffffffefu);
}

int main(void)
{
    test_amo_w();
    test_amo_d();
    test_lr_sc();
    test_c11_atomics();
    return gc_finish();
}
