/*
 * x86 instructions with expected values from the Intel SDM's descriptions (Vol. 2),
 * each run under the three engines by x86t_run.  Flags are checked after each
 * operation, not only results.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/x86/x86_test.h"

#define F_CF X86_CF
#define F_PF X86_PF
#define F_AF X86_AF
#define F_ZF X86_ZF
#define F_SF X86_SF
#define F_OF X86_OF

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
#define FLAGS() x86t_flags(&m)

START_TEST(test_add_flags)
{
    /* mov eax, 0xffffffff; add eax, 1: 0 with CF ZF PF AF */
    RUN(0xb8, 0xff, 0xff, 0xff, 0xff, 0x83, 0xc0, 0x01, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0);
    ck_assert_uint_eq(FLAGS(), F_CF | F_ZF | F_PF | F_AF);
    /* mov al, 0x0f; add al, 1 -> 0x10: AF, PF clear (one bit set) */
    RUN(0xb0, 0x0f, 0x04, 0x01, 0xcc);
    ck_assert_uint_eq(REG(RAX) & 0xff, 0x10);
    ck_assert_uint_eq(FLAGS(), F_AF);
    /* mov al, 0x7f; add al, 1 -> 0x80: OF SF AF */
    RUN(0xb0, 0x7f, 0x04, 0x01, 0xcc);
    ck_assert_uint_eq(FLAGS(), F_OF | F_SF | F_AF);
}
END_TEST

START_TEST(test_sub_cmp_flags)
{
    /* mov eax, 5; cmp eax, 7: CF SF AF PF (5-7 = 0xfffffffe: 7 bits set in low byte -> PF clear) */
    RUN(0xb8, 0x05, 0, 0, 0, 0x83, 0xf8, 0x07, 0xcc);
    ck_assert_uint_eq(FLAGS(), F_CF | F_SF | F_AF);
    /* mov rax, 0x8000000000000000; sub rax, 1: OF, result 0x7fff... */
    RUN(0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x48, 0x83, 0xe8, 0x01, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0x7fffffffffffffffull);
    ck_assert_uint_eq(FLAGS(), F_OF | F_AF | F_PF);
}
END_TEST

START_TEST(test_partial_regs)
{
    REG(RSI) = 0x1111;
    REG(RDX) = 0x2222;
    /* mov eax, 0x1234; mov ah, 0x56; mov sil, 0x77 (REX); mov dh, 0x77 */
    RUN(0xb8, 0x34, 0x12, 0, 0, 0xb4, 0x56, 0x40, 0xb6, 0x77, 0xb6, 0x77, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0x5634);
    ck_assert_uint_eq(REG(RSI), 0x1177);
    ck_assert_uint_eq(REG(RDX), 0x7722);
    /* mov rax, -1; mov eax, 5 (zero-extends); mov rbx, -1; mov bx, 5 (keeps) */
    RUN(0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff, 0xb8, 5, 0, 0, 0,
        0x48, 0xc7, 0xc3, 0xff, 0xff, 0xff, 0xff, 0x66, 0xbb, 5, 0, 0xcc);
    ck_assert_uint_eq(REG(RAX), 5);
    ck_assert_uint_eq(REG(RBX), 0xffffffffffff0005ull);
    /* movzx ecx, ah; movsx rdx, bl; movsxd rsi, eax with eax = 0x8000ff00 */
    REG(RAX) = 0x8000ff00u;
    REG(RBX) = 0x80;
    RUN(0x0f, 0xb6, 0xcc, 0x48, 0x0f, 0xbe, 0xd3, 0x48, 0x63, 0xf0, 0xcc);
    ck_assert_uint_eq(REG(RCX), 0xff);
    ck_assert_uint_eq(REG(RDX), 0xffffffffffffff80ull);
    ck_assert_uint_eq(REG(RSI), 0xffffffff8000ff00ull);
}
END_TEST

