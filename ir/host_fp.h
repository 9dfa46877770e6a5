/*
 * The host's MXCSR around C code that runs between two guest instructions.  Guests may keep
 * their FP exception flags in the host's SSE flags (RISC-V fflags between its helpers, x86
 * SSE results), so such code must leave MXCSR as it found it; not all C code does (GLib's
 * hash tables raise inexact when they grow).  Not fesetexceptflag, which also copies the
 * x87 flags into MXCSR.
 */
#ifndef MIMIC_IR_HOST_FP_H
#define MIMIC_IR_HOST_FP_H

#include <stdint.h>

static inline uint32_t host_fp_save(void)
{
    uint32_t m;

    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

static inline void host_fp_restore(uint32_t m)
{
    if (host_fp_save() != m) {
        __asm__ volatile("ldmxcsr %0" : : "m"(m));
    }
}

#endif
