/*
 * The i386 Linux ABI as a 64-bit kernel gives it to 32-bit processes (IA32 emulation),
 * as linux-user needs it:
 *   - syscalls: `int $0x80` with the number in eax and arguments in ebx, ecx, edx, esi,
 *     edi, ebp; the result (or -errno) in eax (arch/x86/entry/entry_64_compat.S).  No
 *     vDSO, so no AT_SYSINFO: glibc then uses int $0x80 and never sysenter;
 *   - the historical syscall table (arch/x86/entry/syscalls/syscall_32.tbl) mapped onto
 *     the asm-generic numbering, 64-bit arguments from register pairs, low word first
 *     (arch/x86/kernel/sys_ia32.c), legacy calls through x86/legacy.c;
 *   - TLS: set_thread_area fills a GDT entry (12..14) whose selector glibc loads into gs;
 *   - the address space of a compat task: 4 GiB (TASK_SIZE_32 ends a page short of it),
 *     ELF_ET_DYN_BASE 0x400000 (mmap_is_ia32()), AT_HWCAP = CPUID.1:EDX.
 * Struct layouts are in struct.c and sys.c, sockets in net.c, signal frames in signal.c.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/i386/i386_user.h"

#define I386_ADDR_BITS   32
#define I386_STACK_TOP   ((GuestAddr)0xffffe000u)
#define I386_STACK_SIZE  (8u << 20)
/* Linux keeps at least 128 MiB between the stack and the mmap area (mmap_base()). */
#define I386_MMAP_TOP    ((I386_STACK_TOP - I386_STACK_SIZE - (128u << 20)) & ~(GuestAddr)0xfffff)

#define I386_AT_FDCWD    ((uint64_t)(uint32_t)-100)

static const uint64_t i386_auxv_arch[] = {
    /* AT_MINSIGSTKSZ: the largest frame signal.c builds. */
    51, I386_SIGFRAME_MAX,
};

static inline X86Cpu *x86(GuestCpu *cpu)
{
    return (X86Cpu *)cpu;
}

static void i386_get_syscall(const GuestCpu *cpu, uint64_t *nr, uint64_t args[6])
{
    const X86Cpu *c = (const X86Cpu *)cpu;
    static const int order[6] = { X86_RBX, X86_RCX, X86_RDX, X86_RSI, X86_RDI, X86_RBP };
    *nr = (uint32_t)c->regs[X86_RAX];
    for (int i = 0; i < 6; i++) {
        args[i] = (uint32_t)c->regs[order[i]];
    }
}

static void i386_set_result(GuestCpu *cpu, int64_t ret)
{
    x86(cpu)->regs[X86_RAX] = (uint32_t)ret;
}

static GuestAddr i386_get_sp(const GuestCpu *cpu)
{
    return (uint32_t)((const X86Cpu *)cpu)->regs[X86_RSP];
}

/*
 * start_thread() and ELF_PLAT_INIT (arch/x86/include/asm/elf.h): every general register
 * zero (edx = 0: no rtld_fini for _start), esp = sp.
 */
static void i386_start(GuestCpu *cpu, GuestAddr pc, GuestAddr sp)
{
    X86Cpu *c = x86(cpu);
    for (int i = 0; i < 16; i++) {
        c->regs[i] = 0;
    }
    c->regs[X86_RSP] = (uint32_t)sp;
    cpu->pc = pc;
}

/* i386 selects CONFIG_CLONE_BACKWARDS: clone(flags, newsp, ptid, tls, ctid). */
static void i386_clone_args(const uint64_t a[6], uint64_t *flags, GuestAddr *newsp, GuestAddr *ptid,
                            GuestAddr *ctid, uint64_t *tls)
{
    *flags = (uint32_t)a[0];
    *newsp = a[1];
    *ptid = a[2];
    *tls = a[3];
    *ctid = a[4];
}

/* copy_thread(): esp = newsp, eax = 0; CLONE_SETTLS: tls points at a user_desc for the child. */
static void i386_clone_child(GuestCpu *cpu, GuestAddr newsp, bool set_tls, uint64_t tls)
{
    X86Cpu *c = x86(cpu);
    if (newsp) {
        c->regs[X86_RSP] = (uint32_t)newsp;
    }
    if (set_tls) {
        /* The parent checked nothing: a bad descriptor leaves the child's TLS as it was. */
        x86_set_thread_area(user_proc, c, tls);
    }
    c->regs[X86_RAX] = 0;
}

/* --- Syscall numbering and arguments --- */

static X86SyscallMap i386_map[I386_NR_COUNT];

