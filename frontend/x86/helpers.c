/*
 * x86 helpers that are easier in C than in IR: rotates through the flags, double
 * shifts, 128-by-64-bit division, cpuid and rdtsc.  This file also instantiates
 * every IrHelper descriptor of helpers.def.
 */
#include <time.h>

#define IR_HELPER_DEFINE
#include "frontend/x86/internal.h"

static uint64_t x86_hmask(unsigned bits)
{
    return bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
}

/* Replace CF and OF in the lazy state (other flags keep their values). */
static void x86_set_cf_of(X86Cpu *cpu, uint32_t cf, uint32_t of)
{
    uint32_t f = x86_cc_compute((uint32_t)cpu->cc_op, cpu->cc_dst, cpu->cc_src, cpu->cc_src2);

    f = (f & ~(X86_CF | X86_OF)) | (cf ? X86_CF : 0) | (of ? X86_OF : 0);
    cpu->cc_op = X86_CC_EFLAGS;
    cpu->cc_src = f;
    cpu->cc_dst = cpu->cc_src2 = 0;
}

/*
 * ROL/ROR/RCL/RCR (SDM Vol. 2 "RCL/RCR/ROL/ROR"): count masked to 5 bits (6 for
 * 64-bit operands); RCL/RCR rotate through CF, modulo size + 1 for 8/16-bit operands.
 * Flags change only for a non-zero masked count; OF is defined for count 1 and gets
 * the same formula otherwise.
 */
uint64_t helper_x86_rotate(void *opaque, uint64_t v, uint64_t count, uint64_t opsz)
{
    X86Cpu *cpu = opaque;
    unsigned op = opsz & 7, bits = 8u << ((opsz >> 8) & 3);
    uint64_t m = x86_hmask(bits);
    unsigned c = (unsigned)count & (bits == 64 ? 63 : 31);
    uint32_t cf, of;

    v &= m;
    if (c == 0) {
        return v;
    }
    if (op == 0 || op == 1) {
        unsigned r = c % bits;

        if (r) {
            v = op == 0 ? ((v << r) | (v >> (bits - r))) & m : ((v >> r) | (v << (bits - r))) & m;
        }
        if (op == 0) {
            cf = v & 1;
            of = ((v >> (bits - 1)) & 1) ^ cf;
        } else {
            cf = (v >> (bits - 1)) & 1;
            of = cf ^ ((v >> (bits - 2)) & 1);
        }
        x86_set_cf_of(cpu, cf, of);
        return v;
    }
    cf = x86_cc_compute((uint32_t)cpu->cc_op, cpu->cc_dst, cpu->cc_src, cpu->cc_src2) & X86_CF;
    c = bits < 32 ? c % (bits + 1) : c;
    for (unsigned i = 0; i < c; i++) {
        uint32_t out;

        if (op == 2) {
            out = (v >> (bits - 1)) & 1;
            v = ((v << 1) | cf) & m;
        } else {
            out = v & 1;
            v = (v >> 1) | ((uint64_t)cf << (bits - 1));
        }
        cf = out;
    }
    if (op == 2) {
        of = ((v >> (bits - 1)) & 1) ^ cf;
    } else {
        of = ((v >> (bits - 1)) ^ (v >> (bits - 2))) & 1;
    }
    if (c) {
        x86_set_cf_of(cpu, cf, of);
    }
    return v;
}

/*
 * SHLD/SHRD of 16-bit operands (SDM Vol. 2): count masked to 5 bits; 0 changes
 * nothing.  CF is the last bit shifted out of the destination, OF (count 1) a sign
 * change, SF ZF PF from the result, AF cleared.  A 16-bit count above 16 is undefined: the bits come from
 * the 32-bit concatenation, as on Intel parts.
 */
