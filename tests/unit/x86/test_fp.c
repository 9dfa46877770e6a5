/*
 * SSE, x87 and MMX instructions with expected values computed by hand from the
 * Intel SDM's descriptions and IEEE 754 (the native differential test covers the
 * rest): results, MXCSR rounding and sticky flags, comparison flags, x87 constants
 * under rounding control, #MF on fwait, the fxsave image layout, and CPUID bits.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/x86/x86_test.h"

static X86tMachine m;

static void setup64(void)
{
    x86t_init(&m, true);
}

static void setup32(void)
{
    x86t_init(&m, false);
}

static void teardown(void)
{
    x86t_fini(&m);
}

#define RUN(...) do { \
        static const uint8_t code_[] = { __VA_ARGS__ }; \
        ck_assert_int_eq(x86t_exec(&m, code_, sizeof(code_)), GUEST_EXIT_BREAKPOINT); \
    } while (0)
#define REG(r) (m.cpu->regs[X86_##r])
/* [disp32] absolute addressing (ModRM mod 0, SIB no base/index) for ModRM.reg r */
#define MEMABS(r, a) (uint8_t)(0x04 | (r) << 3), 0x25, (uint8_t)(a), (uint8_t)((a) >> 8), (uint8_t)((a) >> 16), 0

static void set_xmm_d(unsigned i, double lo, double hi)
{
    memcpy(m.cpu->xmm[i], &lo, 8);
    memcpy(m.cpu->xmm[i] + 8, &hi, 8);
}

static void set_xmm_f(unsigned i, float v)
{
    memset(m.cpu->xmm[i], 0, 16);
    memcpy(m.cpu->xmm[i], &v, 4);
}

static uint64_t xmm_q(unsigned i, unsigned half)
{
    uint64_t v;

    memcpy(&v, m.cpu->xmm[i] + 8 * half, 8);
    return v;
}

static uint64_t mem_q(uint32_t a)
{
    uint64_t v;

    memcpy(&v, m.mem + a, 8);
    return v;
}

START_TEST(test_cpuid_features)
{
    RUN(0xb8, 1, 0, 0, 0, 0x0f, 0xa2, 0xcc);        /* mov eax, 1; cpuid */
    /* EDX: FPU TSC CX8 CMOV MMX FXSR SSE SSE2 */
    ck_assert_uint_eq(REG(RDX) & 0x07808111u, 0x07808111u);
    /* ECX: SSE3 SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT; no OSXSAVE, AVX */
    ck_assert_uint_eq(REG(RCX) & 0x00d82201u, 0x00d82201u);
    ck_assert_uint_eq(REG(RCX) & (1u << 27 | 1u << 28), 0);
}
END_TEST

START_TEST(test_sse_scalar)
{
    set_xmm_d(0, 1.5, -7.0);
    set_xmm_d(1, 2.25, 0.0);
    set_xmm_f(2, 1.0f);
    set_xmm_f(3, 0.0f);
    /* addsd xmm0, xmm1; divss xmm2, xmm3; cvttsd2si eax, xmm0; ucomisd xmm0, xmm1 */
    RUN(0xf2, 0x0f, 0x58, 0xc1, 0xf3, 0x0f, 0x5e, 0xd3, 0xf2, 0x0f, 0x2c, 0xc0, 0x66, 0x0f, 0x2e, 0xc1, 0xcc);
    ck_assert_uint_eq(xmm_q(0, 0), 0x400e000000000000ull);      /* 3.75 */
    ck_assert_uint_eq(xmm_q(0, 1), 0xc01c000000000000ull);      /* -7.0 kept */
    ck_assert_uint_eq(xmm_q(2, 0), 0x7f800000u);                /* +inf */
    ck_assert_uint_eq(m.cpu->mxcsr, 0x1f80u | 0x24u);           /* ZE, and PE from cvttsd2si */
    ck_assert_uint_eq(REG(RAX), 3);
    ck_assert_uint_eq(x86t_flags(&m) & (X86_ZF | X86_PF | X86_CF), 0);   /* 3.75 > 2.25 */
    /* ucomisd with a NaN: unordered, ZF PF CF all set; no IE for a quiet NaN */
    memcpy(m.cpu->xmm[1], &(uint64_t){ 0x7ff8000000000000ull }, 8);
    RUN(0x66, 0x0f, 0x2e, 0xc1, 0xcc);
    ck_assert_uint_eq(x86t_flags(&m) & (X86_ZF | X86_PF | X86_CF), X86_ZF | X86_PF | X86_CF);
    ck_assert_uint_eq(m.cpu->mxcsr, 0x1fa4u);
    /* comisd raises IE for it */
    RUN(0x66, 0x0f, 0x2f, 0xc1, 0xcc);
    ck_assert_uint_eq(m.cpu->mxcsr, 0x1fa5u);
}
END_TEST

