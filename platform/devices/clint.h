/*
 * platform/devices/clint.h -- what the CPU integration reads from a CLINT directly.
 */
#ifndef MIMIC_DEVICES_CLINT_H
#define MIMIC_DEVICES_CLINT_H

#include <stdint.h>

#include "platform/devices/dev.h"

/* The current mtime (the RISC-V `time` CSR reads this); dev must be a "clint". */
uint64_t clint_mtime(Device *dev);
/* Ticks per second of mtime (timebase-frequency). */
uint64_t clint_timebase(Device *dev);

#endif
