/* Sysroot path redirection (qemu-user -L semantics). */
#include <check.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "platform/linux-user/user_internal.h"

static char *root;

static void path_setup(void)
{
    root = g_dir_make_tmp("mimic-user-XXXXXX", NULL);
    ck_assert_ptr_nonnull(root);
    g_autofree char *lib = g_build_filename(root, "lib", NULL);
    ck_assert_int_eq(g_mkdir(lib, 0755), 0);
    g_autofree char *so = g_build_filename(lib, "libfoo.so", NULL);
    ck_assert(g_file_set_contents(so, "x", 1, NULL));
    g_autofree char *proc = g_build_filename(root, "proc", NULL);
    ck_assert_int_eq(g_mkdir(proc, 0755), 0);
}

static void path_teardown(void)
{
    g_autofree char *so = g_build_filename(root, "lib", "libfoo.so", NULL);
    g_autofree char *lib = g_build_filename(root, "lib", NULL);
    g_autofree char *proc = g_build_filename(root, "proc", NULL);
    g_remove(so);
    g_rmdir(lib);
    g_rmdir(proc);
    g_rmdir(root);
    g_free(root);
}

START_TEST(test_redirect)
{
    g_autofree char *want = g_build_filename(root, "lib", "libfoo.so", NULL);
    g_autofree char *a = user_path_redirect(root, "/lib/libfoo.so");
    ck_assert_str_eq(a, want);
    g_autofree char *dir = user_path_redirect(root, "/lib");
    g_autofree char *want_dir = g_build_filename(root, "lib", NULL);
    ck_assert_str_eq(dir, want_dir);
    /* Missing in the sysroot: the host path. */
    g_autofree char *b = user_path_redirect(root, "/lib/libbar.so");
    ck_assert_str_eq(b, "/lib/libbar.so");
    /* Relative paths, "/", and the kernel's trees are never redirected. */
    g_autofree char *c = user_path_redirect(root, "lib/libfoo.so");
    ck_assert_str_eq(c, "lib/libfoo.so");
    g_autofree char *d = user_path_redirect(root, "/");
    ck_assert_str_eq(d, "/");
    g_autofree char *e = user_path_redirect(root, "/proc");
    ck_assert_str_eq(e, "/proc");
    /* No sysroot. */
    g_autofree char *f = user_path_redirect(NULL, "/lib/libfoo.so");
    ck_assert_str_eq(f, "/lib/libfoo.so");
}
END_TEST

START_TEST(test_proc_self_exe)
{
    ck_assert(user_path_is_proc_self_exe("/proc/self/exe"));
    g_autofree char *own = g_strdup_printf("/proc/%d/exe", (int)getpid());
    ck_assert(user_path_is_proc_self_exe(own));
    ck_assert(!user_path_is_proc_self_exe("/proc/self/exec"));
    ck_assert(!user_path_is_proc_self_exe("/proc/1/exe") || getpid() == 1);
}
END_TEST

Suite *user_path_suite(void)
{
    Suite *s = suite_create("user_path");
    TCase *tc = tcase_create("redirect");
    tcase_add_checked_fixture(tc, path_setup, path_teardown);
    tcase_add_test(tc, test_redirect);
    tcase_add_test(tc, test_proc_self_exe);
    suite_add_tcase(s, tc);
    return s;
}