uint64_t helper_x86_shld(void *opaque, uint64_t dst, uint64_t src, uint64_t arg)
{
    X86Cpu *cpu = opaque;
    bool right = (arg >> 8) & 1;
    unsigned bits = 8u << ((arg >> 16) & 3);
    uint64_t m = x86_hmask(bits);
    unsigned c = (unsigned)arg & (bits == 64 ? 63 : 31);
    uint64_t r;
    uint32_t cf, f;

    dst &= m;
    src &= m;
    if (c == 0) {
        return dst;
    }
    if (bits == 16) {
        /* dst:src:dst as a 48-bit value, shifted (counts 17..31 reach into the copy). */
        uint64_t w;

        if (right) {
            w = dst | src << 16 | dst << 32;
            r = (w >> c) & m;
            cf = (w >> (c - 1)) & 1;
        } else {
            w = dst << 32 | src << 16 | dst;
            r = (w << c >> 32) & m;
            cf = (w << (c - 1) >> 47) & 1;
        }
    } else if (right) {
        r = ((dst >> c) | (src << (bits - c))) & m;
        cf = (dst >> (c - 1)) & 1;
    } else {
        r = ((dst << c) | (src >> (bits - c))) & m;
        cf = (dst >> (bits - c)) & 1;
    }
    f = x86_cc_compute(X86_CC_OP(X86_CCK_LOGIC, (arg >> 16) & 3), r, 0, 0);
    f |= cf ? X86_CF : 0;
    if ((right ? (r ^ (r << 1)) >> (bits - 1) : cf ^ (r >> (bits - 1))) & 1) {
        f |= X86_OF;       /* the inline 32/64-bit forms' (and the host's) rule, see trans_shift.c */
    }
    cpu->cc_op = X86_CC_EFLAGS;
    cpu->cc_src = f;
    cpu->cc_dst = cpu->cc_src2 = 0;
    return r;
}

/* DIV/IDIV r/m64 (SDM Vol. 2): #DE for a zero divisor or a quotient that does not fit. */
void helper_x86_div64(void *opaque, uint64_t divisor, uint64_t is_signed)
{
    X86Cpu *cpu = opaque;
    unsigned __int128 n = (unsigned __int128)cpu->regs[X86_RDX] << 64 | cpu->regs[X86_RAX];

    if (divisor == 0) {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_FPE, 0, 0);
    }
    if (is_signed) {
        __int128 sn = (__int128)n, sd = (int64_t)divisor, q, r;

        if (sd == -1) {
            q = -sn;        /* may not fit, checked below; avoids the host's own #DE */
            r = 0;
            if (sn == -sn && sn != 0) {
                guest_cpu_exit(&cpu->common, GUEST_EXIT_FPE, 0, 0);
            }
        } else {
            q = sn / sd;
            r = sn % sd;
        }
        if (q > INT64_MAX || q < INT64_MIN) {
            guest_cpu_exit(&cpu->common, GUEST_EXIT_FPE, 0, 0);
        }
        cpu->regs[X86_RAX] = (uint64_t)q;
        cpu->regs[X86_RDX] = (uint64_t)r;
    } else {
        unsigned __int128 q = n / divisor;

        if (q >> 64) {
            guest_cpu_exit(&cpu->common, GUEST_EXIT_FPE, 0, 0);
        }
        cpu->regs[X86_RAX] = (uint64_t)q;
        cpu->regs[X86_RDX] = (uint64_t)(n % divisor);
    }
}

/* Host support for the SSE extensions (the guest's run on the host's units). */
bool x86_host_has(X86Isa isa)
{
    switch (isa) {
    case X86_ISA_BASE:
        return true;
    case X86_ISA_SSE3:
        return __builtin_cpu_supports("sse3");
    case X86_ISA_SSSE3:
        return __builtin_cpu_supports("ssse3");
    case X86_ISA_SSE41:
        return __builtin_cpu_supports("sse4.1");
    case X86_ISA_SSE42:
        return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt");
    }
    return false;
}

/*
 * CPUID (SDM Vol. 2 CPUID): a GenuineIntel part that reports only what this
 * frontend lifts: leaf 1 EDX has FPU, TSC, CX8, CMOV, MMX, FXSR, SSE and SSE2; ECX
 * has SSE3, SSSE3, CX16, SSE4.1, SSE4.2, MOVBE and POPCNT (not OSXSAVE/AVX; the SSE
 * extensions only when the host has them, since they run on it); leaf 7
 * nothing; extended leaf
 * 0x80000001 LAHF/SAHF and ABM (lzcnt) in ECX, SYSCALL and LM in EDX for x86-64.
 */
