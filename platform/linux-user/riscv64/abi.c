/*
 * The riscv64 Linux ABI as linux-user needs it: registers of the syscall
 * convention (number in a7, arguments a0..a5, result in a0), the address-space
 * layout of an sv39 process (user half = 2^38 bytes), HWCAP bits, and the struct
 * layouts, which are asm-generic 64-bit.  Signal frames are in signal.c.
 */
#include <elf.h>
#include <sys/mman.h>

#include "frontend/riscv/cpu.h"
#include "platform/linux-user/riscv64/rv_user.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

#define RV_ADDR_BITS   38
#define RV_STACK_TOP   ((GuestAddr)1 << RV_ADDR_BITS)
#define RV_STACK_SIZE  (8u << 20)
/* Linux keeps at least 128 MiB between the stack and the mmap area. */
#define RV_MMAP_TOP    (RV_STACK_TOP - RV_STACK_SIZE - (128u << 20))

/* HWCAP: one bit per single-letter extension, bit (letter - 'a'). */
#define RV_HWCAP(c) (1ul << ((c) - 'a'))

/* riscv-specific syscalls (arch/riscv/include/uapi/asm/unistd.h). */
#define RV_NR_riscv_hwprobe      258
#define RV_NR_riscv_flush_icache 259

static void rv_get_syscall(const GuestCpu *cpu, uint64_t *nr, uint64_t args[6])
{
    const RvCpu *rv = (const RvCpu *)cpu;
    *nr = rv->x[17];
    for (int i = 0; i < 6; i++) {
        args[i] = rv->x[10 + i];
    }
}

static void rv_set_result(GuestCpu *cpu, int64_t ret)
{
    ((RvCpu *)cpu)->x[10] = ret;
}

static GuestAddr rv_get_sp(const GuestCpu *cpu)
{
    return ((const RvCpu *)cpu)->x[2];
}

static void rv_start(GuestCpu *cpu, GuestAddr pc, GuestAddr sp)
{
    RvCpu *rv = (RvCpu *)cpu;
    /* ELF_PLAT_INIT: every register zero except sp; a0 = 0 means no rtld_fini. */
    for (int i = 1; i < 32; i++) {
        rv->x[i] = 0;
    }
    rv->x[2] = sp;
    cpu->pc = pc;
}

/* riscv selects CONFIG_CLONE_BACKWARDS: clone(flags, newsp, ptid, tls, ctid). */
static void rv_clone_args(const uint64_t a[6], uint64_t *flags, GuestAddr *newsp, GuestAddr *ptid,
                          GuestAddr *ctid, uint64_t *tls)
{
    *flags = a[0];
    *newsp = a[1];
    *ptid = a[2];
    *tls = a[3];
    *ctid = a[4];
}

static void rv_clone_child(GuestCpu *cpu, GuestAddr newsp, bool set_tls, uint64_t tls)
{
    RvCpu *rv = (RvCpu *)cpu;
    if (newsp) {
        rv->x[2] = newsp;
    }
    if (set_tls) {
        rv->x[4] = tls;
    }
    rv->x[10] = 0;
}

static bool rv_arch_syscall(UserProc *p, uint64_t nr, const uint64_t a[6], int64_t *ret)
{
    switch (nr) {
    case RV_NR_riscv_hwprobe:
        /* glibc falls back to AT_HWCAP when the kernel does not know hwprobe. */
        *ret = -ENOSYS;
        return true;
    case RV_NR_riscv_flush_icache:
        /* Code writes are caught by page watching; dropping the range is cheap and safe. */
        if (a[1] > a[0] && user_mem_in_range(&p->mem, a[0], a[1] - a[0])) {
            user_invalidate(p, a[0], a[1] - a[0]);
        }
        *ret = 0;
        return true;
    default:
        return false;
    }
}

static const char *rv_arch_syscall_name(uint64_t nr)
{
    switch (nr) {
    case RV_NR_riscv_hwprobe:
        return "riscv_hwprobe";
    case RV_NR_riscv_flush_icache:
        return "riscv_flush_icache";
    default:
        return NULL;
    }
}

/*
 * /proc/cpuinfo in the format of arch/riscv/kernel/cpu.c (show_cpuinfo), with the
 * extensions the frontend implements, in the kernel's order (single letters, then Z*).
 */
static void rv_cpuinfo(GString *out, unsigned ncpus)
{
    for (unsigned i = 0; i < ncpus; i++) {
        g_string_append_printf(out,
                               "processor\t: %u\nhart\t\t: %u\n"
                               "isa\t\t: rv64imafdc_zicsr_zifencei_zba_zbb_zbc_zbs\n"
                               "mmu\t\t: sv39\nmvendorid\t: 0x0\nmarchid\t\t: 0x0\n"
                               "mimpid\t\t: 0x0\n\n", i, i);
    }
}

/* li a7, 139 (rt_sigreturn); ecall */
static const uint8_t rv_sigreturn_code[] = {
    0x93, 0x08, 0xb0, 0x08,
    0x73, 0x00, 0x00, 0x00,
};

const UserArchAbi user_abi_riscv64 = {
    .name = "riscv64",
    .arch = &rv64_arch,
    .elf_machine = EM_RISCV,
    .uname_machine = "riscv64",
    .default_sysroot = "/usr/riscv64-linux-gnu",
    .platform = NULL,
    .addr_bits = RV_ADDR_BITS,
    .stack_top = RV_STACK_TOP,
    .stack_size = RV_STACK_SIZE,
    .mmap_min = 0x10000,
    .mmap_top = RV_MMAP_TOP,
    /* ELF_ET_DYN_BASE = DEFAULT_MAP_WINDOW / 3 * 2, page aligned. */
    .et_dyn_base = (RV_STACK_TOP / 3 * 2) & ~(GuestAddr)0xfff,
    .hwcap = RV_HWCAP('i') | RV_HWCAP('m') | RV_HWCAP('a') | RV_HWCAP('f') | RV_HWCAP('d') |
             RV_HWCAP('c'),
    .hwcap2 = 0,
    .word_size = 8,
    .syscall_insn_len = 4,
    .nr_to_generic = NULL,
    .layout_generic64 = true,
    .get_syscall = rv_get_syscall,
    .set_result = rv_set_result,
    .get_sp = rv_get_sp,
    .start = rv_start,
    .clone_args = rv_clone_args,
    .clone_child = rv_clone_child,
    .arch_syscall = rv_arch_syscall,
    .cpuinfo = rv_cpuinfo,
    .arch_syscall_name = rv_arch_syscall_name,
    .sigreturn_code = rv_sigreturn_code,
    .sigreturn_len = sizeof(rv_sigreturn_code),
    .setup_frame = rv_setup_frame,
    .restore_frame = rv_restore_frame,
    .stat_size = USER_GENERIC64_STAT_SIZE,
    .put_stat = user_put_stat_generic64,
    .sigaction_size = USER_GENERIC64_SIGACTION_SIZE,
    .get_sigaction = user_get_sigaction_generic64,
    .put_sigaction = user_put_sigaction_generic64,
    .epoll_packed = false,
};
