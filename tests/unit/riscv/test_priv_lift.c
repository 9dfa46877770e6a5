/*
 * Privileged sequences lifted in system mode and run with the interpreter under a
 * tiny board loop (rvt_sys_run): privilege changes through mret/sret, traps raised by
 * lifted code and delegated, wfi, sfence.vma, CSR writes ending blocks, MMU indexes
 * in memory operations, and mstatus.FS.  Expected values: Privileged Spec 20211203.
 */
#include <check.h>
#include <string.h>

#include "frontend/riscv/internal.h"
#include "tests/unit/riscv/rv_test.h"

#define T0 5
#define T1 6
#define A0 10
#define A1 11
#define A2 12

static RvtMachine m;
static RvCpu *cpu;

static inline uint32_t lui(int rd, uint32_t imm20)
{
    return imm20 << 12 | (uint32_t)rd << 7 | 0x37;
}

static void put(uint64_t addr, const uint32_t *words, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t w = GUINT32_TO_LE(words[i]);

        memcpy(m.mem + addr + 4 * i, &w, 4);
    }
}

static void lift_setup(void)
{
    rvt_init(&m);
    rvt_sys_init(&m, RV_PRIV_M);
    cpu = &m.cpu;
    m.optimize = true;
}

static void lift_teardown(void)
{
    rvt_fini(&m);
}

/* M sets up a handler, drops to U with mret; U reads mstatus: illegal, back in M. */
START_TEST(test_lift_mret_to_u_illegal_csr)
{
    const uint32_t code[] = {
        lui(T0, 0x8),                       /* t0 = 0x8000 */
        RVT_CSRRW(0, 0x305, T0),            /* mtvec */
        lui(T1, 0x1),
        RVT_ADDI(T1, T1, 0x100),
        RVT_CSRRW(0, 0x341, T1),            /* mepc = 0x1100; MPP = U since reset */
        RVT_MRET,
    };
    const uint32_t user[] = { RVT_CSRRS(A0, 0x300, 0) };
    RvtSysResult r;

    put(RVT_CODE, code, G_N_ELEMENTS(code));
    put(0x1100, user, 1);
    r = rvt_sys_run(&m, 0x8000, 20);
    ck_assert_uint_eq(m.cpu.common.pc, 0x8000);
    ck_assert_uint_eq(r.traps, 1);
    ck_assert_uint_eq(cpu->priv, RV_PRIV_M);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_ILLEGAL_INSN);
    ck_assert_uint_eq(cpu->mtval, user[0]);
    ck_assert_uint_eq(cpu->mepc, 0x1100);
    ck_assert_uint_eq((cpu->mstatus & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT, RV_PRIV_U);
}
END_TEST

/* ecall from U delegated to S, S returns with sret, then ebreak goes to M. */
START_TEST(test_lift_delegated_ecall_sret)
{
    const uint32_t code[] = {
        lui(T0, 0x8),
        RVT_CSRRW(0, 0x305, T0),            /* mtvec = 0x8000 */
        lui(T0, 0x9),
        RVT_CSRRW(0, 0x105, T0),            /* stvec = 0x9000 */
        RVT_ADDI(T0, 0, 0x100),
        RVT_CSRRW(0, 0x302, T0),            /* medeleg = ecall from U */
        lui(T1, 0x1),
        RVT_ADDI(T1, T1, 0x100),
        RVT_CSRRW(0, 0x341, T1),
        RVT_MRET,
    };
    const uint32_t user[] = { RVT_ECALL, RVT_EBREAK };
    const uint32_t handler[] = {
        RVT_CSRRS(A1, 0x142, 0),            /* scause */
        RVT_CSRRS(A2, 0x141, 0),            /* sepc */
        RVT_ADDI(A2, A2, 4),
        RVT_CSRRW(0, 0x141, A2),
        RVT_SRET,
    };
    RvtSysResult r;

    put(RVT_CODE, code, G_N_ELEMENTS(code));
    put(0x1100, user, G_N_ELEMENTS(user));
    put(0x9000, handler, G_N_ELEMENTS(handler));
    r = rvt_sys_run(&m, 0x8000, 40);
    ck_assert_uint_eq(m.cpu.common.pc, 0x8000);
    ck_assert_uint_eq(r.traps, 2);
    ck_assert_uint_eq(cpu->x[A1], RV_EXC_ECALL_U);
    ck_assert_uint_eq(cpu->scause, RV_EXC_ECALL_U);
    ck_assert_uint_eq(cpu->sepc, 0x1104);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_BREAKPOINT);
    ck_assert_uint_eq(cpu->mepc, 0x1104);
    ck_assert_uint_eq(cpu->mtval, 0x1104);
    ck_assert_uint_eq((cpu->mstatus & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT, RV_PRIV_U);
}
END_TEST

