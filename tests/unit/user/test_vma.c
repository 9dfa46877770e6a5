/*
 * Guest VMA bookkeeping: mmap/munmap/mprotect splitting and merging, the
 * top-down free-range search, access checks, and that host protections follow.
 */
#include <check.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/linux-user/user_internal.h"

static UserMem mem;
#define A(x) ((GuestAddr)(x))

static void vma_setup(void)
{
    ck_assert(user_mem_init(&mem, 30, NULL));
    mem.mmap_min = 0x10000;
    mem.mmap_top = 0x20000000;
}

static void vma_teardown(void)
{
    user_mem_fini(&mem);
}

static const UserVma *nth(guint i)
{
    ck_assert_uint_lt(i, mem.vmas->len);
    return &g_array_index(mem.vmas, UserVma, i);
}

START_TEST(test_map_protect_split)
{
    ck_assert_int_eq(user_mem_map(&mem, 0x100000, 0x5000, PROT_READ | PROT_WRITE, USER_VMA_ANON,
                                  MAP_PRIVATE, -1, 0, NULL), 0);
    ck_assert_uint_eq(mem.vmas->len, 1);
    /* Protect the middle page: three VMAs. */
    ck_assert_int_eq(user_mem_protect(&mem, 0x102000, 0x1000, PROT_READ), 0);
    ck_assert_uint_eq(mem.vmas->len, 3);
    ck_assert_uint_eq(nth(0)->start, 0x100000);
    ck_assert_uint_eq(nth(0)->end, 0x102000);
    ck_assert_uint_eq(nth(1)->start, 0x102000);
    ck_assert_uint_eq(nth(1)->end, 0x103000);
    ck_assert_int_eq(nth(1)->prot, PROT_READ);
    ck_assert_uint_eq(nth(2)->start, 0x103000);
    ck_assert_uint_eq(nth(2)->end, 0x105000);
    ck_assert(user_mem_check(&mem, 0x100000, 0x5000, PROT_READ));
    ck_assert(!user_mem_check(&mem, 0x101000, 0x2000, PROT_WRITE));
    ck_assert(user_mem_check(&mem, 0x103000, 0x2000, PROT_WRITE));
    /* Protect it back: the pieces merge again. */
    ck_assert_int_eq(user_mem_protect(&mem, 0x102000, 0x1000, PROT_READ | PROT_WRITE), 0);
    ck_assert_uint_eq(mem.vmas->len, 1);
    /* Unmap the first and a middle page. */
    ck_assert_int_eq(user_mem_unmap(&mem, 0x100000, 0x1000), 0);
    ck_assert_int_eq(user_mem_unmap(&mem, 0x102000, 0x1000), 0);
    ck_assert_uint_eq(mem.vmas->len, 2);
    ck_assert_uint_eq(nth(0)->start, 0x101000);
    ck_assert_uint_eq(nth(0)->end, 0x102000);
    ck_assert_uint_eq(nth(1)->start, 0x103000);
    ck_assert_ptr_null(user_mem_find(&mem, 0x100800));
    ck_assert_ptr_null(user_mem_find(&mem, 0x102800));
    ck_assert_ptr_nonnull(user_mem_find(&mem, 0x104fff));
    ck_assert(!user_mem_check(&mem, 0x101000, 0x3000, 0));
    /* mprotect over a hole fails like Linux (ENOMEM) and changes nothing. */
    ck_assert_int_eq(user_mem_protect(&mem, 0x101000, 0x3000, PROT_READ), -ENOMEM);
    ck_assert_int_eq(nth(0)->prot, PROT_READ | PROT_WRITE);
    /* Unmap everything spanning holes. */
    ck_assert_int_eq(user_mem_unmap(&mem, 0x100000, 0x10000), 0);
    ck_assert_uint_eq(mem.vmas->len, 0);
}
END_TEST

START_TEST(test_map_replaces)
{
    ck_assert_int_eq(user_mem_map(&mem, 0x200000, 0x4000, PROT_READ, 0, MAP_PRIVATE, -1, 0, "a"), 0);
    ck_assert_int_eq(user_mem_map(&mem, 0x201000, 0x1000, PROT_READ | PROT_EXEC, 0, MAP_PRIVATE,
                                  -1, 0, "b"), 0);
    ck_assert_uint_eq(mem.vmas->len, 3);
    ck_assert_str_eq(nth(1)->name, "b");
    ck_assert_str_eq(nth(2)->name, "a");
    ck_assert(user_mem_check(&mem, 0x201000, 0x1000, PROT_EXEC));
    ck_assert(!user_mem_check(&mem, 0x200000, 0x2000, PROT_EXEC));
}
END_TEST

