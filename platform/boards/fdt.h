/*
 * platform/boards/fdt.h -- the flattened device tree a board hands its firmware.
 *
 * Built from the board (the same nodes QEMU 7.2's riscv virt puts in its tree), or read
 * from a user's -dtb file; written out with --dump-dtb. Blobs are g_malloc'd and keep
 * free space until board_fdt_finish() packs them, so the loader can still add the
 * initrd location.
 */
#ifndef MIMIC_BOARDS_FDT_H
#define MIMIC_BOARDS_FDT_H

#include <glib.h>
#include <stdint.h>

#include "platform/boards/board.h"

/* What the CPU side and the command line contribute. */
typedef struct BoardFdtInfo {
    const char *isa;            /* riscv,isa string, e.g. "rv64imafdc_zicsr_zifencei" */
    const char *mmu_type;       /* "riscv,sv39"... ; NULL: no mmu-type property */
    const char *bootargs;       /* -append; NULL: none */
} BoardFdtInfo;

void *board_fdt_build(Board *board, const BoardFdtInfo *info, GError **error);
void *board_fdt_load(const char *path, GError **error);
bool board_fdt_save(const void *fdt, const char *path, GError **error);
bool board_fdt_set_initrd(void *fdt, uint64_t start, uint64_t end, GError **error);
/* Packs the blob; its final size. */
uint32_t board_fdt_finish(void *fdt);
uint32_t board_fdt_size(const void *fdt);

#endif
