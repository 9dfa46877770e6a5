/*
 * x86 frontend internals shared by the decoder, the trans_*.c lifters, the
 * helpers and the disassembler.  Nothing here is visible outside frontend/x86
 * (and its unit tests).
 *
 * Decoding is table driven (Intel SDM Vol. 2 appendix A, opcode maps): byte-indexed
 * maps for the one-byte, 0F, 0F38 and 0F3A opcodes (map_*.def).  A row names its
 * handler, its operand format (which of ModRM, immediate, displacement follow), size
 * flags (byte operand, default-64 and forced-64 in long mode, invalid or only valid
 * in 64-bit mode) and a parameter the handler interprets.  Group opcodes (80-83,
 * C0/C1, D0-D3, F6/F7, FE/FF, 0F BA, 0F C7) point at an 8-row table indexed by
 * ModRM.reg.
 */
#ifndef MIMIC_X86_INTERNAL_H
#define MIMIC_X86_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/x86/cpu.h"
#include "ir/ir.h"

/* Operand formats: what follows the opcode (SDM Vol. 2 2.1). */
typedef enum X86Format {
    X86_FMT_NONE,
    X86_FMT_M,          /* ModRM */
    X86_FMT_M_IB,       /* ModRM, imm8 */
    X86_FMT_M_IZ,       /* ModRM, imm16/32 by operand size (imm32 sign-extended for 64) */
    X86_FMT_IB,         /* imm8 */
    X86_FMT_IW,         /* imm16 */
    X86_FMT_IZ,         /* imm16/32 */
    X86_FMT_IV,         /* imm16/32/64 (mov r, imm) */
    X86_FMT_J8,         /* rel8 */
    X86_FMT_JZ,         /* rel16/32 (rel32 in 64-bit mode) */
    X86_FMT_MOFFS,      /* absolute offset of the address size */
    X86_FMT_IW_IB,      /* imm16, imm8 (enter) */
    X86_FMT_COUNT
} X86Format;

/* Row flags. */
#define X86_F_B      0x0001u    /* byte operand */
#define X86_F_D64    0x0002u    /* 64-bit mode: operand size defaults to 64 (66 gives 16) */
#define X86_F_F64    0x0004u    /* 64-bit mode: operand size is 64 whatever the prefixes */
#define X86_F_I64    0x0008u    /* invalid in 64-bit mode */
#define X86_F_O64    0x0010u    /* valid only in 64-bit mode */
#define X86_F_LOCK   0x0020u    /* accepts LOCK with a memory destination */
#define X86_F_MEM    0x0040u    /* ModRM must name memory */
#define X86_F_REGOP  0x0080u    /* register in the opcode's low 3 bits (REX.B extends it) */
#define X86_F_W16    0x0100u    /* operand size is 16 whatever the prefixes */
#define X86_F_REG    0x0200u    /* ModRM must name a register */

struct X86Disas;
struct X86Insn;
typedef bool X86TransFn(struct X86Disas *ctx, const struct X86Insn *in);

typedef struct X86OpDesc {
    const char *name;
    uint8_t fmt;                /* X86Format */
    uint16_t flags;             /* X86_F_* */
    uint32_t param;
    X86TransFn *trans;
    const struct X86OpDesc *group;  /* 8 rows indexed by ModRM.reg, or NULL */
} X86OpDesc;

typedef enum X86Map { X86_MAP_1, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A } X86Map;

/* Segment override prefixes (only FS and GS have a base in user mode). */
typedef enum X86Seg { X86_SEG_NONE = -1, X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS } X86Seg;

/* One decoded instruction. */
typedef struct X86Insn {
    uint64_t pc;
    unsigned len;
    uint8_t map;                /* X86Map */
    uint8_t opcode;
    bool mode64;
    /* Prefixes */
    bool p66, p67, rep, repne, lock;
    int8_t seg;                 /* X86Seg */
    uint8_t rex;                /* 0: none; else 0x40..0x4f */
    /* Sizes in bytes */
    uint8_t opsz;               /* 1, 2, 4, 8 */
    uint8_t adsz;               /* 2, 4, 8 */
    /* ModRM */
    bool has_modrm;
    uint8_t modrm;
    uint8_t mod;
    uint8_t reg;                /* ModRM.reg with REX.R, or the opcode register with REX.B */
    uint8_t rm;                 /* ModRM.rm with REX.B (register operands) */
    /* Memory operand (mod != 3) */
    int8_t base, index;         /* -1: none */
    uint8_t scale;              /* 0..3 */
    bool rip_rel;
    bool addr16;                /* 16-bit addressing form (decoded for length, not lifted) */
    int64_t disp;
    /* Immediates */
    int64_t imm;                /* sign-extended from its encoded size */
    int64_t imm2;               /* enter's imm8 */
    const X86OpDesc *desc;
} X86Insn;

