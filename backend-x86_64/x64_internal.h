/*
 * Shared between the JIT's files: the code cache (x64_engine.c), the register
 * allocator (x64_ra.c) and the IR-to-x86 code generator (x64_gen.c).
 *
 * Register conventions inside generated code:
 *   rbp  the guest CPU pointer (GET/SET offsets are [rbp + off])
 *   r15  the guest memory base (user mode: host = r15 + guest address)
 *   rsp  16-byte aligned; [rsp] holds 2^addr_bits (the user-mode address limit, compared
 *        against in one fused cmp/jae) and [rsp + 8 + 8 * n] is frame slot n (spills, temps
 *        live across labels)
 *   r11  scratch for single instructions, never holds a value across emitter calls
 *   rbx, r12, r13, r14, rsi, rdi, r8, r9, r10, rax, rcx, rdx: allocatable
 * Exits jump to the shared epilogue with rax = TbBlock * of an unchained exit (or NULL)
 * and rdx = its slot; the trampoline returns them as an X64ExitInfo.
 */
#ifndef MIMIC_X64_INTERNAL_H
#define MIMIC_X64_INTERNAL_H

#include <glib.h>

#include "backend-x86_64/x64_emit.h"
#include "exec/exec.h"
#include "exec/tb.h"
#include "ir/ir.h"

#define X64_CPU_REG   X64_RBP
#define X64_MEM_REG   X64_R15
#define X64_SCRATCH   X64_R11
#define X64_FRAME_SLOTS 2048u     /* 16 KiB of spill space, far above what a capped block needs */
/* Bytes reserved below the pushed callee-saved registers (limit + slots); keeps rsp 16-byte aligned. */
#define X64_FRAME_BYTES (8u + X64_FRAME_SLOTS * 8u)

typedef struct X64ExitInfo {
    TbBlock *tb;                /* rax: block whose unchained exit was taken, or NULL */
    uintptr_t slot;             /* rdx */
} X64ExitInfo;

typedef X64ExitInfo (*X64EnterFn)(GuestCpu *cpu, uint8_t *mem_base, const uint8_t *code, uint64_t limit);

/* --- Register allocator state --- */

typedef struct X64TempInfo {
    int8_t reg;                 /* host register holding the value, or -1 */
    int8_t home;                /* self loop: carried register of a slot it is SET to, or -1 */
    bool global;                /* used outside its defining region, or multi-def: has a home slot */
    bool is_const;              /* single-def CONST already seen: use cval, no register needed */
    bool in_frame;              /* frame slot `frame` holds the current value */
    int32_t frame;              /* frame slot, or -1 */
    uint32_t last_use;          /* index of the last instruction reading it (0: none) */
    uint32_t def_region;        /* label region of the first definition, +1 (0: not defined yet) */
    uint64_t cval;
    uint32_t n_uses;            /* instructions reading it */
    uint32_t def_at;            /* index of its (last) definition, +1 */
    /*
     * SHL by 1..3 whose only reader is an ADD: emitted there as one lea.  lea_src is the
     * shifted temp (kept alive up to the ADD); lea_pending once the SHL was skipped.
     */
    bool lea_defer;
    bool lea_pending;
    uint8_t lea_shift;
    IrTemp lea_src;
    /*
     * User mode: ADD(addr_base, constant addr_disp) read only as the address of loads and
     * stores is never computed: each access checks addr_base and uses
     * [mem + addr_base + addr_disp] (plan_addr, guest_addr).
     */
    bool addr_defer;
    int32_t addr_disp;
    IrTemp addr_base;
    /* Through a deferred TRUNC only (plan_trunc): + addr_index << addr_shift (NONE: no index). */
    IrTemp addr_index;
    uint8_t addr_shift;
    /*
     * User mode, 32-bit addresses: TRUNC of trunc_src read only as the address of loads
     * and stores is never computed: each access takes the low half of trunc_src into r11
     * (mov r11d, or lea r11d, [base + disp] when trunc_src is an addr_defer ADD).
     */
    bool trunc_defer;
    IrTemp trunc_src;
    /*
     * i64 result whose every reader uses only its low 32 bits: computed with a 32-bit
     * instruction, so the host register's upper half is zero and a ZEXT 32 of it is no
     * instruction (plan_narrow).
     */
    bool narrow;
    /* SEXT/ZEXT 32 whose readers all use only the low half: a move (plan_narrow). */
    bool low_read;
    /*
     * i64 SHR/SAR by 1..32 whose readers all use only the low 32 bits: with BMI2 a rorx
     * when the source stays live (the low half is the same; the upper half is not zero,
     * so it is not `narrow`).
     */
    bool low_only;
    /* The address check of this value was emitted in the current straight-line region. */
    uint32_t checked_epoch;
} X64TempInfo;

