/*
 * Fixed-point instructions (Power ISA 2.06 Book I chapter 3): results, CR0 of the
 * record forms, XER CA/OV/SO of the carrying and overflow forms, rotates, shifts,
 * compares, CR and XER moves.  Every program runs under three engines (ppct_run).
 */
#include <check.h>

#include "tests/unit/ppc/ppc_test.h"

#define ADD(rt, ra, rb, oe, rc)    ppct_xo((rt), (ra), (rb), (oe), 266, (rc))
#define ADDC(rt, ra, rb, oe, rc)   ppct_xo((rt), (ra), (rb), (oe), 10, (rc))
#define ADDE(rt, ra, rb, oe, rc)   ppct_xo((rt), (ra), (rb), (oe), 138, (rc))
#define ADDME(rt, ra, oe, rc)      ppct_xo((rt), (ra), 0, (oe), 234, (rc))
#define ADDZE(rt, ra, oe, rc)      ppct_xo((rt), (ra), 0, (oe), 202, (rc))
#define SUBF(rt, ra, rb, oe, rc)   ppct_xo((rt), (ra), (rb), (oe), 40, (rc))
#define SUBFC(rt, ra, rb, oe, rc)  ppct_xo((rt), (ra), (rb), (oe), 8, (rc))
#define SUBFE(rt, ra, rb, oe, rc)  ppct_xo((rt), (ra), (rb), (oe), 136, (rc))
#define SUBFZE(rt, ra, oe, rc)     ppct_xo((rt), (ra), 0, (oe), 200, (rc))
#define SUBFME(rt, ra, oe, rc)     ppct_xo((rt), (ra), 0, (oe), 232, (rc))
#define NEG(rt, ra, oe, rc)        ppct_xo((rt), (ra), 0, (oe), 104, (rc))
#define MULLW(rt, ra, rb, oe, rc)  ppct_xo((rt), (ra), (rb), (oe), 235, (rc))
#define MULHW(rt, ra, rb)          ppct_xo((rt), (ra), (rb), 0, 75, 0)
#define MULHWU(rt, ra, rb)         ppct_xo((rt), (ra), (rb), 0, 11, 0)
#define DIVW(rt, ra, rb, oe, rc)   ppct_xo((rt), (ra), (rb), (oe), 491, (rc))
#define DIVWU(rt, ra, rb, oe, rc)  ppct_xo((rt), (ra), (rb), (oe), 459, (rc))
#define ADDIC(rt, ra, i)           ppct_d(12, (rt), (ra), (i))
#define ADDIC_(rt, ra, i)          ppct_d(13, (rt), (ra), (i))
#define SUBFIC(rt, ra, i)          ppct_d(8, (rt), (ra), (i))
#define MULLI(rt, ra, i)           ppct_d(7, (rt), (ra), (i))
#define AND(ra, rs, rb, rc)        ppct_x(31, (rs), (ra), (rb), 28, (rc))
#define ANDC(ra, rs, rb)           ppct_x(31, (rs), (ra), (rb), 60, 0)
#define OR(ra, rs, rb)             ppct_x(31, (rs), (ra), (rb), 444, 0)
#define ORC(ra, rs, rb)            ppct_x(31, (rs), (ra), (rb), 412, 0)
#define NOR(ra, rs, rb)            ppct_x(31, (rs), (ra), (rb), 124, 0)
#define NAND(ra, rs, rb)           ppct_x(31, (rs), (ra), (rb), 476, 0)
#define EQV(ra, rs, rb)            ppct_x(31, (rs), (ra), (rb), 284, 0)
#define XOR(ra, rs, rb)            ppct_x(31, (rs), (ra), (rb), 316, 0)
#define ANDI_(ra, rs, i)           ppct_d(28, (rs), (ra), (i))
#define ANDIS_(ra, rs, i)          ppct_d(29, (rs), (ra), (i))
#define ORIS(ra, rs, i)            ppct_d(25, (rs), (ra), (i))
#define XORI(ra, rs, i)            ppct_d(26, (rs), (ra), (i))
#define EXTSB(ra, rs, rc)          ppct_x(31, (rs), (ra), 0, 954, (rc))
#define EXTSH(ra, rs)              ppct_x(31, (rs), (ra), 0, 922, 0)
#define CNTLZW(ra, rs)             ppct_x(31, (rs), (ra), 0, 26, 0)
#define SLW(ra, rs, rb)            ppct_x(31, (rs), (ra), (rb), 24, 0)
#define SRW(ra, rs, rb)            ppct_x(31, (rs), (ra), (rb), 536, 0)
#define SRAW(ra, rs, rb)           ppct_x(31, (rs), (ra), (rb), 792, 0)
#define SRAWI(ra, rs, sh, rc)      ppct_x(31, (rs), (ra), (sh), 824, (rc))
#define RLWINM(ra, rs, sh, mb, me) ppct_m(21, (rs), (ra), (sh), (mb), (me), 0)
#define RLWIMI(ra, rs, sh, mb, me) ppct_m(20, (rs), (ra), (sh), (mb), (me), 0)
#define RLWNM(ra, rs, rb, mb, me)  ppct_m(23, (rs), (ra), (rb), (mb), (me), 0)
#define CMPW(bf, ra, rb)           ppct_x(31, (bf) << 2, (ra), (rb), 0, 0)
#define CMPLW(bf, ra, rb)          ppct_x(31, (bf) << 2, (ra), (rb), 32, 0)
#define CMPWI(bf, ra, i)           ppct_d(11, (bf) << 2, (ra), (i))
#define CMPLWI(bf, ra, i)          ppct_d(10, (bf) << 2, (ra), (i))
#define ISEL(rt, ra, rb, bc)       (ppct_x(31, (rt), (ra), (rb), 15, 0) | (uint32_t)(bc) << 6)
#define CRXOR(d, a, b)             ppct_x(19, (d), (a), (b), 193, 0)
#define CREQV(d, a, b)             ppct_x(19, (d), (a), (b), 289, 0)
#define CROR(d, a, b)              ppct_x(19, (d), (a), (b), 449, 0)
#define CRANDC(d, a, b)            ppct_x(19, (d), (a), (b), 129, 0)
#define CRNAND(d, a, b)            ppct_x(19, (d), (a), (b), 225, 0)
#define MCRF(d, s)                 ppct_x(19, (d) << 2, (s) << 2, 0, 0, 0)
#define MCRXR(d)                   ppct_x(31, (d) << 2, 0, 0, 512, 0)
#define MFCR(rt)                   ppct_x(31, (rt), 0, 0, 19, 0)
#define MFOCRF(rt, fxm)            (ppct_x(31, (rt), 0, 0, 19, 0) | 1u << 20 | (uint32_t)(fxm) << 12)
#define MTCRF(fxm, rs)             (ppct_x(31, (rs), 0, 0, 144, 0) | (uint32_t)(fxm) << 12)
#define MTOCRF(fxm, rs)            (MTCRF((fxm), (rs)) | 1u << 20)

