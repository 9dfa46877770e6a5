/*
 * Sv39 and Sv48 page walks (Privileged Spec 20211203, §4.3-§4.5) over a fake GuestBus
 * on a byte array: the permission matrix with U/SUM/MXR, superpages and misaligned
 * superpages, reserved encodings, non-canonical addresses, A/D updates (also when
 * another hart changes the PTE between the read and the update), PMP on the walk.
 */
#include <check.h>
#include <string.h>

#include "frontend/riscv/internal.h"
#include "tests/unit/riscv/rv_test.h"

#define ROOT39 0x1000u
#define L1     0x2000u
#define L0     0x3000u
#define ROOT48 0x5000u
#define L2_48  0x6000u

#define V RV_PTE_V
#define R RV_PTE_R
#define W RV_PTE_W
#define X RV_PTE_X
#define U RV_PTE_U
#define A RV_PTE_A
#define D RV_PTE_D

static RvtMachine m;
static RvCpu *cpu;

static uint64_t pte_at(uint64_t addr)
{
    uint64_t v;

    memcpy(&v, m.mem + addr, 8);
    return GUINT64_FROM_LE(v);
}

static void set_pte(uint64_t table, unsigned index, uint64_t ppn, uint64_t flags)
{
    uint64_t v = GUINT64_TO_LE(ppn << 10 | flags);

    memcpy(m.mem + table + 8 * index, &v, 8);
}

static void mmu_setup(void)
{
    rvt_init(&m);
    rvt_sys_init(&m, RV_PRIV_S);
    cpu = &m.cpu;
    cpu->satp = (UINT64_C(8) << 60) | (ROOT39 >> 12);
    set_pte(ROOT39, 0, L1 >> 12, V);
    set_pte(L1, 0, L0 >> 12, V);
    set_pte(L0, 1, 0x10, V | R | W | X | A | D);        /* 0x1000: S page, RWX */
    set_pte(L0, 2, 0x11, V | R | W | U | A | D);        /* 0x2000: U page, RW */
    set_pte(L0, 3, 0x12, V | X | U | A);                /* 0x3000: U page, execute only */
    set_pte(L0, 4, 0x13, V | R | A);                    /* 0x4000: S page, read only */
    set_pte(L0, 5, 0x14, V | R | W);                    /* 0x5000: A = D = 0 */
    set_pte(L0, 6, 0x15, V | W);                        /* 0x6000: W without R: reserved */
    set_pte(L0, 7, 0x16, R | W | A | D);                /* 0x7000: not valid */
    set_pte(L0, 8, 0x17, V | R | A | (UINT64_C(1) << 61));     /* 0x8000: PBMT set */
    set_pte(L0, 9, 0x18, V | R | A | (UINT64_C(1) << 63));     /* 0x9000: N set */
    set_pte(L0, 10, 0x19, V | R | A | (UINT64_C(1) << 54));    /* 0xa000: reserved bit */
    set_pte(L0, 11, L0 >> 12, V);                       /* 0xb000: pointer at the last level */
    set_pte(L1, 1, 0x200, V | R | W | X | A | D);       /* 0x200000: 2 MiB superpage */
    set_pte(L1, 2, 0x401, V | R | W | X | A | D);       /* 0x400000: misaligned superpage */
    set_pte(ROOT39, 1, 0x40000, V | R | A);             /* 0x40000000: 1 GiB page */
    set_pte(ROOT39, 256, 0x80000, V | R | A);           /* 0xffffffc000000000: 1 GiB page */
}

static void mmu_teardown(void)
{
    rvt_fini(&m);
}

/* -1 when it translates (then *pa), else the cause. */
static int xlate(uint64_t va, GuestAccess acc, unsigned idx, uint64_t *pa)
{
    RvTranslation t;
    int c = rv_mmu_translate(cpu, va, acc, idx, &t);

    if (c < 0 && pa) {
        *pa = t.paddr;
    }
    return c;
}

/* --- The permission matrix (§4.3.1, §3.1.6.3) --- */

#define OK (-1)
#define LPF RV_EXC_LOAD_PAGE_FAULT
#define SPF RV_EXC_STORE_PAGE_FAULT
#define IPF RV_EXC_INSN_PAGE_FAULT

