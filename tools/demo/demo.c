/*
 * The demo guest program: a little of everything a user would try first --
 * arguments, formatted output, floating point, the heap, and a file round trip.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static int is_prime(unsigned n)
{
    if (n < 2) {
        return 0;
    }
    for (unsigned d = 2; d * d <= n; d++) {
        if (n % d == 0) {
            return 0;
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    struct utsname u;
    unsigned count = 0;
    char *buf;
    FILE *f;

    uname(&u);
    printf("%s (machine: %s)\n", argc > 1 ? argv[1] : "hello", u.machine);
    for (unsigned n = 0; n < 100000; n++) {
        count += is_prime(n);
    }
    printf("primes below 100000: %u\n", count);
    printf("sqrt(2) = %.15f, exp(1) = %.15f\n", sqrt(2.0), exp(1.0));
    buf = malloc(1 << 20);
    memset(buf, 'x', 1 << 20);
    f = tmpfile();
    if (f == NULL || fwrite(buf, 1, 1 << 20, f) != 1 << 20) {
        perror("tmpfile");
        return 1;
    }
    printf("wrote %ld bytes to a temporary file\n", ftell(f));
    fclose(f);
    free(buf);
    return 0;
}
