/*
 * The software TLB and the system-mode slow path (see tlb.h).
 *
 * Every access here follows the same steps: find the entry for the virtual page in
 * the MMU index's table; on a tag mismatch refill it from GuestArch.sys_translate
 * (a guest fault leaves through guest_cpu_exit, and the exec loop turns that exit
 * into the guest's trap); then either use the host pointer of a RAM/ROM page or go
 * through the AddressSpace (MMIO, ROM writes, pages too small to cache).
 *
 * Access faults on the physical side (nothing mapped, a size the device refuses)
 * leave as GUEST_EXIT_MEM_FAULT / FETCH_FAULT with the virtual address; the frontend's
 * sys_raise turns them into its access-fault causes.
 */
#include <string.h>

#include "softmmu/tlb.h"

#define TLB_PAGE_MASK(t) (~(((uint64_t)1 << (t)->page_bits) - 1))

static TlbState *tlb_of(GuestCpu *cpu)
{
    return (TlbState *)cpu->tlb;
}

void tlb_init(TlbState *tlb, const GuestArch *arch, AddressSpace *as)
{
    memset(tlb, 0, sizeof(*tlb));
    tlb->arch = arch;
    tlb->as = as;
    tlb->page_bits = (unsigned)__builtin_ctz(arch->page_size);
    g_assert(arch->sys_mmu_idx_count <= TLB_MAX_MMU);
    tlb->code_limit = as->limit >= ((uint64_t)1 << 48) ? ((uint64_t)1 << 48) : as->limit + 1;
    tlb->code_pages = g_new0(unsigned long,
                             (tlb->code_limit >> tlb->page_bits) / (8 * sizeof(unsigned long)) + 1);
    tlb->used_mmu = ~0u;
    tlb_flush(tlb);
}

void tlb_fini(TlbState *tlb)
{
    g_free(tlb->code_pages);
    tlb->code_pages = NULL;
}

void tlb_flush(TlbState *tlb)
{
    /* Only the tables in use: a guest uses a few of its MMU indexes, and flushes are frequent. */
    uint32_t used = tlb->used_mmu;
    tlb->used_mmu = 0;
    for (unsigned m = 0; m < TLB_MAX_MMU; m++) {
        if (!(used & (1u << m))) {
            continue;
        }
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            TlbEntry *e = &tlb->table[m][i];
            e->addr_read = e->addr_write = e->addr_code = TLB_INVALID;
            e->addend = 0;
        }
    }
}

static unsigned tlb_index(const TlbState *tlb, uint64_t vaddr)
{
    return (unsigned)(vaddr >> tlb->page_bits) & (TLB_SIZE - 1);
}

void tlb_flush_page(TlbState *tlb, uint64_t vaddr)
{
    uint64_t page = vaddr & TLB_PAGE_MASK(tlb);
    unsigned i = tlb_index(tlb, vaddr);

    for (unsigned m = 0; m < TLB_MAX_MMU; m++) {
        TlbEntry *e = &tlb->table[m][i];
        if ((e->addr_read & TLB_PAGE_MASK(tlb)) == page || (e->addr_write & TLB_PAGE_MASK(tlb)) == page ||
            (e->addr_code & TLB_PAGE_MASK(tlb)) == page) {
            e->addr_read = e->addr_write = e->addr_code = TLB_INVALID;
        }
    }
}

/* --- Code pages --- */

static bool code_bit(const TlbState *tlb, uint64_t ppage, unsigned long *mask, size_t *word)
{
    if (ppage >= tlb->code_limit) {
        return false;
    }
    uint64_t n = ppage >> tlb->page_bits;
    *word = n / (8 * sizeof(unsigned long));
    *mask = 1ul << (n % (8 * sizeof(unsigned long)));
    return true;
}

void tlb_watch_code(TlbState *tlb, uint64_t ppage)
{
    unsigned long mask;
    size_t w;
    if (code_bit(tlb, ppage, &mask, &w)) {
        __atomic_fetch_or(&tlb->code_pages[w], mask, __ATOMIC_RELAXED);
    }
}