START_TEST(test_sse_rounding)
{
    static const struct { uint32_t mxcsr; double in; int64_t out; } cases[] = {
        { 0x1f80, 2.5, 2 }, { 0x1f80, 3.5, 4 }, { 0x3f80, 2.5, 2 }, { 0x3f80, -2.5, -3 },
        { 0x5f80, 2.5, 3 }, { 0x7f80, -2.7, -2 },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        /* mov dword [DATA], mxcsr; ldmxcsr [DATA]; cvtsd2si rax, xmm0 */
        static const uint8_t code[] = { 0x0f, 0xae, MEMABS(2, X86T_DATA), 0xf2, 0x48, 0x0f, 0x2d, 0xc0, 0xcc };

        memcpy(m.mem + X86T_DATA, &cases[i].mxcsr, 4);
        set_xmm_d(0, cases[i].in, 0);
        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_BREAKPOINT);
        ck_assert_int_eq((int64_t)REG(RAX), cases[i].out);
        ck_assert_uint_eq(m.cpu->mxcsr, cases[i].mxcsr | 0x20);     /* PE: inexact */
    }
    /* A reserved MXCSR bit: #GP */
    memcpy(m.mem + X86T_DATA, &(uint32_t){ 0x80001f80u }, 4);
    {
        static const uint8_t code[] = { 0x0f, 0xae, MEMABS(2, X86T_DATA), 0xcc };

        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_EXCEPTION);
        ck_assert_int_eq(m.cpu->common.exit_code, 13);
    }
}
END_TEST

START_TEST(test_sse_unmasked)
{
    /* ZE unmasked: divss 1/0 is #XM, xmm2 keeps 1.0, ZE is set (as a native SIGFPE context shows) */
    set_xmm_f(2, 1.0f);
    set_xmm_f(3, 0.0f);
    m.cpu->mxcsr = 0x1d80;
    {
        static const uint8_t code[] = { 0xf3, 0x0f, 0x5e, 0xd3, 0xcc };

        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_FPE);
        ck_assert_int_eq(m.cpu->common.exit_code, 19);
        ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE);
        ck_assert_uint_eq(xmm_q(2, 0), 0x3f800000u);
        ck_assert_uint_eq(m.cpu->mxcsr, 0x1d84);
    }
    /* PE unmasked: cvtsd2si of 2.5 is #XM with PE, rax untouched */
    set_xmm_d(0, 2.5, 0);
    m.cpu->mxcsr = 0x0f80;
    REG(RAX) = 77;
    {
        static const uint8_t code[] = { 0xf2, 0x48, 0x0f, 0x2d, 0xc0, 0xcc };

        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_FPE);
        ck_assert_uint_eq(REG(RAX), 77);
        ck_assert_uint_eq(m.cpu->mxcsr, 0x0fa0);
    }
}
END_TEST