/*
 * Decode one instruction at pc in 32- or 64-bit mode from len bytes.  Returns its
 * length (1..15) and fills *in, or 0 if the bytes are not an instruction we know
 * (or more bytes are needed).
 */
unsigned x86_decode(const uint8_t *bytes, size_t len, bool mode64, uint64_t pc, X86Insn *in);
/* Every row of every map, for tests: fn(row, map, opcode, group reg or -1). */
void x86_for_each_row(void (*fn)(const X86OpDesc *d, X86Map map, unsigned op, int reg, void *opaque),
                      void *opaque);

/* --- Lifting state of one block --- */
#define X86_DEFAULT_MAX_INSNS 256
#define X86_PAGE_MASK (~(uint64_t)0xfff)       /* a block stays within one page */

#define X86_CC_DYNAMIC 0xffffffffu

#define X86_MAX_FWD 8           /* pending jcc targets per block */
#define X86_MAX_GP 16           /* misaligned-access #GPs placed after a block's end */
#define X86_MAX_RUNS 24         /* straight runs of guest code lifted into one block */
#define X86_TAIL_MAX 8          /* instructions of a return sequence a jmp may lift again */

typedef struct X86Disas {
    IrBlock *blk;
    GuestLiftCtx *lctx;         /* fetch, limits and whether the block must be straight-line */
    const X86Insn *in;
    bool mode64;
    uint64_t pc;                /* the instruction being lifted */
    uint64_t next_pc;
    bool end_block;
    IrTemp ea;                  /* this instruction's memory address, once computed */
    /*
     * Lazy flags known at lift time: the last producer's cc_op and operand temps
     * (i64), so readers in the same block compute flags from temps without loading
     * the state slots; X86_CC_DYNAMIC when only the state knows.
     */
    uint32_t cc_op;
    IrTemp cc_dst, cc_src, cc_src2;
    bool cc_defer;              /* x86_cc_set records only; x86_cc_flush stores (locked RMW retries) */
    bool cc_pending;
    /*
     * A jcc does not end the block (unless it jumps to the block's start): the taken
     * edge branches to a label that lift.c places before the target instruction, or,
     * if lifting never gets there, to an exit to the target.  Lazy flags are unknown
     * after such a label.
     */
    bool fwd_ok;                /* lifting may continue past a conditional branch */
    /*
     * The guest MXCSR passed the SSE fast paths' mode test (trans_sse_fast.c) on the path
     * lifted so far (its slow path leaves the block, so the test holds after it).
     * Forgotten at every label where paths join and after ldmxcsr/fxrstor.
     */
    bool sse_mxcsr_ok;
    uint64_t block_pc;          /* the block's first instruction */
    /*
     * The x87 TOP and control word expected where lifting is (trans_x87_seg.c): taken from
     * the CPU when the first x87 instruction is lifted, then followed through the block;
     * -1 when unknown.  A guess only: the code built on it tests it.
     */
    bool x87_guessed;
    int x87_top, x87_fcw;
    /*
     * The #GP of misaligned 16-byte accesses, placed after the block's last instruction
     * (x86_sse_check_align): their labels, instructions and lengths.
     */
    unsigned n_gp;
    struct {
        uint32_t label;
        uint64_t pc;
        uint32_t len;
    } gp[X86_MAX_GP];
    unsigned n_fwd;
    struct {
        uint64_t pc;
        uint32_t label;
        uint32_t cc_op;         /* the flags' kind in the slots on the taken edge */
        bool x87_guessed;       /* the x87 guess on the taken edge (X86Disas.x87_top) */
        int x87_top, x87_fcw;
    } fwd[X86_MAX_FWD];
    /*
     * The straight runs of code lifted so far ([start, end) each; lift.c resumes at
     * pending jcc targets, also just before the block's start), so that no code is
     * lifted twice: a path reaching a lifted run exits to it (to the block's start,
     * the self loop the JIT keeps in registers).
     */
    uint64_t run_start;
    unsigned n_runs;
    struct {
        uint64_t start, end;
    } runs[X86_MAX_RUNS];
    /*
     * A jmp (or a pending jcc) to a short return sequence lifts it in place of the jump
     * (x86_tail_len), even when the block has lifted it already: tail_left instructions
     * that lifting does not stop at for being in a run or on another page.
     */
    unsigned tail_left;
    /*
     * A call to such a sequence (x86_call_inline) lifts it in place too: its ret goes on
     * lifting at inline_ret, the call's return address, when that is what it pops.
     */
    uint64_t inline_ret;
    /*
     * A call to a short function with branches (x86_call_inline) lifts its paths in place
     * too: every ret in [callee_start, callee_end) goes on lifting at callee_ret when that
     * is what it pops, and lifting resumes at the function's pending jcc targets first.
     */
    uint64_t callee_start, callee_end, callee_ret;
} X86Disas;

