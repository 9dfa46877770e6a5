/* hello.c - i386 bring-up: stdio, argv, malloc, a string function glibc picks by CPUID, exit status. */
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
    char *copy = strdup(buf);
    printf("hello from i386, argc=%d, %zu bytes, %d\n", argc, strlen(copy), memcmp(buf, copy, n + 1));
    free(copy);
    free(buf);
    return 0;
}
