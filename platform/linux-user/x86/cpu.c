/*
 * What an x86 guest learns about its CPU from the kernel: AT_HWCAP, which on x86 is
 * CPUID leaf 1 EDX (arch/x86/include/asm/elf.h, ELF_HWCAP), and /proc/cpuinfo
 * (arch/x86/kernel/cpu/proc.c, show_cpuinfo).  Both come from the guest CPU's own
 * CPUID, so they name exactly the instructions the frontend lifts.
 */
#include <signal.h>
#include <string.h>

#include "frontend/x86/internal.h"
#include "platform/linux-user/x86/x86_user.h"

static void cpuid(unsigned mode, uint32_t leaf, uint32_t r[4])
{
    X86Cpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    cpu.mode = mode;
    cpu.regs[X86_RAX] = leaf;
    helper_x86_cpuid(&cpu);
    r[0] = (uint32_t)cpu.regs[X86_RAX];
    r[1] = (uint32_t)cpu.regs[X86_RBX];
    r[2] = (uint32_t)cpu.regs[X86_RCX];
    r[3] = (uint32_t)cpu.regs[X86_RDX];
}

uint32_t x86_user_hwcap(unsigned mode)
{
    uint32_t r[4];
    cpuid(mode, 1, r);
    return r[3];
}

/* The x86_cap_flags names of CPUID leaf 1 EDX and ECX bits (arch/x86/kernel/cpu/capflags.c). */
static const char *const edx_names[32] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep", "mtrr",
    "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi", "mmx", "fxsr",
    "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
};
static const char *const ecx_names[32] = {
    "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3",
    "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1", "sse4_2",
    "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c",
    "rdrand", "hypervisor",
};

void x86_user_cpuinfo(GString *out, unsigned ncpus, unsigned mode)
{
    uint32_t v[4], f[4], e[4];
    cpuid(mode, 0, v);
    cpuid(mode, 1, f);
    cpuid(mode, 0x80000001u, e);
    char vendor[13];
    memcpy(vendor, &v[1], 4);
    memcpy(vendor + 4, &v[3], 4);
    memcpy(vendor + 8, &v[2], 4);
    vendor[12] = 0;
    unsigned family = (f[0] >> 8) & 0xf, model = (f[0] >> 4) & 0xf, stepping = f[0] & 0xf;
    if (family == 6 || family == 15) {
        model |= ((f[0] >> 16) & 0xf) << 4;
    }
    GString *flags = g_string_new(NULL);
    for (int i = 0; i < 32; i++) {
        if ((f[3] >> i & 1) && edx_names[i]) {
            g_string_append_printf(flags, "%s%s", flags->len ? " " : "", edx_names[i]);
        }
    }
    if (e[3] & (1u << 11)) {
        g_string_append(flags, " syscall");
    }
    if (e[3] & (1u << 29)) {
        g_string_append(flags, " lm");
    }
    for (int i = 0; i < 32; i++) {
        if ((f[2] >> i & 1) && ecx_names[i]) {
            g_string_append_printf(flags, " %s", ecx_names[i]);
        }
    }
    if (e[2] & 1) {
        g_string_append(flags, " lahf_lm");
    }
    if (e[2] & (1u << 5)) {
        g_string_append(flags, " abm");
    }
    for (unsigned i = 0; i < ncpus; i++) {
        g_string_append_printf(out, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
                               "model name\t: mimic x86 (%s)\nstepping\t: %u\ncpu MHz\t\t: 1000.000\n"
                               "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n"
                               "apicid\t\t: %u\nflags\t\t: %s\nbogomips\t: 2000.00\n"
                               "clflush size\t: 64\ncache_alignment\t: 64\n"
                               "address sizes\t: 40 bits physical, 48 bits virtual\n\n",
                               i, vendor, family, model, mode == 64 ? "x86_64" : "i686", stepping, ncpus,
                               i, ncpus, i, flags->str);
    }
    g_string_free(flags, TRUE);
}

void x86_raise_exception(UserProc *p, GuestCpu *cpu)
{
    (void)cpu;
    user_signal_raise_sync(p, SIGSEGV, SI_KERNEL, 0);
}

/*
 * An instruction the frontend does not run, as Linux reports it (arch/x86/kernel/traps.c):
 * privileged ones (hlt, cli/sti, port I/O) fault with #GP in user mode, a SIGSEGV with
 * SI_KERNEL; anything else is #UD, a SIGILL with ILL_ILLOPN at the instruction.  Never
 * "emulated": the signal is raised here, so true is always returned.
 */
bool x86_emulate_illegal(UserProc *p, GuestCpu *cpu)
{
    uint8_t b[16];
    unsigned i = 0, n = 0;
    while (n < sizeof(b) && user_copy_from(&p->mem, b + n, cpu->pc + n, 1) == 0) {
        n++;
    }
    /* Skip the legacy prefixes (and REX in 64-bit mode) to the opcode. */
    while (i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3 ||
                     b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x26 || b[i] == 0x64 ||
                     b[i] == 0x65 || (((X86Cpu *)cpu)->mode == 64 && (b[i] & 0xf0) == 0x40))) {
        i++;
    }
    if (i < n) {
        uint8_t op = b[i];
        bool privileged = op == 0xf4 || op == 0xfa || op == 0xfb || (op >= 0xe4 && op <= 0xe7) ||
                          (op >= 0xec && op <= 0xef) || (op >= 0x6c && op <= 0x6f);
        if (privileged) {
            user_signal_raise_sync(p, SIGSEGV, SI_KERNEL, 0);
            return true;
        }
    }
    user_signal_raise_sync(p, SIGILL, ILL_ILLOPN, cpu->pc);
    return true;
}
