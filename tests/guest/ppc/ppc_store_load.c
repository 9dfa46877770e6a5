/*
 * ppc_store_load.c - loads that read what a store just before them in the same straight
 * code wrote (Power ISA 2.06 Book I 3.3.2-3.3.3, 4.6.2-4.6.3; memory is big-endian): the
 * same size, a part of a wider store (each half and byte of a word or doubleword, signed
 * and unsigned), a load covered by several narrower stores (stb x4 then lwz, two stw then
 * lfd), overlapping stores where the newer bytes must win, stfs then lfs/lwz and stw then
 * lfs, and the cases where the stored value must not be reused: a load only partly
 * covered, the base register changed (addi, an update form, a load into it), a store
 * through another register or an indexed store to the same bytes, dcbz, stwcx., a call
 * that writes the memory, byte-reversed accesses, and a branch target reached from two
 * paths that stored different values (one reached only by its branch keeps what held
 * there).  Each case runs many times so the translated code, not only its first runs, is
 * checked.  Expected values are worked out by hand from the ISA's byte order.
 */
#include <stdint.h>
#include "guest_check.h"

#define REPS 64

static uint64_t buf64[8] __attribute__((aligned(32)));
#define BUF ((uint32_t *)buf64)

static void clear_buf(uint32_t fill)
{
    for (int i = 0; i < 16; i++) {
        BUF[i] = fill;
    }
}

/* stw, then lwz, lhz/lha of each half and lbz of each byte of the same word. */
static void word_parts(uint32_t v, uint32_t out[8])
{
    uint32_t *p = BUF;
    __asm__ volatile("stw %8,0(%9)\n"
                     "lwz %0,0(%9)\n"
                     "lhz %1,0(%9)\n"
                     "lhz %2,2(%9)\n"
                     "lha %3,2(%9)\n"
                     "lbz %4,0(%9)\n"
                     "lbz %5,1(%9)\n"
                     "lbz %6,2(%9)\n"
                     "lbz %7,3(%9)\n"
                     : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2]), "=&r"(out[3]), "=&r"(out[4]),
                       "=&r"(out[5]), "=&r"(out[6]), "=&r"(out[7])
                     : "r"(v), "b"(p) : "memory");
}

/* sth at 0 and 2, then lwz; stb x4 (one of them overwritten), then lwz and lhz. */
static void narrow_stores(uint32_t out[4])
{
    uint32_t *p = BUF;
    __asm__ volatile("li 9,0x1234\n"
                     "sth 9,0(%4)\n"
                     "li 9,-0x7ffe\n"             /* 0x...8002 */
                     "sth 9,2(%4)\n"
                     "lwz %0,0(%4)\n"
                     "li 9,0x11\n"
                     "stb 9,4(%4)\n"
                     "li 9,0x22\n"
                     "stb 9,5(%4)\n"
                     "li 9,0x33\n"
                     "stb 9,6(%4)\n"
                     "li 9,0x44\n"
                     "stb 9,7(%4)\n"
                     "li 9,0x99\n"
                     "stb 9,5(%4)\n"              /* the newer byte wins */
                     "lwz %1,4(%4)\n"
                     "lhz %2,4(%4)\n"
                     "lha %3,2(%4)\n"
                     : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2]), "=&r"(out[3])
                     : "b"(p) : "r9", "memory");
}

/* stw then overlapping stw 2 bytes on; stw then stb into it; stw then sth over its middle. */
static void overlapping(uint32_t out[5])
{
    uint32_t *p = BUF;
    __asm__ volatile("lis 9,0x0102\n"
                     "ori 9,9,0x0304\n"
                     "stw 9,0(%5)\n"
                     "lis 10,0x0a0b\n"
                     "ori 10,10,0x0c0d\n"
                     "stw 10,2(%5)\n"
                     "lwz %0,0(%5)\n"             /* 01 02 0a 0b */
                     "lwz %1,2(%5)\n"             /* 0a 0b 0c 0d */
                     "lhz %2,4(%5)\n"             /* 0c 0d */
                     "stw 9,8(%5)\n"
                     "li 10,0xee\n"
                     "stb 10,9(%5)\n"
                     "lwz %3,8(%5)\n"             /* 01 ee 03 04 */
                     "li 10,-1\n"
                     "sth 10,9(%5)\n"             /* unaligned, inside the word */
                     "lwz %4,8(%5)\n"             /* 01 ff ff 04 */
                     : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2]), "=&r"(out[3]), "=&r"(out[4])
                     : "b"(p) : "r9", "r10", "memory");
}

