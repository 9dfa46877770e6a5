/*
 * softmmu/memory.h -- the physical address space of an emulated board.
 *
 * A board builds one AddressSpace for memory (and, on x86, a second one for port I/O)
 * out of MemRegions: RAM (host memory), ROM (host memory the guest cannot change) and
 * MMIO (a device's read/write callbacks). CPUs, page-table walks, loaders and DMA all
 * reach guest-physical memory through the functions here; nothing outside softmmu/
 * looks at the region map.
 *
 * Values are integers as the guest sees them. RAM and ROM hold bytes in the address
 * space's byte order (a property of the AddressSpace: little-endian for RISC-V and x86,
 * big-endian for PowerPC). An MMIO region declares its own register byte order in
 * MemOps.endian; when it differs from the address space's, the value is byte-swapped on
 * the way through, the way a little-endian PCI device looks to a big-endian CPU.
 * MEM_NATIVE means "whatever the guest uses": never swapped. RAM and ROM take any
 * alignment (the CPU applies its own misalignment rules before it gets here); MMIO
 * regions choose with MemOps.unaligned.
 *
 * Thread safety (each guest hart will run on its own host thread):
 *   - The map is built before any hart runs and is not changed while they run, so
 *     lookups take no lock. The last-hit cache is one atomic index.
 *   - RAM and ROM accesses are plain host loads/stores (atomic ones for cmpxchg) and
 *     take no lock: guest memory ordering is the guest's business.
 *   - An MMIO callback runs with its region's lock held (mem_region_set_lock: a device
 *     passes its own mutex, or the board's big lock); one device's callbacks never run
 *     concurrently. A callback may raise an IrqLine, which takes the interrupt
 *     controller's lock, never the other way round: controllers do not call into
 *     devices, so the lock order is device -> controller -> CPU (atomics only).
 */
#ifndef MIMIC_SOFTMMU_MEMORY_H
#define MIMIC_SOFTMMU_MEMORY_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define MIMIC_MEM_ERROR (mem_error_quark())
GQuark mem_error_quark(void);

typedef enum MemErrorCode {
    MEM_ERROR_OVERLAP,      /* two regions claim the same addresses */
    MEM_ERROR_RANGE,        /* region beyond the address space, or of size 0 */
    MEM_ERROR_NOMEM,        /* host memory for RAM/ROM could not be allocated */
} MemErrorCode;

typedef enum MemEndian {
    MEM_LITTLE_ENDIAN,
    MEM_BIG_ENDIAN,
    MEM_NATIVE,             /* MMIO only: the guest's own order, never swapped */
} MemEndian;

/* Outcome of one access. The CPU maps everything but MEM_OK to its access fault. */
typedef enum MemResult {
    MEM_OK = 0,
    MEM_ERR_UNMAPPED,       /* no region at this address (or the access runs off one) */
    MEM_ERR_SIZE,           /* the region does not accept this access size */
    MEM_ERR_ALIGN,          /* misaligned access to a region that rejects it */
    MEM_ERR_READONLY,       /* store to a ROM created with MEM_ROM_WRITE_FAULTS */
} MemResult;

typedef enum MemRegionKind {
    MEM_REGION_RAM,
    MEM_REGION_ROM,
    MEM_REGION_MMIO,
} MemRegionKind;

typedef enum MemUnaligned {
    MEM_UNALIGNED_REJECT,   /* offset % size != 0 -> MEM_ERR_ALIGN (most device registers) */
    MEM_UNALIGNED_ALLOW,    /* the callback copes with any offset */
} MemUnaligned;

/*
 * A device's register callbacks. `offset` is relative to the region start, `size` is
 * 1, 2, 4 or 8 and always within [min_size, max_size]; the value is the register value
 * in the device's own view (MemOps.endian). Reads of unknown registers return 0 and
 * writes to them are ignored: that is the device's job, not an error.
 */
typedef struct MemOps {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
    unsigned min_size;          /* 0 means 1 */
    unsigned max_size;          /* 0 means 8 */
    MemEndian endian;
    MemUnaligned unaligned;
} MemOps;

/* What a store to ROM does: ignored (QEMU's behaviour, the default) or an access fault. */
typedef enum MemRomWrites {
    MEM_ROM_WRITES_IGNORED,
    MEM_ROM_WRITE_FAULTS,
} MemRomWrites;

typedef struct MemRegion {
    const char *name;           /* owned (g_strdup) */
    MemRegionKind kind;
    uint64_t size;
    uint8_t *host;              /* RAM/ROM: host bytes */
    bool host_mmapped;          /* free with munmap, not g_free */
    MemRomWrites rom_writes;
    const MemOps *ops;          /* MMIO */
    void *opaque;
    GMutex *lock;               /* MMIO: held around each callback; NULL = caller serialises */
    uint64_t base;              /* set by mem_as_map */
    bool mapped;
} MemRegion;

