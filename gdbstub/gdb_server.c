/*
 * The gdb stub's run-time half (see gdb_server.h): the connection thread and the stop /
 * resume handshake with guest threads.
 *
 * States: `stopped` (the server holds an exclusive section of the ExecCtx; guest threads
 * wait either in exec_run() entry or, for the one that reported, in stop_hook) or running
 * (the server polls the socket for Ctrl-C and a pipe on which guest threads announce a
 * stop).  A stop that arrives while another is being reported is kept on its CPU
 * (GdbCpuState.has_event) and reported at the next resume, as gdbserver does; a breakpoint
 * is simply hit again, since the instruction at it has not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdbstub/gdb_dispatch.h"
#include "gdbstub/gdb_packet.h"
#include "gdbstub/gdb_server.h"
#include "gdbstub/gdb_signal.h"
#include "gdbstub/gdb_transport.h"

/* GuestCpu.debug: what the stub knows about one CPU. */
typedef struct GdbCpuState {
    bool held;                  /* gdb resumed others but not this one */
    bool has_event;             /* a stop not reported yet */
    ExecStop event;
    bool watch_hit;             /* set from generated code, read once the CPU stopped */
    int watch_type;
    GuestAddr watch_addr;
    int deliver_sig;            /* the signal gdb's resume action gives this thread */
} GdbCpuState;

struct GdbServer {
    ExecCtx *x;
    GdbTarget target;
    GdbSession sess;
    GdbTransport tr;
    GdbRx rx;
    int fd;                     /* the connection, -1 once gone */
    int wake[2];                /* guest threads -> server: a stop is pending */
    GMutex send_lock;
    GString *last_sent;         /* for a '-' (resend) in ack mode */

    GMutex lock;                /* everything below, and GdbCpuState */
    GCond cond;
    bool attached;
    bool stopped;
    uint64_t resume_gen;
    bool stop_pending;
    GuestCpu *stop_cpu;
    ExecStop stop_why;

    ExecDebugger dbg;
    GdbTarget proxy;            /* what the dispatcher calls: opaque = this server */
    GuestCpu *initial_cpu;      /* the thread the first stop names */
};

/* MIMIC_GDB_DEBUG=1: log stops and resumes on stderr. */
static int gdb_debug_log = -1;
#define GDB_LOG(...) do { \
    if (gdb_debug_log < 0) { gdb_debug_log = g_getenv("MIMIC_GDB_DEBUG") != NULL; } \
    if (gdb_debug_log) { fprintf(stderr, "gdbstub: " __VA_ARGS__); } \
} while (0)

static GdbCpuState *cpu_state(GuestCpu *cpu)
{
    if (cpu->debug == NULL) {
        cpu->debug = g_new0(GdbCpuState, 1);
    }
    return cpu->debug;
}

/* --- Sending --- */

static void send_packet(GdbServer *s, const char *payload, size_t len)
{
    GString *f = g_string_sized_new(len + 8);
    gdb_frame(f, payload, len);
    g_mutex_lock(&s->send_lock);
    if (s->fd >= 0) {
        gdb_transport_send(s->fd, f->str, f->len);
    }
    g_string_assign(s->last_sent, f->str);
    g_mutex_unlock(&s->send_lock);
    g_string_free(f, TRUE);
}

/* --- Threads (the CPUs registered with the ExecCtx) --- */

