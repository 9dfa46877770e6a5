/* Unit tests of the gdb stub's protocol core: framing and the command dispatcher. */
#include <check.h>
#include <stdlib.h>

Suite *gdbstub_packet_suite(void);
Suite *gdbstub_dispatch_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(gdbstub_packet_suite());
    int failed;

    srunner_add_suite(sr, gdbstub_dispatch_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
