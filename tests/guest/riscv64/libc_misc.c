/*
 * libc_misc.c - everyday libc: qsort/bsearch, string and memory functions (including
 * overlapping memmove and the vectorised paths for long, unaligned buffers), snprintf with
 * integers and floating point (%f %e %g %a, rounding, inf/nan, widths), strtol/strtoull/strtod,
 * setjmp/longjmp (through several frames, value 0 becoming 1), and a little math.
 * Expected strings follow the C standard and glibc's documented output (checked natively).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include "guest_check.h"

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_sort(void)
{
    static int v[10000];
    uint32_t x = 12345;
    gc_group("qsort_bsearch");
    for (int i = 0; i < 10000; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (int)(x >> 1) - (1 << 30);
    }
    qsort(v, 10000, sizeof(int), cmp_int);
    int sorted = 1;
    for (int i = 1; i < 10000; i++) {
        sorted &= v[i - 1] <= v[i];
    }
    CHECK(sorted);
    int key = v[4321];
    int *found = bsearch(&key, v, 10000, sizeof(int), cmp_int);
    CHECK(found != NULL && *found == key);
    key = INT_MAX;
    CHECK(bsearch(&key, v, 10000, sizeof(int), cmp_int) == NULL);
    const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "date", "apricot" };
    qsort(words, 7, sizeof(words[0]), cmp_str);
    char joined[64] = "";
    for (int i = 0; i < 7; i++) {
        strcat(joined, words[i]);
        strcat(joined, i < 6 ? "," : "");
    }
    CHECK_STR(joined, "apple,apricot,banana,cherry,date,fig,pear");
}

static void test_strings(void)
{
    char buf[256];
    gc_group("strings");
    CHECK_EQ(strlen(""), 0);
    CHECK_EQ(strlen("hello, world"), 12);
    CHECK(strcmp("abc", "abd") < 0);
    CHECK(strcmp("abc", "ab") > 0);
    CHECK_EQ(strcmp("same", "same"), 0);
    CHECK(strncmp("abcdef", "abcxyz", 3) == 0);
    CHECK(strcasecmp("HeLLo", "hello") == 0);
    CHECK_STR(strstr("the quick brown fox", "brown"), "brown fox");
    CHECK(strstr("abc", "abd") == NULL);
    CHECK_STR(strchr("a/b/c", '/'), "/b/c");
    CHECK_STR(strrchr("a/b/c", '/'), "/c");
    strcpy(buf, "0123456789");
    memmove(buf + 2, buf, 8);                 /* overlapping, forward */
    CHECK_STR(buf, "0101234567");
    strcpy(buf, "0123456789");
    memmove(buf, buf + 3, 7);                 /* overlapping, backward */
    CHECK_STR(buf, "3456789789");
    char tok[] = "a, b,,c ,d";
    char *save = NULL, *t;
    int n = 0;
    char out[32] = "";
    for (t = strtok_r(tok, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        strcat(out, t);
        n++;
    }
    CHECK_EQ(n, 4);
    CHECK_STR(out, "abcd");
    for (int i = 0; buf[i] = (char)toupper("mixed Case 42"[i]), "mixed Case 42"[i]; i++) {
    }
    CHECK_STR(buf, "MIXED CASE 42");
    /* long and unaligned buffers exercise the word-at-a-time paths */
    static char big[4096 + 64];
    for (int off = 0; off < 16; off++) {
        memset(big, 'x', sizeof(big));
        big[off + 3000] = 0;
        if (!CHECK_EQ(strlen(big + off), 3000)) {
            break;
        }
    }
    static char src[3000], dst[3100];
    for (int i = 0; i < 3000; i++) {
        src[i] = (char)(i * 13);
    }
    int ok = 1;
    for (int off = 0; off < 9; off++) {
        memset(dst, 0, sizeof(dst));
        memcpy(dst + off, src + (off & 3), 2500);
        ok &= memcmp(dst + off, src + (off & 3), 2500) == 0 && dst[off + 2500] == 0;
    }
    CHECK(ok);
    CHECK(memcmp("abcX", "abcY", 4) < 0);
    CHECK(memchr("abcdef", 'e', 6) != NULL);
    char *dup = strdup("duplicate");
    CHECK_STR(dup, "duplicate");
    free(dup);
}

static void test_printf(void)
{
    char buf[512];
    const char *volatile long_word = "truncated";
    gc_group("snprintf");
#define FMT(want, ...) do { snprintf(buf, sizeof(buf), __VA_ARGS__); CHECK_STR(buf, want); } while (0)
    FMT("42|-42|   42|42   |00042", "%d|%d|%5d|%-5d|%05d", 42, -42, 42, 42, 42);
    FMT("-9223372036854775808", "%lld", LLONG_MIN);
    FMT("18446744073709551615", "%llu", ULLONG_MAX);
    FMT("ff|FF|0xff|377|0377", "%x|%X|%#x|%o|%#o", 255, 255, 255, 255, 255);
    FMT("[abc]|[  abc]|[abc  ]|[ab]", "[%s]|[%5s]|[%-5s]|[%.2s]", "abc", "abc", "abc", "abc");
    FMT("c|%", "%c|%%", 'c');
    FMT("3.141593|3.14|3|3.1415926536", "%f|%.2f|%.0f|%.10f", M_PI, M_PI, M_PI, M_PI);
    FMT("0.125000|-0.125000", "%f|%f", 0.125, -0.125);
    FMT("2|4|-2", "%.0f|%.0f|%.0f", 2.5, 3.5, -2.5);          /* round half to even */
    FMT("1.000000e+100|1.234500e-05|-1.5E+300", "%e|%e|%.1E", 1e100, 1.2345e-5, -1.5e300);
    FMT("100000|1e+06|1e-05|0.0001|123.457", "%g|%g|%g|%g|%g", 1e5, 1e6, 1e-5, 1e-4, 123.4567);
    FMT("0x1p+0|0x1.8p+1|-0x1.921fb54442d18p+1", "%a|%a|%a", 1.0, 3.0, -M_PI);
    FMT("inf|-inf|nan|INF", "%f|%f|%f|%F", INFINITY, -INFINITY, NAN, INFINITY);
    FMT("-0.000000|0", "%f|%g", -0.0, 0.0);
    FMT("179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.000000",
        "%f", 1.7976931348623157e308);
    FMT("0.1000000000000000055511151231257827", "%.34f", 0.1);
    FMT("  3.14e+00", "%10.2e", 3.14159);
    FMT("+5| 5", "%+d|% d", 5, 5);
    int n = snprintf(buf, 5, "%s", long_word);
    CHECK_EQ(n, 9);
    CHECK_STR(buf, "trun");
#undef FMT
}

