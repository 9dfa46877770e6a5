/*
 * platform/boards/board.c -- reading a board file and building the machine from it.
 *
 * Owns: the [board]/[rom]/[device] groups, RAM, ROMs, device creation order and
 * interrupt wiring, the per-hart CPU interrupt inputs and the exit state. Knows no
 * device beyond its DevClass entry, and no CPU beyond the abstract inputs (board.h).
 */
#include "platform/boards/board.h"

#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK(mimic-board-error-quark, board_error)

/* Generated at build time from the .board files (board_builtin.c). */
extern const char *const board_builtin_table[][2];

const char *const *board_builtin_names(void)
{
    static const char *names[16];
    unsigned n = 0;
    for (unsigned i = 0; board_builtin_table[i][0] && n + 1 < G_N_ELEMENTS(names); i++) {
        names[n++] = board_builtin_table[i][0];
    }
    names[n] = NULL;
    return names;
}

const char *board_builtin_text(const char *name)
{
    for (unsigned i = 0; board_builtin_table[i][0]; i++) {
        if (strcmp(board_builtin_table[i][0], name) == 0) {
            return board_builtin_table[i][1];
        }
    }
    return NULL;
}

/* --- Key-file helpers: each error names the group and key --- */

static bool board_get_u64(GKeyFile *kf, const char *group, const char *key, bool required,
                          uint64_t def, uint64_t *out, GError **error)
{
    if (!g_key_file_has_key(kf, group, key, NULL)) {
        if (required) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE, "[%s]: missing key '%s'",
                        group, key);
            return false;
        }
        *out = def;
        return true;
    }
    g_autofree char *text = g_key_file_get_string(kf, group, key, NULL);
    if (!dev_parse_u64(text, out)) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE, "[%s] %s: bad number '%s'",
                    group, key, text ? text : "");
        return false;
    }
    return true;
}

static char *board_get_str(GKeyFile *kf, const char *group, const char *key, bool required,
                           const char *def, GError **error)
{
    char *s = g_key_file_get_string(kf, group, key, NULL);
    if (!s && required) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE, "[%s]: missing key '%s'",
                    group, key);
        return NULL;
    }
    return s ? g_strstrip(s) : g_strdup(def);
}

/* --- Drives --- */

bool board_parse_drive(const char *spec, BoardDrive *drive, GError **error)
{
    /* QEMU syntax, the subset that makes sense here: file=IMG,format=raw[,readonly=on]
     * (if=none/id= are accepted and ignored: the drive goes to a virtio-mmio slot). */
    memset(drive, 0, sizeof(*drive));
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    for (unsigned i = 0; parts[i]; i++) {
        const char *p = parts[i];
        if (*p == '\0') {
            continue;
        }
        const char *eq = strchr(p, '=');
        if (!eq) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_OPTION,
                        "-drive '%s': '%s' is not key=value", spec, p);
            goto fail;
        }
        g_autofree char *key = g_strndup(p, (gsize)(eq - p));
        const char *val = eq + 1;
        if (strcmp(key, "file") == 0 && *val) {
            g_free(drive->file);
            drive->file = g_strdup(val);
        } else if (strcmp(key, "format") == 0) {
            if (strcmp(val, "raw") != 0) {
                g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_OPTION,
                            "-drive '%s': format '%s' not supported (only raw)", spec, val);
                goto fail;
            }
        } else if (strcmp(key, "readonly") == 0) {
            if (strcmp(val, "on") == 0) {
                drive->read_only = true;
            } else if (strcmp(val, "off") == 0) {
                drive->read_only = false;
            } else {
                g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_OPTION,
                            "-drive '%s': readonly must be on or off", spec);
                goto fail;
            }
        } else if (strcmp(key, "if") != 0 && strcmp(key, "id") != 0) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_OPTION,
                        "-drive '%s': unknown key '%s'", spec, key);
            goto fail;
        }
    }
    if (!drive->file) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_OPTION, "-drive '%s': no file=",
                    spec);
        goto fail;
    }
    return true;
fail:
    g_clear_pointer(&drive->file, g_free);
    return false;
}

/* Drives and the rng go to free virtio-mmio slots, highest address first, which is where
 * QEMU's virt puts the first -device (its bus list is in reverse creation order). */
