/*
 * Loads and stores (Power ISA 2.06 Book I 3.3.2-3.3.7, Book II 4.4): every form,
 * big-endian order, byte-reversed forms, update forms, multiple and string
 * instructions, lwarx/stwcx., dcbz and the invalid forms that are illegal here.
 */
#include <check.h>

#include "tests/unit/ppc/ppc_test.h"

#define LWZ(rt, ra, d)   ppct_d(32, (rt), (ra), (d))
#define LWZU(rt, ra, d)  ppct_d(33, (rt), (ra), (d))
#define LBZ(rt, ra, d)   ppct_d(34, (rt), (ra), (d))
#define STW(rs, ra, d)   ppct_d(36, (rs), (ra), (d))
#define STWU(rs, ra, d)  ppct_d(37, (rs), (ra), (d))
#define STB(rs, ra, d)   ppct_d(38, (rs), (ra), (d))
#define LHZ(rt, ra, d)   ppct_d(40, (rt), (ra), (d))
#define LHA(rt, ra, d)   ppct_d(42, (rt), (ra), (d))
#define LHAU(rt, ra, d)  ppct_d(43, (rt), (ra), (d))
#define STH(rs, ra, d)   ppct_d(44, (rs), (ra), (d))
#define LMW(rt, ra, d)   ppct_d(46, (rt), (ra), (d))
#define STMW(rs, ra, d)  ppct_d(47, (rs), (ra), (d))
#define LWZX(rt, ra, rb)  ppct_x(31, (rt), (ra), (rb), 23, 0)
#define LWZUX(rt, ra, rb) ppct_x(31, (rt), (ra), (rb), 55, 0)
#define LBZX(rt, ra, rb)  ppct_x(31, (rt), (ra), (rb), 87, 0)
#define LHAX(rt, ra, rb)  ppct_x(31, (rt), (ra), (rb), 343, 0)
#define STBX(rs, ra, rb)  ppct_x(31, (rs), (ra), (rb), 215, 0)
#define STHUX(rs, ra, rb) ppct_x(31, (rs), (ra), (rb), 439, 0)
#define LWBRX(rt, ra, rb) ppct_x(31, (rt), (ra), (rb), 534, 0)
#define LHBRX(rt, ra, rb) ppct_x(31, (rt), (ra), (rb), 790, 0)
#define STWBRX(rs, ra, rb) ppct_x(31, (rs), (ra), (rb), 662, 0)
#define STHBRX(rs, ra, rb) ppct_x(31, (rs), (ra), (rb), 918, 0)
#define LSWI(rt, ra, nb)  ppct_x(31, (rt), (ra), (nb), 597, 0)
#define STSWI(rs, ra, nb) ppct_x(31, (rs), (ra), (nb), 725, 0)
#define LSWX(rt, ra, rb)  ppct_x(31, (rt), (ra), (rb), 533, 0)
#define STSWX(rs, ra, rb) ppct_x(31, (rs), (ra), (rb), 661, 0)
#define LWARX(rt, ra, rb) ppct_x(31, (rt), (ra), (rb), 20, 0)
#define STWCX(rs, ra, rb) ppct_x(31, (rs), (ra), (rb), 150, 1)
#define DCBZ(ra, rb)      ppct_x(31, 0, (ra), (rb), 1014, 0)
#define SYNC              ppct_x(31, 0, 0, 0, 598, 0)
#define LWSYNC            ppct_x(31, 1, 0, 0, 598, 0)
#define EIEIO             ppct_x(31, 0, 0, 0, 854, 0)
#define ISYNC             ppct_x(19, 0, 0, 0, 150, 0)
#define ICBI(ra, rb)      ppct_x(31, 0, (ra), (rb), 982, 0)
#define DCBF(ra, rb)      ppct_x(31, 0, (ra), (rb), 86, 0)
#define MCRF(d, s)        ppct_x(19, (d) << 2, (s) << 2, 0, 0, 0)

static PpctMachine m;

static void setup(void)
{
    ppct_init(&m);
}

static void teardown(void)
{
    ppct_fini(&m);
}

static GuestExitKind run_any(const uint32_t *code, unsigned n)
{
    ppct_load(&m, code, n);
    return ppct_run(&m);
}

static void run(const uint32_t *code, unsigned n)
{
    ck_assert_int_eq(run_any(code, n), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu->common.pc, PPCT_CODE + 4 * (n - 1));
}

#define RUN(...) do { const uint32_t code_[] = { __VA_ARGS__, PPCT_TRAP }; run(code_, G_N_ELEMENTS(code_)); } while (0)
#define R(i) (m.cpu->gpr[i])

