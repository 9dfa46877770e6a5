/*
 * Address space: map and overlap rules, lookup, access sizes and alignment, byte order
 * of RAM and of MMIO regions, cmpxchg, host pointers, byte copies across regions, the
 * port I/O space.
 */
#include <check.h>
#include <string.h>

#include "softmmu/memory.h"

/* A register file device: 16 32-bit registers, records the last access. */
typedef struct TestDev {
    uint32_t regs[16];
    uint64_t last_off;
    unsigned last_size;
    unsigned reads, writes;
} TestDev;

static uint64_t testdev_read(void *opaque, uint64_t off, unsigned size)
{
    TestDev *d = opaque;
    d->last_off = off;
    d->last_size = size;
    d->reads++;
    return d->regs[(off / 4) % 16];
}

static void testdev_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    TestDev *d = opaque;
    d->last_off = off;
    d->last_size = size;
    d->writes++;
    d->regs[(off / 4) % 16] = (uint32_t)value;
}

static const MemOps testdev_le_ops = {
    .read = testdev_read, .write = testdev_write,
    .min_size = 4, .max_size = 4, .endian = MEM_LITTLE_ENDIAN,
};
static const MemOps testdev_be_ops = {
    .read = testdev_read, .write = testdev_write,
    .min_size = 4, .max_size = 4, .endian = MEM_BIG_ENDIAN,
};
static const MemOps testdev_bytes_ops = {
    .read = testdev_read, .write = testdev_write,
    .min_size = 1, .max_size = 8, .endian = MEM_NATIVE, .unaligned = MEM_UNALIGNED_ALLOW,
};

static AddressSpace as;
static MemRegion ram, rom, io;
static TestDev dev;

static void setup_le(void)
{
    memset(&dev, 0, sizeof(dev));
    mem_as_init(&as, "test", MEM_SPACE_MEMORY, MEM_LITTLE_ENDIAN);
    ck_assert(mem_region_init_ram(&ram, "ram", 0x10000, NULL));
    ck_assert(mem_region_init_rom(&rom, "rom", 0x1000, MEM_ROM_WRITES_IGNORED, NULL));
    mem_region_init_io(&io, "dev", &testdev_le_ops, &dev, 0x40);
    ck_assert(mem_as_map(&as, 0x80000000, &ram, NULL));
    ck_assert(mem_as_map(&as, 0x1000, &rom, NULL));
    ck_assert(mem_as_map(&as, 0x10000000, &io, NULL));
}

static void teardown(void)
{
    mem_as_destroy(&as);
    mem_region_destroy(&ram);
    mem_region_destroy(&rom);
    mem_region_destroy(&io);
}

START_TEST(test_map_sorted_lookup)
{
    ck_assert_ptr_eq(mem_as_lookup(&as, 0x1000), &rom);
    ck_assert_ptr_eq(mem_as_lookup(&as, 0x1fff), &rom);
    ck_assert_ptr_null(mem_as_lookup(&as, 0x2000));
    ck_assert_ptr_null(mem_as_lookup(&as, 0xfff));
    ck_assert_ptr_eq(mem_as_lookup(&as, 0x10000020), &io);
    ck_assert_ptr_eq(mem_as_lookup(&as, 0x8000ffff), &ram);
    ck_assert_ptr_null(mem_as_lookup(&as, 0x80010000));
    ck_assert_uint_eq(as.nr_map, 3);
    ck_assert_uint_lt(as.map[0]->base, as.map[1]->base);
    ck_assert_uint_lt(as.map[1]->base, as.map[2]->base);
}
END_TEST

