/*
 * rv64i.c - RV64I base integer instructions (RISC-V unprivileged ISA, chapters 2 and 5):
 * register-register and immediate arithmetic, logic, shifts (6-bit amounts, 5-bit for W ops),
 * compares, lui/auipc, every load width and sign, every store width, the W forms with their
 * sign extension, and (from rv64i_branch.S) branches, jal and jalr. Each instruction is issued
 * through inline asm so the compiler cannot fold it away; expected values come from the manual.
 */
#include "guest_check.h"

#define RR(op, a, b) ({ uint64_t r_; \
    __asm__ volatile(op " %0, %1, %2" : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r_; })
#define RI(op, a, imm) ({ uint64_t r_; \
    __asm__ volatile(op " %0, %1, %2" : "=r"(r_) : "r"((uint64_t)(a)), "i"(imm)); r_; })
#define LOAD(op, base, off) ({ uint64_t r_; \
    __asm__ volatile(op " %0, %2(%1)" : "=r"(r_) : "r"(base), "i"(off) : "memory"); r_; })
#define STORE(op, val, base, off) \
    __asm__ volatile(op " %0, %2(%1)" : : "r"((uint64_t)(val)), "r"(base), "i"(off) : "memory")

uint64_t rv_branch_mask(uint64_t a, uint64_t b);
uint64_t rv_branch_zero_mask(int64_t a);
uint64_t rv_join_zero(uint64_t x, uint64_t sel);
uint64_t rv_backward_loop(uint64_t n);
int64_t rv_jal_link(void);
int64_t rv_jal_x0(void);
int64_t rv_jalr_same_reg(void);
int64_t rv_jalr_odd(void);
int64_t rv_jalr_negative(void);
uint64_t rv_call_indirect(uint64_t (*fn)(uint64_t), uint64_t x);
uint64_t rv_auipc_delta(void);
int64_t rv_auipc_label(void);
uint64_t rv_x0_writes(void);

static const uint64_t MIN64 = 0x8000000000000000ull;
static const uint64_t MAX64 = 0x7fffffffffffffffull;
static const uint64_t ALL1 = 0xffffffffffffffffull;

static void test_arith(void)
{
    gc_group("arith");
    CHECK_EQ(RR("add", 5, 7), 12);
    CHECK_EQ(RR("add", ALL1, 1), 0);
    CHECK_EQ(RR("add", MAX64, 1), MIN64);
    CHECK_EQ(RR("sub", 5, 7), 0xfffffffffffffffeull);
    CHECK_EQ(RR("sub", MIN64, 1), MAX64);
    CHECK_EQ(RR("sub", 0, MIN64), MIN64);
    CHECK_EQ(RI("addi", 10, -11), ALL1);
    CHECK_EQ(RI("addi", 0, 2047), 2047);
    CHECK_EQ(RI("addi", 0, -2048), 0xfffffffffffff800ull);
    CHECK_EQ(RI("addi", MAX64, 1), MIN64);
    CHECK_EQ(rv_x0_writes(), 0);
}

static void test_logic(void)
{
    gc_group("logic");
    CHECK_EQ(RR("and", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull), 0x0f000f000f000f00ull);
    CHECK_EQ(RR("or", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull), 0xfff0fff0fff0fff0ull);
    CHECK_EQ(RR("xor", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull), 0xf0f0f0f0f0f0f0f0ull);
    CHECK_EQ(RI("andi", 0x123456789abcdef0ull, -16), 0x123456789abcdef0ull);
    CHECK_EQ(RI("andi", 0x123456789abcdef0ull, 0x7ff), 0x6f0);
    CHECK_EQ(RI("andi", 0xffff, -256), 0xff00);
    CHECK_EQ(RI("ori", 0, -2048), 0xfffffffffffff800ull);
    CHECK_EQ(RI("ori", 0x1000, 0x0f0), 0x10f0);
    CHECK_EQ(RI("xori", 0x123456789abcdef0ull, -1), 0xedcba9876543210full);
    CHECK_EQ(RI("xori", 0xff, 0x0f), 0xf0);
}

