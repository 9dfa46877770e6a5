/*
 * Building and running a machine (see machine.h).
 *
 * Memory model: every guest access goes through the CPU's software TLB (softmmu/tlb.c)
 * by helper calls the lifter emits in place of LOAD/STORE (ExecMemModel.mem_helpers), so
 * both engines run system code unchanged; the JIT's inline TLB fast path is the next step
 * (docs/ARCHITECTURE.md, System mode).
 *
 * CPUs run on the calling thread, one after another when there are several (a block or
 * a few hundred at a time); -smp with one host thread per hart comes with the inline path.
 */
#include <errno.h>
#include <string.h>

#include "platform/devices/clint.h"
#include "platform/system/machine.h"
#include "platform/system/machine_gdb.h"
#include "softmmu/tlb.h"

#define MACHINE_SLICE_US 4000

G_DEFINE_QUARK(mimic-machine-error-quark, machine_error)

typedef struct Machine {
    Board *board;
    const MachineCpuModel *model;
    const GuestArch *arch;
    unsigned nr_cpus;
    GuestCpu *cpus[BOARD_MAX_HARTS];
    TlbState *tlbs[BOARD_MAX_HARTS];
    ExecCtx exec;
    Device *clint;
    Chardev *serial;
    volatile int quit;          /* Ctrl-A X */
    bool halted[BOARD_MAX_HARTS];       /* in wfi until sys_wake_pending */
    volatile int tlb_flush_req[BOARD_MAX_HARTS];    /* another thread asks this hart to flush */
    GThread *hart_threads[BOARD_MAX_HARTS];
    volatile int stop_harts;            /* hart threads return (power-off, reset, quit) */
    volatile int current;               /* hart running now (the kick thread's target) */
    volatile int stop_kicks;
    GThread *kicker;
    MachineGdb gdb;
} Machine;

/* --- Board <-> CPU wiring --- */

static void machine_cpu_irq(void *opaque, unsigned hart, unsigned line, bool level)
{
    Machine *m = opaque;
    if (hart < m->nr_cpus) {
        m->model->set_irq(m->cpus[hart], line, level);
    }
}

static uint64_t machine_read_time(void *opaque)
{
    Machine *m = opaque;
    return m->clint != NULL ? clint_mtime(m->clint) : 0;
}

static void machine_quit(void *opaque)
{
    Machine *m = opaque;
    m->quit = 1;
    for (unsigned i = 0; i < m->nr_cpus; i++) {
        __atomic_fetch_or(&m->cpus[i]->exit_request, GUEST_REQ_STOP, __ATOMIC_SEQ_CST);
    }
}

/* --- ExecPlatform: code comes from physical memory through the TLB --- */

static bool machine_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    return tlb_fetch(exec_thread.cpu, addr, buf, len);
}

static bool machine_code_paddr(void *opaque, GuestCpu *cpu, GuestAddr pc, uint64_t *paddr)
{
    GuestTranslation tr;
    if (tlb_translate_code(cpu, pc, paddr, &tr)) {
        return true;
    }
    cpu->exit_kind = tr.exit_kind;
    cpu->exit_code = tr.exit_code;
    cpu->exit_aux = tr.exit_aux;
    return false;
}

static void machine_watch(void *opaque, GuestAddr ppage)
{
    Machine *m = opaque;
    for (unsigned i = 0; i < m->nr_cpus; i++) {
        tlb_watch_code(m->tlbs[i], ppage);
        /*
         * Cached writable entries of that page must now take the slow path (only those, not
         * the whole TLB: a new code page comes with every translation).  A TLB belongs
         * to the thread running its hart: the translating hart flushes its own, the others
         * are asked to at their next exit (a store in between is a cross-hart code change,
         * which the guest must follow with a remote fence, i.e. an IPI, i.e. an exit).
         */
        if (m->cpus[i] == exec_thread.cpu || m->hart_threads[i] == NULL) {
            tlb_drop_writes_to(m->tlbs[i], ppage);
        } else {
            __atomic_store_n(&m->tlb_flush_req[i], 1, __ATOMIC_RELEASE);
            __atomic_fetch_or(&m->cpus[i]->exit_request, GUEST_REQ_STOP, __ATOMIC_SEQ_CST);
        }
    }
}

