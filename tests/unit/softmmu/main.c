/* softmmu unit tests: one Check runner for every suite of the part. */
#include <check.h>
#include <stdlib.h>

Suite *softmmu_memory_suite(void);
Suite *softmmu_tlb_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(softmmu_memory_suite());
    srunner_add_suite(sr, softmmu_tlb_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
