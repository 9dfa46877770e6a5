/*
 * The system-mode CSR file against the Privileged Spec 20211203: who may access what
 * (§2.1 number fields, counter enables §3.1.11, TVM §3.1.6.5, Sstc), the mstatus and
 * sstatus views with FS/SD (§3.1.6, §4.1.1), the mie/mip views (§4.1.3) and the WARL
 * fields (MPP, xtvec MODE, satp MODE, medeleg/mideleg, PMP configuration).
 */
#include <check.h>

#include "frontend/riscv/internal.h"
#include "tests/unit/riscv/rv_test.h"

static RvtMachine m;
static RvCpu *cpu;

static void csr_setup(void)
{
    rvt_init(&m);
    rvt_sys_init(&m, RV_PRIV_M);
    cpu = &m.cpu;
}

static void csr_teardown(void)
{
    rvt_fini(&m);
}

static bool rd(unsigned csr, uint64_t *v)
{
    return rv_csr_access(cpu, csr, RV_CSR_OP_S, 0, false, v);
}

static bool wr(unsigned csr, uint64_t v)
{
    uint64_t old;

    return rv_csr_access(cpu, csr, RV_CSR_OP_W, v, true, &old);
}

static uint64_t rdv(unsigned csr)
{
    uint64_t v = 0xdead;

    ck_assert_msg(rd(csr, &v), "read of 0x%x refused", csr);
    return v;
}

/* --- Access rules by privilege (§2.1) --- */

typedef struct AccessCase {
    unsigned csr;
    unsigned priv;
    bool write;
    bool ok;
} AccessCase;

static const AccessCase access_cases[] = {
    { 0x300, RV_PRIV_U, false, false },     /* mstatus from U */
    { 0x300, RV_PRIV_S, false, false },     /* mstatus from S */
    { 0x300, RV_PRIV_M, true, true },
    { 0x100, RV_PRIV_U, false, false },     /* sstatus from U */
    { 0x100, RV_PRIV_S, true, true },
    { 0x100, RV_PRIV_M, true, true },
    { 0x180, RV_PRIV_U, false, false },     /* satp from U */
    { 0x140, RV_PRIV_S, true, true },       /* sscratch */
    { 0x340, RV_PRIV_S, false, false },     /* mscratch from S */
    { 0xf14, RV_PRIV_M, false, true },      /* mhartid read */
    { 0xf14, RV_PRIV_M, true, false },      /* mhartid is read-only (bits 11:10 = 11) */
    { 0xf11, RV_PRIV_S, false, false },     /* mvendorid from S */
    { 0xc00, RV_PRIV_M, true, false },      /* cycle is read-only */
    { 0x3a1, RV_PRIV_M, false, false },     /* pmpcfg1 does not exist on RV64 */
    { 0x3a4, RV_PRIV_M, true, true },       /* pmpcfg4: entries not implemented, read zero */
    { 0x7c0, RV_PRIV_M, false, false },     /* custom number: unknown */
    { 0x200, RV_PRIV_M, false, false },     /* vsstatus: no hypervisor */
    { 0x7b0, RV_PRIV_M, false, false },     /* dcsr: debug mode only */
    { 0x001, RV_PRIV_U, true, true },       /* fflags with FS on */
    { 0x14d, RV_PRIV_M, true, true },       /* stimecmp from M, whatever STCE */
    { 0x14d, RV_PRIV_S, false, false },     /* ... but not from S while STCE = 0 */
};

START_TEST(test_csr_access)
{
    const AccessCase *c = &access_cases[_i];
    uint64_t old;

    cpu->mstatus |= (uint64_t)RV_FS_INITIAL << RV_MSTATUS_FS_SHIFT;
    cpu->priv = c->priv;
    ck_assert_msg(rv_csr_access(cpu, c->csr, RV_CSR_OP_W, 0, c->write, &old) == c->ok,
                  "csr 0x%x priv %u write %d", c->csr, c->priv, c->write);
}
END_TEST

