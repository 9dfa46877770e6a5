/*
 * Loading like QEMU 7.2's riscv virt (hw/riscv/boot.c): firmware at RAM base, a raw
 * kernel at the next 2 MiB boundary (0x80200000 behind fw_dynamic), initrd at kernel +
 * min(RAM/2, 128 MiB), DTB at the end of RAM rounded down to 2 MiB (0x8fe00000 with
 * 256 MiB, as OpenSBI printed under QEMU: logs/rv64-linux.1.log "Next Arg1"), the reset
 * vector words of riscv_setup_rom_reset_vec and OpenSBI's struct fw_dynamic_info.
 */
#include <check.h>
#include <elf.h>
#include <libfdt.h>
#include <string.h>
#include <unistd.h>

#include "platform/boards/loader.h"


/* Property values are only 4-byte aligned inside a tree: read 64-bit cells bytewise. */
static uint64_t be64(const void *p)
{
    fdt64_t v;
    memcpy(&v, p, sizeof(v));
    return fdt64_to_cpu(v);
}
static char *tmpdir;

static void loader_setup(void)
{
    tmpdir = g_dir_make_tmp("mimic-loader-XXXXXX", NULL);
    ck_assert_ptr_nonnull(tmpdir);
}

static void loader_teardown(void)
{
    g_autoptr(GDir) dir = g_dir_open(tmpdir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(dir))) {
        g_autofree char *p = g_build_filename(tmpdir, name, NULL);
        unlink(p);
    }
    rmdir(tmpdir);
    g_clear_pointer(&tmpdir, g_free);
}

static char *file_of(const char *name, const void *data, size_t len)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    ck_assert(g_file_set_contents(path, data, (gssize)len, NULL));
    return path;
}

static char *pattern_file(const char *name, size_t len, uint8_t seed)
{
    uint8_t *d = g_malloc(len);
    for (size_t i = 0; i < len; i++) {
        d[i] = (uint8_t)(seed + i);
    }
    char *p = file_of(name, d, len);
    g_free(d);
    return p;
}

/* A little-endian ELF64 with one PT_LOAD (filesz code bytes + bss) and, optionally, the
 * symbols tohost and fromhost. */
static char *elf_file(const char *name, uint64_t paddr, uint64_t entry, size_t filesz,
                      size_t memsz, uint64_t tohost)
{
    const size_t data_off = 0x100;
    const char strtab[] = "\0tohost\0fromhost";
    Elf64_Sym syms[3] = { { 0 } };
    syms[1].st_name = 1;
    syms[1].st_value = tohost;
    syms[2].st_name = 8;
    syms[2].st_value = tohost + 0x40;
    size_t str_off = data_off + filesz;
    size_t sym_off = (str_off + sizeof(strtab) + 7) & ~(size_t)7;
    size_t sh_off = sym_off + sizeof(syms);
    size_t total = sh_off + 3 * sizeof(Elf64_Shdr);
    uint8_t *buf = g_malloc0(total);
    Elf64_Ehdr eh = { 0 };
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_RISCV;
    eh.e_version = EV_CURRENT;
    eh.e_entry = entry;
    eh.e_phoff = sizeof(eh);
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    if (tohost) {
        eh.e_shoff = sh_off;
        eh.e_shnum = 3;
    }
    memcpy(buf, &eh, sizeof(eh));
    Elf64_Phdr ph = { .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = data_off,
                      .p_vaddr = paddr, .p_paddr = paddr, .p_filesz = filesz,
                      .p_memsz = memsz, .p_align = 0x1000 };
    memcpy(buf + sizeof(eh), &ph, sizeof(ph));
    for (size_t i = 0; i < filesz; i++) {
        buf[data_off + i] = (uint8_t)(0x40 + i);
    }
    memcpy(buf + str_off, strtab, sizeof(strtab));
    memcpy(buf + sym_off, syms, sizeof(syms));
    Elf64_Shdr sh[3] = { { 0 } };
    sh[1].sh_type = SHT_SYMTAB;
    sh[1].sh_offset = sym_off;
    sh[1].sh_size = sizeof(syms);
    sh[1].sh_link = 2;
    sh[1].sh_entsize = sizeof(Elf64_Sym);
    sh[2].sh_type = SHT_STRTAB;
    sh[2].sh_offset = str_off;
    sh[2].sh_size = sizeof(strtab);
    memcpy(buf + sh_off, sh, sizeof(sh));
    char *path = file_of(name, buf, total);
    g_free(buf);
    return path;
}

