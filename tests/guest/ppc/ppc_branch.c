/*
 * ppc_branch.c - conditional branches of 32-bit PowerPC (Power ISA 2.06 Book I 2.4) in
 * the shapes that decide how a translator cuts code into blocks: CTR loops (bdnz, bdz,
 * bdnzf/bdnzt with a CR bit), loops whose exit jumps over the back edge, if-then-else
 * (a forward branch, then an unconditional one over the else part), forward branches
 * farther than a few instructions and past the next 4 KiB page, backward branches into
 * the middle of straight code, branches on CR fields other than the last compare's, on
 * SO, on CR bits written by CR logical instructions, a conditional call (beql), and loops
 * with two paths round entered in the middle (Collatz step counts, known values).
 * Expected values are worked out by hand from the ISA text.
 */
#include <stdint.h>
#include "guest_check.h"

/* sum 1..n with a bdnz loop (n >= 1) */
static uint32_t sum_bdnz(uint32_t n)
{
    uint32_t s = 0;
    __asm__ volatile("mtctr %1\n"
                     "1: mfctr 0\n"
                     "add %0,%0,0\n"
                     "bdnz 1b\n"
                     : "+r"(s) : "r"(n) : "r0", "ctr");
    return s;
}

/* bdz exits forward over the back edge: counts the trips (n - 1 for n >= 1) */
static uint32_t trips_bdz(uint32_t n)
{
    uint32_t k = 0;
    __asm__ volatile("mtctr %1\n"
                     "1: bdz 2f\n"
                     "addi %0,%0,1\n"
                     "b 1b\n"
                     "2:\n"
                     : "+r"(k) : "r"(n) : "ctr");
    return k;
}

/*
 * bdnzf eq: look for `want` among n words; the index found, or n when absent (CTR ran
 * out).  The loop ends when CTR reaches 0 or the compare sets EQ.
 */
static uint32_t find_bdnzf(const uint32_t *p, uint32_t n, uint32_t want)
{
    uint32_t i = 0;
    __asm__ volatile("mtctr %2\n"
                     "addi %0,%0,-1\n"
                     "1: addi %0,%0,1\n"
                     "slwi 0,%0,2\n"
                     "lwzx 0,%1,0\n"
                     "cmpw cr0,0,%3\n"
                     "bdnzf eq,1b\n"
                     : "+r"(i) : "b"(p), "r"(n), "r"(want) : "r0", "ctr", "cr0", "memory");
    /* found at i (EQ set, CTR may be anything), or CTR hit 0 after the last element */
    return p[i] == want ? i : n;
}

/* bdnzt gt: count leading words greater than 10 (at most n) */
static uint32_t count_bdnzt(const uint32_t *p, uint32_t n)
{
    uint32_t k = 0;
    __asm__ volatile("mtctr %2\n"
                     "1: slwi 0,%0,2\n"
                     "lwzx 0,%1,0\n"
                     "cmpwi cr3,0,10\n"
                     "ble cr3,2f\n"
                     "addi %0,%0,1\n"
                     "bdnzt 4*cr3+gt,1b\n"
                     "2:\n"
                     : "+r"(k) : "b"(p), "r"(n) : "r0", "ctr", "cr3", "memory");
    return k;
}

/* if-then-else by compare into cr6: the else part is skipped by an unconditional b */
static uint32_t classify(int32_t x)
{
    uint32_t r;
    __asm__ volatile("cmpwi cr6,%1,0\n"
                     "blt cr6,1f\n"
                     "beq cr6,2f\n"
                     "li %0,300\n"
                     "b 3f\n"
                     "1: li %0,100\n"
                     "b 3f\n"
                     "2: li %0,200\n"
                     "3:\n"
                     : "=&r"(r) : "r"(x) : "cr6");
    return r;
}

/* a forward branch over 40 instructions (160 bytes), taken when x is odd */
static uint32_t far_forward(uint32_t x)
{
    uint32_t r = 0;
    __asm__ volatile("andi. 0,%1,1\n"
                     "bne 1f\n"
                     ".rept 40\n"
                     "addi %0,%0,3\n"
                     ".endr\n"
                     "1: addi %0,%0,1\n"
                     : "+r"(r) : "r"(x) : "r0", "cr0");
    return r;
}

/* a forward branch to the other side of a 4 KiB page boundary (1100 instructions on) */
static uint32_t next_page(uint32_t x)
{
    uint32_t r = 0;
    __asm__ volatile("cmplwi cr1,%1,5\n"
                     "bgt cr1,1f\n"
                     ".rept 1100\n"
                     "addi %0,%0,1\n"
                     ".endr\n"
                     "1: addi %0,%0,7\n"
                     : "+r"(r) : "r"(x) : "cr1");
    return r;
}

