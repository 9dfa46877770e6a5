/*
 * ppc_int.c - 32-bit PowerPC integer instructions with their side effects on CR and XER
 * (Power ISA 2.06 Book I chapter 3): carries of addc/adde/subfc/subfe/addze/addme and of
 * srawi/sraw, overflow and summary overflow of the o-forms, the record forms' CR0 (with
 * SO copied in), compares into several CR fields, rotate-and-mask, mulhw/mulhwu/divw/divwu,
 * cntlzw, the CR logical ops and mtcrf/mfcr.  Expected values follow from the ISA text.
 */
#include <stdint.h>
#include "guest_check.h"

#define COMMA ,

static uint32_t xer(void)
{
    uint32_t v;
    __asm__ volatile("mfxer %0" : "=r"(v));
    return v;
}

static void set_xer(uint32_t v)
{
    __asm__ volatile("mtxer %0" : : "r"(v));
}

#define XER_SO 0x80000000u
#define XER_OV 0x40000000u
#define XER_CA 0x20000000u

static void test_carry(void)
{
    uint32_t r;
    gc_group("carry");
    set_xer(0);
    __asm__ volatile("addc %0,%1,%2" : "=r"(r) : "r"(0xffffffffu), "r"(2u) : "xer");
    CHECK_EQ(r, 1);
    CHECK_EQ(xer() & XER_CA, XER_CA);
    __asm__ volatile("adde %0,%1,%2" : "=r"(r) : "r"(5u), "r"(6u) : "xer");
    CHECK_EQ(r, 12);                     /* 5 + 6 + CA */
    CHECK_EQ(xer() & XER_CA, 0);
    set_xer(0);
    __asm__ volatile("subfc %0,%1,%2" : "=r"(r) : "r"(3u), "r"(10u) : "xer");
    CHECK_EQ(r, 7);                      /* 10 - 3: no borrow, CA = 1 */
    CHECK_EQ(xer() & XER_CA, XER_CA);
    __asm__ volatile("subfc %0,%1,%2" : "=r"(r) : "r"(10u), "r"(3u) : "xer");
    CHECK_EQ(r, 0xfffffff9u);            /* borrow: CA = 0 */
    CHECK_EQ(xer() & XER_CA, 0);
    __asm__ volatile("subfe %0,%1,%2" : "=r"(r) : "r"(1u), "r"(5u) : "xer");
    CHECK_EQ(r, 3);                      /* ~1 + 5 + 0 */
    set_xer(XER_CA);
    __asm__ volatile("addze %0,%1" : "=r"(r) : "r"(0xffffffffu) : "xer");
    CHECK_EQ(r, 0);
    CHECK_EQ(xer() & XER_CA, XER_CA);
    set_xer(0);
    __asm__ volatile("addme %0,%1" : "=r"(r) : "r"(0u) : "xer");
    CHECK_EQ(r, 0xffffffffu);            /* 0 + CA - 1 */
    CHECK_EQ(xer() & XER_CA, 0);
    __asm__ volatile("addic %0,%1,-1" : "=r"(r) : "r"(1u) : "xer");
    CHECK_EQ(r, 0);
    CHECK_EQ(xer() & XER_CA, XER_CA);
    /* srawi: CA = 1 when negative and 1 bits are shifted out. */
    set_xer(0);
    __asm__ volatile("srawi %0,%1,4" : "=r"(r) : "r"(0xfffffff1u) : "xer");
    CHECK_EQ(r, 0xffffffffu);
    CHECK_EQ(xer() & XER_CA, XER_CA);
    __asm__ volatile("srawi %0,%1,4" : "=r"(r) : "r"(0xfffffff0u) : "xer");
    CHECK_EQ(r, 0xffffffffu);
    CHECK_EQ(xer() & XER_CA, 0);
    __asm__ volatile("sraw %0,%1,%2" : "=r"(r) : "r"(0x80000000u), "r"(40u) : "xer");
    CHECK_EQ(r, 0xffffffffu);            /* shift >= 32: all sign bits, CA = 1 */
    CHECK_EQ(xer() & XER_CA, XER_CA);
}

/*
 * Every carrying add/subtract form on edge operands with CA in and out, against the
 * ISA's definition worked out in 64 bits: result = A + B + cin with A = rA or ~rA, B =
 * rB, 0 or -1, and CA the bit 32 of that sum.
 */
