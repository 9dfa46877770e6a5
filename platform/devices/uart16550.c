/*
 * platform/devices/uart16550.c -- National Semiconductor PC16550D UART ("ns16550a").
 *
 * Register-level model after the PC16550D datasheet (TI SNLS378C): the eight registers
 * RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR, the divisor latch behind LCR.DLAB,
 * the 16-byte receive FIFO with its trigger levels and character timeout, and the
 * interrupt priority of datasheet table 4. Transmission is instant (the byte goes to
 * the character backend when THR is written), so THR and the transmitter are always
 * empty again by the time the guest looks: LSR reads 0x60 idle, as on QEMU. Input is
 * pulled from the backend only while the FIFO has room, so nothing is ever overrun.
 * Used by Linux's 8250 driver and earlycon, OpenSBI and U-Boot on virt and ppce500,
 * and by everything on a PC's COM1.
 */
#include <string.h>

#include "platform/boards/board.h"
#include "platform/devices/chardev.h"
#include "platform/devices/clock.h"
#include "platform/devices/dev.h"

#define UART16550_FIFO_SIZE 16

/* Register numbers (offset >> reg-shift). */
enum {
    UART_RBR_THR_DLL = 0,
    UART_IER_DLM = 1,
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define UART_IER_RDI 0x01   /* received data available */
#define UART_IER_THRI 0x02  /* transmitter holding register empty */
#define UART_IER_RLSI 0x04  /* receiver line status */
#define UART_IER_MSI 0x08   /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_CTI 0x0c   /* character timeout, FIFO mode */
#define UART_IIR_FIFO 0xc0

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_INT_ANY (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80
#define UART_MSR_DELTA 0x0f

typedef struct Uart16550 {
    Device dev;
    MemRegion mmio;
    GMutex lock;
    IrqLine irq;
    Chardev *chr;
    DevTimer timeout;           /* character timeout (FIFO mode, below trigger level) */
    unsigned reg_shift;
    uint64_t clock_hz;

    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;
    uint8_t rx[UART16550_FIFO_SIZE];
    unsigned rx_head, rx_count;
    bool thr_ipending;          /* THRE interrupt until IIR is read or THR written */
    bool timeout_ipending;
} Uart16550;

static unsigned uart16550_trigger(const Uart16550 *u)
{
    static const unsigned levels[4] = { 1, 4, 8, 14 };
    return (u->fcr & UART_FCR_ENABLE) ? levels[u->fcr >> 6] : 1;
}

static unsigned uart16550_capacity(const Uart16550 *u)
{
    return (u->fcr & UART_FCR_ENABLE) ? UART16550_FIFO_SIZE : 1;
}

/* Datasheet table 4: the highest-priority pending interrupt. */
static uint8_t uart16550_iir_id(const Uart16550 *u)
{
    if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_INT_ANY)) {
        return UART_IIR_RLSI;
    }
    if ((u->ier & UART_IER_RDI) && u->rx_count >= uart16550_trigger(u)) {
        return UART_IIR_RDI;
    }
    if ((u->ier & UART_IER_RDI) && u->timeout_ipending) {
        return UART_IIR_CTI;
    }
    if ((u->ier & UART_IER_THRI) && u->thr_ipending) {
        return UART_IIR_THRI;
    }
    if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_DELTA)) {
        return UART_IIR_MSI;
    }
    return UART_IIR_NO_INT;
}

static void uart16550_update_irq(Uart16550 *u)
{
    dev_irq_set(&u->irq, uart16550_iir_id(u) != UART_IIR_NO_INT);
}

/* Four character times at the programmed rate (start + 8 data + stop = 10 bits). */
static uint64_t uart16550_char_ns(const Uart16550 *u)
{
    uint64_t div = u->divisor ? u->divisor : 1;
    return 10 * div * 16 * UINT64_C(1000000000) / u->clock_hz;
}

static void uart16550_arm_timeout(Uart16550 *u)
{
    if ((u->fcr & UART_FCR_ENABLE) && u->rx_count > 0 && u->rx_count < uart16550_trigger(u)) {
        DevClock *clock = u->timeout.clock;
        dev_timer_mod(&u->timeout, dev_clock_now(clock) + 4 * uart16550_char_ns(u));
    } else {
        dev_timer_del(&u->timeout);
    }
}

static void uart16550_timeout_fired(void *opaque)
{
    Uart16550 *u = opaque;
    if (u->rx_count > 0) {
        u->timeout_ipending = true;
        uart16550_update_irq(u);
    }
}

static void uart16550_push_rx(Uart16550 *u, uint8_t c)
{
    if (u->rx_count == uart16550_capacity(u)) {
        u->lsr |= UART_LSR_OE;      /* only loopback can get here */
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % UART16550_FIFO_SIZE] = c;
    u->rx_count++;
    u->lsr |= UART_LSR_DR;
}

