/*
 * linux-user's side of the gdb stub: threads are host tids, memory is the guest range
 * (only mapped pages), the auxiliary vector is read back from the initial stack, and the
 * files gdb asks for (the program, the dynamic loader, libraries) are looked up like the
 * guest's own opens, the -L sysroot first.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gdbstub/gdb_server.h"
#include "platform/linux-user/user_internal.h"

extern bool user_probe_copy(void *dst, const void *src, size_t len);

static int64_t gdb_thread_id(void *opaque, GuestCpu *cpu)
{
    const UserThread *t = cpu->platform;
    return t != NULL ? t->tid : 1;
}

static bool mapped(UserProc *p, GuestAddr addr, size_t len)
{
    if (len == 0) {
        return true;
    }
    if (addr + len < addr || addr + len > ((GuestAddr)1 << p->mem.addr_bits)) {
        return false;
    }
    for (GuestAddr a = addr & USER_PAGE_MASK; a < addr + len; a += USER_PAGE_SIZE) {
        if (!(user_mem_page_prot(&p->mem, a) & USER_PAGE_MAPPED)) {
            return false;
        }
    }
    return true;
}

static bool gdb_read_mem(void *opaque, GuestCpu *cpu, GuestAddr addr, uint8_t *buf, size_t len)
{
    UserProc *p = opaque;
    return mapped(p, addr, len) && user_probe_copy(buf, user_g2h(&p->mem, addr), len);
}

static bool gdb_write_mem(void *opaque, GuestCpu *cpu, GuestAddr addr, const uint8_t *buf, size_t len)
{
    UserProc *p = opaque;
    if (!mapped(p, addr, len)) {
        return false;
    }
    /* Translations of the bytes (and the write watch on code pages) go first. */
    user_invalidate(p, addr, len);
    return user_probe_copy(user_g2h(&p->mem, addr), buf, len);
}

/* The auxiliary vector the loader put above argv and envp on the initial stack. */
static GBytes *gdb_auxv(void *opaque)
{
    UserProc *p = opaque;
    unsigned word = p->abi->word_size;
    GuestAddr q = p->initial_sp;
    uint64_t v = 0;

    if (q == 0 || user_read_uint(p, q, word, &v) < 0) {
        return NULL;
    }
    q += word * (v + 2);                /* argc, argv[], NULL */
    for (;;) {                          /* envp[], NULL */
        if (user_read_uint(p, q, word, &v) < 0) {
            return NULL;
        }
        q += word;
        if (v == 0) {
            break;
        }
    }
    GuestAddr start = q;
    for (unsigned i = 0; i < 64; i++, q += 2 * word) {
        if (user_read_uint(p, q, word, &v) < 0) {
            return NULL;
        }
        if (v == AT_NULL) {
            q += 2 * word;
            break;
        }
    }
    uint8_t *data = g_malloc(q - start);
    if (!gdb_read_mem(p, NULL, start, data, q - start)) {
        g_free(data);
        return NULL;
    }
    return g_bytes_new_take(data, q - start);
}

/* The siginfo the thread's pending signal will be delivered with (guest layout). */
static GBytes *gdb_siginfo(void *opaque, GuestCpu *cpu)
{
    const UserThread *t = cpu->platform;
    if (t == NULL || t->sig.debug_sig <= 0 || t->sig.debug_sig > USER_NSIG) {
        return NULL;
    }
    return g_bytes_new(t->sig.info[t->sig.debug_sig].bytes, sizeof(t->sig.info[0].bytes));
}

static char *gdb_exec_file(void *opaque)
{
    UserProc *p = opaque;
    return g_strdup(p->exe_path);
}

static char *gdb_host_path(void *opaque, const char *path)
{
    UserProc *p = opaque;
    if (p->exe_path != NULL && strcmp(path, p->exe_path) == 0) {
        return g_strdup(path);
    }
    return user_path_redirect(p->sysroot, path);
}

bool user_gdb_start(UserProc *p, GuestCpu *cpu, GError **error)
{
    GdbTarget t = {
        .opaque = p,
        .arch = p->arch,
        .system = false,
        .pid = getpid(),
        .thread_id = gdb_thread_id,
        .read_mem = gdb_read_mem,
        .write_mem = gdb_write_mem,
        .auxv = gdb_auxv,
        .exec_file = gdb_exec_file,
        .host_path = gdb_host_path,
        .siginfo = gdb_siginfo,
    };
    if (p->arch->gdb == NULL) {
        g_set_error(error, USER_ERROR, 0, "no gdb stub for %s guests yet", p->arch->name);
        return false;
    }
    return gdb_server_start(&p->exec, &t, cpu, p->opts.gdb, true, error) != NULL;
}
