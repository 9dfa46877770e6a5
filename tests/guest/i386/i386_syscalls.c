/*
 * i386_syscalls.c - the i386 system call ABI below libc: `int $0x80` with the historical
 * numbers (arch/x86/entry/syscalls/syscall_32.tbl), made by hand so the program checks
 * what the kernel does, not what glibc happens to call.  One group per topic:
 *   tls        set_thread_area/get_thread_area, a selector load into fs, %fs: accesses,
 *              and glibc's own gs TLS selector (GDT entry 12 of a 64-bit kernel)
 *   pairs      64-bit offsets in register pairs: ftruncate64, pread64/pwrite64, _llseek,
 *              fadvise64_64, fallocate, plus 32-bit lseek's sign extension
 *   stat64     stat64/lstat64/fstat64/fstatat64 in the packed struct stat64
 *   mmap       old mmap (the argument block) and mmap2 (the offset in pages)
 *   socketcall the multiplexer: socketpair, send, recv, shutdown
 *   msg        sendmsg/recvmsg: two iovecs and a file descriptor passed with SCM_RIGHTS
 *   fcntl64    F_SETLK64/F_GETLK64 with the packed struct flock64, seen from a child
 *   limits     ugetrlimit and prlimit64, sysinfo, times, time, gettimeofday and clock_gettime
 *              in their 32-bit forms against clock_gettime64, statfs64 / fstatfs64
 *   sysvipc    semaphores and message queues through glibc's ipc() multiplexer (32-bit mtype)
 *   auxv       AT_HWCAP is CPUID leaf 1 EDX, AT_PLATFORM is "i686"
 *   segv_sel   loading a selector that names no descriptor raises SIGSEGV (#GP)
 * Expected values are the kernel's documented behaviour; the test runs natively and under
 * qemu-i386 as well.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest_check.h"

/*
 * A raw int $0x80 with up to six arguments.  The sixth goes in ebp, which the compiler
 * may use as the frame pointer: it is loaded from a block eax points at, after ebp is saved.
 */
static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
    long blk[2] = { nr, f };
    long ret;
    __asm__ volatile("push %%ebp\n\t"
                     "mov 4(%%eax), %%ebp\n\t"
                     "mov (%%eax), %%eax\n\t"
                     "int $0x80\n\t"
                     "pop %%ebp"
                     : "=a"(ret)
                     : "0"(blk), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                     : "memory");
    return ret;
}
#define sys0(nr) sys6(nr, 0, 0, 0, 0, 0, 0)
#define sys1(nr, a) sys6(nr, (long)(a), 0, 0, 0, 0, 0)
#define sys2(nr, a, b) sys6(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(nr, a, b, c) sys6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(nr, a, b, c, d) sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(nr, a, b, c, d, e) sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

enum {
    NR_exit = 1, NR_read = 3, NR_write = 4, NR_close = 6, NR_time = 13, NR_lseek = 19,
    NR_getpid = 20, NR_times = 43, NR_gettimeofday = 78, NR_mmap = 90, NR_munmap = 91,
    NR_socketcall = 102, NR_sysinfo = 116, NR__llseek = 140, NR_pread64 = 180, NR_pwrite64 = 181,
    NR_ugetrlimit = 191, NR_mmap2 = 192, NR_ftruncate64 = 194, NR_stat64 = 195, NR_lstat64 = 196,
    NR_fstat64 = 197, NR_fcntl64 = 221, NR_set_thread_area = 243, NR_get_thread_area = 244,
    NR_clock_gettime = 265, NR_statfs64 = 268, NR_fstatfs64 = 269, NR_fadvise64_64 = 272,
    NR_fstatat64 = 300, NR_fallocate = 324, NR_prlimit64 = 340, NR_clock_gettime64 = 403,
};

/* The kernel's struct stat64 for i386 (arch/x86/include/uapi/asm/stat.h), not glibc's. */
struct kstat64 {
    unsigned long long st_dev;
    unsigned char __pad0[4];
    unsigned long __st_ino;
    unsigned int st_mode;
    unsigned int st_nlink;
    unsigned long st_uid;
    unsigned long st_gid;
    unsigned long long st_rdev;
    unsigned char __pad3[4];
    long long st_size;
    unsigned long st_blksize;
    unsigned long long st_blocks;
    unsigned long st_atime_, st_atime_nsec;
    unsigned long st_mtime_;
    unsigned int st_mtime_nsec;
    unsigned long st_ctime_, st_ctime_nsec;
    unsigned long long st_ino;
} __attribute__((packed));

