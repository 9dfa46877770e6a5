/*
 * Physical memory protection (Privileged Spec 20211203, §3.7): OFF/TOR/NA4/NAPOT
 * matching, lowest entry wins, partial matches fail, locked entries bind M mode, and
 * the defaults (M allowed; S/U denied once any entry is active).
 */
#include <check.h>

#include "frontend/riscv/internal.h"
#include "tests/unit/riscv/rv_test.h"

static RvtMachine m;
static RvCpu *cpu;

static void pmp_setup(void)
{
    rvt_init(&m);
    rvt_sys_init(&m, RV_PRIV_M);
    cpu = &m.cpu;
}

static void pmp_teardown(void)
{
    rvt_fini(&m);
}

static void entry(unsigned i, unsigned mode, uint8_t perms, uint64_t addr)
{
    cpu->pmpcfg[i] = (uint8_t)(mode << RV_PMP_A_SHIFT) | perms;
    cpu->pmpaddr[i] = addr;
}

#define RD GUEST_ACCESS_READ
#define WR GUEST_ACCESS_WRITE
#define EX GUEST_ACCESS_EXEC
#define M_ RV_PRIV_M
#define S_ RV_PRIV_S
#define U_ RV_PRIV_U

START_TEST(test_pmp_defaults)
{
    /* No entry active: everything allowed at every level. */
    ck_assert(rv_pmp_check(cpu, 0x1000, 8, WR, U_));
    ck_assert(rv_pmp_check(cpu, 0x1000, 8, EX, S_));
    ck_assert(rv_pmp_check(cpu, 0x1000, 8, RD, M_));
    /* One active entry elsewhere: S/U denied where nothing matches, M still allowed. */
    entry(5, RV_PMP_NA4, RV_PMP_R, 0x100);
    ck_assert(!rv_pmp_check(cpu, 0x1000, 8, RD, S_));
    ck_assert(!rv_pmp_check(cpu, 0x1000, 8, RD, U_));
    ck_assert(rv_pmp_check(cpu, 0x1000, 8, WR, M_));
}
END_TEST

START_TEST(test_pmp_tor)
{
    /* Entry 0 TOR: [0, 0x1000) R X.  Entry 2 TOR over entry 1's address: [0x2000, 0x3000) RW. */
    entry(0, RV_PMP_TOR, RV_PMP_R | RV_PMP_X, 0x1000 >> 2);
    entry(1, RV_PMP_OFF, 0, 0x2000 >> 2);
    entry(2, RV_PMP_TOR, RV_PMP_R | RV_PMP_W, 0x3000 >> 2);
    ck_assert(rv_pmp_check(cpu, 0x0, 4, RD, S_));
    ck_assert(rv_pmp_check(cpu, 0xffc, 4, EX, U_));
    ck_assert(!rv_pmp_check(cpu, 0xffc, 4, WR, S_));
    ck_assert(!rv_pmp_check(cpu, 0xffc, 8, RD, S_));        /* straddles the top: partial */
    ck_assert(!rv_pmp_check(cpu, 0x1800, 4, RD, S_));       /* between: no match */
    ck_assert(rv_pmp_check(cpu, 0x2000, 8, WR, U_));
    ck_assert(rv_pmp_check(cpu, 0x2ff8, 8, RD, U_));
    ck_assert(!rv_pmp_check(cpu, 0x2ff8, 8, EX, U_));
    ck_assert(!rv_pmp_check(cpu, 0x3000, 1, RD, U_));
    /* Unlocked entries do not bind M. */
    ck_assert(rv_pmp_check(cpu, 0xffc, 4, WR, M_));
    /* A TOR whose base is not below its top matches nothing. */
    entry(1, RV_PMP_OFF, 0, 0x4000 >> 2);
    ck_assert(!rv_pmp_check(cpu, 0x2000, 8, RD, S_));
}
END_TEST

