/*
 * Processes: fork + waitpid, vfork + execve of a host program, posix_spawn and
 * system() (both run the host's /bin/sh), and the exit statuses they report.
 * Expected values are what the programs are told to exit with.
 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_check.h"

extern char **environ;

int main(void)
{
    int st = 0;
    pid_t pid;

    gc_group("process");
    pid = fork();
    if (pid == 0) {
        _exit(11);
    }
    CHECK(pid > 0);
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 11);

    /* vfork: the parent resumes only after the child has exec'd. */
    pid = vfork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "exit 7", (char *)NULL);
        _exit(127);
    }
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);

    char *argv[] = { "sh", "-c", "exit 3", NULL };
    CHECK(posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0);
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);

    st = system("exit 5");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);

    /* A child killed by a signal. */
    pid = fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(0);
    }
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    return gc_finish();
}
