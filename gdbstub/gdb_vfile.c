/*
 * vFile: gdb reads the program and its shared libraries through the stub ("target:"
 * sysroot), so it needs no copy of the guest's files on its side.  Paths are the guest's;
 * they are looked up like the guest's own opens (the -L sysroot first).  Only reading is
 * offered: the guest's files are not gdb's to change.
 *
 * Numbers in requests and replies are hex; errors are "F-1,ERRNO" with gdb's errno values
 * (the Linux ones but for ENAMETOOLONG); data follows ';' as escaped binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdbstub/gdb_dispatch.h"
#include "gdbstub/gdb_packet.h"

#define VFILE_MAX_DATA ((GDB_MAX_PACKET - 32) / 2)
#define FILEIO_EUNKNOWN 9999

static int fileio_errno(int e)
{
    switch (e) {
    case EPERM: case ENOENT: case EINTR: case EBADF: case EACCES: case EFAULT: case EBUSY:
    case EEXIST: case ENODEV: case ENOTDIR: case EISDIR: case EINVAL: case ENFILE: case EMFILE:
    case EFBIG: case ENOSPC: case ESPIPE: case EROFS:
        return e;
    case ENAMETOOLONG:
        return 91;
    default:
        return FILEIO_EUNKNOWN;
    }
}

static void fail(GString *reply, int e)
{
    g_string_printf(reply, "F-1,%x", fileio_errno(e));
}

/* The hex-encoded path argument up to ',' or the end; NULL if malformed. */
static char *hex_path(const char **p)
{
    const char *end = strchr(*p, ',');
    size_t n = end ? (size_t)(end - *p) : strlen(*p);
    if (n == 0 || n % 2 != 0 || n / 2 > 4096) {
        return NULL;
    }
    char *path = g_malloc0(n / 2 + 1);
    if (!gdb_hex_decode(*p, n / 2, (uint8_t *)path) || memchr(path, 0, n / 2) != NULL) {
        g_free(path);
        return NULL;
    }
    *p += n;
    return path;
}

static bool parse_args(const char *p, uint64_t *v, int n)
{
    for (int i = 0; i < n; i++) {
        if (!gdb_parse_hex(&p, &v[i])) {
            return false;
        }
        if (i + 1 < n) {
            if (*p != ',') {
                return false;
            }
            p++;
        }
    }
    return *p == 0;
}

static int host_fd(GdbSession *s, uint64_t fd)
{
    return fd < GDB_MAX_FILES ? s->files[fd] : -1;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    }
}

/* gdb's struct fio_stat: big-endian, 4-byte fields but for size, blksize, blocks. */
static void put_fio_stat(GString *reply, const struct stat *st)
{
    uint8_t b[64];
    put_be(b + 0, st->st_dev, 4);
    put_be(b + 4, st->st_ino, 4);
    put_be(b + 8, st->st_mode, 4);
    put_be(b + 12, st->st_nlink, 4);
    put_be(b + 16, st->st_uid, 4);
    put_be(b + 20, st->st_gid, 4);
    put_be(b + 24, st->st_rdev, 4);
    put_be(b + 28, (uint64_t)st->st_size, 8);
    put_be(b + 36, (uint64_t)st->st_blksize, 8);
    put_be(b + 44, (uint64_t)st->st_blocks, 8);
    put_be(b + 52, (uint64_t)st->st_atime, 4);
    put_be(b + 56, (uint64_t)st->st_mtime, 4);
    put_be(b + 60, (uint64_t)st->st_ctime, 4);
    g_string_printf(reply, "F%x;", (unsigned)sizeof(b));
    gdb_escape_binary(reply, b, sizeof(b));
}

bool gdb_vfile(GdbSession *s, const char *pkt, size_t len, GString *reply)
{
    const char *p;
    uint64_t a[3];

    if (strncmp(pkt, "vFile:setfs:", 12) == 0) {
        g_string_assign(reply, "F0");
    } else if (strncmp(pkt, "vFile:open:", 11) == 0) {
        p = pkt + 11;
        g_autofree char *path = hex_path(&p);
        if (path == NULL || *p != ',' || !parse_args(p + 1, a, 2)) {
            fail(reply, EINVAL);
            return true;
        }
        if ((a[0] & 3) != 0) {
            fail(reply, EROFS);
            return true;
        }
        int slot = -1;
        for (int i = 0; i < GDB_MAX_FILES && slot < 0; i++) {
            if (s->files[i] < 0) {
                slot = i;
            }
        }
        if (slot < 0) {
            fail(reply, EMFILE);
            return true;
        }
        g_autofree char *host = s->t->host_path(s->t->opaque, path);
        int fd = open(host, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fail(reply, errno);
            return true;
        }
        s->files[slot] = fd;
        g_string_printf(reply, "F%x", slot);
    } else if (strncmp(pkt, "vFile:pread:", 12) == 0) {
        if (!parse_args(pkt + 12, a, 3) || host_fd(s, a[0]) < 0) {
            fail(reply, EBADF);
            return true;
        }
        size_t n = MIN(a[1], (uint64_t)VFILE_MAX_DATA);
        g_autofree uint8_t *buf = g_malloc(n ? n : 1);
        ssize_t got = pread(host_fd(s, a[0]), buf, n, (off_t)a[2]);
        if (got < 0) {
            fail(reply, errno);
            return true;
        }
        g_string_printf(reply, "F%zx;", (size_t)got);
        gdb_escape_binary(reply, buf, (size_t)got);
    } else if (strncmp(pkt, "vFile:close:", 12) == 0) {
        if (!parse_args(pkt + 12, a, 1) || host_fd(s, a[0]) < 0) {
            fail(reply, EBADF);
            return true;
        }
        close(s->files[a[0]]);
        s->files[a[0]] = -1;
        g_string_assign(reply, "F0");
    } else if (strncmp(pkt, "vFile:fstat:", 12) == 0) {
        struct stat st;
        if (!parse_args(pkt + 12, a, 1) || host_fd(s, a[0]) < 0) {
            fail(reply, EBADF);
            return true;
        }
        if (fstat(host_fd(s, a[0]), &st) < 0) {
            fail(reply, errno);
            return true;
        }
        put_fio_stat(reply, &st);
    } else if (strncmp(pkt, "vFile:readlink:", 15) == 0) {
        p = pkt + 15;
        g_autofree char *path = hex_path(&p);
        if (path == NULL || *p != 0) {
            fail(reply, EINVAL);
            return true;
        }
        g_autofree char *host = s->t->host_path(s->t->opaque, path);
        char buf[4096];
        ssize_t n = readlink(host, buf, sizeof(buf));
        if (n < 0) {
            fail(reply, errno);
            return true;
        }
        g_string_printf(reply, "F%zx;", (size_t)n);
        gdb_escape_binary(reply, (const uint8_t *)buf, (size_t)n);
    } else if (strncmp(pkt, "vFile:pwrite:", 13) == 0 || strncmp(pkt, "vFile:unlink:", 13) == 0) {
        fail(reply, EROFS);
    } else {
        return false;
    }
    (void)len;
    return true;
}

void gdb_vfile_close_all(GdbSession *s)
{
    for (int i = 0; i < GDB_MAX_FILES; i++) {
        if (s->files[i] >= 0) {
            close(s->files[i]);
            s->files[i] = -1;
        }
    }
}