/* ecall's cause is the privilege it comes from: 9 from S, 11 from M. */
START_TEST(test_lift_ecall_causes)
{
    const uint32_t code[] = { RVT_ECALL };
    RvtSysResult r;

    put(RVT_CODE, code, 1);
    cpu->mtvec = 0x8000;
    cpu->priv = RV_PRIV_S;
    r = rvt_sys_run(&m, 0x8000, 2);
    ck_assert_uint_eq(r.last_kind, GUEST_EXIT_EXCEPTION);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_ECALL_S);
    ck_assert_uint_eq(cpu->mtval, 0);
    m.cpu.common.pc = RVT_CODE;
    rvt_sys_run(&m, 0x8000, 2);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_ECALL_M);
    ck_assert_uint_eq(cpu->mepc, RVT_CODE);
}
END_TEST

START_TEST(test_lift_wfi)
{
    const uint32_t code[] = { RVT_WFI, RVT_EBREAK };
    RvtSysResult r;

    put(RVT_CODE, code, 2);
    cpu->mtvec = 0x8000;
    r = rvt_sys_run(&m, 0x8000, 4);
    ck_assert_uint_eq(r.last_kind, GUEST_EXIT_HALT);
    ck_assert_uint_eq(r.last_code, 4);                      /* resume at pc + 4 */
    ck_assert_uint_eq(m.cpu.common.pc, RVT_CODE);
    /* A locally enabled pending interrupt (MIE = 0) makes it a nop. */
    cpu->mie = RV_MIP_MSIP;
    rv_cpu_set_irq(cpu, RV_IRQ_MSI, true);
    r = rvt_sys_run(&m, 0x8000, 4);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_BREAKPOINT);
    /* S mode with TW: illegal. */
    m.cpu.common.pc = RVT_CODE;
    cpu->priv = RV_PRIV_S;
    cpu->mstatus |= RV_MSTATUS_TW;
    rvt_sys_run(&m, 0x8000, 4);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_ILLEGAL_INSN);
    ck_assert_uint_eq(cpu->mtval, RVT_WFI);
    /* U mode: illegal. */
    m.cpu.common.pc = RVT_CODE;
    cpu->priv = RV_PRIV_U;
    cpu->mstatus &= ~RV_MSTATUS_TW;
    cpu->mcause = 0;
    rvt_sys_run(&m, 0x8000, 4);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_ILLEGAL_INSN);
}
END_TEST

