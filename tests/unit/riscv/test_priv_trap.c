/*
 * Trap entry, delegation and return (Privileged Spec 20211203, §3.1.7-§3.1.9, §3.3.1,
 * §3.3.2, §4.1.1), interrupt priority and enables, device lines, and the GuestArch
 * hooks that turn exits into traps.
 */
#include <check.h>

#include "frontend/riscv/internal.h"
#include "tests/unit/riscv/rv_test.h"

static RvtMachine m;
static RvCpu *cpu;

static void trap_setup(void)
{
    rvt_init(&m);
    rvt_sys_init(&m, RV_PRIV_M);
    cpu = &m.cpu;
    cpu->mtvec = 0x8000;
    cpu->stvec = 0x9000;
}

static void trap_teardown(void)
{
    rvt_fini(&m);
}

static unsigned mpp(void)
{
    return (unsigned)((cpu->mstatus & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT);
}

START_TEST(test_trap_to_m)
{
    cpu->priv = RV_PRIV_U;
    cpu->mstatus |= RV_MSTATUS_MIE;
    m.cpu.common.pc = 0x1234;
    rv_cpu_do_trap(cpu, RV_EXC_LOAD_PAGE_FAULT, 0xdead000);
    ck_assert_uint_eq(cpu->priv, RV_PRIV_M);
    ck_assert_uint_eq(m.cpu.common.pc, 0x8000);
    ck_assert_uint_eq(cpu->mcause, 13);
    ck_assert_uint_eq(cpu->mepc, 0x1234);
    ck_assert_uint_eq(cpu->mtval, 0xdead000);
    ck_assert_uint_eq(mpp(), RV_PRIV_U);
    ck_assert(cpu->mstatus & RV_MSTATUS_MPIE);      /* MPIE <- MIE */
    ck_assert(!(cpu->mstatus & RV_MSTATUS_MIE));
    ck_assert_uint_eq(cpu->scause, 0);
}
END_TEST

START_TEST(test_trap_delegated_to_s)
{
    cpu->medeleg = UINT64_C(1) << RV_EXC_ECALL_U;
    cpu->priv = RV_PRIV_U;
    cpu->mstatus |= RV_MSTATUS_SIE | RV_MSTATUS_SPP;
    m.cpu.common.pc = 0x2000;
    rv_cpu_do_trap(cpu, RV_EXC_ECALL_U, 0);
    ck_assert_uint_eq(cpu->priv, RV_PRIV_S);
    ck_assert_uint_eq(m.cpu.common.pc, 0x9000);
    ck_assert_uint_eq(cpu->scause, 8);
    ck_assert_uint_eq(cpu->sepc, 0x2000);
    ck_assert_uint_eq(cpu->stval, 0);
    ck_assert(!(cpu->mstatus & RV_MSTATUS_SPP));    /* came from U */
    ck_assert(cpu->mstatus & RV_MSTATUS_SPIE);
    ck_assert(!(cpu->mstatus & RV_MSTATUS_SIE));
    ck_assert_uint_eq(cpu->mcause, 0);
    /* From S, delegated again: SPP = 1. */
    cpu->medeleg |= UINT64_C(1) << RV_EXC_ILLEGAL_INSN;
    rv_cpu_do_trap(cpu, RV_EXC_ILLEGAL_INSN, 0x13);
    ck_assert(cpu->mstatus & RV_MSTATUS_SPP);
    ck_assert(!(cpu->mstatus & RV_MSTATUS_SPIE));   /* SIE was 0 */
    ck_assert_uint_eq(cpu->stval, 0x13);
}
END_TEST

START_TEST(test_trap_m_never_delegates)
{
    cpu->medeleg = 0xb3ff;
    cpu->mideleg = RV_S_INTERRUPTS;
    rv_cpu_do_trap(cpu, RV_EXC_BREAKPOINT, 0x1000);
    ck_assert_uint_eq(cpu->priv, RV_PRIV_M);
    ck_assert_uint_eq(cpu->mcause, 3);
    ck_assert_uint_eq(mpp(), RV_PRIV_M);
    ck_assert_uint_eq(m.cpu.common.pc, 0x8000);
}
END_TEST

START_TEST(test_trap_vectored)
{
    cpu->mtvec = 0x8001;
    cpu->stvec = 0x9001;
    cpu->mideleg = RV_MIP_STIP;
    cpu->priv = RV_PRIV_S;
    rv_cpu_do_trap(cpu, RV_CAUSE_INTERRUPT | RV_IRQ_MTI, 0);
    ck_assert_uint_eq(m.cpu.common.pc, 0x8000 + 4 * 7);
    ck_assert_uint_eq(cpu->mcause, RV_CAUSE_INTERRUPT | 7);
    cpu->priv = RV_PRIV_U;
    rv_cpu_do_trap(cpu, RV_CAUSE_INTERRUPT | RV_IRQ_STI, 0);
    ck_assert_uint_eq(cpu->priv, RV_PRIV_S);
    ck_assert_uint_eq(m.cpu.common.pc, 0x9000 + 4 * 5);
    /* Exceptions go to the base in vectored mode. */
    rv_cpu_do_trap(cpu, RV_EXC_ILLEGAL_INSN, 0);
    ck_assert_uint_eq(m.cpu.common.pc, 0x8000);
}
END_TEST

START_TEST(test_mret)
{
    cpu->mstatus |= RV_MSTATUS_MPIE | RV_MSTATUS_MPRV | ((uint64_t)RV_PRIV_S << RV_MSTATUS_MPP_SHIFT);
    cpu->mepc = 0x4444;
    ck_assert(rv_cpu_mret(cpu));
    ck_assert_uint_eq(cpu->priv, RV_PRIV_S);
    ck_assert_uint_eq(m.cpu.common.pc, 0x4444);
    ck_assert(cpu->mstatus & RV_MSTATUS_MIE);
    ck_assert(cpu->mstatus & RV_MSTATUS_MPIE);
    ck_assert_uint_eq(mpp(), RV_PRIV_U);
    ck_assert(!(cpu->mstatus & RV_MSTATUS_MPRV));   /* left M: MPRV cleared */
    ck_assert(!rv_cpu_mret(cpu));                   /* illegal from S */
    /* mret to M keeps MPRV. */
    cpu->priv = RV_PRIV_M;
    cpu->mstatus |= RV_MSTATUS_MPRV | ((uint64_t)RV_PRIV_M << RV_MSTATUS_MPP_SHIFT);
    cpu->mstatus &= ~RV_MSTATUS_MPIE;
    ck_assert(rv_cpu_mret(cpu));
    ck_assert_uint_eq(cpu->priv, RV_PRIV_M);
    ck_assert(cpu->mstatus & RV_MSTATUS_MPRV);
    ck_assert(!(cpu->mstatus & RV_MSTATUS_MIE));
}
END_TEST

START_TEST(test_sret)
{
    cpu->priv = RV_PRIV_S;
    cpu->mstatus |= RV_MSTATUS_SPIE | RV_MSTATUS_MPRV;
    cpu->sepc = 0x5554;
    ck_assert(rv_cpu_sret(cpu));
    ck_assert_uint_eq(cpu->priv, RV_PRIV_U);        /* SPP was 0 */
    ck_assert_uint_eq(m.cpu.common.pc, 0x5554);
    ck_assert(cpu->mstatus & RV_MSTATUS_SIE);
    ck_assert(cpu->mstatus & RV_MSTATUS_SPIE);
    ck_assert(!(cpu->mstatus & RV_MSTATUS_MPRV));
    ck_assert(!rv_cpu_sret(cpu));                   /* illegal from U */
    cpu->priv = RV_PRIV_S;
    cpu->mstatus |= RV_MSTATUS_TSR | RV_MSTATUS_SPP;
    ck_assert(!rv_cpu_sret(cpu));                   /* TSR: illegal in S */
    cpu->priv = RV_PRIV_M;
    ck_assert(rv_cpu_sret(cpu));                    /* ... but not in M */
    ck_assert_uint_eq(cpu->priv, RV_PRIV_S);
    ck_assert(!(cpu->mstatus & RV_MSTATUS_SPP));
}
END_TEST

/* --- Interrupts --- */

START_TEST(test_irq_priority)
{
    static const unsigned order[] = { RV_IRQ_MEI, RV_IRQ_MSI, RV_IRQ_MTI, RV_IRQ_SEI, RV_IRQ_SSI, RV_IRQ_STI };

    cpu->mie = 0xaaa;
    cpu->priv = RV_PRIV_U;                          /* everything enabled below M and S */
    for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
        rv_cpu_set_irq(cpu, order[i], true);
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
        ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), RV_CAUSE_INTERRUPT | order[i]);
        rv_cpu_set_irq(cpu, order[i], false);
    }
    ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), 0);
}
END_TEST