static void machine_unwatch(void *opaque, GuestAddr ppage)
{
    Machine *m = opaque;
    for (unsigned i = 0; i < m->nr_cpus; i++) {
        tlb_unwatch_code(m->tlbs[i], ppage);
    }
}

/* A store reached a physical page holding translated code. */
static void machine_code_write(void *opaque, uint64_t paddr, unsigned size)
{
    Machine *m = opaque;
    exec_invalidate_range(&m->exec, paddr, size);
}

/* --- The loop --- */

/* What the hardware does after an exit of cpu; false when the machine must stop. */
static void machine_exit(Machine *m, unsigned hart)
{
    GuestCpu *cpu = m->cpus[hart];
    const GuestArch *arch = m->arch;

    switch ((GuestExitKind)cpu->exit_kind) {
    case GUEST_EXIT_NONE:
    case GUEST_EXIT_SYNC_CODE:
        break;
    case GUEST_EXIT_INTERRUPT:
        break;                  /* exit_request is looked at below */
    case GUEST_EXIT_SYNC_MODE:
        cpu->pc += (uint64_t)cpu->exit_code;
        break;
    case GUEST_EXIT_TLB_FLUSH:
        cpu->pc += (uint64_t)cpu->exit_code;
        if (cpu->exit_aux == ~(uint64_t)0) {
            tlb_flush(m->tlbs[hart]);
            exec_cpu_flush_jmp_cache(cpu);
        } else {
            tlb_flush_page(m->tlbs[hart], cpu->exit_aux);
            exec_cpu_flush_jmp_cache_page(&m->exec, cpu, cpu->exit_aux);
        }
        break;
    case GUEST_EXIT_HALT:
        /* wfi: the hart sleeps until an interrupt is pending (even a globally disabled one). */
        cpu->pc += (uint64_t)cpu->exit_code;
        m->halted[hart] = !arch->sys_wake_pending(cpu);
        break;
    case GUEST_EXIT_SYSCALL:
    case GUEST_EXIT_ILLEGAL:
    case GUEST_EXIT_BREAKPOINT:
    case GUEST_EXIT_MEM_FAULT:
    case GUEST_EXIT_FETCH_FAULT:
    case GUEST_EXIT_MISALIGNED:
    case GUEST_EXIT_EXCEPTION:
    case GUEST_EXIT_FPE: {
        uint64_t pc = cpu->pc, aux = cpu->exit_aux;
        int64_t code = cpu->exit_code;
        unsigned kind = cpu->exit_kind;
        if (!arch->sys_raise(cpu)) {
            g_error("exit %u at pc 0x%" G_GINT64_MODIFIER "x is no guest trap", cpu->exit_kind, cpu->pc);
        }
        if (m->exec.opts.trace & EXEC_TRACE_INT) {
            exec_trace_printf("int hart=%u trap %s code=0x%" G_GINT64_MODIFIER "x pc=0x%" G_GINT64_MODIFIER
                              "x tval=0x%" G_GINT64_MODIFIER "x -> 0x%" G_GINT64_MODIFIER "x\n", hart,
                              exec_exit_name(kind), (uint64_t)code, pc, aux, cpu->pc);
            exec_trace_flush();
        }
        break;
    }
    case GUEST_EXIT_DEBUG:
        exec_debug_stop(&m->exec, cpu, (ExecStopKind)cpu->exit_code, 0);
        break;
    case GUEST_EXIT_COUNT:
        g_assert_not_reached();
    }
    cpu->exit_kind = GUEST_EXIT_NONE;
    if (__atomic_exchange_n(&m->tlb_flush_req[hart], 0, __ATOMIC_ACQ_REL)) {
        tlb_flush(m->tlbs[hart]);
        exec_cpu_flush_jmp_cache(cpu);
    }
    uint32_t req = cpu->exit_request;
    /*
     * Every exit looks for an interrupt, not only those GUEST_REQ_INTERRUPT announces:
     * some become pending with time alone (Sstc's stimecmp), and the kick thread makes
     * sure an exit comes at least every time slice.
     */
    uint64_t pc = cpu->pc;
    uint64_t cause = arch->sys_take_interrupt(cpu);
    if (cause != 0 && (m->exec.opts.trace & EXEC_TRACE_INT)) {
        exec_trace_printf("int hart=%u interrupt cause=0x%" G_GINT64_MODIFIER "x pc=0x%" G_GINT64_MODIFIER
                          "x -> 0x%" G_GINT64_MODIFIER "x\n", hart, cause, pc, cpu->pc);
        exec_trace_flush();     /* few lines, and the ones before a hang matter most */
    }
    if (req & (GUEST_REQ_STOP | GUEST_REQ_SIGNAL | GUEST_REQ_CODE_DIRTY)) {
        __atomic_fetch_and(&cpu->exit_request, ~(GUEST_REQ_STOP | GUEST_REQ_SIGNAL | GUEST_REQ_CODE_DIRTY),
                           __ATOMIC_SEQ_CST);
    }
    if ((req & GUEST_REQ_STOP) && m->exec.debug.debugger != NULL) {
        /* Time slices share this bit with gdb's requests: the stub ignores the ones not its own. */
        exec_debug_stop(&m->exec, cpu, EXEC_STOP_REQUEST, 0);
    }
}