typedef enum MemSpaceKind {
    MEM_SPACE_MEMORY,           /* physical memory: 64-bit addresses */
    MEM_SPACE_IO,               /* x86 port I/O: 16-bit port numbers, MMIO regions only */
} MemSpaceKind;

typedef struct AddressSpace {
    char *name;
    MemSpaceKind kind;
    MemEndian endian;           /* byte order of RAM/ROM and of guest values */
    uint64_t limit;             /* last valid address */
    MemRegion **map;            /* sorted by base, non-overlapping */
    unsigned nr_map;
    unsigned cap_map;
    int last_hit;               /* atomic: index of the last region found */
} AddressSpace;

/* --- Regions --- */
bool mem_region_init_ram(MemRegion *mr, const char *name, uint64_t size, GError **error);
bool mem_region_init_rom(MemRegion *mr, const char *name, uint64_t size, MemRomWrites writes,
                         GError **error);
/* RAM over memory the caller owns (a test buffer, a file mapping): not freed by destroy. */
void mem_region_init_ram_ptr(MemRegion *mr, const char *name, void *host, uint64_t size);
void mem_region_init_io(MemRegion *mr, const char *name, const MemOps *ops, void *opaque,
                        uint64_t size);
void mem_region_set_lock(MemRegion *mr, GMutex *lock);
/* Frees what init allocated; the region must be unmapped first. */
void mem_region_destroy(MemRegion *mr);

/* --- Address spaces --- */
void mem_as_init(AddressSpace *as, const char *name, MemSpaceKind kind, MemEndian endian);
void mem_as_destroy(AddressSpace *as);          /* unmaps, does not destroy the regions */
/* Adds [base, base + mr->size); an overlap fails naming both regions. */
bool mem_as_map(AddressSpace *as, uint64_t base, MemRegion *mr, GError **error);
void mem_as_unmap(AddressSpace *as, MemRegion *mr);
/* The region holding paddr, or NULL. */
MemRegion *mem_as_lookup(AddressSpace *as, uint64_t paddr);
const char *mem_result_str(MemResult r);

/* --- Accesses (size 1, 2, 4 or 8) --- */
MemResult mem_as_load(AddressSpace *as, uint64_t paddr, unsigned size, uint64_t *value);
MemResult mem_as_store(AddressSpace *as, uint64_t paddr, unsigned size, uint64_t value);
/* Atomic on RAM; on MMIO a read, compare and write under the region lock. *old gets the
 * value found; the store happened iff *old == expected. */
MemResult mem_as_cmpxchg(AddressSpace *as, uint64_t paddr, unsigned size, uint64_t expected,
                         uint64_t desired, uint64_t *old);

/* Host pointer for [paddr, paddr + len) when it lies in one RAM or ROM region, else NULL.
 * For the TLB fill (RAM pages run at host speed) and for DMA. Writes through a ROM
 * pointer bypass the ROM's protection: the TLB maps ROM read-only. */
void *mem_as_ram_ptr(AddressSpace *as, uint64_t paddr, uint64_t len, MemRegionKind *kind);

/*
 * Byte copy for loaders and DMA, crossing regions: RAM directly, MMIO one byte access at a
 * time where the region allows 1-byte accesses. Stores to ROM are ignored (a device
 * cannot write ROM either). Fails with the first address that could not be reached.
 */
MemResult mem_as_rw_bytes(AddressSpace *as, uint64_t paddr, void *buf, uint64_t len,
                          bool is_write);
/* Loader path: like a store of bytes, but ROM is written too (firmware, reset vector) and
 * device registers inside the range are skipped. */
MemResult mem_as_write_rom(AddressSpace *as, uint64_t paddr, const void *buf, uint64_t len);

/* Adapters with the signatures a CPU frontend's page-table walker takes (the opaque
 * pointer is the AddressSpace): true = the access succeeded. */
bool mem_as_bus_load(void *as, uint64_t paddr, unsigned size, uint64_t *value);
bool mem_as_bus_cmpxchg(void *as, uint64_t paddr, unsigned size, uint64_t expected,
                        uint64_t desired, uint64_t *old);

/* Byte order helpers shared with devices that parse guest memory (virtio rings). */
uint64_t mem_bswap(uint64_t value, unsigned size);
uint64_t mem_ldn(const void *p, unsigned size, MemEndian endian);
void mem_stn(void *p, unsigned size, MemEndian endian, uint64_t value);

#endif
