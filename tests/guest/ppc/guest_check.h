/*
 * guest_check.h - tiny self-checking harness shared by the RISC-V guest test programs.
 *
 * A program is a list of check groups. Each group prints one line ("name: N checks ok" or the
 * failures) so the runner can diff the output of mimic's engines against qemu; the exit status
 * is non-zero when any check failed. Expected values are written into the programs from the ISA
 * manual / IEEE 754, never taken from mimic's output. Output must not depend on addresses,
 * timing or the engine: print only values that the architecture fixes.
 */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *gc_group_name;
/* volatile: tests siglongjmp out of signal handlers, so nothing may stay cached in registers */
static volatile int gc_group_checks, gc_group_fails, gc_total_checks, gc_total_fails;

static inline void gc_group_end(void)
{
    if (gc_group_name != NULL) {
        if (gc_group_fails == 0) {
            printf("%s: %d checks ok\n", gc_group_name, gc_group_checks);
        } else {
            printf("%s: %d of %d checks FAILED\n", gc_group_name, gc_group_fails, gc_group_checks);
        }
        fflush(stdout);
    }
    gc_group_name = NULL;
}

static inline void gc_group(const char *name)
{
    gc_group_end();
    gc_group_name = name;
    gc_group_checks = 0;
    gc_group_fails = 0;
}

static inline int gc_check_u64(uint64_t got, uint64_t want, const char *expr, int line)
{
    gc_group_checks++;
    gc_total_checks++;
    if (got != want) {
        gc_group_fails++;
        gc_total_fails++;
        printf("  line %d: %s = 0x%016" PRIx64 ", expected 0x%016" PRIx64 "\n", line, expr, got, want);
        return 0;
    }
    return 1;
}

static inline int gc_check_true(int cond, const char *expr, int line)
{
    gc_group_checks++;
    gc_total_checks++;
    if (!cond) {
        gc_group_fails++;
        gc_total_fails++;
        printf("  line %d: check failed: %s\n", line, expr);
        return 0;
    }
    return 1;
}

static inline int gc_check_str(const char *got, const char *want, const char *expr, int line)
{
    gc_group_checks++;
    gc_total_checks++;
    if (strcmp(got, want) != 0) {
        gc_group_fails++;
        gc_total_fails++;
        printf("  line %d: %s = \"%s\", expected \"%s\"\n", line, expr, got, want);
        return 0;
    }
    return 1;
}

#define CHECK_EQ(got, want) gc_check_u64((uint64_t)(got), (uint64_t)(want), #got, __LINE__)
#define CHECK(cond) gc_check_true(!!(cond), #cond, __LINE__)
#define CHECK_STR(got, want) gc_check_str((got), (want), #got, __LINE__)

static inline uint32_t gc_f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

static inline uint64_t gc_f64_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    return u;
}

/* Ends the last group, prints the total and gives main()'s return value. */
static inline int gc_finish(void)
{
    gc_group_end();
    if (gc_total_fails == 0) {
        printf("all %d checks passed\n", gc_total_checks);
        return 0;
    }
    printf("%d of %d checks FAILED\n", gc_total_fails, gc_total_checks);
    return 1;
}

#endif /* GUEST_CHECK_H */