/* A load only partly covered by the last store reads the rest from memory. */
static void partial_cover(uint32_t out[3])
{
    uint32_t *p = BUF;
    __asm__ volatile("li 9,0x5a\n"
                     "stb 9,1(%3)\n"
                     "lwz %0,0(%3)\n"             /* memory 0xc0c1c2c3 with byte 1 = 5a */
                     "li 9,0x7777\n"
                     "sth 9,6(%3)\n"
                     "lwz %1,4(%3)\n"
                     "lwz %2,6(%3)\n"             /* 77 77 then bytes 8, 9 from memory */
                     : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2])
                     : "b"(p) : "r9", "memory");
}

/* stfd, then lwz of each half, lhz and lbz inside it, lfd back, and lfs of its high word. */
static void double_parts(double d, uint32_t out[5], uint64_t *back, uint32_t *single_hi)
{
    uint32_t *p = BUF;
    double r, s;
    __asm__ volatile("stfd %7,0(%8)\n"
                     "lwz %0,0(%8)\n"
                     "lwz %1,4(%8)\n"
                     "lhz %2,2(%8)\n"
                     "lbz %3,7(%8)\n"
                     "lha %4,4(%8)\n"
                     "lfd %5,0(%8)\n"
                     "lfs %6,0(%8)\n"
                     : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2]), "=&r"(out[3]), "=&r"(out[4]),
                       "=&f"(r), "=&f"(s)
                     : "f"(d), "b"(p) : "memory");
    *back = gc_f64_bits(r);
    *single_hi = gc_f32_bits((float)s);
}

/* Two stw, then lfd of both; one stw then lfd over it and the word after (partly covered). */
static void words_to_double(uint32_t hi, uint32_t lo, uint64_t out[2])
{
    uint32_t *p = BUF;
    double a, b;
    __asm__ volatile("stw %2,8(%4)\n"
                     "stw %3,12(%4)\n"
                     "lfd %0,8(%4)\n"
                     "stw %3,16(%4)\n"
                     "lfd %1,16(%4)\n"
                     : "=&f"(a), "=&f"(b)
                     : "r"(hi), "r"(lo), "b"(p) : "memory");
    out[0] = gc_f64_bits(a);
    out[1] = gc_f64_bits(b);
}

/* stfs then lfs and lwz; stw then lfs. */
static void singles(double d, uint32_t bits, uint64_t out[2], uint32_t *word)
{
    uint32_t *p = BUF;
    double a, b;
    __asm__ volatile("stfs %3,0(%5)\n"
                     "lfs %0,0(%5)\n"
                     "lwz %2,0(%5)\n"
                     "stw %4,4(%5)\n"
                     "lfs %1,4(%5)\n"
                     : "=&f"(a), "=&f"(b), "=&r"(*word)
                     : "f"(d), "r"(bits), "b"(p) : "memory");
    out[0] = gc_f64_bits(a);
    out[1] = gc_f64_bits(b);
}

/* The stored register overwritten before the load: the load still reads what was stored. */
static uint32_t source_overwritten(uint32_t v)
{
    uint32_t *p = BUF, r;
    __asm__ volatile("stw %1,0(%2)\n"
                     "li %1,99\n"
                     "lwz %0,0(%2)\n"
                     : "=&r"(r), "+&r"(v) : "b"(p) : "memory");
    return r;
}

