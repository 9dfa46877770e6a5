/*
 * RISC-V (RV64GC) CPU state.  Generic code sees it as a GuestCpu; the lifter
 * reaches fields by offset through rv_get_x()/rv_set_x() and friends.
 *
 * A CPU is in user mode (linux-user: no privileged state, privileged instructions and
 * CSRs are illegal) unless rv_cpu_init_system() put it in system mode: privilege
 * levels M/S/U, the CSR file, traps, Sv39/Sv48 translation and PMP (Privileged Spec
 * 20211203).  The system fields follow the user ones and stay zero in user mode.
 *
 * A board drives a system-mode hart through GuestArch's sys_* hooks (frontend/guest.h)
 * plus rv_cpu_set_irq() for its interrupt lines: after guest_cpu_new(&rv64_arch) and
 * rv_cpu_init_system(), each exit of the exec loop is one of
 *   SYNC_MODE / TLB_FLUSH  resume at pc + code (TLB_FLUSH: drop cached translations first)
 *   HALT                   wfi: wait until sys_wake_pending(), then resume at pc + code
 *   INTERRUPT              exit_request: with GUEST_REQ_INTERRUPT, call sys_take_interrupt()
 *   anything else          sys_raise() makes it the guest's trap (pc = the handler)
 * and blocks are keyed on rv_cpu_mode_bits(); TLB refills call sys_translate().
 */
#ifndef MIMIC_RISCV_CPU_H
#define MIMIC_RISCV_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/guest.h"
#include "frontend/riscv/priv.h"

/* What a board gives a hart in system mode. */
typedef struct RvSysConfig {
    uint64_t hart_id;           /* mhartid */
    uint64_t reset_pc;          /* pc at reset, in M mode */
    /*
     * Extension letters misa reports (RV_MISA_EXT('A') | ...; S and U are added).  misa is
     * read-only and the lifter implements RV64GC whatever it says: give at least IMAFDC.
     */
    uint64_t misa_ext;
    GuestBus bus;               /* physical memory for page walks and A/D updates */
    /* mtime in timebase ticks (time CSR, Sstc); NULL: a 10 MHz host clock. */
    uint64_t (*read_time)(void *opaque);
    void *time_opaque;
} RvSysConfig;

typedef struct RvCpu {
    GuestCpu common;            /* must stay first: generic code converts RvCpu * <-> GuestCpu * */
    uint64_t x[32];             /* x[0] stays 0; lifted code goes through rv_get_x()/rv_set_x() */
    uint64_t f[32];             /* raw FP registers; single values are NaN-boxed */
    uint32_t fflags;            /* accrued exception flags, fcsr[4:0] (NV DZ OF UF NX) */
    uint32_t frm;               /* dynamic rounding mode, fcsr[7:5] */
    uint64_t res_addr;          /* LR reservation: address, or ~0 when none */
    uint64_t res_val;           /* value LR loaded; SC succeeds if memory still holds it */
    uint64_t instret_base;      /* instret = common.insns_executed + instret_base */

    /* --- System mode (zero in user mode) --- */
    bool sys;                   /* rv_cpu_init_system() was called */
    uint32_t priv;              /* RV_PRIV_U/S/M (4 bytes: in the register table) */
    uint64_t mstatus;           /* sstatus is a view (csr.c) */
    uint64_t misa;
    uint64_t medeleg, mideleg;
    uint64_t mie;
    /*
     * mip, split by who drives each bit: mip_hw is set by devices (rv_cpu_set_irq, any
     * host thread, atomic), mip_sw by CSR writes (SSIP, STIP, SEIP).  The value software
     * reads is mip_hw | mip_sw, with STIP from stimecmp when menvcfg.STCE is set.
     */
    uint64_t mip_hw, mip_sw;
    uint64_t mtvec, stvec;
    uint64_t mepc, sepc;
    uint64_t mcause, scause;
    uint64_t mtval, stval;
    uint64_t mscratch, sscratch;
    uint64_t satp;
    uint64_t mcounteren, scounteren, mcountinhibit;
    uint64_t menvcfg, senvcfg;
    uint64_t stimecmp;
    int64_t mcycle_offset;      /* mcycle = host cycles + offset (frozen while inhibited) */
    int64_t minstret_offset;
    uint64_t mcycle_frozen, minstret_frozen;
    uint8_t pmpcfg[RV_PMP_ENTRIES];
    uint64_t pmpaddr[RV_PMP_ENTRIES];
    RvSysConfig cfg;
} RvCpu;

G_STATIC_ASSERT(offsetof(RvCpu, common) == 0);
G_STATIC_ASSERT(offsetof(RvCpu, x) < 128);    /* hot registers within a disp8 of the base pointer */

extern const GuestArch rv64_arch;

/* --- System mode --- */

/* Put cpu (allocated with guest_cpu_new(&rv64_arch)) in system mode and reset it. */
void rv_cpu_init_system(RvCpu *cpu, const RvSysConfig *cfg);
/* Reset: M mode, pc = cfg.reset_pc, mstatus/mie/mip/... at their reset values (§3.4). */
void rv_cpu_reset(RvCpu *cpu);

