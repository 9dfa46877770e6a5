/*
 * The RISC-V lifter run by the IR interpreter: integer results (ISA manual
 * chapters 2, 5, 7, 8), block boundaries, control transfers, traps and CSRs.
 * Every block is verified by rvt_lift(); each test runs unoptimized and
 * optimized (loop index 0 / 1).
 */
#include <check.h>
#include <string.h>

#include "tests/unit/riscv/rv_test.h"

#define R_ADD(rd, a, b)   rvt_r(0x00, (b), (a), 0, (rd), 0x33)
#define R_ADDW(rd, a, b)  rvt_r(0x00, (b), (a), 0, (rd), 0x3b)
#define R_SLLW(rd, a, b)  rvt_r(0x00, (b), (a), 1, (rd), 0x3b)
#define R_SRLW(rd, a, b)  rvt_r(0x00, (b), (a), 5, (rd), 0x3b)
#define R_SRAW(rd, a, b)  rvt_r(0x20, (b), (a), 5, (rd), 0x3b)
#define R_DIVW(rd, a, b)  rvt_r(0x01, (b), (a), 4, (rd), 0x3b)
#define R_DIVUW(rd, a, b) rvt_r(0x01, (b), (a), 5, (rd), 0x3b)
#define R_REMW(rd, a, b)  rvt_r(0x01, (b), (a), 6, (rd), 0x3b)
#define R_DIV(rd, a, b)   rvt_r(0x01, (b), (a), 4, (rd), 0x33)
#define R_REM(rd, a, b)   rvt_r(0x01, (b), (a), 6, (rd), 0x33)
#define R_MULH(rd, a, b)  rvt_r(0x01, (b), (a), 1, (rd), 0x33)
#define R_MULHSU(rd, a, b) rvt_r(0x01, (b), (a), 2, (rd), 0x33)
#define R_SLT(rd, a, b)   rvt_r(0x00, (b), (a), 2, (rd), 0x33)
#define R_SLTU(rd, a, b)  rvt_r(0x00, (b), (a), 3, (rd), 0x33)
#define I_ADDIW(rd, a, i) rvt_i((i), (a), 0, (rd), 0x1b)
#define I_SRAIW(rd, a, s) rvt_i(0x400 | (s), (a), 5, (rd), 0x1b)
#define I_SRAI(rd, a, s)  rvt_i(0x400 | (s), (a), 5, (rd), 0x13)
#define I_LD(rd, a, i)    rvt_i((i), (a), 3, (rd), 0x03)
#define I_LB(rd, a, i)    rvt_i((i), (a), 0, (rd), 0x03)
#define I_LBU(rd, a, i)   rvt_i((i), (a), 4, (rd), 0x03)
#define I_LH(rd, a, i)    rvt_i((i), (a), 1, (rd), 0x03)
#define I_LWU(rd, a, i)   rvt_i((i), (a), 6, (rd), 0x03)
#define I_LW(rd, a, i)    rvt_i((i), (a), 2, (rd), 0x03)
#define S_SD(src, a, i)   rvt_s((i), (src), (a), 3, 0x23)
#define S_SW(src, a, i)   rvt_s((i), (src), (a), 2, 0x23)
#define S_SB(src, a, i)   rvt_s((i), (src), (a), 0, 0x23)
#define U_LUI(rd, i)      ((uint32_t)(i) << 12 | (uint32_t)(rd) << 7 | 0x37)
#define U_AUIPC(rd, i)    ((uint32_t)(i) << 12 | (uint32_t)(rd) << 7 | 0x17)
#define J_JALR(rd, a, i)  rvt_i((i), (a), 0, (rd), 0x67)
#define AMO(f5, w, rd, a, b) rvt_r((uint32_t)(f5) << 2, (b), (a), (w) ? 2 : 3, (rd), 0x2f)
#define CSRRW(rd, csr, a) rvt_i((int32_t)(csr), (a), 1, (rd), 0x73)
#define CSRRS(rd, csr, a) rvt_i((int32_t)(csr), (a), 2, (rd), 0x73)
#define CSRRWI(rd, csr, u) rvt_i((int32_t)(csr), (u), 5, (rd), 0x73)
#define CSRRCI(rd, csr, u) rvt_i((int32_t)(csr), (u), 7, (rd), 0x73)

