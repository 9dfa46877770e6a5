/*
 * ppc_tty.c - terminal attributes through a pseudo-terminal: ppc's struct termios, its
 * flag bits and c_cc order differ from the host's, so this checks both that values
 * survive tcsetattr/tcgetattr and that they reach the host's line discipline
 * (ICRNL turns CR into NL, ONLCR adds CR before NL, ECHO echoes, ICANON waits for a
 * line, ISIG turns VINTR into SIGINT), plus isatty, speeds, tcflush and the window size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest_check.h"

static int master = -1, slave = -1;
static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
    (void)sig;
    got_sigint = 1;
}

/* Read what is there (the line discipline has it by the time write returns). */
static int drain(int fd, char *buf, int size)
{
    usleep(20000);
    int n = (int)read(fd, buf, (size_t)size - 1);
    buf[n > 0 ? n : 0] = 0;
    return n;
}

static void open_pty(void)
{
    master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(master >= 0);
    CHECK_EQ(grantpt(master), 0);
    CHECK_EQ(unlockpt(master), 0);
    slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    fcntl(master, F_SETFL, O_NONBLOCK);
    fcntl(slave, F_SETFL, O_NONBLOCK);
}

static void test_isatty(void)
{
    int p[2];
    gc_group("isatty");
    CHECK_EQ(isatty(slave), 1);
    CHECK_EQ(pipe(p), 0);
    errno = 0;
    CHECK_EQ(isatty(p[0]), 0);
    CHECK_EQ(errno, ENOTTY);
    close(p[0]);
    close(p[1]);
}

static void test_round_trip(void)
{
    struct termios t, u;
    gc_group("round-trip");
    CHECK_EQ(tcgetattr(slave, &t), 0);
    t.c_iflag = ICRNL | IXON | IXOFF | IMAXBEL | IUTF8;
    t.c_oflag = OPOST | ONLCR;
    t.c_cflag = CS7 | CREAD | PARENB | HUPCL | CLOCAL;
    t.c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
    t.c_cc[VINTR] = 3;
    t.c_cc[VQUIT] = 0x1c;
    t.c_cc[VERASE] = 0x7f;
    t.c_cc[VKILL] = 0x15;
    t.c_cc[VEOF] = 4;
    t.c_cc[VSTART] = 0x11;
    t.c_cc[VSTOP] = 0x13;
    t.c_cc[VSUSP] = 0x1a;
    t.c_cc[VWERASE] = 0x17;
    t.c_cc[VLNEXT] = 0x16;
    t.c_cc[VREPRINT] = 0x12;
    t.c_cc[VEOL] = 0;
    t.c_cc[VEOL2] = 0;
    CHECK_EQ(cfsetispeed(&t, B9600), 0);
    CHECK_EQ(cfsetospeed(&t, B115200), 0);
    CHECK_EQ(tcsetattr(slave, TCSANOW, &t), 0);
    memset(&u, 0, sizeof(u));
    CHECK_EQ(tcgetattr(slave, &u), 0);
    CHECK_EQ(u.c_iflag, t.c_iflag);
    CHECK_EQ(u.c_oflag, t.c_oflag);
    CHECK_EQ(u.c_lflag, t.c_lflag);
    /* A pty forces 8 bits without parity (pty_set_termios); the other bits stay. */
    CHECK_EQ(u.c_cflag & (CSIZE | CREAD | PARENB | PARODD | HUPCL | CLOCAL | CSTOPB),
             (unsigned)(CS8 | CREAD | HUPCL | CLOCAL));
    CHECK_EQ(cfgetospeed(&u), B115200);
    for (int i = 0; i < 17; i++) {
        if (i != VMIN && i != VTIME) {
            printf("c_cc[%d]=%d\n", i, u.c_cc[i]);
            CHECK_EQ(u.c_cc[i], t.c_cc[i]);
        }
    }
    printf("iflag=%#x oflag=%#x lflag=%#x\n", (unsigned)u.c_iflag, (unsigned)u.c_oflag, (unsigned)u.c_lflag);
}

