/*
 * platform/boards/fdt.c -- device tree generation (libfdt), loading and saving.
 *
 * The tree follows what QEMU 7.2 generates for riscv virt (hw/riscv/virt.c,
 * create_fdt_*; see /work/shared/guests/riscv64/qemu-virt.dts): /cpus with one cpu
 * and its riscv,cpu-intc per hart, /memory, /chosen, and /soc holding every device
 * with the node name, compatible strings and interrupt properties Linux, OpenSBI
 * and U-Boot bind to. Interrupts come from the board file's irq= wiring, so a user's
 * board gets a matching tree without code. Bindings: Documentation/devicetree/
 * bindings/ in Linux (riscv/cpus.yaml, interrupt-controller/sifive,plic-1.0.0.yaml,
 * timer/sifive,clint.yaml, serial/8250.yaml, power/reset/syscon-poweroff.yaml).
 */
#include "platform/boards/fdt.h"

#include <libfdt.h>
#include <string.h>

#include "platform/devices/clint.h"

#define BOARD_FDT_INITIAL_SIZE (64 * 1024)

/* Per-class node shape: node name and compatible list (NUL-separated). */
typedef struct BoardFdtClass {
    const char *cls;
    const char *node;
    const char *compat;
    size_t compat_len;
} BoardFdtClass;

#define FDT_COMPAT(s) s, sizeof(s)

static const BoardFdtClass board_fdt_classes[] = {
    { "ns16550a", "serial", FDT_COMPAT("ns16550a") },
    { "clint", "clint", FDT_COMPAT("sifive,clint0\0riscv,clint0") },
    { "plic", "plic", FDT_COMPAT("sifive,plic-1.0.0\0riscv,plic0") },
    { "sifive_test", "test", FDT_COMPAT("sifive,test1\0sifive,test0\0syscon") },
    { "goldfish_rtc", "rtc", FDT_COMPAT("google,goldfish-rtc") },
    { "virtio_mmio", "virtio_mmio", FDT_COMPAT("virtio,mmio") },
    { "htif", "htif", FDT_COMPAT("ucb,htif0") },
};

typedef struct BoardFdtCtx {
    Board *board;
    void *fdt;
    uint32_t next_phandle;
    uint32_t *intc_phandle;     /* per hart: its riscv,cpu-intc */
    GHashTable *dev_phandle;    /* Device * -> phandle */
    GError **error;
    bool failed;
} BoardFdtCtx;

/* Records the first libfdt failure; later calls become no-ops. */
static int board_fdt_check(BoardFdtCtx *ctx, int r, const char *what)
{
    if (r < 0 && !ctx->failed) {
        ctx->failed = true;
        g_set_error(ctx->error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "device tree: %s: %s",
                    what, fdt_strerror(r));
    }
    return r;
}

/*
 * Nodes are named by path, not offset: libfdt's offsets move whenever something is
 * inserted before them, so each access looks the node up again (the tree is small).
 * Returns the new node's path (freed by the caller).
 */
static char *board_fdt_node(BoardFdtCtx *ctx, const char *parent, const char *name)
{
    char *path = strcmp(parent, "/") == 0 ? g_strconcat("/", name, NULL)
                                          : g_strconcat(parent, "/", name, NULL);
    if (!ctx->failed) {
        int p = board_fdt_check(ctx, fdt_path_offset(ctx->fdt, parent), parent);
        if (p >= 0) {
            board_fdt_check(ctx, fdt_add_subnode(ctx->fdt, p, name), name);
        }
    }
    return path;
}

static void board_fdt_prop(BoardFdtCtx *ctx, const char *path, const char *name,
                           const void *val, int len)
{
    if (ctx->failed) {
        return;
    }
    int node = board_fdt_check(ctx, fdt_path_offset(ctx->fdt, path), path);
    if (node >= 0) {
        board_fdt_check(ctx, fdt_setprop(ctx->fdt, node, name, val, len), name);
    }
}

static void board_fdt_u32(BoardFdtCtx *ctx, const char *node, const char *name, uint32_t v)
{
    fdt32_t be = cpu_to_fdt32(v);
    board_fdt_prop(ctx, node, name, &be, sizeof(be));
}

