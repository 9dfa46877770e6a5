/* Builder and printer/parser round trip. */
#include <check.h>

#include "ir/ir.h"

START_TEST(test_build_types)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    IrTemp a = ir_get(blk, IR_I64, 0x50);
    IrTemp b = ir_const_i32(blk, 7);
    IrTemp c = ir_exts32(blk, b);
    IrTemp d = ir_add(blk, a, c);
    IrTemp e = ir_trunc(blk, d);

    ck_assert_int_eq(ir_temp_type(blk, a), IR_I64);
    ck_assert_int_eq(ir_temp_type(blk, b), IR_I32);
    ck_assert_int_eq(ir_temp_type(blk, d), IR_I64);
    ck_assert_int_eq(ir_temp_type(blk, e), IR_I32);
    ck_assert_uint_eq(blk->n_insns, 5);
    ck_assert_int_eq(blk->insns[3].op, IR_OP_ADD);
}
END_TEST

START_TEST(test_print)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    IrTemp a = ir_get(blk, IR_I64, 0x50);
    IrTemp b = ir_const_i64(blk, 16);
    IrTemp c = ir_load(blk, IR_I64, IR_MEM_32 | IR_MEM_SIGN, ir_add(blk, a, b));
    uint32_t l = ir_label_new(blk);

    ir_insn_start(blk, 0x1000, 4);
    ir_brcond(blk, IR_COND_LTU, a, c, l);
    ir_goto_block(blk, 0x1004);
    ir_label(blk, l);
    ir_goto_ptr(blk, c);
    g_autofree char *text = ir_block_text(blk);
    ck_assert_str_eq(text,
                     "t1 = get.i64 0x50\n"
                     "t2 = const.i64 0x10\n"
                     "t3 = add.i64 t1, t2\n"
                     "t4 = load.i64 t3, s32le\n"
                     "insn_start.i64 0x1000, 4\n"
                     "brcond.i64 t1, t4, ltu, L0\n"
                     "goto_block.i64 0x1004, 0\n"
                     "label.i64 L0\n"
                     "goto_ptr.i64 t4\n");
}
END_TEST

START_TEST(test_parse_round_trip)
{
    const char *src =
        "t1 = get.i64 0x50\n"
        "t2 = const.i32 0xffffffff\n"
        "t3 = exts32.i64 t2\n"
        "t4 = select.i64 t1, t3, t1, t3, lt\n"
        "t5 = atomic_rmw.i64 t1, t4, u64le, umax\n"
        "store.i32 t1, t2, u16be\n"
        "set.i64 t5, 0x58\n"
        "raise.i64 t4, 2, 0\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(IrBlock) blk = ir_parse(src, &error);

    ck_assert_msg(blk != NULL, "%s", error ? error->message : "");
    ck_assert(ir_verify(blk, NULL));
    g_autofree char *text = ir_block_text(blk);
    ck_assert_str_eq(text, src);
}
END_TEST

START_TEST(test_parse_errors)
{
    const char *bad[] = {
        "t1 = frobnicate.i64 t0\n",
        "t1 = add t0, t0\n",
        "t1 = load.i64 t0, x32le\n",
        "brcond.i64 t1, t1, sometimes, L0\n",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(IrBlock) blk = ir_parse(bad[i], &error);
        ck_assert_msg(blk == NULL, "accepted: %s", bad[i]);
        ck_assert(error != NULL);
    }
}
END_TEST

Suite *ir_build_suite(void)
{
    Suite *s = suite_create("ir_build");
    TCase *tc = tcase_create("builder");

    tcase_add_test(tc, test_build_types);
    tcase_add_test(tc, test_print);
    tcase_add_test(tc, test_parse_round_trip);
    tcase_add_test(tc, test_parse_errors);
    suite_add_tcase(s, tc);
    return s;
}