static Board *virt(uint64_t ram_size)
{
    BoardOptions opts = { .ram_size = ram_size };
    GError *err = NULL;
    Board *b = board_create("virt", &opts, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    return b;
}

static uint64_t ld(Board *b, uint64_t addr, unsigned size)
{
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&b->mem, addr, size, &v), MEM_OK);
    return v;
}

START_TEST(test_reset_vector_words)
{
    uint32_t w[10];
    board_riscv_reset_vec(w, false, 0x80000000, 0x8fe00000);
    static const uint32_t qemu[6] = { 0x00000297, 0x02828613, 0xf1402573,
                                      0x0202b583, 0x0182b283, 0x00028067 };
    ck_assert_mem_eq(w, qemu, sizeof(qemu));
    ck_assert_uint_eq(w[6], 0x80000000);
    ck_assert_uint_eq(w[7], 0);
    ck_assert_uint_eq(w[8], 0x8fe00000);
    board_riscv_reset_vec(w, true, 0x80000000, 0x8fe00000);
    ck_assert_uint_eq(w[3], 0x0202a583);        /* lw a1, 32(t0) */
    ck_assert_uint_eq(w[4], 0x0182a283);        /* lw t0, 24(t0) */
}
END_TEST

START_TEST(test_fw_dynamic_placement)
{
    Board *b = virt(256u << 20);
    g_autofree char *fw = pattern_file("fw_dynamic.bin", 0x1234, 1);
    g_autofree char *kernel = pattern_file("Image", 0x5000, 2);
    g_autofree char *initrd = pattern_file("initramfs.cpio.gz", 0x3000, 3);
    g_autofree char *dump = g_build_filename(tmpdir, "dump.dtb", NULL);
    BoardBootConfig cfg = { .bios = fw, .kernel = kernel, .initrd = initrd, .dump_dtb = dump,
                            .fdt = { .isa = "rv64imafdc", .bootargs = "console=ttyS0" } };
    BoardBootInfo info;
    GError *err = NULL;
    ck_assert_msg(board_load(b, &cfg, &info, &err), "%s", err ? err->message : "");
    ck_assert_uint_eq(info.reset_pc, 0x1000);
    ck_assert_uint_eq(info.firmware_start, 0x80000000);
    ck_assert_uint_eq(info.firmware_end, 0x80001234);
    ck_assert_uint_eq(info.kernel_start, 0x80200000);
    ck_assert_uint_eq(info.kernel_entry, 0x80200000);
    ck_assert_uint_eq(info.initrd_start, 0x88200000);
    ck_assert_uint_eq(info.initrd_end, 0x88203000);
    ck_assert_uint_eq(info.fdt_addr, 0x8fe00000);
    ck_assert_uint_eq(info.fw_dynamic_info, 0x1028);
    /* Contents. */
    ck_assert_uint_eq(ld(b, 0x80000000, 1), 1);
    ck_assert_uint_eq(ld(b, 0x80001233, 1), (uint8_t)(1 + 0x1233));
    ck_assert_uint_eq(ld(b, 0x80200000, 1), 2);
    ck_assert_uint_eq(ld(b, 0x88200000, 1), 3);
    /* Reset ROM: code, start = firmware, a1 = DTB; then fw_dynamic_info. */
    ck_assert_uint_eq(ld(b, 0x1000, 4), 0x00000297);
    ck_assert_uint_eq(ld(b, 0x1014, 4), 0x00028067);
    ck_assert_uint_eq(ld(b, 0x1018, 8), 0x80000000);
    ck_assert_uint_eq(ld(b, 0x1020, 8), 0x8fe00000);
    ck_assert_uint_eq(ld(b, 0x1028, 8), 0x4942534f);     /* magic */
    ck_assert_uint_eq(ld(b, 0x1030, 8), 2);              /* version */
    ck_assert_uint_eq(ld(b, 0x1038, 8), 0x80200000);     /* next_addr */
    ck_assert_uint_eq(ld(b, 0x1040, 8), 1);              /* next_mode = S */
    ck_assert_uint_eq(ld(b, 0x1048, 8), 0);              /* options */
    ck_assert_uint_eq(ld(b, 0x1050, 8), 0);              /* boot_hart */
    /* The tree in RAM names the initrd. */
    void *dtb = mem_as_ram_ptr(&b->mem, info.fdt_addr, info.fdt_size, NULL);
    ck_assert_ptr_nonnull(dtb);
    ck_assert_int_eq(fdt_check_header(dtb), 0);
    int chosen = fdt_path_offset(dtb, "/chosen");
    const fdt64_t *start = fdt_getprop(dtb, chosen, "linux,initrd-start", NULL);
    const fdt64_t *end = fdt_getprop(dtb, chosen, "linux,initrd-end", NULL);
    ck_assert_uint_eq(be64(start), 0x88200000);
    ck_assert_uint_eq(be64(end), 0x88203000);
    ck_assert_str_eq(fdt_getprop(dtb, chosen, "bootargs", NULL), "console=ttyS0");
    /* A reset (sifive_test 0x7777) brings back what was loaded, as QEMU's ROM blobs do. */
    ck_assert_int_eq(mem_as_store(&b->mem, 0x80200000, 8, 0), MEM_OK);
    ck_assert_int_eq(mem_as_store(&b->mem, 0x80000010, 8, 0), MEM_OK);
    board_reset(b);
    ck_assert_uint_eq(ld(b, 0x80200000, 1), 2);
    ck_assert_uint_eq(ld(b, 0x80000010, 1), 0x11);
    ck_assert_uint_eq(ld(b, 0x1028, 8), 0x4942534f);
    /* --dump-dtb wrote the same bytes. */
    g_autofree char *dumped = NULL;
    gsize len;
    ck_assert(g_file_get_contents(dump, &dumped, &len, NULL));
    ck_assert_uint_eq(len, info.fdt_size);
    ck_assert_mem_eq(dumped, dtb, len);
    board_free(b);
}
END_TEST

