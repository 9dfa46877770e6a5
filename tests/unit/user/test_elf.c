/*
 * ELF loader against crafted files.  Field offsets and constants come from the
 * ELF specification (<elf.h>); the expected messages are the ones user.h promises.
 */
#include <check.h>
#include <elf.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/linux-user/user_internal.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

static UserMem mem;

static void elf_setup(void)
{
    GError *error = NULL;
    ck_assert_msg(user_mem_init(&mem, user_abi_riscv64.addr_bits, &error), "reserve");
    mem.mmap_min = user_abi_riscv64.mmap_min;
    mem.mmap_top = user_abi_riscv64.mmap_top;
}

static void elf_teardown(void)
{
    user_mem_fini(&mem);
}

/* A minimal ELF64 little-endian executable with one PT_LOAD (R+X) of 0x100 file bytes. */
typedef struct TestElf {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[2];
    uint8_t body[0x100];
} TestElf;

static void make_elf(TestElf *f, uint16_t type, uint64_t vaddr)
{
    memset(f, 0, sizeof(*f));
    memcpy(f->eh.e_ident, ELFMAG, SELFMAG);
    f->eh.e_ident[EI_CLASS] = ELFCLASS64;
    f->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    f->eh.e_ident[EI_VERSION] = EV_CURRENT;
    f->eh.e_type = type;
    f->eh.e_machine = EM_RISCV;
    f->eh.e_version = EV_CURRENT;
    f->eh.e_entry = vaddr + 0x80;
    f->eh.e_phoff = offsetof(TestElf, ph);
    f->eh.e_ehsize = sizeof(Elf64_Ehdr);
    f->eh.e_phentsize = sizeof(Elf64_Phdr);
    f->eh.e_phnum = 2;
    /* Segment 0 maps the whole file (headers included) at vaddr, plus 0x2000 of bss. */
    f->ph[0].p_type = PT_LOAD;
    f->ph[0].p_flags = PF_R | PF_X;
    f->ph[0].p_offset = 0;
    f->ph[0].p_vaddr = vaddr;
    f->ph[0].p_filesz = sizeof(TestElf);
    f->ph[0].p_memsz = sizeof(TestElf) + 0x2000;
    f->ph[0].p_align = 0x1000;
    f->ph[1].p_type = PT_NOTE;
    for (unsigned i = 0; i < sizeof(f->body); i++) {
        f->body[i] = i ^ 0x5a;
    }
}

static void expect_error(const void *data, size_t len, const char *needle)
{
    GError *error = NULL;
    UserElfImage img;
    guint before = mem.vmas->len;
    ck_assert(!user_elf_load(&mem, &user_abi_riscv64, "t", data, len, false, &img, &error));
    ck_assert_ptr_nonnull(error);
    ck_assert_msg(strstr(error->message, needle) != NULL, "'%s' lacks '%s'", error->message, needle);
    ck_assert_msg(strchr(error->message, '\n') == NULL, "one line");
    g_error_free(error);
    ck_assert_uint_eq(mem.vmas->len, before);     /* nothing mapped on failure */
}

START_TEST(test_not_elf)
{
    expect_error("#!/bin/sh\necho hi\n", 19, "'t': not an ELF file");
}
END_TEST

START_TEST(test_truncated_header)
{
    TestElf f;
    make_elf(&f, ET_EXEC, 0x10000);
    expect_error(&f, 40, "'t': truncated ELF");
}
END_TEST

START_TEST(test_truncated_phdrs)
{
    TestElf f;
    make_elf(&f, ET_EXEC, 0x10000);
    /* The header is whole but the second program header is cut. */
    expect_error(&f, offsetof(TestElf, ph) + sizeof(Elf64_Phdr) + 10, "truncated ELF");
}
END_TEST

START_TEST(test_wrong_machine)
{
    TestElf f;
    make_elf(&f, ET_EXEC, 0x10000);
    f.eh.e_machine = EM_PPC;
    expect_error(&f, sizeof(f), "(machine 20)");
    uint16_t machine = 0;
    unsigned cls = 0;
    ck_assert(user_elf_identify("t", (const uint8_t *)&f, sizeof(f), &machine, &cls, NULL));
    ck_assert_uint_eq(machine, 20);
    ck_assert_uint_eq(cls, ELFCLASS64);
}
END_TEST

START_TEST(test_wrong_class)
{
    TestElf f;
    make_elf(&f, ET_EXEC, 0x10000);
    f.eh.e_ident[EI_CLASS] = ELFCLASS32;
    expect_error(&f, sizeof(f), "32-bit ELF");
}
END_TEST

START_TEST(test_load_beyond_file)
{
    TestElf f;
    make_elf(&f, ET_EXEC, 0x10000);
    f.ph[0].p_offset = 0x40;
    f.ph[0].p_filesz = sizeof(f);       /* 0x40 + size > file */
    expect_error(&f, sizeof(f), "beyond the end of the file");
}
END_TEST

