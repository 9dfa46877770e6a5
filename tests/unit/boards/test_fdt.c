/*
 * Device tree of the virt board: parsed back with libfdt and compared with the nodes
 * and properties of QEMU 7.2's own tree (/work/shared/guests/riscv64/qemu-virt.dts);
 * decompiled with dtc when it is installed; -dtb loading and --dump-dtb saving.
 */
#include <check.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/boards/fdt.h"


/* Property values are only 4-byte aligned inside a tree: read 64-bit cells bytewise. */
static uint64_t be64(const void *p)
{
    fdt64_t v;
    memcpy(&v, p, sizeof(v));
    return fdt64_to_cpu(v);
}
static Board *board;
static void *fdt;

static const BoardFdtInfo info = {
    .isa = "rv64imafdc_zicsr_zifencei",
    .mmu_type = "riscv,sv39",
    .bootargs = "console=ttyS0 earlycon",
};

static void fdt_setup(void)
{
    BoardOptions opts = { .ram_size = 256u << 20, .harts = 2 };
    GError *err = NULL;
    board = board_create("virt", &opts, &err);
    ck_assert_msg(board, "%s", err ? err->message : "");
    fdt = board_fdt_build(board, &info, &err);
    ck_assert_msg(fdt, "%s", err ? err->message : "");
    board_fdt_finish(fdt);
    ck_assert_int_eq(fdt_check_header(fdt), 0);
}

static void fdt_teardown(void)
{
    g_free(fdt);
    board_free(board);
}

static int node(const char *path)
{
    int off = fdt_path_offset(fdt, path);
    ck_assert_msg(off >= 0, "no node %s", path);
    return off;
}

static const void *prop(const char *path, const char *name, int *len)
{
    const void *p = fdt_getprop(fdt, node(path), name, len);
    ck_assert_msg(p, "no %s in %s", name, path);
    return p;
}

static uint32_t cell(const char *path, const char *name, int i)
{
    int len;
    const fdt32_t *p = prop(path, name, &len);
    ck_assert_int_gt(len, 4 * i);
    return fdt32_to_cpu(p[i]);
}

static const char *str(const char *path, const char *name)
{
    return prop(path, name, NULL);
}

static uint32_t phandle_at(const char *path)
{
    return fdt_get_phandle(fdt, node(path));
}

START_TEST(test_root_and_memory)
{
    ck_assert_uint_eq(cell("/", "#address-cells", 0), 2);
    ck_assert_uint_eq(cell("/", "#size-cells", 0), 2);
    ck_assert_str_eq(str("/", "compatible"), "riscv-virtio");
    ck_assert_str_eq(str("/", "model"), "riscv-virtio,qemu");
    ck_assert_str_eq(str("/memory@80000000", "device_type"), "memory");
    ck_assert_uint_eq(cell("/memory@80000000", "reg", 1), 0x80000000);
    ck_assert_uint_eq(cell("/memory@80000000", "reg", 3), 0x10000000);
    ck_assert_str_eq(str("/chosen", "bootargs"), "console=ttyS0 earlycon");
    ck_assert_str_eq(str("/chosen", "stdout-path"), "/soc/serial@10000000");
}
END_TEST

START_TEST(test_cpus)
{
    ck_assert_uint_eq(cell("/cpus", "timebase-frequency", 0), 10000000);
    ck_assert_uint_eq(cell("/cpus", "#address-cells", 0), 1);
    for (unsigned h = 0; h < 2; h++) {
        g_autofree char *cpu = g_strdup_printf("/cpus/cpu@%u", h);
        g_autofree char *intc = g_strdup_printf("/cpus/cpu@%u/interrupt-controller", h);
        ck_assert_str_eq(str(cpu, "device_type"), "cpu");
        ck_assert_uint_eq(cell(cpu, "reg", 0), h);
        ck_assert_str_eq(str(cpu, "riscv,isa"), info.isa);
        ck_assert_str_eq(str(cpu, "mmu-type"), "riscv,sv39");
        ck_assert_str_eq(str(cpu, "status"), "okay");
        ck_assert_str_eq(str(intc, "compatible"), "riscv,cpu-intc");
        ck_assert_uint_eq(cell(intc, "#interrupt-cells", 0), 1);
        ck_assert_ptr_nonnull(fdt_getprop(fdt, node(intc), "interrupt-controller", NULL));
        g_autofree char *core = g_strdup_printf("/cpus/cpu-map/cluster0/core%u", h);
        ck_assert_uint_eq(cell(core, "cpu", 0), phandle_at(cpu));
    }
    /* cpu@0 comes first, as in QEMU's tree. */
    ck_assert_str_eq(fdt_get_name(fdt, fdt_first_subnode(fdt, node("/cpus")), NULL), "cpu@0");
}
END_TEST