static RvtMachine m;

static void lift_setup(void)
{
    rvt_init(&m);
}

static void lift_teardown(void)
{
    rvt_fini(&m);
}

/* Load code, run until it traps; the code must end in ebreak (checked). */
static void run_code(const uint32_t *code, unsigned n, int optimize)
{
    IrInterpExit ex;

    m.optimize = optimize;
    rvt_load(&m, code, n);
    ex = rvt_run(&m, 64);
    ck_assert_int_eq(ex.kind, IR_INTERP_RAISE);
    ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_BREAKPOINT);
}

START_TEST(test_lift_x0_and_addi)
{
    const uint32_t code[] = {
        RVT_ADDI(0, 0, 5),          /* writes to x0 vanish */
        RVT_ADDI(10, 0, -1),
        RVT_ADDI(11, 10, 2047),
        R_ADD(12, 0, 11),           /* x0 reads 0 */
        U_LUI(13, 0x80000),         /* lui sign-extends bit 31 */
        U_AUIPC(14, 1),
        RVT_EBREAK,
    };

    run_code(code, G_N_ELEMENTS(code), _i);
    ck_assert_uint_eq(m.cpu.x[0], 0);
    ck_assert_uint_eq(m.cpu.x[10], UINT64_MAX);
    ck_assert_uint_eq(m.cpu.x[11], 2046);
    ck_assert_uint_eq(m.cpu.x[12], 2046);
    ck_assert_uint_eq(m.cpu.x[13], 0xffffffff80000000u);
    ck_assert_uint_eq(m.cpu.x[14], RVT_CODE + 5 * 4 + 0x1000);
    ck_assert_uint_eq(m.cpu.common.pc, RVT_CODE + 6 * 4);
}
END_TEST

/* W operations compute on 32 bits and sign-extend (ISA 5.2, 7.1, 7.2). */
START_TEST(test_lift_w_ops)
{
    const uint32_t code[] = {
        R_ADDW(10, 5, 6),           /* 0x7fffffff + 1 */
        I_ADDIW(11, 7, 0),          /* sext of low half */
        R_SLLW(12, 6, 8),           /* 1 << (33 & 31) = 2 */
        R_SRLW(13, 7, 9),           /* 0x80000000 >> 4, zero fill, then sext */
        R_SRAW(14, 7, 9),
        I_SRAIW(15, 7, 31),
        R_DIVW(16, 7, 28),          /* INT32_MIN / -1 = INT32_MIN */
        R_DIVUW(17, 5, 0),          /* / 0 = 0xffffffff, sign-extended */
        R_REMW(18, 7, 0),           /* % 0 = dividend (sign-extended low half) */
        R_DIV(19, 29, 28),          /* INT64_MIN / -1 */
        R_REM(20, 29, 28),          /* INT64_MIN % -1 = 0 */
        R_MULH(21, 28, 28),         /* (-1 * -1) >> 64 = 0 */
        R_MULHSU(22, 28, 28),       /* -1 * (2^64 - 1) >> 64 = -1 */
        R_SLT(23, 28, 0),
        R_SLTU(24, 28, 0),
        I_SRAI(25, 29, 63),
        RVT_EBREAK,
    };

    m.cpu.x[5] = 0x123456787fffffffu;
    m.cpu.x[6] = 0xffffffff00000001u;
    m.cpu.x[7] = 0x0000000080000000u;
    m.cpu.x[8] = 33;
    m.cpu.x[9] = 4;
    m.cpu.x[28] = UINT64_MAX;
    m.cpu.x[29] = 0x8000000000000000u;
    run_code(code, G_N_ELEMENTS(code), _i);
    ck_assert_uint_eq(m.cpu.x[10], 0xffffffff80000000u);
    ck_assert_uint_eq(m.cpu.x[11], 0xffffffff80000000u);
    ck_assert_uint_eq(m.cpu.x[12], 2);
    ck_assert_uint_eq(m.cpu.x[13], 0x08000000u);
    ck_assert_uint_eq(m.cpu.x[14], 0xfffffffff8000000u);
    ck_assert_uint_eq(m.cpu.x[15], UINT64_MAX);
    ck_assert_uint_eq(m.cpu.x[16], 0xffffffff80000000u);
    ck_assert_uint_eq(m.cpu.x[17], UINT64_MAX);
    ck_assert_uint_eq(m.cpu.x[18], 0xffffffff80000000u);
    ck_assert_uint_eq(m.cpu.x[19], 0x8000000000000000u);
    ck_assert_uint_eq(m.cpu.x[20], 0);
    ck_assert_uint_eq(m.cpu.x[21], 0);
    ck_assert_uint_eq(m.cpu.x[22], UINT64_MAX);
    ck_assert_uint_eq(m.cpu.x[23], 1);
    ck_assert_uint_eq(m.cpu.x[24], 0);
    ck_assert_uint_eq(m.cpu.x[25], UINT64_MAX);
}
END_TEST