static void board_fdt_str(BoardFdtCtx *ctx, const char *node, const char *name, const char *s)
{
    board_fdt_prop(ctx, node, name, s, (int)strlen(s) + 1);
}

static void board_fdt_cells(BoardFdtCtx *ctx, const char *node, const char *name, const uint32_t *v,
                            unsigned n)
{
    fdt32_t *be = g_new(fdt32_t, n ? n : 1);
    for (unsigned i = 0; i < n; i++) {
        be[i] = cpu_to_fdt32(v[i]);
    }
    board_fdt_prop(ctx, node, name, be, (int)(n * sizeof(fdt32_t)));
    g_free(be);
}

/* reg = <base-hi base-lo size-hi size-lo> with #address-cells = #size-cells = 2. */
static void board_fdt_reg(BoardFdtCtx *ctx, const char *node, uint64_t base, uint64_t size)
{
    uint32_t reg[4] = { (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
                        (uint32_t)size };
    board_fdt_cells(ctx, node, "reg", reg, 4);
}

static uint32_t board_fdt_phandle_of(BoardFdtCtx *ctx, Device *dev)
{
    uint32_t ph = GPOINTER_TO_UINT(g_hash_table_lookup(ctx->dev_phandle, dev));
    if (!ph) {
        ph = ctx->next_phandle++;
        g_hash_table_insert(ctx->dev_phandle, dev, GUINT_TO_POINTER(ph));
    }
    return ph;
}

static const BoardFdtClass *board_fdt_class(const char *cls)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(board_fdt_classes); i++) {
        if (strcmp(board_fdt_classes[i].cls, cls) == 0) {
            return &board_fdt_classes[i];
        }
    }
    return NULL;
}

static void board_fdt_cpus(BoardFdtCtx *ctx, const BoardFdtInfo *info, uint64_t timebase)
{
    Board *board = ctx->board;
    g_autofree char *cpus = board_fdt_node(ctx, "/", "cpus");
    board_fdt_u32(ctx, cpus, "#address-cells", 1);
    board_fdt_u32(ctx, cpus, "#size-cells", 0);
    board_fdt_u32(ctx, cpus, "timebase-frequency", (uint32_t)timebase);
    uint32_t *cpu_ph = g_new0(uint32_t, board->harts);
    for (unsigned h = 0; h < board->harts; h++) {
        cpu_ph[h] = ctx->next_phandle++;
        ctx->intc_phandle[h] = ctx->next_phandle++;
    }
    /* libfdt puts a new subnode in front of its siblings: cpu-map first, then the cpus
     * backwards, leaves cpu@0 first and cpu-map last, as in QEMU's tree. */
    g_autofree char *map = board_fdt_node(ctx, cpus, "cpu-map");
    g_autofree char *cluster = board_fdt_node(ctx, map, "cluster0");
    for (unsigned h = board->harts; h-- > 0;) {
        g_autofree char *name = g_strdup_printf("core%u", h);
        g_autofree char *core = board_fdt_node(ctx, cluster, name);
        board_fdt_u32(ctx, core, "cpu", cpu_ph[h]);
    }
    for (unsigned h = board->harts; h-- > 0;) {
        g_autofree char *name = g_strdup_printf("cpu@%u", h);
        g_autofree char *cpu = board_fdt_node(ctx, cpus, name);
        board_fdt_u32(ctx, cpu, "phandle", cpu_ph[h]);
        board_fdt_str(ctx, cpu, "device_type", "cpu");
        board_fdt_u32(ctx, cpu, "reg", h);
        board_fdt_str(ctx, cpu, "status", "okay");
        board_fdt_str(ctx, cpu, "compatible", "riscv");
        board_fdt_str(ctx, cpu, "riscv,isa", info && info->isa ? info->isa : "rv64imac");
        if (info && info->mmu_type) {
            board_fdt_str(ctx, cpu, "mmu-type", info->mmu_type);
        }
        g_autofree char *intc = board_fdt_node(ctx, cpu, "interrupt-controller");
        board_fdt_u32(ctx, intc, "#interrupt-cells", 1);
        board_fdt_prop(ctx, intc, "interrupt-controller", NULL, 0);
        board_fdt_str(ctx, intc, "compatible", "riscv,cpu-intc");
        board_fdt_u32(ctx, intc, "phandle", ctx->intc_phandle[h]);
    }
    g_free(cpu_ph);
}