static bool board_assign_virtio(GKeyFile *kf, const BoardOptions *opts, GError **error)
{
    unsigned nr_want = opts ? opts->nr_drives + (opts->virtio_rng ? 1 : 0) : 0;
    if (nr_want == 0) {
        return true;
    }
    g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
    GPtrArray *free_slots = g_ptr_array_new();
    for (unsigned i = 0; groups[i]; i++) {
        if (!g_str_has_prefix(groups[i], "device ")) {
            continue;
        }
        g_autofree char *cls = g_key_file_get_string(kf, groups[i], "class", NULL);
        if (cls && strcmp(g_strstrip(cls), "virtio_mmio") == 0 &&
            !g_key_file_has_key(kf, groups[i], "backend", NULL)) {
            g_ptr_array_add(free_slots, groups[i]);
        }
    }
    bool ok = true;
    unsigned next = free_slots->len;
    for (unsigned i = 0; i < nr_want; i++) {
        if (next == 0) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_OPTION,
                        "no free virtio-mmio slot for %s",
                        i < opts->nr_drives ? opts->drives[i].file : "virtio-rng");
            ok = false;
            break;
        }
        const char *g = g_ptr_array_index(free_slots, --next);
        if (i < opts->nr_drives) {
            g_key_file_set_string(kf, g, "backend", "blk");
            g_key_file_set_string(kf, g, "file", opts->drives[i].file);
            g_key_file_set_boolean(kf, g, "readonly", opts->drives[i].read_only);
        } else {
            g_key_file_set_string(kf, g, "backend", "rng");
        }
    }
    g_ptr_array_free(free_slots, TRUE);
    return ok;
}

/* --- CPU inputs and exits --- */

static void board_cpu_irq_handler(void *opaque, unsigned n, bool level)
{
    Board *board = opaque;
    unsigned hart = n / 64, line = n % 64;
    g_assert(hart < board->harts);
    uint64_t bit = UINT64_C(1) << line;
    if (level) {
        __atomic_fetch_or(&board->cpu_irq_level[hart], bit, __ATOMIC_SEQ_CST);
    } else {
        __atomic_fetch_and(&board->cpu_irq_level[hart], ~bit, __ATOMIC_SEQ_CST);
    }
    BoardCpuIrqFn fn = board->cpu_irq;
    if (fn) {
        fn(board->cpu_irq_opaque, hart, line, level);
    }
    dev_clock_kick(&board->clock);     /* a hart sleeping in wfi re-checks */
}

IrqLine board_cpu_irq_line(Board *board, unsigned hart, unsigned line)
{
    g_assert(hart < board->harts && line < 64);
    return (IrqLine){ .handler = board_cpu_irq_handler, .opaque = board, .n = hart * 64 + line };
}

void board_set_cpu_irq_handler(Board *board, BoardCpuIrqFn fn, void *opaque)
{
    board->cpu_irq_opaque = opaque;
    board->cpu_irq = fn;
}

uint64_t board_cpu_irq_pending(Board *board, unsigned hart)
{
    g_assert(hart < board->harts);
    return __atomic_load_n(&board->cpu_irq_level[hart], __ATOMIC_SEQ_CST);
}

void board_set_exit_handler(Board *board, BoardExitFn fn, void *opaque)
{
    board->exit_opaque = opaque;
    board->exit_fn = fn;
}

void board_request_exit(Board *board, BoardExit exit, int code)
{
    /* Make disk writes durable before anyone can act on the power-off. */
    if (exit != BOARD_EXIT_RESET) {
        for (guint i = 0; i < board->devices->len; i++) {
            Device *dev = g_ptr_array_index(board->devices, i);
            if (dev->cls->sync) {
                dev->cls->sync(dev);
            }
        }
    }
    board->exit_code = code;
    g_atomic_int_set(&board->exit_kind, (int)exit);
    if (board->exit_fn) {
        board->exit_fn(board->exit_opaque, exit, code);
    }
    dev_clock_kick(&board->clock);
}

BoardExit board_exit_status(Board *board, int *code)
{
    BoardExit e = (BoardExit)g_atomic_int_get(&board->exit_kind);
    if (code) {
        *code = board->exit_code;
    }
    return e;
}

bool board_wfi(Board *board, unsigned hart, uint64_t mask, uint64_t until)
{
    for (;;) {
        uint64_t kicks = dev_clock_kicks(&board->clock);
        dev_clock_run_expired(&board->clock);
        if ((board_cpu_irq_pending(board, hart) & mask) ||
            board_exit_status(board, NULL) != BOARD_EXIT_NONE) {
            return true;
        }
        if (dev_clock_now(&board->clock) >= until) {
            return false;
        }
        dev_clock_wait_since(&board->clock, until, kicks);
    }
}

