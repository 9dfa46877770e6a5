/*
 * PowerPC frontend internals shared by the decoder, the trans_*.c lifters, the
 * FPU helpers and the disassembler.  Nothing here is visible outside frontend/ppc
 * (and its unit tests).
 *
 * Decoding is table driven (Power ISA 2.06 Book I, appendix "Opcode maps"): a
 * 64-row primary-opcode table (decode.c) whose rows either name a handler or point
 * at an extended-opcode table for opcodes 19, 31, 59 and 63 (insn_19.def,
 * insn_31.def, insn_59.def, insn_63.def).  A row names its handler, its operand
 * format and a parameter the handler interprets (load size, arithmetic variant...),
 * so one trans_ function serves a family of instructions.
 */
#ifndef MIMIC_PPC_INTERNAL_H
#define MIMIC_PPC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/ppc/cpu.h"
#include "ir/ir.h"

/*
 * Operand formats: which instruction fields an instruction uses (Book I 1.6).
 * Bits outside the opcode, the extended opcode and the format's fields are
 * reserved: the decoder rejects an instruction that sets them.
 */
typedef enum PpcFormat {
    PPC_FMT_D,          /* rt, ra, d/simm */
    PPC_FMT_DU,         /* rs, ra, uimm (logical immediates) */
    PPC_FMT_DCMP,       /* crfD, L, ra, simm/uimm */
    PPC_FMT_DTO,        /* TO, ra, simm (twi) */
    PPC_FMT_I,          /* LI, AA, LK */
    PPC_FMT_B,          /* BO, BI, BD, AA, LK */
    PPC_FMT_SC,         /* sc (LEV must be 0) */
    PPC_FMT_M,          /* rs, ra, sh/rb, mb, me */
    PPC_FMT_X,          /* rt, ra, rb */
    PPC_FMT_XTA,        /* rt, ra (rb reserved) */
    PPC_FMT_XT,         /* rt (ra, rb reserved) */
    PPC_FMT_XAB,        /* ra, rb (rt reserved) */
    PPC_FMT_XTB,        /* rt, rb (ra reserved) */
    PPC_FMT_XNONE,      /* no operands */
    PPC_FMT_XSYNC,      /* L (2 bits) */
    PPC_FMT_XCMP,       /* crfD, L, ra, rb */
    PPC_FMT_XFCMP,      /* crfD, fra, frb */
    PPC_FMT_XCRF,       /* crfD, crfS (mcrf, mcrfs) */
    PPC_FMT_XCRD,       /* crfD (mcrxr) */
    PPC_FMT_XMTFSFI,    /* crfD, W, U */
    PPC_FMT_XL,         /* crbD, crbA, crbB */
    PPC_FMT_XLBC,       /* BO, BI, BH, LK */
    PPC_FMT_XFX_SPR,    /* rt, spr */
    PPC_FMT_XFX_CRF,    /* rt/rs, one-field bit, FXM (mfcr/mfocrf/mtcrf/mtocrf) */
    PPC_FMT_XFL,        /* L, FLM, W, frb */
    PPC_FMT_XO,         /* rt, ra, rb, OE */
    PPC_FMT_XOA,        /* rt, ra, OE (rb reserved) */
    PPC_FMT_A,          /* frt, fra, frb, frc */
    PPC_FMT_AAB,        /* frt, fra, frb (frc reserved) */
    PPC_FMT_AAC,        /* frt, fra, frc (frb reserved) */
    PPC_FMT_AB,         /* frt, frb (fra, frc reserved) */
    PPC_FMT_ISEL,       /* rt, ra, rb, BC */
    PPC_FMT_COUNT
} PpcFormat;

/* Row flags. */
#define PPC_F_RC   0x1u     /* bit 31 is Rc (record form allowed); otherwise reserved */
#define PPC_F_RC1  0x2u     /* bit 31 must be 1 (stwcx.) */
#define PPC_F_OE   0x4u     /* the XO form's OE bit is meaningful */
#define PPC_F_EH   0x8u     /* bit 31 is lwarx's EH hint (Book II 4.4.2): allowed, ignored */

