/*
 * platform/devices/plic.c -- the SiFive platform-level interrupt controller.
 *
 * Register map and semantics of the RISC-V PLIC specification 1.0.0 as QEMU's virt
 * lays it out: priority[source] at 0x0 + 4*id, pending bits at 0x1000, per-context
 * enable bits at 0x2000 + 0x80*ctx, per-context threshold at 0x200000 + 0x1000*ctx and
 * claim/complete at +4. Two contexts per hart (M then S), driving the hart's MEIP and
 * SEIP inputs. Sources 1..`sources` exist (id 0 means "none"); priorities have 3 bits.
 *
 * Gateways are level-triggered (spec ch. 5): a high source becomes pending unless it
 * is already pending or claimed; a claim clears pending and marks the source in
 * service; the completion re-opens the gateway, so a source that is still high is
 * pending again at once. Claims are not gated by the threshold (spec ch. 8: "the claim
 * operation is not affected by the setting of the priority threshold register"), only
 * the notification is. Only 32-bit accesses are accepted, as the spec requires.
 */
#include <string.h>

#include "platform/boards/board.h"

#define PLIC_PRIORITY 0x0
#define PLIC_PENDING 0x1000
#define PLIC_ENABLE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_MAX_SOURCES 1023
#define PLIC_PRIO_MASK 0x7      /* QEMU virt: VIRT_IRQCHIP_NUM_PRIO_BITS = 3 */

typedef struct Plic {
    Device dev;
    MemRegion mmio;
    GMutex lock;
    unsigned nr_ids;            /* sources + 1: id 0 is reserved */
    unsigned nr_words;          /* 32-bit words of one pending/enable bitmap */
    unsigned nr_contexts;
    uint32_t *priority;         /* [nr_ids] */
    uint32_t *pending;          /* [nr_words] */
    uint32_t *claimed;          /* [nr_words]: in service, gateway closed */
    uint32_t *level;            /* [nr_words]: current input levels */
    uint32_t *enable;           /* [nr_contexts * nr_words] */
    uint32_t *threshold;        /* [nr_contexts] */
    IrqLine *out;               /* [nr_contexts] */
} Plic;

static bool plic_bit(const uint32_t *map, unsigned id)
{
    return (map[id / 32] >> (id % 32)) & 1;
}

static void plic_set_bit(uint32_t *map, unsigned id, bool on)
{
    if (on) {
        map[id / 32] |= 1u << (id % 32);
    } else {
        map[id / 32] &= ~(1u << (id % 32));
    }
}

/* Highest-priority pending enabled source of ctx with priority > floor; ties go to the
 * lowest id (spec ch. 6). */
static unsigned plic_best(const Plic *p, unsigned ctx, uint32_t floor)
{
    const uint32_t *en = &p->enable[ctx * p->nr_words];
    unsigned best = 0;
    uint32_t best_prio = floor;
    for (unsigned w = 0; w < p->nr_words; w++) {
        uint32_t bits = p->pending[w] & en[w];
        while (bits) {
            unsigned id = w * 32 + (unsigned)__builtin_ctz(bits);
            bits &= bits - 1;
            if (p->priority[id] > best_prio) {
                best_prio = p->priority[id];
                best = id;
            }
        }
    }
    return best;
}

static void plic_update(Plic *p)
{
    for (unsigned ctx = 0; ctx < p->nr_contexts; ctx++) {
        dev_irq_set(&p->out[ctx], plic_best(p, ctx, p->threshold[ctx]) != 0);
    }
}

/* The gateway: an input that is high and not in service becomes pending. */
static void plic_gateway(Plic *p, unsigned id)
{
    if (plic_bit(p->level, id) && !plic_bit(p->claimed, id)) {
        plic_set_bit(p->pending, id, true);
    }
}

static void plic_set_input(void *opaque, unsigned id, bool level)
{
    Plic *p = opaque;
    g_mutex_lock(&p->lock);
    plic_set_bit(p->level, id, level);
    plic_gateway(p, id);
    plic_update(p);
    g_mutex_unlock(&p->lock);
}

