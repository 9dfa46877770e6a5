/*
 * The system-mode CSR file (Privileged Spec 20211203, chapters 2-4): the table in
 * csr.def, the access rules every CSR instruction goes through (§2.1: privilege in
 * bits 9:8 of the number, read-only when bits 11:10 are 11; plus the per-CSR rules:
 * FS for the FP CSRs, counter enables, TVM, Sstc), and the registers whose
 * behaviour is more than a write mask (views, WARL legalization, counters, PMP).
 *
 * User mode does not come here: trans_zicsr.c keeps lifting the user CSRs inline.
 */
#include <x86intrin.h>

#include "frontend/riscv/internal.h"

#define RV_F(member) ((uint32_t)offsetof(RvCpu, member))
#define RV_NOFIELD UINT32_MAX

/* Exceptions S mode may take over (§3.1.8): all but ecall from M (11) and the reserved 10, 14. */
#define RV_MEDELEG_MASK UINT64_C(0xb3ff)

typedef uint64_t RvCsrReadFn(RvCpu *cpu, unsigned csr);
typedef void RvCsrWriteFn(RvCpu *cpu, unsigned csr, uint64_t v);

typedef struct RvCsrDesc {
    const char *name;
    uint16_t num, count;
    uint32_t flags;
    uint32_t field;
    uint64_t wmask;
    RvCsrReadFn *read;
    RvCsrWriteFn *write;
} RvCsrDesc;

/* --- mstatus and its sstatus view (§3.1.6, §4.1.1) --- */

#define RV_MSTATUS_WMASK (RV_MSTATUS_SIE | RV_MSTATUS_MIE | RV_MSTATUS_SPIE | RV_MSTATUS_MPIE | \
                          RV_MSTATUS_SPP | RV_MSTATUS_MPP | RV_MSTATUS_FS | RV_MSTATUS_MPRV | \
                          RV_MSTATUS_SUM | RV_MSTATUS_MXR | RV_MSTATUS_TVM | RV_MSTATUS_TW | \
                          RV_MSTATUS_TSR)
#define RV_SSTATUS_RMASK (RV_MSTATUS_SIE | RV_MSTATUS_SPIE | RV_MSTATUS_UBE | RV_MSTATUS_SPP | \
                          RV_MSTATUS_VS | RV_MSTATUS_FS | RV_MSTATUS_XS | RV_MSTATUS_SUM | \
                          RV_MSTATUS_MXR | RV_MSTATUS_UXL | RV_MSTATUS_SD)
#define RV_SSTATUS_WMASK (RV_MSTATUS_SIE | RV_MSTATUS_SPIE | RV_MSTATUS_SPP | RV_MSTATUS_FS | \
                          RV_MSTATUS_SUM | RV_MSTATUS_MXR)

/* SD summarizes FS (VS and XS are always Off here): set exactly when FS is Dirty. */
void rv_mstatus_fix_sd(RvCpu *cpu)
{
    if ((cpu->mstatus & RV_MSTATUS_FS) == RV_MSTATUS_FS) {
        cpu->mstatus |= RV_MSTATUS_SD;
    } else {
        cpu->mstatus &= ~RV_MSTATUS_SD;
    }
}

