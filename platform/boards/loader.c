/*
 * platform/boards/loader.c -- firmware, kernel, initrd and DTB placement (QEMU 7.2
 * hw/riscv/boot.c and virt.c/spike.c machine_done), the reset vector and
 * fw_dynamic_info.
 *
 * The rules, in QEMU's order:
 *   firmware (-bios) at RAM base (an ELF goes where its program headers say); its end
 *     is the end of the highest loaded byte;
 *   kernel (-kernel): an ELF at its own addresses, entry = e_entry; a raw Image at the
 *     firmware end rounded up to 2 MiB (4 MiB for 32-bit), entry = that address
 *     (riscv_calc_kernel_start_addr: 0x80200000 behind OpenSBI on virt);
 *   initrd at kernel entry + min(RAM size / 2, 128 MiB) (riscv_load_initrd), named in
 *     /chosen linux,initrd-start/-end;
 *   device tree at the end of RAM (or of the first 3 GiB when RAM starts below 3 GiB)
 *     minus its size, rounded down to 2 MiB (riscv_load_fdt: 0x8fe00000 with 256 MiB);
 *   reset ROM ("mrom", 0x1000): the ten words of riscv_setup_rom_reset_vec, then
 *     fw_dynamic_info telling OpenSBI to enter the kernel in S-mode.
 * The harts start in the reset ROM, which jumps to the firmware (or, with no firmware,
 * straight to the kernel with a0 = hartid and a1 = DTB, the Linux boot protocol).
 * QEMU's uImage kernels and the pflash boot path are not supported.
 */
#include "platform/boards/loader.h"

#include <elf.h>
#include <string.h>

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* --- ELF --- */

bool board_is_elf(const uint8_t *data, gsize len)
{
    return len >= EI_NIDENT && memcmp(data, ELFMAG, SELFMAG) == 0;
}

typedef struct BoardElf {
    const uint8_t *data;
    gsize len;
    bool is64;
    MemEndian endian;
} BoardElf;

static uint64_t board_elf_get(const BoardElf *e, gsize off, unsigned size)
{
    return mem_ldn(e->data + off, size, e->endian);
}

/* Field of an ELF structure: offsets for ELF32 and ELF64, size 32-bit or native. */
#define ELF_FIELD(e, base, s32, s64, f)                                                        \
    ((e)->is64 ? board_elf_get((e), (base) + offsetof(s64, f), sizeof(((s64 *)0)->f))       \
               : board_elf_get((e), (base) + offsetof(s32, f), sizeof(((s32 *)0)->f)))

static bool board_elf_truncated(const char *path, GError **error)
{
    g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "'%s': truncated ELF file", path);
    return false;
}

static void board_elf_symbols(const BoardElf *e, GHashTable *symbols)
{
    uint64_t shoff = ELF_FIELD(e, 0, Elf32_Ehdr, Elf64_Ehdr, e_shoff);
    uint64_t shnum = ELF_FIELD(e, 0, Elf32_Ehdr, Elf64_Ehdr, e_shnum);
    uint64_t shentsize = ELF_FIELD(e, 0, Elf32_Ehdr, Elf64_Ehdr, e_shentsize);
    if (shoff == 0 || shoff > e->len ||
        shentsize < (e->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) ||
        shnum > (e->len - shoff) / shentsize) {
        return;                 /* stripped or odd: no symbols, not an error */
    }
    for (uint64_t i = 0; i < shnum; i++) {
        gsize sh = shoff + i * shentsize;
        if (ELF_FIELD(e, sh, Elf32_Shdr, Elf64_Shdr, sh_type) != SHT_SYMTAB) {
            continue;
        }
        uint64_t off = ELF_FIELD(e, sh, Elf32_Shdr, Elf64_Shdr, sh_offset);
        uint64_t size = ELF_FIELD(e, sh, Elf32_Shdr, Elf64_Shdr, sh_size);
        uint64_t link = ELF_FIELD(e, sh, Elf32_Shdr, Elf64_Shdr, sh_link);
        uint64_t entsize = e->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
        if (link >= shnum || off > e->len || size > e->len - off) {
            continue;
        }
        gsize strsh = shoff + link * shentsize;
        uint64_t stroff = ELF_FIELD(e, strsh, Elf32_Shdr, Elf64_Shdr, sh_offset);
        uint64_t strsize = ELF_FIELD(e, strsh, Elf32_Shdr, Elf64_Shdr, sh_size);
        if (stroff > e->len || strsize > e->len - stroff) {
            continue;
        }
        for (uint64_t s = 0; s + entsize <= size; s += entsize) {
            gsize sym = off + s;
            uint64_t name = ELF_FIELD(e, sym, Elf32_Sym, Elf64_Sym, st_name);
            uint64_t value = ELF_FIELD(e, sym, Elf32_Sym, Elf64_Sym, st_value);
            if (name == 0 || name >= strsize ||
                !memchr(e->data + stroff + name, '\0', strsize - name)) {
                continue;
            }
            const char *n = (const char *)e->data + stroff + name;
            uint64_t *v = g_new(uint64_t, 1);
            *v = value;
            g_hash_table_insert(symbols, g_strdup(n), v);
        }
    }
}