START_TEST(test_small_ram_placement)
{
    Board *b = virt(128u << 20);
    g_autofree char *fw = pattern_file("fw.bin", 0x300000, 1);     /* 3 MiB firmware */
    g_autofree char *kernel = pattern_file("Image", 0x1000, 2);
    g_autofree char *initrd = pattern_file("initrd", 0x1000, 3);
    BoardBootConfig cfg = { .bios = fw, .kernel = kernel, .initrd = initrd };
    BoardBootInfo info;
    GError *err = NULL;
    ck_assert_msg(board_load(b, &cfg, &info, &err), "%s", err ? err->message : "");
    ck_assert_uint_eq(info.kernel_entry, 0x80400000);             /* next 2 MiB boundary */
    ck_assert_uint_eq(info.initrd_start, 0x80400000 + (64u << 20));   /* RAM / 2 */
    ck_assert_uint_eq(info.fdt_addr, 0x87e00000);
    board_free(b);
}
END_TEST

START_TEST(test_elf_kernel_and_no_firmware)
{
    Board *b = virt(128u << 20);
    g_autofree char *kernel = elf_file("vmlinux", 0x80400000, 0x80400010, 0x20, 0x1000, 0);
    /* Dirty the bss first: the loader must clear it. */
    ck_assert_int_eq(mem_as_store(&b->mem, 0x80400100, 8, ~0ull), MEM_OK);
    BoardBootConfig cfg = { .kernel = kernel };
    BoardBootInfo info;
    GError *err = NULL;
    ck_assert_msg(board_load(b, &cfg, &info, &err), "%s", err ? err->message : "");
    ck_assert_uint_eq(info.kernel_entry, 0x80400010);
    ck_assert_uint_eq(info.kernel_start, 0x80400000);
    ck_assert_uint_eq(info.kernel_end, 0x80401000);
    ck_assert_uint_eq(ld(b, 0x80400000, 1), 0x40);
    ck_assert_uint_eq(ld(b, 0x8040001f, 1), 0x5f);
    ck_assert_uint_eq(ld(b, 0x80400100, 8), 0);
    ck_assert_uint_eq(ld(b, 0x1018, 8), 0x80400010);   /* no firmware: straight in */
    board_free(b);
}
END_TEST

