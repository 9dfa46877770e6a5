/*
 * /proc files whose host contents would describe mimic instead of the guest:
 *   /proc/self/maps (also /proc/<own pid>/maps and /proc/thread-self/maps): the guest's
 *     own mappings at guest addresses, not mimic's host address space;
 *   /proc/cpuinfo: the guest architecture's format (UserArchAbi.cpuinfo), one entry per
 *     host CPU the process may run on, not the host's x86 description.
 * Each is written into a memfd at open time, which the guest then reads, seeks and
 * closes like the real file.  Other /proc paths go to the host unchanged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

static void write_maps(UserProc *p, GString *s)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&p->mem.lock);
    for (guint i = 0; i < p->mem.vmas->len; i++) {
        const UserVma *v = &g_array_index(p->mem.vmas, UserVma, i);
        g_string_append_printf(s, "%08" G_GINT64_MODIFIER "x-%08" G_GINT64_MODIFIER "x %c%c%c%c "
                               "00000000 00:00 0", v->start, v->end,
                               (v->prot & PROT_READ) ? 'r' : '-', (v->prot & PROT_WRITE) ? 'w' : '-',
                               (v->prot & PROT_EXEC) ? 'x' : '-',
                               (v->flags & USER_VMA_SHARED) ? 's' : 'p');
        if (v->name) {
            g_string_append_printf(s, "%*s%s", 10, "", v->name);
        }
        g_string_append_c(s, '\n');
    }
}

static bool is_own_maps(const char *path)
{
    char own[64];

    if (strcmp(path, "/proc/self/maps") == 0 || strcmp(path, "/proc/thread-self/maps") == 0) {
        return true;
    }
    g_snprintf(own, sizeof(own), "/proc/%d/maps", (int)getpid());
    return strcmp(path, own) == 0;
}

/* Contents -> a memfd positioned at 0, close-on-exec as the guest asked. */
static int64_t memfd_with(const GString *s, int flags)
{
    int fd = memfd_create("mimic-proc", MFD_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    size_t done = 0;
    while (done < s->len) {
        ssize_t n = write(fd, s->str + done, s->len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            close(fd);
            return -EIO;
        }
        done += (size_t)n;
    }
    if (lseek(fd, 0, SEEK_SET) < 0) {
        close(fd);
        return -EIO;
    }
    if (!(flags & O_CLOEXEC)) {
        fcntl(fd, F_SETFD, 0);
    }
    return fd;
}

bool user_procfs_open(UserProc *p, const char *path, int flags, int64_t *fd)
{
    if (strncmp(path, "/proc/", 6) != 0) {
        return false;
    }
    g_autoptr(GString) s = g_string_new(NULL);
    if (is_own_maps(path)) {
        write_maps(p, s);
    } else if (strcmp(path, "/proc/cpuinfo") == 0 && p->abi->cpuinfo) {
        cpu_set_t set;
        unsigned n = 1;
        if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) {
            n = (unsigned)CPU_COUNT(&set);
        }
        p->abi->cpuinfo(s, n);
    } else {
        return false;
    }
    if ((flags & O_ACCMODE) != O_RDONLY) {
        *fd = -EACCES;
        return true;
    }
    *fd = memfd_with(s, flags);
    return true;
}