START_TEST(test_lift_loads_stores)
{
    const uint32_t code[] = {
        S_SD(5, 6, 0),
        I_LB(10, 6, 7),             /* 0x81 -> sign-extended */
        I_LBU(11, 6, 7),
        I_LH(12, 6, 6),             /* 0x8182 */
        I_LW(13, 6, 4),             /* 0x81828384 */
        I_LWU(14, 6, 4),
        I_LD(15, 6, 0),
        S_SW(0, 6, 4),              /* store zero into the high word */
        S_SB(5, 6, -1),             /* byte below */
        I_LD(16, 6, 0),
        RVT_EBREAK,
    };

    m.cpu.x[5] = 0x8182838485868788u;
    m.cpu.x[6] = RVT_DATA;
    run_code(code, G_N_ELEMENTS(code), _i);
    ck_assert_uint_eq(m.cpu.x[10], 0xffffffffffffff81u);
    ck_assert_uint_eq(m.cpu.x[11], 0x81);
    ck_assert_uint_eq(m.cpu.x[12], 0xffffffffffff8182u);
    ck_assert_uint_eq(m.cpu.x[13], 0xffffffff81828384u);
    ck_assert_uint_eq(m.cpu.x[14], 0x81828384u);
    ck_assert_uint_eq(m.cpu.x[15], 0x8182838485868788u);
    ck_assert_uint_eq(m.cpu.x[16], 0x85868788u);
    ck_assert_uint_eq(m.mem[RVT_DATA - 1], 0x88);
    ck_assert_uint_eq(m.mem[RVT_DATA], 0x88);       /* little endian */
}
END_TEST

/* A counted loop: bne back-edge, then jal/jalr call and return. */
START_TEST(test_lift_branches_and_calls)
{
    const uint32_t code[] = {
        RVT_ADDI(10, 0, 0),
        RVT_ADDI(11, 0, 5),
        RVT_ADDI(10, 10, 3),                        /* loop: */
        RVT_ADDI(11, 11, -1),
        rvt_b(-8, 0, 11, 1),                        /* bne a1, zero, loop */
        0x008000efu,                                /* jal ra, +8 */
        RVT_EBREAK,
        RVT_ADDI(12, 1, 0),                         /* a2 = return address */
        J_JALR(1, 1, 0),                            /* jalr ra, 0(ra): rd == rs1 */
    };

    run_code(code, G_N_ELEMENTS(code), _i);
    ck_assert_uint_eq(m.cpu.x[10], 15);
    ck_assert_uint_eq(m.cpu.x[12], RVT_CODE + 6 * 4);
    /* jalr read rs1 (= RVT_CODE + 24) before writing rd (= its own pc + 4). */
    ck_assert_uint_eq(m.cpu.common.pc, RVT_CODE + 6 * 4);
    ck_assert_uint_eq(m.cpu.x[1], RVT_CODE + 9 * 4);
}
END_TEST

/* jalr clears bit 0 of the target. */
START_TEST(test_lift_jalr_clears_bit0)
{
    const uint32_t code[] = { J_JALR(0, 5, 1), RVT_EBREAK, RVT_EBREAK };

    m.cpu.x[5] = RVT_CODE + 8;          /* + 1 is odd: the target is RVT_CODE + 8 */
    run_code(code, G_N_ELEMENTS(code), _i);
    ck_assert_uint_eq(m.cpu.common.pc, RVT_CODE + 8);
}
END_TEST

