/*
 * Branches, sc, traps and illegal instructions (Power ISA 2.06 Book I 2.4, 3.3.11):
 * relative and absolute targets, LR links, BO decoding with the CTR decrement,
 * bclr/bcctr, the exits the platform sees.
 */
#include <check.h>

#include "tests/unit/ppc/ppc_test.h"

#define CMPWI(bf, ra, i)  ppct_d(11, (bf) << 2, (ra), (i))
#define BCLR(bo, bi, lk)  ppct_x(19, (bo), (bi), 0, 16, (lk))
#define BCCTR(bo, bi, lk) ppct_x(19, (bo), (bi), 0, 528, (lk))
#define TW(to, ra, rb)    ppct_x(31, (to), (ra), (rb), 4, 0)
#define TWI(to, ra, i)    ppct_d(3, (to), (ra), (i))
#define ADD(rt, ra, rb)   ppct_xo((rt), (ra), (rb), 0, 266, 0)

static PpctMachine m;

static void setup(void)
{
    ppct_init(&m);
}

static void teardown(void)
{
    ppct_fini(&m);
}

static GuestExitKind run_code(const uint32_t *code, unsigned n)
{
    ppct_load(&m, code, n);
    return ppct_run(&m);
}

#define R(i) (m.cpu->gpr[i])
#define AT(i) (PPCT_CODE + 4u * (i))

