/*
 * --trace-last=N: keep the last N guest instructions of each thread (with their memory
 * accesses) in a ring, and write them out only when the process ends (a fatal signal,
 * an abort, Ctrl-C, exit), followed by the full register state.
 *
 * Cheap by construction: blocks stay full size and chained; the lifter adds one helper
 * call per block that stores its pc and length in a fixed-size record, and the memory
 * trace helper stores one record per access.  While tracing, blocks have no inner
 * branches (GuestLiftCtx.straight_line), so a block that is entered runs all its
 * instructions, in order, unless one faults: the dump rebuilds the instructions from
 * the code still in memory, stopping at the faulting pc, and formats only then.
 *
 * The ring belongs to its thread (no atomics on the hot path); the dump, which runs on
 * the thread that ends the process (possibly in a signal handler), writes that thread's
 * ring with write(2) only.
 */
#include <string.h>
#include <unistd.h>

#include "exec/exec.h"

typedef enum LastKind {
    LAST_BLOCK,                 /* a = pc, b = step of its first insn, size = insns */
    LAST_READ,                  /* a = address, b = value, pc = the insn */
    LAST_WRITE,
} LastKind;

typedef struct LastRec {
    uint64_t a, b;
    uint64_t pc;
    uint32_t kind;              /* LastKind */
    uint32_t size;              /* bytes of the access, or instructions of the block */
} LastRec;

typedef struct LastRing {
    LastRec *rec;
    uint64_t mask;              /* capacity - 1 (a power of two) */
    uint64_t head;              /* records written so far */
    uint64_t insns;             /* instructions recorded so far: the step of the next */
    GuestAddr block_pc;         /* the block running now, and the step of its first insn */
    uint64_t block_step;
    ExecCtx *x;
    GuestCpu *cpu;
} LastRing;

static __thread LastRing *ring;
static unsigned last_n;

static void last_block(uint64_t pc, uint64_t n)
{
    LastRing *r = ring;
    if (r != NULL) {
        LastRec *e = &r->rec[r->head++ & r->mask];
        e->a = pc;
        e->b = r->insns;
        e->kind = LAST_BLOCK;
        e->size = (uint32_t)n;
        r->insns += n;
        r->block_pc = pc;
        r->block_step = e->b;
    }
}

static const IrHelper last_block_helper = {
    .name = "trace_last_block",
    .fn = (void *)last_block,
    .flags = 0,
    .ret = IR_HT_VOID,
    .nargs = 2,
    .args = { IR_HT_I64, IR_HT_I64 },
};

void exec_trace_last_init(ExecCtx *x)
{
    last_n = x->opts.trace_last;    /* 0: only counting steps for --trace-watch, no dump */
    x->trace_insn_helper = &last_block_helper;
}

