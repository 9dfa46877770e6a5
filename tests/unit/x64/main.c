/* Runs every x86-64 backend suite: the encoder and the JIT against the interpreter. */
#include <check.h>
#include <stdlib.h>

Suite *x64_emit_suite(void);
Suite *x64_jit_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(x64_emit_suite());
    int failed;

    srunner_add_suite(sr, x64_jit_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
