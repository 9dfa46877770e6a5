/*
 * platform/boards/board.h -- a machine described as data.
 *
 * A board file is a GKeyFile (the built-in ones are the .board files in platform/boards,
 * compiled in):
 *
 *   [board]                    name, description, cpu=rv64, harts=1, ram-base, ram-size,
 *                              fdt-compatible, fdt-model, boot=riscv-fw-dynamic|riscv-htif
 *   [rom NAME]                 base, size: host-backed ROM (the reset vector goes in "mrom")
 *   [device NAME]              class (registry.c), base, size, irq=ctl:N[,ctl:M]
 *                              (output i of this device -> input N of device ctl),
 *                              space=memory|io (io: x86 port numbers), plus class
 *                              properties; base=@sym places the device at ELF symbol
 *                              `sym` once the loader knows it (spike's HTIF)
 *
 * Groups are created in file order, except that a device whose irq names a controller
 * not made yet waits for it.
 *
 * CPU side (not here): the board owns per-hart interrupt inputs numbered like the
 * guest's interrupt-pending bits (RISC-V: 3 MSIP, 7 MTIP, 9 SEIP, 11 MEIP). Devices drive
 * them through board_cpu_irq_line(); the level of every input is kept in
 * board_cpu_irq_pending() and each change is also passed to the callback the CPU
 * integration registers with board_set_cpu_irq_handler() (it then sets its hart's
 * exit_request and wakes it from wfi). That callback runs on whatever thread changed the
 * line, with the interrupt controller's lock held: it must only set flags and wake
 * threads, never call back into devices. Exits (power-off, reset, test failure) come from
 * devices through board_request_exit() and reach the CPU integration the same way.
 */
#ifndef MIMIC_BOARDS_BOARD_H
#define MIMIC_BOARDS_BOARD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform/devices/chardev.h"
#include "platform/devices/clock.h"
#include "platform/devices/dev.h"
#include "softmmu/memory.h"

#define MIMIC_BOARD_ERROR (board_error_quark())
GQuark board_error_quark(void);

typedef enum BoardErrorCode {
    BOARD_ERROR_UNKNOWN,        /* no such board / class / device */
    BOARD_ERROR_PARSE,          /* bad key file, bad number, missing key */
    BOARD_ERROR_MAP,            /* overlapping or impossible regions */
    BOARD_ERROR_LOAD,           /* firmware, kernel, initrd, dtb */
    BOARD_ERROR_OPTION,         /* bad -drive string and friends */
} BoardErrorCode;

#define BOARD_MAX_HARTS 64
#define BOARD_MAX_DRIVES 8

/* RISC-V mip bit numbers: the line numbers RISC-V boards use for CPU inputs. */
enum {
    BOARD_RV_IRQ_SSIP = 1,
    BOARD_RV_IRQ_MSIP = 3,
    BOARD_RV_IRQ_STIP = 5,
    BOARD_RV_IRQ_MTIP = 7,
    BOARD_RV_IRQ_SEIP = 9,
    BOARD_RV_IRQ_MEIP = 11,
};

typedef enum BoardExit {
    BOARD_EXIT_NONE,            /* running */
    BOARD_EXIT_POWER_OFF,       /* guest powered off; exit code in exit_code */
    BOARD_EXIT_RESET,           /* guest asked for a reset */
    BOARD_EXIT_FAIL,            /* test device reported failure with exit_code */
} BoardExit;

typedef void (*BoardCpuIrqFn)(void *opaque, unsigned hart, unsigned line, bool level);
typedef void (*BoardExitFn)(void *opaque, BoardExit exit, int code);

typedef struct BoardDrive {
    char *file;
    bool read_only;             /* readonly=on, or the file is not writable */
} BoardDrive;

/* What the command line adds to a board. */
typedef struct BoardOptions {
    uint64_t ram_size;          /* 0 = the board's default */
    unsigned harts;             /* 0 = the board's default */
    Chardev *serial;            /* first serial device's backend (NULL: output dropped) */
    BoardDrive drives[BOARD_MAX_DRIVES];    /* virtio-blk on the free virtio-mmio slots */
    unsigned nr_drives;
    bool virtio_rng;            /* a virtio-rng on the next free slot */
} BoardOptions;