bool x86_jmp_tail(X86Disas *ctx, uint64_t target);
bool x86_call_inline(X86Disas *ctx, uint64_t target);
void x86_inline_return(X86Disas *ctx, uint64_t ret);

/* Every trans_ function; defined in trans_<group>.c. */
#define X86_TRANS(name) bool x86_trans_##name(X86Disas *ctx, const X86Insn *in);
#include "frontend/x86/trans_list.def"
#undef X86_TRANS

/* --- Row parameters --- */
/* ALU family (trans_alu): operation in bits 0..2 (ADD OR ADC SBB AND SUB XOR CMP), form in 4..5. */
#define X86_ALU_ADD 0
#define X86_ALU_OR  1
#define X86_ALU_ADC 2
#define X86_ALU_SBB 3
#define X86_ALU_AND 4
#define X86_ALU_SUB 5
#define X86_ALU_XOR 6
#define X86_ALU_CMP 7
#define X86_ALU_EG  0x00u       /* E op= G */
#define X86_ALU_GE  0x10u       /* G op= E */
#define X86_ALU_AI  0x20u       /* AL/eAX op= imm */
#define X86_ALU_EI  0x30u       /* E op= imm (group 1) */
/* Shift/rotate (trans_shift): operation = ModRM.reg (ROL ROR RCL RCR SHL SHR SAL SAR); count source. */
#define X86_SH_1    0x0u
#define X86_SH_CL   0x1u
#define X86_SH_IB   0x2u
/* String ops (trans_string). */
#define X86_STR_MOVS 0
#define X86_STR_CMPS 1
#define X86_STR_STOS 2
#define X86_STR_LODS 3
#define X86_STR_SCAS 4

/* --- Register and memory accessors (lift.c) --- */
#define X86_OFF(field)  ((uint32_t)offsetof(X86Cpu, field))
#define X86_OFF_REG(i)  ((uint32_t)offsetof(X86Cpu, regs[0]) + 8u * (uint32_t)(i))