START_TEST(test_x87_basic)
{
    /* fld1; fld1; faddp; fistp dword [DATA]; fldpi; fstp qword [DATA+8]; fld1; fadd st0, st0;
     * fsqrt; fstp qword [DATA+16]; fldz; fld1; fcomi st0, st1; fstp st0; fstp st0; fld1; fnstsw ax */
    RUN(0xd9, 0xe8, 0xd9, 0xe8, 0xde, 0xc1, 0xdb, MEMABS(3, X86T_DATA),
        0xd9, 0xeb, 0xdd, MEMABS(3, X86T_DATA + 8),
        0xd9, 0xe8, 0xd8, 0xc0, 0xd9, 0xfa, 0xdd, MEMABS(3, X86T_DATA + 16),
        0xd9, 0xee, 0xd9, 0xe8, 0xdb, 0xf1, 0xdd, 0xd8, 0xdd, 0xd8,
        0xd9, 0xe8, 0xdf, 0xe0, 0xcc);
    ck_assert_uint_eq(mem_q(X86T_DATA) & 0xffffffffu, 2);
    ck_assert_uint_eq(mem_q(X86T_DATA + 8), 0x400921fb54442d18ull);      /* pi as a double */
    ck_assert_uint_eq(mem_q(X86T_DATA + 16), 0x3ff6a09e667f3bcdull);     /* sqrt(2) */
    ck_assert_uint_eq(x86t_flags(&m) & (X86_ZF | X86_PF | X86_CF), 0);    /* 1 > 0 */
    ck_assert_uint_eq(REG(RAX) & 0xffff, 0x3820);                        /* TOP = 7, PE from fsqrt */
    ck_assert_uint_eq(m.cpu->fpu.ftw, 0x3fff);                           /* only physical 7 in use */
}
END_TEST

START_TEST(test_x87_rounding_control)
{
    /* fldpi under round-to-nearest and chop, stored as 80 bits (SDM: FLDPI rounds per RC). */
    static const uint16_t cw[] = { 0x037f, 0x0f7f };
    static const uint64_t mant[] = { 0xc90fdaa22168c235ull, 0xc90fdaa22168c234ull };

    for (unsigned i = 0; i < 2; i++) {
        static const uint8_t code[] = { 0xd9, MEMABS(5, X86T_DATA), 0xd9, 0xeb, 0xdb, MEMABS(7, X86T_DATA + 16), 0xcc };

        memcpy(m.mem + X86T_DATA, &cw[i], 2);
        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_BREAKPOINT);
        ck_assert_uint_eq(mem_q(X86T_DATA + 16), mant[i]);
        ck_assert_uint_eq(m.mem[X86T_DATA + 24] | m.mem[X86T_DATA + 25] << 8, 0x4000);
        ck_assert_uint_eq(m.cpu->fpu.fcw, cw[i]);
    }
    /* Precision control 24 bits: 1/3 rounds to a float's mantissa. */
    {
        static const uint8_t code[] = { 0xd9, MEMABS(5, X86T_DATA), 0xd9, 0xe8, 0xd9, 0xe8, 0xd8, 0xc0, 0xd8, 0xc1,
                                        0xde, 0xf9, 0xdb, MEMABS(7, X86T_DATA + 16), 0xcc };

        memcpy(m.mem + X86T_DATA, &(uint16_t){ 0x007f }, 2);
        /* fldcw; fld1; fld1; fadd st0, st0; fadd st0, st1 (3); fdivp (st1 = 1 / 3); fstp tword */
        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_BREAKPOINT);
        ck_assert_uint_eq(mem_q(X86T_DATA + 16), 0xaaaaab0000000000ull);
    }
}
END_TEST

START_TEST(test_x87_fpe)
{
    /* fldcw (ZE unmasked); fld1; fldz; fdivp; fnstsw ax; fwait -> #MF at the fwait */
    static const uint8_t code[] = { 0xd9, MEMABS(5, X86T_DATA), 0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9, 0xdf, 0xe0,
                                    0x9b, 0xcc };

    memcpy(m.mem + X86T_DATA, &(uint16_t){ 0x037b }, 2);
    ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_FPE);
    ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE + 15);
    ck_assert_uint_eq(REG(RAX) & 0x80ff, 0x8084);     /* B, ES, ZE */
}
END_TEST

