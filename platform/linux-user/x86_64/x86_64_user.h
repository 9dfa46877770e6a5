/*
 * The x86-64 linux-user ABI pieces shared by this folder's files: abi.c (registers,
 * syscall numbering, arch_prctl, process layout) and signal.c (rt_sigframe).
 */
#ifndef MIMIC_X86_64_USER_H
#define MIMIC_X86_64_USER_H

#include "platform/linux-user/x86/x86_user.h"

enum {
#define X64_NR(nr, name) X64_NR_##name = nr,
#include "platform/linux-user/x86_64/syscall_nr.def"
#undef X64_NR
    X64_NR_COUNT = 468
};

bool x64_setup_frame(UserProc *p, int sig, const UserSigInfo *info, const UserSigAction *act,
                     GuestAddr sp, uint64_t old_mask);
bool x64_restore_frame(UserProc *p);
#define X64_SIGFRAME_MAX 2048

#endif
