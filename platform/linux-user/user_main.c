/*
 * Linux user mode entry point and exec-loop glue: load the program, build the
 * process, then loop { exec_run(); handle the exit } until the guest exits.
 *
 * Also owns the host SIGSEGV/SIGBUS handler, which sorts a host fault into
 *   (a) a guest store to a page holding translated code (watched, host read-only):
 *       make it writable, note it dirty, ask the loop to invalidate, retry the store;
 *   (b) a guest access fault (inside the guest range, raised by generated code or an
 *       interpreter/helper access): unwind to exec_run() as GUEST_EXIT_MEM_FAULT;
 *   (c) a mimic bug: say so in one line and die with the signal.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <ucontext.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

UserProc *user_proc;

/* The last unwound fault of this thread was a SIGBUS (file mapping beyond EOF), not a SIGSEGV. */
static __thread volatile sig_atomic_t fault_was_bus;

const UserArchAbi *user_abi_for_arch(const GuestArch *arch)
{
    static const UserArchAbi *const abis[] = { &user_abi_riscv64, &user_abi_ppc32, &user_abi_i386,
                                                &user_abi_x86_64 };
    for (size_t i = 0; i < G_N_ELEMENTS(abis); i++) {
        if (abis[i]->elf_machine == arch->elf_machine && abis[i]->word_size == arch->word_size) {
            return abis[i];
        }
    }
    return NULL;
}

/* --- ExecPlatform callbacks --- */

extern bool user_probe_copy(void *dst, const void *src, size_t len);
extern const char user_probe_copy_start[], user_probe_copy_end[], user_probe_copy_fault[];

static bool user_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    UserProc *p = opaque;
    if (!user_mem_check(&p->mem, addr, len, PROT_EXEC)) {
        return false;
    }
    /* Another thread may unmap the code between the check and the copy: a fault is a fetch fault. */
    return user_probe_copy(buf, user_g2h(&p->mem, addr), len);
}

static bool user_read(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    UserProc *p = opaque;
    return user_copy_from(&p->mem, buf, addr, len) == 0;
}

static void user_watch_code_page(void *opaque, GuestAddr page)
{
    UserProc *p = opaque;
    user_mem_watch(&p->mem, page);
}

static void user_unwatch_code_page(void *opaque, GuestAddr page)
{
    UserProc *p = opaque;
    user_mem_unwatch(&p->mem, page);
}

void user_invalidate(UserProc *p, GuestAddr addr, uint64_t len)
{
    if (p->exec_ready && len) {
        exec_invalidate_range(&p->exec, addr & USER_PAGE_MASK,
                              USER_PAGE_ALIGN(addr + len) - (addr & USER_PAGE_MASK));
    }
}

void user_flush_dirty(UserProc *p)
{
    UserMem *m = &p->mem;
    GuestAddr page;
    bool overflow = false;

    __atomic_fetch_and(&user_self->cpu->exit_request, ~GUEST_REQ_CODE_DIRTY, __ATOMIC_SEQ_CST);
    while (user_mem_pop_dirty(m, &page, &overflow)) {
        user_invalidate(p, page, USER_PAGE_SIZE);
    }
    if (overflow && p->exec_ready) {
        exec_flush(&p->exec);
    }
}

/* --- Host fault handler --- */

static void fault_message(const char *what, int sig, uintptr_t pc, uintptr_t addr)
{
    char buf[160];
    int n = snprintf(buf, sizeof(buf), "mimic: %s: host signal %d at pc 0x%lx, address 0x%lx\n",
                     what, sig, (unsigned long)pc, (unsigned long)addr);
    if (n > 0) {
        ssize_t ignored = write(2, buf, MIN((size_t)n, sizeof(buf) - 1));
        (void)ignored;
    }
}

