/*
 * x86_addr32.c - i386 effective addresses that wrap at 4 GiB (SDM Vol. 1 3.3.7: a 32-bit
 * address computation is taken modulo 2^32): a large base with a displacement, an index
 * whose scaled value passes 2^32, negative displacements from small bases, in loads and
 * stores of each size, in lea, and 32-bit results that carry out of bit 31 (add, sub, neg,
 * not, imul) used as addresses and as values.  mimic's JIT folds base + displacement into
 * one 32-bit lea and emits 32-bit forms for results only read as their low half, so each
 * of these has to come out as the wrapped sum.  Written in asm so the address forms do not
 * depend on the compiler; run in loops so the blocks are compiled.  Compared with the
 * host's own run and qemu-i386.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guest_check.h"

static uint32_t buf[64];

/* Load through base + disp where base = &buf[i] - 0x10000000 (mod 2^32): the sum wraps. */
static uint32_t load_big_disp(uint32_t i)
{
    uint32_t base = (uint32_t)(uintptr_t)&buf[i] - 0x10000000u, v;

    __asm__ volatile("movl 0x10000000(%1), %0" : "=r"(v) : "r"(base) : "memory");
    return v;
}

/* Store through base + disp where base is high and disp negative: no wrap, negative disp. */
static void store_neg_disp(uint32_t i, uint32_t v)
{
    uint32_t base = (uint32_t)(uintptr_t)&buf[i] + 0x100u;

    __asm__ volatile("movl %1, -0x100(%0)" : : "r"(base), "r"(v) : "memory");
}

/* Index * 4 passes 2^32: (base + index * 4) wraps back to &buf[i]. */
static uint32_t load_index_wrap(uint32_t i)
{
    uint32_t base = (uint32_t)(uintptr_t)&buf[i], idx = 0x40000000u, v;

    __asm__ volatile("movl (%1,%2,4), %0" : "=r"(v) : "r"(base), "r"(idx) : "memory");
    return v;
}

/* Base + index * 8 + disp, all three large, passing 2^32: bytes and words. */
static uint32_t load_sib_disp_wrap(uint32_t i)
{
    uint32_t base = (uint32_t)(uintptr_t)buf + 0x40000000u + 2 * i, idx = 0x10000000u;
    uint32_t b, w;

    /* 0x40000000 + 0x80000000 + 0x40000000 = 2^32: back at buf + 2 * i. */
    __asm__ volatile("movzbl 0x40000000(%2,%3,8), %0\n"
                     "movzwl 0x40000000(%2,%3,8), %1\n"
                     : "=&r"(b), "=&r"(w) : "r"(base), "r"(idx) : "memory");
    return b << 16 ^ w;
}

/* lea wraps too, and its 32-bit result is the register's whole value. */
static uint32_t lea_wrap(uint32_t a, uint32_t b)
{
    uint32_t r;

    __asm__ volatile("leal 0x7fffffff(%1,%2,2), %0" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* A sum that carries out of bit 31 used as an address: the carry is dropped. */
static uint32_t load_carried_sum(uint32_t i)
{
    uint32_t a = (uint32_t)(uintptr_t)&buf[i] + 0x80000000u, b = 0x80000000u, v;

    __asm__ volatile("addl %2, %1\n"
                     "movl (%1), %0\n"
                     : "=r"(v), "+r"(a) : "r"(b) : "cc", "memory");
    return v;
}

/* neg, not, sub and imul results that pass 2^32 or go below 0, as values and addresses. */
static uint32_t wrapped_ops(uint32_t x, uint32_t i)
{
    uint32_t p = (uint32_t)(uintptr_t)&buf[i];
    uint32_t n = x, t = x, s = 5, m = x, v, w;

    __asm__ volatile("negl %[n]\n"
                     "notl %[t]\n"
                     "subl %[x], %[s]\n"
                     "imull $0x10001, %[m], %[m]\n"
                     : [n] "+r"(n), [t] "+r"(t), [s] "+r"(s), [m] "+r"(m) : [x] "r"(x) : "cc");
    /* p - 0x20 - (2^32 - 0x20): sub of a larger value, then the wrapped sum addresses buf[i]. */
    uint32_t q = p - 0x20u, d = 0xffffffe0u;

    __asm__ volatile("subl %[d], %[q]\n"
                     "movl (%[q]), %[v]\n"
                     "negl %[d]\n"
                     "movl -0x20(%[p],%[d]), %[w]\n"
                     : [q] "+r"(q), [d] "+r"(d), [v] "=&r"(v), [w] "=&r"(w) : [p] "r"(p) : "cc", "memory");
    return n ^ (t << 1) ^ (s << 2) ^ (m << 3) ^ v ^ (w << 4);
}

int main(void)
{
    for (unsigned k = 0; k < 64; k++) {
        buf[k] = 0x9e3779b9u * (k + 1);
    }

    uint32_t acc = 0;
    int ok = 1;
    for (unsigned round = 0; round < 200; round++) {
        for (uint32_t i = 0; i < 16; i++) {
            uint32_t want = buf[i];
            ok &= load_big_disp(i) == want;
            ok &= load_index_wrap(i) == want;
            ok &= load_carried_sum(i) == want;
            const uint8_t *bytes = (const uint8_t *)buf + 2 * i;
            ok &= load_sib_disp_wrap(i) == ((uint32_t)bytes[0] << 16 ^ (bytes[0] | (uint32_t)bytes[1] << 8));
            acc = acc * 31 + wrapped_ops(want + round, i);
            acc ^= lea_wrap(want, i + round);
        }
    }
    gc_group("wrapping addresses");
    CHECK(ok);
    printf("wrapped ops %08x\n", acc);
    /* 0x80000001 + 0x7fffffff = 2^32; 0x12345678 + 2 * 0x80000000 + 0x7fffffff wraps once. */
    CHECK_EQ(lea_wrap(0x80000001u, 0), 0);
    CHECK_EQ(lea_wrap(0x12345678u, 0x80000000u), 0x92345677u);

    for (uint32_t i = 0; i < 16; i++) {
        store_neg_disp(i, 0xa5a5a5a5u ^ i);
    }
    gc_group("negative displacement stores");
    for (uint32_t i = 0; i < 16; i++) {
        CHECK_EQ(buf[i], 0xa5a5a5a5u ^ i);
    }
    printf("stores %08x %08x\n", buf[0], buf[15]);
    return gc_finish();
}
