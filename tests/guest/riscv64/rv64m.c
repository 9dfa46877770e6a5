/*
 * rv64m.c - the M extension (RISC-V unprivileged ISA, chapter 7): mul, mulh, mulhsu, mulhu,
 * div, divu, rem, remu and the W forms. Division by zero and signed overflow do not trap; their
 * results are fixed by the table in section 7.2 (x/0 = all ones, x%0 = x, MIN/-1 = MIN,
 * MIN%-1 = 0), and every W result is the 32-bit value sign-extended, even for divuw/remuw.
 * The generic rows below were computed from those definitions with arbitrary-precision integers.
 */
#include "guest_check.h"

#define RR(op, a, b) ({ uint64_t r_; \
    __asm__ volatile(op " %0, %1, %2" : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r_; })

static const uint64_t MIN64 = 0x8000000000000000ull;
static const uint64_t MAX64 = 0x7fffffffffffffffull;
static const uint64_t ALL1 = 0xffffffffffffffffull;

enum { MUL, MULH, MULHSU, MULHU, DIV, REM, DIVU, REMU, MULW, DIVW, REMW, DIVUW, REMUW, NOPS };

static const struct {
    uint64_t a, b, r[NOPS];
} cases[] = {
    { 0x123456789abcdef0ull, 0xfedcba9876543210ull, { 0x236d88fe5618cf00ull, 0xffeb49923cc09532ull, 0x121fa00ad77d7422ull, 0x121fa00ad77d7422ull, 0xfffffffffffffff1ull, 0x0123456789abcde0ull, 0x0000000000000000ull, 0x123456789abcdef0ull, 0x000000005618cf00ull, 0x0000000000000000ull, 0xffffffff9abcdef0ull, 0x0000000000000001ull, 0x000000002468ace0ull } },
    { 0x0000000100000001ull, 0xffffffff80000000ull, { 0x7fffffff80000000ull, 0xffffffffffffffffull, 0x0000000100000000ull, 0x0000000100000000ull, 0xfffffffffffffffeull, 0x0000000000000001ull, 0x0000000000000000ull, 0x0000000100000001ull, 0xffffffff80000000ull, 0x0000000000000000ull, 0x0000000000000001ull, 0x0000000000000000ull, 0x0000000000000001ull } },
    { 0xdeadbeefcafebabeull, 0x8000000000000001ull, { 0xdeadbeefcafebabeull, 0x10a920881a80a2a0ull, 0xef56df77e57f5d5eull, 0x6f56df77e57f5d5full, 0x0000000000000000ull, 0xdeadbeefcafebabeull, 0x0000000000000001ull, 0x5eadbeefcafebabdull, 0xffffffffcafebabeull, 0xffffffffcafebabeull, 0x0000000000000000ull, 0xffffffffcafebabeull, 0x0000000000000000ull } },
    { 0xfedcba9876543210ull, 0x000000007fffffffull, { 0x3c4d5e6f89abcdf0ull, 0xffffffffff6e5d4cull, 0xffffffffff6e5d4cull, 0x000000007f6e5d4bull, 0xfffffffffdb97531ull, 0xfffffffff40da741ull, 0x00000001fdb97534ull, 0x00000000740da744ull, 0xffffffff89abcdf0ull, 0x0000000000000000ull, 0x0000000076543210ull, 0x0000000000000000ull, 0x0000000076543210ull } },
    { 0xdeadbeefcafebabeull, 0x0000000000000005ull, { 0x5964baaef6f9a5b6ull, 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0000000000000004ull, 0xf955f2fcc232f226ull, 0x0000000000000000ull, 0x2c89262ff5662559ull, 0x0000000000000001ull, 0xfffffffff6f9a5b6ull, 0xfffffffff566255aull, 0xfffffffffffffffcull, 0x000000002899588cull, 0x0000000000000002ull } },
};

static void run_all(uint64_t a, uint64_t b, uint64_t *r)
{
    r[MUL] = RR("mul", a, b);
    r[MULH] = RR("mulh", a, b);
    r[MULHSU] = RR("mulhsu", a, b);
    r[MULHU] = RR("mulhu", a, b);
    r[DIV] = RR("div", a, b);
    r[REM] = RR("rem", a, b);
    r[DIVU] = RR("divu", a, b);
    r[REMU] = RR("remu", a, b);
    r[MULW] = RR("mulw", a, b);
    r[DIVW] = RR("divw", a, b);
    r[REMW] = RR("remw", a, b);
    r[DIVUW] = RR("divuw", a, b);
    r[REMUW] = RR("remuw", a, b);
}

static const char *const op_names[NOPS] = {
    "mul", "mulh", "mulhsu", "mulhu", "div", "rem", "divu", "remu",
    "mulw", "divw", "remw", "divuw", "remuw",
};

