/*
 * fp_bits.h - a double's bits and FPSCR read and written whole, for the ppc FP tests.
 */
#ifndef MIMIC_TEST_PPC_FP_BITS_H
#define MIMIC_TEST_PPC_FP_BITS_H

#include <stdint.h>
#include <string.h>

static inline double d_of(uint64_t u)
{
    double d;

    memcpy(&d, &u, 8);
    return d;
}

static inline uint64_t u_of(double d)
{
    uint64_t u;

    memcpy(&u, &d, 8);
    return u;
}

/* mffs: FPSCR in the low word of the register's bits. */
static inline uint32_t get_fpscr(void)
{
    double f;

    __asm__ volatile("mffs %0" : "=d"(f));
    return (uint32_t)u_of(f);
}

static inline void set_fpscr(uint32_t x)
{
    __asm__ volatile("mtfsf 0xff,%0" : : "d"(d_of(x)));
}

#endif
