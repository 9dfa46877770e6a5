/*
 * --trace-last=N: keep the last N guest instructions of each thread (with their memory
 * accesses) in a ring, and write them out only when the process ends (a fatal signal,
 * an abort, Ctrl-C, exit), followed by the full register state.
 *
 * Cheap by construction: blocks stay full size and chained; the lifter adds one helper
 * call per guest instruction that stores the pc in a fixed-size record, and the memory
 * trace helper stores one record per access.  Nothing is formatted until the dump, when
 * the instruction text is made from the code still in memory.
 *
 * The ring belongs to its thread (no atomics on the hot path); the dump, which runs on
 * the thread that ends the process (possibly in a signal handler), writes that thread's
 * ring with write(2) only.
 */
#include <string.h>
#include <unistd.h>

#include "exec/exec.h"

typedef enum LastKind {
    LAST_INSN,                  /* a = pc, b = step */
    LAST_READ,                  /* a = address, b = value */
    LAST_WRITE,
} LastKind;

typedef struct LastRec {
    uint64_t a, b;
    uint32_t kind;              /* LastKind */
    uint32_t size;              /* bytes of the access */
} LastRec;

typedef struct LastRing {
    LastRec *rec;
    uint64_t mask;              /* capacity - 1 (a power of two) */
    uint64_t head;              /* records written so far */
    uint64_t insns;             /* instructions recorded so far: the step of the next */
    ExecCtx *x;
    GuestCpu *cpu;
} LastRing;

static __thread LastRing *ring;
static unsigned last_n;

static void last_insn(uint64_t pc)
{
    LastRing *r = ring;
    if (r != NULL) {
        LastRec *e = &r->rec[r->head++ & r->mask];
        e->a = pc;
        e->b = r->insns++;
        e->kind = LAST_INSN;
    }
}

static const IrHelper last_insn_helper = {
    .name = "trace_last_insn",
    .fn = (void *)last_insn,
    .flags = 0,
    .ret = IR_HT_VOID,
    .nargs = 1,
    .args = { IR_HT_I64 },
};

void exec_trace_last_init(ExecCtx *x)
{
    last_n = x->opts.trace_last;    /* 0: only counting steps for --trace-watch, no dump */
    x->trace_insn_helper = &last_insn_helper;
}

void exec_trace_last_thread(ExecCtx *x, GuestCpu *cpu)
{
    if (ring != NULL && ring->cpu == cpu) {
        return;
    }
    /* Room for N instructions with a few accesses each; the dump counts instructions. */
    uint64_t cap = 64;
    while (cap < (uint64_t)last_n * 4) {
        cap <<= 1;
    }
    LastRing *r = g_new0(LastRing, 1);
    r->rec = g_new0(LastRec, cap);
    r->mask = cap - 1;
    r->x = x;
    r->cpu = cpu;
    r->insns = cpu->insns_executed;
    ring = r;
}

void exec_trace_last_mem(uint32_t write, uint32_t size, uint64_t addr, uint64_t value)
{
    LastRing *r = ring;
    if (r != NULL) {
        LastRec *e = &r->rec[r->head++ & r->mask];
        e->a = addr;
        e->b = value;
        e->kind = write ? LAST_WRITE : LAST_READ;
        e->size = size;
    }
}

uint64_t exec_trace_last_step(bool *known)
{
    *known = ring != NULL && ring->insns > 0;
    return *known ? ring->insns - 1 : 0;
}

/* --- The dump --- */

typedef struct DumpBuf {
    int fd;
    size_t len;
    char text[1 << 16];
} DumpBuf;

static DumpBuf dump_buf;

static void dump_flush(DumpBuf *d)
{
    size_t off = 0;
    while (off < d->len) {
        ssize_t w = write(d->fd, d->text + off, d->len - off);
        if (w <= 0) {
            break;
        }
        off += (size_t)w;
    }
    d->len = 0;
}

static void dump_str(DumpBuf *d, const char *s, size_t n)
{
    if (d->len + n > sizeof(d->text)) {
        dump_flush(d);
    }
    n = MIN(n, sizeof(d->text));
    memcpy(d->text + d->len, s, n);
    d->len += n;
}

void exec_trace_last_dump(int fd)
{
    LastRing *r = ring;
    DumpBuf *d = &dump_buf;
    uint64_t first, want;
    char line[400];

    if (r == NULL || last_n == 0) {
        return;
    }
    d->fd = fd;
    d->len = 0;
    /* Walk back over the last N instructions (records older than the ring are lost). */
    first = r->head;
    want = last_n;
    while (first > 0 && r->head - first < r->mask + 1 && want > 0) {
        first--;
        if (r->rec[first & r->mask].kind == LAST_INSN) {
            want--;
        }
    }
    /* Skip partial data before the first instruction kept. */
    while (first < r->head && r->rec[first & r->mask].kind != LAST_INSN) {
        first++;
    }
    uint64_t step = 0;
    for (uint64_t i = first; i < r->head; i++) {
        const LastRec *e = &r->rec[i & r->mask];
        int n;
        if (e->kind == LAST_INSN) {
            g_autofree char *text = exec_trace_insn_text(r->x, e->a);
            step = e->b;
            n = g_snprintf(line, sizeof(line), "insn 0x%" G_GINT64_MODIFIER "x %s #%" G_GUINT64_FORMAT "\n",
                           e->a, text, step);
        } else {
            n = g_snprintf(line, sizeof(line), "mem %c %u 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER
                           "x #%" G_GUINT64_FORMAT "\n", e->kind == LAST_WRITE ? 'w' : 'r', e->size, e->a,
                           e->b, step);
        }
        dump_str(d, line, MIN((size_t)n, sizeof(line) - 1));
    }
    dump_flush(d);
    /* The registers as they are now, after the last instruction. */
    exec_trace_out_direct(fd);
    exec_trace_state(r->x, r->cpu);
    exec_trace_out_direct(-1);
}
