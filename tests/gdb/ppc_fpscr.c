/* gdb tests, ppc32: FPSCR as gdb sees and sets it while an FP result's FPRF is still
 * pending in mimic (worked out only when something reads FPSCR). */
#include <stdio.h>
#include <string.h>
volatile double a = 1.0, b = 1.0, r;
__attribute__((noinline)) void after_add(void)
{
    __asm__ volatile("");
}
int main(void)
{
    r = a + b;      /* exact +normal: FPRF = FG (0x4000), nothing else */
    after_add();
    double f;
    unsigned long long bits;
    __asm__ volatile("mffs %0" : "=f"(f));
    memcpy(&bits, &f, 8);
    printf("fpscr=%08x\n", (unsigned)bits);
    return 0;
}
