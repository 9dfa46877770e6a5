/*
 * linux-user internals shared by its files: the process state (UserProc), the
 * guest memory map (user_mem.c), the ELF loader (user_elf.c), the syscall table
 * (user_syscall.c and user_sys_*.c), signals (user_signal.c) and the per-guest
 * ABI description (UserArchAbi, one per folder such as riscv64/).
 *
 * Nothing here may touch host memory outside the guest's reserved range on the
 * guest's behalf: every guest pointer goes through user_mem_* checks first.
 */
#ifndef MIMIC_USER_INTERNAL_H
#define MIMIC_USER_INTERNAL_H

#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "exec/exec.h"
#include "frontend/guest.h"
#include "platform/linux-user/user.h"

#define USER_PAGE_SIZE  4096u
#define USER_PAGE_MASK  (~(GuestAddr)(USER_PAGE_SIZE - 1))
#define USER_PAGE_ALIGN(x) (((x) + USER_PAGE_SIZE - 1) & USER_PAGE_MASK)
/*
 * Unmapped host gaps after and before the guest range: fixed-size kernel writes near the
 * top stay inside, and the JIT's accesses at base + displacement (|displacement| < 1 MiB,
 * range check on the base only) fault on the host instead of reaching other memory.
 */
#define USER_GUARD_SIZE (16u << 20)

GQuark user_error_quark(void);
#define USER_ERROR user_error_quark()

/* --- Guest memory map (user_mem.c) --- */

/* Guest VMA flags (ours, not the mmap flags). */
#define USER_VMA_SHARED   (1u << 0)
#define USER_VMA_ANON     (1u << 1)
#define USER_VMA_STACK    (1u << 2)
#define USER_VMA_HEAP     (1u << 3)
#define USER_VMA_SYSV     (1u << 4)   /* a System V shared memory attachment (shmat) */

typedef struct UserVma {
    GuestAddr start;
    GuestAddr end;              /* exclusive, page aligned */
    int prot;                   /* PROT_READ/WRITE/EXEC as the guest asked */
    uint32_t flags;             /* USER_VMA_* */
    const char *name;           /* interned (g_intern_string), or NULL */
} UserVma;

#define USER_DIRTY_MAX 64

/* UserMem.page_prot: the guest's PROT_READ/WRITE/EXEC of a page, and whether it is mapped. */
#define USER_PAGE_MAPPED 0x80

/*
 * Threads: the VMA list and the brk fields change only under `lock` (taken by the memory
 * syscalls and /proc/self/maps).  Everything that must not wait for them -- the checks of
 * guest pointers in every syscall, code fetches by the translator, the host fault handler
 * -- reads page_prot instead, one byte per guest page, written under `lock` too.  The
 * watched bitmap and the dirty list are guarded by a spinlock that the SIGSEGV handler
 * can take (the faulting thread never holds it: it runs guest code when it faults).
 */
typedef struct UserMem {
    GMutex lock;
    uint8_t *page_prot;         /* one byte per guest page (2^addr_bits / 4096 bytes, sparse) */
    volatile int watch_spin;
    uint8_t *base;              /* host address of guest address 0 */
    unsigned addr_bits;
    uint64_t size;              /* 2^addr_bits */
    GArray *vmas;               /* UserVma, sorted by start, never overlapping */
    GuestAddr mmap_min;         /* lowest address mmap(NULL) hands out */
    GuestAddr mmap_top;         /* top-down search starts below this */
    GuestAddr brk_start;        /* first byte of the heap */
    GuestAddr brk;              /* current break */
    GuestAddr brk_mapped;       /* end of the heap pages actually mapped */

    /*
     * Self-modifying code: one bit per guest page whose host page we made read-only
     * because translated blocks came from it.  Read by the SIGSEGV handler, hence a
     * plain bitmap rather than a hash table.
     */
    unsigned long *watched;
    uint64_t n_watched;
    /* Pages found written (the SIGSEGV handler, kernel writes); the exec loop invalidates them. */
    GuestAddr dirty[USER_DIRTY_MAX];
    volatile int n_dirty;
    volatile int dirty_overflow;
} UserMem;

bool user_mem_init(UserMem *m, unsigned addr_bits, GError **error);
void user_mem_fini(UserMem *m);

static inline void *user_g2h(const UserMem *m, GuestAddr addr)
{
    return m->base + addr;
}