START_TEST(test_lift_sfence_vma)
{
    const uint32_t code[] = { RVT_SFENCE_VMA(A0, 0), RVT_SFENCE_VMA(0, 0), RVT_EBREAK };
    RvtSysResult r;

    put(RVT_CODE, code, 3);
    cpu->mtvec = 0x8000;
    cpu->priv = RV_PRIV_S;
    cpu->x[A0] = 0x12345000;
    r = rvt_sys_run(&m, RVT_CODE + 4, 2);
    ck_assert_uint_eq(r.last_kind, GUEST_EXIT_TLB_FLUSH);
    ck_assert_uint_eq(r.last_aux, 0x12345000);
    r = rvt_sys_run(&m, RVT_CODE + 8, 2);
    ck_assert_uint_eq(r.last_aux, ~UINT64_C(0));
    /* TVM: illegal in S. */
    m.cpu.common.pc = RVT_CODE;
    cpu->mstatus |= RV_MSTATUS_TVM;
    rvt_sys_run(&m, 0x8000, 2);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_ILLEGAL_INSN);
    ck_assert_uint_eq(cpu->mtval, code[0]);
}
END_TEST

/* Writes to CSRs lifted code depends on end the block; reads and other writes do not. */
typedef struct EndCase {
    unsigned csr, funct3;       /* 1 = csrrw zero,csr,a0; 2 = csrrs a1,csr,zero */
    unsigned insns;             /* instructions in the lifted block */
    int kind;                   /* exit kind of its RAISE, or -1 for none */
} EndCase;

static const EndCase end_cases[] = {
    { 0x300, 1, 1, GUEST_EXIT_SYNC_MODE },      /* csrw mstatus */
    { 0x100, 1, 1, GUEST_EXIT_SYNC_MODE },      /* csrw sstatus */
    { 0x180, 1, 1, GUEST_EXIT_TLB_FLUSH },      /* csrw satp */
    { 0x3a0, 1, 1, GUEST_EXIT_TLB_FLUSH },      /* csrw pmpcfg0 */
    { 0x3b5, 1, 1, GUEST_EXIT_TLB_FLUSH },      /* csrw pmpaddr5 */
    { 0x300, 2, 3, -1 },                        /* csrr mstatus */
    { 0x340, 1, 3, -1 },                        /* csrw mscratch */
    { 0x002, 1, 3, -1 },                        /* csrw frm */
};

START_TEST(test_lift_csr_block_end)
{
    const EndCase *c = &end_cases[_i];
    uint32_t insn = c->funct3 == 1 ? RVT_CSRRW(0, c->csr, A0) : RVT_CSRRS(A1, c->csr, 0);
    const uint32_t code[] = { insn, RVT_ADDI(A2, A2, 1), RVT_EBREAK };
    g_autoptr(IrBlock) blk = NULL;
    const IrInsn *last;

    put(RVT_CODE, code, 3);
    m.optimize = false;
    blk = rvt_lift(&m, RVT_CODE);
    ck_assert_uint_eq(blk->guest_insns, c->insns);
    last = &blk->insns[blk->n_insns - 1];
    ck_assert_uint_eq(last->op, IR_OP_RAISE);
    if (c->kind >= 0) {
        ck_assert_int_eq(last->imm[0], c->kind);
        ck_assert_int_eq(last->imm[1], 4);                  /* resume after the csr instruction */
    } else {
        ck_assert_int_eq(last->imm[0], GUEST_EXIT_BREAKPOINT);
    }
}
END_TEST

static unsigned load_mmu_idx(IrBlock *blk)
{
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        if (blk->insns[i].op == IR_OP_LOAD || blk->insns[i].op == IR_OP_STORE) {
            return ir_memop_mmu((IrMemOp)blk->insns[i].imm[0]);
        }
    }
    ck_abort_msg("no memory access");
    return 0;
}