START_TEST(test_loop_jcc)
{
    /* mov ecx, 3; L: inc eax; dec ecx; jnz L; int3 */
    RUN(0xb9, 3, 0, 0, 0, 0xff, 0xc0, 0xff, 0xc9, 0x75, 0xfa, 0xcc);
    ck_assert_uint_eq(REG(RAX), 3);
    ck_assert_uint_eq(REG(RCX), 0);
    ck_assert_uint_eq(FLAGS() & (F_ZF | F_CF), F_ZF);
    /* mov ecx, 4; L: add ebx, 2; loop L */
    RUN(0xb9, 4, 0, 0, 0, 0x83, 0xc3, 0x02, 0xe2, 0xfb, 0xcc);
    ck_assert_uint_eq(REG(RBX), 8);
    /* signed and unsigned branches: mov eax,-1; cmp eax,1; jl +2 (taken); mov bl,1; jb +2 (not taken); mov cl,1 */
    RUN(0xb8, 0xff, 0xff, 0xff, 0xff, 0x83, 0xf8, 0x01, 0x7c, 0x02, 0xb3, 0x01, 0x72, 0x02, 0xb1, 0x01, 0xcc);
    ck_assert_uint_eq(REG(RBX), 8);
    ck_assert_uint_eq(REG(RCX) & 0xff, 1);
}
END_TEST

START_TEST(test_div)
{
    /* mov eax, 100; xor edx, edx; mov ecx, 7; div ecx */
    RUN(0xb8, 100, 0, 0, 0, 0x31, 0xd2, 0xb9, 7, 0, 0, 0, 0xf7, 0xf1, 0xcc);
    ck_assert_uint_eq(REG(RAX), 14);
    ck_assert_uint_eq(REG(RDX), 2);
    /* mov rax, -100; cqo; mov rcx, 7; idiv rcx */
    RUN(0x48, 0xc7, 0xc0, 0x9c, 0xff, 0xff, 0xff, 0x48, 0x99, 0x48, 0xc7, 0xc1, 7, 0, 0, 0, 0x48, 0xf7, 0xf9, 0xcc);
    ck_assert_uint_eq(REG(RAX), (uint64_t)-14);
    ck_assert_uint_eq(REG(RDX), (uint64_t)-2);
    /* mov ax, 0x1234 ... div bl with bl = 0x10: quotient 0x123 does not fit: #DE */
    {
        static const uint8_t code[] = { 0x66, 0xb8, 0x34, 0x12, 0xb3, 0x10, 0xf6, 0xf3, 0xcc };

        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_FPE);
        ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE + 6);
    }
    /* divide by zero, 64-bit */
    {
        static const uint8_t code[] = { 0x31, 0xc9, 0x48, 0xf7, 0xf1, 0xcc };

        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_FPE);
        ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE + 2);
    }
}
END_TEST

START_TEST(test_mul)
{
    /* mov rax, -1; mov ecx, 2; mul rcx: rdx:rax = 1:-2, CF OF */
    RUN(0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff, 0xb9, 2, 0, 0, 0, 0x48, 0xf7, 0xe1, 0xcc);
    ck_assert_uint_eq(REG(RAX), (uint64_t)-2);
    ck_assert_uint_eq(REG(RDX), 1);
    ck_assert_uint_eq(FLAGS() & (F_CF | F_OF), F_CF | F_OF);
    /* mov eax, 0x10000; imul eax, eax: 0, overflow */
    RUN(0xb8, 0, 0, 1, 0, 0x0f, 0xaf, 0xc0, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0);
    ck_assert_uint_eq(FLAGS() & (F_CF | F_OF), F_CF | F_OF);
    /* mov ecx, -3; imul edx, ecx, 5 -> -15, no overflow */
    RUN(0xb9, 0xfd, 0xff, 0xff, 0xff, 0x6b, 0xd1, 0x05, 0xcc);
    ck_assert_uint_eq(REG(RDX), 0xfffffff1u);
    ck_assert_uint_eq(FLAGS() & (F_CF | F_OF), 0);
}
END_TEST