static PpctMachine m;

static void setup(void)
{
    ppct_init(&m);
}

static void teardown(void)
{
    ppct_fini(&m);
}

/* Run code ending in a trap; the trap must be what stopped it. */
static void run(const uint32_t *code, unsigned n)
{
    ppct_load(&m, code, n);
    ck_assert_int_eq(ppct_run(&m), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu->common.pc, PPCT_CODE + 4 * (n - 1));
}

#define RUN(...) do { const uint32_t code_[] = { __VA_ARGS__, PPCT_TRAP }; run(code_, G_N_ELEMENTS(code_)); } while (0)
#define R(i) (m.cpu->gpr[i])

START_TEST(test_addi_family)
{
    R(1) = 0x1000;
    RUN(PPCT_ADDI(3, 1, 8), PPCT_LI(4, -1), PPCT_ADDIS(5, 0, 0x8000), PPCT_ADDIS(6, 1, 1),
        PPCT_ADDI(0, 0, 7), PPCT_ADDI(7, 0, 5));
    ck_assert_uint_eq(R(3), 0x1008);
    ck_assert_uint_eq(R(4), 0xffffffffu);
    ck_assert_uint_eq(R(5), 0x80000000u);
    ck_assert_uint_eq(R(6), 0x11000);
    ck_assert_uint_eq(R(0), 7);
    ck_assert_uint_eq(R(7), 5);         /* rA = 0 means the value 0, not r0 */
}
END_TEST

