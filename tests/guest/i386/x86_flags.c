/*
 * x86_flags.c - the arithmetic flags as conditions see them, for i386 and x86-64 guests:
 * shld/shrd by counts 0, 1, 2, 31, 32, 33 and 63 (register and immediate counts, 32- and
 * 64-bit), all sixteen setcc and jcc conditions after each producer kind (add, adc, sub,
 * sbb, cmp, and, or, xor, test, inc, dec, neg, shl, shr, sar, imul), flags read after an
 * if-then join, xor/sub of a register with itself, and 64-bit add/sub/compare chains
 * (adc/sbb on i386).  Only flags the SDM defines are printed (OF after a multi-bit shift,
 * AF, SF/ZF/PF after imul are not), so the native run and qemu are both oracles.
 */
#include <stdint.h>
#include <stdio.h>

#define F_CF 0x1u
#define F_PF 0x4u
#define F_ZF 0x40u
#define F_SF 0x80u
#define F_OF 0x800u

typedef unsigned long ureg;

/* The sixteen conditions in opcode order (o no b ae e ne be a s ns p np l ge le g), one bit each. */
#define SETCC_ALL                                                                              \
    "seto 0(%[o])\n\tsetno 1(%[o])\n\tsetb 2(%[o])\n\tsetae 3(%[o])\n\t"                       \
    "sete 4(%[o])\n\tsetne 5(%[o])\n\tsetbe 6(%[o])\n\tseta 7(%[o])\n\t"                       \
    "sets 8(%[o])\n\tsetns 9(%[o])\n\tsetp 10(%[o])\n\tsetnp 11(%[o])\n\t"                     \
    "setl 12(%[o])\n\tsetge 13(%[o])\n\tsetle 14(%[o])\n\tsetg 15(%[o])\n\t"

static unsigned pack(const unsigned char *c)
{
    unsigned m = 0;

    for (int i = 0; i < 16; i++) {
        m |= (unsigned)(c[i] & 1) << i;
    }
    return m;
}

/* Flags after "stc" + shld/shrd by CL (cmp 1,2 first: CF=1 SF=1 PF=1 before, seen with count 0). */
#define SHIFTD_CL(insn, dv, sv, cv, fv)                                                        \
    __asm__("cmp $2, %[x]\n\t" insn " %%cl, %[s], %[d]\n\tpushf\n\tpop %[f]"                   \
            : [d] "+r"(dv), [f] "=r"(fv), [x] "+r"(one) : [s] "r"(sv), "c"(cv) : "cc")

static unsigned defined_mask(unsigned count, unsigned bits)
{
    unsigned c = count & (bits == 64 ? 63 : 31);

    if (c == 0) {
        return F_CF | F_PF | F_ZF | F_SF | F_OF;     /* unchanged: all of them */
    }
    return c == 1 ? F_CF | F_PF | F_ZF | F_SF | F_OF : F_CF | F_PF | F_ZF | F_SF;
}

static void shiftd32(void)
{
    static const unsigned counts[] = { 0, 1, 2, 31, 32, 33, 63 };
    static const uint32_t vals[][2] = {
        { 0x80000001u, 0xdeadbeefu }, { 0x12345678u, 0x9abcdef0u }, { 0x40000000u, 0 }, { 0, 0 },
    };

    for (unsigned v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
        for (unsigned i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
            uint32_t d1 = vals[v][0], d2 = vals[v][0], s = vals[v][1];
            ureg f1, f2, one = 1;
            unsigned m = defined_mask(counts[i], 32);

            SHIFTD_CL("shld", d1, s, counts[i], f1);
            SHIFTD_CL("shrd", d2, s, counts[i], f2);
            printf("shld32 %08x,%08x by %2u: %08x f=%03lx  shrd32: %08x f=%03lx\n", vals[v][0], s,
                   counts[i], d1, f1 & m, d2, f2 & m);
        }
    }
    /* Immediate counts: 1 (OF defined), 8, 24. */
    {
        uint32_t a = 0x8765abcdu, b = 0x0f1e2d3cu, c = a, d = a, e = a;
        ureg fa, fb, fc, fd;

        __asm__("shld $1, %[s], %[d]\n\tpushf\n\tpop %[f]" : [d] "+r"(a), [f] "=r"(fa) : [s] "r"(b) : "cc");
        __asm__("shrd $1, %[s], %[d]\n\tpushf\n\tpop %[f]" : [d] "+r"(c), [f] "=r"(fb) : [s] "r"(b) : "cc");
        __asm__("shld $8, %[s], %[d]\n\tpushf\n\tpop %[f]" : [d] "+r"(d), [f] "=r"(fc) : [s] "r"(b) : "cc");
        __asm__("shrd $24, %[s], %[d]\n\tpushf\n\tpop %[f]" : [d] "+r"(e), [f] "=r"(fd) : [s] "r"(b) : "cc");
        printf("shiftd32 imm: %08x %03lx %08x %03lx %08x %03lx %08x %03lx\n", a, fa & 0x8c5, c, fb & 0x8c5, d,
               fc & 0xc5, e, fd & 0xc5);
    }
}