START_TEST(test_lift_mmu_index)
{
    const uint32_t code[] = { rvt_i(0, A1, 3, A0, 0x03), RVT_EBREAK };     /* ld a0,0(a1) */
    RvtMachine um;

    put(RVT_CODE, code, 2);
    cpu->priv = RV_PRIV_S;
    cpu->mstatus |= RV_MSTATUS_SUM;
    {
        g_autoptr(IrBlock) blk = rvt_lift(&m, RVT_CODE);
        ck_assert_uint_eq(load_mmu_idx(blk), RV_MMU_IDX_S | RV_MMU_IDX_SUM);
    }
    cpu->priv = RV_PRIV_M;
    cpu->mstatus |= RV_MSTATUS_MPRV | RV_MSTATUS_MXR;      /* MPP = U */
    {
        g_autoptr(IrBlock) blk = rvt_lift(&m, RVT_CODE);
        ck_assert_uint_eq(load_mmu_idx(blk), RV_MMU_IDX_U | RV_MMU_IDX_MXR);
    }
    /* User mode: index 0, as always. */
    rvt_init(&um);
    rvt_load(&um, code, 2);
    {
        g_autoptr(IrBlock) blk = rvt_lift(&um, RVT_CODE);
        ck_assert_uint_eq(load_mmu_idx(blk), 0);
    }
    rvt_fini(&um);
}
END_TEST

START_TEST(test_lift_fs)
{
    const uint32_t code[] = { rvt_r(0x01, 3, 2, 7, 1, 0x53), RVT_EBREAK };   /* fadd.d f1,f2,f3 */

    put(RVT_CODE, code, 2);
    cpu->mtvec = 0x8000;
    /* FS = Off (reset): illegal. */
    rvt_sys_run(&m, 0x8000, 2);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_ILLEGAL_INSN);
    ck_assert_uint_eq(cpu->mepc, RVT_CODE);
    /* FS = Initial: runs, and FS becomes Dirty with SD. */
    m.cpu.common.pc = RVT_CODE;
    cpu->mstatus |= (uint64_t)RV_FS_INITIAL << RV_MSTATUS_FS_SHIFT;
    cpu->f[2] = 0x3ff0000000000000;                         /* 1.0 */
    cpu->f[3] = 0x4000000000000000;                         /* 2.0 */
    rvt_sys_run(&m, 0x8000, 2);
    ck_assert_uint_eq(cpu->mcause, RV_EXC_BREAKPOINT);
    ck_assert_uint_eq(cpu->f[1], 0x4008000000000000);       /* 3.0 */
    ck_assert_uint_eq((cpu->mstatus & RV_MSTATUS_FS) >> RV_MSTATUS_FS_SHIFT, RV_FS_DIRTY);
    ck_assert(cpu->mstatus & RV_MSTATUS_SD);
}
END_TEST

/* Setting mstatus.MIE with an interrupt pending asks the exec loop to take it. */
START_TEST(test_lift_enable_interrupt)
{
    const uint32_t code[] = { RVT_CSRRWI(0, 0x304, 8), rvt_i(0x300, 8, 6, 0, 0x73), RVT_EBREAK };

    put(RVT_CODE, code, 3);                                 /* csrwi mie,8; csrsi mstatus,1<<3 */
    cpu->mtvec = 0x8000;
    rv_cpu_set_irq(cpu, RV_IRQ_MSI, true);
    m.cpu.common.exit_request = 0;
    rvt_sys_run(&m, RVT_CODE + 8, 4);
    ck_assert_uint_eq(cpu->mstatus & RV_MSTATUS_MIE, RV_MSTATUS_MIE);
    ck_assert_uint_eq(m.cpu.common.exit_request & GUEST_REQ_INTERRUPT, GUEST_REQ_INTERRUPT);
    ck_assert(rv64_arch.sys_take_interrupt(&m.cpu.common));
    ck_assert_uint_eq(cpu->mcause, RV_CAUSE_INTERRUPT | RV_IRQ_MSI);
    ck_assert_uint_eq(cpu->mepc, RVT_CODE + 8);
}
END_TEST

static inline uint32_t slli(int rd, int rs1, unsigned sh)
{
    return rvt_i((int32_t)sh, rs1, 1, rd, 0x13);
}

/*
 * Firmware-like boot: M opens PMP, enables Sstc, delegates the supervisor timer and
 * enters S with mret; S arms stimecmp in the past and sets SIE: the timer interrupt
 * arrives at stvec before the next instruction.
 */
