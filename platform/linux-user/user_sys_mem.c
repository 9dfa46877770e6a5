/*
 * Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise and friends.
 * Every placement decision is ours (user_mem_find_free over the guest VMA list);
 * the host only ever sees MAP_FIXED inside the reserved range.  Removing or
 * re-protecting executable memory invalidates the translations made from it.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"


/*
 * Tracing: the guest mapped file fd at addr (file offset off) executable -- ld.so loading
 * a library.  Find the load bias from the PT_LOAD segment that covers off and hand the
 * file's symbols to the trace code.  ELF64 little-endian (the guests linux-user runs).
 */
static void learn_image(UserProc *p, int fd, off_t off, GuestAddr addr)
{
    char link[64], path[PATH_MAX];
    struct stat st;

    g_snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof(path) - 1);
    if (n <= 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        return;
    }
    path[n] = '\0';
    uint8_t *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
        return;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64 &&
        eh->e_ident[EI_DATA] == ELFDATA2LSB && eh->e_phentsize == sizeof(Elf64_Phdr) &&
        eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) <= (uint64_t)st.st_size) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(data + eh->e_phoff);
        for (unsigned i = 0; i < eh->e_phnum; i++) {
            uint64_t seg_off = ph[i].p_offset & USER_PAGE_MASK;
            if (ph[i].p_type == PT_LOAD && (uint64_t)off >= seg_off &&
                (uint64_t)off < ph[i].p_offset + ph[i].p_filesz) {
                GuestAddr bias = addr - ((ph[i].p_vaddr & USER_PAGE_MASK) + ((uint64_t)off - seg_off));
                exec_sym_add_image(&p->exec, path, data, (size_t)st.st_size, bias);
                break;
            }
        }
    }
    munmap(data, (size_t)st.st_size);
}

static int64_t do_brk(UserProc *p, const uint64_t a[6])
{
    UserMem *m = &p->mem;
    GuestAddr want = a[0];
    if (want < m->brk_start) {
        return m->brk;
    }
    GuestAddr want_pages = USER_PAGE_ALIGN(want);
    if (want_pages > m->brk_mapped) {
        uint64_t grow = want_pages - m->brk_mapped;
        if (!user_mem_is_free(m, m->brk_mapped, grow)) {
            return m->brk;
        }
        if (user_mem_map(m, m->brk_mapped, grow, PROT_READ | PROT_WRITE,
                         USER_VMA_ANON | USER_VMA_HEAP, MAP_PRIVATE, -1, 0, "[heap]") < 0) {
            return m->brk;
        }
        m->brk_mapped = want_pages;
    } else if (want_pages < m->brk_mapped) {
        user_mem_unmap(m, want_pages, m->brk_mapped - want_pages);
        m->brk_mapped = want_pages;
    }
    m->brk = want;
    return m->brk;
}

static int64_t do_mmap(UserProc *p, const uint64_t a[6])
{
    UserMem *m = &p->mem;
    GuestAddr addr = a[0];
    uint64_t len = a[1];
    int prot = (int)a[2];
    int flags = (int)a[3];
    int fd = (int)a[4];
    off_t off = (off_t)a[5];

    if (len == 0 || (off & (USER_PAGE_SIZE - 1))) {
        return -EINVAL;
    }
    if (USER_PAGE_ALIGN(len) < len || USER_PAGE_ALIGN(len) > m->size) {
        return -ENOMEM;
    }
    len = USER_PAGE_ALIGN(len);
    int type = flags & MAP_TYPE;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE) {
        return -EINVAL;
    }
    if (flags & MAP_ANONYMOUS) {
        fd = -1;
        off = 0;
    }
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr & ~USER_PAGE_MASK) {
            return -EINVAL;
        }
        if (!user_mem_in_range(m, addr, len) || addr < USER_PAGE_SIZE) {
            static volatile int said;
            if (addr >= USER_PAGE_SIZE && !__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED)) {
                /* The guest sees ENOMEM, as from a kernel with a smaller TASK_SIZE; say why once. */
                fprintf(stderr, "mimic: mmap at fixed address 0x%" PRIx64 " is outside the guest "
                        "address space (0x%" PRIx64 " bytes): ENOMEM\n", addr, (uint64_t)m->size);
            }
            return -ENOMEM;
        }
        if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && !user_mem_is_free(m, addr, len)) {
            return -EEXIST;
        }
    } else {
        addr = user_mem_find_free(m, len, addr, 0);
        if (addr == 0) {
            return -ENOMEM;
        }
    }
    bool had_exec = user_mem_range_has_exec(&p->mem, addr, len);
    int host_flags = flags & (MAP_TYPE | MAP_NORESERVE | MAP_POPULATE | MAP_LOCKED |
                              MAP_NONBLOCK | MAP_SYNC);
    uint32_t vflags = (fd < 0 ? USER_VMA_ANON : 0) | (type != MAP_PRIVATE ? USER_VMA_SHARED : 0);
    if (flags & MAP_GROWSDOWN) {
        vflags |= USER_VMA_STACK;
    }
    int r = user_mem_map(m, addr, len, prot, vflags, host_flags, fd, off, NULL);
    if (r < 0) {
        return r;
    }
    if (had_exec) {
        user_invalidate(p, addr, len);
    }
    if (fd >= 0 && (prot & PROT_EXEC) && p->exec.trace_any) {
        learn_image(p, fd, off, addr);
    }
    return addr;
}

