/*
 * fs_poll_futex.c - three compat layouts every 32-bit ABI converts the same way, in the
 * guest's byte order (big-endian on ppc32):
 *   - statfs64/fstatfs64: the struct's fields, and EINVAL for any size but the ABI's own;
 *   - ppoll with the old 32-bit timespec and with the time64 one: revents, and the time
 *     left written back;
 *   - futex with the old timespec (a timed-out wait), FUTEX_CMP_REQUEUE's comparison with
 *     the word, FUTEX_WAKE_OP's operation on the second word, and a wait woken by a thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "guest_check.h"

#if defined(__i386__)
#define STATFS64_SIZE 84        /* packed on i386 */
#else
#define STATFS64_SIZE 88
#endif

/* The kernel's struct statfs64 for a 32-bit task, whatever glibc's struct is (its natural
 * size: i386 aligns 64-bit members to 4 bytes, so it has no tail padding there). */
struct k_statfs64 {
    uint32_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct k_statfs64) == STATFS64_SIZE, "struct statfs64 size");

struct old_ts32 {
    int32_t tv_sec, tv_nsec;
};

static void test_statfs(void)
{
    gc_group("statfs64");
    struct k_statfs64 a, b;
    unsigned char raw[96];
    memset(&a, 0x55, sizeof(a));
    memset(&b, 0x55, sizeof(b));
    CHECK_EQ(syscall(SYS_statfs64, "/", STATFS64_SIZE, &a), 0);
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_EQ(syscall(SYS_fstatfs64, fd, STATFS64_SIZE, &b), 0);
    close(fd);
    /* The same file system both ways; fields that cannot move between the two calls. */
    CHECK_EQ(a.f_type, b.f_type);
    CHECK_EQ(a.f_bsize, b.f_bsize);
    CHECK_EQ(a.f_blocks, b.f_blocks);
    CHECK_EQ(a.f_files, b.f_files);
    CHECK_EQ(a.f_namelen, b.f_namelen);
    CHECK_EQ(a.f_frsize, b.f_frsize);
    CHECK_EQ(a.f_fsid[0], b.f_fsid[0]);
    CHECK_EQ(a.f_fsid[1], b.f_fsid[1]);
    /* Values any sane file system has: byte order or offsets gone wrong break these. */
    CHECK(a.f_bsize >= 512 && a.f_bsize <= (1u << 20) && (a.f_bsize & (a.f_bsize - 1)) == 0);
    CHECK(a.f_namelen >= 14 && a.f_namelen <= 4096);
    CHECK(a.f_blocks > 0 && a.f_blocks < (UINT64_C(1) << 48));
    CHECK(a.f_bfree <= a.f_blocks && a.f_bavail <= a.f_bfree);
    CHECK(a.f_ffree <= a.f_files);
    /* What glibc makes of it agrees. */
    struct statfs g;
    CHECK_EQ(statfs("/", &g), 0);
    CHECK_EQ(g.f_type, a.f_type);
    CHECK_EQ(g.f_bsize, a.f_bsize);
    CHECK_EQ(g.f_namelen, a.f_namelen);
    /* The kernel insists on the exact size. */
    errno = 0;
    CHECK_EQ(syscall(SYS_statfs64, "/", STATFS64_SIZE == 84 ? 88 : 84, raw), -1);
    CHECK_EQ(errno, EINVAL);
    errno = 0;
    CHECK_EQ(syscall(SYS_statfs64, "/no/such/dir", STATFS64_SIZE, raw), -1);
    CHECK_EQ(errno, ENOENT);
}

