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
    GUEST_EXIT_EXCEPTION,       /* any other guest exception; code = guest cause (system mode: aux = its tval) */
    GUEST_EXIT_FPE,             /* arithmetic trap (x86 #DE); code = guest cause, aux = POSIX si_code or 0 */
    GUEST_EXIT_HALT,            /* wfi / hlt; system mode: when woken, resume at pc + code */
    GUEST_EXIT_INTERRUPT,       /* exit_request was seen at a block entry */
    GUEST_EXIT_SYNC_CODE,       /* fence.i / isync: re-look-up after a code change */
    /*
     * System mode only.  SYNC_MODE: the instruction changed state that lifted code depends on
     * (privilege, the mode bits, the MMU index of data accesses); resume at pc + code (code =
     * the instruction's length, or 0 when a helper already stored the next pc, as mret does)
     * and look the next block up from C with the new mode bits: never chain across it.
     * TLB_FLUSH: the same, and drop this CPU's cached translations first (sfence.vma, a satp
     * or PMP write); aux = the virtual address whose entries must go, or ~0 for all of them.
     */
    GUEST_EXIT_SYNC_MODE,
    GUEST_EXIT_TLB_FLUSH,
    /*
     * A debugger wants this CPU stopped (gdb stub): a breakpoint at pc (the instruction has
     * not run), or a single step that has completed (pc = the next instruction).
     * code = ExecStopKind (exec/exec_debug.h).
     */
    GUEST_EXIT_DEBUG,
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
/* System mode: a device changed an interrupt line (or a CSR write unmasked one); call
 * GuestArch.sys_take_interrupt at the next block boundary.  That hook clears the bit. */
#define GUEST_REQ_INTERRUPT  (1u << 4)

/* Page permissions a translation grants (GuestTranslation.prot). */
#define GUEST_PROT_READ  (1u << 0)
#define GUEST_PROT_WRITE (1u << 1)
#define GUEST_PROT_EXEC  (1u << 2)

/* How a frontend reaches physical memory in system mode (page walks, A/D bits). Values are
 * integers as the guest sees them (the bus handles the region's byte order). false: nothing
 * there (the guest raises its access fault). */
typedef struct GuestBus {
    void *opaque;
    bool (*load)(void *opaque, uint64_t paddr, unsigned size, uint64_t *value);
    bool (*cmpxchg)(void *opaque, uint64_t paddr, unsigned size, uint64_t expected,
                    uint64_t desired, uint64_t *old);
} GuestBus;

/*
 * The answer of GuestArch.sys_translate (a TLB refill).  On success: the physical address
 * of the virtual address asked for, and what the whole naturally aligned page_size-byte
 * range around it may be used for by the same MMU index (prot, GUEST_PROT_* bits; the
 * access asked for is always among them).  page_size below GuestArch.page_size means the
 * answer holds for this access only and must not be cached (a PMP boundary inside the
 * page).  On failure: the exit to leave with (guest_cpu_exit); GuestArch.sys_raise then
 * turns it into the guest's trap.
 */
typedef struct GuestTranslation {
    uint64_t paddr;
    uint64_t page_size;
    uint32_t prot;
    uint32_t exit_kind;         /* GuestExitKind, on failure */
    int64_t exit_code;
    uint64_t exit_aux;
} GuestTranslation;

