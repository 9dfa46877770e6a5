/* Target description XML (qXfer:features:read:target.xml) from a guest's gdb register table. */
#ifndef MIMIC_GDB_TDESC_H
#define MIMIC_GDB_TDESC_H

#include <stdbool.h>

#include "frontend/guest.h"

/* The whole document; system: include the registers only a board's CPU has (CSRs). g_free it. */
char *gdb_tdesc_xml(const GuestGdb *gdb, bool system);
/* The register gdb numbers regnum, or NULL when this target does not describe it. */
const GuestGdbReg *gdb_tdesc_reg(const GuestGdb *gdb, bool system, uint32_t regnum);

#endif
