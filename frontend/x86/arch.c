/*
 * The two x86 guest descriptions sharing this frontend: x86_64_arch (64-bit mode)
 * and i386_arch (32-bit protected mode, flat segments).  Register tables (names as
 * GDB prints them), reset state and the architected EFLAGS view.
 */
#include <elf.h>

#include "frontend/x86/internal.h"

#define X86_R64(n, i) { .name = n, .offset = offsetof(X86Cpu, regs[0]) + 8 * (i), .size = 8, .kind = GUEST_REG_GPR }
#define X86_R32(n, i) { .name = n, .offset = offsetof(X86Cpu, regs[0]) + 8 * (i), .size = 4, .kind = GUEST_REG_GPR }
#define X86_CSR(n, field, sz) { .name = n, .offset = offsetof(X86Cpu, field), .size = sz, .kind = GUEST_REG_CSR }

/*
 * EFLAGS is not a field: the arithmetic flags are lazy.  Its table entry is computed
 * from the whole state by x86_get_eflags() (its offset names the non-arithmetic rest).
 */
static uint64_t x86_reg_eflags(const GuestCpu *cpu)
{
    return x86_get_eflags((const X86Cpu *)cpu);
}

#define X86_EFLAGS(sz) { .name = "eflags", .offset = offsetof(X86Cpu, eflags), .size = sz, \
                         .kind = GUEST_REG_CSR, .get = x86_reg_eflags }

/*
 * x87 and SSE registers for traces: each ST(i) as its 64-bit mantissa ("st0") and
 * its sign and exponent ("st0.se"), the 16-bit control, status and tag words, MXCSR,
 * and each xmm register as two 64-bit halves.
 */
#define X86_ST_SE(i) \
    static uint64_t x86_reg_st##i##_se(const GuestCpu *cpu) \
    { \
        const uint8_t *r = ((const X86Cpu *)cpu)->fpu.st[i]; \
        return (uint64_t)r[8] | (uint64_t)r[9] << 8; \
    }
X86_ST_SE(0) X86_ST_SE(1) X86_ST_SE(2) X86_ST_SE(3) X86_ST_SE(4) X86_ST_SE(5) X86_ST_SE(6) X86_ST_SE(7)
#undef X86_ST_SE

static uint64_t x86_reg_fcw(const GuestCpu *cpu)
{
    return ((const X86Cpu *)cpu)->fpu.fcw;
}

static uint64_t x86_reg_fsw(const GuestCpu *cpu)
{
    return ((const X86Cpu *)cpu)->fpu.fsw;
}

static uint64_t x86_reg_ftw(const GuestCpu *cpu)
{
    return ((const X86Cpu *)cpu)->fpu.ftw;
}