/* Compressed instructions expand to their 32-bit equivalents. */
START_TEST(test_lift_compressed)
{
    const uint16_t code[] = {
        0x5575,     /* c.li a0,-3 */
        0x0505,     /* c.addi a0,1 */
        0x85aa,     /* c.mv a1,a0 */
        0x95aa,     /* c.add a1,a0 */
        0x657d,     /* c.lui a0,0x1f */
        0x357d,     /* c.addiw a0,-1 */
        0xa011,     /* c.j +4 (skips the next parcel) */
        0x9002,     /* c.ebreak (skipped) */
        0x0606,     /* c.slli a2,1 */
        0x9002,     /* c.ebreak */
    };
    IrInterpExit ex;

    m.optimize = _i;
    m.cpu.x[12] = 0x21;
    rvt_load_bytes(&m, code, sizeof(code));
    ex = rvt_run(&m, 8);
    ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu.common.pc, RVT_CODE + 18);
    ck_assert_uint_eq(m.cpu.x[10], 0x1efff);
    ck_assert_uint_eq(m.cpu.x[11], (uint64_t)-4);
    ck_assert_uint_eq(m.cpu.x[12], 0x42);
}
END_TEST

/* A block never runs into the next 4 KiB page, and stops after max_insns. */
START_TEST(test_lift_block_bounds)
{
    g_autoptr(IrBlock) blk = NULL;
    g_autoptr(IrBlock) blk2 = NULL;
    uint32_t nop = GUINT32_TO_LE(RVT_ADDI(0, 0, 0));

    for (unsigned a = 0x1ff0; a < 0x2010; a += 4) {
        memcpy(m.mem + a, &nop, 4);
    }
    blk = rvt_lift(&m, 0x1ff0);
    ck_assert_uint_eq(blk->guest_pc, 0x1ff0);
    ck_assert_uint_eq(blk->guest_insns, 4);
    ck_assert_uint_eq(blk->guest_size, 16);
    m.max_insns = 2;
    blk2 = rvt_lift(&m, 0x1ff0);
    ck_assert_uint_eq(blk2->guest_insns, 2);
}
END_TEST

/*
 * Fences on an x86-64 host: only a fence ordering earlier writes before later reads
 * needs a host barrier (TSO keeps every other order); the others lift to nothing.
 */
static const struct {
    uint32_t insn;
    bool barrier;
} fence_cases[] = {
    { 0x0330000f, true },       /* fence rw,rw */
    { 0x0ff0000f, true },       /* fence iorw,iorw */
    { 0x0120000f, true },       /* fence w,r */
    { 0x0230000f, false },      /* fence r,rw (acquire) */
    { 0x0310000f, false },      /* fence rw,w (release) */
    { 0x0110000f, false },      /* fence w,w */
    { 0x8330000f, false },      /* fence.tso */
};

START_TEST(test_lift_fence)
{
    uint32_t code[2] = { GUINT32_TO_LE(fence_cases[_i].insn), GUINT32_TO_LE(RVT_EBREAK) };
    g_autoptr(IrBlock) blk = NULL;
    unsigned fences = 0;

    memcpy(m.mem + RVT_CODE, code, sizeof(code));
    blk = rvt_lift(&m, RVT_CODE);
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        fences += blk->insns[i].op == IR_OP_FENCE;
    }
    ck_assert_uint_eq(fences, fence_cases[_i].barrier ? 1 : 0);
}
END_TEST