void exec_trace_last_thread(ExecCtx *x, GuestCpu *cpu)
{
    if (ring != NULL && ring->cpu == cpu) {
        return;
    }
    /* Room for N one-instruction blocks with a few accesses each; the dump counts instructions. */
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

void exec_trace_last_mem(uint32_t write, uint32_t size, uint64_t addr, uint64_t value, uint64_t pc)
{
    LastRing *r = ring;
    if (r != NULL) {
        LastRec *e = &r->rec[r->head++ & r->mask];
        e->a = addr;
        e->b = value;
        e->pc = pc;
        e->kind = write ? LAST_WRITE : LAST_READ;
        e->size = size;
    }
}

/* Length of the guest instruction at pc (0: not readable or not decodable). */
static unsigned insn_len(ExecCtx *x, GuestAddr pc)
{
    uint8_t bytes[16];
    char text[128];
    unsigned avail = sizeof(bytes);

    while (avail > 0 && !x->platform.fetch(x->platform.opaque, pc, bytes, avail)) {
        avail = avail > 4 ? 4 : avail - 1;
    }
    return avail ? x->arch->disas(pc, bytes, avail, text, sizeof(text)) : 0;
}

uint64_t exec_trace_last_step(GuestAddr pc, bool *known)
{
    LastRing *r = ring;
    *known = r != NULL && r->insns > 0;
    if (!*known) {
        return 0;
    }
    /* pc's place in the running block: decode from the block's start (rare: watch hits, death). */
    uint64_t step = r->block_step;
    GuestAddr at = r->block_pc;
    for (unsigned i = 0; i < 4096 && at != pc; i++) {
        unsigned len = insn_len(r->x, at);
        if (len == 0) {
            return r->insns - 1;
        }
        at += len;
        step++;
    }
    return at == pc ? step : r->insns - 1;
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

static void dump_mem(DumpBuf *d, const LastRec *e, uint64_t step)
{
    char line[160];
    int n = g_snprintf(line, sizeof(line), "mem %c %u 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER
                       "x #%" G_GUINT64_FORMAT "\n", e->kind == LAST_WRITE ? 'w' : 'r', e->size, e->a, e->b, step);
    dump_str(d, line, MIN((size_t)n, sizeof(line) - 1));
}

void exec_trace_last_dump(int fd)
{
    LastRing *r = ring;
    DumpBuf *d = &dump_buf;
    uint64_t first, have = 0, oldest = r ? (r->head > r->mask + 1 ? r->head - r->mask - 1 : 0) : 0;
    GuestAddr stop_pc;
    char line[400];

    if (r == NULL || last_n == 0) {
        return;
    }
    d->fd = fd;
    d->len = 0;
    stop_pc = r->cpu->pc;
    /* The last block ran up to stop_pc (a fault) or to its end. */
    first = r->head;
    while (first > oldest && r->rec[(first - 1) & r->mask].kind != LAST_BLOCK) {
        first--;
    }
    if (first == oldest) {
        return;
    }
    first--;
    const LastRec *lb = &r->rec[first & r->mask];
    GuestAddr at = lb->a;
    for (uint32_t k = 0; k < lb->size; k++) {
        have++;
        unsigned len = insn_len(r->x, at);
        if (at == stop_pc || len == 0) {
            break;
        }
        at += len;
    }
    /* Walk back over earlier blocks until they hold N instructions (older records are lost). */
    while (first > oldest && have < last_n) {
        first--;
        if (r->rec[first & r->mask].kind == LAST_BLOCK) {
            have += r->rec[first & r->mask].size;
        }
    }
    while (first < r->head && r->rec[first & r->mask].kind != LAST_BLOCK) {
        first++;
    }
    uint64_t skip = have > last_n ? have - last_n : 0;
    for (uint64_t i = first; i < r->head;) {
        const LastRec *b = &r->rec[i & r->mask];
        uint64_t next = i + 1, m = i + 1;
        while (next < r->head && r->rec[next & r->mask].kind != LAST_BLOCK) {
            next++;
        }
        bool last_block = next == r->head;
        GuestAddr pc = b->a;
        for (uint32_t k = 0; k < b->size; k++) {
            unsigned len = insn_len(r->x, pc);
            uint64_t step = b->b + k;
            bool shown = skip == 0;
            if (!shown) {
                skip--;
            } else {
                g_autofree char *text = exec_trace_insn_text(r->x, pc);
                int n = g_snprintf(line, sizeof(line), "insn 0x%" G_GINT64_MODIFIER "x %s #%" G_GUINT64_FORMAT
                                   "\n", pc, text, step);
                dump_str(d, line, MIN((size_t)n, sizeof(line) - 1));
            }
            /* The accesses of this instruction, in the order they were made. */
            while (m < next && r->rec[m & r->mask].pc == pc) {
                if (shown) {
                    dump_mem(d, &r->rec[m & r->mask], step);
                }
                m++;
            }
            if ((last_block && pc == stop_pc) || len == 0) {
                break;      /* the block stopped here (a fault), or the code is gone */
            }
            pc += len;
        }
        i = next;
    }
    dump_flush(d);
    /* The registers as they are now, after the last instruction. */
    exec_trace_out_direct(fd);
    exec_trace_state(r->x, r->cpu);
    exec_trace_out_direct(-1);
}