START_TEST(test_interrupt_controllers)
{
    uint32_t intc0 = phandle_at("/cpus/cpu@0/interrupt-controller");
    uint32_t intc1 = phandle_at("/cpus/cpu@1/interrupt-controller");
    int len;
    /* CLINT: <intc 3 intc 7> per hart (MSIP, MTIP). */
    const fdt32_t *c = prop("/soc/clint@2000000", "interrupts-extended", &len);
    ck_assert_int_eq(len, 4 * 8);
    uint32_t want_clint[8] = { intc0, 3, intc0, 7, intc1, 3, intc1, 7 };
    for (unsigned i = 0; i < 8; i++) {
        ck_assert_uint_eq(fdt32_to_cpu(c[i]), want_clint[i]);
    }
    ck_assert_int_eq(fdt_stringlist_search(fdt, node("/soc/clint@2000000"), "compatible",
                                           "riscv,clint0"), 1);
    ck_assert_uint_eq(cell("/soc/clint@2000000", "reg", 3), 0x10000);
    /* PLIC: <intc 11 intc 9> per hart (M then S context), 96 sources. */
    const fdt32_t *p = prop("/soc/plic@c000000", "interrupts-extended", &len);
    ck_assert_int_eq(len, 4 * 8);
    uint32_t want_plic[8] = { intc0, 11, intc0, 9, intc1, 11, intc1, 9 };
    for (unsigned i = 0; i < 8; i++) {
        ck_assert_uint_eq(fdt32_to_cpu(p[i]), want_plic[i]);
    }
    ck_assert_uint_eq(cell("/soc/plic@c000000", "riscv,ndev", 0), 96);
    ck_assert_uint_eq(cell("/soc/plic@c000000", "#interrupt-cells", 0), 1);
    ck_assert_int_eq(fdt_stringlist_search(fdt, node("/soc/plic@c000000"), "compatible",
                                           "sifive,plic-1.0.0"), 0);
}
END_TEST

START_TEST(test_devices)
{
    uint32_t plic = phandle_at("/soc/plic@c000000");
    ck_assert_uint_ne(plic, 0);
    ck_assert_str_eq(str("/soc/serial@10000000", "compatible"), "ns16550a");
    ck_assert_uint_eq(cell("/soc/serial@10000000", "interrupts", 0), 10);
    ck_assert_uint_eq(cell("/soc/serial@10000000", "interrupt-parent", 0), plic);
    ck_assert_uint_eq(cell("/soc/serial@10000000", "clock-frequency", 0), 3686400);
    ck_assert_uint_eq(cell("/soc/serial@10000000", "reg", 3), 0x100);
    ck_assert_str_eq(str("/soc/rtc@101000", "compatible"), "google,goldfish-rtc");
    ck_assert_uint_eq(cell("/soc/rtc@101000", "interrupts", 0), 11);
    for (unsigned i = 1; i <= 8; i++) {
        g_autofree char *path = g_strdup_printf("/soc/virtio_mmio@%x", 0x10000000 + 0x1000 * i);
        ck_assert_str_eq(str(path, "compatible"), "virtio,mmio");
        ck_assert_uint_eq(cell(path, "interrupts", 0), i);
        ck_assert_uint_eq(cell(path, "interrupt-parent", 0), plic);
        ck_assert_uint_eq(cell(path, "reg", 3), 0x1000);
    }
    /* The test device and the syscon nodes Linux powers off through. */
    uint32_t test = phandle_at("/soc/test@100000");
    ck_assert_uint_ne(test, 0);
    ck_assert_int_eq(fdt_stringlist_search(fdt, node("/soc/test@100000"), "compatible",
                                           "syscon"), 2);
    ck_assert_str_eq(str("/poweroff", "compatible"), "syscon-poweroff");
    ck_assert_uint_eq(cell("/poweroff", "value", 0), 0x5555);
    ck_assert_uint_eq(cell("/poweroff", "regmap", 0), test);
    ck_assert_uint_eq(cell("/reboot", "value", 0), 0x7777);
    ck_assert_str_eq(str("/soc", "compatible"), "simple-bus");
}
END_TEST

