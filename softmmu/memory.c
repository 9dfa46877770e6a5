/*
 * softmmu/memory.c -- regions, the sorted region map and the access paths.
 *
 * The map is a sorted array searched by bisection, with a one-entry last-hit cache
 * (consecutive accesses mostly hit the same RAM or device). It is built before the
 * harts start, so readers take no lock (see the thread-safety rule in memory.h).
 * Must not know any device: MMIO goes through MemOps only.
 */
#include "softmmu/memory.h"

#include <string.h>
#include <sys/mman.h>

G_DEFINE_QUARK(mimic-mem-error-quark, mem_error)

/* --- Byte order --- */

uint64_t mem_bswap(uint64_t value, unsigned size)
{
    switch (size) {
    case 1:
        return value & 0xff;
    case 2:
        return __builtin_bswap16((uint16_t)value);
    case 4:
        return __builtin_bswap32((uint32_t)value);
    case 8:
        return __builtin_bswap64(value);
    }
    g_assert_not_reached();
}

static bool mem_host_is_le(void)
{
    return G_BYTE_ORDER == G_LITTLE_ENDIAN;
}

/* MEM_NATIVE on RAM has no meaning: treat it as the host's order. */
static bool mem_endian_is_le(MemEndian e)
{
    return e == MEM_LITTLE_ENDIAN || (e == MEM_NATIVE && mem_host_is_le());
}

uint64_t mem_ldn(const void *p, unsigned size, MemEndian endian)
{
    uint64_t v = 0;
    memcpy(&v, p, size);        /* lands in the low bytes on a little-endian host */
    g_assert(mem_host_is_le());
    return mem_endian_is_le(endian) ? v : mem_bswap(v, size);
}

void mem_stn(void *p, unsigned size, MemEndian endian, uint64_t value)
{
    g_assert(mem_host_is_le());
    uint64_t v = mem_endian_is_le(endian) ? value : mem_bswap(value, size);
    memcpy(p, &v, size);
}

