/*
 * platform/devices/htif.c -- Berkeley host-target interface (spike's tohost/fromhost).
 *
 * The program under test owns two 64-bit words, `tohost` and `fromhost`, found by
 * their ELF symbols (the board file says base=@tohost, fromhost=@fromhost). A write
 * to tohost is a command: device = bits 63:56, command = 55:48, payload = 47:0
 * (riscv-isa-sim fesvr/htif.cc, QEMU hw/char/riscv_htif.c):
 *   device 0, command 0, payload odd: the program ends with exit status payload >> 1
 *             (riscv-tests' pass is 1, a failure of test N is (N << 1) | 1);
 *   device 1, command 1: console putchar of the low byte; acknowledged in fromhost;
 *   device 1, command 0: console getchar; the next typed byte arrives in fromhost.
 * Other commands (the proxy-kernel syscall interface) are acknowledged and ignored.
 * tohost returns to 0 once a command is taken, which is what the program polls for.
 * RV32 programs write tohost as two words; the high word's write issues the command.
 */
#include "platform/boards/board.h"

#define HTIF_DEV_SYSCALL 0
#define HTIF_DEV_CONSOLE 1
#define HTIF_CONSOLE_GETC 0
#define HTIF_CONSOLE_PUTC 1

typedef struct Htif {
    Device dev;
    MemRegion tohost_mr;
    MemRegion fromhost_mr;
    GMutex lock;
    Chardev *chr;
    uint64_t tohost;
    uint64_t fromhost;
    bool getc_waiting;
} Htif;

static uint64_t htif_response(unsigned device, unsigned cmd, uint64_t payload)
{
    return ((uint64_t)device << 56) | ((uint64_t)cmd << 48) | (payload & 0xffffffffffffu);
}

static void htif_try_getc(Htif *h)
{
    uint8_t c;
    if (h->getc_waiting && h->fromhost == 0 && h->chr && chardev_read(h->chr, &c, 1) == 1) {
        h->getc_waiting = false;
        h->fromhost = htif_response(HTIF_DEV_CONSOLE, HTIF_CONSOLE_GETC, c);
    }
}

static void htif_command(Htif *h, uint64_t value)
{
    unsigned device = (unsigned)(value >> 56);
    unsigned cmd = (unsigned)((value >> 48) & 0xff);
    uint64_t payload = value & 0xffffffffffffu;
    h->tohost = 0;
    if (device == HTIF_DEV_SYSCALL && cmd == 0 && (payload & 1)) {
        int code = (int)(payload >> 1);
        board_request_exit(h->dev.board, code ? BOARD_EXIT_FAIL : BOARD_EXIT_POWER_OFF, code);
        return;
    }
    if (device == HTIF_DEV_CONSOLE && cmd == HTIF_CONSOLE_PUTC) {
        uint8_t c = (uint8_t)payload;
        if (h->chr) {
            chardev_write(h->chr, &c, 1);
        }
        h->fromhost = htif_response(device, cmd, 0);
        return;
    }
    if (device == HTIF_DEV_CONSOLE && cmd == HTIF_CONSOLE_GETC) {
        h->getc_waiting = true;
        htif_try_getc(h);
        return;
    }
    h->fromhost = htif_response(device, cmd, 0);
}

static void htif_rx_ready(void *opaque)
{
    Htif *h = opaque;
    g_mutex_lock(&h->lock);
    htif_try_getc(h);
    g_mutex_unlock(&h->lock);
}

static uint64_t htif_half(uint64_t reg, uint64_t offset, unsigned size)
{
    if (size == 8) {
        return reg;
    }
    return (offset & 4) ? reg >> 32 : (uint32_t)reg;
}

static uint64_t htif_tohost_read(void *opaque, uint64_t offset, unsigned size)
{
    Htif *h = opaque;
    return htif_half(h->tohost, offset, size);
}