/* Bytes the loader put in guest memory (QEMU's "ROM blobs"): a reset writes them again,
 * so a rebooting guest finds its firmware and kernel as they were loaded. */
typedef struct BoardBlob {
    uint64_t addr;
    GBytes *data;
} BoardBlob;

typedef struct BoardRom {
    char *name;
    MemRegion mr;
} BoardRom;

struct Board {
    char *name;
    char *desc;
    char *cpu;                  /* "rv64": the CPU integration picks the model */
    char *boot;                 /* boot protocol the loader follows */
    unsigned harts;
    uint64_t ram_base;
    uint64_t ram_size;
    char *fdt_compatible;
    char *fdt_model;

    GKeyFile *kf;               /* the board file, kept for device properties */
    AddressSpace mem;           /* physical memory, little- or big-endian per cpu */
    AddressSpace io;            /* port I/O (x86); empty elsewhere */
    AddressSpace *map_space;    /* where board_map() puts regions: the device being made */
    MemRegion ram;
    GPtrArray *roms;            /* BoardRom * */
    GPtrArray *devices;         /* Device *, creation order */
    GPtrArray *deferred;        /* char * groups whose base is an ELF symbol */
    GPtrArray *blobs;           /* BoardBlob *: what the loader wrote, rewritten on reset */
    GMutex lock;                /* the big device lock for devices without their own */
    DevClock clock;

    Chardev *serial;            /* handed to the first serial device */
    bool serial_taken;

    uint64_t cpu_irq_level[BOARD_MAX_HARTS];    /* atomic: bit n = input n is high */
    BoardCpuIrqFn cpu_irq;
    void *cpu_irq_opaque;

    int exit_kind;              /* atomic BoardExit */
    int exit_code;
    BoardExitFn exit_fn;
    void *exit_opaque;
};

/* --- Making boards --- */
/* `name` is a built-in board or, if it contains '/' or ends in ".board", a file. */
Board *board_create(const char *name, const BoardOptions *opts, GError **error);
Board *board_create_from_data(const char *data, const char *origin, const BoardOptions *opts,
                              GError **error);
void board_free(Board *board);
/* Resets every device, clears the CPU inputs and the exit state, rewrites the blobs. */
void board_reset(Board *board);
/* Writes bytes to guest memory (ROM included) and keeps them for board_reset(). */
MemResult board_write_blob(Board *board, uint64_t addr, const void *data, uint64_t len);
/* Creates the devices placed at ELF symbols; lookup returns false for unknown names. */
typedef DevSymbolFn BoardSymbolFn;
bool board_place_deferred(Board *board, BoardSymbolFn lookup, void *opaque, GError **error);

/* Built-in boards: their names, file text, and a listing for `mimic machines`. */
const char *const *board_builtin_names(void);
const char *board_builtin_text(const char *name);
char *board_list(void);

/* --- For devices --- */
/* Maps into the space the board file chose for the device being created (memory, or
 * port I/O with space=io). */
bool board_map(Board *board, uint64_t base, MemRegion *mr, GError **error);
/* A region laid over part of RAM (HTIF's tohost inside the loaded program). */
bool board_map_overlay(Board *board, uint64_t base, MemRegion *mr, GError **error);
IrqLine board_cpu_irq_line(Board *board, unsigned hart, unsigned line);
Chardev *board_take_serial(Board *board);
void board_request_exit(Board *board, BoardExit exit, int code);
Device *board_find_device(Board *board, const char *name);

/* --- For the CPU integration --- */
void board_set_cpu_irq_handler(Board *board, BoardCpuIrqFn fn, void *opaque);
uint64_t board_cpu_irq_pending(Board *board, unsigned hart);
void board_set_exit_handler(Board *board, BoardExitFn fn, void *opaque);
BoardExit board_exit_status(Board *board, int *code);
/*
 * A hart in wfi: returns true as soon as one of its inputs in `mask` is high or the board
 * has an exit request, false when the board clock reaches `until` (DEV_CLOCK_NEVER: no
 * limit). Runs expired device timers while it waits, so it works with or without the
 * clock thread; interrupts raised on other threads wake it.
 */
bool board_wfi(Board *board, unsigned hart, uint64_t mask, uint64_t until);

/* --- Parsing helpers shared with the loader and tools --- */
bool board_parse_drive(const char *spec, BoardDrive *drive, GError **error);

#endif