START_TEST(test_shifts)
{
    /* mov eax, 0x80000001; shl eax, 1: 2, CF, OF (MSB 0 xor CF 1) */
    RUN(0xb8, 1, 0, 0, 0x80, 0xd1, 0xe0, 0xcc);
    ck_assert_uint_eq(REG(RAX), 2);
    ck_assert_uint_eq(FLAGS() & (F_CF | F_OF | F_ZF | F_SF), F_CF | F_OF);
    /* mov al, 0x81; sar al, 1: 0xc0, CF SF, OF clear */
    RUN(0xb0, 0x81, 0xd0, 0xf8, 0xcc);
    ck_assert_uint_eq(REG(RAX) & 0xff, 0xc0);
    ck_assert_uint_eq(FLAGS() & (F_CF | F_OF | F_SF | F_ZF), F_CF | F_SF);
    /* stc; mov al, 0x80; rcl al, 1: 0x01, CF, OF = 0 ^ 1 */
    RUN(0xf9, 0xb0, 0x80, 0xd0, 0xd0, 0xcc);
    ck_assert_uint_eq(REG(RAX) & 0xff, 0x01);
    ck_assert_uint_eq(FLAGS() & (F_CF | F_OF), F_CF | F_OF);
    /* shl by cl = 0 keeps flags: stc; xor ecx, ecx sets ZF... use: mov ecx,0 (no flags); stc; shl eax, cl */
    RUN(0xb9, 0, 0, 0, 0, 0xf9, 0xd3, 0xe0, 0xcc);
    ck_assert_uint_eq(FLAGS() & F_CF, F_CF);
    /* mov eax, 0x12345678; ror eax, 8 -> 0x78123456; rol ax, 4 -> 0x78124563 */
    RUN(0xb8, 0x78, 0x56, 0x34, 0x12, 0xc1, 0xc8, 0x08, 0x66, 0xc1, 0xc0, 0x04, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0x78124563u);
    /* mov eax, 0x12345678; mov edx, 0x9abcdef0; shld eax, edx, 8 -> 0x3456789a; shrd edx, eax, 4 */
    RUN(0xb8, 0x78, 0x56, 0x34, 0x12, 0xba, 0xf0, 0xde, 0xbc, 0x9a, 0x0f, 0xa4, 0xd0, 0x08,
        0x0f, 0xac, 0xc2, 0x04, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0x3456789au);
    ck_assert_uint_eq(REG(RDX), 0xa9abcdefu);
}
END_TEST

START_TEST(test_bits)
{
    /* mov eax, 0xf0; bsf ecx, eax; bsr edx, eax; popcnt ebx, eax; lzcnt esi, eax; tzcnt edi, eax */
    RUN(0xb8, 0xf0, 0, 0, 0, 0x0f, 0xbc, 0xc8, 0x0f, 0xbd, 0xd0, 0xf3, 0x0f, 0xb8, 0xd8,
        0xf3, 0x0f, 0xbd, 0xf0, 0xf3, 0x0f, 0xbc, 0xf8, 0xcc);
    ck_assert_uint_eq(REG(RCX), 4);
    ck_assert_uint_eq(REG(RDX), 7);
    ck_assert_uint_eq(REG(RBX), 4);
    ck_assert_uint_eq(REG(RSI), 24);
    ck_assert_uint_eq(REG(RDI), 4);
    /* mov eax, 0x10; bt eax, 4 -> CF; btc eax, 4 -> 0, CF; bts eax, 1 -> 2 */
    RUN(0xb8, 0x10, 0, 0, 0, 0x0f, 0xba, 0xe0, 0x04, 0x0f, 0xba, 0xf8, 0x04, 0x0f, 0xba, 0xe8, 0x01, 0xcc);
    ck_assert_uint_eq(REG(RAX), 2);
    ck_assert_uint_eq(FLAGS() & F_CF, 0);
    /* bswap */
    RUN(0xb8, 0x78, 0x56, 0x34, 0x12, 0x0f, 0xc8, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0x12345678u == 0 ? 0 : 0x78563412u);
}
END_TEST