/* [addr, addr+len) lies inside the guest range (no VMA check). */
static inline bool user_mem_in_range(const UserMem *m, GuestAddr addr, uint64_t len)
{
    return addr <= m->size && len <= m->size - addr;
}

/* The VMA holding addr, or NULL.  Caller holds m->lock (or is the only thread). */
const UserVma *user_mem_find(const UserMem *m, GuestAddr addr);
/* Guest protection of the page holding addr: PROT_* | USER_PAGE_MAPPED, 0 if unmapped.  No lock. */
static inline int user_mem_page_prot(const UserMem *m, GuestAddr addr)
{
    return addr < m->size ? __atomic_load_n(&m->page_prot[addr / USER_PAGE_SIZE], __ATOMIC_RELAXED) : 0;
}
/* Every byte of [addr, addr+len) is mapped with at least `prot`.  No lock. */
bool user_mem_check(const UserMem *m, GuestAddr addr, uint64_t len, int prot);
/* Lowest free hole of len bytes at or above hint (0: top-down below mmap_top); 0 = none. */
GuestAddr user_mem_find_free(const UserMem *m, uint64_t len, GuestAddr hint, uint64_t align);
bool user_mem_is_free(const UserMem *m, GuestAddr addr, uint64_t len);
/* Does any VMA in the range allow exec (so translations may exist)?  Under UserMem.lock. */
bool user_mem_range_has_exec(const UserMem *m, GuestAddr addr, uint64_t len);
/* The caller has put a mapping at [addr, addr+len) on the host itself (shmat): record it. */
void user_mem_record(UserMem *m, GuestAddr addr, uint64_t len, int prot, uint32_t vflags, const char *name);

/*
 * Map [addr, addr+len) (page aligned) replacing whatever was there: anonymous when
 * fd < 0, else from host fd at off.  Returns 0 or -errno.
 */
int user_mem_map(UserMem *m, GuestAddr addr, uint64_t len, int prot, uint32_t vflags,
                 int host_flags, int fd, off_t off, const char *name);
/* Return [addr, addr+len) to the reservation (PROT_NONE) and forget its VMAs. */
int user_mem_unmap(UserMem *m, GuestAddr addr, uint64_t len);
/* Change the protection of every page in the range; -ENOMEM if part is unmapped. */
int user_mem_protect(UserMem *m, GuestAddr addr, uint64_t len, int prot);
/* Host protection for a guest prot: exec needs read (code is fetched by copying). */
int user_mem_host_prot(int prot);
/* Record the VMA list change made by a successful host mremap. */
void user_mem_move_vmas(UserMem *m, GuestAddr old_addr, uint64_t old_len, GuestAddr new_addr,
                        uint64_t new_len);

/* Code-page watching (see user_main.c). */
bool user_mem_is_watched(const UserMem *m, GuestAddr page);
void user_mem_watch(UserMem *m, GuestAddr page);
void user_mem_unwatch(UserMem *m, GuestAddr page);
/* Unwatch and queue for invalidation every watched page in the range (kernel writes). */
void user_mem_unwatch_range_dirty(UserMem *m, GuestAddr addr, uint64_t len);
/*
 * From the SIGSEGV handler: a write faulted at page.  If the guest may write there, the
 * page was read-only only for watching: unwatch it, queue it as dirty and return true
 * (the store is retried).  Async-signal-safe.
 */
bool user_mem_write_fault(UserMem *m, GuestAddr page);
/* Take one queued dirty page (false when none); *overflow when pages were lost. */
bool user_mem_pop_dirty(UserMem *m, GuestAddr *page, bool *overflow);

/* Copies with full checks; 0 or -EFAULT. */
int user_copy_from(const UserMem *m, void *dst, GuestAddr src, size_t len);
int user_copy_to(UserMem *m, GuestAddr dst, const void *src, size_t len);
/* A NUL-terminated guest string of at most max bytes; NULL + *err (-EFAULT/-ENAMETOOLONG). */
char *user_strdup(const UserMem *m, GuestAddr addr, size_t max, int *err);

/* --- Per-guest ABI (riscv64/abi.c ...) --- */

typedef struct UserProc UserProc;
typedef struct UserSyscallRow UserSyscallRow;

/* A guest sigaction, in host form. */
typedef struct UserSigAction {
    GuestAddr handler;          /* 0 = SIG_DFL, 1 = SIG_IGN */
    uint64_t flags;
    GuestAddr restorer;
    uint64_t mask;              /* guest signal numbers 1..64 -> bits 0..63 */
} UserSigAction;

