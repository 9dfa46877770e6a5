/*
 * platform/devices/goldfish_rtc.c -- Android goldfish real-time clock.
 *
 * Registers from the goldfish virtual platform spec (android emulator
 * docs/GOLDFISH-VIRTUAL-HARDWARE.TXT) and QEMU hw/rtc/goldfish_rtc.c: a 64-bit
 * nanosecond wall clock read as TIME_LOW then TIME_HIGH (reading LOW latches HIGH so
 * the pair is consistent), writable to set the time; a one-shot alarm (ALARM_HIGH
 * then ALARM_LOW arms it), its interrupt enable, status and clear. The time is the
 * host's realtime clock plus an offset; the alarm becomes a DevTimer deadline.
 */
#include "platform/boards/board.h"

enum {
    RTC_TIME_LOW = 0x00,
    RTC_TIME_HIGH = 0x04,
    RTC_ALARM_LOW = 0x08,
    RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10,
    RTC_CLEAR_ALARM = 0x14,
    RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

typedef struct GoldfishRtc {
    Device dev;
    MemRegion mmio;
    GMutex lock;
    IrqLine irq;
    DevTimer timer;
    int64_t offset_ns;          /* guest time = host realtime + offset */
    uint64_t alarm_next;
    bool alarm_running;
    bool irq_pending;
    bool irq_enabled;
    uint32_t time_high;         /* latched by a TIME_LOW read */
} GoldfishRtc;

static uint64_t goldfish_rtc_now(GoldfishRtc *r)
{
    return (uint64_t)g_get_real_time() * 1000u + (uint64_t)r->offset_ns;
}

static void goldfish_rtc_update_irq(GoldfishRtc *r)
{
    dev_irq_set(&r->irq, r->irq_pending && r->irq_enabled);
}

static void goldfish_rtc_fire(GoldfishRtc *r)
{
    r->alarm_running = false;
    r->irq_pending = true;
    dev_timer_del(&r->timer);
    goldfish_rtc_update_irq(r);
}

static void goldfish_rtc_arm(GoldfishRtc *r)
{
    uint64_t now = goldfish_rtc_now(r);
    if (r->alarm_next <= now) {
        goldfish_rtc_fire(r);
        return;
    }
    DevClock *clock = r->timer.clock;
    r->alarm_running = true;
    dev_timer_mod(&r->timer, dev_clock_now(clock) + (r->alarm_next - now));
}

static void goldfish_rtc_timer_fired(void *opaque)
{
    GoldfishRtc *r = opaque;
    if (r->alarm_running) {
        goldfish_rtc_arm(r);    /* fires if due; re-arms if the wall clock was behind */
    }
}

static uint64_t goldfish_rtc_read(void *opaque, uint64_t offset, unsigned size)
{
    GoldfishRtc *r = opaque;
    switch (offset) {
    case RTC_TIME_LOW: {
        uint64_t now = goldfish_rtc_now(r);
        r->time_high = (uint32_t)(now >> 32);
        return (uint32_t)now;
    }
    case RTC_TIME_HIGH:
        return r->time_high;
    case RTC_ALARM_LOW:
        return (uint32_t)r->alarm_next;
    case RTC_ALARM_HIGH:
        return (uint32_t)(r->alarm_next >> 32);
    case RTC_IRQ_ENABLED:
        return r->irq_enabled;
    case RTC_ALARM_STATUS:
        return r->alarm_running;
    }
    return 0;
}

static void goldfish_rtc_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    GoldfishRtc *r = opaque;
    uint32_t v = (uint32_t)value;
    switch (offset) {
    case RTC_TIME_LOW: {
        uint64_t now = goldfish_rtc_now(r);
        uint64_t want = (now & ~UINT64_C(0xffffffff)) | v;
        r->offset_ns += (int64_t)(want - now);
        break;
    }
    case RTC_TIME_HIGH: {
        uint64_t now = goldfish_rtc_now(r);
        uint64_t want = ((uint64_t)v << 32) | (now & 0xffffffffu);
        r->offset_ns += (int64_t)(want - now);
        break;
    }
    case RTC_ALARM_LOW:
        r->alarm_next = (r->alarm_next & ~UINT64_C(0xffffffff)) | v;
        goldfish_rtc_arm(r);
        break;
    case RTC_ALARM_HIGH:
        r->alarm_next = ((uint64_t)v << 32) | (r->alarm_next & 0xffffffffu);
        break;
    case RTC_IRQ_ENABLED:
        r->irq_enabled = v & 1;
        goldfish_rtc_update_irq(r);
        break;
    case RTC_CLEAR_ALARM:
        r->alarm_running = false;
        dev_timer_del(&r->timer);
        break;
    case RTC_CLEAR_INTERRUPT:
        r->irq_pending = false;
        goldfish_rtc_update_irq(r);
        break;
    }
}

static const MemOps goldfish_rtc_ops = {
    .read = goldfish_rtc_read,
    .write = goldfish_rtc_write,
    .min_size = 4,
    .max_size = 4,
    .endian = MEM_LITTLE_ENDIAN,
    .unaligned = MEM_UNALIGNED_REJECT,
};

static void goldfish_rtc_reset(Device *dev)
{
    GoldfishRtc *r = (GoldfishRtc *)dev;
    g_mutex_lock(&r->lock);
    dev_timer_del(&r->timer);
    r->alarm_next = 0;
    r->alarm_running = false;
    r->irq_pending = false;
    r->irq_enabled = false;
    r->time_high = 0;
    goldfish_rtc_update_irq(r);
    g_mutex_unlock(&r->lock);
}

static void goldfish_rtc_destroy(Device *dev)
{
    GoldfishRtc *r = (GoldfishRtc *)dev;
    dev_timer_destroy(&r->timer);
    mem_region_destroy(&r->mmio);
    g_mutex_clear(&r->lock);
    g_free(r->dev.name);
    g_free(r);
}

static Device *goldfish_rtc_create(Board *board, const DevConfig *cfg, GError **error)
{
    GoldfishRtc *r = g_new0(GoldfishRtc, 1);
    dev_init_head(&r->dev, &goldfish_rtc_class, board, cfg, 0x1000);
    g_mutex_init(&r->lock);
    r->irq = cfg->nr_irq ? cfg->irq[0] : (IrqLine){ 0 };
    dev_timer_init(&r->timer, &board->clock, goldfish_rtc_timer_fired, r, &r->lock);
    mem_region_init_io(&r->mmio, cfg->name, &goldfish_rtc_ops, r, r->dev.size);
    mem_region_set_lock(&r->mmio, &r->lock);
    if (!board_map(board, cfg->base, &r->mmio, error)) {
        goldfish_rtc_destroy(&r->dev);
        return NULL;
    }
    goldfish_rtc_reset(&r->dev);
    return &r->dev;
}

const DevClass goldfish_rtc_class = {
    .name = "goldfish_rtc",
    .desc = "Goldfish real-time clock with alarm",
    .create = goldfish_rtc_create,
    .reset = goldfish_rtc_reset,
    .destroy = goldfish_rtc_destroy,
};
