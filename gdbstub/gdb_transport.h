/*
 * Where gdb connects: a TCP port ("1234", ":1234", "tcp::1234", "tcp:HOST:1234") or a
 * Unix socket path ("unix:PATH", or anything with a '/').  One connection at a time.
 */
#ifndef MIMIC_GDB_TRANSPORT_H
#define MIMIC_GDB_TRANSPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct GdbTransport {
    int listen_fd;
    char *unix_path;            /* removed when closed */
    char *where;                /* "localhost:1234" / the path, for messages */
} GdbTransport;

/* Parse spec and listen; false + error ("mimic: ..." text without the prefix). */
bool gdb_transport_listen(GdbTransport *t, const char *spec, GError **error);
/* Wait for gdb; the connected socket, or -1. */
int gdb_transport_accept(GdbTransport *t);
void gdb_transport_close(GdbTransport *t);
/* Write all of buf (a closed peer is not an error the caller can do anything about). */
bool gdb_transport_send(int fd, const void *buf, size_t n);
/* Is spec a valid -g / -gdb argument? */
bool gdb_transport_spec_ok(const char *spec);

#endif