START_TEST(test_csr_id_registers)
{
    ck_assert_uint_eq(rdv(0xf11), 0);
    ck_assert_uint_eq(rdv(0xf12), 0);
    ck_assert_uint_eq(rdv(0xf13), 0);
    ck_assert_uint_eq(rdv(0xf15), 0);
    cpu->cfg.hart_id = 3;
    ck_assert_uint_eq(rdv(0xf14), 3);
    /* misa: MXL = 2 in bits 63:62, and I, M, A, F, D, C, S, U. */
    ck_assert_uint_eq(rdv(0x301), (UINT64_C(2) << 62) | 0x14112d);
    ck_assert(wr(0x301, 0));                /* WARL: the write is accepted and ignored */
    ck_assert_uint_eq(rdv(0x301) >> 62, 2);
}
END_TEST

/* --- mstatus / sstatus, FS and SD --- */

START_TEST(test_csr_mstatus_reset_and_xl)
{
    /* §3.4: M mode, MIE = MPRV = 0; UXL = SXL = 2 (64-bit), read-only. */
    ck_assert_uint_eq(cpu->priv, RV_PRIV_M);
    ck_assert_uint_eq(m.cpu.common.pc, RVT_CODE);
    ck_assert_uint_eq(rdv(0x300), (UINT64_C(2) << 32) | (UINT64_C(2) << 34));
    ck_assert(wr(0x300, 0));
    ck_assert_uint_eq(rdv(0x300), (UINT64_C(2) << 32) | (UINT64_C(2) << 34));
}
END_TEST

START_TEST(test_csr_sstatus_view)
{
    uint64_t ms;

    ck_assert(wr(0x300, RV_MSTATUS_MIE | RV_MSTATUS_MPIE | RV_MSTATUS_TVM));
    cpu->priv = RV_PRIV_S;
    ck_assert(wr(0x100, ~UINT64_C(0)));
    ms = cpu->mstatus;
    /* S may set SIE SPIE SPP FS SUM MXR; M-only bits keep their values. */
    ck_assert_uint_eq(ms & (RV_MSTATUS_SIE | RV_MSTATUS_SPIE | RV_MSTATUS_SPP | RV_MSTATUS_FS |
                            RV_MSTATUS_SUM | RV_MSTATUS_MXR),
                      RV_MSTATUS_SIE | RV_MSTATUS_SPIE | RV_MSTATUS_SPP | RV_MSTATUS_FS |
                      RV_MSTATUS_SUM | RV_MSTATUS_MXR);
    ck_assert(ms & RV_MSTATUS_MIE);
    ck_assert(ms & RV_MSTATUS_MPIE);
    ck_assert(ms & RV_MSTATUS_TVM);
    ck_assert_uint_eq(ms & (RV_MSTATUS_MPP | RV_MSTATUS_MPRV | RV_MSTATUS_TW | RV_MSTATUS_TSR), 0);
    /* The view hides the M fields and shows UXL and SD (FS = Dirty). */
    ck_assert_uint_eq(rdv(0x100), RV_MSTATUS_SIE | RV_MSTATUS_SPIE | RV_MSTATUS_SPP | RV_MSTATUS_FS |
                      RV_MSTATUS_SUM | RV_MSTATUS_MXR | (UINT64_C(2) << 32) | RV_MSTATUS_SD);
}
END_TEST