static int64_t do_munmap(UserProc *p, const uint64_t a[6])
{
    GuestAddr addr = a[0];
    uint64_t len = USER_PAGE_ALIGN(a[1]);
    if ((addr & ~USER_PAGE_MASK) || len == 0 || !user_mem_in_range(&p->mem, addr, len)) {
        return -EINVAL;
    }
    bool had_exec = user_mem_range_has_exec(&p->mem, addr, len);
    int r = user_mem_unmap(&p->mem, addr, len);
    if (r == 0 && had_exec) {
        user_invalidate(p, addr, len);
    }
    return r;
}

static int64_t do_mprotect(UserProc *p, const uint64_t a[6])
{
    GuestAddr addr = a[0];
    uint64_t len = USER_PAGE_ALIGN(a[1]);
    int prot = (int)a[2];
    if (addr & ~USER_PAGE_MASK) {
        return -EINVAL;
    }
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) {
        return -EINVAL;
    }
    if (prot & PROT_GROWSDOWN) {
        /*
         * The change reaches down to the start of a grows-down mapping (the stack), as
         * glibc's _dl_make_stack_executable() expects when it names one page.
         */
        const UserVma *v = user_mem_find(&p->mem, addr);
        if (v == NULL || !(v->flags & USER_VMA_STACK)) {
            return -EINVAL;
        }
        len += addr - v->start;
        addr = v->start;
    }
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
    bool had_exec = user_mem_range_has_exec(&p->mem, addr, len);
    int r = user_mem_protect(&p->mem, addr, len, prot);
    if (r == 0 && had_exec && !(prot & PROT_EXEC)) {
        user_invalidate(p, addr, len);
    }
    return r;
}

static int reserve_again(UserMem *m, GuestAddr addr, uint64_t len)
{
    void *r = mmap(user_g2h(m, addr), len, PROT_NONE,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return r == MAP_FAILED ? -errno : 0;
}

static int64_t do_mremap(UserProc *p, const uint64_t a[6])
{
    UserMem *m = &p->mem;
    GuestAddr old = a[0];
    uint64_t old_len = USER_PAGE_ALIGN(a[1]);
    uint64_t new_len = USER_PAGE_ALIGN(a[2]);
    int flags = (int)a[3];
    GuestAddr dest = a[4];

    if ((old & ~USER_PAGE_MASK) || new_len == 0 ||
        (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))) {
        return -EINVAL;
    }
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) {
        return -EINVAL;
    }
    if (flags & MREMAP_DONTUNMAP) {
        return -EINVAL;     /* not used by libc; keeps the bookkeeping simple */
    }
    if (old_len == 0 || !user_mem_check(m, old, old_len, 0)) {
        return -EFAULT;
    }
    const UserVma *v = user_mem_find(m, old);
    if (!v || v->end < old + old_len) {
        return -EFAULT;     /* the range must lie in one mapping */
    }
    bool had_exec = user_mem_range_has_exec(&p->mem, old, old_len);

    if (!(flags & MREMAP_FIXED)) {
        if (new_len <= old_len) {
            if (new_len < old_len) {
                user_mem_unmap(m, old + new_len, old_len - new_len);
                if (had_exec) {
                    user_invalidate(p, old + new_len, old_len - new_len);
                }
            }
            return old;
        }
        /* Grow in place when the pages after it are free. */
        uint64_t extra = new_len - old_len;
        if (user_mem_is_free(m, old + old_len, extra)) {
            munmap(user_g2h(m, old + old_len), extra);
            void *r = mremap(user_g2h(m, old), old_len, new_len, 0);
            if (r != MAP_FAILED) {
                user_mem_move_vmas(m, old, old_len, old, new_len);
                return old;
            }
            reserve_again(m, old + old_len, extra);
        }
        if (!(flags & MREMAP_MAYMOVE)) {
            return -ENOMEM;
        }
        dest = user_mem_find_free(m, new_len, 0, 0);
        if (dest == 0) {
            return -ENOMEM;
        }
    } else {
        if ((dest & ~USER_PAGE_MASK) || !user_mem_in_range(m, dest, new_len) ||
            (dest < old + old_len && old < dest + new_len)) {
            return -EINVAL;
        }
        if (user_mem_range_has_exec(&p->mem, dest, new_len)) {
            user_invalidate(p, dest, new_len);
        }
    }
    void *r = mremap(user_g2h(m, old), old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
                     user_g2h(m, dest));
    if (r == MAP_FAILED) {
        return user_errno();
    }
    reserve_again(m, old, old_len);
    user_mem_move_vmas(m, old, old_len, dest, new_len);
    if (had_exec) {
        user_invalidate(p, old, old_len);
    }
    return dest;
}