typedef struct PermCase {
    uint64_t va;
    unsigned idx;
    int read, write, exec;      /* expected result of each access */
} PermCase;

#define S_ RV_MMU_IDX_S
#define U_ RV_MMU_IDX_U
#define SUM RV_MMU_IDX_SUM
#define MXR RV_MMU_IDX_MXR

static const PermCase perm_cases[] = {
    /* S page RWX */
    { 0x1000, U_, LPF, SPF, IPF },
    { 0x1000, S_, OK, OK, OK },
    { 0x1000, S_ | SUM, OK, OK, OK },
    /* U page RW: U yes; S only with SUM, and never executes it */
    { 0x2000, U_, OK, OK, IPF },
    { 0x2000, S_, LPF, SPF, IPF },
    { 0x2000, S_ | SUM, OK, OK, IPF },
    /* U page execute-only: loads need MXR; S never executes U pages, SUM or not */
    { 0x3000, U_, LPF, SPF, OK },
    { 0x3000, U_ | MXR, OK, SPF, OK },
    { 0x3000, S_ | SUM, LPF, SPF, IPF },
    { 0x3000, S_ | SUM | MXR, OK, SPF, IPF },
    { 0x3000, S_ | MXR, LPF, SPF, IPF },
    /* S page read-only */
    { 0x4000, S_, OK, SPF, IPF },
    { 0x4000, U_, LPF, SPF, IPF },
    /* reserved and invalid encodings fault for every access */
    { 0x6000, S_, LPF, SPF, IPF },
    { 0x7000, S_, LPF, SPF, IPF },
    { 0x8000, S_, LPF, SPF, IPF },
    { 0x9000, S_, LPF, SPF, IPF },
    { 0xa000, S_, LPF, SPF, IPF },
    { 0xb000, S_, LPF, SPF, IPF },
    { 0xc000, S_, LPF, SPF, IPF },      /* zero PTE */
    /* superpages */
    { 0x212345, S_, OK, OK, OK },
    { 0x400000, S_, LPF, SPF, IPF },    /* misaligned */
    { 0x40001234, S_, OK, SPF, IPF },
    /* M mode: no translation at all */
    { 0x7000, RV_MMU_IDX_M, OK, OK, OK },
};

START_TEST(test_mmu_perm)
{
    const PermCase *c = &perm_cases[_i];

    ck_assert_msg(xlate(c->va, GUEST_ACCESS_READ, c->idx, NULL) == c->read, "read va %lx idx %u",
                  (unsigned long)c->va, c->idx);
    ck_assert_msg(xlate(c->va, GUEST_ACCESS_WRITE, c->idx, NULL) == c->write, "write va %lx idx %u",
                  (unsigned long)c->va, c->idx);
    ck_assert_msg(xlate(c->va, GUEST_ACCESS_EXEC, c->idx, NULL) == c->exec, "exec va %lx idx %u",
                  (unsigned long)c->va, c->idx);
}
END_TEST

START_TEST(test_mmu_addresses)
{
    uint64_t pa;
    RvTranslation t;

    ck_assert_int_eq(xlate(0x1abc, GUEST_ACCESS_READ, S_, &pa), OK);
    ck_assert_uint_eq(pa, 0x10abc);
    ck_assert_int_eq(rv_mmu_translate(cpu, 0x212345, GUEST_ACCESS_READ, S_, &t), OK);
    ck_assert_uint_eq(t.paddr, 0x212345);
    ck_assert_uint_eq(t.page_size, 2u << 20);
    ck_assert_uint_eq(t.prot, GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC);
    ck_assert_int_eq(rv_mmu_translate(cpu, 0x40001234, GUEST_ACCESS_READ, S_, &t), OK);
    ck_assert_uint_eq(t.paddr, 0x40001234);
    ck_assert_uint_eq(t.page_size, 1u << 30);
    ck_assert_uint_eq(t.prot, GUEST_PROT_READ);
    /* The top of the address space is canonical (bits 63:39 = bit 38 = 1). */
    ck_assert_int_eq(xlate(0xffffffc000000123, GUEST_ACCESS_READ, S_, &pa), OK);
    ck_assert_uint_eq(pa, 0x80000123);
    /* Non-canonical: page fault even though vpn[2] = 0 would find a valid pointer. */
    ck_assert_int_eq(xlate(0xffffff8000001000, GUEST_ACCESS_READ, S_, NULL), LPF);
    ck_assert_int_eq(xlate(0x0000004000001000, GUEST_ACCESS_WRITE, S_, NULL), SPF);
    ck_assert_int_eq(xlate(0x8000000000001000, GUEST_ACCESS_EXEC, S_, NULL), IPF);
    /* satp Bare: identity for S and U. */
    cpu->satp = 0;
    ck_assert_int_eq(xlate(0x7000, GUEST_ACCESS_WRITE, U_, &pa), OK);
    ck_assert_uint_eq(pa, 0x7000);
}
END_TEST

