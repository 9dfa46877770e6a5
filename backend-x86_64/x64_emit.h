/*
 * x86-64 instruction encoder: writes machine code bytes into an X64Buf.
 *
 * It knows nothing about the IR or guests; the code generator (x64_gen.c) picks
 * registers and calls these.  Operand sizes are in bytes (1, 2, 4, 8): 2 adds the
 * 0x66 prefix, 8 sets REX.W, 1 selects the byte opcode and makes SPL..DIL (not
 * AH..BH) reachable by emitting a REX prefix when needed.  Encodings follow the
 * Intel SDM volume 2 (ModRM/SIB tables 2-2 and 2-3, REX in 2.2.1, VEX in 2.3).
 */
#ifndef MIMIC_X64_EMIT_H
#define MIMIC_X64_EMIT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum X64Reg {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
    X64_NREGS,
    X64_NOREG = -1,
} X64Reg;

/* Condition codes, the low nibble of jcc/setcc/cmovcc. */
typedef enum X64Cond {
    X64_CC_O, X64_CC_NO, X64_CC_B, X64_CC_AE, X64_CC_E, X64_CC_NE, X64_CC_BE, X64_CC_A,
    X64_CC_S, X64_CC_NS, X64_CC_P, X64_CC_NP, X64_CC_L, X64_CC_GE, X64_CC_LE, X64_CC_G,
} X64Cond;
static inline X64Cond x64_cc_invert(X64Cond c) { return (X64Cond)(c ^ 1); }

/* The classic ALU group: opcode = op * 8 + form, and /op in the 0x80..0x83 group. */
typedef enum X64Alu {
    X64_ADD = 0, X64_OR = 1, X64_ADC = 2, X64_SBB = 3, X64_AND = 4, X64_SUB = 5, X64_XOR = 6, X64_CMP = 7,
} X64Alu;

/* Shift group 2 (/digit of C1/D3). */
typedef enum X64Shift {
    X64_ROL = 0, X64_ROR = 1, X64_SHL = 4, X64_SHR = 5, X64_SAR = 7,
} X64Shift;

/* Unary group 3 (/digit of F7). */
typedef enum X64Grp3 {
    X64_NOT = 2, X64_NEG = 3, X64_MUL = 4, X64_IMUL1 = 5, X64_DIV = 6, X64_IDIV = 7,
} X64Grp3;

/* BMI2 shifts by a register count (VEX-encoded, flags untouched). */
typedef enum X64ShiftX {
    X64_SHLX, X64_SHRX, X64_SARX,
} X64ShiftX;

/* A memory operand: [base + index * 2^scale + disp]. */
typedef struct X64Mem {
    int8_t base;            /* X64Reg; never X64_NOREG */
    int8_t index;           /* X64Reg or X64_NOREG; never RSP */
    uint8_t scale;          /* log2: 0..3 */
    int32_t disp;
} X64Mem;

static inline X64Mem x64_mem(X64Reg base, int32_t disp)
{
    return (X64Mem){ .base = (int8_t)base, .index = X64_NOREG, .scale = 0, .disp = disp };
}
static inline X64Mem x64_mem_idx(X64Reg base, X64Reg index, unsigned scale, int32_t disp)
{
    return (X64Mem){ .base = (int8_t)base, .index = (int8_t)index, .scale = (uint8_t)scale, .disp = disp };
}

/*
 * Output buffer.  Writes past `end` are dropped and set `overflow`, so callers emit
 * freely and check once (the code cache then flushes and retranslates).
 */
typedef struct X64Buf {
    uint8_t *start;
    uint8_t *p;
    uint8_t *end;
    bool overflow;
} X64Buf;

static inline void x64_buf_init(X64Buf *b, uint8_t *start, uint8_t *end)
{
    b->start = start;
    b->p = start;
    b->end = end;
    b->overflow = false;
}
static inline uint32_t x64_offset(const X64Buf *b) { return (uint32_t)(b->p - b->start); }
static inline void x64_byte(X64Buf *b, uint8_t v)
{
    if (b->p < b->end) {
        *b->p++ = v;
    } else {
        b->overflow = true;
    }
}
void x64_u16(X64Buf *b, uint16_t v);
void x64_u32(X64Buf *b, uint32_t v);
void x64_u64(X64Buf *b, uint64_t v);

static inline bool x64_fits_i8(int64_t v) { return v == (int8_t)v; }
static inline bool x64_fits_i32(int64_t v) { return v == (int32_t)v; }