/* struct user_desc (asm/ldt.h) */
struct udesc {
    unsigned int entry_number;
    unsigned int base_addr;
    unsigned int limit;
    unsigned int seg_32bit : 1, contents : 2, read_exec_only : 1, limit_in_pages : 1,
                 seg_not_present : 1, useable : 1;
};

static uint32_t tls_words[4] = { 0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u };

static void test_tls(void)
{
    gc_group("tls");
    unsigned short gs;
    __asm__ volatile("mov %%gs, %0" : "=r"(gs));

    struct udesc d;
    memset(&d, 0, sizeof(d));
    d.entry_number = -1;
    d.base_addr = (unsigned int)(uintptr_t)tls_words;
    d.limit = 0xfffff;
    d.seg_32bit = 1;
    d.limit_in_pages = 1;
    d.useable = 1;
    CHECK_EQ(sys1(NR_set_thread_area, &d), 0);
    /*
     * The next free entry is written back: the one after glibc's, whose selector is in gs
     * (12 and 13 on a 64-bit kernel, 6 and 7 on a 32-bit one and under qemu-i386).
     */
    CHECK_EQ(gs, (d.entry_number - 1) * 8 + 3);
    CHECK(d.entry_number == 13 || d.entry_number == 7);
    unsigned short sel = d.entry_number * 8 + 3;
    uint32_t v1, v3;
    __asm__ volatile("mov %2, %%fs\n\t"
                     "movl %%fs:4, %0\n\t"
                     "movl %%fs:12, %1"
                     : "=r"(v1), "=r"(v3) : "r"(sel) : "memory");
    CHECK_EQ(v1, 0x22222222u);
    CHECK_EQ(v3, 0x44444444u);
    /* A store through fs lands in the array. */
    __asm__ volatile("movl %0, %%fs:8" : : "r"(0x5a5a5a5au) : "memory");
    CHECK_EQ(tls_words[2], 0x5a5a5a5au);
    unsigned short fs;
    __asm__ volatile("mov %%fs, %0" : "=r"(fs));
    CHECK_EQ(fs, sel);

    struct udesc r;
    memset(&r, 0, sizeof(r));
    r.entry_number = d.entry_number;
    CHECK_EQ(sys1(NR_get_thread_area, &r), 0);
    CHECK_EQ(r.base_addr, (uintptr_t)tls_words);
    CHECK_EQ(r.limit, 0xfffff);
    CHECK_EQ(r.seg_32bit, 1);
    CHECK_EQ(r.limit_in_pages, 1);
    CHECK_EQ(r.useable, 1);
    r.entry_number = 3;                     /* not a TLS entry */
    CHECK_EQ(sys1(NR_get_thread_area, &r), -EINVAL);
    /* Changing the descriptor under a loaded selector changes what fs reaches. */
    d.base_addr = (unsigned int)(uintptr_t)&tls_words[1];
    CHECK_EQ(sys1(NR_set_thread_area, &d), 0);
    __asm__ volatile("mov %1, %%fs\n\tmovl %%fs:0, %0" : "=r"(v1) : "r"(sel) : "memory");
    CHECK_EQ(v1, 0x22222222u);
    __asm__ volatile("mov %0, %%fs" : : "r"(0));
    /* The TLS variables of glibc go through gs and still work. */
    static __thread int tvar = 41;
    tvar++;
    CHECK_EQ(tvar, 42);
}

