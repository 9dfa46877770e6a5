/*
 * The trace writer: every trace line of the process goes through one large buffer
 * that is written to the trace file descriptor with write(2).
 *
 * Why not stdio: a guest that crashes, is killed by Ctrl-C or ends through _exit()
 * must still leave every line it produced in the file, and the code that flushes at
 * death may run in a signal handler on a thread that was interrupted in the middle of
 * a trace line, or while another thread appends one.  So:
 *   - a line (or a group of lines, such as an IR block) is appended whole, with one
 *     memcpy under a spinlock, and `len` only ever covers whole lines;
 *   - the death path (exec_trace_end) takes the lock if it can within a bounded wait;
 *     if the owner is its own interrupted thread, or does not let go, it writes the
 *     whole lines committed so far without it.  It uses only async-signal-safe calls;
 *   - after the `end` line nothing more is written, so a thread still running while the
 *     process dies cannot add lines after it.
 * Lines that older code prints with fprintf (ir, host) reach the buffer through an
 * unbuffered fopencookie stream, one append per fprintf call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exec/exec.h"

/* Large, so a full insn trace costs one write(2) per few thousand lines. */
#define TRACE_OUT_CAP (4u << 20)
/* Longest wait (spins with sched_yield) for another thread to finish its append at death. */
#define TRACE_OUT_DEATH_SPINS 20000

typedef struct TraceOut {
    int fd;                     /* -1: not open */
    char *buf;
    volatile size_t len;        /* bytes of whole lines in buf */
    volatile int lock;          /* 0 free, else the owner's thread number */
    volatile int ended;         /* the end line was written: drop everything after */
    bool forked_child;          /* a fork()ed copy: its lines go on, the end line is the parent's */
    FILE *stream;               /* fopencookie stream for fprintf users */
} TraceOut;

static TraceOut trace_out = { .fd = -1 };
/* This thread is ending the process: its lines go straight to the file (exec_trace_out_direct). */
static __thread int direct_fd = -1;
volatile int exec_trace_dying;
static int trace_thread_counter;
static __thread int trace_thread_id;

static int my_id(void)
{
    if (trace_thread_id == 0) {
        trace_thread_id = __atomic_add_fetch(&trace_thread_counter, 1, __ATOMIC_RELAXED);
    }
    return trace_thread_id;
}

static void lock_out(void)
{
    int me = my_id();
    int expected = 0;

    while (!__atomic_compare_exchange_n(&trace_out.lock, &expected, me, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
        expected = 0;
        sched_yield();
    }
}

static void unlock_out(void)
{
    __atomic_store_n(&trace_out.lock, 0, __ATOMIC_RELEASE);
}

/* write(2) all of it, retrying after EINTR and short writes; gives up on other errors. */
static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void drain_locked(void)
{
    size_t n = trace_out.len;
    if (n > 0) {
        write_all(trace_out.fd, trace_out.buf, n);
        __atomic_store_n(&trace_out.len, 0, __ATOMIC_RELEASE);
    }
}

static ssize_t cookie_write(void *cookie, const char *data, size_t n)
{
    (void)cookie;
    exec_trace_write(data, n);
    return (ssize_t)n;
}

void exec_trace_out_open(int fd)
{
    if (trace_out.fd >= 0) {
        return;
    }
    trace_out.buf = g_malloc(TRACE_OUT_CAP);
    trace_out.len = 0;
    trace_out.fd = fd;
    cookie_io_functions_t io = { .write = cookie_write };
    trace_out.stream = fopencookie(NULL, "w", io);
    /* Unbuffered: glibc formats each fprintf whole and hands it over in one call. */
    setvbuf(trace_out.stream, NULL, _IONBF, 0);
}

bool exec_trace_out_active(void)
{
    return trace_out.fd >= 0;
}

bool exec_trace_out_shares_output(void)
{
    return trace_out.fd == 1 || trace_out.fd == 2 || (trace_out.fd >= 0 && isatty(trace_out.fd));
}

FILE *exec_trace_out_stream(void)
{
    return trace_out.stream;
}

void exec_trace_out_direct(int fd)
{
    direct_fd = fd;
}

void exec_trace_write(const char *s, size_t n)
{
    if (direct_fd >= 0) {
        write_all(direct_fd, s, n);
        return;
    }
    if (trace_out.fd < 0 || n == 0) {
        return;
    }
    lock_out();
    if (!trace_out.ended) {
        if (trace_out.len + n > TRACE_OUT_CAP) {
            drain_locked();
        }
        if (n > TRACE_OUT_CAP) {
            write_all(trace_out.fd, s, n);
        } else {
            memcpy(trace_out.buf + trace_out.len, s, n);
            __atomic_store_n(&trace_out.len, trace_out.len + n, __ATOMIC_RELEASE);
        }
    }
    unlock_out();
}

void exec_trace_printf(const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n < sizeof(small)) {
        exec_trace_write(small, (size_t)n);
        return;
    }
    va_start(ap, fmt);
    g_autofree char *big = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    exec_trace_write(big, strlen(big));
}

