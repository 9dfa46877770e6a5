/*
 * Syscall dispatch.  Guest syscall numbers are mapped to the asm-generic
 * numbering (syscall_nr.def); each group file (user_sys_file.c, user_sys_mem.c,
 * ...) exports rows that either name a handler or describe a pass-through to the
 * host syscall with per-argument conversions.  The dispatch array is built once
 * from those rows.  Unknown syscalls return -ENOSYS and are reported once.
 *
 * Guest pointers handed to the kernel are translated to base + address after a
 * range check; the kernel itself then reports EFAULT for unmapped pages, since
 * the unmapped guest range is PROT_NONE reservation and past its end lies an
 * unmapped guard gap (USER_GUARD_SIZE) covering any fixed-size struct.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

static const char *const generic_names[USER_NR_MAX] = {
#define USER_NR(nr, name) [nr] = #name,
#include "platform/linux-user/syscall_nr.def"
#undef USER_NR
};

static const UserSyscallRow *dispatch[USER_NR_MAX];
/* Rows left out because their structs are in the host layout and this ABI's are not. */
static bool refused_layout[USER_NR_MAX];
static const UserArchAbi *dispatch_abi;
static uint8_t warned[USER_NR_MAX / 8 + 1];
static int strace_level = -1;

const char *user_syscall_name(int nr)
{
    if (nr >= 0 && nr < USER_NR_MAX && generic_names[nr]) {
        return generic_names[nr];
    }
    return "?";
}

/*
 * The ABI's own rows first, then the shared ones it does not replace.  A shared row
 * flagged USER_SYS_LAYOUT64 is kept only for ABIs whose structs are the host's, so
 * the host kernel never writes a host-layout struct into a guest of another layout.
 */
static void build_dispatch(const UserArchAbi *abi)
{
    const UserSyscallRow *const groups[] = {
        user_sys_file_rows, user_sys_mem_rows, user_sys_proc_rows,
        user_sys_signal_rows, user_sys_net_rows, user_sys_misc_rows, user_sys_thread_rows,
        user_sys_ipc_rows,
    };
    static bool own[USER_NR_MAX];
    memset(dispatch, 0, sizeof(dispatch));
    memset(refused_layout, 0, sizeof(refused_layout));
    memset(own, 0, sizeof(own));
    for (size_t t = 0; abi->rows && abi->rows[t]; t++) {
        for (const UserSyscallRow *r = abi->rows[t]; r->nr >= 0; r++) {
            g_assert(r->nr < USER_NR_MAX);
            g_assert(dispatch[r->nr] == NULL);
            g_assert(r->fn || r->args);
            dispatch[r->nr] = r;
            own[r->nr] = true;
        }
    }
    for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
        for (const UserSyscallRow *r = groups[g]; r->nr >= 0; r++) {
            g_assert(r->nr < USER_NR_MAX);
            g_assert(r->fn || r->args);
            if (own[r->nr]) {
                continue;
            }
            g_assert(dispatch[r->nr] == NULL);     /* one shared row per syscall */
            if ((r->flags & USER_SYS_LAYOUT64) && !abi->layout_generic64) {
                refused_layout[r->nr] = true;
                continue;
            }
            dispatch[r->nr] = r;
        }
    }
    __atomic_store_n(&dispatch_abi, abi, __ATOMIC_RELEASE);
}

/* --- Argument conversion --- */

int user_arg_ptr(UserProc *p, GuestAddr addr, uint64_t len, void **out)
{
    if (addr == 0) {
        *out = NULL;
        return 0;
    }
    if (!user_mem_in_range(&p->mem, addr, len)) {
        return -EFAULT;
    }
    *out = user_g2h(&p->mem, addr);
    return 0;
}

int user_arg_wbuf(UserProc *p, GuestAddr addr, uint64_t len, void **out)
{
    int r = user_arg_ptr(p, addr, len, out);
    if (r == 0 && addr) {
        user_mem_unwatch_range_dirty(&p->mem, addr, len);
    }
    return r;
}

char *user_arg_path(UserProc *p, GuestAddr addr, int *err)
{
    g_autofree char *path = user_strdup(&p->mem, addr, PATH_MAX, err);
    if (!path) {
        return NULL;
    }
    if (user_path_is_proc_self_exe(path) && p->exe_path) {
        return g_strdup(p->exe_path);
    }
    return user_path_redirect(p->sysroot, path);
}

