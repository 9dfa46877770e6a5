/*
 * msg.c - sendmsg/recvmsg (compat_msghdr, 12-byte cmsg headers): scatter/gather data, a peer address (UDP), file
 * descriptors passed with SCM_RIGHTS, credentials with SCM_CREDENTIALS (SO_PASSCRED),
 * and MSG_CTRUNC when the control buffer is too small for the descriptors sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "guest_check.h"

static int send_fds(int sock, const int *fds, int n, const char *text)
{
    char ctl[CMSG_SPACE(4 * sizeof(int))];
    struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                        .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
    memset(ctl, 0, sizeof(ctl));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n * sizeof(int));
    memcpy(CMSG_DATA(c), fds, n * sizeof(int));
    return (int)sendmsg(sock, &m, 0);
}

static void test_rights(void)
{
    int sv[2], pfd[2];
    gc_group("scm_rights");
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    CHECK_EQ(pipe(pfd), 0);
    CHECK_EQ(send_fds(sv[0], &pfd[1], 1, "fd!"), 3);

    char a[2], b[8] = { 0 };
    char ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) - 1 } };
    struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
    CHECK_EQ(recvmsg(sv[1], &m, 0), 3);
    CHECK(a[0] == 'f' && a[1] == 'd');
    CHECK_STR(b, "!");
    CHECK_EQ(m.msg_flags & MSG_CTRUNC, 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    CHECK(c != NULL);
    CHECK_EQ(c->cmsg_level, SOL_SOCKET);
    CHECK_EQ(c->cmsg_type, SCM_RIGHTS);
    CHECK_EQ(c->cmsg_len, CMSG_LEN(sizeof(int)));
    CHECK(CMSG_NXTHDR(&m, c) == NULL);
    int got;
    memcpy(&got, CMSG_DATA(c), sizeof(int));
    CHECK(got >= 0 && got != pfd[1]);
    /* The received descriptor is the pipe's write end. */
    CHECK_EQ(write(got, "via", 3), 3);
    char r[4] = { 0 };
    CHECK_EQ(read(pfd[0], r, 3), 3);
    CHECK_STR(r, "via");

    close(got);
    close(pfd[0]);
    close(pfd[1]);
    close(sv[0]);
    close(sv[1]);
}

/*
 * Three descriptors into room for one: those that fit arrive (as many whole ints as the
 * buffer holds after the header: one on 32-bit, two with 64-bit headers), MSG_CTRUNC
 * says the rest did not.
 */
static void test_ctrunc(void)
{
    int sv[2], pfd[2];
    char b[2];
    gc_group("msg_ctrunc");
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    CHECK_EQ(pipe(pfd), 0);
    int three[3] = { pfd[0], pfd[1], pfd[1] };
    CHECK_EQ(send_fds(sv[0], three, 3, "x"), 1);
    char one_ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iv = { b, 1 };
    struct msghdr m = { .msg_iov = &iv, .msg_iovlen = 1, .msg_control = one_ctl, .msg_controllen = sizeof(one_ctl) };
    CHECK_EQ(recvmsg(sv[1], &m, 0), 1);
    CHECK_EQ(m.msg_flags & MSG_CTRUNC, MSG_CTRUNC);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    CHECK(c != NULL);
    CHECK_EQ(c->cmsg_len, CMSG_LEN((sizeof(one_ctl) - CMSG_LEN(0)) / sizeof(int) * sizeof(int)));
    CHECK_EQ(m.msg_controllen, sizeof(one_ctl));
    close(pfd[0]);
    close(pfd[1]);
    close(sv[0]);
    close(sv[1]);
}

static void test_credentials(void)
{
    int sv[2], on = 1;
    gc_group("scm_credentials");
    CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)), 0);
    struct ucred me = { .pid = getpid(), .uid = getuid(), .gid = getgid() };
    char ctl[CMSG_SPACE(sizeof(struct ucred))];
    memset(ctl, 0, sizeof(ctl));
    struct iovec iov = { "cred", 4 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    memcpy(CMSG_DATA(c), &me, sizeof(me));
    CHECK_EQ(sendmsg(sv[0], &m, 0), 4);

    char buf[8] = { 0 };
    char rctl[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec riov = { buf, sizeof(buf) - 1 };
    struct msghdr r = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rctl, .msg_controllen = sizeof(rctl) };
    CHECK_EQ(recvmsg(sv[1], &r, 0), 4);
    CHECK_STR(buf, "cred");
    c = CMSG_FIRSTHDR(&r);
    CHECK(c != NULL);
    CHECK_EQ(c->cmsg_type, SCM_CREDENTIALS);
    struct ucred got;
    memcpy(&got, CMSG_DATA(c), sizeof(got));
    CHECK_EQ(got.pid, getpid());
    CHECK_EQ(got.uid, getuid());
    CHECK_EQ(got.gid, getgid());
    close(sv[0]);
    close(sv[1]);
}

static void test_udp_name(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t l = sizeof(a);
    gc_group("udp msg_name");
    int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_EQ(bind(r, (struct sockaddr *)&a, sizeof(a)), 0);
    CHECK_EQ(getsockname(r, (struct sockaddr *)&a, &l), 0);
    struct iovec iov[2] = { { "he", 2 }, { "llo", 3 } };
    struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = iov, .msg_iovlen = 2 };
    CHECK_EQ(sendmsg(s, &m, 0), 5);
    struct sockaddr_in from;
    memset(&from, 0, sizeof(from));
    char buf[8] = { 0 };
    struct iovec riov = { buf, sizeof(buf) - 1 };
    struct msghdr rm = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &riov, .msg_iovlen = 1 };
    CHECK_EQ(recvmsg(r, &rm, 0), 5);
    CHECK_STR(buf, "hello");
    CHECK_EQ(rm.msg_namelen, sizeof(from));
    CHECK_EQ(from.sin_family, AF_INET);
    CHECK_EQ(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
    CHECK(from.sin_port != 0);
    close(r);
    close(s);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "ctrunc") == 0) {
        test_ctrunc();
        return gc_finish();
    }
    test_rights();
    test_credentials();
    test_udp_name();
    return gc_finish();
}