static int cmp_tid(gconstpointer a, gconstpointer b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static unsigned list_threads(void *opaque, int64_t *ids, unsigned max)
{
    GdbServer *s = opaque;
    unsigned n = 0;
    g_mutex_lock(&s->x->lock);
    GPtrArray *all = g_ptr_array_new();
    for (guint i = 0; i < s->x->cpus->len; i++) {
        g_ptr_array_add(all, g_ptr_array_index(s->x->cpus, i));
    }
    g_mutex_unlock(&s->x->lock);
    int64_t *tmp = g_new(int64_t, all->len + 1);
    for (guint i = 0; i < all->len; i++) {
        tmp[i] = s->target.thread_id(s->target.opaque, g_ptr_array_index(all, i));
    }
    qsort(tmp, all->len, sizeof(int64_t), cmp_tid);
    for (guint i = 0; i < all->len && n < max; i++) {
        ids[n++] = tmp[i];
    }
    g_free(tmp);
    g_ptr_array_unref(all);
    return n;
}

static GuestCpu *cpu_of(void *opaque, int64_t tid)
{
    GdbServer *s = opaque;
    GuestCpu *found = NULL;
    g_mutex_lock(&s->x->lock);
    for (guint i = 0; i < s->x->cpus->len && found == NULL; i++) {
        GuestCpu *cpu = g_ptr_array_index(s->x->cpus, i);
        if (s->target.thread_id(s->target.opaque, cpu) == tid) {
            found = cpu;
        }
    }
    g_mutex_unlock(&s->x->lock);
    return found;
}

static void bp_insert(void *opaque, GuestAddr pc)
{
    GdbServer *s = opaque;
    exec_debug_breakpoint_add(s->x, pc);
}

static void bp_remove(void *opaque, GuestAddr pc)
{
    GdbServer *s = opaque;
    exec_debug_breakpoint_remove(s->x, pc);
}

static void set_watching(void *opaque, bool on)
{
    GdbServer *s = opaque;
    exec_debug_set_watching(s->x, on);
}

/* Platform parts, called with the platform's opaque. */
static bool p_read_mem(void *opaque, GuestCpu *cpu, GuestAddr addr, uint8_t *buf, size_t len)
{
    GdbServer *s = opaque;
    return s->target.read_mem(s->target.opaque, cpu, addr, buf, len);
}

static bool p_write_mem(void *opaque, GuestCpu *cpu, GuestAddr addr, const uint8_t *buf, size_t len)
{
    GdbServer *s = opaque;
    return s->target.write_mem(s->target.opaque, cpu, addr, buf, len);
}

static GBytes *p_auxv(void *opaque)
{
    GdbServer *s = opaque;
    return s->target.auxv(s->target.opaque);
}

static char *p_exec_file(void *opaque)
{
    GdbServer *s = opaque;
    return s->target.exec_file(s->target.opaque);
}

static char *p_host_path(void *opaque, const char *path)
{
    GdbServer *s = opaque;
    return s->target.host_path(s->target.opaque, path);
}

static GBytes *p_siginfo(void *opaque, GuestCpu *cpu)
{
    GdbServer *s = opaque;
    return s->target.siginfo(s->target.opaque, cpu);
}

/* --- Hooks called by guest threads --- */

static int stop_hook(void *opaque, GuestCpu *cpu, const ExecStop *why)
{
    GdbServer *s = opaque;
    ExecStop ev = *why;

    g_mutex_lock(&s->lock);
    GdbCpuState *st = cpu_state(cpu);
    if (!s->attached) {
        g_mutex_unlock(&s->lock);
        return ev.kind == EXEC_STOP_SIGNAL ? ev.sig : 0;
    }
    if (ev.kind == EXEC_STOP_SIGNAL && gdb_session_passes(&s->sess, ev.sig)) {
        g_mutex_unlock(&s->lock);
        return ev.sig;
    }
    bool report = ev.kind != EXEC_STOP_REQUEST || st->watch_hit;
    GDB_LOG("stop hook tid %ld kind %d sig %d report %d held %d stopped %d pending %d pc %lx\n",
            (long)s->target.thread_id(s->target.opaque, cpu), ev.kind, ev.sig, report, st->held, s->stopped,
            s->stop_pending, (unsigned long)cpu->pc);
    if (ev.kind == EXEC_STOP_REQUEST && !report && !st->held && !s->stopped && !s->stop_pending) {
        g_mutex_unlock(&s->lock);
        return 0;               /* a request that is no longer wanted */
    }
    if (report) {
        if (!s->stopped && !s->stop_pending) {
            s->stop_pending = true;
            s->stop_cpu = cpu;
            s->stop_why = ev;
            char c = 1;
            if (write(s->wake[1], &c, 1) < 0) {
                /* The pipe is full: the server has wake-ups queued already. */
            }
        } else if (ev.kind != EXEC_STOP_BREAK) {
            st->has_event = true;
            st->event = ev;
        }
    }
    uint64_t gen = s->resume_gen;
    while (s->attached && (s->resume_gen == gen || st->held)) {
        g_cond_wait(&s->cond, &s->lock);
    }
    int sig = st->deliver_sig;
    st->deliver_sig = 0;
    bool attached = s->attached;
    GDB_LOG("stop hook tid %ld returns, step %d\n", (long)s->target.thread_id(s->target.opaque, cpu),
            cpu->debug_step);
    g_mutex_unlock(&s->lock);
    if (!attached) {
        return ev.kind == EXEC_STOP_SIGNAL ? ev.sig : 0;
    }
    return ev.kind == EXEC_STOP_SIGNAL ? sig : 0;
}

static bool watch_hook(void *opaque, GuestCpu *cpu, bool write, unsigned size, GuestAddr addr)
{
    GdbServer *s = opaque;
    GuestAddr hit;
    int type = gdb_breaks_watch_hit(&s->sess.breaks, write, addr, size, &hit);
    if (type == 0) {
        return false;
    }
    g_mutex_lock(&s->lock);
    GdbCpuState *st = cpu_state(cpu);
    if (!st->watch_hit) {
        st->watch_hit = true;
        st->watch_type = type;
        st->watch_addr = hit;
    }
    g_mutex_unlock(&s->lock);
    return true;
}

static void ended_hook(void *opaque, bool signalled, int value)
{
    GdbServer *s = opaque;
    char buf[8];

    g_mutex_lock(&s->lock);
    bool attached = s->attached;
    s->attached = false;
    g_mutex_unlock(&s->lock);
    if (!attached) {
        return;
    }
    g_snprintf(buf, sizeof(buf), "%c%02x", signalled ? 'X' : 'W',
               signalled ? gdb_signal_from_linux(value) : value & 0xff);
    send_packet(s, buf, strlen(buf));
    g_mutex_lock(&s->send_lock);
    if (s->fd >= 0) {
        shutdown(s->fd, SHUT_RDWR);
    }
    g_mutex_unlock(&s->send_lock);
}

/* --- Stopping and resuming (server thread) --- */

/* The stop reply for cpu's event. */
static void reply_for(GdbServer *s, GuestCpu *cpu, const ExecStop *why, GString *out)
{
    GdbCpuState *st = cpu_state(cpu);
    int64_t tid = s->target.thread_id(s->target.opaque, cpu);

    if (st->watch_hit) {
        st->watch_hit = false;
        gdb_stop_reply(&s->sess, out, SIGTRAP, tid, GDB_STOP_WATCH, st->watch_type, st->watch_addr);
        return;
    }
    switch (why->kind) {
    case EXEC_STOP_BREAK:
        /* Z1 and Z0 work alike; gdb wants to hear which kind it inserted there. */
        gdb_stop_reply(&s->sess, out, SIGTRAP, tid,
                       gdb_breaks_type_at(&s->sess.breaks, cpu->pc) == GDB_BP_HW ? GDB_STOP_HWBREAK
                                                                                  : GDB_STOP_SWBREAK, 0, 0);
        break;
    case EXEC_STOP_STEP:
        gdb_stop_reply(&s->sess, out, SIGTRAP, tid, GDB_STOP_SIGNAL, 0, 0);
        break;
    case EXEC_STOP_SIGNAL:
        gdb_stop_reply(&s->sess, out, why->sig, tid, GDB_STOP_SIGNAL, 0, 0);
        break;
    case EXEC_STOP_REQUEST:
        gdb_stop_reply(&s->sess, out, SIGINT, tid, GDB_STOP_SIGNAL, 0, 0);
        break;
    }
}

/* Stop every CPU and tell gdb why (interrupted: Ctrl-C, when no CPU reported anything). */
static void stop_all(GdbServer *s)
{
    g_autoptr(GString) reply = g_string_new(NULL);

    exec_start_exclusive(s->x);
    g_mutex_lock(&s->lock);
    s->stopped = true;
    GuestCpu *cpu = NULL;
    ExecStop why = { .kind = EXEC_STOP_REQUEST };
    if (s->stop_pending) {
        cpu = s->stop_cpu;
        why = s->stop_why;
        s->stop_pending = false;
    } else {
        int64_t ids[1];
        if (list_threads(s, ids, 1) > 0) {
            cpu = cpu_of(s, s->sess.default_tid > 0 && cpu_of(s, s->sess.default_tid) ? s->sess.default_tid
                                                                                         : ids[0]);
        }
    }
    GDB_LOG("stop_all pending %d\n", cpu != NULL && why.kind != EXEC_STOP_REQUEST);
    if (cpu != NULL) {
        reply_for(s, cpu, &why, reply);
    } else {
        g_string_assign(reply, "S02");
    }
    g_mutex_unlock(&s->lock);
    send_packet(s, reply->str, reply->len);
}

/* Apply gdb's resume actions and let the CPUs go (or report a stop that was waiting). */
static void resume(GdbServer *s)
{
    g_autoptr(GString) reply = g_string_new(NULL);
    GuestCpu *pending = NULL;

    g_mutex_lock(&s->lock);
    /* Under the CPU list's lock: a thread ending in a syscall cannot free its CPU meanwhile. */
    g_mutex_lock(&s->x->lock);
    GPtrArray *cpus = s->x->cpus;
    for (guint i = 0; i < cpus->len; i++) {
        GuestCpu *cpu = g_ptr_array_index(cpus, i);
        GdbCpuState *st = cpu_state(cpu);
        int64_t tid = s->target.thread_id(s->target.opaque, cpu);
        const GdbResume *act = NULL;
        for (guint k = 0; k < s->sess.resume->len && act == NULL; k++) {
            const GdbResume *r = &g_array_index(s->sess.resume, GdbResume, k);
            if (r->tid == tid || r->tid == -1 || (r->tid == 0 && tid == s->sess.default_tid)) {
                act = r;
            }
        }
        st->held = act == NULL || act->action == 't';
        cpu->debug_step = act != NULL && act->action == 's';
        cpu->debug_stepped = 0;
        st->deliver_sig = act != NULL ? act->sig : 0;
        GDB_LOG("resume tid %ld action %c held %d step %d\n", (long)tid, act ? act->action : '-', st->held,
                cpu->debug_step);
        if (st->held) {
            __atomic_fetch_or(&cpu->exit_request, GUEST_REQ_STOP, __ATOMIC_SEQ_CST);
        } else if (st->has_event && pending == NULL) {
            pending = cpu;
        }
    }
    g_mutex_unlock(&s->x->lock);
    if (pending != NULL) {
        /* Another thread stopped while the last stop was reported: report it now. */
        GdbCpuState *st = cpu_state(pending);
        st->has_event = false;
        reply_for(s, pending, &st->event, reply);
        g_mutex_unlock(&s->lock);
        send_packet(s, reply->str, reply->len);
        return;
    }
    s->stopped = false;
    s->resume_gen++;
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
    exec_end_exclusive(s->x);
}

/* gdb went away or detached: everything off, the guest runs on alone. */
static void detach(GdbServer *s)
{
    if (!s->stopped) {
        stop_all(s);            /* breakpoints change only with every CPU stopped */
    }
    gdb_session_remove_all(&s->sess);
    exec_debug_detach(s->x);
    g_mutex_lock(&s->lock);
    s->attached = false;
    g_mutex_lock(&s->x->lock);
    GPtrArray *cpus = s->x->cpus;
    for (guint i = 0; i < cpus->len; i++) {
        GuestCpu *cpu = g_ptr_array_index(cpus, i);
        GdbCpuState *st = cpu_state(cpu);
        st->held = false;
        st->watch_hit = false;
        cpu->debug_step = 0;
        cpu->debug_stepped = 0;
    }
    g_mutex_unlock(&s->x->lock);
    s->stopped = false;
    s->resume_gen++;
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
    exec_end_exclusive(s->x);
    g_mutex_lock(&s->send_lock);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    g_mutex_unlock(&s->send_lock);
    gdb_transport_close(&s->tr);
}

/* --- The connection thread --- */

typedef enum ReadResult {
    READ_PACKET,
    READ_INTERRUPT,
    READ_WAKE,
    READ_CLOSED,
} ReadResult;

/* Read until a packet (or Ctrl-C, or a wake-up when running); acks and resends handled here. */
static ReadResult read_event(GdbServer *s, bool running)
{
    for (;;) {
        struct pollfd pf[2] = { { .fd = s->fd, .events = POLLIN }, { .fd = s->wake[0], .events = POLLIN } };
        int n = poll(pf, running ? 2 : 1, -1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return READ_CLOSED;
        }
        if (running && (pf[1].revents & POLLIN)) {
            char buf[64];
            ssize_t got = read(s->wake[0], buf, sizeof(buf));
            GDB_LOG("wake (%zd bytes)\n", got);
            return READ_WAKE;
        }
        if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            continue;
        }
        uint8_t c;
        ssize_t r = read(s->fd, &c, 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return READ_CLOSED;
        }
        switch (gdb_rx_feed(&s->rx, c)) {
        case GDB_RX_NONE:
        case GDB_RX_ACK:
            break;
        case GDB_RX_NACK:
            g_mutex_lock(&s->send_lock);
            if (s->last_sent->len > 0) {
                gdb_transport_send(s->fd, s->last_sent->str, s->last_sent->len);
            }
            g_mutex_unlock(&s->send_lock);
            break;
        case GDB_RX_BAD_CHECKSUM:
            if (!s->sess.no_ack) {
                gdb_transport_send(s->fd, "-", 1);
            }
            break;
        case GDB_RX_INTERRUPT:
            GDB_LOG("interrupt\n");
            if (running) {
                return READ_INTERRUPT;
            }
            break;
        case GDB_RX_PACKET:
            GDB_LOG("packet %.40s\n", s->rx.payload->str);
            if (!s->sess.no_ack) {
                gdb_transport_send(s->fd, "+", 1);
            }
            if (running) {
                break;          /* all-stop: gdb sends nothing but Ctrl-C while we run */
            }
            return READ_PACKET;
        }
    }
}