START_TEST(test_mmu_sv48)
{
    uint64_t pa;

    cpu->satp = (UINT64_C(9) << 60) | (ROOT48 >> 12);
    set_pte(ROOT48, 0, L2_48 >> 12, V);
    set_pte(L2_48, 0, L1 >> 12, V);                     /* reuse the Sv39 level-1 table */
    set_pte(L2_48, 256, 0x40000, V | R | W | A | D);    /* 0x4000000000: 1 GiB page */
    set_pte(ROOT48, 1, 0x8000000, V | R | A);           /* 0x8000000000: 512 GiB page */
    set_pte(ROOT48, 2, 0x8000001, V | R | A);           /* misaligned 512 GiB page */
    ck_assert_int_eq(xlate(0x1abc, GUEST_ACCESS_READ, S_, &pa), OK);
    ck_assert_uint_eq(pa, 0x10abc);
    ck_assert_int_eq(xlate(0x212345, GUEST_ACCESS_EXEC, S_, &pa), OK);
    ck_assert_uint_eq(pa, 0x212345);
    /* Canonical in Sv48 (not in Sv39). */
    ck_assert_int_eq(xlate(0x4000000055, GUEST_ACCESS_WRITE, S_, &pa), OK);
    ck_assert_uint_eq(pa, 0x40000055);
    ck_assert_int_eq(xlate(0x8123456789, GUEST_ACCESS_READ, S_, &pa), OK);
    ck_assert_uint_eq(pa, 0x8123456789);
    ck_assert_int_eq(xlate(0x10000000000, GUEST_ACCESS_READ, S_, NULL), LPF);
    /* Bits 63:48 must equal bit 47. */
    ck_assert_int_eq(xlate(0x0000800000000000, GUEST_ACCESS_READ, S_, NULL), LPF);
    ck_assert_int_eq(xlate(0xffff000000001000, GUEST_ACCESS_READ, S_, NULL), LPF);
    ck_assert_int_eq(xlate(0xffff800000001000, GUEST_ACCESS_READ, S_, NULL), LPF);  /* canonical, unmapped */
}
END_TEST

/* --- Accessed and dirty bits (§4.3.2 step 7) --- */

START_TEST(test_mmu_ad_bits)
{
    RvTranslation t;
    uint64_t before = pte_at(L0 + 8 * 5);

    ck_assert_int_eq(rv_mmu_translate(cpu, 0x5000, GUEST_ACCESS_READ, S_, &t), OK);
    ck_assert_uint_eq(pte_at(L0 + 8 * 5), before | A);
    /* Clean page: a TLB entry from a load must not allow stores. */
    ck_assert_uint_eq(t.prot, GUEST_PROT_READ);
    ck_assert_int_eq(rv_mmu_translate(cpu, 0x5008, GUEST_ACCESS_WRITE, S_, &t), OK);
    ck_assert_uint_eq(pte_at(L0 + 8 * 5), before | A | D);
    ck_assert_uint_eq(t.prot, GUEST_PROT_READ | GUEST_PROT_WRITE);
    /* A faulting access sets nothing. */
    set_pte(L0, 12, 0x1a, V | R);
    ck_assert_int_eq(xlate(0xc000, GUEST_ACCESS_WRITE, S_, NULL), SPF);
    ck_assert_uint_eq(pte_at(L0 + 8 * 12), (UINT64_C(0x1a) << 10) | V | R);
}
END_TEST