typedef struct X64RegInfo {
    IrTemp temp;                /* temp held, or IR_TEMP_NONE */
    int32_t slot;               /* guest-state offset cached here, or -1 */
    uint8_t slot_size;          /* 4 or 8 */
    bool dirty;                 /* slot value not yet stored to the CPU state */
} X64RegInfo;

typedef enum X64ColdKind {
    X64_COLD_INTERRUPT,         /* block-entry poll saw exit_request */
    X64_COLD_EXIT,              /* unchained GOTO_BLOCK exit stub */
    X64_COLD_MEMFAULT,          /* address >= 2^addr_bits */
    X64_COLD_SIDE_EXIT,         /* taken conditional exit: stores the dirty slots, then the exit's jump */
    X64_COLD_TLB_LOAD,          /* system mode: TLB miss of a load; calls the slow path, resumes */
    X64_COLD_TLB_STORE,         /* the same for a store */
} X64ColdKind;

typedef struct X64Cold {
    uint8_t kind;               /* X64ColdKind */
    int8_t reg;                 /* MEMFAULT: register holding the address, or -1 for const */
    bool addr32;                /* MEMFAULT: zero-extend the 32-bit address */
    uint8_t access;             /* MEMFAULT: GuestAccess */
    uint32_t site;              /* offset of the rel32 jumping here */
    uint32_t slot;              /* EXIT, SIDE_EXIT: slot number */
    uint64_t pc;                /* guest pc to leave in cpu->pc */
    uint64_t value;             /* MEMFAULT with const address: the address */
    int32_t disp;               /* MEMFAULT on a checked base: the access's displacement */
    uint32_t dirty_start;       /* MEMFAULT, SIDE_EXIT...: guest slots to store first, in X64Gen.dirty */
    uint32_t n_dirty;
    /* TLB_LOAD/TLB_STORE: where to go on, the IrMemOp, the loaded value's or stored value's
     * register (-1 for a constant store value, in `value`). */
    uint32_t resume;            /* also MEMFAULT with disp: the access, when base + disp is in range */
    uint32_t memop;
    int8_t val_reg;
} X64Cold;

/* Guest slots in registers where a label starts (see x64_label_enter). */
typedef struct X64LabelState {
    bool backward;              /* a branch after the label goes back to it: start empty */
    uint32_t n_edges;           /* forward branches to it emitted so far */
    int32_t slot[X64_NREGS];    /* per register: cached slot or -1 */
    uint8_t size[X64_NREGS];
    bool dirty[X64_NREGS];      /* only with a single edge (no write-back at the branch) */
} X64LabelState;

typedef struct X64Fixup {
    uint32_t label;
    uint32_t site;
} X64Fixup;

typedef struct X64Engine X64Engine;

