/*
 * The i386 linux-user ABI pieces shared by this folder's files: abi.c (registers,
 * syscall numbering, process layout, i386-only calls), struct.c (stat64, sigaction),
 * sys.c (rows converting the 32-bit structs), signal.c (sigframe / rt_sigframe).
 */
#ifndef MIMIC_I386_USER_H
#define MIMIC_I386_USER_H

#include "platform/linux-user/x86/x86_user.h"

enum {
#define I386_NR(nr, name) I386_NR_##name = nr,
#include "platform/linux-user/i386/syscall_nr.def"
#undef I386_NR
    I386_NR_COUNT = 468
};

/* struct.c */
#define I386_STAT64_SIZE 96
void i386_put_stat64(uint8_t *dst, const struct stat *st);
#define I386_SIGACTION_SIZE 20
void i386_get_sigaction(const uint8_t *src, UserSigAction *act);
void i386_put_sigaction(uint8_t *dst, const UserSigAction *act);

/* sys.c: rows in the generic numbering that replace the shared ones for i386. */
extern const UserSyscallRow i386_sys_rows[];
/* sys.c: i386-only calls whose structs need converting. */
int64_t i386_sys_sendfile32(UserProc *p, const uint64_t a[6]);
int64_t i386_sys_time(UserProc *p, const uint64_t a[6]);
/* net.c: socketcall(call, args) */
int64_t i386_sys_socketcall(UserProc *p, const uint64_t a[6]);

/* signal.c, following arch/x86/ia32/ia32_signal.c (what a 64-bit kernel gives i386 tasks) */
bool i386_setup_frame(UserProc *p, int sig, const UserSigInfo *info, const UserSigAction *act,
                      GuestAddr sp, uint64_t old_mask);
bool i386_restore_rt_frame(UserProc *p);
bool i386_restore_frame(UserProc *p);
/* Offsets in our sigreturn page: sigreturn (popl %eax; movl $119, %eax; int $0x80), rt_sigreturn. */
#define I386_TRAMP_NONRT 0
#define I386_TRAMP_RT    8
#define I386_SIGFRAME_MAX (1024 + 640)

#endif
