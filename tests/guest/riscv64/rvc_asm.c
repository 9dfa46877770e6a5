/*
 * rvc_asm.c - drives rvc_asm.S: every RV64C instruction with explicit c.* mnemonics, checked
 * against the expansion the manual gives for it (chapter 16: e.g. c.addiw rd, imm is
 * addiw rd, rd, imm; c.lui's 6-bit immediate is sign-extended into bits 17:12).
 */
#include "guest_check.h"

#define DECL1(n) uint64_t n(uint64_t)
#define DECL2(n) uint64_t n(uint64_t, uint64_t)
DECL1(c_addi_m5); DECL1(c_addi_31); DECL1(c_addiw_1); DECL1(c_addiw_0);
DECL1(c_li_m32); DECL1(c_li_31); DECL1(c_lui_31); DECL1(c_lui_neg);
DECL1(c_addi16sp_delta); DECL1(c_addi4spn_delta);
DECL1(c_srli_63); DECL1(c_srai_4); DECL1(c_slli_40); DECL1(c_andi_m16); DECL1(c_andi_15);
DECL2(c_sub); DECL2(c_xor); DECL2(c_or); DECL2(c_and); DECL2(c_subw); DECL2(c_addw);
DECL2(c_add); DECL2(c_nop_mv);
void c_mem(uint64_t *buf);
void c_stack(uint64_t *buf);
uint64_t c_branches(uint64_t x);
uint64_t c_call(uint64_t (*fn)(uint64_t), uint64_t x);
int64_t c_jalr_link(void);

static uint64_t square(uint64_t x)
{
    return x * x;
}

int main(void)
{
    gc_group("c_immediates");
    CHECK_EQ(c_addi_m5(3), (uint64_t)-2);
    CHECK_EQ(c_addi_31(0xffffffffffffffe1ull), 0);
    CHECK_EQ(c_addiw_1(0x7fffffff), 0xffffffff80000000ull);
    CHECK_EQ(c_addiw_0(0x12345678ffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(c_li_m32(0), (uint64_t)-32);
    CHECK_EQ(c_li_31(0), 31);
    CHECK_EQ(c_lui_31(0), 31 << 12);
    CHECK_EQ(c_lui_neg(0), 0xfffffffffffe0000ull);
    CHECK_EQ(c_addi16sp_delta(0), 64);
    CHECK_EQ(c_addi4spn_delta(0), 1020);

    gc_group("c_shifts_logic");
    CHECK_EQ(c_srli_63(0x8000000000000000ull), 1);
    CHECK_EQ(c_srai_4(0x8000000000000000ull), 0xf800000000000000ull);
    CHECK_EQ(c_slli_40(0x1ff), 0x1ff0000000000ull);
    CHECK_EQ(c_andi_m16(0x123456789abcdefull), 0x123456789abcde0ull);
    CHECK_EQ(c_andi_15(0x123456789abcdefull), 0xf);
    CHECK_EQ(c_sub(10, 20), (uint64_t)-10);
    CHECK_EQ(c_xor(0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull), 0xf0f0f0f0f0f0f0f0ull);
    CHECK_EQ(c_or(0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull), 0xfff0fff0fff0fff0ull);
    CHECK_EQ(c_and(0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull), 0x0f000f000f000f00ull);
    CHECK_EQ(c_subw(0x80000000, 1), 0x7fffffff);
    CHECK_EQ(c_subw(0, 1), 0xffffffffffffffffull);
    CHECK_EQ(c_addw(0x7fffffff, 1), 0xffffffff80000000ull);
    CHECK_EQ(c_add(0x7fffffffffffffffull, 1), 0x8000000000000000ull);
    CHECK_EQ(c_nop_mv(1, 0xabcdef), 0xabcdef);

    gc_group("c_loads_stores");
    static uint64_t buf[32];
    buf[0] = 0x400921fb80000001ull;
    buf[31] = 0x3131313131313131ull;
    c_mem(buf);
    CHECK_EQ(buf[1], 0x400921fb80000001ull);
    CHECK_EQ(buf[2], 0xffffffff80000001ull);
    CHECK_EQ(buf[3], 0x8000000100000000ull);
    CHECK_EQ(buf[4], 0x400921fb80000001ull);
    CHECK_EQ(buf[5], 0x3131313131313131ull);

    gc_group("c_stack_relative");
    static uint64_t sbuf[4];
    sbuf[0] = 0x11111111f2345678ull;
    __asm__ volatile("fmv.d.x fa0, %0" : : "r"(0xc00921fb54442d18ull) : "fa0");
    c_stack(sbuf);
    CHECK_EQ(sbuf[0], 0x11111111f2345678ull);
    CHECK_EQ(sbuf[1], 0x11111111f2345678ull);
    CHECK_EQ(sbuf[2], 0xfffffffff2345678ull);
    CHECK_EQ(sbuf[3], 0xc00921fb54442d18ull);

    gc_group("c_control");
    CHECK_EQ(c_branches(0), 1);
    CHECK_EQ(c_branches(7), 2);
    CHECK_EQ(c_branches(0x8000000000000000ull), 2);
    CHECK_EQ(c_call(square, 12), 145);
    CHECK_EQ(c_jalr_link(), 2);
    return gc_finish();
}
