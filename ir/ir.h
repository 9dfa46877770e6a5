/*
 * mimic IR: a linear list of typed three-address instructions describing one
 * guest block.  Frontends build it, the optimizer rewrites it in place, the
 * interpreter runs it and the JIT compiles it.
 *
 * This header knows no guest and no host ISA.  Opcode semantics are documented
 * beside the opcode list in ir_ops.def.
 *
 * Temps: numbered from 1 (0 is IR_TEMP_NONE), each with a fixed type.  Most temps
 * are assigned exactly once; a temp assigned in more than one place (allowed so a
 * frontend can merge values across a label) is "multi-def" and the optimizer does
 * not propagate it.  Every use must follow a definition in list order.
 */
#ifndef MIMIC_IR_H
#define MIMIC_IR_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef uint32_t IrTemp;
#define IR_TEMP_NONE 0u
#define IR_MAX_IN    6          /* CALL arguments; SELECT uses 4 */

typedef enum IrType {
    IR_I32 = 0,
    IR_I64 = 1,
} IrType;

typedef enum IrOpcode {
#define IR_OP(name, nout, nin, nimm, flags) IR_OP_##name,
#include "ir_ops.def"
#undef IR_OP
    IR_OP_COUNT
} IrOpcode;

/* Opcode flags (IrOpInfo.flags). */
#define IR_F_PURE          (1u << 0)    /* no side effect: removable when the result is unused */
#define IR_F_COMMUTES      (1u << 1)
#define IR_F_READS_STATE   (1u << 2)
#define IR_F_WRITES_STATE  (1u << 3)
#define IR_F_MEMORY        (1u << 4)    /* touches guest memory */
#define IR_F_CAN_FAULT     (1u << 5)    /* may stop the block with a guest fault */
#define IR_F_ENDS_BLOCK    (1u << 6)    /* control never falls through to the next insn */
#define IR_F_LABEL         (1u << 7)
#define IR_F_BRANCH        (1u << 8)    /* jumps to a label inside the block */

typedef struct IrOpInfo {
    const char *name;       /* lower case, as the printer writes it */
    int8_t nout;
    int8_t nin;             /* -1: variable, see IrInsn.nin */
    int8_t nimm;
    uint32_t flags;
} IrOpInfo;

extern const IrOpInfo ir_op_info[IR_OP_COUNT];

/* Conditions for SETCOND, SELECT and BRCOND. */
typedef enum IrCond {
    IR_COND_EQ,
    IR_COND_NE,
    IR_COND_LT,             /* signed */
    IR_COND_GE,
    IR_COND_LE,
    IR_COND_GT,
    IR_COND_LTU,            /* unsigned */
    IR_COND_GEU,
    IR_COND_LEU,
    IR_COND_GTU,
    IR_COND_TSTEQ,          /* (in0 & in1) == 0 */
    IR_COND_TSTNE,          /* (in0 & in1) != 0 */
    IR_COND_COUNT
} IrCond;

extern const char *const ir_cond_names[IR_COND_COUNT];
IrCond ir_cond_invert(IrCond c);
IrCond ir_cond_swap(IrCond c);          /* the condition with operands exchanged */
bool ir_cond_eval(IrCond c, IrType type, uint64_t a, uint64_t b);

/*
 * Memory operation descriptor, packed into a LOAD/STORE immediate.
 * size: log2 of the access size in bytes (0..3).  sign: sign-extend a load to the
 * op type.  big_endian: the guest's byte order for this access.  mmu_idx: which
 * translation regime (system mode; 0 in user mode).
 */
typedef enum IrMemOpBits {
    IR_MEM_SIZE_MASK = 0x3,
    IR_MEM_SIGN      = 0x4,
    IR_MEM_BE        = 0x8,
    IR_MEM_MMU_SHIFT = 8,
} IrMemOpBits;
typedef uint32_t IrMemOp;
#define IR_MEM_8   0u
#define IR_MEM_16  1u
#define IR_MEM_32  2u
#define IR_MEM_64  3u
static inline unsigned ir_memop_size(IrMemOp m) { return 1u << (m & IR_MEM_SIZE_MASK); }
static inline unsigned ir_memop_mmu(IrMemOp m) { return m >> IR_MEM_MMU_SHIFT; }

