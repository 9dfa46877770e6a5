/*
 * The 32-bit big-endian PowerPC Linux ABI as linux-user needs it:
 *   - syscalls: `sc` with the number in r0 and arguments in r3..r8; the result in r3,
 *     and on error the positive errno in r3 with CR0.SO set
 *     (arch/powerpc/kernel/syscall.c, interrupt_64.S/entry_32.S syscall_exit);
 *   - the historical syscall table (arch/powerpc/kernel/syscalls/syscall.tbl), mapped
 *     onto the asm-generic numbering, 64-bit arguments in aligned register pairs
 *     (arch/powerpc/kernel/sys_ppc32.c, the high word first);
 *   - the address-space layout of a 32-bit process (TASK_SIZE 0xc0000000 with the
 *     default 3G/1G split; qemu-ppc uses the same stack top), the auxv entries of
 *     ARCH_DLINFO (arch/powerpc/include/asm/elf.h) and /proc/cpuinfo
 *     (arch/powerpc/kernel/setup-common.c, show_cpuinfo).
 * Struct layouts are in struct.c and sys.c, signal frames in signal.c.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "frontend/ppc/cpu.h"
#include "platform/linux-user/ppc32/ppc_user.h"

#define PPC_ADDR_BITS   32
#define PPC_STACK_TOP   ((GuestAddr)0xc0000000u)
#define PPC_STACK_SIZE  (8u << 20)
/* Linux keeps at least 128 MiB between the stack and the mmap area (mmap_base()). */
#define PPC_MMAP_TOP    (PPC_STACK_TOP - PPC_STACK_SIZE - (128u << 20))

/* AT_HWCAP bits (arch/powerpc/include/uapi/asm/cputable.h). */
#define PPC_FEATURE_32          0x80000000u
#define PPC_FEATURE_HAS_FPU     0x08000000u
#define PPC_FEATURE_HAS_MMU     0x04000000u

/* ARCH_DLINFO auxv types (arch/powerpc/include/uapi/asm/auxvec.h). */
#define PPC_AT_DCACHEBSIZE      19
#define PPC_AT_ICACHEBSIZE      20
#define PPC_AT_UCACHEBSIZE      21
#define PPC_AT_IGNOREPPC        22

/* The dcbz line of the frontend (frontend/ppc/internal.h PPC_DCACHE_LINE). */
#define PPC_CACHE_LINE          32

#define PPC_SPR_PVR             287

/*
 * ARCH_DLINFO: two AT_IGNOREPPC entries (a marker for old loaders), then the cache
 * block sizes glibc uses for memset's dcbz and the icache flush of its trampolines.
 */
static const uint64_t ppc_auxv_arch[] = {
    PPC_AT_IGNOREPPC, PPC_AT_IGNOREPPC,
    PPC_AT_IGNOREPPC, PPC_AT_IGNOREPPC,
    PPC_AT_DCACHEBSIZE, PPC_CACHE_LINE,
    PPC_AT_ICACHEBSIZE, PPC_CACHE_LINE,
    PPC_AT_UCACHEBSIZE, PPC_CACHE_LINE,
};

static void ppc_get_syscall(const GuestCpu *cpu, uint64_t *nr, uint64_t args[6])
{
    const PpcCpu *ppc = (const PpcCpu *)cpu;
    *nr = ppc->gpr[0];
    for (int i = 0; i < 6; i++) {
        args[i] = ppc->gpr[3 + i];      /* zero-extended: see ppc_map_syscall for signed ones */
    }
}

/* syscall_exit: an error is a positive errno with CR0.SO set; success clears SO. */
static void ppc_set_result(GuestCpu *cpu, int64_t ret)
{
    PpcCpu *ppc = (PpcCpu *)cpu;
    if (ret < 0 && ret >= -4095) {
        ppc->gpr[3] = (uint32_t)-ret;
        ppc->cr[0] |= PPC_CR_SO;
    } else {
        ppc->gpr[3] = (uint32_t)ret;
        ppc->cr[0] &= ~PPC_CR_SO;
    }
}

