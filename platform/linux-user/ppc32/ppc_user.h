/*
 * 32-bit big-endian PowerPC linux-user ABI pieces shared by the files of this folder:
 * abi.c (registers, syscall numbering, process layout), struct.c (struct layouts),
 * sys.c (syscalls whose structs need converting) and signal.c (signal frames).
 */
#ifndef MIMIC_PPC_USER_H
#define MIMIC_PPC_USER_H

#include "platform/linux-user/user_internal.h"

enum {
#define PPC_NR(nr, name) PPC_NR_##name = nr,
#include "platform/linux-user/ppc32/syscall_nr.def"
#undef PPC_NR
    PPC_NR_COUNT = 464
};

/* Guest-order (big-endian) access to a byte buffer holding a guest struct. */
static inline void ppc_put32(uint8_t *dst, uint32_t v)
{
    user_put_uint(true, dst, 4, v);
}

static inline void ppc_put64(uint8_t *dst, uint64_t v)
{
    user_put_uint(true, dst, 8, v);
}

static inline void ppc_put16(uint8_t *dst, uint16_t v)
{
    user_put_uint(true, dst, 2, v);
}

static inline uint32_t ppc_get32(const uint8_t *src)
{
    return (uint32_t)user_get_uint(true, src, 4);
}

static inline uint64_t ppc_get64(const uint8_t *src)
{
    return user_get_uint(true, src, 8);
}

/* struct.c */
#define PPC_STAT64_SIZE 104
void ppc_put_stat64(uint8_t *dst, const struct stat *st);
#define PPC_SIGACTION_SIZE 20
void ppc_get_sigaction(const uint8_t *src, UserSigAction *act);
void ppc_put_sigaction(uint8_t *dst, const UserSigAction *act);
/* open(2) flags: the ppc values of O_DIRECTORY, O_NOFOLLOW, O_LARGEFILE, O_DIRECT differ. */
int ppc_open_flags_to_host(uint32_t flags);
uint32_t ppc_open_flags_from_host(int flags);

/* sys.c: rows in the generic numbering that replace the shared ones for ppc32. */
extern const UserSyscallRow ppc_sys_rows[];
/* net.c: the socket calls. */
extern const UserSyscallRow ppc_net_rows[];
/* fdconv.c: eventfd/timerfd/inotify data in guest order; read, write, close, dup* rows. */
extern const UserSyscallRow ppc_fd_rows[];
void ppc_fd_dup_kind(int64_t oldfd, int64_t newfd);
/* sys.c: sendfile with a 4- or 8-byte offset. */
int64_t ppc_sendfile(UserProc *p, const uint64_t a[6], unsigned off_size);
/* termios.c: a terminal ioctl request (TCGETS, TCSETS*, TCFLSH...); false if req is none. */
bool ppc_ioctl_termios(UserProc *p, int fd, uint32_t req, GuestAddr addr, int64_t *ret);

/* fpexc.c: prctl(PR_SET_FPEXC / PR_GET_FPEXC), UserArchAbi.prctl. */
bool ppc_prctl(UserProc *p, const uint64_t a[6], int64_t *ret);

/* signal.c, following arch/powerpc/kernel/signal_32.c */
bool ppc_setup_frame(UserProc *p, int sig, const UserSigInfo *info, const UserSigAction *act,
                     GuestAddr sp, uint64_t old_mask);
bool ppc_restore_rt_frame(UserProc *p);
/* sigreturn (119): the frame of a handler installed without SA_SIGINFO. */
bool ppc_restore_frame(UserProc *p);

/* Offsets in the frames (checked by the unit tests). */
#define PPC_SIGNAL_FRAMESIZE   64      /* __SIGNAL_FRAMESIZE: the caller's frame below ours */
#define PPC_MC_GREGS           0       /* elf_gregset_t: 48 words */
#define PPC_MC_FREGS           192     /* 32 doubles and FPSCR as a double */
#define PPC_MC_PAD             456     /* 2 words: the kernel's trampoline when no vdso */
#define PPC_MC_VREGS           464     /* 33 quadwords (no AltiVec: zero) */
#define PPC_MC_SIZE            992
#define PPC_PT_NIP             32
#define PPC_PT_MSR             33
#define PPC_PT_ORIG_R3         34
#define PPC_PT_CTR             35
#define PPC_PT_LNK             36
#define PPC_PT_XER             37
#define PPC_PT_CCR             38
#define PPC_PT_TRAP            40
#define PPC_PT_DAR             41
#define PPC_PT_DSISR           42
#define PPC_PT_RESULT          43
/* struct ucontext (arch/powerpc/include/uapi/asm/ucontext.h, 32-bit) */
#define PPC_UC_FLAGS           0
#define PPC_UC_LINK            4
#define PPC_UC_STACK           8       /* ss_sp, ss_flags, ss_size */
#define PPC_UC_REGS            48      /* pointer to uc_mcontext */
#define PPC_UC_SIGMASK         52
#define PPC_UC_MCONTEXT        192
#define PPC_UC_SIZE            (PPC_UC_MCONTEXT + PPC_MC_SIZE)
/* struct rt_sigframe { siginfo; ucontext; int abigap[56]; } */
#define PPC_RT_INFO            0
#define PPC_RT_UC              128
#define PPC_RT_FRAME_SIZE      (PPC_RT_UC + PPC_UC_SIZE + 224)
/* struct sigframe { sigcontext; mcontext; int abigap[56]; } */
#define PPC_SC_UNUSED3         12      /* _unused[3]: signals 33..64 of the old mask */
#define PPC_SC_SIGNAL          16
#define PPC_SC_HANDLER         20
#define PPC_SC_OLDMASK         24
#define PPC_SC_REGS            28
#define PPC_SF_MCONTEXT        32
#define PPC_SF_FRAME_SIZE      (PPC_SF_MCONTEXT + PPC_MC_SIZE + 224)

/* Our sigreturn page: li r0,172; sc (rt_sigreturn) then li r0,119; sc (sigreturn). */
#define PPC_TRAMP_RT           0
#define PPC_TRAMP_NONRT        8

#endif