START_TEST(test_mmx)
{
    /* movd mm0, eax; paddb mm0, mm0; movd ebx, mm0; emms */
    REG(RAX) = 0x01020384;
    RUN(0x0f, 0x6e, 0xc0, 0x0f, 0xfc, 0xc0, 0x0f, 0x7e, 0xc3, 0x0f, 0x77, 0xcc);
    ck_assert_uint_eq(REG(RBX), 0x02040608);
    ck_assert_uint_eq(m.cpu->fpu.ftw, 0xffff);
    ck_assert_uint_eq(m.cpu->fpu.fsw & 0x3800, 0);        /* MMX sets TOP = 0 */
    /* mm0 is ST(0)'s mantissa; the exponent reads all ones */
    ck_assert_uint_eq(m.cpu->fpu.st[0][8] | m.cpu->fpu.st[0][9] << 8, 0xffff);
}
END_TEST

START_TEST(test_fxsave)
{
    /* fldcw 0x27f; fld1; fxsave [DATA]; fninit; fxrstor [DATA] */
    static const uint8_t code[] = { 0xd9, MEMABS(5, X86T_DATA + 512), 0xd9, 0xe8, 0x0f, 0xae, MEMABS(0, X86T_DATA),
                                    0xdb, 0xe3, 0x0f, 0xae, MEMABS(1, X86T_DATA), 0xcc };

    memcpy(m.mem + X86T_DATA + 512, &(uint16_t){ 0x027f }, 2);
    m.cpu->mxcsr = 0x9fc0;
    set_xmm_d(3, 1.0, -2.0);
    ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.mem[X86T_DATA] | m.mem[X86T_DATA + 1] << 8, 0x027f);
    ck_assert_uint_eq(m.mem[X86T_DATA + 2] | m.mem[X86T_DATA + 3] << 8, 0x3800);
    ck_assert_uint_eq(m.mem[X86T_DATA + 4], 0x80);                       /* abridged tag: physical 7 */
    ck_assert_uint_eq(mem_q(X86T_DATA + 24) & 0xffffffffu, 0x9fc0);
    ck_assert_uint_eq(mem_q(X86T_DATA + 32), 0x8000000000000000ull);     /* ST0 = 1.0 */
    ck_assert_uint_eq(m.mem[X86T_DATA + 40] | m.mem[X86T_DATA + 41] << 8, 0x3fff);
    ck_assert_uint_eq(mem_q(X86T_DATA + 160 + 48), 0x3ff0000000000000ull);
    ck_assert_uint_eq(mem_q(X86T_DATA + 160 + 56), 0xc000000000000000ull);
    ck_assert_uint_eq(m.cpu->fpu.fcw, 0x027f);
    ck_assert_uint_eq(m.cpu->fpu.ftw, 0x3fff);
    ck_assert_uint_eq(m.cpu->fpu.fsw, 0x3800);
    /* A misaligned fxsave is #GP */
    {
        static const uint8_t bad[] = { 0x0f, 0xae, MEMABS(0, X86T_DATA + 8), 0xcc };

        ck_assert_int_eq(x86t_exec(&m, bad, sizeof(bad)), GUEST_EXIT_EXCEPTION);
    }
}
END_TEST

START_TEST(test_trace_regs)
{
    char text[8192];
    size_t size;

    m.trace_file = tmpfile();
    m.trace = EXEC_TRACE_INSN | EXEC_TRACE_REGS;
    set_xmm_d(0, 1.5, 0);
    set_xmm_d(1, 2.25, 0);
    RUN(0xf2, 0x0f, 0x58, 0xc1, 0xd9, 0xe8, 0xcc);      /* addsd xmm0, xmm1; fld1 */
    exec_trace_flush();
    rewind(m.trace_file);
    size = fread(text, 1, sizeof(text) - 1, m.trace_file);
    text[size] = 0;
    fclose(m.trace_file);
    m.trace_file = NULL;
    ck_assert_msg(strstr(text, "regs xmm0.lo=0x400e000000000000 #") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "regs st0=0x8000000000000000 st0.se=0x3fff fsw=0x3800 ftw=0x3fff #") != NULL, "%s",
                  text);
}
END_TEST