static void test_shifts(void)
{
    gc_group("shifts");
    CHECK_EQ(RR("sll", 1, 63), MIN64);
    CHECK_EQ(RR("sll", 1, 64), 1);              /* only rs2[5:0] counts */
    CHECK_EQ(RR("sll", 1, 65), 2);
    CHECK_EQ(RR("sll", 0x8000000000000001ull, 1), 2);
    CHECK_EQ(RR("srl", MIN64, 63), 1);
    CHECK_EQ(RR("srl", MIN64, 127), 1);
    CHECK_EQ(RR("srl", ALL1, 4), 0x0fffffffffffffffull);
    CHECK_EQ(RR("sra", MIN64, 63), ALL1);
    CHECK_EQ(RR("sra", 0xf000000000000000ull, 4), 0xff00000000000000ull);
    CHECK_EQ(RR("sra", 0x7000000000000000ull, 68), 0x0700000000000000ull);
    CHECK_EQ(RI("slli", 3, 62), 0xc000000000000000ull);
    CHECK_EQ(RI("srli", 0xc000000000000000ull, 62), 3);
    CHECK_EQ(RI("srai", 0xc000000000000000ull, 62), ALL1);
    CHECK_EQ(RI("srai", 0x4000000000000000ull, 62), 1);
    CHECK_EQ(RI("slli", 0x123, 0), 0x123);
}

static void test_compare(void)
{
    gc_group("compare");
    CHECK_EQ(RR("slt", ALL1, 0), 1);
    CHECK_EQ(RR("slt", 0, ALL1), 0);
    CHECK_EQ(RR("slt", MIN64, MAX64), 1);
    CHECK_EQ(RR("slt", 5, 5), 0);
    CHECK_EQ(RR("sltu", ALL1, 0), 0);
    CHECK_EQ(RR("sltu", 0, ALL1), 1);
    CHECK_EQ(RR("sltu", MIN64, MAX64), 0);
    CHECK_EQ(RR("sltu", 0, 0), 0);
    CHECK_EQ(RI("slti", ALL1, 0), 1);
    CHECK_EQ(RI("slti", 0, -1), 0);
    CHECK_EQ(RI("slti", -2049, -2048), 1);
    CHECK_EQ(RI("sltiu", 5, -1), 1);           /* immediate sign-extends, then compares unsigned */
    CHECK_EQ(RI("sltiu", ALL1, -1), 0);
    CHECK_EQ(RI("sltiu", 0, 1), 1);            /* seqz */
    CHECK_EQ(RI("sltiu", 7, 1), 0);
    CHECK_EQ(RR("sltu", 0, 9), 1);             /* snez via x0 would be sltu rd, x0, rs */
}

static void test_upper(void)
{
    uint64_t r;
    gc_group("lui_auipc");
    __asm__ volatile("lui %0, 0x80000" : "=r"(r));
    CHECK_EQ(r, 0xffffffff80000000ull);
    __asm__ volatile("lui %0, 0x7ffff" : "=r"(r));
    CHECK_EQ(r, 0x7ffff000);
    __asm__ volatile("lui %0, 0xfffff" : "=r"(r));
    CHECK_EQ(r, 0xfffffffffffff000ull);
    __asm__ volatile("lui %0, 0" : "=r"(r));
    CHECK_EQ(r, 0);
    CHECK_EQ(rv_auipc_delta(), 4096 - 4);
    CHECK_EQ(rv_auipc_label(), 0);
}