/* Pulls typed input while the FIFO has room. Called with u->lock held. */
static void uart16550_fill(Uart16550 *u)
{
    if (!u->chr || (u->mcr & UART_MCR_LOOP)) {
        return;
    }
    bool got = false;
    while (u->rx_count < uart16550_capacity(u)) {
        uint8_t c;
        if (chardev_read(u->chr, &c, 1) != 1) {
            break;
        }
        uart16550_push_rx(u, c);
        got = true;
    }
    if (got) {
        uart16550_arm_timeout(u);
    }
}

static void uart16550_rx_ready(void *opaque)
{
    Uart16550 *u = opaque;
    g_mutex_lock(&u->lock);
    uart16550_fill(u);
    uart16550_update_irq(u);
    g_mutex_unlock(&u->lock);
}

static uint8_t uart16550_pop_rx(Uart16550 *u)
{
    if (u->rx_count == 0) {
        return 0;
    }
    uint8_t c = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART16550_FIFO_SIZE;
    u->rx_count--;
    if (u->rx_count == 0) {
        u->lsr &= ~UART_LSR_DR;
    }
    u->timeout_ipending = false;
    return c;
}

static void uart16550_transmit(Uart16550 *u, uint8_t c)
{
    if (u->mcr & UART_MCR_LOOP) {
        uart16550_push_rx(u, c);        /* datasheet 8.6.4: THR loops back to RBR */
        uart16550_arm_timeout(u);
    } else if (u->chr) {
        chardev_write(u->chr, &c, 1);
    }
    /* The byte left at once: THR is empty again, which is itself an interrupt source. */
    u->thr_ipending = true;
    u->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
}

/* Modem inputs: in loopback the outputs feed them (datasheet 8.6.4); otherwise the
 * line is up (DCD, DSR, CTS), as QEMU reports with no modem behind it. */