static void test_line_discipline(void)
{
    struct termios t;
    char buf[64];
    gc_group("line discipline");
    CHECK_EQ(tcgetattr(slave, &t), 0);
    t.c_cflag = (t.c_cflag & ~(CSIZE | PARENB)) | CS8;
    t.c_lflag &= ~(ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE);
    CHECK_EQ(tcsetattr(slave, TCSANOW, &t), 0);
    /* ICANON: nothing before the line ends; ICRNL: the CR ends it as NL. */
    CHECK_EQ(write(master, "ab", 2), 2);
    CHECK_EQ(drain(slave, buf, sizeof(buf)), -1);
    CHECK_EQ(write(master, "c\r", 2), 2);
    CHECK_EQ(drain(slave, buf, sizeof(buf)), 4);
    CHECK_STR(buf, "abc\n");
    /* ONLCR: the slave's NL reaches the master as CR NL. */
    CHECK_EQ(write(slave, "x\n", 2), 2);
    CHECK_EQ(drain(master, buf, sizeof(buf)), 3);
    CHECK_STR(buf, "x\r\n");
    /* ECHO on: typed text comes back to the master. */
    t.c_lflag |= ECHO;
    CHECK_EQ(tcsetattr(slave, TCSANOW, &t), 0);
    CHECK_EQ(write(master, "hi\r", 3), 3);
    CHECK_EQ(drain(master, buf, sizeof(buf)), 4);
    CHECK_STR(buf, "hi\r\n");
    CHECK_EQ(drain(slave, buf, sizeof(buf)), 3);
    /* Raw: bytes as they come, NL not expanded. */
    cfmakeraw(&t);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    CHECK_EQ(tcsetattr(slave, TCSAFLUSH, &t), 0);
    CHECK_EQ(write(master, "q\r", 2), 2);
    CHECK_EQ(drain(slave, buf, sizeof(buf)), 2);
    CHECK_STR(buf, "q\r");
    CHECK_EQ(write(slave, "y\n", 2), 2);
    CHECK_EQ(drain(master, buf, sizeof(buf)), 2);
    CHECK_STR(buf, "y\n");
    /* tcflush drops what waits. */
    CHECK_EQ(write(master, "zzz", 3), 3);
    usleep(20000);
    CHECK_EQ(tcflush(slave, TCIFLUSH), 0);
    CHECK(drain(slave, buf, sizeof(buf)) <= 0);
}

static void test_isig(void)
{
    struct termios t;
    gc_group("isig");
    /* VINTR raises SIGINT in the terminal's foreground process group: make it ours. */
    CHECK(setsid() >= 0 || getpgrp() == getpid());
    CHECK_EQ(ioctl(slave, TIOCSCTTY, 0), 0);
    CHECK_EQ(tcsetpgrp(slave, getpgrp()), 0);
    CHECK_EQ(tcgetpgrp(slave), getpgrp());
    signal(SIGINT, on_sigint);
    CHECK_EQ(tcgetattr(slave, &t), 0);
    t.c_lflag |= ISIG;
    t.c_cc[VINTR] = 'K';
    CHECK_EQ(tcsetattr(slave, TCSANOW, &t), 0);
    CHECK_EQ(write(master, "K", 1), 1);
    for (int i = 0; i < 100 && !got_sigint; i++) {
        usleep(10000);
    }
    CHECK_EQ(got_sigint, 1);
}

static void test_winsize(void)
{
    struct winsize w = { .ws_row = 33, .ws_col = 101, .ws_xpixel = 7, .ws_ypixel = 9 }, v;
    gc_group("winsize");
    CHECK_EQ(ioctl(master, TIOCSWINSZ, &w), 0);
    memset(&v, 0, sizeof(v));
    CHECK_EQ(ioctl(slave, TIOCGWINSZ, &v), 0);
    CHECK_EQ(v.ws_row, 33);
    CHECK_EQ(v.ws_col, 101);
    int q = -1;
    CHECK_EQ(ioctl(slave, TIOCOUTQ, &q), 0);
    CHECK_EQ(q, 0);
}

int main(void)
{
    /* A new session needs a process that is not a group leader. */
    if (fork() != 0) {
        int st;
        wait(&st);
        return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
    }
    setsid();
    open_pty();
    test_isatty();
    test_round_trip();
    test_line_discipline();
    test_isig();
    test_winsize();
    return gc_finish();
}