static GuestAddr ppc_get_sp(const GuestCpu *cpu)
{
    return ((const PpcCpu *)cpu)->gpr[1];
}

/*
 * start_thread() (arch/powerpc/kernel/process.c): every GPR zero but r1 = sp.  glibc's
 * _start finds argc on the stack; r7 = 0 means no rtld_fini.
 */
static void ppc_start(GuestCpu *cpu, GuestAddr pc, GuestAddr sp)
{
    PpcCpu *ppc = (PpcCpu *)cpu;
    for (int i = 0; i < 32; i++) {
        ppc->gpr[i] = 0;
    }
    ppc->gpr[1] = (uint32_t)sp;
    ppc->lr = 0;
    ppc->ctr = 0;
    cpu->pc = pc;
}

/* powerpc selects CONFIG_CLONE_BACKWARDS: clone(flags, newsp, ptid, tls, ctid). */
static void ppc_clone_args(const uint64_t a[6], uint64_t *flags, GuestAddr *newsp,
                           GuestAddr *ptid, GuestAddr *ctid, uint64_t *tls)
{
    *flags = (uint32_t)a[0];
    *newsp = a[1];
    *ptid = a[2];
    *tls = a[3];
    *ctid = a[4];
}

/* copy_thread(): the child gets r1 = newsp, r2 = tls (the ppc32 thread pointer), r3 = 0. */
static void ppc_clone_child(GuestCpu *cpu, GuestAddr newsp, bool set_tls, uint64_t tls)
{
    PpcCpu *ppc = (PpcCpu *)cpu;
    if (newsp) {
        ppc->gpr[1] = (uint32_t)newsp;
    }
    if (set_tls) {
        ppc->gpr[2] = (uint32_t)tls;
    }
    ppc->gpr[3] = 0;
    ppc->cr[0] &= ~PPC_CR_SO;
}

/* --- Syscall numbering and arguments --- */

static int16_t ppc_generic[PPC_NR_COUNT];

static void ppc_build_map(void)
{
    for (int i = 0; i < PPC_NR_COUNT; i++) {
        ppc_generic[i] = -1;
    }
#define PPC_MAP(pname, gname) ppc_generic[PPC_NR_##pname] = USER_NR_##gname;
#include "platform/linux-user/ppc32/syscall_map.def"
#undef PPC_MAP
}

/* A 64-bit value from a register pair: the high word in the lower-numbered register. */
static uint64_t pair(const uint64_t a[6], int hi)
{
    return (uint64_t)(uint32_t)a[hi] << 32 | (uint32_t)a[hi + 1];
}

/* mmap flags whose ppc values differ (arch/powerpc/include/uapi/asm/mman.h). */
static uint64_t ppc_mmap_flags(uint64_t f)
{
    uint64_t h = f & ~(uint64_t)(0x40 | 0x80 | MAP_NORESERVE | MAP_LOCKED);
    if (f & 0x40) {
        h |= MAP_NORESERVE;
    }
    if (f & 0x80) {
        h |= MAP_LOCKED;
    }
    return h;
}

/* MCL_CURRENT 0x2000, MCL_FUTURE 0x4000, MCL_ONFAULT 0x8000 on ppc. */
static uint64_t ppc_mcl_flags(uint64_t f)
{
    return ((f & 0x2000) ? MCL_CURRENT : 0) | ((f & 0x4000) ? MCL_FUTURE : 0) |
           ((f & 0x8000) ? MCL_ONFAULT : 0) | (f & ~(uint64_t)0xe000 & ~(uint64_t)7);
}

#define PPC_AT_FDCWD ((uint64_t)(uint32_t)AT_FDCWD)

/*
 * Rewrite a[] into the generic convention of the call it maps to.  Follows the
 * kernel's compat wrappers (arch/powerpc/kernel/sys_ppc32.c, fs/read_write.c
 * COMPAT_SYSCALL_DEFINEs): 64-bit offsets from register pairs, 32-bit `long` offsets
 * sign-extended, and the legacy calls as their *at forms.
 */
