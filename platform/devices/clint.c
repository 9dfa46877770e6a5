/*
 * platform/devices/clint.c -- SiFive CLINT / RISC-V ACLINT (MSWI + MTIMER).
 *
 * Layout of the RISC-V ACLINT spec 1.0 (and SiFive's CLINT, which is the same three
 * arrays in one 64 KiB block): msip[hart] 32-bit at 0x0000 (bit 0 = machine software
 * interrupt), mtimecmp[hart] 64-bit at 0x4000, mtime 64-bit at 0xbff8, each usable as
 * two 32-bit halves for RV32. mtime counts at timebase-frequency (10 MHz as on QEMU
 * virt) from the board clock; MTIP is mtime >= mtimecmp, re-evaluated on every write
 * and by a DevTimer at the deadline. mtimecmp resets to all-ones (the spec leaves it
 * unspecified) so no timer interrupt is pending before firmware programs one.
 */
#include "platform/devices/clint.h"

#include "platform/boards/board.h"

#define CLINT_MSIP 0x0000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME 0xbff8
#define CLINT_SIZE 0x10000
#define CLINT_MAX_HARTS 4095    /* ACLINT spec: MSWI holds up to 4095 harts */

typedef struct Clint Clint;

typedef struct ClintHart {
    Clint *clint;
    unsigned hart;
    uint64_t mtimecmp;
    bool msip;
    DevTimer timer;
    IrqLine msip_irq;
    IrqLine mtip_irq;
} ClintHart;

struct Clint {
    Device dev;
    MemRegion mmio;
    GMutex lock;
    DevClock *clock;
    uint64_t freq;
    int64_t offset;             /* mtime = clock ticks + offset (mtime writes move it) */
    unsigned nr_harts;
    ClintHart *harts;
};

static uint64_t clint_ticks_locked(Clint *c)
{
    unsigned __int128 t = (unsigned __int128)dev_clock_now(c->clock) * c->freq / 1000000000u;
    return (uint64_t)t + (uint64_t)c->offset;
}

/* Clock time (ns) at which mtime reaches `ticks`; DEV_CLOCK_NEVER if beyond reach. */
static uint64_t clint_deadline_ns(Clint *c, uint64_t ticks)
{
    uint64_t raw = ticks - (uint64_t)c->offset;     /* the clock's own tick count */
    unsigned __int128 ns = ((unsigned __int128)raw * 1000000000u + c->freq - 1) / c->freq;
    return ns >= DEV_CLOCK_NEVER ? DEV_CLOCK_NEVER : (uint64_t)ns;
}

static void clint_update_timer(ClintHart *h)
{
    Clint *c = h->clint;
    uint64_t now = clint_ticks_locked(c);
    bool pending = now >= h->mtimecmp;
    dev_irq_set(&h->mtip_irq, pending);
    if (pending || h->mtimecmp == UINT64_MAX) {
        dev_timer_del(&h->timer);
    } else {
        dev_timer_mod(&h->timer, clint_deadline_ns(c, h->mtimecmp));
    }
}

static void clint_timer_fired(void *opaque)
{
    clint_update_timer(opaque);
}

static uint64_t clint_half(uint64_t reg, uint64_t offset, unsigned size)
{
    if (size == 8) {
        return reg;
    }
    return (offset & 4) ? reg >> 32 : (uint32_t)reg;
}

static uint64_t clint_merge(uint64_t reg, uint64_t offset, unsigned size, uint64_t value)
{
    if (size == 8) {
        return value;
    }
    if (offset & 4) {
        return (reg & 0xffffffffu) | (value << 32);
    }
    return (reg & ~UINT64_C(0xffffffff)) | (uint32_t)value;
}

static uint64_t clint_read(void *opaque, uint64_t offset, unsigned size)
{
    Clint *c = opaque;
    if (offset < CLINT_MSIP + 4u * c->nr_harts) {
        return (size == 4 && !(offset & 3)) ? c->harts[offset / 4].msip : 0;
    }
    if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8u * c->nr_harts) {
        ClintHart *h = &c->harts[(offset - CLINT_MTIMECMP) / 8];
        return clint_half(h->mtimecmp, offset, size);
    }
    if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) {
        return clint_half(clint_ticks_locked(c), offset, size);
    }
    return 0;
}

