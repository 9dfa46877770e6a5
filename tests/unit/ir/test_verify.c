/* The verifier accepts well-formed blocks and names the first problem in bad ones. */
#include <check.h>
#include <string.h>

#include "ir/ir.h"

static const struct {
    const char *text;
    const char *complaint;      /* substring of the error; NULL = must verify */
} verify_cases[] = {
    { "t1 = const.i64 1\ngoto_ptr.i64 t1\n", NULL },
    { "t1 = add.i64 t2, t2\ngoto_block.i64 0x10, 0\n", "before it is defined" },
    { "t1 = const.i64 1\n", "does not end with an exit" },
    { "goto_block.i64 0x10, 0\nt1 = const.i64 1\ngoto_ptr.i64 t1\n", "unreachable" },
    { "t1 = const.i32 1\nt2 = const.i64 1\nt3 = add.i64 t1, t2\ngoto_ptr.i64 t3\n", "wrong type" },
    { "t1 = const.i64 1\nt2 = load.i32 t1, u64le\ngoto_ptr.i64 t1\n", "wider than its type" },
    { "t1 = const.i64 1\nbrcond.i64 t1, t1, eq, L0\ngoto_block.i64 0x10, 0\n", "never placed" },
    { "t1 = const.i64 1\nt2 = extract.i64 t1, 60, 8\ngoto_ptr.i64 t2\n", "out of range" },
    { "t1 = const.i32 1\nt2 = exts32.i64 t1\nt3 = trunc.i32 t2\nt4 = extu32.i64 t3\ngoto_ptr.i64 t4\n", NULL },
    { "label.i64 L0\nlabel.i64 L0\ngoto_block.i64 0x10, 0\n", "placed twice" },
};

START_TEST(test_verify_case)
{
    g_autoptr(GError) perr = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(IrBlock) blk = ir_parse(verify_cases[_i].text, &perr);
    bool ok;

    ck_assert_msg(blk != NULL, "parse: %s", perr ? perr->message : "");
    ok = ir_verify(blk, &error);
    if (verify_cases[_i].complaint == NULL) {
        ck_assert_msg(ok, "rejected: %s", error ? error->message : "");
    } else {
        ck_assert_msg(!ok, "accepted case %d", _i);
        ck_assert_msg(strstr(error->message, verify_cases[_i].complaint) != NULL, "message: %s",
                      error->message);
    }
}
END_TEST

Suite *ir_verify_suite(void)
{
    Suite *s = suite_create("ir_verify");
    TCase *tc = tcase_create("cases");

    tcase_add_loop_test(tc, test_verify_case, 0, G_N_ELEMENTS(verify_cases));
    suite_add_tcase(s, tc);
    return s;
}