/* a backward branch into the middle of straight code: r = 1 + n * 10 for n >= 1 */
static uint32_t back_middle(uint32_t n)
{
    uint32_t r = 0;
    __asm__ volatile("li %0,1\n"
                     "1: addi %0,%0,10\n"
                     "addic. %1,%1,-1\n"
                     "bne 1b\n"
                     : "+r"(r), "+r"(n) : : "cr0", "xer");
    return r;
}

/* the compare of cr2 is older than the one of cr0, which the branch does not test */
static uint32_t older_field(int32_t a, int32_t b)
{
    uint32_t r;
    __asm__ volatile("cmpw cr2,%1,%2\n"
                     "cmpwi cr0,%1,0\n"
                     "li %0,1\n"
                     "bgt cr2,1f\n"
                     "li %0,2\n"
                     "beq cr0,1f\n"
                     "li %0,3\n"
                     "1:\n"
                     : "=&r"(r) : "r"(a), "r"(b) : "cr0", "cr2");
    return r;
}

/* a CR bit made by crnor/crand between the compare and the branch */
static uint32_t cr_logic(int32_t a, int32_t b)
{
    uint32_t r;
    __asm__ volatile("cmpw cr5,%1,%2\n"
                     "crnor 4*cr5+lt,4*cr5+lt,4*cr5+gt\n"   /* lt := equal */
                     "li %0,0\n"
                     "bf 4*cr5+lt,1f\n"
                     "li %0,1\n"
                     "1:\n"
                     : "=&r"(r) : "r"(a), "r"(b) : "cr5");
    return r;
}

/* bso after an overflowing addo. (SO is sticky until mtxer clears it) */
static uint32_t so_branch(int32_t a, int32_t b)
{
    uint32_t r, zero = 0;
    __asm__ volatile("mtxer %3\n"
                     "addo. 0,%1,%2\n"
                     "li %0,0\n"
                     "bns 1f\n"
                     "li %0,1\n"
                     "1: mtxer %3\n"
                     : "=&r"(r) : "r"(a), "r"(b), "r"(zero) : "r0", "cr0", "xer");
    return r;
}

/* beql: a conditional call; the callee adds 5, the fall-through adds 1 */
static uint32_t cond_call(int32_t x)
{
    uint32_t r = 0;
    __asm__ volatile("mflr 11\n"
                     "cmpwi cr7,%1,0\n"
                     "beql cr7,2f\n"
                     "addi %0,%0,1\n"
                     "b 3f\n"
                     "2: addi %0,%0,5\n"
                     "blr\n"
                     "3: mtlr 11\n"
                     : "+r"(r) : "r"(x) : "r11", "lr", "cr7");
    return r;
}

/* nested loops: an inner bdnz loop inside an outer loop closed by a compare and bne */
static uint32_t nested(uint32_t outer, uint32_t inner)
{
    uint32_t s = 0, i = 0;
    __asm__ volatile("1: mtctr %3\n"
                     "2: addi %0,%0,1\n"
                     "bdnz 2b\n"
                     "addi %1,%1,1\n"
                     "cmplw cr0,%1,%2\n"
                     "bne 1b\n"
                     : "+r"(s), "+r"(i) : "r"(outer), "r"(inner) : "ctr", "cr0");
    return s;
}

static void test_ctr_loops(void)
{
    static const uint32_t words[8] = { 40, 30, 20, 10, 50, 7, 99, 3 };

    gc_group("ctr_loops");
    CHECK_EQ(sum_bdnz(1), 1);
    CHECK_EQ(sum_bdnz(10), 55);
    CHECK_EQ(sum_bdnz(1000), 500500);
    CHECK_EQ(trips_bdz(1), 0);
    CHECK_EQ(trips_bdz(2), 1);
    CHECK_EQ(trips_bdz(300), 299);
    CHECK_EQ(find_bdnzf(words, 8, 40), 0);
    CHECK_EQ(find_bdnzf(words, 8, 10), 3);
    CHECK_EQ(find_bdnzf(words, 8, 3), 7);
    CHECK_EQ(find_bdnzf(words, 8, 5), 8);
    CHECK_EQ(count_bdnzt(words, 8), 3);             /* 40 30 20, then 10 is not > 10 */
    CHECK_EQ(count_bdnzt(words, 2), 2);             /* CTR runs out first */
    CHECK_EQ(nested(3, 4), 12);
    CHECK_EQ(nested(100, 7), 700);
}