/* Prefix flags for the generic encoders. */
#define X64_P_LOCK  (1u << 0)
#define X64_P_F2    (1u << 1)
#define X64_P_F3    (1u << 2)
#define X64_P_RM8   (1u << 3)   /* the r/m register operand is a byte register (movzx, setcc) */
#define X64_P_66    (1u << 4)   /* 0x66 as an SSE mandatory prefix (not an operand size) */

/*
 * Generic forms.  `opc` holds 1-3 opcode bytes, most significant first (nopc of them);
 * `reg` is a register or a /digit.  Immediates are appended by the caller.
 */
void x64_enc_rr(X64Buf *b, unsigned pfx, unsigned sz, uint32_t opc, unsigned nopc, int reg, int rm);
void x64_enc_rm(X64Buf *b, unsigned pfx, unsigned sz, uint32_t opc, unsigned nopc, int reg, X64Mem m);

/* --- Moves --- */
void x64_mov_rr(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src);
/* Never touches flags (no xor): safe between a compare and its jcc/cmov. */
void x64_mov_ri(X64Buf *b, unsigned sz, X64Reg dst, uint64_t imm);
void x64_zero(X64Buf *b, X64Reg dst);        /* xor dst32, dst32: clobbers flags */
void x64_mov_rm(X64Buf *b, unsigned sz, X64Reg dst, X64Mem m);     /* load */
void x64_mov_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg src);     /* store */
void x64_mov_mi(X64Buf *b, unsigned sz, X64Mem m, int32_t imm);    /* store imm (sign-extended for sz 8) */
/* Zero/sign extension: dsz is the destination size (4 or 8), ssz the source size. */
void x64_movzx_rr(X64Buf *b, X64Reg dst, X64Reg src, unsigned ssz);
void x64_movzx_rm(X64Buf *b, X64Reg dst, X64Mem m, unsigned ssz);
void x64_movsx_rr(X64Buf *b, unsigned dsz, X64Reg dst, X64Reg src, unsigned ssz);
void x64_movsx_rm(X64Buf *b, unsigned dsz, X64Reg dst, X64Mem m, unsigned ssz);
void x64_lea(X64Buf *b, unsigned sz, X64Reg dst, X64Mem m);
void x64_movbe_rm(X64Buf *b, unsigned sz, X64Reg dst, X64Mem m);
void x64_movbe_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg src);
void x64_xchg_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg r);     /* implicitly locked */

/* --- Arithmetic --- */
void x64_alu_rr(X64Buf *b, X64Alu op, unsigned sz, X64Reg dst, X64Reg src);
void x64_alu_ri(X64Buf *b, X64Alu op, unsigned sz, X64Reg dst, int32_t imm);
void x64_alu_rm(X64Buf *b, X64Alu op, unsigned sz, X64Reg dst, X64Mem m);
void x64_alu_mr(X64Buf *b, X64Alu op, unsigned sz, X64Mem m, X64Reg src);
void x64_alu_mi(X64Buf *b, X64Alu op, unsigned sz, X64Mem m, int32_t imm);
void x64_test_rr(X64Buf *b, unsigned sz, X64Reg a, X64Reg c);
void x64_test_ri(X64Buf *b, unsigned sz, X64Reg a, int32_t imm);
void x64_imul_rr(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src);
void x64_imul_rri(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src, int32_t imm);
void x64_grp3(X64Buf *b, X64Grp3 op, unsigned sz, X64Reg r);
void x64_shift_ri(X64Buf *b, X64Shift op, unsigned sz, X64Reg r, uint8_t imm);
void x64_shift_cl(X64Buf *b, X64Shift op, unsigned sz, X64Reg r);
void x64_shiftx(X64Buf *b, X64ShiftX op, unsigned sz, X64Reg dst, X64Reg src, X64Reg cnt);
/* rorx dst, src, imm: dst = src rotated right by imm, flags untouched (needs x64_host.bmi2). */
void x64_rorx(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src, uint8_t imm);
void x64_bswap(X64Buf *b, unsigned sz, X64Reg r);    /* sz 4 or 8 */
void x64_cqo(X64Buf *b, unsigned sz);                /* cdq (4) / cqo (8): rdx = sign of rax */
void x64_lzcnt(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src);
void x64_tzcnt(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src);
void x64_popcnt(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src);
void x64_bsr(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src);
void x64_bsf(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src);
void x64_setcc(X64Buf *b, X64Cond cc, X64Reg r);
void x64_cmov(X64Buf *b, X64Cond cc, unsigned sz, X64Reg dst, X64Reg src);

