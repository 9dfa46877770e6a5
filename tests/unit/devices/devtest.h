/*
 * Shared fixture for device tests: a small board built from a board-file string, a
 * buffer serial backend, and a record of the CPU interrupt inputs.
 */
#ifndef MIMIC_TEST_DEVTEST_H
#define MIMIC_TEST_DEVTEST_H

#include <check.h>

#include "platform/boards/board.h"

typedef struct DevTest {
    Board *board;
    Chardev *serial;
    unsigned cpu_irq_calls;
} DevTest;

extern DevTest dt;

/* A board with RAM at 0x80000000 (16 MiB), a PLIC at 0xc000000 and `extra` groups. */
void devtest_board(const char *extra, unsigned harts);
void devtest_free(void);
uint64_t devtest_ld(uint64_t addr, unsigned size);
void devtest_st(uint64_t addr, unsigned size, uint64_t value);
bool devtest_cpu_line(unsigned hart, unsigned line);

#endif