static void rv_mstatus_write_masked(RvCpu *cpu, uint64_t v, uint64_t mask)
{
    uint64_t old = cpu->mstatus;
    uint64_t ns = (old & ~mask) | (v & mask);

    /* MPP is WARL over U, S, M (§3.1.6.1): the reserved value 2 keeps the old one. */
    if (((ns & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT) == 2) {
        ns = (ns & ~RV_MSTATUS_MPP) | (old & RV_MSTATUS_MPP);
    }
    ns = (ns & ~(RV_MSTATUS_UXL | RV_MSTATUS_SXL)) | (RV_XL_64 << 32) | (RV_XL_64 << 34);
    cpu->mstatus = ns;
    rv_mstatus_fix_sd(cpu);
}

static uint64_t rv_csr_read_mstatus(RvCpu *cpu, unsigned csr)
{
    return cpu->mstatus;
}

static void rv_csr_write_mstatus(RvCpu *cpu, unsigned csr, uint64_t v)
{
    rv_mstatus_write_masked(cpu, v, RV_MSTATUS_WMASK);
}

static uint64_t rv_csr_read_sstatus(RvCpu *cpu, unsigned csr)
{
    return cpu->mstatus & RV_SSTATUS_RMASK;
}

static void rv_csr_write_sstatus(RvCpu *cpu, unsigned csr, uint64_t v)
{
    rv_mstatus_write_masked(cpu, v, RV_SSTATUS_WMASK);
}

/* --- Floating-point CSRs: fcsr = frm << 5 | fflags (Unprivileged §11.2) --- */

static uint64_t rv_csr_read_fp(RvCpu *cpu, unsigned csr)
{
    switch (csr) {
    case RV_CSR_FFLAGS:
        return cpu->fflags;
    case RV_CSR_FRM:
        return cpu->frm;
    default:
        return (uint64_t)cpu->frm << 5 | cpu->fflags;
    }
}

static void rv_csr_write_fp(RvCpu *cpu, unsigned csr, uint64_t v)
{
    switch (csr) {
    case RV_CSR_FFLAGS:
        cpu->fflags = (uint32_t)v & 0x1f;
        break;
    case RV_CSR_FRM:
        cpu->frm = (uint32_t)v & 7;
        break;
    default:
        cpu->fflags = (uint32_t)v & 0x1f;
        cpu->frm = ((uint32_t)v >> 5) & 7;
        break;
    }
}

/* --- Interrupt enables and pending bits, and their S views (§3.1.9, §4.1.3) --- */

static uint64_t rv_csr_read_mip(RvCpu *cpu, unsigned csr)
{
    return rv_cpu_read_mip(cpu);
}

/* M may write SSIP, STIP (unless Sstc drives it) and SEIP; the others follow devices. */
static void rv_csr_write_mip(RvCpu *cpu, unsigned csr, uint64_t v)
{
    uint64_t mask = RV_MIP_SSIP | RV_MIP_SEIP;

    if (!(cpu->menvcfg & RV_MENVCFG_STCE)) {
        mask |= RV_MIP_STIP;
    }
    cpu->mip_sw = (cpu->mip_sw & ~mask) | (v & mask);
}

static uint64_t rv_csr_read_sip(RvCpu *cpu, unsigned csr)
{
    return rv_cpu_read_mip(cpu) & cpu->mideleg;
}

/* In sip only SSIP is writable, and only when delegated (§4.1.3). */
static void rv_csr_write_sip(RvCpu *cpu, unsigned csr, uint64_t v)
{
    uint64_t mask = RV_MIP_SSIP & cpu->mideleg;

    cpu->mip_sw = (cpu->mip_sw & ~mask) | (v & mask);
}

static uint64_t rv_csr_read_sie(RvCpu *cpu, unsigned csr)
{
    return cpu->mie & cpu->mideleg;
}

static void rv_csr_write_sie(RvCpu *cpu, unsigned csr, uint64_t v)
{
    uint64_t mask = RV_S_INTERRUPTS & cpu->mideleg;

    cpu->mie = (cpu->mie & ~mask) | (v & mask);
}

/* --- Trap vectors and exception pcs --- */

/* xtvec MODE is WARL over Direct (0) and Vectored (1) (§3.1.7): 2 and 3 keep the old mode. */
static void rv_csr_write_tvec(RvCpu *cpu, unsigned csr, uint64_t v)
{
    uint64_t *reg = csr == 0x305 ? &cpu->mtvec : &cpu->stvec;

    if ((v & 3) >= 2) {
        v = (v & ~UINT64_C(3)) | (*reg & 3);
    }
    *reg = v;
}

/* xepc bit 0 is always 0; bit 1 reads 0 when C is disabled (§3.1.14). */
static uint64_t rv_csr_read_epc(RvCpu *cpu, unsigned csr)
{
    uint64_t v = csr == 0x341 ? cpu->mepc : cpu->sepc;

    return (cpu->misa & RV_MISA_EXT('C')) ? v : v & ~UINT64_C(3);
}

/* --- satp: an unsupported MODE makes the whole write have no effect (§4.1.11) --- */

static void rv_csr_write_satp(RvCpu *cpu, unsigned csr, uint64_t v)
{
    unsigned mode = (unsigned)(v >> RV_SATP_MODE_SHIFT);

    if (mode == RV_SATP_MODE_BARE || mode == RV_SATP_MODE_SV39 || mode == RV_SATP_MODE_SV48) {
        cpu->satp = v;
    }
}

/* --- Counters (§3.1.10-§3.1.13) --- */

static uint64_t rv_host_cycles(RvCpu *cpu)
{
    return __rdtsc();
}

static uint64_t rv_host_instret(RvCpu *cpu)
{
    return helper_rv_rdinstret(cpu);
}

static uint64_t rv_csr_read_counter(RvCpu *cpu, unsigned csr)
{
    switch (csr & 0x1f) {
    case RV_COUNTER_CY:
        if (cpu->mcountinhibit & (1u << RV_COUNTER_CY)) {
            return cpu->mcycle_frozen;
        }
        return rv_host_cycles(cpu) + (uint64_t)cpu->mcycle_offset;
    case RV_COUNTER_TM:
        return rv_cpu_read_time(cpu);
    default:
        if (cpu->mcountinhibit & (1u << RV_COUNTER_IR)) {
            return cpu->minstret_frozen;
        }
        return rv_host_instret(cpu) + (uint64_t)cpu->minstret_offset;
    }
}

static void rv_csr_write_counter(RvCpu *cpu, unsigned csr, uint64_t v)
{
    if ((csr & 0x1f) == RV_COUNTER_CY) {
        cpu->mcycle_frozen = v;
        cpu->mcycle_offset = (int64_t)(v - rv_host_cycles(cpu));
    } else {
        cpu->minstret_frozen = v;
        cpu->minstret_offset = (int64_t)(v - rv_host_instret(cpu));
    }
}

/* CY and IR can be stopped (TM cannot, §3.1.13): freeze the value, resume from it. */
static void rv_csr_write_mcountinhibit(RvCpu *cpu, unsigned csr, uint64_t v)
{
    uint64_t cy = rv_csr_read_counter(cpu, 0xb00), ir = rv_csr_read_counter(cpu, 0xb02);

    cpu->mcountinhibit = v & ((1u << RV_COUNTER_CY) | (1u << RV_COUNTER_IR));
    rv_csr_write_counter(cpu, 0xb00, cy);
    rv_csr_write_counter(cpu, 0xb02, ir);
}

static uint64_t rv_csr_read_mhartid(RvCpu *cpu, unsigned csr)
{
    return cpu->cfg.hart_id;
}

/* --- PMP registers (§3.7.1) --- */

/* pmpcfg0 holds entries 0-7, pmpcfg2 entries 8-15 (RV64: odd numbers do not exist). */
static uint64_t rv_csr_read_pmpcfg(RvCpu *cpu, unsigned csr)
{
    unsigned first = (csr - 0x3a0) * 4;
    uint64_t v = 0;

    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)cpu->pmpcfg[first + i] << (8 * i);
    }
    return v;
}

