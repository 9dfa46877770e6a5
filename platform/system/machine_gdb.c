/*
 * A board's side of the gdb stub: gdb thread N is hart N-1, and memory is what the hart
 * sees through its MMU at its current privilege (the page walk of a TLB refill, without
 * filling the TLB).  Only RAM and ROM are read or written: a debugger's access to a device
 * register would have the device's side effects, so those read as errors, like QEMU's.
 * A write also drops the translations of the bytes written.
 */
#include <string.h>

#include "gdbstub/gdb_server.h"
#include "platform/system/machine_gdb.h"

static int64_t gdb_thread_id(void *opaque, GuestCpu *cpu)
{
    MachineGdb *g = opaque;
    for (unsigned i = 0; i < g->nr_cpus; i++) {
        if (g->cpus[i] == cpu) {
            return i + 1;
        }
    }
    return 1;
}

/* The host bytes of [addr, addr + len) within one page, as cpu sees them; NULL if none. */
static uint8_t *host_of(MachineGdb *g, GuestCpu *cpu, GuestAddr addr, size_t len, bool write, uint64_t *paddr)
{
    const GuestArch *arch = g->x->arch;
    GuestTranslation tr;
    MemRegionKind kind;
    if (!arch->sys_translate(cpu, addr, write ? GUEST_ACCESS_WRITE : GUEST_ACCESS_READ,
                             arch->sys_fetch_mmu_idx(cpu), &tr)) {
        /* Not readable as data: code-only pages still show their bytes to the debugger. */
        if (write || !arch->sys_translate(cpu, addr, GUEST_ACCESS_EXEC, arch->sys_fetch_mmu_idx(cpu), &tr)) {
            return NULL;
        }
    }
    *paddr = tr.paddr;
    return mem_as_ram_ptr(g->as, tr.paddr, len, &kind);
}

static bool gdb_access(MachineGdb *g, GuestCpu *cpu, GuestAddr addr, uint8_t *buf, size_t len, bool write)
{
    uint32_t page = g->x->arch->page_size;
    while (len > 0) {
        size_t n = MIN(len, page - (addr & (page - 1)));
        uint64_t paddr;
        uint8_t *h = host_of(g, cpu, addr, n, write, &paddr);
        if (h == NULL) {
            return false;
        }
        if (write) {
            memcpy(h, buf, n);
            exec_invalidate_range(g->x, paddr, n);
        } else {
            memcpy(buf, h, n);
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return true;
}

static bool gdb_read_mem(void *opaque, GuestCpu *cpu, GuestAddr addr, uint8_t *buf, size_t len)
{
    return gdb_access(opaque, cpu, addr, buf, len, false);
}

static bool gdb_write_mem(void *opaque, GuestCpu *cpu, GuestAddr addr, const uint8_t *buf, size_t len)
{
    return gdb_access(opaque, cpu, addr, (uint8_t *)buf, len, true);
}

bool machine_gdb_start(MachineGdb *g, const char *spec, bool wait, GError **error)
{
    GdbTarget t = {
        .opaque = g,
        .arch = g->x->arch,
        .system = true,
        .pid = 1,
        .thread_id = gdb_thread_id,
        .read_mem = gdb_read_mem,
        .write_mem = gdb_write_mem,
    };
    if (g->x->arch->gdb == NULL) {
        g_set_error(error, IR_MIMIC_ERROR, 0, "no gdb stub for %s guests yet", g->x->arch->name);
        return false;
    }
    return gdb_server_start(g->x, &t, g->cpus[0], spec, wait, error) != NULL;
}
