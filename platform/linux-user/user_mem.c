/*
 * The guest address space.  One host range of 2^addr_bits bytes (plus unmapped
 * guards on both sides) is reserved PROT_NONE up front; guest address A lives at base + A, so a
 * guest access can never reach host memory outside the range.  Mapping for the
 * guest means mmap(MAP_FIXED) inside the range, unmapping means putting PROT_NONE
 * reservation back.  The VMA list mirrors what the guest asked for (prot, name) and
 * answers every "may the guest touch this?" question.
 *
 * Pages that hold translated code are "watched": their host page stays read-only
 * so a guest store faults and the SIGSEGV handler (user_main.c) can invalidate.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/linux-user/user_internal.h"

G_DEFINE_QUARK(mimic-user-error-quark, user_error)

#define WATCH_BITS (8 * sizeof(unsigned long))

bool user_mem_init(UserMem *m, unsigned addr_bits, GError **error)
{
    memset(m, 0, sizeof(*m));
    g_assert(addr_bits >= 20 && addr_bits <= 47);
    m->addr_bits = addr_bits;
    m->size = (uint64_t)1 << addr_bits;
    /* [guard | guest range | guard]: base is the guest range's start. */
    uint8_t *resv = mmap(NULL, m->size + 2 * USER_GUARD_SIZE, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (resv == MAP_FAILED) {
        g_set_error(error, USER_ERROR, 0, "cannot reserve %" G_GUINT64_FORMAT " bytes of guest "
                    "address space: %s", m->size, g_strerror(errno));
        return false;
    }
    uint8_t *base = resv + USER_GUARD_SIZE;
    m->base = base;
    uint64_t npages = m->size / USER_PAGE_SIZE;
    size_t bitmap_bytes = (npages + 7) / 8;
    void *bits = mmap(NULL, bitmap_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (bits == MAP_FAILED) {
        munmap(resv, m->size + 2 * USER_GUARD_SIZE);
        g_set_error(error, USER_ERROR, 0, "cannot allocate the code-page bitmap: %s",
                    g_strerror(errno));
        return false;
    }
    m->watched = bits;
    void *prot = mmap(NULL, npages, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (prot == MAP_FAILED) {
        munmap(resv, m->size + 2 * USER_GUARD_SIZE);
        munmap(bits, bitmap_bytes);
        g_set_error(error, USER_ERROR, 0, "cannot allocate the page protection map: %s",
                    g_strerror(errno));
        return false;
    }
    m->page_prot = prot;
    g_mutex_init(&m->lock);
    m->vmas = g_array_new(FALSE, FALSE, sizeof(UserVma));
    m->mmap_min = 0x10000;
    m->mmap_top = m->size;
    return true;
}

void user_mem_fini(UserMem *m)
{
    if (m->base) {
        munmap(m->base - USER_GUARD_SIZE, m->size + 2 * USER_GUARD_SIZE);
        munmap(m->watched, (m->size / USER_PAGE_SIZE + 7) / 8);
        munmap(m->page_prot, m->size / USER_PAGE_SIZE);
        g_mutex_clear(&m->lock);
    }
    if (m->vmas) {
        g_array_free(m->vmas, TRUE);
    }
    memset(m, 0, sizeof(*m));
}

int user_mem_host_prot(int prot)
{
    int host = 0;
    if (prot & (PROT_READ | PROT_EXEC)) {
        host |= PROT_READ;
    }
    if (prot & PROT_WRITE) {
        host |= PROT_WRITE | PROT_READ;
    }
    return host;
}

/* Record the guest protection of [start, end) (page aligned) for lock-free checks. */
static void set_page_prot(UserMem *m, GuestAddr start, GuestAddr end, int prot)
{
    uint8_t v = prot < 0 ? 0 : (uint8_t)((prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) | USER_PAGE_MAPPED);
    for (GuestAddr a = start; a < end; a += USER_PAGE_SIZE) {
        __atomic_store_n(&m->page_prot[a / USER_PAGE_SIZE], v, __ATOMIC_RELAXED);
    }
}

/* --- VMA list --- */

static inline UserVma *vma_at(const UserMem *m, guint i)
{
    return &g_array_index(m->vmas, UserVma, i);
}

/* Index of the first VMA whose end is above addr (may be m->vmas->len). */
static guint vma_search(const UserMem *m, GuestAddr addr)
{
    guint lo = 0, hi = m->vmas->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        if (vma_at(m, mid)->end <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

const UserVma *user_mem_find(const UserMem *m, GuestAddr addr)
{
    guint i = vma_search(m, addr);
    if (i < m->vmas->len && vma_at(m, i)->start <= addr) {
        return vma_at(m, i);
    }
    return NULL;
}

bool user_mem_check(const UserMem *m, GuestAddr addr, uint64_t len, int prot)
{
    if (!user_mem_in_range(m, addr, len)) {
        return false;
    }
    if (len == 0) {
        return true;
    }
    int want = prot | USER_PAGE_MAPPED;
    for (GuestAddr page = addr & USER_PAGE_MASK; page < addr + len; page += USER_PAGE_SIZE) {
        if ((user_mem_page_prot(m, page) & want) != want) {
            return false;
        }
    }
    return true;
}

bool user_mem_is_free(const UserMem *m, GuestAddr addr, uint64_t len)
{
    if (!user_mem_in_range(m, addr, len)) {
        return false;
    }
    guint i = vma_search(m, addr);
    return i >= m->vmas->len || vma_at(m, i)->start >= addr + len;
}

/* Remove [start, end) from the list, splitting VMAs that straddle its edges. */
static void vma_remove(UserMem *m, GuestAddr start, GuestAddr end)
{
    guint i = vma_search(m, start);
    while (i < m->vmas->len) {
        UserVma *v = vma_at(m, i);
        if (v->start >= end) {
            break;
        }
        if (v->start < start && v->end > end) {
            /* Hole in the middle: split in two. */
            UserVma right = *v;
            right.start = end;
            v->end = start;
            g_array_insert_val(m->vmas, i + 1, right);
            return;
        }
        if (v->start < start) {
            v->end = start;
            i++;
        } else if (v->end > end) {
            v->start = end;
            return;
        } else {
            g_array_remove_index(m->vmas, i);
        }
    }
}

static bool vma_same_kind(const UserVma *a, const UserVma *b)
{
    return a->prot == b->prot && a->flags == b->flags && a->name == b->name;
}

/* Insert a VMA into a hole made by vma_remove, merging with equal neighbours. */
static void vma_insert(UserMem *m, const UserVma *nv)
{
    guint i = vma_search(m, nv->start);
    g_array_insert_val(m->vmas, i, *nv);
    if (i + 1 < m->vmas->len) {
        UserVma *v = vma_at(m, i), *n = vma_at(m, i + 1);
        if (v->end == n->start && vma_same_kind(v, n)) {
            v->end = n->end;
            g_array_remove_index(m->vmas, i + 1);
        }
    }
    if (i > 0) {
        UserVma *p = vma_at(m, i - 1), *v = vma_at(m, i);
        if (p->end == v->start && vma_same_kind(p, v)) {
            p->end = v->end;
            g_array_remove_index(m->vmas, i);
        }
    }
}

GuestAddr user_mem_find_free(const UserMem *m, uint64_t len, GuestAddr hint, uint64_t align)
{
    if (align < USER_PAGE_SIZE) {
        align = USER_PAGE_SIZE;
    }
    len = USER_PAGE_ALIGN(len);
    if (len == 0 || len > m->size) {
        return 0;
    }
    if (hint) {
        hint = USER_PAGE_ALIGN(hint);
        if (hint >= m->mmap_min && user_mem_is_free(m, hint, len)) {
            return hint;
        }
    }
    /* Top-down below mmap_top, like Linux's default mmap layout. */
    GuestAddr hi = m->mmap_top;
    for (guint i = m->vmas->len; i-- > 0;) {
        const UserVma *v = vma_at(m, i);
        if (v->start >= hi) {
            continue;
        }
        GuestAddr lo = MAX(v->end, m->mmap_min);
        if (hi > lo && hi - lo >= len) {
            GuestAddr cand = (hi - len) & ~(align - 1);
            if (cand >= lo) {
                return cand;
            }
        }
        hi = MIN(hi, v->start);
        if (hi <= m->mmap_min) {
            return 0;
        }
    }
    if (hi > m->mmap_min && hi - m->mmap_min >= len) {
        GuestAddr cand = (hi - len) & ~(align - 1);
        if (cand >= m->mmap_min) {
            return cand;
        }
    }
    return 0;
}

/* --- Watched code pages --- */

static void watch_lock(UserMem *m)
{
    while (__atomic_exchange_n(&m->watch_spin, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&m->watch_spin, __ATOMIC_RELAXED)) {
            __builtin_ia32_pause();
        }
    }
}

static void watch_unlock(UserMem *m)
{
    __atomic_store_n(&m->watch_spin, 0, __ATOMIC_RELEASE);
}

bool user_mem_is_watched(const UserMem *m, GuestAddr page)
{
    uint64_t n = page / USER_PAGE_SIZE;
    if (page >= m->size) {
        return false;
    }
    return (__atomic_load_n(&m->watched[n / WATCH_BITS], __ATOMIC_RELAXED) >> (n % WATCH_BITS)) & 1;
}

/* Under watch_lock. */
static bool watch_clear(UserMem *m, GuestAddr page)
{
    uint64_t n = page / USER_PAGE_SIZE;
    unsigned long bit = 1ul << (n % WATCH_BITS);
    if (m->watched[n / WATCH_BITS] & bit) {
        __atomic_fetch_and(&m->watched[n / WATCH_BITS], ~bit, __ATOMIC_RELAXED);
        m->n_watched--;
        return true;
    }
    return false;
}

/* Under watch_lock: the host page gets the guest's protection back. */
static void unwatch_locked(UserMem *m, GuestAddr page)
{
    if (watch_clear(m, page)) {
        int prot = user_mem_page_prot(m, page);
        if (prot & PROT_WRITE) {
            mprotect(user_g2h(m, page), USER_PAGE_SIZE, user_mem_host_prot(prot & ~USER_PAGE_MAPPED));
        }
    }
}

void user_mem_watch(UserMem *m, GuestAddr page)
{
    page &= USER_PAGE_MASK;
    if (page >= m->size) {
        return;
    }
    watch_lock(m);
    if (!user_mem_is_watched(m, page)) {
        uint64_t n = page / USER_PAGE_SIZE;
        __atomic_fetch_or(&m->watched[n / WATCH_BITS], 1ul << (n % WATCH_BITS), __ATOMIC_RELAXED);
        m->n_watched++;
        int prot = user_mem_page_prot(m, page);
        if (prot & PROT_WRITE) {
            mprotect(user_g2h(m, page), USER_PAGE_SIZE,
                     user_mem_host_prot(prot & ~USER_PAGE_MAPPED) & ~PROT_WRITE);
        }
    }
    watch_unlock(m);
}

void user_mem_unwatch(UserMem *m, GuestAddr page)
{
    page &= USER_PAGE_MASK;
    if (!user_mem_is_watched(m, page)) {
        return;
    }
    watch_lock(m);
    unwatch_locked(m, page);
    watch_unlock(m);
}

/* Under watch_lock. */
static void dirty_push(UserMem *m, GuestAddr page)
{
    int n = m->n_dirty;
    if (n < USER_DIRTY_MAX) {
        m->dirty[n] = page;
        __atomic_store_n(&m->n_dirty, n + 1, __ATOMIC_RELEASE);
    } else {
        __atomic_store_n(&m->dirty_overflow, 1, __ATOMIC_RELEASE);
    }
}

bool user_mem_pop_dirty(UserMem *m, GuestAddr *page, bool *overflow)
{
    bool got = false;
    if (__atomic_load_n(&m->n_dirty, __ATOMIC_ACQUIRE) == 0 &&
        !__atomic_load_n(&m->dirty_overflow, __ATOMIC_ACQUIRE)) {
        return false;
    }
    watch_lock(m);
    if (m->dirty_overflow) {
        m->dirty_overflow = 0;
        m->n_dirty = 0;
        *overflow = true;
    } else if (m->n_dirty > 0) {
        *page = m->dirty[--m->n_dirty];
        got = true;
    }
    watch_unlock(m);
    return got;
}

void user_mem_unwatch_range_dirty(UserMem *m, GuestAddr addr, uint64_t len)
{
    if (__atomic_load_n(&m->n_watched, __ATOMIC_RELAXED) == 0 || len == 0 ||
        !user_mem_in_range(m, addr, len)) {
        return;
    }
    for (GuestAddr page = addr & USER_PAGE_MASK; page < addr + len; page += USER_PAGE_SIZE) {
        if (user_mem_is_watched(m, page)) {
            watch_lock(m);
            if (user_mem_is_watched(m, page)) {
                unwatch_locked(m, page);
                dirty_push(m, page);
            }
            watch_unlock(m);
        }
    }
}

bool user_mem_write_fault(UserMem *m, GuestAddr page)
{
    if (!(user_mem_page_prot(m, page) & PROT_WRITE)) {
        return false;
    }
    /*
     * Watched, or just unwatched by another thread that has not restored the host page
     * yet: either way the guest may write, so the page is made writable and the store
     * retried.  A spurious dirty entry only costs an invalidation of that page.
     */
    watch_lock(m);
    watch_clear(m, page);
    mprotect(user_g2h(m, page), USER_PAGE_SIZE,
             user_mem_host_prot(user_mem_page_prot(m, page) & ~USER_PAGE_MAPPED));
    dirty_push(m, page);
    watch_unlock(m);
    return true;
}

/* Apply host protection to a range, keeping watched pages read-only. */
static void host_protect(UserMem *m, GuestAddr start, GuestAddr end, int prot)
{
    int host = user_mem_host_prot(prot);
    watch_lock(m);
    if (m->n_watched == 0 || !(host & PROT_WRITE)) {
        mprotect(user_g2h(m, start), end - start, host);
    } else {
        /*
         * Runs of unwatched pages in one call each; a watched page never becomes writable,
         * not even for a moment (another thread could store to it unseen).
         */
        GuestAddr run = start;
        for (GuestAddr page = start; page <= end; page += USER_PAGE_SIZE) {
            if (page == end || user_mem_is_watched(m, page)) {
                if (page > run) {
                    mprotect(user_g2h(m, run), page - run, host);
                }
                if (page < end) {
                    mprotect(user_g2h(m, page), USER_PAGE_SIZE, host & ~PROT_WRITE);
                }
                run = page + USER_PAGE_SIZE;
            }
        }
    }
    watch_unlock(m);
}

/* --- Map, unmap, protect --- */

static void unwatch_quiet(UserMem *m, GuestAddr start, GuestAddr end)
{
    if (m->n_watched == 0) {
        return;
    }
    watch_lock(m);
    for (GuestAddr page = start; page < end; page += USER_PAGE_SIZE) {
        watch_clear(m, page);
    }
    watch_unlock(m);
}

int user_mem_map(UserMem *m, GuestAddr addr, uint64_t len, int prot, uint32_t vflags,
                 int host_flags, int fd, off_t off, const char *name)
{
    g_assert((addr & ~USER_PAGE_MASK) == 0);
    len = USER_PAGE_ALIGN(len);
    if (len == 0 || !user_mem_in_range(m, addr, len)) {
        return -ENOMEM;
    }
    int flags = MAP_FIXED | (host_flags & ~(MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_GROWSDOWN));
    if (fd < 0) {
        flags |= MAP_ANONYMOUS;
    }
    if (!(flags & (MAP_SHARED | MAP_PRIVATE | MAP_SHARED_VALIDATE))) {
        flags |= MAP_PRIVATE;
    }
    void *r = mmap(user_g2h(m, addr), len, user_mem_host_prot(prot), flags, fd, off);
    if (r == MAP_FAILED) {
        return -errno;
    }
    user_mem_record(m, addr, len, prot, vflags, name);
    return 0;
}

bool user_mem_range_has_exec(const UserMem *m, GuestAddr addr, uint64_t len)
{
    for (guint i = 0; i < m->vmas->len; i++) {
        const UserVma *v = vma_at(m, i);
        if (v->start < addr + len && v->end > addr && (v->prot & PROT_EXEC)) {
            return true;
        }
    }
    return false;
}

void user_mem_record(UserMem *m, GuestAddr addr, uint64_t len, int prot, uint32_t vflags, const char *name)
{
    len = USER_PAGE_ALIGN(len);
    unwatch_quiet(m, addr, addr + len);
    set_page_prot(m, addr, addr + len, prot);
    vma_remove(m, addr, addr + len);
    UserVma v = {
        .start = addr, .end = addr + len, .prot = prot, .flags = vflags,
        .name = name ? g_intern_string(name) : NULL,
    };
    vma_insert(m, &v);
}

int user_mem_unmap(UserMem *m, GuestAddr addr, uint64_t len)
{
    if ((addr & ~USER_PAGE_MASK) || len == 0) {
        return -EINVAL;
    }
    len = USER_PAGE_ALIGN(len);
    if (!user_mem_in_range(m, addr, len)) {
        return -EINVAL;
    }
    void *r = mmap(user_g2h(m, addr), len, PROT_NONE,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED) {
        return -errno;
    }
    unwatch_quiet(m, addr, addr + len);
    set_page_prot(m, addr, addr + len, -1);
    vma_remove(m, addr, addr + len);
    return 0;
}

int user_mem_protect(UserMem *m, GuestAddr addr, uint64_t len, int prot)
{
    if (addr & ~USER_PAGE_MASK) {
        return -EINVAL;
    }
    len = USER_PAGE_ALIGN(len);
    if (len == 0) {
        return 0;
    }
    if (!user_mem_in_range(m, addr, len) || !user_mem_check(m, addr, len, 0)) {
        return -ENOMEM;
    }
    GuestAddr end = addr + len;
    /* Rebuild the pieces with the new prot, keeping each piece's other attributes. */
    GArray *pieces = g_array_new(FALSE, FALSE, sizeof(UserVma));
    for (guint i = vma_search(m, addr); i < m->vmas->len && vma_at(m, i)->start < end; i++) {
        UserVma v = *vma_at(m, i);
        v.start = MAX(v.start, addr);
        v.end = MIN(v.end, end);
        v.prot = prot;
        g_array_append_val(pieces, v);
    }
    vma_remove(m, addr, end);
    for (guint i = 0; i < pieces->len; i++) {
        vma_insert(m, &g_array_index(pieces, UserVma, i));
    }
    g_array_free(pieces, TRUE);
    set_page_prot(m, addr, end, prot);
    host_protect(m, addr, end, prot);
    return 0;
}

void user_mem_move_vmas(UserMem *m, GuestAddr old_addr, uint64_t old_len, GuestAddr new_addr,
                        uint64_t new_len)
{
    const UserVma *ov = user_mem_find(m, old_addr);
    g_assert(ov);
    UserVma v = *ov;
    unwatch_quiet(m, old_addr, old_addr + old_len);
    set_page_prot(m, old_addr, old_addr + old_len, -1);
    vma_remove(m, old_addr, old_addr + old_len);
    unwatch_quiet(m, new_addr, new_addr + new_len);
    set_page_prot(m, new_addr, new_addr + new_len, v.prot);
    vma_remove(m, new_addr, new_addr + new_len);
    v.start = new_addr;
    v.end = new_addr + new_len;
    vma_insert(m, &v);
}

/* --- Checked copies --- */

int user_copy_from(const UserMem *m, void *dst, GuestAddr src, size_t len)
{
    if (!user_mem_check(m, src, len, PROT_READ)) {
        return -EFAULT;
    }
    memcpy(dst, user_g2h(m, src), len);
    return 0;
}

int user_copy_to(UserMem *m, GuestAddr dst, const void *src, size_t len)
{
    if (!user_mem_check(m, dst, len, PROT_WRITE)) {
        return -EFAULT;
    }
    user_mem_unwatch_range_dirty(m, dst, len);
    memcpy(user_g2h(m, dst), src, len);
    return 0;
}

char *user_strdup(const UserMem *m, GuestAddr addr, size_t max, int *err)
{
    GuestAddr p = addr;
    for (;;) {
        if (!user_mem_check(m, p, 1, PROT_READ)) {
            *err = -EFAULT;
            return NULL;
        }
        GuestAddr page_end = (p & USER_PAGE_MASK) + USER_PAGE_SIZE;
        const char *nul = memchr(user_g2h(m, p), 0, page_end - p);
        if (nul) {
            size_t n = (const uint8_t *)nul - (const uint8_t *)user_g2h(m, addr);
            if (n >= max) {
                *err = -ENAMETOOLONG;
                return NULL;
            }
            return g_strndup(user_g2h(m, addr), n);
        }
        p = page_end;
        if (p - addr >= max) {
            *err = -ENAMETOOLONG;
            return NULL;
        }
    }
}
