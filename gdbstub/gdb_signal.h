/* Linux signal numbers <-> the numbers gdb's remote protocol uses (enum gdb_signal). */
#ifndef MIMIC_GDB_SIGNAL_H
#define MIMIC_GDB_SIGNAL_H

int gdb_signal_from_linux(int sig);     /* 143 (GDB_SIGNAL_UNKNOWN) when gdb has none */
int gdb_signal_to_linux(int gdb_sig);   /* 0 when Linux has none */

#endif