/* interrupts-extended = <intc line ...> for each hart: CLINT (MSIP, MTIP) and PLIC
 * (MEIP, SEIP per context pair). */
static void board_fdt_per_hart_irqs(BoardFdtCtx *ctx, const char *node, unsigned a, unsigned b)
{
    unsigned n = ctx->board->harts;
    uint32_t *cells = g_new(uint32_t, 4 * n);
    for (unsigned h = 0; h < n; h++) {
        cells[4 * h + 0] = ctx->intc_phandle[h];
        cells[4 * h + 1] = a;
        cells[4 * h + 2] = ctx->intc_phandle[h];
        cells[4 * h + 3] = b;
    }
    board_fdt_cells(ctx, node, "interrupts-extended", cells, 4 * n);
    g_free(cells);
}

/* interrupt-parent and interrupts from irq=ctl:N[,...] (one parent per device). */
static void board_fdt_device_irqs(BoardFdtCtx *ctx, const char *node, const char *group)
{
    g_autofree char *spec = g_key_file_get_string(ctx->board->kf, group, "irq", NULL);
    if (!spec) {
        return;
    }
    g_auto(GStrv) items = g_strsplit(spec, ",", -1);
    uint32_t cells[DEV_MAX_IRQS];
    unsigned n = 0;
    Device *parent = NULL;
    for (unsigned i = 0; items[i] && n < DEV_MAX_IRQS; i++) {
        char *item = g_strstrip(items[i]);
        char *colon = strchr(item, ':');
        uint64_t num;
        if (!colon || !dev_parse_u64(colon + 1, &num)) {
            continue;           /* board creation already rejected these */
        }
        *colon = '\0';
        parent = board_find_device(ctx->board, item);
        cells[n++] = (uint32_t)num;
    }
    if (parent && n) {
        board_fdt_cells(ctx, node, "interrupts", cells, n);
        board_fdt_u32(ctx, node, "interrupt-parent", board_fdt_phandle_of(ctx, parent));
    }
}

static void board_fdt_device(BoardFdtCtx *ctx, const char *soc, Device *dev)
{
    Board *board = ctx->board;
    g_autofree char *group = g_strconcat("device ", dev->name, NULL);
    const BoardFdtClass *fc = board_fdt_class(dev->cls->name);
    g_autofree char *node_name = g_key_file_get_string(board->kf, group, "fdt-node", NULL);
    g_autofree char *compat = g_key_file_get_string(board->kf, group, "fdt-compatible", NULL);
    g_autofree char *space = g_key_file_get_string(board->kf, group, "space", NULL);
    if ((!fc && !(node_name && compat)) || (space && strcmp(g_strstrip(space), "io") == 0)) {
        return;                 /* a device the tree does not describe (or a PC port) */
    }
    const char *nn = node_name ? node_name : fc->node;
    if (strcmp(dev->cls->name, "htif") == 0) {
        /* QEMU spike: a top-level /htif node; the program finds tohost by symbol. */
        g_autofree char *node = board_fdt_node(ctx, "/", nn);
        board_fdt_prop(ctx, node, "compatible", fc->compat, (int)fc->compat_len);
        return;
    }
    g_autofree char *name = g_strdup_printf("%s@%" G_GINT64_MODIFIER "x", nn, dev->base);
    g_autofree char *node = board_fdt_node(ctx, soc, name);
    if (compat) {
        board_fdt_str(ctx, node, "compatible", compat);
    } else {
        board_fdt_prop(ctx, node, "compatible", fc->compat, (int)fc->compat_len);
    }
    board_fdt_reg(ctx, node, dev->base, dev->size);
    const char *cls = dev->cls->name;
    if (strcmp(cls, "clint") == 0) {
        board_fdt_per_hart_irqs(ctx, node, BOARD_RV_IRQ_MSIP, BOARD_RV_IRQ_MTIP);
    } else if (strcmp(cls, "plic") == 0) {
        uint64_t sources = 96;
        g_autofree char *s = g_key_file_get_string(board->kf, group, "sources", NULL);
        if (s) {
            dev_parse_u64(s, &sources);
        }
        board_fdt_u32(ctx, node, "phandle", board_fdt_phandle_of(ctx, dev));
        board_fdt_u32(ctx, node, "riscv,ndev", (uint32_t)sources);
        board_fdt_per_hart_irqs(ctx, node, BOARD_RV_IRQ_MEIP, BOARD_RV_IRQ_SEIP);
        board_fdt_prop(ctx, node, "interrupt-controller", NULL, 0);
        board_fdt_u32(ctx, node, "#address-cells", 0);
        board_fdt_u32(ctx, node, "#interrupt-cells", 1);
    } else if (strcmp(cls, "ns16550a") == 0) {
        uint64_t hz = 3686400;
        g_autofree char *s = g_key_file_get_string(board->kf, group, "clock-frequency", NULL);
        if (s) {
            dev_parse_u64(s, &hz);
        }
        board_fdt_u32(ctx, node, "clock-frequency", (uint32_t)hz);
    } else if (strcmp(cls, "sifive_test") == 0) {
        /* Linux powers off and reboots through syscon nodes pointing at the test device. */
        uint32_t ph = board_fdt_phandle_of(ctx, dev);
        board_fdt_u32(ctx, node, "phandle", ph);
        static const struct {
            const char *node, *compat;
            uint32_t value;
        } syscon[] = { { "reboot", "syscon-reboot", 0x7777 },
                       { "poweroff", "syscon-poweroff", 0x5555 } };
        for (unsigned i = 0; i < G_N_ELEMENTS(syscon); i++) {
            g_autofree char *sc = board_fdt_node(ctx, "/", syscon[i].node);
            board_fdt_u32(ctx, sc, "value", syscon[i].value);
            board_fdt_u32(ctx, sc, "offset", 0);
            board_fdt_u32(ctx, sc, "regmap", ph);
            board_fdt_str(ctx, sc, "compatible", syscon[i].compat);
        }
    }
    board_fdt_device_irqs(ctx, node, group);
}

