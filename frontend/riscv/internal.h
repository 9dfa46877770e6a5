/*
 * RISC-V frontend internals shared by the decoder, the trans_*.c lifters, the
 * disassembler and the FPU helpers.  Nothing here is visible outside
 * frontend/riscv (and its unit tests).
 *
 * Decoding is table driven: insn.def (and insn_zb.def) list every 32-bit
 * instruction as RV_INSN(name, mask, match, format).  A compressed instruction
 * is first expanded to its 32-bit equivalent (rvc.c) and then goes through the
 * same table, so every trans_ function serves both encodings.
 */
#ifndef MIMIC_RISCV_INTERNAL_H
#define MIMIC_RISCV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/riscv/cpu.h"
#include "ir/ir.h"

/* Operand layouts.  The format decides both how fields are extracted and how they print. */
typedef enum RvFormat {
    RV_FMT_R,       /* rd, rs1, rs2 (x registers) */
    RV_FMT_R2,      /* rd, rs1 (x) */
    RV_FMT_I,       /* rd, rs1, imm */
    RV_FMT_SH,      /* rd, rs1, shamt (printed in hex) */
    RV_FMT_LD,      /* rd, imm(rs1): loads and jalr */
    RV_FMT_ST,      /* rs2, imm(rs1) */
    RV_FMT_B,       /* rs1, rs2, target */
    RV_FMT_U,       /* rd, imm[31:12] */
    RV_FMT_J,       /* rd, target */
    RV_FMT_NONE,    /* no operands */
    RV_FMT_FENCE,   /* pred, succ */
    RV_FMT_CSR,     /* rd, csr, rs1 */
    RV_FMT_CSRI,    /* rd, csr, uimm */
    RV_FMT_AMO,     /* rd, rs2, (rs1) plus .aq/.rl */
    RV_FMT_LR,      /* rd, (rs1) plus .aq/.rl */
    RV_FMT_FLD,     /* fd, imm(rs1) */
    RV_FMT_FST,     /* fs2, imm(rs1) */
    RV_FMT_FR,      /* fd, fs1, fs2 */
    RV_FMT_FRM,     /* fd, fs1, fs2[, rm] */
    RV_FMT_FR4,     /* fd, fs1, fs2, fs3[, rm] */
    RV_FMT_F1RM,    /* fd, fs1[, rm] */
    RV_FMT_XF,      /* rd, fs1 */
    RV_FMT_XFRM,    /* rd, fs1[, rm] */
    RV_FMT_FX,      /* fd, rs1 */
    RV_FMT_FXRM,    /* fd, rs1[, rm] */
    RV_FMT_XFF,     /* rd, fs1, fs2 */
    RV_FMT_SFENCE,  /* rs1, rs2 (sfence.vma) */
    RV_FMT_COUNT
} RvFormat;

/* Fields of one instruction; a format's extractor fills the ones it has. */
typedef struct RvArgs {
    int rd, rs1, rs2, rs3;
    int rm;             /* rounding mode field, or aq/rl bits for atomics */
    int64_t imm;        /* sign-extended immediate, shamt, uimm or fence bits */
    uint32_t csr;
} RvArgs;

#define RV_MAX_FWD 4            /* forward branches pending at once */
#define RV_MAX_FP_SLOW 64       /* FP slow paths deferred to the block's end (trans_fd.c) */
#define RV_FP_SLOW_PER_INSN 3   /* at most one instruction defers this many */

/*
 * The slow path of an inline FP operation or compare, emitted after the block's last
 * exit (rv_flush_fp_slow): what the instruction was, to lift it again there.
 */
typedef struct RvFpSlow {
    uint32_t label;         /* the fast path's branch target */
    uint64_t pc;
    unsigned len;
    uint32_t raw;           /* the instruction's bits, for an illegal-instruction trap */
    RvArgs args;
    IrOpcode op;            /* FADD..FSQRT, FMA; NOP for a compare */
    unsigned neg;           /* RV_NEG_* of the fused forms */
    IrHelper *helper;
    bool single;
} RvFpSlow;
#define RV_FWD_SPAN 32          /* longest forward branch kept inside the block, bytes */
#define RV_MAX_SIDE_EXITS 16    /* longer forward branches that leave the block (side exits) */