START_TEST(test_find_free)
{
    /* Top-down: the first mapping goes just below mmap_top. */
    GuestAddr a = user_mem_find_free(&mem, 0x3000, 0, 0);
    ck_assert_uint_eq(a, 0x20000000 - 0x3000);
    ck_assert_int_eq(user_mem_map(&mem, a, 0x3000, PROT_READ, 0, MAP_PRIVATE, -1, 0, NULL), 0);
    GuestAddr b = user_mem_find_free(&mem, 0x1000, 0, 0);
    ck_assert_uint_eq(b, a - 0x1000);
    /* Alignment. */
    GuestAddr c = user_mem_find_free(&mem, 0x1000, 0, 0x100000);
    ck_assert_uint_eq(c % 0x100000, 0);
    ck_assert_uint_lt(c, b);
    /* A free hint is honoured, a taken one is not. */
    ck_assert_uint_eq(user_mem_find_free(&mem, 0x1000, 0x400000, 0), 0x400000);
    ck_assert_uint_ne(user_mem_find_free(&mem, 0x1000, a, 0), a);
    /* Too big. */
    ck_assert_uint_eq(user_mem_find_free(&mem, (GuestAddr)1 << 31, 0, 0), 0);
}
END_TEST

static sigjmp_buf probe_jb;
static void probe_handler(int sig)
{
    siglongjmp(probe_jb, 1);
}

/* Does a host write to guest address a fault? */
static bool host_write_faults(GuestAddr a)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = probe_handler;
    sigaction(SIGSEGV, &sa, &old);
    bool faulted = false;
    if (sigsetjmp(probe_jb, 1) == 0) {
        *(volatile uint8_t *)user_g2h(&mem, a) = 1;
    } else {
        faulted = true;
    }
    sigaction(SIGSEGV, &old, NULL);
    return faulted;
}

START_TEST(test_host_prot_and_watch)
{
    ck_assert_int_eq(user_mem_map(&mem, 0x300000, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC, 0,
                                  MAP_PRIVATE, -1, 0, NULL), 0);
    ck_assert(!host_write_faults(0x300000));
    /* A watched (code) page is read-only on the host until unwatched. */
    user_mem_watch(&mem, 0x300000);
    ck_assert(user_mem_is_watched(&mem, 0x300000));
    ck_assert(host_write_faults(0x300010));
    ck_assert(!host_write_faults(0x301000));
    /* mprotect keeps it read-only while watched. */
    ck_assert_int_eq(user_mem_protect(&mem, 0x300000, 0x2000, PROT_READ | PROT_WRITE), 0);
    ck_assert(host_write_faults(0x300010));
    /* A kernel-write range unwatches it and queues it for invalidation. */
    user_mem_unwatch_range_dirty(&mem, 0x300ff0, 0x20);
    ck_assert(!user_mem_is_watched(&mem, 0x300000));
    ck_assert_int_eq(mem.n_dirty, 1);
    ck_assert_uint_eq(mem.dirty[0], 0x300000);
    ck_assert(!host_write_faults(0x300010));
    /* Unmapped and read-only guest pages fault on the host too. */
    ck_assert_int_eq(user_mem_protect(&mem, 0x301000, 0x1000, PROT_READ), 0);
    ck_assert(host_write_faults(0x301000));
    ck_assert(host_write_faults(0x500000));
}
END_TEST

START_TEST(test_checked_copies)
{
    ck_assert_int_eq(user_mem_map(&mem, 0x400000, 0x1000, PROT_READ | PROT_WRITE, 0, MAP_PRIVATE,
                                  -1, 0, NULL), 0);
    char buf[16];
    ck_assert_int_eq(user_copy_to(&mem, 0x400ff8, "abcdefg", 8), 0);
    ck_assert_int_eq(user_copy_to(&mem, 0x400ffc, "abcdefg", 8), -EFAULT);
    ck_assert_int_eq(user_copy_from(&mem, buf, 0x400ff8, 8), 0);
    ck_assert_str_eq(buf, "abcdefg");
    /* Addresses beyond the guest range never reach host memory. */
    ck_assert_int_eq(user_copy_from(&mem, buf, ((GuestAddr)1 << 30) - 4, 8), -EFAULT);
    ck_assert_int_eq(user_copy_from(&mem, buf, ~(GuestAddr)0 - 2, 8), -EFAULT);
    ck_assert(!user_mem_in_range(&mem, ~(GuestAddr)0, 2));
    int err = 0;
    char *s = user_strdup(&mem, 0x400ff8, 64, &err);
    ck_assert_str_eq(s, "abcdefg");
    g_free(s);
    /* A string running off the mapping. */
    memset(user_g2h(&mem, 0x400000), 'x', 0x1000);
    ck_assert_ptr_null(user_strdup(&mem, 0x400f00, 4096, &err));
    ck_assert_int_eq(err, -EFAULT);
    ck_assert_ptr_null(user_strdup(&mem, 0x400000, 100, &err));
    ck_assert_int_eq(err, -ENAMETOOLONG);
}
END_TEST

Suite *user_vma_suite(void)
{
    Suite *s = suite_create("user_vma");
    TCase *tc = tcase_create("vma");
    tcase_add_checked_fixture(tc, vma_setup, vma_teardown);
    tcase_add_test(tc, test_map_protect_split);
    tcase_add_test(tc, test_map_replaces);
    tcase_add_test(tc, test_find_free);
    tcase_add_test(tc, test_host_prot_and_watch);
    tcase_add_test(tc, test_checked_copies);
    suite_add_tcase(s, tc);
    return s;
}