START_TEST(test_big_endian_loads)
{
    ppct_wr32(&m, PPCT_DATA, 0x8899aabbu);
    R(1) = PPCT_DATA;
    R(2) = 2;
    RUN(LWZ(3, 1, 0), LBZ(4, 1, 1), LHZ(5, 1, 2), LHA(6, 1, 0), LWZX(7, 1, 0), LBZX(8, 1, 2), LHAX(9, 1, 2),
        LWBRX(10, 1, 0), LHBRX(11, 1, 2));
    ck_assert_uint_eq(R(3), 0x8899aabbu);
    ck_assert_uint_eq(R(4), 0x99);
    ck_assert_uint_eq(R(5), 0xaabb);
    ck_assert_uint_eq(R(6), 0xffff8899u);
    ck_assert_uint_eq(R(7), 0x8899aabbu);       /* rB is always a register: r0 = 0 */
    ck_assert_uint_eq(R(8), 0xaa);
    ck_assert_uint_eq(R(9), 0xffffaabbu);
    ck_assert_uint_eq(R(10), 0xbbaa9988u);
    ck_assert_uint_eq(R(11), 0xbbaa);
}
END_TEST

START_TEST(test_stores)
{
    R(1) = PPCT_DATA;
    R(2) = 0x11223344u;
    R(3) = 4;
    RUN(STW(2, 1, 0), STB(2, 1, 4), STH(2, 1, 6), STWBRX(2, 1, 3), STHBRX(2, 1, 3), STBX(2, 1, 3));
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA), 0x11223344u);
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 4), 0x44332211u);   /* stwbrx, then sthbrx + stbx */
}
END_TEST

START_TEST(test_update_forms)
{
    ppct_wr32(&m, PPCT_DATA + 8, 0xcafef00du);
    ppct_wr32(&m, PPCT_DATA + 16, 0x0000fffeu);
    R(1) = PPCT_DATA;
    R(5) = 8;
    R(6) = 0x5555;
    RUN(LWZU(2, 1, 8), LWZUX(3, 1, 5), STWU(6, 1, 4), LHAU(4, 1, -2), STHUX(6, 1, 5));
    ck_assert_uint_eq(R(2), 0xcafef00du);
    ck_assert_uint_eq(R(3), 0x0000fffeu);
    ck_assert_uint_eq(R(4), 0xfffffffeu);
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 20), 0x5555);
    ck_assert_uint_eq(R(1), PPCT_DATA + 16 + 4 - 2 + 8);
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 24) & 0xffff, 0x5555);
}
END_TEST

/* lwzu with rA = rT and stwu with rA = 0 are invalid forms: illegal instruction. */
START_TEST(test_invalid_update)
{
    const uint32_t a[] = { LWZU(1, 1, 8), PPCT_TRAP };
    const uint32_t b[] = { STWU(1, 0, 8), PPCT_TRAP };

    ck_assert_int_eq(run_any(a, 2), GUEST_EXIT_ILLEGAL);
    ck_assert_uint_eq(m.cpu->common.exit_aux, a[0]);
    ck_assert_int_eq(run_any(b, 2), GUEST_EXIT_ILLEGAL);
}
END_TEST

START_TEST(test_multiple)
{
    R(1) = PPCT_DATA;
    for (int i = 28; i < 32; i++) {
        R(i) = 0x1000u * (uint32_t)i;
    }
    RUN(STMW(28, 1, 16), LMW(24, 1, 16));
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 16 + 4 * i), 0x1000u * (uint32_t)(28 + i));
        ck_assert_uint_eq(R(24 + i), 0x1000u * (uint32_t)(28 + i));
    }
}
END_TEST

START_TEST(test_string_immediate)
{
    for (int i = 0; i < 16; i++) {
        m.mem[PPCT_DATA + i] = (uint8_t)(0x10 + i);
    }
    R(1) = PPCT_DATA;
    /* lswi r30, r1, 7: r30 = 10111213, r31 = 141516 00; then stswi 5 bytes at +32. */
    RUN(LSWI(30, 1, 7), PPCT_ADDI(2, 1, 32), STSWI(30, 2, 5), LSWI(5, 1, 0));
    ck_assert_uint_eq(R(30), 0x10111213u);
    ck_assert_uint_eq(R(31), 0x14151600u);
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 32), 0x10111213u);
    ck_assert_uint_eq(m.mem[PPCT_DATA + 36], 0x14);
    ck_assert_uint_eq(m.mem[PPCT_DATA + 37], 0);
    ck_assert_uint_eq(R(5), 0x10111213u);       /* NB = 0: 32 bytes into r5..r12 */
    ck_assert_uint_eq(R(8), 0x1c1d1e1fu);
}
END_TEST