START_TEST(test_b_and_bl)
{
    const uint32_t code[] = {
        ppct_b(12, 0, 1),           /* 0: bl 3 */
        PPCT_LI(3, 1),              /* 1: skipped */
        PPCT_TRAP,                  /* 2 */
        PPCT_LI(4, 2),              /* 3 */
        ppct_b(-8, 0, 0),           /* 4: b 2 */
    };

    ck_assert_int_eq(run_code(code, G_N_ELEMENTS(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu->common.pc, AT(2));
    ck_assert_uint_eq(m.cpu->lr, AT(1));
    ck_assert_uint_eq(R(3), 0);
    ck_assert_uint_eq(R(4), 2);
}
END_TEST

START_TEST(test_absolute)
{
    const uint32_t code[] = { ppct_b((int32_t)AT(2), 1, 0), PPCT_LI(3, 1), PPCT_TRAP };

    ck_assert_int_eq(run_code(code, 3), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu->common.pc, AT(2));
    ck_assert_uint_eq(R(3), 0);
}
END_TEST

/* bdnz loop: CTR = 5 iterations, r3 counts them; the loop is a block branching to itself. */
START_TEST(test_bdnz_loop)
{
    const uint32_t code[] = {
        PPCT_LI(4, 5), PPCT_MTSPR(9, 4),        /* mtctr 5 */
        PPCT_ADDI(3, 3, 1),                     /* 2: loop */
        ppct_bc(16, 0, -4, 0, 0),               /* bdnz 2 */
        PPCT_TRAP,
    };

    ck_assert_int_eq(run_code(code, G_N_ELEMENTS(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(R(3), 5);
    ck_assert_uint_eq(m.cpu->ctr, 0);
}
END_TEST

/* Conditional branches on CR bits: beq taken, bne not taken, bdz/bdnzt combinations. */
START_TEST(test_conditions)
{
    const uint32_t code[] = {
        CMPWI(7, 3, 0),                         /* 0: cr7 = EQ (r3 = 0) */
        ppct_bc(12, 30, 8, 0, 0),               /* 1: beq cr7, 3 */
        PPCT_LI(5, 1),                          /* 2: skipped */
        ppct_bc(4, 30, 8, 0, 0),                /* 3: bne cr7, 5 (not taken) */
        PPCT_LI(6, 1),                          /* 4 */
        PPCT_LI(7, 1), PPCT_MTSPR(9, 7),        /* 5, 6: ctr = 1 */
        ppct_bc(10, 30, 8, 0, 0),               /* 7: bdzt cr7.eq, 9: ctr -> 0 and EQ: taken */
        PPCT_LI(8, 1),                          /* 8: skipped */
        ppct_bc(0x19, 30, 8, 0, 0),             /* 9: bdnz with both hint bits: ctr -> -1 != 0: taken */
        PPCT_LI(9, 1),                          /* 10: skipped */
        PPCT_TRAP,                              /* 11 */
    };

    ck_assert_int_eq(run_code(code, G_N_ELEMENTS(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu->common.pc, AT(11));
    ck_assert_uint_eq(R(5), 0);
    ck_assert_uint_eq(R(6), 1);
    ck_assert_uint_eq(R(8), 0);
    ck_assert_uint_eq(R(9), 0);
    ck_assert_uint_eq(m.cpu->ctr, 0xffffffffu);
}
END_TEST

/* An if-then inside a counted loop: the forward beq stays inside the loop's block. */
START_TEST(test_if_in_loop)
{
    const uint32_t code[] = {
        PPCT_LI(3, 0), PPCT_LI(4, 10), PPCT_MTSPR(9, 4), PPCT_LI(5, 0),
        ppct_d(28, 5, 6, 1),                    /* 4: andi. r6,r5,1 */
        ppct_bc(12, 2, 8, 0, 0),                /* 5: beq 7 */
        PPCT_ADDI(3, 3, 1),                     /* 6 */
        PPCT_ADDI(5, 5, 1),                     /* 7 */
        ppct_bc(16, 0, -16, 0, 0),              /* 8: bdnz 4 */
        PPCT_TRAP,
    };

    ck_assert_int_eq(run_code(code, G_N_ELEMENTS(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(R(3), 5);
    ck_assert_uint_eq(R(5), 10);
    ck_assert_uint_eq(m.cpu->cr[0], PPC_CR_GT);     /* the last andi. saw 9 & 1 = 1 */
}
END_TEST

/*
 * A compare (or record form) right before a conditional branch: the branch tests the
 * compared values directly (lift.c), for short forward branches kept in the block and
 * for ordinary ones.  Every condition bit, both senses, signed and unsigned.
 */
static const uint32_t cmp_values[][2] = {
    { 1, 2 }, { 2, 1 }, { 5, 5 }, { 0xffffffffu, 1 }, { 1, 0xffffffffu }, { 0x80000000u, 0x7fffffffu }, { 0, 0 },
};

START_TEST(test_compare_branch)
{
    for (unsigned v = 0; v < G_N_ELEMENTS(cmp_values); v++) {
        for (unsigned kind = 0; kind < 3; kind++) {         /* cmpw cr3, cmplw cr3, add. (cr0) */
            for (int bit = 0; bit < 4; bit++) {
                for (int sense = 0; sense < 2; sense++) {
                    for (int far = 0; far < 4 * 2; far++) {
                        /*
                         * far & 1: the target is beyond the block's forward-branch span;
                         * far >> 1: what lies between the compare and the branch: nothing,
                         * add r3,r3,r4 (a compared register changes), a compare into
                         * another field, mcrf of CR7 (0b1010) into the tested field.
                         */
                        int gap = far >> 1;
                        int field = kind == 2 ? 0 : 3;
                        uint32_t x = cmp_values[v][0], y = cmp_values[v][1];
                        uint32_t first = kind == 0 ? ppct_x(31, 3 << 2, 3, 4, 0, 0)
                                       : kind == 1 ? ppct_x(31, 3 << 2, 3, 4, 32, 0)
                                       : ppct_xo(5, 3, 4, 0, 266, 1);
                        uint32_t code[16];
                        unsigned n = 0;
                        bool truth;

                        code[n++] = first;
                        if (gap == 1) {
                            code[n++] = ADD(3, 3, 4);
                        } else if (gap == 2) {
                            code[n++] = ppct_x(31, (field == 0 ? 5 : 0) << 2, 4, 3, 0, 0);
                        } else if (gap == 3) {
                            code[n++] = ppct_x(19, field << 2, 7 << 2, 0, 0, 0);     /* mcrf field, 7 */
                        }
                        code[n++] = ppct_bc(sense ? 12 : 4, field * 4 + bit, (far & 1) ? 44 : 8, 0, 0);
                        code[n++] = PPCT_LI(10, 1);
                        for (int i = 0; (far & 1) && i < 9; i++) {
                            code[n++] = PPCT_ADDI(11, 11, 1);
                        }
                        code[n++] = PPCT_TRAP;
                        ppct_init(&m);
                        R(3) = x;
                        R(4) = y;
                        m.cpu->xer_so = v & 1;
                        m.cpu->cr[7] = 0xa;
                        ck_assert_int_eq(run_code(code, n), GUEST_EXIT_BREAKPOINT);
                        if (gap == 3) {
                            truth = (0xau >> (3 - bit)) & 1;
                        } else if (bit == 3) {
                            truth = v & 1;
                        } else if (kind == 2) {
                            int32_t r = (int32_t)(x + y);

                            truth = bit == 0 ? r < 0 : bit == 1 ? r > 0 : r == 0;
                        } else if (kind == 0) {
                            truth = bit == 0 ? (int32_t)x < (int32_t)y : bit == 1 ? (int32_t)x > (int32_t)y : x == y;
                        } else {
                            truth = bit == 0 ? x < y : bit == 1 ? x > y : x == y;
                        }
                        /* taken (skipping li r10) iff CR bit == sense */
                        ck_assert_msg(R(10) == (truth == (bool)sense ? 0u : 1u),
                                      "values %x %x kind %u bit %d sense %d far %d", x, y, kind, bit, sense, far);
                        ppct_fini(&m);
                    }
                }
            }
        }
    }
    ppct_init(&m);
}
END_TEST

START_TEST(test_blr_bctr)
{
    const uint32_t code[] = {
        ppct_b(16, 0, 1),                       /* 0: bl 4 */
        PPCT_LI(4, (int32_t)AT(7)),             /* 1: after return */
        PPCT_MTSPR(9, 4),                       /* 2 */
        BCCTR(20, 0, 1),                        /* 3: bctrl 7 */
        PPCT_LI(3, 7),                          /* 4: function */
        BCLR(20, 0, 0),                         /* 5: blr */
        PPCT_TRAP,                              /* 6 */
        PPCT_LI(6, 9),                          /* 7 */
        BCLR(12, 2, 0),                         /* 8: beqlr (cr0 = 0: not taken) */
        PPCT_TRAP,                              /* 9 */
    };

    ck_assert_int_eq(run_code(code, G_N_ELEMENTS(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu->common.pc, AT(9));
    ck_assert_uint_eq(R(3), 7);
    ck_assert_uint_eq(R(6), 9);
    ck_assert_uint_eq(m.cpu->lr, AT(4));
}
END_TEST

/* PIC code reads its pc with "bcl 20,31,.+4; mflr": lifted without ending the block. */
START_TEST(test_pc_read)
{
    const uint32_t code[] = { ppct_bc(20, 31, 4, 0, 1), PPCT_MFSPR(3, 8), ppct_b(4, 0, 1), PPCT_MFSPR(4, 8),
                              PPCT_TRAP };

    ck_assert_int_eq(run_code(code, G_N_ELEMENTS(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(R(3), AT(1));
    ck_assert_uint_eq(R(4), AT(3));
}
END_TEST

/* bclrl: the target is LR before the link overwrites it. */
START_TEST(test_blrl)
{
    const uint32_t code[] = { PPCT_LI(4, (int32_t)AT(3)), PPCT_MTSPR(8, 4), BCLR(20, 0, 1), PPCT_TRAP };

    ck_assert_int_eq(run_code(code, 4), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu->common.pc, AT(3));
    ck_assert_uint_eq(m.cpu->lr, AT(3));
}
END_TEST

/* bcctr with the CTR decrement (BO[2] = 0) is an invalid form. */
START_TEST(test_bcctr_invalid)
{
    const uint32_t code[] = { BCCTR(16, 0, 0), PPCT_TRAP };

    ck_assert_int_eq(run_code(code, 2), GUEST_EXIT_ILLEGAL);
}
END_TEST

START_TEST(test_sc)
{
    const uint32_t code[] = { PPCT_LI(0, 1), PPCT_SC, PPCT_TRAP };

    ck_assert_int_eq(run_code(code, 3), GUEST_EXIT_SYSCALL);
    ck_assert_uint_eq(m.cpu->common.pc, AT(1));
    ck_assert_uint_eq(R(0), 1);
}
END_TEST

START_TEST(test_traps)
{
    const uint32_t code[] = {
        PPCT_LI(3, -1), PPCT_LI(4, 1),
        TW(16 | 4, 4, 3),               /* 2: lt|eq signed: 1 < -1? no, 1 == -1? no */
        TWI(2, 4, -1),                  /* 3: ltu: 1 <u 0xffffffff: traps */
        PPCT_TRAP,
    };

    ck_assert_int_eq(run_code(code, G_N_ELEMENTS(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu->common.pc, AT(3));
}
END_TEST

START_TEST(test_illegal)
{
    static const uint32_t words[] = {
        0x00000000u,                    /* opcode 0 */
        0x7c0002a6u | (272u & 0x1f) << 16 | (272u >> 5) << 11,   /* mfsprg0: privileged */
        0x7c0000a6u,                    /* mfmsr */
        0x4c000064u,                    /* rfi */
        0x7c200000u,                    /* cmpd (cmp with L=1) is 64-bit only */
        0x44000000u,                    /* sc without its fixed 1 bit */
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(words); i++) {
        const uint32_t code[] = { words[i], PPCT_TRAP };

        ck_assert_int_eq(run_code(code, 2), GUEST_EXIT_ILLEGAL);
        ck_assert_uint_eq(m.cpu->common.pc, AT(0));
        ck_assert_uint_eq(m.cpu->common.exit_aux, words[i]);
    }
}
END_TEST

START_TEST(test_block_limit)
{
    const uint32_t code[] = { PPCT_LI(3, 1), PPCT_ADDI(3, 3, 1), PPCT_ADDI(3, 3, 1), PPCT_TRAP };

    m.max_insns = 1;
    ck_assert_int_eq(run_code(code, 4), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(R(3), 3);
}
END_TEST

Suite *ppc_branch_suite(void)
{
    Suite *s = suite_create("ppc_branch");
    TCase *tc = tcase_create("branches");

    tcase_set_timeout(tc, 60);      /* test_compare_branch runs ~1500 small programs on both engines */
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_b_and_bl);
    tcase_add_test(tc, test_absolute);
    tcase_add_test(tc, test_bdnz_loop);
    tcase_add_test(tc, test_conditions);
    tcase_add_test(tc, test_if_in_loop);
    tcase_add_test(tc, test_compare_branch);
    tcase_add_test(tc, test_blr_bctr);
    tcase_add_test(tc, test_pc_read);
    tcase_add_test(tc, test_blrl);
    tcase_add_test(tc, test_bcctr_invalid);
    tcase_add_test(tc, test_sc);
    tcase_add_test(tc, test_traps);
    tcase_add_test(tc, test_illegal);
    tcase_add_test(tc, test_block_limit);
    suite_add_tcase(s, tc);
    return s;
}