START_TEST(test_irq_enables)
{
    cpu->mie = 0xaaa;
    cpu->mideleg = RV_MIP_SEIP | RV_MIP_SSIP;
    rv_cpu_set_irq(cpu, RV_IRQ_SEI, true);          /* delegated */
    /* M with MIE = 0: nothing.  Delegated interrupts are never taken in M, even with MIE. */
    ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), 0);
    cpu->mstatus |= RV_MSTATUS_MIE | RV_MSTATUS_SIE;
    ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), 0);
    /* S with SIE = 0: the delegated one waits; in U it is taken. */
    cpu->priv = RV_PRIV_S;
    cpu->mstatus &= ~(RV_MSTATUS_MIE | RV_MSTATUS_SIE);
    ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), 0);
    cpu->priv = RV_PRIV_U;
    ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), RV_CAUSE_INTERRUPT | RV_IRQ_SEI);
    cpu->priv = RV_PRIV_S;
    cpu->mstatus |= RV_MSTATUS_SIE;
    ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), RV_CAUSE_INTERRUPT | RV_IRQ_SEI);
    /* An M interrupt is taken in S whatever MIE says, and before any S interrupt. */
    cpu->mstatus &= ~RV_MSTATUS_SIE;
    rv_cpu_set_irq(cpu, RV_IRQ_MTI, true);
    ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), RV_CAUSE_INTERRUPT | RV_IRQ_MTI);
    cpu->mstatus |= RV_MSTATUS_SIE;
    ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), RV_CAUSE_INTERRUPT | RV_IRQ_MTI);
    /* Not enabled in mie: not pending. */
    cpu->mie = RV_MIP_SEIP;
    ck_assert_uint_eq(rv_cpu_pending_interrupt(cpu), RV_CAUSE_INTERRUPT | RV_IRQ_SEI);
}
END_TEST

