/* Device unit tests: one Check runner for every suite of the part. */
#include <check.h>
#include <stdlib.h>

Suite *devices_uart_suite(void);
Suite *devices_plic_suite(void);
Suite *devices_clint_suite(void);
Suite *devices_virtio_suite(void);
Suite *devices_misc_suite(void);
Suite *devices_chardev_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(devices_uart_suite());
    srunner_add_suite(sr, devices_plic_suite());
    srunner_add_suite(sr, devices_clint_suite());
    srunner_add_suite(sr, devices_virtio_suite());
    srunner_add_suite(sr, devices_misc_suite());
    srunner_add_suite(sr, devices_chardev_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