/* --- Mapping --- */

bool board_map(Board *board, uint64_t base, MemRegion *mr, GError **error)
{
    return mem_as_map(board->map_space ? board->map_space : &board->mem, base, mr, error);
}

static void board_add_ram_piece(Board *board, uint64_t base, uint8_t *host, uint64_t size)
{
    BoardRom *piece = g_new0(BoardRom, 1);
    piece->name = g_strdup("ram piece");
    mem_region_init_ram_ptr(&piece->mr, "ram", host, size);
    g_ptr_array_add(board->roms, piece);
    bool ok = mem_as_map(&board->mem, base, &piece->mr, NULL);
    g_assert(ok);       /* it fills the hole its parent left */
}

bool board_map_overlay(Board *board, uint64_t base, MemRegion *mr, GError **error)
{
    MemRegion *ram = mem_as_lookup(&board->mem, base);
    if (!ram || ram->kind != MEM_REGION_RAM || mr->size > ram->size ||
        base - ram->base > ram->size - mr->size) {
        return board_map(board, base, mr, error);
    }
    /* Split the RAM region around the overlay; the pieces share its host memory, so
     * what the loader put there stays in place. */
    uint64_t ram_base = ram->base, ram_size = ram->size;
    uint8_t *host = ram->host;
    uint64_t lo_size = base - ram_base;
    uint64_t hi_off = lo_size + mr->size;
    mem_as_unmap(&board->mem, ram);
    if (lo_size) {
        board_add_ram_piece(board, ram_base, host, lo_size);
    }
    if (hi_off < ram_size) {
        board_add_ram_piece(board, ram_base + hi_off, host + hi_off, ram_size - hi_off);
    }
    return board_map(board, base, mr, error);
}

Chardev *board_take_serial(Board *board)
{
    if (board->serial_taken) {
        return NULL;
    }
    board->serial_taken = true;
    return board->serial;
}

Device *board_find_device(Board *board, const char *name)
{
    for (guint i = 0; i < board->devices->len; i++) {
        Device *dev = g_ptr_array_index(board->devices, i);
        if (strcmp(dev->name, name) == 0) {
            return dev;
        }
    }
    return NULL;
}

/* --- Devices --- */

/* Resolves irq=ctl:N[,ctl:M]; *waiting is set when a controller is not made yet. */
static bool board_resolve_irqs(Board *board, const char *group, DevConfig *cfg,
                               bool *waiting, GError **error)
{
    *waiting = false;
    cfg->nr_irq = 0;
    g_autofree char *spec = g_key_file_get_string(board->kf, group, "irq", NULL);
    if (!spec) {
        return true;
    }
    g_auto(GStrv) items = g_strsplit(spec, ",", -1);
    for (unsigned i = 0; items[i]; i++) {
        char *item = g_strstrip(items[i]);
        char *colon = strchr(item, ':');
        uint64_t n;
        if (!colon || !dev_parse_u64(colon + 1, &n) || n > UINT32_MAX) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE,
                        "[%s] irq: '%s' is not controller:number", group, item);
            return false;
        }
        if (cfg->nr_irq == DEV_MAX_IRQS) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE,
                        "[%s] irq: more than %d lines", group, DEV_MAX_IRQS);
            return false;
        }
        *colon = '\0';
        Device *ctl = board_find_device(board, item);
        if (!ctl) {
            g_autofree char *ctl_group = g_strconcat("device ", item, NULL);
            if (g_key_file_has_group(board->kf, ctl_group)) {
                *waiting = true;
                return true;
            }
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_UNKNOWN,
                        "[%s] irq: no device '%s'", group, item);
            return false;
        }
        if (!ctl->cls->irq_input) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE,
                        "[%s] irq: '%s' is not an interrupt controller", group, item);
            return false;
        }
        if (!ctl->cls->irq_input(ctl, (unsigned)n, &cfg->irq[cfg->nr_irq], error)) {
            g_prefix_error(error, "[%s] irq: ", group);
            return false;
        }
        cfg->nr_irq++;
    }
    return true;
}