static gpointer server_main(gpointer data)
{
    GdbServer *s = data;
    g_autoptr(GString) reply = g_string_new(NULL);

    for (;;) {
        g_mutex_lock(&s->lock);
        bool attached = s->attached, stopped = s->stopped;
        g_mutex_unlock(&s->lock);
        if (!attached) {
            break;              /* the guest ended */
        }
        ReadResult r = read_event(s, !stopped);
        if (r == READ_CLOSED) {
            g_mutex_lock(&s->lock);
            attached = s->attached;
            g_mutex_unlock(&s->lock);
            if (attached) {
                detach(s);
            }
            break;
        }
        if (r == READ_WAKE || r == READ_INTERRUPT) {
            stop_all(s);
            continue;
        }
        GdbAction act = gdb_dispatch(&s->sess, s->rx.payload->str, s->rx.payload->len, reply);
        switch (act) {
        case GDB_ACT_REPLY:
            send_packet(s, reply->str, reply->len);
            break;
        case GDB_ACT_RESUME:
            resume(s);
            break;
        case GDB_ACT_DETACH:
            send_packet(s, reply->str, reply->len);
            detach(s);
            return NULL;
        case GDB_ACT_KILL:
            if (reply->len > 0) {
                send_packet(s, reply->str, reply->len);
            }
            fflush(NULL);
            if (s->target.system) {
                exit(137);      /* atexit handlers give the terminal back (serial on stdio) */
            }
            kill(getpid(), SIGKILL);
            _exit(137);
        }
    }
    return NULL;
}

