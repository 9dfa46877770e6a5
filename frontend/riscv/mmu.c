/*
 * Virtual-memory translation (Privileged Spec 20211203, §4.3-§4.5): Bare, Sv39 and
 * Sv48 page walks over physical memory reached through the configured GuestBus,
 * then PMP on the result.  Svnapot, Svpbmt and Svinval are not implemented (and not
 * advertised), so PTE bits 63:54 must be zero.
 *
 * The walk is the algorithm of §4.3.2, step by step; each step is marked below.
 * Accessed/dirty bits are updated by "hardware" (the Svadu behaviour the 20211203
 * spec allows): atomically with a compare-and-swap of the whole PTE, and the walk
 * starts over if the PTE changed under it (another hart), as QEMU does.
 */
#include "frontend/riscv/internal.h"

#define RV_PAGE_SHIFT 12
#define RV_PTE_SIZE 8u
#define RV_WALK_RETRIES 16

static unsigned rv_idx_priv(unsigned mmu_idx)
{
    switch (mmu_idx & 3u) {
    case RV_MMU_IDX_U:
        return RV_PRIV_U;
    case RV_MMU_IDX_S:
        return RV_PRIV_S;
    default:
        return RV_PRIV_M;
    }
}

static int rv_page_fault(GuestAccess access)
{
    static const int cause[] = {
        [GUEST_ACCESS_READ] = RV_EXC_LOAD_PAGE_FAULT,
        [GUEST_ACCESS_WRITE] = RV_EXC_STORE_PAGE_FAULT,
        [GUEST_ACCESS_EXEC] = RV_EXC_INSN_PAGE_FAULT,
    };
    return cause[access];
}

static int rv_access_fault(GuestAccess access)
{
    static const int cause[] = {
        [GUEST_ACCESS_READ] = RV_EXC_LOAD_ACCESS,
        [GUEST_ACCESS_WRITE] = RV_EXC_STORE_ACCESS,
        [GUEST_ACCESS_EXEC] = RV_EXC_INSN_ACCESS,
    };
    return cause[access];
}

/*
 * What a leaf PTE lets MMU index mmu_idx do (§4.3.1): read when R (or X with MXR), write
 * when W, execute when X; U pages only for U mode (and for S loads/stores with SUM), S
 * pages never for U mode, and S mode never executes U pages whatever SUM says.
 */
static uint32_t rv_pte_prot(uint64_t pte, unsigned mmu_idx)
{
    unsigned priv = rv_idx_priv(mmu_idx);
    bool upage = (pte & RV_PTE_U) != 0;
    uint32_t prot = 0;
    bool data_ok, exec_ok;

    if (priv == RV_PRIV_U) {
        data_ok = exec_ok = upage;
    } else {
        data_ok = !upage || (mmu_idx & RV_MMU_IDX_SUM);
        exec_ok = !upage;
    }
    if (data_ok && ((pte & RV_PTE_R) || ((mmu_idx & RV_MMU_IDX_MXR) && (pte & RV_PTE_X)))) {
        prot |= GUEST_PROT_READ;
    }
    if (data_ok && (pte & RV_PTE_W)) {
        prot |= GUEST_PROT_WRITE;
    }
    if (exec_ok && (pte & RV_PTE_X)) {
        prot |= GUEST_PROT_EXEC;
    }
    return prot;
}

static uint32_t rv_access_prot(GuestAccess access)
{
    return access == GUEST_ACCESS_WRITE ? GUEST_PROT_WRITE :
           access == GUEST_ACCESS_EXEC ? GUEST_PROT_EXEC : GUEST_PROT_READ;
}