START_TEST(test_irq_request_and_take)
{
    GuestCpu *g = &m.cpu.common;

    cpu->mie = RV_MIP_MTIP;
    ck_assert_uint_eq(g->exit_request, 0);
    rv_cpu_set_irq(cpu, RV_IRQ_MTI, true);
    ck_assert_uint_eq(g->exit_request & GUEST_REQ_INTERRUPT, GUEST_REQ_INTERRUPT);
    /* MIE = 0 in M: not taken, but the request is consumed and wfi would wake. */
    g->pc = 0x1100;
    ck_assert(!rv64_arch.sys_take_interrupt(g));
    ck_assert_uint_eq(g->exit_request, 0);
    ck_assert(rv64_arch.sys_wake_pending(g));
    cpu->mstatus |= RV_MSTATUS_MIE;
    ck_assert_uint_eq(rv64_arch.sys_take_interrupt(g), RV_CAUSE_INTERRUPT | RV_IRQ_MTI);
    ck_assert_uint_eq(g->pc, 0x8000);
    ck_assert_uint_eq(cpu->mepc, 0x1100);
    ck_assert_uint_eq(cpu->mcause, RV_CAUSE_INTERRUPT | RV_IRQ_MTI);
    rv_cpu_set_irq(cpu, RV_IRQ_MTI, false);
    ck_assert(!rv64_arch.sys_wake_pending(g));
}
END_TEST

/* A CSR write that unmasks a pending interrupt asks the exec loop to look. */
START_TEST(test_irq_csr_write_requests)
{
    uint64_t old;

    rv_cpu_set_irq(cpu, RV_IRQ_MSI, true);
    m.cpu.common.exit_request = 0;
    cpu->mstatus |= RV_MSTATUS_MIE;
    ck_assert(rv_csr_access(cpu, 0x304, RV_CSR_OP_S, RV_MIP_MSIP, true, &old));
    ck_assert_uint_eq(m.cpu.common.exit_request, GUEST_REQ_INTERRUPT);
}
END_TEST

/* --- sys_raise: exits to causes (§3.1.15) --- */

typedef struct RaiseCase {
    GuestExitKind kind;
    int64_t code;
    uint64_t aux;
    bool trap;
    uint64_t cause, tval;
} RaiseCase;

