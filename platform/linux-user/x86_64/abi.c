/*
 * The x86-64 Linux ABI as linux-user needs it:
 *   - syscalls: `syscall` with the number in rax and arguments in rdi, rsi, rdx, r10,
 *     r8, r9; the result in rax, rcx = the return address and r11 = rflags
 *     (arch/x86/entry/entry_64.S);
 *   - the syscall table (arch/x86/entry/syscalls/syscall_64.tbl) mapped onto the
 *     asm-generic numbering, legacy calls through x86/legacy.c;
 *   - arch_prctl for the fs and gs bases (glibc's TLS is fs-based);
 *   - struct layouts: the host's own, since host and guest are both x86-64 (stat is
 *     the host's struct stat, epoll_event is packed, sigaction carries sa_restorer).
 * The guest address space is smaller than the 47 bits of a real process: mimic keeps
 * the whole guest range reserved inside its own (ExecMemModel: host = base + guest
 * address), so X64_ADDR_BITS bits, 1 TiB; a program that insists on a fixed address
 * above that gets ENOMEM from mmap, and an ELF image placed there is refused at load.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <elf.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/x86_64/x86_64_user.h"

#define X64_ADDR_BITS   40
#define X64_STACK_TOP   ((GuestAddr)1 << X64_ADDR_BITS)
#define X64_STACK_SIZE  (8u << 20)
#define X64_MMAP_TOP    (X64_STACK_TOP - X64_STACK_SIZE - (128u << 20))
#define X64_AT_FDCWD    ((uint64_t)(int64_t)-100)
/* Not a syscall number: what x64_get_syscall reports for int $0x80. */
#define X64_NR_INT80    ((uint64_t)1 << 32)

static const uint64_t x64_auxv_arch[] = {
    /* AT_MINSIGSTKSZ: the largest frame signal.c builds. */
    51, X64_SIGFRAME_MAX,
};

static void x64_get_syscall(const GuestCpu *cpu, uint64_t *nr, uint64_t args[6])
{
    const X86Cpu *c = (const X86Cpu *)cpu;
    static const int order[6] = { X86_RDI, X86_RSI, X86_RDX, X86_R10, X86_R8, X86_R9 };
    /* int $0x80 in a 64-bit process is the i386 ABI: x64_arch_syscall refuses it. */
    *nr = cpu->exit_code == 0 ? c->regs[X86_RAX] : X64_NR_INT80;
    for (int i = 0; i < 6; i++) {
        args[i] = c->regs[order[i]];
    }
}

/* The kernel returns through sysret: rcx = the next rip, r11 = rflags. */
static void x64_set_result(GuestCpu *cpu, int64_t ret)
{
    X86Cpu *c = (X86Cpu *)cpu;
    c->regs[X86_RAX] = (uint64_t)ret;
    if (cpu->exit_code == 0) {
        c->regs[X86_RCX] = cpu->pc + 2;
        c->regs[X86_R11] = x86_get_eflags(c);
    }
}

static GuestAddr x64_get_sp(const GuestCpu *cpu)
{
    return ((const X86Cpu *)cpu)->regs[X86_RSP];
}

/* start_thread() and ELF_PLAT_INIT: every general register zero (rdx = 0: no rtld_fini). */
static void x64_start(GuestCpu *cpu, GuestAddr pc, GuestAddr sp)
{
    X86Cpu *c = (X86Cpu *)cpu;
    for (int i = 0; i < 16; i++) {
        c->regs[i] = 0;
    }
    c->regs[X86_RSP] = sp;
    cpu->pc = pc;
}

/* x86-64 has the generic order: clone(flags, newsp, ptid, ctid, tls). */
static void x64_clone_args(const uint64_t a[6], uint64_t *flags, GuestAddr *newsp, GuestAddr *ptid,
                           GuestAddr *ctid, uint64_t *tls)
{
    *flags = a[0];
    *newsp = a[1];
    *ptid = a[2];
    *ctid = a[3];
    *tls = a[4];
}

