/*
 * virtio-mmio v2 with the blk and rng backends, driven as a driver would: the
 * initialisation sequence of virtio 1.1 §3.1.1 and §4.2.3, split rings built in RAM
 * (§2.6), requests of §5.2.6 (blk) and §5.4.6 (rng). Expected results are the image
 * file's bytes and the used ring.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "devtest.h"

#define VIRTIO0 0x10001000
#define VIRTIO1 0x10002000
#define DESC 0x80100000ull
#define AVAIL 0x80101000ull
#define USED 0x80102000ull
#define BUF 0x80110000ull
#define QSIZE 8

static char *image;
static uint16_t avail_idx;

static void write_image(size_t size, bool read_only)
{
    image = g_strdup("/tmp/mimic-virtio-XXXXXX");
    int fd = g_mkstemp(image);
    ck_assert_int_ge(fd, 0);
    uint8_t *data = g_malloc(size);
    for (size_t i = 0; i < size; i++) {
        data[i] = (uint8_t)(i * 7 + i / 512);
    }
    ck_assert_int_eq(write(fd, data, size), (ssize_t)size);
    g_free(data);
    close(fd);
}

static void virtio_board(bool read_only)
{
    write_image(64 * 1024, read_only);
    g_autofree char *extra = g_strdup_printf(
        "[device virtio0]\nclass=virtio_mmio\nbase=0x10001000\nsize=0x1000\nirq=plic:1\n"
        "backend=blk\nfile=%s\nreadonly=%s\n"
        "[device virtio1]\nclass=virtio_mmio\nbase=0x10002000\nsize=0x1000\nirq=plic:2\n"
        "backend=rng\n"
        "[device virtio2]\nclass=virtio_mmio\nbase=0x10003000\nsize=0x1000\nirq=plic:3\n",
        image, read_only ? "true" : "false");
    devtest_board(extra, 1);
    avail_idx = 0;
}

static void virtio_setup(void)
{
    virtio_board(false);
}

static void virtio_setup_ro(void)
{
    virtio_board(true);
}

static void virtio_teardown(void)
{
    devtest_free();
    unlink(image);
    g_clear_pointer(&image, g_free);
}

static void ram_write(uint64_t addr, const void *buf, size_t len)
{
    ck_assert_int_eq(mem_as_rw_bytes(&dt.board->mem, addr, (void *)buf, len, true), MEM_OK);
}

static void ram_read(uint64_t addr, void *buf, size_t len)
{
    ck_assert_int_eq(mem_as_rw_bytes(&dt.board->mem, addr, buf, len, false), MEM_OK);
}

/* §3.1.1 steps 1-8 and §4.2.3.2 queue setup; returns the device features. */
static uint64_t driver_init(uint64_t base, uint64_t accept)
{
    devtest_st(base + 0x070, 4, 0);             /* reset */
    devtest_st(base + 0x070, 4, 1);             /* ACKNOWLEDGE */
    devtest_st(base + 0x070, 4, 3);             /* DRIVER */
    devtest_st(base + 0x014, 4, 1);
    uint64_t features = devtest_ld(base + 0x010, 4) << 32;
    devtest_st(base + 0x014, 4, 0);
    features |= devtest_ld(base + 0x010, 4);
    uint64_t want = features & accept;
    devtest_st(base + 0x024, 4, 1);
    devtest_st(base + 0x020, 4, want >> 32);
    devtest_st(base + 0x024, 4, 0);
    devtest_st(base + 0x020, 4, (uint32_t)want);
    devtest_st(base + 0x070, 4, 3 | 8);         /* FEATURES_OK */
    if (!(devtest_ld(base + 0x070, 4) & 8)) {
        return features;
    }
    devtest_st(base + 0x030, 4, 0);
    ck_assert_uint_ge(devtest_ld(base + 0x034, 4), QSIZE);
    ck_assert_uint_eq(devtest_ld(base + 0x044, 4), 0);
    devtest_st(base + 0x038, 4, QSIZE);
    devtest_st(base + 0x080, 4, (uint32_t)DESC);
    devtest_st(base + 0x084, 4, DESC >> 32);
    devtest_st(base + 0x090, 4, (uint32_t)AVAIL);
    devtest_st(base + 0x094, 4, AVAIL >> 32);
    devtest_st(base + 0x0a0, 4, (uint32_t)USED);
    devtest_st(base + 0x0a4, 4, USED >> 32);
    devtest_st(base + 0x044, 4, 1);
    devtest_st(base + 0x070, 4, 3 | 8 | 4);     /* DRIVER_OK */
    return features;
}

static void put_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint8_t d[16];
    mem_stn(d, 8, MEM_LITTLE_ENDIAN, addr);
    mem_stn(d + 8, 4, MEM_LITTLE_ENDIAN, len);
    mem_stn(d + 12, 2, MEM_LITTLE_ENDIAN, flags);
    mem_stn(d + 14, 2, MEM_LITTLE_ENDIAN, next);
    ram_write(table + 16 * i, d, 16);
}

