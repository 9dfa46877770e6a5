/*
 * The exec loop: find or translate the block at the guest pc, run it on the chosen
 * engine, chain exits, and hand every exit that is not "next block" back to the
 * platform (linux-user or a board).  It also owns tracing, --stats and the guest
 * memory model handed to engines.
 *
 * It knows guests only through GuestArch and engines only through Engine.
 */
#ifndef MIMIC_EXEC_H
#define MIMIC_EXEC_H

#include <glib.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec/exec_debug.h"
#include "exec/tb.h"
#include "frontend/guest.h"
#include "ir/ir.h"

/* --trace=LIST items. */
#define EXEC_TRACE_INSN  (1u << 0)  /* pc, raw bytes, disassembly of each executed insn */
#define EXEC_TRACE_REGS  (1u << 1)  /* registers changed by each insn */
#define EXEC_TRACE_MEM   (1u << 2)  /* guest loads and stores */
#define EXEC_TRACE_BLOCK (1u << 3)  /* block entry */
#define EXEC_TRACE_IR    (1u << 4)  /* IR of each translated block, before and after optimizing */
#define EXEC_TRACE_HOST  (1u << 5)  /* emitted x86-64, disassembled */
#define EXEC_TRACE_EXEC  (1u << 6)  /* exits to the loop and chaining */
#define EXEC_TRACE_INT   (1u << 7)  /* system mode: traps and interrupts taken by the guest */

/* Parse "insn,regs" into EXEC_TRACE_* bits; false + error on an unknown word. */
bool exec_trace_parse(const char *list, uint32_t *flags, GError **error);
/* "START-END" (END exclusive) or "START+LENGTH", numbers in C syntax (0x... for hex). */
bool exec_trace_range_parse(const char *text, uint64_t *lo, uint64_t *hi, GError **error);
/*
 * A --trace-range or --trace-watch argument: numbers as above, or a symbol, "NAME" or
 * "LIB:NAME" (LIB the file name of the library, "libc.so.6"), resolved once the image
 * that defines it is loaded.  Checks the syntax only.
 */
bool exec_trace_spec_check(const char *text, const char *option, GError **error);
extern const char exec_trace_help[];    /* one line per item, for --help */

typedef struct ExecOptions {
    const char *engine;         /* "jit" (default) or "interp" */
    uint32_t trace;             /* EXEC_TRACE_* */
    FILE *trace_file;           /* stderr unless --trace-file */
    bool stats;
    unsigned max_block_insns;   /* 0: default */
    size_t code_cache_size;     /* JIT code cache bytes; 0: default */
    bool no_opt;                /* skip IR optimization (debugging) */
    /*
     * Tiered translation (JIT only): a new block runs this many times on the interpreter
     * from its lifted IR (the cold tier: lifting only, no optimizer, no code generation)
     * before it is compiled in full; 0 compiles every block in full at once;
     * EXEC_TIER_THRESHOLD_GUEST: GuestArch.tier_threshold.  Tracing and the debugger's
     * stepping and watching always compile in full.
     */
    unsigned tier_threshold;
    /*
     * --trace-range: trace only blocks starting in [trace_lo, trace_hi); the rest run
     * translated as usual (full-size blocks, chained), so a range inside a long
     * program costs little.  trace_hi == 0: no range, everything is traced.
     */
    uint64_t trace_lo, trace_hi;
    /* More --trace-range arguments (NULL-terminated; numbers or symbols), added to the above. */
    char **trace_ranges;
    char **trace_watches;       /* --trace-watch: ADDR+LEN, ADDR-END or a symbol */
    unsigned trace_last;        /* --trace-last=N: ring of the last N instructions, 0: off */
    uint64_t trace_after;       /* --trace-after=N: no lines before step N */
    uint64_t trace_count;       /* --trace-count=N: at most N steps of lines (0: no limit) */
    /*
     * --trace-whole-blocks: translate traced blocks as an untraced run does (inner
     * branches, side exits), for --trace=ir,host only: the per-instruction items need
     * blocks that end at every branch to give each line an exact step.
     */
    bool trace_whole_blocks;
} ExecOptions;