/* Fields of one instruction; the format's extractor fills the ones it has. */
typedef struct PpcArgs {
    int rt, ra, rb, rc;     /* register fields (rt doubles as rs / frt / BO / TO / crbD) */
    int32_t imm;            /* sign-extended D field or branch displacement */
    uint32_t uimm;          /* zero-extended D field */
    int crfd, crfs;
    int sh, mb, me;
    int bh;
    int l;                  /* L field of compares and sync; the one-field bit of XFX_CRF; mtfsf L */
    int w;                  /* mtfsf/mtfsfi W */
    uint32_t spr;           /* SPR/TBR number with its halves put back in order */
    uint32_t fxm;           /* mtcrf FXM, mtfsf FLM, mtfsfi U */
    bool rc_bit, oe, lk, aa;
    uint32_t param;         /* the table row's parameter */
} PpcArgs;

#define PPC_MAX_FWD 8           /* conditional branch targets pending at once */
#define PPC_MAX_FP_SLOW 128     /* inline FP instructions per block with a deferred slow path */
#define PPC_RESUME_SPAN 64      /* farthest pending target lifting resumes at after a block end, bytes */
#define PPC_COPY_SPAN 128       /* farthest a copied loop part may start before the block, bytes */
#define PPC_MAX_COPIES 4        /* backward targets copied into one block */
#define PPC_MAX_COPY_INSNS 48   /* instructions lifted as copies of loop paths in one block */
#define PPC_MAX_SLOW_COPY_INSNS 64  /* instructions lifted as copies after FP slow paths in one block */
#define PPC_MAX_STORES 8        /* stores remembered for store-to-load forwarding */

/* Lifting state of one block. */
/*
 * An inline FP operation's lazy record as its slow path can rebuild it from guest state:
 * fp_lazy_op's value, and for fp_lazy_a, _b, _c the FPR holding the operand (-1: the
 * record's SET of it stays in the main path, the operand being unused or overwritten by
 * the operation's own result).
 */
typedef struct PpcFpRecord {
    uint32_t opc;
    int8_t reg[3];
} PpcFpRecord;

/*
 * Store-to-load forwarding (trans_mem.c): the last stores of the straight path, each as its
 * base GPR, displacement, size and the IR value stored (oldest first).  A load whose bytes
 * they all cover, through the same base register unchanged since, takes its value from
 * them instead of memory.
 */
typedef struct PpcStores {
    unsigned n;
    struct {
        int8_t base;
        uint8_t size;
        int32_t disp;
        IrTemp val;
    } e[PPC_MAX_STORES];
} PpcStores;

/* The last compare into a CR field (PpcDisas.cmp). */
typedef struct PpcCmp {
    bool valid;
    int field;
    IrTemp a, b;
    bool is_signed;
} PpcCmp;

