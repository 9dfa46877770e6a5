/*
 * Encoder tests: each case emits one instruction and checks that capstone decodes
 * exactly that instruction from exactly the emitted bytes.  Expected texts are the
 * Intel-syntax forms of the instruction meant (as objdump -M intel / capstone print it).
 */
#include <capstone/capstone.h>
#include <check.h>
#include <glib.h>
#include <string.h>

#include "backend-x86_64/x64_emit.h"

#define M(base, disp) x64_mem(X64_##base, disp)
#define MI(base, idx, sc, disp) x64_mem_idx(X64_##base, X64_##idx, sc, disp)

/* X(name, expected text, emitting statement using X64Buf *b) */
#define ENC_CASES(X) \
    X(mov_rr64, "mov rax, r12", x64_mov_rr(b, 8, X64_RAX, X64_R12)) \
    X(mov_rr32, "mov r9d, ecx", x64_mov_rr(b, 4, X64_R9, X64_RCX)) \
    X(mov_rr16, "mov si, di", x64_mov_rr(b, 2, X64_RSI, X64_RDI)) \
    X(mov_rr8, "mov sil, dil", x64_mov_rr(b, 1, X64_RSI, X64_RDI)) \
    X(mov_ri32, "mov r10d, 0x12345678", x64_mov_ri(b, 4, X64_R10, 0x12345678)) \
    X(mov_ri64_small, "mov ebx, 0xffffffff", x64_mov_ri(b, 8, X64_RBX, 0xffffffffu)) \
    X(mov_ri64_neg, "mov rdx, -2", x64_mov_ri(b, 8, X64_RDX, (uint64_t)-2)) \
    X(mov_ri64_abs, "movabs r13, 0x123456789abc", x64_mov_ri(b, 8, X64_R13, 0x123456789abcull)) \
    X(zero, "xor r8d, r8d", x64_zero(b, X64_R8)) \
    X(load_rbp_disp8, "mov rax, qword ptr [rbp + 0x10]", x64_mov_rm(b, 8, X64_RAX, M(RBP, 0x10))) \
    X(load_rbp_disp0, "mov eax, dword ptr [rbp]", x64_mov_rm(b, 4, X64_RAX, M(RBP, 0))) \
    X(load_r13_disp0, "mov rcx, qword ptr [r13]", x64_mov_rm(b, 8, X64_RCX, M(R13, 0))) \
    X(load_rsp_disp32, "mov r11, qword ptr [rsp + 0x1000]", x64_mov_rm(b, 8, X64_R11, M(RSP, 0x1000))) \
    X(load_r12, "mov rdx, qword ptr [r12 - 8]", x64_mov_rm(b, 8, X64_RDX, M(R12, -8))) \
    X(load_sib, "mov rax, qword ptr [r15 + r11]", x64_mov_rm(b, 8, X64_RAX, MI(R15, R11, 0, 0))) \
    X(load_sib_r12idx, "mov rax, qword ptr [r15 + r12]", x64_mov_rm(b, 8, X64_RAX, MI(R15, R12, 0, 0))) \
    X(load_sib_scale, "mov rax, qword ptr [rax + rcx*8]", x64_mov_rm(b, 8, X64_RAX, MI(RAX, RCX, 3, 0))) \
    X(load_sib_r13base, "mov ebx, dword ptr [r13 + rbx*4 + 0x40]", x64_mov_rm(b, 4, X64_RBX, MI(R13, RBX, 2, 0x40))) \
    X(store8, "mov byte ptr [r15 + rsi], sil", x64_mov_mr(b, 1, MI(R15, RSI, 0, 0), X64_RSI)) \
    X(store16, "mov word ptr [r15 + rax], r9w", x64_mov_mr(b, 2, MI(R15, RAX, 0, 0), X64_R9)) \
    X(store_imm64, "mov qword ptr [rbp], -0x7b", x64_mov_mi(b, 8, M(RBP, 0), -123)) \
    X(store_imm8, "mov byte ptr [r15 + 0x20], 0x7f", x64_mov_mi(b, 1, M(R15, 0x20), 0x7f)) \
    X(store_imm16, "mov word ptr [rbp + 8], 0x1234", x64_mov_mi(b, 2, M(RBP, 8), 0x1234)) \
    X(movzx_rr8, "movzx eax, sil", x64_movzx_rr(b, X64_RAX, X64_RSI, 1)) \
    X(movzx_rr16, "movzx r8d, r9w", x64_movzx_rr(b, X64_R8, X64_R9, 2)) \
    X(movzx_rm8, "movzx ecx, byte ptr [r15 + rdx]", x64_movzx_rm(b, X64_RCX, MI(R15, RDX, 0, 0), 1)) \
    X(movsx_rr8, "movsx rax, bl", x64_movsx_rr(b, 8, X64_RAX, X64_RBX, 1)) \
    X(movsx_rr16_32, "movsx edi, r10w", x64_movsx_rr(b, 4, X64_RDI, X64_R10, 2)) \
    X(movsxd_rr, "movsxd r14, r14d", x64_movsx_rr(b, 8, X64_R14, X64_R14, 4)) \
    X(movsx_rm16, "movsx rdx, word ptr [r15 + rax]", x64_movsx_rm(b, 8, X64_RDX, MI(R15, RAX, 0, 0), 2)) \
    X(movsxd_rm, "movsxd rbx, dword ptr [r15 + 0x100]", x64_movsx_rm(b, 8, X64_RBX, M(R15, 0x100), 4)) \
    X(lea64, "lea rax, [rbx + r12]", x64_lea(b, 8, X64_RAX, MI(RBX, R12, 0, 0))) \
    X(lea32_neg, "lea ecx, [rdx - 0x80]", x64_lea(b, 4, X64_RCX, M(RDX, -0x80))) \
    X(movbe_load, "movbe eax, dword ptr [r15 + rcx]", x64_movbe_rm(b, 4, X64_RAX, MI(R15, RCX, 0, 0))) \
    X(movbe_store, "movbe qword ptr [r15 + rcx], r8", x64_movbe_mr(b, 8, MI(R15, RCX, 0, 0), X64_R8)) \
    X(movbe_store16, "movbe word ptr [r15 + rcx], si", x64_movbe_mr(b, 2, MI(R15, RCX, 0, 0), X64_RSI)) \
    X(xchg, "xchg qword ptr [r15 + rdi], rax", x64_xchg_mr(b, 8, MI(R15, RDI, 0, 0), X64_RAX)) \
    X(add_rr, "add rax, rbx", x64_alu_rr(b, X64_ADD, 8, X64_RAX, X64_RBX)) \
    X(sub_rr32, "sub r12d, r13d", x64_alu_rr(b, X64_SUB, 4, X64_R12, X64_R13)) \
    X(and_ri8, "and rcx, 0xfffffffffffffff0", x64_alu_ri(b, X64_AND, 8, X64_RCX, -16)) \
    X(or_ri32, "or r9d, 0x10000", x64_alu_ri(b, X64_OR, 4, X64_R9, 0x10000)) \
    X(xor_ri64, "xor rax, 0x12345", x64_alu_ri(b, X64_XOR, 8, X64_RAX, 0x12345)) \
    X(cmp_ri, "cmp rsi, 0x7f", x64_alu_ri(b, X64_CMP, 8, X64_RSI, 127)) \
    X(cmp_rm, "cmp rdx, qword ptr [rax + 8]", x64_alu_rm(b, X64_CMP, 8, X64_RDX, M(RAX, 8))) \
    X(add_mr, "add qword ptr [rbp + 0x28], r8", x64_alu_mr(b, X64_ADD, 8, M(RBP, 0x28), X64_R8)) \
    X(cmp_mi, "cmp dword ptr [rbp + 8], 0", x64_alu_mi(b, X64_CMP, 4, M(RBP, 8), 0)) \
    X(add_mi32, "add qword ptr [rbp + 0x30], 0x1000", x64_alu_mi(b, X64_ADD, 8, M(RBP, 0x30), 0x1000)) \
    X(test_rr, "test r10, r10", x64_test_rr(b, 8, X64_R10, X64_R10)) \
    X(test_ri, "test eax, 0x100", x64_test_ri(b, 4, X64_RAX, 0x100)) \
    X(imul_rr, "imul rax, r15", x64_imul_rr(b, 8, X64_RAX, X64_R15)) \
    X(imul_rri8, "imul ecx, edx, 0xa", x64_imul_rri(b, 4, X64_RCX, X64_RDX, 10)) \
    X(imul_rri32, "imul r8, r9, 0x1000", x64_imul_rri(b, 8, X64_R8, X64_R9, 0x1000)) \
    X(not, "not rbx", x64_grp3(b, X64_NOT, 8, X64_RBX)) \
    X(neg32, "neg r11d", x64_grp3(b, X64_NEG, 4, X64_R11)) \
    X(mul, "mul rcx", x64_grp3(b, X64_MUL, 8, X64_RCX)) \
    X(imul1, "imul r9", x64_grp3(b, X64_IMUL1, 8, X64_R9)) \
    X(div32, "div esi", x64_grp3(b, X64_DIV, 4, X64_RSI)) \
    X(idiv, "idiv r14", x64_grp3(b, X64_IDIV, 8, X64_R14)) \
    X(cqo, "cqo", x64_cqo(b, 8)) \
    X(cdq, "cdq", x64_cqo(b, 4)) \
    X(shl_ri, "shl rax, 0x3f", x64_shift_ri(b, X64_SHL, 8, X64_RAX, 63)) \
    X(shr_ri32, "shr r11d, 0x1f", x64_shift_ri(b, X64_SHR, 4, X64_R11, 31)) \
    X(sar_ri, "sar rdx, 0x20", x64_shift_ri(b, X64_SAR, 8, X64_RDX, 32)) \
    X(rol16, "rol r8w, 8", x64_shift_ri(b, X64_ROL, 2, X64_R8, 8)) \
    X(ror_ri, "ror edi, 5", x64_shift_ri(b, X64_ROR, 4, X64_RDI, 5)) \
    X(shl_cl, "shl r12, cl", x64_shift_cl(b, X64_SHL, 8, X64_R12)) \
    X(rol_cl, "rol eax, cl", x64_shift_cl(b, X64_ROL, 4, X64_RAX)) \
    X(sar_cl, "sar rbx, cl", x64_shift_cl(b, X64_SAR, 8, X64_RBX)) \
    X(shlx, "shlx rax, rbx, rcx", x64_shiftx(b, X64_SHLX, 8, X64_RAX, X64_RBX, X64_RCX)) \
    X(shrx, "shrx r9d, r10d, r11d", x64_shiftx(b, X64_SHRX, 4, X64_R9, X64_R10, X64_R11)) \
    X(sarx, "sarx r12, r13, rdx", x64_shiftx(b, X64_SARX, 8, X64_R12, X64_R13, X64_RDX)) \
    X(rorx, "rorx r9, rbx, 0x13", x64_rorx(b, 8, X64_R9, X64_RBX, 19)) \
    X(rorx32, "rorx eax, r12d, 7", x64_rorx(b, 4, X64_RAX, X64_R12, 7)) \
    X(bswap32, "bswap eax", x64_bswap(b, 4, X64_RAX)) \
    X(bswap64, "bswap r13", x64_bswap(b, 8, X64_R13)) \
    X(lzcnt, "lzcnt rax, rbx", x64_lzcnt(b, 8, X64_RAX, X64_RBX)) \
    X(tzcnt, "tzcnt r8d, r9d", x64_tzcnt(b, 4, X64_R8, X64_R9)) \
    X(popcnt, "popcnt rcx, r15", x64_popcnt(b, 8, X64_RCX, X64_R15)) \
    X(bsr, "bsr rax, rdx", x64_bsr(b, 8, X64_RAX, X64_RDX)) \
    X(bsf, "bsf ecx, esi", x64_bsf(b, 4, X64_RCX, X64_RSI)) \
    X(setcc, "setl sil", x64_setcc(b, X64_CC_L, X64_RSI)) \
    X(setcc_r9, "seta r9b", x64_setcc(b, X64_CC_A, X64_R9)) \
    X(cmov, "cmovne rax, r10", x64_cmov(b, X64_CC_NE, 8, X64_RAX, X64_R10)) \
    X(cmov32, "cmovbe edx, ebx", x64_cmov(b, X64_CC_BE, 4, X64_RDX, X64_RBX)) \
    X(xadd, "lock xadd qword ptr [r15 + rbx], rax", x64_lock_xadd_mr(b, 8, MI(R15, RBX, 0, 0), X64_RAX)) \
    X(xadd8, "lock xadd byte ptr [r15 + rbx], sil", x64_lock_xadd_mr(b, 1, MI(R15, RBX, 0, 0), X64_RSI)) \
    X(cmpxchg, "lock cmpxchg dword ptr [r15 + r11], ecx", x64_lock_cmpxchg_mr(b, 4, MI(R15, R11, 0, 0), X64_RCX)) \
    X(cmpxchg16, "lock cmpxchg word ptr [r15 + rdx], r8w", x64_lock_cmpxchg_mr(b, 2, MI(R15, RDX, 0, 0), X64_R8)) \
    X(mfence, "mfence", x64_mfence(b)) \
    X(movq_xr, "movq xmm0, r12", x64_movq_xr(b, 8, 0, X64_R12)) \
    X(movd_xr, "movd xmm1, eax", x64_movq_xr(b, 4, 1, X64_RAX)) \
    X(movq_rx, "movq r9, xmm1", x64_movq_rx(b, 8, X64_R9, 1)) \
    X(movd_rx, "movd esi, xmm0", x64_movq_rx(b, 4, X64_RSI, 0)) \
    X(movq_xr_hi, "movq xmm9, rbx", x64_movq_xr(b, 8, 9, X64_RBX)) \
    X(addsd, "addsd xmm0, xmm1", x64_sse_rr(b, X64_SSE_ADD, 8, 0, 1)) \
    X(subss, "subss xmm0, xmm1", x64_sse_rr(b, X64_SSE_SUB, 4, 0, 1)) \
    X(mulsd_hi, "mulsd xmm8, xmm15", x64_sse_rr(b, X64_SSE_MUL, 8, 8, 15)) \
    X(divss, "divss xmm2, xmm3", x64_sse_rr(b, X64_SSE_DIV, 4, 2, 3)) \
    X(sqrtsd, "sqrtsd xmm0, xmm1", x64_sse_rr(b, X64_SSE_SQRT, 8, 0, 1)) \
    X(sqrtss, "sqrtss xmm0, xmm1", x64_sse_rr(b, X64_SSE_SQRT, 4, 0, 1)) \
    X(vfmadd213sd, "vfmadd213sd xmm0, xmm1, xmm2", x64_vfmadd213(b, 8, 0, 1, 2)) \
    X(xorpd, "xorpd xmm3, xmm4", x64_xorpd_xx(b, 3, 4)) \
    X(xorpd_hi, "xorpd xmm12, xmm9", x64_xorpd_xx(b, 12, 9)) \
    X(vfmadd213ss_hi, "vfmadd213ss xmm9, xmm12, xmm10", x64_vfmadd213(b, 4, 9, 12, 10)) \
    X(jmp_r, "jmp rdx", x64_jmp_r(b, X64_RDX)) \
    X(jmp_m, "jmp qword ptr [rax + 0x20]", x64_jmp_m(b, M(RAX, 0x20))) \
    X(call_r, "call r11", x64_call_r(b, X64_R11)) \
    X(ret, "ret", x64_ret(b)) \
    X(push, "push rbx", x64_push(b, X64_RBX)) \
    X(push_r15, "push r15", x64_push(b, X64_R15)) \
    X(pop_r12, "pop r12", x64_pop(b, X64_R12)) \
    X(nop1, "nop", x64_nop(b, 1)) \
    X(nop5, "nop dword ptr [rax + rax]", x64_nop(b, 5)) \
    X(nop8, "nop dword ptr [rax + rax]", x64_nop(b, 8)) \
    X(padded_jmp, "jmp 0x1008", (x64_prefix_pad(b, 3), x64_patch_rel32(b, x64_jmp_rel32(b), 8))) \
    X(padded_jcc, "jne 0x1009", (x64_prefix_pad(b, 1), x64_patch_rel32(b, x64_jcc_rel32(b, X64_CC_NE), 9)))

