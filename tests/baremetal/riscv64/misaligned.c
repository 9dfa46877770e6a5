/*
 * Misaligned accesses.  Plain loads and stores at any alignment complete, as on QEMU and
 * Spike with misaligned support (the Privileged Spec lets hardware or M-mode code do
 * them); LR/SC and AMOs must be naturally aligned: a misaligned LR raises a load
 * address-misaligned exception (cause 4), SC and AMOs a store/AMO address-misaligned
 * exception (cause 6), tval = the address, and memory is left unchanged.  Under Sv39 a
 * misaligned load that crosses into an unmapped page raises a load page fault (13)
 * with tval inside the access.
 */
#include "bm.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE(pa, flags) ((((uint64_t)(pa)) >> 12) << 10 | (flags))
#define VA_BASE 0x40000000ul

BmTrap bm_mtrap, bm_strap;
static uint8_t buf[64] __attribute__((aligned(16)));
static uint64_t pt_root[512] __attribute__((aligned(4096)));
static uint64_t pt_l1[512] __attribute__((aligned(4096)));
static uint64_t pt_l0[512] __attribute__((aligned(4096)));
static volatile uint8_t data_page[4096] __attribute__((aligned(4096)));
static volatile uint64_t s_cause, s_tval, s_value;

uint64_t m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    bm_mtrap.cause = cause;
    bm_mtrap.epc = epc;
    bm_mtrap.tval = tval;
    bm_mtrap.count++;
    if (cause == 9) {
        csrs(mstatus, 3ull << 11);
        return (uint64_t)bm_s_return;
    }
    if (cause == 13) {
        s_cause = cause;
        s_tval = tval;
    }
    return epc + bm_insn_len(epc);
}

uint64_t s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    return epc + bm_insn_len(epc);
}

static uint64_t load64(const void *p)
{
    uint64_t v;
    __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static void store32(void *p, uint32_t v)
{
    __asm__ volatile("sw %0, 0(%1)" :: "r"(v), "r"(p) : "memory");
}

static void in_s_mode(void)
{
    /* The last 4 bytes of the mapped page and 4 of the unmapped one after it. */
    s_value = load64((const void *)(VA_BASE + 4092));
    __asm__ volatile("ecall");
}

int main(void)
{
    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)(i * 7 + 1);
    }

    /* Loads and stores at every offset within a doubleword. */
    for (unsigned off = 1; off < 8; off++) {
        uint64_t want = 0;
        for (unsigned b = 0; b < 8; b++) {
            want |= (uint64_t)buf[off + b] << (8 * b);
        }
        CHECK(load64(buf + off) == want);
    }
    uint64_t before = bm_mtrap.count;
    store32(buf + 3, 0xa1b2c3d4);
    CHECK(bm_mtrap.count == before);
    CHECK(buf[3] == 0xd4 && buf[4] == 0xc3 && buf[5] == 0xb2 && buf[6] == 0xa1);

    /* AMO: cause 6, memory unchanged. */
    uint64_t old = load64(buf + 16);
    uint64_t ret = 0;
    __asm__ volatile("amoadd.d %0, %1, (%2)" : "=r"(ret) : "r"(1ull), "r"(buf + 17) : "memory");
    CHECK(bm_mtrap.count == before + 1 && bm_mtrap.cause == 6 && bm_mtrap.tval == (uint64_t)(buf + 17));
    CHECK(load64(buf + 16) == old);
    __asm__ volatile("amoswap.w %0, %1, (%2)" : "=r"(ret) : "r"(5ull), "r"(buf + 34) : "memory");
    CHECK(bm_mtrap.count == before + 2 && bm_mtrap.cause == 6 && bm_mtrap.tval == (uint64_t)(buf + 34));

    /* LR: cause 4; SC: cause 6. */
    __asm__ volatile("lr.w %0, (%1)" : "=r"(ret) : "r"(buf + 2) : "memory");
    CHECK(bm_mtrap.count == before + 3 && bm_mtrap.cause == 4 && bm_mtrap.tval == (uint64_t)(buf + 2));
    __asm__ volatile("sc.d %0, %1, (%2)" : "=r"(ret) : "r"(9ull), "r"(buf + 4) : "memory");
    CHECK(bm_mtrap.count == before + 4 && bm_mtrap.cause == 6 && bm_mtrap.tval == (uint64_t)(buf + 4));

    /* Sv39: one 4 KiB page at VA_BASE, nothing after it. */
    pt_root[2] = PTE(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    pt_root[1] = PTE(pt_l1, PTE_V);
    pt_l1[0] = PTE(pt_l0, PTE_V);
    pt_l0[0] = PTE(data_page, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    csrw(pmpaddr0, ~0ull >> 10);
    csrw(pmpcfg0, 0x1f);
    csrw(stvec, (uint64_t)s_vector);
    csrw(satp, (8ull << 60) | ((uint64_t)pt_root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    bm_run_in_s(in_s_mode);
    CHECK(s_cause == 13);
    CHECK(s_tval >= VA_BASE + 4092 && s_tval < VA_BASE + 4100);
    return 0;
}