#define USER_SIG_DFL 0
#define USER_SIG_IGN 1

/* sa_flags bits: the same on every port linux-user supports (asm-generic, powerpc). */
#define USER_SA_NOCLDSTOP 0x00000001
#define USER_SA_SIGINFO   0x00000004
#define USER_SA_ONSTACK   0x08000000
#define USER_SA_RESTART   0x10000000
#define USER_SA_NODEFER   0x40000000
#define USER_SA_RESETHAND 0x80000000u
#define USER_MINSIGSTKSZ  2048

/* Guest siginfo: 128 bytes; for 64-bit asm-generic guests the host siginfo_t layout. */
typedef struct UserSigInfo {
    uint8_t bytes[128];
} UserSigInfo;

typedef struct UserArchAbi {
    const char *name;               /* "riscv64" */
    const GuestArch *arch;          /* the guest description: word size and byte order */
    uint16_t elf_machine;
    const char *uname_machine;      /* utsname.machine */
    const char *default_sysroot;    /* used when it exists and no -L / MIMIC_LD_PREFIX */
    const char *platform;           /* AT_PLATFORM, or NULL */
    unsigned addr_bits;             /* size of the guest range */
    GuestAddr stack_top;
    uint64_t stack_size;
    GuestAddr mmap_min;
    GuestAddr mmap_top;
    GuestAddr et_dyn_base;          /* ELF_ET_DYN_BASE */
    uint64_t hwcap;
    uint64_t hwcap2;
    /* AT_HWCAP computed at load time instead of hwcap (x86: the guest's CPUID), or NULL. */
    uint64_t (*hwcap_fn)(void);
    unsigned word_size;             /* 4 or 8: pointers in argv, auxv, iovec ... */
    unsigned syscall_insn_len;      /* pc advance after a syscall */

    /* Guest syscall number -> asm-generic number, or NULL when they are the same. */
    const int16_t *nr_to_generic;
    unsigned n_nr;
    /*
     * Instead of nr_to_generic, for ABIs whose arguments need more than renumbering:
     * the generic number of guest syscall nr with a[] rewritten into the generic
     * argument convention (64-bit values from register pairs, legacy calls as their
     * *at forms, the guest's flag bits as the host's); -1 when there is none.
     */
    int (*map_syscall)(uint64_t nr, uint64_t a[6]);
    /*
     * Struct layouts: true when every struct the kernel reads or writes is laid out as
     * asm-generic 64-bit little-endian, which the x86-64 host shares except where a
     * handler converts.  Rows flagged USER_SYS_LAYOUT64 are used only then; other ABIs
     * give their own rows (below) or get ENOSYS for them.
     */
    bool layout_generic64;
    /* 32-bit ABIs: where the System V *id64_ds fields sit (user_compat32_ipc.c). */
    const struct UserIpc32Layout *ipc32;
    /* 32-bit ABIs: sizeof(struct statfs64), which statfs64/fstatfs64 insist on (84: packed). */
    unsigned statfs64_size;
    /* Row tables of this ABI (generic numbering), NULL-terminated, tried before the shared ones. */
    const UserSyscallRow *const *rows;
    /* ARCH_DLINFO: auxv pairs placed before the common ones; n_auxv_arch pairs. */
    const uint64_t *auxv_arch;
    unsigned n_auxv_arch;
    /* GUEST_EXIT_EXCEPTION as this port's kernel reports it (x86: #GP is SIGSEGV); NULL: SIGILL. */
    void (*raise_exception)(UserProc *p, GuestCpu *cpu);
    /* An illegal instruction the kernel emulates for user code (ppc's mfspr PVR): true = done. */
    bool (*emulate_illegal)(UserProc *p, GuestCpu *cpu);

    void (*get_syscall)(const GuestCpu *cpu, uint64_t *nr, uint64_t args[6]);
    void (*set_result)(GuestCpu *cpu, int64_t ret);
    GuestAddr (*get_sp)(const GuestCpu *cpu);
    /* Registers at process start (sp, pc and whatever the ABI says is zero). */
    void (*start)(GuestCpu *cpu, GuestAddr pc, GuestAddr sp);
    /* clone argument order differs between ports (CONFIG_CLONE_BACKWARDS...). */
    void (*clone_args)(const uint64_t a[6], uint64_t *flags, GuestAddr *newsp, GuestAddr *ptid,
                       GuestAddr *ctid, uint64_t *tls);
    /* The child of a clone: sp (when newsp != 0), tls (CLONE_SETTLS), return value 0. */
    void (*clone_child)(GuestCpu *cpu, GuestAddr newsp, bool set_tls, uint64_t tls);
    /* Architecture-only syscalls; true when handled (result in *ret). */
    bool (*arch_syscall)(UserProc *p, uint64_t nr, const uint64_t a[6], int64_t *ret);
    /* prctl options only this port's kernel has (ppc's PR_SET_FPEXC); true when handled. */
    bool (*prctl)(UserProc *p, const uint64_t a[6], int64_t *ret);
    const char *(*arch_syscall_name)(uint64_t nr);

    /* Code of the sigreturn trampoline placed in a page of our own. */
    const uint8_t *sigreturn_code;
    unsigned sigreturn_len;
    /* Build the rt frame below sp and point the registers at the handler; false = no room. */
    bool (*setup_frame)(UserProc *p, int sig, const UserSigInfo *info, const UserSigAction *act,
                        GuestAddr sp, uint64_t old_mask);
    /* rt_sigreturn: restore registers, mask and altstack from the frame at sp. */
    bool (*restore_frame)(UserProc *p);

    /* Struct layouts that are not the host's. */
    size_t stat_size;
    void (*put_stat)(uint8_t *dst, const struct stat *st);
    size_t sigaction_size;
    void (*get_sigaction)(const uint8_t *src, UserSigAction *act);
    void (*put_sigaction)(uint8_t *dst, const UserSigAction *act);
    bool epoll_packed;              /* struct epoll_event packed (x86-64 only) */
    /* /proc/cpuinfo as the guest's kernel would write it for ncpus CPUs; NULL: the host's. */
    void (*cpuinfo)(GString *out, unsigned ncpus);
} UserArchAbi;

