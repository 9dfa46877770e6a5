/*
 * platform/devices/dev.h -- what every device model shares: the class table entry, the
 * configuration a board hands it, interrupt lines.
 *
 * A device never picks its own address or interrupt number: the board file does. A
 * device class is listed once in registry.c so board files can name it. Devices map
 * their registers through board_map() and raise interrupts through IrqLines the board
 * resolved before create() ran, so a device knows neither the interrupt controller
 * nor the CPU it ends up at.
 */
#ifndef MIMIC_DEVICES_DEV_H
#define MIMIC_DEVICES_DEV_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct Board Board;
typedef struct Device Device;
typedef struct DevClass DevClass;

#define MIMIC_DEV_ERROR (dev_error_quark())
GQuark dev_error_quark(void);

typedef enum DevErrorCode {
    DEV_ERROR_CONFIG,       /* bad or missing property */
    DEV_ERROR_IRQ,          /* interrupt input out of range */
    DEV_ERROR_BACKEND,      /* image file, host device */
} DevErrorCode;

/*
 * One interrupt wire: the receiving side's handler, its opaque pointer and the input
 * number on that side. Level-triggered: the source calls dev_irq_set() with the new
 * level whenever its output may have changed (setting the same level twice is fine).
 * An unconnected line (handler NULL) goes nowhere.
 */
typedef void (*IrqHandler)(void *opaque, unsigned n, bool level);
typedef struct IrqLine {
    IrqHandler handler;
    void *opaque;
    unsigned n;
} IrqLine;

static inline void dev_irq_set(const IrqLine *line, bool level)
{
    if (line->handler) {
        line->handler(line->opaque, line->n, level);
    }
}

#define DEV_MAX_IRQS 4

/* Looks up a symbol of the loaded program (value=@name properties); false if absent. */
typedef bool (*DevSymbolFn)(void *opaque, const char *name, uint64_t *value);

/* What the board file says about one device instance. */
typedef struct DevConfig {
    const char *name;           /* instance name: "uart0" from "[device uart0]" */
    uint64_t base;              /* first register address */
    uint64_t size;              /* 0 = the class's own size */
    IrqLine irq[DEV_MAX_IRQS];  /* outputs, resolved from irq=plic:10,... */
    unsigned nr_irq;
    GKeyFile *props;            /* the board file; properties are keys of `group` */
    const char *group;
    DevSymbolFn symbol;         /* set for devices placed after loading (base=@sym) */
    void *symbol_opaque;
} DevConfig;

/* Common head of every device struct (first member, so Device * <-> Uart16550 *). */
struct Device {
    const DevClass *cls;
    char *name;
    Board *board;
    uint64_t base;
    uint64_t size;
};

struct DevClass {
    const char *name;           /* board-file class= value */
    const char *desc;           /* one line for `mimic machines` */
    Device *(*create)(Board *board, const DevConfig *cfg, GError **error);
    void (*reset)(Device *dev);
    void (*destroy)(Device *dev);               /* unmapped already; free everything */
    /* Interrupt controllers: the line feeding input n (board-file irq=<this>:n). */
    bool (*irq_input)(Device *dev, unsigned n, IrqLine *line, GError **error);
    /* Power-off or exit: make guest-visible state durable (flush disk images). */
    void (*sync)(Device *dev);
};

/* --- The classes (one file each) and the registry that lists them (registry.c) --- */
extern const DevClass uart16550_class;
extern const DevClass clint_class;
extern const DevClass plic_class;
extern const DevClass sifive_test_class;
extern const DevClass goldfish_rtc_class;
extern const DevClass htif_class;
extern const DevClass virtio_mmio_class;

const DevClass *dev_class_find(const char *name);
const DevClass *const *dev_class_list(unsigned *count);

/* --- Properties of cfg->group, with the default used when the key is absent.
 * Numbers may also be @symbol where cfg->symbol is set. --- */
bool dev_prop_u64(const DevConfig *cfg, const char *key, uint64_t def, uint64_t *out,
                  GError **error);
char *dev_prop_str(const DevConfig *cfg, const char *key, const char *def);
/* Parses 123, 0x7b, 0o173 and the suffixes K, M, G (binary); false on junk. */
bool dev_parse_u64(const char *text, uint64_t *out);

/* Fill the common head; the device struct embeds Device first. */
void dev_init_head(Device *dev, const DevClass *cls, Board *board, const DevConfig *cfg,
                   uint64_t default_size);

#endif
