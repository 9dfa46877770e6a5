/*
 * platform/devices/chardev.c -- stdio and buffer character backends, escape keys.
 *
 * The stdio backend puts the terminal in raw mode (no echo, no line editing, no
 * signals: Ctrl-C belongs to the guest, as under QEMU -nographic) and restores it at
 * exit through atexit() and on SIGTERM/SIGHUP/SIGQUIT; a reader thread polls stdin so
 * chardev_free() can stop it. Input queues without limit: a guest that never reads
 * its UART only costs what the user typed.
 */
#include "platform/devices/chardev.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

typedef enum ChardevKind {
    CHARDEV_BUFFER,
    CHARDEV_STDIO,
} ChardevKind;

struct Chardev {
    ChardevKind kind;
    GMutex lock;
    GByteArray *rx;             /* typed, not yet read by the device */
    GByteArray *out;            /* buffer backend: everything written */
    bool escapes;
    bool escape_pending;
    ChardevRxFn rx_fn;
    void *rx_opaque;
    ChardevQuitFn quit_fn;
    void *quit_opaque;
    GThread *reader;
    volatile int reader_stop;
};

static const char chardev_help[] =
    "\r\nC-a h    print this help\r\n"
    "C-a x    exit emulator\r\n"
    "C-a C-a  sends C-a\r\n";

/* --- Terminal state --- */

static struct termios chardev_saved_tio;
static bool chardev_tio_saved;

static void chardev_restore_tty(void)
{
    if (chardev_tio_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &chardev_saved_tio);
    }
}

/* A signal that ends the process (kill, hang-up) must not leave the shell in raw mode:
 * restore, then die of the same signal. Installed only where nobody else handles it. */
static void chardev_fatal_signal(int sig)
{
    if (chardev_tio_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &chardev_saved_tio);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void chardev_catch_fatal_signals(void)
{
    static const int sigs[] = { SIGTERM, SIGHUP, SIGQUIT };
    for (unsigned i = 0; i < G_N_ELEMENTS(sigs); i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
            struct sigaction sa = { .sa_handler = chardev_fatal_signal };
            sigemptyset(&sa.sa_mask);
            sigaction(sigs[i], &sa, NULL);
        }
    }
}

static void chardev_raw_tty(void)
{
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &chardev_saved_tio) != 0) {
        return;
    }
    if (!chardev_tio_saved) {
        chardev_tio_saved = true;
        atexit(chardev_restore_tty);
        chardev_catch_fatal_signals();
    }
    struct termios tio = chardev_saved_tio;
    tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tio.c_oflag |= OPOST;       /* keep \n -> \r\n for our own messages */
    tio.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    tio.c_cflag &= ~(CSIZE | PARENB);
    tio.c_cflag |= CS8;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &tio);
}

/* --- Common --- */

static Chardev *chardev_new(ChardevKind kind, bool escapes)
{
    Chardev *chr = g_new0(Chardev, 1);
    chr->kind = kind;
    g_mutex_init(&chr->lock);
    chr->rx = g_byte_array_new();
    chr->out = g_byte_array_new();
    chr->escapes = escapes;
    return chr;
}

Chardev *chardev_new_buffer(bool escapes)
{
    return chardev_new(CHARDEV_BUFFER, escapes);
}

static void chardev_write_host(Chardev *chr, const uint8_t *buf, size_t len)
{
    if (chr->kind == CHARDEV_BUFFER) {
        g_mutex_lock(&chr->lock);
        g_byte_array_append(chr->out, buf, (guint)len);
        g_mutex_unlock(&chr->lock);
        return;
    }
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;     /* stdout gone: the guest's output has nowhere to go */
        }
        buf += n;
        len -= (size_t)n;
    }
}

void chardev_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    chardev_write_host(chr, buf, len);
}

size_t chardev_read(Chardev *chr, uint8_t *buf, size_t max)
{
    g_mutex_lock(&chr->lock);
    size_t n = MIN(max, chr->rx->len);
    if (n > 0) {        /* an empty GByteArray's data may be NULL */
        memcpy(buf, chr->rx->data, n);
        g_byte_array_remove_range(chr->rx, 0, (guint)n);
    }
    g_mutex_unlock(&chr->lock);
    return n;
}