static uint64_t mem_mask(unsigned size)
{
    return size == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

/* --- Regions --- */

static void *mem_alloc_host(uint64_t size, bool *mmapped)
{
    /* mmap gives zeroed, lazily committed pages: a 2 GiB guest costs what it touches. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    *mmapped = true;
    return p;
}

static bool mem_region_init_host(MemRegion *mr, const char *name, uint64_t size,
                                 MemRegionKind kind, GError **error)
{
    memset(mr, 0, sizeof(*mr));
    if (size == 0) {
        g_set_error(error, MIMIC_MEM_ERROR, MEM_ERROR_RANGE, "region '%s' has size 0", name);
        return false;
    }
    mr->host = mem_alloc_host(size, &mr->host_mmapped);
    if (!mr->host) {
        g_set_error(error, MIMIC_MEM_ERROR, MEM_ERROR_NOMEM,
                    "cannot allocate %" G_GUINT64_FORMAT " bytes for '%s'", size, name);
        return false;
    }
    mr->name = g_strdup(name);
    mr->kind = kind;
    mr->size = size;
    return true;
}

bool mem_region_init_ram(MemRegion *mr, const char *name, uint64_t size, GError **error)
{
    return mem_region_init_host(mr, name, size, MEM_REGION_RAM, error);
}

bool mem_region_init_rom(MemRegion *mr, const char *name, uint64_t size, MemRomWrites writes,
                         GError **error)
{
    if (!mem_region_init_host(mr, name, size, MEM_REGION_ROM, error)) {
        return false;
    }
    mr->rom_writes = writes;
    return true;
}

void mem_region_init_ram_ptr(MemRegion *mr, const char *name, void *host, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = g_strdup(name);
    mr->kind = MEM_REGION_RAM;
    mr->size = size;
    mr->host = host;
}

void mem_region_init_io(MemRegion *mr, const char *name, const MemOps *ops, void *opaque,
                        uint64_t size)
{
    g_assert(ops->read && ops->write);
    memset(mr, 0, sizeof(*mr));
    mr->name = g_strdup(name);
    mr->kind = MEM_REGION_MMIO;
    mr->size = size;
    mr->ops = ops;
    mr->opaque = opaque;
}

void mem_region_set_lock(MemRegion *mr, GMutex *lock)
{
    mr->lock = lock;
}

void mem_region_destroy(MemRegion *mr)
{
    g_assert(!mr->mapped);
    if (mr->host_mmapped) {
        munmap(mr->host, mr->size);
    }
    g_free((char *)mr->name);
    memset(mr, 0, sizeof(*mr));
}

/* --- The map --- */

void mem_as_init(AddressSpace *as, const char *name, MemSpaceKind kind, MemEndian endian)
{
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name);
    as->kind = kind;
    as->endian = endian == MEM_NATIVE ? MEM_LITTLE_ENDIAN : endian;
    as->limit = kind == MEM_SPACE_IO ? 0xffff : UINT64_MAX;
}

void mem_as_destroy(AddressSpace *as)
{
    for (unsigned i = 0; i < as->nr_map; i++) {
        as->map[i]->mapped = false;
    }
    g_free(as->map);
    g_free(as->name);
    memset(as, 0, sizeof(*as));
}

static uint64_t mem_region_last(const MemRegion *mr)
{
    return mr->base + mr->size - 1;
}

bool mem_as_map(AddressSpace *as, uint64_t base, MemRegion *mr, GError **error)
{
    g_assert(!mr->mapped);
    if (mr->size == 0 || base > as->limit || mr->size - 1 > as->limit - base) {
        g_set_error(error, MIMIC_MEM_ERROR, MEM_ERROR_RANGE,
                    "region '%s' [0x%" G_GINT64_MODIFIER "x, +0x%" G_GINT64_MODIFIER
                    "x) does not fit in %s", mr->name, base, mr->size, as->name);
        return false;
    }
    if (as->kind == MEM_SPACE_IO && mr->kind != MEM_REGION_MMIO) {
        g_set_error(error, MIMIC_MEM_ERROR, MEM_ERROR_RANGE,
                    "region '%s': port I/O space %s takes device regions only", mr->name,
                    as->name);
        return false;
    }
    uint64_t last = base + mr->size - 1;
    unsigned pos = 0;
    while (pos < as->nr_map && as->map[pos]->base < base) {
        pos++;
    }
    /* Only the neighbours can overlap a sorted, non-overlapping map. */
    const MemRegion *clash = NULL;
    if (pos > 0 && mem_region_last(as->map[pos - 1]) >= base) {
        clash = as->map[pos - 1];
    } else if (pos < as->nr_map && as->map[pos]->base <= last) {
        clash = as->map[pos];
    }
    if (clash) {
        g_set_error(error, MIMIC_MEM_ERROR, MEM_ERROR_OVERLAP,
                    "region '%s' [0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER
                    "x] overlaps '%s' [0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER "x]",
                    mr->name, base, last, clash->name, clash->base, mem_region_last(clash));
        return false;
    }
    if (as->nr_map == as->cap_map) {
        as->cap_map = as->cap_map ? 2 * as->cap_map : 16;
        as->map = g_renew(MemRegion *, as->map, as->cap_map);
    }
    memmove(&as->map[pos + 1], &as->map[pos], (as->nr_map - pos) * sizeof(as->map[0]));
    as->map[pos] = mr;
    as->nr_map++;
    mr->base = base;
    mr->mapped = true;
    g_atomic_int_set(&as->last_hit, 0);
    return true;
}

void mem_as_unmap(AddressSpace *as, MemRegion *mr)
{
    for (unsigned i = 0; i < as->nr_map; i++) {
        if (as->map[i] == mr) {
            memmove(&as->map[i], &as->map[i + 1], (as->nr_map - i - 1) * sizeof(as->map[0]));
            as->nr_map--;
            mr->mapped = false;
            g_atomic_int_set(&as->last_hit, 0);
            return;
        }
    }
    g_assert_not_reached();
}

MemRegion *mem_as_lookup(AddressSpace *as, uint64_t paddr)
{
    unsigned n = as->nr_map;
    if (n == 0) {
        return NULL;
    }
    unsigned hint = (unsigned)g_atomic_int_get(&as->last_hit);
    if (hint < n) {
        MemRegion *mr = as->map[hint];
        if (paddr >= mr->base && paddr - mr->base < mr->size) {
            return mr;
        }
    }
    /* Last region whose base <= paddr. */
    unsigned lo = 0, hi = n;
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (as->map[mid]->base <= paddr) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    MemRegion *mr = as->map[lo];
    if (paddr < mr->base || paddr - mr->base >= mr->size) {
        return NULL;
    }
    g_atomic_int_set(&as->last_hit, (int)lo);
    return mr;
}

const char *mem_result_str(MemResult r)
{
    switch (r) {
    case MEM_OK:
        return "ok";
    case MEM_ERR_UNMAPPED:
        return "unmapped address";
    case MEM_ERR_SIZE:
        return "access size not accepted";
    case MEM_ERR_ALIGN:
        return "misaligned access";
    case MEM_ERR_READONLY:
        return "write to read-only memory";
    }
    g_assert_not_reached();
}

/* --- Accesses --- */