/*
 * MMU index of a memory access (IrMemOp bits from IR_MEM_MMU_SHIFT; the TLB keeps one
 * set of entries per index):
 *   bits 1:0  effective privilege of the access: 0 = U, 1 = S, 2 = M (M: no translation)
 *   bit 2     mstatus.SUM (S only: S may load/store U pages)
 *   bit 3     mstatus.MXR (not M: loads may read execute-only pages)
 * Data accesses use the privilege mstatus.MPP names when mstatus.MPRV is set in M mode;
 * fetches use the current privilege with bits 3:2 clear.  User mode: always 0.
 */
#define RV_MMU_IDX_U     0u
#define RV_MMU_IDX_S     1u
#define RV_MMU_IDX_M     2u
#define RV_MMU_IDX_SUM   4u
#define RV_MMU_IDX_MXR   8u
#define RV_MMU_IDX_COUNT 16u

unsigned rv_cpu_data_mmu_idx(const RvCpu *cpu);
unsigned rv_cpu_fetch_mmu_idx(const RvCpu *cpu);

/*
 * What lifted code depends on (part of the block key): 0 in user mode, else
 *   bits 1:0 privilege (RV_PRIV_*), bits 5:2 the data MMU index,
 *   bit 6 mstatus.FS is Off (FP instructions illegal), bit 7 translation on for fetches
 *   (satp.MODE != Bare and privilege below M), bit 8 set (system mode).
 */
#define RV_MODE_PRIV_MASK  0x3u
#define RV_MODE_IDX_SHIFT  2
#define RV_MODE_FS_OFF     (1u << 6)
#define RV_MODE_PAGING     (1u << 7)
#define RV_MODE_SYS        (1u << 8)
uint32_t rv_cpu_mode_bits(const RvCpu *cpu);

/* --- Traps and interrupts (trap.c) --- */

/*
 * Enter the trap for cause (RV_CAUSE_INTERRUPT set for interrupts) with xtval = tval,
 * from the instruction at cpu->common.pc (for an interrupt: the next one to run).
 */
void rv_cpu_do_trap(RvCpu *cpu, uint64_t cause, uint64_t tval);
/* The interrupt to take now (cause with RV_CAUSE_INTERRUPT), or 0 when none. */
uint64_t rv_cpu_pending_interrupt(const RvCpu *cpu);
/* mip as software reads it (device lines, software bits, Sstc timer). */
uint64_t rv_cpu_read_mip(const RvCpu *cpu);
/*
 * A device drives interrupt line mip_bit (RV_IRQ_MEI, RV_IRQ_MTI, RV_IRQ_MSI, RV_IRQ_SEI,
 * RV_IRQ_SSI...).  Safe from any host thread: mip is updated atomically and raising a
 * line sets GUEST_REQ_INTERRUPT in exit_request.
 */
void rv_cpu_set_irq(RvCpu *cpu, unsigned mip_bit, bool level);
/*
 * Sstc: the time at which STIP rises (UINT64_MAX: menvcfg.STCE is off).  STIP is computed
 * from the time when read, so nothing changes by itself at that moment: a board's timer
 * sets GUEST_REQ_INTERRUPT in exit_request (atomically) then, for the exec loop to look.
 */
uint64_t rv_cpu_sstc_deadline(const RvCpu *cpu);
/* The current time (cfg.read_time or the host clock). */
uint64_t rv_cpu_read_time(const RvCpu *cpu);

/* --- Address translation (mmu.c) and PMP (pmp.c) --- */

/* A successful translation: physical address, what the page allows, its size. */
typedef struct RvTranslation {
    uint64_t paddr;
    uint64_t page_size;         /* bytes (4 KiB or a superpage); 1: valid for this access only */
    uint32_t prot;              /* GUEST_PROT_* for this MMU index, PMP included */
} RvTranslation;

/*
 * Translate vaddr for one access under MMU index mmu_idx (RV_MMU_IDX_*): Bare, Sv39 or
 * Sv48 as satp says, then PMP.  Returns -1 on success (*out filled), else the exception
 * cause to raise with tval = vaddr: a page fault (12/13/15) or an access fault (1/5/7).
 * Sets A/D bits in the page table as the access requires (compare-and-swap on the bus).
 */
int rv_mmu_translate(RvCpu *cpu, uint64_t vaddr, GuestAccess access, unsigned mmu_idx,
                     RvTranslation *out);

/*
 * PMP check of [paddr, paddr + size) for an access at privilege priv (RV_PRIV_*): true
 */
bool rv_pmp_check(const RvCpu *cpu, uint64_t paddr, uint64_t size, GuestAccess access, unsigned priv);
/*
 * PMP permissions (GUEST_PROT_*) for privilege priv over the aligned range
 * [base, base + size); false when the range is not governed by one rule alone.
 */
bool rv_pmp_range_prot(const RvCpu *cpu, uint64_t base, uint64_t size, unsigned priv, uint32_t *prot);

#endif