static uint64_t plic_read(void *opaque, uint64_t offset, unsigned size)
{
    Plic *p = opaque;
    if (offset < PLIC_PENDING) {
        unsigned id = (unsigned)(offset / 4);
        return id < p->nr_ids ? p->priority[id] : 0;
    }
    if (offset < PLIC_ENABLE) {
        unsigned w = (unsigned)((offset - PLIC_PENDING) / 4);
        return w < p->nr_words ? p->pending[w] : 0;
    }
    if (offset < PLIC_CONTEXT) {
        unsigned ctx = (unsigned)((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
        unsigned w = (unsigned)((offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE / 4);
        if (ctx < p->nr_contexts && w < p->nr_words) {
            return p->enable[ctx * p->nr_words + w];
        }
        return 0;
    }
    unsigned ctx = (unsigned)((offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
    unsigned reg = (unsigned)((offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE);
    if (ctx >= p->nr_contexts) {
        return 0;
    }
    if (reg == 0) {
        return p->threshold[ctx];
    }
    if (reg == 4) {
        /* Claim: the best pending source regardless of threshold, priority 0 never. */
        unsigned id = plic_best(p, ctx, 0);
        if (id) {
            plic_set_bit(p->pending, id, false);
            plic_set_bit(p->claimed, id, true);
            plic_update(p);
        }
        return id;
    }
    return 0;
}

static void plic_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    Plic *p = opaque;
    uint32_t v = (uint32_t)value;
    if (offset < PLIC_PENDING) {
        unsigned id = (unsigned)(offset / 4);
        if (id > 0 && id < p->nr_ids) {
            p->priority[id] = v & PLIC_PRIO_MASK;
        }
    } else if (offset < PLIC_ENABLE) {
        return;                 /* pending bits are read-only */
    } else if (offset < PLIC_CONTEXT) {
        unsigned ctx = (unsigned)((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
        unsigned w = (unsigned)((offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE / 4);
        if (ctx < p->nr_contexts && w < p->nr_words) {
            uint32_t valid = ~0u;
            if (w == 0) {
                valid &= ~1u;   /* id 0 does not exist */
            }
            if (w == p->nr_words - 1 && p->nr_ids % 32) {
                valid &= (1u << (p->nr_ids % 32)) - 1;
            }
            p->enable[ctx * p->nr_words + w] = v & valid;
        }
    } else {
        unsigned ctx = (unsigned)((offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
        unsigned reg = (unsigned)((offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE);
        if (ctx >= p->nr_contexts) {
            return;
        }
        if (reg == 0) {
            p->threshold[ctx] = v & PLIC_PRIO_MASK;
        } else if (reg == 4) {
            /* Completion of a source not enabled for this context is ignored (ch. 9). */
            if (v > 0 && v < p->nr_ids && plic_bit(&p->enable[ctx * p->nr_words], v)) {
                plic_set_bit(p->claimed, v, false);
                plic_gateway(p, v);
            }
        } else {
            return;
        }
    }
    plic_update(p);
}

static const MemOps plic_ops = {
    .read = plic_read,
    .write = plic_write,
    .min_size = 4,
    .max_size = 4,
    .endian = MEM_LITTLE_ENDIAN,
    .unaligned = MEM_UNALIGNED_REJECT,
};

static bool plic_irq_input(Device *dev, unsigned n, IrqLine *line, GError **error)
{
    Plic *p = (Plic *)dev;
    if (n == 0 || n >= p->nr_ids) {
        g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_IRQ, "%s has sources 1..%u, not %u",
                    dev->name, p->nr_ids - 1, n);
        return false;
    }
    *line = (IrqLine){ .handler = plic_set_input, .opaque = p, .n = n };
    return true;
}

static void plic_reset(Device *dev)
{
    Plic *p = (Plic *)dev;
    g_mutex_lock(&p->lock);
    memset(p->priority, 0, p->nr_ids * sizeof(uint32_t));
    memset(p->pending, 0, p->nr_words * sizeof(uint32_t));
    memset(p->claimed, 0, p->nr_words * sizeof(uint32_t));
    memset(p->enable, 0, p->nr_contexts * p->nr_words * sizeof(uint32_t));
    memset(p->threshold, 0, p->nr_contexts * sizeof(uint32_t));
    /* Levels survive: they belong to the sources, which reset on their own. */
    plic_update(p);
    g_mutex_unlock(&p->lock);
}

static void plic_destroy(Device *dev)
{
    Plic *p = (Plic *)dev;
    mem_region_destroy(&p->mmio);
    g_mutex_clear(&p->lock);
    g_free(p->priority);
    g_free(p->pending);
    g_free(p->claimed);
    g_free(p->level);
    g_free(p->enable);
    g_free(p->threshold);
    g_free(p->out);
    g_free(p->dev.name);
    g_free(p);
}

static Device *plic_create(Board *board, const DevConfig *cfg, GError **error)
{
    uint64_t sources;
    if (!dev_prop_u64(cfg, "sources", 96, &sources, error)) {
        return NULL;
    }
    if (sources == 0 || sources > PLIC_MAX_SOURCES) {
        g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_CONFIG, "sources must be 1..%d",
                    PLIC_MAX_SOURCES);
        return NULL;
    }
    Plic *p = g_new0(Plic, 1);
    p->nr_contexts = 2 * board->harts;
    dev_init_head(&p->dev, &plic_class, board, cfg,
                  PLIC_CONTEXT + (uint64_t)p->nr_contexts * PLIC_CONTEXT_STRIDE);
    g_mutex_init(&p->lock);
    p->nr_ids = (unsigned)sources + 1;
    p->nr_words = (p->nr_ids + 31) / 32;
    p->priority = g_new0(uint32_t, p->nr_ids);
    p->pending = g_new0(uint32_t, p->nr_words);
    p->claimed = g_new0(uint32_t, p->nr_words);
    p->level = g_new0(uint32_t, p->nr_words);
    p->enable = g_new0(uint32_t, p->nr_contexts * p->nr_words);
    p->threshold = g_new0(uint32_t, p->nr_contexts);
    p->out = g_new0(IrqLine, p->nr_contexts);
    for (unsigned h = 0; h < board->harts; h++) {
        p->out[2 * h] = board_cpu_irq_line(board, h, BOARD_RV_IRQ_MEIP);
        p->out[2 * h + 1] = board_cpu_irq_line(board, h, BOARD_RV_IRQ_SEIP);
    }
    mem_region_init_io(&p->mmio, cfg->name, &plic_ops, p, p->dev.size);
    mem_region_set_lock(&p->mmio, &p->lock);
    if (!board_map(board, cfg->base, &p->mmio, error)) {
        plic_destroy(&p->dev);
        return NULL;
    }
    plic_reset(&p->dev);
    return &p->dev;
}

const DevClass plic_class = {
    .name = "plic",
    .desc = "SiFive PLIC (level gateways, M and S context per hart)",
    .create = plic_create,
    .reset = plic_reset,
    .destroy = plic_destroy,
    .irq_input = plic_irq_input,
};