static void test_pairs(void)
{
    gc_group("pairs");
    char path[] = "/tmp/mimic-i386-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    uint64_t big = 0x100000003ull;          /* 4 GiB + 3: needs both halves */
    CHECK_EQ(sys3(NR_ftruncate64, fd, (uint32_t)big, (uint32_t)(big >> 32)), 0);
    struct kstat64 st;
    CHECK_EQ(sys2(NR_fstat64, fd, &st), 0);
    CHECK_EQ(st.st_size, big);
    char c = 'Q';
    uint64_t off = 0x100000001ull;
    CHECK_EQ(sys5(NR_pwrite64, fd, &c, 1, (uint32_t)off, (uint32_t)(off >> 32)), 1);
    char got = 0;
    CHECK_EQ(sys5(NR_pread64, fd, &got, 1, (uint32_t)off, (uint32_t)(off >> 32)), 1);
    CHECK_EQ(got, 'Q');
    int64_t res = 0;
    CHECK_EQ(sys5(NR__llseek, fd, (uint32_t)(off >> 32), (uint32_t)off, &res, SEEK_SET), 0);
    CHECK_EQ(res, off);
    got = 0;
    CHECK_EQ(sys3(NR_read, fd, &got, 1), 1);
    CHECK_EQ(got, 'Q');
    CHECK_EQ(sys5(NR__llseek, fd, 0, 0, &res, SEEK_CUR), 0);
    CHECK_EQ(res, off + 1);
    /* lseek's offset is a 32-bit long: -1 from the end. */
    CHECK_EQ(sys3(NR_lseek, fd, 0, SEEK_SET), 0);
    CHECK_EQ(sys3(NR_lseek, fd, -1, SEEK_SET), -EINVAL);
    CHECK_EQ(sys6(NR_fadvise64_64, fd, 0, 1, 0x1000, 0, POSIX_FADV_SEQUENTIAL), 0);
    CHECK_EQ(sys6(NR_fadvise64_64, fd, 0, 0, 0, 0, 99), -EINVAL);
    long r = sys6(NR_fallocate, fd, 0, (uint32_t)off, (uint32_t)(off >> 32), 0x2000, 0);
    CHECK(r == 0 || r == -EOPNOTSUPP);
    CHECK_EQ(sys2(NR_fstat64, fd, &st), 0);
    CHECK_EQ(st.st_size, r == 0 ? off + 0x2000 : big);
    sys1(NR_close, fd);
}

static void test_stat64(void)
{
    gc_group("stat64");
    int fd = open("stat-file", O_CREAT | O_RDWR | O_TRUNC, 0640);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    CHECK_EQ(symlink("stat-file", "stat-link"), 0);
    struct kstat64 a, b, c, d;
    CHECK_EQ(sizeof(a), 96);
    CHECK_EQ(sys2(NR_stat64, "stat-file", &a), 0);
    CHECK_EQ(sys2(NR_fstat64, fd, &b), 0);
    CHECK_EQ(sys2(NR_lstat64, "stat-link", &c), 0);
    CHECK_EQ(sys4(NR_fstatat64, AT_FDCWD, "stat-link", &d, 0), 0);
    CHECK_EQ(a.st_size, 10);
    CHECK_EQ(a.st_mode, S_IFREG | 0640);
    CHECK_EQ(a.st_nlink, 1);
    CHECK_EQ(a.st_uid, getuid());
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(a.__st_ino, (uint32_t)a.st_ino);
    CHECK_EQ(a.st_dev, b.st_dev);
    CHECK_EQ(a.st_mtime_, b.st_mtime_);
    CHECK_EQ(a.st_mtime_nsec, b.st_mtime_nsec);
    struct stat host;
    CHECK_EQ(fstat(fd, &host), 0);          /* glibc's own (statx-based) view agrees */
    CHECK_EQ(host.st_ino, a.st_ino);
    CHECK_EQ(host.st_mtim.tv_sec, a.st_mtime_);
    CHECK_EQ(host.st_blocks, a.st_blocks);
    CHECK_EQ(host.st_blksize, a.st_blksize);
    CHECK(S_ISLNK(c.st_mode));
    CHECK_EQ(c.st_size, 9);
    CHECK_EQ(d.st_ino, a.st_ino);           /* fstatat64 follows the link */
    CHECK_EQ(sys2(NR_stat64, "no-such-file", &a), -ENOENT);
    close(fd);
}

static void test_mmap(void)
{
    gc_group("mmap");
    int fd = open("map-file", O_CREAT | O_RDWR | O_TRUNC, 0600);
    char page[4096];
    for (int i = 0; i < 3; i++) {
        memset(page, 'a' + i, sizeof(page));
        CHECK_EQ(write(fd, page, sizeof(page)), 4096);
    }
    /* mmap2: the offset in 4096-byte units. */
    long p = sys6(NR_mmap2, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 2);
    CHECK((unsigned long)p < 0xfffff000ul);
    CHECK_EQ(((char *)p)[100], 'c');
    CHECK_EQ(sys2(NR_munmap, p, 4096), 0);
    /* old mmap: one pointer to six words, the offset in bytes. */
    uint32_t args[6] = { 0, 4096, PROT_READ, MAP_PRIVATE, (uint32_t)fd, 4096 };
    p = sys1(NR_mmap, args);
    CHECK((unsigned long)p < 0xfffff000ul);
    CHECK_EQ(((char *)p)[0], 'b');
    CHECK_EQ(sys2(NR_munmap, p, 4096), 0);
    args[5] = 100;                          /* not page aligned */
    CHECK_EQ(sys1(NR_mmap, args), -EINVAL);
    close(fd);
}

