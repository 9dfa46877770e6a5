/* Differential fuzz tests: random guest code must never crash the host, and engines must agree. */
#include <check.h>
#include <stdlib.h>

Suite *fuzz_engines_suite(void);
Suite *fuzz_ppc_suite(void);
Suite *fuzz_x86_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(fuzz_engines_suite());
    int failed;

    srunner_add_suite(sr, fuzz_ppc_suite());
    srunner_add_suite(sr, fuzz_x86_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
