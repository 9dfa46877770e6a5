/*
 * Guest path redirection, like qemu-user's -L: an absolute guest path that
 * exists under the sysroot means the sysroot's file (the dynamic loader, libc,
 * /etc files the sysroot carries); anything else is the host's.  The kernel's
 * virtual trees (/proc, /dev, /sys) and "/" itself are never redirected.  The
 * loader's cache is the exception: /etc/ld.so.cache is the sysroot's or none, since
 * the host's lists the host's libraries, which for a guest the host runs too (i386
 * on x86-64: /lib32) are another build than the sysroot's ld.so expects.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

static bool has_prefix_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

char *user_path_redirect(const char *sysroot, const char *path)
{
    if (!sysroot || !*sysroot || path[0] != '/') {
        return g_strdup(path);
    }
    const char *rest = path;
    while (*rest == '/') {
        rest++;
    }
    if (*rest == 0 || has_prefix_dir(path, "/proc") || has_prefix_dir(path, "/dev") ||
        has_prefix_dir(path, "/sys")) {
        return g_strdup(path);
    }
    char *full = g_build_filename(sysroot, path, NULL);
    struct stat st;
    if (lstat(full, &st) == 0 || strcmp(path, "/etc/ld.so.cache") == 0) {
        return full;
    }
    g_free(full);
    return g_strdup(path);
}

bool user_path_is_proc_self_exe(const char *path)
{
    if (strcmp(path, "/proc/self/exe") == 0) {
        return true;
    }
    char own[64];
    g_snprintf(own, sizeof(own), "/proc/%d/exe", (int)getpid());
    return strcmp(path, own) == 0;
}