/* Lifting state of one block. */
typedef struct RvDisas {
    IrBlock *blk;
    uint64_t pc;            /* the instruction being lifted */
    uint64_t next_pc;       /* pc + len */
    uint32_t insn;          /* 32-bit form (an expanded compressed instruction) */
    uint32_t raw;           /* bits as fetched: 16 or 32 of them */
    unsigned len;           /* 2 or 4 */
    bool end_block;         /* the instruction ended the block (jump, trap, ...) */
    bool frm_checked;       /* frm validity already checked in this block */
    bool fp_fast_checked;   /* since the last label: fflags has NX and frm is RNE (trans_fd.c) */
    /*
     * System mode, from the CPU at lift time (the exec layer keys blocks on
     * rv_cpu_mode_bits(), so these hold whenever the block runs); all zero in user mode.
     */
    bool sys;
    unsigned priv;          /* RV_PRIV_* */
    IrMemOp mmu_bits;       /* data MMU index << IR_MEM_MMU_SHIFT, ORed into every access */
    bool fs_off;            /* mstatus.FS = Off: FP instructions are illegal */
    bool fs_dirty_done;     /* since the last label: this block already set FS = Dirty */
    /*
     * Short forward branches stay inside the block: the taken edge goes to a label
     * placed before the target instruction (or, if lifting stops first, to an exit).
     */
    bool fwd_ok;            /* lifting may continue past a conditional branch */
    uint64_t page;          /* page of the block's first instruction */
    unsigned n_fwd;
    struct {
        uint64_t pc;
        uint32_t label;
    } fwd[RV_MAX_FWD];
    /* Forward branches that are not: the taken edge leaves the block (rv_flush_side_exits). */
    unsigned n_side;
    struct {
        uint64_t pc;
        uint32_t label;
    } side[RV_MAX_SIDE_EXITS];
    unsigned n_fp_slow;     /* lifting stops before an instruction could overflow fp_slow */
    RvFpSlow fp_slow[RV_MAX_FP_SLOW];
} RvDisas;

typedef bool RvTransFn(RvDisas *ctx, const RvArgs *a);

typedef struct RvInsnDesc {
    const char *name;       /* the table name: '_' stands for '.' */
    uint32_t mask, match;
    RvFormat fmt;
    RvTransFn *trans;
} RvInsnDesc;

/* Every trans_ function; defined in trans_<group>.c. */
#define RV_INSN(name, mask, match, fmt) bool trans_##name(RvDisas *ctx, const RvArgs *a);
#include "frontend/riscv/insn.def"
#include "frontend/riscv/insn_zb.def"
#undef RV_INSN

/* --- Field extraction (one static inline per format, see decode.c) --- */

static inline int64_t rv_sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static inline uint32_t rv_bits(uint32_t insn, unsigned lo, unsigned len)
{
    return (insn >> lo) & ((1u << len) - 1);
}

/* Find the table row of a 32-bit instruction (NULL if none); fills *a. */
const RvInsnDesc *rv_decode32(uint32_t insn, RvArgs *a);

/* Compressed layouts: how fields are found, which 32-bit operands they become, how they print. */
typedef enum RvCFormat {
    RV_CFMT_4SPN,       /* addi rd', sp, nzuimm */
    RV_CFMT_LW,         /* rd', uimm(rs1') word-scaled */
    RV_CFMT_LD,         /* rd', uimm(rs1') double-scaled (also c.fld) */
    RV_CFMT_SW,
    RV_CFMT_SD,
    RV_CFMT_ADDI,       /* rd = rd op imm6 (c.addi, c.addiw) */
    RV_CFMT_LI,         /* rd = imm6 */
    RV_CFMT_LUI,        /* rd = nzimm << 12 */
    RV_CFMT_16SP,       /* sp = sp + nzimm*16 */
    RV_CFMT_SHIFTB,     /* rd' = rd' >> shamt (c.srli, c.srai) */
    RV_CFMT_ANDI,       /* rd' = rd' & imm6 */
    RV_CFMT_ARITH,      /* rd' = rd' op rs2' */
    RV_CFMT_J,          /* jal x0, offset */
    RV_CFMT_BRANCH,     /* beq/bne rs1', x0, offset */
    RV_CFMT_SLLI,
    RV_CFMT_LWSP,
    RV_CFMT_LDSP,       /* also c.fldsp */
    RV_CFMT_JR,         /* jalr x0, 0(rs1) */
    RV_CFMT_MV,         /* add rd, x0, rs2 */
    RV_CFMT_NONE,       /* c.ebreak */
    RV_CFMT_JALR,       /* jalr ra, 0(rs1) */
    RV_CFMT_ADD,        /* add rd, rd, rs2 */
    RV_CFMT_SWSP,
    RV_CFMT_SDSP,       /* also c.fsdsp */
} RvCFormat;

typedef struct RvCInsnDesc {
    const char *name;       /* "c_addi": '_' prints as '.' */
    uint16_t mask, match;
    RvCFormat fmt;
    uint32_t flags;         /* RV_CF_* reserved-encoding checks */
    uint32_t base;          /* match bits of the 32-bit equivalent */
    bool fp_rd;             /* rd / rs2 is an f register (c.fld, c.fsd, ...) */
} RvCInsnDesc;

/*
 * Expand a 16-bit instruction to its 32-bit equivalent.  Returns NULL for an
 * illegal or reserved encoding; *args gets the operands as the 32-bit form sees them.
 */
const RvCInsnDesc *rv_expand_rvc(uint16_t c, uint32_t *insn, RvArgs *args);

/* GuestArch hooks (lift.c, disas.c, arch.c). */
void rv_lift_block(GuestLiftCtx *lctx);
unsigned rv_disas(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen);

