/*
 * exit_codes.c - how a process ends, selected by argv[1]; the test definitions hold the
 * expected status (a shell's view: 128 + signal number for a death by signal):
 *   exit42   exit(42) after buffered output            -> 42, the output is flushed
 *   return3  return 3 from main                        -> 3
 *   segv     uncaught SIGSEGV (NULL store)             -> 139, buffered stdout is lost
 *   abort    abort()                                   -> 134
 *   atexit   atexit handlers run in reverse order, the last one calls _exit(9) -> 9
 */
#include <signal.h>
#include <unistd.h>
#include "guest_check.h"

static int *volatile null_ptr;

static void last_handler(void)
{
    printf("atexit handler 2 (runs last)\n");
    fflush(stdout);
    _exit(9);
}

static void first_handler(void)
{
    printf("atexit handler 1 (runs first)\n");
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    printf("exit_codes: %s\n", what);
    if (strcmp(what, "exit42") == 0) {
        printf("this line is buffered and must appear\n");
        exit(42);
    }
    if (strcmp(what, "return3") == 0) {
        return 3;
    }
    if (strcmp(what, "segv") == 0) {
        fflush(stdout);
        printf("unflushed output is lost when the process dies by a signal\n");
        *null_ptr = 1;
        return 1;
    }
    if (strcmp(what, "abort") == 0) {
        fflush(stdout);
        abort();
    }
    if (strcmp(what, "atexit") == 0) {
        atexit(last_handler);
        atexit(first_handler);
        return 0;
    }
    printf("unknown mode\n");
    return 1;
}
