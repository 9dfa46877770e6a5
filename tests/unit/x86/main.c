/* Runs every x86 frontend suite: instructions with expected values, decoder vs capstone, native differential (integer, SSE, x87). */
#include <check.h>
#include <stdlib.h>

Suite *x86_insn_suite(void);
Suite *x86_decode_suite(void);
Suite *x86_native_suite(void);
Suite *x86_native_fp_suite(void);
Suite *x86_fp_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(x86_insn_suite());
    int failed;

    srunner_add_suite(sr, x86_decode_suite());
    srunner_add_suite(sr, x86_native_suite());
    srunner_add_suite(sr, x86_native_fp_suite());
    srunner_add_suite(sr, x86_fp_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