/* A second hart changes the PTE between the walk's read and its update. */
static unsigned race_calls;
static bool race_cmpxchg(void *opaque, uint64_t paddr, unsigned size, uint64_t expected,
                         uint64_t desired, uint64_t *old)
{
    if (race_calls++ == 0) {
        /* The other hart makes the page global first: this CAS must fail. */
        set_pte(L0, 5, 0x14, V | R | W | RV_PTE_G);
    }
    *old = pte_at(paddr);
    if (*old == expected) {
        uint64_t v = GUINT64_TO_LE(desired);

        memcpy(m.mem + paddr, &v, 8);
    }
    return true;
}

START_TEST(test_mmu_ad_race)
{
    RvTranslation t;

    cpu->cfg.bus.cmpxchg = race_cmpxchg;
    race_calls = 0;
    ck_assert_int_eq(rv_mmu_translate(cpu, 0x5000, GUEST_ACCESS_WRITE, S_, &t), OK);
    ck_assert_uint_eq(race_calls, 2);       /* retried after seeing the new PTE */
    ck_assert_uint_eq(pte_at(L0 + 8 * 5), (UINT64_C(0x14) << 10) | V | R | W | RV_PTE_G | A | D);
}
END_TEST

/* No memory behind a PTE, or PMP forbidding S-mode reads of the table: access faults. */
START_TEST(test_mmu_walk_access_faults)
{
    /* Root beyond the bus. */
    cpu->satp = (UINT64_C(8) << 60) | 0x100;
    ck_assert_int_eq(xlate(0x1000, GUEST_ACCESS_READ, S_, NULL), RV_EXC_LOAD_ACCESS);
    ck_assert_int_eq(xlate(0x1000, GUEST_ACCESS_WRITE, S_, NULL), RV_EXC_STORE_ACCESS);
    ck_assert_int_eq(xlate(0x1000, GUEST_ACCESS_EXEC, S_, NULL), RV_EXC_INSN_ACCESS);
    cpu->satp = (UINT64_C(8) << 60) | (ROOT39 >> 12);
    /* PMP: entry 0 covers [0, 0x4000) with no permission, entry 1 all memory RWX. */
    cpu->pmpaddr[0] = 0x4000 >> 2;
    cpu->pmpcfg[0] = RV_PMP_TOR << RV_PMP_A_SHIFT;
    cpu->pmpaddr[1] = RV_PMPADDR_MASK;
    cpu->pmpcfg[1] = (RV_PMP_NAPOT << RV_PMP_A_SHIFT) | RV_PMP_R | RV_PMP_W | RV_PMP_X;
    ck_assert_int_eq(xlate(0x1000, GUEST_ACCESS_READ, S_, NULL), RV_EXC_LOAD_ACCESS);
    ck_assert_int_eq(xlate(0x1000, GUEST_ACCESS_EXEC, U_, NULL), RV_EXC_INSN_ACCESS);
    /* Tables readable, data page at 0x10000 fine; M unaffected by unlocked entries. */
    cpu->pmpcfg[0] = (RV_PMP_TOR << RV_PMP_A_SHIFT) | RV_PMP_R;
    ck_assert_int_eq(xlate(0x1000, GUEST_ACCESS_READ, S_, NULL), OK);
    /* ... but the A/D update is a write: 0x5000's first access needs it. */
    ck_assert_int_eq(xlate(0x5000, GUEST_ACCESS_READ, S_, NULL), RV_EXC_LOAD_ACCESS);
    /* The final physical address is PMP-checked with the access's privilege. */
    cpu->pmpcfg[0] = (RV_PMP_TOR << RV_PMP_A_SHIFT) | RV_PMP_R | RV_PMP_W;
    cpu->pmpaddr[2] = (0x10000 >> 2) | 0x1ff;                   /* NAPOT 4 KiB at 0x10000 */
    cpu->pmpcfg[2] = RV_PMP_NAPOT << RV_PMP_A_SHIFT;
    cpu->pmpcfg[1] = 0;
    cpu->pmpcfg[3] = 0;
    ck_assert_int_eq(xlate(0x1000, GUEST_ACCESS_READ, S_, NULL), RV_EXC_LOAD_ACCESS);
    ck_assert_int_eq(xlate(0x1000, GUEST_ACCESS_READ, RV_MMU_IDX_M, NULL), OK);
}
END_TEST