static void test_ppoll(void)
{
    gc_group("ppoll");
    int p[2];
    CHECK_EQ(pipe(p), 0);
    struct pollfd pf[2] = { { p[0], POLLIN, 0x5555 }, { p[1], POLLOUT, 0x5555 } };
    struct old_ts32 t32 = { 5, 0 };
    /* Only the write end is ready: the call returns at once with most of the time left. */
    CHECK_EQ(syscall(SYS_ppoll, pf, 2, &t32, NULL, 8), 1);
    CHECK_EQ(pf[0].revents, 0);
    CHECK_EQ(pf[1].revents, POLLOUT);
    CHECK_EQ(pf[0].fd, p[0]);
    CHECK_EQ(pf[1].events, POLLOUT);
    CHECK(t32.tv_sec >= 3 && t32.tv_sec <= 5);
    CHECK(t32.tv_nsec >= 0 && t32.tv_nsec < 1000000000);
    /* Nothing ready: a 20 ms timeout runs out and leaves zero. */
    struct old_ts32 z = { 0, 20000000 };
    CHECK_EQ(syscall(SYS_ppoll, pf, 1, &z, NULL, 8), 0);
    CHECK_EQ(z.tv_sec, 0);
    CHECK_EQ(z.tv_nsec, 0);
    CHECK_EQ(write(p[1], "x", 1), 1);
#ifdef SYS_ppoll_time64
    struct timespec t64 = { 7, 0 };
    pf[0].revents = 0x5555;
    CHECK_EQ(syscall(SYS_ppoll_time64, pf, 1, &t64, NULL, 8), 1);
    CHECK_EQ(pf[0].revents, POLLIN);
    CHECK(t64.tv_sec >= 5 && t64.tv_sec <= 7);
#endif
    /* A bad sigset size. */
    sigset_t m;
    sigemptyset(&m);
    errno = 0;
    CHECK_EQ(syscall(SYS_ppoll, pf, 1, NULL, &m, 4), -1);
    CHECK_EQ(errno, EINVAL);
    close(p[0]);
    close(p[1]);
}

static uint32_t word = 7, word2 = 0x10;
/* Set once the main thread's wait has returned: a wait that came too late sees 8 and
 * returns EAGAIN without sleeping, and the waker must not go on waking nobody. */
static int wait_over;

static void *waker(void *arg)
{
    (void)arg;
    struct timespec d = { 0, 20000000 };
    nanosleep(&d, NULL);
    __atomic_store_n(&word, 8, __ATOMIC_SEQ_CST);
    while (syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0
           && !__atomic_load_n(&wait_over, __ATOMIC_SEQ_CST)) {
        nanosleep(&d, NULL);
    }
    return NULL;
}

static void test_futex(void)
{
    gc_group("futex");
    struct old_ts32 t = { 0, 20000000 };
    /* The word holds the expected value: the wait times out. */
    errno = 0;
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, &t, NULL, 0), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    /* It does not: EAGAIN at once (the comparison is with the word in the guest's order). */
    errno = 0;
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0x07000000, &t, NULL, 0), -1);
    CHECK_EQ(errno, EAGAIN);
    /* FUTEX_CMP_REQUEUE compares val3 with the word. */
    errno = 0;
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word2, 6), -1);
    CHECK_EQ(errno, EAGAIN);
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word2, 7), 0);
    /* FUTEX_WAKE_OP: word2 += 3, wake on word2's old value being > 15 (0x10 is). */
    uint32_t op = FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 15);
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_WAKE_OP_PRIVATE, 1, 1, &word2, op), 0);
    CHECK_EQ(word2, 0x13);
    op = FUTEX_OP(FUTEX_OP_OR, 8, FUTEX_OP_CMP_EQ, 0) | (FUTEX_OP_OPARG_SHIFT << 28);
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_WAKE_OP_PRIVATE, 1, 1, &word2, op), 0);
    CHECK_EQ(word2, 0x113);
    /* A waiter woken by another thread. */
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, waker, NULL), 0);
    struct old_ts32 longer = { 10, 0 };
    long r;
    do {
        r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, &longer, NULL, 0);
    } while (r == -1 && errno == EINTR);
    __atomic_store_n(&wait_over, 1, __ATOMIC_SEQ_CST);
    CHECK(r == 0 || (r == -1 && errno == EAGAIN));
    CHECK_EQ(__atomic_load_n(&word, __ATOMIC_SEQ_CST), 8);
    CHECK_EQ(pthread_join(th, NULL), 0);
}

int main(void)
{
    test_statfs();
    test_ppoll();
    test_futex();
    return gc_finish();
}