START_TEST(test_string_indexed)
{
    for (int i = 0; i < 16; i++) {
        m.mem[PPCT_DATA + i] = (uint8_t)(0xa0 + i);
    }
    R(1) = PPCT_DATA;
    R(2) = 4;
    R(20) = 0x77777777u;
    m.cpu->xer_bc = 6;
    /* 6 bytes from DATA+4: r20 = a4a5a6a7, r21 = a8a9 0000; stswx puts them back at +64. */
    RUN(LSWX(20, 1, 2), PPCT_LI(3, 64), STSWX(20, 1, 3));
    ck_assert_uint_eq(R(20), 0xa4a5a6a7u);
    ck_assert_uint_eq(R(21), 0xa8a90000u);
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 64), 0xa4a5a6a7u);
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA + 68), 0xa8a90000u);
}
END_TEST

START_TEST(test_reservation)
{
    ppct_wr32(&m, PPCT_DATA, 41);
    R(1) = PPCT_DATA;
    R(9) = 4;
    m.cpu->xer_so = 1;
    /* lwarx; addi; stwcx. succeeds (EQ|SO); a second stwcx. has no reservation and fails. */
    RUN(LWARX(3, 0, 1), PPCT_ADDI(3, 3, 1), STWCX(3, 0, 1), MCRF(7, 0), STWCX(9, 0, 1));
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA), 42);
    ck_assert_uint_eq(m.cpu->cr[7], PPC_CR_EQ | PPC_CR_SO);
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_SO);
    ck_assert_uint_eq(m.cpu->res_addr, 0xffffffffu);
}
END_TEST

/* lwarx with the EH hint (bit 31) behaves as without it. */
START_TEST(test_reservation_eh_hint)
{
    ppct_wr32(&m, PPCT_DATA, 7);
    R(1) = PPCT_DATA;
    RUN(LWARX(3, 0, 1) | 1, PPCT_ADDI(3, 3, 1), STWCX(3, 0, 1));
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA), 8);
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_EQ);
}
END_TEST

START_TEST(test_reservation_lost)
{
    ppct_wr32(&m, PPCT_DATA, 1);
    R(1) = PPCT_DATA;
    R(2) = 99;
    R(3) = 5;
    /* The reserved word changes before stwcx.: the store must not happen. */
    RUN(LWARX(4, 0, 1), ppct_d(36, 2, 1, 0), STWCX(3, 0, 1));
    ck_assert_uint_eq(ppct_rd32(&m, PPCT_DATA), 99);
    ck_assert_uint_eq(m.cpu->cr[0], 0);
}
END_TEST

START_TEST(test_misaligned_lwarx)
{
    const uint32_t code[] = { LWARX(3, 0, 1), PPCT_TRAP };

    R(1) = PPCT_DATA + 2;
    ck_assert_int_eq(run_any(code, 2), GUEST_EXIT_MISALIGNED);
    ck_assert_uint_eq(m.cpu->common.exit_aux, PPCT_DATA + 2);
}
END_TEST

START_TEST(test_dcbz_and_barriers)
{
    for (int i = 0; i < 96; i++) {
        m.mem[PPCT_DATA + i] = 0xff;
    }
    R(1) = PPCT_DATA + 32;
    R(2) = 13;
    RUN(SYNC, LWSYNC, EIEIO, DCBF(1, 2), DCBZ(1, 2), ISYNC, ICBI(1, 2), PPCT_LI(5, 1));
    for (int i = 0; i < 96; i++) {
        ck_assert_uint_eq(m.mem[PPCT_DATA + i], (i >= 32 && i < 64) ? 0 : 0xff);
    }
    ck_assert_uint_eq(R(5), 1);                 /* execution went on after isync/icbi */
}
END_TEST

START_TEST(test_out_of_range_fault)
{
    const uint32_t code[] = { LWZ(3, 1, 0), PPCT_TRAP };

    R(1) = 0x80000000u;
    ck_assert_int_eq(run_any(code, 2), GUEST_EXIT_MEM_FAULT);
    ck_assert_uint_eq(m.cpu->common.pc, PPCT_CODE);
}
END_TEST

Suite *ppc_mem_suite(void)
{
    Suite *s = suite_create("ppc_mem");
    TCase *tc = tcase_create("load_store");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_big_endian_loads);
    tcase_add_test(tc, test_stores);
    tcase_add_test(tc, test_update_forms);
    tcase_add_test(tc, test_invalid_update);
    tcase_add_test(tc, test_multiple);
    tcase_add_test(tc, test_string_immediate);
    tcase_add_test(tc, test_string_indexed);
    tcase_add_test(tc, test_reservation);
    tcase_add_test(tc, test_reservation_eh_hint);
    tcase_add_test(tc, test_reservation_lost);
    tcase_add_test(tc, test_misaligned_lwarx);
    tcase_add_test(tc, test_dcbz_and_barriers);
    tcase_add_test(tc, test_out_of_range_fault);
    suite_add_tcase(s, tc);
    return s;
}
