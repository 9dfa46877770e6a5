/* Unit tests of the exec layer: the block cache shared by several threads. */
#include <check.h>
#include <stdlib.h>

Suite *exec_threads_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(exec_threads_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