const UserArchAbi *user_abi_for_arch(const GuestArch *arch);
extern const UserArchAbi user_abi_riscv64;
extern const UserArchAbi user_abi_ppc32;
extern const UserArchAbi user_abi_i386;
extern const UserArchAbi user_abi_x86_64;

/* --- Guest-order integers (byte order from the guest description) --- */

static inline void user_put_uint(bool be, uint8_t *dst, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        dst[i] = v >> (be ? 8 * (size - 1 - i) : 8 * i);
    }
}

static inline uint64_t user_get_uint(bool be, const uint8_t *src, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)src[i] << (be ? 8 * (size - 1 - i) : 8 * i);
    }
    return v;
}

/* asm-generic 64-bit struct layouts (user_struct.c), shared by 64-bit ports. */
#define USER_GENERIC64_STAT_SIZE 128
void user_put_stat_generic64(uint8_t *dst, const struct stat *st);
#define USER_GENERIC64_SIGACTION_SIZE 24
void user_get_sigaction_generic64(const uint8_t *src, UserSigAction *act);
void user_put_sigaction_generic64(uint8_t *dst, const UserSigAction *act);

/* --- ELF loading and the initial stack (user_elf.c) --- */

typedef struct UserElfImage {
    GuestAddr load_bias;
    GuestAddr entry;
    GuestAddr phdr;             /* guest address of the program headers (AT_PHDR) */
    unsigned phent;
    unsigned phnum;
    GuestAddr end;              /* end of the highest segment (brk starts here) */
    char *interp;               /* PT_INTERP path, or NULL */
    bool exec_stack;            /* PT_GNU_STACK asks for an executable stack */
} UserElfImage;

/* Read the ELF header of a file in memory: machine and class; false + error if not ELF. */
bool user_elf_identify(const char *name, const uint8_t *data, size_t len, uint16_t *machine,
                       unsigned *elf_class, GError **error);
/*
 * Load an ELF image already read into data.  is_interp: place it top-down in the
 * mmap area; else ET_EXEC at its addresses, ET_DYN at abi->et_dyn_base.
 */
bool user_elf_load(UserMem *m, const UserArchAbi *abi, const char *name, const uint8_t *data,
                   size_t len, bool is_interp, UserElfImage *img, GError **error);