START_TEST(test_overlap_names_both)
{
    MemRegion other;
    mem_region_init_io(&other, "intruder", &testdev_le_ops, &dev, 0x100);
    GError *err = NULL;
    ck_assert(!mem_as_map(&as, 0x8000ff00, &other, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->code, MEM_ERROR_OVERLAP);
    ck_assert_ptr_nonnull(strstr(err->message, "intruder"));
    ck_assert_ptr_nonnull(strstr(err->message, "'ram'"));
    g_clear_error(&err);
    /* Overlapping the start of a region, and enclosing one. */
    ck_assert(!mem_as_map(&as, 0xf80, &other, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "'rom'"));
    g_clear_error(&err);
    MemRegion big;
    mem_region_init_io(&big, "big", &testdev_le_ops, &dev, 0x20000000);
    ck_assert(!mem_as_map(&as, 0x0, &big, &err));
    g_clear_error(&err);
    /* Adjacent is fine. */
    ck_assert(mem_as_map(&as, 0x10000040, &other, NULL));
    ck_assert_ptr_eq(mem_as_lookup(&as, 0x10000040), &other);
    ck_assert_ptr_eq(mem_as_lookup(&as, 0x1000003f), &io);
    mem_as_unmap(&as, &other);
    ck_assert_ptr_null(mem_as_lookup(&as, 0x10000040));
    mem_region_destroy(&other);
    mem_region_destroy(&big);
}
END_TEST

START_TEST(test_ram_little_endian)
{
    ck_assert_int_eq(mem_as_store(&as, 0x80000000, 8, 0x0807060504030201ull), MEM_OK);
    uint8_t *p = mem_as_ram_ptr(&as, 0x80000000, 8, NULL);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p[0], 0x01);
    ck_assert_uint_eq(p[7], 0x08);
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&as, 0x80000002, 2, &v), MEM_OK);
    ck_assert_uint_eq(v, 0x0403);
    ck_assert_int_eq(mem_as_load(&as, 0x80000001, 4, &v), MEM_OK);   /* RAM: any alignment */
    ck_assert_uint_eq(v, 0x05040302);
}
END_TEST

START_TEST(test_ram_big_endian)
{
    AddressSpace be;
    MemRegion r;
    mem_as_init(&be, "be", MEM_SPACE_MEMORY, MEM_BIG_ENDIAN);
    ck_assert(mem_region_init_ram(&r, "ram", 0x1000, NULL));
    ck_assert(mem_as_map(&be, 0, &r, NULL));
    ck_assert_int_eq(mem_as_store(&be, 0x10, 4, 0x11223344), MEM_OK);
    ck_assert_uint_eq(r.host[0x10], 0x11);
    ck_assert_uint_eq(r.host[0x13], 0x44);
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&be, 0x10, 2, &v), MEM_OK);
    ck_assert_uint_eq(v, 0x1122);
    uint64_t old;
    ck_assert_int_eq(mem_as_cmpxchg(&be, 0x10, 4, 0x11223344, 0xaabbccdd, &old), MEM_OK);
    ck_assert_uint_eq(old, 0x11223344);
    ck_assert_uint_eq(r.host[0x10], 0xaa);
    mem_as_destroy(&be);
    mem_region_destroy(&r);
}
END_TEST

START_TEST(test_unmapped_and_straddle)
{
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&as, 0x40000000, 4, &v), MEM_ERR_UNMAPPED);
    ck_assert_int_eq(mem_as_store(&as, 0x40000000, 4, 1), MEM_ERR_UNMAPPED);
    /* Running off the end of RAM. */
    ck_assert_int_eq(mem_as_load(&as, 0x8000fffc, 8, &v), MEM_ERR_UNMAPPED);
    ck_assert_int_eq(mem_as_load(&as, 0x8000fff8, 8, &v), MEM_OK);
    ck_assert(!mem_as_bus_load(&as, 0x40000000, 8, &v));
    ck_assert(mem_as_bus_load(&as, 0x80000000, 8, &v));
}
END_TEST

START_TEST(test_mmio_size_and_alignment)
{
    uint64_t v;
    ck_assert_int_eq(mem_as_store(&as, 0x10000008, 4, 0xdeadbeef), MEM_OK);
    ck_assert_uint_eq(dev.regs[2], 0xdeadbeef);
    ck_assert_uint_eq(dev.last_off, 8);
    ck_assert_int_eq(mem_as_load(&as, 0x10000008, 4, &v), MEM_OK);
    ck_assert_uint_eq(v, 0xdeadbeef);
    unsigned writes = dev.writes;
    ck_assert_int_eq(mem_as_store(&as, 0x10000008, 1, 0), MEM_ERR_SIZE);
    ck_assert_int_eq(mem_as_load(&as, 0x10000008, 8, &v), MEM_ERR_SIZE);
    ck_assert_int_eq(mem_as_load(&as, 0x1000000a, 4, &v), MEM_ERR_ALIGN);
    ck_assert_uint_eq(dev.writes, writes);      /* rejected accesses never reach it */
    ck_assert_str_eq(mem_result_str(MEM_ERR_ALIGN), "misaligned access");
}
END_TEST

