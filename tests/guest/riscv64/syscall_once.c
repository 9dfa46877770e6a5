/*
 * syscall_once.c - syscalls with side effects whose output buffer lies on a page the guest also
 * runs code from. A translator that write-protects pages it translated code from (to catch
 * self-modifying code) makes the host kernel fail such a syscall with EFAULT; re-issuing it
 * after unprotecting the page would repeat its side effect: a read would have consumed a byte,
 * an accept a connection. The syscall must take effect exactly once.
 *
 * The page is RWX: a tiny function in its first half is (re)written and called before each
 * syscall, so it was just translated; the syscall's buffers are in its second half.
 *   read:    a pipe holds "AB"; 1-byte reads return 'A' then 'B', then EAGAIN.
 *   accept4: two clients connect to a listening unix socket; two accept4 calls return them in
 *            order with their (abstract) addresses written into the page, then EAGAIN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest_check.h"

static volatile uint32_t *page;
static int generation;

/* Rewrites the function at the start of the page to return a new value and calls it, so the
   page holds freshly translated code just before the syscall. */
static void run_code_on_page(void)
{
    generation++;
#if defined(__powerpc__)
    page[0] = 0x38600000u | (uint32_t)generation;               /* li r3, generation */
    page[1] = 0x4e800020u;                                      /* blr */
#elif defined(__i386__) || defined(__x86_64__)
    page[0] = 0xb8u | (uint32_t)generation << 8;                /* mov $generation, %eax */
    page[1] = 0xc300u;                                          /* imm32 high byte 0; ret */
#else
    page[0] = (uint32_t)generation << 20 | 10 << 7 | 0x13;     /* addi a0, zero, generation */
    page[1] = 0x00008067;                                       /* ret */
#endif
    __builtin___clear_cache((char *)page, (char *)(page + 2));
    int (*fn)(void) = (int (*)(void))(uintptr_t)page;
    CHECK_EQ(fn(), generation);
}

static void test_read(void)
{
    int fds[2];
    gc_group("read");
    char *buf = (char *)page + 2048;
    if (!CHECK_EQ(pipe2(fds, O_NONBLOCK), 0)) {
        return;
    }
    CHECK_EQ(write(fds[1], "AB", 2), 2);
    run_code_on_page();
    CHECK_EQ(read(fds[0], buf, 1), 1);
    CHECK_EQ(buf[0], 'A');
    run_code_on_page();
    CHECK_EQ(read(fds[0], buf + 1, 1), 1);
    CHECK_EQ(buf[1], 'B');
    run_code_on_page();
    errno = 0;
    CHECK_EQ(read(fds[0], buf + 2, 1), -1);     /* nothing left: no byte was read twice */
    CHECK_EQ(errno, EAGAIN);
    close(fds[0]);
    close(fds[1]);
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    /* Abstract namespace (leading NUL): no file left behind; the pid keeps parallel runs apart. */
    int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "mimic-once-%s-%d", name, getpid());
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int client(const char *name, const struct sockaddr_un *server, socklen_t server_len)
{
    struct sockaddr_un me;
    socklen_t len = abstract_addr(&me, name);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&me, len) != 0 ||
        connect(fd, (const struct sockaddr *)server, server_len) != 0) {
        return -1;
    }
    return fd;
}

static void test_accept4(void)
{
    struct sockaddr_un srv, want;
    gc_group("accept4");
    socklen_t srv_len = abstract_addr(&srv, "server");
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (!CHECK(lfd >= 0) || !CHECK_EQ(bind(lfd, (struct sockaddr *)&srv, srv_len), 0) ||
        !CHECK_EQ(listen(lfd, 4), 0)) {
        return;
    }
    int c1 = client("c1", &srv, srv_len);
    int c2 = client("c2", &srv, srv_len);
    CHECK(c1 >= 0 && c2 >= 0);

    /* The peer address and its length are both written into the code page. */
    struct sockaddr_un *peer = (struct sockaddr_un *)((char *)page + 2048);
    socklen_t *peer_len = (socklen_t *)((char *)page + 2048 + 512);
    int accepted = 0;
    const char *names[2] = { "c1", "c2" };
    for (int k = 0; k < 2; k++) {
        run_code_on_page();
        memset(peer, 0, sizeof(*peer));
        *peer_len = sizeof(*peer);
        int fd = accept4(lfd, (struct sockaddr *)peer, peer_len, SOCK_CLOEXEC);
        if (!CHECK(fd >= 0)) {
            continue;
        }
        accepted++;
        socklen_t want_len = abstract_addr(&want, names[k]);
        CHECK_EQ(*peer_len, want_len);
        CHECK(memcmp(peer->sun_path, want.sun_path, want_len - offsetof(struct sockaddr_un, sun_path)) == 0);
        CHECK_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
        close(fd);
    }
    CHECK_EQ(accepted, 2);
    run_code_on_page();
    errno = 0;
    *peer_len = sizeof(*peer);
    CHECK_EQ(accept4(lfd, (struct sockaddr *)peer, peer_len, 0), -1);  /* no third connection */
    CHECK_EQ(errno, EAGAIN);
    close(c1);
    close(c2);
    close(lfd);
}

int main(void)
{
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        printf("mmap RWX failed\n");
        return 1;
    }
    test_read();
    test_accept4();
    return gc_finish();
}
