/*
 * platform/boards/loader.h -- putting firmware, kernel, initrd and device tree in guest
 * memory the way QEMU 7.2's riscv boards do (hw/riscv/boot.c), and the reset code that
 * hands them to the firmware (OpenSBI's fw_dynamic protocol).
 */
#ifndef MIMIC_BOARDS_LOADER_H
#define MIMIC_BOARDS_LOADER_H

#include <glib.h>
#include <stdint.h>

#include "platform/boards/board.h"
#include "platform/boards/fdt.h"

/* The command line's view of what to boot. Paths may be NULL. */
typedef struct BoardBootConfig {
    const char *bios;           /* -bios: raw binary or ELF; NULL = no firmware */
    const char *kernel;         /* -kernel: raw Image or ELF */
    const char *initrd;         /* -initrd */
    const char *dtb;            /* -dtb: use this tree instead of generating one */
    const char *dump_dtb;       /* --dump-dtb: write the final tree here */
    BoardFdtInfo fdt;           /* riscv,isa and mmu-type from the CPU side, -append */
} BoardBootConfig;

/* Where everything went; the CPU integration starts every hart at reset_pc. */
typedef struct BoardBootInfo {
    uint64_t reset_pc;
    uint64_t firmware_start, firmware_end;      /* end = one past the last byte */
    uint64_t kernel_start, kernel_end, kernel_entry;
    uint64_t initrd_start, initrd_end;
    uint64_t fdt_addr;
    uint32_t fdt_size;
    uint64_t fw_dynamic_info;                   /* 0 when no reset ROM was written */
    bool is_32bit;
} BoardBootInfo;

/* OpenSBI fw_dynamic_info (include/sbi/fw_dynamic.h), fields XLEN wide. */
#define BOARD_FW_DYNAMIC_MAGIC 0x4942534f      /* "OSBI" */
#define BOARD_FW_DYNAMIC_VERSION 2
#define BOARD_FW_DYNAMIC_NEXT_MODE_S 1

bool board_load(Board *board, const BoardBootConfig *cfg, BoardBootInfo *info, GError **error);

/* Exposed for tests: the reset vector QEMU 7.2 writes (10 words). */
void board_riscv_reset_vec(uint32_t words[10], bool is_32bit, uint64_t start, uint64_t fdt);

/* ELF and raw loading, also usable alone. `symbols` (may be NULL) collects the ELF's
 * symbol table: name -> address (uint64_t *). */
bool board_load_elf(Board *board, const char *path, const uint8_t *data, gsize len,
                    uint64_t *entry, uint64_t *low, uint64_t *high, GHashTable *symbols,
                    GError **error);
bool board_is_elf(const uint8_t *data, gsize len);

#endif