typedef struct UserStackInfo {
    const UserElfImage *exe;
    GuestAddr interp_base;      /* AT_BASE: 0 when static */
    const char *execfn;         /* AT_EXECFN string */
    const uint8_t *random16;    /* AT_RANDOM bytes */
    unsigned uid, euid, gid, egid;
    bool secure;
} UserStackInfo;

/* Map the stack VMA and fill it as Linux does; returns the initial sp or 0 (+ error). */
GuestAddr user_stack_setup(UserMem *m, const UserArchAbi *abi, int argc, char **argv, char **envp,
                           const UserStackInfo *info, GError **error);

/* --- Process and thread state --- */

#define USER_NSIG 64

/*
 * Per-thread signal state.  Dispositions are process-wide (UserProc.sigaction); masks,
 * pending sets, siginfo and the alternate stack belong to each thread, as in Linux.
 */
typedef struct UserSignals {
    uint64_t blocked;                           /* guest mask, bit sig-1 */
    /* Set by this thread's host handlers; bit sig-1. */
    volatile uint64_t pending;
    /* Synchronous faults raised by this thread's own code (delivered first, never deferred). */
    uint64_t sync_pending;
    UserSigInfo info[USER_NSIG + 1];
    GuestAddr altstack_sp;
    uint64_t altstack_size;
    int altstack_flags;                         /* SS_DISABLE or 0 */
    /* rt_sigsuspend and friends: the mask to restore once a handler has been set up. */
    bool have_saved_mask;
    uint64_t saved_mask;
    int debug_sig;                              /* the signal gdb was last shown (qXfer:siginfo) */
} UserSignals;

/*
 * One guest thread = one host thread (user_thread.c).  Its host tid is its guest tid, so
 * gettid, tgkill, /proc/self/task and the futex-based tid words of the guest's libc all
 * work on host values.
 */
typedef struct UserThread {
    UserProc *proc;
    GuestCpu *cpu;
    int tid;
    bool leader;                /* the thread that started the process */
    GuestAddr clear_child_tid;  /* CLONE_CHILD_CLEARTID / set_tid_address */
    GuestAddr robust_list;      /* set_robust_list head, 0 = none */
    UserSignals sig;
    uint8_t *host_altstack;     /* host sigaltstack for mimic's own fault handler */
} UserThread;

/* The guest thread running on this host thread (NULL on none). */
extern __thread UserThread *user_self;

struct UserProc {
    const GuestArch *arch;
    const UserArchAbi *abi;
    ExecCtx exec;
    bool exec_ready;
    UserOptions opts;
    char *sysroot;              /* NULL when none */
    char *exe_path;             /* absolute host path of the guest program */
    char *guest_path;           /* the path as given */
    UserMem mem;
    /* Guest signal dispositions, shared by all threads; changes under sig_lock. */
    UserSigAction sigaction[USER_NSIG + 1];
    GMutex sig_lock;
    GuestAddr sigreturn_tramp;
    GRand *seeded_random;       /* --seed: the source of guest randomness; NULL = the host's */

    /* Threads (user_thread.c), under threads_lock. */
    GMutex threads_lock;
    GPtrArray *threads;         /* live UserThread */
    bool leader_exited;         /* the first thread called exit while others ran on */
    int leader_status;
    GuestAddr initial_sp;       /* argc, argv, envp, auxv as loaded (the gdb stub reads auxv there) */
};

/* --seed: len bytes from the seeded generator (p->seeded_random must be set). */
void user_fill_random(UserProc *p, void *buf, size_t len);

static inline bool user_guest_be(const UserProc *p)
{
    return p->arch->big_endian;
}

/* A 32-bit guest value as the kernel passes it to a long argument (compat_long_t). */
static inline uint64_t user_sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

/*
 * Guest sigset_t of 64 signals: an array of guest words, word 0 holding signals 1..32
 * (1..64 on 64-bit guests), each in guest byte order.  mask bit n = signal n+1.
 */
void user_put_sigset(const UserProc *p, uint8_t *dst, uint64_t mask);
uint64_t user_get_sigset(const UserProc *p, const uint8_t *src);
/* A guest integer of size bytes at addr, in guest order; 0 or -EFAULT. */
int user_write_uint(UserProc *p, GuestAddr addr, unsigned size, uint64_t v);
int user_read_uint(UserProc *p, GuestAddr addr, unsigned size, uint64_t *v);
/* The same, straight from/to guest memory; 0 or -EFAULT. */
int user_read_sigset(UserProc *p, GuestAddr addr, uint64_t *mask);
int user_write_sigset(UserProc *p, GuestAddr addr, uint64_t mask);