static int ppc_map_syscall(uint64_t nr, uint64_t a[6])
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, (GThreadFunc)(void (*)(void))ppc_build_map, NULL);
    if (nr >= PPC_NR_COUNT) {
        return -1;
    }
    switch (nr) {
    case PPC_NR_lseek:                  /* off_t is a 32-bit long */
        a[1] = user_sext32(a[1]);
        break;
    case PPC_NR_truncate:
    case PPC_NR_ftruncate:
        a[1] = user_sext32(a[1]);
        break;
    case PPC_NR_pread64:                /* fd, buf, count, pad, pos_hi, pos_lo */
    case PPC_NR_pwrite64:
        a[3] = pair(a, 4);
        break;
    case PPC_NR_readahead:              /* fd, pad, off_hi, off_lo, count */
        a[1] = pair(a, 2);
        a[2] = a[4];
        break;
    case PPC_NR_truncate64:             /* path or fd, pad, len_hi, len_lo */
    case PPC_NR_ftruncate64:
        a[1] = pair(a, 2);
        break;
    case PPC_NR_fadvise64_64: {         /* fd, advice, off_hi, off_lo, len_hi, len_lo */
        uint64_t advice = a[1];
        a[1] = pair(a, 2);
        a[2] = pair(a, 4);
        a[3] = advice;
        break;
    }
    case PPC_NR_fadvise64: {            /* fd, pad, off_hi, off_lo, len (32-bit), advice */
        uint64_t advice = a[5];
        a[1] = pair(a, 2);
        a[2] = a[4];
        a[3] = advice;
        return USER_NR_fadvise64;
    }
    case PPC_NR_sync_file_range2: {     /* fd, flags, off_hi, off_lo, n_hi, n_lo */
        uint64_t flags = a[1];
        a[1] = pair(a, 2);
        a[2] = pair(a, 4);
        a[3] = flags;
        break;
    }
    case PPC_NR_fallocate:              /* fd, mode, off_hi, off_lo, len_hi, len_lo */
        a[2] = pair(a, 2);
        a[3] = pair(a, 4);
        break;
    case PPC_NR_preadv:                 /* fd, vec, vlen, pos_lo, pos_hi: not a pair */
    case PPC_NR_pwritev:
    case PPC_NR_preadv2:
    case PPC_NR_pwritev2:
        a[3] = (uint64_t)(uint32_t)a[4] << 32 | (uint32_t)a[3];
        a[4] = 0;
        break;
    case PPC_NR_mmap:                   /* the offset in bytes, a 32-bit long */
        a[3] = ppc_mmap_flags(a[3]);
        break;
    case PPC_NR_mmap2:                  /* the offset in 4096-byte units */
        a[3] = ppc_mmap_flags(a[3]);
        a[5] = (uint64_t)(uint32_t)a[5] << 12;
        break;
    case PPC_NR_mlockall:
        a[0] = ppc_mcl_flags(a[0]);
        break;
    case PPC_NR_open:                   /* path, flags, mode */
        a[3] = a[2];
        a[2] = a[1];
        a[1] = a[0];
        a[0] = PPC_AT_FDCWD;
        break;
    case PPC_NR_creat:
        a[3] = a[1];
        a[2] = 0100 | 01 | 01000;       /* O_CREAT | O_WRONLY | O_TRUNC, same on ppc */
        a[1] = a[0];
        a[0] = PPC_AT_FDCWD;
        break;
    case PPC_NR_access:                 /* path, mode */
    case PPC_NR_mkdir:
    case PPC_NR_chmod:
    case PPC_NR_readlink:               /* path, buf, size */
    case PPC_NR_mknod:                  /* path, mode, dev */
        a[3] = a[2];
        a[2] = a[1];
        a[1] = a[0];
        a[0] = PPC_AT_FDCWD;
        break;
    case PPC_NR_chown:
    case PPC_NR_lchown:                 /* path, uid, gid -> dirfd, path, uid, gid, flags */
        a[4] = nr == PPC_NR_lchown ? AT_SYMLINK_NOFOLLOW : 0;
        a[3] = a[2];
        a[2] = a[1];
        a[1] = a[0];
        a[0] = PPC_AT_FDCWD;
        break;
    case PPC_NR_unlink:
    case PPC_NR_rmdir:
        a[2] = nr == PPC_NR_rmdir ? AT_REMOVEDIR : 0;
        a[1] = a[0];
        a[0] = PPC_AT_FDCWD;
        break;
    case PPC_NR_rename:                 /* old, new -> renameat2(cwd, old, cwd, new, 0) */
    case PPC_NR_link:
        a[3] = a[1];
        a[1] = a[0];
        a[0] = a[2] = PPC_AT_FDCWD;
        a[4] = 0;
        break;
    case PPC_NR_renameat:
        a[4] = 0;
        break;
    case PPC_NR_symlink:                /* target, path -> symlinkat(target, cwd, path) */
        a[2] = a[1];
        a[1] = PPC_AT_FDCWD;
        break;
    case PPC_NR_stat64:
    case PPC_NR_lstat64:                /* path, buf -> fstatat64(cwd, path, buf, flags) */
        a[3] = nr == PPC_NR_lstat64 ? AT_SYMLINK_NOFOLLOW : 0;
        a[2] = a[1];
        a[1] = a[0];
        a[0] = PPC_AT_FDCWD;
        break;
    case PPC_NR_pipe:
        a[1] = 0;
        break;
    case PPC_NR_dup2:                   /* the equal case is ppc_arch_syscall's */
        a[2] = 0;
        break;
    case PPC_NR_fork:                   /* clone(SIGCHLD, 0, ...) */
        a[0] = SIGCHLD;
        a[1] = a[2] = a[3] = a[4] = 0;
        break;
    case PPC_NR_vfork:
        a[0] = CLONE_VM | CLONE_VFORK | SIGCHLD;
        a[1] = a[2] = a[3] = a[4] = 0;
        break;
    case PPC_NR_waitpid:                /* pid, status, options -> wait4(..., NULL) */
        a[3] = 0;
        break;
    case PPC_NR_getpgrp:
        a[0] = 0;
        break;
    case PPC_NR_epoll_create:
    case PPC_NR_inotify_init:
        a[0] = 0;
        break;
    case PPC_NR_epoll_wait:             /* epfd, events, max, timeout -> no sigmask */
        a[4] = 0;
        a[5] = 8;
        break;
    case PPC_NR_eventfd:
        a[1] = 0;
        break;
    default:
        break;
    }
    if (nr == PPC_NR_openat || nr == PPC_NR_open) {
        a[2] = (uint32_t)ppc_open_flags_to_host((uint32_t)a[2]);
    }
    return ppc_generic[nr];
}

