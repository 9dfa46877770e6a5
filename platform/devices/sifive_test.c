/*
 * platform/devices/sifive_test.c -- SiFive test finisher ("sifive,test0"/syscon).
 *
 * One 32-bit register at offset 0 (QEMU hw/misc/sifive_test.c): the low 16 bits are a
 * command, the high 16 bits an exit code. 0x5555 = pass (Linux's syscon-poweroff and
 * OpenSBI's power-off write it), 0x3333 = fail with the code, 0x7777 = reset. The
 * board hears about it through board_request_exit(); anything else is ignored.
 */
#include "platform/boards/board.h"

#define SIFIVE_TEST_FAIL 0x3333
#define SIFIVE_TEST_PASS 0x5555
#define SIFIVE_TEST_RESET 0x7777

typedef struct SifiveTest {
    Device dev;
    MemRegion mmio;
} SifiveTest;

static uint64_t sifive_test_read(void *opaque, uint64_t offset, unsigned size)
{
    return 0;
}

static void sifive_test_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    SifiveTest *t = opaque;
    if (offset != 0) {
        return;
    }
    switch (value & 0xffff) {
    case SIFIVE_TEST_PASS:
        board_request_exit(t->dev.board, BOARD_EXIT_POWER_OFF, 0);
        break;
    case SIFIVE_TEST_FAIL:
        board_request_exit(t->dev.board, BOARD_EXIT_FAIL, (int)((value >> 16) & 0xffff));
        break;
    case SIFIVE_TEST_RESET:
        board_request_exit(t->dev.board, BOARD_EXIT_RESET, 0);
        break;
    }
}

static const MemOps sifive_test_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
    .min_size = 2,
    .max_size = 4,
    .endian = MEM_LITTLE_ENDIAN,
    .unaligned = MEM_UNALIGNED_REJECT,
};

static void sifive_test_destroy(Device *dev)
{
    SifiveTest *t = (SifiveTest *)dev;
    mem_region_destroy(&t->mmio);
    g_free(t->dev.name);
    g_free(t);
}

static Device *sifive_test_create(Board *board, const DevConfig *cfg, GError **error)
{
    SifiveTest *t = g_new0(SifiveTest, 1);
    dev_init_head(&t->dev, &sifive_test_class, board, cfg, 0x1000);
    mem_region_init_io(&t->mmio, cfg->name, &sifive_test_ops, t, t->dev.size);
    /* Stateless: the board lock only orders exits against each other. */
    mem_region_set_lock(&t->mmio, &board->lock);
    if (!board_map(board, cfg->base, &t->mmio, error)) {
        sifive_test_destroy(&t->dev);
        return NULL;
    }
    return &t->dev;
}

const DevClass sifive_test_class = {
    .name = "sifive_test",
    .desc = "SiFive test finisher (pass/fail/reset)",
    .create = sifive_test_create,
    .destroy = sifive_test_destroy,
};