void helper_x86_cpuid(void *opaque)
{
    X86Cpu *cpu = opaque;
    uint32_t leaf = (uint32_t)cpu->regs[X86_RAX];
    uint32_t a = 0, b = 0, c = 0, d = 0;
    bool lm = cpu->mode == 64;

    switch (leaf) {
    case 0:
        a = 7;
        b = 0x756e6547u;        /* "GenuineIntel" */
        d = 0x49656e69u;
        c = 0x6c65746eu;
        break;
    case 1:
        a = 0x000306a9u;        /* family 6 */
        d = 1u << 0 | 1u << 4 | 1u << 8 | 1u << 15 | 1u << 23 | 1u << 24 | 1u << 25 | 1u << 26;
        c = 1u << 13 | 1u << 22 | 1u << 23;
        c |= (x86_host_has(X86_ISA_SSE3) ? 1u << 0 : 0) | (x86_host_has(X86_ISA_SSSE3) ? 1u << 9 : 0) |
             (x86_host_has(X86_ISA_SSE41) ? 1u << 19 : 0) | (x86_host_has(X86_ISA_SSE42) ? 1u << 20 : 0);
        break;
    case 0x80000000u:
        a = 0x80000001u;
        break;
    case 0x80000001u:
        c = 1u << 0 | 1u << 5;
        d = lm ? (1u << 11 | 1u << 29) : 0;
        break;
    default:
        break;
    }
    cpu->regs[X86_RAX] = a;
    cpu->regs[X86_RBX] = b;
    cpu->regs[X86_RCX] = c;
    cpu->regs[X86_RDX] = d;
}

/*
 * The compare-and-swap of CMPXCHG16B (trans_alu.c) on the host: RDX:RAX against the
 * 16 bytes at addr; equal: RCX:RBX stored, else RDX:RAX loaded.  The lifter has
 * checked the alignment and that both halves are writable.  Returns ZF.
 */
uint64_t helper_x86_cmpxchg16b(void *opaque, uint64_t addr)
{
    X86Cpu *cpu = opaque;
    unsigned __int128 *p = (unsigned __int128 *)(cpu->common.mem_base + addr);
    uint64_t lo = cpu->regs[X86_RAX], hi = cpu->regs[X86_RDX];
    bool ok;

    __asm__ volatile("lock cmpxchg16b %2"
                     : "+a"(lo), "+d"(hi), "+m"(*p), "=@ccz"(ok)
                     : "b"(cpu->regs[X86_RBX]), "c"(cpu->regs[X86_RCX])
                     : "memory");
    cpu->regs[X86_RAX] = lo;
    cpu->regs[X86_RDX] = hi;
    return ok;
}

/* RDTSC: a 1 GHz count of CLOCK_MONOTONIC (user mode has no writable TSC). */
uint64_t helper_x86_rdtsc(void *opaque)
{
    struct timespec ts;

    (void)opaque;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * A selector load in user mode (SDM Vol. 3 5.5 and 5.10; Linux's GDT for user code):
 * the null selector (not for SS), the user code and data selectors of a 64-bit
 * kernel (base 0), or one of the TLS entries set_thread_area filled, whose base
 * then applies to FS or GS.  Anything else (LDT selectors: there is no modify_ldt)
 * is #GP, which Linux delivers as SIGSEGV.
 */
#define X86_USER32_CS 0x23
#define X86_USER_DS   0x2b
#define X86_USER_CS   0x33

void helper_x86_load_seg(void *opaque, uint64_t sreg, uint64_t sel)
{
    X86Cpu *cpu = opaque;
    uint32_t base = 0;
    unsigned idx = (sel & 0xffff) >> 3;

    sel &= 0xffff;
    if ((sel & ~3u) == 0) {
        if (sreg == X86_SEG_SS) {
            guest_cpu_exit(&cpu->common, GUEST_EXIT_EXCEPTION, 13, 0);
        }
    } else if ((sel & 7) != 3) {
        /* An LDT selector or one with RPL != 3. */
        guest_cpu_exit(&cpu->common, GUEST_EXIT_EXCEPTION, 13, 0);
    } else if (idx >= X86_TLS_FIRST && idx < X86_TLS_FIRST + X86_TLS_ENTRIES) {
        const X86SegDesc *d = &cpu->tls[idx - X86_TLS_FIRST];
        if (d->flags & (X86_DESC_EMPTY | X86_DESC_NOT_PRESENT) || sreg == X86_SEG_SS) {
            guest_cpu_exit(&cpu->common, GUEST_EXIT_EXCEPTION, 13, 0);
        }
        base = d->base;
    } else if (sel == X86_USER_DS || ((sel == X86_USER32_CS || sel == X86_USER_CS) && sreg != X86_SEG_SS)) {
        base = 0;
    } else {
        guest_cpu_exit(&cpu->common, GUEST_EXIT_EXCEPTION, 13, 0);
    }
    switch (sreg) {
    case X86_SEG_ES: cpu->es = sel; break;
    case X86_SEG_SS: cpu->ss = sel; break;
    case X86_SEG_DS: cpu->ds = sel; break;
    case X86_SEG_FS: cpu->fs = sel; cpu->fs_base = base; break;
    case X86_SEG_GS: cpu->gs = sel; cpu->gs_base = base; break;
    default: g_assert_not_reached();
    }
}