typedef struct PpcDisas {
    IrBlock *blk;
    uint32_t pc;            /* the instruction being lifted */
    uint32_t next_pc;
    uint32_t insn;
    bool end_block;
    /*
     * A conditional branch does not end the block (unless it jumps back to the block's
     * start or links): the taken edge jumps to a label placed before the target
     * instruction if lifting reaches it, or else to a side exit to the target after the
     * block's last instruction.
     */
    bool fwd_ok;            /* lifting may continue past a conditional branch */
    uint32_t page;          /* page of the block's first instruction */
    uint32_t block_pc;      /* the block's first instruction */
    unsigned n_fwd;
    struct {
        uint32_t pc;
        uint32_t label;
        /* What held at the branch: it still holds at the target if nothing else gets there. */
        PpcCmp cmp;
        PpcStores st;
    } fwd[PPC_MAX_FWD];
    /*
     * Copies of loop parts (lift.c, ppc_next_copy): backward targets lifting went on at
     * after the block's end, and the instructions lifted since the first of them.
     */
    bool copy_ok;           /* the block may copy code from before its start */
    bool copying;
    bool copy_slow;         /* the copy follows an FP slow path (lift.c, ppc_next_slow_path) */
    bool copy_closed;       /* the copy lifted a branch back to the block's start: the rest is after the loop */
    unsigned n_copies, copy_insns, slow_copy_insns;
    uint32_t copied[PPC_MAX_COPIES];
    /*
     * The last compare into a CR field (cmp*, record forms), so that a later conditional
     * branch can test the compared values instead of the CR bit (the field is still
     * written; dead-set elimination drops it if nothing reads it).  Valid until a CR
     * field is written again or a label is placed.
     */
    unsigned insn_index;    /* instructions lifted before this one in the block */
    PpcCmp cmp;
    /*
     * Slow paths of inline FP instructions (trans_fp.c), placed after the block's last
     * exit so the fast path runs straight through without merge points.  fp_mode_ok:
     * an earlier inline FP instruction on every path here found FPSCR[RN] = 0 and XX
     * set, and nothing since can have changed them (no label, mtfsf*, mtfsb*, mcrfs).
     */
    unsigned n_fp_slow, fp_slow_done;
    struct {
        uint32_t label, pc, opc;
        PpcArgs args;
        void (*gen)(struct PpcDisas *ctx, const PpcArgs *a, uint32_t opc);     /* the helper call */
        PpcFpRecord prev;   /* the previous operation's lazy record, stored here (opc 0: none) */
    } fp_slow[PPC_MAX_FP_SLOW];
    /*
     * The lazy record (fp_lazy_op/_a/_b/_c) the last inline FP operation stored: where its
     * SETs are in the block, so that an inline operation lifted right after it can take
     * them out and leave the record to its own slow path (trans_fp.c, ppc_fp_take_prev).
     */
    struct {
        bool valid;
        uint32_t end;                   /* blk->n_insns after the SETs */
        uint32_t set_op, set_x[3];      /* insn indices; set_x UINT32_MAX: operand unused */
        PpcFpRecord rec;
    } fp_last;
    /* The last inline fcmp: where it ended in the block (trans_fp.c, ppc_fcmp_lazy_known). */
    struct {
        bool valid;
        uint32_t end;
    } fcmp_lazy;
    bool fp_mode_ok;
    bool fp_traps;          /* PpcCpu.fp_traps: FP instructions take helpers and a trap check */
    /*
     * The stores loads may be forwarded from.  st_scan: blk->n_insns up to which the IR
     * emitted since was checked for what ends that (a label, another memory write, a helper
     * call that may write memory or registers).  st_ok: user mode, no memory tracing.
     */
    bool st_ok;
    uint32_t st_scan;
    PpcStores st;
} PpcDisas;

typedef bool PpcTransFn(PpcDisas *ctx, const PpcArgs *a);

typedef struct PpcInsnDesc {
    const char *name;       /* the base mnemonic ("add"; "." and "o" forms follow from Rc/OE) */
    uint16_t xo, xo_mask;   /* extended opcode (instruction bits 21:30) and the bits of it that count */
    uint8_t fmt;            /* PpcFormat */
    uint8_t flags;          /* PPC_F_* */
    uint32_t param;
    PpcTransFn *trans;
} PpcInsnDesc;

/* trans_fp.c: emit the deferred slow paths of inline FP instructions (after the last exit). */
uint32_t ppc_fp_slow_next(PpcDisas *ctx);
/* trans_fp.c: may an inline FP fast path defer a slow path (room left, no FP traps)? */
bool ppc_fp_slow_room(const PpcDisas *ctx);

/* Find the row of an instruction word (NULL if none or a reserved bit is set); fills *a. */
const PpcInsnDesc *ppc_decode(uint32_t insn, PpcArgs *a);
/* Every row of every table, for tests: calls fn with the row and its primary opcode. */
void ppc_for_each_row(void (*fn)(const PpcInsnDesc *d, unsigned opcd, void *opaque), void *opaque);
/* The bits of insn a row's format leaves reserved (must be zero). */
uint32_t ppc_reserved_mask(const PpcInsnDesc *d, unsigned opcd);