/* Time slices: ask the running hart to step out now and then (see the file comment). */
static gpointer machine_kicker(gpointer opaque)
{
    Machine *m = opaque;
    while (!m->stop_kicks) {
        g_usleep(MACHINE_SLICE_US);
        if (m->nr_cpus > 1) {
            /* One thread per hart: every hart looks for time-based interrupts. */
            for (unsigned i = 0; i < m->nr_cpus; i++) {
                __atomic_fetch_or(&m->cpus[i]->exit_request, GUEST_REQ_STOP, __ATOMIC_SEQ_CST);
            }
        } else {
            GuestCpu *cpu = m->cpus[m->current];
            __atomic_fetch_or(&cpu->exit_request, GUEST_REQ_STOP, __ATOMIC_SEQ_CST);
        }
    }
    return NULL;
}

/* Every hart is in wfi: run device timers and sleep until one has an interrupt pending. */
static void machine_idle(Machine *m)
{
    uint64_t until = dev_clock_now(&m->board->clock) + 10 * 1000 * 1000;
    for (;;) {
        uint64_t kicks = dev_clock_kicks(&m->board->clock);
        dev_clock_run_expired(&m->board->clock);
        for (unsigned hart = 0; hart < m->nr_cpus; hart++) {
            if (m->arch->sys_wake_pending(m->cpus[hart])) {
                return;
            }
        }
        if (m->quit || board_exit_status(m->board, NULL) != BOARD_EXIT_NONE ||
            dev_clock_now(&m->board->clock) >= until) {
            return;
        }
        dev_clock_wait_since(&m->board->clock, until, kicks);
    }
}

/* A hart in wfi, on its own thread: sleep until it has an interrupt pending (or must stop). */
static void machine_idle_hart(Machine *m, unsigned hart)
{
    GuestCpu *cpu = m->cpus[hart];
    while (!m->arch->sys_wake_pending(cpu) && !m->stop_harts && !m->quit &&
           board_exit_status(m->board, NULL) == BOARD_EXIT_NONE) {
        uint64_t kicks = dev_clock_kicks(&m->board->clock);
        if (m->arch->sys_wake_pending(cpu)) {
            break;
        }
        /* Interrupt lines kick the clock; time-based ones (Sstc) need the bounded wait. */
        dev_clock_wait_since(&m->board->clock, dev_clock_now(&m->board->clock) + MACHINE_SLICE_US * 1000ull,
                             kicks);
    }
    m->halted[hart] = false;
}

typedef struct MachineHart {
    Machine *m;
    unsigned hart;
} MachineHart;

