/* Board unit tests: one Check runner for every suite of the part. */
#include <check.h>
#include <stdlib.h>

Suite *boards_board_suite(void);
Suite *boards_fdt_suite(void);
Suite *boards_loader_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(boards_board_suite());
    srunner_add_suite(sr, boards_fdt_suite());
    srunner_add_suite(sr, boards_loader_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
