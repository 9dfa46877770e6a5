/*
 * x64_abi.c - the x86-64 Linux system call ABI without libc (glibc's x86-64 start-up code
 * needs SSE2, which the frontend does not lift yet).  Built -nostdlib -mgeneral-regs-only,
 * it makes every call with the `syscall` instruction and checks:
 *   syscall    rax result, -errno, rcx = the next rip and r11 = rflags on return,
 *              the other registers preserved
 *   files      open/write/lseek/read/fstat (the host's struct stat)/getdents64/unlink
 *   mem        mmap/mprotect/munmap, brk
 *   fs_base    arch_prctl ARCH_SET_FS/ARCH_GET_FS and %fs: loads and stores
 *   signals    rt_sigaction with sa_restorer: the handler's rdi/rsi/rdx, 16-byte stack
 *              alignment, siginfo of a SIGSEGV, a handler moving rip through uc_mcontext,
 *              callee-saved registers back after rt_sigreturn, the blocked mask inside
 *   clone      a thread (CLONE_VM|CLONE_SETTLS|CLONE_CHILD_CLEARTID) with its own fs base
 *              and stack, joined through the futex the kernel clears
 *   fork       fork + wait4: the child's exit status
 * Output is one line per group; the exit status is the number of failed checks.  The
 * expected values are the kernel's ABI (arch/x86/entry/entry_64.S, signal_64.c); the
 * program runs natively and under qemu-x86_64 as well.
 */
#include <stddef.h>
#include <stdint.h>

#define NR_read 0
#define NR_write 1
#define NR_open 2
#define NR_close 3
#define NR_fstat 5
#define NR_lseek 8
#define NR_mmap 9
#define NR_mprotect 10
#define NR_munmap 11
#define NR_brk 12
#define NR_rt_sigaction 13
#define NR_rt_sigprocmask 14
#define NR_rt_sigreturn 15
#define NR_getpid 39
#define NR_clone 56
#define NR_fork 57
#define NR_exit 60
#define NR_wait4 61
#define NR_kill 62
#define NR_unlink 87
#define NR_arch_prctl 158
#define NR_gettid 186
#define NR_futex 202
#define NR_getdents64 217
#define NR_exit_group 231

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define sys0(n) sys6(n, 0, 0, 0, 0, 0, 0)
#define sys1(n, a) sys6(n, (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* The compiler may call these for struct copies and initialisers. */
void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--) {
        *p++ = (unsigned char)c;
    }
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) {
        *p++ = *q++;
    }
    return d;
}

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static void puts_(const char *s)
{
    sys3(NR_write, 1, s, slen(s));
}

static void put_dec(long v)
{
    char buf[24];
    int i = sizeof(buf);
    int neg = v < 0;
    unsigned long u = neg ? -(unsigned long)v : (unsigned long)v;
    buf[--i] = 0;
    do {
        buf[--i] = '0' + u % 10;
        u /= 10;
    } while (u);
    if (neg) {
        buf[--i] = '-';
    }
    puts_(buf + i);
}

static const char *group;
static int checks, fails, total_fails;

static void begin(const char *name)
{
    group = name;
    checks = fails = 0;
}

static void end(void)
{
    puts_(group);
    if (fails) {
        puts_(": ");
        put_dec(fails);
        puts_(" of ");
        put_dec(checks);
        puts_(" checks FAILED\n");
    } else {
        puts_(": ");
        put_dec(checks);
        puts_(" checks ok\n");
    }
    total_fails += fails;
}

static void check(int ok, int line)
{
    checks++;
    if (!ok) {
        fails++;
        puts_("  failed at line ");
        put_dec(line);
        puts_("\n");
    }
}
#define CHECK(c) check(!!(c), __LINE__)

/* --- syscall register convention --- */