/*
 * Immediate counts on run-time values (mimic lifts a constant count 1..31 as two shifts
 * and an or): shld and shrd by 1, 7, 13, 17, 24 and 31 over a pseudo-random walk,
 * results and the defined flags (OF for count 1 only).
 */
#define SHIFTD_IMM(op, n, dv, sv, h, fs)                                                        \
    do {                                                                                        \
        uint32_t r_ = (dv);                                                                     \
        ureg f_;                                                                                \
        __asm__(op " $" #n ", %[s], %[d]\n\tpushf\n\tpop %[f]"                                  \
                : [d] "+r"(r_), [f] "=r"(f_) : [s] "r"(sv) : "cc");                             \
        (h) = (h) * 33 + r_;                                                                    \
        (fs) += f_ & ((n) == 1 ? 0x8c5 : 0xc5);                                                 \
    } while (0)

static void shiftd32_walk(void)
{
    uint32_t x = 0x2545f491u, y = 0x4f6cdd1du, h = 0;
    unsigned long fs = 0;

    for (int i = 0; i < 2000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        y = y * 0x01000193u + x;
        /* shld then shrd by n, the second with the operands swapped */
#define SHIFTD_PAIR(n, a, b) SHIFTD_IMM("shld", n, a, b, h, fs); SHIFTD_IMM("shrd", n, b, a, h, fs)
        SHIFTD_PAIR(1, x, y); SHIFTD_PAIR(7, y, x); SHIFTD_PAIR(13, x, y);
        SHIFTD_PAIR(17, x, x); SHIFTD_PAIR(24, y, x); SHIFTD_PAIR(31, y, y);
#undef SHIFTD_PAIR
    }
    printf("shiftd32 walk: %08x %lx\n", h, fs);
}

#ifdef __x86_64__
static void shiftd64(void)
{
    static const unsigned counts[] = { 0, 1, 2, 31, 32, 33, 63, 64 };
    static const uint64_t vals[][2] = {
        { 0x8000000000000001ull, 0xdeadbeefcafef00dull }, { 0x123456789abcdef0ull, 0x0fedcba987654321ull },
        { 0x4000000000000000ull, 0 },
    };

    for (unsigned v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
        for (unsigned i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
            uint64_t d1 = vals[v][0], d2 = vals[v][0], s = vals[v][1];
            ureg f1, f2, one = 1;
            unsigned m = defined_mask(counts[i], 64);

            SHIFTD_CL("shld", d1, s, counts[i], f1);
            SHIFTD_CL("shrd", d2, s, counts[i], f2);
            printf("shld64 by %2u: %016llx f=%03lx  shrd64: %016llx f=%03lx\n", counts[i],
                   (unsigned long long)d1, f1 & m, (unsigned long long)d2, f2 & m);
        }
    }
}
#endif

/* Every condition after one producer "insn" of a (and b). */
#define PRODUCER(name, insn, a, b)                                                             \
    do {                                                                                       \
        unsigned char c[16];                                                                   \
        uint32_t x = (a);                                                                      \
        __asm__ volatile("mov %[va], %%eax\n\tmov %[vb], %%edx\n\t" insn "\n\t" SETCC_ALL      \
                         : : [va] "g"(x), [vb] "g"((uint32_t)(b)), [o] "r"(c)                  \
                         : "eax", "ecx", "edx", "memory", "cc");                                      \
        printf("%-5s %08x %08x: %04x\n", name, x, (uint32_t)(b), pack(c) & mask);              \
    } while (0)