/* copy_thread(): rsp = newsp, rax = 0; CLONE_SETTLS sets the fs base. */
static void x64_clone_child(GuestCpu *cpu, GuestAddr newsp, bool set_tls, uint64_t tls)
{
    X86Cpu *c = (X86Cpu *)cpu;
    if (newsp) {
        c->regs[X86_RSP] = newsp;
    }
    if (set_tls) {
        c->fs_base = tls;
    }
    c->regs[X86_RAX] = 0;
}

/* --- Syscall numbering --- */

static X86SyscallMap x64_map[X64_NR_COUNT];

static void x64_build_map(void)
{
    for (int i = 0; i < X64_NR_COUNT; i++) {
        x64_map[i].generic = -1;
    }
#define X64_MAP(xname, gname, kind) \
    x64_map[X64_NR_##xname] = (X86SyscallMap){ .generic = USER_NR_##gname, .legacy = X86_LEGACY_##kind };
#include "platform/linux-user/x86_64/syscall_map.def"
#undef X64_MAP
}

static int x64_map_syscall(uint64_t nr, uint64_t a[6])
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, (GThreadFunc)(void (*)(void))x64_build_map, NULL);
    if (nr >= X64_NR_COUNT) {
        return -1;
    }
    return x86_legacy_rewrite(&x64_map[nr], a, X64_AT_FDCWD);
}

/* --- x86-64-only syscalls --- */

/* arch_prctl(code, addr) (arch/x86/kernel/process_64.c, do_arch_prctl_64). */
static int64_t x64_arch_prctl(UserProc *p, X86Cpu *c, const uint64_t a[6])
{
    switch (a[0]) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        /* A base must be a canonical user address (TASK_SIZE_MAX). */
        if (a[1] >= ((uint64_t)1 << 47) - 4096) {
            return -EPERM;
        }
        if (a[0] == ARCH_SET_FS) {
            c->fs = 0;
            c->fs_base = a[1];
        } else {
            c->gs = 0;
            c->gs_base = a[1];
        }
        return 0;
    case ARCH_GET_FS:
        return user_write_uint(p, a[1], 8, c->fs_base);
    case ARCH_GET_GS:
        return user_write_uint(p, a[1], 8, c->gs_base);
    case ARCH_GET_CPUID:
        return 1;       /* cpuid does not fault */
    case ARCH_SET_CPUID:
        return -ENODEV; /* no CPUID faulting */
    default:
        return -EINVAL;
    }
}

/* select(n, in, out, ex, struct timeval *): host layout, the host's select. */
static int64_t x64_select(UserProc *p, const uint64_t a[6])
{
    void *sets[3], *tv;
    int n = (int)a[0];
    if (n < 0) {
        return -EINVAL;
    }
    size_t setsize = ((size_t)MIN(n, 1 << 20) + 63) / 64 * 8;
    for (int i = 0; i < 3; i++) {
        if (user_arg_wbuf(p, a[1 + i], setsize, &sets[i]) < 0) {
            return -EFAULT;
        }
    }
    if (user_arg_wbuf(p, a[4], 16, &tv) < 0) {
        return -EFAULT;
    }
    return user_safe_syscall6(p, SYS_select, n, sets[0], sets[1], sets[2], tv, 0);
}

static bool x64_arch_syscall(UserProc *p, uint64_t nr, const uint64_t a[6], int64_t *ret)
{
    X86Cpu *c = (X86Cpu *)user_self->cpu;
    static volatile int warned_int80;
    switch (nr) {
    case X64_NR_INT80:
        if (!__atomic_exchange_n(&warned_int80, 1, __ATOMIC_RELAXED)) {
            fprintf(stderr, "mimic: unsupported: int $0x80 (the i386 syscall ABI) in an x86-64 process\n");
        }
        *ret = -ENOSYS;
        return true;
    case X64_NR_arch_prctl:
        *ret = x64_arch_prctl(p, c, a);
        return true;
    case X64_NR_poll:
        *ret = x86_sys_poll(p, a);
        return true;
    case X64_NR_dup2:
        return x86_dup2_same(a, ret);
    case X64_NR_select:
        *ret = x64_select(p, a);
        return true;
    case X64_NR_alarm:
        *ret = alarm((unsigned)a[0]);
        return true;
    case X64_NR_pause:
        *ret = user_safe_syscall6(p, SYS_pause, 0, 0, 0, 0, 0, 0);
        return true;
    case X64_NR_time: {
        time_t t = time(NULL);
        *ret = a[0] && user_write_uint(p, a[0], 8, (uint64_t)t) < 0 ? -EFAULT : t;
        return true;
    }
    default:
        return false;
    }
}