START_TEST(test_mmio_endianness)
{
    /* A little-endian device seen from a big-endian guest is byte-swapped, and a
     * big-endian one (PowerPC CCSR) is not. */
    AddressSpace be;
    MemRegion le_dev, be_dev;
    mem_as_init(&be, "be", MEM_SPACE_MEMORY, MEM_BIG_ENDIAN);
    mem_region_init_io(&le_dev, "le", &testdev_le_ops, &dev, 0x40);
    mem_region_init_io(&be_dev, "bedev", &testdev_be_ops, &dev, 0x40);
    ck_assert(mem_as_map(&be, 0x0, &le_dev, NULL));
    ck_assert(mem_as_map(&be, 0x100, &be_dev, NULL));
    ck_assert_int_eq(mem_as_store(&be, 0x0, 4, 0x11223344), MEM_OK);
    ck_assert_uint_eq(dev.regs[0], 0x44332211);
    ck_assert_int_eq(mem_as_store(&be, 0x104, 4, 0x11223344), MEM_OK);
    ck_assert_uint_eq(dev.regs[1], 0x11223344);
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&be, 0x0, 4, &v), MEM_OK);
    ck_assert_uint_eq(v, 0x11223344);
    mem_as_destroy(&be);
    mem_region_destroy(&le_dev);
    mem_region_destroy(&be_dev);
    /* And a big-endian device on the little-endian bus. */
    MemRegion be2;
    mem_region_init_io(&be2, "bedev", &testdev_be_ops, &dev, 0x40);
    ck_assert(mem_as_map(&as, 0x20000000, &be2, NULL));
    ck_assert_int_eq(mem_as_store(&as, 0x20000000, 4, 0x11223344), MEM_OK);
    ck_assert_uint_eq(dev.regs[0], 0x44332211);
    mem_as_unmap(&as, &be2);
    mem_region_destroy(&be2);
}
END_TEST

START_TEST(test_rom_writes)
{
    uint8_t code[4] = { 0x97, 0x02, 0x00, 0x00 };
    ck_assert_int_eq(mem_as_write_rom(&as, 0x1000, code, 4), MEM_OK);
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&as, 0x1000, 4, &v), MEM_OK);
    ck_assert_uint_eq(v, 0x297);
    ck_assert_int_eq(mem_as_store(&as, 0x1000, 4, 0), MEM_OK);     /* ignored */
    ck_assert_int_eq(mem_as_load(&as, 0x1000, 4, &v), MEM_OK);
    ck_assert_uint_eq(v, 0x297);
    uint8_t zero[4] = { 0 };
    ck_assert_int_eq(mem_as_rw_bytes(&as, 0x1000, zero, 4, true), MEM_OK);  /* DMA too */
    ck_assert_int_eq(mem_as_load(&as, 0x1000, 4, &v), MEM_OK);
    ck_assert_uint_eq(v, 0x297);
    MemRegionKind kind;
    ck_assert_ptr_nonnull(mem_as_ram_ptr(&as, 0x1000, 0x1000, &kind));
    ck_assert_int_eq(kind, MEM_REGION_ROM);
    /* The faulting flavour. */
    MemRegion from;
    ck_assert(mem_region_init_rom(&from, "flash", 0x1000, MEM_ROM_WRITE_FAULTS, NULL));
    ck_assert(mem_as_map(&as, 0x3000, &from, NULL));
    ck_assert_int_eq(mem_as_store(&as, 0x3000, 4, 1), MEM_ERR_READONLY);
    mem_as_unmap(&as, &from);
    mem_region_destroy(&from);
}
END_TEST

START_TEST(test_cmpxchg)
{
    uint64_t old;
    ck_assert_int_eq(mem_as_store(&as, 0x80000100, 8, 5), MEM_OK);
    ck_assert_int_eq(mem_as_cmpxchg(&as, 0x80000100, 8, 4, 9, &old), MEM_OK);
    ck_assert_uint_eq(old, 5);          /* mismatch: unchanged */
    ck_assert_int_eq(mem_as_cmpxchg(&as, 0x80000100, 8, 5, 9, &old), MEM_OK);
    ck_assert_uint_eq(old, 5);
    uint64_t v;
    mem_as_load(&as, 0x80000100, 8, &v);
    ck_assert_uint_eq(v, 9);
    /* 32-bit: upper bits of the operands are ignored. */
    ck_assert(mem_as_bus_cmpxchg(&as, 0x80000100, 4, 0xffffffff00000009ull, 0x7, &old));
    ck_assert_uint_eq(old, 9);
    mem_as_load(&as, 0x80000100, 4, &v);
    ck_assert_uint_eq(v, 7);
    /* MMIO: read, compare, write. */
    dev.regs[1] = 3;
    ck_assert_int_eq(mem_as_cmpxchg(&as, 0x10000004, 4, 3, 4, &old), MEM_OK);
    ck_assert_uint_eq(old, 3);
    ck_assert_uint_eq(dev.regs[1], 4);
    ck_assert(!mem_as_bus_cmpxchg(&as, 0x50000000, 4, 0, 1, &old));
}
END_TEST