int main(void)
{
    gc_group("multiply");
    CHECK_EQ(RR("mul", 7, 6), 42);
    CHECK_EQ(RR("mul", ALL1, ALL1), 1);
    CHECK_EQ(RR("mul", MIN64, MIN64), 0);
    CHECK_EQ(RR("mulh", MIN64, MIN64), 0x4000000000000000ull);
    CHECK_EQ(RR("mulh", ALL1, ALL1), 0);
    CHECK_EQ(RR("mulh", ALL1, 1), ALL1);
    CHECK_EQ(RR("mulh", MAX64, MAX64), 0x3fffffffffffffffull);
    CHECK_EQ(RR("mulhu", ALL1, ALL1), 0xfffffffffffffffeull);
    CHECK_EQ(RR("mulhu", MIN64, 2), 1);
    CHECK_EQ(RR("mulhsu", ALL1, ALL1), ALL1);          /* -1 * (2^64-1) */
    CHECK_EQ(RR("mulhsu", ALL1, 1), ALL1);
    CHECK_EQ(RR("mulhsu", 2, ALL1), 1);
    CHECK_EQ(RR("mulhsu", MIN64, ALL1), MIN64);
    CHECK_EQ(RR("mulhsu", ALL1, 0), 0);
    CHECK_EQ(RR("mulw", 0x7fffffff, 2), 0xfffffffffffffffeull);
    CHECK_EQ(RR("mulw", 0x100000003ull, 0x100000005ull), 15);
    CHECK_EQ(RR("mulw", 0x10000, 0x8000), 0xffffffff80000000ull);

    gc_group("divide_by_zero");
    CHECK_EQ(RR("div", 12345, 0), ALL1);
    CHECK_EQ(RR("div", MIN64, 0), ALL1);
    CHECK_EQ(RR("divu", 12345, 0), ALL1);
    CHECK_EQ(RR("rem", 12345, 0), 12345);
    CHECK_EQ(RR("rem", -12345, 0), (uint64_t)-12345);
    CHECK_EQ(RR("remu", ALL1, 0), ALL1);
    CHECK_EQ(RR("divw", 0x1234567800000000ull, 0x100000000ull), ALL1);  /* low word of rs2 is 0 */
    CHECK_EQ(RR("divuw", 5, 0), ALL1);                                   /* 0xffffffff sign-extended */
    CHECK_EQ(RR("remw", 0x12345678deadbeefull, 0), 0xffffffffdeadbeefull);
    CHECK_EQ(RR("remuw", 0x12345678deadbeefull, 0), 0xffffffffdeadbeefull);
    CHECK_EQ(RR("remuw", 0x1234567812345678ull, 0), 0x12345678);

    gc_group("divide_overflow");
    CHECK_EQ(RR("div", MIN64, ALL1), MIN64);
    CHECK_EQ(RR("rem", MIN64, ALL1), 0);
    CHECK_EQ(RR("divw", 0x80000000, ALL1), 0xffffffff80000000ull);
    CHECK_EQ(RR("remw", 0x80000000, ALL1), 0);
    CHECK_EQ(RR("divw", 0xffffffff80000000ull, 0xffffffff), 0xffffffff80000000ull);
    CHECK_EQ(RR("divu", MIN64, ALL1), 0);
    CHECK_EQ(RR("remu", MIN64, ALL1), MIN64);

    gc_group("divide_signs");
    CHECK_EQ(RR("div", -7, 2), (uint64_t)-3);         /* rounds toward zero */
    CHECK_EQ(RR("rem", -7, 2), (uint64_t)-1);         /* sign of the dividend */
    CHECK_EQ(RR("div", 7, -2), (uint64_t)-3);
    CHECK_EQ(RR("rem", 7, -2), 1);
    CHECK_EQ(RR("div", -7, -2), 3);
    CHECK_EQ(RR("rem", -7, -2), (uint64_t)-1);
    CHECK_EQ(RR("divu", -7, 2), 0x7ffffffffffffffcull);
    CHECK_EQ(RR("remu", -7, 2), 1);
    CHECK_EQ(RR("divw", -7, 2), (uint64_t)-3);
    CHECK_EQ(RR("remw", -7, 2), (uint64_t)-1);
    CHECK_EQ(RR("divuw", 0x80000000, 1), 0xffffffff80000000ull);   /* W results sign-extend */
    CHECK_EQ(RR("divuw", 0xfffffffe, 2), 0x7fffffff);
    CHECK_EQ(RR("remuw", 0xffffffff, 0x10), 0xf);
    CHECK_EQ(RR("divuw", 0xffffffff00000010ull, 0xabcdef0000000004ull), 4);

    gc_group("table");
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t r[NOPS];
        run_all(cases[i].a, cases[i].b, r);
        for (int op = 0; op < NOPS; op++) {
            if (!CHECK_EQ(r[op], cases[i].r[op])) {
                printf("  (%s, case %u)\n", op_names[op], i);
            }
        }
    }

    /* Results land in any destination: also rd == rs1 == rs2. */
    gc_group("aliasing");
    uint64_t x = 0xfffffffffffffff9ull;
    __asm__ volatile("mul %0, %0, %0" : "+r"(x));
    CHECK_EQ(x, 49);
    x = 100;
    __asm__ volatile("div %0, %0, %0" : "+r"(x));
    CHECK_EQ(x, 1);
    x = 0;
    __asm__ volatile("divu %0, %0, %0" : "+r"(x));
    CHECK_EQ(x, ALL1);
    return gc_finish();
}
