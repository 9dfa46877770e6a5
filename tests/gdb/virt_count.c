/*
 * Bare-metal program for the system-mode gdb test (virt board, -bios none, M mode).
 * It steps a value ten times and powers the board off through sifive_test: status 0 when
 * the result is the expected one, else 0x3333 with code 7 (gdb changing `seed` or a step
 * result shows up in the exit status).
 */
#define SIFIVE_TEST ((volatile unsigned int *)0x100000)

volatile unsigned long counter;
volatile unsigned long seed = 1;

__attribute__((noinline)) static unsigned long step(unsigned long x)
{
    return x * 3 + 1;
}

int main(void)
{
    unsigned long v = seed;
    for (int i = 0; i < 10; i++) {
        v = step(v);
        counter++;
    }
    /* 1 -> 4 -> 13 -> ... ten times: (3^11 - 1) / 2 = 88573 */
    *SIFIVE_TEST = v == 88573 ? 0x5555 : (7u << 16) | 0x3333;
    for (;;) {
    }
}