static void producers(void)
{
    static const uint32_t vals[] = { 0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0x12345678u, 0x80u, 0xff };

    for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        for (unsigned j = 0; j < sizeof(vals) / sizeof(vals[0]); j += 3) {
            uint32_t a = vals[i], b = vals[(i + j) % 8];
            unsigned mask = 0xffff;

            PRODUCER("add", "add %%edx, %%eax", a, b);
            PRODUCER("adc0", "clc\n\tadc %%edx, %%eax", a, b);
            PRODUCER("adc1", "stc\n\tadc %%edx, %%eax", a, b);
            PRODUCER("sub", "sub %%edx, %%eax", a, b);
            PRODUCER("sbb0", "clc\n\tsbb %%edx, %%eax", a, b);
            PRODUCER("sbb1", "stc\n\tsbb %%edx, %%eax", a, b);
            PRODUCER("cmp", "cmp %%edx, %%eax", a, b);
            PRODUCER("cmpb", "cmp %%dl, %%al", a, b);
            PRODUCER("addw", "add %%dx, %%ax", a, b);
            PRODUCER("and", "and %%edx, %%eax", a, b);
            PRODUCER("or", "or %%edx, %%eax", a, b);
            PRODUCER("xor", "xor %%edx, %%eax", a, b);
            PRODUCER("test", "test %%edx, %%eax", a, b);
            PRODUCER("neg", "neg %%eax", a, b);
            /* inc/dec keep CF: set it first to see that. */
            PRODUCER("inc", "stc\n\tinc %%eax", a, b);
            PRODUCER("dec", "stc\n\tdec %%eax", a, b);
            PRODUCER("shl1", "shl $1, %%eax", a, b);
            PRODUCER("shr1", "shr $1, %%eax", a, b);
            PRODUCER("sar1", "sar $1, %%eax", a, b);
            PRODUCER("xorself", "stc\n\txor %%eax, %%eax", a, b);
            PRODUCER("subself", "stc\n\tsub %%edx, %%edx", a, b);
            /* Multi-bit shifts: OF undefined, so only b ae e ne be a s ns p np. */
            mask = 0x0ffc;
            PRODUCER("shl5", "shl $5, %%eax", a, b);
            PRODUCER("shr5", "shr $5, %%eax", a, b);
            PRODUCER("sar5", "sar $5, %%eax", a, b);
            PRODUCER("shlcl", "mov %%edx, %%ecx\n\tshl %%cl, %%eax", a, (b & 6) + 2);
            /* imul: CF = OF only. */
            mask = 0x000f;
            PRODUCER("imul", "imul %%edx, %%eax", a, b);
            PRODUCER("mul", "mul %%edx", a, b);
        }
    }
}

/*
 * jcc on each condition, taken or not, with a join after: the flags read there (all of
 * them through pushf, CF through adc) come from the state the compare left, not from
 * the compare's values in the translator.
 */
#define JCC(cc)                                                                                \
    "mov $1, %[r]\n\tj" cc " 1f\n\tmov $0, %[r]\n1:\n\tpushf\n\tpop %[f]\n\tadc $0, %[r]\n\t"

static void jumps(void)
{
    static const uint32_t vals[] = { 0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0x55u };
    static const char *names[] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
                                   "s", "ns", "p", "np", "l", "ge", "le", "g" };

    for (unsigned i = 0; i < 6; i++) {
        for (unsigned j = 0; j < 6; j++) {
            uint32_t r[16], a = vals[i], b = vals[j];
            ureg f[16];

#define ONE(k, cc)                                                                             \
            __asm__("cmp %[b], %[a]\n\t" JCC(cc) : [r] "=&r"(r[k]), [f] "=&r"(f[k]) : [a] "r"(a), [b] "r"(b) : "cc")
            ONE(0, "o"); ONE(1, "no"); ONE(2, "b"); ONE(3, "ae"); ONE(4, "e"); ONE(5, "ne");
            ONE(6, "be"); ONE(7, "a"); ONE(8, "s"); ONE(9, "ns"); ONE(10, "p"); ONE(11, "np");
            ONE(12, "l"); ONE(13, "ge"); ONE(14, "le"); ONE(15, "g");
#undef ONE
            printf("jcc %08x-%08x:", a, b);
            for (unsigned k = 0; k < 16; k++) {
                printf(" %s%u", names[k], r[k]);
                if (f[k] != f[0]) {
                    printf("(flags %03lx)", f[k] & 0x8d5);
                }
            }
            printf(" flags %03lx\n", f[0] & 0x8d5);
        }
    }
}