/* Phandles are referenced before their node may exist; write each once it is known. */
static void board_fdt_fix_phandles(BoardFdtCtx *ctx, const char *soc)
{
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, ctx->dev_phandle);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        Device *dev = key;
        const BoardFdtClass *fc = board_fdt_class(dev->cls->name);
        g_autofree char *group = g_strconcat("device ", dev->name, NULL);
        g_autofree char *nn = g_key_file_get_string(ctx->board->kf, group, "fdt-node", NULL);
        g_autofree char *name = g_strdup_printf("%s@%" G_GINT64_MODIFIER "x",
                                                nn ? nn : fc ? fc->node : dev->name, dev->base);
        g_autofree char *path = g_strconcat(soc, "/", name, NULL);
        if (fdt_path_offset(ctx->fdt, path) >= 0) {
            board_fdt_u32(ctx, path, "phandle", GPOINTER_TO_UINT(value));
        }
    }
}

void *board_fdt_build(Board *board, const BoardFdtInfo *info, GError **error)
{
    BoardFdtCtx ctx = {
        .board = board,
        .fdt = g_malloc0(BOARD_FDT_INITIAL_SIZE),
        .next_phandle = 1,
        .intc_phandle = g_new0(uint32_t, board->harts),
        .dev_phandle = g_hash_table_new(NULL, NULL),
        .error = error,
    };
    board_fdt_check(&ctx, fdt_create_empty_tree(ctx.fdt, BOARD_FDT_INITIAL_SIZE), "create");
    board_fdt_u32(&ctx, "/", "#address-cells", 2);
    board_fdt_u32(&ctx, "/", "#size-cells", 2);
    if (board->fdt_compatible) {
        board_fdt_str(&ctx, "/", "compatible", board->fdt_compatible);
    }
    if (board->fdt_model) {
        board_fdt_str(&ctx, "/", "model", board->fdt_model);
    }
    uint64_t timebase = 10000000;
    for (guint i = 0; i < board->devices->len; i++) {
        Device *dev = g_ptr_array_index(board->devices, i);
        if (dev->cls == dev_class_find("clint")) {
            timebase = clint_timebase(dev);
        }
    }
    g_autofree char *soc = board_fdt_node(&ctx, "/", "soc");
    board_fdt_u32(&ctx, soc, "#address-cells", 2);
    board_fdt_u32(&ctx, soc, "#size-cells", 2);
    board_fdt_str(&ctx, soc, "compatible", "simple-bus");
    board_fdt_prop(&ctx, soc, "ranges", NULL, 0);
    board_fdt_cpus(&ctx, info, timebase);
    for (guint i = board->devices->len; i-- > 0;) {
        board_fdt_device(&ctx, soc, g_ptr_array_index(board->devices, i));
    }
    board_fdt_fix_phandles(&ctx, soc);
    /* HTIF is placed after loading, but the tree is written before: describe it now. */
    for (guint i = 0; i < board->deferred->len; i++) {
        g_autofree char *cls = g_key_file_get_string(board->kf, board->deferred->pdata[i],
                                                     "class", NULL);
        if (cls && strcmp(g_strstrip(cls), "htif") == 0) {
            g_autofree char *node = board_fdt_node(&ctx, "/", "htif");
            board_fdt_str(&ctx, node, "compatible", "ucb,htif0");
        }
    }
    g_autofree char *mem_name = g_strdup_printf("memory@%" G_GINT64_MODIFIER "x",
                                                board->ram_base);
    g_autofree char *mem = board_fdt_node(&ctx, "/", mem_name);
    board_fdt_str(&ctx, mem, "device_type", "memory");
    board_fdt_reg(&ctx, mem, board->ram_base, board->ram_size);
    g_autofree char *chosen = board_fdt_node(&ctx, "/", "chosen");
    if (info && info->bootargs) {
        board_fdt_str(&ctx, chosen, "bootargs", info->bootargs);
    }
    for (guint i = 0; i < board->devices->len; i++) {
        Device *dev = g_ptr_array_index(board->devices, i);
        if (strcmp(dev->cls->name, "ns16550a") == 0) {
            g_autofree char *path = g_strdup_printf("/soc/serial@%" G_GINT64_MODIFIER "x",
                                                    dev->base);
            board_fdt_str(&ctx, chosen, "stdout-path", path);
            break;
        }
    }
    g_free(ctx.intc_phandle);
    g_hash_table_destroy(ctx.dev_phandle);
    if (ctx.failed) {
        g_free(ctx.fdt);
        return NULL;
    }
    return ctx.fdt;
}

