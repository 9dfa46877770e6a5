/*
 * RISC-V privileged architecture constants (Privileged Spec 20211203): privilege
 * levels, mstatus fields, interrupt and exception causes, satp and PTE layouts.
 * Shared by the CSR file, traps, the MMU and PMP; no code here.
 */
#ifndef MIMIC_RISCV_PRIV_H
#define MIMIC_RISCV_PRIV_H

#include <stdint.h>

/* Privilege levels (§1.2), as stored in mstatus.MPP and RvCpu.priv. */
#define RV_PRIV_U 0u
#define RV_PRIV_S 1u
#define RV_PRIV_M 3u

/* mstatus fields for RV64 (§3.1.6); sstatus is a view of the same register. */
#define RV_MSTATUS_SIE   (UINT64_C(1) << 1)
#define RV_MSTATUS_MIE   (UINT64_C(1) << 3)
#define RV_MSTATUS_SPIE  (UINT64_C(1) << 5)
#define RV_MSTATUS_UBE   (UINT64_C(1) << 6)
#define RV_MSTATUS_MPIE  (UINT64_C(1) << 7)
#define RV_MSTATUS_SPP   (UINT64_C(1) << 8)
#define RV_MSTATUS_VS    (UINT64_C(3) << 9)
#define RV_MSTATUS_MPP_SHIFT 11
#define RV_MSTATUS_MPP   (UINT64_C(3) << 11)
#define RV_MSTATUS_FS_SHIFT 13
#define RV_MSTATUS_FS    (UINT64_C(3) << 13)
#define RV_MSTATUS_XS    (UINT64_C(3) << 15)
#define RV_MSTATUS_MPRV  (UINT64_C(1) << 17)
#define RV_MSTATUS_SUM   (UINT64_C(1) << 18)
#define RV_MSTATUS_MXR   (UINT64_C(1) << 19)
#define RV_MSTATUS_TVM   (UINT64_C(1) << 20)
#define RV_MSTATUS_TW    (UINT64_C(1) << 21)
#define RV_MSTATUS_TSR   (UINT64_C(1) << 22)
#define RV_MSTATUS_UXL   (UINT64_C(3) << 32)
#define RV_MSTATUS_SXL   (UINT64_C(3) << 34)
#define RV_MSTATUS_SBE   (UINT64_C(1) << 36)
#define RV_MSTATUS_MBE   (UINT64_C(1) << 37)
#define RV_MSTATUS_SD    (UINT64_C(1) << 63)
#define RV_XL_64         UINT64_C(2)            /* UXL/SXL/MXL value for 64-bit */

/* mstatus.FS values (§3.1.6.6). */
#define RV_FS_OFF     0u
#define RV_FS_INITIAL 1u
#define RV_FS_CLEAN   2u
#define RV_FS_DIRTY   3u

/* Interrupt numbers: bit positions in mip/mie/mideleg (§3.1.9). */
#define RV_IRQ_SSI 1u
#define RV_IRQ_MSI 3u
#define RV_IRQ_STI 5u
#define RV_IRQ_MTI 7u
#define RV_IRQ_SEI 9u
#define RV_IRQ_MEI 11u
#define RV_MIP_SSIP (UINT64_C(1) << RV_IRQ_SSI)
#define RV_MIP_MSIP (UINT64_C(1) << RV_IRQ_MSI)
#define RV_MIP_STIP (UINT64_C(1) << RV_IRQ_STI)
#define RV_MIP_MTIP (UINT64_C(1) << RV_IRQ_MTI)
#define RV_MIP_SEIP (UINT64_C(1) << RV_IRQ_SEI)
#define RV_MIP_MEIP (UINT64_C(1) << RV_IRQ_MEI)
#define RV_S_INTERRUPTS (RV_MIP_SSIP | RV_MIP_STIP | RV_MIP_SEIP)
#define RV_M_INTERRUPTS (RV_MIP_MSIP | RV_MIP_MTIP | RV_MIP_MEIP)

/* xcause: the interrupt bit and the exception codes (§3.1.15, table 3.6). */
#define RV_CAUSE_INTERRUPT       (UINT64_C(1) << 63)
#define RV_EXC_INSN_MISALIGNED   0u
#define RV_EXC_INSN_ACCESS       1u
#define RV_EXC_ILLEGAL_INSN      2u
#define RV_EXC_BREAKPOINT        3u
#define RV_EXC_LOAD_MISALIGNED   4u
#define RV_EXC_LOAD_ACCESS       5u
#define RV_EXC_STORE_MISALIGNED  6u
#define RV_EXC_STORE_ACCESS      7u
#define RV_EXC_ECALL_U           8u
#define RV_EXC_ECALL_S           9u
#define RV_EXC_ECALL_M           11u
#define RV_EXC_INSN_PAGE_FAULT   12u
#define RV_EXC_LOAD_PAGE_FAULT   13u
#define RV_EXC_STORE_PAGE_FAULT  15u

/* satp (§4.1.11). */
#define RV_SATP_MODE_SHIFT 60
#define RV_SATP_MODE_BARE  0u
#define RV_SATP_MODE_SV39  8u
#define RV_SATP_MODE_SV48  9u
#define RV_SATP_PPN_MASK   ((UINT64_C(1) << 44) - 1)

/* Page-table entries (§4.3.1, §4.4.1). */
#define RV_PTE_V (UINT64_C(1) << 0)
#define RV_PTE_R (UINT64_C(1) << 1)
#define RV_PTE_W (UINT64_C(1) << 2)
#define RV_PTE_X (UINT64_C(1) << 3)
#define RV_PTE_U (UINT64_C(1) << 4)
#define RV_PTE_G (UINT64_C(1) << 5)
#define RV_PTE_A (UINT64_C(1) << 6)
#define RV_PTE_D (UINT64_C(1) << 7)
#define RV_PTE_PPN_SHIFT 10
#define RV_PTE_PPN_MASK  ((UINT64_C(1) << 44) - 1)
/* Bits 63:54: N (Svnapot), PBMT (Svpbmt) and reserved; none implemented, so all must be 0. */
#define RV_PTE_HIGH_MASK (~UINT64_C(0) << 54)

/* menvcfg (§3.1.18): FIOM and, with Sstc, STCE are the writable fields here. */
#define RV_MENVCFG_FIOM (UINT64_C(1) << 0)
#define RV_MENVCFG_STCE (UINT64_C(1) << 63)

/* Counter-enable bits (§3.1.11): CY, TM, IR, then HPMn at bit n. */
#define RV_COUNTER_CY 0u
#define RV_COUNTER_TM 1u
#define RV_COUNTER_IR 2u

/* pmpcfg byte fields (§3.7.1). */
#define RV_PMP_R     0x01u
#define RV_PMP_W     0x02u
#define RV_PMP_X     0x04u
#define RV_PMP_A     0x18u
#define RV_PMP_A_SHIFT 3
#define RV_PMP_OFF   0u
#define RV_PMP_TOR   1u
#define RV_PMP_NA4   2u
#define RV_PMP_NAPOT 3u
#define RV_PMP_L     0x80u
#define RV_PMP_ENTRIES 16u
#define RV_PMPADDR_MASK ((UINT64_C(1) << 54) - 1)   /* pmpaddr holds bits 55:2 */

/* misa extension bits: bit n is letter 'A' + n (§3.1.1). */
#define RV_MISA_EXT(letter) (UINT64_C(1) << ((letter) - 'A'))
#define RV_MISA_MXL_64      (RV_XL_64 << 62)

#endif