void tlb_drop_writes_to(TlbState *tlb, uint64_t ppage)
{
    ppage &= TLB_PAGE_MASK(tlb);
    for (unsigned m = 0; m < TLB_MAX_MMU; m++) {
        if (!(tlb->used_mmu & (1u << m))) {
            continue;
        }
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            TlbEntry *e = &tlb->table[m][i];
            if (tlb->paddr[m][i] == ppage && !(e->addr_write & (TLB_INVALID | TLB_SLOW))) {
                e->addr_write |= TLB_SLOW;
            }
        }
    }
}

void tlb_unwatch_code(TlbState *tlb, uint64_t ppage)
{
    unsigned long mask;
    size_t w;
    if (code_bit(tlb, ppage, &mask, &w)) {
        __atomic_fetch_and(&tlb->code_pages[w], ~mask, __ATOMIC_RELAXED);
    }
}

static bool is_code_page(const TlbState *tlb, uint64_t paddr)
{
    unsigned long mask;
    size_t w;
    return code_bit(tlb, paddr & TLB_PAGE_MASK(tlb), &mask, &w) &&
           (__atomic_load_n(&tlb->code_pages[w], __ATOMIC_RELAXED) & mask);
}

/* --- Refill --- */

G_NORETURN static void tlb_fault(GuestCpu *cpu, const GuestTranslation *tr)
{
    guest_cpu_exit(cpu, (GuestExitKind)tr->exit_kind, tr->exit_code, tr->exit_aux);
}

G_NORETURN static void phys_fault(GuestCpu *cpu, uint64_t vaddr, GuestAccess access)
{
    guest_cpu_exit(cpu, access == GUEST_ACCESS_EXEC ? GUEST_EXIT_FETCH_FAULT : GUEST_EXIT_MEM_FAULT,
                   access, vaddr);
}

/*
 * The entry for vaddr, refilled if its tag for `access` does not match; *paddr is the
 * physical address of vaddr.  NULL on a guest fault, described in *fault.
 */
static TlbEntry *tlb_lookup(GuestCpu *cpu, uint64_t vaddr, GuestAccess access, unsigned mmu,
                            uint64_t *paddr, GuestTranslation *fault)
{
    TlbState *tlb = tlb_of(cpu);
    uint64_t page = vaddr & TLB_PAGE_MASK(tlb);
    unsigned i = tlb_index(tlb, vaddr);
    TlbEntry *e = &tlb->table[mmu][i];
    uint64_t tag = access == GUEST_ACCESS_READ ? e->addr_read :
                   access == GUEST_ACCESS_WRITE ? e->addr_write : e->addr_code;

    g_assert(mmu < TLB_MAX_MMU);
    if ((tag & ~TLB_SLOW) == page) {
        *paddr = tlb->paddr[mmu][i] | (vaddr & ~TLB_PAGE_MASK(tlb));
        return e;
    }
    if (!tlb->arch->sys_translate(cpu, vaddr, access, mmu, fault)) {
        return NULL;
    }
    *paddr = fault->paddr;
    if (fault->page_size < ((uint64_t)1 << tlb->page_bits)) {
        /* Valid for this access only (a PMP boundary inside the page): cache nothing. */
        static __thread TlbEntry scratch;
        scratch = (TlbEntry){ .addr_read = TLB_SLOW, .addr_write = TLB_SLOW, .addr_code = TLB_SLOW };
        return &scratch;
    }
    uint64_t ppage = fault->paddr & TLB_PAGE_MASK(tlb);
    MemRegionKind kind = MEM_REGION_MMIO;
    uint8_t *host = mem_as_ram_ptr(tlb->as, ppage, (uint64_t)1 << tlb->page_bits, &kind);
    uint64_t slow = host == NULL ? TLB_SLOW : 0;

    tlb->used_mmu |= 1u << mmu;
    e->addend = host != NULL ? (uintptr_t)host - (uintptr_t)page : 0;
    e->addr_read = (fault->prot & GUEST_PROT_READ) ? page | slow : TLB_INVALID;
    /* ROM and code pages: writes take the slow path (ignored, or invalidating code). */
    e->addr_write = (fault->prot & GUEST_PROT_WRITE) ?
                    page | slow | (kind != MEM_REGION_RAM || is_code_page(tlb, ppage) ? TLB_SLOW : 0) :
                    TLB_INVALID;
    e->addr_code = (fault->prot & GUEST_PROT_EXEC) ? page | slow : TLB_INVALID;
    tlb->paddr[mmu][i] = ppage;
    return e;
}