/* Larger than any fixed-size struct a pass-through row lets the kernel write ('p'). */
#define USER_SMALL_STRUCT_MAX 256

/* The row's host syscall on converted arguments: result or -errno. */
static int64_t host_call(UserProc *p, const UserSyscallRow *row, const long h[6])
{
    if (row->flags & (USER_SYS_RESTART | USER_SYS_BLOCKING)) {
        return user_safe_syscall(p, row->host_nr, h[0], h[1], h[2], h[3], h[4], h[5]);
    }
    return user_ret(syscall(row->host_nr, h[0], h[1], h[2], h[3], h[4], h[5]));
}

static int64_t pass_through(UserProc *p, const UserSyscallRow *row, const uint64_t a[6])
{
    long h[6] = { 0 };
    char *strings[6] = { NULL };
    int64_t ret = 0;
    size_t n = strlen(row->args);
    g_assert(n <= 6);
    for (size_t i = 0; i < n; i++) {
        void *ptr = NULL;
        int err = 0;
        switch (row->args[i]) {
        case 'i':
            h[i] = a[i];
            continue;
        case 'p':
            err = user_arg_ptr(p, a[i], 1, &ptr);
            /*
             * The kernel may write a small struct there.  A watched code page is read-only
             * on the host and the write would fail with EFAULT; retrying the call after
             * that would repeat calls that must happen once (accept4, wait4, a read from a
             * pipe), so such pages are unwatched before the call instead.
             */
            if (err == 0 && a[i]) {
                user_mem_unwatch_range_dirty(&p->mem, a[i], USER_SMALL_STRUCT_MAX);
            }
            break;
        case 'r':
            g_assert(i + 1 < n);
            err = user_arg_ptr(p, a[i], a[i + 1], &ptr);
            break;
        case 'w':
            g_assert(i + 1 < n);
            err = user_arg_wbuf(p, a[i], a[i + 1], &ptr);
            break;
        case 's':
            if (a[i]) {
                ptr = strings[i] = user_arg_path(p, a[i], &err);
            }
            break;
        case 'c':
            if (a[i]) {
                ptr = strings[i] = user_strdup(&p->mem, a[i], PATH_MAX, &err);
            }
            break;
        default:
            g_assert_not_reached();
        }
        if (err) {
            ret = err;
            goto out;
        }
        h[i] = (long)ptr;
    }
    ret = host_call(p, row, h);
out:
    for (size_t i = 0; i < 6; i++) {
        g_free(strings[i]);
    }
    return ret;
}

static void strace_print(UserProc *p, int nr, const uint64_t a[6], int64_t ret)
{
    fprintf(stderr, "mimic-strace: %s(0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x, 0x%"
            G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x) = %" G_GINT64_FORMAT "\n",
            user_syscall_name(nr), a[0], a[1], a[2], a[3], ret);
}

/* "syscall <nr> <name>(args) = <result> #step" after the ecall's insn line (docs/TRACE.md). */
static void trace_syscall(UserProc *p, GuestCpu *cpu, uint64_t nr, int generic, const uint64_t a[6],
                          int64_t ret)
{
    uint64_t step = exec_trace_step(cpu);
    step = step ? step - 1 : 0;
    if (!exec_trace_window(&p->exec, step)) {
        return;
    }
    const char *name = generic >= 0 ? user_syscall_name(generic) : "?";
    if (ret == USER_SYSRET_NORETURN) {
        exec_trace_printf("syscall %" G_GUINT64_FORMAT " %s(0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                          "x, 0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                          "x, 0x%" G_GINT64_MODIFIER "x) #%" G_GUINT64_FORMAT "\n",
                          nr, name, a[0], a[1], a[2], a[3], a[4], a[5], step);
        return;
    }
    exec_trace_printf("syscall %" G_GUINT64_FORMAT " %s(0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                      "x, 0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                      "x, 0x%" G_GINT64_MODIFIER "x) = %" G_GINT64_FORMAT " #%" G_GUINT64_FORMAT "\n",
                      nr, name, a[0], a[1], a[2], a[3], a[4], a[5], ret, step);
}

