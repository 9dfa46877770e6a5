/*
 * The software TLB of one system-mode CPU and the slow path behind it.
 *
 * Owns: per-MMU-index tables of recently used page translations (virtual page ->
 * host address for RAM/ROM, or "go slow" for MMIO and for pages holding translated
 * code), their refill through the guest's GuestArch.sys_translate hook, and every
 * guest memory access that cannot take a host pointer: MMIO dispatch through the
 * AddressSpace, faults (left through guest_cpu_exit for the guest's own trap), and
 * stores to pages with translated code (reported so the exec layer can invalidate).
 *
 * Must not: know a guest ISA or a device.
 *
 * An entry's tags hold the virtual page for reads, writes and fetches separately; a
 * tag that does not match (TLB_INVALID, or a permission not granted) sends the access
 * to the slow path, which refills.  TLB_SLOW in a tag keeps a permitted access on the
 * slow path (MMIO, code pages for writes).  The layout is what an inline fast path
 * compares against: index by (vaddr >> page_bits) & (TLB_SIZE - 1), compare the tag
 * with the page-aligned address, add `addend`.
 *
 * Threads: a TLB belongs to one CPU and is used by the thread running it; another
 * thread asks for a flush through the CPU's exit_request (not built yet: one hart per
 * thread comes with -smp).
 */
#ifndef MIMIC_SOFTMMU_TLB_H
#define MIMIC_SOFTMMU_TLB_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "frontend/guest.h"
#include "ir/ir.h"
#include "softmmu/memory.h"

#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_MAX_MMU 16

/* Low tag bits (below the smallest page size). */
#define TLB_INVALID ((uint64_t)1 << 0)      /* matches no page-aligned address */
#define TLB_SLOW    ((uint64_t)1 << 1)      /* permitted, but every access takes the slow path */

typedef struct TlbEntry {
    uint64_t addr_read;         /* page | flags, or TLB_INVALID */
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend;           /* host address = vaddr + addend (RAM/ROM pages) */
} TlbEntry;
G_STATIC_ASSERT(sizeof(TlbEntry) == 32);

typedef struct TlbState {
    TlbEntry table[TLB_MAX_MMU][TLB_SIZE];
    uint64_t paddr[TLB_MAX_MMU][TLB_SIZE];      /* physical page of each valid entry */
    uint32_t used_mmu;          /* MMU indexes with entries filled since the last flush */
    AddressSpace *as;
    const GuestArch *arch;
    unsigned page_bits;
    /*
     * Physical pages that hold translated code (one bit per page of the address space
     * below code_limit), kept by the exec layer's watch hooks; a store to one calls
     * code_write after it is done.
     */
    unsigned long *code_pages;
    uint64_t code_limit;
    void (*code_write)(void *opaque, uint64_t paddr, unsigned size);
    void *code_opaque;
} TlbState;

void tlb_init(TlbState *tlb, const GuestArch *arch, AddressSpace *as);
void tlb_fini(TlbState *tlb);
/* Drop every translation, or those of one virtual page (all MMU indexes). */
void tlb_flush(TlbState *tlb);
void tlb_flush_page(TlbState *tlb, uint64_t vaddr);

/* Code pages (exec layer's ExecPlatform watch hooks, by physical page address). */
void tlb_watch_code(TlbState *tlb, uint64_t ppage);
void tlb_unwatch_code(TlbState *tlb, uint64_t ppage);
/* Send the writes of cached entries for physical page ppage to the slow path (it now holds code). */
void tlb_drop_writes_to(TlbState *tlb, uint64_t ppage);

/*
 * Instruction fetch for the translator: the physical address of vaddr (false +
 * *fault filled on a guest fault), and copying code bytes.
 */
bool tlb_translate_code(GuestCpu *cpu, uint64_t vaddr, uint64_t *paddr, GuestTranslation *fault);
bool tlb_fetch(GuestCpu *cpu, uint64_t vaddr, void *buf, unsigned len);

/* The helpers IrBlock.mem_helpers points at in system mode (cpu->tlb must be set). */
extern const IrMemHelpers tlb_mem_helpers;

#endif