/* The page walk proper: on success fills *paddr, *page_size and *prot (before PMP). */
static int rv_walk(RvCpu *cpu, uint64_t vaddr, GuestAccess access, unsigned mmu_idx,
                   unsigned levels, uint64_t *paddr, uint64_t *page_size, uint32_t *prot)
{
    const GuestBus *bus = &cpu->cfg.bus;
    unsigned va_bits = RV_PAGE_SHIFT + 9 * levels;
    int64_t top = (int64_t)vaddr >> (va_bits - 1);

    /* §4.3.2/§4.4: bits 63:VA bits must all equal bit VA-1, else a page fault. */
    if (top != 0 && top != -1) {
        return rv_page_fault(access);
    }
    for (unsigned attempt = 0; attempt < RV_WALK_RETRIES; attempt++) {
        /* Step 1: a = satp.ppn * PAGESIZE, i = LEVELS - 1. */
        uint64_t a = (cpu->satp & RV_SATP_PPN_MASK) << RV_PAGE_SHIFT;
        int i = (int)levels - 1;
        uint64_t pte, pte_addr;

        for (;;) {
            unsigned vpn = (unsigned)(vaddr >> (RV_PAGE_SHIFT + 9 * i)) & 0x1ff;

            /* Step 2: pte = mem[a + va.vpn[i] * PTESIZE]; the read is PMP-checked as S mode. */
            pte_addr = a + (uint64_t)vpn * RV_PTE_SIZE;
            if (!rv_pmp_check(cpu, pte_addr, RV_PTE_SIZE, GUEST_ACCESS_READ, RV_PRIV_S) ||
                bus->load == NULL || !bus->load(bus->opaque, pte_addr, RV_PTE_SIZE, &pte)) {
                return rv_access_fault(access);
            }
            /* Step 3: invalid, W without R, or reserved/N/PBMT bits set: page fault. */
            if (!(pte & RV_PTE_V) || ((pte & (RV_PTE_R | RV_PTE_W)) == RV_PTE_W) ||
                (pte & RV_PTE_HIGH_MASK)) {
                return rv_page_fault(access);
            }
            /* Step 4: R or X set means a leaf; else point to the next level. */
            if (pte & (RV_PTE_R | RV_PTE_X)) {
                break;
            }
            if (--i < 0) {
                return rv_page_fault(access);
            }
            a = ((pte >> RV_PTE_PPN_SHIFT) & RV_PTE_PPN_MASK) << RV_PAGE_SHIFT;
        }

        /* Step 5: the permissions of the leaf for this access. */
        uint32_t p = rv_pte_prot(pte, mmu_idx);
        if (!(p & rv_access_prot(access))) {
            return rv_page_fault(access);
        }
        /* Step 6: a superpage whose lower PPN fields are not zero is misaligned. */
        uint64_t ppn = (pte >> RV_PTE_PPN_SHIFT) & RV_PTE_PPN_MASK;
        uint64_t low_mask = (UINT64_C(1) << (9 * i)) - 1;
        if (ppn & low_mask) {
            return rv_page_fault(access);
        }
        /* Step 7: set A, and D for a store, atomically; start over if the PTE moved. */
        uint64_t want = pte | RV_PTE_A | (access == GUEST_ACCESS_WRITE ? RV_PTE_D : 0);
        if (want != pte) {
            uint64_t old;

            if (!rv_pmp_check(cpu, pte_addr, RV_PTE_SIZE, GUEST_ACCESS_WRITE, RV_PRIV_S) ||
                bus->cmpxchg == NULL || !bus->cmpxchg(bus->opaque, pte_addr, RV_PTE_SIZE, pte, want, &old)) {
                return rv_access_fault(access);
            }
            if (old != pte) {
                continue;
            }
            pte = want;
        }
        /* A clean page stays unwritable in a TLB entry so the first store comes back here. */
        if (!(pte & RV_PTE_D)) {
            p &= ~GUEST_PROT_WRITE;
        }
        /* Step 8: the physical address; superpages take the low VPNs from the address. */
        *page_size = UINT64_C(1) << (RV_PAGE_SHIFT + 9 * i);
        *paddr = ((ppn << RV_PAGE_SHIFT) & ~(*page_size - 1)) | (vaddr & (*page_size - 1));
        *prot = p;
        return -1;
    }
    /* The PTE kept changing: give up on this attempt; the guest retries the access. */
    return rv_access_fault(access);
}

int rv_mmu_translate(RvCpu *cpu, uint64_t vaddr, GuestAccess access, unsigned mmu_idx,
                     RvTranslation *out)
{
    unsigned priv = rv_idx_priv(mmu_idx);
    unsigned mode = (unsigned)(cpu->satp >> RV_SATP_MODE_SHIFT);
    uint64_t paddr = 0, page_size = 0;
    uint32_t prot = 0, pmp_prot;

    if (priv == RV_PRIV_M || mode == RV_SATP_MODE_BARE) {
        paddr = vaddr;
        page_size = UINT64_C(1) << RV_PAGE_SHIFT;
        prot = GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC;
    } else {
        int cause = rv_walk(cpu, vaddr, access, mmu_idx, mode == RV_SATP_MODE_SV48 ? 4 : 3,
                            &paddr, &page_size, &prot);

        if (cause >= 0) {
            return cause;
        }
    }
    /* §3.7: PMP checks the physical access with the effective privilege. */
    if (!rv_pmp_check(cpu, paddr, 1, access, priv)) {
        return rv_access_fault(access);
    }
    /*
     * The TLB may keep the answer for the largest aligned range one PMP rule governs
     * whole: the page, else its 4 KiB part (a superpage split by PMP), else this access only.
     */
    while (!rv_pmp_range_prot(cpu, paddr & ~(page_size - 1), page_size, priv, &pmp_prot)) {
        page_size = page_size > (UINT64_C(1) << RV_PAGE_SHIFT) ? UINT64_C(1) << RV_PAGE_SHIFT : 1;
    }
    out->paddr = paddr;
    out->page_size = page_size;
    out->prot = prot & pmp_prot;
    return -1;
}