static void publish(uint64_t base, uint16_t head)
{
    devtest_st(AVAIL + 4 + 2 * (avail_idx % QSIZE), 2, head);
    avail_idx++;
    devtest_st(AVAIL + 2, 2, avail_idx);
    devtest_st(base + 0x050, 4, 0);             /* QueueNotify */
}

static void used_elem(unsigned n, uint32_t *id, uint32_t *len)
{
    *id = (uint32_t)devtest_ld(USED + 4 + 8 * (n % QSIZE), 4);
    *len = (uint32_t)devtest_ld(USED + 8 + 8 * (n % QSIZE), 4);
}

/* A blk request with header, optional data and status as three descriptors. */
static uint8_t blk_request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
                           bool data_in, uint32_t *used_len)
{
    uint8_t hdr[16] = { 0 };
    mem_stn(hdr, 4, MEM_LITTLE_ENDIAN, type);
    mem_stn(hdr + 8, 8, MEM_LITTLE_ENDIAN, sector);
    ram_write(BUF, hdr, 16);
    uint8_t status = 0xee;
    ram_write(BUF + 0x100, &status, 1);
    put_desc(DESC, 0, BUF, 16, 1, 1);
    if (len) {
        put_desc(DESC, 1, data, len, 1 | (data_in ? 2 : 0), 2);
        put_desc(DESC, 2, BUF + 0x100, 1, 2, 0);
    } else {
        put_desc(DESC, 1, BUF + 0x100, 1, 2, 0);
    }
    uint16_t before = (uint16_t)devtest_ld(USED + 2, 2);
    publish(VIRTIO0, 0);
    ck_assert_uint_eq(devtest_ld(USED + 2, 2), (uint16_t)(before + 1));
    uint32_t id;
    used_elem(before, &id, used_len);
    ck_assert_uint_eq(id, 0);
    ram_read(BUF + 0x100, &status, 1);
    return status;
}

START_TEST(test_identity_registers)
{
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x000, 4), 0x74726976);
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x004, 4), 2);
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x008, 4), 2);      /* block */
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x00c, 4), 0x554d4551);
    ck_assert_uint_eq(devtest_ld(VIRTIO1 + 0x008, 4), 4);      /* entropy */
    ck_assert_uint_eq(devtest_ld(0x10003000 + 0x000, 4), 0x74726976);
    ck_assert_uint_eq(devtest_ld(0x10003000 + 0x008, 4), 0);   /* empty slot */
    /* Capacity in 512-byte sectors, config space read in 32-bit halves. */
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x100, 4), 128);
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x104, 4), 0);
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x114, 4), 512);    /* blk_size */
}
END_TEST

START_TEST(test_feature_negotiation)
{
    uint64_t f = driver_init(VIRTIO0, ~0ull);
    ck_assert(f & (1ull << 32));                /* VIRTIO_F_VERSION_1 */
    ck_assert(f & (1ull << 28));                /* indirect descriptors */
    ck_assert(f & (1ull << 9));                 /* VIRTIO_BLK_F_FLUSH */
    ck_assert(!(f & (1ull << 5)));              /* writable: not RO */
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x070, 4), 15);
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x044, 4), 1);
    /* A driver without VERSION_1 (legacy) does not get FEATURES_OK. */
    driver_init(VIRTIO0, ~(1ull << 32));
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x070, 4) & 8, 0);
    devtest_st(VIRTIO0 + 0x070, 4, 0);
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x070, 4), 0);
}
END_TEST

START_TEST(test_blk_read)
{
    driver_init(VIRTIO0, ~0ull);
    uint32_t used_len;
    ck_assert_uint_eq(blk_request(0, 3, BUF + 0x1000, 1024, true, &used_len), 0);
    ck_assert_uint_eq(used_len, 1025);          /* data + status byte */
    uint8_t got[1024];
    ram_read(BUF + 0x1000, got, sizeof(got));
    for (size_t i = 0; i < sizeof(got); i++) {
        size_t off = 3 * 512 + i;
        ck_assert_uint_eq(got[i], (uint8_t)(off * 7 + off / 512));
    }
    /* The interrupt: status bit 0, PLIC source 1 pending, ack lowers it. */
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x060, 4), 1);
    ck_assert(devtest_ld(0xc001000, 4) & (1u << 1));
    devtest_st(VIRTIO0 + 0x064, 4, 1);
    ck_assert_uint_eq(devtest_ld(VIRTIO0 + 0x060, 4), 0);
}
END_TEST

START_TEST(test_blk_write_reaches_file)
{
    driver_init(VIRTIO0, ~0ull);
    uint8_t data[512];
    memset(data, 0, sizeof(data));
    memcpy(data, "GUEST-DISK: hello", 17);
    ram_write(BUF + 0x2000, data, sizeof(data));
    uint32_t used_len;
    ck_assert_uint_eq(blk_request(1, 5, BUF + 0x2000, 512, false, &used_len), 0);
    ck_assert_uint_eq(used_len, 1);
    ck_assert_uint_eq(blk_request(4, 0, 0, 0, false, &used_len), 0);   /* flush */
    int fd = open(image, O_RDONLY);
    uint8_t back[512];
    ck_assert_int_eq(pread(fd, back, 512, 5 * 512), 512);
    close(fd);
    ck_assert_mem_eq(back, data, 512);
}
END_TEST