/* The region for a whole access [paddr, paddr + size), or the reason there is none. */
static MemResult mem_find(AddressSpace *as, uint64_t paddr, unsigned size, MemRegion **out)
{
    g_assert(size == 1 || size == 2 || size == 4 || size == 8);
    MemRegion *mr = mem_as_lookup(as, paddr);
    if (!mr || size > mr->size - (paddr - mr->base)) {
        return MEM_ERR_UNMAPPED;
    }
    if (mr->kind == MEM_REGION_MMIO) {
        const MemOps *ops = mr->ops;
        unsigned min = ops->min_size ? ops->min_size : 1;
        unsigned max = ops->max_size ? ops->max_size : 8;
        if (size < min || size > max) {
            return MEM_ERR_SIZE;
        }
        if (ops->unaligned == MEM_UNALIGNED_REJECT && ((paddr - mr->base) & (size - 1))) {
            return MEM_ERR_ALIGN;
        }
    }
    *out = mr;
    return MEM_OK;
}

/* Device value <-> guest value: swap when the register order differs from the guest's. */
static uint64_t mem_io_swap(const AddressSpace *as, const MemRegion *mr, uint64_t v,
                            unsigned size)
{
    MemEndian e = mr->ops->endian;
    if (e == MEM_NATIVE || e == as->endian) {
        return v;
    }
    return mem_bswap(v, size);
}

static uint64_t mem_io_read(AddressSpace *as, MemRegion *mr, uint64_t off, unsigned size)
{
    if (mr->lock) {
        g_mutex_lock(mr->lock);
    }
    uint64_t v = mr->ops->read(mr->opaque, off, size) & mem_mask(size);
    if (mr->lock) {
        g_mutex_unlock(mr->lock);
    }
    return mem_io_swap(as, mr, v, size);
}

static void mem_io_write(AddressSpace *as, MemRegion *mr, uint64_t off, unsigned size,
                         uint64_t v)
{
    v = mem_io_swap(as, mr, v & mem_mask(size), size);
    if (mr->lock) {
        g_mutex_lock(mr->lock);
    }
    mr->ops->write(mr->opaque, off, size, v);
    if (mr->lock) {
        g_mutex_unlock(mr->lock);
    }
}

MemResult mem_as_load(AddressSpace *as, uint64_t paddr, unsigned size, uint64_t *value)
{
    MemRegion *mr;
    MemResult r = mem_find(as, paddr, size, &mr);
    if (r != MEM_OK) {
        return r;
    }
    uint64_t off = paddr - mr->base;
    if (mr->kind == MEM_REGION_MMIO) {
        *value = mem_io_read(as, mr, off, size);
    } else {
        *value = mem_ldn(mr->host + off, size, as->endian);
    }
    return MEM_OK;
}

MemResult mem_as_store(AddressSpace *as, uint64_t paddr, unsigned size, uint64_t value)
{
    MemRegion *mr;
    MemResult r = mem_find(as, paddr, size, &mr);
    if (r != MEM_OK) {
        return r;
    }
    uint64_t off = paddr - mr->base;
    switch (mr->kind) {
    case MEM_REGION_MMIO:
        mem_io_write(as, mr, off, size, value);
        return MEM_OK;
    case MEM_REGION_ROM:
        return mr->rom_writes == MEM_ROM_WRITE_FAULTS ? MEM_ERR_READONLY : MEM_OK;
    case MEM_REGION_RAM:
        mem_stn(mr->host + off, size, as->endian, value);
        return MEM_OK;
    }
    g_assert_not_reached();
}