START_TEST(test_setcc_cmov)
{
    /* mov eax, 5; cmp eax, 7; setl bl; setb cl; mov edx, 9; cmovg eax, edx; cmovl esi, edx */
    RUN(0xb8, 5, 0, 0, 0, 0x83, 0xf8, 0x07, 0x0f, 0x9c, 0xc3, 0x0f, 0x92, 0xc1, 0xba, 9, 0, 0, 0,
        0x0f, 0x4f, 0xc2, 0x0f, 0x4c, 0xf2, 0xcc);
    ck_assert_uint_eq(REG(RBX), 1);
    ck_assert_uint_eq(REG(RCX), 1);
    ck_assert_uint_eq(REG(RAX), 5);
    ck_assert_uint_eq(REG(RSI), 9);
}
END_TEST

START_TEST(test_call_ret_stack)
{
    /* call +6; mov eax, 1; int3; (target) mov ebx, 2; ret */
    RUN(0xe8, 6, 0, 0, 0, 0xb8, 1, 0, 0, 0, 0xcc, 0xbb, 2, 0, 0, 0, 0xc3);
    ck_assert_uint_eq(REG(RAX), 1);
    ck_assert_uint_eq(REG(RBX), 2);
    ck_assert_uint_eq(REG(RSP), X86T_STACK);
    ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE + 10);
    /* push 0x1234; pop rcx; enter 16, 0; leave */
    RUN(0x68, 0x34, 0x12, 0, 0, 0x59, 0xc8, 0x10, 0, 0, 0xc9, 0xcc);
    ck_assert_uint_eq(REG(RCX), 0x1234);
    ck_assert_uint_eq(REG(RSP), X86T_STACK);
}
END_TEST

START_TEST(test_strings)
{
    memcpy(m.mem + X86T_DATA, "hello", 6);
    /* mov rsi, 0x8000; mov rdi, 0x8100; mov ecx, 6; rep movsb */
    RUN(0x48, 0xc7, 0xc6, 0, 0x80, 0, 0, 0x48, 0xc7, 0xc7, 0, 0x81, 0, 0, 0xb9, 6, 0, 0, 0, 0xf3, 0xa4, 0xcc);
    ck_assert_str_eq((const char *)m.mem + X86T_DATA + 0x100, "hello");
    ck_assert_uint_eq(REG(RCX), 0);
    ck_assert_uint_eq(REG(RSI), X86T_DATA + 6);
    /* strlen: mov rdi, 0x8000; xor eax, eax; mov rcx, -1; repne scasb */
    RUN(0x48, 0xc7, 0xc7, 0, 0x80, 0, 0, 0x31, 0xc0, 0x48, 0xc7, 0xc1, 0xff, 0xff, 0xff, 0xff, 0xf2, 0xae, 0xcc);
    ck_assert_uint_eq(REG(RCX), (uint64_t)-7);
    ck_assert_uint_eq(REG(RDI), X86T_DATA + 6);
    ck_assert_uint_eq(FLAGS() & F_ZF, F_ZF);
    /* std; mov eax, 0x41; mov rdi, 0x8203; mov ecx, 4; rep stosb; cld */
    RUN(0xfd, 0xb8, 0x41, 0, 0, 0, 0x48, 0xc7, 0xc7, 3, 0x82, 0, 0, 0xb9, 4, 0, 0, 0, 0xf3, 0xaa, 0xfc, 0xcc);
    ck_assert_int_eq(memcmp(m.mem + X86T_DATA + 0x200, "AAAA", 4), 0);
    ck_assert_uint_eq(REG(RDI), X86T_DATA + 0x1ff);
}
END_TEST