int64_t user_syscall_generic(UserProc *p, int nr, const uint64_t a[6], uint32_t *row_flags)
{
    if (__atomic_load_n(&dispatch_abi, __ATOMIC_ACQUIRE) != p->abi) {
        /* Built by the first thread's first syscall, before any clone. */
        build_dispatch(p->abi);
    }
    *row_flags = 0;
    const UserSyscallRow *row = (nr >= 0 && nr < USER_NR_MAX) ? dispatch[nr] : NULL;
    if (!row) {
        if (nr >= 0 && nr < USER_NR_MAX && !(warned[nr / 8] & (1u << (nr % 8)))) {
            warned[nr / 8] |= 1u << (nr % 8);
            if (refused_layout[nr]) {
                fprintf(stderr, "mimic: unsupported syscall %d (%s): its structs are not "
                        "converted for %s\n", nr, user_syscall_name(nr), p->abi->name);
            } else {
                fprintf(stderr, "mimic: unsupported syscall %d (%s)\n", nr,
                        user_syscall_name(nr));
            }
        }
        return -ENOSYS;
    }
    *row_flags = row->flags;
    return row->fn ? row->fn(p, a) : pass_through(p, row, a);
}

void user_syscall(UserProc *p)
{
    const UserArchAbi *abi = p->abi;
    GuestCpu *cpu = user_self->cpu;
    uint64_t nr, a[6];
    int64_t ret;
    uint32_t flags = 0;
    int generic = -1;

    if (strace_level < 0) {
        strace_level = g_getenv("MIMIC_STRACE") != NULL;
    }
    if (cpu->exit_request & GUEST_REQ_SIGNAL) {
        /*
         * A signal arrived while the guest ran up to this syscall.  As on Linux, its
         * handler runs first and the guest then issues the syscall again (pc stays on
         * the syscall instruction).  The flag is cleared before looking, so a signal
         * arriving after the look sets it again for user_safe_syscall to see.
         */
        __atomic_fetch_and(&cpu->exit_request, ~GUEST_REQ_SIGNAL, __ATOMIC_SEQ_CST);
        if (user_signal_pending(p)) {
            return;
        }
    }
    abi->get_syscall(cpu, &nr, a);
    if (p->exec.trace_flush_often) {
        /* Trace lines on the terminal or stderr come before the output this syscall may write. */
        exec_trace_flush();
    }
    if (abi->arch_syscall && abi->arch_syscall(p, nr, a, &ret)) {
        /* handled */
    } else {
        if (abi->map_syscall) {
            generic = abi->map_syscall(nr, a);
        } else if (abi->nr_to_generic) {
            generic = nr < abi->n_nr ? abi->nr_to_generic[nr] : -1;
        } else {
            generic = nr < USER_NR_MAX ? (int)nr : -1;
        }
        if (generic < 0) {
            if (nr < USER_NR_MAX && !(warned[nr / 8] & (1u << (nr % 8)))) {
                warned[nr / 8] |= 1u << (nr % 8);
                fprintf(stderr, "mimic: unsupported syscall %" G_GUINT64_FORMAT " (%s)\n", nr,
                        abi->arch_syscall_name && abi->arch_syscall_name(nr) ?
                        abi->arch_syscall_name(nr) : "?");
            }
            ret = -ENOSYS;
        } else {
            ret = user_syscall_generic(p, generic, a, &flags);
        }
    }
    if (strace_level > 0) {
        strace_print(p, generic, a, ret);
    }
    if ((p->exec.opts.trace & (EXEC_TRACE_INSN | EXEC_TRACE_REGS)) && exec_trace_shows(&p->exec, cpu->pc)) {
        trace_syscall(p, cpu, nr, generic, a, ret);
    }
    if (ret == USER_SYSRET_NORETURN || ret == USER_SYSRET_RESTART) {
        return;     /* registers already set, or pc left on the syscall to run it again */
    }
    if (ret == -EINTR && (flags & USER_SYS_RESTART)) {
        /*
         * -ERESTARTSYS: restart unless a handler without SA_RESTART runs.  Restarting
         * means leaving pc on the syscall instruction with its arguments intact.
         */
        int sig = user_signal_next(p);
        bool handler = sig && p->sigaction[sig].handler > USER_SIG_IGN;
        if (!handler || (p->sigaction[sig].flags & 0x10000000u)) {
            return;
        }
    }
    abi->set_result(cpu, ret);
    cpu->pc += abi->syscall_insn_len;
}
