/*
 * The initial stack, checked against the layout Linux's create_elf_tables()
 * documents: argc, argv[], NULL, envp[], NULL, auxv pairs ending in AT_NULL,
 * 16-byte aligned sp, strings above, AT_RANDOM pointing at the 16 given bytes.
 */
#include <check.h>
#include <elf.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/linux-user/user_internal.h"

static UserMem mem;

static void stack_setup(void)
{
    ck_assert(user_mem_init(&mem, user_abi_riscv64.addr_bits, NULL));
}

static void stack_teardown(void)
{
    user_mem_fini(&mem);
}

static uint64_t word(GuestAddr a)
{
    uint64_t v;
    memcpy(&v, user_g2h(&mem, a), 8);
    return v;
}

static const char *str(GuestAddr a)
{
    return (const char *)user_g2h(&mem, a);
}

START_TEST(test_stack_layout)
{
    char *argv[] = { "prog", "-x", "arg two", NULL };
    char *envp[] = { "A=1", "PATH=/bin", NULL };
    uint8_t rnd[16];
    for (int i = 0; i < 16; i++) {
        rnd[i] = 0xa0 + i;
    }
    UserElfImage exe = { .entry = 0x10078, .phdr = 0x10040, .phent = 56, .phnum = 9 };
    UserStackInfo info = {
        .exe = &exe, .interp_base = 0x3ff0000000, .execfn = "/tmp/prog", .random16 = rnd,
        .uid = 1000, .euid = 1001, .gid = 100, .egid = 101,
    };
    GError *error = NULL;
    GuestAddr sp = user_stack_setup(&mem, &user_abi_riscv64, 3, argv, envp, &info, &error);
    ck_assert_uint_ne(sp, 0);
    ck_assert_uint_eq(sp % 16, 0);
    ck_assert_uint_lt(sp, user_abi_riscv64.stack_top);
    ck_assert_uint_gt(sp, user_abi_riscv64.stack_top - 4096);
    const UserVma *v = user_mem_find(&mem, sp);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->prot, PROT_READ | PROT_WRITE);

    ck_assert_uint_eq(word(sp), 3);
    ck_assert_str_eq(str(word(sp + 8)), "prog");
    ck_assert_str_eq(str(word(sp + 16)), "-x");
    ck_assert_str_eq(str(word(sp + 24)), "arg two");
    ck_assert_uint_eq(word(sp + 32), 0);
    ck_assert_str_eq(str(word(sp + 40)), "A=1");
    ck_assert_str_eq(str(word(sp + 48)), "PATH=/bin");
    ck_assert_uint_eq(word(sp + 56), 0);
    /* Strings sit above the tables, argv before envp, in order. */
    ck_assert_uint_lt(word(sp + 8), word(sp + 16));
    ck_assert_uint_lt(word(sp + 24), word(sp + 40));

    uint64_t seen[64] = { 0 };
    bool have[64] = { false };
    GuestAddr a = sp + 64;
    for (;;) {
        uint64_t type = word(a), val = word(a + 8);
        a += 16;
        if (type == AT_NULL) {
            break;
        }
        ck_assert_uint_lt(type, 64);
        ck_assert_msg(!have[type], "auxv type %lu twice", (unsigned long)type);
        have[type] = true;
        seen[type] = val;
    }
    ck_assert_uint_eq(seen[AT_PAGESZ], 4096);
    ck_assert_uint_eq(seen[AT_PHDR], 0x10040);
    ck_assert_uint_eq(seen[AT_PHENT], 56);
    ck_assert_uint_eq(seen[AT_PHNUM], 9);
    ck_assert_uint_eq(seen[AT_BASE], 0x3ff0000000);
    ck_assert(have[AT_FLAGS] && seen[AT_FLAGS] == 0);
    ck_assert_uint_eq(seen[AT_ENTRY], 0x10078);
    ck_assert_uint_eq(seen[AT_UID], 1000);
    ck_assert_uint_eq(seen[AT_EUID], 1001);
    ck_assert_uint_eq(seen[AT_GID], 100);
    ck_assert_uint_eq(seen[AT_EGID], 101);
    ck_assert(have[AT_SECURE] && seen[AT_SECURE] == 0);
    ck_assert_uint_eq(seen[AT_CLKTCK], 100);
    /* I M A F D C: bits 8, 12, 0, 5, 3, 2. */
    ck_assert_uint_eq(seen[AT_HWCAP], 0x112d);
    ck_assert_str_eq(str(seen[AT_EXECFN]), "/tmp/prog");
    ck_assert(memcmp(user_g2h(&mem, seen[AT_RANDOM]), rnd, 16) == 0);
    ck_assert(!have[AT_PLATFORM]);
    /* The pointer block ends below the random bytes. */
    ck_assert_uint_le(a, seen[AT_RANDOM]);
}
END_TEST

START_TEST(test_stack_empty_env)
{
    char *argv[] = { "p", NULL };
    uint8_t rnd[16] = { 0 };
    UserElfImage exe = { .entry = 0x1000, .phdr = 0x40, .phent = 56, .phnum = 1 };
    UserStackInfo info = { .exe = &exe, .execfn = "p", .random16 = rnd };
    GuestAddr sp = user_stack_setup(&mem, &user_abi_riscv64, 1, argv, NULL, &info, NULL);
    ck_assert_uint_eq(sp % 16, 0);
    ck_assert_uint_eq(word(sp), 1);
    ck_assert_uint_eq(word(sp + 16), 0);     /* argv terminator */
    ck_assert_uint_eq(word(sp + 24), 0);     /* empty envp */
    ck_assert_uint_ne(word(sp + 32), AT_NULL);  /* auxv follows */
}
END_TEST

Suite *user_stack_suite(void)
{
    Suite *s = suite_create("user_stack");
    TCase *tc = tcase_create("layout");
    tcase_add_checked_fixture(tc, stack_setup, stack_teardown);
    tcase_add_test(tc, test_stack_layout);
    tcase_add_test(tc, test_stack_empty_env);
    suite_add_tcase(s, tc);
    return s;
}