/* The same for data accesses: a guest fault leaves through guest_cpu_exit. */
static TlbEntry *tlb_entry(GuestCpu *cpu, uint64_t vaddr, GuestAccess access, unsigned mmu,
                           uint64_t *paddr)
{
    GuestTranslation tr;
    TlbEntry *e = tlb_lookup(cpu, vaddr, access, mmu, paddr, &tr);
    if (e == NULL) {
        tlb_fault(cpu, &tr);
    }
    return e;
}

/* --- Accesses --- */

static uint64_t load_host(const uint8_t *p, unsigned size, bool be)
{
    uint64_t v = 0;
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t x; memcpy(&x, p, 2); v = be ? GUINT16_FROM_BE(x) : GUINT16_FROM_LE(x); break; }
    case 4: { uint32_t x; memcpy(&x, p, 4); v = be ? GUINT32_FROM_BE(x) : GUINT32_FROM_LE(x); break; }
    default: { uint64_t x; memcpy(&x, p, 8); v = be ? GUINT64_FROM_BE(x) : GUINT64_FROM_LE(x); break; }
    }
    return v;
}

static void store_host(uint8_t *p, unsigned size, bool be, uint64_t v)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: { uint16_t x = be ? GUINT16_TO_BE((uint16_t)v) : GUINT16_TO_LE((uint16_t)v); memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = be ? GUINT32_TO_BE((uint32_t)v) : GUINT32_TO_LE((uint32_t)v); memcpy(p, &x, 4); break; }
    default: { uint64_t x = be ? GUINT64_TO_BE(v) : GUINT64_TO_LE(v); memcpy(p, &x, 8); break; }
    }
}

/* The loaded bytes as the IR wants them: sign- or zero-extended from size. */
static uint64_t extend(uint64_t v, IrMemOp mop)
{
    unsigned bits = 8 * ir_memop_size(mop);
    if (bits == 64) {
        return v;
    }
    v &= ((uint64_t)1 << bits) - 1;
    if ((mop & IR_MEM_SIGN) && (v >> (bits - 1)) & 1) {
        v |= ~(uint64_t)0 << bits;
    }
    return v;
}

/* The value in the guest's order for this access: IR_MEM_BE names the access's own order. */
static bool access_be(const TlbState *tlb, IrMemOp mop)
{
    return (mop & IR_MEM_BE) != 0;
}

/*
 * An access crossing a page is split into bytes (each its own translation), so the
 * faulting byte reports its own address, as hardware that splits misaligned accesses does.
 */
static bool crosses_page(const TlbState *tlb, uint64_t vaddr, unsigned size)
{
    return ((vaddr ^ (vaddr + size - 1)) & TLB_PAGE_MASK(tlb)) != 0;
}

