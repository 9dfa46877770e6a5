/*
 * Board files: the built-in virt and spike boards match QEMU 7.2's memory maps
 * (/work/shared/guests/README.md), errors are one line naming what is wrong, -drive
 * strings, virtio slot assignment, the machine listing.
 */
#include <check.h>
#include <string.h>
#include <unistd.h>

#include "platform/boards/board.h"

static const char *const head =
    "[board]\nname=t\ncpu=rv64\nram-base=0x80000000\nram-size=1M\n";

static Board *make(const char *extra, GError **err)
{
    g_autofree char *text = g_strconcat(head, extra, NULL);
    return board_create_from_data(text, "t.board", NULL, err);
}

static void expect_error(const char *text, int code, const char *needle)
{
    GError *err = NULL;
    Board *b = board_create_from_data(text, "t.board", NULL, &err);
    ck_assert_ptr_null(b);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(err->code == code, "code %d for '%s'", err->code, err->message);
    ck_assert_msg(strstr(err->message, needle), "'%s' lacks '%s'", err->message, needle);
    ck_assert_ptr_null(strchr(err->message, '\n'));
    g_error_free(err);
}

START_TEST(test_virt_map)
{
    GError *err = NULL;
    Board *b = board_create("virt", NULL, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    ck_assert_str_eq(b->name, "virt");
    ck_assert_str_eq(b->cpu, "rv64");
    ck_assert_uint_eq(b->harts, 1);
    ck_assert_uint_eq(b->ram_base, 0x80000000);
    ck_assert_uint_eq(b->ram_size, 128u << 20);
    static const struct {
        uint64_t addr;
        const char *region;
    } map[] = {
        { 0x1000, "mrom" },           { 0xffff, "mrom" },       { 0x100000, "test" },
        { 0x101000, "rtc" },          { 0x2000000, "clint" },   { 0x200bff8, "clint" },
        { 0xc000000, "plic" },        { 0xc201004, "plic" },    { 0x10000000, "uart0" },
        { 0x10001000, "virtio0" },    { 0x10008000, "virtio7" }, { 0x80000000, "ram" },
        { 0x87ffffff, "ram" },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(map); i++) {
        MemRegion *mr = mem_as_lookup(&b->mem, map[i].addr);
        ck_assert_msg(mr, "nothing at 0x%llx", (unsigned long long)map[i].addr);
        ck_assert_str_eq(mr->name, map[i].region);
    }
    ck_assert_ptr_null(mem_as_lookup(&b->mem, 0x10009000));
    ck_assert_ptr_null(mem_as_lookup(&b->mem, 0x88000000));
    ck_assert_uint_eq(b->devices->len, 13);
    /* virtio slots 1..8 on PLIC sources 1..8: a write to slot 8's ack reaches nothing,
     * but its magic reads back. */
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&b->mem, 0x10008000, 4, &v), MEM_OK);
    ck_assert_uint_eq(v, 0x74726976);
    board_free(b);
}
END_TEST

START_TEST(test_options_override)
{
    BoardOptions opts = { .ram_size = 256u << 20, .harts = 2 };
    GError *err = NULL;
    Board *b = board_create("virt", &opts, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    ck_assert_uint_eq(b->ram_size, 256u << 20);
    ck_assert_uint_eq(b->harts, 2);
    ck_assert_ptr_nonnull(mem_as_lookup(&b->mem, 0x8fffffff));
    /* PLIC contexts for two harts: hart 1's S context threshold at 0xc203000. */
    ck_assert_int_eq(mem_as_store(&b->mem, 0xc203000, 4, 5), MEM_OK);
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&b->mem, 0xc203000, 4, &v), MEM_OK);
    ck_assert_uint_eq(v, 5);
    board_free(b);
}
END_TEST