/* The base register changes between the store and the load. */
static void base_changes(uint32_t out[5])
{
    uint32_t *p = BUF, q;
    __asm__ volatile("mr %5,%6\n"
                     "li 9,111\n"
                     "stw 9,0(%5)\n"
                     "addi %5,%5,4\n"
                     "lwz %0,0(%5)\n"             /* BUF[1] from memory */
                     "lwz %1,-4(%5)\n"            /* BUF[0]: 111, through the new base */
                     "li 9,222\n"
                     "stwu 9,4(%5)\n"             /* BUF[2] = 222, base -> &BUF[2] */
                     "lwz %2,0(%5)\n"             /* 222 */
                     "lwz %3,-8(%5)\n"            /* BUF[0]: 111 */
                     "mr 10,%5\n"
                     "lwz %5,0(%5)\n"             /* the base loaded over: 222 */
                     "li 9,333\n"
                     "stw 9,0(10)\n"
                     "mr %5,10\n"
                     "lwz %4,0(%5)\n"             /* 333 */
                     : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2]), "=&r"(out[3]), "=&r"(out[4]), "=&b"(q)
                     : "r"(p) : "r9", "r10", "memory");
}

/*
 * A store through another register (pointing 4 bytes on, so the displacements differ), or
 * indexed, to the same bytes: the load sees it.
 */
static void aliases(uint32_t out[4])
{
    uint32_t *p = BUF, *alias = BUF + 1;
    __asm__ volatile("li 9,1\n"
                     "stw 9,4(%4)\n"
                     "li 9,2\n"
                     "stw 9,0(%5)\n"
                     "lwz %0,4(%4)\n"             /* 2 */
                     "li 9,3\n"
                     "stw 9,4(%4)\n"
                     "li 10,4\n"
                     "li 9,4\n"
                     "stwx 9,%4,10\n"
                     "lwz %1,4(%4)\n"             /* 4 */
                     "li 9,5\n"
                     "stw 9,8(%4)\n"
                     "li 9,6\n"
                     "stb 9,7(%5)\n"
                     "lwz %2,8(%4)\n"             /* 0x00000006 */
                     "li 9,7\n"
                     "stw 9,12(%4)\n"
                     "li 10,12\n"
                     "li 9,0x3412\n"
                     "sthbrx 9,%4,10\n"           /* bytes 12 34 at 12 */
                     "lwz %3,12(%4)\n"            /* 0x12340007 */
                     : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2]), "=&r"(out[3])
                     : "b"(p), "b"(alias) : "r9", "r10", "memory");
}

/* dcbz, a stwcx. and a byte-reversed load after a store. */
static void other_writes(uint32_t out[3])
{
    uint32_t *p = BUF;
    __asm__ volatile("li 9,77\n"
                     "stw 9,4(%3)\n"
                     "dcbz 0,%3\n"
                     "lwz %0,4(%3)\n"             /* 0 */
                     "li 9,88\n"
                     "stw 9,8(%3)\n"
                     "addi 10,%3,8\n"
                     "lwarx 11,0,10\n"
                     "li 9,99\n"
                     "stwcx. 9,0,10\n"
                     "lwz %1,8(%3)\n"             /* 99 (qemu and mimic both succeed here) */
                     "lis 9,0x0102\n"
                     "ori 9,9,0x0304\n"
                     "stw 9,12(%3)\n"
                     "addi 10,%3,12\n"
                     "lwbrx %2,0,10\n"            /* 0x04030201 */
                     : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2])
                     : "b"(p) : "r9", "r10", "r11", "cr0", "memory");
}

/* Writes its argument to BUF[0]: a call between a store and a load. */
__attribute__((noinline, used)) static void write_buf0(uint32_t v)
{
    __asm__ volatile("stw %0,0(%1)" : : "r"(v), "b"(BUF) : "memory");
}