START_TEST(test_ram_ptr_bounds)
{
    ck_assert_ptr_nonnull(mem_as_ram_ptr(&as, 0x80000000, 0x10000, NULL));
    ck_assert_ptr_null(mem_as_ram_ptr(&as, 0x80000000, 0x10001, NULL));
    ck_assert_ptr_null(mem_as_ram_ptr(&as, 0x10000000, 4, NULL));   /* MMIO */
    ck_assert_ptr_null(mem_as_ram_ptr(&as, 0x70000000, 4, NULL));
}
END_TEST

START_TEST(test_rw_bytes_across_regions)
{
    /* Two RAM regions back to back: a copy crosses the seam. */
    MemRegion ram2;
    ck_assert(mem_region_init_ram(&ram2, "ram2", 0x1000, NULL));
    ck_assert(mem_as_map(&as, 0x80010000, &ram2, NULL));
    uint8_t buf[32], back[32];
    for (unsigned i = 0; i < 32; i++) {
        buf[i] = (uint8_t)(i + 1);
    }
    ck_assert_int_eq(mem_as_rw_bytes(&as, 0x8000fff0, buf, 32, true), MEM_OK);
    ck_assert_uint_eq(ram.host[0xfff0], 1);
    ck_assert_uint_eq(ram2.host[0], 17);
    ck_assert_int_eq(mem_as_rw_bytes(&as, 0x8000fff0, back, 32, false), MEM_OK);
    ck_assert_mem_eq(buf, back, 32);
    /* A hole stops the copy. */
    ck_assert_int_eq(mem_as_rw_bytes(&as, 0x80010ff0, buf, 32, true), MEM_ERR_UNMAPPED);
    /* MMIO that takes bytes gets byte accesses; one that does not refuses. */
    ck_assert_int_eq(mem_as_rw_bytes(&as, 0x10000000, buf, 4, true), MEM_ERR_SIZE);
    MemRegion bytes;
    TestDev bd = { 0 };
    mem_region_init_io(&bytes, "bytes", &testdev_bytes_ops, &bd, 0x40);
    ck_assert(mem_as_map(&as, 0x30000000, &bytes, NULL));
    ck_assert_int_eq(mem_as_rw_bytes(&as, 0x30000000, buf, 3, true), MEM_OK);
    ck_assert_uint_eq(bd.writes, 3);
    ck_assert_uint_eq(bd.last_size, 1);
    mem_as_unmap(&as, &bytes);
    mem_region_destroy(&bytes);
    mem_as_unmap(&as, &ram2);
    mem_region_destroy(&ram2);
}
END_TEST

START_TEST(test_io_space)
{
    AddressSpace pio;
    MemRegion com1, ram_io;
    TestDev d = { 0 };
    mem_as_init(&pio, "io", MEM_SPACE_IO, MEM_LITTLE_ENDIAN);
    mem_region_init_io(&com1, "com1", &testdev_bytes_ops, &d, 8);
    ck_assert(mem_as_map(&pio, 0x3f8, &com1, NULL));
    ck_assert_int_eq(mem_as_store(&pio, 0x3f8, 1, 'A'), MEM_OK);
    ck_assert_uint_eq(d.regs[0], 'A');
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&pio, 0x80, 1, &v), MEM_ERR_UNMAPPED);
    GError *err = NULL;
    MemRegion far;
    mem_region_init_io(&far, "far", &testdev_bytes_ops, &d, 8);
    ck_assert(!mem_as_map(&pio, 0xfffc, &far, &err));      /* ports end at 0xffff */
    ck_assert_int_eq(err->code, MEM_ERROR_RANGE);
    g_clear_error(&err);
    ck_assert(mem_region_init_ram(&ram_io, "ram", 0x100, NULL));
    ck_assert(!mem_as_map(&pio, 0x100, &ram_io, &err));    /* no RAM in port space */
    g_clear_error(&err);
    mem_as_destroy(&pio);
    mem_region_destroy(&com1);
    mem_region_destroy(&far);
    mem_region_destroy(&ram_io);
}
END_TEST