static void host_fault_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    UserProc *p = user_proc;
    uintptr_t pc = uc->uc_mcontext.gregs[REG_RIP];
    uintptr_t addr = (uintptr_t)si->si_addr;

    UserThread *t = user_self;

    if (si->si_code > 0 && pc >= (uintptr_t)user_probe_copy_start && pc < (uintptr_t)user_probe_copy_end) {
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)user_probe_copy_fault;
        return;
    }
    if (si->si_code <= 0) {
        /* Sent by kill/tgkill/sigqueue, not a fault: an ordinary guest signal. */
        if (t != NULL) {
            user_siginfo_from_host(t->proc, &t->sig.info[sig], si);
            __atomic_fetch_or(&t->sig.pending, (uint64_t)1 << (sig - 1), __ATOMIC_SEQ_CST);
            __atomic_fetch_or(&t->cpu->exit_request, GUEST_REQ_SIGNAL, __ATOMIC_SEQ_CST);
            user_safe_syscall_rewind(uc);
        }
        return;
    }
    if (p && addr >= (uintptr_t)p->mem.base - USER_GUARD_SIZE &&
        addr - ((uintptr_t)p->mem.base - USER_GUARD_SIZE) < p->mem.size + 2 * USER_GUARD_SIZE) {
        /* In the guard below the range (base + a negative displacement) this wraps: a huge address. */
        GuestAddr gaddr = addr - (uintptr_t)p->mem.base;
        bool write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
        if (sig == SIGSEGV && write && gaddr < p->mem.size &&
            user_mem_write_fault(&p->mem, gaddr & USER_PAGE_MASK)) {
            /* A store to a page holding translated code: invalidate before running on. */
            if (t != NULL) {
                __atomic_fetch_or(&t->cpu->exit_request, GUEST_REQ_CODE_DIRTY, __ATOMIC_SEQ_CST);
            }
            return;
        }
        if (t != NULL && exec_thread.unwind != NULL &&
            (exec_thread.in_guest_access ||
             (p->exec_ready && exec_host_pc_to_guest(&p->exec, pc, uc, t->cpu)))) {
            exec_thread.in_guest_access = 0;
            fault_was_bus = sig == SIGBUS;
            /*
             * The handler runs with the kernel's fresh FP state and leaves by longjmp, not
             * sigreturn: put back the interrupted code's MXCSR, where guests keep FP flags
             * (frontend/x86/mxcsr.c).
             */
            if (uc->uc_mcontext.fpregs != NULL) {
                uint32_t mxcsr = uc->uc_mcontext.fpregs->mxcsr;
                __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
            }
            exec_fault_unwind(pc, GUEST_EXIT_MEM_FAULT,
                              write ? GUEST_ACCESS_WRITE : GUEST_ACCESS_READ, gaddr);
        }
    }
    fault_message("internal error", sig, pc, addr);
    exec_trace_end(EXEC_TRACE_END_INTERNAL, 0, NULL);
    signal(sig, SIG_DFL);
}

static void install_fault_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = host_fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* Host handlers run on a stack of their own: a guest stack overflow must still be seen. */
#define USER_HOST_ALTSTACK (256u * 1024)