static void test_syscall(void)
{
    begin("syscall");
    unsigned long rcx, after, rbx_in = 0x1111222233334444ul, rbx_out, r12_out, r10_out;
    long ret;
    __asm__ volatile("mov %[b], %%rbx\n\t"
                     "mov %[b], %%r12\n\t"
                     "mov $0x55, %%r10\n\t"
                     "mov $39, %%eax\n\t"
                     "syscall\n"
                     "1:\tlea 1b(%%rip), %[after]\n\t"
                     "mov %%rbx, %[bo]\n\t"
                     "mov %%r12, %[r12o]\n\t"
                     "mov %%r10, %[r10o]\n\t"
                     : "=a"(ret), "=c"(rcx), [after] "=r"(after), [bo] "=r"(rbx_out),
                       [r12o] "=r"(r12_out), [r10o] "=r"(r10_out)
                     : [b] "r"(rbx_in)
                     : "rbx", "r10", "r12", "r11", "memory");
    CHECK(ret > 0);
    CHECK(ret == sys0(NR_getpid));
    CHECK(rcx == after);                    /* the return address */
    CHECK(rbx_out == rbx_in && r12_out == rbx_in && r10_out == 0x55);
    unsigned long fl, r11b;
    __asm__ volatile("mov $39, %%eax\n\tsyscall\n\tmov %%r11, %0\n\tpushf\n\tpop %1"
                     : "=r"(r11b), "=r"(fl) : : "rax", "rcx", "r11", "memory");
    CHECK((r11b & ~0x10000ul) == (fl & ~0x10000ul));  /* rflags as the syscall left it (RF aside) */
    CHECK((r11b & 0x202) == 0x202);         /* IF and the fixed bit 1 */
    CHECK(sys3(NR_close, 12345, 0, 0) == -9);   /* -EBADF */
    CHECK(sys1(999, 0) == -38);                 /* -ENOSYS */
    end();
}

/* --- files, host struct stat --- */

struct kstat {
    unsigned long st_dev, st_ino, st_nlink;
    unsigned int st_mode, st_uid, st_gid, pad0;
    unsigned long st_rdev;
    long st_size, st_blksize, st_blocks;
    unsigned long times[6];
    long unused[3];
};

static void test_files(void)
{
    begin("files");
    const char *name = "x64-file";
    long fd = sys3(NR_open, name, 0102 /* O_RDWR|O_CREAT */, 0600);
    CHECK(fd >= 0);
    CHECK(sys3(NR_write, fd, "abcdefghij", 10) == 10);
    CHECK(sys3(NR_lseek, fd, 3, 0) == 3);
    char buf[8] = { 0 };
    CHECK(sys3(NR_read, fd, buf, 4) == 4);
    CHECK(buf[0] == 'd' && buf[3] == 'g');
    struct kstat st;
    CHECK(sizeof(st) == 144);
    CHECK(sys2(NR_fstat, fd, &st) == 0);
    CHECK(st.st_size == 10);
    CHECK((st.st_mode & 0170777) == 0100600);
    CHECK(st.st_nlink == 1);
    long dfd = sys3(NR_open, ".", 0200000 /* O_DIRECTORY */, 0);
    char dents[512];
    long n = sys3(NR_getdents64, dfd, dents, sizeof(dents));
    int found = 0;
    for (long off = 0; off < n;) {
        unsigned short reclen = *(unsigned short *)(dents + off + 16);
        const char *dn = dents + off + 19;
        if (dn[0] == 'x' && dn[1] == '6' && dn[2] == '4') {
            found = 1;
            CHECK(*(unsigned long *)(dents + off) == st.st_ino);
        }
        off += reclen;
    }
    CHECK(found);
    sys1(NR_close, dfd);
    sys1(NR_close, fd);
    CHECK(sys1(NR_unlink, name) == 0);
    CHECK(sys3(NR_open, name, 0, 0) == -2);     /* -ENOENT */
    end();
}

