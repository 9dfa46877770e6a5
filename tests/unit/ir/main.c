/* Runs every IR suite: builder, verifier, printer/parser, passes, interpreter. */
#include <check.h>
#include <stdlib.h>

Suite *ir_build_suite(void);
Suite *ir_verify_suite(void);
Suite *ir_fold_suite(void);
Suite *ir_passes_suite(void);
Suite *ir_interp_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(ir_build_suite());
    int failed;

    srunner_add_suite(sr, ir_verify_suite());
    srunner_add_suite(sr, ir_fold_suite());
    srunner_add_suite(sr, ir_passes_suite());
    srunner_add_suite(sr, ir_interp_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