static uint64_t do_load(GuestCpu *cpu, uint64_t vaddr, IrMemOp mop)
{
    TlbState *tlb = tlb_of(cpu);
    unsigned size = ir_memop_size(mop), mmu = ir_memop_mmu(mop);
    bool be = access_be(tlb, mop);
    uint64_t paddr, v;

    if (size > 1 && crosses_page(tlb, vaddr, size)) {
        uint8_t bytes[8];
        for (unsigned k = 0; k < size; k++) {
            bytes[k] = (uint8_t)do_load(cpu, vaddr + k, mmu << IR_MEM_MMU_SHIFT);
        }
        return extend(load_host(bytes, size, be), mop);
    }
    TlbEntry *e = tlb_entry(cpu, vaddr, GUEST_ACCESS_READ, mmu, &paddr);
    if (!(e->addr_read & TLB_SLOW)) {
        return extend(load_host((const uint8_t *)(uintptr_t)(vaddr + e->addend), size, be), mop);
    }
    if (mem_as_load(tlb->as, paddr, size, &v) != MEM_OK) {
        phys_fault(cpu, vaddr, GUEST_ACCESS_READ);
    }
    /* mem_as_load returns the value in the address space's order; re-read bytes if ours differs. */
    if (be != (tlb->as->endian == MEM_BIG_ENDIAN) && size > 1) {
        uint8_t bytes[8];
        store_host(bytes, size, tlb->as->endian == MEM_BIG_ENDIAN, v);
        v = load_host(bytes, size, be);
    }
    return extend(v, mop);
}

static void note_code_write(TlbState *tlb, uint64_t paddr, unsigned size)
{
    if (tlb->code_write != NULL && is_code_page(tlb, paddr)) {
        tlb->code_write(tlb->code_opaque, paddr, size);
    }
}

static void do_store(GuestCpu *cpu, uint64_t vaddr, uint64_t value, IrMemOp mop)
{
    TlbState *tlb = tlb_of(cpu);
    unsigned size = ir_memop_size(mop), mmu = ir_memop_mmu(mop);
    bool be = access_be(tlb, mop);
    uint64_t paddr;

    if (size > 1 && crosses_page(tlb, vaddr, size)) {
        uint8_t bytes[8];
        store_host(bytes, size, be, value);
        /* Translate every byte first: a fault must leave memory unchanged. */
        for (unsigned k = 0; k < size; k++) {
            uint64_t pa;
            tlb_entry(cpu, vaddr + k, GUEST_ACCESS_WRITE, mmu, &pa);
        }
        for (unsigned k = 0; k < size; k++) {
            do_store(cpu, vaddr + k, bytes[k], mmu << IR_MEM_MMU_SHIFT);
        }
        return;
    }
    TlbEntry *e = tlb_entry(cpu, vaddr, GUEST_ACCESS_WRITE, mmu, &paddr);
    if (!(e->addr_write & TLB_SLOW)) {
        store_host((uint8_t *)(uintptr_t)(vaddr + e->addend), size, be, value);
        return;
    }
    if (be != (tlb->as->endian == MEM_BIG_ENDIAN) && size > 1) {
        uint8_t bytes[8];
        store_host(bytes, size, be, value);
        value = load_host(bytes, size, tlb->as->endian == MEM_BIG_ENDIAN);
    }
    if (mem_as_store(tlb->as, paddr, size, value) != MEM_OK) {
        phys_fault(cpu, vaddr, GUEST_ACCESS_WRITE);
    }
    note_code_write(tlb, paddr, size);
}

static uint64_t rmw_value(IrAtomicOp aop, unsigned size, uint64_t old, uint64_t val)
{
    unsigned bits = 8 * size;
    uint64_t mask = bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
    int64_t so = bits == 64 ? (int64_t)old : (int64_t)(old << (64 - bits)) >> (64 - bits);
    int64_t sv = bits == 64 ? (int64_t)val : (int64_t)(val << (64 - bits)) >> (64 - bits);

    old &= mask;
    val &= mask;
    switch (aop) {
    case IR_ATOMIC_XCHG: return val;
    case IR_ATOMIC_ADD: return (old + val) & mask;
    case IR_ATOMIC_AND: return old & val;
    case IR_ATOMIC_OR: return old | val;
    case IR_ATOMIC_XOR: return old ^ val;
    case IR_ATOMIC_SMIN: return so < sv ? old : val;
    case IR_ATOMIC_SMAX: return so > sv ? old : val;
    case IR_ATOMIC_UMIN: return old < val ? old : val;
    case IR_ATOMIC_UMAX: return old > val ? old : val;
    case IR_ATOMIC_COUNT: break;
    }
    g_assert_not_reached();
}