/* --- SSE scalar floating point (xmm registers are numbered 0..15) --- */
typedef enum X64SseOp {
    X64_SSE_SQRT = 0x51, X64_SSE_ADD = 0x58, X64_SSE_MUL = 0x59, X64_SSE_SUB = 0x5c,
    X64_SSE_DIV = 0x5e,
    X64_SSE_CVT = 0x5a,     /* sz 4: cvtss2sd, sz 8: cvtsd2ss */
} X64SseOp;
void x64_movq_xr(X64Buf *b, unsigned sz, int xmm, X64Reg src);     /* movd (4) / movq (8) */
void x64_movq_rx(X64Buf *b, unsigned sz, X64Reg dst, int xmm);
void x64_movaps_xx(X64Buf *b, int dst, int src);                    /* whole xmm register copy */
void x64_sign_mask_x(X64Buf *b, int xmm);          /* xmm = 0x8000000000000000 in each half (pcmpeqd, psllq) */
void x64_xorpd_xx(X64Buf *b, int dst, int src);    /* dst ^= src, whole register */
void x64_vxorpd_xxx(X64Buf *b, int dst, int src1, int src2);    /* dst = src1 ^ src2 (needs x64_host.avx) */
/* dst = dst op src (sqrt: dst = sqrt(src)); sz 4: ...ss, 8: ...sd. */
void x64_sse_rr(X64Buf *b, X64SseOp op, unsigned sz, int dst, int src);
/* VEX form (needs x64_host.avx): dst = src1 op src2, NaNs taken as SSE's dst, src (sqrt: of src2). */
void x64_vsse_rrr(X64Buf *b, X64SseOp op, unsigned sz, int dst, int src1, int src2);
/* vfmadd213s{s,d} dst, src2, src3: dst = src2 * dst + src3 (needs x64_host.fma). */
void x64_vfmadd213(X64Buf *b, unsigned sz, int dst, int src2, int src3);
/* ucomis{s,d} a, b (comis{s,d} if signaling): EFLAGS ZF/PF/CF from a compared with b. */
void x64_comis(X64Buf *b, unsigned sz, bool signaling, int a, int src);
void x64_pushfq(X64Buf *b);

/* --- Atomics --- */
void x64_lock_xadd_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg r);
void x64_lock_cmpxchg_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg r);
void x64_mfence(X64Buf *b);

/* --- Control flow.  rel32/rel8 forms return the buffer offset of the displacement. --- */
uint32_t x64_jmp_rel32(X64Buf *b);
uint32_t x64_jcc_rel32(X64Buf *b, X64Cond cc);
uint32_t x64_jmp_rel8(X64Buf *b);
uint32_t x64_jcc_rel8(X64Buf *b, X64Cond cc);
void x64_jmp_to(X64Buf *b, const uint8_t *target);             /* jmp rel32 to a known address */
void x64_jcc_to(X64Buf *b, X64Cond cc, const uint8_t *target);
void x64_jmp_r(X64Buf *b, X64Reg r);
void x64_jmp_m(X64Buf *b, X64Mem m);
void x64_call_r(X64Buf *b, X64Reg r);
/* call a fixed address: rel32 if it is within reach, else through `scratch`. */
void x64_call_abs(X64Buf *b, const void *fn, X64Reg scratch);
void x64_ret(X64Buf *b);
void x64_push(X64Buf *b, X64Reg r);
void x64_pop(X64Buf *b, X64Reg r);
void x64_nop(X64Buf *b, unsigned n);    /* n bytes of recommended multi-byte nops */
void x64_prefix_pad(X64Buf *b, unsigned n);     /* n (<= 3) DS prefixes for the next jmp/jcc */

/* Point a displacement at `at` (an offset from x64_jmp_rel32 & co) to buffer offset `target`. */
void x64_patch_rel32(X64Buf *b, uint32_t at, uint32_t target);
void x64_patch_rel8(X64Buf *b, uint32_t at, uint32_t target);
/* Patch a rel32 displacement in place so the jump goes to target (absolute). */
void x64_set_rel32(uint8_t *disp, const uint8_t *target);

/* Host CPU features, read with cpuid once; tests may clear bits to exercise fallbacks. */
typedef struct X64Features {
    bool lzcnt;
    bool bmi1;              /* tzcnt */
    bool bmi2;              /* shlx/shrx/sarx */
    bool popcnt;
    bool movbe;
    bool fma;               /* FMA3 with AVX state enabled by the OS (vfmadd213sd/ss) */
    bool avx;               /* AVX with its state enabled by the OS (three-operand vaddsd...) */
} X64Features;
extern X64Features x64_host;
/* x64_features.c: cpuid into x64_host; then MIMIC_HOST_FEATURES=-movbe,-fma,... turns some off. */
void x64_detect_features(void);
bool x64_features_mask(X64Features *f, const char *spec, GError **error);
bool x64_features_apply_env(GError **error);

#endif