START_TEST(test_spike_defers_htif)
{
    GError *err = NULL;
    Board *b = board_create("spike", NULL, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    ck_assert_ptr_nonnull(board_find_device(b, "clint"));
    ck_assert_ptr_null(board_find_device(b, "htif"));
    ck_assert_uint_eq(b->deferred->len, 1);
    board_free(b);
}
END_TEST

START_TEST(test_errors)
{
    GError *err = NULL;
    ck_assert_ptr_null(board_create("nosuch", NULL, &err));
    ck_assert_int_eq(err->code, BOARD_ERROR_UNKNOWN);
    ck_assert_ptr_nonnull(strstr(err->message, "unknown board 'nosuch'"));
    ck_assert_ptr_nonnull(strstr(err->message, "virt"));
    g_clear_error(&err);
    ck_assert_ptr_null(board_create("/nonexistent/x.board", NULL, &err));
    g_clear_error(&err);

    expect_error("[board]\nname=t\n", BOARD_ERROR_PARSE, "missing key 'cpu'");
    expect_error("[dev\n", BOARD_ERROR_PARSE, "t.board");
    expect_error("name=x\n", BOARD_ERROR_PARSE, "t.board");
    expect_error("[board]\nname=t\ncpu=rv64\nram-base=0x8000zz\n", BOARD_ERROR_PARSE,
                 "ram-base: bad number '0x8000zz'");
    expect_error("[board]\nname=t\ncpu=rv64\nram-base=0\nharts=0\n", BOARD_ERROR_PARSE,
                 "harts");

    g_autofree char *cls = g_strconcat(head, "[device x]\nclass=floppy\nbase=0x1000\n", NULL);
    expect_error(cls, BOARD_ERROR_UNKNOWN, "unknown device class 'floppy'");
    g_autofree char *nobase = g_strconcat(head, "[device x]\nclass=clint\n", NULL);
    expect_error(nobase, BOARD_ERROR_PARSE, "[device x]: missing key 'base'");
    g_autofree char *overlap = g_strconcat(
        head, "[device a]\nclass=clint\nbase=0x2000000\n[device b]\nclass=sifive_test\n"
              "base=0x2008000\n", NULL);
    expect_error(overlap, MEM_ERROR_OVERLAP, "overlaps 'a'");
    g_autofree char *ramclash = g_strconcat(head, "[rom boot]\nbase=0x80080000\nsize=0x1000\n",
                                            NULL);
    expect_error(ramclash, MEM_ERROR_OVERLAP, "'boot'");
    g_autofree char *badirq = g_strconcat(
        head, "[device u]\nclass=ns16550a\nbase=0x10000000\nirq=nowhere:3\n", NULL);
    expect_error(badirq, BOARD_ERROR_UNKNOWN, "no device 'nowhere'");
    g_autofree char *irqsyntax = g_strconcat(
        head, "[device u]\nclass=ns16550a\nbase=0x10000000\nirq=10\n", NULL);
    expect_error(irqsyntax, BOARD_ERROR_PARSE, "controller:number");
    g_autofree char *notctl = g_strconcat(
        head, "[device t]\nclass=sifive_test\nbase=0x100000\n"
              "[device u]\nclass=ns16550a\nbase=0x10000000\nirq=t:3\n", NULL);
    expect_error(notctl, BOARD_ERROR_PARSE, "not an interrupt controller");
    g_autofree char *badsrc = g_strconcat(
        head, "[device p]\nclass=plic\nbase=0xc000000\nsources=8\n"
              "[device u]\nclass=ns16550a\nbase=0x10000000\nirq=p:9\n", NULL);
    expect_error(badsrc, DEV_ERROR_IRQ, "sources 1..8");
    g_autofree char *badprop = g_strconcat(
        head, "[device u]\nclass=ns16550a\nbase=0x10000000\nreg-shift=lots\n", NULL);
    expect_error(badprop, DEV_ERROR_CONFIG, "reg-shift: bad number 'lots'");
}
END_TEST

START_TEST(test_irq_before_controller)
{
    /* A source listed before its controller waits for it. */
    GError *err = NULL;
    Board *b = make("[device u]\nclass=ns16550a\nbase=0x10000000\nirq=p:10\n"
                    "[device p]\nclass=plic\nbase=0xc000000\n", &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    Device *first = g_ptr_array_index(b->devices, 0);
    ck_assert_str_eq(first->name, "p");
    board_free(b);
}
END_TEST

START_TEST(test_drive_strings)
{
    BoardDrive d;
    GError *err = NULL;
    ck_assert(board_parse_drive("file=disk.img,format=raw", &d, &err));
    ck_assert_str_eq(d.file, "disk.img");
    ck_assert(!d.read_only);
    g_free(d.file);
    ck_assert(board_parse_drive("file=a.img,if=none,id=d0,format=raw,readonly=on", &d, &err));
    ck_assert(d.read_only);
    g_free(d.file);
    static const char *const bad[] = { "format=raw", "file=x,format=qcow2", "file=x,cache=none",
                                       "file=x,readonly=maybe", "file" };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        ck_assert_msg(!board_parse_drive(bad[i], &d, &err), "%s accepted", bad[i]);
        ck_assert_int_eq(err->code, BOARD_ERROR_OPTION);
        ck_assert_ptr_nonnull(strstr(err->message, "-drive"));
        ck_assert_ptr_null(d.file);
        g_clear_error(&err);
    }
}
END_TEST

START_TEST(test_virtio_slots)
{
    g_autofree char *img = g_strdup("/tmp/mimic-board-XXXXXX");
    int fd = g_mkstemp(img);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 4096), 0);
    close(fd);
    BoardOptions opts = { .nr_drives = 1, .virtio_rng = true };
    opts.drives[0].file = img;
    GError *err = NULL;
    Board *b = board_create("virt", &opts, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    uint64_t v;
    /* Highest slot first, as QEMU's virt hands out -device virtio-*-device. */
    mem_as_load(&b->mem, 0x10008008, 4, &v);
    ck_assert_uint_eq(v, 2);
    mem_as_load(&b->mem, 0x10007008, 4, &v);
    ck_assert_uint_eq(v, 4);
    mem_as_load(&b->mem, 0x10001008, 4, &v);
    ck_assert_uint_eq(v, 0);
    board_free(b);
    /* A missing image is an error naming it. */
    opts.drives[0].file = "/nonexistent/disk.img";
    opts.virtio_rng = false;
    ck_assert_ptr_null(board_create("virt", &opts, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "/nonexistent/disk.img"));
    g_clear_error(&err);
    /* More drives than slots. */
    BoardOptions many = { .nr_drives = 8, .virtio_rng = true };
    for (unsigned i = 0; i < 8; i++) {
        many.drives[i].file = img;
    }
    ck_assert_ptr_null(board_create("virt", &many, &err));
    ck_assert_int_eq(err->code, BOARD_ERROR_OPTION);
    g_clear_error(&err);
    unlink(img);
}
END_TEST