typedef enum IrAtomicOp {
    IR_ATOMIC_XCHG,
    IR_ATOMIC_ADD,
    IR_ATOMIC_AND,
    IR_ATOMIC_OR,
    IR_ATOMIC_XOR,
    IR_ATOMIC_SMIN,
    IR_ATOMIC_SMAX,
    IR_ATOMIC_UMIN,
    IR_ATOMIC_UMAX,
    IR_ATOMIC_COUNT
} IrAtomicOp;
extern const char *const ir_atomic_names[IR_ATOMIC_COUNT];

/* --- Helper calls --- */

typedef enum IrHelperType {
    IR_HT_VOID,
    IR_HT_I32,
    IR_HT_I64,
    IR_HT_CPU,              /* the guest CPU pointer, supplied by the engine, not an IR input */
} IrHelperType;

/* Helper flags: what a call may do, so engines know what to write back or reload. */
#define IR_CALL_PURE         (1u << 0)  /* result depends only on the arguments; no state access */
#define IR_CALL_READS_STATE  (1u << 1)  /* reads guest state through the CPU pointer */
#define IR_CALL_WRITES_STATE (1u << 2)  /* writes guest state */
#define IR_CALL_CAN_RAISE    (1u << 3)  /* may leave the block through guest_cpu_exit() */
#define IR_CALL_MEMORY       (1u << 4)  /* touches guest memory */

/* See IrBlock.mem_helpers. */
typedef struct IrMemHelpers {
    const struct IrHelper *load;        /* I64 (CPU, I64 addr, I64 memop) */
    const struct IrHelper *store;       /* VOID (CPU, I64 addr, I64 value, I64 memop) */
    const struct IrHelper *rmw;         /* I64 (CPU, I64 addr, I64 value, I64 memop | aop << 16) */
    const struct IrHelper *cmpxchg;     /* I64 (CPU, I64 addr, I64 expected, I64 new, I64 memop) */
} IrMemHelpers;

typedef struct IrHelper {
    const char *name;
    void *fn;
    uint32_t flags;
    uint8_t ret;            /* IrHelperType */
    uint8_t nargs;          /* all arguments including IR_HT_CPU ones */
    uint8_t args[IR_MAX_IN + 1];
    void *ffi;              /* interpreter's cached ffi_cif, built on first use */
} IrHelper;

/* Number of IR inputs (arguments that are not IR_HT_CPU). */
unsigned ir_helper_ninputs(const IrHelper *h);

/*
 * HELPER(name, flags, RET, ARGS...) rows in a helpers.def expand, through these
 * macros, to a prototype and a descriptor named ir_helper_<name>.
 */
#define IR_HT_CTYPE_VOID void
#define IR_HT_CTYPE_I32  uint32_t
#define IR_HT_CTYPE_I64  uint64_t
#define IR_HT_CTYPE_CPU  void *

/* --- Instructions and blocks --- */

typedef struct IrInsn {
    uint16_t op;            /* IrOpcode */
    uint8_t type;           /* IrType: width of the operation */
    uint8_t nin;            /* number of inputs used (always set, also for fixed-arity ops) */
    IrTemp out;
    IrTemp in[IR_MAX_IN];
    int64_t imm[2];
} IrInsn;

typedef struct IrTempInfo {
    uint8_t type;           /* IrType */
    uint8_t ndefs;          /* 0, 1 or 2 (= "more than one") */
} IrTempInfo;

#define IR_SCRATCH_SLOTS 9

/* A range of guest-state bytes (offset, size). */
typedef struct IrSlotRange {
    uint32_t offset;
    uint32_t size;
} IrSlotRange;