static bool board_create_device(Board *board, const char *group, BoardSymbolFn lookup,
                                void *opaque, bool *waiting, GError **error)
{
    DevConfig cfg = { .name = group + strlen("device "), .props = board->kf, .group = group,
                      .symbol = lookup, .symbol_opaque = opaque };
    g_autofree char *cls_name = board_get_str(board->kf, group, "class", true, NULL, error);
    if (!cls_name) {
        return false;
    }
    const DevClass *cls = dev_class_find(cls_name);
    if (!cls) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_UNKNOWN,
                    "[%s]: unknown device class '%s'", group, cls_name);
        return false;
    }
    g_autofree char *base = board_get_str(board->kf, group, "base", true, NULL, error);
    if (!base) {
        return false;
    }
    if (base[0] == '@') {
        if (!lookup) {
            *waiting = true;    /* placed by board_place_deferred() after loading */
            return true;
        }
        if (!lookup(opaque, base + 1, &cfg.base)) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD,
                        "[%s]: the loaded program has no symbol '%s'", group, base + 1);
            return false;
        }
    } else if (!board_get_u64(board->kf, group, "base", true, 0, &cfg.base, error)) {
        return false;
    }
    if (!board_get_u64(board->kf, group, "size", false, 0, &cfg.size, error)) {
        return false;
    }
    if (!board_resolve_irqs(board, group, &cfg, waiting, error)) {
        return false;
    }
    if (*waiting) {
        return true;            /* made in a later pass, once its controller exists */
    }
    g_autofree char *space = board_get_str(board->kf, group, "space", false, "memory", NULL);
    if (strcmp(space, "io") == 0) {
        board->map_space = &board->io;
    } else if (strcmp(space, "memory") != 0) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE,
                    "[%s] space: '%s' is not memory or io", group, space);
        return false;
    }
    Device *dev = cls->create(board, &cfg, error);
    board->map_space = NULL;
    if (!dev) {
        g_prefix_error(error, "[%s]: ", group);
        return false;
    }
    g_ptr_array_add(board->devices, dev);
    return true;
}

static bool board_create_devices(Board *board, GError **error)
{
    g_auto(GStrv) groups = g_key_file_get_groups(board->kf, NULL);
    GPtrArray *pending = g_ptr_array_new();
    for (unsigned i = 0; groups[i]; i++) {
        if (g_str_has_prefix(groups[i], "device ")) {
            g_ptr_array_add(pending, groups[i]);
        }
    }
    /* Passes in file order until nothing more can be made: a device waits only for the
     * controllers its irq= names, so this ends after at most len passes. */
    bool progress = true;
    while (pending->len > 0 && progress) {
        progress = false;
        for (guint i = 0; i < pending->len;) {
            const char *g = g_ptr_array_index(pending, i);
            bool waiting = false;
            if (!board_create_device(board, g, NULL, NULL, &waiting, error)) {
                g_ptr_array_free(pending, TRUE);
                return false;
            }
            if (waiting) {
                i++;
                continue;
            }
            g_ptr_array_remove_index(pending, i);
            progress = true;
        }
    }
    for (guint i = 0; i < pending->len; i++) {
        g_autofree char *base = g_key_file_get_string(board->kf, pending->pdata[i], "base",
                                                      NULL);
        if (base && base[0] == '@') {
            g_ptr_array_add(board->deferred, g_strdup(pending->pdata[i]));
            continue;
        }
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE,
                    "[%s]: interrupt wiring forms a loop", (char *)pending->pdata[i]);
        g_ptr_array_free(pending, TRUE);
        return false;
    }
    g_ptr_array_free(pending, TRUE);
    return true;
}

bool board_place_deferred(Board *board, BoardSymbolFn lookup, void *opaque, GError **error)
{
    g_assert(lookup);
    for (guint i = 0; i < board->deferred->len; i++) {
        bool waiting = false;
        if (!board_create_device(board, board->deferred->pdata[i], lookup, opaque, &waiting,
                                 error)) {
            return false;
        }
        if (waiting) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE,
                        "[%s]: its interrupt controller does not exist",
                        (char *)board->deferred->pdata[i]);
            return false;
        }
    }
    g_ptr_array_set_size(board->deferred, 0);
    return true;
}

/* --- The board --- */