struct GuestArch;
struct TbBlock;
struct TlbState;

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
    /* System mode: this CPU's software TLB (softmmu/tlb.h); NULL in user mode. */
    struct TlbState *tlb;
    /*
     * System mode: the mode bits (GuestArch.sys_mode_bits) the exec loop last saw; a jump
     * cache entry only counts when its block was lifted under them (generated code checks).
     */
    uint32_t jmp_flags;
    /*
     * JIT return-address stack (exec/tb.h, tb_ras()): index of its newest entry, written
     * only by this CPU's generated code.  Here, in padding, so the guest registers that
     * follow GuestCpu stay within a disp8 of the base pointer.
     */
    uint32_t ras_top;
    /*
     * Blocks every entry of which passes through the exec loop -- traced blocks and cold-tier
     * blocks (exec/tb.h) -- as seen by the loop, kept apart from jmp_cache so that generated
     * code never jumps into one.  NULL when neither tracing nor tiering is on.
     */
    struct TbBlock **loop_cache;
    /* Set while the CPU is inside exec_run(); read by a thread that wants to run alone. */
    volatile uint32_t running;
    bool excl_waiter;           /* an exclusive section is waiting for this CPU to step out */
    /*
     * Debugger (exec/exec_debug.c): debug_step makes the exec loop run one-instruction
     * blocks that are never chained and stop after one has run (debug_stepped).  debug is
     * the stub's own per-CPU record.  All three are only touched while the CPU is stopped.
     */
    uint32_t debug_step;
    uint32_t debug_stepped;
    void *debug;
} GuestCpu;

/* One entry of a guest's register table, used by traces, the gdb stub and tests. */
typedef enum GuestRegKind {
    GUEST_REG_PC,
    GUEST_REG_GPR,
    GUEST_REG_FPR,
    GUEST_REG_CSR,
} GuestRegKind;

struct GuestCpu;
typedef struct GuestReg {
    const char *name;
    uint32_t offset;            /* bytes from the start of the CPU state */
    uint8_t size;               /* bytes: 4 or 8 */
    uint8_t kind;               /* GuestRegKind */
    /*
     * A register the state keeps in pieces (x86 EFLAGS: lazy arithmetic flags plus the
     * rest): its value computed from a whole CPU state (or a copy of one); NULL when the
     * register is the bytes at offset.
     */
    uint64_t (*get)(const struct GuestCpu *cpu);
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
    /*
     * A breakpoint or a trace range is set somewhere: the block must not lift code before
     * pc (a frontend that copies a loop's earlier instructions into the block would run
     * them without stopping at a breakpoint there or crossing a range's edge).
     */
    bool no_code_before_pc;
    /*
     * The block may take in code from one page besides its own, reported in
     * IrBlock.code_page2 (user mode: the page map is by virtual address).
     */
    bool other_page_ok;
    /*
     * User mode, or NULL: the guest's page protections, one byte per 4 KiB page for every
     * address below 2^page_prot_bits, read with plain (relaxed) loads by generated code
     * (IR_OP_HOSTLD8); a page's byte has page_prot_write set while the guest may write it.
     * Another thread's mprotect can change a byte right after it was read: a test of it is
     * a hint that a store will not fault, never a promise.
     */
    const uint8_t *page_prot;
    uint8_t page_prot_write;
    unsigned page_prot_bits;
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
    /*
     * The JIT's default tier threshold (exec/tier.c: runs of a new block on the interpreter
     * before it is compiled; `mimic run --tier-threshold` overrides it).  0 compiles every
     * block at once: where the lifted IR is large per guest instruction (x86: flags, wide
     * blocks), interpreting it costs more than compiling saves on a start that runs much
     * code often (Python's: 1.1-1.3x the time at 16).
     */
    unsigned tier_threshold;

    void (*cpu_init)(GuestCpu *cpu);    /* after zero-fill: reset values */
    void (*lift_block)(GuestLiftCtx *ctx);
    /*
     * Disassemble one instruction at pc into buf (standard assembler syntax).
     * Returns its length in bytes, or 0 if fewer bytes than needed were given.
     */
    unsigned (*disas)(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen);

    /*
     * --- System mode (all NULL/0 for guests without it) ---
     * The exec loop and boards call these; a CPU is put in system mode by its
     * frontend's own init call (RISC-V: rv_cpu_init_system) before any of them.
     *
     * sys_reset: back to the reset state of that configuration (pc = reset vector).
     * sys_take_interrupt: clear GUEST_REQ_INTERRUPT, then, if an interrupt is pending and
     *   enabled, enter its trap (pc = the handler) and return its cause as the guest
     *   numbers it (never 0); 0 if none was taken.  Call at a block boundary, with cpu->pc
     *   the next instruction to run.
     * sys_raise: turn the last exit (exit_kind/code/aux, cpu->pc at the instruction) into
     *   the guest's trap and clear exit_kind; false when that exit is not a guest trap
     *   (NONE, INTERRUPT, HALT, SYNC_*...), left untouched for the caller.
     * sys_translate: the page walk of a TLB refill for vaddr, for one access and MMU index
     *   (the index a LOAD/STORE's IrMemOp carries, or sys_fetch_mmu_idx for fetches).
     *   Fills *out; false = fault, described in out's exit fields.  May write guest memory
     *   (accessed/dirty bits).
     * sys_mode_bits: the CPU state lifted code depends on; part of the block key, so a block
     *   lifted under one value never runs under another.
     * sys_fetch_mmu_idx: the MMU index of instruction fetches now.
     * sys_wake_pending: a halted CPU (GUEST_EXIT_HALT) should run again (an interrupt is
     *   pending, even if globally disabled).
     * sys_mmu_idx_count: MMU indexes are below this.
     */
    void (*sys_reset)(GuestCpu *cpu);
    uint64_t (*sys_take_interrupt)(GuestCpu *cpu);
    bool (*sys_raise)(GuestCpu *cpu);
    bool (*sys_translate)(GuestCpu *cpu, GuestAddr vaddr, GuestAccess access, unsigned mmu_idx,
                          GuestTranslation *out);
    uint32_t (*sys_mode_bits)(const GuestCpu *cpu);
    unsigned (*sys_fetch_mmu_idx)(const GuestCpu *cpu);
    bool (*sys_wake_pending)(const GuestCpu *cpu);
    unsigned sys_mmu_idx_count;
    /* The privilege level that sys_mode_bits value stands for, for traces ("M", "S", "U"). */
    const char *(*sys_mode_name)(uint32_t mode_bits);
    /*
     * Traces print a 2- or 4-byte instruction as one number in the guest's byte order,
     * as objdump does for RISC-V and PowerPC; false: the bytes in memory order (x86).
     */
    bool insn_as_word;
    /* How gdb numbers and describes the registers (NULL: no gdb stub for this guest). */
    const struct GuestGdb *gdb;
    /*
     * Guest state that lifted code leaves in the host's MXCSR (x86: the exception flags
     * of its inline SSE arithmetic), moved into the CPU struct; NULL if none.  exec_run()
     * calls it on the CPU's thread as it returns, so the struct is exact outside it;
     * anything that runs lifted code some other way (tests) calls it after.
     */
    void (*host_fp_sync)(GuestCpu *cpu);
} GuestArch;

