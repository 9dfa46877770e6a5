/*
 * gdb test: a loop entered in its middle, whose other path (odd_step, before the entry)
 * a translator may copy into the block that starts at the entry.  A breakpoint set on
 * odd_step once that block is compiled must still stop there.  Collatz step count of 27:
 * 111, so 201 calls make 22311.
 */
#include <stdio.h>

__attribute__((noinline)) static unsigned collatz_mid(unsigned n)
{
    register unsigned x __asm__("r9") = n;
    register unsigned s __asm__("r10") = 0;
    __asm__ volatile("b 3f\n"
                     ".globl odd_step\n"
                     "odd_step: mulli %0,%0,3\n"
                     "addi %0,%0,1\n"
                     "addi %1,%1,1\n"
                     "3: cmplwi %0,1\n"
                     "beq 4f\n"
                     "andi. 0,%0,1\n"
                     "bne odd_step\n"
                     "srwi %0,%0,1\n"
                     "addi %1,%1,1\n"
                     "b 3b\n"
                     "4:\n"
                     : "+r"(x), "+r"(s) : : "r0", "cr0");
    return s;
}

__attribute__((noinline)) void warm_done(void)
{
    __asm__ volatile("");
}

int main(void)
{
    unsigned total = 0;
    for (int i = 0; i < 200; i++) {
        total += collatz_mid(27);
    }
    warm_done();
    total += collatz_mid(27);
    printf("total=%u\n", total);
    return total == 22311 ? 0 : 3;
}