START_TEST(test_atomics)
{
    m.mem[X86T_DATA] = 5;
    /* mov eax, 5; mov ecx, 9; lock cmpxchg [0x8000], ecx */
    RUN(0xb8, 5, 0, 0, 0, 0xb9, 9, 0, 0, 0, 0xf0, 0x0f, 0xb1, 0x0c, 0x25, 0, 0x80, 0, 0, 0xcc);
    ck_assert_uint_eq(m.mem[X86T_DATA], 9);
    ck_assert_uint_eq(FLAGS() & F_ZF, F_ZF);
    /* failing: eax (5) != 9: eax = 9, ZF clear */
    RUN(0xb8, 5, 0, 0, 0, 0xf0, 0x0f, 0xb1, 0x0c, 0x25, 0, 0x80, 0, 0, 0xcc);
    ck_assert_uint_eq(REG(RAX), 9);
    ck_assert_uint_eq(FLAGS() & F_ZF, 0);
    /* mov ecx, 1; lock xadd [0x8000], ecx; lock adc dword [0x8000], 0 with CF set by stc */
    RUN(0xb9, 1, 0, 0, 0, 0xf0, 0x0f, 0xc1, 0x0c, 0x25, 0, 0x80, 0, 0, 0xf9,
        0xf0, 0x83, 0x14, 0x25, 0, 0x80, 0, 0, 0x00, 0xcc);
    ck_assert_uint_eq(REG(RCX), 9);
    ck_assert_uint_eq(m.mem[X86T_DATA], 11);
    /* xchg [0x8000], edx */
    REG(RDX) = 0x77;
    RUN(0x87, 0x14, 0x25, 0, 0x80, 0, 0, 0xcc);
    ck_assert_uint_eq(REG(RDX), 11);
    ck_assert_uint_eq(m.mem[X86T_DATA], 0x77);
}
END_TEST

START_TEST(test_flag_moves)
{
    /* stc; lahf -> AH = CF | bit 1 */
    RUN(0xf9, 0x9f, 0xcc);
    ck_assert_uint_eq((REG(RAX) >> 8) & 0xff, 0x03);
    /* mov ah, 0xd5; sahf: SF ZF AF PF CF */
    RUN(0xb4, 0xd5, 0x9e, 0xcc);
    ck_assert_uint_eq(FLAGS(), F_SF | F_ZF | F_AF | F_PF | F_CF);
    /* pushf; pop rax; with those flags */
    RUN(0x9c, 0x58, 0xcc);
    ck_assert_uint_eq(REG(RAX) & 0xfff, 0x2d7 | X86_IF);
    /* push 0x801 (OF|CF); popf */
    RUN(0x68, 0x01, 0x08, 0, 0, 0x9d, 0xcc);
    ck_assert_uint_eq(FLAGS(), F_OF | F_CF);
    /* adc chain: mov rax, -1; xor edx, edx; add rax, 1; adc rdx, 0 */
    RUN(0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff, 0x31, 0xd2, 0x48, 0x83, 0xc0, 0x01, 0x48, 0x83, 0xd2, 0x00, 0xcc);
    ck_assert_uint_eq(REG(RDX), 1);
}
END_TEST