IrTemp x86_const(X86Disas *ctx, uint64_t v);
/* A GPR of size bytes, zero-extended to i64.  Size 1 follows x86_get_reg8's rule. */
IrTemp x86_get_reg(X86Disas *ctx, int r, unsigned size);
/* Write a GPR: 8/16-bit writes deposit, 32-bit writes zero-extend, 64-bit writes replace. */
void x86_set_reg(X86Disas *ctx, int r, unsigned size, IrTemp v);
/* Byte register r: AL..BL, then AH..BH without REX, SPL..DIL and R8B.. with any REX (SDM Vol. 2 3.1.1.1). */
IrTemp x86_get_reg8(X86Disas *ctx, int r);
void x86_set_reg8(X86Disas *ctx, int r, IrTemp v);
/* The full 64-bit register value a write of v (size bytes) to r gives, without writing it. */
IrTemp x86_reg_after_write(X86Disas *ctx, int r, unsigned size, IrTemp v);
/* The ModRM memory operand's offset wrapped to the address size, without segment base (lea). */
IrTemp x86_gen_lea(X86Disas *ctx);
/* The effective address of the ModRM memory operand (segment base and address size applied). */
IrTemp x86_gen_ea(X86Disas *ctx);
/* An address computed by the instruction itself (string ops, moffs), with segment and size applied. */
IrTemp x86_gen_addr(X86Disas *ctx, IrTemp offset, int seg);
/* The ModRM r/m operand: register or memory (address computed once per instruction). */
IrTemp x86_ld_rm(X86Disas *ctx, unsigned size);
void x86_st_rm(X86Disas *ctx, unsigned size, IrTemp v);
IrTemp x86_ld(X86Disas *ctx, unsigned size, IrTemp addr);
void x86_st(X86Disas *ctx, unsigned size, IrTemp addr, IrTemp v);
IrMemOp x86_memop(unsigned size);
/* Truncate/extend an i64 value to size bytes. */
IrTemp x86_zext(X86Disas *ctx, IrTemp v, unsigned size);
IrTemp x86_sext(X86Disas *ctx, IrTemp v, unsigned size);
/* Stack (SDM Vol. 1 6.2): push/pop of size bytes through rsp/esp. */
void x86_push(X86Disas *ctx, unsigned size, IrTemp v);
IrTemp x86_pop(X86Disas *ctx, unsigned size);
unsigned x86_stack_size(const X86Disas *ctx);
/* Jumps: to a constant pc (masked to 32 bits in 32-bit mode) or a computed one. */
void x86_gen_goto(X86Disas *ctx, uint64_t pc);
void x86_gen_goto_ptr(X86Disas *ctx, IrTemp pc);
/* Leave with an exit at this instruction; ends the block. */
void x86_gen_exit(X86Disas *ctx, GuestExitKind kind, int64_t code);
void x86_gen_illegal(X86Disas *ctx);

/* --- Lazy flags (flags.c) --- */
/* Record a flag producer.  Values are i64 (only the low 8 * size bits matter); src/src2 may be 0. */
void x86_cc_set(X86Disas *ctx, X86CcKind kind, unsigned size, IrTemp dst, IrTemp src, IrTemp src2);
/* Store a producer recorded while cc_defer was set. */
void x86_cc_flush(X86Disas *ctx);
/* One arithmetic flag (X86_CF...) as an i64 0/1. */
IrTemp x86_gen_flag(X86Disas *ctx, uint32_t flag);
/* The six arithmetic flags, in their EFLAGS positions (i64). */
IrTemp x86_gen_arith_flags(X86Disas *ctx);
/* Set the six flags from an i64 holding them in EFLAGS positions. */
void x86_cc_set_flags(X86Disas *ctx, IrTemp flags);
/* Condition code cc (0..15, SDM Vol. 1 appendix B) as (cond, a, b) for BRCOND/SELECT/SETCOND. */
IrCond x86_gen_cc(X86Disas *ctx, unsigned cc, IrTemp *a, IrTemp *b);
/* The lazy state is only in the CPU now (after a helper that wrote it, or a merge of paths). */
void x86_cc_forget(X86Disas *ctx);
/* After a join where every path left cc_op in the slots: readers use the slots inline (flags.c). */
void x86_cc_reload(X86Disas *ctx, uint32_t cc_op);

/* --- SSE and x87 on the host's units (hoststub.c, sse.def, trans_sse.c, trans_x87.c) --- */
/* SSE_INT: an integer SSE instruction, which needs no MXCSR switch (the slowest part of a stub). */
/* X87_XMM: the x87 state and xmm1/xmm2 with MXCSR (cvtpi2ps, movq2dq... between mm and xmm). */
/* RAW: the code as given (x86_host_code). */
typedef enum X86StubKind { X86_STUB_SSE, X86_STUB_SSE_INT, X86_STUB_X87, X86_STUB_X87_XMM, X86_STUB_RAW } X86StubKind;

/* What an SSE stub loads and stores (layout fixed by the stub code in hoststub.c). */
typedef struct X86SseFrame {
    uint8_t xmm[3][16];         /* xmm0 (implicit operand), xmm1 (ModRM.reg), xmm2 (ModRM.rm) */
    uint64_t rax, rcx, rdx;     /* rax, rdx implicit (pcmpestri); rcx = ModRM.reg, rdx = ModRM.rm GPRs */
    uint64_t rflags;            /* out */
    uint32_t mxcsr;             /* in: guest modes with every exception masked; out: + sticky flags */
    uint32_t host_mxcsr;
} X86SseFrame;