static void test_mem(void)
{
    begin("mem");
    long p = sys6(NR_mmap, 0, 8192, 3, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
    CHECK(p > 0 && (p & 4095) == 0);
    volatile long *q = (long *)p;
    q[0] = 42;
    q[1023] = 43;
    CHECK(q[0] == 42 && q[1023] == 43);
    CHECK(sys3(NR_mprotect, p, 4096, 1) == 0);
    CHECK(q[0] == 42);
    CHECK(sys2(NR_munmap, p, 8192) == 0);
    long b0 = sys1(NR_brk, 0);
    CHECK(b0 > 0);
    long b1 = sys1(NR_brk, b0 + 65536);
    CHECK(b1 == b0 + 65536);
    ((volatile char *)b0)[65535] = 1;
    CHECK(sys1(NR_brk, b0) == b0);
    end();
}

/* --- arch_prctl --- */

static unsigned long fs_area[4] = { 0xaaaa, 0xbbbb, 0xcccc, 0xdddd };

static void test_fs_base(void)
{
    begin("fs_base");
    CHECK(sys2(NR_arch_prctl, 0x1002 /* ARCH_SET_FS */, fs_area) == 0);
    unsigned long v, base = 0;
    __asm__ volatile("mov %%fs:16, %0" : "=r"(v));
    CHECK(v == 0xcccc);
    __asm__ volatile("movq $0x1234, %%fs:24" : : : "memory");
    CHECK(fs_area[3] == 0x1234);
    CHECK(sys2(NR_arch_prctl, 0x1003 /* ARCH_GET_FS */, &base) == 0);
    CHECK(base == (unsigned long)fs_area);
    CHECK(sys2(NR_arch_prctl, 0x1002, 0xffff800000000000ul) == -1);    /* -EPERM: kernel half */
    CHECK(sys2(NR_arch_prctl, 0x9999, 0) == -22);                       /* -EINVAL */
    end();
}

/* --- signals --- */

struct ksigaction {
    void *handler;
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

#define SA_SIGINFO  4
#define SA_RESTORER 0x04000000
#define SA_NODEFER  0x40000000

extern void restore_rt(void);
__asm__(".text\nrestore_rt:\n\tmov $15, %eax\n\tsyscall\n\thlt\n");

static volatile int sig_seen, code_seen;
volatile int stub_misalign = -1;
static volatile unsigned long addr_seen, mask_seen;

/* ucontext_t offsets (uc_mcontext.gregs at 40, REG_RIP = 16). */
#define UC_GREG(uc, i) (((unsigned long *)((char *)(uc) + 40))[i])
#define UC_MASK(uc) (*(unsigned long *)((char *)(uc) + 296))

void on_signal(int sig, void *info, void *uc)
{
    sig_seen = sig;
    code_seen = ((int *)info)[2];
    addr_seen = *(unsigned long *)((char *)info + 16);
    mask_seen = UC_MASK(uc);
    if (sig == 11) {
        UC_GREG(uc, 16) += 3;               /* rip: step over the 3-byte faulting store */
    }
    /* Clobber callee-saved registers: rt_sigreturn restores them. */
    __asm__ volatile("xor %%ebx, %%ebx\n\txor %%r12d, %%r12d\n\txor %%r15d, %%r15d" : : : "rbx", "r12", "r15");
}

/* Entered with rsp + 8 16-byte aligned, as after a call: records (rsp + 8) % 16, then on_signal. */
extern void check_align(void);
__asm__(".text\ncheck_align:\n\tlea 8(%rsp), %rax\n\tand $15, %eax\n\tmov %eax, stub_misalign(%rip)\n"
        "\tjmp on_signal\n");

static void test_signals(void)
{
    begin("signals");
    struct ksigaction sa = { (void *)check_align, SA_SIGINFO | SA_RESTORER, restore_rt, 0 };
    CHECK(sys4(NR_rt_sigaction, 10 /* SIGUSR1 */, &sa, 0, 8) == 0);
    struct ksigaction old;
    CHECK(sys4(NR_rt_sigaction, 10, 0, &old, 8) == 0);
    CHECK(old.handler == (void *)check_align && old.restorer == restore_rt);
    CHECK(old.flags == (SA_SIGINFO | SA_RESTORER));
    unsigned long mask = 1ul << 11;         /* SIGUSR2 blocked during the raise */
    CHECK(sys4(NR_rt_sigprocmask, 0 /* SIG_BLOCK */, &mask, 0, 8) == 0);
    register unsigned long rbx __asm__("rbx") = 0x77;
    register unsigned long r12 __asm__("r12") = 0x88;
    register unsigned long r15 __asm__("r15") = 0x99;
    __asm__ volatile("" : "+r"(rbx), "+r"(r12), "+r"(r15));
    long pid = sys0(NR_getpid);
    sys2(NR_kill, pid, 10);
    __asm__ volatile("" : "+r"(rbx), "+r"(r12), "+r"(r15));
    CHECK(sig_seen == 10);
    CHECK(stub_misalign == 0);
    CHECK(code_seen == 0);                  /* SI_USER */
    CHECK(rbx == 0x77 && r12 == 0x88 && r15 == 0x99);
    CHECK(mask_seen == 1ul << 11);          /* the mask before delivery */
    unsigned long now = 0;
    CHECK(sys4(NR_rt_sigprocmask, 0, 0, &now, 8) == 0);
    CHECK(now == 1ul << 11);                /* SIGUSR1 no longer blocked after the handler */

    struct ksigaction sv = { (void *)on_signal, SA_SIGINFO | SA_RESTORER | SA_NODEFER, restore_rt, 0 };
    CHECK(sys4(NR_rt_sigaction, 11, &sv, 0, 8) == 0);
    sig_seen = 0;
    /* A 3-byte store to address 8: the handler skips it. */
    __asm__ volatile("xor %%eax, %%eax\n\tmov %%eax, 8(%%rax)" : : : "rax", "memory");
    CHECK(sig_seen == 11);
    CHECK(code_seen == 1);                  /* SEGV_MAPERR */
    CHECK(addr_seen == 8);
    /* Without SA_RESTORER the kernel refuses to build the frame: the process dies of SIGSEGV. */
    end();
}

/* --- clone a thread --- */

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_THREAD 0x10000
#define CLONE_SYSVSEM 0x40000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000

static unsigned long child_fs_area[2] = { 0x5150, 0 };
static volatile int child_tid_word = -1;
static volatile unsigned long child_saw;
static char child_stack[16384] __attribute__((aligned(16)));

/* The child starts here with rsp = the new stack and rax = 0. */
static void child_main(void)
{
    unsigned long v;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    child_saw = v;
    sys1(NR_exit, 0);
}

static void test_clone(void)
{
    begin("clone");
    unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                          CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    unsigned long *sp = (unsigned long *)(child_stack + sizeof(child_stack));
    *--sp = (unsigned long)child_main;      /* popped by the child's ret */
    long tid;
    register long r10 __asm__("r10") = (long)&child_tid_word;
    register long r8 __asm__("r8") = (long)child_fs_area;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "ret\n"
                     "1:"
                     : "=a"(tid)
                     : "0"(NR_clone), "D"(flags), "S"(sp), "d"(&child_tid_word), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    CHECK(tid > 0);
    /* CLONE_CHILD_CLEARTID: the word becomes 0 and a futex wake follows when the child exits. */
    while (child_tid_word != 0) {
        sys6(NR_futex, (long)&child_tid_word, 0 /* FUTEX_WAIT */, child_tid_word, 0, 0, 0);
    }
    CHECK(child_saw == 0x5150);
    unsigned long base = 0;
    CHECK(sys2(NR_arch_prctl, 0x1003, &base) == 0);
    CHECK(base == (unsigned long)fs_area);  /* the parent's fs base is its own */
    end();
}

static void test_fork(void)
{
    begin("fork");
    long pid = sys0(NR_fork);
    if (pid == 0) {
        sys1(NR_exit_group, 37);
    }
    CHECK(pid > 0);
    int status = 0;
    CHECK(sys4(NR_wait4, pid, &status, 0, 0) == pid);
    CHECK((status & 0x7f) == 0 && ((status >> 8) & 0xff) == 37);
    end();
}

int main_(void)
{
    test_syscall();
    test_files();
    test_mem();
    test_fs_base();
    test_signals();
    test_clone();
    test_fork();
    return total_fails;
}

/* The entry point: rsp is 16-byte aligned with argc on top; align for the C call. */
__asm__(".text\n.globl _start\n_start:\n\txor %ebp, %ebp\n\tand $-16, %rsp\n\tcall main_\n"
        "\tmov %eax, %edi\n\tmov $231, %eax\n\tsyscall\n\thlt\n");
