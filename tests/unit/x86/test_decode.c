/*
 * The decoder's lengths against capstone's (CS_ARCH_X86, CS_MODE_32/64): for every
 * map row (with ModRM, SIB and prefix variations) and for random byte strings,
 * whenever both accept an instruction they must agree on its length.
 */
#include <capstone/capstone.h>
#include <check.h>
#include <string.h>

#include "frontend/x86/internal.h"

typedef struct X86tDecCheck {
    csh cs;
    bool mode64;
    unsigned compared;
    GRand *rand;
} X86tDecCheck;

/*
 * One known disagreement is excused: in 64-bit mode a 66 prefix on a near branch
 * with a rel16/32 displacement (E8, E9, 0F 8x) is ignored by Intel processors (the
 * displacement stays 32-bit; SDM Vol. 2 2.2.1.2 and the JMP/CALL/Jcc entries) and this
 * decoder follows Intel, while capstone 4 follows AMD and reads a rel16.  Any other
 * mismatch fails and names the bytes.
 */
static void x86t_check_bytes(X86tDecCheck *c, const uint8_t *b, size_t n)
{
    X86Insn in;
    unsigned ours = x86_decode(b, n, c->mode64, 0x1000, &in);
    cs_insn *insn = NULL;

    if (ours == 0) {
        return;
    }
    if (c->mode64 && in.p66 && in.desc->fmt == X86_FMT_JZ) {
        return;
    }
    if (cs_disasm(c->cs, b, n, 0x1000, 1, &insn) != 1) {
        return;
    }
    if (insn->size != ours) {
        char hex[64] = "";

        for (unsigned i = 0; i < 15 && i < n; i++) {
            g_snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), "%02x", b[i]);
        }
        ck_abort_msg("mode %d: %s: ours %u, capstone %u (%s %s)", c->mode64 ? 64 : 32, hex, ours,
                     (unsigned)insn->size, insn->mnemonic, insn->op_str);
    }
    c->compared++;
    cs_free(insn, 1);
}

static void x86t_row(const X86OpDesc *d, X86Map map, unsigned op, int reg, void *opaque)
{
    X86tDecCheck *c = opaque;
    /* Plain, then the SSE mandatory prefixes with and without REX.W. */
    static const uint8_t prefixes[][2] = { { 0 }, { 0x66 }, { 0x67 }, { 0x48 }, { 0x41 }, { 0xf3 }, { 0x64 },
                                           { 0xf2 }, { 0x66, 0x48 }, { 0xf3, 0x4c }, { 0xf2, 0x49 } };

    (void)d;
    for (unsigned p = 0; p < G_N_ELEMENTS(prefixes); p++) {
        for (unsigned t = 0; t < 24; t++) {
            uint8_t b[24];
            size_t i = 0;

            if (!c->mode64 && ((prefixes[p][0] & 0xf0) == 0x40 || (prefixes[p][1] & 0xf0) == 0x40)) {
                continue;
            }
            if (p >= 7 && map == X86_MAP_1) {
                break;          /* the SSE prefix forms are for the 0F maps */
            }
            for (unsigned k = 0; k < 2 && prefixes[p][k]; k++) {
                b[i++] = prefixes[p][k];
            }
            if (map != X86_MAP_1) {
                b[i++] = 0x0f;
                if (map == X86_MAP_0F38) {
                    b[i++] = 0x38;
                } else if (map == X86_MAP_0F3A) {
                    b[i++] = 0x3a;
                }
            }
            b[i++] = (uint8_t)op;
            /* ModRM: the group's reg, random mod/rm; then random bytes (SIB, displacement, immediates). */
            for (size_t j = i; j < sizeof(b); j++) {
                b[j] = (uint8_t)g_rand_int(c->rand);
            }
            if (reg >= 0) {
                b[i] = (uint8_t)((b[i] & 0xc7) | reg << 3);
            }
            x86t_check_bytes(c, b, sizeof(b));
        }
    }
}

static void x86t_decode_mode(bool mode64)
{
    X86tDecCheck c = { .mode64 = mode64, .rand = g_rand_new_with_seed(mode64 ? 64 : 32) };

    ck_assert_int_eq(cs_open(CS_ARCH_X86, mode64 ? CS_MODE_64 : CS_MODE_32, &c.cs), CS_ERR_OK);
    x86_for_each_row(x86t_row, &c);
    ck_assert_uint_gt(c.compared, 1000);
    /* Random byte strings, biased toward known opcodes by chance alone. */
    for (unsigned t = 0; t < 200000; t++) {
        uint8_t b[16];

        for (unsigned j = 0; j < sizeof(b); j++) {
            b[j] = (uint8_t)g_rand_int(c.rand);
        }
        x86t_check_bytes(&c, b, sizeof(b));
    }
    cs_close(&c.cs);
    g_rand_free(c.rand);
}