/* What an x87 stub loads and stores; memory operands are at mem (disp32 from rdi). */
#define X86_FPU_FRAME_MEM 144
typedef struct X86FpuFrame {
    uint64_t rax;
    uint64_t rflags_in;         /* guest arithmetic flags (fcmovcc) | 0x202 */
    uint64_t rflags;            /* out (fcomi) */
    uint64_t pad;
    X86FpuState image;          /* frstor / fnsave */
    uint8_t pad2[4];
    uint8_t mem[112];
    /* X86_STUB_X87_XMM only: xmm1 (ModRM.reg) and xmm2 (ModRM.rm), MXCSR as in X86SseFrame */
    uint8_t xmm[2][16];
    uint32_t mxcsr, host_mxcsr;
} X86FpuFrame;

/*
 * The stub running one re-encoded instruction (generated once per encoding); for
 * X86_STUB_X87 also a run of them (trans_x87_seg.c), up to X86_STUB_CODE_MAX bytes.
 */
#define X86_STUB_CODE_MAX 256u
void *x86_host_stub(X86StubKind kind, const uint8_t *insn, unsigned len);
/* Code taken as it is (its own prologue and ret), interned like the stubs. */
void *x86_host_code(const uint8_t *code, unsigned len);

/* One SSE encoding run through a stub (sse.def). */
#define X86_SSE_RG      0x001u  /* ModRM.reg is a GPR (else an xmm register) */
#define X86_SSE_MG      0x002u  /* ModRM.rm is a GPR or integer memory (else xmm or memory) */
#define X86_SSE_WREG    0x004u  /* writes the ModRM.reg operand */
#define X86_SSE_WRM     0x008u  /* writes the ModRM.rm operand (xmm, GPR or memory) */
#define X86_SSE_FLAGS   0x010u  /* sets the six arithmetic flags */
#define X86_SSE_WX0     0x020u  /* writes xmm0 (pcmpestrm/pcmpistrm) */
#define X86_SSE_WRCX    0x040u  /* writes ecx (pcmpestri/pcmpistri) */
#define X86_SSE_NOMEM   0x080u  /* ModRM.rm must be a register */
#define X86_SSE_OPSZ    0x100u  /* 66 selects the operand size too (crc32) */
#define X86_SSE_IMM3    0x200u  /* only imm8 bits 2:0 count (cmpps...) */
#define X86_SSE_INSPS   0x400u  /* insertps: from memory, imm8 bits 7:6 do not apply */
#define X86_SSE_MMX     0x800u  /* operates on mm registers: runs in an x87 stub (trans_mmx.c) */
#define X86_SSE_MEMONLY 0x1000u /* ModRM.rm must be memory */
#define X86_SSE_FP      0x2000u /* floating point: runs under the guest's MXCSR */
#define X86_SSE_MIX_XREG 0x4000u /* with X86_SSE_MMX: ModRM.reg is an xmm register (written), rm mm/memory */
#define X86_SSE_MIX_XRM 0x8000u /* with X86_SSE_MMX: ModRM.reg is an mm register, rm xmm/memory */
#define X86_SSE_MEM_REXW 0xffu  /* msize: 8 with REX.W, else 4 */
#define X86_SSE_MEM_OPSZ 0xfeu  /* msize: the operand size */

typedef enum X86SsePrefix { X86_PFX_NP, X86_PFX_66, X86_PFX_F3, X86_PFX_F2 } X86SsePrefix;

typedef struct X86SseOp {
    const char *name;
    uint8_t map;                /* X86Map */
    uint8_t opcode;
    int8_t ext;                 /* ModRM.reg for group rows, -1 otherwise */
    uint8_t prefix;             /* X86SsePrefix */
    uint16_t form;              /* X86_SSE_* */
    uint8_t msize;              /* memory operand bytes */
} X86SseOp;

/* Instruction-set extensions beyond x86-64's SSE2 that the host must have to run a row. */
typedef enum X86Isa { X86_ISA_BASE, X86_ISA_SSE3, X86_ISA_SSSE3, X86_ISA_SSE41, X86_ISA_SSE42 } X86Isa;
bool x86_host_has(X86Isa isa);