#define CARRY_OP(name, asm_ops, inputs, a_not, b_kind, cin_kind)                          \
    static void carry_##name(uint32_t x, uint32_t y, uint32_t ca_in)                     \
    {                                                                                    \
        uint32_t r, ca;                                                                  \
        uint64_t A = (a_not) ? (uint32_t)~x : x;                                         \
        uint64_t B = (b_kind) == 0 ? y : (b_kind) == 1 ? 0 : 0xffffffffu;                \
        uint64_t C = (cin_kind) == 0 ? 0 : (cin_kind) == 1 ? 1 : ca_in;                  \
        uint64_t want = A + B + C;                                                       \
        set_xer(ca_in ? XER_CA : 0);                                                     \
        __asm__ volatile(#name " " asm_ops : "=r"(r) : inputs : "xer");                  \
        ca = (xer() & XER_CA) != 0;                                                      \
        gc_check_u64(r, (uint32_t)want, #name " result", __LINE__);                   \
        gc_check_u64(ca, (want >> 32) & 1, #name " CA", __LINE__);                    \
    }
CARRY_OP(addc, "%0,%1,%2", "r"(x) COMMA "r"(y), 0, 0, 0)
CARRY_OP(adde, "%0,%1,%2", "r"(x) COMMA "r"(y), 0, 0, 2)
CARRY_OP(subfc, "%0,%1,%2", "r"(x) COMMA "r"(y), 1, 0, 1)
CARRY_OP(subfe, "%0,%1,%2", "r"(x) COMMA "r"(y), 1, 0, 2)
CARRY_OP(addze, "%0,%1", "r"(x), 0, 1, 2)
CARRY_OP(subfze, "%0,%1", "r"(x), 1, 1, 2)
CARRY_OP(addme, "%0,%1", "r"(x), 0, 2, 2)
CARRY_OP(subfme, "%0,%1", "r"(x), 1, 2, 2)

/* A 128-bit add and subtract as carry chains (addc/adde x3, subfc/subfe x3). */
static void carry_chains(const uint32_t a[4], const uint32_t b[4])
{
    uint32_t s[4], d[4];
    uint64_t c = 0, br = 1;

    __asm__ volatile("addc %3,%7,%11\n"
                     "adde %2,%6,%10\n"
                     "adde %1,%5,%9\n"
                     "adde %0,%4,%8\n"
                     : "=&r"(s[0]), "=&r"(s[1]), "=&r"(s[2]), "=&r"(s[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(b[2]), "r"(b[3])
                     : "xer");
    __asm__ volatile("subfc %3,%11,%7\n"
                     "subfe %2,%10,%6\n"
                     "subfe %1,%9,%5\n"
                     "subfe %0,%8,%4\n"
                     : "=&r"(d[0]), "=&r"(d[1]), "=&r"(d[2]), "=&r"(d[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(b[2]), "r"(b[3])
                     : "xer");
    /* word 0 is the most significant */
    for (int i = 3; i >= 0; i--) {
        uint64_t sum = (uint64_t)a[i] + b[i] + c;
        uint64_t dif = (uint64_t)a[i] + (uint32_t)~b[i] + br;

        CHECK_EQ(s[i], (uint32_t)sum);
        CHECK_EQ(d[i], (uint32_t)dif);
        c = sum >> 32;
        br = dif >> 32;
    }
}

static void test_carry_sweep(void)
{
    static const uint32_t v[] = { 0, 1, 2, 0x7fffffffu, 0x80000000u, 0x80000001u, 0xfffffffeu, 0xffffffffu, 0x12345678u };
    gc_group("carry sweep");
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        for (unsigned j = 0; j < sizeof v / sizeof v[0]; j++) {
            for (uint32_t ca = 0; ca < 2; ca++) {
                carry_addc(v[i], v[j], ca);
                carry_adde(v[i], v[j], ca);
                carry_subfc(v[i], v[j], ca);
                carry_subfe(v[i], v[j], ca);
                carry_addze(v[i], v[j], ca);
                carry_subfze(v[i], v[j], ca);
                carry_addme(v[i], v[j], ca);
                carry_subfme(v[i], v[j], ca);
            }
        }
    }
    for (unsigned i = 0; i + 4 <= sizeof v / sizeof v[0]; i++) {
        for (unsigned j = 0; j + 4 <= sizeof v / sizeof v[0]; j++) {
            carry_chains(&v[i], &v[j]);
        }
    }
}

static void test_overflow(void)
{
    uint32_t r, c;
    gc_group("overflow");
    set_xer(0);
    __asm__ volatile("addo %0,%1,%2" : "=r"(r) : "r"(0x7fffffffu), "r"(1u) : "xer");
    CHECK_EQ(r, 0x80000000u);
    CHECK_EQ(xer() & (XER_SO | XER_OV), XER_SO | XER_OV);
    __asm__ volatile("addo %0,%1,%2" : "=r"(r) : "r"(1u), "r"(1u) : "xer");
    CHECK_EQ(xer() & (XER_SO | XER_OV), XER_SO);     /* OV cleared, SO sticky */
    /* Record form: CR0 = LT/GT/EQ of the result, SO copied from XER. */
    __asm__ volatile("add. %0,%2,%3\n\tmfcr %1" : "=r"(r), "=r"(c) : "r"(2u), "r"(-2u) : "xer", "cr0");
    CHECK_EQ(r, 0);
    CHECK_EQ(c >> 28, 0x2 | 0x1);        /* EQ | SO */
    set_xer(0);
    __asm__ volatile("subfo. %0,%2,%3\n\tmfcr %1" : "=r"(r), "=r"(c) : "r"(1u), "r"(0x80000000u) : "xer", "cr0");
    CHECK_EQ(r, 0x7fffffffu);            /* INT_MIN - 1 overflows */
    CHECK_EQ(c >> 28, 0x4 | 0x1);        /* GT | SO */
    set_xer(0);
    __asm__ volatile("mullwo %0,%1,%2" : "=r"(r) : "r"(0x10000u), "r"(0x10000u) : "xer");
    CHECK_EQ(r, 0);
    CHECK_EQ(xer() & XER_OV, XER_OV);
    set_xer(0);
    __asm__ volatile("nego %0,%1" : "=r"(r) : "r"(0x80000000u) : "xer");
    CHECK_EQ(r, 0x80000000u);
    CHECK_EQ(xer() & XER_OV, XER_OV);
    set_xer(0);
    __asm__ volatile("divwo %0,%1,%2" : "=r"(r) : "r"(7u), "r"(0u) : "xer");
    CHECK_EQ(xer() & XER_OV, XER_OV);    /* the quotient is undefined, OV is not */
    set_xer(0);
}

static void test_compare(void)
{
    uint32_t c;
    gc_group("compare");
    set_xer(0);
    __asm__ volatile("cmpw cr1,%1,%2\n\tcmplw cr6,%1,%2\n\tcmpwi cr7,%1,-5\n\tmfcr %0"
                     : "=r"(c) : "r"(-5), "r"(3) : "cr1", "cr6", "cr7");
    CHECK_EQ((c >> 24) & 0xf, 0x8);      /* cr1: -5 < 3 signed */
    CHECK_EQ((c >> 4) & 0xf, 0x4);       /* cr6: 0xfffffffb > 3 unsigned */
    CHECK_EQ(c & 0xf, 0x2);              /* cr7: equal */
    set_xer(XER_SO);
    __asm__ volatile("cmplwi cr5,%1,9\n\tmfcr %0" : "=r"(c) : "r"(9) : "cr5");
    CHECK_EQ((c >> 8) & 0xf, 0x2 | 0x1); /* EQ, SO copied from XER */
    set_xer(0);
    /* CR logical ops and mtcrf. */
    __asm__ volatile("mtcrf 0xff,%1\n\tcrxor 0,1,2\n\tcrnand 5,5,5\n\tcreqv 31,31,31\n\tmfcr %0"
                     : "=r"(c) : "r"(0x60000000u) : "cr0", "cr1", "cr7");
    CHECK_EQ(c, 0x64000001u);   /* bit0 = 1^1 = 0, bits 1-2 kept, bit5 = !(0&0), bit31 = 1 */
    __asm__ volatile("mtcrf 0x81,%1\n\tmfcr %0" : "=r"(c) : "r"(0x12345678u) : "cr0", "cr7");
    CHECK_EQ(c & 0xf000000fu, 0x10000008u);
}

/*
 * andi./andis.: CR0 is the signed compare of the result with 0 and SO.  A mask without
 * the sign bit never gives LT; andis. with 0x8000 and up can.  The fields read by mfcr
 * and by blt/bgt/beq right after, with SO clear and set.
 */
static uint32_t and_rec_field(uint32_t x, int shifted, uint32_t *branches)
{
    uint32_t c, br = 0;

    if (shifted) {
        __asm__ volatile("andis. 9,%2,0x8010\n\tmfcr %0\n\t"
                         "bge 1f\n\tori %1,%1,1\n1:\tble 2f\n\tori %1,%1,2\n2:\tbne 3f\n\tori %1,%1,4\n3:"
                         : "=&r"(c), "+r"(br) : "r"(x) : "r9", "cr0");
    } else {
        __asm__ volatile("andi. 9,%2,0x7f01\n\tmfcr %0\n\t"
                         "bge 1f\n\tori %1,%1,1\n1:\tble 2f\n\tori %1,%1,2\n2:\tbne 3f\n\tori %1,%1,4\n3:"
                         : "=&r"(c), "+r"(br) : "r"(x) : "r9", "cr0");
    }
    *branches = br;
    return c >> 28;
}

static void test_and_record(void)
{
    static const struct { uint32_t x; int shifted; uint32_t field; } cases[] = {
        { 0x00000000u, 0, 0x2 }, { 0xffff80feu, 0, 0x2 }, { 0x00000001u, 0, 0x4 }, { 0xffffffffu, 0, 0x4 },
        { 0x00007f00u, 0, 0x4 }, { 0x00000000u, 1, 0x2 }, { 0x7fefffffu, 1, 0x2 }, { 0x00100000u, 1, 0x4 },
        { 0x80000000u, 1, 0x8 }, { 0xffffffffu, 1, 0x8 },
    };
    gc_group("and record");
    for (int so = 0; so < 2; so++) {
        for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            uint32_t br, want = cases[i].field;

            set_xer(so ? XER_SO : 0);
            CHECK_EQ(and_rec_field(cases[i].x, cases[i].shifted, &br), want | (so ? 1u : 0u));
            CHECK_EQ(br, (want & 8 ? 1u : 0u) | (want & 4 ? 2u : 0u) | (want & 2 ? 4u : 0u));
        }
    }
    set_xer(0);
}

static void test_rotate(void)
{
    uint32_t r;
    gc_group("rotate");
    __asm__ volatile("rlwinm %0,%1,8,16,23" : "=r"(r) : "r"(0x12345678u));
    CHECK_EQ(r, 0x00007800u);
    __asm__ volatile("rlwinm %0,%1,4,28,3" : "=r"(r) : "r"(0x12345678u));   /* wrapped mask */
    CHECK_EQ(r, 0x20000001u);
    r = 0xffffffffu;
    __asm__ volatile("rlwimi %0,%1,16,8,15" : "+r"(r) : "r"(0x000000abu));
    CHECK_EQ(r, 0xffabffffu);
    __asm__ volatile("rlwnm %0,%1,%2,0,31" : "=r"(r) : "r"(0x80000001u), "r"(33u));
    CHECK_EQ(r, 0x00000003u);
    __asm__ volatile("slw %0,%1,%2" : "=r"(r) : "r"(1u), "r"(32u));
    CHECK_EQ(r, 0);
    __asm__ volatile("srw %0,%1,%2" : "=r"(r) : "r"(0x80000000u), "r"(31u));
    CHECK_EQ(r, 1);
    __asm__ volatile("cntlzw %0,%1" : "=r"(r) : "r"(0x00010000u));
    CHECK_EQ(r, 15);
    __asm__ volatile("cntlzw %0,%1" : "=r"(r) : "r"(0u));
    CHECK_EQ(r, 32);
    __asm__ volatile("extsb %0,%1" : "=r"(r) : "r"(0x1280u));
    CHECK_EQ(r, 0xffffff80u);
    __asm__ volatile("extsh %0,%1" : "=r"(r) : "r"(0x18000u));
    CHECK_EQ(r, 0xffff8000u);
}

/*
 * slw, srw and sraw over every count 0..127 (only rB[26:31] counts: 32..63 shift
 * everything out, 64..127 are 0..63 again) and values with the top bit set and clear,
 * against the ISA's definition written out; mr and "and rA,rS,rS" are copies.
 */
static void test_shift_counts(void)
{
    static const uint32_t values[] = { 0x00000001u, 0x80000000u, 0x9abcdef1u, 0x7fffffffu, 0xffffffffu };
    uint32_t r, ca, bad = 0;

    gc_group("shift counts");
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
        uint32_t x = values[i];

        for (uint32_t n = 0; n < 128; n++) {
            uint32_t c = n & 63, want_l = c < 32 ? x << c : 0, want_r = c < 32 ? x >> c : 0;
            uint32_t want_a = c < 32 ? (uint32_t)((int32_t)x >> c) : ((int32_t)x < 0 ? 0xffffffffu : 0);
            uint32_t want_ca = (int32_t)x < 0 && (c < 32 ? (x & ((1u << c) - 1)) != 0 : 1);

            __asm__ volatile("slw %0,%1,%2" : "=r"(r) : "r"(x), "r"(n));
            bad += r != want_l;
            __asm__ volatile("srw %0,%1,%2" : "=r"(r) : "r"(x), "r"(n));
            bad += r != want_r;
            __asm__ volatile("sraw %0,%2,%3\n\tmfxer %1" : "=r"(r), "=r"(ca) : "r"(x), "r"(n));
            bad += r != want_a || ((ca >> 29) & 1) != want_ca;
        }
    }
    CHECK_EQ(bad, 0);
    __asm__ volatile("mr. %0,%1" : "=r"(r) : "r"(0x80000000u) : "cr0");
    CHECK_EQ(r, 0x80000000u);
    __asm__ volatile("and %0,%1,%1" : "=r"(r) : "r"(0x12345678u));
    CHECK_EQ(r, 0x12345678u);
    __asm__ volatile("mr. %0,%1\n\tmfcr %0" : "=r"(r) : "r"(0u) : "cr0");
    CHECK_EQ(r >> 28, 0x2);                                 /* EQ (SO clear) */
}

static void test_muldiv(void)
{
    uint32_t r;
    gc_group("muldiv");
    __asm__ volatile("mulhw %0,%1,%2" : "=r"(r) : "r"(-2), "r"(0x40000000));
    CHECK_EQ(r, 0xffffffffu);
    __asm__ volatile("mulhwu %0,%1,%2" : "=r"(r) : "r"(0xffffffffu), "r"(0xffffffffu));
    CHECK_EQ(r, 0xfffffffeu);
    __asm__ volatile("mulli %0,%1,-3" : "=r"(r) : "r"(7));
    CHECK_EQ(r, (uint32_t)-21);
    __asm__ volatile("divw %0,%1,%2" : "=r"(r) : "r"(-7), "r"(2));
    CHECK_EQ(r, (uint32_t)-3);           /* truncates toward zero */
    __asm__ volatile("divwu %0,%1,%2" : "=r"(r) : "r"(0xfffffff9u), "r"(2u));
    CHECK_EQ(r, 0x7ffffffcu);
}

/* Byte-reversed and update-form loads and stores, big-endian memory. */
static void test_memory(void)
{
    uint32_t word = 0x11223344u, r;
    uint8_t bytes[8] = { 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18 };
    gc_group("memory");
    CHECK_EQ(bytes[0], 0xa1);
    __asm__ volatile("lwz %0,0(%1)" : "=r"(r) : "b"(bytes));
    CHECK_EQ(r, 0xa1b2c3d4u);            /* big-endian */
    __asm__ volatile("lwbrx %0,0,%1" : "=r"(r) : "r"(bytes));
    CHECK_EQ(r, 0xd4c3b2a1u);
    __asm__ volatile("lha %0,4(%1)" : "=r"(r) : "b"(bytes));
    CHECK_EQ(r, 0xffffe5f6u);
    __asm__ volatile("lhbrx %0,0,%1" : "=r"(r) : "r"(bytes + 6));
    CHECK_EQ(r, 0x1807u);
    __asm__ volatile("stwbrx %1,0,%2" : "=m"(word) : "r"(0xaabbccddu), "r"(&word));
    CHECK_EQ(word, 0xddccbbaau);
    uint8_t *p = bytes;
    __asm__ volatile("lbzu %0,2(%1)" : "=r"(r), "+b"(p));
    CHECK_EQ(r, 0xc3);
    CHECK(p == bytes + 2);
}

int main(void)
{
    test_carry();
    test_carry_sweep();
    test_overflow();
    test_compare();
    test_and_record();
    test_rotate();
    test_shift_counts();
    test_muldiv();
    test_memory();
    return gc_finish();
}
