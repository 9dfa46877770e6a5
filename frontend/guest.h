/*
 * The shared guest interface: the CPU-state header every guest embeds first, the
 * ways a block can stop, and the description each frontend exports.  The exec
 * loop, traces, the gdb stub, linux-user and boards use only what is here.
 */
#ifndef MIMIC_GUEST_H
#define MIMIC_GUEST_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

typedef uint64_t GuestAddr;

/*
 * Why generated code or the interpreter handed control back to C with something to
 * do.  Engines set GuestCpu.exit_kind; the platform (linux-user or a board) decides
 * what each means for this guest.  Plain "find the next block" is GUEST_EXIT_NONE.
 */
typedef enum GuestExitKind {
    GUEST_EXIT_NONE = 0,
    GUEST_EXIT_SYSCALL,         /* ecall / sc / int 0x80 / syscall; pc = the instruction */
    GUEST_EXIT_ILLEGAL,         /* illegal or unimplemented instruction; aux = insn bits */
    GUEST_EXIT_BREAKPOINT,      /* ebreak / trap / int3 */
    GUEST_EXIT_MEM_FAULT,       /* load/store fault; aux = address, code = GuestAccess */
    GUEST_EXIT_FETCH_FAULT,     /* instruction fetch fault; aux = address */
    GUEST_EXIT_MISALIGNED,      /* alignment fault (atomics); aux = address, code = GuestAccess */
    GUEST_EXIT_EXCEPTION,       /* any other guest exception; code = guest cause */
    GUEST_EXIT_FPE,             /* arithmetic trap (x86 #DE); code = guest cause */
    GUEST_EXIT_HALT,            /* wfi / hlt */
    GUEST_EXIT_INTERRUPT,       /* exit_request was seen at a block entry */
    GUEST_EXIT_SYNC_CODE,       /* fence.i / isync: re-look-up after a code change */
    GUEST_EXIT_COUNT
} GuestExitKind;

typedef enum GuestAccess {
    GUEST_ACCESS_READ = 0,
    GUEST_ACCESS_WRITE = 1,
    GUEST_ACCESS_EXEC = 2,
} GuestAccess;

/* exit_request bits, set from signal handlers and other threads. */
#define GUEST_REQ_SIGNAL     (1u << 0)  /* a host signal is pending for this thread */
#define GUEST_REQ_CODE_DIRTY (1u << 1)  /* translated code was written: invalidate before running on */
#define GUEST_REQ_STOP       (1u << 2)  /* debugger / exit */
#define GUEST_REQ_EXCLUSIVE  (1u << 3)  /* another thread waits to run alone (cache flush): step out */

struct GuestArch;
struct TbBlock;

typedef struct GuestCpu {
    uint64_t pc;
    /* Written by signal handlers and other threads; generated code polls it at block entry. */
    volatile uint32_t exit_request;
    uint32_t exit_kind;         /* GuestExitKind of the last exit to C */
    int64_t exit_code;
    uint64_t exit_aux;
    const struct GuestArch *arch;
    /* User mode: host address of guest address 0.  Helpers that touch guest memory use it. */
    uint8_t *mem_base;
    uint64_t insns_executed;    /* counted by --stats only */
    void *platform;             /* the linux-user thread or the board's CPU slot */
    /*
     * This CPU's own jump cache (exec/tb.h), probed inline by generated code for computed
     * jumps.  Per CPU so that threads never write each other's entries on the fast path.
     */
    struct TbBlock **jmp_cache;
    /*
     * Traced blocks seen by the exec loop (tracing only), kept apart from jmp_cache so that
     * generated code never jumps into a traced block without passing the loop.
     */
    struct TbBlock **traced_cache;
    /* Set while the CPU is inside exec_run(); read by a thread that wants to run alone. */
    volatile uint32_t running;
    bool excl_waiter;           /* an exclusive section is waiting for this CPU to step out */
} GuestCpu;

/* One entry of a guest's register table, used by traces, the gdb stub and tests. */
typedef enum GuestRegKind {
    GUEST_REG_PC,
    GUEST_REG_GPR,
    GUEST_REG_FPR,
    GUEST_REG_CSR,
} GuestRegKind;

typedef struct GuestReg {
    const char *name;
    uint32_t offset;            /* bytes from the start of the CPU state */
    uint8_t size;               /* bytes: 4 or 8 */
    uint8_t kind;               /* GuestRegKind */
} GuestReg;

/*
 * Lifting context.  The exec layer fills it; the frontend appends IR for the block
 * starting at pc and stops at a branch, before an instruction that would start on
 * the next guest page, or after max_insns instructions.
 */
typedef struct GuestLiftCtx {
    IrBlock *blk;
    const GuestCpu *cpu;        /* mode and configuration, read only */
    GuestAddr pc;
    unsigned max_insns;
    GuestAddr stop_pc;          /* end the block before the instruction at this pc (0: none) */
    /*
     * Traces count instructions per block entry (the step counter): every instruction of
     * the block must then run whenever it is entered, so no branches within the block.
     */
    bool straight_line;
    /* Copy len bytes of guest code at addr; false if that memory is not executable. */
    bool (*fetch)(void *opaque, GuestAddr addr, void *buf, unsigned len);
    void *fetch_opaque;
} GuestLiftCtx;

typedef struct GuestArch {
    const char *name;           /* "riscv64" */
    uint16_t elf_machine;       /* EM_RISCV */
    uint8_t elf_class;          /* ELFCLASS64 / ELFCLASS32 */
    uint8_t word_size;          /* bytes */
    bool big_endian;
    size_t cpu_size;            /* sizeof the guest's CPU struct (GuestCpu first) */
    uint32_t page_size;
    const GuestReg *regs;
    unsigned n_regs;

    void (*cpu_init)(GuestCpu *cpu);    /* after zero-fill: reset values */
    void (*lift_block)(GuestLiftCtx *ctx);
    /*
     * Disassemble one instruction at pc into buf (standard assembler syntax).
     * Returns its length in bytes, or 0 if fewer bytes than needed were given.
     */
    unsigned (*disas)(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen);
    /*
     * Traces print a 2- or 4-byte instruction as one number in the guest's byte order,
     * as objdump does for RISC-V and PowerPC; false: the bytes in memory order (x86).
     */
    bool insn_as_word;
} GuestArch;

/* Frontends linked into this build, and lookup by ELF machine or name. */
const GuestArch *guest_arch_by_elf(uint16_t machine);
const GuestArch *guest_arch_by_name(const char *name);
const char *guest_elf_machine_name(uint16_t machine);   /* "PowerPC", "x86-64", ... for messages */

GuestCpu *guest_cpu_new(const GuestArch *arch);
void guest_cpu_free(GuestCpu *cpu);

/*
 * Leave the running block from inside a helper (IR_CALL_CAN_RAISE): records the exit
 * and unwinds to the exec loop.  The helper must have been called with the guest pc
 * of its instruction already stored in cpu->pc (engines guarantee this).
 */
G_NORETURN void guest_cpu_exit(GuestCpu *cpu, GuestExitKind kind, int64_t code, uint64_t aux);

/* Say once per (arch, what) on stderr that a guest used something not implemented. */
void guest_warn_unimplemented(const GuestArch *arch, const char *what);

#endif