START_TEST(test_initrd_and_roundtrip)
{
    GError *err = NULL;
    void *big = g_malloc0(board_fdt_size(fdt) + 1024);
    ck_assert_int_eq(fdt_open_into(fdt, big, (int)board_fdt_size(fdt) + 1024), 0);
    ck_assert(board_fdt_set_initrd(big, 0x88200000, 0x8823d000, &err));
    g_free(fdt);
    fdt = big;
    int len;
    const fdt64_t *s = prop("/chosen", "linux,initrd-start", &len);
    ck_assert_int_eq(len, 8);
    ck_assert_uint_eq(be64(s), 0x88200000);
    g_autofree char *path = g_strdup("/tmp/mimic-dtb-XXXXXX");
    int fd = g_mkstemp(path);
    close(fd);
    ck_assert(board_fdt_save(fdt, path, &err));
    void *back = board_fdt_load(path, &err);
    ck_assert_msg(back, "%s", err ? err->message : "");
    ck_assert_int_eq(fdt_check_header(back), 0);
    ck_assert_int_ge(fdt_path_offset(back, "/soc/serial@10000000"), 0);
    g_free(back);
    /* dtc reads it too (device-tree-compiler, when installed). */
    g_autofree char *dtc = g_find_program_in_path("dtc");
    if (dtc) {
        g_autofree char *cmd = g_strdup_printf("dtc -q -I dtb -O dts %s", path);
        g_autofree char *out = NULL;
        int status;
        ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL));
        ck_assert_int_eq(status, 0);
        ck_assert_ptr_nonnull(strstr(out, "serial@10000000 {"));
        /* dtc 1.6 prints string lists the way QEMU's own dump shows them. */
        ck_assert(strstr(out, "compatible = \"sifive,plic-1.0.0\\0riscv,plic0\";") ||
                  strstr(out, "compatible = \"sifive,plic-1.0.0\", \"riscv,plic0\";"));
        ck_assert_ptr_nonnull(strstr(out, "riscv,isa = \"rv64imafdc_zicsr_zifencei\";"));
    }
    /* Not a tree / truncated / missing. */
    ck_assert(g_file_set_contents(path, "hello world, not a dtb at all....", -1, NULL));
    ck_assert_ptr_null(board_fdt_load(path, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "not a device tree"));
    g_clear_error(&err);
    ck_assert(g_file_set_contents(path, fdt, 64, NULL));
    ck_assert_ptr_null(board_fdt_load(path, &err));
    g_clear_error(&err);
    unlink(path);
    ck_assert_ptr_null(board_fdt_load(path, &err));
    g_clear_error(&err);
}
END_TEST

START_TEST(test_spike_tree)
{
    GError *err = NULL;
    Board *spike = board_create("spike", NULL, &err);
    ck_assert_msg(spike, "%s", err ? err->message : "");
    void *t = board_fdt_build(spike, &info, &err);
    ck_assert_msg(t, "%s", err ? err->message : "");
    ck_assert_int_ge(fdt_path_offset(t, "/htif"), 0);
    ck_assert_int_ge(fdt_path_offset(t, "/soc/clint@2000000"), 0);
    ck_assert_int_lt(fdt_path_offset(t, "/soc/plic@c000000"), 0);
    g_free(t);
    board_free(spike);
}
END_TEST

Suite *boards_fdt_suite(void)
{
    Suite *s = suite_create("boards_fdt");
    TCase *tc = tcase_create("virt_tree");
    tcase_add_checked_fixture(tc, fdt_setup, fdt_teardown);
    tcase_add_test(tc, test_root_and_memory);
    tcase_add_test(tc, test_cpus);
    tcase_add_test(tc, test_interrupt_controllers);
    tcase_add_test(tc, test_devices);
    tcase_add_test(tc, test_initrd_and_roundtrip);
    tcase_add_test(tc, test_spike_tree);
    suite_add_tcase(s, tc);
    return s;
}
