/*
 * Constant folding: each case is a block before and its expected text after
 * ir_opt_fold() + ir_opt_dce() + ir_opt_compact().  Expected values are worked
 * out by hand from the op definitions in ir_ops.def.
 */
#include <check.h>

#include "ir/ir.h"

static const struct {
    const char *before;
    const char *after;
} fold_cases[] = {
    /* add x, 0 -> x */
    { "t1 = get.i64 0x50\nt2 = const.i64 0\nt3 = add.i64 t1, t2\nset.i64 t3, 0x58\ngoto_block.i64 0x10, 0\n",
      "t1 = get.i64 0x50\nt3 = mov.i64 t1\nset.i64 t3, 0x58\ngoto_block.i64 0x10, 0\n" },
    /* 32-bit wrap: 0x7fffffff + 1 = 0x80000000, then sign extension */
    { "t1 = const.i32 0x7fffffff\nt2 = const.i32 1\nt3 = add.i32 t1, t2\nt4 = exts32.i64 t3\n"
      "set.i64 t4, 0x58\ngoto_block.i64 0x10, 0\n",
      "t4 = const.i64 0xffffffff80000000\nset.i64 t4, 0x58\ngoto_block.i64 0x10, 0\n" },
    /* division by zero follows the total semantics: divu -> all ones, rems -> dividend */
    { "t1 = const.i64 7\nt2 = const.i64 0\nt3 = divu.i64 t1, t2\nt4 = rems.i64 t1, t2\nset.i64 t3, 0x58\n"
      "set.i64 t4, 0x60\ngoto_block.i64 0x10, 0\n",
      "t3 = const.i64 0xffffffffffffffff\nt4 = const.i64 7\nset.i64 t3, 0x58\nset.i64 t4, 0x60\n"
      "goto_block.i64 0x10, 0\n" },
    /* INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0 (i32) */
    { "t1 = const.i32 0x80000000\nt2 = const.i32 0xffffffff\nt3 = divs.i32 t1, t2\nt4 = rems.i32 t1, t2\n"
      "set.i32 t3, 0x58\nset.i32 t4, 0x60\ngoto_block.i64 0x10, 0\n",
      "t3 = const.i32 0x80000000\nt4 = const.i32 0\nset.i32 t3, 0x58\nset.i32 t4, 0x60\ngoto_block.i64 0x10, 0\n" },
    /* x ^ x = 0, x & 0 = 0 */
    { "t1 = get.i64 0x50\nt2 = xor.i64 t1, t1\nset.i64 t2, 0x58\ngoto_block.i64 0x10, 0\n",
      "t2 = const.i64 0\nset.i64 t2, 0x58\ngoto_block.i64 0x10, 0\n" },
    /* constant moved to the right of a commutative op */
    { "t1 = get.i64 0x50\nt2 = const.i64 5\nt3 = add.i64 t2, t1\nset.i64 t3, 0x58\ngoto_block.i64 0x10, 0\n",
      "t1 = get.i64 0x50\nt2 = const.i64 5\nt3 = add.i64 t1, t2\nset.i64 t3, 0x58\ngoto_block.i64 0x10, 0\n" },
    /* a constant branch becomes br */
    { "t1 = const.i64 3\nt2 = const.i64 4\nbrcond.i64 t1, t2, lt, L0\ngoto_block.i64 0x10, 0\nlabel.i64 L0\n"
      "goto_block.i64 0x20, 1\n",
      "br.i64 L0\ngoto_block.i64 0x10, 0\nlabel.i64 L0\ngoto_block.i64 0x20, 1\n" },
    /* shifts count modulo the width; sar keeps the sign */
    { "t1 = const.i32 0x80000000\nt2 = const.i32 33\nt3 = sar.i32 t1, t2\nset.i32 t3, 0x58\ngoto_block.i64 0x10, 0\n",
      "t3 = const.i32 0xc0000000\nset.i32 t3, 0x58\ngoto_block.i64 0x10, 0\n" },
    /* mulhu of 2^63 * 4 = 2 in the high half; mulhsu(-1, 2) = -1 */
    { "t1 = const.i64 0x8000000000000000\nt2 = const.i64 4\nt3 = mulhu.i64 t1, t2\nt4 = const.i64 -1\n"
      "t5 = const.i64 2\nt6 = mulhsu.i64 t4, t5\nset.i64 t3, 0x58\nset.i64 t6, 0x60\ngoto_block.i64 0x10, 0\n",
      "t3 = const.i64 2\nt6 = const.i64 0xffffffffffffffff\nset.i64 t3, 0x58\nset.i64 t6, 0x60\n"
      "goto_block.i64 0x10, 0\n" },
    /* deposit / extract / bswap / clz of zero */
    { "t1 = const.i64 0x1122334455667788\nt2 = const.i64 0xff\nt3 = deposit.i64 t1, t2, 8, 8\n"
      "t4 = extract.i64 t3, 4, 12\nt5 = bswap.i64 t1, 32\nt6 = const.i32 0\nt7 = clz.i32 t6\n"
      "set.i64 t4, 0x58\nset.i64 t5, 0x60\nset.i32 t7, 0x68\ngoto_block.i64 0x10, 0\n",
      "t4 = const.i64 0xff8\nt5 = const.i64 0x88776655\nt7 = const.i32 0x20\nset.i64 t4, 0x58\n"
      "set.i64 t5, 0x60\nset.i32 t7, 0x68\ngoto_block.i64 0x10, 0\n" },
    /* x << 13 | x >> 51 is rotl x, 13 (the shifts die); also with the halves swapped, in i32 */
    { "t1 = get.i64 0x50\nt2 = const.i64 13\nt3 = shl.i64 t1, t2\nt4 = const.i64 51\nt5 = shr.i64 t1, t4\n"
      "t6 = or.i64 t3, t5\nset.i64 t6, 0x58\ngoto_block.i64 0x10, 0\n",
      "t1 = get.i64 0x50\nt2 = const.i64 0xd\nt6 = rotl.i64 t1, t2\nset.i64 t6, 0x58\ngoto_block.i64 0x10, 0\n" },
    { "t1 = get.i32 0x50\nt2 = const.i32 7\nt3 = shl.i32 t1, t2\nt4 = const.i32 25\nt5 = shr.i32 t1, t4\n"
      "t6 = xor.i32 t5, t3\nset.i32 t6, 0x58\ngoto_block.i64 0x10, 0\n",
      "t1 = get.i32 0x50\nt2 = const.i32 7\nt6 = rotl.i32 t1, t2\nset.i32 t6, 0x58\ngoto_block.i64 0x10, 0\n" },
    /* counts not adding up to the width, or different sources: no rotate */
    { "t1 = get.i64 0x50\nt2 = const.i64 13\nt3 = shl.i64 t1, t2\nt4 = const.i64 50\nt5 = shr.i64 t1, t4\n"
      "t6 = or.i64 t3, t5\nset.i64 t6, 0x58\ngoto_block.i64 0x10, 0\n",
      "t1 = get.i64 0x50\nt2 = const.i64 0xd\nt3 = shl.i64 t1, t2\nt4 = const.i64 0x32\nt5 = shr.i64 t1, t4\n"
      "t6 = or.i64 t3, t5\nset.i64 t6, 0x58\ngoto_block.i64 0x10, 0\n" },
    /* (x + 1) + -1 is x: the post-increment pointer read at offset -1 */
    { "t1 = get.i64 0x50\nt2 = const.i64 1\nt3 = add.i64 t1, t2\nt4 = const.i64 -1\nt5 = add.i64 t3, t4\n"
      "set.i64 t3, 0x50\nset.i64 t5, 0x58\ngoto_block.i64 0x10, 0\n",
      "t1 = get.i64 0x50\nt2 = const.i64 1\nt3 = add.i64 t1, t2\nt5 = mov.i64 t1\n"
      "set.i64 t3, 0x50\nset.i64 t5, 0x58\ngoto_block.i64 0x10, 0\n" },
    /* multi-def temps are never treated as constants */
    { "t1 = const.i64 1\nt1 = const.i64 2\nt2 = const.i64 1\nt3 = add.i64 t1, t2\nset.i64 t3, 0x58\n"
      "goto_block.i64 0x10, 0\n",
      "t1 = const.i64 1\nt1 = const.i64 2\nt2 = const.i64 1\nt3 = add.i64 t1, t2\nset.i64 t3, 0x58\n"
      "goto_block.i64 0x10, 0\n" },
};

START_TEST(test_fold_case)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(IrBlock) blk = ir_parse(fold_cases[_i].before, &error);

    ck_assert_msg(blk != NULL, "parse: %s", error ? error->message : "");
    ck_assert(ir_verify(blk, NULL));
    ir_opt_fold(blk);
    ir_opt_dce(blk);
    ir_opt_compact(blk);
    ck_assert(ir_verify(blk, NULL));
    g_autofree char *text = ir_block_text(blk);
    ck_assert_str_eq(text, fold_cases[_i].after);
}
END_TEST

Suite *ir_fold_suite(void)
{
    Suite *s = suite_create("ir_fold");
    TCase *tc = tcase_create("cases");

    tcase_add_loop_test(tc, test_fold_case, 0, G_N_ELEMENTS(fold_cases));
    suite_add_tcase(s, tc);
    return s;
}