void user_thread_host_setup(UserThread *t)
{
    if (t->host_altstack == NULL) {
        t->host_altstack = g_malloc(USER_HOST_ALTSTACK);
    }
    stack_t ss = { .ss_sp = t->host_altstack, .ss_size = USER_HOST_ALTSTACK, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
}

/* --- The exec loop --- */

static void raise_fault(UserProc *p, GuestCpu *cpu)
{
    GuestAddr addr = cpu->exit_aux;
    if (fault_was_bus) {
        fault_was_bus = 0;
        user_signal_raise_sync(p, SIGBUS, BUS_ADRERR, addr);
        return;
    }
    bool mapped = user_mem_page_prot(&p->mem, addr) & USER_PAGE_MAPPED;
    user_signal_raise_sync(p, SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, addr);
}

G_NORETURN void user_loop(UserProc *p, UserThread *t)
{
    GuestCpu *cpu = t->cpu;
    for (;;) {
        exec_run(&p->exec, cpu);
        switch ((GuestExitKind)cpu->exit_kind) {
        case GUEST_EXIT_NONE:
        case GUEST_EXIT_INTERRUPT:
        case GUEST_EXIT_SYNC_CODE:
            break;
        case GUEST_EXIT_SYSCALL:
            user_syscall(p);     /* exit and exit_group end the thread there */
            break;
        case GUEST_EXIT_ILLEGAL:
            if (p->abi->emulate_illegal && p->abi->emulate_illegal(p, cpu)) {
                break;
            }
            user_signal_raise_sync(p, SIGILL, ILL_ILLOPC, cpu->pc);
            break;
        case GUEST_EXIT_EXCEPTION:
            if (p->abi->raise_exception) {
                p->abi->raise_exception(p, cpu);
                break;
            }
            /* fall through */
        case GUEST_EXIT_HALT:
            /* wfi and other privileged instructions are illegal in user mode. */
            user_signal_raise_sync(p, SIGILL, ILL_ILLOPC, cpu->pc);
            break;
        case GUEST_EXIT_BREAKPOINT:
            user_signal_raise_sync(p, SIGTRAP, TRAP_BRKPT, cpu->pc);
            break;
        case GUEST_EXIT_DEBUG:
            exec_debug_stop(&p->exec, cpu, (ExecStopKind)cpu->exit_code, 0);
            break;
        case GUEST_EXIT_MEM_FAULT:
        case GUEST_EXIT_FETCH_FAULT:
            raise_fault(p, cpu);
            break;
        case GUEST_EXIT_MISALIGNED:
            user_signal_raise_sync(p, SIGBUS, BUS_ADRALN, cpu->exit_aux);
            break;
        case GUEST_EXIT_FPE:
            /* aux: the POSIX si_code when the frontend knows it (x86 #MF/#XM), else 0 */
            user_signal_raise_sync(p, SIGFPE, cpu->exit_aux ? (int)cpu->exit_aux : FPE_INTDIV, cpu->pc);
            break;
        case GUEST_EXIT_SYNC_MODE:
        case GUEST_EXIT_TLB_FLUSH:
        case GUEST_EXIT_COUNT:
            /* System-mode exits: user-mode lifting never produces them. */
            g_assert_not_reached();
        }
        uint32_t req = cpu->exit_request;
        if ((req & GUEST_REQ_CODE_DIRTY) || __atomic_load_n(&p->mem.n_dirty, __ATOMIC_ACQUIRE) ||
            __atomic_load_n(&p->mem.dirty_overflow, __ATOMIC_ACQUIRE)) {
            user_flush_dirty(p);
        }
        if (req & GUEST_REQ_STOP) {
            /* The debugger wants this thread stopped (held, or after a watchpoint hit). */
            __atomic_fetch_and(&cpu->exit_request, ~GUEST_REQ_STOP, __ATOMIC_SEQ_CST);
            exec_debug_stop(&p->exec, cpu, EXEC_STOP_REQUEST, 0);
        }
        if ((req & GUEST_REQ_SIGNAL) || user_signal_pending(p)) {
            user_signal_deliver(p);
        }
    }
}

/* --- Loading --- */

/* Read a whole file; false + "'name': reason". */
static bool read_file(const char *name, const char *path, uint8_t **data, size_t *len,
                      GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        g_set_error(error, USER_ERROR, 0, "'%s': %s", name, g_strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : EACCES;
        g_set_error(error, USER_ERROR, 0, "'%s': %s", name, g_strerror(e));
        close(fd);
        return false;
    }
    uint8_t *buf = g_try_malloc(st.st_size ? st.st_size : 1);
    if (!buf) {
        g_set_error(error, USER_ERROR, 0, "'%s': file too large", name);
        close(fd);
        return false;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, st.st_size - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += n;
    }
    close(fd);
    *data = buf;
    *len = got;
    return true;
}

static char *choose_sysroot(const UserOptions *opts, const UserArchAbi *abi)
{
    const char *s = opts->sysroot;
    if (!s || !*s) {
        s = g_getenv("MIMIC_LD_PREFIX");
    }
    if ((!s || !*s) && abi->default_sysroot && g_file_test(abi->default_sysroot, G_FILE_TEST_IS_DIR)) {
        s = abi->default_sysroot;
    }
    if (!s || !*s) {
        return NULL;
    }
    char *real = realpath(s, NULL);
    if (real) {
        char *r = g_strdup(real);
        free(real);
        return r;
    }
    return g_strdup(s);
}

static bool map_sigreturn_page(UserProc *p, GError **error)
{
    UserMem *m = &p->mem;
    GuestAddr page = user_mem_find_free(m, USER_PAGE_SIZE, 0, 0);
    if (page == 0 || user_mem_map(m, page, USER_PAGE_SIZE, PROT_READ | PROT_WRITE, USER_VMA_ANON,
                                  MAP_PRIVATE, -1, 0, "[vdso]") < 0) {
        g_set_error(error, USER_ERROR, 0, "cannot map the signal trampoline");
        return false;
    }
    memcpy(user_g2h(m, page), p->abi->sigreturn_code, p->abi->sigreturn_len);
    user_mem_protect(m, page, USER_PAGE_SIZE, PROT_READ | PROT_EXEC);
    p->sigreturn_tramp = page;
    return true;
}

int user_run(const char *path, int argc, char **argv, char **envp, const UserOptions *opts,
             GError **error)
{
    g_autofree uint8_t *data = NULL;
    g_autofree uint8_t *idata = NULL;
    size_t len = 0, ilen = 0;
    uint16_t machine;
    unsigned elf_class;

    if (!read_file(path, path, &data, &len, error)) {
        return -1;
    }
    if (!user_elf_identify(path, data, len, &machine, &elf_class, error)) {
        return -1;
    }
    const GuestArch *arch = guest_arch_by_elf(machine);
    const UserArchAbi *abi = arch ? user_abi_for_arch(arch) : NULL;
    if (!abi) {
        g_set_error(error, USER_ERROR, 0, "'%s': ELF for %s (machine %u) is not supported by "
                    "this build", path, guest_elf_machine_name(machine), machine);
        return -1;
    }

    /*
     * --stack-top=qemu: qemu-user 7.2 maps its 8 MiB stack (and a guard page below it) at
     * its first free address, TASK_UNMAPPED_BASE: 1 << 38 for 64-bit guests, 1 << 30 for
     * 32-bit ones.  Only a 64-bit guest's range can grow to hold a stack above it.
     */
    uint64_t stack_top = opts->stack_top;
    if (stack_top == USER_STACK_TOP_QEMU) {
        stack_top = (abi->addr_bits > 32 ? UINT64_C(1) << 38 : UINT64_C(1) << 30) + (8u << 20) + 4096;
    }
    if (abi->addr_bits <= 32 && stack_top > ((uint64_t)1 << abi->addr_bits)) {
        g_set_error(error, USER_ERROR, 0, "--stack-top 0x%" PRIx64 " is outside the %u-bit guest's address space",
                    stack_top, abi->addr_bits);
        return -1;
    }

    UserProc *p = g_new0(UserProc, 1);
    g_mutex_init(&p->sig_lock);
    g_mutex_init(&p->threads_lock);
    p->threads = g_ptr_array_new();
    p->arch = arch;
    p->abi = abi;
    p->opts = *opts;
    p->opts.stack_top = stack_top;
    p->sysroot = choose_sysroot(opts, abi);
    p->guest_path = g_strdup(path);
    char *real = realpath(path, NULL);
    p->exe_path = g_strdup(real ? real : path);
    free(real);

    /* A 64-bit guest's stack placed above the usual range widens the range to hold it. */
    unsigned addr_bits = abi->addr_bits;
    while (p->opts.stack_top != 0 && addr_bits < 47 && p->opts.stack_top > ((uint64_t)1 << addr_bits)) {
        addr_bits++;
    }
    if (!user_mem_init(&p->mem, addr_bits, error)) {
        return -1;
    }
    p->mem.mmap_min = abi->mmap_min;
    p->mem.mmap_top = abi->mmap_top;

    UserElfImage exe, interp;
    memset(&interp, 0, sizeof(interp));
    if (!user_elf_load(&p->mem, abi, path, data, len, false, &exe, error)) {
        goto fail;
    }
    if (exe.interp) {
        g_autofree char *ipath = user_path_redirect(p->sysroot, exe.interp);
        if (access(ipath, F_OK) != 0) {
            g_set_error(error, USER_ERROR, 0, "'%s': interpreter %s not found (use -L DIR or "
                        "MIMIC_LD_PREFIX to give the guest sysroot)", path, exe.interp);
            goto fail;
        }
        if (!read_file(ipath, ipath, &idata, &ilen, error) ||
            !user_elf_load(&p->mem, abi, ipath, idata, ilen, true, &interp, error)) {
            g_prefix_error(error, "'%s': interpreter: ", path);
            goto fail;
        }
    }
    p->mem.brk_start = USER_PAGE_ALIGN(exe.end);
    p->mem.brk = p->mem.brk_start;
    p->mem.brk_mapped = p->mem.brk_start;

    if (!map_sigreturn_page(p, error)) {
        goto fail;
    }
    uint8_t random16[16];
    if (p->opts.has_seed) {
        p->seeded_random = g_rand_new_with_seed_array((const guint32 *)&p->opts.seed, 2);
        user_fill_random(p, random16, sizeof(random16));
    } else if (getrandom(random16, sizeof(random16), 0) != sizeof(random16)) {
        for (int i = 0; i < 16; i++) {
            random16[i] = g_random_int();
        }
    }
    UserStackInfo si = {
        .exe = &exe,
        .interp_base = exe.interp ? interp.load_bias : 0,
        .execfn = path,
        .random16 = random16,
        .uid = getuid(), .euid = geteuid(), .gid = getgid(), .egid = getegid(),
        .secure = false,
    };
    UserArchAbi stack_abi = *abi;
    if (p->opts.stack_top != 0) {
        stack_abi.stack_top = p->opts.stack_top & USER_PAGE_MASK;
    }
    GuestAddr sp = user_stack_setup(&p->mem, &stack_abi, argc, argv, envp, &si, error);
    if (sp == 0) {
        goto fail;
    }

    p->initial_sp = sp;
    GuestCpu *cpu = guest_cpu_new(arch);
    cpu->mem_base = p->mem.base;
    abi->start(cpu, exe.interp ? interp.entry : exe.entry, sp);

    ExecMemModel mem = { .base = p->mem.base, .addr_bits = p->mem.addr_bits, .guard_size = USER_GUARD_SIZE,
                         .page_prot = p->mem.page_prot, .page_prot_write = PROT_WRITE };
    ExecPlatform platform = {
        .opaque = p,
        .fetch = user_fetch,
        .read = user_read,
        .watch_code_page = user_watch_code_page,
        .unwatch_code_page = user_unwatch_code_page,
    };
    ExecOptions eo = opts->exec;
    if (!eo.trace_file) {
        eo.trace_file = stderr;
    }
    if (!exec_init(&p->exec, arch, &eo, &mem, &platform, error)) {
        goto fail;
    }
    p->exec_ready = true;
    if (p->exec.trace_any) {
        /* Symbols for traces; libraries follow as ld.so maps them (user_sys_mem.c). */
        exec_sym_add_image(&p->exec, p->exe_path, data, len, exe.load_bias);
        if (exe.interp) {
            g_autofree char *ipath = user_path_redirect(p->sysroot, exe.interp);
            exec_sym_add_image(&p->exec, ipath, idata, ilen, interp.load_bias);
        }
    }
    g_free(exe.interp);

    user_proc = p;
    install_fault_handlers();
    user_signal_init(p);
    g_clear_pointer(&data, g_free);
    g_clear_pointer(&idata, g_free);
    user_thread_run_leader(p, cpu);

fail:
    g_free(exe.interp);
    g_free(interp.interp);
    user_mem_fini(&p->mem);
    g_free(p->sysroot);
    g_free(p->guest_path);
    g_free(p->exe_path);
    g_free(p);
    return -1;
}

/* --- execve --- */

static char *self_exe(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) {
        return NULL;
    }
    buf[n] = 0;
    return g_strdup(buf);
}