bool board_fdt_set_initrd(void *fdt, uint64_t start, uint64_t end, GError **error)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0) {
        chosen = fdt_add_subnode(fdt, 0, "chosen");
    }
    int r = chosen;
    if (r >= 0) {
        r = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", start);
    }
    if (r >= 0) {
        r = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", end);
    }
    if (r < 0) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD,
                    "device tree: cannot set the initrd: %s", fdt_strerror(r));
        return false;
    }
    return true;
}

uint32_t board_fdt_finish(void *fdt)
{
    fdt_pack(fdt);
    return fdt_totalsize(fdt);
}

uint32_t board_fdt_size(const void *fdt)
{
    return fdt_totalsize(fdt);
}

void *board_fdt_load(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    GError *local = NULL;
    if (!g_file_get_contents(path, &data, &len, &local)) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "%s", local->message);
        g_error_free(local);
        return NULL;
    }
    int r = len < sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED : fdt_check_header(data);
    if (r == 0 && fdt_totalsize(data) > len) {
        r = -FDT_ERR_TRUNCATED;
    }
    if (r != 0) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "'%s': not a device tree: %s",
                    path, fdt_strerror(r));
        return NULL;
    }
    /* Room for /chosen additions. */
    int size = (int)fdt_totalsize(data) + 4096;
    void *fdt = g_malloc0((gsize)size);
    r = fdt_open_into(data, fdt, size);
    if (r != 0) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "'%s': %s", path,
                    fdt_strerror(r));
        g_free(fdt);
        return NULL;
    }
    return fdt;
}

bool board_fdt_save(const void *fdt, const char *path, GError **error)
{
    GError *local = NULL;
    if (!g_file_set_contents(path, fdt, fdt_totalsize(fdt), &local)) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "%s", local->message);
        g_error_free(local);
        return false;
    }
    return true;
}