/*
 * How generated code reaches guest memory.  User mode: host = base + guest address,
 * and an address at or above 2^addr_bits faults without touching host memory.
 */
typedef struct ExecMemModel {
    uint8_t *base;
    unsigned addr_bits;
    /*
     * User mode: bytes of inaccessible host memory right below base and right above
     * base + 2^addr_bits (an access there faults into the platform's SIGSEGV path).  With
     * enough of it the JIT checks only an access's base register against the range and
     * folds a constant displacement into the host address (at least 4 MiB of guard);
     * 0: every address is checked.
     */
    uint64_t guard_size;
    /*
     * System mode: guest memory goes through the CPU's software TLB; lifted accesses
     * become calls of these helpers (softmmu/tlb.c), and blocks are keyed by (pc,
     * physical address, mode bits).  NULL in user mode.
     */
    const IrMemHelpers *mem_helpers;
    /*
     * User mode, optional: the guest's page protections, one byte per 4 KiB guest page below
     * 2^addr_bits, that page_prot_write is set in when the page is mapped writable; kept
     * current by the platform for as long as the ExecCtx lives.  Lifters get it through
     * GuestLiftCtx.page_prot (NULL: no table).
     */
    const uint8_t *page_prot;
    uint8_t page_prot_write;
} ExecMemModel;

/*
 * Bytes of the ring of cold blocks' lifted IR (a block's takes about 2.5 KiB) of the first
 * thread that runs cold blocks, and of every other thread's.
 */
#define EXEC_COLD_RING (4u << 20)
#define EXEC_COLD_RING_THREAD (256u << 10)

/* ExecOptions.tier_threshold: the guest's own default (GuestArch.tier_threshold). */
#define EXEC_TIER_THRESHOLD_GUEST G_MAXUINT

typedef struct ExecStats {
    uint64_t blocks_translated;     /* full tier (compiled; the interpreter engine's blocks) */
    uint64_t guest_insns_translated;
    uint64_t blocks_executed;       /* entries through the C loop (chained entries not counted) */
    uint64_t insns_executed;        /* exact only with --stats (counted per block entry) */
    uint64_t cache_flushes;
    uint64_t invalidations;
    uint64_t chains;
    uint64_t translate_ns;          /* full tier */
    uint64_t host_code_bytes;
    uint64_t blocks_cold;           /* made in the cold tier */
    uint64_t cold_ns;               /* time making them */
    uint64_t tier_ups;              /* cold blocks replaced by full ones */
    uint64_t cold_runs;             /* cold blocks run (exact only with --stats) */
    uint64_t cold_lifts;            /* of these, lifted (not in the thread's ring) */
} ExecStats;

typedef struct ExecCtx ExecCtx;

/* Past this many blocks (valid or not) since the last flush, start afresh. */
#define EXEC_MAX_BLOCKS 400000

/* The guest pc is inside a --trace-range, or no range was given. */
bool exec_trace_shows(const ExecCtx *x, GuestAddr pc);

/* --trace-range list: immutable once published, replaced whole when a symbol resolves. */
typedef struct ExecTraceRanges {
    unsigned n;
    bool pending;               /* some range waits for its symbol: nothing is shown yet */
    struct {
        GuestAddr lo, hi;
    } r[];
} ExecTraceRanges;

/*
 * An execution engine.  Both engines take the same optimized IR.
 */