bool board_load_elf(Board *board, const char *path, const uint8_t *data, gsize len,
                    uint64_t *entry, uint64_t *low, uint64_t *high, GHashTable *symbols,
                    GError **error)
{
    if (!board_is_elf(data, len)) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "'%s': not an ELF file", path);
        return false;
    }
    BoardElf e = { .data = data, .len = len, .is64 = data[EI_CLASS] == ELFCLASS64,
                   .endian = data[EI_DATA] == ELFDATA2MSB ? MEM_BIG_ENDIAN : MEM_LITTLE_ENDIAN };
    if ((data[EI_CLASS] != ELFCLASS32 && data[EI_CLASS] != ELFCLASS64) ||
        (data[EI_DATA] != ELFDATA2LSB && data[EI_DATA] != ELFDATA2MSB)) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "'%s': unknown ELF class", path);
        return false;
    }
    if (len < (e.is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
        return board_elf_truncated(path, error);
    }
    uint64_t phoff = ELF_FIELD(&e, 0, Elf32_Ehdr, Elf64_Ehdr, e_phoff);
    uint64_t phnum = ELF_FIELD(&e, 0, Elf32_Ehdr, Elf64_Ehdr, e_phnum);
    uint64_t phentsize = ELF_FIELD(&e, 0, Elf32_Ehdr, Elf64_Ehdr, e_phentsize);
    if (phentsize < (e.is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || phoff > len ||
        phnum > (len - phoff) / phentsize) {
        return board_elf_truncated(path, error);
    }
    *entry = ELF_FIELD(&e, 0, Elf32_Ehdr, Elf64_Ehdr, e_entry);
    *low = UINT64_MAX;
    *high = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        gsize ph = phoff + i * phentsize;
        if (ELF_FIELD(&e, ph, Elf32_Phdr, Elf64_Phdr, p_type) != PT_LOAD) {
            continue;
        }
        /* Physical addresses, as QEMU's load_elf does for these boards. */
        uint64_t paddr = ELF_FIELD(&e, ph, Elf32_Phdr, Elf64_Phdr, p_paddr);
        uint64_t off = ELF_FIELD(&e, ph, Elf32_Phdr, Elf64_Phdr, p_offset);
        uint64_t filesz = ELF_FIELD(&e, ph, Elf32_Phdr, Elf64_Phdr, p_filesz);
        uint64_t memsz = ELF_FIELD(&e, ph, Elf32_Phdr, Elf64_Phdr, p_memsz);
        if (off > len || filesz > len - off || filesz > memsz) {
            return board_elf_truncated(path, error);
        }
        if (memsz == 0) {
            continue;
        }
        if (board_write_blob(board, paddr, data + off, filesz) != MEM_OK) {
            goto unmapped;
        }
        /* Zero the bss part in chunks: it may be large. */
        static const uint8_t zeros[4096];
        for (uint64_t z = filesz; z < memsz;) {
            uint64_t n = MIN(sizeof(zeros), memsz - z);
            if (board_write_blob(board, paddr + z, zeros, n) != MEM_OK) {
                goto unmapped;
            }
            z += n;
        }
        *low = MIN(*low, paddr);
        *high = MAX(*high, paddr + memsz);
        continue;
unmapped:
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD,
                    "'%s': segment at 0x%" G_GINT64_MODIFIER "x (+0x%" G_GINT64_MODIFIER
                    "x) is outside guest memory", path, paddr, memsz);
        return false;
    }
    if (*high == 0) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "'%s': no loadable segment",
                    path);
        return false;
    }
    if (symbols) {
        board_elf_symbols(&e, symbols);
    }
    return true;
}

/* --- Files --- */

static bool board_read_file(const char *what, const char *path, uint8_t **data, gsize *len,
                            GError **error)
{
    GError *local = NULL;
    if (!g_file_get_contents(path, (char **)data, len, &local)) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "cannot load %s: %s", what,
                    local->message);
        g_error_free(local);
        return false;
    }
    if (*len == 0) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "cannot load %s '%s': empty file",
                    what, path);
        g_clear_pointer(data, g_free);
        return false;
    }
    return true;
}