typedef struct X64Gen {
    X64Buf buf;                 /* starts at the block's host_code */
    ExecCtx *x;
    X64Engine *e;
    TbBlock *tb;
    const IrBlock *blk;

    X64TempInfo *temps;
    uint32_t temps_cap;
    X64RegInfo regs[X64_NREGS];
    uint32_t locked;            /* registers the current instruction is using */
    uint32_t cur;               /* index of the instruction being compiled */
    uint64_t insn_pc;           /* pc of the last INSN_START */
    int32_t rsp_adjust;         /* bytes pushed below the frame (stack helper args) */

    uint32_t n_frame;           /* frame slots handed out */
    GArray *free_frames;        /* of uint32_t: spill slots free for reuse */

    uint32_t *label_off;        /* offset of each label, UINT32_MAX until placed */
    uint32_t *label_refs;       /* branches naming each label */
    uint32_t *label_insn;       /* index of each LABEL instruction */
    bool *label_fused;          /* label only leads to an exit that a jcc took over */
    X64LabelState *label_state;
    uint32_t labels_cap;
    GArray *fixups;             /* X64Fixup: forward branches */
    GArray *cold;               /* X64Cold */
    GArray *pcmap;              /* TbPcMap */
    GArray *dirty;              /* TbDirtySlot, referenced by pcmap and MEMFAULT cold entries */
    uint32_t *stub_off;         /* per exit slot: offset of its stub */
    bool probe_jmp_cache;       /* GOTO_PTR looks up cpu->jmp_cache inline */
    uint32_t check_epoch;       /* bumped at every label: address checks before it no longer count */
    /*
     * Self-loop blocks (an exit back to the block's own pc) loop inside the block: the
     * back edge moves the loop-carried guest slots into fixed registers and jumps to
     * loop_body, skipping the reloads from the CPU state.
     */
    bool self_loop;
    uint32_t loop_body;         /* offset after the entry poll and the preloads */
    /*
     * The last add/sub/and/or/xor gen_alu emitted: its register, operand size and the code
     * offset right after it.  While nothing has been emitted since (and no label bound
     * there), the host ZF says whether that register is zero (cmp_emit skips a test).
     */
    X64Reg zf_reg;
    unsigned zf_size;
    uint32_t zf_end;
    unsigned n_carried;
    int32_t carried_off[9];
    uint8_t carried_size[9];
    uint8_t *epilogue;
    /*
     * FP values kept in xmm registers (x64_gen_fp.c): the temp each of xmm3..xmm15
     * holds a copy of (IR_TEMP_NONE: nothing), so an FP op whose input an earlier one
     * produced or loaded takes it from there instead of from its general register.
     */
    IrTemp xmm_temp[16];
    unsigned xmm_next;          /* the cache register to reuse next (round robin) */
} X64Gen;

struct X64Engine {
    uint8_t *cache;
    size_t cache_size;
    uint8_t *code_start;        /* first byte after the trampoline */
    uint8_t *ptr;               /* bump allocation pointer */
    X64EnterFn enter;
    uint8_t *epilogue;
    /*
     * TbBlock in code-cache order (sorted by host_code), read by host fault handlers of
     * any thread without a lock: a fixed array (never reallocated) whose entries are
     * written before n_blocks is published with a release store.  Reset only by a flush,
     * which runs while no other thread is inside generated code.
     */
    TbBlock **blocks;
    size_t n_blocks;
    X64Gen gen;                 /* scratch arrays reused across translations */
};

/* x64_ra.c */
extern const X64Reg x64_alloc_order[];
extern const unsigned x64_n_alloc_order;
bool x64_is_caller_saved(X64Reg r);
X64Mem x64_frame_mem(X64Gen *g, int32_t slot);
X64Mem x64_limit_mem(X64Gen *g);
void x64_ra_begin_block(X64Gen *g);
void x64_ra_begin_insn(X64Gen *g);
X64Reg x64_ra_alloc(X64Gen *g);             /* a free register, locked, owned by nobody */
X64Reg x64_ra_alloc_nospill(X64Gen *g);     /* same, or X64_NOREG instead of evicting */
X64Reg x64_ra_alloc_home(X64Gen *g, IrTemp t);  /* same, t's home first (X64TempInfo.home) */
void x64_ra_lock(X64Gen *g, X64Reg r);
X64Reg x64_ra_use(X64Gen *g, IrTemp t);     /* t's value in a locked register */
bool x64_ra_reusable(X64Gen *g, IrTemp t);  /* t's register may become the output's */
X64Reg x64_ra_def(X64Gen *g, IrTemp t, X64Reg reuse);
void x64_ra_def_done(X64Gen *g, IrTemp t);
void x64_ra_end_insn(X64Gen *g, const IrInsn *insn);
void x64_ra_evict(X64Gen *g, X64Reg r);     /* r owned by nobody afterwards; values kept elsewhere */
void x64_ra_take(X64Gen *g, X64Reg r);      /* evict and lock: r is free to clobber */
void x64_ra_load_value(X64Gen *g, X64Reg dst, IrTemp t, unsigned sz);  /* copy, no ownership change */
void x64_ra_writeback(X64Gen *g);           /* store dirty guest slots, keep them cached */
void x64_ra_store_slot(X64Gen *g, X64Reg r); /* store r's dirty slot, keep it cached */
void x64_ra_forget(X64Gen *g);              /* drop every register mapping (after writeback) */
void x64_ra_drop_slots(X64Gen *g);
X64Reg x64_ra_find_slot(X64Gen *g, int32_t off, unsigned size);
void x64_ra_clear_overlaps(X64Gen *g, int32_t off, unsigned size, bool overwrite);
void x64_ra_unmap(X64Gen *g, X64Reg r);
void x64_ra_map(X64Gen *g, X64Reg r, IrTemp t);
void x64_ra_reset(X64Gen *g);               /* drop every mapping, dirty or not */
bool x64_label_keeps_dirty(X64Gen *g, uint32_t label);
void x64_label_edge(X64Gen *g, uint32_t label);     /* a branch to label was just emitted */
void x64_label_enter(X64Gen *g, uint32_t label, bool fallthrough);