#define IR_ENTRY_DEAD_MAX 16

typedef struct IrBlock {
    IrInsn *insns;
    uint32_t n_insns, cap_insns;
    IrTempInfo *temps;      /* indexed by temp; [0] unused */
    uint32_t n_temps, cap_temps;    /* n_temps counts IR_TEMP_NONE too */
    uint32_t n_labels;
    uint32_t n_exits;       /* chainable exits (GOTO_BLOCK slots) */
    uint64_t guest_pc;      /* first guest instruction */
    uint32_t guest_size;    /* bytes of guest code covered */
    uint32_t guest_insns;   /* guest instructions lifted */
    /*
     * Another page of guest code the block took in (GuestLiftCtx.other_page_ok: a callee
     * lifted in place), to be watched for writes like the block's own; 0 if none.
     */
    uint64_t code_page2;
    /*
     * Set by the caller before lifting: add a trace-helper call to every memory op
     * (args: is_write, size, addr, value, pc of the guest instruction).
     */
    const IrHelper *trace_mem_helper;
    /*
     * System mode: when set, the builder emits atomics as calls of these helpers instead
     * of ATOMIC_RMW/CMPXCHG (softmmu/tlb.c; arguments: address as i64, then values as
     * i64, then the IrMemOp -- for rmw IrMemOp | IrAtomicOp << 16 -- as a constant).
     * LOAD and STORE stay: engines run them through the CPU's TLB themselves (the JIT
     * inline, with these helpers as the slow path; the interpreter by calling them).
     */
    const struct IrMemHelpers *mem_helpers;
    /*
     * Likewise one call at the block's first guest instruction (--trace-last), args: its
     * pc and the number of guest instructions, which is known only after lifting: the
     * caller stores it into the CONST instruction trace_count_insn (index; 0: none).
     */
    const IrHelper *trace_insn_helper;
    uint32_t trace_count_insn;
    uint64_t cur_pc;        /* pc of the last ir_insn_start, for the trace calls */
    /*
     * Set by the lifter: bit i means the 8-byte state slot at offset 8 * i always holds a
     * value below 2^32 (i386 registers), so ir_opt_zext knows a GET.i64 of it needs no
     * zero extension to 32 bits.  Every SET the block makes there must keep that true.
     */
    uint64_t narrow_slots;
    /*
     * Set by ir_opt_dead_set: guest-state ranges written on every path from the block's
     * start before anything observes them (a GET, an exit, a fault point, a helper that
     * reads state), so their values at the start are never seen.  A self loop's back edge
     * need not store them (the JIT stores them only if its exit_request poll exits there).
     * At most IR_ENTRY_DEAD_MAX (more are left out); none when the pass has not run.
     */
    uint32_t n_entry_dead;
    IrSlotRange entry_dead[IR_ENTRY_DEAD_MAX];
    /*
     * The same with fault points not counted as observers: ranges whose value at the start
     * only a fault can see before they are written.  The JIT's self loops carry such a slot
     * in a register (a fault stores it from there, TbDirtySlot) rather than store it at
     * every back edge.  Includes entry_dead's ranges.
     */
    uint32_t n_entry_dead_nofault;
    IrSlotRange entry_dead_nofault[IR_ENTRY_DEAD_MAX];
    /*
     * Per-temp work arrays of the optimizer passes (ir_block_scratch), kept with the block
     * so that a block reused for the next translation (ir_block_reset) allocates nothing.
     */
    void *scratch[IR_SCRATCH_SLOTS];
    size_t scratch_cap[IR_SCRATCH_SLOTS];
    /*
     * Instruction index of each label, for the interpreter's branches (filled by
     * ir_interp_index_labels once the block is final; n_label_pos = 0: search instead).
     */
    uint32_t *label_pos;
    uint32_t n_label_pos;
} IrBlock;

