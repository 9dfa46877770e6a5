/* hello.c - the first ppc32 bring-up program: stdio, argv, malloc and an exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    size_t n = 1u << 20;
    char *buf = malloc(n + 1);
    if (!buf) {
        return 1;
    }
    memset(buf, 'x', n);
    buf[n] = 0;
    printf("hello from ppc32, argc=%d, %zu bytes\n", argc, strlen(buf));
    free(buf);
    return 0;
}
