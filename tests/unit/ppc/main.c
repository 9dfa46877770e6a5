/* Runs every PowerPC frontend suite: integer, memory, branches, FP, decoder/disassembler. */
#include <check.h>
#include <stdlib.h>

Suite *ppc_int_suite(void);
Suite *ppc_mem_suite(void);
Suite *ppc_branch_suite(void);
Suite *ppc_fp_suite(void);
Suite *ppc_decode_suite(void);
Suite *ppc_qemu_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(ppc_int_suite());
    int failed;

    srunner_add_suite(sr, ppc_mem_suite());
    srunner_add_suite(sr, ppc_branch_suite());
    srunner_add_suite(sr, ppc_fp_suite());
    srunner_add_suite(sr, ppc_decode_suite());
    srunner_add_suite(sr, ppc_qemu_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