static uint64_t board_ram_end(const Board *board)
{
    return board->ram_base + board->ram_size;
}

/* Raw image at `addr`, which must lie in RAM with the whole file. */
static bool board_load_raw(Board *board, const char *what, const char *path,
                           const uint8_t *data, gsize len, uint64_t addr, GError **error)
{
    if (addr < board->ram_base || addr > board_ram_end(board) ||
        len > board_ram_end(board) - addr) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD,
                    "%s '%s' (%" G_GSIZE_FORMAT " bytes) does not fit in RAM at 0x%"
                    G_GINT64_MODIFIER "x (RAM ends at 0x%" G_GINT64_MODIFIER "x)",
                    what, path, len, addr, board_ram_end(board));
        return false;
    }
    MemResult r = board_write_blob(board, addr, data, len);
    g_assert(r == MEM_OK);
    return true;
}

/* A firmware or kernel: ELF if it looks like one, raw at `raw_addr` otherwise. */
static bool board_load_image(Board *board, const char *what, const char *path,
                             uint64_t raw_addr, uint64_t *start, uint64_t *end,
                             uint64_t *entry, GHashTable *symbols, GError **error)
{
    g_autofree uint8_t *data = NULL;
    gsize len;
    if (!board_read_file(what, path, &data, &len, error)) {
        return false;
    }
    if (board_is_elf(data, len)) {
        if (!board_load_elf(board, path, data, len, entry, start, end, symbols, error)) {
            g_prefix_error(error, "cannot load %s: ", what);
            return false;
        }
        return true;
    }
    if (!board_load_raw(board, what, path, data, len, raw_addr, error)) {
        return false;
    }
    *start = raw_addr;
    *end = raw_addr + len;
    *entry = raw_addr;
    return true;
}

/* --- Reset ROM --- */

void board_riscv_reset_vec(uint32_t words[10], bool is_32bit, uint64_t start, uint64_t fdt)
{
    words[0] = 0x00000297;                          /* 1: auipc t0, %pcrel_hi(fw_dyn) */
    words[1] = 0x02828613;                          /*    addi  a2, t0, %pcrel_lo(1b) */
    words[2] = 0xf1402573;                          /*    csrr  a0, mhartid */
    words[3] = is_32bit ? 0x0202a583 : 0x0202b583;  /*    lw/ld a1, 32(t0)  (fdt) */
    words[4] = is_32bit ? 0x0182a283 : 0x0182b283;  /*    lw/ld t0, 24(t0)  (start) */
    words[5] = 0x00028067;                          /*    jr    t0 */
    words[6] = (uint32_t)start;                     /* start: .dword */
    words[7] = (uint32_t)(start >> 32);
    words[8] = (uint32_t)fdt;                       /* fdt_laddr: .dword */
    words[9] = (uint32_t)(fdt >> 32);
    /* fw_dyn: follows at +40 */
}

static bool board_write_reset_rom(Board *board, BoardBootInfo *info, uint64_t start,
                                  GError **error)
{
    MemRegion *rom = NULL;
    for (guint i = 0; i < board->roms->len; i++) {
        BoardRom *r = g_ptr_array_index(board->roms, i);
        if (strcmp(r->name, "mrom") == 0) {
            rom = &r->mr;
        }
    }
    if (!rom) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD,
                    "board '%s' has no [rom mrom] for the reset vector", board->name);
        return false;
    }
    uint32_t words[10];
    board_riscv_reset_vec(words, info->is_32bit, start, info->fdt_addr);
    uint8_t buf[40 + 6 * 8];
    for (unsigned i = 0; i < 10; i++) {
        mem_stn(&buf[4 * i], 4, MEM_LITTLE_ENDIAN, words[i]);
    }
    /* struct fw_dynamic_info: magic, version, next_addr, next_mode, options, boot_hart. */
    unsigned xlen = info->is_32bit ? 4 : 8;
    uint64_t dinfo[6] = { BOARD_FW_DYNAMIC_MAGIC, BOARD_FW_DYNAMIC_VERSION, info->kernel_entry,
                          BOARD_FW_DYNAMIC_NEXT_MODE_S, 0, 0 };
    for (unsigned i = 0; i < 6; i++) {
        mem_stn(&buf[40 + xlen * i], xlen, MEM_LITTLE_ENDIAN, dinfo[i]);
    }
    unsigned total = 40 + 6 * xlen;
    if (rom->size < total) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "[rom mrom] is too small");
        return false;
    }
    MemResult r = board_write_blob(board, rom->base, buf, total);
    g_assert(r == MEM_OK);
    info->reset_pc = rom->base;
    info->fw_dynamic_info = rom->base + 40;
    return true;
}