/* --- ppc-only syscalls --- */

/* _llseek(fd, off_hi, off_lo, loff_t *result, whence) (fs/read_write.c). */
static int64_t ppc_llseek(UserProc *p, const uint64_t a[6])
{
    int64_t off = (int64_t)pair(a, 1);
    off_t r = lseek((int)a[0], off, (int)a[4]);
    if (r < 0) {
        return user_errno();
    }
    return user_write_uint(p, a[3], 8, (uint64_t)r);
}

static bool ppc_arch_syscall(UserProc *p, uint64_t nr, const uint64_t a[6], int64_t *ret)
{
    switch (nr) {
    case PPC_NR__llseek:
        *ret = ppc_llseek(p, a);
        return true;
    case PPC_NR_poll:
        *ret = user32_poll(p, a);
        return true;
    case PPC_NR_ipc:
        *ret = user32_sys_ipc(p, a);
        return true;
    case PPC_NR_sendfile:
        *ret = ppc_sendfile(p, a, 4);
        return true;
    case PPC_NR_send:
    case PPC_NR_recv: {
        /* send/recv(fd, buf, len, flags): sendto/recvfrom without an address, as in the kernel. */
        const uint64_t b[6] = { a[0], a[1], a[2], a[3], 0, 0 };
        uint32_t flags;
        *ret = user_syscall_generic(p, nr == PPC_NR_send ? USER_NR_sendto : USER_NR_recvfrom, b, &flags);
        return true;
    }
    case PPC_NR_pause:
        /* asm-generic has no pause; it sleeps until a signal (always -EINTR, never restarted). */
        *ret = user_safe_syscall6(p, SYS_pause, 0, 0, 0, 0, 0, 0);
        return true;
    case PPC_NR_dup2:
        if ((uint32_t)a[0] != (uint32_t)a[1]) {
            return false;       /* dup3(old, new, 0) */
        }
        /* dup2(fd, fd) returns fd if it is open (dup3 would refuse equal numbers). */
        *ret = user_ret(syscall(SYS_fcntl, (int)a[0], F_GETFD));
        if (*ret >= 0) {
            *ret = (int32_t)a[1];
        }
        return true;
    case PPC_NR_alarm:
        /* The host process's timer: its SIGALRM reaches the guest like any other. */
        *ret = alarm((unsigned)a[0]);
        return true;
    case PPC_NR_time: {
        /* time(tloc): 32-bit time_t (kernel/time/time.c). */
        time_t t = time(NULL);
        *ret = (uint32_t)t & 0x7fffffff;
        if (a[0] && user_write_uint(p, a[0], 4, (uint32_t)t) < 0) {
            *ret = -EFAULT;
        }
        return true;
    }
    case PPC_NR_sigreturn:
        if (!ppc_restore_frame(p)) {
            user_signal_raise_sync(p, SIGSEGV, SI_KERNEL, 0);
        }
        *ret = USER_SYSRET_NORETURN;
        return true;
    default:
        return false;
    }
}

