/*
 * x86 CPU state for both i386 and x86-64 (Intel SDM Vol. 1 ch. 3.4: basic program
 * execution registers).  One struct serves both modes; X86Cpu.mode says which, and
 * the two GuestArch descriptors (x86_64_arch, i386_arch) set it at reset.
 *
 * The six arithmetic flags (CF PF AF ZF SF OF) are lazy: a flag producer stores the
 * kind of operation (cc_op, an X86CcOp) and its operands (cc_dst = result, cc_src =
 * second operand, cc_src2 = first operand); a reader recomputes only the flag it
 * needs (flags.c).  eflags holds every other bit (DF, IF, bit 1...) and never the
 * arithmetic ones; x86_get_eflags() assembles the architected value.
 *
 * x87 and SSE instructions run on the host's own units (hoststub.c), so their state
 * is kept in the host's formats: the x87 as a 108-byte FNSAVE image, the xmm
 * registers as 16 bytes each, MXCSR as the architected register.
 */
#ifndef MIMIC_X86_CPU_H
#define MIMIC_X86_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/guest.h"

/* General registers in encoding order (SDM Vol. 2 table 2-2). */
enum {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* EFLAGS bits (SDM Vol. 1 3.4.3). */
#define X86_CF   (1u << 0)
#define X86_PF   (1u << 2)
#define X86_AF   (1u << 4)
#define X86_ZF   (1u << 6)
#define X86_SF   (1u << 7)
#define X86_TF   (1u << 8)
#define X86_IF   (1u << 9)
#define X86_DF   (1u << 10)
#define X86_OF   (1u << 11)
#define X86_AC   (1u << 18)
#define X86_ID   (1u << 21)
#define X86_ARITH_FLAGS (X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_OF)
/* Bits popf may change in user mode (IOPL, VM, VIF/VIP, RF stay). */
#define X86_POPF_MASK (X86_TF | X86_DF | X86_AC | X86_ID)
#define X86_EFLAGS_FIXED 0x2u           /* bit 1 always reads 1 */

/*
 * Lazy-flag operations: kind * 4 + log2(operand bytes).  The operand meaning per
 * kind is documented in flags.c.  X86_CC_EFLAGS: cc_src holds the six flags.
 */
typedef enum X86CcKind {
    X86_CCK_EFLAGS = 0,     /* cc_src = the flags themselves (size irrelevant) */
    X86_CCK_ADD,            /* dst = a + b (not stored: recomputed); src = b; src2 = a */
    X86_CCK_ADC,            /* dst = a + b + c; src = b; src2 = a (c = dst - a - b) */
    X86_CCK_SUB,            /* dst = a - b (not stored: recomputed); src = b; src2 = a */
    X86_CCK_SBB,            /* dst = a - b - c; src = b; src2 = a */
    X86_CCK_LOGIC,          /* dst = result; CF = OF = AF = 0 */
    X86_CCK_INC,            /* dst = a + 1 (not stored); src = old CF; src2 = a */
    X86_CCK_DEC,            /* dst = a - 1 (not stored); src = old CF; src2 = a */
    X86_CCK_SHL,            /* dst = result; src = a << (count - 1); src2 = a */
    X86_CCK_SHR,            /* dst = result; src = a >> (count - 1); src2 = a */
    X86_CCK_SAR,            /* dst = result; src = a >> (count - 1) (arithmetic) */
    X86_CCK_MUL,            /* dst = low result; src = nonzero iff CF = OF = 1 */
    X86_CCK_COUNT
} X86CcKind;
#define X86_CC_OP(kind, sz_log2) ((uint32_t)(kind) * 4u + (uint32_t)(sz_log2))
#define X86_CC_EFLAGS X86_CC_OP(X86_CCK_EFLAGS, 0)

/*
 * The x87 state as FNSAVE/FRSTOR store it in 32-bit protected mode (SDM Vol. 1
 * 8.1.10, figure 8-9): frstor loads it into the host x87, fnsave stores it back.
 * st[i] is ST(i) (stack order, not physical), 80 bits each.  fip/fdp hold the guest
 * addresses of the last non-control x87 instruction and its operand.
 */
typedef struct X86FpuState {
    uint16_t fcw, fcw_pad;
    uint16_t fsw, fsw_pad;
    uint16_t ftw, ftw_pad;      /* two bits per physical register; 3 = empty */
    uint32_t fip;
    uint16_t fcs, fop;          /* fop: the low 11 bits of the opcode */
    uint32_t fdp;
    uint16_t fds, fds_pad;
    uint8_t st[8][10];
} X86FpuState;
G_STATIC_ASSERT(sizeof(X86FpuState) == 108);

/*
 * A GDT TLS entry as set_thread_area leaves it (arch/x86/kernel/tls.c): base, limit and
 * the flag bits of struct user_desc's bitfield word (X86_DESC_*); X86_DESC_EMPTY means
 * the entry is cleared, and a selector load naming it faults.
 */
typedef struct X86SegDesc {
    uint32_t base;
    uint32_t limit;
    uint32_t flags;
} X86SegDesc;
/* GDT_ENTRY_TLS_MIN on a 64-bit kernel: the first TLS selector is 12 * 8 + 3 = 0x63. */
#define X86_TLS_FIRST     12
#define X86_TLS_ENTRIES   3
/* struct user_desc flag bits (include/uapi/asm/ldt.h), in the order of its bitfield. */
#define X86_DESC_SEG_32BIT      (1u << 0)
#define X86_DESC_CONTENTS_SHIFT 1
#define X86_DESC_READ_EXEC_ONLY (1u << 3)
#define X86_DESC_LIMIT_IN_PAGES (1u << 4)
#define X86_DESC_NOT_PRESENT    (1u << 5)
#define X86_DESC_USEABLE        (1u << 6)
#define X86_DESC_LM             (1u << 7)
#define X86_DESC_EMPTY          (1u << 31)      /* ours: no descriptor (cleared) */

typedef struct X86Cpu {
    GuestCpu common;            /* must stay first: generic code converts X86Cpu * <-> GuestCpu * */
    uint64_t regs[16];          /* rax..r15; in 32-bit mode the upper halves stay 0 */
    uint64_t cc_op;             /* X86CcOp */
    uint64_t cc_dst;
    uint64_t cc_src;
    uint64_t cc_src2;
    uint64_t eflags;            /* every bit but the six arithmetic ones */
    uint64_t fs_base;
    uint64_t gs_base;
    uint32_t cs, ds, es, ss, fs, gs;    /* selectors (low 16 bits); bases other than fs/gs are 0 */
    uint32_t mode;              /* 64 or 32 */
    /* Descriptors a user-mode selector load may name: the GDT's TLS entries (set_thread_area). */
    X86SegDesc tls[X86_TLS_ENTRIES];

    /* --- x87 (and MMX, which aliases it): the FNSAVE image, see X86FpuState --- */
    X86FpuState fpu;
    uint64_t fpu_scratch[96];   /* memory operands of x87 instructions (runs: trans_x87_seg.c) and fxsave images */

    /* --- SSE --- */
    uint32_t mxcsr;             /* guest MXCSR: modes, masks and sticky flags */
    uint8_t xmm[16][16] __attribute__((aligned(16)));
} X86Cpu;

G_STATIC_ASSERT(offsetof(X86Cpu, common) == 0);
G_STATIC_ASSERT(offsetof(X86Cpu, regs) < 128);      /* hot registers within a disp8 of the base pointer */

extern const GuestArch x86_64_arch;
extern const GuestArch i386_arch;

/*
 * The exits this frontend raises, for the platform (cpu->pc is the instruction's own
 * pc in every case):
 *   GUEST_EXIT_SYSCALL     code 0 syscall, 1 sysenter, 0x80 int 0x80 (all 2 bytes long
 *                          without prefixes: resume at pc + 2)
 *   GUEST_EXIT_BREAKPOINT  int3 / int 3, code 3 (Linux reports the pc after it)
 *   GUEST_EXIT_EXCEPTION   int n for other n, code n (#GP in user mode)
 *   GUEST_EXIT_FPE         #DE from div/idiv, code 0; #MF (a pending unmasked x87
 *                          exception at a waiting x87/MMX instruction), code 16;
 *                          #XM (an unmasked SSE exception), code 19; aux = the
 *                          SIGFPE si_code for #MF/#XM (x86_fpe_si_code), 0 for #DE
 *   GUEST_EXIT_EXCEPTION   also #GP, code 13: a misaligned SSE 16-byte operand or
 *                          fxsave area, reserved MXCSR bits
 *   GUEST_EXIT_ILLEGAL     unknown or unlifted encodings, ud2, and privileged
 *                          instructions (hlt, cli, sti, in/out...; #GP in user mode);
 *                          aux = the pc
 *   GUEST_EXIT_MEM_FAULT / FETCH_FAULT as the engines report them
 *   GUEST_EXIT_EXCEPTION   code 13 (#GP): a segment load naming no usable descriptor
 */

/*
 * The 512-byte FXSAVE image of the x87/MMX/SSE state (SDM Vol. 1 table 10-2; rexw:
 * the FXSAVE64 pointer format), e.g. for signal frames, and loading one back (false:
 * MXCSR has bits the CPU does not accept, #GP).  Outside 64-bit mode only xmm0-7.
 */
void x86_fxsave_image(const X86Cpu *cpu, uint8_t *img, bool rexw);
bool x86_fxrstor_image(X86Cpu *cpu, const uint8_t *img, bool rexw);

/* The six arithmetic flags of a lazy-flag record (SDM Vol. 1 3.4.3.1); flags.c. */
uint32_t x86_cc_compute(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2);
/* The architected EFLAGS value, and writing one (arithmetic flags become X86_CC_EFLAGS). */
uint64_t x86_get_eflags(const X86Cpu *cpu);
void x86_set_eflags(X86Cpu *cpu, uint64_t v);

#endif