static void i386_build_map(void)
{
    for (int i = 0; i < I386_NR_COUNT; i++) {
        i386_map[i].generic = -1;
    }
#define I386_MAP(iname, gname, kind) \
    i386_map[I386_NR_##iname] = (X86SyscallMap){ .generic = USER_NR_##gname, .legacy = X86_LEGACY_##kind };
#include "platform/linux-user/i386/syscall_map.def"
#undef I386_MAP
}

/* A 64-bit value from a register pair, the low word in the lower-numbered argument. */
static uint64_t pair(const uint64_t a[6], int lo)
{
    return (uint64_t)(uint32_t)a[lo + 1] << 32 | (uint32_t)a[lo];
}

/*
 * Rewrite a[] into the generic convention of the call it maps to, as the compat
 * wrappers do (arch/x86/kernel/sys_ia32.c, fs/read_write.c): 64-bit offsets from
 * register pairs, 32-bit `long` offsets sign-extended, then the legacy rewrites.
 */
static int i386_map_syscall(uint64_t nr, uint64_t a[6])
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, (GThreadFunc)(void (*)(void))i386_build_map, NULL);
    if (nr >= I386_NR_COUNT) {
        return -1;
    }
    switch (nr) {
    case I386_NR_lseek:                 /* off_t is a 32-bit long */
    case I386_NR_truncate:
    case I386_NR_ftruncate:
        a[1] = user_sext32(a[1]);
        break;
    case I386_NR_pread64:               /* fd, buf, count, pos_lo, pos_hi */
    case I386_NR_pwrite64:
        a[3] = pair(a, 3);
        break;
    case I386_NR_readahead:             /* fd, off_lo, off_hi, count */
        a[1] = pair(a, 1);
        a[2] = a[3];
        break;
    case I386_NR_truncate64:            /* path or fd, len_lo, len_hi */
    case I386_NR_ftruncate64:
        a[1] = pair(a, 1);
        break;
    case I386_NR_fadvise64:             /* fd, off_lo, off_hi, len (32-bit), advice */
        a[1] = pair(a, 1);
        a[2] = a[3];
        a[3] = a[4];
        break;
    case I386_NR_fadvise64_64: {        /* fd, off_lo, off_hi, len_lo, len_hi, advice */
        uint64_t advice = a[5];
        a[1] = pair(a, 1);
        a[2] = pair(a, 3);
        a[3] = advice;
        break;
    }
    case I386_NR_sync_file_range: {     /* fd, off_lo, off_hi, n_lo, n_hi, flags */
        uint64_t flags = a[5];
        a[1] = pair(a, 1);
        a[2] = pair(a, 3);
        a[3] = flags;
        break;
    }
    case I386_NR_fallocate:             /* fd, mode, off_lo, off_hi, len_lo, len_hi */
        a[2] = pair(a, 2);
        a[3] = pair(a, 4);
        break;
    case I386_NR_preadv:                /* fd, vec, vlen, pos_lo, pos_hi */
    case I386_NR_pwritev:
    case I386_NR_preadv2:
    case I386_NR_pwritev2:
        a[3] = pair(a, 3);
        a[4] = a[5];
        break;
    case I386_NR_mmap2:                 /* the offset in 4096-byte units */
        a[5] = (uint64_t)(uint32_t)a[5] << 12;
        break;
    case I386_NR_statfs64:              /* path or fd, size, buf: the size is checked by the row */
    case I386_NR_fstatfs64:
        break;
    default:
        break;
    }
    return x86_legacy_rewrite(&i386_map[nr], a, I386_AT_FDCWD);
}

/* --- i386-only syscalls --- */

/* _llseek(fd, off_hi, off_lo, loff_t *result, whence) (fs/read_write.c). */
static int64_t i386_llseek(UserProc *p, const uint64_t a[6])
{
    int64_t off = (int64_t)((uint64_t)(uint32_t)a[1] << 32 | (uint32_t)a[2]);
    off_t r = lseek((int)a[0], off, (int)a[4]);
    if (r < 0) {
        return user_errno();
    }
    return user_write_uint(p, a[3], 8, (uint64_t)r);
}

/* mmap(struct mmap_arg_struct *): six 32-bit words, the offset in bytes (old_mmap). */
static int64_t i386_old_mmap(UserProc *p, const uint64_t a[6])
{
    uint8_t b[24];
    uint64_t args[6];
    uint32_t flags;
    if (user_copy_from(&p->mem, b, a[0], sizeof(b)) < 0) {
        return -EFAULT;
    }
    for (int i = 0; i < 6; i++) {
        args[i] = x86_get32(b + 4 * i);
    }
    if (args[5] & ~USER_PAGE_MASK) {
        return -EINVAL;
    }
    return user_syscall_generic(p, USER_NR_mmap, args, &flags);
}

