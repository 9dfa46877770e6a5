/*
 * mmsg.c - sendmmsg/recvmmsg: a batch of datagrams with each msg_len filled in, a batch
 * cut short by a bad buffer (the count so far), EAGAIN on an empty socket, MSG_WAITFORONE,
 * and the remaining time written back into recvmmsg's timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "guest_check.h"

int main(void)
{
    gc_group("sendmmsg/recvmmsg");
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);

    char *words[3] = { "one", "three", "fifteen chars!!" };
    struct iovec out[3];
    struct mmsghdr msgs[3];
    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < 3; i++) {
        out[i].iov_base = words[i];
        out[i].iov_len = strlen(words[i]);
        msgs[i].msg_hdr.msg_iov = &out[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_len = 0x5555;
    }
    CHECK_EQ(sendmmsg(sv[0], msgs, 3, 0), 3);
    CHECK_EQ(msgs[0].msg_len, 3);
    CHECK_EQ(msgs[1].msg_len, 5);
    CHECK_EQ(msgs[2].msg_len, 15);

    char buf[4][32];
    struct iovec in[4];
    struct mmsghdr rm[4];
    memset(rm, 0, sizeof(rm));
    memset(buf, 0, sizeof(buf));
    for (int i = 0; i < 4; i++) {
        in[i].iov_base = buf[i];
        in[i].iov_len = sizeof(buf[i]);
        rm[i].msg_hdr.msg_iov = &in[i];
        rm[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK_EQ(recvmmsg(sv[1], rm, 4, MSG_DONTWAIT, NULL), 3);
    CHECK_EQ(rm[0].msg_len, 3);
    CHECK_EQ(rm[1].msg_len, 5);
    CHECK_EQ(rm[2].msg_len, 15);
    CHECK_STR(buf[0], "one");
    CHECK_STR(buf[1], "three");
    CHECK_STR(buf[2], "fifteen chars!!");

    errno = 0;
    CHECK_EQ(recvmmsg(sv[1], rm, 4, MSG_DONTWAIT, NULL), -1);
    CHECK_EQ(errno, EAGAIN);

    /* The second message's buffer is unmapped: one datagram goes, and the call says 1. */
    out[1].iov_base = (void *)16;
    CHECK_EQ(sendmmsg(sv[0], msgs, 3, 0), 1);
    out[1].iov_base = words[1];

    /* MSG_WAITFORONE: blocks for the first (already there), then takes what is queued. */
    CHECK_EQ(sendmmsg(sv[0], &msgs[1], 1, 0), 1);
    CHECK_EQ(recvmmsg(sv[1], rm, 4, MSG_WAITFORONE, NULL), 2);
    CHECK_EQ(rm[0].msg_len, 3);
    CHECK_EQ(rm[1].msg_len, 5);

    /* The timeout comes back as the time left. */
    CHECK_EQ(sendmmsg(sv[0], msgs, 1, 0), 1);
    struct timespec ts = { 5, 0 };
    CHECK_EQ(recvmmsg(sv[1], rm, 2, MSG_WAITFORONE, &ts), 1);
    CHECK(ts.tv_sec == 4 || ts.tv_sec == 5);
    CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    close(sv[0]);
    close(sv[1]);
    return gc_finish();
}