IrBlock *ir_block_new(void);
void ir_block_free(IrBlock *blk);
void ir_block_reset(IrBlock *blk);
/* A zeroed buffer of at least bytes, owned by blk, valid until the next call for slot. */
void *ir_block_scratch(IrBlock *blk, unsigned slot, size_t bytes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IrBlock, ir_block_free)

IrTemp ir_temp_new(IrBlock *blk, IrType type);
static inline IrType ir_temp_type(const IrBlock *blk, IrTemp t) { return (IrType)blk->temps[t].type; }
uint32_t ir_label_new(IrBlock *blk);

/* Append a raw instruction; returns it for the caller to fill imm/in. */
IrInsn *ir_emit(IrBlock *blk, IrOpcode op, IrType type, IrTemp out, unsigned nin, const IrTemp *in);

/* --- Builder: every function appends one instruction and returns its result temp --- */
IrTemp ir_const(IrBlock *blk, IrType type, uint64_t value);
static inline IrTemp ir_const_i32(IrBlock *blk, uint32_t v) { return ir_const(blk, IR_I32, v); }
static inline IrTemp ir_const_i64(IrBlock *blk, uint64_t v) { return ir_const(blk, IR_I64, v); }
IrTemp ir_mov(IrBlock *blk, IrTemp a);
void ir_mov_to(IrBlock *blk, IrTemp dst, IrTemp a);     /* dst becomes multi-def if reassigned */
IrTemp ir_get(IrBlock *blk, IrType type, uint32_t offset);
void ir_set(IrBlock *blk, uint32_t offset, IrTemp v);