static const char *ppc_arch_syscall_name(uint64_t nr)
{
    switch (nr) {
#define PPC_NR(n, name) case n: return #name;
#include "platform/linux-user/ppc32/syscall_nr.def"
#undef PPC_NR
    default:
        return NULL;
    }
}

/*
 * Illegal instructions user code still gets to run.  mfspr rT, PVR is privileged;
 * Linux emulates it for user code (arch/powerpc/kernel/traps.c, emulate_instruction)
 * with the real PVR.
 */
static bool ppc_emulate_illegal(UserProc *p, GuestCpu *cpu)
{
    PpcCpu *ppc = (PpcCpu *)cpu;
    uint8_t b[4];
    if (!user_mem_check(&p->mem, cpu->pc, 4, PROT_EXEC) ||
        user_copy_from(&p->mem, b, cpu->pc, 4) < 0) {
        return false;
    }
    uint32_t insn = ppc_get32(b);
    /* mfspr: primary 31, extended 339, SPR field with its halves swapped. */
    uint32_t spr = ((insn >> 16) & 0x1f) | ((insn >> 11) & 0x1f) << 5;
    if ((insn & 0xfc0007feu) == 0x7c0002a6u && spr == PPC_SPR_PVR) {
        ppc->gpr[(insn >> 21) & 0x1f] = ppc->pvr;
        cpu->pc += 4;
        return true;
    }
    /*
     * Power ISA 3.0's mffsce, mffsl, mffscrn(i) and mffscdrn(i) are mffs with a nonzero
     * RA field; processors before 3.0 execute them as plain mffs, which glibc's libm
     * relies on (sysdeps/powerpc/fpu/fenv_libc.h uses them without checking HWCAP2).
     * The frontend decodes the ISA 2.06 forms only, so the older behaviour is given
     * here: frT = FPSCR, nothing else changes.  Rc = 1 forms stay illegal.
     */
    if ((insn & 0xfc0007ffu) == 0xfc00048eu && (insn & 0x001ff800u) != 0) {
        ppc->fpr[(insn >> 21) & 0x1f] = ppc_get_fpscr(ppc);
        cpu->pc += 4;
        return true;
    }
    return false;
}

