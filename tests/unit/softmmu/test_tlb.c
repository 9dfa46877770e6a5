/*
 * The software TLB and its slow path (softmmu/tlb.c) on a fake guest: an identity
 * translation whose permissions the test sets per page, over an address space with RAM
 * at 0x80000000 and an MMIO register page at 0x10000000.  Expected values follow from
 * the contract in tlb.h: RAM pages are cached with a host addend, MMIO stays on the slow
 * path, a denied access is the guest's fault (guest_cpu_exit), stores to code pages are
 * reported.
 */
#include <check.h>
#include <setjmp.h>
#include <string.h>

#include "exec/exec.h"
#include "softmmu/tlb.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1u << 20)
#define IO_BASE 0x10000000ull

static AddressSpace as;
static MemRegion ram, io;
static uint64_t io_last_write, io_writes, io_reads;
static uint32_t page_prot[3];          /* [0] RAM page 0, [1] RAM page 1, [2] everything else */
static unsigned translations;
static uint64_t code_writes;

static uint64_t io_read(void *opaque, uint64_t off, unsigned size)
{
    io_reads++;
    return 0x1000 + off;
}

static void io_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    io_writes++;
    io_last_write = v;
}

static const MemOps io_ops = { .read = io_read, .write = io_write, .min_size = 1, .max_size = 8,
                               .endian = MEM_LITTLE_ENDIAN };

static bool fake_translate(GuestCpu *cpu, GuestAddr vaddr, GuestAccess access, unsigned mmu,
                           GuestTranslation *out)
{
    unsigned which = vaddr >= RAM_BASE && vaddr < RAM_BASE + 0x2000 ? (unsigned)((vaddr - RAM_BASE) >> 12) : 2;
    uint32_t need = access == GUEST_ACCESS_READ ? GUEST_PROT_READ :
                    access == GUEST_ACCESS_WRITE ? GUEST_PROT_WRITE : GUEST_PROT_EXEC;
    translations++;
    if (!(page_prot[which] & need)) {
        out->exit_kind = GUEST_EXIT_MEM_FAULT;
        out->exit_code = access;
        out->exit_aux = vaddr;
        return false;
    }
    out->paddr = vaddr;
    out->page_size = 4096;
    out->prot = page_prot[which];
    return true;
}

static unsigned fake_fetch_mmu(const GuestCpu *cpu)
{
    return 0;
}

static GuestArch fake_arch = {
    .name = "fake", .cpu_size = sizeof(GuestCpu), .page_size = 4096,
    .sys_translate = fake_translate, .sys_fetch_mmu_idx = fake_fetch_mmu, .sys_mmu_idx_count = 2,
};

static TlbState tlb;
static GuestCpu cpu;

static void note_code(void *opaque, uint64_t paddr, unsigned size)
{
    code_writes++;
}

static void setup(void)
{
    g_autoptr(GError) error = NULL;
    mem_as_init(&as, "test", MEM_SPACE_MEMORY, MEM_LITTLE_ENDIAN);
    ck_assert(mem_region_init_ram(&ram, "ram", RAM_SIZE, &error));
    mem_region_init_io(&io, "io", &io_ops, NULL, 0x1000);
    ck_assert(mem_as_map(&as, RAM_BASE, &ram, &error));
    ck_assert(mem_as_map(&as, IO_BASE, &io, &error));
    tlb_init(&tlb, &fake_arch, &as);
    tlb.code_write = note_code;
    memset(&cpu, 0, sizeof(cpu));
    cpu.arch = &fake_arch;
    cpu.tlb = &tlb;
    page_prot[0] = page_prot[1] = page_prot[2] = GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC;
    translations = 0;
    io_reads = io_writes = io_last_write = code_writes = 0;
}

static void teardown(void)
{
    tlb_fini(&tlb);
    mem_as_destroy(&as);
    mem_region_destroy(&ram);
    mem_region_destroy(&io);
}

static uint64_t load(uint64_t addr, IrMemOp mop)
{
    uint64_t (*fn)(void *, uint64_t, uint64_t) = tlb_mem_helpers.load->fn;
    return fn(&cpu, addr, mop);
}

static void store(uint64_t addr, uint64_t v, IrMemOp mop)
{
    void (*fn)(void *, uint64_t, uint64_t, uint64_t) = tlb_mem_helpers.store->fn;
    fn(&cpu, addr, v, mop);
}

/* Run an access that must fault; returns the exit kind it left with. */
static unsigned faulting(void (*access)(void))
{
    sigjmp_buf unwind;
    exec_thread.cpu = &cpu;
    if (sigsetjmp(unwind, 0) == 0) {
        exec_thread.unwind = &unwind;
        access();
        exec_thread.unwind = NULL;
        return GUEST_EXIT_NONE;
    }
    exec_thread.unwind = NULL;
    return cpu.exit_kind;
}