size_t chardev_rx_avail(Chardev *chr)
{
    g_mutex_lock(&chr->lock);
    size_t n = chr->rx->len;
    g_mutex_unlock(&chr->lock);
    return n;
}

void chardev_set_rx_handler(Chardev *chr, ChardevRxFn fn, void *opaque)
{
    g_mutex_lock(&chr->lock);
    chr->rx_fn = fn;
    chr->rx_opaque = opaque;
    g_mutex_unlock(&chr->lock);
}

void chardev_set_quit_handler(Chardev *chr, ChardevQuitFn fn, void *opaque)
{
    g_mutex_lock(&chr->lock);
    chr->quit_fn = fn;
    chr->quit_opaque = opaque;
    g_mutex_unlock(&chr->lock);
}

static void chardev_quit(Chardev *chr)
{
    static const char msg[] = "mimic: terminated by C-a x\r\n";
    chardev_write_host(chr, (const uint8_t *)msg, sizeof(msg) - 1);
    if (chr->quit_fn) {
        chr->quit_fn(chr->quit_opaque);
        return;
    }
    chardev_restore_tty();
    exit(0);
}

void chardev_input(Chardev *chr, const uint8_t *buf, size_t len)
{
    g_mutex_lock(&chr->lock);
    bool quit = false, help = false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (!chr->escapes) {
            g_byte_array_append(chr->rx, &c, 1);
        } else if (chr->escape_pending) {
            chr->escape_pending = false;
            if (c == 'x' || c == 'X') {
                quit = true;
                break;
            } else if (c == 'h' || c == 'H' || c == '?') {
                help = true;
            } else if (c == CHARDEV_ESCAPE_CHAR) {
                g_byte_array_append(chr->rx, &c, 1);
            }
            /* Other keys after C-a are swallowed, as QEMU's mux does for unknown ones. */
        } else if (c == CHARDEV_ESCAPE_CHAR) {
            chr->escape_pending = true;
        } else {
            g_byte_array_append(chr->rx, &c, 1);
        }
    }
    ChardevRxFn fn = chr->rx_fn;
    void *opaque = chr->rx_opaque;
    bool have = chr->rx->len > 0;
    g_mutex_unlock(&chr->lock);
    if (help) {
        chardev_write_host(chr, (const uint8_t *)chardev_help, sizeof(chardev_help) - 1);
    }
    if (quit) {
        chardev_quit(chr);
        return;
    }
    if (have && fn) {
        fn(opaque);
    }
}

char *chardev_buffer_output(Chardev *chr, size_t *len)
{
    g_mutex_lock(&chr->lock);
    char *s = g_malloc(chr->out->len + 1);
    if (chr->out->len) {        /* output may hold NULs: copy bytes, not a string */
        memcpy(s, chr->out->data, chr->out->len);
    }
    s[chr->out->len] = '\0';
    if (len) {
        *len = chr->out->len;
    }
    g_mutex_unlock(&chr->lock);
    return s;
}

void chardev_buffer_clear(Chardev *chr)
{
    g_mutex_lock(&chr->lock);
    g_byte_array_set_size(chr->out, 0);
    g_mutex_unlock(&chr->lock);
}

/* --- stdio --- */

static gpointer chardev_reader_main(gpointer opaque)
{
    Chardev *chr = opaque;
    uint8_t buf[256];
    while (!g_atomic_int_get(&chr->reader_stop)) {
        struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
        int r = poll(&pfd, 1, 100);     /* wakes to notice reader_stop */
        if (r <= 0) {
            continue;
        }
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (n <= 0) {
            return NULL;        /* end of input: the guest just sees no more keys */
        }
        chardev_input(chr, buf, (size_t)n);
    }
    return NULL;
}

Chardev *chardev_new_stdio(GError **error)
{
    Chardev *chr = chardev_new(CHARDEV_STDIO, true);
    chardev_raw_tty();
    chr->reader = g_thread_new("chardev-stdin", chardev_reader_main, chr);
    return chr;
}

void chardev_free(Chardev *chr)
{
    if (!chr) {
        return;
    }
    if (chr->reader) {
        g_atomic_int_set(&chr->reader_stop, 1);
        g_thread_join(chr->reader);
        chardev_restore_tty();
    }
    g_byte_array_free(chr->rx, TRUE);
    g_byte_array_free(chr->out, TRUE);
    g_mutex_clear(&chr->lock);
    g_free(chr);
}