static gpointer machine_hart_main(gpointer opaque)
{
    MachineHart *h = opaque;
    Machine *m = h->m;
    GuestCpu *cpu = m->cpus[h->hart];

    while (!m->stop_harts) {
        exec_run(&m->exec, cpu);
        machine_exit(m, h->hart);
        if (m->halted[h->hart]) {
            machine_idle_hart(m, h->hart);
        }
    }
    g_free(h);
    return NULL;
}

static void machine_start_harts(Machine *m)
{
    m->stop_harts = 0;
    for (unsigned hart = 0; hart < m->nr_cpus; hart++) {
        MachineHart *h = g_new0(MachineHart, 1);
        h->m = m;
        h->hart = hart;
        m->hart_threads[hart] = g_thread_new("mimic-hart", machine_hart_main, h);
    }
}

static void machine_stop_harts(Machine *m)
{
    m->stop_harts = 1;
    for (unsigned hart = 0; hart < m->nr_cpus; hart++) {
        __atomic_fetch_or(&m->cpus[hart]->exit_request, GUEST_REQ_STOP, __ATOMIC_SEQ_CST);
    }
    dev_clock_kick(&m->board->clock);
    for (unsigned hart = 0; hart < m->nr_cpus; hart++) {
        g_thread_join(m->hart_threads[hart]);
        m->hart_threads[hart] = NULL;
    }
}

/*
 * Several harts: one host thread each (the exec context is shared and thread-safe; see
 * docs/ARCHITECTURE.md, Threads); this thread waits for the board to power off or reset.
 */
static int machine_loop_threaded(Machine *m)
{
    machine_start_harts(m);
    for (;;) {
        int code = 0;
        uint64_t kicks = dev_clock_kicks(&m->board->clock);
        BoardExit e = board_exit_status(m->board, &code);
        if (e == BOARD_EXIT_POWER_OFF || e == BOARD_EXIT_FAIL || m->quit) {
            machine_stop_harts(m);
            return m->quit ? 0 : code;
        }
        if (e == BOARD_EXIT_RESET) {
            machine_stop_harts(m);
            board_reset(m->board);
            for (unsigned hart = 0; hart < m->nr_cpus; hart++) {
                m->arch->sys_reset(m->cpus[hart]);
                m->halted[hart] = false;
                tlb_flush(m->tlbs[hart]);
                exec_cpu_flush_jmp_cache(m->cpus[hart]);
            }
            exec_flush(&m->exec);
            board_request_exit(m->board, BOARD_EXIT_NONE, 0);
            machine_start_harts(m);
            continue;
        }
        dev_clock_wait_since(&m->board->clock, dev_clock_now(&m->board->clock) + 100ull * 1000 * 1000, kicks);
    }
}

static int machine_loop(Machine *m)
{
    if (m->nr_cpus > 1) {
        return machine_loop_threaded(m);
    }
    for (;;) {
        bool ran = false;
        for (unsigned hart = 0; hart < m->nr_cpus; hart++) {
            GuestCpu *cpu = m->cpus[hart];
            if (m->halted[hart]) {
                if (!m->arch->sys_wake_pending(cpu)) {
                    continue;
                }
                m->halted[hart] = false;
            }
            m->current = (int)hart;
            exec_run(&m->exec, cpu);
            machine_exit(m, hart);
            ran = true;
        }
        int code = 0;
        BoardExit e = board_exit_status(m->board, &code);
        if (e == BOARD_EXIT_POWER_OFF || e == BOARD_EXIT_FAIL) {
            return code;
        }
        if (e == BOARD_EXIT_RESET) {
            board_reset(m->board);
            for (unsigned hart = 0; hart < m->nr_cpus; hart++) {
                m->arch->sys_reset(m->cpus[hart]);
                m->halted[hart] = false;
                tlb_flush(m->tlbs[hart]);
                exec_cpu_flush_jmp_cache(m->cpus[hart]);
            }
            exec_flush(&m->exec);
            board_request_exit(m->board, BOARD_EXIT_NONE, 0);
        }
        if (m->quit) {
            return 0;
        }
        if (!ran) {
            machine_idle(m);
        }
    }
}

/* --- Building --- */

static const char *default_bios(const Board *board)
{
    if (g_strcmp0(board->boot, "fw_dynamic") == 0 || g_strcmp0(board->name, "virt") == 0) {
        return "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin";
    }
    return NULL;
}

