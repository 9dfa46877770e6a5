/* linux-user unit tests: one Check runner for every suite of the part. */
#include <check.h>
#include <stdlib.h>

Suite *user_elf_suite(void);
Suite *user_stack_suite(void);
Suite *user_struct_suite(void);
Suite *user_vma_suite(void);
Suite *user_path_suite(void);
Suite *user_ppc32_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(user_elf_suite());
    srunner_add_suite(sr, user_stack_suite());
    srunner_add_suite(sr, user_struct_suite());
    srunner_add_suite(sr, user_vma_suite());
    srunner_add_suite(sr, user_path_suite());
    srunner_add_suite(sr, user_ppc32_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