START_TEST(test_user_board_file)
{
    g_autofree char *path = g_strdup("/tmp/mimic-XXXXXX.board");
    int fd = g_mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *text = "[board]\nname=mine\ncpu=rv32\nram-base=0x80000000\nram-size=64K\n"
                       "[device con]\nclass=ns16550a\nbase=0x1000\nreg-shift=2\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    GError *err = NULL;
    Board *b = board_create(path, NULL, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    ck_assert_str_eq(b->name, "mine");
    MemRegion *mr = mem_as_lookup(&b->mem, 0x101f);
    ck_assert_ptr_nonnull(mr);
    ck_assert_uint_eq(mr->size, 32);           /* 8 registers, 4 bytes apart */
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&b->mem, 0x1014, 4, &v), MEM_OK);   /* LSR */
    ck_assert_uint_eq(v, 0x60);
    board_free(b);
    unlink(path);
}
END_TEST

START_TEST(test_port_io_device)
{
    /* A PC's COM1: the same 16550 model, mapped at port 0x3f8. */
    Chardev *chr = chardev_new_buffer(false);
    BoardOptions opts = { .serial = chr };
    const char *text = "[board]\nname=pc\ncpu=x86_64\nram-base=0\nram-size=1M\n"
                       "[device com1]\nclass=ns16550a\nbase=0x3f8\nsize=8\nspace=io\n";
    GError *err = NULL;
    Board *b = board_create_from_data(text, "pc", &opts, &err);
    ck_assert_msg(b, "%s", err ? err->message : "");
    ck_assert_int_eq(mem_as_store(&b->io, 0x3f8, 1, 'A'), MEM_OK);
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&b->io, 0x3fd, 1, &v), MEM_OK);
    ck_assert_uint_eq(v, 0x60);
    ck_assert_ptr_nonnull(mem_as_lookup(&b->mem, 0x3f8));     /* that is RAM */
    g_autofree char *out = chardev_buffer_output(chr, NULL);
    ck_assert_str_eq(out, "A");
    board_free(b);
    chardev_free(chr);
    expect_error("[board]\nname=pc\ncpu=x86_64\nram-base=0\n[device c]\nclass=ns16550a\n"
                 "base=0x3f8\nspace=disk\n", BOARD_ERROR_PARSE, "is not memory or io");
}
END_TEST

