/* Shared fixture for device tests (devtest.h). */
#include "devtest.h"

DevTest dt;

static void devtest_cpu_irq(void *opaque, unsigned hart, unsigned line, bool level)
{
    dt.cpu_irq_calls++;
}

void devtest_board(const char *extra, unsigned harts)
{
    g_autofree char *text = g_strdup_printf(
        "[board]\nname=test\ncpu=rv64\nharts=%u\nram-base=0x80000000\nram-size=16M\n"
        "[device plic]\nclass=plic\nbase=0xc000000\nsources=96\n%s", harts, extra);
    dt.serial = chardev_new_buffer(false);
    BoardOptions opts = { .serial = dt.serial };
    GError *err = NULL;
    dt.board = board_create_from_data(text, "test", &opts, &err);
    if (!dt.board) {
        ck_abort_msg("board: %s", err->message);
    }
    dt.cpu_irq_calls = 0;
    board_set_cpu_irq_handler(dt.board, devtest_cpu_irq, NULL);
    /* Time stands still from here on; reset so every device starts at time 0. */
    dev_clock_set_virtual(&dt.board->clock, 0);
    board_reset(dt.board);
}

void devtest_free(void)
{
    board_free(dt.board);
    chardev_free(dt.serial);
    dt.board = NULL;
    dt.serial = NULL;
}

uint64_t devtest_ld(uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    MemResult r = mem_as_load(&dt.board->mem, addr, size, &v);
    ck_assert_msg(r == MEM_OK, "load 0x%llx: %s", (unsigned long long)addr, mem_result_str(r));
    return v;
}

void devtest_st(uint64_t addr, unsigned size, uint64_t value)
{
    MemResult r = mem_as_store(&dt.board->mem, addr, size, value);
    ck_assert_msg(r == MEM_OK, "store 0x%llx: %s", (unsigned long long)addr, mem_result_str(r));
}

bool devtest_cpu_line(unsigned hart, unsigned line)
{
    return (board_cpu_irq_pending(dt.board, hart) >> line) & 1;
}