/* --- Guest-state accessors (lift.c) --- */
#define RV_OFF_X(i)     ((uint32_t)offsetof(RvCpu, x[0]) + 8u * (uint32_t)(i))
#define RV_OFF_F(i)     ((uint32_t)offsetof(RvCpu, f[0]) + 8u * (uint32_t)(i))
#define RV_OFF(field)   ((uint32_t)offsetof(RvCpu, field))

IrTemp rv_get_x(RvDisas *ctx, int r);
void rv_set_x(RvDisas *ctx, int r, IrTemp v);
/* Set x[r] to the sign extension of the low 32 bits of the i64 v (W ops). */
void rv_set_x_w(RvDisas *ctx, int r, IrTemp v);
IrTemp rv_get_f(RvDisas *ctx, int r);
void rv_set_f(RvDisas *ctx, int r, IrTemp v);
IrTemp rv_const(RvDisas *ctx, uint64_t v);

/* A memory operation of this block: adds the MMU index (system mode). */
static inline IrMemOp rv_mop(const RvDisas *ctx, IrMemOp mop)
{
    return mop | ctx->mmu_bits;
}

/* End the block with an illegal-instruction trap carrying the instruction bits. */
void rv_gen_illegal(RvDisas *ctx);
/* rs1 + imm */
IrTemp rv_addr(RvDisas *ctx, int rs1, int64_t imm);

/* --- Floating point (trans_fd.c, fpu.c) --- */
#define RV_RM_RNE 0
#define RV_RM_RTZ 1
#define RV_RM_RDN 2
#define RV_RM_RUP 3
#define RV_RM_RMM 4
#define RV_RM_DYN 7

/* Emit the deferred FP slow paths (after the block's last exit). */
void rv_flush_fp_slow(RvDisas *ctx);

#define RV_FFLAG_NX 0x01
#define RV_FFLAG_UF 0x02
#define RV_FFLAG_OF 0x04
#define RV_FFLAG_DZ 0x08
#define RV_FFLAG_NV 0x10

/* CSR numbers the user-mode guest may touch. */
#define RV_CSR_FFLAGS   0x001
#define RV_CSR_FRM      0x002
#define RV_CSR_FCSR     0x003
#define RV_CSR_CYCLE    0xc00
#define RV_CSR_TIME     0xc01
#define RV_CSR_INSTRET  0xc02

/* --- System mode: CSR file (csr.c), traps (trap.c), hooks (sys.c) --- */
typedef enum RvCsrOp { RV_CSR_OP_W, RV_CSR_OP_S, RV_CSR_OP_C } RvCsrOp;

/* CSR row flags (csr.def explains each). */
#define RV_CSRF_FP      (1u << 0)
#define RV_CSRF_COUNTER (1u << 1)
#define RV_CSRF_TVM     (1u << 2)
#define RV_CSRF_SSTC    (1u << 3)
#define RV_CSRF_MODE    (1u << 4)
#define RV_CSRF_TLB     (1u << 5)
#define RV_CSRF_IRQ     (1u << 6)

/*
 * One CSR access at the CPU's privilege: *old gets the value before; with write, the
 * new value is src (W), old | src (S) or old & ~src (C).  False: illegal instruction.
 */
bool rv_csr_access(RvCpu *cpu, unsigned csr, RvCsrOp op, uint64_t src, bool write, uint64_t *old);
/* The row flags of a CSR number; *exists false when the CSR file has no such CSR. */
uint32_t rv_csr_flags(unsigned csr, bool *exists);
/* Recompute mstatus.SD from FS. */
void rv_mstatus_fix_sd(RvCpu *cpu);
/* xRET state changes; false when illegal at the current privilege (trap.c). */
bool rv_cpu_mret(RvCpu *cpu);
bool rv_cpu_sret(RvCpu *cpu);
/* An interrupt is pending and locally enabled in mie (what wakes WFI). */
bool rv_cpu_wake_pending(const RvCpu *cpu);

void rv_sys_reset(GuestCpu *gcpu);
uint64_t rv_sys_take_interrupt(GuestCpu *gcpu);
bool rv_sys_raise(GuestCpu *gcpu);
bool rv_sys_translate(GuestCpu *gcpu, GuestAddr vaddr, GuestAccess access, unsigned mmu_idx,
                      GuestTranslation *out);
uint32_t rv_sys_mode_bits(const GuestCpu *gcpu);
unsigned rv_sys_fetch_mmu_idx(const GuestCpu *gcpu);
bool rv_sys_wake_pending(const GuestCpu *gcpu);
const char *rv_sys_mode_name(uint32_t mode_bits);

/* --- Disassembler helpers (disas.c) --- */
extern const char *const rv_xreg_names[32];
extern const char *const rv_freg_names[32];
/* Name of a CSR as objdump prints it, or NULL when objdump prints the number. */
const char *rv_csr_name(uint32_t csr);

/* Helper prototypes and descriptors (helpers.def); misc_helpers.c defines the descriptors. */
#define IR_HELPER_DEF "frontend/riscv/helpers.def"
#include "ir/ir_helper_gen.h"

/* gdb's register numbering and target description features (gdb.c). */
extern const GuestGdb rv_gdb;

#endif