typedef struct Engine {
    const char *name;
    /* Per-context setup (code cache...).  false + error if it cannot run here. */
    bool (*init)(ExecCtx *x, GError **error);
    void (*fini)(ExecCtx *x);
    /*
     * Turn blk (verified, optimized) into something run() can execute and store it in
     * tb.  Returns false when out of code space: the caller flushes and retries.
     * The engine may keep blk (tb->ir = blk) or leave it to the caller to free.
     */
    bool (*translate)(ExecCtx *x, TbBlock *tb, IrBlock *blk);
    /*
     * Run from tb until control must return to C.  On return cpu->pc is the next guest
     * pc and cpu->exit_kind says why.  If the exit was a chainable GOTO_BLOCK exit
     * that is not chained yet, *from and *slot name it (else *from = NULL).
     */
    void (*run)(ExecCtx *x, GuestCpu *cpu, TbBlock *tb, TbBlock **from, unsigned *slot);
    /*
     * Make exit `slot` of `from` jump straight to `to`; and undo it.  The exec loop
     * keeps TbExit.dest and TbBlock.incoming itself; engines only patch their code.
     */
    void (*chain)(ExecCtx *x, TbBlock *from, unsigned slot, TbBlock *to);
    void (*unchain)(ExecCtx *x, TbBlock *from, unsigned slot);
    /* Release engine data of one block (called at flush). */
    void (*free_block)(ExecCtx *x, TbBlock *tb);
    /* Drop all generated code (the cache has already forgotten every block). */
    void (*flush)(ExecCtx *x);
    /*
     * If host_pc is inside generated code, make cpu exact for the guest instruction
     * that was running there -- its pc, and guest registers whose values were still in
     * host registers, taken from host_context (the interrupted ucontext_t) -- and
     * return true.
     */
    bool (*host_pc_to_guest)(ExecCtx *x, uintptr_t host_pc, const void *host_context, GuestCpu *cpu);
} Engine;

extern const Engine engine_interp;
extern const Engine engine_jit;
const Engine *exec_engine_by_name(const char *name);

/* Platform hooks the exec loop calls. */
typedef struct ExecPlatform {
    void *opaque;
    /* Copy guest code bytes; false if not executable (the lifter raises a fetch fault). */
    bool (*fetch)(void *opaque, GuestAddr addr, void *buf, unsigned len);
    /* Copy guest data bytes; false if not all readable (--trace-watch; may be NULL). */
    bool (*read)(void *opaque, GuestAddr addr, void *buf, unsigned len);
    /* A block was made from guest page `page`: start watching it for writes. */
    void (*watch_code_page)(void *opaque, GuestAddr page);
    /* No block is left on `page`: stop watching it. */
    void (*unwatch_code_page)(void *opaque, GuestAddr page);
    /*
     * System mode: the physical address of the code at pc for cpu (for the block key and
     * the page map).  false: a fetch fault, with cpu's exit record set for the platform.
     * The page hooks above then take physical pages.
     */
    bool (*code_paddr)(void *opaque, GuestCpu *cpu, GuestAddr pc, uint64_t *paddr);
} ExecPlatform;

/*
 * One ExecCtx serves every CPU of a process (every thread of a linux-user guest, every
 * hart of a board).  Threading rules:
 *   - `lock` guards the block table, the page map, chaining bookkeeping, the engine's
 *     translate/chain/unchain, the list of CPUs and the translation statistics.  Code
 *     running translated blocks or probing a CPU's own jump cache takes no lock.
 *   - Blocks are freed only by a flush, and a flush runs "exclusive": every other CPU
 *     has stepped out of exec_run() (or waits at its entry) first, so no thread can be
 *     inside code or IR that a flush frees.  Invalidated blocks stay allocated until then.
 *   - Lock order: excl_lock before lock.
 */
struct ExecCtx {
    const GuestArch *arch;
    const Engine *engine;
    ExecOptions opts;
    ExecMemModel mem;
    ExecPlatform platform;
    ExecStats stats;

    GMutex lock;
    GHashTable *blocks;             /* pc -> TbBlock, valid blocks only */
    GHashTable *pages;              /* guest page -> GPtrArray of TbBlock */
    GPtrArray *all_blocks;          /* every block made since the last flush */
    uint64_t generation;            /* written under lock and only during an exclusive flush */
    GPtrArray *cpus;                /* GuestCpu registered with exec_cpu_register() */