/*
 * A host siginfo_t as the guest sees it: the same bytes for layout_generic64 ABIs, else
 * signo/errno/code and the first three ints of the union (pid, uid, status or value)
 * moved to the guest's offsets and byte order.  Async-signal-safe.
 */
void user_siginfo_from_host(const UserProc *p, UserSigInfo *dst, const siginfo_t *si);

/* The process of this host process (there is only one; the signal handlers need it). */
extern UserProc *user_proc;

/* --- Syscalls (user_syscall.c and user_sys_*.c) --- */

enum {
#define USER_NR(nr, name) USER_NR_##name = nr,
#include "platform/linux-user/syscall_nr.def"
#undef USER_NR
    USER_NR_MAX = 512
};

/* Returned by handlers that set the registers themselves (sigreturn, execve into a new image). */
#define USER_SYSRET_NORETURN  ((int64_t)0x7fffffffffff0001LL)
/* The kernel's -ERESTARTNOINTR: interrupted by a signal, restarted after any handler. */
#define USER_SYSRET_RESTART   ((int64_t)0x7fffffffffff0002LL)

typedef int64_t (*UserSyscallFn)(UserProc *p, const uint64_t a[6]);

/* Row flags. */
#define USER_SYS_RESTART   (1u << 0)    /* restart after a SA_RESTART handler (-EINTR); may block */
#define USER_SYS_BLOCKING  (1u << 1)    /* may block: a signal interrupts it (-EINTR) */
/*
 * The kernel reads or writes structs (or integers through pointers) in the host's
 * layout, which is the guest's only for UserArchAbi.layout_generic64 ABIs.  Others use
 * their own row for this syscall or get ENOSYS.
 */
#define USER_SYS_LAYOUT64  (1u << 2)

/*
 * A table row.  Either fn, or a pass-through: the host syscall host_nr with the
 * arguments converted as `args` says, one letter each:
 *   i  integer, as is
 *   p  guest pointer to a small fixed-size object (NULL stays NULL)
 *   r  guest buffer the kernel reads; its length is the next argument
 *   w  guest buffer the kernel writes; its length is the next argument
 *   s  path (sysroot redirection for absolute paths)
 *   c  C string, no redirection
 */
struct UserSyscallRow {
    int nr;
    UserSyscallFn fn;
    long host_nr;
    const char *args;
    uint32_t flags;
};

extern const UserSyscallRow user_sys_file_rows[];
extern const UserSyscallRow user_sys_mem_rows[];
extern const UserSyscallRow user_sys_proc_rows[];
extern const UserSyscallRow user_sys_signal_rows[];
extern const UserSyscallRow user_sys_net_rows[];
extern const UserSyscallRow user_sys_misc_rows[];
extern const UserSyscallRow user_sys_thread_rows[];
extern const UserSyscallRow user_sys_ipc_rows[];

/* user_compat32.c: the kernel's compat layouts shared by the 32-bit ABIs (ppc32, i386), in
 * the guest's byte order: old_timespec32 or (t64) __kernel_timespec, compat_rusage; the
 * rows for the calls whose compat structs differ only in byte order (clocks, timers,
 * waits, rlimits, sysinfo, siginfo in, groups, affinity). */
struct rusage;
int user32_get_ts(UserProc *p, GuestAddr addr, bool t64, struct timespec *ts);
int user32_put_ts(UserProc *p, GuestAddr addr, bool t64, const struct timespec *ts);
int user32_put_rusage(UserProc *p, GuestAddr addr, const struct rusage *ru);
extern const UserSyscallRow user32_rows[];
/* user_compat32_poll.c: ppoll/ppoll_time64 rows, and poll(fds, n, ms) for the ABIs that have it. */
extern const UserSyscallRow user32_poll_rows[];
int64_t user32_poll(UserProc *p, const uint64_t a[6]);
/* set/getsockopt of SO_RCVTIMEO/SO_SNDTIMEO (host_opt) with the guest's 32-bit timeval
 * (t64 false) or its two-s64 __kernel_sock_timeval (t64). */