START_TEST(test_pmp_na4_napot)
{
    entry(0, RV_PMP_NA4, RV_PMP_W | RV_PMP_R, 0x2000 >> 2);
    /* NAPOT 4 KiB at 0x10000: pmpaddr = base >> 2 | (size / 8 - 1). */
    entry(1, RV_PMP_NAPOT, RV_PMP_X, (0x10000 >> 2) | 0x1ff);
    /* NAPOT 16 bytes at 0x3000: one trailing 1 bit. */
    entry(2, RV_PMP_NAPOT, RV_PMP_R, (0x3000 >> 2) | 0x1);
    ck_assert(rv_pmp_check(cpu, 0x2000, 4, WR, S_));
    ck_assert(!rv_pmp_check(cpu, 0x2000, 8, RD, S_));       /* 8 bytes over a 4-byte entry */
    ck_assert(!rv_pmp_check(cpu, 0x2004, 4, RD, S_));
    ck_assert(rv_pmp_check(cpu, 0x10000, 4, EX, U_));
    ck_assert(rv_pmp_check(cpu, 0x10ffc, 4, EX, U_));
    ck_assert(!rv_pmp_check(cpu, 0x10ffc, 4, RD, U_));
    ck_assert(!rv_pmp_check(cpu, 0x11000, 4, EX, U_));
    ck_assert(!rv_pmp_check(cpu, 0xfffc, 4, EX, U_));
    ck_assert(rv_pmp_check(cpu, 0x3000, 8, RD, S_));
    ck_assert(rv_pmp_check(cpu, 0x3008, 8, RD, S_));
    ck_assert(!rv_pmp_check(cpu, 0x3010, 4, RD, S_));
    /* All ones: the whole address space. */
    entry(3, RV_PMP_NAPOT, RV_PMP_R, RV_PMPADDR_MASK);
    ck_assert(rv_pmp_check(cpu, 0xfffffffff000, 8, RD, U_));
    ck_assert(rv_pmp_check(cpu, 0x5000, 8, RD, U_));
    ck_assert(!rv_pmp_check(cpu, 0x5000, 8, WR, U_));
}
END_TEST

START_TEST(test_pmp_priority)
{
    /* Entry 0 (no permission) shadows entry 1 (RWX) where both match. */
    entry(0, RV_PMP_NAPOT, 0, (0x8000 >> 2) | 0x1ff);
    entry(1, RV_PMP_NAPOT, RV_PMP_R | RV_PMP_W | RV_PMP_X, (0x0 >> 2) | 0x3fff);   /* 128 KiB at 0 */
    ck_assert(!rv_pmp_check(cpu, 0x8000, 4, RD, S_));
    ck_assert(rv_pmp_check(cpu, 0x9000, 4, RD, S_));
    /* An access half in entry 0 fails even though entry 1 covers all of it. */
    ck_assert(!rv_pmp_check(cpu, 0x7ffc, 8, RD, S_));
}
END_TEST

START_TEST(test_pmp_locked)
{
    entry(0, RV_PMP_NAPOT, RV_PMP_R | RV_PMP_L, (0x4000 >> 2) | 0x1ff);
    ck_assert(rv_pmp_check(cpu, 0x4000, 8, RD, M_));
    ck_assert(!rv_pmp_check(cpu, 0x4000, 8, WR, M_));       /* locked: binds M too */
    ck_assert(!rv_pmp_check(cpu, 0x4000, 4, EX, M_));
    ck_assert(rv_pmp_check(cpu, 0x5000, 8, WR, M_));        /* no match: M default allow */
    ck_assert(!rv_pmp_check(cpu, 0x5000, 8, RD, S_));
}
END_TEST

START_TEST(test_pmp_range_prot)
{
    uint32_t prot;

    entry(0, RV_PMP_TOR, RV_PMP_R | RV_PMP_W, 0x3000 >> 2);
    ck_assert(rv_pmp_range_prot(cpu, 0x1000, 0x1000, S_, &prot));
    ck_assert_uint_eq(prot, GUEST_PROT_READ | GUEST_PROT_WRITE);
    ck_assert(!rv_pmp_range_prot(cpu, 0x2000, 0x2000, S_, &prot));  /* crosses the top */
    ck_assert(rv_pmp_range_prot(cpu, 0x4000, 0x1000, S_, &prot));
    ck_assert_uint_eq(prot, 0);
    ck_assert(rv_pmp_range_prot(cpu, 0x4000, 0x1000, M_, &prot));
    ck_assert_uint_eq(prot, GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC);
}
END_TEST

Suite *riscv_priv_pmp_suite(void)
{
    Suite *s = suite_create("riscv_priv_pmp");
    TCase *tc = tcase_create("pmp");

    tcase_add_checked_fixture(tc, pmp_setup, pmp_teardown);
    tcase_add_test(tc, test_pmp_defaults);
    tcase_add_test(tc, test_pmp_tor);
    tcase_add_test(tc, test_pmp_na4_napot);
    tcase_add_test(tc, test_pmp_priority);
    tcase_add_test(tc, test_pmp_locked);
    tcase_add_test(tc, test_pmp_range_prot);
    suite_add_tcase(s, tc);
    return s;
}