/* show_cpuinfo() of arch/powerpc/kernel/setup-common.c for an e500mc core. */
static void ppc_cpuinfo(GString *out, unsigned ncpus)
{
    for (unsigned i = 0; i < ncpus; i++) {
        g_string_append_printf(out, "processor\t: %u\ncpu\t\t: e500mc\nclock\t\t: 1000.000000MHz\n"
                               "revision\t: 2.0 (pvr 8023 0020)\nbogomips\t: 100.00\n\n", i);
    }
    g_string_append(out, "total bogomips\t: ");
    g_string_append_printf(out, "%u.00\n", 100 * ncpus);
    g_string_append(out, "timebase\t: 100000000\nplatform\t: mimic\nmodel\t\t: mimic ppc32\n");
}

static const UserSyscallRow *const ppc_rows[] = { ppc_sys_rows, ppc_net_rows, ppc_fd_rows, user32_rows, user32_poll_rows, user32_ipc_rows, user32_msg_rows, NULL };

/* li r0, 172 (rt_sigreturn); sc; li r0, 119 (sigreturn); sc -- big-endian words. */
static const uint8_t ppc_sigreturn_code[] = {
    0x38, 0x00, 0x00, 0xac, 0x44, 0x00, 0x00, 0x02,
    0x38, 0x00, 0x00, 0x77, 0x44, 0x00, 0x00, 0x02,
};

const UserArchAbi user_abi_ppc32 = {
    .name = "ppc",
    .arch = &ppc32_arch,
    .elf_machine = EM_PPC,
    .uname_machine = "ppc",
    .default_sysroot = "/usr/powerpc-linux-gnu",
    .platform = "ppce500mc",
    .addr_bits = PPC_ADDR_BITS,
    .stack_top = PPC_STACK_TOP,
    .stack_size = PPC_STACK_SIZE,
    .mmap_min = 0x10000,
    .mmap_top = PPC_MMAP_TOP,
    /* ELF_ET_DYN_BASE for 32-bit powerpc: 0x20000000. */
    .et_dyn_base = 0x20000000u,
    .hwcap = PPC_FEATURE_32 | PPC_FEATURE_HAS_FPU | PPC_FEATURE_HAS_MMU,
    .hwcap2 = 0,
    .word_size = 4,
    .syscall_insn_len = 4,
    .nr_to_generic = NULL,
    .map_syscall = ppc_map_syscall,
    .layout_generic64 = false,
    .ipc32 = &user_ipc32_ppc,
    .statfs64_size = 88,
    .rows = ppc_rows,
    .auxv_arch = ppc_auxv_arch,
    .n_auxv_arch = G_N_ELEMENTS(ppc_auxv_arch) / 2,
    .emulate_illegal = ppc_emulate_illegal,
    .get_syscall = ppc_get_syscall,
    .set_result = ppc_set_result,
    .get_sp = ppc_get_sp,
    .start = ppc_start,
    .clone_args = ppc_clone_args,
    .clone_child = ppc_clone_child,
    .arch_syscall = ppc_arch_syscall,
    .prctl = ppc_prctl,
    .arch_syscall_name = ppc_arch_syscall_name,
    .cpuinfo = ppc_cpuinfo,
    .sigreturn_code = ppc_sigreturn_code,
    .sigreturn_len = sizeof(ppc_sigreturn_code),
    .setup_frame = ppc_setup_frame,
    .restore_frame = ppc_restore_rt_frame,
    .stat_size = PPC_STAT64_SIZE,
    .put_stat = ppc_put_stat64,
    .sigaction_size = PPC_SIGACTION_SIZE,
    .get_sigaction = ppc_get_sigaction,
    .put_sigaction = ppc_put_sigaction,
    .epoll_packed = false,
};