static void test_loads(void)
{
    static uint8_t buf[24] __attribute__((aligned(16)));
    const uint8_t init[16] = { 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12,
                               0x80, 0x7f, 0xff, 0x00, 0x01, 0x80, 0x00, 0x80 };
    memcpy(buf, init, sizeof(init));
    uint8_t *p = buf;
    uint8_t *q = buf + 8;

    gc_group("loads");
    CHECK_EQ(LOAD("lb", p, 0), 0xfffffffffffffff0ull);
    CHECK_EQ(LOAD("lbu", p, 0), 0xf0);
    CHECK_EQ(LOAD("lb", p, 7), 0x12);
    CHECK_EQ(LOAD("lb", q, 1), 0x7f);
    CHECK_EQ(LOAD("lb", q, 0), 0xffffffffffffff80ull);
    CHECK_EQ(LOAD("lbu", q, 2), 0xff);
    CHECK_EQ(LOAD("lh", p, 0), 0xffffffffffffdef0ull);
    CHECK_EQ(LOAD("lhu", p, 0), 0xdef0);
    CHECK_EQ(LOAD("lh", p, 6), 0x1234);
    CHECK_EQ(LOAD("lh", q, 0), 0x7f80);
    CHECK_EQ(LOAD("lw", p, 0), 0xffffffff9abcdef0ull);
    CHECK_EQ(LOAD("lwu", p, 0), 0x9abcdef0);
    CHECK_EQ(LOAD("lw", p, 4), 0x12345678);
    CHECK_EQ(LOAD("lwu", q, 4), 0x80008001ull);
    CHECK_EQ(LOAD("lw", q, 4), 0xffffffff80008001ull);
    CHECK_EQ(LOAD("ld", p, 0), 0x123456789abcdef0ull);
    CHECK_EQ(LOAD("ld", q, 0), 0x8000800100ff7f80ull);
    CHECK_EQ(LOAD("lb", q, -1), 0x12);          /* negative offsets */
    CHECK_EQ(LOAD("lhu", q, -2), 0x1234);
    CHECK_EQ(LOAD("lwu", q, -4), 0x12345678);
    CHECK_EQ(LOAD("ld", q, -8), 0x123456789abcdef0ull);
    /* Misaligned accesses are allowed by the Linux user ABI. */
    CHECK_EQ(LOAD("lw", p, 1), 0x789abcde);
    CHECK_EQ(LOAD("lhu", p, 3), 0x789a);
    CHECK_EQ(LOAD("ld", p, 4), 0x00ff7f8012345678ull);
    CHECK_EQ(LOAD("ld", p, 3), 0xff7f80123456789aull);
}

static void test_stores(void)
{
    static uint8_t buf[32] __attribute__((aligned(16)));
    uint8_t *p = buf + 8;

    gc_group("stores");
    memset(buf, 0xaa, sizeof(buf));
    STORE("sb", 0x1234567890abcdefull, p, 0);
    STORE("sh", 0x1234567890abcdefull, p, 2);
    STORE("sw", 0x1234567890abcdefull, p, 4);
    STORE("sd", 0x1122334455667788ull, p, 8);
    STORE("sb", 0x55, p, -1);
    const uint8_t want[32] = {
        0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x55,
        0xef, 0xaa, 0xef, 0xcd, 0xef, 0xcd, 0xab, 0x90,
        0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
        0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    };
    for (int i = 0; i < 32; i++) {
        if (!CHECK_EQ(buf[i], want[i])) {
            printf("  (byte %d)\n", i);
        }
    }
    /* Misaligned stores, then read back with byte loads. */
    memset(buf, 0, sizeof(buf));
    STORE("sd", 0x0807060504030201ull, buf, 1);
    STORE("sw", 0x0d0c0b0aull, buf, 11);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(buf[1 + i], i + 1);
    }
    CHECK_EQ(buf[0], 0);
    CHECK_EQ(buf[9], 0);
    CHECK_EQ(LOAD("lwu", buf, 11), 0x0d0c0b0a);
}