/*
 * Loops with two paths round, each ending in a backward branch, entered in the middle: the
 * block starts at the entry and the path back to before it is copied into the block up
 * to the entry again (Collatz step counts: 27 takes 111 steps, 97 118, 871 178).
 */
static uint32_t collatz_mid(uint32_t x)
{
    uint32_t s = 0;
    __asm__ volatile("b 3f\n"
                     "1: mulli %0,%0,3\n"
                     "addi %0,%0,1\n"
                     "addi %1,%1,1\n"
                     "3: cmplwi %0,1\n"
                     "beq 4f\n"
                     "andi. 0,%0,1\n"
                     "bne 1b\n"
                     "srwi %0,%0,1\n"
                     "addi %1,%1,1\n"
                     "b 3b\n"
                     "4:\n"
                     : "+r"(x), "+r"(s) : : "r0", "cr0");
    return s;
}

/* The other shape: a conditional branch back to a point after the block's start. */
static uint32_t collatz_inner(uint32_t x)
{
    uint32_t s = 0;
    __asm__ volatile("3: cmplwi %0,1\n"
                     "beq 4f\n"
                     "5: andi. 0,%0,1\n"
                     "bne 1f\n"
                     "srwi %0,%0,1\n"
                     "addi %1,%1,1\n"
                     "cmplwi cr1,%0,1\n"
                     "bne cr1,5b\n"
                     "b 4f\n"
                     "1: mulli %0,%0,3\n"
                     "addi %0,%0,1\n"
                     "addi %1,%1,1\n"
                     "b 3b\n"
                     "4:\n"
                     : "+r"(x), "+r"(s) : : "r0", "cr0", "cr1");
    return s;
}

/* In C on 64-bit values (carry chains; 63728127 climbs past 2^32 and takes 949 steps, 837799 524). */
static uint32_t collatz64(uint64_t x)
{
    uint32_t s = 0;
    while (x != 1) {
        x = (x & 1) ? 3 * x + 1 : x >> 1;
        s++;
    }
    return s;
}

static void test_loop_copies(void)
{
    gc_group("loop copies");
    CHECK_EQ(collatz_mid(27), 111);
    CHECK_EQ(collatz_mid(97), 118);
    CHECK_EQ(collatz_mid(871), 178);
    CHECK_EQ(collatz_mid(1), 0);
    CHECK_EQ(collatz_mid(2), 1);
    CHECK_EQ(collatz_inner(27), 111);
    CHECK_EQ(collatz_inner(97), 118);
    CHECK_EQ(collatz_inner(871), 178);
    CHECK_EQ(collatz_inner(1), 0);
    CHECK_EQ(collatz_inner(8), 3);
    CHECK_EQ(collatz64(63728127), 949);
    CHECK_EQ(collatz64(837799), 524);
    CHECK_EQ(collatz64(27), 111);
}

static void test_shapes(void)
{
    gc_group("shapes");
    CHECK_EQ(classify(-5), 100);
    CHECK_EQ(classify(0), 200);
    CHECK_EQ(classify(9), 300);
    CHECK_EQ(classify(INT32_MIN), 100);
    CHECK_EQ(far_forward(1), 1);
    CHECK_EQ(far_forward(2), 121);
    CHECK_EQ(next_page(6), 7);
    CHECK_EQ(next_page(5), 1107);
    CHECK_EQ(back_middle(1), 11);
    CHECK_EQ(back_middle(25), 251);
}

static void test_conditions(void)
{
    gc_group("conditions");
    CHECK_EQ(older_field(5, 3), 1);                 /* cr2 gt */
    CHECK_EQ(older_field(0, 3), 2);                 /* not gt, a == 0 */
    CHECK_EQ(older_field(-1, 3), 3);
    CHECK_EQ(cr_logic(4, 4), 1);
    CHECK_EQ(cr_logic(4, 5), 0);
    CHECK_EQ(cr_logic(-4, -5), 0);
    CHECK_EQ(so_branch(INT32_MAX, 1), 1);
    CHECK_EQ(so_branch(1, 1), 0);
    CHECK_EQ(cond_call(0), 6);
    CHECK_EQ(cond_call(3), 1);
}

int main(void)
{
    /* each shape twice: the second run goes through blocks already translated and chained */
    for (int round = 0; round < 2; round++) {
        test_ctr_loops();
        test_shapes();
        test_conditions();
        test_loop_copies();
    }
    return gc_finish();
}