START_TEST(test_spike_htif_from_symbols)
{
    GError *err = NULL;
    Board *b = board_create("spike", NULL, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    g_autofree char *prog = elf_file("rv64ui-p-add", 0x80000000, 0x80000000, 0x2000, 0x2000,
                                     0x80001000);
    BoardBootConfig cfg = { .kernel = prog };
    BoardBootInfo info;
    ck_assert_msg(board_load(b, &cfg, &info, &err), "%s", err ? err->message : "");
    ck_assert_ptr_nonnull(board_find_device(b, "htif"));
    ck_assert_int_eq(mem_as_store(&b->mem, 0x80001000, 8, (21 << 1) | 1), MEM_OK);
    int code;
    ck_assert_int_eq(board_exit_status(b, &code), BOARD_EXIT_FAIL);
    ck_assert_int_eq(code, 21);
    /* The program's bytes around tohost are in RAM as loaded, also after a reset that
     * reloads the program over the HTIF words. */
    ck_assert_uint_eq(ld(b, 0x80001008, 1), (uint8_t)(0x40 + 0x1008));
    ck_assert_int_eq(mem_as_store(&b->mem, 0x80001008, 1, 0), MEM_OK);
    board_reset(b);
    ck_assert_uint_eq(ld(b, 0x80001008, 1), (uint8_t)(0x40 + 0x1008));
    ck_assert_int_eq(board_exit_status(b, NULL), BOARD_EXIT_NONE);
    board_free(b);
    /* Without the symbols the run cannot be set up. */
    b = board_create("spike", NULL, &err);
    g_autofree char *plain = elf_file("plain", 0x80000000, 0x80000000, 0x100, 0x100, 0);
    cfg.kernel = plain;
    ck_assert(!board_load(b, &cfg, &info, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "'tohost'"));
    g_clear_error(&err);
    board_free(b);
}
END_TEST

START_TEST(test_rv32_board)
{
    const char *text = "[board]\nname=rv32\ncpu=rv32\nram-base=0x80000000\nram-size=64M\n"
                       "boot=riscv-fw-dynamic\n"
                       "[rom mrom]\nbase=0x1000\nsize=0x1000\n";
    GError *err = NULL;
    Board *b = board_create_from_data(text, "rv32", NULL, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    g_autofree char *fw = pattern_file("fw.bin", 0x100, 1);
    g_autofree char *kernel = pattern_file("Image", 0x100, 2);
    BoardBootConfig cfg = { .bios = fw, .kernel = kernel };
    BoardBootInfo info;
    ck_assert_msg(board_load(b, &cfg, &info, &err), "%s", err ? err->message : "");
    ck_assert(info.is_32bit);
    ck_assert_uint_eq(info.kernel_entry, 0x80400000);   /* 4 MiB alignment for RV32 */
    ck_assert_uint_eq(ld(b, 0x100c, 4), 0x0202a583);
    ck_assert_uint_eq(ld(b, 0x1028, 4), 0x4942534f);    /* XLEN-wide fields */
    ck_assert_uint_eq(ld(b, 0x102c, 4), 2);
    ck_assert_uint_eq(ld(b, 0x1030, 4), 0x80400000);
    ck_assert_uint_eq(ld(b, 0x1034, 4), 1);
    board_free(b);
}
END_TEST

START_TEST(test_elf_every_truncation)
{
    /* Cut a valid ELF at every length and flip bytes of its headers: the loader must
     * either load it or say why, never read outside the file. A small RAM keeps the
     * flipped sizes cheap to zero. */
    Board *b = board_create_from_data("[board]\nname=t\ncpu=rv64\nram-base=0x80000000\n"
                                      "ram-size=1M\n", "t", NULL, NULL);
    ck_assert_ptr_nonnull(b);
    g_autofree char *path = elf_file("k.elf", 0x80000000, 0x80000000, 0x40, 0x80, 0x80000100);
    g_autofree uint8_t *data = NULL;
    gsize len;
    ck_assert(g_file_get_contents(path, (char **)&data, &len, NULL));
    for (gsize cut = 0; cut <= len; cut++) {
        g_autofree uint8_t *copy = g_memdup2(data, cut ? cut : 1);
        uint64_t entry, low, high;
        g_autoptr(GHashTable) syms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                          g_free);
        GError *err = NULL;
        bool ok = board_load_elf(b, "k.elf", copy, cut, &entry, &low, &high, syms, &err);
        ck_assert(ok == (err == NULL));
        g_clear_error(&err);
    }
    for (gsize i = 0; i < 0x100 && i < len; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            g_autofree uint8_t *copy = g_memdup2(data, len);
            copy[i] ^= (uint8_t)(1u << bit);
            uint64_t entry, low, high;
            g_autoptr(GHashTable) syms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                              g_free);
            GError *err = NULL;
            bool ok = board_load_elf(b, "k.elf", copy, len, &entry, &low, &high, syms, &err);
            ck_assert(ok == (err == NULL));
            g_clear_error(&err);
        }
    }
    board_free(b);
}
END_TEST