static bool i386_arch_syscall(UserProc *p, uint64_t nr, const uint64_t a[6], int64_t *ret)
{
    X86Cpu *cpu = (X86Cpu *)user_self->cpu;
    switch (nr) {
    case I386_NR_set_thread_area:
        *ret = x86_set_thread_area(p, cpu, a[0]);
        return true;
    case I386_NR_get_thread_area:
        *ret = x86_get_thread_area(p, cpu, a[0]);
        return true;
    case I386_NR_socketcall:
        *ret = i386_sys_socketcall(p, a);
        return true;
    case I386_NR_ipc:
        *ret = user32_sys_ipc(p, a);
        return true;
    case I386_NR__llseek:
        *ret = i386_llseek(p, a);
        return true;
    case I386_NR_mmap:
        *ret = i386_old_mmap(p, a);
        return true;
    case I386_NR_time:
        *ret = i386_sys_time(p, a);
        return true;
    case I386_NR_sendfile:
        *ret = i386_sys_sendfile32(p, a);
        return true;
    case I386_NR_poll:
        *ret = x86_sys_poll(p, a);
        return true;
    case I386_NR_dup2:
        return x86_dup2_same(a, ret);
    case I386_NR_alarm:
        /* The host process's timer: its SIGALRM reaches the guest like any other. */
        *ret = alarm((unsigned)a[0]);
        return true;
    case I386_NR_pause:
        *ret = user_safe_syscall6(p, SYS_pause, 0, 0, 0, 0, 0, 0);
        return true;
    case I386_NR_sigreturn:
        if (!i386_restore_frame(p)) {
            user_signal_raise_sync(p, SIGSEGV, SI_KERNEL, 0);
        }
        *ret = USER_SYSRET_NORETURN;
        return true;
    default:
        return false;
    }
}

static const char *i386_arch_syscall_name(uint64_t nr)
{
    switch (nr) {
#define I386_NR(n, name) case n: return #name;
#include "platform/linux-user/i386/syscall_nr.def"
#undef I386_NR
    default:
        return NULL;
    }
}

static uint64_t i386_hwcap(void)
{
    return x86_user_hwcap(32);
}

static void i386_cpuinfo(GString *out, unsigned ncpus)
{
    x86_user_cpuinfo(out, ncpus, 32);
}

/* popl %eax; movl $119, %eax; int $0x80 (sigreturn), then movl $173, %eax; int $0x80. */
static const uint8_t i386_sigreturn_code[] = {
    0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80,
    0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80,
};

static const UserSyscallRow *const i386_rows[] = { i386_sys_rows, user32_ipc_rows, user32_msg_rows,
                                                     user32_rows, user32_poll_rows, NULL };

const UserArchAbi user_abi_i386 = {
    .name = "i386",
    .arch = &i386_arch,
    .elf_machine = EM_386,
    .uname_machine = "i686",
    .default_sysroot = "/usr/i686-linux-gnu",
    .platform = "i686",
    .addr_bits = I386_ADDR_BITS,
    .stack_top = I386_STACK_TOP,
    .stack_size = I386_STACK_SIZE,
    .mmap_min = 0x10000,
    .mmap_top = I386_MMAP_TOP,
    .et_dyn_base = 0x400000u,
    .hwcap_fn = i386_hwcap,
    .hwcap2 = 0,
    .word_size = 4,
    .syscall_insn_len = 2,
    .nr_to_generic = NULL,
    .map_syscall = i386_map_syscall,
    .layout_generic64 = false,
    .ipc32 = &user_ipc32_i386,
    .statfs64_size = 84,
    .rows = i386_rows,
    .auxv_arch = i386_auxv_arch,
    .n_auxv_arch = G_N_ELEMENTS(i386_auxv_arch) / 2,
    .raise_exception = x86_raise_exception,
    .emulate_illegal = x86_emulate_illegal,
    .get_syscall = i386_get_syscall,
    .set_result = i386_set_result,
    .get_sp = i386_get_sp,
    .start = i386_start,
    .clone_args = i386_clone_args,
    .clone_child = i386_clone_child,
    .arch_syscall = i386_arch_syscall,
    .arch_syscall_name = i386_arch_syscall_name,
    .cpuinfo = i386_cpuinfo,
    .sigreturn_code = i386_sigreturn_code,
    .sigreturn_len = sizeof(i386_sigreturn_code),
    .setup_frame = i386_setup_frame,
    .restore_frame = i386_restore_rt_frame,
    .stat_size = I386_STAT64_SIZE,
    .put_stat = i386_put_stat64,
    .sigaction_size = I386_SIGACTION_SIZE,
    .get_sigaction = i386_get_sigaction,
    .put_sigaction = i386_put_sigaction,
    .epoll_packed = true,
};
