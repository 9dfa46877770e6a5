/*
 * Physical memory protection (Privileged Spec 20211203, §3.7): 16 entries,
 * pmpcfg0/pmpcfg2 and pmpaddr0-15 (the CSR side is in csr.c), granularity 4 bytes.
 *
 * Matching follows §3.7.1: the lowest-numbered entry that matches any byte of an
 * access decides it, and must match all of its bytes or the access fails.  An
 * entry applies to M mode only when locked.  With no match M mode is allowed
 * and S/U mode is denied as soon as any entry is active (A != OFF); with no
 * active entry at all S/U are allowed too, as on QEMU, so firmware that never
 * programs PMP still reaches S mode.
 */
#include "frontend/riscv/internal.h"

static unsigned rv_pmp_mode(const RvCpu *cpu, unsigned i)
{
    return (cpu->pmpcfg[i] & RV_PMP_A) >> RV_PMP_A_SHIFT;
}

/* Byte range [*lo, *hi) of entry i (empty when hi <= lo); false when the entry is off. */
static bool rv_pmp_range(const RvCpu *cpu, unsigned i, uint64_t *lo, uint64_t *hi)
{
    uint64_t a = cpu->pmpaddr[i];

    switch (rv_pmp_mode(cpu, i)) {
    case RV_PMP_OFF:
        return false;
    case RV_PMP_TOR:
        /* pmpaddr[i-1] <= y < pmpaddr[i], word addresses; entry 0 starts at 0. */
        *lo = i == 0 ? 0 : cpu->pmpaddr[i - 1] << 2;
        *hi = a << 2;
        return true;
    case RV_PMP_NA4:
        *lo = a << 2;
        *hi = *lo + 4;
        return true;
    case RV_PMP_NAPOT: {
        /* Trailing ones of pmpaddr encode the size: t ones = 2^(t+3) bytes (table 3.9). */
        unsigned t = (unsigned)__builtin_ctzll(~a);
        uint64_t size = t + 3 >= 64 ? 0 : UINT64_C(1) << (t + 3);

        if (size == 0) {
            *lo = 0;
            *hi = ~UINT64_C(0);
            return true;
        }
        *lo = (a << 2) & ~(size - 1);
        *hi = *lo + size;
        return true;
    }
    }
    g_assert_not_reached();
}

static bool rv_pmp_any_active(const RvCpu *cpu)
{
    for (unsigned i = 0; i < RV_PMP_ENTRIES; i++) {
        if (rv_pmp_mode(cpu, i) != RV_PMP_OFF) {
            return true;
        }
    }
    return false;
}

/* What entry i grants at privilege priv. */
static uint32_t rv_pmp_entry_prot(const RvCpu *cpu, unsigned i, unsigned priv)
{
    uint8_t cfg = cpu->pmpcfg[i];

    if (priv == RV_PRIV_M && !(cfg & RV_PMP_L)) {
        return GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC;
    }
    return ((cfg & RV_PMP_R) ? GUEST_PROT_READ : 0) | ((cfg & RV_PMP_W) ? GUEST_PROT_WRITE : 0) |
           ((cfg & RV_PMP_X) ? GUEST_PROT_EXEC : 0);
}

static uint32_t rv_pmp_default_prot(const RvCpu *cpu, unsigned priv)
{
    if (priv == RV_PRIV_M || !rv_pmp_any_active(cpu)) {
        return GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC;
    }
    return 0;
}

bool rv_pmp_range_prot(const RvCpu *cpu, uint64_t base, uint64_t size, unsigned priv, uint32_t *prot)
{
    uint64_t last = base + size - 1;

    for (unsigned i = 0; i < RV_PMP_ENTRIES; i++) {
        uint64_t lo, hi;

        if (!rv_pmp_range(cpu, i, &lo, &hi) || hi <= lo) {
            continue;
        }
        if (last < lo || base > hi - 1) {
            continue;               /* no byte of the range matches */
        }
        if (base >= lo && last <= hi - 1) {
            *prot = rv_pmp_entry_prot(cpu, i, priv);
            return true;
        }
        *prot = 0;                  /* partial match: the access fails (§3.7.1.4) */
        return false;
    }
    *prot = rv_pmp_default_prot(cpu, priv);
    return true;
}

bool rv_pmp_check(const RvCpu *cpu, uint64_t paddr, uint64_t size, GuestAccess access, unsigned priv)
{
    static const uint32_t need[] = {
        [GUEST_ACCESS_READ] = GUEST_PROT_READ,
        [GUEST_ACCESS_WRITE] = GUEST_PROT_WRITE,
        [GUEST_ACCESS_EXEC] = GUEST_PROT_EXEC,
    };
    uint32_t prot;

    if (!rv_pmp_range_prot(cpu, paddr, size, priv, &prot)) {
        return false;
    }
    return (prot & need[access]) != 0;
}