static bool mem_host_cmpxchg(void *p, unsigned size, uint64_t expected, uint64_t desired,
                             uint64_t *old)
{
    switch (size) {
    case 1: {
        uint8_t e = expected;
        bool ok = __atomic_compare_exchange_n((uint8_t *)p, &e, (uint8_t)desired, false,
                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *old = e;
        return ok;
    }
    case 2: {
        uint16_t e = expected;
        bool ok = __atomic_compare_exchange_n((uint16_t *)p, &e, (uint16_t)desired, false,
                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *old = e;
        return ok;
    }
    case 4: {
        uint32_t e = expected;
        bool ok = __atomic_compare_exchange_n((uint32_t *)p, &e, (uint32_t)desired, false,
                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *old = e;
        return ok;
    }
    case 8: {
        uint64_t e = expected;
        bool ok = __atomic_compare_exchange_n((uint64_t *)p, &e, desired, false,
                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *old = e;
        return ok;
    }
    }
    g_assert_not_reached();
}

MemResult mem_as_cmpxchg(AddressSpace *as, uint64_t paddr, unsigned size, uint64_t expected,
                         uint64_t desired, uint64_t *old)
{
    MemRegion *mr;
    MemResult r = mem_find(as, paddr, size, &mr);
    if (r != MEM_OK) {
        return r;
    }
    uint64_t off = paddr - mr->base;
    uint64_t mask = mem_mask(size);
    expected &= mask;
    desired &= mask;
    if (mr->kind == MEM_REGION_MMIO) {
        /* Serialised by the region lock against other MMIO accesses, which is all a device
         * register can promise. */
        if (mr->lock) {
            g_mutex_lock(mr->lock);
        }
        uint64_t cur = mem_io_swap(as, mr, mr->ops->read(mr->opaque, off, size) & mask, size);
        if (cur == expected) {
            mr->ops->write(mr->opaque, off, size, mem_io_swap(as, mr, desired, size));
        }
        if (mr->lock) {
            g_mutex_unlock(mr->lock);
        }
        *old = cur;
        return MEM_OK;
    }
    if (mr->kind == MEM_REGION_ROM) {
        *old = mem_ldn(mr->host + off, size, as->endian);
        if (*old == expected && mr->rom_writes == MEM_ROM_WRITE_FAULTS) {
            return MEM_ERR_READONLY;
        }
        return MEM_OK;
    }
    /* RAM: host-order compare of guest-order bytes, so swap both operands and the result
     * for a guest whose order is not the host's. Misaligned host atomics are not atomic
     * on x86 across cache lines but still correct single-threaded; the CPU rejects
     * misaligned AMOs before reaching here. */
    bool swap = mem_endian_is_le(as->endian) != mem_host_is_le();
    uint64_t found;
    mem_host_cmpxchg(mr->host + off, size, swap ? mem_bswap(expected, size) : expected,
                     swap ? mem_bswap(desired, size) : desired, &found);
    *old = swap ? mem_bswap(found, size) : found;
    return MEM_OK;
}

void *mem_as_ram_ptr(AddressSpace *as, uint64_t paddr, uint64_t len, MemRegionKind *kind)
{
    MemRegion *mr = mem_as_lookup(as, paddr);
    if (!mr || mr->kind == MEM_REGION_MMIO || len > mr->size - (paddr - mr->base)) {
        return NULL;
    }
    if (kind) {
        *kind = mr->kind;
    }
    return mr->host + (paddr - mr->base);
}

static MemResult mem_rw(AddressSpace *as, uint64_t paddr, uint8_t *buf, uint64_t len,
                        bool is_write, bool rom_too)
{
    while (len > 0) {
        MemRegion *mr = mem_as_lookup(as, paddr);
        if (!mr) {
            return MEM_ERR_UNMAPPED;
        }
        uint64_t off = paddr - mr->base;
        uint64_t n = MIN(len, mr->size - off);
        if (mr->kind == MEM_REGION_MMIO && rom_too) {
            /* Loader: an image spanning device registers (HTIF's words inside a test
             * program) leaves them alone, like QEMU's ROM blobs. */
        } else if (mr->kind == MEM_REGION_MMIO) {
            unsigned min = mr->ops->min_size ? mr->ops->min_size : 1;
            if (min != 1) {
                return MEM_ERR_SIZE;
            }
            for (uint64_t i = 0; i < n; i++) {
                if (is_write) {
                    mem_io_write(as, mr, off + i, 1, buf[i]);
                } else {
                    buf[i] = (uint8_t)mem_io_read(as, mr, off + i, 1);
                }
            }
        } else if (!is_write) {
            memcpy(buf, mr->host + off, n);
        } else if (mr->kind == MEM_REGION_RAM || rom_too) {
            memcpy(mr->host + off, buf, n);
        }
        buf += n;
        len -= n;
        if (len > 0 && mr->base + mr->size == 0) {
            return MEM_ERR_UNMAPPED;        /* ran off the top of the address space */
        }
        paddr += n;
    }
    return MEM_OK;
}

MemResult mem_as_rw_bytes(AddressSpace *as, uint64_t paddr, void *buf, uint64_t len,
                          bool is_write)
{
    return mem_rw(as, paddr, buf, len, is_write, false);
}

MemResult mem_as_write_rom(AddressSpace *as, uint64_t paddr, const void *buf, uint64_t len)
{
    return mem_rw(as, paddr, (uint8_t *)buf, len, true, true);
}

bool mem_as_bus_load(void *as, uint64_t paddr, unsigned size, uint64_t *value)
{
    return mem_as_load(as, paddr, size, value) == MEM_OK;
}

bool mem_as_bus_cmpxchg(void *as, uint64_t paddr, unsigned size, uint64_t expected,
                        uint64_t desired, uint64_t *old)
{
    return mem_as_cmpxchg(as, paddr, size, expected, desired, old) == MEM_OK;
}