/* A 4-byte instruction may straddle a page end; if its second half cannot be fetched it faults. */
START_TEST(test_lift_fetch)
{
    uint32_t addi = GUINT32_TO_LE(RVT_ADDI(10, 0, 7));
    uint32_t brk = GUINT32_TO_LE(RVT_EBREAK);
    IrInterpExit ex;

    m.optimize = _i;
    memcpy(m.mem + 0x1ffe, &addi, 4);
    memcpy(m.mem + 0x2002, &brk, 4);
    m.cpu.common.pc = 0x1ffe;
    ex = rvt_run(&m, 4);
    ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu.x[10], 7);

    /* First instruction unfetchable: fetch fault at the pc. */
    m.cpu.common.pc = RVT_MEM_SIZE + 0x100;
    ex = rvt_run(&m, 1);
    ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_FETCH_FAULT);
    ck_assert_uint_eq(ex.aux, RVT_MEM_SIZE + 0x100);
    ck_assert_uint_eq(m.cpu.common.pc, RVT_MEM_SIZE + 0x100);

    /* Second half beyond the end of memory: fault on its address. */
    memcpy(m.mem + RVT_MEM_SIZE - 2, &addi, 2);
    m.cpu.common.pc = RVT_MEM_SIZE - 2;
    ex = rvt_run(&m, 1);
    ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_FETCH_FAULT);
    ck_assert_uint_eq(ex.aux, RVT_MEM_SIZE);

    /* A later unfetchable instruction just ends the block before it. */
    memcpy(m.mem + RVT_MEM_SIZE - 6, &addi, 4);
    m.cpu.common.pc = RVT_MEM_SIZE - 6;
    ex = rvt_run(&m, 1);
    ck_assert_int_eq(ex.kind, IR_INTERP_GOTO_BLOCK);
    ck_assert_uint_eq(ex.pc, RVT_MEM_SIZE - 2);
}
END_TEST

START_TEST(test_lift_traps)
{
    const uint32_t code[] = { RVT_ECALL, 0x0000100fu /* fence.i */, RVT_EBREAK };
    IrInterpExit ex;

    m.optimize = _i;
    rvt_load(&m, code, G_N_ELEMENTS(code));
    ex = rvt_run(&m, 4);
    ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_SYSCALL);
    ck_assert_uint_eq(ex.pc, RVT_CODE);                     /* the platform steps over it */
    m.cpu.common.pc = RVT_CODE + 4;
    ex = rvt_run(&m, 4);
    ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_SYNC_CODE);
    ck_assert_uint_eq(ex.pc, RVT_CODE + 4);
    ck_assert_int_eq(ex.code, 4);                           /* resume at pc + 4 */
}
END_TEST

/* LR/SC (ISA 8.2): success writes 0, failure 1, and SC always drops the reservation. */
START_TEST(test_lift_lr_sc)
{
    const uint32_t code[] = {
        AMO(0x02, true, 10, 6, 0),      /* lr.w a0,(t1) */
        AMO(0x03, true, 11, 6, 7),      /* sc.w a1,t2,(t1): succeeds */
        AMO(0x03, true, 12, 6, 7),      /* again: no reservation -> fails */
        AMO(0x02, false, 13, 6, 0),     /* lr.d a3,(t1) */
        S_SW(0, 6, 0),                  /* memory changes under the reservation */
        AMO(0x03, false, 14, 6, 5),     /* sc.d fails: value differs */
        RVT_EBREAK,
    };

    m.cpu.x[6] = RVT_DATA;
    m.cpu.x[7] = 0x1234;
    m.cpu.x[5] = 0x55;
    memcpy(m.mem + RVT_DATA, "\xfe\xff\xff\xff\x01\x00\x00\x00", 8);
    run_code(code, G_N_ELEMENTS(code), _i);
    ck_assert_uint_eq(m.cpu.x[10], UINT64_MAX - 1);         /* lr.w sign-extends */
    ck_assert_uint_eq(m.cpu.x[11], 0);
    ck_assert_uint_eq(m.cpu.x[12], 1);
    ck_assert_uint_eq(m.cpu.x[13], 0x0000000100001234u);
    ck_assert_uint_eq(m.cpu.x[14], 1);
    ck_assert_uint_eq(m.mem[RVT_DATA], 0);
    ck_assert_uint_eq(m.cpu.res_addr, UINT64_MAX);
}
END_TEST