static void test_socketcall(void)
{
    gc_group("socketcall");
    int sv[2] = { -1, -1 };
    unsigned long a[6] = { AF_UNIX, SOCK_STREAM, 0, (unsigned long)sv };
    CHECK_EQ(sys2(NR_socketcall, 8 /* SYS_SOCKETPAIR */, a), 0);
    CHECK(sv[0] >= 0 && sv[1] >= 0);
    unsigned long s[4] = { (unsigned long)sv[0], (unsigned long)"ping!", 5, 0 };
    CHECK_EQ(sys2(NR_socketcall, 9 /* SYS_SEND */, s), 5);
    char buf[8] = { 0 };
    unsigned long r[4] = { (unsigned long)sv[1], (unsigned long)buf, sizeof(buf), 0 };
    CHECK_EQ(sys2(NR_socketcall, 10 /* SYS_RECV */, r), 5);
    CHECK_STR(buf, "ping!");
    unsigned long sh[2] = { (unsigned long)sv[0], SHUT_WR };
    CHECK_EQ(sys2(NR_socketcall, 13 /* SYS_SHUTDOWN */, sh), 0);
    CHECK_EQ(sys2(NR_socketcall, 10, r), 0);        /* end of stream */
    CHECK_EQ(sys2(NR_socketcall, 99, a), -EINVAL);
    close(sv[0]);
    close(sv[1]);
}

static void test_msg(void)
{
    gc_group("msg");
    int sv[2], pfd[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    CHECK_EQ(pipe(pfd), 0);
    char a[] = "hello ", b[] = "world";
    struct iovec iov[2] = { { a, 6 }, { b, 5 } };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl.buf,
                        .msg_controllen = sizeof(ctl.buf) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pfd[1], sizeof(int));
    CHECK_EQ(sendmsg(sv[0], &m, 0), 11);

    char r1[4] = { 0 }, r2[16] = { 0 };
    struct iovec riov[2] = { { r1, 3 }, { r2, sizeof(r2) - 1 } };
    union { struct cmsghdr h; char buf[64]; } rctl;
    memset(&rctl, 0, sizeof(rctl));
    struct msghdr rm = { .msg_iov = riov, .msg_iovlen = 2, .msg_control = rctl.buf,
                         .msg_controllen = sizeof(rctl.buf) };
    CHECK_EQ(recvmsg(sv[1], &rm, 0), 11);
    CHECK_STR(r1, "hel");
    CHECK_STR(r2, "lo world");
    CHECK_EQ(rm.msg_controllen, CMSG_SPACE(sizeof(int)));
    CHECK_EQ(rm.msg_flags, 0);
    struct cmsghdr *rc = CMSG_FIRSTHDR(&rm);
    CHECK(rc != NULL);
    if (rc) {
        CHECK_EQ(rc->cmsg_level, SOL_SOCKET);
        CHECK_EQ(rc->cmsg_type, SCM_RIGHTS);
        CHECK_EQ(rc->cmsg_len, CMSG_LEN(sizeof(int)));
        int fd;
        memcpy(&fd, CMSG_DATA(rc), sizeof(int));
        CHECK(fd != pfd[1]);
        CHECK_EQ(write(fd, "x", 1), 1);     /* the passed descriptor is the pipe's write end */
        char got = 0;
        CHECK_EQ(read(pfd[0], &got, 1), 1);
        CHECK_EQ(got, 'x');
        close(fd);
    }
    close(sv[0]);
    close(sv[1]);
    close(pfd[0]);
    close(pfd[1]);
}

/* struct flock64 as i386 lays it out: packed, 24 bytes. */
struct flock64_i386 {
    short l_type, l_whence;
    long long l_start, l_len;
    int l_pid;
} __attribute__((packed));