/* gdb connected: attach; stop everything unless it already is (the first '?' answers). */
static bool server_connect(GdbServer *s)
{
    s->fd = gdb_transport_accept(&s->tr);
    if (s->fd < 0) {
        fprintf(stderr, "mimic: gdb stub: accept: %s\n", g_strerror(errno));
        return false;
    }
    bool stopped;
    g_mutex_lock(&s->lock);
    stopped = s->stopped;
    g_mutex_unlock(&s->lock);
    if (!stopped) {
        exec_start_exclusive(s->x);
    }
    g_mutex_lock(&s->lock);
    s->stopped = true;
    s->attached = true;
    g_autoptr(GString) first = g_string_new(NULL);
    gdb_stop_reply(&s->sess, first, SIGTRAP,
                   s->target.thread_id(s->target.opaque, s->initial_cpu), GDB_STOP_SIGNAL, 0, 0);
    g_mutex_unlock(&s->lock);
    exec_debug_attach(s->x, &s->dbg);
    return true;
}

static gpointer server_thread(gpointer data)
{
    GdbServer *s = data;
    if (server_connect(s)) {
        server_main(s);
    } else if (s->stopped) {
        /* Nobody will ever resume the guest: let it run alone. */
        s->stopped = false;
        exec_end_exclusive(s->x);
    }
    return NULL;
}