static const RaiseCase raise_cases[] = {
    { GUEST_EXIT_ILLEGAL, 0, 0x30200073, true, RV_EXC_ILLEGAL_INSN, 0x30200073 },
    { GUEST_EXIT_BREAKPOINT, 0, 0, true, RV_EXC_BREAKPOINT, 0x1000 },
    { GUEST_EXIT_EXCEPTION, RV_EXC_ECALL_S, 0, true, RV_EXC_ECALL_S, 0 },
    { GUEST_EXIT_EXCEPTION, RV_EXC_STORE_PAGE_FAULT, 0x7000, true, RV_EXC_STORE_PAGE_FAULT, 0x7000 },
    { GUEST_EXIT_MISALIGNED, GUEST_ACCESS_WRITE, 0x1003, true, RV_EXC_STORE_MISALIGNED, 0x1003 },
    { GUEST_EXIT_MISALIGNED, GUEST_ACCESS_READ, 0x1005, true, RV_EXC_LOAD_MISALIGNED, 0x1005 },
    /* Bare M mode: the address translates, so the bus had nothing there. */
    { GUEST_EXIT_MEM_FAULT, GUEST_ACCESS_READ, 0x100000, true, RV_EXC_LOAD_ACCESS, 0x100000 },
    { GUEST_EXIT_MEM_FAULT, GUEST_ACCESS_WRITE, 0x100000, true, RV_EXC_STORE_ACCESS, 0x100000 },
    { GUEST_EXIT_FETCH_FAULT, GUEST_ACCESS_EXEC, 0x100002, true, RV_EXC_INSN_ACCESS, 0x100002 },
    { GUEST_EXIT_HALT, 4, 0, false, 0, 0 },
    { GUEST_EXIT_SYNC_MODE, 4, 0, false, 0, 0 },
    { GUEST_EXIT_TLB_FLUSH, 4, 0, false, 0, 0 },
    { GUEST_EXIT_NONE, 0, 0, false, 0, 0 },
};

START_TEST(test_sys_raise)
{
    const RaiseCase *c = &raise_cases[_i];
    GuestCpu *g = &m.cpu.common;

    g->pc = 0x1000;
    g->exit_kind = c->kind;
    g->exit_code = c->code;
    g->exit_aux = c->aux;
    ck_assert(rv64_arch.sys_raise(g) == c->trap);
    if (c->trap) {
        ck_assert_uint_eq(g->exit_kind, GUEST_EXIT_NONE);
        ck_assert_uint_eq(cpu->mcause, c->cause);
        ck_assert_uint_eq(cpu->mtval, c->tval);
        ck_assert_uint_eq(cpu->mepc, 0x1000);
        ck_assert_uint_eq(g->pc, 0x8000);
    } else {
        ck_assert_uint_eq(g->exit_kind, c->kind);
        ck_assert_uint_eq(g->pc, 0x1000);
    }
}
END_TEST

START_TEST(test_sys_reset)
{
    cpu->priv = RV_PRIV_U;
    cpu->mstatus |= RV_MSTATUS_MIE;
    cpu->x[5] = 7;
    m.cpu.common.pc = 0x4000;
    rv64_arch.sys_reset(&m.cpu.common);
    ck_assert_uint_eq(cpu->priv, RV_PRIV_M);
    ck_assert_uint_eq(m.cpu.common.pc, RVT_CODE);
    ck_assert(!(cpu->mstatus & RV_MSTATUS_MIE));
    ck_assert(m.cpu.common.mem_base == m.mem);      /* host-side state survives */
    ck_assert(cpu->sys);
}
END_TEST

Suite *riscv_priv_trap_suite(void)
{
    Suite *s = suite_create("riscv_priv_trap");
    TCase *tc = tcase_create("trap");

    tcase_add_checked_fixture(tc, trap_setup, trap_teardown);
    tcase_add_test(tc, test_trap_to_m);
    tcase_add_test(tc, test_trap_delegated_to_s);
    tcase_add_test(tc, test_trap_m_never_delegates);
    tcase_add_test(tc, test_trap_vectored);
    tcase_add_test(tc, test_mret);
    tcase_add_test(tc, test_sret);
    tcase_add_test(tc, test_irq_priority);
    tcase_add_test(tc, test_irq_enables);
    tcase_add_test(tc, test_irq_request_and_take);
    tcase_add_test(tc, test_irq_csr_write_requests);
    tcase_add_loop_test(tc, test_sys_raise, 0, G_N_ELEMENTS(raise_cases));
    tcase_add_test(tc, test_sys_reset);
    suite_add_tcase(s, tc);
    return s;
}