/* Every trans_ function; defined in trans_<group>.c. */
#define PPC_TRANS(name) bool ppc_trans_##name(PpcDisas *ctx, const PpcArgs *a);
#include "frontend/ppc/trans_list.def"
#undef PPC_TRANS

/* --- Row parameters --- */

/* Loads and stores (trans_load/trans_store/trans_fload/trans_fstore). */
#define PPC_LS_SIZE(p)   ((p) & 3u)         /* log2 bytes */
#define PPC_LS_SIGN      0x04u
#define PPC_LS_UPDATE    0x08u
#define PPC_LS_INDEXED   0x10u
#define PPC_LS_BREV      0x20u              /* byte-reversed: a little-endian access */
#define PPC_LS_SINGLE    0x40u              /* FP: binary32 in memory */
#define PPC_LS_B         0u
#define PPC_LS_H         1u
#define PPC_LS_W         2u
#define PPC_LS_D         3u

/* Add/subtract family (trans_addsub): the sum is A + B + carry-in. */
#define PPC_AS_NOT_A     0x01u              /* A = ~rA (subf forms) */
#define PPC_AS_B_RB      0x00u
#define PPC_AS_B_ZERO    0x02u
#define PPC_AS_B_ONES    0x04u              /* B = -1 (addme, subfme) */
#define PPC_AS_CIN_0     0x00u
#define PPC_AS_CIN_1     0x08u
#define PPC_AS_CIN_CA    0x10u
#define PPC_AS_SET_CA    0x20u

/* FP arithmetic (trans_farith): the operation, and PPC_FP_S for the single-precision forms. */
#define PPC_FP_ADD       0u
#define PPC_FP_SUB       1u
#define PPC_FP_MUL       2u
#define PPC_FP_DIV       3u
#define PPC_FP_SQRT      4u
#define PPC_FP_RE        5u                 /* fres */
#define PPC_FP_RSQRTE    6u
#define PPC_FP_OP(p)     ((p) & 7u)
#define PPC_FP_S         0x100u
#define PPC_FP_FMA       0x80u              /* helper_ppc_farith: the fused forms */
#define PPC_FP_LAZY      0x200u             /* PpcCpu.fp_lazy_op: an operation is pending */
/*
 * Also in fp_lazy_op: what of FPRF is pending with FR and FI.  The fast path leaves all
 * of FPRF (C and FPCC); an inline fcmp then writes FPCC, leaving only C pending.
 * LAZY_FPRF is LAZY_C << 1 so the compare turns one into the other with a shift.
 */
#define PPC_FP_LAZY_C    0x400u
#define PPC_FP_LAZY_FPRF 0x800u
/* Fused multiply-add variants (trans_fmadd): frA * frC + frB, then these negations. */
#define PPC_FMA_NEG_C    0x1u               /* subtract frB */
#define PPC_FMA_NEG_R    0x2u               /* negate the rounded result */
/* Conversions (trans_fconv). */
#define PPC_FCONV_FRSP   0u
#define PPC_FCONV_FCTIW  1u
#define PPC_FCONV_FCTIWZ 2u
/* Sign moves (trans_fmove). */
#define PPC_FMOVE_MR     0u
#define PPC_FMOVE_NEG    1u
#define PPC_FMOVE_ABS    2u
#define PPC_FMOVE_NABS   3u

/* Logical and CR-logical ops: the function of (x, y). */
typedef enum PpcLogic {
    PPC_LOGIC_AND, PPC_LOGIC_ANDC, PPC_LOGIC_OR, PPC_LOGIC_ORC, PPC_LOGIC_XOR,
    PPC_LOGIC_NAND, PPC_LOGIC_NOR, PPC_LOGIC_EQV,
} PpcLogic;