START_TEST(test_exits)
{
    static const uint8_t sc[] = { 0x90, 0x0f, 0x05 };
    static const uint8_t hlt[] = { 0xf4 };
    static const uint8_t ud[] = { 0x0f, 0x0b };
    static const uint8_t endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x0f, 0x1f, 0x44, 0, 0, 0xcc };

    ck_assert_int_eq(x86t_exec(&m, sc, sizeof(sc)), GUEST_EXIT_SYSCALL);
    ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE + 1);
    ck_assert_int_eq(x86t_exec(&m, hlt, sizeof(hlt)), GUEST_EXIT_ILLEGAL);
    ck_assert_int_eq(x86t_exec(&m, ud, sizeof(ud)), GUEST_EXIT_ILLEGAL);
    ck_assert_int_eq(x86t_exec(&m, endbr, sizeof(endbr)), GUEST_EXIT_BREAKPOINT);
    ck_assert_uint_eq(m.cpu->common.pc, X86T_CODE + 9);
    /* mov eax, imm32 cut off by the end of memory: a fetch fault at the first missing byte */
    m.mem[X86T_MEM_SIZE - 2] = 0xb8;
    m.mem[X86T_MEM_SIZE - 1] = 0x01;
    m.cpu->common.pc = X86T_MEM_SIZE - 2;
    ck_assert_int_eq(x86t_run(&m), GUEST_EXIT_FETCH_FAULT);
    ck_assert_uint_eq(m.cpu->common.pc, X86T_MEM_SIZE - 2);
    ck_assert_uint_eq(m.cpu->common.exit_aux, X86T_MEM_SIZE);
}
END_TEST

START_TEST(test_cpuid)
{
    RUN(0x31, 0xc0, 0x0f, 0xa2, 0xcc);
    ck_assert_uint_eq(REG(RBX), 0x756e6547u);
    ck_assert_uint_eq(REG(RAX), 7);
}
END_TEST

START_TEST(test_i386)
{
    static const uint8_t sc[] = { 0xb8, 0xff, 0xff, 0xff, 0xff, 0xf9, 0x40, 0x50, 0x5b, 0xcd, 0x80 };

    /* mov eax, -1; stc; inc eax (40: CF kept); push eax; pop ebx; int 0x80 */
    ck_assert_int_eq(x86t_exec(&m, sc, sizeof(sc)), GUEST_EXIT_SYSCALL);
    ck_assert_uint_eq(m.cpu->common.exit_code, 0x80);
    ck_assert_uint_eq(REG(RAX), 0);
    ck_assert_uint_eq(REG(RBX), 0);
    ck_assert_uint_eq(REG(RSP), X86T_STACK);
    ck_assert_uint_eq(x86t_flags(&m), F_CF | F_ZF | F_PF | F_AF);
    /* call/ret with 32-bit stack slots; mov [abs], eax via moffs */
    {
        static const uint8_t code[] = { 0xe8, 6, 0, 0, 0, 0xa3, 0, 0x80, 0, 0, 0xcc, 0xb8, 0x44, 0x33, 0x22, 0x11,
                                        0xc3 };

        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_BREAKPOINT);
        ck_assert_uint_eq(m.mem[X86T_DATA], 0x44);
        ck_assert_uint_eq(m.mem[X86T_STACK - 4], 5);
        ck_assert_uint_eq(REG(RSP), X86T_STACK);
    }
}
END_TEST