    /* Exclusive sections (exec_start_exclusive); see exec_cpu_start(). */
    GMutex excl_lock;
    GCond excl_done;                /* the last CPU waited for stepped out */
    GCond excl_resume;              /* the exclusive section ended */
    volatile uint32_t excl_pending;
    unsigned excl_waiting;          /* running CPUs the section still waits for */

    void *engine_data;              /* owned by the engine */
    IrBlock *spare_ir;              /* reused by the next translation (under lock) unless an engine kept it */
    const IrHelper *trace_mem_helper;
    const IrHelper *trace_insn_helper;  /* --trace-last: called at every guest instruction */
    ExecTraceRanges *volatile trace_ranges; /* NULL: no --trace-range */
    bool count_insns;               /* keep GuestCpu.insns_executed (--stats, traces) */
    bool trace_any;                 /* any trace output at all (the trace writer is open) */
    bool trace_flush_often;         /* flush before each guest syscall: keeps the order with its output */
    bool tiering;                   /* new blocks start cold (opts.tier_threshold, exec/tier.c) */
    ExecDebug debug;                /* breakpoints, watching and the attached debugger (exec_debug.c) */
};

/* Set up a context; false + error for an unknown engine or one that cannot start. */
bool exec_init(ExecCtx *x, const GuestArch *arch, const ExecOptions *opts,
               const ExecMemModel *mem, const ExecPlatform *platform, GError **error);
void exec_fini(ExecCtx *x);

/*
 * A CPU joins the context before its first exec_run() (it gets its jump cache) and leaves
 * it when its thread ends.  Any thread may call these.
 */
void exec_cpu_register(ExecCtx *x, GuestCpu *cpu);
void exec_cpu_unregister(ExecCtx *x, GuestCpu *cpu);

/*
 * Run alone: wait until every other registered CPU is outside exec_run() (threads in
 * syscalls or waiting do not count) and keep them out until exec_end_exclusive().  The
 * caller's own CPU must not be running.  Sections nest neither with each other nor with
 * ExecCtx.lock held.
 */
void exec_start_exclusive(ExecCtx *x);
void exec_end_exclusive(ExecCtx *x);

/*
 * Run the guest until an exit the platform must handle (anything but
 * GUEST_EXIT_NONE).  Returns with cpu->exit_kind/code/aux set and cpu->pc at the
 * instruction concerned.  Host faults inside guest accesses arrive here too: the
 * platform's SIGSEGV handler calls exec_fault_unwind().
 */
void exec_run(ExecCtx *x, GuestCpu *cpu);

/*
 * Find (translating if needed) the block at pc.  System mode: NULL on a fetch fault (the
 * CPU's exit record says which).
 */
TbBlock *exec_find_block(ExecCtx *x, GuestCpu *cpu, GuestAddr pc);
/* System mode: forget this CPU's jump cache (its translations changed), or its entries for one page. */
void exec_cpu_flush_jmp_cache(GuestCpu *cpu);   /* and its return-address stack */
void exec_cpu_clear_ras(GuestCpu *cpu);
void exec_cpu_flush_jmp_cache_page(ExecCtx *x, GuestCpu *cpu, GuestAddr addr);

/* "syscall", "mem-fault"...: an exit kind's name in traces. */
const char *exec_exit_name(unsigned kind);

/* Invalidate every block that overlaps guest range [start, start+len). */
void exec_invalidate_range(ExecCtx *x, GuestAddr start, uint64_t len);
/*
 * Drop every block and all generated code.  Runs as an exclusive section, so the caller
 * must not hold ExecCtx.lock; it may be inside exec_run() (its own CPU steps out for it).
 */
void exec_flush(ExecCtx *x);

/*
 * Per-thread unwinding state: engines run inside exec_run()'s sigsetjmp.  A host
 * fault handler that decided a fault belongs to the guest calls exec_fault_unwind()
 * (async-signal-safe: it only siglongjmps).
 */