static void uart16550_update_msr(Uart16550 *u)
{
    uint8_t old = u->msr;
    uint8_t in;
    if (u->mcr & UART_MCR_LOOP) {
        in = ((u->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
             ((u->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
             ((u->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
             ((u->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
    } else {
        in = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    }
    uint8_t delta = old & UART_MSR_DELTA;
    uint8_t changed = (old ^ in) & 0xf0;
    delta |= ((changed & UART_MSR_CTS) ? UART_MSR_DCTS : 0) |
             ((changed & UART_MSR_DSR) ? UART_MSR_DDSR : 0) |
             ((changed & UART_MSR_DCD) ? UART_MSR_DDCD : 0) |
             (((old & UART_MSR_RI) && !(in & UART_MSR_RI)) ? UART_MSR_TERI : 0);
    u->msr = in | delta;
}

static uint64_t uart16550_read(void *opaque, uint64_t offset, unsigned size)
{
    Uart16550 *u = opaque;
    if (offset & ((1u << u->reg_shift) - 1)) {
        return 0;
    }
    uint8_t v = 0;
    switch (offset >> u->reg_shift) {
    case UART_RBR_THR_DLL:
        if (u->lcr & UART_LCR_DLAB) {
            v = u->divisor & 0xff;
        } else {
            v = uart16550_pop_rx(u);
            uart16550_fill(u);
            uart16550_arm_timeout(u);
        }
        break;
    case UART_IER_DLM:
        v = (u->lcr & UART_LCR_DLAB) ? u->divisor >> 8 : u->ier;
        break;
    case UART_IIR_FCR:
        v = uart16550_iir_id(u);
        if (v == UART_IIR_THRI) {
            u->thr_ipending = false;    /* reading IIR clears a THRE interrupt it reports */
        }
        if (u->fcr & UART_FCR_ENABLE) {
            v |= UART_IIR_FIFO;
        }
        break;
    case UART_LCR:
        v = u->lcr;
        break;
    case UART_MCR:
        v = u->mcr;
        break;
    case UART_LSR:
        v = u->lsr;
        if (u->fcr & UART_FCR_ENABLE && (u->lsr & UART_LSR_INT_ANY)) {
            v |= 0x80;                  /* error in RCVR FIFO */
        }
        u->lsr &= ~UART_LSR_INT_ANY;    /* error bits clear when LSR is read */
        break;
    case UART_MSR:
        v = u->msr;
        u->msr &= ~UART_MSR_DELTA;
        break;
    case UART_SCR:
        v = u->scr;
        break;
    }
    uart16550_update_irq(u);
    return v;
}

static void uart16550_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    Uart16550 *u = opaque;
    if (offset & ((1u << u->reg_shift) - 1)) {
        return;
    }
    uint8_t v = (uint8_t)value;
    switch (offset >> u->reg_shift) {
    case UART_RBR_THR_DLL:
        if (u->lcr & UART_LCR_DLAB) {
            u->divisor = (u->divisor & 0xff00) | v;
        } else {
            u->thr_ipending = false;
            uart16550_transmit(u, v);
        }
        break;
    case UART_IER_DLM:
        if (u->lcr & UART_LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (v << 8));
        } else {
            uint8_t old = u->ier;
            u->ier = v & 0x0f;
            /* Enabling ETBEI with THR empty raises THRE at once (datasheet 8.6.3). */
            if (!(old & UART_IER_THRI) && (u->ier & UART_IER_THRI) &&
                (u->lsr & UART_LSR_THRE)) {
                u->thr_ipending = true;
            }
        }
        break;
    case UART_IIR_FCR: {
        uint8_t old = u->fcr;
        u->fcr = v & 0xc1;
        if ((old ^ v) & UART_FCR_ENABLE) {
            u->rx_count = 0;            /* switching FIFO mode resets both FIFOs */
            u->lsr &= ~UART_LSR_DR;
        }
        if (v & UART_FCR_CLEAR_RX) {
            u->rx_count = 0;
            u->lsr &= ~UART_LSR_DR;
            u->timeout_ipending = false;
        }
        if (v & UART_FCR_CLEAR_TX) {
            u->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
        }
        uart16550_fill(u);
        uart16550_arm_timeout(u);
        break;
    }
    case UART_LCR:
        u->lcr = v;
        break;
    case UART_MCR: {
        bool was_loop = u->mcr & UART_MCR_LOOP;
        u->mcr = v & 0x1f;
        uart16550_update_msr(u);
        if (was_loop && !(u->mcr & UART_MCR_LOOP)) {
            uart16550_fill(u);
        }
        break;
    }
    case UART_LSR:
    case UART_MSR:
        break;                          /* read-only (factory test only) */
    case UART_SCR:
        u->scr = v;
        break;
    }
    uart16550_update_irq(u);
}

static const MemOps uart16550_ops = {
    .read = uart16550_read,
    .write = uart16550_write,
    .min_size = 1,
    .max_size = 4,
    .endian = MEM_NATIVE,
    .unaligned = MEM_UNALIGNED_REJECT,
};

static void uart16550_reset(Device *dev)
{
    Uart16550 *u = (Uart16550 *)dev;
    g_mutex_lock(&u->lock);
    /* Datasheet table 5: reset values. */
    u->ier = 0;
    u->lcr = 0;
    u->mcr = 0;
    u->fcr = 0;
    u->scr = 0;
    u->divisor = 0;
    u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    u->msr = 0;
    uart16550_update_msr(u);
    u->msr &= ~UART_MSR_DELTA;
    u->rx_head = 0;
    u->rx_count = 0;
    u->thr_ipending = false;
    u->timeout_ipending = false;
    dev_timer_del(&u->timeout);
    uart16550_fill(u);
    uart16550_update_irq(u);
    g_mutex_unlock(&u->lock);
}

static void uart16550_destroy(Device *dev)
{
    Uart16550 *u = (Uart16550 *)dev;
    if (u->chr) {
        chardev_set_rx_handler(u->chr, NULL, NULL);
    }
    dev_timer_destroy(&u->timeout);
    mem_region_destroy(&u->mmio);
    g_mutex_clear(&u->lock);
    g_free(u->dev.name);
    g_free(u);
}

static Device *uart16550_create(Board *board, const DevConfig *cfg, GError **error)
{
    uint64_t shift, hz;
    if (!dev_prop_u64(cfg, "reg-shift", 0, &shift, error) ||
        !dev_prop_u64(cfg, "clock-frequency", 3686400, &hz, error)) {
        return NULL;
    }
    if (shift > 2 || hz == 0) {
        g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_CONFIG,
                    "reg-shift must be 0..2 and clock-frequency non-zero");
        return NULL;
    }
    Uart16550 *u = g_new0(Uart16550, 1);
    dev_init_head(&u->dev, &uart16550_class, board, cfg, 8u << shift);
    g_mutex_init(&u->lock);
    u->reg_shift = (unsigned)shift;
    u->clock_hz = hz;
    u->irq = cfg->nr_irq ? cfg->irq[0] : (IrqLine){ 0 };
    dev_timer_init(&u->timeout, &board->clock, uart16550_timeout_fired, u, &u->lock);
    mem_region_init_io(&u->mmio, cfg->name, &uart16550_ops, u, u->dev.size);
    mem_region_set_lock(&u->mmio, &u->lock);
    if (!board_map(board, cfg->base, &u->mmio, error)) {
        uart16550_destroy(&u->dev);
        return NULL;
    }
    u->chr = board_take_serial(board);
    uart16550_reset(&u->dev);
    if (u->chr) {
        chardev_set_rx_handler(u->chr, uart16550_rx_ready, u);
    }
    return &u->dev;
}

const DevClass uart16550_class = {
    .name = "ns16550a",
    .desc = "16550A UART",
    .create = uart16550_create,
    .reset = uart16550_reset,
    .destroy = uart16550_destroy,
};