static void test_word_ops(void)
{
    gc_group("word_ops");
    CHECK_EQ(RR("addw", 0x7fffffff, 1), 0xffffffff80000000ull);
    CHECK_EQ(RR("addw", 0x100000005ull, 0xffffffff00000003ull), 8);
    CHECK_EQ(RR("addw", 0xffffffff, 0), ALL1);
    CHECK_EQ(RR("subw", 0, 1), ALL1);
    CHECK_EQ(RR("subw", 0x80000000, 1), 0x7fffffff);
    CHECK_EQ(RR("subw", 0x1234500000000000ull, 0), 0);
    CHECK_EQ(RI("addiw", 0xffffffffull, 0), ALL1);        /* sext.w */
    CHECK_EQ(RI("addiw", 0x1234567880000000ull, 0), 0xffffffff80000000ull);
    CHECK_EQ(RI("addiw", 0x7fffffff, 1), 0xffffffff80000000ull);
    CHECK_EQ(RI("addiw", 0, -1), ALL1);
    CHECK_EQ(RR("sllw", 1, 31), 0xffffffff80000000ull);
    CHECK_EQ(RR("sllw", 1, 32), 1);                       /* only rs2[4:0] counts */
    CHECK_EQ(RR("sllw", 1, 33), 2);
    CHECK_EQ(RR("sllw", 0xffffffff00000003ull, 30), 0xffffffffc0000000ull);
    CHECK_EQ(RR("srlw", 0xffffffff80000000ull, 0), 0xffffffff80000000ull);
    CHECK_EQ(RR("srlw", 0x80000000, 31), 1);
    CHECK_EQ(RR("srlw", 0xffffffff80000000ull, 1), 0x40000000);
    CHECK_EQ(RR("srlw", 0x1234567800000010ull, 36), 1);
    CHECK_EQ(RR("sraw", 0x80000000, 4), 0xfffffffff8000000ull);
    CHECK_EQ(RR("sraw", 0x7fffffff, 31), 0);
    CHECK_EQ(RR("sraw", 0x00000000f0000000ull, 63), ALL1);
    CHECK_EQ(RI("slliw", 0x1, 31), 0xffffffff80000000ull);
    CHECK_EQ(RI("slliw", 0xffffffff12345678ull, 4), 0x23456780);
    CHECK_EQ(RI("srliw", 0xffffffff80000000ull, 4), 0x08000000);
    CHECK_EQ(RI("srliw", 0x80000000, 0), 0xffffffff80000000ull);
    CHECK_EQ(RI("sraiw", 0x80000000, 31), ALL1);
    CHECK_EQ(RI("sraiw", 0x1234567870000000ull, 28), 7);
}

static uint64_t times3(uint64_t x)
{
    return x * 3;
}

static void test_branches(void)
{
    static const struct { uint64_t a, b, mask; } cases[] = {
        { 1, 1, 1 | 8 | 32 },
        { 1, 2, 2 | 4 | 16 },
        { 2, 1, 2 | 8 | 32 },
        { 0xffffffffffffffffull, 1, 2 | 4 | 32 },
        { 1, 0xffffffffffffffffull, 2 | 8 | 16 },
        { 0x8000000000000000ull, 0x7fffffffffffffffull, 2 | 4 | 32 },
        { 0x7fffffffffffffffull, 0x8000000000000000ull, 2 | 8 | 16 },
        { 0, 0, 1 | 8 | 32 },
        { 0x100000000ull, 0, 2 | 8 | 32 },
    };
    gc_group("branches");
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!CHECK_EQ(rv_branch_mask(cases[i].a, cases[i].b), cases[i].mask)) {
            printf("  (case %u)\n", i);
        }
    }
    CHECK_EQ(rv_branch_zero_mask(0), 1 | 8 | 32);
    CHECK_EQ(rv_branch_zero_mask(5), 2 | 8 | 16 | 64);
    CHECK_EQ(rv_branch_zero_mask(-5), 2 | 4 | 32 | 64);
    CHECK_EQ(rv_branch_zero_mask(INT64_MIN), 2 | 4 | 32 | 64);
    CHECK_EQ(rv_join_zero(0, 1), 1);
    CHECK_EQ(rv_join_zero(4, 1), 0);
    CHECK_EQ(rv_join_zero(2, 0), 1);
    CHECK_EQ(rv_join_zero(3, 0), 0);
    CHECK_EQ(rv_backward_loop(0), 0);
    CHECK_EQ(rv_backward_loop(1), 1);
    CHECK_EQ(rv_backward_loop(1000), 1000);

    gc_group("jumps");
    CHECK_EQ(rv_jal_link(), 0);
    CHECK_EQ(rv_jal_x0(), 0);
    CHECK_EQ(rv_jalr_same_reg(), 0);
    CHECK_EQ(rv_jalr_odd(), 0);
    CHECK_EQ(rv_jalr_negative(), 0);
    CHECK_EQ(rv_call_indirect(times3, 14), 43);
}

int main(void)
{
    test_arith();
    test_logic();
    test_shifts();
    test_compare();
    test_upper();
    test_loads();
    test_stores();
    test_word_ops();
    test_branches();
    return gc_finish();
}