START_TEST(test_misc_moves)
{
    memcpy(m.mem + X86T_DATA, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
    /* mov ebx, 0x8000; movbe eax, [rbx]; mov al, 5; xlat; mov ecx, ss; movbe [rbx+8], rcx... */
    RUN(0xbb, 0, 0x80, 0, 0, 0x0f, 0x38, 0xf0, 0x03, 0x89, 0xc2, 0xb0, 5, 0xd7, 0x8c, 0xd1, 0xcc);
    ck_assert_uint_eq(REG(RDX), 0x11223344u);
    ck_assert_uint_eq(REG(RAX), 0x11223366u);
    ck_assert_uint_eq(REG(RCX), 0x2b);
    /* movbe [rbx + 8], rdx (64-bit store) */
    REG(RDX) = 0x0102030405060708ull;
    RUN(0x48, 0x0f, 0x38, 0xf1, 0x53, 0x08, 0xcc);
    ck_assert_int_eq(memcmp(m.mem + X86T_DATA + 8, "\x01\x02\x03\x04\x05\x06\x07\x08", 8), 0);
    /* mov rax, fs:[8] with fs_base = 0x8000; mov ecx, [rip + 0x6ff9]: the same address */
    m.cpu->fs_base = X86T_DATA;
    RUN(0x64, 0x48, 0x8b, 0x04, 0x25, 8, 0, 0, 0, 0x8b, 0x0d, 0xf9, 0x6f, 0, 0, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0x0807060504030201ull);
    ck_assert_uint_eq(REG(RCX), 0x04030201u);
    /* mfence; lfence; sfence; clflush [0x8000] */
    RUN(0x0f, 0xae, 0xf0, 0x0f, 0xae, 0xe8, 0x0f, 0xae, 0xf8, 0x0f, 0xae, 0x3c, 0x25, 0, 0x80, 0, 0, 0xcc);
    /* leave from a faulting frame pointer: rsp unchanged */
    {
        static const uint8_t code[] = { 0x48, 0xc7, 0xc5, 0, 0, 0, 0x40, 0xc9, 0xcc };

        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_MEM_FAULT);
        ck_assert_uint_eq(REG(RSP), X86T_STACK);
    }
    /* privileged: out dx, al is #GP in user mode */
    {
        static const uint8_t code[] = { 0xee };

        ck_assert_int_eq(x86t_exec(&m, code, sizeof(code)), GUEST_EXIT_ILLEGAL);
    }
}
END_TEST

START_TEST(test_i386_pusha)
{
    /* mov eax, 1; mov ebp, 2; pusha; xor eax, eax; xor ebp, ebp; popa */
    RUN(0xb8, 1, 0, 0, 0, 0xbd, 2, 0, 0, 0, 0x60, 0x31, 0xc0, 0x31, 0xed, 0x61, 0xcc);
    ck_assert_uint_eq(REG(RAX), 1);
    ck_assert_uint_eq(REG(RBP), 2);
    ck_assert_uint_eq(REG(RSP), X86T_STACK);
    ck_assert_uint_eq(m.mem[X86T_STACK - 20], X86T_STACK & 0xff);     /* the saved esp */
    ck_assert_uint_eq(m.mem[X86T_STACK - 19], X86T_STACK >> 8);
}
END_TEST

START_TEST(test_more_atomics_bits)
{
    static const uint8_t init[8] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };

    memcpy(m.mem + X86T_DATA, init, 8);
    REG(RDX) = 0x11223344;
    REG(RAX) = 0x55667788;
    REG(RCX) = 0xaabbccdd;
    REG(RBX) = 0xeeff0011;
    /* lock cmpxchg8b [0x8000]: equal, stores ecx:ebx */
    RUN(0xf0, 0x0f, 0xc7, 0x0c, 0x25, 0, 0x80, 0, 0, 0xcc);
    ck_assert_uint_eq(FLAGS() & F_ZF, F_ZF);
    ck_assert_uint_eq(m.mem[X86T_DATA], 0x11);
    ck_assert_uint_eq(m.mem[X86T_DATA + 7], 0xaa);
    /* again: not equal, edx:eax = memory */
    RUN(0x0f, 0xc7, 0x0c, 0x25, 0, 0x80, 0, 0, 0xcc);
    ck_assert_uint_eq(FLAGS() & F_ZF, 0);
    ck_assert_uint_eq(REG(RAX), 0xeeff0011u);
    ck_assert_uint_eq(REG(RDX), 0xaabbccddu);
    /* bts [rbx], rcx with rbx = 0x8108, rcx = -1: bit 63 of the quadword at 0x8100 */
    REG(RBX) = X86T_DATA + 0x108;
    REG(RCX) = (uint64_t)-1;
    RUN(0x48, 0x0f, 0xab, 0x0b, 0xcc);
    ck_assert_uint_eq(m.mem[X86T_DATA + 0x107], 0x80);
    ck_assert_uint_eq(FLAGS() & F_CF, 0);
    RUN(0x48, 0x0f, 0xab, 0x0b, 0xcc);
    ck_assert_uint_eq(FLAGS() & F_CF, F_CF);
    /* xor ecx, ecx; jrcxz +2; mov al, 1 (skipped) */
    REG(RAX) = 0;
    RUN(0x31, 0xc9, 0xe3, 0x02, 0xb0, 0x01, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0);
    /* mov ecx, 5; L: cmp eax, eax; loope L -> ecx = 0 */
    RUN(0xb9, 5, 0, 0, 0, 0x39, 0xc0, 0xe1, 0xfc, 0xcc);
    ck_assert_uint_eq(REG(RCX), 0);
    /* mov ecx, 5; L: cmp ecx, 3 (before the decrement); loopne L: stops when ecx was 3, now 2 */
    RUN(0xb9, 5, 0, 0, 0, 0x83, 0xf9, 0x03, 0xe0, 0xfb, 0xcc);
    ck_assert_uint_eq(REG(RCX), 2);
    /* neg of 0: CF clear, ZF; sbb with borrow: mov eax, 0; stc; sbb eax, 0 -> -1, CF SF */
    RUN(0x31, 0xc0, 0xf7, 0xd8, 0xcc);
    ck_assert_uint_eq(FLAGS() & (F_CF | F_ZF), F_ZF);
    RUN(0x31, 0xc0, 0xf9, 0x83, 0xd8, 0x00, 0xcc);
    ck_assert_uint_eq(REG(RAX), 0xffffffffu);
    ck_assert_uint_eq(FLAGS(), F_CF | F_SF | F_PF | F_AF);
}
END_TEST