/*
 * One register as gdb's remote protocol sees it.  The value is the GuestArch.regs entry
 * named `state` (its offset and size), or, for a register the state keeps in pieces
 * (RISC-V fcsr = frm and fflags), get/set.
 */
typedef struct GuestGdbReg {
    const char *name;           /* gdb's name, as its target description expects it */
    const char *state;          /* GuestArch.regs name, or NULL with get/set */
    uint32_t regnum;            /* gdb's number (p/P packets) */
    uint8_t bits;
    const char *type;           /* target description type: "int", "code_ptr", "ieee_double"... */
    const char *feature;        /* "org.gnu.gdb.riscv.cpu" */
    bool system_only;           /* described only when the CPU runs a whole board (CSRs) */
    uint64_t (*get)(const struct GuestCpu *cpu);
    void (*set)(struct GuestCpu *cpu, uint64_t value);
    /* Registers wider than 64 bits (x87 st0-7, xmm): bits / 8 bytes in target order. */
    void (*get_bytes)(const struct GuestCpu *cpu, uint8_t *out);
    void (*set_bytes)(struct GuestCpu *cpu, const uint8_t *in);
} GuestGdbReg;

typedef struct GuestGdb {
    const char *arch;           /* <architecture>: "riscv:rv64" */
    const GuestGdbReg *regs;    /* sorted by feature, features in this order */
    unsigned n_regs;
    unsigned n_g_regs;          /* the first n are the 'g' packet, in regnum order from 0; none wider than 64 bits */
} GuestGdb;

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