static bool board_parse_head(Board *board, const BoardOptions *opts, GError **error)
{
    GKeyFile *kf = board->kf;
    if (!g_key_file_has_group(kf, "board")) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE, "missing group [board]");
        return false;
    }
    uint64_t harts;
    if (!(board->name = board_get_str(kf, "board", "name", true, NULL, error)) ||
        !(board->cpu = board_get_str(kf, "board", "cpu", true, NULL, error)) ||
        !board_get_u64(kf, "board", "harts", false, 1, &harts, error) ||
        !board_get_u64(kf, "board", "ram-base", true, 0, &board->ram_base, error) ||
        !board_get_u64(kf, "board", "ram-size", false, 128 << 20, &board->ram_size, error)) {
        return false;
    }
    board->desc = board_get_str(kf, "board", "description", false, "", NULL);
    board->boot = board_get_str(kf, "board", "boot", false, "", NULL);
    board->fdt_compatible = board_get_str(kf, "board", "fdt-compatible", false, NULL, NULL);
    board->fdt_model = board_get_str(kf, "board", "fdt-model", false, NULL, NULL);
    if (opts && opts->harts) {
        harts = opts->harts;
    }
    if (harts == 0 || harts > BOARD_MAX_HARTS) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE,
                    "[board] harts: %" G_GUINT64_FORMAT " is not 1..%d", harts, BOARD_MAX_HARTS);
        return false;
    }
    board->harts = (unsigned)harts;
    if (opts && opts->ram_size) {
        board->ram_size = opts->ram_size;
    }
    g_autofree char *endian = board_get_str(kf, "board", "endian", false, "little", NULL);
    MemEndian e;
    if (strcmp(endian, "little") == 0) {
        e = MEM_LITTLE_ENDIAN;
    } else if (strcmp(endian, "big") == 0) {
        e = MEM_BIG_ENDIAN;
    } else {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE,
                    "[board] endian: '%s' is not little or big", endian);
        return false;
    }
    mem_as_init(&board->mem, "memory", MEM_SPACE_MEMORY, e);
    mem_as_init(&board->io, "io", MEM_SPACE_IO, MEM_LITTLE_ENDIAN);
    return true;
}

static bool board_make_memory(Board *board, GError **error)
{
    if (!mem_region_init_ram(&board->ram, "ram", board->ram_size, error) ||
        !board_map(board, board->ram_base, &board->ram, error)) {
        return false;
    }
    g_auto(GStrv) groups = g_key_file_get_groups(board->kf, NULL);
    for (unsigned i = 0; groups[i]; i++) {
        if (!g_str_has_prefix(groups[i], "rom ")) {
            continue;
        }
        uint64_t base, size;
        if (!board_get_u64(board->kf, groups[i], "base", true, 0, &base, error) ||
            !board_get_u64(board->kf, groups[i], "size", true, 0, &size, error)) {
            return false;
        }
        BoardRom *rom = g_new0(BoardRom, 1);
        rom->name = g_strdup(groups[i] + strlen("rom "));
        g_ptr_array_add(board->roms, rom);
        if (!mem_region_init_rom(&rom->mr, rom->name, size, MEM_ROM_WRITES_IGNORED, error) ||
            !board_map(board, base, &rom->mr, error)) {
            return false;
        }
    }
    return true;
}

static void board_blob_free(gpointer p);

Board *board_create_from_data(const char *data, const char *origin, const BoardOptions *opts,
                              GError **error)
{
    Board *board = g_new0(Board, 1);
    board->kf = g_key_file_new();
    board->roms = g_ptr_array_new();
    board->devices = g_ptr_array_new();
    board->deferred = g_ptr_array_new_with_free_func(g_free);
    board->blobs = g_ptr_array_new_with_free_func(board_blob_free);
    g_mutex_init(&board->lock);
    dev_clock_init(&board->clock);
    board->serial = opts ? opts->serial : NULL;
    GError *local = NULL;
    if (!g_key_file_load_from_data(board->kf, data, (gsize)-1, G_KEY_FILE_NONE, &local)) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_PARSE, "%s: %s", origin,
                    local->message);
        g_error_free(local);
        board_free(board);
        return NULL;
    }
    if (!board_parse_head(board, opts, &local) || !board_assign_virtio(board->kf, opts, &local) ||
        !board_make_memory(board, &local) || !board_create_devices(board, &local)) {
        g_propagate_prefixed_error(error, local, "%s: ", origin);
        board_free(board);
        return NULL;
    }
    return board;
}

Board *board_create(const char *name, const BoardOptions *opts, GError **error)
{
    if (strchr(name, '/') || g_str_has_suffix(name, ".board")) {
        g_autofree char *text = NULL;
        GError *local = NULL;
        if (!g_file_get_contents(name, &text, NULL, &local)) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_UNKNOWN, "%s", local->message);
            g_error_free(local);
            return NULL;
        }
        return board_create_from_data(text, name, opts, error);
    }
    const char *text = board_builtin_text(name);
    if (!text) {
        g_autofree char *known = g_strjoinv(", ", (char **)board_builtin_names());
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_UNKNOWN,
                    "unknown board '%s' (built in: %s)", name, known);
        return NULL;
    }
    return board_create_from_data(text, name, opts, error);
}