/*
 * Atomics need one naturally aligned word (the frontends check alignment first).  On
 * RAM they run as host compare-and-swap loops, so other harts' atomics stay atomic.
 */
static uint64_t do_cmpxchg(GuestCpu *cpu, uint64_t vaddr, uint64_t expected, uint64_t desired,
                           IrMemOp mop)
{
    TlbState *tlb = tlb_of(cpu);
    unsigned size = ir_memop_size(mop), mmu = ir_memop_mmu(mop);
    bool be = access_be(tlb, mop);
    uint64_t paddr, old;
    MemRegionKind kind;

    /* A store permission is needed even when the comparison fails (RISC-V AMOs, x86 lock). */
    tlb_entry(cpu, vaddr, GUEST_ACCESS_READ, mmu, &paddr);
    tlb_entry(cpu, vaddr, GUEST_ACCESS_WRITE, mmu, &paddr);
    uint8_t *p = mem_as_ram_ptr(tlb->as, paddr, size, &kind);
    if (p != NULL && kind == MEM_REGION_RAM) {
        /* Compare and swap the bytes as they lie in memory; the host CAS does the rest. */
        uint8_t exp_bytes[8], new_bytes[8];
        store_host(exp_bytes, size, be, expected);
        store_host(new_bytes, size, be, desired);
        switch (size) {
        case 1:
            __atomic_compare_exchange_n(p, exp_bytes, new_bytes[0], false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST);
            break;
        case 2: {
            uint16_t x, n;
            memcpy(&x, exp_bytes, 2);
            memcpy(&n, new_bytes, 2);
            __atomic_compare_exchange_n((uint16_t *)(void *)p, &x, n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
            memcpy(exp_bytes, &x, 2);
            break;
        }
        case 4: {
            uint32_t x, n;
            memcpy(&x, exp_bytes, 4);
            memcpy(&n, new_bytes, 4);
            __atomic_compare_exchange_n((uint32_t *)(void *)p, &x, n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
            memcpy(exp_bytes, &x, 4);
            break;
        }
        default: {
            uint64_t x, n;
            memcpy(&x, exp_bytes, 8);
            memcpy(&n, new_bytes, 8);
            __atomic_compare_exchange_n((uint64_t *)(void *)p, &x, n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
            memcpy(exp_bytes, &x, 8);
            break;
        }
        }
        note_code_write(tlb, paddr, size);
        return extend(load_host(exp_bytes, size, be), mop);
    }
    /* MMIO: no device here needs atomicity against the CPU beyond its own lock. */
    old = do_load(cpu, vaddr, mop & ~(IrMemOp)IR_MEM_SIGN);
    uint64_t mask = size == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * size)) - 1;
    if (old == (expected & mask)) {
        do_store(cpu, vaddr, desired, mop);
    }
    return extend(old, mop);
}

static uint64_t do_rmw(GuestCpu *cpu, uint64_t vaddr, uint64_t value, IrMemOp mop, IrAtomicOp aop)
{
    unsigned size = ir_memop_size(mop);
    IrMemOp raw = mop & ~(IrMemOp)IR_MEM_SIGN;

    for (;;) {
        uint64_t old = do_load(cpu, vaddr, raw);
        uint64_t seen = do_cmpxchg(cpu, vaddr, old, rmw_value(aop, size, old, value), raw);
        if (seen == old) {
            return extend(old, mop);
        }
    }
}

/* --- Helpers called from lifted code (IrBlock.mem_helpers) --- */

uint64_t helper_tlb_load(void *cpu, uint64_t addr, uint64_t memop);
void helper_tlb_store(void *cpu, uint64_t addr, uint64_t value, uint64_t memop);
uint64_t helper_tlb_rmw(void *cpu, uint64_t addr, uint64_t value, uint64_t op);
uint64_t helper_tlb_cmpxchg(void *cpu, uint64_t addr, uint64_t expected, uint64_t desired, uint64_t memop);

uint64_t helper_tlb_load(void *cpu, uint64_t addr, uint64_t memop)
{
    return do_load(cpu, addr, (IrMemOp)memop);
}

void helper_tlb_store(void *cpu, uint64_t addr, uint64_t value, uint64_t memop)
{
    do_store(cpu, addr, value, (IrMemOp)memop);
}

uint64_t helper_tlb_rmw(void *cpu, uint64_t addr, uint64_t value, uint64_t op)
{
    return do_rmw(cpu, addr, value, (IrMemOp)(op & 0xffff), (IrAtomicOp)(op >> 16));
}

uint64_t helper_tlb_cmpxchg(void *cpu, uint64_t addr, uint64_t expected, uint64_t desired, uint64_t memop)
{
    return do_cmpxchg(cpu, addr, expected, desired, (IrMemOp)memop);
}

#define TLB_HELPER_FLAGS (IR_CALL_READS_STATE | IR_CALL_WRITES_STATE | IR_CALL_CAN_RAISE | IR_CALL_MEMORY)

static IrHelper ir_helper_tlb_load = {
    .name = "tlb_load", .fn = (void *)helper_tlb_load, .flags = TLB_HELPER_FLAGS,
    .ret = IR_HT_I64, .nargs = 3, .args = { IR_HT_CPU, IR_HT_I64, IR_HT_I64 },
};
static IrHelper ir_helper_tlb_store = {
    .name = "tlb_store", .fn = (void *)helper_tlb_store, .flags = TLB_HELPER_FLAGS,
    .ret = IR_HT_VOID, .nargs = 4, .args = { IR_HT_CPU, IR_HT_I64, IR_HT_I64, IR_HT_I64 },
};
static IrHelper ir_helper_tlb_rmw = {
    .name = "tlb_rmw", .fn = (void *)helper_tlb_rmw, .flags = TLB_HELPER_FLAGS,
    .ret = IR_HT_I64, .nargs = 4, .args = { IR_HT_CPU, IR_HT_I64, IR_HT_I64, IR_HT_I64 },
};
static IrHelper ir_helper_tlb_cmpxchg = {
    .name = "tlb_cmpxchg", .fn = (void *)helper_tlb_cmpxchg, .flags = TLB_HELPER_FLAGS,
    .ret = IR_HT_I64, .nargs = 5, .args = { IR_HT_CPU, IR_HT_I64, IR_HT_I64, IR_HT_I64, IR_HT_I64 },
};

const IrMemHelpers tlb_mem_helpers = {
    .load = &ir_helper_tlb_load,
    .store = &ir_helper_tlb_store,
    .rmw = &ir_helper_tlb_rmw,
    .cmpxchg = &ir_helper_tlb_cmpxchg,
};

/* --- Instruction fetch --- */

bool tlb_translate_code(GuestCpu *cpu, uint64_t vaddr, uint64_t *paddr, GuestTranslation *fault)
{
    TlbState *tlb = tlb_of(cpu);
    return tlb_lookup(cpu, vaddr, GUEST_ACCESS_EXEC, tlb->arch->sys_fetch_mmu_idx(cpu), paddr, fault) != NULL;
}

bool tlb_fetch(GuestCpu *cpu, uint64_t vaddr, void *buf, unsigned len)
{
    TlbState *tlb = tlb_of(cpu);
    uint8_t *out = buf;

    while (len > 0) {
        uint64_t paddr;
        GuestTranslation tr;
        unsigned chunk = (unsigned)MIN((uint64_t)len, ((vaddr | ~TLB_PAGE_MASK(tlb)) - vaddr) + 1);
        if (!tlb_translate_code(cpu, vaddr, &paddr, &tr)) {
            return false;
        }
        MemRegionKind kind;
        const uint8_t *p = mem_as_ram_ptr(tlb->as, paddr, chunk, &kind);
        if (p == NULL) {
            return false;       /* code must come from RAM or ROM */
        }
        memcpy(out, p, chunk);
        out += chunk;
        vaddr += chunk;
        len -= chunk;
    }
    return true;
}
