/* gdb tests: spins until gdb interrupts it and sets `stop`; prints whether it was set. */
#include <stdio.h>

volatile int stop;
volatile unsigned long spins;

int main(void)
{
    while (!stop) {
        spins++;
    }
    printf("stopped by gdb\n");
    return 0;
}
