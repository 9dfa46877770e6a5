/*
 * The guest registry and the few services every frontend shares: CPU allocation,
 * the one-time "not implemented" warning, and naming ELF machines in messages.
 */
#include <elf.h>
#include <stdio.h>

#include "frontend/guest.h"
#include "frontend/ppc/cpu.h"
#include "frontend/riscv/cpu.h"
#include "frontend/x86/cpu.h"

static const GuestArch *const guest_archs[] = {
    &rv64_arch,
    &ppc32_arch,
    &x86_64_arch,
    &i386_arch,
};

const GuestArch *guest_arch_by_elf(uint16_t machine)
{
    for (size_t i = 0; i < G_N_ELEMENTS(guest_archs); i++) {
        if (guest_archs[i]->elf_machine == machine) {
            return guest_archs[i];
        }
    }
    return NULL;
}

const GuestArch *guest_arch_by_name(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(guest_archs); i++) {
        if (g_strcmp0(guest_archs[i]->name, name) == 0) {
            return guest_archs[i];
        }
    }
    return NULL;
}

const char *guest_elf_machine_name(uint16_t machine)
{
    switch (machine) {
    case EM_386: return "Intel 80386";
    case EM_X86_64: return "x86-64";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "PowerPC64";
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_RISCV: return "RISC-V";
    case EM_MIPS: return "MIPS";
    case EM_S390: return "IBM S/390";
    case EM_SPARC: return "SPARC";
    case EM_SPARCV9: return "SPARC v9";
    case EM_68K: return "Motorola 68000";
    case EM_SH: return "SuperH";
    case EM_LOONGARCH: return "LoongArch";
    default: return "an unknown machine";
    }
}

GuestCpu *guest_cpu_new(const GuestArch *arch)
{
    /* Aligned so host SSE/atomic accesses to state fields are never split. */
    GuestCpu *cpu = g_aligned_alloc0(1, arch->cpu_size, 64);

    cpu->arch = arch;
    arch->cpu_init(cpu);
    return cpu;
}

void guest_cpu_free(GuestCpu *cpu)
{
    g_aligned_free(cpu);
}

void guest_warn_unimplemented(const GuestArch *arch, const char *what)
{
    static GHashTable *seen;
    G_LOCK_DEFINE_STATIC(seen_lock);
    g_autofree char *key = g_strdup_printf("%s/%s", arch->name, what);

    G_LOCK(seen_lock);
    if (seen == NULL) {
        seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    if (!g_hash_table_contains(seen, key)) {
        fprintf(stderr, "mimic: %s: unimplemented: %s\n", arch->name, what);
        g_hash_table_add(seen, g_steal_pointer(&key));
    }
    G_UNLOCK(seen_lock);
}
