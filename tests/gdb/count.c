/* gdb tests: a loop over a small function and a global, with an exit status that shows
 * whether gdb changed something (0: total is 30, as computed; 3: it is not). */
#include <stdio.h>
#include <stdlib.h>
int counter = 0;
static int square(int x)
{
    int r = x * x;
    return r;
}
int main(int argc, char **argv)
{
    int total = 0;
    for (int i = 0; i < 5; i++) {
        total += square(i);
        counter++;
    }
    printf("total=%d counter=%d\n", total, counter);
    return total == 30 ? 0 : 3;
}