/* --- The whole boot --- */

static bool board_symbol_lookup(void *opaque, const char *name, uint64_t *value)
{
    uint64_t *v = g_hash_table_lookup(opaque, name);
    if (v) {
        *value = *v;
    }
    return v != NULL;
}

static bool board_place_fdt(Board *board, const BoardBootConfig *cfg, BoardBootInfo *info,
                            GError **error)
{
    g_autofree void *fdt = cfg->dtb ? board_fdt_load(cfg->dtb, error)
                                    : board_fdt_build(board, &cfg->fdt, error);
    if (!fdt) {
        return false;
    }
    if (info->initrd_end &&
        !board_fdt_set_initrd(fdt, info->initrd_start, info->initrd_end, error)) {
        return false;
    }
    info->fdt_size = board_fdt_finish(fdt);
    uint64_t top = board_ram_end(board);
    if (board->ram_base < 3 * GiB) {
        top = MIN(top, 3 * GiB);    /* reachable by a 32-bit kernel too */
    }
    if (top - board->ram_base < info->fdt_size) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD,
                    "the device tree (%u bytes) does not fit in RAM", info->fdt_size);
        return false;
    }
    info->fdt_addr = (top - info->fdt_size) & ~(2 * MiB - 1);
    if (info->fdt_addr < board->ram_base) {
        info->fdt_addr = board->ram_base;
    }
    MemResult r = board_write_blob(board, info->fdt_addr, fdt, info->fdt_size);
    g_assert(r == MEM_OK);
    if (cfg->dump_dtb && !board_fdt_save(fdt, cfg->dump_dtb, error)) {
        return false;
    }
    return true;
}

bool board_load(Board *board, const BoardBootConfig *cfg, BoardBootInfo *info, GError **error)
{
    memset(info, 0, sizeof(*info));
    /* Both RISC-V protocols start in QEMU's reset ROM; they differ in the devices the
     * board file places (HTIF at program symbols for riscv-htif). Other guests' boards
     * will name their own protocol here. */
    if (strcmp(board->boot, "riscv-fw-dynamic") != 0 && strcmp(board->boot, "riscv-htif") != 0) {
        g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD,
                    "board '%s': boot protocol '%s' is not riscv-fw-dynamic or riscv-htif",
                    board->name, board->boot);
        return false;
    }
    info->is_32bit = g_str_has_prefix(board->cpu, "rv32");
    g_autoptr(GHashTable) symbols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    uint64_t fw_entry = board->ram_base;
    info->firmware_start = info->firmware_end = board->ram_base;
    if (cfg->bios &&
        !board_load_image(board, "firmware", cfg->bios, board->ram_base, &info->firmware_start,
                          &info->firmware_end, &fw_entry, symbols, error)) {
        return false;
    }
    if (cfg->kernel) {
        uint64_t align = info->is_32bit ? 4 * MiB : 2 * MiB;
        uint64_t raw_at = (info->firmware_end + align - 1) & ~(align - 1);
        if (!board_load_image(board, "kernel", cfg->kernel, raw_at, &info->kernel_start,
                              &info->kernel_end, &info->kernel_entry, symbols, error)) {
            return false;
        }
    }
    if (cfg->initrd) {
        if (!cfg->kernel) {
            g_set_error(error, MIMIC_BOARD_ERROR, BOARD_ERROR_LOAD, "-initrd needs -kernel");
            return false;
        }
        g_autofree uint8_t *data = NULL;
        gsize len;
        if (!board_read_file("initrd", cfg->initrd, &data, &len, error)) {
            return false;
        }
        info->initrd_start = info->kernel_entry + MIN(board->ram_size / 2, 128 * MiB);
        if (!board_load_raw(board, "initrd", cfg->initrd, data, len, info->initrd_start,
                            error)) {
            return false;
        }
        info->initrd_end = info->initrd_start + len;
    }
    if (!board_place_fdt(board, cfg, info, error)) {
        return false;
    }
    /* With no firmware the reset code enters the kernel directly. */
    uint64_t start = cfg->bios ? fw_entry : cfg->kernel ? info->kernel_entry : board->ram_base;
    if (!board_write_reset_rom(board, info, start, error)) {
        return false;
    }
    /* Devices placed at program symbols (spike's HTIF) come last: the ELF is in RAM. */
    return board_place_deferred(board, board_symbol_lookup, symbols, error);
}