START_TEST(test_blk_errors_and_id)
{
    driver_init(VIRTIO0, ~0ull);
    uint32_t used_len;
    ck_assert_uint_eq(blk_request(0, 127, BUF + 0x1000, 1024, true, &used_len), 1);  /* past end */
    ck_assert_uint_eq(blk_request(0, 0, BUF + 0x1000, 100, true, &used_len), 1);     /* not sectors */
    ck_assert_uint_eq(blk_request(99, 0, 0, 0, false, &used_len), 2);                /* UNSUPP */
    ck_assert_uint_eq(blk_request(8, 0, BUF + 0x3000, 20, true, &used_len), 0);      /* GET_ID */
    char id[21] = { 0 };
    ram_read(BUF + 0x3000, id, 20);
    g_autofree char *base = g_path_get_basename(image);
    ck_assert_str_eq(id, base);
}
END_TEST

START_TEST(test_blk_indirect)
{
    driver_init(VIRTIO0, ~0ull);
    /* One top-level descriptor pointing at a table of three (§2.6.5.3). */
    const uint64_t table = 0x80120000ull;
    uint8_t hdr[16] = { 0 };
    mem_stn(hdr + 8, 8, MEM_LITTLE_ENDIAN, 1);  /* IN, sector 1 */
    ram_write(BUF, hdr, 16);
    put_desc(table, 0, BUF, 16, 1, 1);
    put_desc(table, 1, BUF + 0x1000, 512, 1 | 2, 2);
    put_desc(table, 2, BUF + 0x100, 1, 2, 0);
    put_desc(DESC, 4, table, 48, 4, 0);
    publish(VIRTIO0, 4);
    uint32_t id, len;
    used_elem(0, &id, &len);
    ck_assert_uint_eq(id, 4);
    ck_assert_uint_eq(len, 513);
    uint8_t first;
    ram_read(BUF + 0x1000, &first, 1);
    ck_assert_uint_eq(first, (uint8_t)(512 * 7 + 1));
}
END_TEST

START_TEST(test_malformed_chain_needs_reset)
{
    driver_init(VIRTIO0, ~0ull);
    put_desc(DESC, 0, BUF, 16, 1, 1);
    put_desc(DESC, 1, BUF, 16, 1, 0);           /* 0 -> 1 -> 0: a loop */
    publish(VIRTIO0, 0);
    ck_assert_uint_eq(devtest_ld(USED + 2, 2), 0);
    ck_assert(devtest_ld(VIRTIO0 + 0x070, 4) & 64);    /* DEVICE_NEEDS_RESET */
    ck_assert(devtest_ld(VIRTIO0 + 0x060, 4) & 2);     /* config change interrupt */
}
END_TEST

START_TEST(test_blk_read_only)
{
    uint64_t f = driver_init(VIRTIO0, ~0ull);
    ck_assert(f & (1ull << 5));                 /* VIRTIO_BLK_F_RO */
    uint32_t used_len;
    ck_assert_uint_eq(blk_request(1, 0, BUF + 0x2000, 512, false, &used_len), 1);
}
END_TEST

START_TEST(test_rng)
{
    driver_init(VIRTIO1, ~0ull);
    uint8_t zero[64] = { 0 };
    ram_write(BUF + 0x4000, zero, 64);
    put_desc(DESC, 0, BUF + 0x4000, 64, 2, 0);
    publish(VIRTIO1, 0);
    uint32_t id, len;
    used_elem(0, &id, &len);
    ck_assert_uint_eq(len, 64);
    uint8_t got[64];
    ram_read(BUF + 0x4000, got, 64);
    ck_assert(memcmp(got, zero, 64) != 0);      /* 2^-512 chance of a false failure */
    ck_assert(devtest_ld(0xc001000, 4) & (1u << 2));
}
END_TEST

Suite *devices_virtio_suite(void)
{
    Suite *s = suite_create("devices_virtio");
    TCase *tc = tcase_create("virtio_mmio");
    tcase_add_checked_fixture(tc, virtio_setup, virtio_teardown);
    tcase_add_test(tc, test_identity_registers);
    tcase_add_test(tc, test_feature_negotiation);
    tcase_add_test(tc, test_blk_read);
    tcase_add_test(tc, test_blk_write_reaches_file);
    tcase_add_test(tc, test_blk_errors_and_id);
    tcase_add_test(tc, test_blk_indirect);
    tcase_add_test(tc, test_malformed_chain_needs_reset);
    tcase_add_test(tc, test_rng);
    suite_add_tcase(s, tc);
    TCase *ro = tcase_create("virtio_blk_ro");
    tcase_add_checked_fixture(ro, virtio_setup_ro, virtio_teardown);
    tcase_add_test(ro, test_blk_read_only);
    suite_add_tcase(s, ro);
    return s;
}
