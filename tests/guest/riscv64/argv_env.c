/*
 * argv_env.c - the initial process state a Linux loader builds (System V ABI, RISC-V psABI):
 * argc/argv (including an empty argument and one with spaces), envp and getenv, the auxiliary
 * vector (page size, hwcap bits for IMAFDC, AT_RANDOM, AT_EXECFN) and stack alignment.
 * Run by the test with four arguments and MIMIC_TEST_VAR set; exits with argc (5).
 */
#include <sys/auxv.h>
#include <unistd.h>
#include "guest_check.h"

extern char **environ;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int main(int argc, char **argv, char **envp)
{
    gc_group("argv");
    printf("argc = %d\n", argc);
    printf("argv[0] basename = %s\n", base_name(argv[0]));
    for (int i = 1; i < argc; i++) {
        printf("argv[%d] = [%s]\n", i, argv[i]);
    }
    CHECK(argv[argc] == NULL);
    CHECK_EQ(argc, 5);
    if (argc == 5) {
        CHECK_STR(argv[1], "one");
        CHECK_STR(argv[2], "two words");
        CHECK_STR(argv[3], "");
        CHECK_STR(argv[4], "--three=3");
    }
    CHECK(strncmp(base_name(argv[0]), "argv_env-", 9) == 0);

    gc_group("env");
    const char *v = getenv("MIMIC_TEST_VAR");
    printf("MIMIC_TEST_VAR = %s\n", v ? v : "(unset)");
    CHECK(v != NULL);
    if (v) {
        CHECK_STR(v, "hello-from-the-host");
    }
    CHECK(envp == environ);
    int found = 0, count = 0;
    for (char **e = envp; *e; e++) {
        count++;
        found += (strcmp(*e, "MIMIC_TEST_VAR=hello-from-the-host") == 0);
    }
    CHECK_EQ(found, 1);
    CHECK(count >= 1);
    CHECK(getenv("MIMIC_SURELY_UNSET_VARIABLE") == NULL);
    CHECK_EQ(setenv("MIMIC_NEW", "x=y", 1), 0);
    CHECK_STR(getenv("MIMIC_NEW"), "x=y");
    CHECK_EQ(unsetenv("MIMIC_TEST_VAR"), 0);
    CHECK(getenv("MIMIC_TEST_VAR") == NULL);

    gc_group("auxv");
    CHECK_EQ(getauxval(AT_PAGESZ), 4096);
    CHECK_EQ(sysconf(_SC_PAGESIZE), 4096);
    unsigned long hwcap = getauxval(AT_HWCAP);
    const char *exts = "IMAFDC";
    for (const char *x = exts; *x; x++) {
        if (!CHECK(hwcap & (1ul << (*x - 'A')))) {
            printf("  (hwcap lacks %c)\n", *x);
        }
    }
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(rnd != NULL);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    CHECK(execfn != NULL && strcmp(base_name(execfn), base_name(argv[0])) == 0);
    CHECK(getauxval(AT_PHDR) != 0);
    CHECK(getauxval(AT_ENTRY) != 0);
    CHECK_EQ(getauxval(AT_UID), getuid());
    CHECK_EQ(getauxval(AT_EGID), getegid());

    gc_group("stack");
    char *sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    CHECK_EQ((uintptr_t)sp % 16, 0);
    CHECK(sp < argv[0]);                 /* strings live above the stack pointer */
    return gc_finish() == 0 ? argc : 1;
}