START_TEST(test_lift_amo)
{
    const uint32_t code[] = {
        AMO(0x00, true, 10, 6, 7),      /* amoadd.w */
        AMO(0x14, true, 11, 8, 7),      /* amomax.w: signed 32-bit compare */
        AMO(0x1c, false, 12, 9, 7),     /* amomaxu.d */
        AMO(0x01, false, 13, 9, 5),     /* amoswap.d */
        RVT_EBREAK,
    };

    m.cpu.x[6] = RVT_DATA;
    m.cpu.x[8] = RVT_DATA + 8;
    m.cpu.x[9] = RVT_DATA + 16;
    m.cpu.x[7] = 0xffffffff00000001u;   /* low half 1 */
    m.cpu.x[5] = 0x77;
    memcpy(m.mem + RVT_DATA, "\xff\xff\xff\x7f\xaa\xaa\xaa\xaa", 8);        /* INT32_MAX */
    memcpy(m.mem + RVT_DATA + 8, "\x00\x00\x00\x80\xbb\xbb\xbb\xbb", 8);    /* INT32_MIN */
    memcpy(m.mem + RVT_DATA + 16, "\x05\x00\x00\x00\x00\x00\x00\x00", 8);
    run_code(code, G_N_ELEMENTS(code), _i);
    ck_assert_uint_eq(m.cpu.x[10], 0x7fffffff);
    ck_assert_uint_eq(*(uint32_t *)(m.mem + RVT_DATA), 0x80000000u);
    ck_assert_uint_eq(*(uint32_t *)(m.mem + RVT_DATA + 4), 0xaaaaaaaau);   /* untouched */
    ck_assert_uint_eq(m.cpu.x[11], 0xffffffff80000000u);
    ck_assert_uint_eq(*(uint32_t *)(m.mem + RVT_DATA + 8), 1);
    ck_assert_uint_eq(m.cpu.x[12], 5);
    ck_assert_uint_eq(m.cpu.x[13], 0xffffffff00000001u);
    ck_assert_uint_eq(*(uint64_t *)(m.mem + RVT_DATA + 16), 0x77);
}
END_TEST

/* A misaligned LR/SC/AMO address raises GUEST_EXIT_MISALIGNED before any access. */
START_TEST(test_lift_amo_misaligned)
{
    const struct {
        uint32_t insn;
        int access;
    } cases[] = {
        { AMO(0x02, true, 10, 6, 0), GUEST_ACCESS_READ },
        { AMO(0x03, false, 10, 6, 7), GUEST_ACCESS_WRITE },
        { AMO(0x00, true, 10, 6, 7), GUEST_ACCESS_WRITE },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint32_t code[2] = { cases[i].insn, RVT_EBREAK };
        IrInterpExit ex;

        m.optimize = _i;
        m.cpu.x[6] = RVT_DATA + 2;
        rvt_load(&m, code, 2);
        ex = rvt_run(&m, 2);
        ck_assert_uint_eq(ex.raise_kind, GUEST_EXIT_MISALIGNED);
        ck_assert_int_eq(ex.code, cases[i].access);
        ck_assert_uint_eq(ex.aux, RVT_DATA + 2);
        ck_assert_uint_eq(ex.pc, RVT_CODE);
        ck_assert_uint_eq(m.cpu.x[10], 0);
    }
}
END_TEST

/* fflags/frm/fcsr (ISA 11.2) and the counters. */
START_TEST(test_lift_csr)
{
    const uint32_t code[] = {
        CSRRWI(10, 0x001, 0x1f),    /* a0 = fflags (0x01), fflags = 0x1f */
        CSRRS(11, 0x003, 0),        /* a1 = fcsr = frm << 5 | fflags */
        CSRRWI(12, 0x002, 4),       /* a2 = old frm (3), frm = 4 */
        CSRRCI(13, 0x001, 0x3),     /* a3 = 0x1f, fflags &= ~3 */
        CSRRW(14, 0x003, 5),        /* a4 = fcsr, fcsr = t0 */
        CSRRS(15, 0xc00, 0),        /* cycle */
        CSRRS(16, 0xc01, 0),        /* time */
        CSRRS(17, 0xc02, 0),        /* instret */
        CSRRS(18, 0xc01, 0),        /* time again */
        RVT_EBREAK,
    };

    m.cpu.fflags = 0x01;
    m.cpu.frm = 3;
    m.cpu.x[5] = 0xffffff4a;        /* frm = 2, fflags = 0x0a; upper bits ignored */
    run_code(code, G_N_ELEMENTS(code), _i);
    ck_assert_uint_eq(m.cpu.x[10], 0x01);
    ck_assert_uint_eq(m.cpu.x[11], 3 << 5 | 0x1f);
    ck_assert_uint_eq(m.cpu.x[12], 3);
    ck_assert_uint_eq(m.cpu.x[13], 0x1f);
    ck_assert_uint_eq(m.cpu.x[14], 4 << 5 | 0x1c);
    ck_assert_uint_eq(m.cpu.frm, 2);
    ck_assert_uint_eq(m.cpu.fflags, 0x0a);
    ck_assert_uint_ne(m.cpu.x[15], 0);
    ck_assert_uint_ne(m.cpu.x[17], 0);
    ck_assert_uint_ge(m.cpu.x[18], m.cpu.x[16]);
}
END_TEST