IrTemp ir_binop(IrBlock *blk, IrOpcode op, IrTemp a, IrTemp b);    /* type taken from a */
IrTemp ir_unop(IrBlock *blk, IrOpcode op, IrTemp a);
#define IR_BINOP_FN(fn, OP) \
    static inline IrTemp fn(IrBlock *blk, IrTemp a, IrTemp b) { return ir_binop(blk, IR_OP_##OP, a, b); }
IR_BINOP_FN(ir_add, ADD)
IR_BINOP_FN(ir_sub, SUB)
IR_BINOP_FN(ir_mul, MUL)
IR_BINOP_FN(ir_mulhs, MULHS)
IR_BINOP_FN(ir_mulhu, MULHU)
IR_BINOP_FN(ir_mulhsu, MULHSU)
IR_BINOP_FN(ir_divs, DIVS)
IR_BINOP_FN(ir_divu, DIVU)
IR_BINOP_FN(ir_rems, REMS)
IR_BINOP_FN(ir_remu, REMU)
IR_BINOP_FN(ir_and, AND)
IR_BINOP_FN(ir_or, OR)
IR_BINOP_FN(ir_xor, XOR)
IR_BINOP_FN(ir_shl, SHL)
IR_BINOP_FN(ir_shr, SHR)
IR_BINOP_FN(ir_sar, SAR)
IR_BINOP_FN(ir_rotl, ROTL)
IR_BINOP_FN(ir_rotr, ROTR)
IR_BINOP_FN(ir_fadd, FADD)
IR_BINOP_FN(ir_fsub, FSUB)
IR_BINOP_FN(ir_fmul, FMUL)
IR_BINOP_FN(ir_fdiv, FDIV)
#undef IR_BINOP_FN
static inline IrTemp ir_neg(IrBlock *blk, IrTemp a) { return ir_unop(blk, IR_OP_NEG, a); }
static inline IrTemp ir_not(IrBlock *blk, IrTemp a) { return ir_unop(blk, IR_OP_NOT, a); }
static inline IrTemp ir_clz(IrBlock *blk, IrTemp a) { return ir_unop(blk, IR_OP_CLZ, a); }
static inline IrTemp ir_ctz(IrBlock *blk, IrTemp a) { return ir_unop(blk, IR_OP_CTZ, a); }
static inline IrTemp ir_popcnt(IrBlock *blk, IrTemp a) { return ir_unop(blk, IR_OP_POPCNT, a); }
static inline IrTemp ir_fsqrt(IrBlock *blk, IrTemp a) { return ir_unop(blk, IR_OP_FSQRT, a); }
/* FADDH..FSQRTH: the FP ops in the host's MXCSR (ir_ops.def). */
static inline bool ir_op_is_fp_host(IrOpcode op) { return op >= IR_OP_FADDH && op <= IR_OP_FCMPH; }
IrTemp ir_fma(IrBlock *blk, IrTemp a, IrTemp b, IrTemp c);     /* a * b + c, one rounding */
IrTemp ir_fext(IrBlock *blk, IrTemp a);              /* binary32 (i32) -> binary64 (i64) */
IrTemp ir_fcmp(IrBlock *blk, IrTemp a, IrTemp b);     /* one-hot: 8 <, 4 >, 2 ==, 1 unordered */
IrTemp ir_fcmph(IrBlock *blk, IrTemp a, IrTemp b, bool signaling);   /* (u)comis flags, ir_ops.def */
IrTemp ir_sext(IrBlock *blk, IrTemp a, unsigned bits);
IrTemp ir_zext(IrBlock *blk, IrTemp a, unsigned bits);
IrTemp ir_extu32(IrBlock *blk, IrTemp a);   /* i32 -> i64 */
IrTemp ir_exts32(IrBlock *blk, IrTemp a);   /* i32 -> i64 */
IrTemp ir_trunc(IrBlock *blk, IrTemp a);    /* i64 -> i32 */
IrTemp ir_extract(IrBlock *blk, IrTemp a, unsigned pos, unsigned len);
IrTemp ir_deposit(IrBlock *blk, IrTemp base, IrTemp val, unsigned pos, unsigned len);
IrTemp ir_bswap(IrBlock *blk, IrTemp a, unsigned bits);
IrTemp ir_setcond(IrBlock *blk, IrCond c, IrTemp a, IrTemp b);
IrTemp ir_select(IrBlock *blk, IrCond c, IrTemp a, IrTemp b, IrTemp t, IrTemp f);

IrTemp ir_load(IrBlock *blk, IrType type, IrMemOp mop, IrTemp addr);
void ir_store(IrBlock *blk, IrMemOp mop, IrTemp addr, IrTemp val);
IrTemp ir_atomic_rmw(IrBlock *blk, IrAtomicOp aop, IrMemOp mop, IrTemp addr, IrTemp val);
IrTemp ir_cmpxchg(IrBlock *blk, IrMemOp mop, IrTemp addr, IrTemp expected, IrTemp newval);
void ir_fence(IrBlock *blk);
/* The byte at host address table + index (IR_OP_HOSTLD8), of index's type. */
IrTemp ir_hostld8(IrBlock *blk, const uint8_t *table, IrTemp index);

/* Call a helper; args are its non-CPU arguments in order.  Returns IR_TEMP_NONE for void. */
IrTemp ir_call(IrBlock *blk, const IrHelper *h, unsigned nargs, const IrTemp *args);
IrTemp ir_call0(IrBlock *blk, const IrHelper *h);
IrTemp ir_call1(IrBlock *blk, const IrHelper *h, IrTemp a);
IrTemp ir_call2(IrBlock *blk, const IrHelper *h, IrTemp a, IrTemp b);
IrTemp ir_call3(IrBlock *blk, const IrHelper *h, IrTemp a, IrTemp b, IrTemp c);
IrTemp ir_call4(IrBlock *blk, const IrHelper *h, IrTemp a, IrTemp b, IrTemp c, IrTemp d);

void ir_insn_start(IrBlock *blk, uint64_t pc, unsigned len);
void ir_label(IrBlock *blk, uint32_t label);
void ir_br(IrBlock *blk, uint32_t label);
void ir_brcond(IrBlock *blk, IrCond c, IrTemp a, IrTemp b, uint32_t label);
void ir_goto_block(IrBlock *blk, uint64_t pc);      /* allocates the next exit slot */
void ir_goto_ptr(IrBlock *blk, IrTemp pc);
void ir_ras_push(IrBlock *blk, uint64_t return_pc);            /* a call's return address (hint) */
void ir_goto_ret(IrBlock *blk, IrTemp pc, uint64_t push_pc);   /* a return; push_pc 0: none */
void ir_raise(IrBlock *blk, unsigned kind, int64_t code, IrTemp aux);   /* aux may be IR_TEMP_NONE */

/* --- Checking, printing, optimizing --- */

/* Returns false and sets *error (if non-NULL) with the first problem found. */
bool ir_verify(const IrBlock *blk, GError **error);
/* In debug builds and tests: verify after every pass and abort on failure. */
void ir_verify_or_die(const IrBlock *blk, const char *after);
/* Whether translation should verify its IR (env MIMIC_VERIFY_IR=1). */
bool ir_verify_wanted(void);

void ir_print_insn(const IrBlock *blk, const IrInsn *insn, GString *out);
void ir_print(const IrBlock *blk, GString *out);
char *ir_block_text(const IrBlock *blk);   /* g_free() it */

/* Parse the printer's text form back into a block (tests and tools). */
IrBlock *ir_parse(const char *text, GError **error);

void ir_opt_fold(IrBlock *blk);          /* constant folding and propagation, algebraic identities */
void ir_opt_copy(IrBlock *blk);          /* copy propagation */
void ir_opt_fold_copy(IrBlock *blk);     /* both in one walk (what ir_optimize runs) */
void ir_opt_dce(IrBlock *blk);           /* dead temps and pure ops */
void ir_opt_dead_set(IrBlock *blk);      /* guest-state stores overwritten before any read or exit */
/* Does [offset, offset + size) lie inside one of blk->entry_dead's ranges? */
bool ir_entry_dead(const IrBlock *blk, uint32_t offset, uint32_t size);
/* Does it lie inside one of blk->entry_dead_nofault's ranges? */
bool ir_entry_dead_nofault(const IrBlock *blk, uint32_t offset, uint32_t size);
void ir_opt_zext(IrBlock *blk);          /* zero extensions of values already zero-extended */
void ir_opt_compact(IrBlock *blk);       /* drop removed instructions (op NOP markers) */
void ir_optimize(IrBlock *blk);          /* all passes in order */

#define IR_MIMIC_ERROR ir_error_quark()
GQuark ir_error_quark(void);

/* Evaluate a pure op on constants (shared by the folder and the interpreter). */
uint64_t ir_eval_pure(const IrInsn *insn, const uint64_t *in);
/* The floating-point ops (ir_eval_fp.c; c only for FMA, b not for FSQRT).  Leaves the host
 * FP environment as it was. */
uint64_t ir_eval_fp(const IrInsn *insn, uint64_t a, uint64_t b, uint64_t c);
/* The same without saving and restoring the FP environment: for generated code's fallbacks,
 * which run in the default environment and, like the inline SSE ops, leave flags behind. */
uint64_t ir_eval_fp_noenv(const IrInsn *insn, uint64_t a, uint64_t b, uint64_t c);
/* FADDH..FCMPH (b not for FSQRTH): the host's SSE instruction in the current MXCSR, flags left there. */
uint64_t ir_eval_fp_host(const IrInsn *insn, uint64_t a, uint64_t b);
/* FCMP of a and b (i32: binary32, i64: binary64): 8, 4, 2 or 1; raises nothing. */
uint64_t ir_eval_fcmp(IrType type, uint64_t a, uint64_t b);
/* FEXT of a binary32: the binary64 of the same value (a NaN quieted); raises nothing. */
uint64_t ir_eval_fext(uint32_t a);
uint64_t ir_truncate(IrType type, uint64_t v);

#endif