START_TEST(test_csr_fs_sd)
{
    uint64_t v;

    /* FS = Off: the FP CSRs are illegal (§3.1.6.6). */
    ck_assert(!rd(0x001, &v));
    ck_assert(!rd(0x003, &v));
    /* Clean: SD clear; a write to fflags makes FS Dirty and sets SD. */
    ck_assert(wr(0x300, (uint64_t)RV_FS_CLEAN << RV_MSTATUS_FS_SHIFT));
    ck_assert_uint_eq(rdv(0x300) >> 63, 0);
    ck_assert(wr(0x001, 0x1f));
    ck_assert_uint_eq((rdv(0x300) & RV_MSTATUS_FS) >> RV_MSTATUS_FS_SHIFT, RV_FS_DIRTY);
    ck_assert_uint_eq(rdv(0x300) >> 63, 1);
    /* fcsr = frm << 5 | fflags. */
    ck_assert(wr(0x002, 3));
    ck_assert_uint_eq(rdv(0x003), 0x7f);
    ck_assert(wr(0x003, 0xff));
    ck_assert_uint_eq(rdv(0x002), 7);
    ck_assert_uint_eq(rdv(0x001), 0x1f);
    /* Software writing FS = Initial clears SD again. */
    ck_assert(wr(0x300, (uint64_t)RV_FS_INITIAL << RV_MSTATUS_FS_SHIFT));
    ck_assert_uint_eq(rdv(0x300) >> 63, 0);
}
END_TEST