START_TEST(test_sse_alignment)
{
    /* movups and pcmpistri take any address; movaps, pxor (IR) and paddb (stub) need 16-byte alignment */
    static const uint8_t ok[] = { 0x0f, 0x10, MEMABS(0, X86T_DATA + 8), 0x66, 0x0f, 0x3a, 0x63, MEMABS(0, X86T_DATA + 8),
                                  0x0c, 0x0f, 0x28, MEMABS(1, X86T_DATA + 16), 0xcc };
    static const uint8_t bad[][10] = {
        { 0x0f, 0x28, MEMABS(0, X86T_DATA + 8), 0xcc },
        { 0x66, 0x0f, 0xef, MEMABS(0, X86T_DATA + 8), 0xcc },
        { 0x66, 0x0f, 0xfc, MEMABS(0, X86T_DATA + 4), 0xcc },
    };

    ck_assert_int_eq(x86t_exec(&m, ok, sizeof(ok)), GUEST_EXIT_BREAKPOINT);
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        ck_assert_int_eq(x86t_exec(&m, bad[i], sizeof(bad[i])), GUEST_EXIT_EXCEPTION);
        ck_assert_int_eq(m.cpu->common.exit_code, 13);
        ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE);
    }
}
END_TEST

START_TEST(test_mmx_xmm)
{
    /* movd mm1, eax; cvtpi2ps xmm2, mm1 (two int32 -> float, high half kept); cvttps2pi mm3, xmm2; movq2dq xmm4, mm3 */
    REG(RAX) = 0xfffffffd;          /* -3 and 0 */
    set_xmm_d(2, 0, -1.0);
    RUN(0x0f, 0x6e, 0xc8, 0x0f, 0x2a, 0xd1, 0x0f, 0x2c, 0xda, 0xf3, 0x0f, 0xd6, 0xe3, 0xcc);
    ck_assert_uint_eq(xmm_q(2, 0), 0x00000000c0400000ull);      /* 0.0f, -3.0f */
    ck_assert_uint_eq(xmm_q(2, 1), 0xbff0000000000000ull);
    ck_assert_uint_eq(xmm_q(4, 0), 0x00000000fffffffdull);
    ck_assert_uint_eq(xmm_q(4, 1), 0);
}
END_TEST

START_TEST(test_cmpxchg16b)
{
    /* lock cmpxchg16b [DATA] */
    static const uint8_t code[] = { 0xf0, 0x48, 0x0f, 0xc7, MEMABS(1, X86T_DATA), 0xcc };
    static const uint8_t bad[] = { 0xf0, 0x48, 0x0f, 0xc7, MEMABS(1, X86T_DATA + 8), 0xcc };
    uint64_t mem[2] = { 0x1111, 0x2222 };

    memcpy(m.mem + X86T_DATA, mem, 16);
    REG(RAX) = 0x1111;
    REG(RDX) = 0x2222;
    REG(RBX) = 0xaaaa;
    REG(RCX) = 0xbbbb;
    ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(mem_q(X86T_DATA), 0xaaaa);
    ck_assert_uint_eq(mem_q(X86T_DATA + 8), 0xbbbb);
    ck_assert_uint_eq(x86t_flags(&m) & X86_ZF, X86_ZF);
    /* Again: now unequal, rdx:rax get the memory */
    ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(REG(RAX), 0xaaaa);
    ck_assert_uint_eq(REG(RDX), 0xbbbb);
    ck_assert_uint_eq(x86t_flags(&m) & X86_ZF, 0);
    ck_assert_int_eq(x86t_exec(&m, bad, sizeof(bad)), GUEST_EXIT_EXCEPTION);
}
END_TEST