static void clint_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    Clint *c = opaque;
    if (offset < CLINT_MSIP + 4u * c->nr_harts) {
        if (size == 4) {
            ClintHart *h = &c->harts[offset / 4];
            h->msip = value & 1;    /* upper bits are WARL zero */
            dev_irq_set(&h->msip_irq, h->msip);
        }
        return;
    }
    if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8u * c->nr_harts) {
        ClintHart *h = &c->harts[(offset - CLINT_MTIMECMP) / 8];
        h->mtimecmp = clint_merge(h->mtimecmp, offset, size, value);
        clint_update_timer(h);
        return;
    }
    if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) {
        uint64_t now = clint_ticks_locked(c);
        uint64_t want = clint_merge(now, offset, size, value);
        c->offset += (int64_t)(want - now);
        for (unsigned i = 0; i < c->nr_harts; i++) {
            clint_update_timer(&c->harts[i]);
        }
    }
}

static const MemOps clint_ops = {
    .read = clint_read,
    .write = clint_write,
    .min_size = 4,
    .max_size = 8,
    .endian = MEM_LITTLE_ENDIAN,
    .unaligned = MEM_UNALIGNED_REJECT,
};

uint64_t clint_mtime(Device *dev)
{
    g_assert(dev->cls == &clint_class);
    Clint *c = (Clint *)dev;
    g_mutex_lock(&c->lock);
    uint64_t t = clint_ticks_locked(c);
    g_mutex_unlock(&c->lock);
    return t;
}

uint64_t clint_timebase(Device *dev)
{
    g_assert(dev->cls == &clint_class);
    return ((Clint *)dev)->freq;
}

static void clint_reset(Device *dev)
{
    Clint *c = (Clint *)dev;
    g_mutex_lock(&c->lock);
    c->offset = 0;
    c->offset = -(int64_t)clint_ticks_locked(c);     /* mtime restarts at 0 */
    for (unsigned i = 0; i < c->nr_harts; i++) {
        ClintHart *h = &c->harts[i];
        h->msip = false;
        h->mtimecmp = UINT64_MAX;
        dev_irq_set(&h->msip_irq, false);
        clint_update_timer(h);
    }
    g_mutex_unlock(&c->lock);
}

static void clint_destroy(Device *dev)
{
    Clint *c = (Clint *)dev;
    for (unsigned i = 0; i < c->nr_harts; i++) {
        dev_timer_destroy(&c->harts[i].timer);
    }
    mem_region_destroy(&c->mmio);
    g_mutex_clear(&c->lock);
    g_free(c->harts);
    g_free(c->dev.name);
    g_free(c);
}

static Device *clint_create(Board *board, const DevConfig *cfg, GError **error)
{
    uint64_t freq;
    if (!dev_prop_u64(cfg, "timebase-frequency", 10000000, &freq, error)) {
        return NULL;
    }
    if (freq == 0 || freq > 1000000000u || board->harts > CLINT_MAX_HARTS) {
        g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_CONFIG,
                    "timebase-frequency must be 1..1e9");
        return NULL;
    }
    Clint *c = g_new0(Clint, 1);
    dev_init_head(&c->dev, &clint_class, board, cfg, CLINT_SIZE);
    g_mutex_init(&c->lock);
    c->clock = &board->clock;
    c->freq = freq;
    c->nr_harts = board->harts;
    c->harts = g_new0(ClintHart, c->nr_harts);
    for (unsigned i = 0; i < c->nr_harts; i++) {
        ClintHart *h = &c->harts[i];
        h->clint = c;
        h->hart = i;
        h->msip_irq = board_cpu_irq_line(board, i, BOARD_RV_IRQ_MSIP);
        h->mtip_irq = board_cpu_irq_line(board, i, BOARD_RV_IRQ_MTIP);
        dev_timer_init(&h->timer, c->clock, clint_timer_fired, h, &c->lock);
    }
    mem_region_init_io(&c->mmio, cfg->name, &clint_ops, c, c->dev.size);
    mem_region_set_lock(&c->mmio, &c->lock);
    if (!board_map(board, cfg->base, &c->mmio, error)) {
        clint_destroy(&c->dev);
        return NULL;
    }
    clint_reset(&c->dev);
    return &c->dev;
}

const DevClass clint_class = {
    .name = "clint",
    .desc = "RISC-V ACLINT / SiFive CLINT (msip, mtimecmp, mtime)",
    .create = clint_create,
    .reset = clint_reset,
    .destroy = clint_destroy,
};