int machine_run(const MachineOptions *o, GError **error)
{
    Machine *m = g_new0(Machine, 1);
    BoardOptions bo = {
        .ram_size = o->ram_size, .harts = o->harts, .nr_drives = o->nr_drives,
        .virtio_rng = o->virtio_rng,
    };
    memcpy(bo.drives, o->drives, sizeof(bo.drives));
    if (o->serial_stdio) {
        m->serial = chardev_new_stdio(error);
        if (m->serial == NULL) {
            return -1;
        }
        chardev_set_quit_handler(m->serial, (ChardevQuitFn)machine_quit, m);
        bo.serial = m->serial;
    }
    m->board = board_create(o->board, &bo, error);
    if (m->board == NULL) {
        return -1;
    }
    m->model = machine_cpu_model(m->board->cpu);
    if (m->model == NULL) {
        g_set_error(error, MIMIC_MACHINE_ERROR, 0, "board '%s': unknown cpu '%s'", m->board->name,
                    m->board->cpu);
        return -1;
    }
    m->arch = m->model->arch;
    m->nr_cpus = m->board->harts;
    m->clint = board_find_device(m->board, "clint");

    const char *bios = o->bios ? o->bios : default_bios(m->board);
    if (bios != NULL && g_strcmp0(bios, "none") == 0) {
        bios = NULL;
    }
    if (o->bios == NULL && bios != NULL && !g_file_test(bios, G_FILE_TEST_EXISTS)) {
        g_set_error(error, MIMIC_MACHINE_ERROR, 0, "default firmware %s not found: install "
                    "Debian's opensbi package, or give -bios FILE or -bios none", bios);
        return -1;
    }
    BoardBootConfig bc = {
        .bios = bios, .kernel = o->kernel, .initrd = o->initrd, .dtb = o->dtb, .dump_dtb = o->dump_dtb,
        .fdt = { .isa = m->model->isa, .mmu_type = m->model->mmu_type, .bootargs = o->append },
    };
    BoardBootInfo info;
    if (!board_load(m->board, &bc, &info, error)) {
        return -1;
    }

    ExecMemModel mm = { .base = NULL, .addr_bits = 64, .mem_helpers = &tlb_mem_helpers };
    ExecPlatform platform = {
        .opaque = m, .fetch = machine_fetch, .watch_code_page = machine_watch,
        .unwatch_code_page = machine_unwatch, .code_paddr = machine_code_paddr,
    };
    if (!exec_init(&m->exec, m->arch, &o->exec, &mm, &platform, error)) {
        return -1;
    }
    for (unsigned hart = 0; hart < m->nr_cpus; hart++) {
        GuestCpu *cpu = guest_cpu_new(m->arch);
        m->tlbs[hart] = g_new0(TlbState, 1);
        tlb_init(m->tlbs[hart], m->arch, &m->board->mem);
        m->tlbs[hart]->code_write = machine_code_write;
        m->tlbs[hart]->code_opaque = m;
        cpu->tlb = m->tlbs[hart];
        m->model->init(cpu, hart, info.reset_pc, &m->board->mem, machine_read_time, m);
        exec_cpu_register(&m->exec, cpu);
        m->cpus[hart] = cpu;
    }
    board_set_cpu_irq_handler(m->board, machine_cpu_irq, m);
    if (o->gdb != NULL) {
        m->gdb = (MachineGdb){ .x = &m->exec, .cpus = m->cpus, .nr_cpus = m->nr_cpus, .as = &m->board->mem };
        if (!machine_gdb_start(&m->gdb, o->gdb, o->gdb_wait, error)) {
            return -1;
        }
    }
    dev_clock_start_thread(&m->board->clock);
    m->kicker = g_thread_new("mimic-kick", machine_kicker, m);
    int status = machine_loop(m);
    if (m->kicker != NULL) {
        m->stop_kicks = 1;
        g_thread_join(m->kicker);
    }
    exec_at_exit(&m->exec);
    exec_debug_ended(&m->exec, false, status);
    return status;
}
