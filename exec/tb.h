/*
 * Translated blocks and the block cache.
 *
 * A TbBlock is one lifted guest block in whatever form its engine runs it (IR for
 * the interpreter, host code for the JIT).  The cache maps a guest pc (plus mode
 * flags) to its block, keeps a small direct-mapped jump cache that generated code
 * probes inline for computed jumps, and remembers which blocks came from which
 * guest page so a write to that page can invalidate them.
 */
#ifndef MIMIC_EXEC_TB_H
#define MIMIC_EXEC_TB_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "frontend/guest.h"
#include "ir/ir.h"

typedef struct TbBlock TbBlock;

/*
 * Tiered translation (exec/tier.c): a block is first made cold -- no IR kept, no host code;
 * the exec loop lifts it and runs it on the interpreter -- and compiled in full (optimized,
 * JIT) once it has run ExecOptions.tier_threshold times; the full block then replaces it in
 * the block table.  Zero is full so that code building blocks by hand gets ordinary ones.
 */
typedef enum TbTier {
    TB_TIER_FULL = 0,
    TB_TIER_COLD = 1,
} TbTier;

/* One chainable exit (an IR GOTO_BLOCK slot). */
typedef struct TbExit {
    GuestAddr target;           /* guest pc the exit goes to */
    uint32_t patch_offset;      /* JIT: offset in host_code of the jump to patch */
    TbBlock *dest;              /* the block it is chained to, or NULL */
} TbExit;

/* Incoming chained jump: exit `slot` of block `from` jumps straight into this block. */
typedef struct TbLink {
    TbBlock *from;
    uint32_t slot;
} TbLink;

/*
 * JIT: a guest-state slot whose newest value is still in a host register at a point
 * where the block can fault (guest registers are not written back before memory
 * accesses; the fault handler stores these from the interrupted context instead).
 */
typedef struct TbDirtySlot {
    uint32_t offset;            /* byte offset in the CPU state */
    uint8_t size;               /* 4 or 8 */
    uint8_t reg;                /* host register number (the engine's numbering) */
} TbDirtySlot;

/* JIT: host code offset -> guest pc, one entry per instruction that can fault. */
typedef struct TbPcMap {
    uint32_t host_offset;       /* end offset of the host instruction range */
    uint32_t guest_offset;      /* guest pc minus TbBlock.pc, as a signed 32-bit distance */
    uint32_t dirty_start;       /* its dirty slots: TbBlock.dirty[dirty_start ...] */
    uint32_t n_dirty;
} TbPcMap;

/* What identifies a block: the same code in the same CPU mode.  User mode: phys == pc, flags 0. */
/* TbKey.flags bit of a debugger's single-step block (one instruction, never chained). */
#define EXEC_KEY_STEP (1u << 31)

typedef struct TbKey {
    GuestAddr pc;
    uint64_t phys;              /* physical address of pc (system mode) */
    uint32_t flags;             /* GuestArch.sys_mode_bits when the block was lifted */
} TbKey;

struct TbBlock {
    /*
     * The inline jump-cache probe reads pc, then jumps through host_code (and in system
     * mode compares flags): kept together at the start so one cache line serves the probe.
     */
    GuestAddr pc;
    uint8_t *host_code;         /* JIT: entry point in the code cache */
    uint32_t flags;             /* mode bits; part of the lookup key (0 in user mode) */
    TbKey key;                  /* the block table's key (pc and flags repeated) */
    uint32_t guest_size;        /* bytes of guest code */
    uint32_t guest_insns;
    GuestAddr code_page2;       /* another page its code came from (IrBlock.code_page2), or 0 */
    bool valid;                 /* false once invalidated; kept allocated until the next flush */
    bool traced;                /* every entry must pass through the exec loop (tracing): not
                                   chained to or from, not in the jump cache */
    uint8_t tier;               /* TbTier.  A cold block is, like a traced one, never chained
                                   to or from and never in the jump cache (it has no host code) */
    uint32_t cold_runs;         /* cold: times the exec loop ran it (relaxed atomic, approximate) */
    bool in_pages;              /* recorded in the page map (cold blocks: once first lifted) */
    uint64_t cold_ring;         /* cold: id of the thread's ring holding its lifted IR (exec/tier.c; 0: none) */
    uint64_t cold_at;           /* at this offset (both under ExecCtx.lock) */
    uint64_t generation;        /* cache generation it was made in */
    char *trace_text;           /* traced insn blocks: "<word> <disassembly> <sym>", made once */
    /*
     * Straight-line blocks of several instructions (tracing): each instruction's pc minus
     * TbBlock.pc in program order, so that a fault inside the block counts only the
     * instructions up to the faulting one (exec_run; the trace's step counter).
     */
    uint32_t *insn_offsets;

    IrBlock *ir;                /* interpreter: the optimized IR; JIT and cold blocks: NULL */
    uint32_t host_size;
    TbPcMap *pcmap;             /* JIT: sorted by host_offset */
    uint32_t n_pcmap;
    TbDirtySlot *dirty;         /* JIT: referenced by pcmap entries */

    GArray *incoming;           /* of TbLink; NULL when none */
    uint32_t n_exits;
    TbExit exits[];
};
/* malloc aligns to 16: pc and host_code share a cache line. */
G_STATIC_ASSERT(offsetof(TbBlock, pc) == 0 && offsetof(TbBlock, host_code) == 8);

/*
 * Jump cache, probed inline by generated code: entry tb_jmp_hash(pc) holds the last
 * block seen at a pc that hashes there, or NULL.  The JIT emits exactly this hash.
 */
#define TB_JMP_CACHE_BITS 14
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)
static inline uint32_t tb_jmp_hash(GuestAddr pc)
{
    return (uint32_t)(pc >> 1) & (TB_JMP_CACHE_SIZE - 1);
}

/*
 * Return-address stack (IR_OP_RAS_PUSH / IR_OP_GOTO_RET, backend-x86_64/x64_gen_ras.c): a
 * ring of TB_RAS_SIZE blocks that guest calls expect to return to, newest at
 * tb_ras()[cpu->ras_top], NULL where nothing is known.  It lives right after the jump
 * cache in the same allocation (TB_JMP_CACHE_ALLOC entries), so generated code reaches
 * both through cpu->jmp_cache and everything that clears the jump cache clears it too.
 * A hint only: a return takes an entry when its block starts at the actual target, is
 * still valid and (system mode) has the current mode bits, else probes the jump cache.
 */
#define TB_RAS_SIZE 32u          /* a power of two */
#define TB_JMP_CACHE_ALLOC (TB_JMP_CACHE_SIZE + TB_RAS_SIZE)
static inline TbBlock **tb_ras(TbBlock **jmp_cache)
{
    return jmp_cache + TB_JMP_CACHE_SIZE;
}

#endif
