/* riscv64 linux-user ABI pieces shared between abi.c and signal.c. */
#ifndef MIMIC_RV_USER_H
#define MIMIC_RV_USER_H

#include "platform/linux-user/user_internal.h"

bool rv_setup_frame(UserProc *p, int sig, const UserSigInfo *info, const UserSigAction *act,
                    GuestAddr sp, uint64_t old_mask);
bool rv_restore_frame(UserProc *p);

/* Offsets inside struct rt_sigframe (arch/riscv/kernel/signal.c), checked by the unit tests. */
#define RV_FRAME_INFO        0
#define RV_FRAME_UC          128
#define RV_UC_FLAGS          0
#define RV_UC_LINK           8
#define RV_UC_STACK          16      /* ss_sp, ss_flags (int + pad), ss_size */
#define RV_UC_SIGMASK        40
#define RV_UC_MCONTEXT       176     /* struct sigcontext, 16-byte aligned */
#define RV_SC_REGS           0       /* pc, x1..x31 */
#define RV_SC_FP             256     /* f[32] (u64), fcsr (u32) */
#define RV_SC_FP_FCSR        (RV_SC_FP + 256)
#define RV_SC_EXT_RESERVED   (RV_SC_FP + 516)
#define RV_SC_EXT_HDR        (RV_SC_FP + 520)    /* magic, size: END (0, 0) */
#define RV_UC_SIZE           960
#define RV_FRAME_SIZE        (RV_FRAME_UC + RV_UC_SIZE)

#endif