START_TEST(test_bad_sizes)
{
    TestElf f;
    make_elf(&f, ET_EXEC, 0x10000);
    f.ph[0].p_memsz = 0x10;             /* filesz > memsz */
    expect_error(&f, sizeof(f), "bad size");
    make_elf(&f, ET_EXEC, 0x10000);
    f.ph[0].p_vaddr = (uint64_t)1 << 40;    /* outside the 2^38 guest range */
    expect_error(&f, sizeof(f), "bad size or address");
    make_elf(&f, ET_EXEC, 0x10000);
    f.eh.e_phentsize = 32;
    expect_error(&f, sizeof(f), "bad program header table");
}
END_TEST

START_TEST(test_load_exec)
{
    TestElf f;
    GError *error = NULL;
    UserElfImage img;
    make_elf(&f, ET_EXEC, 0x10000);
    ck_assert(user_elf_load(&mem, &user_abi_riscv64, "t", (const uint8_t *)&f, sizeof(f), false,
                            &img, &error));
    ck_assert_uint_eq(img.load_bias, 0);
    ck_assert_uint_eq(img.entry, 0x10080);
    ck_assert_uint_eq(img.phdr, 0x10000 + sizeof(Elf64_Ehdr));
    ck_assert_uint_eq(img.phnum, 2);
    ck_assert_uint_eq(img.phent, sizeof(Elf64_Phdr));
    ck_assert_uint_eq(img.end, 0x10000 + sizeof(TestElf) + 0x2000);
    ck_assert_ptr_null(img.interp);
    /* File bytes copied, bss zero, prot R+X over the whole span. */
    ck_assert(memcmp(user_g2h(&mem, 0x10000), &f, sizeof(f)) == 0);
    ck_assert_uint_eq(*(uint8_t *)user_g2h(&mem, 0x10000 + sizeof(f) + 0x100), 0);
    const UserVma *v = user_mem_find(&mem, 0x10000);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->prot, PROT_READ | PROT_EXEC);
    ck_assert_uint_eq(v->end, USER_PAGE_ALIGN(img.end));
    ck_assert(!user_mem_check(&mem, 0x10000, 4, PROT_WRITE));
}
END_TEST

START_TEST(test_load_dyn_and_interp)
{
    TestElf f;
    GError *error = NULL;
    UserElfImage img, interp;
    make_elf(&f, ET_DYN, 0);
    ck_assert(user_elf_load(&mem, &user_abi_riscv64, "t", (const uint8_t *)&f, sizeof(f), false,
                            &img, &error));
    /* ELF_ET_DYN_BASE for sv39: 2/3 of 2^38, page aligned. */
    ck_assert_uint_eq(img.load_bias, 0x2aaaaaa000);
    ck_assert_uint_eq(img.entry, 0x2aaaaaa080);
    ck_assert(user_elf_load(&mem, &user_abi_riscv64, "i", (const uint8_t *)&f, sizeof(f), true,
                            &interp, &error));
    ck_assert_uint_ne(interp.load_bias, img.load_bias);
    ck_assert_uint_lt(interp.load_bias, user_abi_riscv64.mmap_top);
    ck_assert_uint_eq(interp.load_bias & 0xfff, 0);
}
END_TEST

START_TEST(test_interp_path)
{
    /* PT_INTERP replaces the note: the path is kept for the loader to find. */
    struct {
        TestElf f;
        char path[48];
    } g;
    GError *error = NULL;
    UserElfImage img;
    make_elf(&g.f, ET_DYN, 0);
    strcpy(g.path, "/lib/ld-linux-riscv64-lp64d.so.1");
    g.f.ph[1].p_type = PT_INTERP;
    g.f.ph[1].p_offset = offsetof(typeof(g), path);
    g.f.ph[1].p_filesz = strlen(g.path) + 1;
    ck_assert(user_elf_load(&mem, &user_abi_riscv64, "t", (const uint8_t *)&g, sizeof(g), false,
                            &img, &error));
    ck_assert_str_eq(img.interp, "/lib/ld-linux-riscv64-lp64d.so.1");
    g_free(img.interp);
    /* Not NUL-terminated inside the file. */
    g.f.ph[1].p_filesz = 4;
    expect_error(&g, sizeof(g), "bad PT_INTERP");
}
END_TEST

Suite *user_elf_suite(void)
{
    Suite *s = suite_create("user_elf");
    TCase *tc = tcase_create("load");
    tcase_add_checked_fixture(tc, elf_setup, elf_teardown);
    tcase_add_test(tc, test_not_elf);
    tcase_add_test(tc, test_truncated_header);
    tcase_add_test(tc, test_truncated_phdrs);
    tcase_add_test(tc, test_wrong_machine);
    tcase_add_test(tc, test_wrong_class);
    tcase_add_test(tc, test_load_beyond_file);
    tcase_add_test(tc, test_bad_sizes);
    tcase_add_test(tc, test_load_exec);
    tcase_add_test(tc, test_load_dyn_and_interp);
    tcase_add_test(tc, test_interp_path);
    suite_add_tcase(s, tc);
    return s;
}
