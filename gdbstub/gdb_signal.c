/*
 * gdb numbers signals its own way (include/gdb/signals.def): the first fifteen match the
 * traditional Unix numbers, the rest do not (Linux SIGUSR1 = 10 is gdb's 30, SIGBUS = 7 is
 * gdb's 10), and real-time signals 33..63 are gdb's 45..75 (32 is 77).  Guest Linux ABIs
 * here use the generic numbering (riscv64, ppc32 and x86 agree on 1..31).
 */
#include "gdbstub/gdb_signal.h"

#define GDB_SIGNAL_UNKNOWN 143

static const unsigned char linux_to_gdb[32] = {
    [1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [6] = 6, [7] = 10, [8] = 8,
    [9] = 9, [10] = 30, [11] = 11, [12] = 31, [13] = 13, [14] = 14, [15] = 15, [16] = 0,
    [17] = 20, [18] = 19, [19] = 17, [20] = 18, [21] = 21, [22] = 22, [23] = 16, [24] = 24,
    [25] = 25, [26] = 26, [27] = 27, [28] = 28, [29] = 23, [30] = 32, [31] = 12,
};

int gdb_signal_from_linux(int sig)
{
    if (sig > 0 && sig < 32) {
        return linux_to_gdb[sig] != 0 ? linux_to_gdb[sig] : GDB_SIGNAL_UNKNOWN;
    }
    if (sig == 32) {
        return 77;
    }
    if (sig >= 33 && sig <= 63) {
        return sig - 33 + 45;
    }
    return GDB_SIGNAL_UNKNOWN;
}

int gdb_signal_to_linux(int gdb_sig)
{
    for (int sig = 1; sig < 32; sig++) {
        if (linux_to_gdb[sig] == gdb_sig) {
            return sig;
        }
    }
    if (gdb_sig == 77) {
        return 32;
    }
    if (gdb_sig >= 45 && gdb_sig <= 75) {
        return gdb_sig - 45 + 33;
    }
    return 0;
}