/* Is the file at path an ELF this build runs as a guest? */
/* Whether an exec'd ELF runs under mimic.  Guest ELFs do; the host's own x86-64 programs
 * (the /bin/sh a riscv64 or i386 program spawns) run natively, except when the guest is
 * x86-64 itself: then they are its own code, and traces, --seed and the address-space
 * layout must carry over to them as to every other guest. */
static bool is_guest_elf(const UserProc *p, const uint8_t *head, size_t n)
{
    uint16_t machine;
    unsigned elf_class;
    if (!user_elf_identify("", head, n, &machine, &elf_class, NULL)) {
        return false;
    }
    const GuestArch *arch = guest_arch_by_elf(machine);
    if (!arch || !user_abi_for_arch(arch)) {
        return false;
    }
    return machine != EM_X86_64 || p->arch->elf_machine == EM_X86_64;
}

static ssize_t read_head(const char *path, uint8_t *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    ssize_t n = read(fd, buf, size);
    int e = errno;
    close(fd);
    return n < 0 ? -e : n;
}

static int64_t exec_under_mimic(UserProc *p, const char *prog, const char *argv0, char **args,
                                char **envp)
{
    g_autofree char *self = self_exe();
    if (!self) {
        return -ENOEXEC;
    }
    GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(v, g_strdup(self));
    g_ptr_array_add(v, g_strdup("run"));
    if (p->opts.exec.engine) {
        g_ptr_array_add(v, g_strdup_printf("--engine=%s", p->opts.exec.engine));
    }
    if (p->sysroot) {
        g_ptr_array_add(v, g_strdup_printf("--sysroot=%s", p->sysroot));
    }
    if (p->opts.exec.max_block_insns) {
        g_ptr_array_add(v, g_strdup_printf("--max-block-insns=%u", p->opts.exec.max_block_insns));
    }
    if (p->opts.exec.code_cache_size) {
        g_ptr_array_add(v, g_strdup_printf("--code-cache=%zu", p->opts.exec.code_cache_size >> 20));
    }
    if (p->opts.has_seed) {
        g_ptr_array_add(v, g_strdup_printf("--seed=%" G_GUINT64_FORMAT, p->opts.seed));
    }
    if (p->opts.exec.no_opt) {
        g_ptr_array_add(v, g_strdup("--no-opt"));
    }
    g_ptr_array_add(v, g_strdup_printf("--argv0=%s", argv0));
    g_ptr_array_add(v, g_strdup("--"));
    g_ptr_array_add(v, g_strdup(prog));
    for (int i = 0; args && args[i]; i++) {
        g_ptr_array_add(v, g_strdup(args[i]));
    }
    g_ptr_array_add(v, NULL);
    fflush(NULL);
    exec_trace_flush();     /* the new program is not traced: keep what this one wrote */
    execve(self, (char **)v->pdata, envp);
    int64_t r = user_errno();
    g_ptr_array_free(v, TRUE);
    return r;
}