START_TEST(test_x87_store_fault)
{
    /*
     * fld1; nop; fstp qword [beyond memory]: the fstp, alone, faults before changing
     * anything: ST(0) = 1.0 stays on the stack (TOP = 7), pc at the fstp.
     */
    static const uint8_t code[] = { 0xd9, 0xe8, 0x90, 0xdd, MEMABS(3, X86T_MEM_SIZE - 4), 0xcc };

    ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_MEM_FAULT);
    ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE + 3);
    ck_assert_uint_eq(m.cpu->fpu.fsw & 0x3800, 0x3800);
    ck_assert_uint_eq(m.cpu->fpu.ftw, 0x3fff);
}
END_TEST

START_TEST(test_x87_run_store_fault)
{
    /*
     * fld1; fstp qword [beyond memory] run as one x87 run (trans_x87_seg.c): the fault
     * is taken before any of it, at its first instruction, with the x87 state as
     * before the run (empty, TOP = 0), so that resuming there runs all of it again.
     */
    static const uint8_t code[] = { 0xd9, 0xe8, 0xdd, MEMABS(3, X86T_MEM_SIZE - 4), 0xcc };

    ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_MEM_FAULT);
    ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE);
    ck_assert_uint_eq(m.cpu->fpu.fsw & 0x3800, 0);
    ck_assert_uint_eq(m.cpu->fpu.ftw, 0xffff);
}
END_TEST

START_TEST(test_unimplemented)
{
    /* aesenc xmm0, xmm1 (AES is not lifted, and CPUID does not claim it): #UD */
    static const uint8_t code[] = { 0x66, 0x0f, 0x38, 0xdc, 0xc1, 0xcc };

    ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_ILLEGAL);
}
END_TEST

START_TEST(test_sse_i386)
{
    /* pcmpeqb xmm1, xmm1; psrldq xmm1, 12; movd eax, xmm1; pmovmskb ecx, xmm1; movdqu [DATA], xmm1 */
    RUN(0x66, 0x0f, 0x74, 0xc9, 0x66, 0x0f, 0x73, 0xd9, 12, 0x66, 0x0f, 0x7e, 0xc8, 0x66, 0x0f, 0xd7, 0xc9,
        0xf3, 0x0f, 0x7f, 0x0d, (uint8_t)X86T_DATA, (uint8_t)(X86T_DATA >> 8), 0, 0, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0xffffffffu);
    ck_assert_uint_eq(REG(RCX), 0x000f);
    ck_assert_uint_eq(mem_q(X86T_DATA), 0xffffffffu);
    ck_assert_uint_eq(mem_q(X86T_DATA + 8), 0);
}
END_TEST

Suite *x86_fp_suite(void)
{
    Suite *s = suite_create("x86_fp");
    TCase *tc = tcase_create("x86_64");
    TCase *t32 = tcase_create("i386");

    tcase_add_checked_fixture(tc, setup64, teardown);
    tcase_add_test(tc, test_cpuid_features);
    tcase_add_test(tc, test_sse_scalar);
    tcase_add_test(tc, test_sse_rounding);
    tcase_add_test(tc, test_sse_unmasked);
    tcase_add_test(tc, test_x87_basic);
    tcase_add_test(tc, test_x87_rounding_control);
    tcase_add_test(tc, test_x87_fpe);
    tcase_add_test(tc, test_mmx);
    tcase_add_test(tc, test_mmx_xmm);
    tcase_add_test(tc, test_fxsave);
    tcase_add_test(tc, test_trace_regs);
    tcase_add_test(tc, test_sse_alignment);
    tcase_add_test(tc, test_cmpxchg16b);
    tcase_add_test(tc, test_x87_store_fault);
    tcase_add_test(tc, test_x87_run_store_fault);
    tcase_add_test(tc, test_unimplemented);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(t32, setup32, teardown);
    tcase_add_test(t32, test_sse_i386);
    tcase_add_test(t32, test_x87_basic);
    suite_add_tcase(s, t32);
    return s;
}