static const char *x64_arch_syscall_name(uint64_t nr)
{
    switch (nr) {
#define X64_NR(n, name) case n: return #name;
#include "platform/linux-user/x86_64/syscall_nr.def"
#undef X64_NR
    default:
        return NULL;
    }
}

static uint64_t x64_hwcap(void)
{
    return x86_user_hwcap(64);
}

static void x64_cpuinfo(GString *out, unsigned ncpus)
{
    x86_user_cpuinfo(out, ncpus, 64);
}

/* struct stat of the guest = the host's. */
static void x64_put_stat(uint8_t *dst, const struct stat *st)
{
    memcpy(dst, st, sizeof(*st));
}

/* struct sigaction (kernel): handler, flags, restorer, mask; 8 bytes each. */
static void x64_get_sigaction(const uint8_t *s, UserSigAction *act)
{
    act->handler = x86_get64(s);
    act->flags = x86_get64(s + 8);
    act->restorer = x86_get64(s + 16);
    act->mask = x86_get64(s + 24);
}

static void x64_put_sigaction(uint8_t *d, const UserSigAction *act)
{
    x86_put64(d, act->handler);
    x86_put64(d + 8, act->flags);
    x86_put64(d + 16, act->restorer);
    x86_put64(d + 24, act->mask);
}

/* mov $15, %eax (rt_sigreturn); syscall -- for handlers installed without SA_RESTORER. */
static const uint8_t x64_sigreturn_code[] = { 0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05 };

const UserArchAbi user_abi_x86_64 = {
    .name = "x86_64",
    .arch = &x86_64_arch,
    .elf_machine = EM_X86_64,
    .uname_machine = "x86_64",
    .default_sysroot = NULL,
    .platform = "x86_64",
    .addr_bits = X64_ADDR_BITS,
    .stack_top = X64_STACK_TOP,
    .stack_size = X64_STACK_SIZE,
    .mmap_min = 0x10000,
    .mmap_top = X64_MMAP_TOP,
    /* ELF_ET_DYN_BASE = DEFAULT_MAP_WINDOW / 3 * 2, for our smaller window. */
    .et_dyn_base = (X64_STACK_TOP / 3 * 2) & ~(GuestAddr)0xfff,
    .hwcap_fn = x64_hwcap,
    .hwcap2 = 0,
    .word_size = 8,
    .syscall_insn_len = 2,
    .nr_to_generic = NULL,
    .map_syscall = x64_map_syscall,
    .layout_generic64 = true,
    .auxv_arch = x64_auxv_arch,
    .n_auxv_arch = G_N_ELEMENTS(x64_auxv_arch) / 2,
    .raise_exception = x86_raise_exception,
    .emulate_illegal = x86_emulate_illegal,
    .get_syscall = x64_get_syscall,
    .set_result = x64_set_result,
    .get_sp = x64_get_sp,
    .start = x64_start,
    .clone_args = x64_clone_args,
    .clone_child = x64_clone_child,
    .arch_syscall = x64_arch_syscall,
    .arch_syscall_name = x64_arch_syscall_name,
    .cpuinfo = x64_cpuinfo,
    .sigreturn_code = x64_sigreturn_code,
    .sigreturn_len = sizeof(x64_sigreturn_code),
    .setup_frame = x64_setup_frame,
    .restore_frame = x64_restore_frame,
    .stat_size = sizeof(struct stat),
    .put_stat = x64_put_stat,
    .sigaction_size = 32,
    .get_sigaction = x64_get_sigaction,
    .put_sigaction = x64_put_sigaction,
    .epoll_packed = true,
};