START_TEST(test_csr_mpp_warl)
{
    ck_assert(wr(0x300, (uint64_t)RV_PRIV_S << RV_MSTATUS_MPP_SHIFT));
    ck_assert(wr(0x300, UINT64_C(2) << RV_MSTATUS_MPP_SHIFT));     /* reserved: keeps S */
    ck_assert_uint_eq((rdv(0x300) & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT, RV_PRIV_S);
    ck_assert(wr(0x300, (uint64_t)RV_PRIV_M << RV_MSTATUS_MPP_SHIFT));
    ck_assert_uint_eq((rdv(0x300) & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT, RV_PRIV_M);
}
END_TEST

/* --- Delegation, enables, pending (§3.1.8, §3.1.9, §4.1.3) --- */

START_TEST(test_csr_deleg_masks)
{
    ck_assert(wr(0x302, ~UINT64_C(0)));
    ck_assert_uint_eq(rdv(0x302), 0xb3ff);      /* ecall from M (11) is never delegated */
    ck_assert(wr(0x303, ~UINT64_C(0)));
    ck_assert_uint_eq(rdv(0x303), 0x222);       /* SSI, STI, SEI */
    ck_assert(wr(0x304, ~UINT64_C(0)));
    ck_assert_uint_eq(rdv(0x304), 0xaaa);
}
END_TEST

START_TEST(test_csr_sie_sip_views)
{
    ck_assert(wr(0x303, RV_MIP_SSIP | RV_MIP_STIP));        /* SEI stays with M */
    ck_assert(wr(0x304, RV_MIP_MTIP));
    cpu->priv = RV_PRIV_S;
    ck_assert(wr(0x104, ~UINT64_C(0)));
    ck_assert_uint_eq(cpu->mie, RV_MIP_MTIP | RV_MIP_SSIP | RV_MIP_STIP);
    ck_assert_uint_eq(rdv(0x104), RV_MIP_SSIP | RV_MIP_STIP);
    rv_cpu_set_irq(cpu, RV_IRQ_SEI, true);
    rv_cpu_set_irq(cpu, RV_IRQ_MTI, true);
    ck_assert(wr(0x144, ~UINT64_C(0)));                     /* only SSIP is writable in sip */
    ck_assert_uint_eq(rdv(0x144), RV_MIP_SSIP);             /* SEIP, MTIP not delegated: hidden */
    cpu->priv = RV_PRIV_M;
    ck_assert_uint_eq(rdv(0x344), RV_MIP_SSIP | RV_MIP_SEIP | RV_MIP_MTIP);
    /* M writes SSIP, STIP, SEIP; MTIP follows the device only. */
    ck_assert(wr(0x344, 0));
    ck_assert_uint_eq(rdv(0x344), RV_MIP_SEIP | RV_MIP_MTIP);  /* SEIP still driven by the device */
    ck_assert(wr(0x344, RV_MIP_STIP | RV_MIP_MSIP));
    ck_assert_uint_eq(rdv(0x344), RV_MIP_STIP | RV_MIP_SEIP | RV_MIP_MTIP);
    /* SSIP not delegated: sip's write does nothing. */
    ck_assert(wr(0x303, 0));
    cpu->priv = RV_PRIV_S;
    ck_assert(wr(0x144, RV_MIP_SSIP));
    ck_assert_uint_eq(cpu->mip_sw & RV_MIP_SSIP, 0);
}
END_TEST

/*
 * §3.1.9: csrrs/csrrc on mip use only the software-writable SEIP bit, so setting SSIP
 * while the PLIC drives SEIP does not latch SEIP once the device lets go.
 */
START_TEST(test_csr_mip_rmw_leaves_device_seip)
{
    uint64_t old;

    rv_cpu_set_irq(cpu, RV_IRQ_SEI, true);
    ck_assert(rv_csr_access(cpu, 0x344, RV_CSR_OP_S, RV_MIP_SSIP, true, &old));
    ck_assert_uint_eq(old & RV_MIP_SEIP, RV_MIP_SEIP);          /* the read shows the signal */
    ck_assert(rv_csr_access(cpu, 0x344, RV_CSR_OP_C, RV_MIP_STIP, true, &old));
    rv_cpu_set_irq(cpu, RV_IRQ_SEI, false);
    ck_assert_uint_eq(rdv(0x344), RV_MIP_SSIP);
    /* The software bit itself is still set and cleared through the same instructions. */
    ck_assert(rv_csr_access(cpu, 0x344, RV_CSR_OP_S, RV_MIP_SEIP, true, &old));
    ck_assert_uint_eq(rdv(0x344), RV_MIP_SSIP | RV_MIP_SEIP);
    ck_assert(rv_csr_access(cpu, 0x344, RV_CSR_OP_C, RV_MIP_SEIP | RV_MIP_SSIP, true, &old));
    ck_assert_uint_eq(rdv(0x344), 0);
}
END_TEST

/* --- WARL registers --- */

START_TEST(test_csr_tvec_epc)
{
    ck_assert(wr(0x305, 0x8001));
    ck_assert_uint_eq(rdv(0x305), 0x8001);
    ck_assert(wr(0x305, 0x9002));               /* mode 2 reserved: keep Vectored */
    ck_assert_uint_eq(rdv(0x305), 0x9001);
    ck_assert(wr(0x105, 0x4003));
    ck_assert_uint_eq(rdv(0x105), 0x4000);
    ck_assert(wr(0x341, 0x1235));               /* bit 0 of xepc is always 0 */
    ck_assert_uint_eq(rdv(0x341), 0x1234);
    ck_assert(wr(0x141, 0x1003));
    ck_assert_uint_eq(rdv(0x141), 0x1002);      /* C present: bit 1 stays */
}
END_TEST

START_TEST(test_csr_satp)
{
    uint64_t sv39 = (UINT64_C(8) << 60) | (UINT64_C(5) << 44) | 0x1234;
    uint64_t v;

    ck_assert(wr(0x180, sv39));
    ck_assert_uint_eq(rdv(0x180), sv39);
    ck_assert(wr(0x180, (UINT64_C(10) << 60) | 0x99));     /* Sv57 unsupported: no effect */
    ck_assert_uint_eq(rdv(0x180), sv39);
    ck_assert(wr(0x180, UINT64_C(9) << 60));
    ck_assert_uint_eq(rdv(0x180), UINT64_C(9) << 60);
    /* TVM: satp traps in S mode, not in M mode. */
    cpu->mstatus |= RV_MSTATUS_TVM;
    ck_assert(rd(0x180, &v));
    cpu->priv = RV_PRIV_S;
    ck_assert(!rd(0x180, &v));
    cpu->mstatus &= ~RV_MSTATUS_TVM;
    ck_assert(rd(0x180, &v));
}
END_TEST

START_TEST(test_csr_envcfg)
{
    ck_assert(wr(0x30a, ~UINT64_C(0)));
    ck_assert_uint_eq(rdv(0x30a), RV_MENVCFG_STCE | RV_MENVCFG_FIOM);   /* no PBMTE, CBZE... */
    ck_assert(wr(0x10a, ~UINT64_C(0)));
    ck_assert_uint_eq(rdv(0x10a), RV_MENVCFG_FIOM);
}
END_TEST

/* --- Counters (§3.1.10-§3.1.13) --- */

static uint64_t fake_time;
static uint64_t read_fake_time(void *opaque)
{
    return fake_time;
}

START_TEST(test_csr_counter_enables)
{
    uint64_t v;

    cpu->cfg.read_time = read_fake_time;
    fake_time = 12345;
    ck_assert_uint_eq(rdv(0xc01), 12345);       /* M: always */
    cpu->priv = RV_PRIV_S;
    ck_assert(!rd(0xc01, &v));                  /* S: needs mcounteren.TM */
    cpu->mcounteren = 1u << RV_COUNTER_TM;
    ck_assert_uint_eq(rdv(0xc01), 12345);
    ck_assert(!rd(0xc00, &v));                  /* CY not enabled */
    cpu->priv = RV_PRIV_U;
    ck_assert(!rd(0xc01, &v));                  /* U: needs scounteren.TM too */
    cpu->scounteren = 1u << RV_COUNTER_TM;
    ck_assert_uint_eq(rdv(0xc01), 12345);
    /* hpmcounter3 reads zero once enabled. */
    ck_assert(!rd(0xc03, &v));
    cpu->mcounteren |= 1u << 3;
    cpu->scounteren |= 1u << 3;
    ck_assert_uint_eq(rdv(0xc03), 0);
}
END_TEST

START_TEST(test_csr_mcycle_inhibit)
{
    ck_assert(wr(0x320, ~UINT64_C(0)));
    ck_assert_uint_eq(rdv(0x320), 0x5);         /* CY and IR; TM cannot be inhibited */
    ck_assert(wr(0xb00, 1000));
    ck_assert(wr(0xb02, 77));
    ck_assert_uint_eq(rdv(0xb00), 1000);        /* frozen while inhibited */
    ck_assert_uint_eq(rdv(0xc00), 1000);        /* cycle is mcycle's copy */
    ck_assert_uint_eq(rdv(0xb02), 77);
    ck_assert_uint_eq(rdv(0xc02), 77);
    ck_assert(wr(0x320, 0));
    ck_assert_uint_ge(rdv(0xb00), 1000);        /* counts on from the written value */
    ck_assert_uint_eq(rdv(0xb03), 0);          /* mhpmcounter3 reads zero */
}
END_TEST

START_TEST(test_csr_stimecmp)
{
    uint64_t v;

    cpu->cfg.read_time = read_fake_time;
    fake_time = 500;
    ck_assert(wr(0x14d, 1000));
    ck_assert_uint_eq(rdv(0x344) & RV_MIP_STIP, 0);
    ck_assert(wr(0x30a, RV_MENVCFG_STCE));
    ck_assert_uint_eq(rv_cpu_sstc_deadline(cpu), 1000);
    ck_assert_uint_eq(rdv(0x344) & RV_MIP_STIP, 0);
    fake_time = 1000;                           /* STIP = time >= stimecmp */
    ck_assert_uint_eq(rdv(0x344) & RV_MIP_STIP, RV_MIP_STIP);
    ck_assert(wr(0x344, 0));                    /* read-only in mip while STCE */
    ck_assert_uint_eq(rdv(0x344) & RV_MIP_STIP, RV_MIP_STIP);
    /* S access needs STCE and mcounteren.TM. */
    cpu->priv = RV_PRIV_S;
    ck_assert(!rd(0x14d, &v));
    cpu->mcounteren = 1u << RV_COUNTER_TM;
    ck_assert(wr(0x14d, 2000));
    ck_assert_uint_eq(rdv(0x144) & RV_MIP_STIP, 0);     /* not delegated: hidden anyway */
    cpu->priv = RV_PRIV_M;
    ck_assert_uint_eq(rdv(0x344) & RV_MIP_STIP, 0);
}
END_TEST

/* --- PMP registers (§3.7.1) --- */

START_TEST(test_csr_pmp_regs)
{
    ck_assert(wr(0x3b1, 0x1234));
    /* Entry 0: R=0 W=1 is reserved and loses W; bits 6:5 read zero.  Entry 1: L|NAPOT|XWR. */
    ck_assert(wr(0x3a0, 0x62 | (UINT64_C(0x9f) << 8)));
    ck_assert_uint_eq(rdv(0x3a0), UINT64_C(0x9f) << 8);
    ck_assert(wr(0x3b0, ~UINT64_C(0)));
    ck_assert_uint_eq(rdv(0x3b0), (UINT64_C(1) << 54) - 1);    /* pmpaddr holds bits 55:2 */
    /* Entry 1 locked: its cfg and address ignore writes until reset. */
    ck_assert(wr(0x3a0, 0));
    ck_assert_uint_eq(rdv(0x3a0), UINT64_C(0x9f) << 8);
    ck_assert(wr(0x3b1, 0x5678));
    ck_assert_uint_eq(rdv(0x3b1), 0x1234);
    /* Entry 3 a locked TOR: entry 2's address is its base and ignores writes too. */
    ck_assert(wr(0x3a0, UINT64_C(0x89) << 24));
    ck_assert_uint_eq(cpu->pmpcfg[3], 0x89);
    ck_assert(wr(0x3b2, 0x4444));
    ck_assert_uint_eq(rdv(0x3b2), 0);
    ck_assert(wr(0x3b3, 0x4444));
    ck_assert_uint_eq(rdv(0x3b3), 0);
    ck_assert(wr(0x3a2, 0x18));                             /* pmpcfg2 = entries 8-15 */
    ck_assert_uint_eq(cpu->pmpcfg[8], 0x18);
    ck_assert_uint_eq(rdv(0x3a4), 0);
    ck_assert_uint_eq(rdv(0x3c0), 0);                       /* pmpaddr16: not implemented */
    /* Reset unlocks. */
    rv_cpu_reset(cpu);
    ck_assert_uint_eq(rdv(0x3a0), 0);
}
END_TEST

Suite *riscv_priv_csr_suite(void)
{
    Suite *s = suite_create("riscv_priv_csr");
    TCase *tc = tcase_create("csr");

    tcase_add_checked_fixture(tc, csr_setup, csr_teardown);
    tcase_add_loop_test(tc, test_csr_access, 0, G_N_ELEMENTS(access_cases));
    tcase_add_test(tc, test_csr_id_registers);
    tcase_add_test(tc, test_csr_mip_rmw_leaves_device_seip);
    tcase_add_test(tc, test_csr_mstatus_reset_and_xl);
    tcase_add_test(tc, test_csr_sstatus_view);
    tcase_add_test(tc, test_csr_fs_sd);
    tcase_add_test(tc, test_csr_mpp_warl);
    tcase_add_test(tc, test_csr_deleg_masks);
    tcase_add_test(tc, test_csr_sie_sip_views);
    tcase_add_test(tc, test_csr_tvec_epc);
    tcase_add_test(tc, test_csr_satp);
    tcase_add_test(tc, test_csr_envcfg);
    tcase_add_test(tc, test_csr_counter_enables);
    tcase_add_test(tc, test_csr_mcycle_inhibit);
    tcase_add_test(tc, test_csr_stimecmp);
    tcase_add_test(tc, test_csr_pmp_regs);
    suite_add_tcase(s, tc);
    return s;
}