typedef struct ExecThread {
    ExecCtx *ctx;
    GuestCpu *cpu;
    sigjmp_buf *unwind;             /* NULL outside exec_run */
    volatile sig_atomic_t in_guest_access;  /* interpreter / helper touching guest memory */
    /* MXCSR when guest code last stopped (has_mxcsr): exec_run() puts it back (see there). */
    uint32_t guest_mxcsr;
    bool has_mxcsr;
    /*
     * While tracing, the block that may have faulted (TbBlock.insn_offsets): the traced block
     * the exec loop entered, the one the interpreter runs, the one a host fault hit.
     */
    const struct TbBlock *counted_tb;
} ExecThread;
extern __thread ExecThread exec_thread;

/* From a signal handler: record a guest memory fault and unwind to exec_run(). */
G_NORETURN void exec_fault_unwind(uintptr_t host_pc, GuestExitKind kind, int64_t code, uint64_t aux);

/*
 * From a host fault handler: if host_pc is where this thread runs guest code (generated code,
 * or the interpreter -- an interpreter engine's block or a cold-tier block), make cpu exact
 * for the faulting guest instruction and return true (see Engine.host_pc_to_guest).
 */
bool exec_host_pc_to_guest(ExecCtx *x, uintptr_t host_pc, const void *host_context, GuestCpu *cpu);

/* --- Tiered translation (exec/tier.c) --- */
/*
 * The IR to run for cold block tb: its record in this thread's ring (through *view) when it
 * is still there, else lifted anew into blk (this thread's) and stored (exec.c; takes
 * ExecCtx.lock).
 */
const IrBlock *exec_lift_cold(ExecCtx *x, GuestCpu *cpu, TbBlock *tb, IrBlock *blk, IrBlock *view);
/*
 * Each thread's ring keeping the lifted IR of the cold blocks it ran lately, so a block run
 * again soon is not lifted again; older records are overwritten.  Under ExecCtx.lock.
 * load: *view describes tb's record, in place; false when there is none in this thread's ring.
 */
bool exec_tier_load(ExecCtx *x, TbBlock *tb, IrBlock *view);
void exec_tier_store(ExecCtx *x, TbBlock *tb, const IrBlock *blk);
/* Run one cold block on the interpreter; returns with cpu->pc and the exit record set. */
void exec_tier_run_cold(ExecCtx *x, GuestCpu *cpu, TbBlock *tb);
/* The thread left exec_tier_run_cold() by unwinding (a fault or a raising helper). */
void exec_tier_unwound(void);

/* --- Tracing (exec/trace.c) --- */
/* "<word> <disassembly>[ <sym+0xoff>]" of the instruction at pc: cached per traced block. */
char *exec_trace_insn_text(ExecCtx *x, GuestAddr pc);
void exec_trace_insn(ExecCtx *x, GuestCpu *cpu, TbBlock *tb);
/* "state pc=0x... <every register>": a full snapshot (entering a range, --trace-last). */
void exec_trace_state(ExecCtx *x, const GuestCpu *cpu);
/* The step counter printed on trace lines: guest instructions this thread executed. */
static inline uint64_t exec_trace_step(const GuestCpu *cpu)
{
    return cpu->insns_executed;
}
/* Lines are shown for this step (--trace-after / --trace-count). */
static inline bool exec_trace_window(const ExecCtx *x, uint64_t step)
{
    return step >= x->opts.trace_after &&
           (x->opts.trace_count == 0 || step - x->opts.trace_after < x->opts.trace_count);
}
void exec_trace_regs_snapshot(ExecCtx *x, const GuestCpu *cpu, uint8_t *snap);
void exec_trace_regs_diff(ExecCtx *x, const GuestCpu *cpu, const uint8_t *snap);
void exec_print_stats(ExecCtx *x, FILE *out);
/* The --trace=mem helper the builder inserts after each access (args: write, size, addr, value). */
extern const IrHelper exec_trace_mem_helper;
/* The guest is exiting: print --stats and flush the trace file.  Call before _exit(). */
void exec_at_exit(ExecCtx *x);