/* CR0 of record forms: LT/GT/EQ of the signed result, SO copied from XER[SO]. */
START_TEST(test_record_cr0)
{
    R(1) = 5;
    R(2) = (uint32_t)-7;
    RUN(ADD(3, 1, 2, 0, 1), MCRF(7, 0), ADD(4, 1, 1, 0, 1), MCRF(6, 0), SUBF(5, 1, 1, 0, 1));
    ck_assert_uint_eq(R(3), (uint32_t)-2);
    ck_assert_uint_eq(m.cpu->cr[7], PPC_CR_LT);
    ck_assert_uint_eq(m.cpu->cr[6], PPC_CR_GT);
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_EQ);
}
END_TEST

START_TEST(test_overflow_so)
{
    R(1) = 0x7fffffff;
    R(2) = 1;
    /* addo. overflows: OV=SO=1, CR0 = LT|SO; then addo without overflow clears OV, SO sticks. */
    RUN(ADD(3, 1, 2, 1, 1), MCRF(7, 0), ADD(4, 2, 2, 1, 0), ADD(5, 2, 2, 0, 1));
    ck_assert_uint_eq(R(3), 0x80000000u);
    ck_assert_uint_eq(m.cpu->cr[7], PPC_CR_LT | PPC_CR_SO);
    ck_assert_uint_eq(m.cpu->xer_ov, 0);
    ck_assert_uint_eq(m.cpu->xer_so, 1);
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_GT | PPC_CR_SO);
}
END_TEST

START_TEST(test_carry_chain)
{
    /* 64-bit add 0x00000001_ffffffff + 0x00000002_00000001 with addc/adde. */
    R(1) = 0xffffffffu;
    R(2) = 1;
    R(3) = 0x00000001;
    R(4) = 0x00000002;
    RUN(ADDC(5, 1, 4 - 2, 0, 0), ADDE(6, 3, 4, 0, 0));
    ck_assert_uint_eq(R(5), 0);
    ck_assert_uint_eq(R(6), 4);
    ck_assert_uint_eq(m.cpu->xer_ca, 0);
}
END_TEST

START_TEST(test_subtract_carry)
{
    R(1) = 5;
    R(2) = 3;
    /* subfc r3 = r2 - r1 = -2: borrow, so CA = 0; subfc r4 = r1 - r2 = 2: CA = 1. */
    RUN(SUBFC(3, 1, 2, 0, 0), SUBFC(4, 2, 1, 0, 0));
    ck_assert_uint_eq(R(3), (uint32_t)-2);
    ck_assert_uint_eq(R(4), 2);
    ck_assert_uint_eq(m.cpu->xer_ca, 1);
}
END_TEST

START_TEST(test_subfe_addme_addze)
{
    R(1) = 0;
    R(2) = 0;
    m.cpu->xer_ca = 1;
    /* subfe r3 = ~0 + 0 + 1 = 0, CA = 1; addme r4 = 0 + 1 - 1 = 0, CA = 1; addze r5 = 0 + 1 = 1. */
    RUN(SUBFE(3, 1, 2, 0, 0), ADDME(4, 1, 0, 0), ADDZE(5, 1, 0, 0));
    ck_assert_uint_eq(R(3), 0);
    ck_assert_uint_eq(R(4), 0);
    ck_assert_uint_eq(R(5), 1);
    ck_assert_uint_eq(m.cpu->xer_ca, 0);
}
END_TEST

START_TEST(test_subfze_subfme)
{
    R(1) = 0;
    m.cpu->xer_ca = 0;
    /* subfze r2 = ~0 + 0 = -1, CA = 0; subfme r3 = ~0 + CA(0) - 1 = -2, CA = 1. */
    RUN(SUBFZE(2, 1, 0, 0), SUBFME(3, 1, 0, 0));
    ck_assert_uint_eq(R(2), 0xffffffffu);
    ck_assert_uint_eq(R(3), 0xfffffffeu);
    ck_assert_uint_eq(m.cpu->xer_ca, 1);
}
END_TEST

START_TEST(test_neg_overflow)
{
    R(1) = 0x80000000u;
    R(2) = 5;
    RUN(NEG(3, 1, 1, 0), NEG(4, 2, 0, 1));
    ck_assert_uint_eq(R(3), 0x80000000u);
    ck_assert_uint_eq(m.cpu->xer_ov, 1);
    ck_assert_uint_eq(m.cpu->xer_so, 1);
    ck_assert_uint_eq(R(4), (uint32_t)-5);
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_LT | PPC_CR_SO);
}
END_TEST

