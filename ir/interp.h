/*
 * The IR interpreter: runs one optimized IrBlock directly on a guest CPU state.
 * It is the reference engine: the JIT must end every block in the same state.
 * Helper calls go through libffi (one ffi_cif per helper, built on first use).
 *
 * Guest memory is reached as host = mem_base + address, after checking the
 * address against 2^addr_bits, exactly like user-mode generated code.  A host
 * fault inside such an access is turned into a guest fault by the platform's
 * signal handler (see exec_fault_unwind()).
 */
#ifndef MIMIC_IR_INTERP_H
#define MIMIC_IR_INTERP_H

#include <stdint.h>

#include "ir/ir.h"

typedef struct IrInterpEnv {
    uint8_t *mem_base;
    unsigned addr_bits;
    /* Called for every LOAD/STORE when non-NULL (--trace=mem). */
    void (*trace_mem)(void *opaque, bool write, unsigned size, uint64_t addr, uint64_t value);
    void *trace_opaque;
    /* Updated as the block runs: the pc of the current guest instruction (INSN_START). */
    uint64_t *cur_pc;
    /* System mode: LOAD and STORE go through these helpers (softmmu/tlb.c), not mem_base. */
    const struct IrMemHelpers *mem_helpers;
} IrInterpEnv;

typedef enum IrInterpExitKind {
    IR_INTERP_GOTO_BLOCK,       /* constant exit: pc and slot */
    IR_INTERP_GOTO_PTR,         /* computed exit: pc */
    IR_INTERP_RAISE,            /* RAISE: kind, code, aux; pc = the raising instruction */
    IR_INTERP_ADDR_FAULT,       /* address >= 2^addr_bits: aux = address, code = GuestAccess */
} IrInterpExitKind;

typedef struct IrInterpExit {
    IrInterpExitKind kind;
    uint64_t pc;
    uint32_t slot;
    uint32_t raise_kind;
    int64_t code;
    uint64_t aux;
} IrInterpExit;

/*
 * Record where each label of the final blk is (IrBlock.label_pos), so that a taken
 * branch costs no search: blocks that go on past conditional branches put their side
 * exits' labels after the last instruction.  Optional; call again after changing blk.
 */
void ir_interp_index_labels(IrBlock *blk);

/* Run blk on cpu (the guest state the GET/SET offsets refer to) until it exits. */
void ir_interp_run(const IrBlock *blk, void *cpu, const IrInterpEnv *env, IrInterpExit *exit);

#endif