START_TEST(test_list)
{
    g_autofree char *list = board_list();
    ck_assert_ptr_nonnull(strstr(list, "virt "));
    ck_assert_ptr_nonnull(strstr(list, "spike "));
    ck_assert_ptr_nonnull(strstr(list, "ns16550a"));
    ck_assert_ptr_nonnull(strstr(list, "0x10000000"));
    ck_assert_ptr_nonnull(strstr(list, "htif"));
    const char *const *names = board_builtin_names();
    ck_assert_str_eq(names[0], "spike");
    ck_assert_str_eq(names[1], "virt");
    ck_assert_ptr_null(names[2]);
    unsigned n;
    const DevClass *const *classes = dev_class_list(&n);
    ck_assert_uint_eq(n, 7);
    for (unsigned i = 0; i < n; i++) {
        ck_assert_ptr_eq(dev_class_find(classes[i]->name), classes[i]);
    }
}
END_TEST

START_TEST(test_numbers)
{
    uint64_t v;
    ck_assert(dev_parse_u64("0x10", &v) && v == 16);
    ck_assert(dev_parse_u64("0o17", &v) && v == 15);
    ck_assert(dev_parse_u64("256M", &v) && v == (256u << 20));
    ck_assert(dev_parse_u64(" 4K ", &v) && v == 4096);
    ck_assert(dev_parse_u64("2G", &v) && v == (2ull << 30));
    ck_assert(dev_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
    ck_assert(!dev_parse_u64("18446744073709551616", &v));
    ck_assert(!dev_parse_u64("-1", &v));
    ck_assert(!dev_parse_u64("", &v));
    ck_assert(!dev_parse_u64("0x", &v));
    ck_assert(!dev_parse_u64("12Q", &v));
    ck_assert(!dev_parse_u64("99999999999999999999G", &v));
}
END_TEST

Suite *boards_board_suite(void)
{
    Suite *s = suite_create("boards_board");
    TCase *tc = tcase_create("board_files");
    tcase_add_test(tc, test_virt_map);
    tcase_add_test(tc, test_options_override);
    tcase_add_test(tc, test_spike_defers_htif);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_irq_before_controller);
    tcase_add_test(tc, test_drive_strings);
    tcase_add_test(tc, test_virtio_slots);
    tcase_add_test(tc, test_user_board_file);
    tcase_add_test(tc, test_port_io_device);
    tcase_add_test(tc, test_list);
    tcase_add_test(tc, test_numbers);
    suite_add_tcase(s, tc);
    return s;
}