/* fork(): no other thread may hold the lock in the child, and the buffer must not be written twice. */
void exec_trace_fork_prepare(void)
{
    if (trace_out.fd >= 0) {
        lock_out();
        drain_locked();
    }
}

void exec_trace_fork_done(bool child)
{
    if (trace_out.fd >= 0) {
        trace_out.forked_child |= child;
        unlock_out();
    }
}

void exec_trace_flush(void)
{
    if (trace_out.fd < 0) {
        return;
    }
    lock_out();
    drain_locked();
    unlock_out();
}

/*
 * Take the lock for the death path: true if taken.  False when this very thread holds
 * it (a handler interrupted an append) or the owner did not let go in time.
 */
static bool lock_out_at_death(void)
{
    int me = my_id();

    for (int i = 0; i < TRACE_OUT_DEATH_SPINS; i++) {
        int expected = 0;
        if (__atomic_compare_exchange_n(&trace_out.lock, &expected, me, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
            return true;
        }
        if (expected == me) {
            return false;
        }
        sched_yield();
    }
    return false;
}

/* --- Async-signal-safe formatting for the death path --- */

typedef struct TraceLine {
    char text[256];
    size_t len;
} TraceLine;

static void line_str(TraceLine *l, const char *s)
{
    while (*s && l->len < sizeof(l->text) - 1) {
        l->text[l->len++] = *s++;
    }
}

static void line_hex(TraceLine *l, uint64_t v)
{
    char tmp[24];
    int n = 0;

    line_str(l, "0x");
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v != 0);
    while (n > 0 && l->len < sizeof(l->text) - 1) {
        l->text[l->len++] = tmp[--n];
    }
}

static void line_dec(TraceLine *l, int64_t v)
{
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

    if (v < 0) {
        line_str(l, "-");
    }
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    while (n > 0 && l->len < sizeof(l->text) - 1) {
        l->text[l->len++] = tmp[--n];
    }
}

const char *exec_signal_name(int sig)
{
    static const char *const names[] = {
        [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
        [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
        [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
        [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
        [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
        [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
        [SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
        [SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
    };
    static const char *const rt[] = {
        "SIG32", "SIG33", "SIG34", "SIG35", "SIG36", "SIG37", "SIG38", "SIG39", "SIG40", "SIG41",
        "SIG42", "SIG43", "SIG44", "SIG45", "SIG46", "SIG47", "SIG48", "SIG49", "SIG50", "SIG51",
        "SIG52", "SIG53", "SIG54", "SIG55", "SIG56", "SIG57", "SIG58", "SIG59", "SIG60", "SIG61",
        "SIG62", "SIG63", "SIG64",
    };
    if (sig > 0 && sig < (int)G_N_ELEMENTS(names) && names[sig] != NULL) {
        return names[sig];
    }
    if (sig >= 32 && sig <= 64) {
        return rt[sig - 32];
    }
    return "SIG?";
}

static void format_signal(TraceLine *l, int sig, uint64_t pc, uint64_t addr, uint64_t step)
{
    line_str(l, "signal ");
    line_str(l, exec_signal_name(sig));
    line_str(l, " pc=");
    line_hex(l, pc);
    line_str(l, " addr=");
    line_hex(l, addr);
    line_str(l, " #");
    line_dec(l, (int64_t)step);
    line_str(l, "\n");
}

void exec_trace_signal_line(int sig, uint64_t pc, uint64_t addr, uint64_t step)
{
    TraceLine l = { .len = 0 };

    format_signal(&l, sig, pc, addr, step);
    exec_trace_write(l.text, l.len);
}

void exec_trace_end(ExecTraceEnd how, int value, const ExecTraceSignal *death)
{
    TraceLine l = { .len = 0 };

    if (trace_out.fd < 0 || __atomic_exchange_n(&trace_out.ended, 1, __ATOMIC_ACQ_REL)) {
        return;
    }
    exec_trace_dying = 1;
    /*
     * Left locked when taken: threads still running wait in lock_out() until the process
     * ends, and drop their lines anyway (ended).  Not taken: write what is committed.
     */
    (void)lock_out_at_death();
    write_all(trace_out.fd, trace_out.buf, __atomic_load_n(&trace_out.len, __ATOMIC_ACQUIRE));
    __atomic_store_n(&trace_out.len, 0, __ATOMIC_RELEASE);
    exec_trace_last_dump(trace_out.fd);
    if (death != NULL) {
        format_signal(&l, death->sig, death->pc, death->addr, death->step);
    }
    if (trace_out.forked_child) {
        /* The file's last line tells how the traced program ended, not a child of it. */
        write_all(trace_out.fd, l.text, l.len);
        return;
    }
    line_str(&l, "end ");
    switch (how) {
    case EXEC_TRACE_END_EXIT:
        line_str(&l, "exit ");
        line_dec(&l, value);
        break;
    case EXEC_TRACE_END_SIGNAL:
        line_str(&l, "signal ");
        line_str(&l, exec_signal_name(value));
        break;
    case EXEC_TRACE_END_INTERNAL:
        line_str(&l, "internal-error");
        break;
    }
    line_str(&l, "\n");
    write_all(trace_out.fd, l.text, l.len);
}