START_TEST(test_immediate_carry)
{
    R(1) = 0xffffffffu;
    R(2) = 10;
    RUN(ADDIC(3, 1, 1), ADDIC_(4, 2, -20), SUBFIC(5, 2, 3), MULLI(6, 2, -3));
    ck_assert_uint_eq(R(3), 0);
    ck_assert_uint_eq(R(4), (uint32_t)-10);
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_LT);
    ck_assert_uint_eq(R(5), (uint32_t)-7);
    ck_assert_uint_eq(m.cpu->xer_ca, 0);        /* 3 - 10 borrows */
    ck_assert_uint_eq(R(6), (uint32_t)-30);
}
END_TEST

START_TEST(test_mul_div)
{
    R(1) = 0x10000;
    R(2) = 0x10000;
    R(3) = (uint32_t)-7;
    R(4) = 2;
    R(5) = 0x80000000u;
    R(6) = (uint32_t)-1;
    R(7) = 0;
    RUN(MULLW(10, 1, 2, 1, 0), MULHW(11, 3, 4), MULHWU(12, 3, 4), DIVW(13, 3, 4, 0, 0),
        DIVWU(14, 3, 4, 0, 0), MULLW(15, 3, 4, 1, 1), DIVW(16, 5, 6, 1, 0), MCRXR(7), DIVWU(17, 4, 7, 1, 0));
    ck_assert_uint_eq(R(10), 0);
    ck_assert_uint_eq(R(11), 0xffffffffu);      /* high word of -14 */
    ck_assert_uint_eq(R(12), 1);                /* 0xfffffff9 * 2 = 0x1_fffffff2 */
    ck_assert_uint_eq(R(13), (uint32_t)-3);     /* truncates toward zero */
    ck_assert_uint_eq(R(14), 0x7ffffffcu);
    ck_assert_uint_eq(R(15), (uint32_t)-14);
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_LT | PPC_CR_SO);    /* SO from mullwo's overflow */
    ck_assert_uint_eq(m.cpu->cr[7], PPC_CR_LT | PPC_CR_GT);    /* SO, OV from divwo, CA clear */
    ck_assert_uint_eq(m.cpu->xer_ov, 1);        /* divwuo by zero */
    ck_assert_uint_eq(m.cpu->xer_so, 1);
}
END_TEST

START_TEST(test_logical)
{
    R(1) = 0xf0f0f0f0u;
    R(2) = 0xff00ff00u;
    RUN(AND(3, 1, 2, 1), ANDC(4, 1, 2), OR(5, 1, 2), ORC(6, 1, 2), NOR(7, 1, 2), NAND(8, 1, 2),
        EQV(9, 1, 2), XOR(10, 1, 2), ANDI_(11, 1, 0x0ff0), ANDIS_(12, 1, 0x0ff0), ORIS(13, 0, 0x1234),
        XORI(14, 1, 0xffff), EXTSB(15, 1, 1), EXTSH(16, 2), CNTLZW(17, 11), CNTLZW(18, 0));
    ck_assert_uint_eq(R(3), 0xf000f000u);
    ck_assert_uint_eq(R(4), 0x00f000f0u);
    ck_assert_uint_eq(R(5), 0xfff0fff0u);
    ck_assert_uint_eq(R(6), 0xf0fff0ffu);
    ck_assert_uint_eq(R(7), 0x000f000fu);
    ck_assert_uint_eq(R(8), 0x0fff0fffu);
    ck_assert_uint_eq(R(9), 0xf00ff00fu);
    ck_assert_uint_eq(R(10), 0x0ff00ff0u);
    ck_assert_uint_eq(R(11), 0x00f0);
    ck_assert_uint_eq(R(12), 0x00f00000u);
    ck_assert_uint_eq(R(13), 0x12340000u);
    ck_assert_uint_eq(R(14), 0xf0f00f0fu);
    ck_assert_uint_eq(R(15), 0xfffffff0u);
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_LT);
    ck_assert_uint_eq(R(16), 0xffffff00u);
    ck_assert_uint_eq(R(17), 24);
    ck_assert_uint_eq(R(18), 32);
}
END_TEST