static void test_parse(void)
{
    char *end;
    gc_group("parse");
    CHECK_EQ(strtol("  -1234xyz", &end, 10), -1234);
    CHECK_STR(end, "xyz");
    CHECK_EQ(strtol("0x7f", NULL, 16), 127);
    CHECK_EQ(strtol("0x7f", NULL, 0), 127);
    CHECK_EQ(strtol("0777", NULL, 0), 511);
    CHECK_EQ(strtol("z", NULL, 36), 35);
    errno = 0;
    CHECK_EQ(strtol("99999999999999999999", NULL, 10), LONG_MAX);
    CHECK_EQ(errno, ERANGE);
    CHECK_EQ(strtoull("18446744073709551615", NULL, 10), ULLONG_MAX);
    CHECK_EQ(atoi("  +17"), 17);
    CHECK_EQ(gc_f64_bits(strtod("3.14159", NULL)), 0x400921f9f01b866eull);
    CHECK_EQ(gc_f64_bits(strtod("1e-320", NULL)), 0x00000000000007e8ull);   /* subnormal */
    CHECK_EQ(gc_f64_bits(strtod("0x1.8p3", NULL)), gc_f64_bits(12.0));
    CHECK_EQ(gc_f64_bits(strtod("-inf", NULL)), 0xfff0000000000000ull);
    CHECK(isnan(strtod("nan", NULL)));
    CHECK_EQ(gc_f32_bits(strtof("0.1", NULL)), 0x3dcccccd);
    double d;
    int i;
    char word[16];
    CHECK_EQ(sscanf("12 2.5 word", "%d %lf %15s", &i, &d, word), 3);
    CHECK_EQ(i, 12);
    CHECK_EQ(gc_f64_bits(d), gc_f64_bits(2.5));
    CHECK_STR(word, "word");
}

static jmp_buf env;
static int depth_reached;

static void dive(int depth)
{
    volatile char pad[100];
    pad[0] = (char)depth;
    depth_reached = depth + pad[0] - depth;
    if (depth >= 20) {
        longjmp(env, 0);             /* 0 arrives as 1 */
    }
    if (depth < 1000) {
        dive(depth + 1);
    }
}

static void test_setjmp(void)
{
    static jmp_buf inner;
    volatile int count = 0;
    gc_group("setjmp");
    volatile int r = setjmp(env);
    if (r == 0) {
        dive(0);
        CHECK(!"dive returned");
    }
    CHECK_EQ(r, 1);
    CHECK_EQ(depth_reached, 20);
    r = setjmp(env);
    count++;
    if (count < 5) {
        longjmp(env, count * 10);
    }
    CHECK_EQ(r, 40);
    CHECK_EQ(count, 5);
    if ((r = setjmp(inner)) == 0) {
        if (setjmp(env) == 0) {
            longjmp(inner, 7);        /* leaves the nested one */
        }
        CHECK(!"wrong target");
    }
    CHECK_EQ(r, 7);
    /* Callee-saved FP registers survive a longjmp too. */
    volatile double keep = 2.5;
    register double fs = keep * 2;
    if (setjmp(env) == 0) {
        longjmp(env, 1);
    }
    CHECK_EQ(gc_f64_bits(fs), gc_f64_bits(5.0));
}

static void test_math(void)
{
    volatile double x = 0.5;
    gc_group("math");
    CHECK_EQ(gc_f64_bits(sqrt(2.0 * x * 4)), gc_f64_bits(2.0));
    CHECK(fabs(sin(M_PI * x) - 1.0) < 1e-15);
    CHECK(fabs(cos(M_PI * x)) < 1e-15);
    CHECK(fabs(exp(log(10.0 * x)) - 5.0) < 1e-14);
    CHECK(fabs(atan2(1.0, 1.0) * 4 - M_PI) < 1e-15);
    CHECK(fabs(pow(2.0, 0.5) - M_SQRT2) < 1e-15);
    CHECK_EQ(gc_f64_bits(pow(2.0, 10.0 * x * 2)), gc_f64_bits(1024.0));
    CHECK(fabs(tanh(x) - 0.46211715726000974) < 1e-15);
    CHECK_EQ(gc_f64_bits(fmod(7.5, 2.0 * x * 4)), gc_f64_bits(3.5));
    CHECK_EQ(gc_f64_bits(hypot(3.0, 4.0 * x * 2)), gc_f64_bits(5.0));
    CHECK(isinf(exp(1000.0 * x * 2)));
    CHECK_EQ(gc_f64_bits(floor(-x)), gc_f64_bits(-1.0));
}

int main(void)
{
    test_sort();
    test_strings();
    test_printf();
    test_parse();
    test_setjmp();
    test_math();
    return gc_finish();
}
