/*
 * x86_flag_joins.c - flags read right after a label where two paths join (a jcc over
 * a producer): both paths end in a producer of the same kind and size (mimic's x86 lifter then reads the
 * flags inline from the state slots, frontend/x86/flags.c x86_cc_reload) or of
 * different kinds (x86_cc_compute on the slots).  Every condition (seto..setg) and
 * adc read after the join, for add, sub/cmp, inc, dec, and/test, shl, shr, sar, imul,
 * adc and sbb, at 8 and 32 bits, with operands from a fixed
 * generator.  Written in asm so the join is where the test wants it; 32-bit operands
 * so the same code runs as i386 and x86-64.  Compared with the host's own run.
 */
#include <stdint.h>
#include <stdio.h>

static uint32_t seed = 0x9e3779b9u;

static uint32_t next(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

/* Every condition code after the join, one bit each, and CF once more through adc. */
#define READ_ALL                                                                            \
    "1: seto %[o0]\n   setb %[o1]\n   sete %[o2]\n   setbe %[o3]\n"                          \
    "   sets %[o4]\n   setp %[o5]\n   setl %[o6]\n   setle %[o7]\n"                          \
    "   mov $0, %[c]\n   adc $0, %[c]\n"

/*
 * PROD1 on x, y, then a jcc on its flags (cond, taken about half the time) to the join;
 * the path falling through runs PROD2 on z, w before it.
 */
#define JOIN(name, PROD1, cond, PROD2)                                                       \
    static uint32_t name(uint32_t x, uint32_t y, uint32_t z, uint32_t w)                   \
    {                                                                                        \
        uint8_t o[8];                                                                        \
        uint32_t a = x, b = y, p = z, q = w, c, r = 0;                                      \
        __asm__ volatile(PROD1 "   j" cond " 1f\n" PROD2 READ_ALL                             \
                         : [a] "+q"(a), [b] "+q"(b), [p] "+q"(p), [q] "+c"(q), [c] "=&r"(c), \
                           [o0] "=m"(o[0]), [o1] "=m"(o[1]), [o2] "=m"(o[2]), [o3] "=m"(o[3]), \
                           [o4] "=m"(o[4]), [o5] "=m"(o[5]), [o6] "=m"(o[6]), [o7] "=m"(o[7]) \
                         : : "cc");                                                          \
        for (unsigned i = 0; i < 8; i++) {                                                   \
            r |= (uint32_t)(o[i] & 1) << i;                                                  \
        }                                                                                    \
        return r | c << 8 | (a ^ p) << 9;                                                    \
    }

JOIN(j_add, "add %[b], %[a]\n", "p", "add %[q], %[p]\n")
JOIN(j_add8, "add %b[b], %b[a]\n", "c", "add %b[q], %b[p]\n")
JOIN(j_sub, "sub %[b], %[a]\n", "s", "sub %[q], %[p]\n")
JOIN(j_cmp8, "cmp %b[b], %b[a]\n", "p", "cmp %b[q], %b[p]\n")
JOIN(j_inc, "inc %[a]\n", "p", "inc %[p]\n")
JOIN(j_dec8, "dec %b[a]\n", "s", "dec %b[p]\n")
JOIN(j_and, "and %[b], %[a]\n", "p", "and %[q], %[p]\n")
JOIN(j_test8, "test %b[b], %b[a]\n", "s", "test %b[q], %b[p]\n")
JOIN(j_shl, "shl $3, %[a]\n", "c", "shl $5, %[p]\n")
JOIN(j_shr, "shr $1, %[a]\n", "p", "shr $7, %[p]\n")
JOIN(j_sar8, "sar $2, %b[a]\n", "c", "sar $1, %b[p]\n")
JOIN(j_shlcl, "shl %%cl, %[a]\n", "p", "shl %%cl, %[p]\n")
JOIN(j_imul, "imul %[b], %[a]\n", "o", "imul %[q], %[p]\n")
JOIN(j_adc, "stc\n   adc %[b], %[a]\n", "p", "adc %[q], %[p]\n")
JOIN(j_sbb, "stc\n   sbb %[b], %[a]\n", "s", "sbb %[q], %[p]\n")
/* Different kinds or sizes on the two paths. */
JOIN(j_mixed, "add %[b], %[a]\n", "p", "sub %[q], %[p]\n")
JOIN(j_mixed_size, "sub %b[b], %b[a]\n", "p", "sub %[q], %[p]\n")
JOIN(j_logic_inc, "or %[b], %[a]\n", "s", "inc %[p]\n")

typedef uint32_t (*JoinFn)(uint32_t, uint32_t, uint32_t, uint32_t);

/*
 * Bits of the result that the SDM leaves undefined for a producer (mimic's values
 * differ from the host's there): OF after a shift by more than one (seto, setl,
 * setle), SF, ZF and PF after imul (all but seto, setb and adc).
 */
#define UNDEF_SHIFT 0xc1u
#define UNDEF_IMUL 0xfcu

int main(void)
{
    static const struct { const char *name; JoinFn fn; uint32_t undef; } tests[] = {
        { "add", j_add, 0 }, { "add8", j_add8, 0 }, { "sub", j_sub, 0 }, { "cmp8", j_cmp8, 0 },
        { "inc", j_inc, 0 }, { "dec8", j_dec8, 0 }, { "and", j_and, 0 }, { "test8", j_test8, 0 },
        { "shl", j_shl, UNDEF_SHIFT }, { "shr", j_shr, UNDEF_SHIFT }, { "sar8", j_sar8, UNDEF_SHIFT },
        { "shlcl", j_shlcl, UNDEF_SHIFT }, { "imul", j_imul, UNDEF_IMUL }, { "adc", j_adc, 0 },
        { "sbb", j_sbb, 0 }, { "mixed", j_mixed, 0 }, { "mixed_size", j_mixed_size, 0 },
        { "logic_inc", j_logic_inc, 0 },
    };
    static const uint32_t special[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000u, 0xffffffffu, 0x100, 2 };

    for (unsigned t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
        uint64_t h = 0;

        for (unsigned i = 0; i < 20000; i++) {
            uint32_t v[4];

            for (unsigned k = 0; k < 4; k++) {
                v[k] = (next() & 3) == 0 ? special[next() % 10] : next();
            }
            if (tests[t].fn == j_shlcl) {
                v[3] |= 1;          /* a count of 0 would leave the flags of the C code before */
            }
            h = h * 1000003 + (tests[t].fn(v[0], v[1], v[2], v[3]) & ~tests[t].undef);
        }
        printf("%-10s %016llx\n", tests[t].name, (unsigned long long)h);
    }
    return 0;
}