#define X_FN(name, text, stmt) static void enc_##name(X64Buf *b) { stmt; }
ENC_CASES(X_FN)
#undef X_FN

typedef struct EncCase {
    const char *name;
    const char *text;
    void (*emit)(X64Buf *b);
} EncCase;

#define X_ROW(name, text, stmt) { #name, text, enc_##name },
static const EncCase enc_cases[] = { ENC_CASES(X_ROW) };
#undef X_ROW

/* Disassemble exactly one instruction that uses every byte in buf. */
static char *disas_one(const uint8_t *code, size_t len, uint64_t addr)
{
    csh cs;
    cs_insn *insn;
    ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
    size_t n = cs_disasm(cs, code, len, addr, 0, &insn);
    char *text = NULL;
    if (n == 1 && insn[0].size == len) {
        text = g_strdup_printf("%s%s%s", insn[0].mnemonic, insn[0].op_str[0] ? " " : "", insn[0].op_str);
    } else {
        text = g_strdup_printf("<%zu insns, %zu bytes>", n, len);
    }
    if (n > 0) {
        cs_free(insn, n);
    }
    cs_close(&cs);
    return text;
}

START_TEST(test_enc_case)
{
    const EncCase *c = &enc_cases[_i];
    uint8_t buf[32];
    X64Buf b;
    x64_buf_init(&b, buf, buf + sizeof(buf));
    c->emit(&b);
    ck_assert(!b.overflow);
    g_autofree char *text = disas_one(buf, x64_offset(&b), 0x1000);
    ck_assert_msg(strcmp(text, c->text) == 0, "%s: got '%s', want '%s'", c->name, text, c->text);
}
END_TEST