/* --- Guest-state accessors (lift.c) --- */
#define PPC_OFF(field)  ((uint32_t)offsetof(PpcCpu, field))
#define PPC_OFF_GPR(i)  ((uint32_t)offsetof(PpcCpu, gpr[0]) + 4u * (uint32_t)(i))
#define PPC_OFF_FPR(i)  ((uint32_t)offsetof(PpcCpu, fpr[0]) + 8u * (uint32_t)(i))
#define PPC_OFF_CR(i)   ((uint32_t)offsetof(PpcCpu, cr[0]) + 4u * (uint32_t)(i))

IrTemp ppc_const(PpcDisas *ctx, uint32_t v);
IrTemp ppc_get_gpr(PpcDisas *ctx, int r);
void ppc_set_gpr(PpcDisas *ctx, int r, IrTemp v);
/* (RA|0): register ra, or the value 0 when ra is 0 (Book I 1.6.2, D and X forms). */
IrTemp ppc_get_ra0(PpcDisas *ctx, int ra);
IrTemp ppc_get_fpr(PpcDisas *ctx, int r);
void ppc_set_fpr(PpcDisas *ctx, int r, IrTemp v);
IrTemp ppc_get32(PpcDisas *ctx, uint32_t off);
void ppc_set32(PpcDisas *ctx, uint32_t off, IrTemp v);

/* CR0 from a 32-bit result: LT/GT/EQ of the signed value compared with 0, SO from XER. */
void ppc_gen_cr0(PpcDisas *ctx, IrTemp result);
void ppc_gen_cr0_nonneg(PpcDisas *ctx, IrTemp result);     /* result < 2^31 known */
/* CR field f = LT/GT/EQ of a against b (signed or unsigned) | XER.SO. */
void ppc_gen_compare(PpcDisas *ctx, int f, IrTemp a, IrTemp b, bool is_signed);
/* Jump to label when CR bit bi (0..31) equals want; fused with a compare just before. */
void ppc_gen_crbit_jump(PpcDisas *ctx, int bi, bool want, uint32_t label);
/* CR bit bi ? if_set : if_clear, fused the same way (isel). */
IrTemp ppc_gen_crbit_select(PpcDisas *ctx, int bi, IrTemp if_set, IrTemp if_clear);
/* One CR bit (0..31, Book I numbering) as an i32 0/1, and writing one. */
IrTemp ppc_get_crbit(PpcDisas *ctx, int bit);
void ppc_set_crbit(PpcDisas *ctx, int bit, IrTemp v);
/* Set XER.OV to ov (0/1) and OR it into XER.SO. */
void ppc_gen_set_ov(PpcDisas *ctx, IrTemp ov);

/* Effective address of a load/store row: (RA|0) + D, or (RA|0) + RB for PPC_LS_INDEXED rows. */
IrTemp ppc_gen_ea(PpcDisas *ctx, const PpcArgs *a);
/*
 * The load or store of a load/store row at ea: loads take the value of earlier stores of
 * the block when those cover them (PpcDisas.st).  A store's update form also writes ea to
 * rA; a load's caller does that (after a slow-path branch that must see rA unchanged).
 */
IrTemp ppc_gen_load(PpcDisas *ctx, const PpcArgs *a, IrTemp ea, IrType type, IrMemOp mop);
void ppc_gen_store(PpcDisas *ctx, const PpcArgs *a, IrTemp ea, IrMemOp mop, IrTemp val);
/* Forget the remembered stores addressed through GPR r (it is being written). */
void ppc_st_forget_base(PpcDisas *ctx, int r);
/* Bring PpcDisas.st up to date with the IR emitted so far (before it is saved for a branch). */
void ppc_st_scan(PpcDisas *ctx);
/* The IrMemOp of a load/store row (big-endian unless byte-reversed). */
IrMemOp ppc_memop(uint32_t param);

/* End the block with an illegal-instruction exit carrying the instruction bits. */
void ppc_gen_illegal(PpcDisas *ctx);
/* Exit to a constant (32-bit) pc. */
void ppc_gen_goto(PpcDisas *ctx, uint32_t pc);

/* --- Floating point (trans_fp.c, fpu.c) --- */