/* The row for this encoding, or NULL. */
const X86SseOp *x86_sse_lookup(const X86Insn *in);
/* The instruction's mandatory prefix (F2 beats F3 beats 66, the last F2/F3 wins). */
X86SsePrefix x86_sse_prefix(const X86Insn *in);

/* info bits of helper_x86_x87 (trans_x87.c) */
#define X86_X87_MSIZE      0x000000ffull    /* memory operand bytes */
#define X86_X87_STORE      0x00000100ull    /* the memory operand is written */
#define X86_X87_WAIT       0x00000200ull    /* a waiting instruction: checks for a pending #MF */
#define X86_X87_CW_LOADED  0x00000400ull    /* loads the control word (fldcw, fldenv, frstor, fninit, fnsave) */
#define X86_X87_CW_MASKALL 0x00000800ull    /* fnstenv: masks every exception after storing */
#define X86_X87_ENV        0x00001000ull    /* stores an environment image (fnstenv, fnsave) */
#define X86_X87_STCW       0x00002000ull    /* fnstcw */
#define X86_X87_STSW       0x00004000ull    /* fnstsw m16 / ax */
#define X86_X87_DATA       0x00008000ull    /* non-control: updates FIP, FOP and FDP */
#define X86_X87_ENV16      0x00010000ull    /* 16-bit environment format (66 prefix) */
#define X86_X87_RAX        0x00020000ull    /* returns rax (fnstsw ax, MMX GPR results) instead of the flags */
#define X86_X87_RAX_IN     0x00040000ull    /* rax = the third argument (MMX GPR sources), not an address */
#define X86_X87_XMM        0x00080000ull    /* X86_STUB_X87_XMM: xmm operands XREG, XRM */
#define X86_X87_XMM_WREG   0x80000000ull    /* ... and the ModRM.reg xmm register is written */
#define X86_X87_FOP_SHIFT  20               /* 11 bits */
#define X86_X87_PC_SHIFT   32               /* with X86_X87_DATA: the guest pc (low 32 bits) */
#define X86_X87_XREG_SHIFT 32               /* with X86_X87_XMM: ModRM.reg's xmm number */
#define X86_X87_XRM_SHIFT  36               /* ... and ModRM.rm's */
/*
 * A run of x87 arithmetic run in one stub (trans_x87_seg.c).  Memory operands of
 * instruction k are in X86Cpu.fpu_scratch at byte 16 * k, its data address at byte
 * X86_X87_SEG_EA + 8 * k.
 */
#define X86_X87_SEG_MAX 32
#define X86_X87_SEG_EA  (16 * X86_X87_SEG_MAX)
typedef struct X86FpuSegFrame {
    uint64_t rax;
    uint64_t rflags_in;
    uint64_t rflags;
    uint64_t pad;
    X86FpuState image;
    uint8_t pad2[4];
    uint8_t mem[16 * X86_X87_SEG_MAX];
} X86FpuSegFrame;
/* Lift the x87 instruction in and the ones after it as one stub call; false: lift it alone. */
bool x86_x87_try_seg(X86Disas *ctx, const X86Insn *in);
/*
 * A run's fast form (trans_x87_fast.c): a stub that loads only the stack positions
 * minpos..maxpos it touches (relative to the guest's TOP; the run leaves TOP at final),
 * taken when the guest's tags make that exact.  C1 comes from the guest (no instruction
 * writes it), from the status right after the run, or from one captured earlier.
 */
