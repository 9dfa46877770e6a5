/*
 * 32-bit big-endian PowerPC CPU state (Power ISA 2.06 Book I user registers plus
 * the Book III-E supervisor registers an e500 core has).  Generic code sees it as
 * a GuestCpu; the lifter reaches fields by offset (PPC_OFF_* in internal.h).
 *
 * CR is kept as eight separate fields, one uint32 each holding 4 bits
 * (LT=8, GT=4, EQ=2, SO=1), so a compare writes one slot and a conditional branch
 * reads one slot without masking.  XER is split the same way: SO, OV and CA are
 * 0/1 words, the byte count of lswx/stswx its own word; ppc_get_xer()/ppc_set_xer()
 * assemble the architected 32-bit value.
 */
#ifndef MIMIC_PPC_CPU_H
#define MIMIC_PPC_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/guest.h"

#define PPC_CR_LT 8u
#define PPC_CR_GT 4u
#define PPC_CR_EQ 2u
#define PPC_CR_SO 1u

/* Book III-E interrupt vectors (IVOR numbers), e500 core reference manual 5.7. */
typedef enum PpcIvor {
    PPC_IVOR_CRITICAL = 0,
    PPC_IVOR_MACHINE_CHECK = 1,
    PPC_IVOR_DSI = 2,
    PPC_IVOR_ISI = 3,
    PPC_IVOR_EXTERNAL = 4,
    PPC_IVOR_ALIGNMENT = 5,
    PPC_IVOR_PROGRAM = 6,
    PPC_IVOR_FP_UNAVAILABLE = 7,
    PPC_IVOR_SYSCALL = 8,
    PPC_IVOR_AP_UNAVAILABLE = 9,
    PPC_IVOR_DECREMENTER = 10,
    PPC_IVOR_FIT = 11,
    PPC_IVOR_WATCHDOG = 12,
    PPC_IVOR_DTLB_MISS = 13,
    PPC_IVOR_ITLB_MISS = 14,
    PPC_IVOR_DEBUG = 15,
    PPC_IVOR_COUNT = 16
} PpcIvor;

/* MSR bits (Book III-E 4.2.1) the interrupt entry changes. */
#define PPC_MSR_WE  (1u << 18)
#define PPC_MSR_CE  (1u << 17)
#define PPC_MSR_EE  (1u << 15)
#define PPC_MSR_PR  (1u << 14)
#define PPC_MSR_FP  (1u << 13)
#define PPC_MSR_ME  (1u << 12)
#define PPC_MSR_FE0 (1u << 11)
#define PPC_MSR_DE  (1u << 9)
#define PPC_MSR_FE1 (1u << 8)
#define PPC_MSR_IS  (1u << 5)
#define PPC_MSR_DS  (1u << 4)

typedef struct PpcCpu {
    GuestCpu common;            /* must stay first: generic code converts PpcCpu * <-> GuestCpu * */
    uint32_t gpr[32];
    uint32_t cr[8];             /* cr[0] is CR0 (CR bits 0-3); each holds LT|GT|EQ|SO in its low 4 bits */
    uint32_t xer_so;            /* 0 or 1 */
    uint32_t xer_ov;
    uint32_t xer_ca;
    uint32_t xer_bc;            /* XER[57:63]: byte count of lswx/stswx */
    uint32_t lr;
    uint32_t ctr;
    uint32_t fpscr;
    uint32_t vrsave;
    uint64_t fpr[32];           /* binary64 bit patterns (singles are kept as doubles) */
    /* lwarx reservation: address (~0 when none, never a valid aligned address) and value. */
    uint32_t res_addr;
    uint32_t res_val;
    /*
     * Lazy FPSCR[FR FI FPRF]: the inline fast path of double-precision arithmetic
     * (trans_fp.c) only runs when the operation can raise nothing but inexact, which
     * XX already holds, so FR, FI and FPRF are all it changes.  It records the
     * operation here instead of computing them; fp_lazy_op is 0 when fpscr is exact.
     * Readers of FPSCR go through ppc_get_fpscr() or ppc_fp_settle().
     */
    uint32_t fp_lazy_op;        /* 0, or helper_ppc_farith's opc | PPC_FP_LAZY | PPC_FP_LAZY_FPRF or _C */
    uint64_t fp_lazy_a, fp_lazy_b, fp_lazy_c;   /* its frA, frB, frC */
    /*
     * Enabled FP exceptions trap (a program interrupt, SIGFPE in user mode) when an FP
     * instruction leaves FPSCR[FEX] set while MSR[FE0] or MSR[FE1] is.  Checking costs a
     * helper call per FP instruction, so code is lifted with the check only once fp_traps
     * is set: by prctl(PR_SET_FPEXC) in user mode, for every thread of the process (the
     * check reads each thread's own MSR), followed by a flush of the translations.
     */
    bool fp_traps;

    /* --- Supervisor state (Book III-E), used by the e500 board; user mode leaves it alone --- */
    uint32_t msr;
    uint32_t srr0, srr1;
    uint32_t csrr0, csrr1;
    uint32_t sprg[8];           /* SPRG3 is readable from user mode (SPR 259) */
    uint32_t dear;
    uint32_t esr;
    uint32_t pir;
    uint32_t pvr;
    uint32_t ivpr;
    uint32_t ivor[PPC_IVOR_COUNT];
    uint32_t pid;
    uint32_t tcr, tsr;
    uint32_t dec;
    uint32_t tbl, tbu;          /* system mode's time base; user mode reads the host clock */
} PpcCpu;

