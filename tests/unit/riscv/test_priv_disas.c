/*
 * Privileged instructions and the system CSR names in the disassembler.  Expected
 * text: GNU objdump 2.40 (riscv64-linux-gnu-objdump -M no-aliases) on the same words,
 * tab after the mnemonic replaced by one space, as in test_disas.c.
 */
#include <check.h>

#include "frontend/riscv/internal.h"

typedef struct PrivDisasCase {
    uint32_t bits;
    const char *text;
} PrivDisasCase;

static const PrivDisasCase priv_disas_cases[] = {
    { 0x30200073u, "mret" },
    { 0x10200073u, "sret" },
    { 0x10500073u, "wfi" },
    { 0x12000073u, "sfence.vma zero,zero" },
    { 0x12050073u, "sfence.vma a0,zero" },
    { 0x12b50073u, "sfence.vma a0,a1" },
    { 0x30059573u, "csrrw a0,mstatus,a1" },
    { 0x30457073u, "csrrci zero,mie,10" },
    { 0x18005073u, "csrrwi zero,satp,0" },
    { 0x10002573u, "csrrs a0,sstatus,zero" },
    { 0x10402573u, "csrrs a0,sie,zero" },
    { 0x10502573u, "csrrs a0,stvec,zero" },
    { 0x10602573u, "csrrs a0,scounteren,zero" },
    { 0x10a02573u, "csrrs a0,senvcfg,zero" },
    { 0x14002573u, "csrrs a0,sscratch,zero" },
    { 0x14102573u, "csrrs a0,sepc,zero" },
    { 0x14202573u, "csrrs a0,scause,zero" },
    { 0x14302573u, "csrrs a0,stval,zero" },
    { 0x14402573u, "csrrs a0,sip,zero" },
    { 0x14d02573u, "csrrs a0,stimecmp,zero" },
    { 0x18002573u, "csrrs a0,satp,zero" },
    { 0x30002573u, "csrrs a0,mstatus,zero" },
    { 0x30102573u, "csrrs a0,misa,zero" },
    { 0x30202573u, "csrrs a0,medeleg,zero" },
    { 0x30302573u, "csrrs a0,mideleg,zero" },
    { 0x30402573u, "csrrs a0,mie,zero" },
    { 0x30502573u, "csrrs a0,mtvec,zero" },
    { 0x30602573u, "csrrs a0,mcounteren,zero" },
    { 0x30a02573u, "csrrs a0,menvcfg,zero" },
    { 0x32002573u, "csrrs a0,mcountinhibit,zero" },
    { 0x32302573u, "csrrs a0,mhpmevent3,zero" },
    { 0x33f02573u, "csrrs a0,mhpmevent31,zero" },
    { 0x34002573u, "csrrs a0,mscratch,zero" },
    { 0x34102573u, "csrrs a0,mepc,zero" },
    { 0x34202573u, "csrrs a0,mcause,zero" },
    { 0x34302573u, "csrrs a0,mtval,zero" },
    { 0x34402573u, "csrrs a0,mip,zero" },
    { 0x3a002573u, "csrrs a0,pmpcfg0,zero" },
    { 0x3a202573u, "csrrs a0,pmpcfg2,zero" },
    { 0x3b002573u, "csrrs a0,pmpaddr0,zero" },
    { 0x3bf02573u, "csrrs a0,pmpaddr15,zero" },
    { 0xb0002573u, "csrrs a0,mcycle,zero" },
    { 0xb0202573u, "csrrs a0,minstret,zero" },
    { 0xb0302573u, "csrrs a0,mhpmcounter3,zero" },
    { 0xb1f02573u, "csrrs a0,mhpmcounter31,zero" },
    { 0xc0302573u, "csrrs a0,hpmcounter3,zero" },
    { 0xc1f02573u, "csrrs a0,hpmcounter31,zero" },
    { 0xf1102573u, "csrrs a0,mvendorid,zero" },
    { 0xf1202573u, "csrrs a0,marchid,zero" },
    { 0xf1302573u, "csrrs a0,mimpid,zero" },
    { 0xf1402573u, "csrrs a0,mhartid,zero" },
    { 0xf1502573u, "csrrs a0,mconfigptr,zero" },
};

START_TEST(test_priv_disas)
{
    const PrivDisasCase *c = &priv_disas_cases[_i];
    uint8_t bytes[4] = { c->bits, c->bits >> 8, c->bits >> 16, c->bits >> 24 };
    char buf[96];

    ck_assert_uint_eq(rv64_arch.disas(0x1000, bytes, 4, buf, sizeof(buf)), 4);
    ck_assert_str_eq(buf, c->text);
}
END_TEST

/* Every CSR of the system CSR file prints by name, as objdump knows them all. */
START_TEST(test_priv_csr_names)
{
    for (unsigned csr = 0; csr < 4096; csr++) {
        bool exists;

        rv_csr_flags(csr, &exists);
        if (exists) {
            ck_assert_msg(rv_csr_name(csr) != NULL, "CSR 0x%03x has no name", csr);
        }
    }
}
END_TEST

Suite *riscv_priv_disas_suite(void)
{
    Suite *s = suite_create("riscv_priv_disas");
    TCase *tc = tcase_create("objdump");

    tcase_add_loop_test(tc, test_priv_disas, 0, G_N_ELEMENTS(priv_disas_cases));
    tcase_add_test(tc, test_priv_csr_names);
    suite_add_tcase(s, tc);
    return s;
}
