/*
 * How gdb sees an x86 CPU: gdb's own i386 and amd64 target descriptions
 * (gdb/features/i386/: 64bit-core.xml, 64bit-sse.xml, 32bit-core.xml, 32bit-sse.xml),
 * whose register names and order gdb checks (i386_validate_tdesc_p).  The core feature
 * holds the general registers in gdb's order (amd64: rax rbx rcx rdx rsi rdi rbp rsp
 * r8..r15; i386: eax ecx edx ebx esp ebp esi edi), the pc, eflags, the six selectors,
 * the x87 stack st0-st7 (80 bits, ST(i) order) and its control words; the SSE feature the
 * xmm registers and mxcsr; the Linux feature orig_rax/orig_eax, without which gdb does
 * not use its Linux support (shared libraries, PIE).  The 'g' packet holds the registers
 * up to gs; the rest go through p/P.
 */
#include <string.h>

#include "frontend/x86/internal.h"

/* X86Cpu.regs index of gdb's general register i. */
static const uint8_t amd64_order[16] = { 0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15 };
static const uint8_t i386_order[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

#define GPR_FNS(i) \
    static uint64_t gpr_get_##i(const GuestCpu *cpu) \
    { \
        const X86Cpu *c = (const X86Cpu *)cpu; \
        return c->regs[c->mode == 64 ? amd64_order[i] : i386_order[(i) & 7]]; \
    } \
    static void gpr_set_##i(GuestCpu *cpu, uint64_t v) \
    { \
        X86Cpu *c = (X86Cpu *)cpu; \
        c->regs[c->mode == 64 ? amd64_order[i] : i386_order[(i) & 7]] = c->mode == 64 ? v : (uint32_t)v; \
    }
GPR_FNS(0) GPR_FNS(1) GPR_FNS(2) GPR_FNS(3) GPR_FNS(4) GPR_FNS(5) GPR_FNS(6) GPR_FNS(7)
GPR_FNS(8) GPR_FNS(9) GPR_FNS(10) GPR_FNS(11) GPR_FNS(12) GPR_FNS(13) GPR_FNS(14) GPR_FNS(15)

static uint64_t pc_get(const GuestCpu *cpu)
{
    return cpu->pc;
}

static void pc_set(GuestCpu *cpu, uint64_t v)
{
    cpu->pc = ((const X86Cpu *)cpu)->mode == 64 ? v : (uint32_t)v;
}

static uint64_t eflags_get(const GuestCpu *cpu)
{
    return x86_get_eflags((const X86Cpu *)cpu);
}

static void eflags_set(GuestCpu *cpu, uint64_t v)
{
    x86_set_eflags((X86Cpu *)cpu, v);
}

#define FIELD_FNS(name, expr) \
    static uint64_t name##_get(const GuestCpu *cpu) \
    { \
        const X86Cpu *c = (const X86Cpu *)cpu; \
        return (expr); \
    }
FIELD_FNS(cs, c->cs) FIELD_FNS(ss, c->ss) FIELD_FNS(ds, c->ds)
FIELD_FNS(es, c->es) FIELD_FNS(fs, c->fs) FIELD_FNS(gs, c->gs)
FIELD_FNS(fctrl, c->fpu.fcw) FIELD_FNS(fstat, c->fpu.fsw) FIELD_FNS(ftag, c->fpu.ftw)
FIELD_FNS(fiseg, c->fpu.fcs) FIELD_FNS(fioff, c->fpu.fip) FIELD_FNS(foseg, c->fpu.fds)
FIELD_FNS(fooff, c->fpu.fdp) FIELD_FNS(fop, c->fpu.fop) FIELD_FNS(mxcsr, c->mxcsr)
FIELD_FNS(fs_base, c->fs_base) FIELD_FNS(gs_base, c->gs_base)

/* The syscall number the kernel would restart; never inside one when gdb looks: -1. */
static uint64_t orig_get(const GuestCpu *cpu)
{
    return ((const X86Cpu *)cpu)->mode == 64 ? UINT64_MAX : UINT32_MAX;
}

#define ST_FNS(i) \
    static void st_get_##i(const GuestCpu *cpu, uint8_t *out) \
    { \
        memcpy(out, ((const X86Cpu *)cpu)->fpu.st[i], 10); \
    } \
    static void st_set_##i(GuestCpu *cpu, const uint8_t *in) \
    { \
        memcpy(((X86Cpu *)cpu)->fpu.st[i], in, 10); \
    }
ST_FNS(0) ST_FNS(1) ST_FNS(2) ST_FNS(3) ST_FNS(4) ST_FNS(5) ST_FNS(6) ST_FNS(7)

#define XMM_FNS(i) \
    static void xmm_get_##i(const GuestCpu *cpu, uint8_t *out) \
    { \
        memcpy(out, ((const X86Cpu *)cpu)->xmm[i], 16); \
    } \
    static void xmm_set_##i(GuestCpu *cpu, const uint8_t *in) \
    { \
        memcpy(((X86Cpu *)cpu)->xmm[i], in, 16); \
    }
XMM_FNS(0) XMM_FNS(1) XMM_FNS(2) XMM_FNS(3) XMM_FNS(4) XMM_FNS(5) XMM_FNS(6) XMM_FNS(7)
XMM_FNS(8) XMM_FNS(9) XMM_FNS(10) XMM_FNS(11) XMM_FNS(12) XMM_FNS(13) XMM_FNS(14) XMM_FNS(15)

#define CORE "org.gnu.gdb.i386.core"
#define SSE "org.gnu.gdb.i386.sse"
#define SEGS "org.gnu.gdb.i386.segments"
/* Without this feature gdb does not take the target for Linux: no shared libraries, no PIE. */
#define LINUX "org.gnu.gdb.i386.linux"
#define GPR(n, i, w, ty) { .name = n, .regnum = (i), .bits = (w), .type = ty, .feature = CORE, \
                           .get = gpr_get_##i, .set = gpr_set_##i }
#define RO(n, num, w, ty, feat) { .name = #n, .regnum = (num), .bits = (w), .type = ty, .feature = feat, \
                                  .get = n##_get }
#define ST(i, base) { .name = "st" #i, .regnum = (base) + (i), .bits = 80, .type = "i387_ext", \
                      .feature = CORE, .get_bytes = st_get_##i, .set_bytes = st_set_##i }
#define XMM(i, base) { .name = "xmm" #i, .regnum = (base) + (i), .bits = 128, .type = "uint128", \
                       .feature = SSE, .get_bytes = xmm_get_##i, .set_bytes = xmm_set_##i }
/* The x87 part of the core feature, from regnum base (st0) on. */
#define X87(base) \
    ST(0, base), ST(1, base), ST(2, base), ST(3, base), ST(4, base), ST(5, base), ST(6, base), ST(7, base), \
    RO(fctrl, (base) + 8, 32, "int", CORE), RO(fstat, (base) + 9, 32, "int", CORE), \
    RO(ftag, (base) + 10, 32, "int", CORE), RO(fiseg, (base) + 11, 32, "int", CORE), \
    RO(fioff, (base) + 12, 32, "int", CORE), RO(foseg, (base) + 13, 32, "int", CORE), \
    RO(fooff, (base) + 14, 32, "int", CORE), RO(fop, (base) + 15, 32, "int", CORE)

static const GuestGdbReg amd64_regs[] = {
    GPR("rax", 0, 64, "int64"), GPR("rbx", 1, 64, "int64"), GPR("rcx", 2, 64, "int64"),
    GPR("rdx", 3, 64, "int64"), GPR("rsi", 4, 64, "int64"), GPR("rdi", 5, 64, "int64"),
    GPR("rbp", 6, 64, "data_ptr"), GPR("rsp", 7, 64, "data_ptr"),
    GPR("r8", 8, 64, "int64"), GPR("r9", 9, 64, "int64"), GPR("r10", 10, 64, "int64"),
    GPR("r11", 11, 64, "int64"), GPR("r12", 12, 64, "int64"), GPR("r13", 13, 64, "int64"),
    GPR("r14", 14, 64, "int64"), GPR("r15", 15, 64, "int64"),
    { .name = "rip", .regnum = 16, .bits = 64, .type = "code_ptr", .feature = CORE, .get = pc_get, .set = pc_set },
    { .name = "eflags", .regnum = 17, .bits = 32, .type = "int", .feature = CORE,
      .get = eflags_get, .set = eflags_set },
    RO(cs, 18, 32, "int32", CORE), RO(ss, 19, 32, "int32", CORE), RO(ds, 20, 32, "int32", CORE),
    RO(es, 21, 32, "int32", CORE), RO(fs, 22, 32, "int32", CORE), RO(gs, 23, 32, "int32", CORE),
    X87(24),
    XMM(0, 40), XMM(1, 40), XMM(2, 40), XMM(3, 40), XMM(4, 40), XMM(5, 40), XMM(6, 40), XMM(7, 40),
    XMM(8, 40), XMM(9, 40), XMM(10, 40), XMM(11, 40), XMM(12, 40), XMM(13, 40), XMM(14, 40), XMM(15, 40),
    RO(mxcsr, 56, 32, "int", SSE),
    { .name = "orig_rax", .regnum = 57, .bits = 64, .type = "int", .feature = LINUX, .get = orig_get },
    RO(fs_base, 58, 64, "int", SEGS), RO(gs_base, 59, 64, "int", SEGS),
};

static const GuestGdbReg i386_regs[] = {
    GPR("eax", 0, 32, "int32"), GPR("ecx", 1, 32, "int32"), GPR("edx", 2, 32, "int32"),
    GPR("ebx", 3, 32, "int32"), GPR("esp", 4, 32, "data_ptr"), GPR("ebp", 5, 32, "data_ptr"),
    GPR("esi", 6, 32, "int32"), GPR("edi", 7, 32, "int32"),
    { .name = "eip", .regnum = 8, .bits = 32, .type = "code_ptr", .feature = CORE, .get = pc_get, .set = pc_set },
    { .name = "eflags", .regnum = 9, .bits = 32, .type = "int", .feature = CORE,
      .get = eflags_get, .set = eflags_set },
    RO(cs, 10, 32, "int32", CORE), RO(ss, 11, 32, "int32", CORE), RO(ds, 12, 32, "int32", CORE),
    RO(es, 13, 32, "int32", CORE), RO(fs, 14, 32, "int32", CORE), RO(gs, 15, 32, "int32", CORE),
    X87(16),
    XMM(0, 32), XMM(1, 32), XMM(2, 32), XMM(3, 32), XMM(4, 32), XMM(5, 32), XMM(6, 32), XMM(7, 32),
    RO(mxcsr, 40, 32, "int", SSE),
    { .name = "orig_eax", .regnum = 41, .bits = 32, .type = "int", .feature = LINUX, .get = orig_get },
};

const GuestGdb x86_64_gdb = {
    .arch = "i386:x86-64",
    .regs = amd64_regs,
    .n_regs = G_N_ELEMENTS(amd64_regs),
    .n_g_regs = 24,
};

const GuestGdb i386_gdb = {
    .arch = "i386",
    .regs = i386_regs,
    .n_regs = G_N_ELEMENTS(i386_regs),
    .n_g_regs = 16,
};