START_TEST(test_decode_vs_capstone_64)
{
    x86t_decode_mode(true);
}
END_TEST

START_TEST(test_decode_vs_capstone_32)
{
    x86t_decode_mode(false);
}
END_TEST

/* Fields of a few encodings (SDM Vol. 2 2.1.5, 2.2.1). */
START_TEST(test_decode_fields)
{
    X86Insn in;
    /* mov r9, [rip + 0x10] : 4c 8b 0d 10 00 00 00 */
    static const uint8_t a[] = { 0x4c, 0x8b, 0x0d, 0x10, 0, 0, 0 };
    /* lea eax, [rbx + r12*4 + 8] : 42 8d 44 a3 08 */
    static const uint8_t b[] = { 0x42, 0x8d, 0x44, 0xa3, 0x08 };
    /* 66 prefix then REX.W: operand size 64 */
    static const uint8_t c[] = { 0x66, 0x48, 0x01, 0xc0 };
    /* REX followed by a legacy prefix is ignored: 48 66 01 c0 is add ax, ax */
    static const uint8_t d[] = { 0x48, 0x66, 0x01, 0xc0 };

    ck_assert_uint_eq(x86_decode(a, sizeof(a), true, 0, &in), 7);
    ck_assert(in.rip_rel);
    ck_assert_int_eq(in.reg, 9);
    ck_assert_int_eq(in.disp, 0x10);
    ck_assert_uint_eq(x86_decode(b, sizeof(b), true, 0, &in), 5);
    ck_assert_int_eq(in.base, 3);
    ck_assert_int_eq(in.index, 12);
    ck_assert_int_eq(in.scale, 2);
    ck_assert_int_eq(in.opsz, 4);
    ck_assert_uint_eq(x86_decode(c, sizeof(c), true, 0, &in), 4);
    ck_assert_int_eq(in.opsz, 8);
    ck_assert_uint_eq(x86_decode(d, sizeof(d), true, 0, &in), 4);
    ck_assert_int_eq(in.opsz, 2);
    /* 32-bit mode: 0x40 is inc eax, and mod 0 rm 5 is an absolute disp32 */
    ck_assert_uint_eq(x86_decode((const uint8_t *)"\x40", 1, false, 0, &in), 1);
    ck_assert_uint_eq(x86_decode(a + 1, 6, false, 0, &in), 6);
    ck_assert(!in.rip_rel);
}
END_TEST

/* objdump's AT&T text (binutils, default syntax) for a few encodings. */
static const struct {
    bool mode64;
    uint8_t len;
    uint8_t bytes[8];
    const char *text;
} x86t_disas_cases[] = {
    { true, 3, { 0x48, 0x01, 0xd8 }, "add %rbx,%rax" },
    { true, 6, { 0xc7, 0x00, 1, 0, 0, 0 }, "movl $0x1,(%rax)" },
    { true, 7, { 0x48, 0x8b, 0x05, 0x10, 0, 0, 0 }, "mov 0x10(%rip),%rax" },
    { true, 3, { 0x0f, 0xb6, 0xc0 }, "movzbl %al,%eax" },
    { true, 4, { 0x48, 0x0f, 0xbe, 0x00 }, "movsbq (%rax),%rax" },
    { true, 1, { 0xc3 }, "ret" },
    { true, 2, { 0xff, 0xd0 }, "call *%rax" },
    { true, 3, { 0x83, 0xc0, 0x01 }, "add $0x1,%eax" },
    { true, 2, { 0xd3, 0xe0 }, "shl %cl,%eax" },
    { true, 1, { 0x98 }, "cwtl" },
    { false, 1, { 0x50 }, "push %eax" },
    { false, 2, { 0xcd, 0x80 }, "int $0x80" },
};

START_TEST(test_disas)
{
    char buf[128];
    const GuestArch *arch = x86t_disas_cases[_i].mode64 ? &x86_64_arch : &i386_arch;

    ck_assert_uint_eq(arch->disas(0x1000, x86t_disas_cases[_i].bytes, x86t_disas_cases[_i].len, buf, sizeof(buf)),
                      x86t_disas_cases[_i].len);
    ck_assert_str_eq(buf, x86t_disas_cases[_i].text);
}
END_TEST

Suite *x86_decode_suite(void)
{
    Suite *s = suite_create("x86_decode");
    TCase *tc = tcase_create("decode");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_decode_fields);
    tcase_add_test(tc, test_decode_vs_capstone_64);
    tcase_add_test(tc, test_decode_vs_capstone_32);
    tcase_add_loop_test(tc, test_disas, 0, G_N_ELEMENTS(x86t_disas_cases));
    suite_add_tcase(s, tc);
    return s;
}