/* --- The trace writer (exec/trace_out.c): whole lines, crash-safe --- */
void exec_trace_out_open(int fd);
bool exec_trace_out_active(void);
FILE *exec_trace_out_stream(void);      /* for fprintf users: one append per call */
/* The trace goes to stdout/stderr or a terminal, where the guest's own output appears too. */
bool exec_trace_out_shares_output(void);
void exec_trace_write(const char *s, size_t n);     /* whole lines only */
void exec_trace_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void exec_trace_flush(void);
/* Around fork(): flush and hold the writer; then release it (parent and child). */
void exec_trace_fork_prepare(void);
void exec_trace_fork_done(bool child);   /* a forked child writes no end line */
/* Lines of this thread bypass the buffer and go to fd (-1: back to normal); for the dump at death. */
void exec_trace_out_direct(int fd);
extern volatile int exec_trace_dying;  /* exec_trace_end() has started */
const char *exec_signal_name(int sig);  /* "SIGSEGV"; async-signal-safe */
/* "signal SIGSEGV pc=0x... addr=0x... #step": a signal delivered to a guest handler. */
void exec_trace_signal_line(int sig, uint64_t pc, uint64_t addr, uint64_t step);

typedef enum ExecTraceEnd {
    EXEC_TRACE_END_EXIT,        /* value: the exit status */
    EXEC_TRACE_END_SIGNAL,      /* value: the signal */
    EXEC_TRACE_END_INTERNAL,    /* mimic's own fault */
} ExecTraceEnd;

typedef struct ExecTraceSignal {
    int sig;
    uint64_t pc, addr, step;
} ExecTraceSignal;

/*
 * The process is ending: write every committed line, the --trace-last ring, the signal
 * that kills it (death, or NULL) and the "end" line; later lines are dropped.  Async-
 * signal-safe but for the ring's disassembly (our own formatting code, no locks).
 * Only the first call does anything.
 */
void exec_trace_end(ExecTraceEnd how, int value, const ExecTraceSignal *death);

/* --- --trace-last (exec/trace_last.c) --- */
void exec_trace_last_init(ExecCtx *x);
void exec_trace_last_thread(ExecCtx *x, GuestCpu *cpu);  /* this thread's ring, at exec_run entry */
void exec_trace_last_mem(uint32_t write, uint32_t size, uint64_t addr, uint64_t value, uint64_t pc);
void exec_trace_last_dump(int fd);      /* this thread's ring, oldest first */
/* The step of the instruction at pc in the block this thread runs, when the ring knows (*known). */
uint64_t exec_trace_last_step(GuestAddr pc, bool *known);

/* --- Symbols (exec/trace_sym.c) --- */
/*
 * An ELF file (whole, in memory) was loaded with load bias `bias`: learn its symbols
 * (.symtab, else .dynsym) and resolve the --trace-range / --trace-watch names it defines.
 */
void exec_sym_add_image(ExecCtx *x, const char *path, const uint8_t *data, size_t len, GuestAddr bias);
/* Has an image of this path been added with this bias already? */
bool exec_sym_have_image(const char *path, GuestAddr bias);
/* The function containing pc: name and offset; false if none. */
bool exec_sym_lookup(GuestAddr pc, const char **name, uint64_t *off);
/* Resolve --trace-range / --trace-watch arguments now known (called by exec_sym_add_image). */
void exec_trace_resolve(ExecCtx *x);
bool exec_sym_find(const char *lib, const char *name, GuestAddr *addr, uint64_t *size);
/* --trace-range / --trace-watch names that never resolved ("a, b"), or NULL; g_free it. */
char *exec_trace_unresolved(void);

/* --- --trace-watch (exec/trace_watch.c) --- */
void exec_trace_watch_add(ExecCtx *x, GuestAddr addr, uint64_t len);
void exec_trace_watch_access(ExecCtx *x, uint32_t write, uint32_t size, uint64_t addr, uint64_t value,
                             uint64_t pc);
/* A watched range has been resolved and watching is on. */
bool exec_trace_watching(void);

static inline uint64_t exec_now_ns(void)
{
    return (uint64_t)g_get_monotonic_time() * 1000u;
}

#endif