G_STATIC_ASSERT(offsetof(PpcCpu, common) == 0);
G_STATIC_ASSERT(offsetof(PpcCpu, gpr) < 128);   /* hot registers within a disp8 of the base pointer */

extern const GuestArch ppc32_arch;

/* The architected XER value: SO (bit 32), OV (33), CA (34), byte count (57:63). */
uint32_t ppc_get_xer(const PpcCpu *cpu);
void ppc_set_xer(PpcCpu *cpu, uint32_t v);
/* The exact FPSCR (a pending lazy FR/FI/FPRF worked out); settle also stores it. */
uint32_t ppc_get_fpscr(const PpcCpu *cpu);
void ppc_fp_settle(PpcCpu *cpu);
void ppc_set_fpscr(PpcCpu *cpu, uint32_t v);
/* The architected 32-bit CR from the eight fields. */
uint32_t ppc_get_cr(const PpcCpu *cpu);
void ppc_set_cr(PpcCpu *cpu, uint32_t v);

/*
 * Book III-E interrupt entry (Power ISA 2.06 Book III-E 7.5): SRR0 = pc to resume at
 * (the faulting instruction or the next one, as the interrupt type says), SRR1 = MSR,
 * MSR keeps ME/CE/DE as the type demands and clears the rest, pc = IVPR[0:15] || IVOR[n].
 * Critical-class interrupts use CSRR0/1.  For system mode; user mode maps exits to signals.
 */
void ppc_cpu_interrupt(PpcCpu *cpu, PpcIvor ivor, uint32_t resume_pc);

/* ESR bits (Book III-E 7.2.7) the board sets for the interrupts below. */
#define PPC_ESR_PIL 0x08000000u     /* program: illegal instruction */
#define PPC_ESR_PTR 0x02000000u     /* program: trap */
#define PPC_ESR_ST  0x00800000u     /* data access was a store */

/*
 * How the frontend's exits map onto Book III-E interrupts, for system mode:
 *   GUEST_EXIT_SYSCALL (sc)            -> system call, resume at pc + 4
 *   GUEST_EXIT_ILLEGAL                 -> program, ESR[PIL]
 *   GUEST_EXIT_BREAKPOINT (tw/twi)     -> program, ESR[PTR]
 *   GUEST_EXIT_MEM_FAULT               -> data storage (ESR[ST] for stores), DEAR = address
 *   GUEST_EXIT_FETCH_FAULT             -> instruction storage
 *   GUEST_EXIT_MISALIGNED (lwarx...)   -> alignment, DEAR = address
 * Returns false for exits that are not guest interrupts (SYNC_CODE, INTERRUPT...).
 * User mode maps the same exits to signals instead (SIGSEGV, SIGILL, SIGTRAP, SIGBUS).
 */
bool ppc_exit_to_interrupt(GuestExitKind kind, int64_t code, PpcIvor *ivor, uint32_t *esr);

#endif
