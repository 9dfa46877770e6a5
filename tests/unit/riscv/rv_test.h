/*
 * Shared helpers of the RISC-V unit tests: instruction encoders and a tiny
 * runner that lifts blocks from a buffer and runs them with the IR interpreter
 * (unoptimized and optimized), the reference engine.
 */
#ifndef MIMIC_TEST_RV_TEST_H
#define MIMIC_TEST_RV_TEST_H

#include <stdint.h>

#include "frontend/riscv/cpu.h"
#include "ir/interp.h"

#define RVT_MEM_BITS 16
#define RVT_MEM_SIZE (1u << RVT_MEM_BITS)
#define RVT_CODE     0x1000u
#define RVT_DATA     0x8000u

/* Encoders (RISC-V Unprivileged ISA, chapter 2 formats). */
static inline uint32_t rvt_r(uint32_t f7, int rs2, int rs1, uint32_t f3, int rd, uint32_t op)
{
    return f7 << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | f3 << 12 | (uint32_t)rd << 7 | op;
}

static inline uint32_t rvt_i(int32_t imm, int rs1, uint32_t f3, int rd, uint32_t op)
{
    return ((uint32_t)imm & 0xfff) << 20 | (uint32_t)rs1 << 15 | f3 << 12 | (uint32_t)rd << 7 | op;
}

static inline uint32_t rvt_s(int32_t imm, int rs2, int rs1, uint32_t f3, uint32_t op)
{
    uint32_t u = (uint32_t)imm;

    return ((u >> 5) & 0x7f) << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | f3 << 12 |
           (u & 0x1f) << 7 | op;
}

static inline uint32_t rvt_b(int32_t imm, int rs2, int rs1, uint32_t f3)
{
    uint32_t u = (uint32_t)imm;

    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | (uint32_t)rs2 << 20 |
           (uint32_t)rs1 << 15 | f3 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

#define RVT_ADDI(rd, rs1, imm)  rvt_i((imm), (rs1), 0, (rd), 0x13)
#define RVT_EBREAK              0x00100073u
#define RVT_ECALL               0x00000073u

typedef struct RvtMachine {
    RvCpu cpu;
    uint8_t *mem;           /* RVT_MEM_SIZE bytes, code at RVT_CODE */
    bool optimize;          /* run ir_optimize() on every block */
    unsigned max_insns;     /* 0: the lifter's default */
    unsigned blocks;        /* blocks run */
} RvtMachine;

void rvt_init(RvtMachine *m);
void rvt_fini(RvtMachine *m);
/* Copy words to RVT_CODE and set pc there. */
void rvt_load(RvtMachine *m, const uint32_t *words, unsigned n);
/* Copy raw bytes to RVT_CODE and set pc there. */
void rvt_load_bytes(RvtMachine *m, const void *bytes, unsigned n);
/*
 * Run blocks until one raises (ebreak, ecall, illegal, fault) or after
 * max_blocks.  Returns the last exit; cpu.common.pc is its pc.
 */
IrInterpExit rvt_run(RvtMachine *m, unsigned max_blocks);
/* Lift the block at pc into a new IrBlock (verified), without running it. */
IrBlock *rvt_lift(RvtMachine *m, uint64_t pc);

/* --- System mode --- */

#define RVT_CSRRW(rd, csr, rs1)  rvt_i((int32_t)(csr), (rs1), 1, (rd), 0x73)
#define RVT_CSRRS(rd, csr, rs1)  rvt_i((int32_t)(csr), (rs1), 2, (rd), 0x73)
#define RVT_CSRRC(rd, csr, rs1)  rvt_i((int32_t)(csr), (rs1), 3, (rd), 0x73)
#define RVT_CSRRWI(rd, csr, imm) rvt_i((int32_t)(csr), (imm), 5, (rd), 0x73)
#define RVT_MRET                 0x30200073u
#define RVT_SRET                 0x10200073u
#define RVT_WFI                  0x10500073u
#define RVT_SFENCE_VMA(rs1, rs2) rvt_r(0x09, (rs2), (rs1), 0, 0, 0x73)

/*
 * Put the machine's CPU in system mode (hart 0, RV64GC, reset pc RVT_CODE), then set
 * its privilege.  Physical memory is the machine's RVT_MEM_SIZE bytes (the GuestBus).
 */
void rvt_sys_init(RvtMachine *m, unsigned priv);

typedef struct RvtSysResult {
    unsigned traps;             /* exits turned into guest traps by sys_raise */
    unsigned interrupts;        /* interrupts taken through sys_take_interrupt */
    uint32_t last_kind;         /* GuestExitKind of the last exit seen */
    int64_t last_code;
    uint64_t last_aux;
} RvtSysResult;

/*
 * A tiny board loop: run blocks with the interpreter (helpers may leave through
 * guest_cpu_exit), take interrupts when GUEST_REQ_INTERRUPT asks, resume after
 * SYNC_MODE/TLB_FLUSH exits and turn traps into guest traps with sys_raise, until
 * pc == stop_pc, a HALT exit, or max_blocks blocks.
 */
RvtSysResult rvt_sys_run(RvtMachine *m, uint64_t stop_pc, unsigned max_blocks);

#endif