static void htif_tohost_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    Htif *h = opaque;
    if (size == 8) {
        htif_command(h, value);
    } else if (offset & 4) {
        htif_command(h, (value << 32) | (uint32_t)h->tohost);
    } else {
        h->tohost = (h->tohost & ~UINT64_C(0xffffffff)) | (uint32_t)value;
    }
}

static uint64_t htif_fromhost_read(void *opaque, uint64_t offset, unsigned size)
{
    Htif *h = opaque;
    return htif_half(h->fromhost, offset, size);
}

static void htif_fromhost_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    Htif *h = opaque;
    if (size == 8) {
        h->fromhost = value;
    } else if (offset & 4) {
        h->fromhost = (value << 32) | (uint32_t)h->fromhost;
    } else {
        h->fromhost = (h->fromhost & ~UINT64_C(0xffffffff)) | (uint32_t)value;
    }
    htif_try_getc(h);           /* the program cleared fromhost: room for the next key */
}

static const MemOps htif_tohost_ops = {
    .read = htif_tohost_read,
    .write = htif_tohost_write,
    .min_size = 4,
    .max_size = 8,
    .endian = MEM_NATIVE,
    .unaligned = MEM_UNALIGNED_REJECT,
};

static const MemOps htif_fromhost_ops = {
    .read = htif_fromhost_read,
    .write = htif_fromhost_write,
    .min_size = 4,
    .max_size = 8,
    .endian = MEM_NATIVE,
    .unaligned = MEM_UNALIGNED_REJECT,
};

static void htif_reset(Device *dev)
{
    Htif *h = (Htif *)dev;
    g_mutex_lock(&h->lock);
    h->tohost = 0;
    h->fromhost = 0;
    h->getc_waiting = false;
    g_mutex_unlock(&h->lock);
}

static void htif_destroy(Device *dev)
{
    Htif *h = (Htif *)dev;
    if (h->chr) {
        chardev_set_rx_handler(h->chr, NULL, NULL);
    }
    mem_region_destroy(&h->tohost_mr);
    if (h->fromhost_mr.name) {
        mem_region_destroy(&h->fromhost_mr);
    }
    g_mutex_clear(&h->lock);
    g_free(h->dev.name);
    g_free(h);
}

static Device *htif_create(Board *board, const DevConfig *cfg, GError **error)
{
    uint64_t fromhost;
    if (!dev_prop_u64(cfg, "fromhost", cfg->base + 0x40, &fromhost, error)) {
        return NULL;
    }
    if (fromhost < cfg->base + 8 && fromhost + 8 > cfg->base) {
        g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_CONFIG,
                    "fromhost 0x%" G_GINT64_MODIFIER "x overlaps tohost", fromhost);
        return NULL;
    }
    Htif *h = g_new0(Htif, 1);
    dev_init_head(&h->dev, &htif_class, board, cfg, 8);
    g_mutex_init(&h->lock);
    mem_region_init_io(&h->tohost_mr, "htif.tohost", &htif_tohost_ops, h, 8);
    mem_region_set_lock(&h->tohost_mr, &h->lock);
    mem_region_init_io(&h->fromhost_mr, "htif.fromhost", &htif_fromhost_ops, h, 8);
    mem_region_set_lock(&h->fromhost_mr, &h->lock);
    /* The words live inside the program's RAM image: lay the registers over it. */
    if (!board_map_overlay(board, cfg->base, &h->tohost_mr, error)) {
        htif_destroy(&h->dev);
        return NULL;
    }
    if (!board_map_overlay(board, fromhost, &h->fromhost_mr, error)) {
        mem_as_unmap(&board->mem, &h->tohost_mr);
        htif_destroy(&h->dev);
        return NULL;
    }
    h->chr = board_take_serial(board);
    if (h->chr) {
        chardev_set_rx_handler(h->chr, htif_rx_ready, h);
    }
    return &h->dev;
}

const DevClass htif_class = {
    .name = "htif",
    .desc = "Berkeley HTIF at the program's tohost/fromhost (exit, console)",
    .create = htif_create,
    .reset = htif_reset,
    .destroy = htif_destroy,
};