/* FPSCR bits (Book I 4.2.2), as masks on the 32-bit register. */
#define PPC_FPSCR_FX      (1u << 31)
#define PPC_FPSCR_FEX     (1u << 30)
#define PPC_FPSCR_VX      (1u << 29)
#define PPC_FPSCR_OX      (1u << 28)
#define PPC_FPSCR_UX      (1u << 27)
#define PPC_FPSCR_ZX      (1u << 26)
#define PPC_FPSCR_XX      (1u << 25)
#define PPC_FPSCR_VXSNAN  (1u << 24)
#define PPC_FPSCR_VXISI   (1u << 23)
#define PPC_FPSCR_VXIDI   (1u << 22)
#define PPC_FPSCR_VXZDZ   (1u << 21)
#define PPC_FPSCR_VXIMZ   (1u << 20)
#define PPC_FPSCR_VXVC    (1u << 19)
#define PPC_FPSCR_FR      (1u << 18)
#define PPC_FPSCR_FI      (1u << 17)
#define PPC_FPSCR_LAZY_BITS (PPC_FPSCR_FR | PPC_FPSCR_FI | PPC_FPSCR_FPRF)   /* what fp_lazy_op may hold back */
#define PPC_FPSCR_FPRF_SHIFT 12             /* FPRF: C (bit 16) and FPCC (15:12) */
#define PPC_FPSCR_FPRF    (0x1fu << 12)
#define PPC_FPSCR_FPCC    (0xfu << 12)
/* FPRF values (Book I figure 56): C || FPCC. */
#define PPC_FPRF_QNAN     0x11u
#define PPC_FPRF_NINF     0x09u
#define PPC_FPRF_NNORM    0x08u
#define PPC_FPRF_NDENORM  0x18u
#define PPC_FPRF_NZERO    0x12u
#define PPC_FPRF_PZERO    0x02u
#define PPC_FPRF_PDENORM  0x14u
#define PPC_FPRF_PNORM    0x04u
#define PPC_FPRF_PINF     0x05u
#define PPC_FPSCR_VXSOFT  (1u << 10)
#define PPC_FPSCR_VXSQRT  (1u << 9)
#define PPC_FPSCR_VXCVI   (1u << 8)
#define PPC_FPSCR_VE      (1u << 7)
#define PPC_FPSCR_OE      (1u << 6)
#define PPC_FPSCR_UE      (1u << 5)
#define PPC_FPSCR_ZE      (1u << 4)
#define PPC_FPSCR_XE      (1u << 3)
#define PPC_FPSCR_NI      (1u << 2)
#define PPC_FPSCR_RN      3u
#define PPC_FPSCR_VX_ALL  (PPC_FPSCR_VXSNAN | PPC_FPSCR_VXISI | PPC_FPSCR_VXIDI | PPC_FPSCR_VXZDZ | \
                           PPC_FPSCR_VXIMZ | PPC_FPSCR_VXVC | PPC_FPSCR_VXSOFT | PPC_FPSCR_VXSQRT | \
                           PPC_FPSCR_VXCVI)

/* Recompute the summary bits VX and FEX of an FPSCR value (FX is sticky, set by the writer). */
uint32_t ppc_fpscr_summary(uint32_t fpscr);

/* Time base frequency mftb counts at (Hz); /proc/cpuinfo's "timebase" must say the same. */
#define PPC_TB_FREQ 512000000u
/* The data cache block dcbz zeroes; the auxv's AT_DCACHEBSIZE/ICACHEBSIZE must agree. */
#define PPC_DCACHE_LINE 32u

/* GuestArch hooks (lift.c, disas.c). */
void ppc_lift_block(GuestLiftCtx *lctx);
unsigned ppc_disas(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen);

/* Helper prototypes and descriptors (helpers.def); misc_helpers.c defines the descriptors. */
#define IR_HELPER_DEF "frontend/ppc/helpers.def"
#include "ir/ir_helper_gen.h"

/* gdb's register numbering and target description features (gdb.c). */
extern const GuestGdb ppc_gdb;

#endif