int64_t user_execve(UserProc *p, const char *gpath, char **argv, char **envp)
{
    g_autofree char *path = user_path_is_proc_self_exe(gpath) ? g_strdup(p->exe_path)
                                                                : user_path_redirect(p->sysroot, gpath);
    uint8_t head[256];
    ssize_t n = read_head(path, head, sizeof(head));
    if (n < 0) {
        return n;
    }
    if (access(path, X_OK) != 0) {
        return user_errno();
    }
    const char *argv0 = argv[0] ? argv[0] : "";
    if (is_guest_elf(p, head, n)) {
        return exec_under_mimic(p, path, argv0, argv[0] ? argv + 1 : argv, envp);
    }
    if (n > 2 && head[0] == '#' && head[1] == '!') {
        /* binfmt_script: "#!interp [one arg]" -> interp [arg] path argv[1..] */
        g_autofree char *line = g_strndup((const char *)head + 2, n - 2);
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = 0;
        }
        g_strstrip(line);
        char *arg = line + strcspn(line, " \t");
        if (*arg) {
            *arg++ = 0;
            arg = g_strstrip(arg);
        }
        g_autofree char *interp = user_path_redirect(p->sysroot, line);
        uint8_t ihead[256];
        ssize_t in = read_head(interp, ihead, sizeof(ihead));
        if (in > 0 && is_guest_elf(p, ihead, in)) {
            GPtrArray *args = g_ptr_array_new();
            if (*arg) {
                g_ptr_array_add(args, arg);
            }
            g_ptr_array_add(args, (char *)gpath);
            for (int i = 1; argv[0] && argv[i]; i++) {
                g_ptr_array_add(args, argv[i]);
            }
            g_ptr_array_add(args, NULL);
            int64_t r = exec_under_mimic(p, interp, line, (char **)args->pdata, envp);
            g_ptr_array_free(args, TRUE);
            return r;
        }
    }
    /* A host program (or a script for a host interpreter): run it natively. */
    fflush(NULL);
    exec_trace_flush();
    execve(path, argv, envp);
    return user_errno();
}
