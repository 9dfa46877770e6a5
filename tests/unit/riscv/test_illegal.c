/*
 * Every guest-illegal encoding path raises GUEST_EXIT_ILLEGAL at the
 * instruction, with aux = its bits (16 of them for a compressed one), and
 * lifting any instruction word never crashes and yields verified IR.
 */
#include <check.h>
#include <string.h>

#include "tests/unit/riscv/rv_test.h"

typedef struct IllegalCase {
    uint32_t bits;
    unsigned len;
    const char *why;
} IllegalCase;

static const IllegalCase illegal_cases[] = {
    { 0x0000, 2, "all-zero parcel (c.unimp)" },
    { 0x0004, 2, "c.addi4spn with nzuimm = 0" },
    { 0x4002, 2, "c.lwsp to x0" },
    { 0x6002, 2, "c.ldsp to x0" },
    { 0x2001, 2, "c.addiw to x0" },
    { 0x8002, 2, "c.jr x0" },
    { 0x6081, 2, "c.lui with nzimm = 0" },
    { 0x6101, 2, "c.addi16sp with nzimm = 0" },
    { 0x9c41, 2, "reserved CA encoding (funct2 = 2 under 100111)" },
    { 0xffffffff, 4, "all ones" },
    { 0x0000007f, 4, "48/64-bit length prefix" },
    { 0x00007003, 4, "LOAD funct3 = 7" },
    { 0x00004023, 4, "STORE funct3 = 4" },
    { 0x00003063, 4, "BRANCH funct3 = 3" },
    { 0x00001067, 4, "JALR funct3 = 1" },
    { 0x12005013, 4, "shift-right-immediate with funct6 = 0x04" },
    { 0x0200101b, 4, "slliw with shamt[5] set" },
    { 0x80002033, 4, "OP funct7 = 0x40 with funct3 = 2" },
    { 0x10500073, 4, "wfi (privileged)" },
    { 0x30200073, 4, "mret (privileged)" },
    { 0x12000073, 4, "sfence.vma (privileged)" },
    { 0x30002573, 4, "csrrs a0,mstatus,zero: unknown CSR" },
    { 0x00402573, 4, "csrrs a0,0x004,zero: unknown CSR" },
    { 0xc0059073, 4, "csrrw zero,cycle,a1: write to read-only" },
    { 0xc01fe573, 4, "csrrsi a0,time,31: write to read-only" },
    { 0xc0201573, 4, "csrrw a0,instret,zero: write to read-only" },
    { 0x2800202f, 4, "AMO funct5 = 0b00101" },
    { 0x1010202f, 4, "lr.w with rs2 != 0" },
    { 0x0000402f, 4, "AMO width funct3 = 4" },
    { 0x02b5d553, 4, "fadd.d rm = 5" },
    { 0x02b5e553, 4, "fadd.d rm = 6" },
    { 0xc0056553, 4, "fcvt.w.s rm = 6" },
    { 0x6ac5d543, 4, "fmadd.d rm = 5" },
    { 0x04c58553, 4, "fadd.h (Zfh not implemented)" },
    { 0x06c58553, 4, "fadd.q (Q not implemented)" },
    { 0x00054507, 4, "flq (Q not implemented)" },
    { 0x02058557, 4, "vector OP-V (V not implemented)" },
    { 0xe0159553, 4, "fclass.s with rs2 = 1" },
    { 0x58b5f553, 4, "fsqrt.s with rs2 != 0" },
    { 0x40258553, 4, "fcvt.s.d with rs2 = 2" },
    { 0x2005b553, 4, "fsgnj funct3 = 3" },
};

START_TEST(test_illegal_raises)
{
    const IllegalCase *c = &illegal_cases[_i];
    uint8_t bytes[8];
    uint32_t bits = c->bits;
    RvtMachine m;
    IrInterpExit ex;

    memcpy(bytes, &bits, 4);
    memset(bytes + c->len, 0, 8 - c->len);
    rvt_init(&m);
    m.optimize = true;
    rvt_load_bytes(&m, bytes, 8);
    ex = rvt_run(&m, 1);
    ck_assert_msg(ex.kind == IR_INTERP_RAISE && ex.raise_kind == GUEST_EXIT_ILLEGAL,
                  "%s (%08x): not illegal", c->why, bits);
    ck_assert_uint_eq(ex.pc, RVT_CODE);
    ck_assert_uint_eq(ex.aux, c->len == 2 ? (bits & 0xffff) : bits);
    rvt_fini(&m);
}
END_TEST

/* A dynamic rounding mode with frm = 5..7 is illegal at run time. */
START_TEST(test_illegal_dynamic_rm)
{
    const uint32_t code[] = { 0x02b5f553u /* fadd.d fa0,fa1,fa1 (dyn) */, RVT_EBREAK };
    RvtMachine m;
    IrInterpExit ex;

    rvt_init(&m);
    m.cpu.frm = 5 + _i;
    rvt_load(&m, code, 2);
    ex = rvt_run(&m, 1);
    ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_ILLEGAL);
    ck_assert_uint_eq(ex.aux, code[0]);
    ck_assert_uint_eq(ex.pc, RVT_CODE);
    ck_assert_uint_eq(m.cpu.f[10], 0);
    rvt_fini(&m);
}
END_TEST

/*
 * Lift random words (and random 16-bit parcels), verify the IR and run one block
 * on random registers: nothing may crash or assert.  Memory accesses outside the
 * test memory end as the interpreter's address-fault exit.
 */
START_TEST(test_illegal_random_words)
{
    RvtMachine m;
    GRand *rnd = g_rand_new_with_seed(1234 + _i);

    rvt_init(&m);
    m.optimize = _i & 1;
    for (unsigned n = 0; n < 20000; n++) {
        uint32_t words[4];

        for (unsigned k = 0; k < 4; k++) {
            words[k] = g_rand_int(rnd);
        }
        words[3] = RVT_EBREAK;
        for (unsigned r = 1; r < 32; r++) {
            m.cpu.x[r] = g_rand_boolean(rnd) ? (uint64_t)g_rand_int_range(rnd, 0, RVT_MEM_SIZE)
                                             : ((uint64_t)g_rand_int(rnd) << 32 | g_rand_int(rnd));
            m.cpu.f[r] = (uint64_t)g_rand_int(rnd) << 32 | g_rand_int(rnd);
        }
        m.cpu.frm = g_rand_int_range(rnd, 0, 8);
        rvt_load(&m, words, 4);
        rvt_run(&m, 1);
        ck_assert_uint_eq(m.cpu.x[0], 0);
    }
    g_rand_free(rnd);
    rvt_fini(&m);
}
END_TEST

Suite *riscv_illegal_suite(void)
{
    Suite *s = suite_create("riscv_illegal");
    TCase *tc = tcase_create("illegal");

    tcase_add_loop_test(tc, test_illegal_raises, 0, G_N_ELEMENTS(illegal_cases));
    tcase_add_loop_test(tc, test_illegal_dynamic_rm, 0, 3);
    tcase_add_loop_test(tc, test_illegal_random_words, 0, 2);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