START_TEST(test_top_of_space)
{
    MemRegion top;
    ck_assert(mem_region_init_ram(&top, "top", 0x1000, NULL));
    ck_assert(mem_as_map(&as, 0xfffffffffffff000ull, &top, NULL));
    uint64_t v;
    ck_assert_int_eq(mem_as_load(&as, 0xfffffffffffffff8ull, 8, &v), MEM_OK);
    ck_assert_int_eq(mem_as_load(&as, 0xfffffffffffffffcull, 8, &v), MEM_ERR_UNMAPPED);
    uint8_t buf[16];
    ck_assert_int_eq(mem_as_rw_bytes(&as, 0xfffffffffffffff8ull, buf, 16, false),
                     MEM_ERR_UNMAPPED);
    mem_as_unmap(&as, &top);
    mem_region_destroy(&top);
}
END_TEST

/* Harts on host threads: cmpxchg on RAM is atomic, MMIO callbacks are serialised by the
 * region lock (the thread-safety rule in memory.h). */
typedef struct Counter {
    GMutex lock;
    uint64_t value;
    unsigned inside;
    bool overlap;
} Counter;

static uint64_t counter_read(void *opaque, uint64_t off, unsigned size)
{
    Counter *c = opaque;
    if (c->inside++) {
        c->overlap = true;
    }
    uint64_t v = c->value;
    c->inside--;
    return v;
}

static void counter_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    Counter *c = opaque;
    if (c->inside++) {
        c->overlap = true;
    }
    c->value = value;
    c->inside--;
}

static const MemOps counter_ops = {
    .read = counter_read, .write = counter_write, .min_size = 8, .max_size = 8,
    .endian = MEM_LITTLE_ENDIAN,
};

#define THREADS 4
#define ROUNDS 20000

static gpointer hammer(gpointer opaque)
{
    AddressSpace *a = opaque;
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t old, cur;
        mem_as_load(a, 0x80000000, 8, &cur);
        while (mem_as_cmpxchg(a, 0x80000000, 8, cur, cur + 1, &old) == MEM_OK && old != cur) {
            cur = old;
        }
        mem_as_load(a, 0x90000000, 8, &cur);
        while (mem_as_cmpxchg(a, 0x90000000, 8, cur, cur + 1, &old) == MEM_OK && old != cur) {
            cur = old;
        }
    }
    return NULL;
}

START_TEST(test_threads)
{
    Counter c = { 0 };
    g_mutex_init(&c.lock);
    MemRegion dev_mr;
    mem_region_init_io(&dev_mr, "counter", &counter_ops, &c, 8);
    mem_region_set_lock(&dev_mr, &c.lock);
    ck_assert(mem_as_map(&as, 0x90000000, &dev_mr, NULL));
    GThread *t[THREADS];
    for (unsigned i = 0; i < THREADS; i++) {
        t[i] = g_thread_new("hart", hammer, &as);
    }
    for (unsigned i = 0; i < THREADS; i++) {
        g_thread_join(t[i]);
    }
    uint64_t v;
    mem_as_load(&as, 0x80000000, 8, &v);
    ck_assert_uint_eq(v, THREADS * ROUNDS);
    ck_assert_uint_eq(c.value, THREADS * ROUNDS);
    ck_assert(!c.overlap);
    mem_as_unmap(&as, &dev_mr);
    mem_region_destroy(&dev_mr);
    g_mutex_clear(&c.lock);
}
END_TEST

Suite *softmmu_memory_suite(void)
{
    Suite *s = suite_create("softmmu_memory");
    TCase *tc = tcase_create("address_space");
    tcase_add_checked_fixture(tc, setup_le, teardown);
    tcase_add_test(tc, test_map_sorted_lookup);
    tcase_add_test(tc, test_overlap_names_both);
    tcase_add_test(tc, test_ram_little_endian);
    tcase_add_test(tc, test_ram_big_endian);
    tcase_add_test(tc, test_unmapped_and_straddle);
    tcase_add_test(tc, test_mmio_size_and_alignment);
    tcase_add_test(tc, test_mmio_endianness);
    tcase_add_test(tc, test_rom_writes);
    tcase_add_test(tc, test_cmpxchg);
    tcase_add_test(tc, test_ram_ptr_bounds);
    tcase_add_test(tc, test_rw_bytes_across_regions);
    tcase_add_test(tc, test_io_space);
    tcase_add_test(tc, test_top_of_space);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}
