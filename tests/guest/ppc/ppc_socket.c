/*
 * ppc_socket.c - socket calls whose arguments carry integers in guest byte order: the
 * sockaddr family (bind, connect, getsockname, accept), socklen_t through pointers,
 * int-valued options (SO_REUSEADDR, SO_RCVLOWAT, whose number differs on ppc), data over
 * TCP on loopback, sendto/recvfrom on UDP with the peer's address, socketpair.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "guest_check.h"

static void test_tcp(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t l;
    int one = 1, v = 0;
    gc_group("tcp");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= 0);
    CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
    l = sizeof(v);
    CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &l), 0);
    CHECK_EQ(v, 1);
    CHECK_EQ(l, sizeof(int));
    v = 7;
    CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)), 0);
    v = 0;
    l = sizeof(v);
    CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, &l), 0);
    CHECK_EQ(v, 7);
    CHECK_EQ(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    CHECK_EQ(listen(s, 1), 0);
    l = sizeof(a);
    CHECK_EQ(getsockname(s, (struct sockaddr *)&a, &l), 0);
    CHECK_EQ(l, sizeof(a));
    CHECK_EQ(a.sin_family, AF_INET);
    CHECK(a.sin_port != 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
    struct sockaddr_in peer;
    l = sizeof(peer);
    int d = accept(s, (struct sockaddr *)&peer, &l);
    CHECK(d >= 0);
    CHECK_EQ(peer.sin_family, AF_INET);
    CHECK_EQ(ntohl(peer.sin_addr.s_addr), INADDR_LOOPBACK);
    CHECK_EQ(write(c, "ping", 4), 4);
    char buf[8] = { 0 };
    CHECK_EQ(read(d, buf, 4), 4);
    CHECK_STR(buf, "ping");
    close(d);
    close(c);
    close(s);
}

static void test_udp(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct sockaddr_in from;
    socklen_t l = sizeof(a);
    gc_group("udp");
    int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_EQ(bind(r, (struct sockaddr *)&a, sizeof(a)), 0);
    CHECK_EQ(getsockname(r, (struct sockaddr *)&a, &l), 0);
    CHECK_EQ(sendto(s, "hello", 5, 0, (struct sockaddr *)&a, sizeof(a)), 5);
    char buf[8] = { 0 };
    l = sizeof(from);
    CHECK_EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &l), 5);
    CHECK_STR(buf, "hello");
    CHECK_EQ(from.sin_family, AF_INET);
    CHECK_EQ(l, sizeof(from));
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    CHECK_EQ(write(sv[0], "x", 1), 1);
    CHECK_EQ(read(sv[1], buf, 1), 1);
    close(sv[0]);
    close(sv[1]);
    close(r);
    close(s);
}

int main(void)
{
    test_tcp();
    test_udp();
    return gc_finish();
}