static void rv_csr_write_pmpcfg(RvCpu *cpu, unsigned csr, uint64_t v)
{
    unsigned first = (csr - 0x3a0) * 4;

    for (unsigned i = 0; i < 8; i++) {
        uint8_t b = (uint8_t)(v >> (8 * i)) & (RV_PMP_R | RV_PMP_W | RV_PMP_X | RV_PMP_A | RV_PMP_L);

        if (cpu->pmpcfg[first + i] & RV_PMP_L) {
            continue;               /* locked: writes ignored until reset */
        }
        if ((b & (RV_PMP_R | RV_PMP_W)) == RV_PMP_W) {
            b &= (uint8_t)~RV_PMP_W;    /* R=0 W=1 is reserved: legalize to no access */
        }
        cpu->pmpcfg[first + i] = b;
    }
}

static uint64_t rv_csr_read_pmpaddr(RvCpu *cpu, unsigned csr)
{
    return cpu->pmpaddr[csr - 0x3b0];
}

/* Ignored when the entry is locked, or when the next entry is a locked TOR using it as base. */
static void rv_csr_write_pmpaddr(RvCpu *cpu, unsigned csr, uint64_t v)
{
    unsigned i = csr - 0x3b0;

    if (cpu->pmpcfg[i] & RV_PMP_L) {
        return;
    }
    if (i + 1 < RV_PMP_ENTRIES && (cpu->pmpcfg[i + 1] & RV_PMP_L) &&
        ((cpu->pmpcfg[i + 1] & RV_PMP_A) >> RV_PMP_A_SHIFT) == RV_PMP_TOR) {
        return;
    }
    cpu->pmpaddr[i] = v & RV_PMPADDR_MASK;
}