/* x64_gen.c: compile blk into g->buf (at tb->host_code); false on overflow. */
bool x64_gen_block(X64Gen *g);

/* An operand that may be an imm32. */
typedef struct X64Opnd {
    bool is_imm;
    X64Reg reg;
    int32_t imm;
} X64Opnd;

unsigned x64_tsz(IrType t);
bool x64_is_const(X64Gen *g, IrTemp t);
uint64_t x64_cval(X64Gen *g, IrTemp t, unsigned sz);
bool x64_imm_ok(X64Gen *g, IrTemp t, unsigned sz, int32_t *imm);
X64Opnd x64_operand(X64Gen *g, IrTemp t, unsigned sz);
void x64_store_imm64(X64Gen *g, X64Mem m, uint64_t v);
void x64_put_in(X64Gen *g, X64Reg r, IrTemp t, unsigned sz);
void x64_align_rel32(X64Gen *g, unsigned oplen);
void x64_loop_back_edge(X64Gen *g);
void x64_loop_writeback(X64Gen *g);

/* x64_gen_mem.c: memory, helper calls, exits and the cold section. */
void x64_gen_load(X64Gen *g, const IrInsn *insn);
void x64_gen_store(X64Gen *g, const IrInsn *insn);
/* x64_gen_softmmu.c: system mode, accesses through the CPU's software TLB. */
bool x64_softmmu(const X64Gen *g);
void x64_gen_load_softmmu(X64Gen *g, const IrInsn *insn);
void x64_gen_store_softmmu(X64Gen *g, const IrInsn *insn);
void x64_emit_cold_tlb(X64Gen *g, const X64Cold *c);
/* Shared with x64_gen_softmmu.c: the dirty guest slots in registers now (X64Gen.dirty). */
uint32_t x64_capture_dirty(X64Gen *g, uint32_t *start);
void x64_gen_atomic(X64Gen *g, const IrInsn *insn);
void x64_gen_cmpxchg(X64Gen *g, const IrInsn *insn);
void x64_gen_call(X64Gen *g, const IrInsn *insn);
void x64_gen_fp(X64Gen *g, const IrInsn *insn);     /* x64_gen_fp.c */
void x64_fp_cache_reset(X64Gen *g);
void x64_fp_cache_before(X64Gen *g, const IrInsn *insn);
void x64_fp_cache_sign_flip(X64Gen *g, const IrInsn *insn);   /* after an XOR: the xmm copy of an FP negation */
void x64_gen_goto_block(X64Gen *g, const IrInsn *insn);
void x64_gen_goto_ptr(X64Gen *g, const IrInsn *insn);
void x64_goto_ptr_target(X64Gen *g, const IrInsn *insn);   /* writeback; pc in RDX and cpu->pc */
void x64_goto_ptr_probe(X64Gen *g);                         /* jump-cache probe of RDX, else exit */
void x64_gen_ras_push(X64Gen *g, const IrInsn *insn);      /* x64_gen_ras.c */
void x64_gen_goto_ret(X64Gen *g, const IrInsn *insn);
void x64_gen_raise(X64Gen *g, const IrInsn *insn);
/* Record chainable exit `slot` (jump displacement at offset `site`) going to guest pc. */
void x64_add_exit(X64Gen *g, uint32_t slot, uint64_t pc, uint32_t site);
void x64_emit_cold(X64Gen *g);

typedef struct X64Move {
    X64Reg dst;
    X64Reg src;
} X64Move;
void x64_parallel_move(X64Buf *b, X64Move *moves, unsigned nmoves);

#endif