#define X86_ST(i) \
    { .name = "st" #i, .offset = offsetof(X86Cpu, fpu.st[i]), .size = 8, .kind = GUEST_REG_FPR }, \
    { .name = "st" #i ".se", .offset = offsetof(X86Cpu, fpu.st[i]), .size = 8, .kind = GUEST_REG_FPR, \
      .get = x86_reg_st##i##_se }
#define X86_FPU_REGS \
    X86_ST(0), X86_ST(1), X86_ST(2), X86_ST(3), X86_ST(4), X86_ST(5), X86_ST(6), X86_ST(7), \
    { .name = "fcw", .offset = offsetof(X86Cpu, fpu.fcw), .size = 4, .kind = GUEST_REG_CSR, .get = x86_reg_fcw }, \
    { .name = "fsw", .offset = offsetof(X86Cpu, fpu.fsw), .size = 4, .kind = GUEST_REG_CSR, .get = x86_reg_fsw }, \
    { .name = "ftw", .offset = offsetof(X86Cpu, fpu.ftw), .size = 4, .kind = GUEST_REG_CSR, .get = x86_reg_ftw }, \
    X86_CSR("mxcsr", mxcsr, 4)
#define X86_XMM(i) \
    { .name = "xmm" #i ".lo", .offset = offsetof(X86Cpu, xmm[i]), .size = 8, .kind = GUEST_REG_FPR }, \
    { .name = "xmm" #i ".hi", .offset = offsetof(X86Cpu, xmm[i]) + 8, .size = 8, .kind = GUEST_REG_FPR }
#define X86_XMM0_7 X86_XMM(0), X86_XMM(1), X86_XMM(2), X86_XMM(3), X86_XMM(4), X86_XMM(5), X86_XMM(6), X86_XMM(7)
#define X86_XMM8_15 X86_XMM(8), X86_XMM(9), X86_XMM(10), X86_XMM(11), X86_XMM(12), X86_XMM(13), X86_XMM(14), \
                    X86_XMM(15)

static const GuestReg x86_64_regs[] = {
    { .name = "rip", .offset = offsetof(X86Cpu, common.pc), .size = 8, .kind = GUEST_REG_PC },
    X86_R64("rax", 0), X86_R64("rcx", 1), X86_R64("rdx", 2), X86_R64("rbx", 3),
    X86_R64("rsp", 4), X86_R64("rbp", 5), X86_R64("rsi", 6), X86_R64("rdi", 7),
    X86_R64("r8", 8), X86_R64("r9", 9), X86_R64("r10", 10), X86_R64("r11", 11),
    X86_R64("r12", 12), X86_R64("r13", 13), X86_R64("r14", 14), X86_R64("r15", 15),
    X86_EFLAGS(8), X86_CSR("fs_base", fs_base, 8), X86_CSR("gs_base", gs_base, 8),
    X86_FPU_REGS, X86_XMM0_7, X86_XMM8_15,
};

static const GuestReg i386_regs[] = {
    { .name = "eip", .offset = offsetof(X86Cpu, common.pc), .size = 4, .kind = GUEST_REG_PC },
    X86_R32("eax", 0), X86_R32("ecx", 1), X86_R32("edx", 2), X86_R32("ebx", 3),
    X86_R32("esp", 4), X86_R32("ebp", 5), X86_R32("esi", 6), X86_R32("edi", 7),
    X86_EFLAGS(4), X86_CSR("fs_base", fs_base, 4), X86_CSR("gs_base", gs_base, 4),
    X86_FPU_REGS, X86_XMM0_7,
};

/* Reset as Linux starts a process: flags 0x202 (IF), flat selectors, x87/SSE defaults. */
static void x86_cpu_reset(X86Cpu *cpu, unsigned mode)
{
    cpu->mode = mode;
    cpu->eflags = X86_EFLAGS_FIXED | X86_IF;
    cpu->cc_op = X86_CC_EFLAGS;
    cpu->cc_src = 0;
    cpu->fpu.fcw = 0x37f;       /* FNINIT state: all registers empty */
    cpu->fpu.ftw = 0xffff;
    cpu->mxcsr = 0x1f80;
    for (int i = 0; i < X86_TLS_ENTRIES; i++) {
        cpu->tls[i].flags = X86_DESC_EMPTY;
    }
    if (mode == 64) {
        cpu->cs = 0x33;
        cpu->ss = 0x2b;
    } else {
        cpu->cs = 0x23;
        cpu->ss = cpu->ds = cpu->es = 0x2b;
    }
}

static void x86_64_cpu_init(GuestCpu *cpu)
{
    cpu->arch = &x86_64_arch;
    x86_cpu_reset((X86Cpu *)cpu, 64);
}

static void i386_cpu_init(GuestCpu *cpu)
{
    cpu->arch = &i386_arch;
    x86_cpu_reset((X86Cpu *)cpu, 32);
}

const GuestArch x86_64_arch = {
    .name = "x86_64",
    .gdb = &x86_64_gdb,
    .elf_machine = EM_X86_64,
    .elf_class = ELFCLASS64,
    .word_size = 8,
    .big_endian = false,
    .cpu_size = sizeof(X86Cpu),
    .page_size = 4096,
    .regs = x86_64_regs,
    .n_regs = G_N_ELEMENTS(x86_64_regs),
    .cpu_init = x86_64_cpu_init,
    .lift_block = x86_lift_block,
    .disas = x86_disas,
    .host_fp_sync = x86_host_fp_sync,
};

const GuestArch i386_arch = {
    .name = "i386",
    .gdb = &i386_gdb,
    .elf_machine = EM_386,
    .elf_class = ELFCLASS32,
    .word_size = 4,
    .big_endian = false,
    .cpu_size = sizeof(X86Cpu),
    .page_size = 4096,
    .regs = i386_regs,
    .n_regs = G_N_ELEMENTS(i386_regs),
    .cpu_init = i386_cpu_init,
    .lift_block = x86_lift_block,
    .disas = x86_disas32,
    .host_fp_sync = x86_host_fp_sync,
};
