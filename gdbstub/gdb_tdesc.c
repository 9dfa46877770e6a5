/*
 * Target description generation.  One <feature> per run of registers sharing a feature
 * name in the guest's GuestGdb table, each register with its gdb number, so gdb uses
 * exactly our numbering in p/P packets and the 'g' packet holds the first n_g_regs.
 */
#include "gdbstub/gdb_tdesc.h"

char *gdb_tdesc_xml(const GuestGdb *gdb, bool system)
{
    GString *s = g_string_new("<?xml version=\"1.0\"?>\n"
                              "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target>\n");
    const char *open = NULL;

    g_string_append_printf(s, "  <architecture>%s</architecture>\n", gdb->arch);
    for (unsigned i = 0; i < gdb->n_regs; i++) {
        const GuestGdbReg *r = &gdb->regs[i];
        if (r->system_only && !system) {
            continue;
        }
        if (open == NULL || g_strcmp0(open, r->feature) != 0) {
            if (open != NULL) {
                g_string_append(s, "  </feature>\n");
            }
            g_string_append_printf(s, "  <feature name=\"%s\">\n", r->feature);
            open = r->feature;
        }
        g_string_append_printf(s, "    <reg name=\"%s\" bitsize=\"%u\" regnum=\"%u\" type=\"%s\"/>\n",
                               r->name, r->bits, r->regnum, r->type);
    }
    if (open != NULL) {
        g_string_append(s, "  </feature>\n");
    }
    g_string_append(s, "</target>\n");
    return g_string_free(s, FALSE);
}

const GuestGdbReg *gdb_tdesc_reg(const GuestGdb *gdb, bool system, uint32_t regnum)
{
    for (unsigned i = 0; i < gdb->n_regs; i++) {
        const GuestGdbReg *r = &gdb->regs[i];
        if (r->regnum == regnum && (system || !r->system_only)) {
            return r;
        }
    }
    return NULL;
}