static void test_fcntl64(void)
{
    gc_group("fcntl64");
    CHECK_EQ(sizeof(struct flock64_i386), 24);
    int fd = open("lock-file", O_CREAT | O_RDWR | O_TRUNC, 0600);
    struct flock64_i386 fl = { F_WRLCK, SEEK_SET, 0x100000010ll, 0x20, 0 };
    CHECK_EQ(sys3(NR_fcntl64, fd, 13 /* F_SETLK64 */, &fl), 0);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        struct flock64_i386 q = { F_WRLCK, SEEK_SET, 0x100000000ll, 0x100, 0 };
        int ok = sys3(NR_fcntl64, fd, 12 /* F_GETLK64 */, &q) == 0 && q.l_type == F_WRLCK &&
                 q.l_start == 0x100000010ll && q.l_len == 0x20 && q.l_pid == parent;
        struct flock64_i386 w = { F_WRLCK, SEEK_SET, 0x100000018ll, 1, 0 };
        ok = ok && sys3(NR_fcntl64, fd, 13 /* F_SETLK64 */, &w) == -EAGAIN;
        struct flock64_i386 free_range = { F_WRLCK, SEEK_SET, 0, 0x10, 0 };
        ok = ok && sys3(NR_fcntl64, fd, 12, &free_range) == 0 && free_range.l_type == F_UNLCK;
        _exit(ok ? 0 : 1);
    }
    int status = -1;
    waitpid(child, &status, 0);
    CHECK_EQ(status, 0);
    CHECK_EQ(sys3(NR_fcntl64, fd, F_GETFD, 0), 0);
    CHECK_EQ(sys3(NR_fcntl64, fd, F_SETFD, FD_CLOEXEC), 0);
    CHECK_EQ(sys3(NR_fcntl64, fd, F_GETFD, 0), FD_CLOEXEC);
    close(fd);
}

static void test_limits(void)
{
    gc_group("limits");
    uint32_t rl32[2];
    uint64_t rl64[2];
    CHECK_EQ(sys2(NR_ugetrlimit, RLIMIT_NOFILE, rl32), 0);
    CHECK_EQ(sys4(NR_prlimit64, 0, RLIMIT_NOFILE, 0, rl64), 0);
    CHECK_EQ(rl32[0], rl64[0] > 0xffffffffu ? 0xffffffffu : rl64[0]);
    CHECK_EQ(rl32[1], rl64[1] > 0xffffffffu ? 0xffffffffu : rl64[1]);
    CHECK_EQ(sys2(NR_ugetrlimit, RLIMIT_AS, rl32), 0);
    CHECK_EQ(rl32[0], 0xffffffffu);         /* RLIM_INFINITY in its 32-bit form */

    uint32_t si[16];
    memset(si, 0, sizeof(si));
    CHECK_EQ(sys1(NR_sysinfo, si), 0);
    CHECK(si[0] > 0);                       /* uptime */
    CHECK(si[4] > 0);                       /* totalram */
    CHECK(si[13] >= 1);                     /* mem_unit */
    CHECK((si[10] & 0xffff) > 0);           /* procs */

    uint32_t tms[4];
    CHECK(sys1(NR_times, tms) != -EFAULT);

    struct { int64_t sec; int64_t nsec; } t64;
    int32_t t32[2], tv[2];
    CHECK_EQ(sys2(NR_clock_gettime64, CLOCK_REALTIME, &t64), 0);
    CHECK_EQ(sys2(NR_clock_gettime, CLOCK_REALTIME, t32), 0);
    long now = sys1(NR_time, 0);
    CHECK_EQ(sys2(NR_gettimeofday, tv, 0), 0);
    CHECK(t32[0] >= t64.sec && t32[0] - t64.sec <= 2);
    /* time() reads the tick-updated seconds, which may trail the precise clock by a tick. */
    CHECK(now >= t64.sec - 1 && now - t64.sec <= 2);
    CHECK(tv[0] >= t64.sec && tv[0] - t64.sec <= 2);
    CHECK(t32[1] >= 0 && t32[1] < 1000000000);
    CHECK(tv[1] >= 0 && tv[1] < 1000000);
    int32_t tloc = 0;
    CHECK(sys1(NR_time, &tloc) >= now);
    CHECK(tloc >= now);

    uint32_t sfs[21], fsfs[21];
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_EQ(sys3(NR_statfs64, ".", 84, sfs), 0);
    CHECK_EQ(sys3(NR_fstatfs64, fd, 84, fsfs), 0);
    CHECK_EQ(sfs[0], fsfs[0]);              /* f_type */
    CHECK(sfs[1] > 0);                      /* f_bsize */
    CHECK_EQ(sfs[14], fsfs[14]);            /* f_namelen */
    close(fd);
}

