/*
 * fp_cases_shared.h - the min/max and compare rows, which read the same for F and D once
 * written in the width's named constants (P1, QNAN, MINS...): rv64f.c and rv64d.c define
 * those, then include this.
 */
#ifndef FP_CASES_SHARED_H
#define FP_CASES_SHARED_H

static const FpCase minmax[] = {
    { OP_MIN, RNE, MZ, PZ, 0, MZ, 0 },
    { OP_MIN, RNE, PZ, MZ, 0, MZ, 0 },
    { OP_MAX, RNE, MZ, PZ, 0, PZ, 0 },
    { OP_MAX, RNE, PZ, MZ, 0, PZ, 0 },
    { OP_MIN, RNE, M1, P1, 0, M1, 0 },
    { OP_MAX, RNE, M1, P1, 0, P1, 0 },
    { OP_MIN, RNE, MINF, P1, 0, MINF, 0 },
    { OP_MAX, RNE, MINF, PINF, 0, PINF, 0 },
    { OP_MIN, RNE, QNAN, P1, 0, P1, 0 },
    { OP_MIN, RNE, P1, QNANP, 0, P1, 0 },
    { OP_MAX, RNE, NQNAN, M1, 0, M1, 0 },
    { OP_MAX, RNE, SNAN, P1, 0, P1, NV },
    { OP_MIN, RNE, P1, NSNAN, 0, P1, NV },
    { OP_MIN, RNE, QNANP, QNANP, 0, QNAN, 0 },
    { OP_MAX, RNE, SNAN, QNAN, 0, QNAN, NV },
    { OP_MIN, RNE, SNAN, SNAN, 0, QNAN, NV },
};

static const FpCase compare[] = {
    { OP_EQ, RNE, P1, P1, 0, 1, 0 },
    { OP_EQ, RNE, P1, P2, 0, 0, 0 },
    { OP_EQ, RNE, MZ, PZ, 0, 1, 0 },
    { OP_EQ, RNE, QNAN, QNAN, 0, 0, 0 },                 /* feq is quiet */
    { OP_EQ, RNE, SNAN, P1, 0, 0, NV },
    { OP_LT, RNE, P1, P2, 0, 1, 0 },
    { OP_LT, RNE, P2, P1, 0, 0, 0 },
    { OP_LT, RNE, MZ, PZ, 0, 0, 0 },
    { OP_LT, RNE, MINF, PINF, 0, 1, 0 },
    { OP_LT, RNE, QNAN, P1, 0, 0, NV },                  /* flt/fle signal on any NaN */
    { OP_LT, RNE, P1, SNAN, 0, 0, NV },
    { OP_LE, RNE, MZ, PZ, 0, 1, 0 },
    { OP_LE, RNE, P2, P2, 0, 1, 0 },
    { OP_LE, RNE, P2, P1, 0, 0, 0 },
    { OP_LE, RNE, P1, QNAN, 0, 0, NV },
    { OP_LE, RNE, M2, M1, 0, 1, 0 },
    /* Ordering across signs, zeros, infinities and subnormals (the inline integer path). */
    { OP_LT, RNE, M2, M1, 0, 1, 0 },
    { OP_LT, RNE, M1, M2, 0, 0, 0 },
    { OP_LT, RNE, M1, PZ, 0, 1, 0 },
    { OP_LT, RNE, PZ, MZ, 0, 0, 0 },
    { OP_LE, RNE, PZ, MZ, 0, 1, 0 },
    { OP_LT, RNE, MINF, NMAXF, 0, 1, 0 },
    { OP_LT, RNE, MAXF, PINF, 0, 1, 0 },
    { OP_LT, RNE, PINF, PINF, 0, 0, 0 },
    { OP_LE, RNE, MINF, MINF, 0, 1, 0 },
    { OP_LT, RNE, MINS, MINN, 0, 1, 0 },
    { OP_LT, RNE, MZ, MINS, 0, 1, 0 },
    { OP_LE, RNE, M1, M1, 0, 1, 0 },
    { OP_EQ, RNE, M1, M1, 0, 1, 0 },
    { OP_EQ, RNE, M1, P1, 0, 0, 0 },
    { OP_EQ, RNE, P1, QNAN, 0, 0, 0 },
    { OP_EQ, RNE, NSNAN, NSNAN, 0, 0, NV },
    { OP_LE, RNE, NQNAN, M1, 0, 0, NV },
};

#endif