static void expect_load_error(Board *b, const BoardBootConfig *cfg, const char *needle)
{
    BoardBootInfo info;
    GError *err = NULL;
    ck_assert(!board_load(b, cfg, &info, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, needle), "'%s' lacks '%s'", err->message, needle);
    ck_assert_ptr_null(strchr(err->message, '\n'));
    g_error_free(err);
}

START_TEST(test_errors)
{
    Board *b = virt(4u << 20);
    g_autofree char *missing = g_build_filename(tmpdir, "nope.bin", NULL);
    BoardBootConfig cfg = { .bios = missing };
    expect_load_error(b, &cfg, "cannot load firmware");
    g_autofree char *empty = file_of("empty.bin", "", 0);
    cfg.bios = empty;
    expect_load_error(b, &cfg, "empty file");
    /* Truncated ELF: header promises program headers past the end. */
    g_autofree char *elf = elf_file("k.elf", 0x80000000, 0x80000000, 0x10, 0x10, 0);
    g_autofree char *data = NULL;
    gsize len;
    ck_assert(g_file_get_contents(elf, &data, &len, NULL));
    g_autofree char *cut = file_of("cut.elf", data, 80);
    cfg.bios = cut;
    expect_load_error(b, &cfg, "truncated ELF");
    g_autofree char *tiny = file_of("tiny.elf", data, 20);
    cfg.bios = tiny;
    expect_load_error(b, &cfg, "truncated ELF");
    /* A segment outside guest memory. */
    g_autofree char *far = elf_file("far.elf", 0x40000000, 0x40000000, 0x10, 0x10, 0);
    cfg.bios = far;
    expect_load_error(b, &cfg, "outside guest memory");
    /* Kernel that does not fit behind the firmware: RAM is 4 MiB, kernel at 2 MiB. */
    g_autofree char *fw = pattern_file("fw.bin", 0x100, 1);
    g_autofree char *big = pattern_file("Image", 3u << 20, 2);
    cfg.bios = fw;
    cfg.kernel = big;
    expect_load_error(b, &cfg, "does not fit in RAM");
    /* initrd beyond the end of RAM (kernel + 2 MiB + its size > 4 MiB). */
    g_autofree char *small = pattern_file("Image2", 0x1000, 2);
    g_autofree char *initrd = pattern_file("initrd", 0x1000, 3);
    cfg.kernel = small;
    cfg.initrd = initrd;
    expect_load_error(b, &cfg, "initrd");
    cfg.kernel = NULL;
    expect_load_error(b, &cfg, "-initrd needs -kernel");
    board_free(b);
    /* A board without a boot protocol the loader knows. */
    b = board_create_from_data("[board]\nname=odd\ncpu=rv64\nram-base=0x80000000\n", "odd",
                               NULL, NULL);
    ck_assert_ptr_nonnull(b);
    BoardBootConfig none = { 0 };
    expect_load_error(b, &none, "boot protocol ''");
    board_free(b);
}
END_TEST