START_TEST(test_tlb_ram_cached)
{
    store(RAM_BASE + 8, 0x1122334455667788ull, IR_MEM_64);
    ck_assert_uint_eq(translations, 1);
    ck_assert_uint_eq(load(RAM_BASE + 8, IR_MEM_64), 0x1122334455667788ull);
    ck_assert_uint_eq(load(RAM_BASE + 8, IR_MEM_8 | IR_MEM_SIGN), 0xffffffffffffff88ull);
    ck_assert_uint_eq(load(RAM_BASE + 14, IR_MEM_16), 0x1122);
    ck_assert_uint_eq(load(RAM_BASE + 8, IR_MEM_32 | IR_MEM_BE), 0x88776655);
    /* One refill per page and kind of access: the read tag came with the write fill. */
    ck_assert_uint_le(translations, 2);
    /* The entry the inline fast path uses: tag = page, host = vaddr + addend. */
    const TlbEntry *e = &tlb.table[0][(RAM_BASE >> 12) & (TLB_SIZE - 1)];
    ck_assert_uint_eq(e->addr_read, RAM_BASE);
    ck_assert_uint_eq(e->addr_write, RAM_BASE);
    ck_assert_uint_eq(*(uint64_t *)(uintptr_t)(RAM_BASE + 8 + e->addend), 0x1122334455667788ull);
    /* A flush of the page makes the next access translate again. */
    unsigned before = translations;
    tlb_flush_page(&tlb, RAM_BASE + 0x123);
    load(RAM_BASE, IR_MEM_8);
    ck_assert_uint_eq(translations, before + 1);
    tlb_flush(&tlb);
    load(RAM_BASE, IR_MEM_8);
    ck_assert_uint_eq(translations, before + 2);
}
END_TEST

START_TEST(test_tlb_mmio_slow)
{
    ck_assert_uint_eq(load(IO_BASE + 0x10, IR_MEM_32), 0x1010);
    ck_assert_uint_eq(load(IO_BASE + 0x10, IR_MEM_32), 0x1010);
    ck_assert_uint_eq(io_reads, 2);         /* never cached as memory */
    store(IO_BASE + 4, 0xabcd, IR_MEM_32);
    ck_assert_uint_eq(io_writes, 1);
    ck_assert_uint_eq(io_last_write, 0xabcd);
    const TlbEntry *e = &tlb.table[0][(IO_BASE >> 12) & (TLB_SIZE - 1)];
    ck_assert(e->addr_read & TLB_SLOW);
}
END_TEST

static void read_denied(void)
{
    load(RAM_BASE + 0x1000, IR_MEM_32);
}

static void write_denied(void)
{
    store(RAM_BASE + 0x1000, 1, IR_MEM_32);
}

static void read_unmapped(void)
{
    load(0x20000000, IR_MEM_32);
}

START_TEST(test_tlb_faults)
{
    page_prot[1] = GUEST_PROT_READ;
    ck_assert_uint_eq(faulting(read_denied), GUEST_EXIT_NONE);
    ck_assert_uint_eq(faulting(write_denied), GUEST_EXIT_MEM_FAULT);
    ck_assert_uint_eq(cpu.exit_aux, RAM_BASE + 0x1000);
    ck_assert_uint_eq(cpu.exit_code, GUEST_ACCESS_WRITE);
    page_prot[1] = 0;
    tlb_flush(&tlb);
    ck_assert_uint_eq(faulting(read_denied), GUEST_EXIT_MEM_FAULT);
    /* Translated, but nothing in the address space there: an access fault. */
    ck_assert_uint_eq(faulting(read_unmapped), GUEST_EXIT_MEM_FAULT);
    ck_assert_uint_eq(cpu.exit_aux, 0x20000000);
}
END_TEST

START_TEST(test_tlb_code_pages)
{
    uint64_t paddr;
    GuestTranslation tr;
    uint32_t word = 0;

    store(RAM_BASE, 0x13, IR_MEM_32);
    ck_assert(tlb_translate_code(&cpu, RAM_BASE + 4, &paddr, &tr));
    ck_assert_uint_eq(paddr, RAM_BASE + 4);
    ck_assert(tlb_fetch(&cpu, RAM_BASE, &word, 4));
    ck_assert_uint_eq(word, 0x13);
    /* Once the page holds translated code, stores to it are reported (after a flush). */
    tlb_watch_code(&tlb, RAM_BASE);
    tlb_flush(&tlb);
    store(RAM_BASE + 8, 1, IR_MEM_32);
    ck_assert_uint_eq(code_writes, 1);
    store(RAM_BASE + 0x1008, 1, IR_MEM_32);     /* the next page holds none */
    ck_assert_uint_eq(code_writes, 1);
    tlb_unwatch_code(&tlb, RAM_BASE);
    tlb_flush(&tlb);
    store(RAM_BASE + 8, 2, IR_MEM_32);
    ck_assert_uint_eq(code_writes, 1);
    /* A page crossing access is split and still lands whole. */
    store(RAM_BASE + 0xffe, 0xa1b2c3d4, IR_MEM_32);
    ck_assert_uint_eq(load(RAM_BASE + 0xffe, IR_MEM_32), 0xa1b2c3d4);
}
END_TEST

Suite *softmmu_tlb_suite(void)
{
    Suite *s = suite_create("softmmu_tlb");
    TCase *tc = tcase_create("tlb");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tlb_ram_cached);
    tcase_add_test(tc, test_tlb_mmio_slow);
    tcase_add_test(tc, test_tlb_faults);
    tcase_add_test(tc, test_tlb_code_pages);
    suite_add_tcase(s, tc);
    return s;
}
