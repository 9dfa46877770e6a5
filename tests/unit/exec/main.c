/* Unit tests of the exec layer: the block cache shared by several threads, tiered translation, host FP flags kept from the guest. */
#include <check.h>
#include <stdlib.h>

Suite *exec_threads_suite(void);
Suite *exec_tier_suite(void);
Suite *exec_host_fp_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(exec_threads_suite());
    srunner_add_suite(sr, exec_tier_suite());
    srunner_add_suite(sr, exec_host_fp_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