/* --- The table --- */

static const RvCsrDesc rv_csr_rows[] = {
#define RV_CSR(name_, num_, count_, flags_, field_, wmask_, read_, write_) \
    { .name = #name_, .num = (num_), .count = (count_), .flags = (flags_), .field = (field_), \
      .wmask = (wmask_), .read = (read_), .write = (write_) },
#include "frontend/riscv/csr.def"
#undef RV_CSR
};

/* CSR number -> row + 1 (0: no such CSR), built once: every CSR instruction looks here. */
static uint8_t rv_csr_index[4096];

static void rv_csr_build_index(void)
{
    G_STATIC_ASSERT(G_N_ELEMENTS(rv_csr_rows) < 255);
    for (size_t i = 0; i < G_N_ELEMENTS(rv_csr_rows); i++) {
        for (unsigned n = 0; n < rv_csr_rows[i].count; n++) {
            unsigned csr = rv_csr_rows[i].num + n;

            g_assert(csr < 4096 && rv_csr_index[csr] == 0);
            rv_csr_index[csr] = (uint8_t)(i + 1);
        }
    }
}

static const RvCsrDesc *rv_csr_find(unsigned csr)
{
    static gsize once;

    if (g_once_init_enter(&once)) {
        rv_csr_build_index();
        g_once_init_leave(&once, 1);
    }
    if (csr >= 4096 || rv_csr_index[csr] == 0) {
        return NULL;
    }
    return &rv_csr_rows[rv_csr_index[csr] - 1];
}

uint32_t rv_csr_flags(unsigned csr, bool *exists)
{
    const RvCsrDesc *d = rv_csr_find(csr);

    *exists = d != NULL;
    return d ? d->flags : 0;
}

static uint64_t rv_csr_get(RvCpu *cpu, const RvCsrDesc *d, unsigned csr)
{
    if (d->read) {
        return d->read(cpu, csr);
    }
    if (d->field == RV_NOFIELD) {
        return 0;
    }
    return *(uint64_t *)((uint8_t *)cpu + d->field);
}

static void rv_csr_put(RvCpu *cpu, const RvCsrDesc *d, unsigned csr, uint64_t v)
{
    if (d->write) {
        d->write(cpu, csr, v);
    } else if (d->field != RV_NOFIELD) {
        uint64_t *reg = (uint64_t *)((uint8_t *)cpu + d->field);

        *reg = (*reg & ~d->wmask) | (v & d->wmask);
    }
}