START_TEST(test_mmu_pmp_page_size)
{
    RvTranslation t;

    /* An NA4 entry inside the page: the answer may not be cached for the whole page. */
    cpu->pmpaddr[0] = 0x10100 >> 2;
    cpu->pmpcfg[0] = (RV_PMP_NA4 << RV_PMP_A_SHIFT) | RV_PMP_R;
    cpu->pmpaddr[1] = RV_PMPADDR_MASK;
    cpu->pmpcfg[1] = (RV_PMP_NAPOT << RV_PMP_A_SHIFT) | RV_PMP_R | RV_PMP_W | RV_PMP_X;
    ck_assert_int_eq(rv_mmu_translate(cpu, 0x1000, GUEST_ACCESS_WRITE, S_, &t), OK);
    ck_assert_uint_lt(t.page_size, 4096);
    ck_assert_int_eq(rv_mmu_translate(cpu, 0x1100, GUEST_ACCESS_WRITE, S_, &t), RV_EXC_STORE_ACCESS);
    ck_assert_int_eq(rv_mmu_translate(cpu, 0x1100, GUEST_ACCESS_READ, S_, &t), OK);
    ck_assert_uint_eq(t.prot, GUEST_PROT_READ);
    /* The same entry inside a 2 MiB superpage but outside the 4 KiB part asked for. */
    cpu->pmpaddr[0] = 0x200100 >> 2;
    ck_assert_int_eq(rv_mmu_translate(cpu, 0x212345, GUEST_ACCESS_WRITE, S_, &t), OK);
    ck_assert_uint_eq(t.page_size, 4096);
    ck_assert_uint_eq(t.paddr, 0x212345);
    ck_assert_uint_eq(t.prot, GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC);
    ck_assert_int_eq(rv_mmu_translate(cpu, 0x200104, GUEST_ACCESS_READ, S_, &t), OK);
    ck_assert_uint_lt(t.page_size, 4096);
}
END_TEST

/* --- MMU indexes and mode bits (cpu.h) --- */

START_TEST(test_mmu_index)
{
    cpu->priv = RV_PRIV_M;
    ck_assert_uint_eq(rv_cpu_data_mmu_idx(cpu), RV_MMU_IDX_M);
    cpu->mstatus |= RV_MSTATUS_MPRV | RV_MSTATUS_SUM | RV_MSTATUS_MXR |
                    ((uint64_t)RV_PRIV_S << RV_MSTATUS_MPP_SHIFT);
    ck_assert_uint_eq(rv_cpu_data_mmu_idx(cpu), RV_MMU_IDX_S | SUM | MXR);   /* MPRV: as S */
    ck_assert_uint_eq(rv_cpu_fetch_mmu_idx(cpu), RV_MMU_IDX_M);              /* not for fetch */
    cpu->mstatus &= ~RV_MSTATUS_MPP;
    ck_assert_uint_eq(rv_cpu_data_mmu_idx(cpu), RV_MMU_IDX_U | MXR);
    cpu->priv = RV_PRIV_U;
    cpu->mstatus &= ~RV_MSTATUS_MXR;
    ck_assert_uint_eq(rv_cpu_data_mmu_idx(cpu), RV_MMU_IDX_U);               /* MPRV only in M */
    ck_assert_uint_eq(rv_cpu_mode_bits(cpu), RV_MODE_SYS | RV_PRIV_U | RV_MODE_FS_OFF | RV_MODE_PAGING);
    cpu->priv = RV_PRIV_M;
    cpu->mstatus |= RV_MSTATUS_FS;
    ck_assert_uint_eq(rv_cpu_mode_bits(cpu), RV_MODE_SYS | RV_PRIV_M | (RV_MMU_IDX_U << RV_MODE_IDX_SHIFT));
    /* User mode: 0, whatever the fields hold. */
    cpu->sys = false;
    ck_assert_uint_eq(rv_cpu_mode_bits(cpu), 0);
    ck_assert_uint_eq(rv_cpu_data_mmu_idx(cpu), 0);
}
END_TEST