/* The sign mask of FP negations: two instructions. */
START_TEST(test_enc_sign_mask)
{
    static const struct {
        int xmm;
        unsigned len1, len2;
        const char *t1, *t2;
    } cases[] = {
        { 3, 4, 5, "pcmpeqd xmm3, xmm3", "psllq xmm3, 0x3f" },
        { 11, 5, 6, "pcmpeqd xmm11, xmm11", "psllq xmm11, 0x3f" },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint8_t buf[32];
        X64Buf b;
        x64_buf_init(&b, buf, buf + sizeof(buf));
        x64_sign_mask_x(&b, cases[i].xmm);
        ck_assert_uint_eq(x64_offset(&b), cases[i].len1 + cases[i].len2);
        g_autofree char *t1 = disas_one(buf, cases[i].len1, 0x1000);
        g_autofree char *t2 = disas_one(buf + cases[i].len1, cases[i].len2, 0x1000);
        ck_assert_str_eq(t1, cases[i].t1);
        ck_assert_str_eq(t2, cases[i].t2);
    }
}
END_TEST

START_TEST(test_enc_branches)
{
    uint8_t buf[64];
    X64Buf b;
    x64_buf_init(&b, buf, buf + sizeof(buf));
    uint32_t j1 = x64_jcc_rel32(&b, X64_CC_NE);        /* 0: 6 bytes */
    uint32_t j2 = x64_jmp_rel8(&b);                     /* 6: 2 bytes */
    uint32_t j3 = x64_jcc_rel8(&b, X64_CC_L);           /* 8: 2 bytes */
    uint32_t j4 = x64_jmp_rel32(&b);                    /* 10: 5 bytes */
    x64_patch_rel32(&b, j1, 0x20);
    x64_patch_rel8(&b, j2, 0);
    x64_patch_rel8(&b, j3, 0x30);
    x64_patch_rel32(&b, j4, 0);
    g_autofree char *t1 = disas_one(buf + 0, 6, 0x1000);
    g_autofree char *t2 = disas_one(buf + 6, 2, 0x1006);
    g_autofree char *t3 = disas_one(buf + 8, 2, 0x1008);
    g_autofree char *t4 = disas_one(buf + 10, 5, 0x100a);
    ck_assert_str_eq(t1, "jne 0x1020");
    ck_assert_str_eq(t2, "jmp 0x1000");
    ck_assert_str_eq(t3, "jl 0x1030");
    ck_assert_str_eq(t4, "jmp 0x1000");
}
END_TEST