/* Calls whose only pointer is the range itself. */
static int64_t range_call(UserProc *p, long host_nr, const uint64_t a[6])
{
    if (a[0] & ~USER_PAGE_MASK) {
        return -EINVAL;
    }
    if (!user_mem_in_range(&p->mem, a[0], a[1])) {
        return -ENOMEM;
    }
    return user_ret(syscall(host_nr, user_g2h(&p->mem, a[0]), (long)a[1], (long)a[2]));
}

static int64_t sys_madvise(UserProc *p, const uint64_t a[6])
{
    return range_call(p, SYS_madvise, a);
}

static int64_t sys_msync(UserProc *p, const uint64_t a[6])
{
    return range_call(p, SYS_msync, a);
}

static int64_t sys_mlock(UserProc *p, const uint64_t a[6])
{
    return range_call(p, SYS_mlock, a);
}

static int64_t sys_munlock(UserProc *p, const uint64_t a[6])
{
    return range_call(p, SYS_munlock, a);
}

static int64_t sys_mincore(UserProc *p, const uint64_t a[6])
{
    void *vec;
    if (a[0] & ~USER_PAGE_MASK) {
        return -EINVAL;
    }
    if (!user_mem_in_range(&p->mem, a[0], a[1])) {
        return -ENOMEM;
    }
    if (user_arg_wbuf(p, a[2], (a[1] + USER_PAGE_SIZE - 1) / USER_PAGE_SIZE, &vec) < 0) {
        return -EFAULT;
    }
    return user_ret(syscall(SYS_mincore, user_g2h(&p->mem, a[0]), (long)a[1], vec));
}

/*
 * The calls that change the memory map run under UserMem.lock, one at a time, as under
 * the kernel's mmap lock.  Invalidating translations (ExecCtx.lock) nests inside it.
 */
#define USER_MEM_LOCKED(name) \
    static int64_t sys_##name(UserProc *p, const uint64_t a[6]) \
    { \
        g_mutex_lock(&p->mem.lock); \
        int64_t r = do_##name(p, a); \
        g_mutex_unlock(&p->mem.lock); \
        return r; \
    }
USER_MEM_LOCKED(brk)
USER_MEM_LOCKED(mmap)
USER_MEM_LOCKED(munmap)
USER_MEM_LOCKED(mprotect)
USER_MEM_LOCKED(mremap)
#undef USER_MEM_LOCKED

const UserSyscallRow user_sys_mem_rows[] = {
    { USER_NR_brk, sys_brk },
    { USER_NR_mmap, sys_mmap },
    { USER_NR_munmap, sys_munmap },
    { USER_NR_mprotect, sys_mprotect },
    { USER_NR_mremap, sys_mremap },
    { USER_NR_madvise, sys_madvise },
    { USER_NR_msync, sys_msync },
    { USER_NR_mlock, sys_mlock },
    { USER_NR_munlock, sys_munlock },
    { USER_NR_mlockall, NULL, SYS_mlockall, "i" },
    { USER_NR_munlockall, NULL, SYS_munlockall, "" },
    { USER_NR_mincore, sys_mincore },
    { -1 },
};