/* The per-CSR rules beyond the number's privilege field. */
static bool rv_csr_allowed(const RvCpu *cpu, const RvCsrDesc *d, unsigned csr)
{
    unsigned priv = cpu->priv;

    if ((d->flags & RV_CSRF_FP) && (cpu->mstatus & RV_MSTATUS_FS) == 0) {
        return false;
    }
    if ((d->flags & RV_CSRF_COUNTER) && priv < RV_PRIV_M) {
        uint64_t bit = UINT64_C(1) << (csr & 0x1f);

        if (!(cpu->mcounteren & bit) || (priv == RV_PRIV_U && !(cpu->scounteren & bit))) {
            return false;
        }
    }
    if ((d->flags & RV_CSRF_TVM) && priv == RV_PRIV_S && (cpu->mstatus & RV_MSTATUS_TVM)) {
        return false;
    }
    if ((d->flags & RV_CSRF_SSTC) && priv < RV_PRIV_M &&
        (!(cpu->menvcfg & RV_MENVCFG_STCE) || !(cpu->mcounteren & (1u << RV_COUNTER_TM)))) {
        return false;
    }
    return true;
}

bool rv_csr_access(RvCpu *cpu, unsigned csr, RvCsrOp op, uint64_t src, bool write, uint64_t *old)
{
    const RvCsrDesc *d = rv_csr_find(csr);
    uint64_t v;

    /* §2.1: bits 9:8 are the lowest privilege that may access; 11:10 = 11 is read-only. */
    if (d == NULL || cpu->priv < ((csr >> 8) & 3) || (write && (csr >> 10) == 3) ||
        !rv_csr_allowed(cpu, d, csr)) {
        return false;
    }
    v = rv_csr_get(cpu, d, csr);
    *old = v;
    if (!write) {
        return true;
    }
    if (csr == 0x344) {         /* mip */
        /*
         * §3.1.9: SEIP reads as the software-writable bit OR the interrupt controller's
         * signal, but only the software bit takes part in csrrs/csrrc.  Writing back the
         * signal would latch a device interrupt in the software bit for good (firmware
         * setting SSIP for an IPI while the PLIC asserts SEIP).
         */
        v = (v & ~RV_MIP_SEIP) | (cpu->mip_sw & RV_MIP_SEIP);
    }
    switch (op) {
    case RV_CSR_OP_W:
        v = src;
        break;
    case RV_CSR_OP_S:
        v |= src;
        break;
    case RV_CSR_OP_C:
        v &= ~src;
        break;
    }
    rv_csr_put(cpu, d, csr, v);
    if (d->flags & RV_CSRF_FP) {
        cpu->mstatus |= (uint64_t)RV_FS_DIRTY << RV_MSTATUS_FS_SHIFT;
        rv_mstatus_fix_sd(cpu);
    }
    if ((d->flags & RV_CSRF_IRQ) && rv_cpu_pending_interrupt(cpu) != 0) {
        __atomic_fetch_or(&cpu->common.exit_request, GUEST_REQ_INTERRUPT, __ATOMIC_SEQ_CST);
    }
    return true;
}

/*
 * A CSR instruction in system mode.  insn: its bits (funct3 says the operation, rs1/uimm
 * field zero means csrrs/csrrc do not write); src: the rs1 value or the uimm.  Returns
 * the old value for rd, or leaves with an illegal-instruction exit.
 */
uint64_t helper_rv_csr(void *opaque, uint32_t insn, uint64_t src)
{
    RvCpu *cpu = opaque;
    unsigned funct3 = (insn >> 12) & 3;
    RvCsrOp op = funct3 == 1 ? RV_CSR_OP_W : funct3 == 2 ? RV_CSR_OP_S : RV_CSR_OP_C;
    bool write = op == RV_CSR_OP_W || ((insn >> 15) & 0x1f) != 0;
    uint64_t old;

    if (!rv_csr_access(cpu, insn >> 20, op, src, write, &old)) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_ILLEGAL, 0, insn);
    }
    return old;
}