/* 64-bit arithmetic (add/adc, sub/sbb, cmp/sbb chains on i386) over a pseudo-random walk. */
static void chains(void)
{
    uint64_t x = 0x0123456789abcdefull, sum = 0, dif = 0;
    unsigned lt = 0, le = 0, slt = 0;
    uint64_t prev = 0;

    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += x;
        dif -= x >> (i & 63);
        lt += x < prev;
        le += (x & 0xffffffff00000000ull) <= (prev | 0xffffffffull);
        slt += (int64_t)x < (int64_t)prev;
        sum += (uint64_t)(sum < x);
        prev = x;
    }
    printf("chains %016llx %016llx %u %u %u\n", (unsigned long long)sum, (unsigned long long)dif, lt, le, slt);
}

/*
 * adc/sbb right after the add/sub/cmp whose carry they take (mimic's JIT compares and adds
 * the host's carry with adc/sbb, try_fuse_carry): register and immediate sources, a constant
 * destination, the destination also an operand of the compare, sbb of a register from
 * itself, and a four-word add chain; results and the flags the adc/sbb leave.
 */
static void mix(uint32_t *h, unsigned long *fsum, uint32_t v, unsigned long f)
{
    *h = *h * 31 + v;
    *fsum += f & 0x8d5;
}

static void carries(void)
{
    uint32_t x = 0x9e3779b9u, h = 0;
    unsigned long f, fsum = 0;

    for (int i = 0; i < 4000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        uint32_t a = x, b = x * 0x01000193u + (uint32_t)i, c = x >> (i & 31), d = ~x;
        uint32_t w0 = a, w1 = b, w2 = c, w3 = d;

        __asm__ volatile("add %[b], %[a]\n\tadc %[d], %[c]\n\tpushf\n\tpop %[f]"
                         : [a] "+r"(a), [c] "+r"(c), [f] "=r"(f) : [b] "r"(b), [d] "r"(d) : "cc");
        mix(&h, &fsum, a + c, f);
        __asm__ volatile("sub %[b], %[a]\n\tmov $5, %[c]\n\tsbb $0, %[c]\n\tpushf\n\tpop %[f]"
                         : [a] "+r"(a), [c] "=&r"(c), [f] "=r"(f) : [b] "r"(b) : "cc");
        mix(&h, &fsum, a + c, f);
        __asm__ volatile("cmp %[b], %[a]\n\tadc $7, %[a]\n\tpushf\n\tpop %[f]"
                         : [a] "+r"(a), [f] "=r"(f) : [b] "r"(b) : "cc");
        mix(&h, &fsum, a, f);
        __asm__ volatile("add %[b], %[a]\n\tsbb %[d], %[d]\n\tpushf\n\tpop %[f]"
                         : [a] "+r"(a), [d] "+r"(d), [f] "=r"(f) : [b] "r"(b) : "cc");
        mix(&h, &fsum, a + d, f);
        __asm__ volatile("add %[b], %[w0]\n\tadc %[b], %[w1]\n\tadc %[c], %[w2]\n\tadc $0, %[w3]\n\t"
                         "pushf\n\tpop %[f]"
                         : [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3), [f] "=r"(f)
                         : [b] "r"(b), [c] "r"(c) : "cc");
        mix(&h, &fsum, (w0 ^ w1 ^ w2 ^ w3), f);
    }
    printf("carries %08x %lx\n", h, fsum);
}

int main(void)
{
    shiftd32();
    shiftd32_walk();
#ifdef __x86_64__
    shiftd64();
#endif
    producers();
    jumps();
    chains();
    carries();
    return 0;
}
