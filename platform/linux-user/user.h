/*
 * Linux user mode: load one guest Linux program (ELF, with its dynamic loader from
 * a sysroot when it has one), give it a Linux process view (syscalls, signals,
 * memory map) and run it on the exec loop until it exits.
 */
#ifndef MIMIC_USER_H
#define MIMIC_USER_H

#include <glib.h>

#include "exec/exec.h"

typedef struct UserOptions {
    const char *sysroot;        /* -L DIR, else $MIMIC_LD_PREFIX, else the Debian cross sysroot for the arch if it exists (/usr/riscv64-linux-gnu) */
    ExecOptions exec;
    /* --seed: AT_RANDOM and getrandom() come from this seed, so runs are reproducible. */
    bool has_seed;
    uint64_t seed;
    /*
     * --stack-top: the end of the initial stack (0: the ABI's; USER_STACK_TOP_QEMU: where
     * qemu-user 7.2 puts it for this guest).  Used to lay the stack out where qemu-user
     * does, so traces of both can be compared register by register.
     */
    uint64_t stack_top;
    /* -g PORT or socket path: wait for gdb before the first instruction (NULL: no stub). */
    const char *gdb;
} UserOptions;

#define USER_STACK_TOP_QEMU UINT64_MAX

/* Load PROGRAM and run it to the end.  Returns the process exit status (0..255); fatal guest signals terminate the host process with the same signal (so a shell sees 128+N: 139 for SIGSEGV), with core dumps disabled like qemu-user.  Returns -1 and sets *error (one line, e.g. "'foo': not an ELF file", "'foo': ELF for PowerPC (machine 20) is not supported by this build", "'foo': truncated ELF", "'foo': interpreter /lib/ld-linux-riscv64-lp64d.so.1 not found (use -L DIR or MIMIC_LD_PREFIX to give the guest sysroot)", "'foo': No such file or directory") on bad input, before running anything. */
int user_run(const char *path, int argc, char **argv, char **envp, const UserOptions *opts, GError **error);

#endif
