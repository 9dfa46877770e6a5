/*
 * libcsys.c - libc- and syscall-heavy code: malloc/free churn of small and medium blocks,
 * memcpy/memset/strlen/strcmp on strings of many lengths, qsort of strings with a callback,
 * snprintf formatting, and many small write() calls to /dev/null (a syscall each).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 4;     /* about 1 s natively */
    uint64_t h = 0, x = 0x853c49e6748fea9bull;
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0) {
        perror("/dev/null");
        return 1;
    }
    for (int r = 0; r < scale; r++) {
        /* allocator churn */
        enum { SLOTS = 1024 };
        static char *slot[SLOTS];
        for (int i = 0; i < 3000000; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            unsigned s = (unsigned)(x >> 40) % SLOTS;
            if (slot[s]) {
                h += (uint8_t)slot[s][0];
                free(slot[s]);
                slot[s] = NULL;
            } else {
                size_t n = 8 + (x >> 20) % ((x >> 60) ? 120 : 4000);
                slot[s] = malloc(n);
                memset(slot[s], (int)(x & 0xff), n);
            }
        }
        for (int s = 0; s < SLOTS; s++) {
            free(slot[s]);
            slot[s] = NULL;
        }
        /* strings, qsort, formatting */
        enum { NSTR = 100000 };
        char **strs = malloc(NSTR * sizeof(char *));
        for (int i = 0; i < NSTR; i++) {
            char buf[64];
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            int n = snprintf(buf, sizeof(buf), "k%08" PRIx64 "-%d-%s", x >> 32, i % 977,
                             (x & 1) ? "odd" : "even");
            strs[i] = malloc((size_t)n + 1);
            memcpy(strs[i], buf, (size_t)n + 1);
            h += strlen(strs[i]);
        }
        qsort(strs, NSTR, sizeof(char *), cmp_str);
        for (int i = 1; i < NSTR; i++) {
            h = h * 31 + (strcmp(strs[i - 1], strs[i]) <= 0);
        }
        h += (uint8_t)strs[NSTR / 2][3];
        for (int i = 0; i < NSTR; i++) {
            free(strs[i]);
        }
        free(strs);
        /* bulk copies */
        size_t big = 1 << 20;
        char *src = malloc(big), *dst = malloc(big);
        memset(src, 'a', big);
        for (int i = 0; i < 300; i++) {
            memcpy(dst + (i & 7), src, big - 8);
            h += (uint8_t)dst[i * 1000];
        }
        free(src);
        free(dst);
        /* small syscalls */
        char line[32];
        for (int i = 0; i < 200000; i++) {
            int n = snprintf(line, sizeof(line), "line %d\n", i);
            if (write(fd, line, (size_t)n) != n) {
                h += 1000000;
            }
        }
    }
    close(fd);
    printf("libcsys checksum %016" PRIx64 "\n", h);
    return 0;
}