START_TEST(test_shifts)
{
    R(1) = 0x80000010u;
    R(2) = 4;
    R(3) = 32;
    R(4) = 63;
    R(5) = 0x10;
    RUN(SLW(10, 1, 2), SLW(11, 1, 3), SRW(12, 1, 2), SRW(13, 1, 4), SRAW(14, 1, 2), SRAW(15, 1, 3),
        MCRXR(7), SRAWI(16, 5, 4, 0), MCRXR(6), SRAWI(17, 1, 5, 1));
    ck_assert_uint_eq(R(10), 0x00000100u);
    ck_assert_uint_eq(R(11), 0);                /* counts 32..63 shift everything out */
    ck_assert_uint_eq(R(12), 0x08000001u);
    ck_assert_uint_eq(R(13), 0);
    ck_assert_uint_eq(R(14), 0xf8000001u);
    ck_assert_uint_eq(R(15), 0xffffffffu);
    ck_assert_uint_eq(m.cpu->cr[7], PPC_CR_EQ); /* sraw by 32 of a negative value: CA = 1 */
    ck_assert_uint_eq(R(16), 1);
    ck_assert_uint_eq(m.cpu->cr[6], 0);         /* positive: CA = 0 */
    ck_assert_uint_eq(R(17), 0xfc000000u);
    ck_assert_uint_eq(m.cpu->xer_ca, 1);        /* negative and 0x10 shifted out */
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_LT);
}
END_TEST

START_TEST(test_rotates)
{
    R(1) = 0x12345678u;
    R(2) = 0xaaaaaaaau;
    R(3) = 8;
    R(20) = 0xffffffffu;
    RUN(RLWINM(10, 1, 8, 0, 23),                /* slwi 8 */
        RLWINM(11, 1, 24, 8, 31),               /* srwi 8 */
        RLWINM(12, 1, 0, 16, 31),               /* clrlwi 16 */
        RLWINM(13, 1, 4, 28, 3),                /* rotate 4, wrapped mask */
        RLWINM(14, 1, 12, 24, 31),              /* extrwi 8 bits from bit 12 */
        RLWINM(15, 1, 16, 0, 31),               /* rotlwi 16 */
        OR(16, 2, 2), RLWIMI(16, 1, 8, 8, 15),  /* insert byte */
        OR(17, 20, 20), RLWIMI(17, 1, 0, 28, 3),
        RLWNM(18, 1, 3, 0, 31),
        RLWINM(19, 1, 31, 1, 31));               /* srwi 1 */
    ck_assert_uint_eq(R(10), 0x34567800u);
    ck_assert_uint_eq(R(11), 0x00123456u);
    ck_assert_uint_eq(R(12), 0x00005678u);
    ck_assert_uint_eq(R(13), 0x20000001u);      /* rotl 4 = 0x23456781, mask 0xf000000f */
    ck_assert_uint_eq(R(14), 0x00000023u);      /* rotl 12 = 0x45678123 */
    ck_assert_uint_eq(R(15), 0x56781234u);
    ck_assert_uint_eq(R(16), 0xaa56aaaau);      /* rotl 8 = 0x34567812, bits 8..15 -> 0x56 */
    ck_assert_uint_eq(R(17), 0x1ffffff8u);      /* mask 0xf000000f from 0x12345678 */
    ck_assert_uint_eq(R(18), 0x34567812u);
    ck_assert_uint_eq(R(19), 0x091a2b3cu);
}
END_TEST

START_TEST(test_compares)
{
    R(1) = (uint32_t)-1;
    R(2) = 1;
    m.cpu->xer_so = 1;
    RUN(CMPW(0, 1, 2), CMPLW(1, 1, 2), CMPWI(2, 2, 1), CMPLWI(3, 1, 0xffff), CMPWI(7, 1, -2));
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_LT | PPC_CR_SO);
    ck_assert_uint_eq(m.cpu->cr[1], PPC_CR_GT | PPC_CR_SO);
    ck_assert_uint_eq(m.cpu->cr[2], PPC_CR_EQ | PPC_CR_SO);
    ck_assert_uint_eq(m.cpu->cr[3], PPC_CR_GT | PPC_CR_SO);
    ck_assert_uint_eq(m.cpu->cr[7], PPC_CR_GT | PPC_CR_SO);
}
END_TEST

START_TEST(test_isel)
{
    R(1) = 11;
    R(2) = 22;
    m.cpu->cr[1] = PPC_CR_EQ;
    RUN(ISEL(3, 1, 2, 6), ISEL(4, 1, 2, 4), ISEL(5, 0, 2, 6));
    ck_assert_uint_eq(R(3), 11);                /* CR1[EQ] set: rA */
    ck_assert_uint_eq(R(4), 22);                /* CR1[LT] clear: rB */
    ck_assert_uint_eq(R(5), 0);                 /* rA = 0 means 0 */
}
END_TEST