int64_t user32_sockopt_timeval(UserProc *p, const uint64_t a[6], bool set, bool t64, int host_opt);
/* user_sys_net.c: sendmmsg (recv false) / recvmmsg (t64: a 64-bit timespec, as on 64-bit
 * ABIs and recvmmsg_time64) for any ABI, each message through its own sendmsg/recvmsg
 * conversion msg(p, {fd, msghdr, flags}, recv). */
typedef int64_t (*UserMsgFn)(UserProc *p, const uint64_t a[6], bool recv);
int64_t user_sys_mmsg(UserProc *p, const uint64_t a[6], bool recv, bool t64, UserMsgFn msg);
/* user_sys_net.c: a big-endian guest's sockaddr (len bytes) to host order or back, in place. */
#define USER_SOCKADDR_MAX 128
void user_sockaddr_swap_be(uint8_t *b, uint32_t len, bool to_host);
/* user_compat32_msg.c: sendmsg/recvmsg/sendmmsg/recvmmsg with struct compat_msghdr. */
extern const UserSyscallRow user32_msg_rows[];
/* user_compat32_ipc.c: System V IPC through ipc() and the direct calls, with the ABI's
 * *id64_ds layouts (UserArchAbi.ipc32). */
typedef struct UserIpc32Layout UserIpc32Layout;
extern const UserIpc32Layout user_ipc32_ppc, user_ipc32_i386;
int64_t user32_sys_ipc(UserProc *p, const uint64_t a[6]);
extern const UserSyscallRow user32_ipc_rows[];
/* System V shared memory in the guest's address space (layout-free, any ABI): the guest
 * address or -errno; 0 or -errno. */
int64_t user_shmat(UserProc *p, int id, GuestAddr addr, int flags);
int64_t user_shmdt(UserProc *p, GuestAddr addr);

/*
 * ioctl: the requests whose structs are laid out alike on every little-endian x86-like
 * ABI (termios, winsize, ints), which 32-bit x86 reuses in its own row.
 */
int64_t user_sys_ioctl(UserProc *p, const uint64_t a[6]);
/* futex with the timeout of a waiting operation already in host form (NULL: none). */
int64_t user_futex(UserProc *p, const uint64_t a[6], const struct timespec *timeout);
/* Does futex operation op wait (and so read a timeout from a[3])? */
bool user_futex_waits(int op);

const char *user_syscall_name(int generic_nr);
/* Handle the syscall the calling thread's cpu stopped at: result in registers and pc advanced. */
void user_syscall(UserProc *p);
/* For tests and internal re-dispatch. */
int64_t user_syscall_generic(UserProc *p, int generic_nr, const uint64_t a[6], uint32_t *row_flags);

/* Convert a guest pointer argument for the kernel: NULL stays NULL; else check range. */
int user_arg_ptr(UserProc *p, GuestAddr addr, uint64_t len, void **out);
/* A guest buffer the kernel will write: range check and unwatch code pages in it. */
int user_arg_wbuf(UserProc *p, GuestAddr addr, uint64_t len, void **out);
/* A guest path with sysroot redirection applied (g_free the result). */
char *user_arg_path(UserProc *p, GuestAddr addr, int *err);

/* Host errno to the negative guest value (identical numbering on asm-generic ports). */
static inline int64_t user_errno(void)
{
    return -(int64_t)errno;
}
static inline int64_t user_ret(long r)
{
    return r < 0 ? user_errno() : r;
}

/* --- /proc files the guest must see as its own (user_procfs.c) --- */

/*
 * path (after sysroot redirection) names a file mimic writes itself: open it into *fd
 * (an fd or -errno) and return true.  /proc/self/maps (guest VMAs) and /proc/cpuinfo.
 */
bool user_procfs_open(UserProc *p, const char *path, int flags, int64_t *fd);

/* --- Blocking syscalls (user_safe_syscall.c) --- */

/*
 * Host syscall nr that may block, made so that a guest signal arriving at any point
 * before the kernel starts waiting makes it return -EINTR instead of sleeping.
 * Returns the kernel's value (result or -errno), not libc's -1/errno.
 */
int64_t user_safe_syscall(UserProc *p, long nr, long a0, long a1, long a2, long a3, long a4,
                          long a5);
#define user_safe_syscall6(p, nr, a0, a1, a2, a3, a4, a5) \
    user_safe_syscall((p), (nr), (long)(a0), (long)(a1), (long)(a2), (long)(a3), (long)(a4), \
                      (long)(a5))