/* --- The GuestArch hook --- */

START_TEST(test_mmu_sys_translate)
{
    GuestTranslation t;

    ck_assert(rv64_arch.sys_translate(&m.cpu.common, 0x2010, GUEST_ACCESS_WRITE, U_, &t));
    ck_assert_uint_eq(t.paddr, 0x11010);
    ck_assert_uint_eq(t.page_size, 4096);
    ck_assert_uint_eq(t.prot, GUEST_PROT_READ | GUEST_PROT_WRITE);
    ck_assert(!rv64_arch.sys_translate(&m.cpu.common, 0x2010, GUEST_ACCESS_EXEC, U_, &t));
    ck_assert_uint_eq(t.exit_kind, GUEST_EXIT_EXCEPTION);
    ck_assert_int_eq(t.exit_code, RV_EXC_INSN_PAGE_FAULT);
    ck_assert_uint_eq(t.exit_aux, 0x2010);
}
END_TEST

/* Exits without a cause (fetch faults from the lifter, bus errors) get one from a new walk. */
START_TEST(test_mmu_sys_raise_refines)
{
    GuestCpu *g = &m.cpu.common;

    cpu->mtvec = 0x8000;
    g->pc = 0x2ffe;
    g->exit_kind = GUEST_EXIT_FETCH_FAULT;          /* second half of an insn at 0x3000 */
    g->exit_code = GUEST_ACCESS_EXEC;
    g->exit_aux = 0x3000;
    ck_assert(rv64_arch.sys_raise(g));              /* S may not execute the U page */
    ck_assert_uint_eq(cpu->mcause, RV_EXC_INSN_PAGE_FAULT);
    ck_assert_uint_eq(cpu->mtval, 0x3000);
    ck_assert_uint_eq(cpu->mepc, 0x2ffe);
    cpu->priv = RV_PRIV_S;
    g->pc = 0x1000;
    g->exit_kind = GUEST_EXIT_MEM_FAULT;            /* translated fine: the bus failed */
    g->exit_code = GUEST_ACCESS_WRITE;
    g->exit_aux = 0x1008;
    ck_assert(rv64_arch.sys_raise(g));
    ck_assert_uint_eq(cpu->mcause, RV_EXC_STORE_ACCESS);
    cpu->priv = RV_PRIV_U;
    g->exit_kind = GUEST_EXIT_MEM_FAULT;
    g->exit_code = GUEST_ACCESS_READ;
    g->exit_aux = 0x1008;                           /* S page from U: page fault */
    ck_assert(rv64_arch.sys_raise(g));
    ck_assert_uint_eq(cpu->mcause, RV_EXC_LOAD_PAGE_FAULT);
    ck_assert_uint_eq(cpu->mtval, 0x1008);
}
END_TEST

Suite *riscv_priv_mmu_suite(void)
{
    Suite *s = suite_create("riscv_priv_mmu");
    TCase *tc = tcase_create("mmu");

    tcase_add_checked_fixture(tc, mmu_setup, mmu_teardown);
    tcase_add_loop_test(tc, test_mmu_perm, 0, G_N_ELEMENTS(perm_cases));
    tcase_add_test(tc, test_mmu_addresses);
    tcase_add_test(tc, test_mmu_sv48);
    tcase_add_test(tc, test_mmu_ad_bits);
    tcase_add_test(tc, test_mmu_ad_race);
    tcase_add_test(tc, test_mmu_walk_access_faults);
    tcase_add_test(tc, test_mmu_pmp_page_size);
    tcase_add_test(tc, test_mmu_index);
    tcase_add_test(tc, test_mmu_sys_translate);
    tcase_add_test(tc, test_mmu_sys_raise_refines);
    suite_add_tcase(s, tc);
    return s;
}