/* isel right after a compare (the fused form) for each bit, signed and unsigned. */
START_TEST(test_isel_after_compare)
{
    R(1) = 11;
    R(2) = 22;
    R(3) = (uint32_t)-5;
    R(4) = 7;
    RUN(CMPW(2, 3, 4), ISEL(10, 1, 2, 8), CMPLW(2, 3, 4), ISEL(11, 1, 2, 8), CMPLW(2, 3, 4), ISEL(12, 1, 2, 9),
        CMPW(2, 4, 4), ISEL(13, 1, 2, 10), CMPWI(0, 3, -5), ISEL(14, 1, 2, 1));
    ck_assert_uint_eq(R(10), 11);               /* -5 < 7 signed */
    ck_assert_uint_eq(R(11), 22);               /* not below unsigned */
    ck_assert_uint_eq(R(12), 11);               /* above unsigned */
    ck_assert_uint_eq(R(13), 11);               /* equal */
    ck_assert_uint_eq(R(14), 22);               /* not greater */
}
END_TEST

START_TEST(test_cr_ops)
{
    m.cpu->cr[0] = PPC_CR_LT | PPC_CR_EQ;
    m.cpu->cr[1] = PPC_CR_GT;
    RUN(CRXOR(31, 31, 31), CREQV(30, 30, 30), CROR(29, 0, 5), CRANDC(28, 0, 2), CRNAND(16, 0, 2),
        MCRF(2, 1));
    ck_assert_uint_eq(m.cpu->cr[7], PPC_CR_EQ | PPC_CR_GT);   /* bits 29 (GT) and 30 (EQ) */
    ck_assert_uint_eq(m.cpu->cr[4], 0);
    ck_assert_uint_eq(m.cpu->cr[2], PPC_CR_GT);
}
END_TEST

START_TEST(test_cr_moves)
{
    R(1) = 0x12345678u;
    for (int i = 0; i < 8; i++) {
        m.cpu->cr[i] = (uint32_t)(8 - i) & 0xf;
    }
    RUN(MFCR(2), MFOCRF(3, 0x04), MTCRF(0x81, 1), MTOCRF(0x10, 1), MFCR(4));
    ck_assert_uint_eq(R(2), 0x87654321u);
    ck_assert_uint_eq(R(3), 0x00000300u);
    ck_assert_uint_eq(R(4), 0x17644328u);
}
END_TEST

START_TEST(test_xer_moves)
{
    R(1) = 0xe000007fu;
    RUN(PPCT_MTSPR(1, 1), PPCT_MFSPR(2, 1), MCRXR(3), PPCT_MFSPR(4, 1), PPCT_MTSPR(8, 1),
        PPCT_MFSPR(5, 8), PPCT_MTSPR(9, 2), PPCT_MFSPR(6, 9));
    ck_assert_uint_eq(R(2), 0xe000007fu);
    ck_assert_uint_eq(m.cpu->cr[3], PPC_CR_LT | PPC_CR_GT | PPC_CR_EQ);
    ck_assert_uint_eq(R(4), 0x7f);
    ck_assert_uint_eq(R(5), 0xe000007fu);
    ck_assert_uint_eq(R(6), 0xe000007fu);
}
END_TEST

Suite *ppc_int_suite(void)
{
    Suite *s = suite_create("ppc_int");
    TCase *tc = tcase_create("fixed_point");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_addi_family);
    tcase_add_test(tc, test_record_cr0);
    tcase_add_test(tc, test_overflow_so);
    tcase_add_test(tc, test_carry_chain);
    tcase_add_test(tc, test_subtract_carry);
    tcase_add_test(tc, test_subfe_addme_addze);
    tcase_add_test(tc, test_subfze_subfme);
    tcase_add_test(tc, test_neg_overflow);
    tcase_add_test(tc, test_immediate_carry);
    tcase_add_test(tc, test_mul_div);
    tcase_add_test(tc, test_logical);
    tcase_add_test(tc, test_shifts);
    tcase_add_test(tc, test_rotates);
    tcase_add_test(tc, test_compares);
    tcase_add_test(tc, test_isel);
    tcase_add_test(tc, test_isel_after_compare);
    tcase_add_test(tc, test_cr_ops);
    tcase_add_test(tc, test_cr_moves);
    tcase_add_test(tc, test_xer_moves);
    suite_add_tcase(s, tc);
    return s;
}