static uint32_t across_call(uint32_t v)
{
    uint32_t *p = BUF, r;
    __asm__ volatile("li 9,1\n"
                     "stw 9,0(%1)\n"
                     "mr 3,%2\n"
                     "bl write_buf0\n"
                     "lwz %0,0(%1)\n"
                     : "=&r"(r) : "b"(p), "r"(v)
                     : "r0", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12",
                       "lr", "ctr", "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
    return r;
}

/*
 * Branch targets: one reached only by its branch (the code before it ends in b) keeps the
 * stores known at the branch; one reached from two paths storing different values does not.
 */
static void branches(uint32_t sel, uint32_t out[3])
{
    uint32_t *p = BUF;
    __asm__ volatile("li 9,10\n"
                     "stw 9,0(%4)\n"
                     "cmpwi %3,0\n"
                     "beq 1f\n"
                     "li 9,20\n"
                     "stw 9,0(%4)\n"
                     "lwz %0,0(%4)\n"             /* 20 */
                     "b 2f\n"
                     "1: lwz %0,0(%4)\n"          /* 10: only the beq gets here */
                     "2: lwz %1,0(%4)\n"          /* 10 or 20: two ways here */
                     "li 9,30\n"
                     "stw 9,4(%4)\n"
                     "cmpwi %3,1\n"
                     "bne 3f\n"
                     "li 9,40\n"
                     "stw 9,4(%4)\n"
                     "3: lwz %2,4(%4)\n"          /* 40 when sel = 1, else 30 */
                     : "=&r"(out[0]), "=&r"(out[1]), "=&r"(out[2])
                     : "r"(sel), "b"(p) : "r9", "cr0", "memory");
}

/* Loads with update after stores, and a loop that stores then reloads each trip. */
static uint32_t update_loads(uint32_t out[2])
{
    uint32_t *p = BUF, *q = BUF, s = 0;
    __asm__ volatile("li 9,55\n"
                     "stw 9,8(%2)\n"
                     "lwzu %0,8(%2)\n"            /* 55, q = &BUF[2] */
                     "li 9,66\n"
                     "stw 9,4(%2)\n"
                     "lwz %1,12(%3)\n"            /* BUF[3] = 66 through the other base */
                     : "=&r"(out[0]), "=&r"(out[1]), "+&b"(q) : "b"(p) : "r9", "memory");
    /* sum of i * 3 over 0..15, each product stored and read back: 360 */
    __asm__ volatile("li 10,16\n"
                     "mtctr 10\n"
                     "li 10,0\n"
                     "1: mulli 9,10,3\n"
                     "stw 9,0(%1)\n"
                     "lwz 11,0(%1)\n"
                     "add %0,%0,11\n"
                     "addi 10,10,1\n"
                     "bdnz 1b\n"
                     : "+r"(s) : "b"(p) : "r9", "r10", "r11", "ctr", "memory");
    return s;
}

/* Cases whose results are fixed: the buffer filled, the case run, each output checked. */
static const struct {
    const char *name;
    uint32_t fill;
    void (*fn)(uint32_t *out);
    unsigned n;
    uint32_t want[5];
} fixed_cases[] = {
    { "narrow_stores", 0xc0c1c2c3u, narrow_stores, 4, { 0x12348002u, 0x11993344u, 0x1199u, 0xffff8002u } },
    { "overlapping", 0, overlapping, 5, { 0x01020a0bu, 0x0a0b0c0du, 0x0c0du, 0x01ee0304u, 0x01ffff04u } },
    { "partial_cover", 0xc0c1c2c3u, partial_cover, 3, { 0xc05ac2c3u, 0xc0c17777u, 0x7777c0c1u } },
    { "aliases", 0, aliases, 4, { 2u, 4u, 6u, 0x12340007u } },
    { "other_writes", 0x1111u, other_writes, 3, { 0u, 99u, 0x04030201u } },
};

int main(void)
{
    uint32_t o[8];
    uint64_t d[2], back;
    uint32_t shi, word;

    gc_group("word_parts");
    for (int i = 0; i < REPS; i++) {
        uint32_t v = 0x89abcdefu + 0x1111u * i;

        word_parts(v, o);
        CHECK_EQ(o[0], v);
        CHECK_EQ(o[1], v >> 16);
        CHECK_EQ(o[2], v & 0xffff);
        CHECK_EQ(o[3], (uint32_t)(int32_t)(int16_t)v);
        CHECK_EQ(o[4], v >> 24);
        CHECK_EQ(o[5], (v >> 16) & 0xff);
        CHECK_EQ(o[6], (v >> 8) & 0xff);
        CHECK_EQ(o[7], v & 0xff);
    }

    gc_group("double_parts");
    for (int i = 0; i < REPS; i++) {
        double x = -1.5 - i / 1024.0;       /* 0xbff8... with low bits from i */
        uint64_t u = gc_f64_bits(x);

        double_parts(x, o, &back, &shi);
        CHECK_EQ(o[0], (uint32_t)(u >> 32));
        CHECK_EQ(o[1], (uint32_t)u);
        CHECK_EQ(o[2], (uint32_t)(u >> 32) & 0xffff);
        CHECK_EQ(o[3], (uint32_t)u & 0xff);
        CHECK_EQ(o[4], (uint32_t)(int32_t)(int16_t)(u >> 16));
        CHECK_EQ(back, u);
        CHECK_EQ(shi, (uint32_t)(u >> 32));
    }
    double_parts(1.0, o, &back, &shi);
    CHECK_EQ(o[0], 0x3ff00000u);
    CHECK_EQ(o[1], 0u);
    CHECK_EQ(shi, 0x3ff00000u);             /* the word read as a single: 1.875 */

    gc_group("words_to_double");
    for (int i = 0; i < REPS; i++) {
        clear_buf(0x40080000u);
        words_to_double(0x40091eb8u, 0x51eb851fu + i, d);
        CHECK_EQ(d[0], UINT64_C(0x40091eb851eb851f) + i);
        CHECK_EQ(d[1], ((uint64_t)(0x51eb851fu + i) << 32) | 0x40080000u);
    }

    gc_group("singles");
    for (int i = 0; i < REPS; i++) {
        double x = (float)(0.1 + i);        /* a single's value: stfs stores it exactly */

        singles(x, 0xc0490fdbu, d, &word);
        CHECK_EQ(word, gc_f32_bits((float)x));
        CHECK_EQ(d[0], gc_f64_bits(x));
        CHECK_EQ(d[1], UINT64_C(0xc00921fb60000000));   /* -pi as a single, widened */
    }

    gc_group("registers_change");
    for (int i = 0; i < REPS; i++) {
        clear_buf(0x5555u);
        CHECK_EQ(source_overwritten(1000u + i), 1000u + i);
        base_changes(o);
        CHECK_EQ(o[0], 0x5555u);
        CHECK_EQ(o[1], 111u);
        CHECK_EQ(o[2], 222u);
        CHECK_EQ(o[3], 111u);
        CHECK_EQ(o[4], 333u);
    }

    gc_group("across_call");
    for (int i = 0; i < REPS; i++) {
        CHECK_EQ(across_call(500u + i), 500u + i);
    }

    for (unsigned c = 0; c < sizeof(fixed_cases) / sizeof(fixed_cases[0]); c++) {
        gc_group(fixed_cases[c].name);
        for (int i = 0; i < REPS; i++) {
            clear_buf(fixed_cases[c].fill);
            fixed_cases[c].fn(o);
            for (unsigned k = 0; k < fixed_cases[c].n; k++) {
                CHECK_EQ(o[k], fixed_cases[c].want[k]);
            }
        }
    }

    gc_group("branches");
    for (int i = 0; i < REPS; i++) {
        uint32_t sel = i % 3;

        branches(sel, o);
        CHECK_EQ(o[0], sel == 0 ? 10u : 20u);
        CHECK_EQ(o[1], sel == 0 ? 10u : 20u);
        CHECK_EQ(o[2], sel == 1 ? 40u : 30u);
    }

    gc_group("update_loads");
    for (int i = 0; i < REPS; i++) {
        clear_buf(0);
        CHECK_EQ(update_loads(o), 360u);
        CHECK_EQ(o[0], 55u);
        CHECK_EQ(o[1], 66u);
    }
    return gc_finish();
}