static void board_blob_free(gpointer p)
{
    BoardBlob *blob = p;
    g_bytes_unref(blob->data);
    g_free(blob);
}

MemResult board_write_blob(Board *board, uint64_t addr, const void *data, uint64_t len)
{
    MemResult r = mem_as_write_rom(&board->mem, addr, data, len);
    if (r == MEM_OK) {
        BoardBlob *blob = g_new(BoardBlob, 1);
        blob->addr = addr;
        blob->data = g_bytes_new(data, len);
        g_ptr_array_add(board->blobs, blob);
    }
    return r;
}

void board_reset(Board *board)
{
    for (guint i = 0; i < board->blobs->len; i++) {
        BoardBlob *blob = g_ptr_array_index(board->blobs, i);
        gsize len;
        const void *data = g_bytes_get_data(blob->data, &len);
        MemResult r = mem_as_write_rom(&board->mem, blob->addr, data, len);
        g_assert(r == MEM_OK);     /* it was written once, and the map does not change */
    }
    for (guint i = 0; i < board->devices->len; i++) {
        Device *dev = g_ptr_array_index(board->devices, i);
        if (dev->cls->reset) {
            dev->cls->reset(dev);
        }
    }
    for (unsigned h = 0; h < board->harts; h++) {
        __atomic_store_n(&board->cpu_irq_level[h], 0, __ATOMIC_SEQ_CST);
    }
    g_atomic_int_set(&board->exit_kind, BOARD_EXIT_NONE);
    board->exit_code = 0;
}

void board_free(Board *board)
{
    if (!board) {
        return;
    }
    dev_clock_stop_thread(&board->clock);
    /* Devices unmap first, in reverse, so controllers outlive their sources. */
    for (guint i = board->devices->len; i-- > 0;) {
        Device *dev = g_ptr_array_index(board->devices, i);
        if (dev->cls->sync) {
            dev->cls->sync(dev);
        }
    }
    mem_as_destroy(&board->mem);
    mem_as_destroy(&board->io);
    for (guint i = board->devices->len; i-- > 0;) {
        Device *dev = g_ptr_array_index(board->devices, i);
        dev->cls->destroy(dev);
    }
    for (guint i = 0; i < board->roms->len; i++) {
        BoardRom *rom = g_ptr_array_index(board->roms, i);
        rom->mr.mapped = false;
        mem_region_destroy(&rom->mr);
        g_free(rom->name);
        g_free(rom);
    }
    board->ram.mapped = false;
    if (board->ram.name) {
        mem_region_destroy(&board->ram);
    }
    g_ptr_array_free(board->roms, TRUE);
    g_ptr_array_free(board->devices, TRUE);
    g_ptr_array_free(board->deferred, TRUE);
    g_ptr_array_free(board->blobs, TRUE);
    dev_clock_destroy(&board->clock);
    g_mutex_clear(&board->lock);
    g_key_file_free(board->kf);
    g_free(board->name);
    g_free(board->desc);
    g_free(board->cpu);
    g_free(board->boot);
    g_free(board->fdt_compatible);
    g_free(board->fdt_model);
    g_free(board);
}

char *board_list(void)
{
    GString *s = g_string_new(NULL);
    const char *const *names = board_builtin_names();
    for (unsigned i = 0; names[i]; i++) {
        g_autoptr(GKeyFile) kf = g_key_file_new();
        if (!g_key_file_load_from_data(kf, board_builtin_text(names[i]), (gsize)-1,
                                       G_KEY_FILE_NONE, NULL)) {
            continue;
        }
        g_autofree char *desc = g_key_file_get_string(kf, "board", "description", NULL);
        g_autofree char *cpu = g_key_file_get_string(kf, "board", "cpu", NULL);
        g_string_append_printf(s, "%-8s %s (cpu %s)\n", names[i], desc ? desc : "",
                               cpu ? cpu : "?");
        g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
        for (unsigned j = 0; groups[j]; j++) {
            if (!g_str_has_prefix(groups[j], "device ")) {
                continue;
            }
            g_autofree char *cls = g_key_file_get_string(kf, groups[j], "class", NULL);
            g_autofree char *base = g_key_file_get_string(kf, groups[j], "base", NULL);
            g_string_append_printf(s, "         %-10s %-14s at %s\n", groups[j] + 7,
                                   cls ? cls : "?", base ? base : "?");
        }
    }
    return g_string_free(s, FALSE);
}