enum { X86_FAST_C1_GUEST, X86_FAST_C1_HOST, X86_FAST_C1_CAPTURED };
typedef struct X86X87Fast {
    void *stub;                 /* NULL: the run has none */
    int8_t minpos, maxpos, final;
    uint8_t need_valid, need_empty;     /* by position from TOP, bit p & 7 */
    uint8_t c1;
    bool reads_flags, writes_flags;
} X86X87Fast;
/* The fast form of the x87 instructions x87[0..n) (memory operand k at fpu_scratch + 16 * k). */
void x86_x87_fast_plan(const X86Insn *const *x87, unsigned n, X86X87Fast *f);
/* Run it if the guest's state allows (false: run the full stub); the last one's info and address. */
bool x86_x87_fast_run(X86Cpu *cpu, const X86X87Fast *f, uint64_t info, uint64_t ea, uint64_t *flags);
/*
 * A run's fast form specialised on the guest's TOP and control word at translation time
 * (trans_x87_fast.c): a stub called with the CPU (and the last memory operand's address)
 * that works on X86Cpu.fpu in place -- everything x86_x87_fast_run works out in C is a
 * constant of the stub.  The lifter guards it (TOP, no pending #MF, every exception
 * masked -- the control word exactly 0x37f, the host's, with fcw_default -- and the tags
 * of the physical registers it needs valid or empty); helper_x86_x87_seg is the way
 * when that fails.  The stub ORs the host's exception flags into the guest's without
 * clearing them first: they are a subset of the guest's whenever it runs (every stub
 * either ends in fnsave, which clears them, or ORs them into the guest's, and
 * x86_x87_drop_host clears them where C code changes the guest's).  Not for runs with fcmov or an instruction that writes C3/C2/C0
 * other than a compare, ftst or fxam.
 */
typedef struct X86X87Spec {
    void *stub;                 /* called through helper_x86_x87_spec: rdi cpu, rdx ea -> rflags (fcomi) */
    uint8_t need_valid, need_empty;     /* physical registers */
    bool writes_flags;
} X86X87Spec;
/*
 * Clear the host's x87 exception flags (mxcsr.c): where C code replaces the guest's status
 * word inside exec_run (fxrstor), and as exec_run returns, so that the host's flags are
 * always among the guest's when a specialised stub runs.
 */
void x86_x87_drop_host(void);
bool x86_x87_spec_plan(const X86Insn *const *x87, unsigned n, unsigned top, bool fcw_default, uint32_t fip,
                       bool last_mem, X86X87Spec *sp);
/* How an x87 instruction moves TOP (pushes -1, pops +1), INT_MIN if not by a fixed amount. */
int x86_x87_stack_effect(const X86Insn *in);
/* Follow the guest's TOP and control word through an x87 instruction lifted alone. */
void x86_x87_guess(X86Disas *ctx, const X86Insn *in);
/* The FNSAVE tag of an 80-bit register from its contents: valid 0, zero 1 or special 2 (fxsave.c). */
unsigned x86_fpu_tag_of(const uint8_t *r);
/*
 * The POSIX si_code of SIGFPE for #MF / #XM from the unmasked exception flags that are
 * set (x87 status & ~control, or MXCSR flags & ~masks), in Linux's order of precedence
 * (fpu__exception_code()); the GUEST_EXIT_FPE aux.
 */
uint64_t x86_fpe_si_code(uint32_t unmasked);
/* Store the x87 state a stub left (image) as the guest's, after instruction info (trans_x87.c). */
void x86_x87_commit(X86Cpu *cpu, const X86FpuState *old, const X86FpuState *image, uint64_t info, uint64_t ea);
/* Memory operand bytes and whether it is written, for an x87 memory form; size 0: none. */
unsigned x86_x87_mem_size(unsigned op, unsigned reg, bool *store);
/* Whether an x87 register form (op D8..DF, ModRM - 0xC0) exists. */
bool x86_x87_reg_valid(unsigned op, unsigned m);
/* x86_x87_copy through the scratch bytes at offset off. */
void x86_x87_copy_at(X86Disas *ctx, unsigned size, bool store, unsigned off);
/* Fault now if the ModRM memory operand (size bytes) cannot be written (trans_x87.c). */
void x86_x87_probe_store(X86Disas *ctx, unsigned size);
/* Call an x87 stub for code (flushes the lazy flags first); arg: the data address or rax. */
IrTemp x86_x87_call(X86Disas *ctx, X86StubKind kind, const uint8_t *code, unsigned n, uint64_t info, IrTemp arg);
/* #GP (GUEST_EXIT_EXCEPTION 13) unless the ModRM memory operand is 16-byte aligned (trans_ssemov.c). */
void x86_sse_check_align(X86Disas *ctx);
/* Place those #GPs (after the block's last instruction; lift.c). */
void x86_sse_flush_gp(X86Disas *ctx);
/* The xmm/m128 source of in as its two halves (s[0]: bits 0-63), or one half; an m128 must be
 * 16-byte aligned even when only one half is used (trans_ssemov.c). */
