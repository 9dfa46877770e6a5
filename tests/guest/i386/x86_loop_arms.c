/*
 * x86_loop_arms.c - loops whose body has an arm laid out before the loop's head
 * ("jmp head; arm: ...; head: ...; jcc arm; ...; jcc head"), which mimic's x86 lifter
 * takes into the head's block by resuming at a jcc target just before the block's
 * start (frontend/x86/lift.c).  The paths cover: the arm running into the head (the
 * block's own start) with flags live across the join (adc after add), an arm leaving
 * for the middle of the block by jcc and by jmp, stores in the arm read back by the
 * head, an arm too far before the head to be taken in, and more arms than a block
 * keeps pending targets.  Written in asm so the layout does not depend on the
 * compiler; 32-bit operands so the same code runs as i386 and x86-64.  Compared with
 * the host's own run.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Collatz steps: the odd arm before the head, the head's even path loops to itself. */
static uint32_t collatz(uint32_t x)
{
    uint32_t steps = 0;

    __asm__ volatile("jmp 2f\n"
                     "1: lea 1(%0,%0,2), %0\n"
                     "   add $1, %1\n"
                     "   cmp $1, %0\n"
                     "   je 3f\n"
                     "2: test $1, %b0\n"
                     "   jne 1b\n"
                     "   shr %0\n"
                     "   add $1, %1\n"
                     "   cmp $1, %0\n"
                     "   jne 2b\n"
                     "3:\n"
                     : "+q"(x), "+r"(steps) : : "cc");
    return steps;
}

/* The arm's add sets CF; the head (the block's start) reads it with adc. */
static uint64_t carry_chain(uint32_t lo, uint32_t b, uint32_t n)
{
    uint32_t hi = 0;

    __asm__ volatile("clc\n"
                     "jmp 2f\n"
                     "1: add %[b], %[lo]\n"
                     "2: adc $0, %[hi]\n"
                     "   dec %[n]\n"
                     "   jnz 1b\n"
                     : [lo] "+r"(lo), [hi] "+r"(hi), [n] "+r"(n) : [b] "r"(b) : "cc");
    return (uint64_t)hi << 32 | lo;
}

/* The arm leaves by jcc and by jmp for the middle of the head's code. */
static uint32_t mid_exits(uint32_t a, uint32_t n)
{
    uint32_t s = 0;

    __asm__ volatile("jmp 2f\n"
                     "1: add $3, %[a]\n"
                     "   test $4, %[a]\n"
                     "   jne 4f\n"
                     "   xor $5, %[a]\n"
                     "   jmp 5f\n"
                     "2: add $1, %[a]\n"
                     "   test $1, %[a]\n"
                     "   jne 1b\n"
                     "4: rol $3, %[a]\n"
                     "5: add %[a], %[s]\n"
                     "   dec %[n]\n"
                     "   jnz 2b\n"
                     : [a] "+r"(a), [s] "+r"(s), [n] "+r"(n) : : "cc");
    return s;
}

/* A sieve: the arm stores, the head's loads see the stores. */
static uint32_t sieve(uint8_t *p, uintptr_t n)
{
    uint32_t count = 0;

    memset(p, 0, n);
    for (uintptr_t k = 2; k * k < n; k++) {
        uintptr_t i = k * k;

        if (p[k]) {
            continue;
        }
        __asm__ volatile("jmp 2f\n"
                         "1: movb $1, (%[p],%[i])\n"
                         "   add %[k], %[i]\n"
                         "2: cmp %[n], %[i]\n"
                         "   jb 1b\n"
                         : [i] "+r"(i) : [p] "r"(p), [k] "r"(k), [n] "r"(n) : "cc", "memory");
    }
    for (uintptr_t k = 2; k < n; k++) {
        count += !p[k];
    }
    return count;
}

/* An arm more than a short span before the head: it stays a block of its own. */
static uint32_t far_arm(uint32_t a, uint32_t n)
{
    __asm__ volatile("jmp 2f\n"
                     "1: imul $7, %[a], %[a]\n"
                     "   .fill 200, 1, 0x90\n"
                     "2: dec %[n]\n"
                     "   jz 3f\n"
                     "   add $13, %[a]\n"
                     "   test $2, %[a]\n"
                     "   jne 1b\n"
                     "   jmp 2b\n"
                     "3:\n"
                     : [a] "+r"(a), [n] "+r"(n) : : "cc");
    return a;
}

/* Ten arms before the head, more than the lifter keeps pending. */
#define ARM(k) #k "0: add $" #k "1, %[s]\n   jmp 9f\n"
#define PICK(k) "   cmp $" #k ", %[t]\n   je " #k "0b\n"
static uint32_t many_arms(uint32_t n)
{
    uint32_t s = 1, t;

    __asm__ volatile("jmp 8f\n"
                     ARM(1) ARM(2) ARM(3) ARM(4) ARM(5) ARM(6) ARM(7)
                     "8: mov %[n], %[t]\n"
                     "   and $15, %[t]\n"
                     PICK(1) PICK(2) PICK(3) PICK(4) PICK(5) PICK(6) PICK(7)
                     "   xor %[n], %[s]\n"
                     "9: rol $1, %[s]\n"
                     "   dec %[n]\n"
                     "   jnz 8b\n"
                     : [s] "+r"(s), [t] "=&r"(t), [n] "+r"(n) : : "cc");
    return s;
}

int main(void)
{
    static uint8_t buf[1 << 16];
    uint64_t h = 0;

    printf("collatz 27 %u, 97 %u\n", collatz(27), collatz(97));
    for (uint32_t i = 1; i < 30000; i++) {
        h = h * 31 + collatz(i);
    }
    printf("collatz sweep %016llx\n", (unsigned long long)h);
    printf("carry %016llx %016llx\n", (unsigned long long)carry_chain(1, 0x9e3779b9u, 100000),
           (unsigned long long)carry_chain(0xffffffffu, 0xffffffffu, 77777));
    printf("mid_exits %08x %08x\n", mid_exits(0, 100000), mid_exits(0x12345678u, 99999));
    printf("sieve %u %u\n", sieve(buf, sizeof(buf)), sieve(buf, 1000));
    printf("far_arm %08x\n", far_arm(5, 100000));
    printf("many_arms %08x %08x\n", many_arms(100000), many_arms(37));
    return 0;
}