START_TEST(test_lift_boot_to_s_timer)
{
    const uint32_t code[] = {
        RVT_ADDI(T0, 0, -1),
        RVT_CSRRW(0, 0x3b0, T0),            /* pmpaddr0 = all ones */
        RVT_ADDI(T0, 0, 0x1f),
        RVT_CSRRW(0, 0x3a0, T0),            /* pmpcfg0: NAPOT RWX over everything */
        RVT_ADDI(T0, 0, 1),
        slli(T0, T0, 63),
        RVT_CSRRW(0, 0x30a, T0),            /* menvcfg.STCE */
        RVT_ADDI(T0, 0, 2),
        RVT_CSRRW(0, 0x306, T0),            /* mcounteren.TM */
        RVT_ADDI(T0, 0, 0x20),
        RVT_CSRRW(0, 0x303, T0),            /* mideleg = STI */
        lui(T0, 0x9),
        RVT_CSRRW(0, 0x105, T0),            /* stvec = 0x9000 */
        RVT_ADDI(T0, 0, 1),
        slli(T0, T0, 11),
        RVT_CSRRS(0, 0x300, T0),            /* MPP = S */
        lui(T1, 0x1),
        RVT_ADDI(T1, T1, 0x100),
        RVT_CSRRW(0, 0x341, T1),            /* mepc = 0x1100 */
        RVT_MRET,
    };
    const uint32_t super[] = {
        RVT_ADDI(T0, 0, 0x20),
        RVT_CSRRW(0, 0x104, T0),            /* sie = STIE */
        RVT_CSRRW(0, 0x14d, 0),             /* stimecmp = 0: already due */
        rvt_i(0x100, 2, 6, 0, 0x73),        /* csrrsi zero,sstatus,2 (SIE) */
        RVT_EBREAK,
    };
    RvtSysResult r;

    put(RVT_CODE, code, G_N_ELEMENTS(code));
    put(0x1100, super, G_N_ELEMENTS(super));
    r = rvt_sys_run(&m, 0x9000, 40);
    ck_assert_uint_eq(m.cpu.common.pc, 0x9000);
    ck_assert_uint_eq(r.traps, 0);
    ck_assert_uint_eq(r.interrupts, 1);
    ck_assert_uint_eq(cpu->priv, RV_PRIV_S);
    ck_assert_uint_eq(cpu->scause, RV_CAUSE_INTERRUPT | RV_IRQ_STI);
    ck_assert_uint_eq(cpu->sepc, 0x1110);
    ck_assert_uint_eq(cpu->stval, 0);
    ck_assert(cpu->mstatus & RV_MSTATUS_SPP);
    ck_assert(cpu->mstatus & RV_MSTATUS_SPIE);
    ck_assert(!(cpu->mstatus & RV_MSTATUS_SIE));
    ck_assert_uint_eq(cpu->pmpcfg[0], 0x1f);
}
END_TEST

Suite *riscv_priv_lift_suite(void)
{
    Suite *s = suite_create("riscv_priv_lift");
    TCase *tc = tcase_create("lift");

    tcase_add_checked_fixture(tc, lift_setup, lift_teardown);
    tcase_add_test(tc, test_lift_mret_to_u_illegal_csr);
    tcase_add_test(tc, test_lift_delegated_ecall_sret);
    tcase_add_test(tc, test_lift_ecall_causes);
    tcase_add_test(tc, test_lift_wfi);
    tcase_add_test(tc, test_lift_sfence_vma);
    tcase_add_loop_test(tc, test_lift_csr_block_end, 0, G_N_ELEMENTS(end_cases));
    tcase_add_test(tc, test_lift_mmu_index);
    tcase_add_test(tc, test_lift_fs);
    tcase_add_test(tc, test_lift_enable_interrupt);
    tcase_add_test(tc, test_lift_boot_to_s_timer);
    suite_add_tcase(s, tc);
    return s;
}