/* --trace=insn,regs: objdump-style text, and eflags computed from the lazy flags. */
START_TEST(test_trace)
{
    char text[8192];
    size_t size;

    /* The trace writer writes whole lines to a file descriptor: a real file, read back. */
    m.trace_file = tmpfile();
    m.trace = EXEC_TRACE_INSN | EXEC_TRACE_REGS;
    /* mov eax, 0xffffffff; add eax, 1 */
    RUN(0xb8, 0xff, 0xff, 0xff, 0xff, 0x83, 0xc0, 0x01, 0xcc);
    exec_trace_flush();
    rewind(m.trace_file);
    size = fread(text, 1, sizeof(text) - 1, m.trace_file);
    text[size] = 0;
    fclose(m.trace_file);
    m.trace_file = NULL;
    /* Lines end with the step counter (docs/TRACE.md): " #<n>". */
    ck_assert_msg(strstr(text, "insn 0x1005 83c001 add $0x1,%eax #") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "regs rax=0x0 eflags=0x257 #") != NULL, "%s", text);
}
END_TEST

Suite *x86_insn_suite(void)
{
    Suite *s = suite_create("x86_insn");
    TCase *tc = tcase_create("x86_64");
    TCase *t32 = tcase_create("i386");

    tcase_add_checked_fixture(tc, setup64, teardown);
    tcase_add_test(tc, test_add_flags);
    tcase_add_test(tc, test_sub_cmp_flags);
    tcase_add_test(tc, test_partial_regs);
    tcase_add_test(tc, test_loop_jcc);
    tcase_add_test(tc, test_div);
    tcase_add_test(tc, test_mul);
    tcase_add_test(tc, test_shifts);
    tcase_add_test(tc, test_bits);
    tcase_add_test(tc, test_setcc_cmov);
    tcase_add_test(tc, test_call_ret_stack);
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_atomics);
    tcase_add_test(tc, test_flag_moves);
    tcase_add_test(tc, test_exits);
    tcase_add_test(tc, test_cpuid);
    tcase_add_test(tc, test_trace);
    tcase_add_test(tc, test_misc_moves);
    tcase_add_test(tc, test_more_atomics_bits);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(t32, setup32, teardown);
    tcase_add_test(t32, test_i386);
    tcase_add_test(t32, test_i386_pusha);
    suite_add_tcase(s, t32);
    return s;
}