static void test_sysvipc(void)
{
    gc_group("sysvipc");
    int sem = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    CHECK(sem >= 0);
    CHECK_EQ(semctl(sem, 0, SETVAL, 5), 0);
    CHECK_EQ(semctl(sem, 1, SETVAL, 9), 0);
    struct sembuf ops[2] = { { 0, -2, 0 }, { 1, 3, 0 } };
    CHECK_EQ(semop(sem, ops, 2), 0);
    CHECK_EQ(semctl(sem, 0, GETVAL), 3);
    unsigned short vals[2] = { 0, 0 };
    CHECK_EQ(semctl(sem, 0, GETALL, vals), 0);
    CHECK_EQ(vals[0], 3);
    CHECK_EQ(vals[1], 12);
    struct sembuf would_block = { 0, -4, IPC_NOWAIT };
    CHECK_EQ(semop(sem, &would_block, 1), -1);
    CHECK_EQ(errno, EAGAIN);
    CHECK_EQ(semctl(sem, 0, IPC_RMID), 0);

    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK(q >= 0);
    struct { long mtype; char text[16]; } m = { 7, "seven" }, n = { 3, "three" }, r;
    CHECK_EQ(msgsnd(q, &m, 6, 0), 0);
    CHECK_EQ(msgsnd(q, &n, 6, 0), 0);
    memset(&r, 0, sizeof(r));
    CHECK_EQ(msgrcv(q, &r, sizeof(r.text), 3, 0), 6);     /* by type: the second one */
    CHECK_EQ(r.mtype, 3);
    CHECK_STR(r.text, "three");
    CHECK_EQ(msgrcv(q, &r, sizeof(r.text), 0, 0), 6);
    CHECK_EQ(r.mtype, 7);
    CHECK_STR(r.text, "seven");
    CHECK_EQ(msgrcv(q, &r, sizeof(r.text), 0, IPC_NOWAIT), -1);
    CHECK_EQ(errno, ENOMSG);
    CHECK_EQ(msgctl(q, IPC_RMID, NULL), 0);
}

/*
 * The auxiliary vector as the kernel wrote it (after envp's NULL): glibc's getauxval
 * answers AT_HWCAP with its own HWCAP_X86_* bits on x86.
 */
static uint32_t auxv_get(char **envp, uint32_t type)
{
    while (*envp) {
        envp++;
    }
    for (uint32_t *a = (uint32_t *)(envp + 1); a[0] != AT_NULL; a += 2) {
        if (a[0] == type) {
            return a[1];
        }
    }
    return 0;
}

static void test_auxv(char **envp)
{
    gc_group("auxv");
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    /* ELF_HWCAP: CPUID.1:EDX (the kernel clears bits it disabled, such as PSN). */
    CHECK_EQ(auxv_get(envp, AT_HWCAP) & ~(1u << 18), d & ~(1u << 18));
    CHECK_STR((const char *)auxv_get(envp, AT_PLATFORM), "i686");
    CHECK_EQ(auxv_get(envp, AT_PAGESZ), 4096);
}

static sigjmp_buf jb;
static volatile int segv_hits;

static void on_segv(int sig)
{
    segv_hits++;
    siglongjmp(jb, 1);
}

static void test_segv_sel(void)
{
    gc_group("segv_sel");
    signal(SIGSEGV, on_segv);
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("mov %0, %%fs" : : "r"(0x1233));   /* GDT entry 582, RPL 3: none */
    }
    CHECK_EQ(segv_hits, 1);
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("mov %0, %%fs" : : "r"(0x7));      /* an LDT selector: no LDT */
    }
    CHECK_EQ(segv_hits, 2);
    /* The null selector and the user data selector load fine. */
    __asm__ volatile("mov %0, %%fs\n\tmov %1, %%fs" : : "r"(0), "r"(0x2b));
    unsigned short fs;
    __asm__ volatile("mov %%fs, %0" : "=r"(fs));
    CHECK_EQ(fs, 0x2b);
    __asm__ volatile("mov %0, %%fs" : : "r"(0));
    signal(SIGSEGV, SIG_DFL);
}

int main(int argc, char **argv, char **envp)
{
    test_tls();
    test_pairs();
    test_stat64();
    test_mmap();
    test_socketcall();
    test_msg();
    test_fcntl64();
    test_limits();
    test_sysvipc();
    test_auxv(envp);
    test_segv_sel();
    return gc_finish();
}