#define user_safe_syscall3(p, nr, a0, a1, a2) user_safe_syscall6(p, nr, a0, a1, a2, 0, 0, 0)
/* Called by host signal handlers: an interrupted pc inside the window skips the syscall. */
void user_safe_syscall_rewind(void *ucontext);

/* --- Paths (user_path.c) --- */

/* sysroot + path when path is absolute and that exists there; else a copy of path. */
char *user_path_redirect(const char *sysroot, const char *path);
/* Path of the guest program for /proc/self/exe and friends, or NULL. */
bool user_path_is_proc_self_exe(const char *path);

/* --- Signals (user_signal.c) --- */

void user_signal_init(UserProc *p);
/* Queue a synchronous signal raised by the guest itself (faults). */
void user_signal_raise_sync(UserProc *p, int sig, int code, GuestAddr addr);
/* Deliver pending unblocked signals (called by the exec loop). */
void user_signal_deliver(UserProc *p);
/* Does an unblocked signal wait? */
bool user_signal_pending(UserProc *p);
/* Signal whose delivery comes next (0 if none), for SA_RESTART decisions. */
int user_signal_next(UserProc *p);
/* Set the guest mask (and mirror it into the host mask). */
void user_signal_set_mask(UserProc *p, uint64_t mask);
/* rt_sigsuspend-style temporary mask: switch now, restore after delivery or at once if none. */
void user_signal_temp_mask(UserProc *p, uint64_t mask);
void user_signal_temp_mask_done(UserProc *p);
/* rt_sigtimedwait with the timeout in host form (NULL: none); the rows read it per ABI. */
int64_t user_sigtimedwait(UserProc *p, const uint64_t a[6], const struct timespec *ts);
/* Terminate the host process with sig as default action (core dumps disabled). */
G_NORETURN void user_signal_die(int sig);
bool user_signal_on_altstack(const UserProc *p, GuestAddr sp);
/*
 * sigreturn's restore_altstack(): the stack_t saved in the frame (decoded by the ABI)
 * becomes the thread's again; ignored while running on the altstack (the kernel's EPERM)
 * and for a size below the minimum.
 */
void user_signal_restore_altstack(const UserProc *p, GuestAddr frame, GuestAddr ss_sp, int ss_flags,
                                  uint64_t ss_size);

/* Per-thread signal state of a new thread, starting with mask `blocked`. */
void user_signal_thread_init(UserThread *t, uint64_t blocked);
/* This host thread's mask, through the raw syscall (signals 32 and 33 included). */
void user_host_setmask(uint64_t mask);
uint64_t user_host_getmask(void);

/* --- Threads (user_thread.c) --- */

/* The process's first thread (the calling host thread): set up, then run the guest. */
G_NORETURN void user_thread_run_leader(UserProc *p, GuestCpu *cpu);
/* clone with CLONE_THREAD: start the thread; its tid or -errno. */
int64_t user_thread_clone(UserProc *p, uint64_t flags, GuestAddr newsp, GuestAddr ptid,
                          GuestAddr ctid, uint64_t tls);
/* exit: end the calling thread (the process ends with its last thread). */
G_NORETURN void user_thread_exit(UserProc *p, int status);
/* exit_group: end the whole process with status. */
G_NORETURN void user_process_exit(UserProc *p, int status);
/* Run the guest on the calling thread until it exits (never returns). */
G_NORETURN void user_loop(UserProc *p, UserThread *t);
/* -g: wait for gdb (user_gdb.c) with the process stopped before cpu's first instruction. */
bool user_gdb_start(UserProc *p, GuestCpu *cpu, GError **error);
/* Around a host fork: take every lock of ours, release in both, fix the child's thread list. */
void user_fork_prepare(UserProc *p);
void user_fork_parent(UserProc *p);
void user_fork_child(UserProc *p);
/* Host fault handling for the calling thread (sigaltstack; user_main.c). */
void user_thread_host_setup(UserThread *t);

/* --- Exec glue (user_main.c) --- */

/* Invalidate translations over a range (after munmap, mprotect away from exec ...). */
void user_invalidate(UserProc *p, GuestAddr addr, uint64_t len);
/* Invalidate the pages the SIGSEGV handler recorded. */
void user_flush_dirty(UserProc *p);
/* execve: replace this process by mimic running path; returns -errno on failure. */
int64_t user_execve(UserProc *p, const char *path, char **argv, char **envp);

#endif