START_TEST(test_enc_overflow)
{
    uint8_t buf[4];
    X64Buf b;
    x64_buf_init(&b, buf, buf + sizeof(buf));
    x64_mov_ri(&b, 8, X64_RAX, 0x123456789abcdefull);
    ck_assert(b.overflow);
    ck_assert(b.p <= b.end);
}
END_TEST

START_TEST(test_enc_nops)
{
    /* Every padding length decodes as nops only and covers exactly n bytes. */
    for (unsigned n = 1; n <= 20; n++) {
        uint8_t buf[32];
        X64Buf b;
        x64_buf_init(&b, buf, buf + sizeof(buf));
        x64_nop(&b, n);
        ck_assert_uint_eq(x64_offset(&b), n);
        csh cs;
        cs_insn *insn;
        ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
        size_t cnt = cs_disasm(cs, buf, n, 0, 0, &insn);
        size_t total = 0;
        for (size_t i = 0; i < cnt; i++) {
            ck_assert_str_eq(insn[i].mnemonic, "nop");
            total += insn[i].size;
        }
        ck_assert_uint_eq(total, n);
        if (cnt > 0) {
            cs_free(insn, cnt);
        }
        cs_close(&cs);
    }
}
END_TEST

Suite *x64_emit_suite(void)
{
    Suite *s = suite_create("x64_emit");
    TCase *tc = tcase_create("encodings");
    tcase_add_loop_test(tc, test_enc_case, 0, G_N_ELEMENTS(enc_cases));
    tcase_add_test(tc, test_enc_sign_mask);
    tcase_add_test(tc, test_enc_branches);
    tcase_add_test(tc, test_enc_overflow);
    tcase_add_test(tc, test_enc_nops);
    suite_add_tcase(s, tc);
    return s;
}