/* The register table names pc, the ABI x and f names, fflags and frm at their offsets. */
START_TEST(test_lift_arch_description)
{
    const GuestArch *a = &rv64_arch;
    RvCpu cpu;

    ck_assert_str_eq(a->name, "riscv64");
    ck_assert_uint_eq(a->elf_machine, 243);
    ck_assert_uint_eq(a->word_size, 8);
    ck_assert(!a->big_endian);
    ck_assert_uint_eq(a->n_regs, 67 + 14);
    ck_assert_str_eq(a->regs[0].name, "pc");
    ck_assert_str_eq(a->regs[1].name, "zero");
    ck_assert_str_eq(a->regs[11].name, "a0");
    ck_assert_uint_eq(a->regs[11].offset, offsetof(RvCpu, x[10]));
    ck_assert_str_eq(a->regs[33 + 10].name, "fa0");
    ck_assert_uint_eq(a->regs[33 + 10].offset, offsetof(RvCpu, f[10]));
    ck_assert_str_eq(a->regs[65].name, "fflags");
    ck_assert_str_eq(a->regs[66].name, "frm");
    ck_assert_str_eq(a->regs[67].name, "priv");
    ck_assert_str_eq(a->regs[68].name, "mstatus");
    ck_assert_uint_eq(a->regs[68].offset, offsetof(RvCpu, mstatus));
    memset(&cpu, 0x55, sizeof(cpu));
    a->cpu_init(&cpu.common);
    ck_assert_uint_eq(cpu.res_addr, UINT64_MAX);
    ck_assert_uint_eq(cpu.frm, 0);
    ck_assert_uint_eq(cpu.fflags, 0);
}
END_TEST

Suite *riscv_lift_suite(void)
{
    Suite *s = suite_create("riscv_lift");
    TCase *tc = tcase_create("lift");

    tcase_add_checked_fixture(tc, lift_setup, lift_teardown);
    tcase_add_loop_test(tc, test_lift_x0_and_addi, 0, 2);
    tcase_add_loop_test(tc, test_lift_w_ops, 0, 2);
    tcase_add_loop_test(tc, test_lift_loads_stores, 0, 2);
    tcase_add_loop_test(tc, test_lift_branches_and_calls, 0, 2);
    tcase_add_loop_test(tc, test_lift_jalr_clears_bit0, 0, 2);
    tcase_add_loop_test(tc, test_lift_compressed, 0, 2);
    tcase_add_test(tc, test_lift_block_bounds);
    tcase_add_loop_test(tc, test_lift_fence, 0, G_N_ELEMENTS(fence_cases));
    tcase_add_loop_test(tc, test_lift_fetch, 0, 2);
    tcase_add_loop_test(tc, test_lift_traps, 0, 2);
    tcase_add_loop_test(tc, test_lift_lr_sc, 0, 2);
    tcase_add_loop_test(tc, test_lift_amo, 0, 2);
    tcase_add_loop_test(tc, test_lift_amo_misaligned, 0, 2);
    tcase_add_loop_test(tc, test_lift_csr, 0, 2);
    tcase_add_test(tc, test_lift_arch_description);
    suite_add_tcase(s, tc);
    return s;
}