START_TEST(test_user_dtb)
{
    Board *b = virt(128u << 20);
    /* A -dtb replaces the generated tree; the initrd still lands in /chosen. */
    void *tree = g_malloc0(4096);
    ck_assert_int_eq(fdt_create_empty_tree(tree, 4096), 0);
    ck_assert_int_eq(fdt_setprop_string(tree, 0, "model", "mine"), 0);
    fdt_pack(tree);
    g_autofree char *dtb = file_of("mine.dtb", tree, fdt_totalsize(tree));
    g_free(tree);
    g_autofree char *kernel = pattern_file("Image", 0x100, 2);
    g_autofree char *initrd = pattern_file("initrd", 0x100, 3);
    BoardBootConfig cfg = { .kernel = kernel, .initrd = initrd, .dtb = dtb };
    BoardBootInfo info;
    GError *err = NULL;
    ck_assert_msg(board_load(b, &cfg, &info, &err), "%s", err ? err->message : "");
    void *in_ram = mem_as_ram_ptr(&b->mem, info.fdt_addr, info.fdt_size, NULL);
    ck_assert_str_eq(fdt_getprop(in_ram, 0, "model", NULL), "mine");
    ck_assert_ptr_nonnull(fdt_getprop(in_ram, fdt_path_offset(in_ram, "/chosen"),
                                      "linux,initrd-start", NULL));
    board_free(b);
}
END_TEST

/* Debian's OpenSBI (package opensbi), when installed: its ELF and its raw binary load to
 * the same bytes at RAM base, and the kernel still goes to 0x80200000. */
#define OPENSBI_DIR "/usr/lib/riscv64-linux-gnu/opensbi/generic/"

START_TEST(test_real_opensbi)
{
    if (!g_file_test(OPENSBI_DIR "fw_dynamic.elf", G_FILE_TEST_EXISTS)) {
        return;
    }
    g_autofree uint8_t *bin = NULL;
    gsize bin_len;
    ck_assert(g_file_get_contents(OPENSBI_DIR "fw_dynamic.bin", (char **)&bin, &bin_len, NULL));
    g_autofree char *kernel = pattern_file("Image", 0x1000, 2);
    static const char *const fw[] = { OPENSBI_DIR "fw_dynamic.elf", OPENSBI_DIR "fw_dynamic.bin" };
    for (unsigned i = 0; i < G_N_ELEMENTS(fw); i++) {
        Board *b = virt(256u << 20);
        BoardBootConfig cfg = { .bios = fw[i], .kernel = kernel };
        BoardBootInfo info;
        GError *err = NULL;
        ck_assert_msg(board_load(b, &cfg, &info, &err), "%s", err ? err->message : "");
        ck_assert_uint_eq(info.firmware_start, 0x80000000);
        ck_assert_uint_eq(info.kernel_entry, 0x80200000);
        ck_assert_uint_eq(ld(b, 0x1018, 8), 0x80000000);
        uint8_t *ram = mem_as_ram_ptr(&b->mem, 0x80000000, bin_len, NULL);
        ck_assert_mem_eq(ram, bin, 4096);
        board_free(b);
    }
}
END_TEST

Suite *boards_loader_suite(void)
{
    Suite *s = suite_create("boards_loader");
    TCase *tc = tcase_create("loader");
    tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
    tcase_add_test(tc, test_reset_vector_words);
    tcase_add_test(tc, test_fw_dynamic_placement);
    tcase_add_test(tc, test_small_ram_placement);
    tcase_add_test(tc, test_elf_kernel_and_no_firmware);
    tcase_add_test(tc, test_spike_htif_from_symbols);
    tcase_add_test(tc, test_rv32_board);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_elf_every_truncation);
    tcase_add_test(tc, test_user_dtb);
    tcase_add_test(tc, test_real_opensbi);
    suite_add_tcase(s, tc);
    return s;
}
