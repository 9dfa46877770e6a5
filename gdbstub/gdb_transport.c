/* Listening sockets for the gdb stub (see gdb_transport.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gdbstub/gdb_transport.h"
#include "ir/ir.h"

static bool is_unix(const char *spec, const char **path)
{
    if (g_str_has_prefix(spec, "unix:")) {
        *path = spec + 5;
        return true;
    }
    if (strchr(spec, '/') != NULL) {
        *path = spec;
        return true;
    }
    return false;
}

/* "1234", ":1234", "tcp::1234", "tcp:HOST:1234", "HOST:1234" -> host (NULL: any local) and port. */
static bool parse_tcp(const char *spec, char **host, char **port)
{
    const char *s = g_str_has_prefix(spec, "tcp:") ? spec + 4 : spec;
    const char *colon = strrchr(s, ':');
    const char *p = colon ? colon + 1 : s;
    char *end;
    long n = strtol(p, &end, 10);
    if (*p == 0 || *end != 0 || n <= 0 || n > 65535) {
        return false;
    }
    *host = colon != NULL && colon > s ? g_strndup(s, (gsize)(colon - s)) : NULL;
    *port = g_strdup(p);
    return true;
}

bool gdb_transport_spec_ok(const char *spec)
{
    const char *path;
    char *host = NULL, *port = NULL;
    if (spec == NULL || *spec == 0) {
        return false;
    }
    if (is_unix(spec, &path)) {
        return *path != 0 && strlen(path) < sizeof(((struct sockaddr_un *)0)->sun_path);
    }
    bool ok = parse_tcp(spec, &host, &port);
    g_free(host);
    g_free(port);
    return ok;
}

bool gdb_transport_listen(GdbTransport *t, const char *spec, GError **error)
{
    const char *path;
    memset(t, 0, sizeof(*t));
    t->listen_fd = -1;
    if (is_unix(spec, &path)) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (*path == 0 || strlen(path) >= sizeof(sa.sun_path)) {
            g_set_error(error, IR_MIMIC_ERROR, 0, "gdb socket path '%s' is empty or too long", path);
            return false;
        }
        strcpy(sa.sun_path, path);
        unlink(path);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
            g_set_error(error, IR_MIMIC_ERROR, 0, "cannot listen for gdb on '%s': %s", path, g_strerror(errno));
            if (fd >= 0) {
                close(fd);
            }
            return false;
        }
        t->listen_fd = fd;
        t->unix_path = g_strdup(path);
        t->where = g_strdup(path);
        return true;
    }
    g_autofree char *host = NULL;
    g_autofree char *port = NULL;
    if (!parse_tcp(spec, &host, &port)) {
        g_set_error(error, IR_MIMIC_ERROR, 0, "bad gdb address '%s' (use PORT, tcp::PORT or a socket path)",
                    spec);
        return false;
    }
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        g_set_error(error, IR_MIMIC_ERROR, 0, "gdb address '%s': %s", spec, gai_strerror(rc));
        return false;
    }
    int err = 0;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        int one = 1;
        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0) {
            t->listen_fd = fd;
            break;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    if (t->listen_fd < 0) {
        g_set_error(error, IR_MIMIC_ERROR, 0, "cannot listen for gdb on port %s: %s", port, g_strerror(err));
        return false;
    }
    t->where = g_strdup_printf("%s:%s", host ? host : "localhost", port);
    return true;
}

int gdb_transport_accept(GdbTransport *t)
{
    for (;;) {
        int fd = accept4(t->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));   /* fails harmlessly on Unix sockets */
            return fd;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

void gdb_transport_close(GdbTransport *t)
{
    if (t->listen_fd >= 0) {
        close(t->listen_fd);
        t->listen_fd = -1;
    }
    if (t->unix_path != NULL) {
        unlink(t->unix_path);
    }
    g_clear_pointer(&t->unix_path, g_free);
    g_clear_pointer(&t->where, g_free);
}

bool gdb_transport_send(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}