void x86_sse_src128(X86Disas *ctx, const X86Insn *in, IrTemp s[2]);
IrTemp x86_sse_src_half(X86Disas *ctx, const X86Insn *in, unsigned half);
/* Lift the SSE logic ops, paddq and psubq to IR ops on the xmm halves (trans_ssemov.c); false if not one. */
bool x86_sse_try_ir(X86Disas *ctx, const X86Insn *in);
/* paddb/w/d, psubb/w/d, pcmpeqb/w/d, pmovmskb as 64-bit IR ops (trans_sse_swar.c); false if not one. */
bool x86_sse_try_swar(X86Disas *ctx, const X86Insn *in);
/*
 * add/sub/mul/div/sqrt sd, ss and pd as the host's instruction when the guest MXCSR has
 * the host's modes, the scalar compares inline when no operand is a NaN or a denormal;
 * the stub as the slow path (trans_sse_fast.c); false if not one of them.
 */
bool x86_sse_try_fast(X86Disas *ctx, const X86Insn *in, const X86SseOp *op);
/* After lifting in: forget X86Disas.sse_mxcsr_ok if it may have changed MXCSR's modes. */
void x86_sse_fast_track(X86Disas *ctx, const X86Insn *in);
/* Forget what the SSE fast paths know (a label where paths join). */
void x86_sse_fast_forget(X86Disas *ctx);
/* An sse.def row through its host stub (trans_sse.c). */
bool x86_sse_gen_stub(X86Disas *ctx, const X86Insn *in, const X86SseOp *op);
/* unpcklps/pd, unpckhps/pd, punpcklqdq/hqdq as moves of xmm halves (trans_sse_unpck.c). */
bool x86_sse_try_unpck(X86Disas *ctx, const X86Insn *in);
/* palignr, pshufd/hw/lw, punpckl/h bw/wd/dq as IR on the xmm halves (trans_sse_shuf.c). */
bool x86_sse_try_shuf(X86Disas *ctx, const X86Insn *in);
/* psrlw/d/q, psraw/d, psllw/d/q, psrldq, pslldq by an immediate as IR (trans_sse_shift.c). */
bool x86_sse_try_shift(X86Disas *ctx, const X86Insn *in);
bool x86_trans_mmx_row(X86Disas *ctx, const X86Insn *in, const X86SseOp *op);

/* The MXCSR bits that may be set (the host's MXCSR_MASK; fxsave.c). */
uint32_t x86_mxcsr_mask(void);
/* MXCSR's modes (DAZ, masks, RC, FTZ) and the host's, under which the inline SSE ops run. */
#define X86_MXCSR_MODES      0xffc0u
#define X86_MXCSR_HOST_MODES 0x1f80u
/*
 * The guest's MXCSR flags that the inline SSE ops left in the host's MXCSR (mxcsr.c):
 * gather them into X86Cpu.mxcsr, or drop them when the guest replaces its flags.
 */
void x86_mxcsr_gather(X86Cpu *cpu);
void x86_mxcsr_drop_host(void);
/* GuestArch.host_fp_sync of both x86 guests. */
void x86_host_fp_sync(GuestCpu *cpu);
/* Copy size bytes between the ModRM memory operand and X86Cpu.fpu_scratch (trans_x87.c). */
void x86_x87_copy(X86Disas *ctx, unsigned size, bool store);

/* xmm register i, 64-bit half h, as a state offset. */
#define X86_OFF_XMM(i, h) ((uint32_t)offsetof(X86Cpu, xmm[0]) + 16u * (uint32_t)(i) + 8u * (uint32_t)(h))
/* Scratch slot j (8 bytes) for x87 memory operands and fxsave images. */
#define X86_OFF_FPU_SCRATCH(j) ((uint32_t)offsetof(X86Cpu, fpu_scratch[0]) + 8u * (uint32_t)(j))

/* GuestArch hooks. */
void x86_lift_block(GuestLiftCtx *lctx);
unsigned x86_disas(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen);
unsigned x86_disas32(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen);

/* Helper prototypes and descriptors (helpers.def); helpers.c defines the descriptors. */
#define IR_HELPER_DEF "frontend/x86/helpers.def"
#include "ir/ir_helper_gen.h"

/* gdb.c: how gdb sees the CPU (gdb's amd64 and i386 target descriptions). */
extern const GuestGdb x86_64_gdb;
extern const GuestGdb i386_gdb;

#endif