GdbServer *gdb_server_start(ExecCtx *x, const GdbTarget *target, GuestCpu *initial_cpu, const char *spec,
                            bool start_stopped, GError **error)
{
    GdbServer *s = g_new0(GdbServer, 1);

    s->x = x;
    s->target = *target;
    s->initial_cpu = initial_cpu;
    s->fd = -1;
    if (!gdb_transport_listen(&s->tr, spec, error)) {
        g_free(s);
        return NULL;
    }
    if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        g_set_error(error, IR_MIMIC_ERROR, 0, "gdb stub: %s", g_strerror(errno));
        gdb_transport_close(&s->tr);
        g_free(s);
        return NULL;
    }
    fprintf(stderr, "mimic: %s gdb on %s\n", start_stopped ? "waiting for" : "listening for", s->tr.where);
    g_mutex_init(&s->lock);
    g_cond_init(&s->cond);
    g_mutex_init(&s->send_lock);
    s->last_sent = g_string_new(NULL);
    gdb_rx_init(&s->rx);
    /* The target the dispatcher sees: the platform's parts behind wrappers, plus ours. */
    s->proxy = (GdbTarget){
        .opaque = s, .arch = target->arch, .system = target->system, .pid = target->pid,
        .list_threads = list_threads, .cpu_of = cpu_of,
        .read_mem = p_read_mem, .write_mem = p_write_mem,
        .bp_insert = bp_insert, .bp_remove = bp_remove, .set_watching = set_watching,
        .auxv = target->auxv ? p_auxv : NULL,
        .exec_file = target->exec_file ? p_exec_file : NULL,
        .host_path = target->host_path ? p_host_path : NULL,
        .siginfo = target->siginfo ? p_siginfo : NULL,
    };
    gdb_session_init(&s->sess, &s->proxy);
    s->dbg = (ExecDebugger){ .opaque = s, .stop = stop_hook, .watch_access = watch_hook, .ended = ended_hook };
    if (start_stopped) {
        /* No CPU may run its first instruction before gdb says so. */
        exec_start_exclusive(x);
        s->stopped = true;
    }
    g_thread_unref(g_thread_new("gdb-stub", server_thread, s));
    return s;
}
