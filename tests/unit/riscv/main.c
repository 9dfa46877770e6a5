/* Runs every RISC-V frontend suite: disassembler, lifter, FPU, illegal encodings, privileged architecture. */
#include <check.h>
#include <stdlib.h>

Suite *riscv_disas_suite(void);
Suite *riscv_lift_suite(void);
Suite *riscv_fpu_suite(void);
Suite *riscv_illegal_suite(void);
Suite *riscv_priv_csr_suite(void);
Suite *riscv_priv_trap_suite(void);
Suite *riscv_priv_mmu_suite(void);
Suite *riscv_priv_pmp_suite(void);
Suite *riscv_priv_lift_suite(void);
Suite *riscv_priv_disas_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(riscv_disas_suite());
    int failed;

    srunner_add_suite(sr, riscv_lift_suite());
    srunner_add_suite(sr, riscv_fpu_suite());
    srunner_add_suite(sr, riscv_illegal_suite());
    srunner_add_suite(sr, riscv_priv_csr_suite());
    srunner_add_suite(sr, riscv_priv_trap_suite());
    srunner_add_suite(sr, riscv_priv_mmu_suite());
    srunner_add_suite(sr, riscv_priv_pmp_suite());
    srunner_add_suite(sr, riscv_priv_lift_suite());
    srunner_add_suite(sr, riscv_priv_disas_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
